#!/usr/bin/env bash
# deps.sh [demo|test|coverage|fuzz|fresh]... - install the Debian packages
# a make target needs, if any are missing; a no-op when all are there.
#
#   demo      compiler, C library headers, make, pkg-config, libyaml-dev
#   test      demo + check (the unit suites), groff-base (the man page
#             check), python3 (the output files' well-formedness checks),
#             chromium (the --html page in a browser), gtkwave (vcd2fst
#             reads the --vcd file), parallel (the scale-out test)
#   coverage  test + gcovr
#   fuzz      demo + clang (libFuzzer)
#   valgrind  test + valgrind (make valgrind-test)
#   bench     demo + time (/usr/bin/time), hyperfine (make bench)
#   slurm     demo + slurm-wlm, munge (make test-slurm)
#   spin      demo + spin (make test-spin; gcc builds Spin's verifier)
#   fresh     debootstrap, git (make test-fresh)
#
# A bare Debian 12 image has no make yet: `bash tests/deps.sh` (as root,
# or a user with sudo) installs what `make demo` and `make test` need.
# The make targets call it with their own group.
set -eu
groups=("${@:-test}")
pkgs=()
add() { pkgs+=("$@"); }
for g in "${groups[@]}"; do
	case $g in
	demo) add gcc libc6-dev make pkg-config libyaml-dev ;;
	test) add gcc libc6-dev make pkg-config libyaml-dev check groff-base python3 chromium gtkwave parallel ;;
	coverage) add gcc libc6-dev make pkg-config libyaml-dev check python3 gcovr ;;
	fuzz) add clang libyaml-dev ;;
	valgrind) add gcc libc6-dev make pkg-config libyaml-dev check valgrind ;;
	bench) add gcc libc6-dev make pkg-config libyaml-dev time hyperfine ;;
	slurm) add gcc libc6-dev make pkg-config libyaml-dev slurm-wlm munge ;;
	spin) add gcc libc6-dev make pkg-config libyaml-dev spin ;;
	fresh) add debootstrap git ;;
	*) echo "deps.sh: unknown group '$g' (demo, test, coverage, fuzz, valgrind, bench, slurm, spin, fresh)" >&2; exit 2 ;;
	esac
done
# not Debian: say what is wanted and leave it to the user
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not Debian; make sure these (Debian names) are installed:" \
		"$(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')" >&2
	exit 0
fi
need=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
