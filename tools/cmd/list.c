// SPDX-License-Identifier: MIT
/*
 * list.c - `tsmsim list`: everything a user can write, printed from the
 * same tables the loader checks against, so docs and checks cannot drift.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "cmd.h"
#include "run.h"
#include "load.h"
#include "sim.h"

static void list_schema(FILE *out, const struct scn_schema *sc, int indent)
{
	for (size_t i = 0; i < sc->nfields; i++) {
		const struct scn_field_desc *fd = &sc->fields[i];
		char type[48];

		if (fd->type == SCN_FT_REF || fd->type == SCN_FT_DEFINE)
			snprintf(type, sizeof(type), "%s %s",
				 fd->type == SCN_FT_REF ? "ref" : "defines",
				 scn_ref_name(fd->ref));
		else
			snprintf(type, sizeof(type), "%s", scn_ftype_name(fd->type));
		fprintf(out, "%*s%-22s %-18s %s%s\n", indent, "", fd->key, type,
			fd->flags & SCN_F_REQ ? "(required) " : "",
			fd->help ? fd->help : "");
		if (fd->type == SCN_FT_ENUM && fd->values) {
			fprintf(out, "%*s%-22s %-18s one of:", indent, "", "", "");
			for (size_t v = 0; fd->values[v]; v++)
				fprintf(out, " %s", fd->values[v]);
			fputc('\n', out);
		}
		if (fd->sub && indent < 12)
			list_schema(out, fd->sub, indent + 2);
	}
}

static void list_ops(FILE *out)
{
	fprintf(out, "ops (every step also takes: op, label, at, after, expect)\n"
		"\nunordered: [STEP, ..]  (a step-list item, not an op)\n"
		"  a block of steps that may run in any order; `run` takes file order,\n"
		"  `explore` every order; blocks do not nest.  A step inside takes\n"
		"  needs: [LABEL, ..]: steps of the same block that come first\n");
	for (size_t i = 0; i < scn_nops; i++) {
		fprintf(out, "\n%s  [%s]%s\n  %s\n", scn_ops[i].name,
			scn_op_kind_name(scn_ops[i].kind),
			exec_find((int)i) ? "" : "  (not modelled yet)",
			scn_ops[i].help);
		list_schema(out, &scn_ops[i].schema, 4);
	}
}

static void list_faults(FILE *out)
{
	fprintf(out, "faults (every fault takes: kind, at: before:LABEL | after:LABEL |\n"
		"        during:LABEL#K | CYCLE)\n");
	for (size_t i = 0; i < scn_nfaults; i++) {
		fprintf(out, "\n%s\n  %s\n", scn_faults[i].name, scn_faults[i].help);
		list_schema(out, &scn_faults[i].params, 4);
	}
}

static void list_findings(FILE *out)
{
	for (int k = 0; k < SIM_FIND_NR; k++)
		fprintf(out, "%-20s %s\n", sim_finding_name((enum sim_finding_kind)k),
			sim_finding_help((enum sim_finding_kind)k));
}

static void list_names(FILE *out, const char *title, const char *const *names)
{
	fprintf(out, "%s:\n ", title);
	for (size_t i = 0; names[i]; i++)
		fprintf(out, " %s", names[i]);
	fputc('\n', out);
}

static void list_results(FILE *out)
{
	fprintf(out, "access results:\n ");
	for (int r = 0; r < SIM_RES_NR; r++)
		fprintf(out, " %s", sim_result_name((enum sim_result)r));
	fprintf(out, " (completed = ok or retried)\n");
	list_names(out, "errno results", scn_errno_names);
	list_names(out, "TDISP error results", scn_tdisp_error_names);
	fprintf(out, "firmware results:\n");
	for (size_t i = 0; arch_result_at(i); i++) {
		const struct arch_result_desc *d = arch_result_at(i);

		fprintf(out, "  %-4s %-30s %s %s\n", arch_id_name(d->arch),
			d->name, d->meaning, d->source);
	}
}

/*
 * @ps as a scenario writes it: the largest of ms / us / ns that holds it
 * exactly (every default is whole ns), else picoseconds, which no
 * scenario takes (then only the cycles column is writable).
 */
static void time_str(uint64_t ps, char *buf, size_t len)
{
	static const struct { uint64_t ps; const char *unit; } u[] = {
		{ 1000000000ull, "ms" }, { 1000000ull, "us" }, { 1000ull, "ns" },
	};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ps && ps % u[i].ps == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", ps / u[i].ps, u[i].unit);
			return;
		}
	snprintf(buf, len, "%" PRIu64 "ps", ps);
}

/* Cycles of the default clock, rounded up as the loader converts. */
static uint64_t def_cycles(uint64_t ps)
{
	const uint64_t mhz = 2000;

	return ps / 1000000 * mhz + ((ps % 1000000) * mhz + 999999) / 1000000;
}

static void list_timing(FILE *out)
{
	fprintf(out, "%-16s", "key");
	for (int a = 0; a < ARCH_NR; a++)
		fprintf(out, " %7s %11s", arch_id_name((enum arch_id)a), "cycles");
	fprintf(out, "\n%-16s", "");
	for (int a = 0; a < ARCH_NR; a++)
		fprintf(out, " %7s %11s", "", "@2000MHz");
	fputc('\n', out);
	for (int t = 0; t < AT_NR; t++) {
		const struct arch_timing_desc *d = arch_timing_desc((enum arch_timing)t);

		fprintf(out, "%-16s", d->key);
		for (int a = 0; a < ARCH_NR; a++) {
			uint64_t v = arch_timing_default((enum arch_id)a,
							 (enum arch_timing)t);
			char tm[24];

			if (d->in_cycles)
				snprintf(tm, sizeof(tm), "-");
			else
				time_str(v, tm, sizeof(tm));
			fprintf(out, " %7s %11" PRIu64, tm, d->in_cycles ?
				v : def_cycles(v));
		}
		fprintf(out, "\n%-4s%s\n%-4s%s\n", "", d->help, "", d->source);
	}
	fprintf(out, "\nA scenario's `timing:` block (or a profile's) takes each key in ns, us\n"
		"or ms (converted with clock_mhz, rounded up) or as a plain integer of\n"
		"cycles, e.g. --set timing.iotlb_inval=2us.  The cycles above are at\n"
		"the default clock_mhz: 2000; tsmsim show FILE prints a scenario's own.\n");
}

static void print_line(void *ctx, const char *line)
{
	fprintf(ctx, "%s\n", line);
}

static void list_arches(FILE *out)
{
	for (int a = 0; a < ARCH_NR; a++) {
		struct arch_profile p;

		if (arch_profile_builtin_id((enum arch_id)a, &p))
			continue;
		if (a)
			fputc('\n', out);
		arch_profile_print(&p, print_line, out);
	}
	fprintf(out, "\nA profile file (`base: ARCH`, `timing:`, `rules:`) derives a new\n"
		"one; see docs/arch/ and scenarios/profiles/.\n");
}

static const struct {
	const char *what;
	void (*fn)(FILE *out);
} lists[] = {
	{ "ops", list_ops },
	{ "faults", list_faults },
	{ "findings", list_findings },
	{ "results", list_results },
	{ "arches", list_arches },
	{ "timing", list_timing },
};

/* `list --help`: the usage, then every op name from the schema table. */
static void list_help(FILE *out)
{
	size_t col = 5;

	fprintf(out, "usage: tsmsim list ops|faults|findings|results|arches|timing\n\n");
	fprintf(out, "ops (`list ops` gives their fields):\n    ");
	for (size_t i = 0; i < scn_nops; i++) {
		size_t n = strlen(scn_ops[i].name) + 1;

		if (col + n > 79) {
			fprintf(out, "\n    ");
			col = 5;
		}
		fprintf(out, " %s", scn_ops[i].name);
		col += n;
	}
	fprintf(out, "\n");
}

int cli_list(int argc, char **argv, FILE *out)
{
	if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		list_help(out);
		return 0;
	}
	for (size_t i = 0; argc == 1 && i < sizeof(lists) / sizeof(lists[0]); i++)
		if (!strcmp(argv[0], lists[i].what)) {
			lists[i].fn(out);
			return 0;
		}
	if (argc == 1) {
		const char *names[sizeof(lists) / sizeof(lists[0]) + 1] = { 0 };
		const char *near;

		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			names[i] = lists[i].what;
		near = scn_nearest(argv[0], names);
		fprintf(stderr, "tsmsim list: no list '%s'%s%s%s; there are:", argv[0],
			near ? " (did you mean '" : "", near ? near : "",
			near ? "'?)" : "");
		for (size_t i = 0; names[i]; i++)
			fprintf(stderr, " %s", names[i]);
		fputc('\n', stderr);
		return CLI_EX_USAGE;
	}
	fprintf(stderr, "usage: tsmsim list ops|faults|findings|results|arches|timing\n");
	return CLI_EX_USAGE;
}
