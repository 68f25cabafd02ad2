// SPDX-License-Identifier: MIT
/* cli.c - `tsmsim run` option parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "cli.h"
#include "load.h"

int cli_bad(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "tsmsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see tsmsim %s --help)\n", cmd);
	return CLI_EX_USAGE;
}

static int bad(const char *fmt, const char *arg)
{
	return cli_bad("run", fmt, arg);
}

int cli_value_opt(const char *cmd, int argc, char **argv, int *i, void *ctx,
		  cli_with_fn *with, bool (*takes)(const char *opt))
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	char opt[32];
	int rc;

	if (a[1] == '-' && eq && (size_t)(eq - a) < sizeof(opt)) {
		snprintf(opt, sizeof(opt), "%.*s", (int)(eq - a), a);
		rc = with(ctx, opt, eq + 1);
		return rc < 0 ? cli_bad(cmd, "unknown option '%s'", a) : rc;
	}
	if (!takes(a))
		return cli_bad(cmd, "unknown option '%s'", a);
	if (*i + 1 >= argc)
		return cli_bad(cmd, "%s needs a value", a);
	return with(ctx, a, argv[++*i]);
}

/*
 * An --arch item is a built-in arch or a profile file: a path with a '/',
 * a name ending in .yaml / .yml, or a file that exists.  Anything else is
 * a typo, told here (exit 2) with the arches there are.
 */
int cli_check_arch(const char *cmd, const char *name)
{
	const char *names[ARCH_NR + 1] = { 0 }, *near;
	size_t len = strlen(name);

	for (int a = 0; a < ARCH_NR; a++) {
		names[a] = arch_id_name((enum arch_id)a);
		if (!strcmp(name, names[a]))
			return 0;
	}
	if (strchr(name, '/') || (len > 5 && !strcmp(name + len - 5, ".yaml")) ||
	    (len > 4 && !strcmp(name + len - 4, ".yml")) || !access(name, F_OK))
		return 0;
	near = scn_nearest(name, names);
	fprintf(stderr, "tsmsim %s: --arch: unknown arch '%s'", cmd, name);
	if (near)
		fprintf(stderr, " (did you mean '%s'?)", near);
	fprintf(stderr, "\n  arches:");
	for (int a = 0; a < ARCH_NR; a++)
		fprintf(stderr, " %s", names[a]);
	fprintf(stderr, ", or a profile file (PATH.yaml; tsmsim list arches)\n");
	return CLI_EX_USAGE;
}

/* The fault kinds' names, NULL-terminated, for scn_nearest(). */
static const char **fault_names(void)
{
	const char **v = calloc(scn_nfaults + 1, sizeof(*v));

	for (size_t i = 0; v && i < scn_nfaults; i++)
		v[i] = scn_faults[i].name;
	return v;
}

static int inject_bad(const char *cmd, const char *arg, const char *why,
		      const char *what, const char *near)
{
	fprintf(stderr, "tsmsim %s: --inject %s: %s", cmd, arg, why);
	if (what)
		fprintf(stderr, " '%s'", what);
	if (near)
		fprintf(stderr, " (did you mean '%s'?)", near);
	fprintf(stderr, "\n  KIND@POINT[,KEY=VALUE..]: tsmsim list faults; POINT is before:LABEL,\n"
		"  after:LABEL, during:LABEL#K or a cycle\n");
	return CLI_EX_USAGE;
}

/* A parameter @key of the fault kind @fd, or why not. */
static int inject_param(const char *cmd, const char *arg,
			const struct scn_fault_desc *fd, const char *key)
{
	const char *names[64] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < fd->params.nfields && n < 63; i++) {
		names[n++] = fd->params.fields[i].key;
		if (!strcmp(key, fd->params.fields[i].key))
			return 0;
	}
	return inject_bad(cmd, arg, "the fault takes no parameter", key,
			  scn_nearest(key, names));
}

/*
 * The syntax of KIND@POINT[,KEY=VALUE..]: the kind and its parameter
 * names from the catalog, the point's form.  Labels and values need the
 * scenario: the loader checks them and names the flag.
 */
int cli_check_inject(const char *cmd, const char *arg)
{
	char *text = strdup(arg), *at, *tok, *save = NULL;
	const char **names;
	struct scn_point pt;
	const char *why = NULL;
	int idx, rc = 0;

	if (!text)
		return CLI_EX_SOFTWARE;
	at = strchr(text, '@');
	if (!at || at == text) {
		free(text);
		return inject_bad(cmd, arg, "wants KIND@POINT[,KEY=VALUE..]", NULL, NULL);
	}
	*at++ = 0;
	idx = scn_fault_find(text);
	if (idx < 0) {
		names = fault_names();
		rc = inject_bad(cmd, arg, "unknown fault kind", text,
				names ? scn_nearest(text, names) : NULL);
		free(names);
		free(text);
		return rc;
	}
	tok = strtok_r(at, ",", &save);
	if (!tok || scn_parse_point(tok, 1000, &pt, &why))
		rc = inject_bad(cmd, arg, why ? why : "no POINT after '@'", NULL, NULL);
	else
		free(pt.label);
	while (!rc && (tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok) {
			rc = inject_bad(cmd, arg, "a parameter wants KEY=VALUE, got", tok, NULL);
			break;
		}
		*eq = 0;
		rc = inject_param(cmd, arg, &scn_faults[idx], tok);
	}
	free(text);
	return rc;
}

static int add_arches(struct cli_run *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok, *abs;

	if (!copy)
		return CLI_EX_SOFTWARE;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->narches == SCN_MAX_ARCHES) {
			free(copy);
			return bad("--arch: more than %s arches", "8");
		}
		if (cli_check_arch("run", tok)) {
			free(copy);
			return CLI_EX_USAGE;
		}
		/*
		 * A profile path on the command line is relative to the
		 * working directory (one in the file, to the file's folder).
		 */
		abs = strchr(tok, '/') && tok[0] != '/' ? realpath(tok, NULL) : NULL;
		o->arches[o->narches] = abs ? abs : strdup(tok);
		if (!o->arches[o->narches++]) {
			free(copy);
			return CLI_EX_SOFTWARE;
		}
	}
	free(copy);
	return o->narches ? 0 : bad("--arch needs a value%s", "");
}

static int add_inject(struct cli_run *o, const char *arg)
{
	int rc;

	if (o->nsets == CLI_MAX_SETS)
		return bad("more than 64 --set / --inject options%s", "");
	if ((rc = cli_check_inject("run", arg)))
		return rc;
	o->set_bufs[o->nsets] = strdup(arg);
	if (!o->set_bufs[o->nsets])
		return CLI_EX_SOFTWARE;
	o->sets[o->nsets].path = SCN_SET_INJECT;
	o->sets[o->nsets].value = o->set_bufs[o->nsets];
	o->nsets++;
	return 0;
}

static int add_set(struct cli_run *o, const char *arg)
{
	char *buf, *eq;

	if (o->nsets == CLI_MAX_SETS)
		return bad("more than 64 --set options%s", "");
	buf = strdup(arg);
	if (!buf)
		return CLI_EX_SOFTWARE;
	eq = strchr(buf, '=');
	o->set_bufs[o->nsets] = buf;
	if (!eq || eq == buf) {
		o->nsets++;
		return bad("--set wants PATH=VALUE, got '%s'", arg);
	}
	*eq = 0;
	o->sets[o->nsets].path = buf;
	o->sets[o->nsets].value = eq + 1;
	o->nsets++;
	return 0;
}

/* S seconds, or Nms (the same syntax as sweep's --timeout). */
static int set_timeout(struct cli_run *o, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (end == arg || !v || v > 86400000ULL || arg[0] == '-')
		return bad("--timeout wants seconds (or Nms) >= 1, got '%s'", arg);
	if (!strcmp(end, "ms"))
		o->ropts.timeout_ms = v;
	else if ((!*end || !strcmp(end, "s")) && v <= 86400ULL)
		o->ropts.timeout_ms = v * 1000;
	else
		return bad("--timeout wants seconds (or Nms) >= 1, got '%s'", arg);
	return 0;
}

static int set_seed(struct cli_run *o, const char *arg)
{
	const char *why;

	if (scn_parse_count(arg, &o->ropts.seed, &why) || !o->ropts.seed)
		return bad("--seed wants an integer >= 1, got '%s'", arg);
	o->ropts.has_seed = true;
	return 0;
}

/*
 * --checkers all|none: `none` registers no checker (the cost of judging,
 * docs/performance.md); the reports say so, and expectations that need a
 * checker are counted as not judged rather than held.
 */
static int set_checkers(struct cli_run *o, const char *arg)
{
	if (strcmp(arg, "all") && strcmp(arg, "none"))
		return bad("--checkers wants all or none, got '%s'", arg);
	o->checkers = arg;
	o->ropts.no_checkers = !strcmp(arg, "none");
	return 0;
}

/* The output-file options (docs/outputs.md); main.c writes the files. */
static const char *const out_flags[] = {
	"--junit", "--vcd", "--trace", "--html", "--stats-file", NULL,
};

static int set_out(struct cli_run *o, const char *opt, const char *path)
{
	const char **slot = !strcmp(opt, "--junit") ? &o->junit :
			    !strcmp(opt, "--vcd") ? &o->vcd :
			    !strcmp(opt, "--trace") ? &o->trace :
			    !strcmp(opt, "--stats-file") ? &o->stats_file : &o->html;

	if (!*path)
		return bad("%s wants a file name", opt);
	*slot = path;
	return 0;
}

static bool takes_value(const char *opt)
{
	if (!strcmp(opt, "--arch") || !strcmp(opt, "--seed") ||
	    !strcmp(opt, "--set") || !strcmp(opt, "--inject") ||
	    !strcmp(opt, "--timeout") || !strcmp(opt, "--checkers"))
		return true;
	for (size_t i = 0; out_flags[i]; i++)
		if (!strcmp(opt, out_flags[i]))
			return true;
	return false;
}

/* Apply an option that takes a value; -1 when @opt is not one. */
static int with_value(void *ctx, const char *opt, const char *val)
{
	struct cli_run *o = ctx;

	if (!strcmp(opt, "--arch"))
		return add_arches(o, val);
	if (!strcmp(opt, "--seed"))
		return set_seed(o, val);
	if (!strcmp(opt, "--set"))
		return add_set(o, val);
	if (!strcmp(opt, "--inject"))
		return add_inject(o, val);
	if (!strcmp(opt, "--timeout"))
		return set_timeout(o, val);
	if (!strcmp(opt, "--checkers"))
		return set_checkers(o, val);
	for (size_t i = 0; out_flags[i]; i++)
		if (!strcmp(opt, out_flags[i]))
			return set_out(o, opt, val);
	return -1;
}

static int flag(struct cli_run *o, const char *opt)
{
	if (!strcmp(opt, "--json"))
		o->json = true;
	else if (!strcmp(opt, "--stats"))
		o->stats = true;
	else if (!strcmp(opt, "-q") || !strcmp(opt, "--quiet"))
		o->verbose = -1;
	else if (!strcmp(opt, "-v") || !strcmp(opt, "--verbose"))
		o->verbose = 1;
	else
		return -1;
	return 0;
}

static int one_arg(struct cli_run *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--help") || !strcmp(a, "-h"))
		return CLI_HELP;
	if (a[0] != '-' || !a[1]) {
		if (o->nfiles && o->one_file)
			return bad("more than one FILE ('%s')", a);
		if (o->nfiles == CLI_MAX_FILES)
			return bad("more than 256 FILEs ('%s')", a);
		o->files[o->nfiles++] = a;
		o->file = o->files[0];
		return 0;
	}
	if (!flag(o, a))
		return 0;
	return cli_value_opt("run", argc, argv, i, o, with_value, takes_value);
}

int cli_parse_run(int argc, char **argv, struct cli_run *o)
{
	bool one = o->one_file;

	memset(o, 0, sizeof(*o));
	o->one_file = one;
	for (int i = 0; i < argc; i++) {
		int rc = one_arg(o, argc, argv, &i);

		if (rc)
			return rc;
	}
	if (!o->file)
		return bad("no FILE given%s", "");
	/* the timelines are one scenario's; the JUnit report takes them all */
	if (o->nfiles > 1 && (o->vcd || o->trace || o->html))
		return bad("--vcd, --trace and --html take one FILE (%s were given)",
			   o->nfiles > 9 ? "many" : "several");
	o->ropts.verbose = o->verbose;
	o->ropts.stats = o->stats || o->stats_file;
	return 0;
}

void cli_run_fini(struct cli_run *o)
{
	for (size_t i = 0; i < o->narches; i++)
		free(o->arches[i]);
	for (size_t i = 0; i < o->nsets; i++)
		free(o->set_bufs[i]);
	o->narches = o->nsets = 0;
}
