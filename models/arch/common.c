// SPDX-License-Identifier: MIT
/*
 * common.c - what the three architectures share: the instance and its
 * lookups, trace facts, the TDISP relay sub-operations, the shared
 * stage-2, and the access hooks driven by the profile's rules
 * (docs/arch/rules.md).  The arch files add their firmware sequences.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_internal.h"

/* ------------------------------------------------------------ instance */

struct arch *arch_common_create(const struct arch_ops *ops,
				const struct arch_impl *impl,
				const struct arch_env *env,
				const struct arch_profile *prof)
{
	struct arch *a;

	if (!env || !env->s || !env->mem || !env->fab || !env->t || !prof)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->ops = ops;
	a->impl = impl;
	a->env = *env;
	a->prof = *prof;
	return a;
}

void arch_common_destroy(struct arch *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->ntdis; i++) {
		if (a->tdis[i]->trusted)
			arch_trusted_set(a->tdis[i], false);
		free(a->tdis[i]);
	}
	for (size_t i = 0; i < a->npr; i++) {
		free(a->pr[i]->pg);
		free(a->pr[i]);
	}
	for (size_t i = 0; i < a->nsr; i++)
		free(a->sr[i]);
	for (size_t i = 0; i < a->nvms; i++) {
		free(a->vms[i]->ram);
		free(a->vms[i]);
	}
	free(a->tdis);
	free(a->pr);
	free(a->sr);
	free(a->vms);
	free(a);
}

const struct arch_ops *arch_ops_get(enum arch_id id)
{
	const struct arch_desc *d = arch_desc_get(id);

	return d ? d->ops : NULL;
}

bool arch_one_s2_entry(const struct arch *a)
{
	return a->impl->one_s2_entry;
}

const struct arch_profile *arch_profile_of(const struct arch *a)
{
	return &a->prof;
}

/* -------------------------------------------------------------- lookup */

struct arch_tdi *arch_tdi_find(const struct arch *a, const struct pcie_dev *dev)
{
	for (size_t i = 0; i < a->ntdis; i++)
		if (a->tdis[i]->dev == dev)
			return a->tdis[i];
	return NULL;
}

struct arch_tdi *arch_tdi_get(struct arch *a, struct pcie_dev *dev)
{
	struct arch_tdi *ti = arch_tdi_find(a, dev);

	if (ti)
		return ti;
	ti = calloc(1, sizeof(*ti));
	TSM_BUG_ON(!ti);
	ti->a = a;
	ti->dev = dev;
	a->tdis = sim_xrealloc(a->tdis, a->ntdis + 1, sizeof(*a->tdis));
	a->tdis[a->ntdis++] = ti;
	return ti;
}

struct arch_tdi *arch_tdi_by_rid(const struct arch *a, uint16_t rid)
{
	for (size_t i = 0; i < a->ntdis; i++)
		if (pcie_dev_rid(a->tdis[i]->dev) == rid)
			return a->tdis[i];
	return NULL;
}

static bool in(uint64_t x, uint64_t base, uint64_t size)
{
	return x >= base && x - base < size;
}

struct arch_prange *arch_prange_at_gpa(const struct arch *a,
				       const struct arch_vm *vm, uint64_t gpa)
{
	for (size_t i = 0; i < a->npr; i++) {
		struct arch_prange *pr = a->pr[i];

		if (pr->live && pr->vm == vm && in(gpa, pr->gpa, pr->size))
			return pr;
	}
	return NULL;
}

struct arch_prange *arch_prange_at_hpa(const struct arch *a, uint64_t hpa)
{
	for (size_t i = 0; i < a->npr; i++) {
		struct arch_prange *pr = a->pr[i];

		if (pr->live && in(hpa, pr->hpa, pr->size))
			return pr;
	}
	return NULL;
}

struct arch_srange *arch_srange_at_gpa(const struct arch *a,
				       const struct arch_vm *vm, uint64_t gpa)
{
	for (size_t i = 0; i < a->nsr; i++) {
		struct arch_srange *sr = a->sr[i];

		if (sr->live && sr->vm == vm && in(gpa, sr->gpa, sr->size))
			return sr;
	}
	return NULL;
}

/*
 * The first RAM region at @gpa: the platform registers a confidential
 * guest's private backing before its shared one, so this is the private
 * page where there is one (what the trusted DMA paths reach).
 */
const struct arch_ram *arch_ram_at_gpa(const struct arch_vm *vm, uint64_t gpa)
{
	for (size_t i = 0; i < vm->nram; i++)
		if (in(gpa, vm->ram[i].gpa, vm->ram[i].size))
			return &vm->ram[i];
	return NULL;
}

/* The shared backing at @gpa (the VMM's memory), or NULL. */
const struct arch_ram *arch_ram_shared_at_gpa(const struct arch_vm *vm,
					      uint64_t gpa)
{
	for (size_t i = 0; i < vm->nram; i++)
		if (!vm->ram[i].priv && in(gpa, vm->ram[i].gpa, vm->ram[i].size))
			return &vm->ram[i];
	return NULL;
}

const struct arch_ram *arch_ram_at_hpa(const struct arch *a, uint64_t hpa,
				       const struct arch_vm **vmp)
{
	for (size_t v = 0; v < a->nvms; v++) {
		const struct arch_vm *vm = a->vms[v];

		if (vm->destroyed)
			continue;
		for (size_t i = 0; i < vm->nram; i++) {
			if (in(hpa, vm->ram[i].hpa, vm->ram[i].size)) {
				*vmp = vm;
				return &vm->ram[i];
			}
		}
	}
	return NULL;
}

/* Is @hpa inside a BAR of @ti that is TEE (IS_NON_TEE_MEM clear)? */
bool arch_tdi_hpa_tee(const struct arch_tdi *ti, uint64_t hpa)
{
	for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
		struct pcie_bar_cfg bar;

		if (pcie_dev_bar(ti->dev, b, &bar))
			continue;
		if (in(hpa, bar.hpa, bar.size))
			return pcie_mmio_is_tee(ti->dev, b);
	}
	return false;
}

bool arch_tdi_owned(const struct arch *a, uint64_t hpa)
{
	struct pcie_dev *dev;
	unsigned int bar;
	uint64_t off;
	struct arch_tdi *ti;

	if (pcie_fabric_decode_hpa(a->env.fab, hpa, &dev, &bar, &off))
		return false;
	ti = arch_tdi_find(a, dev);
	return ti && a->impl->owned(a, ti, hpa);
}

bool arch_accept_exits(const struct arch *a)
{
	return a->impl->accept_exits;
}

bool arch_tdi_bound(const struct arch *a, const struct pcie_dev *dev)
{
	struct arch_tdi *ti = arch_tdi_find(a, dev);

	return ti && ti->bound;
}

/* --------------------------------------------------------- trace facts */

/* Emit the firmware call; returns NULL for "ok", else @status. */
const char *arch_fw(struct arch *a, const char *call, const char *status)
{
	if (sim_trace_wanted(a->env.s, SIM_REC_FIRMWARE)) {
		struct sim_rec rec = { .type = SIM_REC_FIRMWARE };

		rec.u.fw.call = call;
		rec.u.fw.status = status ? status : "ok";
		sim_trace_emit(a->env.s, &rec);
	}
	return status && strcmp(status, "ok") ? status : NULL;
}

/* The hazard in words, as a reviewer would put it (docs/arch/rules.md). */
static const char *owner_why(const struct arch_impl *impl, int finding)
{
	if (finding == SIM_FIND_LATENT_MCE)
		return impl->why_mce;
	return finding == SIM_FIND_LATENT_HOST_FAULT ? impl->why_host_fault : NULL;
}

/* The live shared stage-2 mappings of the guest @dev is bound to. */
static size_t guest_own_ids(const struct arch *a, const struct pcie_dev *dev,
			    uint64_t *ids, size_t max)
{
	const struct arch_tdi *ti = arch_tdi_find(a, dev);
	size_t n = 0;

	for (size_t i = 0; ti && ti->vm && i < a->nsr && n < max; i++)
		if (a->sr[i]->live && a->sr[i]->vm == ti->vm)
			ids[n++] = a->sr[i]->map_id;
	return n;
}

void arch_owner(struct arch *a, struct pcie_dev *dev, uint64_t hpa,
		uint64_t size, const char *event, bool to_private)
{
	struct sim_rec rec = { .type = SIM_REC_OWNER };
	uint64_t exempt[64];

	if (!sim_trace_wanted(a->env.s, SIM_REC_OWNER))
		return;
	rec.u.owner.device = pcie_dev_name(dev);
	rec.u.owner.hpa = hpa;
	rec.u.owner.size = size;
	rec.u.owner.event = event;
	rec.u.owner.to_private = to_private;
	/* the hazard the profile attaches to this event (docs/arch/rules.md) */
	if (!strcmp(event, "lock"))
		rec.u.owner.finding = (int)arch_rule(a, AR_LATENT_AT_LOCK);
	else if (!strcmp(event, "mmio-map"))
		rec.u.owner.finding = (int)arch_rule(a, AR_LATENT_AT_MAP);
	else
		rec.u.owner.finding = to_private ?
			(int)arch_rule(a, AR_LATENT_AT_OWNER) : -1;
	/*
	 * sev: the bound guest's own NPT entries are expected (MMIO validate
	 * needs them); any other guest's shared slot of the MMIO, like a host
	 * mmap, is a hypervisor-side mapping (docs/arch/rules.md).
	 */
	if (arch_rule(a, AR_GUEST_S2_EXPECTED))
		rec.u.owner.nexempt = guest_own_ids(a, dev, exempt,
						    sizeof(exempt) / sizeof(exempt[0]));
	rec.u.owner.exempt_ids = exempt;
	rec.u.owner.arch = a->prof.name;
	rec.u.owner.why = owner_why(a->impl, rec.u.owner.finding);
	sim_trace_emit(a->env.s, &rec);
}

/* One OWNER record per TEE BAR of the TDI (tdx MMIO tracking, lock). */
void arch_owner_tee(struct arch *a, struct arch_tdi *ti, const char *event,
		    bool to_private)
{
	for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
		struct pcie_bar_cfg bar;

		if (pcie_dev_bar(ti->dev, b, &bar) ||
		    !pcie_mmio_is_tee(ti->dev, b))
			continue;
		arch_owner(a, ti->dev, bar.hpa, bar.size, event, to_private);
	}
}

/*
 * The arch alone knows its teardown rules: it publishes the fact and the
 * rule; the teardown-order checker turns it into the finding.
 */
void arch_teardown_order(struct arch *a, const struct pcie_dev *dev,
			 const char *what)
{
	struct sim_rec rec = { .type = SIM_REC_TEARDOWN };

	if (!sim_trace_wanted(a->env.s, SIM_REC_TEARDOWN))
		return;
	rec.u.teardown.device = pcie_dev_name(dev);
	rec.u.teardown.what = what;
	rec.u.teardown.forbidden = true;
	rec.u.teardown.arch = a->prof.name;
	rec.u.teardown.rule = "the arch profile's teardown rule (docs/arch/)";
	sim_trace_emit(a->env.s, &rec);
}

/* ----------------------------------------------------- TDISP relaying */

/*
 * One exchange through the shared requester (models/pcie tdisp_req.c):
 * the step's expect judges a relayed failure, so the record is expected.
 */
static const char *arch_xchg(struct arch_tdi *ti, struct tdisp_xchg *x)
{
	x->s = ti->a->env.s;
	x->dev = ti->dev;
	x->q = ti->q;
	x->doe_timeout = arch_t(ti->a, AT_DOE_TIMEOUT);
	x->expected = true;
	return tdisp_xchg_run(x);
}

/*
 * Relay one TDISP request through the firmware (ti->fw names the call:
 * TDH.DEVIF.REQUEST, the PSP, RMI_VDEV_*).  Takes effect now (the
 * sub-operation's completion).  A dropped request fails the sequence
 * with ETIMEDOUT after doe_timeout (docs/scenarios.md).
 */
const char *arch_tdisp(struct arch_tdi *ti, unsigned int code)
{
	struct arch *a = ti->a;
	struct tdisp_xchg *x = &ti->x;
	const char *res;

	tdisp_request_init(&x->req, ti->dev, code);
	/*
	 * START carries the nonce of the lock the guest attested: after a
	 * STOP + re-LOCK behind its back that nonce is stale and the device
	 * refuses START (INVALID_NONCE), so attestation binds the accept.
	 */
	if (code == TDISP_REQ_START_INTERFACE &&
	    tdisp_nonce_get(ti->dev, arch_attested(ti) ? TDISP_NONCE_VALID :
			    TDISP_NONCE_STALE, x->req.nonce))
		memset(x->req.nonce, 0, sizeof(x->req.nonce));
	res = arch_xchg(ti, x);
	arch_fw(a, ti->fw, x->rsp.dropped ? "ETIMEDOUT" :
		tdisp_response_result(&x->rsp));
	return res;
}

/*
 * The guest reads the interface report and the lock nonce when it
 * attests, modelled at the end of bind (every arch); what it checks at
 * accept is that the TDI is still in that lock epoch.
 */
void arch_attest_snapshot(struct arch_tdi *ti)
{
	ti->g_lock_epoch = tdisp_lock_epoch(ti->dev);
	ti->g_meas_seq = ti->meas_seq;
	ti->g_report_seq = ti->report_seq;
}

bool arch_attested(const struct arch_tdi *ti)
{
	return ti->g_lock_epoch == tdisp_lock_epoch(ti->dev);
}

/* A dropped request ends the sequence after the timeout: stop here. */
static bool dropped(const struct arch_tdi *ti)
{
	return ti->x.rsp.dropped;
}

const char *arch_sub_lock(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	const char *r = arch_tdisp(ti, TDISP_REQ_LOCK_INTERFACE);

	if (r || dropped(ti))
		return r;
	/* "The TDI locked" is now: the latent rule at LOCK applies here */
	arch_owner_tee(ti->a, ti, "lock", false);
	return NULL;
}

const char *arch_sub_report(struct sim *s, void *ctx, uint64_t arg)
{
	struct arch_tdi *ti = ctx;
	struct tdisp_xchg *x = &ti->x;
	const char *r;

	tdisp_request_init(&x->req, ti->dev,
			   TDISP_REQ_GET_DEVICE_INTERFACE_REPORT);
	x->req.offset = (uint16_t)arg;
	r = arch_xchg(ti, x);
	if (x->rsp.dropped)
		return r;
	arch_fw(ti->a, ti->fw, tdisp_response_result(&x->rsp));
	if (r)
		return r;
	/* the report comes in portions: fetch the rest */
	if (x->rsp.remainder_length)
		sim_seq_next(ti->q, arch_t(ti->a, AT_TDISP_REPORT),
			     "GET_DEVICE_INTERFACE_REPORT", arch_sub_report, ti,
			     arg + x->rsp.portion_length);
	return NULL;
}

const char *arch_sub_stop(struct sim *s, void *ctx, uint64_t arg)
{
	return arch_tdisp(ctx, TDISP_REQ_STOP_INTERFACE);
}

const char *arch_sub_start(struct sim *s, void *ctx, uint64_t arg)
{
	return arch_tdisp(ctx, TDISP_REQ_START_INTERFACE);
}

/*
 * The TDI an unbind plan starts from: bound, or NULL ("EINVAL").  The
 * plan starts empty; the arch adds its phases with arch_unbind_phase().
 */
struct arch_tdi *arch_unbind_start(struct arch *a, struct pcie_dev *dev,
				   struct sim_seq *q,
				   struct arch_unbind_plan *plan)
{
	struct arch_tdi *ti = dev ? arch_tdi_find(a, dev) : NULL;

	if (!ti || !ti->bound)
		return NULL;
	*plan = (struct arch_unbind_plan){ .a = a, .dev = dev };
	ti->q = q;	/* the sequence STOP's TDISP relay fails */
	return ti;
}

/* Add a phase: @push NULL is the host's (revoke + unmap), named @name. */
void arch_unbind_phase(struct arch_unbind_plan *plan, const char *name,
		       void (*push)(void *ctx, struct sim_seq *q), void *ctx)
{
	TSM_BUG_ON(plan->n >= ARCH_MAX_PHASES);
	plan->v[plan->n++] = (struct arch_phase){ name, push, ctx };
}

void arch_unbind_unmap(const struct arch_unbind_plan *plan,
		       struct sim_seq *q)
{
	struct arch_tdi *ti = arch_tdi_find(plan->a, plan->dev);

	if (ti)
		arch_unmap_tdi_private(ti, q);
}

/* ------------------------------------------------------------ checks */

const char *arch_bind_check(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct arch_tdi **out)
{
	struct arch_tdi *ti;

	if (!vm || !dev || vm->destroyed)
		return "EINVAL";
	if (!vm->confidential)
		return "EINVAL";
	ti = arch_tdi_get(a, dev);
	if (ti->bound)
		return "EBUSY";
	*out = ti;
	return NULL;
}

static bool pow2_page(uint64_t ps)
{
	return ps == ARCH_PAGE || ps == (2ULL << 20) || ps == (1ULL << 30);
}

const char *arch_map_check(struct arch *a, struct arch_vm *vm,
			   struct pcie_dev *dev, unsigned int bar,
			   uint64_t gpa, uint64_t offset, uint64_t size,
			   uint64_t page_size, struct arch_tdi **tip)
{
	struct pcie_bar_cfg b;
	struct arch_tdi *ti;

	if (!vm || vm->destroyed || !vm->confidential || !dev)
		return "EINVAL";
	if (pcie_dev_bar(dev, bar, &b))
		return "EINVAL";
	if (!pow2_page(page_size) || !size || size % page_size ||
	    gpa % page_size || offset % page_size ||
	    offset > b.size || size > b.size - offset ||
	    (b.hpa + offset) % page_size ||
	    gpa >= arch_vm_addr_limit(a, vm) ||
	    size > arch_vm_addr_limit(a, vm) - gpa)
		return "EINVAL";
	/*
	 * Xu Yilun's KVM RFC: private MMIO only for a device assigned to
	 * the same CoCo VM (docs/host.md).
	 */
	ti = arch_tdi_find(a, dev);
	if (!ti || !ti->bound || ti->vm != vm)
		return "EINVAL";
	for (uint64_t g = gpa; g < gpa + size; g += ARCH_PAGE)
		if (arch_prange_at_gpa(a, vm, g))
			return "EEXIST";
	*tip = ti;
	return NULL;
}

/* ---------------------------------------------------- private ranges */

struct arch_prange *arch_prange_new(struct arch *a, struct arch_vm *vm,
				    struct arch_tdi *ti, unsigned int bar,
				    uint64_t gpa, uint64_t offset,
				    uint64_t size, uint64_t page_size)
{
	struct arch_prange *pr = calloc(1, sizeof(*pr));
	struct pcie_bar_cfg b;

	TSM_BUG_ON(!pr || pcie_dev_bar(ti->dev, bar, &b));
	pr->a = a;
	pr->vm = vm;
	pr->tdi = ti;
	pr->bar = bar;
	pr->gpa = gpa;
	pr->off = offset;
	pr->hpa = b.hpa + offset;
	pr->size = size;
	pr->psz = page_size;
	pr->npg = size / ARCH_PAGE;
	pr->pg = calloc(pr->npg, 1);
	TSM_BUG_ON(!pr->pg);
	pr->live = true;
	a->pr = sim_xrealloc(a->pr, a->npr + 1, sizeof(*a->pr));
	a->pr[a->npr++] = pr;
	return pr;
}

/* The mapping exists from its first page on (ownership index, mem.h). */
void arch_prange_publish(struct arch_prange *pr)
{
	if (pr->map_id)
		return;
	pr->map_id = mem_map_add(pr->a->env.mem, SIM_MAP_S2_PRIVATE,
				 pr->vm->priv_tbl, pr->gpa, pr->hpa, pr->size,
				 true);
	/* the latent rule's third position (tdx: TDH.MMIO.MAP tags the entry) */
	arch_owner(pr->a, pr->tdi->dev, pr->hpa, pr->size, "mmio-map", true);
}

/* Set every 4 KiB page of page-size unit @unit to @st. */
void arch_prange_set(struct arch_prange *pr, uint64_t unit, enum arch_pg st)
{
	uint64_t per = pr->psz / ARCH_PAGE;

	TSM_BUG_ON((unit + 1) * per > pr->npg);
	memset(pr->pg + unit * per, st, per);
}

void arch_prange_retire(struct arch_prange *pr)
{
	if (pr->map_id)
		mem_map_remove(pr->a->env.mem, pr->map_id);
	pr->map_id = 0;
	pr->live = false;
	memset(pr->pg, ARCH_PG_NONE, pr->npg);
}

/*
 * The live private ranges of @vm inside [@gpa, @gpa + @size).  *@partial
 * is set when one straddles the boundary (unmap takes whole ranges).
 */
size_t arch_pranges_in(const struct arch *a, const struct arch_vm *vm,
		       uint64_t gpa, uint64_t size, struct arch_prange **out,
		       size_t max, bool *partial)
{
	size_t n = 0;

	*partial = false;
	for (size_t i = 0; i < a->npr; i++) {
		struct arch_prange *pr = a->pr[i];

		if (!pr->live || pr->vm != vm || pr->gpa >= gpa + size ||
		    pr->gpa + pr->size <= gpa)
			continue;
		if (pr->gpa < gpa || pr->gpa + pr->size > gpa + size)
			*partial = true;
		if (n < max)
			out[n] = pr;
		n++;
	}
	return n;
}

/* the host phase of an unbind without a host: unmap the TDI's private MMIO */
void arch_unmap_tdi_private(struct arch_tdi *ti, struct sim_seq *q)
{
	struct arch *a = ti->a;

	for (size_t i = 0; i < a->npr; i++) {
		struct arch_prange *pr = a->pr[i];

		if (pr->live && pr->tdi == ti)
			a->ops->unmap_private(a, pr->vm, pr->gpa, pr->size,
					      true, q);
	}
}

/* ------------------------------------------------------ trusted path */

void arch_trusted_set(struct arch_tdi *ti, bool on)
{
	struct arch *a = ti->a;

	if (!a->env.iommu || ti->trusted == on)
		return;
	TSM_BUG_ON(iommu_set_trusted(a->env.iommu, pcie_dev_rid(ti->dev),
				     on ? a->impl->trusted : NULL, ti));
	ti->trusted = on;
}

void arch_trusted_fill(struct arch *a, uint64_t hpa, uint64_t psz,
		       struct iommu_xlate *out)
{
	out->hpa = hpa;
	out->page_size = psz;
	out->fault = IOMMU_OK;
	/* est.: the trusted walk is modelled as an IOTLB hit */
	out->lat_cycles = arch_t(a, AT_IOTLB_HIT);
	out->iotlb_hit = true;
}

void arch_trusted_fault(struct arch *a, const char *detail,
			struct iommu_xlate *out)
{
	out->hpa = IOMMU_NO_HPA;
	out->fault = IOMMU_F_ARCH;
	out->detail = detail;
	out->lat_cycles = arch_t(a, AT_IOTLB_HIT);
}

/*
 * The trusted path's last leg on every arch: private MMIO of the guest is
 * reachable once accepted / validated, and refused with the arch's words
 * (@unaccepted, @unmapped) otherwise.
 */
void arch_trusted_prange(struct arch *a, const struct arch_vm *vm,
			 uint64_t iova, const char *unaccepted,
			 const char *unmapped, struct iommu_xlate *out)
{
	const struct arch_prange *pr = arch_prange_at_gpa(a, vm, iova);

	if (pr && pr->pg[(iova - pr->gpa) / ARCH_PAGE] == ARCH_PG_ACCEPTED)
		arch_trusted_fill(a, pr->hpa + (iova - pr->gpa), ARCH_PAGE, out);
	else
		arch_trusted_fault(a, pr ? unaccepted : unmapped, out);
}

/* sev and cca: pages changed owner when their private map assigned them. */
bool arch_prange_owned(const struct arch *a, const struct arch_tdi *ti,
		       uint64_t hpa)
{
	const struct arch_prange *pr = arch_prange_at_hpa(a, hpa);

	return pr && pr->pg[(hpa - pr->hpa) / ARCH_PAGE] != ARCH_PG_NONE;
}

/* ------------------------------------------------------------- plans */

/*
 * Sub-operations decided at run time (which pages to accept is known
 * only when the accept starts, after a START that ran before it) are
 * collected in a plan and inserted right after the running one, in
 * order.
 */
void arch_plan_add(struct arch_plan *p, sim_cycles_t lat, const char *name,
		   sim_subop_fn *fn, void *ctx, uint64_t arg)
{
	p->v = sim_xrealloc(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = (struct arch_plan_item){ lat, name, fn, ctx, arg };
}

void arch_plan_run(struct arch_plan *p, struct sim_seq *q)
{
	/* sim_seq_next inserts after the running one: insert in reverse */
	for (size_t i = p->n; i-- > 0;)
		sim_seq_next(q, p->v[i].lat, p->v[i].name, p->v[i].fn,
			     p->v[i].ctx, p->v[i].arg);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* A failed LOCK leaves no firmware binding behind. */
void arch_bind_rollback(struct arch_tdi *ti, const char *fw_remove)
{
	ti->bound = ti->tracked = ti->dmar_added = ti->sdte = false;
	arch_trusted_set(ti, false);
	ti->vm = NULL;
	if (fw_remove)
		arch_fw(ti->a, fw_remove, NULL);
}

/* The live private ranges of @ti in @vm on BAR @bar (all when < 0). */
size_t arch_tdi_pranges(const struct arch *a, const struct arch_tdi *ti,
			const struct arch_vm *vm, int bar,
			struct arch_prange **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < a->npr; i++) {
		struct arch_prange *pr = a->pr[i];

		if (!pr->live || pr->tdi != ti || pr->vm != vm ||
		    (bar >= 0 && pr->bar != (unsigned int)bar))
			continue;
		if (n < max)
			out[n] = pr;
		n++;
	}
	return n;
}

/*
 * Accept / validate work from the interface report the guest attested
 * (docs/arch/rules.md v1.2), not from what the host mapped: every page of a
 * reported TEE range (range id = BAR) must have a private mapping in the
 * TDI's guest.  Returns the bytes of BAR @bar not covered by one.  The
 * guest finds the range where the host mapped its first page (its BAR
 * window in the guest), so a range mapped nowhere is wholly missing.
 */
uint64_t arch_report_gap(const struct arch *a, const struct arch_tdi *ti,
			 unsigned int bar)
{
	struct arch_prange *v[ARCH_MAX_PR];
	struct pcie_bar_cfg b;
	uint64_t gap = 0;
	size_t n;

	if (pcie_dev_bar(ti->dev, bar, &b))
		return 0;
	n = arch_tdi_pranges(a, ti, ti->vm, (int)bar, v, ARCH_MAX_PR);
	if (n > ARCH_MAX_PR)
		n = ARCH_MAX_PR;
	/* page by page: one BAR offset may be mapped at two GPAs */
	for (uint64_t off = 0; off < b.size; off += ARCH_PAGE) {
		size_t i = 0;

		while (i < n && !in(off, v[i]->off, v[i]->size))
			i++;
		gap += i == n ? ARCH_PAGE : 0;
	}
	return gap;
}

/*
 * The first reported TEE range (all when @bar < 0, else BAR @bar) with a
 * page the host has not mapped privately; -1 when none.
 */
int arch_report_unmapped(const struct arch *a, const struct arch_tdi *ti,
			 int bar)
{
	for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
		struct pcie_bar_cfg cfg;

		if ((bar >= 0 && (unsigned int)bar != b) ||
		    pcie_dev_bar(ti->dev, b, &cfg) || !pcie_mmio_is_tee(ti->dev, b))
			continue;
		if (arch_report_gap(a, ti, b))
			return (int)b;
	}
	return -1;
}
