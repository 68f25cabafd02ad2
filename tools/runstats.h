/* SPDX-License-Identifier: MIT */
/*
 * runstats.h - what `run --stats` and `--stats-file` add to the counters
 * (docs/outputs.md): every counter's unit and meaning, access latency
 * distributions per access kind (min / mean / p99 / max, integer
 * arithmetic), firmware calls and TDISP messages counted by name.
 *
 * A struct run_stats is a trace subscriber the runner attaches when
 * run_opts.stats is set (run_result.stats then holds it).
 */
#ifndef TSMSIM_TOOLS_RUNSTATS_H
#define TSMSIM_TOOLS_RUNSTATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"
#include "sim.h"

struct run_stats;

struct run_stats *run_stats_create(void);
void run_stats_destroy(struct run_stats *st);
/* struct run_sink.attach for a struct run_stats @ctx; 0 or -ENOMEM. */
int run_stats_attach(struct sim *s, void *ctx);

/**
 * run_stat_info() - unit and one-line meaning of counter @name ("count",
 * "cycles"...); false for a counter the table does not know (a test
 * keeps the table complete).
 */
bool run_stat_info(const char *name, const char **unit, const char **desc);

/* The --stats block of the text report (80 columns). */
void run_stats_text(FILE *f, const struct run_result *r);
/* The "stats", "latency", "firmware" and "tdisp" members of a JSON run. */
void run_stats_json(FILE *f, const struct run_result *r);
/*
 * --stats-file: "NAME VALUE # DESCRIPTION (UNIT)" lines, gem5 style,
 * NAME prefixed with @prefix (the scenario, with several FILEs) and the
 * arch.
 */
void run_stats_file(FILE *f, const char *prefix, const struct run_result *r);

#endif /* TSMSIM_TOOLS_RUNSTATS_H */
