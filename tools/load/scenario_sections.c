// SPDX-License-Identifier: MIT
/*
 * scenario_sections.c - the sections that may use any name: traffic,
 * faults and expect (findings, windows, states, per_arch).
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

/* ------------------------------------------------------------ traffic */

static const char *const traffic_ops[] = { "read", "write", "dma_read",
					   "dma_write", NULL };
static const char *const patterns[] = { "sequential", "random", "fixed", NULL };

static const struct scn_field_desc traffic_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique stream name"),
	F("from", SCN_FT_STRING, REQ, "guest:NAME | device:NAME | host:MAPPING"),
	FENUM("op", traffic_ops, REQ, "read | write | dma_read | dma_write"),
	F("gpa", SCN_FT_ADDR, 0, "first GPA (guest)"),
	F("iova", SCN_FT_ADDR, 0, "first IOVA (device)"),
	F("offset", SCN_FT_SIZE, 0, "first offset in the mapping (host)"),
	F("private", SCN_FT_BOOL, 0, "guest: private view; device: T=1"),
	F("span", SCN_FT_SIZE, 0, "bytes covered (default size)"),
	F("size", SCN_FT_SIZE, 0, "bytes per access, 1..4096 (default 64)"),
	FENUM("pattern", patterns, 0, "sequential (default) | random | fixed"),
	F("gap", SCN_FT_DURATION, 0, "from a completion to the next issue"),
	F("count", SCN_FT_COUNT, 0, "accesses"),
	FREF("until", SCN_REF_LABEL, 0, "or: until this step starts"),
	F("start", SCN_FT_STRING, 0, "cycle, or LABEL (its completion)"),
};
static const struct scn_schema traffic_s = SCHEMA("traffic", traffic_f);

static void traffic_from(struct ld *ld, const struct scn_value *v,
			 struct scn_traffic *t)
{
	static const struct { const char *pfx; enum scn_from f; enum scn_ref r;
			      const char *addr; } kinds[] = {
		{ "guest:", SCN_FROM_GUEST, SCN_REF_GUEST, "gpa" },
		{ "device:", SCN_FROM_DEVICE, SCN_REF_DEVICE, "iova" },
		{ "host:", SCN_FROM_HOST, SCN_REF_MAPPING, "offset" },
	};
	const char *from = scn_get_str(v, "from", NULL);
	const char *op = scn_get_str(v, "op", NULL);
	struct scn_pos pos = ld_vpos(v, "from", v->pos);
	size_t i, j;

	if (!from)
		return;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strncmp(from, kinds[i].pfx, strlen(kinds[i].pfx)))
			break;
	if (i == ARRAY_SIZE(kinds)) {
		ld_err(ld, pos, "bad from '%.80s': expected guest:NAME, device:NAME or host:MAPPING",
		       from);
		return;
	}
	t->from = kinds[i].f;
	t->from_name = ld_xstrdup(from + strlen(kinds[i].pfx));
	ld_ref_check(ld, pos, kinds[i].r, t->from_name);
	if (op && (t->from == SCN_FROM_DEVICE) != !strncmp(op, "dma_", 4))
		ld_err(ld, ld_vpos(v, "op", pos), "op '%s' is not for %.*s traffic (use %s)",
		       op, (int)strlen(kinds[i].pfx) - 1, kinds[i].pfx,
		       t->from == SCN_FROM_DEVICE ? "dma_read or dma_write" :
		       "read or write");
	for (j = 0; j < ARRAY_SIZE(kinds); j++)
		if (j != i && scn_has(v, kinds[j].addr))
			ld_err(ld, ld_vpos(v, kinds[j].addr, pos),
			       "'%s' is for %.*s traffic; from: %s takes '%s'",
			       kinds[j].addr, (int)strlen(kinds[j].pfx) - 1,
			       kinds[j].pfx, from, kinds[i].addr);
	if (!scn_has(v, kinds[i].addr))
		ld_err(ld, v->pos, "traffic from %s needs '%s'", from, kinds[i].addr);
	if (t->from == SCN_FROM_HOST && scn_has(v, "private"))
		ld_err(ld, ld_vpos(v, "private", pos), "host traffic takes no 'private'");
	t->addr = scn_get_u64(v, kinds[i].addr, 0);
	t->addr_pos = ld_vpos(v, kinds[i].addr, pos);
}

static void traffic_start(struct ld *ld, const struct scn_value *v,
			  struct scn_traffic *t)
{
	const struct scn_value *s = scn_get(v, "start");
	const char *why;

	if (!s || s->type != SCN_STR)
		return;
	if (!scn_parse_duration(s->str, ld->clock_mhz, &t->start, &why)) {
		if (t->start > ld->scn->max_cycles)
			ld_err(ld, s->pos, "start: cycle %llu is past limits.max_cycles (%llu): the stream would never run",
			       (unsigned long long)t->start,
			       (unsigned long long)ld->scn->max_cycles);
		return;
	}
	if (ld_name_ok(s->str, "_.-") && ld_ref_check(ld, s->pos, SCN_REF_LABEL, s->str))
		t->start_label = ld_xstrdup(s->str);
	else if (!ld_name_ok(s->str, "_.-"))
		ld_err(ld, s->pos, "bad start '%.80s': a cycle count, a duration or a label",
		       s->str);
}

static void traffic_load(struct ld *ld, int node, struct scn_traffic *t)
{
	struct scn_value v = { 0 };
	const char *op;

	t->pos = ld_npos(ld, node);
	if (!ld_check_map(ld, node, &traffic_s, NULL, "traffic", &v) && !v.n)
		return;
	t->name = ld_xstrdup(scn_get_str(&v, "name", NULL));
	if (t->name && ld_sym_find(ld, NS_TRAFFIC, t->name))
		ld_err(ld, ld_vpos(&v, "name", t->pos), "traffic '%s' is defined twice (first at %u:%u)",
		       t->name, ld_sym_find(ld, NS_TRAFFIC, t->name)->pos.line,
		       ld_sym_find(ld, NS_TRAFFIC, t->name)->pos.col);
	else if (t->name)
		ld_sym_add(ld, NS_TRAFFIC, SCN_REF_NONE, t->name, ld_vpos(&v, "name", t->pos));
	traffic_from(ld, &v, t);
	op = scn_get_str(&v, "op", "read");
	t->write = !strcmp(op, "write") || !strcmp(op, "dma_write");
	t->priv = scn_get_bool(&v, "private", false);
	t->size = scn_get_u64(&v, "size", 64);
	t->span = scn_get_u64(&v, "span", t->size);
	t->pattern = (enum scn_pattern)scn_name_index(patterns,
				scn_get_str(&v, "pattern", "sequential"));
	t->gap = scn_get_u64(&v, "gap", 0);
	t->count = scn_get_u64(&v, "count", 0);
	t->until = ld_xstrdup(scn_get_str(&v, "until", NULL));
	if (!ld_is_pow2(t->size) || t->size > 4096)
		ld_err(ld, ld_vpos(&v, "size", t->pos),
		       "size must be a power of two 1..4096, got %llu",
		       (unsigned long long)t->size);
	else if (!t->span || t->span % t->size)
		ld_err(ld, ld_vpos(&v, "span", t->pos),
		       "span (%llu) must be a non-zero multiple of size (%llu)",
		       (unsigned long long)t->span, (unsigned long long)t->size);
	ld_need_one(ld, &v, "count", "until", "traffic");
	traffic_start(ld, &v, t);
	ld_value_free(&v);
}

void ld_top_traffic(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it;

	if (ld_is_null(ld_nd(ld, node)) ||
	    !ld_want(ld, node, YAML_SEQUENCE_NODE, "traffic"))
		return;
	for_each_item(ld, node, it) {
		scn->traffic = ld_grow(scn->traffic, scn->ntraffic, sizeof(*scn->traffic));
		memset(&scn->traffic[scn->ntraffic], 0, sizeof(*scn->traffic));
		scn->traffic[scn->ntraffic].index = (unsigned int)scn->ntraffic;
		traffic_load(ld, *it, &scn->traffic[scn->ntraffic]);
		scn->ntraffic++;
	}
}

/* ------------------------------------------------------------- faults */

static const char *const fault_common[] = { "kind", "at", NULL };

static void fault_at(struct ld *ld, int node, struct scn_fault *f)
{
	const char *s = ld_scalar(ld, node, "a point"), *why = "";

	if (!s)
		return;
	f->at_pos = ld_npos(ld, node);
	if (scn_parse_point(s, ld->clock_mhz, &f->at, &why)) {
		ld_err(ld, ld_npos(ld, node), "bad point '%.80s': %s", s, why);
		return;
	}
	if (f->at.label)
		ld_ref_check(ld, ld_npos(ld, node), SCN_REF_LABEL, f->at.label);
}

static void fault_load(struct ld *ld, int node, struct scn_fault *f)
{
	const struct scn_fault_desc *fd;
	const char *kind;
	char where[64];
	int kn, at, idx;

	f->pos = ld_npos(ld, node);
	f->params.pos = f->pos;
	f->flag = ld_set_flag(ld, f->pos);
	if (!ld_want(ld, node, YAML_MAPPING_NODE, "a fault"))
		return;
	kn = ld_map_lookup(ld, node, "kind");
	at = ld_map_lookup(ld, node, "at");
	if (!kn || !at)
		ld_err(ld, f->pos, "missing key '%s' in a fault", kn ? "at" : "kind");
	if (at)
		fault_at(ld, at, f);
	if (!kn || !(kind = ld_scalar(ld, kn, "a fault kind")))
		return;
	idx = scn_fault_find(kind);
	if (idx < 0) {
		struct ld_guess g = { .word = kind };
		char sug[96];
		size_t i;

		for (i = 0; i < scn_nfaults; i++)
			ld_guess_try(&g, scn_faults[i].name);
		ld_err(ld, ld_npos(ld, kn), "unknown fault kind '%.80s'%s", kind,
		       ld_guess_str(&g, sug, sizeof(sug)));
		return;
	}
	fd = &scn_faults[idx];
	f->id = idx;
	f->kind = ld_xstrdup(fd->name);
	snprintf(where, sizeof(where), "a %s fault", fd->name);
	ld_check_map(ld, node, &fd->params, fault_common, where, &f->params);
}

const char *scn_fault_futile(const struct scenario *scn, const char *kind,
			     const struct scn_point *at, const char *with,
			     char *buf, size_t len)
{
	int id = scn_fault_find(kind);
	bool skip = id == SCN_FAULT_SKIP_STEP, swap = id == SCN_FAULT_SWAP_STEPS;
	int step = at->kind == SCN_PT_CYCLE ? -1 : scn_label_index(scn, at->label);
	int n = (int)scn->nsteps, target, other;

	if (at->kind == SCN_PT_CYCLE && at->cycle > scn->max_cycles) {
		snprintf(buf, len, "cycle %llu is past limits.max_cycles (%llu): the run stops first",
			 (unsigned long long)at->cycle,
			 (unsigned long long)scn->max_cycles);
		return buf;
	}
	if ((!skip && !swap) || step < 0)
		return NULL;
	/* an unordered block may run in another order: nothing is provable */
	for (size_t i = 0; i < scn->nsteps; i++)
		if (scn->steps[i].block >= 0)
			return NULL;
	/* before: acts on the step at the point; after: and during: on the next */
	target = at->kind == SCN_PT_BEFORE ? step : step + 1;
	if (target >= n) {
		char k[16] = "";

		if (at->kind == SCN_PT_DURING)
			snprintf(k, sizeof(k), "#%u", at->k);
		snprintf(buf, len, "%s at %s:%s%s acts on the step after '%s', and it is the last step",
			 kind, at->kind == SCN_PT_AFTER ? "after" : "during",
			 at->label, k, at->label);
		return buf;
	}
	if (!swap)
		return NULL;
	other = with ? scn_label_index(scn, with) : step + 1;
	if (other == target)
		snprintf(buf, len, "swap-steps would swap step %d with itself%s",
			 target + 1, with ? "" : " (without `with:` it swaps with the step after the point's)");
	else if (other >= n)
		snprintf(buf, len, "swap-steps at before:%s has no next step to swap with", at->label);
	else if (other >= 0 && other < target)
		snprintf(buf, len, "swap-steps: step '%s' has already run when step %d starts",
			 with, target + 1);
	else
		return NULL;
	return buf;
}

/* A fault lint can prove never acts is an error, not a silent no-op. */
static void fault_futile(struct ld *ld, const struct scn_fault *f)
{
	char why[192];
	const char *with = scn_get_str(&f->params, "with", NULL);

	if (!f->kind || (f->at.kind != SCN_PT_CYCLE && !f->at.label))
		return;
	if (scn_fault_futile(ld->scn, f->kind, &f->at, with, why, sizeof(why)))
		ld_err(ld, f->at_pos, "the %s fault can never act: %s", f->kind, why);
}

void ld_top_faults(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it;

	if (ld_is_null(ld_nd(ld, node)) ||
	    !ld_want(ld, node, YAML_SEQUENCE_NODE, "faults"))
		return;
	for_each_item(ld, node, it) {
		scn->faults = ld_grow(scn->faults, scn->nfaults, sizeof(*scn->faults));
		memset(&scn->faults[scn->nfaults], 0, sizeof(*scn->faults));
		fault_load(ld, *it, &scn->faults[scn->nfaults]);
		fault_futile(ld, &scn->faults[scn->nfaults++]);
	}
}

/* ------------------------------------------------------------- expect */

static const struct scn_field_desc wrange_f[] = {
	FREF("device", SCN_REF_DEVICE, 0, "{device, bar}"),
	F("bar", SCN_FT_BAR, 0, "BAR index"),
	FREF("guest", SCN_REF_GUEST, 0, "{guest, gpa, size}"),
	F("gpa", SCN_FT_ADDR, 0, "first GPA"),
	F("iova", SCN_FT_ADDR, 0, "{iova, size}: first IOVA"),
	F("size", SCN_FT_SIZE, 0, "bytes"),
};
static const struct scn_schema wrange_s = SCHEMA("range", wrange_f);

static const struct scn_field_desc hitless_f[] = {
	FREF("from", SCN_REF_LABEL, REQ, "window opens at this step's start"),
	FREF("to", SCN_REF_LABEL, REQ, "and closes at this one's completion"),
	FSUB("range", SCN_FT_MAP, &wrange_s, REQ, "the watched range"),
};
static const struct scn_schema hitless_s = SCHEMA("a hitless window", hitless_f);

static const struct scn_field_desc allow_win_f[] = {
	FREF("from", SCN_REF_LABEL, REQ, "window opens at this step's start"),
	FREF("to", SCN_REF_LABEL, REQ, "and closes at this one's completion"),
	F("results", SCN_FT_RESULTS, REQ, "access results allowed"),
};
static const struct scn_schema allow_win_s = SCHEMA("an allow window", allow_win_f);

static const struct scn_field_desc expect_f[] = {
	FSUB("hitless", SCN_FT_LIST, &hitless_s, 0, "hitless windows"),
	FSUB("allow", SCN_FT_LIST, &allow_win_s, 0, "allowed access results"),
	F("state", SCN_FT_STATE_MAP, 0, "final TDISP states"),
};
static const struct scn_schema expect_s = SCHEMA("expect", expect_f);

static void findings_load(struct ld *ld, int node, struct scn_expect *e)
{
	struct scn_field_desc fd = { .key = "", .type = SCN_FT_CONSTRAINT };
	yaml_node_pair_t *p;

	e->has_findings = true;
	if (ld_is_null(ld_nd(ld, node)) || !ld_want(ld, node, YAML_MAPPING_NODE, "findings"))
		return;
	for_each_pair(ld, node, p) {
		int k = sim_finding_parse(ld_pkey(ld, p));
		struct scn_value v = { 0 };

		if (k < 0 || k >= SCN_FIND_MAX) {
			struct ld_guess g = { .word = ld_pkey(ld, p) };
			char sug[96];
			int i;

			for (i = 0; i < SIM_FIND_NR; i++)
				ld_guess_try(&g, sim_finding_name(i));
			ld_err(ld, ld_npos(ld, p->key), "unknown finding '%.80s'%s",
			       g.word, ld_guess_str(&g, sug, sizeof(sug)));
			continue;
		}
		if (!ld_conv_constraint(ld, p->value, &fd, &v))
			continue;
		scn_count_parse(v.str, &e->findings[k], &fd.help);
		e->findings[k].pos = ld_npos(ld, p->key);
		ld_value_free(&v);
	}
}

static void window_base(struct ld *ld, const struct scn_value *v,
			struct scn_window *w)
{
	const struct ld_sym *a, *b;

	w->pos = v->pos;
	w->from = ld_xstrdup(scn_get_str(v, "from", NULL));
	w->to = ld_xstrdup(scn_get_str(v, "to", NULL));
	a = w->from ? ld_sym_find(ld, NS_LABEL, w->from) : NULL;
	b = w->to ? ld_sym_find(ld, NS_LABEL, w->to) : NULL;
	if (a && b && a->step > b->step)
		ld_err(ld, ld_vpos(v, "to", v->pos),
		       "window ends at '%s' (step %d), before it starts at '%s' (step %d)",
		       w->to, b->step + 1, w->from, a->step + 1);
}

static void range_load(struct ld *ld, const struct scn_value *r,
		       struct scn_range *out)
{
	bool dev = scn_has(r, "device") || scn_has(r, "bar");
	bool gst = scn_has(r, "guest") || scn_has(r, "gpa");
	bool io = scn_has(r, "iova");

	if (!r)
		return;
	if (dev + gst + io != 1 || (dev && !(scn_has(r, "device") && scn_has(r, "bar"))) ||
	    (dev && scn_has(r, "size")) || (!dev && !scn_has(r, "size")) ||
	    (gst && !(scn_has(r, "guest") && scn_has(r, "gpa")))) {
		ld_err(ld, r->pos, "range is {device, bar}, {guest, gpa, size} or {iova, size}");
		return;
	}
	out->device = ld_xstrdup(scn_get_str(r, "device", NULL));
	out->bar = (unsigned int)scn_get_u64(r, "bar", 0);
	out->guest = ld_xstrdup(scn_get_str(r, "guest", NULL));
	out->gpa = scn_get_u64(r, "gpa", 0);
	out->has_iova = io;
	out->iova = scn_get_u64(r, "iova", 0);
	out->size = scn_get_u64(r, "size", 0);
	if (dev)
		ld_bar_check(ld, r, "device", "bar");
}

static void windows_load(struct ld *ld, const struct scn_value *l, bool hitless,
			 struct scn_window **out, size_t *n)
{
	size_t i, j;

	if (!l || !l->n)
		return;
	*out = ld_xcalloc(l->n, sizeof(**out));
	for (i = 0; i < l->n; i++) {
		const struct scn_value *v = &l->items[i], *res;
		struct scn_window *w = &(*out)[(*n)++];

		window_base(ld, v, w);
		if (hitless)
			range_load(ld, scn_get(v, "range"), &w->range);
		res = scn_get(v, "results");
		for (j = 0; res && j < res->n; j++)
			if (res->items[j].type == SCN_STR)
				w->results |= 1u << sim_result_parse(res->items[j].str);
	}
}

static void states_load(const struct scn_value *s, struct scn_expect *e)
{
	size_t i;

	if (!s || !s->n)
		return;
	e->states = ld_xcalloc(s->n, sizeof(*e->states));
	for (i = 0; i < s->n; i++)
		e->states[e->nstates++] = (struct scn_state){
			ld_xstrdup(s->fields[i].key), ld_xstrdup(s->fields[i].v.str),
			s->fields[i].pos };
}

static void per_arch_load(struct ld *ld, int node);

static void expect_load(struct ld *ld, int node, struct scn_expect *e,
			bool top)
{
	static const char *const top_extra[] = { "findings", "per_arch", NULL };
	static const char *const arch_extra[] = { "findings", NULL };
	struct scn_value v = { 0 };
	int f;

	if (!ld_check_map(ld, node, &expect_s, top ? top_extra : arch_extra,
			  top ? "expect" : "expect.per_arch", &v) && !v.n &&
	    ld_nd(ld, node)->type != YAML_MAPPING_NODE)
		return;
	f = ld_map_lookup(ld, node, "findings");
	if (f)
		findings_load(ld, f, e);
	windows_load(ld, scn_get(&v, "hitless"), true, &e->hitless, &e->nhitless);
	windows_load(ld, scn_get(&v, "allow"), false, &e->allow, &e->nallow);
	states_load(scn_get(&v, "state"), e);
	ld_value_free(&v);
	if (top && ld_map_lookup(ld, node, "per_arch"))
		per_arch_load(ld, ld_map_lookup(ld, node, "per_arch"));
}

static void per_arch_load(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_pair_t *p;

	if (!ld_want(ld, node, YAML_MAPPING_NODE, "per_arch"))
		return;
	for_each_pair(ld, node, p) {
		struct scn_per_arch *pa;

		if (arch_id_parse(ld_pkey(ld, p)) < 0) {
			ld_one_of(ld, p->key, "arch", arch_names());
			continue;
		}
		scn->per_arch = ld_grow(scn->per_arch, scn->nper_arch, sizeof(*scn->per_arch));
		pa = &scn->per_arch[scn->nper_arch++];
		memset(pa, 0, sizeof(*pa));
		pa->arch = ld_xstrdup(ld_pkey(ld, p));
		pa->pos = ld_npos(ld, p->key);
		expect_load(ld, p->value, &pa->expect, false);
	}
}

void ld_top_expect(struct ld *ld, int node)
{
	expect_load(ld, node, &ld->scn->expect, true);
}
