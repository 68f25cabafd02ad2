/* SPDX-License-Identifier: MIT */
/*
 * scenario_internal.h - private to the scenario loader (tools/scenario*.c):
 * the loader context, caps, schema macros and the helpers the loader's
 * files share.  Included only from tools/.
 */
#ifndef TSMSIM_SCENARIO_INTERNAL_H
#define TSMSIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "arch.h"
#include "load.h"
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

/* Caps (the language leaves them to us; docs/scenarios.md lists them). */
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

/*
 * A node written by --set / --inject number si carries a mark whose index
 * is LD_SET_MARK(si): ld_mark_pos() turns it into scn_pos.set = si + 1.
 */
#define LD_MAX_SETS	4096u
#define LD_SET_MARK(si)	(SIZE_MAX - (size_t)(si))

/* The loader's context: everything one scn_load() call needs. */
struct ld {
	const char *file;
	char *dir;		/* for arch profile paths */
	yaml_document_t doc;
	struct scenario *scn;
	struct scn_diags *diags;
	size_t diag0;		/* first diagnostic of this load */
	const struct scn_set *sets;
	size_t nsets;
	unsigned char *dupkey;	/* per node: a later duplicate key */
	size_t nnodes;
	struct ld_symtab syms;
	uint64_t clock_mhz;
	bool in_steps;		/* references must be defined earlier */
	int step;		/* index of the step being validated */
};

struct ld_guess {
	const char *word;
	const char *best;
	unsigned int dist;
};

/* Pairs of a mapping, skipping later duplicates (already reported). */
#define for_each_pair(ld, map, p)                                          \
	for (p = ld_nd(ld, map)->data.mapping.pairs.start;                 \
	     p < ld_nd(ld, map)->data.mapping.pairs.top; p++)              \
		if (!(ld)->dupkey[p->key])

#define for_each_item(ld, seq, it)                                         \
	for (it = ld_nd(ld, seq)->data.sequence.items.start;               \
	     it < ld_nd(ld, seq)->data.sequence.items.top; it++)

/* Converts one value of a field type; ld_conv_tab has one per type. */
typedef bool ld_conv_fn(struct ld *ld, int node, const struct scn_field_desc *fd,
			struct scn_value *out);


/* scenario.c */
void *ld_xcalloc(size_t n, size_t sz);
char *ld_xstrdup(const char *s);
void *ld_grow(void *p, size_t n, size_t sz);
char *ld_set_flag(struct ld *ld, struct scn_pos pos);
void __attribute__((format(printf, 3, 4)))
ld_err(struct ld *ld, struct scn_pos pos, const char *fmt, ...);

/* scenario_doc.c */
yaml_node_t *ld_nd(struct ld *ld, int i);
struct scn_pos ld_mark_pos(yaml_mark_t m);
struct scn_pos ld_npos(struct ld *ld, int i);
const char *ld_sval(yaml_node_t *n);
bool ld_is_null(const yaml_node_t *n);
const char *ld_shape(const yaml_node_t *n);
const char *ld_scalar(struct ld *ld, int i, const char *what);
bool ld_want(struct ld *ld, int i, yaml_node_type_t t, const char *what);
const char *ld_pkey(struct ld *ld, const yaml_node_pair_t *p);
int ld_map_lookup(struct ld *ld, int map, const char *key);
bool ld_map_has_key(struct ld *ld, int map, const char *key);
void ld_value_free(struct scn_value *v);
struct scn_value *ld_map_add(struct scn_value *m, const char *key,
			     struct scn_pos pos);
struct scn_value *ld_list_add(struct scn_value *l);
struct scn_pos ld_vpos(const struct scn_value *map, const char *key,
		       struct scn_pos def);
bool ld_check_caps(struct ld *ld);
void ld_apply_set(struct ld *ld, size_t si);

/* scenario_units.c */
bool ld_is_digit(char c);

/* scenario_fields.c */
void ld_guess_try(struct ld_guess *g, const char *cand);
const char *ld_guess_str(const struct ld_guess *g, char *buf, size_t len);
const struct ld_sym *ld_sym_find(struct ld *ld, enum ld_ns ns,
				 const char *name);
void ld_sym_add(struct ld *ld, enum ld_ns ns, enum scn_ref kind,
		const char *name, struct scn_pos pos);
bool ld_name_ok(const char *s, const char *extra);
const char *ld_check_name(struct ld *ld, int i, const char *what,
			  const char *extra);
enum ld_ns ld_ref_ns(enum scn_ref r);
void ld_ref_missing(struct ld *ld, struct scn_pos pos, enum scn_ref r,
		    const char *name);
bool ld_ref_check(struct ld *ld, struct scn_pos pos, enum scn_ref r,
		  const char *name);
bool ld_result_known(const char *name);
const char *ld_one_of(struct ld *ld, int node, const char *what,
		      const char *const *list);
bool ld_conv_constraint(struct ld *ld, int node,
			const struct scn_field_desc *fd, struct scn_value *out);
extern ld_conv_fn *const ld_conv_tab[SCN_FT_NR];
bool ld_check_map(struct ld *ld, int node, const struct scn_schema *sch,
		  const char *const *extra, const char *where,
		  struct scn_value *out);

/* scenario_platform.c */
bool ld_get_num(struct ld *ld, int node, enum scn_ftype t, uint64_t *out);
void ld_top_clock(struct ld *ld, int node);
void ld_top_name(struct ld *ld, int node);
void ld_top_description(struct ld *ld, int node);
void ld_top_seed(struct ld *ld, int node);
void ld_top_arch(struct ld *ld, int node);
void ld_top_timing(struct ld *ld, int node);
void ld_top_limits(struct ld *ld, int node);
bool ld_is_pow2(uint64_t v);
const struct scn_bar *ld_dev_bar(const struct scn_device *d, uint64_t idx);
void ld_top_platform(struct ld *ld, int node);

/* scenario_steps.c */
const struct scn_bar *ld_bar_check(struct ld *ld, const struct scn_value *m,
				   const char *dev_key, const char *bar_key);
void ld_need_one(struct ld *ld, const struct scn_value *f, const char *a,
		 const char *b, const char *what);
void ld_top_steps(struct ld *ld, int node);

/* scenario_blocks.c */
size_t ld_blocks_flatten(struct ld *ld, int node, int **nodes, int **blocks);
void ld_step_needs(struct ld *ld, int node, struct scn_step *st, size_t idx);
void ld_block_ref(struct ld *ld, const struct ld_sym *sym, struct scn_pos pos);
void ld_blocks_check(struct ld *ld);

/* scenario_sections.c */
void ld_top_traffic(struct ld *ld, int node);
void ld_top_faults(struct ld *ld, int node);
void ld_top_expect(struct ld *ld, int node);

#endif /* TSMSIM_SCENARIO_INTERNAL_H */
