// SPDX-License-Identifier: MIT
/*
 * profile_yaml.c - the profile-file loader (libyaml document API):
 *
 *   base: tdx                     # required: tdx | sev | cca
 *   name: tdx-mce-at-tracking     # optional, [a-z0-9-]+ (default: the path)
 *   description: free text        # optional
 *   timing: { fw_call: 3us, fw_mmio_map_page: 4000 }   # 4000 = cycles
 *   rules:  { latent_at_lock: none, latent_at_owner: latent-mce }
 *
 * Every error is reported as FILE:LINE:COL: error: MSG (README.md),
 * all of them, not just the first.  An overridden value's source becomes
 * "FILE:LINE".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <yaml.h>

#include "arch.h"
#include "sim.h"

struct pctx {
	const char *path;
	struct arch_diag *diag;
	yaml_document_t *doc;
	struct arch_profile *p;
	unsigned int errors;
};

__attribute__((format(printf, 3, 4)))
static void perr(struct pctx *c, const yaml_mark_t *m, const char *fmt, ...)
{
	char msg[256], line[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%zu:%zu: error: %s", c->path,
		 m ? m->line + 1 : 0, m ? m->column + 1 : 0, msg);
	c->errors++;
	if (c->diag) {
		c->diag->count++;
		if (c->diag->fn)
			c->diag->fn(c->diag->ctx, line);
	}
}

static const char *scalar(struct pctx *c, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		perr(c, n ? &n->start_mark : NULL, "%s must be a scalar", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static void src_of(struct pctx *c, const yaml_node_t *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%zu", c->path, n->start_mark.line + 1);
}

/*
 * Fails on a key seen before in the same mapping (docs/scenarios.md).  A
 * mapping of a profile has a few dozen keys at most (load_block refuses
 * more than ARCH_PROFILE_MAX_KEYS first), so the walk back stays short.
 */
static bool dup_key(struct pctx *c, yaml_node_pair_t *start,
		    yaml_node_pair_t *pair)
{
	const char *k = (const char *)
		yaml_document_get_node(c->doc, pair->key)->data.scalar.value;

	for (yaml_node_pair_t *q = start; q < pair; q++) {
		yaml_node_t *qk = yaml_document_get_node(c->doc, q->key);

		if (qk->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)qk->data.scalar.value, k))
			return true;
	}
	return false;
}

typedef int set_fn(struct arch_profile *p, const char *key, const char *val,
		   const char *src);

static void load_block(struct pctx *c, yaml_node_t *map, const char *block,
		       set_fn *set)
{
	yaml_node_pair_t *pr;

	if (map->type != YAML_MAPPING_NODE) {
		perr(c, &map->start_mark, "`%s` must be a mapping", block);
		return;
	}
	if (map->data.mapping.pairs.top - map->data.mapping.pairs.start >
	    ARCH_PROFILE_MAX_KEYS) {
		perr(c, &map->start_mark, "`%s` has more than %d keys", block,
		     ARCH_PROFILE_MAX_KEYS);
		return;
	}
	for (pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(c, kn, "a key"), *v;
		char src[512];	/* copy_src() cuts it to ARCH_SRC_MAX */
		int ret;

		if (!k)
			continue;
		if (dup_key(c, map->data.mapping.pairs.start, pr)) {
			perr(c, &kn->start_mark, "duplicate key `%s`", k);
			continue;
		}
		v = scalar(c, vn, k);
		if (!v)
			continue;
		src_of(c, vn, src, sizeof(src));
		ret = set(c->p, k, v, src);
		if (ret == -ENOENT)
			perr(c, &kn->start_mark, "unknown %s key `%s`", block, k);
		else if (ret == -ERANGE)
			perr(c, &vn->start_mark, "%s.%s = `%s` is too large (at most %llu cycles or 1000 s)",
			     block, k, v, (unsigned long long)ARCH_TIMING_MAX_CYCLES);
		else if (ret)
			perr(c, &vn->start_mark, "bad value `%s` for %s.%s",
			     v, block, k);
	}
}

static bool name_ok(const char *s)
{
	if (!*s || strlen(s) >= ARCH_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

/* The base first: overrides apply on top of it, whatever the key order. */
static yaml_node_t *find_key(struct pctx *c, yaml_node_t *root, const char *k)
{
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);

		if (kn->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)kn->data.scalar.value, k))
			return yaml_document_get_node(c->doc, pr->value);
	}
	return NULL;
}

static void load_root(struct pctx *c, yaml_node_t *root)
{
	yaml_node_t *bn = find_key(c, root, "base");
	const char *b;
	int id;

	if (!bn) {
		perr(c, &root->start_mark, "missing required key `base`");
		return;
	}
	b = scalar(c, bn, "base");
	id = b ? arch_id_parse(b) : -1;
	if (b && id < 0) {
		char names[64] = "";
		size_t n = 0;

		for (const char *const *a = arch_names(); *a; a++) {
			int k = snprintf(names + n, sizeof(names) - n, "%s%s",
					 n ? ", " : "", *a);

			if (k < 0 || (size_t)k >= sizeof(names) - n)
				break;
			n += (size_t)k;
		}
		perr(c, &bn->start_mark, "unknown base `%s` (%s)", b, names);
	}
	/* go on with the first registered arch to report the other errors */
	arch_profile_builtin_id(id < 0 ? (enum arch_id)0 : (enum arch_id)id, c->p);
	snprintf(c->p->name, sizeof(c->p->name), "%s", c->path);
	if (root->data.mapping.pairs.top - root->data.mapping.pairs.start >
	    ARCH_PROFILE_MAX_KEYS) {
		perr(c, &root->start_mark, "a profile has more than %d keys",
		     ARCH_PROFILE_MAX_KEYS);
		return;
	}

	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(c, kn, "a key"), *v;

		if (!k)
			continue;
		if (dup_key(c, root->data.mapping.pairs.start, pr)) {
			perr(c, &kn->start_mark, "duplicate key `%s`", k);
		} else if (!strcmp(k, "base") || !strcmp(k, "description")) {
			scalar(c, vn, k);
		} else if (!strcmp(k, "name")) {
			v = scalar(c, vn, k);
			if (v && !name_ok(v))
				perr(c, &vn->start_mark,
				     "name `%s` must match [a-z0-9-]+", v);
			else if (v)
				snprintf(c->p->name, sizeof(c->p->name), "%s", v);
		} else if (!strcmp(k, "timing")) {
			load_block(c, vn, "timing", arch_profile_set_timing);
		} else if (!strcmp(k, "rules")) {
			load_block(c, vn, "rules", arch_profile_set_rule);
		} else {
			perr(c, &kn->start_mark, "unknown key `%s`", k);
		}
	}
}

/*
 * The scenario loader's limits, for a file that is much smaller: at most
 * ARCH_PROFILE_MAX_FILE bytes, one document, the default tags only, and
 * nothing nested below the two blocks.  Checked on the events, so a
 * hostile file costs no more than reading it (libyaml's document loader
 * is quadratic in flow nesting).
 */
static bool events_ok(struct pctx *c, const char *text, size_t len)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	unsigned int depth = 0, docs = 0;
	bool done = false;

	if (!yaml_parser_initialize(&ps))
		return false;
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	while (!done && !c->errors) {
		if (!yaml_parser_parse(&ps, &ev)) {
			yaml_mark_t m = ps.problem_mark;

			if (ps.error == YAML_READER_ERROR) {
				unsigned int l, col;

				sim_text_pos(text, len, ps.problem_offset, &l, &col);
				m.line = l - 1;
				m.column = col - 1;
			}
			perr(c, &m, "%s", ps.problem ? ps.problem : "YAML syntax error");
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			perr(c, &ev.start_mark, "a profile file holds one YAML document; a second one starts here");
		if ((ev.type == YAML_SEQUENCE_START_EVENT ||
		     ev.type == YAML_MAPPING_START_EVENT) && ++depth > 2)
			perr(c, &ev.start_mark, "nesting deeper than `timing:` / `rules:` values");
		if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if ((ev.type == YAML_SCALAR_EVENT && ev.data.scalar.tag &&
		     strcmp((const char *)ev.data.scalar.tag, YAML_STR_TAG)) ||
		    (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.tag) ||
		    (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.tag))
			perr(c, &ev.start_mark, "YAML tags are not supported in a profile");
		if (ev.type == YAML_ALIAS_EVENT)
			perr(c, &ev.start_mark, "YAML aliases are not supported in a profile");
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps);
	return !c->errors;
}

/* The whole file, at most ARCH_PROFILE_MAX_FILE + 1 bytes; NULL after perr. */
static char *read_profile(struct pctx *c, size_t *len, int *ret)
{
	FILE *f = sim_fopen_regular(c->path);
	char *buf;
	int err;

	if (!f) {
		err = errno;
		perr(c, NULL, "cannot read profile: %s", sim_open_strerror(err));
		*ret = err == EACCES ? -EACCES : -ENOENT;
		return NULL;
	}
	buf = sim_xrealloc(NULL, ARCH_PROFILE_MAX_FILE + 2, 1);
	*len = fread(buf, 1, ARCH_PROFILE_MAX_FILE + 1, f);
	err = ferror(f);
	fclose(f);
	if (err) {
		perr(c, NULL, "cannot read profile: %s", strerror(EIO));
		*ret = -EIO;
	} else {
		buf[*len] = 0;	/* one byte over the cap: load_text refuses it */
		return buf;
	}
	free(buf);
	return NULL;
}

int arch_profile_load(const char *path, struct arch_profile *out,
		      struct arch_diag *diag)
{
	struct pctx c = { .path = path, .diag = diag, .p = out };
	size_t len = 0;
	int ret = 0;
	char *text = read_profile(&c, &len, &ret);

	if (!text)
		return ret;
	ret = arch_profile_load_text(path, text, len, out, diag);
	free(text);
	return ret;
}

int arch_profile_load_text(const char *path, const char *text, size_t len,
			   struct arch_profile *out, struct arch_diag *diag)
{
	struct pctx c = { .path = path, .diag = diag, .p = out };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = 0;

	if (len > ARCH_PROFILE_MAX_FILE) {
		yaml_mark_t m = { 0 };

		perr(&c, &m, "the profile is larger than %u bytes", ARCH_PROFILE_MAX_FILE);
		return -EINVAL;
	}
	if (!events_ok(&c, text, len))
		return -EINVAL;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		perr(&c, &parser.problem_mark, "%s",
		     parser.problem ? parser.problem : "YAML syntax error");
		ret = -EINVAL;
		goto out_parser;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		perr(&c, root ? &root->start_mark : NULL,
		     "a profile is a mapping with `base:`");
	else
		load_root(&c, root);
	if (c.errors)
		ret = -EINVAL;
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	return ret;
}

int arch_profile_resolve(const char *name_or_path, struct arch_profile *out,
			 struct arch_diag *diag)
{
	if (!arch_profile_builtin(name_or_path, out))
		return 0;
	return arch_profile_load(name_or_path, out, diag);
}
