// SPDX-License-Identifier: MIT
/*
 * check_iommu.c - the IOMMU model: page tables (superpages, split, overlap,
 * levels), attachment, the trusted path, the fault log.  The IOTLB and
 * the dma-stream numbers: check_iotlb.c; the invalidation queue:
 * check_iommu_inval.c.
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
 * everywhere, entry 0 included (free tables were once chained through it,
 * now through the arena's run words).
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
Suite *iommu_suite(void)
{
	Suite *su = suite_create("iommu");
	TCase *pt = tcase_create("pgtable");
	TCase *dev = tcase_create("requesters");

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
	tcase_add_test(dev, replace_without_gap);
	tcase_add_test(dev, tags_follow_mappings_into_the_iotlb);
	tcase_add_test(dev, pasid_attach);
	tcase_add_test(dev, trusted_path_hook);
	tcase_add_test(dev, fault_log_records_and_overflows);
	suite_add_tcase(su, pt);
	suite_add_tcase(su, dev);
	return su;
}
