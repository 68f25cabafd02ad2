// SPDX-License-Identifier: MIT
/*
 * check_iommufd.c - iommufd semantics (drivers/iommu/iommufd): IOAS areas,
 * the IOVA allocation alignment rule, whole-area unmap, reserved and
 * allowed ranges, copy, HWPT / nested invalidation, attach / replace,
 * destroy, map_dmabuf with revoke, and the stale window of an unmap.
 */
#include "host_fixture.h"

static struct hfx F;

static void setup(void) { hfx_init(&F, NULL); }
static void setup_tdx(void) { hfx_init(&F, "tdx"); }
static void teardown(void) { hfx_fini(&F); }

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)

static const char *map_fixed(const char *ioas, uint64_t iova, uint64_t size,
			     uint64_t gpa)
{
	struct iommufd_map_args a = { .ioas = ioas, .has_iova = true,
				      .iova = iova, .size = size,
				      .guest = "vm0", .gpa = gpa };

	return HFX(&F, iommufd_map(F.h, F.q, &a));
}

static uint64_t map_alloc(const char *ioas, uint64_t size, uint64_t gpa,
			  const char **res)
{
	struct iommufd_map_args a = { .ioas = ioas, .size = size,
				      .guest = "vm0", .gpa = gpa };
	uint64_t iova;

	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova", &iova);
	*res = F.res;
	return iova;
}

static const char *unmap(const char *ioas, uint64_t iova, uint64_t size,
			 uint64_t *unmapped)
{
	HFX_R(&F, iommufd_unmap(F.h, F.q, ioas, iova, size), "unmapped",
	      unmapped);
	return F.res;
}

START_TEST(map_overlap_is_eexist)
{
	ck_assert_str_eq(HFX(&F, iommufd_ioas(F.h, F.q, "a")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_ioas(F.h, F.q, "a")), "EEXIST");
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(16), 0), "ok");
	ck_assert_str_eq(map_fixed("a", 0x103000, KiB(8), 0x10000), "EEXIST");
	ck_assert_str_eq(map_fixed("a", 0x0ff000, KiB(8), 0x10000), "EEXIST");
	ck_assert_str_eq(map_fixed("a", 0x104000, KiB(4), 0x10000), "ok");
	ck_assert_str_eq(map_fixed("a", 0x106000, 0, 0), "EINVAL");
	ck_assert_str_eq(map_fixed("nope", 0x106000, KiB(4), 0), "ENOENT");
	/* guest RAM ends at 1 GiB */
	ck_assert_str_eq(map_fixed("a", 0x200000, KiB(8), (1ULL << 30) - KiB(4)),
			 "EFAULT");
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 2);
}
END_TEST

START_TEST(unmap_whole_areas_only)
{
	uint64_t un;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(8), 0), "ok");
	ck_assert_str_eq(map_fixed("a", 0x102000, KiB(8), 0x2000), "ok");
	ck_assert_str_eq(map_fixed("a", 0x104000, KiB(8), 0x4000), "ok");
	/* cutting the first area: nothing unmapped */
	ck_assert_str_eq(unmap("a", 0x101000, KiB(4), &un), "ENOENT");
	ck_assert_uint_eq(un, 0);
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 3);
	/* two whole areas, then one cut: the first two go, ENOENT */
	ck_assert_str_eq(unmap("a", 0x100000, KiB(20), &un), "ENOENT");
	ck_assert_uint_eq(un, KiB(16));
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 1);
	/* a range over holes and the last whole area */
	ck_assert_str_eq(unmap("a", 0, MiB(2), &un), "ok");
	ck_assert_uint_eq(un, KiB(8));
	ck_assert_str_eq(unmap("a", 0, MiB(2), &un), "ENOENT");
	ck_assert_uint_eq(un, 0);
	ck_assert_str_eq(unmap("a", 0x1000, 0, &un), "EINVAL");
}
END_TEST

/* docs/scenarios.md: `assert: last: { iova: { aligned: ... } }` */
START_TEST(alloc_reports_alignment)
{
	struct iommufd_map_args a = { .ioas = "a", .size = KiB(12),
				      .guest = "vm0", .gpa = 0x10000 };
	uint64_t iova = 0, align = 0;

	ck_assert_str_eq(HFX(&F, iommufd_ioas(F.h, F.q, "a")), "ok");
	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova.aligned", &align);
	ck_assert_str_eq(F.res, "ok");
	ck_assert_uint_eq(align, KiB(16));
	/* min(8 KiB, lowest bit of 0x3000) = 4 KiB, the hole below 16 KiB */
	a.size = KiB(8);
	a.gpa = 0x3000;
	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova.aligned", &align);
	ck_assert_uint_eq(align, KiB(4));
	/* and the IOVA it got obeys it: the 4 KiB hole below 16 KiB */
	a.gpa = 0x5000;
	a.size = KiB(4);
	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova", &iova);
	ck_assert_uint_eq(iova, KiB(12));
	/* a fixed IOVA obeys the IOAS's iova_alignment: 1 without a domain */
	a.has_iova = true;
	a.iova = 0x40000000;
	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova.aligned", &align);
	ck_assert_str_eq(F.res, "ok");
	ck_assert_uint_eq(align, 1);
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a")), "ok");
	a.iova = 0x40100000;
	HFX_R(&F, iommufd_map(F.h, F.q, &a), "iova.aligned", &align);
	ck_assert_str_eq(F.res, "ok");
	ck_assert_uint_eq(align, KiB(4));
}
END_TEST

START_TEST(alloc_alignment_rule)
{
	const char *res;
	uint64_t iova;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	/* addr 0: roundup_pow_of_two(8 KiB); never IOVA 0 */
	iova = map_alloc("a", KiB(8), 0, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova, KiB(8));
	/* 12 KiB rounds up to 16 KiB */
	iova = map_alloc("a", KiB(12), 0, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova, KiB(16));
	/* the source's lowest set bit (4 KiB) wins over 64 KiB */
	iova = map_alloc("a", KiB(64), 0x1000, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova, KiB(28));
	/* capped at HPAGE_SIZE: 4 MiB is 2 MiB aligned */
	iova = map_alloc("a", MiB(4), 0, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova, MiB(2));
	ck_assert_uint_eq(iova % MiB(2), 0);
	ck_assert_uint_eq(iova % MiB(4), MiB(2));
}
END_TEST

START_TEST(allowed_and_reserved)
{
	struct iommufd_range ok = { MiB(64), MiB(1) };
	struct iommufd_range bad = { MiB(30), MiB(4) };
	const char *res;
	uint64_t iova;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(HFX(&F, iommufd_reserve(F.h, F.q, "a", MiB(32), MiB(1))),
			 "ok");
	/* an allowed range over a reserved one */
	ck_assert_str_eq(HFX(&F, iommufd_allow_iovas(F.h, F.q, "a", &bad, 1)),
			 "EADDRINUSE");
	ck_assert_str_eq(HFX(&F, iommufd_allow_iovas(F.h, F.q, "a", &ok, 1)),
			 "ok");
	/* a reserved range over an allowed one */
	ck_assert_str_eq(HFX(&F, iommufd_reserve(F.h, F.q, "a", MiB(64), KiB(4))),
			 "EADDRINUSE");
	/* allocation only inside the allowed range */
	iova = map_alloc("a", KiB(8), 0, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova, MiB(64));
	/* a fixed map into a reserved range */
	ck_assert_str_eq(map_fixed("a", MiB(32), KiB(4), 0), "EINVAL");
	/* a fixed map outside the allowed ranges is fine */
	ck_assert_str_eq(map_fixed("a", MiB(8), KiB(4), 0), "ok");
	/* a reserved range over an area */
	ck_assert_str_eq(HFX(&F, iommufd_reserve(F.h, F.q, "a", MiB(8), KiB(4))),
			 "EADDRINUSE");
	/* the allowed range is full */
	map_alloc("a", MiB(2), 0, &res);
	ck_assert_str_eq(res, "ENOSPC");
	/* the domain aperture is reserved */
	bad = (struct iommufd_range){ 1ULL << 48, MiB(1) };
	ck_assert_str_eq(HFX(&F, iommufd_allow_iovas(F.h, F.q, "a", &bad, 1)),
			 "EADDRINUSE");
}
END_TEST

START_TEST(copy_between_ioas)
{
	uint64_t h1, h2;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, iommufd_ioas(F.h, F.q, "b"));
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(8), 0x4000), "ok");
	ck_assert_str_eq(map_fixed("a", 0x102000, KiB(8), 0x8000), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_copy(F.h, F.q, "a", "b", 0x101000,
					      0x500000, KiB(8))), "ok");
	ck_assert_int_eq(iommufd_lookup(F.h, "a", 0x101000, &h1), 0);
	ck_assert_int_eq(iommufd_lookup(F.h, "b", 0x500000, &h2), 0);
	ck_assert_uint_eq(h1, h2);
	ck_assert_int_eq(iommufd_lookup(F.h, "a", 0x102000, &h1), 0);
	ck_assert_int_eq(iommufd_lookup(F.h, "b", 0x501000, &h2), 0);
	ck_assert_uint_eq(h1, h2);
	ck_assert_int_eq(iommufd_area_count(F.h, "b"), 2);
	/* a hole in the source */
	ck_assert_str_eq(HFX(&F, iommufd_copy(F.h, F.q, "a", "b", 0x103000,
					      0x600000, KiB(8))), "ENOENT");
	/* the destination is taken */
	ck_assert_str_eq(HFX(&F, iommufd_copy(F.h, F.q, "a", "b", 0x100000,
					      0x500000, KiB(4))), "EEXIST");
}
END_TEST

START_TEST(attach_replace_destroy)
{
	struct plat_access acc;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, iommufd_ioas(F.h, F.q, "b"));
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(4), 0x1000), "ok");
	ck_assert_str_eq(map_fixed("b", 0x100000, KiB(4), 0x9000), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "b")), "EINVAL");
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	ck_assert_uint_eq(acc.hpa, F.g->ram_hpa + 0x1000);
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "a")), "EBUSY");
	ck_assert_str_eq(HFX(&F, iommufd_replace(F.h, F.q, "dev0", "b")), "ok");
	ck_assert_ptr_eq(iommu_attached(plat_iommu(F.p), pcie_dev_rid(F.dev),
					IOMMU_NO_PASID), iommufd_domain(F.h, "b"));
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	ck_assert_uint_eq(acc.hpa, F.g->ram_hpa + 0x9000);
	/* a's auto domain went with its last device: a can go */
	ck_assert_ptr_null(iommufd_domain(F.h, "a"));
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "a")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "a")), "ENOENT");
	/* a HWPT with a device is busy */
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "h", "b", NULL, "dev0",
					      false)), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_replace(F.h, F.q, "dev0", "h")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "h")), "EBUSY");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "b")), "EBUSY");
	/* the HWPT was filled with b's areas */
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	ck_assert_uint_eq(acc.hpa, F.g->ram_hpa + 0x9000);
	ck_assert_str_eq(HFX(&F, iommufd_detach(F.h, F.q, "dev0")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_detach(F.h, F.q, "dev0")), "ENOENT");
	ck_assert_str_eq(HFX(&F, iommufd_replace(F.h, F.q, "dev0", "h")), "EINVAL");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "h")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "b")), "ok");
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_FAULT);
}
END_TEST

START_TEST(unmap_stale_window)
{
	struct plat_access acc;
	uint64_t un;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(4), 0x1000), "ok");
	HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a"));
	acc = hfx_dma(&F, 0x100000);		/* fills the IOTLB */
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	hfx_q(&F);
	/* run past the page-table edit (ioctl), not to the invalidation */
	ck_assert_str_eq(hfx_go_until(&F, iommufd_unmap(F.h, F.q, "a", 0x100000,
							KiB(4)), 500), "running");
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 0);
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	ck_assert(acc.stale);
	ck_assert(sim_seq_reported(F.q, "unmapped", &un));
	ck_assert_uint_eq(un, KiB(4));
	ck_assert_str_eq(hfx_finish(&F), "ok");
	/* the step ended with the invalidation: ioctl + iotlb_inval */
	ck_assert_uint_eq(F.t1 - F.t0, 100 + 1000);
	acc = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(acc.result, SIM_RES_FAULT);
}
END_TEST

START_TEST(nested_invalidation_batch)
{
	struct iommufd_inval_entry e[4] = {
		{ 0x100000, KiB(4), false }, { 0, 0, true },
		{ 0x200000, 0, false }, { 0x300000, KiB(4), false },
	};
	uint64_t handled;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "s2", "a", NULL, "dev0",
					      false)), "ok");
	/* nested needs a nest parent */
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "s1", NULL, "s2", "dev0",
					      false)), "EINVAL");
	ck_assert_str_eq(HFX(&F, iommufd_viommu(F.h, F.q, "vi", "s2", "dev0")),
			 "EINVAL");
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "np", "a", NULL, "dev0",
					      true)), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "s1", NULL, "np", "dev0",
					      false)), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "x", "a", "np", "dev0",
					      false)), "EINVAL");
	/* paging HWPTs take no user invalidation */
	ck_assert_str_eq(HFX(&F, iommufd_invalidate(F.h, F.q, "np", e, 1)),
			 "EOPNOTSUPP");
	HFX_R(&F, iommufd_invalidate(F.h, F.q, "s1", e, 4), "handled", &handled);
	ck_assert_str_eq(F.res, "EINVAL");
	ck_assert_uint_eq(handled, 2);
	/* it waited for the two queued invalidations */
	ck_assert_uint_ge(F.t1 - F.t0, 100 + 1000);
	HFX_R(&F, iommufd_invalidate(F.h, F.q, "s1", e, 2), "handled", &handled);
	ck_assert_str_eq(F.res, "ok");
	ck_assert_uint_eq(handled, 2);
	/* the nest parent has a child: busy */
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "np")), "EBUSY");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "s1")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "np")), "ok");
}
END_TEST

/* iopt_init_table(): iova_alignment 1; a domain raises it to 4 KiB. */
START_TEST(ioas_alignment_follows_domains)
{
	const char *res;
	uint64_t un, iova;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	/* no domain: byte-granular IOVA, length and source offset */
	ck_assert_str_eq(map_fixed("a", 0x105001, 0x801, 0x20801), "ok");
	/* iopt_check_iova_alignment(): the area does not fit 4 KiB pages */
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a")),
			 "EADDRINUSE");
	ck_assert_ptr_null(iommufd_domain(F.h, "a"));
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "h", "a", NULL, "dev0",
					      false)), "EADDRINUSE");
	ck_assert_str_eq(unmap("a", 0x105001, 0x801, &un), "ok");
	ck_assert_uint_eq(un, 0x801);
	/* an allocated IOVA keeps the source's page offset */
	iova = map_alloc("a", 0x800, 0x30800, &res);
	ck_assert_str_eq(res, "ok");
	ck_assert_uint_eq(iova & 0xfff, 0x800);
	ck_assert_str_eq(unmap("a", iova, 0x800, &un), "ok");
	/* with a domain: 4 KiB */
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a")), "ok");
	ck_assert_str_eq(map_fixed("a", 0x105001, KiB(4), 0), "EINVAL");
	ck_assert_str_eq(map_fixed("a", 0x105000, 0x800, 0), "EINVAL");
	map_alloc("a", 0x800, 0x30800, &res);
	ck_assert_str_eq(res, "EINVAL");
	/* the last domain gone: back to 1 */
	ck_assert_str_eq(HFX(&F, iommufd_detach(F.h, F.q, "dev0")), "ok");
	ck_assert_str_eq(map_fixed("a", 0x105001, KiB(4), 0), "ok");
}
END_TEST

/* iopt_unmap_all(): "if the IOVAs are empty then unmap all succeeds". */
START_TEST(unmap_all_on_empty_ioas)
{
	uint64_t un = 1;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(unmap("a", 0, UINT64_MAX, &un), "ok");
	ck_assert_uint_eq(un, 0);
	/* any other range that finds nothing stays ENOENT */
	ck_assert_str_eq(unmap("a", 0, UINT64_MAX - 1, &un), "ENOENT");
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(8), 0), "ok");
	ck_assert_str_eq(map_fixed("a", 0x900000, KiB(4), 0x8000), "ok");
	ck_assert_str_eq(unmap("a", 0, UINT64_MAX, &un), "ok");
	ck_assert_uint_eq(un, KiB(12));
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 0);
}
END_TEST

/* iommufd_hwpt_nested_alloc(): flags first (EOPNOTSUPP), then the parent. */
START_TEST(nested_nest_parent_is_eopnotsupp)
{
	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, iommufd_hwpt(F.h, F.q, "np", "a", NULL, "dev0", true));
	HFX(&F, iommufd_hwpt(F.h, F.q, "plain", "a", NULL, "dev0", false));
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "n", NULL, "np", "dev0",
					      true)), "EOPNOTSUPP");
	/* the flag is checked before the parent, which is no nest parent */
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "n", NULL, "plain",
					      "dev0", true)), "EOPNOTSUPP");
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "n", NULL, "plain",
					      "dev0", false)), "EINVAL");
	ck_assert_str_eq(HFX(&F, iommufd_hwpt(F.h, F.q, "n", NULL, "np", "dev0",
					      false)), "ok");
}
END_TEST

/*
 * A confidential guest's RAM has two backings (guest_memfd): each CPU
 * view reaches its own, and iommufd.map pins only the shared one, so T=0
 * DMA through it works while the private page stays out of reach.
 */
START_TEST(confidential_ram_two_backings)
{
	struct plat_access a = { .who = SIM_INIT_GUEST, .initiator = "vm0",
				 .addr = 0x1000, .size = 8, .priv = true };
	struct arch_check c = { .result = SIM_RES_OK };
	uint64_t hpa;

	ck_assert(F.g->confidential);
	ck_assert_uint_ne(F.g->ram_hpa, F.g->shared_hpa);
	ck_assert_int_eq(plat_guest_ram_hpa(F.g, 0x1000, 8, true, &hpa), 0);
	ck_assert_uint_eq(hpa, F.g->ram_hpa + 0x1000);
	ck_assert_int_eq(plat_guest_ram_hpa(F.g, 0x1000, 8, false, &hpa), 0);
	ck_assert_uint_eq(hpa, F.g->shared_hpa + 0x1000);
	plat_guest_access(F.p, F.g, &a);
	ck_assert_int_eq(a.result, SIM_RES_OK);
	ck_assert_uint_eq(a.hpa, F.g->ram_hpa + 0x1000);
	a.priv = false;
	plat_guest_access(F.p, F.g, &a);
	ck_assert_int_eq(a.result, SIM_RES_OK);
	ck_assert_uint_eq(a.hpa, F.g->shared_hpa + 0x1000);
	/* iommufd.map: the shared backing, and T=0 DMA to it is fine */
	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a")), "ok");
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(4), 0x1000), "ok");
	a = hfx_dma(&F, 0x100000);
	ck_assert_int_eq(a.result, SIM_RES_OK);
	ck_assert_uint_eq(a.hpa, F.g->shared_hpa + 0x1000);
	/* a T=0 DMA that reached the private page would fault (t0_private_dram) */
	plat_arch_ops(F.p)->dma_check(plat_arch(F.p), pcie_dev_rid(F.dev),
				      F.g->ram_hpa + 0x1000, false, true, &c);
	ck_assert_int_eq(c.result, SIM_RES_FAULT);
}
END_TEST

START_TEST(viommu_vdevice)
{
	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, iommufd_hwpt(F.h, F.q, "np", "a", NULL, "dev0", true));
	ck_assert_str_eq(HFX(&F, iommufd_viommu(F.h, F.q, "vi", "np", "dev0")),
			 "ok");
	ck_assert_str_eq(HFX(&F, iommufd_vdevice(F.h, F.q, "vd", "vi", "dev0",
						 0x10)), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_vdevice(F.h, F.q, "vd2", "vi", "dev0",
						 0x11)), "EEXIST");
	ck_assert_str_eq(HFX(&F, iommufd_vdevice(F.h, F.q, "vd3", "nope", "dev0",
						 0x12)), "ENOENT");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "vi")), "EBUSY");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "np")), "EBUSY");
	/* no arch: the TSM entry point refuses */
	ck_assert_str_eq(HFX(&F, iommufd_vdevice_tsm_bind(F.h, F.q, "vd", "vm0")),
			 "EOPNOTSUPP");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "vd")), "ok");
	ck_assert_str_eq(HFX(&F, iommufd_destroy(F.h, F.q, "vi")), "ok");
}
END_TEST

static const char *map_buf(const char *ioas, uint64_t iova, uint64_t off,
			   uint64_t size, bool is_static)
{
	struct iommufd_map_args a = { .ioas = ioas, .has_iova = true,
				      .iova = iova, .size = size,
				      .dmabuf = "buf", .offset = off,
				      .is_static = is_static };

	return HFX(&F, iommufd_map_dmabuf(F.h, F.q, &a));
}

START_TEST(map_dmabuf_bounds_and_revoke)
{
	struct plat_access acc;
	uint64_t bar0 = hfx_bar(&F, 0);
	struct dmabuf *buf;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, KiB(16),
					     KiB(32), false, "buf")), "ok");
	ck_assert_str_eq(map_buf("a", 0x100000, KiB(16), KiB(32), false),
			 "EINVAL");
	ck_assert_str_eq(map_buf("a", 0x100000, 0, KiB(36), false), "EINVAL");
	ck_assert_str_eq(map_buf("a", 0x100000, 0x800, KiB(4), false), "EINVAL");
	ck_assert_str_eq(map_buf("a", 0x100000, 0, 0, true), "EOPNOTSUPP");
	ck_assert_str_eq(map_buf("a", 0x100000, KiB(4), KiB(8), false), "ok");
	HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a"));
	acc = hfx_dma(&F, 0x101000);
	ck_assert_int_eq(acc.result, SIM_RES_OK);
	ck_assert_uint_eq(acc.hpa, bar0 + KiB(16) + KiB(4) + KiB(4));
	buf = dmabuf_find(host_dmabuf_core(F.h), "buf");
	ck_assert_uint_eq(dmabuf_mapped_count(buf), 1);
	/* revoke: move_notify, importer drops the IOMMU entry, waits for IQ */
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_revoke(F.h, F.q, "buf")), "ok");
	ck_assert_uint_eq(F.t1 - F.t0, 100 + 500 + 1000);
	ck_assert_uint_eq(dmabuf_mapped_count(buf), 0);
	ck_assert_uint_eq(hfx_dma_count(&F, "move_notify:iommufd.a"), 1);
	ck_assert_uint_eq(hfx_dma_count(&F, "unmapped:iommufd.a"), 1);
	acc = hfx_dma(&F, 0x101000);
	ck_assert_int_eq(acc.result, SIM_RES_FAULT);
	/* the area keeps its IOVA; re-mapping a revoked buffer fails (the
	 * dma-buf is attached before the IOVA is checked) */
	ck_assert_int_eq(iommufd_area_count(F.h, "a"), 1);
	ck_assert_str_eq(map_fixed("a", 0x100000, KiB(4), 0), "EEXIST");
	ck_assert_str_eq(map_buf("a", 0x200000, 0, KiB(4), false), "ENODEV");
	ck_assert_str_eq(HFX(&F, iommufd_unmap(F.h, F.q, "a", 0x100000, KiB(8))),
			 "ok");
	ck_assert_uint_eq(dmabuf_attach_count(buf), 0);
}
END_TEST

START_TEST(unmap_dmabuf_area_holds_importer_until_inval)
{
	struct dmabuf *buf;
	uint64_t un;

	HFX(&F, iommufd_ioas(F.h, F.q, "a"));
	HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false, "buf"));
	HFX(&F, iommufd_attach(F.h, F.q, "dev0", "a"));
	ck_assert_str_eq(map_buf("a", 0x100000, 0, 0, false), "ok");
	buf = dmabuf_find(host_dmabuf_core(F.h), "buf");
	hfx_q(&F);
	ck_assert_str_eq(hfx_go_until(&F, iommufd_unmap(F.h, F.q, "a", 0x100000,
							KiB(64)), 500), "running");
	/* the IOVA is gone, the importer has not unmapped yet */
	ck_assert_uint_eq(dmabuf_mapped_count(buf), 1);
	ck_assert(sim_seq_reported(F.q, "unmapped", &un));
	ck_assert_uint_eq(un, KiB(64));
	ck_assert_str_eq(hfx_finish(&F), "ok");
	ck_assert_uint_eq(dmabuf_attach_count(buf), 0);
}
END_TEST

Suite *iommufd_suite(void)
{
	Suite *su = suite_create("iommufd");
	TCase *tc = tcase_create("ioas");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, map_overlap_is_eexist);
	tcase_add_test(tc, unmap_whole_areas_only);
	tcase_add_test(tc, alloc_alignment_rule);
	tcase_add_test(tc, alloc_reports_alignment);
	tcase_add_test(tc, allowed_and_reserved);
	tcase_add_test(tc, copy_between_ioas);
	tcase_add_test(tc, attach_replace_destroy);
	tcase_add_test(tc, unmap_stale_window);
	tcase_add_test(tc, nested_invalidation_batch);
	tcase_add_test(tc, ioas_alignment_follows_domains);
	tcase_add_test(tc, unmap_all_on_empty_ioas);
	tcase_add_test(tc, nested_nest_parent_is_eopnotsupp);
	tcase_add_test(tc, viommu_vdevice);
	tcase_add_test(tc, map_dmabuf_bounds_and_revoke);
	tcase_add_test(tc, unmap_dmabuf_area_holds_importer_until_inval);
	suite_add_tcase(su, tc);
	tc = tcase_create("confidential");
	tcase_add_checked_fixture(tc, setup_tdx, teardown);
	tcase_add_test(tc, confidential_ram_two_backings);
	suite_add_tcase(su, tc);
	return su;
}
