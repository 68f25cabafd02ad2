// SPDX-License-Identifier: MIT
/*
 * cca.c - Arm CCA RME-DA (docs/arch/cca.md, [rmm] TF-RMM smc-rmi.h,
 * runtime/rmi/vdev.c).
 *
 * The RMM owns the realm stage-2 (RTT); the host maps unprotected IPA
 * (top IPA bit set) in the NS stage-2.  Private device memory: the host
 * delegates the granules (NS -> Realm PAS in the GPT: the owner change)
 * and maps them with RMI_VDEV_MAP at level 2 or 3 only (2 MiB / 4 KiB);
 * RIPAS stays EMPTY until the realm's RSI_VDEV_VALIDATE_MAPPING, which
 * carries the lock nonce and the measurement and report sequence numbers
 * the realm saw: any of them stale gives RSI_ERROR_STATE.  Bind = VDEV
 * create, VDEV lock (LOCK relayed), report + measurements.  The SMMU
 * translates T=1 DMA with the realm stage-2.  guest.accept validates
 * first, then starts (profile rule validate_before_start).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch_internal.h"

static bool snapshot_current(const struct arch_tdi *ti)
{
	return ti->g_lock_epoch == tdisp_lock_epoch(ti->dev) &&
	       ti->g_meas_seq == ti->meas_seq &&
	       ti->g_report_seq == ti->report_seq;
}

/* ---------------------------------------------------------------- bind */

static const char *sub_vdev_create(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch_vm *vm = (struct arch_vm *)(uintptr_t)arg;

	if (vm->destroyed)
		return arch_fw(ti->a, "RMI_VDEV_CREATE", "RMI_ERROR_REALM");
	ti->bound = true;
	ti->vm = vm;
	return arch_fw(ti->a, "RMI_VDEV_CREATE", NULL);
}

static const char *sub_vdev_lock(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r;

	ti->fw = "RMI_VDEV_LOCK";
	r = arch_sub_lock(s, ti, 0);
	if (r || ti->x.rsp.dropped) {
		arch_bind_rollback(ti, "RMI_VDEV_DESTROY");
		return r;
	}
	ti->lock_epoch = tdisp_lock_epoch(ti->dev);
	return NULL;
}

static const char *sub_vdev_report(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = "RMI_VDEV_GET_INTERFACE_REPORT";
	ti->report_seq++;
	return arch_sub_report(s, ti, 0);
}

static const char *sub_vdev_meas(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->meas_seq++;
	/*
	 * The realm reads nonce and sequence numbers when it attests, right
	 * after bind; a later report or measurement fetch makes them stale.
	 */
	arch_attest_snapshot(ti);
	/* the SMMU's stream for the RID now uses the realm stage-2 */
	arch_trusted_set(ti, true);
	return arch_fw(ti->a, "RMI_VDEV_GET_MEASUREMENTS", NULL);
}

static void push_vdev_create(const struct arch_phase_plan *plan, void *ctx,
			     struct sim_seq *q)
{
	sim_seq_add(q, arch_t(plan->a, AT_FW_CALL), "RMI_VDEV_CREATE",
		    sub_vdev_create, ctx, (uintptr_t)plan->vm);
}

static void push_vdev_lock(const struct arch_phase_plan *plan, void *ctx,
			   struct sim_seq *q)
{
	struct arch *a = plan->a;

	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_LOCK),
		    "RMI_VDEV_LOCK", sub_vdev_lock, ctx, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_REPORT),
		    "RMI_VDEV_GET_INTERFACE_REPORT", sub_vdev_report, ctx, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_DOE_ROUNDTRIP),
		    "RMI_VDEV_GET_MEASUREMENTS", sub_vdev_meas, ctx, 0);
}

/* host's VFIO part, RMI_VDEV_CREATE, LOCK + report + measurements */
static const char *cca_bind(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q,
			    struct arch_phase_plan *plan)
{
	struct arch_tdi *ti;
	const char *r = arch_bind_start(a, vm, dev, q, plan, &ti);

	if (r)
		return r;
	arch_phase_add(plan, "host: VFIO bind", NULL, NULL);
	arch_phase_add(plan, "RMI_VDEV_CREATE", push_vdev_create, ti);
	arch_phase_add(plan, "RMI_VDEV_LOCK + report", push_vdev_lock, ti);
	return NULL;
}

/* -------------------------------------------------------------- unbind */

static const char *sub_vdev_unlock(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = "RMI_VDEV_UNLOCK";
	return arch_sub_stop(s, ti, 0);
}

static const char *sub_vdev_destroy(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	arch_trusted_set(ti, false);
	ti->bound = false;
	ti->vm = NULL;
	return arch_fw(ti->a, "RMI_VDEV_DESTROY", NULL);
}

static void push_vdev_destroy(const struct arch_phase_plan *plan, void *ctx,
			struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_FW_CALL), "RMI_VDEV_DESTROY",
		    sub_vdev_destroy, ti, 0);
}

static void push_vdev_unlock(const struct arch_phase_plan *plan, void *ctx,
			struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_FW_CALL) + arch_t(ti->a, AT_TDISP_STOP),
		    "RMI_VDEV_UNLOCK", sub_vdev_unlock, ti, 0);
}

/* VDEV unlock (STOP), the host's revoke + undelegate, VDEV destroy */
static const char *cca_unbind(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, struct arch_phase_plan *plan)
{
	struct arch_tdi *ti = arch_unbind_start(a, dev, q, plan);

	if (!ti)
		return "EINVAL";
	arch_phase_add(plan, "RMI_VDEV_UNLOCK", push_vdev_unlock, ti);
	arch_phase_add(plan, "host: revoke + unmap + undelegate", NULL,
			  NULL);
	arch_phase_add(plan, "RMI_VDEV_DESTROY", push_vdev_destroy, ti);
	return NULL;
}

/* ---------------------------------------------------------- private map */

static const char *sub_vdev_map(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;
	struct arch *a = pr->a;

	if (!pr->live)
		return arch_fw(a, "RMI_VDEV_MAP", "RMI_ERROR_INPUT");
	/* NS -> DELEGATED: EL3 moves the granules to Realm PAS */
	arch_fw(a, "RMI_GRANULE_DELEGATE", NULL);
	if (unit == 0) {
		arch_prange_publish(pr);
		arch_owner(a, pr->tdi->dev, pr->hpa, pr->size, "delegate", true);
	}
	arch_prange_set(pr, unit, ARCH_PG_PENDING);	/* RIPAS EMPTY */
	return arch_fw(a, "RMI_VDEV_MAP", NULL);
}

static const char *cca_map_private(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, unsigned int bar,
				   uint64_t gpa, uint64_t offset, uint64_t size,
				   uint64_t page_size, struct sim_seq *q)
{
	struct arch_tdi *ti;
	struct arch_prange *pr;
	const char *r;

	/* RMI_VDEV_MAP at level 2 or 3 only: other levels are an input error */
	if ((page_size != ARCH_PAGE && page_size != (2ULL << 20)) ||
	    (int64_t)page_size > arch_rule(a, AR_MAX_PRIVATE_PAGE))
		return "RMI_ERROR_INPUT";
	r = arch_map_check(a, vm, dev, bar, gpa, offset, size, page_size, &ti);
	if (r)
		return r;
	pr = arch_prange_new(a, vm, ti, bar, gpa, offset, size, page_size);
	for (uint64_t u = 0; u < size / page_size; u++)
		sim_seq_add(q, sim_cycles_add(sim_cycles_mul(arch_t(a, AT_GPT_UPDATE),
							     page_size / ARCH_PAGE),
					      arch_t(a, AT_FW_MMIO_MAP_PAGE)),
			    "RMI_VDEV_MAP",
			    sub_vdev_map, pr, u);
	return NULL;
}

static const char *sub_vdev_unmap(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;
	struct arch *a = pr->a;

	arch_prange_set(pr, unit, ARCH_PG_NONE);
	arch_fw(a, "RMI_VDEV_UNMAP", NULL);
	if ((unit + 1) * pr->psz == pr->size) {
		arch_owner(a, pr->tdi->dev, pr->hpa, pr->size, "undelegate",
			   false);
		arch_prange_retire(pr);
	}
	return arch_fw(a, "RMI_GRANULE_UNDELEGATE", NULL);
}

static const char *cca_unmap_private(struct arch *a, struct arch_vm *vm,
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
			sim_seq_add(q, sim_cycles_add(arch_t(a, AT_FW_CALL),
				    sim_cycles_mul(arch_t(a, AT_GPT_UPDATE),
						   v[i]->psz / ARCH_PAGE)),
				    "RMI_VDEV_UNMAP", sub_vdev_unmap, v[i], u);
	return NULL;
}

/* ---------------------------------------------------------- guest calls */

static const char *vdev_ok(const struct arch_tdi *ti)
{
	enum tdisp_state st = tdisp_state(ti->dev);

	/* valid only while the VDEV is LOCKED or STARTED [rmm] */
	if (st != TDISP_ST_CONFIG_LOCKED && st != TDISP_ST_RUN)
		return "RSI_ERROR_STATE";
	if (!snapshot_current(ti))
		return "RSI_ERROR_STATE";
	return NULL;
}

static const char *sub_validate(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_prange *pr = ctx;
	const char *c = "RSI_VDEV_VALIDATE_MAPPING";
	const char *r;

	if (!pr->live || !pr->tdi->bound)
		return arch_fw(pr->a, c, "RSI_ERROR_INPUT");
	r = vdev_ok(pr->tdi);
	if (r)
		return arch_fw(pr->a, c, r);
	for (uint64_t p = 0; p < pr->npg; p++)
		if (pr->pg[p] == ARCH_PG_NONE)
			return arch_fw(pr->a, c, "RSI_ERROR_INPUT");
	memset(pr->pg, ARCH_PG_ACCEPTED, pr->npg);	/* RIPAS DEV */
	arch_fw(pr->a, "RMI_VDEV_VALIDATE_MAPPING", NULL);
	return arch_fw(pr->a, c, NULL);
}

static const char *sub_validate_plan(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	struct arch_prange *v[ARCH_MAX_PR];
	struct arch_plan plan = { 0 };
	int bar = (int)(int64_t)arg;
	const char *r;
	size_t n;

	if (!ti->bound)
		return arch_fw(a, "RSI_VDEV_GET_INFO", "RSI_ERROR_INPUT");
	r = vdev_ok(ti);
	if (r)
		return arch_fw(a, "RSI_VDEV_VALIDATE_MAPPING", r);
	arch_fw(a, "RSI_VDEV_GET_INFO", NULL);
	if (bar >= 0 && !pcie_mmio_is_tee(ti->dev, (unsigned int)bar))
		return arch_fw(a, "RSI_VDEV_VALIDATE_MAPPING", "RSI_ERROR_INPUT");
	/*
	 * The realm validates the ranges of the report it attested; an IPA
	 * range the host never mapped (no RTT entry) fails the RSI call.
	 */
	if (arch_report_unmapped(a, ti, bar) >= 0)
		return arch_fw(a, "RSI_VDEV_VALIDATE_MAPPING", "RSI_ERROR_INPUT");
	n = arch_tdi_pranges(a, ti, ti->vm, bar, v, ARCH_MAX_PR);
	for (size_t i = 0; i < n && i < ARCH_MAX_PR; i++) {
		if (!pcie_mmio_is_tee(ti->dev, v[i]->bar))
			continue;
		arch_plan_add(&plan, 2 * arch_t(a, AT_FW_CALL),
			      "RSI_VDEV_VALIDATE_MAPPING", sub_validate, v[i], 0);
	}
	arch_plan_run(&plan, ti->q);
	return NULL;
}

static const char *cca_guest_validate(struct arch *a, struct arch_vm *vm,
				      struct pcie_dev *dev, int bar,
				      struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound || ti->vm != vm)
		return "RSI_ERROR_INPUT";
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "RSI_VDEV_GET_INFO",
		    sub_validate_plan, ti, (uint64_t)(int64_t)bar);
	return NULL;
}

static const char *sub_vdev_start(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (!ti->bound || tdisp_state(ti->dev) != TDISP_ST_CONFIG_LOCKED)
		return arch_fw(ti->a, "RMI_VDEV_START", "RMI_ERROR_DEVICE");
	ti->fw = "RMI_VDEV_START";
	return arch_sub_start(s, ti, 0);
}

static const char *cca_guest_start(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound || ti->vm != vm)
		return "RMI_ERROR_DEVICE";
	ti->q = q;
	sim_seq_add(q, 2 * arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_START),
		    "RMI_VDEV_START", sub_vdev_start, ti, 0);
	return NULL;
}

/* ------------------------------------------------------------ DMA, owner */

static void cca_trusted_translate(void *ctx, uint16_t rid, uint32_t pasid,
				  uint64_t iova, uint64_t size, bool write,
				  struct iommu_xlate *out)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	const struct arch_ram *ram;

	if (!ti->vm) {
		arch_trusted_fault(a, "SMMU: no realm stage-2 for the stream", out);
		return;
	}
	ram = arch_ram_at_gpa(ti->vm, iova);
	if (ram && ram->priv) {
		arch_trusted_fill(a, ram->hpa + (iova - ram->gpa), ARCH_PAGE, out);
		return;
	}
	arch_trusted_prange(a, ti->vm, iova,
			    "SMMU: RIPAS EMPTY (not validated)",
			    "SMMU: IPA not mapped in the realm stage-2", out);
}

static const struct iommu_trusted_ops cca_trusted = {
	.translate = cca_trusted_translate,
};

/* ipa_bits 32..52 (RMI_REALM_CREATE s2sz) */
static bool cca_addr_bits_ok(unsigned int bits)
{
	return bits >= 32 && bits <= 52;
}

static const struct arch_impl cca_impl = {
	.desc = &arch_cca_desc,
	.addr_bits_ok = cca_addr_bits_ok,
	.why_mce = "on this cca profile a CPU access to it is a machine check",
	.why_host_fault = "on cca a host CPU access to it takes a granule protection fault",
	.shared_tbl_fmt = "%s NS stage-2",
	.priv_tbl_fmt = "%s RTT",
	.fw_spdm = "RMI_PDEV_CREATE",
	.fw_ide = "RMI_PDEV_COMMUNICATE",
	.fw_report = "RMI_VDEV_GET_INTERFACE_REPORT",
	.fw_vm_destroy = "RMI_REALM_DESTROY",
	.pg_detail = {
		[ARCH_PG_NONE] = "stage-2 abort: no RTT entry",
		[ARCH_PG_PENDING] = "RMM injects an abort: RIPAS EMPTY (not validated)",
		[ARCH_PG_BLOCKED] = "RMM injects an abort: entry being unmapped",
	},
	.host_detail = {
		"GPF: host read of locked TEE MMIO",
		"GPF: host write to locked TEE MMIO",
		"granule protection fault: host read of Realm PAS MMIO",
		"granule protection fault: host write to Realm PAS MMIO",
	},
	.p2p_detail = "SMMU granule protection check: P2P to Realm PAS MMIO",
	.shared_owned_detail = "stage-2 abort: GPC fault on an unprotected IPA to Realm PAS MMIO",
	.dram_detail = "SMMU granule protection check: T=0 DMA to Realm PAS",
	.trusted = &cca_trusted,
	.owned = arch_prange_owned,
};

static const struct arch_ops cca_ops;

static struct arch *cca_create(const struct arch_env *env,
			       const struct arch_profile *prof)
{
	return arch_common_create(&cca_ops, &cca_impl, env, prof);
}

static const struct arch_ops cca_ops = {
	ARCH_COMMON_OPS,
	.name = "cca",
	.create = cca_create,
	.map_private = cca_map_private,
	.unmap_private = cca_unmap_private,
	.bind = cca_bind,
	.unbind = cca_unbind,
	.guest_validate = cca_guest_validate,
	.guest_start = cca_guest_start,
};

/* --------------------------------------- rules, timing, results, registry */

/* docs/arch/rules.md on cca: each rule's default with its source */
static const struct arch_rule_default cca_rules[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { SIM_RES_UR,
		"before the delegate the locked TDI rejects T=0 [seed][TDISP]" },
	[AR_HOST_WRITE_LOCKED] = { SIM_RES_UR,
		"before the delegate the locked TDI rejects T=0 [seed][TDISP]" },
	[AR_HOST_READ_OWNED] = { SIM_RES_HOST_FAULT,
		"granule protection fault on Realm PAS (TF-A GPT design; arm64 GPF patch, S. Price)" },
	[AR_HOST_WRITE_OWNED] = { SIM_RES_HOST_FAULT,
		"granule protection fault on Realm PAS (docs/arch/cca.md)" },
	[AR_P2P_LOCKED] = { SIM_RES_UR,
		"[TDISP] §11.2.1" },
	[AR_P2P_OWNED] = { SIM_RES_FAULT,
		"the SMMU's granule check aborts a Non-secure access to Realm PAS (docs/arch/rules.md)" },
	[AR_T0_PRIVATE_DRAM] = { SIM_RES_FAULT,
		"SMMU granule protection check on Realm PAS (docs/arch/cca.md)" },
	[AR_PRIV_UNACCEPTED] = { SIM_RES_FAULT,
		"RIPAS EMPTY: the RMM injects an abort into the realm [rmm] lib/s2tt" },
	[AR_LATENT_AT_LOCK] = { ARCH_NO_FINDING,
		"allowed but unusable: the TDI rejects T=0 (docs/arch/rules.md)" },
	[AR_LATENT_AT_OWNER] = { SIM_FIND_LATENT_HOST_FAULT,
		"host access after the delegate is a granule protection fault (docs/arch/rules.md, H1)" },
	[AR_LATENT_AT_MAP] = { ARCH_NO_FINDING,
		"the private map is the granule delegate: latent_at_owner covers it" },
	[AR_GUEST_S2_EXPECTED] = { 0,
		"protected and unprotected IPA are separate: an NS entry is a hypervisor mapping" },
	[AR_TEARDOWN_UNMAP_LOCKED] = { 0,
		"no such rule published (docs/arch/rules.md)" },
	[AR_TEARDOWN_VM_BOUND] = { 1,
		"docs/arch/rules.md" },
	[AR_VALIDATE_BEFORE_START] = { 1,
		"RSI_VDEV_VALIDATE_MAPPING valid while LOCKED [rmm]; docs/scenarios.md (a profile option)" },
	[AR_MAX_PRIVATE_PAGE] = { ARCH_MIB(2),
		"RMI_VDEV_MAP at level 2 or 3 only [rmm] (docs/scenarios.md)" },
};

/* where cca's latencies differ from the shared table (timing.c) */
static const struct arch_timing_default cca_timing[] = {
	{ AT_FW_CALL, ARCH_US(2) },
	{ AT_FW_MMIO_MAP_PAGE, ARCH_US(2) },
};

/* the firmware result names a cca step may end with */
static const struct arch_result_desc cca_results[] = {
	{ "RMI_ERROR_INPUT", ARCH_CCA, "an RMI argument is invalid",
	  "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_REALM", ARCH_CCA, "the realm is in the wrong state",
	  "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_RTT", ARCH_CCA, "the RTT walk ended at the wrong level or state",
	  "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_DEVICE", ARCH_CCA, "the PDEV or VDEV is in the wrong state",
	  "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_GPT", ARCH_CCA, "the granule is not in the PAS the call needs",
	  "[rmm]" },
	{ "RSI_ERROR_INPUT", ARCH_CCA, "an RSI argument is invalid",
	  "[rmm] smc-rsi.h" },
	{ "RSI_ERROR_STATE", ARCH_CCA, "stale lock nonce or sequence numbers, or wrong VDEV state",
	  "[rmm] smc-rsi.h" },
};

const struct arch_desc arch_cca_desc = {
	.name = "cca",
	.ops = &cca_ops,
	.gpa_bit_words = "the unprotected-IPA bit (IPA bit %u, ipa_bits %u)",
	.rules = cca_rules,
	.timing = cca_timing,
	.ntiming = sizeof(cca_timing) / sizeof(cca_timing[0]),
	.results = cca_results,
	.nresults = sizeof(cca_results) / sizeof(cca_results[0]),
};
