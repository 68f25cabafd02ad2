// SPDX-License-Identifier: MIT
/*
 * workers.c - the worker pool of sweep.h.
 *
 * Protocol, per worker, over two pipes: the parent writes a task (struct
 * task_head, then the payload); the worker answers with struct out_head
 * and the output.  A worker whose task pipe reaches EOF exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "sweep.h"

struct task_head {
	uint64_t id;
	uint64_t len;
};

struct out_head {
	uint64_t len;
	int64_t rc;
};

struct worker {
	pid_t pid;		/* 0: no process in this slot */
	int to, from;		/* task pipe (write end), output pipe (read end) */
	bool busy;
	uint64_t id;		/* the task, when busy */
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
	char *buf;		/* what the worker sent for this task so far */
	size_t len;
};

struct pool {
	const struct workers_opts *o;
	const struct workers_ops *ops;
	void *ctx;
	struct worker *w;
	size_t nw;
	size_t busy;
	bool exhausted;		/* next() said no since the last completion */
	pid_t self;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------- the worker */

static bool xread(int fd, void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, (char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

static bool xwrite(int fd, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

/*
 * The worker's own bound on a task: the parent's timeout plus a grace
 * (a tenth, at least 200 ms), so the parent normally kills first and a
 * stopped or slow parent still cannot leave a task running.  SIGALRM's
 * default action ends the worker.
 */
static void arm(uint64_t timeout_ms)
{
	uint64_t grace = timeout_ms / 10 > 200 ? timeout_ms / 10 : 200;
	uint64_t ms = timeout_ms + grace;
	struct itimerval it = { .it_value = { (time_t)(ms / 1000),
					      (suseconds_t)(ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* The other workers' pipes are not this worker's to hold open. */
static void child_setup(struct pool *pl, const struct worker *me)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != pl->self)	/* the parent died before prctl */
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	for (size_t i = 0; i < pl->nw; i++) {
		const struct worker *w = &pl->w[i];

		if (w == me || !w->pid)
			continue;
		close(w->to);
		close(w->from);
	}
}

static void child(struct pool *pl, struct worker *me, int in, int out)
{
	struct task_head th;

	child_setup(pl, me);
	while (xread(in, &th, sizeof(th))) {
		char *payload = malloc(th.len + 1), *res;
		struct out_head oh = { 0 };
		int rc = 0;

		if (!payload || !xread(in, payload, th.len))
			_exit(70);
		payload[th.len] = 0;
		arm(pl->o->timeout_ms);
		res = pl->ops->run(pl->ctx, th.id, payload, th.len, &rc);
		disarm();
		oh.len = res ? strlen(res) : 0;
		oh.rc = rc;
		if (!xwrite(out, &oh, sizeof(oh)) || !xwrite(out, res ? res : "", oh.len))
			_exit(70);
		free(res);
		free(payload);
	}
	/* _exit: the parent's stdio buffers and atexit handlers are not ours */
	_exit(0);
}

/* ------------------------------------------------------------- the parent */

static int spawn(struct pool *pl, struct worker *w)
{
	int tp[2], op[2];
	pid_t pid;

	if (pipe2(tp, O_CLOEXEC))
		return -errno;
	if (pipe2(op, O_CLOEXEC)) {
		close(tp[0]);
		close(tp[1]);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(tp[0]);
		close(tp[1]);
		close(op[0]);
		close(op[1]);
		return -e;
	}
	if (!pid) {
		close(tp[1]);
		close(op[0]);
		child(pl, w, tp[0], op[1]);
	}
	close(tp[0]);
	close(op[1]);
	*w = (struct worker){ .pid = pid, .to = tp[1], .from = op[0] };
	return 0;
}

/* Reap @w's process (killed first when @kill_it) and free the slot. */
static int bury(struct worker *w, bool kill_it)
{
	int st = 0;

	if (kill_it)
		kill(w->pid, SIGKILL);
	close(w->to);
	close(w->from);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	free(w->buf);
	memset(w, 0, sizeof(*w));
	return st;
}

/* @w's task @id ended: the slot is free for the next one. */
static void finish(struct pool *pl, struct worker *w, uint64_t id,
		   struct workers_end *end)
{
	w->busy = false;
	pl->busy--;
	pl->exhausted = false;
	pl->ops->done(pl->ctx, id, end);
}

/* The worker died or misbehaved during its task. */
static void lost(struct pool *pl, struct worker *w, bool timed_out)
{
	struct workers_end end = { .st = WORKERS_TIMEOUT };
	uint64_t id = w->id;
	int st = bury(w, true);

	if (!timed_out && WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		timed_out = true;	/* the worker's own timer fired */
	if (!timed_out) {
		end.st = WIFSIGNALED(st) ? WORKERS_SIGNALED : WORKERS_FAILED;
		end.code = WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st);
	}
	finish(pl, w, id, &end);
}

static int dispatch(struct pool *pl, struct worker *w, uint64_t id,
		    char *payload, size_t len)
{
	struct task_head th = { id, len };
	int rc = 0;

	if (!w->pid)
		rc = spawn(pl, w);
	if (rc) {
		free(payload);
		return rc;
	}
	w->busy = true;
	w->id = id;
	w->deadline = now_ms() + pl->o->timeout_ms;
	pl->busy++;
	/* a dead worker shows as EPIPE here and as EOF in drain() */
	if (!xwrite(w->to, &th, sizeof(th)) || !xwrite(w->to, payload ? payload : "", len))
		lost(pl, w, false);
	free(payload);
	return 0;
}

static int fill(struct pool *pl)
{
	for (size_t s = 0; s < pl->nw && !pl->exhausted; s++) {
		char *payload = NULL;
		size_t len = 0;
		uint64_t id;
		int rc;

		if (pl->w[s].busy)
			continue;
		if (!pl->ops->next(pl->ctx, &id, &payload, &len)) {
			pl->exhausted = true;
			break;
		}
		rc = dispatch(pl, &pl->w[s], id, payload, len);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whole answer in @w->buf: hand it over. */
static void complete(struct pool *pl, struct worker *w)
{
	struct out_head oh;
	struct workers_end end = { 0 };

	memcpy(&oh, w->buf, sizeof(oh));
	end.st = oh.rc ? WORKERS_FAILED : WORKERS_OK;
	end.code = (int)oh.rc;
	end.out = oh.rc ? NULL : w->buf + sizeof(oh);
	end.len = oh.rc ? 0 : (size_t)oh.len;
	finish(pl, w, w->id, &end);
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

static void drain(struct pool *pl, struct worker *w)
{
	char chunk[65536];
	ssize_t n = read(w->from, chunk, sizeof(chunk));
	struct out_head oh;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		lost(pl, w, false);
		return;
	}
	w->buf = sim_xrealloc(w->buf, w->len + (size_t)n + 1, 1);
	memcpy(w->buf + w->len, chunk, (size_t)n);
	w->len += (size_t)n;
	w->buf[w->len] = 0;
	if (w->len < sizeof(oh))
		return;
	memcpy(&oh, w->buf, sizeof(oh));
	if (w->len == sizeof(oh) + oh.len)
		complete(pl, w);
	else if (w->len > sizeof(oh) + oh.len)
		lost(pl, w, false);	/* more than it announced */
}

static void wait_some(struct pool *pl)
{
	struct pollfd *pfd = calloc(pl->nw, sizeof(*pfd));
	size_t *slot = calloc(pl->nw, sizeof(*slot));
	uint64_t now = now_ms(), first = UINT64_MAX;
	size_t n = 0;

	TSM_BUG_ON(!pfd || !slot);
	for (size_t s = 0; s < pl->nw; s++) {
		if (!pl->w[s].busy)
			continue;
		slot[n] = s;
		pfd[n++] = (struct pollfd){ .fd = pl->w[s].from, .events = POLLIN };
		if (pl->w[s].deadline < first)
			first = pl->w[s].deadline;
	}
	poll(pfd, n, first <= now ? 0 : (int)(first - now > 60000 ? 60000 : first - now));
	now = now_ms();
	for (size_t i = 0; i < n; i++) {
		struct worker *w = &pl->w[slot[i]];

		if (w->busy && pfd[i].revents)
			drain(pl, w);
		if (w->busy && now >= w->deadline)
			lost(pl, w, true);
	}
	free(slot);
	free(pfd);
}

int workers_run(const struct workers_opts *o, const struct workers_ops *ops,
		void *ctx)
{
	struct pool pl = { .o = o, .ops = ops, .ctx = ctx, .nw = o->jobs,
			   .self = getpid() };
	int rc = 0;

	pl.w = calloc(pl.nw, sizeof(*pl.w));
	TSM_BUG_ON(!pl.w);
	/* a worker that died shows as EPIPE on its task pipe, not a signal */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		rc = fill(&pl);
		if (rc || !pl.busy)
			break;
		wait_some(&pl);
	}
	for (size_t s = 0; s < pl.nw; s++)
		if (pl.w[s].pid)
			bury(&pl.w[s], rc != 0 || pl.w[s].busy);
	free(pl.w);
	return rc;
}
