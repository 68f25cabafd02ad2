// SPDX-License-Identifier: MIT
/*
 * scenario_gpa.c - every guest physical address a scenario names, and the
 * rule that none carries the shared / protected bit (docs/scenarios.md,
 * "Guest addresses"): the arch forms the real address from `private:`, so
 * a `gpa` at or above the bit (tdx: GPA bit gpaw - 1; cca: the top IPA
 * bit; sev: the C-bit, 51) of a confidential guest is a scenario error.
 * The bit depends on the arch, so the loader checks the scenario's arches
 * (lint) and the runner the arch it runs (--arch).
 */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "load.h"

static const struct scn_guest *guest_of(const struct scenario *scn,
					const char *name)
{
	for (size_t i = 0; name && i < scn->platform.nguests; i++)
		if (!strcmp(scn->platform.guests[i].name, name))
			return &scn->platform.guests[i];
	return NULL;
}

/* A map with `guest` and `gpa` keys (a step, a translate entry, a fault). */
static void map_ref(const struct scenario *scn, const struct scn_value *m,
		    scn_gpa_fn *fn, void *ctx)
{
	const struct scn_value *gpa = m ? scn_get(m, "gpa") : NULL;
	const struct scn_guest *g;

	if (!gpa || gpa->type != SCN_U64)
		return;
	g = guest_of(scn, scn_get_str(m, "guest", NULL));
	if (g)
		fn(ctx, g, gpa->u, gpa->pos);
}

static void step_refs(const struct scenario *scn, const struct scn_step *st,
		      scn_gpa_fn *fn, void *ctx)
{
	const struct scn_value *tr = scn_get(&st->fields, "translate");

	map_ref(scn, &st->fields, fn, ctx);
	for (size_t i = 0; tr && tr->type == SCN_LIST && i < tr->n; i++) {
		map_ref(scn, &tr->items[i], fn, ctx);
		map_ref(scn, scn_get(&tr->items[i], "to"), fn, ctx);
	}
}

static void window_refs(const struct scenario *scn, const struct scn_expect *e,
			scn_gpa_fn *fn, void *ctx)
{
	for (size_t i = 0; i < e->nhitless; i++) {
		const struct scn_range *r = &e->hitless[i].range;
		const struct scn_guest *g = guest_of(scn, r->guest);

		if (g)
			fn(ctx, g, r->gpa, e->hitless[i].pos);
	}
}

void scn_gpa_walk(const struct scenario *scn, scn_gpa_fn *fn, void *ctx)
{
	for (size_t i = 0; i < scn->nsteps; i++)
		if (scn->steps[i].op >= 0)
			step_refs(scn, &scn->steps[i], fn, ctx);
	for (size_t i = 0; i < scn->ntraffic; i++) {
		const struct scn_traffic *t = &scn->traffic[i];
		const struct scn_guest *g = t->from == SCN_FROM_GUEST ?
					    guest_of(scn, t->from_name) : NULL;

		if (g)
			fn(ctx, g, t->addr, t->addr_pos);
	}
	for (size_t i = 0; i < scn->nfaults; i++)
		map_ref(scn, &scn->faults[i].params, fn, ctx);
	window_refs(scn, &scn->expect, fn, ctx);
	for (size_t i = 0; i < scn->nper_arch; i++)
		window_refs(scn, &scn->per_arch[i].expect, fn, ctx);
}

const char *scn_gpa_bad(const struct scn_guest *g, uint64_t gpa, int arch,
			char *buf, size_t len)
{
	unsigned int bits = g->gpaw ? g->gpaw : g->ipa_bits;
	uint64_t limit;

	if (!g->confidential || arch < 0)
		return NULL;
	limit = arch_gpa_limit((enum arch_id)arch, bits);
	if (gpa < limit)
		return NULL;
	return arch_gpa_bit_words((enum arch_id)arch, bits, buf, len);
}

int scn_gpa_error(const struct scn_guest *g, uint64_t gpa, int arch,
		  char *buf, size_t len)
{
	char bit[96];

	if (!scn_gpa_bad(g, gpa, arch, bit, sizeof(bit)))
		return 0;
	snprintf(buf, len, "gpa 0x%llx of confidential guest '%s' reaches %s on %s: a gpa never carries the shared / protected bit, `private:` chooses the view",
		 (unsigned long long)gpa, g->name, bit,
		 arch_id_name((enum arch_id)arch));
	return 1;
}
