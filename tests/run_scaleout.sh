#!/usr/bin/env bash
# run_scaleout.sh BIN [quick] - the edges of a sweep (docs/sweep.md, docs/scale-out.md):
#  - no orphans: the sweep parent killed with TERM, or with KILL, leaves
#    no worker; a stopped parent cannot stretch --timeout (each worker
#    ends itself);
#  - GNU parallel for real: tools/scaleout/sweep-parallel.sh with -j and
#    with --sshlogin ':' (this machine) merges into exactly the unsharded
#    result and prints the summary.
set -u
bin=$(realpath "$1")
quick=${2:-}	# quick: minimize three corpus scenarios, not all (ASan)
pass=0 fail=0
tmp=$(mktemp -d)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
alive() {	# running (a zombie is dead: it only waits to be reaped)
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
children() { pgrep -P "$1" | tr '\n' ' '; }
started=()
cleanup() {
	for p in "${started[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# every point runs ~forever: 1e12 accesses, and an event limit above them
# (the default 1e9 events end a run-ahead stream within 3 s)
# (explicit points: no baseline run in the parent)
long=(sweep scenarios/bench/dma-stream-sequential.yaml --faults drop-invalidation,tdisp-busy
	--points after:attached --set traffic.0.count=1e12 --set limits.max_events=1e13
	--jobs 2)

# start a long sweep; wait for its two workers; print "PARENT W1 W2"
start_long() {
	# a background job of a script starts with SIGINT ignored: undo that
	env --default-signal=INT "$bin" "${long[@]}" "$@" --out "$tmp/long.jsonl" >/dev/null 2>&1 &
	local p=$! w=""
	started+=($p)
	for _ in $(seq 100); do
		w=$(children $p)
		[ "$(wc -w <<<"$w")" -ge 2 ] && break
		sleep 0.05
	done
	echo "$p $w"
}

# wait up to @2 tenths of a second for the pids @1.. to be gone
gone() {
	local tenths=$1; shift
	for _ in $(seq "$tenths"); do
		local any=0
		for w in "$@"; do alive "$w" && any=1; done
		[ $any = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

for sig in TERM KILL INT; do
	set -- $(start_long --timeout 60)
	parent=$1; shift
	if [ $# -lt 2 ]; then bad "$sig: the sweep did not start 2 workers"; continue; fi
	kill -$sig "$parent"
	if gone 50 "$@"; then ok; else bad "kill -$sig of the sweep left workers $* running"; fi
	wait "$parent" 2>/dev/null
done

# a stopped parent: the workers' own timers end them at about 3 s + 0.3 s
set -- $(start_long --timeout 3)
parent=$1; shift
kill -STOP "$parent"
if [ $# -lt 2 ] || ! alive "$1"; then
	bad "stopped parent: the workers were not running when the parent stopped"
elif gone 80 "$@"; then ok; else bad "a stopped parent let workers $* outlive --timeout 3"; fi
kill -CONT "$parent" 2>/dev/null
kill -9 "$parent" 2>/dev/null
wait "$parent" 2>/dev/null

# GNU parallel, locally (-j) and through --sshlogin ':' (this machine)
scn=scenarios/seed/two-dmabuf.yaml
args=(--arch tdx,sev --faults tdisp-busy,device-flr)
"$bin" sweep "$scn" "${args[@]}" --out "$tmp/all.jsonl" >/dev/null 2>&1
"$bin" merge "$tmp/all.jsonl" --out "$tmp/unsharded.jsonl"
if tools/scaleout/sweep-parallel.sh --tsmsim "$bin" -j 2 --shards 3 "$tmp/par" \
	"$scn" "${args[@]}" >"$tmp/par.out" 2>&1 &&
	cmp -s "$tmp/unsharded.jsonl" "$tmp/par/results.jsonl" &&
	grep -q 'tsmsim sweep summary' "$tmp/par.out"; then ok; else
	bad "sweep-parallel.sh -j 2 --shards 3: not the unsharded result"; head -5 "$tmp/par.out"; fi
if tools/scaleout/sweep-parallel.sh --tsmsim "$bin" -S 2/: --shards 4 --format md \
	"$tmp/ssh" "$scn" "${args[@]}" >"$tmp/ssh.out" 2>&1 &&
	cmp -s "$tmp/unsharded.jsonl" "$tmp/ssh/results.jsonl" &&
	grep -q '## tsmsim sweep summary' "$tmp/ssh/summary.md"; then ok; else
	bad "sweep-parallel.sh -S 2/: --shards 4: not the unsharded result"; head -5 "$tmp/ssh.out"; fi
# a second run resumes: nothing left to do, same result
if tools/scaleout/sweep-parallel.sh --tsmsim "$bin" -j 2 --shards 3 "$tmp/par" \
	"$scn" "${args[@]}" >/dev/null 2>&1 && cmp -s "$tmp/unsharded.jsonl" "$tmp/par/results.jsonl"
	then ok; else bad "sweep-parallel.sh run again did not resume to the same result"; fi
# minimize on the corpus: every scenario with a finding shrinks to one that
# lints, passes its pinned expectations and has the same first finding
first() {	# the first finding's kind of a run, as --json reports it
	"$bin" run "$@" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
fs = [f for r in d["runs"] for f in r["findings"] if not f["allowed"]]
print(min(fs, key=lambda f: f["first"])["name"] if fs else "none")'
}
corpus=(scenarios/corpus/*.yaml)
[ "$quick" = quick ] && corpus=(scenarios/corpus/vm-destroy-bound.yaml
	scenarios/corpus/stale-iotlb-dropped.yaml scenarios/corpus/guest-poll-hitless.yaml)
for f in "${corpus[@]}"; do
	want=$(first "$f" --arch tdx)
	[ "$want" = none ] && continue
	m=$tmp/min-$(basename "$f")
	if ! "$bin" minimize "$f" --arch tdx --jobs 2 --out "$m" >"$tmp/min.out" 2>&1; then
		bad "minimize $f failed: $(head -3 "$tmp/min.out")"; continue; fi
	if ! "$bin" lint "$m" >/dev/null 2>&1; then bad "minimize $f: the result does not lint"; continue; fi
	if ! "$bin" run -q "$m" >/dev/null 2>&1; then bad "minimize $f: the result fails its pinned expectations"; continue; fi
	got=$(first "$m")
	if [ "$got" = "$want" ]; then ok; else bad "minimize $f: first finding $got, not $want"; fi
done
echo "scaleout: $pass passed, $fail failed"
[ $fail -eq 0 ]
