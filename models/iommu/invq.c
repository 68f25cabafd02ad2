// SPDX-License-Identifier: MIT
/*
 * invq.c - the invalidation queue.
 *
 * Descriptors retire in queue order (VT-d invalidation queue, SMMU CMDQ
 * with CMD_SYNC), each timing.inval cycles after it was queued but never
 * before the one ahead of it.  Until a descriptor completes the IOTLB
 * entries it names stay usable: that window is where stale translations
 * happen (docs/architecture.md "Stale translations are
 * real"; docs/sources.md H3).
 *
 * Each descriptor owns one engine event at SIM_PRIO_COMPLETE.  Because
 * retire cycles never decrease and the engine breaks ties by scheduling
 * order, events fire in queue order and the event always retires the ring
 * head.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"

const char *iommu_inval_phase_name(enum iommu_inval_phase p)
{
	static const char *const names[IOMMU_INVAL_NR] = {
		[IOMMU_INVAL_QUEUED] = "queued",
		[IOMMU_INVAL_DONE] = "done",
		[IOMMU_INVAL_DROPPED] = "dropped",
	};

	return (unsigned int)p < IOMMU_INVAL_NR ? names[p] : "?";
}

static void invq_trace(struct iommu *io, const struct iommu_inval_desc *d,
		       enum iommu_inval_phase phase)
{
	struct sim_rec rec = { .type = SIM_REC_INVAL };

	if (!sim_trace_wanted(io->sim, SIM_REC_INVAL))
		return;
	rec.u.inval.table = d->dom->name;
	rec.u.inval.addr = d->all ? 0 : d->iova;
	rec.u.inval.size = d->all ? UINT64_MAX : d->size;
	rec.u.inval.phase = phase == IOMMU_INVAL_QUEUED ? SIM_INVAL_QUEUED :
			    phase == IOMMU_INVAL_DONE ? SIM_INVAL_DONE :
			    SIM_INVAL_DROPPED;
	sim_trace_emit(io->sim, &rec);
}

static struct iommu_inval_desc *invq_at(const struct iommu_invq *q, size_t i)
{
	return &q->ring[(q->head + i) % q->cap];
}

static int invq_grow(struct iommu_invq *q)
{
	size_t cap = q->cap ? 2 * q->cap : 16;
	struct iommu_inval_desc *r = malloc(cap * sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < q->count; i++)
		r[i] = *invq_at(q, i);
	free(q->ring);
	q->ring = r;
	q->cap = cap;
	q->head = 0;
	return 0;
}

static void invq_retire(struct sim *s, void *subject, void *object)
{
	struct iommu *io = subject;
	struct iommu_invq *q = &io->invq;
	struct iommu_inval_desc d;
	enum iommu_inval_phase phase;

	TSM_BUG_ON(!q->count);
	d = q->ring[q->head];
	TSM_BUG_ON(d.retire_at != sim_now(s));
	q->head = (q->head + 1) % q->cap;
	q->count--;
	if (d.dropped) {
		phase = IOMMU_INVAL_DROPPED;
		(*io->st.inval_dropped)++;
	} else {
		phase = IOMMU_INVAL_DONE;
		(*io->st.inval_done)++;
		if (!d.dom->dead)
			iommu_tlb_purge(&io->tlb, d.dom->id,
					d.all ? 0 : d.iova,
					d.all ? UINT64_MAX : d.iova + d.size - 1);
	}
	invq_trace(io, &d, phase);
	if (!--d.dom->inval_refs && d.dom->dead)
		iommu_domain_release(d.dom);
	if (d.fn)
		d.fn(d.ctx, d.id, phase);
}

static int invq_push(struct iommu_domain *dom, uint64_t iova, uint64_t size,
		     bool all, iommu_inval_fn *fn, void *ctx, uint64_t *id)
{
	struct iommu *io = dom->io;
	struct iommu_invq *q = &io->invq;
	sim_cycles_t at = sim_cycles_add(sim_now(io->sim), io->cfg.timing.inval);
	struct iommu_inval_desc *d;

	if (q->count == q->cap && invq_grow(q))
		return -ENOMEM;
	if (q->delay_n) {
		q->delay_n--;
		at = sim_cycles_add(at, q->delay_extra);
	}
	if (at < q->last_retire)
		at = q->last_retire;	/* in order: never before the previous */
	q->last_retire = at;
	d = invq_at(q, q->count);
	*d = (struct iommu_inval_desc){
		.id = ++q->next_id, .dom = dom, .iova = iova, .size = size,
		.all = all, .retire_at = at, .fn = fn, .ctx = ctx,
	};
	if (q->drop_n) {
		q->drop_n--;
		d->dropped = true;
	}
	d->ev = sim_event_schedule(io->sim, at, SIM_PRIO_COMPLETE, invq_retire,
				   io, NULL);
	q->count++;
	dom->inval_refs++;
	(*io->st.inval_queued)++;
	invq_trace(io, d, IOMMU_INVAL_QUEUED);
	if (id)
		*id = d->id;
	return 0;
}

int iommu_inval_range(struct iommu_domain *dom, uint64_t iova, uint64_t size,
		      iommu_inval_fn *fn, void *ctx, uint64_t *id)
{
	if (!size || iova + size - 1 < iova)
		return -EINVAL;
	return invq_push(dom, iova, size, false, fn, ctx, id);
}

int iommu_inval_domain(struct iommu_domain *dom, iommu_inval_fn *fn,
		       void *ctx, uint64_t *id)
{
	return invq_push(dom, 0, 0, true, fn, ctx, id);
}

size_t iommu_inval_pending(const struct iommu *io)
{
	return io->invq.count;
}

int iommu_inval_retire_cycle(const struct iommu *io, uint64_t id,
			     sim_cycles_t *at)
{
	const struct iommu_invq *q = &io->invq;

	for (size_t i = 0; i < q->count; i++) {
		const struct iommu_inval_desc *d = invq_at(q, i);

		if (d->id == id) {
			*at = d->retire_at;
			return 0;
		}
	}
	return -ENOENT;
}

void iommu_inject_drop_inval(struct iommu *io, unsigned int n)
{
	io->invq.drop_n += n;
}

void iommu_inject_delay_inval(struct iommu *io, unsigned int n,
			      sim_cycles_t extra)
{
	io->invq.delay_n = n;
	io->invq.delay_extra = extra;
}

/* Cancel what is still queued; the domains go with the IOMMU. */
void iommu_invq_fini(struct iommu *io)
{
	struct iommu_invq *q = &io->invq;

	for (size_t i = 0; i < q->count; i++) {
		struct iommu_inval_desc *d = invq_at(q, i);

		sim_event_cancel(io->sim, d->ev);
		d->dom->inval_refs--;
	}
	free(q->ring);
	memset(q, 0, sizeof(*q));
}
