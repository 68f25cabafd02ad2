// SPDX-License-Identifier: MIT
/*
 * scenario.c - the scenario loader: libyaml document API, schema checks
 * against ops.c, unit conversion (contract section 2), references, and
 * FILE:LINE:COL diagnostics for every error of the file in one run.
 *
 * Passes, in order:
 *   1. read the file (<= 4 MiB) and load one YAML document;
 *   2. apply --set overrides to the document (new plain scalars);
 *   3. walk the document once for the caps: depth, alias uses, visited
 *      nodes (libyaml shares aliased nodes, so a billion-laughs file is a
 *      small document that must not be expanded), string length, tags,
 *      duplicate keys;
 *   4. validate and convert: clock_mhz first (durations depend on it),
 *      then the other top-level keys, platform before steps, steps in
 *      order (a step may only use names that an earlier step defined),
 *      then traffic, faults and expect, which may use any of them.
 * Diagnostics are collected, then sorted by line and column.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "arch.h"
#include "ops.h"
#include "scenario.h"
#include "sim.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SCHEMA(w, a) { .what = (w), .fields = (a), .nfields = ARRAY_SIZE(a) }
#define F(k, t, fl, h) { .key = (k), .type = (t), .flags = (fl), .help = (h) }
#define FREF(k, r, fl, h) \
	{ .key = (k), .type = SCN_FT_REF, .flags = (fl), .ref = (r), .help = (h) }
#define FENUM(k, v, fl, h) \
	{ .key = (k), .type = SCN_FT_ENUM, .flags = (fl), .values = (v), .help = (h) }
#define FSUB(k, t, s, fl, h) \
	{ .key = (k), .type = (t), .flags = (fl), .sub = (s), .help = (h) }
#define REQ SCN_F_REQ

/* Caps (contract section 2 leaves them to us; docs/scenario.md lists them). */
#define LD_MAX_FILE	(4u << 20)
#define LD_MAX_DEPTH	32
#define LD_MAX_ALIASES	100
#define LD_MAX_VISITS	1000000u
#define LD_MAX_STEPS	100000u
#define LD_MAX_STR	4096u
#define LD_MAX_NAME	64u
#define LD_DEF_CLOCK	2000
#define LD_DEF_ARCH	"tdx"
#define LD_F_INNER	0x100u	/* private flag: a nested constraint map */

/* Name spaces of the symbol table. */
enum ld_ns {
	NS_DEVICE,
	NS_GUEST,
	NS_DMABUF,
	NS_MAPPING,
	NS_IOMMUFD,	/* IOAS, HWPT, vIOMMU, vDEVICE: one iommufd ID space */
	NS_AREA,
	NS_LABEL,
	NS_TRAFFIC,
	NS_NR
};

struct ld_sym {
	const char *name;	/* borrowed from the document */
	enum ld_ns ns;
	enum scn_ref kind;
	int step;		/* defining step, or -1 */
	struct scn_pos pos;
};

struct ld_symtab {
	struct ld_sym *v;	/* open addressing, power-of-two capacity */
	size_t cap, n;
};

struct ld_setpos {
	struct scn_pos pos;
	size_t set;
};

/* The loader's context: everything one scn_load() call needs. */
struct ld {
	const char *file;
	char *dir;		/* for arch profile paths */
	yaml_document_t doc;
	struct scenario *scn;
	struct scn_diags *diags;
	size_t diag0;		/* first diagnostic of this load */
	const struct scn_set *sets;
	struct ld_setpos *setpos;
	size_t nsetpos;
	unsigned char *dupkey;	/* per node: a later duplicate key */
	size_t nnodes;
	struct ld_symtab syms;
	uint64_t clock_mhz;
	bool in_steps;		/* references must be defined earlier */
	int step;		/* index of the step being validated */
};

/* ------------------------------------------------------------ memory */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	TSM_BUG_ON(!p);		/* out of memory: no sensible recovery */
	return p;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	TSM_BUG_ON(!p);
	return p;
}

static char *xstrdup(const char *s)
{
	return s ? strcpy(xrealloc(NULL, strlen(s) + 1), s) : NULL;
}

/* Grow an array that is only ever appended to: capacity is the next power of two. */
static void *grow(void *p, size_t n, size_t sz)
{
	size_t cap = 1;

	if (n && (n & (n - 1)))
		return p;
	while (cap <= n)
		cap <<= 1;
	return xrealloc(p, cap * sz);
}

/* ------------------------------------------------------- diagnostics */

static const char *set_suffix(struct ld *ld, struct scn_pos pos, char *buf,
			      size_t len)
{
	size_t i;

	buf[0] = 0;
	for (i = 0; i < ld->nsetpos; i++) {
		const struct scn_set *s = &ld->sets[ld->setpos[i].set];

		if (ld->setpos[i].pos.line == pos.line &&
		    ld->setpos[i].pos.col == pos.col) {
			if (!strcmp(s->path, SCN_SET_INJECT))
				snprintf(buf, len, " (from --inject %s)", s->value);
			else
				snprintf(buf, len, " (from --set %s=%s)",
					 s->path, s->value);
			break;
		}
	}
	return buf;
}

static void diag_push(struct scn_diags *d, const char *file,
		      struct scn_pos pos, char *msg)
{
	d->d = grow(d->d, d->n, sizeof(*d->d));
	d->d[d->n].file = xstrdup(file);
	d->d[d->n].pos = pos;
	d->d[d->n].msg = msg;
	d->n++;
}

static void __attribute__((format(printf, 3, 4)))
err(struct ld *ld, struct scn_pos pos, const char *fmt, ...)
{
	char *msg, *full, sfx[512];
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	TSM_BUG_ON(!msg);
	set_suffix(ld, pos, sfx, sizeof(sfx));
	if (sfx[0]) {
		TSM_BUG_ON(asprintf(&full, "%s%s", msg, sfx) < 0);
		free(msg);
		msg = full;
	}
	diag_push(ld->diags, ld->file, pos, msg);
}

static int diag_cmp(const void *a, const void *b)
{
	const struct scn_diag *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	/* stable: the message pointer order is not; fall back to text */
	return strcmp(x->msg, y->msg);
}

/* Sort this load's diagnostics by position and drop exact repeats (aliases). */
static void diags_finish(struct ld *ld)
{
	struct scn_diags *d = ld->diags;
	struct scn_diag *v = d->d + ld->diag0;
	size_t n = d->n - ld->diag0, i, o = 0;

	if (!n)
		return;
	qsort(v, n, sizeof(*v), diag_cmp);
	for (i = 0; i < n; i++) {
		if (o && !diag_cmp(&v[o - 1], &v[i])) {
			free(v[i].file);
			free(v[i].msg);
			continue;
		}
		v[o++] = v[i];
	}
	d->n = ld->diag0 + o;
}

void scn_diags_print(const struct scn_diags *d, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->d[i].pos.line)
			fprintf(f, "%s:%u:%u: error: %s\n", d->d[i].file,
				d->d[i].pos.line, d->d[i].pos.col,
				d->d[i].msg);
		else
			fprintf(f, "%s: error: %s\n", d->d[i].file,
				d->d[i].msg);
	}
}

void scn_diags_free(struct scn_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->d[i].file);
		free(d->d[i].msg);
	}
	free(d->d);
	d->d = NULL;
	d->n = 0;
}

/* ------------------------------------------------------ did you mean */

struct ld_guess {
	const char *word;
	const char *best;
	unsigned int dist;
};

static unsigned int edit_distance(const char *a, const char *b)
{
	unsigned int row[LD_MAX_NAME + 1], i, j, la = strlen(a), lb = strlen(b);

	if (la > LD_MAX_NAME || lb > LD_MAX_NAME)
		return ~0u;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = row[0], up;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static void guess_try(struct ld_guess *g, const char *cand)
{
	unsigned int d = edit_distance(g->word, cand);
	unsigned int len = strlen(g->word);
	unsigned int max = len / 3 > 1 ? len / 3 : 1;

	if (max > 3)
		max = 3;
	if (d && d <= max && (!g->best || d < g->dist)) {
		g->best = cand;
		g->dist = d;
	}
}

static void guess_list(struct ld_guess *g, const char *const *list)
{
	for (; list && *list; list++)
		guess_try(g, *list);
}

/* " (did you mean 'x'?)" or "" */
static const char *guess_str(const struct ld_guess *g, char *buf, size_t len)
{
	buf[0] = 0;
	if (g->best)
		snprintf(buf, len, " (did you mean '%s'?)", g->best);
	return buf;
}

/* ----------------------------------------------------- symbol table */

static uint64_t sym_hash(enum ld_ns ns, const char *s)
{
	uint64_t h = 1469598103934665603ull ^ ns;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct ld_sym *sym_slot(struct ld_symtab *t, enum ld_ns ns,
			       const char *name)
{
	size_t i = sym_hash(ns, name) & (t->cap - 1);

	while (t->v[i].name &&
	       (t->v[i].ns != ns || strcmp(t->v[i].name, name)))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static const struct ld_sym *sym_find(struct ld *ld, enum ld_ns ns,
				     const char *name)
{
	struct ld_sym *s;

	if (!ld->syms.cap)
		return NULL;
	s = sym_slot(&ld->syms, ns, name);
	return s->name ? s : NULL;
}

static void sym_add(struct ld *ld, enum ld_ns ns, enum scn_ref kind,
		    const char *name, struct scn_pos pos)
{
	struct ld_symtab *t = &ld->syms;
	struct ld_sym *s;
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct ld_symtab nt = { .cap = t->cap ? 2 * t->cap : 64 };

		nt.v = xcalloc(nt.cap, sizeof(*nt.v));
		for (i = 0; i < t->cap; i++)
			if (t->v[i].name)
				*sym_slot(&nt, t->v[i].ns, t->v[i].name) =
					t->v[i];
		nt.n = t->n;
		free(t->v);
		*t = nt;
	}
	s = sym_slot(t, ns, name);
	if (s->name)
		return;
	*s = (struct ld_sym){ name, ns, kind, ld->step, pos };
	t->n++;
}

static void guess_syms(struct ld *ld, struct ld_guess *g, enum ld_ns ns)
{
	size_t i;

	for (i = 0; i < ld->syms.cap; i++)
		if (ld->syms.v[i].name && ld->syms.v[i].ns == ns)
			guess_try(g, ld->syms.v[i].name);
}

/* ------------------------------------------------------- node access */

static yaml_node_t *nd(struct ld *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

static struct scn_pos mark_pos(yaml_mark_t m)
{
	return (struct scn_pos){ (unsigned int)m.line + 1,
				 (unsigned int)m.column + 1 };
}

static struct scn_pos npos(struct ld *ld, int i)
{
	return mark_pos(nd(ld, i)->start_mark);
}

static const char *sval(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL",
					     NULL };

	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       scn_name_index(nulls, (const char *)n->data.scalar.value) >= 0;
}

static const char *shape(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	return is_null(n) ? "null" : "a scalar";
}

/* The text of scalar @i, or NULL after "expected @what, got ...". */
static const char *scalar(struct ld *ld, int i, const char *what)
{
	yaml_node_t *n = nd(ld, i);

	if (n->type != YAML_SCALAR_NODE || is_null(n)) {
		err(ld, npos(ld, i), "expected %s, got %s", what, shape(n));
		return NULL;
	}
	return sval(n);
}

static bool want(struct ld *ld, int i, yaml_node_type_t t, const char *what)
{
	yaml_node_t *n = nd(ld, i);

	if (n->type == t)
		return true;
	err(ld, npos(ld, i), "%s must be %s, got %s", what,
	    t == YAML_MAPPING_NODE ? "a mapping" : "a list", shape(n));
	return false;
}

/* Pairs of a mapping, skipping later duplicates (already reported). */
#define for_each_pair(ld, map, p)                                          \
	for (p = nd(ld, map)->data.mapping.pairs.start;                    \
	     p < nd(ld, map)->data.mapping.pairs.top; p++)                 \
		if (!(ld)->dupkey[p->key])

#define for_each_item(ld, seq, it)                                         \
	for (it = nd(ld, seq)->data.sequence.items.start;                  \
	     it < nd(ld, seq)->data.sequence.items.top; it++)

static const char *pkey(struct ld *ld, const yaml_node_pair_t *p)
{
	return sval(nd(ld, p->key));
}

/* The value node of @key in mapping @map, or 0. */
static int map_lookup(struct ld *ld, int map, const char *key)
{
	yaml_node_pair_t *p;

	if (nd(ld, map)->type != YAML_MAPPING_NODE)
		return 0;
	for_each_pair(ld, map, p)
		if (!strcmp(pkey(ld, p), key))
			return p->value;
	return 0;
}

static bool map_has_key(struct ld *ld, int map, const char *key)
{
	return map_lookup(ld, map, key) != 0;
}

/* ------------------------------------------------------ scn_value */

static void value_free(struct scn_value *v)
{
	size_t i;

	if (!v)
		return;
	free(v->str);
	for (i = 0; v->type == SCN_LIST && i < v->n; i++)
		value_free(&v->items[i]);
	for (i = 0; v->type == SCN_MAP && i < v->n; i++) {
		free(v->fields[i].key);
		value_free(&v->fields[i].v);
	}
	free(v->items);
	free(v->fields);
	memset(v, 0, sizeof(*v));
}

static struct scn_value *map_add(struct scn_value *m, const char *key,
				 struct scn_pos pos)
{
	struct scn_field *f;

	m->fields = grow(m->fields, m->n, sizeof(*m->fields));
	f = &m->fields[m->n++];
	memset(f, 0, sizeof(*f));
	f->key = xstrdup(key);
	f->pos = pos;
	return &f->v;
}

static struct scn_value *list_add(struct scn_value *l)
{
	struct scn_value *v;

	l->items = grow(l->items, l->n, sizeof(*l->items));
	v = &l->items[l->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

const struct scn_value *scn_get(const struct scn_value *map, const char *key)
{
	size_t i;

	if (!map || map->type != SCN_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->fields[i].key, key))
			return &map->fields[i].v;
	return NULL;
}

bool scn_has(const struct scn_value *map, const char *key)
{
	return scn_get(map, key) != NULL;
}

const char *scn_get_str(const struct scn_value *map, const char *key,
			const char *def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_STR ? v->str : def;
}

uint64_t scn_get_u64(const struct scn_value *map, const char *key,
		     uint64_t def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_U64 ? v->u : def;
}

bool scn_get_bool(const struct scn_value *map, const char *key, bool def)
{
	const struct scn_value *v = scn_get(map, key);

	return v && v->type == SCN_BOOL ? v->b : def;
}

static struct scn_pos vpos(const struct scn_value *map, const char *key,
			   struct scn_pos def)
{
	const struct scn_value *v = scn_get(map, key);

	return v ? v->pos : def;
}

/* ------------------------------------------------------------- units */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char **pp, uint64_t *v, unsigned int *nd,
		  const char **why)
{
	const char *p = *pp;

	for (; is_digit(*p); p++, (*nd)++) {
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
	if (!is_digit(**pp)) {
		*why = "not a number";
		return -EINVAL;
	}
	if (digits(pp, m, &n, why))
		return -EINVAL;
	if (**pp != '.')
		return 0;
	(*pp)++;
	if (!is_digit(**pp)) {
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
		if (!is_digit(*p) || digits(&p, &e, &ne, why) || e > 40) {
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
		int d = is_digit(*p) ? *p - '0' :
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

/* ---------------------------------------------------- names and refs */

/* [a-z0-9] plus @extra, 1..64 characters */
static bool name_ok(const char *s, const char *extra)
{
	size_t n = strlen(s), i;

	if (!n || n > LD_MAX_NAME)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) ||
		      strchr(extra, s[i])))
			return false;
	return true;
}

static const char *check_name(struct ld *ld, int i, const char *what,
			      const char *extra)
{
	const char *s = scalar(ld, i, what);

	if (s && !name_ok(s, extra)) {
		err(ld, npos(ld, i),
		    "invalid %s '%.80s': use [a-z0-9%s], at most %u characters",
		    what, s, extra, LD_MAX_NAME);
		return NULL;
	}
	return s;
}

static enum ld_ns ref_ns(enum scn_ref r)
{
	static const enum ld_ns ns[SCN_REF_NR] = {
		[SCN_REF_DEVICE] = NS_DEVICE, [SCN_REF_GUEST] = NS_GUEST,
		[SCN_REF_DMABUF] = NS_DMABUF, [SCN_REF_MAPPING] = NS_MAPPING,
		[SCN_REF_IOAS] = NS_IOMMUFD, [SCN_REF_HWPT] = NS_IOMMUFD,
		[SCN_REF_IOAS_HWPT] = NS_IOMMUFD, [SCN_REF_VIOMMU] = NS_IOMMUFD,
		[SCN_REF_VDEVICE] = NS_IOMMUFD, [SCN_REF_OBJECT] = NS_IOMMUFD,
		[SCN_REF_AREA] = NS_AREA, [SCN_REF_LABEL] = NS_LABEL,
	};

	return ns[r];
}

/* The op whose step creates names of kind @r, for messages. */
static const char *ref_creator(enum scn_ref r)
{
	static const char *const op[SCN_REF_NR] = {
		[SCN_REF_DMABUF] = "vfio.dmabuf", [SCN_REF_MAPPING] = "vfio.mmap",
		[SCN_REF_IOAS] = "iommufd.ioas", [SCN_REF_HWPT] = "iommufd.hwpt",
		[SCN_REF_IOAS_HWPT] = "iommufd.ioas or iommufd.hwpt",
		[SCN_REF_VIOMMU] = "iommufd.viommu",
		[SCN_REF_VDEVICE] = "iommufd.vdevice",
		[SCN_REF_OBJECT] = "iommufd", [SCN_REF_AREA] = "iommufd.map",
	};

	return op[r];
}

static bool ref_kind_ok(enum scn_ref want, enum scn_ref have)
{
	if (want == have || want == SCN_REF_OBJECT)
		return true;
	return want == SCN_REF_IOAS_HWPT &&
	       (have == SCN_REF_IOAS || have == SCN_REF_HWPT);
}

static void ref_missing(struct ld *ld, struct scn_pos pos, enum scn_ref r,
			const char *name)
{
	struct ld_guess g = { .word = name };
	char sug[96];

	guess_syms(ld, &g, ref_ns(r));
	guess_str(&g, sug, sizeof(sug));
	if (!ref_creator(r))
		err(ld, pos, "unknown %s '%s'%s", scn_ref_name(r), name, sug);
	else
		err(ld, pos, "%s '%s' is not created by any %s%s step%s",
		    scn_ref_name(r), name, ld->in_steps ? "earlier " : "",
		    ref_creator(r), sug);
}

/* Resolve @name as a reference of kind @r; reports and returns false. */
static bool ref_check(struct ld *ld, struct scn_pos pos, enum scn_ref r,
		      const char *name)
{
	const struct ld_sym *s = sym_find(ld, ref_ns(r), name);

	if (!s) {
		ref_missing(ld, pos, r, name);
		return false;
	}
	if (!ref_kind_ok(r, s->kind)) {
		err(ld, pos, "'%s' is %s %s (created at %u:%u), not %s %s",
		    name, s->kind == SCN_REF_IOAS ? "an" : "a",
		    scn_ref_name(s->kind), s->pos.line, s->pos.col,
		    r == SCN_REF_IOAS ? "an" : "a", scn_ref_name(r));
		return false;
	}
	return true;
}

/* kvm | kvm:GUEST | iommufd | iommufd:OBJECT */
static bool importer_check(struct ld *ld, struct scn_pos pos, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 3 && !strncmp(s, "kvm", 3))
		return !colon || ref_check(ld, pos, SCN_REF_GUEST, colon + 1);
	if (n == 7 && !strncmp(s, "iommufd", 7))
		return !colon || ref_check(ld, pos, SCN_REF_OBJECT, colon + 1);
	err(ld, pos, "bad importer '%s': expected kvm, kvm:GUEST, iommufd or iommufd:IOAS",
	    s);
	return false;
}

/* A step result name of contract section 7. */
static bool result_known(const char *name)
{
	return sim_result_parse(name) >= 0 || !strcmp(name, "completed") ||
	       scn_name_index(scn_errno_names, name) >= 0 ||
	       scn_name_index(scn_tdisp_error_names, name) >= 0 ||
	       arch_result_known(name);
}

/* ------------------------------------------------- field conversion */

typedef bool ld_conv_fn(struct ld *ld, int node, const struct scn_field_desc *fd,
			struct scn_value *out);

static bool check_map(struct ld *ld, int node, const struct scn_schema *sch,
		      const char *const *extra, const char *where,
		      struct scn_value *out);

static void set_scalar(struct scn_value *out, enum scn_type t, const char *raw)
{
	out->type = t;
	out->str = xstrdup(raw);
}

static bool conv_string(struct ld *ld, int node, const struct scn_field_desc *fd,
			struct scn_value *out)
{
	const char *s = scalar(ld, node, "a string");

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_name(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = check_name(ld, node, "name", "_-");

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_define(struct ld *ld, int node,
			const struct scn_field_desc *fd, struct scn_value *out)
{
	const char *s = check_name(ld, node, "name", "_-");
	const struct ld_sym *old;

	if (!s)
		return false;
	old = sym_find(ld, ref_ns(fd->ref), s);
	if (old) {
		err(ld, npos(ld, node), "%s '%s' is already created at %u:%u",
		    scn_ref_name(old->kind), s, old->pos.line, old->pos.col);
		return false;
	}
	set_scalar(out, SCN_STR, s);
	return true;
}

static bool conv_ref(struct ld *ld, int node, const struct scn_field_desc *fd,
		     struct scn_value *out)
{
	const char *s = scalar(ld, node, "a name");

	if (!s)
		return false;
	if (fd->ref == SCN_REF_IMPORTER ? !importer_check(ld, npos(ld, node), s) :
	    !ref_check(ld, npos(ld, node), fd->ref, s))
		return false;
	set_scalar(out, SCN_STR, s);
	return true;
}

static bool conv_bool(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = scalar(ld, node, "a boolean (true or false)");

	if (!s)
		return false;
	if (strcmp(s, "true") && strcmp(s, "false")) {
		err(ld, npos(ld, node),
		    "expected a boolean (true or false), got '%.80s'", s);
		return false;
	}
	set_scalar(out, SCN_BOOL, s);
	out->b = s[0] == 't';
	return true;
}

/* count, size, address, duration, page size, BAR: all become SCN_U64 */
static bool conv_number(struct ld *ld, int node, const struct scn_field_desc *fd,
			struct scn_value *out)
{
	static const char *const what[SCN_FT_NR] = {
		[SCN_FT_COUNT] = "a count", [SCN_FT_SIZE] = "a size",
		[SCN_FT_ADDR] = "an address", [SCN_FT_DURATION] = "a duration",
		[SCN_FT_PAGE_SIZE] = "a page size (4KiB, 2MiB or 1GiB)",
		[SCN_FT_BAR] = "a BAR index (0..5)",
	};
	const char *s = scalar(ld, node, what[fd->type]), *why = "";
	uint64_t v = 0;
	int rc;

	if (!s)
		return false;
	switch (fd->type) {
	case SCN_FT_DURATION:
		rc = scn_parse_duration(s, ld->clock_mhz, &v, &why);
		break;
	case SCN_FT_COUNT:
	case SCN_FT_BAR:
		rc = scn_parse_count(s, &v, &why);
		break;
	default:
		rc = scn_parse_size(s, &v, &why);
		break;
	}
	if (!rc && fd->type == SCN_FT_BAR && v >= SCN_MAX_BARS)
		rc = -EINVAL, why = "out of range";
	if (!rc && fd->type == SCN_FT_PAGE_SIZE &&
	    v != 4096 && v != (2u << 20) && v != (1u << 30))
		rc = -EINVAL, why = "the page sizes are 4KiB, 2MiB and 1GiB";
	if (rc) {
		err(ld, npos(ld, node), "expected %s, got '%.80s': %s",
		    what[fd->type], s, why);
		return false;
	}
	set_scalar(out, SCN_U64, s);
	out->u = v;
	return true;
}

static void join(char *buf, size_t len, const char *const *list)
{
	size_t o = 0;

	buf[0] = 0;
	for (; *list && o < len; list++)
		o += snprintf(buf + o, len - o, "%s%s", o ? ", " : "", *list);
}

/* One of @list (normalised to the list's spelling), or a diagnostic. */
static const char *one_of(struct ld *ld, int node, const char *what,
			  const char *const *list)
{
	const char *s = scalar(ld, node, what);
	struct ld_guess g;
	char all[512], sug[96];

	if (!s)
		return NULL;
	if (scn_name_index(list, s) >= 0)
		return s;
	g = (struct ld_guess){ .word = s };
	guess_list(&g, list);
	join(all, sizeof(all), list);
	err(ld, npos(ld, node), "unknown %s '%.80s' (expected one of: %s)%s",
	    what, s, all, guess_str(&g, sug, sizeof(sug)));
	return NULL;
}

static bool conv_enum(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = one_of(ld, node, fd->key, fd->values);

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_tdisp_req(struct ld *ld, int node,
			   const struct scn_field_desc *fd,
			   struct scn_value *out)
{
	const char *s = scalar(ld, node, "a TDISP request name");
	size_t n;
	char buf[128];

	if (!s)
		return false;
	n = strlen(s);
	snprintf(buf, sizeof(buf), "%s", s);
	if (n > 8 && n < sizeof(buf) && !strcmp(s + n - 8, "_REQUEST"))
		buf[n - 8] = 0;
	if (scn_name_index(scn_tdisp_request_names, buf) < 0) {
		struct ld_guess g = { .word = buf };
		char sug[96];

		guess_list(&g, scn_tdisp_request_names);
		err(ld, npos(ld, node), "unknown TDISP request '%.80s'%s", s,
		    guess_str(&g, sug, sizeof(sug)));
		return false;
	}
	set_scalar(out, SCN_STR, buf);
	return true;
}

static bool conv_list_of(struct ld *ld, int node, const char *what,
			 const char *const *list, struct scn_value *out)
{
	const char *s = one_of(ld, node, what, list);

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_tdisp_err(struct ld *ld, int node,
			   const struct scn_field_desc *fd,
			   struct scn_value *out)
{
	return conv_list_of(ld, node, "TDISP error", scn_tdisp_error_names,
			    out);
}

static bool conv_tdisp_state(struct ld *ld, int node,
			     const struct scn_field_desc *fd,
			     struct scn_value *out)
{
	return conv_list_of(ld, node, "TDISP state", scn_tdisp_state_names,
			    out);
}

/* A count constraint: SCN_STR of the canonical text, u = N. */
static bool conv_constraint(struct ld *ld, int node,
			    const struct scn_field_desc *fd,
			    struct scn_value *out)
{
	const char *s = scalar(ld, node, "a count constraint"), *why = "";
	struct scn_count c;
	char buf[64];

	if (!s)
		return false;
	if (scn_count_parse(s, &c, &why)) {
		err(ld, npos(ld, node), "bad count constraint '%.80s': %s", s,
		    why);
		return false;
	}
	set_scalar(out, SCN_STR, scn_count_str(&c, buf, sizeof(buf)));
	out->u = c.n;
	return true;
}

static bool free_key_ok(struct ld *ld, const yaml_node_pair_t *p)
{
	const char *k = pkey(ld, p);
	size_t i;

	for (i = 0; k[i]; i++)
		if (!(is_digit(k[i]) || strchr("_.-", k[i]) ||
		      (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= 'A' && k[i] <= 'Z')))
			break;
	if (i && !k[i] && i <= LD_MAX_NAME)
		return true;
	err(ld, npos(ld, p->key), "invalid field name '%.80s'", k);
	return false;
}

/* {NAME: constraint} with one level of {NAME: {NAME: constraint}} */
static bool conv_constraint_map(struct ld *ld, int node,
				const struct scn_field_desc *fd,
				struct scn_value *out)
{
	static const struct scn_field_desc inner = {
		.key = "", .type = SCN_FT_CONSTRAINT_MAP, .flags = LD_F_INNER,
	};
	yaml_node_pair_t *p;
	bool ok = true;

	if (!want(ld, node, YAML_MAPPING_NODE, fd->key))
		return false;
	out->type = SCN_MAP;
	for_each_pair(ld, node, p) {
		struct scn_value *v;

		if (!free_key_ok(ld, p)) {
			ok = false;
			continue;
		}
		v = map_add(out, pkey(ld, p), npos(ld, p->key));
		v->pos = npos(ld, p->value);
		if (nd(ld, p->value)->type == YAML_MAPPING_NODE &&
		    !(fd->flags & LD_F_INNER))
			ok &= conv_constraint_map(ld, p->value, &inner, v);
		else
			ok &= conv_constraint(ld, p->value, fd, v);
	}
	return ok;
}

static bool conv_state_map(struct ld *ld, int node,
			   const struct scn_field_desc *fd,
			   struct scn_value *out)
{
	yaml_node_pair_t *p;
	bool ok = true;

	if (!want(ld, node, YAML_MAPPING_NODE, fd->key))
		return false;
	out->type = SCN_MAP;
	for_each_pair(ld, node, p) {
		struct scn_value *v;

		if (!ref_check(ld, npos(ld, p->key), SCN_REF_DEVICE,
			       pkey(ld, p))) {
			ok = false;
			continue;
		}
		v = map_add(out, pkey(ld, p), npos(ld, p->key));
		v->pos = npos(ld, p->value);
		ok &= conv_tdisp_state(ld, p->value, fd, v);
	}
	return ok;
}

static bool conv_results(struct ld *ld, int node,
			 const struct scn_field_desc *fd, struct scn_value *out)
{
	static const char *const res[] = { "ok", "retried", "fault", "ur",
					   "mce", "host-fault", "stuck", NULL };
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(ld, node, YAML_SEQUENCE_NODE, fd->key))
		return false;
	out->type = SCN_LIST;
	for_each_item(ld, node, it) {
		struct scn_value *v = list_add(out);

		v->pos = npos(ld, *it);
		ok &= conv_list_of(ld, *it, "access result", res, v);
	}
	return ok;
}

static bool conv_map(struct ld *ld, int node, const struct scn_field_desc *fd,
		     struct scn_value *out)
{
	return check_map(ld, node, fd->sub, NULL, fd->sub->what, out);
}

static bool conv_target(struct ld *ld, int node,
			const struct scn_field_desc *fd, struct scn_value *out)
{
	yaml_node_t *n = nd(ld, node);

	if (n->type == YAML_SCALAR_NODE && !strcmp(sval(n), "none")) {
		set_scalar(out, SCN_STR, "none");
		return true;
	}
	if (n->type != YAML_MAPPING_NODE) {
		err(ld, npos(ld, node), "expected none or a mapping, got %s",
		    n->type == YAML_SCALAR_NODE ? "a scalar" : shape(n));
		return false;
	}
	return conv_map(ld, node, fd, out);
}

static bool conv_list(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(ld, node, YAML_SEQUENCE_NODE, fd->key))
		return false;
	out->type = SCN_LIST;
	for_each_item(ld, node, it) {
		struct scn_value *v = list_add(out);

		v->pos = npos(ld, *it);
		ok &= check_map(ld, *it, fd->sub, NULL, fd->sub->what, v);
	}
	return ok;
}

static ld_conv_fn *const conv_tab[SCN_FT_NR] = {
	[SCN_FT_STRING] = conv_string,
	[SCN_FT_NAME] = conv_name,
	[SCN_FT_DEFINE] = conv_define,
	[SCN_FT_REF] = conv_ref,
	[SCN_FT_BOOL] = conv_bool,
	[SCN_FT_COUNT] = conv_number,
	[SCN_FT_SIZE] = conv_number,
	[SCN_FT_ADDR] = conv_number,
	[SCN_FT_DURATION] = conv_number,
	[SCN_FT_ENUM] = conv_enum,
	[SCN_FT_PAGE_SIZE] = conv_number,
	[SCN_FT_BAR] = conv_number,
	[SCN_FT_TDISP_REQ] = conv_tdisp_req,
	[SCN_FT_TDISP_ERR] = conv_tdisp_err,
	[SCN_FT_TDISP_STATE] = conv_tdisp_state,
	[SCN_FT_CONSTRAINT] = conv_constraint,
	[SCN_FT_CONSTRAINT_MAP] = conv_constraint_map,
	[SCN_FT_STATE_MAP] = conv_state_map,
	[SCN_FT_RESULTS] = conv_results,
	[SCN_FT_TARGET] = conv_target,
	[SCN_FT_MAP] = conv_map,
	[SCN_FT_LIST] = conv_list,
};

static const struct scn_field_desc *field_find(const struct scn_schema *sch,
					       const char *key)
{
	size_t i;

	for (i = 0; sch && i < sch->nfields; i++)
		if (!strcmp(sch->fields[i].key, key))
			return &sch->fields[i];
	return NULL;
}

static void unknown_key(struct ld *ld, int key, const struct scn_schema *sch,
			const char *const *extra, const char *where)
{
	struct ld_guess g = { .word = sval(nd(ld, key)) };
	char sug[96];
	size_t i;

	for (i = 0; sch && i < sch->nfields; i++)
		guess_try(&g, sch->fields[i].key);
	guess_list(&g, extra);
	err(ld, npos(ld, key), "unknown key '%.80s' in %s%s", g.word, where,
	    guess_str(&g, sug, sizeof(sug)));
}

/*
 * Check map @node against @sch: every key known (keys in @extra are the
 * caller's and skipped), every required key present, every value of its
 * type.  Converted values go to @out (SCN_MAP).  Returns false on errors.
 */
static bool check_map(struct ld *ld, int node, const struct scn_schema *sch,
		      const char *const *extra, const char *where,
		      struct scn_value *out)
{
	yaml_node_pair_t *p;
	bool ok = true;
	size_t i;

	if (!want(ld, node, YAML_MAPPING_NODE, where))
		return false;
	out->type = SCN_MAP;
	out->pos = npos(ld, node);
	for_each_pair(ld, node, p) {
		const struct scn_field_desc *fd = field_find(sch, pkey(ld, p));
		struct scn_value *v;

		if (!fd) {
			if (!extra || scn_name_index(extra, pkey(ld, p)) < 0) {
				unknown_key(ld, p->key, sch, extra, where);
				ok = false;
			}
			continue;
		}
		v = map_add(out, fd->key, npos(ld, p->key));
		v->pos = npos(ld, p->value);
		if ((fd->flags & SCN_F_NULL) && is_null(nd(ld, p->value)))
			continue;
		/*
		 * A failed value stays as SCN_NULL (or a partial map/list):
		 * the key is still "there", so cross-field rules do not
		 * report it missing on top of the real error.
		 */
		ok &= conv_tab[fd->type](ld, p->value, fd, v);
	}
	for (i = 0; sch && i < sch->nfields; i++) {
		const struct scn_field_desc *fd = &sch->fields[i];

		if ((fd->flags & SCN_F_REQ) && !map_has_key(ld, node, fd->key)) {
			err(ld, out->pos, "missing key '%s' in %s", fd->key,
			    where);
			ok = false;
		}
	}
	return ok;
}

/* -------------------------------------------------------------- caps */

struct ld_walk {
	size_t visits, aliases;
	unsigned char *seen;
	bool stop;
};

static bool tag_ok(const yaml_node_t *n)
{
	const char *t = (const char *)n->tag;

	if (!t)
		return true;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return !strcmp(t, YAML_DEFAULT_SCALAR_TAG);
	case YAML_SEQUENCE_NODE:
		return !strcmp(t, YAML_DEFAULT_SEQUENCE_TAG);
	default:
		return !strcmp(t, YAML_DEFAULT_MAPPING_TAG);
	}
}

static int key_cmp(const void *a, const void *b, void *arg)
{
	struct ld *ld = arg;
	const yaml_node_pair_t *x = a, *y = b;
	int c = strcmp(pkey(ld, x), pkey(ld, y));

	return c ? c : (x < y ? -1 : 1);
}

/* Mark non-scalar and duplicate keys; for_each_pair skips them. */
static void check_keys(struct ld *ld, int map)
{
	yaml_node_t *n = nd(ld, map);
	size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	yaml_node_pair_t *v = xcalloc(np, sizeof(*v)), *p;
	size_t i, m = 0;

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		if (nd(ld, p->key)->type != YAML_SCALAR_NODE) {
			err(ld, npos(ld, p->key), "mapping keys must be scalars");
			ld->dupkey[p->key] = 1;
			continue;
		}
		v[m++] = *p;
	}
	/* pairs are stored in file order: sort copies, keep ties stable */
	qsort_r(v, m, sizeof(*v), key_cmp, ld);
	for (i = 1; i < m; i++) {
		size_t first = i - 1;

		while (first && !strcmp(pkey(ld, &v[first - 1]), pkey(ld, &v[i])))
			first--;
		if (strcmp(pkey(ld, &v[first]), pkey(ld, &v[i])))
			continue;
		err(ld, npos(ld, v[i].key), "duplicate key '%.80s' (first at %u:%u)",
		    pkey(ld, &v[i]), npos(ld, v[first].key).line,
		    npos(ld, v[first].key).col);
		ld->dupkey[v[i].key] = 1;
	}
	free(v);
}

static void check_node_once(struct ld *ld, int i)
{
	yaml_node_t *n = nd(ld, i);

	if (!tag_ok(n))
		err(ld, npos(ld, i), "YAML tag '%.80s' is not supported",
		    (const char *)n->tag);
	if (n->type == YAML_SCALAR_NODE) {
		if (n->data.scalar.length > LD_MAX_STR)
			err(ld, npos(ld, i), "string longer than %u bytes",
			    LD_MAX_STR);
		else if (strlen(sval(n)) != n->data.scalar.length)
			err(ld, npos(ld, i), "string contains a NUL byte");
	}
	if (n->type == YAML_MAPPING_NODE)
		check_keys(ld, i);
}

/*
 * Visit @i and below.  A node reached a second time outside an already
 * shared subtree is one alias use; every visit counts towards the
 * expansion cap, so shared subtrees cost what expanding them would.
 */
static void walk(struct ld *ld, struct ld_walk *w, int i, unsigned int depth,
		 bool shared)
{
	yaml_node_t *n = nd(ld, i);
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	if (w->stop)
		return;
	if (w->seen[i] && !shared)
		w->aliases++;
	if (depth > LD_MAX_DEPTH || ++w->visits > LD_MAX_VISITS ||
	    w->aliases > LD_MAX_ALIASES) {
		err(ld, npos(ld, i), depth > LD_MAX_DEPTH ?
		    "nesting deeper than 32 levels (or a recursive alias)" :
		    w->visits > LD_MAX_VISITS ?
		    "the document expands to more than 1000000 nodes" :
		    "more than 100 alias uses");
		w->stop = true;
		return;
	}
	if (!w->seen[i])
		check_node_once(ld, i);
	shared |= w->seen[i];
	w->seen[i] = 1;
	if (n->type == YAML_SEQUENCE_NODE)
		for (it = n->data.sequence.items.start;
		     it < nd(ld, i)->data.sequence.items.top; it++)
			walk(ld, w, *it, depth + 1, shared);
	if (n->type == YAML_MAPPING_NODE)
		for (p = n->data.mapping.pairs.start;
		     p < nd(ld, i)->data.mapping.pairs.top; p++) {
			walk(ld, w, p->key, depth + 1, shared);
			walk(ld, w, p->value, depth + 1, shared);
		}
}

/* Returns false when a cap was hit: the document is not validated further. */
static bool check_caps(struct ld *ld)
{
	struct ld_walk w = { 0 };

	ld->nnodes = (size_t)(ld->doc.nodes.top - ld->doc.nodes.start);
	ld->dupkey = xcalloc(ld->nnodes + 1, 1);
	w.seen = xcalloc(ld->nnodes + 1, 1);
	walk(ld, &w, 1, 1, false);
	free(w.seen);
	return !w.stop;
}

/* ------------------------------------------------------------- --set */

static void set_note(struct ld *ld, struct scn_pos pos, size_t si)
{
	ld->setpos = grow(ld->setpos, ld->nsetpos, sizeof(*ld->setpos));
	ld->setpos[ld->nsetpos++] = (struct ld_setpos){ pos, si };
}

static int new_scalar(struct ld *ld, const char *text, yaml_mark_t m)
{
	int i = yaml_document_add_scalar(&ld->doc, NULL,
					 (yaml_char_t *)text, -1,
					 YAML_PLAIN_SCALAR_STYLE);

	TSM_BUG_ON(!i);
	nd(ld, i)->start_mark = m;
	nd(ld, i)->end_mark = m;
	return i;
}

static bool seg_index(const char *seg, size_t *idx)
{
	char *end;

	if (!is_digit(seg[0]))
		return false;
	*idx = strtoul(seg, &end, 10);
	return !*end;
}

/* One path step from @cur through @seg; @last replaces or creates. */
static int set_step(struct ld *ld, size_t si, int cur, const char *seg,
		    bool last, const char *path)
{
	const struct scn_set *s = &ld->sets[si];
	yaml_node_t *n = nd(ld, cur);
	yaml_mark_t m = n->start_mark;
	yaml_node_pair_t *p;
	size_t idx, len;

	if (n->type == YAML_MAPPING_NODE) {
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = nd(ld, p->key);

			if (k->type != YAML_SCALAR_NODE || strcmp(sval(k), seg))
				continue;
			if (!last)
				return p->value;
			m = nd(ld, p->value)->start_mark;
			p->value = new_scalar(ld, s->value, m);
			set_note(ld, mark_pos(m), si);
			return p->value;
		}
		if (last) {
			int k = new_scalar(ld, seg, m), v = new_scalar(ld, s->value, m);

			TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, cur, k, v));
			set_note(ld, mark_pos(m), si);
			return v;
		}
		set_note(ld, mark_pos(m), si);
		err(ld, mark_pos(m), "no key '%s' under '%s'", seg, path);
		return 0;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		if (!seg_index(seg, &idx) || idx >= len) {
			set_note(ld, mark_pos(m), si);
			err(ld, mark_pos(m), "'%s' is not an index of '%s' (a list of %zu)",
			    seg, path, len);
			return 0;
		}
		if (!last)
			return n->data.sequence.items.start[idx];
		m = nd(ld, n->data.sequence.items.start[idx])->start_mark;
		n->data.sequence.items.start[idx] = new_scalar(ld, s->value, m);
		set_note(ld, mark_pos(m), si);
		return n->data.sequence.items.start[idx];
	}
	set_note(ld, mark_pos(m), si);
	err(ld, mark_pos(m), "'%s' is a scalar; it has no '%s'", path, seg);
	return 0;
}

/* The `faults` sequence of the root map, created when absent. */
static int faults_seq(struct ld *ld, yaml_mark_t m)
{
	yaml_node_t *root = nd(ld, 1);
	yaml_node_pair_t *p;
	int k, v;

	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = nd(ld, p->key);

		if (key->type == YAML_SCALAR_NODE && !strcmp(sval(key), "faults"))
			return nd(ld, p->value)->type == YAML_SEQUENCE_NODE ?
			       p->value : 0;
	}
	k = new_scalar(ld, "faults", m);
	v = yaml_document_add_sequence(&ld->doc, NULL, YAML_FLOW_SEQUENCE_STYLE);
	TSM_BUG_ON(!v);
	nd(ld, v)->start_mark = nd(ld, v)->end_mark = m;
	TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, 1, k, v));
	return v;
}

static void inject_pair(struct ld *ld, int map, const char *key,
			const char *val, yaml_mark_t m)
{
	int k = new_scalar(ld, key, m), v = new_scalar(ld, val, m);

	TSM_BUG_ON(!yaml_document_append_mapping_pair(&ld->doc, map, k, v));
}

/*
 * --inject KIND@POINT[,KEY=VALUE...] arrives as the set "faults+": it
 * appends one fault to `faults`, so it gets the same checks as the file.
 */
static void apply_inject(struct ld *ld, size_t si)
{
	yaml_mark_t m = nd(ld, 1)->start_mark;
	char *text = xstrdup(ld->sets[si].value), *at, *tok, *save = NULL;
	int seq, map;

	set_note(ld, mark_pos(m), si);
	at = strchr(text, '@');
	seq = faults_seq(ld, m);
	if (!at || at == text || !seq) {
		err(ld, mark_pos(m), seq ? "--inject wants KIND@POINT[,KEY=VALUE...]" :
		    "faults is not a list");
		free(text);
		return;
	}
	*at++ = 0;
	map = yaml_document_add_mapping(&ld->doc, NULL, YAML_FLOW_MAPPING_STYLE);
	TSM_BUG_ON(!map);
	nd(ld, map)->start_mark = nd(ld, map)->end_mark = m;
	inject_pair(ld, map, "kind", text, m);
	tok = strtok_r(at, ",", &save);
	inject_pair(ld, map, "at", tok ? tok : "", m);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			err(ld, mark_pos(m), "--inject parameter '%s' wants KEY=VALUE", tok);
			continue;
		}
		*eq = 0;
		inject_pair(ld, map, tok, eq + 1, m);
	}
	TSM_BUG_ON(!yaml_document_append_sequence_item(&ld->doc, seq, map));
	free(text);
}

static void apply_set(struct ld *ld, size_t si)
{
	char *path, *seg, *next, *done;
	int cur = 1;

	if (!strcmp(ld->sets[si].path, SCN_SET_INJECT)) {
		apply_inject(ld, si);
		return;
	}
	path = xstrdup(ld->sets[si].path);
	done = xcalloc(strlen(path) + 2, 1);

	for (seg = path; cur; seg = next) {
		next = strchr(seg, '.');
		if (next)
			*next++ = 0;
		if (!*seg) {
			struct scn_pos pos = { 1, 1 };

			set_note(ld, pos, si);
			err(ld, pos, "empty path segment");
			cur = 0;
			break;
		}
		cur = set_step(ld, si, cur, seg, !next, done[0] ? done : "(top)");
		if (done[0])
			strcat(done, ".");
		strcat(done, seg);
		if (!next)
			break;
	}
	free(path);
	free(done);
}

/* ---------------------------------------------------------- top level */

static bool get_num(struct ld *ld, int node, enum scn_ftype t, uint64_t *out)
{
	struct scn_field_desc fd = { .key = "", .type = t };
	struct scn_value v = { 0 };
	bool ok = conv_tab[t](ld, node, &fd, &v);

	*out = v.u;
	value_free(&v);
	return ok;
}

static void top_clock(struct ld *ld, int node)
{
	uint64_t v;

	if (!get_num(ld, node, SCN_FT_COUNT, &v))
		return;
	if (v < 1 || v > 100000) {
		err(ld, npos(ld, node), "clock_mhz must be 1..100000, got %llu",
		    (unsigned long long)v);
		return;
	}
	ld->clock_mhz = ld->scn->clock_mhz = v;
}

static void top_name(struct ld *ld, int node)
{
	const char *s = check_name(ld, node, "scenario name", "-");

	ld->scn->name = xstrdup(s);
}

static void top_description(struct ld *ld, int node)
{
	const char *s = scalar(ld, node, "a string");

	ld->scn->description = xstrdup(s);
}

static void top_seed(struct ld *ld, int node)
{
	uint64_t v;

	if (!get_num(ld, node, SCN_FT_COUNT, &v))
		return;
	if (!v)
		err(ld, npos(ld, node),
		    "seed must be >= 1 (0 is the fixed point of xorshift64*)");
	else
		ld->scn->seed = v;
}

static char *path_join(const char *dir, const char *name)
{
	char *p;

	TSM_BUG_ON(asprintf(&p, "%s/%s", dir, name) < 0);
	return p;
}

static bool is_profile_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml"));
}

static void arch_one(struct ld *ld, int node)
{
	static const char *const builtin[] = { "tdx", "sev", "cca", NULL };
	struct scenario *scn = ld->scn;
	const char *s = scalar(ld, node, "an arch name or profile path");
	char *path;
	size_t i;

	if (!s)
		return;
	if (is_profile_path(s)) {
		path = s[0] == '/' ? xstrdup(s) : path_join(ld->dir, s);
		if (access(path, R_OK)) {
			err(ld, npos(ld, node), "arch profile '%.200s' cannot be read: %s",
			    path, strerror(errno));
			free(path);
			return;
		}
	} else if (arch_id_parse(s) < 0) {
		one_of(ld, node, "arch", builtin);
		return;
	} else {
		path = xstrdup(s);
	}
	for (i = 0; i < scn->narches; i++)
		if (!strcmp(scn->arches[i], path))
			break;
	if (i < scn->narches || scn->narches == SCN_MAX_ARCHES) {
		err(ld, npos(ld, node), i < scn->narches ?
		    "arch '%s' is listed twice" : "more than 8 arches (at '%s')", s);
		free(path);
		return;
	}
	scn->arches[scn->narches++] = path;
}

static void top_arch(struct ld *ld, int node)
{
	yaml_node_item_t *it;

	ld->scn->arch_pos = npos(ld, node);
	if (nd(ld, node)->type != YAML_SEQUENCE_NODE) {
		arch_one(ld, node);
		return;
	}
	if (nd(ld, node)->data.sequence.items.top ==
	    nd(ld, node)->data.sequence.items.start)
		err(ld, npos(ld, node), "arch: the list is empty");
	for_each_item(ld, node, it)
		arch_one(ld, *it);
}

static void top_timing(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_pair_t *p;
	uint64_t v;

	if (!want(ld, node, YAML_MAPPING_NODE, "timing"))
		return;
	for_each_pair(ld, node, p) {
		const char *k = pkey(ld, p);

		if (arch_timing_find(k) < 0) {
			struct ld_guess g = { .word = k };
			char sug[96];
			int t;

			for (t = 0; t < AT_NR; t++)
				guess_try(&g, arch_timing_desc(t)->key);
			err(ld, npos(ld, p->key), "unknown timing key '%.80s'%s", k,
			    guess_str(&g, sug, sizeof(sug)));
			continue;
		}
		if (!get_num(ld, p->value, SCN_FT_DURATION, &v))
			continue;
		scn->timing = grow(scn->timing, scn->ntiming, sizeof(*scn->timing));
		scn->timing[scn->ntiming++] = (struct scn_timing){
			xstrdup(k), v, npos(ld, p->key) };
	}
}

static const struct scn_field_desc limits_f[] = {
	F("max_cycles", SCN_FT_DURATION, 0, "watchdog on simulated time"),
	F("max_events", SCN_FT_COUNT, 0, "watchdog on fired events"),
};
static const struct scn_schema limits_s = SCHEMA("limits", limits_f);

static void top_limits(struct ld *ld, int node)
{
	struct scn_value v = { 0 };

	check_map(ld, node, &limits_s, NULL, "limits", &v);
	ld->scn->max_cycles = scn_get_u64(&v, "max_cycles", 0);
	ld->scn->max_events = scn_get_u64(&v, "max_events", 0);
	value_free(&v);
}

/* ----------------------------------------------------------- platform */

static const struct scn_field_desc iommu_f[] = {
	F("iotlb_entries", SCN_FT_COUNT, 0, "IOTLB entries (default 64)"),
	F("iotlb_ways", SCN_FT_COUNT, 0, "ways (default: fully associative)"),
	F("levels", SCN_FT_COUNT, 0, "page-table levels 3..5 (default 4)"),
	F("page_size", SCN_FT_PAGE_SIZE, 0, "IOMMU page size (default 4KiB)"),
};
static const struct scn_schema iommu_s = SCHEMA("platform.iommu", iommu_f);

static const struct scn_field_desc bar_f[] = {
	F("index", SCN_FT_BAR, REQ, "BAR index 0..5"),
	F("size", SCN_FT_SIZE, REQ, "power of two >= 4KiB"),
	F("hpa", SCN_FT_ADDR, 0, "host physical address (default assigned)"),
	F("non_tee", SCN_FT_BOOL, 0, "reported IS_NON_TEE_MEM"),
	F("prefetch", SCN_FT_BOOL, 0, "prefetchable"),
};
static const struct scn_schema bar_s = SCHEMA("a BAR", bar_f);

static const struct scn_field_desc msix_f[] = {
	F("bar", SCN_FT_BAR, REQ, "BAR holding the table"),
	F("offset", SCN_FT_SIZE, 0, "offset in the BAR (default 0)"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
};
static const struct scn_schema msix_s = SCHEMA("msix", msix_f);

static const struct scn_field_desc device_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique device name"),
	F("bdf", SCN_FT_STRING, 0, "SSSS:BB:DD.F (default assigned)"),
	F("pf", SCN_FT_NAME, SCN_F_NULL, "the PF when this is a VF"),
	FSUB("bars", SCN_FT_LIST, &bar_s, 0, "the BARs"),
	FSUB("msix", SCN_FT_MAP, &msix_s, 0, "the MSI-X table"),
	F("ide", SCN_FT_BOOL, 0, "IDE stream (default true)"),
};
static const struct scn_schema device_s = SCHEMA("a device", device_f);

static const struct scn_field_desc guest_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique guest name"),
	F("confidential", SCN_FT_BOOL, 0, "a TD / SNP VM / realm (default true)"),
	F("memory", SCN_FT_SIZE, 0, "RAM (default 1GiB)"),
	F("gpaw", SCN_FT_COUNT, 0, "tdx GPA width 48 or 52"),
	F("ipa_bits", SCN_FT_COUNT, 0, "cca IPA size 32..52"),
};
static const struct scn_schema guest_s = SCHEMA("a guest", guest_f);

static const struct scn_field_desc platform_f[] = {
	FSUB("iommu", SCN_FT_MAP, &iommu_s, 0, "the host IOMMU"),
	FSUB("devices", SCN_FT_LIST, &device_s, 0, "device functions"),
	FSUB("guests", SCN_FT_LIST, &guest_s, 0, "guests"),
};
static const struct scn_schema platform_s = SCHEMA("platform", platform_f);

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void iommu_load(struct ld *ld, const struct scn_value *v)
{
	struct scn_iommu *io = &ld->scn->platform.iommu;
	struct scn_pos pos = v ? v->pos : (struct scn_pos){ 0, 0 };

	io->iotlb_entries = scn_get_u64(v, "iotlb_entries", 64);
	io->iotlb_ways = scn_get_u64(v, "iotlb_ways", io->iotlb_entries);
	io->levels = (unsigned int)scn_get_u64(v, "levels", 4);
	io->page_size = scn_get_u64(v, "page_size", 4096);
	if (!io->iotlb_entries || io->iotlb_entries > (1u << 20))
		err(ld, vpos(v, "iotlb_entries", pos),
		    "iotlb_entries must be 1..1048576");
	else if (!io->iotlb_ways || io->iotlb_entries % io->iotlb_ways)
		err(ld, vpos(v, "iotlb_ways", pos),
		    "iotlb_ways (%llu) must divide iotlb_entries (%llu)",
		    (unsigned long long)io->iotlb_ways,
		    (unsigned long long)io->iotlb_entries);
	if (io->levels < 3 || io->levels > 5)
		err(ld, vpos(v, "levels", pos), "levels must be 3..5, got %u",
		    io->levels);
}

/* "SSSS:BB:DD.F": hex segment, hex bus, device 0..1f, function 0..7 */
static bool bdf_ok(const char *s)
{
	unsigned int seg, bus, dev, fn;
	int n = 0;

	if (strlen(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.')
		return false;
	if (sscanf(s, "%4x:%2x:%2x.%1u%n", &seg, &bus, &dev, &fn, &n) != 4 ||
	    n != 12)
		return false;
	for (n = 0; n < 12; n++)
		if (n != 4 && n != 7 && n != 10 && !strchr("0123456789abcdefABCDEF", s[n]))
			return false;
	return dev < 32 && fn < 8;
}

static void bar_load(struct ld *ld, const struct scn_value *v,
		     struct scn_device *d)
{
	struct scn_bar *b;
	unsigned int i, idx = (unsigned int)scn_get_u64(v, "index", 0);

	if (!scn_has(v, "index") || !scn_has(v, "size"))
		return;
	for (i = 0; i < d->nbars; i++)
		if (d->bars[i].index == idx) {
			err(ld, vpos(v, "index", v->pos),
			    "BAR %u is listed twice (first at %u:%u)", idx,
			    d->bars[i].pos.line, d->bars[i].pos.col);
			return;
		}
	b = &d->bars[d->nbars++];
	b->index = idx;
	b->size = scn_get_u64(v, "size", 0);
	b->hpa = scn_get_u64(v, "hpa", 0);
	b->non_tee = scn_get_bool(v, "non_tee", false);
	b->prefetch = scn_get_bool(v, "prefetch", false);
	b->pos = v->pos;
	if (!is_pow2(b->size) || b->size < 4096)
		err(ld, vpos(v, "size", v->pos),
		    "BAR size must be a power of two >= 4KiB, got %llu",
		    (unsigned long long)b->size);
	else if (b->hpa & (b->size - 1))
		err(ld, vpos(v, "hpa", v->pos),
		    "hpa 0x%llx is not aligned to the BAR size 0x%llx",
		    (unsigned long long)b->hpa, (unsigned long long)b->size);
}

static const struct scn_bar *dev_bar(const struct scn_device *d, uint64_t idx)
{
	unsigned int i;

	for (i = 0; d && i < d->nbars; i++)
		if (d->bars[i].index == idx)
			return &d->bars[i];
	return NULL;
}

static void msix_load(struct ld *ld, const struct scn_value *v,
		      struct scn_device *d)
{
	const struct scn_bar *b;

	if (!v || !scn_has(v, "bar") || !scn_has(v, "size"))
		return;
	d->has_msix = true;
	d->msix_bar = (unsigned int)scn_get_u64(v, "bar", 0);
	d->msix_offset = scn_get_u64(v, "offset", 0);
	d->msix_size = scn_get_u64(v, "size", 0);
	b = dev_bar(d, d->msix_bar);
	if (!b)
		err(ld, vpos(v, "bar", v->pos),
		    "msix.bar %u is not one of the device's BARs", d->msix_bar);
	else if (d->msix_offset > b->size || d->msix_size > b->size - d->msix_offset)
		err(ld, vpos(v, "size", v->pos),
		    "the MSI-X table (offset 0x%llx, size 0x%llx) does not fit in BAR %u (0x%llx)",
		    (unsigned long long)d->msix_offset,
		    (unsigned long long)d->msix_size, d->msix_bar,
		    (unsigned long long)b->size);
}

static void device_load(struct ld *ld, const struct scn_value *v,
			struct scn_device *d, size_t idx)
{
	const struct scn_value *bars = scn_get(v, "bars"), *pf = scn_get(v, "pf");
	const char *bdf = scn_get_str(v, "bdf", NULL);
	size_t i;

	d->pos = v->pos;
	d->ide = scn_get_bool(v, "ide", true);
	d->name = xstrdup(scn_get_str(v, "name", NULL));
	if (pf && pf->type == SCN_STR)
		d->pf = xstrdup(pf->str);
	if (bdf && !bdf_ok(bdf))
		err(ld, vpos(v, "bdf", v->pos),
		    "bad bdf '%.80s': expected SSSS:BB:DD.F (hex, device < 20, function < 8)",
		    bdf);
	else if (bdf)
		d->bdf = xstrdup(bdf);
	for (i = 0; d->bdf && i < idx; i++)
		if (ld->scn->platform.devices[i].bdf &&
		    !strcasecmp(ld->scn->platform.devices[i].bdf, d->bdf))
			err(ld, vpos(v, "bdf", v->pos),
			    "bdf %s is also device '%s' (at %u:%u)", d->bdf,
			    ld->scn->platform.devices[i].name,
			    ld->scn->platform.devices[i].pos.line,
			    ld->scn->platform.devices[i].pos.col);
	for (i = 0; bars && i < bars->n; i++)
		bar_load(ld, &bars->items[i], d);
	msix_load(ld, scn_get(v, "msix"), d);
}

/* @name must live as long as the loader (the scenario's own copy). */
static void name_register(struct ld *ld, const char *name, struct scn_pos pos,
			  enum ld_ns ns, const char *what)
{
	const struct ld_sym *old;

	if (!name)
		return;
	old = sym_find(ld, ns, name);
	if (old) {
		err(ld, pos, "%s '%s' is defined twice (first at %u:%u)", what,
		    name, old->pos.line, old->pos.col);
		return;
	}
	old = sym_find(ld, ns == NS_GUEST ? NS_DEVICE : NS_GUEST, name);
	if (old && (ns == NS_GUEST || ns == NS_DEVICE))
		err(ld, pos, "'%s' is both a device and a guest (other at %u:%u)",
		    name, old->pos.line, old->pos.col);
	sym_add(ld, ns, ns == NS_GUEST ? SCN_REF_GUEST : SCN_REF_DEVICE, name,
		pos);
}

static void pf_check(struct ld *ld, const struct scn_value *devs)
{
	const struct scn_platform *pl = &ld->scn->platform;
	size_t i, j;

	for (i = 0; i < pl->ndevices; i++) {
		const struct scn_device *d = &pl->devices[i];
		struct scn_pos pos = vpos(&devs->items[i], "pf", d->pos);

		if (!d->pf)
			continue;
		for (j = 0; j < pl->ndevices; j++)
			if (pl->devices[j].name && !strcmp(pl->devices[j].name, d->pf))
				break;
		if (j == pl->ndevices)
			ref_missing(ld, pos, SCN_REF_DEVICE, d->pf);
		else if (j == i)
			err(ld, pos, "device '%s' cannot be its own PF", d->pf);
		else if (pl->devices[j].pf)
			err(ld, pos, "pf '%s' is itself a VF (of '%s')", d->pf,
			    pl->devices[j].pf);
	}
}

static void guest_load(struct ld *ld, const struct scn_value *v,
		       struct scn_guest *g)
{
	g->pos = v->pos;
	g->name = xstrdup(scn_get_str(v, "name", NULL));
	g->confidential = scn_get_bool(v, "confidential", true);
	g->memory = scn_get_u64(v, "memory", 1ull << 30);
	g->gpaw = (unsigned int)scn_get_u64(v, "gpaw", 0);
	g->ipa_bits = (unsigned int)scn_get_u64(v, "ipa_bits", 0);
	if (scn_has(v, "gpaw") && g->gpaw != 48 && g->gpaw != 52)
		err(ld, vpos(v, "gpaw", v->pos), "gpaw must be 48 or 52, got %u",
		    g->gpaw);
	if (scn_has(v, "ipa_bits") && (g->ipa_bits < 32 || g->ipa_bits > 52))
		err(ld, vpos(v, "ipa_bits", v->pos),
		    "ipa_bits must be 32..52, got %u", g->ipa_bits);
	if (!g->memory || g->memory & 4095)
		err(ld, vpos(v, "memory", v->pos),
		    "memory must be a non-zero multiple of 4KiB");
}

static void top_platform(struct ld *ld, int node)
{
	struct scn_platform *pl = &ld->scn->platform;
	struct scn_value v = { 0 };
	const struct scn_value *devs, *guests;
	size_t i;

	check_map(ld, node, &platform_s, NULL, "platform", &v);
	iommu_load(ld, scn_get(&v, "iommu"));
	devs = scn_get(&v, "devices");
	guests = scn_get(&v, "guests");
	if (devs && devs->n) {
		pl->devices = xcalloc(devs->n, sizeof(*pl->devices));
		for (i = 0; i < devs->n; i++) {
			device_load(ld, &devs->items[i], &pl->devices[i], i);
			name_register(ld, pl->devices[i].name,
				      vpos(&devs->items[i], "name", pl->devices[i].pos),
				      NS_DEVICE, "device");
			pl->ndevices++;
		}
		pf_check(ld, devs);
	}
	if (guests && guests->n) {
		pl->guests = xcalloc(guests->n, sizeof(*pl->guests));
		for (i = 0; i < guests->n; i++) {
			guest_load(ld, &guests->items[i], &pl->guests[i]);
			name_register(ld, pl->guests[i].name,
				      vpos(&guests->items[i], "name", pl->guests[i].pos),
				      NS_GUEST, "guest");
			pl->nguests++;
		}
	}
	value_free(&v);
}

/* -------------------------------------------------------------- steps */

static const char *const step_common[] = { "op", "label", "at", "after",
					   "expect", NULL };

static const struct scn_device *dev_by_name(struct ld *ld, const char *name)
{
	const struct scn_platform *pl = &ld->scn->platform;
	size_t i;

	for (i = 0; name && i < pl->ndevices; i++)
		if (pl->devices[i].name && !strcmp(pl->devices[i].name, name))
			return &pl->devices[i];
	return NULL;
}

/* @bar_key of @m names a BAR of the device named by @dev_key. */
static const struct scn_bar *bar_check(struct ld *ld, const struct scn_value *m,
				       const char *dev_key, const char *bar_key)
{
	const struct scn_device *d = dev_by_name(ld, scn_get_str(m, dev_key, NULL));
	const struct scn_value *b = scn_get(m, bar_key);
	const struct scn_bar *bar;

	if (!d || !b || b->type != SCN_U64)
		return NULL;
	bar = dev_bar(d, b->u);
	if (!bar)
		err(ld, b->pos, "device '%s' has no BAR %llu", d->name,
		    (unsigned long long)b->u);
	return bar;
}

/* A label of a step: [a-z0-9_.-]+, unique over all steps. */
static void step_label(struct ld *ld, int node, struct scn_step *st, int idx)
{
	int ln = nd(ld, node)->type == YAML_MAPPING_NODE ?
		 map_lookup(ld, node, "label") : 0;
	const struct ld_sym *old;
	const char *s;

	if (!ln || !(s = check_name(ld, ln, "label", "_.-")))
		return;
	old = sym_find(ld, NS_LABEL, s);
	if (old) {
		err(ld, npos(ld, ln), "label '%s' is used by two steps (first at %u:%u)",
		    s, old->pos.line, old->pos.col);
		return;
	}
	st->label = xstrdup(s);
	ld->step = idx;
	sym_add(ld, NS_LABEL, SCN_REF_LABEL, st->label, npos(ld, ln));
}

static void expect_name(struct ld *ld, int node, struct scn_step *st)
{
	const char *s = scalar(ld, node, "a result name");

	if (!s)
		return;
	if (!strcmp(s, "any")) {
		err(ld, npos(ld, node), "'any' cannot be combined with other results");
		return;
	}
	if (!result_known(s)) {
		err(ld, npos(ld, node),
		    "unknown result '%.80s' (see `tsmsim list results`)", s);
		return;
	}
	st->expect = grow(st->expect, st->nexpect, sizeof(*st->expect));
	st->expect[st->nexpect++] = xstrdup(s);
}

static void step_expect(struct ld *ld, int node, struct scn_step *st,
			const struct scn_op_desc *op)
{
	yaml_node_t *n = nd(ld, node);
	yaml_node_item_t *it;

	if (op->kind == SCN_OP_ASSERT) {
		err(ld, npos(ld, node), "assert steps take no expect");
		return;
	}
	if (n->type == YAML_SCALAR_NODE && !strcmp(sval(n), "any")) {
		st->expect_any = true;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		expect_name(ld, node, st);
		return;
	}
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		err(ld, npos(ld, node), "expect: the list is empty");
	for_each_item(ld, node, it)
		expect_name(ld, *it, st);
}

static void step_start(struct ld *ld, int node, struct scn_step *st)
{
	int at = map_lookup(ld, node, "at"), after = map_lookup(ld, node, "after");
	struct scn_pos p;

	if (at && after) {
		p = npos(ld, at);
		err(ld, npos(ld, after), "'at' and 'after' are exclusive ('at' is at %u:%u)",
		    p.line, p.col);
		return;
	}
	if (at && get_num(ld, at, SCN_FT_DURATION, &st->start_cycles))
		st->start = SCN_START_AT;
	if (after && get_num(ld, after, SCN_FT_DURATION, &st->start_cycles))
		st->start = SCN_START_AFTER;
}

/* ------------------------------------------------- per-op cross rules */

static void need_one(struct ld *ld, const struct scn_value *f, const char *a,
		     const char *b, const char *what)
{
	if (scn_has(f, a) && scn_has(f, b))
		err(ld, vpos(f, b, f->pos), "%s takes '%s' or '%s', not both",
		    what, a, b);
	else if (!scn_has(f, a) && !scn_has(f, b))
		err(ld, f->pos, "%s needs '%s' or '%s'", what, a, b);
}

static void rule_unmap(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;

	if (scn_has(f, "area") && (scn_has(f, "iova") || scn_has(f, "size")))
		err(ld, vpos(f, "area", f->pos),
		    "iommufd.unmap takes 'area' or 'iova' + 'size', not both");
	else if (!scn_has(f, "area") && (!scn_has(f, "iova") || !scn_has(f, "size")))
		err(ld, f->pos, "iommufd.unmap needs 'iova' and 'size', or 'area'");
}

static void rule_hwpt(struct ld *ld, const struct scn_step *st)
{
	need_one(ld, &st->fields, "ioas", "parent", "iommufd.hwpt");
}

static void rule_map(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;

	if (scn_has(f, "name") && scn_has(f, "iova"))
		err(ld, vpos(f, "name", f->pos),
		    "'name' is only for a map without 'iova' (it names the allocated area)");
}

static void rule_dmabuf(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *f = &st->fields;
	const struct scn_bar *b = bar_check(ld, f, "device", "bar");
	uint64_t off = scn_get_u64(f, "offset", 0);
	uint64_t size = scn_get_u64(f, "size", b ? b->size - (off < b->size ? off : 0) : 0);

	if (b && (off >= b->size || size > b->size - off || !size))
		err(ld, vpos(f, "size", vpos(f, "offset", f->pos)),
		    "offset 0x%llx + size 0x%llx does not fit in BAR %u (0x%llx)",
		    (unsigned long long)off, (unsigned long long)size, b->index,
		    (unsigned long long)b->size);
}

static void rule_invalidate(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *e = scn_get(&st->fields, "entries");
	size_t i;

	for (i = 0; e && i < e->n; i++) {
		const struct scn_value *it = &e->items[i];
		const struct scn_value *all = scn_get(it, "all");

		if (all && all->type != SCN_BOOL)
			continue;
		if (all && (!all->b || scn_has(it, "iova") || scn_has(it, "size")))
			err(ld, all->pos, "an entry is {iova, size} or {all: true}");
		else if (!all && (!scn_has(it, "iova") || !scn_has(it, "size")))
			err(ld, it->pos, "an entry needs 'iova' and 'size' (or all: true)");
	}
}

static void translate_one(struct ld *ld, const struct scn_value *t)
{
	const struct scn_value *to = scn_get(t, "to");
	bool io = scn_has(t, "ioas") || scn_has(t, "iova");
	bool gu = scn_has(t, "guest") || scn_has(t, "gpa") || scn_has(t, "private");

	if (io == gu || (io && !(scn_has(t, "ioas") && scn_has(t, "iova"))) ||
	    (gu && !(scn_has(t, "guest") && scn_has(t, "gpa"))))
		err(ld, t->pos, "translate takes {ioas, iova} or {guest, gpa, private}");
	if (!to || to->type != SCN_MAP)
		return;
	if (scn_has(to, "device") == scn_has(to, "guest") ||
	    scn_has(to, "device") != scn_has(to, "bar") ||
	    scn_has(to, "guest") != scn_has(to, "gpa") ||
	    (scn_has(to, "offset") && !scn_has(to, "device")))
		err(ld, to->pos, "'to' is none, {device, bar, offset} or {guest, gpa}");
	else
		bar_check(ld, to, "device", "bar");
}

static void rule_assert(struct ld *ld, const struct scn_step *st)
{
	const struct scn_value *tr = scn_get(&st->fields, "translate");
	const struct scn_value *rep = scn_get(&st->fields, "report");
	size_t i;

	if (!st->fields.n)
		err(ld, st->pos,
		    "assert needs at least one of state, translate, response, report, last");
	for (i = 0; tr && i < tr->n; i++)
		translate_one(ld, &tr->items[i]);
	if (rep && rep->n == 0)
		err(ld, rep->pos, "report needs 'ranges'");
}

struct ld_rule {
	const char *op;
	void (*check)(struct ld *ld, const struct scn_step *st);
};

static const struct ld_rule rules[] = {
	{ "iommufd.unmap", rule_unmap },
	{ "iommufd.hwpt", rule_hwpt },
	{ "iommufd.map", rule_map },
	{ "iommufd.map_dmabuf", rule_map },
	{ "vfio.dmabuf", rule_dmabuf },
	{ "iommufd.invalidate", rule_invalidate },
	{ "assert", rule_assert },
};

static void step_rules(struct ld *ld, const struct scn_step *st)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].op, st->opname))
			rules[i].check(ld, st);
	if (strcmp(st->opname, "vfio.dmabuf"))
		bar_check(ld, &st->fields, "device", "bar");
}

/* Names a step defines become visible to the steps after it. */
static void step_defines(struct ld *ld, const struct scn_step *st,
			 const struct scn_op_desc *op)
{
	size_t i;

	for (i = 0; i < op->schema.nfields; i++) {
		const struct scn_field_desc *fd = &op->schema.fields[i];
		const struct scn_value *v = scn_get(&st->fields, fd->key);

		if (fd->type == SCN_FT_DEFINE && v && v->type == SCN_STR &&
		    !sym_find(ld, ref_ns(fd->ref), v->str))
			sym_add(ld, ref_ns(fd->ref), fd->ref, v->str, v->pos);
	}
}

static void step_load(struct ld *ld, int node, struct scn_step *st)
{
	const struct scn_op_desc *op;
	const char *s;
	char where[64];
	int opn, idx;

	st->pos = npos(ld, node);
	st->op = -1;
	st->fields.pos = st->pos;
	if (!want(ld, node, YAML_MAPPING_NODE, "a step"))
		return;
	opn = map_lookup(ld, node, "op");
	if (!opn) {
		err(ld, st->pos, "step has no 'op'");
		return;
	}
	s = scalar(ld, opn, "an op name");
	if (!s)
		return;
	idx = scn_op_find(s);
	if (idx < 0) {
		struct ld_guess g = { .word = s };
		char sug[96];
		size_t i;

		for (i = 0; i < scn_nops; i++)
			guess_try(&g, scn_ops[i].name);
		err(ld, npos(ld, opn), "unknown op '%.80s'%s", s,
		    guess_str(&g, sug, sizeof(sug)));
		return;
	}
	op = &scn_ops[idx];
	st->op = idx;
	st->opname = op->name;
	step_start(ld, node, st);
	if (map_lookup(ld, node, "expect"))
		step_expect(ld, map_lookup(ld, node, "expect"), st, op);
	snprintf(where, sizeof(where), "a %s step", op->name);
	check_map(ld, node, &op->schema, step_common, where, &st->fields);
	step_rules(ld, st);
	step_defines(ld, st, op);
}

static void top_steps(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it;
	size_t n, i = 0;

	if (is_null(nd(ld, node)))
		return;
	if (!want(ld, node, YAML_SEQUENCE_NODE, "steps"))
		return;
	n = (size_t)(nd(ld, node)->data.sequence.items.top -
		     nd(ld, node)->data.sequence.items.start);
	if (n > LD_MAX_STEPS) {
		err(ld, npos(ld, node), "more than %u steps", LD_MAX_STEPS);
		return;
	}
	scn->steps = xcalloc(n, sizeof(*scn->steps));
	scn->nsteps = n;
	for_each_item(ld, node, it) {
		step_label(ld, *it, &scn->steps[i], (int)i);
		i++;
	}
	ld->in_steps = true;
	i = 0;
	for_each_item(ld, node, it) {
		ld->step = (int)i;
		step_load(ld, *it, &scn->steps[i++]);
	}
	ld->in_steps = false;
	ld->step = -1;
}

/* ------------------------------------------------------------ traffic */

static const char *const traffic_ops[] = { "read", "write", "dma_read",
					   "dma_write", NULL };
static const char *const patterns[] = { "sequential", "random", "fixed", NULL };

static const struct scn_field_desc traffic_f[] = {
	F("name", SCN_FT_NAME, REQ, "unique stream name"),
	F("from", SCN_FT_STRING, REQ, "guest:NAME | device:NAME | host:MAPPING"),
	FENUM("op", traffic_ops, REQ, "read | write | dma_read | dma_write"),
	F("gpa", SCN_FT_ADDR, 0, "first GPA (guest)"),
	F("iova", SCN_FT_ADDR, 0, "first IOVA (device)"),
	F("offset", SCN_FT_SIZE, 0, "first offset in the mapping (host)"),
	F("private", SCN_FT_BOOL, 0, "guest: private view; device: T=1"),
	F("span", SCN_FT_SIZE, 0, "bytes covered (default size)"),
	F("size", SCN_FT_SIZE, 0, "bytes per access, 1..4096 (default 64)"),
	FENUM("pattern", patterns, 0, "sequential (default) | random | fixed"),
	F("gap", SCN_FT_DURATION, 0, "from a completion to the next issue"),
	F("count", SCN_FT_COUNT, 0, "accesses"),
	FREF("until", SCN_REF_LABEL, 0, "or: until this step starts"),
	F("start", SCN_FT_STRING, 0, "cycle, or LABEL (its completion)"),
};
static const struct scn_schema traffic_s = SCHEMA("traffic", traffic_f);

static void traffic_from(struct ld *ld, const struct scn_value *v,
			 struct scn_traffic *t)
{
	static const struct { const char *pfx; enum scn_from f; enum scn_ref r;
			      const char *addr; } kinds[] = {
		{ "guest:", SCN_FROM_GUEST, SCN_REF_GUEST, "gpa" },
		{ "device:", SCN_FROM_DEVICE, SCN_REF_DEVICE, "iova" },
		{ "host:", SCN_FROM_HOST, SCN_REF_MAPPING, "offset" },
	};
	const char *from = scn_get_str(v, "from", NULL);
	const char *op = scn_get_str(v, "op", NULL);
	struct scn_pos pos = vpos(v, "from", v->pos);
	size_t i, j;

	if (!from)
		return;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strncmp(from, kinds[i].pfx, strlen(kinds[i].pfx)))
			break;
	if (i == ARRAY_SIZE(kinds)) {
		err(ld, pos, "bad from '%.80s': expected guest:NAME, device:NAME or host:MAPPING",
		    from);
		return;
	}
	t->from = kinds[i].f;
	t->from_name = xstrdup(from + strlen(kinds[i].pfx));
	ref_check(ld, pos, kinds[i].r, t->from_name);
	if (op && (t->from == SCN_FROM_DEVICE) != !strncmp(op, "dma_", 4))
		err(ld, vpos(v, "op", pos), "op '%s' is not for %.*s traffic (use %s)",
		    op, (int)strlen(kinds[i].pfx) - 1, kinds[i].pfx,
		    t->from == SCN_FROM_DEVICE ? "dma_read or dma_write" :
		    "read or write");
	for (j = 0; j < ARRAY_SIZE(kinds); j++)
		if (j != i && scn_has(v, kinds[j].addr))
			err(ld, vpos(v, kinds[j].addr, pos),
			    "'%s' is for %.*s traffic; from: %s takes '%s'",
			    kinds[j].addr, (int)strlen(kinds[j].pfx) - 1,
			    kinds[j].pfx, from, kinds[i].addr);
	if (!scn_has(v, kinds[i].addr))
		err(ld, v->pos, "traffic from %s needs '%s'", from, kinds[i].addr);
	if (t->from == SCN_FROM_HOST && scn_has(v, "private"))
		err(ld, vpos(v, "private", pos), "host traffic takes no 'private'");
	t->addr = scn_get_u64(v, kinds[i].addr, 0);
}

static void traffic_start(struct ld *ld, const struct scn_value *v,
			  struct scn_traffic *t)
{
	const struct scn_value *s = scn_get(v, "start");
	const char *why;

	if (!s || s->type != SCN_STR)
		return;
	if (!scn_parse_duration(s->str, ld->clock_mhz, &t->start, &why))
		return;
	if (name_ok(s->str, "_.-") && ref_check(ld, s->pos, SCN_REF_LABEL, s->str))
		t->start_label = xstrdup(s->str);
	else if (!name_ok(s->str, "_.-"))
		err(ld, s->pos, "bad start '%.80s': a cycle count, a duration or a label",
		    s->str);
}

static void traffic_load(struct ld *ld, int node, struct scn_traffic *t)
{
	struct scn_value v = { 0 };
	const char *op;

	t->pos = npos(ld, node);
	if (!check_map(ld, node, &traffic_s, NULL, "traffic", &v) && !v.n)
		return;
	t->name = xstrdup(scn_get_str(&v, "name", NULL));
	if (t->name && sym_find(ld, NS_TRAFFIC, t->name))
		err(ld, vpos(&v, "name", t->pos), "traffic '%s' is defined twice (first at %u:%u)",
		    t->name, sym_find(ld, NS_TRAFFIC, t->name)->pos.line,
		    sym_find(ld, NS_TRAFFIC, t->name)->pos.col);
	else if (t->name)
		sym_add(ld, NS_TRAFFIC, SCN_REF_NONE, t->name, vpos(&v, "name", t->pos));
	traffic_from(ld, &v, t);
	op = scn_get_str(&v, "op", "read");
	t->write = !strcmp(op, "write") || !strcmp(op, "dma_write");
	t->priv = scn_get_bool(&v, "private", false);
	t->size = scn_get_u64(&v, "size", 64);
	t->span = scn_get_u64(&v, "span", t->size);
	t->pattern = (enum scn_pattern)scn_name_index(patterns,
				scn_get_str(&v, "pattern", "sequential"));
	t->gap = scn_get_u64(&v, "gap", 0);
	t->count = scn_get_u64(&v, "count", 0);
	t->until = xstrdup(scn_get_str(&v, "until", NULL));
	if (!is_pow2(t->size) || t->size > 4096)
		err(ld, vpos(&v, "size", t->pos),
		    "size must be a power of two 1..4096, got %llu",
		    (unsigned long long)t->size);
	else if (!t->span || t->span % t->size)
		err(ld, vpos(&v, "span", t->pos),
		    "span (%llu) must be a non-zero multiple of size (%llu)",
		    (unsigned long long)t->span, (unsigned long long)t->size);
	need_one(ld, &v, "count", "until", "traffic");
	traffic_start(ld, &v, t);
	value_free(&v);
}

static void top_traffic(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it;

	if (is_null(nd(ld, node)) ||
	    !want(ld, node, YAML_SEQUENCE_NODE, "traffic"))
		return;
	for_each_item(ld, node, it) {
		scn->traffic = grow(scn->traffic, scn->ntraffic, sizeof(*scn->traffic));
		memset(&scn->traffic[scn->ntraffic], 0, sizeof(*scn->traffic));
		scn->traffic[scn->ntraffic].index = (unsigned int)scn->ntraffic;
		traffic_load(ld, *it, &scn->traffic[scn->ntraffic]);
		scn->ntraffic++;
	}
}

/* ------------------------------------------------------------- faults */

static const char *const fault_common[] = { "kind", "at", NULL };

static void fault_at(struct ld *ld, int node, struct scn_fault *f)
{
	const char *s = scalar(ld, node, "a point"), *why = "";

	if (!s)
		return;
	if (scn_parse_point(s, ld->clock_mhz, &f->at, &why)) {
		err(ld, npos(ld, node), "bad point '%.80s': %s", s, why);
		return;
	}
	if (f->at.label)
		ref_check(ld, npos(ld, node), SCN_REF_LABEL, f->at.label);
}

static void fault_load(struct ld *ld, int node, struct scn_fault *f)
{
	const struct scn_fault_desc *fd;
	const char *kind;
	char where[64];
	int kn, at, idx;

	f->pos = npos(ld, node);
	f->params.pos = f->pos;
	if (!want(ld, node, YAML_MAPPING_NODE, "a fault"))
		return;
	kn = map_lookup(ld, node, "kind");
	at = map_lookup(ld, node, "at");
	if (!kn || !at)
		err(ld, f->pos, "missing key '%s' in a fault", kn ? "at" : "kind");
	if (at)
		fault_at(ld, at, f);
	if (!kn || !(kind = scalar(ld, kn, "a fault kind")))
		return;
	idx = scn_fault_find(kind);
	if (idx < 0) {
		struct ld_guess g = { .word = kind };
		char sug[96];
		size_t i;

		for (i = 0; i < scn_nfaults; i++)
			guess_try(&g, scn_faults[i].name);
		err(ld, npos(ld, kn), "unknown fault kind '%.80s'%s", kind,
		    guess_str(&g, sug, sizeof(sug)));
		return;
	}
	fd = &scn_faults[idx];
	f->kind = xstrdup(fd->name);
	snprintf(where, sizeof(where), "a %s fault", fd->name);
	check_map(ld, node, &fd->params, fault_common, where, &f->params);
}

static void top_faults(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_item_t *it;

	if (is_null(nd(ld, node)) ||
	    !want(ld, node, YAML_SEQUENCE_NODE, "faults"))
		return;
	for_each_item(ld, node, it) {
		scn->faults = grow(scn->faults, scn->nfaults, sizeof(*scn->faults));
		memset(&scn->faults[scn->nfaults], 0, sizeof(*scn->faults));
		fault_load(ld, *it, &scn->faults[scn->nfaults++]);
	}
}

/* ------------------------------------------------------------- expect */

static const struct scn_field_desc wrange_f[] = {
	FREF("device", SCN_REF_DEVICE, 0, "{device, bar}"),
	F("bar", SCN_FT_BAR, 0, "BAR index"),
	FREF("guest", SCN_REF_GUEST, 0, "{guest, gpa, size}"),
	F("gpa", SCN_FT_ADDR, 0, "first GPA"),
	F("iova", SCN_FT_ADDR, 0, "{iova, size}: first IOVA"),
	F("size", SCN_FT_SIZE, 0, "bytes"),
};
static const struct scn_schema wrange_s = SCHEMA("range", wrange_f);

static const struct scn_field_desc hitless_f[] = {
	FREF("from", SCN_REF_LABEL, REQ, "window opens at this step's start"),
	FREF("to", SCN_REF_LABEL, REQ, "and closes at this one's completion"),
	FSUB("range", SCN_FT_MAP, &wrange_s, REQ, "the watched range"),
};
static const struct scn_schema hitless_s = SCHEMA("a hitless window", hitless_f);

static const struct scn_field_desc allow_win_f[] = {
	FREF("from", SCN_REF_LABEL, REQ, "window opens at this step's start"),
	FREF("to", SCN_REF_LABEL, REQ, "and closes at this one's completion"),
	F("results", SCN_FT_RESULTS, REQ, "access results allowed"),
};
static const struct scn_schema allow_win_s = SCHEMA("an allow window", allow_win_f);

static const struct scn_field_desc expect_f[] = {
	FSUB("hitless", SCN_FT_LIST, &hitless_s, 0, "hitless windows"),
	FSUB("allow", SCN_FT_LIST, &allow_win_s, 0, "allowed access results"),
	F("state", SCN_FT_STATE_MAP, 0, "final TDISP states"),
};
static const struct scn_schema expect_s = SCHEMA("expect", expect_f);

static void findings_load(struct ld *ld, int node, struct scn_expect *e)
{
	struct scn_field_desc fd = { .key = "", .type = SCN_FT_CONSTRAINT };
	yaml_node_pair_t *p;

	e->has_findings = true;
	if (is_null(nd(ld, node)) || !want(ld, node, YAML_MAPPING_NODE, "findings"))
		return;
	for_each_pair(ld, node, p) {
		int k = sim_finding_parse(pkey(ld, p));
		struct scn_value v = { 0 };

		if (k < 0 || k >= SCN_FIND_MAX) {
			struct ld_guess g = { .word = pkey(ld, p) };
			char sug[96];
			int i;

			for (i = 0; i < SIM_FIND_NR; i++)
				guess_try(&g, sim_finding_name(i));
			err(ld, npos(ld, p->key), "unknown finding '%.80s'%s",
			    g.word, guess_str(&g, sug, sizeof(sug)));
			continue;
		}
		if (!conv_constraint(ld, p->value, &fd, &v))
			continue;
		scn_count_parse(v.str, &e->findings[k], &fd.help);
		e->findings[k].pos = npos(ld, p->key);
		value_free(&v);
	}
}

static void window_base(struct ld *ld, const struct scn_value *v,
			struct scn_window *w)
{
	const struct ld_sym *a, *b;

	w->pos = v->pos;
	w->from = xstrdup(scn_get_str(v, "from", NULL));
	w->to = xstrdup(scn_get_str(v, "to", NULL));
	a = w->from ? sym_find(ld, NS_LABEL, w->from) : NULL;
	b = w->to ? sym_find(ld, NS_LABEL, w->to) : NULL;
	if (a && b && a->step > b->step)
		err(ld, vpos(v, "to", v->pos),
		    "window ends at '%s' (step %d), before it starts at '%s' (step %d)",
		    w->to, b->step + 1, w->from, a->step + 1);
}

static void range_load(struct ld *ld, const struct scn_value *r,
		       struct scn_range *out)
{
	bool dev = scn_has(r, "device") || scn_has(r, "bar");
	bool gst = scn_has(r, "guest") || scn_has(r, "gpa");
	bool io = scn_has(r, "iova");

	if (!r)
		return;
	if (dev + gst + io != 1 || (dev && !(scn_has(r, "device") && scn_has(r, "bar"))) ||
	    (dev && scn_has(r, "size")) || (!dev && !scn_has(r, "size")) ||
	    (gst && !(scn_has(r, "guest") && scn_has(r, "gpa")))) {
		err(ld, r->pos, "range is {device, bar}, {guest, gpa, size} or {iova, size}");
		return;
	}
	out->device = xstrdup(scn_get_str(r, "device", NULL));
	out->bar = (unsigned int)scn_get_u64(r, "bar", 0);
	out->guest = xstrdup(scn_get_str(r, "guest", NULL));
	out->gpa = scn_get_u64(r, "gpa", 0);
	out->has_iova = io;
	out->iova = scn_get_u64(r, "iova", 0);
	out->size = scn_get_u64(r, "size", 0);
	if (dev)
		bar_check(ld, r, "device", "bar");
}

static void windows_load(struct ld *ld, const struct scn_value *l, bool hitless,
			 struct scn_window **out, size_t *n)
{
	size_t i, j;

	if (!l || !l->n)
		return;
	*out = xcalloc(l->n, sizeof(**out));
	for (i = 0; i < l->n; i++) {
		const struct scn_value *v = &l->items[i], *res;
		struct scn_window *w = &(*out)[(*n)++];

		window_base(ld, v, w);
		if (hitless)
			range_load(ld, scn_get(v, "range"), &w->range);
		res = scn_get(v, "results");
		for (j = 0; res && j < res->n; j++)
			if (res->items[j].type == SCN_STR)
				w->results |= 1u << sim_result_parse(res->items[j].str);
	}
}

static void states_load(const struct scn_value *s, struct scn_expect *e)
{
	size_t i;

	if (!s || !s->n)
		return;
	e->states = xcalloc(s->n, sizeof(*e->states));
	for (i = 0; i < s->n; i++)
		e->states[e->nstates++] = (struct scn_state){
			xstrdup(s->fields[i].key), xstrdup(s->fields[i].v.str),
			s->fields[i].pos };
}

static void per_arch_load(struct ld *ld, int node);

static void expect_load(struct ld *ld, int node, struct scn_expect *e,
			bool top)
{
	static const char *const top_extra[] = { "findings", "per_arch", NULL };
	static const char *const arch_extra[] = { "findings", NULL };
	struct scn_value v = { 0 };
	int f;

	if (!check_map(ld, node, &expect_s, top ? top_extra : arch_extra,
		       top ? "expect" : "expect.per_arch", &v) && !v.n &&
	    nd(ld, node)->type != YAML_MAPPING_NODE)
		return;
	f = map_lookup(ld, node, "findings");
	if (f)
		findings_load(ld, f, e);
	windows_load(ld, scn_get(&v, "hitless"), true, &e->hitless, &e->nhitless);
	windows_load(ld, scn_get(&v, "allow"), false, &e->allow, &e->nallow);
	states_load(scn_get(&v, "state"), e);
	value_free(&v);
	if (top && map_lookup(ld, node, "per_arch"))
		per_arch_load(ld, map_lookup(ld, node, "per_arch"));
}

static void per_arch_load(struct ld *ld, int node)
{
	struct scenario *scn = ld->scn;
	yaml_node_pair_t *p;

	if (!want(ld, node, YAML_MAPPING_NODE, "per_arch"))
		return;
	for_each_pair(ld, node, p) {
		struct scn_per_arch *pa;

		if (arch_id_parse(pkey(ld, p)) < 0) {
			static const char *const arches[] = { "tdx", "sev", "cca", NULL };

			one_of(ld, p->key, "arch", arches);
			continue;
		}
		scn->per_arch = grow(scn->per_arch, scn->nper_arch, sizeof(*scn->per_arch));
		pa = &scn->per_arch[scn->nper_arch++];
		memset(pa, 0, sizeof(*pa));
		pa->arch = xstrdup(pkey(ld, p));
		pa->pos = npos(ld, p->key);
		expect_load(ld, p->value, &pa->expect, false);
	}
}

static void top_expect(struct ld *ld, int node)
{
	expect_load(ld, node, &ld->scn->expect, true);
}

/* --------------------------------------------------------- the loader */

struct ld_top {
	const char *key;
	int phase;		/* clock first, then sections, steps, users */
	void (*load)(struct ld *ld, int node);
};

static const struct ld_top tops[] = {
	{ "clock_mhz", 0, top_clock },
	{ "scenario", 1, top_name },
	{ "description", 1, top_description },
	{ "arch", 1, top_arch },
	{ "seed", 1, top_seed },
	{ "timing", 1, top_timing },
	{ "limits", 1, top_limits },
	{ "platform", 1, top_platform },
	{ "steps", 2, top_steps },
	{ "traffic", 3, top_traffic },
	{ "faults", 3, top_faults },
	{ "expect", 3, top_expect },
};

static const struct ld_top *top_find(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tops); i++)
		if (!strcmp(tops[i].key, key))
			return &tops[i];
	return NULL;
}

static void validate(struct ld *ld)
{
	yaml_node_pair_t *p;
	int phase;

	if (!want(ld, 1, YAML_MAPPING_NODE, "the scenario"))
		return;
	for (phase = 0; phase < 4; phase++) {
		for_each_pair(ld, 1, p) {
			const struct ld_top *t = top_find(pkey(ld, p));

			if (!t && !phase) {
				struct ld_guess g = { .word = pkey(ld, p) };
				char sug[96];
				size_t i;

				for (i = 0; i < ARRAY_SIZE(tops); i++)
					guess_try(&g, tops[i].key);
				err(ld, npos(ld, p->key), "unknown top-level key '%.80s'%s",
				    g.word, guess_str(&g, sug, sizeof(sug)));
			}
			if (t && t->phase == phase)
				t->load(ld, p->value);
		}
	}
	if (!map_has_key(ld, 1, "scenario"))
		err(ld, npos(ld, 1), "missing key 'scenario' (the scenario's name)");
	if (!ld->scn->narches)
		ld->scn->arches[ld->scn->narches++] = xstrdup(LD_DEF_ARCH);
}

static void yaml_error(struct ld *ld, yaml_parser_t *ps)
{
	struct scn_pos pos = mark_pos(ps->problem_mark);

	if (ps->context)
		err(ld, pos, "YAML syntax: %s %s", ps->problem ? ps->problem : "error",
		    ps->context);
	else
		err(ld, pos, "YAML syntax: %s", ps->problem ? ps->problem : "error");
}

/* Load exactly one document; false after a diagnostic. */
static bool parse(struct ld *ld, const char *text, size_t len)
{
	yaml_parser_t ps;
	yaml_document_t extra;
	bool ok = false;

	TSM_BUG_ON(!yaml_parser_initialize(&ps));
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	if (!yaml_parser_load(&ps, &ld->doc)) {
		yaml_error(ld, &ps);
		goto out;
	}
	if (!yaml_document_get_root_node(&ld->doc)) {
		err(ld, (struct scn_pos){ 1, 1 }, "the file is empty");
		goto out_doc;
	}
	if (!yaml_parser_load(&ps, &extra)) {
		yaml_error(ld, &ps);
		goto out_doc;
	}
	if (yaml_document_get_root_node(&extra)) {
		err(ld, mark_pos(extra.start_mark),
		    "a scenario file holds one YAML document; a second one starts here");
		yaml_document_delete(&extra);
		goto out_doc;
	}
	yaml_document_delete(&extra);
	ok = true;
	goto out;
out_doc:
	yaml_document_delete(&ld->doc);
out:
	yaml_parser_delete(&ps);
	return ok;
}

static struct scenario *scn_new(const char *file)
{
	struct scenario *scn = xcalloc(1, sizeof(*scn));

	scn->file = xstrdup(file);
	scn->seed = 1;
	scn->clock_mhz = LD_DEF_CLOCK;
	scn->platform.iommu = (struct scn_iommu){ 64, 64, 4, 4096 };
	return scn;
}

static char *dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == file)
		return xstrdup("/");
	return strndup(file, (size_t)(slash - file));
}

static int load(struct ld *ld, const char *text, size_t len, size_t nsets,
		struct scenario **out)
{
	size_t i;

	if (!parse(ld, text, len))
		return -EINVAL;
	/* a bad --set path is reported; the rest is still validated */
	for (i = 0; i < nsets; i++)
		apply_set(ld, i);
	if (check_caps(ld))
		validate(ld);
	yaml_document_delete(&ld->doc);
	if (ld->diags->n > ld->diag0)
		return -EINVAL;
	*out = ld->scn;
	ld->scn = NULL;
	return 0;
}

static int load_common(const char *name, const char *text, size_t len,
		       const struct scn_set *sets, size_t nsets,
		       struct scenario **out, struct scn_diags *diags)
{
	struct ld ld = {
		.file = name, .diags = diags, .diag0 = diags->n, .sets = sets,
		.clock_mhz = LD_DEF_CLOCK, .step = -1,
	};
	int rc;

	*out = NULL;
	ld.scn = scn_new(name);
	ld.dir = dir_of(name);
	rc = load(&ld, text, len, nsets, out);
	scn_free(ld.scn);
	free(ld.dir);
	free(ld.setpos);
	free(ld.dupkey);
	free(ld.syms.v);
	diags_finish(&ld);
	return rc;
}

int scn_load_string(const char *name, const char *text,
		    const struct scn_set *sets, size_t nsets,
		    struct scenario **out, struct scn_diags *diags)
{
	return load_common(name, text, strlen(text), sets, nsets, out, diags);
}

/* The whole file, at most LD_MAX_FILE + 1 bytes; NULL with errno set. */
static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf;
	int e;

	if (!f)
		return NULL;
	buf = xrealloc(NULL, LD_MAX_FILE + 2);
	*len = fread(buf, 1, LD_MAX_FILE + 1, f);
	e = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	buf[*len] = 0;
	return buf;
}

int scn_load(const char *file, const struct scn_set *sets, size_t nsets,
	     struct scenario **out, struct scn_diags *diags)
{
	size_t len = 0;
	char *text = slurp(file, &len);
	int rc;

	*out = NULL;
	if (!text) {
		char *msg;

		TSM_BUG_ON(asprintf(&msg, "cannot read: %s", strerror(errno)) < 0);
		diag_push(diags, file, (struct scn_pos){ 0, 0 }, msg);
		return -ENOENT;
	}
	if (len > LD_MAX_FILE) {
		free(text);
		diag_push(diags, file, (struct scn_pos){ 1, 1 },
			  xstrdup("the file is larger than 4 MiB"));
		return -EINVAL;
	}
	rc = load_common(file, text, len, sets, nsets, out, diags);
	free(text);
	return rc;
}

/* -------------------------------------------------------------- free */

static void expect_free(struct scn_expect *e)
{
	size_t i;

	for (i = 0; i < e->nhitless; i++) {
		free(e->hitless[i].from);
		free(e->hitless[i].to);
		free(e->hitless[i].range.device);
		free(e->hitless[i].range.guest);
	}
	for (i = 0; i < e->nallow; i++) {
		free(e->allow[i].from);
		free(e->allow[i].to);
	}
	for (i = 0; i < e->nstates; i++) {
		free(e->states[i].device);
		free(e->states[i].state);
	}
	free(e->hitless);
	free(e->allow);
	free(e->states);
}

static void platform_free(struct scn_platform *pl)
{
	size_t i;

	for (i = 0; i < pl->ndevices; i++) {
		free(pl->devices[i].name);
		free(pl->devices[i].bdf);
		free(pl->devices[i].pf);
		value_free(&pl->devices[i].extra);
	}
	for (i = 0; i < pl->nguests; i++)
		free(pl->guests[i].name);
	free(pl->devices);
	free(pl->guests);
	value_free(&pl->extra);
}

static void steps_free(struct scenario *scn)
{
	size_t i, j;

	for (i = 0; i < scn->nsteps; i++) {
		struct scn_step *st = &scn->steps[i];

		free(st->label);
		for (j = 0; j < st->nexpect; j++)
			free(st->expect[j]);
		free(st->expect);
		value_free(&st->fields);
	}
	free(scn->steps);
}

void scn_free(struct scenario *scn)
{
	size_t i;

	if (!scn)
		return;
	free(scn->file);
	free(scn->name);
	free(scn->description);
	for (i = 0; i < scn->narches; i++)
		free(scn->arches[i]);
	for (i = 0; i < scn->ntiming; i++)
		free(scn->timing[i].key);
	free(scn->timing);
	platform_free(&scn->platform);
	steps_free(scn);
	for (i = 0; i < scn->ntraffic; i++) {
		free(scn->traffic[i].name);
		free(scn->traffic[i].from_name);
		free(scn->traffic[i].until);
		free(scn->traffic[i].start_label);
	}
	free(scn->traffic);
	for (i = 0; i < scn->nfaults; i++) {
		free(scn->faults[i].kind);
		free(scn->faults[i].at.label);
		value_free(&scn->faults[i].params);
	}
	free(scn->faults);
	expect_free(&scn->expect);
	for (i = 0; i < scn->nper_arch; i++) {
		free(scn->per_arch[i].arch);
		expect_free(&scn->per_arch[i].expect);
	}
	free(scn->per_arch);
	free(scn);
}

int scn_label_index(const struct scenario *scn, const char *label)
{
	size_t i;

	for (i = 0; label && i < scn->nsteps; i++)
		if (scn->steps[i].label && !strcmp(scn->steps[i].label, label))
			return (int)i;
	return -1;
}
