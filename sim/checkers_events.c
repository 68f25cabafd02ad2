// SPDX-License-Identifier: MIT
/*
 * checkers_events.c - the judges of docs/scenarios.md that read one
 * event each: latent-mce / latent-host-fault (OWNER against the live
 * hypervisor-side mappings), tdi-error, tdisp-protocol and teardown-order.
 */
#include <string.h>

#include "checkers_internal.h"

#define CHK_TDI_ERROR 3		/* enum tdisp_state TDISP_ST_ERROR (pcie.h) */

/* ----------------------------------------------------- latent mappings */

static void sb_owner_event(struct chk_sb *b, const struct sim_rec_owner *o)
{
	const char *ev = o->event ? o->event : "?";
	const char *dev = o->device ? o->device : "?";

	if (!strcmp(ev, "lock"))
		chk_sb_add(b, "locked %s", dev);
	else if (!strcmp(ev, "mmio-tracking"))
		chk_sb_add(b, "started MMIO tracking of %s", dev);
	else if (!strcmp(ev, "rmp-assign"))
		chk_sb_add(b, "RMP-assigned %s's MMIO", dev);
	else if (!strcmp(ev, "delegate"))
		chk_sb_add(b, "delegated %s's MMIO to the Realm PAS", dev);
	else if (!strcmp(ev, "mmio-map"))
		chk_sb_add(b, "first mapped %s's MMIO privately", dev);
	else
		chk_sb_add(b, "moved %s's MMIO (%s)", dev, ev);
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

	chk_sb_step(&b, &m->owner);
	chk_sb_add(&b, " still maps HPA 0x%llx-0x%llx (%s, %s %s 0x%llx%s) when ",
		   (unsigned long long)lo, (unsigned long long)hi - 1, m->table,
		   sim_map_kind_name(m->kind), chk_map_addr_word[m->kind],
		   (unsigned long long)(m->addr + (lo - m->hpa)),
		   m->populated ? "" : ", not faulted in yet");
	chk_sb_step(&b, &rec->step);
	chk_sb_add(&b, " ");
	sb_owner_event(&b, o);
	chk_sb_add(&b, ": %s", o->why ? o->why : "touching it is a fault");
	sim_finding_add(s, (enum sim_finding_kind)o->finding, key, "%s", buf);
	sim_finding_close(s, (enum sim_finding_kind)o->finding, key);
}

static bool exempt_id(const struct sim_rec_owner *o, uint64_t id)
{
	for (size_t i = 0; i < o->nexempt; i++)
		if (o->exempt_ids[i] == id)
			return true;
	return false;
}

void chk_latent_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
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

		if (!(kinds & (1u << m->kind)) || exempt_id(o, m->id) ||
		    !chk_overlap(m->hpa, m->size, o->hpa, o->size))
			continue;
		/* one event: per-BAR records of one step fold together */
		key = chk_hash_str(sim_splitmix64(m->id) ^
				   (uint64_t)(int64_t)rec->step.index,
				   o->device);
		key = chk_nz(chk_hash_str(key ^ (uint64_t)o->finding, o->event));
		if (chk_htab_get(&c->latent_seen, key, &seen))
			continue;
		chk_htab_put(&c->latent_seen, key, 1);
		latent_report(s, rec, m, key);
	}
}

/* ------------------------------------------------- TDI and TDISP facts */

void chk_tdi_error_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
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
	chk_sb_add(&b, "%s entered ERROR from %s: %s,",
		   t->device ? t->device : "?",
		   t->from_name ? t->from_name : "?",
		   t->cause ? t->cause : "no cause published");
	chk_sb_during(&b, &rec->step);
	key = chk_nz(chk_hash_str(++c->tdi_entries, t->device));
	sim_finding_add(s, SIM_FIND_TDI_ERROR, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TDI_ERROR, key);
}

void chk_tdisp_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_tdisp *t = &rec->u.tdisp;
	char buf[CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	uint64_t key;

	if (!t->response || !strcmp(t->response, "ok") || t->expected)
		return;
	chk_sb_add(&b, "%s answered %s with %s, which the scenario did not expect,",
		   t->device ? t->device : "?", t->request ? t->request : "?",
		   t->response);
	chk_sb_during(&b, &rec->step);
	key = chk_nz(chk_hash_str(chk_hash_str(0, t->device), t->request));
	sim_finding_add(s, SIM_FIND_TDISP_PROTOCOL, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TDISP_PROTOCOL, key);
}

void chk_teardown_on_rec(struct sim *s, void *ctx, const struct sim_rec *rec)
{
	const struct sim_rec_teardown *t = &rec->u.teardown;
	char buf[2 * CHK_DESC_LEN];
	struct chk_sb b = { buf, sizeof(buf), 0 };
	uint64_t key;

	if (!t->forbidden)
		return;
	chk_sb_add(&b, "%s, at ", t->what ? t->what : "a teardown step");
	chk_sb_step(&b, &rec->step);
	chk_sb_add(&b, ": %s forbids this order (%s)",
		   t->arch ? t->arch : "the arch",
		   t->rule ? t->rule : "no rule published");
	key = chk_nz(chk_hash_str(chk_hash_str(0, t->device), t->what));
	sim_finding_add(s, SIM_FIND_TEARDOWN_ORDER, key, "%s", buf);
	sim_finding_close(s, SIM_FIND_TEARDOWN_ORDER, key);
}
