// SPDX-License-Identifier: MIT
/*
 * host.c - the host stack object, pending step requests, and the helpers
 * vfio.c, iommufd.c, iommufd_obj.c, kvm.c and tsm.c share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct host *host_create(struct platform *p)
{
	struct host *h = calloc(1, sizeof(*h));
	sim_cycles_t one_s;

	if (!h)
		return NULL;
	h->p = p;
	h->s = plat_sim(p);
	h->mem = plat_mem(p);
	h->io = plat_iommu(p);
	h->fab = plat_fabric(p);
	h->ops = plat_arch_ops(p);
	h->arch = plat_arch(p);
	/* the disputed 1 s revoke timeout: the DOE timeout is 1 s too */
	one_s = plat_t(p, AT_DOE_TIMEOUT);
	h->dc = dmabuf_core_create(h->s, plat_t(p, AT_IMPORTER_UNMAP), one_s);
	if (!h->dc) {
		free(h);
		return NULL;
	}
	kvm_init(h);
	return h;
}

void host_destroy(struct host *h)
{
	if (!h)
		return;
	tsm_fini(h);
	kvm_fini(h);
	iommufd_fini(h);
	vfio_fini(h);
	while (h->reqs)
		host_req_free(h->reqs);
	dmabuf_core_destroy(h->dc);
	free(h);
}

struct dmabuf_core *host_dmabuf_core(struct host *h)
{
	return h->dc;
}

void host_set_revoke_timeout(struct host *h, sim_cycles_t cycles)
{
	dmabuf_core_set_timing(h->dc, plat_t(h->p, AT_IMPORTER_UNMAP), cycles);
}

sim_cycles_t host_t(const struct host *h, enum arch_timing t)
{
	return plat_t(h->p, t);
}

struct host_req *host_req_new(struct host *h, struct sim_seq *q)
{
	struct host_req *r = calloc(1, sizeof(*r));

	TSM_BUG_ON(!r);
	r->h = h;
	r->q = q;
	r->next = h->reqs;
	if (h->reqs)
		h->reqs->prev = r;
	h->reqs = r;
	return r;
}

void host_req_free(struct host_req *r)
{
	/* children must not point at a freed parent */
	for (struct host_req *c = r->h->reqs; c; c = c->next)
		if (c->parent == r)
			c->parent = NULL;
	if (r->prev)
		r->prev->next = r->next;
	else
		r->h->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	free(r->owned);
	free(r);
}

void host_name_set(char *dst, const char *name)
{
	snprintf(dst, HOST_NAME_LEN, "%s", name ? name : "");
}

void host_req_forget(struct host *h, const void *obj)
{
	for (struct host_req *r = h->reqs; r; r = r->next) {
		if (r->obj == obj)
			r->obj = NULL;
		if (r->att == obj)
			r->att = NULL;
		if (r->parent == obj)
			r->parent = NULL;
	}
}

const char *host_req_done(struct host_req *r, const char *res)
{
	if (res != SIM_SEQ_WAIT)
		host_req_free(r);
	return res;
}

const char *host_errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:			return NULL;
	case EINVAL:		return "EINVAL";
	case EEXIST:		return "EEXIST";
	case ENOENT:		return "ENOENT";
	case EBUSY:		return "EBUSY";
	case EPERM:		return "EPERM";
	case ENODEV:		return "ENODEV";
	case EADDRINUSE:	return "EADDRINUSE";
	case EOPNOTSUPP:	return "EOPNOTSUPP";
	case EFAULT:		return "EFAULT";
	case ETIMEDOUT:		return "ETIMEDOUT";
	case ENOSPC:		return "ENOSPC";
	default:		return "EIO";
	}
}

static void req_att(struct host_req *r)
{
	struct dmabuf_attach *att = r->att;

	r->att = NULL;
	if (!att)
		return;
	if (r->att_detach)
		dmabuf_detach(att);
	else
		dmabuf_unmap(att);
}

static void req_finish(struct host_req *r)
{
	struct sim_seq *q = r->q;
	struct host_req *parent = r->parent;
	const char *res = r->result;

	req_att(r);
	host_req_free(r);
	if (parent) {
		TSM_BUG_ON(!parent->pending);
		if (--parent->pending == 0 && parent->waiting)
			req_finish(parent);
	}
	if (q)
		sim_seq_resume(q, res);
}

struct host_req *host_req_child(struct host_req *parent)
{
	struct host_req *c = host_req_new(parent->h, NULL);

	c->parent = parent;
	parent->pending++;
	return c;
}

void host_req_child_seal(struct host_req *child)
{
	if (child->pending)
		child->waiting = true;
	else
		req_finish(child);
}

static void inval_done(void *ctx, uint64_t id, enum iommu_inval_phase phase)
{
	struct host_req *r = ctx;

	TSM_BUG_ON(!r->pending);
	if (--r->pending == 0 && r->waiting)
		req_finish(r);
}

void host_req_inval(struct host_req *r, struct iommu_domain *dom,
		    uint64_t iova, uint64_t size, bool all)
{
	int rc;

	if (all)
		rc = iommu_inval_domain(dom, inval_done, r, NULL);
	else
		rc = iommu_inval_range(dom, iova, size, inval_done, r, NULL);
	TSM_BUG_ON(rc);
	r->pending++;
}

const char *host_req_wait_inval(struct host_req *r, const char *res)
{
	r->result = res;
	if (r->pending) {
		r->waiting = true;
		return SIM_SEQ_WAIT;
	}
	req_att(r);
	return res;
}
