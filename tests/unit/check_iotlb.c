// SPDX-License-Identifier: MIT
/*
 * check_iotlb.c - the IOMMU's IOTLB (set-associative and fully
 * associative true LRU, latencies, the run-ahead entry points
 * iommu_translate_within() and iommu_hit_again()) and the canonical
 * dma-stream numbers of docs/bench.md through the IOMMU API.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "iommu_fixture.h"

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

Suite *iotlb_suite(void)
{
	Suite *su = suite_create("iotlb");
	TCase *tlb = tcase_create("iotlb");
	TCase *dma = tcase_create("dma-stream");

	tcase_add_test(tlb, iotlb_hit_miss_latency);
	tcase_add_test(tlb, iotlb_set_assoc_lru);
	tcase_add_test(tlb, iotlb_fully_assoc_lru);
	tcase_add_test(tlb, translate_within_and_hit_again);
	tcase_add_test(dma, dma_stream_rng_matches_workload);
	tcase_add_test(dma, dma_stream_random_1e6);
	tcase_add_test(dma, dma_stream_sequential_1e6);
	tcase_set_timeout(dma, 60);
	suite_add_tcase(su, tlb);
	suite_add_tcase(su, dma);
	return su;
}
