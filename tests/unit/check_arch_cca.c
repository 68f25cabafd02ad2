// SPDX-License-Identifier: MIT
/*
 * check_arch_cca.c - CCA RME-DA: one test per rule row of
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
	afx_init(&f, ARCH_CCA);
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

static void raw_stop(void)
{
	struct tdisp_request req;
	struct tdisp_response *rsp = calloc(1, sizeof(*rsp));

	tdisp_request_init(&req, f.dev, TDISP_REQ_STOP_INTERFACE);
	ck_assert_int_eq(tdisp_handle(f.dev, &req, rsp), 0);
	free(rsp);
}

START_TEST(top_ipa_bit)
{
	struct arch_vm *v40 = f.ops->vm_create(f.a, "r40", true, 40);

	ck_assert_uint_eq(arch_vm_addr(f.a, f.vm, 0x2000, false),
			  0x2000 | (1ULL << 47));
	ck_assert_ptr_nonnull(v40);
	ck_assert_uint_eq(arch_vm_addr(f.a, v40, 0, false), 1ULL << 39);
	ck_assert_ptr_null(f.ops->vm_create(f.a, "r60", true, 60));
}
END_TEST

START_TEST(bind_sequence)
{
	bound();
	ck_assert_uint_lt(afx_fw_index(&f, "RMI_VDEV_CREATE"),
			  afx_fw_index(&f, "RMI_VDEV_LOCK"));
	ck_assert_uint_lt(afx_fw_index(&f, "RMI_VDEV_LOCK"),
			  afx_fw_index(&f, "RMI_VDEV_GET_INTERFACE_REPORT"));
	ck_assert(afx_fw_seen(&f, "RMI_VDEV_GET_MEASUREMENTS", "ok"));
	ck_assert(afx_fw_seen(&f, "RMI_PDEV_CREATE", "ok"));
	ck_assert(!arch_tdi_owned(f.a, f.bar0));
}
END_TEST

START_TEST(map_level_2_or_3_only)
{
	bound();
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		0, 0, 64 << 10, 1ULL << 30, f.q)), "RMI_ERROR_INPUT");
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert(afx_fw_seen(&f, "RMI_GRANULE_DELEGATE", "ok"));
	ck_assert(afx_owner_seen(&f, "delegate"));
	ck_assert(arch_tdi_owned(f.a, f.bar0));
}
END_TEST

START_TEST(host_ur_before_delegate_gpf_after)
{
	bound();
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_OK);
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_HOST_FAULT);
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_HOST_FAULT);
}
END_TEST

START_TEST(p2p_ur_before_delegate_fault_after)
{
	bound();
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_FAULT);
}
END_TEST

START_TEST(latent_rules)
{
	const struct mem_mapping *m[4];
	int finding;

	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, 0x90000000ULL, f.bar0,
					     4096, 4096, NULL));
	bound();
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "lock", m, 4, &finding), 0);
	/* the NS stage-2 entry is a hypervisor mapping on cca */
	ck_assert_uint_eq(arch_latent_scan(f.a, f.dev, "owner", m, 4, &finding), 1);
	ck_assert_int_eq(finding, SIM_FIND_LATENT_HOST_FAULT);
}
END_TEST

START_TEST(accept_validates_then_starts)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, "RSI_VDEV_VALIDATE_MAPPING"),
			  afx_fw_index(&f, "RMI_VDEV_START"));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_OK);
}
END_TEST

START_TEST(err_stale_report_seq)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->refresh_report(f.a, f.dev, f.q)), "ok");
	ck_assert_str_eq(validate(-1), "RSI_ERROR_STATE");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

START_TEST(err_state_not_locked)
{
	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	raw_stop();
	ck_assert_str_eq(validate(-1), "RSI_ERROR_STATE");
	ck_assert_str_eq(start(), "RMI_ERROR_DEVICE");
}
END_TEST

START_TEST(err_input)
{
	ck_assert_str_eq(validate(-1), "RSI_ERROR_INPUT");
	ck_assert_str_eq(start(), "RMI_ERROR_DEVICE");
	bound();
	ck_assert_str_eq(validate(2), "RSI_ERROR_INPUT");
}
END_TEST

START_TEST(trusted_path_realm_stage2)
{
	struct iommu_xlate x;

	bound();
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 AFX_GPA, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_ARCH);
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 AFX_GPA, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, f.bar0);
}
END_TEST

START_TEST(unbind_unlock_unmap_destroy)
{
	afx_up(&f);
	f.nfw = 0;
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, "RMI_VDEV_UNLOCK"),
			  afx_fw_index(&f, "RMI_VDEV_UNMAP"));
	ck_assert_uint_lt(afx_fw_index(&f, "RMI_GRANULE_UNDELEGATE"),
			  afx_fw_index(&f, "RMI_VDEV_DESTROY"));
	ck_assert(afx_owner_seen(&f, "undelegate"));
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_OK);
}
END_TEST

/*
 * Issue 10 item 8: accept / validate works from the attested report's
 * ranges, not from what the host mapped: nothing mapped, or half of the
 * TEE BAR mapped, fails (RSI_ERROR_INPUT) instead of accepting nothing.
 */
START_TEST(accept_checks_report_ranges)
{
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_accept(&f), "RSI_ERROR_INPUT");

	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA, 0, 32 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->guest_validate(f.a, f.vm, f.dev, -1,
						      f.q)), "RSI_ERROR_INPUT");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_UNACCEPTED);
}
END_TEST

Suite *arch_cca_suite(void)
{
	Suite *su = suite_create("arch_cca");
	TCase *tc = tcase_create("cca");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, accept_checks_report_ranges);
	tcase_add_test(tc, top_ipa_bit);
	tcase_add_test(tc, bind_sequence);
	tcase_add_test(tc, map_level_2_or_3_only);
	tcase_add_test(tc, host_ur_before_delegate_gpf_after);
	tcase_add_test(tc, p2p_ur_before_delegate_fault_after);
	tcase_add_test(tc, latent_rules);
	tcase_add_test(tc, accept_validates_then_starts);
	tcase_add_test(tc, err_stale_report_seq);
	tcase_add_test(tc, err_state_not_locked);
	tcase_add_test(tc, err_input);
	tcase_add_test(tc, trusted_path_realm_stage2);
	tcase_add_test(tc, unbind_unlock_unmap_destroy);
	suite_add_tcase(su, tc);
	return su;
}
