/* SPDX-License-Identifier: MIT */
/*
 * minimize.h - `tsmsim minimize` (README.md): from a run with a
 * finding (a scenario plus --set / --inject, or one point of sweep
 * results) to a smallest scenario with the same first finding at the same
 * step, written as a ready regression scenario (docs/minimize.md).
 */
#ifndef TSMSIM_TOOLS_MINIMIZE_H
#define TSMSIM_TOOLS_MINIMIZE_H

#include <stdint.h>

#include "cli.h"

/**
 * struct mz_opts - the minimize command line.
 * @run:        FILE, --arch (one), --seed, --set, --inject as for run
 * @jobs:       --jobs: candidates run at a time in worker processes
 * @timeout_ms: --timeout per candidate run
 * @out:        --out MIN.yaml; NULL: the YAML goes to stdout
 * @from:       --from RESULTS.jsonl: take arch, seed, swept --set and the
 *              fault of one sweep point ...
 * @point:      --point ID|INDEX: ... this one
 */
struct mz_opts {
	struct cli_run run;
	unsigned int jobs;
	uint64_t timeout_ms;
	const char *out;
	const char *from;
	const char *point;
};

/* Parse the arguments after the word minimize: 0, CLI_HELP or 2. */
int minimize_parse(int argc, char **argv, struct mz_opts *o);
void minimize_opts_fini(struct mz_opts *o);
/*
 * Shrink and write.  Returns 0 (written), 1 (the run has no finding:
 * nothing to keep), 2, 65, 66, 70.
 */
int minimize_main(struct mz_opts *o);

#endif /* TSMSIM_TOOLS_MINIMIZE_H */
