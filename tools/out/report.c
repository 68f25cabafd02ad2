// SPDX-License-Identifier: MIT
/*
 * report.c - text and JSON reports.  The text report fits 80 columns
 * because people paste it into mail; long explanations are wrapped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "run.h"
#include "load.h"

#define WIDTH 80

/* Print @text wrapped at WIDTH, every line indented by @indent. */
static void wrap(FILE *f, const char *text, int indent)
{
	const char *p = text;
	int col = 0;

	while (*p) {
		size_t word = strcspn(p, " \n");

		if (col && col + 1 + (int)word > WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		if (!col)
			col = fprintf(f, "%*s", indent, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)word, p);
		p += word;
		if (*p == '\n') {
			fputc('\n', f);
			col = 0;
		}
		while (*p == ' ' || *p == '\n')
			p++;
	}
	if (col)
		fputc('\n', f);
}

static void text_steps(FILE *f, const struct run_result *r, int verbose)
{
	fprintf(f, "steps\n");
	fprintf(f, "  %3s %4s %-26s %11s %s\n", "#", "line", "op [label]",
		"done@cycle", "result");
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct run_step *s = &r->steps[i];
		char op[64];

		if (verbose < 0 && s->ok)
			continue;
		snprintf(op, sizeof(op), "%s%s%s%s", s->op, s->label ? " [" : "",
			 s->label ? s->label : "", s->label ? "]" : "");
		fprintf(f, "  %3zu %4u %-26.26s %11" PRIu64 " %s\n", i,
			s->line, op, s->end, s->result);
		if (!s->ok)
			fprintf(f, "%*s^ FAIL: the step expected %s\n", 12, "",
				s->expect);
		if (s->late)
			fprintf(f, "%*swarning: started late (its `at:` had passed)\n",
				12, "");
		if (s->detail && (!s->ok || verbose > 0))
			wrap(f, s->detail, 12);
	}
}

const char *report_finding_where(const struct sim_finding *fd, char *buf,
				 size_t len)
{
	if (fd->origin && fd->line)
		snprintf(buf, len, "%s, line %u", fd->origin, fd->line);
	else if (fd->origin)
		snprintf(buf, len, "%s", fd->origin);
	else if (fd->line)
		snprintf(buf, len, "line %u%s%s%s", fd->line,
			 fd->label ? " [" : "", fd->label ? fd->label : "",
			 fd->label ? "]" : "");
	else
		snprintf(buf, len, "outside any step");
	return buf;
}

static void text_findings(FILE *f, const struct run_result *r)
{
	size_t n = sim_findings_count(r->sim);

	fprintf(f, "findings: %zu%s\n", n, r->checkers_off ?
		" (--checkers none: nothing was judged; only the watchdog reports)" : "");
	for (size_t i = 0; i < n; i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);
		char head[320], where[200];

		snprintf(head, sizeof(head),
			 "%s%s x%" PRIu64 ", cycles %" PRIu64 "..%" PRIu64
			 ", at %s", sim_finding_name(fd->kind),
			 fd->suppressed ? " (allowed)" : "", fd->count,
			 fd->first, fd->last,
			 report_finding_where(fd, where, sizeof(where)));
		wrap(f, head, 2);
		wrap(f, fd->explain, 6);
	}
}

/* "before:L", "during:L#K", "cycle N": a fault's point as the user wrote it */
static void point_str(const struct scn_point *pt, char *buf, size_t len)
{
	static const char *const kinds[] = {
		[SCN_PT_BEFORE] = "before", [SCN_PT_AFTER] = "after",
		[SCN_PT_DURING] = "during",
	};

	if (pt->kind == SCN_PT_CYCLE)
		snprintf(buf, len, "%" PRIu64, pt->cycle);
	else if (pt->kind == SCN_PT_DURING)
		snprintf(buf, len, "during:%s#%u", pt->label, pt->k);
	else
		snprintf(buf, len, "%s:%s", kinds[pt->kind], pt->label);
}

/*
 * A fault that never fired injected nothing: a clean run then proves
 * nothing about it, so the report says so (only those: a fault that fired
 * shows in the steps and findings).
 */
static void text_faults(FILE *f, const struct scenario *scn,
			const struct run_result *r)
{
	char at[128], where[32], line[320];

	for (size_t i = 0; r->fault_fired && i < r->nfaults && i < scn->nfaults; i++) {
		const struct scn_fault *fa = &scn->faults[i];

		if (r->fault_fired[i])
			continue;
		point_str(&fa->at, at, sizeof(at));
		if (fa->pos.set || !fa->pos.line)
			snprintf(where, sizeof(where), "--inject");
		else
			snprintf(where, sizeof(where), "line %u", fa->pos.line);
		snprintf(line, sizeof(line),
			 "fault %s at %s (%s) did not fire: its point never came in this run",
			 fa->kind, at, where);
		wrap(f, line, 2);
	}
}

static void text_checks(FILE *f, const struct run_result *r, int verbose)
{
	fprintf(f, "expectations\n");
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct run_check *c = &r->checks[i];

		if (verbose < 0 && c->ok)
			continue;
		fprintf(f, "  %-4s  %-26.26s want %-16s got %s\n",
			c->ok ? "ok" : "FAIL", c->what, c->expected, c->actual);
		if (c->detail)
			wrap(f, c->detail, 8);
	}
	if (r->unjudged)
		fprintf(f, "  %zu not judged: they need the checkers, which were off\n",
			r->unjudged);
}

static size_t failed_checks(const struct run_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nchecks; i++)
		n += !r->checks[i].ok;
	return n;
}

void report_text(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o)
{
	for (size_t i = 0; i < nruns; i++) {
		const struct run_result *r = &runs[i];
		size_t bad = failed_checks(r);
		char unjudged[48] = "";

		if (r->unjudged)
			snprintf(unjudged, sizeof(unjudged), ", %zu not judged",
				 r->unjudged);
		if (i)
			fputc('\n', f);
		fprintf(f, "tsmsim %s: %s on %s, seed %" PRIu64 "\n",
			TSMSIM_VERSION, scn->name, r->arch, r->seed);
		if (o->verbose >= 0 && scn->description)
			wrap(f, scn->description, 2);
		if (o->verbose >= 0)
			fputc('\n', f);
		text_steps(f, r, o->verbose);
		text_findings(f, r);
		text_faults(f, scn, r);
		text_checks(f, r, o->verbose);
		if (o->stats)
			run_stats_text(f, r);
		fprintf(f, "result on %s: %s (%zu of %zu expectations held%s; %" PRIu64
			" cycles%s%s)\n", r->arch, r->pass ? "PASS" : "FAIL",
			r->nchecks - bad, r->nchecks, unjudged, r->cycles,
			r->status == SIM_RUN_WATCHDOG ? ", watchdog" : "",
			r->checkers_off ? "; checkers off" : "");
	}
}

static void json_kv(FILE *f, const char *k, const char *v, bool comma)
{
	jsonr_write_str(f, k);
	fputc(':', f);
	if (v)
		jsonr_write_str(f, v);
	else
		fputs("null", f);
	if (comma)
		fputc(',', f);
}

static void json_steps(FILE *f, const struct run_result *r)
{
	fputs("\"steps\":[", f);
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct run_step *s = &r->steps[i];

		fprintf(f, "%s{\"index\":%d,\"line\":%u,", i ? "," : "",
			s->index, s->line);
		json_kv(f, "label", s->label, true);
		json_kv(f, "op", s->op, true);
		fprintf(f, "\"start\":%" PRIu64 ",\"end\":%" PRIu64 ",", s->start,
			s->end);
		json_kv(f, "result", s->result, true);
		json_kv(f, "expect", s->expect, true);
		fprintf(f, "\"ok\":%s,\"late\":%s,", s->ok ? "true" : "false",
			s->late ? "true" : "false");
		json_kv(f, "detail", s->detail, false);
		fputc('}', f);
	}
	fputs("],", f);
}

static void json_findings(FILE *f, const struct run_result *r)
{
	fputs("\"findings\":[", f);
	for (size_t i = 0; i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);

		fputs(i ? ",{" : "{", f);
		json_kv(f, "name", sim_finding_name(fd->kind), true);
		fprintf(f, "\"count\":%" PRIu64 ",\"first\":%" PRIu64
			",\"last\":%" PRIu64 ",\"step\":%d,\"line\":%u,",
			fd->count, fd->first, fd->last, fd->step, fd->line);
		json_kv(f, "label", fd->label, true);
		json_kv(f, "origin", fd->origin, true);
		fprintf(f, "\"allowed\":%s,", fd->suppressed ? "true" : "false");
		json_kv(f, "explain", fd->explain, false);
		fputc('}', f);
	}
	fputs("],", f);
}

static void json_checks(FILE *f, const struct run_result *r)
{
	fputs("\"expectations\":[", f);
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct run_check *c = &r->checks[i];

		fputs(i ? ",{" : "{", f);
		json_kv(f, "what", c->what, true);
		json_kv(f, "expected", c->expected, true);
		json_kv(f, "actual", c->actual, true);
		fprintf(f, "\"ok\":%s,\"line\":%u,", c->ok ? "true" : "false",
			c->line);
		json_kv(f, "detail", c->detail, false);
		fputc('}', f);
	}
	fputs("],", f);
}

static void json_faults(FILE *f, const struct scenario *scn,
			const struct run_result *r)
{
	char at[128];

	fputs("\"faults\":[", f);
	for (size_t i = 0; r->fault_fired && i < r->nfaults && i < scn->nfaults; i++) {
		fputs(i ? ",{" : "{", f);
		json_kv(f, "kind", scn->faults[i].kind, true);
		point_str(&scn->faults[i].at, at, sizeof(at));
		json_kv(f, "at", at, true);
		fprintf(f, "\"line\":%u,\"fired\":%s}", scn->faults[i].pos.line,
			r->fault_fired[i] ? "true" : "false");
	}
	fputs("],", f);
}

void report_json(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o)
{
	bool pass = true;

	fputs("{\"schema\":\"tsmsim-run/1\",", f);
	json_kv(f, "version", TSMSIM_VERSION, true);
	json_kv(f, "scenario", scn->name, true);
	json_kv(f, "file", scn->file, true);
	json_kv(f, "description", scn->description, true);
	fputs("\"runs\":[", f);
	for (size_t i = 0; i < nruns; i++) {
		const struct run_result *r = &runs[i];

		pass &= r->pass;
		fputs(i ? ",{" : "{", f);
		json_kv(f, "arch", r->arch, true);
		fprintf(f, "\"seed\":%" PRIu64 ",\"cycles\":%" PRIu64
			",\"events\":%" PRIu64 ",", r->seed, r->cycles, r->events);
		json_kv(f, "end", sim_run_status_name(r->status), true);
		json_kv(f, "checkers", r->checkers_off ? "none" : "all", true);
		fprintf(f, "\"unjudged\":%zu,", r->unjudged);
		json_steps(f, r);
		json_findings(f, r);
		json_checks(f, r);
		json_faults(f, scn, r);
		if (o->stats)
			run_stats_json(f, r);
		fprintf(f, "\"pass\":%s}", r->pass ? "true" : "false");
	}
	fprintf(f, "],\"pass\":%s}\n", pass ? "true" : "false");
}
