// SPDX-License-Identifier: MIT
/* check_sim.c - the engine: ordering, cancel, watchdog, RNG, findings, seq. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

struct log {
	char buf[256];
	size_t n;
};

static void log_ev(struct sim *s, void *subject, void *object)
{
	struct log *l = subject;

	l->buf[l->n++] = (char)(uintptr_t)object;
	l->buf[l->n] = 0;
}

START_TEST(events_fire_in_cycle_prio_seq_order)
{
	struct sim *s = sim_create(1);
	struct log l = { .n = 0 };

	sim_event_schedule(s, 10, SIM_PRIO_ACCESS, log_ev, &l, (void *)'d');
	sim_event_schedule(s, 10, SIM_PRIO_STATE, log_ev, &l, (void *)'b');
	sim_event_schedule(s, 5, SIM_PRIO_LATE, log_ev, &l, (void *)'a');
	sim_event_schedule(s, 10, SIM_PRIO_STATE, log_ev, &l, (void *)'c');
	sim_event_schedule(s, 11, SIM_PRIO_STATE, log_ev, &l, (void *)'e');
	ck_assert_int_eq(sim_run_until(s, SIM_CYCLES_MAX), SIM_RUN_IDLE);
	ck_assert_str_eq(l.buf, "abcde");
	ck_assert_uint_eq(sim_now(s), 11);
	ck_assert_uint_eq(sim_events_fired(s), 5);
	sim_destroy(s);
}
END_TEST

START_TEST(cancel_removes_only_that_event)
{
	struct sim *s = sim_create(1);
	struct log l = { .n = 0 };
	uint64_t h1, h2, h3;

	h1 = sim_event_schedule(s, 3, 0, log_ev, &l, (void *)'x');
	h2 = sim_event_schedule(s, 2, 0, log_ev, &l, (void *)'y');
	h3 = sim_event_schedule(s, 1, 0, log_ev, &l, (void *)'z');
	ck_assert(sim_event_pending(s, h2));
	ck_assert(sim_event_cancel(s, h2));
	ck_assert(!sim_event_cancel(s, h2));
	ck_assert(!sim_event_pending(s, h2));
	ck_assert_uint_eq(sim_events_queued(s), 2);
	sim_run_until(s, SIM_CYCLES_MAX);
	ck_assert_str_eq(l.buf, "zx");
	/* a fired event's handle is dead even though its slot is reused */
	ck_assert(!sim_event_cancel(s, h1));
	h2 = sim_event_schedule(s, 9, 0, log_ev, &l, (void *)'w');
	ck_assert(!sim_event_pending(s, h3));
	ck_assert(sim_event_pending(s, h2));
	ck_assert(!sim_event_cancel(s, 0));
	sim_destroy(s);
}
END_TEST

START_TEST(cancel_many_keeps_heap_order)
{
	struct sim *s = sim_create(1);
	uint64_t h[200];
	struct log l = { .n = 0 };
	struct sim_rng r;

	sim_rng_init(&r, 7, 0);
	for (int i = 0; i < 200; i++)
		h[i] = sim_event_schedule(s, sim_rng_next(&r) % 1000, 0,
					  log_ev, &l, (void *)'.');
	for (int i = 0; i < 200; i += 3)
		ck_assert(sim_event_cancel(s, h[i]));
	ck_assert_uint_eq(sim_events_queued(s), 200 - 67);
	sim_cycles_t last = 0;
	while (sim_events_queued(s)) {
		l.n = 0;
		sim_run_until(s, sim_now(s));	/* fires everything at now */
		if (!sim_events_queued(s))
			break;
		/* step to the next cycle that has events */
		sim_cycles_t before = sim_now(s);
		sim_run_until(s, before + 1);
		ck_assert_uint_ge(sim_now(s), last);
		last = sim_now(s);
	}
	ck_assert_uint_eq(sim_events_fired(s), 133);
	sim_destroy(s);
}
END_TEST

static void resched(struct sim *s, void *subject, void *object)
{
	sim_event_schedule(s, sim_now(s) + 10, 0, resched, subject, object);
}

START_TEST(watchdog_max_cycles_and_events)
{
	struct sim *s = sim_create(1);

	sim_set_limits(s, 95, 0);
	sim_event_schedule(s, 0, 0, resched, NULL, NULL);
	ck_assert_int_eq(sim_run_until(s, SIM_CYCLES_MAX), SIM_RUN_WATCHDOG);
	ck_assert_uint_eq(sim_now(s), 95);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	ck_assert_int_eq(sim_finding_at(s, 0)->kind, SIM_FIND_WATCHDOG);
	ck_assert_ptr_nonnull(strstr(sim_finding_at(s, 0)->explain, "max_cycles"));
	sim_destroy(s);

	s = sim_create(1);
	sim_set_limits(s, 0, 7);
	sim_event_schedule(s, 0, 0, resched, NULL, NULL);
	ck_assert_int_eq(sim_run_until(s, SIM_CYCLES_MAX), SIM_RUN_WATCHDOG);
	ck_assert_uint_eq(sim_events_fired(s), 7);
	ck_assert_ptr_nonnull(strstr(sim_finding_at(s, 0)->explain, "max_events"));
	sim_destroy(s);
}
END_TEST

START_TEST(run_until_limit_and_stop)
{
	struct sim *s = sim_create(1);

	sim_event_schedule(s, 0, 0, resched, NULL, NULL);
	ck_assert_int_eq(sim_run_until(s, 35), SIM_RUN_LIMIT);
	ck_assert_uint_eq(sim_now(s), 35);
	ck_assert_uint_eq(sim_events_fired(s), 4);
	ck_assert_str_eq(sim_run_status_name(SIM_RUN_LIMIT), "limit");
	sim_destroy(s);
}
END_TEST

/* Vigna's xorshift64* from state 1 (values computed independently). */
START_TEST(rng_matches_published_xorshift64star)
{
	struct sim_rng r;

	sim_rng_init(&r, 1, 0);
	ck_assert_uint_eq(sim_rng_next(&r), 0x47e4ce4b896cdd1dULL);
	ck_assert_uint_eq(sim_rng_next(&r), 0xabcfa6a8e079651dULL);
	ck_assert_uint_eq(sim_rng_next(&r), 0xb9d10d8feb731f57ULL);
	/* splitmix64 reference output for state 0 */
	ck_assert_uint_eq(sim_splitmix64(0), 0xe220a8397b1dcdafULL);
	/* stream i > 0 starts at splitmix64(seed + i) */
	sim_rng_init(&r, 1, 1);
	ck_assert_uint_eq(r.state, 0x975835de1c9756ceULL);
	sim_rng_init(&r, 0, 0);
	ck_assert_uint_ne(r.state, 0);
}
END_TEST

START_TEST(findings_fold_episodes)
{
	struct sim *s = sim_create(1);
	struct sim_step_ref ref = { 3, 42, "bind", "tsm.bind" };
	struct sim_finding *f;

	sim_set_step(s, &ref);
	f = sim_finding_add(s, SIM_FIND_ACCESS_ERROR, 7, "x %d", 1);
	ck_assert_uint_eq(f->line, 42);
	ck_assert_str_eq(f->label, "bind");
	ck_assert_str_eq(f->explain, "x 1");
	sim_event_schedule(s, 100, 0, resched, NULL, NULL);
	sim_run_until(s, 100);
	f = sim_finding_add(s, SIM_FIND_ACCESS_ERROR, 7, "ignored");
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 0);
	ck_assert_uint_eq(f->last, 100);
	sim_finding_close(s, SIM_FIND_ACCESS_ERROR, 7);
	sim_finding_add(s, SIM_FIND_ACCESS_ERROR, 7, "again");
	sim_finding_add(s, SIM_FIND_ACCESS_ERROR, 8, "other key");
	ck_assert_uint_eq(sim_findings_count(s), 3);
	ck_assert_str_eq(sim_finding_name(SIM_FIND_LATENT_MCE), "latent-mce");
	ck_assert_int_eq(sim_finding_parse("use-after-revoke"), SIM_FIND_USE_AFTER_REVOKE);
	ck_assert_int_eq(sim_finding_parse("nope"), -1);
	ck_assert_int_eq(sim_result_parse("host-fault"), SIM_RES_HOST_FAULT);
	ck_assert_int_eq(sim_result_parse("completed"), -1);
	sim_destroy(s);
}
END_TEST

struct tap {
	int n;
	sim_cycles_t cycle;
	int step;
};

static void tap_fn(void *ctx, const struct sim_rec *rec)
{
	struct tap *t = ctx;

	t->n++;
	t->cycle = rec->cycle;
	t->step = rec->step.index;
}


START_TEST(trace_delivers_by_mask)
{
	struct sim *s = sim_create(1);
	struct tap t = { 0, 0, 0 };
	struct sim_rec rec = { .type = SIM_REC_ACCESS };

	ck_assert(!sim_trace_wanted(s, SIM_REC_ACCESS));
	sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_ACCESS), tap_fn, &t);
	ck_assert(sim_trace_wanted(s, SIM_REC_ACCESS));
	ck_assert(!sim_trace_wanted(s, SIM_REC_MAP));
	sim_trace_emit(s, &rec);
	rec.type = SIM_REC_MAP;
	sim_trace_emit(s, &rec);
	ck_assert_int_eq(t.n, 1);
	ck_assert_int_eq(t.step, -1);
	sim_trace_note(s, "not delivered %d", 1);
	ck_assert_int_eq(t.n, 1);
	ck_assert_str_eq(sim_rec_type_name(SIM_REC_TDI_STATE), "tdi-state");
	ck_assert_str_eq(sim_map_kind_name(SIM_MAP_S2_SHARED), "shared stage-2");
	ck_assert_str_eq(sim_initiator_name(SIM_INIT_DEVICE), "device");
	sim_destroy(s);
}
END_TEST

static void chk_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	(*(int *)ctx)++;
}

static void chk_fin(struct sim *s, void *ctx)
{
	(*(int *)ctx) += 100;
}

static const struct sim_checker_ops chk_ops = {
	.name = "test",
	.mask = SIM_REC_BIT(SIM_REC_NOTE),
	.on_rec = chk_rec,
	.finish = chk_fin,
};

START_TEST(checkers_see_records_and_finish_once)
{
	struct sim *s = sim_create(1);
	int n = 0;

	sim_checker_register(s, &chk_ops, &n);
	sim_trace_note(s, "hello %s", "world");
	sim_trace_note(s, "again");
	sim_checkers_finish(s);
	sim_checkers_finish(s);
	ck_assert_int_eq(n, 102);
	sim_destroy(s);
}
END_TEST

/* Per-type delivery keeps subscription order across sinks and checkers. */
struct order {
	struct sim *s;
	char log[64];
	size_t n;
	bool subscribed;
};

static void order_note(struct order *o, char c)
{
	if (o->n + 1 < sizeof(o->log))
		o->log[o->n++] = c;
}

static void order_a(void *ctx, const struct sim_rec *rec)
{
	order_note(ctx, 'a');
}

static void order_c(void *ctx, const struct sim_rec *rec)
{
	order_note(ctx, 'c');
}

static void order_late(void *ctx, const struct sim_rec *rec)
{
	order_note(ctx, 'l');
}

/* The checker subscribes a sink while a record is delivered. */
static void order_b(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	struct order *o = ctx;

	order_note(o, 'b');
	if (!o->subscribed) {
		o->subscribed = true;
		sim_trace_subscribe(s, SIM_REC_ALL, order_late, o);
	}
}

static const struct sim_checker_ops order_ops = {
	.name = "order", .mask = SIM_REC_BIT(SIM_REC_ACCESS), .on_rec = order_b,
};

START_TEST(trace_order_per_type)
{
	struct sim *s = sim_create(1);
	struct order o = { .s = s };
	struct sim_rec acc = { .type = SIM_REC_ACCESS };
	struct sim_rec map = { .type = SIM_REC_MAP };

	sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_ACCESS) |
			    SIM_REC_BIT(SIM_REC_MAP), order_a, &o);
	sim_checker_register(s, &order_ops, &o);
	sim_trace_subscribe(s, SIM_REC_ALL, order_c, &o);
	sim_trace_emit(s, &acc);	/* l waits for the next record */
	sim_trace_emit(s, &map);
	sim_trace_emit(s, &acc);
	o.log[o.n] = 0;
	ck_assert_str_eq(o.log, "abc" "acl" "abcl");
	/* a sink among the subscribers: a repeat must be published */
	ck_assert(!sim_trace_again_quiet(s, &acc));
	sim_destroy(s);
}
END_TEST

START_TEST(stats_are_sorted_and_stable)
{
	struct sim *s = sim_create(1);
	uint64_t *b = sim_stat(s, "b.count");
	uint64_t *a = sim_stat(s, "a.count");
	const char *name;
	uint64_t v;

	*b += 2;
	*a += 1;
	ck_assert_ptr_eq(sim_stat(s, "b.count"), b);
	ck_assert_uint_eq(sim_stats_count(s), 2);
	sim_stat_at(s, 0, &name, &v);
	ck_assert_str_eq(name, "a.count");
	ck_assert_uint_eq(v, 1);
	sim_stat_at(s, 1, &name, &v);
	ck_assert_str_eq(name, "b.count");
	ck_assert_uint_eq(v, 2);
	sim_destroy(s);
}
END_TEST

/* ---------------------------------------------------------------- seq */

struct seqlog {
	char buf[64];
	size_t n;
	sim_cycles_t at[16];
	const char *result;
	int done;
	unsigned int hooks;
	struct sim_seq *q;
};

static const char *op_log(struct sim *s, void *ctx, uint64_t arg)
{
	struct seqlog *l = ctx;

	l->at[l->n] = sim_now(s);
	l->buf[l->n++] = (char)arg;
	if (arg == 'F')
		return "EFAIL";
	if (arg == 'W')
		return SIM_SEQ_WAIT;
	if (arg == 'N')
		sim_seq_next(l->q, 5, "inserted", op_log, l, 'i');
	return NULL;
}

static void seq_done(struct sim *s, void *ctx, const char *result)
{
	struct seqlog *l = ctx;

	l->done++;
	l->result = result;
}

static void seq_hook(struct sim *s, void *ctx, unsigned int k)
{
	((struct seqlog *)ctx)->hooks = k;
}

START_TEST(seq_runs_subops_at_completion_cycles)
{
	struct sim *s = sim_create(1);
	struct seqlog l = { .n = 0 };

	l.q = sim_seq_create(s, seq_done, seq_hook, &l);
	sim_seq_add(l.q, 10, "a", op_log, &l, 'a');
	sim_seq_add(l.q, 0, "n", op_log, &l, 'N');
	sim_seq_add(l.q, 20, "b", op_log, &l, 'b');
	sim_seq_start(l.q);
	ck_assert(sim_seq_running(l.q));
	sim_run_until(s, SIM_CYCLES_MAX);
	ck_assert_str_eq(l.buf, "aNib");
	ck_assert_uint_eq(l.at[0], 10);
	ck_assert_uint_eq(l.at[1], 10);
	ck_assert_uint_eq(l.at[2], 15);
	ck_assert_uint_eq(l.at[3], 35);
	ck_assert_int_eq(l.done, 1);
	ck_assert_ptr_null(l.result);
	ck_assert_uint_eq(l.hooks, 4);
	ck_assert_uint_eq(sim_seq_completed(l.q), 4);

	/* an error ends the sequence; later sub-ops do not run */
	l.n = 0;
	sim_seq_add(l.q, 1, "f", op_log, &l, 'F');
	sim_seq_add(l.q, 1, "x", op_log, &l, 'x');
	sim_seq_start(l.q);
	sim_run_until(s, SIM_CYCLES_MAX);
	ck_assert_str_eq(l.result, "EFAIL");
	ck_assert_uint_eq(l.n, 1);
	sim_seq_destroy(l.q);
	sim_destroy(s);
}
END_TEST

START_TEST(seq_waits_for_resume)
{
	struct sim *s = sim_create(1);
	struct seqlog l = { .n = 0 };
	uint64_t v;

	l.q = sim_seq_create(s, seq_done, NULL, &l);
	sim_seq_add(l.q, 3, "w", op_log, &l, 'W');
	sim_seq_add(l.q, 4, "c", op_log, &l, 'c');
	sim_seq_start(l.q);
	sim_seq_report(l.q, "handled", 1);
	sim_seq_report(l.q, "handled", 2);
	ck_assert(sim_seq_reported(l.q, "handled", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert(!sim_seq_reported(l.q, "unmapped", &v));
	ck_assert_uint_eq(sim_seq_nreports(l.q), 1);
	sim_run_until(s, SIM_CYCLES_MAX);
	ck_assert(sim_seq_waiting(l.q));
	ck_assert_int_eq(l.done, 0);
	sim_event_schedule(s, 50, 0, resched, NULL, NULL);
	sim_run_until(s, 50);
	sim_seq_resume(l.q, NULL);
	sim_set_limits(s, 60, 0);
	sim_run_until(s, SIM_CYCLES_MAX);
	ck_assert_str_eq(l.buf, "Wc");
	ck_assert_uint_eq(l.at[1], 54);
	ck_assert_int_eq(l.done, 1);
	sim_seq_destroy(l.q);
	sim_destroy(s);
}
END_TEST

/* Issue 16: sums near 2^64 saturate instead of wrapping into the past. */
START_TEST(cycle_sums_saturate)
{
	struct sim *s = sim_create(1);
	struct log l = { .n = 0 };

	ck_assert_uint_eq(sim_cycles_add(SIM_CYCLES_MAX - 1, 5), SIM_CYCLES_MAX);
	ck_assert_uint_eq(sim_cycles_add(3, 4), 7);
	ck_assert_uint_eq(sim_cycles_mul(1ULL << 40, 1ULL << 30), SIM_CYCLES_MAX);
	ck_assert_uint_eq(sim_cycles_mul(1ULL << 40, 4), 1ULL << 42);
	/* an event at the saturated cycle is past any max_cycles: watchdog */
	sim_event_schedule(s, 10, 0, log_ev, &l, (void *)'a');
	sim_event_schedule(s, sim_cycles_add(10, SIM_CYCLES_MAX), 0, log_ev, &l,
			   (void *)'b');
	sim_set_limits(s, 1ULL << 63, 0);
	ck_assert_int_eq(sim_run_until(s, SIM_CYCLES_MAX), SIM_RUN_WATCHDOG);
	ck_assert_str_eq(l.buf, "a");
	ck_assert_uint_eq(sim_event_next_at(s), SIM_CYCLES_MAX);
	sim_destroy(s);
}
END_TEST

/* A TSM_BUG_ON is the contract's internal error: exit 70, never abort(). */
START_TEST(bug_on_exits_70)
{
	int st = 0;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		TSM_BUG_ON(pid == 0);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 70);
}
END_TEST

START_TEST(input_files_and_lines)
{
	char dir[] = "/tmp/tsmsim-ckXXXXXX", path[64], *buf = NULL;
	size_t cap = 0;
	unsigned int line, col;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	errno = 0;
	ck_assert_ptr_null(sim_fopen_regular(dir));
	ck_assert_int_eq(errno, EISDIR);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(sim_fopen_regular(path));	/* does not block */
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(sim_open_strerror(EINVAL),
			 "not a regular file (a FIFO, device or socket)");
	unlink(path);
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	fputs("ab\n0123456789\nlast", f);
	fclose(f);
	f = sim_fopen_regular(path);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 8), 3);
	ck_assert_str_eq(buf, "ab\n");
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 8), -E2BIG);
	fclose(f);
	f = sim_fopen_regular(path);
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 64), 3);
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 64), 11);
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 64), 4);
	ck_assert_str_eq(buf, "last");
	ck_assert_int_eq(sim_read_line(f, &buf, &cap, 64), 0);
	fclose(f);
	free(buf);
	unlink(path);
	rmdir(dir);
	sim_text_pos("ab\n\xc3\xa9x\xff", 8, 6, &line, &col);
	ck_assert_uint_eq(line, 2);
	ck_assert_uint_eq(col, 3);	/* é is one column */
}
END_TEST

/* A chain of events 4 cycles apart that runs ahead where it may. */
struct chain {
	struct log *l;
	int left;
	bool stop_at_3;
	int ahead;	/* steps done by run-ahead */
};

static void chain_ev(struct sim *s, void *subject, void *object)
{
	struct chain *c = subject;

	for (;;) {
		c->l->buf[c->l->n++] = (char)('0' + c->left);
		c->l->buf[c->l->n] = 0;
		if (c->stop_at_3 && c->left == 3)
			sim_stop(s);
		if (!--c->left)
			return;
		if (!sim_runahead(s, sim_now(s) + 4, SIM_PRIO_ACCESS)) {
			sim_event_schedule(s, sim_now(s) + 4, SIM_PRIO_ACCESS,
					   chain_ev, c, NULL);
			return;
		}
		c->ahead++;
	}
}

/* The chain interleaved with fixed events: the same order either way. */
static void run_chain(bool ahead, sim_cycles_t max_cycles, uint64_t max_ev,
		      bool stop_at_3, char *out, uint64_t *fired,
		      sim_cycles_t *now, int *ahead_steps)
{
	struct sim *s = sim_create(1);
	struct log l = { .n = 0 };
	struct chain c = { &l, 9, stop_at_3, 0 };

	sim_set_runahead(s, ahead);
	sim_set_limits(s, max_cycles, max_ev);
	sim_event_schedule(s, 0, SIM_PRIO_ACCESS, chain_ev, &c, NULL);
	/* at 8 a STATE event goes before the chain's ACCESS one, a LATE one after */
	sim_event_schedule(s, 8, SIM_PRIO_STATE, log_ev, &l, (void *)'s');
	sim_event_schedule(s, 16, SIM_PRIO_LATE, log_ev, &l, (void *)'L');
	sim_event_schedule(s, 21, SIM_PRIO_ACCESS, log_ev, &l, (void *)'a');
	while (sim_run_until(s, 30) == SIM_RUN_STOPPED)
		;
	sim_run_until(s, SIM_CYCLES_MAX);
	strcpy(out, l.buf);
	*fired = sim_events_fired(s);
	*now = sim_now(s);
	*ahead_steps = c.ahead;
	sim_destroy(s);
}

START_TEST(runahead_is_exact)
{
	static const struct { sim_cycles_t mc; uint64_t me; bool stop; } v[] = {
		{ 0, 0, false }, { 0, 0, true }, { 17, 0, false },
		{ 0, 6, false }, { 40, 9, true },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char a[256], b[256];
		uint64_t fa, fb;
		sim_cycles_t na, nb;
		int aa, ab;

		run_chain(true, v[i].mc, v[i].me, v[i].stop, a, &fa, &na, &aa);
		run_chain(false, v[i].mc, v[i].me, v[i].stop, b, &fb, &nb, &ab);
		ck_assert_int_eq(ab, 0);
		ck_assert_str_eq(a, b);
		ck_assert_uint_eq(fa, fb);
		ck_assert_uint_eq(na, nb);
	}
}
END_TEST

START_TEST(runahead_refuses_what_would_not_fire_next)
{
	struct sim *s = sim_create(1);
	struct log l = { .n = 0 };
	char a[256];
	uint64_t f;
	sim_cycles_t n;
	int ahead;

	/* outside any run (limit 0) nothing runs ahead of cycle 0 */
	ck_assert(!sim_runahead(s, 1, SIM_PRIO_ACCESS));
	sim_event_schedule(s, 10, SIM_PRIO_ACCESS, log_ev, &l, (void *)'x');
	sim_run_until(s, 5);
	ck_assert_uint_eq(sim_now(s), 5);
	sim_destroy(s);
	/* the chain in the interleaving above, with its known order */
	run_chain(true, 0, 0, false, a, &f, &n, &ahead);
	ck_assert_str_eq(a, "98s765L4a321");
	/*
	 * Ahead: 8@4, 6@12, 5@16 (L at 16 is LATE, after it), 2@28.  Queued:
	 * 7@8 (the STATE event goes first), 4@20 (L@16 is still due), 3@24
	 * ('a'@21), 1@32 (past the run's limit 30).
	 */
	ck_assert_int_eq(ahead, 4);
	ck_assert_uint_eq(f, 12);
	ck_assert_uint_eq(n, 32);
}
END_TEST

static void span_probe(struct sim *s, void *subject, void *object)
{
	sim_cycles_t *out = subject;
	uint64_t left;

	out[0] = sim_runahead_span(s, SIM_PRIO_ACCESS, &out[1], &left);
	out[2] = left;
	if (out[0] && out[1] > sim_now(s)) {
		sim_runahead_commit(s, out[1], 3);
		out[3] = sim_now(s);
	}
}

START_TEST(runahead_span_matches_runahead)
{
	static const struct {
		int prio; sim_cycles_t limit; uint64_t max_ev;
		bool ok; sim_cycles_t last; uint64_t left;
	} v[] = {
		/* a STATE event at 8 goes first at 8: up to 7 */
		{ SIM_PRIO_STATE, SIM_CYCLES_MAX, 0, true, 7, UINT64_MAX },
		/* a LATE one at 8 goes after an ACCESS one at 8 */
		{ SIM_PRIO_LATE, SIM_CYCLES_MAX, 0, true, 8, UINT64_MAX },
		{ SIM_PRIO_LATE, 5, 0, true, 5, UINT64_MAX },
		/* one event fired of 4: 3 left */
		{ SIM_PRIO_LATE, SIM_CYCLES_MAX, 4, true, 8, 3 },
		{ SIM_PRIO_LATE, SIM_CYCLES_MAX, 1, false, 8, 0 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sim *s = sim_create(1);
		sim_cycles_t out[4] = { 0 };
		uint64_t fired;

		sim_set_limits(s, 0, v[i].max_ev);
		sim_event_schedule(s, 2, SIM_PRIO_ACCESS, span_probe, out, NULL);
		sim_event_schedule(s, 8, v[i].prio, log_ev, &(struct log){ .n = 0 },
				   (void *)'x');
		sim_run_until(s, v[i].limit);
		ck_assert_uint_eq(out[0], v[i].ok);
		if (v[i].ok) {
			ck_assert_uint_eq(out[1], v[i].last);
			ck_assert_uint_eq(out[2], v[i].left);
			/* commit: the clock at the last virtual event, 3 more fired */
			ck_assert_uint_eq(out[3], v[i].last);
		}
		fired = sim_events_fired(s);
		ck_assert_uint_ge(fired, 1);
		sim_destroy(s);
	}
}
END_TEST

/* A span ends where sim_run_until() looks at --timeout's clock. */
START_TEST(runahead_span_stops_for_the_wall_clock)
{
	struct sim *s = sim_create(1);
	sim_cycles_t out[4] = { 0 };

	sim_set_wall_timeout(s, 60000);
	sim_event_schedule(s, 2, SIM_PRIO_ACCESS, span_probe, out, NULL);
	sim_run_until(s, 100);
	ck_assert_uint_eq(out[0], true);
	/* the first event set the next look at 1024 fired, this one is 1 */
	ck_assert_uint_eq(out[2], 1023);
	sim_destroy(s);
}
END_TEST

Suite *sim_suite(void)
{
	Suite *su = suite_create("sim");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, events_fire_in_cycle_prio_seq_order);
	tcase_add_test(tc, cancel_removes_only_that_event);
	tcase_add_test(tc, cancel_many_keeps_heap_order);
	tcase_add_test(tc, watchdog_max_cycles_and_events);
	tcase_add_test(tc, run_until_limit_and_stop);
	tcase_add_test(tc, rng_matches_published_xorshift64star);
	tcase_add_test(tc, findings_fold_episodes);
	tcase_add_test(tc, trace_delivers_by_mask);
	tcase_add_test(tc, checkers_see_records_and_finish_once);
	tcase_add_test(tc, trace_order_per_type);
	tcase_add_test(tc, stats_are_sorted_and_stable);
	tcase_add_test(tc, seq_runs_subops_at_completion_cycles);
	tcase_add_test(tc, seq_waits_for_resume);
	tcase_add_test(tc, cycle_sums_saturate);
	tcase_add_test(tc, bug_on_exits_70);
	tcase_add_test(tc, input_files_and_lines);
	tcase_add_test(tc, runahead_is_exact);
	tcase_add_test(tc, runahead_span_matches_runahead);
	tcase_add_test(tc, runahead_span_stops_for_the_wall_clock);
	tcase_add_test(tc, runahead_refuses_what_would_not_fire_next);
	suite_add_tcase(su, tc);
	return su;
}
