// SPDX-License-Identifier: MIT
/*
 * trace.c - the typed trace bus.  A record nobody subscribed to costs the
 * publisher one sim_trace_wanted() branch; a delivered record goes to each
 * subscriber whose mask has its type, in subscription order, through a
 * list kept per type (so the checkers of other types cost it nothing).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers_internal.h"
#include "sim_internal.h"

static const char *const rec_names[SIM_REC_NR] = {
	[SIM_REC_STEP_BEGIN] = "step-begin",
	[SIM_REC_STEP_END] = "step-end",
	[SIM_REC_MAP] = "map",
	[SIM_REC_UNMAP] = "unmap",
	[SIM_REC_TDI_STATE] = "tdi-state",
	[SIM_REC_OWNER] = "owner",
	[SIM_REC_ACCESS] = "access",
	[SIM_REC_TDISP] = "tdisp",
	[SIM_REC_INVAL] = "inval",
	[SIM_REC_DMABUF] = "dmabuf",
	[SIM_REC_FIRMWARE] = "firmware",
	[SIM_REC_TEARDOWN] = "teardown",
	[SIM_REC_NOTE] = "note",
};

const char *sim_rec_type_name(enum sim_rec_type t)
{
	return t < SIM_REC_NR ? rec_names[t] : "?";
}

static const char *const map_kind_names[SIM_MAP_NR] = {
	[SIM_MAP_HOST_MMAP] = "host mmap",
	[SIM_MAP_KERNEL] = "kernel ioremap",
	[SIM_MAP_S2_SHARED] = "shared stage-2",
	[SIM_MAP_S2_PRIVATE] = "private stage-2",
	[SIM_MAP_IOMMU] = "iommufd mapping",
	[SIM_MAP_IOMMU_TRUSTED] = "trusted IOMMU mapping",
};

const char *sim_map_kind_name(enum sim_map_kind k)
{
	return k < SIM_MAP_NR ? map_kind_names[k] : "?";
}

static const char *const initiator_names[SIM_INIT_NR] = {
	[SIM_INIT_GUEST] = "guest",
	[SIM_INIT_HOST] = "host",
	[SIM_INIT_DEVICE] = "device",
};

const char *sim_initiator_name(enum sim_initiator i)
{
	return i < SIM_INIT_NR ? initiator_names[i] : "?";
}

static const char *const result_names[SIM_RES_NR] = {
	[SIM_RES_OK] = "ok",
	[SIM_RES_RETRIED] = "retried",
	[SIM_RES_FAULT] = "fault",
	[SIM_RES_UR] = "ur",
	[SIM_RES_MCE] = "mce",
	[SIM_RES_HOST_FAULT] = "host-fault",
	[SIM_RES_STUCK] = "stuck",
};

const char *sim_result_name(enum sim_result r)
{
	return r < SIM_RES_NR ? result_names[r] : "?";
}

int sim_result_parse(const char *name)
{
	for (int i = 0; i < SIM_RES_NR; i++)
		if (!strcmp(name, result_names[i]))
			return i;
	return -1;
}

const struct sim_trace_mask_view *sim_trace_mask(const struct sim *s)
{
	return &s->tmask;
}

/*
 * The access judge may answer for a record it has not seen only while it
 * is the one subscriber of ACCESS: a second one (a sink, a checker)
 * needs every record, so the answer goes as soon as it subscribes.
 */
static void verdict_update(struct sim *s)
{
	const struct sim_subs *l = &s->subs[SIM_REC_ACCESS];

	s->tmask.judge = l->n == 1 && l->v->on_rec == chk_access_on_rec ?
			 (struct sim_judge *)l->v->ctx : NULL;
}

/* Append @sub to the list of every type in @mask, keeping subscription order. */
static void subs_add(struct sim *s, unsigned int mask, const struct sim_sub *sub)
{
	for (unsigned int t = 0; t < SIM_REC_NR; t++) {
		struct sim_subs *l = &s->subs[t];

		if (!(mask & SIM_REC_BIT(t)))
			continue;
		l->v = sim_xrealloc(l->v, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = *sub;
	}
	s->tmask.mask |= mask;
	verdict_update(s);
}

int sim_trace_subscribe(struct sim *s, unsigned int mask, sim_trace_fn *fn,
			void *ctx)
{
	struct sim_sub sub = { .fn = fn, .ctx = ctx };

	subs_add(s, mask, &sub);
	return 0;
}

static void deliver(struct sim *s, const struct sim_sub *d,
		    const struct sim_rec *rec)
{
	if (d->on_rec)
		d->on_rec(s, d->ctx, rec);
	else
		d->fn(d->ctx, rec);
}

static __attribute__((noinline)) void
deliver_all(struct sim *s, const struct sim_subs *l, const struct sim_rec *rec)
{
	size_t n = l->n;	/* one subscribed now waits for the next record */

	/* by index: a subscriber may subscribe another (the list may move) */
	for (size_t i = 0; i < n; i++)
		deliver(s, &l->v[i], rec);
}

void sim_trace_emit(struct sim *s, struct sim_rec *rec)
{
	const struct sim_subs *l;

	TSM_BUG_ON((unsigned int)rec->type >= SIM_REC_NR);
	l = &s->subs[rec->type];
	rec->cycle = s->now;
	rec->step = s->step;
	/* one subscriber (the checkers' access judge alone): a tail call */
	if (l->n == 1)
		deliver(s, l->v, rec);
	else
		deliver_all(s, l, rec);
}

void sim_trace_note(struct sim *s, const char *fmt, ...)
{
	char buf[256];
	struct sim_rec rec = { .type = SIM_REC_NOTE };
	va_list ap;

	if (!sim_trace_wanted(s, SIM_REC_NOTE))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rec.u.note = buf;
	sim_trace_emit(s, &rec);
}

/*
 * A direct call, not a hook: with -flto the judge's verdict inlines into
 * the publisher's (plat_emit_access()), about 20 instructions less per
 * access than an indirect call with its frame (docs/performance.md).
 */
enum sim_verdict sim_trace_access_verdict(struct sim *s,
					  struct sim_judge *judge,
					  enum sim_initiator who,
					  const char *initiator,
					  uint64_t map_id,
					  const struct sim_access_facts *facts)
{
	return chk_access_verdict(s, judge, who, initiator, map_id, facts);
}

bool sim_trace_again_quiet(struct sim *s, const struct sim_rec *rec)
{
	const struct sim_subs *l;

	if ((unsigned int)rec->type >= SIM_REC_NR)
		return true;		/* nobody can subscribe to it */
	l = &s->subs[rec->type];
	for (const struct sim_sub *d = l->v, *end = d + l->n; d < end; d++)
		if (!d->ops || !d->ops->again_quiet ||
		    !d->ops->again_quiet(s, d->ctx, rec))
			return false;
	return true;
}

/* Checkers ride the bus like any sink, called with the sim. */
int sim_checker_register(struct sim *s, const struct sim_checker_ops *ops,
			 void *ctx)
{
	struct sim_sub sub = { .on_rec = ops->on_rec, .ops = ops, .ctx = ctx };

	s->chks = sim_xrealloc(s->chks, s->nchks + 1, sizeof(*s->chks));
	s->chks[s->nchks++] = (struct sim_chk){ ops, ctx };
	if (ops->on_rec && ops->mask)
		subs_add(s, ops->mask, &sub);
	return 0;
}

void sim_checkers_finish(struct sim *s)
{
	if (s->finished)
		return;
	s->finished = true;
	for (size_t i = 0; i < s->nchks; i++)
		if (s->chks[i].ops->finish)
			s->chks[i].ops->finish(s, s->chks[i].ctx);
}

void sim_trace_fini(struct sim *s)
{
	for (unsigned int t = 0; t < SIM_REC_NR; t++)
		free(s->subs[t].v);
	for (size_t i = 0; i < s->nchks; i++)
		if (s->chks[i].ops->destroy)
			s->chks[i].ops->destroy(s->chks[i].ctx);
	free(s->chks);
}
