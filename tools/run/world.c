// SPDX-License-Identifier: MIT
/*
 * world.c - build the platform of a scenario for one arch: the latency
 * table (profile defaults, then the scenario's `timing:`), the IOMMU, the
 * devices with their BAR windows, the guests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

struct diag_buf {
	char *text;
	size_t len;
};

static void diag_collect(void *ctx, const char *msg)
{
	struct diag_buf *d = ctx;
	size_t n = strlen(msg);

	d->text = sim_xrealloc(d->text, d->len + n + 2, 1);
	memcpy(d->text + d->len, msg, n);
	d->len += n;
	d->text[d->len++] = '\n';
	d->text[d->len] = 0;
}

/*
 * The latency table: the profile's (built-in defaults, then the profile
 * file's overrides), then the scenario's `timing:` block.
 */
static int load_profile(struct world *w, const char *arch, uint64_t *t,
			char **err)
{
	struct diag_buf d = { NULL, 0 };
	struct arch_diag diag = { diag_collect, &d, 0 };
	/* the loader resolved a file's path against the scenario's folder */
	int rc = arch_profile_resolve(arch, &w->prof, &diag);

	if (rc) {
		*err = d.text ? d.text : sim_xasprintf("%s: cannot load the arch profile '%s'",
					      w->scn->file, arch);
		if (d.text && d.len)
			d.text[d.len - 1] = 0;	/* the caller adds the newline */
		return rc;
	}
	free(d.text);
	world_timing(w, t);
	return 0;
}

static void dev_cfg(const struct scn_device *d, struct pcie_dev_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->name = d->name;
	c->bdf = d->bdf;
	c->pf = d->pf;
	c->nbars = d->nbars;
	for (unsigned int i = 0; i < d->nbars; i++) {
		c->bars[i].index = d->bars[i].index;
		c->bars[i].size = d->bars[i].size;
		c->bars[i].hpa = d->bars[i].hpa;
		c->bars[i].non_tee = d->bars[i].non_tee;
		c->bars[i].mem_attr_updatable = d->bars[i].updatable;
	}
	c->msix.present = d->has_msix;
	c->msix.bar = d->msix_bar;
	c->msix.offset = d->msix_offset;
	c->msix.size = d->msix_size;
	c->ide = d->ide;
}

static int add_devices(struct world *w, char **err)
{
	const struct scn_platform *pl = &w->scn->platform;

	for (size_t i = 0; i < pl->ndevices; i++) {
		struct pcie_dev_cfg c;
		int rc;

		dev_cfg(&pl->devices[i], &c);
		rc = plat_add_device(w->p, &c, NULL);
		if (rc) {
			*err = sim_xasprintf("%s:%u:%u: error: device '%s' cannot be placed: %s",
				    w->scn->file, pl->devices[i].pos.line,
				    pl->devices[i].pos.col,
				    pl->devices[i].name, rc == -EEXIST ?
				    "a BAR overlaps another window or RAM, or the name/BDF is taken" :
				    "bad BDF, BAR or PF");
			return rc;
		}
	}
	return 0;
}

static int add_guests(struct world *w, char **err)
{
	const struct scn_platform *pl = &w->scn->platform;

	for (size_t i = 0; i < pl->nguests; i++) {
		const struct scn_guest *g = &pl->guests[i];
		unsigned int bits = g->gpaw ? g->gpaw : g->ipa_bits;

		if (!plat_add_guest(w->p, g->name, g->confidential, g->memory,
				    bits)) {
			*err = sim_xasprintf("%s:%u:%u: error: guest '%s' cannot be created: its memory does not fit below the MMIO pool",
				    w->scn->file, g->pos.line, g->pos.col,
				    g->name);
			return -ENOSPC;
		}
	}
	return 0;
}

struct gpa_run {
	const struct world *w;
	struct diag_buf d;
};

static void gpa_run_one(void *ctx, const struct scn_guest *g, uint64_t gpa,
			struct scn_pos pos)
{
	struct gpa_run *c = ctx;
	char msg[320];
	char *line;

	if (!scn_gpa_error(g, gpa, (int)c->w->prof.base, msg, sizeof(msg)))
		return;
	line = sim_xasprintf("%s:%u:%u: error: %s", c->w->scn->file, pos.line,
			     pos.col, msg);
	diag_collect(&c->d, line);
	free(line);
}

/*
 * docs/scenarios.md: no gpa carries the shared / protected bit of the
 * arch this run uses (the loader checked the scenario's own arches; --arch
 * may name another).  Every bad gpa is listed.
 */
static int gpa_check(struct world *w, char **err)
{
	struct gpa_run c = { .w = w };

	scn_gpa_walk(w->scn, gpa_run_one, &c);
	if (!c.d.text)
		return 0;
	c.d.text[c.d.len - 1] = 0;	/* the caller adds the newline */
	*err = c.d.text;
	return -EINVAL;
}

void world_timing(const struct world *w, uint64_t *t)
{
	arch_profile_cycles(&w->prof, w->scn->clock_mhz, t);
	for (size_t i = 0; i < w->scn->ntiming; i++)
		t[arch_timing_find(w->scn->timing[i].key)] = w->scn->timing[i].cycles;
}

const struct arch_profile *world_profile(const struct world *w)
{
	return &w->prof;
}

struct world *world_create(const struct scenario *scn, const char *arch,
			   struct sim *s, char **err, int *bad_input)
{
	struct world *w = calloc(1, sizeof(*w));
	struct plat_config cfg = { 0 };
	const char *perr = NULL;
	int rc;

	TSM_BUG_ON(!w);
	w->scn = scn;
	w->s = s;
	rc = load_profile(w, arch, cfg.timing, err);
	if (rc) {
		/* a bare word that is no built-in is a bad arch name, not a file */
		*bad_input = (rc == -ENOENT || rc == -EACCES || rc == -EIO) &&
			     strchr(arch, '/') ? WORLD_NO_INPUT : WORLD_BAD_INPUT;
		free(w);
		return NULL;
	}
	cfg.ops = arch_ops_get(w->prof.base);
	cfg.prof = &w->prof;
	cfg.iommu.entries = (unsigned int)scn->platform.iommu.iotlb_entries;
	cfg.iommu.ways = (unsigned int)scn->platform.iommu.iotlb_ways;
	cfg.iommu.levels = scn->platform.iommu.levels;
	/* a check of page-table runs (docs/performance.md): same bytes off */
	{
		const char *nr = getenv("TSMSIM_NO_RUNS");

		cfg.iommu.no_runs = nr && *nr && strcmp(nr, "0");
	}
	w->p = plat_create(s, &cfg, &perr);
	if (!w->p) {
		*err = sim_xasprintf("%s: %s", scn->file, perr);
		free(w);
		return NULL;
	}
	/* the platform a scenario describes cannot be built: its error (65) */
	*bad_input = true;
	if (add_devices(w, err) || add_guests(w, err) || gpa_check(w, err)) {
		world_destroy(w);
		return NULL;
	}
	*bad_input = false;
	w->host = host_create(w->p);
	if (w->host)
		vfio_set_bind_policy(w->host,
				     (enum vfio_bind_policy)scn->platform.vfio_tsm_bind);
	w->traffic = traffic_create(w);
	return w;
}

void world_destroy(struct world *w)
{
	if (!w)
		return;
	traffic_destroy(w->traffic);
	for (size_t i = 0; i < w->nfaccs; i++)
		free(w->faccs[i]);
	free(w->faccs);
	for (size_t i = 0; i < w->nkept; i++)
		free(w->kept[i]);
	free(w->kept);
	host_destroy(w->host);
	plat_destroy(w->p);
	free(w);
}

struct world_fault_access *world_fault_access(struct world *w)
{
	struct world_fault_access *fa = calloc(1, sizeof(*fa));

	TSM_BUG_ON(!fa);
	w->faccs = sim_xrealloc(w->faccs, w->nfaccs + 1, sizeof(*w->faccs));
	w->faccs[w->nfaccs++] = fa;
	return fa;
}

const char *world_keep(struct world *w, char *str)
{
	w->kept = sim_xrealloc(w->kept, w->nkept + 1, sizeof(*w->kept));
	w->kept[w->nkept++] = str;
	return str;
}

struct platform *world_platform(const struct world *w)
{
	return w->p;
}

struct pcie_dev *world_dev(const struct world *w, const char *name)
{
	return name ? plat_device(w->p, name) : NULL;
}

struct plat_guest *world_guest(const struct world *w, const char *name)
{
	return name ? plat_guest(w->p, name) : NULL;
}

const char *world_arch_name(const struct world *w)
{
	return w->prof.name;
}

const char *world_tdi_state(const struct world *w, const char *device)
{
	struct pcie_dev *dev = world_dev(w, device);

	return dev ? tdisp_state_name(tdisp_state(dev)) : NULL;
}

void world_start_traffic(struct world *w)
{
	traffic_start(w->traffic);
}

const struct scn_traffic *world_traffic_running(const struct world *w)
{
	return traffic_running(w->traffic);
}

void world_label_event(struct world *w, const char *label, bool completed)
{
	traffic_label(w->traffic, label, completed);
}
