// SPDX-License-Identifier: MIT
/*
 * check_arch_tdx.c - TDX Connect: one test per rule row of
 * docs/arch/rules.md and per firmware error code the model returns.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fixture.h"

static struct afx f;

static void setup(void)
{
	afx_init(&f, ARCH_TDX);
}

static void teardown(void)
{
	afx_fini(&f);
}

static void bound(void)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
}

static const char *validate(int bar)
{
	return AFX(&f, f.ops->guest_validate(f.a, f.vm, f.dev, bar, f.q));
}

static const char *start(void)
{
	return AFX(&f, f.ops->guest_start(f.a, f.vm, f.dev, f.q));
}

START_TEST(shared_bit_follows_gpaw)
{
	struct arch_vm *v52 = f.ops->vm_create(f.a, "vm52", true, 52);

	ck_assert_uint_eq(arch_vm_addr(f.a, f.vm, 0x1000, false),
			  0x1000 | (1ULL << 47));
	ck_assert_uint_eq(arch_vm_addr(f.a, f.vm, 0x1000, true), 0x1000);
	ck_assert_ptr_nonnull(v52);
	ck_assert_uint_eq(arch_vm_addr(f.a, v52, 0, false), 1ULL << 51);
	ck_assert_ptr_null(f.ops->vm_create(f.a, "vm50", true, 50));
	/* a GPA at or above the shared bit is refused */
	ck_assert_str_eq(f.ops->map_shared(f.a, f.vm, 1ULL << 47, f.bar2,
					   4096, 4096, NULL), "EINVAL");
}
END_TEST

START_TEST(bind_sequence_and_tracking)
{
	bound();
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_LOCKED);
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.DEVIF.CREATE"),
			  afx_fw_index(&f, "TDH.DEVIF.REQUEST"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.DEVIF.REQUEST"),
			  afx_fw_index(&f, "TDH.MMIOMT.ADD"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.MMIOMT.ADD"),
			  afx_fw_index(&f, "TDH.DMAR.ADD"));
	ck_assert(afx_owner_seen(&f, "lock"));
	ck_assert(afx_owner_seen(&f, "mmio-tracking"));
	ck_assert(arch_tdi_owned(f.a, f.bar0));
	ck_assert(!arch_tdi_owned(f.a, f.bar2));	/* non-TEE */
	ck_assert(afx_fw_seen(&f, "TDH.SPDM.CREATE", "ok"));
	ck_assert(afx_fw_seen(&f, "TDH.IDE.STREAM.CREATE", "ok"));
}
END_TEST

START_TEST(host_access_to_locked_tee_mmio_is_mce)
{
	bound();
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_MCE);
	ck_assert_int_eq(afx_host(&f, f.bar0 + 0x100, true), SIM_RES_MCE);
	ck_assert_int_eq(afx_host(&f, f.bar2, true), SIM_RES_OK);
}
END_TEST

START_TEST(p2p_after_lock_is_ur_not_mce)
{
	bound();
	/* passes to the device, which rejects T=0 with UR */
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_OK);
}
END_TEST

START_TEST(latent_mce_at_lock_by_default)
{
	const struct mem_mapping *m[4];
	int finding;
	uint64_t id = 0;

	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, AFX_GPA, f.bar0,
					     64 << 10, 4096, &id));
	bound();
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "lock", m, 4, &finding), 1);
	ck_assert_int_eq(finding, SIM_FIND_LATENT_MCE);
	ck_assert_uint_eq(m[0]->id, id);
	/* an IOMMU P2P area is not CPU-reachable: never latent (§7) */
	mem_map_add(f.mem, SIM_MAP_IOMMU, "ioas a", 0x40000000, f.bar0, 4096,
		    false);
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "lock", m, 4, &finding), 1);
	ck_assert_uint_eq(m[0]->id, id);
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 0);
	ck_assert_int_eq(finding, -1);
}
END_TEST

START_TEST(latent_mce_at_tracking_knob)
{
	struct afx g;
	struct arch_profile p;
	const struct mem_mapping *m[4];
	int finding;

	arch_profile_builtin("tdx", &p);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_lock", "none", "t"), 0);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_owner", "latent-mce", "t"), 0);
	afx_init_prof(&g, &p);
	mem_map_add(g.mem, SIM_MAP_HOST_MMAP, "mmap m0", 0, g.bar0, 4096, false);
	ck_assert_uint_eq(arch_latent_scan(g.a, g.dev, "lock", m, 4, &finding), 0);
	ck_assert_uint_eq(arch_latent_scan(g.a, g.dev, "owner", m, 4, &finding), 1);
	ck_assert_int_eq(finding, SIM_FIND_LATENT_MCE);
	afx_fini(&g);
}
END_TEST

START_TEST(accept_order_start_first)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert(afx_fw_seen(&f, "TDH.MMIO.MAP", "ok"));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, "TDG.TDI.START"),
			  afx_fw_index(&f, "TDG.TDI.MMIO.ACCEPT"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDG.TDI.MMIO.ACCEPT"),
			  afx_fw_index(&f, "TDG.DMAR.ACCEPT"));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA + 0xf000, true), ARCH_X_OK);
}
END_TEST

START_TEST(window_in_run_with_nothing_accepted)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(start(), "ok");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_RUN);
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

START_TEST(err_page_already_accepted)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_str_eq(validate(-1), "PAGE_ALREADY_ACCEPTED");
}
END_TEST

START_TEST(err_tdi_invalid_state)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	/* accept before START: the TDI is not in RUN */
	ck_assert_str_eq(validate(-1), "TDI_INVALID_STATE");
	ck_assert_str_eq(start(), "ok");
	/* START again from RUN */
	ck_assert_str_eq(start(), "TDI_INVALID_STATE");
}
END_TEST

START_TEST(err_not_in_assoc_range)
{
	bound();
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 2,
		0xa0000000ULL, 0, 16 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(start(), "ok");
	ck_assert_str_eq(validate(2), "MMIO_PAGE_NOT_IN_ASSOC_RANGE");
}
END_TEST

START_TEST(err_invalid_hpa_offset)
{
	bound();
	/* the BAR's second half at a GPA that does not follow the first */
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA, 0, 32 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA + (1 << 20), 32 << 10, 32 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(start(), "ok");
	ck_assert_str_eq(validate(-1), "MMIO_INVALID_HPA_OFFSET");
	/* the first half got accepted before the error */
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_OK);
}
END_TEST

START_TEST(err_operand_invalid)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(start(), "TDX_OPERAND_INVALID");
	ck_assert_str_eq(validate(-1), "TDX_OPERAND_INVALID");
}
END_TEST

START_TEST(err_tdisp_nonce_through_start)
{
	bound();
	tdisp_fault_corrupt_nonce(f.dev);
	ck_assert_str_eq(start(), "INVALID_NONCE");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_LOCKED);
}
END_TEST

START_TEST(page_size_rule)
{
	bound();
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		0, 0, 64 << 10, 1ULL << 30, f.q)), "EINVAL");
}
END_TEST

/*
 * Issue 10 item 12: TDH.MMIO.MAP takes 4 KiB, 2 MiB and 1 GiB leaves
 * (tdx-module tdh_mmio_map.c) and the guest accepts at the mapping's
 * level: one TDG.TDI.MMIO.ACCEPT per leaf, not per 4 KiB page.
 */
START_TEST(one_gib_leaf_accepted_at_its_level)
{
	struct afx g;
	struct pcie_dev_cfg cfg = { .name = "big", .bdf = "0000:3b:00.0",
				    .ide = true, .nbars = 1 };
	struct pcie_dev *big;
	uint64_t hpa = 0;
	size_t n = 0;

	afx_init(&g, ARCH_TDX);
	ck_assert_int_eq(g.prof.rule[AR_MAX_PRIVATE_PAGE], 1LL << 30);
	ck_assert_int_eq(mem_add_window(g.mem, &hpa, 1ULL << 30, &g, 0), 0);
	cfg.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 1ULL << 30,
					     .hpa = hpa };
	ck_assert_int_eq(pcie_dev_add(g.fab, &cfg, &big), 0);
	g.dev = big;
	ck_assert_str_eq(afx_connect(&g), "ok");
	ck_assert_str_eq(afx_bind(&g), "ok");
	ck_assert_str_eq(AFX(&g, g.ops->map_private(g.a, g.vm, big, 0,
		1ULL << 30, 0, 1ULL << 30, 1ULL << 30, g.q)), "ok");
	g.nfw = 0;
	ck_assert_str_eq(afx_accept(&g), "ok");
	for (size_t i = 0; i < g.nfw; i++)
		n += !strcmp(g.fw[i], "TDG.TDI.MMIO.ACCEPT");
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(afx_xlate(&g, (1ULL << 30) + (123ULL << 20), true),
			 ARCH_X_OK);
	afx_fini(&g);
}
END_TEST

START_TEST(unbind_follows_xu_yilun_order)
{
	afx_up(&f);
	f.nfw = 0;
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.DEVIF.REQUEST"),
			  afx_fw_index(&f, "TDH.MMIO.BLOCK"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.MMIO.UNMAP"),
			  afx_fw_index(&f, "TDH.DMAR.REMOVE"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.MMIOMT.REMOVE"),
			  afx_fw_index(&f, "TDH.DEVIF.REMOVE"));
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 0);
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
}
END_TEST

/*
 * Issue 10 item 10: the module refuses TDH.MMIO.UNMAP while the TDI is
 * locked (tdh_mmio_unmap.c): a userspace unmap fails with the firmware's
 * error and leaves the entries BLOCKED; after STOP it goes through.
 */
START_TEST(unmap_while_locked_is_refused)
{
	afx_up(&f);
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, false, f.q)), "TDX_DEVIF_TDISP_INVALID_STATE");
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 1);
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_FAULT);
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_RUN);
	ck_assert_str_eq(afx_raw(&f, TDISP_REQ_STOP_INTERFACE), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, false, f.q)), "ok");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_NOT_MAPPED);
}
END_TEST

/*
 * An unmap that cannot fail (move_notify): the host's error path STOPs
 * the TDI first and retries; teardown-order still names the step.
 */
START_TEST(forced_unmap_stops_first)
{
	afx_up(&f);
	f.nfw = 0;
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, true, f.q)), "ok");
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 1);
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_UNLOCKED);
	/* refused, STOP relayed, then the retry */
	ck_assert(afx_fw_seen(&f, "TDH.MMIO.UNMAP",
			      "TDX_DEVIF_TDISP_INVALID_STATE"));
	ck_assert_uint_lt(afx_fw_index(&f, "TDH.MMIO.UNMAP"),
			  afx_fw_index(&f, "TDH.DEVIF.REQUEST"));
	ck_assert(afx_fw_seen(&f, "TDH.MMIO.UNMAP", "ok"));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_NOT_MAPPED);
}
END_TEST

/* ... and when STOP gets no answer, it blocks the IDE stream instead. */
START_TEST(forced_unmap_blocks_stream_when_stop_fails)
{
	afx_up(&f);
	tdisp_fault_drop(f.dev, 1);
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, true, f.q)), "ok");
	ck_assert(afx_fw_seen(&f, "TDH.IDE.STREAM.BLOCK", "ok"));
	ck_assert_int_eq(ide_get_state(f.dev), IDE_INSECURE);
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_ERROR);
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_NOT_MAPPED);
}
END_TEST

/*
 * TDH.DEVIF.REMOVE (tdh_devif_remove.c) refuses while private MMIO is
 * still mapped; the TD teardown refuses while a DEVIF is left.
 */
START_TEST(devif_remove_and_td_teardown_refused)
{
	afx_up(&f);
	/* a host phase that leaves the private MMIO mapped */
	ck_assert_str_eq(AFX(&f, afx_unbind_plan(&f, false)),
			 "TDX_DEVIF_HAS_MAPPED_MMIO");
	ck_assert(arch_tdi_bound(f.a, f.dev));
	ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)),
			 "TDX_TD_ASSOCIATED_PAGES_EXIST");
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, false, f.q)), "ok");
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)), "ok");
}
END_TEST

START_TEST(trusted_path_after_dmar_accept)
{
	struct iommu_xlate x;

	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(start(), "ok");
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x1000, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_TRUSTED);
	ck_assert_str_eq(validate(-1), "ok");
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x1000, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x7f000000ULL << 4, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_ARCH);
	ck_assert_ptr_nonnull(x.detail);
}
END_TEST

/*
 * Issue 10 item 9: the accept is bound to the attested lock: after a
 * STOP + re-LOCK behind the guest, START carries the stale nonce and the
 * device refuses it; once the TSM started the TDI itself, the guest's
 * validate refuses a lock epoch it never attested.
 */
START_TEST(accept_bound_to_attested_lock)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "ok");
	afx_relock(&f);
	ck_assert_str_eq(afx_accept(&f), "INVALID_NONCE");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_LOCKED);
	ck_assert_str_eq(afx_raw(&f, TDISP_REQ_START_INTERFACE), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->guest_validate(f.a, f.vm, f.dev, -1,
						      f.q)), "EPERM");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

/*
 * Issue 10 item 8: accept / validate works from the attested report's
 * ranges, not from what the host mapped: nothing mapped, or half of the
 * TEE BAR mapped, fails (EFAULT) instead of accepting nothing.
 */
START_TEST(accept_checks_report_ranges)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_accept(&f), "EFAULT");
	ck_assert(afx_fw_seen(&f, "TDG.TDI.MMIO.ACCEPT", "EFAULT"));
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA, 0, 32 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->guest_validate(f.a, f.vm, f.dev, -1,
						      f.q)), "EFAULT");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

/*
 * Issue 10 item 11: the knob's third position, the first private map of
 * the range (TDH.MMIO.MAP tags the S-EPT entry): nothing at LOCK or at
 * tracking, latent-mce at the map for a mapping still live then.
 */
START_TEST(latent_mce_at_map_knob)
{
	struct afx g;
	struct arch_profile p;
	const struct mem_mapping *m[4];
	int finding;

	arch_profile_builtin("tdx", &p);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_lock", "none", "t"), 0);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_map", "latent-mce", "t"), 0);
	afx_init_prof(&g, &p);
	mem_map_add(g.mem, SIM_MAP_HOST_MMAP, "mmap m0", 0, g.bar0, 4096, false);
	ck_assert_str_eq(afx_connect(&g), "ok");
	ck_assert_str_eq(afx_bind(&g), "ok");
	ck_assert_uint_eq(afx_findings(&g, SIM_FIND_LATENT_MCE), 0);
	ck_assert_uint_eq(arch_latent_scan(g.a, g.dev, "map", m, 4, &finding), 1);
	ck_assert_int_eq(finding, SIM_FIND_LATENT_MCE);
	ck_assert_str_eq(afx_map0(&g), "ok");
	ck_assert(afx_owner_seen(&g, "mmio-map"));
	ck_assert_uint_eq(afx_findings(&g, SIM_FIND_LATENT_MCE), 1);
	afx_fini(&g);
}
END_TEST

Suite *arch_tdx_suite(void)
{
	Suite *su = suite_create("arch_tdx");
	TCase *tc = tcase_create("tdx");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, accept_checks_report_ranges);
	tcase_add_test(tc, accept_bound_to_attested_lock);
	tcase_add_test(tc, shared_bit_follows_gpaw);
	tcase_add_test(tc, bind_sequence_and_tracking);
	tcase_add_test(tc, host_access_to_locked_tee_mmio_is_mce);
	tcase_add_test(tc, p2p_after_lock_is_ur_not_mce);
	tcase_add_test(tc, latent_mce_at_lock_by_default);
	tcase_add_test(tc, latent_mce_at_tracking_knob);
	tcase_add_test(tc, latent_mce_at_map_knob);
	tcase_add_test(tc, accept_order_start_first);
	tcase_add_test(tc, window_in_run_with_nothing_accepted);
	tcase_add_test(tc, err_page_already_accepted);
	tcase_add_test(tc, err_tdi_invalid_state);
	tcase_add_test(tc, err_not_in_assoc_range);
	tcase_add_test(tc, err_invalid_hpa_offset);
	tcase_add_test(tc, err_operand_invalid);
	tcase_add_test(tc, err_tdisp_nonce_through_start);
	tcase_add_test(tc, page_size_rule);
	tcase_add_test(tc, one_gib_leaf_accepted_at_its_level);
	tcase_add_test(tc, unbind_follows_xu_yilun_order);
	tcase_add_test(tc, unmap_while_locked_is_refused);
	tcase_add_test(tc, forced_unmap_stops_first);
	tcase_add_test(tc, forced_unmap_blocks_stream_when_stop_fails);
	tcase_add_test(tc, devif_remove_and_td_teardown_refused);
	tcase_add_test(tc, trusted_path_after_dmar_accept);
	suite_add_tcase(su, tc);
	return su;
}
