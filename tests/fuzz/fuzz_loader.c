// SPDX-License-Identifier: MIT
/*
 * fuzz_loader.c - libFuzzer target for the scenario loader and the runner
 * behind it: any bytes must load or be refused with diagnostics, never
 * crash, leak, hang or hit undefined behaviour (UBSan halts).  A loaded
 * scenario runs on tdx, sev or cca (the input's length picks one), so
 * every arch's models see what the loader lets through.
 */
#include "fuzz.h"

static const char *const arches[] = { "tdx", "sev", "cca" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_opts o = { 0 };
	struct run_result r;

	if (!text)
		return 0;
	if (!scn_load_string("fuzz.yaml", text, NULL, 0, &scn, &d) &&
	    !fuzz_run(scn, arches[size % 3], &o, &r))
		run_result_fini(&r);
	scn_free(scn);
	scn_diags_free(&d);
	free(text);
	return 0;
}
