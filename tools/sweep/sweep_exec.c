// SPDX-License-Identifier: MIT
/*
 * sweep_exec.c - running the points: one worker process per point (a
 * crash or a hang of one point must not take the sweep down), --jobs at a
 * time, each killed after --timeout; results appended as they come;
 * --resume; and `tsmsim merge`.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "sweep.h"
#include "load.h"

struct pool {
	const struct sweep_opts *o;
	const struct sweep_plan *p;
	const bool *done;	/* points already in the results file */
	FILE *out;
	size_t next;
	bool any_bad;		/* a point crashed or timed out */
	bool write_failed;
	struct sweep_summary *sum;	/* fed every line written */
	size_t started, finished, todo;	/* points of this invocation */
	struct progress *pg;	/* NULL unless stderr is a terminal */
};

static void emit_line(struct pool *pl, const char *line)
{
	if (fputs(line, pl->out) < 0 || fflush(pl->out))
		pl->write_failed = true;
	if (pl->sum)
		sweep_summary_add(pl->sum, line);
}

static void emit_status(struct pool *pl, size_t point, enum sweep_status st)
{
	struct sweep_result r = { .status = st };
	char *line = sweep_line(pl->p, &pl->p->points[point], &r);

	TSM_BUG_ON(!line);
	emit_line(pl, line);
	free(line);
	pl->any_bad = true;
}

/* A worker's result line is whole and names its own point. */
static bool line_ok(const char *buf, size_t len, size_t point)
{
	struct sweep_line_info li;
	bool ok;

	if (!len || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1) ||
	    sweep_line_parse(buf, &li))
		return false;
	ok = li.point == point && li.status == SWEEP_RAN;
	sweep_line_info_fini(&li);
	return ok;
}

/* In the worker: one point. */
static char *run_one(void *ctx, uint64_t id, const char *payload, size_t len,
		     int *rc)
{
	const struct pool *pl = ctx;

	return sweep_run_point(pl->p, &pl->p->points[id], rc);
}

static bool wanted(const struct pool *pl, size_t i)
{
	return !pl->done[i] && sweep_in_shard(i, pl->o->shard_k, pl->o->shard_n);
}

static bool next_point(void *ctx, uint64_t *id, char **payload, size_t *len)
{
	struct pool *pl = ctx;

	while (pl->next < pl->p->npoints && !wanted(pl, pl->next))
		pl->next++;
	if (pl->next == pl->p->npoints)
		return false;
	*id = pl->next++;
	pl->started++;
	return true;
}

/* "points 12/40, 2 running, 31 s, about 72 s left" on a terminal. */
static void show_progress(struct pool *pl)
{
	uint64_t ms = progress_elapsed_ms(pl->pg), left;

	if (!progress_due(pl->pg))
		return;
	left = pl->finished ? ms / pl->finished * (pl->todo - pl->finished) / 1000 : 0;
	progress_show(pl->pg, "tsmsim sweep: points %zu/%zu, %zu running, %" PRIu64
		      " s, %s%" PRIu64 " s left", pl->finished, pl->todo,
		      pl->started - pl->finished, ms / 1000,
		      pl->finished ? "about " : "? ", left);
}

static void point_end(struct pool *pl, uint64_t id,
		      const struct workers_end *end)
{
	const struct sweep_point *pt = &pl->p->points[id];

	switch (end->st) {
	case WORKERS_OK:
		if (line_ok(end->out, end->len, pt->index)) {
			emit_line(pl, end->out);
			return;
		}
		fprintf(stderr, "tsmsim sweep: point %zu (%s) crashed: a garbled result\n",
			pt->index, pt->id);
		break;
	case WORKERS_TIMEOUT:
		fprintf(stderr, "tsmsim sweep: point %zu (%s) timed out after %llu ms\n",
			pt->index, pt->id, (unsigned long long)pl->o->timeout_ms);
		emit_status(pl, id, SWEEP_TIMEOUT);
		return;
	case WORKERS_SIGNALED:
		fprintf(stderr, "tsmsim sweep: point %zu (%s) crashed: signal %d\n",
			pt->index, pt->id, end->code);
		break;
	case WORKERS_FAILED:
		fprintf(stderr, "tsmsim sweep: point %zu (%s) crashed: exit %d\n",
			pt->index, pt->id, end->code);
		break;
	}
	emit_status(pl, id, SWEEP_CRASHED);
}

static void point_done(void *ctx, uint64_t id, const struct workers_end *end)
{
	struct pool *pl = ctx;

	point_end(pl, id, end);
	pl->finished++;
	show_progress(pl);
}

static int run_pool(struct pool *pl)
{
	static const struct workers_ops ops = { run_one, next_point, point_done };
	struct workers_opts wo = { pl->o->jobs, pl->o->timeout_ms };
	int rc;

	for (size_t i = 0; i < pl->p->npoints; i++)
		pl->todo += wanted(pl, i);
	pl->pg = progress_start();
	rc = workers_run(&wo, &ops, pl);
	progress_end(pl->pg);
	if (rc) {
		fprintf(stderr, "tsmsim sweep: cannot start a worker: %s\n",
			strerror(-rc));
		return CLI_EX_SOFTWARE;
	}
	return 0;
}

/* ---------------------------------------------------------------- resume */

/*
 * Mark the points @path already holds.  A line that is cut short or not
 * a result ends what counts: the file is truncated there, so the points
 * after it run again.  Returns 0 or an exit code.
 */
static int resume_read(const char *path, const struct sweep_plan *p,
		       bool *done, struct pool *pl)
{
	FILE *f = sim_fopen_regular(path);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	off_t keep = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "tsmsim sweep: cannot read %s: %s\n", path,
			sim_open_strerror(errno));
		return CLI_EX_NOINPUT;
	}
	while (!rc && (n = sim_read_line(f, &line, &cap, SWEEP_LINE_MAX)) > 0) {
		struct sweep_line_info li;
		const char *why;

		lineno++;
		if (line[n - 1] != '\n' || sweep_line_parse(line, &li))
			break;
		why = sweep_line_mismatch(&li, p->hash, TSMSIM_VERSION);
		if (why) {
			fprintf(stderr, "tsmsim sweep: %s:%zu: will not resume from this line: %s\n"
				"  the line: scenario %s, tsmsim %s; this sweep: scenario %s, tsmsim %s\n"
				"  (move the file away, or run the sweep as it was)\n",
				path, lineno, why, li.scenario ? li.scenario : "none",
				li.version ? li.version : "none", p->hash, TSMSIM_VERSION);
			rc = CLI_EX_USAGE;
		} else if (li.npoints != p->npoints || strcmp(li.id, p->points[li.point].id)) {
			fprintf(stderr, "tsmsim sweep: %s holds results of another sweep (point %zu is '%s' there)\n",
				path, li.point, li.id);
			rc = CLI_EX_USAGE;
		} else {
			done[li.point] = true;
			pl->any_bad |= li.status != SWEEP_RAN;
			keep += n;
			if (pl->sum)
				sweep_summary_add(pl->sum, line);
		}
		sweep_line_info_fini(&li);
	}
	free(line);
	fclose(f);
	if (!rc && n == -EIO) {
		/* a read error is not the end of the results: keep them all */
		fprintf(stderr, "tsmsim sweep: cannot read %s: %s\n", path,
			strerror(EIO));
		return CLI_EX_NOINPUT;
	}
	if (!rc && truncate(path, keep)) {
		fprintf(stderr, "tsmsim sweep: cannot write %s: %s\n", path,
			strerror(errno));
		rc = CLI_EX_USAGE;
	}
	return rc;
}

static int open_results(const struct sweep_opts *o, FILE **out)
{
	*out = stdout;
	if (!o->out)
		return 0;
	*out = fopen(o->out, o->resume ? "a" : "w");
	if (*out)
		return 0;
	fprintf(stderr, "tsmsim sweep: cannot write %s: %s\n", o->out,
		strerror(errno));
	return CLI_EX_USAGE;
}

/*
 * The summary of every line the results now hold (resumed ones too): on
 * stdout, or on stderr when the lines themselves went to stdout.
 */
static void summary_out(const struct sweep_opts *o, struct sweep_summary *s)
{
	FILE *f = o->out ? stdout : stderr;

	sweep_summary_build(s);
	sweep_summary_write(f, s, (enum sweep_fmt)o->format);
	fflush(f);
}

int sweep_main(const struct sweep_opts *o)
{
	struct sweep_plan p;
	struct pool pl = { .o = o, .p = &p };
	bool *done = NULL;
	int rc;

	if (o->summary)
		return sweep_summary_main(o->files, o->nfiles,
					  (enum sweep_fmt)o->format, o->out);
	rc = sweep_plan_build(o, &p);
	pl.sum = sweep_summary_new();

	for (size_t i = 0; i < p.nnotes; i++)
		fprintf(stderr, "%s\n", p.notes[i]);
	if (!rc && !p.npoints)
		fprintf(stderr, "tsmsim sweep: no points (no labelled step, or every kind skipped)\n");
	if (!rc) {
		done = calloc(p.npoints + 1, sizeof(*done));
		TSM_BUG_ON(!done);
		pl.done = done;
	}
	if (!rc && o->resume)
		rc = resume_read(o->out, &p, done, &pl);
	if (!rc)
		rc = open_results(o, &pl.out);
	if (!rc) {
		signal(SIGPIPE, SIG_IGN);
		rc = run_pool(&pl);
		if (pl.out != stdout && fclose(pl.out))
			pl.write_failed = true;
	}
	if (!rc && pl.write_failed) {
		fprintf(stderr, "tsmsim sweep: cannot write %s\n",
			o->out ? o->out : "the results");
		rc = CLI_EX_USAGE;
	}
	if (!rc && p.npoints)
		summary_out(o, pl.sum);
	sweep_summary_free(pl.sum);
	free(done);
	sweep_plan_fini(&p);
	return rc ? rc : pl.any_bad ? CLI_EX_FAIL : 0;
}

/* ----------------------------------------------------------------- merge */

struct merge_line {
	struct sweep_line_info li;
	char *text;
	const char *file;
	size_t lineno;
	size_t order;		/* read order: equal points sort stably */
};

struct merge {
	struct merge_line *v;
	size_t n;
};

static int merge_read(struct merge *m, const char *file)
{
	FILE *f = sim_fopen_regular(file);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "tsmsim merge: %s: cannot read the file: %s\n",
			file, sim_open_strerror(errno));
		return CLI_EX_NOINPUT;
	}
	while (!rc && (n = sim_read_line(f, &line, &cap, SWEEP_LINE_MAX)) > 0) {
		struct merge_line *ml;

		lineno++;
		if (!*line || !strcmp(line, "\n"))
			continue;
		m->v = sim_xrealloc(m->v, m->n + 1, sizeof(*m->v));
		ml = &m->v[m->n];
		if (sweep_line_parse(line, &ml->li)) {
			fprintf(stderr, "tsmsim merge: %s:%zu: not a %s result line\n",
				file, lineno, SWEEP_SCHEMA);
			rc = CLI_EX_DATAERR;
			break;
		}
		/* the last line may lack its newline; the merged one has it */
		ml->text = sim_xrealloc(NULL, (size_t)n + 2, 1);
		memcpy(ml->text, line, (size_t)n);
		strcpy(ml->text + n, line[n - 1] == '\n' ? "" : "\n");
		ml->file = file;
		ml->lineno = lineno;
		ml->order = m->n;
		m->n++;
	}
	if (!rc && n == -E2BIG) {
		fprintf(stderr, "tsmsim merge: %s:%zu: a line longer than %u bytes is not a result line\n",
			file, lineno + 1, SWEEP_LINE_MAX);
		rc = CLI_EX_DATAERR;
	} else if (!rc && n < 0) {
		fprintf(stderr, "tsmsim merge: %s: read error: %s\n", file,
			strerror(EIO));
		rc = CLI_EX_NOINPUT;
	}
	free(line);
	fclose(f);
	return rc;
}

static int by_point(const void *a, const void *b)
{
	const struct merge_line *x = a, *y = b;

	if (x->li.point != y->li.point)
		return x->li.point < y->li.point ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Report the points missing between @from and @to (exclusive). */
static void missing(size_t from, size_t to, size_t *nmissing, size_t *lines)
{
	if (from >= to)
		return;
	*nmissing += to - from;
	if ((*lines)++ == 20) {
		fprintf(stderr, "tsmsim merge: ... (more missing points)\n");
		return;
	}
	if (*lines > 20)
		return;
	if (to - from == 1)
		fprintf(stderr, "tsmsim merge: point %zu is missing\n", from);
	else
		fprintf(stderr, "tsmsim merge: points %zu..%zu are missing\n",
			from, to - 1);
}

/*
 * Every line from one scenario (the first line's) and from this tsmsim
 * version; else exit 2.
 */
static int merge_same(const struct merge *m)
{
	const struct merge_line *ref = &m->v[0];
	const char *hash = ref->li.scenario ? ref->li.scenario : "";

	for (size_t i = 0; i < m->n; i++) {
		const struct merge_line *ml = &m->v[i];
		const char *why = sweep_line_mismatch(&ml->li, hash, TSMSIM_VERSION);

		if (!why)
			continue;
		fprintf(stderr, "tsmsim merge: %s:%zu: will not merge this line: %s\n"
			"  the line: scenario %s, tsmsim %s; %s:%zu: scenario %s; this is tsmsim %s\n",
			ml->file, ml->lineno, why,
			ml->li.scenario ? ml->li.scenario : "none",
			ml->li.version ? ml->li.version : "none", ref->file,
			ref->lineno, *hash ? hash : "none", TSMSIM_VERSION);
		return CLI_EX_USAGE;
	}
	return 0;
}

static size_t merge_check(const struct merge *m)
{
	size_t bad = 0, nmiss = 0, lines = 0, expect = 0;
	size_t npoints = m->v[0].li.npoints;

	for (size_t i = 0; i < m->n; i++) {
		const struct merge_line *ml = &m->v[i];

		if (ml->li.npoints != npoints) {
			fprintf(stderr, "tsmsim merge: %s:%zu: a sweep of %zu points, the others have %zu\n",
				ml->file, ml->lineno, ml->li.npoints, npoints);
			bad++;
			continue;
		}
		if (i && ml->li.point == m->v[i - 1].li.point) {
			fprintf(stderr, "tsmsim merge: %s:%zu: point %zu (%s) is there more than once (also %s:%zu%s)\n",
				ml->file, ml->lineno, ml->li.point, ml->li.id,
				m->v[i - 1].file, m->v[i - 1].lineno,
				strcmp(ml->li.id, m->v[i - 1].li.id) ?
				", with another id" : "");
			bad++;
			continue;
		}
		missing(expect, ml->li.point, &nmiss, &lines);
		expect = ml->li.point + 1;
	}
	missing(expect, npoints, &nmiss, &lines);
	if (bad || nmiss)
		fprintf(stderr, "tsmsim merge: %zu of %zu points missing, %zu lines duplicated or of another sweep\n",
			nmiss, npoints, bad);
	return bad + nmiss;
}

static int merge_write(const struct merge *m, const char *out_path)
{
	FILE *out = out_path ? fopen(out_path, "w") : stdout;
	int bad = 0;

	if (!out) {
		fprintf(stderr, "tsmsim merge: cannot write %s: %s\n", out_path,
			strerror(errno));
		return CLI_EX_USAGE;
	}
	for (size_t i = 0; i < m->n; i++)
		bad |= fputs(m->v[i].text, out) < 0;
	bad |= fflush(out);
	if (out != stdout)
		bad |= fclose(out);
	if (bad) {
		fprintf(stderr, "tsmsim merge: cannot write %s\n",
			out_path ? out_path : "the output");
		return CLI_EX_USAGE;
	}
	return 0;
}

int sweep_merge(const char *const *files, size_t nfiles, const char *out_path)
{
	struct merge m = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < nfiles; i++)
		rc = merge_read(&m, files[i]);
	if (!rc && !m.n) {
		fprintf(stderr, "tsmsim merge: no result lines\n");
		rc = CLI_EX_FAIL;
	}
	if (!rc) {
		rc = merge_same(&m);
	}
	if (!rc) {
		if (m.n)	/* qsort(NULL, 0) is undefined */
			qsort(m.v, m.n, sizeof(*m.v), by_point);
		rc = merge_check(&m) ? CLI_EX_FAIL : merge_write(&m, out_path);
	}
	for (size_t i = 0; i < m.n; i++) {
		sweep_line_info_fini(&m.v[i].li);
		free(m.v[i].text);
	}
	free(m.v);
	return rc;
}
