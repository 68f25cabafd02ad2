/* SPDX-License-Identifier: MIT */
/*
 * tdisp_fixture.h - a fabric with PF pf0 (BAR0 TEE, BAR2 non-TEE with the
 * MSI-X table, BAR4 attribute-updatable, IDE keys programmed) and its VF
 * vf0, the TDI_STATE record log, and the TDISP request helpers.  Included
 * by check_tdisp.c, check_tdisp_transport.c and check_tdisp_spec.c only.
 */
#ifndef TSMSIM_TESTS_UNIT_TDISP_FIXTURE_H
#define TSMSIM_TESTS_UNIT_TDISP_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcie.h"
#include "sim.h"

/* the suites (declared here: the Makefile greps the .c definitions) */
Suite *tdisp_suite(void);
Suite *tdisp_transport_suite(void);
Suite *tdisp_spec_suite(void);

#define TFX_UNUSED __attribute__((unused))

#define HPA_BAR0	0x100000000ull
#define HPA_BAR2	0x100010000ull
#define HPA_BAR4	0x100020000ull
#define HPA_VF_BAR0	0x100030000ull

static struct sim *s;
static struct pcie_fabric *fab;
static struct pcie_dev *pf, *vf;

/* TDI_STATE records seen by the trace bus */
struct state_log {
	unsigned int n;
	char device[32];
	int from, to;
	char cause[64];
};
static struct state_log slog;

static TFX_UNUSED void on_state(void *ctx, const struct sim_rec *rec)
{
	struct state_log *l = ctx;

	l->n++;
	snprintf(l->device, sizeof(l->device), "%s", rec->u.tdi.device);
	l->from = rec->u.tdi.from;
	l->to = rec->u.tdi.to;
	snprintf(l->cause, sizeof(l->cause), "%s", rec->u.tdi.cause);
}

static TFX_UNUSED void pf_cfg(struct pcie_dev_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->name = "pf0";
	c->bdf = "0000:3a:00.0";
	c->nbars = 3;
	c->bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x10000,
					    .hpa = HPA_BAR0 };
	c->bars[1] = (struct pcie_bar_cfg){ .index = 2, .size = 0x4000,
					    .hpa = HPA_BAR2, .non_tee = true };
	c->bars[2] = (struct pcie_bar_cfg){ .index = 4, .size = 0x2000,
					    .hpa = HPA_BAR4,
					    .mem_attr_updatable = true };
	c->msix = (struct pcie_msix_cfg){ .present = true, .bar = 2,
					  .offset = 0, .size = 0x1000 };
	c->ide = true;
	c->dev_info_len = 5;
}

static TFX_UNUSED void setup(void)
{
	struct pcie_dev_cfg c;

	memset(&slog, 0, sizeof(slog));
	s = sim_create(42);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_TDI_STATE),
					     on_state, &slog), 0);
	fab = pcie_fabric_create(s);
	ck_assert_ptr_nonnull(fab);
	pf_cfg(&c);
	ck_assert_int_eq(pcie_dev_add(fab, &c, &pf), 0);
	memset(&c, 0, sizeof(c));
	c.name = "vf0";
	c.bdf = "0000:3a:00.1";
	c.pf = "pf0";
	c.nbars = 1;
	c.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x4000,
					   .hpa = HPA_VF_BAR0 };
	c.ide = true;
	ck_assert_int_eq(pcie_dev_add(fab, &c, &vf), 0);
	ide_spdm_connect(pf);
	ck_assert_int_eq(ide_keys_program(pf, 0), 0);
}

static TFX_UNUSED void teardown(void)
{
	pcie_fabric_destroy(fab);
	sim_destroy(s);
}

/* --------------------------------------------------------------- helpers */

static TFX_UNUSED uint32_t send(struct pcie_dev *d, struct tdisp_request *rq,
				struct tdisp_response *rsp)
{
	ck_assert_int_eq(tdisp_handle(d, rq, rsp), 0);
	ck_assert(!rsp->pending);
	return rsp->dropped ? 0xffffffffu : rsp->error;
}

static TFX_UNUSED uint32_t send_code(struct pcie_dev *d, unsigned int code)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, code);
	return send(d, &rq, &rsp);
}

static TFX_UNUSED uint32_t lock(struct pcie_dev *d, uint16_t flags)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, TDISP_REQ_LOCK_INTERFACE);
	rq.flags = flags;
	return send(d, &rq, &rsp);
}

static TFX_UNUSED uint32_t start(struct pcie_dev *d, enum tdisp_nonce_kind kind)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, TDISP_REQ_START_INTERFACE);
	ck_assert_int_eq(tdisp_nonce_get(d, kind, rq.nonce), 0);
	return send(d, &rq, &rsp);
}

static TFX_UNUSED uint32_t p2p(struct pcie_dev *d, unsigned int code,
			       uint8_t id)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, code);
	rq.p2p_stream_id = id;
	return send(d, &rq, &rsp);
}

/* SET_MMIO_ATTRIBUTE for the whole reported range @range. */
static TFX_UNUSED void mmio_range(struct tdisp_request *rq,
				  const struct pcie_dev *d, uint16_t range,
				  bool non_tee)
{
	uint64_t first = 0;
	uint32_t pages = 0;

	tdisp_report_range_of(d, range, &first, &pages);
	rq->range_id = range;
	rq->mmio_first_page = first;
	rq->mmio_num_pages = pages;
	rq->mmio_attr = non_tee ? TDISP_RANGE_NON_TEE : 0;
}

/* Drive @d to @st; RUN has P2P stream 5 bound. */
static TFX_UNUSED void go_state(struct pcie_dev *d, enum tdisp_state st)
{
	if (st == TDISP_ST_CONFIG_UNLOCKED)
		return;
	ck_assert_uint_eq(lock(d, TDISP_LOCK_BIND_P2P | TDISP_LOCK_MSIX), 0);
	if (st == TDISP_ST_RUN) {
		ck_assert_uint_eq(start(d, TDISP_NONCE_VALID), 0);
		ck_assert_uint_eq(p2p(d, TDISP_REQ_BIND_P2P_STREAM, 5), 0);
	}
	if (st == TDISP_ST_ERROR)
		pcie_poisoned_tlp(d);
	ck_assert_int_eq(tdisp_state(d), st);
}

#endif /* TSMSIM_TESTS_UNIT_TDISP_FIXTURE_H */
