// SPDX-License-Identifier: MIT
/*
 * jsonr.c - the JSON reader of load.h (recursive descent, depth-capped)
 * and the string writer every JSON output uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "sim.h"

#define JSONR_MAX_DEPTH 32

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX (a BMP code point) as UTF-8 into @o. */
static const char *unicode(const char *s, FILE *o)
{
	unsigned int cp = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return NULL;
		cp = cp << 4 | (unsigned int)h;
	}
	if (cp < 0x80) {
		fputc((int)cp, o);
	} else if (cp < 0x800) {
		fputc((int)(0xc0 | cp >> 6), o);
		fputc((int)(0x80 | (cp & 0x3f)), o);
	} else {
		fputc((int)(0xe0 | cp >> 12), o);
		fputc((int)(0x80 | ((cp >> 6) & 0x3f)), o);
		fputc((int)(0x80 | (cp & 0x3f)), o);
	}
	return s + 4;
}

static const char *string(const char *s, char **out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	TSM_BUG_ON(!o);
	s++;
	while (s && *s != '"') {
		const char *k;

		if ((unsigned char)*s < 0x20) {
			s = NULL;
		} else if (*s != '\\') {
			fputc(*s++, o);
		} else if (s[1] == 'u') {
			s = unicode(s + 2, o);
		} else if (s[1] && (k = strchr(from, s[1]))) {
			fputc(to[k - from], o);
			s += 2;
		} else {
			s = NULL;
		}
	}
	fclose(o);
	if (!s) {
		free(buf);
		return NULL;
	}
	*out = buf;
	return s + 1;
}

static const char *digits(const char *s)
{
	const char *b = s;

	while (*s >= '0' && *s <= '9')
		s++;
	return s > b ? s : NULL;
}

static const char *number(const char *s, struct jsonr *j)
{
	const char *b = s, *e = digits(s + (*s == '-'));
	bool integer = e != NULL;

	if (e && *e == '.') {
		e = digits(e + 1);
		integer = false;
	}
	if (e && (*e == 'e' || *e == 'E')) {
		e = digits(e + 1 + (e[1] == '+' || e[1] == '-'));
		integer = false;
	}
	if (!e)
		return NULL;
	j->type = JSONR_NUM;
	j->str = strndup(b, (size_t)(e - b));
	TSM_BUG_ON(!j->str);
	if (integer && *b != '-') {
		errno = 0;
		j->u = strtoull(b, NULL, 10);
		j->is_u = errno == 0;
	}
	return e;
}

static const char *value(const char *s, struct jsonr *j, int depth);

static const char *members(const char *s, struct jsonr *j, int depth, bool obj)
{
	char close = obj ? '}' : ']';

	j->type = obj ? JSONR_OBJ : JSONR_ARR;
	s = ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		j->v = sim_xrealloc(j->v, j->n + 1, sizeof(*j->v));
		memset(&j->v[j->n], 0, sizeof(*j->v));
		if (obj) {
			j->keys = sim_xrealloc(j->keys, j->n + 1, sizeof(*j->keys));
			j->keys[j->n] = NULL;
			s = *s == '"' ? string(s, &j->keys[j->n]) : NULL;
			s = s ? ws(s) : NULL;
			s = s && *s == ':' ? ws(s + 1) : NULL;
		}
		s = s ? value(s, &j->v[j->n], depth + 1) : NULL;
		j->n++;
		s = s ? ws(s) : NULL;
		if (!s || *s == close)
			return s ? s + 1 : NULL;
		if (*s != ',')
			return NULL;
		s = ws(s + 1);
	}
}

static const char *value(const char *s, struct jsonr *j, int depth)
{
	if (depth > JSONR_MAX_DEPTH)
		return NULL;
	if (*s == '"') {
		j->type = JSONR_STR;
		return string(s, &j->str);
	}
	if (*s == '{' || *s == '[')
		return members(s, j, depth, *s == '{');
	if (!strncmp(s, "true", 4) || !strncmp(s, "false", 5)) {
		j->type = JSONR_BOOL;
		j->u = *s == 't';
		return s + (*s == 't' ? 4 : 5);
	}
	if (!strncmp(s, "null", 4)) {
		j->type = JSONR_NULL;
		return s + 4;
	}
	return number(s, j);
}

int jsonr_parse(const char *text, struct jsonr *out)
{
	const char *end;

	memset(out, 0, sizeof(*out));
	end = value(ws(text), out, 0);
	if (end && !*ws(end))
		return 0;
	jsonr_free(out);
	return -EINVAL;
}

void jsonr_free(struct jsonr *j)
{
	for (size_t i = 0; i < j->n; i++) {
		if (j->keys)
			free(j->keys[i]);
		jsonr_free(&j->v[i]);
	}
	free(j->keys);
	free(j->v);
	free(j->str);
	memset(j, 0, sizeof(*j));
}

const struct jsonr *jsonr_get(const struct jsonr *j, const char *key)
{
	if (!j || j->type != JSONR_OBJ)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (j->keys[i] && !strcmp(j->keys[i], key))
			return &j->v[i];
	return NULL;
}

const char *jsonr_str(const struct jsonr *j, const char *key)
{
	const struct jsonr *v = jsonr_get(j, key);

	return v && v->type == JSONR_STR ? v->str : NULL;
}

uint64_t jsonr_u64(const struct jsonr *j, const char *key, uint64_t def)
{
	const struct jsonr *v = jsonr_get(j, key);

	return v && v->type == JSONR_NUM && v->is_u ? v->u : def;
}

void jsonr_write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
