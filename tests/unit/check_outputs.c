// SPDX-License-Identifier: MIT
/*
 * check_outputs.c - the output writers (--junit, --vcd, --trace, --html)
 * and the compare table, each fed a real run of a small scenario and
 * written into a memstream.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out.h"
#include "run.h"
#include "load.h"

static const char scn_text[] =
"scenario: outputs-unit\n"
"description: lock then break it <&> see\n"
"arch: [tdx, sev]\n"
"platform:\n"
"  devices:\n"
"    - name: dev0\n"
"      bars: [ { index: 0, size: 64KiB } ]\n"
"steps:\n"
"  - { op: tsm.connect, device: dev0 }\n"
"  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: lock }\n"
"  - { op: device.tdisp, device: dev0, request: START_INTERFACE }\n"
"  - { op: vfio.config_write, device: dev0, reg: command.bme, value: 0 }\n"
"expect:\n"
"  findings: { tdi-error: 1 }\n"
"  state: { dev0: ERROR }\n";

struct fixture {
	struct scenario *scn;
	struct run_result runs[2];
	struct out_log *logs[2];
	struct out_run or[2];
	char *buf;
	size_t len;
};

static void load_and_run(struct fixture *fx)
{
	static const char *const arches[] = { "tdx", "sev" };
	struct scn_diags d = { 0 };

	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(scn_load_string("unit.yaml", scn_text, NULL, 0,
					 &fx->scn, &d), 0);
	scn_diags_free(&d);
	for (int i = 0; i < 2; i++) {
		struct run_sink sink = { out_log_attach, NULL };
		struct run_opts ro = { .sinks = &sink, .nsinks = 1 };

		fx->logs[i] = out_log_create();
		sink.ctx = fx->logs[i];
		ck_assert_int_eq(run_scenario(fx->scn, arches[i], &ro,
					      &fx->runs[i]), 0);
		ck_assert(fx->runs[i].pass);
		fx->or[i] = (struct out_run){ &fx->runs[i], fx->logs[i] };
	}
}

static void fini(struct fixture *fx)
{
	for (int i = 0; i < 2; i++) {
		run_result_fini(&fx->runs[i]);
		out_log_destroy(fx->logs[i]);
	}
	scn_free(fx->scn);
	free(fx->buf);
}

static FILE *mem(struct fixture *fx)
{
	FILE *f;

	free(fx->buf);
	fx->buf = NULL;
	f = open_memstream(&fx->buf, &fx->len);
	ck_assert_ptr_nonnull(f);
	return f;
}

START_TEST(junit_escapes_and_fails)
{
	struct fixture fx;
	FILE *f;

	load_and_run(&fx);
	/* make step 2 a failure whose detail needs escaping */
	fx.runs[0].steps[1].ok = false;
	fx.runs[0].steps[1].detail = strdup("got <&> \"q\" 'a'\x01");
	f = mem(&fx);
	out_junit_write(f, fx.scn, fx.or, 2);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(fx.buf, "<?xml version=\"1.0\""));
	ck_assert_ptr_nonnull(strstr(fx.buf, "<testsuite name=\"outputs-unit.tdx\" id=\"0\" tests=\"7\" failures=\"1\""));
	ck_assert_ptr_nonnull(strstr(fx.buf, "<testsuite name=\"outputs-unit.sev\" id=\"1\" tests=\"7\" failures=\"0\""));
	/* what strict parsers want: timestamp, hostname, a time on every testcase */
	ck_assert_ptr_nonnull(strstr(fx.buf, " timestamp=\"1970-01-01T00:00:00\" hostname=\"localhost\""));
	for (const char *tc = strstr(fx.buf, "<testcase"); tc; tc = strstr(tc + 1, "<testcase"))
		ck_assert_ptr_nonnull(memmem(tc, strcspn(tc, ">"), " time=\"", 7));
	ck_assert_ptr_nonnull(strstr(fx.buf, "got &lt;&amp;&gt; &quot;q&quot; &#39;a&#39;</failure>"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "message=\"expected ok, got ok\""));
	ck_assert_ptr_null(strchr(fx.buf, '\x01'));
	ck_assert_ptr_nonnull(strstr(fx.buf, "name=\"step 1 line 10 device.tdisp [lock]\""));
	ck_assert_ptr_nonnull(strstr(fx.buf, "name=\"expect findings.tdi-error (line 14)\""));
	fini(&fx);
}
END_TEST

START_TEST(vcd_changes_at_the_lock)
{
	struct fixture fx;
	char want[64];
	const char *p, *next;
	FILE *f;

	load_and_run(&fx);
	f = mem(&fx);
	out_vcd_write(f, fx.scn, fx.or, 1);
	fclose(f);
	/* 2000 MHz: a cycle is 500 ps, 5 units of the legal timescale 100ps */
	ck_assert_ptr_nonnull(strstr(fx.buf, "$timescale 100ps $end"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "$var wire 2 # tdi_dev0 $end"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "$enddefinitions $end\n#0\n$dumpvars\n"));
	/* the TDI locks when the LOCK step completes: 01 at that cycle */
	snprintf(want, sizeof(want), "\n#%" PRIu64 "\n", fx.runs[0].steps[1].end * 5);
	p = strstr(fx.buf, want);
	ck_assert_ptr_nonnull(p);
	next = strchr(p + strlen(want), '#');
	ck_assert_ptr_nonnull(strstr(p, "b01 #\n"));
	ck_assert(strstr(p, "b01 #\n") < next);
	/* step 1 (from 0) started at step 0's end; ERROR (11) at the config write */
	snprintf(want, sizeof(want), "\n#%" PRIu64 "\nb1 !\n", fx.runs[0].steps[0].end * 5);
	ck_assert_ptr_nonnull(strstr(fx.buf, want));
	snprintf(want, sizeof(want), "\n#%" PRIu64 "\n", fx.runs[0].steps[3].end * 5);
	p = strstr(fx.buf, want);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "b11 #\n"));
	ck_assert_ptr_nonnull(strstr(p, "b1 \"\n"));	/* one finding */
	fini(&fx);
}
END_TEST

START_TEST(trace_is_integer_microseconds)
{
	struct fixture fx;
	char want[128];
	uint64_t ns;
	FILE *f;

	load_and_run(&fx);
	f = mem(&fx);
	out_trace_write(f, fx.scn, fx.or, 2);
	fclose(f);
	ck_assert_ptr_eq(strstr(fx.buf, "{\"traceEvents\":["), fx.buf);
	ns = fx.runs[0].steps[0].end * 1000 / 2000;
	snprintf(want, sizeof(want), "\"name\":\"tsm.connect\",\"cat\":\"step\",\"ts\":0.000,\"dur\":%" PRIu64 ".%03" PRIu64,
		 ns / 1000, ns % 1000);
	ck_assert_ptr_nonnull(strstr(fx.buf, want));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\"pid\":2,\"tid\":2,\"name\":\"tdi-error\""));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\"name\":\"thread_name\",\"args\":{\"name\":\"TDI dev0\"}"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\"name\":\"ERROR\",\"cat\":\"tdi-state\""));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\"dropped_events\":0}}\n"));
	fini(&fx);
}
END_TEST

START_TEST(html_is_self_contained)
{
	struct fixture fx;
	FILE *f;

	load_and_run(&fx);
	f = mem(&fx);
	out_html_write(f, fx.scn, fx.or, 2);
	fclose(f);
	ck_assert_ptr_eq(strstr(fx.buf, "<!DOCTYPE html>"), fx.buf);
	ck_assert_ptr_nonnull(strstr(fx.buf, "lock then break it &lt;&amp;&gt; see"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "<svg xmlns="));
	ck_assert_ptr_nonnull(strstr(fx.buf, "<section id=\"run-2\">"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "dev0 entered ERROR from RUN"));
	ck_assert_ptr_null(strstr(fx.buf, "src="));
	ck_assert_ptr_null(strstr(fx.buf, "href=\"http"));
	ck_assert_ptr_null(strstr(fx.buf, "<link"));
	ck_assert_ptr_null(strstr(fx.buf, "<script"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "</html>\n"));
	/* the timeline: page wide, a mark per step and a labelled finding */
	ck_assert_ptr_nonnull(strstr(fx.buf, "class=\"timeline\" width=\"100%\""));
	for (int i = 0; i < 4; i++) {
		char want[32];

		snprintf(want, sizeof(want), "data-step=\"%d\"", i);
		ck_assert_ptr_nonnull(strstr(fx.buf, want));
	}
	ck_assert_ptr_nonnull(strstr(fx.buf, "data-finding=\"0\""));
	ck_assert_ptr_nonnull(strstr(strstr(fx.buf, "data-finding=\"0\""), ">tdi-error</text>"));
	/* an axis in time units, not cycles */
	ck_assert_ptr_nonnull(strstr(fx.buf, " ms</text>"));
	fini(&fx);
}
END_TEST

/* A zero-cycle step (an assert) gets a slot and a diamond, FAIL when it failed. */
START_TEST(html_zero_cycle_step_is_a_marker)
{
	struct fixture fx;
	const char *g;
	FILE *f;

	load_and_run(&fx);
	fx.runs[0].steps[1].start = fx.runs[0].steps[1].end;	/* make it take no time */
	fx.runs[0].steps[1].ok = false;
	f = mem(&fx);
	out_html_write(f, fx.scn, fx.or, 1);
	fclose(f);
	g = strstr(fx.buf, "<g data-step=\"1\" class=\"step zero fail\"><polygon");
	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(strstr(g, "1 FAIL</text></g>"));
	fini(&fx);
}
END_TEST

START_TEST(compare_text_rows)
{
	struct fixture fx;
	const char *line;
	FILE *f;

	load_and_run(&fx);
	fx.runs[1].steps[2].ok = false;		/* sev "failed" step 3 */
	snprintf(fx.runs[1].steps[2].result, sizeof(fx.runs[1].steps[2].result),
		 "INVALID_INTERFACE_STATE");
	f = mem(&fx);
	compare_write(f, fx.scn, fx.runs, 2, COMPARE_TEXT);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(fx.buf, "\n    9 tsm.connect"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\n>  11 device.tdisp"));
	/* the cell is cut to 14 columns, the full name listed under */
	ck_assert_ptr_nonnull(strstr(fx.buf, " ok             INVALID_INTE~*\n"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "\n~ cut: INVALID_INTERFACE_STATE\n"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "tdi-error on tdx, sev: x1"));
	for (line = fx.buf; *line; ) {
		size_t n = strcspn(line, "\n");

		ck_assert_uint_le(n, 80);
		line += n + (line[n] == '\n');
	}
	f = mem(&fx);
	compare_write(f, fx.scn, fx.runs, 2, COMPARE_MD);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(fx.buf, "| 10 | device.tdisp [lock] | ok | ok |\n"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "| 11 | \xe2\x89\xa0 device.tdisp | ok | **INVALID_INTERFACE_STATE** |\n"));
	ck_assert_ptr_nonnull(strstr(fx.buf, "| 14 | findings.tdi-error = 1 | ok | ok |\n"));
	f = mem(&fx);
	compare_write(f, fx.scn, fx.runs, 2, COMPARE_HTML);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(fx.buf, "<td class=\"fail\">INVALID_INTERFACE_STATE</td>"));
	fini(&fx);
}
END_TEST

START_TEST(log_folds_alike_accesses)
{
	struct sim *s = sim_create(1);
	struct out_log *log = out_log_create();
	struct sim_rec rec = { .type = SIM_REC_ACCESS };
	char name[16];

	ck_assert_int_eq(out_log_attach(s, log), 0);
	ck_assert_int_eq(out_log_attach(s, NULL), -EINVAL);
	rec.u.access.initiator = name;	/* a transient buffer: must be copied */
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "vm0 poll");
		rec.u.access.result = i < 3 ? SIM_RES_OK : SIM_RES_UR;
		sim_trace_emit(s, &rec);
		memset(name, 'x', sizeof(name) - 1);
	}
	ck_assert_uint_eq(log->nev, 2);
	ck_assert_uint_eq(log->ev[0].count, 3);
	ck_assert_uint_eq(log->ev[1].count, 1);
	ck_assert_str_eq(log->ev[1].name, "ur");
	ck_assert_uint_eq(log->ntracks, 1);
	ck_assert_str_eq(log->tracks[0], "vm0 poll");
	out_log_destroy(log);
	sim_destroy(s);
}
END_TEST

START_TEST(helpers)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_uint_eq(out_ns(3, 2000), 1);		/* 1.5 ns, rounded down */
	ck_assert_uint_eq(out_ns(UINT64_MAX / 10, 1000), UINT64_MAX / 10);
	ck_assert_uint_eq(out_ns(7, 0), 7000);
	out_xml_str(f, "a<b>&\"'\t\x02");
	fclose(f);
	ck_assert_str_eq(buf, "a&lt;b&gt;&amp;&quot;&#39;\t");
	free(buf);
}
END_TEST

static int parse(const char *const *args, int n, struct compare_opts *o)
{
	return compare_parse(n, (char **)args, o);
}

START_TEST(compare_command_line)
{
	struct compare_opts o;
	const char *a1[] = { "x.yaml", "--format", "md", "--out=o.md", "--seed", "3" };
	const char *a2[] = { "x.yaml", "--format=pdf" };
	const char *a3[] = { "x.yaml", "--json" };
	const char *a4[] = { "x.yaml", "--arch", "sev" };
	const char *a5[] = { "--help" };
	const char *a6[] = { "x.yaml", "--out" };

	ck_assert_int_eq(parse(a1, 6, &o), 0);
	ck_assert_int_eq(o.format, COMPARE_MD);
	ck_assert_str_eq(o.out, "o.md");
	ck_assert_str_eq(o.run.file, "x.yaml");
	ck_assert_uint_eq(o.run.ropts.seed, 3);
	ck_assert_uint_eq(o.run.narches, 3);
	ck_assert_str_eq(o.run.arches[2], "cca");
	cli_run_fini(&o.run);
	ck_assert_int_eq(parse(a2, 2, &o), CLI_EX_USAGE);
	cli_run_fini(&o.run);
	ck_assert_int_eq(parse(a3, 2, &o), CLI_EX_USAGE);
	cli_run_fini(&o.run);
	ck_assert_int_eq(parse(a4, 3, &o), 0);
	ck_assert_uint_eq(o.run.narches, 1);
	cli_run_fini(&o.run);
	ck_assert_int_eq(parse(a5, 1, &o), CLI_HELP);
	cli_run_fini(&o.run);
	ck_assert_int_eq(parse(a6, 2, &o), CLI_EX_USAGE);
	cli_run_fini(&o.run);
}
END_TEST

Suite *outputs_suite(void)
{
	Suite *su = suite_create("outputs");
	TCase *tc = tcase_create("writers");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, junit_escapes_and_fails);
	tcase_add_test(tc, vcd_changes_at_the_lock);
	tcase_add_test(tc, trace_is_integer_microseconds);
	tcase_add_test(tc, html_is_self_contained);
	tcase_add_test(tc, html_zero_cycle_step_is_a_marker);
	tcase_add_test(tc, compare_text_rows);
	tcase_add_test(tc, log_folds_alike_accesses);
	tcase_add_test(tc, helpers);
	tcase_add_test(tc, compare_command_line);
	suite_add_tcase(su, tc);
	return su;
}
