// SPDX-License-Identifier: MIT
/*
 * report.c - the TDI's DEVICE_INTERFACE_REPORT ([TDISP] §11.3.11, layout
 * as in [libspdm] pci_tdisp.h and docs/tdisp.md "Interface report").
 *
 * Little-endian, built once at LOCK (the DSM reports what it locked):
 *
 *   0  INTERFACE_INFO u16        2  reserved u16
 *   4  MSI-X message control u16 6  LNR control u16
 *   8  TPH control u32           12 MMIO_RANGE_COUNT u32
 *   16 ranges, 16 bytes each:
 *        +0 FIRST_PAGE u64: (BAR address + MMIO_REPORTING_OFFSET) >> 12
 *        +8 number of 4 KiB pages u32
 *        +12 range attributes u16   +14 range id u16
 *   then device-specific information length u32 and its bytes.
 *
 * FIRST_PAGE counts 4 KiB pages: [TDISP] Table 11-15 "Base and size in
 * units of 4 K pages ... First 4 K page with offset added", as AMD's
 * guest parser reads it (get_range() in the SEV-TIO guest, first_page <<
 * PAGE_SHIFT).  libspdm's pci_tdisp.h only names the field first_page
 * without a unit; the spdm-emu sample fills values that read either way.
 *
 * One range per BAR, in BAR order, range id = BAR index.  The MSI-X
 * table is not split into a range of its own: the range of the BAR that
 * holds it carries the MSI-X attribute, and only when LOCK set LOCK_MSIX
 * (Table 11-15: "must be reported only if locked"); the message control
 * field likewise reads 0 unless the table is locked.  This keeps range id
 * = BEI (which the contract's `assert report` and every arch's per-range
 * accept rely on) and is what a DSM with the table at a BAR of its own
 * reports exactly.  PBA location is not modelled, so the PBA bit is never
 * set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcie_internal.h"

#define RPT_HDR_LEN	16
#define RPT_RANGE_LEN	16

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint16_t interface_info(const struct pcie_dev *dev)
{
	uint16_t info = TDISP_INFO_DMA_NO_PASID;

	if (dev->tdi.lock_flags & TDISP_LOCK_NO_FW_UPDATE)
		info |= TDISP_INFO_NO_FW_UPDATE;
	if (dev->regs[PCIE_REG_PASID])
		info |= TDISP_INFO_DMA_PASID;
	return info;
}

static bool msix_locked(const struct pcie_dev *dev)
{
	return dev->msix.present && (dev->tdi.lock_flags & TDISP_LOCK_MSIX);
}

/* FIRST_PAGE: the s64 offset is added modulo 2^64, then 4 KiB pages */
static uint64_t first_page(const struct pcie_dev *dev, unsigned int bar)
{
	return (dev->bars[bar].cfg.hpa + (uint64_t)dev->tdi.reporting_offset) /
	       PCIE_PAGE_SIZE;
}

static uint16_t range_attr(const struct pcie_dev *dev, unsigned int bar)
{
	const struct pcie_bar *b = &dev->bars[bar];
	uint16_t attr = 0;

	if (msix_locked(dev) && dev->msix.bar == bar)
		attr |= TDISP_RANGE_MSIX;
	if (b->live_non_tee)
		attr |= TDISP_RANGE_NON_TEE;
	if (b->cfg.mem_attr_updatable)
		attr |= TDISP_RANGE_ATTR_UPDATABLE;
	return attr;
}

int tdisp_report_build(struct pcie_dev *dev)
{
	struct tdisp_tdi *t = &dev->tdi;
	unsigned int nranges = 0;
	size_t len;
	uint8_t *buf, *p;

	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++)
		nranges += dev->bars[i].present;
	len = RPT_HDR_LEN + nranges * RPT_RANGE_LEN + 4 + t->dev_info_len;
	TSM_BUG_ON(len > TDISP_REPORT_MAX);
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	put16(buf + 0, interface_info(dev));
	put16(buf + 4, msix_locked(dev) ?
			       (uint16_t)dev->regs[PCIE_REG_MSIX] : 0);
	put32(buf + 12, nranges);
	p = buf + RPT_HDR_LEN;
	for (unsigned int i = 0; i < PCIE_MAX_BARS; i++) {
		const struct pcie_bar *b = &dev->bars[i];

		if (!b->present)
			continue;
		/* the offset hides HPAs */
		put64(p, first_page(dev, i));
		put32(p + 8, (uint32_t)(b->cfg.size / PCIE_PAGE_SIZE));
		put16(p + 12, range_attr(dev, i));
		put16(p + 14, (uint16_t)i);
		p += RPT_RANGE_LEN;
	}
	put32(p, t->dev_info_len);
	for (unsigned int i = 0; i < t->dev_info_len; i++)
		p[4 + i] = (uint8_t)(dev->rid + i * 7);
	free(t->report);
	t->report = buf;
	t->report_len = len;
	return 0;
}

int tdisp_report_range_of(const struct pcie_dev *dev, unsigned int bar,
			  uint64_t *first, uint32_t *num_pages)
{
	if (bar >= PCIE_MAX_BARS || !dev->bars[bar].present)
		return -ENOENT;
	*first = first_page(dev, bar);
	*num_pages = (uint32_t)(dev->bars[bar].cfg.size / PCIE_PAGE_SIZE);
	return 0;
}

const uint8_t *tdisp_report_bytes(const struct pcie_dev *dev, size_t *len)
{
	*len = dev->tdi.report_len;
	return dev->tdi.report;
}

int tdisp_report_decode(const uint8_t *buf, size_t len,
			struct tdisp_report *out)
{
	const uint8_t *p;
	size_t need;

	if (!buf || !out || len < RPT_HDR_LEN)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->interface_info = get16(buf);
	out->msix_message_control = get16(buf + 4);
	out->lnr_control = get16(buf + 6);
	out->tph_control = get32(buf + 8);
	out->mmio_range_count = get32(buf + 12);
	if (out->mmio_range_count > PCIE_MAX_BARS)
		return -EINVAL;
	need = RPT_HDR_LEN + out->mmio_range_count * RPT_RANGE_LEN + 4;
	if (len < need)
		return -EINVAL;
	p = buf + RPT_HDR_LEN;
	for (unsigned int i = 0; i < out->mmio_range_count; i++) {
		struct tdisp_report_range *r = &out->ranges[i];

		r->first_page = get64(p);
		r->num_pages = get32(p + 8);
		r->attr = get16(p + 12);
		r->range_id = get16(p + 14);
		p += RPT_RANGE_LEN;
	}
	out->dev_info_len = get32(p);
	if (len != need + out->dev_info_len)
		return -EINVAL;
	return 0;
}
