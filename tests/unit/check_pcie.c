// SPDX-License-Identifier: MIT
/*
 * check_pcie.c - functions, BDFs, config writes while unlocked, inbound
 * MMIO decode in every TDI state, the BAR backing store, and the DMA
 * rules of models/pcie.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "pcie.h"
#include "sim.h"

#define HPA_BAR0	0x200000000ull
#define HPA_BAR2	0x200100000ull

static struct sim *s;
static struct pcie_fabric *fab;
static struct pcie_dev *dev;

static void base_cfg(struct pcie_dev_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->name = "nic0";
	c->bdf = "0000:3a:00.0";
	c->nbars = 2;
	c->bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x10000,
					    .hpa = HPA_BAR0 };
	c->bars[1] = (struct pcie_bar_cfg){ .index = 2, .size = 0x4000,
					    .hpa = HPA_BAR2, .non_tee = true };
	c->msix = (struct pcie_msix_cfg){ .present = true, .bar = 2,
					  .offset = 0x1000, .size = 0x1000 };
	c->ide = true;
}

static void setup(void)
{
	struct pcie_dev_cfg c;

	s = sim_create(7);
	fab = pcie_fabric_create(s);
	ck_assert_ptr_nonnull(fab);
	base_cfg(&c);
	ck_assert_int_eq(pcie_dev_add(fab, &c, &dev), 0);
	ide_spdm_connect(dev);
	ck_assert_int_eq(ide_keys_program(dev, 0), 0);
}

static void teardown(void)
{
	pcie_fabric_destroy(fab);
	sim_destroy(s);
}

static uint32_t tdisp(unsigned int code, uint16_t flags)
{
	struct tdisp_request rq;
	struct tdisp_response rsp;

	tdisp_request_init(&rq, dev, code);
	rq.flags = flags;
	if (code == TDISP_REQ_START_INTERFACE)
		ck_assert_int_eq(tdisp_nonce_get(dev, TDISP_NONCE_VALID,
						 rq.nonce), 0);
	ck_assert_int_eq(tdisp_handle(dev, &rq, &rsp), 0);
	ck_assert(!rsp.dropped);
	return rsp.error;
}

static void go_state(enum tdisp_state st, uint16_t flags)
{
	if (st != TDISP_ST_CONFIG_UNLOCKED)
		ck_assert_uint_eq(tdisp(TDISP_REQ_LOCK_INTERFACE, flags), 0);
	if (st == TDISP_ST_RUN)
		ck_assert_uint_eq(tdisp(TDISP_REQ_START_INTERFACE, 0), 0);
	if (st == TDISP_ST_ERROR)
		pcie_poisoned_tlp(dev);
	ck_assert_int_eq(tdisp_state(dev), st);
}

/* ------------------------------------------------------------------ BDF */

START_TEST(bdf_parse_valid)
{
	uint16_t seg, rid;
	char buf[16];

	ck_assert_int_eq(pcie_bdf_parse("0000:3a:00.0", &seg, &rid), 0);
	ck_assert_uint_eq(seg, 0);
	ck_assert_uint_eq(rid, 0x3a00);
	ck_assert_int_eq(pcie_bdf_parse("abcd:FF:1f.7", &seg, &rid), 0);
	ck_assert_uint_eq(seg, 0xabcd);
	ck_assert_uint_eq(rid, 0xffff);
	ck_assert_int_eq(pcie_bdf_parse("3a:01.2", &seg, &rid), 0);
	ck_assert_uint_eq(seg, 0);
	ck_assert_uint_eq(rid, 0x3a0a);
	pcie_bdf_format(0x12, 0x3a0a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0012:3a:01.2");
	ck_assert_int_eq(pcie_bdf_parse(buf, &seg, &rid), 0);
	ck_assert_uint_eq(seg, 0x12);
	ck_assert_uint_eq(rid, 0x3a0a);
}
END_TEST

START_TEST(bdf_parse_invalid)
{
	static const char *const bad[] = {
		"", "0000:3a:20.0", "0000:3a:00.8", "0000:3a:00", "3a.00.0",
		"0000:3a:00.0x", "1:2:3:4.0", "0000:100:00.0", "00000:3a:00.0",
		"0000:3a:00.", "g0:00.0", ":3a:00.0", "0000:3a:00.0 ",
	};
	uint16_t seg, rid;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pcie_bdf_parse(bad[i], &seg, &rid) == -EINVAL,
			      "accepted '%s'", bad[i]);
	ck_assert_int_eq(pcie_bdf_parse(NULL, &seg, &rid), -EINVAL);
}
END_TEST

/* --------------------------------------------------------------- fabric */

START_TEST(fabric_add_errors_and_auto_bdf)
{
	struct pcie_dev_cfg c;
	struct pcie_dev *p, *v, *d;
	unsigned int bar;
	uint64_t off;

	base_cfg(&c);
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EEXIST);	/* name */
	c.name = "other";
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EEXIST);	/* RID */
	c.bdf = "0000:3a:20.0";
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);
	c.bdf = NULL;
	c.pf = "nope";
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -ENOENT);
	c.pf = NULL;
	c.bars[1].index = 0;					/* dup BAR */
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);
	c.bars[1].index = 6;
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);
	c.bars[1].index = 2;
	c.msix.offset = 0x3800;			/* table past the BAR end */
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);
	c.msix.bar = 4;				/* BAR absent */
	c.msix.offset = 0;
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);
	ck_assert_uint_eq(pcie_dev_count(fab), 1);
	/* auto BDF: a fresh bus for a PF, the next function for a VF */
	c = (struct pcie_dev_cfg){ .name = "p" };
	ck_assert_int_eq(pcie_dev_add(fab, &c, &p), 0);
	ck_assert_uint_eq(pcie_dev_rid(p), 0x1000);
	c = (struct pcie_dev_cfg){ .name = "v", .pf = "p" };
	ck_assert_int_eq(pcie_dev_add(fab, &c, &v), 0);
	ck_assert_uint_eq(pcie_dev_rid(v), 0x1001);
	ck_assert_ptr_eq(pcie_dev_pf(v), p);
	ck_assert_ptr_null(pcie_dev_pf(p));
	c = (struct pcie_dev_cfg){ .name = "vv", .pf = "v" };
	ck_assert_int_eq(pcie_dev_add(fab, &c, NULL), -EINVAL);	/* VF of VF */
	ck_assert_ptr_eq(pcie_dev_find(fab, "v"), v);
	ck_assert_ptr_null(pcie_dev_find(fab, "vv"));
	ck_assert_uint_eq(pcie_dev_count(fab), 3);
	ck_assert_ptr_eq(pcie_dev_at(fab, 0), dev);
	ck_assert_ptr_null(pcie_dev_at(fab, 3));
	ck_assert_str_eq(pcie_dev_name(p), "p");
	/* VF and PF share the link */
	ck_assert(!ide_has_session(v));
	ide_spdm_connect(p);
	ck_assert(ide_has_session(v));
	/* HPA decode */
	ck_assert_int_eq(pcie_fabric_decode_hpa(fab, HPA_BAR2 + 0x10, &d, &bar,
						&off), 0);
	ck_assert_ptr_eq(d, dev);
	ck_assert_uint_eq(bar, 2);
	ck_assert_uint_eq(off, 0x10);
	ck_assert_int_eq(pcie_fabric_decode_hpa(fab, HPA_BAR2 + 0x4000, &d,
						&bar, &off), -ENOENT);
}
END_TEST

/* -------------------------------------------------- config, unlocked */

START_TEST(config_writes_unlocked_no_error)
{
	enum pcie_reg reg = (enum pcie_reg)_i;
	bool absent = reg <= PCIE_REG_BAR5 && reg != PCIE_REG_BAR0 &&
		      reg != PCIE_REG_BAR2;
	uint64_t val = reg <= PCIE_REG_BAR5 ? 0x300000000ull : 1;
	uint64_t got;

	ck_assert_int_eq(pcie_config_write(dev, reg, val, true),
			 absent ? -EINVAL : 0);
	ck_assert_int_eq(tdisp_state(dev), TDISP_ST_CONFIG_UNLOCKED);
	if (absent)
		return;
	ck_assert_int_eq(pcie_config_read(dev, reg, &got), 0);
	if (reg == PCIE_REG_DEVCTL)
		ck_assert_uint_eq(got, val & PCIE_DEVCTL_MASK);
	else
		ck_assert_uint_eq(got, val);
	ck_assert_str_eq(pcie_reg_name(reg), pcie_reg_name(pcie_reg_parse(
					     pcie_reg_name(reg))));
}
END_TEST

START_TEST(config_misc)
{
	struct pcie_bar_cfg b;
	struct pcie_dev *d;
	unsigned int bar;
	uint64_t off, v;

	ck_assert_int_eq(pcie_reg_parse("command.mse"), PCIE_REG_CMD_MSE);
	ck_assert_int_eq(pcie_reg_parse("bar5"), PCIE_REG_BAR5);
	ck_assert_int_eq(pcie_reg_parse("bar6"), -1);
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_NR, 0, true), -EINVAL);
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_NR, &v), -EINVAL);
	/* misaligned BAR base */
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_BAR0, 0x1234, true),
			 -EINVAL);
	/* moving a BAR moves the decode */
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_BAR0, 0x400000000ull,
					   true), 0);
	ck_assert_int_eq(pcie_dev_bar(dev, 0, &b), 0);
	ck_assert_uint_eq(b.hpa, 0x400000000ull);
	ck_assert_int_eq(pcie_fabric_decode_hpa(fab, 0x400000008ull, &d, &bar,
						&off), 0);
	ck_assert_uint_eq(off, 8);
	ck_assert_int_eq(pcie_fabric_decode_hpa(fab, HPA_BAR0, &d, &bar, &off),
			 -ENOENT);
	ck_assert_int_eq(pcie_dev_bar(dev, 1, &b), -ENOENT);
	/* no value: MSE is cleared */
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_CMD_MSE, 0, false), 0);
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_CMD_MSE, 7, true), 0);
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 1);
	/* MSI-X message control: table of 4 KiB = 256 vectors */
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_MSIX, &v), 0);
	ck_assert_uint_eq(v, 255);
	ck_assert_uint_eq(pcie_dev_msix(dev)->bar, 2);
	/* devctl FLR: the function resets, MSE and BME cleared */
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_DEVCTL,
					   PCIE_DEVCTL_FLR, true), 0);
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_CMD_BME, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_config_read(dev, PCIE_REG_DEVCTL, &v), 0);
	ck_assert_uint_eq(v, PCIE_DEVCTL_EXT_TAG | PCIE_DEVCTL_NO_SNOOP);
	ck_assert_int_eq(tdisp_state(dev), TDISP_ST_CONFIG_UNLOCKED);
}
END_TEST

START_TEST(ide_api)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c = { .name = "x" };

	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ck_assert_int_eq(ide_get_state(d), IDE_INSECURE);
	ck_assert_int_eq(ide_keys_program(d, 0), -ENOTCONN);
	ide_spdm_connect(d);
	ck_assert_int_eq(ide_keys_program(d, 3), 0);
	ck_assert(ide_keys_valid(d, 3));
	ck_assert(!ide_keys_valid(d, 0));
	ck_assert_int_eq(ide_get_state(d), IDE_SECURE);
	ide_spdm_disconnect(d);
	ck_assert(!ide_keys_valid(d, 3));
	ck_assert_str_eq(ide_state_name(IDE_SECURE), "secure");
	ck_assert_int_eq(ide_state_parse("insecure"), IDE_INSECURE);
	ck_assert_int_eq(ide_state_parse("up"), -1);
	pcie_fabric_destroy(f);
}
END_TEST

/* ------------------------------------------------------------ MMIO decode */

/*
 * [state][non_tee][tee]: expected result of a write+read pair.
 * TEE ranges: T=0 only UNLOCKED, T=1 only RUN.  Non-TEE: T=0 and T=1
 * always ([TDISP] §11.2.1: handling not modified by TDISP state).
 */
static const enum sim_result mmio_exp[TDISP_ST_NR][2][2] = {
	[TDISP_ST_CONFIG_UNLOCKED] = { { SIM_RES_OK, SIM_RES_UR },
				       { SIM_RES_OK, SIM_RES_OK } },
	[TDISP_ST_CONFIG_LOCKED] = { { SIM_RES_UR, SIM_RES_UR },
				     { SIM_RES_OK, SIM_RES_OK } },
	[TDISP_ST_RUN] = { { SIM_RES_UR, SIM_RES_OK },
			   { SIM_RES_OK, SIM_RES_OK } },
	[TDISP_ST_ERROR] = { { SIM_RES_UR, SIM_RES_UR },
			     { SIM_RES_OK, SIM_RES_OK } },
};

START_TEST(mmio_decode_every_state)
{
	enum tdisp_state st = (enum tdisp_state)(_i / 4);
	bool non_tee = (_i / 2) % 2, tee = _i % 2;
	enum sim_result want = mmio_exp[st][non_tee][tee], res;
	struct pcie_mmio_req w = { .bar = non_tee ? 2 : 0, .offset = 0x40,
				   .size = 8, .write = true, .tee = tee,
				   .on_bound_stream = true,
				   .data = 0x1122334455667788ull };
	struct pcie_mmio_req r = w;
	uint64_t v;

	go_state(st, 0);
	r.write = false;
	r.data = 0;
	ck_assert_int_eq(pcie_mmio_access(dev, &w, &res), 0);
	ck_assert_int_eq(res, want);
	ck_assert_int_eq(pcie_mmio_access(dev, &r, &res), 0);
	ck_assert_int_eq(res, want);
	ck_assert_int_eq(pcie_mmio_peek(dev, w.bar, 0x40, &v), 0);
	if (want == SIM_RES_OK) {
		ck_assert_uint_eq(r.data, 0x1122334455667788ull);
		ck_assert_uint_eq(v, 0x1122334455667788ull);
		ck_assert_ptr_null(r.detail);
	} else {
		ck_assert_uint_eq(r.data, UINT64_MAX);	/* all-ones */
		ck_assert_uint_eq(v, 0);		/* write dropped */
		ck_assert_ptr_nonnull(r.detail);
	}
}
END_TEST

START_TEST(mmio_t1_needs_bound_stream_and_mse)
{
	struct pcie_mmio_req m = { .bar = 0, .size = 4, .tee = true };
	enum sim_result res;

	go_state(TDISP_ST_RUN, 0);
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_UR);
	ck_assert_uint_eq(m.data, 0xffffffffu);
	m.on_bound_stream = true;
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_OK);
	/* MSE clear: nothing decodes (and the TDI errors) */
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_CMD_MSE, 0, true), 0);
	m.tee = false;
	m.bar = 2;
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_UR);
	ck_assert_str_eq(m.detail, "memory space decode disabled");
}
END_TEST

START_TEST(mmio_t1_no_ide_needs_no_stream)
{
	struct pcie_fabric *f = pcie_fabric_create(s);
	struct pcie_dev *d;
	struct pcie_dev_cfg c = { .name = "plain", .nbars = 1 };
	struct pcie_mmio_req m = { .bar = 0, .size = 8, .tee = true };
	struct tdisp_request rq;
	struct tdisp_response rsp;
	enum sim_result res;

	c.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 0x1000 };
	ck_assert_int_eq(pcie_dev_add(f, &c, &d), 0);
	ide_spdm_connect(d);
	tdisp_request_init(&rq, d, TDISP_REQ_LOCK_INTERFACE);
	ck_assert_int_eq(tdisp_handle(d, &rq, &rsp), 0);
	tdisp_request_init(&rq, d, TDISP_REQ_START_INTERFACE);
	memcpy(rq.nonce, rsp.nonce, sizeof(rq.nonce));
	ck_assert_int_eq(tdisp_handle(d, &rq, &rsp), 0);
	ck_assert_int_eq(tdisp_state(d), TDISP_ST_RUN);
	ck_assert_int_eq(pcie_mmio_access(d, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_OK);
	pcie_fabric_destroy(f);
}
END_TEST

/* -------------------------------------------------------- backing store */

static enum sim_result acc(bool write, uint64_t off, uint64_t size,
			   uint64_t *data)
{
	struct pcie_mmio_req m = { .bar = 0, .offset = off, .size = size,
				   .write = write, .data = *data };
	enum sim_result res;

	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), 0);
	*data = m.data;
	return res;
}

START_TEST(store_partial_and_multiword)
{
	uint64_t v;

	v = 0;
	ck_assert_int_eq(acc(false, 0x100, 8, &v), SIM_RES_OK);
	ck_assert_uint_eq(v, 0);		/* never written */
	v = 0x1122334455667788ull;
	acc(true, 0x100, 8, &v);
	v = 0xaa;
	acc(true, 0x101, 1, &v);
	v = 0xbbcc;
	acc(true, 0x104, 2, &v);
	v = 0;
	acc(false, 0x100, 8, &v);
	ck_assert_uint_eq(v, 0x1122bbcc5566aa88ull);
	v = 0;
	acc(false, 0x104, 4, &v);
	ck_assert_uint_eq(v, 0x1122bbccu);
	v = 0;
	acc(false, 0x101, 1, &v);
	ck_assert_uint_eq(v, 0xaa);
	/* a 64-byte write fills eight words */
	v = 0x5a5a;
	acc(true, 0x200, 64, &v);
	for (uint64_t o = 0x200; o < 0x240; o += 8) {
		ck_assert_int_eq(pcie_mmio_peek(dev, 0, o, &v), 0);
		ck_assert_uint_eq(v, 0x5a5a);
	}
	ck_assert_int_eq(pcie_mmio_peek(dev, 0, 0x240, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pcie_mmio_peek(dev, 0, 0x241, &v), -EINVAL);
	ck_assert_int_eq(pcie_mmio_peek(dev, 3, 0, &v), -ENOENT);
}
END_TEST

START_TEST(store_many_words)
{
	uint64_t v;

	for (uint64_t i = 0; i < 2000; i++) {
		v = i * 0x9e3779b97f4a7c15ull;
		acc(true, i * 8 * 3 % 0x10000 & ~7ull, 8, &v);
	}
	/* the last write to each offset wins; check a few by recomputing */
	for (uint64_t i = 1990; i < 2000; i++) {
		uint64_t off = i * 8 * 3 % 0x10000 & ~7ull;

		v = 0;
		acc(false, off, 8, &v);
		ck_assert_uint_eq(v, i * 0x9e3779b97f4a7c15ull);
	}
}
END_TEST

START_TEST(store_ur_read_all_ones_by_size)
{
	struct pcie_mmio_req m = { .bar = 0, .offset = 2, .size = 2 };
	enum sim_result res;

	go_state(TDISP_ST_CONFIG_LOCKED, 0);
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), 0);
	ck_assert_int_eq(res, SIM_RES_UR);
	ck_assert_uint_eq(m.data, 0xffff);
}
END_TEST

START_TEST(mmio_bad_args)
{
	struct pcie_mmio_req m = { .bar = 0, .size = 3 };
	enum sim_result res;

	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.size = 4;
	m.offset = 2;				/* unaligned */
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.offset = 0x10000;			/* past the BAR */
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.offset = 0xfffc;
	m.size = 16;				/* crosses the end */
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.offset = 4;				/* multiword, unaligned */
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.size = 0;
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -EINVAL);
	m.bar = 1;
	m.size = 8;
	m.offset = 0;
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -ENOENT);
	m.bar = 9;
	ck_assert_int_eq(pcie_mmio_access(dev, &m, &res), -ENOENT);
	ck_assert_int_eq(pcie_mmio_access(dev, NULL, &res), -EINVAL);
	ck_assert(pcie_mmio_is_tee(dev, 0));
	ck_assert(!pcie_mmio_is_tee(dev, 2));
	ck_assert(!pcie_mmio_is_tee(dev, 1));
}
END_TEST

/* ------------------------------------------------------------------ DMA */

/* [state][kind][tee]: 0 or -EPERM; RUN locked with LOCK_MSIX */
static const int dma_exp[TDISP_ST_NR][3][2] = {
	[TDISP_ST_CONFIG_UNLOCKED] = { { 0, -EPERM }, { 0, -EPERM },
				       { 0, -EPERM } },
	[TDISP_ST_CONFIG_LOCKED] = { { -EPERM, -EPERM }, { 0, -EPERM },
				     { 0, -EPERM } },
	[TDISP_ST_RUN] = { { -EPERM, 0 }, { 0, -EPERM }, { 0, 0 } },
	[TDISP_ST_ERROR] = { { -EPERM, -EPERM }, { -EPERM, -EPERM },
			     { -EPERM, -EPERM } },
};

START_TEST(dma_rules_every_state)
{
	enum tdisp_state st = (enum tdisp_state)_i;

	go_state(st, TDISP_LOCK_MSIX);
	for (int k = 0; k < 3; k++)
		for (int t = 0; t < 2; t++)
			ck_assert_msg(pcie_dma_check(dev, k, t) ==
					      dma_exp[st][k][t],
				      "state %d kind %d tee %d", st, k, t);
}
END_TEST

START_TEST(dma_msix_t1_needs_lock_msix_and_bme)
{
	go_state(TDISP_ST_RUN, 0);
	ck_assert_int_eq(pcie_dma_check(dev, PCIE_DMA_MSIX, true), -EPERM);
	ck_assert_int_eq(pcie_dma_check(dev, PCIE_DMA_MEM, true), 0);
	ck_assert_int_eq(pcie_config_write(dev, PCIE_REG_CMD_BME, 0, true), 0);
	ck_assert_int_eq(pcie_dma_check(dev, PCIE_DMA_MEM, false), -EPERM);
	ck_assert_int_eq(tdisp_state(dev), TDISP_ST_ERROR);
}
END_TEST

START_TEST(dma_completion_epochs)
{
	uint64_t e0, e1;

	e0 = pcie_dma_epoch(dev);
	ck_assert_int_eq(pcie_dma_completion_check(dev, e0), 0);
	go_state(TDISP_ST_RUN, 0);
	/* LOCK aborted DMA issued while unlocked */
	ck_assert_int_eq(pcie_dma_completion_check(dev, e0), -EPERM);
	e1 = pcie_dma_epoch(dev);
	ck_assert_int_eq(pcie_dma_completion_check(dev, e1), 0);
	/* a DMA issued in RUN, completing after ERROR entry (H12) */
	pcie_poisoned_tlp(dev);
	ck_assert_int_eq(pcie_dma_completion_check(dev, e1), -EPERM);
	/* FLR also aborts, even when unlocked */
	ck_assert_uint_eq(tdisp(TDISP_REQ_STOP_INTERFACE, 0), 0);
	e0 = pcie_dma_epoch(dev);
	pcie_flr(dev);
	ck_assert_int_eq(pcie_dma_completion_check(dev, e0), -EPERM);
}
END_TEST

Suite *pcie_suite(void)
{
	Suite *su = suite_create("pcie");
	TCase *tb = tcase_create("bdf");
	TCase *tc = tcase_create("config");
	TCase *tm = tcase_create("mmio");
	TCase *td = tcase_create("dma");

	tcase_add_test(tb, bdf_parse_valid);
	tcase_add_test(tb, bdf_parse_invalid);
	suite_add_tcase(su, tb);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fabric_add_errors_and_auto_bdf);
	tcase_add_loop_test(tc, config_writes_unlocked_no_error, 0,
			    PCIE_REG_NR);
	tcase_add_test(tc, config_misc);
	tcase_add_test(tc, ide_api);
	suite_add_tcase(su, tc);

	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_loop_test(tm, mmio_decode_every_state, 0, 4 * TDISP_ST_NR);
	tcase_add_test(tm, mmio_t1_needs_bound_stream_and_mse);
	tcase_add_test(tm, mmio_t1_no_ide_needs_no_stream);
	tcase_add_test(tm, store_partial_and_multiword);
	tcase_add_test(tm, store_many_words);
	tcase_add_test(tm, store_ur_read_all_ones_by_size);
	tcase_add_test(tm, mmio_bad_args);
	suite_add_tcase(su, tm);

	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_loop_test(td, dma_rules_every_state, 0, TDISP_ST_NR);
	tcase_add_test(td, dma_msix_t1_needs_lock_msix_and_bme);
	tcase_add_test(td, dma_completion_epochs);
	suite_add_tcase(su, td);
	return su;
}
