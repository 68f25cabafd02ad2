/* SPDX-License-Identifier: MIT */
/*
 * run.h - the run layer of tools/: run_scenario() builds the world of a loaded
 * scenario on one arch, executes its steps in simulated time and returns
 * what happened (sections run, exec, runstats).  Uses only tools/load.
 */
#ifndef TSMSIM_TOOLS_RUN_H
#define TSMSIM_TOOLS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
#include "sim.h"

/*
 * run: running one scenario on one arch and collecting what the report
 * needs: every step's result against its expect, the findings, the
 * expectations of `expect:` and their verdicts, and the stats.
 */

/**
 * struct run_sink - an observer of one run's trace records (the --trace,
 * --vcd and --html writers record through one).
 * @attach: called once with the run's sim right after it is created, before
 *          the platform is built and before the first event, so it can
 *          sim_trace_subscribe() and see every record.  Returns 0 or
 *          -errno; an error fails the run as an internal error.
 * @ctx:    the sink's state, passed to @attach; owned by the caller.
 */
struct run_sink {
	int (*attach)(struct sim *s, void *ctx);
	void *ctx;
};

struct run_opts {
	uint64_t seed;		/* 0: the scenario's */
	bool has_seed;
	int verbose;		/* -1 quiet, 0 normal, 1 verbose */
	const struct scn_fault *inject;	/* --inject faults, added to the scenario's */
	size_t ninject;
	uint64_t timeout_ms;	/* --timeout: wall clock per run; 0 none */
	const struct run_sink *sinks;	/* attached in order; may be NULL */
	size_t nsinks;
	bool stats;		/* collect latencies, firmware and TDISP counts */
	bool no_checkers;	/* --checkers none: nothing judges the records */
	/*
	 * `tsmsim explore`: called each time the step at position @pos of
	 * the run order is about to be chosen (after the previous step
	 * completed); it may permute @order[@pos..@n-1].  It may fork: the
	 * model's whole state is this process's memory.
	 */
	void (*choose)(void *ctx, size_t pos, size_t *order, size_t n);
	void *choose_ctx;
};

struct run_step {
	int index;
	unsigned int line;
	const char *label;
	const char *op;
	char what[64];		/* "dev0", "vm0 0x80000000", ... */
	sim_cycles_t start, end;
	char result[48];	/* "ok", "EEXIST", "ur", "skipped" */
	char expect[64];	/* printable expect */
	bool ok;		/* result is what the step expected */
	bool late;		/* `at:` was in the past when the step could start */
	unsigned int subops;	/* sub-operations it ran (sweep's during:L#K) */
	char *detail;		/* assert mismatches, notes; may be NULL */
};

struct run_check {
	char what[64];		/* "findings.latent-mce", "state.dev0", "hitless #1" */
	char expected[48];
	char actual[48];
	bool ok;
	char *detail;		/* may be NULL */
	unsigned int line;	/* YAML line of the expectation */
};

struct run_stats;

struct run_result {
	char arch[64];		/* the profile's name: per_arch keys on it */
	uint64_t seed;
	sim_cycles_t cycles;
	uint64_t events;
	enum sim_run_status status;
	struct run_step *steps;
	size_t nsteps;
	struct run_check *checks;
	size_t nchecks;
	struct sim *sim;	/* findings and stats; freed by run_result_fini */
	struct run_stats *stats;	/* with run_opts.stats (below), else NULL */
	bool pass;
	/*
	 * --checkers none: nothing judged the records, so the findings are
	 * the watchdog's only; @unjudged counts the expectations (findings
	 * other than watchdog, hitless windows) left out of @checks for it.
	 */
	bool checkers_off;
	size_t unjudged;
	/*
	 * One per scenario fault (--inject ones last): its point was reached
	 * and it was applied.  A fault whose point never came (a during:#K
	 * past the step's sub-operations, a step that did not run) stays
	 * false and the reports say so.
	 */
	bool *fault_fired;
	size_t nfaults;
	char *error;		/* an internal error (exit 70), else NULL */
	char *scn_error;	/* a scenario error found at run time (exit 65) */
	bool noinput;		/* ... that is a file not readable (exit 66) */
};

/**
 * run_scenario() - build the platform for @arch and run @scn on it.
 * Returns 0 (see @out->pass), or -1 with @out->error set when the run could
 * not be carried out (an op not modelled, a profile that does not load).
 */
int run_scenario(const struct scenario *scn, const char *arch,
		 const struct run_opts *opts, struct run_result *out);
void run_result_fini(struct run_result *r);

/*
 * exec: the world the steps act on, and the table that maps each
 * scenario op onto model calls.
 *
 * struct world owns the models built from `platform:` for one arch.  An
 * op handler reads the step's converted fields, pushes the op's
 * sub-operations onto the step's sequence (sim_seq_add) and returns NULL,
 * or returns a result name at once when the op fails before doing
 * anything (a bad reference at run time, EINVAL).
 */

struct arch_profile;

struct world;

struct exec_ctx {
	struct world *w;
	struct sim *s;
	const struct scenario *scn;
	const struct scn_step *step;
	struct sim_seq *q;
	/* for `assert`: what the previous step reported */
	const struct sim_seq *prev;
	char **detail;		/* an assert writes its mismatches here */
	char **scn_error;	/* a scenario error found only at run time */
};

typedef const char *exec_fn(struct exec_ctx *x);

/*
 * The handler of the row @op (enum scn_op_id) of scn_ops[], or NULL when
 * the op is not modelled yet.
 */
exec_fn *exec_find(int op);

/*
 * Does @result satisfy the step's `expect:` (default ok for operations,
 * completed = ok | retried for accesses)?
 */
bool exec_step_expects(const struct scn_step *st, const char *result);
/* Record a scenario error found at run time ("FILE:LINE:COL: error: ..."). */
void exec_scenario_error(struct exec_ctx *x, const char *msg);

/**
 * world_create() - build the platform of @scn for @arch (a built-in name
 * or a profile file) on @s.  Returns NULL and a message in @err
 * (malloc'ed) when it cannot; *@bad_input tells a bad profile file
 * (WORLD_BAD_INPUT: exit 65, @err holds its FILE:LINE:COL lines) or one
 * that cannot be read (WORLD_NO_INPUT: exit 66) from other failures (0).
 */
enum { WORLD_BAD_INPUT = 1, WORLD_NO_INPUT = 2 };
struct world *world_create(const struct scenario *scn, const char *arch,
			   struct sim *s, char **err, int *bad_input);
void world_destroy(struct world *w);
struct platform *world_platform(const struct world *w);
struct pcie_dev *world_dev(const struct world *w, const char *name);
/* The effective latency table in cycles: the profile's, then `timing:`. */
void world_timing(const struct world *w, uint64_t *t);	/* AT_NR entries */
const struct arch_profile *world_profile(const struct world *w);
/* The arch profile's name ("tdx", or a profile file's `name:`). */
const char *world_arch_name(const struct world *w);
/* TDISP state name of @device's TDI, or NULL when there is no such device. */
const char *world_tdi_state(const struct world *w, const char *device);
/* Start the scenario's traffic streams; returns how many there are. */
void world_start_traffic(struct world *w);
/* The first traffic stream started and not yet stopped, or NULL. */
const struct scn_traffic *world_traffic_running(const struct world *w);
/* A step with @label started / completed (traffic `until:` / `start:`). */
void world_label_event(struct world *w, const char *label, bool completed);

/*
 * runstats: what `run --stats` and `--stats-file` add to the counters
 * (docs/outputs.md): every counter's unit and meaning, access latency
 * distributions per access kind (min / mean / p99 / max, integer
 * arithmetic), firmware calls and TDISP messages counted by name.
 *
 * A struct run_stats is a trace subscriber the runner attaches when
 * run_opts.stats is set (run_result.stats then holds it).
 */

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

#endif /* TSMSIM_TOOLS_RUN_H */
