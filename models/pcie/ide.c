// SPDX-License-Identifier: MIT
/*
 * ide.c - the per-PF link state: the secure SPDM session (TDISP travels
 * inside it over DOE on function 0 [TDISP]), the IDE_KM keys of the
 * default stream, and the stream's Secure / Insecure state.  VFs share
 * their PF's link (docs/scenarios.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcie_internal.h"

static const char *const ide_state_names[IDE_NR] = {
	[IDE_INSECURE] = "insecure",
	[IDE_SECURE] = "secure",
};

const char *ide_state_name(enum ide_state st)
{
	return (unsigned int)st < IDE_NR ? ide_state_names[st] : "?";
}

int ide_state_parse(const char *name)
{
	for (int i = 0; name && i < IDE_NR; i++)
		if (!strcmp(name, ide_state_names[i]))
			return i;
	return -1;
}

struct ide_link *ide_link_create(void)
{
	struct ide_link *link = calloc(1, sizeof(*link));

	if (!link)
		return NULL;
	link->next_session = 1;
	link->state = IDE_INSECURE;	/* no keys yet */
	link->default_streams = 1;
	link->tc = 0;
	link->num_req_all = TDISP_NUM_REQ_ALL_DEF;
	return link;
}

void ide_link_destroy(struct ide_link *link)
{
	free(link);
}

struct pcie_dev *ide_link_member(struct pcie_dev *dev, size_t i)
{
	struct pcie_dev *pf = pcie_dev_pf_or_self(dev);

	if (i == 0)
		return pf;
	return i - 1 < pf->nvfs ? pf->vfs[i - 1] : NULL;
}

void ide_spdm_connect(struct pcie_dev *dev)
{
	ide_spdm_disconnect(dev);	/* a new session replaces the old */
	dev->link->session = dev->link->next_session++;
}

/*
 * [TDISP] §11.4.5: when the session enters termination, every TDI locked
 * over it goes to ERROR and every stream keyed over it goes Insecure (the
 * stream's own rule then errors the TDIs bound to it; they are in ERROR
 * already, so each TDI gets one cause: the session).
 */
void ide_spdm_disconnect(struct pcie_dev *dev)
{
	struct ide_link *link = dev->link;
	uint64_t old = link->session;
	struct pcie_dev *m;

	if (!old)
		return;
	link->session = 0;
	for (size_t i = 0; (m = ide_link_member(dev, i)); i++)
		if (m->tdi.lock_session == old)
			tdisp_security_change(m, "SPDM session ended");
	if (link->keys_session == old && link->state == IDE_SECURE)
		ide_set_state(dev, IDE_INSECURE);
}

void ide_link_reset(struct pcie_dev *dev)
{
	struct ide_link *link = dev->link;

	link->session = 0;
	link->keys_session = 0;
	link->state = IDE_INSECURE;
	link->default_streams = 1;
	link->tc = 0;
}

bool ide_has_session(const struct pcie_dev *dev)
{
	return dev->link->session != 0;
}

int ide_keys_program(struct pcie_dev *dev, uint8_t stream_id)
{
	struct ide_link *link = dev->link;

	if (!link->session)
		return -ENOTCONN;
	link->keys_session = link->session;
	link->keys_stream = stream_id;
	link->state = IDE_SECURE;
	return 0;
}

bool ide_keys_valid(const struct pcie_dev *dev, uint8_t stream_id)
{
	const struct ide_link *link = dev->link;

	return link->session && link->keys_session == link->session &&
	       link->keys_stream == stream_id;
}

void ide_set_state(struct pcie_dev *dev, enum ide_state st)
{
	struct pcie_dev *m;

	TSM_BUG_ON((unsigned int)st >= IDE_NR);
	dev->link->state = st;
	if (st == IDE_SECURE)
		return;
	/*
	 * [TDISP] Table 11-2: a bound stream going Insecure sends every TDI
	 * bound to it to ERROR (H10).  A TDI is bound to the stream when it
	 * locked with IDE required; the PF and all its VFs share the stream.
	 */
	for (size_t i = 0; (m = ide_link_member(dev, i)); i++)
		if (m->ide_required)
			tdisp_security_change(m, "IDE stream insecure");
}

enum ide_state ide_get_state(const struct pcie_dev *dev)
{
	return dev->link->state;
}

void ide_configure(struct pcie_dev *dev, unsigned int default_streams,
		   unsigned int tc)
{
	dev->link->default_streams = default_streams;
	dev->link->tc = tc;
}
