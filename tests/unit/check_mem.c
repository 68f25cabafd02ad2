// SPDX-License-Identifier: MIT
/* check_mem.c - memory map, BAR windows and the MMIO ownership index. */
#include <check.h>
#include <errno.h>

#include "mem.h"

static int dev_a, dev_b;	/* owners: only their addresses matter */

START_TEST(windows_assigned_aligned_and_given_overlaps_rejected)
{
	struct sim *s = sim_create(1);
	struct mem *m = mem_create(s);
	uint64_t a = 0, b = 0, c, sz;
	struct mem_target t;

	ck_assert_int_eq(mem_add_window(m, &a, 0x10000, &dev_a, 0), 0);
	ck_assert_uint_eq(a & 0xffff, 0);
	ck_assert_uint_ge(a, MEM_MMIO_BASE);
	ck_assert_int_eq(mem_add_window(m, &b, 0x200000, &dev_b, 2), 0);
	ck_assert_uint_eq(b & 0x1fffff, 0);
	c = a + 0x1000 * 0;	/* the same base again */
	ck_assert_int_eq(mem_add_window(m, &c, 0x10000, &dev_b, 4), -EEXIST);
	c = a + 0x800;
	ck_assert_int_eq(mem_add_window(m, &c, 0x1000, &dev_b, 4), -EINVAL);
	c = 0x3000;
	ck_assert_int_eq(mem_add_window(m, &c, 0x3000, &dev_b, 4), -EINVAL);
	mem_decode(m, a + 0x1234, &t);
	ck_assert_int_eq(t.kind, MEM_MMIO);
	ck_assert_ptr_eq(t.owner, &dev_a);
	ck_assert_uint_eq(t.offset, 0x1234);
	mem_decode(m, b + 0x10, &t);
	ck_assert_uint_eq(t.bar, 2);
	mem_decode(m, 0x1000, &t);
	ck_assert_int_eq(t.kind, MEM_NONE);
	ck_assert(mem_window(m, &dev_b, 2, &c, &sz));
	ck_assert_uint_eq(c, b);
	ck_assert_uint_eq(sz, 0x200000);
	ck_assert(!mem_window(m, &dev_b, 3, &c, &sz));
	/* moving a BAR onto another window is refused */
	ck_assert_int_eq(mem_move_window(m, &dev_a, 0, b), -EEXIST);
	ck_assert_int_eq(mem_move_window(m, &dev_a, 0, b + 0x200000), 0);
	mem_decode(m, b + 0x200000, &t);
	ck_assert_ptr_eq(t.owner, &dev_a);
	ck_assert_int_eq(mem_move_window(m, &dev_a, 7, 0), -ENOENT);
	mem_destroy(m);
	sim_destroy(s);
}
END_TEST

START_TEST(dram_is_carved_and_decoded)
{
	struct sim *s = sim_create(1);
	struct mem *m = mem_create(s);
	uint64_t h1, h2, w = MEM_DRAM_BASE;
	struct mem_target t;

	ck_assert_int_eq(mem_alloc_dram(m, 0x1000, 0x1000, &h1), 0);
	ck_assert_int_eq(mem_alloc_dram(m, 0x200000, 0x200000, &h2), 0);
	ck_assert_uint_eq(h2 & 0x1fffff, 0);
	ck_assert_uint_gt(h2, h1);
	mem_decode(m, h2 + 5, &t);
	ck_assert_int_eq(t.kind, MEM_DRAM);
	ck_assert_int_eq(mem_alloc_dram(m, 0x1000, 3, &h1), -EINVAL);
	/* a window may not sit on DRAM */
	ck_assert_int_eq(mem_add_window(m, &w, 0x1000, &dev_a, 0), -EEXIST);
	mem_destroy(m);
	sim_destroy(s);
}
END_TEST

struct seen {
	int maps, unmaps;
	unsigned int line;
};

static void on_rec(void *ctx, const struct sim_rec *rec)
{
	struct seen *x = ctx;

	if (rec->type == SIM_REC_MAP) {
		x->maps++;
		x->line = rec->u.map.owner_line;
	} else {
		x->unmaps++;
	}
}

START_TEST(index_finds_mappings_by_kind_and_range)
{
	struct sim *s = sim_create(1);
	struct mem *m = mem_create(s);
	struct sim_step_ref ref = { 2, 14, "map-shared", "kvm.map" };
	const struct mem_mapping *out[4];
	struct seen seen = { 0, 0, 0 };
	uint64_t bar = 0, id1, id2, id3;

	sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_MAP) | SIM_REC_BIT(SIM_REC_UNMAP),
			    on_rec, &seen);
	mem_add_window(m, &bar, 0x10000, &dev_a, 0);
	sim_set_step(s, &ref);
	id1 = mem_map_add(m, SIM_MAP_S2_SHARED, "vm0 shared EPT", 0x80000000,
			  bar, 0x10000, false);
	id2 = mem_map_add(m, SIM_MAP_HOST_MMAP, "mmap m0", 0, bar + 0x8000,
			  0x1000, true);
	id3 = mem_map_add(m, SIM_MAP_IOMMU, "ioas a", 0x1000, MEM_DRAM_BASE,
			  0x1000, true);	/* DRAM: not indexed */
	ck_assert_uint_eq(seen.maps, 3);
	ck_assert_uint_eq(seen.line, 14);
	ck_assert_uint_eq(mem_map_find(m, bar, 0x10000, MEM_HYP_KINDS, out, 4), 2);
	ck_assert_uint_eq(mem_map_find(m, bar, 0x1000, MEM_HYP_KINDS, out, 4), 1);
	ck_assert_uint_eq(out[0]->id, id1);
	ck_assert_str_eq(out[0]->label, "map-shared");
	ck_assert(!out[0]->populated);
	ck_assert_uint_eq(mem_map_find(m, bar, 0x10000,
				       MEM_KIND_BIT(SIM_MAP_HOST_MMAP), out, 4), 1);
	ck_assert_uint_eq(out[0]->id, id2);
	mem_map_set_populated(m, id1, true);
	ck_assert(mem_map_get(m, id1)->populated);
	mem_map_remove(m, id1);
	mem_map_remove(m, id1);		/* twice is a no-op */
	ck_assert_uint_eq(seen.unmaps, 1);
	ck_assert_ptr_null(mem_map_get(m, id1));
	ck_assert_uint_eq(mem_map_find(m, bar, 0x10000, MEM_HYP_KINDS, out, 4), 1);
	ck_assert_uint_eq(mem_map_count(m), 2);
	ck_assert_ptr_nonnull(mem_map_get(m, id3));
	mem_destroy(m);
	sim_destroy(s);
}
END_TEST

Suite *mem_suite(void)
{
	Suite *su = suite_create("mem");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, windows_assigned_aligned_and_given_overlaps_rejected);
	tcase_add_test(tc, dram_is_carved_and_decoded);
	tcase_add_test(tc, index_finds_mappings_by_kind_and_range);
	suite_add_tcase(su, tc);
	return su;
}
