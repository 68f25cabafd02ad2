// SPDX-License-Identifier: MIT
/*
 * traffic.c - background load (docs/scenarios.md): closed-loop streams,
 * each issuing one access, completing it after its latency, and issuing
 * the next `gap` cycles after the completion.  Two events per access: the
 * issue (the access is resolved against the state of that cycle) and the
 * completion (the access record, DMA completion checks).
 *
 * Addresses follow the contract so streams are reproducible across
 * implementations (docs/bench.md): random draws r from the
 * stream's xorshift64*, page = r % pages, offset = ((r >> 32) % lines) *
 * size; sequential walks lines in order and wraps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

#define PAGE 4096ULL
#define NO_MASK UINT64_MAX
/*
 * How far ahead a random device stream draws and prefetches walks: a
 * walk that misses the caches (~100 ns of DRAM) needs several accesses'
 * time to arrive, and its last two loads depend on each other (the last
 * table's pointer in the arena's index, then the entry), so each is
 * asked for STAGE accesses after the one before it: the pointer
 * 2 * STAGE accesses ahead, the entry STAGE ahead.  Measured at 2^24
 * pages (docs/performance.md, scale): STAGE 3 to 8 alike, far better
 * than the entry alone at any distance; asking for the entry above as
 * well (a third stage) costs more than it hides.
 */
#define STAGE 4u
#define NSTAGES 2u
#define AHEAD (NSTAGES * STAGE)
_Static_assert(!(AHEAD & (AHEAD - 1)), "the ring's size is a power of 2");

struct stream {
	struct traffic *t;
	const struct scn_traffic *cfg;
	struct sim_rng rng;
	uint64_t k;		/* accesses completed */
	uint64_t pages, lines;	/* lines per page */
	/* pages - 1, lines - 1 and log2(lines) when powers of 2, else NO_MASK */
	uint64_t pmask, lmask;
	unsigned int lshift;
	bool started, stopped;
	struct pcie_dev *dev;
	struct plat_guest *g;
	struct plat_access acc;
	sim_cycles_t issued;
	bool fast;		/* the access in flight took plat_dma_again() */
	bool pending;		/* stream_batch() drew @pending_addr already */
	uint64_t pending_addr;
	bool peek;		/* a random device stream: prefetch walks ahead */
	/*
	 * with @full, the AHEAD addresses after @pending_addr (draw_ahead()),
	 * the next one at @rd
	 */
	bool full;
	unsigned int rd;
	uint64_t ring[AHEAD];
	char name[96];
	sim_cycles_t first_issue;
	uint64_t *st_issued, *st_not_issued, *st_cycles;
};

struct traffic {
	struct world *w;
	struct stream *st;
	size_t n;
};

static void stream_issue(struct sim *s, void *subject, void *object);
static void stream_complete(struct sim *s, void *subject, void *object);

static inline uint64_t draw_addr(struct stream *x)
{
	const struct scn_traffic *c = x->cfg;
	uint64_t page, line, r;

	switch (c->pattern) {
	case SCN_PAT_SEQUENTIAL:
		/* shifts and masks when the counts are powers of 2 */
		if (x->lmask != NO_MASK) {
			page = x->k >> x->lshift;
			line = x->k & x->lmask;
		} else {
			page = x->k / x->lines;
			line = x->k % x->lines;
		}
		break;
	case SCN_PAT_RANDOM:
		r = sim_rng_next(&x->rng);
		page = r;
		line = x->lmask != NO_MASK ? (r >> 32) & x->lmask :
					     (r >> 32) % x->lines;
		break;
	default:
		return x->cfg->addr;
	}
	/* the same remainder as page % pages */
	page = x->pmask != NO_MASK ? page & x->pmask : page % x->pages;
	return c->addr + page * PAGE + line * c->size;
}

/*
 * The next address: a new one, or with a full ring the oldest one there,
 * whose slot takes a new one (the newest, AHEAD accesses on).
 */
static inline uint64_t next_addr(struct stream *x)
{
	uint64_t addr;

	if (!x->full)
		return draw_addr(x);
	addr = x->ring[x->rd];
	x->ring[x->rd] = draw_addr(x);
	x->rd = (x->rd + 1) & (AHEAD - 1);
	return addr;
}

/*
 * Fill the ring with the AHEAD addresses after the next one (random only:
 * a sequential address follows the completed count), and with @pf ask
 * for the walks of those STAGE, 2 * STAGE ... accesses on
 * (plat_dma_prefetch()), each stage a load further down the walk.  The
 * draws are the same, in the same order, and next_addr() takes them
 * oldest first; the generator is the stream's own, so draws that come
 * early, or too many when the stream ends, change nothing else.
 */
static inline void draw_ahead(struct stream *x, bool pf)
{
	if (!x->full) {
		for (unsigned int i = 0; i < AHEAD; i++)
			x->ring[i] = draw_addr(x);
		x->rd = 0;
		x->full = true;
	}
	/* the access i on sits at rd + i - 1 */
	for (unsigned int st = 0; pf && st < NSTAGES; st++)
		plat_dma_prefetch(x->t->w->p, x->dev,
				  x->ring[(x->rd + (st + 1) * STAGE - 1) &
					  (AHEAD - 1)], st);
}

static void stream_stop(struct stream *x)
{
	x->stopped = true;
}

/*
 * Next-event cycles are saturated sums (sim_cycles_add): a stream whose
 * next event would pass the end of time waits at SIM_CYCLES_MAX, beyond
 * every limits.max_cycles, so the run ends with a `watchdog` finding
 * naming the stream instead of the stream ending quietly with accesses
 * left.
 *
 * The completion half of an access: publish it and count it.  Returns
 * false when the stream ends here.
 */
static bool complete_one(struct sim *s, struct stream *x)
{
	struct platform *p = x->t->w->p;

	if (x->dev)
		plat_dma_complete(p, x->dev, &x->acc);
	/* a fast repeat's record would change no checker (plat_dma_again) */
	if (!x->fast)
		plat_emit_access(p, &x->acc, x->issued);
	x->k++;
	/* the workload's "cycles": from the first issue to the last completion */
	*x->st_cycles = sim_now(s) - x->first_issue;
	if (x->acc.result == SIM_RES_STUCK ||
	    (x->cfg->count && x->k >= x->cfg->count))
		stream_stop(x);
	return !x->stopped;
}

/*
 * The issue half: resolve the access against the state of this cycle.
 * Returns the cycle of the stream's next event; *@complete tells whether
 * that is the completion (else it is the next issue, when the TDI may not
 * emit the request now and the stream tries again after the gap).
 */
static bool issue_one(struct sim *s, struct stream *x, bool *complete,
		      sim_cycles_t *next)
{
	struct platform *p = x->t->w->p;
	struct plat_access *a = &x->acc;
	uint64_t addr = x->pending ? x->pending_addr : next_addr(x);

	x->pending = false;
	x->issued = sim_now(s);
	if (!(*x->st_issued)++)
		x->first_issue = x->issued;
	a->value = x->k;
	switch (x->dev ? plat_dma_again(p, x->dev, a, addr) : PLAT_AGAIN_NONE) {
	case PLAT_AGAIN_REPEAT:
		x->fast = true;
		*complete = true;
		*next = sim_cycles_add(x->issued, a->lat);
		return true;
	case PLAT_AGAIN_FULL:
		x->fast = false;
		*complete = true;
		*next = sim_cycles_add(x->issued, a->lat);
		return true;
	case PLAT_AGAIN_NONE:
		break;
	}
	x->fast = false;
	a->who = x->dev ? SIM_INIT_DEVICE : x->g ? SIM_INIT_GUEST : SIM_INIT_HOST;
	a->initiator = x->name;
	a->write = x->cfg->write;
	a->priv = x->cfg->priv;
	a->addr = addr;
	a->size = x->cfg->size;
	if (x->dev) {
		plat_dma(p, x->dev, a);
	} else if (x->g) {
		plat_guest_access(p, x->g, a);
	} else if (vfio_host_access(x->t->w->host, x->cfg->from_name, a)) {
		/* the mapping is gone (munmap) or the offset left the BAR */
		a->result = SIM_RES_FAULT;
		a->detail = "no such host mapping (SIGSEGV)";
		a->lat = 0;
	}
	*complete = !a->not_issued;
	if (!a->not_issued) {
		*next = sim_cycles_add(x->issued, a->lat);
		return true;
	}
	/* the TDI may not emit it now: it tries again after the gap */
	(*x->st_not_issued)++;
	x->k++;
	if (x->cfg->count && x->k >= x->cfg->count) {
		stream_stop(x);
		return false;
	}
	*next = sim_cycles_add(x->issued, sim_cycles_add(x->cfg->gap, 1));
	return true;
}

/* Keep @addr, drawn ahead, for the next issue. */
static bool stream_pend(struct stream *x, uint64_t addr)
{
	x->pending = true;
	x->pending_addr = addr;
	return true;
}

/*
 * An access on another page inside the span: the clock moves to its issue
 * first (the translation reads it, e.g. for a fault record), and the
 * events so far are accounted.  plat_dma_other_page() translates; a
 * repeat (same mapping, same region) schedules and publishes nothing, so
 * the span stays valid; anything else did the whole issue.
 */
static enum plat_again batch_translate(struct sim *s, struct stream *x,
				       sim_cycles_t t, uint64_t addr,
				       uint64_t *n, uint64_t *left)
{
	sim_runahead_commit(s, t, *n + 1);
	*left -= *n + 1;
	*n = 0;
	x->issued = t;
	(*x->st_issued)++;
	x->acc.value = x->k;
	return plat_dma_other_page(x->t->w->p, x->dev, &x->acc, addr);
}

/*
 * Repeats in one go: while the next access repeats the last one
 * (plat_dma_same_page(), or plat_dma_other_page() after a translation),
 * do its issue and its completion as issue_one() and complete_one()
 * would, inside one run-ahead span, instead of asking sim_runahead()
 * twice per access.  A repeat schedules nothing, stops nothing and
 * changes nothing another model reads, so the span stays valid
 * throughout.  Returns false when the stream's next event is queued or
 * the stream stopped; else *@at is the next event to do: the issue, or
 * when *@complete is set the completion of an access that was not a
 * repeat after all.
 */
static bool stream_batch(struct sim *s, struct stream *x, sim_cycles_t *at,
			 bool *complete)
{
	struct platform *p = x->t->w->p;
	struct plat_access *a = &x->acc;
	sim_cycles_t last, t = *at, cur = 0, done;
	uint64_t left, n = 0, addr;
	bool pf;

	if (!x->dev || !a->again || x->pending)
		return true;
	addr = next_addr(x);
	if (!sim_runahead_span(s, SIM_PRIO_ACCESS, &last, &left))
		return stream_pend(x, addr);
	pf = x->peek && plat_dma_prefetch_pays(p, x->dev);
	for (;;) {
		if (t > last || n >= left) {
			stream_pend(x, addr);
			break;
		}
		/*
		 * the walk AHEAD accesses on comes into the cache meanwhile
		 * (addresses are drawn ahead whenever they could be, so
		 * every random stream runs this path, prefetch or not)
		 */
		if (x->peek)
			draw_ahead(x, pf);
		if ((!((addr ^ a->addr) >> 12) && plat_dma_same_page(p, a, addr)) ||
		    ((addr & 4095) + a->size <= 4096 &&
		     plat_dma_next_page(p, x->dev, a, addr))) {
			n++;			/* the issue at t */
			cur = x->issued = t;
			(*x->st_issued)++;
			a->value = x->k;
		} else if ((addr & 4095) + a->size > 4096) {
			stream_pend(x, addr);	/* issue_one() takes it */
			break;
		} else {
			cur = t;
			if (batch_translate(s, x, t, addr, &n, &left) !=
			    PLAT_AGAIN_REPEAT) {
				x->fast = false;
				*complete = true;
				*at = sim_cycles_add(t, a->lat);
				return true;
			}
		}
		x->fast = true;
		if (__builtin_add_overflow(t, a->lat, &done)) {
			stream_stop(x);
			break;
		}
		if (done > last || n >= left) {
			/* the completion waits in the queue */
			sim_runahead_commit(s, cur, n);
			sim_event_schedule(s, done, SIM_PRIO_ACCESS,
					   stream_complete, x, NULL);
			return false;
		}
		n++;				/* the completion at done */
		cur = done;
		x->k++;
		*x->st_cycles = done - x->first_issue;
		if ((x->cfg->count && x->k >= x->cfg->count) ||
		    __builtin_add_overflow(done, x->cfg->gap, &t)) {
			stream_stop(x);
			break;
		}
		addr = next_addr(x);
	}
	if (n)
		sim_runahead_commit(s, cur, n);
	*at = t;
	return !x->stopped;
}

/*
 * A stream's life is issue -> completion -> (gap) -> issue ...  Each of
 * those is an event; sim_runahead() lets the stream do the next one at
 * once while nothing else is due first, which gives the same results as
 * queueing it (docs/performance.md) without the queue.
 */
static void stream_run(struct sim *s, struct stream *x, bool complete,
		       sim_cycles_t at)
{
	for (;;) {
		if (!complete && !stream_batch(s, x, &at, &complete))
			return;
		if (!sim_runahead(s, at, SIM_PRIO_ACCESS)) {
			sim_event_schedule(s, at, SIM_PRIO_ACCESS,
					   complete ? stream_complete : stream_issue,
					   x, NULL);
			return;
		}
		if (complete) {
			if (!complete_one(s, x))
				return;
			at = sim_cycles_add(sim_now(s), x->cfg->gap);
			complete = false;
		} else if (!issue_one(s, x, &complete, &at)) {
			return;
		}
	}
}

/*
 * Called from the stream's queued events: other events came between, so
 * what the last access saw may have changed; the next one, and this
 * completion's record, go through the whole pipeline.
 */
static void stream_woken(struct stream *x)
{
	x->acc.repeatable = x->acc.again = false;
	x->fast = false;
}

static void stream_complete(struct sim *s, void *subject, void *object)
{
	struct stream *x = subject;

	stream_woken(x);
	if (complete_one(s, x))
		stream_run(s, x, false, sim_cycles_add(sim_now(s), x->cfg->gap));
}

static void stream_issue(struct sim *s, void *subject, void *object)
{
	struct stream *x = subject;
	sim_cycles_t at;
	bool complete;

	if (x->stopped)
		return;
	stream_woken(x);
	if (issue_one(s, x, &complete, &at))
		stream_run(s, x, complete, at);
}

static void stream_start(struct stream *x, sim_cycles_t at)
{
	struct sim *s = x->t->w->s;

	if (x->started || x->stopped)
		return;
	x->started = true;
	sim_event_schedule(s, at > sim_now(s) ? at : sim_now(s),
			   SIM_PRIO_ACCESS, stream_issue, x, NULL);
}

const struct scn_traffic *traffic_running(const struct traffic *t)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->st[i].started && !t->st[i].stopped)
			return t->st[i].cfg;
	return NULL;
}

static void stream_init(struct traffic *t, struct stream *x,
			const struct scn_traffic *c)
{
	struct world *w = t->w;
	uint64_t span = c->span ? c->span : c->size;
	char stat[128];

	x->t = t;
	x->cfg = c;
	sim_rng_init(&x->rng, sim_seed(w->s), c->index);
	x->lines = (span < PAGE ? span : PAGE) / c->size;
	x->pages = span / PAGE ? span / PAGE : 1;
	if (!x->lines)
		x->lines = 1;
	x->pmask = x->pages & (x->pages - 1) ? NO_MASK : x->pages - 1;
	x->lmask = x->lines & (x->lines - 1) ? NO_MASK : x->lines - 1;
	x->lshift = (unsigned int)__builtin_ctzll(x->lines);
	/* "<guest|device> <stream>": checkers tie an access to its issuer */
	snprintf(x->name, sizeof(x->name), "%s %s", c->from_name, c->name);
	if (c->from == SCN_FROM_DEVICE)
		x->dev = world_dev(w, c->from_name);
	else if (c->from == SCN_FROM_GUEST)
		x->g = world_guest(w, c->from_name);
	x->peek = x->dev && c->pattern == SCN_PAT_RANDOM;
	snprintf(stat, sizeof(stat), "traffic.%s.issued", c->name);
	x->st_issued = sim_stat(w->s, stat);
	snprintf(stat, sizeof(stat), "traffic.%s.not_issued", c->name);
	x->st_not_issued = sim_stat(w->s, stat);
	snprintf(stat, sizeof(stat), "traffic.%s.cycles", c->name);
	x->st_cycles = sim_stat(w->s, stat);
}

struct traffic *traffic_create(struct world *w)
{
	struct traffic *t = calloc(1, sizeof(*t));

	TSM_BUG_ON(!t);
	t->w = w;
	t->n = w->scn->ntraffic;
	t->st = calloc(t->n ? t->n : 1, sizeof(*t->st));
	TSM_BUG_ON(!t->st);
	for (size_t i = 0; i < t->n; i++)
		stream_init(t, &t->st[i], &w->scn->traffic[i]);
	return t;
}

void traffic_destroy(struct traffic *t)
{
	if (!t)
		return;
	free(t->st);
	free(t);
}

void traffic_start(struct traffic *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct stream *x = &t->st[i];

		if (!x->cfg->start_label)
			stream_start(x, x->cfg->start);
	}
}

void traffic_label(struct traffic *t, const char *label, bool completed)
{
	for (size_t i = 0; i < t->n; i++) {
		struct stream *x = &t->st[i];

		if (!completed && x->cfg->until && !strcmp(x->cfg->until, label))
			stream_stop(x);
		if (completed && x->cfg->start_label &&
		    !strcmp(x->cfg->start_label, label))
			stream_start(x, sim_now(t->w->s));
	}
}
