#!/usr/bin/env bash
# sweep-slurm.sh - submit a tsmsim sweep as a Slurm job array plus a merge
# job that runs after it (afterany: a failed task still gets merged, and
# merge lists what is missing).  docs/scale-out.md explains it.
#
#   tools/scaleout/sweep-slurm.sh [--array SPEC] [--wait] [--tsmsim BIN]
#       [--format text|md|html|json] [--sbatch OPTION]... OUTDIR FILE
#       [SWEEP OPTIONS..]
#
# SPEC is sbatch's --array (default 0-7; a range with an optional :STEP
# and %LIMIT).  Results: OUTDIR/shard-ID.jsonl, OUTDIR/results.jsonl (the
# merged lines, byte-identical to an unsharded sweep), OUTDIR/summary.*.
# --wait blocks until the merge job ended and prints the summary.  Prints
# the two job ids otherwise.  Exit: 0, 1 the merge found points missing,
# 2 bad usage, or what sbatch returned.
set -euo pipefail
array=0-7 wait=0 bin= format=text sb=()
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--array) array=$2; shift 2 ;;
	--wait) wait=1; shift ;;
	--tsmsim) bin=$2; shift 2 ;;
	--format) format=$2; shift 2 ;;
	--sbatch) sb+=("$2"); shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "sweep-slurm.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
outdir=$1 file=$2
shift 2
# a list of ids (1,4,9) is a sparse array: refused here rather than by
# every task
case $array in
*,*) echo "sweep-slurm.sh: --array $array is sparse; give a range A-B[:STEP][%LIMIT]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
bin=${bin:-$(cd "$here/../.." && pwd)/build/tsmsim}
[ -x "$bin" ] || { echo "sweep-slurm.sh: no tsmsim at $bin (make, or --tsmsim BIN)" >&2; exit 2; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
jid=$(sbatch --parsable "${sb[@]}" --array="$array" --chdir="$(pwd)" \
	--output="$outdir/slurm-%A_%a.out" --export=ALL,TSMSIM="$bin" \
	"$here/sweep.sbatch" "$outdir" "$file" "$@")
jid=${jid%%;*}
waitopt=()
[ $wait = 1 ] && waitopt=(--wait)
mid=$(sbatch --parsable "${sb[@]}" "${waitopt[@]}" --dependency=afterany:"$jid" \
	--chdir="$(pwd)" --output="$outdir/slurm-merge-%j.out" \
	--export=ALL,TSMSIM="$bin" "$here/sweep.sbatch" --merge "$outdir" "$format") || {
	rc=$?
	[ $wait = 1 ] && cat "$outdir"/slurm-merge-*.out >&2
	exit $rc
}
if [ $wait = 0 ]; then
	echo "array job $jid, merge job ${mid%%;*}: results in $outdir"
	exit 0
fi
ext=$format; [ "$format" = text ] && ext=txt
cat "$outdir/summary.$ext"
