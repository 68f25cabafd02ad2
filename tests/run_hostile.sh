#!/usr/bin/env bash
# run_hostile.sh BIN - inputs built to break tsmsim (docs/robustness.md):
# cycle sums near 2^64, unreadable and endless files, inputs that were
# quadratic to load, sweep plans without bounds, runs without an end,
# platforms that cannot exist, faults that can never act, an explicit 0.
# Each case: expected exit, a substring of stdout+stderr, the arguments;
# every command runs under `timeout` so a hang is a failure, not a stall.
set -u
bin=$1
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CHECK_TIMEOUT=$((2 * ${HOSTILE_TIME_LIMIT:-10}))
. "$(dirname "$0")/check_lib.sh"
platform='scenario: hostile
arch: tdx
platform:
  devices:
    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }
  guests:
    - { name: vm0, confidential: false, memory: 16MiB }'
mk() { printf '%s\n%s\n' "$platform" "$2" >"$tmp/$1.yaml"; }
max=18446744073709551615

# 1. cycle arithmetic: saturate into the watchdog, or refuse at load
mk after "steps:
  - { op: tsm.connect, device: dev0 }
  - { op: tsm.connect, device: dev0, after: $max, expect: any }"
check 1 "limits.max_cycles = 1000000000000000 was reached at cycle 1000000000000000; step 2 (tsm.connect, line 10) had not started yet" run --json "$tmp/after.yaml"
mk at "steps:
  - { op: tsm.connect, device: dev0, at: $max }"
check 65 "at.yaml:9:42: error: at: cycle $max is past limits.max_cycles" run "$tmp/at.yaml"
mk timing "timing: { ioctl: $max }
steps:
  - { op: iommufd.ioas, name: a }"
check 65 "timing.yaml:8:18: error: timing.ioctl = $max cycles is too large" run "$tmp/timing.yaml"
mk fault "steps:
  - { op: tsm.connect, device: dev0 }
faults:
  - { kind: tdisp-busy, at: $max, device: dev0 }"
check 65 "fault.yaml:11:29: error: the tdisp-busy fault can never act: cycle $max is past" run "$tmp/fault.yaml"
mk gap "steps:
  - { op: tsm.connect, device: dev0, label: a }
traffic:
  - { name: t, from: \"guest:vm0\", op: read, gpa: 0, gap: $max, count: 3, start: a }"
check 1 "watchdog" run "$tmp/gap.yaml"
mk start "traffic:
  - { name: t, from: \"guest:vm0\", op: read, gpa: 0, count: 3, start: $max }"
check 65 "start.yaml:9:70: error: start: cycle $max is past limits.max_cycles" lint "$tmp/start.yaml"
# a delay of 2^64-1 must not wrap and finish early: the revoke never completes
sed "s/delay: 500us/delay: $max/" scenarios/corpus/importer-slow-unmap.yaml >"$tmp/slow.yaml"
check 1 "an event was still queued for cycle $max" run --arch tdx "$tmp/slow.yaml"
printf 'base: tdx\ntiming: { fw_call: 2000000s }\n' >"$tmp/prof.yaml"
check 65 "prof.yaml:2:20: error: timing.fw_call = \`2000000s\` is too large" \
	run --arch "$tmp/prof.yaml" scenarios/tdisp/lock-start-stop.yaml

# 2. what is read: regular files only, lines capped, read errors are 66
mkdir "$tmp/dir"; mkfifo "$tmp/fifo"
check 66 "cannot read: Is a directory" run "$tmp/dir"
check 66 "not a regular file" run "$tmp/fifo"
check 66 "not a regular file" lint "$tmp/fifo"
check 66 "not a regular file" run --arch "$tmp/fifo" scenarios/tdisp/lock-start-stop.yaml
check 66 "Is a directory" run --arch "$tmp/dir" scenarios/tdisp/lock-start-stop.yaml
check 66 "not a regular file" merge "$tmp/fifo"
check 66 "not a regular file" merge /dev/zero
check 66 "Is a directory" merge "$tmp/dir"
head -c 1100000 /dev/zero | tr '\0' 'x' >"$tmp/long.jsonl"
check 65 "long.jsonl:1: a line longer than 1048576 bytes" merge "$tmp/long.jsonl"
check 66 "cannot read $tmp/dir" sweep scenarios/tdisp/lock-start-stop.yaml \
	--faults skip-step --out "$tmp/dir" --resume

# 3. inputs that were quadratic to load, each at the 4 MiB file limit
awk 'BEGIN { printf "scenario: x\ndescription: "; for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' >"$tmp/nest.yaml"
check 65 "nest.yaml:2:45: error: nesting deeper than 32 levels" lint "$tmp/nest.yaml"
awk 'BEGIN { printf "scenario: x\nplatform: {a: 1"; for (i = 1; i < 100000; i++) printf ", a: 1"; print "}" }' >"$tmp/dup.yaml"
check 65 "dup.yaml:2:18: error: duplicate key 'a' (first at 2:12)" lint "$tmp/dup.yaml"
awk 'BEGIN { print "scenario: x\nsteps:"; for (i = 0; i < 100000; i++) printf "  - { op: iommufd.ioas, name: i%d }\n", i }' >"$tmp/ioas.yaml"
# Generous bounds: each takes under 1 s plain on an idle machine, and took
# 25-50 s before; an ASan or coverage build is several times slower, so
# make passes HOSTILE_TIME_LIMIT=60 there (quadratic would be minutes).
limit=${HOSTILE_TIME_LIMIT:-10}
for f in nest dup ioas; do
	start=$(date +%s%N)
	timeout "$limit" "$bin" run -q "$tmp/$f.yaml" >/dev/null 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ $rc -ne 124 ] && [ $ms -lt $((limit * 1000)) ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $f.yaml took ${ms} ms (exit $rc)"; fi
done

# 4. a sweep plan is bounded before it is built
vals=$(seq -s, 1 300)
check 2 "more than 10000 combinations" sweep scenarios/tdisp/lock-start-stop.yaml \
	--set seed="$vals" --set clock_mhz="$vals" --faults skip-step

# 5. every run has a watchdog; --timeout bounds the wall clock
mk forever "steps:
  - { op: tsm.connect, device: dev0, label: a }
traffic:
  - { name: t, from: \"guest:vm0\", op: read, gpa: 0, gap: 0, count: 1e15, start: a }"
check 1 "the steps were done and traffic stream 't' (line 11) was still issuing" run --json --timeout 300ms "$tmp/forever.yaml"
check 1 "watchdog" compare --arch tdx --timeout 300ms "$tmp/forever.yaml"
printf 'limits: { max_events: 1000 }\n' >>"$tmp/forever.yaml"
check 1 "limits.max_events = 1000 was reached" run --json "$tmp/forever.yaml"
check 2 "--timeout wants seconds" run --timeout 0 "$tmp/forever.yaml"
mk zero "limits: { max_events: 0, max_cycles: 0 }"
check 65 "zero.yaml:8:23: error: limits.max_events must be at least 1" lint "$tmp/zero.yaml"
check 65 "zero.yaml:8:38: error: limits.max_cycles must be 1..2^63" lint "$tmp/zero.yaml"

# 6. the address map is checked at load
cat >"$tmp/map.yaml" <<'YAML'
scenario: bad-map
platform:
  devices:
    - { name: d0, bars: [ { index: 0, size: 64KiB, hpa: 0x100010000 } ] }
    - { name: d1, bars: [ { index: 0, size: 0x8000000000000000 } ] }
    - { name: d2, bars: [ { index: 0, size: 0x8000000000000000, hpa: 0x8000000000000000 } ] }
  guests:
    - { name: g, memory: 1GiB }
    - { name: h, memory: 1000GiB }
YAML
check 65 "map.yaml:5:45: error: a BAR of 9223372036854775808 bytes does not fit in the MMIO pool" lint "$tmp/map.yaml"
check 65 "map.yaml:6:70: error: BAR 0 at 0x8000000000000000 of 9223372036854775808 bytes reaches 2^64" lint "$tmp/map.yaml"
check 65 "map.yaml:8:26: error: the RAM of guest 'g' (0x100000000-0x13fffffff) overlaps BAR 0 of device 'd0'" lint "$tmp/map.yaml"
check 65 "map.yaml:9:26: error: guest 'h': its 1073741824000 bytes of RAM do not fit" lint "$tmp/map.yaml"

# 7. faults: refused when they can never act, reported when they did not fire
good=scenarios/tdisp/lock-start-stop.yaml
cat >"$tmp/futile.yaml" <<'YAML'
scenario: futile
platform:
  devices:
    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: dev0, label: a }
  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: b }
faults:
  - { kind: skip-step, at: after:b }
  - { kind: swap-steps, at: before:b, with: a }
  - { kind: swap-steps, at: before:a, with: a }
  - { kind: swap-steps, at: after:a }
  - { kind: skip-step, at: during:b#2 }
YAML
check 65 "futile.yaml:9:28: error: the skip-step fault can never act: skip-step at after:b acts on the step after 'b', and it is the last step" lint "$tmp/futile.yaml"
check 65 "futile.yaml:10:29: error: the swap-steps fault can never act: swap-steps: step 'a' has already run when step 2 starts" lint "$tmp/futile.yaml"
check 65 "futile.yaml:11:29: error: the swap-steps fault can never act: swap-steps would swap step 1 with itself" lint "$tmp/futile.yaml"
check 65 "futile.yaml:12:29: error: the swap-steps fault can never act: swap-steps would swap step 2 with itself" lint "$tmp/futile.yaml"
check 65 "futile.yaml:13:28: error: the skip-step fault can never act: skip-step at during:b#2 acts on the step after 'b'" lint "$tmp/futile.yaml"
check 65 "the swap-steps fault can never act" run --inject swap-steps@after:lock "$good"
check 0 "fault tdisp-busy at during:lock#9 (--inject) did not fire" run --arch tdx \
	--inject tdisp-busy@during:lock#9 "$good"
check 0 '"kind":"tdisp-busy","at":"during:lock#9","line":0,"fired":false' run --json --arch tdx \
	--inject tdisp-busy@during:lock#9 "$good"
check 0 '"fired":true' sweep "$good" --arch tdx --faults tdisp-busy --points before:lock

# 8. an explicit 0 is a value or an error, never the default; bytes by position
mk size0 "steps:
  - { op: vfio.dmabuf, device: dev0, bar: 0, flavor: shared, name: sh0, size: 0 }"
check 65 "size0.yaml:9:79: error: expected a size, got '0': 0 is not a value here" lint "$tmp/size0.yaml"
printf 'scenario: x\ndescription: "ab\xff"\n' >"$tmp/utf.yaml"
check 65 "utf.yaml:2:17: error: YAML syntax: invalid leading UTF-8 octet" lint "$tmp/utf.yaml"
printf 'scenario: x\ndescription: ab\0c\n' >"$tmp/nul.yaml"
check 65 "nul.yaml:2:16: error: YAML syntax: control characters are not allowed" lint "$tmp/nul.yaml"
printf 'base: tdx\n---\nbase: sev\n' >"$tmp/twodoc.yaml"
check 65 "twodoc.yaml:2:1: error: a profile file holds one YAML document" run --arch "$tmp/twodoc.yaml" "$good"
printf 'base: !!binary tdx\n' >"$tmp/tag.yaml"
check 65 "tag.yaml:1:7: error: YAML tags are not supported in a profile" run --arch "$tmp/tag.yaml" "$good"
head -c 4200000 /dev/zero | tr '\0' '#' | sed '1s/^/base: tdx\n/' >"$tmp/big.yaml"
check 65 "big.yaml:1:1: error: the profile is larger than 4194304 bytes" run --arch "$tmp/big.yaml" "$good"
printf 'scenario: empty\n' >"$tmp/empty.yaml"
check 0 "result on tdx: PASS" run "$tmp/empty.yaml" --vcd "$tmp/empty.vcd"
echo "hostile: $pass passed, $fail failed"
[ $fail -eq 0 ]
