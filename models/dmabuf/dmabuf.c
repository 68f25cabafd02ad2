// SPDX-License-Identifier: MIT
/*
 * dmabuf.c - the dma-buf core (see dmabuf.h for the rules and sources).
 *
 * Invariants:
 *  - a buffer lives while it is not closed or has an attachment;
 *  - @pending is set from a revoke / move until the last mapped
 *    attachment unmaps (or the timeout fires); at most one sequence waits;
 *  - an attachment has a notify event pending only while it is mapped and
 *    a move is pending.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmabuf.h"

#define DMABUF_NAME_LEN	64

struct dm_fault {
	char importer[DMABUF_NAME_LEN];
	bool ignore;
	sim_cycles_t delay;
};

struct dmabuf_core {
	struct sim *s;
	sim_cycles_t importer_unmap;
	sim_cycles_t revoke_timeout;
	struct dmabuf **bufs;
	size_t nbufs;
	struct dm_fault *faults;
	size_t nfaults;
};

struct dmabuf {
	struct dmabuf_core *c;
	char name[DMABUF_NAME_LEN];
	uint64_t hpa, size;
	bool mmio, priv, revoked, closed;
	const struct dmabuf_exporter_ops *ops;
	void *ctx;
	struct dmabuf_attach **atts;
	size_t natts;
	bool pending;
	struct sim_seq *waiter;
	uint64_t timeout_ev;
};

struct dmabuf_attach {
	struct dmabuf *buf;
	char importer[DMABUF_NAME_LEN];
	bool dynamic, mapped;
	const struct dmabuf_importer_ops *ops;
	void *ctx;
	sim_cycles_t unmap_lat;
	uint64_t notify_ev;
};

static void emit_id(struct dmabuf *buf, const char *event,
		    const char *importer, uint64_t map_id)
{
	struct sim_rec rec = { .type = SIM_REC_DMABUF };
	struct sim *s = buf->c->s;

	if (!sim_trace_wanted(s, SIM_REC_DMABUF))
		return;
	rec.u.dmabuf.name = buf->name;
	rec.u.dmabuf.event = event;
	rec.u.dmabuf.importer = importer;
	rec.u.dmabuf.map_id = map_id;
	sim_trace_emit(s, &rec);
}

static void emit(struct dmabuf *buf, const char *event, const char *importer)
{
	emit_id(buf, event, importer, 0);
}

struct dmabuf_core *dmabuf_core_create(struct sim *s,
				       sim_cycles_t importer_unmap,
				       sim_cycles_t revoke_timeout)
{
	struct dmabuf_core *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->importer_unmap = importer_unmap;
	c->revoke_timeout = revoke_timeout;
	return c;
}

void dmabuf_core_set_timing(struct dmabuf_core *c, sim_cycles_t importer_unmap,
			    sim_cycles_t revoke_timeout)
{
	c->importer_unmap = importer_unmap;
	c->revoke_timeout = revoke_timeout;
}

static void buf_free(struct dmabuf *buf)
{
	struct dmabuf_core *c = buf->c;

	for (size_t i = 0; i < c->nbufs; i++)
		if (c->bufs[i] == buf) {
			c->bufs[i] = c->bufs[--c->nbufs];
			break;
		}
	if (buf->timeout_ev)
		sim_event_cancel(c->s, buf->timeout_ev);
	free(buf->atts);
	free(buf);
}

void dmabuf_core_destroy(struct dmabuf_core *c)
{
	if (!c)
		return;
	while (c->nbufs) {
		struct dmabuf *buf = c->bufs[0];

		for (size_t i = 0; i < buf->natts; i++) {
			if (buf->atts[i]->notify_ev)
				sim_event_cancel(c->s, buf->atts[i]->notify_ev);
			free(buf->atts[i]);
		}
		buf->natts = 0;
		buf_free(buf);
	}
	free(c->bufs);
	free(c->faults);
	free(c);
}

int dmabuf_export(struct dmabuf_core *c, const struct dmabuf_export_info *info,
		  struct dmabuf **out)
{
	struct dmabuf *buf;

	if (!info->name || !info->name[0] || !info->size ||
	    strlen(info->name) >= DMABUF_NAME_LEN)
		return -EINVAL;
	if (dmabuf_find(c, info->name))
		return -EEXIST;
	buf = calloc(1, sizeof(*buf));
	TSM_BUG_ON(!buf);
	buf->c = c;
	snprintf(buf->name, sizeof(buf->name), "%s", info->name);
	buf->hpa = info->hpa;
	buf->size = info->size;
	buf->mmio = info->mmio;
	buf->priv = info->priv;
	buf->revoked = info->revoked;
	buf->ops = info->ops;
	buf->ctx = info->ctx;
	c->bufs = sim_xrealloc(c->bufs, c->nbufs + 1, sizeof(*c->bufs));
	c->bufs[c->nbufs++] = buf;
	emit(buf, "export", NULL);
	if (out)
		*out = buf;
	return 0;
}

struct dmabuf *dmabuf_find(const struct dmabuf_core *c, const char *name)
{
	for (size_t i = 0; i < c->nbufs; i++)
		if (!c->bufs[i]->closed && !strcmp(c->bufs[i]->name, name))
			return c->bufs[i];
	return NULL;
}

const char *dmabuf_name(const struct dmabuf *buf) { return buf->name; }
uint64_t dmabuf_hpa(const struct dmabuf *buf) { return buf->hpa; }
uint64_t dmabuf_size(const struct dmabuf *buf) { return buf->size; }
bool dmabuf_is_revoked(const struct dmabuf *buf) { return buf->revoked; }
bool dmabuf_is_private(const struct dmabuf *buf) { return buf->priv; }
bool dmabuf_is_closed(const struct dmabuf *buf) { return buf->closed; }
void *dmabuf_exporter_ctx(const struct dmabuf *buf) { return buf->ctx; }
size_t dmabuf_attach_count(const struct dmabuf *buf) { return buf->natts; }
bool dmabuf_move_pending(const struct dmabuf *buf) { return buf->pending; }

size_t dmabuf_mapped_count(const struct dmabuf *buf)
{
	size_t n = 0;

	for (size_t i = 0; i < buf->natts; i++)
		n += buf->atts[i]->mapped;
	return n;
}

/* ------------------------------------------------------------ importers */

static const struct dm_fault *fault_of(const struct dmabuf_core *c,
				       const char *importer)
{
	for (size_t i = 0; i < c->nfaults; i++) {
		size_t n = strlen(c->faults[i].importer);

		if (!strncmp(importer, c->faults[i].importer, n) &&
		    (importer[n] == '\0' || importer[n] == '.'))
			return &c->faults[i];
	}
	return NULL;
}

int dmabuf_attach(struct dmabuf *buf, const char *importer, bool dynamic,
		  const struct dmabuf_importer_ops *ops, void *ctx,
		  struct dmabuf_attach **out)
{
	struct dmabuf_attach *att;

	if (buf->closed || (dynamic && (!ops || !ops->move_notify)))
		return -EINVAL;
	/* a static importer pins; vfio_pci_dma_buf_pin() refuses */
	if (!dynamic && buf->mmio)
		return -EOPNOTSUPP;
	if (buf->revoked)
		return -ENODEV;
	att = calloc(1, sizeof(*att));
	TSM_BUG_ON(!att);
	att->buf = buf;
	snprintf(att->importer, sizeof(att->importer), "%s",
		 importer ? importer : "?");
	att->dynamic = dynamic;
	att->ops = ops;
	att->ctx = ctx;
	att->unmap_lat = buf->c->importer_unmap;
	buf->atts = sim_xrealloc(buf->atts, buf->natts + 1, sizeof(*buf->atts));
	buf->atts[buf->natts++] = att;
	*out = att;
	return 0;
}

static void maybe_free(struct dmabuf *buf)
{
	if (!buf->closed || buf->natts)
		return;
	if (buf->ops && buf->ops->release)
		buf->ops->release(buf->ctx, buf);
	buf_free(buf);
}

void dmabuf_detach(struct dmabuf_attach *att)
{
	struct dmabuf *buf = att->buf;

	dmabuf_unmap(att);
	if (att->notify_ev)
		sim_event_cancel(buf->c->s, att->notify_ev);
	for (size_t i = 0; i < buf->natts; i++)
		if (buf->atts[i] == att) {
			buf->atts[i] = buf->atts[--buf->natts];
			break;
		}
	free(att);
	maybe_free(buf);
}

int dmabuf_map(struct dmabuf_attach *att, uint64_t *hpa)
{
	if (att->buf->revoked)
		return -ENODEV;
	if (att->mapped)
		return -EBUSY;
	att->mapped = true;
	if (hpa)
		*hpa = att->buf->hpa;
	return 0;
}

static void move_done(struct dmabuf *buf, bool timed_out)
{
	struct sim_seq *q = buf->waiter;

	buf->pending = false;
	buf->waiter = NULL;
	if (buf->timeout_ev) {
		sim_event_cancel(buf->c->s, buf->timeout_ev);
		buf->timeout_ev = 0;
	}
	if (buf->ops && buf->ops->moved)
		buf->ops->moved(buf->ctx, buf, timed_out);
	if (q)
		sim_seq_resume(q, timed_out ? "ETIMEDOUT" : NULL);
}

void dmabuf_unmap(struct dmabuf_attach *att)
{
	struct dmabuf *buf = att->buf;

	if (!att->mapped)
		return;
	att->mapped = false;
	if (att->notify_ev) {
		sim_event_cancel(buf->c->s, att->notify_ev);
		att->notify_ev = 0;
	}
	emit(buf, "unmapped", att->importer);
	if (buf->pending && !dmabuf_mapped_count(buf))
		move_done(buf, false);
}

void dmabuf_attach_set_unmap_lat(struct dmabuf_attach *att, sim_cycles_t lat)
{
	att->unmap_lat = lat;
}

struct dmabuf *dmabuf_attach_buf(const struct dmabuf_attach *att) { return att->buf; }
const char *dmabuf_attach_importer(const struct dmabuf_attach *att) { return att->importer; }
bool dmabuf_attach_is_mapped(const struct dmabuf_attach *att) { return att->mapped; }
void *dmabuf_attach_ctx(const struct dmabuf_attach *att) { return att->ctx; }

/* ------------------------------------------------------------- exporter */

static void notify_fire(struct sim *s, void *subject, void *object)
{
	struct dmabuf_attach *att = subject;

	att->notify_ev = 0;
	if (att->mapped)
		att->ops->move_notify(att->ctx, att);
}

static void timeout_fire(struct sim *s, void *subject, void *object)
{
	struct dmabuf *buf = subject;

	buf->timeout_ev = 0;
	sim_trace_note(s, "dma-buf %s: revoke timed out with %zu importer(s) still mapped",
		       buf->name, dmabuf_mapped_count(buf));
	move_done(buf, true);
}

/* Send move_notify to every mapped importer; returns how many were mapped. */
static size_t notify_all(struct dmabuf *buf)
{
	struct dmabuf_core *c = buf->c;
	size_t n = 0;

	for (size_t i = 0; i < buf->natts; i++) {
		struct dmabuf_attach *att = buf->atts[i];
		const struct dm_fault *f = fault_of(c, att->importer);
		sim_cycles_t at;

		if (!att->mapped)
			continue;
		n++;
		emit(buf, "move_notify", att->importer);
		if (!att->dynamic || (f && f->ignore) || att->notify_ev)
			continue;
		at = sim_cycles_add(sim_cycles_add(sim_now(c->s), att->unmap_lat),
				    f ? f->delay : 0);
		att->notify_ev = sim_event_schedule(c->s, at, SIM_PRIO_STATE,
						    notify_fire, att, NULL);
	}
	return n;
}

static const char *start_move(struct dmabuf *buf, struct sim_seq *q)
{
	struct dmabuf_core *c = buf->c;

	if (!notify_all(buf)) {
		if (buf->ops && buf->ops->moved)
			buf->ops->moved(buf->ctx, buf, false);
		return NULL;
	}
	buf->pending = true;
	if (!q || buf->waiter)
		return NULL;
	buf->waiter = q;
	if (c->revoke_timeout && !buf->timeout_ev)
		buf->timeout_ev = sim_event_schedule(c->s,
				sim_cycles_add(sim_now(c->s), c->revoke_timeout),
				SIM_PRIO_COMPLETE, timeout_fire, buf, NULL);
	return SIM_SEQ_WAIT;
}

const char *dmabuf_revoke_now(struct dmabuf *buf, struct sim_seq *q)
{
	if (buf->revoked) {
		if (buf->pending && q && !buf->waiter) {
			buf->waiter = q;
			return SIM_SEQ_WAIT;
		}
		return NULL;
	}
	buf->revoked = true;
	emit(buf, "revoke", NULL);
	return start_move(buf, q);
}

const char *dmabuf_unrevoke_now(struct dmabuf *buf)
{
	if (!buf->revoked)
		return NULL;
	if (buf->pending)
		return "EBUSY";
	buf->revoked = false;
	emit(buf, "unrevoke", NULL);
	return NULL;
}

const char *dmabuf_set_private_now(struct dmabuf *buf, bool priv,
				   struct sim_seq *q)
{
	if (buf->revoked)
		return "ENODEV";
	if (buf->priv == priv)
		return NULL;
	if (buf->pending)
		return "EBUSY";
	buf->priv = priv;
	emit(buf, priv ? "flavor private" : "flavor shared", NULL);
	return start_move(buf, q);
}

void dmabuf_close(struct dmabuf *buf)
{
	if (buf->closed)
		return;
	buf->closed = true;
	emit(buf, "close", NULL);
	maybe_free(buf);
}

/* ------------------------------------------------------- fault hooks */

static struct dm_fault *fault_slot(struct dmabuf_core *c, const char *importer)
{
	char want[DMABUF_NAME_LEN];

	snprintf(want, sizeof(want), "%s", importer);
	for (char *p = want; *p; p++)
		if (*p == ':')
			*p = '.';
	for (size_t i = 0; i < c->nfaults; i++)
		if (!strcmp(c->faults[i].importer, want))
			return &c->faults[i];
	c->faults = sim_xrealloc(c->faults, c->nfaults + 1, sizeof(*c->faults));
	memset(&c->faults[c->nfaults], 0, sizeof(*c->faults));
	snprintf(c->faults[c->nfaults].importer, DMABUF_NAME_LEN, "%s", importer);
	/* the contract spells importers kvm:GUEST, iommufd:IOAS; ours "kvm.td0" */
	for (char *p = c->faults[c->nfaults].importer; *p; p++)
		if (*p == ':')
			*p = '.';
	return &c->faults[c->nfaults++];
}

void dmabuf_attach_published(struct dmabuf_attach *att, uint64_t map_id)
{
	/* the checkers link the mapping to the buffer (use-after-revoke) */
	if (map_id)
		emit_id(att->buf, "map", att->importer, map_id);
}

void dmabuf_fault_ignore_revoke(struct dmabuf_core *c, const char *importer)
{
	fault_slot(c, importer)->ignore = true;
}

void dmabuf_fault_slow_unmap(struct dmabuf_core *c, const char *importer,
			     sim_cycles_t delay)
{
	struct dm_fault *f = fault_slot(c, importer);

	f->delay = sim_cycles_add(f->delay, delay);
}
