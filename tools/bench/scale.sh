#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/bench/scale.sh - the dma-stream workload (random) over 2^10 to
# 2^24 mapped 4 KiB pages, and over N up to 1e8 at the workload's 2^16:
# user seconds, seconds per million accesses (the set-up that maps the
# pages taken out by a run of one access), and peak RSS against the 4 KiB
# leaf tables' own size.  `make bench` runs it; docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
bin=${TSMSIM:-./build/tsmsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {	# FILE N -> "user_s rss_kb"
	/usr/bin/time -f '%U %M' -o "$tmp/t" "$bin" run -q --set "traffic.0.count=$2" "$1" >/dev/null
	cat "$tmp/t"
}
n=2e6
loop=./build/bench/dma_stream_loop
printf '%-6s %10s %9s %12s %12s %10s %10s\n' pages accesses user_s "s/1e6 acc" "loop s/1e6" rss_MB leaf_MB
for sh in 10 14 16 20 24; do
	pages=$((1 << sh)); bytes=$((pages * 4096))
	f=$tmp/scale-$sh.yaml
	sed -e "s/memory: 256MiB/memory: $bytes/" -e "s/size: 256MiB/size: $bytes/" \
		-e "s/span: 256MiB/span: $bytes/" scenarios/bench/dma-stream-random.yaml >"$f"
	read -r u0 _ < <(run "$f" 1)
	read -r u rss < <(run "$f" "$n")
	/usr/bin/time -f '%U' -o "$tmp/l1" "$loop" n=1 pages="$pages" >/dev/null
	/usr/bin/time -f '%U' -o "$tmp/ln" "$loop" n="$n" pages="$pages" >/dev/null
	printf '2^%-4s %10s %9s %12.3f %12.3f %10.1f %10.1f\n' "$sh" "$n" "$u" \
		"$(awk -v a="$u" -v b="$u0" 'BEGIN { print (a - b) / 2 }')" \
		"$(awk -v a="$(cat "$tmp/ln")" -v b="$(cat "$tmp/l1")" 'BEGIN { print (a - b) / 2 }')" \
		"$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" \
		"$(awk -v p="$pages" 'BEGIN { print p * 8 / 1048576 }')"
done
for n in 1e6 1e7 1e8; do
	read -r u rss < <(run scenarios/bench/dma-stream-random.yaml "$n")
	printf '2^16   %10s %9s\n' "$n" "$u"
done
