// SPDX-License-Identifier: MIT
/*
 * check_tdisp.c - the TDI state machine of models/pcie: every (state x
 * request) pair, every ERROR trigger, nonces, the response fields and
 * names.  Transport, NUM_REQ / BUSY, LOCK preconditions, P2P, MMIO
 * attributes and the interface report: check_tdisp_transport.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tdisp_fixture.h"

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
	mmio_range(&rq, pf, 4, true);
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

/* stale: an epoch before the latest LOCK, not the nonce a STOP destroyed */
START_TEST(nonce_stale_is_before_latest_lock)
{
	uint8_t e2[TDISP_NONCE_LEN], got[TDISP_NONCE_LEN];

	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_VALID, e2), 0);
	ck_assert_uint_eq(send_code(pf, TDISP_REQ_STOP_INTERFACE), 0);
	/* unlocked again: the latest LOCK is still epoch 2, so stale is 1 */
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_STALE, got), 0);
	ck_assert(memcmp(got, e2, TDISP_NONCE_LEN) != 0);
	ck_assert_uint_eq(lock(pf, 0), 0);
	ck_assert_int_eq(tdisp_lock_epoch(pf), 3);
	ck_assert_int_eq(tdisp_nonce_get(pf, TDISP_NONCE_STALE, got), 0);
	ck_assert_mem_eq(got, e2, TDISP_NONCE_LEN);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_STALE), TDISP_ERR_INVALID_NONCE);
	ck_assert_int_eq(tdisp_state(pf), TDISP_ST_CONFIG_LOCKED);
	ck_assert_uint_eq(start(pf, TDISP_NONCE_VALID), 0);
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
	tcase_add_test(tn, nonce_stale_is_before_latest_lock);
	tcase_add_test(tn, nonce_replay_after_unlock);
	tcase_add_test(tn, nonce_destroyed_on_error);
	tcase_add_test(tn, nonce_in_lock_response_and_deterministic);
	tcase_add_test(tn, fault_corrupt_nonce);
	suite_add_tcase(su, tn);
	return su;
}
