/* SPDX-License-Identifier: MIT */
/*
 * iommu.h - the host IOMMU: translation domains with radix page tables,
 * a set-associative IOTLB, an invalidation queue with latency, requester
 * (RID, PASID) attachment, and the per-RID trusted path an arch installs.
 *
 * Stale translations are real (docs/architecture.md): iommu_unmap()
 * edits the table at once, but an IOTLB entry stays usable until an
 * invalidation that covers it *completes*.  Accesses in between hit the
 * entry and come back with @stale set.  The IOMMU never invalidates
 * implicitly: the caller (iommufd) queues the invalidation, so a forgotten
 * one is modelled as it would happen on hardware ([tdxh], docs/sources.md H3).
 *
 * Page-table format (ours; the dma-stream workload of docs/bench.md fixes
 * only the leaf address and the index bits): 512 eight-byte entries per
 * 4 KiB table, level 0 is the root, level L-1 holds 4 KiB leaves, L-2 2 MiB,
 * L-3 1 GiB.  For 4 levels the IOVA index bits are 47..39, 38..30, 29..21,
 * 20..12.  A leaf is never put in the root table (x86 has no PS bit in a
 * PML4/PML5 entry, Arm has no level-0 block with a 4 KiB granule), so
 * 3-level tables have no 1 GiB pages.  The IOVA width is 12 + 9 * levels
 * bits (39, 48, 57).
 *
 * Timing follows docs/bench.md: every translation pays iotlb_hit;
 * a miss adds levels_walked * walk_level.  Defaults: docs/sources.md.
 */
#ifndef TSMSIM_MODELS_IOMMU_IOMMU_H
#define TSMSIM_MODELS_IOMMU_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

struct iommu;
struct iommu_domain;

#define IOMMU_PAGE_4K	(1ULL << 12)
#define IOMMU_PAGE_2M	(1ULL << 21)
#define IOMMU_PAGE_1G	(1ULL << 30)

#define IOMMU_PROT_READ		(1u << 0)
#define IOMMU_PROT_WRITE	(1u << 1)

/* DMA without a PASID TLP prefix (Linux IOMMU_NO_PASID). */
#define IOMMU_NO_PASID	0u

/* hpa of a translation that reached nothing (as in struct sim_rec_access) */
#define IOMMU_NO_HPA	UINT64_MAX

/* Fault-log entries kept when iommu_config.fault_log_len is 0. */
#define IOMMU_FAULT_LOG_DEFAULT	256u

/**
 * struct iommu_timing - latencies in platform cycles.
 * @iotlb_hit:  IOTLB lookup, paid by every translation (est. 2-5 ns)
 * @walk_level: one page-table level read on a miss (est. 80-120 ns)
 * @inval:      from queueing an invalidation descriptor to its completion
 *              (est. 1-5 us); docs/sources.md
 */
struct iommu_timing {
	sim_cycles_t iotlb_hit;
	sim_cycles_t walk_level;
	sim_cycles_t inval;
};

/**
 * struct iommu_config - the platform.iommu block of a scenario.
 * @entries:       IOTLB entries, > 0
 * @ways:          IOTLB ways; must divide @entries.  @ways == @entries is
 *                 fully associative with true LRU (docs/bench.md)
 * @levels:        radix levels, 3, 4 or 5
 * @fault_log_len: fault records kept (0: IOMMU_FAULT_LOG_DEFAULT)
 * @timing:        initial latencies; see iommu_set_timing()
 */
struct iommu_config {
	unsigned int entries;
	unsigned int ways;
	unsigned int levels;
	unsigned int fault_log_len;
	struct iommu_timing timing;
	/*
	 * Write every page table out, keep none as a run (pgtable.c): the
	 * same entries either way, so only a check of runs uses it
	 * (TSMSIM_NO_RUNS=1, tests/run_exact.sh).
	 */
	bool no_runs;
};

/*
 * Why a translation failed.  IOMMU_OK is 0 so a zeroed result is a success.
 * IOMMU_F_ARCH is for trusted-path hooks: the arch refused the access and
 * names the reason in iommu_xlate.detail (RMP fault, GPT fault, ...).
 */
enum iommu_fault {
	IOMMU_OK,
	IOMMU_F_NO_DOMAIN,	/* the requester is attached to nothing */
	IOMMU_F_NOT_PRESENT,	/* no leaf for the IOVA */
	IOMMU_F_PERM,		/* leaf lacks read or write permission */
	IOMMU_F_BLOCKED,	/* attached to a blocking domain */
	IOMMU_F_NO_TRUSTED,	/* T=1 request, no trusted path for the RID */
	IOMMU_F_ADDR_SIZE,	/* IOVA above the table's input width */
	IOMMU_F_ARCH,		/* the trusted path refused (see detail) */
	IOMMU_F_NR
};

/**
 * iommu_fault_name() - short name of a fault code, for traces.
 * @f: the code
 *
 * Returns "ok", "no-domain", "not-present", ... or "?" when out of range.
 */
const char *iommu_fault_name(enum iommu_fault f);

enum iommu_domain_type {
	IOMMU_DOMAIN_PAGING,	/* translates through its page table */
	IOMMU_DOMAIN_BLOCKED,	/* every DMA faults (Linux blocked_domain) */
	IOMMU_DOMAIN_NR
};

/**
 * iommu_domain_type_name() - "paging" or "blocked".
 * @t: the type
 */
const char *iommu_domain_type_name(enum iommu_domain_type t);

/**
 * struct iommu_xlate - the result of one translation.
 * @hpa:           host physical address of the first byte, IOMMU_NO_HPA on
 *                 a fault
 * @page_size:     size of the leaf (or IOTLB entry) used; 0 on a fault
 * @lat_cycles:    cycles the translation took
 * @levels_walked: table levels read (0 on an IOTLB hit)
 * @fault:         IOMMU_OK or why it failed; faults are results, not errors
 * @stale:         translated through an IOTLB entry whose page-table entry
 *                 was removed or changed since it was filled
 * @iotlb_hit:     the IOTLB supplied the translation
 * @tag:           the tag of the mapping the translation came from (see
 *                 iommu_map_tag()), kept by the IOTLB entry so a stale hit
 *                 still names it; 0 when untagged
 * @detail:        static string from a trusted-path hook, or NULL
 */
struct iommu_xlate {
	uint64_t hpa;
	uint64_t page_size;
	sim_cycles_t lat_cycles;
	unsigned int levels_walked;
	enum iommu_fault fault;
	bool stale;
	bool iotlb_hit;
	uint64_t tag;
	const char *detail;
	int32_t tlb_slot;	/* the IOTLB entry a T=0 access used, else -1 */
};

/**
 * struct iommu_trusted_ops - the trusted DMA path of an arch (T=1).
 * @translate: translate a T=1 request of @rid/@pasid for the arch (tdx:
 *             trusted IOMMU tables over the S-EPT; sev: IOMMU table plus
 *             RMP check; cca: SMMU on the realm stage-2; docs/scenarios.md
 *             (steps)).  Called from iommu_translate() with @out zeroed
 *             except hpa = IOMMU_NO_HPA; the hook fills every field it
 *             uses, latency included.  A fault it reports is logged like
 *             any other.  Must not call back into the IOMMU's attach API.
 */
struct iommu_trusted_ops {
	void (*translate)(void *ctx, uint16_t rid, uint32_t pasid,
			  uint64_t iova, uint64_t size, bool write,
			  struct iommu_xlate *out);
};

/**
 * struct iommu_fault_rec - one entry of the fault-record log.
 * @rid, @pasid: requester
 * @tee:         the request had T=1
 * @write:       it was a write
 * @iova:        address as issued
 * @reason:      fault code
 * @cycle:       when it was recorded
 */
struct iommu_fault_rec {
	uint16_t rid;
	uint32_t pasid;
	bool tee;
	bool write;
	uint64_t iova;
	enum iommu_fault reason;
	sim_cycles_t cycle;
};

/* ------------------------------------------------------------ lifecycle */

/**
 * iommu_config_validate() - check a configuration without building it.
 * @cfg: the configuration
 *
 * Returns 0, or -EINVAL when entries is 0, ways is 0 or does not divide
 * entries, or levels is not 3, 4 or 5.
 */
int iommu_config_validate(const struct iommu_config *cfg);

/**
 * iommu_create() - build an IOMMU with an empty IOTLB and no domains.
 * @s:   the engine; stats "iotlb.*", "iommu.*" are registered here
 * @cfg: configuration, copied
 * @out: the new IOMMU
 *
 * Returns 0, -EINVAL (see iommu_config_validate()) or -ENOMEM.
 */
int iommu_create(struct sim *s, const struct iommu_config *cfg,
		 struct iommu **out);

/**
 * iommu_destroy() - free the IOMMU, its domains and its queue.
 * @io: the IOMMU, or NULL
 *
 * Pending invalidations are cancelled without firing their callbacks, so
 * call it before sim_destroy() of the engine it was created on.
 */
void iommu_destroy(struct iommu *io);

/**
 * iommu_set_timing() - replace the latencies (arch profile, timing block).
 * @io: the IOMMU
 * @t:  new values; applies to translations and descriptors queued from now
 */
void iommu_set_timing(struct iommu *io, const struct iommu_timing *t);

/**
 * iommu_get_timing() - the latencies in force.
 * @io: the IOMMU
 */
const struct iommu_timing *iommu_get_timing(const struct iommu *io);

/**
 * iommu_levels() - radix levels of every domain of @io.
 * @io: the IOMMU
 */
unsigned int iommu_levels(const struct iommu *io);

/* -------------------------------------------------------------- domains */

/**
 * iommu_domain_alloc() - make a domain.
 * @io:   the IOMMU
 * @type: paging or blocked
 * @name: for traces ("ioas a", "hwpt h0"); copied; NULL gives "domN"
 *
 * Each domain gets a fresh id, never reused, that tags its IOTLB entries.
 * Returns NULL when out of memory.
 */
struct iommu_domain *iommu_domain_alloc(struct iommu *io,
					enum iommu_domain_type type,
					const char *name);

/**
 * iommu_domain_free() - free a domain and its page tables.
 * @dom: the domain
 *
 * Its IOTLB entries are purged (the id is unreachable anyway).  Queued
 * invalidations of the domain still retire, on time.
 * Returns 0, or -EBUSY while a requester is attached to it.
 */
int iommu_domain_free(struct iommu_domain *dom);

/**
 * iommu_domain_id() - the IOTLB tag of @dom.
 * @dom: the domain
 */
uint32_t iommu_domain_id(const struct iommu_domain *dom);

/**
 * iommu_domain_name() - the name given at allocation.
 * @dom: the domain
 */
const char *iommu_domain_name(const struct iommu_domain *dom);

/**
 * iommu_domain_mapped_bytes() - bytes currently mapped in @dom.
 * @dom: the domain
 */
uint64_t iommu_domain_mapped_bytes(const struct iommu_domain *dom);

/**
 * iommu_domain_leaves() - leaf entries of one page size in @dom.
 * @dom:       the domain
 * @page_size: IOMMU_PAGE_4K, _2M or _1G (0 for any other value)
 */
uint64_t iommu_domain_leaves(const struct iommu_domain *dom,
			     uint64_t page_size);

/**
 * iommu_domain_tables() - page-table pages @dom uses, root included.
 * @dom: the domain
 */
uint64_t iommu_domain_tables(const struct iommu_domain *dom);

/**
 * iommu_domain_tables_written() - of those, the tables whose entries sit
 * in memory.  The others are runs: consecutive leaves with one set of
 * flags, kept as one word (what a linear map builds), so a map of many
 * pages neither fills memory nor makes each walk miss the caches.  The
 * entries read the same either way; this count only shows the form.
 * @dom: the domain
 */
uint64_t iommu_domain_tables_written(const struct iommu_domain *dom);

/* ---------------------------------------------------------- page tables */

/**
 * iommu_map() - map [@iova, @iova + @size) to @pa with leaves of @page_size.
 * @dom:       a paging domain
 * @iova:      first IOVA, @page_size aligned
 * @pa:        first host physical address, @page_size aligned, < 2^52
 * @size:      bytes, a non-zero multiple of @page_size
 * @page_size: IOMMU_PAGE_4K, _2M, or _1G (not with 3 levels)
 * @prot:      IOMMU_PROT_READ and/or IOMMU_PROT_WRITE, not 0
 *
 * All or nothing.  Does not touch the IOTLB.
 * Returns 0; -EINVAL on misalignment, a bad page size, prot or range (past
 * the IOVA width) or a blocked domain; -EEXIST when any byte of the range
 * is already mapped, by a leaf of any size; -ENOMEM.
 */
int iommu_map(struct iommu_domain *dom, uint64_t iova, uint64_t pa,
	      uint64_t size, uint64_t page_size, unsigned int prot);

/**
 * iommu_unmap() - remove every mapping in [@iova, @iova + @size).
 * @dom:  the domain
 * @iova: 4 KiB aligned
 * @size: 4 KiB multiple
 *
 * A superpage only partly inside the range is split into next-level
 * leaves first and the rest stays mapped (Linux io-pgtable-arm
 * arm_lpae_split_blk_unmap()).  Holes are skipped.  IOTLB entries of the
 * removed or changed leaves are marked stale; none is invalidated: queue
 * iommu_inval_range() for that.  As Linux iommu_unmap(), a misaligned
 * range unmaps nothing.
 * Returns the bytes that were mapped and now are not (0 on misalignment;
 * short when a split ran out of memory).
 */
uint64_t iommu_unmap(struct iommu_domain *dom, uint64_t iova, uint64_t size);

/**
 * iommu_map_tag() - name the mapping of [@iova, @iova + @size) with @tag
 * (the owner's id for it: iommufd passes the mem.h mapping id), so
 * translations through it report the tag, even through a stale IOTLB
 * entry after the unmap.  iommu_unmap() drops the tags it covers.
 * Returns 0, -EINVAL (empty range, tag 0, not a paging domain).
 */
int iommu_map_tag(struct iommu_domain *dom, uint64_t iova, uint64_t size,
		  uint64_t tag);

/**
 * iommu_lookup() - walk the table for @iova, without the IOTLB or stats.
 * @dom:           the domain
 * @iova:          any IOVA
 * @pa:            out: physical address of @iova (may be NULL)
 * @page_size:     out: leaf size (may be NULL)
 * @levels_walked: out: levels read, also on a miss (may be NULL)
 *
 * For `assert: translate` and checkers.  Returns 0, or -ENOENT when
 * nothing maps @iova (or it is beyond the IOVA width, or @dom blocks).
 */
int iommu_lookup(const struct iommu_domain *dom, uint64_t iova, uint64_t *pa,
		 uint64_t *page_size, unsigned int *levels_walked);

/**
 * iommu_lookup_prot() - IOMMU_PROT_* bits of the leaf mapping @iova.
 * @dom:  the domain
 * @iova: any IOVA
 *
 * Returns the bits, or 0 when @iova is not mapped.
 */
unsigned int iommu_lookup_prot(const struct iommu_domain *dom, uint64_t iova);

/* ---------------------------------------------------- requesters (RIDs) */

/**
 * iommu_attach() - attach requester @rid / @pasid to @dom.
 * @io:    the IOMMU
 * @rid:   PCIe requester ID (bus << 8 | devfn)
 * @pasid: IOMMU_NO_PASID, or a PASID (< 2^20)
 * @dom:   a domain of @io
 *
 * Returns 0; -EBUSY when already attached (use iommu_replace()); -EINVAL
 * for a bad PASID or a domain of another IOMMU; -ENOMEM.
 */
int iommu_attach(struct iommu *io, uint16_t rid, uint32_t pasid,
		 struct iommu_domain *dom);

/**
 * iommu_detach() - detach @rid / @pasid; its DMA then faults no-domain.
 * @io:    the IOMMU
 * @rid:   requester
 * @pasid: IOMMU_NO_PASID or the PASID
 *
 * Returns 0, or -ENOENT when it was not attached.
 */
int iommu_detach(struct iommu *io, uint16_t rid, uint32_t pasid);

/**
 * iommu_replace() - move @rid / @pasid to @dom with no window in between.
 * @io:    the IOMMU
 * @rid:   requester
 * @pasid: IOMMU_NO_PASID or the PASID
 * @dom:   the new domain
 *
 * The switch is one pointer store: a DMA before it uses the old domain,
 * one after it the new one, none sees no domain (iommufd replace,
 * iommu_group_replace_domain()).
 * Returns 0; -ENOENT when not attached; -EINVAL as iommu_attach().
 */
int iommu_replace(struct iommu *io, uint16_t rid, uint32_t pasid,
		  struct iommu_domain *dom);

/**
 * iommu_attached() - the domain @rid / @pasid translates through, or NULL.
 * @io:    the IOMMU
 * @rid:   requester
 * @pasid: IOMMU_NO_PASID or the PASID
 */
struct iommu_domain *iommu_attached(const struct iommu *io, uint16_t rid,
				    uint32_t pasid);

/**
 * iommu_set_trusted() - install the arch's trusted path for @rid.
 * @io:  the IOMMU
 * @rid: requester
 * @ops: callbacks (must outlive the installation); NULL removes the path
 * @ctx: passed back to @ops
 *
 * Returns 0, -EINVAL when @ops lacks translate, or -ENOMEM.
 */
int iommu_set_trusted(struct iommu *io, uint16_t rid,
		      const struct iommu_trusted_ops *ops, void *ctx);

/* ------------------------------------------------------------ translate */

/**
 * iommu_translate() - translate one DMA request (the hot path).
 * @io:    the IOMMU
 * @rid:   requester
 * @pasid: IOMMU_NO_PASID or the PASID of the request
 * @tee:   T bit: true goes to the RID's trusted path, never to a domain
 * @iova:  address as issued
 * @size:  bytes, 1..4096, not crossing a 4 KiB boundary (a PCIe request
 *         never does, PCIe r6.0 section 2.2.7)
 * @write: a write (needs IOMMU_PROT_WRITE) or a read (IOMMU_PROT_READ)
 * @out:   the result; faults are reported here and logged
 *
 * T=0: IOTLB lookup (hit: the entry becomes MRU); on a miss the table is
 * walked and the leaf inserted as MRU, evicting its set's LRU entry.
 * No allocation; O(1) besides the walk.
 * Returns 0, or -EINVAL for a bad @size (then @out is untouched).
 */
int iommu_translate(struct iommu *io, uint16_t rid, uint32_t pasid, bool tee,
		    uint64_t iova, uint64_t size, bool write,
		    struct iommu_xlate *out);
/*
 * iommu_hit_again() - run-ahead's fast path: would a T=0 translation of
 * @iova (a write when @write) hit IOTLB entry @slot (from the last
 * translation) as the MRU entry of its set, changing nothing but the hit
 * count?  It does when nothing translated or invalidated in between and
 * @iova is in the same page; then the hit is counted, *@hpa set, and true
 * returned.  *@gen is the IOTLB's change count when the caller last heard
 * this answer for the same 4 KiB page (0: never); while it is unchanged the
 * answer is known and not worked out again.  Set on success.
 */
bool iommu_hit_again(struct iommu *io, int32_t slot, uint64_t *gen,
		     uint64_t iova, bool write, uint64_t *hpa);
/*
 * struct iommu_again - iommu_hit_again()'s answer without a call: while
 * *@gen still equals the *gen a caller got from iommu_hit_again() or
 * iommu_translate_within(), the same 4 KiB page hits the same MRU entry
 * and changes nothing else; the caller counts that hit in *@hits.
 */
struct iommu_again {
	const uint64_t *gen;
	uint64_t *hits;
};
struct iommu_again iommu_again_handle(struct iommu *io);
/*
 * iommu_prefetch() - a hint from a caller that knows a coming request: the
 * cache line a walk of @iova by @rid (no PASID) reads @back loads before
 * its last-level entry (0: that entry; each level is two loads, the
 * table's pointer and the entry) is asked for now (__builtin_prefetch),
 * so a walk that misses the caches overlaps the work before it.  A caller
 * far enough ahead asks for @back 2, 1, 0 in turn, accesses apart.
 * Changes nothing a model can see.
 */
void iommu_prefetch(struct iommu *io, uint16_t rid, uint64_t iova,
		    unsigned int back);
/* Are @rid's tables big enough that iommu_prefetch() pays for itself? */
bool iommu_prefetch_pays(const struct iommu *io, uint16_t rid);
/*
 * iommu_translate_within() - run-ahead's other page: a T=0 translation of
 * @iova by @rid without PASID, done (IOTLB, walk, LRU and stats exactly as
 * iommu_translate()) only when it ends without a fault, not stale,
 * through mapping tag @tag, with [@hpa, @hpa + @size) inside [@lo, @hi].
 * Then it returns the IOTLB slot used and sets *@hpa, *@lat (cycles) and
 * *@gen (for iommu_hit_again()).  Otherwise it returns -1 having changed
 * nothing: iommu_translate() gives the whole answer.
 */
int32_t iommu_translate_within(struct iommu *io, uint16_t rid, uint64_t iova,
			       uint64_t size, bool write, uint64_t tag,
			       uint64_t lo, uint64_t hi, uint64_t *gen,
			       uint64_t *hpa, sim_cycles_t *lat);

/* ------------------------------------------------------------ fault log */

/**
 * iommu_fault_count() - records held in the fault log.
 * @io: the IOMMU
 *
 * The log keeps the first fault_log_len faults; later ones are counted by
 * iommu_fault_lost() only, as VT-d fault-recording registers do when full
 * (primary fault overflow).
 */
size_t iommu_fault_count(const struct iommu *io);

/**
 * iommu_fault_at() - the @i-th fault record, oldest first, or NULL.
 * @io: the IOMMU
 * @i:  index
 */
const struct iommu_fault_rec *iommu_fault_at(const struct iommu *io, size_t i);

/**
 * iommu_fault_lost() - faults not recorded because the log was full.
 * @io: the IOMMU
 */
uint64_t iommu_fault_lost(const struct iommu *io);

/**
 * iommu_fault_clear() - empty the log and the lost counter.
 * @io: the IOMMU
 */
void iommu_fault_clear(struct iommu *io);

/* ---------------------------------------------------------------- IOTLB */

/**
 * iommu_iotlb_contains() - is an entry of @dom covering @iova cached?
 * @dom:   the domain
 * @iova:  the address
 * @stale: out: the entry is marked stale (may be NULL)
 *
 * Does not change LRU order or stats.
 */
bool iommu_iotlb_contains(const struct iommu_domain *dom, uint64_t iova,
			  bool *stale);

/**
 * iommu_iotlb_used() - valid IOTLB entries.
 * @io: the IOMMU
 */
unsigned int iommu_iotlb_used(const struct iommu *io);

/* --------------------------------------------------------- invalidation */

enum iommu_inval_phase {
	IOMMU_INVAL_QUEUED,
	IOMMU_INVAL_DONE,	/* completed: the IOTLB entries are gone */
	IOMMU_INVAL_DROPPED,	/* retired without effect (fault injection) */
	IOMMU_INVAL_NR
};

/**
 * iommu_inval_phase_name() - "queued", "done" or "dropped".
 * @p: the phase
 */
const char *iommu_inval_phase_name(enum iommu_inval_phase p);

/*
 * Called when a descriptor retires, with IOMMU_INVAL_DONE or
 * IOMMU_INVAL_DROPPED.  Runs inside an event at SIM_PRIO_COMPLETE; it may
 * queue new descriptors.
 */
typedef void iommu_inval_fn(void *ctx, uint64_t id,
			    enum iommu_inval_phase phase);

/**
 * iommu_inval_range() - queue an IOTLB invalidation of an IOVA range.
 * @dom:  the domain whose entries go
 * @iova: first IOVA
 * @size: bytes, > 0; an entry intersecting the range is removed
 * @fn:   called when the descriptor retires (may be NULL)
 * @ctx:  for @fn
 * @id:   out: the descriptor id, > 0 (may be NULL)
 *
 * The descriptor retires at max(now + timing.inval + injected delay,
 * retirement of the previous descriptor): the queue is in order (VT-d
 * invalidation queue, SMMU command queue).  Until then matching entries
 * stay usable.  Returns 0, -EINVAL for a zero or wrapping range, -ENOMEM.
 */
int iommu_inval_range(struct iommu_domain *dom, uint64_t iova, uint64_t size,
		      iommu_inval_fn *fn, void *ctx, uint64_t *id);

/**
 * iommu_inval_domain() - queue an invalidation of all of @dom's entries.
 * @dom: the domain
 * @fn:  as iommu_inval_range()
 * @ctx: for @fn
 * @id:  out: the descriptor id (may be NULL)
 *
 * Traced with addr 0, size UINT64_MAX.  Returns 0 or -ENOMEM.
 */
int iommu_inval_domain(struct iommu_domain *dom, iommu_inval_fn *fn,
		       void *ctx, uint64_t *id);

/**
 * iommu_inval_pending() - descriptors queued and not yet retired.
 * @io: the IOMMU
 */
size_t iommu_inval_pending(const struct iommu *io);

/**
 * iommu_inval_retire_cycle() - when descriptor @id will retire.
 * @io: the IOMMU
 * @id: from iommu_inval_range() / iommu_inval_domain()
 * @at: out: the cycle
 *
 * Returns 0, or -ENOENT when @id is not pending.
 */
int iommu_inval_retire_cycle(const struct iommu *io, uint64_t id,
			     sim_cycles_t *at);

/**
 * iommu_inject_drop_inval() - the next @n descriptors are dropped.
 * @io: the IOMMU
 * @n:  how many (adds to any not yet used)
 *
 * Fault `drop-invalidation`: a dropped descriptor retires on time in queue
 * order, so the issuer believes it done, but no IOTLB entry is removed:
 * the stale entries live until evicted or invalidated again.  It is
 * traced as phase dropped and counted in "iommu.inval.dropped".
 */
void iommu_inject_drop_inval(struct iommu *io, unsigned int n);

/**
 * iommu_inject_delay_inval() - the next @n descriptors take @extra longer.
 * @io:    the IOMMU
 * @n:     how many
 * @extra: added cycles; later descriptors wait for them (in order)
 *
 * Fault `delay-invalidation`.
 */
void iommu_inject_delay_inval(struct iommu *io, unsigned int n,
			      sim_cycles_t extra);

#endif /* TSMSIM_MODELS_IOMMU_IOMMU_H */
