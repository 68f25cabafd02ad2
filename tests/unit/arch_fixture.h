/* SPDX-License-Identifier: MIT */
/*
 * arch_fixture.h - a small machine for the arch suites: sim + mem + IOMMU
 * + a PCIe fabric with one device (BAR0 64 KiB TEE, BAR2 16 KiB non-TEE,
 * IDE required) + one arch instance with a confidential guest whose RAM
 * is GPA [0, 1 GiB).  Included by check_arch_*.c only.
 */
#ifndef TSMSIM_TESTS_UNIT_ARCH_FIXTURE_H
#define TSMSIM_TESTS_UNIT_ARCH_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "iommu.h"
#include "mem.h"
#include "pcie.h"
#include "sim.h"

/* the suites (declared here: the Makefile greps the .c definitions) */
Suite *arch_common_suite(void);
Suite *arch_tdx_suite(void);
Suite *arch_sev_suite(void);
Suite *arch_cca_suite(void);

#define AFX_UNUSED __attribute__((unused))
#define AFX_RAM_SIZE (1ULL << 30)
#define AFX_GPA 0x80000000ULL	/* where tests map BAR0 */
#define AFX_NREC 512

struct afx {
	struct sim *s;
	struct mem *mem;
	struct iommu *io;
	struct pcie_fabric *fab;
	struct pcie_dev *dev;
	uint64_t bar0, bar2, ram_hpa;
	struct arch_profile prof;
	uint64_t t[AT_NR];
	const struct arch_ops *ops;
	struct arch *a;
	struct arch_vm *vm;
	struct sim_seq *q;
	const char *res;
	bool done;
	/* trace facts seen */
	/* the unbind in progress: the arch's plan and the next phase */
	struct arch_unbind_plan plan;
	size_t next;
	bool host_unmaps;
	const char *fw[AFX_NREC], *fw_st[AFX_NREC];
	size_t nfw;
	const char *owner[64];
	bool owner_priv[64];
	size_t nowner;
	size_t nnotes;
};

static AFX_UNUSED void afx_rec(void *ctx, const struct sim_rec *r)
{
	struct afx *f = ctx;

	if (r->type == SIM_REC_FIRMWARE && f->nfw < AFX_NREC) {
		f->fw[f->nfw] = r->u.fw.call;
		f->fw_st[f->nfw++] = r->u.fw.status;
	} else if (r->type == SIM_REC_OWNER && f->nowner < 64) {
		f->owner_priv[f->nowner] = r->u.owner.to_private;
		f->owner[f->nowner++] = r->u.owner.event;
	} else if (r->type == SIM_REC_NOTE) {
		f->nnotes++;
	}
}

/* @ops: the implementation (a registered arch's, or a test's toy arch) */
static AFX_UNUSED void afx_init_ops(struct afx *f, const struct arch_ops *ops,
				    const struct arch_profile *p)
{
	struct pcie_dev_cfg cfg = { .name = "dev0", .bdf = "0000:3a:00.0",
				    .ide = true, .nbars = 2 };
	struct iommu_config ic = { .entries = 16, .ways = 4, .levels = 4 };
	struct arch_env env;

	memset(f, 0, sizeof(*f));
	f->s = sim_create(1);
	ck_assert_int_eq(sim_checkers_install(f->s, NULL), 0);
	f->mem = mem_create(f->s);
	ck_assert_int_eq(iommu_create(f->s, &ic, &f->io), 0);
	f->fab = pcie_fabric_create(f->s);
	ck_assert_int_eq(mem_add_window(f->mem, &f->bar0, 64 << 10, f, 0), 0);
	ck_assert_int_eq(mem_add_window(f->mem, &f->bar2, 16 << 10, f, 2), 0);
	cfg.bars[0] = (struct pcie_bar_cfg){ .index = 0, .size = 64 << 10,
					     .hpa = f->bar0 };
	cfg.bars[1] = (struct pcie_bar_cfg){ .index = 2, .size = 16 << 10,
					     .hpa = f->bar2, .non_tee = true };
	ck_assert_int_eq(pcie_dev_add(f->fab, &cfg, &f->dev), 0);
	ck_assert_int_eq(mem_alloc_dram(f->mem, AFX_RAM_SIZE, 1 << 21,
					&f->ram_hpa), 0);
	sim_trace_subscribe(f->s, SIM_REC_BIT(SIM_REC_FIRMWARE) |
			    SIM_REC_BIT(SIM_REC_OWNER) |
			    SIM_REC_BIT(SIM_REC_NOTE), afx_rec, f);
	f->prof = *p;
	arch_profile_cycles(&f->prof, 2000, f->t);
	f->ops = ops;
	env = (struct arch_env){ f->s, f->mem, f->io, f->fab, f->t };
	f->a = f->ops->create(&env, &f->prof);
	ck_assert_ptr_nonnull(f->a);
	f->vm = f->ops->vm_create(f->a, "vm0", true, 0);
	ck_assert_ptr_nonnull(f->vm);
	f->ops->vm_ram(f->a, f->vm, 0, f->ram_hpa, AFX_RAM_SIZE, true);
}

static AFX_UNUSED void afx_init_prof(struct afx *f, const struct arch_profile *p)
{
	afx_init_ops(f, arch_ops_get(p->base), p);
}

static AFX_UNUSED void afx_init(struct afx *f, enum arch_id id)
{
	struct arch_profile p;

	ck_assert_int_eq(arch_profile_builtin_id(id, &p), 0);
	afx_init_prof(f, &p);
}

static AFX_UNUSED void afx_fini(struct afx *f)
{
	f->ops->destroy(f->a);
	pcie_fabric_destroy(f->fab);
	iommu_destroy(f->io);
	mem_destroy(f->mem);
	sim_destroy(f->s);
}

static AFX_UNUSED void afx_done(struct sim *s, void *ctx, const char *result)
{
	struct afx *f = ctx;

	f->res = result;
	f->done = true;
}

/* A fresh sequence in f->q for the next op. */
static AFX_UNUSED struct sim_seq *afx_q(struct afx *f)
{
	f->q = sim_seq_create(f->s, afx_done, NULL, f);
	f->res = NULL;
	f->done = false;
	return f->q;
}

/* Run what the op pushed; returns its result ("ok" for success). */
static AFX_UNUSED const char *afx_go(struct afx *f, const char *op_res)
{
	const char *r = op_res;

	if (!r) {
		sim_seq_start(f->q);
		sim_run_until(f->s, SIM_CYCLES_MAX);
		ck_assert(f->done);
		r = f->res;
	}
	sim_seq_destroy(f->q);
	f->q = NULL;
	return r ? r : "ok";
}

#define AFX(f, call) (afx_q(f), afx_go((f), (call)))

static AFX_UNUSED const char *afx_connect(struct afx *f)
{
	return AFX(f, f->ops->connect(f->a, f->dev, true, f->q));
}

static AFX_UNUSED const char *afx_bind(struct afx *f)
{
	return AFX(f, f->ops->bind(f->a, f->vm, f->dev, f->q));
}

static AFX_UNUSED const char *afx_map0(struct afx *f)
{
	return AFX(f, f->ops->map_private(f->a, f->vm, f->dev, 0, AFX_GPA, 0,
					  64 << 10, 4096, f->q));
}

static AFX_UNUSED const char *afx_accept(struct afx *f)
{
	return AFX(f, f->ops->guest_accept(f->a, f->vm, f->dev, -1, f->q));
}

/*
 * The host's executor of an unbind plan (models/host/tsm.c), without a
 * host: firmware phases append their sub-operations, the host phase runs
 * when the sequence reaches it and unmaps the TDI's private MMIO
 * (arch_unbind_unmap) unless @host_unmaps is false, then the rest follows.
 */
static void afx_unbind_next(struct afx *f);

static AFX_UNUSED const char *afx_host_phase(struct sim *s, void *ctx,
					     uint64_t arg)
{
	struct afx *f = ctx;

	if (f->host_unmaps)
		arch_unbind_unmap(&f->plan, f->q);
	afx_unbind_next(f);
	return NULL;
}

static AFX_UNUSED void afx_unbind_next(struct afx *f)
{
	while (f->next < f->plan.n) {
		const struct arch_phase *ph = &f->plan.v[f->next++];

		if (!ph->push) {
			sim_seq_add(f->q, 0, ph->name, afx_host_phase, f, 0);
			return;
		}
		ph->push(ph->ctx, f->q);
	}
}

static AFX_UNUSED const char *afx_unbind_plan(struct afx *f, bool host_unmaps)
{
	const char *r = f->ops->unbind(f->a, f->dev, f->q, &f->plan);

	if (r)
		return r;
	f->next = 0;
	f->host_unmaps = host_unmaps;
	afx_unbind_next(f);
	return NULL;
}

static AFX_UNUSED const char *afx_unbind(struct afx *f)
{
	return AFX(f, afx_unbind_plan(f, true));
}

/* A raw TDISP request from the TSM (device.tdisp); returns the result. */
static AFX_UNUSED const char *afx_raw(struct afx *f, unsigned int code)
{
	struct tdisp_request req;
	static struct tdisp_response rsp;

	tdisp_request_init(&req, f->dev, code);
	if (code == TDISP_REQ_START_INTERFACE)
		ck_assert_int_eq(tdisp_nonce_get(f->dev, TDISP_NONCE_VALID,
						 req.nonce), 0);
	memset(&rsp, 0, sizeof(rsp));
	ck_assert_int_eq(tdisp_handle(f->dev, &req, &rsp), 0);
	return tdisp_response_result(&rsp);
}

/* Issue 10 item 9: STOP + re-LOCK after the guest attested at bind. */
static AFX_UNUSED void afx_relock(struct afx *f)
{
	ck_assert_str_eq(afx_raw(f, TDISP_REQ_STOP_INTERFACE), "ok");
	ck_assert_str_eq(afx_raw(f, TDISP_REQ_LOCK_INTERFACE), "ok");
}

/* connect, bind, map BAR0 private, accept: the happy path to RUN. */
static AFX_UNUSED void afx_up(struct afx *f)
{
	ck_assert_str_eq(afx_connect(f), "ok");
	ck_assert_str_eq(afx_bind(f), "ok");
	ck_assert_int_eq(tdisp_state(f->dev), TDISP_ST_CONFIG_LOCKED);
	ck_assert_str_eq(afx_map0(f), "ok");
	ck_assert_str_eq(afx_accept(f), "ok");
	ck_assert_int_eq(tdisp_state(f->dev), TDISP_ST_RUN);
}

static AFX_UNUSED int afx_host(struct afx *f, uint64_t hpa, bool write)
{
	struct arch_check c;

	f->ops->host_check(f->a, hpa, write, &c);
	return c.result;
}

static AFX_UNUSED int afx_dma(struct afx *f, uint64_t hpa, bool tee)
{
	struct arch_check c;

	f->ops->dma_check(f->a, 0x100, hpa, tee, false, &c);
	return c.result;
}

static AFX_UNUSED enum arch_xlate_status afx_xlate(struct afx *f, uint64_t gpa,
						  bool priv)
{
	struct arch_xlate x;

	f->ops->guest_xlate(f->a, f->vm, gpa, priv, false, &x);
	return x.status;
}

/* Was firmware call @call recorded with @status (NULL: any)? */
static AFX_UNUSED bool afx_fw_seen(const struct afx *f, const char *call,
				   const char *status)
{
	for (size_t i = 0; i < f->nfw; i++)
		if (!strcmp(f->fw[i], call) &&
		    (!status || !strcmp(f->fw_st[i], status)))
			return true;
	return false;
}

static AFX_UNUSED size_t afx_fw_index(const struct afx *f, const char *call)
{
	for (size_t i = 0; i < f->nfw; i++)
		if (!strcmp(f->fw[i], call))
			return i;
	return (size_t)-1;
}

static AFX_UNUSED bool afx_owner_seen(const struct afx *f, const char *event)
{
	for (size_t i = 0; i < f->nowner; i++)
		if (!strcmp(f->owner[i], event))
			return true;
	return false;
}

static AFX_UNUSED size_t afx_findings(const struct afx *f,
				      enum sim_finding_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < sim_findings_count(f->s); i++)
		n += sim_finding_at(f->s, i)->kind == k;
	return n;
}

#endif /* TSMSIM_TESTS_UNIT_ARCH_FIXTURE_H */
