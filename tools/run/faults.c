// SPDX-License-Identifier: MIT
/*
 * faults.c - apply one fault of the catalog to the models.  Counts and
 * delays come from the fault's parameters; "any device" means every
 * function of the platform.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "load.h"

typedef int fault_fn(struct world *w, const struct scn_fault *f, int cur,
		     struct fault_action *act);

static unsigned int count_of(const struct scn_fault *f)
{
	uint64_t n = scn_get_u64(&f->params, "count", 1);

	return n > 1000000 ? 1000000 : (unsigned int)n;
}

/* The named device, or each device when the fault names none. */
static void each_dev(struct world *w, const struct scn_fault *f,
		     void (*fn)(struct pcie_dev *dev, const struct scn_fault *f))
{
	const char *name = scn_get_str(&f->params, "device", NULL);
	struct pcie_fabric *fab = plat_fabric(w->p);

	if (name) {
		fn(world_dev(w, name), f);
		return;
	}
	for (size_t i = 0; i < pcie_dev_count(fab); i++)
		fn(pcie_dev_at(fab, i), f);
}

static int f_drop_inval(struct world *w, const struct scn_fault *f, int cur,
			struct fault_action *act)
{
	iommu_inject_drop_inval(plat_iommu(w->p), count_of(f));
	return 0;
}

static int f_delay_inval(struct world *w, const struct scn_fault *f, int cur,
			 struct fault_action *act)
{
	iommu_inject_delay_inval(plat_iommu(w->p), count_of(f),
				 scn_get_u64(&f->params, "delay", 0));
	return 0;
}

static void drop_one(struct pcie_dev *dev, const struct scn_fault *f)
{
	tdisp_fault_drop(dev, count_of(f));
}

static void busy_one(struct pcie_dev *dev, const struct scn_fault *f)
{
	tdisp_fault_busy(dev, count_of(f));
}

static void error_one(struct pcie_dev *dev, const struct scn_fault *f)
{
	tdisp_fault_error(dev, (uint32_t)tdisp_error_parse(
				       scn_get_str(&f->params, "error", "")));
}

static void nonce_one(struct pcie_dev *dev, const struct scn_fault *f)
{
	tdisp_fault_corrupt_nonce(dev);
}

static int f_tdisp_drop(struct world *w, const struct scn_fault *f, int cur,
			struct fault_action *act)
{
	each_dev(w, f, drop_one);
	return 0;
}

static int f_tdisp_busy(struct world *w, const struct scn_fault *f, int cur,
			struct fault_action *act)
{
	each_dev(w, f, busy_one);
	return 0;
}

static int f_tdisp_error(struct world *w, const struct scn_fault *f, int cur,
			 struct fault_action *act)
{
	each_dev(w, f, error_one);
	return 0;
}

static int f_nonce(struct world *w, const struct scn_fault *f, int cur,
		   struct fault_action *act)
{
	each_dev(w, f, nonce_one);
	return 0;
}

static struct pcie_dev *fdev(struct world *w, const struct scn_fault *f)
{
	return world_dev(w, scn_get_str(&f->params, "device", NULL));
}

static int f_ide_insecure(struct world *w, const struct scn_fault *f, int cur,
			  struct fault_action *act)
{
	ide_set_state(fdev(w, f), IDE_INSECURE);
	return 0;
}

static int f_flr(struct world *w, const struct scn_fault *f, int cur,
		 struct fault_action *act)
{
	pcie_flr(fdev(w, f));
	return 0;
}

/* [TDISP] §11.4.8: a hot, warm or cold reset of the whole device */
static int f_conv_reset(struct world *w, const struct scn_fault *f, int cur,
			struct fault_action *act)
{
	pcie_conventional_reset(fdev(w, f));
	return 0;
}

/*
 * Link down: the IDE stream cannot survive it ([TDISP] Table 11-2: Link
 * Down caused by link control or physical-layer events), so every locked
 * TDI on it errors; the link's own loss of traffic is not modelled.
 */
static int f_link_down(struct world *w, const struct scn_fault *f, int cur,
		       struct fault_action *act)
{
	ide_set_state(fdev(w, f), IDE_INSECURE);
	return 0;
}

static int f_importer_ignores(struct world *w, const struct scn_fault *f,
			      int cur, struct fault_action *act)
{
	dmabuf_fault_ignore_revoke(host_dmabuf_core(w->host),
				   scn_get_str(&f->params, "importer", ""));
	return 0;
}

static int f_importer_slow(struct world *w, const struct scn_fault *f, int cur,
			   struct fault_action *act)
{
	dmabuf_fault_slow_unmap(host_dmabuf_core(w->host),
				scn_get_str(&f->params, "importer", ""),
				scn_get_u64(&f->params, "delay", 0));
	return 0;
}

/* The call fails before it has any effect (sim_seq_inject_fail()). */
static int f_firmware(struct world *w, const struct scn_fault *f, int cur,
		      struct fault_action *act)
{
	sim_seq_inject_fail(w->s, scn_get_str(&f->params, "call", ""),
			    scn_get_str(&f->params, "error", "EIO"), 1);
	return 0;
}

/*
 * Surprise removal: nothing decodes the BARs any more (reads master-abort
 * to all-ones, writes vanish) and the IDE stream is gone with the link,
 * which sends a locked TDI to ERROR.
 */
static int f_hot_unplug(struct world *w, const struct scn_fault *f, int cur,
			struct fault_action *act)
{
	struct pcie_dev *dev = fdev(w, f);

	mem_remove_windows(plat_mem(w->p), dev);
	ide_set_state(dev, IDE_INSECURE);
	return 0;
}

static void fault_access_done(struct sim *s, void *subject, void *object)
{
	struct world *w = subject;
	struct world_fault_access *fa = object;

	plat_emit_access(w->p, &fa->acc, fa->issued);
}

/* One guest access at the point, as if the guest touched the address. */
static int f_guest_access(struct world *w, const struct scn_fault *f, int cur,
			  struct fault_action *act)
{
	const struct scn_value *p = &f->params;
	struct world_fault_access *fa = world_fault_access(w);

	fa->acc = (struct plat_access){
		.who = SIM_INIT_GUEST,
		.initiator = scn_get_str(p, "guest", ""),
		.write = scn_get_bool(p, "write", false),
		.priv = scn_get_bool(p, "private", false),
		.addr = scn_get_u64(p, "gpa", 0),
		.size = scn_get_u64(p, "size", 4),
	};
	fa->issued = sim_now(w->s);
	plat_guest_access(w->p, world_guest(w, fa->acc.initiator), &fa->acc);
	sim_event_schedule(w->s, sim_cycles_add(sim_now(w->s), fa->acc.lat), SIM_PRIO_ACCESS,
			   fault_access_done, w, fa);
	return 0;
}

static int f_skip(struct world *w, const struct scn_fault *f, int cur,
		  struct fault_action *act)
{
	act->skip = true;
	return 0;
}

static int f_swap(struct world *w, const struct scn_fault *f, int cur,
		  struct fault_action *act)
{
	const char *with = scn_get_str(&f->params, "with", NULL);

	act->swap_with = with ? scn_label_index(w->scn, with) :
			 cur >= 0 ? cur + 1 : -1;
	return 0;
}

/* The handler of each row of scn_faults[], by enum scn_fault_id. */
static fault_fn *const fault_tab[SCN_FAULT_NR] = {
	[SCN_FAULT_DROP_INVALIDATION] = f_drop_inval,
	[SCN_FAULT_DELAY_INVALIDATION] = f_delay_inval,
	[SCN_FAULT_TDISP_DROP] = f_tdisp_drop,
	[SCN_FAULT_TDISP_BUSY] = f_tdisp_busy,
	[SCN_FAULT_TDISP_ERROR] = f_tdisp_error,
	[SCN_FAULT_NONCE_CORRUPT] = f_nonce,
	[SCN_FAULT_IDE_INSECURE] = f_ide_insecure,
	[SCN_FAULT_DEVICE_FLR] = f_flr,
	[SCN_FAULT_CONVENTIONAL_RESET] = f_conv_reset,
	[SCN_FAULT_LINK_DOWN] = f_link_down,
	[SCN_FAULT_HOT_UNPLUG] = f_hot_unplug,
	[SCN_FAULT_IMPORTER_IGNORES_REVOKE] = f_importer_ignores,
	[SCN_FAULT_IMPORTER_SLOW_UNMAP] = f_importer_slow,
	[SCN_FAULT_FIRMWARE_ERROR] = f_firmware,
	[SCN_FAULT_GUEST_ACCESS] = f_guest_access,
	[SCN_FAULT_SKIP_STEP] = f_skip,
	[SCN_FAULT_SWAP_STEPS] = f_swap,
};

/*
 * While the fault acts, findings it causes name it: "fault device-flr at
 * line 40" rather than "outside any step", and an injected one its flag
 * ("--inject device-flr@after:lock"), which has no line; the step's
 * context returns after.
 */
static int apply_one(struct world *w, const struct scn_fault *f, fault_fn *fn,
		     int cur, struct fault_action *act)
{
	struct sim_step_ref saved = *sim_step(w->s);
	struct sim_step_ref ref = { -1, f->flag ? 0 : f->pos.line, NULL,
				    f->flag ? f->flag :
				    world_keep(w, sim_xasprintf("fault %s",
								f->kind)) };
	int rc;

	sim_set_step(w->s, &ref);
	sim_trace_note(w->s, "fault %s applied", f->kind);
	rc = fn(w, f, cur, act);
	sim_set_step(w->s, saved.index >= 0 || saved.line ? &saved : NULL);
	return rc;
}

int fault_apply(struct world *w, const struct scn_fault *f, int cur,
		struct fault_action *act, char **err)
{
	act->skip = false;
	act->swap_with = -1;
	if ((unsigned int)f->id < SCN_FAULT_NR && fault_tab[f->id])
		return apply_one(w, f, fault_tab[f->id], cur, act);
	if (asprintf(err, "%s:%u: fault '%s' is not modelled yet", w->scn->file,
		     f->pos.line, f->kind) < 0)
		*err = NULL;
	return -EOPNOTSUPP;
}
