// SPDX-License-Identifier: MIT
/*
 * vfio_region.c - the host kernel's own mappings of a BAR: the barmap
 * vfio-pci sets up on the first pread / pwrite of a BAR region
 * (drivers/vfio/pci/vfio_pci_rdwr.c vfio_pci_bar_rw(),
 * vfio_pci_core_setup_barmap(): pci_iomap() of the whole BAR, kept until
 * vfio_pci_core_disable() at close), the MSI-X table ioremap of the host
 * IRQ layer (drivers/pci/msi/msi.c msix_capability_init(),
 * msix_map_region(), msix_mask_all()), and what VFIO does with them when
 * the TDI is bound (the bind policy).  docs/host.md cites each rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

#define MSIX_ENTRY_SIZE		16u	/* PCI_MSIX_ENTRY_SIZE */
#define MSIX_VECTOR_CTRL	12u	/* PCI_MSIX_ENTRY_VECTOR_CTRL */
#define MSIX_CTRL_ENABLE	0x8000u	/* PCI_MSIX_FLAGS_ENABLE */
#define MSIX_CTRL_QSIZE		0x7ffu	/* PCI_MSIX_FLAGS_QSIZE */

/* One kernel mapping: a BAR's barmap, or a function's MSI-X table. */
struct vfio_kmap {
	struct pcie_dev *dev;
	unsigned int bar;
	bool msix;
	uint64_t hpa, size, map_id;
	char name[48];		/* the table name; also the initiator */
};

static struct vfio_kmap *kmap_find(const struct host *h,
				   const struct pcie_dev *dev,
				   unsigned int bar, bool msix)
{
	for (size_t i = 0; i < h->nkmaps; i++) {
		struct vfio_kmap *k = h->kmaps[i];

		if (k->dev == dev && k->msix == msix && (msix || k->bar == bar))
			return k;
	}
	return NULL;
}

static struct vfio_kmap *kmap_add(struct host *h, struct pcie_dev *dev,
				  unsigned int bar, bool msix, uint64_t hpa,
				  uint64_t size)
{
	struct vfio_kmap *k = calloc(1, sizeof(*k));

	TSM_BUG_ON(!k);
	*k = (struct vfio_kmap){ dev, bar, msix, hpa, size, 0, "" };
	if (msix)
		snprintf(k->name, sizeof(k->name), "msix table %s",
			 pcie_dev_name(dev));
	else
		snprintf(k->name, sizeof(k->name), "vfio barmap %s BAR%u",
			 pcie_dev_name(dev), bar);
	/* an ioremap is present at once: no fault-in on kernel mappings */
	k->map_id = mem_map_add(h->mem, SIM_MAP_KERNEL, k->name, 0, hpa, size,
				true);
	h->kmaps = sim_xrealloc(h->kmaps, h->nkmaps + 1, sizeof(*h->kmaps));
	h->kmaps[h->nkmaps++] = k;
	return k;
}

/* pci_iounmap() / iounmap(): the mapping leaves the ownership index. */
static void kmap_drop(struct host *h, struct vfio_kmap *k)
{
	for (size_t i = 0; i < h->nkmaps; i++)
		if (h->kmaps[i] == k) {
			h->kmaps[i] = h->kmaps[--h->nkmaps];
			break;
		}
	mem_map_remove(h->mem, k->map_id);
	free(k);
}

void vfio_kmap_fini(struct host *h)
{
	while (h->nkmaps)
		kmap_drop(h, h->kmaps[0]);
	free(h->kmaps);
	h->kmaps = NULL;
}

void vfio_set_bind_policy(struct host *h, enum vfio_bind_policy p)
{
	h->bind_policy = p;
}

/* vfio_pci_core_setup_barmap(): map the whole BAR once, keep it. */
struct vfio_kmap *vfio_barmap_get(struct host *h, struct pcie_dev *dev,
				    const struct pcie_bar_cfg *b)
{
	struct vfio_kmap *k = kmap_find(h, dev, b->index, false);

	return k ? k : kmap_add(h, dev, b->index, false, b->hpa, b->size);
}

/* ------------------------------------------------------ region access */

/*
 * A bound TDI under the bind policy.  refuse: the setup_barmap region
 * request collides with bind's exclusive request (EBUSY), for every BAR;
 * drop: the TEE BARs are refused (model errno: EPERM).
 */
static const char *bound_refusal(const struct host *h,
				 const struct pcie_dev *dev, unsigned int bar)
{
	if (!tsm_is_bound(h, pcie_dev_name(dev)))
		return NULL;
	switch (h->bind_policy) {
	case VFIO_BIND_REFUSE:
		return "EBUSY";
	case VFIO_BIND_DROP:
		return pcie_mmio_is_tee(dev, bar) ? "EPERM" : NULL;
	default:
		return NULL;
	}
}

/* vfio_pci_bar_rw(): [msix_offset, +msix_size) is an excluded range. */
static bool msix_excluded(const struct pcie_dev *dev, unsigned int bar,
			  uint64_t off, uint64_t size)
{
	const struct pcie_msix_cfg *m = pcie_dev_msix(dev);

	return m->present && m->bar == bar && off < m->offset + m->size &&
	       m->offset < off + size;
}

const char *vfio_region_access(struct host *h, const char *device,
			       unsigned int bar, struct plat_access *a)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);
	uint64_t off = a->addr;
	struct pcie_bar_cfg b;
	struct vfio_kmap *k;
	const char *res;

	if (!dev)
		return "ENODEV";
	/* no resource: -EINVAL; pos >= end: -EINVAL (no short accesses) */
	if (pcie_dev_bar(dev, bar, &b) || !a->size || off >= b.size ||
	    a->size > b.size - off)
		return "EINVAL";
	res = bound_refusal(h, dev, bar);
	if (res)
		return res;
	k = vfio_barmap_get(h, dev, &b);
	a->initiator = k->name;
	if (msix_excluded(dev, bar, off, a->size)) {
		/* "The excluded range drops writes and fills reads with -1" */
		a->result = SIM_RES_OK;
		a->lat = host_t(h, AT_IOCTL);
		a->hpa = IOMMU_NO_HPA;
		a->map_id = k->map_id;
		a->data = a->write ? 0 : a->size >= 8 ? UINT64_MAX :
			  (1ull << (a->size * 8)) - 1;
		a->detail = "the MSI-X table is excluded: vfio-pci fills reads "
			    "with -1 and drops writes";
		return NULL;
	}
	/* vfio_pci_core_ioread/iowrite: -EIO with memory decode off */
	if (!vfio_mem_enabled(dev))
		return "EIO";
	a->addr = b.hpa + off;
	plat_host_access(h->p, k->map_id, a);
	a->addr = off;
	a->lat += host_t(h, AT_IOCTL);
	return NULL;
}

/* ------------------------------------------------------------- MSI-X */

/*
 * One write of every vector's Vector Control word through the table
 * mapping (msix_mask_all(), or the per-vector mask at shutdown).  Each is
 * a host CPU write with the arch's check; the kernel stops at an access
 * that machine-checks or faults (it does not survive it).  Returns the
 * first result that did not complete, NULL when all did.
 */
static const char *mask_all(struct host *h, struct vfio_kmap *k,
			    sim_cycles_t *lat)
{
	const char *res = NULL;
	struct plat_access a;

	for (uint64_t v = 0; v < k->size / MSIX_ENTRY_SIZE; v++) {
		memset(&a, 0, sizeof(a));
		a.who = SIM_INIT_HOST;
		a.initiator = k->name;
		a.write = true;
		a.size = 4;
		a.value = 1;	/* PCI_MSIX_ENTRY_CTRL_MASKBIT */
		a.addr = k->hpa + v * MSIX_ENTRY_SIZE + MSIX_VECTOR_CTRL;
		plat_host_access(h->p, k->map_id, &a);
		a.addr -= k->hpa;
		plat_emit_access(h->p, &a, sim_now(h->s));
		/* checked time sum: saturate rather than wrap */
		if (__builtin_add_overflow(*lat, a.lat, lat))
			*lat = UINT64_MAX;
		if (a.result != SIM_RES_OK && !res)
			res = sim_result_name(a.result);
		if (a.result == SIM_RES_MCE || a.result == SIM_RES_HOST_FAULT)
			break;
	}
	return res;
}

/* The table writes' time, then the step's result. */
static const char *writes_done_fn(struct sim *s, void *ctx, uint64_t arg)
{
	return ctx;
}

/*
 * vfio-pci passes no user write to the MSI-X capability (it has no write
 * permission bits in vfio_pci_config.c): a VMM turns the guest's Enable
 * into VFIO_DEVICE_SET_IRQS, and vfio_msi_enable() -> pci_alloc_irq_vectors()
 * -> msix_capability_init() writes Message Control, ioremaps the table
 * (pci_msix_vec_count() entries) and masks every vector through it.
 * Disable (pci_free_irq_vectors()): mask, clear Enable, iounmap.  The
 * step returns the first table write that did not complete.
 */
const char *vfio_msix_write(struct host_req *r, struct pcie_dev *dev)
{
	struct host *h = r->h;
	const struct host_vfio_config_op *a = &r->u.vfio_config;
	const struct pcie_msix_cfg *m = pcie_dev_msix(dev);
	struct vfio_kmap *k = kmap_find(h, dev, 0, true);
	uint64_t cur = 0, val;
	struct pcie_bar_cfg b;
	const char *res = NULL;
	sim_cycles_t lat = 0;
	int rc;

	pcie_config_read(dev, PCIE_REG_MSIX, &cur);
	val = a->has_value ? a->value : cur;
	if (k && !(val & MSIX_CTRL_ENABLE))
		res = mask_all(h, k, &lat);
	rc = pcie_config_write(dev, PCIE_REG_MSIX, val, a->has_value);
	if (rc)
		return host_req_done(r, host_errno_name(rc));
	if (k && !(val & MSIX_CTRL_ENABLE)) {
		kmap_drop(h, k);
	} else if (!k && (val & MSIX_CTRL_ENABLE) && m->present &&
		   !pcie_dev_bar(dev, m->bar, &b)) {
		uint64_t n = ((val & MSIX_CTRL_QSIZE) + 1) * MSIX_ENTRY_SIZE;

		k = kmap_add(h, dev, m->bar, true, b.hpa + m->offset,
			     n < m->size ? n : m->size);
		res = mask_all(h, k, &lat);
	}
	if (lat)
		sim_seq_next(r->q, lat, "msix table writes", writes_done_fn,
			     (void *)(uintptr_t)res, 0);
	return host_req_done(r, lat ? NULL : res);
}

/* ------------------------------------------------------------ TSM bind */

static const char *tsm_bind_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct pcie_dev *dev = pcie_dev_find(h->fab, r->u.name.name);

	for (size_t i = h->nkmaps; dev && i-- > 0;) {
		struct vfio_kmap *k = h->kmaps[i];

		if (k->dev != dev || k->msix)
			continue;
		/* pci_request_regions_exclusive() meets the barmap's request */
		if (h->bind_policy == VFIO_BIND_REFUSE)
			return host_req_done(r, "EBUSY");
		kmap_drop(h, k);
	}
	return host_req_done(r, NULL);
}

void vfio_push_tsm_bind(struct host *h, struct sim_seq *q,
			struct pcie_dev *dev)
{
	struct host_req *r;

	if (h->bind_policy == VFIO_BIND_KEEP)
		return;
	r = host_req_new(h, q);
	host_name_set(r->u.name.name, pcie_dev_name(dev));
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio tsm bind", tsm_bind_fn, r, 0);
}
