// SPDX-License-Identifier: MIT
/*
 * checkers_access.c - the access judges of docs/scenarios.md: one finding
 * per access episode by the precedence mce > host-fault > unaccepted-access
 * > use-after-revoke > stale-translation > access-error, and data-loss
 * judged on its own (see the counting rules atop checkers.c).
 */
#include <string.h>

#include "checkers_internal.h"
#include "sim_internal.h"

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

/* Every access that only counts comes here: the findings array direct. */
static inline void episode_fold(struct sim *s, size_t fi, sim_cycles_t at)
{
	struct sim_finding *f;

	TSM_BUG_ON(fi >= s->nfinds);
	f = &s->finds[fi];
	TSM_BUG_ON(!f->open);
	f->count++;
	f->last = at;
}

static void episode_close(struct sim *s, size_t fi)
{
	struct sim_finding *f = sim_finding_at_mut(s, fi);

	TSM_BUG_ON(!f);
	f->open = false;
}

/* Results that are an access finding by themselves (access_kind()). */
#define CHK_FINDING_RESULTS \
	((1u << SIM_RES_MCE) | (1u << SIM_RES_HOST_FAULT) | (1u << SIM_RES_UR) | \
	 (1u << SIM_RES_FAULT) | (1u << SIM_RES_STUCK))

/*
 * No access finding by its own fields: access_kind(@a, false) < 0, in a
 * few instructions.  access_kind() starts with it, so the two cannot
 * disagree on a clean record.
 */
static inline bool rec_clean(const struct sim_rec_access *a)
{
	return (unsigned int)a->result < SIM_RES_NR &&
	       !((CHK_FINDING_RESULTS >> a->result) & 1) &&
	       !(a->unaccepted | a->stale);
}

/*
 * The one access finding of @a, by the contract's precedence; -1: none.
 * @revoked: the mapping @a went through imports a revoked dma-buf.
 */
static int access_kind(const struct sim_rec_access *a, bool revoked)
{
	if (rec_clean(a) && !revoked)
		return -1;
	if (a->result == SIM_RES_MCE)
		return SIM_FIND_MCE;
	if (a->result == SIM_RES_HOST_FAULT)
		return SIM_FIND_HOST_FAULT;
	if (a->unaccepted)
		return SIM_FIND_UNACCEPTED_ACCESS;
	if (revoked)
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

/* Out of line, like dl_report(): the judges' frame stays small. */
static __attribute__((noinline)) void
access_report(struct sim *s, struct chk_ctx *c, size_t pi,
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

/*
 * The access finding of @rec for pair @pi, folded into its episode.
 * Return: its kind, -1 for none.
 */
static int judge_access(struct sim *s, struct chk_ctx *c, size_t pi,
			bool revoked, const struct sim_rec *rec,
			const struct chk_map *m)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_pair *p = &c->pairs[pi];
	int kind = access_kind(a, revoked);
	/* allow windows: access-error for the listed results only */
	bool supp = kind == SIM_FIND_ACCESS_ERROR &&
		    (c->allow_mask & (1u << a->result));

	if (p->akind >= 0 && p->akind == kind && p->ares == a->result &&
	    p->asupp == supp) {
		episode_fold(s, p->afind, rec->cycle);
		return kind;
	}
	if (p->akind >= 0) {
		episode_close(s, p->afind);
		chk_slots_stale(c);	/* no slot may fold into it any more */
	}
	p->akind = kind;
	if (kind < 0)
		return kind;
	p->ares = a->result;
	p->asupp = supp;
	chk_slots_stale(c);	/* the pair is no longer quiet */
	access_report(s, c, pi, kind, supp, rec, m);
	c->pairs[pi].afind = sim_findings_count(s) - 1;
	return kind;
}

/* ---------------------------------------------------------- data loss */

static __attribute__((noinline)) void
dl_report(struct sim *s, struct chk_ctx *c, size_t pi,
	  const struct sim_rec *rec, const struct chk_map *m)
{
	const struct sim_rec_access *a = &rec->u.access;
	char buf[3 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };

	chk_sb_access(&b, a);
	chk_sb_add(&b, " through ");
	chk_sb_map(&b, m, a->map_id);
	chk_sb_add(&b, " was dropped and %s was not told: it ",
		   a->initiator ? a->initiator : "the issuer");
	chk_sb_result(&b, a);
	chk_sb_during(&b, &rec->step);
	sim_finding_add(s, SIM_FIND_DATA_LOSS, pair_key(pi, a->result), "%s",
			buf);
	c->pairs[pi].dfind = sim_findings_count(s) - 1;
}

/* data-loss for a write of pair @pi dropped silently. */
static void judge_data_loss(struct sim *s, struct chk_ctx *c, size_t pi,
			    const struct sim_rec *rec, const struct chk_map *m)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_pair *p = &c->pairs[pi];

	if (!a->write)		/* a read cannot lose data nor end the loss */
		return;
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
	chk_slots_stale(c);	/* the pair is no longer quiet for writes */
	dl_report(s, c, pi, rec, m);
}

/* ------------------------------------------------ the verdict cache */

/* Direct-mapped by initiator address and mapping (@who is compared). */
static inline size_t slot_index(const char *initiator, uint64_t map_id)
{
	return (size_t)(((uintptr_t)initiator >> 3) ^ map_id) & (CHK_SLOTS - 1);
}

/* The facts as one word: equal words, equal facts (no padding). */
static inline uint64_t facts_word(const struct sim_access_facts *f)
{
	uint64_t w;

	memcpy(&w, f, sizeof(w));
	return w;
}

/* @sl holds the look-ups of this key, made since the last state change. */
static inline bool slot_hit(const struct chk_slot *sl, enum sim_initiator who,
			    const char *initiator, uint64_t map_id)
{
	return sl->initiator == initiator && sl->map_id == map_id &&
	       sl->who == who;
}

/*
 * An access with facts @f on a quiet slot changes nothing: its own
 * fields give no finding (rec_clean(): a clean result, neither stale nor
 * unaccepted), and a write was delivered on a pair with no data-loss.
 */
static inline bool facts_quiet(const struct chk_slot *sl,
			       const struct sim_access_facts *f)
{
	if ((unsigned int)f->result >= SIM_RES_NR ||
	    ((CHK_FINDING_RESULTS >> f->result) & 1) ||
	    (f->stale | f->unaccepted))
		return false;
	if (f->write)
		return sl->quiet_write && !f->dropped_silently;
	return sl->quiet;
}

/*
 * After a judgement: may the next access of this key return at once?
 * Quiet: nothing open on the pair, nothing revoked, no hitless window.
 * Fold (@kind >= 0, the finding of @a): one more with the same facts
 * gives the same kind and suppression until the next state change (same
 * revokes, same allow windows) and its pair's episode is still the one
 * just judged (opening or ending one makes every slot stale), so it only
 * counts; unless a hitless window would count it too, or a write could
 * open or end a data-loss episode.  The judges may have made every slot
 * stale: this one is valid again.
 */
static void slot_settle(const struct chk_ctx *c, struct chk_slot *sl,
			const struct sim_rec_access *a, int kind)
{
	const struct chk_pair *p = &c->pairs[sl->pair];
	/* a write leaves data-loss open exactly when it was lost */
	bool fold = kind >= 0 && !c->hit_open && (!a->write || !p->dl_open);

	sl->quiet = p->akind < 0 && !sl->revoked && !c->hit_open;
	sl->quiet_write = sl->quiet && !p->dl_open;
	sl->fold = fold ? facts_word(&a->facts) : CHK_NO_FOLD;
	sl->afind = p->afind;
	sl->initiator = a->initiator;
}

/* Make @sl the slot of @a's key: look the pair and the mapping up. */
static __attribute__((noinline)) void
slot_fill(struct chk_ctx *c, struct chk_slot *sl, const struct sim_rec_access *a)
{
	const struct chk_map *m = chk_map_get(c, a->map_id);

	sl->map_id = a->map_id;
	sl->who = a->who;
	sl->pair = (uint32_t)pair_obtain(c, a);
	sl->map = m ? (int32_t)(m - c->maps) : -1;
	sl->revoked = m && m->buf >= 0 && c->bufs[m->buf].revoked;
	slot_settle(c, sl, a, -1);
}

/*
 * The three judges with the slot's look-ups (made first unless @hit);
 * then settle the slot.  Out of line: the quiet path makes no call.
 */
static __attribute__((noinline)) void
judge_all(struct sim *s, struct chk_ctx *c, struct chk_slot *sl,
	  const struct sim_rec *rec, bool hit)
{
	const struct sim_rec_access *a = &rec->u.access;
	const struct chk_map *m;
	int kind;

	if (!hit)
		slot_fill(c, sl, a);
	m = sl->map >= 0 ? &c->maps[sl->map] : NULL;
	kind = judge_access(s, c, sl->pair, sl->revoked, rec, m);
	judge_data_loss(s, c, sl->pair, rec, m);
	chk_hitless_judge(c, rec, m);
	/* an episode opened or ended: other slots are stale, this one holds */
	slot_settle(c, sl, a, kind);
}

/*
 * The ACCESS judge: access findings, then data-loss, then the hitless
 * windows, in that order (the order of their findings).  A record whose
 * slot is quiet and whose own fields are clean would change none of them
 * (judge_access: kind < 0 on a pair with none open; judge_data_loss: a
 * read, or a delivered write with none open; hitless: no window open),
 * so it returns before any of them, without a call; one whose facts are
 * the slot's @fold only counts.
 */
void chk_access_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;
	struct chk_slot *sl = &c->slots[slot_index(a->initiator, a->map_id)];
	bool hit = slot_hit(sl, a->who, a->initiator, a->map_id);

	if (hit && facts_quiet(sl, &a->facts))
		return;
	if (hit && facts_word(&a->facts) == sl->fold)
		episode_fold(s, sl->afind, rec->cycle);
	else
		judge_all(s, c, sl, rec, hit);
}

/*
 * The same verdicts before the record exists, for the publisher
 * (plat_emit_access()): the slot must already hold the key, as a
 * record judged just before leaves it; otherwise the record is needed.
 */
enum sim_verdict chk_access_verdict(struct sim *s, void *ctx,
				    enum sim_initiator who,
				    const char *initiator, uint64_t map_id,
				    const struct sim_access_facts *facts)
{
	struct chk_ctx *c = ctx;
	const struct chk_slot *sl = &c->slots[slot_index(initiator, map_id)];

	if (!slot_hit(sl, who, initiator, map_id))
		return SIM_VERDICT_PUBLISH;
	if (facts_word(facts) == sl->fold) {
		episode_fold(s, sl->afind, sim_now(s));
		return SIM_VERDICT_COUNTED;
	}
	return facts_quiet(sl, facts) ? SIM_VERDICT_QUIET : SIM_VERDICT_PUBLISH;
}

/*
 * A repeat of a record that changed nothing would change nothing (a
 * fold counts, so it is no quiet repeat).
 */
bool chk_access_again_quiet(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_access *a = &rec->u.access;
	struct chk_ctx *c = ctx;
	struct chk_slot *sl = &c->slots[slot_index(a->initiator, a->map_id)];

	if (!slot_hit(sl, a->who, a->initiator, a->map_id))
		slot_fill(c, sl, a);
	return facts_quiet(sl, &a->facts);
}
