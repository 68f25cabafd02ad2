// SPDX-License-Identifier: MIT
/*
 * profile.c - the built-in arch profiles (contract section 8 as data,
 * every value with its source) and the text forms of rules and
 * durations shared by the profile-file loader and `--set`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "sim.h"

#define KIB(x) ((int64_t)(x) << 10)
#define MIB(x) ((int64_t)(x) << 20)

static const struct arch_rule_desc rule_desc[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { "host_read_locked", ARCH_RT_RESULT,
		"host or shared CPU read of TEE MMIO of a locked TDI, before the owner change" },
	[AR_HOST_WRITE_LOCKED] = { "host_write_locked", ARCH_RT_RESULT,
		"the same for a write" },
	[AR_HOST_READ_OWNED] = { "host_read_owned", ARCH_RT_RESULT,
		"host or shared CPU read of TEE MMIO after the owner change" },
	[AR_HOST_WRITE_OWNED] = { "host_write_owned", ARCH_RT_RESULT,
		"the same for a write" },
	[AR_P2P_LOCKED] = { "p2p_locked", ARCH_RT_RESULT,
		"IOMMU P2P (T=0) DMA to TEE MMIO of a locked TDI, before the owner change" },
	[AR_P2P_OWNED] = { "p2p_owned", ARCH_RT_RESULT,
		"the same after the owner change" },
	[AR_T0_PRIVATE_DRAM] = { "t0_private_dram", ARCH_RT_RESULT,
		"T=0 DMA reaching a confidential guest's private RAM" },
	[AR_PRIV_UNACCEPTED] = { "private_unaccepted", ARCH_RT_RESULT,
		"guest private access to MMIO before accept / validate" },
	[AR_LATENT_AT_LOCK] = { "latent_at_lock", ARCH_RT_FINDING,
		"finding for a live hypervisor-side mapping of TEE MMIO when the TDI locks" },
	[AR_LATENT_AT_OWNER] = { "latent_at_owner", ARCH_RT_FINDING,
		"finding for one live when the MMIO changes owner (tdx: MMIO tracking; sev: RMP assign; cca: delegate)" },
	[AR_LATENT_AT_MAP] = { "latent_at_map", ARCH_RT_FINDING,
		"finding for one live when a private map first maps the range (tdx: TDH.MMIO.MAP)" },
	[AR_GUEST_S2_EXPECTED] = { "guest_s2_expected", ARCH_RT_BOOL,
		"the guest's own shared stage-2 entry is not a latent mapping" },
	[AR_TEARDOWN_UNMAP_LOCKED] = { "teardown_unmap_locked", ARCH_RT_BOOL,
		"private MMIO unmapped while the TDI is not CONFIG_UNLOCKED is teardown-order" },
	[AR_TEARDOWN_VM_BOUND] = { "teardown_vm_bound", ARCH_RT_BOOL,
		"a guest destroyed while one of its TDIs is bound is teardown-order" },
	[AR_VALIDATE_BEFORE_START] = { "validate_before_start", ARCH_RT_BOOL,
		"guest.accept validates the ranges first, then STARTs" },
	[AR_MAX_PRIVATE_PAGE] = { "max_private_page", ARCH_RT_SIZE,
		"largest page size for private device memory" },
};

struct rule_default {
	int64_t v[ARCH_NR];
	const char *src[ARCH_NR];
};

#define R_OK SIM_RES_OK
#define R_UR SIM_RES_UR
#define R_MCE SIM_RES_MCE
#define R_HF SIM_RES_HOST_FAULT
#define R_F SIM_RES_FAULT
#define NONE (-1)

static const struct rule_default rule_def[AR_NR] = {
	[AR_HOST_READ_LOCKED] = { { R_MCE, R_UR, R_UR }, {
		"[seed] Gunthorpe; Xu Yilun agrees (domain.md §2); mechanism unpublished",
		"RMP does not check hypervisor reads (AMD APM vol.2 RMP table); the TDI rejects T=0 (domain.md §2)",
		"before the delegate the locked TDI rejects T=0 [seed][TDISP]" } },
	[AR_HOST_WRITE_LOCKED] = { { R_MCE, R_UR, R_UR }, {
		"[seed] (domain.md §2)",
		"no RMP entry assigned yet: the TDI rejects T=0 (contract §8)",
		"before the delegate the locked TDI rejects T=0 [seed][TDISP]" } },
	[AR_HOST_READ_OWNED] = { { R_MCE, R_UR, R_HF }, {
		"[seed] (domain.md §2)",
		"RMP does not check hypervisor reads (AMD APM vol.2, as quoted in the SNP host series)",
		"granule protection fault on Realm PAS (TF-A GPT design; arm64 GPF patch, S. Price)" } },
	[AR_HOST_WRITE_OWNED] = { { R_MCE, R_HF, R_HF }, {
		"[seed] (domain.md §2)",
		"RMP violation on a hypervisor write to an assigned page; not confirmed for MMIO (domain.md §2)",
		"granule protection fault on Realm PAS (domain.md §2)" } },
	[AR_P2P_LOCKED] = { { R_UR, R_UR, R_UR }, {
		"the TDI rejects T=0 to TEE MMIO when locked [TDISP] §11.2.1",
		"[TDISP] §11.2.1", "[TDISP] §11.2.1" } },
	[AR_P2P_OWNED] = { { R_UR, R_UR, R_F }, {
		"no source says it is an MCE; the TDI rejects T=0 (contract §8)",
		"IOMMU does not RMP-check P2P MMIO targets (est.); the TDI rejects T=0 (contract §8)",
		"the SMMU's granule check aborts a Non-secure access to Realm PAS (contract §8)" } },
	[AR_T0_PRIVATE_DRAM] = { { R_F, R_F, R_F }, {
		"est.: the IOMMU refuses T=0 DMA to TD-private (keyed) memory",
		"IOMMU RMP_PAGE_FAULT on an assigned page (domain.md §2)",
		"SMMU granule protection check on Realm PAS (domain.md §2)" } },
	[AR_PRIV_UNACCEPTED] = { { R_F, R_F, R_F }, {
		"EPT violation on an MMIO_PENDING page [ovmm] (domain.md §2)",
		"#VC: page not validated [tio-g]",
		"RIPAS EMPTY: the RMM injects an abort into the realm [rmm] lib/s2tt" } },
	[AR_LATENT_AT_LOCK] = { { SIM_FIND_LATENT_MCE, NONE, NONE }, {
		"[seed]; mechanism unpublished: latent_at_owner is the alternative knob",
		"allowed: MMIO_VALIDATE needs the NPT mapping [tio-g]; Xu Yilun: AMD leaves MMIO mapped",
		"allowed but unusable: the TDI rejects T=0 (contract §8)" } },
	[AR_LATENT_AT_OWNER] = { { NONE, SIM_FIND_LATENT_HOST_FAULT, SIM_FIND_LATENT_HOST_FAULT }, {
		"tdx uses latent_at_lock by default (see scenarios/profiles/tdx-mce-at-tracking.yaml)",
		"hypervisor writes after the RMP assign take an RMP fault (contract §8, H1)",
		"host access after the delegate is a granule protection fault (contract §8, H1)" } },
	[AR_LATENT_AT_MAP] = { { NONE, NONE, NONE }, {
		"the third knob position: TDH.MMIO.MAP tags the S-EPT entry (tdx-module tdh_mmio_map.c)",
		"the private map is the RMP assign: latent_at_owner covers it",
		"the private map is the granule delegate: latent_at_owner covers it" } },
	[AR_GUEST_S2_EXPECTED] = { { 0, 1, 0 }, {
		"S-EPT and shared EPT are separate tables: a shared entry is a hypervisor mapping",
		"one NPT entry per GPA serves the private mapping [tio-g] (contract §4)",
		"protected and unprotected IPA are separate: an NS entry is a hypervisor mapping" } },
	[AR_TEARDOWN_UNMAP_LOCKED] = { { 1, 0, 0 }, {
		"Xu Yilun, LKML May 2025: remove the S-EPT MMIO mapping only after CONFIG_UNLOCKED (H2)",
		"no such rule published (contract §8)", "no such rule published (contract §8)" } },
	[AR_TEARDOWN_VM_BOUND] = { { 1, 1, 1 }, {
		"Xu Yilun, May 2025: destroy the VM only after its TDIs (H2)",
		"contract §8", "contract §8" } },
	[AR_VALIDATE_BEFORE_START] = { { 0, 0, 1 }, {
		"OpenVMM tdxconnect.rs: TDG.TDI.START first, then accept [ovmm]",
		"the guest validates only in RUN [tio-g]",
		"RSI_VDEV_VALIDATE_MAPPING valid while LOCKED [rmm]; contract §4 (a profile option)" } },
	[AR_MAX_PRIVATE_PAGE] = { { MIB(1024), MIB(2), MIB(2) }, {
		"TDH.MMIO.MAP takes levels PT..PDPT: 4 KiB, 2 MiB, 1 GiB (tdx-module tdh_mmio_map.c)",
		"est.: RMP entries are 4 KiB or 2 MiB",
		"RMI_VDEV_MAP at level 2 or 3 only [rmm] (contract §4)" } },
};

const struct arch_rule_desc *arch_rule_desc(enum arch_rule r)
{
	return (unsigned int)r < AR_NR ? &rule_desc[r] : NULL;
}

int arch_rule_find(const char *key)
{
	for (int i = 0; i < AR_NR; i++)
		if (!strcmp(key, rule_desc[i].key))
			return i;
	return -1;
}

/*
 * Copy a source note, cutting a long one at a character boundary: a cut
 * inside a UTF-8 sequence (a "§" is two bytes) would make `list arches`
 * and the generated docs invalid UTF-8.
 */
static void copy_src(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= ARCH_SRC_MAX) {
		n = ARCH_SRC_MAX - 1;
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;	/* src[n] continues a sequence: cut before it */
	}
	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

int arch_profile_builtin_id(enum arch_id id, struct arch_profile *out)
{
	if ((unsigned int)id >= ARCH_NR)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", arch_id_name(id));
	out->base = id;
	for (int t = 0; t < AT_NR; t++) {
		const struct arch_timing_desc *d = arch_timing_desc(t);

		out->timing_ps[t] = d->def_ps[id];
		out->timing_cycles[t] = d->in_cycles;
		copy_src(out->timing_src[t], d->source);
	}
	for (int r = 0; r < AR_NR; r++) {
		out->rule[r] = rule_def[r].v[id];
		copy_src(out->rule_src[r], rule_def[r].src[id]);
	}
	return 0;
}

int arch_profile_builtin(const char *name, struct arch_profile *out)
{
	int id = arch_id_parse(name);

	return id < 0 ? -ENOENT : arch_profile_builtin_id(id, out);
}

static int parse_u64(const char *s, uint64_t *v, const char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 0);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

static int parse_size(const char *s, int64_t *out)
{
	static const struct { const char *sfx; unsigned int shift; } u[] = {
		{ "", 0 }, { "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 },
	};
	const char *e;
	uint64_t v;

	if (parse_u64(s, &v, &e))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (strcmp(e, u[i].sfx))
			continue;
		if (v > (UINT64_C(1) << (62 - u[i].shift)))
			return -EINVAL;
		*out = (int64_t)(v << u[i].shift);
		return 0;
	}
	return -EINVAL;
}

int arch_profile_set_rule(struct arch_profile *p, const char *key,
			  const char *val, const char *src)
{
	int r = arch_rule_find(key), v;
	int64_t sz;

	if (r < 0)
		return -ENOENT;
	switch (rule_desc[r].type) {
	case ARCH_RT_RESULT:
		v = sim_result_parse(val);
		/* only the verdicts an arch check can give (contract §7) */
		if (v != SIM_RES_OK && v != SIM_RES_UR && v != SIM_RES_FAULT &&
		    v != SIM_RES_MCE && v != SIM_RES_HOST_FAULT)
			return -EINVAL;
		p->rule[r] = v;
		break;
	case ARCH_RT_FINDING:
		if (!strcmp(val, "none")) {
			p->rule[r] = -1;
			break;
		}
		v = sim_finding_parse(val);
		if (v != SIM_FIND_LATENT_MCE && v != SIM_FIND_LATENT_HOST_FAULT)
			return -EINVAL;
		p->rule[r] = v;
		break;
	case ARCH_RT_BOOL:
		if (strcmp(val, "true") && strcmp(val, "false"))
			return -EINVAL;
		p->rule[r] = !strcmp(val, "true");
		break;
	case ARCH_RT_SIZE:
		if (parse_size(val, &sz))
			return -EINVAL;
		/* private device memory pages: 4 KiB, 2 MiB or 1 GiB */
		if (sz != KIB(4) && sz != MIB(2) && sz != MIB(1024))
			return -EINVAL;
		p->rule[r] = sz;
		break;
	}
	copy_src(p->rule_src[r], src);
	return 0;
}

int arch_profile_set_timing(struct arch_profile *p, const char *key,
			    const char *val, const char *src)
{
	static const struct { const char *sfx; uint64_t ps; } u[] = {
		{ "ps", 1 }, { "ns", 1000 }, { "us", 1000000 },
		{ "ms", 1000000000ULL }, { "s", 1000000000000ULL },
	};
	int t = arch_timing_find(key);
	const char *e;
	uint64_t v;

	if (t < 0)
		return -ENOENT;
	if (parse_u64(val, &v, &e))
		return -EINVAL;
	if (!*e) {
		/* contract §2: a plain integer is cycles */
		if (v > ARCH_TIMING_MAX_CYCLES)
			return -ERANGE;
		p->timing_ps[t] = v;
		p->timing_cycles[t] = true;
		copy_src(p->timing_src[t], src);
		return 0;
	}
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (strcmp(e, u[i].sfx))
			continue;
		if (arch_timing_desc(t)->in_cycles)
			return -EINVAL;
		if (v > ARCH_TIMING_MAX_PS / u[i].ps)
			return -ERANGE;
		p->timing_ps[t] = v * u[i].ps;
		p->timing_cycles[t] = false;
		copy_src(p->timing_src[t], src);
		return 0;
	}
	return -EINVAL;
}

void arch_profile_cycles(const struct arch_profile *p, uint64_t clock_mhz,
			 uint64_t *t)
{
	for (int i = 0; i < AT_NR; i++)
		t[i] = p->timing_cycles[i] ? p->timing_ps[i] :
		       arch_ps_to_cycles(p->timing_ps[i], clock_mhz);
}

const char *arch_profile_rule_str(const struct arch_profile *p,
				  enum arch_rule r, char *buf, size_t len)
{
	int64_t v = p->rule[r];

	switch (rule_desc[r].type) {
	case ARCH_RT_RESULT:
		snprintf(buf, len, "%s", sim_result_name(v));
		break;
	case ARCH_RT_FINDING:
		snprintf(buf, len, "%s", v < 0 ? "none" : sim_finding_name(v));
		break;
	case ARCH_RT_BOOL:
		snprintf(buf, len, "%s", v ? "true" : "false");
		break;
	case ARCH_RT_SIZE:
		if (v % MIB(1) == 0)
			snprintf(buf, len, "%" PRId64 "MiB", v >> 20);
		else
			snprintf(buf, len, "%" PRId64 "KiB", v >> 10);
		break;
	}
	return buf;
}

static void fmt_ps(char *buf, size_t len, uint64_t ps, bool cycles)
{
	if (cycles)
		snprintf(buf, len, "%" PRIu64, ps);
	else if (ps % 1000000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "ms", ps / UINT64_C(1000000000));
	else if (ps % 1000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "us", ps / UINT64_C(1000000));
	else if (ps % 1000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "ns", ps / UINT64_C(1000));
	else
		snprintf(buf, len, "%" PRIu64 "ps", ps);
}

void arch_profile_print(const struct arch_profile *p,
			void (*out)(void *ctx, const char *line), void *ctx)
{
	char line[256], v[32];

	snprintf(line, sizeof(line), "%s (base %s)", p->name,
		 arch_id_name(p->base));
	out(ctx, line);
	out(ctx, "  rules:");
	for (int r = 0; r < AR_NR; r++) {
		snprintf(line, sizeof(line), "    %-22s %-18s %s",
			 rule_desc[r].key,
			 arch_profile_rule_str(p, r, v, sizeof(v)),
			 p->rule_src[r]);
		out(ctx, line);
	}
	out(ctx, "  timing:");
	for (int t = 0; t < AT_NR; t++) {
		fmt_ps(v, sizeof(v), p->timing_ps[t], p->timing_cycles[t]);
		snprintf(line, sizeof(line), "    %-22s %-18s %s",
			 arch_timing_desc(t)->key, v, p->timing_src[t]);
		out(ctx, line);
	}
}
