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

#include "world.h"

static char *errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *errf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	TSM_BUG_ON(n < 0);
	return p;
}

static int fill_timing(const struct scenario *scn, const char *arch,
		       uint64_t *t)
{
	int id = arch_id_parse(arch);

	if (id < 0)
		return -ENOENT;
	for (int i = 0; i < AT_NR; i++) {
		const struct arch_timing_desc *d = arch_timing_desc((enum arch_timing)i);

		t[i] = d->in_cycles ? d->def_ps[id] :
			arch_ps_to_cycles(d->def_ps[id], scn->clock_mhz);
	}
	for (size_t i = 0; i < scn->ntiming; i++)
		t[arch_timing_find(scn->timing[i].key)] = scn->timing[i].cycles;
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
			*err = errf("%s:%u: device '%s' cannot be placed: %s",
				    w->scn->file, pl->devices[i].pos.line,
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
			*err = errf("%s: guest '%s' cannot be created", w->scn->file,
				    g->name);
			return -ENOSPC;
		}
	}
	return 0;
}

struct world *world_create(const struct scenario *scn, const char *arch,
			   struct sim *s, char **err)
{
	struct world *w = calloc(1, sizeof(*w));
	struct plat_config cfg = { 0 };
	const char *perr = NULL;

	TSM_BUG_ON(!w);
	w->scn = scn;
	w->s = s;
	w->clock_mhz = scn->clock_mhz;
	if (fill_timing(scn, arch, cfg.timing)) {
		*err = errf("%s: arch '%s' is not a built-in profile; profile files are not supported yet",
			    scn->file, arch);
		free(w);
		return NULL;
	}
	cfg.iommu.entries = (unsigned int)scn->platform.iommu.iotlb_entries;
	cfg.iommu.ways = (unsigned int)scn->platform.iommu.iotlb_ways;
	cfg.iommu.levels = scn->platform.iommu.levels;
	w->p = plat_create(s, &cfg, &perr);
	if (!w->p) {
		*err = errf("%s: %s", scn->file, perr);
		free(w);
		return NULL;
	}
	if (add_devices(w, err) || add_guests(w, err)) {
		world_destroy(w);
		return NULL;
	}
	w->traffic = traffic_create(w);
	return w;
}

void world_destroy(struct world *w)
{
	if (!w)
		return;
	traffic_destroy(w->traffic);
	plat_destroy(w->p);
	free(w);
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

const char *world_tdi_state(const struct world *w, const char *device)
{
	struct pcie_dev *dev = world_dev(w, device);

	return dev ? tdisp_state_name(tdisp_state(dev)) : NULL;
}

void world_start_traffic(struct world *w)
{
	traffic_start(w->traffic);
}

bool world_traffic_done(const struct world *w)
{
	return traffic_done(w->traffic);
}

void world_label_event(struct world *w, const char *label, bool completed)
{
	traffic_label(w->traffic, label, completed);
}
