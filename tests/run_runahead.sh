#!/usr/bin/env bash
# run_runahead.sh BIN FILE... - run-ahead is exact: every scenario, on each
# arch, prints the same report, JSON with stats, trace and VCD bytes with
# run-ahead on (the default) and off (TSMSIM_NO_RUNAHEAD=1: one queued
# event per issue and per completion).
set -u
bin=$1; shift
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one() {	# DIR ARCH FILE [env...]
	local d=$1 arch=$2 f=$3; shift 3
	mkdir -p "$d"
	env "$@" "$bin" run --arch "$arch" --json --stats --trace "$d/trace.json" \
		--vcd "$d/run.vcd" "$f" >"$d/out" 2>&1
	echo "rc=$?" >>"$d/out"
}
for f in "$@"; do
	ok=1
	for arch in tdx sev cca; do
		one "$tmp/on" "$arch" "$f"
		one "$tmp/off" "$arch" "$f" TSMSIM_NO_RUNAHEAD=1
		for o in out trace.json run.vcd; do
			cmp -s "$tmp/on/$o" "$tmp/off/$o" || {
				ok=0
				echo "RUN-AHEAD DIFFERS ($arch, $o): $f"
				diff "$tmp/off/$o" "$tmp/on/$o" | head -6
			}
		done
	done
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# faults injected at every point of a scenario with traffic: same lines
sw=scenarios/corpus/guest-poll-transition.yaml
"$bin" sweep "$sw" --arch tdx,sev,cca --faults all --points all --jobs 2 \
	--out "$tmp/sw-on.jsonl" >/dev/null 2>&1
TSMSIM_NO_RUNAHEAD=1 "$bin" sweep "$sw" --arch tdx,sev,cca --faults all \
	--points all --jobs 2 --out "$tmp/sw-off.jsonl" >/dev/null 2>&1
if [ -s "$tmp/sw-on.jsonl" ] &&
	cmp -s <(sort "$tmp/sw-on.jsonl") <(sort "$tmp/sw-off.jsonl"); then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "RUN-AHEAD DIFFERS: sweep of $sw"
fi
echo "run-ahead: $pass passed, $fail failed"
[ $fail -eq 0 ]
