// SPDX-License-Identifier: MIT
/*
 * check_loader_caps.c - the scenario loader caps that keep hostile YAML
 * cheap: alias uses, node count (billion laughs), nesting depth, step
 * count, string and name lengths.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader_fixture.h"

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

START_TEST(caps_aliases_and_depth)
{
	char *deep = repeat("scenario: x\nd: ", "[", 33, "");
	char *deep_ok, *big, *many;
	struct scenario *scn = NULL;
	struct scn_diags d;
	size_t n;

	char *refs = repeat("scenario: x\na: &a [l, l]\nb: [", "*a, ", 100, "*a]\n");
	char *lol = repeat("scenario: x\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n", "", 0, "");
	int lv;

	expect_one(refs, 2, 4, "more than 100 alias uses");
	free(refs);
	/* billion laughs: 9 levels of 10 aliases; rejected, not expanded */
	for (lv = 1; lv <= 9; lv++) {
		char line[128], *next;

		snprintf(line, sizeof(line), "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, "
			 "*l%d, *l%d, *l%d, *l%d, *l%d]\n", lv, lv, lv - 1, lv - 1,
			 lv - 1, lv - 1, lv - 1, lv - 1, lv - 1, lv - 1, lv - 1, lv - 1);
		next = repeat(lol, line, 1, "");
		free(lol);
		lol = next;
	}
	expect_one(lol, 0, 0, "more than 1000000 nodes");
	free(lol);
	expect_one("scenario: x\nsteps: &s [ *s ]\n", 2, 8, "nesting deeper than 32");
	n = strlen(deep);
	deep = realloc(deep, n + 40);
	memset(deep + n, ']', 33);
	strcpy(deep + n + 33, "\n");
	expect_one(deep, 2, 35, "nesting deeper than 32");
	free(deep);
	/* 31 levels under the root are fine: the error is the unknown key only */
	deep_ok = repeat("scenario: x\nd: ", "[", 31, "");
	n = strlen(deep_ok);
	deep_ok = realloc(deep_ok, n + 40);
	memset(deep_ok + n, ']', 31);
	strcpy(deep_ok + n + 31, "\n");
	expect_one(deep_ok, 2, 1, "unknown top-level key 'd'");
	free(deep_ok);
	/* few aliases, but they expand past 1000000 visited nodes */
	big = repeat("scenario: x\nb: &b [", "0,", 20000, "0]\nc: [");
	many = repeat(big, "*b,", 60, "*b]\n");
	expect_one(many, 0, 0, "more than 1000000 nodes");
	free(big);
	free(many);
	/* a non-scalar key and a tag are reported, not crashed on */
	ck_assert_int_eq(load("scenario: x\n? [a]\n: 1\nseed: !!int 3\n", NULL, 0,
			      &scn, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_ptr_nonnull(strstr(d.d[0].msg, "mapping keys must be scalars"));
	ck_assert_ptr_nonnull(strstr(d.d[1].msg, "YAML tag"));
	scn_diags_free(&d);
}
END_TEST

START_TEST(caps_steps_and_strings)
{
	char *steps = repeat("scenario: x\nsteps:\n", "- {op: assert}\n", 100001, "");
	char *str = repeat("scenario: x\ndescription: ", "a", 4097, "\n");
	char *name = repeat("scenario: x\nplatform: { devices: [ { name: ", "d", 65,
			    " } ] }\n");

	expect_one(steps, 3, 1, "more than 100000 steps");
	expect_one(str, 2, 14, "string longer than 4096 bytes");
	expect_one(name, 2, 32, "at most 64 characters");
	free(steps);
	free(str);
	free(name);
}
END_TEST

Suite *loader_caps_suite(void)
{
	Suite *s = suite_create("loader_caps");
	TCase *caps = tcase_create("caps");

	tcase_add_test(caps, caps_aliases_and_depth);
	tcase_add_test(caps, caps_steps_and_strings);
	tcase_set_timeout(caps, 30);
	suite_add_tcase(s, caps);
	return s;
}
