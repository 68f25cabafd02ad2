// SPDX-License-Identifier: MIT
/*
 * show.c - `tsmsim show FILE`: the platform a scenario resolves to on each
 * arch, before anything runs (gem5's config.ini, QEMU's `info qtree`):
 * the IOMMU, every function with its BDF and BAR windows (assigned HPAs
 * included), the guests, the effective latency table in ns and cycles
 * (profile defaults, a profile file's overrides, the scenario's `timing:`
 * and --set), and the arch profile's rules with their sources.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cmd.h"
#include "run.h"
#include "mem.h"
#include "pcie.h"
#include "platform.h"

static const char show_usage[] =
"usage: tsmsim show FILE [--arch A[,B..]] [--seed N] [--set PATH=VALUE]...\n"
"                   [--inject KIND@POINT[,K=V..]]...\n"
"\n"
"Prints what FILE resolves to on each arch (the scenario's `arch:` unless\n"
"--arch is given), after --set and --inject, and runs nothing: the IOMMU,\n"
"each device function with its BDF and BAR windows (HPAs the platform\n"
"assigned too), the guests, the latency table in effect (ns and cycles of\n"
"clock_mhz; where each value comes from) and the arch profile's rules.\n"
"\n"
"exit: 0 shown, 2 bad command line, 65 bad scenario, 66 unreadable file\n";

/* "64 KiB", "1 GiB", or bytes. */
static void size_str(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int k = 0;

	while (k < 4 && b && b % 1024 == 0) {
		b /= 1024;
		k++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", b, unit[k]);
}

static void show_devices(FILE *f, const struct scenario *scn,
			 const struct world *w)
{
	const struct mem *m = plat_mem(world_platform(w));

	for (size_t i = 0; i < scn->platform.ndevices; i++) {
		const struct scn_device *d = &scn->platform.devices[i];
		const struct pcie_dev *dev = world_dev(w, d->name);
		char bdf[16] = "?", sz[32];

		if (dev)
			pcie_bdf_format(pcie_dev_segment(dev), pcie_dev_rid(dev),
					bdf, sizeof(bdf));
		fprintf(f, "  device %-12s bdf %s%s%s%s, IDE %s\n", d->name, bdf,
			d->bdf ? "" : " (assigned)", d->pf ? ", VF of " : "",
			d->pf ? d->pf : "", d->ide ? "on" : "off");
		for (unsigned int b = 0; b < d->nbars; b++) {
			const struct scn_bar *bar = &d->bars[b];
			uint64_t hpa = 0, size = 0;

			size_str(bar->size, sz, sizeof(sz));
			if (!dev || !mem_window(m, dev, bar->index, &hpa, &size))
				hpa = bar->hpa;
			fprintf(f, "    bar%u %10s  hpa 0x%010" PRIx64 "..0x%010" PRIx64 "%s%s%s\n",
				bar->index, sz, hpa, hpa + bar->size - 1,
				bar->hpa ? "" : " (assigned)",
				bar->non_tee ? ", non-TEE" : ", TEE",
				bar->prefetch ? ", prefetchable" : "");
		}
	}
}

static void show_platform(FILE *f, const struct scenario *scn,
			  const struct world *w)
{
	const struct scn_iommu *io = &scn->platform.iommu;
	char sz[32];

	size_str(io->page_size, sz, sizeof(sz));
	fprintf(f, "platform\n  iommu: IOTLB %" PRIu64 " entries, %" PRIu64
		" ways, %u levels, %s pages\n", io->iotlb_entries,
		io->iotlb_ways, io->levels, sz);
	show_devices(f, scn, w);
	for (size_t i = 0; i < scn->platform.nguests; i++) {
		const struct scn_guest *g = &scn->platform.guests[i];

		size_str(g->memory, sz, sizeof(sz));
		fprintf(f, "  guest  %-12s %s, memory %s", g->name,
			g->confidential ? "confidential" : "not confidential", sz);
		if (g->gpaw)
			fprintf(f, ", gpaw %u", g->gpaw);
		if (g->ipa_bits)
			fprintf(f, ", ipa_bits %u", g->ipa_bits);
		fputc('\n', f);
	}
}

/* Where the value of timing key @t comes from. */
static const char *timing_origin(const struct scenario *scn,
				 const struct arch_profile *p, int t)
{
	const char *key = arch_timing_desc((enum arch_timing)t)->key;

	for (size_t i = 0; i < scn->ntiming; i++)
		if (!strcmp(scn->timing[i].key, key))
			return scn->timing[i].pos.set ? "--set" : "timing:";
	return p->timing_src[t][0] ? p->timing_src[t] : "profile";
}

static void show_timing(FILE *f, const struct scenario *scn,
			const struct world *w)
{
	const struct arch_profile *p = world_profile(w);
	uint64_t t[AT_NR];

	world_timing(w, t);
	fprintf(f, "timing in effect (clock_mhz %" PRIu64 ")\n  %-16s %14s %12s  from\n",
		scn->clock_mhz, "key", "ns", "cycles");
	for (int k = 0; k < AT_NR; k++)
		fprintf(f, "  %-16s %14" PRIu64 " %12" PRIu64 "  %s\n",
			arch_timing_desc((enum arch_timing)k)->key,
			out_ns(t[k], scn->clock_mhz), t[k],
			timing_origin(scn, p, k));
}

static void print_line(void *ctx, const char *line)
{
	fprintf(ctx, "  %s\n", line);
}

static int show_arch(FILE *f, const struct scenario *scn, const char *arch)
{
	struct sim *s = sim_create(scn->seed);
	char *err = NULL;
	int bad = 0;
	struct world *w;

	TSM_BUG_ON(!s);
	w = world_create(scn, arch, s, &err, &bad);
	if (!w) {
		fprintf(stderr, "%s%s\n", bad ? "" : "tsmsim show: ", err ? err : "cannot build the platform");
		free(err);
		sim_destroy(s);
		return bad == WORLD_NO_INPUT ? CLI_EX_NOINPUT :
		       bad ? CLI_EX_DATAERR : CLI_EX_SOFTWARE;
	}
	fprintf(f, "%s on %s, seed %" PRIu64 ", clock %" PRIu64 " MHz (%s)\n",
		scn->name, world_arch_name(w), scn->seed, scn->clock_mhz, scn->file);
	show_platform(f, scn, w);
	show_timing(f, scn, w);
	fprintf(f, "arch profile\n");
	arch_profile_print(world_profile(w), print_line, f);
	world_destroy(w);
	sim_destroy(s);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct cli_run o = { .one_file = true };
	struct scenario *scn = NULL;
	const char *const *arches;
	size_t narch;
	int rc = cli_parse_run(argc, argv, &o);

	if (rc == CLI_HELP) {
		fputs(show_usage, stdout);
		rc = 0;
	} else if (!rc && (o.json || o.stats || o.junit || o.vcd || o.trace ||
			   o.html || o.stats_file || o.verbose || o.checkers)) {
		fprintf(stderr, "tsmsim show: takes FILE, --arch, --seed, --set and --inject only\n"
			"(see tsmsim show --help)\n");
		rc = CLI_EX_USAGE;
	} else if (!rc && !(rc = cmd_load(o.file, o.sets, o.nsets, &scn))) {
		if (o.ropts.has_seed)
			scn->seed = o.ropts.seed;
		cmd_arch_list(scn, &o, &arches, &narch);
		for (size_t i = 0; i < narch && !rc; i++) {
			if (i)
				fputc('\n', stdout);
			rc = show_arch(stdout, scn, arches[i]);
		}
	}
	scn_free(scn);
	cli_run_fini(&o);
	return rc;
}
