// SPDX-License-Identifier: MIT
/*
 * tsm.c - the host TSM layer (include/linux/pci-tsm.h link_ops: connect,
 * disconnect, bind, unbind, guest_req): the host-side order around the
 * arch's firmware sequences, and the relay of guest TDISP requests under
 * the keep-state / fail-closed policies.
 *
 * Unbind: the arch runs STOP, then calls back into the host for its part
 * (revoke the device's private dma-bufs; KVM unmaps the private slots on
 * move_notify through the firmware), then the firmware metadata goes
 * (docs/host.md: TDX unbind stops first, then revokes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct tsm_dev {
	struct host *h;
	struct pcie_dev *dev;
	struct plat_guest *g;
	bool bound;
	bool disconnect;	/* end the session after the unbind */
	const char *relay_res;	/* a fail-closed unbind ends with this */
	/* vm.destroy goes on after this unbind */
	struct plat_guest *then_destroy;
	struct sim_seq *then_q;
	enum tsm_policy pol;
};

static const char *vm_destroy_next(struct host *h, struct sim_seq *q,
				   struct plat_guest *g);

static struct tsm_dev *tdev_of(struct host *h, struct pcie_dev *dev)
{
	struct tsm_dev *t;

	for (size_t i = 0; i < h->ntdevs; i++)
		if (h->tdevs[i]->dev == dev)
			return h->tdevs[i];
	t = calloc(1, sizeof(*t));
	TSM_BUG_ON(!t);
	t->h = h;
	t->dev = dev;
	h->tdevs = sim_xrealloc(h->tdevs, h->ntdevs + 1, sizeof(*h->tdevs));
	h->tdevs[h->ntdevs++] = t;
	return t;
}

bool tsm_is_bound(const struct host *h, const char *device)
{
	for (size_t i = 0; i < h->ntdevs; i++)
		if (!strcmp(pcie_dev_name(h->tdevs[i]->dev), device))
			return h->tdevs[i]->bound;
	return false;
}

void tsm_fini(struct host *h)
{
	for (size_t i = 0; i < h->ntdevs; i++)
		free(h->tdevs[i]);
	free(h->tdevs);
	h->tdevs = NULL;
	h->ntdevs = 0;
}

/* ------------------------------------------------------ connect / bind */

static const char *noop_fn(struct sim *s, void *ctx, uint64_t arg)
{
	return NULL;
}

/* A step that succeeds doing nothing (one sub-operation, no latency). */
static const char *noop(struct sim_seq *q, const char *what)
{
	sim_seq_add(q, 0, what, noop_fn, NULL, 0);
	return NULL;
}

const char *tsm_connect(struct host *h, struct sim_seq *q, const char *device,
			bool ide)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);

	if (!dev)
		return "ENOENT";
	if (!h->ops)
		return "EOPNOTSUPP";
	return h->ops->connect(h->arch, dev, ide, q);
}

static const char *bound_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct tsm_dev *t = ctx;

	t->bound = true;
	return NULL;
}

/*
 * tsm.bind executes the arch's phase plan in its order, all at once: the
 * host's phase is VFIO's part (it settles the device's mappings before
 * LOCK), the firmware phases append their sub-operations.  The plan is
 * the operation's and only lives for this call.
 */
static void bind_run(struct host *h, struct sim_seq *q,
		     const struct arch_phase_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct arch_phase *ph = &plan->v[i];

		if (!ph->push)
			vfio_push_tsm_bind(h, q, plan->dev);
		else
			ph->push(plan, ph->ctx, q);
	}
}

const char *tsm_bind(struct host *h, struct sim_seq *q, const char *device,
		     const char *guest)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);
	struct plat_guest *g = plat_guest(h->p, guest);
	struct arch_phase_plan plan;
	struct tsm_dev *t;
	const char *res;

	if (!dev || !g)
		return "ENOENT";
	if (!h->ops)
		return "EOPNOTSUPP";
	t = tdev_of(h, dev);
	/*
	 * pci_tsm_bind() (drivers/pci/tsm.c): a TDI already bound to this
	 * VM is a success, bound to another one EBUSY.
	 */
	if (t->bound)
		return t->g == g ? noop(q, "tsm.bind: already bound") : "EBUSY";
	res = h->ops->bind(h->arch, g->vm, dev, q, &plan);
	if (res)
		return res;
	bind_run(h, q, &plan);
	t->g = g;
	/* runs only when every firmware / TDISP step of the bind succeeded */
	sim_seq_add(q, 0, "tsm bound", bound_fn, t, 0);
	return NULL;
}

/* After the arch's metadata teardown: the TDI is unbound. */
static const char *unbound_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct tsm_dev *t = ctx;

	const char *res = t->relay_res;
	struct plat_guest *g = t->then_destroy;

	t->then_destroy = NULL;
	t->bound = false;
	t->g = NULL;
	t->relay_res = NULL;
	if (t->disconnect) {
		t->disconnect = false;
		ide_spdm_disconnect(t->dev);
	}
	/* a vm.destroy waiting for this unbind goes on */
	if (g)
		res = vm_destroy_next(t->h, t->then_q, g);
	/* a fail-closed unbind: the guest's request still failed */
	return res;
}

/*
 * tsm.unbind executes the arch's phase plan in its order on the
 * operation's sequence: a firmware phase appends its sub-operations at
 * once; the host's phase (VFIO zap, dma-buf revoke and with it KVM's
 * unmap of the private dma-buf) runs when the sequence reaches it, since
 * it acts on the state the phases before it left, and then appends the
 * rest of the plan after what it pushed; "tsm unbound" ends the plan.
 * The plan and where it stands travel with the operation (a host_req:
 * arr = the plan, v[0] = the next phase), not on the TDI.
 */
static void unbind_run(struct host_req *r);

static const char *host_phase_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct tsm_dev *t = r->obj;

	vfio_zap_dev(r->h, t->dev);
	vfio_push_revoke_dev(r->h, r->q, t->dev, true);
	unbind_run(r);
	return NULL;
}

static void unbind_run(struct host_req *r)
{
	struct host_unbind_op *u = &r->u.unbind;
	const struct arch_phase_plan *plan = u->plan;

	while (u->next < plan->n) {
		const struct arch_phase *ph = &plan->v[u->next++];

		if (!ph->push) {
			sim_seq_add(r->q, 0, ph->name, host_phase_fn, r, 0);
			return;
		}
		ph->push(plan, ph->ctx, r->q);
	}
	sim_seq_add(r->q, 0, "tsm unbound", unbound_fn, r->obj, 0);
	host_req_free(r);
}

static const char *unbind_push(struct host *h, struct sim_seq *q,
			       struct tsm_dev *t)
{
	struct arch_phase_plan *plan;
	struct host_req *r;
	const char *res;

	if (!h->ops)
		return "EOPNOTSUPP";
	/* what a previous unbind that failed half-way left for its end */
	t->relay_res = NULL;
	t->then_destroy = NULL;
	plan = calloc(1, sizeof(*plan));
	TSM_BUG_ON(!plan);
	res = h->ops->unbind(h->arch, t->dev, q, plan);
	if (res) {
		free(plan);
		return res;
	}
	r = host_req_new(h, q);
	r->owned = plan;
	r->u.unbind.plan = plan;
	r->obj = t;
	unbind_run(r);
	return NULL;
}

const char *tsm_unbind(struct host *h, struct sim_seq *q, const char *device)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);

	if (!dev)
		return "ENOENT";
	/*
	 * pci_tsm_unbind() always succeeds: a connected TDI with no binding
	 * (never bound, or unbound already) is a no-op; without a session
	 * there is no TSM context (EINVAL).  A binding the firmware still
	 * holds (a bind that failed half-way) is unbound through the arch.
	 */
	if (h->ops && !arch_tdi_bound(h->arch, dev))
		return ide_has_session(dev) ? noop(q, "tsm.unbind: not bound") :
					      "EINVAL";
	return unbind_push(h, q, tdev_of(h, dev));
}

static const char *disconnect_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct tsm_dev *t = ctx;

	ide_spdm_disconnect(t->dev);
	return NULL;
}

const char *tsm_disconnect(struct host *h, struct sim_seq *q,
			   const char *device)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);
	struct tsm_dev *t;

	if (!dev)
		return "ENOENT";
	t = tdev_of(h, dev);
	/* pci-tsm: disconnect unbinds every TDI first */
	if (t->bound) {
		t->disconnect = true;
		return unbind_push(h, q, t);
	}
	sim_seq_add(q, host_t(h, AT_FW_CALL), "tsm.disconnect", disconnect_fn,
		    t, 0);
	return NULL;
}

static const char *policy_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct tsm_dev *t = ctx;

	t->pol = (enum tsm_policy)arg;
	return NULL;
}

const char *tsm_set_policy(struct host *h, struct sim_seq *q,
			   const char *device, enum tsm_policy pol)
{
	struct pcie_dev *dev = pcie_dev_find(h->fab, device);

	if (!dev)
		return "ENOENT";
	sim_seq_add(q, 0, "tsm.policy", policy_fn, tdev_of(h, dev), pol);
	return NULL;
}

/* ---------------------------------------------------- guest requests */

/*
 * Relay @code to @dev through the shared requester: the TDISP record
 * reaches the tdisp-protocol checker, and a dropped message fails the
 * guest's step with ETIMEDOUT after doe_timeout (the requester's DOE
 * timeout, as for the host's own requests), not at once.  Returns NULL
 * for success (or a queued timeout: @x->rsp.dropped), else the error name.
 */
static const char *send_tdisp(struct host *h, struct sim_seq *q,
			      struct pcie_dev *dev, unsigned int code)
{
	struct tdisp_xchg *x = calloc(1, sizeof(*x));
	const char *res;

	TSM_BUG_ON(!x);
	*x = (struct tdisp_xchg){ .s = h->s, .dev = dev, .q = q,
				  .doe_timeout = host_t(h, AT_DOE_TIMEOUT),
				  .expected = true };
	tdisp_request_init(&x->req, dev, code);
	if (code == TDISP_REQ_START_INTERFACE)
		tdisp_nonce_get(dev, TDISP_NONCE_VALID, x->req.nonce);
	res = tdisp_xchg_run(x);
	free(x);
	return res;
}

/*
 * Relay a guest's request when the TDI is bound to that guest.  LOCK is
 * the host's (docs/scenarios.md): refused with EPERM, never relayed; so is a
 * request for a TDI bound elsewhere.  Whether the request is legal
 * depends on the TDI's state (docs/tdisp.md), so the device decides; when
 * it rejects the request for its state (INVALID_INTERFACE_STATE) the
 * fail-closed policy unbinds the TDI through the arch's firmware path
 * (STOP, revoke + unmap, metadata), as OpenVMM's host TDISP layer resets
 * the TDI through its host unbind: the firmware's binding goes with it,
 * so a later tsm.bind works.  keep-state returns the error alone.
 */
static const char *guest_req_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct host *h = r->h;
	const struct host_guest_tdisp_op *a = &r->u.guest_tdisp;
	struct pcie_dev *dev = pcie_dev_find(h->fab, a->device);
	struct plat_guest *g = plat_guest(h->p, a->guest);
	struct tsm_dev *t;
	unsigned int code = a->request;
	const char *res;

	if (!dev || !g)
		return host_req_done(r, "ENOENT");
	t = tdev_of(h, dev);
	/* LOCK never gets here: tsm_guest_tdisp() refuses it in the ioctl */
	if (!t->bound || t->g != g) {
		sim_trace_note(s, "tsm: %s from %s for %s refused (not bound to it)",
			       tdisp_req_name(code), g->name,
			       pcie_dev_name(dev));
		return host_req_done(r, "EPERM");
	}
	res = send_tdisp(h, r->q, dev, code);
	if (!res || strcmp(res, "INVALID_INTERFACE_STATE") ||
	    t->pol != TSM_POLICY_FAIL_CLOSED)
		return host_req_done(r, res);
	sim_trace_note(s, "tsm: %s from %s rejected in this state: fail-closed unbinds %s",
		       tdisp_req_name(code), g->name, pcie_dev_name(dev));
	if (unbind_push(h, r->q, t))
		return host_req_done(r, res);
	t->relay_res = res;	/* the step ends with it, after the unbind */
	return host_req_done(r, NULL);
}

/*
 * A guest's LOCK_INTERFACE: the lock is part of the host's bind (
 * docs/scenarios.md), and no guest ABI carries one (TDG.TDI.*, the SEV-TIO guest
 * messages, RSI_VDEV_*), so the TSM layer refuses it in the ioctl: it
 * never reaches the device and is not a device-state rejection, so the
 * fail-closed policy does not apply (docs/host.md, TSM table).
 */
static const char *guest_lock_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;

	sim_trace_note(s, "tsm: guest %s may not LOCK %s: bind is the host's",
		       r->u.guest_tdisp.guest, r->u.guest_tdisp.device);
	return host_req_done(r, "EPERM");
}

const char *tsm_guest_tdisp(struct host *h, struct sim_seq *q,
			    const char *guest, const char *device,
			    unsigned int request)
{
	struct host_req *r;

	if (!tdisp_req_name(request))
		return "EINVAL";
	r = host_req_new(h, q);
	host_name_set(r->u.guest_tdisp.guest, guest);
	host_name_set(r->u.guest_tdisp.device, device);
	r->u.guest_tdisp.request = request;
	if (request == TDISP_REQ_LOCK_INTERFACE) {
		sim_seq_add(q, host_t(h, AT_IOCTL), "guest.tdisp",
			    guest_lock_fn, r, 0);
		return NULL;
	}
	sim_seq_add(q, host_t(h, AT_DOE_ROUNDTRIP), "guest.tdisp",
		    guest_req_fn, r, 0);
	return NULL;
}

/* ------------------------------------------------------ guest ABI */

static const char *guest_dev(struct host *h, const char *guest,
			     const char *device, struct plat_guest **g,
			     struct pcie_dev **dev)
{
	*g = plat_guest(h->p, guest);
	*dev = pcie_dev_find(h->fab, device);
	if (!*g || !*dev)
		return "ENOENT";
	return h->ops ? NULL : "EOPNOTSUPP";
}

/*
 * Only where the accept of an unmapped page exits to the host (tdx) does
 * KVM get to map a pending private slot; sev's MMIO_VALIDATE and cca's
 * RSI call fail instead (docs/arch/rules.md v1.2).
 */
static const char *map_pending(struct host *h, struct sim_seq *q,
			       struct plat_guest *g, struct pcie_dev *dev)
{
	return arch_accept_exits(h->arch) ? kvm_map_pending(h, q, g, dev) : NULL;
}

const char *tsm_guest_validate(struct host *h, struct sim_seq *q,
			       const char *guest, const char *device, int bar)
{
	struct plat_guest *g;
	struct pcie_dev *dev;
	const char *res = guest_dev(h, guest, device, &g, &dev);

	if (!res)
		res = map_pending(h, q, g, dev);
	return res ? res : h->ops->guest_validate(h->arch, g->vm, dev, bar, q);
}

const char *tsm_guest_start(struct host *h, struct sim_seq *q,
			    const char *guest, const char *device)
{
	struct plat_guest *g;
	struct pcie_dev *dev;
	const char *res = guest_dev(h, guest, device, &g, &dev);

	return res ? res : h->ops->guest_start(h->arch, g->vm, dev, q);
}

const char *tsm_guest_accept(struct host *h, struct sim_seq *q,
			     const char *guest, const char *device, int bar)
{
	struct plat_guest *g;
	struct pcie_dev *dev;
	const char *res = guest_dev(h, guest, device, &g, &dev);

	if (!res)
		res = map_pending(h, q, g, dev);
	return res ? res : h->ops->guest_accept(h->arch, g->vm, dev, bar, q);
}

static const char *destroyed_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct plat_guest *g = ctx;

	g->destroyed = true;
	return NULL;
}

static const char *drop_slots_fn(struct sim *s, void *ctx, uint64_t arg)
{
	struct host_req *r = ctx;
	struct plat_guest *g = plat_guest(r->h->p, r->u.name.name);

	if (g)
		kvm_drop_guest(r->h, g);
	return host_req_done(r, NULL);
}

/*
 * The guest's teardown once no TSM binding is left: KVM's memslots, then
 * the arch's VM (TD / SNP guest / realm) teardown.  A TDI still bound to
 * the guest is unbound first through the arch (STOP, revoke + private
 * unmap, firmware metadata): in the kernel the iommufd vIOMMU / vDEVICE
 * holds a reference on the KVM instance (Xu Yilun's RFC "iommufd/viommu:
 * track the kvm pointer & its refcount"), so the VM is released only
 * after the TSM unbind, and the TDX module would refuse the TD teardown
 * while a DEVIF is its child (tdh_devif_remove.c, TDR child count).
 * Runs again from the end of each unbind.
 */
static const char *vm_destroy_next(struct host *h, struct sim_seq *q,
				   struct plat_guest *g)
{
	struct host_req *r;
	const char *res;

	for (size_t i = 0; i < h->ntdevs; i++) {
		struct tsm_dev *t = h->tdevs[i];

		if (!t->bound || t->g != g)
			continue;
		res = unbind_push(h, q, t);
		if (!res) {
			t->then_destroy = g;
			t->then_q = q;
		}
		return res;
	}
	r = host_req_new(h, q);
	host_name_set(r->u.name.name, g->name);
	sim_seq_add(q, host_t(h, AT_IOCTL), "kvm memslots", drop_slots_fn, r, 0);
	if (h->ops) {
		res = h->ops->vm_destroy(h->arch, g->vm, q);
		if (res)
			return res;
	}
	sim_seq_add(q, 0, "vm destroyed", destroyed_fn, g, 0);
	return NULL;
}

const char *host_vm_destroy(struct host *h, struct sim_seq *q,
			    const char *guest)
{
	struct plat_guest *g = plat_guest(h->p, guest);

	if (!g || g->destroyed)
		return "ENOENT";
	/* teardown-order (the arch's rule) for every TDI still bound now */
	if (h->ops)
		arch_vm_bound_check(h->arch, g->vm);
	return vm_destroy_next(h, q, g);
}
