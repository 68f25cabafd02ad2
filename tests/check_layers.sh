#!/bin/bash
# tests/check_layers.sh DIR... - the include rule of tools/ (docs/architecture.md).
#
# The folders are given bottom-up.  A file in one of them may include
# headers of its own folder, any header of sim/ and of a models/ folder,
# and the public header (FOLDER/FOLDER.h) of a folder given before its
# own; nothing else of tools/.  So no import circle can form between
# them, and an internal header never leaves its folder.  sim/ and models/
# include nothing of tools/.
set -u
cd "$(dirname "$0")/.." || exit 1
declare -A rank=()
declare -A owner=()
i=0
for d in "$@"; do
	rank[$d]=$i
	i=$((i + 1))
	for h in tools/"$d"/*.h; do
		owner[$(basename "$h")]=$d
	done
done
bad=0
for d in "$@"; do
	for f in tools/"$d"/*.[ch]; do
		while IFS=: read -r line h; do
			h=${h#*\"}; h=${h%\"*}
			o=${owner[$h]:-}
			[ -z "$o" ] && continue		# sim/, models/ or system
			[ "$o" = "$d" ] && continue
			if [ "$h" != "$o.h" ]; then
				echo "$f:$line: includes $h, internal to tools/$o"; bad=1
			elif [ "${rank[$o]}" -gt "${rank[$d]}" ]; then
				echo "$f:$line: includes $h, but tools/$o is above tools/$d"; bad=1
			fi
		done < <(grep -n '^#include "' "$f" | sed 's/:#include /:/')
	done
done
for f in $(find sim models -name '*.[ch]'); do
	while IFS=: read -r line h; do
		h=${h#*\"}; h=${h%\"*}
		[ -n "${owner[$h]:-}" ] && { echo "$f:$line: includes $h of tools/"; bad=1; }
	done < <(grep -n '^#include "' "$f" | sed 's/:#include /:/')
done
[ -z "$(ls tools/*.c tools/*.h 2>/dev/null)" ] || { echo "tools/: a source outside the folders"; bad=1; }
exit $bad
