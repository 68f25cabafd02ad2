// SPDX-License-Identifier: MIT
/*
 * common_ops.c - the ops whose shape is the same on the three
 * architectures: guests, KVM's shared stage-2, connect, the accept
 * order, and the access hooks, which read the profile's rules (
 * docs/arch/rules.md) rather than hard-coding an arch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_internal.h"

/* --------------------------------------------------------------- guests */

struct arch_vm *arch_common_vm_create(struct arch *a, const char *name,
				      bool confidential, unsigned int addr_bits)
{
	struct arch_vm *vm;

	if (!addr_bits)
		addr_bits = 48;
	if (a->impl->addr_bits_ok && !a->impl->addr_bits_ok(addr_bits))
		return NULL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->a = a;
	snprintf(vm->name, sizeof(vm->name), "%s", name ? name : "vm");
	snprintf(vm->shared_tbl, sizeof(vm->shared_tbl),
		 a->impl->shared_tbl_fmt, vm->name);
	snprintf(vm->priv_tbl, sizeof(vm->priv_tbl), a->impl->priv_tbl_fmt,
		 vm->name);
	vm->confidential = confidential;
	vm->addr_bits = addr_bits;
	a->vms = sim_xrealloc(a->vms, a->nvms + 1, sizeof(*a->vms));
	a->vms[a->nvms++] = vm;
	return vm;
}

void arch_common_vm_ram(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			uint64_t hpa, uint64_t size, bool priv)
{
	vm->ram = sim_xrealloc(vm->ram, vm->nram + 1, sizeof(*vm->ram));
	vm->ram[vm->nram++] = (struct arch_ram){ gpa, hpa, size,
						 priv && vm->confidential };
}

/* the desc's address rule: 0 = the shared bit at addr_bits - 1 (tdx, cca) */
static uint64_t gpa_limit(const struct arch_desc *d, unsigned int addr_bits)
{
	if (!addr_bits)
		addr_bits = 48;
	if (d->addr_limit_bit)
		return 1ULL << d->addr_limit_bit;
	return 1ULL << (addr_bits - 1);
}

uint64_t arch_gpa_limit(enum arch_id id, unsigned int addr_bits)
{
	const struct arch_desc *d = arch_desc_get(id);

	return d ? gpa_limit(d, addr_bits) : 0;
}

const char *arch_gpa_bit_words(enum arch_id id, unsigned int addr_bits,
			       char *buf, size_t len)
{
	const struct arch_desc *d = arch_desc_get(id);
	uint64_t limit;

	if (!d)
		return NULL;
	limit = gpa_limit(d, addr_bits);
	/* the format takes the bit and the width (sev's only the bit) */
	snprintf(buf, len, d->gpa_bit_words, (unsigned int)__builtin_ctzll(limit),
		 addr_bits ? addr_bits : 48);
	return buf;
}

uint64_t arch_vm_addr_limit(const struct arch *a, const struct arch_vm *vm)
{
	return gpa_limit(a->impl->desc, vm->addr_bits);
}

uint64_t arch_vm_addr(const struct arch *a, const struct arch_vm *vm,
		      uint64_t gpa, bool priv)
{
	/* tdx: shared bit gpaw - 1; cca: top IPA bit unprotected (§2) */
	if (!a->impl->desc->addr_limit_bit && !priv && vm->confidential)
		return gpa | arch_vm_addr_limit(a, vm);
	return gpa;
}

static const char *sub_vm_destroy(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_vm *vm = ctx;
	struct arch *a = vm->a;

	for (size_t i = 0; i < a->nsr; i++) {
		struct arch_srange *sr = a->sr[i];

		if (sr->live && sr->vm == vm) {
			mem_map_remove(a->env.mem, sr->map_id);
			sr->live = false;
		}
	}
	for (size_t i = 0; i < a->ntdis; i++) {
		struct arch_tdi *ti = a->tdis[i];

		if (ti->vm != vm)
			continue;
		/* tdx: the TD cannot go while a DEVIF is its child */
		if (ti->bound && a->impl->vm_busy_err)
			return arch_fw(a, a->impl->fw_vm_destroy,
				       a->impl->vm_busy_err);
		/* sev, cca: the model drops the binding with the guest */
		arch_trusted_set(ti, false);
		ti->bound = ti->tracked = ti->dmar_added = ti->sdte = false;
		ti->vm = NULL;
	}
	for (size_t i = 0; i < a->npr; i++)
		if (a->pr[i]->live && a->pr[i]->vm == vm)
			arch_prange_retire(a->pr[i]);
	vm->destroyed = true;
	return arch_fw(a, a->impl->fw_vm_destroy, NULL);
}

const char *arch_common_vm_destroy(struct arch *a, struct arch_vm *vm,
				   struct sim_seq *q)
{
	if (!vm || vm->destroyed)
		return "EINVAL";
	sim_seq_add(q, arch_t(a, AT_FW_CALL), a->impl->fw_vm_destroy,
		    sub_vm_destroy, vm, 0);
	return NULL;
}

size_t arch_vm_bound_check(struct arch *a, const struct arch_vm *vm)
{
	size_t n = 0;

	for (size_t i = 0; vm && i < a->ntdis; i++) {
		struct arch_tdi *ti = a->tdis[i];

		if (!ti->bound || ti->vm != vm)
			continue;
		n++;
		if (arch_rule(a, AR_TEARDOWN_VM_BOUND))
			arch_teardown_order(a, ti->dev,
					    "guest destroyed while its TDI is bound: "
					    "the host unbinds it first");
	}
	return n;
}

/* ------------------------------------------------------- shared stage-2 */

const char *arch_common_map_shared(struct arch *a, struct arch_vm *vm,
				   uint64_t gpa, uint64_t hpa, uint64_t size,
				   uint64_t page_size, uint64_t *map_id)
{
	struct arch_srange *sr;

	if (!vm || vm->destroyed || !page_size || page_size % ARCH_PAGE ||
	    !size || size % page_size || gpa % page_size || hpa % page_size ||
	    gpa >= arch_vm_addr_limit(a, vm) ||
	    size > arch_vm_addr_limit(a, vm) - gpa)
		return "EINVAL";
	for (uint64_t g = gpa; g < gpa + size; g += ARCH_PAGE) {
		if (arch_srange_at_gpa(a, vm, g))
			return "EEXIST";
		/* sev: one NPT entry per GPA, private or not (docs/scenarios.md) */
		if (a->impl->one_s2_entry && arch_prange_at_gpa(a, vm, g))
			return "EEXIST";
	}
	sr = calloc(1, sizeof(*sr));
	TSM_BUG_ON(!sr);
	*sr = (struct arch_srange){ vm, gpa, hpa, size, 0, true, false };
	/*
	 * A caller that already published the mapping (KVM's memslot, which
	 * counts as a hypervisor mapping with or without entries) passes its
	 * id in: the entries are part of it, not a second mapping.
	 */
	if (map_id && *map_id) {
		sr->map_id = *map_id;
	} else {
		sr->map_id = mem_map_add(a->env.mem, SIM_MAP_S2_SHARED,
					 vm->shared_tbl, gpa, hpa, size, true);
		sr->own_map = true;
	}
	a->sr = sim_xrealloc(a->sr, a->nsr + 1, sizeof(*a->sr));
	a->sr[a->nsr++] = sr;
	if (map_id)
		*map_id = sr->map_id;
	return NULL;
}

const char *arch_common_unmap_shared(struct arch *a, struct arch_vm *vm,
				     uint64_t gpa, uint64_t size)
{
	bool any = false;

	if (!vm)
		return "EINVAL";
	for (size_t i = 0; i < a->nsr; i++) {
		struct arch_srange *sr = a->sr[i];

		if (!sr->live || sr->vm != vm || sr->gpa >= gpa + size ||
		    sr->gpa + sr->size <= gpa)
			continue;
		if (sr->own_map)
			mem_map_remove(a->env.mem, sr->map_id);
		sr->live = false;
		any = true;
	}
	return any ? NULL : "ENOENT";
}

/* -------------------------------------------------------------- connect */

static const char *sub_spdm(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ide_spdm_connect(ti->dev);
	return arch_fw(ti->a, ti->a->impl->fw_spdm, NULL);
}

static const char *sub_ide(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	if (ide_keys_program(ti->dev, 0))
		return arch_fw(ti->a, ti->a->impl->fw_ide, "EIO");
	ti->stream_blocked = false;	/* tdx: a new stream, not blocked */
	return arch_fw(ti->a, ti->a->impl->fw_ide, NULL);
}

const char *arch_common_connect(struct arch *a, struct pcie_dev *dev, bool ide,
				struct sim_seq *q)
{
	struct arch_tdi *ti;

	if (!dev)
		return "EINVAL";
	ti = arch_tdi_get(a, dev);
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_SPDM_SESSION), a->impl->fw_spdm, sub_spdm,
		    ti, 0);
	if (ide)
		sim_seq_add(q, arch_t(a, AT_IDE_KEYS), a->impl->fw_ide, sub_ide,
			    ti, 0);
	return NULL;
}

static const char *sub_refresh(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;

	ti->fw = ti->a->impl->fw_report;
	/* cca: every fetch through the RMM bumps the report sequence [rmm] */
	ti->report_seq++;
	return arch_sub_report(s, ti, 0);
}

const char *arch_common_refresh_report(struct arch *a, struct pcie_dev *dev,
				       struct sim_seq *q)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound)
		return "EINVAL";
	ti->q = q;
	sim_seq_add(q, arch_t(a, AT_FW_CALL) + arch_t(a, AT_TDISP_REPORT),
		    a->impl->fw_report, sub_refresh, ti, 0);
	return NULL;
}

/* docs/scenarios.md "What `guest.accept` does" */
const char *arch_common_guest_accept(struct arch *a, struct arch_vm *vm,
				     struct pcie_dev *dev, int bar,
				     struct sim_seq *q)
{
	const char *r;

	if (arch_rule(a, AR_VALIDATE_BEFORE_START)) {
		r = a->ops->guest_validate(a, vm, dev, bar, q);
		return r ? r : a->ops->guest_start(a, vm, dev, q);
	}
	r = a->ops->guest_start(a, vm, dev, q);
	return r ? r : a->ops->guest_validate(a, vm, dev, bar, q);
}

/* ---------------------------------------------------------- access hooks */

static void x_set(struct arch_xlate *out, enum arch_xlate_status st,
		  uint64_t hpa, uint64_t map_id, const char *detail)
{
	out->status = st;
	out->hpa = hpa;
	out->map_id = map_id;
	out->detail = detail;
}

static void xlate_private(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			  struct arch_xlate *out)
{
	const struct arch_prange *pr = arch_prange_at_gpa(a, vm, gpa);
	const struct arch_ram *ram;
	enum arch_pg st;

	if (pr) {
		st = pr->pg[(gpa - pr->gpa) / ARCH_PAGE];
		if (st == ARCH_PG_ACCEPTED ||
		    (st == ARCH_PG_PENDING &&
		     arch_rule(a, AR_PRIV_UNACCEPTED) == SIM_RES_OK))
			x_set(out, ARCH_X_OK, pr->hpa + (gpa - pr->gpa),
			      pr->map_id, NULL);
		else if (st == ARCH_PG_PENDING)
			x_set(out, ARCH_X_UNACCEPTED, 0, pr->map_id,
			      a->impl->pg_detail[st]);
		else if (st == ARCH_PG_NONE)
			x_set(out, ARCH_X_NOT_MAPPED, 0, 0,
			      a->impl->pg_detail[st]);
		else
			x_set(out, ARCH_X_FAULT, 0, pr->map_id,
			      a->impl->pg_detail[st]);
		return;
	}
	ram = arch_ram_at_gpa(vm, gpa);
	if (ram && ram->priv)
		x_set(out, ARCH_X_OK, ram->hpa + (gpa - ram->gpa), 0, NULL);
	else if (ram)
		x_set(out, ARCH_X_FAULT, 0, 0, "private access to shared RAM");
	else if (a->impl->priv_on_shared_detail && arch_srange_at_gpa(a, vm, gpa))
		x_set(out, ARCH_X_FAULT, 0, 0, a->impl->priv_on_shared_detail);
	else
		x_set(out, ARCH_X_NOT_MAPPED, 0, 0, "no private stage-2 entry");
}

/*
 * A guest's shared-view access that reached @hpa: on sev and cca, MMIO
 * that changed owner (RMP assigned / Realm PAS) is checked for the guest
 * too, so the access faults in the stage-2 (docs/arch/rules.md: the RMP checks
 * a guest's C=0 accesses as well as C=1, a nested page fault; the GPC
 * check on cca) instead of reaching the device.  tdx leaves it to
 * host_check (a machine check).
 */
static void shared_hit(struct arch *a, uint64_t hpa, uint64_t map_id,
		       struct arch_xlate *out)
{
	if (a->impl->shared_owned_detail && arch_tdi_owned(a, hpa))
		x_set(out, ARCH_X_FAULT, 0, map_id, a->impl->shared_owned_detail);
	else
		x_set(out, ARCH_X_OK, hpa, map_id, NULL);
}

static void xlate_shared(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			 struct arch_xlate *out)
{
	const struct arch_srange *sr = arch_srange_at_gpa(a, vm, gpa);
	const struct arch_prange *pr;
	const struct arch_ram *ram;

	if (sr) {
		shared_hit(a, sr->hpa + (gpa - sr->gpa), sr->map_id, out);
		return;
	}
	/* sev: the one NPT entry serves C=0 too; the RMP judges it */
	pr = a->impl->one_s2_entry ? arch_prange_at_gpa(a, vm, gpa) : NULL;
	if (pr && pr->pg[(gpa - pr->gpa) / ARCH_PAGE] != ARCH_PG_NONE) {
		shared_hit(a, pr->hpa + (gpa - pr->gpa), pr->map_id, out);
		return;
	}
	/* the shared view reaches the VMM's memory, not guest_memfd pages */
	ram = arch_ram_shared_at_gpa(vm, gpa);
	if (!ram)
		ram = arch_ram_at_gpa(vm, gpa);
	if (ram && !ram->priv)
		x_set(out, ARCH_X_OK, ram->hpa + (gpa - ram->gpa), 0, NULL);
	else if (ram && a->impl->shared_on_priv_ram_detail)
		x_set(out, ARCH_X_FAULT, 0, 0, a->impl->shared_on_priv_ram_detail);
	else
		x_set(out, ARCH_X_NOT_MAPPED, 0, 0, "no shared stage-2 entry");
}

void arch_common_guest_xlate(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			     bool priv, bool write, struct arch_xlate *out)
{
	out->lat = arch_t(a, AT_CPU_TLB_HIT);
	if (!vm || vm->destroyed) {
		x_set(out, ARCH_X_FAULT, 0, 0, "guest destroyed");
		return;
	}
	if (priv && !vm->confidential) {
		x_set(out, ARCH_X_FAULT, 0, 0, "private view of a non-confidential guest");
		return;
	}
	if (priv)
		xlate_private(a, vm, gpa, out);
	else
		xlate_shared(a, vm, gpa, out);
}

/* Decide a locked-TEE-MMIO verdict from rule @r. */
static void verdict(struct arch *a, enum arch_rule r, const char *stop_detail,
		    struct arch_check *out)
{
	int64_t v = arch_rule(a, r);

	if (v == SIM_RES_OK || v == SIM_RES_UR) {
		out->result = SIM_RES_OK;
		out->detail = "T=0 to TEE MMIO of a locked TDI: the device rejects it";
	} else {
		out->result = (int)v;
		out->detail = stop_detail;
	}
}

/*
 * Which TDI's TEE MMIO @hpa is, and whether it is locked / owned.
 * Returns false when the rules of docs/arch/rules.md do not apply (DRAM, no
 * device, non-TEE range, TDI unlocked and not owned).
 */
static bool tee_target(struct arch *a, uint64_t hpa, bool *owned)
{
	struct pcie_dev *dev;
	struct arch_tdi *ti;
	unsigned int bar;
	uint64_t off;

	if (pcie_fabric_decode_hpa(a->env.fab, hpa, &dev, &bar, &off))
		return false;
	if (!pcie_mmio_is_tee(dev, bar))
		return false;
	/* pages change owner only for a TDI the arch knows (this is hot) */
	ti = arch_tdi_find(a, dev);
	*owned = ti && a->impl->owned(a, ti, hpa);
	return *owned || tdisp_state(dev) != TDISP_ST_CONFIG_UNLOCKED;
}

void arch_common_host_check(struct arch *a, uint64_t hpa, bool write,
			    struct arch_check *out)
{
	bool owned;
	enum arch_rule r;

	out->result = SIM_RES_OK;
	out->detail = NULL;
	if (!tee_target(a, hpa, &owned))
		return;
	r = owned ? (write ? AR_HOST_WRITE_OWNED : AR_HOST_READ_OWNED) :
		    (write ? AR_HOST_WRITE_LOCKED : AR_HOST_READ_LOCKED);
	verdict(a, r, a->impl->host_detail[r - AR_HOST_READ_LOCKED], out);
}

void arch_common_dma_check(struct arch *a, uint16_t rid, uint64_t hpa,
			   bool tee, bool write, struct arch_check *out)
{
	const struct arch_vm *vm;
	const struct arch_ram *ram;
	bool owned;
	int64_t v;

	out->result = SIM_RES_OK;
	out->detail = NULL;
	if (tee)
		return;		/* the trusted path checked it; the device decides */
	if (tee_target(a, hpa, &owned)) {
		verdict(a, owned ? AR_P2P_OWNED : AR_P2P_LOCKED,
			a->impl->p2p_detail, out);
		return;
	}
	ram = arch_ram_at_hpa(a, hpa, &vm);
	if (ram && ram->size) {
		/* the same RAM region, so the same answer (no BAR is in DRAM) */
		out->same_lo = ram->hpa;
		out->same_hi = ram->hpa + (ram->size - 1);
	}
	if (!ram || !ram->priv)
		return;
	v = arch_rule(a, AR_T0_PRIVATE_DRAM);
	if (v != SIM_RES_OK && v != SIM_RES_UR) {
		out->result = (int)v;
		out->detail = a->impl->dram_detail;
	}
}

/* ----------------------------------------------------------- latent rule */

static bool guest_own(const struct arch *a, const struct arch_tdi *ti,
		      const struct mem_mapping *m)
{
	if (!ti || !ti->vm || m->kind != SIM_MAP_S2_SHARED)
		return false;
	for (size_t i = 0; i < a->nsr; i++)
		if (a->sr[i]->live && a->sr[i]->vm == ti->vm &&
		    a->sr[i]->map_id == m->id)
			return true;
	return false;
}

size_t arch_latent_scan(struct arch *a, struct pcie_dev *dev,
			const char *event, const struct mem_mapping **out,
			size_t max, int *finding)
{
	const struct arch_tdi *ti = arch_tdi_find(a, dev);
	bool exempt = arch_rule(a, AR_GUEST_S2_EXPECTED);
	size_t n = 0;

	*finding = (int)arch_rule(a, !strcmp(event, "lock") ? AR_LATENT_AT_LOCK :
				  !strcmp(event, "map") ? AR_LATENT_AT_MAP :
				  AR_LATENT_AT_OWNER);
	if (*finding < 0)
		return 0;
	for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
		const struct mem_mapping *found[32];
		struct pcie_bar_cfg bar;
		size_t k;

		if (pcie_dev_bar(dev, b, &bar) || !pcie_mmio_is_tee(dev, b))
			continue;
		k = mem_map_find(a->env.mem, bar.hpa, bar.size, MEM_CPU_HYP_KINDS,
				 found, 32);
		for (size_t i = 0; i < k && i < 32; i++) {
			if (exempt && guest_own(a, ti, found[i]))
				continue;
			if (n < max)
				out[n] = found[i];
			n++;
		}
	}
	return n;
}
