// SPDX-License-Identifier: MIT
/*
 * check_arch_common.c - the shared rules of docs/arch/rules.md looped
 * over tdx, sev and cca, and the profile data + profile-file loader.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch_fixture.h"

/* The verdict a rule value gives at the arch check (ur: the device decides). */
static int expect_of(const struct afx *f, enum arch_rule r)
{
	int64_t v = f->prof.rule[r];

	return v == SIM_RES_UR ? SIM_RES_OK : (int)v;
}

START_TEST(happy_path_bind_accept_unbind)
{
	struct afx f;
	struct iommu_xlate x;
	struct arch_xlate ax;

	afx_init(&f, _i);
	afx_up(&f);
	f.ops->guest_xlate(f.a, f.vm, AFX_GPA + 0x1000, true, false, &ax);
	ck_assert_int_eq(ax.status, ARCH_X_OK);
	ck_assert_uint_eq(ax.hpa, f.bar0 + 0x1000);
	ck_assert_uint_ne(ax.map_id, 0);
	/* T=1 DMA: the arch's trusted path, to RAM and to the private MMIO */
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x2000, 8, true, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, f.ram_hpa + 0x2000);
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 AFX_GPA, 8, false, &x), 0);
	ck_assert_uint_eq(x.hpa, f.bar0);
	ck_assert(arch_tdi_bound(f.a, f.dev));

	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_NOT_MAPPED);
	ck_assert(!arch_tdi_owned(f.a, f.bar0));
	ck_assert_int_eq(iommu_translate(f.io, pcie_dev_rid(f.dev), 0, true,
					 0x2000, 8, true, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_TRUSTED);
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 0);
	ck_assert_uint_eq(mem_map_count(f.mem), 0);
	afx_fini(&f);
}
END_TEST

/*
 * Issue 9 item 3: unbind is a plan the arch returns and the host runs.
 * Every arch STOPs first (a firmware phase), then the host revokes and
 * unmaps (the one host phase); tdx and cca remove their metadata after
 * it (TDH.*.REMOVE, RMI_VDEV_DESTROY), sev's TIO_TDI_UNBIND did that
 * with the STOP.  Building the plan pushes nothing.
 */
START_TEST(unbind_is_a_phase_plan)
{
	static const size_t nphases[ARCH_NR] = {
		[ARCH_TDX] = 3, [ARCH_SEV] = 2, [ARCH_CCA] = 3,
	};
	struct arch_unbind_plan plan;
	struct afx f;

	afx_init(&f, _i);
	afx_q(&f);
	ck_assert_str_eq(f.ops->unbind(f.a, f.dev, f.q, &plan), "EINVAL");
	sim_seq_destroy(f.q);
	afx_up(&f);
	afx_q(&f);
	ck_assert_ptr_null(f.ops->unbind(f.a, f.dev, f.q, &plan));
	ck_assert_uint_eq(plan.n, nphases[_i]);
	ck_assert_ptr_nonnull(plan.v[0].push);		/* STOP */
	ck_assert_ptr_null(plan.v[1].push);		/* the host's */
	ck_assert_ptr_nonnull(plan.v[1].name);
	for (size_t i = 2; i < plan.n; i++)
		ck_assert_ptr_nonnull(plan.v[i].push);	/* metadata */
	/* nothing ran: the TDI is still bound and in RUN */
	sim_seq_destroy(f.q);
	ck_assert(arch_tdi_bound(f.a, f.dev));
	ck_assert_int_eq(tdisp_state(f.dev), TDISP_ST_RUN);
	/* run by the fixture's executor: unbound, nothing left mapped */
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	ck_assert_uint_eq(mem_map_count(f.mem), 0);
	afx_fini(&f);
}
END_TEST

START_TEST(t0_served_unlocked_checked_locked)
{
	struct afx f;

	afx_init(&f, _i);
	ck_assert_int_eq(afx_host(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_int_eq(afx_host(&f, f.bar0, true), SIM_RES_OK);
	ck_assert_int_eq(afx_dma(&f, f.bar0, false), SIM_RES_OK);
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_int_eq(afx_host(&f, f.bar0 + 8, false),
			 expect_of(&f, arch_tdi_owned(f.a, f.bar0) ?
				   AR_HOST_READ_OWNED : AR_HOST_READ_LOCKED));
	ck_assert_int_eq(afx_dma(&f, f.bar0, false),
			 expect_of(&f, arch_tdi_owned(f.a, f.bar0) ?
				   AR_P2P_OWNED : AR_P2P_LOCKED));
	/* non-TEE ranges behave the same in every state */
	ck_assert_int_eq(afx_host(&f, f.bar2, true), SIM_RES_OK);
	ck_assert_int_eq(afx_dma(&f, f.bar2, false), SIM_RES_OK);
	/* T=1 reaching MMIO: the device decides */
	ck_assert_int_eq(afx_dma(&f, f.bar0, true), SIM_RES_OK);
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert(arch_tdi_owned(f.a, f.bar0));
	ck_assert_int_eq(afx_host(&f, f.bar0, true),
			 expect_of(&f, AR_HOST_WRITE_OWNED));
	ck_assert_int_eq(afx_host(&f, f.bar0, false),
			 expect_of(&f, AR_HOST_READ_OWNED));
	ck_assert_int_eq(afx_dma(&f, f.bar0, false),
			 expect_of(&f, AR_P2P_OWNED));
	afx_fini(&f);
}
END_TEST

START_TEST(private_access_before_accept_faults)
{
	struct afx f;
	struct arch_xlate x;

	afx_init(&f, _i);
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "ok");
	f.ops->guest_xlate(f.a, f.vm, AFX_GPA, true, true, &x);
	ck_assert_int_eq(x.status, ARCH_X_UNACCEPTED);
	ck_assert_ptr_nonnull(x.detail);
	ck_assert_int_eq(f.prof.rule[AR_PRIV_UNACCEPTED], SIM_RES_FAULT);
	/* shared view of the same GPA does not reach the private mapping */
	if (f.prof.base != ARCH_SEV)
		ck_assert_int_eq(afx_xlate(&f, AFX_GPA, false), ARCH_X_NOT_MAPPED);
	afx_fini(&f);
}
END_TEST

START_TEST(vm_destroy_with_bound_tdi_is_teardown_order)
{
	struct afx f;

	afx_init(&f, _i);
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "ok");
	/* the rule, checked when the host starts the destroy */
	ck_assert_uint_eq(arch_vm_bound_check(f.a, f.vm), 1);
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 1);
	if (f.prof.base == ARCH_TDX) {
		/* a DEVIF is a child of the TD: the module refuses */
		ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)),
				 "TDX_TD_ASSOCIATED_PAGES_EXIST");
		ck_assert(arch_tdi_bound(f.a, f.dev));
		afx_fini(&f);
		return;
	}
	ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)), "ok");
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	ck_assert_uint_eq(mem_map_count(f.mem), 0);
	ck_assert_int_eq(afx_xlate(&f, 0, true), ARCH_X_FAULT);
	ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)), "EINVAL");
	afx_fini(&f);
}
END_TEST

START_TEST(vm_destroy_after_unbind_is_clean)
{
	struct afx f;

	afx_init(&f, _i);
	afx_up(&f);
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->vm_destroy(f.a, f.vm, f.q)), "ok");
	ck_assert_uint_eq(afx_findings(&f, SIM_FIND_TEARDOWN_ORDER), 0);
	afx_fini(&f);
}
END_TEST

START_TEST(bind_errors)
{
	struct afx f;
	struct arch_vm *plain;
	struct tdisp_request req;
	struct tdisp_response *rsp = calloc(1, sizeof(*rsp));

	afx_init(&f, _i);
	/* no SPDM session: LOCK is dropped, the bind times out */
	ck_assert_str_eq(afx_bind(&f), "ETIMEDOUT");
	ck_assert_uint_ge(sim_now(f.s), f.t[AT_DOE_TIMEOUT]);
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	ck_assert_str_eq(afx_connect(&f), "ok");
	plain = f.ops->vm_create(f.a, "plain", false, 0);
	ck_assert_str_eq(AFX(&f, f.ops->bind(f.a, plain, f.dev, f.q)), "EINVAL");
	/* the TDI is already locked by someone else: the TDISP error */
	tdisp_request_init(&req, f.dev, TDISP_REQ_LOCK_INTERFACE);
	ck_assert_int_eq(tdisp_handle(f.dev, &req, rsp), 0);
	ck_assert_str_eq(afx_bind(&f), "INVALID_INTERFACE_STATE");
	ck_assert(!arch_tdi_bound(f.a, f.dev));
	tdisp_request_init(&req, f.dev, TDISP_REQ_STOP_INTERFACE);
	ck_assert_int_eq(tdisp_handle(f.dev, &req, rsp), 0);
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "EBUSY");
	ck_assert_str_eq(afx_unbind(&f), "ok");
	ck_assert_str_eq(afx_unbind(&f), "EINVAL");
	free(rsp);
	afx_fini(&f);
}
END_TEST

START_TEST(map_errors)
{
	struct afx f;
	uint64_t id = 0;

	afx_init(&f, _i);
	ck_assert_str_eq(afx_connect(&f), "ok");
	/* not bound: KVM refuses private MMIO of an unassigned device */
	ck_assert_str_eq(afx_map0(&f), "EINVAL");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA + 0x800, 0, 4096, 4096, f.q)), "EINVAL");
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 0,
		AFX_GPA, 0, 128 << 10, 4096, f.q)), "EINVAL");
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "EEXIST");
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, AFX_GPA,
		4096, false, f.q)), "EINVAL");
	ck_assert_str_eq(AFX(&f, f.ops->unmap_private(f.a, f.vm, 0x1000000,
		4096, false, f.q)), "ENOENT");
	/* shared stage-2 */
	ck_assert_ptr_null(f.ops->map_shared(f.a, f.vm, 0x90000000ULL, f.bar2,
					     16 << 10, 4096, &id));
	ck_assert_uint_ne(id, 0);
	ck_assert_str_eq(f.ops->map_shared(f.a, f.vm, 0x90000000ULL, f.bar2,
					   4096, 4096, &id), "EEXIST");
	ck_assert_int_eq(afx_xlate(&f, 0x90001000ULL, false), ARCH_X_OK);
	ck_assert_ptr_null(f.ops->unmap_shared(f.a, f.vm, 0x90000000ULL,
					       16 << 10));
	ck_assert_str_eq(f.ops->unmap_shared(f.a, f.vm, 0x90000000ULL,
					     16 << 10), "ENOENT");
	ck_assert_int_eq(afx_xlate(&f, 0x90001000ULL, false),
			 ARCH_X_NOT_MAPPED);
	afx_fini(&f);
}
END_TEST

START_TEST(t0_dma_to_private_ram)
{
	struct afx f;

	afx_init(&f, _i);
	ck_assert_int_eq(afx_dma(&f, f.ram_hpa + 0x3000, false),
			 expect_of(&f, AR_T0_PRIVATE_DRAM));
	ck_assert_int_eq(afx_dma(&f, f.ram_hpa + 0x3000, false), SIM_RES_FAULT);
	ck_assert_int_eq(afx_dma(&f, f.ram_hpa + 0x3000, true), SIM_RES_OK);
	afx_fini(&f);
}
END_TEST

START_TEST(non_tee_ranges_skipped_by_accept)
{
	struct afx f;

	afx_init(&f, _i);
	ck_assert_str_eq(afx_connect(&f), "ok");
	ck_assert_str_eq(afx_bind(&f), "ok");
	ck_assert_str_eq(afx_map0(&f), "ok");
	ck_assert_str_eq(AFX(&f, f.ops->map_private(f.a, f.vm, f.dev, 2,
		0xa0000000ULL, 0, 16 << 10, 4096, f.q)), "ok");
	ck_assert_str_eq(afx_accept(&f), "ok");
	ck_assert_int_eq(afx_xlate(&f, AFX_GPA, true), ARCH_X_OK);
	ck_assert_int_eq(afx_xlate(&f, 0xa0000000ULL, true), ARCH_X_UNACCEPTED);
	afx_fini(&f);
}
END_TEST

START_TEST(owner_and_firmware_facts_published)
{
	struct afx f;

	afx_init(&f, _i);
	afx_up(&f);
	ck_assert(afx_owner_seen(&f, "lock"));
	ck_assert_uint_gt(f.nfw, 5);
	ck_assert_str_eq(afx_unbind(&f), "ok");
	/* every owner change is undone by unbind */
	ck_assert(!f.owner_priv[f.nowner - 1]);
	afx_fini(&f);
}
END_TEST

/* ----------------------------------------------------------- profiles */

START_TEST(builtin_profiles_have_sources)
{
	struct arch_profile p;

	ck_assert_int_eq(arch_profile_builtin("nope", &p), -ENOENT);
	for (int id = 0; id < ARCH_NR; id++) {
		ck_assert_int_eq(arch_profile_builtin_id(id, &p), 0);
		ck_assert_str_eq(p.name, arch_id_name(id));
		for (int r = 0; r < AR_NR; r++)
			ck_assert_uint_gt(strlen(p.rule_src[r]), 3);
		for (int t = 0; t < AT_NR; t++)
			ck_assert_uint_gt(strlen(p.timing_src[t]), 2);
	}
	ck_assert_int_eq(arch_profile_builtin("tdx", &p), 0);
	ck_assert_int_eq(p.rule[AR_HOST_READ_LOCKED], SIM_RES_MCE);
	ck_assert_int_eq(p.rule[AR_LATENT_AT_LOCK], SIM_FIND_LATENT_MCE);
	ck_assert_int_eq(p.rule[AR_TEARDOWN_UNMAP_LOCKED], 1);
	ck_assert_int_eq(arch_profile_builtin("sev", &p), 0);
	ck_assert_int_eq(p.rule[AR_HOST_WRITE_OWNED], SIM_RES_HOST_FAULT);
	ck_assert_int_eq(p.rule[AR_HOST_READ_OWNED], SIM_RES_UR);
	ck_assert_int_eq(p.rule[AR_GUEST_S2_EXPECTED], 1);
	ck_assert_int_eq(arch_profile_builtin("cca", &p), 0);
	ck_assert_int_eq(p.rule[AR_P2P_OWNED], SIM_RES_FAULT);
	ck_assert_int_eq(p.rule[AR_VALIDATE_BEFORE_START], 1);
	ck_assert_int_eq(p.rule[AR_MAX_PRIVATE_PAGE], 2 << 20);
}
END_TEST

START_TEST(set_rule_and_timing)
{
	struct arch_profile p;
	uint64_t t[AT_NR];
	char buf[32];

	arch_profile_builtin("tdx", &p);
	ck_assert_int_eq(arch_profile_set_rule(&p, "host_read_locked", "ur", "x"), 0);
	ck_assert_int_eq(p.rule[AR_HOST_READ_LOCKED], SIM_RES_UR);
	ck_assert_str_eq(p.rule_src[AR_HOST_READ_LOCKED], "x");
	ck_assert_int_eq(arch_profile_set_rule(&p, "host_read_locked", "stuck", "x"), -EINVAL);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_lock", "none", "x"), 0);
	ck_assert_int_eq(p.rule[AR_LATENT_AT_LOCK], -1);
	ck_assert_int_eq(arch_profile_set_rule(&p, "latent_at_lock", "mce", "x"), -EINVAL);
	ck_assert_int_eq(arch_profile_set_rule(&p, "guest_s2_expected", "yes", "x"), -EINVAL);
	ck_assert_int_eq(arch_profile_set_rule(&p, "max_private_page", "4KiB", "x"), 0);
	ck_assert_str_eq(arch_profile_rule_str(&p, AR_MAX_PRIVATE_PAGE, buf, sizeof(buf)), "4KiB");
	ck_assert_int_eq(arch_profile_set_rule(&p, "max_private_page", "3KiB", "x"), -EINVAL);
	ck_assert_int_eq(arch_profile_set_rule(&p, "nope", "true", "x"), -ENOENT);
	ck_assert_int_eq(arch_profile_set_timing(&p, "fw_call", "2us", "y"), 0);
	ck_assert_uint_eq(p.timing_ps[AT_FW_CALL], 2000000);
	ck_assert_int_eq(arch_profile_set_timing(&p, "iotlb_hit", "7", "y"), 0);
	ck_assert_int_eq(arch_profile_set_timing(&p, "iotlb_hit", "7 ns", "y"), -EINVAL);
	ck_assert_int_eq(arch_profile_set_timing(&p, "nope", "1us", "y"), -ENOENT);
	arch_profile_cycles(&p, 2000, t);
	ck_assert_uint_eq(t[AT_FW_CALL], 4000);
	ck_assert_uint_eq(t[AT_IOTLB_HIT], 7);
	ck_assert_uint_eq(t[AT_WALK_LEVEL], 200);	/* 100 ns at 2 GHz */
}
END_TEST

struct diag_buf {
	char msgs[8][256];
	unsigned int n;
};

static void diag_cb(void *ctx, const char *msg)
{
	struct diag_buf *d = ctx;

	if (d->n < 8)
		snprintf(d->msgs[d->n++], 256, "%s", msg);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(profile_file_loads)
{
	char path[] = "/tmp/tsmsim_prof_XXXXXX";
	int fd = mkstemp(path);
	struct diag_buf d = { 0 };
	struct arch_diag diag = { diag_cb, &d, 0 };
	struct arch_profile p;

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, "base: sev\nname: sev-slow\ntiming:\n  psp_cmd: 5ms\n"
		   "  fw_call: 1234\nrules:\n  host_read_owned: host-fault\n");
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), 0);
	ck_assert_uint_eq(diag.count, 0);
	ck_assert_str_eq(p.name, "sev-slow");
	ck_assert_int_eq(p.base, ARCH_SEV);
	ck_assert_uint_eq(p.timing_ps[AT_PSP_CMD], 5000000000ULL);
	ck_assert(p.timing_cycles[AT_FW_CALL]);
	ck_assert_int_eq(p.rule[AR_HOST_READ_OWNED], SIM_RES_HOST_FAULT);
	ck_assert_ptr_nonnull(strstr(p.rule_src[AR_HOST_READ_OWNED], ":7"));
	/* untouched values keep the base's */
	ck_assert_int_eq(p.rule[AR_HOST_WRITE_OWNED], SIM_RES_HOST_FAULT);
	ck_assert_int_eq(arch_profile_resolve("cca", &p, &diag), 0);
	ck_assert_int_eq(p.base, ARCH_CCA);
	unlink(path);
}
END_TEST

/* True when @s is well-formed UTF-8 (no sequence cut in half). */
static bool utf8_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
			(*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0)
			return false;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/*
 * A source note longer than ARCH_SRC_MAX is cut at a character boundary:
 * a path of "§" (two bytes each) makes every odd cut land mid-character.
 */
START_TEST(profile_source_cut_keeps_utf8)
{
	static const char *const prefix[] = { "/tmp/", "/tmp/x" };
	struct diag_buf d = { 0 };
	struct arch_diag diag = { diag_cb, &d, 0 };
	struct arch_profile p;

	/* the two parities: one of them cuts mid-character without the fix */
	for (int k = 0; k < 2; k++) {
		char dir[ARCH_SRC_MAX + 64], path[sizeof(dir) + 16];

		snprintf(dir, sizeof(dir), "%s", prefix[k]);
		while (strlen(dir) < ARCH_SRC_MAX)
			strcat(dir, "\xc2\xa7");
		snprintf(path, sizeof(path), "%s%d.yaml", dir, (int)getpid());
		write_file(path, "base: tdx\ntiming:\n  fw_call: 7\n");
		ck_assert_int_eq(arch_profile_load(path, &p, &diag), 0);
		unlink(path);
		ck_assert(utf8_ok(p.timing_src[AT_FW_CALL]));
		ck_assert_uint_ge(strlen(p.timing_src[AT_FW_CALL]), ARCH_SRC_MAX - 2);
	}
	/* and the built-in notes print as valid UTF-8 */
	for (int a = 0; a < ARCH_NR; a++) {
		ck_assert_int_eq(arch_profile_builtin_id((enum arch_id)a, &p), 0);
		for (int r = 0; r < AR_NR; r++)
			ck_assert(utf8_ok(p.rule_src[r]));
		for (int t = 0; t < AT_NR; t++)
			ck_assert(utf8_ok(p.timing_src[t]));
	}
}
END_TEST

START_TEST(profile_file_errors_have_line_col)
{
	char path[] = "/tmp/tsmsim_prof_XXXXXX";
	int fd = mkstemp(path);
	struct diag_buf d = { 0 };
	struct arch_diag diag = { diag_cb, &d, 0 };
	struct arch_profile p;
	char want[300];

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, "base: tdx\nrules:\n  nope: true\n  host_read_locked: maybe\n"
		   "timing:\n  fw_call: 3 parsecs\nbogus: 1\nbase: sev\n");
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), -EINVAL);
	ck_assert_uint_eq(diag.count, 5);
	snprintf(want, sizeof(want), "%s:3:3: error: unknown rules key `nope`", path);
	ck_assert_str_eq(d.msgs[0], want);
	snprintf(want, sizeof(want), "%s:4:21: error:", path);
	ck_assert_ptr_nonnull(strstr(d.msgs[1], want));
	snprintf(want, sizeof(want), "%s:6:12: error:", path);
	ck_assert_ptr_nonnull(strstr(d.msgs[2], want));
	snprintf(want, sizeof(want), "%s:7:1: error: unknown key `bogus`", path);
	ck_assert_str_eq(d.msgs[3], want);
	ck_assert_ptr_nonnull(strstr(d.msgs[4], ":8:1: error: duplicate key `base`"));

	d.n = 0;
	diag.count = 0;
	write_file(path, "name: x\n");
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], ":1:1: error: missing required key `base`"));
	write_file(path, "base: arm\n");
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msgs[1], ":1:7: error: unknown base `arm`"));
	write_file(path, "base: [tdx\n");
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), -EINVAL);
	ck_assert_uint_eq(diag.count, 3);
	unlink(path);
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), -ENOENT);
	ck_assert_uint_eq(diag.count, 4);
}
END_TEST

START_TEST(example_profile_file)
{
	struct arch_profile p;
	struct arch_diag diag = { 0 };
	const char *path = "scenarios/profiles/tdx-mce-at-tracking.yaml";

	if (access(path, R_OK))
		path = "../scenarios/profiles/tdx-mce-at-tracking.yaml";
	ck_assert_int_eq(arch_profile_load(path, &p, &diag), 0);
	ck_assert_int_eq(p.base, ARCH_TDX);
	ck_assert_int_eq(p.rule[AR_LATENT_AT_LOCK], -1);
	ck_assert_int_eq(p.rule[AR_LATENT_AT_OWNER], SIM_FIND_LATENT_MCE);
}
END_TEST

static void count_line(void *ctx, const char *line)
{
	size_t *n = ctx;

	(*n)++;
	ck_assert_uint_lt(strlen(line), 256);
}

START_TEST(profile_print_lists_everything)
{
	struct arch_profile p;
	size_t n = 0;

	arch_profile_builtin("cca", &p);
	arch_profile_print(&p, count_line, &n);
	ck_assert_uint_eq(n, 3 + AR_NR + AT_NR);
}
END_TEST

START_TEST(results_table_names)
{
	ck_assert(arch_result_known("PAGE_ALREADY_ACCEPTED"));
	ck_assert(arch_result_known("NOT_MAPPED"));
	ck_assert(arch_result_known("RSI_ERROR_STATE"));
	ck_assert(!arch_result_known("ok"));
	/* every firmware name the three models return is listed */
	static const char *const used[] = {
		"TDX_OPERAND_INVALID", "TDI_INVALID_STATE",
		"PAGE_ALREADY_ACCEPTED", "MMIO_PAGE_NOT_IN_ASSOC_RANGE",
		"MMIO_INVALID_HPA_OFFSET", "MMIO_TDI_OWNER_MISMATCH",
		"INVALID_TDI", "TDI_NOT_BOUND", "NOT_MAPPED", "NOT_ASSIGNED",
		"NOT_UNIFORM", "NOT_REPORTED", "OUT_OF_RANGE",
		"RMI_ERROR_INPUT", "RMI_ERROR_DEVICE", "RMI_ERROR_REALM",
		"RSI_ERROR_INPUT", "RSI_ERROR_STATE",
	};
	for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		ck_assert_msg(arch_result_known(used[i]), "%s", used[i]);
	ck_assert_ptr_eq(arch_ops_get(ARCH_SEV), arch_desc_get(ARCH_SEV)->ops);
	ck_assert_ptr_null(arch_ops_get(ARCH_NR));
	ck_assert_int_eq(arch_rule_find("p2p_owned"), AR_P2P_OWNED);
	ck_assert_int_eq(arch_rule_find("nope"), -1);
}
END_TEST

Suite *arch_common_suite(void)
{
	Suite *su = suite_create("arch_common");
	TCase *tc = tcase_create("rules");
	TCase *tp = tcase_create("profiles");

	tcase_add_loop_test(tc, happy_path_bind_accept_unbind, 0, ARCH_NR);
	tcase_add_loop_test(tc, t0_served_unlocked_checked_locked, 0, ARCH_NR);
	tcase_add_loop_test(tc, unbind_is_a_phase_plan, 0, ARCH_NR);
	tcase_add_loop_test(tc, private_access_before_accept_faults, 0, ARCH_NR);
	tcase_add_loop_test(tc, vm_destroy_with_bound_tdi_is_teardown_order, 0, ARCH_NR);
	tcase_add_loop_test(tc, vm_destroy_after_unbind_is_clean, 0, ARCH_NR);
	tcase_add_loop_test(tc, bind_errors, 0, ARCH_NR);
	tcase_add_loop_test(tc, map_errors, 0, ARCH_NR);
	tcase_add_loop_test(tc, t0_dma_to_private_ram, 0, ARCH_NR);
	tcase_add_loop_test(tc, non_tee_ranges_skipped_by_accept, 0, ARCH_NR);
	tcase_add_loop_test(tc, owner_and_firmware_facts_published, 0, ARCH_NR);
	suite_add_tcase(su, tc);
	tcase_add_test(tp, builtin_profiles_have_sources);
	tcase_add_test(tp, set_rule_and_timing);
	tcase_add_test(tp, profile_file_loads);
	tcase_add_test(tp, profile_file_errors_have_line_col);
	tcase_add_test(tp, example_profile_file);
	tcase_add_test(tp, profile_print_lists_everything);
	tcase_add_test(tp, results_table_names);
	tcase_add_test(tp, profile_source_cut_keeps_utf8);
	suite_add_tcase(su, tp);
	return su;
}
