/* SPDX-License-Identifier: MIT */
/*
 * cli.h - command-line parsing and `tsmsim list`, kept apart from main()
 * so the Check suites can drive them.
 */
#ifndef TSMSIM_TOOLS_CLI_H
#define TSMSIM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "run.h"
#include "load.h"

/* Exit codes of README.md (sysexits.h values where they exist). */
enum {
	CLI_EX_OK = 0,
	CLI_EX_FAIL = 1,
	CLI_EX_USAGE = 2,
	CLI_EX_DATAERR = 65,
	CLI_EX_NOINPUT = 66,
	CLI_EX_SOFTWARE = 70,
	CLI_HELP = -1,		/* --help was asked for */
};

#define CLI_MAX_SETS 64

#define CLI_MAX_FILES 256

struct cli_run {
	const char *file;		/* the first of @files */
	const char *files[CLI_MAX_FILES];	/* `-` is stdin */
	size_t nfiles;
	bool one_file;			/* the command takes one FILE (compare) */
	char *arches[SCN_MAX_ARCHES];	/* from --arch, split on ',' */
	size_t narches;
	struct scn_set sets[CLI_MAX_SETS];
	char *set_bufs[CLI_MAX_SETS];
	size_t nsets;
	bool json, stats;
	int verbose;
	/* output files (--junit, --vcd, --trace, --html, --stats-file) */
	const char *junit, *vcd, *trace, *html, *stats_file;
	const char *checkers;		/* --checkers as given, else NULL */
	struct run_opts ropts;
};

/*
 * Parse `run` arguments (after the word run).  Returns 0, CLI_HELP, or
 * CLI_EX_USAGE after printing why to stderr.  Always call cli_run_fini().
 */
int cli_parse_run(int argc, char **argv, struct cli_run *o);
void cli_run_fini(struct cli_run *o);

/*
 * Checks of one --arch item and one --inject value, shared by run,
 * compare and sweep: 0, or CLI_EX_USAGE after saying why (with "did you
 * mean" and what exists) as "tsmsim @cmd: ...".
 */
int cli_check_arch(const char *cmd, const char *name);
int cli_check_inject(const char *cmd, const char *arg);

/*
 * cli_bad() - say "tsmsim @cmd: " @fmt (with @arg for its one %s) and
 * where the help is, on stderr; returns CLI_EX_USAGE.
 */
int cli_bad(const char *cmd, const char *fmt, const char *arg);

/* Apply option @opt with @val to @ctx; -1 when @opt is not one. */
typedef int cli_with_fn(void *ctx, const char *opt, const char *val);

/*
 * cli_value_opt() - argv[*i], an option of @cmd that takes a value, as
 * "--opt=value" or "--opt value" (then *@i moves past the value): @with
 * applies it, @takes tells the options that take one.  Returns what @with
 * returned, or CLI_EX_USAGE for an unknown option or a missing value.
 */
int cli_value_opt(const char *cmd, int argc, char **argv, int *i, void *ctx,
		  cli_with_fn *with, bool (*takes)(const char *opt));

#endif /* TSMSIM_TOOLS_CLI_H */
