// SPDX-License-Identifier: MIT
/*
 * minimize_tree.c - the scenario as an editable tree: read with libyaml's
 * document API (aliases resolved into copies), cut and set by the
 * shrinker, written back with libyaml's emitter (which quotes what needs
 * quoting), keeping each node's flow or block style.  Comments are not
 * kept; the shrinker writes its own header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "minimize_internal.h"
#include "sim.h"

#define MN_MAX_DEPTH 64

static void from_doc(yaml_document_t *doc, int i, struct mnode *out, int depth)
{
	yaml_node_t *n = yaml_document_get_node(doc, i);

	memset(out, 0, sizeof(*out));
	out->origin = -1;
	if (!n || depth > MN_MAX_DEPTH) {
		out->text = sim_xstrdup("");
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		out->text = sim_xstrdup((const char *)n->data.scalar.value);
		out->plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		out->type = MN_SEQ;
		out->flow = n->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE;
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			struct mnode k;

			from_doc(doc, *it, &k, depth + 1);
			mn_seq_add(out, k);
		}
	} else {
		out->type = MN_MAP;
		out->flow = n->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			struct mnode k, v;

			from_doc(doc, p->key, &k, depth + 1);
			from_doc(doc, p->value, &v, depth + 1);
			mn_seq_add(out, k);
			mn_seq_add(out, v);
		}
	}
}

int mn_load(const char *path, struct mnode *out)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t ps;
	yaml_document_t doc;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!f)
		return -ENOENT;
	TSM_BUG_ON(!yaml_parser_initialize(&ps));
	yaml_parser_set_input_file(&ps, f);
	if (!yaml_parser_load(&ps, &doc) || !yaml_document_get_root_node(&doc)) {
		rc = -EINVAL;
	} else {
		from_doc(&doc, 1, out, 0);
		if (out->type != MN_MAP) {
			mn_free(out);
			rc = -EINVAL;
		}
	}
	if (!rc || ps.error == YAML_NO_ERROR)
		yaml_document_delete(&doc);
	yaml_parser_delete(&ps);
	fclose(f);
	return rc;
}

void mn_free(struct mnode *n)
{
	for (size_t i = 0; i < n->n; i++)
		mn_free(&n->kids[i]);
	free(n->kids);
	free(n->text);
	memset(n, 0, sizeof(*n));
}

void mn_copy(struct mnode *dst, const struct mnode *src)
{
	*dst = *src;
	dst->text = src->text ? sim_xstrdup(src->text) : NULL;
	dst->kids = src->n ? sim_xrealloc(NULL, src->n, sizeof(*dst->kids)) : NULL;
	for (size_t i = 0; i < src->n; i++)
		mn_copy(&dst->kids[i], &src->kids[i]);
}

/* ----------------------------------------------------------------- edit */

struct mnode *mn_get(struct mnode *m, const char *key)
{
	for (size_t i = 0; m && m->type == MN_MAP && i + 1 < m->n; i += 2)
		if (m->kids[i].type == MN_SCALAR && !strcmp(m->kids[i].text, key))
			return &m->kids[i + 1];
	return NULL;
}

struct mnode mn_scalar(const char *text)
{
	return (struct mnode){ .type = MN_SCALAR, .text = sim_xstrdup(text),
			       .plain = true, .origin = -1 };
}

struct mnode mn_map(bool flow)
{
	return (struct mnode){ .type = MN_MAP, .flow = flow, .origin = -1 };
}

struct mnode mn_seq(bool flow)
{
	return (struct mnode){ .type = MN_SEQ, .flow = flow, .origin = -1 };
}

void mn_seq_add(struct mnode *s, struct mnode v)
{
	s->kids = sim_xrealloc(s->kids, s->n + 1, sizeof(*s->kids));
	s->kids[s->n++] = v;
}

void mn_map_add(struct mnode *m, const char *key, struct mnode v)
{
	mn_seq_add(m, mn_scalar(key));
	mn_seq_add(m, v);
}

void mn_set(struct mnode *m, const char *key, const char *text)
{
	struct mnode *v = mn_get(m, key);

	if (!v) {
		mn_map_add(m, key, mn_scalar(text));
		return;
	}
	mn_free(v);
	*v = mn_scalar(text);
}

void mn_cut(struct mnode *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		mn_free(&s->kids[i]);
	memmove(&s->kids[from], &s->kids[to], (s->n - to) * sizeof(*s->kids));
	s->n -= to - from;
}

bool mn_del(struct mnode *m, const char *key)
{
	struct mnode *v = mn_get(m, key);

	if (!v)
		return false;
	mn_cut(m, (size_t)(v - m->kids) - 1, (size_t)(v - m->kids) + 1);
	return true;
}

static bool is_index(const char *seg, size_t len, size_t *idx)
{
	char buf[24];
	char *end;

	if (!len || len >= sizeof(buf) || strspn(seg, "0123456789") < len)
		return false;
	memcpy(buf, seg, len);
	buf[len] = 0;
	*idx = strtoul(buf, &end, 10);
	return true;
}

int mn_set_path(struct mnode *root, const char *path, const char *value)
{
	struct mnode *cur = root;

	for (;;) {
		size_t len = strcspn(path, "."), idx;
		char key[128];
		struct mnode *next;

		if (!len || len >= sizeof(key))
			return -EINVAL;
		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		if (cur->type == MN_SEQ) {
			if (!is_index(path, len, &idx) || idx >= cur->n)
				return -EINVAL;
			next = &cur->kids[idx];
		} else if (cur->type == MN_MAP) {
			if (!path[len]) {
				mn_set(cur, key, value);
				return 0;
			}
			next = mn_get(cur, key);
			if (!next) {
				mn_map_add(cur, key, mn_map(false));
				next = &cur->kids[cur->n - 1];
			}
		} else {
			return -EINVAL;
		}
		if (!path[len]) {
			if (next->type != MN_SCALAR)
				return -EINVAL;
			mn_free(next);
			*next = mn_scalar(value);
			return 0;
		}
		cur = next;
		path += len + 1;
	}
}

static void steps_of(struct mnode *list, struct mnode **out, size_t max,
		     size_t *n)
{
	for (size_t i = 0; list && list->type == MN_SEQ && i < list->n; i++) {
		struct mnode *blk = mn_get(&list->kids[i], "unordered");

		if (blk && blk->type == MN_SEQ)
			steps_of(blk, out, max, n);
		else if (*n < max)
			out[(*n)++] = &list->kids[i];
	}
}

size_t mn_steps(struct mnode *root, struct mnode **out, size_t max)
{
	size_t n = 0;

	steps_of(mn_get(root, "steps"), out, max, &n);
	return n;
}

/* ----------------------------------------------------------------- emit */

static int to_doc(yaml_document_t *doc, const struct mnode *n)
{
	int id;

	if (n->type == MN_SCALAR) {
		/* a scalar the file quoted stays a string ("1" is not 1) */
		return yaml_document_add_scalar(doc, NULL, (yaml_char_t *)n->text,
						(int)strlen(n->text),
						n->plain ? YAML_ANY_SCALAR_STYLE :
						YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	}
	if (n->type == MN_SEQ) {
		id = yaml_document_add_sequence(doc, NULL, n->flow ?
			YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
		for (size_t i = 0; id && i < n->n; i++) {
			int k = to_doc(doc, &n->kids[i]);

			if (!k || !yaml_document_append_sequence_item(doc, id, k))
				return 0;
		}
		return id;
	}
	id = yaml_document_add_mapping(doc, NULL, n->flow ?
		YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	for (size_t i = 0; id && i + 1 < n->n; i += 2) {
		int k = to_doc(doc, &n->kids[i]), v = to_doc(doc, &n->kids[i + 1]);

		if (!k || !v || !yaml_document_append_mapping_pair(doc, id, k, v))
			return 0;
	}
	return id;
}

static int write_out(void *ctx, unsigned char *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len;
}

char *mn_emit(const struct mnode *root)
{
	yaml_document_t doc;
	yaml_emitter_t em;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	bool ok;

	TSM_BUG_ON(!m);
	TSM_BUG_ON(!yaml_document_initialize(&doc, NULL, NULL, NULL, 1, 1));
	TSM_BUG_ON(!yaml_emitter_initialize(&em));
	yaml_emitter_set_output(&em, write_out, m);
	yaml_emitter_set_width(&em, 78);
	yaml_emitter_set_unicode(&em, 1);
	ok = to_doc(&doc, root) != 0 && yaml_emitter_open(&em);
	if (ok)	/* dump takes the document and deletes it, even on failure */
		ok = yaml_emitter_dump(&em, &doc) && yaml_emitter_close(&em);
	else
		yaml_document_delete(&doc);
	yaml_emitter_delete(&em);
	fclose(m);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

void mn_order(struct mnode *m, const char *const *keys)
{
	size_t at = 0;

	for (size_t k = 0; keys[k]; k++) {
		struct mnode *v = mn_get(m, keys[k]);
		size_t i;

		if (!v)
			continue;
		i = (size_t)(v - m->kids) - 1;
		/* rotate the pair at i down to at */
		while (i > at) {
			struct mnode a = m->kids[i - 2], b = m->kids[i - 1];

			m->kids[i - 2] = m->kids[i];
			m->kids[i - 1] = m->kids[i + 1];
			m->kids[i] = a;
			m->kids[i + 1] = b;
			i -= 2;
		}
		at += 2;
	}
}
