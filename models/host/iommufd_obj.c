// SPDX-License-Identifier: MIT
/*
 * iommufd_obj.c - the iommufd object table: HWPTs (paging, nesting, user
 * invalidation), vIOMMU and vDEVICE objects, device attach / replace /
 * detach, destroy, the TSM bind entry points and the lookups.  The model
 * is described in iommufd.c (IOAS, areas, IOVA allocation).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

/* ------------------------------------------------------------- objects */

/* FNV-1a of the name; the bucket count is a power of two. */
static size_t name_bucket(const struct host *h, const char *name)
{
	uint64_t x = 0xcbf29ce484222325ULL;

	for (; *name; name++)
		x = (x ^ (unsigned char)*name) * 0x100000001b3ULL;
	return (size_t)(x & (h->nobj_hash - 1));
}

static void hash_insert(struct host *h, struct iofd_obj *o)
{
	size_t b = name_bucket(h, o->name);

	o->hnext = h->obj_hash[b];
	h->obj_hash[b] = o;
}

/* Keep at most one object per bucket on average: rehash when full. */
static void hash_grow(struct host *h)
{
	if (h->nobjs < h->nobj_hash)
		return;
	free(h->obj_hash);
	h->nobj_hash = h->nobj_hash ? 2 * h->nobj_hash : 64;
	h->obj_hash = calloc(h->nobj_hash, sizeof(*h->obj_hash));
	TSM_BUG_ON(!h->obj_hash);
	for (size_t i = 0; i < h->nobjs; i++)
		hash_insert(h, h->objs[i]);
}

static void hash_remove(struct host *h, struct iofd_obj *o)
{
	struct iofd_obj **pp = &h->obj_hash[name_bucket(h, o->name)];

	while (*pp && *pp != o)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = o->hnext;
}

struct iofd_obj *iofd_obj_find(const struct host *h, const char *name)
{
	struct iofd_obj *o = h->nobj_hash ? h->obj_hash[name_bucket(h, name)] : NULL;

	/* names are unique among the non-auto objects (EEXIST otherwise) */
	for (; o; o = o->hnext)
		if (!o->is_auto && !strcmp(o->name, name))
			return o;
	return NULL;
}

struct iofd_obj *iofd_obj_typed(const struct host *h, const char *name,
				enum iofd_type type)
{
	struct iofd_obj *o = iofd_obj_find(h, name);

	return o && o->type == type ? o : NULL;
}

struct iofd_obj *iofd_obj_add(struct host *h, enum iofd_type type,
			      const char *name)
{
	struct iofd_obj *o = calloc(1, sizeof(*o));

	TSM_BUG_ON(!o);
	o->type = type;
	snprintf(o->name, sizeof(o->name), "%s", name);
	hash_grow(h);
	/* doubling: a copy per object is quadratic where realloc cannot grow in place */
	if (h->nobjs == h->cap_objs) {
		h->cap_objs = h->cap_objs ? 2 * h->cap_objs : 16;
		h->objs = sim_xrealloc(h->objs, h->cap_objs, sizeof(*h->objs));
	}
	h->objs[h->nobjs++] = o;
	hash_insert(h, o);
	return o;
}

/* Free @o; the caller has taken it out of h->objs. */
static void obj_release(struct host *h, struct iofd_obj *o)
{
	hash_remove(h, o);
	if (o->dom)
		TSM_BUG_ON(iommu_domain_free(o->dom));
	host_req_forget(h, o);
	free(o->areas);
	free(o->resv);
	free(o->allowed);
	free(o);
}

static void obj_free(struct host *h, struct iofd_obj *o)
{
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i] == o) {
			h->objs[i] = h->objs[--h->nobjs];
			break;
		}
	obj_release(h, o);
}

static struct iommu_domain *hwpt_dom(const struct iofd_obj *hwpt)
{
	return hwpt->parent ? hwpt->parent->dom : hwpt->dom;
}

static struct iofd_idev *idev_of(struct host *h, struct pcie_dev *dev)
{
	for (size_t i = 0; i < h->nidevs; i++)
		if (h->idevs[i].dev == dev)
			return &h->idevs[i];
	h->idevs = sim_xrealloc(h->idevs, h->nidevs + 1, sizeof(*h->idevs));
	h->idevs[h->nidevs] = (struct iofd_idev){ dev, NULL };
	return &h->idevs[h->nidevs++];
}

static bool hwpt_has_devices(const struct host *h, const struct iofd_obj *hwpt)
{
	for (size_t i = 0; i < h->nidevs; i++)
		if (h->idevs[i].hwpt == hwpt)
			return true;
	return false;
}


/* ---------------------------------------------------------------- HWPT */

static struct iofd_obj *hwpt_paging_new(struct host *h, struct iofd_obj *ioas,
					const char *name, bool is_auto)
{
	char dname[HOST_NAME_LEN + 16];
	struct iofd_obj *o = iofd_obj_add(h, IOFD_HWPT, name);

	o->ioas = ioas;
	o->is_auto = is_auto;
	snprintf(dname, sizeof(dname), is_auto ? "ioas %s" : "hwpt %s",
		 is_auto ? ioas->name : name);
	o->dom = iommu_domain_alloc(h->io, IOMMU_DOMAIN_PAGING, dname);
	TSM_BUG_ON(!o->dom);
	TSM_BUG_ON(iofd_dom_fill(ioas, o->dom));
	return o;
}

static const char *hwpt_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct iofd_obj *ioas = NULL, *parent = NULL, *o;
	const struct host_hwpt_op *hw = &r->u.hwpt;
	bool has_ioas = hw->ioas[0], has_parent = hw->parent[0];

	if (iofd_obj_find(h, hw->name))
		return host_req_done(r, "EEXIST");
	if (has_ioas == has_parent)
		return host_req_done(r, "EINVAL");
	if (!pcie_dev_find(h->fab, hw->device))
		return host_req_done(r, "ENOENT");
	if (has_ioas && !(ioas = iofd_obj_typed(h, hw->ioas, IOFD_IOAS)))
		return host_req_done(r, "ENOENT");
	if (has_parent && !(parent = iofd_obj_typed(h, hw->parent, IOFD_HWPT)))
		return host_req_done(r, "ENOENT");
	/*
	 * iommufd_hwpt_nested_alloc(): any flag but FAULT_ID_VALID is
	 * EOPNOTSUPP, checked before the parent; then the parent must be a
	 * nest parent (a nested HWPT is not a paging one: EINVAL)
	 */
	if (parent && hw->nest_parent)
		return host_req_done(r, "EOPNOTSUPP");
	if (parent && (!parent->nest_parent || parent->parent))
		return host_req_done(r, "EINVAL");
	/* iopt_table_add_domain(): the areas must fit the domain's pages */
	if (ioas && !iofd_ioas_aligned(ioas, HOST_PAGE))
		return host_req_done(r, "EADDRINUSE");
	if (ioas) {
		o = hwpt_paging_new(h, ioas, hw->name, false);
		o->nest_parent = hw->nest_parent;
	} else {
		o = iofd_obj_add(h, IOFD_HWPT, hw->name);
		o->parent = parent;
	}
	return host_req_done(r, NULL);
}

const char *iommufd_hwpt(struct host *h, struct sim_seq *q, const char *name,
			 const char *ioas, const char *parent,
			 const char *device, bool nest_parent)
{
	struct host_req *r = host_req_new(h, q);
	struct host_hwpt_op *a = &r->u.hwpt;

	host_name_set(a->name, name);
	host_name_set(a->ioas, ioas);
	host_name_set(a->parent, parent);
	host_name_set(a->device, device);
	a->nest_parent = nest_parent;
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.hwpt", hwpt_fn, r, 0);
	return NULL;
}

/* ---------------------------------------------------- attach / replace */

static struct iofd_obj *auto_hwpt(struct host *h, struct iofd_obj *ioas,
				  bool create)
{
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i]->is_auto && h->objs[i]->ioas == ioas)
			return h->objs[i];
	return create ? hwpt_paging_new(h, ioas, "", true) : NULL;
}

static void auto_put(struct host *h, struct iofd_obj *hwpt)
{
	if (hwpt && hwpt->is_auto && !hwpt_has_devices(h, hwpt))
		obj_free(h, hwpt);
}

/* The HWPT a device attaches to for target @to, or NULL (*@res set). */
static struct iofd_obj *target_hwpt(struct host *h, const char *to,
				    const char **res)
{
	struct iofd_obj *o = iofd_obj_find(h, to);

	if (!o) {
		*res = "ENOENT";
		return NULL;
	}
	if (o->type == IOFD_IOAS && !auto_hwpt(h, o, false) &&
	    !iofd_ioas_aligned(o, HOST_PAGE)) {
		/* iopt_table_add_domain() of the automatic domain */
		*res = "EADDRINUSE";
		return NULL;
	}
	if (o->type == IOFD_IOAS)
		return auto_hwpt(h, o, true);
	if (o->type == IOFD_HWPT)
		return o;
	*res = "EINVAL";
	return NULL;
}

static const char *attach_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct pcie_dev *dev = pcie_dev_find(h->fab, r->u.attach.device);
	bool replace = arg;
	struct iofd_idev *idev;
	struct iofd_obj *hwpt, *old;
	const char *res = NULL;
	int rc;

	if (!dev)
		return host_req_done(r, "ENOENT");
	idev = idev_of(h, dev);
	/* iommufd_hw_pagetable_attach() / _replace(): EINVAL */
	if (!replace && idev->hwpt)
		return host_req_done(r, "EINVAL");
	if (replace && !idev->hwpt)
		return host_req_done(r, "EINVAL");
	hwpt = target_hwpt(h, r->u.attach.to, &res);
	if (!hwpt)
		return host_req_done(r, res);
	old = idev->hwpt;
	if (replace)
		rc = iommu_replace(h->io, pcie_dev_rid(dev), IOMMU_NO_PASID,
				   hwpt_dom(hwpt));
	else
		rc = iommu_attach(h->io, pcie_dev_rid(dev), IOMMU_NO_PASID,
				  hwpt_dom(hwpt));
	if (rc) {
		auto_put(h, hwpt);
		return host_req_done(r, host_errno_name(rc));
	}
	idev->hwpt = hwpt;
	if (old != hwpt)
		auto_put(h, old);
	return host_req_done(r, NULL);
}

static const char *attach_push(struct host *h, struct sim_seq *q,
			       const char *device, const char *to,
			       bool replace, const char *op)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.attach.device, device);
	host_name_set(r->u.attach.to, to);
	sim_seq_add(q, host_t(h, AT_IOCTL), op, attach_fn, r, replace);
	return NULL;
}

const char *iommufd_attach(struct host *h, struct sim_seq *q,
			   const char *device, const char *to)
{
	return attach_push(h, q, device, to, false, "iommufd.attach");
}

const char *iommufd_replace(struct host *h, struct sim_seq *q,
			    const char *device, const char *to)
{
	return attach_push(h, q, device, to, true, "iommufd.replace");
}

static const char *detach_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct pcie_dev *dev = pcie_dev_find(h->fab, r->u.name.name);
	struct iofd_idev *idev;
	struct iofd_obj *old;

	if (!dev)
		return host_req_done(r, "ENOENT");
	idev = idev_of(h, dev);
	if (!idev->hwpt)
		return host_req_done(r, "ENOENT");
	TSM_BUG_ON(iommu_detach(h->io, pcie_dev_rid(dev), IOMMU_NO_PASID));
	old = idev->hwpt;
	idev->hwpt = NULL;
	auto_put(h, old);
	return host_req_done(r, NULL);
}

const char *iommufd_detach(struct host *h, struct sim_seq *q,
			   const char *device)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.name.name, device);
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.detach", detach_fn, r, 0);
	return NULL;
}

/* --------------------------------------------------------- invalidate */

static const char *inval_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct iofd_obj *hwpt = iofd_obj_typed(r->h, r->u.inval.hwpt,
					       IOFD_HWPT);
	const struct iommufd_inval_entry *e = r->u.inval.e;
	const char *res = NULL;
	uint64_t handled = 0;

	if (!hwpt)
		return host_req_done(r, "ENOENT");
	/* iommufd_hwpt_invalidate(): user invalidation is for nested HWPTs */
	if (!hwpt->parent)
		return host_req_done(r, "EOPNOTSUPP");
	for (size_t i = 0; i < r->u.inval.n; i++, handled++) {
		if (e[i].all) {
			host_req_inval(r, hwpt_dom(hwpt), 0, 0, true);
			continue;
		}
		if (!e[i].size || (e[i].iova | e[i].size) & (HOST_PAGE - 1) ||
		    e[i].iova + e[i].size - 1 < e[i].iova) {
			res = "EINVAL";
			break;
		}
		host_req_inval(r, hwpt_dom(hwpt), e[i].iova, e[i].size, false);
	}
	/* entry_num is in/out: how many requests were handled */
	sim_seq_report(r->q, "handled", handled);
	return host_req_done(r, host_req_wait_inval(r, res));
}

const char *iommufd_invalidate(struct host *h, struct sim_seq *q,
			       const char *hwpt,
			       const struct iommufd_inval_entry *e, size_t n)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.inval.hwpt, hwpt);
	if (n) {
		r->owned = sim_xrealloc(NULL, n, sizeof(*e));
		memcpy(r->owned, e, n * sizeof(*e));
	}
	r->u.inval.e = r->owned;
	r->u.inval.n = n;
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.invalidate", inval_fn,
		    r, 0);
	return NULL;
}

/* ----------------------------------------------------- vIOMMU, vDEVICE */

static const char *viommu_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct iofd_obj *hwpt, *o;
	struct pcie_dev *dev = pcie_dev_find(h->fab, r->u.viommu.device);

	if (iofd_obj_find(h, r->u.viommu.name))
		return host_req_done(r, "EEXIST");
	hwpt = iofd_obj_typed(h, r->u.viommu.hwpt, IOFD_HWPT);
	if (!hwpt || !dev)
		return host_req_done(r, "ENOENT");
	if (!hwpt->nest_parent)
		return host_req_done(r, "EINVAL");
	o = iofd_obj_add(h, IOFD_VIOMMU, r->u.viommu.name);
	o->hwpt = hwpt;
	o->dev = dev;
	return host_req_done(r, NULL);
}

const char *iommufd_viommu(struct host *h, struct sim_seq *q, const char *name,
			   const char *hwpt, const char *device)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.viommu.name, name);
	host_name_set(r->u.viommu.hwpt, hwpt);
	host_name_set(r->u.viommu.device, device);
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.viommu", viommu_fn, r, 0);
	return NULL;
}

static const char *vdevice_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_vdevice_op *a = &r->u.vdevice;
	struct iofd_obj *vi, *o;
	struct pcie_dev *dev = pcie_dev_find(h->fab, a->device);

	if (iofd_obj_find(h, a->name))
		return host_req_done(r, "EEXIST");
	vi = iofd_obj_typed(h, a->viommu, IOFD_VIOMMU);
	if (!vi || !dev)
		return host_req_done(r, "ENOENT");
	for (size_t i = 0; i < h->nobjs; i++) {
		o = h->objs[i];
		if (o->type == IOFD_VDEVICE &&
		    ((o->viommu == vi && o->virt_id == a->virt_id) || o->dev == dev))
			return host_req_done(r, "EEXIST");
	}
	o = iofd_obj_add(h, IOFD_VDEVICE, a->name);
	o->viommu = vi;
	o->dev = dev;
	o->virt_id = a->virt_id;
	return host_req_done(r, NULL);
}

const char *iommufd_vdevice(struct host *h, struct sim_seq *q,
			    const char *name, const char *viommu,
			    const char *device, uint64_t virt_id)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.vdevice.name, name);
	host_name_set(r->u.vdevice.viommu, viommu);
	host_name_set(r->u.vdevice.device, device);
	r->u.vdevice.virt_id = virt_id;
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.vdevice", vdevice_fn,
		    r, 0);
	return NULL;
}

const char *iommufd_vdevice_tsm_bind(struct host *h, struct sim_seq *q,
				     const char *vdevice, const char *guest)
{
	struct iofd_obj *o = iofd_obj_typed(h, vdevice, IOFD_VDEVICE);

	if (!o)
		return "ENOENT";
	return tsm_bind(h, q, pcie_dev_name(o->dev), guest);
}

const char *iommufd_vdevice_tsm_unbind(struct host *h, struct sim_seq *q,
				       const char *vdevice)
{
	struct iofd_obj *o = iofd_obj_typed(h, vdevice, IOFD_VDEVICE);

	if (!o)
		return "ENOENT";
	return tsm_unbind(h, q, pcie_dev_name(o->dev));
}

/* ------------------------------------------------------------- destroy */

static bool obj_busy(const struct host *h, const struct iofd_obj *o)
{
	for (size_t i = 0; i < h->nobjs; i++) {
		const struct iofd_obj *x = h->objs[i];

		switch (o->type) {
		case IOFD_IOAS:
			if (x->type == IOFD_HWPT && x->ioas == o)
				return true;	/* incl. the auto HWPT in use */
			break;
		case IOFD_HWPT:
			if (x->parent == o || x->hwpt == o)
				return true;
			break;
		case IOFD_VIOMMU:
			if (x->viommu == o)
				return true;
			break;
		case IOFD_VDEVICE:
			break;
		}
	}
	if (o->type == IOFD_HWPT)
		return hwpt_has_devices(h, o);
	if (o->type == IOFD_VDEVICE)
		return tsm_is_bound(h, pcie_dev_name(o->dev));
	return false;
}

static void mark_referenced(struct host *h)
{
	for (size_t i = 0; i < h->nobjs; i++)
		h->objs[i]->in_use = false;
	for (size_t i = 0; i < h->nobjs; i++) {
		const struct iofd_obj *x = h->objs[i];

		if (x->type == IOFD_HWPT && x->ioas)
			x->ioas->in_use = true;
		if (x->parent)
			x->parent->in_use = true;
		if (x->hwpt)
			x->hwpt->in_use = true;
		if (x->viommu)
			x->viommu->in_use = true;
	}
}

/* One teardown round; frees the first object when all are in use. */
static void free_unreferenced(struct host *h)
{
	size_t keep = 0, n = h->nobjs;
	struct iofd_obj *first = h->objs[0];

	mark_referenced(h);
	for (size_t i = 0; i < n; i++) {
		struct iofd_obj *o = h->objs[i];

		if (o->type != IOFD_VDEVICE &&
		    (o->in_use || (o->type == IOFD_HWPT && hwpt_has_devices(h, o))))
			h->objs[keep++] = o;
		else
			obj_release(h, o);
	}
	h->nobjs = keep;
	if (keep == n) {
		h->objs[0] = h->objs[--h->nobjs];
		obj_release(h, first);
	}
}

static const char *destroy_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct iofd_obj *o = iofd_obj_find(r->h, r->u.name.name);

	if (!o)
		return host_req_done(r, "ENOENT");
	if (obj_busy(r->h, o))
		return host_req_done(r, "EBUSY");
	/* iommufd_ioas_destroy(): iopt_unmap_all() (no domain is left) */
	while (o->type == IOFD_IOAS && o->nareas)
		iofd_area_remove(r->h, NULL, o->areas[0]);
	obj_free(r->h, o);
	return host_req_done(r, NULL);
}

const char *iommufd_destroy(struct host *h, struct sim_seq *q,
			    const char *name)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.name.name, name);
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.destroy", destroy_fn,
		    r, 0);
	return NULL;
}

/* -------------------------------------------------------------- queries */

int iommufd_lookup(const struct host *h, const char *name, uint64_t iova,
		   uint64_t *hpa)
{
	const struct iofd_obj *o = iofd_obj_find(h, name);
	const struct iofd_area *a;

	if (!o)
		return -ENOENT;
	if (o->type == IOFD_HWPT)
		return iommu_lookup(hwpt_dom(o), iova, hpa, NULL, NULL);
	if (o->type != IOFD_IOAS)
		return -ENOENT;
	a = iofd_area_hit(o, iova, iova);
	if (!a || a->revoked)
		return -ENOENT;
	*hpa = a->hpa + (iova - a->iova);
	return 0;
}

struct iommu_domain *iommufd_domain(const struct host *h, const char *name)
{
	const struct iofd_obj *o = iofd_obj_find(h, name);
	struct iommu_domain *d[1];

	if (!o)
		return NULL;
	if (o->type == IOFD_HWPT)
		return hwpt_dom(o);
	if (o->type != IOFD_IOAS)
		return NULL;
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i]->is_auto && h->objs[i]->ioas == o)
			return h->objs[i]->dom;
	return iofd_ioas_domains(h, o, d, 1) ? d[0] : NULL;
}

int iommufd_area_count(const struct host *h, const char *ioas)
{
	const struct iofd_obj *o = iofd_obj_typed(h, ioas, IOFD_IOAS);

	return o ? (int)o->nareas : -ENOENT;
}

void iommufd_fini(struct host *h)
{
	for (size_t i = 0; i < h->nidevs; i++)
		if (h->idevs[i].hwpt)
			iommu_detach(h->io, pcie_dev_rid(h->idevs[i].dev),
				     IOMMU_NO_PASID);
	free(h->idevs);
	h->idevs = NULL;
	h->nidevs = 0;
	for (size_t i = 0; i < h->nobjs; i++) {
		struct iofd_obj *o = h->objs[i];

		for (size_t j = 0; j < o->nareas; j++) {
			if (o->areas[j]->att)
				dmabuf_detach(o->areas[j]->att);
			free(o->areas[j]);
		}
		o->nareas = 0;
	}
	/*
	 * Children first: nested HWPTs and vIOMMUs before their parents.
	 * Each round marks, in one pass, what something still refers to
	 * (obj_busy's relations) and frees the rest, so tearing down n
	 * objects costs n times the nesting depth, not n^2.
	 */
	while (h->nobjs)
		free_unreferenced(h);
	free(h->objs);
	h->objs = NULL;
	h->cap_objs = 0;
	free(h->obj_hash);
	h->obj_hash = NULL;
	h->nobj_hash = 0;
}
