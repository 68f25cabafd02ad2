// SPDX-License-Identifier: MIT
/*
 * sweep_json.c - one point run in this process, and its result as one
 * JSON line of schema tsmsim-sweep/1 (docs/sweep.md); the minimal reader
 * merge and --resume need (the keys they check, every other value
 * skipped by its JSON syntax).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "sweep.h"

static const char *const status_names[SWEEP_STATUS_NR] = {
	[SWEEP_RAN] = "ran",
	[SWEEP_CRASHED] = "crashed",
	[SWEEP_TIMEOUT] = "timeout",
};

const char *sweep_status_name(enum sweep_status st)
{
	return (unsigned int)st < SWEEP_STATUS_NR ? status_names[st] : "?";
}

/* ----------------------------------------------------------------- write */

static void w_key(FILE *f, const char *k)
{
	fputc(',', f);
	report_json_str(f, k);
	fputc(':', f);
}

static void w_set(FILE *f, const struct sweep_combo *c)
{
	fputc('{', f);
	for (size_t i = 0; i < c->nswept; i++) {
		const struct scn_set *s = &c->sets[c->swept[i]];

		if (i)
			fputc(',', f);
		report_json_str(f, s->path);
		fputc(':', f);
		report_json_str(f, s->value);
	}
	fputc('}', f);
}

static void w_findings(FILE *f, const struct sweep_result *r)
{
	fputc('{', f);
	for (int k = 0; k < SIM_FIND_NR; k++) {
		if (k)
			fputc(',', f);
		report_json_str(f, sim_finding_name((enum sim_finding_kind)k));
		fprintf(f, ":%llu", (unsigned long long)r->findings[k]);
	}
	fputc('}', f);
}

static void w_first(FILE *f, const struct sim_finding *fi)
{
	if (!fi) {
		fputs("null", f);
		return;
	}
	fputs("{\"name\":", f);
	report_json_str(f, sim_finding_name(fi->kind));
	fprintf(f, ",\"cycle\":%llu,\"line\":%u,\"label\":",
		(unsigned long long)fi->first, fi->line);
	if (fi->label)
		report_json_str(f, fi->label);
	else
		fputs("null", f);
	fputs(",\"explain\":", f);
	report_json_str(f, fi->explain);
	fputc('}', f);
}

char *sweep_line(const struct sweep_plan *p, const struct sweep_point *pt,
		 const struct sweep_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ran = r->status == SWEEP_RAN;

	if (!f)
		return NULL;
	fprintf(f, "{\"schema\":\"%s\",\"point\":%zu,\"points\":%zu", SWEEP_SCHEMA,
		pt->index, p->npoints);
	w_key(f, "id");
	report_json_str(f, pt->id);
	w_key(f, "arch");
	report_json_str(f, p->labels[pt->arch]);
	w_key(f, "fault");
	report_json_str(f, pt->fault);
	w_key(f, "at");
	report_json_str(f, pt->at);
	w_key(f, "inject");
	report_json_str(f, pt->inject);
	w_key(f, "set");
	w_set(f, &p->combos[pt->combo]);
	fprintf(f, ",\"seed\":%llu", (unsigned long long)pt->seed);
	w_key(f, "status");
	report_json_str(f, sweep_status_name(r->status));
	/* false: nothing was injected, so the findings say nothing of it */
	fprintf(f, ",\"fired\":%s", !ran ? "null" : r->fired ? "true" : "false");
	w_key(f, "findings");
	if (ran)
		w_findings(f, r);
	else
		fputs("null", f);
	w_key(f, "first_finding");
	w_first(f, ran ? r->first : NULL);
	w_key(f, "cycles");
	if (ran)
		fprintf(f, "%llu", (unsigned long long)r->cycles);
	else
		fputs("null", f);
	fprintf(f, ",\"pass\":%s}\n", ran && r->pass ? "true" : "false");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------- run one */

/* Count findings as expectations do: deduplicated, not allowed away. */
static void collect(const struct run_result *res, struct sweep_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = SWEEP_RAN;
	r->cycles = res->cycles;
	r->pass = res->pass;
	/* the point's fault is the --inject one: the scenario's come first */
	r->fired = res->nfaults && res->fault_fired[res->nfaults - 1];
	for (size_t i = 0; i < sim_findings_count(res->sim); i++) {
		const struct sim_finding *f = sim_finding_at(res->sim, i);

		if (f->suppressed)
			continue;
		r->findings[f->kind]++;
		if (!r->first || f->first < r->first->first)
			r->first = f;
	}
}

char *sweep_run_point(const struct sweep_plan *p, const struct sweep_point *pt,
		      int *rc)
{
	const struct sweep_combo *c = &p->combos[pt->combo];
	struct scn_set sets[SWEEP_MAX_SETS + 1];
	struct run_opts ro = { .seed = pt->seed, .has_seed = true };
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_result res;
	struct sweep_result r;
	char *line = NULL;

	memcpy(sets, c->sets, c->nsets * sizeof(*sets));
	sets[c->nsets] = (struct scn_set){ SCN_SET_INJECT, pt->inject };
	*rc = scn_load(p->file, sets, c->nsets + 1, &scn, &d) ?
	      CLI_EX_DATAERR : 0;
	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (*rc)
		return NULL;
	if (run_scenario(scn, p->arches[pt->arch], &ro, &res)) {
		fprintf(stderr, "tsmsim sweep: point %zu (%s): %s\n", pt->index,
			pt->id, res.scn_error ? res.scn_error :
			res.error ? res.error : "internal error");
		*rc = res.scn_error ? CLI_EX_DATAERR : CLI_EX_SOFTWARE;
	} else {
		collect(&res, &r);
		line = sweep_line(p, pt, &r);
		*rc = line ? 0 : CLI_EX_SOFTWARE;
	}
	run_result_fini(&res);
	scn_free(scn);
	return line;
}

/* ------------------------------------------------------------------ read */

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

/* \uXXXX as UTF-8 (a BMP code point; surrogates are kept as they come). */
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

static const char *escape(const char *s, FILE *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = *s ? strchr(from, *s) : NULL;

	if (*s == 'u')
		return unicode(s + 1, o);
	if (!k)
		return NULL;
	fputc(to[k - from], o);
	return s + 1;
}

/* A JSON string at @s; its text into *@out when @out (malloc'd). */
static const char *str(const char *s, char **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	if (!o)
		return NULL;
	if (*s++ != '"')
		s = NULL;
	while (s && *s != '"') {
		if ((unsigned char)*s < 0x20)
			s = NULL;
		else if (*s == '\\')
			s = escape(s + 1, o);
		else
			fputc(*s++, o);
	}
	fclose(o);
	if (s && out)
		*out = buf;
	else
		free(buf);
	return s ? s + 1 : NULL;
}

static const char *uint_val(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return NULL;
	*v = strtoull(s, &end, 10);
	return end;
}

static const char *digits(const char *s)
{
	const char *b = s;

	while (*s >= '0' && *s <= '9')
		s++;
	return s > b ? s : NULL;
}

/* -?digits(.digits)?([eE][+-]?digits)?: skipped, its value unused */
static const char *number(const char *s)
{
	s = digits(s + (*s == '-'));
	if (s && *s == '.')
		s = digits(s + 1);
	if (s && (*s == 'e' || *s == 'E'))
		s = digits(s + 1 + (s[1] == '+' || s[1] == '-'));
	return s;
}

static const char *value(const char *s, int depth);

/* An object or array: its members skipped. */
static const char *compound(const char *s, int depth)
{
	char close = *s == '{' ? '}' : ']';

	s = ws(s + 1);
	if (*s == close)
		return s + 1;
	while (s) {
		if (close == '}') {
			s = str(s, NULL);
			s = s ? ws(s) : NULL;
			if (!s || *s != ':')
				return NULL;
			s = ws(s + 1);
		}
		s = value(s, depth + 1);
		s = s ? ws(s) : NULL;
		if (s && *s == close)
			return s + 1;
		if (!s || *s != ',')
			return NULL;
		s = ws(s + 1);
	}
	return NULL;
}

static const char *value(const char *s, int depth)
{
	static const char *const words[] = { "true", "false", "null" };

	if (depth > 16)
		return NULL;
	if (*s == '"')
		return str(s, NULL);
	if (*s == '{' || *s == '[')
		return compound(s, depth);
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(s, words[i], strlen(words[i])))
			return s + strlen(words[i]);
	return number(s);
}

struct line_keys {
	char *schema, *id, *status;
	uint64_t point, points;
	unsigned int seen;	/* bit per key below */
};

enum { K_SCHEMA, K_POINT, K_POINTS, K_ID, K_STATUS };

static const char *member(const char *s, const char *key, struct line_keys *lk)
{
	static const char *const keys[] = { "schema", "point", "points", "id",
					     "status" };
	int k = -1;

	for (int i = 0; i < 5; i++)
		if (!strcmp(key, keys[i]))
			k = i;
	if (k < 0)
		return value(s, 0);
	if (lk->seen & (1u << k))
		return NULL;	/* a key twice */
	lk->seen |= 1u << k;
	switch (k) {
	case K_SCHEMA:
		return str(s, &lk->schema);
	case K_ID:
		return str(s, &lk->id);
	case K_STATUS:
		return str(s, &lk->status);
	case K_POINT:
		return uint_val(s, &lk->point);
	default:
		return uint_val(s, &lk->points);
	}
}

static bool parse_object(const char *s, struct line_keys *lk)
{
	s = ws(s);
	if (*s++ != '{')
		return false;
	s = ws(s);
	while (s && *s != '}') {
		char *key = NULL;

		s = str(s, &key);
		s = s ? ws(s) : NULL;
		if (s && *s == ':')
			s = member(ws(s + 1), key, lk);
		else
			s = NULL;
		free(key);
		s = s ? ws(s) : NULL;
		if (s && *s == ',')
			s = ws(s + 1);
		else if (!s || *s != '}')
			return false;
	}
	return s && !*ws(s + 1);
}

int sweep_line_parse(const char *line, struct sweep_line_info *info)
{
	struct line_keys lk = { 0 };
	int st = -1;
	bool ok = parse_object(line, &lk);

	for (int i = 0; lk.status && i < SWEEP_STATUS_NR; i++)
		if (!strcmp(lk.status, status_names[i]))
			st = i;
	ok = ok && lk.seen == 0x1f && st >= 0 &&
	     !strcmp(lk.schema, SWEEP_SCHEMA) && lk.point < lk.points;
	free(lk.schema);
	free(lk.status);
	if (!ok) {
		free(lk.id);
		return -EINVAL;
	}
	info->point = (size_t)lk.point;
	info->npoints = (size_t)lk.points;
	info->id = lk.id;
	info->status = (enum sweep_status)st;
	return 0;
}
