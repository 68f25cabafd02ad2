#!/usr/bin/env bash
# seeds.sh DIR - fuzz seeds at the scenario loader's limits, which the
# bundled scenarios never reach: nesting of 32 and 33 levels (block and
# flow), 100 and 101 alias uses, a mapping of 4000 keys, a list of 4000
# steps, and every top-level section with a value of each YAML kind.
set -eu
d=${1:?usage: seeds.sh DIR}
mkdir -p "$d"
for n in 32 33; do
	awk -v n=$n 'BEGIN { printf "scenario: deep\ndescription: "; for (i = 1; i < n; i++) printf "["; for (i = 1; i < n; i++) printf "]"; print "" }' >"$d/flow-$n.yaml"
	awk -v n=$n 'BEGIN { print "scenario: deep\nplatform:"; for (i = 2; i < n; i++) { for (j = 0; j < i; j++) printf " "; print "a:" } }' >"$d/block-$n.yaml"
done
for n in 100 101; do
	awk -v n=$n 'BEGIN { print "scenario: alias\nplatform:\n  devices:\n    - &d { name: dev0, bars: [ { index: 0, size: 64KiB } ] }\nsteps:"; for (i = 0; i < n; i++) print "  - { op: tsm.connect, device: *d }" }' >"$d/alias-$n.yaml"
done
awk 'BEGIN { printf "scenario: keys\ntiming: {"; for (i = 0; i < 4000; i++) printf "%sk%d: 1", i ? ", " : "", i; print "}" }' >"$d/keys.yaml"
awk 'BEGIN { print "scenario: many\nplatform:\n  devices: [ { name: d, bars: [ { index: 0, size: 64KiB } ] } ]\nsteps:"; for (i = 0; i < 4000; i++) printf "  - { op: iommufd.ioas, name: i%d }\n", i }' >"$d/steps.yaml"
cat >"$d/kinds.yaml" <<'YAML'
scenario: kinds
arch: [tdx, sev, cca]
seed: 18446744073709551615
clock_mhz: 100000
timing: { ioctl: 281474976710656, fw_call: 1us }
limits: { max_cycles: 9223372036854775808, max_events: 1e9 }
platform:
  iommu: { iotlb_entries: 1, iotlb_ways: 1, levels: 5, page_size: 1GiB }
  devices:
    - { name: d0, bdf: "0000:ff:1f.7", bars: [ { index: 5, size: 0x4000000000000000, hpa: 0x8000000000000000 } ], msix: { bar: 5, offset: 0, size: 4KiB }, ide: false }
  guests:
    - { name: g, confidential: false, memory: 4KiB }
steps:
  - { op: tsm.connect, device: d0, after: 18446744073709551615, label: a, expect: any }
traffic:
  - { name: t, from: "device:d0", op: dma_write, iova: 0, size: 4096, span: 1GiB, pattern: random, gap: 18446744073709551615, count: 1e6, start: a }
faults:
  - { kind: importer-slow-unmap, at: before:a, importer: kvm, delay: 18446744073709551615 }
  - { kind: delay-invalidation, at: 0, delay: 18446744073709551615 }
expect:
  findings: { watchdog: ">=0" }
YAML
