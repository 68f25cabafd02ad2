/* SPDX-License-Identifier: MIT */
/*
 * iommu_internal.h - private structures of the IOMMU model, shared by
 * pgtable.c (radix tables and their arena), iotlb.c, invq.c and iommu.c.
 * Never included from outside models/iommu/.
 */
#ifndef TSMSIM_MODELS_IOMMU_IOMMU_INTERNAL_H
#define TSMSIM_MODELS_IOMMU_IOMMU_INTERNAL_H

#include "iommu.h"

/* ----------------------------------------------------------- page table */

#define IOMMU_PT_ENTRIES	512u
#define IOMMU_PT_BITS		9u
#define IOMMU_PAGE_SHIFT	12u
#define IOMMU_PAGE_CLASSES	3u	/* 4 KiB, 2 MiB, 1 GiB */

/*
 * Entry format.  A table entry holds the arena index of the next table in
 * the address field, so the walk never chases a host pointer.
 */
#define IOMMU_PTE_VALID		(1ULL << 0)
#define IOMMU_PTE_READ		(1ULL << 1)
#define IOMMU_PTE_WRITE		(1ULL << 2)
#define IOMMU_PTE_LEAF		(1ULL << 7)
#define IOMMU_PTE_ADDR		0x000ffffffffff000ULL
#define IOMMU_PTE_PROT_SHIFT	1u

/*
 * Tables come in chunks of 64 (256 KiB) so a map is not one allocation
 * per node.  A chunk is its own anonymous mapping (pgtable.c), nothing
 * else on its pages, so a page of it takes memory only once a table on it
 * is written.
 */
#define IOMMU_PT_CHUNK_SHIFT	6u
#define IOMMU_PT_CHUNK		(1u << IOMMU_PT_CHUNK_SHIFT)

struct iommu_pt_chunk {
	uint64_t tab[IOMMU_PT_CHUNK][IOMMU_PT_ENTRIES];
};

/*
 * A run: a table whose valid entries are 0..n-1, all leaves with the same
 * flags at consecutive addresses (entry i is entry 0 plus i pages of the
 * table's level).  One linear map of many pages builds nothing else, nor
 * does a superpage split, so such a table is kept as one word, entry 0
 * with n in bits 52..61 (no entry uses them: addresses end at bit 51, and
 * flags sit below bit 8), instead of 4 KiB of entries.  A walk then reads
 * no table memory for it, so a big linear map costs about the same per
 * access as a small one, and the chunk pages of a run are never written
 * (so they take no memory).  Any write that does not extend or shorten
 * the run writes the table out first; every reader goes through
 * pt_entry() (pgtable.c), so the two forms give the same entries.
 */
#define IOMMU_PT_RUN_SHIFT	52u
#define IOMMU_PT_RUN_E0		((1ULL << IOMMU_PT_RUN_SHIFT) - 1)

/*
 * All domains of one IOMMU share the arena.  A table is freed as soon as
 * its last entry goes, so "a valid table entry" always means "something
 * is mapped below": map's overlap check relies on it.
 *
 * Chunks never move once allocated; only the small indexes over them
 * grow, by doubling, so growth copies at most as many pointers as the
 * arena ends up with and leaves no trail of freed copies behind in the
 * heap (peak RSS stays close to the tables' own size).  Free tables are
 * chained through runs[], so freeing never allocates, no free stack
 * is kept, and no table memory is written to free a run.
 */
struct iommu_pt_arena {
	uint64_t **tabs;	/* tabs[idx]: table idx's entries, NULL: a run */
	uint64_t *runs;		/* runs[idx]: the run (0: empty) while tabs[idx]
				 * is NULL; a free table's: 1 + next free, 0: none */
	uint16_t *nvalid;	/* nvalid[idx]: valid entries of table idx */
	struct iommu_pt_chunk **chunks;
	size_t nchunks;
	size_t capchunks;	/* chunks[] room; tabs[], runs[], nvalid[] CHUNK times as much */
	uint32_t ntables;	/* high-water mark of handed-out indices */
	uint32_t free_head;	/* 1 + first free table's index, 0: none */
	bool no_runs;		/* iommu_config.no_runs */
};

static inline uint16_t *iommu_pt_nvalid(const struct iommu_pt_arena *a,
					uint32_t idx)
{
	return &a->nvalid[idx];
}

/* Bit position of the lowest IOVA bit indexed at @lvl (0 = root). */
static inline unsigned int iommu_lvl_shift(unsigned int levels,
					   unsigned int lvl)
{
	return IOMMU_PAGE_SHIFT + IOMMU_PT_BITS * (levels - 1 - lvl);
}

static inline unsigned int iommu_pte_prot(uint64_t pte)
{
	return (unsigned int)(pte >> IOMMU_PTE_PROT_SHIFT) &
	       (IOMMU_PROT_READ | IOMMU_PROT_WRITE);
}

int iommu_pt_arena_init(struct iommu_pt_arena *a);
void iommu_pt_arena_fini(struct iommu_pt_arena *a);
int iommu_pt_alloc(struct iommu_pt_arena *a, uint32_t *idx);
/* Free table @idx; true when it was written out (not a run). */
bool iommu_pt_free(struct iommu_pt_arena *a, uint32_t idx);

/* Free every table of @dom (root included). */
void iommu_pt_destroy(struct iommu_domain *dom);

/*
 * iommu_pt_walk() - read the table for @iova.  Returns IOMMU_OK with the
 * leaf in *@pte and its level in *@leaf_lvl, IOMMU_F_NOT_PRESENT or
 * IOMMU_F_ADDR_SIZE; *@walked counts the levels read either way.
 */
enum iommu_fault iommu_pt_walk(const struct iommu_domain *dom, uint64_t iova,
			       uint64_t *pte, unsigned int *leaf_lvl,
			       unsigned int *walked);

/*
 * iommu_pt_prefetch() - the walk for @iova up to the load @back loads
 * before its last-level entry (0: that entry, 1: its table's pointer, 2:
 * the entry above, ...), which is only asked to come into the cache
 * (__builtin_prefetch): a hint, no result, nothing changed.
 */
void iommu_pt_prefetch(const struct iommu_domain *dom, uint64_t iova,
		       unsigned int back);

/* ----------------------------------------------------------------- IOTLB */

struct iommu_tlb_entry {
	uint64_t vpn;		/* IOVA >> page shift of @cls */
	uint64_t frame;		/* HPA of the page */
	uint32_t dom;
	int32_t prev, next;	/* set LRU list, or free list (next only) */
	uint8_t cls;		/* 0: 4 KiB, 1: 2 MiB, 2: 1 GiB */
	uint8_t prot;
	bool stale;
	bool valid;
	uint64_t tag;		/* iommu_map_tag() of the leaf's mapping */
	/*
	 * Hash slot the key hashes to, and the one holding it now: deleting
	 * an entry (every eviction) then neither searches for it nor
	 * rehashes the entries it shifts back.
	 */
	uint32_t home, hpos;
};

struct iommu_tlb_set {
	int32_t head, tail;	/* MRU, LRU */
	int32_t free;		/* first free slot of the set, -1 when full */
};

/*
 * Slots [s * ways, (s + 1) * ways) belong to set s.  One open-addressed
 * hash over all slots finds a tag in O(1) whatever the associativity;
 * the sets only decide who gets evicted.
 */
struct iommu_tlb {
	unsigned int entries, ways, nsets;
	unsigned int used;
	uint32_t ncls[IOMMU_PAGE_CLASSES];	/* valid entries per class */
	unsigned int clsmask;			/* bit c: ncls[c] != 0 */
	struct iommu_tlb_entry *e;
	struct iommu_tlb_set *sets;
	int32_t *ht;		/* -1 empty, else slot */
	uint32_t hmask;
	unsigned int hshift;
	/*
	 * Bumped by every change of an entry, of the LRU order or of the
	 * hash: an unchanged count means every answer is as it was
	 * (iommu_hit_again()).
	 */
	uint64_t gen;
};

int iommu_tlb_init(struct iommu_tlb *t, unsigned int entries,
		   unsigned int ways);
void iommu_tlb_fini(struct iommu_tlb *t);
/* Find the entry covering @iova; @touch makes it MRU.  -1 on a miss. */
/* The set of entry @s; a fully associative IOTLB has one (no division). */
static inline uint32_t iommu_tlb_set_of(const struct iommu_tlb *t, int32_t s)
{
	return t->nsets == 1 ? 0 : (uint32_t)s / t->ways;
}

int32_t iommu_tlb_find(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
		       bool touch);
/*
 * The same in parts, so a miss hashes the key once: the hash slot of
 * @iova's 4 KiB key, a lookup that changes nothing, making entry @s MRU.
 */
uint32_t iommu_tlb_home(const struct iommu_tlb *t, uint32_t dom,
			uint64_t iova);
int32_t iommu_tlb_find_h(const struct iommu_tlb *t, uint32_t dom,
			 uint64_t iova, uint32_t h0);
void iommu_tlb_touch(struct iommu_tlb *t, int32_t s);
/* Insert as MRU, evicting the set's LRU when the set is full. */
int32_t iommu_tlb_insert(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
			 uint64_t tag,
			 unsigned int cls, uint64_t frame, unsigned int prot);
/* The same, @h0 being iommu_tlb_home() of @iova. */
int32_t iommu_tlb_insert_h(struct iommu_tlb *t, uint32_t dom, uint64_t iova,
			   uint64_t tag, unsigned int cls, uint64_t frame,
			   unsigned int prot, uint32_t h0);
/* Mark entries of @dom intersecting [@start, @last] stale; returns how many. */
unsigned int iommu_tlb_mark_stale(struct iommu_tlb *t, uint32_t dom,
				  uint64_t start, uint64_t last);
/* Remove entries of @dom intersecting [@start, @last]; returns how many. */
unsigned int iommu_tlb_purge(struct iommu_tlb *t, uint32_t dom,
			     uint64_t start, uint64_t last);

/* ------------------------------------------------------ invalidation queue */

struct iommu_inval_desc {
	uint64_t id;
	struct iommu_domain *dom;
	uint64_t iova, size;
	bool all;
	bool dropped;
	sim_cycles_t retire_at;
	uint64_t ev;		/* sim event handle */
	iommu_inval_fn *fn;
	void *ctx;
};

/* A FIFO ring: descriptors retire in queue order, so the head goes first. */
struct iommu_invq {
	struct iommu_inval_desc *ring;
	size_t cap, head, count;
	uint64_t next_id;
	sim_cycles_t last_retire;
	unsigned int drop_n;
	unsigned int delay_n;
	sim_cycles_t delay_extra;
};

void iommu_invq_fini(struct iommu *io);

/* ------------------------------------------------------------- the IOMMU */

struct iommu_domain {
	struct iommu *io;
	struct iommu_domain *next;	/* io->domains */
	uint32_t id;
	enum iommu_domain_type type;
	char *name;
	uint32_t root;			/* arena index; paging only */
	uint64_t mapped_bytes;
	uint64_t leaves[IOMMU_PAGE_CLASSES];
	uint64_t tables;
	uint64_t written;		/* of @tables, not runs */
	unsigned int users;		/* attached requesters */
	unsigned int inval_refs;	/* pending descriptors naming it */
	bool dead;			/* freed by the owner, kept for @inval_refs */
	struct iommu_tag *tags;		/* sorted by iova, disjoint */
	size_t ntags, captags;
	size_t tag_hint;		/* index iommu_tag_find() found last */
};

struct iommu_tag {
	uint64_t iova, size, tag;
};

/* pgtable.c: the tag covering @iova, 0 when none (on misses only). */
uint64_t iommu_tag_find(struct iommu_domain *dom, uint64_t iova);
void iommu_tag_drop(struct iommu_domain *dom, uint64_t iova, uint64_t last);

struct iommu_pasid_bind {
	uint32_t pasid;
	struct iommu_domain *dom;
};

/* Per RID, like a VT-d context entry plus its PASID table. */
struct iommu_dev {
	struct iommu_domain *dom;	/* requests without PASID */
	struct iommu_pasid_bind *pasids;
	size_t npasids, cap;
	const struct iommu_trusted_ops *tops;
	void *tctx;
};

#define IOMMU_BUSES 256u
#define IOMMU_DEVFNS 256u

struct iommu_stats {
	uint64_t *hits, *misses, *walks, *faults;
	uint64_t *inval_queued, *inval_done, *inval_dropped, *stale_hits;
};

struct iommu {
	struct sim *sim;
	struct iommu_config cfg;
	struct iommu_pt_arena arena;
	struct iommu_tlb tlb;
	struct iommu_invq invq;
	struct iommu_dev *bus[IOMMU_BUSES];	/* each IOMMU_DEVFNS long */
	struct iommu_domain *domains;
	uint32_t next_dom_id;
	struct iommu_fault_rec *flog;
	size_t flog_len;
	uint64_t flog_lost;
	struct iommu_stats st;
};

/* Really free a domain struct (tables already gone). */
void iommu_domain_release(struct iommu_domain *dom);

#endif /* TSMSIM_MODELS_IOMMU_IOMMU_INTERNAL_H */
