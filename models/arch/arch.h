/* SPDX-License-Identifier: MIT */
/*
 * arch.h - the architecture models behind one interface: the arch
 * profiles (latency table + the rules of contract section 8) and the
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

enum arch_id {
	ARCH_TDX,
	ARCH_SEV,
	ARCH_CCA,
	ARCH_NR
};
const char *arch_id_name(enum arch_id id);
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

struct arch_timing_desc {
	const char *key;	/* the scenario's `timing:` key */
	const char *help;
	uint64_t def_ps[ARCH_NR];	/* default per arch, picoseconds */
	bool in_cycles;		/* def_ps holds cycles, not ps */
	const char *source;	/* where the number comes from, or "est." */
};

const struct arch_timing_desc *arch_timing_desc(enum arch_timing t);
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

#endif /* TSMSIM_MODELS_ARCH_ARCH_H */
