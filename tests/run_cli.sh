#!/usr/bin/env bash
# run_cli.sh BIN - the command line's exit codes and messages (contract
# section 1).  Each case: expected exit, a substring of the output
# (stdout+stderr), then the arguments.
set -u
bin=$1
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
good=scenarios/tdisp/lock-start-stop.yaml
cat >"$tmp/bad.yaml" <<'YAML'
scenario: Bad_Name
seed: yes
YAML
cat >"$tmp/fail.yaml" <<'YAML'
scenario: fails-on-purpose
arch: tdx
platform:
  devices:
    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: dev0 }
expect:
  state: { dev0: RUN }
YAML
. "$(dirname "$0")/check_lib.sh"
check 2 "usage: tsmsim"
check 0 "commands:" --help
check 0 "tsmsim 0." --version
check 2 "unknown command" frobnicate
check 0 "usage: tsmsim run" run --help
check 0 "usage: tsmsim lint" lint --help
check 0 "usage: tsmsim list" list --help
check 0 "vfio.region_read" list --help
check 0 "vfio.region_write" list --help
check 2 "no FILE given" run
check 2 "unknown option" run --frob "$good"
check 2 "more than one FILE" run "$good" "$good"
check 2 "--seed wants" run --seed 0 "$good"
check 2 "--seed needs a value" run "$good" --seed
check 2 "--set wants PATH=VALUE" run --set novalue "$good"
check 2 "--vcd needs a value" run "$good" --vcd
check 2 "--html wants a file name" run --html= "$good"
check 2 "cannot write /nonexistent/dir/x.xml" run --junit /nonexistent/dir/x.xml "$good"
check 66 "cannot read" run /nonexistent.yaml
check 66 "cannot read" lint /nonexistent.yaml
check 65 "bad.yaml:1:11: error" run "$tmp/bad.yaml"
check 65 "bad.yaml:2:7: error" lint "$tmp/bad.yaml"
check 66 "cannot read" lint "$tmp/bad.yaml" /nonexistent.yaml
check 2 "no FILE given" lint
check 0 "" lint "$good"
check 0 "PASS" run "$good"
check 0 "PASS" run --arch=sev --seed 7 -v "$good"
check 0 "\"schema\":\"tsmsim-run/1\"" run --json --stats "$good"
check 0 "iotlb" run --stats "$good"
check 0 "result on tdx: PASS" run -q --arch tdx "$good"
check 1 "FAIL" run "$tmp/fail.yaml"
check 65 "error" run --set seed=0 "$good"
check 65 "unknown fault kind 'frob' (from --inject frob@before:lock)" run --inject frob@before:lock "$good"
check 65 "--inject wants KIND@POINT" run --inject skip-step "$good"
check 65 "error" run --inject "skip-step@before:nolabel" "$good"
check 1 "skipped" run -v --arch tdx --inject "skip-step@before:lock" "$good"
check 1 "BUSY" run --arch tdx --inject "tdisp-busy@after:lock,device=dev0" "$good"
cat >"$tmp/badprof.yaml" <<'YAML'
base: tdx
rules: { latent_at_lock: sometimes }
YAML
check 0 "PASS" run --arch scenarios/profiles/tdx-mce-at-tracking.yaml "$good"
check 65 "badprof.yaml:2:" run --arch "$tmp/badprof.yaml" "$good"
check 65 "error" run --arch nosuch "$good"
cat >"$tmp/overlap.yaml" <<'YAML'
scenario: bars-overlap
platform:
  devices:
    - { name: d0, bars: [ { index: 0, size: 64KiB, hpa: 0x3800000000 } ] }
    - { name: d1, bars: [ { index: 0, size: 64KiB, hpa: 0x3800000000 } ] }
YAML
check 65 "overlap.yaml:5:57: error: BAR 0 of device 'd1' (0x3800000000-0x380000ffff) overlaps BAR 0 of device 'd0'" run "$tmp/overlap.yaml"
cat >"$tmp/nobar.yaml" <<'YAML'
scenario: hitless-no-bar
platform:
  devices:
    - { name: d0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: d0, label: a }
expect:
  hitless: [ { from: a, to: a, range: { device: d0, bar: 2 } } ]
YAML
check 65 "nobar.yaml:8:58: error: device 'd0' has no BAR 2" run "$tmp/nobar.yaml"
{
	sed -n '1,6p' "$tmp/nobar.yaml"
	echo "expect:"
	echo "  hitless:"
	for i in $(seq 65); do echo "    - { from: a, to: a, range: { device: d0, bar: 0 } }"; done
} >"$tmp/many.yaml"
check 65 "many.yaml:9:7: error: an expect.hitless window does not fit" run "$tmp/many.yaml"
check 0 "tsm.connect" list ops
check 0 "drop-invalidation" list faults
check 0 "latent-mce" list findings
check 0 "INVALID_NONCE" list results
check 0 "cca" list arches
check 0 "iotlb_inval" list timing
check 2 "usage: tsmsim list" list nothing
# output files (docs/outputs.md): each is written, well-formed, and the
# same bytes when the command runs again
outs() {
	"$bin" run "$good" -q --junit "$1.xml" --vcd "$1.vcd" --trace "$1.json" \
		--html "$1.html" >/dev/null 2>&1
}
wellformed() {
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
outs "$tmp/o1"; outs "$tmp/o2"
for ext in xml vcd json html; do
	wellformed "$ext written" test -s "$tmp/o1.$ext"
	wellformed "$ext deterministic" cmp -s "$tmp/o1.$ext" "$tmp/o2.$ext"
done
wellformed "trace is JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["traceEvents"]' "$tmp/o1.json"
wellformed "junit is XML" python3 -c 'import xml.etree.ElementTree as E,sys; r=E.parse(sys.argv[1]).getroot(); assert r.tag=="testsuites" and len(r)==3' "$tmp/o1.xml"
wellformed "vcd has definitions" grep -q '^\$enddefinitions \$end$' "$tmp/o1.vcd"
wellformed "html has the timeline" grep -q '<svg' "$tmp/o1.html"
wellformed "html svg is XML" python3 -c 'import re,sys,xml.etree.ElementTree as E; [E.fromstring(m) for m in re.findall(r"<svg.*?</svg>", open(sys.argv[1]).read(), re.S)]' "$tmp/o1.html"
check 1 "FAIL" run "$tmp/fail.yaml" --junit "$tmp/f.xml"
wellformed "junit of a failing run has a failure" grep -q '<failure type="expectation"' "$tmp/f.xml"
check 0 "usage: tsmsim compare" compare --help
check 0 "compare" --help
check 2 "no FILE given" compare
check 2 "unknown option '--json'" compare --json "$good"
check 2 "--format wants text, md or html" compare --format pdf "$good"
check 66 "cannot read" compare /nonexistent.yaml
check 65 "bad.yaml:1:11: error" compare "$tmp/bad.yaml"
check 0 "verdict" compare "$good"
check 0 "| 18 | device.tdisp [lock] | ok | ok | ok |" compare --format md "$good"
check 0 "<!DOCTYPE html>" compare --format=html "$good"
check 1 "CONFIG_UNLOC~* CONFIG_UNLOC~*" compare --arch tdx,sev "$tmp/fail.yaml"
check 2 "cannot write" compare --out /nonexistent/dir/c.txt "$good"
"$bin" compare "$good" --out "$tmp/c1.txt"; "$bin" compare "$good" > "$tmp/c2.txt"
wellformed "compare --out = stdout, deterministic" cmp -s "$tmp/c1.txt" "$tmp/c2.txt"
wellformed "compare text fits 80 columns" awk 'length > 80 { exit 1 }' "$tmp/c1.txt"
# sweep and merge (docs/sweep.md): 2 faults x the points of 2 labelled
# steps (before, during #1..#2, after) x 2 arches = 32 lines
cat >"$tmp/sw.yaml" <<'YAML'
scenario: sweep-cli
arch: [tdx, sev]
platform:
  devices:
    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: dev0 }
  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: lock }
  - { op: device.tdisp, device: dev0, request: STOP_INTERFACE, label: stop }
expect:
  state: { dev0: CONFIG_UNLOCKED }
YAML
sw=(sweep "$tmp/sw.yaml" --faults drop-invalidation,tdisp-busy)
check 0 "usage: tsmsim sweep" sweep --help
check 0 "usage: tsmsim merge" merge --help
check 2 "no FILE given" sweep
check 2 "--shard wants K/N" "${sw[@]}" --shard 3/2
check 2 "--faults: unknown fault kind 'frob'" sweep "$tmp/sw.yaml" --faults frob
check 2 "--points: 'before:nolabel'" "${sw[@]}" --points before:nolabel
check 2 "--resume needs --out" "${sw[@]}" --resume
check 66 "cannot read" sweep /nonexistent.yaml
check 65 "bad.yaml:1:11: error" sweep "$tmp/bad.yaml"
check 0 "" "${sw[@]}" --jobs 2 --out "$tmp/all.jsonl"
wellformed "sweep: ids" grep -q '"id":"sev/tdisp-busy/during:stop#2"' "$tmp/all.jsonl"
wellformed "sweep: 32 lines" test "$(wc -l <"$tmp/all.jsonl")" -eq 32
wellformed "sweep: lines are JSON" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/all.jsonl"
check 0 "" "${sw[@]}" --shard 1/2 --out "$tmp/s1.jsonl"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 "$bin" "${sw[@]}" --out "$tmp/s2.jsonl" 2>/dev/null
wellformed "sweep: shards split the points" test "$(cat "$tmp/s1.jsonl" "$tmp/s2.jsonl" | wc -l)" -eq 32
check 0 "" merge "$tmp/s2.jsonl" "$tmp/s1.jsonl" --out "$tmp/m.jsonl"
wellformed "sweep: shards merge into the unsharded result" cmp -s "$tmp/m.jsonl" <(sort -t: -k3,3n "$tmp/all.jsonl")
wellformed "sweep: same lines, byte for byte" cmp -s <(sort "$tmp/m.jsonl") <(sort "$tmp/all.jsonl")
head -c 2000 "$tmp/all.jsonl" >"$tmp/r.jsonl"
check 0 "" "${sw[@]}" --out "$tmp/r.jsonl" --resume
wellformed "sweep: --resume completes a cut file" cmp -s <(sort "$tmp/r.jsonl") <(sort "$tmp/all.jsonl")
check 1 "point 0 is missing" merge "$tmp/s2.jsonl"
check 1 "is there more than once" merge "$tmp/s1.jsonl" "$tmp/s1.jsonl" "$tmp/s2.jsonl"
check 65 "not a tsmsim-sweep/1 result line" merge "$tmp/bad.yaml"
check 66 "cannot read" merge /nonexistent.jsonl
check 2 "no RESULTS file given" merge
check 1 "timed out" sweep scenarios/bench/dma-stream-sequential.yaml \
	--faults drop-invalidation --points after:attached --set traffic.0.count=1e9 --timeout 200ms
check 1 '"status":"timeout"' sweep scenarios/bench/dma-stream-sequential.yaml \
	--faults drop-invalidation --points after:attached --set traffic.0.count=1e9 --timeout 200ms
# explore (docs/explore.md): options; the orders themselves: run_explore.sh
xo=scenarios/orders/flip-placement.yaml
check 0 "usage: tsmsim explore" explore --help
check 2 "no FILE given" explore
check 2 "unknown option '--frob'" explore "$xo" --frob
check 2 "--jobs wants an integer from 1 to 256" explore "$xo" --jobs 0
check 2 "--max-orders wants an integer" explore "$xo" --max-orders lots
check 2 "--timeout wants an integer" explore "$xo" --timeout 0
check 2 "--out needs a value" explore "$xo" --out
check 2 "more than one FILE" explore "$xo" "$xo"
check 66 "cannot read" explore /nonexistent.yaml
check 65 "bad.yaml:1:11: error" explore "$tmp/bad.yaml"
check 65 "unknown fault kind" explore "$xo" --inject frob@after:bind
check 2 "cannot write" explore "$xo" --arch tdx --out /nonexistent/x.jsonl
check 2 "unknown option '--set'" explore "$xo" --set x=1
check 1 "1 failing of 1" explore "$tmp/fail.yaml" --out "$tmp/x.jsonl"
check 1 "latent-mce x1 at bind" explore "$xo" --arch tdx --inject drop-invalidation@after:unmap-p2p --write "$tmp/cx" --out "$tmp/x.jsonl"
wellformed "explore: --inject reaches the counterexample" grep -q 'kind: drop-invalidation, at: "after:unmap-p2p"' "$tmp/cx/flip-placement-tdx-1.yaml"
wellformed "explore: the counterexample's arch" grep -q '^arch: tdx' "$tmp/cx/flip-placement-tdx-1.yaml"
wellformed "explore: lines are JSON" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/x.jsonl"
check 1 '"schema":"tsmsim-explore/1"' explore "$xo" --arch sev,tdx
echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
