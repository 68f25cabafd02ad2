// SPDX-License-Identifier: MIT
/*
 * check_tdisp_transport.c - the TDISP responder of models/pcie beyond the
 * state table: drops, NUM_REQ / BUSY, header checks, LOCK preconditions,
 * P2P bindings, MMIO attributes, fault hooks, and the interface report
 * checked against a decoder written here by hand.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tdisp_fixture.h"

/* --------------------------------------------- transport, NUM_REQ, faults */

START_TEST(dropped_without_session)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint64_t v;

	ide_spdm_disconnect(vf);	/* the PF's session, shared */
	ck_assert(!ide_has_session(pf));
	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	ck_assert_int_eq(tdisp_handle(pf, &rq, &rsp), 0);
	ck_assert(rsp.dropped);
	ck_assert_str_eq(tdisp_response_result(&rsp), "dropped");
	ck_assert_int_eq(tdisp_response_field(&rsp, "MESSAGE_TYPE", &v), -ENOENT);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	/* a fresh session: keys of the old one no longer count */
	ide_spdm_connect(pf);
	ck_assert(!ide_keys_valid(pf, 0));
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_INVALID_REQUEST);
	ck_assert_int_eq(ide_keys_program(pf, 0), 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
}
END_TEST

START_TEST(num_req_this_busy)
{
	struct tdisp_request a, b;
	struct tdisp_response ra, rb;

	tdisp_request_init(&a, pf, TDISP_REQ_LOCK_INTERFACE);
	tdisp_request_init(&b, pf, TDISP_REQ_GET_DEVICE_INTERFACE_STATE);
	ck_assert_int_eq(tdisp_issue(pf, &a, &ra), 0);
	ck_assert(ra.pending);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_int_eq(tdisp_issue(pf, &b, &rb), 0);
	ck_assert(!rb.pending);
	ck_assert_uint_eq(rb.error, TDISP_ERR_BUSY);
	ck_assert_str_eq(tdisp_response_result(&rb), "BUSY");
	ck_assert_int_eq(tdisp_complete(pf, &a, &ra), 0);
	ck_assert_uint_eq(ra.error, 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_int_eq(tdisp_complete(pf, &a, &ra), -EINVAL);
	ck_assert_uint_eq(send(pf, &b, &rb), 0);
}
END_TEST

START_TEST(num_req_all_busy)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *p, *v1, *v2;
	struct pcie_dev_cfg c = { .name = "p", .num_req_all = 2 };
	struct tdisp_request rq[3];
	struct tdisp_response rsp[3];
	uint64_t v;

	ck_assert_int_eq(pcie_dev_add(f, &c, &p), 0);
	c = (struct pcie_dev_cfg){ .name = "v1", .pf = "p" };
	ck_assert_int_eq(pcie_dev_add(f, &c, &v1), 0);
	c.name = "v2";
	ck_assert_int_eq(pcie_dev_add(f, &c, &v2), 0);
	ide_spdm_connect(p);
	tdisp_request_init(&rq[0], p, TDISP_REQ_GET_CAPABILITIES);
	tdisp_request_init(&rq[1], v1, TDISP_REQ_GET_CAPABILITIES);
	tdisp_request_init(&rq[2], v2, TDISP_REQ_GET_CAPABILITIES);
	ck_assert_int_eq(tdisp_issue(p, &rq[0], &rsp[0]), 0);
	ck_assert_int_eq(tdisp_issue(v1, &rq[1], &rsp[1]), 0);
	ck_assert_int_eq(tdisp_issue(v2, &rq[2], &rsp[2]), 0);
	ck_assert(rsp[0].pending && rsp[1].pending);
	ck_assert_uint_eq(rsp[2].error, TDISP_ERR_BUSY);
	ck_assert_int_eq(tdisp_complete(v1, &rq[1], &rsp[1]), 0);
	ck_assert_int_eq(tdisp_response_field(&rsp[1], "NUM_REQ_ALL", &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(tdisp_response_field(&rsp[1], "NUM_REQ_THIS", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(tdisp_handle(v2, &rq[2], &rsp[2]), 0);
	ck_assert_uint_eq(rsp[2].error, 0);
	ck_assert_int_eq(tdisp_complete(p, &rq[0], &rsp[0]), 0);
	pcie_fabric_destroy(f);
}
END_TEST

START_TEST(fault_busy_drop_error)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_fault_busy(pf, 2);
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_BUSY);
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_BUSY);
	tdisp_fault_drop(pf, 1);
	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	ck_assert_int_eq(tdisp_handle(pf, &rq, &rsp), 0);
	ck_assert(rsp.dropped);
	ck_assert_int_eq(tdisp_fault_error(pf, 0), -EINVAL);
	ck_assert_int_eq(tdisp_fault_error(pf, 0x99), -EINVAL);
	ck_assert_int_eq(tdisp_fault_error(pf, TDISP_ERR_INSUFFICIENT_ENTROPY), 0);
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_INSUFFICIENT_ENTROPY);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_int_eq(tdisp_lock_epoch(pf), 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
}
END_TEST

START_TEST(header_checks)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	rq.version = 0x11;
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_VERSION_MISMATCH);
	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	rq.function_id = tdisp_function_id(vf);
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_INTERFACE);
	rq.function_id = tdisp_function_id(pf) ^ (1u << 16);	/* segment */
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_INTERFACE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	/* segment not valid: only the RID is compared */
	rq.function_id = pcie_dev_rid(pf) | 0x7f0000u;
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_VDM),
			  TDISP_ERR_UNSUPPORTED_REQUEST);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_SET_TDISP_CONFIG),
			  TDISP_ERR_UNSUPPORTED_REQUEST);
	ck_assert_uint_eq(send_code(pf, 0x90), TDISP_ERR_UNSUPPORTED_REQUEST);
	ck_assert_uint_eq(send_code(pf, 0x05), TDISP_ERR_UNSUPPORTED_REQUEST);
}
END_TEST

/* ------------------------------------------------- LOCK preconditions */

enum lock_case {
	LC_NO_KEYS, LC_OLD_SESSION_KEYS, LC_OTHER_STREAM, LC_TWO_DEFAULT,
	LC_TC1, LC_PHANTOM, LC_BAR_OVERLAP, LC_INSECURE, LC_BAD_FLAGS,
	LC_NR
};

START_TEST(lock_precondition_fails)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint32_t want = TDISP_ERR_INVALID_DEVICE_CONFIGURATION;

	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	switch ((enum lock_case)_i) {
	/* Table 11-12: missing or other-session keys are INVALID_REQUEST */
	case LC_NO_KEYS:
		ide_spdm_disconnect(pf);
		ide_spdm_connect(pf);
		want = TDISP_ERR_INVALID_REQUEST;
		break;
	case LC_OLD_SESSION_KEYS:
		ide_spdm_connect(pf);	/* re-established, keys stale */
		want = TDISP_ERR_INVALID_REQUEST;
		break;
	case LC_OTHER_STREAM:
		rq.stream_id = 1;	/* no keys for that stream */
		want = TDISP_ERR_INVALID_REQUEST;
		break;
	case LC_TWO_DEFAULT:
		ide_configure(pf, 2, 0);
		break;
	case LC_TC1:
		ide_configure(pf, 1, 1);
		break;
	case LC_PHANTOM:
		ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_DEVCTL,
						   PCIE_DEVCTL_PHANTOM, true), 0);
		break;
	case LC_BAR_OVERLAP:
		ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_BAR2,
						   HPA_BAR0 + 0x8000, true), 0);
		break;
	case LC_INSECURE:
		ide_set_state(pf, IDE_INSECURE);
		break;
	case LC_BAD_FLAGS:
		rq.flags = 0x20;
		want = TDISP_ERR_INVALID_REQUEST;
		break;
	default:
		ck_abort();
	}
	ck_assert_uint_eq(send(pf, &rq, &rsp), want);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!tdisp_nonce_live(pf));
	ck_assert_int_eq(tdisp_lock_epoch(pf), 0);
	ck_assert_uint_eq(slog.n, 0);
}
END_TEST

START_TEST(lock_bar_size_unsupported)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c = { .name = "odd", .nbars = 1 };

	c.bars[0] = (struct pcie_bar_cfg){ .index = 0,
					   .size = _i ? 0x800 : 0x3000 };
	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ide_spdm_connect(d);
	ck_assert_uint_eq(lock(d, 0), TDISP_ERR_INVALID_DEVICE_CONFIGURATION);
	pcie_fabric_destroy(f);
}
END_TEST

START_TEST(lock_needs_keys)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c = { .name = "nokeys", .nbars = 1, .ide = true };

	c.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x1000 };
	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ide_spdm_connect(d);		/* session, but IDE keys never set */
	ck_assert(!ide_keys_valid(d, 0));
	ck_assert_uint_eq(lock(d, 0), TDISP_ERR_INVALID_REQUEST);
	ck_assert_int_eq(ide_keys_program(d, 0), 0);
	ck_assert_uint_eq(lock(d, 0), 0);
	pcie_fabric_destroy(f);
}
END_TEST

START_TEST(lock_without_ide_needs_no_keys)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c = { .name = "plain", .nbars = 1 };

	c.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x1000 };
	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ide_spdm_connect(d);
	ck_assert_uint_eq(lock(d, 0), 0);
	pcie_fabric_destroy(f);
}
END_TEST

/* ------------------------------------------------------ P2P, MMIO attr */

START_TEST(p2p_needs_lock_flag_and_stop_drops_bindings)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	ck_assert_uint_eq(p2p(pf, TDISP_REQ_BIND_P2P_STREAM, 3),
			  TDISP_ERR_INVALID_REQUEST);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	go_state(pf, TDISP_ST_RUN);		/* binds 5 */
	ck_assert_uint_eq(p2p(pf, TDISP_REQ_BIND_P2P_STREAM, 5),
			  TDISP_ERR_INVALID_REQUEST);	/* already bound */
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(lock(pf, TDISP_LOCK_BIND_P2P), 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	ck_assert_uint_eq(p2p(pf, TDISP_REQ_UNBIND_P2P_STREAM, 5),
			  TDISP_ERR_INVALID_REQUEST);	/* scrubbed by STOP */
}
END_TEST

static uint32_t set_attr(struct tdisp_request *rq, uint16_t range, bool non_tee)
{
	struct tdisp_response rsp;

	tdisp_request_init(rq, pf, TDISP_REQ_SET_MMIO_ATTRIBUTE);
	mmio_range(rq, pf, range, non_tee);
	return send(pf, rq, &rsp);
}

static enum sim_result t0_read(unsigned int bar)
{
	struct pcie_mmio_req m = { .bar = bar, .offset = 0, .size = 8 };
	enum sim_result res;

	ck_assert_int_eq(pcie_mmio_access(pf, &m, &res), 0);
	return res;
}

START_TEST(set_mmio_attribute_window)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	size_t len;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_uint_eq(set_attr(&rq, 0, true), TDISP_ERR_INVALID_REQUEST);
	ck_assert_uint_eq(set_attr(&rq, 5, true), TDISP_ERR_INVALID_REQUEST);
	ck_assert_uint_eq(set_attr(&rq, 9, true), TDISP_ERR_INVALID_REQUEST);
	/* bar4 to non-TEE: while pending T=0 is still rejected */
	tdisp_request_init(&rq, pf, TDISP_REQ_SET_MMIO_ATTRIBUTE);
	mmio_range(&rq, pf, 4, true);
	ck_assert_int_eq(tdisp_issue(pf, &rq, &rsp), 0);
	ck_assert(pcie_mmio_attr_pending(pf, 4));
	ck_assert_int_eq(t0_read(4), SIM_RES_UR);
	ck_assert_int_eq(tdisp_complete(pf, &rq, &rsp), 0);
	ck_assert_uint_eq(rsp.error, 0);
	ck_assert(!pcie_mmio_attr_pending(pf, 4));
	ck_assert(!pcie_mmio_is_tee(pf, 4));
	ck_assert_int_eq(t0_read(4), SIM_RES_OK);
	/* the report keeps the lock-time value */
	ck_assert_ptr_nonnull(tdisp_report_bytes(pf, &len));
	/* back to TEE: while pending T=0 still works, after it is rejected */
	rq.mmio_attr = 0;
	ck_assert_int_eq(tdisp_issue(pf, &rq, &rsp), 0);
	ck_assert_int_eq(t0_read(4), SIM_RES_OK);
	ck_assert_int_eq(tdisp_complete(pf, &rq, &rsp), 0);
	ck_assert_int_eq(t0_read(4), SIM_RES_UR);
	/* STOP reverts overrides */
	ck_assert_uint_eq(set_attr(&rq, 4, true), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert(pcie_mmio_is_tee(pf, 4));
}
END_TEST

START_TEST(stop_aborts_dma_epoch)
{
	uint64_t e;

	go_state(pf, TDISP_ST_RUN);
	e = pcie_dma_epoch(pf);
	ck_assert_int_eq(pcie_dma_completion_check(pf, e), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_int_eq(pcie_dma_completion_check(pf, e), -EPERM);
	/* STOP in UNLOCKED is a no-op: no record, no epoch bump */
	e = pcie_dma_epoch(pf);
	slog.n = 0;
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(slog.n, 0);
	ck_assert_uint_eq(pcie_dma_epoch(pf), e);
}
END_TEST

/* ---------------------------------------------------- interface report */

/* An independent decoder: byte offsets written out by hand. */
static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint32_t read_report(struct pcie_dev *d, uint16_t off, uint16_t len,
			    struct tdisp_response *rsp)
{
	struct tdisp_request rq;

	tdisp_request_init(&rq, d, TDISP_REQ_GET_DEVICE_INTERFACE_REPORT);
	rq.offset = off;
	rq.length = len;
	return send(d, &rq, rsp);
}

#define REPORT_LEN (16 + 3 * 16 + 4 + 5)

START_TEST(report_layout_independent_decode)
{
	const int64_t roff = -0x10000000ll;
	struct tdisp_request rq;
	static struct tdisp_response rsp;
	const uint8_t *b, *mine;
	struct tdisp_report dec;
	size_t len;
	uint64_t v;

	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	rq.flags = TDISP_LOCK_NO_FW_UPDATE | TDISP_LOCK_MSIX;
	rq.mmio_reporting_offset = roff;
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert_uint_eq(read_report(pf, 0, 0, &rsp), 0);
	ck_assert_int_eq(tdisp_response_field(&rsp, "PORTION_LENGTH", &v), 0);
	ck_assert_uint_eq(v, REPORT_LEN);
	ck_assert_int_eq(tdisp_response_field(&rsp, "REMAINDER_LENGTH", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(tdisp_response_field(&rsp, "TDI_STATE", &v), -ENOENT);
	b = rsp.report;
	ck_assert_uint_eq(le(b + 0, 2), 0x3);	/* no-FW-update, DMA w/o PASID */
	ck_assert_uint_eq(le(b + 2, 2), 0);
	ck_assert_uint_eq(le(b + 4, 2), 0x1000 / 16 - 1);	/* MSI-X ctl */
	ck_assert_uint_eq(le(b + 6, 2), 0);
	ck_assert_uint_eq(le(b + 8, 4), 0);
	ck_assert_uint_eq(le(b + 12, 4), 3);
	/* range 0: BAR0, TEE, 16 pages */
	/* FIRST_PAGE in 4 KiB pages (Table 11-15) */
	ck_assert_uint_eq(le(b + 16, 8), (HPA_BAR0 + (uint64_t)roff) >> 12);
	ck_assert_uint_eq(le(b + 24, 4), 16);
	ck_assert_uint_eq(le(b + 28, 2), 0);
	ck_assert_uint_eq(le(b + 30, 2), 0);
	/* range 1: BAR2, non-TEE, holds the MSI-X table */
	ck_assert_uint_eq(le(b + 32, 8), (HPA_BAR2 + (uint64_t)roff) >> 12);
	ck_assert_uint_eq(le(b + 40, 4), 4);
	ck_assert_uint_eq(le(b + 44, 2), 0x1 | 0x4);
	ck_assert_uint_eq(le(b + 46, 2), 2);
	/* range 2: BAR4, TEE, attribute updatable */
	ck_assert_uint_eq(le(b + 48, 8), (HPA_BAR4 + (uint64_t)roff) >> 12);
	ck_assert_uint_eq(le(b + 56, 4), 2);
	ck_assert_uint_eq(le(b + 60, 2), 0x8);
	ck_assert_uint_eq(le(b + 62, 2), 4);
	/* device-specific information */
	ck_assert_uint_eq(le(b + 64, 4), 5);
	for (unsigned int i = 0; i < 5; i++)
		ck_assert_uint_eq(b[68 + i], (uint8_t)(0x3a00 + i * 7));
	/* the model's own decoder and stored bytes agree */
	mine = tdisp_report_bytes(pf, &len);
	ck_assert_uint_eq(len, REPORT_LEN);
	ck_assert_mem_eq(mine, b, len);
	ck_assert_int_eq(tdisp_report_decode(b, len, &dec), 0);
	ck_assert_uint_eq(dec.mmio_range_count, 3);
	ck_assert_uint_eq(dec.ranges[1].attr, TDISP_RANGE_MSIX | TDISP_RANGE_NON_TEE);
	ck_assert_uint_eq(dec.ranges[2].range_id, 4);
	ck_assert_uint_eq(dec.ranges[0].first_page,
			  (HPA_BAR0 - 0x10000000ull) >> 12);
	ck_assert_uint_eq(dec.dev_info_len, 5);
	ck_assert_int_eq(tdisp_report_decode(b, len - 1, &dec), -EINVAL);
	ck_assert_int_eq(tdisp_report_decode(b, 10, &dec), -EINVAL);
}
END_TEST

START_TEST(report_portions)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c;
	static struct tdisp_response rsp;
	uint8_t whole[REPORT_LEN];
	const uint8_t *mine;
	size_t got = 0, len;

	pf_cfg(&c);
	c.report_portion_max = 20;
	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ide_spdm_connect(d);
	ck_assert_int_eq(ide_keys_program(d, 0), 0);
	ck_assert_uint_eq(lock(d, 0), 0);
	/* read in device-sized portions until the remainder is 0 */
	do {
		ck_assert_uint_eq(read_report(d, (uint16_t)got, 0, &rsp), 0);
		ck_assert_uint_le(rsp.portion_length, 20);
		memcpy(whole + got, rsp.report, rsp.portion_length);
		got += rsp.portion_length;
		ck_assert_uint_eq(rsp.remainder_length, REPORT_LEN - got);
	} while (rsp.remainder_length);
	ck_assert_uint_eq(got, REPORT_LEN);
	mine = tdisp_report_bytes(d, &len);
	ck_assert_mem_eq(whole, mine, REPORT_LEN);
	/* non_tee is bit 2 of attr of range 1 (BAR2) */
	ck_assert_uint_eq(le(whole + 44, 2) & 0x4, 0x4);
	ck_assert_uint_eq(le(whole + 28, 2) & 0x4, 0);
	/* a requested length below the portion max */
	ck_assert_uint_eq(read_report(d, 10, 7, &rsp), 0);
	ck_assert_uint_eq(rsp.portion_length, 7);
	ck_assert_uint_eq(rsp.remainder_length, REPORT_LEN - 17);
	ck_assert_mem_eq(rsp.report, whole + 10, 7);
	/* at the end: empty; past the end: invalid */
	ck_assert_uint_eq(read_report(d, REPORT_LEN, 0, &rsp), 0);
	ck_assert_uint_eq(rsp.portion_length, 0);
	ck_assert_uint_eq(rsp.remainder_length, 0);
	ck_assert_uint_eq(read_report(d, REPORT_LEN + 1, 0, &rsp),
			  TDISP_ERR_INVALID_REQUEST);
	pcie_fabric_destroy(f);
}
END_TEST

START_TEST(report_non_tee_is_lock_time_value)
{
	struct tdisp_request rq;
	struct tdisp_report dec;
	const uint8_t *b;
	size_t len;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_uint_eq(set_attr(&rq, 4, true), 0);
	b = tdisp_report_bytes(pf, &len);
	ck_assert_int_eq(tdisp_report_decode(b, len, &dec), 0);
	ck_assert_uint_eq(dec.ranges[2].attr & TDISP_RANGE_NON_TEE, 0);
	ck_assert_uint_eq(le(b + 60, 2) & 0x4, 0);
}
END_TEST

Suite *tdisp_transport_suite(void)
{
	Suite *su = suite_create("tdisp_transport");
	TCase *tt = tcase_create("transport");
	TCase *tr = tcase_create("report");

	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, dropped_without_session);
	tcase_add_test(tt, num_req_this_busy);
	tcase_add_test(tt, num_req_all_busy);
	tcase_add_test(tt, fault_busy_drop_error);
	tcase_add_test(tt, header_checks);
	tcase_add_loop_test(tt, lock_precondition_fails, 0, LC_NR);
	tcase_add_loop_test(tt, lock_bar_size_unsupported, 0, 2);
	tcase_add_test(tt, lock_needs_keys);
	tcase_add_test(tt, lock_without_ide_needs_no_keys);
	tcase_add_test(tt, p2p_needs_lock_flag_and_stop_drops_bindings);
	tcase_add_test(tt, set_mmio_attribute_window);
	tcase_add_test(tt, stop_aborts_dma_epoch);
	suite_add_tcase(su, tt);

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, report_layout_independent_decode);
	tcase_add_test(tr, report_portions);
	tcase_add_test(tr, report_non_tee_is_lock_time_value);
	suite_add_tcase(su, tr);
	return su;
}
