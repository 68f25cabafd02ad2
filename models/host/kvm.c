// SPDX-License-Identifier: MIT
/*
 * kvm.c - KVM memslots backed by dma-bufs (Xu Yilun's May 2025 RFC,
 * virt/kvm/vfio_dmabuf.c): the shared side faults in on first access
 * through the arch's map_shared (exit + fault-in cost, the access ends
 * `retried`), the private side is mapped through the arch firmware inside
 * the kvm.map step.  On move_notify KVM zaps the slot (timing kvm_zap, the
 * importer's unmap latency), records the buffer's new shareability, and
 * the next fault maps the right side (docs/host.md, sequence B).
 *
 * Each slot is one SIM_MAP_S2_SHARED mapping of the ownership index
 * (table "kvm GUEST slot"), populated once a page has been faulted in;
 * private slots are published by the arch (SIM_MAP_S2_PRIVATE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct kvm_slot {
	struct plat_guest *g;
	struct dmabuf_attach *att;
	uint64_t gpa, size, hpa, page_size;
	bool priv;		/* the side it maps now (follows the flavor) */
	bool busy;		/* a private map / unmap is in flight */
	bool priv_pending;	/* private, but the firmware map has not happened */
	uint64_t map_id;	/* the memslot in the ownership index */
	struct pcie_dev *dev;
	unsigned int bar;
	uint64_t bar_off;
};

static bool fault_handler(void *ctx, struct plat_guest *g, uint64_t gpa,
			  bool priv, bool write, sim_cycles_t *lat);

void kvm_init(struct host *h)
{
	plat_set_fault_handler(h->p, fault_handler, h);
}

static struct kvm_slot *slot_at(const struct host *h,
				const struct plat_guest *g, uint64_t gpa,
				bool priv)
{
	for (size_t i = 0; i < h->nslots; i++) {
		struct kvm_slot *sl = h->slots[i];

		if (sl->g == g && sl->priv == priv && gpa >= sl->gpa &&
		    gpa - sl->gpa < sl->size)
			return sl;
	}
	return NULL;
}

static struct kvm_slot *slot_of_att(const struct host *h,
				    const struct dmabuf_attach *att)
{
	for (size_t i = 0; i < h->nslots; i++)
		if (h->slots[i]->att == att)
			return h->slots[i];
	return NULL;
}

static void memslot_publish(struct host *h, struct kvm_slot *sl)
{
	char table[HOST_NAME_LEN + 16];

	if (sl->map_id || sl->priv)
		return;
	snprintf(table, sizeof(table), "kvm %s slot", sl->g->name);
	sl->map_id = mem_map_add(h->mem, SIM_MAP_S2_SHARED, table, sl->gpa,
				 sl->hpa, sl->size, false);
	if (sl->att)
		dmabuf_attach_published(sl->att, sl->map_id);
}

static void memslot_unpublish(struct host *h, struct kvm_slot *sl)
{
	mem_map_remove(h->mem, sl->map_id);
	sl->map_id = 0;
}

/* Zap the shared side: stage-2 entries and the memslot record. */
static void zap_shared(struct host *h, struct kvm_slot *sl)
{
	if (h->ops)
		h->ops->unmap_shared(h->arch, sl->g->vm, sl->gpa, sl->size);
	memslot_unpublish(h, sl);
}

static void slot_free(struct host *h, struct kvm_slot *sl)
{
	for (size_t i = 0; i < h->nslots; i++)
		if (h->slots[i] == sl) {
			h->slots[i] = h->slots[--h->nslots];
			break;
		}
	host_req_forget(h, sl);
	memslot_unpublish(h, sl);
	if (sl->att)
		dmabuf_detach(sl->att);
	free(sl);
}

/* ------------------------------------------------- KVM's own sequences */

static struct sim_seq *iseq_new(struct host *h, sim_seq_done_fn *done,
				void *ctx)
{
	size_t j = 0;

	/* reap the finished ones */
	for (size_t i = 0; i < h->niseqs; i++) {
		if (sim_seq_running(h->iseqs[i]))
			h->iseqs[j++] = h->iseqs[i];
		else
			sim_seq_destroy(h->iseqs[i]);
	}
	h->niseqs = j;
	h->iseqs = sim_xrealloc(h->iseqs, h->niseqs + 1, sizeof(*h->iseqs));
	h->iseqs[h->niseqs] = sim_seq_create(h->s, done, NULL, ctx);
	return h->iseqs[h->niseqs++];
}

/* The end of KVM's own private map / unmap, whatever its result. */
static void private_done(struct sim *s, void *ctx, const char *result)
{
	struct host_req *r = ctx;
	struct kvm_slot *sl = r->obj;

	if (sl) {
		sl->busy = false;
		if (r->u.kvm_private.map) {
			sl->priv_pending = result != NULL;
		} else {
			sl->priv = dmabuf_is_private(dmabuf_attach_buf(sl->att));
			dmabuf_unmap(sl->att);
		}
	}
	if (result)
		sim_trace_note(s, "kvm: private %s ended %s",
			       r->u.kvm_private.map ? "map" : "unmap", result);
	host_req_free(r);
}

/*
 * Run a private map or unmap through the arch in KVM's own sequence
 * (move_notify has no step to push on).  A map that cannot happen yet
 * (the TDI is not bound) leaves the slot pending: the guest's accept
 * maps it later, as the EPT violations of its accept would.
 */
static void private_async(struct host *h, struct kvm_slot *sl, bool map)
{
	struct host_req *r = host_req_new(h, NULL);
	struct sim_seq *q = iseq_new(h, private_done, r);
	const char *res;

	r->obj = sl;
	r->u.kvm_private.map = map;
	sl->busy = true;
	sl->priv_pending = map;
	if (map)
		res = h->ops->map_private(h->arch, sl->g->vm, sl->dev, sl->bar,
					  sl->gpa, sl->bar_off, sl->size,
					  sl->page_size, q);
	else
		res = h->ops->unmap_private(h->arch, sl->g->vm, sl->gpa,
					    sl->size, true, q);
	if (res) {
		sim_seq_clear(q);
		private_done(h->s, r, res);
		return;
	}
	sim_seq_start(q);
}

static const char *pending_mapped_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct kvm_slot *sl = ctx;

	sl->priv_pending = false;
	return NULL;
}

/*
 * A guest accepting (validating) @dev's MMIO touches every private page
 * it expects; where KVM has not mapped the private side yet (a flavor flip
 * before bind: sequence B), those touches fault and KVM maps the slot
 * through the firmware before the accept goes on (docs/sources.md sequence B:
 * "the next fault maps the correct side").
 */
const char *kvm_map_pending(struct host *h, struct sim_seq *q,
			    struct plat_guest *g, struct pcie_dev *dev)
{
	for (size_t i = 0; i < h->nslots; i++) {
		struct kvm_slot *sl = h->slots[i];
		const char *res;

		if (sl->g != g || sl->dev != dev || !sl->priv ||
		    !sl->priv_pending || sl->busy)
			continue;
		res = h->ops->map_private(h->arch, g->vm, dev, sl->bar, sl->gpa,
					  sl->bar_off, sl->size, sl->page_size,
					  q);
		if (res)
			return res;
		sim_seq_add(q, host_t(h, AT_VMEXIT) + host_t(h, AT_KVM_FAULT_IN),
			    "kvm private fault-in", pending_mapped_fn, sl, 0);
	}
	return NULL;
}

/* ------------------------------------------------------ importer side */

/*
 * move_notify, kvm_zap cycles after the exporter sent it: zap the side
 * the slot maps now, record the buffer's shareability, tell the exporter.
 * A flip to private maps the private side through the firmware at once
 * (the shared side is gone first); a flip to shared faults in later.
 */
static void slot_move_notify(void *ctx, struct dmabuf_attach *att)
{
	struct host *h = ctx;
	struct kvm_slot *sl = slot_of_att(h, att);
	struct dmabuf *buf = dmabuf_attach_buf(att);

	if (!sl || sl->busy)
		return;
	if (sl->priv) {
		private_async(h, sl, false);
		return;
	}
	zap_shared(h, sl);
	sl->priv = dmabuf_is_private(buf);
	dmabuf_unmap(att);
	if (sl->priv && !dmabuf_is_revoked(buf) && h->ops &&
	    !dmabuf_map(att, NULL))
		private_async(h, sl, true);
}

static const struct dmabuf_importer_ops slot_importer = {
	.move_notify = slot_move_notify,
};

/* The stage-2 fault handler: map one page of a shared slot. */
static bool fault_handler(void *ctx, struct plat_guest *g, uint64_t gpa,
			  bool priv, bool write, sim_cycles_t *lat)
{
	struct host *h = ctx;
	struct kvm_slot *sl = slot_at(h, g, gpa, priv);
	struct dmabuf *buf;
	uint64_t page, id;

	/* private MMIO is mapped in the kvm.map step, not on faults */
	if (!sl || sl->priv || sl->busy || !h->ops)
		return false;
	buf = dmabuf_attach_buf(sl->att);
	if (dmabuf_is_private(buf))
		return false;
	if (!dmabuf_attach_is_mapped(sl->att) && dmabuf_map(sl->att, NULL))
		return false;	/* revoked: re-mapping fails */
	page = gpa & ~(sl->page_size - 1);
	memslot_publish(h, sl);
	id = sl->map_id;	/* the entries belong to the memslot's mapping */
	if (h->ops->map_shared(h->arch, g->vm, page,
			       sl->hpa + (page - sl->gpa), sl->page_size,
			       sl->page_size, &id))
		return false;
	mem_map_set_populated(h->mem, sl->map_id, true);
	*lat += host_t(h, AT_VMEXIT) + host_t(h, AT_KVM_FAULT_IN);
	return true;
}

/* ------------------------------------------------------------ kvm.map */

static bool page_size_ok(uint64_t ps)
{
	return ps == IOMMU_PAGE_4K || ps == IOMMU_PAGE_2M || ps == IOMMU_PAGE_1G;
}

static const char *map_checks(struct host *h, const struct host_kvm_map_op *m,
			      struct plat_guest *g, struct dmabuf *buf)
{
	uint64_t gpa = m->gpa, ps = m->page_size, size = dmabuf_size(buf);
	bool one = h->arch && arch_one_s2_entry(h->arch);

	if (!page_size_ok(ps) || (gpa | size) & (ps - 1) || !size)
		return "EINVAL";
	if (m->priv != dmabuf_is_private(buf))
		return "EINVAL";
	if (!h->ops)
		return "EOPNOTSUPP";
	for (size_t i = 0; i < h->nslots; i++) {
		const struct kvm_slot *sl = h->slots[i];

		if (sl->g != g || gpa >= sl->gpa + sl->size ||
		    sl->gpa >= gpa + size)
			continue;
		/* sev: one NPT entry per GPA, shared or private (docs/scenarios.md) */
		if (sl->priv == m->priv || one)
			return "EEXIST";
	}
	return NULL;
}

static const char *eager_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct kvm_slot *sl = r->obj;
	struct host *h = r->h;
	uint64_t id;
	const char *res;

	if (!sl)
		return host_req_done(r, "ENOENT");
	memslot_publish(h, sl);
	id = sl->map_id;
	res = h->ops->map_shared(h->arch, sl->g->vm, sl->gpa, sl->hpa,
				 sl->size, sl->page_size, &id);
	if (!res)
		mem_map_set_populated(h->mem, sl->map_id, true);
	return host_req_done(r, res);
}

static const char *kvm_map_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_kvm_map_op *m = &r->u.kvm_map;
	struct plat_guest *g = plat_guest(h->p, m->guest);
	struct dmabuf *buf = dmabuf_find(h->dc, m->dmabuf);
	struct dmabuf_attach *att;
	struct kvm_slot *sl;
	char importer[HOST_NAME_LEN + 8];
	const char *res;
	int rc;

	if (!g || !buf || g->destroyed)
		return host_req_done(r, "ENOENT");
	res = map_checks(h, m, g, buf);
	if (res)
		return host_req_done(r, res);
	snprintf(importer, sizeof(importer), "kvm.%s", g->name);
	rc = dmabuf_attach(buf, importer, !m->is_static, &slot_importer, h,
			   &att);
	if (rc)
		return host_req_done(r, host_errno_name(rc));
	rc = dmabuf_map(att, NULL);
	if (rc) {
		dmabuf_detach(att);
		return host_req_done(r, host_errno_name(rc));
	}
	dmabuf_attach_set_unmap_lat(att, host_t(h, AT_KVM_ZAP));
	sl = calloc(1, sizeof(*sl));
	TSM_BUG_ON(!sl);
	*sl = (struct kvm_slot){ .g = g, .att = att, .gpa = m->gpa,
				 .size = dmabuf_size(buf), .hpa = dmabuf_hpa(buf),
				 .page_size = m->page_size, .priv = m->priv };
	TSM_BUG_ON(!vfio_buf_source(buf, &sl->dev, &sl->bar, &sl->bar_off));
	h->slots = sim_xrealloc(h->slots, h->nslots + 1, sizeof(*h->slots));
	h->slots[h->nslots++] = sl;
	if (sl->priv) {
		/* the firmware's sub-operations are appended to the step */
		res = h->ops->map_private(h->arch, g->vm, sl->dev, sl->bar,
					  sl->gpa, sl->bar_off, sl->size,
					  sl->page_size, r->q);
		if (res)
			slot_free(h, sl);
		return host_req_done(r, res);
	}
	memslot_publish(h, sl);
	if (m->eager) {
		r->obj = sl;
		sim_seq_next(r->q, host_t(h, AT_KVM_FAULT_IN), "kvm populate",
			     eager_fn, r, 0);
		return NULL;
	}
	return host_req_done(r, NULL);
}

const char *kvm_map(struct host *h, struct sim_seq *q,
		    const struct kvm_map_args *a)
{
	struct host_req *r;
	struct host_kvm_map_op *m;

	if (!a->guest || !a->dmabuf)
		return "EINVAL";
	r = host_req_new(h, q);
	m = &r->u.kvm_map;
	snprintf(m->guest, sizeof(m->guest), "%s", a->guest);
	snprintf(m->dmabuf, sizeof(m->dmabuf), "%s", a->dmabuf);
	m->gpa = a->gpa;
	m->page_size = a->page_size ? a->page_size : IOMMU_PAGE_4K;
	m->priv = a->priv;
	m->eager = a->eager;
	m->is_static = a->is_static;
	sim_seq_add(q, host_t(h, AT_IOCTL), "kvm.map", kvm_map_fn, r, 0);
	return NULL;
}

/* ----------------------------------------------------------- kvm.unmap */

/*
 * One slot's removal, after the zap + TLB shootdown (shared) or the arch's
 * private unmap: the slot goes, and its dma-buf attachment with it.
 */
static const char *slot_delete_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct kvm_slot *sl = r->obj;

	if (!sl)
		return host_req_done(r, "ENOENT");
	if (!sl->priv)
		zap_shared(r->h, sl);
	slot_free(r->h, sl);
	return host_req_done(r, NULL);
}

/* Push the removal of @sl onto @q: NULL, or the arch's error at once. */
static const char *slot_remove_push(struct host *h, struct sim_seq *q,
				    struct kvm_slot *sl)
{
	struct host_req *c = host_req_new(h, q);
	const char *res;

	c->obj = sl;
	if (!sl->priv) {
		/* zap + TLB shootdown: the entries live until it is done */
		sim_seq_add(q, host_t(h, AT_KVM_ZAP), "kvm zap", slot_delete_fn,
			    c, 0);
		return NULL;
	}
	/* a userspace unmap: the firmware may refuse it (no host error path) */
	res = h->ops->unmap_private(h->arch, sl->g->vm, sl->gpa, sl->size,
				    false, q);
	if (res) {
		host_req_free(c);
		return res;
	}
	sim_seq_add(q, 0, "kvm slot delete", slot_delete_fn, c, 0);
	return NULL;
}

/* Does @sl match @u's selectors (its GPA, its buffer, its view)? */
static bool slot_at_gpa(const struct kvm_slot *sl,
			const struct host_kvm_unmap_op *u)
{
	return sl->gpa == u->gpa && (!u->has_priv || sl->priv == u->priv);
}

static bool slot_of_buf(const struct kvm_slot *sl,
			const struct host_kvm_unmap_op *u)
{
	return sl->att && !strcmp(dmabuf_name(dmabuf_attach_buf(sl->att)),
				  u->dmabuf) &&
	       (!u->has_priv || sl->priv == u->priv);
}

/*
 * docs/scenarios.md: `gpa` names the slot(s) starting there, `dmabuf`
 * every slot of that buffer in the guest; with both, only the slots both
 * name go, and if they name none in common while either names one, the
 * request is EINVAL; nothing named at all is ENOENT.  `private` (optional)
 * keeps only the slots of that view (tdx / cca may hold a private and a
 * shared slot at one GPA).
 */
static const char *kvm_unmap_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_kvm_unmap_op *u = &r->u.kvm_unmap;
	struct plat_guest *g = plat_guest(h->p, u->guest);
	struct kvm_slot **pick;
	size_t n = 0, at_gpa = 0, of_buf = 0;
	bool by_gpa = u->has_gpa, by_buf = u->dmabuf[0];
	const char *res = NULL;

	if (!g)
		return host_req_done(r, "ENOENT");
	pick = sim_xrealloc(NULL, h->nslots + 1, sizeof(*pick));
	for (size_t i = 0; i < h->nslots; i++) {
		struct kvm_slot *sl = h->slots[i];
		bool a, b;

		if (sl->g != g)
			continue;
		a = by_gpa && slot_at_gpa(sl, u);
		b = by_buf && slot_of_buf(sl, u);
		at_gpa += a;
		of_buf += b;
		if ((a || !by_gpa) && (b || !by_buf))
			pick[n++] = sl;
	}
	if (!n)
		res = at_gpa || of_buf ? "EINVAL" : "ENOENT";
	for (size_t i = 0; i < n && !res; i++)
		res = slot_remove_push(h, r->q, pick[i]);
	free(pick);
	return host_req_done(r, res);
}

const char *kvm_unmap(struct host *h, struct sim_seq *q,
		      const struct kvm_unmap_args *a)
{
	struct host_req *r;
	struct host_kvm_unmap_op *u;

	if (!a->guest || (!a->has_gpa && !a->dmabuf))
		return "EINVAL";
	r = host_req_new(h, q);
	u = &r->u.kvm_unmap;
	snprintf(u->guest, sizeof(u->guest), "%s", a->guest);
	host_name_set(u->dmabuf, a->dmabuf);
	u->gpa = a->gpa;
	u->has_gpa = a->has_gpa;
	u->has_priv = a->has_priv;
	u->priv = a->priv;
	sim_seq_add(q, host_t(h, AT_IOCTL), "kvm.unmap", kvm_unmap_fn, r, 0);
	return NULL;
}

size_t kvm_slot_count(const struct host *h, const char *guest)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nslots; i++)
		n += !strcmp(h->slots[i]->g->name, guest);
	return n;
}

bool kvm_has_private(const struct host *h, const struct pcie_dev *dev)
{
	for (size_t i = 0; i < h->nslots; i++)
		if (h->slots[i]->dev == dev && h->slots[i]->priv)
			return true;
	return false;
}

/* vm.destroy: the memslots go; private mappings go with the arch's VM. */
void kvm_drop_guest(struct host *h, struct plat_guest *g)
{
	for (size_t i = h->nslots; i-- > 0;) {
		struct kvm_slot *sl = h->slots[i];

		if (sl->g != g)
			continue;
		if (!sl->priv)
			zap_shared(h, sl);
		slot_free(h, sl);
	}
}

void kvm_fini(struct host *h)
{
	while (h->nslots)
		slot_free(h, h->slots[0]);
	free(h->slots);
	h->slots = NULL;
	for (size_t i = 0; i < h->niseqs; i++)
		sim_seq_destroy(h->iseqs[i]);
	free(h->iseqs);
	h->iseqs = NULL;
	h->niseqs = 0;
}
