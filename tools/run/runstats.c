// SPDX-License-Identifier: MIT
/*
 * runstats.c - the --stats collector and its three renderings (text,
 * JSON, --stats-file), as gem5's stats.txt and QEMU's -d users expect:
 * every number with its unit and meaning.
 *
 * Latency of an access = its completion cycle minus its issue cycle
 * (struct sim_rec_access.issued), per kind (initiator class x read /
 * write).  The distribution keeps each distinct latency with its count (a
 * model has few: hit, miss plus walk levels, fault); past HIST_MAX
 * distinct values it merges neighbours into power-of-two buckets and says
 * so, so memory stays bounded on any run.  p99 is the nearest-rank value:
 * the smallest latency with at least ceil(99% of n) accesses at or below.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "run.h"

#define HIST_MAX 4096

struct hist_bin {
	uint64_t v, n;
};

struct lat {
	uint64_t n, sum, min, max;
	bool sum_saturated;
	unsigned int shift;	/* values are kept as (v >> shift) << shift */
	struct hist_bin *bins;	/* sorted by v */
	size_t nbins;
};

struct named {
	char *name;
	uint64_t n, bad;	/* calls / messages, and those not "ok" */
};

struct run_stats {
	struct lat lat[SIM_INIT_NR][2];	/* [who][write] */
	struct named *fw, *tdisp;
	size_t nfw, ntdisp;
};

/* ------------------------------------------------------- the counters */

static const struct {
	const char *name;	/* exact, or a "traffic.*.X" pattern */
	const char *unit;
	const char *desc;
} infos[] = {
	{ "sim.cycles", "cycles", "simulated time at the end of the run" },
	{ "sim.events", "count", "events the scheduler fired" },
	{ "access.cpu", "count", "CPU accesses (guest and host) that completed" },
	{ "access.dma", "count", "device DMA accesses that completed" },
	{ "iotlb.hits", "count", "IOTLB lookups that hit" },
	{ "iotlb.misses", "count", "IOTLB lookups that missed and walked" },
	{ "iommu.walks", "count", "IOMMU page-table walks" },
	{ "iommu.faults", "count", "DMA the IOMMU refused (no or wrong mapping)" },
	{ "iommu.stale_hits", "count", "DMA translated by an IOTLB entry whose mapping was gone" },
	{ "iommu.inval.queued", "count", "IOTLB invalidations queued" },
	{ "iommu.inval.done", "count", "IOTLB invalidations completed" },
	{ "iommu.inval.dropped", "count", "IOTLB invalidations lost (a fault dropped them)" },
	{ "traffic.*.issued", "count", "accesses this traffic stream issued" },
	{ "traffic.*.not_issued", "count", "accesses it could not issue (no route, stopped)" },
	{ "traffic.*.cycles", "cycles", "from its first issue to its last completion" },
};

/* "traffic.*.X" matches "traffic.NAME.X" for any NAME without a dot. */
static bool info_match(const char *pat, const char *name)
{
	const char *star = strchr(pat, '*'), *dot;

	if (!star)
		return !strcmp(pat, name);
	if (strncmp(pat, name, (size_t)(star - pat)))
		return false;
	dot = strchr(name + (star - pat), '.');
	return dot && !strcmp(dot, star + 1);
}

bool run_stat_info(const char *name, const char **unit, const char **desc)
{
	for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
		if (info_match(infos[i].name, name)) {
			*unit = infos[i].unit;
			*desc = infos[i].desc;
			return true;
		}
	*unit = "count";
	*desc = "(not described)";
	return false;
}

/* ---------------------------------------------------------- collecting */

/* Merge neighbours into buckets twice as wide, until there is room. */
static void hist_coarsen(struct lat *l)
{
	size_t o = 0;

	l->shift++;
	for (size_t i = 0; i < l->nbins; i++) {
		uint64_t v = l->bins[i].v >> l->shift << l->shift;

		if (o && l->bins[o - 1].v == v) {
			l->bins[o - 1].n += l->bins[i].n;
		} else {
			l->bins[o].v = v;
			l->bins[o++].n = l->bins[i].n;
		}
	}
	l->nbins = o;
}

static void hist_add(struct lat *l, uint64_t v)
{
	size_t lo = 0, hi = l->nbins;

	v = v >> l->shift << l->shift;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (l->bins[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->nbins && l->bins[lo].v == v) {
		l->bins[lo].n++;
		return;
	}
	if (l->nbins == HIST_MAX) {
		hist_coarsen(l);
		hist_add(l, v);
		return;
	}
	l->bins = sim_xrealloc(l->bins, l->nbins + 1, sizeof(*l->bins));
	memmove(&l->bins[lo + 1], &l->bins[lo], (l->nbins - lo) * sizeof(*l->bins));
	l->bins[lo] = (struct hist_bin){ v, 1 };
	l->nbins++;
}

static void lat_add(struct lat *l, uint64_t v)
{
	if (!l->n || v < l->min)
		l->min = v;
	if (v > l->max)
		l->max = v;
	if (__builtin_add_overflow(l->sum, v, &l->sum)) {
		l->sum = UINT64_MAX;
		l->sum_saturated = true;
	}
	l->n++;
	hist_add(l, v);
}

/* The nearest-rank 99th percentile. */
static uint64_t lat_p99(const struct lat *l)
{
	uint64_t rank = l->n / 100 * 99 + (l->n % 100 * 99 + 99) / 100, seen = 0;

	for (size_t i = 0; i < l->nbins; i++) {
		seen += l->bins[i].n;
		if (seen >= rank)
			return l->bins[i].v;
	}
	return l->max;
}

static void named_add(struct named **v, size_t *n, const char *name, bool ok)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			break;
	if (i == *n) {
		*v = sim_xrealloc(*v, *n + 1, sizeof(**v));
		(*v)[i] = (struct named){ sim_xstrdup(name), 0, 0 };
		(*n)++;
	}
	(*v)[i].n++;
	(*v)[i].bad += !ok;
}

static void on_rec(void *ctx, const struct sim_rec *rec)
{
	struct run_stats *st = ctx;

	switch (rec->type) {
	case SIM_REC_ACCESS:
		if (rec->u.access.who < SIM_INIT_NR && rec->cycle >= rec->u.access.issued)
			lat_add(&st->lat[rec->u.access.who][rec->u.access.write],
				rec->cycle - rec->u.access.issued);
		break;
	case SIM_REC_FIRMWARE:
		named_add(&st->fw, &st->nfw, rec->u.fw.call ? rec->u.fw.call : "?",
			  !rec->u.fw.status || !strcmp(rec->u.fw.status, "ok"));
		break;
	case SIM_REC_TDISP:
		named_add(&st->tdisp, &st->ntdisp,
			  rec->u.tdisp.request ? rec->u.tdisp.request : "?",
			  rec->u.tdisp.response && !strcmp(rec->u.tdisp.response, "ok"));
		break;
	default:
		break;
	}
}

struct run_stats *run_stats_create(void)
{
	return calloc(1, sizeof(struct run_stats));
}

void run_stats_destroy(struct run_stats *st)
{
	if (!st)
		return;
	for (int w = 0; w < SIM_INIT_NR; w++)
		for (int k = 0; k < 2; k++)
			free(st->lat[w][k].bins);
	for (size_t i = 0; i < st->nfw; i++)
		free(st->fw[i].name);
	for (size_t i = 0; i < st->ntdisp; i++)
		free(st->tdisp[i].name);
	free(st->fw);
	free(st->tdisp);
	free(st);
}

int run_stats_attach(struct sim *s, void *ctx)
{
	return sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_ACCESS) |
				   SIM_REC_BIT(SIM_REC_FIRMWARE) |
				   SIM_REC_BIT(SIM_REC_TDISP), on_rec, ctx);
}

/* ----------------------------------------------------------- rendering */

static const char *const rw_name[2] = { "read", "write" };

/*
 * Each counter with its value; @with_sim puts sim.cycles and sim.events
 * first (the JSON run has them as members already).
 */
static void for_each_counter(const struct run_result *r, bool with_sim,
			     void (*fn)(void *ctx, const char *name, uint64_t v),
			     void *ctx)
{
	if (with_sim) {
		fn(ctx, "sim.cycles", r->cycles);
		fn(ctx, "sim.events", r->events);
	}
	for (size_t i = 0; i < sim_stats_count(r->sim); i++) {
		const char *name;
		uint64_t v;

		sim_stat_at(r->sim, i, &name, &v);
		fn(ctx, name, v);
	}
}

static void text_counter(void *ctx, const char *name, uint64_t v)
{
	const char *unit, *desc;

	run_stat_info(name, &unit, &desc);
	fprintf(ctx, "  %-28s %14" PRIu64 " %s\n      %s\n", name, v, unit, desc);
}

static void text_named(FILE *f, const char *title, const struct named *v,
		       size_t n, const char *bad)
{
	if (!n)
		return;
	fprintf(f, "%s\n  %-40s %10s %10s\n", title, "name", "count", bad);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-40.40s %10" PRIu64 " %10" PRIu64 "\n", v[i].name,
			v[i].n, v[i].bad);
}

static bool lat_any(const struct run_stats *st)
{
	for (int w = 0; w < SIM_INIT_NR; w++)
		if (st->lat[w][0].n || st->lat[w][1].n)
			return true;
	return false;
}

void run_stats_text(FILE *f, const struct run_result *r)
{
	const struct run_stats *st = r->stats;

	fprintf(f, "stats  (counter, value, unit, meaning)\n");
	for_each_counter(r, true, text_counter, f);
	if (!st)
		return;
	fprintf(f, "access latency, cycles (issue to completion)\n  %-14s %10s %8s %8s %8s %8s\n",
		"kind", "accesses", "min", "mean", "p99", "max");
	if (!lat_any(st))
		fprintf(f, "  (no accesses)\n");
	for (int w = 0; w < SIM_INIT_NR; w++)
		for (int k = 0; k < 2; k++) {
			const struct lat *l = &st->lat[w][k];
			char kind[32];

			if (!l->n)
				continue;
			snprintf(kind, sizeof(kind), "%s.%s",
				 sim_initiator_name((enum sim_initiator)w), rw_name[k]);
			fprintf(f, "  %-14s %10" PRIu64 " %8" PRIu64 " %8" PRIu64
				" %8" PRIu64 " %8" PRIu64 "%s\n", kind, l->n, l->min,
				l->sum / l->n, lat_p99(l), l->max,
				l->shift ? " (p99 to a bucket)" : "");
		}
	text_named(f, "firmware calls", st->fw, st->nfw, "not ok");
	text_named(f, "TDISP messages (requests)", st->tdisp, st->ntdisp, "error");
}

struct json_ctx {
	FILE *f;
	bool first;
};

static void json_counter(void *ctx, const char *name, uint64_t v)
{
	struct json_ctx *c = ctx;

	fputs(c->first ? "" : ",", c->f);
	c->first = false;
	jsonr_write_str(c->f, name);
	fprintf(c->f, ":%" PRIu64, v);
}

static void json_named(FILE *f, const char *key, const struct named *v,
		       size_t n, const char *bad)
{
	fprintf(f, "\"%s\":{", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		jsonr_write_str(f, v[i].name);
		fprintf(f, ":{\"count\":%" PRIu64 ",\"%s\":%" PRIu64 "}", v[i].n,
			bad, v[i].bad);
	}
	fputs("},", f);
}

void run_stats_json(FILE *f, const struct run_result *r)
{
	const struct run_stats *st = r->stats;
	struct json_ctx c = { f, true };

	fputs("\"stats\":{", f);
	for_each_counter(r, false, json_counter, &c);
	fputs("},", f);
	if (!st)
		return;
	fputs("\"latency\":{", f);
	c.first = true;
	for (int w = 0; w < SIM_INIT_NR; w++)
		for (int k = 0; k < 2; k++) {
			const struct lat *l = &st->lat[w][k];

			if (!l->n)
				continue;
			fprintf(f, "%s\"%s.%s\":{\"count\":%" PRIu64 ",\"min\":%" PRIu64
				",\"mean\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64
				",\"exact\":%s}", c.first ? "" : ",",
				sim_initiator_name((enum sim_initiator)w), rw_name[k],
				l->n, l->min, l->sum / l->n, lat_p99(l), l->max,
				l->shift ? "false" : "true");
			c.first = false;
		}
	fputs("},", f);
	json_named(f, "firmware", st->fw, st->nfw, "not_ok");
	json_named(f, "tdisp", st->tdisp, st->ntdisp, "error");
}

struct file_ctx {
	FILE *f;
	const char *pfx;
	const char *arch;
};

static void file_counter(void *ctx, const char *name, uint64_t v)
{
	struct file_ctx *c = ctx;
	const char *unit, *desc;

	run_stat_info(name, &unit, &desc);
	fprintf(c->f, "%s%s%s.%-36s %20" PRIu64 " # %s (%s)\n", c->pfx ? c->pfx : "",
		c->pfx ? "." : "", c->arch, name, v, desc, unit);
}

static void file_named(struct file_ctx *c, const char *what,
		       const struct named *v, size_t n, const char *desc)
{
	for (size_t i = 0; i < n; i++)
		fprintf(c->f, "%s%s%s.%s.%-*s %20" PRIu64 " # %s %s (count)\n",
			c->pfx ? c->pfx : "", c->pfx ? "." : "", c->arch, what,
			(int)(35 - strlen(what)), v[i].name, v[i].n, desc, v[i].name);
}

void run_stats_file(FILE *f, const char *prefix, const struct run_result *r)
{
	static const char *const what[] = { "min", "mean", "p99", "max" };
	struct file_ctx c = { f, prefix, r->arch };
	const struct run_stats *st = r->stats;

	fprintf(f, "---------- Begin Simulation Statistics (%s%s%s) ----------\n",
		prefix ? prefix : "", prefix ? " on " : "", r->arch);
	for_each_counter(r, true, file_counter, &c);
	for (int w = 0; st && w < SIM_INIT_NR; w++)
		for (int k = 0; k < 2; k++) {
			const struct lat *l = &st->lat[w][k];
			uint64_t v[4];

			if (!l->n)
				continue;
			v[0] = l->min;
			v[1] = l->sum / l->n;
			v[2] = lat_p99(l);
			v[3] = l->max;
			for (int q = 0; q < 4; q++) {
				char name[64];

				snprintf(name, sizeof(name), "latency.%s.%s.%s",
					 sim_initiator_name((enum sim_initiator)w),
					 rw_name[k], what[q]);
				fprintf(f, "%s%s%s.%-36s %20" PRIu64 " # %s latency of %s %ss, issue to completion (cycles)\n",
					prefix ? prefix : "", prefix ? "." : "", r->arch,
					name, v[q], what[q],
					sim_initiator_name((enum sim_initiator)w), rw_name[k]);
			}
		}
	if (st) {
		file_named(&c, "firmware", st->fw, st->nfw, "firmware calls");
		file_named(&c, "tdisp", st->tdisp, st->ntdisp, "TDISP requests");
	}
	fprintf(f, "---------- End Simulation Statistics ----------\n");
}
