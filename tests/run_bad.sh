#!/usr/bin/env bash
# run_bad.sh BIN DIR - the bad-scenario catalog (tests/bad/*.yaml).
#
# Each file starts with one `# error: LINE:COL: SUBSTRING` comment per
# expected diagnostic, in order.  `BIN lint FILE` must exit 65 and print
# exactly those diagnostics on stderr: the N-th line containing ": error: "
# must be `FILE:LINE:COL: error: ...` containing the N-th SUBSTRING, and
# there must be no other error lines.
set -u

bin=${1:?usage: run_bad.sh BIN DIR}
dir=${2:?usage: run_bad.sh BIN DIR}
pass=0
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

check_file() {
	local f=$1 rc i want got pos sub
	local -a wants gots

	mapfile -t wants < <(sed -n 's/^# error: //p' "$f")
	if [ ${#wants[@]} -eq 0 ]; then
		echo "$f: no '# error:' lines"
		return 1
	fi
	"$bin" lint "$f" >/dev/null 2>"$tmp"
	rc=$?
	if [ $rc -ne 65 ]; then
		echo "$f: exit status $rc, want 65"
		sed 's/^/    /' "$tmp"
		return 1
	fi
	mapfile -t gots < <(grep -F ': error: ' "$tmp")
	if [ ${#gots[@]} -ne ${#wants[@]} ]; then
		echo "$f: ${#gots[@]} errors, want ${#wants[@]}"
		sed 's/^/    /' "$tmp"
		return 1
	fi
	for i in "${!wants[@]}"; do
		want=${wants[$i]}
		got=${gots[$i]}
		pos=${want%%: *}
		sub=${want#*: }
		if [[ "$got" != "$f:$pos: error: "* || "$got" != *"$sub"* ]]; then
			echo "$f: error $((i + 1)): got '$got'"
			echo "    want '$f:$pos: error: ...$sub...'"
			return 1
		fi
	done
	return 0
}

for f in "$dir"/*.yaml; do
	[ -e "$f" ] || continue
	if check_file "$f"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
