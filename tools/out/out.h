/* SPDX-License-Identifier: MIT */
/*
 * out.h - the output layer of tools/: what a run's result becomes for a
 * person or a tool (sections out: trace, VCD, JUnit, HTML timeline;
 * report: text and JSON; progress: the stderr line).  Uses tools/load
 * and tools/run.
 */
#ifndef TSMSIM_TOOLS_OUT_H
#define TSMSIM_TOOLS_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"
#include "load.h"
#include "sim.h"

/*
 * out: the output files of `tsmsim run` (--trace, --vcd, --junit,
 * --html) (README.md; formats in docs/outputs.md).
 *
 * A struct out_log records the trace of one run: it is attached as a
 * struct run_sink before the run starts and keeps a copy of what the
 * timelines need (TDI state changes, accesses folded into episodes, TDISP
 * exchanges, firmware calls, mappings, dma-buf and teardown facts, notes).
 * The writers read the logs together with the runs' struct run_result
 * (steps, findings, expectations).  Every writer is a pure function of its
 * inputs, so the same scenario and seed give the same bytes.
 */

/* A log keeps at most this many events; the rest are counted as dropped. */
#define OUT_LOG_MAX_EVENTS 200000

enum out_ev_kind {
	OUT_EV_TDI,		/* a TDI changed TDISP state */
	OUT_EV_ACCESS,		/* one access, or an episode of alike ones */
	OUT_EV_INSTANT,		/* any other fact, shown as a marker */
};

/**
 * struct out_ev - one recorded fact.
 * @kind:   what it is
 * @type:   the trace record type it came from
 * @cycle:  when the (first) record was emitted
 * @start:  accesses: issue cycle of the first; else @cycle
 * @end:    accesses: completion of the last; else @cycle
 * @track:  index into struct out_log.tracks
 * @step:   step index during which it happened, -1 for none
 * @line:   that step's YAML line (0 for none)
 * @value:  OUT_EV_TDI: the new enum tdisp_state (0..3); OUT_EV_ACCESS:
 *          the enum sim_result; else 0
 * @write:  accesses: a write
 * @count:  accesses folded into this episode (1 for other events)
 * @name:   short name ("RUN", "ur", "LOCK_INTERFACE -> ok"); owned
 * @detail: more words, or NULL; owned
 */
struct out_ev {
	enum out_ev_kind kind;
	enum sim_rec_type type;
	sim_cycles_t cycle, start, end;
	size_t track;
	int step;
	unsigned int line;
	int value;
	bool write;
	uint64_t count;
	char *name;
	char *detail;
};

/**
 * struct out_log - the recorded trace of one run.
 * @ev:      events in emission order (so @cycle never decreases)
 * @tracks:  track names in order of first use ("TDI dev0", "vm0", ...)
 * @open:    per track, 1 + index of the access episode still extending
 * @dropped: events not kept because the log was full
 */
struct out_log {
	struct out_ev *ev;
	size_t nev;
	char **tracks;
	size_t ntracks;
	size_t *open;
	uint64_t dropped;
};

/* One run as the writers see it; @log is NULL when nothing was recorded. */
struct out_run {
	const struct run_result *res;
	const struct out_log *log;
};

struct out_log *out_log_create(void);
void out_log_destroy(struct out_log *log);

/**
 * out_log_attach() - struct run_sink.attach for a struct out_log @ctx:
 * subscribes to every record type.  Returns 0 or -ENOMEM.
 */
int out_log_attach(struct sim *s, void *ctx);

/**
 * out_log_track() - index of track @name in @log, added when new.
 */
size_t out_log_track(struct out_log *log, const char *name);

/**
 * out_ns() - @c cycles of a @mhz clock in nanoseconds, rounded down,
 * integer only (no float formatting in any output).
 */
uint64_t out_ns(sim_cycles_t c, uint64_t mhz);

/* The page head (inline CSS only) and foot shared by --html and compare. */
void out_html_head(FILE *f, const char *title);
void out_html_foot(FILE *f);

/* Write @s with & < > " ' escaped and XML-illegal control bytes dropped. */
void out_xml_str(FILE *f, const char *s);

/* The step's "op [label]" into @buf. */
void out_step_name(const struct run_step *st, char *buf, size_t len);

/* The shape every file writer below has. */
typedef void out_write_fn(FILE *f, const struct scenario *scn,
			  const struct out_run *runs, size_t n);

/**
 * out_trace_write() - Chrome / Perfetto trace-event JSON: one process per
 * run, one thread per track, steps as complete events, findings on a
 * "findings" track.
 */
void out_trace_write(FILE *f, const struct scenario *scn,
		     const struct out_run *runs, size_t n);

/**
 * out_vcd_write() - Value Change Dump: per run a scope with the running
 * step, each TDI's TDISP state and each initiator's last access result.
 * The timescale is the largest legal unit dividing the clock period.
 */
void out_vcd_write(FILE *f, const struct scenario *scn,
		   const struct out_run *runs, size_t n);

/**
 * out_vcd_gtkw() - beside @vcd_path (X.vcd): X.gtkw, a GTKWave save file
 * grouping the signals per arch, and X.tdi.txt / X.result.txt, the
 * translate filters that name TDI states and access results.  Returns 0
 * or -errno.
 */
int out_vcd_gtkw(const char *vcd_path, const struct scenario *scn,
		 const struct out_run *runs, size_t n);

/**
 * out_junit_write() - JUnit XML: a testsuite per run, a testcase per step
 * and per expectation check.
 */
void out_junit_write(FILE *f, const struct scenario *scn,
		     const struct out_run *runs, size_t n);

/* One scenario's runs, for a report over several files. */
struct out_doc {
	const struct scenario *scn;
	const struct out_run *runs;
	size_t n;
};

/* out_junit_write() over several scenarios: one <testsuites> for all. */
void out_junit_write_docs(FILE *f, const struct out_doc *docs, size_t ndocs);

/**
 * out_html_write() - one self-contained HTML page: per run the header,
 * an SVG timeline, the steps, findings and expectations.
 */
void out_html_write(FILE *f, const struct scenario *scn,
		    const struct out_run *runs, size_t n);

/**
 * out_html_timeline() - the SVG timeline of one run for --html: a time
 * axis whose idle stretches are drawn short, zero-length steps as
 * markers, findings labelled (out_timeline.c).
 */
void out_html_timeline(FILE *f, const struct out_run *run, uint64_t mhz);

/*
 * report: the run report: 80-column text for mail, or one JSON
 * document (schema "tsmsim-run/1", docs/json.md).
 */

struct report_opts {
	int verbose;		/* -1 quiet, 0 normal, 1 verbose */
	bool stats;
};

void report_text(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o);
void report_json(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o);
/*
 * Where a finding arose, for every report: "line 29 [lock]", "fault
 * device-flr, line 40", "--inject drop-invalidation@after:unmap" or
 * "outside any step".  Writes into @buf of @len and returns it.
 */
const char *report_finding_where(const struct sim_finding *fd, char *buf,
				 size_t len);

/*
 * progress: a one-line progress report on stderr for long runs and
 * sweeps, as gem5 and QEMU users expect, shown only when stderr is a
 * terminal (a log file or a pipe gets nothing, so outputs stay
 * byte-identical).  It is redrawn at most every TSMSIM_PROGRESS_MS
 * milliseconds of wall time (default 500; the first after one interval
 * plus half a second, so short runs print nothing) and erased at the end.
 * Every function takes NULL, which is what progress_start() returns when
 * stderr is not a terminal.
 */

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

#endif /* TSMSIM_TOOLS_OUT_H */
