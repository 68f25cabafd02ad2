// SPDX-License-Identifier: MIT
/*
 * tdx.c - Intel TDX Connect (docs/arch/tdx.md, [tdxh], [ovmm]).
 *
 * Private MMIO lives in the Secure EPT, owned by the TDX module: KVM
 * changes it only through SEAMCALLs (TDH.MMIO.MAP / BLOCK / UNMAP), and
 * the TD accepts each page (TDG.TDI.MMIO.ACCEPT): MMIO_PENDING ->
 * MMIO_MAPPED -> MMIO_BLOCKED.  Shared MMIO uses KVM's shared EPT at GPA
 * | shared bit (gpaw - 1).  Bind = TDH.DEVIF.CREATE, LOCK relayed with
 * TDH.DEVIF.REQUEST/RESPONSE, report, MMIO tracking (TDH.MMIOMT.ADD/SET:
 * the owner change), trusted DMA tables (TDH.DMAR.ADD).  The guest's
 * TDG.DMAR.ACCEPT turns the trusted IOMMU tables on for the TDI's RID.
 * Unbind follows Xu Yilun's order: STOP, dma-buf revoke + KVM unmap,
 * TDI metadata removal.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arch_internal.h"

#define DEVIF_REQ "TDH.DEVIF.REQUEST"

static const char *tdx_err_state(const struct arch_tdi *ti,
				 const struct arch_vm *vm)
{
	if (!ti || !ti->bound || ti->vm != vm)
		return "TDX_OPERAND_INVALID";
	return NULL;
}

/*
 * The module removes private MMIO and the DEVIF only from a TDI back in
 * CONFIG_UNLOCKED or whose IDE stream is blocked (intel/tdx-module
 * tdh_mmio_unmap.c, tdh_devif_remove.c: DEVIFCS tdisp_sts, the stream's
 * stream_block bit).  The module's copy of the state follows the TDISP
 * responses it relays; the model reads the device's.
 */
static bool tdi_released(const struct arch_tdi *ti)
{
	return tdisp_state(ti->dev) == TDISP_ST_CONFIG_UNLOCKED ||
	       ti->stream_blocked;
}

/* ---------------------------------------------------------------- bind */

static const char *sub_devif_create(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch_vm *vm = (struct arch_vm *)(uintptr_t)arg;

	if (vm->destroyed)
		return arch_fw(ti->a, "TDH.DEVIF.CREATE", "TDX_OPERAND_INVALID");
	ti->bound = true;
	ti->vm = vm;
	return arch_fw(ti->a, "TDH.DEVIF.CREATE", NULL);
}

static const char *sub_lock(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r;

	ti->fw = DEVIF_REQ;
	r = arch_sub_lock(s, ti, 0);
	if (r || ti->x.rsp.dropped)
		arch_bind_rollback(ti, "TDH.DEVIF.REMOVE");
	return r;
}

static const char *sub_report(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = DEVIF_REQ;
	return arch_sub_report(s, ti, 0);
}

static const char *sub_mmiomt_add(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (!ti->bound || !tdisp_is_locked(ti->dev))
		return arch_fw(ti->a, "TDH.MMIOMT.ADD", "TDI_INVALID_STATE");
	/* the owner change: the module now tracks the TEE MMIO pages */
	ti->tracked = true;
	arch_fw(ti->a, "TDH.MMIOMT.ADD", NULL);
	arch_fw(ti->a, "TDH.MMIOMT.SET", NULL);
	arch_owner_tee(ti->a, ti, "mmio-tracking", true);
	return NULL;
}

static const char *sub_dmar_add(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->dmar_added = true;
	/* the TD reads the report and attests it now (TDG.TDI.RD) */
	arch_attest_snapshot(ti);
	return arch_fw(ti->a, "TDH.DMAR.ADD", NULL);
}

static const char *tdx_bind(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti;
	const char *r = arch_bind_check(a, vm, dev, &ti);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.DEVIF.CREATE",
		    sub_devif_create, ti, (uintptr_t)vm);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_LOCK),
		    DEVIF_REQ " LOCK_INTERFACE", sub_lock, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_REPORT),
		    DEVIF_REQ " GET_DEVICE_INTERFACE_REPORT", sub_report, ti, 0);
	sim_seq_add(q, 2 * arch_t(a, AT_FW_CALL), "TDH.MMIOMT.ADD",
		    sub_mmiomt_add, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.DMAR.ADD", sub_dmar_add,
		    ti, 0);
	return NULL;
}

/* -------------------------------------------------------------- unbind */

static const char *sub_stop(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = DEVIF_REQ;
	return arch_sub_stop(s, ti, 0);
}

static const char *sub_dmar_remove(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	arch_trusted_set(ti, false);
	ti->dmar_added = false;
	arch_fw(ti->a, "TDH.DMAR.BLOCK", NULL);
	return arch_fw(ti->a, "TDH.DMAR.REMOVE", NULL);
}

static const char *sub_iqinv(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	arch_fw(ti->a, "TDH.IQINV.REQ", NULL);
	return arch_fw(ti->a, "TDH.IQINV.PROC", NULL);
}

static const char *sub_mmiomt_remove(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (ti->tracked)
		arch_owner_tee(ti->a, ti, "mmio-tracking", false);
	ti->tracked = false;
	return arch_fw(ti->a, "TDH.MMIOMT.REMOVE", NULL);
}

static const char *sub_devif_remove(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch_prange *v[1];
	const char *c = "TDH.DEVIF.REMOVE";

	/* intel/tdx-module tdh_devif_remove.c, in its order */
	if (!tdi_released(ti))
		return arch_fw(ti->a, c, "TDX_DEVIF_INVALID_STATE");
	if (ti->dmar_added)
		return arch_fw(ti->a, c, "TDX_DEVIF_HAS_MAPPED_DMA");
	if (arch_tdi_pranges(ti->a, ti, ti->vm, -1, v, 1))
		return arch_fw(ti->a, c, "TDX_DEVIF_HAS_MAPPED_MMIO");
	ti->bound = false;
	ti->vm = NULL;
	return arch_fw(ti->a, "TDH.DEVIF.REMOVE", NULL);
}

/* "remove TDI metadata" of Xu Yilun's order (docs/arch/tdx.md) */
static void push_metadata(void *ctx, struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;

	sim_seq_add(q, 2 * arch_t(a, AT_FW_CALL), "TDH.DMAR.REMOVE",
		    sub_dmar_remove, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_IOTLB_INVAL),
		    "TDH.IQINV", sub_iqinv, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.MMIOMT.REMOVE",
		    sub_mmiomt_remove, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.DEVIF.REMOVE",
		    sub_devif_remove, ti, 0);
}

static void push_stop(void *ctx, struct sim_seq *q)
{
	struct arch_tdi *ti = ctx;

	sim_seq_add(q, arch_t(ti->a, AT_FW_CALL) + arch_t(ti->a, AT_TDISP_STOP),
		    DEVIF_REQ " STOP_INTERFACE", sub_stop, ti, 0);
}

/* Xu Yilun's order (docs/arch/tdx.md): STOP, revoke + unmap, TDI metadata */
static const char *tdx_unbind(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, struct arch_unbind_plan *plan)
{
	struct arch_tdi *ti = arch_unbind_start(a, dev, q, plan);

	if (!ti)
		return "EINVAL";
	arch_unbind_phase(plan, "STOP", push_stop, ti);
	arch_unbind_phase(plan, "host: revoke + unmap", NULL, NULL);
	arch_unbind_phase(plan, "TDI metadata", push_metadata, ti);
	return NULL;
}

/* ---------------------------------------------------------- private map */

static const char *sub_mmio_unmap(struct sim *s, void *ctx, uint64_t unit);

static const char *sub_mmio_map(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	/* TDH.MMIO.MAP needs the MMIO tracking entry of the HPA */
	if (!pr->live || !pr->tdi->tracked)
		return arch_fw(pr->a, "TDH.MMIO.MAP", "TDX_OPERAND_INVALID");
	arch_prange_publish(pr);
	arch_prange_set(pr, unit, ARCH_PG_PENDING);
	return arch_fw(pr->a, "TDH.MMIO.MAP", NULL);
}

static const char *tdx_map_private(struct arch *a, struct arch_vm *vm,
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
	pr = arch_prange_new(a, vm, ti, bar, gpa, offset, size, page_size);
	for (uint64_t u = 0; u < size / page_size; u++)
		sim_seq_add(q, arch_t(a, AT_FW_MMIO_MAP_PAGE), "TDH.MMIO.MAP",
			    sub_mmio_map, pr, u);
	return NULL;
}

static const char *sub_mmio_block(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;

	/* KVM blocks an entry once; a refused unmap left it blocked */
	if (pr->pg[unit * (pr->psz / ARCH_PAGE)] == ARCH_PG_BLOCKED)
		return NULL;
	arch_prange_set(pr, unit, ARCH_PG_BLOCKED);
	return arch_fw(pr->a, "TDH.MMIO.BLOCK", NULL);
}

/* TDH.IDE.STREAM.BLOCK: the root port stops the stream; its TDIs ERROR. */
static const char *sub_stream_block(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->stream_blocked = true;
	ide_set_state(ti->dev, IDE_INSECURE);
	return arch_fw(ti->a, "TDH.IDE.STREAM.BLOCK", NULL);
}

/*
 * The host's error path after a refused TDH.MMIO.UNMAP that cannot be
 * given up (an importer's move_notify): STOP the TDI first, as the
 * kernel's unbind order does; when STOP fails (no answer, an error),
 * block the IDE stream instead, which the module accepts as well.
 */
static const char *sub_err_stop(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_prange *pr = ctx;
	struct arch_tdi *ti = pr->tdi;
	struct sim_seq *saved = ti->q;
	const char *r;

	ti->q = NULL;		/* a dropped STOP answers ETIMEDOUT here */
	ti->fw = DEVIF_REQ;
	r = arch_sub_stop(s, ti, 0);
	ti->q = saved;
	if (r)
		sim_seq_next(pr->q, ti->x.rsp.dropped ?
			     arch_t(ti->a, AT_DOE_TIMEOUT) :
			     arch_t(ti->a, AT_FW_CALL),
			     "TDH.IDE.STREAM.BLOCK", sub_stream_block, ti, 0);
	return NULL;
}

/*
 * H2 as the module enforces it: TDH.MMIO.UNMAP fails with
 * TDX_DEVIF_TDISP_INVALID_STATE unless the TDI is CONFIG_UNLOCKED or its
 * stream blocked.  A userspace unmap (kvm.unmap) fails with it and leaves
 * the entries BLOCKED; an unmap that cannot fail runs the host's error
 * path (STOP, else block the stream) and retries.  teardown-order names
 * the step either way (profile rule teardown_unmap_locked).
 */
static const char *unmap_refused(struct arch_prange *pr, uint64_t unit)
{
	struct arch *a = pr->a;
	const char *st = tdisp_state_name(tdisp_state(pr->tdi->dev));
	char what[200];

	arch_fw(a, "TDH.MMIO.UNMAP", "TDX_DEVIF_TDISP_INVALID_STATE");
	if (!pr->refused) {
		pr->refused = true;
		snprintf(what, sizeof(what), "TDH.MMIO.UNMAP refused "
			 "(TDX_DEVIF_TDISP_INVALID_STATE): the TDI is %s and "
			 "its IDE stream not blocked%s", st, pr->must ?
			 "; the host's error path STOPs it first" :
			 "; STOP it first (tsm.unbind)");
		arch_teardown_order(a, pr->tdi->dev, what);
	}
	if (!pr->must)
		return "TDX_DEVIF_TDISP_INVALID_STATE";
	/* sim_seq_next inserts right after this one: retry, then STOP first */
	sim_seq_next(pr->q, arch_t(a, AT_FW_CALL), "TDH.MMIO.UNMAP",
		     sub_mmio_unmap, pr, unit);
	sim_seq_next(pr->q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_STOP),
		     DEVIF_REQ " STOP_INTERFACE (host error path)",
		     sub_err_stop, pr, 0);
	return NULL;
}

static const char *sub_mmio_unmap(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;
	struct arch *a = pr->a;

	if (arch_rule(a, AR_TEARDOWN_UNMAP_LOCKED) && !tdi_released(pr->tdi))
		return unmap_refused(pr, unit);
	arch_prange_set(pr, unit, ARCH_PG_NONE);
	if ((unit + 1) * pr->psz == pr->size)
		arch_prange_retire(pr);
	return arch_fw(a, "TDH.MMIO.UNMAP", NULL);
}

static const char *tdx_unmap_private(struct arch *a, struct arch_vm *vm,
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
	for (size_t i = 0; i < n; i++) {
		struct arch_prange *pr = v[i];
		uint64_t units = pr->size / pr->psz;

		pr->q = q;
		pr->must = must;
		pr->refused = false;
		for (uint64_t u = 0; u < units; u++)
			sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.MMIO.BLOCK",
				    sub_mmio_block, pr, u);
		/* blocked entries leave the trusted IOTLB before the unmap */
		sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_IOTLB_INVAL),
			    "TDH.IQINV", sub_iqinv, pr->tdi, 0);
		for (uint64_t u = 0; u < units; u++)
			sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDH.MMIO.UNMAP",
				    sub_mmio_unmap, pr, u);
	}
	return NULL;
}

/* ---------------------------------------------------------- guest calls */

/* The guest's idea of where BAR @bar starts: its lowest mapping. */
static uint64_t bar_base(const struct arch *a, const struct arch_prange *pr)
{
	struct arch_prange *v[ARCH_MAX_PR];
	size_t n = arch_tdi_pranges(a, pr->tdi, pr->vm, (int)pr->bar, v,
				    ARCH_MAX_PR);
	uint64_t base = pr->gpa - pr->off, best = UINT64_MAX;

	for (size_t i = 0; i < n && i < ARCH_MAX_PR; i++)
		if (v[i]->off < best) {
			best = v[i]->off;
			base = v[i]->gpa - v[i]->off;
		}
	return base;
}

/*
 * TDG.MMIO.ACCEPT of one S-EPT leaf: the guest accepts at the level the
 * host mapped (4 KiB, 2 MiB or 1 GiB; intel/tdx-module tdg_mmio_accept.c
 * takes gpa|level, PT..PDPT), so @unit is a page-size unit of @ctx.
 */
static const char *sub_mmio_accept(struct sim *s, void *ctx, uint64_t unit)
{
	struct arch_prange *pr = ctx;
	struct arch *a = pr->a;
	const char *c = "TDG.TDI.MMIO.ACCEPT";

	if (!pcie_mmio_is_tee(pr->tdi->dev, pr->bar))
		return arch_fw(a, c, "MMIO_PAGE_NOT_IN_ASSOC_RANGE");
	if (!pr->live || pr->tdi->vm != pr->vm)
		return arch_fw(a, c, "MMIO_TDI_OWNER_MISMATCH");
	if (tdisp_state(pr->tdi->dev) != TDISP_ST_RUN)
		return arch_fw(a, c, "TDI_INVALID_STATE");
	/* the page's (range, offset) must be the HPA the report names */
	if (pr->gpa - pr->off != bar_base(a, pr))
		return arch_fw(a, c, "MMIO_INVALID_HPA_OFFSET");
	switch (pr->pg[unit * (pr->psz / ARCH_PAGE)]) {
	case ARCH_PG_ACCEPTED:
		return arch_fw(a, c, "PAGE_ALREADY_ACCEPTED");
	case ARCH_PG_PENDING:
		arch_prange_set(pr, unit, ARCH_PG_ACCEPTED);
		return arch_fw(a, c, NULL);
	default:
		return arch_fw(a, c, "TDX_OPERAND_INVALID");
	}
}

static const char *sub_dmar_accept(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (!ti->dmar_added)
		return arch_fw(ti->a, "TDG.DMAR.ACCEPT", "TDX_OPERAND_INVALID");
	arch_trusted_set(ti, true);
	return arch_fw(ti->a, "TDG.DMAR.ACCEPT", NULL);
}

static const char *sub_accept_plan(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	struct arch_vm *vm = ti->vm;
	struct arch_prange *v[ARCH_MAX_PR];
	struct arch_plan plan = { 0 };
	int bar = (int)(int64_t)arg;
	size_t n;

	if (!ti->bound || !vm)
		return arch_fw(a, "TDG.TDI.RD", "TDX_OPERAND_INVALID");
	arch_fw(a, "TDG.TDI.RD", NULL);
	/* the TD accepts only the lock epoch whose report it attested */
	if (!arch_attested(ti))
		return "EPERM";
	/*
	 * The TD accepts every page of the reported TEE ranges.  A page with
	 * no S-EPT entry makes TDG.MMIO.ACCEPT exit to the host with an EPT
	 * violation (tdx-module tdg_mmio_accept.c); KVM maps a pending
	 * private slot there (tsm_guest_accept ran that), else it has nothing
	 * to map and the vCPU run fails: EFAULT.  The model checks the whole
	 * report before the first accept.
	 */
	if ((bar < 0 || pcie_mmio_is_tee(ti->dev, (unsigned int)bar)) &&
	    arch_report_unmapped(a, ti, bar) >= 0)
		return arch_fw(a, "TDG.TDI.MMIO.ACCEPT", "EFAULT");
	n = arch_tdi_pranges(a, ti, vm, bar, v, ARCH_MAX_PR);
	for (size_t i = 0; i < n && i < ARCH_MAX_PR; i++) {
		/* non-TEE ranges are skipped unless the guest names the BAR */
		if (bar < 0 && !pcie_mmio_is_tee(ti->dev, v[i]->bar))
			continue;
		for (uint64_t u = 0; u < v[i]->size / v[i]->psz; u++)
			arch_plan_add(&plan, arch_t(a, AT_FW_CALL),
				      "TDG.TDI.MMIO.ACCEPT", sub_mmio_accept,
				      v[i], u);
	}
	arch_plan_add(&plan, arch_t(a, AT_FW_CALL), "TDG.DMAR.ACCEPT",
		      sub_dmar_accept, ti, 0);
	arch_plan_run(&plan, ti->q);
	return NULL;
}

static const char *tdx_guest_validate(struct arch *a, struct arch_vm *vm,
				      struct pcie_dev *dev, int bar,
				      struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;
	const char *r = tdx_err_state(ti, vm);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "TDG.TDI.RD", sub_accept_plan,
		    ti, (uint64_t)(int64_t)bar);
	return NULL;
}

static const char *sub_tdi_start(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (!ti->bound)
		return arch_fw(ti->a, "TDG.TDI.START", "TDX_OPERAND_INVALID");
	if (tdisp_state(ti->dev) != TDISP_ST_CONFIG_LOCKED)
		return arch_fw(ti->a, "TDG.TDI.START", "TDI_INVALID_STATE");
	arch_fw(ti->a, "TDG.TDI.START", NULL);
	ti->fw = DEVIF_REQ;
	return arch_sub_start(s, ti, 0);
}

static const char *tdx_guest_start(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;
	const char *r = tdx_err_state(ti, vm);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, 2 * arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_START),
		    "TDG.TDI.START", sub_tdi_start, ti, 0);
	return NULL;
}

/* ------------------------------------------------------------ DMA, owner */

static void tdx_trusted_translate(void *ctx, uint16_t rid, uint32_t pasid,
				  uint64_t iova, uint64_t size, bool write,
				  struct iommu_xlate *out)
{
	struct arch_tdi *ti = ctx;
	struct arch *a = ti->a;
	const struct arch_ram *ram;

	if (!ti->vm) {
		arch_trusted_fault(a, "trusted IOMMU: TDI not bound", out);
		return;
	}
	ram = arch_ram_at_gpa(ti->vm, iova);
	if (ram) {
		arch_trusted_fill(a, ram->hpa + (iova - ram->gpa), ARCH_PAGE, out);
		return;
	}
	arch_trusted_prange(a, ti->vm, iova,
			    "trusted IOMMU: S-EPT MMIO page not MMIO_MAPPED",
			    "trusted IOMMU: GPA not mapped in the S-EPT", out);
}

static const struct iommu_trusted_ops tdx_trusted = {
	.translate = tdx_trusted_translate,
};

static bool tdx_owned(const struct arch *a, const struct arch_tdi *ti,
		      uint64_t hpa)
{
	return ti->tracked && arch_tdi_hpa_tee(ti, hpa);
}

/* GPAW 48 or 52 (docs/arch/tdx.md) */
static bool tdx_addr_bits_ok(unsigned int bits)
{
	return bits == 48 || bits == 52;
}

static const struct arch_impl tdx_impl = {
	.desc = &arch_tdx_desc,
	.addr_bits_ok = tdx_addr_bits_ok,
	.why_mce = "on tdx a CPU access to it is a machine check",
	.why_host_fault = "on this tdx profile a CPU access to it is a host fault",
	.shared_tbl_fmt = "%s shared EPT",
	.priv_tbl_fmt = "%s S-EPT",
	.fw_spdm = "TDH.SPDM.CREATE",
	.fw_ide = "TDH.IDE.STREAM.CREATE",
	.fw_report = DEVIF_REQ,
	.fw_vm_destroy = "TDH.MNG.KEY.FREEID",
	/* a DEVIF is a child of the TD: the TDR cannot be reclaimed */
	.vm_busy_err = "TDX_TD_ASSOCIATED_PAGES_EXIST",
	.accept_exits = true,
	.pg_detail = {
		[ARCH_PG_NONE] = "EPT violation: no S-EPT entry",
		[ARCH_PG_PENDING] = "EPT violation: MMIO_PENDING (not accepted)",
		[ARCH_PG_BLOCKED] = "EPT violation: MMIO_BLOCKED",
	},
	.host_detail = {
		"MCE: host read of TEE MMIO of a locked TDI",
		"MCE: host write to TEE MMIO of a locked TDI",
		"MCE: host read of TDX-tracked TEE MMIO",
		"MCE: host write to TDX-tracked TEE MMIO",
	},
	.p2p_detail = "IOMMU P2P to TDX-tracked TEE MMIO refused",
	.dram_detail = "IOMMU: T=0 DMA to TD-private memory",
	.trusted = &tdx_trusted,
	.owned = tdx_owned,
};

static const struct arch_ops tdx_ops;

static struct arch *tdx_create(const struct arch_env *env,
			       const struct arch_profile *prof)
{
	return arch_common_create(&tdx_ops, &tdx_impl, env, prof);
}

static const struct arch_ops tdx_ops = {
	ARCH_COMMON_OPS,
	.name = "tdx",
	.create = tdx_create,
	.map_private = tdx_map_private,
	.unmap_private = tdx_unmap_private,
	.bind = tdx_bind,
	.unbind = tdx_unbind,
	.guest_validate = tdx_guest_validate,
	.guest_start = tdx_guest_start,
};

/* --------------------------------------- rules, timing, results, registry */

/* docs/arch/rules.md on tdx: each rule's default with its source */
static const struct arch_rule_default tdx_rules[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { SIM_RES_MCE,
		"[seed] Gunthorpe; Xu Yilun agrees (docs/arch/tdx.md); mechanism unpublished" },
	[AR_HOST_WRITE_LOCKED] = { SIM_RES_MCE,
		"[seed] (docs/arch/tdx.md)" },
	[AR_HOST_READ_OWNED] = { SIM_RES_MCE,
		"[seed] (docs/arch/tdx.md)" },
	[AR_HOST_WRITE_OWNED] = { SIM_RES_MCE,
		"[seed] (docs/arch/tdx.md)" },
	[AR_P2P_LOCKED] = { SIM_RES_UR,
		"the TDI rejects T=0 to TEE MMIO when locked [TDISP] §11.2.1" },
	[AR_P2P_OWNED] = { SIM_RES_UR,
		"no source says it is an MCE; the TDI rejects T=0 (docs/arch/rules.md)" },
	[AR_T0_PRIVATE_DRAM] = { SIM_RES_FAULT,
		"est.: the IOMMU refuses T=0 DMA to TD-private (keyed) memory" },
	[AR_PRIV_UNACCEPTED] = { SIM_RES_FAULT,
		"EPT violation on an MMIO_PENDING page [ovmm] (docs/arch/tdx.md)" },
	[AR_LATENT_AT_LOCK] = { SIM_FIND_LATENT_MCE,
		"[seed]; mechanism unpublished: latent_at_owner is the alternative knob" },
	[AR_LATENT_AT_OWNER] = { ARCH_NO_FINDING,
		"tdx uses latent_at_lock by default (see scenarios/profiles/tdx-mce-at-tracking.yaml)" },
	[AR_LATENT_AT_MAP] = { ARCH_NO_FINDING,
		"the third knob position: TDH.MMIO.MAP tags the S-EPT entry (tdx-module tdh_mmio_map.c)" },
	[AR_GUEST_S2_EXPECTED] = { 0,
		"S-EPT and shared EPT are separate tables: a shared entry is a hypervisor mapping" },
	[AR_TEARDOWN_UNMAP_LOCKED] = { 1,
		"Xu Yilun, LKML May 2025: remove the S-EPT MMIO mapping only after CONFIG_UNLOCKED (H2)" },
	[AR_TEARDOWN_VM_BOUND] = { 1,
		"Xu Yilun, May 2025: destroy the VM only after its TDIs (H2)" },
	[AR_VALIDATE_BEFORE_START] = { 0,
		"OpenVMM tdxconnect.rs: TDG.TDI.START first, then accept [ovmm]" },
	[AR_MAX_PRIVATE_PAGE] = { ARCH_MIB(1024),
		"TDH.MMIO.MAP takes levels PT..PDPT: 4 KiB, 2 MiB, 1 GiB (tdx-module tdh_mmio_map.c)" },
};

/* where tdx's latencies differ from the shared table (timing.c) */
static const struct arch_timing_default tdx_timing[] = {
	{ AT_FW_CALL, ARCH_US(2) },
	{ AT_FW_MMIO_MAP_PAGE, ARCH_NS(3500) },
};

/* the firmware result names a tdx step may end with */
static const struct arch_result_desc tdx_results[] = {
	{ "TDX_OPERAND_INVALID", ARCH_TDX, "a SEAMCALL operand is invalid",
	  "[tdxh]" },
	{ "TDX_OPERAND_BUSY", ARCH_TDX, "a SEAMCALL operand is locked by another call",
	  "[tdxh]" },
	{ "PAGE_ALREADY_ACCEPTED", ARCH_TDX, "TDG.TDI.MMIO.ACCEPT on an accepted page",
	  "[ovmm]" },
	{ "MMIO_PAGE_NOT_IN_ASSOC_RANGE", ARCH_TDX, "accept of a page outside the TDI's reported ranges",
	  "[ovmm]" },
	{ "MMIO_TDI_OWNER_MISMATCH", ARCH_TDX, "accept of MMIO owned by another TDI",
	  "[ovmm]" },
	{ "MMIO_INVALID_HPA_OFFSET", ARCH_TDX, "the host mapped a different HPA offset than the report",
	  "[ovmm]" },
	{ "TDI_INVALID_STATE", ARCH_TDX, "the TDI is not in the state the call needs",
	  "[ovmm]" },
	{ "TDX_DEVIF_TDISP_INVALID_STATE", ARCH_TDX, "TDH.MMIO.UNMAP while the TDI is locked and its IDE stream not blocked",
	  "tdx-module tdh_mmio_unmap.c" },
	{ "TDX_DEVIF_INVALID_STATE", ARCH_TDX, "TDH.DEVIF.REMOVE while the TDI is locked and its IDE stream not blocked",
	  "tdx-module tdh_devif_remove.c" },
	{ "TDX_DEVIF_HAS_MAPPED_DMA", ARCH_TDX, "TDH.DEVIF.REMOVE with the trusted DMA (DMAR) still added",
	  "tdx-module tdh_devif_remove.c" },
	{ "TDX_DEVIF_HAS_MAPPED_MMIO", ARCH_TDX, "TDH.DEVIF.REMOVE with private MMIO still mapped",
	  "tdx-module tdh_devif_remove.c" },
	{ "TDX_TD_ASSOCIATED_PAGES_EXIST", ARCH_TDX, "TD teardown while a DEVIF (a child of the TD) is left",
	  "tdx-module tdh_phymem_page_reclaim.c" },
};

const struct arch_desc arch_tdx_desc = {
	.name = "tdx",
	.ops = &tdx_ops,
	.gpa_bit_words = "the shared bit (GPA bit %u, gpaw %u)",
	.rules = tdx_rules,
	.timing = tdx_timing,
	.ntiming = sizeof(tdx_timing) / sizeof(tdx_timing[0]),
	.results = tdx_results,
	.nresults = sizeof(tdx_results) / sizeof(tdx_results[0]),
};
