/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - the top of tools/: the subcommands' front ends that main.c
 * dispatches to (sections cmd: run and show; compare; list).  May use
 * every other folder of tools/; nothing includes it but its own files.
 */
#ifndef TSMSIM_TOOLS_CMD_H
#define TSMSIM_TOOLS_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"
#include "run.h"
#include "load.h"

/*
 * cmd: the pieces the subcommands share (main.c,
 * cmd_run.c, show.c): loading with diagnostics, running every arch,
 * output files.
 */

/* Load @file (`-`: stdin) printing its diagnostics; returns 0, 65 or 66. */
int cmd_load(const char *file, const struct scn_set *sets, size_t nsets,
	     struct scenario **scn);

/* The arches of a run: --arch when given, else the scenario's. */
void cmd_arch_list(const struct scenario *scn, const struct cli_run *o,
		   const char *const **arches, size_t *narch);

/*
 * Run @scn on every arch of @o into @runs; @logs (one per arch, or NULL)
 * record the trace.  Sets @done to the runs to fini; returns 0, 65 or 70.
 */
int cmd_run_arches(const struct scenario *scn, const struct cli_run *o,
		   struct out_log **logs, struct run_result *runs, size_t *done);

/* Open @path for writing (NULL: nothing); 0, or 2 after saying why. */
int cmd_open_out(const char *path, FILE **f);
/* Close @f, removing @path unless @keep; a failed write is 2. */
int cmd_close_out(FILE *f, const char *path, bool keep);

int cmd_run(int argc, char **argv);
int cmd_show(int argc, char **argv);

/*
 * compare: `tsmsim compare FILE [--arch tdx,sev,cca] [--format
 * text|md|html] [--out FILE]` (README.md): one scenario on
 * several arches, side by side.
 */

enum compare_format {
	COMPARE_TEXT,		/* 80 columns for 3 arches: mail */
	COMPARE_MD,		/* GitHub markdown tables */
	COMPARE_HTML,		/* a standalone page */
};

/**
 * struct compare_opts - the parsed `tsmsim compare` command line.
 * @run:    what it shares with run (FILE, --arch, --seed, --set, --inject)
 * @format: --format
 * @out:    --out FILE, or NULL for stdout
 */
struct compare_opts {
	struct cli_run run;
	enum compare_format format;
	const char *out;
};

/**
 * compare_parse() - parse the arguments after the word compare.
 * Without --arch, the arches are tdx, sev and cca whatever the file's
 * `arch:` says (the comparison is the point).
 * Returns 0, CLI_HELP, or CLI_EX_USAGE after printing why to stderr.
 * Always call cli_run_fini(&@o->run).
 */
int compare_parse(int argc, char **argv, struct compare_opts *o);

/**
 * compare_write() - the side-by-side table of @n runs of @scn: per step
 * the result on each arch, per finding kind the counts, the expectation
 * verdicts, then the first explanation of each finding kind per arch.
 */
void compare_write(FILE *f, const struct scenario *scn,
		   const struct run_result *runs, size_t n,
		   enum compare_format fmt);

/* `tsmsim list WHAT`: returns an exit code. */
int cli_list(int argc, char **argv, FILE *out);

#endif /* TSMSIM_TOOLS_CMD_H */
