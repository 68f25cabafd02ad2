/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share (`make fuzz`
 * builds and runs them all; docs/robustness.md has the executions).
 */
#ifndef TSMSIM_TESTS_FUZZ_H
#define TSMSIM_TESTS_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (the loaders take text). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);

	if (t) {
		memcpy(t, data, size);
		t[size] = 0;
	}
	return t;
}

/*
 * Run @scn on @arch with a watchdog small enough that fuzzed traffic
 * costs milliseconds: the runner and the models see whatever the loader
 * lets through.  Returns 0 with @r filled (run_result_fini() it).
 */
static inline int fuzz_run(const struct scenario *scn, const char *arch,
			   const struct run_opts *o, struct run_result *r)
{
	struct scenario lim = *scn;

	lim.max_events = scn->max_events < 200000 ? scn->max_events : 200000;
	if (!run_scenario(&lim, arch, o, r))
		return 0;
	if (r->sim)
		run_result_fini(r);
	return -1;
}

#endif /* TSMSIM_TESTS_FUZZ_H */
