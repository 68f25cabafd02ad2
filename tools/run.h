/* SPDX-License-Identifier: MIT */
/*
 * run.h - running one scenario on one arch and collecting what the report
 * needs: every step's result against its expect, the findings, the
 * expectations of `expect:` and their verdicts, and the stats.
 */
#ifndef TSMSIM_TOOLS_RUN_H
#define TSMSIM_TOOLS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "sim.h"

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
	struct run_stats *stats;	/* with run_opts.stats (runstats.h), else NULL */
	bool pass;
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

#endif /* TSMSIM_TOOLS_RUN_H */
