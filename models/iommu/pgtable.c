// SPDX-License-Identifier: MIT
/*
 * pgtable.c - radix I/O page tables: the table arena, map (with the
 * overlap check), unmap (with superpage split), and the walk.
 *
 * The shape follows Linux io-pgtable-arm: a per-level walk built on a
 * level shift, 512 entries per 4 KiB table, and a partial unmap of a block
 * that replaces it with a table of next-level leaves before removing the
 * part asked for (arm_lpae_split_blk_unmap()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "iommu_internal.h"

/* ---------------------------------------------------------------- arena */

int iommu_pt_arena_init(struct iommu_pt_arena *a)
{
	memset(a, 0, sizeof(*a));
	return 0;
}

void iommu_pt_arena_fini(struct iommu_pt_arena *a)
{
	for (size_t i = 0; i < a->nchunks; i++)
		munmap(a->chunks[i], sizeof(*a->chunks[i]));
	free(a->chunks);
	free(a->tabs);
	free(a->runs);
	free(a->nvalid);
	memset(a, 0, sizeof(*a));
}

/* Double the room of the indexes (chunks, tables, runs, counts). */
static int arena_grow_index(struct iommu_pt_arena *a)
{
	size_t cap = a->capchunks ? 2 * a->capchunks : 1;
	struct iommu_pt_chunk **chunks;
	uint64_t **tabs, *runs;
	uint16_t *nvalid;

	if (cap > (size_t)UINT32_MAX / IOMMU_PT_CHUNK)	/* indices are u32 */
		return -ENOMEM;
	chunks = realloc(a->chunks, cap * sizeof(*chunks));
	if (!chunks)
		return -ENOMEM;
	a->chunks = chunks;
	tabs = realloc(a->tabs, cap * IOMMU_PT_CHUNK * sizeof(*tabs));
	if (!tabs)
		return -ENOMEM;
	a->tabs = tabs;
	runs = realloc(a->runs, cap * IOMMU_PT_CHUNK * sizeof(*runs));
	if (!runs)
		return -ENOMEM;
	a->runs = runs;
	nvalid = realloc(a->nvalid, cap * IOMMU_PT_CHUNK * sizeof(*nvalid));
	if (!nvalid)
		return -ENOMEM;
	a->nvalid = nvalid;
	a->capchunks = cap;
	return 0;
}

/*
 * A chunk is an anonymous mapping of its own: zero, and a page of it
 * takes memory only when a table on it is written out, so tables that
 * stay runs cost none.  (calloc() would give the same only while malloc
 * serves 256 KiB from mmap, which its adaptive threshold stops doing once
 * a larger block has been freed: the 2^24-page scale run then kept half
 * the tables' size resident.)
 */
static int arena_grow(struct iommu_pt_arena *a)
{
	struct iommu_pt_chunk *c;
	size_t first = a->nchunks * IOMMU_PT_CHUNK;

	if (a->nchunks == a->capchunks) {
		int ret = arena_grow_index(a);

		if (ret)
			return ret;
	}
	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return -ENOMEM;
	for (size_t i = first; i < first + IOMMU_PT_CHUNK; i++)
		a->tabs[i] = NULL;
	memset(&a->runs[first], 0, IOMMU_PT_CHUNK * sizeof(*a->runs));
	memset(&a->nvalid[first], 0, IOMMU_PT_CHUNK * sizeof(*a->nvalid));
	a->chunks[a->nchunks++] = c;
	return 0;
}

/* A new table is an empty run: its memory is zero until written out. */
int iommu_pt_alloc(struct iommu_pt_arena *a, uint32_t *idx)
{
	if (a->free_head) {
		*idx = a->free_head - 1;
		a->free_head = (uint32_t)a->runs[*idx];
		a->runs[*idx] = 0;
		return 0;
	}
	if (a->ntables == a->nchunks * IOMMU_PT_CHUNK) {
		int ret = arena_grow(a);

		if (ret)
			return ret;
	}
	*idx = a->ntables++;
	return 0;
}

/* Most recently freed first, as a stack would: the same indices come back. */
bool iommu_pt_free(struct iommu_pt_arena *a, uint32_t idx)
{
	bool written = a->tabs[idx] != NULL;

	if (written)	/* a run's memory was never written */
		memset(a->tabs[idx], 0, IOMMU_PT_ENTRIES * sizeof(uint64_t));
	a->tabs[idx] = NULL;
	*iommu_pt_nvalid(a, idx) = 0;
	a->runs[idx] = a->free_head;
	a->free_head = idx + 1;
	return written;
}

/* ------------------------------------------------------------------ runs */

static unsigned int run_len(uint64_t run)
{
	return (unsigned int)(run >> IOMMU_PT_RUN_SHIFT);
}

/* Entry @i of run @run, whose entries are 1 << @shift bytes apart. */
static inline uint64_t run_entry(uint64_t run, unsigned int i,
				 unsigned int shift)
{
	return i < run_len(run) ?
	       (run & IOMMU_PT_RUN_E0) + ((uint64_t)i << shift) : 0;
}

/* Entry @i of table @idx, written out or a run. */
static inline uint64_t pt_entry(const struct iommu_pt_arena *a, uint32_t idx,
				unsigned int i, unsigned int shift)
{
	const uint64_t *tab = a->tabs[idx];

	return tab ? tab[i] : run_entry(a->runs[idx], i, shift);
}

/* Turn run @idx of @dom into written-out entries (its memory is zero). */
static uint64_t *pt_write_out(struct iommu_domain *dom, uint32_t idx,
			      unsigned int shift)
{
	struct iommu_pt_arena *a = &dom->io->arena;
	uint64_t *tab = a->chunks[idx >> IOMMU_PT_CHUNK_SHIFT]->tab[idx & (IOMMU_PT_CHUNK - 1)];
	uint64_t run = a->runs[idx];

	if (a->tabs[idx])
		return a->tabs[idx];
	for (unsigned int i = 0; i < run_len(run); i++)
		tab[i] = run_entry(run, i, shift);
	a->tabs[idx] = tab;
	a->runs[idx] = 0;
	dom->written++;
	return tab;
}

/*
 * Write @e as entry @i of table @idx.  A leaf that continues a run (the
 * next entry, the same flags, the next address) lengthens it; anything
 * else writes the table out first.
 */
static void pt_set(struct iommu_domain *dom, uint32_t idx, unsigned int i,
		   uint64_t e, unsigned int shift)
{
	struct iommu_pt_arena *a = &dom->io->arena;
	uint64_t run = a->runs[idx];
	uint64_t next = (run & IOMMU_PT_RUN_E0) + ((uint64_t)i << shift);

	if (!a->tabs[idx] && !a->no_runs && (e & IOMMU_PTE_LEAF) &&
	    i == run_len(run) && (!i || e == next)) {
		TSM_BUG_ON(e >> IOMMU_PT_RUN_SHIFT);
		a->runs[idx] = (i ? run & IOMMU_PT_RUN_E0 : e) |
			       ((uint64_t)(i + 1) << IOMMU_PT_RUN_SHIFT);
		return;
	}
	pt_write_out(dom, idx, shift)[i] = e;
}

static uint32_t pte_table(uint64_t pte)
{
	return (uint32_t)((pte & IOMMU_PTE_ADDR) >> IOMMU_PAGE_SHIFT);
}

static unsigned int pt_index(unsigned int levels, unsigned int lvl,
			     uint64_t iova)
{
	return (unsigned int)(iova >> iommu_lvl_shift(levels, lvl)) &
	       (IOMMU_PT_ENTRIES - 1);
}

static void pt_destroy_lvl(struct iommu_domain *dom, uint32_t idx,
			   unsigned int lvl)
{
	struct iommu_pt_arena *a = &dom->io->arena;
	const uint64_t *tab = a->tabs[idx];

	/* a run holds leaves only: nothing below it to free */
	if (tab && lvl + 1 < dom->io->cfg.levels)
		for (unsigned int i = 0; i < IOMMU_PT_ENTRIES; i++)
			if ((tab[i] & IOMMU_PTE_VALID) &&
			    !(tab[i] & IOMMU_PTE_LEAF))
				pt_destroy_lvl(dom, pte_table(tab[i]), lvl + 1);
	dom->written -= iommu_pt_free(a, idx);
}

void iommu_pt_destroy(struct iommu_domain *dom)
{
	if (dom->type != IOMMU_DOMAIN_PAGING || !dom->tables)
		return;
	pt_destroy_lvl(dom, dom->root, 0);
	TSM_BUG_ON(dom->written);
	dom->tables = 0;
	dom->mapped_bytes = 0;
	memset(dom->leaves, 0, sizeof(dom->leaves));
}

uint64_t iommu_domain_tables_written(const struct iommu_domain *dom)
{
	return dom->written;
}

/* ----------------------------------------------------------------- walk */

/*
 * The level arithmetic is folded into one shift that drops by a level's
 * bits per step, a table is one load from the arena's index, and one test
 * tells "go down" from "stop" (a leaf, or nothing there): on a random
 * stream every access is a miss, so this loop is most of a translation.
 */
enum iommu_fault iommu_pt_walk(const struct iommu_domain *dom, uint64_t iova,
			       uint64_t *pte, unsigned int *leaf_lvl,
			       unsigned int *walked)
{
	const struct iommu_pt_arena *a = &dom->io->arena;
	unsigned int levels = dom->io->cfg.levels;
	unsigned int shift = iommu_lvl_shift(levels, 0), lvl;
	uint32_t idx = dom->root;
	uint64_t e;

	*walked = 0;
	if (iova >> (shift + IOMMU_PT_BITS))
		return IOMMU_F_ADDR_SIZE;
	for (lvl = 0; lvl + 1 < levels; lvl++) {
		e = pt_entry(a, idx, (iova >> shift) & (IOMMU_PT_ENTRIES - 1),
			     shift);
		if ((e & (IOMMU_PTE_VALID | IOMMU_PTE_LEAF)) != IOMMU_PTE_VALID)
			goto stop;
		idx = pte_table(e);
		shift -= IOMMU_PT_BITS;
	}
	e = pt_entry(a, idx, (iova >> shift) & (IOMMU_PT_ENTRIES - 1), shift);
	/* last-level entries are always leaves */
	TSM_BUG_ON((e & (IOMMU_PTE_VALID | IOMMU_PTE_LEAF)) == IOMMU_PTE_VALID);
stop:
	*walked = lvl + 1;
	if (!(e & IOMMU_PTE_VALID))
		return IOMMU_F_NOT_PRESENT;
	*pte = e;
	*leaf_lvl = lvl;
	return IOMMU_OK;
}

/*
 * A walk reads two things per level: the table's pointer in the arena's
 * index (tabs[idx]) and the entry in that table; the last one read is the
 * last level's entry (back 0), before it that table's pointer (back 1),
 * before that the entry above (back 2).  Each is one dependent load, so a
 * walk that misses the caches on several of them is a chain of misses;
 * asked for in stages, each stage's load finds the line the stage before
 * asked for.
 */
void iommu_pt_prefetch(const struct iommu_domain *dom, uint64_t iova,
		       unsigned int back)
{
	const struct iommu_pt_arena *a = &dom->io->arena;
	unsigned int levels = dom->io->cfg.levels;
	unsigned int shift = iommu_lvl_shift(levels, 0);
	unsigned int last = levels - 1 - back / 2;
	uint32_t idx = dom->root;
	uint64_t e;

	if (iova >> (shift + IOMMU_PT_BITS) || back / 2 >= levels)
		return;
	for (unsigned int lvl = 0; lvl < last; lvl++) {
		e = pt_entry(a, idx, (iova >> shift) & (IOMMU_PT_ENTRIES - 1),
			     shift);
		if ((e & (IOMMU_PTE_VALID | IOMMU_PTE_LEAF)) != IOMMU_PTE_VALID)
			return;
		idx = pte_table(e);
		shift -= IOMMU_PT_BITS;
	}
	if (back & 1)
		__builtin_prefetch(&a->tabs[idx]);
	else if (a->tabs[idx])	/* a run has no entries in memory */
		__builtin_prefetch(&a->tabs[idx][(iova >> shift) &
						 (IOMMU_PT_ENTRIES - 1)]);
}

int iommu_lookup(const struct iommu_domain *dom, uint64_t iova, uint64_t *pa,
		 uint64_t *page_size, unsigned int *levels_walked)
{
	unsigned int lvl = 0, walked = 0;
	uint64_t pte = 0, ps;

	if (dom->type != IOMMU_DOMAIN_PAGING) {
		if (levels_walked)
			*levels_walked = 0;
		return -ENOENT;
	}
	if (iommu_pt_walk(dom, iova, &pte, &lvl, &walked) != IOMMU_OK) {
		if (levels_walked)
			*levels_walked = walked;
		return -ENOENT;
	}
	ps = 1ULL << iommu_lvl_shift(dom->io->cfg.levels, lvl);
	if (pa)
		*pa = (pte & IOMMU_PTE_ADDR & ~(ps - 1)) | (iova & (ps - 1));
	if (page_size)
		*page_size = ps;
	if (levels_walked)
		*levels_walked = walked;
	return 0;
}

unsigned int iommu_lookup_prot(const struct iommu_domain *dom, uint64_t iova)
{
	unsigned int lvl, walked;
	uint64_t pte;

	if (dom->type != IOMMU_DOMAIN_PAGING ||
	    iommu_pt_walk(dom, iova, &pte, &lvl, &walked) != IOMMU_OK)
		return 0;
	return iommu_pte_prot(pte);
}

/* ------------------------------------------------------------------ map */

/* Page-size class 0..2 of @page_size, or -1. */
static int page_class(uint64_t page_size)
{
	switch (page_size) {
	case IOMMU_PAGE_4K:
		return 0;
	case IOMMU_PAGE_2M:
		return 1;
	case IOMMU_PAGE_1G:
		return 2;
	default:
		return -1;
	}
}

/* Is any byte of the @lvl-sized page at @iova mapped already? */
static bool pt_busy(const struct iommu_domain *dom, uint64_t iova,
		    unsigned int target)
{
	const struct iommu_pt_arena *a = &dom->io->arena;
	unsigned int levels = dom->io->cfg.levels;
	uint32_t idx = dom->root;

	for (unsigned int lvl = 0; lvl <= target; lvl++) {
		uint64_t e = pt_entry(a, idx, pt_index(levels, lvl, iova),
				      iommu_lvl_shift(levels, lvl));

		if (!(e & IOMMU_PTE_VALID))
			return false;
		/* a leaf above or at @target, or a non-empty table at it */
		if ((e & IOMMU_PTE_LEAF) || lvl == target)
			return true;
		idx = pte_table(e);
	}
	return false;
}

static int pt_install(struct iommu_domain *dom, uint64_t iova,
		      unsigned int target, uint64_t leaf)
{
	struct iommu_pt_arena *a = &dom->io->arena;
	unsigned int levels = dom->io->cfg.levels;
	uint32_t idx = dom->root;

	for (unsigned int lvl = 0; lvl < target; lvl++) {
		unsigned int i = pt_index(levels, lvl, iova);
		unsigned int shift = iommu_lvl_shift(levels, lvl);
		uint64_t e = pt_entry(a, idx, i, shift);

		if (!(e & IOMMU_PTE_VALID)) {
			uint32_t n;
			int ret = iommu_pt_alloc(a, &n);

			if (ret)
				return ret;
			dom->tables++;
			e = ((uint64_t)n << IOMMU_PAGE_SHIFT) | IOMMU_PTE_VALID;
			pt_set(dom, idx, i, e, shift);
			(*iommu_pt_nvalid(a, idx))++;
		}
		TSM_BUG_ON(e & IOMMU_PTE_LEAF);	/* pt_busy() said free */
		idx = pte_table(e);
	}
	pt_set(dom, idx, pt_index(levels, target, iova), leaf,
	       iommu_lvl_shift(levels, target));
	(*iommu_pt_nvalid(a, idx))++;
	return 0;
}

static int map_check(const struct iommu_domain *dom, uint64_t iova,
		     uint64_t pa, uint64_t size, uint64_t page_size,
		     unsigned int prot)
{
	unsigned int levels = dom->io->cfg.levels;
	unsigned int width = IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * levels;
	int cls = page_class(page_size);

	if (dom->type != IOMMU_DOMAIN_PAGING || cls < 0)
		return -EINVAL;
	if ((unsigned int)cls + 2 > levels)	/* would be a root leaf */
		return -EINVAL;
	if (!size || (iova | pa | size) & (page_size - 1))
		return -EINVAL;
	if (!prot || prot & ~(IOMMU_PROT_READ | IOMMU_PROT_WRITE))
		return -EINVAL;
	if (iova + size < iova || (iova + size - 1) >> width)
		return -EINVAL;
	if (pa + size < pa || (pa + size - 1) & ~(IOMMU_PTE_ADDR | 0xfffULL))
		return -EINVAL;
	return 0;
}

int iommu_map(struct iommu_domain *dom, uint64_t iova, uint64_t pa,
	      uint64_t size, uint64_t page_size, unsigned int prot)
{
	unsigned int target;
	uint64_t off, flags;
	int cls, ret;

	ret = map_check(dom, iova, pa, size, page_size, prot);
	if (ret)
		return ret;
	cls = page_class(page_size);
	target = dom->io->cfg.levels - 1 - (unsigned int)cls;
	for (off = 0; off < size; off += page_size)
		if (pt_busy(dom, iova + off, target))
			return -EEXIST;
	flags = IOMMU_PTE_VALID | IOMMU_PTE_LEAF |
		((uint64_t)prot << IOMMU_PTE_PROT_SHIFT);
	for (off = 0; off < size; off += page_size) {
		ret = pt_install(dom, iova + off, target, (pa + off) | flags);
		if (ret) {
			iommu_unmap(dom, iova, off);
			return ret;
		}
		dom->mapped_bytes += page_size;
		dom->leaves[cls]++;
	}
	return 0;
}

/* ---------------------------------------------------------------- unmap */

struct unmap_ctx {
	struct iommu_domain *dom;
	uint64_t start, last;	/* inclusive range being removed */
	uint64_t done;
	bool nomem;
};

/* Replace the leaf *@e (size 1 << @shift) by a table of 512 smaller ones. */
static int pt_split(struct unmap_ctx *c, uint64_t *e, unsigned int shift)
{
	struct iommu_pt_arena *a = &c->dom->io->arena;
	uint64_t leaf = *e;
	uint64_t base = leaf & IOMMU_PTE_ADDR & ~((1ULL << shift) - 1);
	uint64_t flags = leaf & ~IOMMU_PTE_ADDR;
	unsigned int cls = (shift - IOMMU_PAGE_SHIFT) / IOMMU_PT_BITS;
	uint32_t n;

	if (iommu_pt_alloc(a, &n))
		return -ENOMEM;
	c->dom->tables++;
	/* 512 consecutive leaves with the leaf's flags: one run, nothing written */
	a->runs[n] = (base | flags) |
			  ((uint64_t)IOMMU_PT_ENTRIES << IOMMU_PT_RUN_SHIFT);
	if (a->no_runs)
		pt_write_out(c->dom, n, shift - IOMMU_PT_BITS);
	*iommu_pt_nvalid(a, n) = IOMMU_PT_ENTRIES;
	c->dom->leaves[cls]--;
	c->dom->leaves[cls - 1] += IOMMU_PT_ENTRIES;
	*e = ((uint64_t)n << IOMMU_PAGE_SHIFT) | IOMMU_PTE_VALID;
	return 0;
}

static void unmap_lvl(struct unmap_ctx *c, uint32_t idx, unsigned int lvl,
		      uint64_t base);

/* Handle one valid entry *@e of table @idx covering [@eb, @eb + size). */
static void unmap_entry(struct unmap_ctx *c, uint32_t idx, uint64_t *e,
			unsigned int lvl, uint64_t eb)
{
	struct iommu_pt_arena *a = &c->dom->io->arena;
	unsigned int shift = iommu_lvl_shift(c->dom->io->cfg.levels, lvl);
	uint64_t last = eb + ((1ULL << shift) - 1);
	uint32_t child;

	if (*e & IOMMU_PTE_LEAF) {
		if (c->start <= eb && last <= c->last) {
			*e = 0;
			(*iommu_pt_nvalid(a, idx))--;
			c->done += 1ULL << shift;
			c->dom->mapped_bytes -= 1ULL << shift;
			c->dom->leaves[(shift - IOMMU_PAGE_SHIFT) / IOMMU_PT_BITS]--;
			return;
		}
		if (pt_split(c, e, shift)) {
			c->nomem = true;
			return;
		}
	}
	child = pte_table(*e);
	unmap_lvl(c, child, lvl + 1, eb);
	if (!*iommu_pt_nvalid(a, child)) {
		c->dom->written -= iommu_pt_free(a, child);
		c->dom->tables--;
		*e = 0;
		(*iommu_pt_nvalid(a, idx))--;
	}
}

/*
 * Remove [@lo, @hi] from run @idx when that is its tail from an entry's
 * first byte on (the whole run included): the run only gets shorter, no
 * entry is written.  False when the table must be written out instead.
 */
static bool unmap_run(struct unmap_ctx *c, uint32_t idx, unsigned int shift,
		      uint64_t base, uint64_t lo, uint64_t hi)
{
	struct iommu_pt_arena *a = &c->dom->io->arena;
	uint64_t n = run_len(a->runs[idx]), k, gone;

	if (!n || lo - base >= n << shift)	/* nothing mapped there */
		return true;
	k = (lo - base) >> shift;
	if ((lo - base) & ((1ULL << shift) - 1) ||
	    hi - base < (n << shift) - 1)
		return false;
	gone = n - k;
	c->done += gone << shift;
	c->dom->mapped_bytes -= gone << shift;
	c->dom->leaves[(shift - IOMMU_PAGE_SHIFT) / IOMMU_PT_BITS] -= gone;
	*iommu_pt_nvalid(a, idx) -= (uint16_t)gone;
	a->runs[idx] = k ? (a->runs[idx] & IOMMU_PT_RUN_E0) |
			   (k << IOMMU_PT_RUN_SHIFT) : 0;
	return true;
}

static void unmap_lvl(struct unmap_ctx *c, uint32_t idx, unsigned int lvl,
		      uint64_t base)
{
	unsigned int shift = iommu_lvl_shift(c->dom->io->cfg.levels, lvl);
	uint64_t lo = c->start > base ? c->start : base;
	uint64_t span_last = base + ((1ULL << (shift + IOMMU_PT_BITS)) - 1);
	uint64_t hi = c->last < span_last ? c->last : span_last;
	uint64_t *tab;

	if (!c->dom->io->arena.tabs[idx] &&
	    unmap_run(c, idx, shift, base, lo, hi))
		return;
	tab = pt_write_out(c->dom, idx, shift);
	for (uint64_t i = (lo - base) >> shift; i <= (hi - base) >> shift; i++) {
		if (c->nomem)
			return;
		if (tab[i] & IOMMU_PTE_VALID)
			unmap_entry(c, idx, &tab[i], lvl, base + (i << shift));
	}
}

uint64_t iommu_unmap(struct iommu_domain *dom, uint64_t iova, uint64_t size)
{
	unsigned int width = IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * dom->io->cfg.levels;
	struct unmap_ctx c = { .dom = dom, .start = iova };

	if (dom->type != IOMMU_DOMAIN_PAGING || !size ||
	    (iova | size) & (IOMMU_PAGE_4K - 1) || iova + size < iova)
		return 0;
	if (iova >> width)
		return 0;
	c.last = iova + size - 1;
	if (c.last >> width)
		c.last = (1ULL << width) - 1;
	unmap_lvl(&c, dom->root, 0, 0);
	/*
	 * The IOTLB may still hold any leaf of the range (or a superpage that
	 * was split): from now on those entries translate through a page-table
	 * entry that is gone or changed.  The invalidation is the caller's.
	 */
	if (c.done || c.nomem)
		iommu_tlb_mark_stale(&dom->io->tlb, dom->id, iova, c.last);
	if (dom->ntags)
		iommu_tag_drop(dom, iova, c.last);
	return c.done;
}

/* ------------------------------------------------------------------ tags */

/* Index of the first tag ending at or after @iova. */
static size_t tag_lower(const struct iommu_domain *dom, uint64_t iova)
{
	size_t lo = 0, hi = dom->ntags;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct iommu_tag *t = &dom->tags[mid];

		if (t->iova + t->size - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool tag_covers(const struct iommu_tag *t, uint64_t iova)
{
	return t->iova <= iova && iova - t->iova < t->size;
}

/*
 * Tags are sorted and disjoint, so a tag that covers @iova is the answer
 * whichever index it sits at: the one found last is tried before the
 * binary search (streams miss in the same mapping over and over).
 */
uint64_t iommu_tag_find(struct iommu_domain *dom, uint64_t iova)
{
	size_t i = dom->tag_hint;

	if (i < dom->ntags && tag_covers(&dom->tags[i], iova))
		return dom->tags[i].tag;
	i = tag_lower(dom, iova);
	if (i < dom->ntags && dom->tags[i].iova <= iova) {
		dom->tag_hint = i;
		return dom->tags[i].tag;
	}
	return 0;
}

static void tag_insert(struct iommu_domain *dom, size_t at,
		       const struct iommu_tag *t)
{
	if (dom->ntags == dom->captags) {
		dom->captags = dom->captags ? 2 * dom->captags : 8;
		dom->tags = sim_xrealloc(dom->tags, dom->captags,
					 sizeof(*dom->tags));
	}
	memmove(&dom->tags[at + 1], &dom->tags[at],
		(dom->ntags - at) * sizeof(*dom->tags));
	dom->tags[at] = *t;
	dom->ntags++;
}

/* Cut [@iova, @last] out of the tags: whole ones go, edges are trimmed. */
void iommu_tag_drop(struct iommu_domain *dom, uint64_t iova, uint64_t last)
{
	size_t i = tag_lower(dom, iova);

	while (i < dom->ntags && dom->tags[i].iova <= last) {
		struct iommu_tag t = dom->tags[i];
		uint64_t tlast = t.iova + t.size - 1;

		memmove(&dom->tags[i], &dom->tags[i + 1],
			(dom->ntags - i - 1) * sizeof(*dom->tags));
		dom->ntags--;
		if (t.iova < iova) {
			tag_insert(dom, i++, &(struct iommu_tag){
				t.iova, iova - t.iova, t.tag });
		}
		if (tlast > last) {
			tag_insert(dom, i++, &(struct iommu_tag){
				last + 1, tlast - last, t.tag });
		}
	}
}

int iommu_map_tag(struct iommu_domain *dom, uint64_t iova, uint64_t size,
		  uint64_t tag)
{
	if (!size || !tag || iova + size - 1 < iova ||
	    dom->type != IOMMU_DOMAIN_PAGING)
		return -EINVAL;
	iommu_tag_drop(dom, iova, iova + size - 1);
	tag_insert(dom, tag_lower(dom, iova),
		   &(struct iommu_tag){ iova, size, tag });
	return 0;
}
