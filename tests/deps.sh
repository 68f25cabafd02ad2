#!/usr/bin/env bash
# deps.sh - install the Debian packages tsmsim needs, if any are missing.
# Called by `make deps` (and so by `make demo` and `make test`); `deps.sh
# spin` also wants Spin, for `make test-spin`.
set -eu
need=()
if [ "${1:-}" = spin ]; then command -v spin >/dev/null 2>&1 || need+=(spin); fi
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
pkg-config --exists check 2>/dev/null || need+=(check)
command -v gcovr >/dev/null 2>&1 || need+=(gcovr)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
# GNU parallel: the scale-out script is tested for real in make test;
# slurm-wlm and munge: make test-slurm (TSMSIM_DEPS_SLURM=1)
command -v parallel >/dev/null 2>&1 || need+=(parallel)
if [ "${TSMSIM_DEPS_SLURM:-0}" = 1 ]; then
	command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
	command -v munged >/dev/null 2>&1 || need+=(munge)
fi
# the output tests: the --html page in a browser, the VCD in GTKWave's reader
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v vcd2fst >/dev/null 2>&1 || need+=(gtkwave)
[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
