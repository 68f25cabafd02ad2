/* SPDX-License-Identifier: MIT */
/*
 * workers.h - a pool of worker processes for tasks that must not take the
 * caller down: `tsmsim sweep` runs each point in one, `tsmsim minimize`
 * each candidate scenario.
 *
 * Workers are forked on demand (at most @jobs) and kept: a worker runs one
 * task after another, so the cost of a fork is paid per worker, not per
 * task.  A task that kills its worker (a signal, an exit) or outlives
 * --timeout (the worker is SIGKILLed) is reported as such and the next
 * task gets a fresh worker, so one bad task never spoils another.  Tasks
 * share no state but what the worker inherited at fork time and the
 * payload the parent sends, so a task's output does not depend on which
 * worker ran it.
 *
 * No orphans: each worker asks the kernel for SIGKILL when its parent dies
 * (PR_SET_PDEATHSIG), whatever kills the parent (SIGTERM, SIGINT, SIGKILL),
 * and arms its own wall-clock timer per task (the timeout plus a grace),
 * so --timeout holds even while the parent is stopped.  Workers ignore
 * SIGINT, SIGTERM and SIGHUP: the parent alone decides, and its death
 * takes them along.
 */
#ifndef TSMSIM_TOOLS_WORKERS_H
#define TSMSIM_TOOLS_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum workers_status {
	WORKERS_OK,		/* the task returned rc 0 and its output */
	WORKERS_FAILED,		/* the task returned rc != 0, or its worker exited */
	WORKERS_SIGNALED,	/* its worker died on a signal */
	WORKERS_TIMEOUT,	/* it outlived the timeout; its worker was killed */
};

/**
 * struct workers_end - how a task ended (for the parent's @done).
 * @st:   the status
 * @code: WORKERS_FAILED: the rc or exit status; WORKERS_SIGNALED: the signal
 * @out:  the task's output (WORKERS_OK only, else NULL), NUL-terminated
 * @len:  its length
 */
struct workers_end {
	enum workers_status st;
	int code;
	const char *out;
	size_t len;
};

/**
 * struct workers_ops - what the pool calls.
 * @run:  in a worker: run task @id with @payload (@len bytes, may be 0);
 *        return the output (malloc'd, or NULL when there is none) and set
 *        *@rc (0 ok).  Never returns to the caller's loop otherwise.
 * @next: in the parent: the next task to start, or false when there is
 *        none for now (the pool then waits for the running ones and asks
 *        again; false with nothing running ends workers_run()).  *@payload
 *        is malloc'd or NULL; the pool frees it.
 * @done: in the parent: task @id ended.
 */
struct workers_ops {
	char *(*run)(void *ctx, uint64_t id, const char *payload, size_t len,
		     int *rc);
	bool (*next)(void *ctx, uint64_t *id, char **payload, size_t *len);
	void (*done)(void *ctx, uint64_t id, const struct workers_end *end);
};

/**
 * struct workers_opts - the pool.
 * @jobs:       workers at a time (>= 1)
 * @timeout_ms: wall clock per task (>= 1)
 */
struct workers_opts {
	unsigned int jobs;
	uint64_t timeout_ms;
};

/*
 * Run tasks until @ops->next has none and none is running.  Returns 0, or
 * -errno when a worker could not be started (the running tasks are
 * killed first; their @done is not called).
 */
int workers_run(const struct workers_opts *o, const struct workers_ops *ops,
		void *ctx);

#endif /* TSMSIM_TOOLS_WORKERS_H */
