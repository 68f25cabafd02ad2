// SPDX-License-Identifier: MIT
/* stats.c - named counters; pointers handed out stay valid for the sim. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

uint64_t *sim_stat(struct sim *s, const char *name)
{
	for (size_t i = 0; i < s->nctrs; i++)
		if (!strcmp(s->ctrs[i].name, name))
			return s->ctrs[i].value;
	s->ctrs = sim_xrealloc(s->ctrs, s->nctrs + 1, sizeof(*s->ctrs));
	s->ctrs[s->nctrs].name = strdup(name);
	TSM_BUG_ON(!s->ctrs[s->nctrs].name);
	s->ctrs[s->nctrs].value = calloc(1, sizeof(uint64_t));
	TSM_BUG_ON(!s->ctrs[s->nctrs].value);
	s->ctrs_sorted = false;
	return s->ctrs[s->nctrs++].value;
}

size_t sim_stats_count(const struct sim *s)
{
	return s->nctrs;
}

static int ctr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sim_counter *)a)->name,
		      ((const struct sim_counter *)b)->name);
}

void sim_stat_at(const struct sim *s, size_t i, const char **name,
		 uint64_t *value)
{
	struct sim *m = (struct sim *)s;	/* sorting is a cache, not state */

	if (!m->ctrs_sorted) {
		if (m->nctrs)	/* qsort(NULL, 0) is undefined */
			qsort(m->ctrs, m->nctrs, sizeof(*m->ctrs), ctr_cmp);
		m->ctrs_sorted = true;
	}
	*name = s->ctrs[i].name;
	*value = *s->ctrs[i].value;
}

void sim_stats_fini(struct sim *s)
{
	for (size_t i = 0; i < s->nctrs; i++) {
		free(s->ctrs[i].name);
		free(s->ctrs[i].value);
	}
	free(s->ctrs);
}
