#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/ratios.sh [REPS] [N] - time tsmsim against the bare loop and
# the other engines of the dma-stream workload, interleaved (every
# repetition runs every configuration once, back to back, so machine noise
# hits all alike), and print each one's median user seconds and tsmsim's
# ratio to it.  Always: the project's own bare loop
# (build/bench/dma_stream_loop).  With BENCH_REF=DIR (the workload's
# reference folder: limit/, heap/, systemc/ and a Makefile) also its bare
# loop, its heap engine with 2 and 1 events per DMA and, when Debian's
# libsystemc-dev is installed, its SystemC model with one wait per
# transaction and with a 10,000-cycle quantum keeper; DIR is built in a
# temporary copy.  `make bench` runs it; goals live in docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
reps=${1:-5} n=${2:-1e7}
bin=${TSMSIM:-./build/tsmsim}
loop=./build/bench/dma_stream_loop
export SC_COPYRIGHT_MESSAGE=DISABLE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tools/bench/lib.sh	# med PATTERN IMPL|MODE
impls=("tsmsim" "own-loop")
if [ -n "${BENCH_REF:-}" ] && [ -d "$BENCH_REF" ]; then
	cp -r "$BENCH_REF" "$tmp/ref"
	if make -s -C "$tmp/ref" heap/dma_stream_heap limit/dma_stream_limit >/dev/null 2>&1; then
		impls+=("limit/dma_stream_limit" "heap/dma_stream_heap events=2"
			"heap/dma_stream_heap events=1")
	fi
	if pkg-config --exists systemc 2>/dev/null &&
		make -s -C "$tmp/ref" systemc/dma_stream >/dev/null 2>&1; then
		impls+=("systemc/dma_stream sync=txn"
			"systemc/dma_stream sync=quantum quantum=10000")
	else
		echo "ratios: no SystemC (apt-get install libsystemc-dev to add it)" >&2
	fi
fi
utime() {	# CMD... -> user seconds
	/usr/bin/time -f '%U' -o "$tmp/t" "$@" >/dev/null 2>&1
	cat "$tmp/t"
}
for _ in $(seq 1 "$reps"); do
	for pat in random sequential; do
		for impl in "${impls[@]}"; do
			case $impl in
			tsmsim) u=$(utime "$bin" run -q --set "traffic.0.count=$n" \
				"scenarios/bench/dma-stream-$pat.yaml") ;;
			own-loop) u=$(utime "$loop" n="$n" pattern="$pat") ;;
			# shellcheck disable=SC2086
			*) u=$(utime "$tmp/ref"/$impl n="$n" pattern="$pat") ;;
			esac
			printf '%s\t%s\t%s\n' "$pat" "$impl" "$u" >>"$tmp/raw"
		done
	done
done
echo "N = $n, $reps interleaved repetitions, median user seconds"
printf '%-11s %-44s %9s %12s\n' pattern implementation median_s tsmsim/it
for pat in random sequential; do
	ts=$(med "$pat" tsmsim)
	for impl in "${impls[@]}"; do
		m=$(med "$pat" "$impl")
		printf '%-11s %-44s %9.3f %11.2fx\n' "$pat" "$impl" "$m" \
			"$(awk -v a="$ts" -v b="$m" 'BEGIN { print (b > 0) ? a / b : 0 }')"
	done
done
