// SPDX-License-Identifier: MIT
/*
 * check_checkers.c - the contract section 7 checkers, fed synthetic trace
 * records the way the runner and the models would emit them: the clock
 * is moved with a no-op event, the step with sim_set_step().
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define BAR 0xe0000000ULL
#define BAR_SIZE 0x10000ULL
#define DRAM 0x100000000ULL

static void noop(struct sim *s, void *subject, void *object)
{
}

/* Move the clock to @c (records are stamped with the current cycle). */
static void at(struct sim *s, sim_cycles_t c)
{
	sim_event_schedule(s, c, SIM_PRIO_STATE, noop, NULL, NULL);
	sim_run_until(s, c);
	ck_assert_uint_eq(sim_now(s), c);
}

static struct sim *mk(const struct sim_checker_cfg *cfg)
{
	struct sim *s = sim_create(1);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_checkers_install(s, cfg), 0);
	return s;
}

static void emit(struct sim *s, enum sim_rec_type t, struct sim_rec *rec)
{
	rec->type = t;
	sim_trace_emit(s, rec);
}

static void step_begin(struct sim *s, int idx, unsigned int line,
		       const char *op, const char *label)
{
	struct sim_step_ref ref = { idx, line, label, op };
	struct sim_rec rec = { 0 };

	sim_set_step(s, &ref);
	emit(s, SIM_REC_STEP_BEGIN, &rec);
}

static void step_end(struct sim *s)
{
	struct sim_rec rec = { 0 };

	rec.u.stepres.result = "ok";
	rec.u.stepres.expected = true;
	emit(s, SIM_REC_STEP_END, &rec);
	sim_set_step(s, NULL);
}

static void map(struct sim *s, uint64_t id, enum sim_map_kind kind,
		const char *table, uint64_t addr, uint64_t hpa, uint64_t size)
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

static void unmap(struct sim *s, uint64_t id)
{
	struct sim_rec rec = { 0 };

	rec.u.map.map_id = id;
	emit(s, SIM_REC_UNMAP, &rec);
}

static void owner(struct sim *s, const char *event, int finding,
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
static struct sim_rec_access acc(enum sim_initiator who, const char *ini,
				 uint64_t addr, uint64_t hpa, uint64_t map_id,
				 enum sim_result res)
{
	return (struct sim_rec_access){
		.who = who, .initiator = ini, .addr = addr, .hpa = hpa,
		.size = 4, .result = res, .map_id = map_id,
		.detail = res == SIM_RES_OK ? NULL : "modelled cause",
	};
}

static void access(struct sim *s, struct sim_rec_access a)
{
	struct sim_rec rec = { 0 };

	rec.u.access = a;
	emit(s, SIM_REC_ACCESS, &rec);
}

static void dmabuf(struct sim *s, const char *event, uint64_t map_id)
{
	struct sim_rec rec = { 0 };

	rec.u.dmabuf = (struct sim_rec_dmabuf){ "buf0", event, "kvm", map_id };
	emit(s, SIM_REC_DMABUF, &rec);
}

static size_t count_kind(const struct sim *s, enum sim_finding_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < sim_findings_count(s); i++)
		n += sim_finding_at(s, i)->kind == k;
	return n;
}

static const struct sim_finding *nth(const struct sim *s,
				     enum sim_finding_kind k, size_t n)
{
	for (size_t i = 0; i < sim_findings_count(s); i++) {
		const struct sim_finding *f = sim_finding_at(s, i);

		if (f->kind == k && !n--)
			return f;
	}
	ck_abort_msg("no finding %s #%zu", sim_finding_name(k), n);
	return NULL;
}

static void has(const struct sim_finding *f, const char *text)
{
	ck_assert_msg(strstr(f->explain, text), "\"%s\" not in \"%s\"",
		      text, f->explain);
}

/* --------------------------------------------------------------- latent */

START_TEST(latent_names_mapping_and_lock)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	at(s, 5);
	step_begin(s, 0, 14, "kvm.map", "sh0");
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	/* not hypervisor-side, or not over the TEE range: never latent */
	map(s, 2, SIM_MAP_S2_PRIVATE, "vm0 S-EPT", 0x8000, BAR, BAR_SIZE);
	map(s, 3, SIM_MAP_HOST_MMAP, "mmap m0", 0, BAR + BAR_SIZE, 0x1000);
	step_end(s);
	at(s, 100);
	step_begin(s, 1, 19, "tsm.bind", "bind");
	owner(s, "lock", SIM_FIND_LATENT_MCE,
	      0, "on tdx a CPU access is an MCE");
	/* a second record of the same step (another BAR range): one event */
	owner(s, "lock", SIM_FIND_LATENT_MCE, 0, "on tdx a CPU access is an MCE");
	/* a record whose profile attaches nothing */
	owner(s, "mmio-tracking", -1, 0, "n/a");
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_LATENT_MCE, 0);
	ck_assert_uint_eq(f->count, 1);
	ck_assert_uint_eq(f->first, 100);
	ck_assert_uint_eq(f->line, 19);
	ck_assert_str_eq(f->label, "bind");
	ck_assert(!f->open && !f->suppressed);
	ck_assert_str_eq(f->explain,
			 "kvm.map [sh0] at line 14 still maps HPA 0xe0000000-0xe000ffff (vm0 shared EPT, shared stage-2 GPA 0x1000) when tsm.bind [bind] at line 19 locked dev0: on tdx a CPU access is an MCE");
	/* a later lock (another step) with the mapping still live: again */
	step_begin(s, 4, 30, "tsm.bind", NULL);
	owner(s, "lock", SIM_FIND_LATENT_MCE, 0, "x");
	step_end(s);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_LATENT_MCE), 2);
	ck_assert_uint_eq(sim_findings_unsuppressed(s, SIM_FIND_LATENT_MCE), 2);
	sim_destroy(s);
}
END_TEST

START_TEST(latent_exempt_kinds_not_counted)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	step_begin(s, 0, 10, "vfio.mmap", "m0");
	map(s, 7, SIM_MAP_HOST_MMAP, "mmap m0", 0x7f0000, BAR, 0x1000);
	step_end(s);
	step_begin(s, 1, 11, "kvm.map", NULL);
	map(s, 8, SIM_MAP_S2_SHARED, "vm0 NPT", 0x2000, BAR, BAR_SIZE);
	map(s, 9, SIM_MAP_KERNEL, "ioremap", 0xffff0000, BAR + 0x2000, 0x1000);
	step_end(s);
	at(s, 50);
	step_begin(s, 2, 20, "tsm.bind", NULL);
	owner(s, "rmp-assign", SIM_FIND_LATENT_HOST_FAULT,
	      1u << SIM_MAP_S2_SHARED, "on sev a host write is an RMP fault");
	step_end(s);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_LATENT_HOST_FAULT), 2);
	ck_assert_uint_eq(sim_findings_count(s), 2);
	f = nth(s, SIM_FIND_LATENT_HOST_FAULT, 0);
	has(f, "vfio.mmap [m0] at line 10 still maps HPA 0xe0000000-0xe0000fff (mmap m0, host mmap VA 0x7f0000)");
	has(f, "tsm.bind at line 20 RMP-assigned dev0's MMIO: on sev a host write is an RMP fault");
	f = nth(s, SIM_FIND_LATENT_HOST_FAULT, 1);
	has(f, "kvm.map at line 11 still maps HPA 0xe0002000-0xe0002fff (ioremap");
	sim_destroy(s);
}
END_TEST

START_TEST(latent_after_unmap_is_clean)
{
	struct sim *s = mk(NULL);

	step_begin(s, 0, 14, "kvm.map", NULL);
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	map(s, 2, SIM_MAP_IOMMU, "ioas a", 0x1000, BAR, BAR_SIZE);
	step_end(s);
	step_begin(s, 1, 15, "kvm.unmap", NULL);
	unmap(s, 1);
	unmap(s, 2);
	unmap(s, 99);		/* unknown ids are harmless */
	step_end(s);
	step_begin(s, 2, 19, "tsm.bind", NULL);
	owner(s, "lock", SIM_FIND_LATENT_MCE, 0, "mce");
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 0);
	sim_destroy(s);
}
END_TEST

START_TEST(latent_iommu_area_not_cpu_reachable)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	/* an iommufd P2P area over the TEE BAR is DMA-reachable only */
	step_begin(s, 0, 20, "iommufd.map_dmabuf", "map-p2p");
	map(s, 1, SIM_MAP_IOMMU, "ioas ioas0", 0x40000000, BAR, BAR_SIZE);
	step_end(s);
	step_begin(s, 1, 22, "tsm.bind", "bind");
	owner(s, "lock", SIM_FIND_LATENT_MCE, 0, "on tdx a CPU access is an MCE");
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 0);
	/* the same at an owner change (cca delegate, sev RMP assign) */
	step_begin(s, 2, 24, "kvm.map", "map-private");
	owner(s, "delegate", SIM_FIND_LATENT_HOST_FAULT, 0, "GPF");
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 0);
	/* a host mmap beside it still counts */
	step_begin(s, 3, 25, "vfio.mmap", "m0");
	map(s, 2, SIM_MAP_HOST_MMAP, "mmap m0", 0, BAR, BAR_SIZE);
	step_end(s);
	step_begin(s, 4, 26, "tsm.bind", NULL);
	owner(s, "lock", SIM_FIND_LATENT_MCE, 0, "mce");
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_LATENT_MCE, 0);
	has(f, "vfio.mmap [m0] at line 25");
	sim_destroy(s);
}
END_TEST

/* ------------------------------------------------------------- accesses */

START_TEST(access_results_map_to_findings)
{
	static const struct {
		enum sim_result res;
		int kind;
	} tab[] = {
		{ SIM_RES_OK, -1 }, { SIM_RES_RETRIED, -1 },
		{ SIM_RES_FAULT, SIM_FIND_ACCESS_ERROR },
		{ SIM_RES_UR, SIM_FIND_ACCESS_ERROR },
		{ SIM_RES_STUCK, SIM_FIND_ACCESS_ERROR },
		{ SIM_RES_MCE, SIM_FIND_MCE },
		{ SIM_RES_HOST_FAULT, SIM_FIND_HOST_FAULT },
	};
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	step_begin(s, 0, 14, "kvm.map", "sh0");
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	step_end(s);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t before = sim_findings_count(s);

		at(s, 100 * (i + 1));
		/* the ok access in the step ends each episode */
		access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, tab[i].res));
		step_begin(s, 1, 30, "guest.read", NULL);
		access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_OK));
		step_end(s);
		ck_assert_uint_eq(sim_findings_count(s),
				  before + (tab[i].kind >= 0));
		if (tab[i].kind < 0)
			continue;
		f = sim_finding_at(s, before);
		ck_assert_int_eq(f->kind, tab[i].kind);
		ck_assert_uint_eq(f->count, 1);
		ck_assert_uint_eq(f->first, 100 * (i + 1));
		ck_assert(!f->open);	/* the ok access closed it */
		ck_assert_int_eq(f->step, -1);
		has(f, "vm0 read of shared GPA 0x1000 (HPA 0xe0000000) through the shared stage-2 #1 (vm0 shared EPT, GPA 0x1000 -> HPA 0xe0000000+0x10000) made by kvm.map [sh0] at line 14 ended ");
		has(f, sim_result_name(tab[i].res));
		has(f, "(modelled cause) outside any step");
	}
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 3);
	sim_destroy(s);
}
END_TEST

START_TEST(access_precedence_one_finding_per_access)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	map(s, 2, SIM_MAP_IOMMU, "ioas a", 0x4000, BAR, BAR_SIZE);
	dmabuf(s, "map", 2);
	dmabuf(s, "revoke", 0);
	/* mce that is also stale and unaccepted: only mce */
	a = acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_MCE);
	a.stale = a.unaccepted = true;
	access(s, a);
	/* host-fault over unaccepted */
	a = acc(SIM_INIT_GUEST, "vm1", 0x1000, BAR, 1, SIM_RES_HOST_FAULT);
	a.unaccepted = true;
	access(s, a);
	/* unaccepted over use-after-revoke, stale and fault */
	a = acc(SIM_INIT_GUEST, "vm2", 0x4000, BAR, 2, SIM_RES_FAULT);
	a.unaccepted = a.stale = true;
	access(s, a);
	/* use-after-revoke over stale and ur */
	a = acc(SIM_INIT_DEVICE, "dev1", 0x4000, BAR, 2, SIM_RES_UR);
	a.stale = true;
	access(s, a);
	/* stale over ur */
	a = acc(SIM_INIT_DEVICE, "dev2", 0x1000, BAR, 1, SIM_RES_UR);
	a.stale = true;
	access(s, a);
	ck_assert_uint_eq(sim_findings_count(s), 5);
	ck_assert_int_eq(sim_finding_at(s, 0)->kind, SIM_FIND_MCE);
	ck_assert_int_eq(sim_finding_at(s, 1)->kind, SIM_FIND_HOST_FAULT);
	ck_assert_int_eq(sim_finding_at(s, 2)->kind, SIM_FIND_UNACCEPTED_ACCESS);
	has(sim_finding_at(s, 2), "had not accepted / validated");
	ck_assert_int_eq(sim_finding_at(s, 3)->kind, SIM_FIND_USE_AFTER_REVOKE);
	ck_assert_int_eq(sim_finding_at(s, 4)->kind, SIM_FIND_STALE_TRANSLATION);
	sim_destroy(s);
}
END_TEST

START_TEST(access_episodes_fold_and_end)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;
	static const struct {
		sim_cycles_t at;
		const char *ini;
		enum sim_result res;
	} seq[] = {
		{ 10, "vm0", SIM_RES_FAULT }, { 20, "vm0", SIM_RES_FAULT },
		{ 25, "vm1", SIM_RES_OK },	/* another initiator: no effect */
		{ 30, "vm0", SIM_RES_FAULT },
		{ 40, "vm0", SIM_RES_OK },	/* ends the episode */
		{ 50, "vm0", SIM_RES_FAULT },
		{ 60, "vm0", SIM_RES_UR },	/* ends differently */
		{ 70, "vm0", SIM_RES_UR },
	};

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		at(s, seq[i].at);
		access(s, acc(SIM_INIT_GUEST, seq[i].ini, 0x1000, BAR, 1,
			      seq[i].res));
	}
	/* the same initiator through another mapping: its own episode */
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x9000, DRAM, 2, SIM_RES_UR));
	ck_assert_uint_eq(sim_findings_count(s), 4);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 3);
	ck_assert_uint_eq(f->first, 10);
	ck_assert_uint_eq(f->last, 30);
	ck_assert(!f->open);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 1);
	ck_assert_uint_eq(f->count, 1);
	ck_assert_uint_eq(f->first, 50);
	ck_assert(!f->open);
	has(f, "ended fault");
	f = nth(s, SIM_FIND_ACCESS_ERROR, 2);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 60);
	ck_assert_uint_eq(f->last, 70);
	ck_assert(f->open);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 3);
	ck_assert_uint_eq(f->count, 1);
	has(f, "through mapping #2 ended ur");
	sim_destroy(s);
}
END_TEST

START_TEST(data_loss_counted_in_addition)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access w, r;
	const struct sim_finding *f;

	map(s, 1, SIM_MAP_HOST_MMAP, "mmap m0", 0, BAR, BAR_SIZE);
	w = acc(SIM_INIT_HOST, "host", BAR, BAR, 1, SIM_RES_UR);
	w.write = w.dropped_silently = true;
	r = acc(SIM_INIT_HOST, "host", BAR, BAR, 1, SIM_RES_UR);
	at(s, 10);
	access(s, w);
	at(s, 20);
	access(s, r);		/* a read: ur, but no data lost */
	at(s, 30);
	access(s, w);
	at(s, 40);
	w.dropped_silently = false;	/* told: ends the loss episode */
	access(s, w);
	at(s, 50);
	w.dropped_silently = true;
	access(s, w);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_DATA_LOSS), 2);
	f = nth(s, SIM_FIND_DATA_LOSS, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 10);
	ck_assert_uint_eq(f->last, 30);
	ck_assert(!f->open);
	has(f, "host write of address 0xe0000000 (HPA 0xe0000000) through the host mmap #1");
	has(f, "was dropped and host was not told: it ended ur (modelled cause)");
	f = nth(s, SIM_FIND_DATA_LOSS, 1);
	ck_assert_uint_eq(f->first, 50);
	/* every access also ended ur: one access-error episode of five */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 1);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 5);
	sim_destroy(s);
}
END_TEST

START_TEST(use_after_revoke_until_unrevoke)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;
	struct sim_rec_access a;

	step_begin(s, 0, 8, "iommufd.map", "p2p");
	dmabuf(s, "map", 5);	/* the link may come before the MAP record */
	map(s, 5, SIM_MAP_IOMMU, "ioas a", 0x4000, BAR, BAR_SIZE);
	step_end(s);
	a = acc(SIM_INIT_DEVICE, "dev1", 0x4000, BAR, 5, SIM_RES_OK);
	at(s, 10);
	access(s, a);
	at(s, 100);
	step_begin(s, 1, 22, "dmabuf.revoke", NULL);
	dmabuf(s, "revoke", 0);
	step_end(s);
	at(s, 110);
	access(s, a);
	at(s, 120);
	dmabuf(s, "revoked", 0);	/* completion does not move the start */
	access(s, a);
	at(s, 200);
	dmabuf(s, "unrevoke", 0);
	access(s, a);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_USE_AFTER_REVOKE, 0);
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->first, 110);
	ck_assert_uint_eq(f->last, 120);
	ck_assert(!f->open);
	has(f, "dev1 read of T=0 IOVA 0x4000 (HPA 0xe0000000) through the iommufd mapping #5 (ioas a, IOVA 0x4000 -> HPA 0xe0000000+0x10000) made by iommufd.map [p2p] at line 8 ended ok");
	has(f, "it imports dma-buf buf0, revoked at cycle 100 by dmabuf.revoke at line 22");
	/* revoked again, but the importer dropped the mapping: not linked */
	dmabuf(s, "revoke", 0);
	dmabuf(s, "unmapped", 5);
	access(s, a);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	sim_destroy(s);
}
END_TEST

START_TEST(stale_names_the_unmap)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a;
	const struct sim_finding *f;

	step_begin(s, 0, 5, "iommufd.map", NULL);
	map(s, 3, SIM_MAP_IOMMU, "ioas a", 0x4000, DRAM, 0x1000);
	step_end(s);
	at(s, 40);
	step_begin(s, 1, 9, "iommufd.unmap", NULL);
	unmap(s, 3);
	step_end(s);
	at(s, 45);
	a = acc(SIM_INIT_DEVICE, "dev0", 0x4000, DRAM, 3, SIM_RES_OK);
	a.stale = true;
	access(s, a);
	f = nth(s, SIM_FIND_STALE_TRANSLATION, 0);
	ck_assert_uint_eq(f->first, 45);
	has(f, "made by iommufd.map at line 5 ended ok outside any step; it used a stale TLB entry: the mapping was removed at cycle 40 by iommufd.unmap at line 9");
	ck_assert_uint_eq(sim_findings_count(s), 1);
	sim_destroy(s);
}
END_TEST

/* ----------------------------------------------------- TDI, TDISP, order */

static void tdi(struct sim *s, int from, const char *fn, int to,
		const char *tn, const char *cause)
{
	struct sim_rec rec = { 0 };

	rec.u.tdi = (struct sim_rec_tdi_state){ "dev0", from, to, fn, tn,
						 cause };
	emit(s, SIM_REC_TDI_STATE, &rec);
}

START_TEST(tdi_error_once_per_entry)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	step_begin(s, 0, 40, "dev.config_write", "cfgw");
	tdi(s, 1, "CONFIG_LOCKED", 2, "RUN", "START_INTERFACE");
	tdi(s, 2, "RUN", 3, "ERROR", "config write bar0");
	tdi(s, 3, "ERROR", 3, "ERROR", "config write again");
	step_end(s);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_TDI_ERROR), 1);
	f = nth(s, SIM_FIND_TDI_ERROR, 0);
	ck_assert_uint_eq(f->line, 40);
	ck_assert_str_eq(f->explain, "dev0 entered ERROR from RUN: config write bar0, during dev.config_write [cfgw] at line 40");
	tdi(s, 3, "ERROR", 0, "CONFIG_UNLOCKED", "STOP_INTERFACE");
	tdi(s, 0, "CONFIG_UNLOCKED", 3, "ERROR", "FLR");
	ck_assert_uint_eq(count_kind(s, SIM_FIND_TDI_ERROR), 2);
	has(nth(s, SIM_FIND_TDI_ERROR, 1), "from CONFIG_UNLOCKED: FLR");
	sim_destroy(s);
}
END_TEST

static void tdisp(struct sim *s, const char *req, const char *rsp,
		  bool expected)
{
	struct sim_rec rec = { 0 };

	rec.u.tdisp = (struct sim_rec_tdisp){ "dev0", req, rsp, expected };
	emit(s, SIM_REC_TDISP, &rec);
}

START_TEST(tdisp_protocol_only_when_unexpected)
{
	struct sim *s = mk(NULL);
	const struct sim_finding *f;

	step_begin(s, 3, 33, "tdisp.lock", NULL);
	tdisp(s, "LOCK_INTERFACE", "ok", false);
	tdisp(s, "LOCK_INTERFACE", "INVALID_INTERFACE_STATE", true);
	ck_assert_uint_eq(sim_findings_count(s), 0);
	tdisp(s, "START_INTERFACE", "INVALID_NONCE", false);
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_TDISP_PROTOCOL, 0);
	ck_assert_uint_eq(f->line, 33);
	ck_assert_str_eq(f->explain, "dev0 answered START_INTERFACE with INVALID_NONCE, which the scenario did not expect, during tdisp.lock at line 33");
	sim_destroy(s);
}
END_TEST

START_TEST(teardown_order_when_forbidden)
{
	struct sim *s = mk(NULL);
	struct sim_rec rec = { 0 };
	const struct sim_finding *f;

	step_begin(s, 6, 50, "kvm.unmap", "unmap-priv");
	rec.u.teardown = (struct sim_rec_teardown){
		"dev0", "vm0", "private MMIO unmapped while dev0 is CONFIG_LOCKED",
		true, "tdx", "TDX Connect: unmap after STOP [tdx-connect]",
	};
	emit(s, SIM_REC_TEARDOWN, &rec);
	rec.u.teardown.forbidden = false;
	rec.u.teardown.what = "vm0 destroyed";
	emit(s, SIM_REC_TEARDOWN, &rec);
	step_end(s);
	ck_assert_uint_eq(sim_findings_count(s), 1);
	f = nth(s, SIM_FIND_TEARDOWN_ORDER, 0);
	ck_assert_uint_eq(f->line, 50);
	ck_assert_str_eq(f->explain, "private MMIO unmapped while dev0 is CONFIG_LOCKED, at kvm.unmap [unmap-priv] at line 50: tdx forbids this order (TDX Connect: unmap after STOP [tdx-connect])");
	sim_destroy(s);
}
END_TEST

/* -------------------------------------------------------------- windows */

START_TEST(hitless_violated_longest_interval)
{
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 3, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE, .what = "dev0 BAR 0", .line = 77,
	};
	const struct sim_checker_cfg cfg = { .hitless = &win, .nhitless = 1 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;
	const struct sim_finding *f;
	struct sim_rec_access ok = acc(SIM_INIT_GUEST, "vm0 poll", 0x1000,
				       BAR, 1, SIM_RES_OK);
	struct sim_rec_access gone = acc(SIM_INIT_GUEST, "vm0 poll", 0x1004,
					 UINT64_MAX, 0, SIM_RES_FAULT);

	step_begin(s, 0, 14, "kvm.map", "sh0");
	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	step_end(s);
	at(s, 90);
	access(s, gone);	/* before the window: not covered */
	at(s, 100);
	step_begin(s, 1, 20, "tsm.bind", "bind");
	at(s, 110);
	access(s, ok);
	step_end(s);
	at(s, 200);
	step_begin(s, 2, 21, "kvm.unmap", NULL);
	unmap(s, 1);
	step_end(s);
	at(s, 210);
	access(s, gone);	/* covered: the GPA mapped the BAR at opening */
	at(s, 220);
	access(s, gone);
	at(s, 230);		/* elsewhere: DRAM, not covered */
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x9000, DRAM, 4, SIM_RES_UR));
	access(s, acc(SIM_INIT_GUEST, "vm1", 0x1000, UINT64_MAX, 0,
		      SIM_RES_FAULT));	/* another guest's GPA 0x1000 */
	at(s, 250);
	step_begin(s, 3, 22, "kvm.map", "priv");
	map(s, 2, SIM_MAP_S2_PRIVATE, "vm0 S-EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 300);
	ok.map_id = 2;
	access(s, ok);		/* 210 .. 300: 90 cycles unavailable */
	at(s, 400);
	ok.result = SIM_RES_RETRIED;	/* retried breaks hitless too */
	access(s, ok);
	at(s, 450);
	step_end(s);		/* 400 .. 450: 50 cycles */
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_str_eq(sim_hitless_verdict_name(st.verdict), "violated");
	ck_assert_uint_eq(st.accesses, 5);
	ck_assert_uint_eq(st.bad, 3);
	ck_assert_uint_eq(st.opened, 100);
	ck_assert_uint_eq(st.closed, 450);
	ck_assert_uint_eq(st.first_bad, 210);
	ck_assert_uint_eq(st.last_bad, 400);
	ck_assert_uint_eq(st.longest, 90);
	ck_assert_uint_eq(st.longest_from, 210);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	f = nth(s, SIM_FIND_HITLESS_VIOLATION, 0);
	ck_assert_int_eq((long)(f - sim_finding_at(s, 0)), st.finding);
	ck_assert_uint_eq(f->count, 3);
	ck_assert_uint_eq(f->first, 210);
	ck_assert_uint_eq(f->last, 400);
	ck_assert_uint_eq(f->line, 77);	/* first bad access was traffic */
	ck_assert(!f->open);
	ck_assert_str_eq(f->explain, "hitless window at line 77 over dev0 BAR 0, from tsm.bind [bind] at line 20 to kvm.map [priv] at line 22: 3 of 5 accesses did not end ok; the first, vm0 poll read of shared GPA 0x1004 at cycle 210 outside any step, ended fault (modelled cause); the range was unavailable for up to 90 cycles (from cycle 210)");
	/*
	 * the window does not replace the access findings: (vm0 poll, no
	 * mapping, fault) at 90, 210, 220 is one episode; DRAM ur; vm1
	 */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 0)->count, 3);
	sim_checkers_finish(s);
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	ck_assert_int_eq(sim_hitless_get(s, 1, &st), -ENOENT);
	sim_destroy(s);
}
END_TEST

/* KVM names its memslot "kvm GUEST slot": a fault after its unmap is covered */
START_TEST(hitless_covers_kvm_slot_after_unmap)
{
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 2, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE, .what = "dev0 BAR 0", .line = 40,
	};
	const struct sim_checker_cfg cfg = { .hitless = &win, .nhitless = 1 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;

	step_begin(s, 0, 14, "kvm.map", "map-shared");
	map(s, 1, SIM_MAP_S2_SHARED, "kvm td0 slot", 0x80000000, BAR, BAR_SIZE);
	step_end(s);
	at(s, 100);
	step_begin(s, 1, 18, "kvm.unmap", "unmap-shared");
	unmap(s, 1);
	step_end(s);
	at(s, 200);
	access(s, acc(SIM_INIT_GUEST, "td0 poll-shared", 0x80000040,
		      UINT64_MAX, 0, SIM_RES_FAULT));
	/* another guest's GPA is not covered; nor is a "kvm" initiator */
	access(s, acc(SIM_INIT_GUEST, "td1 poll", 0x80000040, UINT64_MAX, 0,
		      SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "kvm", 0x80000040, UINT64_MAX, 0,
		      SIM_RES_FAULT));
	at(s, 300);
	step_begin(s, 2, 20, "tsm.bind", "bind");
	step_end(s);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.accesses, 1);
	ck_assert_uint_eq(st.bad, 1);
	ck_assert_uint_eq(st.first_bad, 200);
	sim_destroy(s);
}
END_TEST

START_TEST(hitless_clean_unexercised_unreached_open)
{
	const struct sim_hitless_cfg win[] = {
		{ .from_step = 0, .to_step = 1, .range = SIM_WIN_GPA,
		  .guest = "vm0", .base = 0x1000, .size = 0x1000, .line = 1 },
		{ .from_step = 0, .to_step = 0, .range = SIM_WIN_IOVA,
		  .base = 0x4000, .size = 0x1000, .line = 2 },
		{ .from_step = 9, .to_step = 9, .range = SIM_WIN_HPA,
		  .base = BAR, .size = BAR_SIZE, .line = 3 },
		{ .from_step = 1, .to_step = 5, .range = SIM_WIN_IOVA,
		  .base = 0x4000, .size = 0x1000, .line = 4 },
	};
	const struct sim_checker_cfg cfg = { .hitless = win, .nhitless = 4 };
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;
	struct sim_rec_access dma = acc(SIM_INIT_DEVICE, "dev0", 0x4000,
					UINT64_MAX, 0, SIM_RES_FAULT);

	ck_assert_uint_eq(sim_hitless_count(s), 4);
	at(s, 10);
	step_begin(s, 0, 30, "guest.read", NULL);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1800, BAR, 1, SIM_RES_OK));
	/* the IOVA window covers devices only; vm1 is not vm0 */
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x4000, BAR, 1, SIM_RES_OK));
	access(s, acc(SIM_INIT_GUEST, "vm01", 0x1800, BAR, 1, SIM_RES_UR));
	step_end(s);
	at(s, 20);
	step_begin(s, 1, 31, "guest.read", NULL);
	access(s, acc(SIM_INIT_GUEST, "vm0:poll", 0x1ffc, BAR, 1, SIM_RES_OK));
	step_end(s);
	at(s, 60);
	access(s, dma);		/* window 3 is open: runs to the end */
	at(s, 80);
	sim_checkers_finish(s);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_CLEAN);
	ck_assert_uint_eq(st.accesses, 2);
	ck_assert_int_eq(st.finding, -1);
	ck_assert_int_eq(sim_hitless_get(s, 1, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_UNEXERCISED);
	ck_assert_str_eq(sim_hitless_verdict_name(st.verdict), "unexercised");
	ck_assert_uint_eq(st.accesses, 0);
	ck_assert_int_eq(sim_hitless_get(s, 2, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_NOT_REACHED);
	ck_assert_int_eq(sim_hitless_get(s, 3, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.closed, 80);
	ck_assert_uint_eq(st.longest, 20);	/* 60 .. end of run */
	has(nth(s, SIM_FIND_HITLESS_VIOLATION, 0),
	    "over IOVA 0x4000+0x1000, from guest.read at line 31 to the end of the run: 1 of 1");
	ck_assert_uint_eq(count_kind(s, SIM_FIND_HITLESS_VIOLATION), 1);
	sim_destroy(s);
}
END_TEST

START_TEST(allow_suppresses_only_listed_results)
{
	const struct sim_allow_cfg allow = {
		.from_step = 1, .to_step = 2,
		.results = (1u << SIM_RES_FAULT) | (1u << SIM_RES_RETRIED),
	};
	const struct sim_hitless_cfg win = {
		.from_step = 1, .to_step = 1, .range = SIM_WIN_HPA,
		.base = BAR, .size = BAR_SIZE,
	};
	const struct sim_checker_cfg cfg = {
		.hitless = &win, .nhitless = 1, .allow = &allow, .nallow = 1,
	};
	struct sim *s = mk(&cfg);
	struct sim_hitless_status st;

	map(s, 1, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x1000, BAR, BAR_SIZE);
	at(s, 5);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	step_begin(s, 1, 20, "tsm.bind", NULL);
	at(s, 10);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	access(s, acc(SIM_INIT_GUEST, "vm1", 0x1000, BAR, 1, SIM_RES_UR));
	access(s, acc(SIM_INIT_GUEST, "vm2", 0x1000, BAR, 1, SIM_RES_MCE));
	step_end(s);
	step_begin(s, 2, 21, "tsm.accept", NULL);
	step_end(s);
	at(s, 30);
	access(s, acc(SIM_INIT_GUEST, "vm0", 0x1000, BAR, 1, SIM_RES_FAULT));
	sim_checkers_finish(s);
	/* 5: unallowed; 10: allowed (a new episode); 30: unallowed again */
	ck_assert_uint_eq(count_kind(s, SIM_FIND_ACCESS_ERROR), 4);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 0)->suppressed);
	ck_assert(nth(s, SIM_FIND_ACCESS_ERROR, 1)->suppressed);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 1)->count, 2);
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 2)->suppressed);
	has(nth(s, SIM_FIND_ACCESS_ERROR, 2), "vm1 read");
	ck_assert(!nth(s, SIM_FIND_ACCESS_ERROR, 3)->suppressed);
	ck_assert_uint_eq(nth(s, SIM_FIND_ACCESS_ERROR, 3)->first, 30);
	ck_assert_uint_eq(sim_findings_unsuppressed(s, SIM_FIND_ACCESS_ERROR), 3);
	ck_assert(!nth(s, SIM_FIND_MCE, 0)->suppressed);
	/* never hitless */
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), 0);
	ck_assert_int_eq(st.verdict, SIM_HITLESS_VIOLATED);
	ck_assert_uint_eq(st.bad, 4);
	ck_assert(!nth(s, SIM_FIND_HITLESS_VIOLATION, 0)->suppressed);
	sim_destroy(s);
}
END_TEST

START_TEST(install_rejects_bad_config)
{
	struct sim *s = sim_create(1);
	struct sim_hitless_cfg h = { .from_step = 2, .to_step = 1,
				     .range = SIM_WIN_HPA, .size = 1 };
	struct sim_allow_cfg a = { .from_step = 0, .to_step = 0 };
	struct sim_checker_cfg cfg = { .hitless = &h, .nhitless = 1 };
	struct sim_hitless_status st;

	ck_assert_int_eq(sim_hitless_count(s), 0);
	ck_assert_int_eq(sim_hitless_get(s, 0, &st), -ENOENT);
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.to_step = 2;
	h.size = 0;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.size = 1;
	h.range = SIM_WIN_GPA;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	h.range = SIM_WIN_HPA;
	cfg.nhitless = SIM_HITLESS_MAX + 1;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -E2BIG);
	cfg.nhitless = 1;
	cfg.allow = &a;
	cfg.nallow = 1;
	a.from_step = -1;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), -EINVAL);
	a.from_step = 0;
	ck_assert_int_eq(sim_checkers_install(s, &cfg), 0);
	ck_assert_int_eq(sim_checkers_install(s, NULL), -EBUSY);
	ck_assert_uint_eq(sim_hitless_count(s), 1);
	sim_destroy(s);
}
END_TEST

START_TEST(long_episode_stays_one_finding)
{
	struct sim *s = mk(NULL);
	struct sim_rec_access a = acc(SIM_INIT_DEVICE, "dev0", 0x4000,
				      UINT64_MAX, 0, SIM_RES_FAULT);
	const struct sim_finding *f;

	for (uint64_t i = 1; i <= 200000; i++) {
		at(s, i);
		a.write = i & 1;
		a.dropped_silently = i & 1;
		access(s, a);
	}
	ck_assert_uint_eq(sim_findings_count(s), 2);
	f = nth(s, SIM_FIND_ACCESS_ERROR, 0);
	ck_assert_uint_eq(f->count, 200000);
	ck_assert_uint_eq(f->last, 200000);
	ck_assert_uint_eq(nth(s, SIM_FIND_DATA_LOSS, 0)->count, 100000);
	sim_destroy(s);
}
END_TEST

Suite *checkers_suite(void)
{
	Suite *su = suite_create("checkers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, latent_names_mapping_and_lock);
	tcase_add_test(tc, latent_exempt_kinds_not_counted);
	tcase_add_test(tc, latent_after_unmap_is_clean);
	tcase_add_test(tc, latent_iommu_area_not_cpu_reachable);
	tcase_add_test(tc, access_results_map_to_findings);
	tcase_add_test(tc, access_precedence_one_finding_per_access);
	tcase_add_test(tc, access_episodes_fold_and_end);
	tcase_add_test(tc, data_loss_counted_in_addition);
	tcase_add_test(tc, use_after_revoke_until_unrevoke);
	tcase_add_test(tc, stale_names_the_unmap);
	tcase_add_test(tc, tdi_error_once_per_entry);
	tcase_add_test(tc, tdisp_protocol_only_when_unexpected);
	tcase_add_test(tc, teardown_order_when_forbidden);
	tcase_add_test(tc, hitless_violated_longest_interval);
	tcase_add_test(tc, hitless_covers_kvm_slot_after_unmap);
	tcase_add_test(tc, hitless_clean_unexercised_unreached_open);
	tcase_add_test(tc, allow_suppresses_only_listed_results);
	tcase_add_test(tc, install_rejects_bad_config);
	tcase_add_test(tc, long_episode_stays_one_finding);
	suite_add_tcase(su, tc);
	return su;
}
