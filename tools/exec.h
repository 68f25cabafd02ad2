/* SPDX-License-Identifier: MIT */
/*
 * exec.h - the world the steps act on, and the table that maps each
 * scenario op onto model calls.
 *
 * struct world owns the models built from `platform:` for one arch.  An
 * op handler reads the step's converted fields, pushes the op's
 * sub-operations onto the step's sequence (sim_seq_add) and returns NULL,
 * or returns a result name at once when the op fails before doing
 * anything (a bad reference at run time, EINVAL).
 */
#ifndef TSMSIM_TOOLS_EXEC_H
#define TSMSIM_TOOLS_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"
#include "sim.h"

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

#endif /* TSMSIM_TOOLS_EXEC_H */
