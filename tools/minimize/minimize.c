// SPDX-License-Identifier: MIT
/*
 * minimize.c - `tsmsim minimize`: the command line, the failing run
 * (from flags, or from one point of sweep results), baking it into one
 * self-contained scenario (the --set values, the --inject faults, the
 * arch and the seed written into the YAML), shrinking it
 * (minimize_shrink.c), pinning its expectations to what it now does, and
 * writing it with a header that says where it came from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "minimize.h"
#include "minimize_internal.h"
#include "run.h"
#include "sweep.h"

#define MZ_MAX_STEPS 100000

static int mz_bad(const char *fmt, const char *arg)
{
	return cli_bad("minimize", fmt, arg);
}

/* ------------------------------------------------------------- options */

static int own_option(struct mz_opts *o, const char *opt, const char *val)
{
	char *end;

	if (!strcmp(opt, "--jobs")) {
		unsigned long v = strtoul(val, &end, 10);

		if (*end || end == val || !v || v > 1024)
			return mz_bad("--jobs wants an integer 1..1024, got '%s'", val);
		o->jobs = (unsigned int)v;
	} else if (!strcmp(opt, "--timeout")) {
		unsigned long long v = strtoull(val, &end, 10);

		if (end == val || !v || v > 86400 || *end)
			return mz_bad("--timeout wants seconds >= 1, got '%s'", val);
		o->timeout_ms = v * 1000;
	} else if (!strcmp(opt, "--out")) {
		if (!*val)
			return mz_bad("--out wants a file name%s", "");
		o->out = val;
	} else if (!strcmp(opt, "--from")) {
		o->from = val;
	} else {
		o->point = val;
	}
	return 0;
}

static bool is_own(const char *opt, size_t len)
{
	static const char *const names[] = { "--jobs", "--timeout", "--out",
					     "--from", "--point", NULL };

	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == len && !strncmp(opt, names[i], len))
			return true;
	return false;
}

int minimize_parse(int argc, char **argv, struct mz_opts *o)
{
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, rc = 0;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	o->timeout_ms = 60000;
	TSM_BUG_ON(!rest);
	for (int i = 0; !rc && i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);

		if (!is_own(a, len)) {
			rest[nrest++] = argv[i];
		} else if (eq) {
			char opt[16];

			snprintf(opt, sizeof(opt), "%.*s", (int)len, a);
			rc = own_option(o, opt, eq + 1);
		} else if (i + 1 < argc) {
			rc = own_option(o, a, argv[++i]);
		} else {
			rc = mz_bad("%s needs a value", a);
		}
	}
	if (!rc)
		rc = cli_parse_run(nrest, rest, &o->run);
	free(rest);
	/* what it keeps is a finding: the checkers must judge every run */
	if (!rc && o->run.checkers)
		rc = mz_bad("--checkers is tsmsim run's (minimize needs them all)%s", "");
	if (!rc && o->run.narches > 1)
		rc = mz_bad("--arch takes one arch here, got '%s' too", o->run.arches[1]);
	if (!rc && !o->from != !o->point)
		rc = mz_bad("--from RESULTS.jsonl and --point ID go together%s", "");
	return rc;
}

void minimize_opts_fini(struct mz_opts *o)
{
	cli_run_fini(&o->run);
}

/* ------------------------------------------------------- the sweep point */

struct mz_src {
	char *arch;			/* one arch: name or profile path */
	char *seed;			/* as text, or NULL: the scenario's */
	struct scn_set sets[CLI_MAX_SETS + SWEEP_MAX_SETS];
	char *bufs[CLI_MAX_SETS + SWEEP_MAX_SETS];
	size_t nsets;
	char *what;			/* how the run was named, for the header */
};

static void src_add(struct mz_src *s, const char *path, const char *value)
{
	char *buf = sim_xasprintf("%s=%s", path, value), *eq;

	TSM_BUG_ON(s->nsets == CLI_MAX_SETS + SWEEP_MAX_SETS);
	eq = buf + strlen(path);
	*eq = 0;
	s->bufs[s->nsets] = buf;
	s->sets[s->nsets++] = (struct scn_set){ strcmp(path, SCN_SET_INJECT) ?
						buf : SCN_SET_INJECT, eq + 1 };
}

static const struct jsonr *find_point(const struct jsonr *lines, size_t n,
				      const char *point)
{
	char *end;
	unsigned long long idx = strtoull(point, &end, 10);
	bool by_index = *point && !*end;

	for (size_t i = 0; i < n; i++) {
		const char *id = jsonr_str(&lines[i], "id");

		if (by_index ? jsonr_u64(&lines[i], "point", ~0ULL) == idx :
		    id && !strcmp(id, point))
			return &lines[i];
	}
	return NULL;
}

/* The line of --point in --from; arch, seed, swept sets and the fault. */
static int from_point(const struct mz_opts *o, struct mz_src *s)
{
	FILE *f = fopen(o->from, "r");
	struct jsonr *lines = NULL;
	const struct jsonr *l, *set;
	char *line = NULL, hash[17];
	size_t cap = 0, n = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "tsmsim minimize: %s: cannot read the file\n", o->from);
		return CLI_EX_NOINPUT;
	}
	while (getline(&line, &cap, f) > 0) {
		lines = sim_xrealloc(lines, n + 1, sizeof(*lines));
		if (!jsonr_parse(line, &lines[n]))
			n++;
	}
	free(line);
	fclose(f);
	l = find_point(lines, n, o->point);
	if (!l) {
		fprintf(stderr, "tsmsim minimize: %s has no point '%s'\n", o->from, o->point);
		rc = CLI_EX_USAGE;
	} else if (!jsonr_str(l, "inject") || !jsonr_get(l, "seed")) {
		fprintf(stderr, "tsmsim minimize: %s: point '%s' is not a sweep result line\n",
			o->from, o->point);
		rc = CLI_EX_USAGE;
	} else {
		if (!s->arch)
			s->arch = sim_xstrdup(jsonr_str(l, "arch") ? jsonr_str(l, "arch") : "tdx");
		s->seed = sim_xstrdup(jsonr_get(l, "seed")->str ? jsonr_get(l, "seed")->str : "1");
		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)
			 sweep_scenario_hash(o->run.file, s->sets, s->nsets, &s->arch, 1));
		if (jsonr_str(l, "scenario") && strcmp(jsonr_str(l, "scenario"), hash) &&
		    !strchr(s->arch, '/')) {
			fprintf(stderr, "tsmsim minimize: %s: point '%s' comes from another scenario (hash %s; %s with these --set is %s)\n",
				o->from, o->point, jsonr_str(l, "scenario"), o->run.file, hash);
			rc = CLI_EX_USAGE;
		}
		set = jsonr_get(l, "set");
		for (size_t i = 0; !rc && set && set->type == JSONR_OBJ && i < set->n; i++)
			if (set->v[i].type == JSONR_STR)
				src_add(s, set->keys[i], set->v[i].str);
		if (!rc)
			src_add(s, SCN_SET_INJECT, jsonr_str(l, "inject"));
		s->what = sim_xasprintf("point %s of %s (%s)", o->point, o->from,
					jsonr_str(l, "id") ? jsonr_str(l, "id") : "?");
	}
	for (size_t i = 0; i < n; i++)
		jsonr_free(&lines[i]);
	free(lines);
	return rc;
}

static void src_fini(struct mz_src *s)
{
	for (size_t i = 0; i < s->nsets; i++)
		free(s->bufs[i]);
	free(s->arch);
	free(s->seed);
	free(s->what);
}

/* ------------------------------------------------------------- baking */

/* KIND@POINT[,K=V..] as a flow map appended to `faults:`. */
static int bake_inject(struct mnode *root, const char *spec)
{
	char *text = sim_xstrdup(spec), *at = strchr(text, '@'), *tok, *save = NULL;
	struct mnode *faults = mn_get(root, "faults"), f = mn_map(true);

	if (!at || at == text) {
		free(text);
		return -EINVAL;
	}
	*at++ = 0;
	if (!faults) {
		mn_map_add(root, "faults", mn_seq(false));
		faults = mn_get(root, "faults");
	}
	mn_map_add(&f, "kind", mn_scalar(text));
	tok = strtok_r(at, ",", &save);
	mn_map_add(&f, "at", mn_scalar(tok ? tok : ""));
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;	/* the loader said so already */
		*eq = 0;
		mn_map_add(&f, tok, mn_scalar(eq + 1));
	}
	mn_seq_add(faults, f);
	free(text);
	return 0;
}

static struct mnode **steps_of(struct mnode *root, size_t *n)
{
	struct mnode **steps = calloc(MZ_MAX_STEPS, sizeof(*steps));

	TSM_BUG_ON(!steps);
	*n = mn_steps(root, steps, MZ_MAX_STEPS);
	return steps;
}

static int bake(struct mnode *root, const struct mz_src *s)
{
	size_t n;
	struct mnode **steps = steps_of(root, &n);

	for (size_t i = 0; i < n; i++)
		steps[i]->origin = (int)i;
	free(steps);
	for (size_t i = 0; i < s->nsets; i++) {
		int rc = strcmp(s->sets[i].path, SCN_SET_INJECT) ?
			 mn_set_path(root, s->sets[i].path, s->sets[i].value) :
			 bake_inject(root, s->sets[i].value);

		if (rc)
			return rc;
	}
	mn_set(root, "arch", s->arch);
	if (s->seed)
		mn_set(root, "seed", s->seed);
	return 0;
}

/* ------------------------------------------------------------ pinning */

/*
 * A ready regression scenario: each step expects what it now returns and
 * `expect: findings` holds the counts this run has (a state expectation
 * that no longer holds is dropped), so it passes until the behaviour
 * changes.
 */
static void pin(struct mnode *root, const char *arch, bool *passes)
{
	struct mnode **steps, *exp, fi = mn_map(true);
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_opts ro = { 0 };
	struct run_result res;
	char *text = mn_emit(root);
	size_t n;
	uint64_t counts[SIM_FIND_NR] = { 0 };

	*passes = false;
	if (!text || scn_load_string("min", text, NULL, 0, &scn, &d) ||
	    run_scenario(scn, arch, &ro, &res)) {
		if (scn)
			run_result_fini(&res);
		scn_diags_free(&d);
		scn_free(scn);
		free(text);
		mn_free(&fi);
		return;
	}
	steps = steps_of(root, &n);
	for (size_t i = 0; i < res.nsteps && i < n; i++)
		if (!res.steps[i].ok)
			mn_set(steps[i], "expect", res.steps[i].result);
	free(steps);
	for (size_t i = 0; i < sim_findings_count(res.sim); i++)
		if (!sim_finding_at(res.sim, i)->suppressed)
			counts[sim_finding_at(res.sim, i)->kind]++;
	for (int k = 0; k < SIM_FIND_NR; k++)
		if (counts[k]) {
			char v[24];

			snprintf(v, sizeof(v), "%llu", (unsigned long long)counts[k]);
			mn_map_add(&fi, sim_finding_name((enum sim_finding_kind)k), mn_scalar(v));
		}
	exp = mn_get(root, "expect");
	if (!exp) {
		mn_map_add(root, "expect", mn_map(false));
		exp = mn_get(root, "expect");
	}
	mn_del(exp, "findings");
	mn_map_add(exp, "findings", fi);
	for (size_t i = 0; i < res.nchecks; i++)
		if (!res.checks[i].ok && !strncmp(res.checks[i].what, "state", 5))
			mn_del(exp, "state");
	run_result_fini(&res);
	scn_free(scn);
	scn_diags_free(&d);
	free(text);
	text = mn_emit(root);
	*passes = text && !scn_load_string("min", text, NULL, 0, &scn, &d) &&
		  !run_scenario(scn, arch, &ro, &res) && res.pass;
	if (scn)
		run_result_fini(&res);
	scn_free(scn);
	scn_diags_free(&d);
	free(text);
}

/* ------------------------------------------------------------- the run */

static size_t count_of(struct mnode *root, const char *list, const char *sub)
{
	struct mnode *l = mn_get(root, list);

	if (sub)
		l = mn_get(l, sub);
	return l && l->type == MN_SEQ ? l->n : 0;
}

static void sizes(struct mnode *root, char *buf, size_t len)
{
	size_t ns;
	struct mnode **steps = steps_of(root, &ns);

	free(steps);
	snprintf(buf, len, "%zu steps, %zu traffic streams, %zu faults, %zu devices, %zu guests",
		 ns, count_of(root, "traffic", NULL), count_of(root, "faults", NULL),
		 count_of(root, "platform", "devices"), count_of(root, "platform", "guests"));
}

/* How the run was given, as flags (for the header). */
static char *flags_of(const struct mz_src *s)
{
	char *out = sim_xasprintf("--arch %s%s%s", s->arch, s->seed ? " --seed " : "",
				  s->seed ? s->seed : ""), *t;

	for (size_t i = 0; i < s->nsets; i++) {
		bool inj = !strcmp(s->sets[i].path, SCN_SET_INJECT);

		t = inj ? sim_xasprintf("%s --inject %s", out, s->sets[i].value) :
		    sim_xasprintf("%s --set %s=%s", out, s->sets[i].path, s->sets[i].value);
		free(out);
		out = t;
	}
	return out;
}

/* The original step @origin: "N (op [label], line L)". */
static char *step_desc(const struct scenario *orig, int origin)
{
	const struct scn_step *st;

	if (origin < 0 || (size_t)origin >= orig->nsteps)
		return sim_xstrdup("outside any step");
	st = &orig->steps[origin];
	return sim_xasprintf("step %d (%s%s%s%s, line %u)", origin + 1, st->opname,
			     st->label ? " [" : "", st->label ? st->label : "",
			     st->label ? "]" : "", st->pos.line);
}

static int write_min(const struct mz_opts *o, const struct mz_src *s,
		     const struct mz *z, const char *text, const char *before,
		     const char *after, const char *cause)
{
	FILE *f = o->out ? fopen(o->out, "w") : stdout;
	char *flags = flags_of(s);
	int bad;

	if (!f) {
		fprintf(stderr, "tsmsim minimize: cannot write %s\n", o->out);
		free(flags);
		return CLI_EX_USAGE;
	}
	fprintf(f, "# Minimized by tsmsim minimize (tsmsim %s) from %s\n", TSMSIM_VERSION,
		o->run.file);
	if (s->what)
		fprintf(f, "#   %s\n", s->what);
	fprintf(f, "#   %s\n", flags);
	fprintf(f, "# It keeps the first finding of that run: %s at %s of the original.\n",
		sim_finding_name((enum sim_finding_kind)z->kind), cause);
	fprintf(f, "# Original: %s.\n# Here:     %s (%zu shrink runs).\n", before, after,
		z->seq_runs);
	fprintf(f, "# Arch, seed, --set and --inject are written in; `expect` holds what\n"
		   "# this scenario does now, so it fails when that changes.\n");
	fputs(text, f);
	bad = fflush(f) | ferror(f);
	if (f != stdout)
		bad |= fclose(f);
	free(flags);
	if (bad) {
		fprintf(stderr, "tsmsim minimize: cannot write %s\n", o->out ? o->out : "the output");
		return CLI_EX_USAGE;
	}
	return 0;
}

static int load_orig(const struct mz_opts *o, struct mz_src *s,
		     struct scenario **orig)
{
	struct scn_diags d = { 0 };
	int rc = scn_load(o->run.file, s->sets, s->nsets, orig, &d);

	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (rc == -ENOENT) {
		fprintf(stderr, "tsmsim: %s: cannot read the file\n", o->run.file);
		return CLI_EX_NOINPUT;
	}
	if (rc)
		return CLI_EX_DATAERR;
	if (!s->arch)
		s->arch = sim_xstrdup((*orig)->arches[0]);
	return 0;
}

static int setup(struct mz_opts *o, struct mz_src *s, struct scenario **orig)
{
	int rc = 0;

	if (o->run.narches)
		s->arch = sim_xstrdup(o->run.arches[0]);
	if (o->run.ropts.has_seed)
		s->seed = sim_xasprintf("%llu", (unsigned long long)o->run.ropts.seed);
	for (size_t i = 0; i < o->run.nsets; i++)
		src_add(s, o->run.sets[i].path, o->run.sets[i].value);
	if (o->from)
		rc = from_point(o, s);
	return rc ? rc : load_orig(o, s, orig);
}

/* The first run: its finding is the target.  0, or 1 when it has none. */
static int target(struct mz *z, const struct scenario *orig)
{
	struct mz_cand *c = calloc(1, sizeof(*c));
	struct mnode t;
	int kind, step;
	uint64_t events;

	TSM_BUG_ON(!c);
	mn_copy(&t, &z->best);
	mz_cand_make(c, &t, 0);
	if (!mz_first_finding(c->text, z->arch, &kind, &step, &z->shape,
			      &z->watchdog, &events)) {
		fprintf(stderr, "tsmsim minimize: the scenario as rewritten does not load or run (internal error)\n");
		mz_cand_free(c);
		free(c);
		return CLI_EX_SOFTWARE;
	}
	z->kind = kind;
	z->origin = step >= 0 && (size_t)step < c->norigins ? c->origins[step] : -1;
	z->budget = events > (UINT64_MAX - 100000) / 4 ? 0 : events * 4 + 100000;
	mz_cand_free(c);
	free(c);
	if (kind < 0) {
		fprintf(stderr, "tsmsim minimize: the run of %s on %s has no finding: nothing to keep\n",
			orig->file, z->arch);
		return CLI_EX_FAIL;
	}
	return 0;
}

static void describe(struct mnode *root, const struct scenario *orig)
{
	static const char *const order[] = {
		"scenario", "description", "arch", "seed", "clock_mhz", "timing",
		"limits", "platform", "steps", "traffic", "faults", "expect", NULL,
	};
	char *name = sim_xasprintf("%s-min", orig->name), *desc;

	mn_set(root, "scenario", name);
	desc = sim_xasprintf("Minimized from %s by tsmsim minimize.", orig->file);
	mn_del(root, "description");
	/* scenario first, then description, as people write them */
	mn_map_add(root, "description", mn_scalar(desc));
	mn_order(root, order);
	free(name);
	free(desc);
}

int minimize_main(struct mz_opts *o)
{
	struct mz_src s = { 0 };
	struct scenario *orig = NULL;
	struct mz z = { .jobs = o->jobs, .timeout_ms = o->timeout_ms };
	char before[256], after[256], *cause = NULL, *text = NULL;
	bool passes = false;
	int rc = setup(o, &s, &orig);

	if (!rc && mn_load(o->run.file, &z.best))
		rc = CLI_EX_DATAERR;	/* scn_load() took it, so this cannot be */
	if (!rc && bake(&z.best, &s))
		rc = CLI_EX_SOFTWARE;
	z.arch = s.arch;
	if (!rc)
		rc = target(&z, orig);
	if (!rc) {
		sizes(&z.best, before, sizeof(before));
		mz_shrink(&z);
		sizes(&z.best, after, sizeof(after));
		describe(&z.best, orig);
		pin(&z.best, z.arch, &passes);
		text = mn_emit(&z.best);
		cause = step_desc(orig, z.origin);
		rc = text ? write_min(o, &s, &z, text, before, after, cause) :
		     CLI_EX_SOFTWARE;
	}
	if (!rc)
		fprintf(o->out ? stdout : stderr,
			"tsmsim minimize: %s at %s kept; %s -> %s; %zu runs (%zu refused by the loader)%s%s\n",
			sim_finding_name((enum sim_finding_kind)z.kind), cause, before, after,
			z.runs, z.invalid, passes ? "" : "; note: the pinned expectations do not hold",
			o->out ? "" : "");
	free(cause);
	free(text);
	mn_free(&z.best);
	free(z.shape);
	scn_free(orig);
	src_fini(&s);
	return rc;
}
