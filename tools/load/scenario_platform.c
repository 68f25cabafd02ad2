// SPDX-License-Identifier: MIT
/*
 * scenario_platform.c - the top-level scalars (clock_mhz, scenario,
 * description, seed), arch profiles, timing, limits and the platform
 * section (IOMMU, devices, BARs, MSI-X, guests).
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "load_internal.h"

/* ---------------------------------------------------------- top level */

bool ld_get_num(struct ld *ld, int node, enum scn_ftype t, uint64_t *out)
{
	struct scn_field_desc fd = { .key = "", .type = t };
	struct scn_value v = { 0 };
	bool ok = ld_conv_tab[t](ld, node, &fd, &v);

	*out = v.u;
	ld_value_free(&v);
	return ok;
}

void ld_top_clock(struct ld *ld, int node)
{
	uint64_t v;

	if (!ld_get_num(ld, node, SCN_FT_COUNT, &v))
		return;
	if (v < 1 || v > 100000) {
		ld_err(ld, ld_npos(ld, node), "clock_mhz must be 1..100000, got %llu",
		       (unsigned long long)v);
		return;
	}
	ld->clock_mhz = ld->scn->clock_mhz = v;
}

void ld_top_name(struct ld *ld, int node)
{
	const char *s = ld_check_name(ld, node, "scenario name", "-");

	ld->scn->name = ld_xstrdup(s);
}

void ld_top_description(struct ld *ld, int node)
{
	const char *s = ld_scalar(ld, node, "a string");

	ld->scn->description = ld_xstrdup(s);
}

void ld_top_seed(struct ld *ld, int node)
{
	uint64_t v;

	if (!ld_get_num(ld, node, SCN_FT_COUNT, &v))
		return;
	if (!v)
		ld_err(ld, ld_npos(ld, node),
		       "seed must be >= 1 (0 is the fixed point of xorshift64*)");
	else
		ld->scn->seed = v;
}

static char *path_join(const char *dir, const char *name)
{
	char *p;

	TSM_BUG_ON(asprintf(&p, "%s/%s", dir, name) < 0);
	return p;
}

static bool is_profile_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml"));
}

static void arch_one(struct ld *ld, int node)
{
	const char *const *builtin = arch_names();
	struct scenario *scn = ld->scn;
	const char *s = ld_scalar(ld, node, "an arch name or profile path");
	char *path;
	size_t i;

	if (!s)
		return;
	if (is_profile_path(s)) {
		path = s[0] == '/' ? ld_xstrdup(s) : path_join(ld->dir, s);
		if (access(path, R_OK)) {
			ld_err(ld, ld_npos(ld, node), "arch profile '%.200s' cannot be read: %s",
			       path, strerror(errno));
			free(path);
			return;
		}
	} else if (arch_id_parse(s) < 0) {
		ld_one_of(ld, node, "arch", builtin);
		return;
	} else {
		path = ld_xstrdup(s);
	}
	for (i = 0; i < scn->narches; i++)
		if (!strcmp(scn->arches[i], path))
			break;
	if (i < scn->narches || scn->narches == SCN_MAX_ARCHES) {
		ld_err(ld, ld_npos(ld, node), i < scn->narches ?
		       "arch '%s' is listed twice" : "more than 8 arches (at '%s')", s);
		free(path);
		return;
	}
	scn->arches[scn->narches++] = path;
}

void ld_top_arch(struct ld *ld, int node)
{
	yaml_node_item_t *it;

	ld->scn->arch_pos = ld_npos(ld, node);
	if (ld_nd(ld, node)->type != YAML_SEQUENCE_NODE) {
		arch_one(ld, node);
		return;
	}
	if (ld_nd(ld, node)->data.sequence.items.top ==
	    ld_nd(ld, node)->data.sequence.items.start)
		ld_err(ld, ld_npos(ld, node), "arch: the list is empty");
	for_each_item(ld, node, it)
		arch_one(ld, *it);
}

void ld_top_timing(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_pair_t *p;
	uint64_t v;

	if (!ld_want(ld, node, YAML_MAPPING_NODE, "timing"))
		return;
	for_each_pair(ld, node, p) {
		const char *k = ld_pkey(ld, p);

		if (arch_timing_find(k) < 0) {
			struct ld_guess g = { .word = k };
			char sug[96];
			int t;

			for (t = 0; t < AT_NR; t++)
				ld_guess_try(&g, arch_timing_desc(t)->key);
			ld_err(ld, ld_npos(ld, p->key), "unknown timing key '%.80s'%s", k,
			       ld_guess_str(&g, sug, sizeof(sug)));
			continue;
		}
		if (!ld_get_num(ld, p->value, SCN_FT_DURATION, &v))
			continue;
		if (v > ARCH_TIMING_MAX_CYCLES) {
			ld_err(ld, ld_npos(ld, p->value), "timing.%s = %llu cycles is too large (at most %llu)",
			       k, (unsigned long long)v,
			       (unsigned long long)ARCH_TIMING_MAX_CYCLES);
			continue;
		}
		scn->timing = ld_grow(scn->timing, scn->ntiming, sizeof(*scn->timing));
		/* the key's place, or the flag's when --set wrote the value */
		scn->timing[scn->ntiming++] = (struct scn_timing){
			ld_xstrdup(k), v, ld_npos(ld, p->value).set ?
			ld_npos(ld, p->value) : ld_npos(ld, p->key) };
	}
}

static const struct scn_field_desc limits_f[] = {
	F("max_cycles", SCN_FT_DURATION, 0, "watchdog on simulated time"),
	F("max_events", SCN_FT_COUNT, 0, "watchdog on fired events"),
};
static const struct scn_schema limits_s = SCHEMA("limits", limits_f);

void ld_top_limits(struct ld *ld, int node)
{
	struct scn_value v = { 0 };

	const struct scn_value *mc, *me;

	ld_check_map(ld, node, &limits_s, NULL, "limits", &v);
	mc = scn_get(&v, "max_cycles");
	me = scn_get(&v, "max_events");
	/* an explicit 0 is not "unlimited": every run keeps a watchdog */
	if (mc && mc->type == SCN_U64) {
		if (!mc->u || mc->u > SCN_MAX_MAX_CYCLES)
			ld_err(ld, mc->pos, "limits.max_cycles must be 1..2^63 cycles, got %llu",
			       (unsigned long long)mc->u);
		ld->scn->max_cycles = mc->u;
		ld->scn->max_cycles_pos = mc->pos;
	}
	if (me && me->type == SCN_U64) {
		if (!me->u)
			ld_err(ld, me->pos, "limits.max_events must be at least 1 (there is no unlimited: raise it)");
		ld->scn->max_events = me->u;
	}
	ld_value_free(&v);
}

/* ----------------------------------------------------------- platform */

static const struct scn_field_desc iommu_f[] = {
	F("iotlb_entries", SCN_FT_COUNT, 0, "IOTLB entries (default 64)"),
	F("iotlb_ways", SCN_FT_COUNT, 0, "ways (default: fully associative)"),
	F("levels", SCN_FT_COUNT, 0, "page-table levels 3..5 (default 4)"),
	F("page_size", SCN_FT_PAGE_SIZE, 0, "IOMMU page size (default 4KiB)"),
};
static const struct scn_schema iommu_s = SCHEMA("platform.iommu", iommu_f);

static const struct scn_field_desc bar_f[] = {
	F("index", SCN_FT_BAR, REQ, "BAR index 0..5"),
	F("size", SCN_FT_SIZE, REQ, "power of two >= 4KiB"),
	F("hpa", SCN_FT_ADDR, 0, "host physical address (default assigned)"),
	F("non_tee", SCN_FT_BOOL, 0, "reported IS_NON_TEE_MEM"),
	F("updatable", SCN_FT_BOOL, 0,
	  "IS_MEM_ATTR_UPDATABLE: SET_MMIO_ATTRIBUTE may change IS_NON_TEE_MEM"),
	F("prefetch", SCN_FT_BOOL, 0, "prefetchable"),
};
static const struct scn_schema bar_s = SCHEMA("a BAR", bar_f);

static const struct scn_field_desc msix_f[] = {
	F("bar", SCN_FT_BAR, REQ, "BAR holding the table"),
	F("offset", SCN_FT_SIZE, 0, "offset in the BAR (default 0)"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
};
static const struct scn_schema msix_s = SCHEMA("msix", msix_f);

static const struct scn_field_desc device_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique device name"),
	F("bdf", SCN_FT_STRING, 0, "SSSS:BB:DD.F (default assigned)"),
	F("pf", SCN_FT_NAME, SCN_F_NULL, "the PF when this is a VF"),
	FSUB("bars", SCN_FT_LIST, &bar_s, 0, "the BARs"),
	FSUB("msix", SCN_FT_MAP, &msix_s, 0, "the MSI-X table"),
	F("ide", SCN_FT_BOOL, 0, "IDE stream (default true)"),
};
static const struct scn_schema device_s = SCHEMA("a device", device_f);

static const struct scn_field_desc guest_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique guest name"),
	F("confidential", SCN_FT_BOOL, 0, "a TD / SNP VM / realm (default true)"),
	F("memory", SCN_FT_SIZE, 0, "RAM (default 1GiB)"),
	F("gpaw", SCN_FT_COUNT, 0, "tdx GPA width 48 or 52"),
	F("ipa_bits", SCN_FT_COUNT, 0, "cca IPA size 32..52"),
};
static const struct scn_schema guest_s = SCHEMA("a guest", guest_f);

/* What VFIO does about its own BAR mappings at TSM bind (docs/host.md). */
static const char *const tsm_bind_v[] = { "keep", "refuse", "drop", NULL };
static const struct scn_field_desc vfio_f[] = {
	FENUM("tsm_bind", tsm_bind_v, 0,
	      "keep (default), refuse or drop the barmap at bind"),
};
static const struct scn_schema vfio_s = SCHEMA("platform.vfio", vfio_f);

static const struct scn_field_desc platform_f[] = {
	FSUB("iommu", SCN_FT_MAP, &iommu_s, 0, "the host IOMMU"),
	FSUB("vfio", SCN_FT_MAP, &vfio_s, 0, "VFIO policies"),
	FSUB("devices", SCN_FT_LIST, &device_s, 0, "device functions"),
	FSUB("guests", SCN_FT_LIST, &guest_s, 0, "guests"),
};
static const struct scn_schema platform_s = SCHEMA("platform", platform_f);

bool ld_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void iommu_load(struct ld *ld, const struct scn_value *v)
{
	struct scn_iommu *io = &ld->scn->platform.iommu;
	struct scn_pos pos = v ? v->pos : (struct scn_pos){ 0, 0, 0 };

	io->iotlb_entries = scn_get_u64(v, "iotlb_entries", 64);
	io->iotlb_ways = scn_get_u64(v, "iotlb_ways", io->iotlb_entries);
	io->levels = (unsigned int)scn_get_u64(v, "levels", 4);
	io->page_size = scn_get_u64(v, "page_size", 4096);
	if (!io->iotlb_entries || io->iotlb_entries > (1u << 20))
		ld_err(ld, ld_vpos(v, "iotlb_entries", pos),
		       "iotlb_entries must be 1..1048576");
	else if (!io->iotlb_ways || io->iotlb_entries % io->iotlb_ways)
		ld_err(ld, ld_vpos(v, "iotlb_ways", pos),
		       "iotlb_ways (%llu) must divide iotlb_entries (%llu)",
		       (unsigned long long)io->iotlb_ways,
		       (unsigned long long)io->iotlb_entries);
	if (io->levels < 3 || io->levels > 5)
		ld_err(ld, ld_vpos(v, "levels", pos), "levels must be 3..5, got %u",
		       io->levels);
}

/* "SSSS:BB:DD.F": hex segment, hex bus, device 0..1f, function 0..7 */
static bool bdf_ok(const char *s)
{
	unsigned int seg, bus, dev, fn;
	int n = 0;

	if (strlen(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.')
		return false;
	if (sscanf(s, "%4x:%2x:%2x.%1u%n", &seg, &bus, &dev, &fn, &n) != 4 ||
	    n != 12)
		return false;
	for (n = 0; n < 12; n++)
		if (n != 4 && n != 7 && n != 10 && !strchr("0123456789abcdefABCDEF", s[n]))
			return false;
	return dev < 32 && fn < 8;
}

static void bar_load(struct ld *ld, const struct scn_value *v,
		     struct scn_device *d)
{
	struct scn_bar *b;
	unsigned int i, idx = (unsigned int)scn_get_u64(v, "index", 0);

	if (!scn_has(v, "index") || !scn_has(v, "size"))
		return;
	for (i = 0; i < d->nbars; i++)
		if (d->bars[i].index == idx) {
			ld_err(ld, ld_vpos(v, "index", v->pos),
			       "BAR %u is listed twice (first at %u:%u)", idx,
			       d->bars[i].pos.line, d->bars[i].pos.col);
			return;
		}
	b = &d->bars[d->nbars++];
	b->index = idx;
	b->size = scn_get_u64(v, "size", 0);
	b->hpa = scn_get_u64(v, "hpa", 0);
	b->non_tee = scn_get_bool(v, "non_tee", false);
	b->updatable = scn_get_bool(v, "updatable", false);
	b->prefetch = scn_get_bool(v, "prefetch", false);
	b->pos = v->pos;
	b->hpa_pos = ld_vpos(v, "hpa", v->pos);
	b->size_pos = ld_vpos(v, "size", v->pos);
	if (scn_has(v, "hpa") && !b->hpa)
		ld_err(ld, b->hpa_pos, "hpa 0 is not a BAR address (leave hpa out to have one assigned)");
	if (!ld_is_pow2(b->size) || b->size < 4096)
		ld_err(ld, ld_vpos(v, "size", v->pos),
		       "BAR size must be a power of two >= 4KiB, got %llu",
		       (unsigned long long)b->size);
	else if (b->hpa & (b->size - 1))
		ld_err(ld, ld_vpos(v, "hpa", v->pos),
		       "hpa 0x%llx is not aligned to the BAR size 0x%llx",
		       (unsigned long long)b->hpa, (unsigned long long)b->size);
}

const struct scn_bar *ld_dev_bar(const struct scn_device *d, uint64_t idx)
{
	unsigned int i;

	for (i = 0; d && i < d->nbars; i++)
		if (d->bars[i].index == idx)
			return &d->bars[i];
	return NULL;
}

static void msix_load(struct ld *ld, const struct scn_value *v,
		      struct scn_device *d)
{
	const struct scn_bar *b;

	if (!v || !scn_has(v, "bar") || !scn_has(v, "size"))
		return;
	d->has_msix = true;
	d->msix_bar = (unsigned int)scn_get_u64(v, "bar", 0);
	d->msix_offset = scn_get_u64(v, "offset", 0);
	d->msix_size = scn_get_u64(v, "size", 0);
	b = ld_dev_bar(d, d->msix_bar);
	if (!b)
		ld_err(ld, ld_vpos(v, "bar", v->pos),
		       "msix.bar %u is not one of the device's BARs", d->msix_bar);
	else if (d->msix_offset > b->size || d->msix_size > b->size - d->msix_offset)
		ld_err(ld, ld_vpos(v, "size", v->pos),
		       "the MSI-X table (offset 0x%llx, size 0x%llx) does not fit in BAR %u (0x%llx)",
		       (unsigned long long)d->msix_offset,
		       (unsigned long long)d->msix_size, d->msix_bar,
		       (unsigned long long)b->size);
}

static void device_load(struct ld *ld, const struct scn_value *v,
			struct scn_device *d, size_t idx)
{
	const struct scn_value *bars = scn_get(v, "bars"), *pf = scn_get(v, "pf");
	const char *bdf = scn_get_str(v, "bdf", NULL);
	size_t i;

	d->pos = v->pos;
	d->ide = scn_get_bool(v, "ide", true);
	d->name = ld_xstrdup(scn_get_str(v, "name", NULL));
	if (pf && pf->type == SCN_STR)
		d->pf = ld_xstrdup(pf->str);
	if (bdf && !bdf_ok(bdf))
		ld_err(ld, ld_vpos(v, "bdf", v->pos),
		       "bad bdf '%.80s': expected SSSS:BB:DD.F (hex, device < 20, function < 8)",
		       bdf);
	else if (bdf)
		d->bdf = ld_xstrdup(bdf);
	for (i = 0; d->bdf && i < idx; i++)
		if (ld->scn->platform.devices[i].bdf &&
		    !strcasecmp(ld->scn->platform.devices[i].bdf, d->bdf))
			ld_err(ld, ld_vpos(v, "bdf", v->pos),
			       "bdf %s is also device '%s' (at %u:%u)", d->bdf,
			       ld->scn->platform.devices[i].name,
			       ld->scn->platform.devices[i].pos.line,
			       ld->scn->platform.devices[i].pos.col);
	for (i = 0; bars && i < bars->n; i++)
		bar_load(ld, &bars->items[i], d);
	msix_load(ld, scn_get(v, "msix"), d);
}

/* @name must live as long as the loader (the scenario's own copy). */
static void name_register(struct ld *ld, const char *name, struct scn_pos pos,
			  enum ld_ns ns, const char *what)
{
	const struct ld_sym *old;

	if (!name)
		return;
	old = ld_sym_find(ld, ns, name);
	if (old) {
		ld_err(ld, pos, "%s '%s' is defined twice (first at %u:%u)", what,
		       name, old->pos.line, old->pos.col);
		return;
	}
	old = ld_sym_find(ld, ns == NS_GUEST ? NS_DEVICE : NS_GUEST, name);
	if (old && (ns == NS_GUEST || ns == NS_DEVICE))
		ld_err(ld, pos, "'%s' is both a device and a guest (other at %u:%u)",
		       name, old->pos.line, old->pos.col);
	ld_sym_add(ld, ns, ns == NS_GUEST ? SCN_REF_GUEST : SCN_REF_DEVICE, name,
		   pos);
}

static void pf_check(struct ld *ld, const struct scn_value *devs)
{
	const struct scn_platform *pl = &ld->scn->platform;
	size_t i, j;

	for (i = 0; i < pl->ndevices; i++) {
		const struct scn_device *d = &pl->devices[i];
		struct scn_pos pos = ld_vpos(&devs->items[i], "pf", d->pos);

		if (!d->pf)
			continue;
		for (j = 0; j < pl->ndevices; j++)
			if (pl->devices[j].name && !strcmp(pl->devices[j].name, d->pf))
				break;
		if (j == pl->ndevices)
			ld_ref_missing(ld, pos, SCN_REF_DEVICE, d->pf);
		else if (j == i)
			ld_err(ld, pos, "device '%s' cannot be its own PF", d->pf);
		else if (pl->devices[j].pf)
			ld_err(ld, pos, "pf '%s' is itself a VF (of '%s')", d->pf,
			       pl->devices[j].pf);
	}
}

static void guest_load(struct ld *ld, const struct scn_value *v,
		       struct scn_guest *g)
{
	g->pos = v->pos;
	g->name = ld_xstrdup(scn_get_str(v, "name", NULL));
	g->confidential = scn_get_bool(v, "confidential", true);
	g->memory = scn_get_u64(v, "memory", 1ull << 30);
	g->gpaw = (unsigned int)scn_get_u64(v, "gpaw", 0);
	g->ipa_bits = (unsigned int)scn_get_u64(v, "ipa_bits", 0);
	g->memory_pos = ld_vpos(v, "memory", v->pos);
	if (scn_has(v, "gpaw") && g->gpaw != 48 && g->gpaw != 52)
		ld_err(ld, ld_vpos(v, "gpaw", v->pos), "gpaw must be 48 or 52, got %u",
		       g->gpaw);
	if (scn_has(v, "ipa_bits") && (g->ipa_bits < 32 || g->ipa_bits > 52))
		ld_err(ld, ld_vpos(v, "ipa_bits", v->pos),
		       "ipa_bits must be 32..52, got %u", g->ipa_bits);
	if (!g->memory || g->memory & 4095)
		ld_err(ld, ld_vpos(v, "memory", v->pos),
		       "memory must be a non-zero multiple of 4KiB");
}

/* ------------------------------------------------------ address map */

/*
 * The platform's memory map (models/mem) is fixed: guest RAM is carved in
 * guest order, 2 MiB aligned, from MEM_DRAM_BASE below MEM_MMIO_BASE; a
 * BAR without `hpa:` goes in the MMIO pool [MEM_MMIO_BASE,
 * MEM_MMIO_LIMIT).  So lint can place everything the run would and
 * refuse, with positions, what would not fit, wrap past 2^64 or overlap:
 * a BAR inside guest RAM would make both translations "pass".
 */
struct ld_range {
	uint64_t first, last;
	struct scn_pos pos;
	char buf[96];
};

static int range_cmp(const void *a, const void *b)
{
	const struct ld_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static size_t guest_ranges(struct ld *ld, struct ld_range *r)
{
	const struct scn_platform *pl = &ld->scn->platform;
	uint64_t next = MEM_DRAM_BASE;
	size_t n = 0;

	for (size_t i = 0; i < pl->nguests; i++) {
		const struct scn_guest *g = &pl->guests[i];
		uint64_t base = (next + 0x1fffff) & ~0x1fffffULL;

		if (!g->memory)
			continue;
		if (g->memory > MEM_MMIO_BASE - base) {
			ld_err(ld, g->memory_pos, "guest '%s': its %llu bytes of RAM do not fit below 0x%llx (the guests' RAM is carved from 0x%llx up)",
			       g->name ? g->name : "?", (unsigned long long)g->memory,
			       MEM_MMIO_BASE, MEM_DRAM_BASE);
			return n;
		}
		r[n] = (struct ld_range){ base, base + g->memory - 1, g->memory_pos, "" };
		snprintf(r[n].buf, sizeof(r[n].buf), "the RAM of guest '%.64s'",
			 g->name ? g->name : "?");
		n++;
		next = base + g->memory;
	}
	return n;
}

static size_t bar_ranges(struct ld *ld, struct ld_range *r)
{
	const struct scn_platform *pl = &ld->scn->platform;
	size_t n = 0;

	for (size_t i = 0; i < pl->ndevices; i++)
		for (unsigned int j = 0; j < pl->devices[i].nbars; j++) {
			const struct scn_bar *b = &pl->devices[i].bars[j];

			if (!b->size || !ld_is_pow2(b->size))
				continue;
			if (!b->hpa) {
				if (b->size > MEM_MMIO_LIMIT - MEM_MMIO_BASE)
					ld_err(ld, b->size_pos, "a BAR of %llu bytes does not fit in the MMIO pool (0x%llx-0x%llx): give it an hpa",
					       (unsigned long long)b->size, MEM_MMIO_BASE,
					       MEM_MMIO_LIMIT - 1);
				continue;
			}
			if (b->hpa & (b->size - 1))
				continue;	/* reported by bar_load */
			/* the map keeps hpa + size representable (mem_add_window) */
			if (b->size > UINT64_MAX - b->hpa) {
				ld_err(ld, b->hpa_pos, "BAR %u at 0x%llx of %llu bytes reaches 2^64: the address wraps",
				       b->index, (unsigned long long)b->hpa,
				       (unsigned long long)b->size);
				continue;
			}
			r[n] = (struct ld_range){ b->hpa, b->hpa + b->size - 1, b->hpa_pos, "" };
			snprintf(r[n].buf, sizeof(r[n].buf), "BAR %u of device '%.64s'",
				 b->index, pl->devices[i].name ? pl->devices[i].name : "?");
			n++;
		}
	return n;
}

static void addr_map_check(struct ld *ld)
{
	const struct scn_platform *pl = &ld->scn->platform;
	struct ld_range *r = ld_xcalloc(pl->nguests + pl->ndevices * SCN_MAX_BARS + 1,
				       sizeof(*r));
	size_t n = guest_ranges(ld, r);

	n += bar_ranges(ld, r + n);
	qsort(r, n, sizeof(*r), range_cmp);
	/* sorted by start: each range need only be held against the widest before it */
	for (size_t i = 1, w = 0; i < n; i++) {
		if (r[i].first <= r[w].last) {
			struct ld_range *a = r[i].pos.line > r[w].pos.line ||
					     (r[i].pos.line == r[w].pos.line &&
					      r[i].pos.col > r[w].pos.col) ? &r[i] : &r[w];
			struct ld_range *b = a == &r[i] ? &r[w] : &r[i];

			ld_err(ld, a->pos, "%s (0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx, at %u:%u)",
			       a->buf, (unsigned long long)a->first,
			       (unsigned long long)a->last, b->buf,
			       (unsigned long long)b->first, (unsigned long long)b->last,
			       b->pos.line, b->pos.col);
		}
		if (r[i].last > r[w].last)
			w = i;
	}
	free(r);
}

void ld_top_platform(struct ld *ld, int node)
{
	struct scn_platform *pl = &ld->scn->platform;
	struct scn_value v = { 0 };
	const struct scn_value *devs, *guests;
	size_t i;
	int idx;

	ld_check_map(ld, node, &platform_s, NULL, "platform", &v);
	iommu_load(ld, scn_get(&v, "iommu"));
	idx = scn_name_index(tsm_bind_v, scn_get_str(scn_get(&v, "vfio"),
						      "tsm_bind", "keep"));
	pl->vfio_tsm_bind = idx < 0 ? 0 : (unsigned int)idx;
	devs = scn_get(&v, "devices");
	guests = scn_get(&v, "guests");
	if (devs && devs->n) {
		pl->devices = ld_xcalloc(devs->n, sizeof(*pl->devices));
		for (i = 0; i < devs->n; i++) {
			device_load(ld, &devs->items[i], &pl->devices[i], i);
			name_register(ld, pl->devices[i].name,
				      ld_vpos(&devs->items[i], "name", pl->devices[i].pos),
				      NS_DEVICE, "device");
			pl->ndevices++;
		}
		pf_check(ld, devs);
	}
	if (guests && guests->n) {
		pl->guests = ld_xcalloc(guests->n, sizeof(*pl->guests));
		for (i = 0; i < guests->n; i++) {
			guest_load(ld, &guests->items[i], &pl->guests[i]);
			name_register(ld, pl->guests[i].name,
				      ld_vpos(&guests->items[i], "name", pl->guests[i].pos),
				      NS_GUEST, "guest");
			pl->nguests++;
		}
	}
	addr_map_check(ld);
	ld_value_free(&v);
}
