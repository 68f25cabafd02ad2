// SPDX-License-Identifier: MIT
/* progress.c - the stderr progress line (see out.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "out.h"

struct progress {
	uint64_t start, last, every;
	bool shown;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct progress *progress_start(void)
{
	const char *env = getenv("TSMSIM_PROGRESS_MS");
	struct progress *p;

	if (!isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;	/* no progress line is no loss */
	p->every = env && *env ? strtoull(env, NULL, 10) : 500;
	p->start = mono_ms();
	/* the first line after a second or so: quick runs stay quiet */
	p->last = p->start + (p->every ? 500 : 0);
	return p;
}

bool progress_due(struct progress *p)
{
	return p && mono_ms() >= p->last + p->every;
}

uint64_t progress_elapsed_ms(const struct progress *p)
{
	return p ? mono_ms() - p->start : 0;
}

void progress_show(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!progress_due(p))
		return;
	p->last = mono_ms();
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	p->shown = true;
}

void progress_end(struct progress *p)
{
	if (p && p->shown)
		fputs("\r\033[K", stderr);
	free(p);
}

static void on_rec(void *ctx, const struct sim_rec *rec)
{
	struct progress_run *pr = ctx;
	uint64_t ns;

	pr->accesses += rec->type == SIM_REC_ACCESS;
	pr->steps += rec->type == SIM_REC_STEP_END;
	/* a clock read every 1024 records keeps the hot path cheap */
	if (++pr->recs % 1024 && rec->type != SIM_REC_STEP_END)
		return;
	ns = out_ns(rec->cycle, pr->mhz);
	progress_show(pr->p, "tsmsim: %s: cycle %" PRIu64 " (%" PRIu64 ".%03" PRIu64
		      " ms simulated), %" PRIu64 " accesses, step %zu/%zu, %" PRIu64 " s",
		      pr->what, rec->cycle, ns / 1000000, ns / 1000 % 1000,
		      pr->accesses, pr->steps, pr->nsteps,
		      progress_elapsed_ms(pr->p) / 1000);
}

int progress_run_attach(struct sim *s, void *ctx)
{
	struct progress_run *pr = ctx;

	pr->s = s;
	return sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_ACCESS) |
				   SIM_REC_BIT(SIM_REC_STEP_END), on_rec, ctx);
}
