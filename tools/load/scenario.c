// SPDX-License-Identifier: MIT
/*
 * scenario.c - the scenario loader: libyaml document API, schema checks
 * against ops.c, unit conversion (docs/scenarios.md), references, and
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
 *
 * Files: scenario.c (memory, diagnostics, the top-level walk, load, free),
 * scenario_doc.c (document access, caps, --set), scenario_units.c,
 * scenario_fields.c (names, references, converters), scenario_platform.c,
 * scenario_steps.c, scenario_sections.c (traffic, faults, expect); the
 * shared declarations are in scenario_internal.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_internal.h"

static void gpa_check(struct ld *ld);

/* ------------------------------------------------------------ memory */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	TSM_BUG_ON(!p);		/* out of memory: no sensible recovery */
	return p;
}

void *ld_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	TSM_BUG_ON(!p);
	return p;
}

char *ld_xstrdup(const char *s)
{
	return s ? strcpy(xrealloc(NULL, strlen(s) + 1), s) : NULL;
}

/* Grow an array that is only ever appended to: capacity is the next power of two. */
void *ld_grow(void *p, size_t n, size_t sz)
{
	size_t cap = 1;

	if (n && (n & (n - 1)))
		return p;
	while (cap <= n)
		cap <<= 1;
	return xrealloc(p, cap * sz);
}

/* ------------------------------------------------------- diagnostics */

/* "--set P=V" or "--inject F" for a node the @pos.set-th flag wrote; NULL: the file's. */
char *ld_set_flag(struct ld *ld, struct scn_pos pos)
{
	const struct scn_set *s;
	char *flag;

	if (!pos.set || pos.set > ld->nsets)
		return NULL;
	s = &ld->sets[pos.set - 1];
	if (!strcmp(s->path, SCN_SET_INJECT))
		TSM_BUG_ON(asprintf(&flag, "--inject %s", s->value) < 0);
	else
		TSM_BUG_ON(asprintf(&flag, "--set %s=%s", s->path, s->value) < 0);
	return flag;
}

static void diag_push(struct scn_diags *d, const char *file,
		      struct scn_pos pos, char *msg, char *flag)
{
	d->d = ld_grow(d->d, d->n, sizeof(*d->d));
	d->d[d->n].file = ld_xstrdup(file);
	d->d[d->n].pos = pos;
	d->d[d->n].msg = msg;
	d->d[d->n].flag = flag;
	d->n++;
}

void __attribute__((format(printf, 3, 4)))
ld_err(struct ld *ld, struct scn_pos pos, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	TSM_BUG_ON(!msg);
	diag_push(ld->diags, ld->file, pos, msg, ld_set_flag(ld, pos));
}

static int diag_cmp(const void *a, const void *b)
{
	const struct scn_diag *x = a, *y = b;

	/* the flags' errors first, in command-line order */
	if (x->pos.set != y->pos.set)
		return !x->pos.set ? 1 : !y->pos.set ? -1 :
		       x->pos.set < y->pos.set ? -1 : 1;
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
	size_t n = d->n - ld->diag0, i, o = 0;
	struct scn_diag *v;

	/* d->d is NULL when nothing was ever reported: no offset from it (UB) */
	if (!n)
		return;
	v = d->d + ld->diag0;
	qsort(v, n, sizeof(*v), diag_cmp);
	for (i = 0; i < n; i++) {
		if (o && !diag_cmp(&v[o - 1], &v[i])) {
			free(v[i].file);
			free(v[i].msg);
			free(v[i].flag);
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
		if (d->d[i].flag)
			fprintf(f, "%s: error: %s\n", d->d[i].flag, d->d[i].msg);
		else if (d->d[i].pos.line)
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
		free(d->d[i].flag);
	}
	free(d->d);
	d->d = NULL;
	d->n = 0;
}

/* --------------------------------------------------------- the loader */

struct ld_top {
	const char *key;
	int phase;		/* clock first, then sections, steps, users */
	void (*load)(struct ld *ld, int node);
};

static const struct ld_top tops[] = {
	{ "clock_mhz", 0, ld_top_clock },
	{ "scenario", 1, ld_top_name },
	{ "description", 1, ld_top_description },
	{ "arch", 1, ld_top_arch },
	{ "seed", 1, ld_top_seed },
	{ "timing", 1, ld_top_timing },
	{ "limits", 1, ld_top_limits },
	{ "platform", 1, ld_top_platform },
	{ "steps", 2, ld_top_steps },
	{ "traffic", 3, ld_top_traffic },
	{ "faults", 3, ld_top_faults },
	{ "expect", 3, ld_top_expect },
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

	if (!ld_want(ld, 1, YAML_MAPPING_NODE, "the scenario"))
		return;
	for (phase = 0; phase < 4; phase++) {
		for_each_pair(ld, 1, p) {
			const struct ld_top *t = top_find(ld_pkey(ld, p));

			if (!t && !phase) {
				struct ld_guess g = { .word = ld_pkey(ld, p) };
				char sug[96];
				size_t i;

				for (i = 0; i < ARRAY_SIZE(tops); i++)
					ld_guess_try(&g, tops[i].key);
				ld_err(ld, ld_npos(ld, p->key), "unknown top-level key '%.80s'%s",
				       g.word, ld_guess_str(&g, sug, sizeof(sug)));
			}
			if (t && t->phase == phase)
				t->load(ld, p->value);
		}
	}
	if (!ld_map_has_key(ld, 1, "scenario"))
		ld_err(ld, ld_npos(ld, 1), "missing key 'scenario' (the scenario's name)");
	if (!ld->scn->narches)
		ld->scn->arches[ld->scn->narches++] = ld_xstrdup(LD_DEF_ARCH);
	gpa_check(ld);
}

/* ------------------------------------------------- guest addresses */

struct gpa_ck {
	struct ld *ld;
	int arch;
	struct scn_pos *seen;	/* reported once, whichever arch finds it */
	size_t nseen;
};

static void gpa_one(void *ctx, const struct scn_guest *g, uint64_t gpa,
		    struct scn_pos pos)
{
	struct gpa_ck *c = ctx;
	char msg[320];

	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].line == pos.line && c->seen[i].col == pos.col)
			return;
	if (!scn_gpa_error(g, gpa, c->arch, msg, sizeof(msg)))
		return;
	ld_err(c->ld, pos, "%s", msg);
	c->seen = ld_grow(c->seen, c->nseen, sizeof(*c->seen));
	c->seen[c->nseen++] = pos;
}

/* The implementation an arch name or profile file runs on; -1: unknown. */
static int arch_base(const char *name)
{
	struct arch_diag quiet = { NULL, NULL, 0 };
	struct arch_profile *prof;
	int id = arch_id_parse(name);

	if (id >= 0)
		return id;
	prof = ld_xcalloc(1, sizeof(*prof));
	/* an unreadable profile is reported where the run loads it */
	id = arch_profile_resolve(name, prof, &quiet) ? -1 : (int)prof->base;
	free(prof);
	return id;
}

/* docs/scenarios.md: no gpa carries the arch's shared / protected bit. */
static void gpa_check(struct ld *ld)
{
	struct gpa_ck c = { .ld = ld };

	for (size_t i = 0; i < ld->scn->narches; i++) {
		c.arch = arch_base(ld->scn->arches[i]);
		if (c.arch >= 0)
			scn_gpa_walk(ld->scn, gpa_one, &c);
	}
	free(c.seen);
}

static void yaml_error(struct ld *ld, yaml_parser_t *ps, const char *text,
		       size_t len)
{
	struct scn_pos pos = ld_mark_pos(ps->problem_mark);

	/* the reader (bad UTF-8, a NUL) gives a byte offset, not a mark */
	if (ps->error == YAML_READER_ERROR)
		sim_text_pos(text, len, ps->problem_offset, &pos.line, &pos.col);
	if (ps->context)
		ld_err(ld, pos, "YAML syntax: %s %s", ps->problem ? ps->problem : "error",
		       ps->context);
	else
		ld_err(ld, pos, "YAML syntax: %s", ps->problem ? ps->problem : "error");
}

/*
 * Before the document is built: walk the events and stop at the first
 * collection nested deeper than LD_MAX_DEPTH.  libyaml's loader (and its
 * scanner, which rechecks every open flow level per token) is quadratic
 * in the nesting, so 10^5 levels of `[` took half a minute to reach the
 * cap check on the built document; the event parser stops right there.
 * Syntax errors are left to the loader, which reports them the same way.
 */
static bool depth_ok(struct ld *ld, const char *text, size_t len)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	unsigned int depth = 0;
	bool ok = true, done = false;

	TSM_BUG_ON(!yaml_parser_initialize(&ps));
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	while (!done && yaml_parser_parse(&ps, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > LD_MAX_DEPTH) {
				ld_err(ld, ld_mark_pos(ev.start_mark),
				       "nesting deeper than %d levels", LD_MAX_DEPTH);
				ok = false;
				done = true;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps);
	return ok;
}

/* Load exactly one document; false after a diagnostic. */
static bool parse(struct ld *ld, const char *text, size_t len)
{
	yaml_parser_t ps;
	yaml_document_t extra;
	bool ok = false;

	if (!depth_ok(ld, text, len))
		return false;
	TSM_BUG_ON(!yaml_parser_initialize(&ps));
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	if (!yaml_parser_load(&ps, &ld->doc)) {
		yaml_error(ld, &ps, text, len);
		goto out;
	}
	if (!yaml_document_get_root_node(&ld->doc)) {
		ld_err(ld, (struct scn_pos){ 1, 1, 0 }, "the file is empty");
		goto out_doc;
	}
	if (!yaml_parser_load(&ps, &extra)) {
		yaml_error(ld, &ps, text, len);
		goto out_doc;
	}
	if (yaml_document_get_root_node(&extra)) {
		ld_err(ld, ld_mark_pos(extra.start_mark),
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
	struct scenario *scn = ld_xcalloc(1, sizeof(*scn));

	scn->file = ld_xstrdup(file);
	scn->seed = 1;
	scn->clock_mhz = LD_DEF_CLOCK;
	scn->max_cycles = SCN_DEF_MAX_CYCLES;
	scn->max_events = SCN_DEF_MAX_EVENTS;
	scn->platform.iommu = (struct scn_iommu){ 64, 64, 4, 4096 };
	return scn;
}

static char *dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		return ld_xstrdup(".");
	if (slash == file)
		return ld_xstrdup("/");
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
		ld_apply_set(ld, i);
	if (ld_check_caps(ld))
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
		.nsets = nsets,
		.clock_mhz = LD_DEF_CLOCK, .step = -1,
	};
	int rc;

	*out = NULL;
	TSM_BUG_ON(nsets > LD_MAX_SETS);
	ld.scn = scn_new(name);
	ld.dir = dir_of(name);
	rc = load(&ld, text, len, nsets, out);
	scn_free(ld.scn);
	free(ld.dir);
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

/*
 * The whole file, at most LD_MAX_FILE + 1 bytes; NULL with errno set.
 * "-" is standard input, read to its end.
 */
static char *slurp(const char *file, size_t *len)
{
	bool in = !strcmp(file, "-");
	/* a file must be regular (a FIFO must not block); "-" is the user's pipe */
	FILE *f = in ? stdin : sim_fopen_regular(file);
	char *buf;
	int e;

	if (!f)
		return NULL;
	buf = xrealloc(NULL, LD_MAX_FILE + 2);
	*len = fread(buf, 1, LD_MAX_FILE + 1, f);
	e = ferror(f) ? (errno ? errno : EIO) : 0;
	if (!in)
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

		TSM_BUG_ON(asprintf(&msg, "cannot read: %s", sim_open_strerror(errno)) < 0);
		diag_push(diags, file, (struct scn_pos){ 0, 0, 0 }, msg, NULL);
		return -ENOENT;
	}
	if (len > LD_MAX_FILE) {
		free(text);
		diag_push(diags, file, (struct scn_pos){ 1, 1, 0 },
			  ld_xstrdup("the file is larger than 4 MiB"), NULL);
		return -EINVAL;
	}
	/* diagnostics and reports name standard input as compilers do */
	rc = load_common(strcmp(file, "-") ? file : "<stdin>", text, len, sets,
			 nsets, out, diags);
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
		ld_value_free(&pl->devices[i].extra);
	}
	for (i = 0; i < pl->nguests; i++)
		free(pl->guests[i].name);
	free(pl->devices);
	free(pl->guests);
	ld_value_free(&pl->extra);
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
		ld_value_free(&st->fields);
		free(st->needs);
	}
	free(scn->steps);
	free(scn->blocks);
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
		free(scn->faults[i].flag);
		free(scn->faults[i].at.label);
		ld_value_free(&scn->faults[i].params);
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
