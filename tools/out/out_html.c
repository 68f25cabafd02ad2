// SPDX-License-Identifier: MIT
/*
 * out_html.c - `--html OUT.html`: one self-contained page (inline CSS, no
 * script, no external resource) to attach to a mail.  Per arch run: the
 * header, an SVG timeline, the steps, the findings with their cause
 * chains and the expectations.
 *
 * The timeline (out_timeline.c): lanes for the steps, each recorded track
 * (TDI state bands with TDISP markers, each initiator's accesses coloured
 * by result, firmware calls, mappings, ...) and the findings, on a time
 * axis whose idle stretches are drawn short.  Hovering any shape shows
 * its details (SVG <title>).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "load.h"

static const char css[] =
"body{font:14px/1.4 sans-serif;margin:1em;color:#222}svg.timeline{display:block;width:100%;height:auto}"
"table{border-collapse:collapse;margin:.5em 0}"
"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
"th{background:#f0f0f0}.fail{color:#b00;font-weight:bold}.pass{color:#070;font-weight:bold}"
"pre{white-space:pre-wrap;margin:0}section{margin-bottom:2.5em}"
"svg text{font:11px sans-serif}.mono{font-family:monospace}"
".legend span{display:inline-block;padding:0 6px;margin-right:4px}";

void out_html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	out_xml_str(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head><body>\n", css);
}

void out_html_foot(FILE *f)
{
	fprintf(f, "<p><small>tsmsim %s</small></p>\n</body></html>\n",
		TSMSIM_VERSION);
}

/* -------------------------------------------------------------- tables */

static void td(FILE *f, const char *text, const char *cls)
{
	fputs(cls ? "<td class=\"" : "<td>", f);
	if (cls)
		fprintf(f, "%s\">", cls);
	out_xml_str(f, text);
	fputs("</td>", f);
}

static void steps_table(FILE *f, const struct run_result *r)
{
	char op[128], num[32];

	fputs("<h3>steps</h3>\n<table><tr><th>#</th><th>line</th><th>op [label]</th><th>start</th><th>done@cycle</th><th>result</th><th>expect</th><th>detail</th></tr>\n", f);
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct run_step *st = &r->steps[i];

		out_step_name(st, op, sizeof(op));
		fprintf(f, "<tr><td>%zu</td><td>%u</td>", i, st->line);
		td(f, op, "mono");
		snprintf(num, sizeof(num), "%" PRIu64, st->start);
		td(f, num, NULL);
		snprintf(num, sizeof(num), "%" PRIu64, st->end);
		td(f, num, NULL);
		td(f, st->result, st->ok ? NULL : "fail");
		td(f, st->expect, NULL);
		fputs("<td><pre>", f);
		out_xml_str(f, st->detail);
		fputs("</pre></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void findings_list(FILE *f, const struct run_result *r)
{
	size_t n = sim_findings_count(r->sim);

	fprintf(f, "<h3>findings: %zu%s</h3>\n", n, r->checkers_off ?
		" (checkers off: nothing was judged)" : "");
	if (!n)
		return;
	fputs("<table><tr><th>finding</th><th>count</th><th>cycles</th><th>at</th><th>explanation</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);
		char where[200];

		fprintf(f, "<tr><td class=\"%s\">%s%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "..%" PRIu64 "</td><td>",
			fd->suppressed ? "" : "fail", sim_finding_name(fd->kind),
			fd->suppressed ? " (allowed)" : "", fd->count, fd->first,
			fd->last);
		out_xml_str(f, report_finding_where(fd, where, sizeof(where)));
		fputs("</td><td>", f);
		out_xml_str(f, fd->explain);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void checks_table(FILE *f, const struct run_result *r)
{
	char line[16];

	fputs("<h3>expectations</h3>\n<table><tr><th></th><th>what</th><th>line</th><th>want</th><th>got</th><th>detail</th></tr>\n", f);
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct run_check *c = &r->checks[i];

		fputs("<tr>", f);
		td(f, c->ok ? "ok" : "FAIL", c->ok ? "pass" : "fail");
		td(f, c->what, "mono");
		snprintf(line, sizeof(line), "%u", c->line);
		td(f, c->line ? line : "", NULL);
		td(f, c->expected, NULL);
		td(f, c->actual, NULL);
		td(f, c->detail ? c->detail : "", NULL);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void run_section(FILE *f, const struct scenario *scn,
			const struct out_run *run, size_t i)
{
	const struct run_result *r = run->res;

	fprintf(f, "<section id=\"run-%zu\">\n<h2>", i + 1);
	out_xml_str(f, r->arch);
	fprintf(f, ": <span class=\"%s\">%s</span></h2>\n",
		r->pass ? "pass" : "fail", r->pass ? "PASS" : "FAIL");
	fputs("<table><tr><th>scenario</th>", f);
	td(f, scn->name, "mono");
	fputs("</tr><tr><th>arch</th>", f);
	td(f, r->arch, "mono");
	fprintf(f, "</tr><tr><th>seed</th><td>%" PRIu64 "</td></tr><tr><th>cycles</th><td>%" PRIu64 " (%" PRIu64 " MHz), %s</td></tr><tr><th>verdict</th>",
		r->seed, r->cycles, scn->clock_mhz,
		sim_run_status_name(r->status));
	td(f, r->pass ? "PASS" : "FAIL", r->pass ? "pass" : "fail");
	fputs("</tr></table>\n<h3>timeline</h3>\n", f);
	out_html_timeline(f, run, scn->clock_mhz);
	steps_table(f, r);
	findings_list(f, r);
	checks_table(f, r);
	fputs("</section>\n", f);
}

void out_html_write(FILE *f, const struct scenario *scn,
		    const struct out_run *runs, size_t n)
{
	char title[160];

	snprintf(title, sizeof(title), "tsmsim: %s", scn->name);
	out_html_head(f, title);
	fputs("<h1>", f);
	out_xml_str(f, title);
	fputs("</h1>\n", f);
	if (scn->description) {
		fputs("<p>", f);
		out_xml_str(f, scn->description);
		fputs("</p>\n", f);
	}
	fputs("<p>file <span class=\"mono\">", f);
	out_xml_str(f, scn->file);
	fputs("</span>; runs:", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, " <a href=\"#run-%zu\">", i + 1);
		out_xml_str(f, runs[i].res->arch);
		fprintf(f, "</a> %s", runs[i].res->pass ? "PASS" : "FAIL");
	}
	fputs("</p>\n", f);
	for (size_t i = 0; i < n; i++)
		run_section(f, scn, &runs[i], i);
	out_html_foot(f);
}
