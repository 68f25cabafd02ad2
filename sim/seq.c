// SPDX-License-Identifier: MIT
/*
 * seq.c - step sequences: one event per sub-operation, fired at its
 * completion cycle with SIM_PRIO_STATE, so a state change lands before any
 * access of the same cycle (docs/scenarios.md).
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

const char sim_seq_wait_tag[] = "wait";

struct subop {
	sim_cycles_t lat;
	const char *name;
	sim_subop_fn *fn;
	void *ctx;
	uint64_t arg;
};

struct seq_report {
	const char *key;
	uint64_t value;
};

struct sim_seq {
	struct sim *s;
	sim_seq_done_fn *done;
	sim_seq_subop_hook *hook;
	void *ctx;
	struct subop *ops;
	size_t head, n, cap;	/* ops[head..n) still to run */
	bool running, waiting;
	unsigned int completed;
	uint64_t ev;		/* pending event handle, 0 when none */
	struct seq_report *reps;
	size_t nreps;
};

struct sim_seq *sim_seq_create(struct sim *s, sim_seq_done_fn *done,
			       sim_seq_subop_hook *hook, void *ctx)
{
	struct sim_seq *q = calloc(1, sizeof(*q));

	TSM_BUG_ON(!q);
	q->s = s;
	q->done = done;
	q->hook = hook;
	q->ctx = ctx;
	return q;
}

void sim_seq_destroy(struct sim_seq *q)
{
	if (!q)
		return;
	if (q->ev)
		sim_event_cancel(q->s, q->ev);
	free(q->ops);
	free(q->reps);
	free(q);
}

static void grow(struct sim_seq *q)
{
	if (q->n < q->cap)
		return;
	q->cap = q->cap ? 2 * q->cap : 8;
	q->ops = sim_xrealloc(q->ops, q->cap, sizeof(*q->ops));
}

void sim_seq_add(struct sim_seq *q, sim_cycles_t lat, const char *name,
		 sim_subop_fn *fn, void *ctx, uint64_t arg)
{
	grow(q);
	q->ops[q->n++] = (struct subop){ lat, name, fn, ctx, arg };
}

void sim_seq_next(struct sim_seq *q, sim_cycles_t lat, const char *name,
		  sim_subop_fn *fn, void *ctx, uint64_t arg)
{
	grow(q);
	memmove(&q->ops[q->head + 1], &q->ops[q->head],
		(q->n - q->head) * sizeof(*q->ops));
	q->ops[q->head] = (struct subop){ lat, name, fn, ctx, arg };
	q->n++;
}

static void seq_finish(struct sim_seq *q, const char *result)
{
	q->running = false;
	q->waiting = false;
	q->head = q->n = 0;
	if (q->done)
		q->done(q->s, q->ctx, result);
}

static void seq_fire(struct sim *s, void *subject, void *object);

static void seq_schedule_next(struct sim_seq *q)
{
	if (q->head == q->n) {
		seq_finish(q, NULL);
		return;
	}
	q->ev = sim_event_schedule(q->s, sim_cycles_add(q->s->now, q->ops[q->head].lat),
				   SIM_PRIO_STATE, seq_fire, q, NULL);
}

void sim_seq_inject_fail(struct sim *s, const char *call, const char *result,
			 unsigned int n)
{
	struct sim_fail *f;

	s->fails = sim_xrealloc(s->fails, s->nfails + 1, sizeof(*s->fails));
	f = &s->fails[s->nfails++];
	f->call = strdup(call);
	f->result = strdup(result);
	TSM_BUG_ON(!f->call || !f->result);
	f->n = n ? n : 1;
}

void sim_seq_fini(struct sim *s)
{
	for (size_t i = 0; i < s->nfails; i++) {
		free(s->fails[i].call);
		free(s->fails[i].result);
	}
	free(s->fails);
}

/* An injected failure for the sub-operation @name, consumed; or NULL. */
static const char *injected(struct sim *s, const char *name)
{
	for (size_t i = 0; name && i < s->nfails; i++) {
		struct sim_fail *f = &s->fails[i];
		size_t len = strlen(f->call);

		if (!f->n || strncmp(name, f->call, len) ||
		    (name[len] && name[len] != ' '))
			continue;
		f->n--;
		if (sim_trace_wanted(s, SIM_REC_FIRMWARE)) {
			struct sim_rec rec = { .type = SIM_REC_FIRMWARE };

			rec.u.fw.call = f->call;
			rec.u.fw.status = f->result;
			sim_trace_emit(s, &rec);
		}
		return f->result;
	}
	return NULL;
}

static void seq_fire(struct sim *s, void *subject, void *object)
{
	struct sim_seq *q = subject;
	struct subop op = q->ops[q->head++];
	const char *res;

	q->ev = 0;
	res = s->nfails ? injected(s, op.name) : NULL;
	if (!res)
		res = op.fn(s, op.ctx, op.arg);
	if (res == SIM_SEQ_WAIT) {
		q->waiting = true;
		return;
	}
	q->completed++;
	if (q->hook)
		q->hook(s, q->ctx, q->completed);
	if (res) {
		seq_finish(q, res);
		return;
	}
	if (q->running)		/* the hook may have cleared the sequence */
		seq_schedule_next(q);
}

void sim_seq_start(struct sim_seq *q)
{
	TSM_BUG_ON(q->running);
	q->running = true;
	q->waiting = false;
	q->completed = 0;
	q->nreps = 0;
	seq_schedule_next(q);
}

void sim_seq_resume(struct sim_seq *q, const char *result)
{
	TSM_BUG_ON(!q->waiting);
	q->waiting = false;
	q->completed++;
	if (q->hook)
		q->hook(q->s, q->ctx, q->completed);
	if (result) {
		seq_finish(q, result);
		return;
	}
	if (q->running)
		seq_schedule_next(q);
}

bool sim_seq_running(const struct sim_seq *q)
{
	return q->running;
}

bool sim_seq_waiting(const struct sim_seq *q)
{
	return q->waiting;
}

unsigned int sim_seq_completed(const struct sim_seq *q)
{
	return q->completed;
}

void sim_seq_clear(struct sim_seq *q)
{
	q->n = q->head;
}

void sim_seq_report(struct sim_seq *q, const char *key, uint64_t value)
{
	for (size_t i = 0; i < q->nreps; i++)
		if (!strcmp(q->reps[i].key, key)) {
			q->reps[i].value = value;
			return;
		}
	q->reps = sim_xrealloc(q->reps, q->nreps + 1, sizeof(*q->reps));
	q->reps[q->nreps++] = (struct seq_report){ key, value };
}

bool sim_seq_reported(const struct sim_seq *q, const char *key, uint64_t *value)
{
	for (size_t i = 0; i < q->nreps; i++)
		if (!strcmp(q->reps[i].key, key)) {
			*value = q->reps[i].value;
			return true;
		}
	return false;
}

size_t sim_seq_nreports(const struct sim_seq *q)
{
	return q->nreps;
}

void sim_seq_report_at(const struct sim_seq *q, size_t i, const char **key,
		       uint64_t *value)
{
	*key = q->reps[i].key;
	*value = q->reps[i].value;
}
