/* SPDX-License-Identifier: MIT */
/*
 * minimize_internal.h - private to tools/minimize*.c: the scenario as an
 * editable YAML tree (minimize_tree.c) that the shrinker cuts and writes
 * back as YAML text for the loader to check and the workers to run.
 */
#ifndef TSMSIM_TOOLS_MINIMIZE_INTERNAL_H
#define TSMSIM_TOOLS_MINIMIZE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mn_type {
	MN_SCALAR,
	MN_SEQ,
	MN_MAP,
};

/**
 * struct mnode - one YAML node.
 * @text:   MN_SCALAR: the value
 * @plain:  MN_SCALAR: written plain (not quoted) in the file
 * @flow:   MN_SEQ / MN_MAP: written in flow style ({ } / [ ])
 * @kids:   MN_SEQ: the items; MN_MAP: key, value, key, value ..
 * @origin: a step: its index among the original scenario's steps; else -1
 */
struct mnode {
	enum mn_type type;
	char *text;
	bool plain;
	bool flow;
	struct mnode *kids;
	size_t n;
	int origin;
};

/* Parse @path (one document) into @out.  Returns 0, -ENOENT, -EINVAL. */
int mn_load(const char *path, struct mnode *out);
void mn_free(struct mnode *n);
void mn_copy(struct mnode *dst, const struct mnode *src);
/* The YAML text of @root (malloc'd), or NULL on an emitter error. */
char *mn_emit(const struct mnode *root);

/* The value of @key in map @m, or NULL. */
struct mnode *mn_get(struct mnode *m, const char *key);
/* Set @key of map @m to a plain scalar @text (added at the end if new). */
void mn_set(struct mnode *m, const char *key, const char *text);
/* Remove @key from map @m; false when absent. */
bool mn_del(struct mnode *m, const char *key);
/* Move the pairs of @keys (NULL-terminated, those present) to the front. */
void mn_order(struct mnode *m, const char *const *keys);
/* Remove items [@from, @to) of sequence @s. */
void mn_cut(struct mnode *s, size_t from, size_t to);
/* An empty map / sequence / scalar node (for building). */
struct mnode mn_scalar(const char *text);
struct mnode mn_map(bool flow);
struct mnode mn_seq(bool flow);
/* Append @v (moved) under @key to map @m / as an item of sequence @s. */
void mn_map_add(struct mnode *m, const char *key, struct mnode v);
void mn_seq_add(struct mnode *s, struct mnode v);
/*
 * Follow a --set PATH (dot-separated keys, numbers index lists), creating
 * missing map keys, and set the scalar there.  Returns 0 or -EINVAL.
 */
int mn_set_path(struct mnode *root, const char *path, const char *value);

/* The steps in file order (flattening `unordered:` blocks) into @out. */
size_t mn_steps(struct mnode *root, struct mnode **out, size_t max);

/* ------------------------------------------------------ the shrinker */

/**
 * struct mz_cand - one candidate scenario.
 * @tree:    the edited scenario
 * @text:    its YAML, what a worker loads and runs
 * @origins: per step (file order) of @tree: its original step index
 * @verdict: -1 not run, 0 not interesting (or invalid), 1 interesting
 */
struct mz_cand {
	struct mnode tree;
	char *text;
	int *origins;
	size_t norigins;
	int verdict;
};

/**
 * struct mz - the shrinking state.
 * @best:        the smallest interesting scenario so far
 * @arch:        what each candidate runs on
 * @kind, @origin: the first finding to keep: its kind and original step
 *               (-1: a finding outside any step)
 * @shape:       and its explanation, numbers made '#' (mz_shape()): the
 *               same cause, not only the same kind at the same step
 * @watchdog:    the first run hit its limits (then candidates may too)
 * @budget:      max_events of every candidate: 4x the first run's + 1e5
 * @runs:        candidates run (with --jobs > 1 some ran ahead, unneeded)
 * @seq_runs:    the runs a one-worker shrink would have made: the same
 *               for every --jobs, so it may go into the file
 * @invalid:     candidates the loader refused (a reference cut away)
 */
struct mz {
	struct mnode best;
	const char *arch;
	int kind, origin;
	char *shape;
	bool watchdog;
	uint64_t budget;
	unsigned int jobs;
	uint64_t timeout_ms;
	struct mz_cand *c;
	size_t nc, next;
	long found;
	size_t runs, seq_runs, invalid;
};

/* Make a candidate of @tree (moved in), its text within @budget events. */
void mz_cand_make(struct mz_cand *c, struct mnode *tree, uint64_t budget);
char *mz_budgeted(const struct mnode *tree, uint64_t budget);
void mz_cand_free(struct mz_cand *c);
/*
 * Run candidates @c[0..@n) (on workers, in order) until the first
 * interesting one; returns its index, or -1.  Every candidate before the
 * returned one has run.
 */
long mz_batch(struct mz *z, struct mz_cand *c, size_t n);
/* Shrink @z->best until no pass finds a smaller interesting scenario. */
void mz_shrink(struct mz *z);
/*
 * In-process: load and run @text on @arch; the first counted finding's
 * kind, step index and explanation shape (-1, -1, NULL: none; *@shape
 * malloc'd), whether the watchdog fired, the events it took; false when
 * it does not load or run.
 */
bool mz_first_finding(const char *text, const char *arch, int *kind, int *step,
		      char **shape, bool *watchdog, uint64_t *events);
char *mz_shape(const char *explain);

#endif /* TSMSIM_TOOLS_MINIMIZE_INTERNAL_H */
