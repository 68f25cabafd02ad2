// SPDX-License-Identifier: MIT
/*
 * check_checkers_cache.c - the access judge's verdict cache (struct
 * chk_slot in sim/checkers_internal.h): a quiet access returns at once
 * only while nothing it depends on has changed.  Each test makes a key
 * quiet with identical accesses, changes one thing, and repeats the same
 * access: a stale verdict would miss the finding or the count.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "checkers_fixture.h"

/* A dma-buf revoke (no step around it) between two identical accesses. */
START_TEST(revoke_between_identical_accesses)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev1 dma", 0x4000, BAR,
				      5, SIM_RES_OK);
	struct sim_rec rec = { .type = SIM_REC_ACCESS };
	const struct sim_finding *f;

	dmabuf(s, "map", 5);
	map(s, 5, SIM_MAP_IOMMU, "ioas a", 0x4000, BAR, BAR_SIZE);
	at(s, 10);
	access(s, a);
	access(s, a);
	rec.u.access = a;
	ck_assert(sim_trace_again_quiet(s, &rec));
	dmabuf(s, "revoke", 0);
	ck_assert(!sim_trace_again_quiet(s, &rec));
	at(s, 20);
	access(s, a);
	at(s, 30);
	access(s, a);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_USE_AFTER_REVOKE, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 20);
	ck_assert(f->open);
	dmabuf(s, "unrevoke", 0);
	at(s, 40);
	access(s, a);		/* ends the episode */
	ck_assert(!nth(s, SIM_FIND_USE_AFTER_REVOKE, 0)->open);
	ck_assert(sim_trace_again_quiet(s, &rec));
	access(s, a);
	ck_assert_uint_eq(nth(s, SIM_FIND_USE_AFTER_REVOKE, 0)->count, 2);
	sim_destroy(s);
}
END_TEST

/* A mapping linked to a revoked dma-buf after its accesses were quiet. */
START_TEST(link_to_revoked_buffer_between_accesses)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev1 dma", 0x8000, BAR,
				      6, SIM_RES_OK);

	map(s, 6, SIM_MAP_IOMMU, "ioas a", 0x8000, BAR, BAR_SIZE);
	dmabuf(s, "revoke", 0);
	access(s, a);
	access(s, a);		/* not linked: nothing */
	ck_assert_uint_eq(sim_findings_count(s), 0);
	dmabuf(s, "map", 6);
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_USE_AFTER_REVOKE), 1);
	sim_destroy(s);
}
END_TEST

/* A hitless window opening between identical accesses counts the next. */
START_TEST(window_opens_between_identical_accesses)
{
	struct sim *s = mk_bar_window();
	struct sim_rec_access a = acc(SIM_INIT_GUEST, "vm0 poll", 0x1000, BAR,
				      1, SIM_RES_OK);
	struct sim_rec rec = { .type = SIM_REC_ACCESS };
	struct sim_hitless_status st;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	access(s, a);
	access(s, a);
	step_begin(s, 1, 20, "tsm.bind", NULL);
	rec.u.access = a;
	ck_assert(!sim_trace_again_quiet(s, &rec));
	access(s, a);
	access(s, a);
	access(s, a);
	a.result = SIM_RES_UR;	/* identical errors: each one counts */
	access(s, a);
	access(s, a);
	step_end(s);
	access(s, a);		/* after the window: not counted */
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.accesses, 5);
	ck_assert_uint_eq(st.bad, 2);
	sim_destroy(s);
}
END_TEST

/*
 * One initiator text at two addresses is one pair.  An episode opened
 * through one address must make the other's quiet verdict stale: the ok
 * access through it ends the episode, so the next fault is a new one.
 */
START_TEST(episode_through_another_address)
{
	struct sim *s = mk(NULL);
	char buf[2][64] = { "vm0", "vm0" };	/* 64 apart: two slots */
	const char *one = buf[0], *two = buf[1];
	const struct sim_finding *f;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 10);
	access(s, acc(SIM_INIT_GUEST, one, 0x1000, BAR, 1, SIM_RES_OK));
	access(s, acc(SIM_INIT_GUEST, one, 0x1000, BAR, 1, SIM_RES_OK));
	at(s, 20);
	access(s, acc(SIM_INIT_GUEST, two, 0x1000, BAR, 1, SIM_RES_FAULT));
	at(s, 30);
	access(s, acc(SIM_INIT_GUEST, one, 0x1000, BAR, 1, SIM_RES_OK));
	at(s, 40);
	access(s, acc(SIM_INIT_GUEST, two, 0x1000, BAR, 1, SIM_RES_FAULT));
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 2);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 1);
	ck_assert(!f->open);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 1);
	ck_assert_uint_eq(f->first, 40);
	ck_assert(f->open);
	sim_destroy(s);
}
END_TEST

/* The same for data-loss; a read neither ends nor opens the loss. */
START_TEST(data_loss_through_another_address)
{
	struct sim *s = mk(NULL);
	char buf[2][64] = { "host", "host" };	/* 64 apart: two slots */
	const char *one = buf[0], *two = buf[1];
	struct sim_rec_access w1 = acc(SIM_INIT_HOST, one, BAR, BAR, 1,
				       SIM_RES_OK);
	struct sim_rec_access w2 = w1, r1 = w1;
	const struct sim_finding *f;

	map(s, 1, SIM_MAP_HOST_MMAP, "mmap m0", 0, BAR, BAR_SIZE);
	w1.write = w2.write = true;
	w2.initiator = two;
	w2.dropped_silently = true;
	at(s, 10);
	access(s, w1);
	access(s, w1);
	access(s, r1);
	at(s, 20);
	access(s, w2);		/* opens the loss */
	at(s, 25);
	access(s, r1);		/* a read through the quiet address: no end */
	at(s, 27);
	access(s, w2);
	at(s, 30);
	access(s, w1);		/* a delivered write ends it */
	at(s, 40);
	access(s, w2);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_DATA_LOSS), 2);
	f = nth(s, SIM_FIND_DATA_LOSS, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->last, 27);
	ck_assert(!f->open);
	ck_assert_uint_eq(nth(s, SIM_FIND_DATA_LOSS, 1)->first, 40);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 0);
	sim_destroy(s);
}
END_TEST

/*
 * A repeat that folds into its open episode only counts; any change of
 * result, flag, write loss or of the episode itself (ended through another
 * address of the same initiator) is judged in full.
 */
START_TEST(fold_only_into_the_same_episode)
{
	struct sim *s = mk(NULL);
	char buf[2][64] = { "dev0 dma", "dev0 dma" };	/* two slots */
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, buf[0], 0x1000, DRAM, 1,
				      SIM_RES_UR);
	struct sim_rec_access other = acc(SIM_INIT_DEVICE, buf[1], 0x1000,
					  DRAM, 1, SIM_RES_OK);
	const struct sim_finding *f;

	map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
	at(s, 10);
	access(s, a);
	at(s, 11);
	access(s, a);		/* folds */
	at(s, 12);
	access(s, other);	/* ends the episode through the other address */
	at(s, 13);
	access(s, a);		/* a new episode, not a fold into the old one */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 2);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->last, 11);
	ck_assert(!f->open);
	other.result = SIM_RES_FAULT;	/* the same kind, another result */
	access(s, other);
	access(s, a);		/* ends that one: not a fold into it */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 4);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 2)->count, 1);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 3)->count, 1);
	at(s, 14);
	a.stale = true;		/* same result, another kind */
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_STALE_TRANSLATION), 1);
	at(s, 15);
	a.stale = false;
	a.unaccepted = true;
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_UNACCEPTED_ACCESS), 1);
	a.unaccepted = false;
	at(s, 16);
	access(s, a);
	at(s, 17);
	a.result = SIM_RES_FAULT;	/* same kind, another result */
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 6);
	at(s, 18);
	a.write = true;		/* a delivered write folds too */
	access(s, a);
	at(s, 19);
	a.dropped_silently = true;	/* a lost one opens data-loss */
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_DATA_LOSS), 1);
	at(s, 20);
	a.write = a.dropped_silently = false;
	access(s, a);		/* a read folds; the loss stays open */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 6);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 5);
	ck_assert_uint_eq(f->count, 4);
	ck_assert_uint_eq(f->first, 17);
	ck_assert_uint_eq(f->last, 20);
	ck_assert(nth(s, SIM_FIND_DATA_LOSS, 0)->open);
	sim_destroy(s);
}
END_TEST

/* An allow window opening between identical errors: a new, hidden one. */
START_TEST(allow_window_between_identical_errors)
{
	const struct sim_allow_cfg allow = {
		.from_step = 1, .to_step = 1, .results = 1u << SIM_RES_UR,
	};
	const struct sim_checker_cfg cfg = { .allow = &allow, .nallow = 1 };
	struct sim *s = mk(&cfg);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev0 dma", 0x1000,
				      DRAM, 1, SIM_RES_UR);

	map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
	access(s, a);
	access(s, a);
	step_begin(s, 1, 30, "vfio.reset", NULL);
	access(s, a);
	access(s, a);
	step_end(s);
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 0)->suppressed);
	ck_assert(nth(s, SIM_FIND_ACCESS_ERROR, 1)->suppressed);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 1)->count, 2);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 2)->suppressed);
	ck_assert_uint_eq(sim_findings_unsuppressed(s, SIM_FIND_ACCESS_ERROR), 2);
	sim_destroy(s);
}
END_TEST

/*
 * A slot looked up again for another key (here by again_quiet()) keeps
 * nothing of the old key's fold: X's ur must not fold Y's ur into Y's
 * fault episode.
 */
START_TEST(refilled_slot_forgets_the_fold)
{
	struct sim *s = mk(NULL);
	const char *name = "dev0 dma";
	struct sim_rec rec = { .type = SIM_REC_ACCESS };

	/* 16 mappings apart: both keys of the one name share a slot */
	map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
	map(s, 17, SIM_MAP_IOMMU, "ioas a", 0x2000, DRAM + 0x1000, 0x1000);
	access(s, acc(SIM_INIT_DEVICE, name, 0x2000, DRAM + 0x1000, 17,
		      SIM_RES_FAULT));
	access(s, acc(SIM_INIT_DEVICE, name, 0x1000, DRAM, 1, SIM_RES_UR));
	step_begin(s, 0, 5, "vfio.reset", NULL);	/* a new epoch */
	rec.u.access = acc(SIM_INIT_DEVICE, name, 0x2000, DRAM + 0x1000, 17,
			   SIM_RES_UR);
	ck_assert(!sim_trace_again_quiet(s, &rec));
	access(s, rec.u.access);	/* ends Y's fault episode */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 0)->open);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 1);
	sim_destroy(s);
}
END_TEST

/* The finding an access with these fields gives by the contract, or -1. */
static int expected_kind(enum sim_result r, bool unaccepted, bool stale)
{
	if (r == SIM_RES_MCE)
		return SIM_FIND_MCE;
	if (r == SIM_RES_HOST_FAULT)
		return SIM_FIND_HOST_FAULT;
	if (unaccepted)
		return SIM_FIND_UNACCEPTED_ACCESS;
	if (stale)
		return SIM_FIND_STALE_TRANSLATION;
	if (r == SIM_RES_UR || r == SIM_RES_FAULT || r == SIM_RES_STUCK)
		return SIM_FIND_ACCESS_ERROR;
	return -1;
}

/* Every result and flag right after a quiet key: the cache never hides it. */
START_TEST(every_result_after_quiet_accesses)
{
	for (int r = 0; r < SIM_RES_NR; r++) {
		for (unsigned int fl = 0; fl < 8; fl++) {
			struct sim *s = mk(NULL);
			struct sim_rec_access ok = acc(SIM_INIT_DEVICE, "dev0 dma",
						       0x1000, DRAM, 1, SIM_RES_OK);
			struct sim_rec_access a = ok;
			int kind = expected_kind((enum sim_result)r, fl & 1, fl & 2);
			bool lost = fl & 4;

			map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
			ok.write = lost;	/* quiet for writes too */
			access(s, ok);
			access(s, ok);
			a.result = (enum sim_result)r;
			a.unaccepted = fl & 1;
			a.stale = fl & 2;
			a.write = a.dropped_silently = lost;
			access(s, a);
			ck_assert_msg(sim_findings_count(s) ==
				      (size_t)(kind >= 0) + lost,
				      "%s flags %u: %zu findings",
				      sim_result_name(r), fl,
				      sim_findings_count(s));
			if (kind >= 0)
				ck_assert_uint_eq(count_kind(s, kind), 1);
			if (lost)
				ck_assert_uint_eq(count_kind(s, SIM_FIND_DATA_LOSS), 1);
			sim_destroy(s);
		}
	}
}
END_TEST

/* Two streams whose keys share a slot: each keeps its own episodes. */
START_TEST(keys_sharing_a_slot)
{
	struct sim *s = mk(NULL);
	char names[2][16];
	const struct sim_finding *f;

	snprintf(names[0], sizeof(names[0]), "dev0 a");
	snprintf(names[1], sizeof(names[1]), "dev0 b");
	/* 16 mappings apart: the two keys of one name map to one slot */
	map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
	map(s, 17, SIM_MAP_IOMMU, "ioas a", 0x2000, DRAM + 0x1000, 0x1000);
	for (int i = 0; i < 4; i++) {
		at(s, 10 * (sim_cycles_t)i + 10);
		access(s, acc(SIM_INIT_DEVICE, names[0], 0x1000, DRAM, 1,
			      SIM_RES_OK));
		access(s, acc(SIM_INIT_DEVICE, names[0], 0x2000, DRAM + 0x1000,
			      17, i == 1 || i == 2 ? SIM_RES_UR : SIM_RES_OK));
		access(s, acc(SIM_INIT_DEVICE, names[1], 0x1000, DRAM, 1,
			      SIM_RES_OK));
	}
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 20);
	ck_assert_uint_eq(f->last, 30);
	ck_assert(!f->open);
	has(f, "dev0 a read of T=0 IOVA 0x2000");
	sim_destroy(s);
}
END_TEST

Suite *checkers_cache_suite(void)
{
	Suite *su = suite_create("checkers_cache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, revoke_between_identical_accesses);
	tcase_add_test(tc, link_to_revoked_buffer_between_accesses);
	tcase_add_test(tc, window_opens_between_identical_accesses);
	tcase_add_test(tc, episode_through_another_address);
	tcase_add_test(tc, data_loss_through_another_address);
	tcase_add_test(tc, every_result_after_quiet_accesses);
	tcase_add_test(tc, keys_sharing_a_slot);
	tcase_add_test(tc, fold_only_into_the_same_episode);
	tcase_add_test(tc, allow_window_between_identical_errors);
	tcase_add_test(tc, refilled_slot_forgets_the_fold);
	suite_add_tcase(su, tc);
	return su;
}
