// SPDX-License-Identifier: MIT
/*
 * check_runstats.c - what issue 12 added to the command line's engine:
 * the --stats collector (latency distribution, p99, bounded memory,
 * firmware and TDISP counts, a meaning for every counter), the --arch and
 * --inject checks, and the HTML timeline's marks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out.h"
#include "run.h"
#include "load.h"

/* Emit one completed access of latency @lat at cycle @now. */
static void access_rec(struct sim *s, uint64_t lat, bool write)
{
	struct sim_rec rec = { .type = SIM_REC_ACCESS };

	rec.u.access.who = SIM_INIT_DEVICE;
	rec.u.access.initiator = "dev0";
	rec.u.access.write = write;
	rec.u.access.issued = sim_now(s) - lat;
	sim_trace_emit(s, &rec);
}

static char *json_of(struct run_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	run_stats_json(f, r);
	fclose(f);
	return buf;
}

static void nothing(struct sim *s, void *subject, void *object)
{
}

/* A sim advanced to cycle @c with nothing else going on. */
static struct sim *sim_at(uint64_t c)
{
	struct sim *s = sim_create(1);

	ck_assert_ptr_nonnull(s);
	sim_event_schedule(s, c, SIM_PRIO_STATE, nothing, NULL, NULL);
	sim_run_until(s, c);
	ck_assert_uint_eq(sim_now(s), c);
	return s;
}

START_TEST(latency_min_mean_p99_max)
{
	struct run_result r = { .sim = sim_at(1000000) };
	struct run_stats *st = run_stats_create();
	char *j;

	ck_assert_int_eq(run_stats_attach(r.sim, st), 0);
	r.stats = st;
	/* 98 of 10 cycles, 2 of 500: nearest-rank p99 is the 99th = 500 */
	for (int i = 0; i < 98; i++)
		access_rec(r.sim, 10, false);
	access_rec(r.sim, 500, false);
	access_rec(r.sim, 500, false);
	access_rec(r.sim, 7, true);
	j = json_of(&r);
	ck_assert_ptr_nonnull(strstr(j, "\"device.read\":{\"count\":100,\"min\":10,\"mean\":19,\"p99\":500,\"max\":500,\"exact\":true}"));
	ck_assert_ptr_nonnull(strstr(j, "\"device.write\":{\"count\":1,\"min\":7,\"mean\":7,\"p99\":7,\"max\":7,\"exact\":true}"));
	free(j);
	run_stats_destroy(st);
	sim_destroy(r.sim);
}
END_TEST

/* Past 4096 distinct latencies the histogram coarsens instead of growing. */
START_TEST(latency_memory_is_bounded)
{
	struct run_result r = { .sim = sim_at(100000000) };
	struct run_stats *st = run_stats_create();
	char *j;

	ck_assert_int_eq(run_stats_attach(r.sim, st), 0);
	r.stats = st;
	for (uint64_t v = 1; v <= 10000; v++)
		access_rec(r.sim, v, false);
	j = json_of(&r);
	ck_assert_ptr_nonnull(strstr(j, "\"count\":10000,\"min\":1,\"mean\":5000,"));
	ck_assert_ptr_nonnull(strstr(j, "\"max\":10000,\"exact\":false"));
	/* p99 = 9900 to within the bucket (a power of two below 4) */
	{
		const char *p = strstr(j, "\"p99\":");
		long v = p ? strtol(p + 6, NULL, 10) : 0;

		ck_assert_int_ge(v, 9896);
		ck_assert_int_le(v, 9900);
	}
	free(j);
	run_stats_destroy(st);
	sim_destroy(r.sim);
}
END_TEST

static const char scn_text[] =
"scenario: stats-unit\n"
"arch: tdx\n"
"platform:\n"
"  devices:\n"
"    - name: dev0\n"
"      bars: [ { index: 0, size: 64KiB } ]\n"
"steps:\n"
"  - { op: tsm.connect, device: dev0 }\n"
"  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: lock }\n"
"  - { op: device.tdisp, device: dev0, request: START_INTERFACE, nonce: wrong, expect: INVALID_NONCE }\n"
"traffic:\n"
"  - { name: t0, from: \"device:dev0\", op: dma_read, iova: 0, count: 4, start: lock }\n"
"expect:\n"
"  findings: { access-error: any }\n";

/* A real run: firmware and TDISP counted; every counter has a meaning. */
START_TEST(run_counts_and_every_counter_described)
{
	struct scn_diags d = { 0 };
	struct scenario *scn = NULL;
	struct run_opts ro = { .stats = true };
	struct run_result r;
	char *j;

	ck_assert_int_eq(scn_load_string("u.yaml", scn_text, NULL, 0, &scn, &d), 0);
	scn_diags_free(&d);
	ck_assert_int_eq(run_scenario(scn, "tdx", &ro, &r), 0);
	ck_assert_ptr_nonnull(r.stats);
	j = json_of(&r);
	ck_assert_ptr_nonnull(strstr(j, "\"LOCK_INTERFACE\":{\"count\":1,\"error\":0}"));
	ck_assert_ptr_nonnull(strstr(j, "\"START_INTERFACE\":{\"count\":1,\"error\":1}"));
	ck_assert_ptr_nonnull(strstr(j, "\"TDH.SPDM.CREATE\":{\"count\":1,\"not_ok\":0}"));
	free(j);
	for (size_t i = 0; i < sim_stats_count(r.sim); i++) {
		const char *name, *unit, *desc;
		uint64_t v;

		sim_stat_at(r.sim, i, &name, &v);
		ck_assert_msg(run_stat_info(name, &unit, &desc),
			      "counter %s has no unit and meaning", name);
	}
	run_result_fini(&r);
	scn_free(scn);
}
END_TEST

START_TEST(cli_checks_arch_and_inject)
{
	ck_assert_int_eq(cli_check_arch("run", "tdx"), 0);
	ck_assert_int_eq(cli_check_arch("run", "cca"), 0);
	ck_assert_int_eq(cli_check_arch("run", "my/profile.yaml"), 0);
	ck_assert_int_eq(cli_check_arch("run", "p.yml"), 0);
	ck_assert_int_eq(cli_check_arch("run", "tdc"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "skip-step@before:lock"), 0);
	ck_assert_int_eq(cli_check_inject("run", "tdisp-busy@after:lock,device=dev0"), 0);
	ck_assert_int_eq(cli_check_inject("run", "skip-step@5us"), 0);
	ck_assert_int_eq(cli_check_inject("run", "skip-step"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "@before:lock"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "frob@before:lock"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "skip-step@sideways:x"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "skip-step@"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "tdisp-busy@after:l,devce=d"), CLI_EX_USAGE);
	ck_assert_int_eq(cli_check_inject("run", "tdisp-busy@after:l,device"), CLI_EX_USAGE);
	ck_assert_str_eq(scn_nearest("tdc", (const char *const[]){ "tdx", "sev", NULL }), "tdx");
	ck_assert_ptr_null(scn_nearest("zzzzz", (const char *const[]){ "tdx", NULL }));
}
END_TEST

/* Several files: one parse, the outputs that cannot take them refused. */
START_TEST(cli_several_files)
{
	char a0[] = "a.yaml", a1[] = "-", a2[] = "--junit", a3[] = "j.xml",
	     a4[] = "--html", a5[] = "h.html";
	char *ok[] = { a0, a1, a2, a3 }, *bad[] = { a0, a1, a4, a5 };
	struct cli_run o = { 0 };

	ck_assert_int_eq(cli_parse_run(4, ok, &o), 0);
	ck_assert_uint_eq(o.nfiles, 2);
	ck_assert_str_eq(o.files[1], "-");
	cli_run_fini(&o);
	ck_assert_int_eq(cli_parse_run(4, bad, &o), CLI_EX_USAGE);
	cli_run_fini(&o);
	o.one_file = true;
	ck_assert_int_eq(cli_parse_run(4, ok, &o), CLI_EX_USAGE);
	cli_run_fini(&o);
}
END_TEST

Suite *runstats_suite(void)
{
	Suite *su = suite_create("runstats");
	TCase *tc = tcase_create("stats");
	TCase *cl = tcase_create("cli");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, latency_min_mean_p99_max);
	tcase_add_test(tc, latency_memory_is_bounded);
	tcase_add_test(tc, run_counts_and_every_counter_described);
	suite_add_tcase(su, tc);
	tcase_add_test(cl, cli_checks_arch_and_inject);
	tcase_add_test(cl, cli_several_files);
	suite_add_tcase(su, cl);
	return su;
}
