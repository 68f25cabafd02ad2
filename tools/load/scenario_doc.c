// SPDX-License-Identifier: MIT
/*
 * scenario_doc.c - the libyaml document side of the loader: node
 * access, scn_value maps and lists, the caps walk (depth, aliases, visits,
 * string length, tags, duplicate keys) and the --set / --inject edits of
 * the document before validation.
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

/* ------------------------------------------------------- node access */

yaml_node_t *ld_nd(struct ld *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

struct scn_pos ld_mark_pos(yaml_mark_t m)
{
	unsigned int set;

	if (m.index <= SIZE_MAX - LD_MAX_SETS)
		return (struct scn_pos){ (unsigned int)m.line + 1,
					 (unsigned int)m.column + 1, 0 };
	/* a --set node: line 0 sorts it first, the column keeps flag order */
	set = (unsigned int)(SIZE_MAX - m.index) + 1;
	return (struct scn_pos){ 0, set, set };
}

struct scn_pos ld_npos(struct ld *ld, int i)
{
	return ld_mark_pos(ld_nd(ld, i)->start_mark);
}

const char *ld_sval(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool ld_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL",
					     NULL };

	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       scn_name_index(nulls, (const char *)n->data.scalar.value) >= 0;
}

const char *ld_shape(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	return ld_is_null(n) ? "null" : "a scalar";
}

/* The text of scalar @i, or NULL after "expected @what, got ...". */
const char *ld_scalar(struct ld *ld, int i, const char *what)
{
	yaml_node_t *n = ld_nd(ld, i);

	if (n->type != YAML_SCALAR_NODE || ld_is_null(n)) {
		ld_err(ld, ld_npos(ld, i), "expected %s, got %s", what, ld_shape(n));
		return NULL;
	}
	return ld_sval(n);
}

bool ld_want(struct ld *ld, int i, yaml_node_type_t t, const char *what)
{
	yaml_node_t *n = ld_nd(ld, i);

	if (n->type == t)
		return true;
	ld_err(ld, ld_npos(ld, i), "%s must be %s, got %s", what,
	       t == YAML_MAPPING_NODE ? "a mapping" : "a list", ld_shape(n));
	return false;
}


const char *ld_pkey(struct ld *ld, const yaml_node_pair_t *p)
{
	return ld_sval(ld_nd(ld, p->key));
}

/* The value node of @key in mapping @map, or 0. */
int ld_map_lookup(struct ld *ld, int map, const char *key)
{
	yaml_node_pair_t *p;

	if (ld_nd(ld, map)->type != YAML_MAPPING_NODE)
		return 0;
	for_each_pair(ld, map, p)
		if (!strcmp(ld_pkey(ld, p), key))
			return p->value;
	return 0;
}

bool ld_map_has_key(struct ld *ld, int map, const char *key)
{
	return ld_map_lookup(ld, map, key) != 0;
}

/* ------------------------------------------------------ scn_value */

void ld_value_free(struct scn_value *v)
{
	size_t i;

	if (!v)
		return;
	free(v->str);
	for (i = 0; v->type == SCN_LIST && i < v->n; i++)
		ld_value_free(&v->items[i]);
	for (i = 0; v->type == SCN_MAP && i < v->n; i++) {
		free(v->fields[i].key);
		ld_value_free(&v->fields[i].v);
	}
	free(v->items);
	free(v->fields);
	memset(v, 0, sizeof(*v));
}

struct scn_value *ld_map_add(struct scn_value *m, const char *key,
			     struct scn_pos pos)
{
	struct scn_field *f;

	m->fields = ld_grow(m->fields, m->n, sizeof(*m->fields));
	f = &m->fields[m->n++];
	memset(f, 0, sizeof(*f));
	f->key = ld_xstrdup(key);
	f->pos = pos;
	return &f->v;
}

struct scn_value *ld_list_add(struct scn_value *l)
{
	struct scn_value *v;

	l->items = ld_grow(l->items, l->n, sizeof(*l->items));
	v = &l->items[l->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

const struct scn_value *scn_get(const struct scn_value *map, const char *key)
{
	size_t i;

	if (!map || map->type != SCN_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->fields[i].key, key))
			return &map->fields[i].v;
	return NULL;
}

bool scn_has(const struct scn_value *map, const char *key)
{
	return scn_get(map, key) != NULL;
}

const char *scn_get_str(const struct scn_value *map, const char *key,
			const char *def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_STR ? v->str : def;
}

uint64_t scn_get_u64(const struct scn_value *map, const char *key,
		     uint64_t def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_U64 ? v->u : def;
}

bool scn_get_bool(const struct scn_value *map, const char *key, bool def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_BOOL ? v->b : def;
}

struct scn_pos ld_vpos(const struct scn_value *map, const char *key,
		       struct scn_pos def)
{
	const struct scn_value *v = scn_get(map, key);

	return v ? v->pos : def;
}

/* -------------------------------------------------------------- caps */

struct ld_walk {
	size_t visits, aliases;
	unsigned char *seen;
	bool stop;
};

static bool tag_ok(const yaml_node_t *n)
{
	const char *t = (const char *)n->tag;

	if (!t)
		return true;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return !strcmp(t, YAML_DEFAULT_SCALAR_TAG);
	case YAML_SEQUENCE_NODE:
		return !strcmp(t, YAML_DEFAULT_SEQUENCE_TAG);
	default:
		return !strcmp(t, YAML_DEFAULT_MAPPING_TAG);
	}
}

static int key_cmp(const void *a, const void *b, void *arg)
{
	struct ld *ld = arg;
	const yaml_node_pair_t *x = a, *y = b;
	int c = strcmp(ld_pkey(ld, x), ld_pkey(ld, y));

	return c ? c : (x < y ? -1 : 1);
}

/* Mark non-scalar and duplicate keys; for_each_pair skips them. */
static void check_keys(struct ld *ld, int map)
{
	yaml_node_t *n = ld_nd(ld, map);
	size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	yaml_node_pair_t *v = ld_xcalloc(np, sizeof(*v)), *p;
	size_t i, m = 0, first;

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		if (ld_nd(ld, p->key)->type != YAML_SCALAR_NODE) {
			ld_err(ld, ld_npos(ld, p->key), "mapping keys must be scalars");
			ld->dupkey[p->key] = 1;
			continue;
		}
		v[m++] = *p;
	}
	/* pairs are stored in file order: sort copies, keep ties stable */
	qsort_r(v, m, sizeof(*v), key_cmp, ld);
	/* one pass over the sorted run: @first is the run's first (file order) */
	for (i = 1, first = 0; i < m; i++) {
		if (strcmp(ld_pkey(ld, &v[first]), ld_pkey(ld, &v[i]))) {
			first = i;
			continue;
		}
		ld_err(ld, ld_npos(ld, v[i].key), "duplicate key '%.80s' (first at %u:%u)",
		       ld_pkey(ld, &v[i]), ld_npos(ld, v[first].key).line,
		       ld_npos(ld, v[first].key).col);
		ld->dupkey[v[i].key] = 1;
	}
	free(v);
}

static void check_node_once(struct ld *ld, int i)
{
	yaml_node_t *n = ld_nd(ld, i);

	if (!tag_ok(n))
		ld_err(ld, ld_npos(ld, i), "YAML tag '%.80s' is not supported",
		       (const char *)n->tag);
	if (n->type == YAML_SCALAR_NODE) {
		if (n->data.scalar.length > LD_MAX_STR)
			ld_err(ld, ld_npos(ld, i), "string longer than %u bytes",
			       LD_MAX_STR);
		else if (strlen(ld_sval(n)) != n->data.scalar.length)
			ld_err(ld, ld_npos(ld, i), "string contains a NUL byte");
	}
	if (n->type == YAML_MAPPING_NODE)
		check_keys(ld, i);
}

/*
 * Visit @i and below.  A node reached a second time outside an already
 * shared subtree is one alias use; every visit counts towards the
 * expansion cap, so shared subtrees cost what expanding them would.
 */
static void walk(struct ld *ld, struct ld_walk *w, int i, unsigned int depth,
		 bool shared)
{
	yaml_node_t *n = ld_nd(ld, i);
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	if (w->stop)
		return;
	if (w->seen[i] && !shared)
		w->aliases++;
	if (depth > LD_MAX_DEPTH || ++w->visits > LD_MAX_VISITS ||
	    w->aliases > LD_MAX_ALIASES) {
		ld_err(ld, ld_npos(ld, i), depth > LD_MAX_DEPTH ?
		       "nesting deeper than 32 levels (or a recursive alias)" :
		       w->visits > LD_MAX_VISITS ?
		       "the document expands to more than 1000000 nodes" :
		       "more than 100 alias uses");
		w->stop = true;
		return;
	}
	if (!w->seen[i])
		check_node_once(ld, i);
	shared |= w->seen[i];
	w->seen[i] = 1;
	if (n->type == YAML_SEQUENCE_NODE)
		for (it = n->data.sequence.items.start;
		     it < ld_nd(ld, i)->data.sequence.items.top; it++)
			walk(ld, w, *it, depth + 1, shared);
	if (n->type == YAML_MAPPING_NODE)
		for (p = n->data.mapping.pairs.start;
		     p < ld_nd(ld, i)->data.mapping.pairs.top; p++) {
			walk(ld, w, p->key, depth + 1, shared);
			walk(ld, w, p->value, depth + 1, shared);
		}
}

/* Returns false when a cap was hit: the document is not validated further. */
bool ld_check_caps(struct ld *ld)
{
	struct ld_walk w = { 0 };

	ld->nnodes = (size_t)(ld->doc.nodes.top - ld->doc.nodes.start);
	ld->dupkey = ld_xcalloc(ld->nnodes + 1, 1);
	w.seen = ld_xcalloc(ld->nnodes + 1, 1);
	walk(ld, &w, 1, 1, false);
	free(w.seen);
	return !w.stop;
}

/* ------------------------------------------------------------- --set */

/* The mark of every node flag @si writes: its errors name the flag. */
static yaml_mark_t set_mark(size_t si)
{
	return (yaml_mark_t){ .index = LD_SET_MARK(si) };
}

static int new_scalar(struct ld *ld, const char *text, size_t si)
{
	int i = yaml_document_add_scalar(&ld->doc, NULL,
					 (yaml_char_t *)text, -1,
					 YAML_PLAIN_SCALAR_STYLE);

	TSM_BUG_ON(!i);
	ld_nd(ld, i)->start_mark = ld_nd(ld, i)->end_mark = set_mark(si);
	return i;
}

static int new_map(struct ld *ld, size_t si)
{
	int i = yaml_document_add_mapping(&ld->doc, NULL,
					  YAML_FLOW_MAPPING_STYLE);

	TSM_BUG_ON(!i);
	ld_nd(ld, i)->start_mark = ld_nd(ld, i)->end_mark = set_mark(si);
	return i;
}

static bool seg_index(const char *seg, size_t *idx)
{
	char *end;

	if (!ld_is_digit(seg[0]))
		return false;
	*idx = strtoul(seg, &end, 10);
	return !*end;
}

/*
 * One path step from @cur through @seg; @last replaces or creates the
 * value.  A missing key on the way is created as an empty map, so
 * `timing.iotlb_inval=2us` works on a file without `timing:`; the
 * loader's checks then judge the result as if the file had said it.
 */
static int set_step(struct ld *ld, size_t si, int cur, const char *seg,
		    bool last, const char *path)
{
	const struct scn_set *s = &ld->sets[si];
	yaml_node_t *n = ld_nd(ld, cur);
	yaml_node_pair_t *p;
	size_t idx, len;
	int k, v;

	if (n->type == YAML_MAPPING_NODE) {
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *key = ld_nd(ld, p->key);

			if (key->type != YAML_SCALAR_NODE || strcmp(ld_sval(key), seg))
				continue;
			if (last || ld_is_null(ld_nd(ld, p->value)))
				p->value = last ? new_scalar(ld, s->value, si) :
					   new_map(ld, si);
			return p->value;
		}
		k = new_scalar(ld, seg, si);
		v = last ? new_scalar(ld, s->value, si) : new_map(ld, si);
		TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, cur, k, v));
		return v;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		if (!seg_index(seg, &idx) || idx >= len) {
			ld_err(ld, ld_mark_pos(set_mark(si)),
			       "'%s' is not an index of '%s' (a list of %zu)",
			       seg, path, len);
			return 0;
		}
		if (last)
			n->data.sequence.items.start[idx] = new_scalar(ld, s->value, si);
		return n->data.sequence.items.start[idx];
	}
	ld_err(ld, ld_mark_pos(set_mark(si)), "'%s' is a scalar; it has no '%s'",
	       path, seg);
	return 0;
}

/* The `faults` sequence of the root map, created when absent. */
static int faults_seq(struct ld *ld, size_t si)
{
	yaml_node_t *root = ld_nd(ld, 1);
	yaml_node_pair_t *p;
	int k, v;

	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = ld_nd(ld, p->key);

		if (key->type == YAML_SCALAR_NODE && !strcmp(ld_sval(key), "faults"))
			return ld_nd(ld, p->value)->type == YAML_SEQUENCE_NODE ?
			       p->value : 0;
	}
	k = new_scalar(ld, "faults", si);
	v = yaml_document_add_sequence(&ld->doc, NULL, YAML_FLOW_SEQUENCE_STYLE);
	TSM_BUG_ON(!v);
	ld_nd(ld, v)->start_mark = ld_nd(ld, v)->end_mark = set_mark(si);
	TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, 1, k, v));
	return v;
}

static void inject_pair(struct ld *ld, int map, const char *key,
			const char *val, size_t si)
{
	int k = new_scalar(ld, key, si), v = new_scalar(ld, val, si);

	TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, map, k, v));
}

/*
 * --inject KIND@POINT[,KEY=VALUE...] arrives as the set "faults+": it
 * appends one fault to `faults`, so it gets the same checks as the file.
 * (The command line checked the syntax already; a sweep's are generated.)
 */
static void apply_inject(struct ld *ld, size_t si)
{
	struct scn_pos pos = ld_mark_pos(set_mark(si));
	char *text = ld_xstrdup(ld->sets[si].value), *at, *tok, *save = NULL;
	int seq, map;

	at = strchr(text, '@');
	seq = faults_seq(ld, si);
	if (!at || at == text || !seq) {
		ld_err(ld, pos, seq ? "--inject wants KIND@POINT[,KEY=VALUE...]" :
		       "faults is not a list");
		free(text);
		return;
	}
	*at++ = 0;
	map = new_map(ld, si);
	inject_pair(ld, map, "kind", text, si);
	tok = strtok_r(at, ",", &save);
	inject_pair(ld, map, "at", tok ? tok : "", si);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			ld_err(ld, pos, "--inject parameter '%s' wants KEY=VALUE", tok);
			continue;
		}
		*eq = 0;
		inject_pair(ld, map, tok, eq + 1, si);
	}
	TSM_BUG_ON(!yaml_document_append_sequence_item(&ld->doc, seq, map));
	free(text);
}

void ld_apply_set(struct ld *ld, size_t si)
{
	char *path, *seg, *next, *done;
	int cur = 1;

	if (!strcmp(ld->sets[si].path, SCN_SET_INJECT)) {
		apply_inject(ld, si);
		return;
	}
	path = ld_xstrdup(ld->sets[si].path);
	done = ld_xcalloc(strlen(path) + 2, 1);

	for (seg = path; cur; seg = next) {
		next = strchr(seg, '.');
		if (next)
			*next++ = 0;
		if (!*seg) {
			ld_err(ld, ld_mark_pos(set_mark(si)), "empty path segment");
			cur = 0;
			break;
		}
		cur = set_step(ld, si, cur, seg, !next, done[0] ? done : "(top)");
		if (done[0])
			strcat(done, ".");
		strcat(done, seg);
		if (!next)
			break;
	}
	free(path);
	free(done);
}
