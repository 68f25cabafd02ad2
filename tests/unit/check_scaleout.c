// SPDX-License-Identifier: MIT
/*
 * check_scaleout.c - the worker pool (each way a task can end), the JSON
 * reader, Slurm array numbering (stepped, sparse, old Slurm), the result
 * line's scenario hash and version, the sweep summary (classes, cells,
 * signatures, formats) and minimize through its public API.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "load.h"
#include "minimize.h"
#include "sweep.h"

/* ------------------------------------------------------------- workers */

struct wctx {
	uint64_t next, n;
	struct workers_end ends[8];
	char outs[8][32];
};

/* Task i: 0 ok, 1 rc 3, 2 a signal, 3 an exit, 4 a hang, 5 echo payload. */
static char *w_run(void *ctx, uint64_t id, const char *payload, size_t len,
		   int *rc)
{
	*rc = 0;
	switch (id) {
	case 1:
		*rc = 3;
		return NULL;
	case 2:
		raise(SIGUSR1);	/* not SIGSEGV: ASan would catch that */
		break;
	case 3:
		_exit(4);
	case 4:
		for (;;)
			pause();
	case 5:
		return strdup(payload);
	}
	return strdup("fine");
}

static bool w_next(void *ctx, uint64_t *id, char **payload, size_t *len)
{
	struct wctx *w = ctx;

	if (w->next == w->n)
		return false;
	*id = w->next++;
	*payload = strdup(*id == 5 ? "echo me" : "");
	*len = strlen(*payload);
	return true;
}

static void w_done(void *ctx, uint64_t id, const struct workers_end *end)
{
	struct wctx *w = ctx;

	w->ends[id] = *end;
	w->ends[id].out = NULL;
	if (end->out)
		snprintf(w->outs[id], sizeof(w->outs[id]), "%s", end->out);
}

START_TEST(every_way_a_task_ends)
{
	static const struct workers_ops ops = { w_run, w_next, w_done };
	struct workers_opts wo = { 2, 300 };
	struct wctx w = { .n = 6 };

	ck_assert_int_eq(workers_run(&wo, &ops, &w), 0);
	ck_assert_int_eq(w.ends[0].st, WORKERS_OK);
	ck_assert_str_eq(w.outs[0], "fine");
	ck_assert_int_eq(w.ends[1].st, WORKERS_FAILED);
	ck_assert_int_eq(w.ends[1].code, 3);
	ck_assert_int_eq(w.ends[2].st, WORKERS_SIGNALED);
	ck_assert_int_eq(w.ends[2].code, SIGUSR1);
	ck_assert_int_eq(w.ends[3].st, WORKERS_FAILED);
	ck_assert_int_eq(w.ends[3].code, 4);
	ck_assert_int_eq(w.ends[4].st, WORKERS_TIMEOUT);
	ck_assert_int_eq(w.ends[5].st, WORKERS_OK);
	ck_assert_str_eq(w.outs[5], "echo me");
}
END_TEST

/* ---------------------------------------------------------------- jsonr */

START_TEST(json_reader)
{
	struct jsonr j;
	const struct jsonr *a;

	ck_assert_int_eq(jsonr_parse(" {\"a\":[1,-2,3.5e1,true,null,\"x\\u00e9\\n\"],"
				     "\"b\":{\"c\":18446744073709551615}} ", &j), 0);
	a = jsonr_get(&j, "a");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->type, JSONR_ARR);
	ck_assert_uint_eq(a->n, 6);
	ck_assert(a->v[0].is_u && a->v[0].u == 1);
	ck_assert(!a->v[1].is_u);
	ck_assert_str_eq(a->v[2].str, "3.5e1");
	ck_assert_int_eq(a->v[3].type, JSONR_BOOL);
	ck_assert_int_eq(a->v[4].type, JSONR_NULL);
	ck_assert_str_eq(a->v[5].str, "x\xc3\xa9\n");
	ck_assert_uint_eq(jsonr_u64(jsonr_get(&j, "b"), "c", 0), UINT64_MAX);
	ck_assert_ptr_null(jsonr_str(&j, "a"));
	ck_assert_uint_eq(jsonr_u64(&j, "nope", 7), 7);
	jsonr_free(&j);
	ck_assert_int_eq(jsonr_parse("{\"a\":1} x", &j), -EINVAL);
	ck_assert_int_eq(jsonr_parse("{\"a\":\"\\q\"}", &j), -EINVAL);
	ck_assert_int_eq(jsonr_parse("[1,]", &j), -EINVAL);
	ck_assert_int_eq(jsonr_parse("{\"a\" 1}", &j), -EINVAL);
	ck_assert_int_eq(jsonr_parse("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
				     &j), -EINVAL);
	ck_assert_int_eq(jsonr_parse("\"tab\there\"", &j), -EINVAL);
}
END_TEST

/* ---------------------------------------------------------------- slurm */

START_TEST(slurm_arrays)
{
	struct sweep_slurm e = { "4", "4", "0", "6", "2" };
	unsigned int k, n;

	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), 0);
	ck_assert_uint_eq(k, 3);
	ck_assert_uint_eq(n, 4);
	e = (struct sweep_slurm){ "8", "4", "2", "8", "2" };	/* --array=2-8:2 */
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), 0);
	ck_assert_uint_eq(k, 4);
	e = (struct sweep_slurm){ "9", "3", "1", "9", "1" };	/* --array=1,4,9 */
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), -EDOM);
	e = (struct sweep_slurm){ "3", "4", "0", "6", "2" };	/* not on the step */
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), -EDOM);
	e = (struct sweep_slurm){ "5", "3", NULL, NULL, NULL };	/* an old Slurm */
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), 0);
	ck_assert_uint_eq(k, 3);
	e = (struct sweep_slurm){ "1", "3", "0", "2", "0" };
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), -EINVAL);
	e = (struct sweep_slurm){ "1", "3", "x", "2", "1" };
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), -EINVAL);
	e = (struct sweep_slurm){ NULL, "3", "0", "2", "1" };
	ck_assert_int_eq(sweep_shard_slurm(&e, &k, &n), -ENOENT);
}
END_TEST

/* ------------------------------------------------------ hash, mismatch */

START_TEST(scenario_hash_and_mismatch)
{
	char dir[] = "/tmp/check_scaleout.XXXXXX", a[64], b[64], c[64];
	char *arches[] = { "tdx" };
	struct scn_set set = { "seed", "2" };
	struct sweep_line_info li = { 0 };
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.yaml", dir);
	snprintf(b, sizeof(b), "%s/b.yaml", dir);
	snprintf(c, sizeof(c), "%s/c.yaml", dir);
	f = fopen(a, "w");
	fputs("scenario: x\nseed: 1\nsteps: [ { op: tsm.connect, device: d } ]\n", f);
	fclose(f);
	f = fopen(b, "w");	/* the same document, another layout */
	fputs("# a comment\nscenario: x\nseed: 1\nsteps:\n  - op: tsm.connect\n    device: d\n", f);
	fclose(f);
	f = fopen(c, "w");
	fputs("scenario: x\nseed: \"1\"\nsteps: [ { op: tsm.connect, device: d } ]\n", f);
	fclose(f);
	ck_assert_uint_eq(sweep_scenario_hash(a, NULL, 0, arches, 1),
			  sweep_scenario_hash(b, NULL, 0, arches, 1));
	ck_assert_uint_ne(sweep_scenario_hash(a, NULL, 0, arches, 1),
			  sweep_scenario_hash(c, NULL, 0, arches, 1));
	ck_assert_uint_ne(sweep_scenario_hash(a, NULL, 0, arches, 1),
			  sweep_scenario_hash(a, &set, 1, arches, 1));
	ck_assert_ptr_nonnull(sweep_line_mismatch(&li, "h", TSMSIM_VERSION));
	li.scenario = "h";
	li.version = TSMSIM_VERSION;
	ck_assert_ptr_null(sweep_line_mismatch(&li, "h", TSMSIM_VERSION));
	ck_assert_ptr_nonnull(sweep_line_mismatch(&li, "g", TSMSIM_VERSION));
	ck_assert_ptr_nonnull(sweep_line_mismatch(&li, "h", "9.9"));
	remove(a);
	remove(b);
	remove(c);
	rmdir(dir);
}
END_TEST

/* -------------------------------------------------------------- summary */

static const char *const lines[] = {
	/* 0: clean */
	"{\"schema\":\"tsmsim-sweep/1\",\"point\":0,\"points\":5,\"scenario\":\"h\",\"version\":\"" TSMSIM_VERSION "\","
	"\"id\":\"tdx/k/before:a\",\"arch\":\"tdx\",\"fault\":\"k\",\"at\":\"before:a\",\"status\":\"ran\","
	"\"findings\":{\"mce\":0},\"first_finding\":null,\"pass\":true,\"unexpected\":[],\"run\":\"tsmsim run f --arch tdx\"}",
	/* 1: unexpected latent-mce at step b */
	"{\"schema\":\"tsmsim-sweep/1\",\"point\":1,\"points\":5,\"scenario\":\"h\",\"version\":\"" TSMSIM_VERSION "\","
	"\"id\":\"tdx/k/during:a#2\",\"arch\":\"tdx\",\"fault\":\"k\",\"at\":\"during:a#2\",\"status\":\"ran\","
	"\"findings\":{\"latent-mce\":2,\"mce\":1},\"first_finding\":{\"name\":\"latent-mce\",\"label\":\"b\",\"line\":9},"
	"\"pass\":false,\"unexpected\":[\"latent-mce\"],\"run\":\"tsmsim run f --inject k@during:a#2\"}",
	/* 2: the same signature, another point */
	"{\"schema\":\"tsmsim-sweep/1\",\"point\":2,\"points\":5,\"scenario\":\"h\",\"version\":\"" TSMSIM_VERSION "\","
	"\"id\":\"tdx/k/after:a\",\"arch\":\"tdx\",\"fault\":\"k\",\"at\":\"after:a\",\"status\":\"ran\","
	"\"findings\":{\"latent-mce\":1,\"mce\":3},\"first_finding\":{\"name\":\"latent-mce\",\"label\":\"b\",\"line\":9},"
	"\"pass\":false,\"unexpected\":[\"latent-mce\"],\"run\":\"tsmsim run f --inject k@after:a\"}",
	/* 3: expected findings, no label */
	"{\"schema\":\"tsmsim-sweep/1\",\"point\":3,\"points\":5,\"scenario\":\"h\",\"version\":\"" TSMSIM_VERSION "\","
	"\"id\":\"sev/k/before:a\",\"arch\":\"sev\",\"fault\":\"k\",\"at\":\"before:a\",\"status\":\"ran\","
	"\"findings\":{\"mce\":1},\"first_finding\":{\"name\":\"mce\",\"label\":null,\"line\":4},"
	"\"pass\":true,\"unexpected\":[],\"run\":\"r3\"}",
	/* 4: crashed */
	"{\"schema\":\"tsmsim-sweep/1\",\"point\":4,\"points\":5,\"scenario\":\"h\",\"version\":\"" TSMSIM_VERSION "\","
	"\"id\":\"sev/j/after:a\",\"arch\":\"sev\",\"fault\":\"j\",\"at\":\"after:a\",\"status\":\"crashed\","
	"\"findings\":null,\"first_finding\":null,\"pass\":false,\"unexpected\":[],\"run\":\"r4\"}",
};

static char *render(const struct sweep_summary *s, enum sweep_fmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sweep_summary_write(f, s, fmt);
	fclose(f);
	return buf;
}

START_TEST(summary_classes_cells_signatures)
{
	struct sweep_summary *s = sweep_summary_new();
	int kind;
	char *t;

	/* in reverse, and point 1 twice: order and duplicates do not matter */
	for (int i = 4; i >= 0; i--)
		ck_assert_int_eq(sweep_summary_add(s, lines[i]), 0);
	ck_assert_int_eq(sweep_summary_add(s, lines[1]), 0);
	ck_assert_int_eq(sweep_summary_add(s, "{}"), -EINVAL);
	sweep_summary_build(s);
	ck_assert_uint_eq(s->npts, 5);
	ck_assert_uint_eq(s->dups, 1);
	ck_assert_uint_eq(s->cls[SS_CLEAN], 1);
	ck_assert_uint_eq(s->cls[SS_UNEXPECTED], 2);
	ck_assert_uint_eq(s->cls[SS_EXPECTED], 1);
	ck_assert_uint_eq(s->cls[SS_CRASHED], 1);
	ck_assert_uint_eq(s->narches, 2);
	ck_assert_uint_eq(s->nsteps, 1);
	/* tdx, kind k, step a: before clean, during and after latent-mce */
	ck_assert_int_eq(sweep_summary_cell_class(sweep_summary_cell(s, 0, 0, 0, 0), &kind), SS_CLEAN);
	ck_assert_int_eq(sweep_summary_cell_class(sweep_summary_cell(s, 0, 0, 0, 1), &kind), SS_UNEXPECTED);
	ck_assert_int_eq(kind, SIM_FIND_LATENT_MCE);
	/* signatures: tdx unexpected x2, sev crashed, sev expected */
	ck_assert_uint_eq(s->nsigs, 3);
	ck_assert_uint_eq(s->sigs[0].count, 2);
	ck_assert_uint_eq(s->pts[s->sigs[0].pt].point, 1);
	ck_assert_int_eq(s->pts[s->sigs[1].pt].cls, SS_CRASHED);
	t = render(s, SWEEP_FMT_TEXT);
	ck_assert_ptr_nonnull(strstr(t, "5 of 5 points"));
	ck_assert_ptr_nonnull(strstr(t, "first latent-mce at b"));
	ck_assert_ptr_nonnull(strstr(t, "first mce at line 4"));
	ck_assert_ptr_nonnull(strstr(t, "tsmsim run f --inject k@during:a#2"));
	ck_assert_ptr_nonnull(strstr(t, " .CC"));
	free(t);
	t = render(s, SWEEP_FMT_JSON);
	ck_assert_ptr_nonnull(strstr(t, "\"cells\":[\"clean\",\"latent-mce\",\"latent-mce\"]"));
	free(t);
	t = render(s, SWEEP_FMT_MD);
	ck_assert_ptr_nonnull(strstr(t, "| k | `.CC` |"));
	free(t);
	t = render(s, SWEEP_FMT_HTML);
	ck_assert_ptr_nonnull(strstr(t, "<table>"));
	free(t);
	sweep_summary_free(s);
}
END_TEST

/* ------------------------------------------------------------- minimize */

static const char mz_text[] =
"scenario: mz-unit\n"
"description: a bound VM destroyed, with steps that do not matter\n"
"arch: tdx\n"
"platform:\n"
"  devices:\n"
"    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }\n"
"    - { name: dev1, bars: [ { index: 0, size: 64KiB } ] }\n"
"  guests:\n"
"    - { name: td0, confidential: true, memory: 1GiB }\n"
"steps:\n"
"  - { op: tsm.connect, device: dev1, label: other }\n"
"  - { op: tsm.connect, device: dev0 }\n"
"  - { op: tsm.bind, device: dev0, guest: td0, label: bind }\n"
"  - { op: device.tdisp, device: dev1, request: LOCK_INTERFACE, label: lock1 }\n"
"  - { op: vm.destroy, guest: td0, label: destroy }\n"
"expect:\n"
"  findings: { teardown-order: 1 }\n";

START_TEST(minimize_shrinks_and_pins)
{
	char dir[] = "/tmp/check_mz.XXXXXX", file[64], out[64], *argv[8], *text;
	struct mz_opts o;
	FILE *f;
	long len;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/s.yaml", dir);
	snprintf(out, sizeof(out), "%s/m.yaml", dir);
	f = fopen(file, "w");
	fputs(mz_text, f);
	fclose(f);
	argv[0] = file;
	argv[1] = "--jobs";
	argv[2] = "2";
	argv[3] = "--out";
	argv[4] = out;
	ck_assert_int_eq(minimize_parse(5, argv, &o), 0);
	ck_assert_int_eq(minimize_main(&o), 0);
	minimize_opts_fini(&o);
	f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc((size_t)len + 1, 1);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), len);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "# Minimized by tsmsim minimize"));
	ck_assert_ptr_nonnull(strstr(text, "teardown-order at step 5 (vm.destroy [destroy], line 15)"));
	ck_assert_ptr_null(strstr(text, "dev1"));		/* its steps and device cut */
	ck_assert_ptr_null(strstr(text, "lock1"));
	ck_assert_ptr_nonnull(strstr(text, "findings: {teardown-order: 1}"));
	ck_assert_ptr_nonnull(strstr(text, "scenario: mz-unit-min"));
	free(text);
	/* a bad option, a second arch */
	argv[1] = "--arch";
	argv[2] = "tdx,sev";
	ck_assert_int_eq(minimize_parse(3, argv, &o), CLI_EX_USAGE);
	minimize_opts_fini(&o);
	argv[1] = "--timeout";
	argv[2] = "0";
	ck_assert_int_eq(minimize_parse(3, argv, &o), CLI_EX_USAGE);
	minimize_opts_fini(&o);
	remove(file);
	remove(out);
	rmdir(dir);
}
END_TEST

Suite *scaleout_suite(void)
{
	Suite *su = suite_create("scaleout");
	TCase *tc = tcase_create("scaleout");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, every_way_a_task_ends);
	tcase_add_test(tc, json_reader);
	tcase_add_test(tc, slurm_arrays);
	tcase_add_test(tc, scenario_hash_and_mismatch);
	tcase_add_test(tc, summary_classes_cells_signatures);
	tcase_add_test(tc, minimize_shrinks_and_pins);
	suite_add_tcase(su, tc);
	return su;
}
