// SPDX-License-Identifier: MIT
/*
 * timing.c - the shared latency table, the arch registry and the firmware
 * result names of every registered arch (each arch's file holds its own
 * latencies where they differ, its rules and its result names).  Every
 * number is an estimate unless its source says otherwise (docs/sources.md gives the ranges; we take a point inside each
 * range and say which).  A scenario's `timing:` block or a profile file
 * overrides any of them.
 */
#include <string.h>

#include "arch.h"

#define NS(x) ((uint64_t)(x) * 1000ULL)
#define US(x) ((uint64_t)(x) * 1000000ULL)
#define MS(x) ((uint64_t)(x) * 1000000000ULL)

static const struct arch_timing_desc timing_tab[AT_NR] = {
	[AT_IOTLB_HIT] = { "iotlb_hit", "IOTLB lookup, paid by every translated DMA",
		NS(3), false, "est. 2-5 ns (docs/sources.md)" },
	[AT_WALK_LEVEL] = { "walk_level", "IOMMU page-table walk, per level, on an IOTLB miss",
		NS(100), false, "est. 80-120 ns, one DRAM read (docs/sources.md)" },
	[AT_IOTLB_INVAL] = { "iotlb_inval", "IOTLB invalidation, queued until its wait descriptor completes",
		US(2), false, "est. 1-5 us (docs/sources.md)" },
	[AT_DEVTLB_INVAL] = { "devtlb_inval", "ATS device-TLB invalidation",
		US(10), false, "est. 2-20 us (docs/sources.md)" },
	[AT_FABRIC] = { "fabric", "PCIe fabric traversal of one request (root port to function)",
		NS(250), false, "est." },
	[AT_MEMORY] = { "memory", "DRAM access behind a translated DMA",
		NS(80), false, "est." },
	[AT_MMIO_DECODE] = { "mmio_decode", "device decode of an inbound MMIO request",
		NS(50), false, "est." },
	[AT_CPU_TLB_HIT] = { "cpu_tlb_hit", "CPU TLB hit on a guest or host access",
		NS(1), false, "est." },
	[AT_S2_WALK_LEVEL] = { "s2_walk_level", "CPU stage-2 walk, per level, on a TLB miss",
		NS(25), false, "est. (walk caches usually hit)" },
	[AT_VMEXIT] = { "vmexit", "guest exit + re-entry round trip",
		NS(1500), false, "est." },
	[AT_KVM_FAULT_IN] = { "kvm_fault_in", "KVM resolving a stage-2 fault on first access (beyond the exit)",
		US(5), false, "est." },
	[AT_KVM_ZAP] = { "kvm_zap", "KVM range zap + TLB shootdown",
		US(20), false, "est. 5-50 us (docs/sources.md)" },
	[AT_DOE_ROUNDTRIP] = { "doe_roundtrip", "one DOE/SPDM request-response round trip",
		US(500), false, "est. 50 us - 5 ms (docs/sources.md)" },
	[AT_DOE_TIMEOUT] = { "doe_timeout", "DOE timeout: a dropped TDISP request fails after it",
		MS(1000), false, "1 s: drivers/pci/doe.c PCI_DOE_TIMEOUT, PCIe r6.0 §6.30.2" },
	[AT_SPDM_SESSION] = { "spdm_session", "SPDM session set-up (KEY_EXCHANGE with signing)",
		MS(20), false, "est. 1-50 ms (docs/sources.md)" },
	[AT_IDE_KEYS] = { "ide_keys", "IDE_KM key programming for one stream",
		MS(5), false, "est." },
	[AT_TDISP_LOCK] = { "tdisp_lock", "LOCK_INTERFACE (device quiesces and locks config)",
		MS(10), false, "est. 1-100 ms, device dependent (docs/sources.md)" },
	[AT_TDISP_STOP] = { "tdisp_stop", "STOP_INTERFACE (quiesce and scrub)",
		MS(10), false, "est. 1-100 ms, device dependent (docs/sources.md)" },
	[AT_TDISP_START] = { "tdisp_start", "START_INTERFACE",
		US(500), false, "est.: one DOE round trip" },
	[AT_TDISP_REPORT] = { "tdisp_report", "GET_DEVICE_INTERFACE_REPORT, one portion",
		US(500), false, "est.: one DOE round trip" },
	[AT_TDISP_SMALL] = { "tdisp_small", "other TDISP requests (version, capabilities, state, P2P, MMIO attribute)",
		US(500), false, "est.: one DOE round trip" },
	[AT_FW_CALL] = { "fw_call", "one firmware call: SEAMCALL/TDCALL (tdx), PSP command (sev), RMI/RSI SMC (cca)",
		US(2), false,
		"est.: SEAMCALL 1-3 us, PSP command 0.1-10 ms, RMI/RSI SMC 1-3 us (docs/sources.md)" },
	[AT_FW_MMIO_MAP_PAGE] = { "fw_mmio_map_page", "private MMIO map, per 4 KiB page (TDH.MMIO.MAP / NPT update / RMI_VDEV_MAP)",
		US(2), false,
		"est.: TDH.MMIO.MAP 2-5 us per 4 KiB; NPT update; RMI SMC 1-3 us (docs/sources.md)" },
	[AT_RMPUPDATE_PAGE] = { "rmpupdate_page", "RMPUPDATE, per page (sev)",
		US(1), false, "est. 0.5-2 us per page (docs/sources.md)" },
	[AT_PSP_CMD] = { "psp_cmd", "PSP command for SEV-TIO (bind, unbind, report, guest requests)",
		US(1000), false, "est. 0.1-10 ms (docs/sources.md)" },
	[AT_GPT_UPDATE] = { "gpt_update", "granule delegate: GPT update via EL3 + TLBI PAALLOS, per granule (cca)",
		US(5), false, "est. 2-10 us (docs/sources.md)" },
	[AT_IMPORTER_UNMAP] = { "importer_unmap", "a dma-buf importer unmapping after move_notify",
		US(10), false, "est." },
	[AT_IOCTL] = { "ioctl", "one VFIO / iommufd / KVM ioctl's fixed cost",
		US(1), false, "est." },
};

const struct arch_timing_desc *arch_timing_desc(enum arch_timing t)
{
	return (unsigned int)t < AT_NR ? &timing_tab[t] : NULL;
}

int arch_timing_find(const char *key)
{
	for (int i = 0; i < AT_NR; i++)
		if (!strcmp(key, timing_tab[i].key))
			return i;
	return -1;
}

uint64_t arch_ps_to_cycles(uint64_t ps, uint64_t clock_mhz)
{
	/* cycles = ps * MHz / 1e6, rounded up; split to avoid overflow */
	uint64_t q = ps / 1000000ULL, r = ps % 1000000ULL;

	return q * clock_mhz + (r * clock_mhz + 999999ULL) / 1000000ULL;
}

const struct arch_desc *arch_desc_get(enum arch_id id)
{
	static const struct arch_desc *const reg[ARCH_NR] = {
#define ARCH_REG_(ID, name) [ARCH_##ID] = &arch_##name##_desc,
		ARCH_REGISTRY(ARCH_REG_)
#undef ARCH_REG_
	};

	return (unsigned int)id < ARCH_NR ? reg[id] : NULL;
}

uint64_t arch_timing_default(enum arch_id id, enum arch_timing t)
{
	const struct arch_desc *d = arch_desc_get(id);

	for (size_t i = 0; d && i < d->ntiming; i++)
		if (d->timing[i].t == t)
			return d->timing[i].ps;
	return timing_tab[t].def_ps;
}

const char *arch_id_name(enum arch_id id)
{
	const struct arch_desc *d = arch_desc_get(id);

	return d ? d->name : "?";
}

const char *const *arch_names(void)
{
	static const char *const names[ARCH_NR + 1] = {
#define ARCH_NAME_(ID, name) [ARCH_##ID] = #name,
		ARCH_REGISTRY(ARCH_NAME_)
#undef ARCH_NAME_
	};

	return names;
}

int arch_id_parse(const char *name)
{
	for (int i = 0; i < ARCH_NR; i++)
		if (!strcmp(name, arch_desc_get(i)->name))
			return i;
	return -1;
}

/*
 * Firmware error names a step may end with, every registered arch's in
 * registry order (each arch's file lists its own with their sources).
 */
const struct arch_result_desc *arch_result_at(size_t i)
{
	for (int a = 0; a < ARCH_NR; a++) {
		const struct arch_desc *d = arch_desc_get(a);

		if (i < d->nresults)
			return &d->results[i];
		i -= d->nresults;
	}
	return NULL;
}

bool arch_result_known(const char *name)
{
	const struct arch_result_desc *d;

	for (size_t i = 0; (d = arch_result_at(i)); i++)
		if (!strcmp(d->name, name))
			return true;
	return false;
}
