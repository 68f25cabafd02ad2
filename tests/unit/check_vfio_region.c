// SPDX-License-Identifier: MIT
/*
 * check_vfio_region.c - vfio.region_read / region_write: bounds, the
 * barmap as one kernel mapping per BAR set up by the first access (and by
 * an mmap), EIO with memory decode off; and the three bind policies on
 * the tdx model (keep leaves the barmap to the latent rule, refuse makes
 * bind and later accesses EBUSY, drop unmaps it and refuses TEE BARs).
 */
#include "host_fixture.h"

static struct hfx F;

static void setup(void) { hfx_init(&F, NULL); }
static void setup_tdx(void) { hfx_init(&F, "tdx"); }
static void teardown(void) { hfx_fini(&F); }

static const char *rd(const char *dev, unsigned int bar, uint64_t off,
		      struct plat_access *a)
{
	*a = (struct plat_access){ .who = SIM_INIT_HOST, .addr = off, .size = 4 };
	return vfio_region_access(F.h, dev, bar, a);
}

static size_t kernel_maps(unsigned int bar)
{
	const struct mem_mapping *m[4];

	return mem_map_find(plat_mem(F.p), hfx_bar(&F, bar), 4096,
			    MEM_KIND_BIT(SIM_MAP_KERNEL), m, 4);
}

START_TEST(bounds_barmap_eio)
{
	const struct mem_mapping *mm;
	struct plat_access a;
	uint64_t id;

	ck_assert_str_eq(rd("nope", 0, 0, &a), "ENODEV");
	ck_assert_str_eq(rd("dev0", 1, 0, &a), "EINVAL");
	ck_assert_str_eq(rd("dev0", 0, 64 << 10, &a), "EINVAL");
	ck_assert_str_eq(rd("dev0", 0, (64 << 10) - 2, &a), "EINVAL");
	ck_assert_uint_eq(kernel_maps(0), 0);
	/* the first access maps the whole BAR, once */
	ck_assert_ptr_null(rd("dev0", 0, 0x40, &a));
	ck_assert_int_eq(a.result, SIM_RES_OK);
	ck_assert_uint_eq(a.hpa, hfx_bar(&F, 0) + 0x40);
	ck_assert_uint_eq(a.addr, 0x40);
	ck_assert_uint_ge(a.lat, 100);
	id = a.map_id;
	mm = mem_map_get(plat_mem(F.p), id);
	ck_assert_ptr_nonnull(mm);
	ck_assert_int_eq(mm->kind, SIM_MAP_KERNEL);
	ck_assert(mm->populated);
	ck_assert_uint_eq(mm->hpa, hfx_bar(&F, 0));
	ck_assert_uint_eq(mm->size, 64 << 10);
	ck_assert_str_eq(a.initiator, "vfio barmap dev0 BAR0");
	ck_assert_ptr_null(rd("dev0", 0, 0x80, &a));
	ck_assert_uint_eq(a.map_id, id);
	ck_assert_uint_eq(kernel_maps(0), 1);
	/* an mmap of BAR 2 sets up BAR 2's barmap (vfio_pci_core_mmap()) */
	ck_assert_uint_eq(kernel_maps(2), 0);
	ck_assert_str_eq(HFX(&F, vfio_mmap(F.h, F.q, "dev0", 2, "m")), "ok");
	ck_assert_uint_eq(kernel_maps(2), 1);
	/* memory decode off: EIO, the barmap stays */
	ck_assert_str_eq(HFX(&F, vfio_config_write(F.h, F.q, "dev0",
						   PCIE_REG_CMD_MSE, 0, true)), "ok");
	ck_assert_str_eq(rd("dev0", 0, 0x40, &a), "EIO");
	ck_assert_uint_eq(kernel_maps(0), 1);
}
END_TEST

static void bind_with_barmap(enum vfio_bind_policy p, const char *want)
{
	struct plat_access a;

	vfio_set_bind_policy(F.h, p);
	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)), "ok");
	ck_assert_ptr_null(rd("dev0", 0, 0x40, &a));
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), want);
}

START_TEST(keep_leaves_barmap_latent)
{
	const struct mem_mapping *m[4];
	struct plat_access a;
	int finding;

	bind_with_barmap(VFIO_BIND_KEEP, "ok");
	ck_assert_uint_eq(kernel_maps(0), 1);
	ck_assert_uint_eq(arch_latent_scan(plat_arch(F.p), F.dev, "lock", m, 4,
					   &finding), 1);
	ck_assert_int_eq(m[0]->kind, SIM_MAP_KERNEL);
	ck_assert_ptr_null(rd("dev0", 0, 0x40, &a));
	ck_assert_int_eq(a.result, SIM_RES_MCE);
}
END_TEST

START_TEST(refuse_bind_and_access)
{
	struct plat_access a;

	bind_with_barmap(VFIO_BIND_REFUSE, "EBUSY");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!tsm_is_bound(F.h, "dev0"));
	/* with no barmap the bind goes through; then every BAR is refused */
	vfio_set_bind_policy(F.h, VFIO_BIND_KEEP);
	hfx_fini(&F);
	hfx_init(&F, "tdx");
	vfio_set_bind_policy(F.h, VFIO_BIND_REFUSE);
	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
	ck_assert_str_eq(rd("dev0", 0, 0x40, &a), "EBUSY");
	ck_assert_str_eq(rd("dev0", 2, 0x40, &a), "EBUSY");
	ck_assert_str_eq(HFX(&F, vfio_mmap(F.h, F.q, "dev0", 2, "m")), "EBUSY");
	ck_assert_uint_eq(kernel_maps(0) + kernel_maps(2), 0);
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_ptr_null(rd("dev0", 0, 0x40, &a));
}
END_TEST

START_TEST(drop_unmaps_and_refuses_tee)
{
	const struct mem_mapping *m[4];
	struct plat_access a;
	int finding;

	bind_with_barmap(VFIO_BIND_DROP, "ok");
	ck_assert_uint_eq(kernel_maps(0), 0);
	ck_assert_uint_eq(arch_latent_scan(plat_arch(F.p), F.dev, "lock", m, 4,
					   &finding), 0);
	ck_assert_str_eq(rd("dev0", 0, 0x40, &a), "EPERM");
	ck_assert_ptr_null(rd("dev0", 2, 0x40, &a));
	ck_assert_int_eq(a.result, SIM_RES_OK);
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_ptr_null(rd("dev0", 0, 0x40, &a));
	ck_assert_int_eq(a.result, SIM_RES_OK);
}
END_TEST

Suite *vfio_region_suite(void)
{
	Suite *su = suite_create("vfio_region");
	TCase *tc = tcase_create("plain");
	TCase *tt = tcase_create("tdx");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bounds_barmap_eio);
	suite_add_tcase(su, tc);
	tcase_add_checked_fixture(tt, setup_tdx, teardown);
	tcase_add_test(tt, keep_leaves_barmap_latent);
	tcase_add_test(tt, refuse_bind_and_access);
	tcase_add_test(tt, drop_unmaps_and_refuses_tee);
	suite_add_tcase(su, tt);
	return su;
}
