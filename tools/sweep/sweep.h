/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - the sweep layer of tools/: a fault at every point of a scenario, in
 * worker processes, with result lines, resume, merge and the summary
 * (sections sweep, sweep_summary, workers).  Uses tools/load, run, out
 * and cli.
 */
#ifndef TSMSIM_TOOLS_SWEEP_H
#define TSMSIM_TOOLS_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
#include "sim.h"

/*
 * sweep: `tsmsim sweep` and `tsmsim merge` (README.md and docs/scenarios.md).
 *
 * A sweep runs one scenario at many points, a point being (arch, set
 * combination, fault kind with its parameters, fault point).  The point
 * list is enumerated from the scenario and the flags only, never from
 * --jobs or --shard, so every shard numbers the points alike and shards
 * merge into exactly the unsharded result.  Each point runs in a worker
 * process with a timeout; its result is one JSON line of schema
 * "tsmsim-sweep/1" (docs/sweep.md).  Findings are data in a sweep.
 */

#define SWEEP_SCHEMA "tsmsim-sweep/1"
/* A result line is a few hundred bytes; merge and --resume read at most this. */
#define SWEEP_LINE_MAX (1u << 20)
#define SWEEP_MAX_SETS 64
/*
 * Every shard builds the whole plan (a point's index must not depend on
 * the shard count), loading the scenario once per --set combination and
 * keeping about 300 bytes a point: a plan above these caps is refused
 * before it can exhaust memory (docs/sweep.md).  Split such a sweep into
 * several runs over fewer --set values.
 */
#define SWEEP_MAX_COMBOS 10000u
#define SWEEP_MAX_POINTS 1000000u

/**
 * struct sweep_dim - one --set PATH=V1,V2,..
 * @path:    the scenario path
 * @values:  the values, in command-line order
 * @nvalues: 1 for a plain override (applied to every point, not a
 *           coordinate), more for a swept dimension
 */
struct sweep_dim {
	char *path;
	char **values;
	size_t nvalues;
};

/**
 * struct sweep_opts - the sweep command line.
 * @file:       the scenario
 * @arches:     --arch, split on ','; none: the scenario's `arch:`
 * @faults:     --faults LIST; none (or `all`): every kind of the catalog
 * @points:     --points LIST; none (or `all`): every point of every
 *              labelled step (docs/sweep.md)
 * @dims:       the --set options
 * @jobs:       workers at a time (default 1)
 * @shard_k, @shard_n: this shard (1-based K of N); N == 0: no sharding
 * @timeout_ms: per point, wall clock (default 60 s)
 * @out:        results file; NULL: stdout (--summary: the summary's file)
 * @resume:     skip the points already in @out
 * @summary:    --summary: summarise the result files @files, run nothing
 * @files:      --summary: the result files (@file is the first)
 * @format:     --format of the summary (enum sweep_fmt, below)
 */
struct sweep_opts {
	const char *file;
	char *arches[SCN_MAX_ARCHES];
	size_t narches;
	char **faults;
	size_t nfaults;
	char **points;
	size_t npoints;
	struct sweep_dim dims[SWEEP_MAX_SETS];
	size_t ndims;
	unsigned int jobs;
	unsigned int shard_k, shard_n;
	uint64_t timeout_ms;
	const char *out;
	bool resume;
	bool summary;
	const char **files;
	size_t nfiles;
	int format;
};

/*
 * Parse `sweep` arguments (after the word sweep).  Returns 0, CLI_HELP, or
 * CLI_EX_USAGE after saying why on stderr.  Takes K/N from the SLURM
 * array variables when --shard is absent (sweep_shard_env()).  Always call
 * sweep_opts_fini().
 */
int sweep_parse(int argc, char **argv, struct sweep_opts *o);
void sweep_opts_fini(struct sweep_opts *o);

/*
 * Parse "K/N" (1 <= K <= N).  Returns 0 or -EINVAL.
 */
int sweep_parse_shard(const char *text, unsigned int *k, unsigned int *n);
/*
 * K/N from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (either may be
 * NULL): N = the count, K = id mod N + 1, so any N consecutive task ids
 * cover every shard once, whether the array starts at 0 or 1.  Returns
 * 0, or -ENOENT when either is missing, -EINVAL when malformed.
 */
int sweep_shard_env(const char *task_id, const char *task_count,
		    unsigned int *k, unsigned int *n);
/* The Slurm array variables SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _MAX, _STEP. */
struct sweep_slurm {
	const char *id, *count, *min, *max, *step;
};
/*
 * K/N from a Slurm array: N = COUNT, K = (ID - MIN) / STEP + 1, so a
 * stepped array (--array=0-14:2) numbers its tasks 1..N.  Without MIN or
 * STEP (an old Slurm), K = ID mod N + 1.  Returns 0; -ENOENT when ID or
 * COUNT is missing; -EINVAL when one is not an integer; -EDOM for a
 * sparse array (--array=1,4,9: MAX != MIN + STEP * (COUNT - 1)), whose
 * tasks cannot be numbered 1..N from the variables.
 */
int sweep_shard_slurm(const struct sweep_slurm *e, unsigned int *k,
		      unsigned int *n);
/* True when point @index belongs to shard @k of @n (n == 0: no shards). */
bool sweep_in_shard(size_t index, unsigned int k, unsigned int n);
/* The seed of point @index: splitmix64(@scn_seed ^ @index) | 1. */
uint64_t sweep_point_seed(uint64_t scn_seed, size_t index);

/**
 * struct sweep_point - one point of the sweep.
 * @index:  position in the enumerated list (the "point" of the results)
 * @arch:   index into the plan's arches
 * @combo:  index into the plan's set combinations
 * @fault:  the fault kind
 * @at:     the fault point, as text (before:L, after:L, during:L#K, C)
 * @inject: KIND@POINT[,KEY=VALUE..], what `run --inject` takes
 * @seed:   sweep_point_seed() of the combination's scenario seed
 * @id:     "ARCH/KIND[:VARIANT]/POINT[/PATH=VALUE..]", stable
 */
struct sweep_point {
	size_t index;
	size_t arch;
	size_t combo;
	char *fault;
	char *at;
	char *inject;
	uint64_t seed;
	char *id;
};

/**
 * struct sweep_combo - one combination of the swept --set values.
 * @sets:   plain overrides then this combination's values (paths and
 *          values point into the options)
 * @nsets:  number of @sets
 * @swept:  indices into @sets of the swept coordinates, in dim order
 * @nswept: number of @swept
 * @scn:    the scenario loaded with @sets
 */
struct sweep_combo {
	struct scn_set sets[SWEEP_MAX_SETS];
	size_t nsets;
	size_t swept[SWEEP_MAX_SETS];
	size_t nswept;
	struct scenario *scn;
};

/**
 * struct sweep_plan - the enumerated sweep.
 * @file:    the scenario file
 * @arches:  what run_scenario() takes (names or profile paths)
 * @labels:  the arch as ids and results name it (a path's base name)
 * @combos:  every set combination, the last dim varying fastest
 * @points:  every point, by index
 * @notes:   kinds or points that were skipped, and why (for stderr)
 * @hash:    sweep_scenario_hash() as 16 hex digits: the "scenario" of
 *           every line, what --resume and merge compare
 */
struct sweep_plan {
	const char *file;
	char *arches[SCN_MAX_ARCHES];
	char *labels[SCN_MAX_ARCHES];
	size_t narches;
	struct sweep_combo *combos;
	size_t ncombos;
	struct sweep_point *points;
	size_t npoints;
	char **notes;
	size_t nnotes;
	char hash[17];
};

/*
 * The hash of the scenario @file as loaded (its YAML document, not its
 * bytes), the one-valued --set overrides @sets and the documents of the
 * @arches that are profile files (docs/sweep.md).
 */
uint64_t sweep_scenario_hash(const char *file, const struct scn_set *sets,
			     size_t nsets, char *const *arches, size_t narches);

/*
 * Enumerate the points of @o into @p (zeroed first): loads the scenario
 * once per set combination and, when --points is all or firmware-error is
 * swept, runs a baseline per (arch, combination) for the sub-operation
 * counts and the firmware calls.  Returns 0, or an exit code (2 bad
 * option, 65 bad scenario, 66 unreadable, 70 internal) after printing why
 * to stderr.  Always call sweep_plan_fini().
 */
int sweep_plan_build(const struct sweep_opts *o, struct sweep_plan *p);
void sweep_plan_fini(struct sweep_plan *p);

enum sweep_status {
	SWEEP_RAN,
	SWEEP_CRASHED,
	SWEEP_TIMEOUT,
	SWEEP_STATUS_NR
};
const char *sweep_status_name(enum sweep_status st);

/**
 * struct sweep_result - what one point produced.
 * @status:   ran, crashed or timeout; the rest is meaningful for ran only
 * @findings: deduplicated findings not suppressed by `allow`, per kind
 * @first:    the earliest of them (lowest first cycle), or NULL
 * @cycles:   the final cycle
 * @pass:     every expectation of the scenario held
 * @unexpected: per kind: its `expect: findings` check failed
 */
struct sweep_result {
	enum sweep_status status;
	uint64_t findings[SIM_FIND_NR];
	const struct sim_finding *first;
	uint64_t cycles;
	bool pass;
	bool unexpected[SIM_FIND_NR];
	bool fired;		/* the point's fault was applied (its point came) */
};

/*
 * The result line of @pt (malloc'd, newline-terminated, keys in the
 * order of docs/sweep.md).  Returns NULL on allocation failure.
 */
char *sweep_line(const struct sweep_plan *p, const struct sweep_point *pt,
		 const struct sweep_result *r);

/**
 * struct sweep_line_info - what merge and resume read from a line.
 * @point:   the index
 * @npoints: how many points the sweep has
 * @id:      the point id (malloc'd)
 * @status:  ran, crashed or timeout
 * @scenario: the scenario hash (malloc'd), NULL in lines of a tsmsim
 *           that did not write one
 * @version: the tsmsim version that wrote it (malloc'd), or NULL
 */
struct sweep_line_info {
	size_t point;
	size_t npoints;
	char *id;
	enum sweep_status status;
	char *scenario;
	char *version;
};

/*
 * Read one result line (without or with its newline).  Returns 0, or
 * -EINVAL when it is not a tsmsim-sweep/1 line (then nothing to free).
 * Free with sweep_line_info_fini().
 */
int sweep_line_parse(const char *line, struct sweep_line_info *info);
void sweep_line_info_fini(struct sweep_line_info *info);

/*
 * Does @li come from the same scenario (hash @hash) and tsmsim version as
 * this one?  Returns NULL, or why not (a static string).
 */
const char *sweep_line_mismatch(const struct sweep_line_info *li,
				const char *hash, const char *version);

/*
 * Run one point in this process: load, run, make the line.  Returns the
 * line (malloc'd) or NULL with *@rc set to 65 or 70 after printing why.
 */
char *sweep_run_point(const struct sweep_plan *p, const struct sweep_point *pt,
		      int *rc);

/*
 * The whole sweep: plan, resume, workers, results.  Returns the exit code
 * (0 every point ran, 1 one crashed or timed out, 2, 65, 66, 70).
 */
int sweep_main(const struct sweep_opts *o);

/*
 * `tsmsim merge`: @files' lines, checked to hold every point 0..N-1
 * exactly once, written sorted by index, byte for byte, to @out_path
 * (NULL: stdout; opened after every input was read).  Returns 0, 1 (a
 * point missing or duplicated, or lines of sweeps of different sizes),
 * 2 (@out_path cannot be written), 65 (a line that is not a result), 66
 * (a file that cannot be read).
 */
int sweep_merge(const char *const *files, size_t nfiles, const char *out_path);

/*
 * sweep_summary: the summary of sweep results a person reads: at the
 * end of every `tsmsim sweep` and from `tsmsim sweep --summary
 * RESULTS.jsonl...` (docs/sweep.md), as 80-column text, markdown, HTML or
 * JSON (schema tsmsim-sweep-summary/1).
 */

enum sweep_fmt {
	SWEEP_FMT_TEXT,
	SWEEP_FMT_MD,
	SWEEP_FMT_HTML,
	SWEEP_FMT_JSON,
};

/* A point's outcome class, from best to worst. */
enum ss_class {
	SS_NONE,		/* no point in the cell */
	SS_CLEAN,		/* no finding, every expectation held */
	SS_EXPECTED,		/* findings, all of them expected */
	SS_FAILED,		/* an expectation failed, no finding beyond them */
	SS_UNEXPECTED,		/* a finding the scenario does not expect */
	SS_TIMEOUT,
	SS_CRASHED,
	SS_NR
};

/**
 * struct ss_point - what the summary keeps of one line.
 * @found:      bit per finding kind counted > 0
 * @unexpected: bit per kind whose `expect: findings` check failed
 * @first:      the first finding's kind, -1 for none
 * @cause:      the first finding's step: its label, "line N", or NULL
 * @ukind:      SS_UNEXPECTED: the finding it is named by
 * @archi, @kind, @step, @slot: where it sits in the matrix (slot 0
 *              before, 1 during or a cycle, 2 after)
 */
struct ss_point {
	size_t point, npoints;
	enum sweep_status status;
	char *id, *scenario, *version, *arch, *fault, *at, *run, *cause;
	uint32_t found, unexpected;
	int first;
	bool pass;
	enum ss_class cls;
	int ukind;
	size_t archi, kind, step;
	int slot;
};

/* One outcome signature: its first point (lowest index) and count. */
struct ss_sig {
	size_t pt;
	size_t count;
};

/* Per matrix cell: points per class and unexpected points per kind. */
struct ss_cell {
	uint32_t cls[SS_NR];
	uint32_t kinds[SIM_FIND_NR];
};

struct sweep_summary {
	struct ss_point *pts;
	size_t npts;
	char **names;		/* interned arch, kind and step names */
	size_t nnames;
	size_t *arches, *kinds, *steps;	/* indices into @names */
	size_t narches, nkinds, nsteps;
	struct ss_cell *cells;	/* [arch][kind][step][slot] */
	struct ss_sig *sigs;
	size_t nsigs;
	size_t dups;		/* lines of a point already seen */
	uint64_t npoints;	/* how many the sweep has */
	size_t status[SWEEP_STATUS_NR];
	size_t cls[SS_NR];
};

struct sweep_summary *sweep_summary_new(void);
/* Add one result line.  Returns 0 or -EINVAL (not a result line). */
int sweep_summary_add(struct sweep_summary *s, const char *line);
/* Sort, deduplicate (first line of a point wins), fill matrix and sigs. */
void sweep_summary_build(struct sweep_summary *s);
/* The cell of (arch @a, kind @k, step @st, slot @sl). */
const struct ss_cell *sweep_summary_cell(const struct sweep_summary *s,
					 size_t a, size_t k, size_t st, int sl);
/* What a cell shows: the worst class present; for SS_UNEXPECTED also
 * the most frequent unexpected kind (ties: catalog order) in *@kind. */
enum ss_class sweep_summary_cell_class(const struct ss_cell *c, int *kind);
const char *sweep_summary_class_name(enum ss_class c);
void sweep_summary_write(FILE *f, const struct sweep_summary *s,
			 enum sweep_fmt fmt);
void sweep_summary_free(struct sweep_summary *s);

/*
 * `tsmsim sweep --summary FILE...`: read every line (a line that is not a
 * result: 65; an unreadable file: 66; lines of different scenarios or
 * versions: 2), build and write to @out (NULL: stdout).
 */
int sweep_summary_main(const char *const *files, size_t nfiles,
		       enum sweep_fmt fmt, const char *out);

/*
 * workers: a pool of worker processes for tasks that must not take the
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

#endif /* TSMSIM_TOOLS_SWEEP_H */
