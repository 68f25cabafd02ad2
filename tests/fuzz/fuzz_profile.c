// SPDX-License-Identifier: MIT
/*
 * fuzz_profile.c - libFuzzer target for the arch-profile loader (the
 * `--arch FILE.yaml` files): load or refuse with positions, under the
 * same limits as scenarios; a loaded profile is printed and converted
 * to cycles at the slowest and fastest clocks.
 */
#include <stdio.h>

#include "arch.h"
#include "fuzz.h"

static void ignore(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arch_profile *p = calloc(1, sizeof(*p));
	struct arch_diag diag = { ignore, NULL, 0 };
	uint64_t t[AT_NR];

	if (p && !arch_profile_load_text("fuzz.yaml", (const char *)data, size,
					 p, &diag)) {
		arch_profile_cycles(p, 1, t);
		arch_profile_cycles(p, 100000, t);
		arch_profile_print(p, ignore, NULL);
	}
	free(p);
	return 0;
}
