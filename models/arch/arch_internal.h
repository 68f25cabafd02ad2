/* SPDX-License-Identifier: MIT */
/*
 * arch_internal.h - state shared by common.c, tdx.c, sev.c and cca.c.
 * Never included from outside models/arch/.
 *
 * Private MMIO page states (one byte per 4 KiB page of a private mapping).
 * The three architectures name them differently; the model keeps one
 * life cycle and prints the arch's name:
 *
 *   ARCH_PG_NONE     the per-page firmware call has not run yet
 *   ARCH_PG_PENDING  tdx S-EPT MMIO_PENDING; sev NPT entry + RMP
 *                    assigned, immutable, not validated; cca RTT entry
 *                    with RIPAS EMPTY, granule delegated (Realm PAS)
 *   ARCH_PG_ACCEPTED tdx MMIO_MAPPED (TDG.TDI.MMIO.ACCEPT); sev RMP
 *                    validated (MMIO_VALIDATE); cca RIPAS DEV
 *                    (RSI_VDEV_VALIDATE_MAPPING)
 *   ARCH_PG_BLOCKED  tdx MMIO_BLOCKED (TDH.MMIO.BLOCK, before UNMAP)
 *
 * Invariants: a page leaves NONE only through the arch's map sub-op and
 * goes back to NONE only through its unmap sub-op; ACCEPTED only from
 * PENDING; the guest has no un-accept (docs/arch/rules.md).  "Owned" (the owner
 * change of docs/arch/rules.md) is: tdx, the TDI's TEE MMIO while MMIO tracking
 * is on; sev and cca, a page in PENDING / ACCEPTED / BLOCKED.
 */
#ifndef TSMSIM_MODELS_ARCH_ARCH_INTERNAL_H
#define TSMSIM_MODELS_ARCH_ARCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "iommu.h"
#include "mem.h"
#include "pcie.h"
#include "sim.h"

#define ARCH_PAGE	4096ULL
/* an arch file's rule and latency defaults */
#define ARCH_NO_FINDING	(-1)		/* a finding rule that reports nothing */
#define ARCH_MIB(x)	((int64_t)(x) << 20)
#define ARCH_NS(x)	((uint64_t)(x) * 1000ULL)		/* in ps */
#define ARCH_US(x)	((uint64_t)(x) * 1000000ULL)
#define ARCH_NAME_LEN	48

enum arch_pg {
	ARCH_PG_NONE,
	ARCH_PG_PENDING,
	ARCH_PG_ACCEPTED,
	ARCH_PG_BLOCKED,
	ARCH_PG_NR
};

struct arch_ram {
	uint64_t gpa, hpa, size;
	bool priv;
};

struct arch_vm {
	struct arch *a;
	char name[ARCH_NAME_LEN];
	char shared_tbl[ARCH_NAME_LEN];	/* "vm0 shared EPT" */
	char priv_tbl[ARCH_NAME_LEN];	/* "vm0 S-EPT" */
	bool confidential;
	bool destroyed;
	unsigned int addr_bits;
	struct arch_ram *ram;
	size_t nram;
};

/* One TDI as the arch's firmware sees it. */
struct arch_tdi {
	struct arch *a;
	struct pcie_dev *dev;
	struct arch_vm *vm;		/* bound to; NULL when not bound */
	bool bound;
	bool tracked;			/* tdx: TDH.MMIOMT entries set */
	bool dmar_added;		/* tdx: TDH.DMAR.ADD done */
	bool trusted;			/* the trusted DMA path is installed */
	bool sdte;			/* sev: sDTE written by the guest */
	bool stream_blocked;		/* tdx: TDH.IDE.STREAM.BLOCK done */
	uint64_t vtom;			/* sev: sDTE vTOM (bytes) */
	/* what the RMM holds (cca), and what the guest attested (all) */
	uint64_t lock_epoch, meas_seq, report_seq;
	uint64_t g_lock_epoch, g_meas_seq, g_report_seq;
	/* the operation in progress */
	struct sim_seq *q;
	const char *fw;			/* firmware call relaying TDISP */
	struct tdisp_xchg x;		/* the last TDISP exchange */
};

/* One private MMIO mapping (one map_private call). */
struct arch_prange {
	struct arch *a;
	struct arch_vm *vm;
	struct arch_tdi *tdi;
	unsigned int bar;
	uint64_t gpa, hpa, off, size, psz;
	uint64_t npg;			/* 4 KiB pages */
	uint8_t *pg;			/* enum arch_pg per 4 KiB page */
	uint64_t map_id;
	bool live;			/* false once unmapped (kept for seqs) */
	/* tdx unmap: the sequence, whether it may fail, a refusal reported */
	struct sim_seq *q;
	bool must, refused;
};

struct arch_srange {
	struct arch_vm *vm;
	uint64_t gpa, hpa, size;
	uint64_t map_id;
	bool live;
	bool own_map;		/* published by us (not the caller's memslot) */
};

/*
 * What differs per arch beyond the ops themselves: names for traces and
 * the owner predicate used by the shared access hooks.
 */
struct arch_impl {
	/* the guest's address width: NULL accepts any (sev ignores it) */
	bool (*addr_bits_ok)(unsigned int bits);
	const struct arch_desc *desc;	/* its desc: the address rule */
	/*
	 * sev: one NPT entry per GPA serves both views, so a private mapping
	 * takes the GPA for shared maps too and a C=0 access reaches it (the
	 * RMP judges); the details say how a view mismatch on RAM faults
	 */
	bool one_s2_entry;
	const char *priv_on_shared_detail;	/* C=1 to a shared entry */
	const char *shared_on_priv_ram_detail;	/* C=0 to private RAM */
	/* the latent hazard in words, by finding (docs/arch/rules.md) */
	const char *why_mce, *why_host_fault;
	const char *shared_tbl_fmt;	/* "%s shared EPT" */
	const char *priv_tbl_fmt;	/* "%s S-EPT" */
	const char *fw_spdm, *fw_ide;	/* connect's firmware calls */
	const char *fw_report;		/* refresh_report's firmware call */
	const char *fw_vm_destroy;	/* vm_destroy's firmware call */
	/* vm_destroy's error while a TDI is still bound (NULL: dropped) */
	const char *vm_busy_err;
	const char *pg_detail[ARCH_PG_NR]; /* a private access per page state */
	const char *host_detail[4];	/* AR_HOST_* verdicts that stop the access */
	const char *p2p_detail;		/* AR_P2P_OWNED when it stops the access */
	bool accept_exits;		/* see arch_accept_exits() */
	/* a guest's shared-view access to owned MMIO faults (NULL: tdx) */
	const char *shared_owned_detail;
	const char *dram_detail;	/* AR_T0_PRIVATE_DRAM */
	const struct iommu_trusted_ops *trusted;
	bool (*owned)(const struct arch *a, const struct arch_tdi *ti,
		      uint64_t hpa);
};

struct arch {
	const struct arch_ops *ops;
	const struct arch_impl *impl;
	struct arch_env env;
	struct arch_profile prof;
	struct arch_vm **vms;
	size_t nvms;
	struct arch_tdi **tdis;
	size_t ntdis;
	struct arch_prange **pr;
	size_t npr;
	struct arch_srange **sr;
	size_t nsr;
};

/*
 * The ops every arch takes from common_ops.c; an arch's table lists these
 * first and then its own (designated initialisers, so order is free).
 */
#define ARCH_COMMON_OPS \
	.destroy = arch_common_destroy, \
	.vm_create = arch_common_vm_create, \
	.vm_ram = arch_common_vm_ram, \
	.vm_destroy = arch_common_vm_destroy, \
	.map_shared = arch_common_map_shared, \
	.unmap_shared = arch_common_unmap_shared, \
	.connect = arch_common_connect, \
	.refresh_report = arch_common_refresh_report, \
	.guest_accept = arch_common_guest_accept, \
	.guest_xlate = arch_common_guest_xlate, \
	.host_check = arch_common_host_check, \
	.dma_check = arch_common_dma_check

/* common.c: instance, lookup */
struct arch *arch_common_create(const struct arch_ops *ops,
				const struct arch_impl *impl,
				const struct arch_env *env,
				const struct arch_profile *prof);
void arch_common_destroy(struct arch *a);
struct arch_tdi *arch_tdi_find(const struct arch *a, const struct pcie_dev *dev);
struct arch_tdi *arch_tdi_get(struct arch *a, struct pcie_dev *dev);
struct arch_tdi *arch_tdi_by_rid(const struct arch *a, uint16_t rid);
struct arch_prange *arch_prange_at_gpa(const struct arch *a,
				       const struct arch_vm *vm, uint64_t gpa);
struct arch_prange *arch_prange_at_hpa(const struct arch *a, uint64_t hpa);
struct arch_srange *arch_srange_at_gpa(const struct arch *a,
				       const struct arch_vm *vm, uint64_t gpa);
const struct arch_ram *arch_ram_at_gpa(const struct arch_vm *vm, uint64_t gpa);
const struct arch_ram *arch_ram_shared_at_gpa(const struct arch_vm *vm,
					      uint64_t gpa);
const struct arch_ram *arch_ram_at_hpa(const struct arch *a, uint64_t hpa,
				       const struct arch_vm **vm);
bool arch_tdi_hpa_tee(const struct arch_tdi *ti, uint64_t hpa);
static inline uint64_t arch_t(const struct arch *a, enum arch_timing t)
{
	return a->env.t[t];
}
static inline int64_t arch_rule(const struct arch *a, enum arch_rule r)
{
	return a->prof.rule[r];
}

/* common.c: trace facts */
const char *arch_fw(struct arch *a, const char *call, const char *status);
void arch_owner(struct arch *a, struct pcie_dev *dev, uint64_t hpa,
		uint64_t size, const char *event, bool to_private);
void arch_owner_tee(struct arch *a, struct arch_tdi *ti, const char *event,
		    bool to_private);
void arch_teardown_order(struct arch *a, const struct pcie_dev *dev,
			 const char *what);

/* common.c: sub-operation helpers */
const char *arch_tdisp(struct arch_tdi *ti, unsigned int code);
void arch_attest_snapshot(struct arch_tdi *ti);
bool arch_attested(const struct arch_tdi *ti);
const char *arch_sub_lock(struct sim *s, void *ctx, uint64_t arg);
const char *arch_sub_report(struct sim *s, void *ctx, uint64_t arg);
const char *arch_sub_stop(struct sim *s, void *ctx, uint64_t arg);
const char *arch_sub_start(struct sim *s, void *ctx, uint64_t arg);
void arch_unbind_phase(struct arch_unbind_plan *plan, const char *name,
		       void (*push)(void *ctx, struct sim_seq *q), void *ctx);
struct arch_tdi *arch_unbind_start(struct arch *a, struct pcie_dev *dev,
				   struct sim_seq *q,
				   struct arch_unbind_plan *plan);
const char *arch_bind_check(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct arch_tdi **out);
const char *arch_map_check(struct arch *a, struct arch_vm *vm,
			   struct pcie_dev *dev, unsigned int bar,
			   uint64_t gpa, uint64_t offset, uint64_t size,
			   uint64_t page_size, struct arch_tdi **ti);
struct arch_prange *arch_prange_new(struct arch *a, struct arch_vm *vm,
				    struct arch_tdi *ti, unsigned int bar,
				    uint64_t gpa, uint64_t offset,
				    uint64_t size, uint64_t page_size);
void arch_prange_publish(struct arch_prange *pr);
void arch_prange_set(struct arch_prange *pr, uint64_t unit, enum arch_pg st);
void arch_prange_retire(struct arch_prange *pr);
size_t arch_pranges_in(const struct arch *a, const struct arch_vm *vm,
		       uint64_t gpa, uint64_t size, struct arch_prange **out,
		       size_t max, bool *partial);
void arch_unmap_tdi_private(struct arch_tdi *ti, struct sim_seq *q);
void arch_trusted_set(struct arch_tdi *ti, bool on);
void arch_trusted_fill(struct arch *a, uint64_t hpa, uint64_t psz,
		       struct iommu_xlate *out);
void arch_trusted_fault(struct arch *a, const char *detail,
			struct iommu_xlate *out);
void arch_trusted_prange(struct arch *a, const struct arch_vm *vm,
			 uint64_t iova, const char *unaccepted,
			 const char *unmapped, struct iommu_xlate *out);
bool arch_prange_owned(const struct arch *a, const struct arch_tdi *ti,
		       uint64_t hpa);

/* common.c: run-time plans, rollback, per-TDI lists */
struct arch_plan_item {
	sim_cycles_t lat;
	const char *name;
	sim_subop_fn *fn;
	void *ctx;
	uint64_t arg;
};
struct arch_plan {
	struct arch_plan_item *v;
	size_t n;
};
void arch_plan_add(struct arch_plan *p, sim_cycles_t lat, const char *name,
		   sim_subop_fn *fn, void *ctx, uint64_t arg);
void arch_plan_run(struct arch_plan *p, struct sim_seq *q);
void arch_bind_rollback(struct arch_tdi *ti, const char *fw_remove);
#define ARCH_MAX_PR 64
size_t arch_tdi_pranges(const struct arch *a, const struct arch_tdi *ti,
			const struct arch_vm *vm, int bar,
			struct arch_prange **out, size_t max);
uint64_t arch_report_gap(const struct arch *a, const struct arch_tdi *ti,
			 unsigned int bar);
int arch_report_unmapped(const struct arch *a, const struct arch_tdi *ti,
			 int bar);

/* common_ops.c: the ops every arch shares */
struct arch_vm *arch_common_vm_create(struct arch *a, const char *name,
				      bool confidential, unsigned int addr_bits);
void arch_common_vm_ram(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			uint64_t hpa, uint64_t size, bool priv);
const char *arch_common_vm_destroy(struct arch *a, struct arch_vm *vm,
				   struct sim_seq *q);
const char *arch_common_map_shared(struct arch *a, struct arch_vm *vm,
				   uint64_t gpa, uint64_t hpa, uint64_t size,
				   uint64_t page_size, uint64_t *map_id);
const char *arch_common_unmap_shared(struct arch *a, struct arch_vm *vm,
				     uint64_t gpa, uint64_t size);
const char *arch_common_connect(struct arch *a, struct pcie_dev *dev, bool ide,
				struct sim_seq *q);
const char *arch_common_refresh_report(struct arch *a, struct pcie_dev *dev,
				       struct sim_seq *q);
const char *arch_common_guest_accept(struct arch *a, struct arch_vm *vm,
				     struct pcie_dev *dev, int bar,
				     struct sim_seq *q);
void arch_common_guest_xlate(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			     bool priv, bool write, struct arch_xlate *out);
void arch_common_host_check(struct arch *a, uint64_t hpa, bool write,
			    struct arch_check *out);
void arch_common_dma_check(struct arch *a, uint16_t rid, uint64_t hpa,
			   bool tee, bool write, struct arch_check *out);

#endif /* TSMSIM_MODELS_ARCH_ARCH_INTERNAL_H */
