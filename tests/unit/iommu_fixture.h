/* SPDX-License-Identifier: MIT */
/*
 * iommu_fixture.h - one IOMMU with one paging domain "ioas a" on its own
 * sim, and the translate / stat helpers.  Included by check_iommu.c,
 * check_iotlb.c and check_iommu_inval.c only.
 */
#ifndef TSMSIM_TESTS_UNIT_IOMMU_FIXTURE_H
#define TSMSIM_TESTS_UNIT_IOMMU_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <string.h>

#include "iommu.h"
#include "sim.h"

/* the suites (declared here: the Makefile greps the .c definitions) */
Suite *iommu_suite(void);
Suite *iommu_inval_suite(void);

#define IFX_UNUSED __attribute__((unused))

#define RID0	0x0100
#define RID1	0x0208
#define MB2	IOMMU_PAGE_2M
#define GB1	IOMMU_PAGE_1G
#define RW	(IOMMU_PROT_READ | IOMMU_PROT_WRITE)

struct fx {
	struct sim *s;
	struct iommu *io;
	struct iommu_domain *dom;
};

static IFX_UNUSED void fx_init_cfg(struct fx *f, const struct iommu_config *cfg)
{
	f->s = sim_create(1);
	ck_assert_ptr_nonnull(f->s);
	ck_assert_int_eq(iommu_create(f->s, cfg, &f->io), 0);
	f->dom = iommu_domain_alloc(f->io, IOMMU_DOMAIN_PAGING, "ioas a");
	ck_assert_ptr_nonnull(f->dom);
}

static IFX_UNUSED void fx_init(struct fx *f, unsigned int entries,
			       unsigned int ways, unsigned int levels)
{
	struct iommu_config cfg = {
		.entries = entries, .ways = ways, .levels = levels,
		.timing = { .iotlb_hit = 2, .walk_level = 100, .inval = 1000 },
	};

	fx_init_cfg(f, &cfg);
}

static IFX_UNUSED void fx_fini(struct fx *f)
{
	iommu_destroy(f->io);
	sim_destroy(f->s);
}

static IFX_UNUSED uint64_t stat(struct fx *f, const char *name)
{
	return *sim_stat(f->s, name);
}

static IFX_UNUSED struct iommu_xlate xl(struct fx *f, uint16_t rid,
					uint64_t iova, bool write)
{
	struct iommu_xlate x;

	ck_assert_int_eq(iommu_translate(f->io, rid, IOMMU_NO_PASID, false,
					 iova, 64, write, &x), 0);
	return x;
}

#endif /* TSMSIM_TESTS_UNIT_IOMMU_FIXTURE_H */
