// SPDX-License-Identifier: MIT
/*
 * check_iommu.c - the IOMMU model: page tables (superpages, split, overlap,
 * levels), IOTLB (set-associative LRU), attachment, the trusted path, the
 * fault log, and the canonical dma-stream numbers of docs/bench.md.
 * The invalidation queue: check_iommu_inval.c.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "iommu_fixture.h"

/* ------------------------------------------------------------ config */

START_TEST(config_rejects_bad_values)
{
	struct iommu_config ok = { .entries = 64, .ways = 8, .levels = 4 };
	struct iommu_config c;
	struct sim *s = sim_create(1);
	struct iommu *io = NULL;

	ck_assert_int_eq(iommu_config_validate(&ok), 0);
	c = ok; c.entries = 0;
	ck_assert_int_eq(iommu_config_validate(&c), -EINVAL);
	c = ok; c.ways = 0;
	ck_assert_int_eq(iommu_config_validate(&c), -EINVAL);
	c = ok; c.ways = 7;
	ck_assert_int_eq(iommu_config_validate(&c), -EINVAL);
	c = ok; c.levels = 2;
	ck_assert_int_eq(iommu_config_validate(&c), -EINVAL);
	c = ok; c.levels = 6;
	ck_assert_int_eq(iommu_config_validate(&c), -EINVAL);
	ck_assert_int_eq(iommu_create(s, &c, &io), -EINVAL);
	ck_assert_ptr_null(io);
	ck_assert_int_eq(iommu_create(s, &ok, &io), 0);
	ck_assert_uint_eq(iommu_levels(io), 4);
	ck_assert_uint_eq(iommu_get_timing(io)->walk_level, 0);
	iommu_set_timing(io, &(struct iommu_timing){ 3, 90, 4000 });
	ck_assert_uint_eq(iommu_get_timing(io)->walk_level, 90);
	iommu_destroy(io);
	iommu_destroy(NULL);
	sim_destroy(s);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(iommu_fault_name(IOMMU_OK), "ok");
	ck_assert_str_eq(iommu_fault_name(IOMMU_F_NO_DOMAIN), "no-domain");
	ck_assert_str_eq(iommu_fault_name(IOMMU_F_NO_TRUSTED), "no-trusted-path");
	ck_assert_str_eq(iommu_fault_name(IOMMU_F_NR), "?");
	ck_assert_str_eq(iommu_domain_type_name(IOMMU_DOMAIN_BLOCKED), "blocked");
	ck_assert_str_eq(iommu_domain_type_name(IOMMU_DOMAIN_NR), "?");
	ck_assert_str_eq(iommu_inval_phase_name(IOMMU_INVAL_DROPPED), "dropped");
	ck_assert_str_eq(iommu_inval_phase_name(IOMMU_INVAL_NR), "?");
	for (int i = 0; i < IOMMU_F_NR; i++)
		ck_assert_str_ne(iommu_fault_name(i), "?");
}
END_TEST

/* ------------------------------------------------------- page tables */

START_TEST(map_lookup_4k)
{
	struct fx f;
	uint64_t pa, ps;
	unsigned int lv;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0x100000000ULL, 0x5000, 0x3000,
				   IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x100001234ULL, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x6234);
	ck_assert_uint_eq(ps, IOMMU_PAGE_4K);
	ck_assert_uint_eq(lv, 4);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 0x3000);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, IOMMU_PAGE_4K), 3);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, 12345), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 4);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, 0x100000000ULL), RW);
	/* a hole next to it: the last-level table is there, its entry is not */
	ck_assert_int_eq(iommu_lookup(f.dom, 0x100003000ULL, &pa, &ps, &lv), -ENOENT);
	ck_assert_uint_eq(lv, 4);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, 0x100003000ULL), 0);
	/* an empty root entry: one level read */
	ck_assert_int_eq(iommu_lookup(f.dom, 0x800000000000ULL, NULL, NULL, &lv), -ENOENT);
	ck_assert_uint_eq(lv, 1);
	/* unmapping everything gives the tables back */
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x100000000ULL, 0x10000), 0x3000);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x100000000ULL, 0x10000), 0);
	/* freed tables are reused, zeroed */
	ck_assert_int_eq(iommu_map(f.dom, 0x200000000ULL, 0x9000, 0x1000,
				   IOMMU_PAGE_4K, IOMMU_PROT_WRITE), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 4);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x200000010ULL, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x9010);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x100001234ULL, NULL, NULL, NULL), -ENOENT);
	fx_fini(&f);
}
END_TEST

/*
 * Hundreds of tables (several arena chunks, so both indexes grow more
 * than once), all freed, then all reused: a reused table reads as empty
 * everywhere, entry 0 included (free tables are chained through it).
 */
START_TEST(arena_grows_and_reuses_tables)
{
	const uint64_t base = 0x100000000ULL, n = 300;
	struct fx f;
	uint64_t pa;

	fx_init(&f, 64, 64, 4);
	/* one 4 KiB page per 2 MiB: one last-level table each */
	for (uint64_t i = 0; i < n; i++)
		ck_assert_int_eq(iommu_map(f.dom, base + i * MB2 + 0x1000,
					   0x40000000ULL + i * 0x1000, 0x1000,
					   IOMMU_PAGE_4K, RW), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1 + 1 + 1 + n);
	for (uint64_t i = 0; i < n; i++) {
		ck_assert_int_eq(iommu_lookup(f.dom, base + i * MB2 + 0x1008,
					      &pa, NULL, NULL), 0);
		ck_assert_uint_eq(pa, 0x40000008ULL + i * 0x1000);
	}
	ck_assert_uint_eq(iommu_unmap(f.dom, base, n * MB2), n * 0x1000);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);
	/* the same tables again, elsewhere: entry 0 of each is not mapped */
	for (uint64_t i = 0; i < n; i++)
		ck_assert_int_eq(iommu_map(f.dom, 2 * base + i * MB2 + 0x1000,
					   0x80000000ULL + i * 0x1000, 0x1000,
					   IOMMU_PAGE_4K, IOMMU_PROT_READ), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1 + 1 + 1 + n);
	for (uint64_t i = 0; i < n; i++) {
		ck_assert_int_eq(iommu_lookup(f.dom, 2 * base + i * MB2,
					      NULL, NULL, NULL), -ENOENT);
		ck_assert_int_eq(iommu_lookup(f.dom, 2 * base + i * MB2 + 0x1010,
					      &pa, NULL, NULL), 0);
		ck_assert_uint_eq(pa, 0x80000010ULL + i * 0x1000);
	}
	ck_assert_int_eq(iommu_lookup(f.dom, base + 0x1000, NULL, NULL, NULL),
			 -ENOENT);
	fx_fini(&f);
}
END_TEST

START_TEST(superpages_map_and_lookup)
{
	struct fx f;
	uint64_t pa, ps;
	unsigned int lv;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0x40000000, 0x80000000ULL, 2 * MB2,
				   MB2, IOMMU_PROT_READ), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x40212345, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x80212345ULL);
	ck_assert_uint_eq(ps, MB2);
	ck_assert_uint_eq(lv, 3);
	ck_assert_int_eq(iommu_map(f.dom, 0x80000000ULL, 0x1c0000000ULL, GB1,
				   GB1, RW), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x8abcdef0ULL, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x1cabcdef0ULL);
	ck_assert_uint_eq(ps, GB1);
	ck_assert_uint_eq(lv, 2);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, MB2), 2);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, GB1), 1);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), GB1 + 2 * MB2);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, 0x40000000), IOMMU_PROT_READ);
	fx_fini(&f);
}
END_TEST

START_TEST(partial_unmap_splits_superpage)
{
	struct fx f;
	uint64_t pa, ps, base = 0x40000000, hpa = 0x200000000ULL;
	const uint64_t G2 = 2 * GB1;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, base, hpa, MB2, MB2, RW), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, base + 0x1000, 0x1000), 0x1000);
	ck_assert_int_eq(iommu_lookup(f.dom, base, &pa, &ps, NULL), 0);
	ck_assert_uint_eq(pa, hpa);
	ck_assert_uint_eq(ps, IOMMU_PAGE_4K);
	ck_assert_int_eq(iommu_lookup(f.dom, base + 0x1800, &pa, NULL, NULL), -ENOENT);
	ck_assert_int_eq(iommu_lookup(f.dom, base + 0x1ff000, &pa, NULL, NULL), 0);
	ck_assert_uint_eq(pa, hpa + 0x1ff000);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, base + 0x2000), RW);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, MB2), 0);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, IOMMU_PAGE_4K), 511);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), MB2 - 0x1000);
	/* the hole is free again, the rest is not */
	ck_assert_int_eq(iommu_map(f.dom, base + 0x1000, 0x9000, 0x1000,
				   IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, base + 0x2000, 0x9000, 0x1000,
				   IOMMU_PAGE_4K, RW), -EEXIST);

	/* 1 GiB split twice: 2 MiB hole, then a 4 KiB hole in a 2 MiB piece */
	ck_assert_int_eq(iommu_map(f.dom, G2, 0x400000000ULL, GB1, GB1, RW), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, G2 + 4 * MB2, MB2), MB2);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, MB2), 511);
	ck_assert_uint_eq(iommu_unmap(f.dom, G2 + 0x3000, 0x2000), 0x2000);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, MB2), 510);
	ck_assert_int_eq(iommu_lookup(f.dom, G2 + 0x5000, &pa, &ps, NULL), 0);
	ck_assert_uint_eq(pa, 0x400005000ULL);
	ck_assert_uint_eq(ps, IOMMU_PAGE_4K);
	ck_assert_int_eq(iommu_lookup(f.dom, G2 + 5 * MB2, &pa, &ps, NULL), 0);
	ck_assert_uint_eq(pa, 0x400000000ULL + 5 * MB2);
	ck_assert_uint_eq(ps, MB2);
	ck_assert_int_eq(iommu_lookup(f.dom, G2 + 4 * MB2 + 8, NULL, NULL, NULL), -ENOENT);
	/* an unmap across holes counts only what was mapped */
	ck_assert_uint_eq(iommu_unmap(f.dom, G2, GB1), GB1 - MB2 - 0x2000);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), MB2);
	fx_fini(&f);
}
END_TEST

START_TEST(overlap_is_eexist)
{
	struct fx f;
	uint64_t base = 0x40000000;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, base + 0x5000, 0x5000, 0x1000,
				   IOMMU_PAGE_4K, RW), 0);
	/* superpage over an existing small page */
	ck_assert_int_eq(iommu_map(f.dom, base, 0, MB2, MB2, RW), -EEXIST);
	ck_assert_int_eq(iommu_map(f.dom, GB1, 0, GB1, GB1, RW), -EEXIST);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, 2 * GB1, GB1, RW), -EEXIST);
	/* small page inside an existing superpage */
	ck_assert_int_eq(iommu_map(f.dom, base + MB2, 0x800000000ULL, MB2, MB2, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, base + MB2 + 0x7000, 0x7000, 0x1000,
				   IOMMU_PAGE_4K, RW), -EEXIST);
	/* a range whose tail overlaps: nothing of it is installed */
	ck_assert_int_eq(iommu_map(f.dom, base + MB2 - 0x3000, 0x10000, 0x4000,
				   IOMMU_PAGE_4K, RW), -EEXIST);
	ck_assert_int_eq(iommu_lookup(f.dom, base + MB2 - 0x3000, NULL, NULL, NULL), -ENOENT);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), MB2 + 0x1000);
	/* exact duplicate */
	ck_assert_int_eq(iommu_map(f.dom, base + 0x5000, 0x5000, 0x1000,
				   IOMMU_PAGE_4K, RW), -EEXIST);
	fx_fini(&f);
}
END_TEST

START_TEST(misaligned_is_einval)
{
	struct fx f;
	struct iommu_domain *blk;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0x1001, 0, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0x10, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0, 0x1800, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0, 0, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0, MB2, MB2, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0x1000, MB2, MB2, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, 0x2000, 0x2000, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, 0x1000, IOMMU_PAGE_4K, 0), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, 0x1000, IOMMU_PAGE_4K, 8), -EINVAL);
	/* past the 48-bit input width and the 52-bit output */
	ck_assert_int_eq(iommu_map(f.dom, 1ULL << 48, 0, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, (1ULL << 48) - 0x1000, 0, 0x2000,
				   IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, 0, 1ULL << 52, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 0);
	/* unmap: misaligned unmaps nothing, like Linux iommu_unmap() */
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, 0x2000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x800, 0x1000), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0, 0x800), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0, 0), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, 1ULL << 48, 0x1000), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x1000, UINT64_MAX & ~0xfffULL), 0); /* wraps */
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x1000, 1ULL << 48), 0x1000); /* clamped */
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 0x2000);
	/* a blocking domain has no table */
	blk = iommu_domain_alloc(f.io, IOMMU_DOMAIN_BLOCKED, NULL);
	ck_assert_str_eq(iommu_domain_name(blk), "dom2");
	ck_assert_int_eq(iommu_map(blk, 0, 0, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_uint_eq(iommu_unmap(blk, 0, 0x1000), 0);
	ck_assert_int_eq(iommu_lookup(blk, 0, NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(iommu_domain_free(blk), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(three_levels)
{
	struct fx f;
	uint64_t pa, ps;
	unsigned int lv;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 3);
	/* a 1 GiB leaf would sit in the root table */
	ck_assert_int_eq(iommu_map(f.dom, 0, 0, GB1, GB1, RW), -EINVAL);
	ck_assert_int_eq(iommu_map(f.dom, MB2, 0x600000, MB2, MB2, RW), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, MB2 + 0x10, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x600010);
	ck_assert_uint_eq(lv, 2);
	ck_assert_int_eq(iommu_map(f.dom, 0x7000, 0x1000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, 0x7000, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(lv, 3);
	/* 39-bit input */
	ck_assert_int_eq(iommu_map(f.dom, 1ULL << 39, 0, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	x = xl(&f, RID0, 1ULL << 39, false);
	ck_assert_int_eq(x.fault, IOMMU_F_ADDR_SIZE);
	ck_assert_uint_eq(x.lat_cycles, 2);
	x = xl(&f, RID0, 0x7040, false);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.lat_cycles, 2 + 3 * 100);
	fx_fini(&f);
}
END_TEST

START_TEST(five_levels)
{
	struct fx f;
	uint64_t pa, ps, iova = (1ULL << 56) + GB1;
	unsigned int lv;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 5);
	ck_assert_int_eq(iommu_map(f.dom, iova, 0x1000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, 1ULL << 50, 0, GB1, GB1, RW), 0);
	ck_assert_int_eq(iommu_lookup(f.dom, iova + 8, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(pa, 0x1008);
	ck_assert_uint_eq(lv, 5);
	ck_assert_int_eq(iommu_lookup(f.dom, (1ULL << 50) + 0x1234, &pa, &ps, &lv), 0);
	ck_assert_uint_eq(lv, 3);
	ck_assert_uint_eq(ps, GB1);
	/* bit 48 matters with 5 levels: the same low bits are not mapped */
	ck_assert_int_eq(iommu_lookup(f.dom, GB1, NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(iommu_map(f.dom, 1ULL << 57, 0, 0x1000, IOMMU_PAGE_4K, RW), -EINVAL);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	x = xl(&f, RID0, iova, true);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.lat_cycles, 2 + 5 * 100);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0, UINT64_MAX & ~0xfffULL), 0x1000 + GB1);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);
	fx_fini(&f);
}
END_TEST

/* ------------------------------------------------------------- IOTLB */

START_TEST(iotlb_hit_miss_latency)
{
	struct fx f;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0x100000000ULL, 0x7000, 0x1000,
				   IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x200000000ULL, 0x40000000, MB2,
				   MB2, IOMMU_PROT_READ), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	x = xl(&f, RID0, 0x100000040ULL, false);
	ck_assert(!x.iotlb_hit);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, 0x7040);
	ck_assert_uint_eq(x.lat_cycles, 402);
	ck_assert_uint_eq(x.levels_walked, 4);
	x = xl(&f, RID0, 0x100000080ULL, true);
	ck_assert(x.iotlb_hit);
	ck_assert_uint_eq(x.hpa, 0x7080);
	ck_assert_uint_eq(x.lat_cycles, 2);
	ck_assert_uint_eq(x.levels_walked, 0);
	/* a 2 MiB leaf: three levels, one entry covers the whole page */
	x = xl(&f, RID0, 0x200000000ULL, false);
	ck_assert_uint_eq(x.lat_cycles, 302);
	ck_assert_uint_eq(x.page_size, MB2);
	x = xl(&f, RID0, 0x2001ff000ULL, false);
	ck_assert(x.iotlb_hit);
	ck_assert_uint_eq(x.hpa, 0x401ff000);
	/* write to a read-only leaf: fault on the hit path too */
	x = xl(&f, RID0, 0x200000040ULL, true);
	ck_assert(x.iotlb_hit);
	ck_assert_int_eq(x.fault, IOMMU_F_PERM);
	ck_assert_uint_eq(x.hpa, IOMMU_NO_HPA);
	/* a read of a write-only leaf faults after the walk; the leaf is cached */
	ck_assert_int_eq(iommu_map(f.dom, 0x100001000ULL, 0x8000, 0x1000,
				   IOMMU_PAGE_4K, IOMMU_PROT_WRITE), 0);
	x = xl(&f, RID0, 0x100001000ULL, false);
	ck_assert(!x.iotlb_hit);
	ck_assert_int_eq(x.fault, IOMMU_F_PERM);
	ck_assert_uint_eq(x.lat_cycles, 402);
	x = xl(&f, RID0, 0x100001000ULL, true);
	ck_assert(x.iotlb_hit);
	ck_assert_uint_eq(x.hpa, 0x8000);
	/* unmapped: walk, fault, nothing cached */
	x = xl(&f, RID0, 0x300000000ULL, false);
	ck_assert_int_eq(x.fault, IOMMU_F_NOT_PRESENT);
	ck_assert_uint_eq(x.levels_walked, 2);
	ck_assert_uint_eq(x.lat_cycles, 202);
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 3);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 4);
	ck_assert_uint_eq(stat(&f, "iotlb.misses"), 4);
	ck_assert_uint_eq(stat(&f, "iommu.walks"), 4);
	ck_assert_uint_eq(stat(&f, "iommu.faults"), 3);
	/* size rules: 1..4096 and no 4 KiB crossing */
	ck_assert_int_eq(iommu_translate(f.io, RID0, 0, false, 0x100000fc0ULL, 128,
					 false, &x), -EINVAL);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 0, false, 0x100000000ULL, 0,
					 false, &x), -EINVAL);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 0, false, 0x100000000ULL, 4096,
					 false, &x), 0);
	/* a new timing block applies to the next translation */
	iommu_set_timing(f.io, &(struct iommu_timing){ 5, 50, 10 });
	x = xl(&f, RID0, 0x100000000ULL, false);
	ck_assert_uint_eq(x.lat_cycles, 5);
	iommu_unmap(f.dom, 0x100000000ULL, 0x1000);
	ck_assert_int_eq(iommu_inval_domain(f.dom, NULL, NULL, NULL), 0);
	sim_run_until(f.s, 10);
	x = xl(&f, RID0, 0x100000000ULL, false);
	ck_assert_int_eq(x.fault, IOMMU_F_NOT_PRESENT);
	ck_assert_uint_eq(x.levels_walked, 4);	/* leaf table holds +0x1000 */
	ck_assert_uint_eq(x.lat_cycles, 5 + 4 * 50);
	iommu_unmap(f.dom, 0x100001000ULL, 0x1000);
	x = xl(&f, RID0, 0x100000000ULL, false);
	ck_assert_uint_eq(x.levels_walked, 2);	/* emptied tables were freed */
	ck_assert_uint_eq(x.lat_cycles, 5 + 2 * 50);
	fx_fini(&f);
}
END_TEST

START_TEST(iotlb_set_assoc_lru)
{
	struct fx f;
	struct iommu_xlate x;

	/* 4 entries, 2 ways: 2 sets, set = page number % 2 */
	fx_init(&f, 4, 2, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0x100000, 0x10000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	xl(&f, RID0, 0x0000, false);	/* A, set 0 */
	xl(&f, RID0, 0x2000, false);	/* B, set 0 */
	xl(&f, RID0, 0x1000, false);	/* set 1 */
	x = xl(&f, RID0, 0x0000, false);	/* A becomes MRU */
	ck_assert(x.iotlb_hit);
	xl(&f, RID0, 0x4000, false);	/* C evicts B, the LRU of set 0 */
	ck_assert(iommu_iotlb_contains(f.dom, 0x0000, NULL));
	ck_assert(!iommu_iotlb_contains(f.dom, 0x2000, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 0x4000, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 0x1000, NULL));
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 3);
	xl(&f, RID0, 0x6000, false);	/* D evicts A now */
	ck_assert(!iommu_iotlb_contains(f.dom, 0x0000, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 0x4000, NULL));
	/* set 1 fills independently */
	xl(&f, RID0, 0x3000, false);
	xl(&f, RID0, 0x5000, false);
	ck_assert(!iommu_iotlb_contains(f.dom, 0x1000, NULL));
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 4);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 1);
	ck_assert_uint_eq(stat(&f, "iotlb.misses"), 7);
	fx_fini(&f);
}
END_TEST

START_TEST(iotlb_fully_assoc_lru)
{
	struct fx f;

	/* 4 entries, 4 ways: any page anywhere, global true LRU */
	fx_init(&f, 4, 4, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0, 0x100000, 0x10000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	for (uint64_t p = 0; p < 4; p++)
		xl(&f, RID0, p << 12, false);
	xl(&f, RID0, 0, false);		/* 0 MRU; LRU order 1 2 3 0 */
	xl(&f, RID0, 2 << 12, false);	/* LRU order 1 3 0 2 */
	xl(&f, RID0, 8 << 12, false);	/* evicts 1 */
	xl(&f, RID0, 9 << 12, false);	/* evicts 3 */
	ck_assert(!iommu_iotlb_contains(f.dom, 1 << 12, NULL));
	ck_assert(!iommu_iotlb_contains(f.dom, 3 << 12, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 0, NULL));
	ck_assert(iommu_iotlb_contains(f.dom, 2 << 12, NULL));
	fx_fini(&f);
}
END_TEST

/* -------------------------------------------------- attach, trusted */

START_TEST(replace_without_gap)
{
	struct fx f;
	struct iommu_domain *b;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 4);
	b = iommu_domain_alloc(f.io, IOMMU_DOMAIN_PAGING, "hwpt b");
	ck_assert_int_eq(iommu_map(f.dom, 0x1000, 0xa000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(b, 0x1000, 0xb000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_replace(f.io, RID0, IOMMU_NO_PASID, b), -ENOENT);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, b), -EBUSY);
	x = xl(&f, RID0, 0x1000, false);
	ck_assert_uint_eq(x.hpa, 0xa000);
	ck_assert_int_eq(iommu_replace(f.io, RID0, IOMMU_NO_PASID, b), 0);
	ck_assert_ptr_eq(iommu_attached(f.io, RID0, IOMMU_NO_PASID), b);
	x = xl(&f, RID0, 0x1000, false);	/* same cycle, new domain */
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, 0xb000);
	ck_assert(!x.iotlb_hit);	/* tagged by domain id */
	ck_assert_uint_eq(iommu_fault_count(f.io), 0);
	ck_assert_int_eq(iommu_domain_free(f.dom), 0);	/* no user left */
	ck_assert_int_eq(iommu_domain_free(b), -EBUSY);
	ck_assert_int_eq(iommu_detach(f.io, RID0, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(iommu_detach(f.io, RID0, IOMMU_NO_PASID), -ENOENT);
	x = xl(&f, RID0, 0x1000, false);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_DOMAIN);
	ck_assert_int_eq(iommu_attach(f.io, RID0, 1u << 20, b), -EINVAL);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, NULL), -EINVAL);
	fx_fini(&f);
}
END_TEST

START_TEST(pasid_attach)
{
	struct fx f;
	struct iommu_domain *b, *blk;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 4);
	b = iommu_domain_alloc(f.io, IOMMU_DOMAIN_PAGING, "pasid dom");
	blk = iommu_domain_alloc(f.io, IOMMU_DOMAIN_BLOCKED, "blocked");
	ck_assert_int_eq(iommu_map(f.dom, 0, 0xa000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(b, 0, 0xb000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	for (uint32_t p = 1; p <= 6; p++)
		ck_assert_int_eq(iommu_attach(f.io, RID0, p, p == 5 ? blk : b), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, 3, b), -EBUSY);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 3, false, 0x10, 4, false, &x), 0);
	ck_assert_uint_eq(x.hpa, 0xb010);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 5, false, 0x10, 4, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_BLOCKED);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 9, false, 0x10, 4, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_DOMAIN);
	ck_assert_int_eq(iommu_detach(f.io, RID0, 2), 0);
	ck_assert_ptr_null(iommu_attached(f.io, RID0, 2));
	ck_assert_ptr_eq(iommu_attached(f.io, RID0, 6), b);
	ck_assert_int_eq(iommu_replace(f.io, RID0, 6, f.dom), 0);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 6, false, 0x10, 4, false, &x), 0);
	ck_assert_uint_eq(x.hpa, 0xa010);
	x = xl(&f, RID0, 0x20, false);
	ck_assert_uint_eq(x.hpa, 0xa020);
	fx_fini(&f);
}
END_TEST

struct tp_ctx {
	unsigned int calls;
	uint16_t rid;
	uint32_t pasid;
	uint64_t iova, size;
	bool write;
	bool refuse;
};

static void tp_translate(void *ctx, uint16_t rid, uint32_t pasid,
			 uint64_t iova, uint64_t size, bool write,
			 struct iommu_xlate *out)
{
	struct tp_ctx *t = ctx;

	t->calls++;
	t->rid = rid;
	t->pasid = pasid;
	t->iova = iova;
	t->size = size;
	t->write = write;
	out->lat_cycles = 77;
	if (t->refuse) {
		out->fault = IOMMU_F_ARCH;
		out->detail = "RMP fault";
		return;
	}
	out->hpa = 0xf00000000ULL | (iova & 0xfff);
	out->page_size = IOMMU_PAGE_4K;
}

static const struct iommu_trusted_ops tp_ops = { .translate = tp_translate };

START_TEST(trusted_path_hook)
{
	struct fx f;
	struct tp_ctx t = { 0 };
	struct iommu_xlate x;
	const struct iommu_fault_rec *r;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, 0x3000, 0xa000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 0, true, 0x3010, 8, true, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_TRUSTED);
	ck_assert_uint_eq(x.hpa, IOMMU_NO_HPA);
	ck_assert_int_eq(iommu_set_trusted(f.io, RID0,
			 &(struct iommu_trusted_ops){ 0 }, &t), -EINVAL);
	ck_assert_int_eq(iommu_set_trusted(f.io, RID0, &tp_ops, &t), 0);
	ck_assert_int_eq(iommu_translate(f.io, RID0, 7, true, 0x3010, 8, true, &x), 0);
	ck_assert_uint_eq(t.calls, 1);
	ck_assert_uint_eq(t.rid, RID0);
	ck_assert_uint_eq(t.pasid, 7);
	ck_assert_uint_eq(t.iova, 0x3010);
	ck_assert_uint_eq(t.size, 8);
	ck_assert(t.write);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(x.hpa, 0xf00000010ULL);
	ck_assert_uint_eq(x.lat_cycles, 77);
	/* T=0 still goes through the domain, not the hook */
	x = xl(&f, RID0, 0x3010, false);
	ck_assert_uint_eq(x.hpa, 0xa010);
	ck_assert_uint_eq(t.calls, 1);
	/* a refusal by the hook is logged with its reason */
	t.refuse = true;
	ck_assert_int_eq(iommu_translate(f.io, RID0, 0, true, 0x3020, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_ARCH);
	ck_assert_str_eq(x.detail, "RMP fault");
	ck_assert_uint_eq(x.hpa, IOMMU_NO_HPA);
	ck_assert_uint_eq(iommu_fault_count(f.io), 2);
	r = iommu_fault_at(f.io, 1);
	ck_assert(r->tee);
	ck_assert_int_eq(r->reason, IOMMU_F_ARCH);
	/* a hook on another RID, without any domain */
	ck_assert_int_eq(iommu_set_trusted(f.io, RID1, &tp_ops, &t), 0);
	t.refuse = false;
	ck_assert_int_eq(iommu_translate(f.io, RID1, 0, true, 0x5000, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_OK);
	ck_assert_uint_eq(t.rid, RID1);
	ck_assert_int_eq(iommu_set_trusted(f.io, RID1, NULL, NULL), 0);
	ck_assert_int_eq(iommu_translate(f.io, RID1, 0, true, 0x5000, 8, false, &x), 0);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_TRUSTED);
	ck_assert_int_eq(iommu_set_trusted(f.io, 0xffff, NULL, NULL), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(fault_log_records_and_overflows)
{
	struct iommu_config cfg = {
		.entries = 8, .ways = 8, .levels = 4, .fault_log_len = 2,
		.timing = { 2, 100, 1000 },
	};
	const struct iommu_fault_rec *r;
	struct iommu_xlate x;
	struct fx f;

	fx_init_cfg(&f, &cfg);
	x = xl(&f, RID1, 0xdead000, true);
	ck_assert_int_eq(x.fault, IOMMU_F_NO_DOMAIN);
	ck_assert_uint_eq(x.hpa, IOMMU_NO_HPA);
	ck_assert_uint_eq(x.lat_cycles, 2);
	ck_assert_int_eq(sim_run_until(f.s, 500), SIM_RUN_IDLE);
	ck_assert_int_eq(iommu_attach(f.io, RID1, IOMMU_NO_PASID, f.dom), 0);
	x = xl(&f, RID1, 0xbeef000, false);
	ck_assert_int_eq(x.fault, IOMMU_F_NOT_PRESENT);
	xl(&f, RID1, 0xbeef000, false);
	ck_assert_uint_eq(iommu_fault_count(f.io), 2);
	ck_assert_uint_eq(iommu_fault_lost(f.io), 1);
	ck_assert_uint_eq(stat(&f, "iommu.faults"), 3);
	r = iommu_fault_at(f.io, 0);
	ck_assert_uint_eq(r->rid, RID1);
	ck_assert_uint_eq(r->pasid, IOMMU_NO_PASID);
	ck_assert_uint_eq(r->iova, 0xdead000);
	ck_assert(r->write);
	ck_assert(!r->tee);
	ck_assert_int_eq(r->reason, IOMMU_F_NO_DOMAIN);
	r = iommu_fault_at(f.io, 1);
	ck_assert_int_eq(r->reason, IOMMU_F_NOT_PRESENT);
	ck_assert_uint_eq(r->iova, 0xbeef000);
	ck_assert_ptr_null(iommu_fault_at(f.io, 2));
	iommu_fault_clear(f.io);
	ck_assert_uint_eq(iommu_fault_count(f.io), 0);
	ck_assert_uint_eq(iommu_fault_lost(f.io), 0);
	fx_fini(&f);
}
END_TEST

/* ---------------------------------------------- dma-stream reference */

#define DMA_B		0x100000000ULL
#define DMA_P		65536ULL

struct dma_expect {
	bool sequential;
	uint64_t n, cycles, hits, misses, hash;
};

/*
 * workload (docs/bench.md) through this API: closed loop without the engine,
 * c_k = t_k + lat_k, t_{k+1} = c_k + T.
 */
static void dma_stream(const struct dma_expect *e)
{
	struct iommu_config cfg = {
		.entries = 64, .ways = 64, .levels = 4,
		.timing = { .iotlb_hit = 2, .walk_level = 100, .inval = 0 },
	};
	uint64_t t = 0, c = 0, hash = 14695981039346656037ULL;
	struct sim_rng r;
	struct fx f;

	fx_init_cfg(&f, &cfg);
	for (uint64_t i = 0; i < DMA_P; i++) {
		uint64_t hpa_page = (i * 7919 + 13) % (1ULL << 24);

		ck_assert_int_eq(iommu_map(f.dom, DMA_B + (i << 12), hpa_page << 12,
					   0x1000, IOMMU_PAGE_4K, IOMMU_PROT_READ), 0);
	}
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	sim_rng_init(&r, 1, 0);
	ck_assert_uint_eq(r.state, 1);	/* the workload: s = seed = 1 */
	for (uint64_t k = 0; k < e->n; k++) {
		uint64_t page, off, rnd;
		struct iommu_xlate x;

		if (e->sequential) {
			page = (k / 64) % DMA_P;
			off = (k % 64) * 64;
		} else {
			rnd = sim_rng_next(&r);
			page = rnd % DMA_P;
			off = ((rnd >> 32) % 64) * 64;
		}
		iommu_translate(f.io, RID0, IOMMU_NO_PASID, false,
				DMA_B + (page << 12) + off, 64, false, &x);
		if (x.fault != IOMMU_OK)
			ck_abort_msg("fault at request %llu", (unsigned long long)k);
		c = t + x.lat_cycles;
		t = c + 10;
		hash = (hash ^ x.hpa) * 1099511628211ULL;
	}
	ck_assert_uint_eq(c, e->cycles);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), e->hits);
	ck_assert_uint_eq(stat(&f, "iotlb.misses"), e->misses);
	ck_assert_uint_eq(hash, e->hash);
	/* the workload's self-check (docs/bench.md) */
	ck_assert_uint_eq(c, e->hits * 2 + e->misses * 402 + (e->n - 1) * 10);
	fx_fini(&f);
}

START_TEST(dma_stream_rng_matches_workload)
{
	struct sim_rng r;

	/* xorshift64* from s = 1, output after the update (docs/bench.md) */
	sim_rng_init(&r, 1, 0);
	ck_assert_uint_eq(sim_rng_next(&r), 0x47e4ce4b896cdd1dULL);
	ck_assert_uint_eq(sim_rng_next(&r), 0xabcfa6a8e079651dULL);
}
END_TEST

START_TEST(dma_stream_random_1e6)
{
	static const struct dma_expect e = {
		.sequential = false, .n = 1000000, .cycles = 411609590,
		.hits = 976, .misses = 999024, .hash = 0x32e0701ee63da4e5ULL,
	};

	dma_stream(&e);
}
END_TEST

START_TEST(dma_stream_sequential_1e6)
{
	static const struct dma_expect e = {
		.sequential = true, .n = 1000000, .cycles = 18249990,
		.hits = 984375, .misses = 15625, .hash = 0x9eb334136e74a225ULL,
	};

	dma_stream(&e);
}
END_TEST

/* A translation names the mapping it used, stale or not. */
START_TEST(tags_follow_mappings_into_the_iotlb)
{
	struct fx f;
	struct iommu_xlate x;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x10000, 0x900000, 0x4000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map_tag(f.dom, 0x10000, 0x2000, 7), 0);
	ck_assert_int_eq(iommu_map_tag(f.dom, 0x12000, 0x2000, 9), 0);
	ck_assert_int_eq(iommu_map_tag(f.dom, 0x12000, 0x2000, 0), -EINVAL);
	x = xl(&f, RID0, 0x10010, false);
	ck_assert_uint_eq(x.tag, 7);
	ck_assert(!x.iotlb_hit);
	x = xl(&f, RID0, 0x10020, false);
	ck_assert(x.iotlb_hit);
	ck_assert_uint_eq(x.tag, 7);
	ck_assert_uint_eq(xl(&f, RID0, 0x13000, false).tag, 9);
	/* unmapping the first page keeps its stale IOTLB entry's tag */
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x10000, 0x1000), 0x1000);
	x = xl(&f, RID0, 0x10040, false);
	ck_assert(x.stale);
	ck_assert_uint_eq(x.tag, 7);
	/* the rest of the first tag survives the trim */
	ck_assert_uint_eq(xl(&f, RID0, 0x11000, false).tag, 7);
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x11000, 0x3000), 0x3000);
	ck_assert_int_eq(iommu_map(f.dom, 0x11000, 0x800000, 0x1000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_inval_domain(f.dom, NULL, NULL, NULL), 0);
	sim_run_until(f.s, SIM_CYCLES_MAX);
	ck_assert_uint_eq(xl(&f, RID0, 0x11000, false).tag, 0);	/* untagged */
	fx_fini(&f);
}
END_TEST

/*
 * Run-ahead's translation: done exactly as iommu_translate() when it ends
 * OK, fresh, through the tag and inside the HPA window, else refused with
 * nothing changed; iommu_hit_again() trusts an unchanged IOTLB only.
 */
START_TEST(translate_within_and_hit_again)
{
	struct fx f;
	struct iommu_xlate x;
	uint64_t hpa, g0 = 0, g1 = 0, lo = 0x900000, hi = 0x93ffff;
	sim_cycles_t lat;
	int32_t s0, s1;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_attach(f.io, RID0, IOMMU_NO_PASID, f.dom), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x10000, 0x900000, 0x4000, IOMMU_PAGE_4K, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, 0x14000, 0x904000, 0x1000, IOMMU_PAGE_4K,
				   IOMMU_PROT_READ), 0);
	ck_assert_int_eq(iommu_map_tag(f.dom, 0x10000, 0x5000, 7), 0);
	/* a miss: walked, inserted, counted */
	s0 = iommu_translate_within(f.io, RID0, 0x10040, 64, false, 7, lo, hi,
				    &g0, &hpa, &lat);
	ck_assert_int_ge(s0, 0);
	ck_assert_uint_eq(hpa, 0x900040);
	ck_assert_uint_eq(lat, 402);
	ck_assert_uint_eq(stat(&f, "iotlb.misses"), 1);
	ck_assert(iommu_hit_again(f.io, s0, &g0, 0x10080, false, &hpa));
	ck_assert_uint_eq(hpa, 0x900080);
	/* refused, nothing changed: another tag, outside the window, the
	 * last byte outside, a write to a read-only page, unmapped */
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x11000, 64, false, 9,
						lo, hi, &g1, &hpa, &lat), -1);
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x11000, 64, false, 7,
						lo, 0x900fff, &g1, &hpa, &lat), -1);
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x11fc0, 64, false, 7,
						lo, 0x901ffe, &g1, &hpa, &lat), -1);
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x14000, 64, true, 7,
						lo, hi, &g1, &hpa, &lat), -1);
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x20000, 64, false, 7,
						lo, hi, &g1, &hpa, &lat), -1);
	ck_assert_int_eq(iommu_translate_within(f.io, RID1, 0x10000, 64, false, 7,
						lo, hi, &g1, &hpa, &lat), -1);
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 1);
	ck_assert_uint_eq(stat(&f, "iotlb.misses"), 1);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 1);
	ck_assert_uint_eq(stat(&f, "iommu.faults"), 0);
	/* a prefetch hint changes nothing, wherever it points */
	for (unsigned int back = 0; back <= 9; back++) {
		iommu_prefetch(f.io, RID0, 0x11000, back);
		iommu_prefetch(f.io, RID0, 0x20000, back);
		iommu_prefetch(f.io, RID0, 1ULL << 60, back);
		iommu_prefetch(f.io, RID1, 0x11000, back);
	}
	ck_assert(!iommu_prefetch_pays(f.io, RID0));	/* a few tables */
	ck_assert(!iommu_prefetch_pays(f.io, RID1));	/* no domain */
	ck_assert_uint_eq(iommu_iotlb_used(f.io), 1);
	ck_assert_uint_eq(stat(&f, "iommu.walks"), 1);
	/* the unchanged IOTLB still answers for the first page */
	ck_assert(iommu_hit_again(f.io, s0, &g0, 0x100c0, false, &hpa));
	/* another page makes it MRU: the first entry no longer hits again */
	s1 = iommu_translate_within(f.io, RID0, 0x11000, 64, false, 7, lo, hi,
				    &g1, &hpa, &lat);
	ck_assert_int_ge(s1, 0);
	ck_assert(g1 != g0);
	ck_assert(!iommu_hit_again(f.io, s0, &g0, 0x10100, false, &hpa));
	/* a hit on the first page makes it MRU again */
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x10100, 64, false, 7,
						lo, hi, &g0, &hpa, &lat), s0);
	ck_assert_uint_eq(lat, 2);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 3);
	ck_assert(!iommu_hit_again(f.io, s1, &g1, 0x11000, false, &hpa));
	/* a stale entry is refused, iommu_translate() then reports it */
	ck_assert_uint_eq(iommu_unmap(f.dom, 0x10000, 0x1000), 0x1000);
	ck_assert(!iommu_hit_again(f.io, s0, &g0, 0x10140, false, &hpa));
	ck_assert_int_eq(iommu_translate_within(f.io, RID0, 0x10140, 64, false, 7,
						lo, hi, &g0, &hpa, &lat), -1);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 3);
	x = xl(&f, RID0, 0x10140, false);
	ck_assert(x.stale);
	ck_assert_uint_eq(stat(&f, "iotlb.hits"), 4);
	fx_fini(&f);
}
END_TEST

Suite *iommu_suite(void)
{
	Suite *su = suite_create("iommu");
	TCase *pt = tcase_create("pgtable");
	TCase *tlb = tcase_create("iotlb");
	TCase *dev = tcase_create("requesters");
	TCase *dma = tcase_create("dma-stream");

	tcase_add_test(pt, config_rejects_bad_values);
	tcase_add_test(pt, names);
	tcase_add_test(pt, map_lookup_4k);
	tcase_add_test(pt, arena_grows_and_reuses_tables);
	tcase_add_test(pt, superpages_map_and_lookup);
	tcase_add_test(pt, partial_unmap_splits_superpage);
	tcase_add_test(pt, overlap_is_eexist);
	tcase_add_test(pt, misaligned_is_einval);
	tcase_add_test(pt, three_levels);
	tcase_add_test(pt, five_levels);
	tcase_add_test(tlb, iotlb_hit_miss_latency);
	tcase_add_test(tlb, iotlb_set_assoc_lru);
	tcase_add_test(tlb, iotlb_fully_assoc_lru);
	tcase_add_test(tlb, translate_within_and_hit_again);
	tcase_add_test(dev, replace_without_gap);
	tcase_add_test(dev, tags_follow_mappings_into_the_iotlb);
	tcase_add_test(dev, pasid_attach);
	tcase_add_test(dev, trusted_path_hook);
	tcase_add_test(dev, fault_log_records_and_overflows);
	tcase_add_test(dma, dma_stream_rng_matches_workload);
	tcase_add_test(dma, dma_stream_random_1e6);
	tcase_add_test(dma, dma_stream_sequential_1e6);
	tcase_set_timeout(dma, 60);
	suite_add_tcase(su, pt);
	suite_add_tcase(su, tlb);
	suite_add_tcase(su, dev);
	suite_add_tcase(su, dma);
	return su;
}
