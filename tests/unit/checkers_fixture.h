/* SPDX-License-Identifier: MIT */
/*
 * checkers_fixture.h - synthetic trace records for the docs/scenarios.md
 * checkers (steps, maps, owner changes, accesses, dma-buf events) and
 * finding lookups.  Included by check_checkers.c,
 * check_checkers_windows.c, check_checkers_cache.c and
 * check_checkers_verdict.c only.
 */
#ifndef TSMSIM_TESTS_UNIT_CHECKERS_FIXTURE_H
#define TSMSIM_TESTS_UNIT_CHECKERS_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* the suites (declared here: the Makefile greps the .c definitions) */
Suite *checkers_suite(void);
Suite *checkers_windows_suite(void);
Suite *checkers_cache_suite(void);
Suite *checkers_verdict_suite(void);

#define CFX_UNUSED __attribute__((unused))

#define BAR 0xe0000000ULL
#define BAR_SIZE 0x10000ULL
#define DRAM 0x100000000ULL

static CFX_UNUSED void noop(struct sim *s, void *subject, void *object)
{
}

/* Move the clock to @c (records are stamped with the current cycle). */
static CFX_UNUSED void at(struct sim *s, sim_cycles_t c)
{
	sim_event_schedule(s, c, SIM_PRIO_STATE, noop, NULL, NULL);
	sim_run_until(s, c);
	ck_assert_uint_eq(sim_now(s), c);
}

static CFX_UNUSED struct sim *mk(const struct sim_checker_cfg *cfg)
{
	struct sim *s = sim_create(1);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_checkers_install(s, cfg), 0);
	return s;
}

/* Checkers with one hitless window: step 1, the BAR's HPAs, line 9. */
static CFX_UNUSED struct sim *mk_bar_window(void)
{
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 1, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE, .what = "dev0 BAR 0", .line = 9,
	};
	const struct sim_checker_cfg cfg = { .hitless = &win, .nhitless = 1 };

	return mk(&cfg);
}

static CFX_UNUSED void emit(struct sim *s, enum sim_rec_type t,
			    struct sim_rec *rec)
{
	rec->type = t;
	sim_trace_emit(s, rec);
}

static CFX_UNUSED void step_begin(struct sim *s, int idx, unsigned int line,
				  const char *op, const char *label)
{
	struct sim_step_ref ref = { idx, line, label, op };
	struct sim_rec rec = { 0 };

	sim_set_step(s, &ref);
	emit(s, SIM_REC_STEP_BEGIN, &rec);
}

static CFX_UNUSED void step_end(struct sim *s)
{
	struct sim_rec rec = { 0 };

	rec.u.stepres.result = "ok";
	rec.u.stepres.expected = true;
	emit(s, SIM_REC_STEP_END, &rec);
	sim_set_step(s, NULL);
}

static CFX_UNUSED void map(struct sim *s, uint64_t id, enum sim_map_kind kind,
			   const char *table, uint64_t addr, uint64_t hpa,
			   uint64_t size)
{
	const struct sim_step_ref *st = sim_step(s);
	struct sim_rec rec = { 0 };
	char tbl[48];

	/* the publisher's buffer dies: the checker must have copied it */
	snprintf(tbl, sizeof(tbl), "%s", table);
	rec.u.map = (struct sim_rec_map){
		.kind = kind, .map_id = id, .table = tbl, .addr = addr,
		.hpa = hpa, .size = size, .owner_step = st->index,
		.owner_line = st->line, .owner_op = st->op,
		.owner_label = st->label, .populated = true,
	};
	emit(s, SIM_REC_MAP, &rec);
	memset(tbl, 'X', sizeof(tbl) - 1);
}

static CFX_UNUSED void unmap(struct sim *s, uint64_t id)
{
	struct sim_rec rec = { 0 };

	rec.u.map.map_id = id;
	emit(s, SIM_REC_UNMAP, &rec);
}

static CFX_UNUSED void owner(struct sim *s, const char *event, int finding,
			     unsigned int exempt, const char *why)
{
	struct sim_rec rec = { 0 };

	rec.u.owner = (struct sim_rec_owner){
		.device = "dev0", .hpa = BAR, .size = BAR_SIZE, .event = event,
		.to_private = true, .finding = finding, .exempt_kinds = exempt,
		.arch = "tdx", .why = why,
	};
	emit(s, SIM_REC_OWNER, &rec);
}

/* An access by @who/@ini through @map_id; tweak the result after. */
static CFX_UNUSED struct sim_rec_access acc(enum sim_initiator who,
					    const char *ini, uint64_t addr,
					    uint64_t hpa, uint64_t map_id,
					    enum sim_result res)
{
	return (struct sim_rec_access){
		.who = who, .initiator = ini, .addr = addr, .hpa = hpa,
		.size = 4, .result = res, .map_id = map_id,
		.detail = res == SIM_RES_OK ? NULL : "modelled cause",
	};
}

static CFX_UNUSED void access(struct sim *s, struct sim_rec_access a)
{
	struct sim_rec rec = { 0 };

	rec.u.access = a;
	emit(s, SIM_REC_ACCESS, &rec);
}

static CFX_UNUSED void dmabuf(struct sim *s, const char *event, uint64_t map_id)
{
	struct sim_rec rec = { 0 };

	rec.u.dmabuf = (struct sim_rec_dmabuf){ "buf0", event, "kvm", map_id };
	emit(s, SIM_REC_DMABUF, &rec);
}

static CFX_UNUSED size_t count_kind(const struct sim *s,
				    enum sim_finding_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < sim_findings_count(s); i++)
		n += sim_finding_at(s, i)->kind == k;
	return n;
}

static CFX_UNUSED const struct sim_finding *nth(const struct sim *s,
						enum sim_finding_kind k,
						size_t n)
{
	for (size_t i = 0; i < sim_findings_count(s); i++) {
		const struct sim_finding *f = sim_finding_at(s, i);

		if (f->kind == k && !n--)
			return f;
	}
	ck_abort_msg("no finding %s #%zu", sim_finding_name(k), n);
	return NULL;
}

static CFX_UNUSED void has(const struct sim_finding *f, const char *text)
{
	ck_assert_msg(strstr(f->explain, text), "\"%s\" not in \"%s\"",
		      text, f->explain);
}

#endif /* TSMSIM_TESTS_UNIT_CHECKERS_FIXTURE_H */
