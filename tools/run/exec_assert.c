// SPDX-License-Identifier: MIT
/*
 * exec_assert.c - the `assert` op (docs/scenarios.md, "Observing the
 * model"): state, response, report, translate, last.  It reads the model
 * at the cycle the step runs and fails the run at the step's line with
 * every mismatch listed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "run_internal.h"

struct mismatches {
	char buf[1024];
	size_t len;
	unsigned int n;
};

static void miss(struct mismatches *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void miss(struct mismatches *m, const char *fmt, ...)
{
	va_list ap;
	int k;

	m->n++;
	if (m->len >= sizeof(m->buf) - 1)
		return;
	if (m->len)
		m->buf[m->len++] = ' ';
	va_start(ap, fmt);
	k = vsnprintf(m->buf + m->len, sizeof(m->buf) - m->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		m->len += (size_t)k;
	if (m->len >= sizeof(m->buf))
		m->len = sizeof(m->buf) - 1;
}

static void check_count(struct mismatches *m, const char *what,
			const struct scn_value *want, bool have, uint64_t got)
{
	struct scn_count c;
	const char *why;
	char buf[32];

	if (scn_count_parse(want->str, &c, &why))
		return;		/* the loader checked it */
	if (!have) {
		if (c.cmp != SCN_CMP_ANY)
			miss(m, "%s: expected %s, not reported;", what,
			     scn_count_str(&c, buf, sizeof(buf)));
		return;
	}
	if (!scn_count_holds(&c, got))
		miss(m, "%s: expected %s, got %" PRIu64 ";", what,
		     scn_count_str(&c, buf, sizeof(buf)), got);
}

static void assert_state(struct exec_ctx *x, const struct scn_value *v,
			 struct mismatches *m)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *dev = v->fields[i].key;
		const char *want = v->fields[i].v.str;
		const char *now = world_tdi_state(x->w, dev);

		if (!now || strcmp(now, want))
			miss(m, "state.%s: expected %s, got %s;", dev, want,
			     now ? now : "?");
	}
}

static void assert_response(struct exec_ctx *x, const struct scn_value *v,
			    struct mismatches *m)
{
	const struct world_tdisp *t = &x->w->tdisp;

	for (size_t i = 0; i < v->n; i++) {
		uint64_t got = 0;
		bool have = t->valid &&
			    !tdisp_response_field(&t->rsp, v->fields[i].key, &got);
		char what[80];

		snprintf(what, sizeof(what), "response.%s", v->fields[i].key);
		check_count(m, what, &v->fields[i].v, have, got);
	}
}

static struct pcie_dev *report_dev(struct exec_ctx *x)
{
	struct pcie_fabric *fab = plat_fabric(x->w->p);

	if (x->w->tdisp.dev)
		return x->w->tdisp.dev;
	return pcie_dev_count(fab) == 1 ? pcie_dev_at(fab, 0) : NULL;
}

static void check_range(struct mismatches *m, size_t i,
			const struct scn_value *want,
			const struct tdisp_report_range *got)
{
	uint64_t bar = scn_get_u64(want, "bar", 0);

	if (got->range_id != bar)
		miss(m, "report.ranges.%zu.bar: expected %" PRIu64 ", got %u;",
		     i, bar, got->range_id);
	if (scn_has(want, "pages") &&
	    scn_get_u64(want, "pages", 0) != got->num_pages)
		miss(m, "report.ranges.%zu.pages: expected %" PRIu64 ", got %u;",
		     i, scn_get_u64(want, "pages", 0), got->num_pages);
	if (scn_has(want, "non_tee") &&
	    scn_get_bool(want, "non_tee", false) != !!(got->attr & TDISP_RANGE_NON_TEE))
		miss(m, "report.ranges.%zu.non_tee: expected %s;", i,
		     scn_get_bool(want, "non_tee", false) ? "true" : "false");
	if (scn_has(want, "first_page") &&
	    scn_get_u64(want, "first_page", 0) != got->first_page)
		miss(m, "report.ranges.%zu.first_page: expected 0x%" PRIx64
		     ", got 0x%" PRIx64 ";", i, scn_get_u64(want, "first_page", 0),
		     got->first_page);
	if (scn_has(want, "updatable") &&
	    scn_get_bool(want, "updatable", false) !=
		    !!(got->attr & TDISP_RANGE_ATTR_UPDATABLE))
		miss(m, "report.ranges.%zu.updatable: expected %s;", i,
		     scn_get_bool(want, "updatable", false) ? "true" : "false");
	if (scn_has(want, "msix") &&
	    scn_get_bool(want, "msix", false) != !!(got->attr & TDISP_RANGE_MSIX))
		miss(m, "report.ranges.%zu.msix: expected %s;", i,
		     scn_get_bool(want, "msix", false) ? "true" : "false");
}

static void assert_report(struct exec_ctx *x, const struct scn_value *v,
			  struct mismatches *m)
{
	struct pcie_dev *dev = report_dev(x);
	const struct scn_value *ranges = scn_get(v, "ranges");
	struct tdisp_report rep;
	const uint8_t *bytes;
	size_t len = 0;

	bytes = dev ? tdisp_report_bytes(dev, &len) : NULL;
	if (!bytes || tdisp_report_decode(bytes, len, &rep)) {
		miss(m, "report: the TDI has no interface report (no LOCK yet);");
		return;
	}
	if (!ranges)
		return;
	if (ranges->n != rep.mmio_range_count)
		miss(m, "report.ranges: expected %zu ranges, got %u;", ranges->n,
		     rep.mmio_range_count);
	for (size_t i = 0; i < ranges->n && i < rep.mmio_range_count; i++)
		check_range(m, i, &ranges->items[i], &rep.ranges[i]);
}

/* Where a guest address lands now, without faulting anything in. */
static void guest_target(struct exec_ctx *x, const struct scn_value *e,
			 struct mem_target *t, uint64_t *hpa)
{
	struct platform *p = x->w->p;
	struct plat_guest *g = world_guest(x->w, scn_get_str(e, "guest", NULL));
	uint64_t gpa = scn_get_u64(e, "gpa", 0);
	struct arch_xlate xl = { ARCH_X_NOT_MAPPED, 0, 0, 0, NULL };

	memset(t, 0, sizeof(*t));
	if (!plat_guest_ram_hpa(g, gpa, 1, scn_get_bool(e, "private", false),
				hpa)) {
		t->kind = MEM_DRAM;
		return;
	}
	if (plat_arch_ops(p))
		plat_arch_ops(p)->guest_xlate(plat_arch(p), g->vm, gpa,
					      scn_get_bool(e, "private", false),
					      false, &xl);
	if (xl.status != ARCH_X_OK) {
		t->kind = MEM_NONE;
		return;
	}
	*hpa = xl.hpa;
	mem_decode(plat_mem(p), xl.hpa, t);
}

/* Where an IOVA lands through an IOAS / HWPT's page table now. */
static void ioas_target(struct exec_ctx *x, const struct scn_value *e,
			struct mem_target *t, uint64_t *hpa)
{
	memset(t, 0, sizeof(*t));
	if (iommufd_lookup(x->w->host, scn_get_str(e, "ioas", ""),
			   scn_get_u64(e, "iova", 0), hpa)) {
		t->kind = MEM_NONE;
		return;
	}
	mem_decode(plat_mem(x->w->p), *hpa, t);
}

/*
 * @view_priv: the backing of guest RAM `to: {guest, gpa}` means when it
 * names none (`private:`): the translate entry's view for a guest
 * address, the shared backing (what iommufd.map maps) for an IOVA.
 */
static void check_target(struct exec_ctx *x, size_t i,
			 const struct scn_value *to, const struct mem_target *t,
			 uint64_t hpa, bool view_priv, struct mismatches *m)
{
	struct pcie_dev *dev;

	if (to->type == SCN_STR) {	/* none */
		if (t->kind != MEM_NONE)
			miss(m, "translate.%zu: expected none, got HPA 0x%" PRIx64 ";",
			     i, hpa);
		return;
	}
	dev = world_dev(x->w, scn_get_str(to, "device", NULL));
	if (dev) {
		if (t->kind != MEM_MMIO || t->owner != dev ||
		    t->bar != scn_get_u64(to, "bar", 0) ||
		    t->offset != scn_get_u64(to, "offset", 0))
			miss(m, "translate.%zu: expected %s BAR %" PRIu64 " +0x%" PRIx64
			     ", got %s;", i, pcie_dev_name(dev),
			     scn_get_u64(to, "bar", 0), scn_get_u64(to, "offset", 0),
			     t->kind == MEM_NONE ? "none" :
			     t->kind == MEM_DRAM ? "RAM" : "another BAR or offset");
		return;
	}
	{
		struct plat_guest *g = world_guest(x->w, scn_get_str(to, "guest", NULL));
		bool priv = scn_get_bool(to, "private", view_priv);
		uint64_t want = 0;

		if (t->kind != MEM_DRAM || !g ||
		    plat_guest_ram_hpa(g, scn_get_u64(to, "gpa", 0), 1, priv,
				       &want) ||
		    want != hpa)
			miss(m, "translate.%zu: expected %s %s RAM at GPA 0x%" PRIx64
			     ", got %s;", i, g ? g->name : "guest",
			     priv && g && g->confidential ? "private" : "shared",
			     scn_get_u64(to, "gpa", 0),
			     t->kind == MEM_NONE ? "none" :
			     t->kind == MEM_MMIO ? "MMIO" : "other RAM");
	}
}

static void assert_translate(struct exec_ctx *x, const struct scn_value *v,
			     struct mismatches *m)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct scn_value *e = &v->items[i];
		struct mem_target t;
		uint64_t hpa = 0;

		if (scn_has(e, "ioas"))
			ioas_target(x, e, &t, &hpa);
		else
			guest_target(x, e, &t, &hpa);
		check_target(x, i, scn_get(e, "to"), &t, hpa,
			     scn_get_bool(e, "private", false), m);
	}
}

static void assert_last(struct exec_ctx *x, const struct scn_value *v,
			const char *prefix, struct mismatches *m)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct scn_field *f = &v->fields[i];
		char key[96];
		uint64_t got = 0;
		bool have;

		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "",
			 f->key);
		if (f->v.type == SCN_MAP) {
			assert_last(x, &f->v, key, m);
			continue;
		}
		have = sim_seq_reported(x->prev, key, &got);
		check_count(m, key, &f->v, have, got);
	}
}

const char *exec_assert(struct exec_ctx *x)
{
	const struct scn_value *f = &x->step->fields;
	struct mismatches m = { .len = 0 };
	const struct scn_value *v;

	if ((v = scn_get(f, "state")))
		assert_state(x, v, &m);
	if ((v = scn_get(f, "response")))
		assert_response(x, v, &m);
	if ((v = scn_get(f, "report")))
		assert_report(x, v, &m);
	if ((v = scn_get(f, "translate")))
		assert_translate(x, v, &m);
	if ((v = scn_get(f, "last")))
		assert_last(x, v, "", &m);
	if (!m.n)
		return NULL;
	free(*x->detail);
	*x->detail = strdup(m.buf);
	return "mismatch";
}
