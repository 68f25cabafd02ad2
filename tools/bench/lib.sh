# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tools/bench/lib.sh - sourced by the interleaved benchmarks (ratios.sh,
# checkers.sh): `med A B` prints the median of the third tab-separated
# column of $tmp/raw over the rows whose first two columns are A and B.
# shellcheck disable=SC2154 # tmp is the sourcing script's
med() {
	awk -F'\t' -v a="$1" -v b="$2" '$1 == a && $2 == b { print $3 }' "$tmp/raw" |
		sort -n | awk '{ v[NR] = $1 }
			END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
