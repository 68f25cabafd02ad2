// SPDX-License-Identifier: MIT
/*
 * scenario_steps.c - the steps section: labels, start times, expected
 * results, name definitions in step order and the per-op cross rules.
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

/* -------------------------------------------------------------- steps */

static const char *const step_common[] = { "op", "label", "at", "after",
					   "expect", "needs", NULL };

static const struct scn_device *dev_by_name(struct ld *ld, const char *name)
{
	const struct scn_platform *pl = &ld->scn->platform;
	size_t i;

	for (i = 0; name && i < pl->ndevices; i++)
		if (pl->devices[i].name && !strcmp(pl->devices[i].name, name))
			return &pl->devices[i];
	return NULL;
}

/* @bar_key of @m names a BAR of the device named by @dev_key. */
const struct scn_bar *ld_bar_check(struct ld *ld, const struct scn_value *m,
				   const char *dev_key, const char *bar_key)
{
	const struct scn_device *d = dev_by_name(ld, scn_get_str(m, dev_key, NULL));
	const struct scn_value *b = scn_get(m, bar_key);
	const struct scn_bar *bar;

	if (!d || !b || b->type != SCN_U64)
		return NULL;
	bar = ld_dev_bar(d, b->u);
	if (!bar)
		ld_err(ld, b->pos, "device '%s' has no BAR %llu", d->name,
		       (unsigned long long)b->u);
	return bar;
}

/* A label of a step: [a-z0-9_.-]+, unique over all steps. */
static void step_label(struct ld *ld, int node, struct scn_step *st, int idx)
{
	int ln = ld_nd(ld, node)->type == YAML_MAPPING_NODE ?
		 ld_map_lookup(ld, node, "label") : 0;
	const struct ld_sym *old;
	const char *s;

	if (!ln || !(s = ld_check_name(ld, ln, "label", "_.-")))
		return;
	old = ld_sym_find(ld, NS_LABEL, s);
	if (old) {
		ld_err(ld, ld_npos(ld, ln), "label '%s' is used by two steps (first at %u:%u)",
		       s, old->pos.line, old->pos.col);
		return;
	}
	st->label = ld_xstrdup(s);
	ld->step = idx;
	ld_sym_add(ld, NS_LABEL, SCN_REF_LABEL, st->label, ld_npos(ld, ln));
}

static void expect_name(struct ld *ld, int node, struct scn_step *st)
{
	const char *s = ld_scalar(ld, node, "a result name");

	if (!s)
		return;
	if (!strcmp(s, "any")) {
		ld_err(ld, ld_npos(ld, node), "'any' cannot be combined with other results");
		return;
	}
	if (!ld_result_known(s)) {
		ld_err(ld, ld_npos(ld, node),
		       "unknown result '%.80s' (see `tsmsim list results`)", s);
		return;
	}
	st->expect = ld_grow(st->expect, st->nexpect, sizeof(*st->expect));
	st->expect[st->nexpect++] = ld_xstrdup(s);
}

static void step_expect(struct ld *ld, int node, struct scn_step *st,
			const struct scn_op_desc *op)
{
	yaml_node_t *n = ld_nd(ld, node);
	yaml_node_item_t *it;

	if (op->kind == SCN_OP_ASSERT) {
		ld_err(ld, ld_npos(ld, node), "assert steps take no expect");
		return;
	}
	if (n->type == YAML_SCALAR_NODE && !strcmp(ld_sval(n), "any")) {
		st->expect_any = true;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		expect_name(ld, node, st);
		return;
	}
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		ld_err(ld, ld_npos(ld, node), "expect: the list is empty");
	for_each_item(ld, node, it)
		expect_name(ld, *it, st);
}

static void step_start(struct ld *ld, int node, struct scn_step *st)
{
	int at = ld_map_lookup(ld, node, "at"), after = ld_map_lookup(ld, node, "after");
	struct scn_pos p;

	if (at && after) {
		p = ld_npos(ld, at);
		ld_err(ld, ld_npos(ld, after), "'at' and 'after' are exclusive ('at' is at %u:%u)",
		       p.line, p.col);
		return;
	}
	if (at && ld_get_num(ld, at, SCN_FT_DURATION, &st->start_cycles)) {
		st->start = SCN_START_AT;
		if (st->start_cycles > ld->scn->max_cycles)
			ld_err(ld, ld_npos(ld, at), "at: cycle %llu is past limits.max_cycles (%llu): the step would never run",
			       (unsigned long long)st->start_cycles,
			       (unsigned long long)ld->scn->max_cycles);
	}
	if (after && ld_get_num(ld, after, SCN_FT_DURATION, &st->start_cycles))
		st->start = SCN_START_AFTER;
}

/* ------------------------------------------------- per-op cross rules */

void ld_need_one(struct ld *ld, const struct scn_value *f, const char *a,
		 const char *b, const char *what)
{
	if (scn_has(f, a) && scn_has(f, b))
		ld_err(ld, ld_vpos(f, b, f->pos), "%s takes '%s' or '%s', not both",
		       what, a, b);
	else if (!scn_has(f, a) && !scn_has(f, b))
		ld_err(ld, f->pos, "%s needs '%s' or '%s'", what, a, b);
}

static void rule_unmap(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;

	if (scn_has(f, "area") && (scn_has(f, "iova") || scn_has(f, "size")))
		ld_err(ld, ld_vpos(f, "area", f->pos),
		       "iommufd.unmap takes 'area' or 'iova' + 'size', not both");
	else if (!scn_has(f, "area") && (!scn_has(f, "iova") || !scn_has(f, "size")))
		ld_err(ld, f->pos, "iommufd.unmap needs 'iova' and 'size', or 'area'");
}

static void rule_kvm_unmap(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;

	if (!scn_has(f, "gpa") && !scn_has(f, "dmabuf"))
		ld_err(ld, f->pos, "kvm.unmap needs 'gpa' or 'dmabuf' (or both)");
}

static void rule_hwpt(struct ld *ld, const struct scn_step *st)
{
	ld_need_one(ld, &st->fields, "ioas", "parent", "iommufd.hwpt");
}

static void rule_map(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;

	if (scn_has(f, "name") && scn_has(f, "iova"))
		ld_err(ld, ld_vpos(f, "name", f->pos),
		       "'name' is only for a map without 'iova' (it names the allocated area)");
}

static void rule_dmabuf(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;
	const struct scn_bar *b = ld_bar_check(ld, f, "device", "bar");
	uint64_t off = scn_get_u64(f, "offset", 0);
	uint64_t size = scn_get_u64(f, "size", b ? b->size - (off < b->size ? off : 0) : 0);

	if (b && (off >= b->size || size > b->size - off || !size))
		ld_err(ld, ld_vpos(f, "size", ld_vpos(f, "offset", f->pos)),
		       "offset 0x%llx + size 0x%llx does not fit in BAR %u (0x%llx)",
		       (unsigned long long)off, (unsigned long long)size, b->index,
		       (unsigned long long)b->size);
}

/*
 * vfio.region_*: the model issues one naturally aligned access (vfio-pci
 * splits a longer or unaligned pread into 8/4/2/1-byte ones), inside the
 * BAR (past it the kernel returns EINVAL or a short count).
 */
static void rule_region(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;
	const struct scn_bar *b = ld_bar_check(ld, f, "device", "bar");
	uint64_t off = scn_get_u64(f, "offset", 0), size = scn_get_u64(f, "size", 4);
	struct scn_pos p = ld_vpos(f, "size", ld_vpos(f, "offset", f->pos));

	if (size != 1 && size != 2 && size != 4 && size != 8)
		ld_err(ld, p, "size must be 1, 2, 4 or 8, got %llu",
		       (unsigned long long)size);
	else if (off % size)
		ld_err(ld, ld_vpos(f, "offset", f->pos),
		       "offset 0x%llx is not aligned to the size (%llu)",
		       (unsigned long long)off, (unsigned long long)size);
	else if (b && (off >= b->size || size > b->size - off))
		ld_err(ld, ld_vpos(f, "offset", f->pos),
		       "offset 0x%llx + size %llu does not fit in BAR %u (0x%llx)",
		       (unsigned long long)off, (unsigned long long)size, b->index,
		       (unsigned long long)b->size);
}

static void rule_invalidate(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *e = scn_get(&st->fields, "entries");
	size_t i;

	for (i = 0; e && i < e->n; i++) {
		const struct scn_value *it = &e->items[i];
		const struct scn_value *all = scn_get(it, "all");

		if (all && all->type != SCN_BOOL)
			continue;
		if (all && (!all->b || scn_has(it, "iova") || scn_has(it, "size")))
			ld_err(ld, all->pos, "an entry is {iova, size} or {all: true}");
		else if (!all && (!scn_has(it, "iova") || !scn_has(it, "size")))
			ld_err(ld, it->pos, "an entry needs 'iova' and 'size' (or all: true)");
	}
}

static void translate_one(struct ld *ld, const struct scn_value *t)
{
	const struct scn_value *to = scn_get(t, "to");
	bool io = scn_has(t, "ioas") || scn_has(t, "iova");
	bool gu = scn_has(t, "guest") || scn_has(t, "gpa") || scn_has(t, "private");

	if (io == gu || (io && !(scn_has(t, "ioas") && scn_has(t, "iova"))) ||
	    (gu && !(scn_has(t, "guest") && scn_has(t, "gpa"))))
		ld_err(ld, t->pos, "translate takes {ioas, iova} or {guest, gpa, private}");
	if (!to || to->type != SCN_MAP)
		return;
	if (scn_has(to, "device") == scn_has(to, "guest") ||
	    scn_has(to, "device") != scn_has(to, "bar") ||
	    scn_has(to, "guest") != scn_has(to, "gpa") ||
	    (scn_has(to, "offset") && !scn_has(to, "device")) ||
	    (scn_has(to, "private") && !scn_has(to, "guest")))
		ld_err(ld, to->pos, "'to' is none, {device, bar, offset} or {guest, gpa, private}");
	else
		ld_bar_check(ld, to, "device", "bar");
}

static void rule_assert(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *tr = scn_get(&st->fields, "translate");
	const struct scn_value *rep = scn_get(&st->fields, "report");
	size_t i;

	if (!st->fields.n)
		ld_err(ld, st->pos,
		       "assert needs at least one of state, translate, response, report, last");
	for (i = 0; tr && i < tr->n; i++)
		translate_one(ld, &tr->items[i]);
	if (rep && rep->n == 0)
		ld_err(ld, rep->pos, "report needs 'ranges'");
}

/* The cross-field rules of some rows of scn_ops[], by enum scn_op_id. */
static void (*const rules[SCN_OPID_NR])(struct ld *ld,
					 const struct scn_step *st) = {
	[SCN_OPID_IOMMUFD_UNMAP] = rule_unmap,
	[SCN_OPID_KVM_UNMAP] = rule_kvm_unmap,
	[SCN_OPID_IOMMUFD_HWPT] = rule_hwpt,
	[SCN_OPID_IOMMUFD_MAP] = rule_map,
	[SCN_OPID_IOMMUFD_MAP_DMABUF] = rule_map,
	[SCN_OPID_VFIO_DMABUF] = rule_dmabuf,
	[SCN_OPID_VFIO_REGION_READ] = rule_region,
	[SCN_OPID_VFIO_REGION_WRITE] = rule_region,
	[SCN_OPID_IOMMUFD_INVALIDATE] = rule_invalidate,
	[SCN_OPID_ASSERT] = rule_assert,
};

static void step_rules(struct ld *ld, const struct scn_step *st)
{
	if (rules[st->op])
		rules[st->op](ld, st);
	if (st->op != SCN_OPID_VFIO_DMABUF &&
	    st->op != SCN_OPID_VFIO_REGION_READ &&
	    st->op != SCN_OPID_VFIO_REGION_WRITE)
		ld_bar_check(ld, &st->fields, "device", "bar");
}

/* Names a step defines become visible to the steps after it. */
static void step_defines(struct ld *ld, const struct scn_step *st,
			 const struct scn_op_desc *op)
{
	size_t i;

	for (i = 0; i < op->schema.nfields; i++) {
		const struct scn_field_desc *fd = &op->schema.fields[i];
		const struct scn_value *v = scn_get(&st->fields, fd->key);

		if (fd->type == SCN_FT_DEFINE && v && v->type == SCN_STR &&
		    !ld_sym_find(ld, ld_ref_ns(fd->ref), v->str))
			ld_sym_add(ld, ld_ref_ns(fd->ref), fd->ref, v->str, v->pos);
	}
}

static void step_load(struct ld *ld, int node, struct scn_step *st, size_t sidx)
{
	const struct scn_op_desc *op;
	const char *s;
	char where[64];
	int opn, idx;

	st->pos = ld_npos(ld, node);
	st->op = -1;
	st->fields.pos = st->pos;
	if (!ld_want(ld, node, YAML_MAPPING_NODE, "a step"))
		return;
	opn = ld_map_lookup(ld, node, "op");
	if (!opn) {
		ld_err(ld, st->pos, "step has no 'op'");
		return;
	}
	s = ld_scalar(ld, opn, "an op name");
	if (!s)
		return;
	idx = scn_op_find(s);
	if (idx < 0) {
		struct ld_guess g = { .word = s };
		char sug[96];
		size_t i;

		for (i = 0; i < scn_nops; i++)
			ld_guess_try(&g, scn_ops[i].name);
		ld_err(ld, ld_npos(ld, opn), "unknown op '%.80s'%s", s,
		       ld_guess_str(&g, sug, sizeof(sug)));
		return;
	}
	op = &scn_ops[idx];
	st->op = idx;
	st->opname = op->name;
	step_start(ld, node, st);
	ld_step_needs(ld, node, st, sidx);
	if (ld_map_lookup(ld, node, "expect"))
		step_expect(ld, ld_map_lookup(ld, node, "expect"), st, op);
	snprintf(where, sizeof(where), "a %s step", op->name);
	ld_check_map(ld, node, &op->schema, step_common, where, &st->fields);
	step_rules(ld, st);
	step_defines(ld, st, op);
}

void ld_top_steps(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	int *nodes, *blocks;
	size_t n, i;

	if (ld_is_null(ld_nd(ld, node)))
		return;
	if (!ld_want(ld, node, YAML_SEQUENCE_NODE, "steps"))
		return;
	n = ld_blocks_flatten(ld, node, &nodes, &blocks);
	if (n > LD_MAX_STEPS) {
		ld_err(ld, ld_npos(ld, node), "more than %u steps", LD_MAX_STEPS);
		free(nodes);
		free(blocks);
		return;
	}
	scn->steps = ld_xcalloc(n, sizeof(*scn->steps));
	scn->nsteps = n;
	for (i = 0; i < n; i++) {
		scn->steps[i].block = blocks[i];
		step_label(ld, nodes[i], &scn->steps[i], (int)i);
	}
	ld->in_steps = true;
	for (i = 0; i < n; i++) {
		ld->step = (int)i;
		step_load(ld, nodes[i], &scn->steps[i], i);
	}
	ld->in_steps = false;
	ld->step = -1;
	ld_blocks_check(ld);
	free(nodes);
	free(blocks);
}
