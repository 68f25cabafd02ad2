// SPDX-License-Identifier: MIT
/*
 * checkers_access.c - the access judges of docs/scenarios.md: one finding
 * per access episode by the precedence mce > host-fault > unaccepted-access
 * > use-after-revoke > stale-translation > access-error, and data-loss
 * judged on its own (see the counting rules atop checkers.c).
 */
#include <string.h>

#include "checkers_internal.h"

/* ---------------------------------------------------- access findings */

static size_t pair_obtain(struct chk_ctx *c, const struct sim_rec_access *a)
{
	const char *name = a->initiator ? a->initiator : "?";
	uint64_t key;
	struct chk_pair *p;
	uint32_t ix;

	if (c->memo_valid && c->memo_name == name) {
		p = &c->pairs[c->memo_ix];
		if (p->map_id == a->map_id && p->who == a->who &&
		    !strcmp(p->initiator, name))
			return c->memo_ix;
	}
	key = chk_nz(chk_hash_str(sim_splitmix64(a->map_id) ^ a->who, name));
	c->memo_name = name;
	c->memo_valid = true;
	if (chk_htab_get(&c->pair_ix, key, &ix)) {
		p = &c->pairs[ix];
		/* a 64-bit collision would merge two episodes: never silently */
		TSM_BUG_ON(p->map_id != a->map_id || strcmp(p->initiator, name));
		c->memo_ix = ix;
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
	chk_htab_put(&c->pair_ix, key, (uint32_t)c->npairs);
	c->memo_ix = c->npairs;
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
		chk_sb_add(b, "; the guest had not accepted / validated that private MMIO");
		break;
	case SIM_FIND_USE_AFTER_REVOKE:
		buf = &c->bufs[m->buf];
		chk_sb_add(b, "; it imports dma-buf %s, revoked at cycle %llu by ",
			   buf->name, (unsigned long long)buf->revoked_at);
		chk_sb_step(b, &buf->revoke);
		break;
	case SIM_FIND_STALE_TRANSLATION:
		if (m && m->known && m->live_pos < 0) {
			chk_sb_add(b, "; it used a stale TLB entry: the mapping was removed at cycle %llu by ",
				   (unsigned long long)m->gone_at);
			chk_sb_step(b, &m->gone);
		} else {
			chk_sb_add(b, "; it used a TLB entry whose page-table entry was already gone or changed");
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

	chk_sb_access(&b, a);
	chk_sb_add(&b, " through ");
	chk_sb_map(&b, m, a->map_id);
	chk_sb_add(&b, " ");
	chk_sb_result(&b, a);
	chk_sb_during(&b, &rec->step);
	sb_access_cause(&b, c, kind, a, m);
	f = sim_finding_add(s, (enum sim_finding_kind)kind,
			    pair_key(pi, a->result), "%s", buf);
	f->suppressed = supp;
	TSM_BUG_ON(f->count != 1);
}

void chk_access_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;
	const struct chk_map *m = chk_map_get(c, a->map_id);
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

/* A repeat of a record that left no episode open and opens none. */
bool chk_access_again_quiet(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;

	return access_kind(c, a, chk_map_get(c, a->map_id)) < 0 &&
	       c->pairs[pair_obtain(c, a)].akind < 0;
}

/* ---------------------------------------------------------- data loss */

void chk_data_loss_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
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
	chk_sb_access(&b, a);
	chk_sb_add(&b, " through ");
	chk_sb_map(&b, chk_map_get(c, a->map_id), a->map_id);
	chk_sb_add(&b, " was dropped and %s was not told: it ",
		   a->initiator ? a->initiator : "the issuer");
	chk_sb_result(&b, a);
	chk_sb_during(&b, &rec->step);
	sim_finding_add(s, SIM_FIND_DATA_LOSS, pair_key(pi, a->result), "%s",
			buf);
	c->pairs[pi].dfind = sim_findings_count(s) - 1;
}

/* A read, or a write that reached its target: nothing to fold or end. */
bool chk_data_loss_again_quiet(struct sim *s, void *ctx,
			       const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;

	return !a->write ||
	       (!a->dropped_silently && !c->pairs[pair_obtain(c, a)].dl_open);
}
