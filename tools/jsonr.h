/* SPDX-License-Identifier: MIT */
/*
 * jsonr.h - a small JSON reader (RFC 8259 syntax) into a tree, for the
 * tools that read tsmsim's own JSON lines back (the sweep summary,
 * minimize --from).  Numbers keep their text and, when they are
 * non-negative integers that fit, their value; nothing is floating point.
 */
#ifndef TSMSIM_TOOLS_JSONR_H
#define TSMSIM_TOOLS_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jsonr_type {
	JSONR_NULL,
	JSONR_BOOL,
	JSONR_NUM,
	JSONR_STR,
	JSONR_ARR,
	JSONR_OBJ,
};

/**
 * struct jsonr - one value.
 * @str:  JSONR_STR: the text (UTF-8); JSONR_NUM: the number as written
 * @u:    JSONR_NUM: the value when @is_u; JSONR_BOOL: 0 or 1
 * @keys: JSONR_OBJ: the member names, in order (@n of them)
 * @v:    JSONR_ARR / JSONR_OBJ: the elements or member values
 */
struct jsonr {
	enum jsonr_type type;
	char *str;
	uint64_t u;
	bool is_u;
	char **keys;
	struct jsonr *v;
	size_t n;
};

/*
 * Parse @text (one value, whitespace around it allowed).  Returns 0, or
 * -EINVAL when it is not JSON (then @out holds nothing to free).
 */
int jsonr_parse(const char *text, struct jsonr *out);
void jsonr_free(struct jsonr *j);

/* Member @key of object @j, or NULL (also when @j is not an object). */
const struct jsonr *jsonr_get(const struct jsonr *j, const char *key);
/* The string of member @key, or NULL when absent or not a string. */
const char *jsonr_str(const struct jsonr *j, const char *key);
/* The integer of member @key, or @def. */
uint64_t jsonr_u64(const struct jsonr *j, const char *key, uint64_t def);

#endif /* TSMSIM_TOOLS_JSONR_H */
