// SPDX-License-Identifier: MIT
/*
 * profile.c - the built-in arch profiles (docs/arch/rules.md as data,
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

void arch_profile_from_desc(const struct arch_desc *d, enum arch_id base,
			    struct arch_profile *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", d->name);
	out->base = base;
	for (int t = 0; t < AT_NR; t++) {
		const struct arch_timing_desc *td = arch_timing_desc(t);

		out->timing_ps[t] = td->def_ps;
		out->timing_cycles[t] = td->in_cycles;
		copy_src(out->timing_src[t], td->source);
	}
	for (size_t i = 0; i < d->ntiming; i++)
		out->timing_ps[d->timing[i].t] = d->timing[i].ps;
	for (int r = 0; r < AR_NR; r++) {
		out->rule[r] = d->rules[r].v;
		copy_src(out->rule_src[r], d->rules[r].src);
	}
}

int arch_profile_builtin_id(enum arch_id id, struct arch_profile *out)
{
	const struct arch_desc *d = arch_desc_get(id);

	if (!d)
		return -ENOENT;
	arch_profile_from_desc(d, id, out);
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
		/* only the verdicts an arch check can give (docs/scenarios.md) */
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
		/* docs/scenarios.md: a plain integer is cycles */
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
