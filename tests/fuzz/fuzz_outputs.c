// SPDX-License-Identifier: MIT
/*
 * fuzz_outputs.c - libFuzzer target for the writers: a scenario that
 * loads runs on the arch its length picks, with the trace log attached,
 * and every report is written (text, JSON, JUnit, VCD, trace, HTML and
 * compare's three formats) to /dev/null.  A run with no steps, a watchdog
 * stop or a huge cycle count must still give well-formed output.
 */
#include <stdio.h>

#include "cmd.h"
#include "fuzz.h"
#include "out.h"

static const char *const arches[] = { "tdx", "sev", "cca" };

static void write_all(FILE *f, const struct scenario *scn,
		      const struct run_result *r, const struct out_log *log)
{
	struct report_opts ro = { 1, true };
	struct out_run run = { r, log };

	report_text(f, scn, r, 1, &ro);
	report_json(f, scn, r, 1, &ro);
	out_junit_write(f, scn, &run, 1);
	out_vcd_write(f, scn, &run, 1);
	out_trace_write(f, scn, &run, 1);
	out_html_write(f, scn, &run, 1);
	compare_write(f, scn, r, 1, COMPARE_TEXT);
	compare_write(f, scn, r, 1, COMPARE_MD);
	compare_write(f, scn, r, 1, COMPARE_HTML);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct out_log *log = out_log_create();
	struct run_sink sink = { out_log_attach, log };
	struct run_opts o = { .sinks = &sink, .nsinks = 1 };
	struct run_result r;
	FILE *f = fopen("/dev/null", "w");

	if (text && log && f &&
	    !scn_load_string("fuzz.yaml", text, NULL, 0, &scn, &d) &&
	    !fuzz_run(scn, arches[size % 3], &o, &r)) {
		write_all(f, scn, &r, log);
		run_result_fini(&r);
	}
	if (f)
		fclose(f);
	out_log_destroy(log);
	scn_free(scn);
	scn_diags_free(&d);
	free(text);
	return 0;
}
