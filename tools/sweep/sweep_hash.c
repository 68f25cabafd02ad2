// SPDX-License-Identifier: MIT
/*
 * sweep_hash.c - the "scenario" hash of a sweep's result lines: what
 * --resume and merge compare before they mix lines (docs/sweep.md).
 *
 * It hashes the scenario as loaded, not its bytes: the YAML document's
 * structure and scalar values (comments, layout, quoting style and flow
 * versus block do not count), then every one-valued --set in order, then
 * the document of every arch given as a profile file.  A swept --set is
 * not in it: its values are in each line's id and `set`.  The hash is
 * 64-bit FNV-1a, printed as 16 hex digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sweep.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void fold(uint64_t *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= FNV_PRIME;
	}
}

/* A length-prefixed string, so "ab"+"c" and "a"+"bc" differ. */
static void fold_str(uint64_t *h, const char *s, size_t len)
{
	uint64_t n = len;

	fold(h, &n, sizeof(n));
	fold(h, s, len);
}

static void fold_node(uint64_t *h, yaml_document_t *doc, int i, int depth)
{
	yaml_node_t *n = yaml_document_get_node(doc, i);
	char type;

	if (!n || depth > 64)
		return;
	type = n->type == YAML_SCALAR_NODE ? 's' :
	       n->type == YAML_SEQUENCE_NODE ? 'q' : 'm';
	fold(h, &type, 1);
	if (n->type == YAML_SCALAR_NODE) {
		/* a quoted "1" is a string, a plain 1 may be a number */
		char plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

		fold(h, &plain, 1);
		fold_str(h, (const char *)n->data.scalar.value, n->data.scalar.length);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			fold_node(h, doc, *it, depth + 1);
		fold(h, "]", 1);
	} else {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			fold_node(h, doc, p->key, depth + 1);
			fold_node(h, doc, p->value, depth + 1);
		}
		fold(h, "}", 1);
	}
}

/* Fold @path's document; false when it cannot be read or parsed. */
static bool fold_file(uint64_t *h, const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t ps;
	yaml_document_t doc;
	bool ok;

	if (!f)
		return false;
	TSM_BUG_ON(!yaml_parser_initialize(&ps));
	yaml_parser_set_input_file(&ps, f);
	ok = yaml_parser_load(&ps, &doc);
	if (ok) {
		fold_node(h, &doc, 1, 0);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&ps);
	fclose(f);
	return ok;
}

uint64_t sweep_scenario_hash(const char *file, const struct scn_set *sets,
			     size_t nsets, char *const *arches, size_t narches)
{
	uint64_t h = FNV_OFFSET;

	fold_str(&h, "tsmsim-scenario", 15);
	if (!fold_file(&h, file))
		fold_str(&h, "unreadable", 10);
	for (size_t i = 0; i < nsets; i++) {
		fold_str(&h, sets[i].path, strlen(sets[i].path));
		fold_str(&h, sets[i].value, strlen(sets[i].value));
	}
	/* a profile file's contents decide its results as much as the scenario */
	for (size_t i = 0; i < narches; i++)
		if (strchr(arches[i], '/'))
			fold_file(&h, arches[i]);
	return h;
}
