// SPDX-License-Identifier: MIT
/*
 * check_checkers_windows.c - the window checkers (hitless intervals, the
 * KVM slot cover, allow lists), checker configuration and long access
 * episodes, fed synthetic trace records like check_checkers.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers_fixture.h"

/* -------------------------------------------------------------- windows */

START_TEST(hitless_violated_longest_interval)
{
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 3, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE, .what = "dev0 BAR 0", .line = 77,
	};
	const struct sim_checker_cfg cfg = { .hitless = &win, .nhitless = 1 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;
	const struct sim_finding *f;
	struct sim_rec_access ok = acc(SIM_INIT_GUEST, "vm0 poll", 0x1000,
				       BAR, 1, SIM_RES_OK);
	struct sim_rec_access gone = acc(SIM_INIT_GUEST, "vm0 poll", 0x1004,
					 UINT64_MAX, 0, SIM_RES_FAULT);

	step_begin(s, 0, 14, "kvm.map", "sh0");
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	step_end(s);
	at(s, 90);
	access(s, gone);	/* before the window: not covered */
	at(s, 100);
	step_begin(s, 1, 20, "tsm.bind", "bind");
	at(s, 110);
	access(s, ok);
	step_end(s);
	at(s, 200);
	step_begin(s, 2, 21, "kvm.unmap", NULL);
	unmap(s, 1);
	step_end(s);
	at(s, 210);
	access(s, gone);	/* covered: the GPA mapped the BAR at opening */
	at(s, 220);
	access(s, gone);
	at(s, 230);		/* elsewhere: DRAM, not covered */
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x9000, DRAM, 4, SIM_RES_UR));
	access(s, acc(SIM_INIT_GUEST, "vm1", 0x1000, UINT64_MAX, 0,
		      SIM_RES_FAULT));	/* another guest's GPA 0x1000 */
	at(s, 250);
	step_begin(s, 3, 22, "kvm.map", "priv");
	map(s, 2, SIM_MAP_S2_PRIVATE, "vm0 S-EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 300);
	ok.map_id = 2;
	access(s, ok);		/* 210 .. 300: 90 cycles unavailable */
	at(s, 400);
	ok.result = SIM_RES_RETRIED;	/* retried breaks hitless too */
	access(s, ok);
	at(s, 450);
	step_end(s);		/* 400 .. 450: 50 cycles */
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_str_eq(sim_hitless_verdict_name(st.verdict), "violated");
	ck_assert_uint_eq(st.accesses, 5);
	ck_assert_uint_eq(st.bad, 3);
	ck_assert_uint_eq(st.opened, 100);
	ck_assert_uint_eq(st.closed, 450);
	ck_assert_uint_eq(st.first_bad, 210);
	ck_assert_uint_eq(st.last_bad, 400);
	ck_assert_uint_eq(st.longest, 90);
	ck_assert_uint_eq(st.longest_from, 210);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	f = nth(s, SIM_FIND_HITLESS_VIOLATION, 0);
	ck_assert_int_eq((long)(f - sim_finding_at(s, 0)), st.finding);
	ck_assert_uint_eq(f->count, 3);
	ck_assert_uint_eq(f->first, 210);
	ck_assert_uint_eq(f->last, 400);
	ck_assert_uint_eq(f->line, 77);	/* first bad access was traffic */
	ck_assert(!f->open);
	ck_assert_str_eq(f->explain, "hitless window at line 77 over dev0 BAR 0, from tsm.bind [bind] at line 20 to kvm.map [priv] at line 22: 3 of 5 accesses did not end ok; the first, vm0 poll read of shared GPA 0x1004 at cycle 210 outside any step, ended fault (modelled cause); the range was unavailable for up to 90 cycles (from cycle 210)");
	/*
	 * the window does not replace the access findings: (vm0 poll, no
	 * mapping, fault) at 90, 210, 220 is one episode; DRAM ur; vm1
	 */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 3);
	sim_checkers_finish(s);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	ck_assert_int_eq(sim_hitless_get(s, 1, &st), -ENOENT);
	sim_destroy(s);
}
END_TEST

/* KVM names its memslot "kvm GUEST slot": a fault after its unmap is covered */
START_TEST(hitless_covers_kvm_slot_after_unmap)
{
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 2, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE, .what = "dev0 BAR 0", .line = 40,
	};
	const struct sim_checker_cfg cfg = { .hitless = &win, .nhitless = 1 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;

	step_begin(s, 0, 14, "kvm.map", "map-shared");
	map(s, 1, SIM_MAP_S2_SHARED, "kvm td0 slot", 0x80000000, BAR, BAR_SIZE);
	step_end(s);
	at(s, 100);
	step_begin(s, 1, 18, "kvm.unmap", "unmap-shared");
	unmap(s, 1);
	step_end(s);
	at(s, 200);
	access(s, acc(SIM_INIT_GUEST, "td0 poll-shared", 0x80000040,
		      UINT64_MAX, 0, SIM_RES_FAULT));
	/* another guest's GPA is not covered; nor is a "kvm" initiator */
	access(s, acc(SIM_INIT_GUEST, "td1 poll", 0x80000040, UINT64_MAX, 0,
		      SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "kvm", 0x80000040, UINT64_MAX, 0,
		      SIM_RES_FAULT));
	at(s, 300);
	step_begin(s, 2, 20, "tsm.bind", "bind");
	step_end(s);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.accesses, 1);
	ck_assert_uint_eq(st.bad, 1);
	ck_assert_uint_eq(st.first_bad, 200);
	sim_destroy(s);
}
END_TEST

START_TEST(hitless_clean_unexercised_unreached_open)
{
	const struct sim_hitless_cfg win[] = {
		{ .from_step = 0, .to_step = 1, .range = SIM_WIN_GPA,
		  .guest = "vm0", .base = 0x1000, .size = 0x1000, .line = 1 },
		{ .from_step = 0, .to_step = 0, .range = SIM_WIN_IOVA,
		  .base = 0x4000, .size = 0x1000, .line = 2 },
		{ .from_step = 9, .to_step = 9, .range = SIM_WIN_HPA,
		  .base = BAR, .size = BAR_SIZE, .line = 3 },
		{ .from_step = 1, .to_step = 5, .range = SIM_WIN_IOVA,
		  .base = 0x4000, .size = 0x1000, .line = 4 },
	};
	const struct sim_checker_cfg cfg = { .hitless = win, .nhitless = 4 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;
	struct sim_rec_access dma = acc(SIM_INIT_DEVICE, "dev0", 0x4000,
					UINT64_MAX, 0, SIM_RES_FAULT);

	ck_assert_uint_eq(sim_hitless_count(s), 4);
	at(s, 10);
	step_begin(s, 0, 30, "guest.read", NULL);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1800, BAR, 1, SIM_RES_OK));
	/* the IOVA window covers devices only; vm1 is not vm0 */
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x4000, BAR, 1, SIM_RES_OK));
	access(s, acc(SIM_INIT_GUEST, "vm01", 0x1800, BAR, 1, SIM_RES_UR));
	step_end(s);
	at(s, 20);
	step_begin(s, 1, 31, "guest.read", NULL);
	access(s, acc(SIM_INIT_GUEST, "vm0:poll", 0x1ffc, BAR, 1, SIM_RES_OK));
	step_end(s);
	at(s, 60);
	access(s, dma);		/* window 3 is open: runs to the end */
	at(s, 80);
	sim_checkers_finish(s);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_CLEAN);
	ck_assert_uint_eq(st.accesses, 2);
	ck_assert_int_eq(st.finding, -1);
	ck_assert_int_eq(sim_hitless_get(s, 1, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_UNEXERCISED);
	ck_assert_str_eq(sim_hitless_verdict_name(st.verdict), "unexercised");
	ck_assert_uint_eq(st.accesses, 0);
	ck_assert_int_eq(sim_hitless_get(s, 2, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_NOT_REACHED);
	ck_assert_int_eq(sim_hitless_get(s, 3, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.closed, 80);
	ck_assert_uint_eq(st.longest, 20);	/* 60 .. end of run */
	has(nth(s, SIM_FIND_HITLESS_VIOLATION, 0),
	    "over IOVA 0x4000+0x1000, from guest.read at line 31 to the end of the run: 1 of 1");
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	sim_destroy(s);
}
END_TEST

START_TEST(allow_suppresses_only_listed_results)
{
	const struct sim_allow_cfg allow = {
		.from_step = 1, .to_step = 2,
		.results = (1u << SIM_RES_FAULT) | (1u << SIM_RES_RETRIED),
	};
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 1, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE,
	};
	const struct sim_checker_cfg cfg = {
		.hitless = &win, .nhitless = 1, .allow = &allow, .nallow = 1,
	};
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 5);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	step_begin(s, 1, 20, "tsm.bind", NULL);
	at(s, 10);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "vm1", 0x1000, BAR, 1, SIM_RES_UR));
	access(s, acc(SIM_INIT_GUEST, "vm2", 0x1000, BAR, 1, SIM_RES_MCE));
	step_end(s);
	step_begin(s, 2, 21, "tsm.accept", NULL);
	step_end(s);
	at(s, 30);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	sim_checkers_finish(s);
	/* 5: unallowed; 10: allowed (a new episode); 30: unallowed again */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 4);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 0)->suppressed);
	ck_assert(nth(s, SIM_FIND_ACCESS_ERROR, 1)->suppressed);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 1)->count, 2);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 2)->suppressed);
	has(nth(s, SIM_FIND_ACCESS_ERROR, 2), "vm1 read");
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 3)->suppressed);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 3)->first, 30);
	ck_assert_uint_eq(sim_findings_unsuppressed(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert(!nth(s, SIM_FIND_MCE, 0)->suppressed);
	/* never hitless */
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.bad, 4);
	ck_assert(!nth(s, SIM_FIND_HITLESS_VIOLATION, 0)->suppressed);
	sim_destroy(s);
}
END_TEST

START_TEST(install_rejects_bad_config)
{
	struct sim *s = sim_create(1);
	struct sim_hitless_cfg h = { .from_step = 2, .to_step = 1,
				     .range = SIM_WIN_HPA, .size = 1 };
	struct sim_allow_cfg a = { .from_step = 0, .to_step = 0 };
	struct sim_checker_cfg cfg = { .hitless = &h, .nhitless = 1 };
	struct sim_hitless_status st;

	ck_assert_int_eq(sim_hitless_count(s), 0);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), -ENOENT);
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.to_step = 2;
	h.size = 0;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.size = 1;
	h.range = SIM_WIN_GPA;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.range = SIM_WIN_HPA;
	cfg.nhitless = SIM_HITLESS_MAX + 1;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -E2BIG);
	cfg.nhitless = 1;
	cfg.allow = &a;
	cfg.nallow = 1;
	a.from_step = -1;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	a.from_step = 0;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), 0);
	ck_assert_int_eq(sim_checkers_install(s, NULL), -EBUSY);
	ck_assert_uint_eq(sim_hitless_count(s), 1);
	sim_destroy(s);
}
END_TEST

/* `--checkers none`: windows still checked, then nothing judges. */
START_TEST(install_off_checks_windows_registers_nothing)
{
	struct sim *s = sim_create(1);
	struct sim_hitless_cfg h = { .from_step = 0, .to_step = 0,
				     .range = SIM_WIN_HPA, .base = BAR,
				     .size = 0 };
	struct sim_checker_cfg cfg = { .hitless = &h, .nhitless = 1,
				       .off = true };

	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.size = BAR_SIZE;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), 0);
	ck_assert_uint_eq(sim_hitless_count(s), 0);
	/* an access that ends ur inside the window: no finding */
	step_begin(s, 0, 1, "x", NULL);
	access(s, acc(SIM_INIT_DEVICE, "dev0", BAR + 8, BAR + 8, 0, SIM_RES_UR));
	step_end(s);
	sim_checkers_finish(s);
	ck_assert_uint_eq(sim_findings_count(s), 0);
	/* and the checkers can still be installed for real afterwards */
	cfg.off = false;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), 0);
	ck_assert_uint_eq(sim_hitless_count(s), 1);
	sim_destroy(s);
}
END_TEST

START_TEST(long_episode_stays_one_finding)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev0", 0x4000,
				      UINT64_MAX, 0, SIM_RES_FAULT);
	const struct sim_finding *f;

	for (uint64_t i = 1; i <= 200000; i++) {
		at(s, i);
		a.write = i & 1;
		a.dropped_silently = i & 1;
		access(s, a);
	}
	ck_assert_uint_eq(sim_findings_count(s), 2);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 200000);
	ck_assert_uint_eq(f->last, 200000);
	ck_assert_uint_eq(nth(s, SIM_FIND_DATA_LOSS, 0)->count, 100000);
	sim_destroy(s);
}
END_TEST

Suite *checkers_windows_suite(void)
{
	Suite *su = suite_create("checkers_windows");
	TCase *tc = tcase_create("windows");

	tcase_add_test(tc, hitless_violated_longest_interval);
	tcase_add_test(tc, hitless_covers_kvm_slot_after_unmap);
	tcase_add_test(tc, hitless_clean_unexercised_unreached_open);
	tcase_add_test(tc, allow_suppresses_only_listed_results);
	tcase_add_test(tc, install_rejects_bad_config);
	tcase_add_test(tc, install_off_checks_windows_registers_nothing);
	tcase_add_test(tc, long_episode_stays_one_finding);
	suite_add_tcase(su, tc);
	return su;
}
