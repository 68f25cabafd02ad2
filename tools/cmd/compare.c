// SPDX-License-Identifier: MIT
/*
 * compare.c - `tsmsim compare`: one scenario on several arches, side by
 * side, for a reply in a design-review mail.  The tables are built once
 * (struct cmp_table) and rendered as 80-column text, GitHub markdown or a
 * standalone HTML page.  Under them, the first explanation of each
 * finding kind per arch: the cause chain with its YAML lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cli.h"
#include "cmd.h"
#include "out.h"
#include "load.h"

#define WIDTH 80
#define CELL_MAX 64

struct cmp_row {
	char line[12];			/* YAML line, or "" */
	char name[128];			/* op [label], finding, expectation */
	char cell[SCN_MAX_ARCHES][CELL_MAX];
	bool bad[SCN_MAX_ARCHES];	/* not what the scenario expected */
	bool differ;			/* the arches disagree */
};

struct cmp_table {
	const char *title;
	struct cmp_row *rows;
	size_t nrows;
};

enum { CMP_STEPS, CMP_FINDINGS, CMP_CHECKS, CMP_VERDICT, CMP_NR };

/* ------------------------------------------------------------- parsing */

static int cmp_bad(const char *fmt, const char *arg)
{
	return cli_bad("compare", fmt, arg);
}

static int set_format(struct compare_opts *o, const char *v)
{
	if (!strcmp(v, "text"))
		o->format = COMPARE_TEXT;
	else if (!strcmp(v, "md"))
		o->format = COMPARE_MD;
	else if (!strcmp(v, "html"))
		o->format = COMPARE_HTML;
	else
		return cmp_bad("--format wants text, md or html, got '%s'", v);
	return 0;
}

/* Options compare hands to the run parser, all of them taking a value. */
static bool run_option(const char *opt, size_t len)
{
	static const char *const names[] = {
		"--arch", "--seed", "--set", "--inject", "--timeout", NULL,
	};

	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == len && !strncmp(opt, names[i], len))
			return true;
	return false;
}

/* Take --format / --out out of argv; pass FILE and run options on. */
static int split_args(int argc, char **argv, struct compare_opts *o,
		      char **rest, int *nrest)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const char *val = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		bool fmt = len == 8 && !strncmp(a, "--format", 8);
		bool out = len == 5 && !strncmp(a, "--out", 5);
		int rc;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return CLI_HELP;
		if (a[0] != '-' || !a[1] || (!fmt && !out && run_option(a, len))) {
			rest[(*nrest)++] = argv[i];
			if (a[0] == '-' && !eq && i + 1 < argc)
				rest[(*nrest)++] = argv[++i];
			continue;
		}
		if (!fmt && !out)
			return cmp_bad("unknown option '%s'", a);
		if (!val)
			return cmp_bad("%s needs a value", a);
		i += !eq;
		rc = fmt ? set_format(o, val) : 0;
		if (out)
			o->out = val;
		if (rc)
			return rc;
	}
	return 0;
}

static int default_arches(struct cli_run *r)
{
	for (size_t i = 0; i < ARCH_NR; i++) {
		r->arches[i] = strdup(arch_id_name((enum arch_id)i));
		if (!r->arches[i])
			return CLI_EX_SOFTWARE;
		r->narches = i + 1;
	}
	return 0;
}

int compare_parse(int argc, char **argv, struct compare_opts *o)
{
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, rc;

	memset(o, 0, sizeof(*o));
	if (!rest)
		return CLI_EX_SOFTWARE;
	rc = split_args(argc, argv, o, rest, &nrest);
	if (!rc) {
		struct compare_opts keep = *o;

		o->run.one_file = true;
		rc = cli_parse_run(nrest, rest, &o->run);
		o->format = keep.format;
		o->out = keep.out;
	}
	free(rest);
	if (!rc && !o->run.narches)
		rc = default_arches(&o->run);
	return rc;
}

/* ------------------------------------------------------------- tables */

static struct cmp_row *add_row(struct cmp_table *t, const char *name)
{
	struct cmp_row *r;

	t->rows = sim_xrealloc(t->rows, t->nrows + 1, sizeof(*t->rows));
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

static void mark_differ(struct cmp_row *r, size_t n)
{
	for (size_t a = 1; a < n; a++)
		if (strcmp(r->cell[a], r->cell[0]) || r->bad[a] != r->bad[0])
			r->differ = true;
}

static void build_steps(struct cmp_table *t, const struct run_result *runs,
			size_t n)
{
	char name[128];

	t->title = "steps";
	for (size_t i = 0; i < runs[0].nsteps; i++) {
		struct cmp_row *r;

		out_step_name(&runs[0].steps[i], name, sizeof(name));
		r = add_row(t, name);
		snprintf(r->line, sizeof(r->line), "%u", runs[0].steps[i].line);
		for (size_t a = 0; a < n; a++) {
			const struct run_step *st = &runs[a].steps[i];

			snprintf(r->cell[a], CELL_MAX, "%s", st->result);
			r->bad[a] = !st->ok;
		}
		mark_differ(r, n);
	}
}

static void count_kind(const struct run_result *r, int kind, uint64_t *live,
		       uint64_t *allowed)
{
	*live = *allowed = 0;
	for (size_t i = 0; i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);

		if ((int)fd->kind != kind)
			continue;
		if (fd->suppressed)
			(*allowed)++;
		else
			(*live)++;
	}
}

static void build_findings(struct cmp_table *t, const struct run_result *runs,
			   size_t n)
{
	t->title = "findings";
	for (int k = 0; k < SIM_FIND_NR; k++) {
		uint64_t live[SCN_MAX_ARCHES], allowed[SCN_MAX_ARCHES], any = 0;
		struct cmp_row *r;

		for (size_t a = 0; a < n; a++) {
			count_kind(&runs[a], k, &live[a], &allowed[a]);
			any += live[a] + allowed[a];
		}
		if (!any)
			continue;
		r = add_row(t, sim_finding_name((enum sim_finding_kind)k));
		for (size_t a = 0; a < n; a++)
			snprintf(r->cell[a], CELL_MAX, allowed[a] ?
				 "%" PRIu64 " +%" PRIu64 " allowed" : "%" PRIu64,
				 live[a], allowed[a]);
		mark_differ(r, n);
	}
}

static const struct run_check *find_check(const struct run_result *r,
					   const char *what)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].what, what))
			return &r->checks[i];
	return NULL;
}

static void check_row(struct cmp_table *t, const struct run_check *c,
		      const struct run_result *runs, size_t n)
{
	char name[128];
	struct cmp_row *r;

	snprintf(name, sizeof(name), "%s = %s", c->what, c->expected);
	r = add_row(t, name);
	if (c->line)
		snprintf(r->line, sizeof(r->line), "%u", c->line);
	for (size_t a = 0; a < n; a++) {
		const struct run_check *x = find_check(&runs[a], c->what);

		if (!x)
			snprintf(r->cell[a], CELL_MAX, "-");
		else if (x->ok)
			snprintf(r->cell[a], CELL_MAX, "ok");
		else	/* the actual value, marked as not expected */
			snprintf(r->cell[a], CELL_MAX, "%s", x->actual);
		r->bad[a] = x && !x->ok;
	}
	mark_differ(r, n);
}

static bool seen_check(const struct run_result *runs, size_t upto,
		       const char *what)
{
	for (size_t a = 0; a < upto; a++)
		if (find_check(&runs[a], what))
			return true;
	return false;
}

static void build_checks(struct cmp_table *t, struct cmp_table *v,
			 const struct run_result *runs, size_t n)
{
	struct cmp_row *r;

	t->title = "expectations";
	/* every check once, in the order the arches first name it */
	for (size_t a = 0; a < n; a++)
		for (size_t i = 0; i < runs[a].nchecks; i++) {
			const struct run_check *c = &runs[a].checks[i];

			if (!seen_check(runs, a, c->what) &&
			    find_check(&runs[a], c->what) == c)
				check_row(t, c, runs, n);
		}
	v->title = "verdict";
	r = add_row(v, "verdict");
	for (size_t a = 0; a < n; a++) {
		snprintf(r->cell[a], CELL_MAX, "%s", runs[a].pass ? "PASS" : "FAIL");
		r->bad[a] = !runs[a].pass;
	}
	mark_differ(r, n);
}

static void build(struct cmp_table *t, const struct run_result *runs, size_t n)
{
	memset(t, 0, CMP_NR * sizeof(*t));
	build_steps(&t[CMP_STEPS], runs, n);
	build_findings(&t[CMP_FINDINGS], runs, n);
	build_checks(&t[CMP_CHECKS], &t[CMP_VERDICT], runs, n);
}

static void free_tables(struct cmp_table *t)
{
	for (int i = 0; i < CMP_NR; i++)
		free(t[i].rows);
}

/* ---------------------------------------------------------------- text */

struct cmp_text {
	FILE *f;
	unsigned int cw;	/* cell width */
	unsigned int nw;	/* name column width */
};

/* Print @text wrapped at WIDTH, every line indented by @indent. */
static void wrap(FILE *f, const char *text, int indent)
{
	const char *p = text ? text : "";
	int col = 0;

	while (*p) {
		size_t word = strcspn(p, " \n");

		if (col && col + 1 + (int)word > WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		col += col ? fprintf(f, " ") : fprintf(f, "%*s", indent, "");
		col += fprintf(f, "%.*s", (int)word, p);
		p += word;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	if (col)
		fputc('\n', f);
}

/* @s cut to @w columns, a '~' marking a cut. */
static void fit(FILE *f, const char *s, unsigned int w, bool pad)
{
	size_t len = strlen(s);

	if (len > w)
		fprintf(f, "%.*s~", (int)w - 1, s);
	else if (pad)
		fprintf(f, "%-*s", (int)w, s);
	else
		fputs(s, f);
}

static void text_head(struct cmp_text *x, const char *title,
		      const struct run_result *runs, size_t n)
{
	fprintf(x->f, "%-*s", x->nw + 6, title);
	for (size_t a = 0; a < n; a++) {
		fputc(' ', x->f);
		fit(x->f, runs[a].arch, x->cw, a + 1 < n);
	}
	fputc('\n', x->f);
}

static void text_row(struct cmp_text *x, const struct cmp_row *r, size_t n)
{
	char cell[CELL_MAX + 2];

	fprintf(x->f, "%c%4s ", r->differ ? '>' : ' ', r->line);
	fit(x->f, r->name, x->nw, true);
	for (size_t a = 0; a < n; a++) {
		size_t len = strlen(r->cell[a]);
		size_t keep = len + r->bad[a] > x->cw ? x->cw - 1 - r->bad[a] : len;

		/* a cut keeps the '*' of a result the scenario did not expect */
		snprintf(cell, sizeof(cell), "%.*s%s%s", (int)keep, r->cell[a],
			 keep < len ? "~" : "", r->bad[a] ? "*" : "");
		fputc(' ', x->f);
		fit(x->f, cell, x->cw, a + 1 < n);
	}
	fputc('\n', x->f);
}

static const struct sim_finding *first_of(const struct run_result *r, int k)
{
	for (size_t i = 0; i < sim_findings_count(r->sim); i++)
		if ((int)sim_finding_at(r->sim, i)->kind == k)
			return sim_finding_at(r->sim, i);
	return NULL;
}

static bool same_finding(const struct sim_finding *a,
			 const struct sim_finding *b)
{
	return a && b && a->count == b->count && a->first == b->first &&
	       a->line == b->line && a->suppressed == b->suppressed &&
	       !strcmp(a->explain, b->explain);
}

/*
 * The first finding of kind @k on arch @a, unless an earlier arch had the
 * same one; @head gets "tdi-error on tdx, sev: x1, cycle 74002000, at
 * line 29 [bme]" naming every arch that saw exactly this finding.
 */
static const struct sim_finding *explain_at(const struct run_result *runs,
					    size_t n, int k, size_t a,
					    char *head, size_t len)
{
	const struct sim_finding *fd = first_of(&runs[a], k);
	char where[200];
	size_t off;

	for (size_t b = 0; fd && b < a; b++)
		if (same_finding(first_of(&runs[b], k), fd))
			return NULL;
	if (!fd)
		return NULL;
	off = (size_t)snprintf(head, len, "%s on %s",
			       sim_finding_name(fd->kind), runs[a].arch);
	for (size_t b = a + 1; b < n && off < len; b++)
		if (same_finding(first_of(&runs[b], k), fd))
			off += (size_t)snprintf(head + off, len - off, ", %s",
						runs[b].arch);
	if (off < len)
		snprintf(head + off, len - off, ": x%" PRIu64 ", cycle %" PRIu64
			 ", at %s%s", fd->count, fd->first,
			 report_finding_where(fd, where, sizeof(where)),
			 fd->suppressed ? " (allowed)" : "");
	return fd;
}

typedef void explain_fn(FILE *f, const char *head, const char *explain);

/* Each format prints the same explanations: @fn gets one each.  */
static bool each_explanation(FILE *f, const struct run_result *runs, size_t n,
			     explain_fn *fn)
{
	char head[512];
	bool any = false;

	for (int k = 0; k < SIM_FIND_NR; k++)
		for (size_t a = 0; a < n; a++) {
			const struct sim_finding *fd =
				explain_at(runs, n, k, a, head, sizeof(head));

			if (!fd)
				continue;
			fn(f, head, fd->explain);
			any = true;
		}
	return any;
}

static void text_item(FILE *f, const char *head, const char *explain)
{
	wrap(f, head, 2);
	wrap(f, explain, 6);
}

static void text_explain(FILE *f, const struct run_result *runs, size_t n)
{
	fputs("\nexplanations (the first finding of each kind on each arch)\n", f);
	if (!each_explanation(f, runs, n, text_item))
		fputs("  (no findings)\n", f);
}

/* Was cell @c already listed (an earlier cell with the same text)? */
static bool cut_seen(const struct cmp_table *t, int s, size_t i, size_t a,
		     const char *c)
{
	for (int s2 = 0; s2 <= s; s2++)
		for (size_t i2 = 0; i2 < t[s2].nrows; i2++)
			for (size_t a2 = 0; a2 < SCN_MAX_ARCHES; a2++) {
				if (s2 == s && i2 == i && a2 == a)
					return false;
				if (!strcmp(t[s2].rows[i2].cell[a2], c))
					return true;
			}
	return false;
}

/* The full text of every cell the table had to cut. */
static void text_cuts(FILE *f, const struct cmp_table *t, size_t n,
		      unsigned int cw)
{
	bool any = false;

	for (int s = 0; s < CMP_NR; s++)
		for (size_t i = 0; i < t[s].nrows; i++)
			for (size_t a = 0; a < n; a++) {
				const char *c = t[s].rows[i].cell[a];

				if (strlen(c) + t[s].rows[i].bad[a] <= cw ||
				    cut_seen(t, s, i, a, c))
					continue;
				fprintf(f, "%s%s", any ? ", " : "~ cut: ", c);
				any = true;
			}
	if (any)
		fputc('\n', f);
}

static void render_text(FILE *f, const struct scenario *scn,
			const struct cmp_table *t, const struct run_result *runs,
			size_t n)
{
	struct cmp_text x = { .f = f, .cw = 14 };
	char head[256];

	/* 3 arches: 6 + 29 + 3 * 15 = 80; more arches get narrower cells */
	if (6 + 20 + n * (x.cw + 1) > WIDTH)
		x.cw = (unsigned int)((WIDTH - 26) / n - 1);
	x.nw = WIDTH - 6 - (unsigned int)n * (x.cw + 1);
	if (x.nw > 40)
		x.nw = 40;
	snprintf(head, sizeof(head), "tsmsim %s compare: %s, seed %" PRIu64,
		 TSMSIM_VERSION, scn->name, runs[0].seed);
	wrap(f, head, 0);
	for (int s = 0; s < CMP_NR; s++) {
		fputc('\n', f);
		if (s != CMP_VERDICT)
			text_head(&x, t[s].title, runs, n);
		if (s == CMP_FINDINGS && !t[s].nrows)
			fputs("  (none)\n", f);
		for (size_t i = 0; i < t[s].nrows; i++)
			text_row(&x, &t[s].rows[i], n);
	}
	fputs("\n* not what the scenario expected   > the arches differ\n", f);
	text_cuts(f, t, n, x.cw);
	text_explain(f, runs, n);
}

/* ------------------------------------------------------------ markdown */

static void md_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("|\\*`", *s))
			fputc('\\', f);
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void md_table(FILE *f, const struct cmp_table *t,
		     const struct run_result *runs, size_t n)
{
	fprintf(f, "\n### %s\n\n| line | %s |", t->title,
		!strcmp(t->title, "steps") ? "op [label]" : "what");
	for (size_t a = 0; a < n; a++) {
		fputc(' ', f);
		md_str(f, runs[a].arch);
		fputs(" |", f);
	}
	fputs("\n|---:|---|", f);
	for (size_t a = 0; a < n; a++)
		fputs("---|", f);
	fputc('\n', f);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		fprintf(f, "| %s | %s", r->line, r->differ ? "\xe2\x89\xa0 " : "");
		md_str(f, r->name);
		fputs(" |", f);
		for (size_t a = 0; a < n; a++) {
			fputs(r->bad[a] ? " **" : " ", f);
			md_str(f, r->cell[a]);
			fputs(r->bad[a] ? "** |" : " |", f);
		}
		fputc('\n', f);
	}
}

static void md_item(FILE *f, const char *head, const char *explain)
{
	fputs("- **", f);
	md_str(f, head);
	fputs("**: ", f);
	md_str(f, explain);
	fputc('\n', f);
}

static void render_md(FILE *f, const struct scenario *scn,
		      const struct cmp_table *t, const struct run_result *runs,
		      size_t n)
{
	fputs("## tsmsim compare: ", f);
	md_str(f, scn->name);
	fprintf(f, "\n\nseed %" PRIu64 ", file `%s`, tsmsim %s. **bold**: not what the scenario expected; \xe2\x89\xa0: the arches differ.\n",
		runs[0].seed, scn->file, TSMSIM_VERSION);
	for (int s = 0; s < CMP_NR; s++)
		if (t[s].nrows)
			md_table(f, &t[s], runs, n);
	fputs("\n### explanations\n\n", f);
	each_explanation(f, runs, n, md_item);
}

/* ---------------------------------------------------------------- html */

static void html_table(FILE *f, const struct cmp_table *t,
		       const struct run_result *runs, size_t n)
{
	fprintf(f, "<h2>%s</h2>\n<table><tr><th>line</th><th>%s</th>", t->title,
		!strcmp(t->title, "steps") ? "op [label]" : "what");
	for (size_t a = 0; a < n; a++) {
		fputs("<th>", f);
		out_xml_str(f, runs[a].arch);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		fprintf(f, "<tr%s><td>%s</td><td class=\"mono\">",
			r->differ ? " style=\"background:#fff3cd\"" : "", r->line);
		out_xml_str(f, r->name);
		fputs("</td>", f);
		for (size_t a = 0; a < n; a++) {
			fputs(r->bad[a] ? "<td class=\"fail\">" : "<td>", f);
			out_xml_str(f, r->cell[a]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void html_item(FILE *f, const char *head, const char *explain)
{
	fputs("<li><b>", f);
	out_xml_str(f, head);
	fputs("</b>: ", f);
	out_xml_str(f, explain);
	fputs("</li>\n", f);
}

static void render_html(FILE *f, const struct scenario *scn,
			const struct cmp_table *t, const struct run_result *runs,
			size_t n)
{
	char head[512];

	snprintf(head, sizeof(head), "tsmsim compare: %s", scn->name);
	out_html_head(f, head);
	fputs("<h1>", f);
	out_xml_str(f, head);
	fprintf(f, "</h1>\n<p>seed %" PRIu64 ", file <span class=\"mono\">", runs[0].seed);
	out_xml_str(f, scn->file);
	fputs("</span>. Red: not what the scenario expected; highlighted rows: the arches differ.</p>\n", f);
	if (scn->description) {
		fputs("<p>", f);
		out_xml_str(f, scn->description);
		fputs("</p>\n", f);
	}
	for (int s = 0; s < CMP_NR; s++)
		if (t[s].nrows)
			html_table(f, &t[s], runs, n);
	fputs("<h2>explanations</h2>\n<ul>\n", f);
	each_explanation(f, runs, n, html_item);
	fputs("</ul>\n", f);
	out_html_foot(f);
}

void compare_write(FILE *f, const struct scenario *scn,
		   const struct run_result *runs, size_t n,
		   enum compare_format fmt)
{
	struct cmp_table t[CMP_NR];

	if (!n)
		return;
	TSM_BUG_ON(n > SCN_MAX_ARCHES);
	build(t, runs, n);
	if (fmt == COMPARE_MD)
		render_md(f, scn, t, runs, n);
	else if (fmt == COMPARE_HTML)
		render_html(f, scn, t, runs, n);
	else
		render_text(f, scn, t, runs, n);
	free_tables(t);
}
