/* SPDX-License-Identifier: MIT */
/*
 * host.h - the host software stack the scenario steps drive: VFIO (BAR
 * export as dma-bufs, host mmap, config writes, reset), iommufd (IOAS,
 * HWPT, vIOMMU / vDEVICE), KVM (memslots backed by dma-bufs, stage-2
 * fault-in, zap) and the TSM layer (connect / bind / unbind / guest
 * requests), with the semantics of the Linux uAPIs and proposals of
 * docs/host.md.  docs/host.md lists every rule with its kernel
 * source and what is simplified.
 *
 * Calling convention (docs/scenarios.md).  Every step-level call takes
 * the step's struct sim_seq *q, pushes its sub-operations and returns
 * NULL, or returns a result name at once ("EINVAL", "ENOENT", ...).  Each
 * sub-operation takes effect when it completes, so the checks that depend
 * on state (EEXIST, EBUSY, ...) run at that cycle and their result ends
 * the step.  Counts for `assert: last:` go through sim_seq_report():
 * "iova" and "iova.aligned" (iommufd.map*, iommufd.copy: the alignment
 * the IOVA obeys), "unmapped" (iommufd.unmap), "handled"
 * (iommufd.invalidate).  String arguments are copied.
 *
 * Prefixes follow the kernel subsystems: vfio_, iommufd_, kvm_, tsm_;
 * host_ for the stack as a whole.
 */
#ifndef TSMSIM_MODELS_HOST_HOST_H
#define TSMSIM_MODELS_HOST_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dmabuf.h"
#include "pcie.h"
#include "platform.h"
#include "sim.h"

struct host;

/**
 * host_create() - the host stack on platform @p.
 * @p: the machine; its timing table gives ioctl, importer_unmap, kvm_zap,
 *     vmexit, kvm_fault_in.  Installs KVM's stage-2 fault handler.
 *
 * Returns NULL when out of memory.
 */
struct host *host_create(struct platform *p);

/**
 * host_destroy() - free the stack (before the platform).
 * @h: the stack, or NULL
 */
void host_destroy(struct host *h);

/**
 * host_dmabuf_core() - the dma-buf registry (for fault hooks and asserts).
 * @h: the stack
 */
struct dmabuf_core *host_dmabuf_core(struct host *h);

/**
 * host_set_revoke_timeout() - how long a revoke waits for importers.
 * @h:      the stack
 * @cycles: 0 waits forever; the default is 1 s of the platform clock
 *          (the disputed timeout of the dma-buf revoke series)
 */
void host_set_revoke_timeout(struct host *h, sim_cycles_t cycles);

/* ------------------------------------------------------------------ VFIO */

/**
 * vfio_dmabuf() - export [@offset, @offset + @size) of BAR @bar as dma-buf
 * @name (VFIO_DEVICE_FEATURE_DMA_BUF, vfio_pci_core_feature_dma_buf()).
 * @h: the stack  @q: the step
 * @device: function name  @bar: BAR index
 * @offset: page aligned  @size: page aligned; 0 = to the end of the BAR
 * @priv:   private flavor
 * @name:   unique dma-buf name
 *
 * Results: ENODEV (no such BAR, validate: region_index), EINVAL (unaligned
 * or empty range, or past the BAR: vfio_pci_core_fill_phys_vec()), EEXIST
 * (name taken).  The buffer starts revoked while MSE is clear.
 */
const char *vfio_dmabuf(struct host *h, struct sim_seq *q, const char *device,
			unsigned int bar, uint64_t offset, uint64_t size,
			bool priv, const char *name);
/**
 * vfio_dmabuf_flavor() - flip a buffer's shareability in place; importers
 * get move_notify and the step waits until every one has unmapped.
 * @h: the stack  @q: the step  @name: the buffer  @priv: new flavor
 * Results: ENOENT, ENODEV (revoked), ETIMEDOUT (an importer never unmapped).
 */
const char *vfio_dmabuf_flavor(struct host *h, struct sim_seq *q,
			       const char *name, bool priv);
/**
 * vfio_dmabuf_revoke() - exporter-side revoke; waits for every importer.
 * @h: the stack  @q: the step  @name: the buffer
 * Results: ENOENT, ETIMEDOUT.
 */
const char *vfio_dmabuf_revoke(struct host *h, struct sim_seq *q,
			       const char *name);
/**
 * vfio_dmabuf_unrevoke() - restore a revoked buffer.
 * @h: the stack  @q: the step  @name: the buffer
 * Results: ENOENT, ENODEV (memory decode is off: VFIO only un-revokes
 * when __vfio_pci_memory_enabled()), EBUSY (a revoke still waits).
 */
const char *vfio_dmabuf_unrevoke(struct host *h, struct sim_seq *q,
				 const char *name);
/**
 * vfio_dmabuf_close() - close the exporter's fd; the buffer lives on
 * until its importers detach.
 * @h: the stack  @q: the step  @name: the buffer
 * Results: ENOENT.
 */
const char *vfio_dmabuf_close(struct host *h, struct sim_seq *q,
			      const char *name);
/**
 * vfio_mmap() - a host userspace mmap of BAR @bar named @name, registered
 * as SIM_MAP_HOST_MMAP (not populated until the first host access).
 * @h: the stack  @q: the step  @device: function  @bar: BAR  @name: mapping
 * Results: ENODEV (no such BAR), EEXIST (name taken).
 */
const char *vfio_mmap(struct host *h, struct sim_seq *q, const char *device,
		      unsigned int bar, const char *name);
/**
 * vfio_munmap() - remove a host mmap.
 * @h: the stack  @q: the step  @name: the mapping
 * Results: ENOENT.
 */
const char *vfio_munmap(struct host *h, struct sim_seq *q, const char *name);
/**
 * vfio_config_write() - a config write through VFIO (pcie_config_write()).
 * Clearing MSE zaps the device's host mmaps and revokes its dma-bufs
 * (vfio_pci_zap_bars(), vfio_pci_dma_buf_move(true)); setting it again
 * un-revokes them.  A devctl write with PCIE_DEVCTL_FLR resets.  An msix
 * write is the VMM's MSI-X set-up (VFIO_DEVICE_SET_IRQS): setting the
 * Enable bit (0x8000) makes the host IRQ layer ioremap the MSI-X table
 * (msix_map_region(), a SIM_MAP_KERNEL mapping) and mask every vector
 * through it (msix_mask_all()); clearing it masks them and iounmaps.
 * @h: the stack  @q: the step  @device: function  @reg: register
 * @value: value  @has_value: see pcie_config_write()
 * Results: ENODEV, EINVAL, ETIMEDOUT (a revoke timed out).
 */
const char *vfio_config_write(struct host *h, struct sim_seq *q,
			      const char *device, enum pcie_reg reg,
			      uint64_t value, bool has_value);
/**
 * vfio_reset() - VFIO_DEVICE_RESET: zap mmaps, revoke dma-bufs, FLR
 * (pcie_flr()), restore the saved command register, un-revoke when memory
 * decode is on again (vfio_pci_core_ioctl_reset()).
 * @h: the stack  @q: the step  @device: function
 */
const char *vfio_reset(struct host *h, struct sim_seq *q, const char *device);

/**
 * vfio_host_access() - host.read / host.write through mmap @name.
 * @h: the stack
 * @name: the mapping
 * @a: in: @a->addr = offset into the mapping, @write, @size, @value; out:
 *     as plat_host_access().  An unpopulated mapping faults in first
 *     (vfio_pci_mmap_huge_fault()): the result becomes `retried` with the
 *     fault cost (timing kvm_fault_in); with memory decode off the fault
 *     is refused (SIGBUS): `fault`.
 *
 * Returns 0, -ENOENT (no such mapping), -EINVAL (offset past the BAR).
 */
int vfio_host_access(struct host *h, const char *name, struct plat_access *a);

/**
 * enum vfio_bind_policy - what VFIO does about its own BAR mappings when
 * the TDI is bound (the TSM series has not settled it; docs/host.md).
 * @VFIO_BIND_KEEP:   nothing: the barmap and mmaps stay and later region
 *                    accesses and mmaps go through (vfio_pci_tsm_bind()
 *                    of the Feb 2025 RFC only calls pci_tsm_bind(); the
 *                    iommufd vDEVICE route does not tell VFIO at all)
 * @VFIO_BIND_REFUSE: bind requests every BAR exclusively, so it fails
 *                    EBUSY while a barmap holds one, and a region access
 *                    or mmap after bind fails EBUSY until unbind (the May
 *                    2025 RFC: pci_request_regions_exclusive() in
 *                    vfio_pci_ioctl_tsm_bind())
 * @VFIO_BIND_DROP:   bind iounmaps the barmaps first; after it a region
 *                    access to a TEE BAR is refused (EPERM) until unbind
 *                    (the proposal the issue names; "CC mode" bans mmap)
 */
enum vfio_bind_policy {
	VFIO_BIND_KEEP,
	VFIO_BIND_REFUSE,
	VFIO_BIND_DROP,
};

/** vfio_set_bind_policy() - platform.vfio.tsm_bind. @h: stack @p: policy */
void vfio_set_bind_policy(struct host *h, enum vfio_bind_policy p);

/**
 * vfio_region_access() - vfio.region_read / region_write: a pread /
 * pwrite of BAR @bar on the device fd (vfio_pci_bar_rw()).  The kernel
 * accesses the BAR through its own ioremap of the whole BAR, the barmap,
 * which the first access creates (vfio_pci_core_setup_barmap(): a
 * SIM_MAP_KERNEL mapping, live until the device is closed, i.e. the end
 * of the run).  The MSI-X table's range is excluded: reads return
 * all-ones and writes are dropped without reaching the device.
 * @h: the stack  @device: function  @bar: BAR
 * @a: in: @a->addr = offset in the BAR, @write, @size, @value; out: as
 *     plat_host_access(), @a->lat including the syscall (timing ioctl)
 *
 * Returns NULL when the access was made (its result is in @a), else the
 * step result: ENODEV (no such device), EINVAL (no such BAR, past its
 * end), EIO (memory decode off: __vfio_pci_memory_enabled()), EBUSY /
 * EPERM (refused for a bound TDI under the bind policy).
 */
const char *vfio_region_access(struct host *h, const char *device,
			       unsigned int bar, struct plat_access *a);

/* --------------------------------------------------------------- iommufd */

/**
 * struct iommufd_map_args - iommufd.map and iommufd.map_dmabuf.
 * @ioas:      the IOAS
 * @has_iova:  a fixed IOVA (IOMMU_IOAS_MAP_FIXED_IOVA); else allocated
 * @iova, @size: size 0 with a dma-buf = to its end
 * @guest, @gpa: iommufd.map: guest RAM (plat_guest_ram_hpa())
 * @dmabuf, @offset: iommufd.map_dmabuf
 * @page_size: IOMMU leaf size (0: 4 KiB)
 * @is_static: a pinning importer (refused by MMIO exporters)
 * @name:      optional area name for iommufd_unmap_area()
 */
struct iommufd_map_args {
	const char *ioas;
	bool has_iova;
	uint64_t iova, size;
	const char *guest;
	uint64_t gpa;
	const char *dmabuf;
	uint64_t offset;
	uint64_t page_size;
	bool is_static;
	const char *name;
};

/**
 * iommufd_ioas() - IOMMU_IOAS_ALLOC.
 * @h: the stack  @q: the step  @name: object name (any iommufd object)
 * Results: EEXIST.
 */
const char *iommufd_ioas(struct host *h, struct sim_seq *q, const char *name);
/**
 * iommufd_attach() - attach @device to an IOAS (through its automatic
 * paging HWPT) or a HWPT.
 * @h: the stack  @q: the step  @device: function  @to: IOAS or HWPT
 * Results: ENOENT, EINVAL (already attached: use replace; or a target that
 * is neither IOAS nor HWPT), EADDRINUSE (the IOAS gets its first domain and
 * an area does not fit its 4 KiB pages: iopt_check_iova_alignment()).
 */
const char *iommufd_attach(struct host *h, struct sim_seq *q,
			   const char *device, const char *to);
/**
 * iommufd_detach() - detach @device.
 * @h: the stack  @q: the step  @device: function
 * Results: ENOENT (not attached).
 */
const char *iommufd_detach(struct host *h, struct sim_seq *q,
			   const char *device);
/**
 * iommufd_replace() - move @device to @to without a window in between.
 * @h: the stack  @q: the step  @device: function  @to: IOAS or HWPT
 * Results: ENOENT, EINVAL (not attached).
 */
const char *iommufd_replace(struct host *h, struct sim_seq *q,
			    const char *device, const char *to);
/**
 * iommufd_map() - IOMMU_IOAS_MAP of guest RAM.  Reports "iova".  The IOVA
 * alignment is the IOAS's iova_alignment: 1 while no domain holds the
 * IOAS, 4 KiB once one does (@a->page_size above 4 KiB: that size).
 * @h: the stack  @q: the step  @a: arguments
 * Results: ENOENT, EINVAL (alignment, size 0, reserved range), EFAULT
 * (outside guest RAM), EEXIST (overlap), ENOSPC (no IOVA hole).
 */
const char *iommufd_map(struct host *h, struct sim_seq *q,
			const struct iommufd_map_args *a);
/**
 * iommufd_map_dmabuf() - IOMMU_IOAS_MAP_FILE of a dma-buf.  Reports "iova".
 * @h: the stack  @q: the step  @a: arguments
 * Results: as iommufd_map(); EINVAL past the buffer; EOPNOTSUPP (static
 * importer); ENODEV (revoked); EPERM (private flavor).
 */
const char *iommufd_map_dmabuf(struct host *h, struct sim_seq *q,
			       const struct iommufd_map_args *a);
/**
 * iommufd_unmap() - IOMMU_IOAS_UNMAP of whole areas.  The page tables
 * change at once; the step completes when the IOTLB invalidations have.
 * Reports "unmapped".
 * @h: the stack  @q: the step  @ioas: the IOAS  @iova, @size: the range
 * Results: ENOENT (the range cuts an area: areas before it stay unmapped,
 * as iopt_unmap_iova_range() does; or nothing was mapped), EINVAL (size 0).
 * @iova 0 with @size UINT64_MAX is unmap-all: ok even on an empty IOAS
 * (iopt_unmap_all()).
 */
const char *iommufd_unmap(struct host *h, struct sim_seq *q, const char *ioas,
			  uint64_t iova, uint64_t size);
/**
 * iommufd_unmap_area() - unmap the area named at map time.
 * @h: the stack  @q: the step  @ioas: the IOAS  @area: its name
 */
const char *iommufd_unmap_area(struct host *h, struct sim_seq *q,
			       const char *ioas, const char *area);
/**
 * iommufd_copy() - IOMMU_IOAS_COPY of [@src_iova, +@size) into @dst.
 * @h: the stack  @q: the step
 * @src, @dst: IOASes  @src_iova, @dst_iova, @size: the ranges
 * Results: ENOENT (the source range is not fully mapped), EINVAL (a dma-buf
 * area), and those of iommufd_map() for the destination.
 */
const char *iommufd_copy(struct host *h, struct sim_seq *q, const char *src,
			 const char *dst, uint64_t src_iova, uint64_t dst_iova,
			 uint64_t size);

/** struct iommufd_range - one IOVA range. @iova: first  @size: bytes */
struct iommufd_range {
	uint64_t iova, size;
};

/**
 * iommufd_allow_iovas() - IOMMU_IOAS_ALLOW_IOVAS: allocation happens only
 * inside these ranges (an empty list allows all again).
 * @h: the stack  @q: the step  @ioas: the IOAS  @r, @n: the ranges
 * Results: EADDRINUSE (a range hits a reserved one: iopt_set_allow_iova()),
 * EINVAL (empty or overlapping ranges).
 */
const char *iommufd_allow_iovas(struct host *h, struct sim_seq *q,
				const char *ioas,
				const struct iommufd_range *r, size_t n);
/**
 * iommufd_reserve() - a reserved IOVA range (iopt_reserve_iova(), as a
 * device's reserved regions are added at attach).
 * @h: the stack  @q: the step  @ioas: the IOAS  @iova, @size: the range
 * Results: EADDRINUSE (hits an area or an allowed range), EINVAL.
 */
const char *iommufd_reserve(struct host *h, struct sim_seq *q,
			    const char *ioas, uint64_t iova, uint64_t size);
/**
 * iommufd_hwpt() - IOMMU_HWPT_ALLOC: a paging HWPT over @ioas (filled with
 * its areas; @nest_parent forces a stage-2 table), or a nested HWPT over
 * the nest-parent HWPT @parent (exactly one of @ioas, @parent).
 * @h: the stack  @q: the step  @name: object  @device: the dev_id
 * Results: EEXIST, ENOENT, EOPNOTSUPP (@nest_parent on a nested HWPT,
 * checked before the parent), EADDRINUSE (an area of @ioas does not fit
 * the new domain's 4 KiB pages), EINVAL (parent not a nest parent; both or
 * neither of @ioas / @parent).
 */
const char *iommufd_hwpt(struct host *h, struct sim_seq *q, const char *name,
			 const char *ioas, const char *parent,
			 const char *device, bool nest_parent);

/**
 * struct iommufd_inval_entry - one user invalidation request.
 * @iova, @size: 4 KiB aligned, size > 0
 * @all:         invalidate everything (iova, size ignored)
 */
struct iommufd_inval_entry {
	uint64_t iova, size;
	bool all;
};

/**
 * iommufd_invalidate() - IOMMU_HWPT_INVALIDATE on a nested HWPT.  Entries
 * are handled in order; the batch stops at the first bad one with EINVAL
 * and reports in "handled" how many went through (entry_num is in/out).
 * The step completes when the queued invalidations have.
 * @h: the stack  @q: the step  @hwpt: the HWPT  @e, @n: the entries
 * Results: ENOENT, EOPNOTSUPP (not a nested HWPT), EINVAL.
 */
const char *iommufd_invalidate(struct host *h, struct sim_seq *q,
			       const char *hwpt,
			       const struct iommufd_inval_entry *e, size_t n);
/**
 * iommufd_viommu() - IOMMU_VIOMMU_ALLOC over a nest-parent HWPT.
 * @h: the stack  @q: the step  @name: object  @hwpt: nest parent
 * @device: dev_id
 * Results: EEXIST, ENOENT, EINVAL (not a nest parent).
 */
const char *iommufd_viommu(struct host *h, struct sim_seq *q, const char *name,
			   const char *hwpt, const char *device);
/**
 * iommufd_vdevice() - IOMMU_VDEVICE_ALLOC: @device as vBDF @virt_id.
 * @h: the stack  @q: the step  @name: object  @viommu: its vIOMMU
 * @device: function  @virt_id: vBDF
 * Results: EEXIST (name, virt_id in use in the vIOMMU, or the device
 * already has a vDEVICE), ENOENT.
 */
const char *iommufd_vdevice(struct host *h, struct sim_seq *q,
			    const char *name, const char *viommu,
			    const char *device, uint64_t virt_id);
/**
 * iommufd_destroy() - IOMMU_DESTROY of any object.
 * @h: the stack  @q: the step  @name: the object
 * Results: ENOENT, EBUSY (in use: an IOAS with HWPTs or devices, a HWPT
 * with devices, children or a vIOMMU, a vIOMMU with vDEVICEs, a TSM-bound
 * vDEVICE).  An IOAS's areas are unmapped with it.
 */
const char *iommufd_destroy(struct host *h, struct sim_seq *q,
			    const char *name);
/**
 * iommufd_vdevice_tsm_bind() - the proposed IOMMU_VDEVICE_TSM_BIND entry
 * point: tsm_bind() of the vDEVICE's device for @guest.
 * @h: the stack  @q: the step  @vdevice: the vDEVICE  @guest: the CoCo VM
 */
const char *iommufd_vdevice_tsm_bind(struct host *h, struct sim_seq *q,
				     const char *vdevice, const char *guest);
/**
 * iommufd_vdevice_tsm_unbind() - IOMMU_VDEVICE_TSM_UNBIND: tsm_unbind().
 * @h: the stack  @q: the step  @vdevice: the vDEVICE
 */
const char *iommufd_vdevice_tsm_unbind(struct host *h, struct sim_seq *q,
				       const char *vdevice);

/**
 * iommufd_lookup() - what @iova in @ioas or HWPT @name reaches now (the
 * page table, not the IOTLB), for `assert: translate`.
 * @h: the stack  @name: IOAS or HWPT  @iova: address  @hpa: out
 *
 * Returns 0, -ENOENT (nothing mapped or no such object).  An IOAS without
 * a domain answers from its areas.
 */
int iommufd_lookup(const struct host *h, const char *name, uint64_t iova,
		   uint64_t *hpa);
/**
 * iommufd_domain() - the IOMMU domain of a HWPT, or of an IOAS's automatic
 * HWPT; NULL when there is none.
 * @h: the stack  @name: the object
 */
struct iommu_domain *iommufd_domain(const struct host *h, const char *name);
/**
 * iommufd_area_count() - areas of @ioas, or -ENOENT.
 * @h: the stack  @ioas: the IOAS
 */
int iommufd_area_count(const struct host *h, const char *ioas);

/* ------------------------------------------------------------------- KVM */

/**
 * struct kvm_map_args - kvm.map.
 * @guest, @dmabuf: names
 * @gpa:       without the shared / protected bit
 * @priv:      private slot: mapped through the arch firmware in the step
 * @eager:     populate: eager (map in the step); else on first access
 * @page_size: stage-2 leaf size (0: 4 KiB)
 * @is_static: a pinning importer (refused by MMIO exporters)
 */
struct kvm_map_args {
	const char *guest, *dmabuf;
	uint64_t gpa;
	bool priv, eager;
	uint64_t page_size;
	bool is_static;
};

/**
 * kvm_map() - a memslot backed by a dma-buf (Xu Yilun's RFC,
 * virt/kvm/vfio_dmabuf.c).
 * @h: the stack  @q: the step  @a: arguments
 * Results: ENOENT, EINVAL (alignment; @priv differs from the flavor; no
 * arch for a private slot), EEXIST (overlap; on sev any overlap, one NPT
 * entry per GPA), EOPNOTSUPP (static), ENODEV (revoked), and the arch's
 * map_private results.
 */
const char *kvm_map(struct host *h, struct sim_seq *q,
		    const struct kvm_map_args *a);
/**
 * struct kvm_unmap_args - kvm.unmap (docs/scenarios.md).
 * @guest:    the guest
 * @has_gpa, @gpa: the slot(s) starting at @gpa (without the shared bit)
 * @dmabuf:   or / and: every slot of this dma-buf in the guest (NULL: none)
 * @has_priv, @priv: only the slots of that view (both views may hold a
 *            slot at one GPA on tdx and cca)
 */
struct kvm_unmap_args {
	const char *guest;
	bool has_gpa;
	uint64_t gpa;
	const char *dmabuf;
	bool has_priv, priv;
};

/**
 * kvm_unmap() - delete the slots @a names, in slot order: zap + TLB
 * shootdown (timing kvm_zap) for a shared slot, the arch's unmap_private
 * for a private one; then each slot's dma-buf attachment is unmapped and
 * detached.  With both @gpa and @dmabuf only the slots both name go.
 * @h: the stack  @q: the step  @a: the selectors
 * Results: ENOENT (nothing named), EINVAL (neither selector; or @gpa and
 * @dmabuf each name slots but none in common), the arch's unmap errors.
 */
const char *kvm_unmap(struct host *h, struct sim_seq *q,
		      const struct kvm_unmap_args *a);
/**
 * kvm_slot_count() - live memslots of @guest.
 * @h: the stack  @guest: name
 */
size_t kvm_slot_count(const struct host *h, const char *guest);

/* ------------------------------------------------------------------- TSM */

enum tsm_policy {
	TSM_POLICY_KEEP_STATE,	/* refuse the illegal request, change nothing */
	TSM_POLICY_FAIL_CLOSED,	/* refuse it and STOP the TDI (back to UNLOCKED) */
};

/**
 * tsm_connect() - SPDM session (+ IDE keys) through the arch.
 * @h: the stack  @q: the step  @device: function  @ide: program IDE keys
 */
const char *tsm_connect(struct host *h, struct sim_seq *q, const char *device,
			bool ide);
/**
 * tsm_disconnect() - unbind every bound TDI of the link first
 * (pci-tsm: disconnect unbinds), then end the session.
 * @h: the stack  @q: the step  @device: function
 */
const char *tsm_disconnect(struct host *h, struct sim_seq *q,
			   const char *device);
/**
 * tsm_bind() - the arch's bind for @guest (the TDI ends CONFIG_LOCKED).
 * @h: the stack  @q: the step  @device: function  @guest: CoCo VM
 * Results: ENOENT, EBUSY (already bound), EOPNOTSUPP (no arch), the arch's.
 */
const char *tsm_bind(struct host *h, struct sim_seq *q, const char *device,
		     const char *guest);
/**
 * tsm_unbind() - the arch's unbind (STOP first), then revoke the private
 * dma-bufs of the device (KVM unmaps its private slots on move_notify).
 * @h: the stack  @q: the step  @device: function
 * Results: ENOENT, EINVAL (not bound), the arch's.
 */
const char *tsm_unbind(struct host *h, struct sim_seq *q, const char *device);
/**
 * tsm_set_policy() - tsm.policy.
 * @h: the stack  @q: the step  @device: function  @pol: policy
 */
const char *tsm_set_policy(struct host *h, struct sim_seq *q,
			   const char *device, enum tsm_policy pol);
/**
 * tsm_guest_tdisp() - guest.tdisp: a guest's TDISP request relayed by the
 * host TSM layer.  From the guest the TDI is bound to it is relayed (START
 * with the live nonce) and the device answers; a request the device
 * rejects for its state (INVALID_INTERFACE_STATE) under fail-closed also
 * unbinds the TDI through the arch.  From another guest: EPERM, never
 * relayed.  LOCK_INTERFACE is the host's (bind): EPERM in the ioctl
 * (timing ioctl), never sent to the device, whatever the policy.
 * @h: the stack  @q: the step  @guest: name  @device: function
 * @request: TDISP request code (enum tdisp_req)
 */
const char *tsm_guest_tdisp(struct host *h, struct sim_seq *q,
			    const char *guest, const char *device,
			    unsigned int request);
/**
 * tsm_guest_validate() - guest.validate through the arch's guest ABI.
 * @h: the stack  @q: the step  @guest: name  @device: function
 * @bar: BAR index or -1 for all
 */
const char *tsm_guest_validate(struct host *h, struct sim_seq *q,
			       const char *guest, const char *device, int bar);
/**
 * tsm_guest_start() - guest.start (START through the arch).
 * @h: the stack  @q: the step  @guest: name  @device: function
 */
const char *tsm_guest_start(struct host *h, struct sim_seq *q,
			    const char *guest, const char *device);
/**
 * tsm_guest_accept() - guest.accept: validate + start in the arch's order.
 * @h: the stack  @q: the step  @guest: name  @device: function
 * @bar: BAR index or -1 for all
 */
const char *tsm_guest_accept(struct host *h, struct sim_seq *q,
			     const char *guest, const char *device, int bar);
/**
 * host_vm_destroy() - vm.destroy: KVM drops the guest's memslots, the arch
 * tears the VM down (a bound TDI makes that a teardown-order finding for
 * the checkers, not an error here), the guest is marked destroyed.
 * @h: the stack  @q: the step  @guest: name
 */
const char *host_vm_destroy(struct host *h, struct sim_seq *q,
			    const char *guest);
/**
 * tsm_is_bound() - @device is bound by the TSM layer.
 * @h: the stack  @device: function
 */
bool tsm_is_bound(const struct host *h, const char *device);

#endif /* TSMSIM_MODELS_HOST_HOST_H */
