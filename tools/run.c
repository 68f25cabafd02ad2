// SPDX-License-Identifier: MIT
/*
 * run.c - the runner: steps in order, never overlapping (contract
 * section 4), each a sequence of sub-operations; traffic alongside; then
 * the checkers' findings held against `expect:` (section 7).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "ops.h"
#include "run.h"

struct run {
	const struct scenario *scn;
	const struct run_opts *opts;
	struct sim *s;
	struct world *w;
	struct run_result *out;
	struct sim_seq *q;	/* the running step's sequence */
	struct sim_seq *prev;	/* the previous step's, for `assert: last:` */
	struct exec_ctx x;	/* lives as long as the step: sub-ops use it */
	size_t cur;
	bool steps_done;
	bool failed_internal;
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	TSM_BUG_ON(!d);
	return d;
}

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	TSM_BUG_ON(n < 0);
	return p;
}

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
	r->cur++;
	run_next_step(r);
}

static void step_begin(struct sim *s, void *subject, void *object)
{
	struct run *r = subject;
	const struct scn_step *st = &r->scn->steps[r->cur];
	struct run_step *rs = &r->out->steps[r->cur];
	struct sim_step_ref ref = { (int)r->cur, st->pos.line, st->label,
				    st->opname };
	struct sim_rec rec = { .type = SIM_REC_STEP_BEGIN };
	exec_fn *fn = exec_find(st->opname);
	const char *res;

	rs->start = sim_now(s);
	sim_set_step(s, &ref);
	sim_trace_emit(s, &rec);
	if (st->label)
		world_label_event(r->w, st->label, false);
	if (!fn) {
		r->failed_internal = true;
		r->out->error = xasprintf("%s:%u: op '%s' is not modelled yet",
					  r->scn->file, st->pos.line, st->opname);
		sim_stop(s);
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
	sim_seq_start(r->q);
}

static void run_next_step(struct run *r)
{
	const struct scn_step *st;
	sim_cycles_t now = sim_now(r->s), at = now;

	if (r->cur >= r->scn->nsteps) {
		r->steps_done = true;
		return;
	}
	st = &r->scn->steps[r->cur];
	if (st->start == SCN_START_AT) {
		at = st->start_cycles > now ? st->start_cycles : now;
		r->out->steps[r->cur].late = st->start_cycles < now;
	} else if (st->start == SCN_START_AFTER) {
		at = now + st->start_cycles;
	}
	sim_event_schedule(r->s, at, SIM_PRIO_STEP, step_begin, r, NULL);
}

static void init_steps(struct run *r)
{
	struct run_result *out = r->out;

	out->nsteps = r->scn->nsteps;
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

static int check_windows(struct run *r, const struct scn_expect *e)
{
	if (!e->nhitless && !e->nallow)
		return 0;
	r->out->error = xasprintf("%s: expect.hitless and expect.allow are not evaluated yet",
				  r->scn->file);
	return -1;
}

static void evaluate(struct run *r)
{
	struct scn_expect e;

	merged_expect(r->scn, r->out->arch, &e);
	check_steps(r);
	check_findings(r, &e);
	check_states(r, &e);
	if (check_windows(r, &e))
		r->failed_internal = true;
	r->out->pass = true;
	for (size_t i = 0; i < r->out->nchecks; i++)
		r->out->pass &= r->out->checks[i].ok;
}

/* ------------------------------------------------------------------- run */

int run_scenario(const struct scenario *scn, const char *arch,
		 const struct run_opts *opts, struct run_result *out)
{
	struct run r = { .scn = scn, .opts = opts, .out = out };
	char *err = NULL;

	memset(out, 0, sizeof(*out));
	snprintf(out->arch, sizeof(out->arch), "%s", arch);
	out->seed = opts->has_seed ? opts->seed : scn->seed;
	r.s = out->sim = sim_create(out->seed);
	TSM_BUG_ON(!r.s);
	sim_set_limits(r.s, scn->max_cycles, scn->max_events);
	init_steps(&r);
	r.w = world_create(scn, arch, r.s, &err);
	if (!r.w) {
		out->error = err ? err : xstrdup("cannot build the platform");
		return -1;
	}
	r.q = sim_seq_create(r.s, step_done, NULL, &r);
	r.prev = sim_seq_create(r.s, step_done, NULL, &r);
	world_start_traffic(r.w);
	run_next_step(&r);
	out->status = sim_run_until(r.s, SIM_CYCLES_MAX);
	out->cycles = sim_now(r.s);
	out->events = sim_events_fired(r.s);
	if (!r.failed_internal) {
		sim_checkers_finish(r.s);
		evaluate(&r);
	}
	sim_seq_destroy(r.q);
	sim_seq_destroy(r.prev);
	world_destroy(r.w);
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
	free(r->error);
	free(r->scn_error);
	sim_destroy(r->sim);
	memset(r, 0, sizeof(*r));
}
