/* SPDX-License-Identifier: MIT */
/*
 * platform.h - one simulated machine: the memory map, the IOMMU, the PCIe
 * functions, the arch (stage-2 + TSM firmware) and the guests, and the
 * three access pipelines that cross them (docs/architecture.md "The access
 * pipelines"):
 *
 *   guest CPU: arch stage-2 (private or shared view) -> KVM fault-in ->
 *              arch ownership check (shared view) -> DRAM or device decode
 *   host CPU:  a host mmap's HPA -> arch ownership check -> device decode
 *   DMA:       TDI may issue? -> IOMMU (T=0 domain / T=1 trusted path) ->
 *              arch check on the HPA -> DRAM or peer device decode
 *
 * Each pipeline fills a struct plat_access with the result (one of
 * docs/scenarios.md), the latency, the HPA and the mapping used;
 * plat_emit_access() publishes it as a SIM_REC_ACCESS record for the checkers.
 */
#ifndef TSMSIM_MODELS_PLATFORM_PLATFORM_H
#define TSMSIM_MODELS_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "iommu.h"
#include "mem.h"
#include "pcie.h"
#include "sim.h"

struct platform;

/**
 * struct plat_guest - one guest and where its RAM lives.
 * @vm:        the arch's per-guest state (stage-2 tables, firmware ids)
 * @ram_hpa:   guest RAM is GPA [0, @ram_size) backed contiguously from here;
 *             it is always mapped (RAM faults are not what tsmsim studies).
 *             For a confidential guest this is the private backing (the
 *             guest_memfd pages, reached only through the private view and
 *             trusted DMA)
 * @shared_hpa: the VMM's shared memory for the same GPAs (the memslot's
 *             userspace_addr): the shared view and iommufd.map reach it,
 *             e.g. bounce buffers.  Equal to @ram_hpa for a guest that is
 *             not confidential (it has only this backing)
 * @addr_bits: tdx gpaw / cca ipa_bits (0: the arch default)
 */
struct plat_guest {
	char name[64];
	bool confidential;
	struct arch_vm *vm;
	uint64_t ram_hpa, ram_size, shared_hpa;
	unsigned int addr_bits;
	bool destroyed;
};

/*
 * KVM's stage-2 fault handler (models/host installs it): called when a
 * guest access found no stage-2 entry.  Returns true when it mapped the
 * page, adding the cycles it took (exit, fault-in) to *@lat; the pipeline
 * then translates again and the access ends `retried`.
 */
typedef bool plat_fault_fn(void *ctx, struct plat_guest *g, uint64_t gpa,
			   bool priv, bool write, sim_cycles_t *lat);

/**
 * struct plat_access - one access, in and out.
 * In: @who, @initiator, @write, @priv (guest: private view; device: the T
 * bit), @addr (GPA, IOVA, or for host accesses the HPA), @size, @value.
 * Out: @result, @lat (cycles until it completes), @hpa (or IOMMU_NO_HPA),
 * @map_id (mem.h mapping used, 0 when none), @stale (IOTLB/TLB entry whose
 * PTE was gone), @dropped_silently (a write dropped without telling the
 * issuer), @data (what a read returned), @detail, @dev/@bar/@off (the
 * device target, when it reached one).
 */
struct plat_access {
	enum sim_initiator who;
	const char *initiator;
	bool priv;
	uint64_t addr, size, value;

	/* result, write, stale, dropped_silently, unaccepted: the checkers
	 * read them in place (plat_emit_access()) */
	SIM_ACCESS_FACTS;
	sim_cycles_t lat;
	uint64_t hpa;
	uint64_t map_id;
	bool not_issued;	/* the TDI may not emit it (step result EPERM) */
	uint64_t data;
	const char *detail;
	struct pcie_dev *dev;
	int bar;
	uint64_t off;
	uint64_t epoch;		/* DMA: pcie_dma_epoch() at issue */
	/*
	 * Run-ahead (plat_dma_again()): @repeatable, a plain T=0 DMA to DRAM
	 * through IOTLB entry @tlb_slot; @again, and its record left every
	 * checker as it was, so a repeat on the same page may skip the pipeline.
	 */
	bool repeatable, again;
	int32_t tlb_slot;
	uint64_t tlb_gen;		/* iommu_hit_again()'s *gen */
	sim_cycles_t lat_rest;		/* @lat less the translation's */
	uint64_t same_lo, same_hi;	/* HPAs with the same arch and decode answer */
};

/**
 * struct plat_config - what the platform is built from.
 * @ops:       the arch implementation (NULL: a plain, non-confidential host)
 * @prof:      its profile (may be NULL when @ops is NULL)
 * @timing:    latency table in cycles, by enum arch_timing
 * @iommu:     IOTLB geometry and levels (timing is taken from @timing)
 */
struct plat_config {
	const struct arch_ops *ops;
	const struct arch_profile *prof;
	uint64_t timing[AT_NR];
	struct iommu_config iommu;
};

/* Returns NULL and sets *@err (static text) when the config is bad. */
struct platform *plat_create(struct sim *s, const struct plat_config *cfg,
			     const char **err);
void plat_destroy(struct platform *p);

struct sim *plat_sim(const struct platform *p);
struct mem *plat_mem(const struct platform *p);
struct iommu *plat_iommu(const struct platform *p);
struct pcie_fabric *plat_fabric(const struct platform *p);
struct arch *plat_arch(const struct platform *p);
const struct arch_ops *plat_arch_ops(const struct platform *p);
/* Latency of @t in cycles. */
uint64_t plat_t(const struct platform *p, enum arch_timing t);

/**
 * plat_add_device() - add a function and register its BAR windows (HPAs
 * assigned when 0) in the memory map.  Returns 0 or -errno from
 * pcie_dev_add() / mem_add_window().
 */
int plat_add_device(struct platform *p, struct pcie_dev_cfg *cfg,
		    struct pcie_dev **out);
struct pcie_dev *plat_device(const struct platform *p, const char *name);

/* Add a guest with @ram_size bytes of RAM.  Returns NULL on -ENOSPC. */
struct plat_guest *plat_add_guest(struct platform *p, const char *name,
				  bool confidential, uint64_t ram_size,
				  unsigned int addr_bits);
struct plat_guest *plat_guest(const struct platform *p, const char *name);
size_t plat_guest_count(const struct platform *p);
struct plat_guest *plat_guest_at(const struct platform *p, size_t i);
/*
 * HPA of guest RAM [gpa, gpa + size) in the private (@priv) or the shared
 * backing (a guest that is not confidential has only the shared one);
 * -EFAULT when outside RAM.
 */
int plat_guest_ram_hpa(const struct plat_guest *g, uint64_t gpa, uint64_t size,
		       bool priv, uint64_t *hpa);

void plat_set_fault_handler(struct platform *p, plat_fault_fn *fn, void *ctx);

/* The pipelines.  @a's "in" fields must be set; the rest is filled. */
void plat_guest_access(struct platform *p, struct plat_guest *g,
		       struct plat_access *a);
/* A host CPU access to @a->addr (an HPA reached through @map_id). */
void plat_host_access(struct platform *p, uint64_t map_id,
		      struct plat_access *a);
void plat_dma(struct platform *p, struct pcie_dev *dev, struct plat_access *a);
/*
 * At a DMA's completion: a completion for a request issued in an earlier
 * TDI epoch is rejected (H12); the access then ends `ur`.
 */
void plat_dma_complete(struct platform *p, struct pcie_dev *dev,
		       struct plat_access *a);
/*
 * Publish @a as SIM_REC_ACCESS (issued at @issued, completing now), and set
 * @a->again when a repeat of a repeatable access needs no record.
 */
void plat_emit_access(struct platform *p, struct plat_access *a,
		      sim_cycles_t issued);
/*
 * plat_dma_again() - the same DMA as @a by @dev (last run through
 * plat_dma() and published with @a->again set) at @addr, with no event
 * since.  State changes only at events and a DRAM target has none, so
 * when the translation of @addr (done for real) reaches the same DRAM
 * region through the same mapping, every later stage answers as it did
 * for @a: @a is updated as plat_dma() would, and its record may be
 * skipped (every checker said a repeat is quiet): PLAT_AGAIN_REPEAT.
 * Else PLAT_AGAIN_FULL, @a completed through the pipeline from that
 * translation (publish it as usual), or PLAT_AGAIN_NONE, nothing done
 * (@a->again clear, or a page-crossing request): run plat_dma().
 */
enum plat_again { PLAT_AGAIN_NONE, PLAT_AGAIN_REPEAT, PLAT_AGAIN_FULL };
/*
 * plat_dma_same_page() - plat_dma_again()'s first case alone: @addr on the
 * page of @a and the IOTLB entry still the MRU one.  True when it counted
 * the repeat (IOTLB hit, DMA) and updated @a; false when it did nothing.
 */
bool plat_dma_same_page(struct platform *p, struct plat_access *a,
			uint64_t addr);
enum plat_again plat_dma_again(struct platform *p, struct pcie_dev *dev,
			       struct plat_access *a, uint64_t addr);
/*
 * plat_dma_prefetch() - a hint that a coming DMA of @dev goes to @addr:
 * the IOMMU's walk for it starts coming into the cache, the load @back
 * loads before its last entry (iommu_prefetch()).  Changes nothing a
 * model can see.
 */
void plat_dma_prefetch(struct platform *p, struct pcie_dev *dev,
		       uint64_t addr, unsigned int back);
/* Is the hint worth its cost for @dev now (iommu_prefetch_pays())? */
bool plat_dma_prefetch_pays(const struct platform *p,
			    const struct pcie_dev *dev);
/*
 * plat_dma_next_page() - plat_dma_again()'s second case when it is a
 * repeat, for a caller that saw plat_dma_same_page() refuse @addr and
 * checked that @a->again is set and the access stays in its 4 KiB page:
 * true when the translation (iommu_translate_within()) reached the same
 * DRAM region through the same mapping and @a was updated; false when it
 * did nothing (not even read the clock): plat_dma_other_page() then.
 */
bool plat_dma_next_page(struct platform *p, struct pcie_dev *dev,
			struct plat_access *a, uint64_t addr);
/*
 * plat_dma_other_page() - plat_dma_again()'s second case alone, under
 * the same conditions as plat_dma_next_page(): the translation as
 * iommu_translate() does it, at the clock's cycle (a fault record reads
 * it), and the pipeline from there when it is not a repeat.
 */
enum plat_again plat_dma_other_page(struct platform *p, struct pcie_dev *dev,
				    struct plat_access *a, uint64_t addr);

#endif /* TSMSIM_MODELS_PLATFORM_PLATFORM_H */
