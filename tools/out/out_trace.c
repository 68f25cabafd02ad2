// SPDX-License-Identifier: MIT
/*
 * out_trace.c - `--trace OUT.json`: Chrome / Perfetto trace-event JSON
 * ({"traceEvents": [...]}, loadable in ui.perfetto.dev and chrome://tracing).
 * One process per arch run; thread 1 is the steps, thread 2 the findings,
 * thread 3 + i the log's track i.  Timestamps are microseconds of
 * simulated time, printed from integer nanoseconds with a fixed 3-digit
 * fraction so the bytes never depend on float formatting.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

#define TID_STEPS 1
#define TID_FINDINGS 2
#define TID_TRACK0 3

struct tr {
	FILE *f;
	uint64_t mhz;
	size_t pid;
	bool first;		/* no event written yet: no comma */
};

static void tr_us(struct tr *t, const char *key, uint64_t ns)
{
	fprintf(t->f, ",\"%s\":%" PRIu64 ".%03" PRIu64, key, ns / 1000,
		ns % 1000);
}

/* Open one event object: {"ph":..,"pid":..,"tid":..,"name":.. */
static void tr_open(struct tr *t, const char *ph, size_t tid, const char *name)
{
	fputs(t->first ? "\n" : ",\n", t->f);
	t->first = false;
	fprintf(t->f, "{\"ph\":\"%s\",\"pid\":%zu,\"tid\":%zu,\"name\":", ph,
		t->pid, tid);
	jsonr_write_str(t->f, name);
}

static void tr_meta(struct tr *t, size_t tid, const char *what,
		    const char *name, size_t sort)
{
	tr_open(t, "M", tid, what);
	fputs(",\"args\":{\"name\":", t->f);
	jsonr_write_str(t->f, name);
	fputs("}}", t->f);
	tr_open(t, "M", tid, !strcmp(what, "process_name") ?
		"process_sort_index" : "thread_sort_index");
	fprintf(t->f, ",\"args\":{\"sort_index\":%zu}}", sort);
}

static void tr_kv(FILE *f, const char *k, const char *v)
{
	fprintf(f, ",\"%s\":", k);
	jsonr_write_str(f, v);
}

static void tr_header(struct tr *t, const struct scenario *scn,
		      const struct out_run *run)
{
	char name[160];

	snprintf(name, sizeof(name), "%s on %s, seed %" PRIu64, scn->name,
		 run->res->arch, run->res->seed);
	tr_meta(t, 0, "process_name", name, t->pid);
	tr_meta(t, TID_STEPS, "thread_name", "steps", TID_STEPS);
	tr_meta(t, TID_FINDINGS, "thread_name", "findings", TID_FINDINGS);
	for (size_t i = 0; run->log && i < run->log->ntracks; i++)
		tr_meta(t, TID_TRACK0 + i, "thread_name", run->log->tracks[i],
			TID_TRACK0 + i);
}

static void tr_step(struct tr *t, const struct run_step *st, size_t i)
{
	char name[128];
	bool ran = strcmp(st->result, "not-run") != 0;

	if (!ran)
		return;
	out_step_name(st, name, sizeof(name));
	tr_open(t, "X", TID_STEPS, name);
	fputs(",\"cat\":\"step\"", t->f);
	tr_us(t, "ts", out_ns(st->start, t->mhz));
	tr_us(t, "dur", out_ns(st->end, t->mhz) - out_ns(st->start, t->mhz));
	fprintf(t->f, ",\"args\":{\"step\":%zu,\"line\":%u", i, st->line);
	tr_kv(t->f, "result", st->result);
	tr_kv(t->f, "expect", st->expect);
	fprintf(t->f, ",\"ok\":%s", st->ok ? "true" : "false");
	if (st->detail)
		tr_kv(t->f, "detail", st->detail);
	fputs("}}", t->f);
}

static void tr_finding(struct tr *t, const struct sim_finding *fd)
{
	tr_open(t, "i", TID_FINDINGS, sim_finding_name(fd->kind));
	fputs(",\"cat\":\"finding\",\"s\":\"t\"", t->f);
	tr_us(t, "ts", out_ns(fd->first, t->mhz));
	fprintf(t->f, ",\"args\":{\"count\":%" PRIu64 ",\"first\":%" PRIu64
		",\"last\":%" PRIu64 ",\"line\":%u,\"allowed\":%s", fd->count,
		fd->first, fd->last, fd->line,
		fd->suppressed ? "true" : "false");
	if (fd->label)
		tr_kv(t->f, "label", fd->label);
	tr_kv(t->f, "explain", fd->explain);
	fputs("}}", t->f);
}

static void tr_ev(struct tr *t, const struct out_ev *e)
{
	bool span = e->kind == OUT_EV_ACCESS;

	tr_open(t, span ? "X" : "i", TID_TRACK0 + e->track, e->name);
	fputs(",\"cat\":", t->f);
	jsonr_write_str(t->f, sim_rec_type_name(e->type));
	if (!span)
		fputs(",\"s\":\"t\"", t->f);
	tr_us(t, "ts", out_ns(e->start, t->mhz));
	if (span)
		tr_us(t, "dur", out_ns(e->end, t->mhz) - out_ns(e->start, t->mhz));
	fprintf(t->f, ",\"args\":{\"cycle\":%" PRIu64 ",\"step\":%d,\"line\":%u",
		e->cycle, e->step, e->line);
	if (span)
		fprintf(t->f, ",\"count\":%" PRIu64 ",\"last_cycle\":%" PRIu64,
			e->count, e->end);
	if (e->detail)
		tr_kv(t->f, "detail", e->detail);
	fputs("}}", t->f);
}

/* The TDI's state as a slice from this change to the next (or the end). */
static void tr_band(struct tr *t, const struct out_log *log, size_t i,
		    sim_cycles_t end)
{
	const struct out_ev *e = &log->ev[i];
	sim_cycles_t to = end;

	for (size_t j = i + 1; j < log->nev; j++)
		if (log->ev[j].track == e->track && log->ev[j].kind == OUT_EV_TDI) {
			to = log->ev[j].cycle;
			break;
		}
	tr_open(t, "X", TID_TRACK0 + e->track, e->name);
	fputs(",\"cat\":\"tdi-state\"", t->f);
	tr_us(t, "ts", out_ns(e->cycle, t->mhz));
	tr_us(t, "dur", out_ns(to, t->mhz) - out_ns(e->cycle, t->mhz));
	fputs("}", t->f);
}

static void tr_run(struct tr *t, const struct scenario *scn,
		   const struct out_run *run)
{
	const struct run_result *r = run->res;

	tr_header(t, scn, run);
	for (size_t i = 0; i < r->nsteps; i++)
		tr_step(t, &r->steps[i], i);
	for (size_t i = 0; run->log && i < run->log->nev; i++) {
		tr_ev(t, &run->log->ev[i]);
		if (run->log->ev[i].kind == OUT_EV_TDI)
			tr_band(t, run->log, i, r->cycles);
	}
	for (size_t i = 0; i < sim_findings_count(r->sim); i++)
		tr_finding(t, sim_finding_at(r->sim, i));
}

void out_trace_write(FILE *f, const struct scenario *scn,
		     const struct out_run *runs, size_t n)
{
	struct tr t = { .f = f, .mhz = scn->clock_mhz, .first = true };
	uint64_t dropped = 0;

	fputs("{\"traceEvents\":[", f);
	for (size_t i = 0; i < n; i++) {
		t.pid = i + 1;
		tr_run(&t, scn, &runs[i]);
		dropped += runs[i].log ? runs[i].log->dropped : 0;
	}
	fputs("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{", f);
	fputs("\"schema\":\"tsmsim-trace/1\"", f);
	tr_kv(f, "scenario", scn->name);
	tr_kv(f, "file", scn->file);
	fprintf(f, ",\"clock_mhz\":%" PRIu64 ",\"dropped_events\":%" PRIu64 "}}\n",
		scn->clock_mhz, dropped);
}
