#!/usr/bin/env bash
# fresh.sh - `make test-fresh`: the README's commands on a bare Debian 12.
#
# Builds a Debian 12 (bookworm) minbase root with debootstrap from the
# archive this machine's apt is configured with (/etc/apt/sources.list and
# sources.list.d), copies a clean clone of HEAD into it and runs, in a
# chroot, the README's bare-image line (`bash tests/deps.sh`) and then the
# commands of the README's first code block (`make demo`, `make test`).
# The debootstrap download is kept in build/fresh/ so reruns are fast; the
# root itself is made anew each run and removed afterwards.  Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
suite=bookworm
cache=$top/build/fresh
tarball=$cache/$suite-minbase.tgz

[ "$(id -u)" -eq 0 ] || { echo "test-fresh: needs root (debootstrap, chroot, mount)" >&2; exit 1; }

# The first archive apt uses for $suite: one-line (.list) or deb822 (.sources).
mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i + 1) == s) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '
			/^[ \t]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
			END { if (uri != "" && ok) print uri }' "$f"
	done
}
# a machine on another release: its first Debian archive serves bookworm too
debian_any() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" && $0 ~ /\/debian\/? / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }'
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }'
}
url=$({ mirror; debian_any; } | awk 'NR == 1')
[ -n "$url" ] || { echo "test-fresh: no '$suite' archive in /etc/apt/sources.list*" >&2; exit 1; }

mkdir -p "$cache"
root=$(mktemp -d "$cache/root.XXXXXX")
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
t0=$(date +%s)

if [ ! -s "$tarball" ]; then
	echo "test-fresh: debootstrap --make-tarball from $url (once; cached in build/fresh/)"
	debootstrap --variant=minbase --make-tarball="$tarball.tmp" "$suite" "$root/mk" "$url" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log"; exit 1; }
	mv "$tarball.tmp" "$tarball"
	rm -rf "$root/mk"
fi
echo "test-fresh: debootstrap $suite minbase into $root"
debootstrap --variant=minbase --unpack-tarball="$tarball" "$suite" "$root" "$url" >"$cache/debootstrap.log" 2>&1 ||
	{ tail -20 "$cache/debootstrap.log"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"

# a clean clone of HEAD: what CI gets, no build products, no untracked files
git clone -q --no-checkout "$top" "$root/root/tsmsim"
git -C "$root/root/tsmsim" checkout -q --detach "$(git rev-parse HEAD)"

for m in proc sys dev dev/pts; do
	mkdir -p "$root/$m"
	case $m in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sys "$root/sys" ;;
	dev) mount --bind /dev "$root/dev" ;;
	dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
	esac
	mounted+=("$root/$m")
done

# the README's first code block, comments stripped: `make demo`, `make test`
mapfile -t cmds < <(awk '/^```/ { n++; next } n == 1 { sub(/[ \t]*#.*/, ""); if ($0 != "") print }' README.md)
grep -q '`bash tests/deps.sh`' README.md || { echo "test-fresh: README lost its bare-image line" >&2; exit 1; }
[ ${#cmds[@]} -eq 2 ] || { echo "test-fresh: README's first block is not two commands: ${cmds[*]}" >&2; exit 1; }
script="set -e; cd /root/tsmsim; bash tests/deps.sh"
for c in "${cmds[@]}"; do script+="; echo '+ $c'; $c"; done
echo "test-fresh: in the chroot: bash tests/deps.sh, then ${cmds[*]}"
t1=$(date +%s)
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb LANG=C.UTF-8 \
	bash -c "$script"
t2=$(date +%s)
echo "test-fresh: passed: set-up $((t1 - t0)) s, README commands $((t2 - t1)) s, total $((t2 - t0)) s"
