// SPDX-License-Identifier: MIT
/*
 * cmd_run.c - `tsmsim run FILE...`: each FILE (`-` is stdin) on each arch,
 * a report per FILE on stdout, and the output files: --junit and
 * --stats-file cover every FILE, --vcd / --trace / --html the one FILE
 * they are allowed with.  Exit: the largest of the FILEs' codes, so a bad
 * file (65, 66) or an internal error (70) outranks a failed expectation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out.h"
#include "run.h"

static const char run_usage[] =
"usage: tsmsim run FILE... [--arch A[,B..]] [--seed N] [--set PATH=VALUE]...\n"
"                  [--inject KIND@POINT[,K=V..]]... [--json] [-q|-v]\n"
"                  [--stats] [--stats-file OUT.txt] [--junit OUT.xml]\n"
"                  [--vcd OUT.vcd] [--trace OUT.json] [--html OUT.html]\n"
"                  [--timeout S] [--checkers all|none]\n"
"\n"
"Runs each FILE (`-` reads stdin) on each arch (the scenario's `arch:`\n"
"unless --arch is given) and prints an 80-column report, or one JSON\n"
"document per FILE with --json (one per line).  Step numbers are indices\n"
"in `steps:` from 0, in every output as in --set steps.N.  When stderr is\n"
"a terminal, a long run shows its progress there.  An `unordered:` block\n"
"of steps runs in file order (tsmsim explore runs every order its\n"
"`needs:` allow).\n"
"\n"
"  --arch A        tdx, sev, cca, a comma list, or a profile file\n"
"  --seed N        override the scenario seed (N >= 1)\n"
"  --set P=V       override a scalar by its path, e.g.\n"
"                  platform.iommu.iotlb_entries=128, traffic.0.count=1e7\n"
"  --inject F@P    add a fault, e.g. drop-invalidation@after:unmap,count=2\n"
"                  (tsmsim list faults; POINT before:L after:L during:L#K C)\n"
"  --json          print the schema tsmsim-run/1 document (docs/json.md)\n"
"  --stats         add the stats: counters with unit and meaning, access\n"
"                  latency min/mean/p99/max per kind, firmware calls and\n"
"                  TDISP messages by name\n"
"  --stats-file F  the same as name value # description (unit) lines\n"
"  -q / -v         only failures / also step details\n"
"  --junit F       JUnit XML: a testsuite per FILE and arch, a testcase per\n"
"                  step and per expectation\n"
"  --vcd F         Value Change Dump: step, TDI states, access results;\n"
"                  F.gtkw beside it is a GTKWave save file (one FILE)\n"
"  --trace F       Chrome / Perfetto trace-event JSON (ui.perfetto.dev)\n"
"  --html F        one self-contained page with an SVG timeline (one FILE)\n"
"                  (formats: docs/outputs.md)\n"
"  --timeout S     wall-clock limit of each arch's run, seconds or Nms;\n"
"                  hitting it is a `watchdog` finding, like limits:\n"
"  --checkers C    all (default) or none: no checker judges the run, so\n"
"                  only the watchdog reports findings; expectations on other\n"
"                  findings and hitless windows are counted as not judged,\n"
"                  and the report says `checkers off` (to measure their cost)\n"
"\n"
"exit: 0 every expectation held, 1 one failed, 2 bad command line or an\n"
"output file that cannot be written, 65 bad scenario, 66 unreadable file,\n"
"70 internal error; with several FILEs the largest of theirs\n";


int cmd_load(const char *file, const struct scn_set *sets, size_t nsets,
	     struct scenario **scn)
{
	struct scn_diags d = { 0 };
	int rc = scn_load(file, sets, nsets, scn, &d);

	/* an unreadable file is one diagnostic, "FILE: error: cannot read: ..." */
	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (rc == -ENOENT)
		return CLI_EX_NOINPUT;
	return rc ? CLI_EX_DATAERR : 0;
}

void cmd_arch_list(const struct scenario *scn, const struct cli_run *o,
		   const char *const **arches, size_t *narch)
{
	*arches = (const char *const *)o->arches;
	*narch = o->narches;
	if (!*narch) {
		*arches = (const char *const *)scn->arches;
		*narch = scn->narches;
	}
}

int cmd_run_arches(const struct scenario *scn, const struct cli_run *o,
		   struct out_log **logs, struct run_result *runs, size_t *done)
{
	const char *const *arches;
	size_t narch;

	cmd_arch_list(scn, o, &arches, &narch);
	for (size_t i = 0; i < narch; i++) {
		struct run_opts ro = o->ropts;
		struct run_sink sinks[2];
		char what[160];
		struct progress_run pr = { .p = progress_start(), .what = what,
					   .nsteps = scn->nsteps, .mhz = scn->clock_mhz };
		int rc;

		snprintf(what, sizeof(what), "%s on %s", scn->file, arches[i]);
		ro.sinks = sinks;
		ro.nsinks = 0;
		if (logs)
			sinks[ro.nsinks++] = (struct run_sink){ out_log_attach, logs[i] };
		if (pr.p)
			sinks[ro.nsinks++] = (struct run_sink){ progress_run_attach, &pr };
		*done = i + 1;
		rc = run_scenario(scn, arches[i], &ro, &runs[i]);
		progress_end(pr.p);
		if (!rc)
			continue;
		if (runs[i].scn_error) {
			fprintf(stderr, "%s\n", runs[i].scn_error);
			return runs[i].noinput ? CLI_EX_NOINPUT : CLI_EX_DATAERR;
		}
		fprintf(stderr, "tsmsim: %s\n", runs[i].error ?
			runs[i].error : "internal error");
		return CLI_EX_SOFTWARE;
	}
	return 0;
}

int cmd_open_out(const char *path, FILE **f)
{
	*f = NULL;
	if (!path)
		return 0;
	*f = fopen(path, "w");
	if (*f)
		return 0;
	fprintf(stderr, "tsmsim: cannot write %s: %s\n", path, strerror(errno));
	return CLI_EX_USAGE;
}

int cmd_close_out(FILE *f, const char *path, bool keep)
{
	int bad;

	if (!f)
		return 0;
	bad = ferror(f);
	bad |= fclose(f);
	if (!keep)
		remove(path);
	if (keep && bad) {
		fprintf(stderr, "tsmsim: cannot write %s\n", path);
		return CLI_EX_USAGE;
	}
	return 0;
}

/* ------------------------------------------------- one FILE's timelines */

enum { OUT_VCD, OUT_TRACE, OUT_HTML, OUT_NR };

struct run_outputs {
	const char *path[OUT_NR];
	FILE *f[OUT_NR];
	struct out_log **logs;	/* when a writer needs the trace */
};

static int outputs_open(struct run_outputs *ro, const struct cli_run *o,
			size_t narch)
{
	const char *paths[OUT_NR] = { o->vcd, o->trace, o->html };
	int rc = 0;

	memset(ro, 0, sizeof(*ro));
	for (int k = 0; k < OUT_NR && !rc; k++) {
		ro->path[k] = paths[k];
		rc = cmd_open_out(paths[k], &ro->f[k]);
	}
	if (rc || !(o->vcd || o->trace || o->html))
		return rc;
	ro->logs = calloc(narch, sizeof(*ro->logs));
	if (!ro->logs)
		return CLI_EX_SOFTWARE;
	for (size_t i = 0; i < narch; i++)
		if (!(ro->logs[i] = out_log_create()))
			return CLI_EX_SOFTWARE;
	return 0;
}

/* Write the files (when @write) and close them; returns 0 or 2. */
static int outputs_finish(struct run_outputs *ro, const struct scenario *scn,
			  const struct out_run *or, size_t n, bool write)
{
	static out_write_fn *const writers[OUT_NR] = {
		out_vcd_write, out_trace_write, out_html_write,
	};
	int rc = 0;

	for (int k = 0; k < OUT_NR; k++) {
		int crc;

		if (ro->f[k] && write)
			writers[k](ro->f[k], scn, or, n);
		crc = cmd_close_out(ro->f[k], ro->path[k], write);
		if (k == OUT_VCD && ro->f[k] && write && !crc &&
		    out_vcd_gtkw(ro->path[k], scn, or, n)) {
			fprintf(stderr, "tsmsim: cannot write the GTKWave files beside %s\n",
				ro->path[k]);
			crc = CLI_EX_USAGE;
		}
		rc = rc ? rc : crc;
	}
	return rc;
}

static void outputs_free(struct run_outputs *ro, size_t narch)
{
	for (size_t i = 0; ro->logs && i < narch; i++)
		out_log_destroy(ro->logs[i]);
	free(ro->logs);
}

/* ------------------------------------------------------------ one FILE */

/* A FILE that loaded: its runs stay until the JUnit report is written. */
struct run_file {
	struct scenario *scn;
	struct run_result *runs;
	struct out_run *or;
	size_t done;
	int rc;
};

static int run_one(struct run_file *rf, const struct cli_run *o)
{
	struct report_opts ro = { o->verbose, o->stats };
	struct run_outputs outs;
	const char *const *arches;
	size_t narch;
	int rc, orc;

	cmd_arch_list(rf->scn, o, &arches, &narch);
	rf->runs = calloc(narch, sizeof(*rf->runs));
	rf->or = calloc(narch + 1, sizeof(*rf->or));
	if (!rf->runs || !rf->or)
		return CLI_EX_SOFTWARE;
	rc = outputs_open(&outs, o, narch);
	if (!rc)
		rc = cmd_run_arches(rf->scn, o, outs.logs, rf->runs, &rf->done);
	if (!rc) {
		if (o->json)
			report_json(stdout, rf->scn, rf->runs, rf->done, &ro);
		else
			report_text(stdout, rf->scn, rf->runs, rf->done, &ro);
		for (size_t i = 0; i < rf->done; i++)
			if (!rf->runs[i].pass)
				rc = CLI_EX_FAIL;
	}
	for (size_t i = 0; i < rf->done; i++)
		rf->or[i] = (struct out_run){ &rf->runs[i], outs.logs ? outs.logs[i] : NULL };
	orc = outputs_finish(&outs, rf->scn, rf->or, rf->done,
			     rc == 0 || rc == CLI_EX_FAIL);
	rc = orc && rc != CLI_EX_DATAERR && rc != CLI_EX_SOFTWARE ? orc : rc;
	outputs_free(&outs, narch);
	for (size_t i = 0; i < rf->done; i++)
		rf->or[i].log = NULL;	/* freed with the outputs */
	return rc;
}

static void run_file_fini(struct run_file *rf)
{
	for (size_t i = 0; i < rf->done; i++)
		run_result_fini(&rf->runs[i]);
	free(rf->runs);
	free(rf->or);
	scn_free(rf->scn);
}

/* --junit and --stats-file over every FILE that ran. */
static int write_reports(struct run_file *files, size_t n, FILE *junit,
			 FILE *stats, size_t *nran)
{
	struct out_doc *docs = calloc(n + 1, sizeof(*docs));
	size_t nd = 0;

	if (!docs)
		return CLI_EX_SOFTWARE;
	for (size_t i = 0; i < n; i++) {
		if (files[i].rc != 0 && files[i].rc != CLI_EX_FAIL)
			continue;
		docs[nd++] = (struct out_doc){ files[i].scn, files[i].or, files[i].done };
		for (size_t r = 0; stats && r < files[i].done; r++)
			run_stats_file(stats, n > 1 ? files[i].scn->name : NULL,
				       &files[i].runs[r]);
	}
	if (junit && nd)
		out_junit_write_docs(junit, docs, nd);
	free(docs);
	*nran = nd;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct cli_run o = { 0 };
	struct run_file *files = NULL;
	FILE *junit = NULL, *stats = NULL;
	int rc = cli_parse_run(argc, argv, &o), worst = 0, crc;
	size_t nran = 0;

	if (rc == CLI_HELP) {
		fputs(run_usage, stdout);
		cli_run_fini(&o);
		return 0;
	}
	if (!rc)
		rc = cmd_open_out(o.junit, &junit);
	if (!rc)
		rc = cmd_open_out(o.stats_file, &stats);
	if (!rc && !(files = calloc(o.nfiles, sizeof(*files))))
		rc = CLI_EX_SOFTWARE;
	for (size_t i = 0; !rc && i < o.nfiles; i++) {
		files[i].rc = cmd_load(o.files[i], o.sets, o.nsets, &files[i].scn);
		if (!files[i].rc)
			files[i].rc = run_one(&files[i], &o);
		worst = files[i].rc > worst ? files[i].rc : worst;
	}
	if (!rc)
		rc = write_reports(files, o.nfiles, junit, stats, &nran);
	/* no FILE ran: no report file, as with one FILE that did not load */
	crc = cmd_close_out(junit, o.junit, !rc && nran);
	rc = rc ? rc : crc;
	crc = cmd_close_out(stats, o.stats_file, !rc && nran);
	rc = rc ? rc : crc;
	for (size_t i = 0; files && i < o.nfiles; i++)
		run_file_fini(&files[i]);
	free(files);
	cli_run_fini(&o);
	return rc ? rc : worst;
}
