#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_repo.sh - the repository stands alone: no tracked file sends a
# reader to a file outside it (the team's notes folder, an absolute path
# on a development machine, a parent directory), every docs/... path a
# file names exists, and the licence tags agree with LICENSE.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files)
else
	mapfile -t files < <(find . -type f -not -path './build*' -not -path './.git/*' | sed 's|^\./||')
fi
self=tests/run_repo.sh
# the patterns are split so this file does not match itself
sh_=shared
wl=WORKLOAD
bad="\.\./$sh_|\.\./bench/|/work/|$sh_/(docs|bench)|bench/common/|dma_model\.h|$wl\.md|domain\.md|design\.md|style\.md|scenario-spec|seed-mail\.txt"
hits=$(for f in "${files[@]}"; do [ "$f" = "$self" ] || [ ! -f "$f" ] || echo "$f"; done |
	xargs grep -naIE "$bad" 2>/dev/null | cut -c1-160)
ok "no reference outside the repository" test -z "$hits"
[ -z "$hits" ] || echo "$hits" | head -40

# every docs/, scenarios/, tests/ or tools/ path named in a doc or comment exists
miss=$(for f in "${files[@]}"; do [ -f "$f" ] && echo "$f"; done | xargs grep -ohaIE \
	'(docs|scenarios|tests|tools)/[A-Za-z0-9_./-]*[A-Za-z0-9_]\.(md|yaml|c|h|sh)\b' 2>/dev/null |
	sort -u | while read -r p; do [ -e "$p" ] || echo "$p"; done)
ok "every named path exists" test -z "$miss"
[ -z "$miss" ] || echo "missing: $miss" | head -20

# every quoted part of a named doc (a doc path, then "Heading") is there
unquoted=$(for f in "${files[@]}"; do [ -f "$f" ] && echo "$f"; done | xargs grep -ohaI \
	'docs/[a-z/]*\.md,\? "[^"]*"' 2>/dev/null | sort -u | while IFS= read -r m; do
	d=$(grep -o '^docs/[a-z/]*\.md' <<<"$m"); q=$(sed 's/.*"\(.*\)"/\1/' <<<"$m")
	[ -f "$d" ] && grep -qiF -- "$q" "$d" || echo "$m"; done)
ok "every quoted part of a named doc exists" test -z "$unquoted"
[ -z "$unquoted" ] || echo "not found: $unquoted" | head

ok "LICENSE is the MIT licence" grep -q '^MIT License$' LICENSE
untagged=$(for f in "${files[@]}"; do
	case $f in *.c | *.h) grep -q 'SPDX-License-Identifier: MIT' "$f" || echo "$f" ;; esac
done)
ok "every .c and .h carries SPDX-License-Identifier: MIT" test -z "$untagged"
[ -z "$untagged" ] || echo "$untagged" | head
other=$(for f in "${files[@]}"; do [ -f "$f" ] && [ "$f" != "$self" ] && echo "$f"; done |
	xargs grep -ohaI 'SPDX-License-Identifier: [^ */]*' | sort -u | grep -v ': MIT$')
ok "no SPDX tag other than MIT" test -z "$other"
summary repo
