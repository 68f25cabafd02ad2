/* SPDX-License-Identifier: MIT */
/*
 * ops.h - the scenario schema as data: every step op of docs/scenarios.md
 * with its fields, the field types, the fault catalog of section 6 and the
 * step result names of section 7.
 *
 * The loader (scenario.c) validates against these tables and `tsmsim list
 * ops|faults|results` prints them, so the documentation of a field and its
 * check can never drift apart.  The same field descriptors also describe
 * the fixed sections (platform, traffic, expect): a sub-map or a list of
 * maps points at a nested struct scn_schema.
 */
#ifndef TSMSIM_TOOLS_OPS_H
#define TSMSIM_TOOLS_OPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Field types.  Scalars convert to SCN_U64 (count, size, addr, duration,
 * page_size, bar), SCN_BOOL or SCN_STR (everything named); structured
 * types convert to SCN_MAP / SCN_LIST of the same.
 */
enum scn_ftype {
	SCN_FT_STRING,		/* free text */
	SCN_FT_NAME,		/* [a-z0-9_-]+, <= 64 chars */
	SCN_FT_DEFINE,		/* defines a name of kind @ref */
	SCN_FT_REF,		/* refers to an existing name of kind @ref */
	SCN_FT_BOOL,		/* true | false */
	SCN_FT_COUNT,		/* 12, 1e6, 1.5e3 */
	SCN_FT_SIZE,		/* 4096, 0x1000, 64KiB */
	SCN_FT_ADDR,		/* an address: integer or hex (size syntax) */
	SCN_FT_DURATION,	/* cycles, or ns / us / ms at clock_mhz */
	SCN_FT_ENUM,		/* one of @values */
	SCN_FT_PAGE_SIZE,	/* 4KiB | 2MiB | 1GiB, as a size */
	SCN_FT_BAR,		/* a BAR index 0..5 */
	SCN_FT_TDISP_REQ,	/* TDISP request name, _REQUEST optional */
	SCN_FT_TDISP_ERR,	/* TDISP error name */
	SCN_FT_TDISP_STATE,	/* CONFIG_UNLOCKED | CONFIG_LOCKED | RUN | ERROR */
	SCN_FT_CONSTRAINT,	/* count constraint: N, any, >=N, >N, <=N, <N, ==N */
	SCN_FT_CONSTRAINT_MAP,	/* free-form names -> constraint (one nesting) */
	SCN_FT_STATE_MAP,	/* device -> TDISP state */
	SCN_FT_RESULTS,		/* list of access result names */
	SCN_FT_TARGET,		/* `none` or a map of @sub (assert translate) */
	SCN_FT_MAP,		/* a map of @sub */
	SCN_FT_LIST,		/* a list of maps of @sub */
	SCN_FT_NR
};

/* What a SCN_FT_DEFINE / SCN_FT_REF field names. */
enum scn_ref {
	SCN_REF_NONE,
	SCN_REF_DEVICE,
	SCN_REF_GUEST,
	SCN_REF_DMABUF,		/* vfio.dmabuf name */
	SCN_REF_MAPPING,	/* vfio.mmap name */
	SCN_REF_IOAS,
	SCN_REF_HWPT,
	SCN_REF_IOAS_HWPT,	/* an IOAS or a HWPT */
	SCN_REF_VIOMMU,
	SCN_REF_VDEVICE,
	SCN_REF_OBJECT,		/* any iommufd object */
	SCN_REF_AREA,		/* an iommufd.map name */
	SCN_REF_LABEL,		/* a step label */
	SCN_REF_IMPORTER,	/* kvm[:GUEST] | iommufd[:OBJECT] */
	SCN_REF_NR
};

#define SCN_F_REQ	0x1u	/* the key must be present */
#define SCN_F_NULL	0x2u	/* null is accepted (SCN_NULL) */
#define SCN_F_ZERO	0x4u	/* an explicit 0 is a value the model checks */

struct scn_schema;

/**
 * struct scn_field_desc - one key of an op, a fault or a section.
 * @key:    the YAML key
 * @type:   how the value is checked and converted
 * @flags:  SCN_F_REQ, SCN_F_NULL, SCN_F_ZERO
 * @ref:    what SCN_FT_DEFINE / SCN_FT_REF fields name
 * @values: NULL-terminated names for SCN_FT_ENUM
 * @sub:    the nested schema of SCN_FT_MAP / SCN_FT_LIST / SCN_FT_TARGET
 * @help:   one line for `tsmsim list`
 */
struct scn_field_desc {
	const char *key;
	enum scn_ftype type;
	unsigned int flags;
	enum scn_ref ref;
	const char *const *values;
	const struct scn_schema *sub;
	const char *help;
};

/**
 * struct scn_schema - the keys a map may hold.
 * @what:    how diagnostics name the map ("platform.iommu")
 * @fields:  the keys, in documentation order
 * @nfields: number of @fields
 */
struct scn_schema {
	const char *what;
	const struct scn_field_desc *fields;
	size_t nfields;
};

enum scn_op_kind {
	SCN_OP_OPERATION,	/* default expect: ok */
	SCN_OP_ACCESS,		/* default expect: completed */
	SCN_OP_ASSERT,		/* checks the model; no result */
};

/**
 * struct scn_op_desc - one step op of docs/scenarios.md.
 * @name:   "tsm.bind"
 * @kind:   operation, access or assert
 * @help:   one line for `tsmsim list ops`
 * @schema: its fields (the common keys op, label, at, after and expect
 *          are not listed; every op takes them)
 */
struct scn_op_desc {
	const char *name;
	enum scn_op_kind kind;
	const char *help;
	struct scn_schema schema;
};

/*
 * Each step op's row in scn_ops[]: the loader resolves an op name to this
 * once (scn_step.op), the runner dispatches on it (exec_find()), `list ops`
 * and the docs print the rows in this order.
 */
enum scn_op_id {
	SCN_OPID_TSM_CONNECT,
	SCN_OPID_TSM_DISCONNECT,
	SCN_OPID_TSM_BIND,
	SCN_OPID_TSM_UNBIND,
	SCN_OPID_TSM_POLICY,
	SCN_OPID_VFIO_DMABUF,
	SCN_OPID_VFIO_DMABUF_FLAVOR,
	SCN_OPID_VFIO_DMABUF_REVOKE,
	SCN_OPID_VFIO_DMABUF_UNREVOKE,
	SCN_OPID_VFIO_DMABUF_CLOSE,
	SCN_OPID_VFIO_MMAP,
	SCN_OPID_VFIO_MUNMAP,
	SCN_OPID_VFIO_REGION_READ,
	SCN_OPID_VFIO_REGION_WRITE,
	SCN_OPID_VFIO_CONFIG_WRITE,
	SCN_OPID_VFIO_RESET,
	SCN_OPID_KVM_MAP,
	SCN_OPID_KVM_UNMAP,
	SCN_OPID_IOMMUFD_IOAS,
	SCN_OPID_IOMMUFD_ATTACH,
	SCN_OPID_IOMMUFD_DETACH,
	SCN_OPID_IOMMUFD_REPLACE,
	SCN_OPID_IOMMUFD_MAP,
	SCN_OPID_IOMMUFD_MAP_DMABUF,
	SCN_OPID_IOMMUFD_UNMAP,
	SCN_OPID_IOMMUFD_COPY,
	SCN_OPID_IOMMUFD_ALLOW_IOVAS,
	SCN_OPID_IOMMUFD_RESERVE,
	SCN_OPID_IOMMUFD_HWPT,
	SCN_OPID_IOMMUFD_INVALIDATE,
	SCN_OPID_IOMMUFD_VIOMMU,
	SCN_OPID_IOMMUFD_VDEVICE,
	SCN_OPID_IOMMUFD_DESTROY,
	SCN_OPID_VM_DESTROY,
	SCN_OPID_HOST_READ,
	SCN_OPID_HOST_WRITE,
	SCN_OPID_GUEST_READ,
	SCN_OPID_GUEST_WRITE,
	SCN_OPID_GUEST_VALIDATE,
	SCN_OPID_GUEST_START,
	SCN_OPID_GUEST_ACCEPT,
	SCN_OPID_GUEST_TDISP,
	SCN_OPID_DEVICE_DMA,
	SCN_OPID_DEVICE_TDISP,
	SCN_OPID_DEVICE_IDE,
	SCN_OPID_ASSERT,
	SCN_OPID_NR
};

extern const struct scn_op_desc scn_ops[SCN_OPID_NR];
extern const size_t scn_nops;

/* Index into scn_ops[] of @name, or -1. */
int scn_op_find(const char *name);
const char *scn_op_kind_name(enum scn_op_kind k);
const char *scn_ftype_name(enum scn_ftype t);
const char *scn_ref_name(enum scn_ref r);

/**
 * struct scn_fault_desc - one fault kind of docs/scenarios.md.
 * @name:   "delay-invalidation"
 * @help:   one line for `tsmsim list faults`
 * @params: the keys besides kind and at
 */
/*
 * Each fault kind's row in scn_faults[]: the loader resolves a kind name to
 * this once, the runner dispatches on it (faults.c), `list faults` prints the
 * rows in this order.
 */
enum scn_fault_id {
	SCN_FAULT_DROP_INVALIDATION,
	SCN_FAULT_DELAY_INVALIDATION,
	SCN_FAULT_TDISP_DROP,
	SCN_FAULT_TDISP_BUSY,
	SCN_FAULT_TDISP_ERROR,
	SCN_FAULT_NONCE_CORRUPT,
	SCN_FAULT_IDE_INSECURE,
	SCN_FAULT_DEVICE_FLR,
	SCN_FAULT_CONVENTIONAL_RESET,
	SCN_FAULT_LINK_DOWN,
	SCN_FAULT_HOT_UNPLUG,
	SCN_FAULT_IMPORTER_IGNORES_REVOKE,
	SCN_FAULT_IMPORTER_SLOW_UNMAP,
	SCN_FAULT_SKIP_STEP,
	SCN_FAULT_SWAP_STEPS,
	SCN_FAULT_GUEST_ACCESS,
	SCN_FAULT_FIRMWARE_ERROR,
	SCN_FAULT_NR
};

struct scn_fault_desc {
	const char *name;
	const char *help;
	struct scn_schema params;
};

extern const struct scn_fault_desc scn_faults[SCN_FAULT_NR];
extern const size_t scn_nfaults;
int scn_fault_find(const char *name);	/* -1 when unknown */

/* Step result names of docs/scenarios.md (NULL-terminated lists). */
extern const char *const scn_errno_names[];
extern const char *const scn_tdisp_error_names[];
extern const char *const scn_tdisp_request_names[];	/* without _REQUEST */
extern const char *const scn_tdisp_state_names[];
/* Index in a NULL-terminated @list of @name, or -1. */
int scn_name_index(const char *const *list, const char *name);

#endif /* TSMSIM_TOOLS_OPS_H */
