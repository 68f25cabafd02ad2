// SPDX-License-Identifier: MIT
/*
 * device.c - PCIe functions: the fabric that owns them, RIDs, BARs, the
 * config registers the scenario contract names, FLR, RID change and
 * poisoned TLPs.  Every event the DSM tracks ([TDISP] §11.2 Table 11-2,
 * docs/tdisp.md "ERROR triggers") ends in tdisp_security_change().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcie_internal.h"

/* First bus the fabric hands out when a function has no BDF. */
#define PCIE_AUTO_BUS_FIRST	0x10u
/* Device Control after reset: Extended Tag and Enable No Snoop set. */
#define PCIE_DEVCTL_RESET	(PCIE_DEVCTL_EXT_TAG | PCIE_DEVCTL_NO_SNOOP)

static const char *const reg_names[PCIE_REG_NR] = {
	[PCIE_REG_BAR0] = "bar0",
	[PCIE_REG_BAR1] = "bar1",
	[PCIE_REG_BAR2] = "bar2",
	[PCIE_REG_BAR3] = "bar3",
	[PCIE_REG_BAR4] = "bar4",
	[PCIE_REG_BAR5] = "bar5",
	[PCIE_REG_CMD_MSE] = "command.mse",
	[PCIE_REG_CMD_BME] = "command.bme",
	[PCIE_REG_MSIX] = "msix",
	[PCIE_REG_DEVCTL] = "devctl",
	[PCIE_REG_REBAR] = "rebar",
	[PCIE_REG_SRIOV] = "sriov",
	[PCIE_REG_PASID] = "pasid",
	[PCIE_REG_IDE] = "ide",
};

const char *pcie_reg_name(enum pcie_reg reg)
{
	return (unsigned int)reg < PCIE_REG_NR ? reg_names[reg] : "?";
}

int pcie_reg_parse(const char *name)
{
	for (int i = 0; name && i < PCIE_REG_NR; i++)
		if (!strcmp(name, reg_names[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ BDF */

static int hex_field(const char **p, unsigned int max_digits, unsigned int *out)
{
	unsigned int v = 0, n = 0;

	for (; n < max_digits; n++) {
		char c = (*p)[n];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			break;
		v = v * 16 + d;
	}
	if (!n)
		return -EINVAL;
	*p += n;
	*out = v;
	return 0;
}

int pcie_bdf_parse(const char *s, uint16_t *segment, uint16_t *rid)
{
	unsigned int f[4], nf = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	/* up to four fields: [segment:]bus:dev.fn */
	for (;;) {
		if (nf == 4 || hex_field(&p, 4, &f[nf]))
			return -EINVAL;
		nf++;
		if (*p == ':')
			p++;
		else
			break;
	}
	if (*p != '.' || (nf != 2 && nf != 3))
		return -EINVAL;
	p++;
	if (hex_field(&p, 1, &f[nf]) || *p)
		return -EINVAL;
	if (nf == 2) {		/* no segment: shift right by one */
		f[3] = f[2];
		f[2] = f[1];
		f[1] = f[0];
		f[0] = 0;
	}
	if (f[0] > 0xffff || f[1] > 0xff || f[2] > 0x1f || f[3] > 7)
		return -EINVAL;
	*segment = (uint16_t)f[0];
	*rid = (uint16_t)(f[1] << 8 | f[2] << 3 | f[3]);
	return 0;
}

void pcie_bdf_format(uint16_t segment, uint16_t rid, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", segment, rid >> 8,
		 (rid >> 3) & 0x1f, rid & 7);
}

/* --------------------------------------------------------------- fabric */

struct pcie_fabric *pcie_fabric_create(struct sim *s)
{
	struct pcie_fabric *fab = calloc(1, sizeof(*fab));

	if (!fab)
		return NULL;
	fab->sim = s;
	fab->next_bus = PCIE_AUTO_BUS_FIRST;
	return fab;
}

static void dev_free(struct pcie_dev *dev)
{
	tdisp_tdi_fini(dev);
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++)
		pcie_store_fini(&dev->bars[i].store);
	if (!dev->pf)
		ide_link_destroy(dev->link);
	free(dev->vfs);
	free(dev->name);
	free(dev);
}

void pcie_fabric_destroy(struct pcie_fabric *fab)
{
	if (!fab)
		return;
	for (size_t i = 0; i < fab->ndevs; i++)
		dev_free(fab->devs[i]);
	free(fab->devs);
	free(fab);
}

struct pcie_dev *pcie_dev_find(const struct pcie_fabric *fab, const char *name)
{
	for (size_t i = 0; name && i < fab->ndevs; i++)
		if (!strcmp(fab->devs[i]->name, name))
			return fab->devs[i];
	return NULL;
}

static struct pcie_dev *find_rid(const struct pcie_fabric *fab,
				 uint16_t segment, uint16_t rid)
{
	for (size_t i = 0; i < fab->ndevs; i++)
		if (fab->devs[i]->segment == segment && fab->devs[i]->rid == rid)
			return fab->devs[i];
	return NULL;
}

size_t pcie_dev_count(const struct pcie_fabric *fab)
{
	return fab->ndevs;
}

struct pcie_dev *pcie_dev_at(const struct pcie_fabric *fab, size_t i)
{
	return i < fab->ndevs ? fab->devs[i] : NULL;
}

/* A free RID: a PF gets a fresh bus, a VF the next function after its PF. */
static int auto_rid(struct pcie_fabric *fab, const struct pcie_dev *pf,
		    uint16_t *segment, uint16_t *rid)
{
	if (pf) {
		*segment = pf->segment;
		for (unsigned int r = pf->rid + 1u; r <= 0xffffu; r++)
			if (!find_rid(fab, pf->segment, (uint16_t)r)) {
				*rid = (uint16_t)r;
				return 0;
			}
		return -EEXIST;
	}
	*segment = 0;
	for (; fab->next_bus <= 0xff; fab->next_bus++)
		if (!find_rid(fab, 0, (uint16_t)(fab->next_bus << 8))) {
			*rid = (uint16_t)(fab->next_bus++ << 8);
			return 0;
		}
	return -EEXIST;
}

static int check_cfg(const struct pcie_dev_cfg *cfg)
{
	unsigned int seen = 0;

	if (!cfg->name || !*cfg->name || cfg->nbars > PCIE_MAX_BARS ||
	    cfg->dev_info_len > PCIE_DEV_INFO_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < cfg->nbars; i++) {
		const struct pcie_bar_cfg *b = &cfg->bars[i];

		if (b->index >= PCIE_MAX_BARS || (seen & (1u << b->index)) ||
		    !b->size)
			return -EINVAL;
		seen |= 1u << b->index;
	}
	if (cfg->msix.present) {
		const struct pcie_bar_cfg *b = NULL;

		for (unsigned int i = 0; i < cfg->nbars; i++)
			if (cfg->bars[i].index == cfg->msix.bar)
				b = &cfg->bars[i];
		if (!b || !cfg->msix.size || cfg->msix.offset > b->size ||
		    cfg->msix.size > b->size - cfg->msix.offset)
			return -EINVAL;
	}
	return 0;
}

/*
 * What an FLR resets.  A PF's SR-IOV Control is reset too, so VF Enable
 * and VF MSE clear and the VFs stop existing (PCIe r6.x §9.2.2.3, FLR of
 * a PF; Intel's SR-IOV IP guide, FLR: "resets R/W non-sticky control
 * bits").  The host restores it from saved state after a reset through
 * VFIO (drivers/pci/iov.c pci_restore_iov_state()).
 */
static void dev_reset_regs(struct pcie_dev *dev)
{
	dev->regs[PCIE_REG_CMD_MSE] = 0;
	dev->regs[PCIE_REG_CMD_BME] = 0;
	dev->regs[PCIE_REG_DEVCTL] = PCIE_DEVCTL_RESET;
	dev->regs[PCIE_REG_SRIOV] = 0;
}

void pcie_regs_init(struct pcie_dev *dev)
{
	dev_reset_regs(dev);
	dev->regs[PCIE_REG_REBAR] = 0;
	dev->regs[PCIE_REG_PASID] = 0;
	/* MSI-X Message Control: enable bits clear, table size kept */
	dev->regs[PCIE_REG_MSIX] &= 0x7ff;
}

static void dev_init_regs(struct pcie_dev *dev, const struct pcie_dev_cfg *cfg)
{
	for (unsigned int i = 0; i < cfg->nbars; i++) {
		struct pcie_bar *b = &dev->bars[cfg->bars[i].index];

		b->present = true;
		b->cfg = cfg->bars[i];
		b->live_non_tee = b->cfg.non_tee;
		dev->regs[PCIE_REG_BAR0 + b->cfg.index] = b->cfg.hpa;
	}
	dev->msix = cfg->msix;
	dev_reset_regs(dev);
	/* the host driver has enabled decoding and bus mastering */
	dev->regs[PCIE_REG_CMD_MSE] = 1;
	dev->regs[PCIE_REG_CMD_BME] = 1;
	/* MSI-X Message Control: table size N-1 in bits 10:0 */
	if (cfg->msix.present)
		dev->regs[PCIE_REG_MSIX] = ((cfg->msix.size / 16) - 1) & 0x7ff;
	dev->regs[PCIE_REG_IDE] = cfg->ide ? 1 : 0;
}

static int link_to_pf(struct pcie_dev *dev, struct pcie_dev *pf)
{
	struct pcie_dev **v = realloc(pf->vfs, (pf->nvfs + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	pf->vfs = v;
	pf->vfs[pf->nvfs++] = dev;
	/* the host enabled SR-IOV: VF Enable and VF MSE set */
	pf->regs[PCIE_REG_SRIOV] = PCIE_SRIOV_VF_ENABLE | PCIE_SRIOV_VF_MSE;
	dev->pf = pf;
	dev->link = pf->link;
	return 0;
}

static int dev_place(struct pcie_fabric *fab, struct pcie_dev *dev,
		     const struct pcie_dev_cfg *cfg, struct pcie_dev *pf)
{
	int ret;

	if (pcie_dev_find(fab, cfg->name))
		return -EEXIST;
	if (cfg->bdf) {
		ret = pcie_bdf_parse(cfg->bdf, &dev->segment, &dev->rid);
		if (ret)
			return ret;
		if (find_rid(fab, dev->segment, dev->rid))
			return -EEXIST;
	} else {
		ret = auto_rid(fab, pf, &dev->segment, &dev->rid);
		if (ret)
			return ret;
	}
	if (pf)
		return link_to_pf(dev, pf);
	dev->link = ide_link_create();
	if (!dev->link)
		return -ENOMEM;
	if (cfg->num_req_all)
		dev->link->num_req_all = cfg->num_req_all;
	return 0;
}

int pcie_dev_add(struct pcie_fabric *fab, const struct pcie_dev_cfg *cfg,
		 struct pcie_dev **out)
{
	struct pcie_dev *dev, *pf = NULL, **devs;
	int ret;

	if (!fab || !cfg)
		return -EINVAL;
	ret = check_cfg(cfg);
	if (ret)
		return ret;
	if (cfg->pf) {
		pf = pcie_dev_find(fab, cfg->pf);
		if (!pf)
			return -ENOENT;
		if (pf->pf)
			return -EINVAL;		/* a VF has no VFs */
	}
	devs = realloc(fab->devs, (fab->ndevs + 1) * sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	fab->devs = devs;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->name = strdup(cfg->name);
	if (!dev->name) {
		free(dev);
		return -ENOMEM;
	}
	dev->fab = fab;
	dev->sim = fab->sim;
	dev->index = (unsigned int)fab->ndevs;
	ret = dev_place(fab, dev, cfg, pf);
	if (ret) {
		free(dev->name);
		free(dev);
		return ret;
	}
	dev->ide_required = cfg->ide;
	dev_init_regs(dev, cfg);
	dev->tdi.num_req_this = cfg->num_req_this ? cfg->num_req_this :
						     TDISP_NUM_REQ_THIS_DEF;
	dev->tdi.portion_max = cfg->report_portion_max ?
				       cfg->report_portion_max :
				       TDISP_PORTION_DEFAULT;
	if (dev->tdi.portion_max > TDISP_REPORT_MAX)
		dev->tdi.portion_max = TDISP_REPORT_MAX;
	dev->tdi.dev_info_len = cfg->dev_info_len;
	tdisp_tdi_init(dev);
	fab->devs[fab->ndevs++] = dev;
	if (out)
		*out = dev;
	return 0;
}

int pcie_fabric_decode_hpa(const struct pcie_fabric *fab, uint64_t hpa,
			   struct pcie_dev **dev, unsigned int *bar,
			   uint64_t *offset)
{
	for (size_t i = 0; i < fab->ndevs; i++) {
		struct pcie_dev *d = fab->devs[i];

		for (unsigned int b = 0; b < PCIE_MAX_BARS; b++) {
			const struct pcie_bar_cfg *c = &d->bars[b].cfg;

			if (!d->bars[b].present || hpa < c->hpa ||
			    hpa - c->hpa >= c->size)
				continue;
			*dev = d;
			*bar = b;
			*offset = hpa - c->hpa;
			return 0;
		}
	}
	return -ENOENT;
}

/* ------------------------------------------------------------ accessors */

const char *pcie_dev_name(const struct pcie_dev *dev)
{
	return dev->name;
}

struct pcie_dev *pcie_dev_pf(const struct pcie_dev *dev)
{
	return dev->pf;
}

uint16_t pcie_dev_segment(const struct pcie_dev *dev)
{
	return dev->segment;
}

uint16_t pcie_dev_rid(const struct pcie_dev *dev)
{
	return dev->rid;
}

int pcie_dev_bar(const struct pcie_dev *dev, unsigned int index,
		 struct pcie_bar_cfg *out)
{
	if (index >= PCIE_MAX_BARS || !dev->bars[index].present)
		return -ENOENT;
	*out = dev->bars[index].cfg;
	return 0;
}

const struct pcie_msix_cfg *pcie_dev_msix(const struct pcie_dev *dev)
{
	return &dev->msix;
}

/* --------------------------------------------------------- config space */

/*
 * Is this write one the DSM tracks ([TDISP] Table 11-2)?  BARs, Device
 * Control (our devctl holds only the tracked bits), Resizable BAR,
 * SR-IOV, PASID: every write.  MSI-X: only when the table was locked and
 * reported (LOCK_MSIX); otherwise enabling MSI-X is ordinary interrupt
 * set-up.  The command register: only a clear of MSE or BME; setting
 * them changes nothing the TDI relies on.  `ide` is handled by the caller
 * because it affects the whole stream.
 */
static bool write_is_tracked(const struct pcie_dev *dev, enum pcie_reg reg,
			     uint64_t value)
{
	switch (reg) {
	case PCIE_REG_CMD_MSE:
	case PCIE_REG_CMD_BME:
		return value == 0;
	case PCIE_REG_MSIX:
		return dev->tdi.lock_flags & TDISP_LOCK_MSIX;
	default:
		return true;
	}
}

/* Table 11-2: the PF's SR-IOV capability configures every VF TDI. */
static void sriov_change(struct pcie_dev *pf, const char *cause)
{
	for (size_t i = 0; i < pf->nvfs; i++)
		tdisp_security_change(pf->vfs[i], cause);
}

/* Every locked TDI on @dev's IDE stream goes to ERROR. */
static void stream_change(struct pcie_dev *dev, const char *cause)
{
	struct pcie_dev *m;

	for (size_t i = 0; (m = ide_link_member(dev, i)); i++)
		if (m->ide_required)
			tdisp_security_change(m, cause);
}

static int config_apply(struct pcie_dev *dev, enum pcie_reg reg,
			uint64_t value)
{
	if (reg <= PCIE_REG_BAR5) {
		struct pcie_bar *b = &dev->bars[reg - PCIE_REG_BAR0];

		if (!b->present || value % PCIE_PAGE_SIZE)
			return -EINVAL;
		b->cfg.hpa = value;
	} else if (reg == PCIE_REG_CMD_MSE || reg == PCIE_REG_CMD_BME) {
		value = value != 0;
	} else if (reg == PCIE_REG_DEVCTL) {
		value &= PCIE_DEVCTL_MASK & ~PCIE_DEVCTL_FLR;
	}
	dev->regs[reg] = value;
	return 0;
}

int pcie_config_write(struct pcie_dev *dev, enum pcie_reg reg, uint64_t value,
		      bool has_value)
{
	char cause[80];
	uint64_t written;
	int ret;

	if (!dev || (unsigned int)reg >= PCIE_REG_NR)
		return -EINVAL;
	if (!has_value)
		value = (reg == PCIE_REG_CMD_MSE || reg == PCIE_REG_CMD_BME) ?
				0 : dev->regs[reg];
	written = value;
	ret = config_apply(dev, reg, value);
	if (ret)
		return ret;
	snprintf(cause, sizeof(cause), "config write %s", reg_names[reg]);
	if (reg == PCIE_REG_IDE) {
		/* stream control of a bound stream: all its TDIs see it */
		stream_change(dev, cause);
		if (!(written & 1))
			ide_set_state(dev, IDE_INSECURE);
	} else if (write_is_tracked(dev, reg, written)) {
		tdisp_security_change(dev, cause);
	}
	if (reg == PCIE_REG_SRIOV && dev->nvfs) {
		snprintf(cause, sizeof(cause), "config write sriov of PF %s",
			 dev->name);
		sriov_change(dev, cause);
	}
	if (reg == PCIE_REG_DEVCTL && (written & PCIE_DEVCTL_FLR))
		pcie_flr(dev);
	return 0;
}

int pcie_config_read(const struct pcie_dev *dev, enum pcie_reg reg,
		     uint64_t *value)
{
	if (!dev || (unsigned int)reg >= PCIE_REG_NR || !value)
		return -EINVAL;
	*value = dev->regs[reg];
	return 0;
}

/* ----------------------------------------------- resets and other events */

static void function_reset(struct pcie_dev *dev, const char *cause)
{
	tdisp_security_change(dev, cause);
	dev_reset_regs(dev);
	/* in-flight DMA of the reset function never completes */
	dev->tdi.dma_epoch++;
}

void pcie_flr(struct pcie_dev *dev)
{
	char cause[64];

	if (!dev)
		return;
	if (dev->pf) {
		function_reset(dev, "FLR");
		return;
	}
	/* [TDISP] Table 11-2: a PF FLR errors every VF TDI of the PF (H9) */
	snprintf(cause, sizeof(cause), "FLR of PF %s", dev->name);
	for (size_t i = 0; i < dev->nvfs; i++)
		function_reset(dev->vfs[i], cause);
	function_reset(dev, "FLR");
}

bool pcie_vf_enabled(const struct pcie_dev *dev)
{
	uint64_t ctl;

	if (!dev->pf)
		return true;
	ctl = dev->pf->regs[PCIE_REG_SRIOV];
	return (ctl & PCIE_SRIOV_VF_ENABLE) && (ctl & PCIE_SRIOV_VF_MSE);
}

/* §11.4.8: one function back to its state at power-on, TDI unlocked */
static void conventional_reset_one(struct pcie_dev *dev)
{
	tdisp_event(dev, TDISP_EV_RESET, "conventional reset");
	pcie_regs_init(dev);
	dev->tdi.dma_epoch++;
}

void pcie_conventional_reset(struct pcie_dev *dev)
{
	struct pcie_dev *m;

	if (!dev)
		return;
	for (size_t i = 0; (m = ide_link_member(dev, i)); i++)
		conventional_reset_one(m);
	/* the session keys and the IDE keys are cleared with the device */
	ide_link_reset(dev);
}

int pcie_set_rid(struct pcie_dev *dev, uint16_t segment, uint16_t rid)
{
	struct pcie_dev *other;

	if (!dev)
		return -EINVAL;
	if (segment == dev->segment && rid == dev->rid)
		return 0;
	other = find_rid(dev->fab, segment, rid);
	if (other)
		return -EEXIST;
	dev->segment = segment;
	dev->rid = rid;
	tdisp_security_change(dev, "RID change");
	return 0;
}

void pcie_poisoned_tlp(struct pcie_dev *dev)
{
	if (dev)
		tdisp_security_change(dev, "poisoned TLP");
}
