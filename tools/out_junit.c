// SPDX-License-Identifier: MIT
/*
 * out_junit.c - `--junit OUT.xml`: JUnit XML for CI dashboards.  One
 * <testsuite> per arch run; one <testcase> per step (a <failure> when the
 * step did not end as its expect said, <skipped> when a fault skipped it
 * or the run never reached it) and one per expectation check (a <failure>
 * when it did not hold; a findings check lists the findings' cause
 * chains).  time= is simulated time in seconds, from integer nanoseconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

static void ju_attr(FILE *f, const char *key, const char *val)
{
	fprintf(f, " %s=\"", key);
	out_xml_str(f, val);
	fputc('"', f);
}

static void ju_time(FILE *f, uint64_t ns)
{
	fprintf(f, " time=\"%" PRIu64 ".%09" PRIu64 "\"", ns / 1000000000,
		ns % 1000000000);
}

static size_t bad_steps(const struct run_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsteps; i++)
		n += !r->steps[i].ok;
	return n;
}

static size_t bad_checks(const struct run_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nchecks; i++)
		n += !r->checks[i].ok;
	return n;
}

static void ju_step(FILE *f, const char *cls, const struct run_step *st,
		    size_t i, uint64_t mhz)
{
	char name[192], op[128], msg[192];

	out_step_name(st, op, sizeof(op));
	snprintf(name, sizeof(name), "step %zu line %u %s", i + 1, st->line, op);
	fputs("    <testcase", f);
	ju_attr(f, "classname", cls);
	ju_attr(f, "name", name);
	ju_time(f, out_ns(st->end, mhz) - out_ns(st->start, mhz));
	if (st->ok && strcmp(st->result, "skipped") && strcmp(st->result, "not-run")) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (!st->ok) {
		snprintf(msg, sizeof(msg), "expected %s, got %s", st->expect,
			 st->result);
		fputs("      <failure type=\"step\"", f);
		ju_attr(f, "message", msg);
		fputc('>', f);
		out_xml_str(f, st->detail ? st->detail : msg);
		fputs("</failure>\n", f);
	} else {
		fputs("      <skipped", f);
		ju_attr(f, "message", st->result);
		fputs("/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

/* The cause chains of the findings a `findings.KIND` check counted. */
static void ju_explain(FILE *f, const struct run_check *c,
		       const struct run_result *r)
{
	const char *kind = strncmp(c->what, "findings.", 9) ? NULL : c->what + 9;

	for (size_t i = 0; kind && i < sim_findings_count(r->sim); i++) {
		const struct sim_finding *fd = sim_finding_at(r->sim, i);

		if (strcmp(sim_finding_name(fd->kind), kind) || fd->suppressed)
			continue;
		fprintf(f, "\n%s x%" PRIu64 " cycles %" PRIu64 "..%" PRIu64
			" line %u: ", kind, fd->count, fd->first, fd->last,
			fd->line);
		out_xml_str(f, fd->explain);
	}
}

static void ju_check(FILE *f, const char *cls, const struct run_check *c,
		     const struct run_result *r)
{
	char name[128], msg[160];

	if (c->line)
		snprintf(name, sizeof(name), "expect %s (line %u)", c->what,
			 c->line);
	else
		snprintf(name, sizeof(name), "expect %s", c->what);
	fputs("    <testcase", f);
	ju_attr(f, "classname", cls);
	ju_attr(f, "name", name);
	if (c->ok) {
		fputs("/>\n", f);
		return;
	}
	snprintf(msg, sizeof(msg), "want %s, got %s", c->expected, c->actual);
	fputs(">\n      <failure type=\"expectation\"", f);
	ju_attr(f, "message", msg);
	fputc('>', f);
	out_xml_str(f, c->detail ? c->detail : msg);
	ju_explain(f, c, r);
	fputs("</failure>\n    </testcase>\n", f);
}

static void ju_suite(FILE *f, const struct scenario *scn,
		     const struct run_result *r)
{
	char name[160], num[32];

	snprintf(name, sizeof(name), "%s.%s", scn->name, r->arch);
	fputs("  <testsuite", f);
	ju_attr(f, "name", name);
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"0\"",
		r->nsteps + r->nchecks, bad_steps(r) + bad_checks(r));
	ju_time(f, out_ns(r->cycles, scn->clock_mhz));
	fputs(">\n    <properties>\n", f);
	fputs("      <property name=\"arch\"", f);
	ju_attr(f, "value", r->arch);
	snprintf(num, sizeof(num), "%" PRIu64, r->seed);
	fputs("/>\n      <property name=\"seed\"", f);
	ju_attr(f, "value", num);
	snprintf(num, sizeof(num), "%" PRIu64, r->cycles);
	fputs("/>\n      <property name=\"cycles\"", f);
	ju_attr(f, "value", num);
	fputs("/>\n      <property name=\"file\"", f);
	ju_attr(f, "value", scn->file);
	fputs("/>\n    </properties>\n", f);
	for (size_t i = 0; i < r->nsteps; i++)
		ju_step(f, name, &r->steps[i], i, scn->clock_mhz);
	for (size_t i = 0; i < r->nchecks; i++)
		ju_check(f, name, &r->checks[i], r);
	fputs("  </testsuite>\n", f);
}

void out_junit_write(FILE *f, const struct scenario *scn,
		     const struct out_run *runs, size_t n)
{
	size_t tests = 0, failures = 0;

	for (size_t i = 0; i < n; i++) {
		tests += runs[i].res->nsteps + runs[i].res->nchecks;
		failures += bad_steps(runs[i].res) + bad_checks(runs[i].res);
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	ju_attr(f, "name", scn->name);
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", tests,
		failures);
	for (size_t i = 0; i < n; i++)
		ju_suite(f, scn, runs[i].res);
	fputs("</testsuites>\n", f);
}
