// SPDX-License-Identifier: MIT
/*
 * mem.c - host physical memory map and the MMIO ownership index.
 *
 * Windows are few (one per BAR), kept sorted by base; each keeps the ids
 * of the live mappings that reach it, which is the index.  Mapping ids
 * are positions in one array plus one, so mem_map_get() is O(1); removed
 * mappings stay as tombstones so ids are never reused within a run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct window {
	uint64_t hpa, size;
	void *owner;
	unsigned int bar;
	uint64_t *ids;		/* live mappings reaching this window */
	size_t nids, capids;
};

struct mapping_slot {
	struct mem_mapping m;
	bool live;
};

struct mem {
	struct sim *s;
	uint64_t dram_next;
	uint64_t mmio_next;
	struct window *win;
	size_t nwin;
	struct mapping_slot *maps;
	size_t nmaps, capmaps;
};

struct mem *mem_create(struct sim *s)
{
	struct mem *m = calloc(1, sizeof(*m));

	TSM_BUG_ON(!m);
	m->s = s;
	m->dram_next = MEM_DRAM_BASE;
	m->mmio_next = MEM_MMIO_BASE;
	return m;
}

void mem_destroy(struct mem *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nwin; i++)
		free(m->win[i].ids);
	free(m->win);
	free(m->maps);
	free(m);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Inclusive ends: a window may end at 2^64 - 1, where a + size wraps. */
static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a <= b + (bs - 1) && b <= a + (as - 1);
}

int mem_alloc_dram(struct mem *m, uint64_t size, uint64_t align, uint64_t *hpa)
{
	uint64_t base;

	if (!size || !is_pow2(align))
		return -EINVAL;
	base = align_up(m->dram_next, align);
	if (base + size > MEM_MMIO_BASE || base + size < base)
		return -ENOSPC;
	/* RAM never lands on a BAR placed there before it (lint refuses it) */
	for (size_t i = 0; i < m->nwin; i++)
		if (overlaps(base, size, m->win[i].hpa, m->win[i].size))
			return -EEXIST;
	m->dram_next = base + size;
	*hpa = base;
	return 0;
}

static bool window_free(const struct mem *m, uint64_t hpa, uint64_t size,
			const struct window *skip)
{
	if (overlaps(hpa, size, MEM_DRAM_BASE, m->dram_next - MEM_DRAM_BASE))
		return false;
	for (size_t i = 0; i < m->nwin; i++)
		if (&m->win[i] != skip &&
		    overlaps(hpa, size, m->win[i].hpa, m->win[i].size))
			return false;
	return true;
}

static int win_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->hpa < y->hpa ? -1 : x->hpa > y->hpa;
}

int mem_add_window(struct mem *m, uint64_t *hpa, uint64_t size, void *owner,
		   unsigned int bar)
{
	uint64_t base = *hpa;

	if (!is_pow2(size) || (base & (size - 1)))
		return -EINVAL;
	if (!base) {
		if (size > MEM_MMIO_LIMIT - MEM_MMIO_BASE)
			return -ENOSPC;	/* and base + size cannot wrap below */
		base = align_up(m->mmio_next, size);
		while (base + size <= MEM_MMIO_LIMIT &&
		       !window_free(m, base, size, NULL))
			base += size;
		if (base + size > MEM_MMIO_LIMIT)
			return -ENOSPC;
		m->mmio_next = base + size;
	} else if (base + size < base || !window_free(m, base, size, NULL)) {
		return -EEXIST;
	}
	m->win = sim_xrealloc(m->win, m->nwin + 1, sizeof(*m->win));
	m->win[m->nwin++] = (struct window){ .hpa = base, .size = size,
					     .owner = owner, .bar = bar };
	qsort(m->win, m->nwin, sizeof(*m->win), win_cmp);
	*hpa = base;
	return 0;
}

static struct window *window_of(const struct mem *m, const void *owner,
				unsigned int bar)
{
	for (size_t i = 0; i < m->nwin; i++)
		if (m->win[i].owner == owner && m->win[i].bar == bar)
			return &m->win[i];
	return NULL;
}

bool mem_window(const struct mem *m, const void *owner, unsigned int bar,
		uint64_t *hpa, uint64_t *size)
{
	struct window *w = window_of(m, owner, bar);

	if (!w)
		return false;
	*hpa = w->hpa;
	*size = w->size;
	return true;
}

int mem_set_window_owner(struct mem *m, uint64_t hpa, void *owner)
{
	for (size_t i = 0; i < m->nwin; i++)
		if (m->win[i].hpa == hpa) {
			m->win[i].owner = owner;
			return 0;
		}
	return -ENOENT;
}

size_t mem_remove_windows(struct mem *m, const void *owner)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < m->nwin; i++) {
		if (m->win[i].owner == owner) {
			free(m->win[i].ids);
			n++;
			continue;
		}
		m->win[j++] = m->win[i];
	}
	m->nwin = j;
	return n;
}

int mem_move_window(struct mem *m, void *owner, unsigned int bar,
		    uint64_t new_hpa)
{
	struct window *w = window_of(m, owner, bar);

	if (!w)
		return -ENOENT;
	if ((new_hpa & (w->size - 1)) || !window_free(m, new_hpa, w->size, w))
		return -EEXIST;
	w->hpa = new_hpa;
	qsort(m->win, m->nwin, sizeof(*m->win), win_cmp);
	return 0;
}

static const struct window *window_at(const struct mem *m, uint64_t hpa)
{
	size_t lo = 0, hi = m->nwin;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct window *w = &m->win[mid];

		if (hpa < w->hpa)
			hi = mid;
		else if (hpa >= w->hpa + w->size)
			lo = mid + 1;
		else
			return w;
	}
	return NULL;
}

void mem_decode(const struct mem *m, uint64_t hpa, struct mem_target *t)
{
	const struct window *w = window_at(m, hpa);

	memset(t, 0, sizeof(*t));
	if (w) {
		t->kind = MEM_MMIO;
		t->owner = w->owner;
		t->bar = w->bar;
		t->offset = hpa - w->hpa;
		t->window_hpa = w->hpa;
		t->same_lo = w->hpa;
		t->same_hi = w->hpa + (w->size - 1);
	} else if (hpa >= MEM_DRAM_BASE && hpa < m->dram_next) {
		/* no window overlaps DRAM (mem_add_window() refuses it) */
		t->kind = MEM_DRAM;
		t->offset = hpa - MEM_DRAM_BASE;
		t->same_lo = MEM_DRAM_BASE;
		t->same_hi = m->dram_next - 1;
	} else {
		t->same_lo = t->same_hi = hpa;
	}
}

static void emit_map(struct mem *m, const struct mem_mapping *mm, bool add)
{
	struct sim_rec rec = { .type = add ? SIM_REC_MAP : SIM_REC_UNMAP };

	if (!sim_trace_wanted(m->s, rec.type))
		return;
	rec.u.map = (struct sim_rec_map){
		.kind = mm->kind, .map_id = mm->id, .table = mm->table,
		.addr = mm->addr, .hpa = mm->hpa, .size = mm->size,
		.owner_step = mm->step, .owner_line = mm->line,
		.owner_op = mm->op, .owner_label = mm->label,
		.populated = mm->populated,
	};
	sim_trace_emit(m->s, &rec);
}

static void index_add(struct window *w, uint64_t id)
{
	if (w->nids == w->capids) {
		w->capids = w->capids ? 2 * w->capids : 4;
		w->ids = sim_xrealloc(w->ids, w->capids, sizeof(*w->ids));
	}
	w->ids[w->nids++] = id;
}

static void index_del(struct window *w, uint64_t id)
{
	for (size_t i = 0; i < w->nids; i++)
		if (w->ids[i] == id) {
			memmove(&w->ids[i], &w->ids[i + 1],
				(w->nids - i - 1) * sizeof(*w->ids));
			w->nids--;
			return;
		}
}

uint64_t mem_map_add(struct mem *m, enum sim_map_kind kind, const char *table,
		     uint64_t addr, uint64_t hpa, uint64_t size, bool populated)
{
	const struct sim_step_ref *st = sim_step(m->s);
	struct mapping_slot *slot;

	if (m->nmaps == m->capmaps) {
		m->capmaps = m->capmaps ? 2 * m->capmaps : 16;
		m->maps = sim_xrealloc(m->maps, m->capmaps, sizeof(*m->maps));
	}
	slot = &m->maps[m->nmaps++];
	memset(slot, 0, sizeof(*slot));
	slot->live = true;
	slot->m = (struct mem_mapping){
		.id = m->nmaps, .kind = kind, .addr = addr, .hpa = hpa,
		.size = size, .populated = populated, .step = st->index,
		.line = st->line, .label = st->label, .op = st->op,
	};
	snprintf(slot->m.table, sizeof(slot->m.table), "%s", table);
	for (size_t i = 0; i < m->nwin; i++)
		if (overlaps(hpa, size, m->win[i].hpa, m->win[i].size))
			index_add(&m->win[i], slot->m.id);
	emit_map(m, &slot->m, true);
	return slot->m.id;
}

static struct mapping_slot *slot_of(const struct mem *m, uint64_t id)
{
	if (!id || id > m->nmaps || !m->maps[id - 1].live)
		return NULL;
	return &m->maps[id - 1];
}

void mem_map_remove(struct mem *m, uint64_t id)
{
	struct mapping_slot *slot = slot_of(m, id);

	if (!slot)
		return;
	slot->live = false;
	for (size_t i = 0; i < m->nwin; i++)
		index_del(&m->win[i], id);
	emit_map(m, &slot->m, false);
}

/* A change of populated is re-published so checkers describe it right. */
void mem_map_set_populated(struct mem *m, uint64_t id, bool populated)
{
	struct mapping_slot *slot = slot_of(m, id);

	if (!slot || slot->m.populated == populated)
		return;
	slot->m.populated = populated;
	emit_map(m, &slot->m, true);
}

const struct mem_mapping *mem_map_get(const struct mem *m, uint64_t id)
{
	struct mapping_slot *slot = slot_of(m, id);

	return slot ? &slot->m : NULL;
}

size_t mem_map_find(const struct mem *m, uint64_t hpa, uint64_t size,
		    unsigned int kind_mask, const struct mem_mapping **out,
		    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nwin; i++) {
		const struct window *w = &m->win[i];

		if (!overlaps(hpa, size, w->hpa, w->size))
			continue;
		for (size_t j = 0; j < w->nids; j++) {
			const struct mem_mapping *mm = &m->maps[w->ids[j] - 1].m;
			bool dup = false;

			if (!(kind_mask & MEM_KIND_BIT(mm->kind)) ||
			    !overlaps(hpa, size, mm->hpa, mm->size))
				continue;
			for (size_t k = 0; k < n && k < max; k++)
				dup |= out[k] == mm;
			if (dup)
				continue;
			if (n < max)
				out[n] = mm;
			n++;
		}
	}
	return n;
}

size_t mem_map_count(const struct mem *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nmaps; i++)
		n += m->maps[i].live;
	return n;
}
