/* SPDX-License-Identifier: MIT */
/*
 * sweep_summary.h - the summary of sweep results a person reads: at the
 * end of every `tsmsim sweep` and from `tsmsim sweep --summary
 * RESULTS.jsonl...` (docs/sweep.md), as 80-column text, markdown, HTML or
 * JSON (schema tsmsim-sweep-summary/1).
 */
#ifndef TSMSIM_TOOLS_SWEEP_SUMMARY_H
#define TSMSIM_TOOLS_SWEEP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep.h"

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

#endif /* TSMSIM_TOOLS_SWEEP_SUMMARY_H */
