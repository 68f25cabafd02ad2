// SPDX-License-Identifier: MIT
/*
 * out_vcd.c - `--vcd OUT.vcd`: a Value Change Dump (IEEE 1364 section 18)
 * for GTKWave and friends.  Each arch run is one scope holding:
 *   step          number (1-based, as in the report) of the step last started
 *   findings      findings recorded so far (counted at their first cycle)
 *   tdi_<dev>     the TDI's TDISP state as a 2-bit vector: 00
 *                 CONFIG_UNLOCKED, 01 CONFIG_LOCKED, 10 RUN, 11 ERROR
 *   acc_<who>     the initiator's last access result: enum sim_result
 *                 (0 ok, 1 retried, 2 fault, 3 ur, 4 mce, 5 host-fault,
 *                 6 stuck), x before its first access
 * One time unit is one cycle of the platform clock, the numbers the text
 * report prints; VCD has no "cycle" timescale, so $timescale says 1ns and
 * the $comment says what a unit really is.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "version.h"

#define VCD_X (-1)

enum vcd_var_kind { VCD_STEP, VCD_FINDINGS, VCD_TDI, VCD_ACC };

struct vcd_var {
	enum vcd_var_kind kind;
	char name[80];
	size_t track;		/* VCD_TDI / VCD_ACC: the log track, or SIZE_MAX */
	int64_t last;		/* last value written; VCD_X + 1 never */
};

struct vcd_change {
	sim_cycles_t cycle;
	size_t seq;		/* insertion order: ties keep it */
	size_t var;
	int64_t value;
};

struct vcd {
	FILE *f;
	struct vcd_var *vars;
	size_t nvars;
	struct vcd_change *ch;
	size_t nch;
};

/* VCD identifier codes: base 94 over the printable '!'..'~'. */
static void vcd_id(size_t k, char *buf)
{
	size_t n = 0;

	do {
		buf[n++] = (char)('!' + k % 94);
		k /= 94;
	} while (k);
	buf[n] = 0;
}

/* Identifiers: letters, digits and '_' only, so every tool reads them. */
static void vcd_ident(char *dst, size_t len, const char *prefix,
		      const char *name)
{
	size_t n = (size_t)snprintf(dst, len, "%s", prefix);

	for (; name && *name && n + 1 < len; name++) {
		char c = *name;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9');

		dst[n++] = ok ? c : '_';
	}
	dst[n] = 0;
}

static size_t add_var(struct vcd *v, enum vcd_var_kind kind,
		      const char *prefix, const char *name, size_t track)
{
	struct vcd_var *x;

	v->vars = sim_xrealloc(v->vars, v->nvars + 1, sizeof(*v->vars));
	x = &v->vars[v->nvars];
	x->kind = kind;
	x->track = track;
	x->last = INT64_MIN;
	vcd_ident(x->name, sizeof(x->name), prefix, name);
	return v->nvars++;
}

static void add_change(struct vcd *v, sim_cycles_t c, size_t var, int64_t val)
{
	v->ch = sim_xrealloc(v->ch, v->nch + 1, sizeof(*v->ch));
	v->ch[v->nch] = (struct vcd_change){ c, v->nch, var, val };
	v->nch++;
}

/* The variable of log track @track (TDI or access), or SIZE_MAX. */
static size_t var_of_track(const struct vcd *v, size_t first, size_t track)
{
	for (size_t i = first; i < v->nvars; i++)
		if (v->vars[i].track == track &&
		    (v->vars[i].kind == VCD_TDI || v->vars[i].kind == VCD_ACC))
			return i;
	return SIZE_MAX;
}

static void declare_tracks(struct vcd *v, const struct scenario *scn,
			   const struct out_log *log, size_t first)
{
	char tname[96];

	for (size_t d = 0; d < scn->platform.ndevices; d++) {
		const char *dev = scn->platform.devices[d].name;
		size_t track = SIZE_MAX;

		snprintf(tname, sizeof(tname), "TDI %s", dev);
		for (size_t t = 0; log && t < log->ntracks; t++)
			if (!strcmp(log->tracks[t], tname))
				track = t;
		add_var(v, VCD_TDI, "tdi_", dev, track);
	}
	for (size_t i = 0; log && i < log->nev; i++) {
		const struct out_ev *e = &log->ev[i];

		if (e->kind == OUT_EV_ACCESS &&
		    var_of_track(v, first, e->track) == SIZE_MAX)
			add_var(v, VCD_ACC, "acc_", log->tracks[e->track],
				e->track);
	}
}

static int cmp_cycle(const void *a, const void *b)
{
	sim_cycles_t x = *(const sim_cycles_t *)a, y = *(const sim_cycles_t *)b;

	return x < y ? -1 : x > y;
}

static void run_changes(struct vcd *v, const struct out_run *run,
			size_t first)
{
	const struct run_result *r = run->res;
	size_t nf = sim_findings_count(r->sim);
	sim_cycles_t *firsts = calloc(nf + 1, sizeof(*firsts));

	TSM_BUG_ON(!firsts);
	for (size_t i = 0; i < r->nsteps; i++)
		if (strcmp(r->steps[i].result, "not-run"))
			add_change(v, r->steps[i].start, first, (int64_t)i + 1);
	for (size_t i = 0; run->log && i < run->log->nev; i++) {
		const struct out_ev *e = &run->log->ev[i];
		size_t var = var_of_track(v, first, e->track);

		if (var != SIZE_MAX && e->kind != OUT_EV_INSTANT)
			add_change(v, e->cycle, var, e->value);
	}
	for (size_t i = 0; i < nf; i++)
		firsts[i] = sim_finding_at(r->sim, i)->first;
	qsort(firsts, nf, sizeof(*firsts), cmp_cycle);
	for (size_t i = 0; i < nf; i++)
		add_change(v, firsts[i], first + 1, (int64_t)i + 1);
	free(firsts);
}

static int cmp_change(const void *a, const void *b)
{
	const struct vcd_change *x = a, *y = b;

	if (x->cycle != y->cycle)
		return x->cycle < y->cycle ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_value(struct vcd *v, size_t var, int64_t val)
{
	struct vcd_var *x = &v->vars[var];
	char id[8];

	vcd_id(var, id);
	if (val == VCD_X) {
		fprintf(v->f, "bx %s\n", id);
	} else if (x->kind == VCD_TDI) {
		fprintf(v->f, "b%d%d %s\n", (int)(val >> 1 & 1), (int)(val & 1), id);
	} else {
		fputc('b', v->f);
		for (int bit = 31, seen = 0; bit >= 0; bit--) {
			seen |= (val >> bit & 1) || !bit;
			if (seen)
				fputc('0' + (int)(val >> bit & 1), v->f);
		}
		fprintf(v->f, " %s\n", id);
	}
	x->last = val;
}

static void header(struct vcd *v, const struct scenario *scn,
		   const struct out_run *runs, size_t n, const size_t *firsts)
{
	char id[8];

	fprintf(v->f, "$version tsmsim %s $end\n", TSMSIM_VERSION);
	fprintf(v->f, "$comment scenario %s (%s); one time unit is one cycle of the %" PRIu64
		" MHz platform clock, as in the text report $end\n",
		scn->name, scn->file, scn->clock_mhz);
	fputs("$timescale 1ns $end\n", v->f);
	for (size_t r = 0; r < n; r++) {
		char scope[80];
		size_t end = r + 1 < n ? firsts[r + 1] : v->nvars;

		vcd_ident(scope, sizeof(scope), "", runs[r].res->arch);
		fprintf(v->f, "$scope module %s $end\n", scope);
		for (size_t i = firsts[r]; i < end; i++) {
			const struct vcd_var *x = &v->vars[i];

			vcd_id(i, id);
			fprintf(v->f, "$var %s %d %s %s $end\n",
				x->kind == VCD_TDI ? "wire" : "integer",
				x->kind == VCD_TDI ? 2 : 32, id, x->name);
		}
		fputs("$upscope $end\n", v->f);
	}
	fputs("$enddefinitions $end\n", v->f);
}

/* Does a later change in the same cycle set @c's variable again? */
static bool overridden(const struct vcd *v, size_t i)
{
	for (size_t j = i + 1; j < v->nch && v->ch[j].cycle == v->ch[i].cycle; j++)
		if (v->ch[j].var == v->ch[i].var)
			return true;
	return false;
}

/*
 * Writes the changes in time order, only the last of a variable within a
 * cycle (a zero-length step or state does not show); returns the last
 * timestamp written.
 */
static sim_cycles_t body(struct vcd *v)
{
	sim_cycles_t now = 0;

	fputs("#0\n$dumpvars\n", v->f);
	for (size_t i = 0; i < v->nvars; i++)
		put_value(v, i, v->vars[i].kind == VCD_ACC ? VCD_X : 0);
	fputs("$end\n", v->f);
	if (v->nch)	/* qsort(NULL, 0) is undefined: an empty run has no changes */
		qsort(v->ch, v->nch, sizeof(*v->ch), cmp_change);
	for (size_t i = 0; i < v->nch; i++) {
		const struct vcd_change *c = &v->ch[i];

		if (v->vars[c->var].last == c->value || overridden(v, i))
			continue;
		if (c->cycle != now)
			fprintf(v->f, "#%" PRIu64 "\n", c->cycle);
		now = c->cycle;
		put_value(v, c->var, c->value);
	}
	return now;
}

void out_vcd_write(FILE *f, const struct scenario *scn,
		   const struct out_run *runs, size_t n)
{
	struct vcd v = { .f = f };
	size_t *firsts = calloc(n + 1, sizeof(*firsts));
	sim_cycles_t end = 0;

	TSM_BUG_ON(!firsts);
	for (size_t r = 0; r < n; r++) {
		firsts[r] = v.nvars;
		add_var(&v, VCD_STEP, "", "step", SIZE_MAX);
		add_var(&v, VCD_FINDINGS, "", "findings", SIZE_MAX);
		declare_tracks(&v, scn, runs[r].log, firsts[r]);
		run_changes(&v, &runs[r], firsts[r]);
		if (runs[r].res->cycles > end)
			end = runs[r].res->cycles;
	}
	header(&v, scn, runs, n, firsts);
	/* a final timestamp so viewers show the whole run */
	if (end > body(&v))
		fprintf(f, "#%" PRIu64 "\n", end);
	free(v.ch);
	free(v.vars);
	free(firsts);
}
