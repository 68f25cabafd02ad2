#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# total.sh SUMMARY - the last line of `make test`: every check's counts
# (tests/quiet.sh's lines) added up, "N passed, M failed".
set -u
awk '{ for (i = 1; i < NF; i++) { if ($(i + 1) == "passed,") p += $i; if ($(i + 1) == "failed") f += $i } }
	END { printf "%d passed, %d failed\n", p, f; exit (f > 0 || NR == 0) }' "$1"
