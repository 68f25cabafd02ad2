// SPDX-License-Identifier: MIT
/*
 * check_iommu_runs.c - page tables kept as runs (consecutive leaves with
 * one set of flags, stored as one word; models/iommu/pgtable.c): a linear
 * map builds runs, anything that breaks one writes its table out, and a
 * long random mix of maps and unmaps reads exactly as a flat model of the
 * same mappings says, page by page.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "iommu_fixture.h"

#define BASE	0x100000000ULL
#define PG	IOMMU_PAGE_4K

/* Every page of [@iova, +@pages) reads @pa onwards, through 4 KiB leaves. */
static void expect_linear(struct fx *f, uint64_t iova, uint64_t pa,
			  uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t got = 0, ps = 0;
		unsigned int walked = 0;

		ck_assert_int_eq(iommu_lookup(f->dom, iova + i * PG + 8, &got,
					      &ps, &walked), 0);
		ck_assert_uint_eq(got, pa + i * PG + 8);
		ck_assert_uint_eq(ps, PG);
		ck_assert_uint_eq(walked, 4);
	}
}

/*
 * 2048 pages mapped in one go fill four last-level tables, all runs: only
 * the root and the two tables above are written.  A hole in the middle of
 * one run writes that table out (and only it); the entries read the same.
 */
START_TEST(linear_map_builds_runs)
{
	struct fx f;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, BASE, 0x40000000ULL, 2048 * PG, PG,
				   RW), 0);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 3 + 4);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 3);
	expect_linear(&f, BASE, 0x40000000ULL, 2048);
	ck_assert_int_eq(iommu_lookup(f.dom, BASE + 2048 * PG, NULL, NULL,
				      NULL), -ENOENT);

	ck_assert_uint_eq(iommu_unmap(f.dom, BASE + 700 * PG, PG), PG);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 4);
	ck_assert_int_eq(iommu_lookup(f.dom, BASE + 700 * PG, NULL, NULL,
				      NULL), -ENOENT);
	expect_linear(&f, BASE, 0x40000000ULL, 700);
	expect_linear(&f, BASE + 701 * PG, 0x40000000ULL + 701 * PG, 1347);
	ck_assert_uint_eq(iommu_domain_leaves(f.dom, PG), 2047);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 2047 * PG);
	fx_fini(&f);
}
END_TEST

/*
 * A run's tail goes and comes back without a write; a page that does not
 * continue it (other address, other permissions, not the next entry)
 * writes the table out.
 */
START_TEST(runs_shrink_grow_and_break)
{
	const uint64_t pa = 0x40000000ULL;
	struct fx f;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, BASE, pa, 100 * PG, PG, RW), 0);
	ck_assert_uint_eq(iommu_unmap(f.dom, BASE + 90 * PG, 64 * PG), 10 * PG);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 3);
	ck_assert_int_eq(iommu_map(f.dom, BASE + 90 * PG, pa + 90 * PG,
				   20 * PG, PG, RW), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 3);
	expect_linear(&f, BASE, pa, 110);

	/* other permissions on the next page */
	ck_assert_int_eq(iommu_map(f.dom, BASE + 110 * PG, pa + 110 * PG, PG,
				   PG, IOMMU_PROT_READ), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 4);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, BASE + 110 * PG),
			  IOMMU_PROT_READ);
	ck_assert_uint_eq(iommu_lookup_prot(f.dom, BASE + 109 * PG), RW);
	ck_assert_uint_eq(iommu_unmap(f.dom, BASE, 512 * PG), 111 * PG);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);

	/* another address for the next page; a page that skips one */
	ck_assert_int_eq(iommu_map(f.dom, BASE, pa, 4 * PG, PG, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, BASE + 4 * PG, pa + 8 * PG, PG, PG,
				   RW), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 4);
	expect_linear(&f, BASE + 4 * PG, pa + 8 * PG, 1);
	ck_assert_uint_eq(iommu_unmap(f.dom, BASE, 512 * PG), 5 * PG);
	ck_assert_int_eq(iommu_map(f.dom, BASE + 5 * PG, pa, PG, PG, RW), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 4);
	ck_assert_int_eq(iommu_lookup(f.dom, BASE, NULL, NULL, NULL), -ENOENT);
	fx_fini(&f);
}
END_TEST

/*
 * A split superpage is a run of 512 pages until a page of it goes; 2 MiB
 * leaves make runs one level up, and the whole run unmapped frees it
 * without a write.
 */
START_TEST(superpages_split_into_runs)
{
	struct fx f;
	uint64_t pa, ps;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, BASE, 0x80000000ULL, 4 * MB2, MB2,
				   RW), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 2);
	ck_assert_uint_eq(iommu_unmap(f.dom, BASE + 3 * MB2 + 511 * PG, PG), PG);
	/* the 2 MiB-leaf table is written out (one leaf became a table) */
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 4);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 3);
	ck_assert_int_eq(iommu_lookup(f.dom, BASE + 3 * MB2 + 510 * PG + 4,
				      &pa, &ps, NULL), 0);
	ck_assert_uint_eq(pa, 0x80000000ULL + 3 * MB2 + 510 * PG + 4);
	ck_assert_uint_eq(ps, PG);
	ck_assert_int_eq(iommu_lookup(f.dom, BASE + 2 * MB2 + 4, &pa, &ps,
				      NULL), 0);
	ck_assert_uint_eq(pa, 0x80000000ULL + 2 * MB2 + 4);
	ck_assert_uint_eq(ps, MB2);
	ck_assert_uint_eq(iommu_unmap(f.dom, BASE, 4 * MB2), 4 * MB2 - PG);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f.dom), 0);
	fx_fini(&f);
}
END_TEST

/*
 * A freed domain's tables go back whole (no unmap cleared their entries):
 * the next domain that takes one gets it empty, whether it writes it out
 * at once or keeps it a run.
 */
START_TEST(freed_domain_tables_come_back_empty)
{
	struct iommu_domain *b;
	struct fx f;

	fx_init(&f, 64, 64, 4);
	ck_assert_int_eq(iommu_map(f.dom, BASE, 0x40000000ULL, 4 * PG, PG, RW), 0);
	ck_assert_int_eq(iommu_map(f.dom, BASE + 4 * PG, 0x50000000ULL, PG, PG,
				   RW), 0);
	ck_assert_uint_eq(iommu_domain_tables_written(f.dom), 4);
	ck_assert_int_eq(iommu_domain_free(f.dom), 0);
	b = iommu_domain_alloc(f.io, IOMMU_DOMAIN_PAGING, "ioas b");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(iommu_map(b, BASE + 5 * PG, 0x60000000ULL, PG, PG,
				   RW), 0);
	for (uint64_t i = 0; i < 5; i++)
		ck_assert_int_eq(iommu_lookup(b, BASE + i * PG, NULL, NULL,
					      NULL), -ENOENT);
	f.dom = b;
	fx_fini(&f);
}
END_TEST

/* ------------------------------------------------- against a flat model */

#define WIN_PAGES	2048u	/* 8 MiB: four 2 MiB superpages' worth */

struct flat {
	uint64_t pa[WIN_PAGES];	/* 0: not mapped */
	uint64_t ps[WIN_PAGES];
	unsigned int prot[WIN_PAGES];
};

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static bool flat_busy(const struct flat *m, uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++)
		if (m->pa[i])
			return true;
	return false;
}

/*
 * Where: anywhere, or (a third of the time) right after the last map, so
 * the first page lands on the next entry of a run.  Which address: the
 * one that continues the runs of all the other maps, one page past it
 * (continues nothing before it), or any 2 MiB boundary.
 */
static void flat_map(struct fx *f, struct flat *m, uint64_t *x,
		     uint64_t *next)
{
	bool big = rnd(x) % 4 == 0;
	uint64_t ps = big ? MB2 : PG, per = ps / PG;
	uint64_t first = rnd(x) % 3 || big || *next >= WIN_PAGES ?
			 rnd(x) % (WIN_PAGES / per) * per : *next;
	uint64_t n = (1 + rnd(x) % (big ? 2 : 96)) * per;
	unsigned int prot = rnd(x) % 3 ? RW : IOMMU_PROT_READ;
	uint64_t pick = rnd(x) % 8;
	uint64_t pa = pick < 5 ? 0x40000000ULL + first * PG :
		      pick < 7 && !big ? 0x40000000ULL + (first + 1) * PG :
		      0x80000000ULL + rnd(x) % 512 * MB2;
	int want = 0;

	if (first + n > WIN_PAGES)
		n = WIN_PAGES - first;
	if (flat_busy(m, first, n))
		want = -EEXIST;
	ck_assert_int_eq(iommu_map(f->dom, BASE + first * PG, pa, n * PG, ps,
				   prot), want);
	for (uint64_t i = 0; !want && i < n; i++) {
		m->pa[first + i] = pa + i * PG;
		m->ps[first + i] = ps;
		m->prot[first + i] = prot;
	}
	*next = first + n;
}

/* A superpage cut by [@first, +@n) leaves 4 KiB pages behind. */
static void flat_unmap(struct fx *f, struct flat *m, uint64_t first,
		       uint64_t n)
{
	uint64_t done = 0;

	if (first + n > WIN_PAGES)
		n = WIN_PAGES - first;
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t blk = i / 512 * 512;

		if (!m->pa[i])
			continue;
		if (m->ps[i] == MB2)
			for (uint64_t j = blk; j < blk + 512; j++)
				m->ps[j] = PG;
		m->pa[i] = 0;
		done += PG;
	}
	ck_assert_uint_eq(iommu_unmap(f->dom, BASE + first * PG, n * PG), done);
}

/*
 * ck_assert() reports each call to the runner (a write per call), so the
 * page loop only compares and asserts on the first page that differs.
 */
static void flat_check(struct fx *f, const struct flat *m)
{
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < WIN_PAGES; i++) {
		uint64_t pa = 0, ps = 0;
		int ret = iommu_lookup(f->dom, BASE + i * PG + 0x18, &pa, &ps,
				       NULL);
		bool ok = m->pa[i] ?
			  !ret && pa == m->pa[i] + 0x18 && ps == m->ps[i] &&
			  iommu_lookup_prot(f->dom, BASE + i * PG) == m->prot[i] :
			  ret == -ENOENT;

		if (!ok)
			ck_abort_msg("page %u: ret %d pa %#llx ps %#llx prot %u, want pa %#llx ps %#llx prot %u",
				     i, ret, (unsigned long long)pa,
				     (unsigned long long)ps,
				     iommu_lookup_prot(f->dom, BASE + i * PG),
				     (unsigned long long)(m->pa[i] + 0x18),
				     (unsigned long long)m->ps[i], m->prot[i]);
		bytes += m->pa[i] ? PG : 0;
	}
	ck_assert_uint_eq(iommu_domain_mapped_bytes(f->dom), bytes);
	ck_assert_uint_le(iommu_domain_tables_written(f->dom),
			  iommu_domain_tables(f->dom));
}

/*
 * Random maps (4 KiB and 2 MiB pages, mostly continuing a run, some not)
 * and unmaps (any range, cutting superpages and runs anywhere), each
 * followed by a read of every page of the window: every entry reads what
 * a flat per-page model says, in whatever form its table is.
 */
START_TEST(random_mix_reads_as_flat_model)
{
	static struct flat m;
	uint64_t x = 0x9e3779b97f4a7c15ULL, next = WIN_PAGES;
	unsigned int runs_seen = 0;
	struct fx f;

	memset(&m, 0, sizeof(m));
	fx_init(&f, 64, 64, 4);
	for (unsigned int op = 0; op < 1200; op++) {
		if (op % 100 == 99)	/* start over: runs form again */
			flat_unmap(&f, &m, 0, WIN_PAGES);
		else if (rnd(&x) % 5 < 3)
			flat_map(&f, &m, &x, &next);
		else
			flat_unmap(&f, &m, rnd(&x) % WIN_PAGES, 1 + rnd(&x) % 600);
		flat_check(&f, &m);
		runs_seen += iommu_domain_tables_written(f.dom) <
			     iommu_domain_tables(f.dom);
	}
	ck_assert_uint_gt(runs_seen, 150);	/* the mix did keep runs */
	flat_unmap(&f, &m, 0, WIN_PAGES);
	ck_assert_uint_eq(iommu_domain_tables(f.dom), 1);
	fx_fini(&f);
}
END_TEST

Suite *iommu_runs_suite(void)
{
	Suite *su = suite_create("iommu_runs");
	TCase *tc = tcase_create("runs");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, linear_map_builds_runs);
	tcase_add_test(tc, runs_shrink_grow_and_break);
	tcase_add_test(tc, superpages_split_into_runs);
	tcase_add_test(tc, freed_domain_tables_come_back_empty);
	tcase_add_test(tc, random_mix_reads_as_flat_model);
	suite_add_tcase(su, tc);
	return su;
}
