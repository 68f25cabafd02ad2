// SPDX-License-Identifier: MIT
/* sweep_cli.c - `tsmsim sweep` option parsing and shard selection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "sweep.h"

static int bad(const char *fmt, const char *arg)
{
	return cli_bad("sweep", fmt, arg);
}

/* Split @list on ',' into a new array; empty items are an error. */
static int split(const char *list, char ***out, size_t *n)
{
	const char *p = list;

	*out = NULL;
	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len)
			return -EINVAL;
		*out = sim_xrealloc(*out, *n + 1, sizeof(**out));
		(*out)[*n] = strndup(p, len);
		TSM_BUG_ON(!(*out)[*n]);
		(*n)++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int set_arches(struct sweep_opts *o, const char *list)
{
	char **v;
	size_t n;

	if (split(list, &v, &n) || n > SCN_MAX_ARCHES) {
		free_list(v, n);
		return bad("--arch wants A[,B..] (at most 8), got '%s'", list);
	}
	for (size_t i = 0; i < n; i++)
		if (cli_check_arch("sweep", v[i])) {
			free_list(v, n);
			return CLI_EX_USAGE;
		}
	for (size_t i = 0; i < o->narches; i++)
		free(o->arches[i]);
	for (size_t i = 0; i < n; i++) {
		/* a profile path is relative to the working directory */
		char *abs = strchr(v[i], '/') && v[i][0] != '/' ?
			    realpath(v[i], NULL) : NULL;

		o->arches[i] = abs ? abs : sim_xstrdup(v[i]);
		TSM_BUG_ON(!o->arches[i]);
	}
	o->narches = n;
	free_list(v, n);
	return 0;
}

static int set_list(const char *opt, const char *list, char ***v, size_t *n)
{
	free_list(*v, *n);
	*v = NULL;
	*n = 0;
	if (!strcmp(list, "all"))
		return 0;
	if (split(list, v, n))
		return bad("%s wants all or a comma list", opt);
	return 0;
}

static int check_faults(const struct sweep_opts *o)
{
	for (size_t i = 0; i < o->nfaults; i++)
		if (scn_fault_find(o->faults[i]) < 0)
			return bad("--faults: unknown fault kind '%s' (tsmsim list faults)",
				   o->faults[i]);
	return 0;
}

static int add_dim(struct sweep_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct sweep_dim *d;

	if (!eq || eq == arg || !eq[1])
		return bad("--set wants PATH=V1[,V2..], got '%s'", arg);
	if (o->ndims == SWEEP_MAX_SETS)
		return bad("more than 64 --set options%s", "");
	d = &o->dims[o->ndims];
	if (split(eq + 1, &d->values, &d->nvalues)) {
		free_list(d->values, d->nvalues);
		d->values = NULL;
		return bad("--set: an empty value in '%s'", arg);
	}
	d->path = strndup(arg, (size_t)(eq - arg));
	TSM_BUG_ON(!d->path);
	o->ndims++;
	return 0;
}

static int set_uint(const char *opt, const char *val, unsigned int max,
		    unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	if (*end || end == val || v < 1 || v > max) {
		fprintf(stderr, "tsmsim sweep: %s wants an integer 1..%u, got '%s'\n(see tsmsim sweep --help)\n",
			opt, max, val);
		return CLI_EX_USAGE;
	}
	*out = (unsigned int)v;
	return 0;
}

/* S seconds, or Nms: a short timeout for tests. */
static int set_timeout(struct sweep_opts *o, const char *val)
{
	char *end;
	unsigned long long v = strtoull(val, &end, 10);

	if (end == val || !v || v > 86400000ULL)
		return bad("--timeout wants seconds (or Nms) >= 1, got '%s'", val);
	if (!strcmp(end, "ms"))
		o->timeout_ms = v;
	else if (!*end || !strcmp(end, "s"))
		o->timeout_ms = v * 1000;
	else
		return bad("--timeout wants seconds (or Nms) >= 1, got '%s'", val);
	return 0;
}

int sweep_parse_shard(const char *text, unsigned int *k, unsigned int *n)
{
	char *end;
	unsigned long kk = strtoul(text, &end, 10), nn;

	if (end == text || *end != '/')
		return -EINVAL;
	text = end + 1;
	nn = strtoul(text, &end, 10);
	if (end == text || *end || !kk || !nn || kk > nn || nn > 1000000)
		return -EINVAL;
	*k = (unsigned int)kk;
	*n = (unsigned int)nn;
	return 0;
}

static int env_u(const char *v, unsigned long *out)
{
	char *end;

	if (!v || !*v || *v == '-')
		return -EINVAL;
	*out = strtoul(v, &end, 10);
	return *end || *out > 100000000UL ? -EINVAL : 0;
}

int sweep_shard_slurm(const struct sweep_slurm *e, unsigned int *k,
		      unsigned int *n)
{
	unsigned long id, cnt, min, max, step;

	if (!e->id || !e->count || !*e->id || !*e->count)
		return -ENOENT;
	if (env_u(e->id, &id) || env_u(e->count, &cnt) || !cnt || cnt > 1000000)
		return -EINVAL;
	*n = (unsigned int)cnt;
	if (!e->min || !e->step) {
		/* a Slurm without MIN / STEP: any N consecutive ids */
		*k = (unsigned int)(id % cnt) + 1;
		return 0;
	}
	if (env_u(e->min, &min) || env_u(e->step, &step) || !step)
		return -EINVAL;
	if (e->max && (env_u(e->max, &max) || max != min + step * (cnt - 1)))
		return -EDOM;	/* ids that are not MIN, MIN+STEP, ..: sparse */
	if (id < min || (id - min) % step || (id - min) / step >= cnt)
		return -EDOM;
	*k = (unsigned int)((id - min) / step) + 1;
	return 0;
}

int sweep_shard_env(const char *task_id, const char *task_count,
		    unsigned int *k, unsigned int *n)
{
	struct sweep_slurm e = { .id = task_id, .count = task_count };

	return sweep_shard_slurm(&e, k, n);
}

bool sweep_in_shard(size_t index, unsigned int k, unsigned int n)
{
	return !n || index % n == k - 1;
}

static bool takes_value(const char *opt)
{
	static const char *const opts[] = {
		"--arch", "--faults", "--points", "--set", "--jobs",
		"--shard", "--timeout", "--out", "--format", NULL,
	};

	for (size_t i = 0; opts[i]; i++)
		if (!strcmp(opt, opts[i]))
			return true;
	return false;
}

static int with_value(void *ctx, const char *opt, const char *val)
{
	struct sweep_opts *o = ctx;

	if (!strcmp(opt, "--arch"))
		return set_arches(o, val);
	if (!strcmp(opt, "--faults")) {
		int rc = set_list(opt, val, &o->faults, &o->nfaults);

		return rc ? rc : check_faults(o);
	}
	if (!strcmp(opt, "--points"))
		return set_list(opt, val, &o->points, &o->npoints);
	if (!strcmp(opt, "--set"))
		return add_dim(o, val);
	if (!strcmp(opt, "--jobs"))
		return set_uint(opt, val, 1024, &o->jobs);
	if (!strcmp(opt, "--timeout"))
		return set_timeout(o, val);
	if (!strcmp(opt, "--out")) {
		if (!*val)
			return bad("--out wants a file name%s", "");
		o->out = val;
		return 0;
	}
	if (!strcmp(opt, "--format")) {
		static const char *const names[] = { "text", "md", "html", "json" };

		for (int i = 0; i < 4; i++)
			if (!strcmp(val, names[i])) {
				o->format = i;
				return 0;
			}
		return bad("--format wants text, md, html or json, got '%s'", val);
	}
	if (!strcmp(opt, "--shard")) {
		if (sweep_parse_shard(val, &o->shard_k, &o->shard_n))
			return bad("--shard wants K/N with 1 <= K <= N, got '%s'", val);
		return 0;
	}
	return -1;
}

static int one_arg(struct sweep_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--help") || !strcmp(a, "-h"))
		return CLI_HELP;
	if (a[0] != '-' || !a[1]) {
		o->files = sim_xrealloc(o->files, o->nfiles + 1, sizeof(*o->files));
		o->files[o->nfiles++] = a;
		o->file = o->files[0];
		return 0;
	}
	if (!strcmp(a, "--resume")) {
		o->resume = true;
		return 0;
	}
	if (!strcmp(a, "--summary")) {
		o->summary = true;
		return 0;
	}
	return cli_value_opt("sweep", argc, argv, i, o, with_value, takes_value);
}

static int shard_from_env(struct sweep_opts *o)
{
	struct sweep_slurm e = {
		getenv("SLURM_ARRAY_TASK_ID"), getenv("SLURM_ARRAY_TASK_COUNT"),
		getenv("SLURM_ARRAY_TASK_MIN"), getenv("SLURM_ARRAY_TASK_MAX"),
		getenv("SLURM_ARRAY_TASK_STEP"),
	};
	int rc = sweep_shard_slurm(&e, &o->shard_k, &o->shard_n);

	if (rc == -EINVAL)
		return bad("SLURM_ARRAY_TASK_ID / _COUNT / _MIN / _MAX / _STEP are not integers%s",
			   "");
	if (rc == -EDOM) {
		fprintf(stderr, "tsmsim sweep: the Slurm array is sparse: task %s of %s tasks, ids %s..%s step %s are not\n"
			"  MIN, MIN+STEP, .. MAX, so the tasks cannot be numbered as shards 1..COUNT;\n"
			"  submit a range (--array=A-B or A-B:S) or give --shard K/N yourself\n",
			e.id, e.count, e.min, e.max ? e.max : "?", e.step);
		return CLI_EX_USAGE;
	}
	return 0;
}

int sweep_parse(int argc, char **argv, struct sweep_opts *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	o->timeout_ms = 60 * 1000;
	for (int i = 0; i < argc; i++) {
		rc = one_arg(o, argc, argv, &i);
		if (rc)
			return rc;
	}
	if (!o->file)
		return bad(o->summary ? "--summary: no RESULTS file given%s" :
			   "no FILE given%s", "");
	if (o->summary)
		return o->resume ? bad("--summary and --resume do not go together%s", "") : 0;
	if (o->nfiles > 1)
		return bad("more than one FILE ('%s')", o->files[1]);
	if (o->resume && !o->out)
		return bad("--resume needs --out RESULTS.jsonl%s", "");
	return o->shard_n ? 0 : shard_from_env(o);
}

void sweep_opts_fini(struct sweep_opts *o)
{
	for (size_t i = 0; i < o->narches; i++)
		free(o->arches[i]);
	free(o->files);
	free_list(o->faults, o->nfaults);
	free_list(o->points, o->npoints);
	for (size_t i = 0; i < o->ndims; i++) {
		free(o->dims[i].path);
		free_list(o->dims[i].values, o->dims[i].nvalues);
	}
	memset(o, 0, sizeof(*o));
}
