// SPDX-License-Identifier: MIT
/*
 * explore_plan.c - which orders `tsmsim explore` runs.
 *
 * Orders: every linear extension of each block's `needs`, the product
 * over blocks, enumerated depth-first with the smaller file position
 * first, so orders come out lexicographically and the orders below one
 * prefix form one range of rows (a worker stands for a row range).
 *
 * Equivalence (partial-order reduction): two steps are independent when
 * the model state they can touch is disjoint; swapping adjacent
 * independent steps cannot change any outcome, so the orders form
 * classes (Mazurkiewicz traces) and only the lexicographically least
 * order of each class runs.  An order is the least of its class exactly
 * when no step could move left past a larger one through independent
 * steps only (the Anisimov-Knuth normal form); the search checks that as
 * it extends a prefix, so a pruned prefix prunes its whole subtree.
 *
 * Independence is conservative, judged from the scenario text alone:
 *   - the objects a step names (device, guest, dma-buf, IOAS, mapping,
 *     HWPT, ...) are joined with every object any step of the scenario
 *     ever relates them to (a kvm.map joins the guest and the dma-buf, a
 *     vfio.dmabuf the dma-buf and the device, ...): two steps whose
 *     groups meet are dependent;
 *   - firmware steps (TSM, accept, private maps) all share the firmware,
 *     iommufd and IOMMU steps all share the host IOMMU (one IOTLB, one
 *     invalidation queue);
 *   - a step is dependent on every step when its op is not in the table
 *     below (DMA, config writes, resets, raw TDISP, asserts), when it has
 *     `at:` / `after:`, when its label anchors a fault, a traffic stream
 *     or an expect window, or when a traffic stream touches its group
 *     (moving it moves it against the traffic);
 *   - no order is skipped when a fault fires at an absolute cycle or
 *     reorders steps (skip-step, swap-steps).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "load.h"
#include "sim.h"

enum { T_FW = 1, T_IOMMU = 2, T_FW_PRIVATE = 4, T_GLOBAL = 8 };

/* Ops by id range (enum scn_op_id); an op in no range is T_GLOBAL. */
struct op_tag {
	int first, last;
	unsigned int tags;
};

static const struct op_tag op_tags[] = {
	{ SCN_OPID_KVM_MAP, SCN_OPID_KVM_MAP, T_FW_PRIVATE },
	/* private when a private map may be there */
	{ SCN_OPID_KVM_UNMAP, SCN_OPID_KVM_UNMAP, T_FW_PRIVATE },
	{ SCN_OPID_GUEST_READ, SCN_OPID_GUEST_WRITE, T_FW_PRIVATE },
	{ SCN_OPID_GUEST_VALIDATE, SCN_OPID_GUEST_ACCEPT, T_FW },
	{ SCN_OPID_TSM_CONNECT, SCN_OPID_TSM_POLICY, T_FW | T_IOMMU },
	{ SCN_OPID_VFIO_DMABUF, SCN_OPID_VFIO_DMABUF, 0 },
	/* move_notify reaches importers */
	{ SCN_OPID_VFIO_DMABUF_FLAVOR, SCN_OPID_VFIO_DMABUF_CLOSE, T_FW | T_IOMMU },
	{ SCN_OPID_VFIO_MMAP, SCN_OPID_VFIO_REGION_WRITE, 0 },
	{ SCN_OPID_HOST_READ, SCN_OPID_HOST_WRITE, 0 },
	{ SCN_OPID_IOMMUFD_IOAS, SCN_OPID_IOMMUFD_DESTROY, T_IOMMU },
};

/* Keys whose string value names a model object. */
static const char *const obj_keys[] = {
	"device", "guest", "dmabuf", "name", "ioas", "to", "hwpt", "viommu",
	"mapping", "parent", "src", "dst", "area",
};

/* Could this kvm.unmap remove a private slot (which the firmware unmaps)? */
static bool unmaps_private(const struct scenario *scn, const struct scn_step *st)
{
	const char *g = scn_get_str(&st->fields, "guest", "");
	const struct scn_value *gpa = scn_get(&st->fields, "gpa");

	for (size_t i = 0; i < scn->nsteps; i++) {
		const struct scn_step *m = &scn->steps[i];
		const struct scn_value *mg = scn_get(&m->fields, "gpa");

		if (m->op != SCN_OPID_KVM_MAP || !scn_get_bool(&m->fields, "private", false) ||
		    strcmp(scn_get_str(&m->fields, "guest", ""), g))
			continue;
		if (!gpa || !mg || gpa->u == mg->u)
			return true;
	}
	return false;
}

static unsigned int op_tags_of(const struct scenario *scn, const struct scn_step *st)
{
	for (size_t i = 0; i < sizeof(op_tags) / sizeof(op_tags[0]); i++) {
		unsigned int t = op_tags[i].tags;

		if (st->op < op_tags[i].first || st->op > op_tags[i].last)
			continue;
		if ((t & T_FW_PRIVATE) && (scn_get_bool(&st->fields, "private", false) ||
					    (st->op == SCN_OPID_KVM_UNMAP &&
					     unmaps_private(scn, st))))
			t |= T_FW;
		return t & ~(unsigned int)T_FW_PRIVATE;
	}
	return T_GLOBAL;
}

/* ------------------------------------------------ objects, union-find */

struct objs {
	const char **name;
	size_t *parent;
	size_t n;
};

static size_t obj_id(struct objs *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->name[i], name))
			return i;
	o->name = realloc(o->name, (o->n + 1) * sizeof(*o->name));
	o->parent = realloc(o->parent, (o->n + 1) * sizeof(*o->parent));
	TSM_BUG_ON(!o->name || !o->parent);
	o->name[o->n] = name;
	o->parent[o->n] = o->n;
	return o->n++;
}

static size_t obj_root(struct objs *o, size_t i)
{
	while (o->parent[i] != i)
		i = o->parent[i] = o->parent[o->parent[i]];
	return i;
}

/* The objects step @st names, joined; returns one of them or SIZE_MAX. */
static size_t step_objs(struct objs *o, const struct scn_step *st)
{
	size_t first = SIZE_MAX;

	for (size_t k = 0; k < sizeof(obj_keys) / sizeof(obj_keys[0]); k++) {
		const struct scn_value *v = scn_get(&st->fields, obj_keys[k]);
		size_t id;

		if (!v || v->type != SCN_STR)
			continue;
		id = obj_id(o, v->str);
		if (first == SIZE_MAX)
			first = id;
		else
			o->parent[obj_root(o, id)] = obj_root(o, first);
	}
	return first;
}

/* ------------------------------------------------------ global steps */

static void mark_label(const struct scenario *scn, const char *label,
		       unsigned int *tags)
{
	int i = scn_label_index(scn, label);

	if (i >= 0)
		tags[i] |= T_GLOBAL;
}

static void mark_windows(const struct scenario *scn, const struct scn_expect *e,
			 unsigned int *tags)
{
	for (size_t i = 0; i < e->nhitless; i++) {
		mark_label(scn, e->hitless[i].from, tags);
		mark_label(scn, e->hitless[i].to, tags);
	}
	for (size_t i = 0; i < e->nallow; i++) {
		mark_label(scn, e->allow[i].from, tags);
		mark_label(scn, e->allow[i].to, tags);
	}
}

/* Returns why nothing may be pruned, or NULL. */
static const char *mark_anchors(const struct scenario *scn, unsigned int *tags)
{
	for (size_t i = 0; i < scn->nfaults; i++) {
		const struct scn_fault *f = &scn->faults[i];

		if (f->at.kind == SCN_PT_CYCLE)
			return "a fault fires at an absolute cycle";
		if (f->id == SCN_FAULT_SWAP_STEPS || f->id == SCN_FAULT_SKIP_STEP)
			return "a fault reorders or skips steps";
		mark_label(scn, f->at.label, tags);
	}
	for (size_t i = 0; i < scn->ntraffic; i++) {
		mark_label(scn, scn->traffic[i].until, tags);
		mark_label(scn, scn->traffic[i].start_label, tags);
	}
	mark_windows(scn, &scn->expect, tags);
	for (size_t i = 0; i < scn->nper_arch; i++)
		mark_windows(scn, &scn->per_arch[i].expect, tags);
	for (size_t i = 0; i < scn->nsteps; i++)
		if (scn->steps[i].start != SCN_START_NEXT)
			tags[i] |= T_GLOBAL;
	return NULL;
}

/* dep[i][j]: steps i and j must keep their relative order. */
static const char *build_dep(const struct scenario *scn, bool *dep)
{
	size_t n = scn->nsteps, *rep = calloc(n + 1, sizeof(*rep));
	unsigned int *tags = calloc(n + 1, sizeof(*tags));
	struct objs o = { 0 };
	const char *why;

	TSM_BUG_ON(!rep || !tags);
	for (size_t i = 0; i < n; i++) {
		rep[i] = step_objs(&o, &scn->steps[i]);
		tags[i] = op_tags_of(scn, &scn->steps[i]);
	}
	why = mark_anchors(scn, tags);
	for (size_t t = 0; t < scn->ntraffic; t++) {
		size_t tr = obj_root(&o, obj_id(&o, scn->traffic[t].from_name));

		for (size_t i = 0; i < n; i++)
			if (rep[i] != SIZE_MAX && obj_root(&o, rep[i]) == tr)
				tags[i] |= T_GLOBAL;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			bool d = why || i == j || ((tags[i] | tags[j]) & T_GLOBAL) ||
				 (tags[i] & tags[j]) ||
				 (rep[i] != SIZE_MAX && rep[j] != SIZE_MAX &&
				  obj_root(&o, rep[i]) == obj_root(&o, rep[j]));

			dep[i * n + j] = d;
		}
	free(o.name);
	free(o.parent);
	free(rep);
	free(tags);
	return why;
}

/* --------------------------------------------------------- counting */

static uint64_t sat_add(uint64_t a, uint64_t b, bool *sat)
{
	if (a > UINT64_MAX - b) {
		*sat = true;
		return UINT64_MAX;
	}
	return a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b, bool *sat)
{
	if (a && b > UINT64_MAX / a) {
		*sat = true;
		return UINT64_MAX;
	}
	return a * b;
}

/* Linear extensions of a block's needs: DP over the subsets placed first. */
static uint64_t block_orders(const struct scenario *scn, const struct scn_block *b,
			     bool *sat)
{
	size_t n = b->n, full = ((size_t)1 << n) - 1;
	uint64_t *f = calloc(full + 1, sizeof(*f)), r;
	size_t *need = calloc(n, sizeof(*need));

	TSM_BUG_ON(!f || !need);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < scn->steps[b->first + i].nneeds; k++)
			need[i] |= (size_t)1 << (scn->steps[b->first + i].needs[k] - b->first);
	f[0] = 1;
	for (size_t m = 0; m < full; m++) {
		if (!f[m])
			continue;
		for (size_t i = 0; i < n; i++)
			if (!(m >> i & 1) && (need[i] & m) == need[i])
				f[m | (size_t)1 << i] = sat_add(f[m | (size_t)1 << i], f[m], sat);
	}
	r = f[full];
	free(f);
	free(need);
	return r;
}

/* ------------------------------------------------------ enumeration */

struct walk {
	struct xp_plan *p;
	const struct scenario *scn;
	size_t *dstart;		/* block position where the block of d starts */
	const struct scn_block **blk;	/* block of position d */
	bool *used;		/* per step */
	uint16_t *cur;
	size_t max, cap;
	bool prune;
};

static bool needs_met(const struct walk *w, const struct scn_step *st)
{
	for (size_t k = 0; k < st->nneeds; k++)
		if (!w->used[st->needs[k]])
			return false;
	return true;
}

/* Would @s at position @d leave the class's least order? */
static bool not_least(const struct walk *w, size_t d, size_t s)
{
	size_t n = w->scn->nsteps;

	for (size_t k = d; k-- > w->dstart[d];) {
		if (w->p->dep[s * n + w->cur[k]])
			return false;
		if (w->cur[k] > s)
			return true;
	}
	return false;
}

static bool emit(struct walk *w)
{
	struct xp_plan *p = w->p;

	if (p->norders == w->max) {
		p->capped = true;
		return false;
	}
	if (p->norders == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		p->orders = realloc(p->orders, w->cap * (p->npos ? p->npos : 1) *
				    sizeof(*p->orders));
		TSM_BUG_ON(!p->orders);
	}
	memcpy(p->orders + p->norders * p->npos, w->cur, p->npos * sizeof(*w->cur));
	p->norders++;
	return true;
}

/* Depth-first; false once the cap is hit. */
static bool walk(struct walk *w, size_t d)
{
	const struct scn_block *b;

	if (d == w->p->npos)
		return emit(w);
	b = w->blk[d];
	for (size_t s = b->first; s < b->first + b->n; s++) {
		if (w->used[s] || !needs_met(w, &w->scn->steps[s]))
			continue;
		if (w->prune && not_least(w, d, s))
			continue;
		w->used[s] = true;
		w->cur[d] = (uint16_t)s;
		if (!walk(w, d + 1))
			return false;
		w->used[s] = false;
	}
	return true;
}

static void positions(const struct scenario *scn, struct xp_plan *p,
		      struct walk *w)
{
	size_t d = 0;

	for (size_t b = 0; b < scn->nblocks; b++)
		p->npos += scn->blocks[b].n;
	p->pos_run = calloc(p->npos + 1, sizeof(*p->pos_run));
	w->dstart = calloc(p->npos + 1, sizeof(*w->dstart));
	w->blk = calloc(p->npos + 1, sizeof(*w->blk));
	TSM_BUG_ON(!p->pos_run || !w->dstart || !w->blk);
	for (size_t b = 0; b < scn->nblocks; b++)
		for (size_t i = 0; i < scn->blocks[b].n; i++, d++) {
			p->pos_run[d] = scn->blocks[b].first + i;
			w->dstart[d] = d - i;
			w->blk[d] = &scn->blocks[b];
		}
}

int xp_plan_build(const struct scenario *scn, size_t max_orders, bool prune,
		  struct xp_plan *p)
{
	struct walk w = { .p = p, .scn = scn, .max = max_orders, .prune = prune };
	size_t n = scn->nsteps;

	memset(p, 0, sizeof(*p));
	p->scn = scn;
	p->allowed = 1;
	for (size_t b = 0; b < scn->nblocks; b++)
		p->allowed = sat_mul(p->allowed, block_orders(scn, &scn->blocks[b],
							      &p->allowed_sat),
				     &p->allowed_sat);
	p->dep = calloc(n * n + 1, sizeof(*p->dep));
	TSM_BUG_ON(!p->dep);
	p->noprune = build_dep(scn, p->dep);
	for (size_t i = 0; i < n; i++)	/* a need never commutes */
		for (size_t k = 0; k < scn->steps[i].nneeds; k++) {
			p->dep[i * n + scn->steps[i].needs[k]] = true;
			p->dep[scn->steps[i].needs[k] * n + i] = true;
		}
	if (!prune)
		p->noprune = "--no-prune";
	positions(scn, p, &w);
	w.used = calloc(n + 1, sizeof(*w.used));
	w.cur = calloc(p->npos + 1, sizeof(*w.cur));
	TSM_BUG_ON(!w.used || !w.cur);
	walk(&w, 0);
	if (!p->capped && !p->allowed_sat)
		p->pruned = p->allowed - p->norders;
	free(w.used);
	free(w.cur);
	free(w.dstart);
	free(w.blk);
	return 0;
}

void xp_plan_fini(struct xp_plan *p)
{
	free(p->pos_run);
	free(p->orders);
	free(p->dep);
	memset(p, 0, sizeof(*p));
}

/*
 * Steps run: alone, every order runs every step; shared, the steps
 * between block position d and the next run once per distinct prefix of
 * length d + 1 (consecutive rows that agree on columns 0..d).
 */
void xp_plan_steps(const struct xp_plan *p, uint64_t *shared, uint64_t *alone)
{
	size_t n = p->scn->nsteps;

	*alone = (uint64_t)p->norders * n;
	*shared = p->npos ? p->pos_run[0] : n;
	for (size_t d = 0; d < p->npos && p->norders; d++) {
		size_t seg = (d + 1 < p->npos ? p->pos_run[d + 1] : n) - p->pos_run[d];
		uint64_t prefixes = 1;

		for (size_t o = 1; o < p->norders; o++)
			if (memcmp(p->orders + o * p->npos, p->orders + (o - 1) * p->npos,
				   (d + 1) * sizeof(*p->orders)))
				prefixes++;
		*shared += prefixes * seg;
	}
}
