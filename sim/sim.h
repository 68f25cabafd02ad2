/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the tsmsim engine: clock, event queue, RNG streams, trace bus,
 * checkers and findings, stats, watchdog.
 *
 * Event model (after Cimba's cmb_event.h, with an explicit context and
 * integer time): an event is fn(sim, subject, object) scheduled at a cycle
 * with a priority.  Events fire in (cycle, priority, sequence) order, the
 * sequence being the scheduling order, so two runs that schedule the same
 * events print the same bytes.  Lower priority values fire first; the
 * contract's "within one cycle, state changes take effect before accesses"
 * is SIM_PRIO_STATE < SIM_PRIO_ACCESS.
 *
 * There are no globals: one struct sim owns the queue, the RNG streams, the
 * trace subscribers, the findings and the stats, so a sweep or a test can
 * run as many sims as it likes in one process.
 */
#ifndef TSMSIM_SIM_SIM_H
#define TSMSIM_SIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

typedef uint64_t sim_cycles_t;

#define SIM_CYCLES_MAX UINT64_MAX

/*
 * Every time sum goes through these: a cycle count saturates at
 * SIM_CYCLES_MAX instead of wrapping (a wrapped sum would put an event in
 * the past, or make a long delay finish early).  The watchdog's
 * limits.max_cycles is always below SIM_CYCLES_MAX, so an event at a
 * saturated cycle stops the run with a `watchdog` finding.
 */
static inline sim_cycles_t sim_cycles_add(sim_cycles_t a, sim_cycles_t b)
{
	sim_cycles_t c;

	return __builtin_add_overflow(a, b, &c) ? SIM_CYCLES_MAX : c;
}

static inline sim_cycles_t sim_cycles_mul(sim_cycles_t a, uint64_t n)
{
	sim_cycles_t c;

	return __builtin_mul_overflow(a, n, &c) ? SIM_CYCLES_MAX : c;
}

struct sim;

/*
 * TSM_BUG_ON: a simulator bug, never a modelled fault.  In every build it
 * prints FILE:LINE and the condition and exits 70 (contract: internal
 * error), never abort().
 */
_Noreturn void sim_bug(const char *file, int line, const char *cond);
#define TSM_BUG_ON(cond) \
	do { if (cond) sim_bug(__FILE__, __LINE__, #cond); } while (0)

/* realloc of @n * @size bytes; out of memory is a TSM_BUG_ON. */
void *sim_xrealloc(void *p, size_t n, size_t size);
/* strdup (NULL gives ""), and asprintf, on the same terms. */
char *sim_xstrdup(const char *s);
char *sim_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Input files (scenarios, profiles, sweep results): open @path for reading
 * only when it is a regular file.  The open is non-blocking, so a FIFO
 * with no writer cannot hang it, and fstat() refuses a directory (EISDIR)
 * or a FIFO, device or socket (EINVAL) before any read.  NULL with errno.
 */
FILE *sim_fopen_regular(const char *path);
/* strerror(), but EINVAL from sim_fopen_regular() reads "not a regular file". */
const char *sim_open_strerror(int e);
/*
 * One line of at most @max bytes (newline included) into *@buf (grown as
 * getline() does).  Returns its length, 0 at end of file, -EIO on a read
 * error (never taken for end of file), -E2BIG when the line is longer
 * than @max (the rest of it is not read).
 */
ssize_t sim_read_line(FILE *f, char **buf, size_t *cap, size_t max);
/*
 * The 1-based line and column (in characters: UTF-8 continuation bytes
 * do not count) of byte @off of @text, for errors libyaml reports by
 * offset only (invalid UTF-8, a NUL or another control character).
 */
void sim_text_pos(const char *text, size_t len, size_t off,
		  unsigned int *line, unsigned int *col);

/**
 * sim_create() - make an engine.
 * @seed: the scenario seed; RNG stream 0 starts from it.
 *
 * Returns NULL only when out of memory.
 */
struct sim *sim_create(uint64_t seed);
void sim_destroy(struct sim *s);
sim_cycles_t sim_now(const struct sim *s);
uint64_t sim_seed(const struct sim *s);

/* ---------------------------------------------------------------- events */

enum sim_prio {
	SIM_PRIO_STATE = 0,	/* page-table edits, TDI transitions */
	SIM_PRIO_COMPLETE = 10,	/* sub-operation and invalidation completions */
	SIM_PRIO_ACCESS = 20,	/* CPU and DMA accesses */
	SIM_PRIO_STEP = 30,	/* the runner starting the next step */
	SIM_PRIO_LATE = 40,
};

typedef void sim_event_fn(struct sim *s, void *subject, void *object);

/**
 * sim_event_schedule() - run @fn(@s, @subject, @object) at cycle @at.
 * @at must not be in the past.  Returns a handle for sim_event_cancel();
 * handles are never 0 and never reused within one sim.
 */
uint64_t sim_event_schedule(struct sim *s, sim_cycles_t at, int prio,
			    sim_event_fn *fn, void *subject, void *object);
/* Returns true when the event was pending and will now not fire. */
bool sim_event_cancel(struct sim *s, uint64_t handle);
bool sim_event_pending(const struct sim *s, uint64_t handle);
size_t sim_events_queued(const struct sim *s);
/* The cycle of the next queued event; SIM_CYCLES_MAX when none is queued. */
sim_cycles_t sim_event_next_at(const struct sim *s);
uint64_t sim_events_fired(const struct sim *s);

enum sim_run_status {
	SIM_RUN_IDLE,		/* the queue drained */
	SIM_RUN_LIMIT,		/* the next event is after @limit */
	SIM_RUN_STOPPED,	/* sim_stop() was called */
	SIM_RUN_WATCHDOG,	/* max_cycles or max_events was hit */
};
const char *sim_run_status_name(enum sim_run_status st);

/**
 * sim_run_until() - fire events up to and including cycle @limit.
 * The clock ends at the last fired event (or @limit when the queue still
 * holds later events).  The watchdog is checked before every event.
 */
enum sim_run_status sim_run_until(struct sim *s, sim_cycles_t limit);
void sim_stop(struct sim *s);

/* 0 means unlimited.  Hitting a limit records a `watchdog` finding. */
void sim_set_limits(struct sim *s, sim_cycles_t max_cycles, uint64_t max_events);
/*
 * A wall-clock limit of @ms milliseconds from now (0: none), checked every
 * 1024 events; hitting it records a `watchdog` finding.  Only a run that
 * hits it depends on the machine's speed.
 */
void sim_set_wall_timeout(struct sim *s, uint64_t ms);

/**
 * sim_runahead() - fire one virtual event at (@at, @prio) without queueing it.
 *
 * Exact run-ahead: a model inside an event handler may do the work of its
 * own next event at once when nothing else could happen first, because
 * model state changes only at events.  Returns true when an event queued
 * now at (@at, @prio) would be the next to fire: it sorts before the head
 * of the queue (its sequence number would be the largest, so it loses
 * every tie of cycle and priority), it is within the current
 * sim_run_until() limit and the watchdog's limits, and sim_stop() was not
 * called.  The clock then moves to @at and the event is counted as queued
 * (its sequence number) and fired, so sim_now(), the `sim.events` count,
 * the watchdog and later ties are exactly as if it had gone through the
 * queue.  Returns false otherwise (the caller schedules it as usual), and
 * always when run-ahead is off.
 */
bool sim_runahead(struct sim *s, sim_cycles_t at, int prio);
/*
 * sim_runahead_span() - how much sim_runahead() would allow at once:
 * virtual events at (t, @prio) for any sim_now() <= t <= *@last, at most
 * *@left of them, as long as the caller schedules nothing and stops
 * nothing meanwhile.  False when not even one would be allowed.  The
 * caller then accounts them with sim_runahead_commit().
 */
bool sim_runahead_span(const struct sim *s, int prio, sim_cycles_t *last,
		       uint64_t *left);
/* Account @n virtual events fired, the last at @at (inside the span). */
void sim_runahead_commit(struct sim *s, sim_cycles_t at, uint64_t n);
/* Run-ahead is on by default; off, every access is its own events. */
void sim_set_runahead(struct sim *s, bool on);

/* ------------------------------------------------------------------- RNG */

/*
 * xorshift64* (Vigna 2016: shifts 12, 25, 27; multiplier
 * 0x2545F4914F6CDD1D), output taken after the state update, as in the
 * docs/scenarios.md and docs/bench.md.  Stream 0 is seeded with the
 * scenario seed, stream i > 0 with splitmix64(seed + i).
 */
struct sim_rng {
	uint64_t state;
};

uint64_t sim_splitmix64(uint64_t x);
void sim_rng_init(struct sim_rng *r, uint64_t seed, unsigned int stream);
static inline uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ------------------------------------------------------- step context */

/*
 * The step being executed, stamped on every trace record and finding so a
 * cause chain can name YAML lines.  index -1 means "no step" (traffic or
 * an event outside any step).
 */
struct sim_step_ref {
	int index;
	unsigned int line;
	const char *label;	/* owned by the scenario; may be NULL */
	const char *op;
};

void sim_set_step(struct sim *s, const struct sim_step_ref *ref);
const struct sim_step_ref *sim_step(const struct sim *s);

/* ------------------------------------------------------------ trace bus */

/*
 * The trace vocabulary.  Models publish facts; checkers and sinks read
 * them and never reach into a model.  Addresses are host physical unless
 * the field says otherwise.
 */
enum sim_rec_type {
	SIM_REC_STEP_BEGIN,	/* a step started (s.step is set) */
	SIM_REC_STEP_END,	/* a step completed; u.step.result */
	SIM_REC_MAP,		/* a mapping was created (or, same id, faulted in) */
	SIM_REC_UNMAP,		/* ... was removed from its table */
	SIM_REC_TDI_STATE,	/* a TDI changed TDISP state */
	SIM_REC_OWNER,		/* MMIO pages changed owner (lock, assign, delegate) */
	SIM_REC_ACCESS,		/* a CPU or DMA access completed */
	SIM_REC_TDISP,		/* a TDISP request and its response */
	SIM_REC_INVAL,		/* an invalidation was queued / completed / dropped */
	SIM_REC_DMABUF,		/* a dma-buf event (export, revoke, move_notify...) */
	SIM_REC_FIRMWARE,	/* an arch firmware call and its status */
	SIM_REC_TEARDOWN,	/* a teardown step and whether the arch allows its order */
	SIM_REC_NOTE,		/* free-form model note (verbose output only) */
	SIM_REC_NR
};
const char *sim_rec_type_name(enum sim_rec_type t);

#define SIM_REC_BIT(t) (1u << (t))
#define SIM_REC_ALL ((1u << SIM_REC_NR) - 1)

/* Which table a mapping lives in: who can reach the HPA through it. */
enum sim_map_kind {
	SIM_MAP_HOST_MMAP,	/* host userspace mmap (vfio.mmap) */
	SIM_MAP_KERNEL,		/* kernel ioremap */
	SIM_MAP_S2_SHARED,	/* KVM shared stage-2 (EPT / NPT / NS S2) */
	SIM_MAP_S2_PRIVATE,	/* private stage-2 (S-EPT / NPT+RMP / RTT) */
	SIM_MAP_IOMMU,		/* an iommufd IOAS / HWPT domain */
	SIM_MAP_IOMMU_TRUSTED,	/* the arch's trusted DMA tables */
	SIM_MAP_NR
};
const char *sim_map_kind_name(enum sim_map_kind k);

enum sim_initiator {
	SIM_INIT_GUEST,
	SIM_INIT_HOST,
	SIM_INIT_DEVICE,
	SIM_INIT_NR
};
const char *sim_initiator_name(enum sim_initiator i);

/* Access results of docs/scenarios.md, in no particular order. */
enum sim_result {
	SIM_RES_OK,
	SIM_RES_RETRIED,
	SIM_RES_FAULT,
	SIM_RES_UR,
	SIM_RES_MCE,
	SIM_RES_HOST_FAULT,
	SIM_RES_STUCK,
	SIM_RES_NR
};
const char *sim_result_name(enum sim_result r);
int sim_result_parse(const char *name);	/* -1 when unknown */

struct sim_rec_map {
	enum sim_map_kind kind;
	uint64_t map_id;	/* unique per mapping within the sim */
	const char *table;	/* "vm0.shared", "ioas a", "mmap m0" */
	uint64_t addr;		/* GPA / IOVA / VA the mapping starts at */
	uint64_t hpa;
	uint64_t size;
	int owner_step;		/* the step that created it */
	unsigned int owner_line;
	const char *owner_op;	/* its op ("kvm.map") and label, may be NULL */
	const char *owner_label;
	bool populated;		/* entries present (false: fault-in pending) */
};

struct sim_rec_tdi_state {
	const char *device;
	int from, to;		/* enum tdisp_state values */
	const char *from_name, *to_name;
	const char *cause;	/* "LOCK_INTERFACE", "config write bar0", ... */
};

/*
 * MMIO pages of a TDI change owner, or the TDI locks: the arch publishes
 * which hazard its profile attaches to this event (docs/arch/rules.md),
 * so the latent-mapping checker stays arch-agnostic: every hypervisor-side
 * mapping (mem.h MEM_HYP_KINDS minus @exempt_kinds and @exempt_ids) live over
 * [@hpa, @hpa + @size) at this moment is a @finding.
 */
struct sim_rec_owner {
	const char *device;
	uint64_t hpa, size;
	const char *event;	/* "lock", "mmio-tracking", "rmp-assign", "delegate" */
	bool to_private;
	int finding;		/* SIM_FIND_LATENT_MCE / _HOST_FAULT, or -1 */
	unsigned int exempt_kinds;	/* 1 << enum sim_map_kind not counted */
	/* mappings by id not counted (sev: the bound guest's own NPT
	 * entries); valid during the emit only */
	const uint64_t *exempt_ids;
	size_t nexempt;
	const char *arch;	/* "tdx" */
	const char *why;	/* "on tdx a CPU access to locked TEE MMIO is an MCE" */
};

/*
 * What the checkers judge an access by, besides its initiator, kind and
 * mapping: the result and four flags, 8 bytes with no padding.  The
 * access record and struct plat_access both hold them as
 * SIM_ACCESS_FACTS members, so a publisher hands them over in place
 * (sim_trace_access_verdict()) and the judge compares them as one word.
 * @stale:            translated through a stale TLB entry
 * @dropped_silently: a write dropped without telling the issuer
 * @unaccepted:       private MMIO not accepted / validated
 */
#define SIM_ACCESS_FACTS_MEMBERS \
	enum sim_result result; \
	bool write; \
	bool stale; \
	bool dropped_silently; \
	bool unaccepted

struct sim_access_facts {
	SIM_ACCESS_FACTS_MEMBERS;
};
_Static_assert(sizeof(struct sim_access_facts) == 8,
	       "the facts are compared as one word: no padding");

/* The facts as named members and as one struct (C11 anonymous members). */
#define SIM_ACCESS_FACTS \
	union { \
		struct { SIM_ACCESS_FACTS_MEMBERS; }; \
		struct sim_access_facts facts; \
	}

struct sim_rec_access {
	enum sim_initiator who;
	/*
	 * "vm0", "host", "dev0", "traffic mmio-poll".  The checkers' verdict
	 * cache knows an issuer by this address, so one address keeps one
	 * text at least until the next step, map, unmap, dma-buf, owner,
	 * TDI-state, TDISP or teardown record (a stream's name lives with
	 * the stream, a vfio region's with its MAP and UNMAP).
	 */
	const char *initiator;
	SIM_ACCESS_FACTS;	/* result, write, stale, dropped_silently, unaccepted */
	bool priv;		/* private view (guest) or T=1 (device) */
	uint64_t addr;		/* as issued: GPA, VA offset or IOVA */
	uint64_t hpa;		/* where it landed; UINT64_MAX when nowhere */
	uint64_t size;
	uint64_t map_id;	/* the mapping used; 0 when none */
	sim_cycles_t issued;
	const char *detail;	/* "EPT violation", "RMP fault", ... */
};

struct sim_rec_tdisp {
	const char *device;
	const char *request;	/* "LOCK_INTERFACE" */
	const char *response;	/* "ok" or the TDISP error name */
	bool expected;		/* the scenario allowed this response */
};

struct sim_rec_inval {
	const char *table;
	uint64_t addr, size;
	enum { SIM_INVAL_QUEUED, SIM_INVAL_DONE, SIM_INVAL_DROPPED } phase;
};

/*
 * dma-buf facts.  "map" links an importer's mapping (@map_id, a mem.h
 * mapping) to the buffer; "revoke" starts a revoke, "revoked" is its
 * completion, "unmapped" an importer dropping @map_id.
 */
struct sim_rec_dmabuf {
	const char *name;
	const char *event;	/* export, map, revoke, revoked, unrevoke, move_notify, unmapped, close */
	const char *importer;
	uint64_t map_id;
};

/* A teardown step; @forbidden when the arch's profile forbids its order. */
struct sim_rec_teardown {
	const char *device;
	const char *guest;
	const char *what;	/* "private MMIO unmapped while dev0 is CONFIG_LOCKED" */
	bool forbidden;
	const char *arch;
	const char *rule;	/* the profile rule and its source */
};

struct sim_rec_firmware {
	const char *call;	/* "TDH.MMIO.MAP" */
	const char *status;	/* "ok" or the firmware error name */
};

struct sim_rec_step {
	const char *result;	/* step result name (STEP_END only) */
	bool expected;		/* the result matched the step's expect */
};

struct sim_rec {
	enum sim_rec_type type;
	sim_cycles_t cycle;
	struct sim_step_ref step;
	union {
		struct sim_rec_map map;
		struct sim_rec_tdi_state tdi;
		struct sim_rec_owner owner;
		struct sim_rec_access access;
		struct sim_rec_tdisp tdisp;
		struct sim_rec_inval inval;
		struct sim_rec_dmabuf dmabuf;
		struct sim_rec_firmware fw;
		struct sim_rec_step stepres;
		struct sim_rec_teardown teardown;
		const char *note;
	} u;
};

typedef void sim_trace_fn(void *ctx, const struct sim_rec *rec);

/*
 * Subscribe @fn to the record types in @mask.  Each type keeps its
 * subscribers in subscription order (sinks and checkers alike); one made
 * while a record is being delivered gets the records after it.  Returns 0.
 */
int sim_trace_subscribe(struct sim *s, unsigned int mask, sim_trace_fn *fn,
			void *ctx);
/* True when somebody listens to @type: lets a model skip building a record. */
static inline bool sim_trace_wanted(const struct sim *s, enum sim_rec_type type);
/* Stamp cycle and step on @rec and deliver it to the subscribers. */
void sim_trace_emit(struct sim *s, struct sim_rec *rec);
void sim_trace_note(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --------------------------------------------------------------- findings */

/* Finding names of docs/scenarios.md, in its table order. */
enum sim_finding_kind {
	SIM_FIND_MCE,
	SIM_FIND_HOST_FAULT,
	SIM_FIND_LATENT_MCE,
	SIM_FIND_LATENT_HOST_FAULT,
	SIM_FIND_ACCESS_ERROR,
	SIM_FIND_DATA_LOSS,
	SIM_FIND_HITLESS_VIOLATION,
	SIM_FIND_STALE_TRANSLATION,
	SIM_FIND_USE_AFTER_REVOKE,
	SIM_FIND_TDI_ERROR,
	SIM_FIND_TDISP_PROTOCOL,
	SIM_FIND_UNACCEPTED_ACCESS,
	SIM_FIND_TEARDOWN_ORDER,
	SIM_FIND_WATCHDOG,
	SIM_FIND_NR
};
const char *sim_finding_name(enum sim_finding_kind k);
const char *sim_finding_help(enum sim_finding_kind k);
int sim_finding_parse(const char *name);	/* -1 when unknown */

/**
 * struct sim_finding - one deduplicated finding.
 * @key:     deduplication key chosen by the checker; findings with the same
 *           (kind, key) and @open set merge into one episode
 * @count:   accesses (or events) folded into this finding
 * @first, @last: cycles of the first and last of them
 * @step, @line, @label: the step during which it was first seen
 * @explain: the cause chain, in words, with YAML lines
 */
struct sim_finding {
	enum sim_finding_kind kind;
	uint64_t key;
	uint64_t count;
	sim_cycles_t first, last;
	int step;
	unsigned int line;
	const char *label;
	/*
	 * The step context's op when no step ran it (step < 0): "fault KIND"
	 * for a fault of the file, "--inject KIND@POINT.." for an injected
	 * one; NULL otherwise.  Owned by the sim.
	 */
	char *origin;
	char *explain;
	bool open;		/* an access episode still extending */
	bool suppressed;	/* an expect.allow window covered it */
};

/*
 * Record a finding or fold it into the open episode with the same
 * (kind, key).  Returns the finding so a checker can close or extend it.
 */
struct sim_finding *sim_finding_add(struct sim *s, enum sim_finding_kind kind,
				    uint64_t key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* End the open episode of (kind, key), if any. */
void sim_finding_close(struct sim *s, enum sim_finding_kind kind, uint64_t key);
size_t sim_findings_count(const struct sim *s);
const struct sim_finding *sim_finding_at(const struct sim *s, size_t i);
struct sim_finding *sim_finding_at_mut(struct sim *s, size_t i);

/* -------------------------------------------------------------- checkers */

/**
 * struct sim_checker_ops - a judge that reads only trace records.
 * @name:    for --stats and docs
 * @mask:    SIM_REC_BIT()s it wants
 * @on_rec:  called for each record of those types, in emission order
 * @finish:  called once when the run ends, before the report
 * @destroy: frees @ctx; may be NULL
 */
struct sim_checker_ops {
	const char *name;
	unsigned int mask;
	void (*on_rec)(struct sim *s, void *ctx, const struct sim_rec *rec);
	void (*finish)(struct sim *s, void *ctx);
	void (*destroy)(void *ctx);
	/*
	 * Optional: true when @rec, just delivered, delivered again with only
	 * its cycles, addresses and value changed and no other record in
	 * between, would change nothing in this checker (no finding, no
	 * count, no state).  NULL: never.  Run-ahead skips such repeats.
	 */
	bool (*again_quiet)(struct sim *s, void *ctx, const struct sim_rec *rec);
};

int sim_checker_register(struct sim *s, const struct sim_checker_ops *ops,
			 void *ctx);
/* Call every checker's finish hook once. */
void sim_checkers_finish(struct sim *s);
/*
 * sim_trace_again_quiet() - may a repeat of @rec (see again_quiet above)
 * go undelivered?  True when nothing subscribes to its type, or every
 * subscriber is a checker whose again_quiet() says so; any other sink
 * (--trace, --vcd, --html) wants every record.
 */
bool sim_trace_again_quiet(struct sim *s, const struct sim_rec *rec);

/* The checkers' access judge, as sim_trace_judge() hands it out. */
struct sim_judge;

/* The answers of sim_trace_access_verdict(). */
enum sim_verdict {
	SIM_VERDICT_PUBLISH,	/* build the record if sim_trace_wanted() */
	SIM_VERDICT_QUIET,	/* its record would change nothing */
	SIM_VERDICT_COUNTED,	/* it only counted into an open episode: done */
};

/*
 * sim_trace_access_verdict() - may an access go unpublished?  Asked
 * before its record is built, of @judge (sim_trace_judge(), not NULL),
 * with what the checkers judge an access by (@who, @initiator, @map_id,
 * @facts) at sim_now() in the current step; answered from the judge's
 * verdict cache.  A COUNTED access is no quiet repeat
 * (sim_trace_again_quiet()); a QUIET one is, as its record would be.
 */
enum sim_verdict sim_trace_access_verdict(struct sim *s,
					  struct sim_judge *judge,
					  enum sim_initiator who,
					  const char *initiator,
					  uint64_t map_id,
					  const struct sim_access_facts *facts);

/* ------------------------------------------------------------------ stats */

/*
 * Named counters.  A model looks a counter up once and keeps the pointer,
 * so the hot path pays one increment.  Output is sorted by name.
 */
uint64_t *sim_stat(struct sim *s, const char *name);
size_t sim_stats_count(const struct sim *s);
void sim_stat_at(const struct sim *s, size_t i, const char **name,
		 uint64_t *value);	/* i-th in name order */


/* ------------------------------------------------------------- sequences */

/*
 * A step is a sequence of sub-operations (docs/scenarios.md): each takes
 * effect at the cycle it completes, the next starts then, and the step
 * completes with its last.  A sub-operation returns NULL (success), a
 * result name that ends the sequence ("EEXIST", "INVALID_NONCE", "ur"),
 * or SIM_SEQ_WAIT to pause until some model calls sim_seq_resume() (an
 * invalidation completing, the last importer unmapping).
 *
 * Sub-operations may add more: sim_seq_next() inserts right after the
 * running one (a computed latency, a per-page loop), sim_seq_add()
 * appends at the end.
 */
struct sim_seq;

extern const char sim_seq_wait_tag[];
#define SIM_SEQ_WAIT ((const char *)sim_seq_wait_tag)

typedef const char *sim_subop_fn(struct sim *s, void *ctx, uint64_t arg);
/* Called when the sequence ends, with the result (NULL = ok). */
typedef void sim_seq_done_fn(struct sim *s, void *ctx, const char *result);
/* Called after the k-th (1-based) sub-operation completes. */
typedef void sim_seq_subop_hook(struct sim *s, void *ctx, unsigned int k);

struct sim_seq *sim_seq_create(struct sim *s, sim_seq_done_fn *done,
			       sim_seq_subop_hook *hook, void *ctx);
void sim_seq_destroy(struct sim_seq *q);
void sim_seq_add(struct sim_seq *q, sim_cycles_t lat, const char *name,
		 sim_subop_fn *fn, void *ctx, uint64_t arg);
void sim_seq_next(struct sim_seq *q, sim_cycles_t lat, const char *name,
		  sim_subop_fn *fn, void *ctx, uint64_t arg);
/* Start at the current cycle.  The sequence must not be running. */
void sim_seq_start(struct sim_seq *q);
/* Continue a sequence paused by SIM_SEQ_WAIT; @result ends it when non-NULL. */
void sim_seq_resume(struct sim_seq *q, const char *result);
bool sim_seq_running(const struct sim_seq *q);
bool sim_seq_waiting(const struct sim_seq *q);
unsigned int sim_seq_completed(const struct sim_seq *q);	/* sub-ops done */
/* Drop what is queued and not started (for skip-step faults and teardown). */
void sim_seq_clear(struct sim_seq *q);

/*
 * Fault injection at the firmware boundary (the `firmware-error` fault):
 * the next @n sub-operations of any step named @call (exactly, or @call
 * followed by a space) do not run; each ends its step with @result and is
 * published as a SIM_REC_FIRMWARE record with that status.  Sub-operation
 * names are the firmware calls' names (TDH.MMIO.MAP, RMI_VDEV_MAP,
 * TIO_TDI_BIND, ...), so the call fails before it has any effect.
 */
void sim_seq_inject_fail(struct sim *s, const char *call, const char *result,
			 unsigned int n);

/*
 * Counts a step reports for `assert: last:` ("handled", "unmapped", ...).
 * Reset by sim_seq_start().
 */
void sim_seq_report(struct sim_seq *q, const char *key, uint64_t value);
bool sim_seq_reported(const struct sim_seq *q, const char *key, uint64_t *value);
size_t sim_seq_nreports(const struct sim_seq *q);
void sim_seq_report_at(const struct sim_seq *q, size_t i, const char **key,
		       uint64_t *value);

/* ----------------------------------------------------------------- inline */

/*
 * @judge: the checkers' access judge while it is the one subscriber of
 * ACCESS (sim_trace_access_verdict() may answer), else NULL.
 */
struct sim_trace_mask_view {
	unsigned int mask;
	struct sim_judge *judge;
};
const struct sim_trace_mask_view *sim_trace_mask(const struct sim *s);

static inline bool sim_trace_wanted(const struct sim *s, enum sim_rec_type type)
{
	return (sim_trace_mask(s)->mask & SIM_REC_BIT(type)) != 0;
}

/*
 * The checkers' access judge while it is the one subscriber of ACCESS,
 * for sim_trace_access_verdict(); NULL when there is none or any other
 * subscriber (--trace, --vcd, --html, --stats, progress) wants every
 * record.
 */
static inline struct sim_judge *sim_trace_judge(const struct sim *s)
{
	return sim_trace_mask(s)->judge;
}


/* ------------------------------------------- checkers (issue 6, item 1) */

/*
 * The docs/scenarios.md checkers (sim/checkers.c) and the expect windows
 * they evaluate.  The runner resolves labels to step indices and a
 * `{ device, bar }` range to its HPA window, then calls
 * sim_checkers_install() once, before the first step.
 */
enum sim_window_range {
	SIM_WIN_HPA,	/* target HPA in [@base, @base + @size): a device BAR */
	SIM_WIN_GPA,	/* guest @guest's GPA in [@base, @base + @size) */
	SIM_WIN_IOVA,	/* a device's IOVA in [@base, @base + @size) */
};

/**
 * struct sim_hitless_cfg - one `expect.hitless` window.
 * @from_step, @to_step: step indices; the window runs from the start of
 *            @from_step to the completion of @to_step
 * @range:    how @base / @size are matched against an access
 * @guest:    SIM_WIN_GPA: the guest name (matches access.initiator equal
 *            to it or starting with it and one of " :/.")
 * @what:     how to name the range in the explanation ("nic0 BAR 0");
 *            may be NULL
 * @line:     YAML line of the window
 */
struct sim_hitless_cfg {
	int from_step, to_step;
	enum sim_window_range range;
	const char *guest;
	uint64_t base, size;
	const char *what;
	unsigned int line;
};

/**
 * struct sim_allow_cfg - one `expect.allow` window.
 * @results: bit (1u << enum sim_result) per allowed result; only
 *           access-error findings for these results are suppressed
 */
struct sim_allow_cfg {
	int from_step, to_step;
	unsigned int results;
	unsigned int line;
};

struct sim_checker_cfg {
	const struct sim_hitless_cfg *hitless;
	size_t nhitless;		/* at most SIM_HITLESS_MAX */
	const struct sim_allow_cfg *allow;
	size_t nallow;
	/*
	 * `tsmsim run --checkers none`: check the windows as usual (a bad one
	 * is still the scenario's error) but register no checker, so no
	 * record is judged and only the watchdog can add a finding.
	 */
	bool off;
};

#define SIM_HITLESS_MAX 64

enum sim_hitless_verdict {
	SIM_HITLESS_NOT_REACHED,	/* @from_step never started */
	SIM_HITLESS_OPEN,		/* opened, not closed yet */
	SIM_HITLESS_CLEAN,		/* accesses seen, every one ok */
	SIM_HITLESS_VIOLATED,		/* one finding was recorded */
	SIM_HITLESS_UNEXERCISED,	/* closed without a covered access */
};
const char *sim_hitless_verdict_name(enum sim_hitless_verdict v);

/**
 * struct sim_hitless_status - what one hitless window saw.
 * @accesses: covered accesses; @bad: those that did not end ok
 * @opened, @closed: cycles of the window's start and end
 * @first_bad, @last_bad: cycles of the first and last bad access
 * @longest:  longest interval (cycles) the range was unavailable: from a
 *            failing access to the next ok one, or to the window end
 * @longest_from: where that interval started
 * @finding:  index of its hitless-violation finding, or -1
 */
struct sim_hitless_status {
	enum sim_hitless_verdict verdict;
	uint64_t accesses, bad;
	sim_cycles_t opened, closed;
	sim_cycles_t first_bad, last_bad;
	sim_cycles_t longest, longest_from;
	long finding;
};

/**
 * sim_checkers_install() - register every section 7 checker on @s.
 * @cfg: the expect windows; NULL means none.  Copied.
 *
 * Returns 0, -EINVAL for a malformed window (to < from, empty range,
 * GPA range without a guest), -E2BIG for more than SIM_HITLESS_MAX
 * hitless windows, -EBUSY when already installed on @s.  With @cfg->off
 * it only checks the windows.
 */
int sim_checkers_install(struct sim *s, const struct sim_checker_cfg *cfg);

/* Hitless windows installed (0 when the checkers are not installed). */
size_t sim_hitless_count(const struct sim *s);

/**
 * sim_hitless_get() - status of hitless window @i (install order).
 * Final after sim_checkers_finish().  Returns 0 or -ENOENT.
 */
int sim_hitless_get(const struct sim *s, size_t i,
		    struct sim_hitless_status *st);

/* Deduplicated findings of @kind that no allow window suppressed. */
uint64_t sim_findings_unsuppressed(const struct sim *s,
				   enum sim_finding_kind kind);

#endif /* TSMSIM_SIM_SIM_H */
