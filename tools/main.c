// SPDX-License-Identifier: MIT
/*
 * main.c - the tsmsim command line (contract section 1).  Only tools/
 * parses argv, prints to the terminal or exits; exit codes are the
 * contract's: 0 pass, 1 expectation failed, 2 bad command line, 65 bad
 * scenario, 66 file not readable, 70 internal error.  An output file that
 * cannot be written (--junit, --vcd, --trace, --html, compare --out) is a
 * bad command line, 2: the contract has no code of its own for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "explore.h"
#include "out.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "sweep.h"
#include "version.h"

static const char usage_text[] =
"usage: tsmsim <command> [options]\n"
"\n"
"Simulates the TEE-IO stack (TDISP device, IOMMU, TDX / SEV-TIO / CCA\n"
"firmware, dma-buf, VFIO, iommufd, KVM, guests) from a YAML scenario and\n"
"reports findings such as latent-mce, stale-translation, use-after-revoke.\n"
"\n"
"commands:\n"
"  run FILE       run a scenario, report steps, findings and expectations\n"
"  lint FILE...   parse and validate scenarios, run nothing\n"
"  compare FILE   run a scenario on tdx, sev and cca, results side by side\n"
"  list WHAT      list ops|faults|findings|results|arches|timing\n"
"  sweep FILE     run FILE at many points (arch x fault x point x --set),\n"
"                 one JSON line per point, in worker processes, sharded\n"
"  merge FILE...  merge sweep results, proving every point is there once\n"
"\n"
"  tsmsim COMMAND --help   options of one command\n"
"  tsmsim --version\n"
"\n"
"exit codes: 0 pass, 1 expectation failed, 2 bad command line,\n"
"65 bad scenario, 66 file not readable, 70 internal error\n";

static const char run_usage[] =
"usage: tsmsim run FILE [--arch A[,B..]] [--seed N] [--set PATH=VALUE]...\n"
"                  [--inject KIND@POINT[,K=V..]]... [--json] [--stats] [-q|-v]\n"
"                  [--junit OUT.xml] [--vcd OUT.vcd] [--trace OUT.json]\n"
"                  [--html OUT.html] [--timeout S]\n"
"\n"
"Runs FILE on each arch (the scenario's `arch:` unless --arch is given)\n"
"and prints an 80-column report, or one JSON document with --json.\n"
"An `unordered:` block of steps runs in file order (tsmsim explore runs\n"
"every order its `needs:` allow).\n"
"\n"
"  --arch A        tdx, sev, cca, a comma list, or a profile file\n"
"  --seed N        override the scenario seed (N >= 1)\n"
"  --set P=V       override a scalar by its path, e.g.\n"
"                  platform.iommu.iotlb_entries=128, traffic.0.count=1e7\n"
"  --inject F@P    add a fault, e.g. drop-invalidation@after:unmap,count=2\n"
"                  (tsmsim list faults; POINT before:L after:L during:L#K C)\n"
"  --json          print the schema tsmsim-run/1 document (docs/json.md)\n"
"  --stats         add the stats counters (IOTLB hits and misses, ...)\n"
"  -q / -v         only failures / also step details\n"
"  --junit F       JUnit XML: a testsuite per arch, a testcase per step\n"
"                  and per expectation\n"
"  --vcd F         Value Change Dump: step, TDI states, access results\n"
"  --trace F       Chrome / Perfetto trace-event JSON (ui.perfetto.dev)\n"
"  --html F        one self-contained page with an SVG timeline\n"
"                  (formats: docs/outputs.md)\n"
"  --timeout S     wall-clock limit of each arch's run, seconds or Nms;\n"
"                  hitting it is a `watchdog` finding, like limits:\n"
"\n"
"exit: 0 every expectation held, 1 one failed, 2 bad command line or an\n"
"output file that cannot be written, 65 bad scenario, 66 unreadable file,\n"
"70 internal error\n";

static const char compare_usage[] =
"usage: tsmsim compare FILE [--arch tdx,sev,cca] [--format text|md|html]\n"
"                      [--out FILE] [--seed N] [--set PATH=VALUE]...\n"
"                      [--inject KIND@POINT[,K=V..]]... [--timeout S]\n"
"\n"
"Runs FILE on each arch (tdx, sev and cca unless --arch is given, whatever\n"
"the file's `arch:` says) and prints the results side by side: each step's\n"
"result, the findings counted per kind, the expectations and the verdicts,\n"
"then the first explanation of each finding kind on each arch.\n"
"\n"
"  --format F      text (80 columns, for mail; default), md (GitHub\n"
"                  markdown) or html (a standalone page)\n"
"  --out FILE      write there instead of stdout\n"
"  --arch, --seed, --set, --inject, --timeout   as for tsmsim run\n"
"\n"
"exit: 0 every arch passed its expectations, 1 one did not, 2 bad command\n"
"line, 65 bad scenario, 66 unreadable file, 70 internal error\n";

static const char lint_usage[] =
"usage: tsmsim lint FILE...\n"
"\n"
"Parses and validates each FILE (all errors of each file, as\n"
"FILE:LINE:COL: error: ...) and runs nothing.\n"
"exit: 0 all valid, 65 some file has errors, 66 some file is unreadable\n";

static const char sweep_usage[] =
"usage: tsmsim sweep FILE [--arch A[,B..]] [--faults all|LIST]\n"
"                    [--points all|LIST] [--set PATH=V1,V2,..]...\n"
"                    [--jobs N] [--shard K/N] [--timeout S]\n"
"                    [--out RESULTS.jsonl] [--resume]\n"
"\n"
"Runs FILE once per point: (arch, --set combination, fault kind with the\n"
"parameters it needs, fault point), each in a worker process, and writes\n"
"one JSON line (schema tsmsim-sweep/1) per point as soon as it is known.\n"
"The point list and the seeds depend on FILE and these flags only.\n"
"\n"
"  --arch A,B      arches (default: the scenario's)\n"
"  --faults L      all (default: the catalog, tsmsim list faults) or kinds\n"
"  --points L      all (default: before:L, during:L#1..K, after:L of each\n"
"                  labelled step) or a list, e.g. before:lock,after:unmap\n"
"  --set P=V1,V2   a swept dimension; without a comma, a plain override\n"
"  --jobs N        workers at a time (default 1)\n"
"  --shard K/N     only the points whose index mod N is K-1; default from\n"
"                  SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT\n"
"  --timeout S     seconds per point (or Nms; default 60)\n"
"  --out F         append-safe results file (default stdout)\n"
"  --resume        skip the points F already holds\n"
"                  (docs/sweep.md)\n"
"\n"
"exit: 0 every point ran (whatever it found), 1 a point crashed or timed\n"
"out, 2 bad command line, 65 bad scenario, 66 unreadable file, 70\n"
"internal error\n";

static const char merge_usage[] =
"usage: tsmsim merge RESULTS.jsonl... [--out MERGED.jsonl]\n"
"\n"
"Reads sweep results (shards, resumed runs), checks that every point\n"
"0..N-1 is there exactly once, and writes the lines sorted by point, byte\n"
"for byte, to MERGED.jsonl or stdout.\n"
"exit: 0 complete, 1 a point missing or duplicated (listed on stderr),\n"
"2 bad command line, 65 a line that is not a result, 66 unreadable file\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tsmsim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see tsmsim --help)\n");
	return CLI_EX_USAGE;
}

static int load_or_report(const char *file, const struct scn_set *sets,
			  size_t nsets, struct scenario **scn)
{
	struct scn_diags d = { 0 };
	int rc = scn_load(file, sets, nsets, scn, &d);

	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (rc == -ENOENT) {
		fprintf(stderr, "tsmsim: %s: cannot read the file\n", file);
		return CLI_EX_NOINPUT;
	}
	return rc ? CLI_EX_DATAERR : 0;
}

static int cmd_lint(int argc, char **argv)
{
	int worst = 0, nfiles = 0;

	for (int i = 0; i < argc; i++) {
		struct scenario *scn = NULL;
		int rc;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(lint_usage, stdout);
			return 0;
		}
		if (argv[i][0] == '-')
			return usage_error("lint: unknown option '%s'", argv[i]);
		nfiles++;
		rc = load_or_report(argv[i], NULL, 0, &scn);
		scn_free(scn);
		/* an unreadable file outranks a bad one: it was not checked */
		if (rc == CLI_EX_NOINPUT || (rc && worst != CLI_EX_NOINPUT))
			worst = rc;
	}
	if (!nfiles)
		return usage_error("lint: %s", "no FILE given");
	return worst;
}

static void arch_list(const struct scenario *scn, const struct cli_run *o,
		      const char *const **arches, size_t *narch)
{
	*arches = (const char *const *)o->arches;
	*narch = o->narches;
	if (!*narch) {
		*arches = (const char *const *)scn->arches;
		*narch = scn->narches;
	}
}

/*
 * Run @scn on every arch of @o into @runs; @logs (one per arch, or NULL)
 * record the trace.  Sets @done to the runs to fini; returns 0, 65 or 70.
 */
static int run_arches(const struct scenario *scn, const struct cli_run *o,
		      struct out_log **logs, struct run_result *runs,
		      size_t *done)
{
	const char *const *arches;
	size_t narch;

	arch_list(scn, o, &arches, &narch);
	for (size_t i = 0; i < narch; i++) {
		struct run_opts ro = o->ropts;
		struct run_sink sink = { out_log_attach, logs ? logs[i] : NULL };

		if (logs) {
			ro.sinks = &sink;
			ro.nsinks = 1;
		}
		*done = i + 1;
		if (!run_scenario(scn, arches[i], &ro, &runs[i]))
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

static int open_out(const char *path, FILE **f)
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

/* Close @f; a failed write is reported like an unwritable path. */
static int close_out(FILE *f, const char *path, bool keep)
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

enum { OUT_JUNIT, OUT_VCD, OUT_TRACE, OUT_HTML, OUT_NR };

struct run_outputs {
	const char *path[OUT_NR];
	FILE *f[OUT_NR];
	struct out_log **logs;	/* when a writer needs the trace */
};

static int outputs_open(struct run_outputs *ro, const struct cli_run *o,
			size_t narch)
{
	const char *paths[OUT_NR] = { o->junit, o->vcd, o->trace, o->html };
	int rc = 0;

	memset(ro, 0, sizeof(*ro));
	for (int k = 0; k < OUT_NR && !rc; k++) {
		ro->path[k] = paths[k];
		rc = open_out(paths[k], &ro->f[k]);
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
			  const struct run_result *runs, size_t n, bool write)
{
	static out_write_fn *const writers[OUT_NR] = {
		out_junit_write, out_vcd_write, out_trace_write, out_html_write,
	};
	struct out_run *or = calloc(n + 1, sizeof(*or));
	int rc = or ? 0 : CLI_EX_SOFTWARE;

	for (size_t i = 0; or && i < n; i++)
		or[i] = (struct out_run){ &runs[i], ro->logs ? ro->logs[i] : NULL };
	for (int k = 0; k < OUT_NR; k++) {
		int crc;

		if (ro->f[k] && write && or)
			writers[k](ro->f[k], scn, or, n);
		crc = close_out(ro->f[k], ro->path[k], write && or);
		rc = rc ? rc : crc;
	}
	free(or);
	return rc;
}

static void outputs_free(struct run_outputs *ro, size_t narch)
{
	for (size_t i = 0; ro->logs && i < narch; i++)
		out_log_destroy(ro->logs[i]);
	free(ro->logs);
}

static int run_all(const struct scenario *scn, const struct cli_run *o)
{
	struct run_result *runs;
	struct report_opts ro = { o->verbose, o->stats };
	struct run_outputs outs;
	const char *const *arches;
	size_t narch, done = 0;
	int rc, orc;

	arch_list(scn, o, &arches, &narch);
	runs = calloc(narch, sizeof(*runs));
	if (!runs)
		return CLI_EX_SOFTWARE;
	rc = outputs_open(&outs, o, narch);
	if (!rc)
		rc = run_arches(scn, o, outs.logs, runs, &done);
	if (!rc) {
		if (o->json)
			report_json(stdout, scn, runs, done, &ro);
		else
			report_text(stdout, scn, runs, done, &ro);
		for (size_t i = 0; i < done; i++)
			if (!runs[i].pass)
				rc = CLI_EX_FAIL;
	}
	orc = outputs_finish(&outs, scn, runs, done, rc == 0 || rc == CLI_EX_FAIL);
	rc = orc && rc != CLI_EX_DATAERR && rc != CLI_EX_SOFTWARE ? orc : rc;
	outputs_free(&outs, narch);
	for (size_t i = 0; i < done; i++)
		run_result_fini(&runs[i]);
	free(runs);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct cli_run o;
	struct scenario *scn = NULL;
	int rc = cli_parse_run(argc, argv, &o);

	if (rc == CLI_HELP) {
		fputs(run_usage, stdout);
		cli_run_fini(&o);
		return 0;
	}
	if (rc) {
		cli_run_fini(&o);
		return rc;
	}
	rc = load_or_report(o.file, o.sets, o.nsets, &scn);
	if (!rc)
		rc = run_all(scn, &o);
	scn_free(scn);
	cli_run_fini(&o);
	return rc;
}

static int compare_all(const struct scenario *scn,
		       const struct compare_opts *o, FILE *out)
{
	struct run_result *runs = calloc(o->run.narches, sizeof(*runs));
	size_t done = 0;
	int rc;

	if (!runs)
		return CLI_EX_SOFTWARE;
	rc = run_arches(scn, &o->run, NULL, runs, &done);
	if (!rc) {
		compare_write(out, scn, runs, done, o->format);
		for (size_t i = 0; i < done; i++)
			if (!runs[i].pass)
				rc = CLI_EX_FAIL;
	}
	for (size_t i = 0; i < done; i++)
		run_result_fini(&runs[i]);
	free(runs);
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct scenario *scn = NULL;
	FILE *out = NULL;
	int rc = compare_parse(argc, argv, &o), orc;

	if (rc == CLI_HELP) {
		fputs(compare_usage, stdout);
		cli_run_fini(&o.run);
		return 0;
	}
	if (!rc)
		rc = load_or_report(o.run.file, o.run.sets, o.run.nsets, &scn);
	if (!rc)
		rc = open_out(o.out, &out);
	if (!rc)
		rc = compare_all(scn, &o, out ? out : stdout);
	orc = close_out(out, o.out, rc == 0 || rc == CLI_EX_FAIL);
	rc = rc ? rc : orc;
	scn_free(scn);
	cli_run_fini(&o.run);
	return rc;
}

static int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	int rc = sweep_parse(argc, argv, &o);

	if (rc == CLI_HELP) {
		fputs(sweep_usage, stdout);
		rc = 0;
	} else if (!rc) {
		rc = sweep_main(&o);
	}
	sweep_opts_fini(&o);
	return rc;
}

static int cmd_merge(int argc, char **argv)
{
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	const char *out = NULL;
	size_t n = 0;
	int rc = files ? 0 : CLI_EX_SOFTWARE;

	for (int i = 0; !rc && i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(merge_usage, stdout);
			free(files);
			return 0;
		}
		if (!strncmp(argv[i], "--out=", 6))
			out = argv[i] + 6;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			rc = usage_error("merge: unknown option or missing value '%s'",
					 argv[i]);
		else
			files[n++] = argv[i];
	}
	if (!rc && out && !*out)
		rc = usage_error("merge: --out wants a file name%s", "");
	if (!rc && !n)
		rc = usage_error("merge: %s", "no RESULTS file given");
	if (!rc)
		rc = sweep_merge(files, n, out);
	free(files);
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage_text, stderr);
		return CLI_EX_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("tsmsim %s (%s)\n", TSMSIM_VERSION, TSMSIM_CONTRACT);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "lint"))
		return cmd_lint(argc - 2, argv + 2);
	if (!strcmp(cmd, "list"))
		return cli_list(argc - 2, argv + 2, stdout);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(cmd, "sweep"))
		return cmd_sweep(argc - 2, argv + 2);
	if (!strcmp(cmd, "merge"))
		return cmd_merge(argc - 2, argv + 2);
	if (!strcmp(cmd, "explore"))
		return explore_main(argc - 2, argv + 2);
	return usage_error("unknown command '%s'", cmd);
}
