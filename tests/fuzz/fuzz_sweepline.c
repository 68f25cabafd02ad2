// SPDX-License-Identifier: MIT
/*
 * fuzz_sweepline.c - libFuzzer target for the sweep result-line reader
 * (what `merge` and `sweep --resume` parse): any line is a result or
 * refused, never a crash, and a line it accepts keeps its point in range.
 */
#include "fuzz.h"
#include "sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct sweep_line_info li;

	if (!text)
		return 0;
	if (!sweep_line_parse(text, &li)) {
		if (li.point >= li.npoints)
			abort();
		sweep_line_info_fini(&li);
	}
	free(text);
	return 0;
}
