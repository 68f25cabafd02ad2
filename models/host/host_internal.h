/* SPDX-License-Identifier: MIT */
/*
 * host_internal.h - private to models/host: the layout of struct host and
 * the helpers its files share.
 */
#ifndef TSMSIM_MODELS_HOST_HOST_INTERNAL_H
#define TSMSIM_MODELS_HOST_HOST_INTERNAL_H

#include "host.h"
#include "iommu.h"
#include "mem.h"

#define HOST_NAME_LEN	64
#define HOST_PAGE	4096ULL

/*
 * Typed arguments of the host operations, one struct per op (or per ops
 * that take the same arguments), copied when the op is queued by its one
 * queueing function and read by name when its sub-operation runs
 * (docs/architecture.md, "Typed host operations").
 * iommufd.map and iommufd.map_dmabuf: @src is the guest or the dma-buf,
 * @addr the GPA or the offset into the buffer.
 */
struct host_map_op {
	char ioas[HOST_NAME_LEN], src[HOST_NAME_LEN], name[HOST_NAME_LEN];
	uint64_t iova, size, addr, page_size;
	bool has_iova, is_static;
};
/* iommufd.unmap (by range or by @area name) and iommufd.reserve */
struct host_range_op {
	char ioas[HOST_NAME_LEN], area[HOST_NAME_LEN];
	uint64_t iova, size;
};
/* vfio.dmabuf: export [@offset, @offset + @size) of BAR @bar as @name */
struct host_vfio_export_op {
	char device[HOST_NAME_LEN], name[HOST_NAME_LEN];
	unsigned int bar;
	uint64_t offset, size;
	bool priv;
};
/* kvm.map */
struct host_kvm_map_op {
	char guest[HOST_NAME_LEN], dmabuf[HOST_NAME_LEN];
	uint64_t gpa, page_size;
	bool priv, eager, is_static;
};
/* kvm.unmap: the slots at @gpa (@has_gpa) and / or of @dmabuf, of one view */
struct host_kvm_unmap_op {
	char guest[HOST_NAME_LEN], dmabuf[HOST_NAME_LEN];
	uint64_t gpa;
	bool has_gpa, has_priv, priv;
};
/*
 * The ops whose one argument is a name: iommufd.ioas, iommufd.destroy,
 * iommufd.detach (the device), vfio.munmap, vfio.reset and VFIO's step
 * of tsm.bind (the device), KVM's memslot drop of a guest teardown.
 */
struct host_name_op {
	char name[HOST_NAME_LEN];
};
/* iommufd.allow_iovas: @rg points into the request's @owned copy */
struct host_allow_op {
	char ioas[HOST_NAME_LEN];
	const struct iommufd_range *rg;
	size_t n;
};
/* iommufd.hwpt: a paging HWPT of @ioas or a nested one of @parent */
struct host_hwpt_op {
	char name[HOST_NAME_LEN], ioas[HOST_NAME_LEN], parent[HOST_NAME_LEN];
	char device[HOST_NAME_LEN];
	bool nest_parent;
};
/* iommufd.attach, iommufd.replace: @device to @to (an HWPT or an IOAS) */
struct host_attach_op {
	char device[HOST_NAME_LEN], to[HOST_NAME_LEN];
};
/* iommufd.invalidate: @e points into the request's @owned copy */
struct host_inval_op {
	char hwpt[HOST_NAME_LEN];
	const struct iommufd_inval_entry *e;
	size_t n;
};
/* iommufd.viommu */
struct host_viommu_op {
	char name[HOST_NAME_LEN], hwpt[HOST_NAME_LEN], device[HOST_NAME_LEN];
};
/* iommufd.vdevice */
struct host_vdevice_op {
	char name[HOST_NAME_LEN], viommu[HOST_NAME_LEN], device[HOST_NAME_LEN];
	uint64_t virt_id;
};
/*
 * tsm.unbind: the arch's phase plan (the request's @owned copy) and the
 * cursor: the next phase to run.
 */
struct host_unbind_op {
	const struct arch_phase_plan *plan;
	size_t next;
};
/* guest.tdisp: @guest's TDISP request @request to @device */
struct host_guest_tdisp_op {
	char guest[HOST_NAME_LEN], device[HOST_NAME_LEN];
	unsigned int request;
};
/* vfio.dmabuf_revoke / _unrevoke / _close / _flavor: buffer @name */
struct host_vfio_buf_op {
	char name[HOST_NAME_LEN];
	bool priv;			/* _flavor: the new flavor */
};
/* vfio.mmap: BAR @bar of @device as host mapping @name */
struct host_vfio_mmap_op {
	char device[HOST_NAME_LEN], name[HOST_NAME_LEN];
	unsigned int bar;
};
/* VFIO's FLR: what pci_try_reset_function() restores afterwards */
struct host_vfio_flr_op {
	char device[HOST_NAME_LEN];
	bool mse, bme;
	uint64_t sriov;			/* the VF Enable register, 0 if none */
};
/* vfio.config_write (also read by vfio_msix_write()) */
struct host_vfio_config_op {
	char device[HOST_NAME_LEN];
	enum pcie_reg reg;
	uint64_t value;
	bool has_value;
};
/* KVM's own private map / unmap of slot @obj (no step): which of the two */
struct host_kvm_private_op {
	bool map;
};
/* iommufd.copy */
struct host_copy_op {
	char src[HOST_NAME_LEN], dst[HOST_NAME_LEN];
	uint64_t src_iova, dst_iova, size;
};

/*
 * One pending step operation: its copied arguments, and whatever it waits
 * for (IOTLB invalidations, an arch sub-sequence).  Requests live on
 * host->reqs until their sub-operation finished; host_destroy() frees
 * those whose step never ran them (skip-step, teardown).
 */
struct host_req {
	struct host_req *next, *prev;
	struct host *h;
	struct sim_seq *q;
	struct host_req *parent;	/* a child counts as one of its pending */
	union {
		struct host_map_op map;
		struct host_range_op range;
		struct host_copy_op copy;
		struct host_kvm_map_op kvm_map;
		struct host_kvm_unmap_op kvm_unmap;
		struct host_vfio_export_op vfio_export;
		struct host_name_op name;
		struct host_allow_op allow;
		struct host_hwpt_op hwpt;
		struct host_attach_op attach;
		struct host_inval_op inval;
		struct host_viommu_op viommu;
		struct host_vdevice_op vdevice;
		struct host_unbind_op unbind;
		struct host_guest_tdisp_op guest_tdisp;
		struct host_vfio_buf_op vfio_buf;
		struct host_vfio_mmap_op vfio_mmap;
		struct host_vfio_flr_op vfio_flr;
		struct host_vfio_config_op vfio_config;
		struct host_kvm_private_op kvm_private;
	} u;				/* the op's typed arguments */
	void *owned;			/* malloc'ed, what @u points into */
	void *obj;			/* what it acts on, cleared when freed */
	struct dmabuf_attach *att;	/* detach / unmap when done */
	bool att_detach;
	unsigned int pending;		/* invalidations outstanding */
	bool waiting;			/* the sub-op returned SIM_SEQ_WAIT */
	const char *result;
};

struct vfio_buf;
struct vfio_mmap;
struct vfio_kmap;
struct iofd_obj;
struct iofd_idev;
struct kvm_slot;
struct tsm_dev;

struct host {
	struct platform *p;
	struct sim *s;
	struct mem *mem;
	struct iommu *io;
	struct pcie_fabric *fab;
	const struct arch_ops *ops;
	struct arch *arch;
	struct dmabuf_core *dc;
	struct host_req *reqs;

	struct vfio_buf **bufs;
	size_t nbufs;
	struct vfio_mmap **mmaps;
	size_t nmmaps;
	struct vfio_kmap **kmaps;	/* the kernel's own BAR mappings */
	size_t nkmaps;
	enum vfio_bind_policy bind_policy;

	struct iofd_obj **objs;
	size_t nobjs, cap_objs;
	/* objects by name (chained, power-of-two buckets): a lookup per
	 * step must not scan every object of a 10^5-step scenario */
	struct iofd_obj **obj_hash;
	size_t nobj_hash;
	struct iofd_idev *idevs;
	size_t nidevs;

	struct kvm_slot **slots;
	size_t nslots;
	struct sim_seq **iseqs;		/* KVM's own firmware sequences */
	size_t niseqs;

	struct tsm_dev **tdevs;
	size_t ntdevs;
};

/* host.c */
struct host_req *host_req_new(struct host *h, struct sim_seq *q);
void host_req_free(struct host_req *r);
/* Copy @name (NULL: empty) into an op's name field of HOST_NAME_LEN. */
void host_name_set(char *dst, const char *name);
/* Forget @obj in every pending request (it is being freed). */
void host_req_forget(struct host *h, const void *obj);
/* A sub-op wrapper's epilogue: frees @r unless the op waits. */
const char *host_req_done(struct host_req *r, const char *res);
const char *host_errno_name(int err);
sim_cycles_t host_t(const struct host *h, enum arch_timing t);
/*
 * A child of @parent: @parent counts it as one pending item until the
 * child's own invalidations retire (then its attachment action runs).
 * Seal it with host_req_child_seal() once its invalidations are queued.
 */
struct host_req *host_req_child(struct host_req *parent);
void host_req_child_seal(struct host_req *child);
/* Queue an invalidation of @dom that @r waits for. */
void host_req_inval(struct host_req *r, struct iommu_domain *dom,
		    uint64_t iova, uint64_t size, bool all);
/*
 * @r's invalidations are queued.  None pending: the attachment action runs
 * and @res is returned (the caller frees @r, e.g. via host_req_done()).
 * Otherwise SIM_SEQ_WAIT: @r lives on, and when the last invalidation
 * retires the attachment action runs, @r is freed and @r->q (if any) is
 * resumed with @res.
 */
const char *host_req_wait_inval(struct host_req *r, const char *res);

/* vfio.c */
void vfio_fini(struct host *h);
/* Memory decode on (__vfio_pci_memory_enabled()). */
bool vfio_mem_enabled(const struct pcie_dev *dev);
/* The device, BAR and BAR offset a VFIO dma-buf exports. */
bool vfio_buf_source(struct dmabuf *buf, struct pcie_dev **dev,
		     unsigned int *bar, uint64_t *offset);
/* Zap (unpopulate) every host mmap of @dev's BARs (vfio_pci_zap_bars()). */
void vfio_zap_dev(struct host *h, struct pcie_dev *dev);
/* Revoke every private dma-buf of @dev, from a sub-op (TSM unbind). */
void vfio_push_revoke_dev(struct host *h, struct sim_seq *q,
			  struct pcie_dev *dev, bool priv_only);

/* vfio_region.c: the kernel's mappings of a BAR (barmap, MSI-X table) */
void vfio_kmap_fini(struct host *h);
/* vfio_pci_core_setup_barmap(): @b's barmap, created on first use. */
struct vfio_kmap *vfio_barmap_get(struct host *h, struct pcie_dev *dev,
				  const struct pcie_bar_cfg *b);
/* MSI-X Message Control written through VFIO: the host IRQ set-up. */
const char *vfio_msix_write(struct host_req *r, struct pcie_dev *dev);
/* First sub-op of tsm.bind: what VFIO does under h->bind_policy. */
void vfio_push_tsm_bind(struct host *h, struct sim_seq *q,
			struct pcie_dev *dev);

/* iommufd.c, iommufd_obj.c: the objects both files work on */
enum iofd_type {
	IOFD_IOAS,
	IOFD_HWPT,
	IOFD_VIOMMU,
	IOFD_VDEVICE,
};

struct iofd_range {
	uint64_t first, last;
};

struct iofd_area {
	uint64_t iova, size, hpa, page_size;
	char name[HOST_NAME_LEN];
	struct dmabuf_attach *att;
	bool revoked;
	uint64_t map_id;
	struct iofd_obj *ioas;
};

struct iofd_obj {
	enum iofd_type type;
	char name[HOST_NAME_LEN];
	/* IOAS */
	struct iofd_area **areas;
	size_t nareas;
	struct iofd_range *resv, *allowed;
	size_t nresv, nallowed;
	/* HWPT */
	struct iofd_obj *ioas, *parent;
	bool nest_parent, is_auto;
	struct iommu_domain *dom;
	/* vIOMMU: @hwpt; vDEVICE: @viommu, @dev, @virt_id */
	struct iofd_obj *hwpt, *viommu;
	struct pcie_dev *dev;
	uint64_t virt_id;
	struct iofd_obj *hnext;	/* name-hash chain */
	bool in_use;		/* teardown: some object still refers to it */
};

struct iofd_idev {
	struct pcie_dev *dev;
	struct iofd_obj *hwpt;
};

/* iommufd.c: IOAS areas */
/* The paging domains that hold @ioas's areas (up to @max in @out). */
size_t iofd_ioas_domains(const struct host *h, const struct iofd_obj *ioas,
			 struct iommu_domain **out, size_t max);
/* iopt->iova_alignment of @ioas: 1 without a domain, else 4 KiB. */
uint64_t iofd_ioas_align(const struct host *h, const struct iofd_obj *ioas);
/* Every area of @ioas obeys @align (iopt_check_iova_alignment()). */
bool iofd_ioas_aligned(const struct iofd_obj *ioas, uint64_t align);
/* Map every non-revoked area of @ioas into @dom (a new paging HWPT). */
int iofd_dom_fill(struct iofd_obj *ioas, struct iommu_domain *dom);
/* The first area of @ioas that overlaps [@first, @last], or NULL. */
struct iofd_area *iofd_area_hit(const struct iofd_obj *ioas, uint64_t first,
				 uint64_t last);
/*
 * Remove @a: page tables now, invalidations through a child of @parent
 * (or a fresh request when @parent is NULL).
 */
void iofd_area_remove(struct host *h, struct host_req *parent,
		      struct iofd_area *a);

/* iommufd_obj.c: the object table */
/* The named (non-automatic) object, or NULL. */
struct iofd_obj *iofd_obj_find(const struct host *h, const char *name);
/* The named object if it is of @type, else NULL. */
struct iofd_obj *iofd_obj_typed(const struct host *h, const char *name,
				enum iofd_type type);
struct iofd_obj *iofd_obj_add(struct host *h, enum iofd_type type,
			      const char *name);
void iommufd_fini(struct host *h);

/* kvm.c */
void kvm_init(struct host *h);
void kvm_fini(struct host *h);
void kvm_drop_guest(struct host *h, struct plat_guest *g);
bool kvm_has_private(const struct host *h, const struct pcie_dev *dev);
const char *kvm_map_pending(struct host *h, struct sim_seq *q,
			    struct plat_guest *g, struct pcie_dev *dev);

/* tsm.c */
void tsm_fini(struct host *h);

#endif /* TSMSIM_MODELS_HOST_HOST_INTERNAL_H */
