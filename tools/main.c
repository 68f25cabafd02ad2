// SPDX-License-Identifier: MIT
/*
 * main.c - the tsmsim command line (contract section 1).  Only tools/
 * parses argv, prints to the terminal or exits; exit codes are the
 * contract's: 0 pass, 1 expectation failed, 2 bad command line, 65 bad
 * scenario, 66 file not readable, 70 internal error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
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
"  list WHAT      list ops|faults|findings|results|arches|timing\n"
"  sweep, merge, compare   (not in this version yet)\n"
"\n"
"  tsmsim COMMAND --help   options of one command\n"
"  tsmsim --version\n"
"\n"
"exit codes: 0 pass, 1 expectation failed, 2 bad command line,\n"
"65 bad scenario, 66 file not readable, 70 internal error\n";

static const char run_usage[] =
"usage: tsmsim run FILE [--arch A[,B..]] [--seed N] [--set PATH=VALUE]...\n"
"                  [--inject KIND@POINT[,K=V..]]... [--json] [--stats] [-q|-v]\n"
"\n"
"Runs FILE on each arch (the scenario's `arch:` unless --arch is given)\n"
"and prints an 80-column report, or one JSON document with --json.\n"
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
"\n"
"Not in this version yet: --junit, --vcd, --trace, --html.\n"
"exit: 0 every expectation held, 1 one failed, 2 bad command line,\n"
"65 bad scenario, 66 unreadable file, 70 internal error\n";

static const char lint_usage[] =
"usage: tsmsim lint FILE...\n"
"\n"
"Parses and validates each FILE (all errors of each file, as\n"
"FILE:LINE:COL: error: ...) and runs nothing.\n"
"exit: 0 all valid, 65 some file has errors, 66 some file is unreadable\n";

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

static int run_all(const struct scenario *scn, const struct cli_run *o)
{
	struct run_result *runs;
	struct report_opts ro = { o->verbose, o->stats };
	const char *const *arches = (const char *const *)o->arches;
	size_t narch = o->narches, done = 0;
	int rc = 0;

	if (!narch) {
		arches = (const char *const *)scn->arches;
		narch = scn->narches;
	}
	runs = calloc(narch, sizeof(*runs));
	if (!runs)
		return CLI_EX_SOFTWARE;
	for (size_t i = 0; i < narch; i++, done++) {
		if (run_scenario(scn, arches[i], &o->ropts, &runs[i])) {
			if (runs[i].scn_error) {
				fprintf(stderr, "%s\n", runs[i].scn_error);
				rc = CLI_EX_DATAERR;
			} else {
				fprintf(stderr, "tsmsim: %s\n", runs[i].error ?
					runs[i].error : "internal error");
				rc = CLI_EX_SOFTWARE;
			}
			done++;
			break;
		}
	}
	if (!rc) {
		if (o->json)
			report_json(stdout, scn, runs, done, &ro);
		else
			report_text(stdout, scn, runs, done, &ro);
		for (size_t i = 0; i < done; i++)
			if (!runs[i].pass)
				rc = CLI_EX_FAIL;
	}
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
	if (!strcmp(cmd, "sweep") || !strcmp(cmd, "merge") ||
	    !strcmp(cmd, "compare"))
		return usage_error("'%s' is not in this version yet", cmd);
	return usage_error("unknown command '%s'", cmd);
}
