# SPDX-License-Identifier: MIT
# lib.sh - sourced by the test scripts: the pass / fail counters, ok()
# and the one summary line tests/quiet.sh counts.
pass=0
fail=0
# ok WHAT CMD...: CMD must succeed
ok() {
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
# summary NAME: print the line and exit with the verdict
summary() {
	echo "$1: $pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}
