#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_install.sh - `make install` into a scratch DESTDIR: the binary runs,
# the man page renders without a warning and names every command, op and
# fault, and the bash completion completes commands, ops, faults, arches.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s --no-print-directory install DESTDIR="$dest" PREFIX=/usr >"$dest/log" 2>&1 ||
	{ cat "$dest/log"; echo "install: 0 passed, 1 failed"; exit 1; }
bin=$dest/usr/bin/tsmsim
man=$dest/usr/share/man/man1/tsmsim.1
comp=$dest/usr/share/bash-completion/completions/tsmsim
ok "binary installed and runs" grep -q "^tsmsim " <<<"$("$bin" --version)"
ok "man page installed" test -s "$man"
ok "completion installed" test -s "$comp"
ok "nothing else installed" test "$(find "$dest/usr" -type f | wc -l)" -eq 3

# the man page: rendered by man -l if there is a man, else by groff; any
# warning (-ww) fails
if command -v groff >/dev/null; then
	ok "man page renders without warnings" test -z "$(groff -k -man -Tutf8 -ww -z "$man" 2>&1)"
	text=$(groff -k -man -Tutf8 "$man" 2>/dev/null | sed 's/.\x08//g')
elif command -v man >/dev/null; then
	text=$(MANWIDTH=100 man -l "$man" 2>/dev/null)
else
	echo "install: neither groff nor man; the page is checked as source only"
	text=$(cat "$man")
fi
ok "man page has NAME and EXIT STATUS" grep -q "EXIT STATUS" <<<"$text"
for w in $(bash -c ". '$comp'; echo \$_tsmsim_cmds \$_tsmsim_ops \$_tsmsim_faults \$_tsmsim_arches"); do
	grep -qF -- "$w" <<<"$text" || { fail=$((fail + 1)); echo "FAIL: man page lacks '$w'"; }
done
pass=$((pass + 1))
ok "man page's ops are tsmsim list ops" test "$(./build/tsmsim list ops | grep -cE '^[a-z][a-z0-9_.]* +\[[a-z -]+\]$')" -eq \
	"$(bash -c ". '$comp'; echo \$_tsmsim_ops" | wc -w)"

# the completion, driven as bash drives it: COMP_LINE up to the cursor
complete_() {
	bash -c '. "$1"; COMP_LINE=$2; COMP_POINT=${#2}; read -ra COMP_WORDS <<<"$2"; _tsmsim; echo "${COMPREPLY[*]}"' _ "$comp" "$1" 2>&1
}
want() {
	local line=$1 exp=$2 got
	got=$(complete_ "$line")
	if [[ " $got " == *" $exp "* ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: completing '$line' gave '$got', want '$exp' among them"; fi
}
want "tsmsim r" run
want "tsmsim co" compare
want "tsmsim ex" explore
want "tsmsim list f" faults
want "tsmsim run --arch s" sev
want "tsmsim run --arch tdx,c" tdx,cca
want "tsmsim run --inject drop" drop-invalidation@
want "tsmsim sweep x.yaml --faults link-down,hot" link-down,hot-unplug
want "tsmsim run x.yaml --set steps.0.op=tsm.b" tsm.bind
want "tsmsim sweep --re" --resume
want "tsmsim run --st" --stats
want "tsmsim compare x.yaml --format m" md
want "tsmsim run --che" --checkers
want "tsmsim run x.yaml --checkers n" none
summary install
