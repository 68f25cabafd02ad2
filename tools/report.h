/* SPDX-License-Identifier: MIT */
/*
 * report.h - the run report: 80-column text for mail, or one JSON
 * document (schema "tsmsim-run/1", docs/json.md).
 */
#ifndef TSMSIM_TOOLS_REPORT_H
#define TSMSIM_TOOLS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "run.h"
#include "scenario.h"

struct report_opts {
	int verbose;		/* -1 quiet, 0 normal, 1 verbose */
	bool stats;
};

void report_text(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o);
void report_json(FILE *f, const struct scenario *scn,
		 const struct run_result *runs, size_t nruns,
		 const struct report_opts *o);
/*
 * Where a finding arose, for every report: "line 29 [lock]", "fault
 * device-flr, line 40", "--inject drop-invalidation@after:unmap" or
 * "outside any step".  Writes into @buf of @len and returns it.
 */
const char *report_finding_where(const struct sim_finding *fd, char *buf,
				 size_t len);
/* Write @s as a JSON string literal (quotes included). */
void report_json_str(FILE *f, const char *s);

#endif /* TSMSIM_TOOLS_REPORT_H */
