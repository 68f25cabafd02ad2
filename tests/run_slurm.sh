#!/usr/bin/env bash
# run_slurm.sh BIN - `make test-slurm`: a single-node Slurm on this
# machine, for real.  As root it starts munged (its own key and socket
# under build/slurm), slurmctld and slurmd (foreground, an absolute -f
# build/slurm/slurm.conf: proctrack/linuxproc, task/none, SlurmUser=root,
# state under build/slurm, this host's `hostname -s` as the node), submits
# a stepped job array (--array=0-6:2) through tools/scaleout/sweep-slurm.sh,
# waits, and compares the merged result with the unsharded sweep byte for
# byte; a sparse array must be refused.  Then it stops the daemons it
# started, by PID (also on failure or interrupt: trap).
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$here/build/slurm
host=$(hostname -s)
limit=${SLURM_TEST_TIMEOUT:-300}
fail() { echo "test-slurm: FAIL: $*"; for f in "$dir"/*.log; do echo "--- $f"; tail -5 "$f"; done; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-slurm: needs root (it starts munged, slurmctld and slurmd)"; exit 1; }
for t in munged slurmctld slurmd sbatch sinfo; do
	command -v $t >/dev/null || PATH=$PATH:/usr/sbin
	command -v $t >/dev/null || { echo "test-slurm: $t missing (apt-get install slurm-wlm munge)"; exit 1; }
done
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$dir"
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/out"
chmod 755 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
sock=$dir/munge/munge.socket
munged -F -f --socket="$sock" --key-file="$dir/munge/munge.key" \
	--pid-file="$dir/munge/munged.pid" --log-file="$dir/munged.log" \
	--seed-file="$dir/munge/munged.seed" 2>"$dir/munged.stderr" &
pids+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "munged did not start"
# ports of their own, so a system Slurm on the defaults is left alone
cat >"$dir/slurm.conf" <<CONF
ClusterName=tsmsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
PlugStackConfig=$dir/plugstack.conf
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
: >"$dir/plugstack.conf"
export SLURM_CONF=$dir/slurm.conf
slurmctld -D -i -f "$dir/slurm.conf" >"$dir/slurmctld.stdout" 2>&1 &
pids+=($!)
slurmd -D -f "$dir/slurm.conf" >"$dir/slurmd.stdout" 2>&1 &
pids+=($!)
state=
for _ in $(seq 300); do
	state=$(timeout 5 sinfo -h -N -o %T 2>/dev/null | head -1)
	[ "$state" = idle ] && break
	sleep 0.2
done
[ "$state" = idle ] || fail "the node is '$state', not idle, after 60 s"
echo "test-slurm: slurmctld, slurmd and munged up (node $host idle)"
scn=$here/scenarios/seed/two-dmabuf.yaml
args=(--arch tdx,sev --faults tdisp-busy,drop-invalidation,device-flr)
cd "$dir/out"
"$bin" sweep "$scn" "${args[@]}" --jobs 2 --out "$dir/out/all.jsonl" >/dev/null 2>&1 ||
	fail "the unsharded sweep failed"
# --jobs 2 writes in completion order; merge sorts by point
"$bin" merge "$dir/out/all.jsonl" --out "$dir/out/unsharded.jsonl" || fail "merge of the unsharded sweep"
timeout "$limit" "$here/tools/scaleout/sweep-slurm.sh" --tsmsim "$bin" --array 0-6:2 --wait \
	"$dir/out/stepped" "$scn" "${args[@]}" >"$dir/out/summary.stdout" 2>&1 ||
	{ cat "$dir/out/summary.stdout"; fail "sweep-slurm.sh --array 0-6:2 failed or timed out"; }
[ "$(ls "$dir"/out/stepped/shard-*.jsonl | wc -l)" = 4 ] || fail "not 4 shard files"
cmp -s "$dir/out/unsharded.jsonl" "$dir/out/stepped/results.jsonl" ||
	fail "the merged stepped array differs from the unsharded sweep"
grep -q 'tsmsim sweep summary' "$dir/out/summary.stdout" || fail "no summary printed"
echo "test-slurm: --array=0-6:2 merged byte for byte into the unsharded result"
# a sparse array: each task refuses (exit 2) and says why
jid=$(sbatch --parsable --wait --array=1,4,9 --output="$dir/out/sparse-%a.out" \
	--export=ALL,TSMSIM="$bin" "$here/tools/scaleout/sweep.sbatch" \
	"$dir/out/sparse" "$scn" "${args[@]}" 2>/dev/null)
grep -q 'the Slurm array is sparse' "$dir/out/sparse-4.out" ||
	fail "a sparse array was not refused (job $jid)"
echo "test-slurm: a sparse array (--array=1,4,9) is refused"
echo "test-slurm: passed"
