/* SPDX-License-Identifier: MIT */
/*
 * loader_fixture.h - load a scenario from a string and expect exactly one
 * diagnostic.  Included by check_loader.c and check_loader_caps.c only.
 */
#ifndef TSMSIM_TESTS_UNIT_LOADER_FIXTURE_H
#define TSMSIM_TESTS_UNIT_LOADER_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <string.h>

#include "load.h"

/* the suites (declared here: the Makefile greps the .c definitions) */
Suite *loader_suite(void);
Suite *loader_caps_suite(void);

#define LFX_UNUSED __attribute__((unused))

/* Load @text; returns the rc and keeps the diagnostics in @d. */
static LFX_UNUSED int load(const char *text, const struct scn_set *sets,
			   size_t nsets, struct scenario **scn,
			   struct scn_diags *d)
{
	memset(d, 0, sizeof(*d));
	return scn_load_string("t.yaml", text, sets, nsets, scn, d);
}

/* Exactly one diagnostic at @line:@col (0: anywhere) containing @sub. */
static LFX_UNUSED void expect_one(const char *text, unsigned int line,
				  unsigned int col, const char *sub)
{
	struct scenario *scn = NULL;
	struct scn_diags d;
	int rc = load(text, NULL, 0, &scn, &d);

	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_ptr_null(scn);
	ck_assert_uint_eq(d.n, 1);
	if (line) {
		ck_assert_uint_eq(d.d[0].pos.line, line);
		ck_assert_uint_eq(d.d[0].pos.col, col);
	}
	ck_assert_msg(strstr(d.d[0].msg, sub), "'%s' lacks '%s'", d.d[0].msg, sub);
	scn_diags_free(&d);
}

#endif /* TSMSIM_TESTS_UNIT_LOADER_FIXTURE_H */
