#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/scale.sh - the dma-stream workload (random) over 2^10 to
# 2^24 mapped 4 KiB pages, and over N up to 1e8 at the workload's 2^16:
# user seconds, seconds per million accesses (the set-up that maps the
# pages taken out by a run of one access), and peak RSS against the 4 KiB
# leaf tables' own size.  The workload's one linear map keeps its tables
# as runs; the "written" columns are the same run with every table written
# out (TSMSIM_NO_RUNS=1), what a map scattered page by page costs.  `make
# bench` runs it; docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
bin=${TSMSIM:-./build/tsmsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {	# FILE N [ENV..] -> "user_s rss_kb"
	local f=$1 n=$2; shift 2
	env "$@" /usr/bin/time -f '%U %M' -o "$tmp/t" "$bin" run -q --set "traffic.0.count=$n" "$f" >/dev/null
	cat "$tmp/t"
}
per() {	# USER_N USER_1 -> seconds per 1e6 accesses
	awk -v a="$1" -v b="$2" -v n="$n" 'BEGIN { printf "%.3f", (a - b) / (n / 1e6) }'
}
n=2e6
loop=./build/bench/dma_stream_loop
printf '%-6s %10s %9s %10s %10s %8s %13s %11s %8s\n' pages accesses user_s "s/1e6 acc" "loop s/1e6" rss_MB \
	"written s/1e6" "written_MB" leaf_MB
for sh in 10 14 16 20 24; do
	pages=$((1 << sh)); bytes=$((pages * 4096))
	f=$tmp/scale-$sh.yaml
	sed -e "s/memory: 256MiB/memory: $bytes/" -e "s/size: 256MiB/size: $bytes/" \
		-e "s/span: 256MiB/span: $bytes/" scenarios/bench/dma-stream-random.yaml >"$f"
	read -r u0 _ < <(run "$f" 1)
	read -r u rss < <(run "$f" "$n")
	read -r w0 _ < <(run "$f" 1 TSMSIM_NO_RUNS=1)
	read -r w wrss < <(run "$f" "$n" TSMSIM_NO_RUNS=1)
	/usr/bin/time -f '%U' -o "$tmp/l1" "$loop" n=1 pages="$pages" >/dev/null
	/usr/bin/time -f '%U' -o "$tmp/ln" "$loop" n="$n" pages="$pages" >/dev/null
	printf '2^%-4s %10s %9s %10s %10s %8.1f %13s %11.1f %8.1f\n' "$sh" "$n" "$u" \
		"$(per "$u" "$u0")" "$(per "$(cat "$tmp/ln")" "$(cat "$tmp/l1")")" \
		"$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "$(per "$w" "$w0")" \
		"$(awk -v r="$wrss" 'BEGIN { print r / 1024 }')" \
		"$(awk -v p="$pages" 'BEGIN { print p * 8 / 1048576 }')"
done
for n in 1e6 1e7 1e8; do
	read -r u rss < <(run scenarios/bench/dma-stream-random.yaml "$n")
	printf '2^16   %10s %9s\n' "$n" "$u"
done
