// SPDX-License-Identifier: MIT
/*
 * run.c - the runner: steps in order, never overlapping (docs/scenarios.md
 * (steps)), each a sequence of sub-operations; traffic alongside; then
 * the checkers' findings held against `expect:` (section 7).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "run_internal.h"
#include "load.h"
#include "mem.h"
#include "platform.h"

struct run {
	const struct scenario *scn;
	const struct run_opts *opts;
	struct sim *s;
	struct world *w;
	struct run_result *out;
	struct sim_seq *q;	/* the running step's sequence */
	struct sim_seq *prev;	/* the previous step's, for `assert: last:` */
	struct exec_ctx x;	/* lives as long as the step: sub-ops use it */
	size_t cur;		/* index of the running step */
	size_t *order;		/* step indices in run order (swap-steps) */
	size_t pos;		/* position in @order */
	bool *fault_done;	/* each fault applies once */
	int *fault_step;	/* the step of each fault's label, or -1 */
	bool skip_next;		/* a skip-step fault hit the next step */
	bool steps_done;
	bool failed_internal;
	bool seq_started;	/* the running step's sequence was started */
};

/* ---------------------------------------------------------------- expect */

static void expect_str(const struct scn_step *st, const struct scn_op_desc *d,
		       char *buf, size_t len)
{
	size_t off = 0;

	if (st->expect_any) {
		snprintf(buf, len, "any");
		return;
	}
	if (!st->nexpect) {
		snprintf(buf, len, "%s", d->kind == SCN_OP_ACCESS ? "completed" : "ok");
		return;
	}
	buf[0] = 0;
	for (size_t i = 0; i < st->nexpect && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "|" : "", st->expect[i]);
}

/* ----------------------------------------------------------------- faults */

static void internal_error(struct run *r, char *msg)
{
	if (!r->out->error)
		r->out->error = msg;
	else
		free(msg);
	r->failed_internal = true;
	sim_stop(r->s);
}

static bool fault_matches(struct run *r, size_t i, enum scn_point_kind kind,
			  int step, unsigned int k)
{
	const struct scn_fault *f = &r->scn->faults[i];

	if (f->at.kind != kind || kind == SCN_PT_CYCLE)
		return false;
	if (r->fault_step[i] != step)
		return false;
	return kind != SCN_PT_DURING || f->at.k == k;
}

/* Swap the step at @pos with step @idx if it has not run yet. */
static void swap_order(struct run *r, size_t pos, int idx)
{
	for (size_t j = pos; idx >= 0 && j < r->scn->nsteps; j++)
		if (r->order[j] == (size_t)idx) {
			size_t t = r->order[pos];

			r->order[pos] = r->order[j];
			r->order[j] = t;
			return;
		}
}

/*
 * Apply the faults at a point.  A skip or swap asked for at `before:`
 * concerns the step about to start (position @pos); at `after:` and
 * `during:` the next one.
 */
static bool faults_at(struct run *r, enum scn_point_kind kind, int step,
		      unsigned int k, size_t pos)
{
	bool skip = false;

	for (size_t i = 0; i < r->scn->nfaults; i++) {
		const struct scn_fault *f = &r->scn->faults[i];
		struct fault_action act;
		char *err = NULL;

		if (r->fault_done[i] || !fault_matches(r, i, kind, step, k))
			continue;
		r->fault_done[i] = true;
		r->out->fault_fired[i] = true;
		if (fault_apply(r->w, f, step, &act, &err)) {
			internal_error(r, err);
			return false;
		}
		skip |= act.skip;
		if (act.swap_with >= 0 && pos < r->scn->nsteps)
			swap_order(r, pos, act.swap_with);
	}
	return skip;
}

static void fault_event(struct sim *s, void *subject, void *object)
{
	struct run *r = subject;
	const struct scn_fault *f = object;
	struct fault_action act;
	char *err = NULL;

	r->out->fault_fired[f - r->scn->faults] = true;
	if (fault_apply(r->w, f, -1, &act, &err)) {
		internal_error(r, err);
		return;
	}
	r->skip_next |= act.skip;
	if (act.swap_with >= 0 && !r->steps_done)
		swap_order(r, r->pos + 1, act.swap_with);
}

static void arm_faults(struct run *r)
{
	r->fault_done = calloc(r->scn->nfaults + 1, sizeof(bool));
	r->fault_step = calloc(r->scn->nfaults + 1, sizeof(int));
	r->out->fault_fired = calloc(r->scn->nfaults + 1, sizeof(bool));
	TSM_BUG_ON(!r->fault_done || !r->fault_step || !r->out->fault_fired);
	r->out->nfaults = r->scn->nfaults;
	for (size_t i = 0; i < r->scn->nfaults; i++) {
		const struct scn_fault *f = &r->scn->faults[i];

		/* once, not per step: faults_at runs at every step boundary */
		r->fault_step[i] = f->at.kind == SCN_PT_CYCLE ? -1 :
				   scn_label_index(r->scn, f->at.label);
		if (f->at.kind != SCN_PT_CYCLE)
			continue;
		r->fault_done[i] = true;
		sim_event_schedule(r->s, f->at.cycle, SIM_PRIO_STATE, fault_event,
				   r, (void *)f);
	}
}

static void subop_hook(struct sim *s, void *ctx, unsigned int k)
{
	struct run *r = ctx;

	if (faults_at(r, SCN_PT_DURING, (int)r->cur, k, r->pos + 1))
		sim_seq_clear(r->q);	/* the rest of the step does not run */
}

/* ------------------------------------------------------------------ steps */

static void run_next_step(struct run *r);

static void step_done(struct sim *s, void *ctx, const char *result)
{
	struct run *r = ctx;
	const struct scn_step *st = &r->scn->steps[r->cur];
	struct run_step *rs = &r->out->steps[r->cur];
	struct sim_rec rec = { .type = SIM_REC_STEP_END };
	struct sim_seq *t;

	snprintf(rs->result, sizeof(rs->result), "%s", result ? result : "ok");
	rs->end = sim_now(s);
	rs->subops = r->seq_started ? sim_seq_completed(r->q) : 0;
	r->seq_started = false;
	rs->ok = exec_step_expects(st, rs->result);
	rec.u.stepres.result = rs->result;
	rec.u.stepres.expected = rs->ok;
	sim_trace_emit(s, &rec);
	if (st->label)
		world_label_event(r->w, st->label, true);
	sim_set_step(s, NULL);
	t = r->prev;		/* keep this step's reports for `last:` */
	r->prev = r->q;
	r->q = t;
	if (faults_at(r, SCN_PT_AFTER, (int)r->cur, 0, r->pos + 1))
		r->skip_next = true;
	if (r->failed_internal)
		return;
	r->pos++;
	run_next_step(r);
}

static bool step_skipped(struct run *r)
{
	bool skip = r->skip_next;

	r->skip_next = false;
	skip |= faults_at(r, SCN_PT_BEFORE, (int)r->order[r->pos], 0, r->pos);
	if (!skip || r->failed_internal)
		return false;
	r->cur = r->order[r->pos];
	snprintf(r->out->steps[r->cur].result,
		 sizeof(r->out->steps[r->cur].result), "skipped");
	r->out->steps[r->cur].ok = true;
	r->out->steps[r->cur].start = r->out->steps[r->cur].end = sim_now(r->s);
	/*
	 * The step's moment still passes: traffic waiting for its start
	 * (`until:`) or its completion (`start:`) must not wait forever.
	 */
	if (r->scn->steps[r->cur].label) {
		world_label_event(r->w, r->scn->steps[r->cur].label, false);
		world_label_event(r->w, r->scn->steps[r->cur].label, true);
	}
	r->pos++;
	run_next_step(r);
	return true;
}

static void step_begin(struct sim *s, void *subject, void *object)
{
	struct run *r = subject;
	const struct scn_step *st;
	struct run_step *rs;
	struct sim_step_ref ref;
	struct sim_rec rec = { .type = SIM_REC_STEP_BEGIN };
	exec_fn *fn;
	const char *res;

	if (step_skipped(r) || r->failed_internal)
		return;
	r->cur = r->order[r->pos];
	st = &r->scn->steps[r->cur];
	rs = &r->out->steps[r->cur];
	ref = (struct sim_step_ref){ (int)r->cur, st->pos.line, st->label,
				     st->opname };
	fn = exec_find(st->op);

	rs->start = sim_now(s);
	sim_set_step(s, &ref);
	sim_trace_emit(s, &rec);
	if (st->label)
		world_label_event(r->w, st->label, false);
	if (!fn) {
		internal_error(r, sim_xasprintf("%s:%u: op '%s' is not modelled yet",
					    r->scn->file, st->pos.line,
					    st->opname));
		return;
	}
	r->x = (struct exec_ctx){
		.w = r->w, .s = s, .scn = r->scn, .step = st, .q = r->q,
		.prev = r->prev, .detail = &rs->detail,
		.scn_error = &r->out->scn_error,
	};
	res = fn(&r->x);
	if (r->out->scn_error) {
		r->failed_internal = true;
		sim_stop(s);
		return;
	}
	if (res) {
		sim_seq_clear(r->q);
		step_done(s, r, res);
		return;
	}
	r->seq_started = true;
	sim_seq_start(r->q);
}

static void run_next_step(struct run *r)
{
	const struct scn_step *st;
	sim_cycles_t now = sim_now(r->s), at = now;

	if (r->pos >= r->scn->nsteps) {
		r->steps_done = true;
		return;
	}
	if (r->opts->choose)
		r->opts->choose(r->opts->choose_ctx, r->pos, r->order, r->scn->nsteps);
	st = &r->scn->steps[r->order[r->pos]];
	if (st->start == SCN_START_AT) {
		at = st->start_cycles > now ? st->start_cycles : now;
		r->out->steps[r->order[r->pos]].late = st->start_cycles < now;
	} else if (st->start == SCN_START_AFTER) {
		at = sim_cycles_add(now, st->start_cycles);
	}
	sim_event_schedule(r->s, at, SIM_PRIO_STEP, step_begin, r, NULL);
}

static void init_steps(struct run *r)
{
	struct run_result *out = r->out;

	out->nsteps = r->scn->nsteps;
	r->order = calloc(out->nsteps + 1, sizeof(*r->order));
	TSM_BUG_ON(!r->order);
	for (size_t i = 0; i < out->nsteps; i++)
		r->order[i] = i;
	out->steps = calloc(out->nsteps ? out->nsteps : 1, sizeof(*out->steps));
	TSM_BUG_ON(!out->steps);
	for (size_t i = 0; i < out->nsteps; i++) {
		const struct scn_step *st = &r->scn->steps[i];
		struct run_step *rs = &out->steps[i];

		rs->index = (int)i;
		rs->line = st->pos.line;
		rs->label = st->label;
		rs->op = st->opname;
		snprintf(rs->result, sizeof(rs->result), "not-run");
		expect_str(st, &scn_ops[st->op], rs->expect, sizeof(rs->expect));
	}
}

/* ------------------------------------------------------------ expectations */

static void add_check(struct run_result *out, const char *what,
		      const char *expected, const char *actual, bool ok,
		      unsigned int line, char *detail)
{
	struct run_check *c;

	out->checks = sim_xrealloc(out->checks, out->nchecks + 1,
				   sizeof(*out->checks));
	c = &out->checks[out->nchecks++];
	memset(c, 0, sizeof(*c));
	snprintf(c->what, sizeof(c->what), "%s", what);
	snprintf(c->expected, sizeof(c->expected), "%s", expected);
	snprintf(c->actual, sizeof(c->actual), "%s", actual);
	c->ok = ok;
	c->line = line;
	c->detail = detail;
}

/* The expectation for @arch: the common one with per_arch merged key by key. */
static void merged_expect(const struct scenario *scn, const char *arch,
			  struct scn_expect *e)
{
	*e = scn->expect;
	for (size_t i = 0; i < scn->nper_arch; i++) {
		const struct scn_per_arch *pa = &scn->per_arch[i];

		if (strcmp(pa->arch, arch))
			continue;
		if (pa->expect.has_findings) {
			for (int k = 0; k < SIM_FIND_NR; k++)
				if (pa->expect.findings[k].cmp != SCN_CMP_NONE)
					e->findings[k] = pa->expect.findings[k];
			e->has_findings = true;
		}
		if (pa->expect.nhitless) {
			e->hitless = pa->expect.hitless;
			e->nhitless = pa->expect.nhitless;
		}
		if (pa->expect.nallow) {
			e->allow = pa->expect.allow;
			e->nallow = pa->expect.nallow;
		}
		if (pa->expect.nstates) {
			e->states = pa->expect.states;
			e->nstates = pa->expect.nstates;
		}
	}
}

static void check_findings(struct run *r, const struct scn_expect *e)
{
	uint64_t count[SIM_FIND_NR] = { 0 };
	char what[64], exp[48], act[48];

	for (size_t i = 0; i < sim_findings_count(r->s); i++) {
		const struct sim_finding *f = sim_finding_at(r->s, i);

		if (!f->suppressed)
			count[f->kind]++;
	}
	for (int k = 0; k < SIM_FIND_NR; k++) {
		const struct scn_count *c = &e->findings[k];
		bool ok = scn_count_holds(c, count[k]);

		/* a finding nobody named and nobody saw is not worth a line */
		if (c->cmp == SCN_CMP_NONE && !count[k])
			continue;
		/* with the checkers off only the watchdog could have found it */
		if (r->out->checkers_off && k != SIM_FIND_WATCHDOG) {
			r->out->unjudged++;
			continue;
		}
		snprintf(what, sizeof(what), "findings.%s",
			 sim_finding_name((enum sim_finding_kind)k));
		scn_count_str(c, exp, sizeof(exp));
		snprintf(act, sizeof(act), "%llu", (unsigned long long)count[k]);
		add_check(r->out, what, exp, act, ok, c->pos.line, NULL);
	}
}

static void check_states(struct run *r, const struct scn_expect *e)
{
	char what[80];

	for (size_t i = 0; i < e->nstates; i++) {
		const struct scn_state *st = &e->states[i];
		const char *now = world_tdi_state(r->w, st->device);

		snprintf(what, sizeof(what), "state.%s", st->device);
		add_check(r->out, what, st->state, now ? now : "?",
			  now && !strcmp(now, st->state), st->pos.line, NULL);
	}
}

static void check_steps(struct run *r)
{
	size_t bad = 0;
	char act[48];

	for (size_t i = 0; i < r->out->nsteps; i++)
		bad += !r->out->steps[i].ok;
	if (!r->out->nsteps)
		return;
	snprintf(act, sizeof(act), "%zu of %zu", r->out->nsteps - bad,
		 r->out->nsteps);
	add_check(r->out, "steps as expected", "all", act, !bad, 0, NULL);
}

/*
 * docs/scenarios.md: a violated window "gives one finding", so whether a
 * violation was expected is said under `findings: hitless-violation`.
 */
static bool violations_expected(struct run *r, const struct scn_expect *e)
{
	const struct scn_count *c = &e->findings[SIM_FIND_HITLESS_VIOLATION];
	uint64_t n = 0;

	for (size_t i = 0; i < e->nhitless; i++) {
		struct sim_hitless_status st;

		if (!sim_hitless_get(r->s, i, &st) &&
		    st.verdict == SIM_HITLESS_VIOLATED)
			n++;
	}
	return c->cmp != SCN_CMP_NONE && n && scn_count_holds(c, n);
}

static void check_windows(struct run *r, const struct scn_expect *e)
{
	char what[64], act[48];
	bool viol_ok = violations_expected(r, e);

	if (r->out->checkers_off) {	/* no window was installed */
		r->out->unjudged += e->nhitless;
		return;
	}
	for (size_t i = 0; i < e->nhitless; i++) {
		struct sim_hitless_status st;
		char *detail = NULL;

		if (sim_hitless_get(r->s, i, &st))
			continue;
		snprintf(what, sizeof(what), "hitless %s..%s", e->hitless[i].from,
			 e->hitless[i].to);
		snprintf(act, sizeof(act), "%s, %llu/%llu bad",
			 sim_hitless_verdict_name(st.verdict),
			 (unsigned long long)st.bad,
			 (unsigned long long)st.accesses);
		if (st.verdict == SIM_HITLESS_VIOLATED)
			detail = sim_xasprintf("%llu of %llu accesses in the window did not end ok, the first at cycle %llu; the range was unavailable for up to %llu cycles from cycle %llu",
					   (unsigned long long)st.bad,
					   (unsigned long long)st.accesses,
					   (unsigned long long)st.first_bad,
					   (unsigned long long)st.longest,
					   (unsigned long long)st.longest_from);
		else if (st.verdict == SIM_HITLESS_UNEXERCISED)
			detail = sim_xstrdup("no access reached the range inside the window, so it proves nothing");
		add_check(r->out, what, viol_ok ? "by findings" : "clean",
			  act, st.verdict == SIM_HITLESS_CLEAN ||
			  (viol_ok && st.verdict == SIM_HITLESS_VIOLATED),
			  e->hitless[i].pos.line, detail);
	}
}

/* ------------------------------------------------------------- checkers */

static void window_range(struct run *r, const struct scn_window *w,
			 struct sim_hitless_cfg *h)
{
	const struct scn_range *rg = &w->range;

	if (rg->device) {
		h->range = SIM_WIN_HPA;
		h->what = rg->device;
		if (!mem_window(plat_mem(world_platform(r->w)),
				world_dev(r->w, rg->device), rg->bar, &h->base,
				&h->size))
			h->size = 0;
	} else if (rg->guest) {
		h->range = SIM_WIN_GPA;
		h->guest = rg->guest;
		h->base = rg->gpa;
		h->size = rg->size;
	} else {
		h->range = SIM_WIN_IOVA;
		h->base = rg->iova;
		h->size = rg->size;
	}
}

static int install_checkers(struct run *r)
{
	struct scn_expect e;
	struct sim_hitless_cfg *h;
	struct sim_allow_cfg *a;
	struct sim_checker_cfg cfg;
	int rc;

	merged_expect(r->scn, r->out->arch, &e);
	h = calloc(e.nhitless + 1, sizeof(*h));
	a = calloc(e.nallow + 1, sizeof(*a));
	TSM_BUG_ON(!h || !a);
	for (size_t i = 0; i < e.nhitless; i++) {
		h[i].from_step = scn_label_index(r->scn, e.hitless[i].from);
		h[i].to_step = scn_label_index(r->scn, e.hitless[i].to);
		h[i].line = e.hitless[i].pos.line;
		window_range(r, &e.hitless[i], &h[i]);
	}
	for (size_t i = 0; i < e.nallow; i++) {
		a[i].from_step = scn_label_index(r->scn, e.allow[i].from);
		a[i].to_step = scn_label_index(r->scn, e.allow[i].to);
		a[i].results = e.allow[i].results;
		a[i].line = e.allow[i].pos.line;
	}
	cfg = (struct sim_checker_cfg){ h, e.nhitless, a, e.nallow,
					 r->opts->no_checkers };
	rc = sim_checkers_install(r->s, &cfg);
	free(h);
	free(a);
	return rc;
}

static void evaluate(struct run *r)
{
	struct scn_expect e;

	merged_expect(r->scn, r->out->arch, &e);
	check_steps(r);
	check_findings(r, &e);
	check_states(r, &e);
	check_windows(r, &e);
	r->out->pass = true;
	for (size_t i = 0; i < r->out->nchecks; i++)
		r->out->pass &= r->out->checks[i].ok;
}

/* ------------------------------------------------------------------- run */

/*
 * The watchdog stops the run between events, often when no step is
 * running (a step waiting for its `at:`, or traffic after the last step):
 * name the step or the traffic stream that kept the run going, with its
 * line, so the finding points at what to fix or what limit to raise.
 */
static void watchdog_where(struct run *r)
{
	const struct scn_traffic *tr = world_traffic_running(r->w);
	size_t n = sim_findings_count(r->s);
	struct sim_finding *f = n ? sim_finding_at_mut(r->s, n - 1) : NULL;
	const struct scn_step *st;
	char *why;

	if (!f || f->kind != SIM_FIND_WATCHDOG || f->step >= 0)
		return;
	if (!r->steps_done && r->pos < r->scn->nsteps) {
		f->step = (int)r->order[r->pos];
		st = &r->scn->steps[f->step];
		f->line = st->pos.line;
		f->label = st->label;
		why = sim_xasprintf("%s; step %d (%s, line %u) had not started yet",
				    f->explain, f->step + 1, st->opname,
				    st->pos.line);
	} else if (tr) {
		f->line = tr->pos.line;
		f->label = tr->name;
		why = sim_xasprintf("%s; the steps were done and traffic stream '%s' (line %u) was still issuing",
				    f->explain, tr->name, tr->pos.line);
	} else if (r->scn->nsteps) {
		st = &r->scn->steps[r->order[r->scn->nsteps - 1]];
		f->line = st->pos.line;
		f->label = st->label;
		why = sim_xasprintf("%s; the steps were done (the last at line %u) and an event was still queued for cycle %llu (a delay or a timeout that long)",
				    f->explain, st->pos.line,
				    (unsigned long long)sim_event_next_at(r->s));
	} else {
		return;
	}
	free(f->explain);
	f->explain = why;
}

/* Sinks subscribe before the platform exists, so they see every record. */
static int attach_sinks(struct run *r)
{
	if (r->opts->stats) {
		r->out->stats = run_stats_create();
		TSM_BUG_ON(!r->out->stats);
		if (run_stats_attach(r->s, r->out->stats)) {
			r->out->error = sim_xstrdup("cannot attach the stats collector");
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < r->opts->nsinks; i++) {
		int rc = r->opts->sinks[i].attach(r->s, r->opts->sinks[i].ctx);

		if (rc) {
			r->out->error = sim_xasprintf("cannot attach output sink %zu: %s",
						  i, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int run_scenario(const struct scenario *scn, const char *arch,
		 const struct run_opts *opts, struct run_result *out)
{
	struct run r = { .scn = scn, .opts = opts, .out = out };
	int bad_input = 0;
	char *err = NULL;

	memset(out, 0, sizeof(*out));
	snprintf(out->arch, sizeof(out->arch), "%s", arch);
	out->seed = opts->has_seed ? opts->seed : scn->seed;
	out->checkers_off = opts->no_checkers;
	r.s = out->sim = sim_create(out->seed);
	TSM_BUG_ON(!r.s);
	sim_set_limits(r.s, scn->max_cycles, scn->max_events);
	sim_set_wall_timeout(r.s, opts->timeout_ms);
	/* a check of run-ahead itself (docs/performance.md): same bytes off */
	{
		const char *nr = getenv("TSMSIM_NO_RUNAHEAD");

		if (nr && *nr && strcmp(nr, "0"))
			sim_set_runahead(r.s, false);
	}
	init_steps(&r);
	if (attach_sinks(&r)) {
		free(r.order);
		return -1;
	}
	r.w = world_create(scn, arch, r.s, &err, &bad_input);
	if (!r.w) {
		out->noinput = bad_input == WORLD_NO_INPUT;
		if (bad_input)
			out->scn_error = err;
		else
			out->error = err ? err : sim_xstrdup("cannot build the platform");
		free(r.order);
		return -1;
	}
	/* reports name a profile file by its `name:`, not its path */
	snprintf(out->arch, sizeof(out->arch), "%s", world_arch_name(r.w));
	if (install_checkers(&r)) {
		out->scn_error = sim_xasprintf("%s:%u:%u: error: an expect.hitless window does not fit the platform (its BAR does not exist, or there are more than %d windows)",
					   scn->file, scn->expect.nhitless ?
					   scn->expect.hitless[0].pos.line : 1,
					   scn->expect.nhitless ?
					   scn->expect.hitless[0].pos.col : 1,
					   SIM_HITLESS_MAX);
		world_destroy(r.w);
		free(r.order);
		return -1;
	}
	r.q = sim_seq_create(r.s, step_done, subop_hook, &r);
	r.prev = sim_seq_create(r.s, step_done, subop_hook, &r);
	arm_faults(&r);
	world_start_traffic(r.w);
	run_next_step(&r);
	out->status = sim_run_until(r.s, SIM_CYCLES_MAX);
	if (out->status == SIM_RUN_WATCHDOG)
		watchdog_where(&r);
	out->cycles = sim_now(r.s);
	out->events = sim_events_fired(r.s);
	if (!r.failed_internal) {
		sim_checkers_finish(r.s);
		evaluate(&r);
	}
	sim_seq_destroy(r.q);
	sim_seq_destroy(r.prev);
	world_destroy(r.w);
	free(r.order);
	free(r.fault_done);
	free(r.fault_step);
	return r.failed_internal ? -1 : 0;
}

void run_result_fini(struct run_result *r)
{
	for (size_t i = 0; i < r->nsteps; i++)
		free(r->steps[i].detail);
	for (size_t i = 0; i < r->nchecks; i++)
		free(r->checks[i].detail);
	free(r->steps);
	free(r->checks);
	free(r->fault_fired);
	free(r->error);
	free(r->scn_error);
	run_stats_destroy(r->stats);
	sim_destroy(r->sim);
	memset(r, 0, sizeof(*r));
}
