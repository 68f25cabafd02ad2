/* SPDX-License-Identifier: MIT */
/* sim_internal.h - private layout of struct sim; only sim/ includes it. */
#ifndef TSMSIM_SIM_SIM_INTERNAL_H
#define TSMSIM_SIM_SIM_INTERNAL_H

#include "sim.h"

struct sim_event {
	sim_cycles_t at;
	uint64_t seq;		/* scheduling order; also names the handle */
	int prio;
	int heap_pos;		/* -1 when not queued */
	sim_event_fn *fn;
	void *subject, *object;
};

/*
 * One subscriber of one record type: a sink's @fn(@ctx, rec), or, when
 * @on_rec is set, a checker's @on_rec(sim, @ctx, rec) with @ops for its
 * again_quiet().  sim_trace_emit() walks the list of the record's type
 * only, so a record costs one call per subscriber that wants it.
 */
struct sim_sub {
	sim_trace_fn *fn;
	void (*on_rec)(struct sim *s, void *ctx, const struct sim_rec *rec);
	const struct sim_checker_ops *ops;
	void *ctx;
};

struct sim_subs {
	struct sim_sub *v;
	size_t n;
};

struct sim_chk {
	const struct sim_checker_ops *ops;
	void *ctx;
};

struct sim_counter {
	char *name;
	uint64_t *value;	/* separately allocated: pointers stay valid */
};

struct sim_fail {
	char *call, *result;
	unsigned int n;
};

struct sim {
	uint64_t seed;
	sim_cycles_t now;
	bool stop;

	/* event slab + binary heap of slab indices */
	struct sim_event *ev;
	uint32_t *free_ev;
	size_t nev, cap_ev, nfree;
	uint32_t *heap;
	size_t nheap, cap_heap;
	uint64_t seq;
	uint64_t fired;

	sim_cycles_t max_cycles;
	uint64_t max_events;
	uint64_t wall_ms;		/* --timeout; 0: none */
	uint64_t wall_deadline_ns;	/* CLOCK_MONOTONIC */
	uint64_t wall_next;		/* fired count of the next clock check */
	sim_cycles_t run_limit;	/* of the sim_run_until() under way */
	bool no_runahead;

	struct sim_step_ref step;

	struct sim_trace_mask_view tmask;
	struct sim_subs subs[SIM_REC_NR];	/* per record type */

	struct sim_chk *chks;
	size_t nchks;
	bool finished;

	struct sim_finding *finds;
	size_t nfinds, cap_finds;

	struct sim_counter *ctrs;
	size_t nctrs;
	bool ctrs_sorted;

	struct sim_fail *fails;	/* sim_seq_inject_fail() */
	size_t nfails;
};

void sim_seq_fini(struct sim *s);

bool sim_wall_expired(const struct sim *s);
void sim_events_fini(struct sim *s);
void sim_trace_fini(struct sim *s);
void sim_findings_fini(struct sim *s);
void sim_stats_fini(struct sim *s);

#endif
