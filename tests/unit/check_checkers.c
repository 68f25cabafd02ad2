// SPDX-License-Identifier: MIT
/*
 * check_checkers.c - the docs/scenarios.md checkers, fed synthetic trace
 * records the way the runner and the models would emit them: the clock
 * is moved with a no-op event, the step with sim_set_step().  Latent
 * mappings, accesses, TDI / TDISP and teardown order here; the windows,
 * allow lists and checker configuration in check_checkers_windows.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers_fixture.h"

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
	suite_add_tcase(su, tc);
	return su;
}
