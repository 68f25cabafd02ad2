// SPDX-License-Identifier: MIT
/*
 * tdisp.c - the TDI state machine and the DSM's TDISP responder.
 *
 * Facts: docs/tdisp.md ([TDISP] PCIe r6.x ch. 11, codes from [libspdm]
 * pci_tdisp.h, behaviour cross-checked with the [emu] sample responder).
 * Requests arrive in two halves (tdisp_issue / tdisp_complete) so that a
 * caller with latencies can keep several outstanding and see NUM_REQ /
 * BUSY (H15); checks and state changes happen at completion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcie_internal.h"

/* ------------------------------------------------------------- names */

static const char *const state_names[TDISP_ST_NR] = {
	[TDISP_ST_CONFIG_UNLOCKED] = "CONFIG_UNLOCKED",
	[TDISP_ST_CONFIG_LOCKED] = "CONFIG_LOCKED",
	[TDISP_ST_RUN] = "RUN",
	[TDISP_ST_ERROR] = "ERROR",
};

const char *tdisp_state_name(enum tdisp_state st)
{
	return (unsigned int)st < TDISP_ST_NR ? state_names[st] : "?";
}

int tdisp_state_parse(const char *name)
{
	for (int i = 0; name && i < TDISP_ST_NR; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

static const char *const req_names[] = {
	[TDISP_REQ_GET_VERSION - 0x80] = "GET_TDISP_VERSION",
	[TDISP_REQ_GET_CAPABILITIES - 0x80] = "GET_TDISP_CAPABILITIES",
	[TDISP_REQ_LOCK_INTERFACE - 0x80] = "LOCK_INTERFACE",
	[TDISP_REQ_GET_DEVICE_INTERFACE_REPORT - 0x80] =
		"GET_DEVICE_INTERFACE_REPORT",
	[TDISP_REQ_GET_DEVICE_INTERFACE_STATE - 0x80] =
		"GET_DEVICE_INTERFACE_STATE",
	[TDISP_REQ_START_INTERFACE - 0x80] = "START_INTERFACE",
	[TDISP_REQ_STOP_INTERFACE - 0x80] = "STOP_INTERFACE",
	[TDISP_REQ_BIND_P2P_STREAM - 0x80] = "BIND_P2P_STREAM",
	[TDISP_REQ_UNBIND_P2P_STREAM - 0x80] = "UNBIND_P2P_STREAM",
	[TDISP_REQ_SET_MMIO_ATTRIBUTE - 0x80] = "SET_MMIO_ATTRIBUTE",
	[TDISP_REQ_VDM - 0x80] = "VDM",
	[TDISP_REQ_SET_TDISP_CONFIG - 0x80] = "SET_TDISP_CONFIG",
};
#define REQ_NAMES_NR (sizeof(req_names) / sizeof(req_names[0]))

const char *tdisp_req_name(unsigned int code)
{
	if (code < 0x80 || code - 0x80 >= REQ_NAMES_NR)
		return NULL;
	return req_names[code - 0x80];
}

int tdisp_req_parse(const char *name)
{
	static const char suffix[] = "_REQUEST";
	size_t n, sl = sizeof(suffix) - 1;

	if (!name)
		return -1;
	n = strlen(name);
	if (n > sl && !strcmp(name + n - sl, suffix))
		n -= sl;
	for (unsigned int i = 0; i < REQ_NAMES_NR; i++)
		if (req_names[i] && strlen(req_names[i]) == n &&
		    !strncmp(name, req_names[i], n))
			return (int)(0x80 + i);
	return -1;
}

static const struct {
	uint32_t code;
	const char *name;
} error_names[] = {
	{ TDISP_ERR_NONE, "ok" },
	{ TDISP_ERR_INVALID_REQUEST, "INVALID_REQUEST" },
	{ TDISP_ERR_BUSY, "BUSY" },
	{ TDISP_ERR_INVALID_INTERFACE_STATE, "INVALID_INTERFACE_STATE" },
	{ TDISP_ERR_UNSPECIFIED, "UNSPECIFIED" },
	{ TDISP_ERR_UNSUPPORTED_REQUEST, "UNSUPPORTED_REQUEST" },
	{ TDISP_ERR_VERSION_MISMATCH, "VERSION_MISMATCH" },
	{ TDISP_ERR_VENDOR_SPECIFIC, "VENDOR_SPECIFIC_ERROR" },
	{ TDISP_ERR_INVALID_INTERFACE, "INVALID_INTERFACE" },
	{ TDISP_ERR_INVALID_NONCE, "INVALID_NONCE" },
	{ TDISP_ERR_INSUFFICIENT_ENTROPY, "INSUFFICIENT_ENTROPY" },
	{ TDISP_ERR_INVALID_DEVICE_CONFIGURATION,
	  "INVALID_DEVICE_CONFIGURATION" },
};
#define ERROR_NAMES_NR (sizeof(error_names) / sizeof(error_names[0]))

const char *tdisp_error_name(uint32_t code)
{
	for (size_t i = 0; i < ERROR_NAMES_NR; i++)
		if (error_names[i].code == code)
			return error_names[i].name;
	return NULL;
}

int tdisp_error_parse(const char *name)
{
	/* index 0 is "ok", which is not an error */
	for (size_t i = 1; name && i < ERROR_NAMES_NR; i++)
		if (!strcmp(name, error_names[i].name))
			return (int)error_names[i].code;
	return -1;
}

/* ------------------------------------------------------ state machine */

/**
 * struct tdisp_transition - one row of the TDI state machine.
 * @ok:   the (state, event) pair is legal
 * @to:   the state after it
 * @cite: where the row comes from
 */
struct tdisp_transition {
	bool ok;
	enum tdisp_state to;
	const char *cite;
};

#define ROW(to_, cite_) { .ok = true, .to = (to_), .cite = (cite_) }

/* Unlisted pairs are illegal: the caller answers INVALID_INTERFACE_STATE. */
static const struct tdisp_transition
next_state[TDISP_ST_NR][TDISP_EV_NR] = {
	[TDISP_ST_CONFIG_UNLOCKED][TDISP_EV_LOCK] =
		ROW(TDISP_ST_CONFIG_LOCKED, "[TDISP] §11.1; docs/tdisp.md LOCK_INTERFACE"),
	[TDISP_ST_CONFIG_UNLOCKED][TDISP_EV_STOP] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.1: STOP in UNLOCKED is a no-op"),
	[TDISP_ST_CONFIG_LOCKED][TDISP_EV_START] =
		ROW(TDISP_ST_RUN, "[TDISP] §11.1; docs/tdisp.md START_INTERFACE + nonce"),
	[TDISP_ST_CONFIG_LOCKED][TDISP_EV_STOP] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.1 STOP_INTERFACE"),
	[TDISP_ST_CONFIG_LOCKED][TDISP_EV_SEC_CHANGE] =
		ROW(TDISP_ST_ERROR, "[TDISP] §11.2 Table 11-2"),
	[TDISP_ST_RUN][TDISP_EV_STOP] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.1 STOP_INTERFACE"),
	[TDISP_ST_RUN][TDISP_EV_SEC_CHANGE] =
		ROW(TDISP_ST_ERROR, "[TDISP] §11.2 Table 11-2"),
	[TDISP_ST_ERROR][TDISP_EV_STOP] =
		ROW(TDISP_ST_CONFIG_UNLOCKED,
		    "[TDISP] §11.1; docs/tdisp.md: ERROR leaves only on STOP"),
	/* §11.4.8: a conventional reset unlocks every TDI, whatever its state */
	[TDISP_ST_CONFIG_UNLOCKED][TDISP_EV_RESET] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.4.8"),
	[TDISP_ST_CONFIG_LOCKED][TDISP_EV_RESET] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.4.8"),
	[TDISP_ST_RUN][TDISP_EV_RESET] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.4.8"),
	[TDISP_ST_ERROR][TDISP_EV_RESET] =
		ROW(TDISP_ST_CONFIG_UNLOCKED, "[TDISP] §11.4.8"),
};

void tdisp_tdi_init(struct pcie_dev *dev)
{
	struct tdisp_tdi *t = &dev->tdi;

	t->state = TDISP_ST_CONFIG_UNLOCKED;
	/* per device, per seed: reproducible nonces */
	sim_rng_init(&t->rng, dev->sim ? sim_seed(dev->sim) : 1,
		     PCIE_RNG_STREAM_BASE + dev->index);
}

void tdisp_tdi_fini(struct pcie_dev *dev)
{
	free(dev->tdi.report);
	dev->tdi.report = NULL;
}

static void emit_state(struct pcie_dev *dev, enum tdisp_state from,
		       enum tdisp_state to, const char *cause)
{
	struct sim_rec rec = { .type = SIM_REC_TDI_STATE };

	if (!dev->sim || !sim_trace_wanted(dev->sim, SIM_REC_TDI_STATE))
		return;
	rec.u.tdi.device = dev->name;
	rec.u.tdi.from = (int)from;
	rec.u.tdi.to = (int)to;
	rec.u.tdi.from_name = tdisp_state_name(from);
	rec.u.tdi.to_name = tdisp_state_name(to);
	rec.u.tdi.cause = cause;
	sim_trace_emit(dev->sim, &rec);
}

/*
 * STOP scrubs before it answers (docs/tdisp.md "STOP"): the nonce, the P2P
 * bindings and the SET_MMIO_ATTRIBUTE overrides are gone; in UNLOCKED the
 * ranges have no TEE split, so the attributes fall back to configuration.
 */
static void tdi_scrub(struct pcie_dev *dev)
{
	struct tdisp_tdi *t = &dev->tdi;

	memset(t->nonce, 0, sizeof(t->nonce));
	t->nonce_live = false;
	t->np2p = 0;
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++) {
		dev->bars[i].live_non_tee = dev->bars[i].cfg.non_tee;
		dev->bars[i].attr_pending = false;
	}
}

bool tdisp_event(struct pcie_dev *dev, enum tdisp_event ev, const char *cause)
{
	struct tdisp_tdi *t = &dev->tdi;
	enum tdisp_state from = t->state;
	const struct tdisp_transition *tr;

	TSM_BUG_ON((unsigned int)ev >= TDISP_EV_NR);
	tr = &next_state[from][ev];
	if (!tr->ok)
		return false;
	if (tr->to == from)
		return true;		/* STOP in UNLOCKED */
	/* the nonce dies on leaving LOCKED for UNLOCKED or ERROR */
	if (from == TDISP_ST_CONFIG_LOCKED && tr->to != TDISP_ST_RUN) {
		memset(t->nonce, 0, sizeof(t->nonce));
		t->nonce_live = false;
	}
	if (tr->to == TDISP_ST_CONFIG_UNLOCKED)
		tdi_scrub(dev);
	/* LOCK, STOP and ERROR entry all abort in-flight DMA (H12) */
	t->dma_epoch++;
	t->state = tr->to;
	emit_state(dev, from, tr->to, cause);
	return true;
}

void tdisp_security_change(struct pcie_dev *dev, const char *cause)
{
	if (tdisp_is_locked(dev))
		tdisp_event(dev, TDISP_EV_SEC_CHANGE, cause);
}

enum tdisp_state tdisp_state(const struct pcie_dev *dev)
{
	return dev->tdi.state;
}

bool tdisp_is_locked(const struct pcie_dev *dev)
{
	return dev->tdi.state == TDISP_ST_CONFIG_LOCKED ||
	       dev->tdi.state == TDISP_ST_RUN;
}

/* ------------------------------------------------------------- nonce */

int tdisp_nonce_get(const struct pcie_dev *dev, enum tdisp_nonce_kind kind,
		    uint8_t out[TDISP_NONCE_LEN])
{
	const struct tdisp_tdi *t = &dev->tdi;

	switch (kind) {
	case TDISP_NONCE_VALID:
	case TDISP_NONCE_WRONG:
		if (!t->lock_epoch)
			return -ENOENT;
		for (unsigned int i = 0; i < TDISP_NONCE_LEN; i++)
			out[i] = kind == TDISP_NONCE_WRONG ?
					 (uint8_t)~t->last_nonce[i] :
					 t->last_nonce[i];
		return 0;
	case TDISP_NONCE_STALE:
		if (t->lock_epoch < 2)
			return -ENOENT;
		memcpy(out, t->prev_nonce, TDISP_NONCE_LEN);
		return 0;
	}
	return -EINVAL;
}

bool tdisp_nonce_live(const struct pcie_dev *dev)
{
	return dev->tdi.nonce_live;
}

uint64_t tdisp_lock_epoch(const struct pcie_dev *dev)
{
	return dev->tdi.lock_epoch;
}

static void nonce_generate(struct tdisp_tdi *t)
{
	for (unsigned int i = 0; i < TDISP_NONCE_LEN; i += 8) {
		uint64_t r = sim_rng_next(&t->rng);

		for (unsigned int b = 0; b < 8; b++)
			t->nonce[i + b] = (uint8_t)(r >> (8 * b));
	}
	if (t->lock_epoch)
		memcpy(t->prev_nonce, t->last_nonce, TDISP_NONCE_LEN);
	memcpy(t->last_nonce, t->nonce, TDISP_NONCE_LEN);
	t->nonce_live = true;
}

/* ------------------------------------------------------------- faults */

void tdisp_fault_busy(struct pcie_dev *dev, unsigned int n)
{
	dev->tdi.fault_busy += n;
}

void tdisp_fault_drop(struct pcie_dev *dev, unsigned int n)
{
	dev->tdi.fault_drop += n;
}

int tdisp_fault_error(struct pcie_dev *dev, uint32_t code)
{
	if (!code || !tdisp_error_name(code))
		return -EINVAL;
	dev->tdi.fault_error = code;
	return 0;
}

void tdisp_fault_corrupt_nonce(struct pcie_dev *dev)
{
	dev->tdi.fault_corrupt_nonce = true;
}

/* ---------------------------------------------------------- handlers */

/*
 * LOCK_INTERFACE preconditions ([TDISP] §11.3.8 and Table 11-12): no keys
 * for the default stream named by DEFAULT_STREAM_ID, or keys set on
 * another SPDM session, is INVALID_REQUEST (as Intel's tee-io-validator
 * lock test 3.2 expects); every other configuration failure is
 * INVALID_DEVICE_CONFIGURATION.
 */
static bool bar_size_ok(uint64_t size)
{
	return size >= PCIE_PAGE_SIZE && !(size & (size - 1)) &&
	       size / PCIE_PAGE_SIZE <= UINT32_MAX;
}

static bool bars_overlap(const struct pcie_dev *dev)
{
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++) {
		const struct pcie_bar_cfg *a = &dev->bars[i].cfg;

		if (!dev->bars[i].present)
			continue;
		for (unsigned int j = i + 1; j < PCIE_MAX_BARS; j++) {
			const struct pcie_bar_cfg *b = &dev->bars[j].cfg;

			if (dev->bars[j].present && a->hpa < b->hpa + b->size &&
			    b->hpa < a->hpa + a->size)
				return true;
		}
	}
	return false;
}

static uint32_t lock_check_config(const struct pcie_dev *dev,
				  const struct tdisp_request *req)
{
	const struct ide_link *link = dev->link;

	if (dev->ide_required) {
		if (!ide_keys_valid(dev, req->stream_id))
			return TDISP_ERR_INVALID_REQUEST;
		if (link->state != IDE_SECURE)
			return TDISP_ERR_INVALID_DEVICE_CONFIGURATION;
		if (link->default_streams > 1 || link->tc != 0)
			return TDISP_ERR_INVALID_DEVICE_CONFIGURATION;
	}
	if (dev->regs[PCIE_REG_DEVCTL] & PCIE_DEVCTL_PHANTOM)
		return TDISP_ERR_INVALID_DEVICE_CONFIGURATION;
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++)
		if (dev->bars[i].present && !bar_size_ok(dev->bars[i].cfg.size))
			return TDISP_ERR_INVALID_DEVICE_CONFIGURATION;
	if (bars_overlap(dev))
		return TDISP_ERR_INVALID_DEVICE_CONFIGURATION;
	return 0;
}

static uint32_t do_lock(struct pcie_dev *dev, const struct tdisp_request *req,
			struct tdisp_response *rsp)
{
	struct tdisp_tdi *t = &dev->tdi;
	uint32_t err;

	if (req->flags & ~TDISP_LOCK_FLAGS_MASK)
		return TDISP_ERR_INVALID_REQUEST;
	err = lock_check_config(dev, req);
	if (err)
		return err;
	t->lock_flags = req->flags;
	t->stream_id = req->stream_id;
	t->reporting_offset = req->mmio_reporting_offset;
	t->p2p_mask = req->bind_p2p_address_mask;
	/* IS_NON_TEE_MEM is the value at lock time */
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++)
		dev->bars[i].live_non_tee = dev->bars[i].cfg.non_tee;
	if (tdisp_report_build(dev))
		return TDISP_ERR_UNSPECIFIED;
	nonce_generate(t);
	t->lock_epoch++;
	t->lock_session = dev->link->session;	/* §11.4.5 */
	tdisp_event(dev, TDISP_EV_LOCK, "LOCK_INTERFACE");
	memcpy(rsp->nonce, t->nonce, TDISP_NONCE_LEN);
	return 0;
}

static uint32_t do_report(struct pcie_dev *dev, const struct tdisp_request *req,
			  struct tdisp_response *rsp)
{
	const struct tdisp_tdi *t = &dev->tdi;
	size_t avail, portion;

	if (req->offset > t->report_len)
		return TDISP_ERR_INVALID_REQUEST;
	avail = t->report_len - req->offset;
	portion = req->length ? req->length : t->portion_max;
	if (portion > t->portion_max)
		portion = t->portion_max;
	if (portion > avail)
		portion = avail;
	memcpy(rsp->report, t->report + req->offset, portion);
	rsp->portion_length = (uint16_t)portion;
	rsp->remainder_length = (uint16_t)(avail - portion);
	return 0;
}

static uint32_t do_start(struct pcie_dev *dev, const struct tdisp_request *req,
			 struct tdisp_response *rsp)
{
	struct tdisp_tdi *t = &dev->tdi;
	uint8_t got[TDISP_NONCE_LEN];

	memcpy(got, req->nonce, sizeof(got));
	if (t->fault_corrupt_nonce) {
		got[0] ^= 1;		/* one bit flipped in transit */
		t->fault_corrupt_nonce = false;
	}
	if (!t->nonce_live || memcmp(got, t->nonce, sizeof(got)))
		return TDISP_ERR_INVALID_NONCE;	/* no state change */
	/* consumed: a replay of the same nonce can never start again */
	memset(t->nonce, 0, sizeof(t->nonce));
	t->nonce_live = false;
	tdisp_event(dev, TDISP_EV_START, "START_INTERFACE");
	return 0;
}

static uint32_t do_stop(struct pcie_dev *dev, const struct tdisp_request *req,
			struct tdisp_response *rsp)
{
	tdisp_event(dev, TDISP_EV_STOP, "STOP_INTERFACE");
	return 0;
}

static int p2p_find(const struct tdisp_tdi *t, uint8_t id)
{
	for (unsigned int i = 0; i < t->np2p; i++)
		if (t->p2p[i] == id)
			return (int)i;
	return -1;
}

/* [TDISP] §11.3.18: only when LOCK allowed P2P binding (H8) */
static uint32_t do_bind_p2p(struct pcie_dev *dev,
			    const struct tdisp_request *req,
			    struct tdisp_response *rsp)
{
	struct tdisp_tdi *t = &dev->tdi;

	if (!(t->lock_flags & TDISP_LOCK_BIND_P2P) ||
	    p2p_find(t, req->p2p_stream_id) >= 0 || t->np2p == TDISP_MAX_P2P)
		return TDISP_ERR_INVALID_REQUEST;
	t->p2p[t->np2p++] = req->p2p_stream_id;
	return 0;
}

static uint32_t do_unbind_p2p(struct pcie_dev *dev,
			      const struct tdisp_request *req,
			      struct tdisp_response *rsp)
{
	struct tdisp_tdi *t = &dev->tdi;
	int i = p2p_find(t, req->p2p_stream_id);

	if (i < 0)
		return TDISP_ERR_INVALID_REQUEST;
	t->p2p[i] = t->p2p[--t->np2p];
	return 0;
}

/*
 * SET_MMIO_ATTRIBUTE ([TDISP] §11.3.22, Tables 11-24 and 11-25, H14).
 * INVALID_REQUEST when the Range ID is not an updatable range of the
 * TDI, the MMIO_RANGE is not the one its report gives (FIRST_PAGE and
 * number of pages of the latest LOCK), or an attribute bit other than
 * IS_NON_TEE_MEM is set.  The model updates whole ranges.  The new
 * attribute takes effect when the response is produced; while the request
 * is outstanding the old behaviour holds, which is one of the behaviours
 * the spec allows in the pending window (going non-TEE: T=0 still
 * rejected; going TEE: T=0 still served).
 */
static uint32_t do_set_mmio_attr(struct pcie_dev *dev,
				 const struct tdisp_request *req,
				 struct tdisp_response *rsp)
{
	uint64_t first;
	uint32_t pages;

	if (req->range_id >= PCIE_MAX_BARS ||
	    !dev->bars[req->range_id].cfg.mem_attr_updatable ||
	    tdisp_report_range_of(dev, req->range_id, &first, &pages))
		return TDISP_ERR_INVALID_REQUEST;
	if (req->mmio_first_page != first || req->mmio_num_pages != pages ||
	    (req->mmio_attr & ~TDISP_RANGE_NON_TEE))
		return TDISP_ERR_INVALID_REQUEST;
	dev->bars[req->range_id].live_non_tee =
		!!(req->mmio_attr & TDISP_RANGE_NON_TEE);
	return 0;
}

static uint32_t do_version(struct pcie_dev *dev,
			   const struct tdisp_request *req,
			   struct tdisp_response *rsp)
{
	rsp->tdisp_version = TDISP_VERSION_10;
	return 0;
}

static uint32_t do_caps(struct pcie_dev *dev, const struct tdisp_request *req,
			struct tdisp_response *rsp)
{
	rsp->dsm_caps = 0;
	rsp->lock_flags_supported = TDISP_LOCK_FLAGS_MASK;
	rsp->dev_addr_width = 52;
	rsp->num_req_this = (uint8_t)dev->tdi.num_req_this;
	rsp->num_req_all = (uint8_t)dev->link->num_req_all;
	/* bit (code - 0x80) per request handled: GET_VERSION .. SET_MMIO */
	for (unsigned int c = TDISP_REQ_GET_VERSION;
	     c <= TDISP_REQ_SET_MMIO_ATTRIBUTE; c++)
		rsp->req_msgs_supported |= 1ull << (c - 0x80);
	return 0;
}

static uint32_t do_state(struct pcie_dev *dev, const struct tdisp_request *req,
			 struct tdisp_response *rsp)
{
	rsp->tdi_state = (uint8_t)dev->tdi.state;
	return 0;
}

typedef uint32_t tdisp_handler_fn(struct pcie_dev *dev,
				  const struct tdisp_request *req,
				  struct tdisp_response *rsp);

#define S_UNL (1u << TDISP_ST_CONFIG_UNLOCKED)
#define S_LCK (1u << TDISP_ST_CONFIG_LOCKED)
#define S_RUN (1u << TDISP_ST_RUN)
#define S_ERR (1u << TDISP_ST_ERROR)
#define S_ANY (S_UNL | S_LCK | S_RUN | S_ERR)

/* Legal states per request: docs/tdisp.md "Requests: legal states and answers". */
static const struct {
	unsigned int states;
	tdisp_handler_fn *fn;
} handlers[] = {
	[TDISP_REQ_GET_VERSION - 0x80] = { S_ANY, do_version },
	[TDISP_REQ_GET_CAPABILITIES - 0x80] = { S_ANY, do_caps },
	[TDISP_REQ_LOCK_INTERFACE - 0x80] = { S_UNL, do_lock },
	/* the spec's error table says "not LOCKED"; RUN is legal too */
	[TDISP_REQ_GET_DEVICE_INTERFACE_REPORT - 0x80] =
		{ S_LCK | S_RUN, do_report },
	[TDISP_REQ_GET_DEVICE_INTERFACE_STATE - 0x80] = { S_ANY, do_state },
	[TDISP_REQ_START_INTERFACE - 0x80] = { S_LCK, do_start },
	[TDISP_REQ_STOP_INTERFACE - 0x80] = { S_ANY, do_stop },
	[TDISP_REQ_BIND_P2P_STREAM - 0x80] = { S_RUN, do_bind_p2p },
	[TDISP_REQ_UNBIND_P2P_STREAM - 0x80] = { S_RUN, do_unbind_p2p },
	[TDISP_REQ_SET_MMIO_ATTRIBUTE - 0x80] = { S_RUN, do_set_mmio_attr },
};
#define HANDLERS_NR (sizeof(handlers) / sizeof(handlers[0]))

/* ----------------------------------------------------------- transport */

void tdisp_num_req(const struct pcie_dev *dev, unsigned int *this_tdi,
		   unsigned int *all)
{
	*this_tdi = dev->tdi.num_req_this;
	*all = dev->link->num_req_all;
}

uint32_t tdisp_function_id(const struct pcie_dev *dev)
{
	return TDISP_FUNCTION_ID_SEG_VALID | (uint32_t)(dev->segment & 0xff) << 16 |
	       dev->rid;
}

static bool function_id_matches(const struct pcie_dev *dev, uint32_t fid)
{
	if ((fid & 0xffff) != dev->rid)
		return false;
	if ((fid & TDISP_FUNCTION_ID_SEG_VALID) &&
	    ((fid >> 16) & 0xff) != (dev->segment & 0xffu))
		return false;
	return true;
}

void tdisp_request_init(struct tdisp_request *req, const struct pcie_dev *dev,
			unsigned int code)
{
	memset(req, 0, sizeof(*req));
	req->version = TDISP_VERSION_10;
	req->code = (uint8_t)code;
	req->function_id = tdisp_function_id(dev);
}

/* Header checks, then the request's legal states, then the handler. */
static uint32_t dispatch(struct pcie_dev *dev, const struct tdisp_request *req,
			 struct tdisp_response *rsp)
{
	unsigned int idx = (unsigned int)req->code - 0x80;

	if (req->version != TDISP_VERSION_10)
		return TDISP_ERR_VERSION_MISMATCH;
	if (req->code < 0x80 || idx >= HANDLERS_NR || !handlers[idx].fn)
		return TDISP_ERR_UNSUPPORTED_REQUEST;
	/* a VF whose PF has VF Enable clear does not exist (Table 11-27) */
	if (!function_id_matches(dev, req->function_id) || !pcie_vf_enabled(dev))
		return TDISP_ERR_INVALID_INTERFACE;
	if (!(handlers[idx].states & (1u << dev->tdi.state)))
		return TDISP_ERR_INVALID_INTERFACE_STATE;
	return handlers[idx].fn(dev, req, rsp);
}

static void answer_error(struct tdisp_response *rsp, uint32_t err)
{
	uint8_t req = rsp->req;

	/* an error response carries nothing but the code */
	memset(rsp, 0, sizeof(*rsp));
	rsp->req = req;
	rsp->code = TDISP_RSP_ERROR;
	rsp->error = err;
}

int tdisp_issue(struct pcie_dev *dev, const struct tdisp_request *req,
		struct tdisp_response *rsp)
{
	struct tdisp_tdi *t;

	if (!dev || !req || !rsp)
		return -EINVAL;
	t = &dev->tdi;
	memset(rsp, 0, sizeof(*rsp));
	rsp->req = req->code;
	/* unsecured messages are ignored: the requester times out (H15) */
	if (!ide_has_session(dev) || t->fault_drop) {
		if (ide_has_session(dev))
			t->fault_drop--;
		rsp->dropped = true;
		return 0;
	}
	if (t->fault_busy || t->outstanding >= t->num_req_this ||
	    dev->link->outstanding >= dev->link->num_req_all) {
		if (t->fault_busy)
			t->fault_busy--;
		answer_error(rsp, TDISP_ERR_BUSY);
		return 0;
	}
	t->outstanding++;
	dev->link->outstanding++;
	if (req->code == TDISP_REQ_SET_MMIO_ATTRIBUTE &&
	    req->range_id < PCIE_MAX_BARS)
		dev->bars[req->range_id].attr_pending = true;
	rsp->pending = true;
	return 0;
}

int tdisp_complete(struct pcie_dev *dev, const struct tdisp_request *req,
		   struct tdisp_response *rsp)
{
	struct tdisp_tdi *t;
	uint32_t err;

	if (!dev || !req || !rsp || !dev->tdi.outstanding)
		return -EINVAL;
	t = &dev->tdi;
	TSM_BUG_ON(!dev->link->outstanding);
	t->outstanding--;
	dev->link->outstanding--;
	if (req->code == TDISP_REQ_SET_MMIO_ATTRIBUTE &&
	    req->range_id < PCIE_MAX_BARS)
		dev->bars[req->range_id].attr_pending = false;
	memset(rsp, 0, sizeof(*rsp));
	rsp->req = req->code;
	if (t->fault_error) {
		err = t->fault_error;
		t->fault_error = 0;
	} else {
		err = dispatch(dev, req, rsp);
	}
	if (err) {
		answer_error(rsp, err);
		return 0;
	}
	rsp->code = (uint8_t)(req->code - 0x80);
	return 0;
}

int tdisp_handle(struct pcie_dev *dev, const struct tdisp_request *req,
		 struct tdisp_response *rsp)
{
	int ret = tdisp_issue(dev, req, rsp);

	if (ret || !rsp->pending)
		return ret;
	return tdisp_complete(dev, req, rsp);
}

/* ------------------------------------------------------------ response */

const char *tdisp_response_result(const struct tdisp_response *rsp)
{
	const char *n;

	if (rsp->dropped)
		return "dropped";
	n = tdisp_error_name(rsp->error);
	return n ? n : "UNSPECIFIED";
}

struct rsp_field {
	const char *name;
	uint8_t req;		/* 0: any successful response */
	size_t off;		/* offsetof in struct tdisp_response */
	unsigned int width;	/* bytes */
};

#define F(n, r, m) { n, r, offsetof(struct tdisp_response, m), \
		     sizeof(((struct tdisp_response *)0)->m) }
static const struct rsp_field rsp_fields[] = {
	F("VERSION_NUM_ENTRY", TDISP_REQ_GET_VERSION, tdisp_version),
	F("DSM_CAPS", TDISP_REQ_GET_CAPABILITIES, dsm_caps),
	F("LOCK_INTERFACE_FLAGS_SUPPORTED", TDISP_REQ_GET_CAPABILITIES,
	  lock_flags_supported),
	F("DEV_ADDR_WIDTH", TDISP_REQ_GET_CAPABILITIES, dev_addr_width),
	F("NUM_REQ_THIS", TDISP_REQ_GET_CAPABILITIES, num_req_this),
	F("NUM_REQ_ALL", TDISP_REQ_GET_CAPABILITIES, num_req_all),
	F("REQ_MSGS_SUPPORTED", TDISP_REQ_GET_CAPABILITIES, req_msgs_supported),
	F("TDI_STATE", TDISP_REQ_GET_DEVICE_INTERFACE_STATE, tdi_state),
	F("PORTION_LENGTH", TDISP_REQ_GET_DEVICE_INTERFACE_REPORT,
	  portion_length),
	F("REMAINDER_LENGTH", TDISP_REQ_GET_DEVICE_INTERFACE_REPORT,
	  remainder_length),
};
#undef F

static uint64_t load_field(const struct tdisp_response *rsp,
			   const struct rsp_field *f)
{
	const uint8_t *p = (const uint8_t *)rsp + f->off;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->width) {
	case 1: memcpy(&v8, p, 1); return v8;
	case 2: memcpy(&v16, p, 2); return v16;
	case 4: memcpy(&v32, p, 4); return v32;
	default: memcpy(&v64, p, 8); return v64;
	}
}

int tdisp_response_field(const struct tdisp_response *rsp, const char *name,
			 uint64_t *out)
{
	if (!rsp || !name || !out || rsp->dropped || rsp->pending)
		return -ENOENT;
	if (!strcmp(name, "MESSAGE_TYPE")) {
		*out = rsp->code;
		return 0;
	}
	if (rsp->code == TDISP_RSP_ERROR) {
		if (strcmp(name, "ERROR_CODE") && strcmp(name, "ERROR_DATA"))
			return -ENOENT;
		*out = name[6] == 'C' ? rsp->error : rsp->error_data;
		return 0;
	}
	if (!strcmp(name, "VERSION_NUM_COUNT") &&
	    rsp->req == TDISP_REQ_GET_VERSION) {
		*out = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(rsp_fields) / sizeof(rsp_fields[0]); i++)
		if (rsp_fields[i].req == rsp->req &&
		    !strcmp(rsp_fields[i].name, name)) {
			*out = load_field(rsp, &rsp_fields[i]);
			return 0;
		}
	return -ENOENT;
}
