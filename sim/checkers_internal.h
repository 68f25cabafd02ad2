/* SPDX-License-Identifier: MIT */
/*
 * checkers_internal.h - private state of the contract section 7 checkers
 * (checkers.c).  Only sim/ includes it.
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

/* Hypervisor-side kinds of contract section 7 (mem.h MEM_HYP_KINDS). */
/*
 * The latent findings are about CPU-reachable hypervisor-side mappings
 * (contract section 8: "CPU-reachable hypervisor-side mapping of TEE MMIO
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

	struct chk_htab latent_seen;	/* (mapping, TDI, event) reported */
	uint64_t tdi_entries;

	struct chk_hitless *hit;
	size_t nhit;
	uint64_t hit_open;		/* bit per open window */
	struct chk_allow *allow;
	size_t nallow;
	unsigned int allow_mask;	/* results allowed right now */
};

#endif /* TSMSIM_SIM_CHECKERS_INTERNAL_H */
