#!/usr/bin/env bash
# sweep-parallel.sh - a tsmsim sweep cut into shards that GNU parallel
# runs, here (-j N) or on other machines (--sshlogin), then merged and
# summarised.  docs/scale-out.md explains it.
#
#   tools/scaleout/sweep-parallel.sh [-j N] [-S LOGINS] [--shards N]
#       [--tsmsim BIN] [--format text|md|html|json] OUTDIR FILE [SWEEP OPTIONS..]
#
# Writes OUTDIR/shard-K.jsonl (K = 1..N), OUTDIR/results.jsonl (merged,
# sorted by point, byte-identical to an unsharded sweep) and
# OUTDIR/summary.txt (or .md, .html, .json), and prints the summary.
# Every shard runs with --resume, so running the script again after an
# interruption finishes only what is missing.  With -S, every host must
# see BIN, FILE and OUTDIR at the same paths (a shared file system);
# GNU parallel's ':' is this machine.
# Exit: 0 all points ran; 1 a point crashed or timed out, or a shard
# failed (merge lists what is missing); 2 bad usage.
set -euo pipefail
jobs=2 logins= shards= bin= format=text
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-S|--sshlogin) logins=$2; shift 2 ;;
	--shards) shards=$2; shift 2 ;;
	--tsmsim) bin=$2; shift 2 ;;
	--format) format=$2; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "sweep-parallel.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
outdir=$1 file=$2
shift 2
command -v parallel >/dev/null || { echo "sweep-parallel.sh: GNU parallel is not installed (Debian: apt-get install parallel)" >&2; exit 2; }
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${bin:-$here/build/tsmsim}
[ -x "$bin" ] || { echo "sweep-parallel.sh: no tsmsim at $bin (make, or --tsmsim BIN)" >&2; exit 2; }
# one shard per job slot of every host unless told otherwise
if [ -z "$shards" ]; then
	if [ -n "$logins" ]; then shards=$(( $(tr ',' '\n' <<<"$logins" | grep -c .) * jobs )); else shards=$jobs; fi
fi
case $shards in ''|*[!0-9]*|0) echo "sweep-parallel.sh: --shards wants an integer >= 1" >&2; exit 2 ;; esac
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
par=(parallel -q --halt never -j "$jobs")
[ -z "$logins" ] || par+=(--sshlogin "$logins" --workdir "$(pwd)")
# the shard id K and N are the only difference between the jobs; each
# writes its own file, so a job that is run twice (--retries) resumes
rc=0
"${par[@]}" "$bin" sweep "$file" --jobs 1 "$@" --shard '{}'/"$shards" \
	--out "$outdir"/shard-'{}'.jsonl --resume ::: $(seq 1 "$shards") >/dev/null || rc=1
files=()
for k in $(seq 1 "$shards"); do files+=("$outdir/shard-$k.jsonl"); done
"$bin" merge "${files[@]}" --out "$outdir/results.jsonl" || exit 1
ext=$format; [ "$format" = text ] && ext=txt
"$bin" sweep --summary "$outdir/results.jsonl" --format "$format" --out "$outdir/summary.$ext"
cat "$outdir/summary.$ext"
grep -q '"status":"\(crashed\|timeout\)"' "$outdir/results.jsonl" && rc=1
exit $rc
