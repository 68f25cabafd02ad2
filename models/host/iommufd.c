// SPDX-License-Identifier: MIT
/*
 * iommufd.c - IOAS, HWPT, vIOMMU and vDEVICE objects with the semantics of
 * drivers/iommu/iommufd (io_pagetable.c, ioas.c, hw_pagetable.c,
 * device.c, viommu.c).  docs/host.md cites each rule.
 *
 * Model: an IOAS holds areas (sorted by IOVA), reserved ranges and
 * allowed ranges.  Every paging HWPT over an IOAS owns an IOMMU domain
 * that holds every (non-revoked) area of it; a device attached to an IOAS
 * directly goes through the IOAS's automatic HWPT, created on first attach
 * and freed when its last device leaves (the kernel's auto domain).  A
 * nested HWPT's stage-1 is the identity in the model: it translates
 * through its nest parent's domain and exists for attach and user
 * invalidation.  Each area is one SIM_MAP_IOMMU mapping of the ownership
 * index.  The IOAS's iova_alignment follows io_pagetable.c: 1 while no
 * domain holds it (iopt_init_table()), the domains' smallest page (4 KiB)
 * once one does (iopt_table_add_domain(), iopt_calculate_iova_alignment()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

/* HPAGE_SIZE on x86 with THP: the cap of iopt_alloc_iova()'s alignment */
#define IOFD_MAX_ALIGN	(2ULL << 20)

/* ------------------------------------------------------------- objects */

/* The paging domains that hold @ioas's areas, in object order. */
size_t iofd_ioas_domains(const struct host *h, const struct iofd_obj *ioas,
			 struct iommu_domain **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nobjs; i++) {
		const struct iofd_obj *o = h->objs[i];

		if (o->type == IOFD_HWPT && o->ioas == ioas && o->dom) {
			if (n < max)
				out[n] = o->dom;
			n++;
		}
	}
	return n;
}

#define IOFD_MAX_DOMS	16

static uint64_t iova_max(const struct host *h)
{
	unsigned int bits = 12 + 9 * iommu_levels(h->io);

	return bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/*
 * iopt->iova_alignment: an io_pagetable starts as a software table with
 * no alignment restriction (iopt_init_table() sets 1); each domain added
 * raises it to the domain's smallest page (iopt_table_add_domain()), and
 * removing the last one lowers it again (iopt_calculate_iova_alignment()).
 */
uint64_t iofd_ioas_align(const struct host *h, const struct iofd_obj *ioas)
{
	return iofd_ioas_domains(h, ioas, NULL, 0) ? HOST_PAGE : 1;
}

/*
 * iopt_check_iova_alignment(): before a domain joins, every area must
 * already obey its alignment (IOVA, length and page offset), else the
 * HWPT allocation or the attach fails with EADDRINUSE.
 */
bool iofd_ioas_aligned(const struct iofd_obj *ioas, uint64_t align)
{
	for (size_t i = 0; i < ioas->nareas; i++) {
		const struct iofd_area *a = ioas->areas[i];

		if ((a->iova | a->size | a->hpa) & (align - 1))
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------- areas */

/* The tag lets a DMA (even through a stale IOTLB entry) name its area. */
static int area_map_dom(struct iofd_area *a, struct iommu_domain *dom)
{
	int rc = iommu_map(dom, a->iova, a->hpa, a->size, a->page_size,
			   IOMMU_PROT_READ | IOMMU_PROT_WRITE);

	if (!rc && a->map_id)
		iommu_map_tag(dom, a->iova, a->size, a->map_id);
	return rc;
}

int iofd_dom_fill(struct iofd_obj *ioas, struct iommu_domain *dom)
{
	for (size_t i = 0; i < ioas->nareas; i++) {
		struct iofd_area *a = ioas->areas[i];
		int rc;

		if (a->revoked)
			continue;
		rc = area_map_dom(a, dom);
		if (rc)
			return rc;
	}
	return 0;
}

struct iofd_area *iofd_area_hit(const struct iofd_obj *ioas, uint64_t first,
				 uint64_t last)
{
	for (size_t i = 0; i < ioas->nareas; i++) {
		struct iofd_area *a = ioas->areas[i];

		if (overlaps(first, last, a->iova, a->iova + a->size - 1))
			return a;
	}
	return NULL;
}

static const struct iofd_range *range_hit(const struct iofd_range *r, size_t n,
					  uint64_t first, uint64_t last)
{
	for (size_t i = 0; i < n; i++)
		if (overlaps(first, last, r[i].first, r[i].last))
			return &r[i];
	return NULL;
}

static void area_insert(struct iofd_obj *ioas, struct iofd_area *a)
{
	size_t i = 0;

	ioas->areas = sim_xrealloc(ioas->areas, ioas->nareas + 1,
				   sizeof(*ioas->areas));
	while (i < ioas->nareas && ioas->areas[i]->iova < a->iova)
		i++;
	memmove(&ioas->areas[i + 1], &ioas->areas[i],
		(ioas->nareas - i) * sizeof(*ioas->areas));
	ioas->areas[i] = a;
	ioas->nareas++;
	a->ioas = ioas;
}

static void area_unlink(struct iofd_obj *ioas, struct iofd_area *a)
{
	for (size_t i = 0; i < ioas->nareas; i++)
		if (ioas->areas[i] == a) {
			memmove(&ioas->areas[i], &ioas->areas[i + 1],
				(ioas->nareas - i - 1) * sizeof(*ioas->areas));
			ioas->nareas--;
			return;
		}
}

/* iopt_check_iova() and iopt_alloc_area_pages(): a fixed IOVA */
static const char *check_fixed(const struct iofd_obj *ioas, uint64_t iova,
			       uint64_t size, uint64_t align)
{
	uint64_t last;

	if (!size || (iova | size) & (align - 1))
		return "EINVAL";
	if (__builtin_add_overflow(iova, size - 1, &last))
		return "EINVAL";
	if (range_hit(ioas->resv, ioas->nresv, iova, last))
		return "EINVAL";
	if (iofd_area_hit(ioas, iova, last))
		return "EEXIST";
	return NULL;
}

static uint64_t roundup_pow2(uint64_t x)
{
	return x <= 1 ? 1 : 1ULL << (64 - __builtin_clzll(x - 1));
}

/*
 * iopt_alloc_iova(): alignment = min(roundup_pow_of_two(length), the
 * lowest set bit of the source address) (roundup_pow_of_two(length) alone
 * when the address is 0), capped at HPAGE_SIZE; then the first hole, from
 * PAGE_SIZE up, inside an allowed range (all when none), clear of areas
 * and reserved ranges, with the source's offset in its page kept
 * (ALIGN(hole, alignment) | page_offset).  An alignment below the IOAS's
 * iova_alignment is EINVAL.  The model raises the alignment to
 * @page_size when that is larger, since it maps with the leaf size it is
 * given.
 */
static const char *alloc_iova(const struct host *h, const struct iofd_obj *ioas,
			      uint64_t addr, uint64_t size, uint64_t page_size,
			      uint64_t *out, uint64_t *align_out)
{
	struct iofd_range all = { HOST_PAGE, UINT64_MAX - HOST_PAGE };
	const struct iofd_range *spans = ioas->nallowed ? ioas->allowed : &all;
	size_t nspans = ioas->nallowed ? ioas->nallowed : 1;
	uint64_t align, min = iofd_ioas_align(h, ioas);
	uint64_t pgoff = addr & (HOST_PAGE - 1);

	if (!size || size >= UINT64_MAX / 2 || size & (min - 1))
		return "EINVAL";
	align = roundup_pow2(size);
	if (addr && (1ULL << __builtin_ctzll(addr)) < align)
		align = 1ULL << __builtin_ctzll(addr);
	if (align >= IOFD_MAX_ALIGN)
		align = IOFD_MAX_ALIGN;
	if (align < page_size && page_size > HOST_PAGE)
		align = page_size;
	if (align < min)
		return "EINVAL";
	*align_out = align;
	for (size_t i = 0; i < nspans; i++) {
		uint64_t cur = spans[i].first < HOST_PAGE ? HOST_PAGE : spans[i].first;

		for (;;) {
			uint64_t cand, last;
			const struct iofd_range *r;
			const struct iofd_area *a;

			if (__builtin_add_overflow(cur, align - 1, &cand))
				break;
			cand = (cand & ~(align - 1)) | pgoff;
			if (__builtin_add_overflow(cand, size - 1, &last) ||
			    last > spans[i].last || last > iova_max(h))
				break;
			r = range_hit(ioas->resv, ioas->nresv, cand, last);
			if (r) {
				if (r->last == UINT64_MAX)
					break;
				cur = r->last + 1;
				continue;
			}
			a = iofd_area_hit(ioas, cand, last);
			if (a) {
				cur = a->iova + a->size;
				continue;
			}
			*out = cand;
			return NULL;
		}
	}
	return "ENOSPC";
}

static bool page_size_ok(uint64_t ps)
{
	return ps == IOMMU_PAGE_4K || ps == IOMMU_PAGE_2M || ps == IOMMU_PAGE_1G;
}

/* Create the area, fill every domain, register it.  NULL or an errno name. */
static const char *area_create(struct host *h, struct iofd_obj *ioas,
			       uint64_t iova, uint64_t hpa, uint64_t size,
			       uint64_t page_size, const char *name,
			       struct dmabuf_attach *att)
{
	struct iommu_domain *doms[IOFD_MAX_DOMS];
	size_t nd = iofd_ioas_domains(h, ioas, doms, IOFD_MAX_DOMS);
	struct iofd_area *a;
	char table[HOST_NAME_LEN + 8];

	/* a domain maps whole pages; a domain-less IOAS takes any offset */
	if ((nd || page_size > HOST_PAGE) && hpa & (page_size - 1))
		return "EINVAL";
	a = calloc(1, sizeof(*a));
	TSM_BUG_ON(!a);
	*a = (struct iofd_area){ .iova = iova, .size = size, .hpa = hpa,
				 .page_size = page_size, .att = att };
	host_name_set(a->name, name);
	for (size_t i = 0; i < nd && i < IOFD_MAX_DOMS; i++) {
		int rc = area_map_dom(a, doms[i]);

		if (rc) {
			for (size_t j = 0; j < i; j++)
				iommu_unmap(doms[j], iova, size);
			free(a);
			return host_errno_name(rc);
		}
	}
	area_insert(ioas, a);
	snprintf(table, sizeof(table), "ioas %s", ioas->name);
	a->map_id = mem_map_add(h->mem, SIM_MAP_IOMMU, table, iova, hpa, size,
				true);
	for (size_t i = 0; i < nd && i < IOFD_MAX_DOMS; i++)
		iommu_map_tag(doms[i], iova, size, a->map_id);
	if (att)
		dmabuf_attach_published(att, a->map_id);
	return NULL;
}

/*
 * Remove @a: page tables now, invalidations through a child of @parent
 * (or a fresh request when @parent is NULL), the dma-buf attachment
 * detached when they have retired.
 */
void iofd_area_remove(struct host *h, struct host_req *parent,
		      struct iofd_area *a)
{
	struct iommu_domain *doms[IOFD_MAX_DOMS];
	size_t nd = iofd_ioas_domains(h, a->ioas, doms, IOFD_MAX_DOMS);
	struct host_req *c = parent ? host_req_child(parent)
				    : host_req_new(h, NULL);

	if (a->att) {
		host_req_forget(h, a->att);	/* a pending revoke's unmap */
		c->att = a->att;
		c->att_detach = true;
	}
	for (size_t i = 0; i < nd && i < IOFD_MAX_DOMS && !a->revoked; i++) {
		iommu_unmap(doms[i], a->iova, a->size);
		host_req_inval(c, doms[i], a->iova, a->size, false);
	}
	mem_map_remove(h->mem, a->map_id);
	area_unlink(a->ioas, a);
	host_req_forget(h, a);
	free(a);
	if (parent) {
		host_req_child_seal(c);
	} else if (host_req_wait_inval(c, NULL) != SIM_SEQ_WAIT) {
		host_req_free(c);
	}
}

/*
 * move_notify from the exporter: the importer drops its IOMMU mapping
 * (the area keeps its IOVA) and tells the exporter it unmapped once the
 * IOTLB invalidation has retired ("addresses already handed out must not
 * be reused until every importer has unmapped", dma-buf.c).
 */
static struct iofd_area *area_of_att(const struct host *h,
				      const struct dmabuf_attach *att)
{
	for (size_t i = 0; i < h->nobjs; i++)
		for (size_t j = 0; j < h->objs[i]->nareas; j++)
			if (h->objs[i]->areas[j]->att == att)
				return h->objs[i]->areas[j];
	return NULL;
}

static void area_move_notify(void *ctx, struct dmabuf_attach *att)
{
	struct host *h = ctx;
	struct iofd_area *a = area_of_att(h, att);
	struct iommu_domain *doms[IOFD_MAX_DOMS];
	struct host_req *r;
	size_t nd;

	if (!a || a->revoked)
		return;
	nd = iofd_ioas_domains(h, a->ioas, doms, IOFD_MAX_DOMS);
	r = host_req_new(h, NULL);
	r->att = att;
	for (size_t i = 0; i < nd && i < IOFD_MAX_DOMS; i++) {
		iommu_unmap(doms[i], a->iova, a->size);
		host_req_inval(r, doms[i], a->iova, a->size, false);
	}
	mem_map_remove(h->mem, a->map_id);
	a->map_id = 0;
	a->revoked = true;
	if (host_req_wait_inval(r, NULL) != SIM_SEQ_WAIT)
		host_req_free(r);
}

static const struct dmabuf_importer_ops area_importer = {
	.move_notify = area_move_notify,
};

/* ------------------------------------------------------------------ IOAS */

static const char *ioas_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const char *name = r->u.name.name;
	struct iofd_obj *o;

	if (iofd_obj_find(h, name))
		return host_req_done(r, "EEXIST");
	o = iofd_obj_add(h, IOFD_IOAS, name);
	/* the domain aperture is reserved (iopt_table_add_domain()) */
	o->resv = sim_xrealloc(NULL, 1, sizeof(*o->resv));
	o->resv[0] = (struct iofd_range){ iova_max(h) + 1, UINT64_MAX };
	o->nresv = iova_max(h) == UINT64_MAX ? 0 : 1;
	return host_req_done(r, NULL);
}

const char *iommufd_ioas(struct host *h, struct sim_seq *q, const char *name)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.name.name, name);
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.ioas", ioas_fn, r, 0);
	return NULL;
}

/* ---------------------------------------------------------------- map */

/*
 * Choose or check the IOVA.  @align gets the alignment it obeys: the
 * page size for a fixed IOVA, iopt_alloc_iova()'s rule for an allocated
 * one; the step reports it as "iova.aligned" (docs/scenarios.md,
 * `assert: last: { iova: { aligned: 8KiB } }`).
 */
static const char *map_iova(struct host_req *r, struct iofd_obj *ioas,
			    uint64_t addr, uint64_t *iova, uint64_t *align)
{
	const struct host_map_op *m = &r->u.map;
	uint64_t size = m->size, ps = m->page_size;

	if (m->has_iova) {
		*iova = m->iova;
		*align = ps > HOST_PAGE ? ps : iofd_ioas_align(r->h, ioas);
		return check_fixed(ioas, *iova, size, *align);
	}
	return alloc_iova(r->h, ioas, addr, size, ps, iova, align);
}

static void report_iova(struct host_req *r, uint64_t iova, uint64_t align)
{
	sim_seq_report(r->q, "iova", iova);
	sim_seq_report(r->q, "iova.aligned", align);
}

static const char *map_ram_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_map_op *m = &r->u.map;
	struct iofd_obj *ioas = iofd_obj_typed(h, m->ioas, IOFD_IOAS);
	struct plat_guest *g = plat_guest(h->p, m->src);
	uint64_t iova, hpa, align = 0;
	const char *res;

	if (!ioas || !g)
		return host_req_done(r, "ENOENT");
	if (!page_size_ok(m->page_size))
		return host_req_done(r, "EINVAL");
	/*
	 * IOMMU_IOAS_MAP pins the VMM's memory: a confidential guest's shared
	 * backing, never its guest_memfd pages (which cannot be pinned through
	 * a user VA: guest_memfd has no mapping for GUP)
	 */
	if (plat_guest_ram_hpa(g, m->addr, m->size, false, &hpa))
		return host_req_done(r, "EFAULT");
	/* the VMM's VA of guest RAM keeps the GPA's alignment: use the GPA */
	res = map_iova(r, ioas, m->addr, &iova, &align);
	if (!res)
		res = area_create(h, ioas, iova, hpa, m->size, m->page_size,
				  m->name, NULL);
	if (!res)
		report_iova(r, iova, align);
	return host_req_done(r, res);
}

/* The one helper that queues iommufd.map / map_dmabuf with its arguments. */
static void map_queue(struct host *h, struct sim_seq *q,
		      const struct iommufd_map_args *a, const char *src,
		      const char *what, sim_subop_fn *fn)
{
	struct host_req *r = host_req_new(h, q);
	struct host_map_op *m = &r->u.map;

	snprintf(m->ioas, sizeof(m->ioas), "%s", a->ioas);
	snprintf(m->src, sizeof(m->src), "%s", src);
	host_name_set(m->name, a->name);
	m->iova = a->iova;
	m->size = a->size;
	m->addr = a->dmabuf ? a->offset : a->gpa;
	m->page_size = a->page_size ? a->page_size : IOMMU_PAGE_4K;
	m->has_iova = a->has_iova;
	m->is_static = a->is_static;
	sim_seq_add(q, host_t(h, AT_IOCTL), what, fn, r, 0);
}

const char *iommufd_map(struct host *h, struct sim_seq *q,
			const struct iommufd_map_args *a)
{
	if (!a->ioas || !a->guest)
		return "EINVAL";
	map_queue(h, q, a, a->guest, "iommufd.map", map_ram_fn);
	return NULL;
}

static const char *dmabuf_checks(struct host_map_op *m, struct dmabuf *buf)
{
	uint64_t off = m->addr, bsize = dmabuf_size(buf);

	if ((off | m->size) & (HOST_PAGE - 1) || off >= bsize)
		return "EINVAL";
	if (!m->size)
		m->size = bsize - off;
	if (m->size > bsize - off)
		return "EINVAL";
	/* the private flavor is for the private stage-2 only (model rule) */
	if (dmabuf_is_private(buf))
		return "EPERM";
	return NULL;
}

static const char *map_dmabuf_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	struct host_map_op *m = &r->u.map;
	struct iofd_obj *ioas = iofd_obj_typed(h, m->ioas, IOFD_IOAS);
	struct dmabuf *buf = dmabuf_find(h->dc, m->src);
	struct dmabuf_attach *att;
	char importer[HOST_NAME_LEN + 8];
	uint64_t iova, hpa, align = 0;
	const char *res;
	int rc;

	if (!ioas || !buf)
		return host_req_done(r, "ENOENT");
	if (!page_size_ok(m->page_size))
		return host_req_done(r, "EINVAL");
	res = dmabuf_checks(m, buf);
	if (res)
		return host_req_done(r, res);
	snprintf(importer, sizeof(importer), "iommufd.%s", ioas->name);
	rc = dmabuf_attach(buf, importer, !m->is_static, &area_importer, h,
			   &att);
	if (rc)
		return host_req_done(r, host_errno_name(rc));
	rc = dmabuf_map(att, &hpa);
	if (!rc)
		res = map_iova(r, ioas, m->addr, &iova, &align);
	else
		res = host_errno_name(rc);
	if (!res)
		res = area_create(h, ioas, iova, hpa + m->addr, m->size,
				  m->page_size, m->name, att);
	if (res) {
		dmabuf_detach(att);
		return host_req_done(r, res);
	}
	report_iova(r, iova, align);
	return host_req_done(r, NULL);
}

const char *iommufd_map_dmabuf(struct host *h, struct sim_seq *q,
			       const struct iommufd_map_args *a)
{
	if (!a->ioas || !a->dmabuf)
		return "EINVAL";
	map_queue(h, q, a, a->dmabuf, "iommufd.map_dmabuf", map_dmabuf_fn);
	return NULL;
}

/* -------------------------------------------------------------- unmap */

/*
 * iopt_unmap_iova_range(): areas are taken lowest first; one that sticks
 * out of the range stops the walk with -ENOENT (those before it stay
 * unmapped); nothing unmapped at all is -ENOENT (iommufd_ioas_unmap()).
 */
static const char *unmap_range(struct host_req *r, struct iofd_obj *ioas,
			       uint64_t first, uint64_t last, bool all)
{
	uint64_t unmapped = 0;
	const char *res = NULL;
	struct iofd_area *a;

	while ((a = iofd_area_hit(ioas, first, last))) {
		if (a->iova < first || a->iova + a->size - 1 > last) {
			res = "ENOENT";
			break;
		}
		unmapped += a->size;
		iofd_area_remove(r->h, r, a);
	}
	/* iopt_unmap_all(): "if the IOVAs are empty then unmap all succeeds" */
	if (!unmapped && !res && !all)
		res = "ENOENT";
	sim_seq_report(r->q, "unmapped", unmapped);
	return host_req_wait_inval(r, res);
}

static const char *unmap_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host_range_op *o = &r->u.range;
	struct iofd_obj *ioas = iofd_obj_typed(r->h, o->ioas, IOFD_IOAS);
	uint64_t last;

	if (!ioas)
		return host_req_done(r, "ENOENT");
	if (o->area[0]) {
		for (size_t i = 0; i < ioas->nareas; i++)
			if (!strcmp(ioas->areas[i]->name, o->area)) {
				o->iova = ioas->areas[i]->iova;
				o->size = ioas->areas[i]->size;
			}
		if (!o->size)
			return host_req_done(r, "ENOENT");
	}
	/* iommufd_ioas_unmap(): iova 0, length U64_MAX is unmap-all */
	if (!o->area[0] && !o->iova && o->size == UINT64_MAX)
		return host_req_done(r, unmap_range(r, ioas, 0, UINT64_MAX,
						    true));
	if (!o->size || __builtin_add_overflow(o->iova, o->size - 1, &last))
		return host_req_done(r, "EINVAL");
	return host_req_done(r, unmap_range(r, ioas, o->iova, last, false));
}

/* The one helper that queues iommufd.unmap / iommufd.reserve. */
static void range_queue(struct host *h, struct sim_seq *q, const char *ioas,
			const char *area, uint64_t iova, uint64_t size,
			const char *what, sim_subop_fn *fn)
{
	struct host_req *r = host_req_new(h, q);
	struct host_range_op *o = &r->u.range;

	host_name_set(o->ioas, ioas);
	host_name_set(o->area, area);
	o->iova = iova;
	o->size = size;
	sim_seq_add(q, host_t(h, AT_IOCTL), what, fn, r, 0);
}

const char *iommufd_unmap(struct host *h, struct sim_seq *q, const char *ioas,
			  uint64_t iova, uint64_t size)
{
	range_queue(h, q, ioas, NULL, iova, size, "iommufd.unmap", unmap_fn);
	return NULL;
}

const char *iommufd_unmap_area(struct host *h, struct sim_seq *q,
			       const char *ioas, const char *area)
{
	if (!area || !area[0])
		return "EINVAL";
	range_queue(h, q, ioas, area, 0, 0, "iommufd.unmap", unmap_fn);
	return NULL;
}

/* ---------------------------------------------------------------- copy */

struct copy_piece {
	uint64_t hpa, size, page_size;
};

/* iopt_get_pages(): the source must be covered contiguously by areas. */
static const char *copy_collect(const struct iofd_obj *src, uint64_t iova,
				uint64_t size, struct copy_piece **out,
				size_t *n)
{
	uint64_t cur = iova, last = iova + size - 1;

	*n = 0;
	while (cur <= last) {
		const struct iofd_area *a = iofd_area_hit(src, cur, cur);
		uint64_t end;

		if (!a)
			return "ENOENT";
		if (a->att)
			return "EINVAL";
		end = a->iova + a->size - 1 < last ? a->iova + a->size - 1 : last;
		*out = sim_xrealloc(*out, *n + 1, sizeof(**out));
		(*out)[*n] = (struct copy_piece){
			a->hpa + (cur - a->iova), end - cur + 1, IOMMU_PAGE_4K };
		(*n)++;
		if (end == UINT64_MAX)
			break;
		cur = end + 1;
	}
	return NULL;
}

static const char *copy_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_copy_op *c = &r->u.copy;
	struct iofd_obj *src = iofd_obj_typed(h, c->src, IOFD_IOAS);
	struct iofd_obj *dst = iofd_obj_typed(h, c->dst, IOFD_IOAS);
	struct copy_piece *p = NULL;
	uint64_t iova = c->dst_iova;
	const char *res;
	size_t n = 0;

	if (!src || !dst)
		return host_req_done(r, "ENOENT");
	if (!c->size || c->src_iova + c->size - 1 < c->src_iova)
		return host_req_done(r, "EINVAL");
	res = copy_collect(src, c->src_iova, c->size, &p, &n);
	/* iopt_map_pages() into dst: dst's iova_alignment applies */
	if (!res)
		res = check_fixed(dst, iova, c->size, iofd_ioas_align(h, dst));
	for (size_t i = 0; !res && i < n; i++) {
		res = area_create(h, dst, iova, p[i].hpa, p[i].size,
				  p[i].page_size, NULL, NULL);
		iova += p[i].size;
	}
	free(p);
	if (!res)
		report_iova(r, c->dst_iova, iofd_ioas_align(h, dst));
	return host_req_done(r, res);
}

const char *iommufd_copy(struct host *h, struct sim_seq *q, const char *src,
			 const char *dst, uint64_t src_iova, uint64_t dst_iova,
			 uint64_t size)
{
	struct host_req *r = host_req_new(h, q);
	struct host_copy_op *c = &r->u.copy;

	host_name_set(c->src, src);
	host_name_set(c->dst, dst);
	c->src_iova = src_iova;
	c->dst_iova = dst_iova;
	c->size = size;
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.copy", copy_fn, r, 0);
	return NULL;
}

/* ------------------------------------------------- allowed / reserved */

static const char *allow_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	const struct host_allow_op *a = &r->u.allow;
	struct iofd_obj *ioas = iofd_obj_typed(r->h, a->ioas, IOFD_IOAS);
	const struct iommufd_range *in = a->rg;
	struct iofd_range *rr;

	if (!ioas)
		return host_req_done(r, "ENOENT");
	rr = sim_xrealloc(NULL, a->n ? a->n : 1, sizeof(*rr));
	for (size_t i = 0; i < a->n; i++) {
		if (!in[i].size ||
		    __builtin_add_overflow(in[i].iova, in[i].size - 1,
					   &rr[i].last)) {
			free(rr);
			return host_req_done(r, "EINVAL");
		}
		rr[i].first = in[i].iova;
		if (range_hit(rr, i, rr[i].first, rr[i].last)) {
			free(rr);	/* interval_tree overlap */
			return host_req_done(r, "EINVAL");
		}
	}
	/* iopt_set_allow_iova(): no allowed range may hit a reserved one */
	for (size_t i = 0; i < a->n; i++)
		if (range_hit(ioas->resv, ioas->nresv, rr[i].first, rr[i].last)) {
			free(rr);
			return host_req_done(r, "EADDRINUSE");
		}
	free(ioas->allowed);
	ioas->allowed = rr;
	ioas->nallowed = a->n;
	return host_req_done(r, NULL);
}

const char *iommufd_allow_iovas(struct host *h, struct sim_seq *q,
				const char *ioas,
				const struct iommufd_range *rg, size_t n)
{
	struct host_req *r = host_req_new(h, q);

	host_name_set(r->u.allow.ioas, ioas);
	if (n) {
		r->owned = sim_xrealloc(NULL, n, sizeof(*rg));
		memcpy(r->owned, rg, n * sizeof(*rg));
	}
	r->u.allow.rg = r->owned;
	r->u.allow.n = n;
	sim_seq_add(q, host_t(h, AT_IOCTL), "iommufd.allow_iovas", allow_fn,
		    r, 0);
	return NULL;
}

static const char *reserve_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	const struct host_range_op *o = &r->u.range;
	struct iofd_obj *ioas = iofd_obj_typed(r->h, o->ioas, IOFD_IOAS);
	uint64_t last;

	if (!ioas)
		return host_req_done(r, "ENOENT");
	if (!o->size || __builtin_add_overflow(o->iova, o->size - 1, &last))
		return host_req_done(r, "EINVAL");
	/* iopt_reserve_iova() */
	if (iofd_area_hit(ioas, o->iova, last) ||
	    range_hit(ioas->allowed, ioas->nallowed, o->iova, last))
		return host_req_done(r, "EADDRINUSE");
	ioas->resv = sim_xrealloc(ioas->resv, ioas->nresv + 1,
				  sizeof(*ioas->resv));
	ioas->resv[ioas->nresv++] = (struct iofd_range){ o->iova, last };
	return host_req_done(r, NULL);
}

const char *iommufd_reserve(struct host *h, struct sim_seq *q,
			    const char *ioas, uint64_t iova, uint64_t size)
{
	range_queue(h, q, ioas, NULL, iova, size, "iommufd.reserve",
		    reserve_fn);
	return NULL;
}
