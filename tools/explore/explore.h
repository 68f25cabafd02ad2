/* SPDX-License-Identifier: MIT */
/*
 * explore.h - `tsmsim explore` (docs/scenarios.md): every order of the
 * scenario's `unordered:` blocks that their `needs` allow, the product
 * over blocks, each a complete run on each arch.
 *
 * Speed comes from sharing, never from guessing (docs/explore.md):
 *   - prefix sharing: one worker process runs the steps before a block
 *     position once and forks a child per candidate step there, so the
 *     common prefix of many orders runs once (the model's state is the
 *     process's memory; fork copies it);
 *   - equivalent orders: two steps that touch disjoint model state
 *     commute, so of the orders that differ only by swapping such steps
 *     (a Mazurkiewicz trace) only the one first in file order is run.
 *     Independence is judged conservatively (explore_plan.c).
 */
#ifndef TSMSIM_TOOLS_EXPLORE_H
#define TSMSIM_TOOLS_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load.h"

#define EXPLORE_SCHEMA "tsmsim-explore/1"
#define EXPLORE_DEF_MAX_ORDERS 100000u

/**
 * struct xp_plan - the orders to run, enumerated before anything runs.
 * @scn:       the scenario (borrowed)
 * @npos:      block positions: the steps of every block, in file order
 * @pos_run:   for each block position, its position in the run order
 * @orders:    @norders rows of @npos step indices, lexicographic by file
 *             position (so a subtree of the prefix tree is a row range)
 * @allowed:   orders the needs allow (product over blocks), saturating
 * @capped:    more than --max-orders orders would run; @orders holds the
 *             first max-orders of them
 * @pruned:    allowed orders skipped as equivalent to one in @orders
 *             (counted only when not capped)
 * @dep:       nsteps x nsteps: steps i and j do not commute
 * @noprune:   why no order is skipped at all, or NULL
 */
struct xp_plan {
	const struct scenario *scn;
	size_t npos;
	size_t *pos_run;
	uint16_t *orders;
	size_t norders;
	uint64_t allowed;
	bool allowed_sat;
	bool capped;
	uint64_t pruned;
	bool *dep;
	const char *noprune;
};

/*
 * Enumerate @scn's orders, at most @max_orders of them; @prune false runs
 * every allowed order (the test of the reduction compares both).
 * Returns 0 or -ENOMEM.  Always call xp_plan_fini().
 */
int xp_plan_build(const struct scenario *scn, size_t max_orders, bool prune,
		  struct xp_plan *p);
void xp_plan_fini(struct xp_plan *p);
/* The step at block position @d of order @o. */
static inline size_t xp_step(const struct xp_plan *p, size_t o, size_t d)
{
	return p->orders[o * p->npos + d];
}
/* Steps executed with prefix sharing, and without (every order alone). */
void xp_plan_steps(const struct xp_plan *p, uint64_t *shared, uint64_t *alone);

/*
 * `tsmsim explore FILE ...` (after the word explore).  Returns the exit
 * code: 0 every order held the expectations, 1 one did not (or crashed,
 * timed out, or --max-orders left orders unchecked), 2, 65, 66, 70.
 */
int explore_main(int argc, char **argv);

#endif /* TSMSIM_TOOLS_EXPLORE_H */
