// SPDX-License-Identifier: MIT
/*
 * fuzz_merge.c - libFuzzer target for `tsmsim merge`: the input, cut in
 * two at its first NUL byte, is two results files merged to /dev/null.
 * Any content gives an exit code of docs/sweep.md (0, 1, 2 for lines of
 * another scenario or tsmsim version, 65), never a crash, a leak or a
 * hang.
 */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "sweep.h"

static int put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (!f)
		return -1;
	rc = fwrite(data, 1, size, f) == size ? 0 : -1;
	return fclose(f) || rc ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cut = memchr(data, 0, size);
	size_t n1 = cut ? (size_t)(cut - data) : size;
	char a[64], b[64];
	const char *files[2] = { a, b };
	int rc;

	snprintf(a, sizeof(a), "/tmp/tsmsim-fuzz-merge-%d-a", (int)getpid());
	snprintf(b, sizeof(b), "/tmp/tsmsim-fuzz-merge-%d-b", (int)getpid());
	if (put(a, data, n1) ||
	    put(b, cut ? cut + 1 : data, cut ? size - n1 - 1 : 0))
		return 0;
	rc = sweep_merge(files, 2, "/dev/null");
	if (rc != 0 && rc != 1 && rc != 2 && rc != 65)
		abort();
	unlink(a);
	unlink(b);
	return 0;
}
