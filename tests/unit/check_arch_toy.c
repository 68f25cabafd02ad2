// SPDX-License-Identifier: MIT
/*
 * check_arch_toy.c - a fourth architecture, "toy", written here the way
 * models/arch/tdx.c, sev.c and cca.c are written (docs/architecture.md,
 * "Adding an arch"): its private data (names, wording, address rule,
 * owner predicate), its ops table (the shared ops plus its own firmware
 * sequences), its rule defaults, its latencies where they differ and its
 * result names, all in one struct arch_desc.  The test runs it through a
 * scenario-like sequence (connect, bind, map, accept, accesses, unbind)
 * on the same fixture the three real arches use, so nothing in shared
 * code may ask which arch it runs.  This file is an arch implementation,
 * so it includes the arch kit (arch_internal.h): `make check-includes`
 * allows that for this file only.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "arch_fixture.h"
#include "arch_internal.h"

#define TOY_FW_BIND	"TOY.BIND"
#define TOY_FW_LOCK	"TOY.LOCK"
#define TOY_FW_REPORT	"TOY.REPORT"
#define TOY_FW_STOP	"TOY.STOP"
#define TOY_FW_START	"TOY.START"
#define TOY_FW_MAP	"TOY.MAP"
#define TOY_FW_UNMAP	"TOY.UNMAP"
#define TOY_FW_ACCEPT	"TOY.ACCEPT"
#define TOY_FW_REMOVE	"TOY.REMOVE"

/* ---------------------------------------------------------------- bind */

static const char *toy_sub_bind(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->bound = true;
	ti->vm = (struct arch_vm *)(uintptr_t)arg;
	return arch_fw(ti->a, TOY_FW_BIND, NULL);
}

static const char *toy_sub_lock(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r;

	ti->fw = TOY_FW_LOCK;
	r = arch_sub_lock(s, ti, 0);
	if (r || ti->x.rsp.dropped)
		arch_bind_rollback(ti, TOY_FW_REMOVE);
	return r;
}

static const char *toy_sub_report(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = TOY_FW_REPORT;
	arch_attest_snapshot(ti);
	return arch_sub_report(s, ti, 0);
}

static const char *toy_bind(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti;
	const char *r = arch_bind_check(a, vm, dev, &ti);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), TOY_FW_BIND, toy_sub_bind, ti,
		    (uintptr_t)vm);
	sim_seq_add(q, arch_t(a, AT_TDISP_LOCK), TOY_FW_LOCK, toy_sub_lock,
		    ti, 0);
	sim_seq_add(q, arch_t(a, AT_TDISP_REPORT), TOY_FW_REPORT,
		    toy_sub_report, ti, 0);
	return NULL;
}

/* -------------------------------------------------------------- unbind */

static const char *toy_sub_stop(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = TOY_FW_STOP;
	return arch_sub_stop(s, ti, 0);
}

static const char *toy_sub_remove(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	arch_bind_rollback(ti, NULL);
	return arch_fw(ti->a, TOY_FW_REMOVE, NULL);
}

static void toy_push_stop(void *ctx, struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_TDISP_STOP), TOY_FW_STOP,
		    toy_sub_stop, ti, 0);
}

static void toy_push_remove(void *ctx, struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_FW_CALL), TOY_FW_REMOVE,
		    toy_sub_remove, ti, 0);
}

/* the toy's plan: STOP, the host's unmap, the metadata */
static const char *toy_unbind(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, struct arch_unbind_plan *plan)
{
	struct arch_tdi *ti = arch_unbind_start(a, dev, q, plan);

	if (!ti)
		return "EINVAL";
	arch_unbind_phase(plan, "STOP", toy_push_stop, ti);
	arch_unbind_phase(plan, "host: unmap", NULL, NULL);
	arch_unbind_phase(plan, "metadata", toy_push_remove, ti);
	return NULL;
}

/* ---------------------------------------------------------- private map */

static const char *toy_sub_map(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	if (unit == 0) {
		arch_prange_publish(pr);
		arch_owner(pr->a, pr->tdi->dev, pr->hpa, pr->size, "toy-own",
			   true);
	}
	arch_prange_set(pr, unit, ARCH_PG_PENDING);
	return arch_fw(pr->a, TOY_FW_MAP, NULL);
}

static const char *toy_map_private(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, unsigned int bar,
				   uint64_t gpa, uint64_t offset, uint64_t size,
				   uint64_t page_size, struct sim_seq *q)
{
	struct arch_tdi *ti;
	struct arch_prange *pr;
	const char *r;

	if ((int64_t)page_size > arch_rule(a, AR_MAX_PRIVATE_PAGE))
		return "EINVAL";
	r = arch_map_check(a, vm, dev, bar, gpa, offset, size, page_size, &ti);
	if (r)
		return r;
	pr = arch_prange_new(a, vm, ti, bar, gpa, offset, size, page_size);
	for (uint64_t u = 0; u < size / page_size; u++)
		sim_seq_add(q, arch_t(a, AT_FW_MMIO_MAP_PAGE), TOY_FW_MAP,
			    toy_sub_map, pr, u);
	return NULL;
}

static const char *toy_sub_unmap(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	arch_prange_set(pr, unit, ARCH_PG_NONE);
	if ((unit + 1) * pr->psz == pr->size) {
		arch_owner(pr->a, pr->tdi->dev, pr->hpa, pr->size, "toy-free",
			   false);
		arch_prange_retire(pr);
	}
	return arch_fw(pr->a, TOY_FW_UNMAP, NULL);
}

static const char *toy_unmap_private(struct arch *a, struct arch_vm *vm,
				     uint64_t gpa, uint64_t size, bool must,
				     struct sim_seq *q)
{
	struct arch_prange *v[ARCH_MAX_PR];
	bool partial;
	size_t n = vm ? arch_pranges_in(a, vm, gpa, size, v, ARCH_MAX_PR,
					&partial) : 0;

	if (!n)
		return "ENOENT";
	if (partial || n > ARCH_MAX_PR)
		return "EINVAL";
	for (size_t i = 0; i < n; i++)
		for (uint64_t u = 0; u < v[i]->size / v[i]->psz; u++)
			sim_seq_add(q, arch_t(a, AT_FW_CALL), TOY_FW_UNMAP,
				    toy_sub_unmap, v[i], u);
	return NULL;
}

/* ---------------------------------------------------------- guest calls */

static const char *toy_sub_accept(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch_prange *v[ARCH_MAX_PR];
	size_t n = arch_tdi_pranges(ti->a, ti, ti->vm, (int)(int64_t)arg, v,
				    ARCH_MAX_PR);

	if (!arch_attested(ti))
		return arch_fw(ti->a, TOY_FW_ACCEPT, "TOY_STALE");
	for (size_t i = 0; i < n && i < ARCH_MAX_PR; i++)
		memset(v[i]->pg, ARCH_PG_ACCEPTED, v[i]->npg);
	return arch_fw(ti->a, TOY_FW_ACCEPT, NULL);
}

static const char *toy_guest_validate(struct arch *a, struct arch_vm *vm,
				      struct pcie_dev *dev, int bar,
				      struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound || ti->vm != vm)
		return "EINVAL";
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), TOY_FW_ACCEPT, toy_sub_accept,
		    ti, (uint64_t)(int64_t)bar);
	return NULL;
}

static const char *toy_sub_start(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = TOY_FW_START;
	return arch_sub_start(s, ti, 0);
}

static const char *toy_guest_start(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound || ti->vm != vm)
		return "EINVAL";
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_TDISP_START), TOY_FW_START, toy_sub_start,
		    ti, 0);
	return NULL;
}

/* ------------------------------------------------- data, ops, the desc */

/* the toy's guests are 40 or 48 (the default) bits wide */
static bool toy_addr_bits_ok(unsigned int bits)
{
	return bits == 40 || bits == 48;
}

static const struct arch_desc toy_desc;

static const struct arch_impl toy_impl = {
	.desc = &toy_desc,
	.addr_bits_ok = toy_addr_bits_ok,
	.shared_tbl_fmt = "%s toy shared",
	.priv_tbl_fmt = "%s toy private",
	.fw_spdm = "TOY.SPDM",
	.fw_ide = "TOY.IDE",
	.fw_report = TOY_FW_REPORT,
	.fw_vm_destroy = "TOY.VM_DESTROY",
	.pg_detail = {
		[ARCH_PG_NONE] = "toy: no private entry",
		[ARCH_PG_PENDING] = "toy: not accepted",
		[ARCH_PG_BLOCKED] = "toy: blocked",
	},
	.host_detail = {
		"toy: host read of locked TEE MMIO",
		"toy: host write to locked TEE MMIO",
		"toy: host read of toy-owned MMIO",
		"toy: host write to toy-owned MMIO",
	},
	.p2p_detail = "toy: P2P to toy-owned MMIO",
	.dram_detail = "toy: T=0 DMA to private RAM",
	.why_mce = "on toy a CPU access to it is a machine check",
	.why_host_fault = "on toy a CPU access to it is a toy fault",
	.owned = arch_prange_owned,
};

static const struct arch_ops toy_ops;

static struct arch *toy_create(const struct arch_env *env,
			       const struct arch_profile *prof)
{
	return arch_common_create(&toy_ops, &toy_impl, env, prof);
}

static const struct arch_ops toy_ops = {
	ARCH_COMMON_OPS,
	.name = "toy",
	.create = toy_create,
	.map_private = toy_map_private,
	.unmap_private = toy_unmap_private,
	.bind = toy_bind,
	.unbind = toy_unbind,
	.guest_validate = toy_guest_validate,
	.guest_start = toy_guest_start,
};

static const struct arch_rule_default toy_rules[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { SIM_RES_HOST_FAULT, "toy" },
	[AR_HOST_WRITE_LOCKED] = { SIM_RES_HOST_FAULT, "toy" },
	[AR_HOST_READ_OWNED] = { SIM_RES_MCE, "toy" },
	[AR_HOST_WRITE_OWNED] = { SIM_RES_MCE, "toy" },
	[AR_P2P_LOCKED] = { SIM_RES_UR, "toy" },
	[AR_P2P_OWNED] = { SIM_RES_FAULT, "toy" },
	[AR_T0_PRIVATE_DRAM] = { SIM_RES_FAULT, "toy" },
	[AR_PRIV_UNACCEPTED] = { SIM_RES_FAULT, "toy" },
	[AR_LATENT_AT_LOCK] = { ARCH_NO_FINDING, "toy" },
	[AR_LATENT_AT_OWNER] = { SIM_FIND_LATENT_MCE, "toy" },
	[AR_LATENT_AT_MAP] = { ARCH_NO_FINDING, "toy" },
	[AR_GUEST_S2_EXPECTED] = { 0, "toy" },
	[AR_TEARDOWN_UNMAP_LOCKED] = { 0, "toy" },
	[AR_TEARDOWN_VM_BOUND] = { 1, "toy" },
	[AR_VALIDATE_BEFORE_START] = { 1, "toy" },
	[AR_MAX_PRIVATE_PAGE] = { ARCH_MIB(2), "toy" },
};

static const struct arch_timing_default toy_timing[] = {
	{ AT_FW_CALL, ARCH_NS(700) },
};

static const struct arch_result_desc toy_results[] = {
	{ "TOY_STALE", ARCH_NR, "the guest attested another lock", "toy" },
};

static const struct arch_desc toy_desc = {
	.name = "toy",
	.ops = &toy_ops,
	.gpa_bit_words = "the toy shared bit (bit %u of %u)",
	.rules = toy_rules,
	.timing = toy_timing,
	.ntiming = 1,
	.results = toy_results,
	.nresults = 1,
};

/* ------------------------------------------------------------ the test */

START_TEST(toy_arch_runs_a_scenario)
{
	struct arch_profile p;
	struct afx f;
	struct arch_xlate x;
	struct arch_vm *vm40;

	arch_profile_from_desc(&toy_desc, ARCH_TDX, &p);
	ck_assert_str_eq(p.name, "toy");
	ck_assert_uint_eq(p.timing_ps[AT_FW_CALL], 700000);
	ck_assert_int_eq(p.rule[AR_HOST_READ_LOCKED], SIM_RES_HOST_FAULT);
	afx_init_ops(&f, toy_desc.ops, &p);
	/* the toy's own address rule: 40 or 48 bits, not tdx's 52 */
	ck_assert_ptr_null(f.ops->vm_create(f.a, "vm-bad", true, 52));
	vm40 = f.ops->vm_create(f.a, "vm40", true, 40);
	ck_assert_ptr_nonnull(vm40);
	/* its shared bit is the top GPA bit, as on tdx and cca */
	ck_assert_uint_eq(arch_vm_addr(f.a, vm40, 0x1000, false),
			  0x1000 | (1ULL << 39));
	f.vm = vm40;
	f.ops->vm_ram(f.a, f.vm, 0, f.ram_hpa, AFX_RAM_SIZE, true);

	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert(afx_fw_seen(&f, "TOY.SPDM", "ok"));
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_LOCKED);
	ck_assert(afx_fw_seen(&f, TOY_FW_LOCK, "ok"));
	/* the toy's rule for a locked, not owned TDI: a host fault */
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_HOST_FAULT);
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert(arch_tdi_owned(f.a, f.bar0));
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_MCE);
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_FAULT);
	f.ops->guest_xlate(f.a, f.vm, AFX_GPA, true, false, &x);
	ck_assert_int_eq(x.status, ARCH_X_UNACCEPTED);
	ck_assert_str_eq(x.detail, "toy: not accepted");
	/* validate before start (the toy's rule): ACCEPT, then START */
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_uint_lt(afx_fw_index(&f, TOY_FW_ACCEPT),
			  afx_fw_index(&f, TOY_FW_START));
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_RUN);
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_OK);

	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	ck_assert(!arch_tdi_owned(f.a, f.bar0));
	/* STOP, then the unmap, then the metadata: the arch's order */
	ck_assert_uint_lt(afx_fw_index(&f, TOY_FW_STOP),
			  afx_fw_index(&f, TOY_FW_UNMAP));
	ck_assert_uint_lt(afx_fw_index(&f, TOY_FW_UNMAP),
			  afx_fw_index(&f, TOY_FW_REMOVE));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_NOT_MAPPED);
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 0);
	ck_assert_uint_eq(mem_map_count(f.mem), 0);
	afx_fini(&f);
}
END_TEST

Suite *arch_toy_suite(void)
{
	Suite *su = suite_create("arch_toy");
	TCase *tc = tcase_create("toy");

	tcase_add_test(tc, toy_arch_runs_a_scenario);
	suite_add_tcase(su, tc);
	return su;
}
