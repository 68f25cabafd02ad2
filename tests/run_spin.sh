#!/usr/bin/env bash
# run_spin.sh BIN - `make test-spin`: Spin and `tsmsim explore` answer the
# same ordering question (tests/spin/seed-order.pml, written by hand, and
# tests/spin/seed-order.yaml) and must find the same violating orders.
#
# Spin: `spin -o2 -a` (-o2 keeps the write-only order history in the state
# vector, so every order is its own end state), pan built with -DPRINTF
# prints each violating order once, -c0 counts every assertion violation
# (-w12: a 4096-slot hash table is plenty for a few hundred states).
# Both sides must find at least one violating and one safe order, and
# pan's error count must equal its printed violations.
set -u
bin=${1:?usage: run_spin.sh BIN}
here=$(cd "$(dirname "$0")/spin" && pwd)
labels=(unmap-kvm unmap-p2p bind map-private accept)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v spin >/dev/null || { echo "test-spin: spin is not installed (apt-get install spin)"; exit 1; }
cp "$here/seed-order.pml" "$tmp/"
( cd "$tmp" && spin -o2 -a seed-order.pml >/dev/null && \
  gcc -O2 -DPRINTF -DSAFETY -o pan pan.c ) || { echo "test-spin: spin -a or gcc failed"; exit 1; }
t0=$(date +%s%N)
( cd "$tmp" && ./pan -c0 -n -w12 > pan.out 2>&1 )
t1=$(date +%s%N)
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$tmp/pan.out")
states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$tmp/pan.out")
grep '^VIOLATION' "$tmp/pan.out" | while read -r _ a b c d e; do
	echo "${labels[$a]},${labels[$b]},${labels[$c]},${labels[$d]},${labels[$e]}"
done | sort > "$tmp/spin.orders"
nspin=$(wc -l < "$tmp/spin.orders")

t2=$(date +%s%N)
"$bin" explore "$here/seed-order.yaml" --arch tdx --out "$tmp/xp.jsonl" >/dev/null
rc=$?
t3=$(date +%s%N)
grep -v '"summary"' "$tmp/xp.jsonl" | grep '"pass":false' | \
	sed 's/.*"order":\[\[\([^]]*\)\]\].*/\1/; s/"//g' | sort > "$tmp/xp.orders"
nxp=$(wc -l < "$tmp/xp.orders")
total=$(grep -vc '"summary"' "$tmp/xp.jsonl")

fail=0
[ "$rc" = 1 ] || { echo "test-spin: explore exited $rc, want 1 (violating orders exist)"; fail=1; }
[ "$errors" = "$nspin" ] || { echo "test-spin: pan counts $errors errors but printed $nspin orders"; fail=1; }
[ "$nspin" -gt 0 ] && [ "$nspin" -lt "$total" ] || { echo "test-spin: want some but not all of $total orders violating, spin found $nspin"; fail=1; }
if ! diff -u "$tmp/spin.orders" "$tmp/xp.orders" > "$tmp/diff"; then
	echo "test-spin: Spin and tsmsim explore disagree on the violating orders:"
	cat "$tmp/diff"
	fail=1
fi
sp_ns=$((t1 - t0)); xp_ns=$((t3 - t2))
[ $sp_ns -gt 0 ] || sp_ns=1
echo "test-spin: Spin and explore agree: $nspin of $total orders violate the rule"
echo "  spin: $states states in $((sp_ns / 1000000)) ms ($((states * 1000000000 / sp_ns)) states/s)"
echo "  explore: $total orders in $((xp_ns / 1000000)) ms ($((total * 1000000000 / xp_ns)) orders/s)"
exit $fail
