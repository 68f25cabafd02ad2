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
#include "progress.h"
#include "sweep.h"

struct worker {
	pid_t pid;		/* 0: the slot is free */
	int fd;			/* read end of the result pipe */
	size_t point;
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
	char *buf;
	size_t len;
};

struct pool {
	const struct sweep_opts *o;
	const struct sweep_plan *p;
	const bool *done;	/* points already in the results file */
	FILE *out;
	struct worker *w;
	size_t nw, active, next;
	bool any_bad;		/* a point crashed or timed out */
	bool write_failed;
	size_t finished, todo;	/* points of this invocation, for progress */
	struct progress *pg;	/* NULL unless stderr is a terminal */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The child: run the point, send its line, never return. */
static void child(const struct sweep_plan *p, size_t point, int fd)
{
	int rc;
	char *line = sweep_run_point(p, &p->points[point], &rc);
	size_t off = 0, len = line ? strlen(line) : 0;

	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(CLI_EX_SOFTWARE);
		off += (size_t)n;
	}
	free(line);
	/* _exit: the parent's stdio buffers and atexit handlers are not ours */
	_exit(rc);
}

static int spawn(struct pool *pl, struct worker *w, size_t point)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		close(fds[0]);
		child(pl->p, point, fds[1]);
	}
	close(fds[1]);
	*w = (struct worker){ .pid = pid, .fd = fds[0], .point = point,
			      .deadline = now_ms() + pl->o->timeout_ms };
	pl->active++;
	return 0;
}

static void emit_line(struct pool *pl, const char *line)
{
	if (fputs(line, pl->out) < 0 || fflush(pl->out))
		pl->write_failed = true;
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
static bool line_ok(const struct pool *pl, const struct worker *w)
{
	struct sweep_line_info li;
	bool ok;

	if (!w->len || w->buf[w->len - 1] != '\n' ||
	    memchr(w->buf, '\n', w->len - 1) || sweep_line_parse(w->buf, &li))
		return false;
	ok = li.point == w->point && li.status == SWEEP_RAN;
	free(li.id);
	return ok;
}

static void reap(struct pool *pl, struct worker *w, bool timed_out)
{
	const struct sweep_point *pt = &pl->p->points[w->point];
	int st = 0;

	if (timed_out)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		fprintf(stderr, "tsmsim sweep: point %zu (%s) timed out after %llu ms\n",
			pt->index, pt->id, (unsigned long long)pl->o->timeout_ms);
		emit_status(pl, w->point, SWEEP_TIMEOUT);
	} else if (WIFEXITED(st) && !WEXITSTATUS(st) && line_ok(pl, w)) {
		emit_line(pl, w->buf);
	} else {
		if (WIFSIGNALED(st))
			fprintf(stderr, "tsmsim sweep: point %zu (%s) crashed: signal %d\n",
				pt->index, pt->id, WTERMSIG(st));
		else
			fprintf(stderr, "tsmsim sweep: point %zu (%s) crashed: exit %d\n",
				pt->index, pt->id, WEXITSTATUS(st));
		emit_status(pl, w->point, SWEEP_CRASHED);
	}
	close(w->fd);
	free(w->buf);
	memset(w, 0, sizeof(*w));
	pl->active--;
	pl->finished++;
}

/* "points 12/40, 2 running, 31 s, about 72 s left" on a terminal. */
static void show_progress(struct pool *pl)
{
	uint64_t ms = progress_elapsed_ms(pl->pg), left;

	if (!progress_due(pl->pg))
		return;
	left = pl->finished ? ms / pl->finished * (pl->todo - pl->finished) / 1000 : 0;
	progress_show(pl->pg, "tsmsim sweep: points %zu/%zu, %zu running, %" PRIu64
		      " s, %s%" PRIu64 " s left", pl->finished, pl->todo, pl->active,
		      ms / 1000, pl->finished ? "about " : "? ", left);
}

/* Read what the worker sent; EOF means it is done. */
static void drain(struct pool *pl, struct worker *w)
{
	char chunk[4096];
	ssize_t n = read(w->fd, chunk, sizeof(chunk));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		reap(pl, w, false);
		return;
	}
	w->buf = sim_xrealloc(w->buf, w->len + (size_t)n + 1, 1);
	memcpy(w->buf + w->len, chunk, (size_t)n);
	w->len += (size_t)n;
	w->buf[w->len] = 0;
}

static bool wanted(const struct pool *pl, size_t i)
{
	return !pl->done[i] && sweep_in_shard(i, pl->o->shard_k, pl->o->shard_n);
}

static int fill(struct pool *pl)
{
	for (size_t s = 0; s < pl->nw && pl->next < pl->p->npoints; s++) {
		int rc;

		if (pl->w[s].pid)
			continue;
		while (pl->next < pl->p->npoints && !wanted(pl, pl->next))
			pl->next++;
		if (pl->next == pl->p->npoints)
			break;
		rc = spawn(pl, &pl->w[s], pl->next++);
		if (rc) {
			fprintf(stderr, "tsmsim sweep: cannot start a worker: %s\n",
				strerror(-rc));
			return CLI_EX_SOFTWARE;
		}
	}
	return 0;
}

static void wait_some(struct pool *pl)
{
	struct pollfd *pfd = calloc(pl->nw, sizeof(*pfd));
	uint64_t now = now_ms(), first = UINT64_MAX;
	size_t n = 0;

	TSM_BUG_ON(!pfd);
	for (size_t s = 0; s < pl->nw; s++) {
		if (!pl->w[s].pid)
			continue;
		pfd[n++] = (struct pollfd){ .fd = pl->w[s].fd, .events = POLLIN };
		if (pl->w[s].deadline < first)
			first = pl->w[s].deadline;
	}
	poll(pfd, n, first <= now ? 0 : (int)(first - now > 60000 ? 60000 : first - now));
	n = 0;
	now = now_ms();
	for (size_t s = 0; s < pl->nw; s++) {
		struct worker *w = &pl->w[s];

		if (!w->pid)
			continue;
		if (pfd[n++].revents)
			drain(pl, w);
		if (w->pid && now >= w->deadline)
			reap(pl, w, true);
	}
	free(pfd);
}

static int run_pool(struct pool *pl)
{
	int rc = 0;

	pl->nw = pl->o->jobs;
	pl->w = calloc(pl->nw, sizeof(*pl->w));
	TSM_BUG_ON(!pl->w);
	for (size_t i = 0; i < pl->p->npoints; i++)
		pl->todo += wanted(pl, i);
	pl->pg = progress_start();
	while (!rc && (pl->active || pl->next < pl->p->npoints)) {
		rc = fill(pl);
		if (pl->active)
			wait_some(pl);
		show_progress(pl);
	}
	progress_end(pl->pg);
	while (pl->active)	/* after an error: stop the rest */
		for (size_t s = 0; s < pl->nw; s++)
			if (pl->w[s].pid)
				reap(pl, &pl->w[s], true);
	free(pl->w);
	return rc;
}

/* ---------------------------------------------------------------- resume */

/*
 * Mark the points @path already holds.  A line that is cut short or not
 * a result ends what counts: the file is truncated there, so the points
 * after it run again.  Returns 0 or an exit code.
 */
static int resume_read(const char *path, const struct sweep_plan *p,
		       bool *done, bool *any_bad)
{
	FILE *f = sim_fopen_regular(path);
	char *line = NULL;
	size_t cap = 0;
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

		if (line[n - 1] != '\n' || sweep_line_parse(line, &li))
			break;
		if (li.npoints != p->npoints || strcmp(li.id, p->points[li.point].id)) {
			fprintf(stderr, "tsmsim sweep: %s holds results of another sweep (point %zu is '%s' there)\n",
				path, li.point, li.id);
			rc = CLI_EX_USAGE;
		} else {
			done[li.point] = true;
			*any_bad |= li.status != SWEEP_RAN;
			keep += n;
		}
		free(li.id);
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

int sweep_main(const struct sweep_opts *o)
{
	struct sweep_plan p;
	struct pool pl = { .o = o, .p = &p };
	bool *done = NULL;
	int rc = sweep_plan_build(o, &p);

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
		rc = resume_read(o->out, &p, done, &pl.any_bad);
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
		if (m.n)	/* qsort(NULL, 0) is undefined */
			qsort(m.v, m.n, sizeof(*m.v), by_point);
		rc = merge_check(&m) ? CLI_EX_FAIL : merge_write(&m, out_path);
	}
	for (size_t i = 0; i < m.n; i++) {
		free(m.v[i].li.id);
		free(m.v[i].text);
	}
	free(m.v);
	return rc;
}
