#!/usr/bin/env bash
# run_scenarios.sh BIN FILE... - every scenario must meet its own
# expectations (exit 0).  VALGRIND=1 runs each under valgrind memcheck.
set -u
bin=$1; shift
pass=0; fail=0
for f in "$@"; do
	if [ "${VALGRIND:-0}" = 1 ]; then
		out=$(valgrind -q --leak-check=full --error-exitcode=9 "$bin" run -q "$f" 2>&1)
	else
		out=$("$bin" run -q "$f" 2>&1)
	fi
	rc=$?
	# the text report is pasted into mail: it must fit 80 columns
	if [ $rc -eq 0 ] && [ "${VALGRIND:-0}" != 1 ]; then
		wide=$("$bin" run -v "$f" 2>&1 | awk 'length($0) > 80' | head -3)
		if [ -n "$wide" ]; then
			rc=99
			out="lines wider than 80 columns:
$wide"
		fi
	fi
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL ($rc): $f"
		echo "$out" | sed 's/^/    /' | head -40
	fi
done
echo "scenarios: $pass passed, $fail failed"
[ $fail -eq 0 ]
