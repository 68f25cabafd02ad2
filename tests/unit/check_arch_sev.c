// SPDX-License-Identifier: MIT
/*
 * check_arch_sev.c - SEV-TIO: one test per rule row of docs/arch/rules.md
 * and per firmware error code the model returns.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fixture.h"

static struct afx f;

static void setup(void)
{
	afx_init(&f, ARCH_SEV);
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

START_TEST(one_npt_entry_per_gpa)
{
	bound();
	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, AFX_GPA, f.bar0,
					     4096, 4096, NULL));
	ck_assert_str_eq(afx_map0(&f), "EEXIST");
	ck_assert_ptr_null(f.ops->unmap_shared(f.a, f.vm, AFX_GPA, 4096));
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(f.ops->map_shared(f.a, f.vm, AFX_GPA, f.bar0,
					   4096, 4096, NULL), "EEXIST");
	/* the C-bit is not in the GPA */
	ck_assert_uint_eq(arch_vm_addr(f.a, f.vm, AFX_GPA, false), AFX_GPA);
}
END_TEST

START_TEST(bind_locks_rmp_assign_at_map)
{
	bound();
	ck_assert(afx_fw_seen(&f, "TIO_TDI_BIND", "ok"));
	ck_assert(afx_fw_seen(&f, "TIO_TDI_REPORT", "ok"));
	ck_assert(afx_owner_seen(&f, "lock"));
	ck_assert(!afx_owner_seen(&f, "rmp-assign"));
	ck_assert(!arch_tdi_owned(f.a, f.bar0));
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert(afx_owner_seen(&f, "rmp-assign"));
	ck_assert(afx_fw_seen(&f, "RMPUPDATE", "ok"));
	ck_assert(arch_tdi_owned(f.a, f.bar0));
}
END_TEST

START_TEST(host_reads_pass_writes_fault_after_assign)
{
	bound();
	/* before the RMP assign: both go to the device (ur) */
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_OK);
	ck_assert_str_eq(afx_map0(&f), "ok");
	/* the RMP does not check hypervisor reads */
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_HOST_FAULT);
}
END_TEST

START_TEST(p2p_after_assign_is_ur)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_OK);
}
END_TEST

START_TEST(latent_rules)
{
	const struct mem_mapping *m[4];
	int finding;

	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, 0x90000000ULL, f.bar0,
					     4096, 4096, NULL));
	bound();
	/* allowed at lock */
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "lock", m, 4, &finding), 0);
	/* the guest's own NPT entry is expected at the owner change ... */
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 0);
	ck_assert_int_eq(finding, SIM_FIND_LATENT_HOST_FAULT);
	/* ... a host mmap is not */
	mem_map_add(f.mem, SIM_MAP_HOST_MMAP, "mmap m0", 0, f.bar0, 4096, false);
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 1);
	ck_assert_int_eq(m[0]->kind, SIM_MAP_HOST_MMAP);
}
END_TEST

/*
 * docs/arch/rules.md: on sev latent-host-fault covers host mmap / kernel
 * mappings; an iommufd P2P area is no host-fault hazard (p2p_owned: ur).
 */
START_TEST(latent_owner_skips_p2p)
{
	const struct mem_mapping *m[4];
	int finding;

	bound();
	mem_map_add(f.mem, SIM_MAP_IOMMU, "ioas a", 0x40000000ULL, f.bar0,
		    4096, true);
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 0);
	mem_map_add(f.mem, SIM_MAP_KERNEL, "ioremap", 0, f.bar0, 4096, true);
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 1);
	ck_assert_int_eq(m[0]->kind, SIM_MAP_KERNEL);
}
END_TEST

/*
 * Issue 10 item 7: the RMP checks a guest's C=0 accesses too, so the
 * guest's shared view of RMP-assigned MMIO faults in the NPT (#NPF)
 * instead of reaching the device (ur) as a hypervisor read would.
 */
START_TEST(guest_c0_to_assigned_mmio_faults)
{
	uint64_t id = 0;

	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, 0xa0000000ULL, f.bar0,
					     64 << 10, 4096, &id));
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	/* locked, not assigned: the access goes on to the device (ur) */
	ck_assert_int_eq(afx_xlate(&f, 0xa0000000ULL, false), ARCH_X_OK);
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(afx_xlate(&f, 0xa0000000ULL, false), ARCH_X_FAULT);
	/* the private entry's C=0 view: the same */
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, false), ARCH_X_FAULT);
	/* the host's reads are still not RMP-checked */
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
}
END_TEST

/*
 * Issue 10 item 6: only the bound guest's own NPT entries are exempt at
 * the RMP assign; another guest's shared slot of the same MMIO is a
 * latent-host-fault like a host mmap.
 */
START_TEST(latent_exempts_only_the_bound_guest)
{
	struct arch_vm *vm1 = f.ops->vm_create(f.a, "vm1", false, 0);
	uint64_t own = 0, other = 0;

	ck_assert_ptr_nonnull(vm1);
	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, 0xa0000000ULL, f.bar0,
					     64 << 10, 4096, &own));
	ck_assert_ptr_null(f.ops->map_shared(f.a, vm1, 0xa0000000ULL, f.bar0,
					     64 << 10, 4096, &other));
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_LATENT_HOST_FAULT), 1);
	ck_assert_ptr_nonnull(strstr(sim_finding_at(f.s, 0)->explain, "vm1 NPT"));
}
END_TEST

START_TEST(validate_only_in_run)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(validate(-1), "EPERM");
	ck_assert_str_eq(afx_accept(&f), "ok");
	/* AMD's sev_guest_accept(): RUN, SDTE_WRITE, then MMIO_VALIDATE */
	ck_assert_uint_lt(afx_fw_index(&f, "TIO_TDI_START"),
			  afx_fw_index(&f, "TIO_MSG_SDTE_WRITE_REQ"));
	ck_assert_uint_lt(afx_fw_index(&f, "TIO_MSG_SDTE_WRITE_REQ"),
			  afx_fw_index(&f, "TIO_MSG_MMIO_VALIDATE_REQ"));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_OK);
}
END_TEST

START_TEST(err_not_mapped)
{
	bound();
	ck_assert_str_eq(start(), "ok");
	ck_assert_str_eq(validate(-1), "NOT_MAPPED");
	ck_assert(afx_fw_seen(&f, "TIO_MSG_MMIO_VALIDATE_REQ", "NOT_MAPPED"));
}
END_TEST

START_TEST(err_not_assigned)
{
	bound();
	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, AFX_GPA, f.bar0,
					     64 << 10, 4096, NULL));
	ck_assert_str_eq(start(), "ok");
	ck_assert_str_eq(validate(0), "NOT_ASSIGNED");
}
END_TEST

START_TEST(err_not_reported_out_of_range)
{
	bound();
	ck_assert_str_eq(start(), "ok");
	ck_assert_str_eq(validate(1), "NOT_REPORTED");
	ck_assert_str_eq(validate(9), "OUT_OF_RANGE");
}
END_TEST

START_TEST(err_invalid_tdi_and_not_bound)
{
	struct arch_vm *other = f.ops->vm_create(f.a, "vm1", true, 0);

	ck_assert_str_eq(validate(-1), "INVALID_TDI");
	ck_assert_str_eq(start(), "INVALID_TDI");
	bound();
	ck_assert_str_eq(AFX(&f, f.ops->guest_validate(f.a, other, f.dev, -1,
						       f.q)), "TDI_NOT_BOUND");
	ck_assert_str_eq(AFX(&f, f.ops->guest_start(f.a, other, f.dev, f.q)),
			 "TDI_NOT_BOUND");
}
END_TEST

START_TEST(private_before_validate_is_vc)
{
	struct arch_xlate x;

	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(start(), "ok");
	f.ops->guest_xlate(f.a, f.vm, AFX_GPA, true, false, &x);
	ck_assert_int_eq(x.status, ARCH_X_UNACCEPTED);
	ck_assert_ptr_nonnull(strstr(x.detail, "#VC"));
}
END_TEST

START_TEST(trusted_path_vtom_and_rmp)
{
	struct iommu_xlate x;

	/* a shared bounce buffer below vTOM */
	f.ops->vm_ram(f.a, f.vm, AFX_RAM_SIZE, f.ram_hpa - (1 << 21), 1 << 21,
		      false);
	afx_up(&f);
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x1000, 8, true, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 AFX_RAM_SIZE, 8, true, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_ARCH);
	ck_assert_ptr_nonnull(strstr(x.detail, "RMP"));
}
END_TEST

START_TEST(unbind_then_reclaim_no_teardown_rule)
{
	afx_up(&f);
	f.nfw = 0;
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, "TIO_TDI_UNBIND"),
			  afx_fw_index(&f, "RMPUPDATE"));
	ck_assert(afx_owner_seen(&f, "rmp-reclaim"));
	ck_assert(!arch_tdi_owned(f.a, f.bar0));
	/* sev has no unmap-before-unlock rule */
	afx_up(&f);
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		64 << 10, false, f.q)), "ok");
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 0);
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
 * TEE BAR mapped, fails (NOT_MAPPED) instead of accepting nothing.
 */
START_TEST(accept_checks_report_ranges)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_accept(&f), "NOT_MAPPED");

	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA, 0, 32 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->guest_validate(f.a, f.vm, f.dev, -1,
						      f.q)), "NOT_MAPPED");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

Suite *arch_sev_suite(void)
{
	Suite *su = suite_create("arch_sev");
	TCase *tc = tcase_create("sev");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, accept_checks_report_ranges);
	tcase_add_test(tc, accept_bound_to_attested_lock);
	tcase_add_test(tc, one_npt_entry_per_gpa);
	tcase_add_test(tc, bind_locks_rmp_assign_at_map);
	tcase_add_test(tc, host_reads_pass_writes_fault_after_assign);
	tcase_add_test(tc, p2p_after_assign_is_ur);
	tcase_add_test(tc, latent_rules);
	tcase_add_test(tc, latent_owner_skips_p2p);
	tcase_add_test(tc, guest_c0_to_assigned_mmio_faults);
	tcase_add_test(tc, latent_exempts_only_the_bound_guest);
	tcase_add_test(tc, validate_only_in_run);
	tcase_add_test(tc, err_not_mapped);
	tcase_add_test(tc, err_not_assigned);
	tcase_add_test(tc, err_not_reported_out_of_range);
	tcase_add_test(tc, err_invalid_tdi_and_not_bound);
	tcase_add_test(tc, private_before_validate_is_vc);
	tcase_add_test(tc, trusted_path_vtom_and_rmp);
	tcase_add_test(tc, unbind_then_reclaim_no_teardown_rule);
	suite_add_tcase(su, tc);
	return su;
}
