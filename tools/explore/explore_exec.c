// SPDX-License-Identifier: MIT
/*
 * explore_exec.c - the prefix tree of worker processes.
 *
 * Like `tsmsim sweep`, every result comes from a worker process, so a
 * crash or a hang is the result of the orders that process stood for,
 * never the end of the exploration.  Unlike sweep's flat pool, workers
 * form the prefix tree of the orders: a worker stands for a range of
 * rows of the plan (every order below its prefix); when the runner is
 * about to choose the step at a block position (run_opts.choose), a
 * worker whose rows disagree there forks one child per candidate step and
 * waits.  The child continues the very same run with that step placed:
 * the prefix ran once, in the parent.  A leaf writes its result into a
 * slot of memory shared by every process; the parent of a worker that
 * died fills the slots it left empty (crashed, or timeout after the
 * per-worker alarm).
 *
 * --jobs N is a token pipe (as make's jobserver): a worker holds a token
 * while it computes and gives it back when it waits for tokens or
 * children, or exits; a parent gives back the token of a child that died
 * without.
 * The top process is a child subreaper, so it waits for every descendant.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore_internal.h"
#include "run.h"

struct kid {
	pid_t pid;
	size_t lo, hi;
};

struct xp_worker {
	const struct xp_plan *pl;
	const struct xp_opts *o;
	const char *arch;
	struct xp_slot *slots;	/* this arch's row */
	size_t lo, hi;		/* the orders this process stands for */
	size_t *dpos;		/* run position -> block position + 1, 0: none */
	int tok[2];
	const char *test;	/* TSMSIM_EXPLORE_TEST: crash@LABEL or hang@LABEL */
	struct kid *kids;
	size_t nkids;
};

#ifdef TSMSIM_GCOV
void __gcov_dump(void);
#endif

/* A worker ends without exit(): its parent's atexit and stdio are not its. */
static void __attribute__((noreturn)) worker_exit(void)
{
#ifdef TSMSIM_GCOV
	__gcov_dump();		/* make coverage counts the workers too */
#endif
	_exit(0);
}

/* ------------------------------------------------------------ tokens */

static void token_put(struct xp_worker *w)
{
	char c = '+';

	while (write(w->tok[1], &c, 1) < 0 && errno == EINTR)
		;
}

static void fill_dead(struct xp_worker *w, const struct kid *k, int status)
{
	enum xp_status st = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ?
			    XP_TIMEOUT : XP_CRASHED;

	for (size_t i = k->lo; i < k->hi; i++) {
		struct xp_slot *s = &w->slots[i];

		if (s->status != XP_NONE)
			continue;
		memset(s, 0, sizeof(*s));
		s->first_kind = -1;
		if (WIFSIGNALED(status))
			snprintf(s->text, sizeof(s->text), "the worker died of signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(s->text, sizeof(s->text), "the worker exited with status %d",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		s->status = (int)st;
	}
}

/* A child ended: a clean exit gave its token back, anything else did not. */
static void reaped(struct xp_worker *w, pid_t pid, int status)
{
	for (size_t i = 0; i < w->nkids; i++) {
		if (w->kids[i].pid != pid)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fill_dead(w, &w->kids[i], status);
			token_put(w);
		}
		w->kids[i] = w->kids[--w->nkids];
		return;
	}
}

static void reap(struct xp_worker *w, int flags)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, flags)) > 0) {
		reaped(w, pid, status);
		if (flags & WNOHANG)
			continue;
		if (!w->nkids)
			return;
	}
}

static void tick(int sig)
{
	(void)sig;
}

/*
 * A blocking read: Linux wakes one reader of a pipe per write, where
 * poll() would wake every waiting worker on every token (that herd cost
 * more than the runs).  A 50 ms interval timer interrupts the read so a
 * child that died holding a token is reaped and its token given back.
 */
static void token_get(struct xp_worker *w)
{
	struct sigaction sa = { .sa_handler = tick }, old;	/* no SA_RESTART */
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, off = { 0 };
	char c;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	while (read(w->tok[0], &c, 1) != 1)
		reap(w, WNOHANG);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
}

/* ------------------------------------------------------------ leaves */

static void sig_add(struct xp_slot *s, const struct sim_finding *f)
{
	struct xp_sig g = { (int16_t)f->kind, (int16_t)(f->step >= 0 ? f->step : -1) };
	uint32_t i;

	for (i = 0; i < s->nsig; i++) {
		if (s->sig[i].kind == g.kind && s->sig[i].step == g.step)
			return;
		if (s->sig[i].kind > g.kind ||
		    (s->sig[i].kind == g.kind && s->sig[i].step > g.step))
			break;
	}
	if (s->nsig == XP_SIG_MAX)
		return;
	memmove(&s->sig[i + 1], &s->sig[i], (s->nsig - i) * sizeof(g));
	s->sig[i] = g;
	s->nsig++;
}

static void slot_from(struct xp_slot *s, int rc, const struct run_result *r)
{
	const struct sim_finding *first = NULL;

	memset(s, 0, sizeof(*s));
	s->first_kind = -1;
	s->first_step = -1;
	if (rc) {
		snprintf(s->text, sizeof(s->text), "%s", r->scn_error ? r->scn_error :
			 r->error ? r->error : "the run failed");
		s->status = XP_ERROR;
		return;
	}
	s->pass = r->pass;
	s->cycles = r->cycles;
	for (size_t i = 0; i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *f = sim_finding_at(r->sim, i);

		if (f->suppressed)
			continue;
		s->findings[f->kind]++;
		sig_add(s, f);
		if (!first || f->first < first->first)
			first = f;
	}
	if (first) {
		s->first_kind = (int)first->kind;
		s->first_step = first->step;
		s->first_line = first->line;
		s->first_cycle = first->first;
		snprintf(s->text, sizeof(s->text), "%s", first->explain ? first->explain : "");
	}
	s->status = XP_RAN;
}

/* The end of a run: its result is the result of every order it stands for. */
static void leaf(struct xp_worker *w, int rc, const struct run_result *r)
{
	struct xp_slot s;

	slot_from(&s, rc, r);
	for (size_t i = w->lo; i < w->hi; i++) {
		int st = s.status;

		s.status = XP_NONE;
		w->slots[i] = s;
		__atomic_store_n(&w->slots[i].status, st, __ATOMIC_RELEASE);
		s.status = st;
	}
}

/* ------------------------------------------------------------ branches */

/*
 * The test hook of make test (docs/explore.md): a worker that places the
 * step labelled LABEL first in its block dies (crash@LABEL) or never ends
 * (hang@LABEL), so the tests see a crash and a timeout become the results
 * of exactly those orders.
 */
static void test_hook(const struct xp_worker *w, size_t pos, size_t step)
{
	const struct scn_step *st = &w->pl->scn->steps[step];
	const char *at = w->test ? strchr(w->test, '@') : NULL;

	if (!at || !st->label || strcmp(at + 1, st->label) || st->block < 0 ||
	    w->pl->scn->blocks[st->block].first != pos)
		return;
	if (!strncmp(w->test, "crash@", 6))
		abort();
	if (!strncmp(w->test, "hang@", 5))
		for (;;)
			pause();
}

static void place(const struct xp_worker *w, size_t *order, size_t pos,
		  size_t n, size_t step)
{
	test_hook(w, pos, step);
	for (size_t j = pos; j < n; j++)
		if (order[j] == step) {
			order[j] = order[pos];
			order[pos] = step;
			return;
		}
}

static void fork_kid(struct xp_worker *w, size_t a, size_t b, size_t *order,
		     size_t pos, size_t n, size_t d, bool *child)
{
	pid_t pid;

	token_get(w);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		*child = true;
		alarm((unsigned int)w->o->timeout_s);
		w->nkids = 0;
		w->lo = a;
		w->hi = b;
		place(w, order, pos, n, xp_step(w->pl, a, d));
		return;
	}
	if (pid < 0) {
		struct kid k = { -1, a, b };

		fill_dead(w, &k, 1 << 8);
		token_put(w);
		return;
	}
	w->kids[w->nkids++] = (struct kid){ pid, a, b };
}

/*
 * run_opts.choose: place the next block step, forking where rows differ.
 * Children take every candidate but the last, which this process goes
 * on with itself, so every process ends as exactly one leaf.
 */
static void choose(void *ctx, size_t pos, size_t *order, size_t n)
{
	struct xp_worker *w = ctx;
	size_t d = w->dpos[pos], a, b;
	bool child = false;

	if (!d--)
		return;
	if (xp_step(w->pl, w->lo, d) == xp_step(w->pl, w->hi - 1, d)) {
		place(w, order, pos, n, xp_step(w->pl, w->lo, d));
		return;
	}
	alarm(0);
	token_put(w);		/* blocking for tokens computes nothing */
	for (a = w->lo; !child; a = b) {
		for (b = a + 1; b < w->hi && xp_step(w->pl, b, d) == xp_step(w->pl, a, d); b++)
			;
		if (b == w->hi)
			break;
		fork_kid(w, a, b, order, pos, n, d, &child);
	}
	if (child)
		return;
	token_get(w);
	alarm((unsigned int)w->o->timeout_s);
	w->lo = a;
	place(w, order, pos, n, xp_step(w->pl, a, d));
}

/* A worker for one arch: the root of its prefix tree. */
static void root(struct xp_worker *w)
{
	struct run_opts ro = { .verbose = -1, .choose = choose, .choose_ctx = w };
	struct run_result r;
	int rc;

	alarm((unsigned int)w->o->timeout_s);
	rc = run_scenario(w->pl->scn, w->arch, &ro, &r);
	leaf(w, rc, &r);
	alarm(0);
	token_put(w);
	while (w->nkids)	/* the children forked on the way down */
		reap(w, 0);
	worker_exit();
}

static int tokens(struct xp_worker *w, unsigned int jobs)
{
	if (pipe(w->tok))
		return -1;
	for (unsigned int i = 0; i < jobs; i++)
		token_put(w);
	return 0;
}

/* The top process: fork the root worker of arch @a (global slot rows). */
static void spawn_root(struct xp_worker *w, const char *arch, size_t a,
		       struct xp_slot *slots)
{
	size_t n = w->pl->norders;
	struct kid k = { -1, a * n, (a + 1) * n };

	token_get(w);
	fflush(NULL);
	k.pid = fork();
	if (k.pid == 0) {
		w->arch = arch;
		w->slots = slots + a * n;
		w->lo = 0;
		w->hi = n;
		w->nkids = 0;
		root(w);
	}
	if (k.pid > 0) {
		w->kids[w->nkids++] = k;
		return;
	}
	fill_dead(w, &k, 1 << 8);
	token_put(w);
}

int xp_exec(const struct xp_plan *pl, const char *const *arches, size_t narch,
	    const struct xp_opts *o, struct xp_slot *slots)
{
	struct xp_worker w = { .pl = pl, .o = o, .slots = slots };
	size_t n = pl->scn->nsteps;

	if (!pl->norders)
		return 0;
	w.dpos = calloc(n + 1, sizeof(*w.dpos));
	w.kids = calloc(narch + n + 1, sizeof(*w.kids) * 32);
	if (!w.dpos || !w.kids || tokens(&w, o->jobs ? o->jobs : 1)) {
		free(w.dpos);
		free(w.kids);
		return 70;
	}
	for (size_t d = 0; d < pl->npos; d++)
		w.dpos[pl->pos_run[d]] = d + 1;
	w.test = getenv("TSMSIM_EXPLORE_TEST");
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (size_t a = 0; a < narch; a++)
		spawn_root(&w, arches[a], a, slots);
	/* every descendant, orphans included (we are their subreaper) */
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		reaped(&w, pid, status);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	close(w.tok[0]);
	close(w.tok[1]);
	free(w.dpos);
	free(w.kids);
	return 0;
}
