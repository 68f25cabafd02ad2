/* SPDX-License-Identifier: MIT */
/*
 * run_internal.h - private to tools/run/: the layout of struct world the step
 * executors, the traffic streams and the fault injector share (sections
 * world, faults).
 */
#ifndef TSMSIM_TOOLS_RUN_INTERNAL_H
#define TSMSIM_TOOLS_RUN_INTERNAL_H

#include <stdbool.h>

#include "run.h"
#include "host.h"
#include "pcie.h"
#include "platform.h"
#include "load.h"

/*
 * world: the layout of struct world, shared by the
 * builder (world.c), the op handlers (exec*.c) and traffic (traffic.c).
 */

struct traffic;

/*
 * A TDISP request the TSM sent with `device.tdisp wait: false` and whose
 * answer (or DOE timeout) has not come yet ([TDISP] §11.2.3 counts it).
 */
#define WORLD_TDISP_OUT 8
struct world_tdisp_out {
	bool live;
	struct world *w;
	struct pcie_dev *dev;
	struct tdisp_request req;
	struct tdisp_response rsp;
};

/* The last device.tdisp exchange, for `assert: response:` and `report:`. */
struct world_tdisp {
	struct pcie_dev *dev;
	struct tdisp_request req;
	struct tdisp_response rsp;
	bool valid;
	const char *err;	/* ETIMEDOUT etc. when there is no response */
};

/* A guest access injected by a `guest-access` fault, kept until the run ends. */
struct world_fault_access {
	struct plat_access acc;
	sim_cycles_t issued;
};

struct world {
	const struct scenario *scn;
	struct arch_profile prof;	/* the platform points at it */
	struct sim *s;
	struct platform *p;
	struct host *host;	/* VFIO, iommufd, KVM, the TSM layer */
	struct traffic *traffic;
	struct world_tdisp tdisp;
	struct world_tdisp_out tout[WORLD_TDISP_OUT];
	struct sim_seq *tout_waiter;	/* a request waiting for a slot */
	/* the step being run (handlers stash per-step state here) */
	struct plat_access acc;
	sim_cycles_t acc_issued;
	struct pcie_dev *acc_dev;
	struct world_fault_access **faccs;
	size_t nfaccs;
	char **kept;
	size_t nkept;
};

struct world_fault_access *world_fault_access(struct world *w);
/* Keep @str (malloc'ed) until the world goes: trace records point at it. */
const char *world_keep(struct world *w, char *str);

/* Names: device / guest by name, NULL when unknown (the loader checked). */
struct plat_guest *world_guest(const struct world *w, const char *name);

/* traffic.c */
struct traffic *traffic_create(struct world *w);
void traffic_destroy(struct traffic *t);
void traffic_start(struct traffic *t);
const struct scn_traffic *traffic_running(const struct traffic *t);
void traffic_label(struct traffic *t, const char *label, bool completed);

/* exec_host.c: the host software ops, or NULL */
exec_fn *exec_host_find(int op);	/* by enum scn_op_id */

/* exec_assert.c */
const char *exec_assert(struct exec_ctx *x);

/*
 * faults: fault injection (docs/scenarios.md): each fault is applied
 * at its point as a real perturbation of a model (an invalidation that
 * never lands, a TDISP request answered BUSY, an FLR), never as a flag a
 * checker reads.
 */

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

#endif /* TSMSIM_TOOLS_RUN_INTERNAL_H */
