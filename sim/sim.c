// SPDX-License-Identifier: MIT
/* sim.c - engine lifetime, step context and small helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

void sim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "tsmsim: internal error at %s:%d: %s\n", file, line,
		cond);
	abort();
}

/* Out of memory is not a modelled condition: treat it as a simulator bug. */
void *sim_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	TSM_BUG_ON(size && n > SIZE_MAX / size);
	q = realloc(p, (n * size) != 0 ? n * size : 1);
	TSM_BUG_ON(!q);
	return q;
}

char *sim_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	TSM_BUG_ON(!d);
	return d;
}

char *sim_xasprintf(const char *fmt, ...)
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

struct sim *sim_create(uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->seed = seed;
	s->step.index = -1;
	return s;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	sim_events_fini(s);
	sim_trace_fini(s);
	sim_findings_fini(s);
	sim_stats_fini(s);
	sim_seq_fini(s);
	free(s);
}

sim_cycles_t sim_now(const struct sim *s)
{
	return s->now;
}

uint64_t sim_seed(const struct sim *s)
{
	return s->seed;
}

void sim_set_step(struct sim *s, const struct sim_step_ref *ref)
{
	if (ref) {
		s->step = *ref;
	} else {
		memset(&s->step, 0, sizeof(s->step));
		s->step.index = -1;
	}
}

const struct sim_step_ref *sim_step(const struct sim *s)
{
	return &s->step;
}

void sim_set_limits(struct sim *s, sim_cycles_t max_cycles, uint64_t max_events)
{
	s->max_cycles = max_cycles;
	s->max_events = max_events;
}

uint64_t sim_splitmix64(uint64_t x)
{
	uint64_t z = x + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void sim_rng_init(struct sim_rng *r, uint64_t seed, unsigned int stream)
{
	r->state = stream ? sim_splitmix64(seed + stream) : seed;
	/* xorshift has the fixed point 0; the loader rejects seed 0 */
	if (!r->state)
		r->state = 0x9E3779B97F4A7C15ULL;
}
