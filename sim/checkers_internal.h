/* SPDX-License-Identifier: MIT */
/*
 * checkers_internal.h - private state of the docs/scenarios.md checkers
 * (checkers.c: install, bookkeeping and text helpers; checkers_access.c,
 * checkers_windows.c, checkers_events.c: the judges).  Only sim/ includes
 * it.
 *
 * The checkers read nothing but trace records.  One shared struct
 * chk_ctx keeps what several of them need (the mappings seen in MAP /
 * UNMAP, the dma-buf links, the open expect windows); the bookkeeping
 * checker is registered first, so every judge sees the state as of the
 * record it is judging.
 */
#ifndef TSMSIM_SIM_CHECKERS_INTERNAL_H
#define TSMSIM_SIM_CHECKERS_INTERNAL_H

#include "sim.h"

/* Hypervisor-side kinds of docs/scenarios.md (mem.h MEM_HYP_KINDS). */
/*
 * The latent findings are about CPU-reachable hypervisor-side mappings
 * (docs/arch/rules.md: "CPU-reachable hypervisor-side mapping of TEE MMIO
 * live when the TDI locks"); an iommufd P2P area is hypervisor-side but
 * only DMA reaches through it, and its use after lock is `ur` (no source
 * says it is an MCE), which the access checkers report when it happens.
 */
#define CHK_HYP_KINDS ((1u << SIM_MAP_HOST_MMAP) | (1u << SIM_MAP_KERNEL) | \
		       (1u << SIM_MAP_S2_SHARED))

#define CHK_NO_HPA UINT64_MAX
#define CHK_TABLE_LEN 48	/* mem.h struct mem_mapping table[] */
#define CHK_DESC_LEN 320

/* Open addressing u64 -> u32, linear probing; key 0 is "empty". */
struct chk_htab {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;
};

/**
 * struct chk_map - a mapping as MAP / UNMAP published it.  Kept after
 * UNMAP: a stale access through it still needs its cause chain.
 * @known:    a MAP record was seen (false: only a dma-buf link so far)
 * @live_pos: index in chk_ctx.live, or -1
 * @buf:      the dma-buf it imports (index in chk_ctx.bufs), or -1
 * @win_mask: hitless windows whose opening snapshot holds it
 * @gone:     the step that removed it (UNMAP), valid when !live
 */
struct chk_map {
	uint64_t id;
	bool known;
	enum sim_map_kind kind;
	char table[CHK_TABLE_LEN];
	uint64_t addr, hpa, size;
	bool populated;
	struct sim_step_ref owner;
	long live_pos;
	long buf;
	uint64_t win_mask;
	struct sim_step_ref gone;
	sim_cycles_t gone_at;
};

/* A dma-buf by name; @revoke is the step that revoked it. */
struct chk_buf {
	char *name;
	bool revoked;
	sim_cycles_t revoked_at;
	struct sim_step_ref revoke;
};

/*
 * struct chk_pair - (initiator, mapping): the unit of an access episode.
 * @akind: finding kind of the open access episode, -1 when none
 * @afind: its index in the findings list
 * @dl_open, @dres, @dfind: the same for data-loss
 */
struct chk_pair {
	char *initiator;
	enum sim_initiator who;
	uint64_t map_id;
	int akind;
	enum sim_result ares;
	bool asupp;
	size_t afind;
	bool dl_open;
	enum sim_result dres;
	size_t dfind;
};

struct chk_hitless {
	struct sim_hitless_cfg cfg;	/* @guest, @what owned */
	struct sim_hitless_status st;
	struct sim_step_ref from, to;	/* as the window saw them */
	bool unavail;
	sim_cycles_t unavail_since;
	struct sim_step_ref first_step;
	char first_desc[CHK_DESC_LEN];
	size_t *snap;			/* map indices mapped at opening */
	size_t nsnap;
};

struct chk_allow {
	struct sim_allow_cfg cfg;
	bool open;
};

/*
 * struct chk_slot - what the access judges looked up for one (initiator
 * address, kind, mapping), valid while @initiator is not
 * chk_stale_initiator (chk_slots_stale()).
 * @pair:   index in chk_ctx.pairs
 * @map:    index in chk_ctx.maps, or -1 (no mapping, or not seen)
 * @who:    the key's initiator kind
 * @revoked: the mapping imports a revoked dma-buf
 * @quiet:  the pair has no access episode open, @revoked is false and no
 *          hitless window is open: a read whose own fields give no
 *          finding changes nothing (checkers_access.c facts_quiet())
 * @quiet_write: the same for a write: @quiet and no data-loss episode open
 * @fold:   the facts (struct sim_access_facts, as one word) of the last
 *          record judged through this slot when it gave an access finding
 *          that one more record with the same facts would only count (a
 *          read, or a delivered write with no data-loss open, no hitless
 *          window open); else CHK_NO_FOLD
 * @afind:  with @fold, the finding of the pair's open episode
 *
 * Every slot goes stale on every record but ACCESS that reaches the
 * checkers (step, map, unmap, dma-buf, owner, TDI state, TDISP, teardown)
 * and on every access that opens or ends an episode, so a slot never
 * outlives a change of what it caches.  Staleness lives in @initiator (a
 * sentinel no publisher passes) rather than in an epoch beside it: the
 * key compare is then the whole validity check.  The initiator is keyed
 * by address: the publishers keep one text at one address at least until
 * the next such record.
 */
struct chk_slot {
	const char *initiator;
	uint64_t map_id;
	uint64_t fold;
	size_t afind;
	uint32_t pair;
	int32_t map;
	enum sim_initiator who;
	bool revoked;
	bool quiet;
	bool quiet_write;
	char pad_to_64[13];	/* a slot's address is a shift of its index */
};
_Static_assert(sizeof(struct chk_slot) == 64, "struct chk_slot: 64 bytes");

/* No facts have this word: its result would be 0xffffffff. */
#define CHK_NO_FOLD UINT64_MAX
#define CHK_SLOTS 16	/* direct-mapped; a power of 2 */

struct chk_ctx {
	struct chk_map *maps;
	size_t nmaps, cap_maps;
	struct chk_htab map_ix;
	size_t *live;			/* indices of live maps */
	size_t nlive, cap_live;

	struct chk_buf *bufs;
	size_t nbufs;
	struct chk_htab buf_ix;

	struct chk_pair *pairs;
	size_t npairs, cap_pairs;
	struct chk_htab pair_ix;
	/* the last pair looked up: a traffic stream hits it every access */
	const char *memo_name;
	size_t memo_ix;
	bool memo_valid;
	struct chk_slot slots[CHK_SLOTS];

	struct chk_htab latent_seen;	/* (mapping, TDI, event) reported */
	uint64_t tdi_entries;

	struct chk_hitless *hit;
	size_t nhit;
	uint64_t hit_open;		/* bit per open window */
	struct chk_allow *allow;
	size_t nallow;
	unsigned int allow_mask;	/* results allowed right now */
};

/* A bounded text buffer the finding descriptions are built in. */
struct chk_sb {
	char *p;
	size_t len, off;
};

/* ------------------------------------------------- checkers.c: helpers */

/* The initiator of a stale chk_slot: an address no publisher passes. */
extern const char chk_stale_initiator[];

/**
 * chk_slots_stale() - forget every cached verdict (struct chk_slot).
 * @c: checker state
 */
void chk_slots_stale(struct chk_ctx *c);

/**
 * chk_hash_str() - fold @str (may be NULL) into the seed @h.
 * @h:   seed
 * @str: string, NULL hashes as ""
 *
 * Return: a well-spread 64-bit hash (FNV-1a, then sim_splitmix64).
 */
uint64_t chk_hash_str(uint64_t h, const char *str);

/**
 * chk_nz() - a hash key that is never 0 (0 marks an empty chk_htab slot).
 * @k: key
 *
 * Return: @k, or 1 when @k is 0.
 */
uint64_t chk_nz(uint64_t k);

/**
 * chk_strdup() - copy @str into a fresh allocation (sim_xrealloc).
 * @str: string, not NULL
 *
 * Return: the copy; the caller frees it.
 */
char *chk_strdup(const char *str);

/**
 * chk_overlap() - whether [a, a+an) and [b, b+bn) intersect.
 * @a:  first base
 * @an: first size, 0 counts as 1 (a one-byte access)
 * @b:  second base
 * @bn: second size
 *
 * Return: true when the ranges share a byte.
 */
bool chk_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn);

/**
 * chk_htab_get() - look @key up in @t.
 * @t:   table
 * @key: key, not 0
 * @val: out: the value when found
 *
 * Return: true when @key is present.
 */
bool chk_htab_get(const struct chk_htab *t, uint64_t key, uint32_t *val);

/**
 * chk_htab_put() - insert or overwrite @key in @t, growing it as needed.
 * @t:   table
 * @key: key, must not be 0
 * @val: value
 */
void chk_htab_put(struct chk_htab *t, uint64_t key, uint32_t val);

/**
 * chk_map_get() - the mapping @id as the bookkeeper saw it.
 * @c:  checker state
 * @id: mapping id, 0 for none
 *
 * Return: the mapping, or NULL when @id is 0 or unknown.
 */
struct chk_map *chk_map_get(struct chk_ctx *c, uint64_t id);

/**
 * chk_find() - the checker state installed on @s.
 * @s: simulator
 *
 * Return: the state, or NULL when sim_checkers_install() was not called.
 */
struct chk_ctx *chk_find(const struct sim *s);

/* --------------------------------------------- checkers.c: text builder */

/* "VA" / "GPA" / "IOVA": what a mapping of each kind translates from. */
extern const char *const chk_map_addr_word[SIM_MAP_NR];

/**
 * chk_sb_add() - append printf-style text to @b; truncates silently.
 * @b:   buffer
 * @fmt: format
 */
void chk_sb_add(struct chk_sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * chk_sb_step() - "tsm.bind [bind0] at line 19", or "outside any step".
 * @b: buffer
 * @r: the step
 */
void chk_sb_step(struct chk_sb *b, const struct sim_step_ref *r);

/**
 * chk_sb_during() - " during tsm.bind [bind0] at line 19", or
 * " outside any step" (traffic).
 * @b: buffer
 * @r: the step
 */
void chk_sb_during(struct chk_sb *b, const struct sim_step_ref *r);

/**
 * chk_sb_map() - "the shared stage-2 mapping #3 (...) made by <step>".
 * @b:  buffer
 * @m:  the mapping, or NULL when unknown
 * @id: its id, for the unknown case
 */
void chk_sb_map(struct chk_sb *b, const struct chk_map *m, uint64_t id);

/**
 * chk_sb_access() - "vm0 write of shared GPA 0x1000 (HPA 0x...)".
 * @b: buffer
 * @a: the access
 */
void chk_sb_access(struct chk_sb *b, const struct sim_rec_access *a);

/**
 * chk_sb_result() - "ended ur (detail)".
 * @b: buffer
 * @a: the access
 */
void chk_sb_result(struct chk_sb *b, const struct sim_rec_access *a);

/* ------------------------------------------------- checkers_windows.c */

/**
 * chk_on_step() - open / close the hitless and allow windows bound to a
 * step; called by the bookkeeper on STEP_BEGIN / STEP_END.
 * @s:     simulator (a closing hitless window may report)
 * @c:     checker state
 * @rec:   the step record
 * @begin: true for STEP_BEGIN
 */
void chk_on_step(struct sim *s, struct chk_ctx *c, const struct sim_rec *rec,
		 bool begin);

/**
 * chk_cfg_valid() - check the windows of a sim_checkers_install() config.
 * @cfg: config, not NULL
 *
 * Return: 0, -E2BIG (too many hitless windows) or -EINVAL.
 */
int chk_cfg_valid(const struct sim_checker_cfg *cfg);

/**
 * chk_copy_cfg() - copy the windows of a valid @cfg into @c.
 * @c:   fresh checker state
 * @cfg: config that passed chk_cfg_valid()
 */
void chk_copy_cfg(struct chk_ctx *c, const struct sim_checker_cfg *cfg);

/*
 * The judges' sim_checker_ops.on_rec / .finish (sim.h), registered by
 * sim_checkers_install() after the bookkeeper:
 * chk_hitless_finish() in checkers_windows.c, chk_access_on_rec() (which
 * also runs data-loss and chk_hitless_judge()) in checkers_access.c, the
 * rest in checkers_events.c.
 */

/**
 * chk_hitless_judge() - account an ACCESS record to the open hitless
 * windows that cover it; part of chk_access_on_rec().
 * @c:   checker state
 * @rec: the ACCESS record
 * @m:   the mapping it went through, NULL when none or unknown
 */
void chk_hitless_judge(struct chk_ctx *c, const struct sim_rec *rec,
		       const struct chk_map *m);

/**
 * chk_hitless_finish() - close the windows the run ended inside.
 * @s:   simulator
 * @ctx: struct chk_ctx
 */
void chk_hitless_finish(struct sim *s, void *ctx);

/* -------------------------------------------------- checkers_access.c */

/**
 * chk_access_on_rec() - judge an ACCESS record: its one access finding by
 * precedence, folded into its (initiator, mapping) episode, then
 * data-loss for a write dropped silently, then the hitless windows.
 * @s:   simulator
 * @ctx: struct chk_ctx
 * @rec: the ACCESS record
 */
void chk_access_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec);

/**
 * chk_access_verdict() - sim_trace_access_verdict() while the ACCESS
 * judge alone subscribes: quiet or counted from the verdict cache alone,
 * else publish.
 * @s:         simulator
 * @ctx:       struct chk_ctx
 * @who:       the initiator's kind
 * @initiator: the access's initiator text (keyed by address)
 * @map_id:    the mapping it went through, 0 for none
 * @facts:     its result and flags
 *
 * Return: SIM_VERDICT_QUIET, SIM_VERDICT_COUNTED (the episode counted it)
 * or SIM_VERDICT_PUBLISH.
 */
enum sim_verdict chk_access_verdict(struct sim *s, void *ctx,
				    enum sim_initiator who,
				    const char *initiator, uint64_t map_id,
				    const struct sim_access_facts *facts);

/**
 * chk_access_again_quiet() - sim_checker_ops.again_quiet of the ACCESS
 * judge: a repeat of @rec would change no finding, count or state.
 * @s:   simulator
 * @ctx: struct chk_ctx
 * @rec: the ACCESS record just judged
 *
 * Return: true when the repeat may go unpublished.
 */
bool chk_access_again_quiet(struct sim *s, void *ctx, const struct sim_rec *rec);

/* -------------------------------------------------- checkers_events.c */

/**
 * chk_latent_on_rec() - latent-mce / latent-host-fault for each live
 * hypervisor-side mapping an OWNER record's range overlaps.
 * @s:   simulator
 * @ctx: struct chk_ctx
 * @rec: the OWNER record
 */
void chk_latent_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec);

/**
 * chk_tdi_error_on_rec() - tdi-error on each entry of a TDI into ERROR.
 * @s:   simulator
 * @ctx: struct chk_ctx
 * @rec: the TDI_STATE record
 */
void chk_tdi_error_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec);

/**
 * chk_tdisp_on_rec() - tdisp-protocol for an error response the scenario
 * did not expect.
 * @s:   simulator
 * @ctx: unused
 * @rec: the TDISP record
 */
void chk_tdisp_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec);

/**
 * chk_teardown_on_rec() - teardown-order for a step the arch forbids.
 * @s:   simulator
 * @ctx: unused
 * @rec: the TEARDOWN record
 */
void chk_teardown_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec);

#endif /* TSMSIM_SIM_CHECKERS_INTERNAL_H */
