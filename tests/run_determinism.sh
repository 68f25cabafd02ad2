#!/usr/bin/env bash
# run_determinism.sh BIN FILE... - the same scenario and seed must print
# the same bytes: each scenario runs twice (text and --json --stats) and
# the outputs are compared.
set -u
bin=$1; shift
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
	ok=1
	for mode in "" "--json --stats"; do
		# shellcheck disable=SC2086
		"$bin" run $mode "$f" >"$tmp/a" 2>&1
		# shellcheck disable=SC2086
		"$bin" run $mode "$f" >"$tmp/b" 2>&1
		cmp -s "$tmp/a" "$tmp/b" || { ok=0; echo "DIFFERS ($mode): $f"; diff "$tmp/a" "$tmp/b" | head -10; }
	done
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "determinism: $pass passed, $fail failed"
[ $fail -eq 0 ]
