// SPDX-License-Identifier: MIT
/*
 * minimize_shrink.c - delta debugging of a scenario (Zeller's ddmin, as
 * test-case reducers and hypothesis's shrinker do it): cut chunks of a
 * list (steps, traffic streams, faults, devices, guests), halving the
 * chunk when no cut keeps the finding; drop optional keys (labels nothing
 * references, step expects, description, limits, expect); shrink counts
 * and start times and delays towards 0.  A candidate is interesting when it loads and
 * its first finding has the same kind at the same original step.  The
 * passes repeat until a whole round changes nothing.
 *
 * Candidates of one round run on the worker pool in order; the first
 * interesting one in that order wins, whatever --jobs, so the result is
 * the same for any --jobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minimize_internal.h"
#include "run.h"
#include "load.h"
#include "sim.h"
#include "sweep.h"

#define MZ_MAX_STEPS 100000
#define MZ_MAX_ROUNDS 20

/*
 * The text a worker runs: @tree with `limits.max_events` at most @budget
 * (0: as it is), so a cut that makes a run endless (a stream whose
 * `until` step is gone) ends in the watchdog, deterministically, instead
 * of in --timeout.
 */
char *mz_budgeted(const struct mnode *tree, uint64_t budget)
{
	struct mnode t, *lim, *cur;
	char v[24];
	char *text;

	if (!budget)
		return mn_emit(tree);
	mn_copy(&t, tree);
	lim = mn_get(&t, "limits");
	cur = lim ? mn_get(lim, "max_events") : NULL;
	if (!cur || cur->type != MN_SCALAR || strtoull(cur->text, NULL, 10) > budget ||
	    strchr(cur->text, 'e')) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)budget);
		if (mn_set_path(&t, "limits.max_events", v))
			mn_del(&t, "limits");	/* not a map: leave it to the loader */
	}
	text = mn_emit(&t);
	mn_free(&t);
	return text;
}

void mz_cand_make(struct mz_cand *c, struct mnode *tree, uint64_t budget)
{
	struct mnode **steps = calloc(MZ_MAX_STEPS, sizeof(*steps));

	TSM_BUG_ON(!steps);
	memset(c, 0, sizeof(*c));
	c->tree = *tree;
	memset(tree, 0, sizeof(*tree));
	c->text = mz_budgeted(&c->tree, budget);
	c->norigins = mn_steps(&c->tree, steps, MZ_MAX_STEPS);
	c->origins = calloc(c->norigins + 1, sizeof(*c->origins));
	TSM_BUG_ON(!c->origins);
	for (size_t i = 0; i < c->norigins; i++)
		c->origins[i] = steps[i]->origin;
	c->verdict = -1;
	free(steps);
}

void mz_cand_free(struct mz_cand *c)
{
	mn_free(&c->tree);
	free(c->text);
	free(c->origins);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ running */

/*
 * The explanation's shape: every number (cycles, lines, addresses) made
 * '#', so a cut elsewhere does not change it but another cause does.
 */
char *mz_shape(const char *explain)
{
	char *out = sim_xstrdup(explain ? explain : ""), *o = out;

	for (const char *p = out; *p;) {
		if (*p >= '0' && *p <= '9') {
			while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			       (*p >= 'A' && *p <= 'Z'))
				p++;
			*o++ = '#';
		} else {
			*o++ = *p == '\n' ? ' ' : *p;
			p++;
		}
	}
	*o = 0;
	return out;
}

bool mz_first_finding(const char *text, const char *arch, int *kind, int *step,
		      char **shape, bool *watchdog, uint64_t *events)
{
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_opts ro = { 0 };
	struct run_result res;
	const struct sim_finding *first = NULL;
	bool ok;

	*kind = *step = -1;
	*shape = NULL;
	*watchdog = false;
	*events = 0;
	ok = text && !scn_load_string("candidate", text, NULL, 0, &scn, &d);
	scn_diags_free(&d);
	if (!ok) {
		scn_free(scn);
		return false;
	}
	ok = !run_scenario(scn, arch, &ro, &res);
	for (size_t i = 0; ok && i < sim_findings_count(res.sim); i++) {
		const struct sim_finding *f = sim_finding_at(res.sim, i);

		if (!f->suppressed && (!first || f->first < first->first))
			first = f;
		*watchdog |= f->kind == SIM_FIND_WATCHDOG;
	}
	if (ok)
		*events = res.events;
	if (first) {
		*kind = (int)first->kind;
		*step = first->step;
		*shape = mz_shape(first->explain);
	}
	run_result_fini(&res);
	scn_free(scn);
	return ok;
}

/* In a worker: "KIND STEP" or "invalid". */
static char *run_cand(void *ctx, uint64_t id, const char *payload, size_t len,
		      int *rc)
{
	const struct mz *z = ctx;
	int kind, step;
	char *shape, *out;
	bool wd;
	uint64_t ev;

	*rc = 0;
	if (!mz_first_finding(payload, z->arch, &kind, &step, &shape, &wd, &ev))
		return sim_xstrdup("invalid");
	out = sim_xasprintf("%d %d %d %s", kind, step, wd, shape ? shape : "");
	free(shape);
	return out;
}

static bool next_cand(void *ctx, uint64_t *id, char **payload, size_t *len)
{
	struct mz *z = ctx;

	/* nothing after an interesting one can win */
	if (z->next >= z->nc || (z->found >= 0 && (long)z->next > z->found))
		return false;
	*id = z->next++;
	*payload = sim_xstrdup(z->c[*id].text ? z->c[*id].text : "");
	*len = strlen(*payload);
	return true;
}

static bool interesting(const struct mz *z, const struct mz_cand *c,
			const char *out)
{
	int kind, step, wd, origin, used = 0;

	if (sscanf(out, "%d %d %d %n", &kind, &step, &wd, &used) != 3 || !used)
		return false;
	origin = step >= 0 && (size_t)step < c->norigins ? c->origins[step] : -1;
	/* a run the budget cut short is not a smaller scenario, it is endless */
	return kind == z->kind && origin == z->origin && (!wd || z->watchdog) &&
	       !strcmp(out + used, z->shape ? z->shape : "");
}

static void cand_done(void *ctx, uint64_t id, const struct workers_end *end)
{
	struct mz *z = ctx;
	struct mz_cand *c = &z->c[id];

	z->runs++;
	c->verdict = 0;
	if (end->st != WORKERS_OK)
		return;	/* a crash or a hang is not the finding we keep */
	if (!strcmp(end->out, "invalid")) {
		z->invalid++;
		return;
	}
	c->verdict = interesting(z, c, end->out);
	if (c->verdict && (z->found < 0 || (long)id < z->found))
		z->found = (long)id;
}

long mz_batch(struct mz *z, struct mz_cand *c, size_t n)
{
	static const struct workers_ops ops = { run_cand, next_cand, cand_done };
	struct workers_opts wo = { z->jobs, z->timeout_ms };

	z->c = c;
	z->nc = n;
	z->next = 0;
	z->found = -1;
	TSM_BUG_ON(workers_run(&wo, &ops, z));
	z->seq_runs += z->found >= 0 ? (size_t)z->found + 1 : n;
	return z->found;
}

/* Take candidate @k as the new best; free all of @c. */
static bool settle(struct mz *z, struct mz_cand *c, size_t n, long k)
{
	if (k >= 0) {
		mn_free(&z->best);
		z->best = c[k].tree;
		memset(&c[k].tree, 0, sizeof(c[k].tree));
	}
	for (size_t i = 0; i < n; i++)
		mz_cand_free(&c[i]);
	free(c);
	return k >= 0;
}

/* ------------------------------------------------------------- passes */

/* The list at @path ("steps", "platform.devices") of @root, or NULL. */
static struct mnode *list_at(struct mnode *root, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');

	if (!dot)
		return mn_get(root, path);
	snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
	return list_at(mn_get(root, key), dot + 1);
}

/* ddmin over the items of the list at @path; true when it shrank. */
static bool cut_list(struct mz *z, const char *path)
{
	struct mnode *l = list_at(&z->best, path);
	size_t n = l && l->type == MN_SEQ ? l->n : 0, chunk = n;
	bool any = false;

	while (chunk >= 1 && n > 0) {
		size_t nc = (n + chunk - 1) / chunk, i = 0;
		struct mz_cand *c = calloc(nc, sizeof(*c));

		TSM_BUG_ON(!c);
		for (size_t from = 0; from < n; from += chunk, i++) {
			struct mnode t;

			mn_copy(&t, &z->best);
			mn_cut(list_at(&t, path), from, from + chunk < n ? from + chunk : n);
			mz_cand_make(&c[i], &t, z->budget);
		}
		if (settle(z, c, nc, mz_batch(z, c, nc))) {
			any = true;
			n = list_at(&z->best, path)->n;
			chunk = chunk > n ? n : chunk;
		} else {
			chunk /= 2;
		}
	}
	return any;
}

/* One candidate per step that has @key, without it; repeat while one wins. */
static bool drop_step_key(struct mz *z, const char *key)
{
	bool any = false;

	for (;;) {
		struct mnode **steps = calloc(2 * MZ_MAX_STEPS, sizeof(*steps));
		size_t ns, nc = 0;
		struct mz_cand *c;

		TSM_BUG_ON(!steps);
		ns = mn_steps(&z->best, steps, MZ_MAX_STEPS);
		c = calloc(ns + 1, sizeof(*c));
		TSM_BUG_ON(!c);
		for (size_t i = 0; i < ns; i++) {
			struct mnode t;

			if (!mn_get(steps[i], key))
				continue;
			mn_copy(&t, &z->best);
			/* the copy's steps, in the same order */
			TSM_BUG_ON(mn_steps(&t, steps + ns, MZ_MAX_STEPS - ns) != ns);
			mn_del(steps[ns + i], key);
			mz_cand_make(&c[nc++], &t, z->budget);
		}
		free(steps);
		if (!settle(z, c, nc, nc ? mz_batch(z, c, nc) : -1))
			return any;
		any = true;
	}
}

/* Top-level keys that a scenario does without. */
static bool drop_top_keys(struct mz *z)
{
	static const char *const keys[] = {
		"description", "limits", "timing", "expect", "traffic", "faults",
	};
	bool any = false;

	for (;;) {
		struct mz_cand *c = calloc(6, sizeof(*c));
		size_t nc = 0;

		TSM_BUG_ON(!c);
		for (size_t i = 0; i < 6; i++) {
			struct mnode t;

			if (!mn_get(&z->best, keys[i]))
				continue;
			mn_copy(&t, &z->best);
			mn_del(&t, keys[i]);
			mz_cand_make(&c[nc++], &t, z->budget);
		}
		if (!settle(z, c, nc, nc ? mz_batch(z, c, nc) : -1))
			return any;
		any = true;
	}
}

/* ------------------------------------------------------------- numbers */

static bool shrinkable_key(const char *k)
{
	/* not gap: a shorter gap means more accesses, a longer run */
	static const char *const keys[] = { "count", "delay", "at", "after",
					    "start", NULL };

	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

/* The @nth shrinkable scalar of @n in walk order, counting in *@seen. */
static struct mnode *nth_number(struct mnode *n, size_t nth, size_t *seen)
{
	for (size_t i = 0; n->type == MN_MAP && i + 1 < n->n; i += 2) {
		struct mnode *v = &n->kids[i + 1];

		if (v->type == MN_SCALAR && v->plain && shrinkable_key(n->kids[i].text) &&
		    v->text[0] >= '1' && v->text[0] <= '9' && (*seen)++ == nth)
			return v;
	}
	for (size_t i = 0; n->type != MN_SCALAR && i < n->n; i++) {
		struct mnode *r = nth_number(&n->kids[i], nth, seen);

		if (r)
			return r;
	}
	return NULL;
}

/* Smaller values of "N[suffix]": 0, 1suffix, N/2 suffix (distinct, < N). */
static size_t smaller(const char *text, char out[3][48])
{
	char *sfx;
	unsigned long long v = strtoull(text, &sfx, 10), cand[3] = { 0, 1, v / 2 };
	size_t n = 0;

	if (strlen(sfx) > 8)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		if (cand[i] >= v || (i && cand[i] <= cand[i - 1]) || (i == 2 && cand[2] <= 1))
			continue;
		snprintf(out[n++], 48, "%llu%s", cand[i], cand[i] ? sfx : "");
	}
	return n;
}

static bool shrink_numbers(struct mz *z)
{
	bool any = false;

	for (size_t nth = 0;; nth++) {
		size_t seen = 0, nv;
		struct mnode *v = nth_number(&z->best, nth, &seen);
		char vals[3][48];
		struct mz_cand *c;

		if (!v)
			return any;
		nv = smaller(v->text, vals);
		c = calloc(nv + 1, sizeof(*c));
		TSM_BUG_ON(!c);
		for (size_t i = 0; i < nv; i++) {
			struct mnode t, *tv;

			mn_copy(&t, &z->best);
			seen = 0;
			tv = nth_number(&t, nth, &seen);
			free(tv->text);
			tv->text = sim_xstrdup(vals[i]);
			mz_cand_make(&c[i], &t, z->budget);
		}
		if (settle(z, c, nv, nv ? mz_batch(z, c, nv) : -1)) {
			any = true;
			nth--;	/* the same number again, from its new value */
		}
	}
}

void mz_shrink(struct mz *z)
{
	static const char *const lists[] = {
		"steps", "traffic", "faults", "expect.allow", "expect.hitless",
		"platform.devices", "platform.guests",
	};

	for (int round = 0; round < MZ_MAX_ROUNDS; round++) {
		bool any = false;

		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			any |= cut_list(z, lists[i]);
		any |= drop_top_keys(z);
		any |= drop_step_key(z, "label");
		any |= drop_step_key(z, "expect");
		any |= shrink_numbers(z);
		if (!any)
			return;
	}
}
