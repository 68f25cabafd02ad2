// SPDX-License-Identifier: MIT
/*
 * check_iommu_inval.c - the IOMMU invalidation queue: completion timing,
 * stale hits until completion, queue order and ring growth, the drop and
 * delay faults, domain scoping and freeing with descriptors pending.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "iommu_fixture.h"

/* ------------------------------------------------------ invalidation */

#define MAX_EV 16

struct inval_log {
	struct sim *s;
	size_t n;
	uint64_t id[MAX_EV];
	int phase[MAX_EV];
	sim_cycles_t at[MAX_EV];
	size_t nrec;
	int rec_phase[MAX_EV];
	sim_cycles_t rec_at[MAX_EV];
	uint64_t rec_size[MAX_EV];
	const char *rec_table[MAX_EV];
};

static void on_inval(void *ctx, uint64_t id, enum iommu_inval_phase phase)
{
	struct inval_log *l = ctx;

	ck_assert_uint_lt(l->n, MAX_EV);
	l->id[l->n] = id;
	l->phase[l->n] = phase;
	l->at[l->n++] = sim_now(l->s);
}

static void on_rec(void *ctx, const struct sim_rec *rec)
{
	struct inval_log *l = ctx;

	ck_assert_int_eq(rec->type, SIM_REC_INVAL);
	ck_assert_uint_lt(l->nrec, MAX_EV);
	l->rec_phase[l->nrec] = rec->u.inval.phase;
	l->rec_at[l->nrec] = rec->cycle;
	l->rec_size[l->nrec] = rec->u.inval.size;
	l->rec_table[l->nrec++] = rec->u.inval.table;
}

START_TEST(inval_stale_until_completion)
{
	struct fx f;
	struct inval_log l = { 0 };
	struct iommu_xlate x;
	sim_cycles_t at;
	uint64_t id;
	bool stale;

	fx_init(&f, 64, 64, 4);
	l.s = f.s;
	ck_assert_int_eq(sim_trace_subscribe(f.s, SIM_REC_BIT(SIM_REC_INVAL),
					     on_rec, &l), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x10000, 0xa000, 0x2000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	xl(&f, RID0, 0x10000, false);
	xl(&f, RID0, 0x11000, false);
	/* unmap edits the table now; the IOTLB keeps both, one marked stale */
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x10000, 0x1000), 0x1000);
	ck_assert(iommu_iotlb_contains(f.dom, 0x10000, &stale));
	ck_assert(stale);
	ck_assert(iommu_iotlb_contains(f.dom, 0x11000, &stale));
	ck_assert(!stale);
	ck_assert_int_eq(iommu_inval_range(f.dom, 0x10000, 0x1000, on_inval, &l, &id), 0);
	ck_assert_uint_eq(iommu_inval_pending(f.io), 1);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, id, &at), 0);
	ck_assert_uint_eq(at, 1000);
	ck_assert_int_eq(sim_run_until(f.s, 999), SIM_RUN_LIMIT);
	x = xl(&f, RID0, 0x10040, false);
	ck_assert(x.iotlb_hit);
	ck_assert(x.stale);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, 0xa040);
	ck_assert_uint_eq(stat(&f, "iommu.stale_hits"), 1);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(sim_run_until(f.s, 1000), SIM_RUN_IDLE);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.id[0], id);
	ck_assert_int_eq(l.phase[0], IOMMU_INVAL_DONE);
	ck_assert_uint_eq(l.at[0], 1000);
	ck_assert_uint_eq(iommu_inval_pending(f.io), 0);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, id, &at), -ENOENT);
	ck_assert(!iommu_iotlb_contains(f.dom, 0x10000, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 0x11000, NULL));
	x = xl(&f, RID0, 0x10040, false);
	ck_assert(!x.iotlb_hit);
	ck_assert(!x.stale);
	ck_assert_int_eq(x.fault, IOMMU_F_NOT_PRESENT);
	/* trace: queued at 0, done at 1000, named after the domain */
	ck_assert_uint_eq(l.nrec, 2);
	ck_assert_int_eq(l.rec_phase[0], SIM_INVAL_QUEUED);
	ck_assert_uint_eq(l.rec_at[0], 0);
	ck_assert_int_eq(l.rec_phase[1], SIM_INVAL_DONE);
	ck_assert_uint_eq(l.rec_at[1], 1000);
	ck_assert_str_eq(l.rec_table[1], "ioas a");
	ck_assert_uint_eq(stat(&f, "iommu.inval.queued"), 1);
	ck_assert_uint_eq(stat(&f, "iommu.inval.done"), 1);
	ck_assert_int_eq(iommu_inval_range(f.dom, 0, 0, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(iommu_inval_range(f.dom, 0x1000, UINT64_MAX, NULL, NULL, NULL), -EINVAL);
	fx_fini(&f);
}
END_TEST

START_TEST(inval_split_superpage_is_stale)
{
	struct fx f;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, MB2, 0x40000000, MB2, MB2, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	xl(&f, RID0, MB2, false);
	ck_assert_uint_eq(iommu_unmap(f.dom, MB2 + 0x5000, 0x1000), 0x1000);
	x = xl(&f, RID0, MB2 + 0x5000, false);	/* gone from the table */
	ck_assert(x.iotlb_hit);
	ck_assert(x.stale);
	ck_assert_uint_eq(x.hpa, 0x40005000);
	ck_assert_int_eq(iommu_inval_domain(f.dom, NULL, NULL, NULL), 0);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	x = xl(&f, RID0, MB2 + 0x5000, false);
	ck_assert_int_eq(x.fault, IOMMU_F_NOT_PRESENT);
	x = xl(&f, RID0, MB2 + 0x6000, false);	/* refilled as a 4 KiB leaf */
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.page_size, IOMMU_PAGE_4K);
	ck_assert(!x.stale);
	fx_fini(&f);
}
END_TEST

START_TEST(inval_queue_order_and_delay)
{
	struct fx f;
	struct inval_log l = { 0 };
	uint64_t a, b, c;
	sim_cycles_t at;

	fx_init(&f, 64, 64, 4);
	l.s = f.s;
	ck_assert_int_eq(iommu_inval_range(f.dom, 0, 0x1000, on_inval, &l, &a), 0);
	iommu_inject_delay_inval(f.io, 1, 5000);
	ck_assert_int_eq(iommu_inval_range(f.dom, 0x1000, 0x1000, on_inval, &l, &b), 0);
	/* queued later with no delay: still waits for b, in queue order */
	ck_assert_int_eq(sim_run_until(f.s, 200), SIM_RUN_LIMIT);
	ck_assert_int_eq(iommu_inval_range(f.dom, 0x2000, 0x1000, on_inval, &l, &c), 0);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, b, &at), 0);
	ck_assert_uint_eq(at, 6000);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, c, &at), 0);
	ck_assert_uint_eq(at, 6000);
	ck_assert_uint_eq(iommu_inval_pending(f.io), 3);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.id[0], a);
	ck_assert_uint_eq(l.at[0], 1000);
	ck_assert_uint_eq(l.id[1], b);
	ck_assert_uint_eq(l.at[1], 6000);
	ck_assert_uint_eq(l.id[2], c);
	ck_assert_uint_eq(l.at[2], 6000);
	/* the delay applied to one descriptor only */
	ck_assert_int_eq(iommu_inval_range(f.dom, 0, 0x1000, on_inval, &l, &a), 0);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, a, &at), 0);
	ck_assert_uint_eq(at, 7000);
	fx_fini(&f);	/* destroys with a pending descriptor: cancelled */
}
END_TEST

struct seq_log {
	struct sim *s;
	uint64_t next_id;
	unsigned int n;
	sim_cycles_t last;
};

static void on_seq(void *ctx, uint64_t id, enum iommu_inval_phase phase)
{
	struct seq_log *l = ctx;

	ck_assert_uint_eq(id, l->next_id);	/* strictly queue order */
	ck_assert_uint_ge(sim_now(l->s), l->last);
	ck_assert_int_eq(phase, IOMMU_INVAL_DONE);
	l->next_id++;
	l->last = sim_now(l->s);
	l->n++;
}

/* Enough descriptors to wrap and grow the ring while some are pending. */
START_TEST(inval_ring_wraps_in_order)
{
	struct fx f;
	struct seq_log l = { .next_id = 1 };
	sim_cycles_t at;
	uint64_t id;

	fx_init(&f, 64, 64, 4);
	l.s = f.s;
	for (unsigned int i = 0; i < 12; i++) {
		ck_assert_int_eq(iommu_inval_range(f.dom, i << 12, 0x1000, on_seq,
						   &l, NULL), 0);
		if (i < 11)	/* queued at 0, 100, .. 1100 */
			sim_run_until(f.s, sim_now(f.s) + 100);
	}
	ck_assert_int_eq(sim_run_until(f.s, 1150), SIM_RUN_LIMIT);
	ck_assert_uint_eq(l.n, 2);
	for (unsigned int i = 0; i < 40; i++)
		ck_assert_int_eq(iommu_inval_domain(f.dom, on_seq, &l, &id), 0);
	ck_assert_uint_eq(iommu_inval_pending(f.io), 50);
	ck_assert_int_eq(iommu_inval_retire_cycle(f.io, id, &at), 0);
	ck_assert_uint_eq(at, 2150);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_uint_eq(l.n, 52);
	ck_assert_uint_eq(l.last, 2150);
	ck_assert_uint_eq(iommu_inval_pending(f.io), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(inval_dropped_never_removes)
{
	struct fx f;
	struct inval_log l = { 0 };
	struct iommu_xlate x;
	bool stale;

	fx_init(&f, 64, 64, 4);
	l.s = f.s;
	ck_assert_int_eq(sim_trace_subscribe(f.s, SIM_REC_BIT(SIM_REC_INVAL),
					     on_rec, &l), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x10000, 0xa000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	xl(&f, RID0, 0x10000, false);
	iommu_unmap(f.dom, 0x10000, 0x1000);
	iommu_inject_drop_inval(f.io, 1);
	ck_assert_int_eq(iommu_inval_domain(f.dom, on_inval, &l, NULL), 0);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.phase[0], IOMMU_INVAL_DROPPED);
	ck_assert_uint_eq(l.at[0], 1000);
	ck_assert_int_eq(l.rec_phase[1], SIM_INVAL_DROPPED);
	ck_assert_uint_eq(l.rec_size[1], UINT64_MAX);
	ck_assert_uint_eq(stat(&f, "iommu.inval.dropped"), 1);
	ck_assert_uint_eq(stat(&f, "iommu.inval.done"), 0);
	/* long after: the stale entry still translates */
	sim_set_limits(f.s, 0, 0);
	ck_assert(iommu_iotlb_contains(f.dom, 0x10000, &stale));
	ck_assert(stale);
	x = xl(&f, RID0, 0x10000, true);
	ck_assert(x.stale);
	ck_assert_uint_eq(x.hpa, 0xa000);
	/* the next descriptor is not dropped and cleans up */
	ck_assert_int_eq(iommu_inval_range(f.dom, 0x10000, 0x1000, on_inval, &l, NULL), 0);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_int_eq(l.phase[1], IOMMU_INVAL_DONE);
	ck_assert(!iommu_iotlb_contains(f.dom, 0x10000, NULL));
	fx_fini(&f);
}
END_TEST

START_TEST(inval_domain_scoped_and_free_pending)
{
	struct fx f;
	struct inval_log l = { 0 };
	struct iommu_domain *b;

	fx_init(&f, 64, 64, 4);
	l.s = f.s;
	b = iommu_domain_alloc(f.io, IOMMU_DOMAIN_PAGING, "ioas b");
	ck_assert_uint_ne(iommu_domain_id(b), iommu_domain_id(f.dom));
	ck_assert_int_eq(iommu_map(f.dom, 0, 0x1000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(b, 0, 0x2000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID1, IOMMU_NO_PASID, b), 0);
	xl(&f, RID0, 0, false);
	xl(&f, RID1, 0, false);
	ck_assert_int_eq(iommu_inval_domain(b, on_inval, &l, NULL), 0);
	ck_assert_int_eq(iommu_domain_free(b), -EBUSY);
	ck_assert_int_eq(iommu_detach(f.io, RID1, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(iommu_domain_free(b), 0);	/* still queued */
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 1);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.phase[0], IOMMU_INVAL_DONE);
	ck_assert(iommu_iotlb_contains(f.dom, 0, NULL));
	fx_fini(&f);
}
END_TEST

Suite *iommu_inval_suite(void)
{
	Suite *su = suite_create("iommu_inval");
	TCase *inv = tcase_create("inval");

	tcase_add_test(inv, inval_stale_until_completion);
	tcase_add_test(inv, inval_split_superpage_is_stale);
	tcase_add_test(inv, inval_queue_order_and_delay);
	tcase_add_test(inv, inval_ring_wraps_in_order);
	tcase_add_test(inv, inval_dropped_never_removes);
	tcase_add_test(inv, inval_domain_scoped_and_free_pending);
	suite_add_tcase(su, inv);
	return su;
}
