// SPDX-License-Identifier: MIT
/*
 * scenario_units.c - unit conversion (docs/scenarios.md): counts,
 * sizes, durations in cycles at clock_mhz, count constraints (">= 1",
 * "2..4") and fault points; exact integer arithmetic, no floating point.
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

/* ------------------------------------------------------------- units */

bool ld_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char **pp, uint64_t *v, unsigned int *ld_nd,
		  const char **why)
{
	const char *p = *pp;

	for (; ld_is_digit(*p); p++, (*ld_nd)++) {
		if (*v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			*why = "does not fit in 64 bits";
			return -EINVAL;
		}
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	return 0;
}

/* DIGITS[.DIGITS] as the integer of all digits and the fraction length. */
static int decimal(const char **pp, uint64_t *m, unsigned int *frac,
		   const char **why)
{
	unsigned int n = 0;

	*m = 0;
	*frac = 0;
	if (**pp == '-') {
		*why = "negative values are not allowed";
		return -EINVAL;
	}
	if (!ld_is_digit(**pp)) {
		*why = "not a number";
		return -EINVAL;
	}
	if (digits(pp, m, &n, why))
		return -EINVAL;
	if (**pp != '.')
		return 0;
	(*pp)++;
	if (!ld_is_digit(**pp)) {
		*why = "expected digits after '.'";
		return -EINVAL;
	}
	return digits(pp, m, frac, why);
}

static uint64_t pow10u(unsigned int e)
{
	uint64_t p = 1;

	while (e--)
		p *= 10;
	return p;
}

/* @m * @mul / 10^@frac as an exact integer. */
static int exact(uint64_t m, uint64_t mul, unsigned int frac, uint64_t *out,
		 const char **why)
{
	unsigned __int128 v = (unsigned __int128)m * mul;
	uint64_t div;

	if (frac > 19) {
		*why = "too many digits after '.'";
		return -EINVAL;
	}
	div = pow10u(frac);
	if (v % div) {
		*why = "not a whole number";
		return -EINVAL;
	}
	v /= div;
	if (v > UINT64_MAX) {
		*why = "does not fit in 64 bits";
		return -EINVAL;
	}
	*out = (uint64_t)v;
	return 0;
}

int scn_parse_count(const char *text, uint64_t *n, const char **why)
{
	const char *p = text;
	uint64_t m, e = 0;
	unsigned int frac, ne = 0;
	unsigned __int128 v;

	if (decimal(&p, &m, &frac, why))
		return -EINVAL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-') {
			*why = "a negative exponent is not a whole number";
			return -EINVAL;
		}
		if (*p == '+')
			p++;
		if (!ld_is_digit(*p) || digits(&p, &e, &ne, why) || e > 40) {
			*why = "bad exponent";
			return -EINVAL;
		}
	}
	if (*p) {
		*why = "trailing characters (counts are integers or 1e6 style)";
		return -EINVAL;
	}
	if (e < frac)
		return exact(m, 1, frac - (unsigned int)e, n, why);
	for (v = m; e > frac; e--) {
		v *= 10;
		if (v > UINT64_MAX) {
			*why = "does not fit in 64 bits";
			return -EINVAL;
		}
	}
	*n = (uint64_t)v;
	return 0;
}

static int hex(const char *p, uint64_t *out, const char **why)
{
	uint64_t v = 0;
	const char *s = p;

	for (; *p; p++) {
		int d = ld_is_digit(*p) ? *p - '0' :
			(*p >= 'a' && *p <= 'f') ? *p - 'a' + 10 :
			(*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;

		if (d < 0) {
			*why = "bad hex digit";
			return -EINVAL;
		}
		if (v >> 60) {
			*why = "does not fit in 64 bits";
			return -EINVAL;
		}
		v = v << 4 | (uint64_t)d;
	}
	if (p == s) {
		*why = "no hex digits after 0x";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int scn_parse_size(const char *text, uint64_t *bytes, const char **why)
{
	static const struct { const char *sfx; uint64_t mul; } units[] = {
		{ "", 1 }, { "KiB", 1ull << 10 }, { "MiB", 1ull << 20 },
		{ "GiB", 1ull << 30 },
	};
	static const char *const decimal_units[] = {
		"K", "M", "G", "k", "KB", "MB", "GB", "kB", "kb", "mb", "gb",
		"Kb", "Mb", "Gb", "B", NULL
	};
	const char *p = text;
	uint64_t m;
	unsigned int frac;
	size_t i;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return hex(p + 2, bytes, why);
	if (decimal(&p, &m, &frac, why))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(p, units[i].sfx))
			return exact(m, units[i].mul, frac, bytes, why);
	*why = scn_name_index(decimal_units, p) >= 0 ?
	       "use the binary units KiB, MiB or GiB" :
	       "unknown unit (sizes take KiB, MiB, GiB or none)";
	return -EINVAL;
}

int scn_parse_duration(const char *text, uint64_t clock_mhz, uint64_t *cycles,
		       const char **why)
{
	static const struct { const char *sfx; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
	};
	const char *p = text;
	unsigned __int128 num, den;
	uint64_t m;
	unsigned int frac;
	size_t i;

	if (decimal(&p, &m, &frac, why))
		return -EINVAL;
	if (!*p || *p == 'e' || *p == 'E') {
		if (!scn_parse_count(text, cycles, why))
			return 0;
		if (!strcmp(*why, "not a whole number"))
			*why = "a duration without a unit is in cycles and must be a whole number";
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(p, units[i].sfx))
			break;
	if (i == ARRAY_SIZE(units)) {
		*why = "unknown unit (durations take ns, us, ms or none for cycles)";
		return -EINVAL;
	}
	if (frac > 19 || !clock_mhz) {
		*why = frac > 19 ? "too many digits after '.'" : "clock_mhz is 0";
		return -EINVAL;
	}
	/* cycles = ceil(ns * clock_mhz / 1000), all in integers */
	num = (unsigned __int128)m * units[i].ns * clock_mhz;
	den = (unsigned __int128)pow10u(frac) * 1000;
	num = (num + den - 1) / den;
	if (num > UINT64_MAX) {
		*why = "does not fit in 64 bits";
		return -EINVAL;
	}
	*cycles = (uint64_t)num;
	return 0;
}

int scn_count_parse(const char *text, struct scn_count *c, const char **why)
{
	static const struct { const char *op; enum scn_cmp cmp; } ops[] = {
		{ ">=", SCN_CMP_GE }, { "<=", SCN_CMP_LE }, { "==", SCN_CMP_EQ },
		{ ">", SCN_CMP_GT }, { "<", SCN_CMP_LT },
	};
	size_t i;

	c->cmp = SCN_CMP_EQ;
	c->n = 0;
	if (!strcmp(text, "any")) {
		c->cmp = SCN_CMP_ANY;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!strncmp(text, ops[i].op, strlen(ops[i].op))) {
			c->cmp = ops[i].cmp;
			text += strlen(ops[i].op);
			break;
		}
	}
	if (scn_parse_count(text, &c->n, why) &&
	    scn_parse_size(text, &c->n, why)) {
		*why = "expected N, any, >=N, >N, <=N, <N or ==N";
		return -EINVAL;
	}
	if (c->cmp == SCN_CMP_LT && !c->n) {
		*why = "'<0' can never hold";
		return -EINVAL;
	}
	return 0;
}

bool scn_count_holds(const struct scn_count *c, uint64_t n)
{
	switch (c->cmp) {
	case SCN_CMP_NONE:
		return n == 0;
	case SCN_CMP_ANY:
		return true;
	case SCN_CMP_EQ:
		return n == c->n;
	case SCN_CMP_GE:
		return n >= c->n;
	case SCN_CMP_GT:
		return n > c->n;
	case SCN_CMP_LE:
		return n <= c->n;
	case SCN_CMP_LT:
		return n < c->n;
	}
	return false;
}

const char *scn_count_str(const struct scn_count *c, char *buf, size_t len)
{
	static const char *const ops[] = {
		[SCN_CMP_NONE] = "", [SCN_CMP_ANY] = "", [SCN_CMP_EQ] = "",
		[SCN_CMP_GE] = ">=", [SCN_CMP_GT] = ">", [SCN_CMP_LE] = "<=",
		[SCN_CMP_LT] = "<",
	};

	if (c->cmp == SCN_CMP_ANY)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%s%llu", ops[c->cmp],
			 (unsigned long long)(c->cmp == SCN_CMP_NONE ? 0 : c->n));
	return buf;
}

int scn_parse_point(const char *text, uint64_t clock_mhz, struct scn_point *pt,
		    const char **why)
{
	static const struct { const char *pfx; enum scn_point_kind k; } kinds[] = {
		{ "before:", SCN_PT_BEFORE }, { "after:", SCN_PT_AFTER },
		{ "during:", SCN_PT_DURING },
	};
	const char *p = NULL, *hash;
	uint64_t k;
	size_t i;

	memset(pt, 0, sizeof(*pt));
	for (i = 0; i < ARRAY_SIZE(kinds) && !p; i++)
		if (!strncmp(text, kinds[i].pfx, strlen(kinds[i].pfx))) {
			pt->kind = kinds[i].k;
			p = text + strlen(kinds[i].pfx);
		}
	if (!p) {
		pt->kind = SCN_PT_CYCLE;
		if (!scn_parse_duration(text, clock_mhz, &pt->cycle, why))
			return 0;
		*why = "expected before:LABEL, after:LABEL, during:LABEL#K or a cycle";
		return -EINVAL;
	}
	hash = strchr(p, '#');
	if ((pt->kind == SCN_PT_DURING) != (hash != NULL)) {
		*why = hash ? "only during: takes #K" : "during: needs LABEL#K";
		return -EINVAL;
	}
	if (hash) {
		if (scn_parse_count(hash + 1, &k, why) || !k || k > 1000000) {
			*why = "K in during:LABEL#K must be an integer >= 1";
			return -EINVAL;
		}
		pt->k = (unsigned int)k;
	}
	pt->label = strndup(p, hash ? (size_t)(hash - p) : strlen(p));
	TSM_BUG_ON(!pt->label);
	if (!pt->label[0]) {
		free(pt->label);
		pt->label = NULL;
		*why = "missing label";
		return -EINVAL;
	}
	return 0;
}
