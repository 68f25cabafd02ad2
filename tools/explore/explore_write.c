// SPDX-License-Identifier: MIT
/*
 * explore_write.c - a counterexample as a plain scenario: the file as the
 * user wrote it (comments and all), with each `unordered:` block replaced
 * by its steps in the order explore found (one flow mapping per step,
 * `needs` dropped), `arch:` set to the arch that failed and the --inject
 * faults added to `faults:`, so `tsmsim run` on it replays the order.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "explore_internal.h"

struct edit {
	size_t from, to;	/* byte range of the original replaced */
	char *text;
};

struct wr {
	const char *text;
	size_t len;
	yaml_document_t doc;
	struct edit *e;
	size_t ne;
};

static yaml_node_t *nd(struct wr *w, int i)
{
	return yaml_document_get_node(&w->doc, i);
}

static int lookup(struct wr *w, int map, const char *key)
{
	yaml_node_t *m = nd(w, map);

	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = nd(w, p->key);

		if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return p->value;
	}
	return 0;
}

static void edit(struct wr *w, size_t from, size_t to, char *text)
{
	w->e = realloc(w->e, (w->ne + 1) * sizeof(*w->e));
	TSM_BUG_ON(!w->e);
	w->e[w->ne++] = (struct edit){ from, to, text };
}

/* ------------------------------------------------------- flow YAML */

static void scalar(FILE *f, const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && *s &&
	    !strpbrk(s, ":,[]{}#&*!|>'\"%@`"))
		fputs(s, f);
	else {
		fputc('"', f);
		for (; *s; s++)
			fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
		fputc('"', f);
	}
}

static void flow(struct wr *w, FILE *f, int i, bool top)
{
	yaml_node_t *n = nd(w, i);
	bool first = true;

	if (n->type == YAML_SCALAR_NODE) {
		scalar(f, n);
		return;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		fputc('[', f);
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			fputs(first ? "" : ", ", f);
			flow(w, f, *it, false);
			first = false;
		}
		fputc(']', f);
		return;
	}
	fputs("{ ", f);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		if (top && !strcmp((char *)nd(w, p->key)->data.scalar.value, "needs"))
			continue;
		fputs(first ? "" : ", ", f);
		flow(w, f, p->key, false);
		fputs(": ", f);
		flow(w, f, p->value, false);
		first = false;
	}
	fputs(" }", f);
}

/* ------------------------------------------------------------ spans */

static size_t line_start(const struct wr *w, size_t at)
{
	while (at > 0 && w->text[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const struct wr *w, size_t at)
{
	if (at > 0 && w->text[at - 1] == '\n')
		return at;
	while (at < w->len && w->text[at] != '\n')
		at++;
	return at < w->len ? at + 1 : at;
}

/* Column of the '-' that introduces the item starting at @at. */
static size_t dash_col(const struct wr *w, size_t at)
{
	size_t ls = line_start(w, at);

	for (size_t i = at; i-- > ls;)
		if (w->text[i] == '-')
			return i - ls;
	return at - ls;
}

static void flatten_block(struct wr *w, int item, const struct xp_plan *pl,
			  size_t order, size_t b, size_t *d)
{
	int seq = lookup(w, item, "unordered");
	yaml_node_t *s = nd(w, seq);
	yaml_node_item_t *last = s->data.sequence.items.top - 1;
	const struct scn_block *blk = &pl->scn->blocks[b];
	size_t from = line_start(w, nd(w, item)->start_mark.index);
	size_t to = line_end(w, nd(w, *last)->end_mark.index);
	size_t col = dash_col(w, nd(w, item)->start_mark.index);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	TSM_BUG_ON(!f);
	fprintf(f, "%*s# unordered block (line %u), in the order explore found\n",
		(int)col, "", blk->pos.line);
	for (size_t i = 0; i < blk->n; i++, (*d)++) {
		size_t k = xp_step(pl, order, *d) - blk->first;

		fprintf(f, "%*s- ", (int)col, "");
		flow(w, f, s->data.sequence.items.start[k], true);
		fputc('\n', f);
	}
	fclose(f);
	edit(w, from, to, buf);
}

static char *inject_flow(const char *spec)
{
	char *copy = strdup(spec), *at = strchr(copy, '@'), *save = NULL, *tok;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	TSM_BUG_ON(!f || !copy || !at);
	*at++ = 0;
	tok = strtok_r(at, ",", &save);
	fprintf(f, "{ kind: %s, at: \"%s\"", copy, tok ? tok : "");
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');

		if (eq)
			fprintf(f, ", %.*s: \"%s\"", (int)(eq - tok), tok, eq + 1);
	}
	fputs(" }", f);
	fclose(f);
	free(copy);
	return buf;
}

static void add_faults(struct wr *w, const struct xp_opts *o)
{
	int fv = lookup(w, 1, "faults");
	yaml_node_t *n = fv ? nd(w, fv) : NULL;

	for (size_t i = 0; i < o->nsets; i++) {
		char *fl = inject_flow(o->sets[i].value), *t;

		if (n && n->type == YAML_SEQUENCE_NODE &&
		    n->data.sequence.items.start < n->data.sequence.items.top &&
		    n->data.sequence.style == YAML_BLOCK_SEQUENCE_STYLE) {
			yaml_node_t *l = nd(w, n->data.sequence.items.top[-1]);
			size_t at = line_end(w, l->end_mark.index);

			t = sim_xasprintf("%*s- %s  # --inject\n",
					  (int)dash_col(w, l->start_mark.index), "", fl);
			edit(w, at, at, t);
		} else if (n && n->type == YAML_SEQUENCE_NODE) {
			size_t at = n->end_mark.index - 1;	/* the ']' */

			t = sim_xasprintf("%s%s", n->data.sequence.items.start <
					  n->data.sequence.items.top ? ", " : "", fl);
			edit(w, at, at, t);
		} else {
			t = sim_xasprintf("%sfaults:  # --inject\n  - %s\n",
					  w->len && w->text[w->len - 1] != '\n' ? "\n" : "", fl);
			edit(w, w->len, w->len, t);
		}
		free(fl);
	}
}

static int by_from(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

static void build_edits(struct wr *w, const struct xp_plan *pl, size_t order,
			const char *arch, const struct xp_opts *o)
{
	int steps = lookup(w, 1, "steps"), av = lookup(w, 1, "arch");
	yaml_node_t *s = nd(w, steps);
	size_t b = 0, d = 0;

	for (yaml_node_item_t *it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (lookup(w, *it, "unordered"))
			flatten_block(w, *it, pl, order, b++, &d);
	if (av)
		edit(w, nd(w, av)->start_mark.index, nd(w, av)->end_mark.index,
		     sim_xasprintf("%s", arch));
	else
		edit(w, w->len, w->len, sim_xasprintf("%sarch: %s\n",
			w->len && w->text[w->len - 1] != '\n' ? "\n" : "", arch));
	if (o->nsets)
		add_faults(w, o);
	qsort(w->e, w->ne, sizeof(*w->e), by_from);
}

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf = NULL;
	size_t cap = 0;
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &cap);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(f);
	fclose(m);
	*len = cap;
	return buf;
}

int xp_write_yaml(FILE *f, const char *file, const struct xp_plan *pl,
		  size_t order, const char *arch, const struct xp_opts *o)
{
	struct wr w = { 0 };
	yaml_parser_t ps;
	size_t at = 0;
	char *text = slurp(file, &w.len);

	if (!text)
		return -1;
	w.text = text;
	yaml_parser_initialize(&ps);
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, w.len);
	if (!yaml_parser_load(&ps, &w.doc)) {
		yaml_parser_delete(&ps);
		free(text);
		return -1;
	}
	build_edits(&w, pl, order, arch, o);
	fprintf(f, "# A counterexample written by `tsmsim explore %s`:\n"
		"# its unordered blocks flattened in one failing order, on %s.\n"
		"# `tsmsim run` on this file replays it.\n", file, arch);
	for (size_t i = 0; i < w.ne; i++) {
		fwrite(text + at, 1, w.e[i].from - at, f);
		fputs(w.e[i].text, f);
		at = w.e[i].to;
		free(w.e[i].text);
	}
	fwrite(text + at, 1, w.len - at, f);
	free(w.e);
	yaml_document_delete(&w.doc);
	yaml_parser_delete(&ps);
	free(text);
	return 0;
}
