// SPDX-License-Identifier: MIT
/*
 * trace.c - the typed trace bus.  A record nobody subscribed to costs the
 * publisher one sim_trace_wanted() branch; a delivered record goes to each
 * subscriber whose mask has its type, in subscription order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int sim_trace_subscribe(struct sim *s, unsigned int mask, sim_trace_fn *fn,
			void *ctx)
{
	s->subs = sim_xrealloc(s->subs, s->nsubs + 1, sizeof(*s->subs));
	s->subs[s->nsubs++] = (struct sim_sub){ mask, fn, ctx };
	s->tmask.mask |= mask;
	return 0;
}

static void checker_deliver(void *ctx, const struct sim_rec *rec);

void sim_trace_emit(struct sim *s, struct sim_rec *rec)
{
	unsigned int bit = SIM_REC_BIT(rec->type);

	rec->cycle = s->now;
	rec->step = s->step;
	for (size_t i = 0; i < s->nsubs; i++)
		if (s->subs[i].mask & bit)
			s->subs[i].fn(s->subs[i].ctx, rec);
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
 * Checkers ride the bus like any sink; the sub's ctx points at the
 * checker slot so the callback can hand the sim back to the checker.
 */
struct chk_slot {
	struct sim *s;
	size_t idx;
};

static void checker_deliver(void *ctx, const struct sim_rec *rec)
{
	struct chk_slot *slot = ctx;
	struct sim_chk *c = &slot->s->chks[slot->idx];

	c->ops->on_rec(slot->s, c->ctx, rec);
}

bool sim_trace_again_quiet(struct sim *s, const struct sim_rec *rec)
{
	unsigned int bit = SIM_REC_BIT(rec->type);

	for (size_t i = 0; i < s->nsubs; i++) {
		const struct chk_slot *slot;
		const struct sim_chk *c;

		if (!(s->subs[i].mask & bit))
			continue;
		if (s->subs[i].fn != checker_deliver)
			return false;
		slot = s->subs[i].ctx;
		c = &s->chks[slot->idx];
		if (!c->ops->again_quiet || !c->ops->again_quiet(s, c->ctx, rec))
			return false;
	}
	return true;
}

int sim_checker_register(struct sim *s, const struct sim_checker_ops *ops,
			 void *ctx)
{
	struct chk_slot *slot;

	s->chks = sim_xrealloc(s->chks, s->nchks + 1, sizeof(*s->chks));
	s->chks[s->nchks] = (struct sim_chk){ ops, ctx };
	if (ops->on_rec && ops->mask) {
		slot = sim_xrealloc(NULL, 1, sizeof(*slot));
		*slot = (struct chk_slot){ s, s->nchks };
		sim_trace_subscribe(s, ops->mask, checker_deliver, slot);
	}
	s->nchks++;
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
	for (size_t i = 0; i < s->nsubs; i++)
		if (s->subs[i].fn == checker_deliver)
			free(s->subs[i].ctx);
	for (size_t i = 0; i < s->nchks; i++)
		if (s->chks[i].ops->destroy)
			s->chks[i].ops->destroy(s->chks[i].ctx);
	free(s->subs);
	free(s->chks);
}
