// SPDX-License-Identifier: MIT
/*
 * sweep_json.c - one point run in this process, and its result as one
 * JSON line of schema tsmsim-sweep/1 (docs/sweep.md); the keys merge and
 * --resume check, read back with jsonr.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "out.h"
#include "run.h"
#include "sweep.h"

static const char *const status_names[SWEEP_STATUS_NR] = {
	[SWEEP_RAN] = "ran",
	[SWEEP_CRASHED] = "crashed",
	[SWEEP_TIMEOUT] = "timeout",
};

const char *sweep_status_name(enum sweep_status st)
{
	return (unsigned int)st < SWEEP_STATUS_NR ? status_names[st] : "?";
}

/* ----------------------------------------------------------------- write */

static void w_key(FILE *f, const char *k)
{
	fputc(',', f);
	jsonr_write_str(f, k);
	fputc(':', f);
}

static void w_set(FILE *f, const struct sweep_combo *c)
{
	fputc('{', f);
	for (size_t i = 0; i < c->nswept; i++) {
		const struct scn_set *s = &c->sets[c->swept[i]];

		if (i)
			fputc(',', f);
		jsonr_write_str(f, s->path);
		fputc(':', f);
		jsonr_write_str(f, s->value);
	}
	fputc('}', f);
}

static void w_findings(FILE *f, const struct sweep_result *r)
{
	fputc('{', f);
	for (int k = 0; k < SIM_FIND_NR; k++) {
		if (k)
			fputc(',', f);
		jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)k));
		fprintf(f, ":%llu", (unsigned long long)r->findings[k]);
	}
	fputc('}', f);
}

static void w_first(FILE *f, const struct sim_finding *fi)
{
	if (!fi) {
		fputs("null", f);
		return;
	}
	fputs("{\"name\":", f);
	jsonr_write_str(f, sim_finding_name(fi->kind));
	fprintf(f, ",\"cycle\":%llu,\"line\":%u,\"label\":",
		(unsigned long long)fi->first, fi->line);
	if (fi->label)
		jsonr_write_str(f, fi->label);
	else
		fputs("null", f);
	fputs(",\"explain\":", f);
	jsonr_write_str(f, fi->explain);
	fputc('}', f);
}

static void w_unexpected(FILE *f, const struct sweep_result *r)
{
	bool any = false;

	fputc('[', f);
	for (int k = 0; r->status == SWEEP_RAN && k < SIM_FIND_NR; k++) {
		if (!r->unexpected[k])
			continue;
		if (any)
			fputc(',', f);
		jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)k));
		any = true;
	}
	fputc(']', f);
}

/* One shell word: quoted when it holds anything but the safe characters. */
static void shell_word(FILE *f, const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_@%+=:,./-#") == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++)
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	fputc('\'', f);
}

/* The `tsmsim run` command line that reproduces the point. */
static void w_run(FILE *f, const struct sweep_plan *p,
		  const struct sweep_point *pt)
{
	const struct sweep_combo *c = &p->combos[pt->combo];
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	TSM_BUG_ON(!m);
	fputs("tsmsim run ", m);
	shell_word(m, p->file);
	fputs(" --arch ", m);
	shell_word(m, p->arches[pt->arch]);
	fprintf(m, " --seed %llu", (unsigned long long)pt->seed);
	for (size_t i = 0; i < c->nsets; i++) {
		char *kv = sim_xasprintf("%s=%s", c->sets[i].path, c->sets[i].value);

		fputs(" --set ", m);
		shell_word(m, kv);
		free(kv);
	}
	fputs(" --inject ", m);
	shell_word(m, pt->inject);
	TSM_BUG_ON(fclose(m));
	jsonr_write_str(f, buf);
	free(buf);
}

char *sweep_line(const struct sweep_plan *p, const struct sweep_point *pt,
		 const struct sweep_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ran = r->status == SWEEP_RAN;

	if (!f)
		return NULL;
	fprintf(f, "{\"schema\":\"%s\",\"point\":%zu,\"points\":%zu", SWEEP_SCHEMA,
		pt->index, p->npoints);
	w_key(f, "scenario");
	jsonr_write_str(f, p->hash);
	w_key(f, "version");
	jsonr_write_str(f, TSMSIM_VERSION);
	w_key(f, "id");
	jsonr_write_str(f, pt->id);
	w_key(f, "arch");
	jsonr_write_str(f, p->labels[pt->arch]);
	w_key(f, "fault");
	jsonr_write_str(f, pt->fault);
	w_key(f, "at");
	jsonr_write_str(f, pt->at);
	w_key(f, "inject");
	jsonr_write_str(f, pt->inject);
	w_key(f, "set");
	w_set(f, &p->combos[pt->combo]);
	fprintf(f, ",\"seed\":%llu", (unsigned long long)pt->seed);
	w_key(f, "status");
	jsonr_write_str(f, sweep_status_name(r->status));
	/* false: nothing was injected, so the findings say nothing of it */
	fprintf(f, ",\"fired\":%s", !ran ? "null" : r->fired ? "true" : "false");
	w_key(f, "findings");
	if (ran)
		w_findings(f, r);
	else
		fputs("null", f);
	w_key(f, "first_finding");
	w_first(f, ran ? r->first : NULL);
	w_key(f, "cycles");
	if (ran)
		fprintf(f, "%llu", (unsigned long long)r->cycles);
	else
		fputs("null", f);
	fprintf(f, ",\"pass\":%s", ran && r->pass ? "true" : "false");
	w_key(f, "unexpected");
	w_unexpected(f, r);
	w_key(f, "run");
	w_run(f, p, pt);
	fputs("}\n", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------- run one */

/* Count findings as expectations do: deduplicated, not allowed away. */
static void collect(const struct run_result *res, struct sweep_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = SWEEP_RAN;
	r->cycles = res->cycles;
	r->pass = res->pass;
	/* the point's fault is the --inject one: the scenario's come first */
	r->fired = res->nfaults && res->fault_fired[res->nfaults - 1];
	for (size_t i = 0; i < sim_findings_count(res->sim); i++) {
		const struct sim_finding *f = sim_finding_at(res->sim, i);

		if (f->suppressed)
			continue;
		r->findings[f->kind]++;
		if (!r->first || f->first < r->first->first)
			r->first = f;
	}
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct run_check *c = &res->checks[i];

		if (c->ok || strncmp(c->what, "findings.", 9))
			continue;
		for (int k = 0; k < SIM_FIND_NR; k++)
			if (!strcmp(c->what + 9, sim_finding_name((enum sim_finding_kind)k)))
				r->unexpected[k] = true;
	}
}

char *sweep_run_point(const struct sweep_plan *p, const struct sweep_point *pt,
		      int *rc)
{
	const struct sweep_combo *c = &p->combos[pt->combo];
	struct scn_set sets[SWEEP_MAX_SETS + 1];
	struct run_opts ro = { .seed = pt->seed, .has_seed = true };
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_result res;
	struct sweep_result r;
	char *line = NULL;

	memcpy(sets, c->sets, c->nsets * sizeof(*sets));
	sets[c->nsets] = (struct scn_set){ SCN_SET_INJECT, pt->inject };
	*rc = scn_load(p->file, sets, c->nsets + 1, &scn, &d) ?
	      CLI_EX_DATAERR : 0;
	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (*rc)
		return NULL;
	if (run_scenario(scn, p->arches[pt->arch], &ro, &res)) {
		fprintf(stderr, "tsmsim sweep: point %zu (%s): %s\n", pt->index,
			pt->id, res.scn_error ? res.scn_error :
			res.error ? res.error : "internal error");
		*rc = res.scn_error ? CLI_EX_DATAERR : CLI_EX_SOFTWARE;
	} else {
		collect(&res, &r);
		line = sweep_line(p, pt, &r);
		*rc = line ? 0 : CLI_EX_SOFTWARE;
	}
	run_result_fini(&res);
	scn_free(scn);
	return line;
}

/* ------------------------------------------------------------------ read */

/* Member @key of @j when it is there exactly once, else NULL. */
static const struct jsonr *once(const struct jsonr *j, const char *key,
				bool *twice)
{
	const struct jsonr *v = NULL;

	for (size_t i = 0; i < j->n; i++)
		if (!strcmp(j->keys[i], key)) {
			*twice |= v != NULL;
			v = &j->v[i];
		}
	return v;
}

static char *str_of(const struct jsonr *v)
{
	return v && v->type == JSONR_STR ? sim_xstrdup(v->str) : NULL;
}

int sweep_line_parse(const char *line, struct sweep_line_info *info)
{
	static const char *const keys[] = { "schema", "point", "points", "id",
					    "status", "scenario", "version" };
	const struct jsonr *v[7] = { 0 };
	struct jsonr j;
	bool twice = false, ok;
	int st = -1;

	if (jsonr_parse(line, &j))
		return -EINVAL;
	for (int k = 0; j.type == JSONR_OBJ && k < 7; k++)
		v[k] = once(&j, keys[k], &twice);
	for (int i = 0; v[4] && v[4]->type == JSONR_STR && i < SWEEP_STATUS_NR; i++)
		if (!strcmp(v[4]->str, status_names[i]))
			st = i;
	ok = !twice && st >= 0 && v[0] && v[0]->type == JSONR_STR &&
	     !strcmp(v[0]->str, SWEEP_SCHEMA) && v[1] && v[1]->is_u &&
	     v[2] && v[2]->is_u && v[1]->u < v[2]->u && v[3] &&
	     v[3]->type == JSONR_STR && (!v[5] || v[5]->type == JSONR_STR) &&
	     (!v[6] || v[6]->type == JSONR_STR);
	if (ok) {
		info->point = (size_t)v[1]->u;
		info->npoints = (size_t)v[2]->u;
		info->id = str_of(v[3]);
		info->status = (enum sweep_status)st;
		info->scenario = str_of(v[5]);
		info->version = str_of(v[6]);
	}
	jsonr_free(&j);
	return ok ? 0 : -EINVAL;
}

void sweep_line_info_fini(struct sweep_line_info *info)
{
	free(info->id);
	free(info->scenario);
	free(info->version);
	info->id = info->scenario = info->version = NULL;
}

const char *sweep_line_mismatch(const struct sweep_line_info *li,
				const char *hash, const char *version)
{
	if (!li->scenario || !li->version)
		return "it has no scenario hash or version (written by an older tsmsim)";
	if (strcmp(li->scenario, hash))
		return "it comes from another scenario (the file, a --set or a profile changed)";
	if (strcmp(li->version, version))
		return "it was written by another tsmsim version";
	return NULL;
}
