#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/corpus.sh [RUNS] - wall time of `tsmsim run -q FILE` for each
# scenario of scenarios/corpus/ as a user runs it (its own arch, process
# start and exit included), RUNS times each (default 50) with hyperfine
# -N (no shell in between), and the same for /bin/true: the floor a
# process costs on this machine right now.  Prints each scenario's
# median, then the median and the largest of those medians against the
# goal of 2 ms (docs/performance.md).  `make bench` runs it.
set -eu
cd "$(dirname "$0")/../.."
runs=${1:-50}
bin=${TSMSIM:-./build/tsmsim}
if ! command -v hyperfine >/dev/null; then
	echo "corpus: hyperfine not installed (bash tests/deps.sh bench)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median_ms() {	# CMD -> median wall ms of RUNS runs
	# its warnings about outliers on a shared machine go; errors stay
	hyperfine -N -w 3 -r "$runs" --style none --export-csv "$tmp/h.csv" "$1" \
		>/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	# command,mean,stddev,median,...: seconds
	awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$tmp/h.csv"
}
printf '%-40s %9s\n' scenario median_ms
floor=$(median_ms /bin/true)
for f in scenarios/corpus/*.yaml; do
	m=$(median_ms "$bin run -q $f")
	printf '%-40s %9s\n' "${f#scenarios/}" "$m"
	echo "$m" >>"$tmp/all"
done
sort -n "$tmp/all" | awk -v floor="$floor" -v runs="$runs" '
	{ v[NR] = $1 }
	END {
		med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		over = 0
		for (i = 1; i <= NR; i++) over += v[i] > 2
		printf "%d scenarios, %d runs each: median %.2f ms, largest %.2f ms, %d over the 2 ms goal; /bin/true %.2f ms\n",
			NR, runs, med, v[NR], over, floor
	}'
