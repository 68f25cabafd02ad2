// SPDX-License-Identifier: MIT
/*
 * fuzz_loader.c - libFuzzer target for the scenario loader: any bytes
 * must load or be refused with diagnostics, never crash, leak or hang
 * (the quality bar: "bad input gets FILE:LINE:COL: error, exit 65, never a
 * crash").  Loaded scenarios are also run on tdx with a small watchdog,
 * so the runner and the models see what the loader lets through.
 *
 *   make fuzz            builds build-fuzz/fuzz_loader
 *   build-fuzz/fuzz_loader -max_total_time=60 tests/fuzz/corpus scenarios/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (!scn_load_string("fuzz.yaml", text, NULL, 0, &scn, &d) && scn &&
	    scn->narches) {
		struct run_opts o = { 0 };
		struct run_result r;
		struct scenario lim = *scn;

		/* bound the run: fuzzed traffic must not take minutes */
		lim.max_events = 200000;
		if (!run_scenario(&lim, "tdx", &o, &r) || r.sim)
			run_result_fini(&r);
	}
	scn_free(scn);
	scn_diags_free(&d);
	free(text);
	return 0;
}
