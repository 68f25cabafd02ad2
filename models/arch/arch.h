/* SPDX-License-Identifier: MIT */
/*
 * arch.h - the architecture models behind one interface: the arch
 * profiles (latency table + the rules of docs/arch/rules.md) and the
 * per-arch stage-2 and TSM firmware ops (TDX Connect, SEV-TIO, CCA RME-DA).
 *
 * A profile is data.  Built-in profiles are `tdx`, `sev` and `cca`; a
 * profile file (`base: tdx` plus overrides) derives a new one.
 */
#ifndef TSMSIM_MODELS_ARCH_ARCH_H
#define TSMSIM_MODELS_ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The arch registry: one line per arch, X(ID, name).  Its file
 * models/arch/<name>.c defines `const struct arch_desc arch_<name>_desc`
 * (everything the arch does differently); the enum, the name table and
 * arch_desc_get() are generated from this list.  Order is the order of
 * `tsmsim list` columns and of `arch: [..]` defaults.
 */
#define ARCH_REGISTRY(X) \
	X(TDX, tdx) \
	X(SEV, sev) \
	X(CCA, cca)

enum arch_id {
#define ARCH_ENUM_(ID, name) ARCH_##ID,
	ARCH_REGISTRY(ARCH_ENUM_)
#undef ARCH_ENUM_
	ARCH_NR
};
const char *arch_id_name(enum arch_id id);
/** arch_names() - the registered names in registry order, NULL-terminated. */
const char *const *arch_names(void);
int arch_id_parse(const char *name);	/* -1 when not a built-in */

/*
 * The latency table.  Every value is kept in picoseconds so that a
 * default like "3 ns" and an override like "2us" both convert exactly to
 * cycles of any clock (rounded up); the table itself never holds a float.
 * A key whose unit is "cycles" is given in cycles and not converted.
 */
enum arch_timing {
	AT_IOTLB_HIT,
	AT_WALK_LEVEL,
	AT_IOTLB_INVAL,
	AT_DEVTLB_INVAL,
	AT_FABRIC,
	AT_MEMORY,
	AT_MMIO_DECODE,
	AT_CPU_TLB_HIT,
	AT_S2_WALK_LEVEL,
	AT_VMEXIT,
	AT_KVM_FAULT_IN,
	AT_KVM_ZAP,
	AT_DOE_ROUNDTRIP,
	AT_DOE_TIMEOUT,
	AT_SPDM_SESSION,
	AT_IDE_KEYS,
	AT_TDISP_LOCK,
	AT_TDISP_STOP,
	AT_TDISP_START,
	AT_TDISP_REPORT,
	AT_TDISP_SMALL,
	AT_FW_CALL,
	AT_FW_MMIO_MAP_PAGE,
	AT_RMPUPDATE_PAGE,
	AT_PSP_CMD,
	AT_GPT_UPDATE,
	AT_IMPORTER_UNMAP,
	AT_IOCTL,
	AT_NR
};

/*
 * The largest latency a profile or a scenario may give one timing key:
 * 2^48 cycles, or 1000 s with a unit (at most 10^14 cycles at the
 * 100 GHz clock_mhz allows).  A step adds a few of them and a per-page
 * loop multiplies one by at most 2^18 pages, so no latency sum can wrap;
 * the event times these feed saturate (sim_cycles_add).
 */
#define ARCH_TIMING_MAX_CYCLES	(1ULL << 48)

/* Profile files: the scenario's 4 MiB cap; no mapping has this many keys. */
#define ARCH_PROFILE_MAX_FILE	(4u << 20)
#define ARCH_PROFILE_MAX_KEYS	128
#define ARCH_TIMING_MAX_PS	1000000000000000ULL

struct arch_timing_desc {
	const char *key;	/* the scenario's `timing:` key */
	const char *help;
	uint64_t def_ps;	/* default, picoseconds (an arch may differ) */
	bool in_cycles;		/* def_ps holds cycles, not ps */
	const char *source;	/* where the number comes from, or "est." */
};

const struct arch_timing_desc *arch_timing_desc(enum arch_timing t);
/** arch_timing_default() - @t's default on arch @id (its own, or def_ps). */
uint64_t arch_timing_default(enum arch_id id, enum arch_timing t);
int arch_timing_find(const char *key);	/* -1 when unknown */
/* Convert a table value to cycles of @clock_mhz, rounding up. */
uint64_t arch_ps_to_cycles(uint64_t ps, uint64_t clock_mhz);

/*
 * Step result names beyond errnos and TDISP errors: the firmware error
 * names of every built-in profile, for `expect:` validation and
 * `tsmsim list results`.  Returns NULL past the end.
 */
struct arch_result_desc {
	const char *name;
	enum arch_id arch;
	const char *meaning;
	const char *source;
};
const struct arch_result_desc *arch_result_at(size_t i);
bool arch_result_known(const char *name);


/* ------------------------------------------------------------ profiles */

/*
 * The rules of docs/arch/rules.md, one value each.  A rule's type says
 * how its value is read:
 *  ARCH_RT_RESULT:  an access result (enum sim_result).  For the host and
 *                   P2P rows, SIM_RES_UR means "the arch lets the access
 *                   through and the device rejects it"; any other result
 *                   ends the access at the arch check.
 *  ARCH_RT_FINDING: a finding kind (enum sim_finding_kind) or -1 (none)
 *  ARCH_RT_BOOL:    0 / 1
 *  ARCH_RT_SIZE:    bytes
 * "locked" = the TDI is not CONFIG_UNLOCKED; "owned" = the MMIO pages have
 * changed owner (tdx: MMIO tracking at bind; sev: RMP assign at private
 * map; cca: granule delegate at private map).
 */
enum arch_rule {
	AR_HOST_READ_LOCKED,	/* host / shared CPU read, TEE MMIO, locked, not owned */
	AR_HOST_WRITE_LOCKED,
	AR_HOST_READ_OWNED,	/* ... after the owner change */
	AR_HOST_WRITE_OWNED,
	AR_P2P_LOCKED,		/* T=0 DMA (IOMMU P2P) to TEE MMIO, locked, not owned */
	AR_P2P_OWNED,		/* ... after the owner change */
	AR_T0_PRIVATE_DRAM,	/* T=0 DMA to a confidential guest's private RAM */
	AR_PRIV_UNACCEPTED,	/* guest private access before accept / validate */
	AR_LATENT_AT_LOCK,	/* finding for a live hyp mapping at LOCK */
	AR_LATENT_AT_OWNER,	/* finding for a live hyp mapping at the owner change */
	AR_LATENT_AT_MAP,	/* ... at the first private map of the range */
	AR_GUEST_S2_EXPECTED,	/* the guest's own shared stage-2 entry is exempt (sev) */
	AR_TEARDOWN_UNMAP_LOCKED, /* private MMIO unmapped while not UNLOCKED: teardown-order */
	AR_TEARDOWN_VM_BOUND,	/* VM destroyed with a bound TDI: teardown-order */
	AR_VALIDATE_BEFORE_START, /* guest.accept validates first, then START (cca) */
	AR_MAX_PRIVATE_PAGE,	/* largest page for private device memory */
	AR_NR
};

enum arch_rule_type {
	ARCH_RT_RESULT,
	ARCH_RT_FINDING,
	ARCH_RT_BOOL,
	ARCH_RT_SIZE,
};

struct arch_rule_desc {
	const char *key;	/* the profile file's `rules:` key */
	enum arch_rule_type type;
	const char *help;
};

/** arch_rule_desc() - key, type and help of @r, or NULL when out of range. */
const struct arch_rule_desc *arch_rule_desc(enum arch_rule r);
/** arch_rule_find() - the rule named @key, or -1. */
int arch_rule_find(const char *key);

#define ARCH_NAME_MAX	64
#define ARCH_SRC_MAX	160

/**
 * struct arch_profile - one architecture as data (docs/scenarios.md).
 * @name:       "tdx", or the profile file's `name:` (default: its path)
 * @base:       which implementation runs it
 * @timing_ps:  latency table by enum arch_timing (ps, or cycles when the
 *              key's desc says in_cycles or @timing_cycles is set)
 * @timing_cycles: the value was given as a plain integer: cycles
 * @timing_src: where each value comes from
 * @rule:       rule values by enum arch_rule (see enum arch_rule_type)
 * @rule_src:   where each rule comes from
 *
 * Plain data, no pointers into the heap: copy it freely.
 */
struct arch_profile {
	char name[ARCH_NAME_MAX];
	enum arch_id base;
	uint64_t timing_ps[AT_NR];
	bool timing_cycles[AT_NR];
	char timing_src[AT_NR][ARCH_SRC_MAX];
	int64_t rule[AR_NR];
	char rule_src[AR_NR][ARCH_SRC_MAX];
};

/**
 * arch_profile_builtin() - copy the built-in profile "tdx", "sev" or
 * "cca" into @out (built from static const tables: no mutable statics).
 * Returns 0, or -ENOENT for other names.
 */
int arch_profile_builtin(const char *name, struct arch_profile *out);
/** arch_profile_builtin_id() - the same by id; -ENOENT when out of range. */
int arch_profile_builtin_id(enum arch_id id, struct arch_profile *out);

/**
 * struct arch_diag - where profile-file errors go.
 * @fn:    called once per error with "FILE:LINE:COL: error: MSG" (no
 *         newline); may be NULL
 * @ctx:   for @fn
 * @count: errors reported so far (the loader adds to it)
 */
struct arch_diag {
	void (*fn)(void *ctx, const char *msg);
	void *ctx;
	unsigned int count;
};

/**
 * arch_profile_load() - read a profile file: `base: tdx|sev|cca`
 * (required), optional `name:`, `description:`, `timing: {key: duration}`
 * (ns/us/ms suffix, or a plain integer = cycles) and `rules: {key: value}`
 * (results by name, findings by name or `none`, booleans, sizes).
 * Reports every error found, not just the first, through @diag.
 * Returns 0; -ENOENT / -EACCES when the file cannot be read (one
 * diagnostic too); -EINVAL when it had errors (then @out is undefined).
 */
int arch_profile_load(const char *path, struct arch_profile *out,
		      struct arch_diag *diag);
/* The same from @len bytes of @text, named @path in diagnostics (fuzzing). */
int arch_profile_load_text(const char *path, const char *text, size_t len,
			   struct arch_profile *out, struct arch_diag *diag);

/**
 * arch_profile_resolve() - a built-in name or a profile file path.
 * Same returns as arch_profile_load(); a built-in is copied into @out.
 */
int arch_profile_resolve(const char *name_or_path, struct arch_profile *out,
			 struct arch_diag *diag);

/**
 * arch_profile_set_rule() - set rule @key from the text @val (the file's
 * and --set's syntax) with @src as its source.  -ENOENT unknown key,
 * -EINVAL bad value.
 */
int arch_profile_set_rule(struct arch_profile *p, const char *key,
			  const char *val, const char *src);
/**
 * arch_profile_set_timing() - set timing @key from "2us", "150ns",
 * "3ms", "1s" or a plain integer (cycles).  -ENOENT / -EINVAL, -ERANGE
 * above ARCH_TIMING_MAX_CYCLES / ARCH_TIMING_MAX_PS.
 */
int arch_profile_set_timing(struct arch_profile *p, const char *key,
			    const char *val, const char *src);

/**
 * arch_profile_cycles() - fill @t[AT_NR] with the profile's latencies in
 * cycles of @clock_mhz (rounded up).
 */
void arch_profile_cycles(const struct arch_profile *p, uint64_t clock_mhz,
			 uint64_t *t);

/**
 * arch_profile_rule_str() - the value of @r as the file syntax writes it
 * ("mce", "latent-host-fault", "none", "true", "2MiB") into @buf.
 */
const char *arch_profile_rule_str(const struct arch_profile *p,
				  enum arch_rule r, char *buf, size_t len);

/**
 * arch_profile_print() - `tsmsim list arches`: every rule and latency of
 * @p with its source, one per line, through @out (@ctx, a line without
 * newline).
 */
void arch_profile_print(const struct arch_profile *p,
			void (*out)(void *ctx, const char *line), void *ctx);

/* ------------------------------------------------------------ the model */

/*
 * Everything below is the contract between the platform (models/platform:
 * the access pipelines), the host stack (models/host: KVM, TSM layer) and
 * the three arch implementations.  An implementation owns its stage-2
 * tables (shared and private), its firmware state (S-EPT MMIO page states,
 * RMP entries, GPT PAS + RTT) and its firmware calls; it reaches the device
 * through models/pcie and the IOMMU through models/iommu.
 */
struct sim;
struct sim_seq;
struct mem;
struct mem_mapping;
struct iommu;
struct pcie_fabric;
struct pcie_dev;
struct arch;
struct arch_vm;

/**
 * struct arch_env - the models an arch instance works with.
 * @t: the latency table in cycles of the scenario clock, by enum
 *     arch_timing (profile defaults, then profile file, then `timing:`);
 *     arch_profile_cycles() fills one.  Must outlive the instance.
 */
struct arch_env {
	struct sim *s;
	struct mem *mem;
	struct iommu *iommu;
	struct pcie_fabric *fab;
	const uint64_t *t;
};

/* How a guest CPU access resolved in the stage-2 (before the device). */
enum arch_xlate_status {
	ARCH_X_OK,		/* mapped: go on to the target */
	ARCH_X_NOT_MAPPED,	/* no entry: KVM may fault it in (retried) */
	ARCH_X_FAULT,		/* a fault nobody resolves: result `fault` */
	ARCH_X_UNACCEPTED,	/* private page not accepted / validated: `fault` */
};

/**
 * struct arch_xlate - one guest CPU translation.
 * @hpa:     where it lands (valid for ARCH_X_OK)
 * @lat:     cycles the translation cost (TLB hit or walk)
 * @map_id:  the mem.h mapping used (0 when none)
 * @detail:  "EPT violation: MMIO_PENDING", "#VC: not validated", ...
 */
struct arch_xlate {
	enum arch_xlate_status status;
	uint64_t hpa;
	uint64_t lat;
	uint64_t map_id;
	const char *detail;
};

/**
 * struct arch_check - the arch's verdict on an access that reached an HPA.
 * @result: SIM_RES_OK (pass it on to DRAM / the device, which may still
 *          reject it with `ur`), or the result the access ends with here
 *          (SIM_RES_MCE, SIM_RES_HOST_FAULT, SIM_RES_FAULT)
 * @detail: why, for the trace and the finding's explanation
 */
struct arch_check {
	int result;		/* enum sim_result */
	const char *detail;
	/*
	 * dma_check: every HPA in [same_lo, same_hi] gets this same answer
	 * until the next event.  The caller sets the access's own 4 KiB page;
	 * a check that knows its answer holds wider (a guest's RAM region)
	 * may widen it.  Run-ahead repeats use it (docs/performance.md).
	 */
	uint64_t same_lo, same_hi;
};

/*
 * A bind or an unbind as an explicit phase plan: the arch returns its
 * phases in its order, the host executes them one after the other on the
 * operation's sequence.  Bind: the host's phase (VFIO's part, which
 * settles the device's mappings before LOCK) comes first and runs at
 * once, then the arch's firmware phases (create, LOCK + report, tracking
 * / DMA metadata).  Unbind: a firmware phase (@push set) appends the arch's
 * sub-operations (STOP relayed through the firmware, the metadata
 * removal); the host's phase (@push NULL) is the dma-buf revoke and the
 * KVM unmap of the private dma-buf, which the host runs when the
 * sequence reaches it (its zap needs the state after the phases before
 * it) and then goes on with the next phase.  Without a host (the arch's
 * own tests) arch_unbind_unmap() stands in for it.  The plan is the
 * operation's: it lives with the caller, not on the TDI.
 */
#define ARCH_MAX_PHASES	4
struct arch_phase_plan;
struct arch_phase {
	const char *name;	/* the sub-operation name of a host phase */
	void (*push)(const struct arch_phase_plan *plan, void *ctx,
		     struct sim_seq *q);
	void *ctx;
};
struct arch_phase_plan {
	struct arch *a;
	struct pcie_dev *dev;
	struct arch_vm *vm;	/* bind: the VM the TDI is bound to */
	struct arch_phase v[ARCH_MAX_PHASES];
	size_t n;
};
/** arch_unbind_unmap() - the host phase without a host: unmap the TDI's private MMIO. */
void arch_unbind_unmap(const struct arch_phase_plan *plan,
		       struct sim_seq *q);

/**
 * struct arch_ops - one architecture (docs/arch/rules.md).
 *
 * Operations push their sub-operations (firmware calls, TDISP messages,
 * table edits) on @q with latencies from env->t and return NULL, or
 * return a result name at once (nothing pushed).  A pushed sub-operation
 * ends the sequence with a result name when it fails.  Result names:
 * errnos, TDISP error names, or the arch's firmware names
 * (arch_result_at()).  Every firmware call emits SIM_REC_FIRMWARE; owner
 * changes of MMIO emit SIM_REC_OWNER.
 *
 * @name:       "tdx", "sev" or "cca"
 * @create:     an instance on @env with a copy of @prof; NULL on ENOMEM
 * @destroy:    free it (uninstalls the trusted DMA paths)
 * @vm_create:  a guest; @addr_bits: tdx gpaw (48 / 52), cca ipa_bits,
 *              0 = default (48); ignored on sev.  NULL on bad @addr_bits
 * @vm_ram:     guest RAM GPA [@gpa, @gpa + @size) is at @hpa; @priv:
 *              private (TD keyed / RMP assigned / Realm PAS), so T=0 DMA
 *              to it meets AR_T0_PRIVATE_DRAM; shared RAM (bounce
 *              buffers) is declared with !@priv.  Call once per range
 * @vm_destroy: destroy a guest (the arch's teardown); private MMIO
 *              mappings of the VM go with it.  A TDI still bound to it
 *              when the teardown runs: tdx fails it
 *              (TDX_TD_ASSOCIATED_PAGES_EXIST: the DEVIF is a child of the
 *              TD), sev and cca drop the binding (unsourced)
 * @map_shared: KVM's shared stage-2 (EPT / NPT / NS stage-2) entry, now
 *              (no sub-operations).  When *@map_id is 0 it publishes a
 *              SIM_MAP_S2_SHARED mapping (populated) and returns its id;
 *              a caller that already published one (KVM's memslot) passes
 *              its id in and the entries become part of it.  "EEXIST" when
 *              the GPA range is taken (sev: by a private mapping too),
 *              "EINVAL" on misalignment
 * @unmap_shared: remove the shared entries of [@gpa, @gpa + @size), now;
 *              "ENOENT" when nothing was there
 * @map_private: private MMIO through the firmware (tdx TDH.MMIO.MAP per
 *              page; sev NPT + RMPUPDATE; cca delegate + RMI_VDEV_MAP), a
 *              sub-operation per page of @page_size costing
 *              fw_mmio_map_page; publishes SIM_MAP_S2_PRIVATE.  The TDI
 *              must be bound to @vm ("EINVAL"); a page size the profile
 *              forbids is "EINVAL" (cca: RMI_ERROR_INPUT)
 * @unmap_private: remove the private mappings covering exactly the whole
 *              ranges in [@gpa, @gpa + @size) (tdx: BLOCK, IQINV, UNMAP;
 *              sev: NPT + RMP reclaim; cca: RMI_VDEV_UNMAP + undelegate).
 *              tdx's firmware refuses the UNMAP while the TDI is locked
 *              and its IDE stream not blocked: with !@must (a userspace
 *              unmap) the sequence fails with the firmware error; with
 *              @must (an importer's move_notify, which cannot fail) the
 *              host's error path STOPs the TDI first (or, when STOP
 *              fails, blocks the stream) and unmaps
 * @connect:    SPDM session (spdm_session), then IDE keys of stream 0
 *              (ide_keys) when @ide
 * @bind:       docs/scenarios.md "What `tsm.bind` does"; TDI ends
 *              CONFIG_LOCKED.  The plan in @plan (host's VFIO part,
 *              then the arch's firmware phases); nothing pushed.
 *              "EBUSY" already bound, "EINVAL" @vm not confidential;
 *              the pushed LOCK fails with its TDISP error name, or
 *              "ETIMEDOUT" after doe_timeout when LOCK was dropped
 * @unbind:     the plan of tsm.unbind in @plan (struct arch_phase_plan:
 *              STOP, the host's revoke + unmap, firmware metadata, in the
 *              arch's order); nothing pushed yet, @q is the sequence the
 *              phases will run on.  "EINVAL" when not bound
 * @refresh_report: the host fetches the interface report again through
 *              the firmware (cca: bumps the report sequence number, so a
 *              guest's older view is stale)
 * @guest_validate: accept (tdx) / validate (sev, cca) the TDI's mapped TEE
 *              ranges, all of them (@bar < 0) or BAR @bar; first firmware
 *              error ends it
 * @guest_start: the guest authorises START (TDISP START_INTERFACE)
 * @guest_accept: both, in the profile's order (AR_VALIDATE_BEFORE_START)
 *
 * Access hooks (the hot path; no allocation, no sub-operations):
 * @guest_xlate: guest CPU access at @gpa (without the shared / protected
 *               bit) through the private (@priv) or shared view.  Covers
 *               device MMIO mapped through this arch and the guest's RAM
 * @host_check:  a hypervisor-side CPU access (host mmap, kernel, or a
 *               guest's shared-view access) reaching @hpa (rules
 *               AR_HOST_*)
 * @dma_check:   a DMA by @rid with T=@tee reaching @hpa after translation
 *               (rules AR_P2P_*, AR_T0_PRIVATE_DRAM)
 */
struct arch_ops {
	const char *name;
	struct arch *(*create)(const struct arch_env *env,
			       const struct arch_profile *prof);
	void (*destroy)(struct arch *a);

	struct arch_vm *(*vm_create)(struct arch *a, const char *name,
				     bool confidential, unsigned int addr_bits);
	void (*vm_ram)(struct arch *a, struct arch_vm *vm, uint64_t gpa,
		       uint64_t hpa, uint64_t size, bool priv);
	const char *(*vm_destroy)(struct arch *a, struct arch_vm *vm,
				  struct sim_seq *q);

	const char *(*map_shared)(struct arch *a, struct arch_vm *vm,
				  uint64_t gpa, uint64_t hpa, uint64_t size,
				  uint64_t page_size, uint64_t *map_id);
	const char *(*unmap_shared)(struct arch *a, struct arch_vm *vm,
				    uint64_t gpa, uint64_t size);
	const char *(*map_private)(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, unsigned int bar,
				   uint64_t gpa, uint64_t offset, uint64_t size,
				   uint64_t page_size, struct sim_seq *q);
	const char *(*unmap_private)(struct arch *a, struct arch_vm *vm,
				     uint64_t gpa, uint64_t size, bool must,
				     struct sim_seq *q);

	const char *(*connect)(struct arch *a, struct pcie_dev *dev, bool ide,
			       struct sim_seq *q);
	const char *(*bind)(struct arch *a, struct arch_vm *vm,
			    struct pcie_dev *dev, struct sim_seq *q,
			    struct arch_phase_plan *plan);
	const char *(*unbind)(struct arch *a, struct pcie_dev *dev,
			      struct sim_seq *q, struct arch_phase_plan *plan);
	const char *(*refresh_report)(struct arch *a, struct pcie_dev *dev,
				      struct sim_seq *q);
	const char *(*guest_validate)(struct arch *a, struct arch_vm *vm,
				      struct pcie_dev *dev, int bar,
				      struct sim_seq *q);
	const char *(*guest_start)(struct arch *a, struct arch_vm *vm,
				   struct pcie_dev *dev, struct sim_seq *q);
	const char *(*guest_accept)(struct arch *a, struct arch_vm *vm,
				    struct pcie_dev *dev, int bar,
				    struct sim_seq *q);

	void (*guest_xlate)(struct arch *a, struct arch_vm *vm, uint64_t gpa,
			    bool priv, bool write, struct arch_xlate *out);
	void (*host_check)(struct arch *a, uint64_t hpa, bool write,
			   struct arch_check *out);
	void (*dma_check)(struct arch *a, uint16_t rid, uint64_t hpa, bool tee,
			  bool write, struct arch_check *out);
};

/* One rule's default on an arch, with its source (docs/arch/rules.md). */
struct arch_rule_default {
	int64_t v;
	const char *src;
};

/* A latency default where the arch differs from the shared table's. */
struct arch_timing_default {
	enum arch_timing t;
	uint64_t ps;
};

/**
 * struct arch_desc - one architecture, everything it does differently:
 * its ops table (its firmware sequences; the shared ops come from
 * ARCH_COMMON_OPS in its file), its rule defaults with sources, its
 * latency defaults where they differ, and its firmware result names.
 * Its wording (firmware call names, fault details, the hazard in words)
 * sits behind @ops in the arch's private data.  Defined in the arch's
 * file, listed once in ARCH_REGISTRY.
 */
struct arch_desc {
	const char *name;
	const struct arch_ops *ops;
	/*
	 * 0: GPAs stay below bit addr_bits - 1, which is the shared bit
	 * (tdx GPAW, cca top IPA bit); else GPAs stay below this bit and the
	 * GPA carries no shared bit (sev: the C-bit is in the page table)
	 */
	unsigned int addr_limit_bit;
	/* that bit in words: a format taking (bit, addr_bits) */
	const char *gpa_bit_words;
	const struct arch_rule_default *rules;		/* [AR_NR] */
	const struct arch_timing_default *timing;
	size_t ntiming;
	const struct arch_result_desc *results;
	size_t nresults;
};

#define ARCH_DESC_DECL_(ID, name) extern const struct arch_desc arch_##name##_desc;
ARCH_REGISTRY(ARCH_DESC_DECL_)
#undef ARCH_DESC_DECL_

/** arch_desc_get() - the registered arch @id, or NULL when out of range. */
const struct arch_desc *arch_desc_get(enum arch_id id);
/**
 * arch_profile_from_desc() - the built-in profile of @d into @out, named
 * @d->name with base @base (a registered arch's own id; a test's toy arch
 * passes the id whose results it borrows).
 */
void arch_profile_from_desc(const struct arch_desc *d, enum arch_id base,
			    struct arch_profile *out);

/** arch_ops_get() - the implementation of @id, or NULL when out of range. */
const struct arch_ops *arch_ops_get(enum arch_id id);

/** arch_profile_of() - the instance's profile (its own copy). */
const struct arch_profile *arch_profile_of(const struct arch *a);

/**
 * arch_vm_addr() - the address the guest really issues for @gpa: tdx sets
 * the shared bit (gpaw - 1) when !@priv, cca the top IPA bit when !@priv,
 * sev returns @gpa (the C-bit is in the guest page table, not the GPA).
 */
uint64_t arch_vm_addr(const struct arch *a, const struct arch_vm *vm,
		      uint64_t gpa, bool priv);
/**
 * arch_gpa_limit() - the shared / protected bit of arch @id for a guest of
 * @addr_bits (tdx gpaw, cca ipa_bits; 0 = the default 48): tdx and cca
 * 1 << (@addr_bits - 1), sev the C-bit 1 << 51.  A GPA written without the
 * bit is below it.
 */
uint64_t arch_gpa_limit(enum arch_id id, unsigned int addr_bits);
/**
 * arch_gpa_bit_words() - that bit in the arch's words ("the shared bit
 * (GPA bit 47, gpaw 48)") into @buf; NULL for an unknown @id.
 */
const char *arch_gpa_bit_words(enum arch_id id, unsigned int addr_bits,
			       char *buf, size_t len);
/** arch_vm_addr_limit() - GPAs (without the bit) must be below this. */
uint64_t arch_vm_addr_limit(const struct arch *a, const struct arch_vm *vm);

/**
 * arch_latent_scan() - the latent-mapping rule at @event for @dev's TEE
 * MMIO: the CPU-reachable hypervisor-side mappings (MEM_CPU_HYP_KINDS) now reaching it,
 * minus the guest's own shared stage-2 entries when AR_GUEST_S2_EXPECTED.
 * @event: "lock" (AR_LATENT_AT_LOCK), "map" (AR_LATENT_AT_MAP) or
 *         "owner" (AR_LATENT_AT_OWNER)
 * @finding: out: the finding kind the profile names, -1 for none
 * Fills up to @max in @out; returns how many there are (0 when the rule
 * is none).  For tests and the checkers' explanations.
 */
size_t arch_latent_scan(struct arch *a, struct pcie_dev *dev,
			const char *event, const struct mem_mapping **out,
			size_t max, int *finding);

/**
 * arch_tdi_owned() - has @hpa (TEE MMIO of a TDI) changed owner?  For
 * checkers and tests; the hot path uses host_check / dma_check.
 */
bool arch_tdi_owned(const struct arch *a, uint64_t hpa);
/**
 * arch_vm_bound_check() - the rule AR_TEARDOWN_VM_BOUND for @vm, now: one
 * teardown-order fact per TDI still bound to it; returns how many are.
 * The host calls it when a guest destroy starts (before it unbinds them).
 */
size_t arch_vm_bound_check(struct arch *a, const struct arch_vm *vm);
/**
 * arch_one_s2_entry() - does one stage-2 entry per GPA serve the private
 * and the shared view (sev's NPT), so KVM refuses a shared and a private
 * slot at the same GPA?  tdx and cca keep two tables.
 */
bool arch_one_s2_entry(const struct arch *a);
/** arch_tdi_bound() - is @dev bound (to any guest) now? */
bool arch_tdi_bound(const struct arch *a, const struct pcie_dev *dev);
/**
 * arch_accept_exits() - does the guest's accept of a page with no private
 * mapping exit to the host, which may then map a pending private slot
 * (tdx: TDG.MMIO.ACCEPT takes an EPT violation)?  sev and cca do not: the
 * validate fails (NOT_MAPPED, the RSI error).
 */
bool arch_accept_exits(const struct arch *a);

#endif /* TSMSIM_MODELS_ARCH_ARCH_H */
