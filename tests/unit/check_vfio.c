// SPDX-License-Identifier: MIT
/*
 * check_vfio.c - VFIO: BAR export as dma-bufs (bounds, start revoked with
 * MSE off), revoke on MSE clear and reset with host mmaps zapped, the
 * flavor flip, close, host mmap fault-in and SIGBUS.
 */
#include "host_fixture.h"

static struct hfx F;

static void setup(void) { hfx_init(&F, NULL); }
static void teardown(void) { hfx_fini(&F); }

#define KiB(x) ((uint64_t)(x) << 10)

static struct dmabuf *buf(const char *name)
{
	return dmabuf_find(host_dmabuf_core(F.h), name);
}

static const char *mse(bool on)
{
	return HFX(&F, vfio_config_write(F.h, F.q, "dev0", PCIE_REG_CMD_MSE,
					 on, true));
}

static const char *map_buf(const char *name, uint64_t iova)
{
	struct iommufd_map_args a = { .ioas = "a", .has_iova = true,
				      .iova = iova, .dmabuf = name };

	return HFX(&F, iommufd_map_dmabuf(F.h, F.q, &a));
}

static struct plat_access host_rd(const char *m, uint64_t off, int *rc)
{
	struct plat_access a = { .who = SIM_INIT_HOST, .initiator = "host",
				 .addr = off, .size = 8 };

	*rc = vfio_host_access(F.h, m, &a);
	return a;
}

START_TEST(export_bounds)
{
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 1, 0, 0, false,
					     "b")), "ENODEV");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0x800, KiB(4),
					     false, "b")), "EINVAL");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, KiB(60),
					     KiB(8), false, "b")), "EINVAL");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, KiB(64), 0,
					     false, "b")), "EINVAL");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, KiB(60), 0,
					     false, "b")), "ok");
	ck_assert_uint_eq(dmabuf_size(buf("b")), KiB(4));
	ck_assert_uint_eq(dmabuf_hpa(buf("b")), hfx_bar(&F, 0) + KiB(60));
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 2, 0, 0, true,
					     "b")), "EEXIST");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 2, 0, 0, true,
					     "p")), "ok");
	ck_assert(dmabuf_is_private(buf("p")));
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_close(F.h, F.q, "p")), "ok");
	ck_assert_ptr_null(buf("p"));
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_close(F.h, F.q, "p")), "ENOENT");
}
END_TEST

START_TEST(export_starts_revoked_with_mse_off)
{
	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(mse(false), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false,
					     "b")), "ok");
	ck_assert(dmabuf_is_revoked(buf("b")));
	ck_assert_str_eq(map_buf("b", 0x100000), "ENODEV");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_unrevoke(F.h, F.q, "b")), "ENODEV");
	ck_assert_str_eq(mse(true), "ok");
	ck_assert(!dmabuf_is_revoked(buf("b")));
	ck_assert_str_eq(map_buf("b", 0x100000), "ok");
}
END_TEST

START_TEST(mse_clear_revokes_and_zaps)
{
	const struct mem_mapping *mm;
	struct plat_access a;
	int rc;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a"));
	HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false, "b"));
	ck_assert_str_eq(map_buf("b", 0x100000), "ok");
	ck_assert_str_eq(HFX(&F, vfio_mmap(F.h, F.q, "dev0", 0, "m")), "ok");
	ck_assert_str_eq(HFX(&F, vfio_mmap(F.h, F.q, "dev0", 0, "m")), "EEXIST");
	ck_assert_str_eq(HFX(&F, vfio_mmap(F.h, F.q, "dev0", 4, "m2")), "ENODEV");
	/* first touch faults the mmap in */
	a = host_rd("m", 0x10, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(a.result, SIM_RES_RETRIED);
	ck_assert_uint_eq(a.hpa, hfx_bar(&F, 0) + 0x10);
	a = host_rd("m", 0x18, &rc);
	ck_assert_int_eq(a.result, SIM_RES_OK);
	mm = mem_map_get(plat_mem(F.p), a.map_id);
	ck_assert_ptr_nonnull(mm);
	ck_assert_int_eq(mm->kind, SIM_MAP_HOST_MMAP);
	ck_assert(mm->populated);
	ck_assert_int_eq(vfio_host_access(F.h, "m", &(struct plat_access){
		.addr = KiB(64), .size = 8 }), -EINVAL);
	ck_assert_int_eq(vfio_host_access(F.h, "zz", &a), -ENOENT);
	/* MSE clear: zap the mmap, revoke the buffer, wait for iommufd */
	ck_assert_str_eq(mse(false), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, 100 + 500 + 1000);
	ck_assert(dmabuf_is_revoked(buf("b")));
	ck_assert(!mem_map_get(plat_mem(F.p), a.map_id)->populated);
	ck_assert_uint_eq(hfx_dma_count(&F, "move_notify:iommufd.a"), 1);
	ck_assert_int_eq(hfx_dma(&F, 0x100000).result, SIM_RES_FAULT);
	/* SIGBUS while memory decode is off */
	a = host_rd("m", 0x10, &rc);
	ck_assert_int_eq(a.result, SIM_RES_FAULT);
	ck_assert_str_eq(mse(true), "ok");
	ck_assert(!dmabuf_is_revoked(buf("b")));
	a = host_rd("m", 0x10, &rc);
	ck_assert_int_eq(a.result, SIM_RES_RETRIED);
	ck_assert_str_eq(HFX(&F, vfio_munmap(F.h, F.q, "m")), "ok");
	ck_assert_ptr_null(mem_map_get(plat_mem(F.p), a.map_id));
	ck_assert_str_eq(HFX(&F, vfio_munmap(F.h, F.q, "m")), "ENOENT");
}
END_TEST

START_TEST(reset_revokes_then_restores)
{
	uint64_t v = 0;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false, "b"));
	ck_assert_str_eq(map_buf("b", 0x100000), "ok");
	ck_assert_str_eq(HFX(&F, vfio_reset(F.h, F.q, "dev0")), "ok");
	/* the importer was told and unmapped; no domain: no invalidation */
	ck_assert_uint_eq(hfx_dma_count(&F, "revoke:"), 1);
	ck_assert_uint_eq(hfx_dma_count(&F, "unmapped:iommufd.a"), 1);
	ck_assert_uint_eq(F.t1 - F.t0, 100 + 500);
	ck_assert_int_eq(pcie_config_read(F.dev, PCIE_REG_CMD_MSE, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert(!dmabuf_is_revoked(buf("b")));
	/* the iommufd area stays revoked until userspace maps again */
	ck_assert_int_eq(iommufd_lookup(F.h, "a", 0x100000, &v), -ENOENT);
	/* devctl FLR goes the same way */
	ck_assert_str_eq(HFX(&F, vfio_config_write(F.h, F.q, "dev0",
						   PCIE_REG_DEVCTL,
						   PCIE_DEVCTL_FLR, true)), "ok");
	ck_assert_uint_eq(hfx_dma_count(&F, "revoke:"), 2);
}
END_TEST

START_TEST(explicit_revoke_and_flavor_flip)
{
	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false, "b"));
	ck_assert_str_eq(map_buf("b", 0x100000), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_flavor(F.h, F.q, "b", true)), "ok");
	ck_assert(dmabuf_is_private(buf("b")));
	ck_assert_uint_eq(hfx_dma_count(&F, "move_notify:iommufd.a"), 1);
	ck_assert_uint_eq(dmabuf_mapped_count(buf("b")), 0);
	/* iommufd does not import the private flavor */
	ck_assert_str_eq(map_buf("b", 0x200000), "EPERM");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_revoke(F.h, F.q, "b")), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_flavor(F.h, F.q, "b", false)),
			 "ENODEV");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_unrevoke(F.h, F.q, "b")), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_revoke(F.h, F.q, "zz")), "ENOENT");
}
END_TEST

Suite *vfio_suite(void)
{
	Suite *su = suite_create("vfio");
	TCase *tc = tcase_create("vfio");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, export_bounds);
	tcase_add_test(tc, export_starts_revoked_with_mse_off);
	tcase_add_test(tc, mse_clear_revokes_and_zaps);
	tcase_add_test(tc, reset_revokes_then_restores);
	tcase_add_test(tc, explicit_revoke_and_flavor_flip);
	suite_add_tcase(su, tc);
	return su;
}
