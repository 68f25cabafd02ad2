// SPDX-License-Identifier: MIT
/*
 * sweep.c - the point list of a sweep (docs/scenarios.md): arches x set
 * combinations x fault kinds (with the parameters each needs, chosen from
 * the scenario) x fault points.  Everything here depends on the scenario
 * and the flags only, never on --jobs or --shard (README.md).
 * docs/sweep.md describes the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cli.h"
#include "load.h"
#include "run.h"
#include "sweep.h"

/* Parameters chosen for kinds that take some; 10us as docs/sweep.md says. */
#define SWEEP_DELAY "10us"
#define SWEEP_TDISP_ERROR "UNSPECIFIED"

enum sweep_param {
	SP_UNSET,		/* no rule: plan_one() skips the kind */
	SP_NONE,		/* no parameter needed */
	SP_DELAY,		/* delay=10us */
	SP_TDISP_ERROR,		/* error=UNSPECIFIED, any device */
	SP_DEVICE,		/* one point per device of the platform */
	SP_IMPORTER,		/* one point per importer: kvm, iommufd */
	SP_SLOW,		/* the same, with delay=10us */
	SP_GUEST,		/* the first kvm.map's guest and GPA */
	SP_FIRMWARE,		/* the first firmware call after the point */
};

/* By fault id; SP_UNSET: no rule to choose the kind's parameters. */
static const enum sweep_param kind_rules[SCN_FAULT_NR] = {
	[SCN_FAULT_DROP_INVALIDATION] = SP_NONE,
	[SCN_FAULT_DELAY_INVALIDATION] = SP_DELAY,
	[SCN_FAULT_TDISP_DROP] = SP_NONE,
	[SCN_FAULT_TDISP_BUSY] = SP_NONE,
	[SCN_FAULT_TDISP_ERROR] = SP_TDISP_ERROR,
	[SCN_FAULT_NONCE_CORRUPT] = SP_NONE,
	[SCN_FAULT_IDE_INSECURE] = SP_DEVICE,
	[SCN_FAULT_DEVICE_FLR] = SP_DEVICE,
	[SCN_FAULT_CONVENTIONAL_RESET] = SP_DEVICE,
	[SCN_FAULT_LINK_DOWN] = SP_DEVICE,
	[SCN_FAULT_HOT_UNPLUG] = SP_DEVICE,
	[SCN_FAULT_IMPORTER_IGNORES_REVOKE] = SP_IMPORTER,
	[SCN_FAULT_IMPORTER_SLOW_UNMAP] = SP_SLOW,
	[SCN_FAULT_SKIP_STEP] = SP_NONE,
	[SCN_FAULT_SWAP_STEPS] = SP_NONE,
	[SCN_FAULT_GUEST_ACCESS] = SP_GUEST,
	[SCN_FAULT_FIRMWARE_ERROR] = SP_FIRMWARE,
};

static const char *const importers[] = { "kvm", "iommufd" };

static int param_of(const char *kind)
{
	int id = scn_fault_find(kind);

	return id < 0 || kind_rules[id] == SP_UNSET ? -1 : (int)kind_rules[id];
}

uint64_t sweep_point_seed(uint64_t scn_seed, size_t index)
{
	return sim_splitmix64(scn_seed ^ (uint64_t)index) | 1;
}

/* ------------------------------------------------------------- baseline */

struct fw_call {
	int step;
	uint64_t cycle;
	char *call;
};

/* What an unfaulted run on one arch told us about the scenario. */
struct baseline {
	unsigned int *subops;	/* per step */
	size_t nsteps;
	struct fw_call *calls;	/* in order; repeats of the last one folded */
	size_t ncalls;
	char fw_error[64];	/* the arch's first firmware error name */
};

static void fw_rec(void *ctx, const struct sim_rec *rec)
{
	struct baseline *b = ctx;
	struct fw_call *last = b->ncalls ? &b->calls[b->ncalls - 1] : NULL;

	if (last && last->step == rec->step.index &&
	    !strcmp(last->call, rec->u.fw.call))
		return;
	b->calls = sim_xrealloc(b->calls, b->ncalls + 1, sizeof(*b->calls));
	b->calls[b->ncalls].step = rec->step.index;
	b->calls[b->ncalls].cycle = rec->cycle;
	b->calls[b->ncalls].call = sim_xstrdup(rec->u.fw.call);
	b->ncalls++;
}

static int fw_attach(struct sim *s, void *ctx)
{
	return sim_trace_subscribe(s, SIM_REC_BIT(SIM_REC_FIRMWARE), fw_rec, ctx);
}

static void baseline_fini(struct baseline *b)
{
	for (size_t i = 0; i < b->ncalls; i++)
		free(b->calls[i].call);
	free(b->calls);
	free(b->subops);
	memset(b, 0, sizeof(*b));
}

/* The first firmware error the arch (or the profile's base) can return. */
static void fw_error_of(const char *arch, char *buf, size_t len)
{
	struct arch_profile *prof = calloc(1, sizeof(*prof));
	struct arch_diag diag = { 0 };

	snprintf(buf, len, "EIO");
	if (!prof || arch_profile_resolve(arch, prof, &diag)) {
		free(prof);
		return;
	}
	for (size_t i = 0; arch_result_at(i); i++)
		if (arch_result_at(i)->arch == prof->base) {
			snprintf(buf, len, "%s", arch_result_at(i)->name);
			break;
		}
	free(prof);
}

static int baseline_run(const struct scenario *scn, const char *arch,
			struct baseline *b)
{
	struct run_sink sink = { fw_attach, b };
	struct run_opts ro = { .sinks = &sink, .nsinks = 1 };
	struct run_result res;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	if (run_scenario(scn, arch, &ro, &res)) {
		fprintf(stderr, "%s%s\n", res.scn_error ? "" : "tsmsim sweep: baseline run: ",
			res.scn_error ? res.scn_error :
			res.error ? res.error : "internal error");
		rc = res.scn_error ? CLI_EX_DATAERR : CLI_EX_SOFTWARE;
	} else {
		b->nsteps = res.nsteps;
		b->subops = calloc(res.nsteps + 1, sizeof(*b->subops));
		TSM_BUG_ON(!b->subops);
		for (size_t i = 0; i < res.nsteps; i++)
			b->subops[i] = res.steps[i].subops;
		fw_error_of(arch, b->fw_error, sizeof(b->fw_error));
	}
	run_result_fini(&res);
	return rc;
}

/* ------------------------------------------------------------- planner */

struct planner {
	const struct sweep_opts *o;
	struct sweep_plan *p;
	size_t arch, combo;
	const struct scenario *scn;
	const struct baseline *bl;	/* NULL when none was needed */
	char **ats;			/* this (arch, combo)'s points */
	size_t nats;
};

static void note(struct sweep_plan *p, char *msg)
{
	for (size_t i = 0; i < p->nnotes; i++)
		if (!strcmp(p->notes[i], msg)) {
			free(msg);
			return;
		}
	p->notes = sim_xrealloc(p->notes, p->nnotes + 1, sizeof(*p->notes));
	p->notes[p->nnotes++] = msg;
}

/* "/path=value" for each swept coordinate of the combination. */
static char *set_suffix(const struct sweep_combo *c)
{
	char *s = sim_xstrdup(""), *t;

	for (size_t i = 0; i < c->nswept; i++) {
		const struct scn_set *st = &c->sets[c->swept[i]];

		t = sim_xasprintf("%s/%s=%s", s, st->path, st->value);
		free(s);
		s = t;
	}
	return s;
}

static void emit(struct planner *pl, const char *kind, const char *variant,
		 const char *params, const char *at)
{
	struct sweep_plan *p = pl->p;
	struct sweep_point *pt;
	char *sfx = set_suffix(&p->combos[pl->combo]);

	p->points = sim_xrealloc(p->points, p->npoints + 1, sizeof(*p->points));
	pt = &p->points[p->npoints];
	pt->index = p->npoints++;
	pt->arch = pl->arch;
	pt->combo = pl->combo;
	pt->fault = sim_xstrdup(kind);
	pt->at = sim_xstrdup(at);
	pt->inject = sim_xasprintf("%s@%s%s%s", kind, at, params ? "," : "",
			       params ? params : "");
	pt->seed = sweep_point_seed(pl->scn->seed, pt->index);
	pt->id = sim_xasprintf("%s/%s%s%s/%s%s", p->labels[pl->arch], kind,
			   variant ? ":" : "", variant ? variant : "", at, sfx);
	free(sfx);
}

/* The first kvm.map step: guest-access touches what it mapped. */
static const struct scn_step *first_kvm_map(const struct scenario *scn)
{
	for (size_t i = 0; i < scn->nsteps; i++)
		if (scn->steps[i].op == SCN_OPID_KVM_MAP)
			return &scn->steps[i];
	return NULL;
}

static void emit_guest(struct planner *pl, const char *kind, const char *at)
{
	const struct scn_step *st = first_kvm_map(pl->scn);
	char *params;

	if (!st) {
		note(pl->p, sim_xasprintf("sweep: %s skipped: the scenario has no kvm.map step to take the guest and GPA from",
				      kind));
		return;
	}
	params = sim_xasprintf("guest=%s,gpa=0x%llx%s",
			   scn_get_str(&st->fields, "guest", ""),
			   (unsigned long long)scn_get_u64(&st->fields, "gpa", 0),
			   scn_get_bool(&st->fields, "private", false) ?
			   ",private=true" : "");
	emit(pl, kind, NULL, params, at);
	free(params);
}

/* Does the baseline's firmware call @c come after point @at? */
static bool call_after(const struct scenario *scn, const struct fw_call *c,
		       const char *at)
{
	struct scn_point pt;
	const char *why;
	bool after;
	int step;

	if (scn_parse_point(at, scn->clock_mhz, &pt, &why))
		return false;
	if (pt.kind == SCN_PT_CYCLE) {
		free(pt.label);
		return c->cycle >= pt.cycle;
	}
	step = scn_label_index(scn, pt.label);
	after = pt.kind == SCN_PT_BEFORE ? c->step >= step : c->step > step;
	free(pt.label);
	return after;
}

static void emit_firmware(struct planner *pl, const char *kind, const char *at)
{
	const struct baseline *b = pl->bl;
	char *params;

	for (size_t i = 0; b && i < b->ncalls; i++) {
		if (!call_after(pl->scn, &b->calls[i], at))
			continue;
		params = sim_xasprintf("call=%s,error=%s", b->calls[i].call,
				   b->fw_error);
		emit(pl, kind, b->calls[i].call, params, at);
		free(params);
		return;
	}
	note(pl->p, sim_xasprintf("sweep: %s on %s skipped at the points no firmware call follows in the baseline run",
			      kind, pl->p->labels[pl->arch]));
}

static void emit_kind(struct planner *pl, const char *kind, const char *at)
{
	const struct scn_platform *plat = &pl->scn->platform;
	char params[160];

	switch ((enum sweep_param)param_of(kind)) {
	case SP_UNSET:		/* plan_one() skipped it */
		break;
	case SP_NONE:
		emit(pl, kind, NULL, NULL, at);
		break;
	case SP_DELAY:
		emit(pl, kind, NULL, "delay=" SWEEP_DELAY, at);
		break;
	case SP_TDISP_ERROR:
		emit(pl, kind, NULL, "error=" SWEEP_TDISP_ERROR, at);
		break;
	case SP_DEVICE:
		for (size_t i = 0; i < plat->ndevices; i++) {
			snprintf(params, sizeof(params), "device=%s",
				 plat->devices[i].name);
			emit(pl, kind, plat->devices[i].name, params, at);
		}
		if (!plat->ndevices)
			note(pl->p, sim_xasprintf("sweep: %s skipped: the platform has no device",
					      kind));
		break;
	case SP_IMPORTER:
	case SP_SLOW:
		for (size_t i = 0; i < 2; i++) {
			snprintf(params, sizeof(params), "importer=%s%s",
				 importers[i], param_of(kind) == SP_SLOW ?
				 ",delay=" SWEEP_DELAY : "");
			emit(pl, kind, importers[i], params, at);
		}
		break;
	case SP_GUEST:
		emit_guest(pl, kind, at);
		break;
	case SP_FIRMWARE:
		emit_firmware(pl, kind, at);
		break;
	}
}

static void add_at(struct planner *pl, char *at)
{
	pl->ats = sim_xrealloc(pl->ats, pl->nats + 1, sizeof(*pl->ats));
	pl->ats[pl->nats++] = at;
}

/* --points all: before, during #1..#K and after of every labelled step. */
static void all_points(struct planner *pl)
{
	for (size_t i = 0; i < pl->scn->nsteps; i++) {
		const char *l = pl->scn->steps[i].label;

		if (!l)
			continue;
		add_at(pl, sim_xasprintf("before:%s", l));
		for (unsigned int k = 1; pl->bl && k <= pl->bl->subops[i]; k++)
			add_at(pl, sim_xasprintf("during:%s#%u", l, k));
		add_at(pl, sim_xasprintf("after:%s", l));
	}
}

static int list_points(struct planner *pl)
{
	for (size_t i = 0; i < pl->o->npoints; i++) {
		const char *at = pl->o->points[i], *why = NULL;
		struct scn_point pt;
		int bad = scn_parse_point(at, pl->scn->clock_mhz, &pt, &why);

		const char *near = NULL;

		if (!bad && pt.kind != SCN_PT_CYCLE &&
		    scn_label_index(pl->scn, pt.label) < 0) {
			why = "no step has that label";
			near = scn_nearest_label(pl->scn, pt.label);
		}
		if (bad || why) {
			fprintf(stderr, "tsmsim sweep: --points: '%s': %s%s%s%s\n(see tsmsim sweep --help)\n",
				at, why ? why : "not a point",
				near ? " (did you mean '" : "", near ? near : "",
				near ? "'?)" : "");
			if (!bad)
				free(pt.label);
			return CLI_EX_USAGE;
		}
		free(pt.label);
		add_at(pl, sim_xstrdup(at));
	}
	return 0;
}

static bool kinds_want_baseline(const struct sweep_opts *o)
{
	if (!o->npoints || !o->nfaults)
		return true;
	for (size_t i = 0; i < o->nfaults; i++)
		if (param_of(o->faults[i]) == SP_FIRMWARE)
			return true;
	return false;
}

static void free_ats(struct planner *pl)
{
	for (size_t i = 0; i < pl->nats; i++)
		free(pl->ats[i]);
	free(pl->ats);
	pl->ats = NULL;
	pl->nats = 0;
}

/*
 * A point where the kind can never act (skip-step after the last step,
 * ...) is not planned: its line would read "the system tolerates this
 * fault" when nothing was injected.  The loader refuses the same.
 */
static bool futile(struct planner *pl, const char *kind, const char *at)
{
	struct scn_point pt;
	const char *why;
	char buf[192];
	bool no;

	if (scn_parse_point(at, pl->scn->clock_mhz, &pt, &why))
		return false;
	no = scn_fault_futile(pl->scn, kind, &pt, NULL, buf, sizeof(buf));
	free(pt.label);
	if (no && pl->arch == 0 && pl->combo == 0)
		note(pl->p, sim_xasprintf("sweep: %s@%s skipped: %s", kind, at, buf));
	return no;
}

/* Every point of one (arch, combination). */
static int plan_one(struct planner *pl)
{
	const struct sweep_opts *o = pl->o;
	size_t nkinds = o->nfaults ? o->nfaults : scn_nfaults;
	int rc = o->npoints ? list_points(pl) : 0;

	if (!rc && !o->npoints)
		all_points(pl);
	for (size_t k = 0; !rc && k < nkinds; k++) {
		const char *kind = o->nfaults ? o->faults[k] : scn_faults[k].name;

		if (param_of(kind) < 0) {
			note(pl->p, sim_xasprintf("sweep: %s skipped: no rule to choose its parameters",
					      kind));
			continue;
		}
		for (size_t a = 0; !rc && a < pl->nats; a++) {
			if (futile(pl, kind, pl->ats[a]))
				continue;
			emit_kind(pl, kind, pl->ats[a]);
			if (pl->p->npoints > SWEEP_MAX_POINTS) {
				fprintf(stderr, "tsmsim sweep: the plan has more than %u points: sweep fewer --set values, --faults or --points per run\n",
					SWEEP_MAX_POINTS);
				rc = CLI_EX_USAGE;
			}
		}
	}
	free_ats(pl);
	return rc;
}

/* ------------------------------------------------------------ combos */

static int load_combo(const struct sweep_opts *o, struct sweep_combo *c)
{
	struct scn_diags d = { 0 };
	int rc = scn_load(o->file, c->sets, c->nsets, &c->scn, &d);

	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (rc == -ENOENT)
		return CLI_EX_NOINPUT;
	return rc ? CLI_EX_DATAERR : 0;
}

/* Combination @n: the last swept dim varies fastest. */
static void fill_combo(const struct sweep_opts *o, size_t n,
		       struct sweep_combo *c)
{
	for (size_t i = o->ndims; i-- > 0;) {
		const struct sweep_dim *d = &o->dims[i];

		c->sets[i].path = d->path;
		c->sets[i].value = d->values[n % d->nvalues];
		n /= d->nvalues;
	}
	c->nsets = o->ndims;
	for (size_t i = 0; i < o->ndims; i++)
		if (o->dims[i].nvalues > 1)
			c->swept[c->nswept++] = i;
}

static int make_combos(const struct sweep_opts *o, struct sweep_plan *p)
{
	size_t n = 1;

	for (size_t i = 0; i < o->ndims; i++) {
		if (n > SWEEP_MAX_COMBOS / o->dims[i].nvalues) {
			fprintf(stderr, "tsmsim sweep: the --set values make more than %u combinations (each loads the scenario): sweep fewer values per run\n",
				SWEEP_MAX_COMBOS);
			return CLI_EX_USAGE;
		}
		n *= o->dims[i].nvalues;
	}
	p->combos = calloc(n, sizeof(*p->combos));
	TSM_BUG_ON(!p->combos);
	p->ncombos = n;
	for (size_t i = 0; i < n; i++) {
		int rc;

		fill_combo(o, i, &p->combos[i]);
		rc = load_combo(o, &p->combos[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* A profile path is named by its base name without .yaml in ids. */
static char *arch_label(const char *arch)
{
	const char *b = strrchr(arch, '/');
	size_t len;

	b = b ? b + 1 : arch;
	len = strlen(b);
	if (len > 5 && !strcmp(b + len - 5, ".yaml"))
		len -= 5;
	return strndup(b, len);
}

static void set_arches(const struct sweep_opts *o, struct sweep_plan *p)
{
	const struct scenario *scn = p->combos[0].scn;
	char *const *src = o->narches ? o->arches : scn->arches;

	p->narches = o->narches ? o->narches : scn->narches;
	for (size_t i = 0; i < p->narches; i++) {
		p->arches[i] = sim_xstrdup(src[i]);
		p->labels[i] = arch_label(src[i]);
		TSM_BUG_ON(!p->arches[i] || !p->labels[i]);
	}
}

/* The plain (one-valued) --set overrides are part of the scenario. */
static void plan_hash(const struct sweep_opts *o, struct sweep_plan *p)
{
	struct scn_set sets[SWEEP_MAX_SETS];
	size_t n = 0;

	for (size_t i = 0; i < o->ndims; i++)
		if (o->dims[i].nvalues == 1)
			sets[n++] = (struct scn_set){ o->dims[i].path,
						      o->dims[i].values[0] };
	snprintf(p->hash, sizeof(p->hash), "%016llx",
		 (unsigned long long)sweep_scenario_hash(o->file, sets, n,
							 p->arches, p->narches));
}

int sweep_plan_build(const struct sweep_opts *o, struct sweep_plan *p)
{
	struct planner pl = { .o = o, .p = p };
	bool want_bl = kinds_want_baseline(o);
	int rc;

	memset(p, 0, sizeof(*p));
	p->file = o->file;
	rc = make_combos(o, p);
	if (rc)
		return rc;
	set_arches(o, p);
	plan_hash(o, p);
	for (pl.arch = 0; !rc && pl.arch < p->narches; pl.arch++)
		for (pl.combo = 0; !rc && pl.combo < p->ncombos; pl.combo++) {
			struct baseline bl = { 0 };

			pl.scn = p->combos[pl.combo].scn;
			pl.bl = NULL;
			if (want_bl) {
				rc = baseline_run(pl.scn, p->arches[pl.arch], &bl);
				pl.bl = &bl;
			}
			if (!rc)
				rc = plan_one(&pl);
			baseline_fini(&bl);
		}
	return rc;
}

void sweep_plan_fini(struct sweep_plan *p)
{
	for (size_t i = 0; i < p->narches; i++) {
		free(p->arches[i]);
		free(p->labels[i]);
	}
	for (size_t i = 0; i < p->ncombos; i++)
		scn_free(p->combos[i].scn);
	free(p->combos);
	for (size_t i = 0; i < p->npoints; i++) {
		struct sweep_point *pt = &p->points[i];

		free(pt->fault);
		free(pt->at);
		free(pt->inject);
		free(pt->id);
	}
	free(p->points);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}
