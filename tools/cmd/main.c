// SPDX-License-Identifier: MIT
/*
 * main.c - the tsmsim command line (README.md).  Only tools/
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
#include "cmd.h"
#include "explore.h"
#include "minimize.h"
#include "out.h"
#include "run.h"
#include "load.h"
#include "sweep.h"

static const char usage_text[] =
"usage: tsmsim <command> [options]\n"
"\n"
"Simulates the TEE-IO stack (TDISP device, IOMMU, TDX / SEV-TIO / CCA\n"
"firmware, dma-buf, VFIO, iommufd, KVM, guests) from a YAML scenario and\n"
"reports findings such as latent-mce, stale-translation, use-after-revoke.\n"
"\n"
"commands:\n"
"  run FILE...    run scenarios (`-` is stdin): steps, findings, expectations\n"
"  lint FILE...   parse and validate scenarios, run nothing\n"
"  compare FILE   run a scenario on tdx, sev and cca, results side by side\n"
"  list WHAT      list ops|faults|findings|results|arches|timing\n"
"  show FILE      the resolved platform: BDFs, BAR HPAs, timing, the profile\n"
"  sweep FILE     run FILE at many points (arch x fault x point x --set),\n"
"                 one JSON line per point, in worker processes, sharded\n"
"  merge FILE...  merge sweep results, proving every point is there once\n"
"  minimize FILE  shrink a run with a finding to a smallest scenario\n"
"                 with the same first finding (a regression scenario)\n"
"  explore FILE   run every order of the `unordered:` steps (docs/explore.md)\n"
"\n"
"  tsmsim help COMMAND     options of one command (or COMMAND --help)\n"
"  tsmsim --version\n"
"\n"
"exit codes: 0 pass, 1 expectation failed, 2 bad command line,\n"
"65 bad scenario, 66 file not readable, 70 internal error\n";

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
"                    [--out RESULTS.jsonl] [--resume] [--format F]\n"
"       tsmsim sweep --summary RESULTS.jsonl... [--format F] [--out FILE]\n"
"\n"
"Runs FILE once per point: (arch, --set combination, fault kind with the\n"
"parameters it needs, fault point), each in a worker process, and writes\n"
"one JSON line (schema tsmsim-sweep/1) per point as soon as it is known,\n"
"then a summary: points run, crashed, timed out; per arch a matrix of\n"
"fault kind x labelled step; the distinct outcomes with the command that\n"
"reproduces each.  The point list and the seeds depend on FILE and these\n"
"flags only.\n"
"\n"
"  --arch A,B      arches (default: the scenario's)\n"
"  --faults L      all (default: the catalog, tsmsim list faults) or kinds\n"
"  --points L      all (default: before:L, during:L#1..K, after:L of each\n"
"                  labelled step) or a list, e.g. before:lock,after:unmap\n"
"  --set P=V1,V2   a swept dimension; without a comma, a plain override\n"
"  --jobs N        workers at a time (default 1)\n"
"  --shard K/N     only the points whose index mod N is K-1; default from\n"
"                  SLURM_ARRAY_TASK_ID / _COUNT / _MIN / _STEP\n"
"  --timeout S     seconds per point (or Nms; default 60)\n"
"  --out F         append-safe results file (default stdout); the summary\n"
"                  then goes to stdout (else to stderr)\n"
"  --resume        skip the points F already holds (refused when F holds\n"
"                  lines of another scenario or tsmsim version)\n"
"  --summary       summarise RESULTS files instead of sweeping\n"
"  --format F      the summary as text (80 columns), md, html or json\n"
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
"2 bad command line or lines of another scenario or tsmsim version, 65 a\n"
"line that is not a result, 66 unreadable file\n";

static const char minimize_usage[] =
"usage: tsmsim minimize FILE [--arch A] [--seed N] [--set PATH=VALUE]...\n"
"                       [--inject KIND@POINT[,K=V..]]... [--jobs N]\n"
"                       [--timeout S] [--out MIN.yaml]\n"
"       tsmsim minimize FILE --from RESULTS.jsonl --point ID|INDEX\n"
"                       [--set PATH=VALUE]... [--jobs N] [--out MIN.yaml]\n"
"\n"
"Runs FILE (on one arch) and shrinks it by delta debugging: drops steps,\n"
"traffic streams, faults, devices, guests, expect windows, labels nothing\n"
"references and optional keys, and shortens counts and durations, as long\n"
"as the first finding keeps its kind and its step.  Writes the smallest\n"
"such scenario as YAML (arch, seed, --set and --inject written in, the\n"
"expectations pinned to what it does) with a header saying where it came\n"
"from.  --from/--point take arch, seed, swept --set and the fault of one\n"
"sweep point (its id or index); give the sweep's plain --set again.\n"
"\n"
"  --jobs N        candidates run at a time, each in a worker process\n"
"  --timeout S     seconds per candidate run (default 60)\n"
"  --out F         write the scenario there (default stdout)\n"
"                  (docs/minimize.md)\n"
"\n"
"exit: 0 written, 1 the run has no finding, 2 bad command line, 65 bad\n"
"scenario, 66 unreadable file, 70 internal error\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tsmsim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see tsmsim --help)\n");
	return CLI_EX_USAGE;
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
		rc = cmd_load(argv[i], NULL, 0, &scn);
		scn_free(scn);
		/* an unreadable file outranks a bad one: it was not checked */
		if (rc == CLI_EX_NOINPUT || (rc && worst != CLI_EX_NOINPUT))
			worst = rc;
	}
	if (!nfiles)
		return usage_error("lint: %s", "no FILE given");
	return worst;
}

static int compare_all(const struct scenario *scn,
		       const struct compare_opts *o, FILE *out)
{
	struct run_result *runs = calloc(o->run.narches, sizeof(*runs));
	size_t done = 0;
	int rc;

	if (!runs)
		return CLI_EX_SOFTWARE;
	rc = cmd_run_arches(scn, &o->run, NULL, runs, &done);
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
		rc = cmd_load(o.run.file, o.run.sets, o.run.nsets, &scn);
	if (!rc)
		rc = cmd_open_out(o.out, &out);
	if (!rc)
		rc = compare_all(scn, &o, out ? out : stdout);
	orc = cmd_close_out(out, o.out, rc == 0 || rc == CLI_EX_FAIL);
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

static int cmd_minimize(int argc, char **argv)
{
	struct mz_opts o;
	int rc = minimize_parse(argc, argv, &o);

	if (rc == CLI_HELP) {
		fputs(minimize_usage, stdout);
		rc = 0;
	} else if (!rc) {
		rc = minimize_main(&o);
	}
	minimize_opts_fini(&o);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	return cli_list(argc, argv, stdout);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "lint", cmd_lint },
	{ "compare", cmd_compare },
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "sweep", cmd_sweep },
	{ "merge", cmd_merge },
	{ "minimize", cmd_minimize },
	{ "explore", explore_main },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int unknown_command(const char *cmd)
{
	const char *names[NCOMMANDS + 1] = { 0 }, *near;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	near = scn_nearest(cmd, names);
	fprintf(stderr, "tsmsim: unknown command '%s'", cmd);
	if (near)
		fprintf(stderr, " (did you mean '%s'?)", near);
	fprintf(stderr, "; commands:");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\n(see tsmsim --help)\n");
	return CLI_EX_USAGE;
}

/* `tsmsim help CMD` is `tsmsim CMD --help`, as in git and cargo. */
static int cmd_help(int argc, char **argv)
{
	char help[] = "--help";
	char *args[] = { help, NULL };

	if (argc < 1) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(1, args);
	return unknown_command(argv[0]);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage_text, stderr);
		return CLI_EX_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("tsmsim %s (%s)\n", TSMSIM_VERSION, TSMSIM_CONTRACT);
		return 0;
	}
	if (!strcmp(cmd, "help"))
		return cmd_help(argc - 2, argv + 2);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	return unknown_command(cmd);
}
