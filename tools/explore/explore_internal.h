/* SPDX-License-Identifier: MIT */
/*
 * explore_internal.h - private to tools/explore*.c: the per-order result
 * slot (in memory shared by every worker process), the options, and the
 * functions the explorer's files share.
 */
#ifndef TSMSIM_TOOLS_EXPLORE_INTERNAL_H
#define TSMSIM_TOOLS_EXPLORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "explore.h"
#include "sim.h"

#define XP_SIG_MAX 32
#define XP_TEXT 240

enum xp_status {
	XP_NONE,		/* not reported (yet) */
	XP_RAN,
	XP_CRASHED,
	XP_TIMEOUT,
	XP_ERROR,		/* the run stopped on a scenario or internal error */
};

/* One (finding kind, cause step) of an outcome. */
struct xp_sig {
	int16_t kind;
	int16_t step;		/* -1: no step */
};

/* What one order did on one arch; written by the worker that ran it. */
struct xp_slot {
	int status;		/* enum xp_status, written last */
	bool pass;
	uint64_t cycles;
	uint64_t findings[SIM_FIND_NR];
	int first_kind;		/* -1: no finding */
	int first_step;
	unsigned int first_line;
	uint64_t first_cycle;
	uint32_t nsig;
	struct xp_sig sig[XP_SIG_MAX];
	char text[XP_TEXT];	/* the first finding's explanation, or the error */
};

struct xp_opts {
	const char *file;
	char *arches[SCN_MAX_ARCHES];	/* from --arch; none: the scenario's */
	size_t narches;
	struct scn_set sets[64];	/* --inject */
	char *bufs[64];
	size_t nsets;
	unsigned int jobs;
	uint64_t max_orders;
	uint64_t timeout_s;
	const char *out;
	const char *write_dir;
	bool prune;
};

/* explore_cli.c */
int xp_parse(int argc, char **argv, struct xp_opts *o);
void xp_opts_fini(struct xp_opts *o);

/*
 * explore_exec.c: run every order of @pl on each of @arches into @slots
 * (narch rows of pl->norders).  Returns 0 or an exit code (70).
 */
int xp_exec(const struct xp_plan *pl, const char *const *arches, size_t narch,
	    const struct xp_opts *o, struct xp_slot *slots);

/* explore_out.c */
int xp_report(const struct xp_plan *pl, const char *const *arches,
	      size_t narch, const struct xp_opts *o, const struct xp_slot *slots);
int xp_write_yaml(FILE *f, const char *file, const struct xp_plan *pl,
		  size_t order, const char *arch, const struct xp_opts *o);

#endif /* TSMSIM_TOOLS_EXPLORE_INTERNAL_H */
