// SPDX-License-Identifier: MIT
/*
 * explore_out.c - what `tsmsim explore` prints: one JSON line per (arch,
 * order) of schema tsmsim-explore/1, a summary line, and the summary for
 * people with each distinct failing outcome (arch + findings with their
 * cause steps + pass) and its order closest to file order (fewest pairs
 * of steps out of file order, then the first in file order), which
 * --write DIR turns into a plain scenario (explore_write.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "explore_internal.h"
#include "out.h"

static const char *const status_names[] = {
	[XP_NONE] = "lost", [XP_RAN] = "ran", [XP_CRASHED] = "crashed",
	[XP_TIMEOUT] = "timeout", [XP_ERROR] = "error",
};

struct group {
	size_t arch;
	char *outcome;
	size_t orders;
	size_t best;		/* the order closest to file order */
	uint64_t best_inv;
	char *path;		/* --write */
};

struct rep {
	const struct xp_plan *pl;
	const struct scenario *scn;
	const char *const *arches;
	size_t narch;
	const struct xp_slot *slots;
	struct group *g;
	size_t ng;
	size_t failing;
	size_t bad_status;
};

static void step_name(FILE *f, const struct scenario *scn, size_t s, bool json)
{
	const struct scn_step *st = &scn->steps[s];

	if (json && st->label)
		jsonr_write_str(f, st->label);
	else if (json)
		fprintf(f, "%u", st->pos.line);
	else if (st->label)
		fputs(st->label, f);
	else
		fprintf(f, "line %u", st->pos.line);
}

/* [[a, b], [c]]: the steps of each block in the order's sequence */
static void order_json(FILE *f, const struct xp_plan *pl, size_t o)
{
	size_t d = 0;

	fputc('[', f);
	for (size_t b = 0; b < pl->scn->nblocks; b++) {
		fputs(b ? ",[" : "[", f);
		for (size_t i = 0; i < pl->scn->blocks[b].n; i++, d++) {
			if (i)
				fputc(',', f);
			step_name(f, pl->scn, xp_step(pl, o, d), true);
		}
		fputc(']', f);
	}
	fputc(']', f);
}

/* "latent-mce x1 at bind; mce x4 at locked-read", "clean", "crashed" */
static char *outcome(const struct scenario *scn, const struct xp_slot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool any = false;

	TSM_BUG_ON(!f);
	if (s->status != XP_RAN)
		fputs(status_names[s->status], f);
	for (int k = 0; s->status == XP_RAN && k < SIM_FIND_NR; k++) {
		bool at = false;

		if (!s->findings[k])
			continue;
		fprintf(f, "%s%s x%llu", any ? "; " : "",
			sim_finding_name((enum sim_finding_kind)k),
			(unsigned long long)s->findings[k]);
		any = true;
		for (uint32_t i = 0; i < s->nsig; i++) {
			if (s->sig[i].kind != k || s->sig[i].step < 0)
				continue;
			fputs(at ? ", " : " at ", f);
			step_name(f, scn, (size_t)s->sig[i].step, false);
			at = true;
		}
	}
	if (s->status == XP_RAN && !any)
		fputs(s->pass ? "no findings" : "no findings, expectations failed", f);
	fclose(f);
	return buf;
}

static void first_json(FILE *f, const struct scenario *scn, const struct xp_slot *s)
{
	if (s->status != XP_RAN || s->first_kind < 0) {
		fputs("null", f);
		return;
	}
	fputs("{\"name\":", f);
	jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)s->first_kind));
	fprintf(f, ",\"cycle\":%llu,\"line\":%u,\"label\":",
		(unsigned long long)s->first_cycle, s->first_line);
	if (s->first_step >= 0 && (size_t)s->first_step < scn->nsteps &&
	    scn->steps[s->first_step].label)
		jsonr_write_str(f, scn->steps[s->first_step].label);
	else
		fputs("null", f);
	fputs(",\"explain\":", f);
	jsonr_write_str(f, s->text);
	fputc('}', f);
}

static void line_json(FILE *f, const struct rep *r, size_t a, size_t o,
		      const char *oc)
{
	const struct xp_slot *s = &r->slots[a * r->pl->norders + o];
	bool any = false;

	fputs("{\"schema\":\"" EXPLORE_SCHEMA "\",\"arch\":", f);
	jsonr_write_str(f, r->arches[a]);
	fprintf(f, ",\"index\":%zu,\"order\":", o);
	order_json(f, r->pl, o);
	fprintf(f, ",\"status\":\"%s\",\"pass\":%s,\"findings\":{", status_names[s->status],
		s->status == XP_RAN && s->pass ? "true" : "false");
	for (int k = 0; k < SIM_FIND_NR; k++) {
		if (!s->findings[k])
			continue;
		fprintf(f, "%s", any ? "," : "");
		jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)k));
		fprintf(f, ":%llu", (unsigned long long)s->findings[k]);
		any = true;
	}
	fputs("},\"first\":", f);
	first_json(f, r->scn, s);
	fputs(",\"outcome\":", f);
	jsonr_write_str(f, oc);
	if (s->status != XP_RAN) {
		fputs(",\"error\":", f);
		jsonr_write_str(f, s->text);
	}
	fprintf(f, ",\"cycles\":%llu}\n", (unsigned long long)s->cycles);
}

static uint64_t inversions(const struct xp_plan *pl, size_t o)
{
	uint64_t n = 0;
	size_t d0 = 0;

	for (size_t b = 0; b < pl->scn->nblocks; b++) {
		size_t len = pl->scn->blocks[b].n;

		for (size_t i = d0; i < d0 + len; i++)
			for (size_t j = i + 1; j < d0 + len; j++)
				n += xp_step(pl, o, i) > xp_step(pl, o, j);
		d0 += len;
	}
	return n;
}

static void group_add(struct rep *r, size_t a, size_t o, char *oc)
{
	uint64_t inv = inversions(r->pl, o);
	struct group *g = NULL;

	for (size_t i = 0; i < r->ng && !g; i++)
		if (r->g[i].arch == a && !strcmp(r->g[i].outcome, oc))
			g = &r->g[i];
	if (!g) {
		r->g = realloc(r->g, (r->ng + 1) * sizeof(*r->g));
		TSM_BUG_ON(!r->g);
		g = &r->g[r->ng++];
		*g = (struct group){ a, oc, 0, o, inv, NULL };
		oc = NULL;
	} else if (inv < g->best_inv) {
		g->best = o;
		g->best_inv = inv;
	}
	g->orders++;
	free(oc);
}

/* Every JSON line; failing orders grouped by outcome. */
static void lines(FILE *f, struct rep *r)
{
	for (size_t a = 0; a < r->narch; a++)
		for (size_t o = 0; o < r->pl->norders; o++) {
			const struct xp_slot *s = &r->slots[a * r->pl->norders + o];
			char *oc = outcome(r->scn, s);

			line_json(f, r, a, o, oc);
			if (s->status == XP_RAN && s->pass) {
				free(oc);
				continue;
			}
			r->failing++;
			r->bad_status += s->status != XP_RAN;
			group_add(r, a, o, oc);
		}
}

static void summary_json(FILE *f, const struct rep *r)
{
	fprintf(f, "{\"schema\":\"" EXPLORE_SCHEMA "\",\"summary\":{\"orders_allowed\":");
	if (r->pl->allowed_sat)
		fputs("null", f);
	else
		fprintf(f, "%llu", (unsigned long long)r->pl->allowed);
	fprintf(f, ",\"orders_run\":%zu,\"orders_pruned\":", r->pl->norders);
	if (r->pl->capped || r->pl->allowed_sat)
		fputs("null", f);
	else
		fprintf(f, "%llu", (unsigned long long)r->pl->pruned);
	fprintf(f, ",\"capped\":%s,\"arches\":%zu,\"failing\":%zu,\"outcomes\":[",
		r->pl->capped ? "true" : "false", r->narch, r->failing);
	for (size_t i = 0; i < r->ng; i++) {
		fputs(i ? ",{\"arch\":" : "{\"arch\":", f);
		jsonr_write_str(f, r->arches[r->g[i].arch]);
		fputs(",\"outcome\":", f);
		jsonr_write_str(f, r->g[i].outcome);
		fprintf(f, ",\"orders\":%zu,\"order\":", r->g[i].orders);
		order_json(f, r->pl, r->g[i].best);
		fputs(",\"file\":", f);
		if (r->g[i].path)
			jsonr_write_str(f, r->g[i].path);
		else
			fputs("null", f);
		fputc('}', f);
	}
	fputs("]}}\n", f);
}

static void order_text(FILE *f, const struct xp_plan *pl, size_t o)
{
	size_t d = 0, col = 6;

	for (size_t b = 0; b < pl->scn->nblocks; b++) {
		fprintf(f, "%s[", b ? " " : "");
		for (size_t i = 0; i < pl->scn->blocks[b].n; i++, d++) {
			const struct scn_step *st = &pl->scn->steps[xp_step(pl, o, d)];
			size_t w = st->label ? strlen(st->label) + 2 : 12;

			if (i)
				fputs(",", f);
			if (i && col + w > 76) {
				fputs("\n      ", f);
				col = 6;
			} else if (i) {
				fputc(' ', f);
			}
			step_name(f, pl->scn, xp_step(pl, o, d), false);
			col += w;
		}
		fputc(']', f);
	}
	fputc('\n', f);
}

static void arch_line(FILE *f, const struct rep *r, size_t a)
{
	size_t bad = 0, ng = 0;

	for (size_t i = 0; i < r->pl->norders; i++) {
		const struct xp_slot *s = &r->slots[a * r->pl->norders + i];

		bad += s->status != XP_RAN || !s->pass;
	}
	for (size_t i = 0; i < r->ng; i++)
		ng += r->g[i].arch == a;
	fprintf(f, "  %s: %zu failing of %zu, %zu distinct outcome%s\n",
		r->arches[a], bad, r->pl->norders, ng, ng == 1 ? "" : "s");
}

/* @text after column @col, broken at spaces to fit 80 columns */
static void wrap(FILE *f, const char *text, int col)
{
	while (*text) {
		const char *sp = strchr(text, ' ');
		int w = sp ? (int)(sp - text) : (int)strlen(text);

		if (col + 1 + w > 79 && col > 6) {
			fputs("\n     ", f);
			col = 5;
		}
		col += fprintf(f, " %.*s", w, text);
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

static void summary_text(FILE *f, const struct rep *r, const struct xp_opts *o)
{
	const struct xp_plan *pl = r->pl;
	uint64_t shared, alone;

	xp_plan_steps(pl, &shared, &alone);
	fprintf(f, "explore %s: %zu block%s, %zu step%s in blocks, %zu arch%s\n",
		r->scn->name ? r->scn->name : o->file, r->scn->nblocks,
		r->scn->nblocks == 1 ? "" : "s", pl->npos, pl->npos == 1 ? "" : "s",
		r->narch, r->narch == 1 ? "" : "es");
	if (pl->allowed_sat)
		fprintf(f, "orders per arch: allowed > 2^64, run %zu", pl->norders);
	else
		fprintf(f, "orders per arch: allowed %llu, run %zu",
			(unsigned long long)pl->allowed, pl->norders);
	if (pl->capped)
		fprintf(f, " (capped by --max-orders)\n");
	else
		fprintf(f, ", pruned as equivalent %llu\n", (unsigned long long)pl->pruned);
	if (pl->noprune)
		fprintf(f, "pruning off: %s\n", pl->noprune);
	fprintf(f, "steps run per arch: %llu sharing prefixes, %llu one order at a time\n",
		(unsigned long long)shared, (unsigned long long)alone);
	for (size_t a = 0; a < r->narch; a++)
		arch_line(f, r, a);
	for (size_t i = 0; i < r->ng; i++) {
		int col = fprintf(f, "%zu. %s, %zu order%s:", i + 1, r->arches[r->g[i].arch],
				  r->g[i].orders, r->g[i].orders == 1 ? "" : "s");

		wrap(f, r->g[i].outcome, col);
		fputs("   closest to file order:\n      ", f);
		order_text(f, pl, r->g[i].best);
		if (r->g[i].path)
			fprintf(f, "   written: %s\n", r->g[i].path);
	}
	if (pl->capped)
		fprintf(f, "result: INCOMPLETE (--max-orders %llu; the other orders were not checked)\n",
			(unsigned long long)o->max_orders);
	else if (r->failing)
		fprintf(f, "result: FAIL (%zu of %zu runs did not hold the expectations)\n",
			r->failing, pl->norders * r->narch);
	else
		fprintf(f, "result: PASS (every order held the expectations on every arch)\n");
}

static int write_groups(struct rep *r, const struct xp_opts *o)
{
	const char *base = strrchr(o->file, '/');
	char name[256];
	size_t n;

	if (!o->write_dir || !r->ng)
		return 0;
	if (mkdir(o->write_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "tsmsim explore: cannot create %s: %s\n", o->write_dir,
			strerror(errno));
		return CLI_EX_USAGE;
	}
	snprintf(name, sizeof(name), "%s", base ? base + 1 : o->file);
	n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, ".yaml"))
		name[n - 5] = 0;
	for (size_t i = 0; i < r->ng; i++) {
		const char *arch = strrchr(r->arches[r->g[i].arch], '/');
		FILE *f;

		arch = arch ? arch + 1 : r->arches[r->g[i].arch];
		r->g[i].path = sim_xasprintf("%s/%s-%.40s-%zu.yaml", o->write_dir, name,
					     arch, i + 1);
		f = fopen(r->g[i].path, "w");
		if (!f || xp_write_yaml(f, o->file, r->pl, r->g[i].best,
					r->arches[r->g[i].arch], o) || fclose(f)) {
			fprintf(stderr, "tsmsim explore: cannot write %s\n", r->g[i].path);
			return CLI_EX_USAGE;
		}
	}
	return 0;
}

int xp_report(const struct xp_plan *pl, const char *const *arches,
	      size_t narch, const struct xp_opts *o, const struct xp_slot *slots)
{
	struct rep r = { pl, pl->scn, arches, narch, slots, NULL, 0, 0, 0 };
	FILE *out = stdout, *human = stderr;
	int rc;

	if (o->out) {
		out = fopen(o->out, "w");
		if (!out) {
			fprintf(stderr, "tsmsim explore: cannot write %s: %s\n", o->out,
				strerror(errno));
			return CLI_EX_USAGE;
		}
		human = stdout;
	}
	lines(out, &r);
	rc = write_groups(&r, o);
	summary_json(out, &r);
	if (o->out && fclose(out)) {
		fprintf(stderr, "tsmsim explore: cannot write %s\n", o->out);
		rc = rc ? rc : CLI_EX_USAGE;
	}
	summary_text(human, &r, o);
	if (pl->capped)
		fprintf(stderr, "tsmsim explore: the blocks allow more than --max-orders %llu orders per arch: ran the first %zu (file order first); the rest were NOT checked\n",
			(unsigned long long)o->max_orders, pl->norders);
	for (size_t i = 0; i < r.ng; i++) {
		free(r.g[i].outcome);
		free(r.g[i].path);
	}
	free(r.g);
	if (rc)
		return rc;
	return r.failing || pl->capped ? CLI_EX_FAIL : CLI_EX_OK;
}
