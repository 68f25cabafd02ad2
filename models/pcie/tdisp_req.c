// SPDX-License-Identifier: MIT
/*
 * tdisp_req.c - the TDISP requester side of one DOE exchange, as the
 * host's TSM, the arch firmware and the guest relay all run it: send the
 * request to the DSM, publish the TDISP trace record the tdisp-protocol
 * checker reads, and, when the DSM never answers (no secure SPDM session,
 * a lost message), wait the DOE timeout before failing with ETIMEDOUT.
 *
 * The timeout is the requester's, not the responder's: Linux
 * drivers/pci/doe.c (pci_doe_wait / PCI_DOE_TIMEOUT) gives up one second
 * after the request and PCIe r6.0 §6.30.2 names the same bound; a
 * requester that failed at once would see the failure a whole DOE timeout
 * too early.  The session check is the DSM's (tdisp_issue drops an
 * unsecured message, [TDISP]); BUSY comes back as the TDISP error "BUSY",
 * which every caller today reports as the step's result (no retry: a
 * retry policy is a caller's choice the scenarios do not make yet).
 */
#include <string.h>

#include "pcie_internal.h"

static const char *sub_doe_timeout(struct sim *s, void *ctx, uint64_t arg)
{
	return "ETIMEDOUT";
}

void tdisp_xchg_record(struct sim *s, const struct pcie_dev *dev,
		       unsigned int code, const char *response, bool expected)
{
	struct sim_rec rec = { .type = SIM_REC_TDISP };

	if (!sim_trace_wanted(s, SIM_REC_TDISP))
		return;
	rec.u.tdisp.device = pcie_dev_name(dev);
	rec.u.tdisp.request = tdisp_req_name(code);
	rec.u.tdisp.response = response;
	rec.u.tdisp.expected = expected;
	sim_trace_emit(s, &rec);
}

void tdisp_xchg_timeout(struct sim_seq *q, uint64_t doe_timeout)
{
	sim_seq_next(q, doe_timeout, "DOE timeout", sub_doe_timeout, NULL, 0);
}

const char *tdisp_xchg_run(struct tdisp_xchg *x)
{
	const char *res;

	memset(&x->rsp, 0, sizeof(x->rsp));
	if (tdisp_handle(x->dev, &x->req, &x->rsp))
		return "EINVAL";
	res = tdisp_response_result(&x->rsp);
	tdisp_xchg_record(x->s, x->dev, x->req.code, res, x->expected);
	if (x->rsp.dropped) {
		if (!x->q)
			return "ETIMEDOUT";
		tdisp_xchg_timeout(x->q, x->doe_timeout);
		return NULL;
	}
	return strcmp(res, "ok") ? res : NULL;
}
