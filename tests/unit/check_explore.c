// SPDX-License-Identifier: MIT
/*
 * check_explore.c - unordered blocks in the loader and the explorer's
 * plan: the orders the needs allow, their count, lexicographic order,
 * the reduction (independent steps commute, dependent ones never), the
 * cap and the prefix-sharing count.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "explore.h"
#include "load.h"


static const char head[] =
	"scenario: t\n"
	"platform:\n"
	"  devices:\n"
	"    - { name: d0, bars: [ { index: 0, size: 64KiB } ] }\n"
	"    - { name: d1, bars: [ { index: 0, size: 64KiB } ] }\n"
	"  guests: [ { name: g0 }, { name: g1 } ]\n";

static struct scenario *ld(const char *steps, const char *tail)
{
	char text[16384];
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;

	snprintf(text, sizeof(text), "%ssteps:\n%s%s", head, steps, tail ? tail : "");
	ck_assert_int_eq(scn_load_string("t.yaml", text, NULL, 0, &scn, &d), 0);
	scn_diags_free(&d);
	return scn;
}

/* mmap of d0 and d1, a read through each: two independent pairs */
static const char two_pairs[] =
	"  - unordered:\n"
	"    - { op: vfio.mmap, device: d0, bar: 0, name: m0, label: a }\n"
	"    - { op: vfio.mmap, device: d1, bar: 0, name: m1, label: b }\n"
	"    - { op: host.read, mapping: m0, offset: 0, label: c, needs: [a], expect: any }\n"
	"    - { op: host.read, mapping: m1, offset: 0, label: e, needs: [b], expect: any }\n";

START_TEST(blocks_flattened_in_file_order)
{
	struct scenario *scn = ld("  - { op: tsm.connect, device: d0 }\n", NULL);

	scn_free(scn);
	scn = ld(two_pairs, NULL);
	ck_assert_uint_eq(scn->nsteps, 4);
	ck_assert_uint_eq(scn->nblocks, 1);
	ck_assert_uint_eq(scn->blocks[0].first, 0);
	ck_assert_uint_eq(scn->blocks[0].n, 4);
	ck_assert_str_eq(scn->steps[2].label, "c");
	ck_assert_int_eq(scn->steps[2].block, 0);
	ck_assert_uint_eq(scn->steps[2].nneeds, 1);
	ck_assert_uint_eq(scn->steps[2].needs[0], 0);
	scn_free(scn);
}
END_TEST

START_TEST(orders_allowed_and_lexicographic)
{
	struct scenario *scn = ld(two_pairs, NULL);
	struct xp_plan p;

	xp_plan_build(scn, 1000, false, &p);
	/* 4! / (2 * 2): a before c, b before e */
	ck_assert_uint_eq(p.allowed, 6);
	ck_assert_uint_eq(p.norders, 6);
	ck_assert_uint_eq(p.pruned, 0);
	ck_assert_uint_eq(xp_step(&p, 0, 0), 0);	/* a b c e, file order */
	ck_assert_uint_eq(xp_step(&p, 0, 3), 3);
	ck_assert_uint_eq(xp_step(&p, 5, 0), 1);	/* b e a c, last */
	ck_assert_uint_eq(xp_step(&p, 5, 1), 3);
	for (size_t o = 0; o < p.norders; o++) {
		size_t where[4];

		for (size_t d = 0; d < 4; d++)
			where[xp_step(&p, o, d)] = d;
		ck_assert_uint_lt(where[0], where[2]);
		ck_assert_uint_lt(where[1], where[3]);
	}
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

START_TEST(reduction_keeps_one_per_class)
{
	struct scenario *scn = ld(two_pairs, NULL);
	struct xp_plan p;
	uint64_t shared, alone;

	/* the d0 pair and the d1 pair commute: one class, one order */
	xp_plan_build(scn, 1000, true, &p);
	ck_assert_ptr_null(p.noprune);
	ck_assert_uint_eq(p.norders, 1);
	ck_assert_uint_eq(p.pruned, 5);
	ck_assert_uint_eq(xp_step(&p, 0, 1), 1);	/* a b c e */
	xp_plan_steps(&p, &shared, &alone);
	ck_assert_uint_eq(shared, 4);
	ck_assert_uint_eq(alone, 4);
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

START_TEST(reduction_conservative)
{
	/* a fault at a step's label makes it dependent on every step */
	struct scenario *scn = ld(two_pairs,
		"faults: [ { kind: link-down, at: \"after:a\", device: d0 } ]\n");
	struct xp_plan p;

	xp_plan_build(scn, 1000, true, &p);
	ck_assert_uint_gt(p.norders, 1);
	xp_plan_fini(&p);
	scn_free(scn);
	/* a fault at a cycle: nothing is pruned */
	scn = ld(two_pairs, "faults: [ { kind: link-down, at: 5us, device: d0 } ]\n");
	xp_plan_build(scn, 1000, true, &p);
	ck_assert_ptr_nonnull(p.noprune);
	ck_assert_uint_eq(p.norders, 6);
	xp_plan_fini(&p);
	scn_free(scn);
	/* traffic through m0 pins the d0 steps */
	scn = ld(two_pairs, "traffic: [ { name: t, from: \"host:m0\", op: read, offset: 0, count: 3, start: a } ]\n");
	xp_plan_build(scn, 1000, true, &p);
	ck_assert_uint_gt(p.norders, 1);
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

START_TEST(firmware_steps_never_commute)
{
	struct scenario *scn = ld(
		"  - { op: tsm.connect, device: d0 }\n"
		"  - { op: tsm.connect, device: d1 }\n"
		"  - unordered:\n"
		"    - { op: tsm.bind, device: d0, guest: g0, label: a }\n"
		"    - { op: tsm.bind, device: d1, guest: g1, label: b }\n", NULL);
	struct xp_plan p;

	xp_plan_build(scn, 1000, true, &p);
	ck_assert_uint_eq(p.norders, 2);
	ck_assert_uint_eq(p.pos_run[0], 2);
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

START_TEST(cap_and_product)
{
	struct scenario *scn = ld(
		"  - unordered:\n"
		"    - { op: tsm.connect, device: d0 }\n"
		"    - { op: tsm.connect, device: d1 }\n"
		"    - { op: tsm.policy, device: d0, on_illegal: keep-state }\n"
		"  - { op: tsm.disconnect, device: d1 }\n"
		"  - unordered:\n"
		"    - { op: tsm.disconnect, device: d0 }\n"
		"    - { op: tsm.connect, device: d1 }\n", NULL);
	struct xp_plan p;

	xp_plan_build(scn, 1000, true, &p);
	ck_assert_uint_eq(p.allowed, 12);	/* 3! x 2! */
	ck_assert_uint_eq(p.npos, 5);
	ck_assert_uint_eq(p.pos_run[3], 4);
	xp_plan_fini(&p);
	xp_plan_build(scn, 5, false, &p);
	ck_assert(p.capped);
	ck_assert_uint_eq(p.norders, 5);
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

START_TEST(count_saturates)
{
	/* two blocks of 20: 20!^2 > 2^64 */
	char steps[8192] = "";
	size_t off = 0;
	struct scenario *scn;
	struct xp_plan p;

	for (int b = 0; b < 2; b++) {
		off += (size_t)snprintf(steps + off, sizeof(steps) - off, "  - unordered:\n");
		for (int i = 0; i < 20; i++)
			off += (size_t)snprintf(steps + off, sizeof(steps) - off,
				"    - { op: tsm.policy, device: d0, on_illegal: keep-state }\n");
	}
	scn = ld(steps, NULL);
	xp_plan_build(scn, 10, true, &p);
	ck_assert(p.allowed_sat);
	ck_assert(p.capped);
	ck_assert_uint_eq(p.norders, 10);
	xp_plan_fini(&p);
	scn_free(scn);
}
END_TEST

Suite *explore_suite(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, blocks_flattened_in_file_order);
	tcase_add_test(tc, orders_allowed_and_lexicographic);
	tcase_add_test(tc, reduction_keeps_one_per_class);
	tcase_add_test(tc, reduction_conservative);
	tcase_add_test(tc, firmware_steps_never_commute);
	tcase_add_test(tc, cap_and_product);
	tcase_add_test(tc, count_saturates);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
