/* SPDX-License-Identifier: MIT */
/*
 * load.h - the load layer of tools/: a scenario read from YAML and
 * checked (sections scenario, and ops: the step and fault tables), the
 * JSON line reader that sweep and minimize read result lines with, and
 * the version that every output and result line carries.  Includes nothing else of tools/.
 */
#ifndef TSMSIM_TOOLS_LOAD_H
#define TSMSIM_TOOLS_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * scenario: a loaded, validated scenario (docs/scenarios.md).
 *
 * The loader (scenario.c, libyaml document API) checks every key against
 * the schema in ops.c / schema tables, converts units (durations to cycles
 * of clock_mhz, sizes to bytes, 1e6 counts to integers) and resolves
 * references, so nothing downstream re-parses text or sees a bad value.
 * Every item keeps the YAML line and column it came from.
 *
 * Step fields stay a typed key/value list (struct scn_value), looked up by
 * name with scn_get_*(): the op table in ops.c says which keys an op takes
 * and of which type, and the runner maps them onto model calls.
 */

struct scn_pos {
	unsigned int line, col;	/* 1-based, as editors show them */
	/*
	 * 0: the file.  k: the k-th --set / --inject (struct scn_set) wrote
	 * this node; its diagnostics name the flag, not a line of the file.
	 */
	unsigned int set;
};

enum scn_type {
	SCN_NULL,
	SCN_STR,
	SCN_U64,		/* counts, sizes, addresses, cycles (converted) */
	SCN_BOOL,
	SCN_LIST,
	SCN_MAP,
};

struct scn_field;

struct scn_value {
	enum scn_type type;
	struct scn_pos pos;
	char *str;		/* SCN_STR; also the raw text of a scalar */
	uint64_t u;		/* SCN_U64 */
	bool b;			/* SCN_BOOL */
	struct scn_value *items;	/* SCN_LIST */
	struct scn_field *fields;	/* SCN_MAP, in file order */
	size_t n;		/* items or fields */
};

struct scn_field {
	char *key;
	struct scn_pos pos;	/* of the key */
	struct scn_value v;
};

/* Map lookups: NULL / @def when absent. */
const struct scn_value *scn_get(const struct scn_value *map, const char *key);
const char *scn_get_str(const struct scn_value *map, const char *key,
			const char *def);
uint64_t scn_get_u64(const struct scn_value *map, const char *key,
		     uint64_t def);
bool scn_get_bool(const struct scn_value *map, const char *key, bool def);
bool scn_has(const struct scn_value *map, const char *key);

/* ------------------------------------------------------------- platform */

#define SCN_MAX_BARS 6

struct scn_bar {
	unsigned int index;
	uint64_t size;
	uint64_t hpa;		/* 0 when absent: the platform assigns it */
	bool non_tee;
	bool updatable;		/* IS_MEM_ATTR_UPDATABLE */
	bool prefetch;
	struct scn_pos pos;
	struct scn_pos hpa_pos, size_pos;	/* of the values (or @pos) */
};

struct scn_device {
	char *name;
	char *bdf;		/* "0000:3a:00.0", or NULL: assigned */
	char *pf;		/* PF name when this function is a VF, else NULL */
	struct scn_bar bars[SCN_MAX_BARS];
	unsigned int nbars;
	bool has_msix;
	unsigned int msix_bar;
	uint64_t msix_offset, msix_size;
	bool ide;		/* default true */
	struct scn_value extra;	/* further device keys (SCN_MAP or SCN_NULL) */
	struct scn_pos pos;
};

struct scn_guest {
	char *name;
	bool confidential;	/* default true */
	uint64_t memory;	/* bytes */
	unsigned int gpaw;	/* tdx: 48 or 52; 0 = arch default */
	unsigned int ipa_bits;	/* cca; 0 = arch default */
	struct scn_pos pos;
	struct scn_pos memory_pos;	/* of the value (or @pos) */
};

struct scn_iommu {
	uint64_t iotlb_entries;	/* default 64 */
	uint64_t iotlb_ways;	/* default = entries (fully associative) */
	unsigned int levels;	/* default 4 */
	uint64_t page_size;	/* default 4 KiB */
};

struct scn_platform {
	struct scn_iommu iommu;
	unsigned int vfio_tsm_bind;	/* enum vfio_bind_policy: keep, refuse, drop */
	struct scn_device *devices;
	size_t ndevices;
	struct scn_guest *guests;
	size_t nguests;
	struct scn_value extra;	/* further platform keys, if any */
};

/* ----------------------------------------------------------------- steps */

enum scn_start {
	SCN_START_NEXT,		/* right after the previous step */
	SCN_START_AT,		/* at: C */
	SCN_START_AFTER,	/* after: D */
};

struct scn_step {
	int op;			/* index into the op table (scn_ops[], below) */
	const char *opname;	/* points into the op table */
	char *label;		/* NULL when absent */
	enum scn_start start;
	uint64_t start_cycles;
	/*
	 * expect: the result names this step may end with.  NULL + expect_any
	 * false means the default (ok for operations, completed for accesses).
	 */
	char **expect;
	size_t nexpect;
	bool expect_any;
	struct scn_value fields;	/* SCN_MAP of every other key */
	struct scn_pos pos;	/* of the step's "op" key's mapping */
	int block;		/* index into scenario.blocks, or -1 */
	size_t *needs;		/* step indices (same block) that come first */
	size_t nneeds;
	struct scn_pos needs_pos;
};

/*
 * An `unordered:` block (docs/scenarios.md): steps [first, first + n) of
 * the flattened step list, which may run in any order their `needs`
 * allow.  `run` takes file order; `explore` takes every allowed order.
 */
struct scn_block {
	size_t first, n;
	struct scn_pos pos;	/* of the `unordered` key */
};

/* --------------------------------------------------------------- traffic */

enum scn_from {
	SCN_FROM_GUEST,
	SCN_FROM_DEVICE,
	SCN_FROM_HOST,
};

enum scn_pattern {
	SCN_PAT_SEQUENTIAL,
	SCN_PAT_RANDOM,
	SCN_PAT_FIXED,
};

struct scn_traffic {
	char *name;
	enum scn_from from;
	char *from_name;	/* guest, device or host mapping name */
	bool write;		/* op: write / dma_write */
	uint64_t addr;		/* gpa, iova or offset */
	bool priv;		/* guest: private view; device: T bit */
	uint64_t span;		/* bytes; default size */
	uint64_t size;		/* bytes per access; default 64 */
	enum scn_pattern pattern;
	uint64_t gap;		/* cycles */
	uint64_t count;		/* 0 when `until` is used */
	char *until;		/* label, or NULL */
	uint64_t start;		/* cycle, when start_label is NULL */
	char *start_label;
	unsigned int index;	/* position in traffic: RNG stream index */
	struct scn_pos pos;
	struct scn_pos addr_pos;	/* of the gpa / iova / offset key's value */
};

/* ---------------------------------------------------------------- faults */

enum scn_point_kind {
	SCN_PT_BEFORE,		/* before:LABEL */
	SCN_PT_AFTER,		/* after:LABEL */
	SCN_PT_DURING,		/* during:LABEL#K */
	SCN_PT_CYCLE,		/* an absolute cycle */
};

struct scn_point {
	enum scn_point_kind kind;
	char *label;
	unsigned int k;
	uint64_t cycle;
};

struct scn_fault {
	char *kind;		/* a name from the fault catalog */
	int id;			/* its enum scn_fault_id: the row in scn_faults[] */
	char *flag;		/* "--inject KIND@POINT..." when it came from one */
	struct scn_point at;
	struct scn_value params;	/* the remaining keys (SCN_MAP) */
	struct scn_pos pos;
	struct scn_pos at_pos;		/* of the `at:` value */
};

/* ---------------------------------------------------------------- expect */

/* A count constraint: "any", N, ">=N", ">N", "<=N", "<N", "==N". */
enum scn_cmp {
	SCN_CMP_NONE,		/* not named: must be 0 */
	SCN_CMP_ANY,
	SCN_CMP_EQ,
	SCN_CMP_GE,
	SCN_CMP_GT,
	SCN_CMP_LE,
	SCN_CMP_LT,
};

struct scn_count {
	enum scn_cmp cmp;
	uint64_t n;
	struct scn_pos pos;
};

bool scn_count_holds(const struct scn_count *c, uint64_t n);
/*
 * Parse a constraint ("any", "3", ">=1", "<=32KiB"; N is a count or a
 * size).  Returns 0 or -EINVAL with a reason in @why.  Assert `response`
 * and `last` values are stored as the canonical text of one (SCN_STR,
 * with u = N), so the runner parses them back with this.
 */
int scn_count_parse(const char *text, struct scn_count *c, const char **why);
/* "any", "0", ">=1"...; writes into @buf of @len */
const char *scn_count_str(const struct scn_count *c, char *buf, size_t len);

struct scn_range {
	/* exactly one of the three shapes */
	char *device;		/* { device, bar } */
	unsigned int bar;
	char *guest;		/* { guest, gpa, size } */
	uint64_t gpa;
	bool has_iova;		/* { iova, size } */
	uint64_t iova;
	uint64_t size;
};

struct scn_window {
	char *from, *to;	/* labels */
	struct scn_range range;	/* hitless only */
	unsigned int results;	/* allow only: bit per enum sim_result */
	struct scn_pos pos;
};

#define SCN_FIND_MAX 32		/* >= SIM_FIND_NR */

struct scn_state {
	char *device;
	char *state;		/* TDISP state name */
	struct scn_pos pos;
};

struct scn_expect {
	struct scn_count findings[SCN_FIND_MAX];	/* by enum sim_finding_kind */
	bool has_findings;
	struct scn_window *hitless;
	size_t nhitless;
	struct scn_window *allow;
	size_t nallow;
	struct scn_state *states;
	size_t nstates;
};

struct scn_per_arch {
	char *arch;
	struct scn_expect expect;	/* only the keys it names */
	struct scn_pos pos;
};

/* -------------------------------------------------------------- scenario */

struct scn_timing {
	char *key;
	uint64_t cycles;
	struct scn_pos pos;
};

#define SCN_MAX_ARCHES 8

/*
 * The watchdog every run has (run, compare, explore, sweep, minimize):
 * `limits:` raises or lowers it, never removes it.  10^9 events take
 * about a minute; 10^15 cycles are almost six simulated days at 2 GHz.
 * max_cycles stays below 2^63 so an event at a saturated cycle
 * (sim_cycles_add) always stops the run with a `watchdog` finding.
 */
#define SCN_DEF_MAX_CYCLES	1000000000000000ULL
#define SCN_DEF_MAX_EVENTS	1000000000ULL
#define SCN_MAX_MAX_CYCLES	(1ULL << 63)

struct scenario {
	char *file;		/* as given on the command line */
	char *name;
	char *description;
	char *arches[SCN_MAX_ARCHES];	/* builtin names or profile paths */
	size_t narches;
	uint64_t seed;		/* default 1 */
	uint64_t clock_mhz;	/* default 2000 */
	struct scn_timing *timing;
	size_t ntiming;
	uint64_t max_cycles;	/* watchdog; default SCN_DEF_MAX_CYCLES */
	uint64_t max_events;	/* watchdog; default SCN_DEF_MAX_EVENTS */
	struct scn_pos max_cycles_pos;	/* of the value; line 0 when default */
	struct scn_platform platform;
	struct scn_step *steps;	/* blocks flattened in file order */
	size_t nsteps;
	struct scn_block *blocks;
	size_t nblocks;
	struct scn_traffic *traffic;
	size_t ntraffic;
	struct scn_fault *faults;
	size_t nfaults;
	struct scn_expect expect;
	struct scn_per_arch *per_arch;
	size_t nper_arch;
	struct scn_pos arch_pos;
};

/* One diagnostic; the loader collects all of them before giving up. */
struct scn_diag {
	char *file;
	struct scn_pos pos;
	char *msg;
	char *flag;		/* "--set P=V" / "--inject F" when pos.set, else NULL */
};

struct scn_diags {
	struct scn_diag *d;
	size_t n;
};

/*
 * An override from --set PATH=VALUE (or a swept value).  The path
 * SCN_SET_INJECT appends the fault KIND@POINT[,KEY=VALUE...] of --inject
 * to `faults:` instead.
 */
#define SCN_SET_INJECT "faults+"
struct scn_set {
	const char *path;	/* "platform.iommu.iotlb_entries", "traffic.0.count" */
	const char *value;
};

/**
 * scn_load() - read, validate and convert @file.
 * @sets, @nsets: --set overrides, applied to the document before
 *                validation so they get the same checks as the file
 * @out:          the scenario on success (caller frees with scn_free())
 * @diags:        every error found, sorted by line and column (caller
 *                frees); zero-initialise it: diagnostics are appended.
 *                An unreadable file gets one diagnostic with line 0
 *                (printed as "FILE: error: cannot read: ...").
 *
 * Returns 0, -ENOENT when @file cannot be read (exit 66), or -EINVAL when
 * there were errors in the file (exit 65).
 */
int scn_load(const char *file, const struct scn_set *sets, size_t nsets,
	     struct scenario **out, struct scn_diags *diags);
/* Same, from a string (for tests); @name is used in diagnostics. */
int scn_load_string(const char *name, const char *text,
		    const struct scn_set *sets, size_t nsets,
		    struct scenario **out, struct scn_diags *diags);
void scn_free(struct scenario *scn);
void scn_diags_free(struct scn_diags *d);
/*
 * Prints "FILE:LINE:COL: error: MSG" lines to @f, in file order, after
 * the "--set P=V: error: MSG" lines of the command-line flags.
 */
void scn_diags_print(const struct scn_diags *d, FILE *f);

/*
 * Guest addresses (docs/scenarios.md): scn_gpa_walk() calls @fn for every
 * (guest, gpa) the scenario names: steps (and assert translate entries),
 * guest traffic, fault parameters, hitless ranges.  scn_gpa_error() writes
 * the diagnostic into @buf and returns 1 when @gpa of @g carries the
 * shared / protected bit of arch @arch (enum arch_id; a non-confidential
 * guest has none), else 0.  The loader checks every arch of the scenario
 * with them, the runner the arch it runs.
 */
typedef void scn_gpa_fn(void *ctx, const struct scn_guest *g, uint64_t gpa,
			struct scn_pos pos);
void scn_gpa_walk(const struct scenario *scn, scn_gpa_fn *fn, void *ctx);
const char *scn_gpa_bad(const struct scn_guest *g, uint64_t gpa, int arch,
			char *buf, size_t len);
int scn_gpa_error(const struct scn_guest *g, uint64_t gpa, int arch,
		  char *buf, size_t len);

/* Step helpers for the runner. */
int scn_label_index(const struct scenario *scn, const char *label);	/* -1 */
/*
 * "Did you mean": the candidate of @cands (NULL-terminated) nearest to
 * @word by edit distance, or NULL when none is near; the same rule as the
 * loader's messages.  scn_nearest_label() does it over @scn's labels.
 */
const char *scn_nearest(const char *word, const char *const *cands);
const char *scn_nearest_label(const struct scenario *scn, const char *word);

/*
 * Why a fault of @kind at @at (with swap-steps' `with:` label @with, or
 * NULL) can never act on @scn, or NULL when it may: a point past
 * limits.max_cycles; skip-step or swap-steps after the last step (they
 * act on the next step: there is none); swap-steps of a step with itself
 * or with a step that has already run (in file order).  The loader
 * refuses these, the sweep does not plan them.  Into @buf.
 */
const char *scn_fault_futile(const struct scenario *scn, const char *kind,
			     const struct scn_point *at, const char *with,
			     char *buf, size_t len);

/*
 * Units (docs/scenarios.md), shared with --set and the profile loader.
 * Each returns 0 or -EINVAL and writes a short reason into @why.
 */
int scn_parse_duration(const char *text, uint64_t clock_mhz, uint64_t *cycles,
		       const char **why);
int scn_parse_size(const char *text, uint64_t *bytes, const char **why);
int scn_parse_count(const char *text, uint64_t *n, const char **why);
/*
 * A fault point (docs/scenarios.md): before:LABEL, after:LABEL,
 * during:LABEL#K (K >= 1) or a duration.  Syntax only: the caller checks
 * the label (scn_label_index()).  @pt->label is malloc'd (free it).
 */
int scn_parse_point(const char *text, uint64_t clock_mhz, struct scn_point *pt,
		    const char **why);

/*
 * ops: the scenario schema as data: every step op of docs/scenarios.md
 * with its fields, the field types, the fault catalog of section 6 and the
 * step result names of section 7.
 *
 * The loader (scenario.c) validates against these tables and `tsmsim list
 * ops|faults|results` prints them, so the documentation of a field and its
 * check can never drift apart.  The same field descriptors also describe
 * the fixed sections (platform, traffic, expect): a sub-map or a list of
 * maps points at a nested struct scn_schema.
 */

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
 * and the docs print the rows in this order.  Each family (tsm.*,
 * vfio.dmabuf_*, iommufd.*, ...) stays together: explore_plan.c tags
 * ops by id ranges.
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

/*
 * jsonr: a small JSON reader (RFC 8259 syntax) into a tree, for the
 * tools that read tsmsim's own JSON lines back (the sweep summary,
 * minimize --from).  Numbers keep their text and, when they are
 * non-negative integers that fit, their value; nothing is floating point.
 */

enum jsonr_type {
	JSONR_NULL,
	JSONR_BOOL,
	JSONR_NUM,
	JSONR_STR,
	JSONR_ARR,
	JSONR_OBJ,
};

/**
 * struct jsonr - one value.
 * @str:  JSONR_STR: the text (UTF-8); JSONR_NUM: the number as written
 * @u:    JSONR_NUM: the value when @is_u; JSONR_BOOL: 0 or 1
 * @keys: JSONR_OBJ: the member names, in order (@n of them)
 * @v:    JSONR_ARR / JSONR_OBJ: the elements or member values
 */
struct jsonr {
	enum jsonr_type type;
	char *str;
	uint64_t u;
	bool is_u;
	char **keys;
	struct jsonr *v;
	size_t n;
};

/*
 * Parse @text (one value, whitespace around it allowed).  Returns 0, or
 * -EINVAL when it is not JSON (then @out holds nothing to free).
 */
int jsonr_parse(const char *text, struct jsonr *out);
void jsonr_free(struct jsonr *j);

/* Member @key of object @j, or NULL (also when @j is not an object). */
const struct jsonr *jsonr_get(const struct jsonr *j, const char *key);
/* The string of member @key, or NULL when absent or not a string. */
const char *jsonr_str(const struct jsonr *j, const char *key);
/* The integer of member @key, or @def. */
uint64_t jsonr_u64(const struct jsonr *j, const char *key, uint64_t def);
/* Write @s as a JSON string literal (quotes included). */
void jsonr_write_str(FILE *f, const char *s);

#define TSMSIM_VERSION "0.1.0"
#define TSMSIM_CONTRACT "scenario contract v1.1"

#endif /* TSMSIM_TOOLS_LOAD_H */
