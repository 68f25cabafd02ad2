// SPDX-License-Identifier: MIT
/*
 * findings.c - the findings list of one run.  A checker names a (kind, key)
 * pair; while that episode is open, further hits fold into it (count and
 * last cycle), which is the contract's "once per contiguous episode".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static const struct {
	const char *name;
	const char *help;
} finding_tab[SIM_FIND_NR] = {
	[SIM_FIND_MCE] = { "mce", "an access caused a machine check" },
	[SIM_FIND_HOST_FAULT] = { "host-fault",
		"an access caused an RMP fault or a granule protection fault" },
	[SIM_FIND_LATENT_MCE] = { "latent-mce",
		"a CPU-reachable hypervisor-side mapping of TEE MMIO was live when the TDI locked, on an arch where touching it is an MCE" },
	[SIM_FIND_LATENT_HOST_FAULT] = { "latent-host-fault",
		"the same, where touching it is a host fault" },
	[SIM_FIND_ACCESS_ERROR] = { "access-error",
		"a guest, host or device access ended ur, fault or stuck" },
	[SIM_FIND_DATA_LOSS] = { "data-loss",
		"a write was dropped and its issuer was not told" },
	[SIM_FIND_HITLESS_VIOLATION] = { "hitless-violation",
		"an access inside a hitless window did not end ok" },
	[SIM_FIND_STALE_TRANSLATION] = { "stale-translation",
		"an access used an IOTLB / TLB entry whose page-table entry was already gone or changed" },
	[SIM_FIND_USE_AFTER_REVOKE] = { "use-after-revoke",
		"an importer reached a dma-buf after revoke" },
	[SIM_FIND_TDI_ERROR] = { "tdi-error", "a TDI entered ERROR" },
	[SIM_FIND_TDISP_PROTOCOL] = { "tdisp-protocol",
		"a TDISP request failed that the scenario did not expect to fail" },
	[SIM_FIND_UNACCEPTED_ACCESS] = { "unaccepted-access",
		"the guest used private MMIO it had not accepted / validated" },
	[SIM_FIND_TEARDOWN_ORDER] = { "teardown-order",
		"a teardown step ran in an order the arch forbids" },
	[SIM_FIND_WATCHDOG] = { "watchdog",
		"max_cycles or max_events was hit" },
};

const char *sim_finding_name(enum sim_finding_kind k)
{
	return k < SIM_FIND_NR ? finding_tab[k].name : "?";
}

const char *sim_finding_help(enum sim_finding_kind k)
{
	return k < SIM_FIND_NR ? finding_tab[k].help : "?";
}

int sim_finding_parse(const char *name)
{
	for (int i = 0; i < SIM_FIND_NR; i++)
		if (!strcmp(name, finding_tab[i].name))
			return i;
	return -1;
}

static struct sim_finding *find_open(struct sim *s,
				     enum sim_finding_kind kind, uint64_t key)
{
	/* newest first: an open episode is almost always recent */
	for (size_t i = s->nfinds; i-- > 0;) {
		struct sim_finding *f = &s->finds[i];

		if (f->open && f->kind == kind && f->key == key)
			return f;
	}
	return NULL;
}

struct sim_finding *sim_finding_add(struct sim *s, enum sim_finding_kind kind,
				    uint64_t key, const char *fmt, ...)
{
	struct sim_finding *f = find_open(s, kind, key);
	va_list ap;
	int n;

	if (f) {
		f->count++;
		f->last = s->now;
		return f;
	}
	if (s->nfinds == s->cap_finds) {
		s->cap_finds = s->cap_finds ? 2 * s->cap_finds : 16;
		s->finds = sim_xrealloc(s->finds, s->cap_finds,
					sizeof(*s->finds));
	}
	f = &s->finds[s->nfinds++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->key = key;
	f->count = 1;
	f->first = f->last = s->now;
	f->step = s->step.index;
	f->line = s->step.line;
	f->label = s->step.label;
	/* a copy: the fault's words live in the world, gone before the report */
	f->origin = s->step.index < 0 && s->step.op ? sim_xstrdup(s->step.op) : NULL;
	f->open = true;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	f->explain = sim_xrealloc(NULL, (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(f->explain, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return f;
}

void sim_finding_close(struct sim *s, enum sim_finding_kind kind, uint64_t key)
{
	struct sim_finding *f = find_open(s, kind, key);

	if (f)
		f->open = false;
}

size_t sim_findings_count(const struct sim *s)
{
	return s->nfinds;
}

const struct sim_finding *sim_finding_at(const struct sim *s, size_t i)
{
	return i < s->nfinds ? &s->finds[i] : NULL;
}

struct sim_finding *sim_finding_at_mut(struct sim *s, size_t i)
{
	return i < s->nfinds ? &s->finds[i] : NULL;
}

void sim_findings_fini(struct sim *s)
{
	for (size_t i = 0; i < s->nfinds; i++) {
		free(s->finds[i].explain);
		free(s->finds[i].origin);
	}
	free(s->finds);
}
