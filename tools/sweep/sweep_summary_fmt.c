// SPDX-License-Identifier: MIT
/*
 * sweep_summary_fmt.c - the sweep summary rendered: 80-column text (for
 * mail), GitHub markdown, a standalone HTML page, or JSON (schema
 * tsmsim-sweep-summary/1).  A matrix cell is one character: . clean,
 * e expected, f failed, T timed out, ! crashed, a letter for the
 * unexpected finding (A mce .. N watchdog, catalog order, fixed), blank
 * for no point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "sweep.h"
#include "load.h"

#define WIDTH 80
#define KIND_W 24		/* the fault kind column of the matrix */
#define GROUP_W 4		/* "bda " per step */

static char cell_char(const struct ss_cell *c)
{
	static const char chars[SS_NR] = { ' ', '.', 'e', 'f', '?', 'T', '!' };
	int kind;
	enum ss_class cls = sweep_summary_cell_class(c, &kind);

	return cls == SS_UNEXPECTED ? (char)('A' + kind) : chars[cls];
}

/* The step name of the matrix column @st: its label or cycle. */
static const char *step_name(const struct sweep_summary *s, size_t st)
{
	return s->names[s->steps[st]];
}

static void cells_of(const struct sweep_summary *s, size_t a, size_t k,
		     size_t st, char out[4])
{
	for (int sl = 0; sl < 3; sl++)
		out[sl] = cell_char(sweep_summary_cell(s, a, k, st, sl));
	out[3] = 0;
}

/* Finding kinds some cell shows as unexpected: bit per kind. */
static uint32_t used_kinds(const struct sweep_summary *s)
{
	uint32_t used = 0;
	size_t n = s->narches * s->nkinds * s->nsteps * 3;

	for (size_t i = 0; i < n; i++) {
		int kind;

		if (sweep_summary_cell_class(&s->cells[i], &kind) == SS_UNEXPECTED)
			used |= 1u << kind;
	}
	return used;
}

static void arch_counts(const struct sweep_summary *s, size_t a, size_t *cls,
			size_t *total)
{
	memset(cls, 0, SS_NR * sizeof(*cls));
	*total = 0;
	for (size_t i = 0; i < s->npts; i++)
		if (s->pts[i].archi == a) {
			cls[s->pts[i].cls]++;
			(*total)++;
		}
}

static void sig_findings(FILE *f, const struct ss_point *pt, const char *sep)
{
	bool any = false;

	if (pt->status != SWEEP_RAN) {
		fputs(pt->status == SWEEP_CRASHED ? "(crashed)" : "(timed out)", f);
		return;
	}
	for (int k = 0; k < SIM_FIND_NR; k++)
		if (pt->found >> k & 1) {
			fprintf(f, "%s%s", any ? sep : "",
				sim_finding_name((enum sim_finding_kind)k));
			any = true;
		}
	if (!any)
		fputs("no finding", f);
}

/* ----------------------------------------------------------------- text */

/*
 * Print @text from column @col, breaking at spaces (not inside '...')
 * to stay within WIDTH; continuation lines start at @indent.  With
 * @shell, a broken line ends in " \" so the command still pastes.
 */
static void wrapped(FILE *f, const char *text, int col, int indent, bool shell)
{
	const char *p = text;
	bool fresh = true;	/* nothing on this line yet */

	while (*p) {
		const char *w = p;
		bool quoted = false;
		int len;

		while (*p && (quoted || *p != ' ')) {
			quoted ^= shell && *p == '\'';
			p++;
		}
		len = (int)(p - w);
		if (!fresh && col + 1 + len + (shell ? 2 : 0) > WIDTH) {
			fprintf(f, "%s\n%*s", shell ? " \\" : "", indent, "");
			col = indent;
		} else if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, (size_t)len, f);
		col += len;
		fresh = false;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void text_head(FILE *f, const struct sweep_summary *s)
{
	char buf[512];
	const struct ss_point *p0 = &s->pts[0];

	snprintf(buf, sizeof(buf), "tsmsim sweep summary: %zu of %llu points (scenario %s, tsmsim %s)",
		 s->npts, (unsigned long long)s->npoints,
		 p0->scenario ? p0->scenario : "none",
		 p0->version ? p0->version : "none");
	wrapped(f, buf, 0, 2, false);
	fprintf(f, "  ran %zu, crashed %zu, timed out %zu", s->status[SWEEP_RAN],
		s->status[SWEEP_CRASHED], s->status[SWEEP_TIMEOUT]);
	if (s->npts < s->npoints)
		fprintf(f, "; %llu points missing (merge tells which)",
			(unsigned long long)(s->npoints - s->npts));
	fprintf(f, "\n  outcomes: %zu clean, %zu expected, %zu failed, %zu unexpected\n",
		s->cls[SS_CLEAN], s->cls[SS_EXPECTED], s->cls[SS_FAILED],
		s->cls[SS_UNEXPECTED]);
}

static void text_legend(FILE *f, const struct sweep_summary *s)
{
	char *buf = NULL, *t;
	uint32_t used = used_kinds(s);

	buf = sim_xstrdup("steps:");
	for (size_t st = 0; st < s->nsteps; st++) {
		t = sim_xasprintf("%s %zu %s%s", buf, st + 1, step_name(s, st),
				  st + 1 < s->nsteps ? "," : "");
		free(buf);
		buf = t;
	}
	fputc('\n', f);
	wrapped(f, buf, 0, 8, false);
	free(buf);
	wrapped(f, "cells:  b before, d during (any #K), a after the step; the worst outcome of the cell's points: . clean; e expected findings; f an expectation failed, no finding; T timed out; ! crashed; blank: no point",
		0, 8, false);
	buf = sim_xstrdup("unexpected findings:");
	for (int k = 0; k < SIM_FIND_NR; k++) {
		if (!(used >> k & 1))
			continue;
		t = sim_xasprintf("%s %c %s,", buf, 'A' + k,
				  sim_finding_name((enum sim_finding_kind)k));
		free(buf);
		buf = t;
	}
	if (used) {
		buf[strlen(buf) - 1] = 0;	/* the last comma */
		fprintf(f, "%8s", "");
		wrapped(f, buf, 8, 8, false);
	}
	free(buf);
}

static void text_matrix(FILE *f, const struct sweep_summary *s, size_t a)
{
	size_t per = (WIDTH - 2 - KIND_W) / GROUP_W, cls[SS_NR], total;

	arch_counts(s, a, cls, &total);
	fprintf(f, "\n%s: %zu points: %zu clean, %zu expected, %zu failed, %zu unexpected",
		s->names[s->arches[a]], total, cls[SS_CLEAN], cls[SS_EXPECTED],
		cls[SS_FAILED], cls[SS_UNEXPECTED]);
	if (cls[SS_CRASHED] || cls[SS_TIMEOUT])
		fprintf(f, ", %zu crashed, %zu timed out", cls[SS_CRASHED],
			cls[SS_TIMEOUT]);
	fputc('\n', f);
	for (size_t from = 0; from < s->nsteps; from += per) {
		size_t to = from + per < s->nsteps ? from + per : s->nsteps;

		fprintf(f, "  %-*s", KIND_W, "fault kind \\ step");
		for (size_t st = from; st < to; st++)
			fprintf(f, st + 1 < to ? "%-*zu" : "%*zu", st + 1 < to ? GROUP_W : 1,
				st + 1);
		fprintf(f, "\n  %-*s", KIND_W, "");
		for (size_t st = from; st < to; st++)
			fputs(st + 1 < to ? "bda " : "bda\n", f);
		for (size_t k = 0; k < s->nkinds; k++) {
			char c[4];

			fprintf(f, "  %-*.*s", KIND_W, KIND_W - 1, s->names[s->kinds[k]]);
			for (size_t st = from; st < to; st++) {
				cells_of(s, a, k, st, c);
				fprintf(f, st + 1 < to ? "%s " : "%s\n", c);
			}
		}
	}
}

static void text_sigs(FILE *f, const struct sweep_summary *s)
{
	fprintf(f, "\noutcome signatures (arch, findings, first finding's step): %zu\n",
		s->nsigs);
	for (size_t g = 0; g < s->nsigs; g++) {
		const struct ss_point *pt = &s->pts[s->sigs[g].pt];
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		TSM_BUG_ON(!m);
		fprintf(m, "%s %s: ", pt->arch, sweep_summary_class_name(pt->cls));
		sig_findings(m, pt, ", ");
		if (pt->first >= 0)
			fprintf(m, "; first %s at %s",
				sim_finding_name((enum sim_finding_kind)pt->first),
				pt->cause);
		fclose(m);
		fprintf(f, "%6zu x ", s->sigs[g].count);
		wrapped(f, buf, 9, 11, false);
		free(buf);
		fprintf(f, "%11s", "");
		wrapped(f, pt->run, 11, 13, true);
	}
}

static void render_text(FILE *f, const struct sweep_summary *s)
{
	text_head(f, s);
	text_legend(f, s);
	for (size_t a = 0; a < s->narches; a++)
		text_matrix(f, s, a);
	text_sigs(f, s);
}

/* ------------------------------------------------------------- markdown */

static void md_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("|\\*`_", *s))
			fputc('\\', f);
		if (*s == '<')
			fputs("&lt;", f);
		else
			fputc(*s, f);
	}
}

static void md_matrix(FILE *f, const struct sweep_summary *s, size_t a)
{
	size_t cls[SS_NR], total;

	arch_counts(s, a, cls, &total);
	fputs("\n### ", f);
	md_str(f, s->names[s->arches[a]]);
	fprintf(f, "\n\n%zu points: %zu clean, %zu expected, %zu failed, %zu unexpected, %zu crashed, %zu timed out\n\n| fault kind |",
		total, cls[SS_CLEAN], cls[SS_EXPECTED], cls[SS_FAILED],
		cls[SS_UNEXPECTED], cls[SS_CRASHED], cls[SS_TIMEOUT]);
	for (size_t st = 0; st < s->nsteps; st++) {
		fputc(' ', f);
		md_str(f, step_name(s, st));
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (size_t st = 0; st < s->nsteps; st++)
		fputs(":---:|", f);
	fputc('\n', f);
	for (size_t k = 0; k < s->nkinds; k++) {
		fputs("| ", f);
		md_str(f, s->names[s->kinds[k]]);
		fputs(" |", f);
		for (size_t st = 0; st < s->nsteps; st++) {
			char c[4];

			cells_of(s, a, k, st, c);
			fprintf(f, " `%s` |", c);
		}
		fputc('\n', f);
	}
}

static void md_legend(FILE *f, const struct sweep_summary *s)
{
	uint32_t used = used_kinds(s);

	fputs("\nEach cell: `bda` = before, during (any #K), after the step; the worst outcome of its points: "
	      "`.` clean, `e` expected findings, `f` an expectation failed without a finding, "
	      "`T` timed out, `!` crashed, blank no point", f);
	for (int k = 0; k < SIM_FIND_NR; k++)
		if (used >> k & 1)
			fprintf(f, ", `%c` %s", 'A' + k,
				sim_finding_name((enum sim_finding_kind)k));
	fputs(".\n", f);
}

static void md_sigs(FILE *f, const struct sweep_summary *s)
{
	fputs("\n### outcome signatures\n\n| points | arch | class | findings | first finding | reproduce |\n|---:|---|---|---|---|---|\n", f);
	for (size_t g = 0; g < s->nsigs; g++) {
		const struct ss_point *pt = &s->pts[s->sigs[g].pt];

		fprintf(f, "| %zu | ", s->sigs[g].count);
		md_str(f, pt->arch);
		fprintf(f, " | %s | ", sweep_summary_class_name(pt->cls));
		sig_findings(f, pt, ", ");
		fputs(" | ", f);
		if (pt->first >= 0) {
			fprintf(f, "%s at ", sim_finding_name((enum sim_finding_kind)pt->first));
			md_str(f, pt->cause);
		}
		fputs(" | `", f);
		for (const char *c = pt->run; *c; c++)
			fputs(*c == '|' ? "\\|" : (char[2]){ *c, 0 }, f);
		fputs("` |\n", f);
	}
}

static void render_md(FILE *f, const struct sweep_summary *s)
{
	const struct ss_point *p0 = &s->pts[0];

	fprintf(f, "## tsmsim sweep summary\n\n%zu of %llu points, scenario `%s`, tsmsim %s: ran %zu, crashed %zu, timed out %zu; %zu clean, %zu expected, %zu failed, %zu unexpected.\n",
		s->npts, (unsigned long long)s->npoints,
		p0->scenario ? p0->scenario : "none",
		p0->version ? p0->version : "none", s->status[SWEEP_RAN],
		s->status[SWEEP_CRASHED], s->status[SWEEP_TIMEOUT],
		s->cls[SS_CLEAN], s->cls[SS_EXPECTED], s->cls[SS_FAILED],
		s->cls[SS_UNEXPECTED]);
	md_legend(f, s);
	for (size_t a = 0; a < s->narches; a++)
		md_matrix(f, s, a);
	md_sigs(f, s);
}

/* ----------------------------------------------------------------- html */

static void html_matrix(FILE *f, const struct sweep_summary *s, size_t a)
{
	fputs("<section><h2>", f);
	out_xml_str(f, s->names[s->arches[a]]);
	fputs("</h2>\n<table><tr><th>fault kind</th>", f);
	for (size_t st = 0; st < s->nsteps; st++) {
		fputs("<th>", f);
		out_xml_str(f, step_name(s, st));
		fputs("<br><span class=\"mono\">b d a</span></th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t k = 0; k < s->nkinds; k++) {
		fputs("<tr><td>", f);
		out_xml_str(f, s->names[s->kinds[k]]);
		fputs("</td>", f);
		for (size_t st = 0; st < s->nsteps; st++) {
			char c[4];

			cells_of(s, a, k, st, c);
			fprintf(f, "<td class=\"mono%s\">%c %c %c</td>",
				strpbrk(c, "ABCDEFGHIJKLMNT!f") ? " fail" : "",
				c[0], c[1], c[2]);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

static void html_sigs(FILE *f, const struct sweep_summary *s)
{
	fputs("<section><h2>outcome signatures</h2>\n<table><tr><th>points</th><th>arch</th><th>class</th><th>findings</th><th>first finding</th><th>reproduce</th></tr>\n", f);
	for (size_t g = 0; g < s->nsigs; g++) {
		const struct ss_point *pt = &s->pts[s->sigs[g].pt];
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		TSM_BUG_ON(!m);
		sig_findings(m, pt, ", ");
		fclose(m);
		fprintf(f, "<tr><td>%zu</td><td>", s->sigs[g].count);
		out_xml_str(f, pt->arch);
		fprintf(f, "</td><td>%s</td><td>", sweep_summary_class_name(pt->cls));
		out_xml_str(f, buf);
		fputs("</td><td>", f);
		if (pt->first >= 0) {
			fprintf(f, "%s at ", sim_finding_name((enum sim_finding_kind)pt->first));
			out_xml_str(f, pt->cause);
		}
		fputs("</td><td class=\"mono\">", f);
		out_xml_str(f, pt->run);
		fputs("</td></tr>\n", f);
		free(buf);
	}
	fputs("</table></section>\n", f);
}

static void render_html(FILE *f, const struct sweep_summary *s)
{
	char *md = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&md, &len);

	TSM_BUG_ON(!m);
	md_legend(m, s);
	fclose(m);
	out_html_head(f, "tsmsim sweep summary");
	fprintf(f, "<h1>tsmsim sweep summary</h1>\n<p>%zu of %llu points: ran %zu, crashed %zu, timed out %zu; %zu clean, %zu expected, %zu failed, %zu unexpected.</p>\n<p>",
		s->npts, (unsigned long long)s->npoints, s->status[SWEEP_RAN],
		s->status[SWEEP_CRASHED], s->status[SWEEP_TIMEOUT],
		s->cls[SS_CLEAN], s->cls[SS_EXPECTED], s->cls[SS_FAILED],
		s->cls[SS_UNEXPECTED]);
	out_xml_str(f, md);
	fputs("</p>\n", f);
	free(md);
	for (size_t a = 0; a < s->narches; a++)
		html_matrix(f, s, a);
	html_sigs(f, s);
	out_html_foot(f);
}

/* ----------------------------------------------------------------- json */

static void json_matrix(FILE *f, const struct sweep_summary *s, size_t a)
{
	size_t cls[SS_NR], total;

	arch_counts(s, a, cls, &total);
	fputs("{\"arch\":", f);
	jsonr_write_str(f, s->names[s->arches[a]]);
	fprintf(f, ",\"points\":%zu", total);
	for (int c = SS_CLEAN; c < SS_NR; c++)
		fprintf(f, ",\"%s\":%zu", sweep_summary_class_name(c), cls[c]);
	fputs(",\"kinds\":[", f);
	for (size_t k = 0; k < s->nkinds; k++) {
		fputs(k ? ",{\"kind\":" : "{\"kind\":", f);
		jsonr_write_str(f, s->names[s->kinds[k]]);
		fputs(",\"cells\":[", f);
		for (size_t st = 0; st < s->nsteps; st++)
			for (int sl = 0; sl < 3; sl++) {
				int kind;
				enum ss_class c = sweep_summary_cell_class(
					sweep_summary_cell(s, a, k, st, sl), &kind);

				fputs(st || sl ? "," : "", f);
				jsonr_write_str(f, c == SS_UNEXPECTED ?
						sim_finding_name((enum sim_finding_kind)kind) :
						sweep_summary_class_name(c));
			}
		fputs("]}", f);
	}
	fputs("]}", f);
}

static void json_sig(FILE *f, const struct sweep_summary *s, size_t g)
{
	const struct ss_point *pt = &s->pts[s->sigs[g].pt];
	bool any = false;

	fprintf(f, "{\"count\":%zu,\"arch\":", s->sigs[g].count);
	jsonr_write_str(f, pt->arch);
	fprintf(f, ",\"class\":\"%s\",\"status\":\"%s\",\"findings\":[",
		sweep_summary_class_name(pt->cls), sweep_status_name(pt->status));
	for (int k = 0; k < SIM_FIND_NR; k++)
		if (pt->found >> k & 1) {
			fputs(any ? "," : "", f);
			jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)k));
			any = true;
		}
	fputs("],\"first\":", f);
	if (pt->first >= 0) {
		fputs("{\"name\":", f);
		jsonr_write_str(f, sim_finding_name((enum sim_finding_kind)pt->first));
		fputs(",\"step\":", f);
		jsonr_write_str(f, pt->cause);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"point\":%zu,\"id\":", pt->point);
	jsonr_write_str(f, pt->id);
	fputs(",\"run\":", f);
	jsonr_write_str(f, pt->run);
	fputc('}', f);
}

static void render_json(FILE *f, const struct sweep_summary *s)
{
	const struct ss_point *p0 = &s->pts[0];

	fprintf(f, "{\"schema\":\"tsmsim-sweep-summary/1\",\"points\":%llu,\"present\":%zu,\"duplicates\":%zu,\"scenario\":",
		(unsigned long long)s->npoints, s->npts, s->dups);
	jsonr_write_str(f, p0->scenario ? p0->scenario : "");
	fputs(",\"version\":", f);
	jsonr_write_str(f, p0->version ? p0->version : "");
	for (int st = 0; st < SWEEP_STATUS_NR; st++)
		fprintf(f, ",\"%s\":%zu", sweep_status_name(st), s->status[st]);
	for (int c = SS_CLEAN; c <= SS_UNEXPECTED; c++)
		fprintf(f, ",\"%s\":%zu", sweep_summary_class_name(c), s->cls[c]);
	fputs(",\"steps\":[", f);
	for (size_t st = 0; st < s->nsteps; st++) {
		fputs(st ? "," : "", f);
		jsonr_write_str(f, step_name(s, st));
	}
	fputs("],\"arches\":[", f);
	for (size_t a = 0; a < s->narches; a++) {
		fputs(a ? "," : "", f);
		json_matrix(f, s, a);
	}
	fputs("],\"signatures\":[", f);
	for (size_t g = 0; g < s->nsigs; g++) {
		fputs(g ? "," : "", f);
		json_sig(f, s, g);
	}
	fputs("]}\n", f);
}

void sweep_summary_write(FILE *f, const struct sweep_summary *s,
			 enum sweep_fmt fmt)
{
	static void (*const render[])(FILE *, const struct sweep_summary *) = {
		[SWEEP_FMT_TEXT] = render_text,
		[SWEEP_FMT_MD] = render_md,
		[SWEEP_FMT_HTML] = render_html,
		[SWEEP_FMT_JSON] = render_json,
	};

	if (!s->npts) {
		fputs(fmt == SWEEP_FMT_JSON ? "{\"schema\":\"tsmsim-sweep-summary/1\",\"present\":0}\n" :
		      "tsmsim sweep summary: no points\n", f);
		return;
	}
	render[fmt](f, s);
}
