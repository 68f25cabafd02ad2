#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/run.sh [N...] - the dma-stream workload (docs/bench.md)
# through tsmsim's normal models: checks cycles / IOTLB hits / misses
# against the workload's reference table and times tsmsim against the
# project's own bare loop (tools/bench/dma_stream_loop.c).  With
# BENCH_REF=DIR, a folder holding the workload's reference implementations
# (heap/ and limit/ and a Makefile building them), it also times those,
# built in a temporary copy (DIR may be read-only).  `make bench` runs it.
# Timing goals live here, never in make test.
set -eu
cd "$(dirname "$0")/../.."
bin=./build/tsmsim
ref=${BENCH_REF:-}
loop=./build/bench/dma_stream_loop
ns=${*:-1e6 1e7}
declare -A want=(
	[random-1e6]="411609590 976 999024"
	[sequential-1e6]="18249990 984375 15625"
	[random-1e7]="4116064790 9838 9990162"
	[sequential-1e7]="182499990 9843750 156250"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_ref=0
if [ -n "$ref" ] && [ -d "$ref" ]; then
	cp -r "$ref" "$tmp/bench"
	if make -s -C "$tmp/bench" heap/dma_stream_heap limit/dma_stream_limit >/dev/null 2>&1; then
		have_ref=1
	fi
fi
[ -z "$ref" ] || [ $have_ref = 1 ] || echo "bench: BENCH_REF=$ref did not build; timing the own loop only" >&2
now() { date +%s%N; }
fail=0
printf '%-11s %-5s %12s %9s %9s  %-6s %9s %9s %9s %9s\n' pattern n cycles hits misses check \
	tsmsim_s loop_s ref_heap_s ref_loop_s
for n in $ns; do
	for pat in random sequential; do
		# --stats publishes every access (its latency table), which
		# turns run-ahead's repeats off: the counters come from that run,
		# the time from one without it, whose cycles must agree (with N
		# fixed, cycles = hits * H + misses * (H + 4 L) + (N - 1) * T
		# fixes the hits and misses too)
		out=$($bin run --stats --set "traffic.0.count=$n" scenarios/bench/dma-stream-$pat.yaml)
		t0=$(now)
		fast=$($bin run --json --set "traffic.0.count=$n" scenarios/bench/dma-stream-$pat.yaml)
		t1=$(now)
		cyc=$(awk '$1 == "traffic.dma.cycles" {print $2}' <<<"$out")
		hits=$(awk '$1 == "iotlb.hits" {print $2}' <<<"$out")
		miss=$(awk '$1 == "iotlb.misses" {print $2}' <<<"$out")
		key="$pat-$n"
		check="-"
		if [ -n "${want[$key]:-}" ]; then
			if [ "$cyc $hits $miss" = "${want[$key]}" ]; then check=ok; else check=WRONG; fail=1; fi
		fi
		grep -q "\"cycles\":$cyc," <<<"$fast" || { check=WRONG-fast; fail=1; }
		a=$(now); "$loop" n="$n" pattern="$pat" >"$tmp/loop.out"; b=$(now)
		os=$(awk -v d=$((b - a)) 'BEGIN { printf "%.3f", d / 1e9 }')
		# the loop must agree with tsmsim and the table
		grep -qx "cycles=$cyc" "$tmp/loop.out" || { os="$os!"; fail=1; }
		hs="-"; ls="-"
		if [ $have_ref = 1 ]; then
			a=$(now); "$tmp/bench/heap/dma_stream_heap" n="$n" pattern="$pat" >/dev/null 2>&1; b=$(now)
			hs=$(awk -v d=$((b - a)) 'BEGIN { printf "%.3f", d / 1e9 }')
			a=$(now); "$tmp/bench/limit/dma_stream_limit" n="$n" pattern="$pat" >/dev/null 2>&1; b=$(now)
			ls=$(awk -v d=$((b - a)) 'BEGIN { printf "%.3f", d / 1e9 }')
		fi
		ts=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }')
		printf '%-11s %-5s %12s %9s %9s  %-6s %9s %9s %9s %9s\n' "$pat" "$n" "$cyc" "$hits" "$miss" \
			"$check" "$ts" "$os" "$hs" "$ls"
	done
done
exit $fail
