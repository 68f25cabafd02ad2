// SPDX-License-Identifier: MIT
/*
 * mmio.c - what the TDI does with inbound memory requests to its BARs,
 * the BAR backing store, and the rules for requests the TDI issues.
 *
 * Facts: docs/tdisp.md "Requests the TDI receives" / "Requests the TDI
 * issues" ([TDISP] §11.2.1), docs/arch/rules.md rows "T=0 request to TEE
 * MMIO" and "T=1 request", hazards H6, H12, H14.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcie_internal.h"

/* ------------------------------------------------------- backing store */

/*
 * A sparse map of 8-byte words (open addressing, linear probing, key =
 * word index + 1 so that 0 marks an empty slot).  Never-written words
 * read 0, so a data-loss check can tell "written" from "dropped".
 */
#define STORE_MIN_CAP 16

static size_t store_slot(const struct pcie_store *st, uint64_t key)
{
	size_t i = (size_t)(sim_splitmix64(key) & (st->cap - 1));

	while (st->keys[i] && st->keys[i] != key)
		i = (i + 1) & (st->cap - 1);
	return i;
}

static int store_grow(struct pcie_store *st)
{
	struct pcie_store n = { .cap = st->cap ? st->cap * 2 : STORE_MIN_CAP };

	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < st->cap; i++) {
		size_t j;

		if (!st->keys[i])
			continue;
		j = store_slot(&n, st->keys[i]);
		n.keys[j] = st->keys[i];
		n.vals[j] = st->vals[i];
		n.n++;
	}
	pcie_store_fini(st);
	*st = n;
	return 0;
}

static uint64_t store_get(const struct pcie_store *st, uint64_t word)
{
	size_t i;

	if (!st->cap)
		return 0;
	i = store_slot(st, word + 1);
	return st->keys[i] ? st->vals[i] : 0;
}

static int store_put(struct pcie_store *st, uint64_t word, uint64_t val)
{
	size_t i;

	if ((st->n + 1) * 4 > st->cap * 3) {	/* keep load <= 3/4 */
		int ret = store_grow(st);

		if (ret)
			return ret;
	}
	i = store_slot(st, word + 1);
	if (!st->keys[i]) {
		st->keys[i] = word + 1;
		st->n++;
	}
	st->vals[i] = val;
	return 0;
}

void pcie_store_fini(struct pcie_store *st)
{
	free(st->keys);
	free(st->vals);
	memset(st, 0, sizeof(*st));
}

/* ------------------------------------------------------------ decode */

bool pcie_mmio_is_tee(const struct pcie_dev *dev, unsigned int bar)
{
	return bar < PCIE_MAX_BARS && dev->bars[bar].present &&
	       !dev->bars[bar].live_non_tee;
}

bool pcie_mmio_attr_pending(const struct pcie_dev *dev, unsigned int bar)
{
	return bar < PCIE_MAX_BARS && dev->bars[bar].attr_pending;
}

/*
 * The TDI's filter ([TDISP] §11.2.1).  Returns NULL when the request is
 * served, else why it is rejected.  In CONFIG_UNLOCKED the TEE / non-TEE
 * split does not exist yet (IS_NON_TEE_MEM is a lock-time value), so T=0
 * is served on every range: the shared phase of every bind depends on
 * that.  TEE ranges take T=1 only in RUN.  On a non-TEE range "the TDI's
 * handling is not modified by TDISP state" (§11.2.1), so T=1 is served
 * there in every state too.
 */
static const char *mmio_reject(const struct pcie_dev *dev,
			       const struct pcie_mmio_req *req)
{
	enum tdisp_state st = dev->tdi.state;
	bool tee_range = pcie_mmio_is_tee(dev, req->bar);

	if (!dev->regs[PCIE_REG_CMD_MSE])
		return "memory space decode disabled";
	if (!pcie_vf_enabled(dev))
		return "VF Enable or VF MSE of the PF is clear: the VF does not decode";
	if (req->tee) {
		if (!tee_range)
			return NULL;
		if (st != TDISP_ST_RUN)
			return "T=1 request outside RUN";
		if (dev->ide_required && !req->on_bound_stream)
			return "T=1 request not on the bound IDE stream";
		return NULL;
	}
	if (st == TDISP_ST_CONFIG_UNLOCKED || !tee_range)
		return NULL;
	return "T=0 request to TEE MMIO of a locked TDI";
}

static int mmio_check_args(const struct pcie_dev *dev,
			   const struct pcie_mmio_req *req)
{
	const struct pcie_bar *b;

	if (req->bar >= PCIE_MAX_BARS || !dev->bars[req->bar].present)
		return -ENOENT;
	b = &dev->bars[req->bar];
	if (!req->size || req->offset >= b->cfg.size ||
	    req->size > b->cfg.size - req->offset)
		return -EINVAL;
	if (req->size <= 8) {
		/* 1, 2, 4, 8 bytes, naturally aligned, within one word */
		if (req->size & (req->size - 1) || req->offset % req->size)
			return -EINVAL;
	} else if (req->size % 8 || req->offset % 8) {
		return -EINVAL;
	}
	return 0;
}

static int mmio_write(struct pcie_store *st, const struct pcie_mmio_req *req)
{
	uint64_t word = req->offset / 8;
	unsigned int shift = (unsigned int)(req->offset % 8) * 8;
	uint64_t mask, old;

	if (req->size >= 8) {
		for (uint64_t i = 0; i < req->size / 8; i++) {
			int ret = store_put(st, word + i, req->data);

			if (ret)
				return ret;
		}
		return 0;
	}
	mask = ((1ull << (req->size * 8)) - 1) << shift;
	old = store_get(st, word);
	return store_put(st, word, (old & ~mask) | ((req->data << shift) & mask));
}

static uint64_t mmio_read(const struct pcie_store *st,
			  const struct pcie_mmio_req *req)
{
	uint64_t v = store_get(st, req->offset / 8);
	unsigned int shift = (unsigned int)(req->offset % 8) * 8;

	if (req->size >= 8)
		return v;
	return (v >> shift) & ((1ull << (req->size * 8)) - 1);
}

/*
 * A T=0 write that lands in the MSI-X table of a TDI locked with
 * LOCK_MSIX.  [TDISP] Table 11-2: MSI-X modifications cause ERROR "if
 * MSI-X table was locked and reported"; the table the capability locates
 * is part of that locked state, so a host write that reaches it (a table
 * in a non-TEE range: a TEE range rejects T=0 before this) errors the TDI.
 * Without LOCK_MSIX it is ordinary interrupt set-up.
 */
static bool msix_table_hit(const struct pcie_dev *dev,
			   const struct pcie_mmio_req *req)
{
	const struct pcie_msix_cfg *m = &dev->msix;

	return !req->tee && m->present && req->bar == m->bar &&
	       (dev->tdi.lock_flags & TDISP_LOCK_MSIX) &&
	       req->offset < m->offset + m->size &&
	       m->offset < req->offset + req->size;
}

int pcie_mmio_access(struct pcie_dev *dev, struct pcie_mmio_req *req,
		     enum sim_result *res)
{
	struct pcie_bar *b;
	int ret;

	if (!dev || !req || !res)
		return -EINVAL;
	ret = mmio_check_args(dev, req);
	if (ret)
		return ret;
	b = &dev->bars[req->bar];
	req->detail = mmio_reject(dev, req);
	if (req->detail) {
		/* UR: reads complete with all-ones, writes are dropped */
		*res = SIM_RES_UR;
		if (!req->write)
			req->data = req->size >= 8 ? UINT64_MAX :
				    (1ull << (req->size * 8)) - 1;
		return 0;
	}
	*res = SIM_RES_OK;
	if (req->write && msix_table_hit(dev, req))
		tdisp_security_change(dev, "MSI-X table write while locked "
				      "(LOCK_MSIX)");
	if (req->write)
		return mmio_write(&b->store, req);
	req->data = mmio_read(&b->store, req);
	return 0;
}

int pcie_mmio_peek(const struct pcie_dev *dev, unsigned int bar,
		   uint64_t offset, uint64_t *val)
{
	if (bar >= PCIE_MAX_BARS || !dev->bars[bar].present)
		return -ENOENT;
	if (offset % 8 || offset >= dev->bars[bar].cfg.size)
		return -EINVAL;
	*val = store_get(&dev->bars[bar].store, offset / 8);
	return 0;
}

/* ---------------------------------------------------------------- DMA */

static int dma_check_run(const struct pcie_dev *dev, enum pcie_dma_kind kind,
			 bool tee)
{
	switch (kind) {
	case PCIE_DMA_MEM:
		return tee ? 0 : -EPERM;	/* DMA only with T=1 */
	case PCIE_DMA_MSI:
		return tee ? -EPERM : 0;	/* MSI with T=0 */
	case PCIE_DMA_MSIX:
		/* T=1 only when the table is locked and reported */
		if (!tee)
			return 0;
		return (dev->tdi.lock_flags & TDISP_LOCK_MSIX) &&
			       dev->msix.present ? 0 : -EPERM;
	}
	return -EPERM;
}

int pcie_dma_check(const struct pcie_dev *dev, enum pcie_dma_kind kind,
		   bool tee)
{
	if (!dev->regs[PCIE_REG_CMD_BME] || !pcie_vf_enabled(dev))
		return -EPERM;
	if (tee && dev->ide_required && dev->link->state != IDE_SECURE)
		return -EPERM;		/* T=1 only on a bound, secure stream */
	switch (dev->tdi.state) {
	case TDISP_ST_CONFIG_UNLOCKED:
		return tee ? -EPERM : 0;
	case TDISP_ST_CONFIG_LOCKED:
		/* DMA was aborted at LOCK; only T=0 interrupts remain */
		return !tee && kind != PCIE_DMA_MEM ? 0 : -EPERM;
	case TDISP_ST_RUN:
		return dma_check_run(dev, kind, tee);
	default:
		return -EPERM;		/* ERROR: the DSM emits nothing */
	}
}

uint64_t pcie_dma_epoch(const struct pcie_dev *dev)
{
	return dev->tdi.dma_epoch;
}

int pcie_dma_completion_check(const struct pcie_dev *dev, uint64_t epoch)
{
	/* H12: the request was aborted when the TDI changed state */
	return epoch == dev->tdi.dma_epoch ? 0 : -EPERM;
}

void pcie_dma_error_completion(struct pcie_dev *dev, uint64_t epoch,
			       const char *cause)
{
	/* a completion of an earlier epoch is rejected, not consumed (H12) */
	if (epoch == dev->tdi.dma_epoch)
		tdisp_security_change(dev, cause);
}
