// SPDX-License-Identifier: MIT
/*
 * out_junit.c - `--junit OUT.xml`: JUnit XML for CI dashboards.  One
 * <testsuite> per arch run; one <testcase> per step (a <failure> when the
 * step did not end as its expect said, <skipped> when a fault skipped it
 * or the run never reached it) and one per expectation check (a <failure>
 * when it did not hold; a findings check lists the findings' cause
 * chains).  time= is simulated time in seconds, from integer nanoseconds,
 * on every testcase (an expectation is judged at the end: 0).
 *
 * Strict consumers (the Jenkins / Ant schema) also want timestamp= and
 * hostname= on each <testsuite>.  The report is a pure function of the
 * scenario, seed and flags (byte-identical on any machine), so it carries
 * no wall clock and no machine name: timestamp is SOURCE_DATE_EPOCH (the
 * reproducible-builds convention) when set, else the epoch, and hostname
 * is "localhost".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Steps reported <skipped>: ok, but a fault skipped them or never reached. */
static size_t skipped_steps(const struct run_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsteps; i++)
		n += r->steps[i].ok && (!strcmp(r->steps[i].result, "skipped") ||
					!strcmp(r->steps[i].result, "not-run"));
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
	snprintf(name, sizeof(name), "step %zu line %u %s", i, st->line, op);
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
		char where[200];

		if (strcmp(sim_finding_name(fd->kind), kind) || fd->suppressed)
			continue;
		fprintf(f, "\n%s x%" PRIu64 " cycles %" PRIu64 "..%" PRIu64
			" at ", kind, fd->count, fd->first, fd->last);
		out_xml_str(f, report_finding_where(fd, where, sizeof(where)));
		fputs(": ", f);
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
	ju_time(f, 0);
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

/* ISO 8601 of SOURCE_DATE_EPOCH, or of 0 when unset or not a number. */
static void ju_timestamp(char *buf, size_t len)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	unsigned long long v = env ? strtoull(env, &end, 10) : 0;
	time_t t = (time_t)(env && *env && !*end ? v : 0);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00");
}

static void ju_suite(FILE *f, const struct scenario *scn,
		     const struct run_result *r, size_t id)
{
	char name[160], num[32], ts[32];

	snprintf(name, sizeof(name), "%s.%s", scn->name, r->arch);
	ju_timestamp(ts, sizeof(ts));
	fputs("  <testsuite", f);
	ju_attr(f, "name", name);
	fprintf(f, " id=\"%zu\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"",
		id, r->nsteps + r->nchecks, bad_steps(r) + bad_checks(r),
		skipped_steps(r));
	ju_attr(f, "timestamp", ts);
	ju_attr(f, "hostname", "localhost");
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
	/* --checkers none: findings unjudged, so say it where CI looks */
	fputs("/>\n      <property name=\"checkers\"", f);
	ju_attr(f, "value", r->checkers_off ? "none" : "all");
	snprintf(num, sizeof(num), "%zu", r->unjudged);
	fputs("/>\n      <property name=\"unjudged\"", f);
	ju_attr(f, "value", num);
	fputs("/>\n    </properties>\n", f);
	for (size_t i = 0; i < r->nsteps; i++)
		ju_step(f, name, &r->steps[i], i, scn->clock_mhz);
	for (size_t i = 0; i < r->nchecks; i++)
		ju_check(f, name, &r->checks[i], r);
	fputs("  </testsuite>\n", f);
}

void out_junit_write_docs(FILE *f, const struct out_doc *docs, size_t ndocs)
{
	size_t tests = 0, failures = 0, id = 0;
	uint64_t ns = 0;

	for (size_t d = 0; d < ndocs; d++)
		for (size_t i = 0; i < docs[d].n; i++) {
			const struct run_result *r = docs[d].runs[i].res;

			tests += r->nsteps + r->nchecks;
			failures += bad_steps(r) + bad_checks(r);
			ns += out_ns(r->cycles, docs[d].scn->clock_mhz);
		}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	ju_attr(f, "name", ndocs == 1 ? docs[0].scn->name : "tsmsim");
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"0\"", tests,
		failures);
	ju_time(f, ns);
	fputs(">\n", f);
	for (size_t d = 0; d < ndocs; d++)
		for (size_t i = 0; i < docs[d].n; i++)
			ju_suite(f, docs[d].scn, docs[d].runs[i].res, id++);
	fputs("</testsuites>\n", f);
}

void out_junit_write(FILE *f, const struct scenario *scn,
		     const struct out_run *runs, size_t n)
{
	struct out_doc doc = { scn, runs, n };

	out_junit_write_docs(f, &doc, 1);
}
