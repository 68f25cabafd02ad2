// SPDX-License-Identifier: MIT
/*
 * out_vcd.c - `--vcd OUT.vcd`: a Value Change Dump (IEEE 1364 section 18)
 * for GTKWave and friends.  Each arch run is one scope holding:
 *   step          index of the step last started (from 0, as in every
 *                 report and in --set steps.N); x before the first
 *   findings      findings recorded so far (counted at their first cycle)
 *   tdi_<dev>     the TDI's TDISP state as a 2-bit vector: 00
 *                 CONFIG_UNLOCKED, 01 CONFIG_LOCKED, 10 RUN, 11 ERROR
 *   acc_<who>     the initiator's last access result: enum sim_result
 *                 (0 ok, 1 retried, 2 fault, 3 ur, 4 mce, 5 host-fault,
 *                 6 stuck), x before its first access
 * VCD time is real time: $timescale is the largest legal unit (1, 10 or
 * 100 of s..fs, IEEE 1364 section 18.2.3.5) that divides the clock period,
 * so a 2000 MHz cycle (500 ps) is 5 units of 100ps and viewers show true
 * ns and us; a clock whose period is not a whole number of fs (3000 MHz)
 * gets 1fs and times rounded down.  The $comment gives the conversion.
 *
 * out_vcd_gtkw() writes a GTKWave save file beside the dump: signals
 * grouped per arch, the TDI states and access results shown by name
 * through two translate-filter files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "load.h"

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
	size_t *firsts;		/* per run, its first variable */
	uint64_t mhz;
	uint64_t unit_fs;	/* the $timescale in femtoseconds */
};

static const char *const unit_names[] = { "fs", "ps", "ns", "us", "ms", "s" };

/*
 * The largest legal timescale that divides the clock period 1e9/mhz fs
 * exactly; 1 fs when the period is not a whole number of fs.
 */
static uint64_t vcd_unit_fs(uint64_t mhz)
{
	uint64_t period = 1000000000ull / mhz, unit = 1;

	if (1000000000ull % mhz)
		return 1;
	while (unit < 100000000000000000ull && period % (unit * 10) == 0)
		unit *= 10;
	return unit;
}

static void timescale_str(uint64_t unit_fs, char *buf, size_t len)
{
	unsigned int k = 0;

	while (unit_fs >= 1000 && k + 1 < sizeof(unit_names) / sizeof(*unit_names)) {
		unit_fs /= 1000;
		k++;
	}
	snprintf(buf, len, "%" PRIu64 "%s", unit_fs, unit_names[k]);
}

/*
 * Cycle @c in units: c * 1e9 / mhz / unit, split so nothing overflows
 * below ~5 hours of simulated time; beyond that it saturates (a VCD of
 * that length is not something a viewer opens).
 */
static uint64_t vcd_time(const struct vcd *v, sim_cycles_t c)
{
	uint64_t q = c / v->mhz, r = c % v->mhz, fs;

	if (__builtin_mul_overflow(q, 1000000000ull, &fs) ||
	    __builtin_add_overflow(fs, r * 1000000000ull / v->mhz, &fs))
		return UINT64_MAX / v->unit_fs;
	return fs / v->unit_fs;
}

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
			add_change(v, r->steps[i].start, first, (int64_t)i);
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
		   const struct out_run *runs, size_t n)
{
	const size_t *firsts = v->firsts;
	char id[8], ts[32];

	timescale_str(v->unit_fs, ts, sizeof(ts));
	fprintf(v->f, "$version tsmsim %s $end\n", TSMSIM_VERSION);
	fprintf(v->f, "$comment scenario %s (%s); platform clock %" PRIu64
		" MHz: cycle C is at time C * 1000000000 / %" PRIu64 " fs, in units of %s"
		" (the text report prints cycles) $end\n",
		scn->name, scn->file, scn->clock_mhz, scn->clock_mhz, ts);
	fprintf(v->f, "$timescale %s $end\n", ts);
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
		put_value(v, i, v->vars[i].kind == VCD_ACC ||
			  v->vars[i].kind == VCD_STEP ? VCD_X : 0);
	fputs("$end\n", v->f);
	if (v->nch)	/* qsort(NULL, 0) is undefined: an empty run has no changes */
		qsort(v->ch, v->nch, sizeof(*v->ch), cmp_change);
	for (size_t i = 0; i < v->nch; i++) {
		const struct vcd_change *c = &v->ch[i];

		if (v->vars[c->var].last == c->value || overridden(v, i))
			continue;
		if (c->cycle != now)
			fprintf(v->f, "#%" PRIu64 "\n", vcd_time(v, c->cycle));
		now = c->cycle;
		put_value(v, c->var, c->value);
	}
	return now;
}

/* The variables and changes of every run; returns the last cycle. */
static sim_cycles_t vcd_build(struct vcd *v, const struct scenario *scn,
			      const struct out_run *runs, size_t n)
{
	sim_cycles_t end = 0;

	v->mhz = scn->clock_mhz;
	v->unit_fs = vcd_unit_fs(scn->clock_mhz);
	v->firsts = calloc(n + 1, sizeof(*v->firsts));
	TSM_BUG_ON(!v->firsts);
	for (size_t r = 0; r < n; r++) {
		v->firsts[r] = v->nvars;
		add_var(v, VCD_STEP, "", "step", SIZE_MAX);
		add_var(v, VCD_FINDINGS, "", "findings", SIZE_MAX);
		declare_tracks(v, scn, runs[r].log, v->firsts[r]);
		run_changes(v, &runs[r], v->firsts[r]);
		if (runs[r].res->cycles > end)
			end = runs[r].res->cycles;
	}
	return end;
}

static void vcd_free(struct vcd *v)
{
	free(v->ch);
	free(v->vars);
	free(v->firsts);
}

void out_vcd_write(FILE *f, const struct scenario *scn,
		   const struct out_run *runs, size_t n)
{
	struct vcd v = { .f = f };
	sim_cycles_t end = vcd_build(&v, scn, runs, n);

	header(&v, scn, runs, n);
	/* a final timestamp so viewers show the whole run */
	if (end > body(&v))
		fprintf(f, "#%" PRIu64 "\n", vcd_time(&v, end));
	vcd_free(&v);
}

/* ------------------------------------------------------------ GTKWave */

/* @path with its ".vcd" (if any) replaced by @ext; malloc'd. */
static char *sibling(const char *path, const char *ext)
{
	size_t len = strlen(path);

	if (len > 4 && !strcmp(path + len - 4, ".vcd"))
		len -= 4;
	return sim_xasprintf("%.*s%s", (int)len, path, ext);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * GTKWave translate-filter files: "VALUE NAME" per line, VALUE as the
 * trace shows it (hex).  TDISP states are the 2-bit encoding above
 * (PCIe 6.x TDISP section 11.2), results enum sim_result.
 */
static int write_filter(const char *path, bool tdi)
{
	static const char *const tdi_names[] = {
		"CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR",
	};
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return -errno;
	for (int k = 0; k < (tdi ? 4 : SIM_RES_NR); k++)
		fprintf(f, "%x %s\n", k, tdi ? tdi_names[k] :
			sim_result_name((enum sim_result)k));
	bad = ferror(f);
	bad |= fclose(f);
	return bad ? -EIO : 0;
}

static void gtkw_body(FILE *f, const struct vcd *v, const struct out_run *runs,
		      size_t n, const char *tdi_filter, const char *acc_filter)
{
	for (size_t r = 0; r < n; r++) {
		char scope[80];
		size_t end = r + 1 < n ? v->firsts[r + 1] : v->nvars;

		vcd_ident(scope, sizeof(scope), "", runs[r].res->arch);
		/* a group per arch run: flags TR_GRP_BEGIN | TR_BLANK */
		fprintf(f, "@800200\n-%s\n", scope);
		for (size_t i = v->firsts[r]; i < end; i++) {
			const struct vcd_var *x = &v->vars[i];

			if (x->kind == VCD_TDI || x->kind == VCD_ACC)
				/* hex, right-justified, file-translated */
				fprintf(f, "@2022\n^1 %s\n",
					x->kind == VCD_TDI ? tdi_filter : acc_filter);
			else
				fputs("@24\n", f);	/* decimal */
			fprintf(f, "%s.%s\n", scope, x->name);
		}
		fprintf(f, "@1000200\n-%s\n", scope);	/* TR_GRP_END */
	}
}

int out_vcd_gtkw(const char *vcd_path, const struct scenario *scn,
		 const struct out_run *runs, size_t n)
{
	char *gtkw = sibling(vcd_path, ".gtkw");
	char *tdi = sibling(vcd_path, ".tdi.txt");
	char *acc = sibling(vcd_path, ".result.txt");
	struct vcd v = { 0 };
	FILE *f = NULL;
	int rc = write_filter(tdi, true);

	if (!rc)
		rc = write_filter(acc, false);
	if (!rc && !(f = fopen(gtkw, "w")))
		rc = -errno;
	if (!rc) {
		vcd_build(&v, scn, runs, n);
		/* paths relative to the folder of the files: run gtkwave there */
		fprintf(f, "[*] tsmsim %s: gtkwave %s %s\n[dumpfile] \"%s\"\n"
			"[timestart] 0\n", TSMSIM_VERSION, base_name(vcd_path),
			base_name(gtkw), base_name(vcd_path));
		gtkw_body(f, &v, runs, n, base_name(tdi), base_name(acc));
		vcd_free(&v);
		rc = ferror(f) ? -EIO : 0;
		rc = fclose(f) && !rc ? -EIO : rc;
	}
	free(gtkw);
	free(tdi);
	free(acc);
	return rc;
}
