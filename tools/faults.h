/* SPDX-License-Identifier: MIT */
/*
 * faults.h - fault injection (docs/scenarios.md): each fault is applied
 * at its point as a real perturbation of a model (an invalidation that
 * never lands, a TDISP request answered BUSY, an FLR), never as a flag a
 * checker reads.
 */
#ifndef TSMSIM_TOOLS_FAULTS_H
#define TSMSIM_TOOLS_FAULTS_H

#include <stdbool.h>

#include "scenario.h"

struct world;

/* What the runner must do about its step sequence. */
struct fault_action {
	bool skip;		/* the next step to start does not run */
	int swap_with;		/* -1, or a step index to run instead */
};

/*
 * Apply @f now.  @cur is the index of the step at the point (-1 for a
 * cycle point).  Returns 0, or -EOPNOTSUPP with *@err set when the model
 * the fault perturbs has not landed.
 */
int fault_apply(struct world *w, const struct scn_fault *f, int cur,
		struct fault_action *act, char **err);

#endif /* TSMSIM_TOOLS_FAULTS_H */
