// SPDX-License-Identifier: MIT
/*
 * event.c - the event queue: a binary min-heap of slab indices ordered by
 * (cycle, priority, sequence).  Cancel removes the node from the heap at
 * once (each node knows its heap position), so a cancelled event costs
 * nothing later and sim_events_queued() is exact.
 *
 * A handle is (sequence << 24 | slot + 1): unique while fewer than 2^40
 * events are scheduled and 2^24 - 1 are pending at once.
 */
#include <stdlib.h>

#include "sim_internal.h"

#define SLOT_BITS 24
#define SLOT_MASK ((1ULL << SLOT_BITS) - 1)

static bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->at != b->at)
		return a->at < b->at;
	if (a->prio != b->prio)
		return a->prio < b->prio;
	return a->seq < b->seq;
}

static void heap_place(struct sim *s, size_t pos, uint32_t slot)
{
	s->heap[pos] = slot;
	s->ev[slot].heap_pos = (int)pos;
}

static void sift_up(struct sim *s, size_t pos)
{
	uint32_t slot = s->heap[pos];

	while (pos > 0) {
		size_t parent = (pos - 1) / 2;

		if (!ev_before(&s->ev[slot], &s->ev[s->heap[parent]]))
			break;
		heap_place(s, pos, s->heap[parent]);
		pos = parent;
	}
	heap_place(s, pos, slot);
}

static void sift_down(struct sim *s, size_t pos)
{
	uint32_t slot = s->heap[pos];

	for (;;) {
		size_t c = 2 * pos + 1;

		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap &&
		    ev_before(&s->ev[s->heap[c + 1]], &s->ev[s->heap[c]]))
			c++;
		if (!ev_before(&s->ev[s->heap[c]], &s->ev[slot]))
			break;
		heap_place(s, pos, s->heap[c]);
		pos = c;
	}
	heap_place(s, pos, slot);
}

static uint32_t slot_alloc(struct sim *s)
{
	if (s->nfree)
		return s->free_ev[--s->nfree];
	if (s->nev == s->cap_ev) {
		s->cap_ev = s->cap_ev ? 2 * s->cap_ev : 64;
		TSM_BUG_ON(s->cap_ev > SLOT_MASK);
		s->ev = sim_xrealloc(s->ev, s->cap_ev, sizeof(*s->ev));
		s->free_ev = sim_xrealloc(s->free_ev, s->cap_ev,
					  sizeof(*s->free_ev));
	}
	return (uint32_t)s->nev++;
}

static void heap_remove(struct sim *s, size_t pos)
{
	uint32_t slot = s->heap[pos];

	s->ev[slot].heap_pos = -1;
	s->free_ev[s->nfree++] = slot;
	if (pos == --s->nheap)
		return;
	heap_place(s, pos, s->heap[s->nheap]);
	sift_down(s, pos);
	sift_up(s, (size_t)s->ev[s->heap[pos]].heap_pos);
}

uint64_t sim_event_schedule(struct sim *s, sim_cycles_t at, int prio,
			    sim_event_fn *fn, void *subject, void *object)
{
	uint32_t slot;
	struct sim_event *e;

	TSM_BUG_ON(at < s->now || !fn);
	slot = slot_alloc(s);
	e = &s->ev[slot];
	e->at = at;
	e->prio = prio;
	e->seq = ++s->seq;
	e->fn = fn;
	e->subject = subject;
	e->object = object;
	if (s->nheap == s->cap_heap) {
		s->cap_heap = s->cap_heap ? 2 * s->cap_heap : 64;
		s->heap = sim_xrealloc(s->heap, s->cap_heap, sizeof(*s->heap));
	}
	s->heap[s->nheap] = slot;
	e->heap_pos = (int)s->nheap++;
	sift_up(s, (size_t)e->heap_pos);
	return (e->seq << SLOT_BITS) | (slot + 1);
}

static struct sim_event *ev_of(const struct sim *s, uint64_t handle)
{
	uint64_t slot = (handle & SLOT_MASK);
	struct sim_event *e;

	if (!slot || slot > s->nev)
		return NULL;
	e = &s->ev[slot - 1];
	if (e->heap_pos < 0 || e->seq != handle >> SLOT_BITS)
		return NULL;
	return e;
}

bool sim_event_pending(const struct sim *s, uint64_t handle)
{
	return ev_of(s, handle) != NULL;
}

bool sim_event_cancel(struct sim *s, uint64_t handle)
{
	struct sim_event *e = ev_of(s, handle);

	if (!e)
		return false;
	heap_remove(s, (size_t)e->heap_pos);
	return true;
}

size_t sim_events_queued(const struct sim *s)
{
	return s->nheap;
}

sim_cycles_t sim_event_next_at(const struct sim *s)
{
	return s->nheap ? s->ev[s->heap[0]].at : SIM_CYCLES_MAX;
}

uint64_t sim_events_fired(const struct sim *s)
{
	return s->fired;
}

void sim_stop(struct sim *s)
{
	s->stop = true;
}

static const char *const run_status_names[] = {
	[SIM_RUN_IDLE] = "idle",
	[SIM_RUN_LIMIT] = "limit",
	[SIM_RUN_STOPPED] = "stopped",
	[SIM_RUN_WATCHDOG] = "watchdog",
};

const char *sim_run_status_name(enum sim_run_status st)
{
	return run_status_names[st];
}

static enum sim_run_status watchdog(struct sim *s, const char *what,
				    uint64_t limit)
{
	sim_finding_add(s, SIM_FIND_WATCHDOG, 0,
			"the watchdog stopped the run: limits.%s = %llu was reached at cycle %llu",
			what, (unsigned long long)limit,
			(unsigned long long)s->now);
	return SIM_RUN_WATCHDOG;
}

bool sim_runahead(struct sim *s, sim_cycles_t at, int prio)
{
	const struct sim_event *e;

	TSM_BUG_ON(at < s->now);
	if (s->no_runahead || s->stop || at > s->run_limit)
		return false;
	if (s->nheap) {
		e = &s->ev[s->heap[0]];
		/* a virtual event's sequence number is larger than any queued */
		if (e->at < at || (e->at == at && e->prio <= prio))
			return false;
	}
	if ((s->max_cycles && at > s->max_cycles) ||
	    (s->max_events && s->fired >= s->max_events) ||
	    (s->wall_deadline_ns && s->fired >= s->wall_next))
		return false;	/* back to sim_run_until(): its watchdog decides */
	s->seq++;
	s->fired++;
	s->now = at;
	return true;
}

bool sim_runahead_span(const struct sim *s, int prio, sim_cycles_t *last,
		       uint64_t *left)
{
	sim_cycles_t l = s->run_limit;

	if (s->no_runahead || s->stop)
		return false;
	if (s->max_cycles && s->max_cycles < l)
		l = s->max_cycles;
	if (s->nheap) {
		const struct sim_event *e = &s->ev[s->heap[0]];

		/* the same tie rule as sim_runahead() */
		if (prio < e->prio) {
			if (e->at < l)
				l = e->at;
		} else {
			if (!e->at)
				return false;
			if (e->at - 1 < l)
				l = e->at - 1;
		}
	}
	*left = UINT64_MAX;
	if (s->max_events)
		*left = s->fired < s->max_events ? s->max_events - s->fired : 0;
	/* back to sim_run_until() when --timeout's clock is due, as sim_runahead() */
	if (s->wall_deadline_ns) {
		uint64_t w = s->fired < s->wall_next ? s->wall_next - s->fired : 0;

		if (w < *left)
			*left = w;
	}
	*last = l;
	return *left && l >= s->now;
}

void sim_runahead_commit(struct sim *s, sim_cycles_t at, uint64_t n)
{
	TSM_BUG_ON(at < s->now);
	s->seq += n;
	s->fired += n;
	s->now = at;
}

void sim_set_runahead(struct sim *s, bool on)
{
	s->no_runahead = !on;
}

enum sim_run_status sim_run_until(struct sim *s, sim_cycles_t limit)
{
	s->stop = false;
	s->run_limit = limit;
	while (s->nheap) {
		struct sim_event *e = &s->ev[s->heap[0]];
		struct sim_event fire;

		if (e->at > limit) {
			s->now = limit;
			return SIM_RUN_LIMIT;
		}
		if (s->max_cycles && e->at > s->max_cycles) {
			s->now = s->max_cycles;
			return watchdog(s, "max_cycles", s->max_cycles);
		}
		if (s->max_events && s->fired >= s->max_events)
			return watchdog(s, "max_events", s->max_events);
		if (s->wall_deadline_ns && s->fired >= s->wall_next &&
		    sim_wall_expired(s)) {
			sim_finding_add(s, SIM_FIND_WATCHDOG, 0,
					"the watchdog stopped the run: --timeout %llu ms of wall-clock time ran out at cycle %llu",
					(unsigned long long)s->wall_ms,
					(unsigned long long)s->now);
			return SIM_RUN_WATCHDOG;
		}
		if (s->fired >= s->wall_next)
			s->wall_next = s->fired + 1024;	/* the clock every 1024 events */
		fire = *e;
		heap_remove(s, 0);
		s->now = fire.at;
		s->fired++;
		fire.fn(s, fire.subject, fire.object);
		if (s->stop)
			return SIM_RUN_STOPPED;
	}
	return SIM_RUN_IDLE;
}

void sim_events_fini(struct sim *s)
{
	free(s->ev);
	free(s->free_ev);
	free(s->heap);
}
