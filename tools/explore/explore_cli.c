// SPDX-License-Identifier: MIT
/*
 * explore_cli.c - `tsmsim explore` options and the command itself: load,
 * plan the orders, run them in worker processes, report.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"
#include "explore_internal.h"

static const char usage[] =
"usage: tsmsim explore FILE [--arch A[,B..]] [--jobs N] [--max-orders N]\n"
"                      [--out RESULTS.jsonl] [--write DIR]\n"
"                      [--inject KIND@POINT[,K=V..]]... [--timeout S]\n"
"                      [--no-prune]\n"
"\n"
"Runs every order of FILE's `unordered:` blocks that their `needs:` allow\n"
"(the product over blocks), each a complete run with the scenario's\n"
"traffic, faults and --inject, on each arch, and checks the scenario's\n"
"expectations on each.  Prints one JSON line per order (schema\n"
"tsmsim-explore/1) and a summary line, then a summary for people: orders\n"
"allowed, run, pruned as equivalent, failing, and each distinct failing\n"
"outcome with its order closest to file order.\n"
"\n"
"  --arch A,B      arches (default: the scenario's)\n"
"  --jobs N        worker processes at a time (default 1)\n"
"  --max-orders N  run at most N orders per arch (default 100000); more\n"
"                  is said on stderr and the exit is 1: the rest are\n"
"                  unchecked\n"
"  --out F         the JSON lines go to F; the summary to stdout\n"
"                  (without --out: JSON on stdout, summary on stderr)\n"
"  --write DIR     write each distinct failing outcome's order as a plain\n"
"                  scenario DIR/NAME-ARCH-K.yaml that `tsmsim run` replays\n"
"  --inject F@P    add a fault to every order, as for tsmsim run\n"
"  --timeout S     seconds per worker process (default 60)\n"
"  --no-prune      also run the orders equivalent to one already run\n"
"                  (docs/explore.md says which steps commute)\n"
"\n"
"exit: 0 every order held the expectations, 1 one did not (or crashed,\n"
"or timed out, or --max-orders left orders unchecked), 2 bad command\n"
"line, 65 bad scenario, 66 unreadable file, 70 internal error\n";

static int bad(const char *fmt, const char *arg)
{
	return cli_bad("explore", fmt, arg);
}

static int add_arches(struct xp_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok, *abs;

	if (!copy)
		return CLI_EX_SOFTWARE;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->narches == SCN_MAX_ARCHES) {
			free(copy);
			return bad("--arch: more than %s arches", "8");
		}
		abs = strchr(tok, '/') && tok[0] != '/' ? realpath(tok, NULL) : NULL;
		o->arches[o->narches++] = abs ? abs : strdup(tok);
	}
	free(copy);
	return o->narches ? 0 : bad("--arch needs a value%s", "");
}

static int number(const char *opt, const char *val, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	const char *why;

	if (scn_parse_count(val, out, &why) || *out < min || *out > max) {
		fprintf(stderr, "tsmsim explore: %s wants an integer from %llu to %llu, got '%s'\n(see tsmsim explore --help)\n",
			opt, (unsigned long long)min, (unsigned long long)max, val);
		return CLI_EX_USAGE;
	}
	return 0;
}

static int with_value(struct xp_opts *o, const char *opt, const char *val)
{
	uint64_t v;
	int rc;

	if (!strcmp(opt, "--arch"))
		return add_arches(o, val);
	if (!strcmp(opt, "--jobs")) {
		rc = number(opt, val, 1, 256, &v);
		o->jobs = (unsigned int)v;
		return rc;
	}
	if (!strcmp(opt, "--max-orders"))
		return number(opt, val, 1, 100000000, &o->max_orders);
	if (!strcmp(opt, "--timeout"))
		return number(opt, val, 1, 86400, &o->timeout_s);
	if (!strcmp(opt, "--out") || !strcmp(opt, "--write")) {
		if (!*val)
			return bad("%s wants a path", opt);
		*(!strcmp(opt, "--out") ? &o->out : &o->write_dir) = val;
		return 0;
	}
	if (!strcmp(opt, "--inject")) {
		if (o->nsets == 64)
			return bad("more than %s --inject options", "64");
		o->bufs[o->nsets] = strdup(val);
		o->sets[o->nsets] = (struct scn_set){ SCN_SET_INJECT, o->bufs[o->nsets] };
		o->nsets++;
		return 0;
	}
	return -1;
}

static int one_arg(struct xp_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	char opt[32];
	int rc;

	if (!strcmp(a, "--help") || !strcmp(a, "-h"))
		return CLI_HELP;
	if (!strcmp(a, "--no-prune")) {
		o->prune = false;
		return 0;
	}
	if (a[0] != '-' || !a[1]) {
		if (o->file)
			return bad("more than one FILE ('%s')", a);
		o->file = a;
		return 0;
	}
	if (a[1] == '-' && eq && (size_t)(eq - a) < sizeof(opt)) {
		snprintf(opt, sizeof(opt), "%.*s", (int)(eq - a), a);
		rc = with_value(o, opt, eq + 1);
		return rc < 0 ? bad("unknown option '%s'", a) : rc;
	}
	if (*i + 1 >= argc) {
		rc = with_value(o, a, "");
		return rc < 0 ? bad("unknown option '%s'", a) : bad("%s needs a value", a);
	}
	rc = with_value(o, a, argv[*i + 1]);
	if (rc < 0)
		return bad("unknown option '%s'", a);
	++*i;
	return rc;
}

int xp_parse(int argc, char **argv, struct xp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->prune = true;
	o->jobs = 1;
	o->max_orders = EXPLORE_DEF_MAX_ORDERS;
	o->timeout_s = 60;
	for (int i = 0; i < argc; i++) {
		int rc = one_arg(o, argc, argv, &i);

		if (rc)
			return rc;
	}
	return o->file ? 0 : bad("no FILE given%s", "");
}

void xp_opts_fini(struct xp_opts *o)
{
	for (size_t i = 0; i < o->narches; i++)
		free(o->arches[i]);
	for (size_t i = 0; i < o->nsets; i++)
		free(o->bufs[i]);
	o->narches = o->nsets = 0;
}

/* ------------------------------------------------------------ command */

static int load(const struct xp_opts *o, struct scenario **scn)
{
	struct scn_diags d = { 0 };
	int rc = scn_load(o->file, o->sets, o->nsets, scn, &d);

	scn_diags_print(&d, stderr);
	scn_diags_free(&d);
	if (rc == -ENOENT) {
		fprintf(stderr, "tsmsim: %s: cannot read the file\n", o->file);
		return CLI_EX_NOINPUT;
	}
	return rc ? CLI_EX_DATAERR : 0;
}

static int explore(const struct xp_opts *o, const struct scenario *scn)
{
	const char *const *arches = (const char *const *)(o->narches ? o->arches : scn->arches);
	size_t narch = o->narches ? o->narches : scn->narches, bytes;
	struct xp_plan pl;
	struct xp_slot *slots;
	int rc;

	xp_plan_build(scn, (size_t)o->max_orders, o->prune, &pl);
	bytes = (pl.norders * narch + 1) * sizeof(*slots);
	slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		xp_plan_fini(&pl);
		fprintf(stderr, "tsmsim explore: cannot map %zu bytes of results\n", bytes);
		return CLI_EX_SOFTWARE;
	}
	rc = xp_exec(&pl, arches, narch, o, slots);
	if (!rc)
		rc = xp_report(&pl, arches, narch, o, slots);
	munmap(slots, bytes);
	xp_plan_fini(&pl);
	return rc;
}

int explore_main(int argc, char **argv)
{
	struct xp_opts o;
	struct scenario *scn = NULL;
	int rc = xp_parse(argc, argv, &o);

	if (rc == CLI_HELP) {
		fputs(usage, stdout);
		rc = 0;
	} else if (!rc) {
		rc = load(&o, &scn);
		if (!rc)
			rc = explore(&o, scn);
	}
	scn_free(scn);
	xp_opts_fini(&o);
	return rc;
}
