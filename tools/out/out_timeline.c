// SPDX-License-Identifier: MIT
/*
 * out_timeline.c - the SVG timeline of `--html` (docs/outputs.md).
 *
 * The x axis is time, linear where things happen and broken where nothing
 * does: the gaps between consecutive moments that matter (step starts and
 * ends, recorded events, findings) are linear unless a gap is more than
 * BREAK_FACTOR times the typical (lower-median) gap; such an idle stretch
 * (a 25 ms SPDM connect with nothing else going on) is drawn as a fixed
 * narrow band with its duration written on it, so it cannot squeeze the
 * rest of the run into a sliver.  A step that takes no time (an assert)
 * gets its own slot at its moment and is drawn as a diamond, red (and
 * labelled FAIL) when it failed.  Findings are triangles with their names.
 * Colours are the Okabe-Ito palette, which stays distinct for the common
 * colour-vision deficiencies; failures also carry text, not only colour.
 * The <svg> is as wide as the page (viewBox, width 100%).
 *
 * Every step that ran has one element with data-step="INDEX" and every
 * finding one with data-finding="INDEX", so a test can check the picture.
 * Pixel arithmetic is integer, like everything else that touches time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

#define LABEL_W 160
#define PLOT_W 1100
#define RIGHT_W 40
#define LANE_H 22
#define AXIS_H 34
#define BREAK_W 44		/* pixels of a compressed idle stretch (at most) */
#define BREAK_FACTOR 4		/* a gap > 4x the lower-median gap is idle */
#define SLOT_W 14		/* pixels of a zero-length step's slot */

/* Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, purple */
#define OI_ORANGE "#E69F00"
#define OI_SKY "#56B4E9"
#define OI_GREEN "#009E73"
#define OI_YELLOW "#F0E442"
#define OI_BLUE "#0072B2"
#define OI_RED "#D55E00"
#define OI_PURPLE "#CC79A7"

/* One piece of the x axis: a span of time, or a zero-length step's slot. */
struct tl_seg {
	sim_cycles_t c0, c1;	/* c0 == c1 for a slot */
	unsigned int x0, w;
	bool broken;		/* an idle stretch drawn BREAK_W wide */
	int step;		/* a slot's step, else -1 */
};

struct tl {
	FILE *f;
	uint64_t mhz;
	struct tl_seg *seg;
	size_t nseg;
	unsigned int slot_w;
	unsigned int y;		/* top of the current lane */
};

/* Indexed by enum tdisp_state (pcie.h: 0 UNLOCKED .. 3 ERROR). */
static const char *const state_color[] = { "#DDDDDD", OI_SKY, OI_GREEN, OI_RED };
static const char *const state_name[] = {
	"CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR",
};

static const char *result_color(int res)
{
	static const char *const c[SIM_RES_NR] = {
		[SIM_RES_OK] = OI_GREEN, [SIM_RES_RETRIED] = OI_SKY,
		[SIM_RES_FAULT] = OI_ORANGE, [SIM_RES_UR] = OI_YELLOW,
		[SIM_RES_MCE] = OI_RED, [SIM_RES_HOST_FAULT] = OI_PURPLE,
		[SIM_RES_STUCK] = "#000000",
	};

	return res >= 0 && res < SIM_RES_NR ? c[res] : "#999999";
}

/* ------------------------------------------------------------ the axis */

static int cmp_cycle(const void *a, const void *b)
{
	sim_cycles_t x = *(const sim_cycles_t *)a, y = *(const sim_cycles_t *)b;

	return x < y ? -1 : x > y;
}

static bool ran(const struct run_step *st)
{
	return strcmp(st->result, "not-run") != 0;
}

/* The moments that matter, sorted and unique; returns how many. */
static size_t moments(const struct out_run *run, sim_cycles_t **out)
{
	const struct run_result *r = run->res;
	size_t nev = run->log ? run->log->nev : 0, cap, n = 0, u = 1;
	sim_cycles_t *v;

	cap = 2 + 2 * r->nsteps + 2 * nev + sim_findings_count(r->sim);
	v = calloc(cap, sizeof(*v));
	TSM_BUG_ON(!v);
	v[n++] = 0;
	v[n++] = r->cycles;
	for (size_t i = 0; i < r->nsteps; i++)
		if (ran(&r->steps[i])) {
			v[n++] = r->steps[i].start;
			v[n++] = r->steps[i].end;
		}
	for (size_t i = 0; i < nev; i++) {
		v[n++] = run->log->ev[i].start;
		v[n++] = run->log->ev[i].end;
	}
	for (size_t i = 0; i < sim_findings_count(r->sim); i++)
		v[n++] = sim_finding_at(r->sim, i)->first;
	qsort(v, n, sizeof(*v), cmp_cycle);
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[u - 1])
			v[u++] = v[i];
	*out = v;
	return u;
}

/* The gap a stretch must exceed to be drawn as an idle band. */
static sim_cycles_t idle_threshold(const sim_cycles_t *m, size_t n)
{
	sim_cycles_t *g, t;

	if (n < 3)
		return SIM_CYCLES_MAX;	/* one gap: nothing to compare with */
	g = calloc(n - 1, sizeof(*g));
	TSM_BUG_ON(!g);
	for (size_t i = 0; i + 1 < n; i++)
		g[i] = m[i + 1] - m[i];
	qsort(g, n - 1, sizeof(*g), cmp_cycle);
	t = g[(n - 2) / 2];
	free(g);
	return t > SIM_CYCLES_MAX / BREAK_FACTOR ? SIM_CYCLES_MAX : t * BREAK_FACTOR;
}

static void add_seg(struct tl *t, struct tl_seg s)
{
	t->seg = sim_xrealloc(t->seg, t->nseg + 1, sizeof(*t->seg));
	t->seg[t->nseg++] = s;
}

/* A zero-length step: its moment and index, sorted by both. */
struct zstep {
	sim_cycles_t c;
	size_t step;
};

static int cmp_zstep(const void *a, const void *b)
{
	const struct zstep *x = a, *y = b;

	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return x->step < y->step ? -1 : x->step > y->step;
}

/* The steps that ran and took no time, in time order; returns how many. */
static size_t zero_steps(const struct run_result *r, struct zstep **out)
{
	struct zstep *z = calloc(r->nsteps + 1, sizeof(*z));
	size_t n = 0;

	TSM_BUG_ON(!z);
	for (size_t i = 0; i < r->nsteps; i++)
		if (ran(&r->steps[i]) && r->steps[i].start == r->steps[i].end)
			z[n++] = (struct zstep){ r->steps[i].start, i };
	qsort(z, n, sizeof(*z), cmp_zstep);
	*out = z;
	return n;
}

/* A piece's width when there are @n of them: @w, or less to fit a third. */
static unsigned int piece_w(size_t n, unsigned int w, unsigned int min)
{
	if (n && n * w > PLOT_W / 3)
		w = PLOT_W / 3 / (unsigned int)n;
	return w < min ? min : w;
}

/* Linear cycles @done so far, as pixels of @avail for @lin in all. */
static unsigned int lin_px(sim_cycles_t done, sim_cycles_t lin,
			   unsigned int avail)
{
	unsigned int shift = 0;

	while ((lin >> shift) > (1ull << 40))
		shift++;	/* keeps cycles * pixels inside 64 bits */
	if (!(lin >> shift))
		return 0;
	return (unsigned int)((done >> shift) * avail / (lin >> shift));
}

/*
 * Lay the moments out: slots for the zero-length steps at each moment
 * (in step order), then the gap to the next moment, linear or broken.
 * x of a piece = its linear cycles so far scaled to the pixels left, plus
 * the bands and slots so far, so rounding never accumulates.
 */
static void tl_layout(struct tl *t, const struct out_run *run)
{
	const struct run_result *r = run->res;
	sim_cycles_t *m, idle, lin = 0, done = 0;
	struct zstep *z;
	size_t n = moments(run, &m), nz = zero_steps(r, &z), nbroken = 0, zi = 0;
	unsigned int avail, extra = 0, used, break_w;

	idle = idle_threshold(m, n);
	for (size_t i = 0; i + 1 < n; i++)
		if (m[i + 1] - m[i] > idle)
			nbroken++;
		else
			lin += m[i + 1] - m[i];
	/* slots and bands take at most a third of the width each */
	t->slot_w = piece_w(nz, SLOT_W, 3);
	break_w = piece_w(nbroken, BREAK_W, 3);
	used = (unsigned int)(nbroken * break_w + nz * t->slot_w);
	avail = PLOT_W > used + 100 ? PLOT_W - used : 100;
	for (size_t i = 0; i < n; i++) {
		unsigned int x0;

		for (; zi < nz && z[zi].c == m[i]; zi++) {
			add_seg(t, (struct tl_seg){ m[i], m[i], LABEL_W + extra +
				lin_px(done, lin, avail), t->slot_w, false,
				(int)z[zi].step });
			extra += t->slot_w;
		}
		if (i + 1 == n)
			break;
		x0 = LABEL_W + extra + lin_px(done, lin, avail);
		if (m[i + 1] - m[i] > idle)
			extra += break_w;
		else
			done += m[i + 1] - m[i];
		add_seg(t, (struct tl_seg){ m[i], m[i + 1], x0,
			LABEL_W + extra + lin_px(done, lin, avail) - x0,
			m[i + 1] - m[i] > idle, -1 });
	}
	free(m);
	free(z);
}

/* The first segment with c1 >= @c (segments are in time order). */
static size_t seg_at(const struct tl *t, sim_cycles_t c)
{
	size_t lo = 0, hi = t->nseg;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->seg[mid].c1 < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* x of cycle @c: before the slots at @c, inside the span that holds it. */
static unsigned int tl_x(const struct tl *t, sim_cycles_t c)
{
	size_t lo = seg_at(t, c);

	if (lo == t->nseg)
		return t->nseg ? t->seg[t->nseg - 1].x0 + t->seg[t->nseg - 1].w : LABEL_W;
	if (t->seg[lo].c0 == t->seg[lo].c1 || c <= t->seg[lo].c0)
		return t->seg[lo].x0;
	return t->seg[lo].x0 + (unsigned int)((c - t->seg[lo].c0) * t->seg[lo].w /
					      (t->seg[lo].c1 - t->seg[lo].c0));
}

/* x of cycle @c after the slots at @c: where something starting then begins. */
static unsigned int tl_x_after(const struct tl *t, sim_cycles_t c)
{
	unsigned int x = tl_x(t, c);

	for (size_t i = seg_at(t, c); i < t->nseg && t->seg[i].c0 <= c; i++)
		if (t->seg[i].step >= 0 && t->seg[i].c0 == c)
			x = t->seg[i].x0 + t->seg[i].w;
	return x;
}

/* The slot of zero-length step @step, which starts and ends at @c. */
static const struct tl_seg *slot_of(const struct tl *t, size_t step,
				    sim_cycles_t c)
{
	for (size_t i = seg_at(t, c); i < t->nseg && t->seg[i].c0 <= c; i++)
		if (t->seg[i].step == (int)step)
			return &t->seg[i];
	return NULL;
}

static unsigned int tl_width(void)
{
	return LABEL_W + PLOT_W + RIGHT_W;
}

/* "1.25 ms", "40 us" ... of @c cycles, integer arithmetic only. */
static void time_label(uint64_t mhz, sim_cycles_t c, char *buf, size_t len)
{
	uint64_t ns = out_ns(c, mhz), div = 1, frac;
	const char *unit = "ns";
	int digits = 0;

	if (ns >= 1000000) {
		div = 1000000;
		unit = "ms";
		digits = 3;
	} else if (ns >= 1000) {
		div = 1000;
		unit = "\xc2\xb5s";
		digits = 3;
	}
	frac = ns % div / (div / 1000 ? div / 1000 : 1);	/* 3 decimals */
	while (digits && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (digits)
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 " %s", ns / div, digits,
			 frac, unit);
	else
		snprintf(buf, len, "%" PRIu64 " %s", ns / div, unit);
}

/* ------------------------------------------------------------- shapes */

static void title(FILE *f, const char *a, const char *b)
{
	fputs("<title>", f);
	out_xml_str(f, a);
	if (b) {
		fputc('\n', f);
		out_xml_str(f, b);
	}
	fputs("</title>", f);
}

static void tl_rect_x(struct tl *t, unsigned int x0, unsigned int x1,
		      const char *fill, const char *what, const char *more,
		      const char *attr)
{
	fprintf(t->f, "<rect%s x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\">",
		attr, x0, t->y + 3, x1 > x0 + 2 ? x1 - x0 : 2, LANE_H - 6, fill);
	title(t->f, what, more);
	fputs("</rect>\n", t->f);
}

static void tl_rect(struct tl *t, sim_cycles_t a, sim_cycles_t b,
		    const char *fill, const char *what, const char *more,
		    const char *attr)
{
	tl_rect_x(t, tl_x(t, a), tl_x(t, b), fill, what, more, attr);
}

static void tl_tick(struct tl *t, sim_cycles_t c, const char *name,
		    const char *detail)
{
	char what[160];

	snprintf(what, sizeof(what), "cycle %" PRIu64 ": %s", c, name);
	fprintf(t->f, "<rect x=\"%u\" y=\"%u\" width=\"2\" height=\"%u\" fill=\"#555\">",
		tl_x(t, c), t->y + 5, LANE_H - 10);
	title(t->f, what, detail);
	fputs("</rect>\n", t->f);
}

static void tl_lane(struct tl *t, const char *label, unsigned int h)
{
	t->y += LANE_H;
	fprintf(t->f, "<line x1=\"0\" x2=\"%u\" y1=\"%u\" y2=\"%u\" stroke=\"#eee\"/>\n<text x=\"4\" y=\"%u\">",
		tl_width(), t->y, t->y, t->y + 15);
	out_xml_str(t->f, label);
	fputs("</text>\n", t->f);
	t->y += h - LANE_H;
}

/* -------------------------------------------------------------- lanes */

static void step_marker(struct tl *t, const struct run_step *st, size_t i,
			const char *what)
{
	const struct tl_seg *s = slot_of(t, i, st->start);
	unsigned int cx = s ? s->x0 + s->w / 2 : tl_x(t, st->start), cy = t->y + LANE_H / 2;
	unsigned int r = t->slot_w / 2 > 6 ? 6 : t->slot_w / 2 + 1;

	fprintf(t->f, "<g data-step=\"%zu\" class=\"step zero%s\"><polygon points=\"%u,%u %u,%u %u,%u %u,%u\" fill=\"%s\" stroke=\"#000\" stroke-width=\"0.5\">",
		i, st->ok ? "" : " fail", cx, cy - r - 2, cx + r, cy, cx, cy + r + 2,
		cx - r, cy, !st->ok ? OI_RED : !strcmp(st->result, "skipped") ?
		"#BBBBBB" : "#FFFFFF");
	title(t->f, what, st->detail);
	fputs("</polygon>", t->f);
	if (!st->ok)
		fprintf(t->f, "<text x=\"%u\" y=\"%u\" fill=\"%s\" font-weight=\"bold\">%zu FAIL</text>",
			cx - r, t->y - 1, OI_RED, i);
	fputs("</g>\n", t->f);
}

static void lane_steps(struct tl *t, const struct run_result *r)
{
	char what[384], name[128], attr[64];
	unsigned int x0, x1;

	tl_lane(t, "steps", LANE_H);
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct run_step *st = &r->steps[i];

		if (!ran(st))
			continue;
		out_step_name(st, name, sizeof(name));
		snprintf(what, sizeof(what),
			 "step %zu, line %u: %s -> %s (expect %s), cycles %"
			 PRIu64 "..%" PRIu64, i, st->line, name,
			 st->result, st->expect, st->start, st->end);
		if (st->start == st->end) {
			step_marker(t, st, i, what);
			continue;
		}
		snprintf(attr, sizeof(attr), " data-step=\"%zu\" class=\"step%s\"",
			 i, st->ok ? "" : " fail");
		/* a step begins after the asserts of its first moment */
		x0 = tl_x_after(t, st->start);
		x1 = tl_x(t, st->end);
		tl_rect_x(t, x0, x1 > x0 ? x1 : x0,
			  !st->ok ? OI_RED : !strcmp(st->result, "skipped") ?
			  "#BBBBBB" : i % 2 ? OI_BLUE : OI_SKY, what,
			  st->detail, attr);
		/* the step's number (and FAIL) where the bar has room */
		if (x1 >= x0 + 16)
			fprintf(t->f, "<text x=\"%u\" y=\"%u\"%s>%zu%s</text>\n",
				x0 + 3, t->y + 15,
				st->ok ? "" : " fill=\"#fff\" font-weight=\"bold\"", i,
				st->ok ? "" : " FAIL");
	}
}

static void lane_tdi(struct tl *t, const struct out_log *log, size_t track,
		     sim_cycles_t end)
{
	sim_cycles_t from = 0;
	int state = 0;
	char what[128];

	for (size_t i = 0; i <= log->nev; i++) {
		const struct out_ev *e = i < log->nev ? &log->ev[i] : NULL;

		if (e && (e->track != track || e->kind != OUT_EV_TDI))
			continue;
		snprintf(what, sizeof(what), "%s, cycles %" PRIu64 "..%" PRIu64,
			 state_name[state & 3], from, e ? e->cycle : end);
		tl_rect(t, from, e ? e->cycle : end, state_color[state & 3],
			what, e ? e->detail : NULL, "");
		if (!e)
			break;
		from = e->cycle;
		state = e->value;
	}
}

static void lane_track(struct tl *t, const struct out_log *log, size_t track,
		       sim_cycles_t end)
{
	char what[160];

	tl_lane(t, log->tracks[track], LANE_H);
	if (!strncmp(log->tracks[track], "TDI ", 4))
		lane_tdi(t, log, track, end);
	for (size_t i = 0; i < log->nev; i++) {
		const struct out_ev *e = &log->ev[i];

		if (e->track != track || e->kind == OUT_EV_TDI)
			continue;
		if (e->kind == OUT_EV_INSTANT) {
			tl_tick(t, e->cycle, e->name, e->detail);
			continue;
		}
		snprintf(what, sizeof(what), "%s x%" PRIu64 ", cycles %" PRIu64
			 "..%" PRIu64 ", line %u", e->name, e->count, e->start,
			 e->end, e->line);
		tl_rect(t, e->start, e->end, result_color(e->value), what,
			e->detail, "");
	}
}

/* Findings: a triangle and the name, on two rows so names do not collide. */
static void lane_findings(struct tl *t, const struct run_result *r)
{
	unsigned int row_end[2] = { 0, 0 }, top;

	tl_lane(t, "findings", 2 * LANE_H);
	top = t->y - LANE_H;
	for (size_t i = 0; i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);
		const char *name = sim_finding_name(fd->kind);
		unsigned int x = tl_x(t, fd->first), row = row_end[0] > x && row_end[1] <= x;
		unsigned int y = top + row * LANE_H;
		char what[200], where[160];

		snprintf(what, sizeof(what), "%s x%" PRIu64 ", cycle %" PRIu64 ", at %s",
			 name, fd->count, fd->first,
			 report_finding_where(fd, where, sizeof(where)));
		fprintf(t->f, "<g data-finding=\"%zu\" class=\"finding\"><polygon points=\"%u,%u %u,%u %u,%u\" fill=\"%s\" stroke=\"#000\" stroke-width=\"0.5\">",
			i, x, y + 4, x - 6, y + LANE_H - 4, x + 6, y + LANE_H - 4,
			fd->suppressed ? "#BBBBBB" : OI_RED);
		title(t->f, what, fd->explain);
		fprintf(t->f, "</polygon><text x=\"%u\" y=\"%u\">%s%s</text></g>\n",
			x + 8, y + 15, name, fd->suppressed ? " (allowed)" : "");
		row_end[row] = x + 8 + 7 * (unsigned int)(strlen(name) + (fd->suppressed ? 10 : 0));
	}
}

/*
 * Idle bands across every lane: a veil, zigzags top and bottom and the
 * duration below the axis, the last two only where the band has room.
 */
static void breaks(struct tl *t, unsigned int top, unsigned int bottom)
{
	char d[32];

	for (size_t i = 0; i < t->nseg; i++) {
		const struct tl_seg *s = &t->seg[i];
		unsigned int mid = s->x0 + s->w / 2;

		if (!s->broken)
			continue;
		time_label(t->mhz, s->c1 - s->c0, d, sizeof(d));
		fprintf(t->f, "<g class=\"break\"><title>idle for %s (%" PRIu64 " cycles), drawn short</title>"
			"<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#fff\" fill-opacity=\"0.7\"/>",
			d, s->c1 - s->c0, s->x0 + (s->w > 8 ? 4 : 0), top,
			s->w > 8 ? s->w - 8 : s->w, bottom - top);
		if (s->w >= 16)
			fprintf(t->f, "<path d=\"M%u %u l4 -6 l4 12 l4 -6 M%u %u l4 -6 l4 12 l4 -6\" stroke=\"#666\" fill=\"none\"/>",
				mid - 6, bottom + 4, mid - 6, top + 4);
		if (s->w >= 30)
			fprintf(t->f, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\" fill=\"#444\">+%s</text>",
				mid, bottom + 28, d);
		fputs("</g>\n", t->f);
	}
}

/* Time labels at the ends of the linear stretches, where they fit. */
static void axis_labels(struct tl *t, unsigned int top)
{
	unsigned int last = 0;
	char lab[32];

	t->y += LANE_H;
	for (size_t i = 0; i < t->nseg; i++) {
		const struct tl_seg *s = &t->seg[i];

		if (s->step >= 0 || s->broken)
			continue;
		for (int end = 0; end < 2; end++) {
			unsigned int x = end ? s->x0 + s->w : s->x0;

			if (last && x < last + 70)
				continue;
			time_label(t->mhz, end ? s->c1 : s->c0, lab, sizeof(lab));
			fprintf(t->f, "<line x1=\"%u\" x2=\"%u\" y1=\"%u\" y2=\"%u\" stroke=\"#ccc\"/>\n<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n",
				x, x, top, t->y, x, t->y + 14, lab);
			last = x;
		}
	}
}

void out_html_timeline(FILE *f, const struct out_run *run, uint64_t mhz)
{
	const struct run_result *r = run->res;
	struct tl t = { .f = f, .mhz = mhz };
	size_t lanes = 3 + (run->log ? run->log->ntracks : 0);
	unsigned int h = (unsigned int)(lanes + 1) * LANE_H + AXIS_H, top;

	tl_layout(&t, run);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"100%%\" viewBox=\"0 0 %u %u\" preserveAspectRatio=\"xMinYMin meet\">\n",
		tl_width(), h);
	top = t.y + LANE_H;
	lane_steps(&t, r);
	for (size_t i = 0; run->log && i < run->log->ntracks; i++)
		lane_track(&t, run->log, i, r->cycles);
	lane_findings(&t, r);
	breaks(&t, top, t.y + LANE_H);
	axis_labels(&t, top);
	fputs("</svg>\n", f);
	fputs("<p class=\"legend\">x axis: time; a band marked + is an idle stretch drawn short (its length is written on it); &#9670; a step that took no time. "
	      "TDI: <span style=\"background:#DDDDDD\">CONFIG_UNLOCKED</span><span style=\"background:" OI_SKY "\">CONFIG_LOCKED</span><span style=\"background:" OI_GREEN ";color:#fff\">RUN</span><span style=\"background:" OI_RED ";color:#fff\">ERROR</span> "
	      "accesses: <span style=\"background:" OI_GREEN ";color:#fff\">ok</span><span style=\"background:" OI_SKY "\">retried</span><span style=\"background:" OI_ORANGE "\">fault</span><span style=\"background:" OI_YELLOW "\">ur</span><span style=\"background:" OI_RED ";color:#fff\">mce</span><span style=\"background:" OI_PURPLE "\">host-fault</span><span style=\"background:#000;color:#fff\">stuck</span> "
	      "(Okabe-Ito colours)</p>\n", f);
	if (run->log && run->log->dropped)
		fprintf(f, "<p>%" PRIu64 " trace events were not kept (the log holds %d).</p>\n",
			run->log->dropped, OUT_LOG_MAX_EVENTS);
	free(t.seg);
}
