// SPDX-License-Identifier: MIT
/*
 * check_tdisp.c - the TDI state machine and the TDISP responder of
 * models/pcie: every (state x request) pair, every ERROR trigger, nonces,
 * NUM_REQ / BUSY, drops, LOCK preconditions, fault hooks, and the
 * interface report checked against a decoder written here by hand.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcie.h"
#include "sim.h"

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

static void on_state(void *ctx, const struct sim_rec *rec)
{
	struct state_log *l = ctx;

	l->n++;
	snprintf(l->device, sizeof(l->device), "%s", rec->u.tdi.device);
	l->from = rec->u.tdi.from;
	l->to = rec->u.tdi.to;
	snprintf(l->cause, sizeof(l->cause), "%s", rec->u.tdi.cause);
}

static void pf_cfg(struct pcie_dev_cfg *c)
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

static void setup(void)
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

static void teardown(void)
{
	pcie_fabric_destroy(fab);
	sim_destroy(s);
}

/* --------------------------------------------------------------- helpers */

static uint32_t send(struct pcie_dev *d, struct tdisp_request *rq,
		     struct tdisp_response *rsp)
{
	ck_assert_int_eq(tdisp_handle(d, rq, rsp), 0);
	ck_assert(!rsp->pending);
	return rsp->dropped ? 0xffffffffu : rsp->error;
}

static uint32_t send_code(struct pcie_dev *d, unsigned int code)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, code);
	return send(d, &rq, &rsp);
}

static uint32_t lock(struct pcie_dev *d, uint16_t flags)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, TDISP_REQ_LOCK_INTERFACE);
	rq.flags = flags;
	return send(d, &rq, &rsp);
}

static uint32_t start(struct pcie_dev *d, enum tdisp_nonce_kind kind)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, TDISP_REQ_START_INTERFACE);
	ck_assert_int_eq(tdisp_nonce_get(d, kind, rq.nonce), 0);
	return send(d, &rq, &rsp);
}

static uint32_t p2p(struct pcie_dev *d, unsigned int code, uint8_t id)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, d, code);
	rq.p2p_stream_id = id;
	return send(d, &rq, &rsp);
}

/* Drive @d to @st; RUN has P2P stream 5 bound. */
static void go_state(struct pcie_dev *d, enum tdisp_state st)
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

/* ------------------------------------------------ state x request table */

#define OK 0u
#define IS TDISP_ERR_INVALID_INTERFACE_STATE
#define U TDISP_ST_CONFIG_UNLOCKED
#define L TDISP_ST_CONFIG_LOCKED
#define R TDISP_ST_RUN
#define E TDISP_ST_ERROR

static const unsigned int table_reqs[10] = {
	TDISP_REQ_GET_VERSION, TDISP_REQ_GET_CAPABILITIES,
	TDISP_REQ_LOCK_INTERFACE, TDISP_REQ_GET_DEVICE_INTERFACE_REPORT,
	TDISP_REQ_GET_DEVICE_INTERFACE_STATE, TDISP_REQ_START_INTERFACE,
	TDISP_REQ_STOP_INTERFACE, TDISP_REQ_BIND_P2P_STREAM,
	TDISP_REQ_UNBIND_P2P_STREAM, TDISP_REQ_SET_MMIO_ATTRIBUTE,
};

static const struct {
	uint32_t err;
	enum tdisp_state after;
} table_exp[4][10] = {
	/* VER      CAPS     LOCK     REPORT   STATE    START    STOP     BIND     UNBIND   SETMMIO */
	[U] = { {OK, U}, {OK, U}, {OK, L}, {IS, U}, {OK, U}, {IS, U}, {OK, U}, {IS, U}, {IS, U}, {IS, U} },
	[L] = { {OK, L}, {OK, L}, {IS, L}, {OK, L}, {OK, L}, {OK, R}, {OK, U}, {IS, L}, {IS, L}, {IS, L} },
	[R] = { {OK, R}, {OK, R}, {IS, R}, {OK, R}, {OK, R}, {IS, R}, {OK, U}, {OK, R}, {OK, R}, {OK, R} },
	[E] = { {OK, E}, {OK, E}, {IS, E}, {IS, E}, {OK, E}, {IS, E}, {OK, U}, {IS, E}, {IS, E}, {IS, E} },
};

START_TEST(state_request_table)
{
	enum tdisp_state st = (enum tdisp_state)(_i / 10);
	unsigned int code = table_reqs[_i % 10];
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint64_t v;

	go_state(pf, st);
	tdisp_request_init(&rq, pf, code);
	rq.flags = TDISP_LOCK_BIND_P2P;
	rq.p2p_stream_id = code == TDISP_REQ_BIND_P2P_STREAM ? 6 : 5;
	rq.range_id = 4;
	rq.non_tee = true;
	if (tdisp_lock_epoch(pf))
		ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID,
						 rq.nonce), 0);
	ck_assert_uint_eq(send(pf, &rq, &rsp), table_exp[st][_i % 10].err);
	ck_assert_int_eq(tdisp_state(pf), table_exp[st][_i % 10].after);
	if (rsp.error) {
		ck_assert_uint_eq(rsp.code, TDISP_RSP_ERROR);
		ck_assert_str_eq(tdisp_response_result(&rsp),
				 "INVALID_INTERFACE_STATE");
	} else {
		ck_assert_uint_eq(rsp.code, code - 0x80);
		ck_assert_str_eq(tdisp_response_result(&rsp), "ok");
	}
	if (code == TDISP_REQ_GET_DEVICE_INTERFACE_STATE) {
		ck_assert_int_eq(tdisp_response_field(&rsp, "TDI_STATE", &v), 0);
		ck_assert_uint_eq(v, st);
	}
}
END_TEST

#undef U
#undef L
#undef R
#undef E

/* ------------------------------------------------------ ERROR triggers */

/* every contract register, written in LOCKED (_i even) and RUN (_i odd) */
START_TEST(config_write_errors_locked_tdi)
{
	enum pcie_reg reg = (enum pcie_reg)(_i / 2);
	enum tdisp_state st = _i % 2 ? TDISP_ST_RUN : TDISP_ST_CONFIG_LOCKED;
	bool absent_bar = reg == PCIE_REG_BAR1 || reg == PCIE_REG_BAR3 ||
			  reg == PCIE_REG_BAR5;
	char cause[64];
	uint64_t v;
	int ret;

	go_state(pf, st);
	slog.n = 0;
	ret = pcie_config_write(pf, reg, 0, false);
	if (absent_bar) {
		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_int_eq(tdisp_state(pf), st);
		ck_assert_uint_eq(slog.n, 0);
		return;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_uint_eq(slog.n, 1);
	ck_assert_str_eq(slog.device, "pf0");
	ck_assert_int_eq(slog.from, st);
	ck_assert_int_eq(slog.to, TDISP_ST_ERROR);
	snprintf(cause, sizeof(cause), "config write %s", pcie_reg_name(reg));
	ck_assert_str_eq(slog.cause, cause);
	ck_assert(!tdisp_nonce_live(pf));
	/* the write completed: the host is not told (H5) */
	if (reg == PCIE_REG_CMD_MSE || reg == PCIE_REG_CMD_BME) {
		ck_assert_int_eq(pcie_config_read(pf, reg, &v), 0);
		ck_assert_uint_eq(v, 0);
	}
}
END_TEST

START_TEST(bar_write_moves_bar_and_errors)
{
	struct pcie_bar_cfg b;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_BAR0, 0x200000000ull,
					   true), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_int_eq(pcie_dev_bar(pf, 0, &b), 0);
	ck_assert_uint_eq(b.hpa, 0x200000000ull);
}
END_TEST

START_TEST(mse_bme_set_does_not_error)
{
	go_state(pf, _i ? TDISP_ST_RUN : TDISP_ST_CONFIG_LOCKED);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_CMD_MSE, 1, true), 0);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_CMD_BME, 1, true), 0);
	ck_assert(tdisp_is_locked(pf));
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_CMD_BME, 0, true), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
}
END_TEST

START_TEST(pf_flr_errors_pf_and_vfs)
{
	uint64_t v;

	go_state(pf, TDISP_ST_RUN);
	go_state(vf, TDISP_ST_CONFIG_LOCKED);
	pcie_flr(pf);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_config_read(vf, PCIE_REG_CMD_BME, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* the PF is reset last */
	ck_assert_str_eq(slog.device, "pf0");
	ck_assert_str_eq(slog.cause, "FLR");
}
END_TEST

START_TEST(vf_flr_errors_only_vf)
{
	go_state(pf, TDISP_ST_RUN);
	go_state(vf, TDISP_ST_RUN);
	pcie_flr(vf);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_RUN);
	ck_assert_str_eq(slog.device, "vf0");
}
END_TEST

START_TEST(pf_flr_vf_cause_names_pf)
{
	go_state(vf, TDISP_ST_CONFIG_LOCKED);
	pcie_flr(pf);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_uint_eq(slog.n, 2);	/* vf LOCK, vf ERROR */
	ck_assert_str_eq(slog.cause, "FLR of PF pf0");
}
END_TEST

START_TEST(devctl_flr_bit_resets)
{
	uint64_t v;

	go_state(vf, TDISP_ST_CONFIG_LOCKED);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_DEVCTL,
					   PCIE_DEVCTL_FLR, true), 0);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_config_read(pf, PCIE_REG_DEVCTL, &v), 0);
	ck_assert_uint_eq(v & PCIE_DEVCTL_FLR, 0);
}
END_TEST

START_TEST(flr_in_error_stays_error)
{
	go_state(pf, TDISP_ST_ERROR);
	slog.n = 0;
	pcie_flr(pf);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_uint_eq(slog.n, 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
}
END_TEST

START_TEST(ide_insecure_errors_stream_tdis)
{
	go_state(pf, TDISP_ST_RUN);
	go_state(vf, TDISP_ST_CONFIG_LOCKED);
	ide_set_state(vf, IDE_INSECURE);	/* the shared stream */
	ck_assert_int_eq(ide_get_state(pf), IDE_INSECURE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "IDE stream insecure");
}
END_TEST

START_TEST(ide_insecure_unlocked_no_error)
{
	ide_set_state(pf, IDE_INSECURE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_uint_eq(slog.n, 0);
	/* and LOCK needs a secure stream */
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_INVALID_DEVICE_CONFIGURATION);
	ide_set_state(pf, IDE_SECURE);
	ck_assert_uint_eq(lock(pf, 0), 0);
}
END_TEST

START_TEST(ide_reg_write_errors_all_stream_tdis)
{
	go_state(pf, TDISP_ST_CONFIG_LOCKED);
	go_state(vf, TDISP_ST_RUN);
	ck_assert_int_eq(pcie_config_write(vf, PCIE_REG_IDE, 1, true), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_int_eq(tdisp_state(vf), TDISP_ST_ERROR);
	ck_assert_int_eq(ide_get_state(pf), IDE_SECURE);
	ck_assert_int_eq(pcie_config_write(pf, PCIE_REG_IDE, 0, true), 0);
	ck_assert_int_eq(ide_get_state(pf), IDE_INSECURE);
}
END_TEST

START_TEST(rid_change_errors)
{
	uint32_t old = tdisp_function_id(pf);
	struct tdisp_request rq;
	struct tdisp_response rsp;

	go_state(pf, TDISP_ST_RUN);
	ck_assert_int_eq(pcie_set_rid(pf, 0, 0x3b00), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "RID change");
	ck_assert_uint_eq(pcie_dev_rid(pf), 0x3b00);
	/* the old INTERFACE_ID no longer names this TDI */
	tdisp_request_init(&rq, pf, TDISP_REQ_STOP_INTERFACE);
	rq.function_id = old;
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_INTERFACE);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	/* taken RID; unlocked change is no error */
	ck_assert_int_eq(pcie_set_rid(pf, 0, pcie_dev_rid(vf)), -EEXIST);
	slog.n = 0;
	ck_assert_int_eq(pcie_set_rid(pf, 1, 0x3b00), 0);
	ck_assert_uint_eq(slog.n, 0);
}
END_TEST

START_TEST(poisoned_tlp_errors)
{
	pcie_poisoned_tlp(pf);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	go_state(pf, TDISP_ST_CONFIG_LOCKED);
	pcie_poisoned_tlp(pf);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "poisoned TLP");
	ck_assert_int_eq(slog.from, TDISP_ST_CONFIG_LOCKED);
}
END_TEST

START_TEST(error_leaves_only_on_stop)
{
	go_state(pf, TDISP_ST_ERROR);
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_INVALID_INTERFACE_STATE);
	pcie_poisoned_tlp(pf);
	ide_set_state(pf, IDE_SECURE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_ERROR);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_int_eq(slog.from, TDISP_ST_ERROR);
	ck_assert_str_eq(slog.cause, "STOP_INTERFACE");
}
END_TEST

/* ---------------------------------------------------------------- nonce */

START_TEST(nonce_valid_wrong_stale)
{
	uint8_t a[TDISP_NONCE_LEN], b[TDISP_NONCE_LEN];

	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID, a), -ENOENT);
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert(tdisp_nonce_live(pf));
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_STALE, a), -ENOENT);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID, a), 0);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_WRONG, b), 0);
	for (int i = 0; i < TDISP_NONCE_LEN; i++)
		ck_assert_uint_eq(b[i], (uint8_t)~a[i]);
	/* a wrong nonce: INVALID_NONCE, no state change, nonce still live */
	ck_assert_uint_eq(start(pf, TDISP_NONCE_WRONG), TDISP_ERR_INVALID_NONCE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert(tdisp_nonce_live(pf));
	/* stop destroys it; a new lock makes a new one */
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert(!tdisp_nonce_live(pf));
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_STALE, b), 0);
	ck_assert_mem_eq(a, b, TDISP_NONCE_LEN);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID, b), 0);
	ck_assert(memcmp(a, b, TDISP_NONCE_LEN) != 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_STALE), TDISP_ERR_INVALID_NONCE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_RUN);
	ck_assert(!tdisp_nonce_live(pf));	/* consumed */
}
END_TEST

START_TEST(nonce_replay_after_unlock)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_STALE), TDISP_ERR_INVALID_NONCE);
	ck_assert_int_eq(tdisp_lock_epoch(pf), 2);
}
END_TEST

START_TEST(nonce_destroyed_on_error)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	pcie_poisoned_tlp(pf);
	ck_assert(!tdisp_nonce_live(pf));
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID),
			  TDISP_ERR_INVALID_INTERFACE_STATE);
}
END_TEST

START_TEST(nonce_in_lock_response_and_deterministic)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint8_t n1[TDISP_NONCE_LEN], n2[TDISP_NONCE_LEN];
	struct sim *s2;
	struct pcie_fabric *f2;
	struct pcie_dev *d2;
	struct pcie_dev_cfg c;

	tdisp_request_init(&rq, pf, TDISP_REQ_LOCK_INTERFACE);
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID, n1), 0);
	ck_assert_mem_eq(rsp.nonce, n1, TDISP_NONCE_LEN);
	/* same seed, same device index: same nonce; other seed: another */
	for (int seed = 42; seed <= 43; seed++) {
		s2 = sim_create((uint64_t)seed);
		f2 = pcie_fabric_create(s2);
		pf_cfg(&c);
		ck_assert_int_eq(pcie_dev_add(f2, &c, &d2), 0);
		ide_spdm_connect(d2);
		ck_assert_int_eq(ide_keys_program(d2, 0), 0);
		ck_assert_uint_eq(lock(d2, 0), 0);
		ck_assert_int_eq(tdisp_nonce_get(d2, TDISP_NONCE_VALID, n2), 0);
		ck_assert_int_eq(memcmp(n1, n2, TDISP_NONCE_LEN) == 0,
				 seed == 42);
		pcie_fabric_destroy(f2);
		sim_destroy(s2);
	}
}
END_TEST

START_TEST(fault_corrupt_nonce)
{
	ck_assert_uint_eq(lock(pf, 0), 0);
	tdisp_fault_corrupt_nonce(pf);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), TDISP_ERR_INVALID_NONCE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
}
END_TEST

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
	ck_assert_uint_eq(lock(pf, 0), TDISP_ERR_INVALID_DEVICE_CONFIGURATION);
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
	case LC_NO_KEYS:
		ide_spdm_disconnect(pf);
		ide_spdm_connect(pf);
		break;
	case LC_OLD_SESSION_KEYS:
		ide_spdm_connect(pf);	/* re-established, keys stale */
		break;
	case LC_OTHER_STREAM:
		rq.stream_id = 1;
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
	ck_assert_uint_eq(lock(d, 0), TDISP_ERR_INVALID_DEVICE_CONFIGURATION);
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
	rq->range_id = range;
	rq->non_tee = non_tee;
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
	rq.range_id = 4;
	rq.non_tee = true;
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
	rq.non_tee = false;
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
	ck_assert_uint_eq(le(b + 16, 8), HPA_BAR0 + (uint64_t)roff);
	ck_assert_uint_eq(le(b + 24, 4), 16);
	ck_assert_uint_eq(le(b + 28, 2), 0);
	ck_assert_uint_eq(le(b + 30, 2), 0);
	/* range 1: BAR2, non-TEE, holds the MSI-X table */
	ck_assert_uint_eq(le(b + 32, 8), HPA_BAR2 + (uint64_t)roff);
	ck_assert_uint_eq(le(b + 40, 4), 4);
	ck_assert_uint_eq(le(b + 44, 2), 0x1 | 0x4);
	ck_assert_uint_eq(le(b + 46, 2), 2);
	/* range 2: BAR4, TEE, attribute updatable */
	ck_assert_uint_eq(le(b + 48, 8), HPA_BAR4 + (uint64_t)roff);
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
	ck_assert_uint_eq(dec.ranges[0].first_page, HPA_BAR0 - 0x10000000ull);
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

/* --------------------------------------------------- responses, names */

START_TEST(version_caps_fields)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;
	uint64_t v;

	tdisp_request_init(&rq, pf, TDISP_REQ_GET_VERSION);
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert_int_eq(tdisp_response_field(&rsp, "MESSAGE_TYPE", &v), 0);
	ck_assert_uint_eq(v, 0x01);
	ck_assert_int_eq(tdisp_response_field(&rsp, "VERSION_NUM_COUNT", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(tdisp_response_field(&rsp, "VERSION_NUM_ENTRY", &v), 0);
	ck_assert_uint_eq(v, 0x10);
	ck_assert_int_eq(tdisp_response_field(&rsp, "PORTION_LENGTH", &v),
			 -ENOENT);
	tdisp_request_init(&rq, pf, TDISP_REQ_GET_CAPABILITIES);
	ck_assert_uint_eq(send(pf, &rq, &rsp), 0);
	ck_assert_int_eq(tdisp_response_field(&rsp,
			 "LOCK_INTERFACE_FLAGS_SUPPORTED", &v), 0);
	ck_assert_uint_eq(v, 0x1f);
	ck_assert_int_eq(tdisp_response_field(&rsp, "REQ_MSGS_SUPPORTED", &v), 0);
	ck_assert_uint_eq(v, 0x7fe);
	tdisp_request_init(&rq, pf, TDISP_REQ_START_INTERFACE);
	ck_assert_uint_eq(send(pf, &rq, &rsp), TDISP_ERR_INVALID_INTERFACE_STATE);
	ck_assert_int_eq(tdisp_response_field(&rsp, "MESSAGE_TYPE", &v), 0);
	ck_assert_uint_eq(v, TDISP_RSP_ERROR);
	ck_assert_int_eq(tdisp_response_field(&rsp, "ERROR_CODE", &v), 0);
	ck_assert_uint_eq(v, TDISP_ERR_INVALID_INTERFACE_STATE);
	ck_assert_int_eq(tdisp_response_field(&rsp, "ERROR_DATA", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(tdisp_response_field(&rsp, "TDI_STATE", &v), -ENOENT);
}
END_TEST

START_TEST(names)
{
	static const uint32_t codes[] = { 1, 3, 4, 5, 7, 0x41, 0x101, 0x102,
					  0x103, 0x104 };

	for (int i = 0; i < TDISP_ST_NR; i++)
		ck_assert_int_eq(tdisp_state_parse(tdisp_state_name(i)), i);
	ck_assert_str_eq(tdisp_state_name(TDISP_ST_CONFIG_LOCKED),
			 "CONFIG_LOCKED");
	ck_assert_int_eq(tdisp_state_parse("LOCKED"), -1);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		ck_assert_int_eq(tdisp_error_parse(tdisp_error_name(codes[i])),
				 (int)codes[i]);
	ck_assert_str_eq(tdisp_error_name(0x104), "INVALID_DEVICE_CONFIGURATION");
	ck_assert_str_eq(tdisp_error_name(0x41), "VERSION_MISMATCH");
	ck_assert_str_eq(tdisp_error_name(0), "ok");
	ck_assert_ptr_null(tdisp_error_name(2));
	ck_assert_int_eq(tdisp_error_parse("ok"), -1);
	for (unsigned int c = 0x81; c <= 0x8a; c++)
		ck_assert_int_eq(tdisp_req_parse(tdisp_req_name(c)), (int)c);
	ck_assert_int_eq(tdisp_req_parse("LOCK_INTERFACE_REQUEST"), 0x83);
	ck_assert_int_eq(tdisp_req_parse("GET_TDISP_VERSION"), 0x81);
	ck_assert_int_eq(tdisp_req_parse("LOCK"), -1);
	ck_assert_int_eq(tdisp_req_parse("_REQUEST"), -1);
	ck_assert_ptr_null(tdisp_req_name(0x7f));
	ck_assert_ptr_null(tdisp_req_name(0x95));
}
END_TEST

START_TEST(trace_record_on_lock)
{
	ck_assert_uint_eq(lock(vf, 0), 0);
	ck_assert_uint_eq(slog.n, 1);
	ck_assert_str_eq(slog.device, "vf0");
	ck_assert_int_eq(slog.from, TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_int_eq(slog.to, TDISP_ST_CONFIG_LOCKED);
	ck_assert_str_eq(slog.cause, "LOCK_INTERFACE");
	ck_assert_uint_eq(start(vf, TDISP_NONCE_VALID), 0);
	ck_assert_str_eq(slog.cause, "START_INTERFACE");
	ck_assert_int_eq(slog.to, TDISP_ST_RUN);
	/* VF and PF have their own TDIs */
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_UNLOCKED);
}
END_TEST

Suite *tdisp_suite(void)
{
	Suite *su = suite_create("tdisp");
	TCase *tc = tcase_create("state_request");
	TCase *te = tcase_create("error_triggers");
	TCase *tn = tcase_create("nonce");
	TCase *tt = tcase_create("transport");
	TCase *tr = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, state_request_table, 0, 40);
	tcase_add_test(tc, names);
	tcase_add_test(tc, version_caps_fields);
	tcase_add_test(tc, trace_record_on_lock);
	suite_add_tcase(su, tc);

	tcase_add_checked_fixture(te, setup, teardown);
	tcase_add_loop_test(te, config_write_errors_locked_tdi, 0,
			    2 * PCIE_REG_NR);
	tcase_add_test(te, bar_write_moves_bar_and_errors);
	tcase_add_loop_test(te, mse_bme_set_does_not_error, 0, 2);
	tcase_add_test(te, pf_flr_errors_pf_and_vfs);
	tcase_add_test(te, vf_flr_errors_only_vf);
	tcase_add_test(te, pf_flr_vf_cause_names_pf);
	tcase_add_test(te, devctl_flr_bit_resets);
	tcase_add_test(te, flr_in_error_stays_error);
	tcase_add_test(te, ide_insecure_errors_stream_tdis);
	tcase_add_test(te, ide_insecure_unlocked_no_error);
	tcase_add_test(te, ide_reg_write_errors_all_stream_tdis);
	tcase_add_test(te, rid_change_errors);
	tcase_add_test(te, poisoned_tlp_errors);
	tcase_add_test(te, error_leaves_only_on_stop);
	suite_add_tcase(su, te);

	tcase_add_checked_fixture(tn, setup, teardown);
	tcase_add_test(tn, nonce_valid_wrong_stale);
	tcase_add_test(tn, nonce_replay_after_unlock);
	tcase_add_test(tn, nonce_destroyed_on_error);
	tcase_add_test(tn, nonce_in_lock_response_and_deterministic);
	tcase_add_test(tn, fault_corrupt_nonce);
	suite_add_tcase(su, tn);

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
