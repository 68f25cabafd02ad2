#!/usr/bin/env bash
# run_cli.sh BIN - the command line's exit codes and messages (README.md,
# command line).  Each case: expected exit, a substring of the output
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
check 2 "more than one FILE" compare "$good" "$good"
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
check 2 "--inject frob@before:lock: unknown fault kind 'frob'" run --inject frob@before:lock "$good"
check 2 "--inject skip-step: wants KIND@POINT" run --inject skip-step "$good"
check 65 "error" run --inject "skip-step@before:nolabel" "$good"
check 1 "skipped" run -v --arch tdx --inject "skip-step@before:lock" "$good"
check 1 "BUSY" run --arch tdx --inject "tdisp-busy@after:lock,device=dev0" "$good"
cat >"$tmp/badprof.yaml" <<'YAML'
base: tdx
rules: { latent_at_lock: sometimes }
YAML
check 0 "PASS" run --arch scenarios/profiles/tdx-mce-at-tracking.yaml "$good"
check 65 "badprof.yaml:2:" run --arch "$tmp/badprof.yaml" "$good"
check 2 "unknown arch 'nosuch'" run --arch nosuch "$good"
cat >"$tmp/overlap.yaml" <<'YAML'
scenario: bars-overlap
platform:
  devices:
    - { name: d0, bars: [ { index: 0, size: 64KiB, hpa: 0x3800000000 } ] }
    - { name: d1, bars: [ { index: 0, size: 64KiB, hpa: 0x3800000000 } ] }
YAML
check 65 "overlap.yaml:5:57: error: BAR 0 of device 'd1' (0x3800000000-0x380000ffff) overlaps BAR 0 of device 'd0'" run "$tmp/overlap.yaml"
cat >"$tmp/stale.yaml" <<'YAML'
scenario: stale-with-one-lock
platform:
  devices:
    - { name: d0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: d0 }
  - { op: device.tdisp, device: d0, request: LOCK_INTERFACE }
  - { op: device.tdisp, device: d0, request: START_INTERFACE, nonce: stale }
YAML
check 65 "stale.yaml:8:5: error: nonce: stale needs an earlier lock epoch" run "$tmp/stale.yaml"
cat >"$tmp/gpa.yaml" <<'YAML'
scenario: gpa-above-47
arch: sev
platform:
  guests:
    - { name: g0 }
steps:
  - { op: guest.read, guest: g0, gpa: 0x800000000000, expect: any }
YAML
check 0 "" lint "$tmp/gpa.yaml"
check 65 "gpa.yaml:7:39: error: gpa 0x800000000000 of confidential guest 'g0' reaches the shared bit (GPA bit 47, gpaw 48) on tdx" run --arch tdx "$tmp/gpa.yaml"
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
check 2 "tsmsim list: no list 'nothing'; there are: ops faults findings" list nothing
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
# --checkers none (docs/scenarios.md): a scenario with findings reports
# none, says the checkers were off, and counts what it could not judge;
# the watchdog (no checker) and steps / states are still judged
wo=scenarios/corpus/unbind-wrong-order.yaml
check 0 "teardown-order x1" run --arch tdx --checkers all "$wo"
check 0 "findings: 0 (--checkers none: nothing was judged; only the watchdog reports)" \
	run --arch tdx --checkers none "$wo"
check 0 "PASS (2 of 2 expectations held, 2 not judged; 92503108 cycles; checkers off)" \
	run -q --arch tdx --checkers=none "$wo"
check 0 "2 not judged: they need the checkers, which were off" run -q --arch tdx --checkers=none "$wo"
check 0 '"end":"idle","checkers":"none","unjudged":2,' run --json --arch tdx --checkers none "$wo"
check 0 '"end":"idle","checkers":"all","unjudged":0,' run --json --arch tdx "$wo"
check 0 "3 not judged" run -q --arch sev --checkers none scenarios/corpus/guest-poll-hitless.yaml
check 1 "FAIL (1 of 2 expectations held; 19354 cycles, watchdog; checkers off)" run -q \
	--checkers none --set limits.max_events=100 scenarios/bench/dma-stream-random.yaml
check 1 "FAIL" run --checkers none "$tmp/fail.yaml"
check 0 "" run -q --arch tdx --checkers none --junit "$tmp/nc.xml" --html "$tmp/nc.html" "$wo"
wellformed "junit says the checkers were off" grep -q '<property name="checkers" value="none"/>' "$tmp/nc.xml"
wellformed "html says the checkers were off" grep -q 'findings: 0 (checkers off: nothing was judged)' "$tmp/nc.html"
check 2 "--checkers wants all or none, got 'some'" run --checkers some "$good"
check 2 "--checkers wants all or none, got ''" run --checkers= "$good"
check 2 "--checkers needs a value" run "$good" --checkers
check 2 "tsmsim show: takes FILE" show --checkers none "$good"
check 2 "--checkers is tsmsim run's" minimize --checkers none "$wo"
check 2 "unknown option '--checkers'" compare --checkers none "$good"
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
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 "$bin" "${sw[@]}" --out "$tmp/s2.jsonl" >/dev/null 2>&1
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
# safe resume and merge: lines carry the scenario hash and the version
wellformed "sweep: lines carry scenario and version" grep -q '"scenario":"[0-9a-f]\{16\}","version":"' "$tmp/all.jsonl"
sed 's/LOCK_INTERFACE, label: lock/LOCK_INTERFACE, label: lock, at: 1us/' "$tmp/sw.yaml" >"$tmp/sw2.yaml"
head -c 2000 "$tmp/all.jsonl" >"$tmp/edit.jsonl"
check 2 "will not resume from this line: it comes from another scenario" \
	sweep "$tmp/sw2.yaml" --faults drop-invalidation,tdisp-busy --out "$tmp/edit.jsonl" --resume
check 2 "will not resume from this line: it comes from another scenario" \
	"${sw[@]}" --set seed=5 --out "$tmp/edit.jsonl" --resume
# a comment or the layout is not the scenario: resume goes on
{ echo "# a comment"; cat "$tmp/sw.yaml"; } >"$tmp/sw3.yaml"
cp "$tmp/r.jsonl" "$tmp/r3.jsonl"
check 0 "" sweep "$tmp/sw3.yaml" --faults drop-invalidation,tdisp-busy --out "$tmp/r3.jsonl" --resume
"$bin" sweep "$tmp/sw2.yaml" --faults drop-invalidation,tdisp-busy --shard 2/2 --out "$tmp/o2.jsonl" >/dev/null 2>&1
check 2 "will not merge this line: it comes from another scenario" merge "$tmp/s1.jsonl" "$tmp/o2.jsonl"
sed 's/"version":"[^"]*"/"version":"0.0.1"/' "$tmp/s2.jsonl" >"$tmp/v2.jsonl"
check 2 "written by another tsmsim version" merge "$tmp/s1.jsonl" "$tmp/v2.jsonl"
sed 's/,"scenario":"[0-9a-f]*","version":"[^"]*"//' "$tmp/s2.jsonl" >"$tmp/old.jsonl"
check 2 "written by an older tsmsim" merge "$tmp/s1.jsonl" "$tmp/old.jsonl"
check 2 "written by an older tsmsim" sweep --summary "$tmp/s1.jsonl" "$tmp/old.jsonl"
# the summary: at the end of the sweep (stdout with --out) and from --summary
check 0 "tsmsim sweep summary: 32 of 32 points" "${sw[@]}" --out "$tmp/sum.jsonl"
check 0 "outcome signatures" sweep --summary "$tmp/all.jsonl"
check 0 "tsmsim run $tmp/sw.yaml --arch sev --seed" sweep --summary "$tmp/all.jsonl"
check 0 "| fault kind | lock | stop |" sweep --summary "$tmp/all.jsonl" --format md
check 0 "<!DOCTYPE html>" sweep --summary "$tmp/all.jsonl" --format=html
check 0 '"schema":"tsmsim-sweep-summary/1"' sweep --summary "$tmp/all.jsonl" --format json
check 0 "16 of 32 points" sweep --summary "$tmp/s2.jsonl" "$tmp/s2.jsonl"
check 2 "--format wants text, md, html or json" sweep --summary "$tmp/all.jsonl" --format pdf
check 2 "--summary: no RESULTS file given" sweep --summary
check 2 "--summary and --resume" sweep --summary "$tmp/all.jsonl" --resume
check 65 "not a tsmsim-sweep/1 result line" sweep --summary "$tmp/bad.yaml"
check 66 "cannot read" sweep --summary /nonexistent.jsonl
"$bin" sweep --summary "$tmp/all.jsonl" >"$tmp/sum1.txt"
"$bin" sweep --summary "$tmp/s2.jsonl" "$tmp/s1.jsonl" >"$tmp/sum2.txt"
wellformed "sweep --summary: any line order, same summary" cmp -s "$tmp/sum1.txt" "$tmp/sum2.txt"
wellformed "sweep --summary fits 80 columns" awk 'length > 80 { exit 1 }' "$tmp/sum1.txt"
"$bin" sweep --summary "$tmp/all.jsonl" --format json >"$tmp/sum.json"
wellformed "sweep --summary --format json is JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/sum.json"
# stepped and sparse Slurm arrays
SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=6 \
	SLURM_ARRAY_TASK_STEP=2 "$bin" "${sw[@]}" --out "$tmp/st3.jsonl" >/dev/null 2>&1
"$bin" "${sw[@]}" --shard 3/4 --out "$tmp/k3.jsonl" >/dev/null 2>&1
wellformed "sweep: --array=0-6:2 task 4 is shard 3/4" cmp -s "$tmp/st3.jsonl" "$tmp/k3.jsonl"
export SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=9 SLURM_ARRAY_TASK_STEP=1
check 2 "the Slurm array is sparse" "${sw[@]}"
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP
# minimize (docs/minimize.md)
check 0 "usage: tsmsim minimize" minimize --help
check 2 "no FILE given" minimize
check 2 "--jobs wants an integer" minimize "$good" --jobs 0
check 2 "--arch takes one arch here" minimize "$good" --arch tdx,sev
check 2 "--from RESULTS.jsonl and --point ID go together" minimize "$good" --from "$tmp/all.jsonl"
check 2 "has no point 'nope'" minimize "$tmp/sw.yaml" --from "$tmp/all.jsonl" --point nope
check 66 "cannot read" minimize "$tmp/sw.yaml" --from /nonexistent.jsonl --point 1
check 66 "cannot read" minimize /nonexistent.yaml
check 65 "bad.yaml:1:11: error" minimize "$tmp/bad.yaml"
check 1 "has no finding: nothing to keep" minimize scenarios/tdisp/iommu-superpages.yaml
check 2 "cannot write" minimize scenarios/corpus/vm-destroy-bound.yaml --out /nonexistent/dir/m.yaml
check 0 "teardown-order at step 6 (vm.destroy [destroy], line" \
	minimize scenarios/corpus/vm-destroy-bound.yaml --out "$tmp/min.yaml"
check 0 "" lint "$tmp/min.yaml"
check 0 "result on tdx: PASS" run "$tmp/min.yaml"
wellformed "minimize: 3 steps left" test "$(grep -c '^- {op:' "$tmp/min.yaml")" -eq 3
"$bin" minimize scenarios/corpus/vm-destroy-bound.yaml --jobs 3 >"$tmp/min3.yaml" 2>/dev/null
wellformed "minimize: the same scenario with --jobs 3" cmp -s "$tmp/min.yaml" "$tmp/min3.yaml"
wellformed "minimize: the header says where it came from" grep -q '^# Minimized by tsmsim minimize .* from scenarios/corpus/vm-destroy-bound.yaml' "$tmp/min.yaml"
# ---- issue 12: the command line a new user meets
# --set creates missing maps: the contract's own examples on every bundled
# scenario (show runs nothing, so this is quick)
for f in $(find scenarios -name '*.yaml' -not -path 'scenarios/profiles/*' | sort); do
	out=$("$bin" show "$f" --arch tdx --set timing.iotlb_inval=2us \
		--set platform.iommu.iotlb_entries=128 2>&1); rc=$?
	wellformed "--set examples on $f" test "$rc" -eq 0 -a -n "$(grep -E '^  iotlb_inval +2000 +4000  --set$' <<<"$out")" \
		-a -n "$(grep -F 'IOTLB 128 entries' <<<"$out")"
done
# several --set: the error names the flag that is wrong, not a line of the file
check 65 "--set timing.iotlb_inval=2xs: error: expected a duration" run --set seed=3 --set timing.iotlb_inval=2xs "$good"
out=$("$bin" run --set seed=3 --set timing.iotlb_inval=2xs "$good" 2>&1)
wellformed "--set: only the bad flag is named" test "$(grep -c 'error' <<<"$out")" -eq 1 -a -z "$(grep -F -- '--set seed=3' <<<"$out")"
check 65 "--set seed=0: error: seed must be >= 1" run --set seed=0 "$good"
check 65 "--set platform.nope.x=1: error: unknown key 'nope' in platform" run --set platform.nope.x=1 "$good"
# CLI errors: exit 2, what exists, did-you-mean
check 2 "unknown arch 'tdc' (did you mean 'tdx'?)" run --arch tdc "$good"
check 2 "arches: tdx sev cca, or a profile file" compare --arch nosuch "$good"
check 2 "tsmsim sweep: --arch: unknown arch 'sve'" sweep "$good" --arch sve
check 2 "unknown fault kind 'drop-invalidaton' (did you mean 'drop-invalidation'?)" run --inject drop-invalidaton@after:lock "$good"
check 2 "takes no parameter 'devce' (did you mean 'device'?)" run --inject tdisp-busy@after:lock,devce=dev0 "$good"
check 2 "expected before:LABEL, after:LABEL" run --inject skip-step@sideways:lock "$good"
check 65 "--inject skip-step@before:lok: error: unknown label 'lok' (did you mean 'lock'?)" run --inject skip-step@before:lok "$good"
check 2 "--points: 'before:lok': no step has that label (did you mean 'lock'?)" sweep "$good" --points before:lok
check 2 "no list 'fault' (did you mean 'faults'?)" list fault
check 2 "unknown command 'lst' (did you mean 'list'?)" lst ops
check 0 "usage: tsmsim run FILE..." help run
check 0 "usage: tsmsim show FILE" help show
out=$("$bin" run /nonexistent.yaml 2>&1)
wellformed "an unreadable file is one error" test "$(wc -l <<<"$out")" -eq 1
# a finding an injected fault caused names the fault, not line 1
sed '/^faults:/,/^expect:/{/^expect:/!d}' scenarios/corpus/flr-run.yaml >"$tmp/flr.yaml"
check 0 ", at --inject" run "$tmp/flr.yaml" --arch tdx \
	--inject device-flr@after:before-flr,device=dev1
"$bin" run "$tmp/flr.yaml" --arch tdx --json --inject device-flr@after:before-flr,device=dev1 >"$tmp/flr.json"
wellformed "json: an injected fault's finding has its origin" python3 -c '
import json,sys
f=[x for x in json.load(open(sys.argv[1]))["runs"][0]["findings"] if x["step"] < 0]
assert f and all(x["origin"].startswith("--inject device-flr@") and x["line"] == 0 for x in f), f' "$tmp/flr.json"
# units: list timing in ns/us/ms with cycles; every value it prints is one a scenario takes
check 0 "iotlb_inval          2us        4000" list timing
"$bin" list timing | awk '$2 ~ /^[0-9]+(ns|us|ms)$/ { print $1, $2, $3 }' >"$tmp/timing.txt"
wellformed "list timing: every key listed" test "$(wc -l <"$tmp/timing.txt")" -ge 20
while read -r key val cyc; do
	out=$("$bin" show "$good" --arch tdx --set "timing.$key=$val" 2>&1)
	wellformed "list timing: $key=$val is accepted and is $cyc cycles" \
		test -n "$(grep -E "^  $key +[0-9]+ +$cyc  --set\$" <<<"$out")"
done <"$tmp/timing.txt"
# text and JSON number steps the same way (from 0, as --set steps.N)
"$bin" run "$good" --arch tdx --json >"$tmp/num.json"
idx=$(python3 -c 'import json,sys; print([s["index"] for s in json.load(open(sys.argv[1]))["runs"][0]["steps"] if s["label"]=="lock"][0])' "$tmp/num.json")
check 0 "  $idx   18 device.tdisp [lock]" run "$good" --arch tdx
# every listing and generated doc is valid UTF-8
for w in ops faults findings results arches timing; do
	wellformed "list $w is UTF-8" bash -c "'$bin' list $w | iconv -f UTF-8 -t UTF-8 >/dev/null"
done
for d in docs/*.md docs/arch/*.md README.md; do
	wellformed "$d is UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$d"
done
# VCD: a legal timescale matching the clock (2000 MHz: 500 ps = 5 x 100ps),
# read by GTKWave's own converter; its save file groups per arch and names states
"$bin" run "$good" -q --json --vcd "$tmp/v.vcd" >"$tmp/v.json"
wellformed "vcd: timescale 100ps" grep -qx '\$timescale 100ps \$end' "$tmp/v.vcd"
wellformed "vcd: the last time is the run's end in 100ps units" python3 -c '
import json,re,sys
end=max(r["cycles"] for r in json.load(open(sys.argv[1]))["runs"])
ts=[int(m) for m in re.findall(r"^#(\d+)$", open(sys.argv[2]).read(), re.M)]
assert ts[-1] == end * 5 and ts == sorted(ts), (ts[-1], end)' "$tmp/v.json" "$tmp/v.vcd"
if command -v vcd2fst >/dev/null; then
	wellformed "vcd: vcd2fst reads it" vcd2fst "$tmp/v.vcd" "$tmp/v.fst"
	wellformed "vcd: fst2vcd gives the timescale back" bash -c "fst2vcd '$tmp/v.fst' | grep -A1 -x '\\\$timescale' | grep -q 100ps"
else
	fail=$((fail + 1)); echo "FAIL: vcd2fst not installed (apt-get install gtkwave)"
fi
wellformed "gtkw: written beside the VCD" test -s "$tmp/v.gtkw" -a -s "$tmp/v.tdi.txt" -a -s "$tmp/v.result.txt"
wellformed "gtkw: one group per arch" test "$(grep -c '^-tdx$\|^-sev$\|^-cca$' "$tmp/v.gtkw")" -eq 6
wellformed "gtkw: TDI states by name" grep -qx '1 CONFIG_LOCKED' "$tmp/v.tdi.txt"
wellformed "gtkw: every signal is in the VCD" python3 -c '
import re,sys
g=open(sys.argv[1]).read(); v=open(sys.argv[2]).read()
scopes={}; cur=None
for l in v.splitlines():
    m=re.match(r"\$scope module (\S+)",l)
    if m: cur=m.group(1)
    m=re.match(r"\$var \S+ \d+ \S+ (\S+)",l)
    if m: scopes.setdefault(cur,set()).add(m.group(1))
sig=[l for l in g.splitlines() if re.match(r"^[a-z]\w*\.\w+$",l)]
assert sig and all(s.split(".")[1] in scopes[s.split(".")[0]] for s in sig), sig' "$tmp/v.gtkw" "$tmp/v.vcd"
# JUnit as strict parsers want it
"$bin" run "$good" "$tmp/fail.yaml" -q --junit "$tmp/j.xml" >/dev/null
wellformed "junit: strict attributes" python3 -c '
import re,sys,xml.etree.ElementTree as E
r=E.parse(sys.argv[1]).getroot()
assert r.tag=="testsuites" and len(r)==4, len(r)
for s in r:
    for a in ("name","tests","failures","errors","time","timestamp","hostname","id"):
        assert s.get(a) is not None, (a, s.attrib)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", s.get("timestamp"))
    n=0
    for c in s.iter("testcase"):
        n+=1
        assert c.get("classname") and c.get("name"), c.attrib
        float(c.get("time"))
    assert n == int(s.get("tests"))' "$tmp/j.xml"
SOURCE_DATE_EPOCH=1700000000 "$bin" run "$good" -q --junit "$tmp/j2.xml" >/dev/null
wellformed "junit: SOURCE_DATE_EPOCH gives the timestamp" grep -q 'timestamp="2023-11-14T22:13:20"' "$tmp/j2.xml"
# several FILEs and stdin
check 1 "result on tdx: FAIL" run "$good" "$tmp/fail.yaml"
check 66 "cannot read" run "$good" /nonexistent.yaml
check 2 "--vcd, --trace and --html take one FILE" run "$good" "$good" --html "$tmp/x.html"
out=$("$bin" run - --arch tdx -q <"$good" 2>&1); rc=$?
wellformed "run - reads stdin" test "$rc" -eq 0 -a -n "$(grep -F 'result on tdx: PASS' <<<"$out")"
out=$(echo "scenario: [" | "$bin" run - 2>&1); rc=$?
wellformed "stdin diagnostics say <stdin>" test "$rc" -eq 65 -a -n "$(grep -F '<stdin>:' <<<"$out")"
"$bin" run --json "$good" "$good" --arch tdx >"$tmp/two.jsonl"
wellformed "--json with two FILEs: two documents" python3 -c '
import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; assert len(d)==2' "$tmp/two.jsonl"
# show: the resolved platform
check 0 "bdf 0000:" show "$good"
check 0 "hpa 0x3800000000..0x380000ffff (assigned), TEE" show "$good" --arch tdx
check 0 "iotlb_inval                2000         4000  est." show "$good" --arch tdx
check 0 "iotlb_inval                 500         1000  --set" show "$good" --arch sev --set clock_mhz=2000 --set timing.iotlb_inval=1000
check 0 "arch profile" show "$good" --arch cca
check 2 "show: takes FILE, --arch" show "$good" --json
check 66 "cannot read" show /nonexistent.yaml
# stats: unit and meaning per counter, latency distributions, firmware and TDISP counts
check 0 "iotlb.hits" run --stats -q --arch tdx scenarios/seed/two-dmabuf.yaml
check 0 "IOTLB lookups that hit" run --stats -q --arch tdx scenarios/seed/two-dmabuf.yaml
check 0 "guest.write             2     1104     7605    14106    14106" run --stats -q --arch tdx scenarios/seed/two-dmabuf.yaml
check 0 "TDH.MMIO.MAP                                     16          0" run --stats -q --arch tdx scenarios/seed/two-dmabuf.yaml
check 0 "START_INTERFACE                                   3          2" run --stats -q --arch tdx "$good"
"$bin" run -q --arch tdx --stats-file "$tmp/stats.txt" scenarios/seed/two-dmabuf.yaml >/dev/null
wellformed "stats-file: counters with meaning and unit" grep -qE '^tdx\.iotlb\.hits +[0-9]+ # IOTLB lookups that hit \(count\)$' "$tmp/stats.txt"
wellformed "stats-file: latency" grep -qE '^tdx\.latency\.guest\.write\.p99 +14106 # ' "$tmp/stats.txt"
wellformed "stats-file: firmware" grep -qE '^tdx\.firmware\.TDH\.MMIO\.MAP +16 # ' "$tmp/stats.txt"
"$bin" run -q --arch tdx --stats --json scenarios/seed/two-dmabuf.yaml >"$tmp/st.json"
wellformed "stats json: latency, firmware, tdisp" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]
assert r["latency"]["guest.write"]["p99"]==14106 and r["firmware"]["TDH.MMIO.MAP"]["count"]==16
assert r["tdisp"]["LOCK_INTERFACE"]["error"]==0 and "sim.cycles" not in r["stats"]' "$tmp/st.json"
# progress: on a terminal only
long=(scenarios/bench/dma-stream-sequential.yaml --arch tdx -q --set traffic.0.count=1e5)
err=$("$bin" run "${long[@]}" 2>&1 >/dev/null)
wellformed "no progress when stderr is not a terminal" test -z "$err"
if command -v script >/dev/null; then
	out=$(TSMSIM_PROGRESS_MS=0 script -qec "'$bin' run ${long[*]} >/dev/null" /dev/null)
	wellformed "run progress on a terminal" grep -q 'accesses, step 3/3' <<<"$out"
	out=$(TSMSIM_PROGRESS_MS=0 script -qec "'$bin' sweep $tmp/sw.yaml --faults tdisp-busy --out $tmp/p.jsonl" /dev/null)
	wellformed "sweep progress on a terminal" grep -q 'tsmsim sweep: points [0-9]*/16' <<<"$out"
fi
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
