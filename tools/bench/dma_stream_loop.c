// SPDX-License-Identifier: MIT
/*
 * dma_stream_loop.c - the dma-stream workload (docs/bench.md) as a bare
 * loop: no event queue, no trace, no models; the floor tsmsim's time is
 * compared with.  One device issues N 64-byte reads one at a time; each
 * goes through a fully associative true-LRU IOTLB and, on a miss, a walk
 * of a real 4-level radix table in memory.
 *
 *   dma_stream_loop [n=N] [pattern=random|sequential] [pages=P] [tlb=E]
 *                   [H=cycles] [L=cycles] [T=cycles] [seed=S]
 *
 * prints the workload's seven result lines on stdout (docs/bench.md);
 * exit 2 on a bad argument, 70 when the self-check fails.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_IOVA 0x100000000ull
#define LEVELS 4
#define PTE_VALID 1ull

struct params {
	uint64_t n, pages, tlb, h, l, t, seed;
	bool random;
};

/* Page tables: a pool of 512-entry tables; a non-leaf entry holds the
 * next table's pool index << 12, a leaf the HPA frame << 12. */
struct pt {
	uint64_t (*tab)[512];
	size_t used, cap;
};

static size_t pt_new(struct pt *pt)
{
	if (pt->used == pt->cap) {
		pt->cap = pt->cap ? 2 * pt->cap : 64;
		pt->tab = realloc(pt->tab, pt->cap * sizeof(*pt->tab));
		if (!pt->tab) {
			perror("dma_stream_loop");
			exit(70);
		}
	}
	memset(pt->tab[pt->used], 0, sizeof(*pt->tab));
	return pt->used++;
}

static unsigned pt_index(uint64_t iova, int level)
{
	return (unsigned)(iova >> (39 - 9 * level)) & 511;
}

static void pt_map(struct pt *pt, uint64_t iova, uint64_t frame)
{
	size_t t = 0;

	for (int lv = 0; lv < LEVELS - 1; lv++) {
		uint64_t *e = &pt->tab[t][pt_index(iova, lv)];

		if (!(*e & PTE_VALID)) {
			size_t n = pt_new(pt); /* may move pt->tab: recompute e */

			e = &pt->tab[t][pt_index(iova, lv)];
			*e = (uint64_t)n << 12 | PTE_VALID;
		}
		t = (size_t)(*e >> 12);
	}
	pt->tab[t][pt_index(iova, LEVELS - 1)] = frame << 12 | PTE_VALID;
}

static uint64_t pt_walk(const struct pt *pt, uint64_t iova)
{
	size_t t = 0;
	uint64_t e = 0;

	for (int lv = 0; lv < LEVELS; lv++) {
		e = pt->tab[t][pt_index(iova, lv)];
		if (!(e & PTE_VALID)) {
			fprintf(stderr, "dma_stream_loop: IOVA 0x%" PRIx64 " not mapped\n", iova);
			exit(70);
		}
		t = (size_t)(e >> 12);
	}
	return e >> 12;
}

/* The IOTLB: E slots on a doubly linked MRU..LRU list, found through an
 * open-addressing hash of page numbers (slot + 1; 0 = empty). */
struct tlb {
	uint64_t *page, *frame;
	uint32_t *prev, *next, *hash;
	uint32_t n, used, mru, lru, mask;
};

static uint32_t *tlb_bucket(struct tlb *tb, uint64_t page)
{
	uint32_t i = (uint32_t)((page * 0x9E3779B97F4A7C15ull) >> 40) & tb->mask;

	while (tb->hash[i] && tb->page[tb->hash[i] - 1] != page)
		i = (i + 1) & tb->mask;
	return &tb->hash[i];
}

/* remove a key keeping every probe chain intact (backward shift) */
static void tlb_unhash(struct tlb *tb, uint32_t *b)
{
	uint32_t i = (uint32_t)(b - tb->hash), j = i;

	tb->hash[i] = 0;
	for (;;) {
		uint32_t home;

		j = (j + 1) & tb->mask;
		if (!tb->hash[j])
			return;
		home = (uint32_t)((tb->page[tb->hash[j] - 1] * 0x9E3779B97F4A7C15ull) >> 40) & tb->mask;
		if (((j - home) & tb->mask) >= ((j - i) & tb->mask)) {
			tb->hash[i] = tb->hash[j];
			tb->hash[j] = 0;
			i = j;
		}
	}
}

static void tlb_unlink(struct tlb *tb, uint32_t s)
{
	if (tb->prev[s] != UINT32_MAX)
		tb->next[tb->prev[s]] = tb->next[s];
	else
		tb->mru = tb->next[s];
	if (tb->next[s] != UINT32_MAX)
		tb->prev[tb->next[s]] = tb->prev[s];
	else
		tb->lru = tb->prev[s];
}

static void tlb_push_mru(struct tlb *tb, uint32_t s)
{
	tb->prev[s] = UINT32_MAX;
	tb->next[s] = tb->mru;
	if (tb->mru != UINT32_MAX)
		tb->prev[tb->mru] = s;
	tb->mru = s;
	if (tb->lru == UINT32_MAX)
		tb->lru = s;
}

/* Returns true on a hit; on a miss walks @pt and inserts as MRU. */
static bool tlb_translate(struct tlb *tb, const struct pt *pt, uint64_t iova, uint64_t *frame)
{
	uint64_t page = iova >> 12;
	uint32_t *b = tlb_bucket(tb, page), s;

	if (*b) {
		s = *b - 1;
		tlb_unlink(tb, s);
		tlb_push_mru(tb, s);
		*frame = tb->frame[s];
		return true;
	}
	if (tb->used < tb->n) {
		s = tb->used++;
	} else {
		s = tb->lru;
		tlb_unlink(tb, s);
		tlb_unhash(tb, tlb_bucket(tb, tb->page[s]));
		b = tlb_bucket(tb, page);
	}
	tb->page[s] = page;
	tb->frame[s] = pt_walk(pt, iova);
	*b = s + 1;
	tlb_push_mru(tb, s);
	*frame = tb->frame[s];
	return false;
}

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long m = strtoull(v, &end, 10);

	if (end == v)
		return -1;
	if (*end == 'e' || *end == 'E') { /* 1e6 */
		unsigned long long x = strtoull(end + 1, &end, 10);

		for (; x > 0; x--)
			if (__builtin_mul_overflow(m, 10ull, &m))
				return -1;
	}
	if (*end)
		return -1;
	*out = m;
	return 0;
}

static int parse_args(int argc, char **argv, struct params *p)
{
	static const struct { const char *k; size_t off; } keys[] = {
		{ "n", offsetof(struct params, n) }, { "pages", offsetof(struct params, pages) },
		{ "tlb", offsetof(struct params, tlb) }, { "H", offsetof(struct params, h) },
		{ "L", offsetof(struct params, l) }, { "T", offsetof(struct params, t) },
		{ "seed", offsetof(struct params, seed) },
	};

	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t k;

		if (!eq)
			return -1;
		if (!strncmp(argv[i], "pattern=", 8)) {
			if (strcmp(eq + 1, "random") && strcmp(eq + 1, "sequential"))
				return -1;
			p->random = !strcmp(eq + 1, "random");
			continue;
		}
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strlen(keys[k].k) == (size_t)(eq - argv[i]) &&
			    !strncmp(argv[i], keys[k].k, (size_t)(eq - argv[i])))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]) ||
		    parse_u64(eq + 1, (uint64_t *)((char *)p + keys[k].off)))
			return -1;
	}
	/* pages and tlb bound the arrays; the walk needs pages inside 2^36 */
	return p->n && p->pages && p->pages <= (1ull << 24) && p->tlb && p->tlb <= (1u << 20) ? 0 : -1;
}

static uint64_t next_iova(const struct params *p, uint64_t k, uint64_t *s)
{
	uint64_t page, off;

	if (p->random) { /* xorshift64* */
		uint64_t r;

		*s ^= *s >> 12;
		*s ^= *s << 25;
		*s ^= *s >> 27;
		r = *s * 0x2545F4914F6CDD1Dull;
		page = r % p->pages;
		off = ((r >> 32) % 64) * 64;
	} else {
		page = (k / 64) % p->pages;
		off = (k % 64) * 64;
	}
	return BASE_IOVA + page * 4096 + off;
}

int main(int argc, char **argv)
{
	struct params p = { .n = 1000000, .pages = 65536, .tlb = 64, .h = 2, .l = 100,
			    .t = 10, .seed = 1, .random = true };
	struct pt pt = { 0 };
	struct tlb tb = { 0 };
	uint64_t s, cycles = 0, hits = 0, misses = 0, x = 0, hash = 14695981039346656037ull;
	uint64_t miss_lat, check, a, b;
	bool ovf = false;

	if (parse_args(argc, argv, &p)) {
		fprintf(stderr, "usage: dma_stream_loop [n=N] [pattern=random|sequential] [pages=P]"
				" [tlb=E] [H=C] [L=C] [T=C] [seed=S]\n");
		return 2;
	}
	pt_new(&pt);
	for (uint64_t i = 0; i < p.pages; i++)
		pt_map(&pt, BASE_IOVA + i * 4096, (i * 7919 + 13) & ((1ull << 24) - 1));
	tb.n = (uint32_t)p.tlb;
	/* 16 slots per entry, as tsmsim's IOTLB: probes end in about one step */
	for (tb.mask = 1; tb.mask < 16 * tb.n; tb.mask <<= 1)
		;
	tb.hash = calloc(tb.mask, sizeof(*tb.hash));
	tb.mask--;
	tb.page = calloc(tb.n, sizeof(*tb.page));
	tb.frame = calloc(tb.n, sizeof(*tb.frame));
	tb.prev = calloc(tb.n, sizeof(*tb.prev));
	tb.next = calloc(tb.n, sizeof(*tb.next));
	if (!tb.hash || !tb.page || !tb.frame || !tb.prev || !tb.next)
		return 70;
	tb.mru = tb.lru = UINT32_MAX;
	ovf |= __builtin_mul_overflow(p.l, (uint64_t)LEVELS, &miss_lat);
	ovf |= __builtin_add_overflow(miss_lat, p.h, &miss_lat);

	s = p.seed;
	for (uint64_t k = 0; k < p.n; k++) {
		uint64_t iova = next_iova(&p, k, &s), frame, hpa;
		bool hit = tlb_translate(&tb, &pt, iova, &frame);

		hits += hit;
		misses += !hit;
		/* closed loop: issue T after the previous completion */
		if (k > 0)
			ovf |= __builtin_add_overflow(cycles, p.t, &cycles);
		ovf |= __builtin_add_overflow(cycles, hit ? p.h : miss_lat, &cycles);
		hpa = frame * 4096 + (iova & 4095);
		x ^= hpa;
		hash = (hash ^ hpa) * 1099511628211ull;
	}
	/* the closed form every implementation must agree with */
	ovf |= __builtin_mul_overflow(hits, p.h, &a);
	ovf |= __builtin_mul_overflow(misses, miss_lat, &b);
	ovf |= __builtin_add_overflow(a, b, &check);
	ovf |= __builtin_mul_overflow(p.n - 1, p.t, &a);
	ovf |= __builtin_add_overflow(check, a, &check);

	printf("workload=dma-stream pattern=%s n=%" PRIu64 " pages=%" PRIu64 " tlb=%" PRIu64
	       " H=%" PRIu64 " L=%" PRIu64 " levels=%d T=%" PRIu64 " seed=%" PRIu64 "\n",
	       p.random ? "random" : "sequential", p.n, p.pages, p.tlb, p.h, p.l, LEVELS, p.t, p.seed);
	printf("cycles=%" PRIu64 "\nhits=%" PRIu64 "\nmisses=%" PRIu64 "\n", cycles, hits, misses);
	printf("xor=0x%016" PRIx64 "\nhash=0x%016" PRIx64 "\n", x, hash);
	printf("selfcheck=%s\n", !ovf && check == cycles ? "ok" : "FAILED");
	free(pt.tab);
	free(tb.hash);
	free(tb.page);
	free(tb.frame);
	free(tb.prev);
	free(tb.next);
	return !ovf && check == cycles ? 0 : 70;
}
