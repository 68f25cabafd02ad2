#!/usr/bin/env bash
# run_explore.sh BIN [quick] - `tsmsim explore` (docs/explore.md):
#   1. each scenarios/orders/*.yaml explores to the summary in
#      tests/explore/NAME.summary (which orders fail, per arch);
#   2. the reduction: with and without --no-prune the same set of
#      (arch, pass, outcome) signatures, and some scenario prunes orders;
#   3. --write: every counterexample written replays (explore on it, a
#      plain scenario now, gives the outcome it was written for; run
#      exits 1);
#   4. --jobs 1 and 2 give the same bytes; --max-orders caps with a
#      message and exit 1; a crash and a hang (the TSMSIM_EXPLORE_TEST
#      hook) are the results of exactly the orders they hit.
# With `quick` (the ASan pass) only two small scenarios and no goldens.
set -u
bin=${1:?usage: run_explore.sh BIN [quick]}
quick=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

sigs() {	# the (arch, pass, outcome) set of a results file
	grep -v '"summary"' "$1" | sed 's/.*"arch":\("[^"]*"\).*"pass":\([a-z]*\).*"outcome":\("[^"]*"\).*/\1 \2 \3/' | sort -u
}

files=(scenarios/orders/*.yaml tests/spin/seed-order.yaml)
[ -n "$quick" ] && files=(scenarios/orders/two-tenants.yaml scenarios/orders/flip-placement.yaml)
pruned_any=0
for f in "${files[@]}"; do
	n=$(basename "$f" .yaml)
	"$bin" explore "$f" --jobs 2 --out "$tmp/$n.jsonl" > "$tmp/$n.summary"
	rc=$?
	[ $rc -le 1 ] || bad "$f: explore exited $rc"
	[ -z "$(awk 'length($0) > 80' "$tmp/$n.summary")" ] || bad "$f: summary lines wider than 80 columns"
	if [ -z "$quick" ] && [ -f "tests/explore/$n.summary" ]; then
		diff -u "tests/explore/$n.summary" "$tmp/$n.summary" > "$tmp/d" ||
			{ bad "$f: the summary differs from tests/explore/$n.summary"; cat "$tmp/d"; }
	elif [ -z "$quick" ] && [ "$f" != tests/spin/seed-order.yaml ]; then
		bad "$f: no tests/explore/$n.summary"
	fi
	[ "$n" = seed-seven ] && continue	# nothing commutes there: 5,040 x 2 runs for nothing
	"$bin" explore "$f" --jobs 2 --no-prune --out "$tmp/$n.full.jsonl" > /dev/null
	if ! diff <(sigs "$tmp/$n.jsonl") <(sigs "$tmp/$n.full.jsonl") > "$tmp/d"; then
		bad "$f: pruning changed the outcomes"; cat "$tmp/d"
	fi
	grep -q '"orders_pruned":[1-9]' "$tmp/$n.jsonl" && pruned_any=1
done
[ $pruned_any = 1 ] || bad "no scenario pruned an order: the reduction test proves nothing"

# 3. counterexamples replay
f=scenarios/orders/two-tenants.yaml
[ -n "$quick" ] || f=scenarios/orders/unmap-bind-map-accept.yaml
"$bin" explore "$f" --jobs 2 --write "$tmp/cx" --out "$tmp/w.jsonl" > /dev/null
nw=0
for cx in "$tmp"/cx/*.yaml; do
	[ -f "$cx" ] || continue
	nw=$((nw + 1))
	want=$(grep '"summary"' "$tmp/w.jsonl" | tr '{' '\n' | grep -F "\"file\":\"$cx\"" |
		sed 's/.*"outcome":\("[^"]*"\).*/\1/')
	"$bin" explore "$cx" --out "$tmp/r.jsonl" > /dev/null
	got=$(grep -v '"summary"' "$tmp/r.jsonl" | sed 's/.*"outcome":\("[^"]*"\).*/\1/')
	[ -n "$want" ] && [ "$want" = "$got" ] || bad "$cx: replays as $got, written for $want"
	"$bin" run -q "$cx" > /dev/null 2>&1
	[ $? = 1 ] || bad "$cx: tsmsim run does not fail on it"
	grep -q 'unordered:' "$cx" && bad "$cx: still has an unordered block"
done
[ $nw -gt 0 ] || bad "$f: --write wrote no counterexample"

# 4. jobs, cap, crash, hang
f=scenarios/orders/flip-placement.yaml
"$bin" explore "$f" --jobs 1 > "$tmp/j1" 2>/dev/null
"$bin" explore "$f" --jobs 2 > "$tmp/j2" 2>/dev/null
cmp -s "$tmp/j1" "$tmp/j2" || bad "--jobs 1 and --jobs 2 differ"
"$bin" explore "$f" --arch tdx,sev,cca --max-orders 4 --out "$tmp/cap.jsonl" > "$tmp/cap.out" 2> "$tmp/cap.err"
rc=$?
[ $rc = 1 ] || bad "--max-orders 4: exit $rc, want 1"
grep -q 'more than --max-orders 4' "$tmp/cap.err" || bad "--max-orders 4: no message on stderr"
grep -q 'INCOMPLETE' "$tmp/cap.out" || bad "--max-orders 4: the summary does not say INCOMPLETE"
[ "$(grep -vc summary "$tmp/cap.jsonl")" = 12 ] || bad "--max-orders 4: want 12 lines (4 orders x 3 arches)"
TSMSIM_EXPLORE_TEST=crash@unmap-p2p "$bin" explore "$f" --arch sev --out "$tmp/crash.jsonl" > /dev/null 2>&1
[ "$(grep -c '"status":"crashed"' "$tmp/crash.jsonl")" = 2 ] &&
	[ "$(grep -c '"status":"ran"' "$tmp/crash.jsonl")" = 4 ] ||
	bad "crash@unmap-p2p: want 2 orders crashed and 4 ran"
TSMSIM_EXPLORE_TEST=hang@bind "$bin" explore "$f" --arch cca --timeout 1 --jobs 2 --out "$tmp/hang.jsonl" > /dev/null 2>&1
[ "$(grep -c '"status":"timeout"' "$tmp/hang.jsonl")" = 2 ] &&
	[ "$(grep -c '"status":"ran"' "$tmp/hang.jsonl")" = 4 ] ||
	bad "hang@bind: want 2 orders timed out and 4 ran"

[ $fail = 0 ] && echo "explore: ${#files[@]} scenarios, reduction, counterexamples, jobs, cap, crash and hang: ok"
exit $fail
