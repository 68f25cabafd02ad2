// SPDX-License-Identifier: MIT
/*
 * check_checkers_verdict.c - sim_trace_access_verdict(): the access
 * judge answers for an access before its record exists (quiet: the
 * record would change nothing; counted: it only added itself to the open
 * episode).  Each test sets up a verdict the cache could give, changes
 * one thing, and asks again: a wrong QUIET loses a finding, a wrong
 * COUNTED a count or a whole episode.  The last test replays one script
 * through the records alone and through the verdicts, and the findings
 * must be the same to the byte.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "checkers_fixture.h"

/* The verdict on @a, as plat_emit_access() asks it. */
static enum sim_verdict verdict(struct sim *s, const struct sim_rec_access *a)
{
	struct sim_judge *judge = sim_trace_judge(s);

	if (!judge)
		return SIM_VERDICT_PUBLISH;
	return sim_trace_access_verdict(s, judge, a->who, a->initiator,
					a->map_id, &a->facts);
}

/* A sink that wants every record (as --trace does). */
static void sink(void *ctx, const struct sim_rec *rec)
{
	(void)rec;
	(*(unsigned int *)ctx)++;
}

/* dev0 reads through mapping 1; a fault opens an access-error episode. */
static struct sim *faulting(struct sim_rec_access *a)
{
	struct sim *s = mk(NULL);

	map(s, 1, SIM_MAP_IOMMU, "ioas a", 0x1000, DRAM, 0x1000);
	*a = acc(SIM_INIT_DEVICE, "dev0 dma", 0x1000, DRAM, 1, SIM_RES_FAULT);
	at(s, 10);
	access(s, *a);
	return s;
}

/* Counted accesses are in the episode's count and last cycle at once. */
START_TEST(counted_into_the_open_episode)
{
	struct sim_rec_access a;
	struct sim *s = faulting(&a);
	const struct sim_finding *f;

	for (sim_cycles_t c = 20; c <= 40; c += 10) {
		at(s, c);
		ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_COUNTED);
		f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
		ck_assert_uint_eq(f->count, c / 10);
		ck_assert_uint_eq(f->last, c);
	}
	ck_assert_uint_eq(f->first, 10);
	ck_assert(f->open);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	sim_destroy(s);
}
END_TEST

/* Any record other than ACCESS may change what the cache holds. */
START_TEST(no_verdict_after_a_state_change)
{
	struct sim_rec_access a;
	struct sim *s = faulting(&a);

	step_begin(s, 0, 5, "vfio.reset", NULL);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_COUNTED);
	unmap(s, 7);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	dmabuf(s, "map", 2);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	owner(s, "lock", -1, 0, "no hazard");
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 5);
	sim_destroy(s);
}
END_TEST

/* Only the same facts, initiator, kind and mapping fold. */
START_TEST(no_verdict_for_other_facts)
{
	struct sim_rec_access a;
	struct sim *s = faulting(&a);
	struct sim_rec_access b;

	b = a, b.result = SIM_RES_UR;
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.stale = true;
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.unaccepted = true;
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.write = true;		/* a write is judged for data-loss */
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.who = SIM_INIT_HOST;
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.map_id = 2;
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.initiator = "dev0 dma (another text)";
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	b = a, b.result = SIM_RES_OK;	/* ends the episode */
	ck_assert_int_eq(verdict(s, &b), SIM_VERDICT_PUBLISH);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 1);
	sim_destroy(s);
}
END_TEST

/*
 * One initiator text at two addresses is one pair: an ok access through
 * the other address ends the episode, and the first address must not
 * count into the closed finding (its fold would hit a closed episode).
 */
START_TEST(no_fold_into_an_episode_ended_elsewhere)
{
	struct sim *s = mk(NULL);
	char buf[2][64] = { "vm0", "vm0" };	/* 64 apart: two slots */
	struct sim_rec_access a = acc(SIM_INIT_GUEST, buf[0], 0x1000, BAR, 1,
				      SIM_RES_FAULT);
	struct sim_rec_access ok = acc(SIM_INIT_GUEST, buf[1], 0x1000, BAR, 1,
				       SIM_RES_OK);

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 10);
	access(s, a);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_COUNTED);
	at(s, 20);
	access(s, ok);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 0)->open);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	at(s, 30);
	access(s, a);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 2);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 2);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 1)->first, 30);
	sim_destroy(s);
}
END_TEST

/* A write lost silently opens or extends data-loss: never answered. */
START_TEST(no_verdict_for_a_lost_write)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access w = acc(SIM_INIT_HOST, "host", BAR, BAR, 1,
				      SIM_RES_UR);

	map(s, 1, SIM_MAP_HOST_MMAP, "mmap m0", 0, BAR, BAR_SIZE);
	w.write = w.dropped_silently = true;
	at(s, 10);
	access(s, w);
	ck_assert_int_eq(verdict(s, &w), SIM_VERDICT_PUBLISH);
	access(s, w);
	ck_assert_uint_eq(nth(s, SIM_FIND_DATA_LOSS, 0)->count, 2);
	w.dropped_silently = false;	/* delivered: ends the loss */
	ck_assert_int_eq(verdict(s, &w), SIM_VERDICT_PUBLISH);
	access(s, w);
	ck_assert(!nth(s, SIM_FIND_DATA_LOSS, 0)->open);
	/* a delivered failing write with no loss open only counts */
	ck_assert_int_eq(verdict(s, &w), SIM_VERDICT_COUNTED);
	sim_destroy(s);
}
END_TEST

/* Inside a hitless window every covered access must reach the window. */
START_TEST(no_verdict_inside_a_hitless_window)
{
	struct sim *s = mk_bar_window();
	struct sim_rec_access a = acc(SIM_INIT_GUEST, "vm0 poll", 0x1000, BAR,
				      1, SIM_RES_UR);
	struct sim_rec_access ok = a;
	struct sim_hitless_status st;

	ok.result = SIM_RES_OK;
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	step_begin(s, 1, 20, "tsm.bind", NULL);
	access(s, ok);
	ck_assert_int_eq(verdict(s, &ok), SIM_VERDICT_PUBLISH);
	access(s, ok);
	access(s, a);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	step_end(s);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_uint_eq(st.accesses, 4);
	ck_assert_uint_eq(st.bad, 2);
	sim_destroy(s);
}
END_TEST

/* A sink that needs every record takes the answers away at once. */
START_TEST(no_verdict_with_another_subscriber)
{
	struct sim_rec_access a;
	struct sim *s = faulting(&a);
	struct sim *bare = sim_create(1);
	unsigned int seen = 0;

	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_COUNTED);
	sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_ACCESS), sink, &seen);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	ck_assert_uint_eq(seen, 1);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 3);
	/* no checkers: nobody answers */
	ck_assert_int_eq(verdict(bare, &a), SIM_VERDICT_PUBLISH);
	sim_destroy(bare);
	sim_destroy(s);
}
END_TEST

/*
 * Quiet answers for clean accesses on a quiet pair; a counted access (a
 * use-after-revoke that reached memory, so repeatable) is no quiet
 * repeat: run-ahead must not skip the next one.
 */
START_TEST(quiet_and_counted_repeats)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev1 dma", 0x4000, BAR,
				      5, SIM_RES_OK);
	struct sim_rec rec = { .type = SIM_REC_ACCESS };

	dmabuf(s, "map", 5);
	map(s, 5, SIM_MAP_IOMMU, "ioas a", 0x4000, BAR, BAR_SIZE);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);	/* unseen */
	access(s, a);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_QUIET);
	a.write = true;
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_QUIET);
	a.write = false;
	a.result = SIM_RES_RETRIED;
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_QUIET);
	a.result = SIM_RES_OK;
	dmabuf(s, "revoke", 0);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_PUBLISH);
	access(s, a);
	ck_assert_int_eq(verdict(s, &a), SIM_VERDICT_COUNTED);
	rec.u.access = a;
	ck_assert(!sim_trace_again_quiet(s, &rec));
	ck_assert_uint_eq(nth(s, SIM_FIND_USE_AFTER_REVOKE, 0)->count, 2);
	sim_destroy(s);
}
END_TEST

/* ------------------------------------------- the records against the verdicts */

/*
 * One step of the script: an access (@who kind, initiator text at
 * address @ini, result @res, @write, @lost), or a state change.
 */
struct vstep {
	char what;		/* 'a' access, 'b'/'e' step begin/end, 'r'/'u' revoke/unrevoke */
	int ini;
	enum sim_result res;
	bool write, lost, stale;
	uint64_t map_id;
};

static const struct vstep script[] = {
	{ 'a', 0, SIM_RES_OK, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_OK, 0, 0, 0, 1 },
	{ 'a', 0, SIM_RES_FAULT, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_FAULT, 0, 0, 0, 1 },
	{ 'a', 0, SIM_RES_FAULT, 0, 0, 0, 1 }, { 'a', 1, SIM_RES_FAULT, 0, 0, 0, 1 },
	{ 'a', 1, SIM_RES_OK, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_FAULT, 0, 0, 0, 1 },
	{ 'a', 0, SIM_RES_FAULT, 0, 0, 1, 1 }, { 'a', 0, SIM_RES_FAULT, 0, 0, 1, 1 },
	{ 'b', 0, 0, 0, 0, 0, 0 },	/* the allow window of access-error */
	{ 'a', 0, SIM_RES_UR, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_UR, 0, 0, 0, 1 },
	{ 'e', 0, 0, 0, 0, 0, 0 },
	{ 'a', 0, SIM_RES_UR, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_UR, 0, 0, 0, 1 },
	{ 'a', 2, SIM_RES_UR, 1, 1, 0, 2 }, { 'a', 2, SIM_RES_UR, 1, 1, 0, 2 },
	{ 'a', 2, SIM_RES_UR, 1, 0, 0, 2 }, { 'a', 2, SIM_RES_UR, 1, 0, 0, 2 },
	{ 'a', 2, SIM_RES_OK, 1, 0, 0, 2 }, { 'a', 2, SIM_RES_OK, 0, 0, 0, 2 },
	{ 'r', 0, 0, 0, 0, 0, 0 },
	{ 'a', 2, SIM_RES_OK, 0, 0, 0, 2 }, { 'a', 2, SIM_RES_OK, 0, 0, 0, 2 },
	{ 'a', 2, SIM_RES_OK, 1, 0, 0, 2 }, { 'u', 0, 0, 0, 0, 0, 0 },
	{ 'a', 2, SIM_RES_OK, 0, 0, 0, 2 }, { 'a', 2, SIM_RES_OK, 0, 0, 0, 2 },
	{ 'a', 1, SIM_RES_MCE, 0, 0, 0, 1 }, { 'a', 0, SIM_RES_MCE, 0, 0, 0, 1 },
	{ 'a', 0, SIM_RES_STUCK, 0, 0, 0, 1 }, { 'a', 1, SIM_RES_STUCK, 0, 0, 0, 1 },
};

static void play_state(struct sim *s, const struct vstep *v)
{
	switch (v->what) {
	case 'b':
		step_begin(s, 1, 30, "vfio.reset", "reset");
		break;
	case 'e':
		step_end(s);
		break;
	case 'r':
		dmabuf(s, "revoke", 0);
		break;
	default:
		dmabuf(s, "unrevoke", 0);
		break;
	}
}

/*
 * Play the script; with @ask, each access goes through the verdict first
 * and its record is published only when the verdict says so.  Returns
 * how many accesses the verdicts answered.
 */
static unsigned int play(struct sim *s, bool ask)
{
	static char names[3][64] = { "vm0", "vm0", "host" };
	unsigned int answered = 0;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	dmabuf(s, "map", 2);
	map(s, 2, SIM_MAP_IOMMU, "ioas a", 0x8000, DRAM, 0x1000);
	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		const struct vstep *v = &script[i];
		struct sim_rec_access a = acc(v->ini == 2 ? SIM_INIT_HOST :
					      SIM_INIT_GUEST, names[v->ini],
					      0x1000, BAR, v->map_id, v->res);

		at(s, 10 * (sim_cycles_t)i + 10);
		if (v->what != 'a') {
			play_state(s, v);
			continue;
		}
		a.write = v->write;
		a.dropped_silently = v->lost;
		a.stale = v->stale;
		if (ask && verdict(s, &a) != SIM_VERDICT_PUBLISH) {
			answered++;
			continue;
		}
		access(s, a);
	}
	return answered;
}

START_TEST(verdicts_give_the_records_findings)
{
	const struct sim_allow_cfg allow = {
		.from_step = 1, .to_step = 1,
		.results = 1u << SIM_RES_UR, .line = 3,
	};
	const struct sim_checker_cfg cfg = { .allow = &allow, .nallow = 1 };
	struct sim *rs = mk(&cfg), *vs = mk(&cfg);
	unsigned int seen = 0;

	sim_trace_subscribe(rs, SIM_REC_BIT(SIM_REC_ACCESS), sink, &seen);
	ck_assert_uint_eq(play(rs, true), 0);	/* a sink: never answered */
	ck_assert_uint_ge(play(vs, true), 10);
	ck_assert_uint_eq(sim_findings_count(rs), sim_findings_count(vs));
	ck_assert_uint_ge(sim_findings_count(rs), 6);
	for (size_t i = 0; i < sim_findings_count(rs); i++) {
		const struct sim_finding *r = sim_finding_at(rs, i);
		const struct sim_finding *v = sim_finding_at(vs, i);

		ck_assert_int_eq(r->kind, v->kind);
		ck_assert_uint_eq(r->count, v->count);
		ck_assert_uint_eq(r->first, v->first);
		ck_assert_uint_eq(r->last, v->last);
		ck_assert_int_eq(r->open, v->open);
		ck_assert_int_eq(r->suppressed, v->suppressed);
		ck_assert_str_eq(r->explain, v->explain);
	}
	sim_destroy(rs);
	sim_destroy(vs);
}
END_TEST

Suite *checkers_verdict_suite(void)
{
	Suite *su = suite_create("checkers_verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, counted_into_the_open_episode);
	tcase_add_test(tc, no_verdict_after_a_state_change);
	tcase_add_test(tc, no_verdict_for_other_facts);
	tcase_add_test(tc, no_fold_into_an_episode_ended_elsewhere);
	tcase_add_test(tc, no_verdict_for_a_lost_write);
	tcase_add_test(tc, no_verdict_inside_a_hitless_window);
	tcase_add_test(tc, no_verdict_with_another_subscriber);
	tcase_add_test(tc, quiet_and_counted_repeats);
	tcase_add_test(tc, verdicts_give_the_records_findings);
	suite_add_tcase(su, tc);
	return su;
}
