#!/usr/bin/env bash
# run_exact.sh VAR BIN FILE... - a speed-up is exact: every scenario, on
# each arch, prints the same report, JSON with and without stats, trace and
# VCD bytes with it on (the default) and off (VAR=1), and so does a sweep
# of every fault at every point.  VAR is TSMSIM_NO_RUNAHEAD (run-ahead off:
# one queued event per issue and per completion) or TSMSIM_NO_RUNS (every
# page table written out, none kept as a run); docs/performance.md.
set -u
var=$1 bin=$2; shift 2
case $var in
TSMSIM_NO_RUNAHEAD) what=run-ahead ;;
TSMSIM_NO_RUNS) what=runs ;;
*) echo "run_exact.sh: unknown VAR $var" >&2; exit 2 ;;
esac
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one() {	# DIR ARCH FILE [env...]
	local d=$1 arch=$2 f=$3; shift 3
	mkdir -p "$d"
	# without sinks the checkers alone judge (run-ahead's fast repeats:
	# --stats subscribes to every access, so only this run has them) ...
	env "$@" "$bin" run --arch "$arch" --json "$f" >"$d/out0" 2>&1
	echo "rc=$?" >>"$d/out0"
	# ... the counters (every access published for the latencies) ...
	env "$@" "$bin" run --arch "$arch" --json --stats "$f" >"$d/out" 2>&1
	echo "rc=$?" >>"$d/out"
	# ... and with them every access is published
	env "$@" "$bin" run --arch "$arch" --stats --trace "$d/trace.json" \
		--vcd "$d/run.vcd" "$f" >"$d/out2" 2>&1
	echo "rc=$?" >>"$d/out2"
}
# the watchdog stopping a stream in the middle of a run-ahead span
for lim in "max_events: 3001" "max_cycles: 77777" "max_events: 20006"; do
	f=$tmp/limit-${lim%%:*}-${lim##* }.yaml
	sed -e 's/count: 1e6/count: 10000/' scenarios/bench/dma-stream-sequential.yaml >"$f"
	printf 'limits: { %s }\n' "$lim" >>"$f"
	set -- "$@" "$f"
done
for f in "$@"; do
	ok=1
	for arch in tdx sev cca; do
		one "$tmp/on" "$arch" "$f"
		one "$tmp/off" "$arch" "$f" "$var=1"
		for o in out0 out out2 trace.json run.vcd; do
			cmp -s "$tmp/on/$o" "$tmp/off/$o" || {
				ok=0
				echo "$what DIFFERS ($arch, $o): $f"
				diff "$tmp/off/$o" "$tmp/on/$o" | head -6
			}
		done
	done
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# every fault at every point of scenarios with guest and device streams
for sw in scenarios/corpus/guest-poll-transition.yaml \
	scenarios/corpus/stale-iotlb-delayed.yaml scenarios/tdisp/iotlb-stale-window.yaml \
	scenarios/host/dma-stream-regions.yaml; do
	"$bin" sweep "$sw" --arch tdx,sev,cca --faults all --points all --jobs 2 \
		--out "$tmp/sw-on.jsonl" >/dev/null 2>&1
	env "$var=1" "$bin" sweep "$sw" --arch tdx,sev,cca --faults all \
		--points all --jobs 2 --out "$tmp/sw-off.jsonl" >/dev/null 2>&1
	if [ -s "$tmp/sw-on.jsonl" ] &&
		cmp -s <(sort "$tmp/sw-on.jsonl") <(sort "$tmp/sw-off.jsonl"); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "$what DIFFERS: sweep of $sw"
	fi
	rm -f "$tmp"/sw-*.jsonl
done
echo "$what: $pass passed, $fail failed"
[ $fail -eq 0 ]
