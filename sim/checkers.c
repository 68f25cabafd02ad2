// SPDX-License-Identifier: MIT
/*
 * checkers.c - the judges of docs/scenarios.md.  They read trace records
 * only (docs/architecture.md "Facts, not judgements":
 * models publish facts, checkers judge them), and
 * each finding names its cause chain with YAML lines: the step that
 * created the mapping, the step that made it dangerous, the access that
 * hit it.
 *
 * Counting (docs/scenarios.md, "Findings are counted deduplicated"):
 * - latent-*: once per (mapping, TDI, event), the event being one OWNER
 *   occurrence (a step's OWNER records for several BAR ranges are one);
 * - access findings: once per (initiator, mapping, result) per contiguous
 *   episode; an episode ends when that initiator's next access through
 *   that mapping ends differently.  One access gives at most one of them,
 *   by precedence mce > host-fault > unaccepted-access > use-after-revoke
 *   > stale-translation > access-error; data-loss is judged on its own;
 * - tdi-error: once per entry into ERROR.
 *
 * Cost: an access record's look-ups ((initiator, mapping) and the
 * mapping) are cached per key until any state changes (chk_slot); a record of a
 * quiet pair that gives no finding returns after one compare of its key;
 * nothing is allocated once a pair has been seen.
 *
 * This file keeps the install, the registry and the shared books (the
 * mappings and dma-bufs every judge reads) with the text helpers; the
 * judges live in checkers_access.c (access findings, data-loss),
 * checkers_windows.c (hitless and allow windows) and checkers_events.c
 * (latent-*, tdi-error, tdisp-protocol, teardown-order).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers_internal.h"
#include "sim_internal.h"

/* ------------------------------------------------------------ helpers */

uint64_t chk_hash_str(uint64_t h, const char *str)
{
	/* FNV-1a, then a finaliser so short strings spread over 64 bits */
	h ^= 0xcbf29ce484222325ULL;
	for (; str && *str; str++)
		h = (h ^ (unsigned char)*str) * 0x100000001b3ULL;
	return sim_splitmix64(h);
}

uint64_t chk_nz(uint64_t k)
{
	return k ? k : 1;
}

char *chk_strdup(const char *str)
{
	size_t n = strlen(str) + 1;
	char *p = sim_xrealloc(NULL, n, 1);

	memcpy(p, str, n);
	return p;
}

bool chk_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	if (!an)
		an = 1;
	return a < b + bn && b < a + an;
}

/* ------------------------------------------------------------ hash */

static size_t htab_slot(const struct chk_htab *t, uint64_t key)
{
	return (size_t)sim_splitmix64(key) & (t->cap - 1);
}

bool chk_htab_get(const struct chk_htab *t, uint64_t key, uint32_t *val)
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
void chk_htab_put(struct chk_htab *t, uint64_t key, uint32_t val)
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

void chk_sb_add(struct chk_sb *b, const char *fmt, ...)
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

/* "tsm.bind [bind0] at line 19", or "outside any step" (traffic). */
void chk_sb_step(struct chk_sb *b, const struct sim_step_ref *r)
{
	if (r->index < 0 && !r->op) {
		chk_sb_add(b, "outside any step");
		return;
	}
	chk_sb_add(b, "%s", r->op ? r->op : "step");
	if (r->label)
		chk_sb_add(b, " [%s]", r->label);
	/* an injected fault (--inject) has no line: its op names the flag */
	if (r->line)
		chk_sb_add(b, " at line %u", r->line);
}

/* "during tsm.bind [bind0] at line 19", or "outside any step" (traffic). */
void chk_sb_during(struct chk_sb *b, const struct sim_step_ref *r)
{
	chk_sb_add(b, r->index < 0 && !r->op ? " " : " during ");
	chk_sb_step(b, r);
}

const char *const chk_map_addr_word[SIM_MAP_NR] = {
	[SIM_MAP_HOST_MMAP] = "VA",
	[SIM_MAP_KERNEL] = "VA",
	[SIM_MAP_S2_SHARED] = "GPA",
	[SIM_MAP_S2_PRIVATE] = "GPA",
	[SIM_MAP_IOMMU] = "IOVA",
	[SIM_MAP_IOMMU_TRUSTED] = "IOVA",
};

/* "the shared stage-2 mapping #3 (vm0 shared EPT, GPA 0x..) of kvm.map ..." */
void chk_sb_map(struct chk_sb *b, const struct chk_map *m, uint64_t id)
{
	if (!m || !m->known) {
		chk_sb_add(b, id ? "mapping #%llu" : "no mapping",
			   (unsigned long long)id);
		return;
	}
	chk_sb_add(b, "the %s #%llu (%s, %s 0x%llx -> HPA 0x%llx+0x%llx) made by ",
		   sim_map_kind_name(m->kind), (unsigned long long)m->id,
		   m->table, chk_map_addr_word[m->kind],
		   (unsigned long long)m->addr, (unsigned long long)m->hpa,
		   (unsigned long long)m->size);
	chk_sb_step(b, &m->owner);
}

/* "vm0 write of shared GPA 0x1000 (HPA 0x...)" */
void chk_sb_access(struct chk_sb *b, const struct sim_rec_access *a)
{
	static const char *const word[SIM_INIT_NR][2] = {
		[SIM_INIT_GUEST] = { "shared GPA", "private GPA" },
		[SIM_INIT_HOST] = { "address", "address" },
		[SIM_INIT_DEVICE] = { "T=0 IOVA", "T=1 IOVA" },
	};

	chk_sb_add(b, "%s %s of %s 0x%llx", a->initiator ? a->initiator : "?",
		   a->write ? "write" : "read",
		   a->who < SIM_INIT_NR ? word[a->who][a->priv] : "address",
		   (unsigned long long)a->addr);
	if (a->hpa != CHK_NO_HPA)
		chk_sb_add(b, " (HPA 0x%llx)", (unsigned long long)a->hpa);
}

void chk_sb_result(struct chk_sb *b, const struct sim_rec_access *a)
{
	chk_sb_add(b, "ended %s", sim_result_name(a->result));
	if (a->detail)
		chk_sb_add(b, " (%s)", a->detail);
}

/* --------------------------------------------------------- mappings */

struct chk_map *chk_map_get(struct chk_ctx *c, uint64_t id)
{
	uint32_t ix;

	if (!id || !chk_htab_get(&c->map_ix, id, &ix))
		return NULL;
	return &c->maps[ix];
}

static size_t map_obtain(struct chk_ctx *c, uint64_t id)
{
	uint32_t ix;

	if (chk_htab_get(&c->map_ix, id, &ix))
		return ix;
	if (c->nmaps == c->cap_maps) {
		c->cap_maps = c->cap_maps ? 2 * c->cap_maps : 32;
		c->maps = sim_xrealloc(c->maps, c->cap_maps, sizeof(*c->maps));
	}
	memset(&c->maps[c->nmaps], 0, sizeof(c->maps[0]));
	c->maps[c->nmaps].id = id;
	c->maps[c->nmaps].live_pos = -1;
	c->maps[c->nmaps].buf = -1;
	chk_htab_put(&c->map_ix, id, (uint32_t)c->nmaps);
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

	if (!chk_htab_get(&c->map_ix, rec->u.map.map_id, &ix))
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

	if (chk_htab_get(&c->buf_ix, key, &ix)) {
		TSM_BUG_ON(strcmp(c->bufs[ix].name, name));
		return ix;
	}
	c->bufs = sim_xrealloc(c->bufs, c->nbufs + 1, sizeof(*c->bufs));
	memset(&c->bufs[c->nbufs], 0, sizeof(c->bufs[0]));
	c->bufs[c->nbufs].name = chk_strdup(name);
	chk_htab_put(&c->buf_ix, key, (uint32_t)c->nbufs);
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
		struct chk_map *m = chk_map_get(c, d->map_id);

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

const char chk_stale_initiator[] = "(stale)";

void chk_slots_stale(struct chk_ctx *c)
{
	for (size_t i = 0; i < CHK_SLOTS; i++)
		c->slots[i].initiator = chk_stale_initiator;
}

/*
 * The bookkeeper: every other checker reads what it keeps.  It also sees
 * every other record the judges read but ACCESS, and each one makes every
 * slot stale, so no verdict the access judge cached survives a state
 * change.
 */
static void books_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	struct chk_ctx *c = ctx;

	chk_slots_stale(c);
	switch (rec->type) {
	case SIM_REC_STEP_BEGIN:
		chk_on_step(s, c, rec, true);
		break;
	case SIM_REC_STEP_END:
		chk_on_step(s, c, rec, false);
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
		SIM_REC_BIT(SIM_REC_DMABUF) | SIM_REC_BIT(SIM_REC_OWNER) |
		SIM_REC_BIT(SIM_REC_TDI_STATE) | SIM_REC_BIT(SIM_REC_TDISP) |
		SIM_REC_BIT(SIM_REC_TEARDOWN),
	.on_rec = books_on_rec,
	.destroy = chk_destroy,
};

static const struct sim_checker_ops chk_judges[] = {
	{ .name = "latent-mapping", .mask = SIM_REC_BIT(SIM_REC_OWNER),
	  .on_rec = chk_latent_on_rec },
	/* access findings, data-loss and the hitless windows: one call */
	{ .name = "access", .mask = SIM_REC_BIT(SIM_REC_ACCESS),
	  .on_rec = chk_access_on_rec, .again_quiet = chk_access_again_quiet },
	{ .name = "hitless", .finish = chk_hitless_finish },
	{ .name = "tdi-error", .mask = SIM_REC_BIT(SIM_REC_TDI_STATE),
	  .on_rec = chk_tdi_error_on_rec },
	{ .name = "tdisp-protocol", .mask = SIM_REC_BIT(SIM_REC_TDISP),
	  .on_rec = chk_tdisp_on_rec },
	{ .name = "teardown-order", .mask = SIM_REC_BIT(SIM_REC_TEARDOWN),
	  .on_rec = chk_teardown_on_rec },
};

struct chk_ctx *chk_find(const struct sim *s)
{
	for (size_t i = 0; i < s->nchks; i++)
		if (s->chks[i].ops == &chk_books_ops)
			return s->chks[i].ctx;
	return NULL;
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
	if (err || cfg->off)
		return err;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	chk_copy_cfg(c, cfg);
	chk_slots_stale(c);
	sim_checker_register(s, &chk_books_ops, c);
	for (size_t i = 0; i < sizeof(chk_judges) / sizeof(chk_judges[0]); i++)
		sim_checker_register(s, &chk_judges[i], c);
	return 0;
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
