// SPDX-License-Identifier: MIT
/*
 * timing.c - the latency table of the built-in profiles and the firmware
 * result names.  Every number is an estimate unless its source says
 * otherwise (domain.md §5 gives the ranges; we take a point inside each
 * range and say which).  A scenario's `timing:` block or a profile file
 * overrides any of them.
 */
#include <string.h>

#include "arch.h"

#define NS(x) ((uint64_t)(x) * 1000ULL)
#define US(x) ((uint64_t)(x) * 1000000ULL)
#define MS(x) ((uint64_t)(x) * 1000000000ULL)
#define ALL3(v) { v, v, v }

static const struct arch_timing_desc timing_tab[AT_NR] = {
	[AT_IOTLB_HIT] = { "iotlb_hit", "IOTLB lookup, paid by every translated DMA",
		ALL3(NS(3)), false, "est. 2-5 ns (domain.md §5)" },
	[AT_WALK_LEVEL] = { "walk_level", "IOMMU page-table walk, per level, on an IOTLB miss",
		ALL3(NS(100)), false, "est. 80-120 ns, one DRAM read (domain.md §5)" },
	[AT_IOTLB_INVAL] = { "iotlb_inval", "IOTLB invalidation, queued until its wait descriptor completes",
		ALL3(US(2)), false, "est. 1-5 us (domain.md §5)" },
	[AT_DEVTLB_INVAL] = { "devtlb_inval", "ATS device-TLB invalidation",
		ALL3(US(10)), false, "est. 2-20 us (domain.md §5)" },
	[AT_FABRIC] = { "fabric", "PCIe fabric traversal of one request (root port to function)",
		ALL3(NS(250)), false, "est." },
	[AT_MEMORY] = { "memory", "DRAM access behind a translated DMA",
		ALL3(NS(80)), false, "est." },
	[AT_MMIO_DECODE] = { "mmio_decode", "device decode of an inbound MMIO request",
		ALL3(NS(50)), false, "est." },
	[AT_CPU_TLB_HIT] = { "cpu_tlb_hit", "CPU TLB hit on a guest or host access",
		ALL3(NS(1)), false, "est." },
	[AT_S2_WALK_LEVEL] = { "s2_walk_level", "CPU stage-2 walk, per level, on a TLB miss",
		ALL3(NS(25)), false, "est. (walk caches usually hit)" },
	[AT_VMEXIT] = { "vmexit", "guest exit + re-entry round trip",
		ALL3(NS(1500)), false, "est." },
	[AT_KVM_FAULT_IN] = { "kvm_fault_in", "KVM resolving a stage-2 fault on first access (beyond the exit)",
		ALL3(US(5)), false, "est." },
	[AT_KVM_ZAP] = { "kvm_zap", "KVM range zap + TLB shootdown",
		ALL3(US(20)), false, "est. 5-50 us (domain.md §5)" },
	[AT_DOE_ROUNDTRIP] = { "doe_roundtrip", "one DOE/SPDM request-response round trip",
		ALL3(US(500)), false, "est. 50 us - 5 ms (domain.md §5)" },
	[AT_DOE_TIMEOUT] = { "doe_timeout", "DOE timeout: a dropped TDISP request fails after it",
		ALL3(MS(1000)), false, "1 s: drivers/pci/doe.c PCI_DOE_TIMEOUT, PCIe r6.0 §6.30.2" },
	[AT_SPDM_SESSION] = { "spdm_session", "SPDM session set-up (KEY_EXCHANGE with signing)",
		ALL3(MS(20)), false, "est. 1-50 ms (domain.md §5)" },
	[AT_IDE_KEYS] = { "ide_keys", "IDE_KM key programming for one stream",
		ALL3(MS(5)), false, "est." },
	[AT_TDISP_LOCK] = { "tdisp_lock", "LOCK_INTERFACE (device quiesces and locks config)",
		ALL3(MS(10)), false, "est. 1-100 ms, device dependent (domain.md §5)" },
	[AT_TDISP_STOP] = { "tdisp_stop", "STOP_INTERFACE (quiesce and scrub)",
		ALL3(MS(10)), false, "est. 1-100 ms, device dependent (domain.md §5)" },
	[AT_TDISP_START] = { "tdisp_start", "START_INTERFACE",
		ALL3(US(500)), false, "est.: one DOE round trip" },
	[AT_TDISP_REPORT] = { "tdisp_report", "GET_DEVICE_INTERFACE_REPORT, one portion",
		ALL3(US(500)), false, "est.: one DOE round trip" },
	[AT_TDISP_SMALL] = { "tdisp_small", "other TDISP requests (version, capabilities, state, P2P, MMIO attribute)",
		ALL3(US(500)), false, "est.: one DOE round trip" },
	[AT_FW_CALL] = { "fw_call", "one firmware call: SEAMCALL/TDCALL (tdx), PSP command (sev), RMI/RSI SMC (cca)",
		{ US(2), US(1000), US(2) }, false,
		"est.: SEAMCALL 1-3 us, PSP command 0.1-10 ms, RMI/RSI SMC 1-3 us (domain.md §5)" },
	[AT_FW_MMIO_MAP_PAGE] = { "fw_mmio_map_page", "private MMIO map, per 4 KiB page (TDH.MMIO.MAP / NPT update / RMI_VDEV_MAP)",
		{ NS(3500), NS(500), US(2) }, false,
		"est.: TDH.MMIO.MAP 2-5 us per 4 KiB; NPT update; RMI SMC 1-3 us (domain.md §5)" },
	[AT_RMPUPDATE_PAGE] = { "rmpupdate_page", "RMPUPDATE, per page (sev)",
		ALL3(US(1)), false, "est. 0.5-2 us per page (domain.md §5)" },
	[AT_PSP_CMD] = { "psp_cmd", "PSP command for SEV-TIO (bind, unbind, report, guest requests)",
		ALL3(US(1000)), false, "est. 0.1-10 ms (domain.md §5)" },
	[AT_GPT_UPDATE] = { "gpt_update", "granule delegate: GPT update via EL3 + TLBI PAALLOS, per granule (cca)",
		ALL3(US(5)), false, "est. 2-10 us (domain.md §5)" },
	[AT_IMPORTER_UNMAP] = { "importer_unmap", "a dma-buf importer unmapping after move_notify",
		ALL3(US(10)), false, "est." },
	[AT_IOCTL] = { "ioctl", "one VFIO / iommufd / KVM ioctl's fixed cost",
		ALL3(US(1)), false, "est." },
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

static const char *const arch_names[ARCH_NR] = {
	[ARCH_TDX] = "tdx",
	[ARCH_SEV] = "sev",
	[ARCH_CCA] = "cca",
};

const char *arch_id_name(enum arch_id id)
{
	return (unsigned int)id < ARCH_NR ? arch_names[id] : "?";
}

int arch_id_parse(const char *name)
{
	for (int i = 0; i < ARCH_NR; i++)
		if (!strcmp(name, arch_names[i]))
			return i;
	return -1;
}

/*
 * Firmware error names a step may end with.  TDX: TDX module ABI accept
 * errors as listed in domain.md §2 [ovmm]; SEV: the TIO guest message
 * errors of [tio-g] (names, not numbers: the numbers drift between
 * revisions); CCA: RMI/RSI return codes of TF-RMM smc-rmi.h / smc-rsi.h.
 */
static const struct arch_result_desc result_tab[] = {
	{ "TDX_OPERAND_INVALID", ARCH_TDX, "a SEAMCALL operand is invalid", "[tdxh]" },
	{ "TDX_OPERAND_BUSY", ARCH_TDX, "a SEAMCALL operand is locked by another call", "[tdxh]" },
	{ "PAGE_ALREADY_ACCEPTED", ARCH_TDX, "TDG.TDI.MMIO.ACCEPT on an accepted page", "[ovmm]" },
	{ "MMIO_PAGE_NOT_IN_ASSOC_RANGE", ARCH_TDX, "accept of a page outside the TDI's reported ranges", "[ovmm]" },
	{ "MMIO_TDI_OWNER_MISMATCH", ARCH_TDX, "accept of MMIO owned by another TDI", "[ovmm]" },
	{ "MMIO_INVALID_HPA_OFFSET", ARCH_TDX, "the host mapped a different HPA offset than the report", "[ovmm]" },
	{ "TDI_INVALID_STATE", ARCH_TDX, "the TDI is not in the state the call needs", "[ovmm]" },
	{ "TDX_DEVIF_TDISP_INVALID_STATE", ARCH_TDX, "TDH.MMIO.UNMAP while the TDI is locked and its IDE stream not blocked", "tdx-module tdh_mmio_unmap.c" },
	{ "TDX_DEVIF_INVALID_STATE", ARCH_TDX, "TDH.DEVIF.REMOVE while the TDI is locked and its IDE stream not blocked", "tdx-module tdh_devif_remove.c" },
	{ "TDX_DEVIF_HAS_MAPPED_DMA", ARCH_TDX, "TDH.DEVIF.REMOVE with the trusted DMA (DMAR) still added", "tdx-module tdh_devif_remove.c" },
	{ "TDX_DEVIF_HAS_MAPPED_MMIO", ARCH_TDX, "TDH.DEVIF.REMOVE with private MMIO still mapped", "tdx-module tdh_devif_remove.c" },
	{ "TDX_TD_ASSOCIATED_PAGES_EXIST", ARCH_TDX, "TD teardown while a DEVIF (a child of the TD) is left", "tdx-module tdh_phymem_page_reclaim.c" },
	{ "INVALID_TDI", ARCH_SEV, "SDTE_WRITE / MMIO_VALIDATE for an unknown TDI", "[tio-g]" },
	{ "TDI_NOT_BOUND", ARCH_SEV, "the TDI is not bound to this guest", "[tio-g]" },
	{ "NOT_ASSIGNED", ARCH_SEV, "the RMP entry of the MMIO page is not assigned", "[tio-g]" },
	{ "NOT_UNIFORM", ARCH_SEV, "the range's RMP entries differ", "[tio-g]" },
	{ "NOT_IMMUTABLE", ARCH_SEV, "the RMP entry is not immutable", "[tio-g]" },
	{ "NOT_MAPPED", ARCH_SEV, "the host NPT does not map the expected GPA", "[tio-g]" },
	{ "NOT_REPORTED", ARCH_SEV, "the range is not in the interface report", "[tio-g]" },
	{ "OUT_OF_RANGE", ARCH_SEV, "the subrange lies outside the range", "[tio-g]" },
	{ "RMI_ERROR_INPUT", ARCH_CCA, "an RMI argument is invalid", "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_REALM", ARCH_CCA, "the realm is in the wrong state", "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_RTT", ARCH_CCA, "the RTT walk ended at the wrong level or state", "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_DEVICE", ARCH_CCA, "the PDEV or VDEV is in the wrong state", "[rmm] smc-rmi.h" },
	{ "RMI_ERROR_GPT", ARCH_CCA, "the granule is not in the PAS the call needs", "[rmm]" },
	{ "RSI_ERROR_INPUT", ARCH_CCA, "an RSI argument is invalid", "[rmm] smc-rsi.h" },
	{ "RSI_ERROR_STATE", ARCH_CCA, "stale lock nonce or sequence numbers, or wrong VDEV state", "[rmm] smc-rsi.h" },
};

const struct arch_result_desc *arch_result_at(size_t i)
{
	return i < sizeof(result_tab) / sizeof(result_tab[0]) ? &result_tab[i] : NULL;
}

bool arch_result_known(const char *name)
{
	for (size_t i = 0; arch_result_at(i); i++)
		if (!strcmp(result_tab[i].name, name))
			return true;
	return false;
}
