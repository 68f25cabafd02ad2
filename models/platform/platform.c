// SPDX-License-Identifier: MIT
/*
 * platform.c - the machine and its access pipelines.  The pipelines do no
 * allocation: traffic runs through them once per access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

struct platform {
	struct sim *s;
	struct mem *mem;
	struct iommu *iommu;
	struct pcie_fabric *fab;
	const struct arch_ops *ops;
	struct arch *arch;
	uint64_t t[AT_NR];
	struct plat_guest **guests;
	size_t nguests;
	plat_fault_fn *fault_fn;
	void *fault_ctx;
	uint64_t *st_accesses, *st_dma;
	struct iommu_again again;	/* plat_dma_same_page() */
};

struct platform *plat_create(struct sim *s, const struct plat_config *cfg,
			     const char **err)
{
	struct platform *p = calloc(1, sizeof(*p));
	struct iommu_config ic = cfg->iommu;
	int rc;

	TSM_BUG_ON(!p);
	p->s = s;
	memcpy(p->t, cfg->timing, sizeof(p->t));
	ic.timing.iotlb_hit = p->t[AT_IOTLB_HIT];
	ic.timing.walk_level = p->t[AT_WALK_LEVEL];
	ic.timing.inval = p->t[AT_IOTLB_INVAL];
	p->mem = mem_create(s);
	p->fab = pcie_fabric_create(s);
	rc = iommu_create(s, &ic, &p->iommu);
	if (rc || !p->fab) {
		*err = "platform.iommu: the IOTLB geometry or levels are not supported";
		plat_destroy(p);
		return NULL;
	}
	p->again = iommu_again_handle(p->iommu);
	p->ops = cfg->ops;
	if (p->ops) {
		struct arch_env env = { s, p->mem, p->iommu, p->fab, p->t };

		p->arch = p->ops->create(&env, cfg->prof);
		if (!p->arch) {
			*err = "the arch model could not be created";
			plat_destroy(p);
			return NULL;
		}
	}
	p->st_accesses = sim_stat(s, "access.cpu");
	p->st_dma = sim_stat(s, "access.dma");
	return p;
}

void plat_destroy(struct platform *p)
{
	if (!p)
		return;
	if (p->arch)
		p->ops->destroy(p->arch);
	for (size_t i = 0; i < p->nguests; i++)
		free(p->guests[i]);
	free(p->guests);
	if (p->iommu)
		iommu_destroy(p->iommu);
	pcie_fabric_destroy(p->fab);
	mem_destroy(p->mem);
	free(p);
}

struct sim *plat_sim(const struct platform *p) { return p->s; }
struct mem *plat_mem(const struct platform *p) { return p->mem; }
struct iommu *plat_iommu(const struct platform *p) { return p->iommu; }
struct pcie_fabric *plat_fabric(const struct platform *p) { return p->fab; }
struct arch *plat_arch(const struct platform *p) { return p->arch; }
const struct arch_ops *plat_arch_ops(const struct platform *p) { return p->ops; }

uint64_t plat_t(const struct platform *p, enum arch_timing t)
{
	return p->t[t];
}

int plat_add_device(struct platform *p, struct pcie_dev_cfg *cfg,
		    struct pcie_dev **out)
{
	struct pcie_dev *dev;
	int rc;

	/* the memory map is the authority on HPAs: place the BARs first */
	for (unsigned int i = 0; i < cfg->nbars; i++) {
		rc = mem_add_window(p->mem, &cfg->bars[i].hpa, cfg->bars[i].size,
				    NULL, cfg->bars[i].index);
		if (rc)
			return rc;
	}
	rc = pcie_dev_add(p->fab, cfg, &dev);
	if (rc)
		return rc;
	/* now that the device exists, give its windows their owner */
	for (unsigned int i = 0; i < cfg->nbars; i++)
		mem_set_window_owner(p->mem, cfg->bars[i].hpa, dev);
	if (out)
		*out = dev;
	return 0;
}

struct pcie_dev *plat_device(const struct platform *p, const char *name)
{
	return pcie_dev_find(p->fab, name);
}

struct plat_guest *plat_add_guest(struct platform *p, const char *name,
				  bool confidential, uint64_t ram_size,
				  unsigned int addr_bits)
{
	struct plat_guest *g = calloc(1, sizeof(*g));

	TSM_BUG_ON(!g);
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->confidential = confidential;
	g->ram_size = ram_size;
	g->addr_bits = addr_bits;
	if (mem_alloc_dram(p->mem, ram_size, 0x200000, &g->ram_hpa)) {
		free(g);
		return NULL;
	}
	g->shared_hpa = g->ram_hpa;
	/*
	 * A confidential guest's RAM has two backings, as with guest_memfd
	 * (KVM_MEM_GUEST_MEMFD memslots): private pages for the private view,
	 * and the VMM's shared memory (userspace_addr) for the shared one.
	 */
	if (confidential &&
	    mem_alloc_dram(p->mem, ram_size, 0x200000, &g->shared_hpa)) {
		free(g);
		return NULL;
	}
	if (p->ops) {
		g->vm = p->ops->vm_create(p->arch, g->name, confidential,
					  addr_bits);
		if (!g->vm) {
			free(g);
			return NULL;
		}
		/* the private backing first: trusted paths look it up first */
		p->ops->vm_ram(p->arch, g->vm, 0, g->ram_hpa, ram_size,
			       confidential);
		if (confidential)
			p->ops->vm_ram(p->arch, g->vm, 0, g->shared_hpa,
				       ram_size, false);
	}
	p->guests = sim_xrealloc(p->guests, p->nguests + 1, sizeof(*p->guests));
	p->guests[p->nguests++] = g;
	return g;
}

struct plat_guest *plat_guest(const struct platform *p, const char *name)
{
	for (size_t i = 0; i < p->nguests; i++)
		if (!strcmp(p->guests[i]->name, name))
			return p->guests[i];
	return NULL;
}

size_t plat_guest_count(const struct platform *p)
{
	return p->nguests;
}

struct plat_guest *plat_guest_at(const struct platform *p, size_t i)
{
	return i < p->nguests ? p->guests[i] : NULL;
}

int plat_guest_ram_hpa(const struct plat_guest *g, uint64_t gpa, uint64_t size,
		       bool priv, uint64_t *hpa)
{
	if (gpa >= g->ram_size || size > g->ram_size - gpa)
		return -EFAULT;
	*hpa = (priv ? g->ram_hpa : g->shared_hpa) + gpa;
	return 0;
}

void plat_set_fault_handler(struct platform *p, plat_fault_fn *fn, void *ctx)
{
	p->fault_fn = fn;
	p->fault_ctx = ctx;
}

/* ------------------------------------------------------------- pipelines */

static void access_reset(struct plat_access *a)
{
	a->result = SIM_RES_OK;
	a->lat = 0;
	a->hpa = IOMMU_NO_HPA;
	a->map_id = 0;
	a->stale = a->dropped_silently = a->unaccepted = a->not_issued = false;
	a->repeatable = a->again = false;
	a->tlb_slot = -1;
	a->tlb_gen = 0;
	a->data = 0;
	a->detail = NULL;
	a->dev = NULL;
	a->bar = -1;
	a->off = 0;
}

/*
 * The last leg: DRAM answers; a BAR window hands the request to the
 * function with the T bit it carries; nothing decoding it is a master
 * abort (`ur`).  A rejected write is posted: its issuer is never told.
 */
static void to_target(struct platform *p, struct plat_access *a, bool tee,
		      struct mem_target *tp)
{
	struct mem_target t;
	struct pcie_mmio_req req;
	enum sim_result res;

	mem_decode(p->mem, a->hpa, &t);
	if (tp)
		*tp = t;
	if (t.kind == MEM_DRAM) {
		a->lat += p->t[AT_MEMORY];
		return;
	}
	if (t.kind == MEM_NONE || !t.owner) {
		a->result = SIM_RES_UR;
		a->detail = "no BAR or DRAM decodes the address (master abort)";
		a->data = ~0ULL;
		a->dropped_silently = a->write;
		return;
	}
	a->dev = t.owner;
	a->bar = (int)t.bar;
	a->off = t.offset;
	a->lat += 2 * p->t[AT_FABRIC] + p->t[AT_MMIO_DECODE];
	req = (struct pcie_mmio_req){
		.bar = t.bar, .offset = t.offset, .size = a->size,
		.write = a->write, .tee = tee, .on_bound_stream = tee,
		.data = a->value,
	};
	if (pcie_mmio_access(a->dev, &req, &res)) {
		a->result = SIM_RES_UR;
		a->detail = "malformed request (crosses the BAR or a bad size)";
		return;
	}
	a->result = res;
	a->data = req.data;
	if (res != SIM_RES_OK) {
		a->detail = req.detail;
		a->dropped_silently = a->write;
	}
}

static bool arch_check_host(struct platform *p, struct plat_access *a)
{
	struct arch_check c = { SIM_RES_OK, NULL, 0, 0 };

	if (p->ops)
		p->ops->host_check(p->arch, a->hpa, a->write, &c);
	if (c.result == SIM_RES_OK)
		return true;
	a->result = (enum sim_result)c.result;
	a->detail = c.detail;
	a->dropped_silently = a->write && c.result == SIM_RES_UR;
	return false;
}

static bool guest_translate(struct platform *p, struct plat_guest *g,
			    struct plat_access *a, bool *faulted_in)
{
	struct arch_xlate x = { ARCH_X_NOT_MAPPED, 0, 0, 0, NULL };

	for (int tries = 0; tries < 2; tries++) {
		if (p->ops)
			p->ops->guest_xlate(p->arch, g->vm, a->addr, a->priv,
					    a->write, &x);
		a->lat += x.lat;
		if (x.status != ARCH_X_NOT_MAPPED || tries || !p->fault_fn ||
		    !p->fault_fn(p->fault_ctx, g, a->addr, a->priv, a->write,
				 &a->lat))
			break;
		*faulted_in = true;
	}
	a->detail = x.detail;
	a->map_id = x.map_id;
	switch (x.status) {
	case ARCH_X_OK:
		a->hpa = x.hpa;
		return true;
	case ARCH_X_UNACCEPTED:
		a->unaccepted = true;
		break;
	case ARCH_X_NOT_MAPPED:
		if (!a->detail)
			a->detail = "no stage-2 mapping and no memslot to fault it in";
		break;
	case ARCH_X_FAULT:
		break;
	}
	a->result = SIM_RES_FAULT;
	return false;
}

void plat_guest_access(struct platform *p, struct plat_guest *g,
		       struct plat_access *a)
{
	bool faulted_in = false;
	uint64_t hpa;

	access_reset(a);
	(*p->st_accesses)++;
	a->lat = p->t[AT_CPU_TLB_HIT];
	if (g->destroyed) {
		a->result = SIM_RES_STUCK;
		a->detail = "the guest was destroyed";
		return;
	}
	/*
	 * guest RAM is always there (tsmsim studies the MMIO around it); each
	 * view reaches its own backing: a private access the guest_memfd page,
	 * a shared one the VMM's memory (bounce buffers)
	 */
	if (!plat_guest_ram_hpa(g, a->addr, a->size, a->priv, &hpa)) {
		a->hpa = hpa;
		a->lat += p->t[AT_MEMORY];
		return;
	}
	if (!guest_translate(p, g, a, &faulted_in))
		return;
	/* a shared-view access is a hypervisor-side access to what it hits */
	if (!a->priv && !arch_check_host(p, a))
		return;
	to_target(p, a, a->priv, NULL);
	if (faulted_in && a->result == SIM_RES_OK)
		a->result = SIM_RES_RETRIED;
}

void plat_host_access(struct platform *p, uint64_t map_id,
		      struct plat_access *a)
{
	uint64_t hpa = a->addr;

	access_reset(a);
	(*p->st_accesses)++;
	a->hpa = hpa;
	a->map_id = map_id;
	a->lat = p->t[AT_CPU_TLB_HIT];
	if (!arch_check_host(p, a))
		return;
	to_target(p, a, false, NULL);
}

/* plat_dma() from the translation on: where it went decides the rest. */
static void dma_translated(struct platform *p, struct pcie_dev *dev,
			   struct plat_access *a, const struct iommu_xlate *x)
{
	struct arch_check c = { SIM_RES_OK, NULL, 0, 0 };
	struct mem_target t;

	a->lat = x->lat_cycles;
	a->stale = x->stale;
	a->map_id = x->tag;
	if (x->fault != IOMMU_OK) {
		a->result = SIM_RES_FAULT;
		a->detail = x->detail ? x->detail : iommu_fault_name(x->fault);
		return;
	}
	a->hpa = x->hpa;
	c.same_lo = a->hpa & ~4095ULL;
	c.same_hi = a->hpa | 4095;
	if (p->ops)
		p->ops->dma_check(p->arch, pcie_dev_rid(dev), a->hpa, a->priv,
				  a->write, &c);
	if (c.result != SIM_RES_OK) {
		a->result = (enum sim_result)c.result;
		a->detail = c.detail;
		return;
	}
	a->lat += p->t[AT_FABRIC];
	to_target(p, a, a->priv, &t);
	/* a plain T=0 DMA to DRAM: plat_dma_again() may repeat it */
	a->repeatable = !a->priv && a->result == SIM_RES_OK && !a->stale &&
			t.kind == MEM_DRAM && x->tlb_slot >= 0;
	if (!a->repeatable)
		return;
	a->tlb_slot = x->tlb_slot;
	a->lat_rest = a->lat - x->lat_cycles;
	a->same_lo = c.same_lo > t.same_lo ? c.same_lo : t.same_lo;
	a->same_hi = c.same_hi < t.same_hi ? c.same_hi : t.same_hi;
}

void plat_dma(struct platform *p, struct pcie_dev *dev, struct plat_access *a)
{
	struct iommu_xlate x;

	access_reset(a);
	(*p->st_dma)++;
	if (pcie_dma_check(dev, PCIE_DMA_MEM, a->priv)) {
		a->not_issued = true;
		a->result = SIM_RES_UR;
		a->detail = "the TDI may not issue this request in its state";
		return;
	}
	a->epoch = pcie_dma_epoch(dev);
	if (iommu_translate(p->iommu, pcie_dev_rid(dev), IOMMU_NO_PASID,
			    a->priv, a->addr, a->size, a->write, &x)) {
		a->result = SIM_RES_FAULT;
		a->detail = "malformed DMA (size or 4 KiB crossing)";
		return;
	}
	dma_translated(p, dev, a, &x);
}

/* a sequential stream's every access but one a page: inlined (-flto) */
__attribute__((always_inline))
inline bool plat_dma_same_page(struct platform *p, struct plat_access *a,
			       uint64_t addr)
{
	uint64_t hpa;

	if (!a->again || (addr ^ a->addr) >> 12 ||
	    (addr & 4095) + a->size > 4096)
		return false;
	if (a->tlb_gen == *p->again.gen) {
		/* the IOTLB is as it was for this page: the same entry hits */
		(*p->again.hits)++;
		hpa = (a->hpa & ~4095ULL) | (addr & 4095);
	} else if (!iommu_hit_again(p->iommu, a->tlb_slot, &a->tlb_gen, addr,
				    a->write, &hpa)) {
		return false;
	}
	(*p->st_dma)++;
	a->lat = p->t[AT_IOTLB_HIT] + a->lat_rest;
	a->addr = addr;
	a->hpa = hpa;
	return true;
}

/*
 * Same page: the IOTLB entry is still MRU, so the lookup hits it and
 * nothing else changes.  Another page: the translation runs for real
 * (IOTLB, walk, stats); when it lands in the same DRAM region through the
 * same mapping, the TDI, the arch and the decode answer as before, and
 * otherwise the pipeline goes on from that translation.
 */
enum plat_again plat_dma_again(struct platform *p, struct pcie_dev *dev,
			       struct plat_access *a, uint64_t addr)
{
	if (!a->again || (addr & 4095) + a->size > 4096)
		return PLAT_AGAIN_NONE;
	if (plat_dma_same_page(p, a, addr) || plat_dma_next_page(p, dev, a, addr))
		return PLAT_AGAIN_REPEAT;
	return plat_dma_other_page(p, dev, a, addr);
}

__attribute__((flatten, always_inline))
inline void plat_dma_prefetch(struct platform *p, struct pcie_dev *dev,
			      uint64_t addr, unsigned int back)
{
	iommu_prefetch(p->iommu, pcie_dev_rid(dev), addr, back);
}

bool plat_dma_prefetch_pays(const struct platform *p,
			    const struct pcie_dev *dev)
{
	return iommu_prefetch_pays(p->iommu, pcie_dev_rid(dev));
}

/* a random stream's every access: one body (docs/performance.md) */
__attribute__((flatten, always_inline))
inline bool plat_dma_next_page(struct platform *p, struct pcie_dev *dev,
			struct plat_access *a, uint64_t addr)
{
	sim_cycles_t lat;
	uint64_t hpa;
	int32_t s;

	s = iommu_translate_within(p->iommu, pcie_dev_rid(dev), addr, a->size,
				   a->write, a->map_id, a->same_lo, a->same_hi,
				   &a->tlb_gen, &hpa, &lat);
	if (s < 0)
		return false;
	(*p->st_dma)++;
	a->addr = addr;
	a->lat = lat + a->lat_rest;
	a->hpa = hpa;
	a->tlb_slot = s;
	return true;
}

enum plat_again plat_dma_other_page(struct platform *p, struct pcie_dev *dev,
				    struct plat_access *a, uint64_t addr)
{
	struct iommu_xlate x;
	uint64_t epoch;

	(*p->st_dma)++;
	iommu_translate(p->iommu, pcie_dev_rid(dev), IOMMU_NO_PASID, false,
			addr, a->size, a->write, &x);
	a->addr = addr;
	/* plat_dma_next_page() takes every repeat; this guards it */
	if (x.fault == IOMMU_OK && !x.stale && x.tag == a->map_id &&
	    x.tlb_slot >= 0 && x.hpa >= a->same_lo &&
	    x.hpa + (a->size - 1) <= a->same_hi) {
		a->lat = x.lat_cycles + a->lat_rest;
		a->hpa = x.hpa;
		a->tlb_slot = x.tlb_slot;
		a->tlb_gen = 0;
		return PLAT_AGAIN_REPEAT;
	}
	/* not a repeat after all: the rest of plat_dma() from here */
	epoch = a->epoch;
	access_reset(a);
	a->epoch = epoch;
	dma_translated(p, dev, a, &x);
	return PLAT_AGAIN_FULL;
}

void plat_dma_complete(struct platform *p, struct pcie_dev *dev,
		       struct plat_access *a)
{
	if (a->not_issued)
		return;
	if (a->result != SIM_RES_OK) {
		/*
		 * A read is non-posted: the host answers a refused one with a
		 * UR or CA Completion, which errors a locked TDI ([TDISP]
		 * §11.4.3).  A write is posted: nothing comes back.
		 */
		if (!a->write)
			pcie_dma_error_completion(dev, a->epoch,
						  "UR/CA completion to its own read");
		return;
	}
	if (pcie_dma_completion_check(dev, a->epoch)) {
		a->result = SIM_RES_UR;
		a->detail = "completion arrived after the TDI left the state it was issued in";
	}
}

/*
 * The record of @a, built only when some subscriber needs it.  Only the
 * access member is written: a subscriber of ACCESS reads nothing else of
 * the union, and zeroing all of it cost more than filling it.
 */
static __attribute__((noinline)) void
emit_record(struct platform *p, struct plat_access *a, sim_cycles_t issued)
{
	struct sim_rec rec;

	rec.type = SIM_REC_ACCESS;
	rec.u.access = (struct sim_rec_access){
		.who = a->who, .initiator = a->initiator, .facts = a->facts,
		.priv = a->priv, .addr = a->addr, .hpa = a->hpa,
		.size = a->size, .map_id = a->map_id,
		.issued = issued, .detail = a->detail,
	};
	sim_trace_emit(p->s, &rec);
	if (a->again)
		a->again = sim_trace_again_quiet(p->s, &rec);
}

/*
 * When the checkers' access judge is the only subscriber, it answers
 * first from what it cached (sim_trace_access_verdict(), inlined here
 * with -flto): an access that would change nothing, or only count into
 * the open episode, needs no record; a counted one is no quiet repeat.
 */
static __attribute__((noinline)) void
emit_judged(struct platform *p, struct plat_access *a, sim_cycles_t issued)
{
	struct sim_judge *judge = sim_trace_judge(p->s);

	if (judge) {
		switch (sim_trace_access_verdict(p->s, judge, a->who,
						 a->initiator, a->map_id,
						 &a->facts)) {
		case SIM_VERDICT_QUIET:
			return;
		case SIM_VERDICT_COUNTED:
			a->again = false;
			return;
		case SIM_VERDICT_PUBLISH:
			break;
		}
	}
	emit_record(p, a, issued);
}

/* A run nobody watches pays one test here. */
void plat_emit_access(struct platform *p, struct plat_access *a,
		      sim_cycles_t issued)
{
	a->again = a->repeatable;
	if (sim_trace_wanted(p->s, SIM_REC_ACCESS))
		emit_judged(p, a, issued);
}
