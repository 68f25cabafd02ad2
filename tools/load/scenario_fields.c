// SPDX-License-Identifier: MIT
/*
 * scenario_fields.c - names, references and field conversion:
 * "did you mean" suggestions, the symbol table of defined names, name and
 * reference checks, and one converter per scn_field type (ld_conv_tab)
 * driven by ld_check_map() against the ops.c schemas.
 * See scenario.c for the passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

/* ------------------------------------------------------ did you mean */

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

void ld_guess_try(struct ld_guess *g, const char *cand)
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
		ld_guess_try(g, *list);
}

const char *scn_nearest(const char *word, const char *const *cands)
{
	struct ld_guess g = { .word = word };

	guess_list(&g, cands);
	return g.best;
}

const char *scn_nearest_label(const struct scenario *scn, const char *word)
{
	struct ld_guess g = { .word = word };

	for (size_t i = 0; i < scn->nsteps; i++)
		if (scn->steps[i].label)
			ld_guess_try(&g, scn->steps[i].label);
	return g.best;
}

/* " (did you mean 'x'?)" or "" */
const char *ld_guess_str(const struct ld_guess *g, char *buf, size_t len)
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

const struct ld_sym *ld_sym_find(struct ld *ld, enum ld_ns ns,
				 const char *name)
{
	struct ld_sym *s;

	if (!ld->syms.cap)
		return NULL;
	s = sym_slot(&ld->syms, ns, name);
	return s->name ? s : NULL;
}

void ld_sym_add(struct ld *ld, enum ld_ns ns, enum scn_ref kind,
		const char *name, struct scn_pos pos)
{
	struct ld_symtab *t = &ld->syms;
	struct ld_sym *s;
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct ld_symtab nt = { .cap = t->cap ? 2 * t->cap : 64 };

		nt.v = ld_xcalloc(nt.cap, sizeof(*nt.v));
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
			ld_guess_try(g, ld->syms.v[i].name);
}

/* ---------------------------------------------------- names and refs */

/* [a-z0-9] plus @extra, 1..64 characters */
bool ld_name_ok(const char *s, const char *extra)
{
	size_t n = strlen(s), i;

	if (!n || n > LD_MAX_NAME)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || ld_is_digit(s[i]) ||
		      strchr(extra, s[i])))
			return false;
	return true;
}

const char *ld_check_name(struct ld *ld, int i, const char *what,
			  const char *extra)
{
	const char *s = ld_scalar(ld, i, what);

	if (s && !ld_name_ok(s, extra)) {
		ld_err(ld, ld_npos(ld, i),
		       "invalid %s '%.80s': use [a-z0-9%s], at most %u characters",
		       what, s, extra, LD_MAX_NAME);
		return NULL;
	}
	return s;
}

enum ld_ns ld_ref_ns(enum scn_ref r)
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

static bool ref_kind_ok(enum scn_ref ld_want, enum scn_ref have)
{
	if (ld_want == have || ld_want == SCN_REF_OBJECT)
		return true;
	return ld_want == SCN_REF_IOAS_HWPT &&
	       (have == SCN_REF_IOAS || have == SCN_REF_HWPT);
}

void ld_ref_missing(struct ld *ld, struct scn_pos pos, enum scn_ref r,
		    const char *name)
{
	struct ld_guess g = { .word = name };
	char sug[96];

	guess_syms(ld, &g, ld_ref_ns(r));
	ld_guess_str(&g, sug, sizeof(sug));
	if (!ref_creator(r))
		ld_err(ld, pos, "unknown %s '%s'%s", scn_ref_name(r), name, sug);
	else
		ld_err(ld, pos, "%s '%s' is not created by any %s%s step%s",
		       scn_ref_name(r), name, ld->in_steps ? "earlier " : "",
		       ref_creator(r), sug);
}

/* Resolve @name as a reference of kind @r; reports and returns false. */
bool ld_ref_check(struct ld *ld, struct scn_pos pos, enum scn_ref r,
		  const char *name)
{
	const struct ld_sym *s = ld_sym_find(ld, ld_ref_ns(r), name);

	if (!s) {
		ld_ref_missing(ld, pos, r, name);
		return false;
	}
	if (!ref_kind_ok(r, s->kind)) {
		ld_err(ld, pos, "'%s' is %s %s (created at %u:%u), not %s %s",
		       name, s->kind == SCN_REF_IOAS ? "an" : "a",
		       scn_ref_name(s->kind), s->pos.line, s->pos.col,
		       r == SCN_REF_IOAS ? "an" : "a", scn_ref_name(r));
		return false;
	}
	ld_block_ref(ld, s, pos);
	return true;
}

/* kvm | kvm:GUEST | iommufd | iommufd:OBJECT */
static bool importer_check(struct ld *ld, struct scn_pos pos, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 3 && !strncmp(s, "kvm", 3))
		return !colon || ld_ref_check(ld, pos, SCN_REF_GUEST, colon + 1);
	if (n == 7 && !strncmp(s, "iommufd", 7))
		return !colon || ld_ref_check(ld, pos, SCN_REF_OBJECT, colon + 1);
	ld_err(ld, pos, "bad importer '%s': expected kvm, kvm:GUEST, iommufd or iommufd:IOAS",
	       s);
	return false;
}

/* A step result name of docs/scenarios.md. */
bool ld_result_known(const char *name)
{
	return sim_result_parse(name) >= 0 || !strcmp(name, "completed") ||
	       scn_name_index(scn_errno_names, name) >= 0 ||
	       scn_name_index(scn_tdisp_error_names, name) >= 0 ||
	       arch_result_known(name);
}

/* ------------------------------------------------- field conversion */

static void set_scalar(struct scn_value *out, enum scn_type t, const char *raw)
{
	out->type = t;
	out->str = ld_xstrdup(raw);
}

static bool conv_string(struct ld *ld, int node, const struct scn_field_desc *fd,
			struct scn_value *out)
{
	const char *s = ld_scalar(ld, node, "a string");

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_name(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = ld_check_name(ld, node, "name", "_-");

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_define(struct ld *ld, int node,
			const struct scn_field_desc *fd, struct scn_value *out)
{
	const char *s = ld_check_name(ld, node, "name", "_-");
	const struct ld_sym *old;

	if (!s)
		return false;
	old = ld_sym_find(ld, ld_ref_ns(fd->ref), s);
	if (old) {
		ld_err(ld, ld_npos(ld, node), "%s '%s' is already created at %u:%u",
		       scn_ref_name(old->kind), s, old->pos.line, old->pos.col);
		return false;
	}
	set_scalar(out, SCN_STR, s);
	return true;
}

static bool conv_ref(struct ld *ld, int node, const struct scn_field_desc *fd,
		     struct scn_value *out)
{
	const char *s = ld_scalar(ld, node, "a name");

	if (!s)
		return false;
	if (fd->ref == SCN_REF_IMPORTER ? !importer_check(ld, ld_npos(ld, node), s) :
	    !ld_ref_check(ld, ld_npos(ld, node), fd->ref, s))
		return false;
	set_scalar(out, SCN_STR, s);
	return true;
}

static bool conv_bool(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = ld_scalar(ld, node, "a boolean (true or false)");

	if (!s)
		return false;
	if (strcmp(s, "true") && strcmp(s, "false")) {
		ld_err(ld, ld_npos(ld, node),
		       "expected a boolean (true or false), got '%.80s'", s);
		return false;
	}
	set_scalar(out, SCN_BOOL, s);
	out->b = s[0] == 't';
	return true;
}

/*
 * Fields where the code reads 0 as "absent" (a whole buffer, the default
 * count, 1 GiB of RAM): an explicit 0 must not silently become that
 * default, so it is refused (issue: `size: 0` mapped the whole dma-buf).
 */
static bool zero_is_absent(const struct scn_field_desc *fd)
{
	static const char *const keys[] = { "size", "span", "memory", "count" };

	/* a required size goes to the model as given (iommufd: EINVAL) */
	if ((fd->type != SCN_FT_SIZE && fd->type != SCN_FT_COUNT) ||
	    (fd->flags & (SCN_F_REQ | SCN_F_ZERO)))
		return false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(fd->key, keys[i]))
			return true;
	return false;
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
	const char *s = ld_scalar(ld, node, what[fd->type]), *why = "";
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
	if (!rc && !v && zero_is_absent(fd))
		rc = -EINVAL, why = "0 is not a value here (leave the key out for the default)";
	if (!rc && fd->type == SCN_FT_PAGE_SIZE &&
	    v != 4096 && v != (2u << 20) && v != (1u << 30))
		rc = -EINVAL, why = "the page sizes are 4KiB, 2MiB and 1GiB";
	if (rc) {
		ld_err(ld, ld_npos(ld, node), "expected %s, got '%.80s': %s",
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
const char *ld_one_of(struct ld *ld, int node, const char *what,
		      const char *const *list)
{
	const char *s = ld_scalar(ld, node, what);
	struct ld_guess g;
	char all[512], sug[96];

	if (!s)
		return NULL;
	if (scn_name_index(list, s) >= 0)
		return s;
	g = (struct ld_guess){ .word = s };
	guess_list(&g, list);
	join(all, sizeof(all), list);
	ld_err(ld, ld_npos(ld, node), "unknown %s '%.80s' (expected one of: %s)%s",
	       what, s, all, ld_guess_str(&g, sug, sizeof(sug)));
	return NULL;
}

static bool conv_enum(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	const char *s = ld_one_of(ld, node, fd->key, fd->values);

	if (s)
		set_scalar(out, SCN_STR, s);
	return s != NULL;
}

static bool conv_tdisp_req(struct ld *ld, int node,
			   const struct scn_field_desc *fd,
			   struct scn_value *out)
{
	const char *s = ld_scalar(ld, node, "a TDISP request name");
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
		ld_err(ld, ld_npos(ld, node), "unknown TDISP request '%.80s'%s", s,
		       ld_guess_str(&g, sug, sizeof(sug)));
		return false;
	}
	set_scalar(out, SCN_STR, buf);
	return true;
}

static bool conv_list_of(struct ld *ld, int node, const char *what,
			 const char *const *list, struct scn_value *out)
{
	const char *s = ld_one_of(ld, node, what, list);

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
bool ld_conv_constraint(struct ld *ld, int node,
			const struct scn_field_desc *fd,
			struct scn_value *out)
{
	const char *s = ld_scalar(ld, node, "a count constraint"), *why = "";
	struct scn_count c;
	char buf[64];

	if (!s)
		return false;
	if (scn_count_parse(s, &c, &why)) {
		ld_err(ld, ld_npos(ld, node), "bad count constraint '%.80s': %s", s,
		       why);
		return false;
	}
	set_scalar(out, SCN_STR, scn_count_str(&c, buf, sizeof(buf)));
	out->u = c.n;
	return true;
}

static bool free_key_ok(struct ld *ld, const yaml_node_pair_t *p)
{
	const char *k = ld_pkey(ld, p);
	size_t i;

	for (i = 0; k[i]; i++)
		if (!(ld_is_digit(k[i]) || strchr("_.-", k[i]) ||
		      (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= 'A' && k[i] <= 'Z')))
			break;
	if (i && !k[i] && i <= LD_MAX_NAME)
		return true;
	ld_err(ld, ld_npos(ld, p->key), "invalid field name '%.80s'", k);
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

	if (!ld_want(ld, node, YAML_MAPPING_NODE, fd->key))
		return false;
	out->type = SCN_MAP;
	for_each_pair(ld, node, p) {
		struct scn_value *v;

		if (!free_key_ok(ld, p)) {
			ok = false;
			continue;
		}
		v = ld_map_add(out, ld_pkey(ld, p), ld_npos(ld, p->key));
		v->pos = ld_npos(ld, p->value);
		if (ld_nd(ld, p->value)->type == YAML_MAPPING_NODE &&
		    !(fd->flags & LD_F_INNER))
			ok &= conv_constraint_map(ld, p->value, &inner, v);
		else
			ok &= ld_conv_constraint(ld, p->value, fd, v);
	}
	return ok;
}

static bool conv_state_map(struct ld *ld, int node,
			   const struct scn_field_desc *fd,
			   struct scn_value *out)
{
	yaml_node_pair_t *p;
	bool ok = true;

	if (!ld_want(ld, node, YAML_MAPPING_NODE, fd->key))
		return false;
	out->type = SCN_MAP;
	for_each_pair(ld, node, p) {
		struct scn_value *v;

		if (!ld_ref_check(ld, ld_npos(ld, p->key), SCN_REF_DEVICE,
				  ld_pkey(ld, p))) {
			ok = false;
			continue;
		}
		v = ld_map_add(out, ld_pkey(ld, p), ld_npos(ld, p->key));
		v->pos = ld_npos(ld, p->value);
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

	if (!ld_want(ld, node, YAML_SEQUENCE_NODE, fd->key))
		return false;
	out->type = SCN_LIST;
	for_each_item(ld, node, it) {
		struct scn_value *v = ld_list_add(out);

		v->pos = ld_npos(ld, *it);
		ok &= conv_list_of(ld, *it, "access result", res, v);
	}
	return ok;
}

static bool conv_map(struct ld *ld, int node, const struct scn_field_desc *fd,
		     struct scn_value *out)
{
	return ld_check_map(ld, node, fd->sub, NULL, fd->sub->what, out);
}

static bool conv_target(struct ld *ld, int node,
			const struct scn_field_desc *fd, struct scn_value *out)
{
	yaml_node_t *n = ld_nd(ld, node);

	if (n->type == YAML_SCALAR_NODE && !strcmp(ld_sval(n), "none")) {
		set_scalar(out, SCN_STR, "none");
		return true;
	}
	if (n->type != YAML_MAPPING_NODE) {
		ld_err(ld, ld_npos(ld, node), "expected none or a mapping, got %s",
		       n->type == YAML_SCALAR_NODE ? "a scalar" : ld_shape(n));
		return false;
	}
	return conv_map(ld, node, fd, out);
}

static bool conv_list(struct ld *ld, int node, const struct scn_field_desc *fd,
		      struct scn_value *out)
{
	yaml_node_item_t *it;
	bool ok = true;

	if (!ld_want(ld, node, YAML_SEQUENCE_NODE, fd->key))
		return false;
	out->type = SCN_LIST;
	for_each_item(ld, node, it) {
		struct scn_value *v = ld_list_add(out);

		v->pos = ld_npos(ld, *it);
		ok &= ld_check_map(ld, *it, fd->sub, NULL, fd->sub->what, v);
	}
	return ok;
}

ld_conv_fn *const ld_conv_tab[SCN_FT_NR] = {
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
	[SCN_FT_CONSTRAINT] = ld_conv_constraint,
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
	struct ld_guess g = { .word = ld_sval(ld_nd(ld, key)) };
	char sug[96];
	size_t i;

	for (i = 0; sch && i < sch->nfields; i++)
		ld_guess_try(&g, sch->fields[i].key);
	guess_list(&g, extra);
	ld_err(ld, ld_npos(ld, key), "unknown key '%.80s' in %s%s", g.word, where,
	       ld_guess_str(&g, sug, sizeof(sug)));
}

/*
 * Check map @node against @sch: every key known (keys in @extra are the
 * caller's and skipped), every required key present, every value of its
 * type.  Converted values go to @out (SCN_MAP).  Returns false on errors.
 */
bool ld_check_map(struct ld *ld, int node, const struct scn_schema *sch,
		  const char *const *extra, const char *where,
		  struct scn_value *out)
{
	yaml_node_pair_t *p;
	bool ok = true;
	size_t i;

	if (!ld_want(ld, node, YAML_MAPPING_NODE, where))
		return false;
	out->type = SCN_MAP;
	out->pos = ld_npos(ld, node);
	for_each_pair(ld, node, p) {
		const struct scn_field_desc *fd = field_find(sch, ld_pkey(ld, p));
		struct scn_value *v;

		if (!fd) {
			if (!extra || scn_name_index(extra, ld_pkey(ld, p)) < 0) {
				unknown_key(ld, p->key, sch, extra, where);
				ok = false;
			}
			continue;
		}
		v = ld_map_add(out, fd->key, ld_npos(ld, p->key));
		v->pos = ld_npos(ld, p->value);
		if ((fd->flags & SCN_F_NULL) && ld_is_null(ld_nd(ld, p->value)))
			continue;
		/*
		 * A failed value stays as SCN_NULL (or a partial map/list):
		 * the key is still "there", so cross-field rules do not
		 * report it missing on top of the real error.
		 */
		ok &= ld_conv_tab[fd->type](ld, p->value, fd, v);
	}
	for (i = 0; sch && i < sch->nfields; i++) {
		const struct scn_field_desc *fd = &sch->fields[i];

		if ((fd->flags & SCN_F_REQ) && !ld_map_has_key(ld, node, fd->key)) {
			ld_err(ld, out->pos, "missing key '%s' in %s", fd->key,
			       where);
			ok = false;
		}
	}
	return ok;
}
