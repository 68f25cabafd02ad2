// SPDX-License-Identifier: MIT
/*
 * sweep_summary.c - what a sweep found, for a person (docs/sweep.md):
 * the points run, crashed and timed out; per arch a matrix of fault kind
 * x labelled step (before / during / after) with the outcome class of the
 * points in each cell; the distinct outcome signatures (arch, set of
 * findings, the first finding's step) with their counts and the command
 * that reproduces each.  Built from result lines only, so the same lines
 * in any order give the same summary.  Rendered by sweep_summary_fmt.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "sweep.h"

/* ------------------------------------------------------------ one line */

static int kind_of(const char *name)
{
	for (int k = 0; name && k < SIM_FIND_NR; k++)
		if (!strcmp(name, sim_finding_name((enum sim_finding_kind)k)))
			return k;
	return -1;
}

static char *dup_or_empty(const char *s)
{
	return sim_xstrdup(s ? s : "");
}

/* The unexpected finding a point is named by: its first, if unexpected. */
static int unexpected_kind(const struct ss_point *pt)
{
	if (pt->first >= 0 && (pt->unexpected >> pt->first & 1))
		return pt->first;
	for (int k = 0; k < SIM_FIND_NR; k++)
		if (pt->unexpected >> k & 1)
			return k;
	return -1;
}

static void classify(struct ss_point *pt)
{
	if (pt->status == SWEEP_CRASHED)
		pt->cls = SS_CRASHED;
	else if (pt->status == SWEEP_TIMEOUT)
		pt->cls = SS_TIMEOUT;
	else if (unexpected_kind(pt) >= 0)
		pt->cls = SS_UNEXPECTED;
	else if (!pt->pass)
		pt->cls = SS_FAILED;
	else if (pt->found)
		pt->cls = SS_EXPECTED;
	else
		pt->cls = SS_CLEAN;
	pt->ukind = pt->cls == SS_UNEXPECTED ? unexpected_kind(pt) : -1;
}

static void read_findings(struct ss_point *pt, const struct jsonr *j)
{
	const struct jsonr *f = jsonr_get(j, "findings");
	const struct jsonr *u = jsonr_get(j, "unexpected");
	const struct jsonr *first = jsonr_get(j, "first_finding");

	for (size_t i = 0; f && f->type == JSONR_OBJ && i < f->n; i++) {
		int k = kind_of(f->keys[i]);

		if (k >= 0 && f->v[i].is_u && f->v[i].u)
			pt->found |= 1u << k;
	}
	for (size_t i = 0; u && u->type == JSONR_ARR && i < u->n; i++) {
		int k = u->v[i].type == JSONR_STR ? kind_of(u->v[i].str) : -1;

		if (k >= 0)
			pt->unexpected |= 1u << k;
	}
	pt->first = -1;
	if (first && first->type == JSONR_OBJ) {
		const char *label = jsonr_str(first, "label");

		pt->first = kind_of(jsonr_str(first, "name"));
		pt->cause = label ? sim_xasprintf("%s", label) :
			    jsonr_u64(first, "line", 0) ?
			    sim_xasprintf("line %llu", (unsigned long long)jsonr_u64(first, "line", 0)) :
			    sim_xstrdup("the end of the run");
	}
}

static int parse_point(const char *line, struct ss_point *pt)
{
	struct sweep_line_info li;
	struct jsonr j;
	const struct jsonr *pass;

	if (sweep_line_parse(line, &li))
		return -EINVAL;
	if (jsonr_parse(line, &j)) {
		sweep_line_info_fini(&li);
		return -EINVAL;
	}
	memset(pt, 0, sizeof(*pt));
	pt->point = li.point;
	pt->npoints = li.npoints;
	pt->status = li.status;
	pt->id = li.id;
	pt->scenario = li.scenario;
	pt->version = li.version;
	pt->arch = dup_or_empty(jsonr_str(&j, "arch"));
	pt->fault = dup_or_empty(jsonr_str(&j, "fault"));
	pt->at = dup_or_empty(jsonr_str(&j, "at"));
	pt->run = dup_or_empty(jsonr_str(&j, "run"));
	pass = jsonr_get(&j, "pass");
	pt->pass = pass && pass->type == JSONR_BOOL && pass->u;
	read_findings(pt, &j);
	classify(pt);
	jsonr_free(&j);
	return 0;
}

static void point_fini(struct ss_point *pt)
{
	free(pt->id);
	free(pt->scenario);
	free(pt->version);
	free(pt->arch);
	free(pt->fault);
	free(pt->at);
	free(pt->run);
	free(pt->cause);
}

/* ------------------------------------------------------------- collect */

struct sweep_summary *sweep_summary_new(void)
{
	struct sweep_summary *s = calloc(1, sizeof(*s));

	TSM_BUG_ON(!s);
	return s;
}

int sweep_summary_add(struct sweep_summary *s, const char *line)
{
	struct ss_point pt;

	if (parse_point(line, &pt))
		return -EINVAL;
	s->pts = sim_xrealloc(s->pts, s->npts + 1, sizeof(*s->pts));
	s->pts[s->npts++] = pt;
	return 0;
}

void sweep_summary_free(struct sweep_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npts; i++)
		point_fini(&s->pts[i]);
	free(s->pts);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->arches);
	free(s->kinds);
	free(s->steps);
	free(s->cells);
	free(s->sigs);
	free(s);
}

static int by_point(const void *a, const void *b)
{
	const struct ss_point *x = a, *y = b;

	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;	/* read order */
}

/* Index of @name in the interned list @v (added when new). */
static size_t intern(struct sweep_summary *s, size_t **v, size_t *n,
		     const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(s->names[(*v)[i]], name))
			return i;
	s->names = sim_xrealloc(s->names, s->nnames + 1, sizeof(*s->names));
	s->names[s->nnames] = sim_xstrdup(name);
	*v = sim_xrealloc(*v, *n + 1, sizeof(**v));
	(*v)[*n] = s->nnames++;
	return (*n)++;
}

/* The step group and slot (0 before, 1 during, 2 after) of a point. */
static void step_of(struct sweep_summary *s, struct ss_point *pt)
{
	const char *at = pt->at, *colon = strchr(at, ':');
	char label[256];

	pt->slot = 1;
	if (colon && !strncmp(at, "before:", 7))
		pt->slot = 0;
	else if (colon && !strncmp(at, "after:", 6))
		pt->slot = 2;
	else if (!colon || strncmp(at, "during:", 7))
		colon = NULL;	/* an absolute cycle: its own group */
	snprintf(label, sizeof(label), "%.*s", colon ? (int)strcspn(colon + 1, "#") : 255,
		 colon ? colon + 1 : at);
	pt->step = intern(s, &s->steps, &s->nsteps, label);
}

static bool same_sig(const struct ss_point *a, const struct ss_point *b)
{
	if (a->archi != b->archi || a->status != b->status)
		return false;
	if (a->status != SWEEP_RAN)
		return true;
	return a->found == b->found && a->first == b->first &&
	       !strcmp(a->cause ? a->cause : "", b->cause ? b->cause : "") &&
	       a->cls == b->cls;
}

static void add_sig(struct sweep_summary *s, size_t i)
{
	const struct ss_point *pt = &s->pts[i];

	if (pt->cls == SS_CLEAN)
		return;
	for (size_t g = 0; g < s->nsigs; g++)
		if (same_sig(&s->pts[s->sigs[g].pt], pt)) {
			s->sigs[g].count++;
			return;
		}
	s->sigs = sim_xrealloc(s->sigs, s->nsigs + 1, sizeof(*s->sigs));
	s->sigs[s->nsigs++] = (struct ss_sig){ i, 1 };
}

/* Arch order, then worst class first, then most points, then first point. */
static int sig_order(const struct sweep_summary *s, const struct ss_sig *x,
		     const struct ss_sig *y)
{
	const struct ss_point *a = &s->pts[x->pt], *b = &s->pts[y->pt];

	if (a->archi != b->archi)
		return a->archi < b->archi ? -1 : 1;
	if (a->cls != b->cls)
		return a->cls > b->cls ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->pt < y->pt ? -1 : x->pt > y->pt;
}

static void sort_sigs(struct sweep_summary *s)
{
	/* insertion sort: qsort has no context argument in C11 */
	for (size_t i = 1; i < s->nsigs; i++) {
		struct ss_sig v = s->sigs[i];
		size_t j = i;

		while (j > 0 && sig_order(s, &s->sigs[j - 1], &v) > 0) {
			s->sigs[j] = s->sigs[j - 1];
			j--;
		}
		s->sigs[j] = v;
	}
}

static void dedupe(struct sweep_summary *s)
{
	size_t n = 0;

	/* qsort is not stable: the first line of a point must win */
	for (size_t i = 0; i < s->npts; i++)
		s->pts[i].slot = (int)i;
	qsort(s->pts, s->npts, sizeof(*s->pts), by_point);
	for (size_t i = 0; i < s->npts; i++) {
		if (n && s->pts[n - 1].point == s->pts[i].point) {
			s->dups++;
			point_fini(&s->pts[i]);
			continue;
		}
		s->pts[n++] = s->pts[i];
	}
	s->npts = n;
}

void sweep_summary_build(struct sweep_summary *s)
{
	size_t ncells;

	dedupe(s);
	for (size_t i = 0; i < s->npts; i++) {
		struct ss_point *pt = &s->pts[i];

		pt->archi = intern(s, &s->arches, &s->narches, pt->arch);
		pt->kind = intern(s, &s->kinds, &s->nkinds, pt->fault);
		step_of(s, pt);
		s->npoints = pt->npoints;
		s->status[pt->status]++;
		s->cls[pt->cls]++;
	}
	ncells = s->narches * s->nkinds * s->nsteps * 3;
	s->cells = calloc(ncells + 1, sizeof(*s->cells));
	TSM_BUG_ON(!s->cells);
	for (size_t i = 0; i < s->npts; i++) {
		const struct ss_point *pt = &s->pts[i];
		struct ss_cell *c = (struct ss_cell *)sweep_summary_cell(s, pt->archi,
			pt->kind, pt->step, pt->slot);

		c->cls[pt->cls]++;
		if (pt->ukind >= 0)
			c->kinds[pt->ukind]++;
		add_sig(s, i);
	}
	sort_sigs(s);
}

const struct ss_cell *sweep_summary_cell(const struct sweep_summary *s,
					 size_t a, size_t k, size_t st, int sl)
{
	return &s->cells[((a * s->nkinds + k) * s->nsteps + st) * 3 + (size_t)sl];
}

enum ss_class sweep_summary_cell_class(const struct ss_cell *c, int *kind)
{
	int worst = SS_NONE;

	*kind = -1;
	for (int i = SS_NR - 1; i > SS_NONE && worst == SS_NONE; i--)
		if (c->cls[i])
			worst = i;
	for (int k = 0; worst == SS_UNEXPECTED && k < SIM_FIND_NR; k++)
		if (c->kinds[k] && (*kind < 0 || c->kinds[k] > c->kinds[*kind]))
			*kind = k;
	return (enum ss_class)worst;
}

const char *sweep_summary_class_name(enum ss_class c)
{
	static const char *const names[SS_NR] = {
		"none", "clean", "expected", "failed", "unexpected",
		"timeout", "crashed",
	};

	return (unsigned int)c < SS_NR ? names[c] : "?";
}

/* ------------------------------------------------------------ --summary */

static int read_file(struct sweep_summary *s, const char *file,
		     const char **hash, char **first_hash)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "tsmsim sweep: %s: cannot read the file\n", file);
		return CLI_EX_NOINPUT;
	}
	while (!rc && (n = getline(&line, &cap, f)) > 0) {
		const struct ss_point *pt;
		const char *why;

		lineno++;
		if (!strcmp(line, "\n"))
			continue;
		if (sweep_summary_add(s, line)) {
			fprintf(stderr, "tsmsim sweep: %s:%zu: not a %s result line\n",
				file, lineno, SWEEP_SCHEMA);
			rc = CLI_EX_DATAERR;
			break;
		}
		pt = &s->pts[s->npts - 1];
		if (!*hash) {
			*first_hash = sim_xstrdup(pt->scenario ? pt->scenario : "");
			*hash = *first_hash;
		}
		why = sweep_line_mismatch(&(struct sweep_line_info){
				.scenario = pt->scenario, .version = pt->version },
			*hash, TSMSIM_VERSION);
		if (why) {
			fprintf(stderr, "tsmsim sweep: %s:%zu: will not summarise this line with the others: %s\n",
				file, lineno, why);
			rc = CLI_EX_USAGE;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

int sweep_summary_main(const char *const *files, size_t nfiles,
		       enum sweep_fmt fmt, const char *out)
{
	struct sweep_summary *s = sweep_summary_new();
	const char *hash = NULL;
	char *first_hash = NULL;
	FILE *f = NULL;
	int rc = 0;

	for (size_t i = 0; !rc && i < nfiles; i++)
		rc = read_file(s, files[i], &hash, &first_hash);
	if (!rc && !s->npts) {
		fprintf(stderr, "tsmsim sweep: --summary: no result lines\n");
		rc = CLI_EX_FAIL;
	}
	if (!rc) {
		f = out ? fopen(out, "w") : stdout;
		if (!f) {
			fprintf(stderr, "tsmsim sweep: cannot write %s\n", out);
			rc = CLI_EX_USAGE;
		}
	}
	if (!rc) {
		sweep_summary_build(s);
		int bad;

		sweep_summary_write(f, s, fmt);
		bad = fflush(f) | ferror(f);
		if (f != stdout)
			bad |= fclose(f);
		if (bad) {
			fprintf(stderr, "tsmsim sweep: cannot write %s\n",
				out ? out : "the summary");
			rc = CLI_EX_USAGE;
		}
	}
	free(first_hash);
	sweep_summary_free(s);
	return rc;
}
