#!/usr/bin/env bash
# tools/bench/ratios.sh REPS N REFDIR - time tsmsim against the reference
# engines of the dma-stream workload, interleaved (every repetition runs
# every configuration once, back to back, so machine noise hits all alike),
# and print the median user-CPU seconds of each and tsmsim's ratio to it.
# REFDIR holds built references: limit/, heap/, and systemc/ when
# libsystemc-dev was there to build it.  Used by tools/bench/run.sh.
set -eu
reps=$1 n=$2 ref=$3
bin=${TSMSIM:-./build/tsmsim}
export SC_COPYRIGHT_MESSAGE=DISABLE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
impls=("tsmsim")
[ -x "$ref/limit/dma_stream_limit" ] && impls+=("limit/dma_stream_limit")
[ -x "$ref/heap/dma_stream_heap" ] && impls+=("heap/dma_stream_heap events=2" "heap/dma_stream_heap events=1")
[ -x "$ref/systemc/dma_stream" ] && impls+=("systemc/dma_stream sync=txn" "systemc/dma_stream sync=quantum quantum=10000")
utime() {	# CMD... -> user seconds on stdout
	/usr/bin/time -f '%U' -o "$tmp/t" "$@" >/dev/null 2>&1
	cat "$tmp/t"
}
for rep in $(seq 1 "$reps"); do
	for pat in random sequential; do
		for impl in "${impls[@]}"; do
			if [ "$impl" = tsmsim ]; then
				u=$(utime "$bin" run -q --set "traffic.0.count=$n" \
					"scenarios/bench/dma-stream-$pat.yaml")
			else
				# shellcheck disable=SC2086
				u=$(utime "$ref"/$impl n="$n" pattern="$pat")
			fi
			printf '%s\t%s\t%s\n' "$pat" "$impl" "$u" >>"$tmp/raw"
		done
	done
done
printf '%-11s %-42s %9s %13s\n' pattern implementation median_s "tsmsim/this"
for pat in random sequential; do
	med() { grep -P "^$pat\t$1\t" "$tmp/raw" | cut -f3 | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	ts=$(med tsmsim)
	for impl in "${impls[@]}"; do
		m=$(med "$impl")
		printf '%-11s %-42s %9.3f %12.2fx\n' "$pat" "$impl" "$m" \
			"$(awk -v a="$ts" -v b="$m" 'BEGIN { print (b > 0) ? a / b : 0 }')"
	done
done
