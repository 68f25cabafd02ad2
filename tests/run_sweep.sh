#!/usr/bin/env bash
# run_sweep.sh BIN FILE [SWEEP OPTIONS..] - every fault of the catalog at
# the points before and after each labelled step of FILE, each point in
# its own worker: no point may crash or time out (sweep exits 1 then).
# A smoke test of the fault hooks against the whole model stack.
set -u
bin=$1 file=$2
shift 2
labels=$(grep -o 'label: [a-z0-9_.-]*' "$file" | awk '{print $2}')
points=$(for l in $labels; do printf 'before:%s,after:%s,' "$l" "$l"; done)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" sweep "$file" --faults all --points "${points%,}" --jobs 2 \
	--timeout 60 --out "$out" "$@" >/dev/null 2>&1
rc=$?
n=$(wc -l <"$out")
bad=$(grep -vc '"status":"ran"' "$out")
echo "sweep $file: $n points ran, $bad crashed or timed out; $((n - bad)) passed, $bad failed"
[ "$rc" -eq 0 ] && [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
