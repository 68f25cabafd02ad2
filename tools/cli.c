// SPDX-License-Identifier: MIT
/* cli.c - `tsmsim run` option parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "tsmsim run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see tsmsim run --help)\n");
	return CLI_EX_USAGE;
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
	if (o->nsets == CLI_MAX_SETS)
		return bad("more than 64 --set / --inject options%s", "");
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

/* The output-file options (docs/outputs.md); main.c writes the files. */
static const char *const out_flags[] = {
	"--junit", "--vcd", "--trace", "--html", NULL,
};

static int set_out(struct cli_run *o, const char *opt, const char *path)
{
	const char **slot = !strcmp(opt, "--junit") ? &o->junit :
			    !strcmp(opt, "--vcd") ? &o->vcd :
			    !strcmp(opt, "--trace") ? &o->trace : &o->html;

	if (!*path)
		return bad("%s wants a file name", opt);
	*slot = path;
	return 0;
}

static bool takes_value(const char *opt)
{
	if (!strcmp(opt, "--arch") || !strcmp(opt, "--seed") ||
	    !strcmp(opt, "--set") || !strcmp(opt, "--inject") ||
	    !strcmp(opt, "--timeout"))
		return true;
	for (size_t i = 0; out_flags[i]; i++)
		if (!strcmp(opt, out_flags[i]))
			return true;
	return false;
}

/* Apply an option that takes a value; -1 when @opt is not one. */
static int with_value(struct cli_run *o, const char *opt, const char *val)
{
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
	const char *eq = strchr(a, '=');
	char opt[32];
	int rc;

	if (!strcmp(a, "--help") || !strcmp(a, "-h"))
		return CLI_HELP;
	if (a[0] != '-' || !a[1]) {
		if (o->file)
			return bad("more than one FILE ('%s')", a);
		o->file = a;
		return 0;
	}
	if (!flag(o, a))
		return 0;
	/* --opt=value and --opt value */
	if (a[1] == '-' && eq && (size_t)(eq - a) < sizeof(opt)) {
		snprintf(opt, sizeof(opt), "%.*s", (int)(eq - a), a);
		rc = with_value(o, opt, eq + 1);
		return rc < 0 ? bad("unknown option '%s'", a) : rc;
	}
	if (!takes_value(a))
		return bad("unknown option '%s'", a);
	if (*i + 1 >= argc)
		return bad("%s needs a value", a);
	return with_value(o, a, argv[++*i]);
}

int cli_parse_run(int argc, char **argv, struct cli_run *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		int rc = one_arg(o, argc, argv, &i);

		if (rc)
			return rc;
	}
	if (!o->file)
		return bad("no FILE given%s", "");
	o->ropts.verbose = o->verbose;
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
