#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/checkers.sh [REPS] [N] - what the checkers cost: the
# dma-stream workload (random and sequential, N accesses, default 1e7)
# with every checker on and with `--checkers none`, interleaved (each
# repetition runs both back to back, so machine noise hits both alike),
# median user seconds of REPS repetitions (default 5) and the checkers'
# share in percent against the goal of 10% (docs/performance.md).  Then
# the same with run-ahead off (TSMSIM_NO_RUNAHEAD=1, N/10 accesses): every
# access is published and judged, the checkers' cost per judged access.
# Last, "unmapped": the sequential stream moved to an IOVA nothing maps,
# so every access faults (N accesses: at N/10 the run is too short for
# `time`'s 10 ms steps): none is a repeat, and each one is judged and
# folded into one access-error episode.
# Both modes must end with the same cycles and IOTLB counts: the checkers
# only read.  `make bench` runs it.
set -eu
cd "$(dirname "$0")/../.."
reps=${1:-5} n=${2:-1e7}
n10=$(awk -v n="$n" 'BEGIN { printf "%d", n / 10 }')
bin=${TSMSIM:-./build/tsmsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tools/bench/lib.sh	# med PATTERN IMPL|MODE
cfgs=("random $n 1" "sequential $n 1" "random $n10 0" "sequential $n10 0"
	"unmapped $n 1")
scn() {	# PATTERN -> the scenario file and its overrides
	case $1 in
	unmapped) echo "--set traffic.0.iova=0x200000000" \
		"scenarios/bench/dma-stream-sequential.yaml" ;;
	*) echo "scenarios/bench/dma-stream-$1.yaml" ;;
	esac
}
flags() {	# on|none -> the flag
	[ "$1" = on ] || echo "--checkers none"
}
run() {	# PATTERN COUNT RUNAHEAD on|none -> user seconds
	# shellcheck disable=SC2046
	TSMSIM_NO_RUNAHEAD=$((1 - $3)) /usr/bin/time -f '%U' -o "$tmp/t" \
		"$bin" run -q $(flags "$4") --set "traffic.0.count=$2" \
		$(scn "$1") >/dev/null || true	# unmapped: its expectation fails
	tail -n 1 "$tmp/t"	# after time's "Command exited with ..." line
}
counters() {	# PATTERN COUNT on|none -> cycles and IOTLB counts (--stats
	# times every access, so it is kept out of the timed runs)
	# shellcheck disable=SC2046
	"$bin" run --stats $(flags "$3") --set "traffic.0.count=$2" \
		$(scn "$1") |
		grep -E '^ *(traffic\.dma\.cycles|iotlb\.(hits|misses)) '
}
for _ in $(seq 1 "$reps"); do
	for c in "${cfgs[@]}"; do
		for mode in on none; do
			# shellcheck disable=SC2086
			printf '%s\t%s\t%s\n' "$c" "$mode" "$(run $c "$mode")" >>"$tmp/raw"
		done
	done
done
echo "$reps interleaved repetitions, median user seconds"
printf '%-11s %10s %-9s %12s %14s %10s\n' pattern accesses run-ahead checkers_on \
	checkers_none overhead
fail=0
for c in "${cfgs[@]}"; do
	read -r pat cnt ra <<<"$c"
	on=$(med "$c" on) off=$(med "$c" none)
	printf '%-11s %10s %-9s %12.3f %14.3f %9.1f%%\n' "$pat" "$cnt" \
		"$([ "$ra" = 1 ] && echo on || echo off)" "$on" "$off" \
		"$(awk -v a="$on" -v b="$off" 'BEGIN { print (b > 0) ? (a - b) * 100 / b : 0 }')"
	[ "$ra" = 1 ] || continue
	a=$(counters "$pat" "$cnt" on || true) b=$(counters "$pat" "$cnt" none || true)
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		echo "checkers: $pat: counters differ with the checkers off" >&2
		fail=1
	fi
done
exit $fail
