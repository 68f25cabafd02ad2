#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# quiet.sh NAME CMD... - run one check of `make test` quietly.
#
# Passing, it prints one line, "NAME: P passed, F failed", taken from the
# last such line of CMD's output (a check that counts nothing is
# "1 passed").  Failing, it prints all of CMD's output first, so the
# details are there.  The line is also appended to $TSMSIM_TEST_SUMMARY,
# which tests/total.sh adds up.
set -u
name=$1; shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
rc=$?
counts=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
if [ -z "$counts" ]; then
	if [ $rc -eq 0 ]; then counts="1 passed, 0 failed"; else counts="0 passed, 1 failed"; fi
fi
failed=${counts#*passed, }; failed=${failed% failed}
if [ $rc -eq 0 ] && [ "$failed" -ne 0 ]; then rc=1; fi
if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then counts="${counts%%,*}, 1 failed"; fi
if [ $rc -ne 0 ]; then
	echo "---- $name: output of: $*"
	cat "$out"
	echo "---- $name: exit $rc"
fi
echo "$name: $counts"
[ -n "${TSMSIM_TEST_SUMMARY:-}" ] && echo "$name: $counts" >>"$TSMSIM_TEST_SUMMARY"
exit $rc
