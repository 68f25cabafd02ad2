// SPDX-License-Identifier: MIT
/*
 * out_log.c - records one run's trace for the output writers (out.h).
 * Record strings may point into transient buffers (a note's text, a
 * stack-built initiator name), so everything kept is copied.  Accesses of
 * one initiator that end alike in one step fold into one episode: a
 * traffic stream of a million reads is one bar, not a million.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

struct out_log *out_log_create(void)
{
	return calloc(1, sizeof(struct out_log));
}

void out_log_destroy(struct out_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nev; i++) {
		free(log->ev[i].name);
		free(log->ev[i].detail);
	}
	for (size_t i = 0; i < log->ntracks; i++)
		free(log->tracks[i]);
	free(log->ev);
	free(log->tracks);
	free(log->open);
	free(log);
}

size_t out_log_track(struct out_log *log, const char *name)
{
	for (size_t i = 0; i < log->ntracks; i++)
		if (!strcmp(log->tracks[i], name))
			return i;
	log->tracks = sim_xrealloc(log->tracks, log->ntracks + 1,
				   sizeof(*log->tracks));
	log->open = sim_xrealloc(log->open, log->ntracks + 1,
				 sizeof(*log->open));
	log->tracks[log->ntracks] = sim_xstrdup(name);
	log->open[log->ntracks] = 0;
	return log->ntracks++;
}

/* A new event on @track, or NULL when the log is full. */
static struct out_ev *add_ev(struct out_log *log, const struct sim_rec *rec,
			     enum out_ev_kind kind, const char *track)
{
	struct out_ev *e;

	if (log->nev >= OUT_LOG_MAX_EVENTS) {
		log->dropped++;
		return NULL;
	}
	log->ev = sim_xrealloc(log->ev, log->nev + 1, sizeof(*log->ev));
	e = &log->ev[log->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->type = rec->type;
	e->cycle = e->start = e->end = rec->cycle;
	e->track = out_log_track(log, track);
	e->step = rec->step.index;
	e->line = rec->step.index >= 0 ? rec->step.line : 0;
	e->count = 1;
	return e;
}

static void add_instant(struct out_log *log, const struct sim_rec *rec,
			const char *track, char *name, char *detail)
{
	struct out_ev *e = add_ev(log, rec, OUT_EV_INSTANT, track);

	if (!e) {
		free(name);
		free(detail);
		return;
	}
	e->name = name;
	e->detail = detail;
}

static void on_tdi(struct out_log *log, const struct sim_rec *rec)
{
	const struct sim_rec_tdi_state *t = &rec->u.tdi;
	char track[96];
	struct out_ev *e;

	snprintf(track, sizeof(track), "TDI %s", t->device);
	e = add_ev(log, rec, OUT_EV_TDI, track);
	if (!e)
		return;
	e->value = t->to;
	e->name = sim_xstrdup(t->to_name);
	e->detail = sim_xasprintf("%s -> %s: %s", t->from_name, t->to_name,
			    t->cause ? t->cause : "");
}

/* Fold @rec into the open episode of its track when it ends alike. */
static bool fold_access(struct out_log *log, size_t track,
			const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct out_ev *e;

	if (!log->open[track])
		return false;
	e = &log->ev[log->open[track] - 1];
	if (e->value != (int)a->result || e->write != a->write ||
	    e->step != rec->step.index)
		return false;
	e->count++;
	e->end = rec->cycle;
	return true;
}

static void on_access(struct out_log *log, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	const char *who = a->initiator ? a->initiator :
			  sim_initiator_name(a->who);
	size_t track = out_log_track(log, who);
	struct out_ev *e;

	if (fold_access(log, track, rec))
		return;
	e = add_ev(log, rec, OUT_EV_ACCESS, who);
	if (!e)
		return;
	e->start = a->issued;
	e->value = (int)a->result;
	e->write = a->write;
	e->name = sim_xstrdup(sim_result_name(a->result));
	e->detail = sim_xasprintf("%s %s 0x%" PRIx64 " size %" PRIu64 "%s%s%s%s",
			    a->write ? "write" : "read",
			    a->priv ? "private" : "shared", a->addr, a->size,
			    a->stale ? ", stale translation" : "",
			    a->dropped_silently ? ", dropped silently" : "",
			    a->detail ? ": " : "", a->detail ? a->detail : "");
	log->open[track] = log->nev;
}

static void on_map(struct out_log *log, const struct sim_rec *rec)
{
	const struct sim_rec_map *m = &rec->u.map;

	add_instant(log, rec, "mappings",
		    sim_xasprintf("%s %s", rec->type == SIM_REC_MAP ? "map" : "unmap",
			    m->table ? m->table : sim_map_kind_name(m->kind)),
		    sim_xasprintf("%s 0x%" PRIx64 " -> hpa 0x%" PRIx64 " size 0x%"
			    PRIx64 " (mapping %" PRIu64 ", by %s at line %u)",
			    sim_map_kind_name(m->kind), m->addr, m->hpa,
			    m->size, m->map_id,
			    m->owner_op ? m->owner_op : "-", m->owner_line));
}

static void on_other(struct out_log *log, const struct sim_rec *rec)
{
	char track[96];

	switch (rec->type) {
	case SIM_REC_OWNER:
		snprintf(track, sizeof(track), "TDI %s", rec->u.owner.device);
		add_instant(log, rec, track,
			    sim_xasprintf("owner: %s", rec->u.owner.event),
			    sim_xasprintf("hpa 0x%" PRIx64 " size 0x%" PRIx64 " to %s%s%s",
				    rec->u.owner.hpa, rec->u.owner.size,
				    rec->u.owner.to_private ? "private" : "shared",
				    rec->u.owner.why ? "; " : "",
				    rec->u.owner.why ? rec->u.owner.why : ""));
		break;
	case SIM_REC_TDISP:
		snprintf(track, sizeof(track), "TDI %s", rec->u.tdisp.device);
		add_instant(log, rec, track,
			    sim_xasprintf("%s -> %s", rec->u.tdisp.request,
				    rec->u.tdisp.response), NULL);
		break;
	case SIM_REC_FIRMWARE:
		add_instant(log, rec, "firmware",
			    sim_xasprintf("%s -> %s", rec->u.fw.call,
				    rec->u.fw.status), NULL);
		break;
	case SIM_REC_INVAL:
		add_instant(log, rec, "mappings",
			    sim_xasprintf("inval %s %s",
				    rec->u.inval.phase == SIM_INVAL_QUEUED ? "queued" :
				    rec->u.inval.phase == SIM_INVAL_DONE ? "done" :
				    "dropped", rec->u.inval.table),
			    sim_xasprintf("0x%" PRIx64 " size 0x%" PRIx64,
				    rec->u.inval.addr, rec->u.inval.size));
		break;
	case SIM_REC_DMABUF:
		add_instant(log, rec, "dma-buf",
			    sim_xasprintf("%s %s", rec->u.dmabuf.name, rec->u.dmabuf.event),
			    rec->u.dmabuf.importer ?
			    sim_xasprintf("importer %s", rec->u.dmabuf.importer) : NULL);
		break;
	case SIM_REC_TEARDOWN:
		add_instant(log, rec, "teardown",
			    sim_xstrdup(rec->u.teardown.forbidden ?
				       "forbidden order" : "teardown"),
			    sim_xstrdup(rec->u.teardown.what));
		break;
	case SIM_REC_NOTE:
		add_instant(log, rec, "notes", sim_xstrdup("note"),
			    sim_xstrdup(rec->u.note));
		break;
	default:
		break;		/* steps come from struct run_result */
	}
}

static void log_rec(void *ctx, const struct sim_rec *rec)
{
	struct out_log *log = ctx;

	if (rec->type == SIM_REC_TDI_STATE)
		on_tdi(log, rec);
	else if (rec->type == SIM_REC_ACCESS)
		on_access(log, rec);
	else if (rec->type == SIM_REC_MAP || rec->type == SIM_REC_UNMAP)
		on_map(log, rec);
	else
		on_other(log, rec);
}

int out_log_attach(struct sim *s, void *ctx)
{
	if (!ctx)
		return -EINVAL;
	return sim_trace_subscribe(s, SIM_REC_ALL, log_rec, ctx);
}

uint64_t out_ns(sim_cycles_t c, uint64_t mhz)
{
	if (!mhz)
		mhz = 1;
	/* c * 1000 / mhz without overflow for any c */
	return c / mhz * 1000 + c % mhz * 1000 / mhz;
}

void out_xml_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* XML 1.0 allows no other C0 control characters */
			if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
			break;
		}
	}
}

void out_step_name(const struct run_step *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", st->op, st->label ? " [" : "",
		 st->label ? st->label : "", st->label ? "]" : "");
}
