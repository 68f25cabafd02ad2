// SPDX-License-Identifier: MIT
/*
 * iommu.c - the IOMMU object: configuration, domains, requester
 * attachment (a two-level RID table like VT-d's root and context tables,
 * with a small PASID list per RID), the trusted-path hook, translation
 * and the fault-record log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"

#define IOMMU_MAX_ENTRIES	(1u << 20)
#define IOMMU_PASID_LIMIT	(1u << 20)	/* PASIDs are 20 bits (PCIe 6.20) */

const char *iommu_fault_name(enum iommu_fault f)
{
	static const char *const names[IOMMU_F_NR] = {
		[IOMMU_OK] = "ok",
		[IOMMU_F_NO_DOMAIN] = "no-domain",
		[IOMMU_F_NOT_PRESENT] = "not-present",
		[IOMMU_F_PERM] = "permission",
		[IOMMU_F_BLOCKED] = "blocked",
		[IOMMU_F_NO_TRUSTED] = "no-trusted-path",
		[IOMMU_F_ADDR_SIZE] = "address-size",
		[IOMMU_F_ARCH] = "arch",
	};

	return (unsigned int)f < IOMMU_F_NR ? names[f] : "?";
}

const char *iommu_domain_type_name(enum iommu_domain_type t)
{
	static const char *const names[IOMMU_DOMAIN_NR] = {
		[IOMMU_DOMAIN_PAGING] = "paging",
		[IOMMU_DOMAIN_BLOCKED] = "blocked",
	};

	return (unsigned int)t < IOMMU_DOMAIN_NR ? names[t] : "?";
}

/* ------------------------------------------------------------ lifecycle */

int iommu_config_validate(const struct iommu_config *cfg)
{
	if (!cfg->entries || cfg->entries > IOMMU_MAX_ENTRIES)
		return -EINVAL;
	if (!cfg->ways || cfg->entries % cfg->ways)
		return -EINVAL;
	if (cfg->levels < 3 || cfg->levels > 5)
		return -EINVAL;
	return 0;
}

static void stats_init(struct iommu *io)
{
	struct iommu_stats *st = &io->st;

	st->hits = sim_stat(io->sim, "iotlb.hits");
	st->misses = sim_stat(io->sim, "iotlb.misses");
	st->walks = sim_stat(io->sim, "iommu.walks");
	st->faults = sim_stat(io->sim, "iommu.faults");
	st->inval_queued = sim_stat(io->sim, "iommu.inval.queued");
	st->inval_done = sim_stat(io->sim, "iommu.inval.done");
	st->inval_dropped = sim_stat(io->sim, "iommu.inval.dropped");
	st->stale_hits = sim_stat(io->sim, "iommu.stale_hits");
}

int iommu_create(struct sim *s, const struct iommu_config *cfg,
		 struct iommu **out)
{
	struct iommu *io;
	int ret;

	ret = iommu_config_validate(cfg);
	if (ret)
		return ret;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->sim = s;
	io->cfg = *cfg;
	if (!io->cfg.fault_log_len)
		io->cfg.fault_log_len = IOMMU_FAULT_LOG_DEFAULT;
	io->flog = calloc(io->cfg.fault_log_len, sizeof(*io->flog));
	if (!io->flog || iommu_pt_arena_init(&io->arena) ||
	    iommu_tlb_init(&io->tlb, cfg->entries, cfg->ways)) {
		iommu_destroy(io);
		return -ENOMEM;
	}
	io->arena.no_runs = cfg->no_runs;
	stats_init(io);
	*out = io;
	return 0;
}

static void dev_fini(struct iommu_dev *d)
{
	free(d->pasids);
}

void iommu_destroy(struct iommu *io)
{
	if (!io)
		return;
	iommu_invq_fini(io);
	while (io->domains) {
		struct iommu_domain *dom = io->domains;

		io->domains = dom->next;
		free(dom->name);
		free(dom->tags);
		free(dom);
	}
	for (unsigned int b = 0; b < IOMMU_BUSES; b++) {
		if (!io->bus[b])
			continue;
		for (unsigned int df = 0; df < IOMMU_DEVFNS; df++)
			dev_fini(&io->bus[b][df]);
		free(io->bus[b]);
	}
	iommu_tlb_fini(&io->tlb);
	iommu_pt_arena_fini(&io->arena);
	free(io->flog);
	free(io);
}

void iommu_set_timing(struct iommu *io, const struct iommu_timing *t)
{
	io->cfg.timing = *t;
}

const struct iommu_timing *iommu_get_timing(const struct iommu *io)
{
	return &io->cfg.timing;
}

unsigned int iommu_levels(const struct iommu *io)
{
	return io->cfg.levels;
}

/* -------------------------------------------------------------- domains */

struct iommu_domain *iommu_domain_alloc(struct iommu *io,
					enum iommu_domain_type type,
					const char *name)
{
	struct iommu_domain *dom;
	char buf[24];

	if ((unsigned int)type >= IOMMU_DOMAIN_NR)
		return NULL;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return NULL;
	dom->io = io;
	dom->id = ++io->next_dom_id;
	dom->type = type;
	if (!name) {
		snprintf(buf, sizeof(buf), "dom%u", dom->id);
		name = buf;
	}
	dom->name = strdup(name);
	if (!dom->name)
		goto out_free;
	if (type == IOMMU_DOMAIN_PAGING) {
		if (iommu_pt_alloc(&io->arena, &dom->root))
			goto out_name;
		dom->tables = 1;
	}
	dom->next = io->domains;
	io->domains = dom;
	return dom;

out_name:
	free(dom->name);
out_free:
	free(dom);
	return NULL;
}

void iommu_domain_release(struct iommu_domain *dom)
{
	struct iommu_domain **pp = &dom->io->domains;

	while (*pp != dom)
		pp = &(*pp)->next;
	*pp = dom->next;
	free(dom->name);
	free(dom->tags);
	free(dom);
}

int iommu_domain_free(struct iommu_domain *dom)
{
	if (dom->users)
		return -EBUSY;
	iommu_tlb_purge(&dom->io->tlb, dom->id, 0, UINT64_MAX);
	iommu_pt_destroy(dom);
	dom->dead = true;
	/* descriptors still queued name the domain in their trace records */
	if (!dom->inval_refs)
		iommu_domain_release(dom);
	return 0;
}

uint32_t iommu_domain_id(const struct iommu_domain *dom)
{
	return dom->id;
}

const char *iommu_domain_name(const struct iommu_domain *dom)
{
	return dom->name;
}

uint64_t iommu_domain_mapped_bytes(const struct iommu_domain *dom)
{
	return dom->mapped_bytes;
}

uint64_t iommu_domain_leaves(const struct iommu_domain *dom,
			     uint64_t page_size)
{
	switch (page_size) {
	case IOMMU_PAGE_4K:
		return dom->leaves[0];
	case IOMMU_PAGE_2M:
		return dom->leaves[1];
	case IOMMU_PAGE_1G:
		return dom->leaves[2];
	default:
		return 0;
	}
}

uint64_t iommu_domain_tables(const struct iommu_domain *dom)
{
	return dom->tables;
}

/* ----------------------------------------------------------- requesters */

static struct iommu_dev *dev_find(const struct iommu *io, uint16_t rid)
{
	struct iommu_dev *bus = io->bus[rid >> 8];

	return bus ? &bus[rid & 0xff] : NULL;
}

static struct iommu_dev *dev_get(struct iommu *io, uint16_t rid)
{
	if (!io->bus[rid >> 8]) {
		io->bus[rid >> 8] = calloc(IOMMU_DEVFNS, sizeof(struct iommu_dev));
		if (!io->bus[rid >> 8])
			return NULL;
	}
	return &io->bus[rid >> 8][rid & 0xff];
}

/* The slot holding the domain of @pasid, or NULL when there is none. */
static struct iommu_domain **dev_slot(struct iommu_dev *d, uint32_t pasid)
{
	if (pasid == IOMMU_NO_PASID)
		return &d->dom;
	for (size_t i = 0; i < d->npasids; i++)
		if (d->pasids[i].pasid == pasid)
			return &d->pasids[i].dom;
	return NULL;
}

static struct iommu_domain *dev_domain(const struct iommu *io, uint16_t rid,
				       uint32_t pasid)
{
	struct iommu_dev *d = dev_find(io, rid);
	struct iommu_domain **slot;

	if (!d)
		return NULL;
	slot = dev_slot(d, pasid);
	return slot ? *slot : NULL;
}

struct iommu_domain *iommu_attached(const struct iommu *io, uint16_t rid,
				    uint32_t pasid)
{
	return dev_domain(io, rid, pasid);
}

static int pasid_add(struct iommu_dev *d, uint32_t pasid,
		     struct iommu_domain *dom)
{
	if (d->npasids == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 4;
		struct iommu_pasid_bind *p = realloc(d->pasids, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->pasids = p;
		d->cap = cap;
	}
	d->pasids[d->npasids].pasid = pasid;
	d->pasids[d->npasids++].dom = dom;
	return 0;
}

static int attach_check(const struct iommu *io, uint32_t pasid,
			const struct iommu_domain *dom)
{
	if (pasid >= IOMMU_PASID_LIMIT || !dom || dom->io != io || dom->dead)
		return -EINVAL;
	return 0;
}

int iommu_attach(struct iommu *io, uint16_t rid, uint32_t pasid,
		 struct iommu_domain *dom)
{
	struct iommu_domain **slot;
	struct iommu_dev *d;
	int ret;

	ret = attach_check(io, pasid, dom);
	if (ret)
		return ret;
	d = dev_get(io, rid);
	if (!d)
		return -ENOMEM;
	slot = dev_slot(d, pasid);
	if (slot && *slot)
		return -EBUSY;
	if (slot) {
		*slot = dom;
	} else {
		ret = pasid_add(d, pasid, dom);
		if (ret)
			return ret;
	}
	dom->users++;
	return 0;
}

int iommu_detach(struct iommu *io, uint16_t rid, uint32_t pasid)
{
	struct iommu_dev *d = dev_find(io, rid);
	struct iommu_domain **slot = d ? dev_slot(d, pasid) : NULL;

	if (!slot || !*slot)
		return -ENOENT;
	(*slot)->users--;
	*slot = NULL;
	if (pasid == IOMMU_NO_PASID)
		return 0;
	/* keep the PASID list dense: move the last binding into the hole */
	for (size_t i = 0; i < d->npasids; i++)
		if (d->pasids[i].pasid == pasid) {
			d->pasids[i] = d->pasids[--d->npasids];
			break;
		}
	return 0;
}

int iommu_replace(struct iommu *io, uint16_t rid, uint32_t pasid,
		  struct iommu_domain *dom)
{
	struct iommu_dev *d = dev_find(io, rid);
	struct iommu_domain **slot;
	int ret;

	ret = attach_check(io, pasid, dom);
	if (ret)
		return ret;
	slot = d ? dev_slot(d, pasid) : NULL;
	if (!slot || !*slot)
		return -ENOENT;
	dom->users++;
	(*slot)->users--;
	*slot = dom;	/* the one store that switches the requester */
	return 0;
}

int iommu_set_trusted(struct iommu *io, uint16_t rid,
		      const struct iommu_trusted_ops *ops, void *ctx)
{
	struct iommu_dev *d;

	if (ops && !ops->translate)
		return -EINVAL;
	d = ops ? dev_get(io, rid) : dev_find(io, rid);
	if (!d)
		return ops ? -ENOMEM : 0;
	d->tops = ops;
	d->tctx = ops ? ctx : NULL;
	return 0;
}

/* ------------------------------------------------------------ fault log */

static void fault_log(struct iommu *io, uint16_t rid, uint32_t pasid,
		      bool tee, bool write, uint64_t iova, enum iommu_fault f)
{
	(*io->st.faults)++;
	if (io->flog_len == io->cfg.fault_log_len) {
		io->flog_lost++;
		return;
	}
	io->flog[io->flog_len++] = (struct iommu_fault_rec){
		.rid = rid, .pasid = pasid, .tee = tee, .write = write,
		.iova = iova, .reason = f, .cycle = sim_now(io->sim),
	};
}

size_t iommu_fault_count(const struct iommu *io)
{
	return io->flog_len;
}

const struct iommu_fault_rec *iommu_fault_at(const struct iommu *io, size_t i)
{
	return i < io->flog_len ? &io->flog[i] : NULL;
}

uint64_t iommu_fault_lost(const struct iommu *io)
{
	return io->flog_lost;
}

void iommu_fault_clear(struct iommu *io)
{
	io->flog_len = 0;
	io->flog_lost = 0;
}

/* ------------------------------------------------------------ translate */

static bool prot_allows(unsigned int prot, bool write)
{
	return prot & (write ? IOMMU_PROT_WRITE : IOMMU_PROT_READ);
}

/* IOTLB hit: the entry is already MRU. */
static void xlate_hit(struct iommu *io, int32_t s, uint64_t iova, bool write,
		      struct iommu_xlate *out)
{
	const struct iommu_tlb_entry *x = &io->tlb.e[s];
	uint64_t ps = 1ULL << (IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * x->cls);

	(*io->st.hits)++;
	out->iotlb_hit = true;
	out->tlb_slot = s;
	out->stale = x->stale;
	out->tag = x->tag;
	if (x->stale)
		(*io->st.stale_hits)++;
	if (!prot_allows(x->prot, write)) {
		out->fault = IOMMU_F_PERM;
		return;
	}
	out->page_size = ps;
	out->hpa = x->frame | (iova & (ps - 1));
}

/* IOTLB miss: walk, then cache the leaf (with its permissions). */
static void xlate_miss(struct iommu *io, struct iommu_domain *dom,
		       uint64_t iova, bool write, struct iommu_xlate *out)
{
	unsigned int lvl = 0, walked = 0, cls;
	uint64_t pte = 0, ps, frame;

	(*io->st.misses)++;
	(*io->st.walks)++;
	out->fault = iommu_pt_walk(dom, iova, &pte, &lvl, &walked);
	out->levels_walked = walked;
	out->lat_cycles += (sim_cycles_t)walked * io->cfg.timing.walk_level;
	if (out->fault != IOMMU_OK)
		return;
	cls = io->cfg.levels - 1 - lvl;
	ps = 1ULL << (IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * cls);
	frame = pte & IOMMU_PTE_ADDR & ~(ps - 1);
	out->tag = dom->ntags ? iommu_tag_find(dom, iova) : 0;
	out->tlb_slot = iommu_tlb_insert(&io->tlb, dom->id, iova, out->tag,
					 cls, frame, iommu_pte_prot(pte));
	if (!prot_allows(iommu_pte_prot(pte), write)) {
		out->fault = IOMMU_F_PERM;
		return;
	}
	out->page_size = ps;
	out->hpa = frame | (iova & (ps - 1));
}

bool iommu_hit_again(struct iommu *io, int32_t slot, uint64_t *gen,
		     uint64_t iova, bool write, uint64_t *hpa)
{
	const struct iommu_tlb *t = &io->tlb;
	const struct iommu_tlb_entry *x;
	unsigned int shift;

	if (slot < 0 || (uint32_t)slot >= t->entries)
		return false;
	x = &t->e[slot];
	shift = IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * x->cls;
	/* an unchanged IOTLB answers as it did for the same page */
	if (*gen != t->gen &&
	    (!x->valid || x->stale || !prot_allows(x->prot, write) ||
	     iova >> shift != x->vpn ||
	     t->sets[iommu_tlb_set_of(t, slot)].head != slot))
		return false;
	*gen = t->gen;
	(*io->st.hits)++;
	*hpa = x->frame | (iova & ((1ULL << shift) - 1));
	return true;
}

/*
 * Written-out tables from which a prefetch pays (16 MiB): below, the
 * tables stay in the caches and the prefetch walk costs more than the
 * misses it hides.  Runs do not count: a walk reads no memory for them
 * beyond their run word (docs/performance.md, scale).
 */
#define PREFETCH_TABLES 4096u

bool iommu_prefetch_pays(const struct iommu *io, uint16_t rid)
{
	const struct iommu_domain *dom = dev_domain(io, rid, IOMMU_NO_PASID);

	return dom && dom->type == IOMMU_DOMAIN_PAGING &&
	       dom->written >= PREFETCH_TABLES;
}

void iommu_prefetch(struct iommu *io, uint16_t rid, uint64_t iova,
		    unsigned int back)
{
	struct iommu_domain *dom = dev_domain(io, rid, IOMMU_NO_PASID);

	if (dom && dom->type == IOMMU_DOMAIN_PAGING)
		iommu_pt_prefetch(dom, iova, back);
}

struct iommu_again iommu_again_handle(struct iommu *io)
{
	return (struct iommu_again){ &io->tlb.gen, io->st.hits };
}

/*
 * An IOTLB miss of iommu_translate_within(): the walk, and the leaf
 * inserted when it gives @iova through @tag at an HPA in [@lo, @hi].
 */
static int32_t miss_within(struct iommu *io, struct iommu_domain *dom,
			   uint64_t iova, uint64_t size, bool write, uint64_t tag,
			   uint64_t lo, uint64_t hi, uint32_t h0,
			   uint64_t *hpa, sim_cycles_t *lat)
{
	unsigned int lvl, walked, cls;
	uint64_t pte, ps, frame;
	int32_t s;

	if (iommu_pt_walk(dom, iova, &pte, &lvl, &walked) != IOMMU_OK ||
	    !prot_allows(iommu_pte_prot(pte), write))
		return -1;
	cls = io->cfg.levels - 1 - lvl;
	ps = 1ULL << (IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * cls);
	frame = pte & IOMMU_PTE_ADDR & ~(ps - 1);
	*hpa = frame | (iova & (ps - 1));
	if (*hpa < lo || *hpa + (size - 1) > hi ||
	    (dom->ntags ? iommu_tag_find(dom, iova) : 0) != tag)
		return -1;
	(*io->st.misses)++;
	(*io->st.walks)++;
	s = iommu_tlb_insert_h(&io->tlb, dom->id, iova, tag, cls, frame,
			       iommu_pte_prot(pte), h0);
	*lat = io->cfg.timing.iotlb_hit +
	       (sim_cycles_t)walked * io->cfg.timing.walk_level;
	return s;
}

/* the hot path of a random stream: one body, no calls (docs/performance.md) */
__attribute__((flatten))
int32_t iommu_translate_within(struct iommu *io, uint16_t rid, uint64_t iova,
			       uint64_t size, bool write, uint64_t tag,
			       uint64_t lo, uint64_t hi, uint64_t *gen,
			       uint64_t *hpa, sim_cycles_t *lat)
{
	struct iommu_domain *dom = dev_domain(io, rid, IOMMU_NO_PASID);
	struct iommu_tlb *t = &io->tlb;
	const struct iommu_tlb_entry *x;
	uint32_t h0;
	int32_t s;

	if (!dom || dom->type == IOMMU_DOMAIN_BLOCKED || !size)
		return -1;
	h0 = iommu_tlb_home(t, dom->id, iova);
	s = iommu_tlb_find_h(t, dom->id, iova, h0);
	if (s < 0) {
		s = miss_within(io, dom, iova, size, write, tag, lo, hi, h0, hpa,
				lat);
	} else {
		x = &t->e[s];
		*hpa = x->frame | (iova & ((1ULL << (IOMMU_PAGE_SHIFT +
						     IOMMU_PT_BITS * x->cls)) - 1));
		/* an HPA has 52 bits: the last byte's address cannot wrap */
		if (x->stale || x->tag != tag || !prot_allows(x->prot, write) ||
		    *hpa < lo || *hpa + (size - 1) > hi)
			return -1;
		iommu_tlb_touch(t, s);
		(*io->st.hits)++;
		*lat = io->cfg.timing.iotlb_hit;
	}
	*gen = t->gen;
	return s;
}

static void xlate_trusted(struct iommu *io, uint16_t rid, uint32_t pasid,
			  uint64_t iova, uint64_t size, bool write,
			  struct iommu_xlate *out)
{
	const struct iommu_dev *d = dev_find(io, rid);

	if (!d || !d->tops) {
		out->fault = IOMMU_F_NO_TRUSTED;
		return;
	}
	d->tops->translate(d->tctx, rid, pasid, iova, size, write, out);
}

int iommu_translate(struct iommu *io, uint16_t rid, uint32_t pasid, bool tee,
		    uint64_t iova, uint64_t size, bool write,
		    struct iommu_xlate *out)
{
	struct iommu_domain *dom;
	int32_t s;

	if (!size || size > IOMMU_PAGE_4K ||
	    (iova & (IOMMU_PAGE_4K - 1)) + size > IOMMU_PAGE_4K)
		return -EINVAL;
	*out = (struct iommu_xlate){ .hpa = IOMMU_NO_HPA, .tlb_slot = -1 };
	if (tee) {
		xlate_trusted(io, rid, pasid, iova, size, write, out);
		goto out_fault;
	}
	out->lat_cycles = io->cfg.timing.iotlb_hit;
	dom = dev_domain(io, rid, pasid);
	if (!dom) {
		out->fault = IOMMU_F_NO_DOMAIN;
		goto out_fault;
	}
	if (dom->type == IOMMU_DOMAIN_BLOCKED) {
		out->fault = IOMMU_F_BLOCKED;
		goto out_fault;
	}
	s = iommu_tlb_find(&io->tlb, dom->id, iova, true);
	if (s >= 0)
		xlate_hit(io, s, iova, write, out);
	else
		xlate_miss(io, dom, iova, write, out);

out_fault:
	if (out->fault != IOMMU_OK) {
		out->hpa = IOMMU_NO_HPA;
		out->page_size = 0;
		fault_log(io, rid, pasid, tee, write, iova, out->fault);
	}
	return 0;
}
