// SPDX-License-Identifier: MIT
/*
 * vfio.c - VFIO PCI: BAR ranges exported as dma-bufs
 * (drivers/vfio/pci/vfio_pci_dmabuf.c), host mmaps of BARs, config writes
 * and reset wired to the device model (vfio_pci_config.c,
 * vfio_pci_core.c).  docs/host.md cites each rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct vfio_buf {
	struct host *h;
	struct dmabuf *buf;
	struct pcie_dev *dev;
	unsigned int bar;
	uint64_t offset, size;
};

struct vfio_mmap {
	char name[HOST_NAME_LEN];
	struct pcie_dev *dev;
	unsigned int bar;
	uint64_t hpa, size;
	uint64_t map_id;
	bool populated;
};

bool vfio_mem_enabled(const struct pcie_dev *dev)
{
	uint64_t v = 0;

	return !pcie_config_read(dev, PCIE_REG_CMD_MSE, &v) && v;
}

/* ------------------------------------------------------------- dma-bufs */

static void buf_release(void *ctx, struct dmabuf *buf)
{
	struct vfio_buf *vb = ctx;
	struct host *h = vb->h;

	host_req_forget(h, vb);		/* a revoke queued for it: nothing to do */
	for (size_t i = 0; i < h->nbufs; i++)
		if (h->bufs[i] == vb) {
			h->bufs[i] = h->bufs[--h->nbufs];
			break;
		}
	free(vb);
}

static const struct dmabuf_exporter_ops vfio_exporter = {
	.release = buf_release,
};

bool vfio_buf_source(struct dmabuf *buf, struct pcie_dev **dev,
		     unsigned int *bar, uint64_t *offset)
{
	struct vfio_buf *vb = dmabuf_exporter_ctx(buf);

	if (!vb)
		return false;
	*dev = vb->dev;
	*bar = vb->bar;
	*offset = vb->offset;
	return true;
}

static const char *export_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_vfio_export_op *e = &r->u.vfio_export;
	struct pcie_dev *dev = pcie_dev_find(h->fab, e->device);
	struct dmabuf_export_info info = { 0 };
	struct pcie_bar_cfg bar;
	struct vfio_buf *vb;
	uint64_t off = e->offset, size = e->size;
	int rc;

	/* region_index past the BARs: -ENODEV */
	if (!dev || pcie_dev_bar(dev, e->bar, &bar))
		return host_req_done(r, "ENODEV");
	/* validate_dmabuf_input(), vfio_pci_core_fill_phys_vec() */
	if ((off | size) & (HOST_PAGE - 1) || off >= bar.size)
		return host_req_done(r, "EINVAL");
	if (!size)
		size = bar.size - off;
	if (size > bar.size - off)
		return host_req_done(r, "EINVAL");
	vb = calloc(1, sizeof(*vb));
	TSM_BUG_ON(!vb);
	*vb = (struct vfio_buf){ h, NULL, dev, bar.index, off, size };
	info.name = e->name;
	info.hpa = bar.hpa + off;
	info.size = size;
	info.mmio = true;
	info.priv = e->priv;
	/* priv->revoked = !__vfio_pci_memory_enabled(vdev) */
	info.revoked = !vfio_mem_enabled(dev);
	info.ops = &vfio_exporter;
	info.ctx = vb;
	rc = dmabuf_export(h->dc, &info, &vb->buf);
	if (rc) {
		free(vb);
		return host_req_done(r, host_errno_name(rc));
	}
	h->bufs = sim_xrealloc(h->bufs, h->nbufs + 1, sizeof(*h->bufs));
	h->bufs[h->nbufs++] = vb;
	return host_req_done(r, NULL);
}

const char *vfio_dmabuf(struct host *h, struct sim_seq *q, const char *device,
			unsigned int bar, uint64_t offset, uint64_t size,
			bool priv, const char *name)
{
	struct host_req *r;
	struct host_vfio_export_op *e;

	if (!name || !name[0])
		return "EINVAL";
	r = host_req_new(h, q);
	e = &r->u.vfio_export;
	host_name_set(e->device, device);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->bar = bar;
	e->offset = offset;
	e->size = size;
	e->priv = priv;
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio.dmabuf", export_fn, r, 0);
	return NULL;
}

enum buf_op {
	BUF_REVOKE,
	BUF_UNREVOKE,
	BUF_CLOSE,
	BUF_FLAVOR,
};

static const char *buf_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct dmabuf *buf = dmabuf_find(r->h->dc, r->u.vfio_buf.name);
	struct vfio_buf *vb;
	const char *res = NULL;

	if (!buf)
		return host_req_done(r, "ENOENT");
	vb = dmabuf_exporter_ctx(buf);
	switch ((enum buf_op)arg) {
	case BUF_REVOKE:
		res = dmabuf_revoke_now(buf, r->q);
		break;
	case BUF_UNREVOKE:
		/* VFIO un-revokes only with memory decode on */
		res = vfio_mem_enabled(vb->dev) ? dmabuf_unrevoke_now(buf) : "ENODEV";
		break;
	case BUF_CLOSE:
		dmabuf_close(buf);
		break;
	case BUF_FLAVOR:
		res = dmabuf_set_private_now(buf, r->u.vfio_buf.priv, r->q);
		break;
	}
	return host_req_done(r, res);
}

static const char *buf_push(struct host *h, struct sim_seq *q,
			    const char *name, enum buf_op op, bool priv,
			    const char *opname)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.vfio_buf.name, name);
	r->u.vfio_buf.priv = priv;
	sim_seq_add(q, host_t(h, AT_IOCTL), opname, buf_fn, r, op);
	return NULL;
}

const char *vfio_dmabuf_flavor(struct host *h, struct sim_seq *q,
			       const char *name, bool priv)
{
	return buf_push(h, q, name, BUF_FLAVOR, priv, "vfio.dmabuf_flavor");
}

const char *vfio_dmabuf_revoke(struct host *h, struct sim_seq *q,
			       const char *name)
{
	return buf_push(h, q, name, BUF_REVOKE, false, "vfio.dmabuf_revoke");
}

const char *vfio_dmabuf_unrevoke(struct host *h, struct sim_seq *q,
				 const char *name)
{
	return buf_push(h, q, name, BUF_UNREVOKE, false, "vfio.dmabuf_unrevoke");
}

const char *vfio_dmabuf_close(struct host *h, struct sim_seq *q,
			      const char *name)
{
	return buf_push(h, q, name, BUF_CLOSE, false, "vfio.dmabuf_close");
}

/*
 * A revoke of one buffer as its own sub-operation.  By the buffer, not
 * its name: a buffer whose fd userspace closed has no name any more but
 * is still revoked while an importer holds it (r->obj is cleared if it
 * is released before this runs).
 */
static const char *revoke_one_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct vfio_buf *vb = r->obj;

	return host_req_done(r, vb ? dmabuf_revoke_now(vb->buf, r->q) : NULL);
}

/*
 * vfio_pci_dma_buf_move(vdev, true): one buffer after the other, each
 * waiting for its importers (the newer dma_buf_invalidate_mappings()).
 * Every buffer on the device's list, including one whose fd userspace
 * closed: the list holds a buffer until vfio_pci_dma_buf_release(), and
 * get_file_active() succeeds while an importer (KVM, iommufd) still holds
 * its reference (drivers/vfio/pci/vfio_pci_dmabuf.c).
 * @next: insert right after the running sub-op (else append).
 */
static void push_revokes(struct host *h, struct sim_seq *q,
			 struct pcie_dev *dev, bool priv_only, bool next)
{
	/* inserted one by one right after the running op: go backwards */
	for (size_t k = h->nbufs; k-- > 0;) {
		size_t i = next ? k : h->nbufs - 1 - k;
		struct vfio_buf *vb = h->bufs[i];
		struct host_req *r;

		if (vb->dev != dev ||
		    (priv_only && !dmabuf_is_private(vb->buf)))
			continue;
		r = host_req_new(h, q);
		r->obj = vb;
		if (next)
			sim_seq_next(q, 0, "dma-buf revoke", revoke_one_fn, r, 0);
		else
			sim_seq_add(q, 0, "dma-buf revoke", revoke_one_fn, r, 0);
	}
}

void vfio_push_revoke_dev(struct host *h, struct sim_seq *q,
			  struct pcie_dev *dev, bool priv_only)
{
	push_revokes(h, q, dev, priv_only, false);
}

/* vfio_pci_dma_buf_move(vdev, false): the same list as the revoke */
static void unrevoke_dev(struct host *h, struct pcie_dev *dev)
{
	for (size_t i = 0; i < h->nbufs; i++)
		if (h->bufs[i]->dev == dev)
			dmabuf_unrevoke_now(h->bufs[i]->buf);
}

/* ---------------------------------------------------------------- mmap */

static struct vfio_mmap *mmap_find(const struct host *h, const char *name)
{
	for (size_t i = 0; i < h->nmmaps; i++)
		if (!strcmp(h->mmaps[i]->name, name))
			return h->mmaps[i];
	return NULL;
}

/* vfio_pci_zap_bars(): unmap_mapping_range() of every BAR mmap */
void vfio_zap_dev(struct host *h, struct pcie_dev *dev)
{
	for (size_t i = 0; i < h->nmmaps; i++) {
		struct vfio_mmap *m = h->mmaps[i];

		if (m->dev != dev || !m->populated)
			continue;
		m->populated = false;
		mem_map_set_populated(h->mem, m->map_id, false);
	}
}

static const char *mmap_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_vfio_mmap_op *a = &r->u.vfio_mmap;
	struct pcie_dev *dev = pcie_dev_find(h->fab, a->device);
	struct pcie_bar_cfg bar;
	struct vfio_mmap *m;
	char table[HOST_NAME_LEN + 8];

	if (!dev || pcie_dev_bar(dev, a->bar, &bar))
		return host_req_done(r, "ENODEV");
	if (mmap_find(h, a->name))
		return host_req_done(r, "EEXIST");
	/*
	 * vfio_pci_core_mmap(): "Even though we don't make use of the barmap
	 * for the mmap, we need to request the region and the barmap tracks
	 * that": an mmap sets up the kernel's barmap too (refused for a bound
	 * TDI under the refuse policy, as a region access is).
	 */
	if (tsm_is_bound(h, pcie_dev_name(dev)) &&
	    h->bind_policy == VFIO_BIND_REFUSE)
		return host_req_done(r, "EBUSY");
	vfio_barmap_get(h, dev, &bar);
	m = calloc(1, sizeof(*m));
	TSM_BUG_ON(!m);
	snprintf(m->name, sizeof(m->name), "%s", a->name);
	m->dev = dev;
	m->bar = bar.index;
	m->hpa = bar.hpa;
	m->size = bar.size;
	snprintf(table, sizeof(table), "mmap %s", m->name);
	m->map_id = mem_map_add(h->mem, SIM_MAP_HOST_MMAP, table, 0, m->hpa,
				m->size, false);
	h->mmaps = sim_xrealloc(h->mmaps, h->nmmaps + 1, sizeof(*h->mmaps));
	h->mmaps[h->nmmaps++] = m;
	return host_req_done(r, NULL);
}

const char *vfio_mmap(struct host *h, struct sim_seq *q, const char *device,
		      unsigned int bar, const char *name)
{
	struct host_req *r;

	if (!name || !name[0])
		return "EINVAL";
	r = host_req_new(h, q);
	host_name_set(r->u.vfio_mmap.device, device);
	host_name_set(r->u.vfio_mmap.name, name);
	r->u.vfio_mmap.bar = bar;
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio.mmap", mmap_fn, r, 0);
	return NULL;
}

static void mmap_free(struct host *h, struct vfio_mmap *m)
{
	for (size_t i = 0; i < h->nmmaps; i++)
		if (h->mmaps[i] == m) {
			h->mmaps[i] = h->mmaps[--h->nmmaps];
			break;
		}
	mem_map_remove(h->mem, m->map_id);
	free(m);
}

static const char *munmap_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct vfio_mmap *m = mmap_find(r->h, r->u.name.name);

	if (!m)
		return host_req_done(r, "ENOENT");
	mmap_free(r->h, m);
	return host_req_done(r, NULL);
}

const char *vfio_munmap(struct host *h, struct sim_seq *q, const char *name)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.name.name, name);
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio.munmap", munmap_fn, r, 0);
	return NULL;
}

int vfio_host_access(struct host *h, const char *name, struct plat_access *a)
{
	struct vfio_mmap *m = mmap_find(h, name);
	uint64_t off = a->addr;
	sim_cycles_t fault = 0;

	if (!m)
		return -ENOENT;
	if (!a->size || off >= m->size || a->size > m->size - off)
		return -EINVAL;
	if (!m->populated) {
		/* vfio_pci_mmap_huge_fault(): SIGBUS with memory decode off */
		fault = host_t(h, AT_KVM_FAULT_IN);
		if (!vfio_mem_enabled(m->dev)) {
			a->result = SIM_RES_FAULT;
			a->lat = fault;
			a->hpa = IOMMU_NO_HPA;
			a->map_id = m->map_id;
			a->stale = a->dropped_silently = false;
			a->detail = "SIGBUS: host mmap fault with memory decode off";
			return 0;
		}
		m->populated = true;
		mem_map_set_populated(h->mem, m->map_id, true);
	}
	a->addr = m->hpa + off;
	plat_host_access(h->p, m->map_id, a);
	a->addr = off;
	a->lat += fault;
	if (fault && a->result == SIM_RES_OK)
		a->result = SIM_RES_RETRIED;
	return 0;
}

/* ------------------------------------------------- config write, reset */

static const char *flr_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_vfio_flr_op *a = &r->u.vfio_flr;
	struct pcie_dev *dev = pcie_dev_find(h->fab, a->device);

	if (!dev)
		return host_req_done(r, "ENODEV");
	pcie_flr(dev);
	/* pci_try_reset_function() restores the saved command register */
	if (a->mse)
		pcie_config_write(dev, PCIE_REG_CMD_MSE, 1, true);
	if (a->bme)
		pcie_config_write(dev, PCIE_REG_CMD_BME, 1, true);
	/* ... and VF Enable: pci_restore_iov_state() (drivers/pci/iov.c) */
	if (a->sriov)
		pcie_config_write(dev, PCIE_REG_SRIOV, a->sriov, true);
	if (vfio_mem_enabled(dev))
		unrevoke_dev(h, dev);
	return host_req_done(r, NULL);
}

/* vfio_pci_core_ioctl_reset(): zap, revoke, reset, un-revoke */
static void push_reset(struct host *h, struct sim_seq *q, struct pcie_dev *dev)
{
	struct host_req *r = host_req_new(h, q);
	struct host_vfio_flr_op *a = &r->u.vfio_flr;
	uint64_t v = 0;

	host_name_set(a->device, pcie_dev_name(dev));
	a->mse = vfio_mem_enabled(dev);
	a->bme = !pcie_config_read(dev, PCIE_REG_CMD_BME, &v) && v;
	if (pcie_config_read(dev, PCIE_REG_SRIOV, &a->sriov))
		a->sriov = 0;
	vfio_zap_dev(h, dev);
	/* sim_seq_next inserts right after the running op: FLR first */
	sim_seq_next(q, 0, "FLR", flr_fn, r, 0);
	push_revokes(h, q, dev, false, true);
}

static const char *reset_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct pcie_dev *dev = pcie_dev_find(r->h->fab, r->u.name.name);

	if (!dev)
		return host_req_done(r, "ENODEV");
	push_reset(r->h, r->q, dev);
	return host_req_done(r, NULL);
}

const char *vfio_reset(struct host *h, struct sim_seq *q, const char *device)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.name.name, device);
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio.reset", reset_fn, r, 0);
	return NULL;
}

static const char *config_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_vfio_config_op *a = &r->u.vfio_config;
	struct pcie_dev *dev = pcie_dev_find(h->fab, a->device);
	enum pcie_reg reg = a->reg;
	bool was_on, flr;
	int rc;

	if (!dev)
		return host_req_done(r, "ENODEV");
	if (reg == PCIE_REG_MSIX)
		return vfio_msix_write(r, dev);
	was_on = vfio_mem_enabled(dev);
	flr = reg == PCIE_REG_DEVCTL && a->has_value && (a->value & PCIE_DEVCTL_FLR);
	if (flr) {
		/* the FLR bit goes through VFIO's reset path */
		rc = pcie_config_write(dev, reg, a->value & ~PCIE_DEVCTL_FLR, true);
		if (!rc)
			push_reset(h, r->q, dev);
		return host_req_done(r, host_errno_name(rc));
	}
	rc = pcie_config_write(dev, reg, a->value, a->has_value);
	if (rc)
		return host_req_done(r, host_errno_name(rc));
	if (reg == PCIE_REG_CMD_MSE && was_on && !vfio_mem_enabled(dev)) {
		/* vfio_pci_zap_bars(); vfio_pci_dma_buf_move(vdev, true) */
		vfio_zap_dev(h, dev);
		push_revokes(h, r->q, dev, false, true);
	} else if (reg == PCIE_REG_CMD_MSE && !was_on && vfio_mem_enabled(dev)) {
		unrevoke_dev(h, dev);
	}
	return host_req_done(r, NULL);
}

const char *vfio_config_write(struct host *h, struct sim_seq *q,
			      const char *device, enum pcie_reg reg,
			      uint64_t value, bool has_value)
{
	struct host_req *r;

	if ((unsigned int)reg >= PCIE_REG_NR)
		return "EINVAL";
	r = host_req_new(h, q);
	host_name_set(r->u.vfio_config.device, device);
	r->u.vfio_config.reg = reg;
	r->u.vfio_config.value = value;
	r->u.vfio_config.has_value = has_value;
	sim_seq_add(q, host_t(h, AT_IOCTL), "vfio.config_write", config_fn,
		    r, 0);
	return NULL;
}

void vfio_fini(struct host *h)
{
	vfio_kmap_fini(h);
	while (h->nmmaps)
		mmap_free(h, h->mmaps[0]);
	free(h->mmaps);
	h->mmaps = NULL;
	/* the buffers die with the dma-buf core; drop our side only */
	for (size_t i = 0; i < h->nbufs; i++)
		free(h->bufs[i]);
	free(h->bufs);
	h->bufs = NULL;
	h->nbufs = 0;
}
