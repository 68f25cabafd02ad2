// SPDX-License-Identifier: MIT
/*
 * iotlb.c - the IOTLB: E entries in E / W sets of W ways, true LRU within
 * a set, tagged by (domain id, page number at the leaf's page size).
 *
 * With W == E it is the fully associative true-LRU IOTLB of
 * docs/bench.md: a hit makes the entry MRU, a miss inserts the walked
 * leaf as MRU after evicting the LRU entry when the set is full.  Lookups
 * go through one open-addressed hash (linear probing, backward-shift
 * deletion), so they are O(1) for any W; nothing here allocates after init.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"

static unsigned int cls_shift(unsigned int cls)
{
	return IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * cls;
}

static uint32_t tlb_hash(const struct iommu_tlb *t, uint32_t dom,
			 uint64_t vpn, unsigned int cls)
{
	uint64_t k = (vpn << 2 | cls) ^ ((uint64_t)dom * 0xD6E8FEB86659FD93ULL);

	return (uint32_t)((k * 0x9E3779B97F4A7C15ULL) >> t->hshift);
}

int iommu_tlb_init(struct iommu_tlb *t, unsigned int entries,
		   unsigned int ways)
{
	/*
	 * Slots per entry: 16 keeps a probe, an insert and the backward
	 * shift of a delete near one step (a miss does all three); a big
	 * IOTLB takes 4 so the table stays small (64 KiB at most at 16).
	 */
	unsigned int per = entries <= 1024 ? 16 : 4;
	uint32_t hs = 2;
	unsigned int bits = 1;

	memset(t, 0, sizeof(*t));
	while (hs < per * entries) {
		hs <<= 1;
		bits++;
	}
	t->entries = entries;
	t->ways = ways;
	t->nsets = entries / ways;
	t->e = calloc(entries, sizeof(*t->e));
	t->sets = calloc(t->nsets, sizeof(*t->sets));
	t->ht = malloc(hs * sizeof(*t->ht));
	if (!t->e || !t->sets || !t->ht) {
		iommu_tlb_fini(t);
		return -ENOMEM;
	}
	memset(t->ht, 0xff, hs * sizeof(*t->ht));	/* all -1 */
	t->hmask = hs - 1;
	t->hshift = 64 - bits;
	t->gen = 1;		/* 0: a caller never heard an answer */
	for (unsigned int s = 0; s < t->nsets; s++) {
		t->sets[s].head = t->sets[s].tail = -1;
		t->sets[s].free = (int32_t)(s * ways);
		for (unsigned int w = 0; w < ways; w++)
			t->e[s * ways + w].next =
				w + 1 < ways ? (int32_t)(s * ways + w + 1) : -1;
	}
	return 0;
}

void iommu_tlb_fini(struct iommu_tlb *t)
{
	free(t->e);
	free(t->sets);
	free(t->ht);
	memset(t, 0, sizeof(*t));
}

static int32_t tlb_probe(const struct iommu_tlb *t, uint32_t h,
			 uint32_t dom, uint64_t vpn, unsigned int cls)
{
	for (;;) {
		int32_t s = t->ht[h];

		if (s < 0)
			return -1;
		if (t->e[s].vpn == vpn && t->e[s].dom == dom && t->e[s].cls == cls)
			return s;
		h = (h + 1) & t->hmask;
	}
}

static void lru_unlink(struct iommu_tlb *t, int32_t s)
{
	struct iommu_tlb_set *set = &t->sets[iommu_tlb_set_of(t, s)];
	int32_t p = t->e[s].prev, n = t->e[s].next;

	if (p >= 0)
		t->e[p].next = n;
	else
		set->head = n;
	if (n >= 0)
		t->e[n].prev = p;
	else
		set->tail = p;
}

static void lru_push_front(struct iommu_tlb *t, int32_t s)
{
	struct iommu_tlb_set *set = &t->sets[iommu_tlb_set_of(t, s)];

	t->e[s].prev = -1;
	t->e[s].next = set->head;
	if (set->head >= 0)
		t->e[set->head].prev = s;
	else
		set->tail = s;
	set->head = s;
}

uint32_t iommu_tlb_home(const struct iommu_tlb *t, uint32_t dom,
			uint64_t iova)
{
	return tlb_hash(t, dom, iova >> IOMMU_PAGE_SHIFT, 0);
}

void iommu_tlb_touch(struct iommu_tlb *t, int32_t s)
{
	if (t->sets[iommu_tlb_set_of(t, s)].head != s) {
		lru_unlink(t, s);
		lru_push_front(t, s);
		t->gen++;
	}
}

/*
 * Probe the classes that have entries, smallest page first.  Different
 * sizes for one IOVA only coexist when one of them is stale; either is
 * what the hardware might use.  @h0 is iommu_tlb_home() of @iova.
 */
int32_t iommu_tlb_find_h(const struct iommu_tlb *t, uint32_t dom,
			 uint64_t iova, uint32_t h0)
{
	if (t->clsmask == 1)	/* only 4 KiB entries, the usual case */
		return tlb_probe(t, h0, dom, iova >> IOMMU_PAGE_SHIFT, 0);
	for (unsigned int m = t->clsmask; m; m &= m - 1) {
		unsigned int cls = (unsigned int)__builtin_ctz(m);
		uint64_t vpn = iova >> cls_shift(cls);
		int32_t s;

		s = tlb_probe(t, cls ? tlb_hash(t, dom, vpn, cls) : h0, dom,
			      vpn, cls);
		if (s >= 0)
			return s;
	}
	return -1;
}

int32_t iommu_tlb_find(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
		       bool touch)
{
	int32_t s = iommu_tlb_find_h(t, dom, iova, iommu_tlb_home(t, dom, iova));

	if (s >= 0 && touch)
		iommu_tlb_touch(t, s);
	return s;
}

/* Backward-shift deletion, with each entry's home slot kept in the entry. */
static void hash_remove(struct iommu_tlb *t, int32_t slot)
{
	uint32_t i = t->e[slot].hpos, j = i;

	for (;;) {
		struct iommu_tlb_entry *y;
		int32_t ys;
		uint32_t k;

		j = (j + 1) & t->hmask;
		ys = t->ht[j];
		if (ys < 0)
			break;
		y = &t->e[ys];
		k = y->home;
		/* j may stay iff its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->ht[i] = ys;
		y->hpos = i;
		i = j;
	}
	t->ht[i] = -1;
}

static void cls_put(struct iommu_tlb *t, unsigned int cls)
{
	if (!--t->ncls[cls])
		t->clsmask &= ~(1u << cls);
}

static void tlb_remove(struct iommu_tlb *t, int32_t s)
{
	struct iommu_tlb_set *set = &t->sets[iommu_tlb_set_of(t, s)];

	hash_remove(t, s);
	lru_unlink(t, s);
	cls_put(t, t->e[s].cls);
	t->used--;
	t->gen++;
	t->e[s].valid = false;
	t->e[s].next = set->free;
	set->free = s;
}

/*
 * A full set gives its LRU way to the new entry: out of the hash, and
 * from the tail of the LRU list to its head, without a trip through the
 * free list.  The class count stays with the way (the caller moves it
 * when the new entry's class differs).
 */
static int32_t tlb_evict(struct iommu_tlb *t, struct iommu_tlb_set *set)
{
	int32_t s = set->tail, p = t->e[s].prev;

	hash_remove(t, s);
	if (p >= 0) {			/* not the only way */
		t->e[p].next = -1;
		set->tail = p;
		t->e[s].prev = -1;
		t->e[s].next = set->head;
		t->e[set->head].prev = s;
		set->head = s;
	}
	return s;
}

int32_t iommu_tlb_insert_h(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
			   uint64_t tag, unsigned int cls, uint64_t frame,
			   unsigned int prot, uint32_t h0)
{
	uint64_t vpn = iova >> cls_shift(cls);
	/* a fully associative IOTLB (the usual case) has one set: no division */
	struct iommu_tlb_set *set = &t->sets[t->nsets == 1 ? 0 : vpn % t->nsets];
	struct iommu_tlb_entry *x;
	uint32_t h;
	int32_t s;

	if (set->free < 0) {
		s = tlb_evict(t, set);
		if (t->e[s].cls == cls)
			goto fill;
		cls_put(t, t->e[s].cls);
	} else {
		s = set->free;
		set->free = t->e[s].next;
		lru_push_front(t, s);
		t->used++;
	}
	t->ncls[cls]++;
	t->clsmask |= 1u << cls;
fill:
	t->gen++;
	x = &t->e[s];
	x->vpn = vpn;
	x->frame = frame;
	x->dom = dom;
	x->cls = (uint8_t)cls;
	x->prot = (uint8_t)prot;
	x->stale = false;
	x->valid = true;
	x->tag = tag;
	h = cls ? tlb_hash(t, dom, vpn, cls) : h0;
	x->home = h;
	while (t->ht[h] >= 0)
		h = (h + 1) & t->hmask;
	x->hpos = h;
	t->ht[h] = s;
	return s;
}

int32_t iommu_tlb_insert(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
			 uint64_t tag,
			 unsigned int cls, uint64_t frame, unsigned int prot)
{
	return iommu_tlb_insert_h(t, dom, iova, tag, cls, frame, prot,
				  iommu_tlb_home(t, dom, iova));
}

static bool tlb_match(const struct iommu_tlb_entry *x, uint32_t dom,
		      uint64_t start, uint64_t last)
{
	uint64_t lo, hi;

	if (!x->valid || x->dom != dom)
		return false;
	lo = x->vpn << cls_shift(x->cls);
	hi = lo + ((1ULL << cls_shift(x->cls)) - 1);
	return lo <= last && start <= hi;
}

unsigned int iommu_tlb_mark_stale(struct iommu_tlb *t, uint32_t dom,
				  uint64_t start, uint64_t last)
{
	unsigned int n = 0;

	for (unsigned int s = 0; s < t->entries; s++)
		if (tlb_match(&t->e[s], dom, start, last)) {
			t->e[s].stale = true;
			t->gen++;
			n++;
		}
	return n;
}

unsigned int iommu_tlb_purge(struct iommu_tlb *t, uint32_t dom,
			     uint64_t start, uint64_t last)
{
	unsigned int n = 0;

	for (unsigned int s = 0; s < t->entries; s++)
		if (tlb_match(&t->e[s], dom, start, last)) {
			tlb_remove(t, (int32_t)s);
			n++;
		}
	return n;
}

bool iommu_iotlb_contains(const struct iommu_domain *dom, uint64_t iova,
			  bool *stale)
{
	struct iommu_tlb *t = &dom->io->tlb;
	int32_t s = iommu_tlb_find(t, dom->id, iova, false);

	if (stale)
		*stale = s >= 0 && t->e[s].stale;
	return s >= 0;
}

unsigned int iommu_iotlb_used(const struct iommu *io)
{
	return io->tlb.used;
}
