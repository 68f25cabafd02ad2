// SPDX-License-Identifier: MIT
/*
 * checkers.c - the judges of contract section 7.  They read trace records
 * only (design.md "Layers": models publish facts, checkers judge them), and
 * each finding names its cause chain with YAML lines: the step that
 * created the mapping, the step that made it dangerous, the access that
 * hit it.
 *
 * Counting (contract section 7, "Counting"):
 * - latent-*: once per (mapping, TDI, event), the event being one OWNER
 *   occurrence (a step's OWNER records for several BAR ranges are one);
 * - access findings: once per (initiator, mapping, result) per contiguous
 *   episode; an episode ends when that initiator's next access through
 *   that mapping ends differently.  One access gives at most one of them,
 *   by precedence mce > host-fault > unaccepted-access > use-after-revoke
 *   > stale-translation > access-error; data-loss is judged on its own;
 * - tdi-error: once per entry into ERROR.
 *
 * Cost: an access record costs two hash look-ups ((initiator, mapping)
 * and the mapping) and a loop over the open hitless windows; nothing is
 * allocated once a pair has been seen.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers_internal.h"
#include "sim_internal.h"

#define CHK_TDI_ERROR 3		/* enum tdisp_state TDISP_ST_ERROR (pcie.h) */

/* ------------------------------------------------------------ helpers */

static uint64_t chk_hash_str(uint64_t h, const char *str)
{
	/* FNV-1a, then a finaliser so short strings spread over 64 bits */
	h ^= 0xcbf29ce484222325ULL;
	for (; str && *str; str++)
		h = (h ^ (unsigned char)*str) * 0x100000001b3ULL;
	return sim_splitmix64(h);
}

static uint64_t chk_nz(uint64_t k)
{
	return k ? k : 1;
}

static char *chk_strdup(const char *str)
{
	size_t n = strlen(str) + 1;
	char *p = sim_xrealloc(NULL, n, 1);

	memcpy(p, str, n);
	return p;
}

static bool chk_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	if (!an)
		an = 1;
	return a < b + bn && b < a + an;
}

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

/* ------------------------------------------------------------ hash */

static size_t htab_slot(const struct chk_htab *t, uint64_t key)
{
	return (size_t)sim_splitmix64(key) & (t->cap - 1);
}

static bool htab_get(const struct chk_htab *t, uint64_t key, uint32_t *val)
{
	size_t i;

	if (!t->cap)
		return false;
	for (i = htab_slot(t, key); t->keys[i]; i = (i + 1) & (t->cap - 1)) {
		if (t->keys[i] == key) {
			*val = t->vals[i];
			return true;
		}
	}
	return false;
}

static void htab_insert(struct chk_htab *t, uint64_t key, uint32_t val)
{
	size_t i = htab_slot(t, key);

	while (t->keys[i] && t->keys[i] != key)
		i = (i + 1) & (t->cap - 1);
	t->n += !t->keys[i];
	t->keys[i] = key;
	t->vals[i] = val;
}

/* @key must not be 0.  Load stays under 1/2. */
static void htab_put(struct chk_htab *t, uint64_t key, uint32_t val)
{
	TSM_BUG_ON(!key);
	if (2 * (t->n + 1) > t->cap) {
		struct chk_htab old = *t;

		t->cap = old.cap ? 2 * old.cap : 64;
		t->n = 0;
		t->keys = calloc(t->cap, sizeof(*t->keys));
		t->vals = calloc(t->cap, sizeof(*t->vals));
		TSM_BUG_ON(!t->keys || !t->vals);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				htab_insert(t, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	htab_insert(t, key, val);
}

static void htab_fini(struct chk_htab *t)
{
	free(t->keys);
	free(t->vals);
}

/* ------------------------------------------------------- text builder */

struct chk_sb {
	char *p;
	size_t len, off;
};

static void sb_add(struct chk_sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct chk_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n;
}

/* "during tsm.bind [bind0] at line 19", or "outside any step" (traffic). */
static void sb_during(struct chk_sb *b, const struct sim_step_ref *r);

/* "tsm.bind [bind0] at line 19", or "outside any step" (traffic). */
static void sb_step(struct chk_sb *b, const struct sim_step_ref *r)
{
	if (r->index < 0 && !r->op) {
		sb_add(b, "outside any step");
		return;
	}
	sb_add(b, "%s", r->op ? r->op : "step");
	if (r->label)
		sb_add(b, " [%s]", r->label);
	sb_add(b, " at line %u", r->line);
}

static void sb_during(struct chk_sb *b, const struct sim_step_ref *r)
{
	sb_add(b, r->index < 0 && !r->op ? " " : " during ");
	sb_step(b, r);
}

static const char *const map_addr_word[SIM_MAP_NR] = {
	[SIM_MAP_HOST_MMAP] = "VA",
	[SIM_MAP_KERNEL] = "VA",
	[SIM_MAP_S2_SHARED] = "GPA",
	[SIM_MAP_S2_PRIVATE] = "GPA",
	[SIM_MAP_IOMMU] = "IOVA",
	[SIM_MAP_IOMMU_TRUSTED] = "IOVA",
};

/* "the shared stage-2 mapping #3 (vm0 shared EPT, GPA 0x..) of kvm.map ..." */
static void sb_map(struct chk_sb *b, const struct chk_map *m, uint64_t id)
{
	if (!m || !m->known) {
		sb_add(b, id ? "mapping #%llu" : "no mapping",
		       (unsigned long long)id);
		return;
	}
	sb_add(b, "the %s #%llu (%s, %s 0x%llx -> HPA 0x%llx+0x%llx) made by ",
	       sim_map_kind_name(m->kind), (unsigned long long)m->id,
	       m->table, map_addr_word[m->kind], (unsigned long long)m->addr,
	       (unsigned long long)m->hpa, (unsigned long long)m->size);
	sb_step(b, &m->owner);
}

/* "vm0 write of shared GPA 0x1000 (HPA 0x...)" */
static void sb_access(struct chk_sb *b, const struct sim_rec_access *a)
{
	static const char *const word[SIM_INIT_NR][2] = {
		[SIM_INIT_GUEST] = { "shared GPA", "private GPA" },
		[SIM_INIT_HOST] = { "address", "address" },
		[SIM_INIT_DEVICE] = { "T=0 IOVA", "T=1 IOVA" },
	};

	sb_add(b, "%s %s of %s 0x%llx", a->initiator ? a->initiator : "?",
	       a->write ? "write" : "read",
	       a->who < SIM_INIT_NR ? word[a->who][a->priv] : "address",
	       (unsigned long long)a->addr);
	if (a->hpa != CHK_NO_HPA)
		sb_add(b, " (HPA 0x%llx)", (unsigned long long)a->hpa);
}

static void sb_result(struct chk_sb *b, const struct sim_rec_access *a)
{
	sb_add(b, "ended %s", sim_result_name(a->result));
	if (a->detail)
		sb_add(b, " (%s)", a->detail);
}

/* --------------------------------------------------------- mappings */

static struct chk_map *map_get(struct chk_ctx *c, uint64_t id)
{
	uint32_t ix;

	if (!id || !htab_get(&c->map_ix, id, &ix))
		return NULL;
	return &c->maps[ix];
}

static size_t map_obtain(struct chk_ctx *c, uint64_t id)
{
	uint32_t ix;

	if (htab_get(&c->map_ix, id, &ix))
		return ix;
	if (c->nmaps == c->cap_maps) {
		c->cap_maps = c->cap_maps ? 2 * c->cap_maps : 32;
		c->maps = sim_xrealloc(c->maps, c->cap_maps, sizeof(*c->maps));
	}
	memset(&c->maps[c->nmaps], 0, sizeof(c->maps[0]));
	c->maps[c->nmaps].id = id;
	c->maps[c->nmaps].live_pos = -1;
	c->maps[c->nmaps].buf = -1;
	htab_put(&c->map_ix, id, (uint32_t)c->nmaps);
	return c->nmaps++;
}

static void live_add(struct chk_ctx *c, size_t ix)
{
	if (c->maps[ix].live_pos >= 0)
		return;
	if (c->nlive == c->cap_live) {
		c->cap_live = c->cap_live ? 2 * c->cap_live : 32;
		c->live = sim_xrealloc(c->live, c->cap_live, sizeof(*c->live));
	}
	c->maps[ix].live_pos = (long)c->nlive;
	c->live[c->nlive++] = ix;
}

static void live_del(struct chk_ctx *c, size_t ix)
{
	long pos = c->maps[ix].live_pos;

	if (pos < 0)
		return;
	c->live[pos] = c->live[--c->nlive];
	c->maps[c->live[pos]].live_pos = pos;
	c->maps[ix].live_pos = -1;
}

static void on_map(struct chk_ctx *c, const struct sim_rec *rec)
{
	const struct sim_rec_map *r = &rec->u.map;
	size_t ix = map_obtain(c, r->map_id);
	struct chk_map *m = &c->maps[ix];

	if (m->known) {		/* a re-publish: entries were faulted in */
		m->populated = r->populated;
		return;
	}
	m->known = true;
	m->kind = r->kind < SIM_MAP_NR ? r->kind : SIM_MAP_HOST_MMAP;
	/* the publisher's table name dies with its mapping: copy it */
	snprintf(m->table, sizeof(m->table), "%s", r->table ? r->table : "?");
	m->addr = r->addr;
	m->hpa = r->hpa;
	m->size = r->size;
	m->populated = r->populated;
	m->owner = (struct sim_step_ref){ r->owner_step, r->owner_line,
					  r->owner_label, r->owner_op };
	live_add(c, ix);
}

static void on_unmap(struct chk_ctx *c, const struct sim_rec *rec)
{
	uint32_t ix;

	if (!htab_get(&c->map_ix, rec->u.map.map_id, &ix))
		return;
	live_del(c, ix);
	c->maps[ix].gone = rec->step;
	c->maps[ix].gone_at = rec->cycle;
}

/* ----------------------------------------------------------- dma-buf */

static size_t buf_obtain(struct chk_ctx *c, const char *name)
{
	uint64_t key = chk_nz(chk_hash_str(0, name));
	uint32_t ix;

	if (htab_get(&c->buf_ix, key, &ix)) {
		TSM_BUG_ON(strcmp(c->bufs[ix].name, name));
		return ix;
	}
	c->bufs = sim_xrealloc(c->bufs, c->nbufs + 1, sizeof(*c->bufs));
	memset(&c->bufs[c->nbufs], 0, sizeof(c->bufs[0]));
	c->bufs[c->nbufs].name = chk_strdup(name);
	htab_put(&c->buf_ix, key, (uint32_t)c->nbufs);
	return c->nbufs++;
}

static void on_dmabuf(struct chk_ctx *c, const struct sim_rec *rec)
{
	const struct sim_rec_dmabuf *d = &rec->u.dmabuf;
	const char *ev = d->event ? d->event : "";
	struct chk_buf *b;
	size_t bi;

	if (!d->name)
		return;
	bi = buf_obtain(c, d->name);
	b = &c->bufs[bi];
	if (!strcmp(ev, "map") && d->map_id) {
		size_t mi = map_obtain(c, d->map_id);	/* may move c->maps */

		c->maps[mi].buf = (long)bi;
	} else if (!strcmp(ev, "unmapped") && d->map_id) {
		struct chk_map *m = map_get(c, d->map_id);

		if (m && m->buf == (long)bi)
			m->buf = -1;
	} else if (!strcmp(ev, "revoke") || !strcmp(ev, "revoked")) {
		/* revoked from the revoke's start; "revoked" only completes it */
		if (!b->revoked) {
			b->revoked = true;
			b->revoked_at = rec->cycle;
			b->revoke = rec->step;
		}
	} else if (!strcmp(ev, "unrevoke")) {
		b->revoked = false;
	}
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
		sb_add(b, "%s", h->cfg.what);
		return;
	}
	sb_add(b, "%s%s%s 0x%llx+0x%llx", h->cfg.guest ? h->cfg.guest : "",
	       h->cfg.guest ? " " : "", word[h->cfg.range],
	       (unsigned long long)h->cfg.base, (unsigned long long)h->cfg.size);
}

static void hit_report(struct sim *s, struct chk_hitless *h, size_t i)
{
	char buf[3 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	struct sim_finding *f;

	sb_add(&b, "hitless window at line %u over ", h->cfg.line);
	sb_range(&b, h);
	sb_add(&b, ", from ");
	sb_step(&b, &h->from);
	if (h->to.index >= 0) {
		sb_add(&b, " to ");
		sb_step(&b, &h->to);
	} else {
		sb_add(&b, " to the end of the run");
	}
	sb_add(&b, ": %llu of %llu accesses did not end ok; the first, %s; the range was unavailable for up to %llu cycles (from cycle %llu)",
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

static void on_step(struct sim *s, struct chk_ctx *c, const struct sim_rec *rec,
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

/* The bookkeeper: every other checker reads what it keeps. */
static void books_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	struct chk_ctx *c = ctx;

	switch (rec->type) {
	case SIM_REC_STEP_BEGIN:
		on_step(s, c, rec, true);
		break;
	case SIM_REC_STEP_END:
		on_step(s, c, rec, false);
		break;
	case SIM_REC_MAP:
		on_map(c, rec);
		break;
	case SIM_REC_UNMAP:
		on_unmap(c, rec);
		break;
	case SIM_REC_DMABUF:
		on_dmabuf(c, rec);
		break;
	default:
		break;
	}
}

/* ----------------------------------------------------- latent mappings */

static void sb_owner_event(struct chk_sb *b, const struct sim_rec_owner *o)
{
	const char *ev = o->event ? o->event : "?";
	const char *dev = o->device ? o->device : "?";

	if (!strcmp(ev, "lock"))
		sb_add(b, "locked %s", dev);
	else if (!strcmp(ev, "mmio-tracking"))
		sb_add(b, "started MMIO tracking of %s", dev);
	else if (!strcmp(ev, "rmp-assign"))
		sb_add(b, "RMP-assigned %s's MMIO", dev);
	else if (!strcmp(ev, "delegate"))
		sb_add(b, "delegated %s's MMIO to the Realm PAS", dev);
	else
		sb_add(b, "moved %s's MMIO (%s)", dev, ev);
}

static void latent_report(struct sim *s, const struct sim_rec *rec,
			  const struct chk_map *m, uint64_t key)
{
	const struct sim_rec_owner *o = &rec->u.owner;
	uint64_t lo = m->hpa > o->hpa ? m->hpa : o->hpa;
	uint64_t hi = m->hpa + m->size < o->hpa + o->size ?
		      m->hpa + m->size : o->hpa + o->size;
	char buf[2 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };

	sb_step(&b, &m->owner);
	sb_add(&b, " still maps HPA 0x%llx-0x%llx (%s, %s %s 0x%llx%s) when ",
	       (unsigned long long)lo, (unsigned long long)hi - 1, m->table,
	       sim_map_kind_name(m->kind), map_addr_word[m->kind],
	       (unsigned long long)(m->addr + (lo - m->hpa)),
	       m->populated ? "" : ", not faulted in yet");
	sb_step(&b, &rec->step);
	sb_add(&b, " ");
	sb_owner_event(&b, o);
	sb_add(&b, ": %s", o->why ? o->why : "touching it is a fault");
	sim_finding_add(s, (enum sim_finding_kind)o->finding, key, "%s", buf);
	sim_finding_close(s, (enum sim_finding_kind)o->finding, key);
}

static void latent_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_owner *o = &rec->u.owner;
	struct chk_ctx *c = ctx;
	unsigned int kinds = CHK_HYP_KINDS & ~o->exempt_kinds;
	uint32_t seen;

	if (o->finding < 0)
		return;
	TSM_BUG_ON(o->finding != SIM_FIND_LATENT_MCE &&
		   o->finding != SIM_FIND_LATENT_HOST_FAULT);
	for (size_t k = 0; k < c->nlive; k++) {
		const struct chk_map *m = &c->maps[c->live[k]];
		uint64_t key;

		if (!(kinds & (1u << m->kind)) ||
		    !chk_overlap(m->hpa, m->size, o->hpa, o->size))
			continue;
		/* one event: per-BAR records of one step fold together */
		key = chk_hash_str(sim_splitmix64(m->id) ^
				   (uint64_t)(int64_t)rec->step.index,
				   o->device);
		key = chk_nz(chk_hash_str(key ^ (uint64_t)o->finding, o->event));
		if (htab_get(&c->latent_seen, key, &seen))
			continue;
		htab_put(&c->latent_seen, key, 1);
		latent_report(s, rec, m, key);
	}
}

/* ---------------------------------------------------- access findings */

static size_t pair_obtain(struct chk_ctx *c, const struct sim_rec_access *a)
{
	const char *name = a->initiator ? a->initiator : "?";
	uint64_t key = chk_nz(chk_hash_str(sim_splitmix64(a->map_id) ^ a->who,
					   name));
	struct chk_pair *p;
	uint32_t ix;

	if (htab_get(&c->pair_ix, key, &ix)) {
		p = &c->pairs[ix];
		/* a 64-bit collision would merge two episodes: never silently */
		TSM_BUG_ON(p->map_id != a->map_id || strcmp(p->initiator, name));
		return ix;
	}
	if (c->npairs == c->cap_pairs) {
		c->cap_pairs = c->cap_pairs ? 2 * c->cap_pairs : 32;
		c->pairs = sim_xrealloc(c->pairs, c->cap_pairs,
					sizeof(*c->pairs));
	}
	p = &c->pairs[c->npairs];
	memset(p, 0, sizeof(*p));
	p->initiator = chk_strdup(name);
	p->who = a->who;
	p->map_id = a->map_id;
	p->akind = -1;
	htab_put(&c->pair_ix, key, (uint32_t)c->npairs);
	return c->npairs++;
}

/* Finding keys stay unique per (pair, result) so episodes never merge. */
static uint64_t pair_key(size_t pi, enum sim_result res)
{
	return ((uint64_t)(pi + 1) << 8) | (uint64_t)res;
}

static void episode_fold(struct sim *s, size_t fi, sim_cycles_t at)
{
	struct sim_finding *f = sim_finding_at_mut(s, fi);

	TSM_BUG_ON(!f || !f->open);
	f->count++;
	f->last = at;
}

static void episode_close(struct sim *s, size_t fi)
{
	struct sim_finding *f = sim_finding_at_mut(s, fi);

	TSM_BUG_ON(!f);
	f->open = false;
}

/* The one access finding of @a, by the contract's precedence; -1: none. */
static int access_kind(const struct chk_ctx *c, const struct sim_rec_access *a,
		       const struct chk_map *m)
{
	if (a->result == SIM_RES_MCE)
		return SIM_FIND_MCE;
	if (a->result == SIM_RES_HOST_FAULT)
		return SIM_FIND_HOST_FAULT;
	if (a->unaccepted)
		return SIM_FIND_UNACCEPTED_ACCESS;
	if (m && m->buf >= 0 && c->bufs[m->buf].revoked)
		return SIM_FIND_USE_AFTER_REVOKE;
	if (a->stale)
		return SIM_FIND_STALE_TRANSLATION;
	if (a->result == SIM_RES_UR || a->result == SIM_RES_FAULT ||
	    a->result == SIM_RES_STUCK)
		return SIM_FIND_ACCESS_ERROR;
	return -1;
}

static void sb_access_cause(struct chk_sb *b, const struct chk_ctx *c,
			    int kind, const struct sim_rec_access *a,
			    const struct chk_map *m)
{
	const struct chk_buf *buf;

	switch (kind) {
	case SIM_FIND_UNACCEPTED_ACCESS:
		sb_add(b, "; the guest had not accepted / validated that private MMIO");
		break;
	case SIM_FIND_USE_AFTER_REVOKE:
		buf = &c->bufs[m->buf];
		sb_add(b, "; it imports dma-buf %s, revoked at cycle %llu by ",
		       buf->name, (unsigned long long)buf->revoked_at);
		sb_step(b, &buf->revoke);
		break;
	case SIM_FIND_STALE_TRANSLATION:
		if (m && m->known && m->live_pos < 0) {
			sb_add(b, "; it used a stale TLB entry: the mapping was removed at cycle %llu by ",
			       (unsigned long long)m->gone_at);
			sb_step(b, &m->gone);
		} else {
			sb_add(b, "; it used a TLB entry whose page-table entry was already gone or changed");
		}
		break;
	default:
		break;
	}
}

static void access_report(struct sim *s, struct chk_ctx *c, size_t pi,
			  int kind, bool supp, const struct sim_rec *rec,
			  const struct chk_map *m)
{
	const struct sim_rec_access *a = &rec->u.access;
	char buf[3 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	struct sim_finding *f;

	sb_access(&b, a);
	sb_add(&b, " through ");
	sb_map(&b, m, a->map_id);
	sb_add(&b, " ");
	sb_result(&b, a);
	sb_during(&b, &rec->step);
	sb_access_cause(&b, c, kind, a, m);
	f = sim_finding_add(s, (enum sim_finding_kind)kind,
			    pair_key(pi, a->result), "%s", buf);
	f->suppressed = supp;
	TSM_BUG_ON(f->count != 1);
}

static void access_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;
	const struct chk_map *m = map_get(c, a->map_id);
	size_t pi = pair_obtain(c, a);
	struct chk_pair *p = &c->pairs[pi];
	int kind = access_kind(c, a, m);
	/* allow windows: access-error for the listed results only */
	bool supp = kind == SIM_FIND_ACCESS_ERROR &&
		    (c->allow_mask & (1u << a->result));

	if (p->akind >= 0 && p->akind == kind && p->ares == a->result &&
	    p->asupp == supp) {
		episode_fold(s, p->afind, rec->cycle);
		return;
	}
	if (p->akind >= 0)
		episode_close(s, p->afind);
	p->akind = kind;
	if (kind < 0)
		return;
	p->ares = a->result;
	p->asupp = supp;
	access_report(s, c, pi, kind, supp, rec, m);
	c->pairs[pi].afind = sim_findings_count(s) - 1;
}

/* ---------------------------------------------------------- data loss */

static void data_loss_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;
	char buf[3 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	struct chk_pair *p;
	size_t pi;

	if (!a->write)		/* a read cannot lose data nor end the loss */
		return;
	pi = pair_obtain(c, a);
	p = &c->pairs[pi];
	if (p->dl_open && a->dropped_silently && p->dres == a->result) {
		episode_fold(s, p->dfind, rec->cycle);
		return;
	}
	if (p->dl_open)
		episode_close(s, p->dfind);
	p->dl_open = a->dropped_silently;
	if (!p->dl_open)
		return;
	p->dres = a->result;
	sb_access(&b, a);
	sb_add(&b, " through ");
	sb_map(&b, map_get(c, a->map_id), a->map_id);
	sb_add(&b, " was dropped and %s was not told: it ",
	       a->initiator ? a->initiator : "the issuer");
	sb_result(&b, a);
	sb_during(&b, &rec->step);
	sim_finding_add(s, SIM_FIND_DATA_LOSS, pair_key(pi, a->result), "%s",
			buf);
	c->pairs[pi].dfind = sim_findings_count(s) - 1;
}

/* ------------------------------------------------------------ hitless */

/* Where @a went "as mapped when the window opened" (contract section 7). */
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
		sb_access(&b, a);
		sb_add(&b, " at cycle %llu", (unsigned long long)rec->cycle);
		sb_during(&b, &rec->step);
		sb_add(&b, ", ");
		sb_result(&b, a);
	}
	h->st.last_bad = rec->cycle;
	if (!h->unavail) {
		h->unavail = true;
		h->unavail_since = rec->cycle;
	}
}

static void hitless_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	struct chk_ctx *c = ctx;
	const struct chk_map *m;
	uint64_t open = c->hit_open;

	if (!open)
		return;
	m = map_get(c, rec->u.access.map_id);
	for (size_t i = 0; open; i++, open >>= 1)
		if ((open & 1) &&
		    hit_covers(c, &c->hit[i], &rec->u.access, m, 1ULL << i))
			hit_account(&c->hit[i], rec);
}

static void hitless_finish(struct sim *s, void *ctx)
{
	static const struct sim_step_ref none = { .index = -1 };
	struct chk_ctx *c = ctx;

	/* the run ended inside a window: it closes with the run */
	for (size_t i = 0; i < c->nhit; i++)
		hit_close(s, c, i, sim_now(s), &none);
}

/* ------------------------------------------------- TDI and TDISP facts */

static void tdi_error_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_tdi_state *t = &rec->u.tdi;
	struct chk_ctx *c = ctx;
	char buf[CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	bool to_err = t->to == CHK_TDI_ERROR ||
		      (t->to_name && !strcmp(t->to_name, "ERROR"));
	bool from_err = t->from == CHK_TDI_ERROR ||
			(t->from_name && !strcmp(t->from_name, "ERROR"));
	uint64_t key;

	if (!to_err || from_err)
		return;
	sb_add(&b, "%s entered ERROR from %s: %s,",
	       t->device ? t->device : "?", t->from_name ? t->from_name : "?",
	       t->cause ? t->cause : "no cause published");
	sb_during(&b, &rec->step);
	key = chk_nz(chk_hash_str(++c->tdi_entries, t->device));
	sim_finding_add(s, SIM_FIND_TDI_ERROR, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TDI_ERROR, key);
}

static void tdisp_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_tdisp *t = &rec->u.tdisp;
	char buf[CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	uint64_t key;

	if (!t->response || !strcmp(t->response, "ok") || t->expected)
		return;
	sb_add(&b, "%s answered %s with %s, which the scenario did not expect,",
	       t->device ? t->device : "?", t->request ? t->request : "?",
	       t->response);
	sb_during(&b, &rec->step);
	key = chk_nz(chk_hash_str(chk_hash_str(0, t->device), t->request));
	sim_finding_add(s, SIM_FIND_TDISP_PROTOCOL, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TDISP_PROTOCOL, key);
}

static void teardown_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_teardown *t = &rec->u.teardown;
	char buf[2 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	uint64_t key;

	if (!t->forbidden)
		return;
	sb_add(&b, "%s, at ", t->what ? t->what : "a teardown step");
	sb_step(&b, &rec->step);
	sb_add(&b, ": %s forbids this order (%s)", t->arch ? t->arch : "the arch",
	       t->rule ? t->rule : "no rule published");
	key = chk_nz(chk_hash_str(chk_hash_str(0, t->device), t->what));
	sim_finding_add(s, SIM_FIND_TEARDOWN_ORDER, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TEARDOWN_ORDER, key);
}

/* ------------------------------------------------------- registration */

static void chk_destroy(void *ctx)
{
	struct chk_ctx *c = ctx;

	for (size_t i = 0; i < c->nbufs; i++)
		free(c->bufs[i].name);
	for (size_t i = 0; i < c->npairs; i++)
		free(c->pairs[i].initiator);
	for (size_t i = 0; i < c->nhit; i++) {
		free((char *)c->hit[i].cfg.guest);
		free((char *)c->hit[i].cfg.what);
		free(c->hit[i].snap);
	}
	htab_fini(&c->map_ix);
	htab_fini(&c->buf_ix);
	htab_fini(&c->pair_ix);
	htab_fini(&c->latent_seen);
	free(c->maps);
	free(c->live);
	free(c->bufs);
	free(c->pairs);
	free(c->hit);
	free(c->allow);
	free(c);
}

/* Registered first: it owns the shared state and frees it. */
static const struct sim_checker_ops chk_books_ops = {
	.name = "books",
	.mask = SIM_REC_BIT(SIM_REC_STEP_BEGIN) | SIM_REC_BIT(SIM_REC_STEP_END) |
		SIM_REC_BIT(SIM_REC_MAP) | SIM_REC_BIT(SIM_REC_UNMAP) |
		SIM_REC_BIT(SIM_REC_DMABUF),
	.on_rec = books_on_rec,
	.destroy = chk_destroy,
};

static const struct sim_checker_ops chk_judges[] = {
	{ .name = "latent-mapping", .mask = SIM_REC_BIT(SIM_REC_OWNER),
	  .on_rec = latent_on_rec },
	{ .name = "access", .mask = SIM_REC_BIT(SIM_REC_ACCESS),
	  .on_rec = access_on_rec },
	{ .name = "data-loss", .mask = SIM_REC_BIT(SIM_REC_ACCESS),
	  .on_rec = data_loss_on_rec },
	{ .name = "hitless", .mask = SIM_REC_BIT(SIM_REC_ACCESS),
	  .on_rec = hitless_on_rec, .finish = hitless_finish },
	{ .name = "tdi-error", .mask = SIM_REC_BIT(SIM_REC_TDI_STATE),
	  .on_rec = tdi_error_on_rec },
	{ .name = "tdisp-protocol", .mask = SIM_REC_BIT(SIM_REC_TDISP),
	  .on_rec = tdisp_on_rec },
	{ .name = "teardown-order", .mask = SIM_REC_BIT(SIM_REC_TEARDOWN),
	  .on_rec = teardown_on_rec },
};

static struct chk_ctx *chk_find(const struct sim *s)
{
	for (size_t i = 0; i < s->nchks; i++)
		if (s->chks[i].ops == &chk_books_ops)
			return s->chks[i].ctx;
	return NULL;
}

static int chk_cfg_valid(const struct sim_checker_cfg *cfg)
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

static void chk_copy_cfg(struct chk_ctx *c, const struct sim_checker_cfg *cfg)
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

int sim_checkers_install(struct sim *s, const struct sim_checker_cfg *cfg)
{
	static const struct sim_checker_cfg none;
	struct chk_ctx *c;
	int err;

	if (!cfg)
		cfg = &none;
	if (chk_find(s))
		return -EBUSY;
	err = chk_cfg_valid(cfg);
	if (err)
		return err;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	chk_copy_cfg(c, cfg);
	sim_checker_register(s, &chk_books_ops, c);
	for (size_t i = 0; i < sizeof(chk_judges) / sizeof(chk_judges[0]); i++)
		sim_checker_register(s, &chk_judges[i], c);
	return 0;
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

uint64_t sim_findings_unsuppressed(const struct sim *s,
				   enum sim_finding_kind kind)
{
	uint64_t n = 0;

	for (size_t i = 0; i < sim_findings_count(s); i++) {
		const struct sim_finding *f = sim_finding_at(s, i);

		n += f->kind == kind && !f->suppressed;
	}
	return n;
}
