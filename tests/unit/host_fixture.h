/* SPDX-License-Identifier: MIT */
/*
 * host_fixture.h - a platform (sim + mem + IOMMU + fabric, optionally an
 * arch) with one device dev0 (BAR0 64 KiB, BAR2 16 KiB non-TEE, IDE), one
 * guest vm0 with 1 GiB of RAM, and the host stack on top.  Included by
 * check_dmabuf.c, check_iommufd.c, check_vfio.c, check_kvm.c, check_tsm.c.
 */
#ifndef TSMSIM_TESTS_UNIT_HOST_FIXTURE_H
#define TSMSIM_TESTS_UNIT_HOST_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "dmabuf.h"
#include "host.h"
#include "iommu.h"
#include "mem.h"
#include "pcie.h"
#include "platform.h"
#include "sim.h"

#define HFX_UNUSED __attribute__((unused))
#define HFX_NREC 256

struct hfx {
	struct sim *s;
	struct platform *p;
	struct host *h;
	struct pcie_dev *dev;
	struct plat_guest *g;
	struct sim_seq *q;
	const char *res;
	bool done;
	sim_cycles_t t0, t1;	/* start and completion of the last step */
	/* SIM_REC_DMABUF events, "event:importer" */
	char dmarec[HFX_NREC][48];
	size_t ndma;
};

static HFX_UNUSED void hfx_rec(void *ctx, const struct sim_rec *r)
{
	struct hfx *f = ctx;

	if (r->type != SIM_REC_DMABUF || f->ndma >= HFX_NREC)
		return;
	snprintf(f->dmarec[f->ndma++], sizeof(f->dmarec[0]), "%s:%s",
		 r->u.dmabuf.event, r->u.dmabuf.importer ? r->u.dmabuf.importer : "");
}

/* How many dma-buf records start with @prefix. */
static HFX_UNUSED size_t hfx_dma_count(const struct hfx *f, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ndma; i++)
		n += !strncmp(f->dmarec[i], prefix, strlen(prefix));
	return n;
}

static HFX_UNUSED void hfx_timing(uint64_t *t)
{
	for (int i = 0; i < AT_NR; i++)
		t[i] = 10;
	t[AT_IOCTL] = 100;
	t[AT_IOTLB_HIT] = 4;
	t[AT_WALK_LEVEL] = 200;
	t[AT_IOTLB_INVAL] = 1000;
	t[AT_IMPORTER_UNMAP] = 500;
	t[AT_KVM_ZAP] = 2000;
	t[AT_VMEXIT] = 300;
	t[AT_KVM_FAULT_IN] = 700;
	t[AT_DOE_TIMEOUT] = 2000000;
}

/* @arch: NULL for a plain host, or "tdx" / "sev" / "cca". */
static HFX_UNUSED void hfx_init(struct hfx *f, const char *arch)
{
	static const struct iommu_config ic = { .entries = 64, .ways = 64,
						.levels = 4 };
	struct pcie_dev_cfg cfg = { .name = "dev0", .bdf = "0000:3a:00.0",
				    .ide = true, .nbars = 2 };
	struct plat_config pc = { 0 };
	struct arch_profile *prof = NULL;
	const char *err = NULL;

	memset(f, 0, sizeof(*f));
	f->s = sim_create(1);
	pc.iommu = ic;
	hfx_timing(pc.timing);
	if (arch) {
		prof = calloc(1, sizeof(*prof));
		ck_assert_int_eq(arch_profile_builtin(arch, prof), 0);
		pc.ops = arch_ops_get(prof->base);
		pc.prof = prof;
		arch_profile_cycles(prof, 2000, pc.timing);
		pc.timing[AT_DOE_TIMEOUT] = 2000000;
	}
	f->p = plat_create(f->s, &pc, &err);
	free(prof);	/* the arch keeps its own copy */
	ck_assert_ptr_nonnull(f->p);
	cfg.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 64 << 10 };
	cfg.bars[1] = (struct pcie_bar_cfg){ .index = 2, .size = 16 << 10,
					     .non_tee = true };
	ck_assert_int_eq(plat_add_device(f->p, &cfg, &f->dev), 0);
	f->g = plat_add_guest(f->p, "vm0", arch != NULL, 1ULL << 30, 0);
	ck_assert_ptr_nonnull(f->g);
	if (arch)
		plat_arch_ops(f->p)->vm_ram(plat_arch(f->p), f->g->vm, 0,
					    f->g->ram_hpa, 1ULL << 30, true);
	f->h = host_create(f->p);
	ck_assert_ptr_nonnull(f->h);
	sim_trace_subscribe(f->s, SIM_REC_BIT(SIM_REC_DMABUF), hfx_rec, f);
}

static HFX_UNUSED void hfx_fini(struct hfx *f)
{
	host_destroy(f->h);
	plat_destroy(f->p);
	sim_destroy(f->s);
}

static HFX_UNUSED void hfx_done(struct sim *s, void *ctx, const char *result)
{
	struct hfx *f = ctx;

	f->res = result;
	f->done = true;
	f->t1 = sim_now(s);
}

static HFX_UNUSED struct sim_seq *hfx_q(struct hfx *f)
{
	f->q = sim_seq_create(f->s, hfx_done, NULL, f);
	f->res = NULL;
	f->done = false;
	f->t0 = sim_now(f->s);
	return f->q;
}

/*
 * Start what the op pushed and run the sim until the step completes (or
 * @limit cycles from now pass: then the step is left running, "running"
 * is returned and f->q stays for hfx_finish()).
 */
static HFX_UNUSED const char *hfx_go_until(struct hfx *f, const char *op_res,
					   sim_cycles_t limit)
{
	const char *r = op_res;

	if (!r) {
		sim_seq_start(f->q);
		while (!f->done && sim_now(f->s) < f->t0 + limit &&
		       sim_run_until(f->s, f->t0 + limit) != SIM_RUN_IDLE)
			;
		if (!f->done)
			return "running";
		r = f->res;
	}
	sim_seq_destroy(f->q);
	f->q = NULL;
	return r ? r : "ok";
}

static HFX_UNUSED const char *hfx_go(struct hfx *f, const char *op_res)
{
	const char *r = hfx_go_until(f, op_res, 1ULL << 40);

	ck_assert_str_ne(r, "running");
	return r;
}

/* Let a step left running finish. */
static HFX_UNUSED const char *hfx_finish(struct hfx *f)
{
	const char *r;

	sim_run_until(f->s, SIM_CYCLES_MAX);
	ck_assert(f->done);
	r = f->res;
	sim_seq_destroy(f->q);
	f->q = NULL;
	return r ? r : "ok";
}

#define HFX(f, call) (hfx_q(f), hfx_go((f), (call)))

/* The report @key of the last step (fetched before the sequence died). */
static HFX_UNUSED uint64_t hfx_report(struct hfx *f, const char *key)
{
	uint64_t v = UINT64_MAX;

	ck_assert_ptr_nonnull(f->q);
	ck_assert(sim_seq_reported(f->q, key, &v));
	return v;
}

/* Run @call, keep the sequence to read its reports, then drop it. */
#define HFX_R(f, call, key, out) do {					\
	const char *r_ = (hfx_q(f), (call));				\
	if (!r_) {							\
		sim_seq_start((f)->q);					\
		sim_run_until((f)->s, SIM_CYCLES_MAX);			\
		ck_assert((f)->done);					\
		r_ = (f)->res;						\
	}								\
	*(out) = UINT64_MAX;						\
	sim_seq_reported((f)->q, (key), (out));				\
	sim_seq_destroy((f)->q);					\
	(f)->q = NULL;							\
	(f)->res = r_ ? r_ : "ok";					\
} while (0)

/* One DMA by dev0 through its IOMMU attachment. */
static HFX_UNUSED struct plat_access hfx_dma(struct hfx *f, uint64_t iova)
{
	struct plat_access a = { .who = SIM_INIT_DEVICE, .initiator = "dev0",
				 .addr = iova, .size = 8 };

	plat_dma(f->p, f->dev, &a);
	return a;
}

static HFX_UNUSED uint64_t hfx_bar(struct hfx *f, unsigned int bar)
{
	struct pcie_bar_cfg b;

	ck_assert_int_eq(pcie_dev_bar(f->dev, bar, &b), 0);
	return b.hpa;
}

#endif /* TSMSIM_TESTS_UNIT_HOST_FIXTURE_H */
