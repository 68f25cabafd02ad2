// SPDX-License-Identifier: MIT
/*
 * check_tdisp_spec.c - the TDI as PCIe r6.x chapter 11 writes it (issue
 * 11): the ERROR causes of §11.4.3 (UR/CA completion), §11.4.5 (end of
 * the SPDM session), Table 11-2 (the PF's SR-IOV capability) and §11.4.9
 * (PF FLR clears VF Enable); the conventional reset of §11.4.8; MSI-X
 * reported and tracked only with LOCK_MSIX; VENDOR_SPECIFIC_ERROR; the
 * MMIO_RANGE of SET_MMIO_ATTRIBUTE.  The LOCK error codes of Table 11-12,
 * FIRST_PAGE in pages and the non-TEE filter are in check_tdisp_transport.c
 * and check_pcie.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tdisp_fixture.h"

/* ------------------------------------------------------- ERROR causes */

START_TEST(ur_completion_errors_locked_tdi)
{
	uint64_t e;

	/* unlocked: nothing to error */
	pcie_dma_error_completion(pf, pcie_dma_epoch(pf), "UR");
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	go_state(pf, TDISP_ST_RUN);
	e = pcie_dma_epoch(pf);
	/* a completion of an earlier epoch is only rejected */
	pcie_dma_error_completion(pf, e - 1, "UR");
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_RUN);
	pcie_dma_error_completion(pf, e, "UR/CA completion to its own read");
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "UR/CA completion to its own read");
}
END_TEST

START_TEST(session_end_errors_tdis_locked_over_it)
{
	go_state(pf, TDISP_ST_RUN);
	ck_assert_uint_eq(lock(vf, 0), 0);
	ide_spdm_disconnect(vf);		/* the PF's session */
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "SPDM session ended");
	/* the stream keyed over it is Insecure */
	ck_assert_int_eq(ide_get_state(pf), IDE_INSECURE);
	ide_spdm_disconnect(pf);		/* no session: no-op */
	ck_assert(!ide_has_session(pf));
}
END_TEST

START_TEST(new_session_ends_the_old_one)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	ide_spdm_connect(pf);
	ck_assert(ide_has_session(pf));
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "SPDM session ended");
}
END_TEST

START_TEST(pf_sriov_write_errors_vf_tdis)
{
	uint64_t v;

	ck_assert_uint_eq(lock(vf, 0), 0);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_SRIOV, &v), 0);
	ck_assert_uint_eq(v, PCIE_SRIOV_VF_ENABLE | PCIE_SRIOV_VF_MSE);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_SRIOV, v, true), 0);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_str_eq(slog.device, "vf0");
	ck_assert_str_eq(slog.cause, "config write sriov of PF pf0");
}
END_TEST

START_TEST(pf_flr_clears_vf_enable)
{
	struct pcie_mmio_req m = { .bar = 0, .offset = 0, .size = 8 };
	enum sim_result res;
	uint64_t v;

	ck_assert_uint_eq(lock(vf, 0), 0);
	pcie_flr(pf);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_SRIOV, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert(!pcie_vf_enabled(vf));
	ck_assert(pcie_vf_enabled(pf));
	/* the VF decodes nothing, issues nothing, is no TDISP interface */
	ck_assert_int_eq(pcie_config_write(vf, PCIE_REG_CMD_MSE, 1, true), 0);
	ck_assert_int_eq(pcie_config_write(vf, PCIE_REG_CMD_BME, 1, true), 0);
	ck_assert_int_eq(pcie_mmio_access(vf, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_UR);
	ck_assert_ptr_nonnull(strstr(m.detail, "VF Enable"));
	ck_assert_int_eq(pcie_dma_check(vf, PCIE_DMA_MEM, false), -EPERM);
	ck_assert_uint_eq(send_code(vf, TDISP_REQ_STOP_INTERFACE),
			  TDISP_ERR_INVALID_INTERFACE);
	/* the host sets VF Enable again */
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_SRIOV, 0x9, true), 0);
	ck_assert_uint_eq(send_code(vf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_int_eq(pcie_mmio_access(vf, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_OK);
}
END_TEST

START_TEST(conventional_reset_unlocks_everything)
{
	uint64_t v;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_uint_eq(lock(vf, 0), 0);
	slog.n = 0;
	pcie_conventional_reset(vf);
	/* §11.4.8: CONFIG_UNLOCKED, not ERROR */
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_uint_eq(slog.n, 2);
	ck_assert_int_eq(slog.to, TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_str_eq(slog.cause, "conventional reset");
	ck_assert(!tdisp_nonce_live(pf));
	ck_assert(!ide_has_session(pf));
	ck_assert(!ide_keys_valid(pf, 0));
	ck_assert_int_eq(ide_get_state(pf), IDE_INSECURE);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_SRIOV, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* a new session and keys: LOCK works again */
	ide_spdm_connect(pf);
	ck_assert_int_eq(ide_keys_program(pf, 0), 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
	pcie_conventional_reset(NULL);
}
END_TEST

/* ------------------------------------------------------------- MSI-X */

START_TEST(msix_reported_and_tracked_only_with_lock_msix)
{
	struct tdisp_report rep;
	const uint8_t *b;
	size_t len;

	ck_assert_uint_eq(lock(pf, 0), 0);
	b = tdisp_report_bytes(pf, &len);
	ck_assert_int_eq(tdisp_report_decode(b, len, &rep), 0);
	ck_assert_uint_eq(rep.msix_message_control, 0);
	ck_assert_uint_eq(rep.ranges[1].attr, TDISP_RANGE_NON_TEE);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	/* enabling MSI-X is ordinary interrupt set-up */
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_MSIX, 0x80ff, true), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_RUN);
	ck_assert_int_eq(pcie_dma_check(pf, PCIE_DMA_MSIX, true), -EPERM);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(lock(pf, TDISP_LOCK_MSIX), 0);
	b = tdisp_report_bytes(pf, &len);
	ck_assert_int_eq(tdisp_report_decode(b, len, &rep), 0);
	ck_assert_uint_eq(rep.msix_message_control, 0x80ff);
	ck_assert_uint_eq(rep.ranges[1].attr,
			  TDISP_RANGE_MSIX | TDISP_RANGE_NON_TEE);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	ck_assert_int_eq(pcie_dma_check(pf, PCIE_DMA_MSIX, true), 0);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_MSIX, 0xff, true), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "config write msix");
}
END_TEST

/* A host (T=0) write that reaches the table: ERROR only with LOCK_MSIX. */
static int table_write(struct pcie_dev *d, uint64_t off)
{
	struct pcie_mmio_req rq = { .bar = 2, .offset = off, .size = 4,
				    .write = true, .data = 1 };
	enum sim_result res;

	ck_assert_int_eq(pcie_mmio_access(d, &rq, &res), 0);
	return (int)res;
}

START_TEST(msix_table_write_errors_only_with_lock_msix)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_int_eq(table_write(pf, 0x10c), SIM_RES_OK);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(lock(pf, TDISP_LOCK_MSIX), 0);
	/* past the 4 KiB table in the same BAR: not the table */
	ck_assert_int_eq(table_write(pf, 0x1000), SIM_RES_OK);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_int_eq(table_write(pf, 0x10c), SIM_RES_OK);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "MSI-X table write while locked (LOCK_MSIX)");
}
END_TEST

/* ------------------------------------------------- codes and requests */

START_TEST(vendor_specific_error)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint64_t v;

	ck_assert_str_eq(tdisp_error_name(0xff), "VENDOR_SPECIFIC_ERROR");
	ck_assert_int_eq(tdisp_error_parse("VENDOR_SPECIFIC_ERROR"), 0xff);
	ck_assert_int_eq(tdisp_fault_error(pf, TDISP_ERR_VENDOR_SPECIFIC), 0);
	tdisp_request_init(&rq, pf, TDISP_REQ_GET_DEVICE_INTERFACE_STATE);
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0xff);
	ck_assert_str_eq(tdisp_response_result(&rsp), "VENDOR_SPECIFIC_ERROR");
	ck_assert_int_eq(tdisp_response_field(&rsp, "ERROR_CODE", &v), 0);
	ck_assert_uint_eq(v, 0xff);
}
END_TEST

START_TEST(set_mmio_attribute_range_fields)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint64_t first;
	uint32_t pages;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_int_eq(tdisp_report_range_of(pf, 4, &first, &pages), 0);
	ck_assert_uint_eq(first, HPA_BAR4 >> 12);
	ck_assert_uint_eq(pages, 2);
	ck_assert_int_eq(tdisp_report_range_of(pf, 1, &first, &pages), -ENOENT);
	tdisp_request_init(&rq, pf, TDISP_REQ_SET_MMIO_ATTRIBUTE);
	mmio_range(&rq, pf, 4, true);
	rq.mmio_first_page++;			/* not the reported range */
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_REQUEST);
	mmio_range(&rq, pf, 4, true);
	rq.mmio_num_pages = 1;			/* part of it */
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_REQUEST);
	mmio_range(&rq, pf, 4, true);
	rq.mmio_attr |= TDISP_RANGE_MSIX;	/* bits 1:0 reserved */
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_REQUEST);
	ck_assert(pcie_mmio_is_tee(pf, 4));
	mmio_range(&rq, pf, 4, true);
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert(!pcie_mmio_is_tee(pf, 4));
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_RUN);
}
END_TEST

START_TEST(num_req_limits_for_the_requester)
{
	unsigned int this_tdi, all;

	tdisp_num_req(vf, &this_tdi, &all);
	ck_assert_uint_eq(this_tdi, 1);		/* defaults: 1 and 4 */
	ck_assert_uint_eq(all, 4);
}
END_TEST

Suite *tdisp_spec_suite(void)
{
	Suite *su = suite_create("tdisp_spec");
	TCase *te = tcase_create("error_causes");
	TCase *tm = tcase_create("messages");

	tcase_add_checked_fixture(te, setup, teardown);
	tcase_add_test(te, ur_completion_errors_locked_tdi);
	tcase_add_test(te, session_end_errors_tdis_locked_over_it);
	tcase_add_test(te, new_session_ends_the_old_one);
	tcase_add_test(te, pf_sriov_write_errors_vf_tdis);
	tcase_add_test(te, pf_flr_clears_vf_enable);
	tcase_add_test(te, conventional_reset_unlocks_everything);
	suite_add_tcase(su, te);

	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_test(tm, msix_reported_and_tracked_only_with_lock_msix);
	tcase_add_test(tm, msix_table_write_errors_only_with_lock_msix);
	tcase_add_test(tm, vendor_specific_error);
	tcase_add_test(tm, set_mmio_attribute_range_fields);
	tcase_add_test(tm, num_req_limits_for_the_requester);
	suite_add_tcase(su, tm);
	return su;
}
