#!/usr/bin/env bash
# tools/bench/sweep.sh [RUNS] - sweep throughput: the full fault catalog at
# every point of the seed scenario on tdx, sev and cca with --jobs 2,
# timed RUNS times (default 3); prints points, the best wall time and
# points per second (the goal is >= 2000/s on a 2-core machine; the
# figure is in docs/sweep.md).  `make bench` runs it.  A benchmark, not
# a test: the machine's load decides the figure.
set -eu
cd "$(dirname "$0")/../.."
bin=${TSMSIM:-./build/tsmsim}
runs=${1:-3}
scn=scenarios/seed/two-dmabuf.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best=
for _ in $(seq "$runs"); do
	t0=$(date +%s%N)
	"$bin" sweep "$scn" --arch tdx,sev,cca --jobs 2 --out "$tmp/r.jsonl" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	ns=$((t1 - t0))
	[ -z "$best" ] || [ "$ns" -lt "$best" ] && best=$ns
done
n=$(wc -l <"$tmp/r.jsonl")
cpu=$(/usr/bin/time -f '%U %S' "$bin" sweep "$scn" --arch tdx,sev,cca --jobs 2 \
	--out "$tmp/r.jsonl" 2>&1 >/dev/null | tail -1)
awk -v n="$n" -v ns="$best" -v cpu="$cpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	split(cpu, c, " ");
	printf "sweep %s: %d points, best of runs %.3f s wall, %d points/s (--jobs 2)\n",
		"seed two-dmabuf x 3 arches", n, ns / 1e9, n / (ns / 1e9);
	printf "  cpu %.2f s user + %.2f s sys: %d points per cpu-second; load average %s\n",
		c[1], c[2], n / (c[1] + c[2]), load;
}'
