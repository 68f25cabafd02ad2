/* SPDX-License-Identifier: MIT */
/*
 * pcie.h - PCIe functions, their config registers, the TDI of each
 * function with its TDISP responder (the DSM side), the interface report,
 * the per-PF SPDM session and IDE stream, inbound MMIO decode with a BAR
 * backing store, and the DMA rules a TDI obeys.
 *
 * Facts: docs/tdisp.md ([TDISP] PCIe r6.x ch. 11, [libspdm]
 * include/industry_standard/pci_tdisp.h, [emu] spdm-emu
 * pci_tdisp_device_lib_sample) and hazards H5, H6, H9-H12, H14, H15.
 *
 * Object model.  A struct pcie_fabric owns every function.  Each function
 * (PF or VF) is one TDI (docs/scenarios.md).  A PF owns the link state:
 * the SPDM session, the IDE keys and the IDE stream; its VFs share it
 * (TDISP messages travel over DOE on function 0 [TDISP]).
 *
 * Prefixes: pcie_ for functions, config, MMIO and DMA; tdisp_ for the TDI
 * and the protocol; ide_ for the session and stream.
 *
 * Modelled faults are results (a TDISP error code, SIM_RES_UR, -EPERM from
 * the DMA check); -errno from any other call is API misuse.
 */
#ifndef TSMSIM_MODELS_PCIE_PCIE_H
#define TSMSIM_MODELS_PCIE_PCIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

struct pcie_fabric;
struct pcie_dev;

#define PCIE_MAX_BARS		6
#define PCIE_PAGE_SIZE		4096u	/* TDISP reports ranges in 4 KiB pages */

/* ------------------------------------------------------------ functions */

/**
 * struct pcie_bar_cfg - one memory BAR.
 * @index:   BAR number 0..5; also the report's range_id
 * @size:    bytes; a power of two >= 4 KiB to be lockable
 * @hpa:     host physical base (0 allowed: the builder assigns one)
 * @non_tee: IS_NON_TEE_MEM reported for this range at LOCK
 * @mem_attr_updatable: IS_MEM_ATTR_UPDATABLE: SET_MMIO_ATTRIBUTE may flip it
 */
struct pcie_bar_cfg {
	unsigned int index;
	uint64_t size;
	uint64_t hpa;
	bool non_tee;
	bool mem_attr_updatable;
};

/**
 * struct pcie_msix_cfg - where the MSI-X table lives.
 * @present: the function has MSI-X
 * @bar, @offset, @size: the table's BAR, offset in it, size in bytes
 *           (16 bytes per vector)
 */
struct pcie_msix_cfg {
	bool present;
	unsigned int bar;
	uint64_t offset, size;
};

/**
 * struct pcie_dev_cfg - what the platform builder knows about a function.
 * @name:     unique; used in traces
 * @bdf:      "SSSS:BB:DD.F" or "BB:DD.F"; NULL: the fabric assigns one
 * @pf:       name of the PF when this function is a VF, else NULL; the PF
 *            must already have been added
 * @bars:     @nbars BARs, distinct indices
 * @msix:     the MSI-X table, if any
 * @ide:      IDE is required: LOCK needs default-stream keys and T=1
 *            requests must arrive on the bound stream
 * @num_req_this: TDISP NUM_REQ_THIS (0: 1)
 * @num_req_all:  TDISP NUM_REQ_ALL for the PF's DSM (0: 4; PF only)
 * @report_portion_max: largest GET_DEVICE_INTERFACE_REPORT portion the
 *            DSM returns (0: 1024)
 * @dev_info_len: bytes of device-specific information appended to the
 *            interface report (deterministic filler, <= 256)
 */
struct pcie_dev_cfg {
	const char *name;
	const char *bdf;
	const char *pf;
	struct pcie_bar_cfg bars[PCIE_MAX_BARS];
	unsigned int nbars;
	struct pcie_msix_cfg msix;
	bool ide;
	unsigned int num_req_this;
	unsigned int num_req_all;
	unsigned int report_portion_max;
	unsigned int dev_info_len;
};

/**
 * pcie_fabric_create() - an empty fabric bound to @s (traces, RNG seed).
 * Returns NULL when out of memory.
 */
struct pcie_fabric *pcie_fabric_create(struct sim *s);
/** pcie_fabric_destroy() - free the fabric and every function in it. */
void pcie_fabric_destroy(struct pcie_fabric *fab);

/**
 * pcie_dev_add() - add a function.
 * @out: the new function (may be NULL)
 *
 * Returns 0, -EINVAL (bad BDF or BAR, VF of a VF, MSI-X table outside its
 * BAR), -EEXIST (name or RID taken), -ENOENT (@cfg->pf unknown).
 * The TDI starts CONFIG_UNLOCKED with MSE and BME set.
 */
int pcie_dev_add(struct pcie_fabric *fab, const struct pcie_dev_cfg *cfg,
		 struct pcie_dev **out);
/** pcie_dev_find() - a function by name, or NULL. */
struct pcie_dev *pcie_dev_find(const struct pcie_fabric *fab, const char *name);
/** pcie_dev_count() / pcie_dev_at() - iterate in insertion order. */
size_t pcie_dev_count(const struct pcie_fabric *fab);
struct pcie_dev *pcie_dev_at(const struct pcie_fabric *fab, size_t i);

/**
 * pcie_fabric_decode_hpa() - which function and BAR an HPA lands in.
 * Returns 0 and fills @dev, @bar, @offset, or -ENOENT.  Uses the BAR
 * bases as currently programmed (a BAR write moves the BAR).
 */
int pcie_fabric_decode_hpa(const struct pcie_fabric *fab, uint64_t hpa,
			   struct pcie_dev **dev, unsigned int *bar,
			   uint64_t *offset);

const char *pcie_dev_name(const struct pcie_dev *dev);
/** pcie_dev_pf() - the PF of a VF, or NULL for a PF. */
struct pcie_dev *pcie_dev_pf(const struct pcie_dev *dev);
uint16_t pcie_dev_segment(const struct pcie_dev *dev);
/** pcie_dev_rid() - requester ID: bus << 8 | dev << 3 | fn. */
uint16_t pcie_dev_rid(const struct pcie_dev *dev);
/** pcie_dev_bar() - the BAR as now programmed; -ENOENT when absent. */
int pcie_dev_bar(const struct pcie_dev *dev, unsigned int index,
		 struct pcie_bar_cfg *out);
const struct pcie_msix_cfg *pcie_dev_msix(const struct pcie_dev *dev);

/**
 * pcie_bdf_parse() - "SSSS:BB:DD.F" or "BB:DD.F" (hex) to segment and RID.
 * Returns 0 or -EINVAL (syntax, device > 0x1f, function > 7, trailing text).
 */
int pcie_bdf_parse(const char *s, uint16_t *segment, uint16_t *rid);
/** pcie_bdf_format() - the inverse, "SSSS:BB:DD.F"; @buf >= 13 bytes. */
void pcie_bdf_format(uint16_t segment, uint16_t rid, char *buf, size_t len);

/* ------------------------------------------------------- config space */

/*
 * The config registers the scenario contract names (vfio.config_write
 * `reg:`).  Values: barN = the new base address; command.mse/bme = 0 or 1;
 * msix = MSI-X message control; devctl = PCIE_DEVCTL_* model bits;
 * rebar, sriov, pasid = opaque control values; ide = IDE stream control
 * (bit 0 enable: writing 0 disables the stream, which goes Insecure).
 */
enum pcie_reg {
	PCIE_REG_BAR0,
	PCIE_REG_BAR1,
	PCIE_REG_BAR2,
	PCIE_REG_BAR3,
	PCIE_REG_BAR4,
	PCIE_REG_BAR5,
	PCIE_REG_CMD_MSE,
	PCIE_REG_CMD_BME,
	PCIE_REG_MSIX,
	PCIE_REG_DEVCTL,
	PCIE_REG_REBAR,
	PCIE_REG_SRIOV,
	PCIE_REG_PASID,
	PCIE_REG_IDE,
	PCIE_REG_NR
};
/** pcie_reg_name() - "bar0" .. "ide", the contract's names. */
const char *pcie_reg_name(enum pcie_reg reg);
/** pcie_reg_parse() - the enum for a contract name, or -1. */
int pcie_reg_parse(const char *name);

/*
 * SR-IOV Control bits the model keeps in `sriov` of a PF with VFs
 * (PCIe r6.x §9.3.3.3: VF Enable bit 0, VF Memory Space Enable bit 3; both
 * reset to 0, and a PF FLR resets them: the VFs stop existing).  A PF
 * with VFs starts with both set: the host enabled SR-IOV.
 */
#define PCIE_SRIOV_VF_ENABLE	(1u << 0)
#define PCIE_SRIOV_VF_MSE	(1u << 3)

/*
 * Device Control bits TDISP tracks ([TDISP] Table 11-2).  Model bits, not
 * the register's real layout (10-bit tag lives in Device Control 2).
 */
#define PCIE_DEVCTL_EXT_TAG	(1u << 0)
#define PCIE_DEVCTL_PHANTOM	(1u << 1)
#define PCIE_DEVCTL_FLR		(1u << 2)	/* initiate FLR; reads 0 */
#define PCIE_DEVCTL_NO_SNOOP	(1u << 3)
#define PCIE_DEVCTL_10BIT_TAG	(1u << 4)
#define PCIE_DEVCTL_MASK	0x1fu

/**
 * pcie_config_write() - a config write from the host (vfio.config_write).
 * @value:     the value written; ignored when !@has_value
 * @has_value: false: command.mse/bme write 0 (the hazardous clear), every
 *             other register is rewritten with its current value
 *
 * The write always completes (the host is not told, H5).  When the TDI is
 * CONFIG_LOCKED or RUN and the register is one [TDISP] Table 11-2 lists,
 * the TDI goes to ERROR: any write to barN, msix, devctl, rebar, sriov,
 * pasid (the DSM tracks the registers, it does not diff values); msix
 * only when LOCK set LOCK_MSIX (Table 11-2: "if the MSI-X table was locked
 * and reported"); a write to a PF's sriov also errors every VF TDI of the
 * PF (the SR-IOV capability configures the VFs); a write to ide errors
 * every locked TDI on the stream; command.mse/bme only when it clears the
 * bit.  A devctl write with PCIE_DEVCTL_FLR set also starts an FLR.  Returns 0 or -EINVAL (bad @reg, BAR absent, BAR base not
 * 4 KiB aligned).
 */
int pcie_config_write(struct pcie_dev *dev, enum pcie_reg reg, uint64_t value,
		      bool has_value);
/** pcie_config_read() - current value of @reg; -EINVAL when bad. */
int pcie_config_read(const struct pcie_dev *dev, enum pcie_reg reg,
		     uint64_t *value);

/**
 * pcie_flr() - Function Level Reset (vfio.reset).
 * A PF FLR resets the PF and every VF; a VF FLR only that VF ([TDISP]
 * Table 11-2, §11.4.9, H9).  Each reset function that is CONFIG_LOCKED or
 * RUN goes to ERROR (ERROR stays ERROR: only STOP leaves it); MSE and BME
 * are cleared, devctl returns to its reset value, in-flight DMA is
 * aborted; a PF's sriov returns to 0, so VF Enable is clear and its VFs
 * decode nothing and issue nothing until it is set again.  BAR bases and
 * the MMIO backing store are kept: VFIO restores the BARs from saved state
 * and device memory is not config space.
 */
void pcie_flr(struct pcie_dev *dev);

/**
 * pcie_conventional_reset() - a cold, warm or hot reset of the device
 * that holds @dev (its PF and every VF).  [TDISP] §11.4.8: every TDI goes
 * to CONFIG_UNLOCKED (not ERROR) with its secrets scrubbed, the SPDM
 * session and the IDE keys are gone (the stream is Insecure), every
 * register returns to its initial value (MSE and BME clear, VF Enable
 * clear).  The BAR bases are kept, as after an FLR.
 */
void pcie_conventional_reset(struct pcie_dev *dev);

/**
 * pcie_vf_enabled() - a PF, or a VF whose PF has VF Enable set.
 */
bool pcie_vf_enabled(const struct pcie_dev *dev);

/**
 * pcie_set_rid() - the function's bus, device/function or segment changed
 * (bus renumbering).  A locked TDI goes to ERROR ([TDISP] Table 11-2);
 * later requests must carry the new INTERFACE_ID.  -EEXIST when taken.
 */
int pcie_set_rid(struct pcie_dev *dev, uint16_t segment, uint16_t rid);

/**
 * pcie_poisoned_tlp() - the function received an unrecoverable poisoned
 * TLP or integrity error; a locked TDI goes to ERROR ([TDISP] Table 11-2).
 */
void pcie_poisoned_tlp(struct pcie_dev *dev);

/* --------------------------------------------------- SPDM session, IDE */

enum ide_state {
	IDE_INSECURE,
	IDE_SECURE,
	IDE_NR
};
const char *ide_state_name(enum ide_state st);
int ide_state_parse(const char *name);	/* "secure"/"insecure", else -1 */

/*
 * All ide_ calls act on the link of @dev's PF, so a VF and its PF see the
 * same session and stream.
 */

/**
 * ide_spdm_connect() - establish a (new) secure SPDM session.  A session
 * that is still up ends first (ide_spdm_disconnect()).
 */
void ide_spdm_connect(struct pcie_dev *dev);
/**
 * ide_spdm_disconnect() - end the session; TDISP messages are dropped.
 * [TDISP] §11.4.5: every TDI locked over the session goes to ERROR, and a
 * stream keyed over it goes Insecure.
 */
void ide_spdm_disconnect(struct pcie_dev *dev);
bool ide_has_session(const struct pcie_dev *dev);

/**
 * ide_keys_program() - IDE_KM key programming for @stream_id on the
 * current session; the stream becomes Secure.  -ENOTCONN without a
 * session.  Keys are bound to the session: a new session needs new keys
 * before LOCK accepts them (docs/tdisp.md, "LOCK fails if").
 */
int ide_keys_program(struct pcie_dev *dev, uint8_t stream_id);
/** ide_keys_valid() - keys for @stream_id were set on this session. */
bool ide_keys_valid(const struct pcie_dev *dev, uint8_t stream_id);

/**
 * ide_set_state() - the stream changes state (device.ide, link down).
 * Going Insecure sends every locked TDI bound to the stream (the PF and
 * its VFs that locked with IDE required) to ERROR (H10).  Keys are kept,
 * so Secure again needs no re-key in the model.
 */
void ide_set_state(struct pcie_dev *dev, enum ide_state st);
enum ide_state ide_get_state(const struct pcie_dev *dev);

/**
 * ide_configure() - stream configuration that LOCK checks: how many
 * streams are configured as default streams (model default 1) and the
 * traffic class of the default stream (default 0).
 */
void ide_configure(struct pcie_dev *dev, unsigned int default_streams,
		   unsigned int tc);

/* ------------------------------------------------------------- TDISP */

/*
 * TDI states, numbered as GET_DEVICE_INTERFACE_STATE encodes them
 * [libspdm].  Invariants:
 *  - CONFIG_UNLOCKED: no nonce is live, no report is current, no P2P
 *    binding; T=0 MMIO is served everywhere, T=1 nowhere.
 *  - CONFIG_LOCKED: the nonce of this lock epoch is live (a failed START
 *    leaves it live); config and default-stream IDE registers are
 *    tracked; the report is fixed.
 *  - RUN: the nonce has been consumed; T=1 DMA and TEE MMIO are allowed.
 *  - ERROR: no nonce; nothing TEE is served; only STOP leaves it.
 * LOCKED and RUN count as "locked".  Every change goes through the
 * next_state[][] table in tdisp.c and emits SIM_REC_TDI_STATE.
 */
enum tdisp_state {
	TDISP_ST_CONFIG_UNLOCKED = 0,
	TDISP_ST_CONFIG_LOCKED = 1,
	TDISP_ST_RUN = 2,
	TDISP_ST_ERROR = 3,
	TDISP_ST_NR
};
/** tdisp_state_name() - "CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR". */
const char *tdisp_state_name(enum tdisp_state st);
/** tdisp_state_parse() - the inverse, or -1. */
int tdisp_state_parse(const char *name);
enum tdisp_state tdisp_state(const struct pcie_dev *dev);
/** tdisp_is_locked() - CONFIG_LOCKED or RUN. */
bool tdisp_is_locked(const struct pcie_dev *dev);

/* Request codes [libspdm]; the response code is the request minus 0x80. */
enum tdisp_req {
	TDISP_REQ_GET_VERSION = 0x81,
	TDISP_REQ_GET_CAPABILITIES = 0x82,
	TDISP_REQ_LOCK_INTERFACE = 0x83,
	TDISP_REQ_GET_DEVICE_INTERFACE_REPORT = 0x84,
	TDISP_REQ_GET_DEVICE_INTERFACE_STATE = 0x85,
	TDISP_REQ_START_INTERFACE = 0x86,
	TDISP_REQ_STOP_INTERFACE = 0x87,
	TDISP_REQ_BIND_P2P_STREAM = 0x88,
	TDISP_REQ_UNBIND_P2P_STREAM = 0x89,
	TDISP_REQ_SET_MMIO_ATTRIBUTE = 0x8a,
	TDISP_REQ_VDM = 0x8b,
	TDISP_REQ_SET_TDISP_CONFIG = 0x8c,
};
#define TDISP_RSP_ERROR		0x7f
#define TDISP_VERSION_10	0x10

/** tdisp_req_name() - "LOCK_INTERFACE" etc., or NULL for other codes. */
const char *tdisp_req_name(unsigned int code);
/**
 * tdisp_req_parse() - a contract request name, with or without the
 * `_REQUEST` suffix, to its code; -1 when unknown.
 */
int tdisp_req_parse(const char *name);

/* Error codes [libspdm]; 0 means success in struct tdisp_response. */
enum tdisp_error {
	TDISP_ERR_NONE = 0,
	TDISP_ERR_INVALID_REQUEST = 0x1,
	TDISP_ERR_BUSY = 0x3,
	TDISP_ERR_INVALID_INTERFACE_STATE = 0x4,
	TDISP_ERR_UNSPECIFIED = 0x5,
	TDISP_ERR_UNSUPPORTED_REQUEST = 0x7,
	TDISP_ERR_VERSION_MISMATCH = 0x41,
	TDISP_ERR_VENDOR_SPECIFIC = 0xff,	/* [TDISP] Table 11-27 */
	TDISP_ERR_INVALID_INTERFACE = 0x101,
	TDISP_ERR_INVALID_NONCE = 0x102,
	TDISP_ERR_INSUFFICIENT_ENTROPY = 0x103,
	TDISP_ERR_INVALID_DEVICE_CONFIGURATION = 0x104,
};
/** tdisp_error_name() - "INVALID_NONCE" etc.; "ok" for 0; NULL if unknown. */
const char *tdisp_error_name(uint32_t code);
/** tdisp_error_parse() - the inverse (not "ok"), or -1. */
int tdisp_error_parse(const char *name);

/* LOCK_INTERFACE FLAGS [libspdm] */
#define TDISP_LOCK_NO_FW_UPDATE		0x01
#define TDISP_LOCK_CACHE_LINE_128	0x02
#define TDISP_LOCK_MSIX			0x04
#define TDISP_LOCK_BIND_P2P		0x08
#define TDISP_LOCK_ALL_REQ_REDIRECT	0x10
#define TDISP_LOCK_FLAGS_MASK		0x1f

#define TDISP_NONCE_LEN		32
#define TDISP_FUNCTION_ID_SEG_VALID	(1u << 24)

/**
 * struct tdisp_request - one request, header plus every request's
 * parameters (only those of @code are read).
 * @version:      header version; must be 0x10
 * @code:         TDISP_REQ_*
 * @function_id:  INTERFACE_ID.FUNCTION_ID: RID 15:0, segment 23:16, bit 24
 *                segment valid
 * @flags, @stream_id, @mmio_reporting_offset, @bind_p2p_address_mask:
 *                LOCK_INTERFACE parameters
 * @offset, @length: GET_DEVICE_INTERFACE_REPORT; @length 0 = as much as
 *                one portion holds
 * @nonce:        START_INTERFACE_NONCE
 * @p2p_stream_id: BIND/UNBIND_P2P_STREAM
 * @mmio_first_page, @mmio_num_pages, @mmio_attr, @range_id:
 *                SET_MMIO_ATTRIBUTE's MMIO_RANGE ([TDISP] Table 11-24):
 *                FIRST_PAGE as the report gives it, 4 KiB pages, the
 *                attributes (only IS_NON_TEE_MEM may be set), Range ID
 */
struct tdisp_request {
	uint8_t version;
	uint8_t code;
	uint32_t function_id;
	uint16_t flags;
	uint8_t stream_id;
	int64_t mmio_reporting_offset;
	uint64_t bind_p2p_address_mask;
	uint16_t offset, length;
	uint8_t nonce[TDISP_NONCE_LEN];
	uint8_t p2p_stream_id;
	uint64_t mmio_first_page;
	uint32_t mmio_num_pages;
	uint16_t mmio_attr;
	uint16_t range_id;
};

#define TDISP_REPORT_MAX	4096

/**
 * struct tdisp_response - what came back.
 * @dropped:  no response at all (no secure session, or a drop fault);
 *            the requester times out (H15).  Nothing else is valid.
 * @pending:  tdisp_issue() accepted it; tdisp_complete() will answer
 * @code:     response code (request - 0x80) or TDISP_RSP_ERROR
 * @error, @error_data: the ERROR response's ERROR_CODE / ERROR_DATA, or 0
 * @tdisp_version: GET_TDISP_VERSION: the single version offered
 * @dsm_caps, @lock_flags_supported, @dev_addr_width, @num_req_this,
 * @num_req_all, @req_msgs_supported: GET_TDISP_CAPABILITIES
 * @nonce:    LOCK_INTERFACE: START_INTERFACE_NONCE
 * @tdi_state: GET_DEVICE_INTERFACE_STATE
 * @portion_length, @remainder_length, @report: GET_DEVICE_INTERFACE_REPORT
 */
struct tdisp_response {
	bool dropped;
	bool pending;
	uint8_t req;
	uint8_t code;
	uint32_t error;
	uint32_t error_data;
	uint8_t tdisp_version;
	uint32_t dsm_caps;
	uint16_t lock_flags_supported;
	uint8_t dev_addr_width;
	uint8_t num_req_this, num_req_all;
	uint64_t req_msgs_supported;
	uint8_t nonce[TDISP_NONCE_LEN];
	uint8_t tdi_state;
	uint16_t portion_length, remainder_length;
	uint8_t report[TDISP_REPORT_MAX];
};

/**
 * tdisp_request_init() - a well-formed request of @code for @dev:
 * version 0x10, the function's INTERFACE_ID, stream 0, everything else 0.
 * The nonce is left zero: fill it with tdisp_nonce_get().
 */
void tdisp_request_init(struct tdisp_request *req, const struct pcie_dev *dev,
			unsigned int code);
/**
 * tdisp_num_req() - NUM_REQ_THIS of @dev's TDI and NUM_REQ_ALL of its DSM,
 * as GET_TDISP_CAPABILITIES reports them: the requester's limits on
 * outstanding requests ([TDISP] §11.2.3).
 */
void tdisp_num_req(const struct pcie_dev *dev, unsigned int *this_tdi,
		   unsigned int *all);
/** tdisp_function_id() - @dev's INTERFACE_ID.FUNCTION_ID (segment valid). */
uint32_t tdisp_function_id(const struct pcie_dev *dev);

/**
 * tdisp_issue() - a request arrives at the DSM (the send half).
 * Dropped when the PF has no secure SPDM session (unsecured messages are
 * ignored [TDISP]) or a drop fault is armed; answered BUSY at once when a
 * busy fault is armed or NUM_REQ_THIS / NUM_REQ_ALL requests are already
 * outstanding (H15); otherwise @rsp->pending is set, the request counts
 * as outstanding, and the caller must call tdisp_complete() with the same
 * request when its latency has elapsed.  Returns 0 or -EINVAL.
 */
int tdisp_issue(struct pcie_dev *dev, const struct tdisp_request *req,
		struct tdisp_response *rsp);
/**
 * tdisp_complete() - the DSM answers a pending request: checks and state
 * changes happen now ("a sub-operation takes effect at the cycle it
 * completes").  -EINVAL when nothing is outstanding.
 */
int tdisp_complete(struct pcie_dev *dev, const struct tdisp_request *req,
		   struct tdisp_response *rsp);
/** tdisp_handle() - tdisp_issue() then, if pending, tdisp_complete(). */
int tdisp_handle(struct pcie_dev *dev, const struct tdisp_request *req,
		 struct tdisp_response *rsp);

/**
 * tdisp_response_result() - "ok", the TDISP error name, or "dropped".
 */
const char *tdisp_response_result(const struct tdisp_response *rsp);

/**
 * tdisp_response_field() - a response field by its spec name, for
 * `assert response`: MESSAGE_TYPE, ERROR_CODE, ERROR_DATA (ERROR only),
 * VERSION_NUM_COUNT, VERSION_NUM_ENTRY, DSM_CAPS,
 * LOCK_INTERFACE_FLAGS_SUPPORTED, DEV_ADDR_WIDTH, NUM_REQ_THIS,
 * NUM_REQ_ALL, REQ_MSGS_SUPPORTED, TDI_STATE, PORTION_LENGTH,
 * REMAINDER_LENGTH.  Returns 0, or -ENOENT when the response has no such
 * field (wrong type, or an error/dropped response).
 */
int tdisp_response_field(const struct tdisp_response *rsp, const char *name,
			 uint64_t *out);

/*
 * The requester side of one DOE exchange (tdisp_req.c), shared by the
 * host TSM layer, the arch firmware and the guest relay.
 *
 * struct tdisp_xchg - one exchange.
 * @s:           where the TDISP trace record goes
 * @q:           the operation's sequence: a dropped request fails it with
 *               ETIMEDOUT after @doe_timeout; NULL fails at once
 * @doe_timeout: cycles the requester waits for an answer that never comes
 * @expected:    the record's flag: true when the step's own expect judges
 *               a failure (a relayed request fails its step)
 * @req, @rsp:   the request (tdisp_request_init() + fields) and its answer
 */
struct tdisp_xchg {
	struct sim *s;
	struct pcie_dev *dev;
	struct sim_seq *q;
	uint64_t doe_timeout;
	bool expected;
	struct tdisp_request req;
	struct tdisp_response rsp;
};
/**
 * tdisp_xchg_run() - send @x->req now, answer in @x->rsp, publish the
 * SIM_REC_TDISP record (response "ok", the error name, or "dropped").
 * Returns NULL on success, the TDISP error name, "ETIMEDOUT" for a drop
 * without @x->q; with @x->q a drop returns NULL after queueing the DOE
 * timeout as the next sub-operation (check @x->rsp.dropped).
 */
const char *tdisp_xchg_run(struct tdisp_xchg *x);
/** tdisp_xchg_record() - publish one SIM_REC_TDISP record. */
void tdisp_xchg_record(struct sim *s, const struct pcie_dev *dev,
		       unsigned int code, const char *response, bool expected);
/** tdisp_xchg_timeout() - the DOE timeout as @q's next sub-operation. */
void tdisp_xchg_timeout(struct sim_seq *q, uint64_t doe_timeout);

enum tdisp_nonce_kind {
	TDISP_NONCE_VALID,	/* from the latest LOCK response */
	TDISP_NONCE_WRONG,	/* its bitwise complement */
	TDISP_NONCE_STALE,	/* from the lock epoch before the latest */
};
/**
 * tdisp_nonce_get() - the requester-side copy of a nonce (device.tdisp
 * `nonce:`).  -ENOENT when there is no such nonce (no LOCK yet; stale
 * with fewer than two LOCKs).
 */
int tdisp_nonce_get(const struct pcie_dev *dev, enum tdisp_nonce_kind kind,
		    uint8_t out[TDISP_NONCE_LEN]);
/** tdisp_nonce_live() - the DSM holds a nonce START would accept. */
bool tdisp_nonce_live(const struct pcie_dev *dev);
/** tdisp_lock_epoch() - number of successful LOCKs so far. */
uint64_t tdisp_lock_epoch(const struct pcie_dev *dev);

/* Fault hooks (docs/scenarios.md): real perturbations of the responder. */
/** tdisp_fault_busy() - the next @n issued requests get BUSY. */
void tdisp_fault_busy(struct pcie_dev *dev, unsigned int n);
/** tdisp_fault_drop() - the next @n issued requests are dropped. */
void tdisp_fault_drop(struct pcie_dev *dev, unsigned int n);
/**
 * tdisp_fault_error() - the next completed request answers ERROR with
 * @code and changes nothing.  -EINVAL for an unknown code or 0.
 */
int tdisp_fault_error(struct pcie_dev *dev, uint32_t code);
/**
 * tdisp_fault_corrupt_nonce() - the nonce of the next START_INTERFACE is
 * corrupted in transit (one bit flipped), so it fails INVALID_NONCE.
 */
void tdisp_fault_corrupt_nonce(struct pcie_dev *dev);

/* ------------------------------------------------- interface report */

#define TDISP_RANGE_MSIX		(1u << 0)
#define TDISP_RANGE_PBA			(1u << 1)
#define TDISP_RANGE_NON_TEE		(1u << 2)
#define TDISP_RANGE_ATTR_UPDATABLE	(1u << 3)

#define TDISP_INFO_NO_FW_UPDATE		(1u << 0)
#define TDISP_INFO_DMA_NO_PASID		(1u << 1)
#define TDISP_INFO_DMA_PASID		(1u << 2)
#define TDISP_INFO_ATS			(1u << 3)
#define TDISP_INFO_PRS			(1u << 4)

struct tdisp_report_range {
	uint64_t first_page;	/* (address + MMIO_REPORTING_OFFSET) / 4 KiB */
	uint32_t num_pages;	/* 4 KiB pages */
	uint16_t attr;		/* TDISP_RANGE_* */
	uint16_t range_id;	/* BAR index */
};

/** struct tdisp_report - a decoded TDI_REPORT ([TDISP], docs/tdisp.md). */
struct tdisp_report {
	uint16_t interface_info;
	uint16_t msix_message_control;
	uint16_t lnr_control;
	uint32_t tph_control;
	uint32_t mmio_range_count;
	struct tdisp_report_range ranges[PCIE_MAX_BARS];
	uint32_t dev_info_len;
};

/**
 * tdisp_report_bytes() - the report built at the latest LOCK (kept after
 * STOP until the next LOCK), or NULL with *@len 0 before any LOCK.
 */
const uint8_t *tdisp_report_bytes(const struct pcie_dev *dev, size_t *len);
/**
 * tdisp_report_range_of() - FIRST_PAGE and the number of 4 KiB pages the
 * report of the latest LOCK gives for BAR @bar ([TDISP] Table 11-15:
 * "First 4K page with offset added", i.e. (BAR address +
 * MMIO_REPORTING_OFFSET) >> 12).  -ENOENT when the BAR is absent.
 */
int tdisp_report_range_of(const struct pcie_dev *dev, unsigned int bar,
			  uint64_t *first_page, uint32_t *num_pages);
/**
 * tdisp_report_decode() - parse report bytes.  -EINVAL when truncated,
 * inconsistent, or with more than PCIE_MAX_BARS ranges.
 */
int tdisp_report_decode(const uint8_t *buf, size_t len,
			struct tdisp_report *out);

/* ----------------------------------------------------------- inbound MMIO */

/**
 * struct pcie_mmio_req - one inbound memory request to a BAR.
 * @bar, @offset, @size: target; @size 1, 2, 4 or 8 within one 8-byte word,
 *          or a multiple of 8 at an 8-byte aligned offset
 * @write:  write @data (a multi-word write stores @data in every word)
 * @tee:    the TLP's T bit
 * @on_bound_stream: the TLP arrived on the TDI's bound IDE stream
 * @data:   in: value written; out: value read (first word for multi-word
 *          reads; all-ones when rejected)
 * @detail: out: why it was rejected, or NULL
 */
struct pcie_mmio_req {
	unsigned int bar;
	uint64_t offset, size;
	bool write;
	bool tee;
	bool on_bound_stream;
	uint64_t data;
	const char *detail;
};

/**
 * pcie_mmio_access() - decode one inbound request ([TDISP] §11.2.1,
 * docs/tdisp.md "Requests the TDI receives", H6).
 * @res: SIM_RES_OK, or SIM_RES_UR (read all-ones, write dropped).
 *
 * TEE ranges: T=1 served only in RUN (and on the bound stream when IDE is
 * required); T=0 served only in CONFIG_UNLOCKED.  Non-TEE ranges: T=0
 * and T=1 served in every state ("handling is not modified by TDISP
 * state", §11.2.1).  MSE clear, or a VF whose PF has VF Enable or VF MSE
 * clear: UR for all.
 * Returns 0, -ENOENT (no such BAR), -EINVAL (outside the BAR, bad size).
 */
int pcie_mmio_access(struct pcie_dev *dev, struct pcie_mmio_req *req,
		     enum sim_result *res);
/**
 * pcie_mmio_is_tee() - the range's live attribute: TEE unless configured
 * non-TEE (before LOCK) or made non-TEE by SET_MMIO_ATTRIBUTE.
 */
bool pcie_mmio_is_tee(const struct pcie_dev *dev, unsigned int bar);
/** pcie_mmio_attr_pending() - a SET_MMIO_ATTRIBUTE for @bar is in flight. */
bool pcie_mmio_attr_pending(const struct pcie_dev *dev, unsigned int bar);
/** pcie_mmio_peek() - backing-store word at @offset (8-byte aligned). */
int pcie_mmio_peek(const struct pcie_dev *dev, unsigned int bar,
		   uint64_t offset, uint64_t *val);

/* -------------------------------------------------------------------- DMA */

enum pcie_dma_kind {
	PCIE_DMA_MEM,		/* memory read / write */
	PCIE_DMA_MSI,
	PCIE_DMA_MSIX,
};

/**
 * pcie_dma_check() - may the function issue this request now?
 * Returns 0 or -EPERM ([TDISP], docs/tdisp.md "Requests the TDI issues"):
 *  - BME clear: nothing.  ERROR: nothing.
 *  - CONFIG_UNLOCKED: T=0 only.
 *  - CONFIG_LOCKED: only MSI / MSI-X with T=0 (DMA was aborted at LOCK).
 *  - RUN: memory with T=1 only; MSI with T=0 only; MSI-X with T=0, or
 *    with T=1 when LOCK had LOCK_MSIX and the table is reported.
 *  - T=1 only when the IDE stream is Secure (if IDE is required).
 */
int pcie_dma_check(const struct pcie_dev *dev, enum pcie_dma_kind kind,
		   bool tee);
/**
 * pcie_dma_epoch() - tag to stamp on a DMA request at issue.  The epoch
 * changes on every TDISP state change and every FLR: that is when the DSM
 * aborts in-flight DMA (LOCK, STOP, ERROR entry).
 */
uint64_t pcie_dma_epoch(const struct pcie_dev *dev);
/**
 * pcie_dma_completion_check() - may a completion for a request issued
 * with @epoch be accepted now?  0, or -EPERM when the TDI has changed
 * state since (H12: completions after the TDI left RUN are rejected).
 */
int pcie_dma_completion_check(const struct pcie_dev *dev, uint64_t epoch);

/**
 * pcie_dma_error_completion() - a non-posted request the function issued
 * with @epoch completed with UR or CA (the IOMMU or the host refused it).
 * [TDISP] §11.4.3: a TDI in CONFIG_LOCKED or RUN goes to ERROR with
 * @cause, unless it left the state the request was issued in (then the
 * completion is rejected anyway, H12).
 */
void pcie_dma_error_completion(struct pcie_dev *dev, uint64_t epoch,
			       const char *cause);

#endif /* TSMSIM_MODELS_PCIE_PCIE_H */
