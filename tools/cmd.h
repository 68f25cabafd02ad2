/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - private to tools/: the pieces the subcommands share (main.c,
 * cmd_run.c, show.c): loading with diagnostics, running every arch,
 * output files.
 */
#ifndef TSMSIM_TOOLS_CMD_H
#define TSMSIM_TOOLS_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"
#include "run.h"
#include "scenario.h"

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

#endif /* TSMSIM_TOOLS_CMD_H */
