// SPDX-License-Identifier: MIT
/*
 * exec.c - scenario ops onto model calls: the device-side ops (TDISP,
 * IDE, DMA, config space, FLR, SPDM connect) and single accesses.  Each
 * handler pushes sub-operations whose latencies come from the platform's
 * latency table, so the step takes the time the hardware would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "run_internal.h"

static struct pcie_dev *dev_of(struct exec_ctx *x)
{
	return world_dev(x->w, scn_get_str(&x->step->fields, "device", NULL));
}

/* ----------------------------------------------------------- device.tdisp */

static enum arch_timing tdisp_latency(unsigned int code)
{
	switch (code) {
	case TDISP_REQ_LOCK_INTERFACE:
		return AT_TDISP_LOCK;
	case TDISP_REQ_STOP_INTERFACE:
		return AT_TDISP_STOP;
	case TDISP_REQ_START_INTERFACE:
		return AT_TDISP_START;
	case TDISP_REQ_GET_DEVICE_INTERFACE_REPORT:
		return AT_TDISP_REPORT;
	default:
		return AT_TDISP_SMALL;
	}
}

/* the scenario's own requests: the record is expected when the step is */
static void emit_tdisp(struct exec_ctx *x, const char *res)
{
	struct world_tdisp *t = &x->w->tdisp;

	tdisp_xchg_record(x->s, t->dev, t->req.code, res,
			  exec_step_expects(x->step, res));
}

static const char *sub_tdisp_done(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	struct world_tdisp *t = &x->w->tdisp;
	const char *res;

	tdisp_complete(t->dev, &t->req, &t->rsp);
	t->valid = true;
	res = tdisp_response_result(&t->rsp);
	emit_tdisp(x, res);
	return strcmp(res, "ok") ? res : NULL;
}

static const char *sub_tdisp_answer(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	const char *res = tdisp_response_result(&x->w->tdisp.rsp);

	emit_tdisp(x, res);
	return strcmp(res, "ok") ? res : NULL;
}

static const char *sub_tdisp_send(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	struct world_tdisp *t = &x->w->tdisp;
	struct platform *p = x->w->p;

	tdisp_issue(t->dev, &t->req, &t->rsp);
	if (t->rsp.dropped) {
		/* unsecured or lost: the requester waits for the DOE timeout */
		t->valid = false;
		emit_tdisp(x, "ETIMEDOUT");
		tdisp_xchg_timeout(x->q, plat_t(p, AT_DOE_TIMEOUT));
		return NULL;
	}
	if (!t->rsp.pending) {
		/* answered at once (BUSY): the answer still needs the trip back */
		t->valid = true;
		sim_seq_next(x->q, plat_t(p, AT_DOE_ROUNDTRIP), "TDISP answer",
			     sub_tdisp_answer, x, 0);
		return NULL;
	}
	sim_seq_next(x->q, plat_t(p, tdisp_latency(t->req.code)),
		     tdisp_req_name(t->req.code), sub_tdisp_done, x, 0);
	return NULL;
}

/* ------------------------------------- requests sent without waiting */

/*
 * [TDISP] §11.2.3: the requester keeps at most NUM_REQ_THIS requests
 * outstanding per TDI and NUM_REQ_ALL per DSM, and sends the next one
 * only after an answer or a timeout.  Only `wait: false` requests stay
 * outstanding past their step, so they are all this counts.
 */
static bool tout_blocked(const struct world *w, const struct pcie_dev *dev)
{
	const struct pcie_dev *pf = pcie_dev_pf(dev) ? pcie_dev_pf(dev) : dev;
	unsigned int this_tdi, all, n_tdi = 0, n_dsm = 0, n = 0;

	tdisp_num_req(dev, &this_tdi, &all);
	for (size_t i = 0; i < WORLD_TDISP_OUT; i++) {
		const struct pcie_dev *d = w->tout[i].dev;

		if (!w->tout[i].live)
			continue;
		n++;
		n_tdi += d == dev;
		n_dsm += (pcie_dev_pf(d) ? pcie_dev_pf(d) : d) == pf;
	}
	return n_tdi >= this_tdi || n_dsm >= all || n == WORLD_TDISP_OUT;
}

/* its step ended when it was sent: the record is expected */
static void emit_tout(struct world *w, const struct world_tdisp_out *o,
		      const char *res)
{
	tdisp_xchg_record(plat_sim(w->p), o->dev, o->req.code, res, true);
}

/* The answer (or the timeout) is in: the slot frees, a waiter may go. */
static void tout_done(struct world_tdisp_out *o)
{
	struct world *w = o->w;
	struct sim_seq *q = w->tout_waiter;

	o->live = false;
	if (q && !tout_blocked(w, w->tdisp.dev)) {
		w->tout_waiter = NULL;
		sim_seq_resume(q, NULL);
	}
}

static void ev_tout_answer(struct sim *s, void *subject, void *object)
{
	struct world_tdisp_out *o = subject;

	if (o->rsp.pending)
		tdisp_complete(o->dev, &o->req, &o->rsp);
	emit_tout(o->w, o, o->rsp.dropped ? "ETIMEDOUT" :
			   tdisp_response_result(&o->rsp));
	tout_done(o);
}

static const char *sub_tdisp_gate(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;

	if (!tout_blocked(x->w, x->w->tdisp.dev))
		return NULL;
	x->w->tout_waiter = x->q;	/* steps never overlap: one waiter */
	return SIM_SEQ_WAIT;
}

static const char *sub_tdisp_send_async(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	struct world *w = x->w;
	struct platform *p = w->p;
	struct world_tdisp_out *o = NULL;
	enum arch_timing lat;

	for (size_t i = 0; !o && i < WORLD_TDISP_OUT; i++)
		if (!w->tout[i].live)
			o = &w->tout[i];
	TSM_BUG_ON(!o);		/* the gate left a slot */
	o->live = true;
	o->w = w;
	o->dev = w->tdisp.dev;
	o->req = w->tdisp.req;
	tdisp_issue(o->dev, &o->req, &o->rsp);
	lat = o->rsp.dropped ? AT_DOE_TIMEOUT :
	      !o->rsp.pending ? AT_DOE_ROUNDTRIP : tdisp_latency(o->req.code);
	sim_event_schedule(s, sim_now(s) + plat_t(p, lat), SIM_PRIO_COMPLETE,
			   ev_tout_answer, o, NULL);
	return NULL;	/* sent: the step is done */
}

static int tdisp_nonce(struct exec_ctx *x, struct tdisp_request *req)
{
	const char *kind = scn_get_str(&x->step->fields, "nonce", "valid");
	enum tdisp_nonce_kind k = !strcmp(kind, "wrong") ? TDISP_NONCE_WRONG :
				  !strcmp(kind, "stale") ? TDISP_NONCE_STALE :
				  TDISP_NONCE_VALID;

	if (tdisp_nonce_get(x->w->tdisp.dev, k, req->nonce) == 0)
		return 0;
	if (k == TDISP_NONCE_STALE)
		return -ENOENT;
	memset(req->nonce, 0, sizeof(req->nonce));	/* no LOCK yet */
	return 0;
}

/*
 * SET_MMIO_ATTRIBUTE's MMIO_RANGE ([TDISP] Table 11-24).  FIRST_PAGE and
 * the page count default to what the report gives for the range, so a
 * scenario names only range_id and non_tee; giving them tests the DSM.
 */
static void tdisp_mmio_range(struct exec_ctx *x, struct tdisp_request *req)
{
	const struct scn_value *f = &x->step->fields;
	uint64_t first = 0;
	uint32_t pages = 0;

	req->range_id = (uint16_t)scn_get_u64(f, "range_id", 0);
	tdisp_report_range_of(x->w->tdisp.dev, req->range_id, &first, &pages);
	req->mmio_first_page = scn_get_u64(f, "first_page", first);
	req->mmio_num_pages = (uint32_t)scn_get_u64(f, "num_pages", pages);
	req->mmio_attr = scn_get_bool(f, "non_tee", false) ?
				 TDISP_RANGE_NON_TEE : 0;
	if (scn_has(f, "attributes"))
		req->mmio_attr = (uint16_t)scn_get_u64(f, "attributes", 0);
}

static const char *exec_device_tdisp(struct exec_ctx *x)
{
	const struct scn_value *f = &x->step->fields;
	struct world_tdisp *t = &x->w->tdisp;
	int code = tdisp_req_parse(scn_get_str(f, "request", ""));

	TSM_BUG_ON(code < 0);
	memset(t, 0, sizeof(*t));
	t->dev = dev_of(x);
	tdisp_request_init(&t->req, t->dev, (unsigned int)code);
	t->req.flags = (uint16_t)scn_get_u64(f, "flags", 0);
	t->req.stream_id = (uint8_t)scn_get_u64(f, "stream_id", 0);
	t->req.mmio_reporting_offset =
		(int64_t)scn_get_u64(f, "mmio_reporting_offset", 0);
	t->req.bind_p2p_address_mask = scn_get_u64(f, "bind_p2p_address_mask", 0);
	t->req.offset = (uint16_t)scn_get_u64(f, "offset", 0);
	t->req.length = (uint16_t)scn_get_u64(f, "length", 0);
	if (scn_has(f, "version"))
		t->req.version = (uint8_t)scn_get_u64(f, "version", 0);
	if (code == TDISP_REQ_SET_MMIO_ATTRIBUTE)
		tdisp_mmio_range(x, &t->req);
	if (code == TDISP_REQ_START_INTERFACE && tdisp_nonce(x, &t->req)) {
		exec_scenario_error(x, "nonce: stale needs an earlier lock epoch of the device, and there is none");
		return "EINVAL";
	}
	/* §11.2.3: wait for a free requester slot (only when none is free) */
	if (tout_blocked(x->w, t->dev))
		sim_seq_add(x->q, 0, "TDISP requester", sub_tdisp_gate, x, 0);
	/* the request travels one DOE round trip's first half */
	sim_seq_add(x->q, 0, "TDISP send",
		    scn_get_bool(f, "wait", true) ? sub_tdisp_send :
						    sub_tdisp_send_async, x, 0);
	return NULL;
}

/* -------------------------------------------------------------- device.ide */

static const char *sub_ide_state(struct sim *s, void *ctx, uint64_t arg)
{
	ide_set_state(ctx, (enum ide_state)arg);
	return NULL;
}

static const char *exec_device_ide(struct exec_ctx *x)
{
	int st = ide_state_parse(scn_get_str(&x->step->fields, "state", ""));

	TSM_BUG_ON(st < 0);
	sim_seq_add(x->q, 0, "IDE state", sub_ide_state, dev_of(x),
		    (uint64_t)st);
	return NULL;
}

/* ---------------------------------------------------------------- accesses */

static const char *sub_access_done(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	struct world *w = x->w;

	if (w->acc_dev)
		plat_dma_complete(w->p, w->acc_dev, &w->acc);
	plat_emit_access(w->p, &w->acc, w->acc_issued);
	if (w->acc.detail) {
		free(*x->detail);
		*x->detail = strdup(w->acc.detail);
	}
	if (w->acc.result == SIM_RES_OK)
		return NULL;
	return sim_result_name(w->acc.result);
}

static void access_in(struct exec_ctx *x, enum sim_initiator who,
		      const char *initiator, const char *addr_key,
		      const char *priv_key)
{
	const struct scn_value *f = &x->step->fields;
	struct plat_access *a = &x->w->acc;

	memset(a, 0, sizeof(*a));
	a->who = who;
	a->initiator = initiator;
	a->write = x->step->op == SCN_OPID_GUEST_WRITE ||
		   scn_get_bool(f, "write", false);
	a->priv = scn_get_bool(f, priv_key, false);
	a->addr = scn_get_u64(f, addr_key, 0);
	a->size = scn_get_u64(f, "size", 4);
	a->value = scn_get_u64(f, "value", 0);
	x->w->acc_issued = sim_now(x->s);
	x->w->acc_dev = NULL;
}

static const char *exec_device_dma(struct exec_ctx *x)
{
	struct pcie_dev *dev = dev_of(x);
	struct plat_access *a = &x->w->acc;

	access_in(x, SIM_INIT_DEVICE, pcie_dev_name(dev), "iova", "tee");
	plat_dma(x->w->p, dev, a);
	if (a->not_issued) {
		free(*x->detail);
		*x->detail = strdup(a->detail);
		return "EPERM";
	}
	x->w->acc_dev = dev;
	sim_seq_add(x->q, a->lat, "DMA", sub_access_done, x, 0);
	return NULL;
}

static const char *exec_guest_access(struct exec_ctx *x)
{
	struct plat_guest *g = world_guest(x->w, scn_get_str(&x->step->fields,
							     "guest", NULL));
	struct plat_access *a = &x->w->acc;

	access_in(x, SIM_INIT_GUEST, g->name, "gpa", "private");
	plat_guest_access(x->w->p, g, a);
	sim_seq_add(x->q, a->lat, "guest access", sub_access_done, x, 0);
	return NULL;
}

/* ------------------------------------------------------------------ expect */

static bool result_matches(const char *want, const char *got)
{
	if (!strcmp(want, got))
		return true;
	return !strcmp(want, "completed") &&
	       (!strcmp(got, "ok") || !strcmp(got, "retried"));
}

bool exec_step_expects(const struct scn_step *st, const char *result)
{
	if (st->expect_any)
		return true;
	if (!st->nexpect)
		return result_matches(scn_ops[st->op].kind == SCN_OP_ACCESS ?
				      "completed" : "ok", result);
	for (size_t i = 0; i < st->nexpect; i++)
		if (result_matches(st->expect[i], result))
			return true;
	return false;
}

void exec_scenario_error(struct exec_ctx *x, const char *msg)
{
	char *p;

	if (*x->scn_error)
		return;
	if (asprintf(&p, "%s:%u:%u: error: %s", x->scn->file,
		     x->step->pos.line, x->step->pos.col, msg) < 0)
		return;
	*x->scn_error = p;
}

/* -------------------------------------------------------------------- table */

/* The handlers of the device, guest access and assert rows of scn_ops[]. */
static exec_fn *const exec_tab[SCN_OPID_NR] = {
	[SCN_OPID_DEVICE_TDISP] = exec_device_tdisp,
	[SCN_OPID_DEVICE_IDE] = exec_device_ide,
	[SCN_OPID_DEVICE_DMA] = exec_device_dma,
	[SCN_OPID_GUEST_READ] = exec_guest_access,
	[SCN_OPID_GUEST_WRITE] = exec_guest_access,
	[SCN_OPID_ASSERT] = exec_assert,
};

exec_fn *exec_find(int op)
{
	exec_fn *fn;

	if (op < 0 || op >= SCN_OPID_NR)
		return NULL;
	fn = exec_host_find(op);
	return fn ? fn : exec_tab[op];
}
