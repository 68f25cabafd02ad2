// SPDX-License-Identifier: MIT
/*
 * check_sweep.c - `tsmsim sweep` and `merge`: the point enumeration
 * (count, order, ids, seeds, independent of --jobs and --shard), the
 * parameters chosen per fault kind, set combinations, shard selection,
 * the JSON line writer and reader, one point run in-process, a small
 * sweep with workers and --resume, and merge.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sweep.h"
#include "load.h"

static const char scn_text[] =
"scenario: sweep-unit\n"
"arch: [tdx, sev]\n"
"seed: 7\n"
"platform:\n"
"  devices:\n"
"    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }\n"
"    - { name: dev1, bars: [ { index: 0, size: 64KiB } ] }\n"
"steps:\n"
"  - { op: tsm.connect, device: dev0 }\n"
"  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: lock }\n"
"  - { op: device.tdisp, device: dev0, request: STOP_INTERFACE, label: stop }\n"
"expect:\n"
"  state: { dev0: CONFIG_UNLOCKED }\n";

struct tmp {
	char dir[64];
	char file[96];
};

static void tmp_make(struct tmp *t)
{
	FILE *f;

	snprintf(t->dir, sizeof(t->dir), "/tmp/check_sweep.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->file, sizeof(t->file), "%s/u.yaml", t->dir);
	f = fopen(t->file, "w");
	ck_assert_ptr_nonnull(f);
	fputs(scn_text, f);
	fclose(f);
}

static void tmp_path(const struct tmp *t, const char *name, char *buf,
		     size_t len)
{
	snprintf(buf, len, "%s/%s", t->dir, name);
}

static void tmp_clean(struct tmp *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Parse a command line given as one string of space-separated words. */
static int parse(const char *line, struct sweep_opts *o)
{
	char *copy = strdup(line), *argv[32], *save = NULL;
	int argc = 0, rc;

	for (char *w = strtok_r(copy, " ", &save); w && argc < 32;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	rc = sweep_parse(argc, argv, o);
	/* o->file and o->out point into argv: keep them alive */
	if (o->file)
		o->file = strdup(o->file);
	if (o->out)
		o->out = strdup(o->out);
	free(copy);
	return rc;
}

static void opts_fini(struct sweep_opts *o)
{
	free((char *)o->file);
	free((char *)o->out);
	o->file = o->out = NULL;
	sweep_opts_fini(o);
}

static int build(const struct tmp *t, const char *args, struct sweep_opts *o,
		 struct sweep_plan *p)
{
	char line[512];
	int rc;

	snprintf(line, sizeof(line), "%s %s", t->file, args);
	ck_assert_int_eq(parse(line, o), 0);
	rc = sweep_plan_build(o, p);
	return rc;
}

START_TEST(enumeration_count_order_ids_seeds)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;
	static const char *const first[8] = {
		"tdx/drop-invalidation/before:lock",
		"tdx/drop-invalidation/during:lock#1",
		"tdx/drop-invalidation/during:lock#2",
		"tdx/drop-invalidation/after:lock",
		"tdx/drop-invalidation/before:stop",
		"tdx/drop-invalidation/during:stop#1",
		"tdx/drop-invalidation/during:stop#2",
		"tdx/drop-invalidation/after:stop",
	};

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--faults drop-invalidation,tdisp-busy", &o, &p), 0);
	/* 2 arches x 2 kinds x 2 labelled steps x (before, 2 during, after) */
	ck_assert_uint_eq(p.npoints, 32);
	for (size_t i = 0; i < 8; i++)
		ck_assert_str_eq(p.points[i].id, first[i]);
	ck_assert_str_eq(p.points[8].id, "tdx/tdisp-busy/before:lock");
	ck_assert_str_eq(p.points[16].id, "sev/drop-invalidation/before:lock");
	ck_assert_str_eq(p.points[31].id, "sev/tdisp-busy/after:stop");
	ck_assert_str_eq(p.points[9].inject, "tdisp-busy@during:lock#1");
	for (size_t i = 0; i < p.npoints; i++) {
		ck_assert_uint_eq(p.points[i].index, i);
		ck_assert_uint_eq(p.points[i].seed, sweep_point_seed(7, i));
		ck_assert(p.points[i].seed & 1);
	}
	ck_assert_uint_ne(p.points[0].seed, p.points[1].seed);
	ck_assert_uint_eq(sweep_point_seed(7, 0), sim_splitmix64(7) | 1);
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

START_TEST(enumeration_ignores_jobs_and_shard)
{
	struct tmp t;
	struct sweep_opts o1, o2;
	struct sweep_plan p1, p2;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--faults skip-step,device-flr --arch sev", &o1, &p1), 0);
	ck_assert_int_eq(build(&t, "--faults skip-step,device-flr --arch sev --jobs 7 --shard 2/3",
			       &o2, &p2), 0);
	ck_assert_uint_eq(o2.shard_k, 2);
	ck_assert_uint_eq(o2.shard_n, 3);
	ck_assert_uint_eq(o2.jobs, 7);
	ck_assert_uint_eq(p1.npoints, p2.npoints);
	/*
	 * skip-step: 5 points (during:stop#1, #2 and after:stop act on the
	 * step after the last one: never planned); device-flr: 8 x 2 devices
	 */
	ck_assert_uint_eq(p1.npoints, 21);
	for (size_t i = 0; i < p1.npoints; i++) {
		ck_assert_str_eq(p1.points[i].id, p2.points[i].id);
		ck_assert_uint_eq(p1.points[i].seed, p2.points[i].seed);
	}
	ck_assert_str_eq(p1.points[4].id, "sev/skip-step/before:stop");
	ck_assert_str_eq(p1.points[5].id, "sev/device-flr:dev0/before:lock");
	ck_assert_str_eq(p1.points[5].inject, "device-flr@before:lock,device=dev0");
	ck_assert_str_eq(p1.points[6].id, "sev/device-flr:dev1/before:lock");
	sweep_plan_fini(&p1);
	sweep_plan_fini(&p2);
	opts_fini(&o1);
	opts_fini(&o2);
	tmp_clean(&t);
}
END_TEST

START_TEST(kind_parameters_and_skips)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;
	bool guest_note = false;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--arch tdx --points after:lock "
			       "--faults importer-slow-unmap,delay-invalidation,tdisp-error,guest-access,firmware-error",
			       &o, &p), 0);
	/* no firmware call follows the LOCK (raw TDISP requests): skipped */
	ck_assert_uint_eq(p.npoints, 4);
	ck_assert_uint_eq(p.nnotes, 2);
	ck_assert_ptr_nonnull(strstr(p.notes[1], "firmware-error on tdx skipped"));
	ck_assert_str_eq(p.points[0].inject,
			 "importer-slow-unmap@after:lock,importer=kvm,delay=10us");
	ck_assert_str_eq(p.points[1].id, "tdx/importer-slow-unmap:iommufd/after:lock");
	ck_assert_str_eq(p.points[2].inject, "delay-invalidation@after:lock,delay=10us");
	ck_assert_str_eq(p.points[3].inject, "tdisp-error@after:lock,error=UNSPECIFIED");
	for (size_t i = 0; i < p.nnotes; i++)
		guest_note |= strstr(p.notes[i], "guest-access skipped") != NULL;
	ck_assert(guest_note);
	sweep_plan_fini(&p);
	opts_fini(&o);
	/* at cycle 0: the first call of tsm.connect, with the arch's error */
	ck_assert_int_eq(build(&t, "--arch tdx,sev --points 0 --faults firmware-error",
			       &o, &p), 0);
	ck_assert_uint_eq(p.npoints, 2);
	ck_assert_str_eq(p.points[0].inject,
			 "firmware-error@0,call=TDH.SPDM.CREATE,error=TDX_OPERAND_INVALID");
	ck_assert_str_eq(p.points[0].id, "tdx/firmware-error:TDH.SPDM.CREATE/0");
	ck_assert_ptr_nonnull(strstr(p.points[1].inject, ",error=INVALID_TDI"));
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

START_TEST(set_combinations)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--arch tdx --faults skip-step --points before:lock "
			       "--set seed=3,4 --set platform.devices.0.bars.0.size=64KiB "
			       "--set platform.devices.1.bars.0.size=4KiB,8KiB,1MiB",
			       &o, &p), 0);
	ck_assert_uint_eq(p.ncombos, 6);
	ck_assert_uint_eq(p.npoints, 6);
	ck_assert_str_eq(p.points[0].id, "tdx/skip-step/before:lock/seed=3/platform.devices.1.bars.0.size=4KiB");
	ck_assert_str_eq(p.points[1].id, "tdx/skip-step/before:lock/seed=3/platform.devices.1.bars.0.size=8KiB");
	ck_assert_str_eq(p.points[5].id, "tdx/skip-step/before:lock/seed=4/platform.devices.1.bars.0.size=1MiB");
	ck_assert_uint_eq(p.combos[0].nsets, 3);
	ck_assert_uint_eq(p.combos[0].nswept, 2);
	/* the seed comes from the combination's scenario seed */
	ck_assert_uint_eq(p.points[0].seed, sweep_point_seed(3, 0));
	ck_assert_uint_eq(p.points[5].seed, sweep_point_seed(4, 5));
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

START_TEST(plan_errors)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--points before:nolabel", &o, &p), CLI_EX_USAGE);
	sweep_plan_fini(&p);
	opts_fini(&o);
	ck_assert_int_eq(build(&t, "--points sideways:lock", &o, &p), CLI_EX_USAGE);
	sweep_plan_fini(&p);
	opts_fini(&o);
	ck_assert_int_eq(build(&t, "--set seed=1,0", &o, &p), CLI_EX_DATAERR);
	sweep_plan_fini(&p);
	opts_fini(&o);
	ck_assert_int_eq(build(&t, "--arch /nonexistent/p.yaml --faults skip-step --points before:lock", &o, &p), 0);
	sweep_plan_fini(&p);
	opts_fini(&o);
	ck_assert_int_eq(build(&t, "--arch /nonexistent/p.yaml", &o, &p), CLI_EX_DATAERR);
	sweep_plan_fini(&p);
	opts_fini(&o);
	/* a name that is no arch and no file is a bad command line */
	ck_assert_int_eq(parse("f.yaml --arch tdc", &o), CLI_EX_USAGE);
	sweep_plan_fini(&p);
	opts_fini(&o);
	ck_assert_int_eq(parse("/nonexistent.yaml", &o), 0);
	ck_assert_int_eq(sweep_plan_build(&o, &p), CLI_EX_NOINPUT);
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

START_TEST(shards)
{
	unsigned int k, n;

	for (size_t i = 0; i < 50; i++) {
		unsigned int hits = 0;

		for (unsigned int s = 1; s <= 4; s++)
			hits += sweep_in_shard(i, s, 4);
		ck_assert_uint_eq(hits, 1);
		ck_assert(sweep_in_shard(i, 1, 0));
	}
	ck_assert(sweep_in_shard(5, 2, 4));
	ck_assert(!sweep_in_shard(5, 1, 4));
	ck_assert_int_eq(sweep_parse_shard("2/3", &k, &n), 0);
	ck_assert_uint_eq(k, 2);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(sweep_parse_shard("0/3", &k, &n), -EINVAL);
	ck_assert_int_eq(sweep_parse_shard("4/3", &k, &n), -EINVAL);
	ck_assert_int_eq(sweep_parse_shard("1/", &k, &n), -EINVAL);
	ck_assert_int_eq(sweep_parse_shard("1/2x", &k, &n), -EINVAL);
	ck_assert_int_eq(sweep_shard_env("0", "4", &k, &n), 0);
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(sweep_shard_env("4", "4", &k, &n), 0);
	ck_assert_uint_eq(k, 1);
	ck_assert_int_eq(sweep_shard_env("3", "4", &k, &n), 0);
	ck_assert_uint_eq(k, 4);
	ck_assert_int_eq(sweep_shard_env(NULL, "4", &k, &n), -ENOENT);
	ck_assert_int_eq(sweep_shard_env("1", NULL, &k, &n), -ENOENT);
	ck_assert_int_eq(sweep_shard_env("x", "4", &k, &n), -EINVAL);
	ck_assert_int_eq(sweep_shard_env("1", "0", &k, &n), -EINVAL);
}
END_TEST

START_TEST(command_line)
{
	struct sweep_opts o;

	ck_assert_int_eq(parse("f.yaml --jobs 0", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --shard 3/2", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --resume", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --faults frob", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --set novalue", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --set seed=1,,2", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --timeout 5x", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --frob", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml g.yaml", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("--jobs 2", &o), CLI_EX_USAGE);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --help", &o), CLI_HELP);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --timeout=250ms --faults=all --points all --set seed=1,2",
			       &o), 0);
	ck_assert_uint_eq(o.timeout_ms, 250);
	ck_assert_uint_eq(o.nfaults, 0);
	ck_assert_uint_eq(o.npoints, 0);
	ck_assert_uint_eq(o.dims[0].nvalues, 2);
	ck_assert_uint_eq(o.jobs, 1);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --timeout 2", &o), 0);
	ck_assert_uint_eq(o.timeout_ms, 2000);
	opts_fini(&o);
	/* SLURM gives K/N when --shard is absent; --shard wins */
	setenv("SLURM_ARRAY_TASK_ID", "5", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	ck_assert_int_eq(parse("f.yaml", &o), 0);
	ck_assert_uint_eq(o.shard_k, 2);
	ck_assert_uint_eq(o.shard_n, 4);
	opts_fini(&o);
	ck_assert_int_eq(parse("f.yaml --shard 1/2", &o), 0);
	ck_assert_uint_eq(o.shard_k, 1);
	ck_assert_uint_eq(o.shard_n, 2);
	opts_fini(&o);
	setenv("SLURM_ARRAY_TASK_COUNT", "many", 1);
	ck_assert_int_eq(parse("f.yaml", &o), CLI_EX_USAGE);
	opts_fini(&o);
	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	ck_assert_int_eq(parse("f.yaml", &o), 0);
	ck_assert_uint_eq(o.shard_n, 0);
	opts_fini(&o);
}
END_TEST

START_TEST(line_writer_and_reader)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;
	struct sweep_result r = { .status = SWEEP_TIMEOUT };
	struct sweep_line_info li;
	char *line, *weird;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--arch tdx --faults skip-step --points before:lock,after:lock",
			       &o, &p), 0);
	ck_assert_uint_eq(p.npoints, 2);
	/* an id with every character the writer escapes */
	weird = p.points[1].id;
	p.points[1].id = strdup("a\"b\\c\nd\te\x01f/\xc3\xa9");
	line = sweep_line(&p, &p.points[1], &r);
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(strstr(line, "\"status\":\"timeout\",\"fired\":null,\"findings\":null,"
				     "\"first_finding\":null,\"cycles\":null,\"pass\":false,"
				     "\"unexpected\":[],\"run\":\"tsmsim run "));
	/* the run command reproduces the point: arch, seed and fault */
	ck_assert_ptr_nonnull(strstr(line, " --arch tdx --seed "));
	ck_assert_ptr_nonnull(strstr(line, " --inject skip-step@after:lock\"}\n"));
	ck_assert_ptr_nonnull(strstr(line, ",\"scenario\":\""));
	ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
	ck_assert_int_eq(sweep_line_parse(line, &li), 0);
	ck_assert_uint_eq(li.point, 1);
	ck_assert_uint_eq(li.npoints, 2);
	ck_assert_int_eq(li.status, SWEEP_TIMEOUT);
	ck_assert_str_eq(li.id, p.points[1].id);
	sweep_line_info_fini(&li);
	free(line);
	free(p.points[1].id);
	p.points[1].id = weird;

	r.status = SWEEP_RAN;
	r.findings[SIM_FIND_MCE] = 2;
	r.cycles = 123;
	r.pass = true;
	r.fired = false;
	r.unexpected[SIM_FIND_MCE] = true;
	r.unexpected[SIM_FIND_WATCHDOG] = true;
	line = sweep_line(&p, &p.points[0], &r);
	ck_assert_ptr_nonnull(strstr(line, "{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
				     "\"scenario\":\""));
	ck_assert_ptr_nonnull(strstr(line, "\",\"version\":\"" TSMSIM_VERSION "\","
				     "\"id\":\"tdx/skip-step/before:lock\",\"arch\":\"tdx\","
				     "\"fault\":\"skip-step\",\"at\":\"before:lock\","
				     "\"inject\":\"skip-step@before:lock\",\"set\":{},\"seed\":"));
	ck_assert_ptr_nonnull(strstr(line, "\"status\":\"ran\",\"fired\":false,\"findings\":{\"mce\":2,\"host-fault\":0,"));
	ck_assert_ptr_nonnull(strstr(line, "\"first_finding\":null,\"cycles\":123,\"pass\":true,"
				     "\"unexpected\":[\"mce\",\"watchdog\"],\"run\":"));
	ck_assert_int_eq(sweep_line_parse(line, &li), 0);
	ck_assert_int_eq(li.status, SWEEP_RAN);
	sweep_line_info_fini(&li);
	free(line);

	/* what the reader refuses */
	ck_assert_int_eq(sweep_line_parse("", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\"", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/2\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\"}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":2,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\"}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ok\"}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"point\":1,"
					  "\"points\":2,\"id\":\"x\",\"status\":\"ran\"}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\"} x", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\",\"n\":[1,-2.5e3,{\"a\":[true,null]}],"
					  "\"u\":\"\\u00e9\\/\"}\r\n", &li), 0);
	ck_assert_str_eq(li.id, "x");
	sweep_line_info_fini(&li);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\",\"status\":\"ran\",\"n\":[1,]}", &li), -EINVAL);
	ck_assert_int_eq(sweep_line_parse("{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":2,"
					  "\"id\":\"x\\q\",\"status\":\"ran\"}", &li), -EINVAL);
	ck_assert_str_eq(sweep_status_name(SWEEP_CRASHED), "crashed");
	ck_assert_str_eq(sweep_status_name(SWEEP_STATUS_NR), "?");
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

START_TEST(one_point_in_process)
{
	struct tmp t;
	struct sweep_opts o;
	struct sweep_plan p;
	struct sweep_line_info li;
	char *line;
	int rc;

	tmp_make(&t);
	ck_assert_int_eq(build(&t, "--arch tdx --faults tdisp-busy,drop-invalidation --points before:lock",
			       &o, &p), 0);
	line = sweep_run_point(&p, &p.points[0], &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(line);
	/* LOCK answered BUSY: the step fails and TDISP says so */
	ck_assert_ptr_nonnull(strstr(line, "\"status\":\"ran\""));
	ck_assert_ptr_nonnull(strstr(line, "\"pass\":false,"));
	ck_assert_ptr_null(strstr(line, "\"tdisp-protocol\":0"));
	ck_assert_ptr_nonnull(strstr(line, "\"first_finding\":{\"name\":\"tdisp-protocol\""));
	ck_assert_int_eq(sweep_line_parse(line, &li), 0);
	ck_assert_uint_eq(li.point, 0);
	sweep_line_info_fini(&li);
	free(line);
	/* no invalidation to drop here: the scenario's expectations hold */
	line = sweep_run_point(&p, &p.points[1], &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(line, "\"pass\":true,\"unexpected\":[],"));
	ck_assert_ptr_nonnull(strstr(line, "\"first_finding\":null"));
	free(line);
	sweep_plan_fini(&p);
	opts_fini(&o);
	tmp_clean(&t);
}
END_TEST

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;

	ck_assert_ptr_nonnull(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

START_TEST(workers_resume_and_merge)
{
	struct tmp t;
	struct sweep_opts o;
	char out[128], s1[128], s2[128], merged[128], line[512], junk[128];
	const char *files[3];
	char *a, *b;
	FILE *f;

	tmp_make(&t);
	tmp_path(&t, "all.jsonl", out, sizeof(out));
	tmp_path(&t, "s1.jsonl", s1, sizeof(s1));
	tmp_path(&t, "s2.jsonl", s2, sizeof(s2));
	tmp_path(&t, "merged.jsonl", merged, sizeof(merged));
	tmp_path(&t, "junk.jsonl", junk, sizeof(junk));

	snprintf(line, sizeof(line), "%s --arch tdx --faults skip-step,tdisp-busy --points before:lock,after:lock --jobs 3 --out %s",
		 t.file, out);
	ck_assert_int_eq(parse(line, &o), 0);
	ck_assert_int_eq(sweep_main(&o), 0);
	opts_fini(&o);
	ck_assert_uint_eq(count_lines(out), 4);

	snprintf(line, sizeof(line), "%s --arch tdx --faults skip-step,tdisp-busy --points before:lock,after:lock --shard 1/2 --out %s",
		 t.file, s1);
	ck_assert_int_eq(parse(line, &o), 0);
	ck_assert_int_eq(sweep_main(&o), 0);
	opts_fini(&o);
	ck_assert_uint_eq(count_lines(s1), 2);
	/* shard 2 cut short inside its second line, then resumed */
	snprintf(line, sizeof(line), "%s --arch tdx --faults skip-step,tdisp-busy --points before:lock,after:lock --shard 2/2 --out %s",
		 t.file, s2);
	ck_assert_int_eq(parse(line, &o), 0);
	ck_assert_int_eq(sweep_main(&o), 0);
	a = read_text(s2);
	*(strchr(a, '\n') + 20) = 0;
	write_text(s2, a);
	free(a);
	o.resume = true;
	ck_assert_int_eq(sweep_main(&o), 0);
	opts_fini(&o);
	ck_assert_uint_eq(count_lines(s2), 2);

	files[0] = s2;
	files[1] = s1;
	ck_assert_int_eq(sweep_merge(files, 2, merged), 0);
	a = read_text(merged);
	files[0] = out;
	ck_assert_int_eq(sweep_merge(files, 1, out), 0);	/* in place */
	b = read_text(out);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "\"point\":0,"));
	ck_assert(strstr(a, "\"point\":0,") < strstr(a, "\"point\":1,"));
	free(a);
	free(b);

	/* a missing point, a duplicate, a line that is not a result */
	ck_assert_int_eq(sweep_merge(files + 1, 0, merged), CLI_EX_FAIL);
	files[0] = s1;
	ck_assert_int_eq(sweep_merge(files, 1, merged), CLI_EX_FAIL);
	files[1] = s1;
	files[2] = s2;
	ck_assert_int_eq(sweep_merge(files, 3, merged), CLI_EX_FAIL);
	write_text(junk, "{\"schema\":\"other\"}\n");
	files[1] = junk;
	ck_assert_int_eq(sweep_merge(files, 2, merged), CLI_EX_DATAERR);
	files[1] = "/nonexistent.jsonl";
	ck_assert_int_eq(sweep_merge(files, 2, merged), CLI_EX_NOINPUT);
	files[1] = s2;
	ck_assert_int_eq(sweep_merge(files, 2, "/nonexistent/dir/m.jsonl"), CLI_EX_USAGE);

	/* resume refuses the results of another sweep */
	snprintf(line, sizeof(line), "%s --arch sev --faults skip-step --points before:lock --resume --out %s",
		 t.file, s1);
	ck_assert_int_eq(parse(line, &o), 0);
	ck_assert_int_eq(sweep_main(&o), CLI_EX_USAGE);
	opts_fini(&o);
	f = fopen(s1, "r");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	tmp_clean(&t);
}
END_TEST

START_TEST(timeout_kills_the_worker)
{
	struct tmp t;
	struct sweep_opts o;
	char line[512], out[128];
	char *text;

	tmp_make(&t);
	tmp_path(&t, "t.jsonl", out, sizeof(out));
	/* traffic that runs for minutes; the worker is killed after 50 ms */
	write_text(t.file,
		   "scenario: long\narch: tdx\n"
		   "platform:\n  guests:\n    - { name: vm0, confidential: false, memory: 16MiB }\n"
		   "  devices:\n    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }\n"
		   "steps:\n  - { op: iommufd.ioas, name: a, label: ioas }\n"
		   "  - { op: iommufd.map, ioas: a, iova: 0x100000000, size: 16MiB, guest: vm0, gpa: 0 }\n"
		   "  - { op: iommufd.attach, device: dev0, to: a, label: attached }\n"
		   "traffic:\n  - { name: d, from: device:dev0, op: dma_read, iova: 0x100000000,"
		   " span: 16MiB, size: 64, pattern: sequential, gap: 10, count: 1e12, start: attached }\n");
	snprintf(line, sizeof(line), "%s --faults drop-invalidation --points after:ioas --timeout 50ms --out %s",
		 t.file, out);
	ck_assert_int_eq(parse(line, &o), 0);
	ck_assert_int_eq(sweep_main(&o), CLI_EX_FAIL);
	opts_fini(&o);
	text = read_text(out);
	ck_assert_ptr_nonnull(strstr(text, "\"status\":\"timeout\""));
	free(text);
	tmp_clean(&t);
}
END_TEST

Suite *sweep_suite(void)
{
	Suite *su = suite_create("sweep");
	TCase *tc = tcase_create("sweep");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, enumeration_count_order_ids_seeds);
	tcase_add_test(tc, enumeration_ignores_jobs_and_shard);
	tcase_add_test(tc, kind_parameters_and_skips);
	tcase_add_test(tc, set_combinations);
	tcase_add_test(tc, plan_errors);
	tcase_add_test(tc, shards);
	tcase_add_test(tc, command_line);
	tcase_add_test(tc, line_writer_and_reader);
	tcase_add_test(tc, one_point_in_process);
	tcase_add_test(tc, workers_resume_and_merge);
	tcase_add_test(tc, timeout_kills_the_worker);
	suite_add_tcase(su, tc);
	return su;
}
