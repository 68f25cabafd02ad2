// SPDX-License-Identifier: MIT
/* sim.c - engine lifetime, step context and small helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_internal.h"

/*
 * Contract section 1: an internal error exits 70.  _Exit, not exit or
 * abort: the state is broken, so no atexit handler (LeakSanitizer's
 * among them) may run and change the status, and no core is dumped on a
 * user's machine.  A fuzzer still sees the exit as a crash.
 */
void sim_bug(const char *file, int line, const char *cond)
{
	fflush(stdout);
	fprintf(stderr, "tsmsim: internal error at %s:%d: %s\n", file, line,
		cond);
	fflush(stderr);
	_Exit(70);
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

FILE *sim_fopen_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	FILE *f;
	int e;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	/* a regular file never blocks; reads need no O_NONBLOCK */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) ||
	    !(f = fdopen(fd, "rb"))) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	return f;
}

const char *sim_open_strerror(int e)
{
	return e == EINVAL ? "not a regular file (a FIFO, device or socket)" :
	       strerror(e);
}

ssize_t sim_read_line(FILE *f, char **buf, size_t *cap, size_t max)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(f)) != EOF) {
		if (n + 2 > *cap) {
			size_t want = *cap ? 2 * *cap : 256;

			*buf = sim_xrealloc(*buf, want, 1);
			*cap = want;
		}
		(*buf)[n++] = (char)c;
		if (c == '\n')
			break;
		if (n >= max)
			return -E2BIG;
	}
	if (ferror(f))
		return -EIO;
	if (n)
		(*buf)[n] = 0;
	return (ssize_t)n;
}

void sim_text_pos(const char *text, size_t len, size_t off,
		  unsigned int *line, unsigned int *col)
{
	*line = *col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
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

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sim_set_wall_timeout(struct sim *s, uint64_t ms)
{
	s->wall_ms = ms;
	s->wall_deadline_ns = ms ? mono_ns() + ms * 1000000ULL : 0;
}

bool sim_wall_expired(const struct sim *s)
{
	return s->wall_deadline_ns && mono_ns() >= s->wall_deadline_ns;
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
