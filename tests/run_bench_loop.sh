#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_bench_loop.sh LOOP - the bare-loop reference of the dma-stream
# workload (tools/bench/dma_stream_loop.c) reproduces the workload's
# reference table (docs/bench.md) for N = 1e6 exactly: cycles, IOTLB hits
# and misses, and both HPA checksums; and refuses a bad argument.
set -u
loop=$1
pass=0; fail=0
declare -A want=(
	[random]="cycles=411609590 hits=976 misses=999024 xor=0x0000000e8d28fa40 hash=0x32e0701ee63da4e5 selfcheck=ok"
	[sequential]="cycles=18249990 hits=984375 misses=15625 xor=0x0000000000000000 hash=0x9eb334136e74a225 selfcheck=ok"
)
for pat in random sequential; do
	got=$("$loop" n=1e6 pattern=$pat | tail -n +2 | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "${want[$pat]}" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $pat 1e6: got '$got'"; echo "    want '${want[$pat]}'"; fi
done
head=$("$loop" n=1e6 pattern=sequential | head -1)
if [ "$head" = "workload=dma-stream pattern=sequential n=1000000 pages=65536 tlb=64 H=2 L=100 levels=4 T=10 seed=1" ]; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: header line '$head'"; fi
for bad in n=0 pattern=zigzag frob=1 pages=x; do
	"$loop" "$bad" >/dev/null 2>&1
	if [ $? -eq 2 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: '$bad' not refused with exit 2"; fi
done
echo "bench loop: $pass passed, $fail failed"
[ $fail -eq 0 ]
