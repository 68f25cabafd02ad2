/* SPDX-License-Identifier: MIT */
/*
 * progress.h - a one-line progress report on stderr for long runs and
 * sweeps, as gem5 and QEMU users expect, shown only when stderr is a
 * terminal (a log file or a pipe gets nothing, so outputs stay
 * byte-identical).  It is redrawn at most every TSMSIM_PROGRESS_MS
 * milliseconds of wall time (default 500; the first after one interval
 * plus half a second, so short runs print nothing) and erased at the end.
 * Every function takes NULL, which is what progress_start() returns when
 * stderr is not a terminal.
 */
#ifndef TSMSIM_TOOLS_PROGRESS_H
#define TSMSIM_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

struct progress;

struct progress *progress_start(void);
/* True when the line is due for a redraw (cheap: one clock read). */
bool progress_due(struct progress *p);
/* Milliseconds since progress_start(). */
uint64_t progress_elapsed_ms(const struct progress *p);
/* Redraw the line with printf-style text (when due, else nothing). */
void progress_show(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Erase the line and free @p. */
void progress_end(struct progress *p);

/*
 * A struct run_sink for one run: counts accesses and steps and shows
 * "WHAT: cycle C (T simulated), N accesses, step K/M, S s".  @ctx is a
 * struct progress_run, owned by the caller.
 */
struct progress_run {
	struct progress *p;
	const char *what;	/* "file.yaml on tdx" */
	size_t nsteps, steps;
	uint64_t accesses, mhz, recs;
	struct sim *s;
};
int progress_run_attach(struct sim *s, void *ctx);

#endif /* TSMSIM_TOOLS_PROGRESS_H */
