// SPDX-License-Identifier: MIT
/*
 * check_kvm.c - KVM memslots backed by dma-bufs on a real arch model
 * (tdx, sev): fault-in on first access with the exit round trip, eager
 * populate, zap + shootdown latency on unmap and on move_notify, static
 * importer refusal, overlap rules.
 */
#include "host_fixture.h"

static struct hfx F;

#define GPA 0x80000000ULL

static void setup(void) { hfx_init(&F, "tdx"); }
static void setup_sev(void) { hfx_init(&F, "sev"); }
static void teardown(void) { hfx_fini(&F); }

static const char *kmap(const char *buf, uint64_t gpa, bool priv, bool eager,
			bool is_static)
{
	struct kvm_map_args a = { .guest = "vm0", .dmabuf = buf, .gpa = gpa,
				  .priv = priv, .eager = eager,
				  .is_static = is_static };

	return HFX(&F, kvm_map(F.h, F.q, &a));
}

/* kvm.unmap by @gpa (when @by_gpa) and / or @buf (NULL: none) */
static const char *kunmap(bool by_gpa, uint64_t gpa, const char *buf)
{
	struct kvm_unmap_args a = { .guest = "vm0", .has_gpa = by_gpa,
				    .gpa = gpa, .dmabuf = buf };

	return HFX(&F, kvm_unmap(F.h, F.q, &a));
}

static struct plat_access gacc(uint64_t gpa, bool priv)
{
	struct plat_access a = { .who = SIM_INIT_GUEST, .initiator = "vm0",
				 .priv = priv, .addr = gpa, .size = 8 };

	plat_guest_access(F.p, F.g, &a);
	return a;
}

static void export(const char *name, bool priv)
{
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, priv,
					     name)), "ok");
}

START_TEST(fault_in_on_first_access)
{
	struct plat_access a, b;
	const struct mem_mapping *mm;
	const struct mem_mapping *found[8];
	size_t n;

	export("s", false);
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 1);
	/* the memslot is a hypervisor-side mapping before any fault */
	n = mem_map_find(plat_mem(F.p), hfx_bar(&F, 0), 4096,
			 MEM_KIND_BIT(SIM_MAP_S2_SHARED), found, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert(!found[0]->populated);
	a = gacc(GPA + 0x100, false);
	ck_assert_int_eq(a.result, SIM_RES_RETRIED);
	ck_assert_uint_eq(a.hpa, hfx_bar(&F, 0) + 0x100);
	ck_assert(found[0]->populated);
	b = gacc(GPA + 0x108, false);
	ck_assert_int_eq(b.result, SIM_RES_OK);
	/* the exit round trip and the fault-in are in the first one */
	ck_assert_uint_ge(a.lat, b.lat + plat_t(F.p, AT_VMEXIT) +
				 plat_t(F.p, AT_KVM_FAULT_IN));
	/* another page faults again */
	ck_assert_int_eq(gacc(GPA + 0x2000, false).result, SIM_RES_RETRIED);
	/* nothing at all outside the slot */
	ck_assert_int_eq(gacc(GPA + 0x10000, false).result, SIM_RES_FAULT);
	mm = found[0];
	ck_assert_int_eq(mm->kind, SIM_MAP_S2_SHARED);
}
END_TEST

START_TEST(eager_populate_and_unmap_zap)
{
	export("s", false);
	ck_assert_str_eq(kmap("s", GPA, false, true, false), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL) +
					plat_t(F.p, AT_KVM_FAULT_IN));
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_OK);
	ck_assert_str_eq(kunmap(true, GPA + 0x1000, NULL), "ENOENT");
	ck_assert_str_eq(kunmap(true, GPA, NULL), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL) +
					plat_t(F.p, AT_KVM_ZAP));
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 0);
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_FAULT);
	ck_assert_uint_eq(dmabuf_attach_count(dmabuf_find(host_dmabuf_core(F.h),
							  "s")), 0);
}
END_TEST

/* docs/scenarios.md: kvm.unmap by gpa, by dma-buf, or both (one slot) */
START_TEST(unmap_by_gpa_dmabuf_or_both)
{
	struct kvm_unmap_args a = { .guest = "vm0", .has_gpa = true,
				    .gpa = GPA, .has_priv = true,
				    .priv = true };

	export("s", false);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0x8000,
					     false, "t")), "ok");
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_str_eq(kmap("s", GPA + 0x100000, false, false, false), "ok");
	ck_assert_str_eq(kmap("t", GPA + 0x200000, false, false, false), "ok");
	/* both, naming different slots: EINVAL, nothing goes */
	ck_assert_str_eq(kunmap(true, GPA, "t"), "EINVAL");
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 3);
	/* neither selector is refused before the ioctl */
	ck_assert_str_eq(kvm_unmap(F.h, F.q, &(struct kvm_unmap_args){
					   .guest = "vm0" }), "EINVAL");
	/* the dma-buf alone: both of its slots, one zap each */
	ck_assert_str_eq(kunmap(false, 0, "s"), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL) +
					2 * plat_t(F.p, AT_KVM_ZAP));
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 1);
	ck_assert_uint_eq(dmabuf_attach_count(dmabuf_find(host_dmabuf_core(F.h),
							  "s")), 0);
	ck_assert_str_eq(kunmap(true, GPA, NULL), "ENOENT");
	ck_assert_str_eq(kunmap(false, 0, "s"), "ENOENT");
	/* both naming the same slot */
	ck_assert_str_eq(kunmap(true, GPA + 0x200000, "t"), "ok");
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 0);
	/* private: keeps only that view's slots */
	ck_assert_str_eq(kmap("t", GPA, false, false, false), "ok");
	ck_assert_str_eq(HFX(&F, kvm_unmap(F.h, F.q, &a)), "ENOENT");
	a.priv = false;
	ck_assert_str_eq(HFX(&F, kvm_unmap(F.h, F.q, &a)), "ok");
}
END_TEST

START_TEST(map_rules)
{
	export("s", false);
	export("p", true);
	ck_assert_str_eq(kmap("s", GPA, false, false, true), "EOPNOTSUPP");
	ck_assert_str_eq(kmap("s", GPA + 0x800, false, false, false), "EINVAL");
	ck_assert_str_eq(kmap("s", GPA, true, false, false), "EINVAL");
	ck_assert_str_eq(kmap("nope", GPA, false, false, false), "ENOENT");
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_str_eq(kmap("s", GPA + 0x8000, false, false, false), "EEXIST");
	/* tdx: the private view is another table; the TDI is not bound */
	ck_assert_str_ne(kmap("p", GPA, true, false, false), "EEXIST");
}
END_TEST

START_TEST(sev_one_npt_entry_per_gpa)
{
	export("s", false);
	export("p", true);
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_str_eq(kmap("p", GPA, true, false, false), "EEXIST");
}
END_TEST

START_TEST(revoke_zaps_and_refault_fails)
{
	export("s", false);
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_RETRIED);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_revoke(F.h, F.q, "s")), "ok");
	/* KVM's unmap latency is the zap + shootdown */
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL) +
					plat_t(F.p, AT_KVM_ZAP));
	ck_assert_uint_eq(hfx_dma_count(&F, "unmapped:kvm.vm0"), 1);
	/* re-mapping a revoked buffer fails: the fault is not resolved */
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_FAULT);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_unrevoke(F.h, F.q, "s")), "ok");
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_RETRIED);
}
END_TEST

START_TEST(slow_importer_delays_revoke)
{
	export("s", false);
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	dmabuf_fault_slow_unmap(host_dmabuf_core(F.h), "kvm", 5000);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_revoke(F.h, F.q, "s")), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL) +
					plat_t(F.p, AT_KVM_ZAP) + 5000);
}
END_TEST

START_TEST(flavor_flip_moves_the_gfn)
{
	export("s", false);
	ck_assert_str_eq(kmap("s", GPA, false, false, false), "ok");
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_RETRIED);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_flavor(F.h, F.q, "s", true)), "ok");
	/* the shared side is gone and does not fault back in */
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_FAULT);
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 1);
}
END_TEST

Suite *kvm_suite(void)
{
	Suite *su = suite_create("kvm");
	TCase *tc = tcase_create("tdx");
	TCase *ts = tcase_create("sev");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fault_in_on_first_access);
	tcase_add_test(tc, eager_populate_and_unmap_zap);
	tcase_add_test(tc, map_rules);
	tcase_add_test(tc, unmap_by_gpa_dmabuf_or_both);
	tcase_add_test(tc, revoke_zaps_and_refault_fails);
	tcase_add_test(tc, slow_importer_delays_revoke);
	tcase_add_test(tc, flavor_flip_moves_the_gfn);
	suite_add_tcase(su, tc);
	tcase_add_checked_fixture(ts, setup_sev, teardown);
	tcase_add_test(ts, sev_one_npt_entry_per_gpa);
	suite_add_tcase(su, ts);
	return su;
}
