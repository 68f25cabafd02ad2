// SPDX-License-Identifier: MIT
/*
 * scenario_blocks.c - `unordered:` blocks and `needs:` (docs/explore.md).
 * The loader flattens a block into the step list in file order and keeps
 * its bounds; `needs` become step indices.  Errors: a block inside
 * a block, a need outside the block or on a step outside any block, a
 * cycle, a file order that breaks the block's own needs (`run` takes file
 * order, so it must be one of the allowed orders), and a step that uses a
 * name a sibling defines without needing it (in another order the name
 * would not exist yet).  See scenario.c for the passes.
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"

#define LD_MAX_BLOCK 20u	/* explore counts orders over subsets: 2^20 */

/* @node is a `{ unordered: [...] }` item; 0 when it is a plain step. */
static int block_items(struct ld *ld, int node)
{
	yaml_node_t *n = ld_nd(ld, node);

	if (n->type != YAML_MAPPING_NODE)
		return 0;
	return ld_map_lookup(ld, node, "unordered");
}

static struct scn_pos key_pos(struct ld *ld, int map, const char *key)
{
	yaml_node_pair_t *p;

	for_each_pair(ld, map, p)
		if (!strcmp(ld_pkey(ld, p), key))
			return ld_npos(ld, p->key);
	return ld_npos(ld, map);
}

static void block_open(struct ld *ld, int node, int items)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	size_t n = 0;

	for_each_pair(ld, node, p)
		if (strcmp(ld_pkey(ld, p), "unordered"))
			ld_err(ld, ld_npos(ld, p->key),
			       "an unordered block takes only 'unordered' (its steps), not '%.80s'",
			       ld_pkey(ld, p));
	if (!ld_want(ld, items, YAML_SEQUENCE_NODE, "unordered (a list of steps)"))
		return;
	for_each_item(ld, items, it)
		n++;
	if (!n)
		ld_err(ld, ld_npos(ld, items), "unordered: the block is empty");
	else if (n > LD_MAX_BLOCK)
		ld_err(ld, ld_npos(ld, items), "unordered: more than %u steps in one block",
		       LD_MAX_BLOCK);
}

/*
 * The flat step list: each step's node and block (-1 outside).  Blocks are
 * recorded in scn->blocks.  Returns the number of steps.
 */
size_t ld_blocks_flatten(struct ld *ld, int node, int **nodes, int **blocks)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it, *jt;
	size_t n = 0;

	*nodes = NULL;
	*blocks = NULL;
	for_each_item(ld, node, it) {
		int items = block_items(ld, *it);

		if (items) {
			block_open(ld, *it, items);
			if (ld_nd(ld, items)->type != YAML_SEQUENCE_NODE)
				continue;
		} else {
			*nodes = ld_grow(*nodes, n, sizeof(**nodes));
			*blocks = ld_grow(*blocks, n, sizeof(**blocks));
			(*nodes)[n] = *it;
			(*blocks)[n++] = -1;
			continue;
		}
		scn->blocks = ld_grow(scn->blocks, scn->nblocks, sizeof(*scn->blocks));
		scn->blocks[scn->nblocks] = (struct scn_block){
			.first = n, .pos = key_pos(ld, *it, "unordered") };
		for_each_item(ld, items, jt) {
			if (block_items(ld, *jt)) {
				ld_err(ld, ld_npos(ld, *jt),
				       "unordered blocks do not nest (this block starts at %u:%u)",
				       scn->blocks[scn->nblocks].pos.line,
				       scn->blocks[scn->nblocks].pos.col);
				continue;
			}
			*nodes = ld_grow(*nodes, n, sizeof(**nodes));
			*blocks = ld_grow(*blocks, n, sizeof(**blocks));
			(*nodes)[n] = *jt;
			(*blocks)[n++] = (int)scn->nblocks;
		}
		scn->blocks[scn->nblocks].n = n - scn->blocks[scn->nblocks].first;
		scn->nblocks++;
	}
	return n;
}

static void need_one(struct ld *ld, int node, struct scn_step *st, size_t idx)
{
	const char *s = ld_scalar(ld, node, "a step label");
	int j;

	if (!s)
		return;
	j = scn_label_index(ld->scn, s);
	if (j < 0) {
		ld_err(ld, ld_npos(ld, node), "needs: no step is labelled '%.80s'", s);
		return;
	}
	if ((size_t)j == idx) {
		ld_err(ld, ld_npos(ld, node), "needs: a step cannot need itself");
		return;
	}
	if (ld->scn->steps[j].block != st->block) {
		ld_err(ld, ld_npos(ld, node),
		       "needs: '%s' (line %u) is outside this unordered block; needs name steps of the same block",
		       s, ld->scn->steps[j].pos.line);
		return;
	}
	st->needs = ld_grow(st->needs, st->nneeds, sizeof(*st->needs));
	st->needs[st->nneeds++] = (size_t)j;
}

/* `needs: [LABEL, ..]` of step @idx (node @node). */
void ld_step_needs(struct ld *ld, int node, struct scn_step *st, size_t idx)
{
	int nn = ld_nd(ld, node)->type == YAML_MAPPING_NODE ?
		 ld_map_lookup(ld, node, "needs") : 0;
	yaml_node_item_t *it;

	if (!nn)
		return;
	st->needs_pos = ld_npos(ld, nn);
	if (st->block < 0) {
		ld_err(ld, st->needs_pos,
		       "needs: only a step inside an unordered block can need another");
		return;
	}
	if (!ld_want(ld, nn, YAML_SEQUENCE_NODE, "needs (a list of labels)"))
		return;
	for_each_item(ld, nn, it)
		need_one(ld, *it, st, idx);
}

/* Does step @a reach step @b through needs (depth-first, @seen per step)? */
static bool reaches(const struct scenario *scn, size_t a, size_t b, bool *seen)
{
	const struct scn_step *st = &scn->steps[a];

	if (a == b)
		return true;
	if (seen[a])
		return false;
	seen[a] = true;
	for (size_t i = 0; i < st->nneeds; i++)
		if (reaches(scn, st->needs[i], b, seen))
			return true;
	return false;
}

static bool needs_path(const struct scenario *scn, size_t a, size_t b)
{
	bool *seen = ld_xcalloc(scn->nsteps, sizeof(*seen));
	bool r = reaches(scn, a, b, seen);

	free(seen);
	return r;
}

static const char *step_name(const struct scn_step *st, char *buf, size_t len)
{
	if (st->label)
		snprintf(buf, len, "'%s' (line %u)", st->label, st->pos.line);
	else
		snprintf(buf, len, "the step at line %u", st->pos.line);
	return buf;
}

/*
 * A step of a block that uses a name a sibling defines must need that
 * sibling: in an order with the user first, the name would not exist.
 */
void ld_block_ref(struct ld *ld, const struct ld_sym *sym, struct scn_pos pos)
{
	const struct scenario *scn = ld->scn;
	char a[96];

	if (!ld->in_steps || ld->step < 0 || sym->step < 0 || sym->step == ld->step ||
	    sym->ns == NS_LABEL)
		return;
	if ((size_t)ld->step >= scn->nsteps || scn->steps[ld->step].block < 0 ||
	    scn->steps[sym->step].block != scn->steps[ld->step].block)
		return;
	if (needs_path(scn, (size_t)ld->step, (size_t)sym->step))
		return;
	ld_err(ld, pos,
	       "'%s' is defined by %s of the same unordered block: in another order it would not exist yet, so this step must need that one (needs: [LABEL])",
	       sym->name, step_name(&scn->steps[sym->step], a, sizeof(a)));
}

/* Cycles first (they also break file order), then file order. */
static void block_check(struct ld *ld, const struct scn_block *b)
{
	const struct scenario *scn = ld->scn;
	char a[96], c[96];

	for (size_t i = b->first; i < b->first + b->n; i++) {
		const struct scn_step *st = &scn->steps[i];

		for (size_t k = 0; k < st->nneeds; k++) {
			size_t j = st->needs[k];

			if (needs_path(scn, j, i)) {
				ld_err(ld, st->needs_pos,
				       "needs: a cycle: %s needs %s, which needs it back (directly or through others)",
				       step_name(st, a, sizeof(a)),
				       step_name(&scn->steps[j], c, sizeof(c)));
				return;
			}
		}
	}
	for (size_t i = b->first; i < b->first + b->n; i++) {
		const struct scn_step *st = &scn->steps[i];

		for (size_t k = 0; k < st->nneeds; k++)
			if (st->needs[k] > i)
				ld_err(ld, st->needs_pos,
				       "needs: %s comes later in the file, but `tsmsim run` runs the block in file order: put the steps in an order the needs allow",
				       step_name(&scn->steps[st->needs[k]], a, sizeof(a)));
	}
}

void ld_blocks_check(struct ld *ld)
{
	for (size_t i = 0; i < ld->scn->nblocks; i++)
		block_check(ld, &ld->scn->blocks[i]);
}
