/* SPDX-License-Identifier: MIT */
/* pcie_internal.h - private layout of the pcie module; only models/pcie/. */
#ifndef TSMSIM_MODELS_PCIE_PCIE_INTERNAL_H
#define TSMSIM_MODELS_PCIE_PCIE_INTERNAL_H

#include "pcie.h"

#define TDISP_MAX_P2P		8
#define TDISP_PORTION_DEFAULT	1024
#define TDISP_NUM_REQ_THIS_DEF	1
#define TDISP_NUM_REQ_ALL_DEF	4
#define PCIE_DEV_INFO_MAX	256
/* RNG streams for nonces: far from the traffic streams (1, 2, ...) */
#define PCIE_RNG_STREAM_BASE	0x7d150000u

/* Sparse 8-byte-word store: open addressing, key = word index + 1. */
struct pcie_store {
	uint64_t *keys;
	uint64_t *vals;
	size_t cap, n;
};

struct pcie_bar {
	bool present;
	struct pcie_bar_cfg cfg;	/* cfg.hpa tracks BAR writes */
	bool live_non_tee;		/* lock-time value, then SET_MMIO_ATTRIBUTE */
	bool attr_pending;
	struct pcie_store store;
};

/*
 * Link state of a PF, shared by its VFs.  Sessions are numbered so that
 * keys can be tied to the session they were programmed on.
 */
struct ide_link {
	uint64_t session;		/* 0: no secure session */
	uint64_t next_session;
	uint64_t keys_session;		/* session the keys were set on; 0 none */
	uint8_t keys_stream;
	enum ide_state state;
	unsigned int default_streams;
	unsigned int tc;
	unsigned int outstanding;	/* requests in flight at the DSM */
	unsigned int num_req_all;
};

struct tdisp_tdi {
	enum tdisp_state state;
	struct sim_rng rng;
	uint8_t nonce[TDISP_NONCE_LEN];		/* DSM copy */
	bool nonce_live;
	uint8_t last_nonce[TDISP_NONCE_LEN];	/* requester copies */
	uint8_t prev_nonce[TDISP_NONCE_LEN];
	uint64_t lock_epoch;			/* successful LOCKs */
	uint64_t lock_session;			/* SPDM session LOCK came on */
	uint64_t dma_epoch;
	uint16_t lock_flags;
	uint8_t stream_id;
	int64_t reporting_offset;
	uint64_t p2p_mask;
	uint8_t *report;
	size_t report_len;
	uint8_t p2p[TDISP_MAX_P2P];
	unsigned int np2p;
	unsigned int outstanding;
	unsigned int num_req_this;
	unsigned int portion_max;
	unsigned int dev_info_len;
	unsigned int fault_busy, fault_drop;
	uint32_t fault_error;
	bool fault_corrupt_nonce;
};

struct pcie_dev {
	struct pcie_fabric *fab;
	struct sim *sim;
	char *name;
	unsigned int index;
	uint16_t segment, rid;
	struct pcie_dev *pf;
	struct pcie_dev **vfs;
	size_t nvfs;
	struct ide_link *link;		/* owned by the PF */
	bool ide_required;
	struct pcie_bar bars[PCIE_MAX_BARS];
	struct pcie_msix_cfg msix;
	uint64_t regs[PCIE_REG_NR];	/* barN mirror bars[N].cfg.hpa */
	struct tdisp_tdi tdi;
};

struct pcie_fabric {
	struct sim *sim;
	struct pcie_dev **devs;
	size_t ndevs;
	unsigned int next_bus;
};

/* tdisp.c */
enum tdisp_event {
	TDISP_EV_LOCK,		/* LOCK_INTERFACE succeeded */
	TDISP_EV_START,		/* START_INTERFACE with the live nonce */
	TDISP_EV_STOP,		/* STOP_INTERFACE */
	TDISP_EV_SEC_CHANGE,	/* the DSM detected a tracked change */
	TDISP_EV_RESET,		/* conventional reset of the device */
	TDISP_EV_NR
};
void tdisp_tdi_init(struct pcie_dev *dev);
void tdisp_tdi_fini(struct pcie_dev *dev);
/* Apply @ev; returns false (and changes nothing) when the table has no row. */
bool tdisp_event(struct pcie_dev *dev, enum tdisp_event ev, const char *cause);
/* A tracked change: locked -> ERROR with @cause; no-op otherwise. */
void tdisp_security_change(struct pcie_dev *dev, const char *cause);

/* report.c */
int tdisp_report_build(struct pcie_dev *dev);

/* device.c */
/* Every register back to its value at creation (conventional reset). */
void pcie_regs_init(struct pcie_dev *dev);

/* ide.c */
struct ide_link *ide_link_create(void);
void ide_link_destroy(struct ide_link *link);
/* Session, keys and stream cleared by a conventional reset (§11.4.8). */
void ide_link_reset(struct pcie_dev *dev);
/* The @i-th function sharing @dev's link (0: the PF, then its VFs), or NULL. */
struct pcie_dev *ide_link_member(struct pcie_dev *dev, size_t i);

/* mmio.c */
void pcie_store_fini(struct pcie_store *st);

static inline struct pcie_dev *pcie_dev_pf_or_self(struct pcie_dev *dev)
{
	return dev->pf ? dev->pf : dev;
}

#endif /* TSMSIM_MODELS_PCIE_PCIE_INTERNAL_H */
