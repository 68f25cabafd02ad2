/* SPDX-License-Identifier: MIT */
/*
 * compare.h - `tsmsim compare FILE [--arch tdx,sev,cca] [--format
 * text|md|html] [--out FILE]` (README.md): one scenario on
 * several arches, side by side.
 */
#ifndef TSMSIM_TOOLS_COMPARE_H
#define TSMSIM_TOOLS_COMPARE_H

#include <stdio.h>

#include "cli.h"
#include "run.h"
#include "scenario.h"

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

#endif /* TSMSIM_TOOLS_COMPARE_H */
