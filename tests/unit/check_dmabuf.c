// SPDX-License-Identifier: MIT
/*
 * check_dmabuf.c - the dma-buf core: attach / map rules of an MMIO
 * exporter, revoke that completes only when every importer has unmapped,
 * un-revoke, flavor flip, close, and the importer fault hooks.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dmabuf.h"
#include "sim.h"

struct imp {
	struct dmabuf_attach *att;
	unsigned int notified;
	sim_cycles_t at;
};

struct ctx {
	struct sim *s;
	struct dmabuf_core *c;
	struct dmabuf *buf;
	struct sim_seq *q;
	const char *res;
	bool done;
	sim_cycles_t end;
	unsigned int released, moved;
	bool timed_out;
	char rec[64][40];
	size_t nrec;
};

static struct ctx C;

static void on_rec(void *ctx, const struct sim_rec *r)
{
	if (C.nrec < 64)
		snprintf(C.rec[C.nrec++], sizeof(C.rec[0]), "%s:%s",
			 r->u.dmabuf.event,
			 r->u.dmabuf.importer ? r->u.dmabuf.importer : "");
}

static size_t nrec(const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < C.nrec; i++)
		n += !strcmp(C.rec[i], s);
	return n;
}

static void moved(void *ctx, struct dmabuf *buf, bool timed_out)
{
	C.moved++;
	C.timed_out = timed_out;
}

static void release(void *ctx, struct dmabuf *buf)
{
	C.released++;
}

static const struct dmabuf_exporter_ops exp_ops = {
	.moved = moved, .release = release,
};

/* a well-behaved importer: drops its mapping when told */
static void imp_notify(void *ctx, struct dmabuf_attach *att)
{
	struct imp *i = ctx;

	i->notified++;
	i->at = sim_now(C.s);
	dmabuf_unmap(att);
}

static const struct dmabuf_importer_ops imp_ops = { .move_notify = imp_notify };

static void setup(void)
{
	struct dmabuf_export_info info = {
		.name = "b0", .hpa = 0x3800000000ULL, .size = 0x10000,
		.mmio = true, .ops = &exp_ops,
	};

	memset(&C, 0, sizeof(C));
	C.s = sim_create(1);
	C.c = dmabuf_core_create(C.s, 500, 100000);
	sim_trace_subscribe(C.s, SIM_REC_BIT(SIM_REC_DMABUF), on_rec, NULL);
	ck_assert_int_eq(dmabuf_export(C.c, &info, &C.buf), 0);
}

static void teardown(void)
{
	dmabuf_core_destroy(C.c);
	sim_destroy(C.s);
}

static void done(struct sim *s, void *ctx, const char *result)
{
	C.res = result ? result : "ok";
	C.done = true;
	C.end = sim_now(s);
}

static const char *revoke_op(struct sim *s, void *ctx, uint64_t arg)
{
	return dmabuf_revoke_now(C.buf, C.q);
}

static const char *flip_op(struct sim *s, void *ctx, uint64_t arg)
{
	return dmabuf_set_private_now(C.buf, arg, C.q);
}

/* Run one exporter operation as a step from cycle now. */
static const char *step(sim_subop_fn *fn, uint64_t arg)
{
	C.q = sim_seq_create(C.s, done, NULL, NULL);
	C.done = false;
	sim_seq_add(C.q, 0, "op", fn, NULL, arg);
	sim_seq_start(C.q);
	sim_run_until(C.s, SIM_CYCLES_MAX);
	ck_assert(C.done);
	sim_seq_destroy(C.q);
	C.q = NULL;
	return C.res;
}

static void attach_map(struct imp *i, const char *name)
{
	ck_assert_int_eq(dmabuf_attach(C.buf, name, true, &imp_ops, i, &i->att), 0);
	ck_assert_int_eq(dmabuf_map(i->att, NULL), 0);
}

START_TEST(attach_rules)
{
	struct dmabuf_export_info dup = { .name = "b0", .size = 4096 };
	struct dmabuf_attach *att;
	struct imp i = { 0 };
	uint64_t hpa = 0;

	ck_assert_int_eq(dmabuf_export(C.c, &dup, NULL), -EEXIST);
	/* a pinning importer of MMIO: vfio_pci_dma_buf_pin() */
	ck_assert_int_eq(dmabuf_attach(C.buf, "rdma", false, NULL, NULL, &att),
			 -EOPNOTSUPP);
	ck_assert_int_eq(dmabuf_attach(C.buf, "x", true, NULL, NULL, &att),
			 -EINVAL);
	ck_assert_int_eq(dmabuf_attach(C.buf, "imp", true, &imp_ops, &i, &i.att), 0);
	ck_assert_int_eq(dmabuf_map(i.att, &hpa), 0);
	ck_assert_uint_eq(hpa, 0x3800000000ULL);
	ck_assert_int_eq(dmabuf_map(i.att, NULL), -EBUSY);
	ck_assert_str_eq(step(revoke_op, 0), "ok");
	ck_assert(dmabuf_is_revoked(C.buf));
	/* re-mapping and attaching a revoked buffer fail */
	ck_assert_int_eq(dmabuf_map(i.att, NULL), -ENODEV);
	ck_assert_int_eq(dmabuf_attach(C.buf, "y", true, &imp_ops, &i, &att),
			 -ENODEV);
	ck_assert_ptr_null(dmabuf_unrevoke_now(C.buf));
	ck_assert_int_eq(dmabuf_map(i.att, NULL), 0);
	ck_assert_uint_eq(nrec("export:"), 1);
	ck_assert_uint_eq(nrec("revoke:"), 1);
	ck_assert_uint_eq(nrec("unrevoke:"), 1);
}
END_TEST

START_TEST(revoke_waits_for_every_importer)
{
	struct imp a = { 0 }, b = { 0 }, idle = { 0 };

	attach_map(&a, "iommufd.a");
	attach_map(&b, "kvm.vm0");
	ck_assert_int_eq(dmabuf_attach(C.buf, "idle", true, &imp_ops, &idle,
				       &idle.att), 0);
	dmabuf_attach_set_unmap_lat(b.att, 3000);
	ck_assert_str_eq(step(revoke_op, 0), "ok");
	ck_assert_uint_eq(a.at, 500);
	ck_assert_uint_eq(b.at, 3000);
	ck_assert_uint_eq(C.end, 3000);		/* the slowest importer */
	ck_assert_uint_eq(idle.notified, 0);	/* never mapped: not told */
	ck_assert_uint_eq(C.moved, 1);
	ck_assert(!C.timed_out);
	ck_assert_uint_eq(nrec("move_notify:iommufd.a"), 1);
	ck_assert_uint_eq(nrec("move_notify:kvm.vm0"), 1);
	ck_assert_uint_eq(nrec("unmapped:kvm.vm0"), 1);
	/* a second revoke is a no-op */
	ck_assert_str_eq(step(revoke_op, 0), "ok");
	ck_assert_uint_eq(nrec("revoke:"), 1);
}
END_TEST

START_TEST(slow_unmap_delays_named_importer)
{
	struct imp a = { 0 }, b = { 0 };

	dmabuf_fault_slow_unmap(C.c, "kvm", 7000);
	attach_map(&a, "iommufd.a");
	attach_map(&b, "kvm.vm0");
	ck_assert_str_eq(step(revoke_op, 0), "ok");
	ck_assert_uint_eq(a.at, 500);
	ck_assert_uint_eq(b.at, 7500);
	ck_assert_uint_eq(C.end, 7500);
}
END_TEST

START_TEST(ignored_revoke_times_out_mapped)
{
	struct imp a = { 0 }, b = { 0 };

	dmabuf_fault_ignore_revoke(C.c, "kvm.vm0");
	attach_map(&a, "iommufd.a");
	attach_map(&b, "kvm.vm0");
	ck_assert_str_eq(step(revoke_op, 0), "ETIMEDOUT");
	ck_assert_uint_eq(C.end, 100000);
	ck_assert(C.timed_out);
	ck_assert_uint_eq(b.notified, 0);
	ck_assert(dmabuf_attach_is_mapped(b.att));	/* H4 stays visible */
	ck_assert(!dmabuf_attach_is_mapped(a.att));
	ck_assert(dmabuf_is_revoked(C.buf));
	ck_assert_uint_eq(nrec("move_notify:kvm.vm0"), 1);
	ck_assert_uint_eq(nrec("unmapped:kvm.vm0"), 0);
}
END_TEST

/* the contract spells importers "kvm:GUEST" (tsmsim list faults) */
START_TEST(ignored_revoke_contract_spelling)
{
	struct imp a = { 0 }, b = { 0 };

	dmabuf_fault_ignore_revoke(C.c, "kvm:vm0");
	dmabuf_fault_slow_unmap(C.c, "iommufd:a", 7000);
	attach_map(&a, "iommufd.a");
	attach_map(&b, "kvm.vm0");
	dmabuf_attach_published(b.att, 42);
	dmabuf_attach_published(b.att, 0);	/* ignored */
	ck_assert_uint_eq(nrec("map:kvm.vm0"), 1);
	ck_assert_str_eq(step(revoke_op, 0), "ETIMEDOUT");
	ck_assert(dmabuf_attach_is_mapped(b.att));
	ck_assert_uint_eq(a.at, 7500);
}
END_TEST

START_TEST(unrevoke_while_pending_is_ebusy)
{
	struct imp a = { 0 };

	attach_map(&a, "imp");
	C.q = sim_seq_create(C.s, done, NULL, NULL);
	sim_seq_add(C.q, 0, "op", revoke_op, NULL, 0);
	sim_seq_start(C.q);
	sim_run_until(C.s, 100);
	ck_assert(dmabuf_move_pending(C.buf));
	ck_assert_str_eq(dmabuf_unrevoke_now(C.buf), "EBUSY");
	sim_run_until(C.s, SIM_CYCLES_MAX);
	ck_assert(C.done);
	sim_seq_destroy(C.q);
	ck_assert_ptr_null(dmabuf_unrevoke_now(C.buf));
	ck_assert(!dmabuf_is_revoked(C.buf));
}
END_TEST

START_TEST(flavor_flip_notifies_without_revoke)
{
	struct imp a = { 0 };

	attach_map(&a, "kvm.vm0");
	ck_assert_str_eq(step(flip_op, 1), "ok");
	ck_assert(dmabuf_is_private(C.buf));
	ck_assert(!dmabuf_is_revoked(C.buf));
	ck_assert_uint_eq(a.notified, 1);
	ck_assert_uint_eq(C.end, 500);
	/* the importer may map again and sees the new flavor */
	ck_assert_int_eq(dmabuf_map(a.att, NULL), 0);
	/* no change, nothing to notify */
	ck_assert_str_eq(step(flip_op, 1), "ok");
	ck_assert_uint_eq(a.notified, 1);
	ck_assert_str_eq(step(revoke_op, 0), "ok");
	ck_assert_str_eq(step(flip_op, 0), "ENODEV");
}
END_TEST

START_TEST(close_lives_until_last_detach)
{
	struct imp a = { 0 };
	struct dmabuf_export_info again = { .name = "b0", .size = 4096 };

	attach_map(&a, "imp");
	dmabuf_close(C.buf);
	ck_assert_ptr_null(dmabuf_find(C.c, "b0"));
	ck_assert_uint_eq(C.released, 0);
	/* the name is free again */
	ck_assert_int_eq(dmabuf_export(C.c, &again, NULL), 0);
	dmabuf_detach(a.att);
	ck_assert_uint_eq(C.released, 1);
	ck_assert_uint_eq(nrec("unmapped:imp"), 1);
	ck_assert_uint_eq(nrec("close:"), 1);
}
END_TEST

Suite *dmabuf_suite(void)
{
	Suite *su = suite_create("dmabuf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, attach_rules);
	tcase_add_test(tc, revoke_waits_for_every_importer);
	tcase_add_test(tc, slow_unmap_delays_named_importer);
	tcase_add_test(tc, ignored_revoke_contract_spelling);
	tcase_add_test(tc, ignored_revoke_times_out_mapped);
	tcase_add_test(tc, unrevoke_while_pending_is_ebusy);
	tcase_add_test(tc, flavor_flip_notifies_without_revoke);
	tcase_add_test(tc, close_lives_until_last_detach);
	suite_add_tcase(su, tc);
	return su;
}
