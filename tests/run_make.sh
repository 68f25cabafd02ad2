#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_make.sh - the Makefile's promises, checked with make's what-if (-W):
# a header change rebuilds exactly the objects whose .d names it (-MMD
# -MP), a .c change prints short lines (CC / AR / LD) unless V=1, and the
# user's CFLAGS / LDFLAGS are appended to the project's.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
mk() { make --no-print-directory "$@" 2>&1; }
objs_of() { grep -oE ' -c [^ ]+\.c -o [^ ]+\.o' | awk '{ print $4 }' | sort; }
# (objects whose source is gone, e.g. after a move, are not users)
users_of() { grep -l -- "$1" $(find build -name '*.d' -not -path 'build/fresh/*') 2>/dev/null |
	while read -r d; do s=${d#build/}; [ -f "${s%.d}.c" ] && echo "${d%.d}.o"; done | sort; }

# every object has its .d (built by make test before this runs)
ok "every object has a .d" test -z "$(find build -name '*.o' -not -path 'build/fresh/*' | while read -r o; do
	[ -f "${o%.o}.d" ] || echo "$o"; done)"
for h in models/pcie/pcie.h sim/sim.h tools/sweep/sweep.h; do
	[ -f "$h" ] || continue
	want=$(users_of "$h" | grep -v '^build/tests/')
	got=$(mk -n V=1 -W "$h" build/tsmsim | objs_of)
	ok "$h rebuilds its users only ($(wc -l <<<"$got") objects)" test -n "$want" -a "$got" = "$want"
done
# an object built before its .d existed is rebuilt once to get one
d=build/sim/stats.d
mv "$d" "$d.keep"
got=$(mk -n V=1 build/tsmsim | objs_of)
mv "$d.keep" "$d"
ok "an object without its .d is rebuilt (got: $got)" test "$got" = build/sim/stats.o
all=$(mk -n V=1 -B build/tsmsim | objs_of | wc -l)
got=$(mk -n V=1 -W models/pcie/pcie.h build/tsmsim | objs_of | wc -l)
ok "a header is not every object's dependency ($got of $all)" test "$got" -lt "$all"

# short lines: one .c rebuilt for real prints CC, AR and LD, nothing more
c=sim/stats.c
out=$(mk -W "$c" build/tsmsim)
ok "short lines: got '$out'" test "$out" = "$(printf '  CC   %s\n  AR   build/libtsmsim.a\n  LD   build/tsmsim' "$c")"
out=$(mk -n V=1 -W "$c" build/tsmsim)
ok "V=1 prints the full compiler line" grep -q -- "-MMD -MP -c $c -o build/${c%.c}.o" <<<"$out"

# CFLAGS and LDFLAGS from the command line are appended, not replacing ours
out=$(mk -n V=1 -W "$c" build/tsmsim CFLAGS=-DTSMSIM_USER_FLAG LDFLAGS=-Wl,-O1)
ok "CFLAGS appended to the compile line" grep -qE -- "-Werror .*-O2 -g( -flto=auto)? -DTSMSIM_USER_FLAG .*-c $c" <<<"$out"
ok "CFLAGS and LDFLAGS on the link line" grep -qE -- "-DTSMSIM_USER_FLAG .*-Wl,-O1 -o build/tsmsim" <<<"$out"

# make test's own machinery: quiet.sh prints one line when a check passes
# and everything when it fails; total.sh adds the lines up
sum=$(mktemp)
out=$(TSMSIM_TEST_SUMMARY=$sum bash tests/quiet.sh good bash -c 'echo noise >&2; echo "x: 3 passed, 0 failed"')
ok "quiet.sh: a pass is one line (got '$out')" test "$out" = "good: 3 passed, 0 failed"
out=$(TSMSIM_TEST_SUMMARY=$sum bash tests/quiet.sh plain true)
ok "quiet.sh: a check that counts nothing is 1 passed" test "$out" = "plain: 1 passed, 0 failed"
out=$(TSMSIM_TEST_SUMMARY=$sum bash tests/quiet.sh bad bash -c 'echo the-detail; echo "2 passed, 0 failed"; exit 1')
rc=$?
ok "quiet.sh: a failure shows its output and fails" test $rc -ne 0 -a -n "$(grep -x the-detail <<<"$out")"
ok "quiet.sh: a failure counts as failed" grep -qx "bad: 2 passed, 1 failed" <<<"$out"
ok "total.sh adds up and fails on a failure" test "$(bash tests/total.sh "$sum"; echo "rc=$?")" = "$(printf '6 passed, 1 failed\nrc=1')"
rm -f "$sum"
summary makefile
