/* SPDX-License-Identifier: MIT */
/*
 * mem.h - the host physical memory map: DRAM ranges, device BAR windows,
 * and the ownership index of device MMIO.
 *
 * The index records every mapping that reaches device MMIO (host mmap,
 * kernel ioremap, shared stage-2, private stage-2, IOMMU domains), so
 * "which hypervisor-side mappings reach this TDI's TEE MMIO right now" is
 * a lookup in the window's list, not a scan of every page table
 * (docs/architecture.md, "The ownership index").  Creating and removing a
 * mapping publishes SIM_REC_MAP / SIM_REC_UNMAP, stamped with the current
 * step, so checkers can name the step that created a mapping.
 */
#ifndef TSMSIM_MODELS_MEM_MEM_H
#define TSMSIM_MODELS_MEM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

struct mem;

/* Where HPAs come from when the scenario gives none. */
#define MEM_DRAM_BASE	0x100000000ULL	/* 4 GiB: guest RAM is carved here */
#define MEM_MMIO_BASE	0x3800000000ULL	/* 224 GiB: the 64-bit MMIO pool */
#define MEM_MMIO_LIMIT	0x4000000000ULL

struct mem *mem_create(struct sim *s);
void mem_destroy(struct mem *m);

/**
 * mem_alloc_dram() - carve @size bytes of host DRAM, aligned to @align.
 * Returns 0 and the base in @hpa.  DRAM is endless in the model: only
 * alignment and the MMIO pool bound it (-ENOSPC).
 */
int mem_alloc_dram(struct mem *m, uint64_t size, uint64_t align, uint64_t *hpa);

/**
 * mem_add_window() - register a BAR window.
 * @hpa:   the window base, or 0 to assign one from the MMIO pool (aligned
 *         to @size, as PCI BARs are naturally aligned)
 * @owner: the device object; @bar its BAR index
 * Returns 0, -EEXIST when the window overlaps another window or DRAM,
 * -EINVAL for a misaligned or empty window, -ENOSPC when the pool is full.
 */
int mem_add_window(struct mem *m, uint64_t *hpa, uint64_t size, void *owner,
		   unsigned int bar);
/* Set the owner of the window based at @hpa (windows may be placed first). */
int mem_set_window_owner(struct mem *m, uint64_t hpa, void *owner);
/* Remove every window of @owner (surprise removal); returns how many. */
size_t mem_remove_windows(struct mem *m, const void *owner);
/* Move a BAR (a config write of a BAR register): -EEXIST on overlap. */
int mem_move_window(struct mem *m, void *owner, unsigned int bar,
		    uint64_t new_hpa);

enum mem_kind {
	MEM_NONE,		/* nothing decodes it: master abort */
	MEM_DRAM,
	MEM_MMIO,
};

struct mem_target {
	enum mem_kind kind;
	void *owner;		/* MEM_MMIO: the device */
	unsigned int bar;
	uint64_t offset;	/* into the BAR */
	uint64_t window_hpa;	/* base of the BAR window */
	/* every HPA in [same_lo, same_hi] decodes to this kind and owner */
	uint64_t same_lo, same_hi;
};

void mem_decode(const struct mem *m, uint64_t hpa, struct mem_target *t);
/* The window of (@owner, @bar); returns false when there is none. */
bool mem_window(const struct mem *m, const void *owner, unsigned int bar,
		uint64_t *hpa, uint64_t *size);

/**
 * struct mem_mapping - one mapping that reaches host physical memory.
 * @id:        unique within the sim, never 0
 * @kind:      which table holds it (who can reach the HPA through it)
 * @table:     printable name of the table ("vm0 shared EPT", "ioas a")
 * @addr:      the input address (GPA, IOVA, host VA offset)
 * @populated: entries present; false for a slot that faults in on use
 * @step, @line, @label: the step that created it
 */
struct mem_mapping {
	uint64_t id;
	enum sim_map_kind kind;
	char table[48];
	uint64_t addr, hpa, size;
	bool populated;
	int step;
	unsigned int line;
	const char *label;
	const char *op;
};

uint64_t mem_map_add(struct mem *m, enum sim_map_kind kind, const char *table,
		     uint64_t addr, uint64_t hpa, uint64_t size, bool populated);
/* Remove by id; a no-op for unknown ids.  Publishes SIM_REC_UNMAP. */
void mem_map_remove(struct mem *m, uint64_t id);
void mem_map_set_populated(struct mem *m, uint64_t id, bool populated);
const struct mem_mapping *mem_map_get(const struct mem *m, uint64_t id);

/**
 * mem_map_find() - the mappings of kinds in @kind_mask (bits of
 * 1 << enum sim_map_kind) that reach [@hpa, @hpa + @size) of device MMIO.
 * Fills up to @max pointers into @out and returns how many exist.
 */
size_t mem_map_find(const struct mem *m, uint64_t hpa, uint64_t size,
		    unsigned int kind_mask, const struct mem_mapping **out,
		    size_t max);
size_t mem_map_count(const struct mem *m);

#define MEM_KIND_BIT(k) (1u << (k))
/* Hypervisor-side mappings (docs/scenarios.md, findings; CPU- or
 * DMA-reachable). */
#define MEM_HYP_KINDS (MEM_KIND_BIT(SIM_MAP_HOST_MMAP) | \
		       MEM_KIND_BIT(SIM_MAP_KERNEL) | \
		       MEM_KIND_BIT(SIM_MAP_S2_SHARED) | \
		       MEM_KIND_BIT(SIM_MAP_IOMMU))
/* The CPU-reachable ones: what the latent-mce / latent-host-fault rules see. */
#define MEM_CPU_HYP_KINDS (MEM_HYP_KINDS & ~MEM_KIND_BIT(SIM_MAP_IOMMU))

#endif /* TSMSIM_MODELS_MEM_MEM_H */
