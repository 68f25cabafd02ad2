// SPDX-License-Identifier: MIT
/*
 * check_main.c - runs every Check suite.  The Makefile generates
 * suites.inc from the `Suite *NAME_suite(void)` definitions in
 * tests/unit/check_*.c, so a new suite needs no edit here.
 *
 * TSMSIM_SUITE=name runs one suite only.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(n) Suite *n##_suite(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
	const char *only = getenv("TSMSIM_SUITE");
	SRunner *sr = NULL;
	int failed;

#define SUITE(n)                                                   \
	if (!only || !strcmp(only, #n)) {                          \
		if (!sr)                                           \
			sr = srunner_create(n##_suite());          \
		else                                               \
			srunner_add_suite(sr, n##_suite());        \
	}
#include "suites.inc"
#undef SUITE
	if (!sr)
		return 2;
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	/* the line tests/quiet.sh and tests/total.sh count */
	printf("unit: %d passed, %d failed\n", srunner_ntests_run(sr) - failed, failed);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
