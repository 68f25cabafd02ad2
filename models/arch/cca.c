// SPDX-License-Identifier: MIT
/*
 * cca.c - Arm CCA RME-DA (domain.md §2, [rmm] TF-RMM smc-rmi.h,
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
	if (r || ti->rsp.dropped) {
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

static const char *cca_bind(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q)
{
	struct arch_tdi *ti;
	const char *r = arch_bind_check(a, vm, dev, &ti);

	if (r)
		return r;
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL), "RMI_VDEV_CREATE",
		    sub_vdev_create, ti, (uintptr_t)vm);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_LOCK),
		    "RMI_VDEV_LOCK", sub_vdev_lock, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_REPORT),
		    "RMI_VDEV_GET_INTERFACE_REPORT", sub_vdev_report, ti, 0);
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_DOE_ROUNDTRIP),
		    "RMI_VDEV_GET_MEASUREMENTS", sub_vdev_meas, ti, 0);
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

static void cca_unbind_fini(struct arch_tdi *ti, struct sim_seq *q)
{
	sim_seq_add(q, arch_t(ti->a, AT_FW_CALL), "RMI_VDEV_DESTROY",
		    sub_vdev_destroy, ti, 0);
}

static const char *cca_unbind(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, arch_host_part_fn *host_part,
			      void *host_ctx)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound)
		return "EINVAL";
	ti->q = q;
	ti->host_part = host_part;
	ti->host_ctx = host_ctx;
	ti->unbind_fini = cca_unbind_fini;
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_STOP),
		    "RMI_VDEV_UNLOCK", sub_vdev_unlock, ti, 0);
	sim_seq_add(q, 0, "host: revoke + unmap + undelegate",
		    arch_sub_host_part, ti, 0);
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

static const struct arch_impl cca_impl = {
	.id = ARCH_CCA,
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

static struct arch *cca_create(const struct arch_env *env,
			       const struct arch_profile *prof)
{
	return arch_common_create(&arch_cca_ops, &cca_impl, env, prof);
}

const struct arch_ops arch_cca_ops = {
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
