// SPDX-License-Identifier: MIT
/*
 * out_html.c - `--html OUT.html`: one self-contained page (inline CSS, no
 * script, no external resource) to attach to a mail.  Per arch run: the
 * header, an SVG timeline, the steps, the findings with their cause
 * chains and the expectations.
 *
 * The timeline's x axis gives every step the same width and is linear in
 * cycles inside a step: a 50 ms SPDM handshake and a 1 us config write are
 * both readable.  Lanes: the steps, then each recorded track (TDI state
 * bands with TDISP markers, each initiator's accesses coloured by result,
 * firmware calls, mappings, ...), then the findings as markers.  Hovering
 * any shape shows its details (SVG <title>).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "version.h"

#define LABEL_W 150
#define PLOT_W 900
#define LANE_H 22
#define AXIS_H 30

struct tl {
	FILE *f;
	sim_cycles_t *bp;	/* breakpoints: 0, step ends, the run's end */
	size_t nbp;
	unsigned int segw;	/* pixels per segment */
	unsigned int y;		/* top of the current lane */
};

static const char css[] =
"body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}"
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

/* Indexed by enum tdisp_state (pcie.h: 0 UNLOCKED .. 3 ERROR). */
static const char *const state_color[] = {
	"#dddddd", "#f6c26b", "#93c47d", "#e06666",
};
static const char *const state_name[] = {
	"CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR",
};

static const char *result_color(int res)
{
	static const char *const c[SIM_RES_NR] = {
		[SIM_RES_OK] = "#93c47d", [SIM_RES_RETRIED] = "#b6d7a8",
		[SIM_RES_FAULT] = "#f6b26b", [SIM_RES_UR] = "#e69138",
		[SIM_RES_MCE] = "#cc0000", [SIM_RES_HOST_FAULT] = "#a61c00",
		[SIM_RES_STUCK] = "#674ea7",
	};

	return res >= 0 && res < SIM_RES_NR ? c[res] : "#999999";
}

/* ----------------------------------------------------------- time axis */

static int cmp_cycle(const void *a, const void *b)
{
	sim_cycles_t x = *(const sim_cycles_t *)a, y = *(const sim_cycles_t *)b;

	return x < y ? -1 : x > y;
}

static void tl_axis(struct tl *t, const struct run_result *r)
{
	size_t n = 0;

	t->bp = calloc(r->nsteps + 3, sizeof(*t->bp));
	TSM_BUG_ON(!t->bp);
	t->bp[n++] = 0;
	for (size_t i = 0; i < r->nsteps; i++)
		if (strcmp(r->steps[i].result, "not-run"))
			t->bp[n++] = r->steps[i].end;
	t->bp[n++] = r->cycles ? r->cycles : 1;
	qsort(t->bp, n, sizeof(*t->bp), cmp_cycle);
	t->nbp = 1;
	for (size_t i = 1; i < n; i++)
		if (t->bp[i] != t->bp[t->nbp - 1])
			t->bp[t->nbp++] = t->bp[i];
	if (t->nbp == 1)
		t->bp[t->nbp++] = t->bp[0] + 1;
	t->segw = PLOT_W / (unsigned int)(t->nbp - 1);
	if (t->segw < 4)
		t->segw = 4;
}

static unsigned int tl_x(const struct tl *t, sim_cycles_t c)
{
	size_t k = 0;

	while (k + 2 < t->nbp && c > t->bp[k + 1])
		k++;
	if (c > t->bp[k + 1])
		c = t->bp[k + 1];
	return LABEL_W + (unsigned int)k * t->segw +
	       (unsigned int)((c - t->bp[k]) * t->segw /
			      (t->bp[k + 1] - t->bp[k]));
}

static unsigned int tl_width(const struct tl *t)
{
	return LABEL_W + (unsigned int)(t->nbp - 1) * t->segw + 80;
}

/* ------------------------------------------------------------- shapes */

static void tl_rect(struct tl *t, sim_cycles_t a, sim_cycles_t b,
		    const char *fill, const char *title, const char *more)
{
	unsigned int x0 = tl_x(t, a), x1 = tl_x(t, b);

	fprintf(t->f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\"><title>",
		x0, t->y + 3, x1 > x0 + 2 ? x1 - x0 : 2, LANE_H - 6, fill);
	out_xml_str(t->f, title);
	if (more) {
		fputs("\n", t->f);
		out_xml_str(t->f, more);
	}
	fputs("</title></rect>\n", t->f);
}

static void tl_tick(struct tl *t, sim_cycles_t c, const char *name,
		    const char *detail)
{
	fprintf(t->f, "<rect x=\"%u\" y=\"%u\" width=\"2\" height=\"%u\" fill=\"#555\"><title>cycle %" PRIu64 ": ",
		tl_x(t, c), t->y + 5, LANE_H - 10, c);
	out_xml_str(t->f, name);
	if (detail) {
		fputs("\n", t->f);
		out_xml_str(t->f, detail);
	}
	fputs("</title></rect>\n", t->f);
}

static void tl_lane(struct tl *t, const char *label)
{
	t->y += LANE_H;
	fprintf(t->f, "<line x1=\"0\" x2=\"%u\" y1=\"%u\" y2=\"%u\" stroke=\"#eee\"/>\n<text x=\"4\" y=\"%u\">",
		tl_width(t), t->y, t->y, t->y + 15);
	out_xml_str(t->f, label);
	fputs("</text>\n", t->f);
}

/* -------------------------------------------------------------- lanes */

static void lane_steps(struct tl *t, const struct run_result *r)
{
	char title[384], name[128];

	tl_lane(t, "steps");
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct run_step *st = &r->steps[i];

		if (!strcmp(st->result, "not-run"))
			continue;
		out_step_name(st, name, sizeof(name));
		snprintf(title, sizeof(title),
			 "step %zu, line %u: %s -> %s (expect %s), cycles %"
			 PRIu64 "..%" PRIu64, i, st->line, name,
			 st->result, st->expect, st->start, st->end);
		tl_rect(t, st->start, st->end,
			!st->ok ? "#e06666" : !strcmp(st->result, "skipped") ?
			"#cccccc" : i % 2 ? "#6fa8dc" : "#9fc5e8", title,
			st->detail);
		/* the step's number where the bar has room for it */
		if (tl_x(t, st->end) >= tl_x(t, st->start) + 16)
			fprintf(t->f, "<text x=\"%u\" y=\"%u\">%zu</text>\n",
				tl_x(t, st->start) + 3, t->y + 15, i);
	}
}

static void lane_tdi(struct tl *t, const struct out_log *log, size_t track,
		     sim_cycles_t end)
{
	sim_cycles_t from = 0;
	int state = 0;
	char title[128];

	for (size_t i = 0; i <= log->nev; i++) {
		const struct out_ev *e = i < log->nev ? &log->ev[i] : NULL;

		if (e && (e->track != track || e->kind != OUT_EV_TDI))
			continue;
		snprintf(title, sizeof(title), "%s, cycles %" PRIu64 "..%" PRIu64,
			 state_name[state & 3], from, e ? e->cycle : end);
		tl_rect(t, from, e ? e->cycle : end,
			state_color[state & 3], title, e ? e->detail : NULL);
		if (!e)
			break;
		from = e->cycle;
		state = e->value;
	}
}

static void lane_track(struct tl *t, const struct out_log *log, size_t track,
		       sim_cycles_t end)
{
	char title[160];
	bool tdi = !strncmp(log->tracks[track], "TDI ", 4);

	tl_lane(t, log->tracks[track]);
	if (tdi)
		lane_tdi(t, log, track, end);
	for (size_t i = 0; i < log->nev; i++) {
		const struct out_ev *e = &log->ev[i];

		if (e->track != track || e->kind == OUT_EV_TDI)
			continue;
		if (e->kind == OUT_EV_INSTANT) {
			tl_tick(t, e->cycle, e->name, e->detail);
			continue;
		}
		snprintf(title, sizeof(title), "%s x%" PRIu64 ", cycles %" PRIu64
			 "..%" PRIu64 ", line %u", e->name, e->count, e->start,
			 e->end, e->line);
		tl_rect(t, e->start, e->end, result_color(e->value), title,
			e->detail);
	}
}

static void lane_findings(struct tl *t, const struct run_result *r)
{
	tl_lane(t, "findings");
	for (size_t i = 0; i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);
		unsigned int x = tl_x(t, fd->first);

		fprintf(t->f, "<polygon points=\"%u,%u %u,%u %u,%u\" fill=\"%s\"><title>%s x%" PRIu64 ", cycle %" PRIu64 ", line %u\n",
			x, t->y + 4, x - 6, t->y + LANE_H - 4, x + 6,
			t->y + LANE_H - 4, fd->suppressed ? "#999" : "#cc0000",
			sim_finding_name(fd->kind), fd->count, fd->first, fd->line);
		out_xml_str(t->f, fd->explain);
		fputs("</title></polygon>\n", t->f);
	}
}

static void axis_labels(struct tl *t)
{
	unsigned int last = 0;

	t->y += LANE_H;
	for (size_t k = 0; k < t->nbp; k++) {
		unsigned int x = tl_x(t, t->bp[k]);

		fprintf(t->f, "<line x1=\"%u\" x2=\"%u\" y1=\"%u\" y2=\"%u\" stroke=\"#ccc\"/>\n",
			x, x, LANE_H, t->y);
		if (k && x < last + 80)
			continue;
		fprintf(t->f, "<text x=\"%u\" y=\"%u\">%" PRIu64 "</text>\n", x,
			t->y + 14, t->bp[k]);
		last = x;
	}
}

static void timeline(FILE *f, const struct out_run *run)
{
	const struct run_result *r = run->res;
	struct tl t = { .f = f };
	size_t lanes = 2 + (run->log ? run->log->ntracks : 0);

	tl_axis(&t, r);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\">\n",
		tl_width(&t), (unsigned int)(lanes + 1) * LANE_H + AXIS_H,
		tl_width(&t), (unsigned int)(lanes + 1) * LANE_H + AXIS_H);
	lane_steps(&t, r);
	for (size_t i = 0; run->log && i < run->log->ntracks; i++)
		lane_track(&t, run->log, i, r->cycles);
	lane_findings(&t, r);
	axis_labels(&t);
	fputs("</svg>\n", f);
	fputs("<p class=\"legend\">x axis: cycles; every step gets the same width. TDI: <span style=\"background:#ddd\">CONFIG_UNLOCKED</span><span style=\"background:#f6c26b\">CONFIG_LOCKED</span><span style=\"background:#93c47d\">RUN</span><span style=\"background:#e06666\">ERROR</span> accesses: <span style=\"background:#93c47d\">ok</span><span style=\"background:#b6d7a8\">retried</span><span style=\"background:#f6b26b\">fault</span><span style=\"background:#e69138\">ur</span><span style=\"background:#cc0000;color:#fff\">mce</span><span style=\"background:#a61c00;color:#fff\">host-fault</span><span style=\"background:#674ea7;color:#fff\">stuck</span></p>\n", f);
	if (run->log && run->log->dropped)
		fprintf(f, "<p>%" PRIu64 " trace events were not kept (the log holds %d).</p>\n",
			run->log->dropped, OUT_LOG_MAX_EVENTS);
	free(t.bp);
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

	fprintf(f, "<h3>findings: %zu</h3>\n", n);
	if (!n)
		return;
	fputs("<table><tr><th>finding</th><th>count</th><th>cycles</th><th>line [label]</th><th>explanation</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);

		fprintf(f, "<tr><td class=\"%s\">%s%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "..%" PRIu64 "</td><td>%u",
			fd->suppressed ? "" : "fail", sim_finding_name(fd->kind),
			fd->suppressed ? " (allowed)" : "", fd->count, fd->first,
			fd->last, fd->line);
		if (fd->label) {
			fputs(" [", f);
			out_xml_str(f, fd->label);
			fputc(']', f);
		}
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
	timeline(f, run);
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
