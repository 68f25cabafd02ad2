// SPDX-License-Identifier: MIT
/*
 * sev.c - AMD SEV-TIO (docs/arch/sev.md, [tio-g]).
 *
 * The hypervisor keeps one NPT entry per GPA (private or shared is the
 * C-bit of the guest's access, not a second table), so a private and a
 * shared mapping at one GPA is EEXIST.  Protection of private MMIO comes
 * from RMP entries: the host's private map assigns them (RMPUPDATE:
 * assigned, immutable; the owner change), the guest's MMIO_VALIDATE sets
 * validated, only while the TDI is in RUN.  DMA: the guest's SDTE_WRITE
 * sets vTOM in the secure DTE; T=1 below vTOM is private and RMP-checked.
 * Bind = TIO_TDI_BIND (the PSP locks and fetches the report).  Unbind =
 * TIO_TDI_UNBIND (STOP + metadata), then the host unmaps and reclaims.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch_internal.h"

/* ---------------------------------------------------------------- bind */

static const char *sub_tdi_bind(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch_vm *vm = (struct arch_vm *)(uintptr_t)arg;
	const char *r;

	ti->bound = true;
	ti->vm = vm;
	ti->fw = "TIO_TDI_BIND";
	r = arch_sub_lock(s, ti, 0);
	if (r || ti->x.rsp.dropped)
		arch_bind_rollback(ti, NULL);
	return r;
}

static const char *sub_tdi_report(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = "TIO_TDI_REPORT";
	/* the guest attests this report (TIO_MSG_TDI_INFO_REQ, the report) */
	arch_attest_snapshot(ti);
	return arch_sub_report(s, ti, 0);
}

static const char *sev_bind(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti;
	const char *r = arch_bind_check(a, vm, dev, &ti);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_PSP_CMD) + arch_t(a, AT_TDISP_LOCK),
		    "TIO_TDI_BIND", sub_tdi_bind, ti, (uintptr_t)vm);
	sim_seq_add(q, arch_t(a, AT_TDISP_REPORT), "TIO_TDI_REPORT",
		    sub_tdi_report, ti, 0);
	return NULL;
}

static const char *sub_tdi_unbind(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r;

	ti->fw = "TIO_TDI_UNBIND";
	r = arch_sub_stop(s, ti, 0);
	if (r || ti->x.rsp.dropped)
		return r;
	/* the PSP drops the binding and the sDTE with it */
	arch_trusted_set(ti, false);
	ti->sdte = false;
	ti->bound = false;
	ti->vm = NULL;
	return NULL;
}

static void push_tdi_unbind(void *ctx, struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_PSP_CMD) + arch_t(ti->a, AT_TDISP_STOP),
		    "TIO_TDI_UNBIND", sub_tdi_unbind, ti, 0);
}

/* TIO_TDI_UNBIND (STOP + the PSP's metadata), then the host's revoke */
static const char *sev_unbind(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, struct arch_unbind_plan *plan)
{
	struct arch_tdi *ti = arch_unbind_start(a, dev, q, plan);

	if (!ti)
		return "EINVAL";
	arch_unbind_phase(plan, "TIO_TDI_UNBIND", push_tdi_unbind, ti);
	arch_unbind_phase(plan, "host: revoke + unmap + RMP reclaim", NULL,
			  NULL);
	return NULL;
}

/* ---------------------------------------------------------- private map */

static const char *sub_rmp_assign(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	if (!pr->live)
		return arch_fw(pr->a, "RMPUPDATE", "EINVAL");
	if (unit == 0) {
		arch_prange_publish(pr);
		/* the owner change of docs/arch/rules.md for sev */
		arch_owner(pr->a, pr->tdi->dev, pr->hpa, pr->size, "rmp-assign",
			   true);
	}
	arch_prange_set(pr, unit, ARCH_PG_PENDING);
	return arch_fw(pr->a, "RMPUPDATE", NULL);
}

static const char *sev_map_private(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, unsigned int bar,
				   uint64_t gpa, uint64_t offset, uint64_t size,
				   uint64_t page_size, struct sim_seq *q)
{
	struct arch_tdi *ti;
	struct arch_prange *pr;
	const char *r = arch_map_check(a, vm, dev, bar, gpa, offset, size,
				       page_size, &ti);

	if (r)
		return r;
	if ((int64_t)page_size > arch_rule(a, AR_MAX_PRIVATE_PAGE))
		return "EINVAL";
	/* one NPT entry per GPA (docs/scenarios.md) */
	for (uint64_t g = gpa; g < gpa + size; g += ARCH_PAGE)
		if (arch_srange_at_gpa(a, vm, g))
			return "EEXIST";
	pr = arch_prange_new(a, vm, ti, bar, gpa, offset, size, page_size);
	for (uint64_t u = 0; u < size / page_size; u++)
		sim_seq_add(q, arch_t(a, AT_FW_MMIO_MAP_PAGE) +
			    arch_t(a, AT_RMPUPDATE_PAGE), "RMPUPDATE",
			    sub_rmp_assign, pr, u);
	return NULL;
}

static const char *sub_rmp_reclaim(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	arch_prange_set(pr, unit, ARCH_PG_NONE);
	if ((unit + 1) * pr->psz == pr->size) {
		arch_owner(pr->a, pr->tdi->dev, pr->hpa, pr->size,
			   "rmp-reclaim", false);
		arch_prange_retire(pr);
	}
	return arch_fw(pr->a, "RMPUPDATE", NULL);
}

static const char *sev_unmap_private(struct arch *a, struct arch_vm *vm,
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
			sim_seq_add(q, arch_t(a, AT_RMPUPDATE_PAGE),
				    "RMPUPDATE", sub_rmp_reclaim, v[i], u);
	return NULL;
}

/* ---------------------------------------------------------- guest calls */

/* TDI_INFO: does this guest own a bound TDI? [tio-g] */
static const char *tdi_info(const struct arch_tdi *ti, const struct arch_vm *vm)
{
	if (!ti)
		return "INVALID_TDI";
	if (!ti->bound || ti->vm != vm)
		return "TDI_NOT_BOUND";
	return NULL;
}

static const char *sub_mmio_validate(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_prange *pr = ctx;
	const char *c = "TIO_MSG_MMIO_VALIDATE_REQ";
	uint64_t pend = 0, val = 0;

	if (!pr->live)
		return arch_fw(pr->a, c, "NOT_MAPPED");
	for (uint64_t p = 0; p < pr->npg; p++) {
		pend += pr->pg[p] == ARCH_PG_PENDING;
		val += pr->pg[p] == ARCH_PG_ACCEPTED;
	}
	if (pend + val < pr->npg)
		return arch_fw(pr->a, c, "NOT_ASSIGNED");
	if (pend && val)
		return arch_fw(pr->a, c, "NOT_UNIFORM");
	memset(pr->pg, ARCH_PG_ACCEPTED, pr->npg);
	return arch_fw(pr->a, c, NULL);
}

static const char *sub_sdte_write(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r = ti->bound ? NULL : "TDI_NOT_BOUND";

	if (r)
		return arch_fw(ti->a, "TIO_MSG_SDTE_WRITE_REQ", r);
	/* [tio-g] sets vTOM so that every guest GPA is below it */
	ti->vtom = arch_vm_addr_limit(ti->a, ti->vm);
	ti->sdte = true;
	arch_trusted_set(ti, true);
	return arch_fw(ti->a, "TIO_MSG_SDTE_WRITE_REQ", NULL);
}

/* Is @bar's BAR mapped shared (NPT, not RMP-assigned) for @vm? */
static bool bar_mapped_shared(const struct arch *a, const struct arch_vm *vm,
			      const struct pcie_bar_cfg *b)
{
	for (size_t i = 0; i < a->nsr; i++) {
		const struct arch_srange *sr = a->sr[i];

		if (sr->live && sr->vm == vm && sr->hpa < b->hpa + b->size &&
		    sr->hpa + sr->size > b->hpa)
			return true;
	}
	return false;
}

/* Validate one reported TEE range: push its MMIO_VALIDATE(s). */
static const char *plan_bar(struct arch_tdi *ti, unsigned int b,
			    struct arch_plan *plan)
{
	struct arch *a = ti->a;
	struct arch_prange *v[ARCH_MAX_PR];
	struct pcie_bar_cfg bar;
	size_t n;

	if (pcie_dev_bar(ti->dev, b, &bar))
		return "NOT_REPORTED";
	n = arch_tdi_pranges(a, ti, ti->vm, (int)b, v, ARCH_MAX_PR);
	if (!n)
		/* MMIO_VALIDATE needs the NPT mapping at the expected GPA */
		return bar_mapped_shared(a, ti->vm, &bar) ? "NOT_ASSIGNED" :
							    "NOT_MAPPED";
	/* the whole reported range, not just what the host mapped */
	if (pcie_mmio_is_tee(ti->dev, b) && arch_report_gap(a, ti, b))
		return "NOT_MAPPED";
	for (size_t i = 0; i < n && i < ARCH_MAX_PR; i++)
		arch_plan_add(plan, arch_t(a, AT_PSP_CMD),
			      "TIO_MSG_MMIO_VALIDATE_REQ", sub_mmio_validate,
			      v[i], 0);
	return NULL;
}

/* A planned validate that fails with the error name in @arg. */
static const char *sub_fail(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	return arch_fw(ti->a, "TIO_MSG_MMIO_VALIDATE_REQ",
		       (const char *)(uintptr_t)arg);
}

static const char *sub_validate_plan(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	struct arch_plan plan = { 0 };
	int bar = (int)(int64_t)arg;
	const char *r = tdi_info(ti, ti->vm);

	if (r)
		return arch_fw(a, "TIO_MSG_TDI_INFO_REQ", r);
	arch_fw(a, "TIO_MSG_TDI_INFO_REQ", NULL);
	/*
	 * the guest validates only when TDI_INFO says RUN [tio-g], and only
	 * the lock epoch whose report it attested
	 */
	if (tdisp_state(ti->dev) != TDISP_ST_RUN || !arch_attested(ti))
		return "EPERM";
	if (bar >= PCIE_MAX_BARS)
		return arch_fw(a, "TIO_MSG_MMIO_VALIDATE_REQ", "OUT_OF_RANGE");
	/*
	 * AMD's guest code (sev_guest_accept()): RUN, then SDTE_WRITE, then
	 * MMIO_VALIDATE per range; the sDTE goes first even when a validate
	 * then fails.
	 */
	arch_plan_add(&plan, arch_t(a, AT_PSP_CMD), "TIO_MSG_SDTE_WRITE_REQ",
		      sub_sdte_write, ti, 0);
	for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
		struct pcie_bar_cfg cfg;

		if (bar >= 0 && (unsigned int)bar != b)
			continue;
		if (bar < 0 && (pcie_dev_bar(ti->dev, b, &cfg) ||
				!pcie_mmio_is_tee(ti->dev, b)))
			continue;
		r = plan_bar(ti, b, &plan);
		if (r) {
			arch_plan_add(&plan, arch_t(a, AT_PSP_CMD),
				      "TIO_MSG_MMIO_VALIDATE_REQ", sub_fail, ti,
				      (uintptr_t)r);
			break;
		}
	}
	arch_plan_run(&plan, ti->q);
	return NULL;
}

static const char *sev_guest_validate(struct arch *a, struct arch_vm *vm,
				      struct pcie_dev *dev, int bar,
				      struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;
	const char *r = tdi_info(ti, vm);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_PSP_CMD), "TIO_MSG_TDI_INFO_REQ",
		    sub_validate_plan, ti, (uint64_t)(int64_t)bar);
	return NULL;
}

static const char *sub_tdi_start(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (!ti->bound)
		return arch_fw(ti->a, "TIO_TDI_START", "TDI_NOT_BOUND");
	ti->fw = "TIO_TDI_START";
	return arch_sub_start(s, ti, 0);
}

static const char *sev_guest_start(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;
	const char *r = tdi_info(ti, vm);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_PSP_CMD) + arch_t(a, AT_TDISP_START),
		    "TIO_TDI_START", sub_tdi_start, ti, 0);
	return NULL;
}

/* ------------------------------------------------------------ DMA, owner */

static void sev_trusted_translate(void *ctx, uint16_t rid, uint32_t pasid,
				  uint64_t iova, uint64_t size, bool write,
				  struct iommu_xlate *out)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	const struct arch_ram *ram;

	if (!ti->vm || !ti->sdte) {
		arch_trusted_fault(a, "sDTE not written", out);
		return;
	}
	ram = arch_ram_at_gpa(ti->vm, iova);
	if (iova >= ti->vtom) {
		/* above vTOM is shared: only shared RAM in the model */
		if (ram && !ram->priv)
			arch_trusted_fill(a, ram->hpa + (iova - ram->gpa),
					  ARCH_PAGE, out);
		else
			arch_trusted_fault(a, "above vTOM: no shared mapping", out);
		return;
	}
	if (ram && ram->priv) {
		arch_trusted_fill(a, ram->hpa + (iova - ram->gpa), ARCH_PAGE, out);
		return;
	}
	if (ram) {
		arch_trusted_fault(a, "IOMMU RMP_PAGE_FAULT: page not assigned to the guest", out);
		return;
	}
	arch_trusted_prange(a, ti->vm, iova,
			    "IOMMU RMP_PAGE_FAULT: MMIO not validated",
			    "IOMMU: GPA not mapped", out);
}

static const struct iommu_trusted_ops sev_trusted = {
	.translate = sev_trusted_translate,
};

static const struct arch_impl sev_impl = {
	.desc = &arch_sev_desc,
	.one_s2_entry = true,	/* one NPT entry per GPA (docs/scenarios.md) */
	.priv_on_shared_detail =
		"#NPF: RMP: C=1 access to a page not assigned to the guest",
	.shared_on_priv_ram_detail =
		"#NPF: RMP: C=0 access to a guest-assigned page",
	.why_mce = "on this sev profile a CPU access to it is a machine check",
	.why_host_fault = "on sev a host CPU write to it takes an RMP fault",
	.shared_tbl_fmt = "%s NPT",
	.priv_tbl_fmt = "%s NPT+RMP",
	.fw_spdm = "TIO_DEV_CREATE",
	.fw_ide = "TIO_DEV_CONNECT",
	.fw_report = "TIO_TDI_REPORT",
	.fw_vm_destroy = "SNP_DECOMMISSION",
	.pg_detail = {
		[ARCH_PG_NONE] = "#NPF: no NPT entry",
		[ARCH_PG_PENDING] = "#VC: MMIO page not validated",
		[ARCH_PG_BLOCKED] = "#NPF: RMP entry being reclaimed",
	},
	.host_detail = {
		"RMP fault: host read of locked TEE MMIO",
		"RMP fault: host write to locked TEE MMIO",
		"RMP fault: host read of RMP-assigned MMIO",
		"RMP fault: host write to RMP-assigned MMIO",
	},
	.p2p_detail = "IOMMU RMP_PAGE_FAULT: P2P to RMP-assigned MMIO",
	.shared_owned_detail = "#NPF: RMP: C=0 access to guest-assigned MMIO",
	.dram_detail = "IOMMU RMP_PAGE_FAULT: T=0 DMA to an assigned page",
	.trusted = &sev_trusted,
	.owned = arch_prange_owned,
};

static const struct arch_ops sev_ops;

static struct arch *sev_create(const struct arch_env *env,
			       const struct arch_profile *prof)
{
	return arch_common_create(&sev_ops, &sev_impl, env, prof);
}

static const struct arch_ops sev_ops = {
	ARCH_COMMON_OPS,
	.name = "sev",
	.create = sev_create,
	.map_private = sev_map_private,
	.unmap_private = sev_unmap_private,
	.bind = sev_bind,
	.unbind = sev_unbind,
	.guest_validate = sev_guest_validate,
	.guest_start = sev_guest_start,
};

/* --------------------------------------- rules, timing, results, registry */

/* docs/arch/rules.md on sev: each rule's default with its source */
static const struct arch_rule_default sev_rules[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { SIM_RES_UR,
		"RMP does not check hypervisor reads (AMD APM vol.2 RMP table); the TDI rejects T=0 (docs/arch/sev.md)" },
	[AR_HOST_WRITE_LOCKED] = { SIM_RES_UR,
		"no RMP entry assigned yet: the TDI rejects T=0 (docs/arch/rules.md)" },
	[AR_HOST_READ_OWNED] = { SIM_RES_UR,
		"RMP does not check hypervisor reads (AMD APM vol.2, as quoted in the SNP host series)" },
	[AR_HOST_WRITE_OWNED] = { SIM_RES_HOST_FAULT,
		"RMP violation on a hypervisor write to an assigned page; not confirmed for MMIO (docs/arch/sev.md)" },
	[AR_P2P_LOCKED] = { SIM_RES_UR,
		"[TDISP] §11.2.1" },
	[AR_P2P_OWNED] = { SIM_RES_UR,
		"IOMMU does not RMP-check P2P MMIO targets (est.); the TDI rejects T=0 (docs/arch/rules.md)" },
	[AR_T0_PRIVATE_DRAM] = { SIM_RES_FAULT,
		"IOMMU RMP_PAGE_FAULT on an assigned page (docs/arch/sev.md)" },
	[AR_PRIV_UNACCEPTED] = { SIM_RES_FAULT,
		"#VC: page not validated [tio-g]" },
	[AR_LATENT_AT_LOCK] = { ARCH_NO_FINDING,
		"allowed: MMIO_VALIDATE needs the NPT mapping [tio-g]; Xu Yilun: AMD leaves MMIO mapped" },
	[AR_LATENT_AT_OWNER] = { SIM_FIND_LATENT_HOST_FAULT,
		"hypervisor writes after the RMP assign take an RMP fault (docs/arch/rules.md, H1)" },
	[AR_LATENT_AT_MAP] = { ARCH_NO_FINDING,
		"the private map is the RMP assign: latent_at_owner covers it" },
	[AR_GUEST_S2_EXPECTED] = { 1,
		"one NPT entry per GPA serves the private mapping [tio-g] (docs/scenarios.md)" },
	[AR_TEARDOWN_UNMAP_LOCKED] = { 0,
		"no such rule published (docs/arch/rules.md)" },
	[AR_TEARDOWN_VM_BOUND] = { 1,
		"docs/arch/rules.md" },
	[AR_VALIDATE_BEFORE_START] = { 0,
		"the guest validates only in RUN [tio-g]" },
	[AR_MAX_PRIVATE_PAGE] = { ARCH_MIB(2),
		"est.: RMP entries are 4 KiB or 2 MiB" },
};

/* where sev's latencies differ from the shared table (timing.c) */
static const struct arch_timing_default sev_timing[] = {
	{ AT_FW_CALL, ARCH_US(1000) },
	{ AT_FW_MMIO_MAP_PAGE, ARCH_NS(500) },
};

/* the firmware result names a sev step may end with */
static const struct arch_result_desc sev_results[] = {
	{ "INVALID_TDI", ARCH_SEV, "SDTE_WRITE / MMIO_VALIDATE for an unknown TDI",
	  "[tio-g]" },
	{ "TDI_NOT_BOUND", ARCH_SEV, "the TDI is not bound to this guest",
	  "[tio-g]" },
	{ "NOT_ASSIGNED", ARCH_SEV, "the RMP entry of the MMIO page is not assigned",
	  "[tio-g]" },
	{ "NOT_UNIFORM", ARCH_SEV, "the range's RMP entries differ",
	  "[tio-g]" },
	{ "NOT_IMMUTABLE", ARCH_SEV, "the RMP entry is not immutable",
	  "[tio-g]" },
	{ "NOT_MAPPED", ARCH_SEV, "the host NPT does not map the expected GPA",
	  "[tio-g]" },
	{ "NOT_REPORTED", ARCH_SEV, "the range is not in the interface report",
	  "[tio-g]" },
	{ "OUT_OF_RANGE", ARCH_SEV, "the subrange lies outside the range",
	  "[tio-g]" },
};

const struct arch_desc arch_sev_desc = {
	.name = "sev",
	.ops = &sev_ops,
	.addr_limit_bit = 51,	/* est.: C-bit at 51, GPA below it */
	.gpa_bit_words = "the C-bit (bit %u)",
	.rules = sev_rules,
	.timing = sev_timing,
	.ntiming = sizeof(sev_timing) / sizeof(sev_timing[0]),
	.results = sev_results,
	.nresults = sizeof(sev_results) / sizeof(sev_results[0]),
};
