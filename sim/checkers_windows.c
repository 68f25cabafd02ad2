// SPDX-License-Identifier: MIT
/*
 * checkers_windows.c - the expect windows of docs/scenarios.md: hitless
 * windows (open / close on step records, which accesses they cover, the
 * hitless-violation finding) and allow windows (which access-error results
 * a window suppresses).  The bookkeeper (checkers.c) drives chk_on_step().
 */
#include <errno.h>
#include <string.h>

#include "checkers_internal.h"

/* ------------------------------------------------------------ helpers */

/* "vm0" is "vm0", and so is a traffic stream named "vm0 mmio-poll". */
static bool chk_initiator_is(const char *initiator, const char *name)
{
	size_t n = strlen(name);

	if (!initiator || strncmp(initiator, name, n))
		return false;
	return !initiator[n] || strchr(" :/.", initiator[n]);
}

/*
 * Table "vm0 shared EPT" belongs to initiator "vm0" / "vm0 mmio-poll", and
 * so does KVM's memslot "kvm vm0 slot" (models/host/kvm.c names it so).
 */
static bool chk_same_owner(const char *table, const char *initiator)
{
	size_t n;

	if (!strncmp(table, "kvm ", 4))
		table += 4;
	n = strcspn(table, " :/.");

	return initiator && n && strcspn(initiator, " :/.") == n &&
	       !strncmp(table, initiator, n);
}

/* ---------------------------------------------------------- windows */

static void hit_open(struct chk_ctx *c, size_t i, const struct sim_rec *rec)
{
	struct chk_hitless *h = &c->hit[i];

	if (h->st.verdict != SIM_HITLESS_NOT_REACHED)
		return;
	h->st.verdict = SIM_HITLESS_OPEN;
	h->st.opened = rec->cycle;
	h->from = rec->step;
	c->hit_open |= 1ULL << i;
	if (h->cfg.range != SIM_WIN_HPA)
		return;
	/* "as mapped when the window opened": remember who reached it then */
	h->snap = sim_xrealloc(NULL, c->nlive + 1, sizeof(*h->snap));
	for (size_t k = 0; k < c->nlive; k++) {
		struct chk_map *m = &c->maps[c->live[k]];

		if (!chk_overlap(m->hpa, m->size, h->cfg.base, h->cfg.size))
			continue;
		m->win_mask |= 1ULL << i;
		h->snap[h->nsnap++] = c->live[k];
	}
}

static void sb_range(struct chk_sb *b, const struct chk_hitless *h)
{
	static const char *const word[] = {
		[SIM_WIN_HPA] = "HPA", [SIM_WIN_GPA] = "GPA",
		[SIM_WIN_IOVA] = "IOVA",
	};

	if (h->cfg.what) {
		chk_sb_add(b, "%s", h->cfg.what);
		return;
	}
	chk_sb_add(b, "%s%s%s 0x%llx+0x%llx", h->cfg.guest ? h->cfg.guest : "",
		   h->cfg.guest ? " " : "", word[h->cfg.range],
		   (unsigned long long)h->cfg.base,
		   (unsigned long long)h->cfg.size);
}

static void hit_report(struct sim *s, struct chk_hitless *h, size_t i)
{
	char buf[3 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	struct sim_finding *f;

	chk_sb_add(&b, "hitless window at line %u over ", h->cfg.line);
	sb_range(&b, h);
	chk_sb_add(&b, ", from ");
	chk_sb_step(&b, &h->from);
	if (h->to.index >= 0) {
		chk_sb_add(&b, " to ");
		chk_sb_step(&b, &h->to);
	} else {
		chk_sb_add(&b, " to the end of the run");
	}
	chk_sb_add(&b, ": %llu of %llu accesses did not end ok; the first, %s; the range was unavailable for up to %llu cycles (from cycle %llu)",
		   (unsigned long long)h->st.bad,
		   (unsigned long long)h->st.accesses, h->first_desc,
		   (unsigned long long)h->st.longest,
		   (unsigned long long)h->st.longest_from);
	f = sim_finding_add(s, SIM_FIND_HITLESS_VIOLATION,
			    chk_nz(chk_hash_str(i, "hitless")), "%s", buf);
	f->count = h->st.bad;
	f->first = h->st.first_bad;
	f->last = h->st.last_bad;
	f->step = h->first_step.index;
	f->line = h->first_step.index >= 0 ? h->first_step.line : h->cfg.line;
	f->label = h->first_step.label;
	f->open = false;
	h->st.finding = (long)sim_findings_count(s) - 1;
}

static void hit_unavail_end(struct chk_hitless *h, sim_cycles_t at)
{
	sim_cycles_t len = at - h->unavail_since;

	if (!h->unavail)
		return;
	h->unavail = false;
	if (len > h->st.longest || !h->st.longest) {
		h->st.longest = len;
		h->st.longest_from = h->unavail_since;
	}
}

static void hit_close(struct sim *s, struct chk_ctx *c, size_t i,
		      sim_cycles_t at, const struct sim_step_ref *to)
{
	struct chk_hitless *h = &c->hit[i];

	if (h->st.verdict != SIM_HITLESS_OPEN)
		return;
	c->hit_open &= ~(1ULL << i);
	h->st.closed = at;
	h->to = *to;
	hit_unavail_end(h, at);
	if (h->st.bad) {
		h->st.verdict = SIM_HITLESS_VIOLATED;
		hit_report(s, h, i);
	} else {
		h->st.verdict = h->st.accesses ? SIM_HITLESS_CLEAN :
						 SIM_HITLESS_UNEXERCISED;
	}
}

static void allow_recompute(struct chk_ctx *c)
{
	c->allow_mask = 0;
	for (size_t i = 0; i < c->nallow; i++)
		if (c->allow[i].open)
			c->allow_mask |= c->allow[i].cfg.results;
}

void chk_on_step(struct sim *s, struct chk_ctx *c, const struct sim_rec *rec,
		 bool begin)
{
	int idx = rec->step.index;

	for (size_t i = 0; i < c->nhit; i++) {
		if (begin && c->hit[i].cfg.from_step == idx)
			hit_open(c, i, rec);
		else if (!begin && c->hit[i].cfg.to_step == idx)
			hit_close(s, c, i, rec->cycle, &rec->step);
	}
	for (size_t i = 0; i < c->nallow; i++) {
		if (begin && c->allow[i].cfg.from_step == idx)
			c->allow[i].open = true;
		else if (!begin && c->allow[i].cfg.to_step == idx)
			c->allow[i].open = false;
	}
	allow_recompute(c);
}

/* ------------------------------------------------------------ hitless */

/* Where @a went "as mapped when the window opened" (docs/scenarios.md). */
static bool hit_snap_covers(const struct chk_ctx *c, const struct chk_hitless *h,
			    const struct sim_rec_access *a,
			    const struct chk_map *m, uint64_t bit)
{
	const struct chk_map *sm;

	if (m && (m->win_mask & bit))
		return a->addr - m->addr < m->size &&
		       chk_overlap(m->hpa + (a->addr - m->addr), a->size,
				   h->cfg.base, h->cfg.size);
	if (a->map_id || a->who != SIM_INIT_GUEST)
		return false;
	/* a guest access that found no mapping: through the guest's tables */
	for (size_t k = 0; k < h->nsnap; k++) {
		sm = &c->maps[h->snap[k]];
		if ((sm->kind != SIM_MAP_S2_SHARED &&
		     sm->kind != SIM_MAP_S2_PRIVATE) ||
		    a->addr - sm->addr >= sm->size ||
		    !chk_same_owner(sm->table, a->initiator))
			continue;
		if (chk_overlap(sm->hpa + (a->addr - sm->addr), a->size,
				h->cfg.base, h->cfg.size))
			return true;
	}
	return false;
}

static bool hit_covers(const struct chk_ctx *c, const struct chk_hitless *h,
		       const struct sim_rec_access *a, const struct chk_map *m,
		       uint64_t bit)
{
	switch (h->cfg.range) {
	case SIM_WIN_GPA:
		return a->who == SIM_INIT_GUEST &&
		       chk_initiator_is(a->initiator, h->cfg.guest) &&
		       chk_overlap(a->addr, a->size, h->cfg.base, h->cfg.size);
	case SIM_WIN_IOVA:
		return a->who == SIM_INIT_DEVICE &&
		       chk_overlap(a->addr, a->size, h->cfg.base, h->cfg.size);
	case SIM_WIN_HPA:
		if (a->hpa != CHK_NO_HPA &&
		    chk_overlap(a->hpa, a->size, h->cfg.base, h->cfg.size))
			return true;
		return hit_snap_covers(c, h, a, m, bit);
	}
	return false;
}

static void hit_account(struct chk_hitless *h, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_sb b = { h->first_desc, sizeof(h->first_desc), 0 };

	h->st.accesses++;
	if (a->result == SIM_RES_OK) {
		hit_unavail_end(h, rec->cycle);
		return;
	}
	if (!h->st.bad++) {
		h->st.first_bad = rec->cycle;
		h->first_step = rec->step;
		chk_sb_access(&b, a);
		chk_sb_add(&b, " at cycle %llu",
			   (unsigned long long)rec->cycle);
		chk_sb_during(&b, &rec->step);
		chk_sb_add(&b, ", ");
		chk_sb_result(&b, a);
	}
	h->st.last_bad = rec->cycle;
	if (!h->unavail) {
		h->unavail = true;
		h->unavail_since = rec->cycle;
	}
}

void chk_hitless_judge(struct chk_ctx *c, const struct sim_rec *rec,
		       const struct chk_map *m)
{
	uint64_t open = c->hit_open;

	for (size_t i = 0; open; i++, open >>= 1)
		if ((open & 1) &&
		    hit_covers(c, &c->hit[i], &rec->u.access, m, 1ULL << i))
			hit_account(&c->hit[i], rec);
}

void chk_hitless_finish(struct sim *s, void *ctx)
{
	static const struct sim_step_ref none = { .index = -1 };
	struct chk_ctx *c = ctx;

	/* the run ended inside a window: it closes with the run */
	for (size_t i = 0; i < c->nhit; i++)
		hit_close(s, c, i, sim_now(s), &none);
}

/* ------------------------------------------------------ configuration */

int chk_cfg_valid(const struct sim_checker_cfg *cfg)
{
	if (cfg->nhitless > SIM_HITLESS_MAX)
		return -E2BIG;
	if ((cfg->nhitless && !cfg->hitless) || (cfg->nallow && !cfg->allow))
		return -EINVAL;
	for (size_t i = 0; i < cfg->nhitless; i++) {
		const struct sim_hitless_cfg *h = &cfg->hitless[i];

		if (h->from_step < 0 || h->to_step < h->from_step ||
		    !h->size || h->range > SIM_WIN_IOVA ||
		    (h->range == SIM_WIN_GPA && !h->guest))
			return -EINVAL;
	}
	for (size_t i = 0; i < cfg->nallow; i++)
		if (cfg->allow[i].from_step < 0 ||
		    cfg->allow[i].to_step < cfg->allow[i].from_step)
			return -EINVAL;
	return 0;
}

void chk_copy_cfg(struct chk_ctx *c, const struct sim_checker_cfg *cfg)
{
	c->nhit = cfg->nhitless;
	c->hit = sim_xrealloc(NULL, c->nhit + 1, sizeof(*c->hit));
	memset(c->hit, 0, (c->nhit + 1) * sizeof(*c->hit));
	for (size_t i = 0; i < c->nhit; i++) {
		struct chk_hitless *h = &c->hit[i];

		h->cfg = cfg->hitless[i];
		h->cfg.guest = h->cfg.guest ? chk_strdup(h->cfg.guest) : NULL;
		h->cfg.what = h->cfg.what ? chk_strdup(h->cfg.what) : NULL;
		h->st.finding = -1;
		h->from.index = h->to.index = h->first_step.index = -1;
	}
	c->nallow = cfg->nallow;
	c->allow = sim_xrealloc(NULL, c->nallow + 1, sizeof(*c->allow));
	for (size_t i = 0; i < c->nallow; i++)
		c->allow[i] = (struct chk_allow){ cfg->allow[i], false };
}

size_t sim_hitless_count(const struct sim *s)
{
	const struct chk_ctx *c = chk_find(s);

	return c ? c->nhit : 0;
}

int sim_hitless_get(const struct sim *s, size_t i,
		    struct sim_hitless_status *st)
{
	const struct chk_ctx *c = chk_find(s);

	if (!c || i >= c->nhit)
		return -ENOENT;
	*st = c->hit[i].st;
	return 0;
}

const char *sim_hitless_verdict_name(enum sim_hitless_verdict v)
{
	static const char *const names[] = {
		[SIM_HITLESS_NOT_REACHED] = "not-reached",
		[SIM_HITLESS_OPEN] = "open",
		[SIM_HITLESS_CLEAN] = "clean",
		[SIM_HITLESS_VIOLATED] = "violated",
		[SIM_HITLESS_UNEXERCISED] = "unexercised",
	};

	return v <= SIM_HITLESS_UNEXERCISED ? names[v] : "?";
}
