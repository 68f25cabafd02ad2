// SPDX-License-Identifier: MIT
/*
 * check_loader.c - the scenario loader (tools/load/scenario.c, tools/load/ops.c):
 * units, every section and op, defaults, diagnostics with positions and
 * --set.  The caps that keep hostile YAML cheap: check_loader_caps.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "run.h"
#include "host.h"
#include "load.h"
#include "sim.h"

#include "loader_fixture.h"

static const char full_yaml[] =
	"scenario: full-coverage\n"
	"description: every op and every key\n"
	"arch: [tdx, sev, cca]\n"
	"seed: 7\n"
	"clock_mhz: 1000\n"
	"timing: { iotlb_inval: 2us, doe_roundtrip: 1500 }\n"
	"limits: { max_cycles: 100ms, max_events: 1e9 }\n"
	"platform:\n"
	"  iommu: { iotlb_entries: 64, iotlb_ways: 16, levels: 5, page_size: 2MiB }\n"
	"  devices:\n"
	"    - name: nic0\n"
	"      bdf: \"0000:3a:00.0\"\n"
	"      pf: null\n"
	"      bars:\n"
	"        - { index: 0, size: 64KiB, hpa: 0x3900000000 }\n"
	"        - { index: 2, size: 16KiB, non_tee: true, prefetch: false }\n"
	"      msix: { bar: 2, offset: 0, size: 4KiB }\n"
	"      ide: true\n"
	"    - name: vf0\n"
	"      pf: nic0\n"
	"      bars: [ { index: 0, size: 0x4000 } ]\n"
	"      ide: false\n"
	"  guests:\n"
	"    - { name: td0, confidential: true, memory: 2GiB, gpaw: 52 }\n"
	"    - { name: vm1, confidential: false, ipa_bits: 40 }\n"
	"steps:\n"
	"  - { op: tsm.connect, device: nic0, ide: true, label: conn }\n"
	"  - { op: tsm.policy, device: nic0, on_illegal: fail-closed }\n"
	"  - { op: vfio.dmabuf, device: nic0, bar: 0, offset: 0, size: 32KiB, flavor: shared, name: sh0 }\n"
	"  - { op: vfio.mmap, device: nic0, bar: 0, name: m0 }\n"
	"  - { op: kvm.map, guest: td0, dmabuf: sh0, gpa: 0x80000000, private: false, populate: eager, page_size: 4KiB, static: false }\n"
	"  - { op: iommufd.ioas, name: a }\n"
	"  - { op: iommufd.ioas, name: b }\n"
	"  - { op: iommufd.attach, device: nic0, to: a }\n"
	"  - { op: iommufd.map, ioas: a, size: 1MiB, guest: td0, gpa: 0, page_size: 4KiB, name: ram0 }\n"
	"  - { op: iommufd.map, ioas: a, iova: 0x200000, size: 1MiB, guest: td0, gpa: 0x100000 }\n"
	"  - { op: iommufd.map_dmabuf, ioas: a, dmabuf: sh0, iova: 0x40000000, offset: 0, size: 32KiB, page_size: 4KiB, static: false }\n"
	"  - { op: iommufd.copy, src: a, dst: b, src_iova: 0x200000, dst_iova: 0x200000, size: 1MiB }\n"
	"  - { op: iommufd.allow_iovas, ioas: b, ranges: [ { iova: 0, size: 1GiB } ] }\n"
	"  - { op: iommufd.reserve, ioas: b, iova: 0xfee00000, size: 1MiB }\n"
	"  - { op: iommufd.hwpt, name: h0, ioas: a, device: nic0, nest_parent: true }\n"
	"  - { op: iommufd.hwpt, name: h1, parent: h0, device: nic0 }\n"
	"  - { op: iommufd.replace, device: nic0, to: h0 }\n"
	"  - { op: iommufd.invalidate, hwpt: h1, entries: [ { iova: 0, size: 4KiB }, { all: true } ] }\n"
	"  - { op: iommufd.viommu, name: v0, hwpt: h0, device: nic0 }\n"
	"  - { op: iommufd.vdevice, name: vd0, viommu: v0, device: nic0, virt_id: 1 }\n"
	"  - { op: host.read, mapping: m0, offset: 0, size: 4 }\n"
	"  - { op: host.write, mapping: m0, offset: 8, size: 4, value: 0xdead, expect: [ok, ur] }\n"
	"  - { op: vfio.region_read, device: nic0, bar: 0, offset: 0x40, size: 8 }\n"
	"  - { op: vfio.region_write, device: nic0, bar: 2, offset: 0x10, size: 2, value: 3 }\n"
	"  - { op: guest.read, guest: td0, gpa: 0x80000000, private: false, size: 8 }\n"
	"  - { op: guest.write, guest: td0, gpa: 0x80000000, private: false, size: 8, value: 1 }\n"
	"  - { op: device.dma, device: nic0, iova: 0x200000, size: 64, write: true, tee: false }\n"
	"  - { op: iommufd.unmap, ioas: a, area: ram0, label: unmap-ram }\n"
	"  - { op: iommufd.unmap, ioas: a, iova: 0x200000, size: 1MiB }\n"
	"  - op: assert\n"
	"    last: { unmapped: 1MiB, iova: { aligned: \">=8KiB\" } }\n"
	"  - { op: vfio.munmap, name: m0, device: nic0, bar: 0 }\n"
	"  - { op: tsm.bind, device: nic0, guest: td0, label: bind, after: 10us }\n"
	"  - op: device.tdisp\n"
	"    device: nic0\n"
	"    request: LOCK_INTERFACE_REQUEST\n"
	"    nonce: valid\n"
	"    flags: 0x4\n"
	"    stream_id: 0\n"
	"    mmio_reporting_offset: 0\n"
	"    bind_p2p_address_mask: 0\n"
	"    expect: [ok, INVALID_INTERFACE_STATE]\n"
	"  - { op: device.tdisp, device: nic0, request: GET_DEVICE_INTERFACE_REPORT, offset: 0, length: 0x400 }\n"
	"  - op: assert\n"
	"    state: { nic0: CONFIG_LOCKED }\n"
	"    response: { PORTION_LENGTH: \">0\", REMAINDER_LENGTH: 0 }\n"
	"    report: { ranges: [ { bar: 0, pages: 16, non_tee: false, msix: false } ] }\n"
	"    translate:\n"
	"      - { ioas: a, iova: 0x40000000, to: { device: nic0, bar: 0, offset: 0 } }\n"
	"      - { guest: td0, gpa: 0x80000000, private: true, to: { device: nic0, bar: 0 } }\n"
	"      - { guest: td0, gpa: 0x90000000, private: false, to: none }\n"
	"  - { op: vfio.dmabuf, device: nic0, bar: 0, flavor: private, name: pr0 }\n"
	"  - { op: kvm.map, guest: td0, dmabuf: pr0, gpa: 0x80000000, private: true }\n"
	"  - { op: guest.validate, guest: td0, device: nic0, bar: 0 }\n"
	"  - { op: guest.start, guest: td0, device: nic0 }\n"
	"  - { op: guest.accept, guest: td0, device: nic0, label: accept, at: 1ms }\n"
	"  - { op: guest.tdisp, guest: td0, device: nic0, request: STOP_INTERFACE, expect: any }\n"
	"  - { op: vfio.config_write, device: nic0, reg: command.mse, value: 0 }\n"
	"  - { op: device.ide, device: nic0, state: insecure, expect: [ok] }\n"
	"  - { op: vfio.dmabuf_flavor, name: sh0, flavor: private }\n"
	"  - { op: vfio.dmabuf_revoke, name: sh0 }\n"
	"  - { op: vfio.dmabuf_unrevoke, name: sh0, expect: EBUSY }\n"
	"  - { op: kvm.unmap, guest: td0, dmabuf: pr0, gpa: 0x80000000, private: true }\n"
	"  - { op: vfio.dmabuf_close, name: sh0 }\n"
	"  - { op: iommufd.detach, device: nic0 }\n"
	"  - { op: iommufd.destroy, name: vd0 }\n"
	"  - { op: vfio.reset, device: vf0, expect: TDX_OPERAND_BUSY }\n"
	"  - { op: tsm.unbind, device: nic0, label: unbind }\n"
	"  - { op: tsm.disconnect, device: nic0 }\n"
	"  - { op: vm.destroy, guest: vm1, label: end }\n"
	"traffic:\n"
	"  - name: mmio-poll\n"
	"    from: guest:td0\n"
	"    op: read\n"
	"    gpa: 0x80000000\n"
	"    private: true\n"
	"    span: 64KiB\n"
	"    size: 64\n"
	"    pattern: random\n"
	"    gap: 10ns\n"
	"    count: 1e6\n"
	"    start: 0\n"
	"  - { name: dma, from: \"device:nic0\", op: dma_write, iova: 0x200000, until: unbind, start: bind }\n"
	"  - { name: host, from: \"host:m0\", op: write, offset: 0, size: 4, span: 4KiB, pattern: fixed, count: 10 }\n"
	"faults:\n"
	"  - { kind: drop-invalidation, at: \"after:unmap-ram\", count: 2 }\n"
	"  - { kind: delay-invalidation, at: 5000, delay: 2us }\n"
	"  - { kind: tdisp-drop, at: \"before:bind\", device: nic0 }\n"
	"  - { kind: tdisp-busy, at: \"before:bind\", count: 3 }\n"
	"  - { kind: tdisp-error, at: \"during:bind#2\", error: INVALID_NONCE }\n"
	"  - { kind: nonce-corrupt, at: \"before:accept\" }\n"
	"  - { kind: ide-insecure, at: \"after:accept\", device: nic0 }\n"
	"  - { kind: device-flr, at: 1ms, device: vf0 }\n"
	"  - { kind: link-down, at: \"after:bind\", device: nic0 }\n"
	"  - { kind: hot-unplug, at: \"before:end\", device: vf0 }\n"
	"  - { kind: importer-ignores-revoke, at: \"before:unbind\", importer: \"kvm:td0\" }\n"
	"  - { kind: importer-slow-unmap, at: \"before:unbind\", importer: iommufd, delay: 1ms }\n"
	"  - { kind: skip-step, at: \"before:conn\" }\n"
	"  - { kind: swap-steps, at: \"before:bind\", with: accept }\n"
	"  - { kind: guest-access, at: \"after:unbind\", guest: td0, gpa: 0x80000000, private: true, write: true, size: 8 }\n"
	"  - { kind: firmware-error, at: \"during:bind#1\", call: TDH.DEVIF.CREATE, error: TDX_OPERAND_BUSY }\n"
	"expect:\n"
	"  findings: { mce: 0, access-error: \">=1\", data-loss: any, latent-mce: \"<=2\" }\n"
	"  hitless: [ { from: bind, to: accept, range: { device: nic0, bar: 0 } }, { from: conn, to: end, range: { guest: td0, gpa: 0x80000000, size: 4KiB } }, { from: conn, to: bind, range: { iova: 0x200000, size: 64KiB } } ]\n"
	"  allow: [ { from: bind, to: unbind, results: [fault, retried] } ]\n"
	"  state: { nic0: CONFIG_UNLOCKED }\n"
	"  per_arch:\n"
	"    sev: { findings: { latent-mce: any }, state: { nic0: RUN } }\n"
	"    cca: { allow: [ { from: conn, to: end, results: [ur] } ] }\n";

/* ------------------------------------------------------------- units */

START_TEST(duration_units)
{
	const char *why = NULL;
	uint64_t c = 0;

	ck_assert_int_eq(scn_parse_duration("100", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 100);
	ck_assert_int_eq(scn_parse_duration("1e3", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 1000);
	ck_assert_int_eq(scn_parse_duration("1ns", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 2);
	ck_assert_int_eq(scn_parse_duration("2us", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 4000);
	ck_assert_int_eq(scn_parse_duration("3ms", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 6000000);
	ck_assert_int_eq(scn_parse_duration("2.5us", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, 5000);
	/* rounded up: 0.3 ns at 1 GHz is 0.3 cycles -> 1 */
	ck_assert_int_eq(scn_parse_duration("0.3ns", 1000, &c, &why), 0);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(scn_parse_duration("1.0001ns", 1000, &c, &why), 0);
	ck_assert_uint_eq(c, 2);
	ck_assert_int_eq(scn_parse_duration("1ns", 1, &c, &why), 0);
	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(scn_parse_duration("7ns", 1000, &c, &why), 0);
	ck_assert_uint_eq(c, 7);
	ck_assert_int_eq(scn_parse_duration("18446744073709551615", 2000, &c, &why), 0);
	ck_assert_uint_eq(c, UINT64_MAX);
}
END_TEST

START_TEST(duration_errors)
{
	static const char *const bad[] = {
		"2.5", "10s", "10 ns", "-1", "ns", "", "1.ns", "1e-3",
		"18446744073709551616", "10000000000000ms", "0x10", "5ps",
		"1nss",
	};
	const char *why = NULL;
	uint64_t c = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(scn_parse_duration(bad[i], 100000, &c, &why) == -EINVAL,
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	ck_assert_int_eq(scn_parse_duration("10000000000000ms", 100000, &c, &why), -EINVAL);
	ck_assert_str_eq(why, "does not fit in 64 bits");
}
END_TEST

START_TEST(size_units)
{
	static const struct { const char *t; uint64_t v; } ok[] = {
		{ "4096", 4096 }, { "0x1000", 4096 }, { "0XfF", 255 },
		{ "64KiB", 65536 }, { "2MiB", 2u << 20 }, { "1GiB", 1u << 30 },
		{ "1.5KiB", 1536 }, { "0", 0 },
		{ "0xffffffffffffffff", UINT64_MAX },
		{ "16777215GiB", 16777215ull << 30 },
	};
	static const char *const bad[] = {
		"64KB", "64kB", "1MB", "2G", "0.1KiB", "0x", "0xg1", "1.5",
		"0x10000000000000000", "17179869184GiB", "-4", "4 KiB", "1TiB",
		"1e3",
	};
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(!scn_parse_size(ok[i].t, &v, &why), "'%s'", ok[i].t);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(scn_parse_size(bad[i], &v, &why) == -EINVAL,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(scn_parse_size("64KB", &v, &why), -EINVAL);
	ck_assert_str_eq(why, "use the binary units KiB, MiB or GiB");
}
END_TEST

START_TEST(count_units)
{
	static const struct { const char *t; uint64_t v; } ok[] = {
		{ "12", 12 }, { "1e6", 1000000 }, { "1E6", 1000000 },
		{ "1.5e3", 1500 }, { "2.50e1", 25 }, { "1e+2", 100 },
		{ "1e19", 10000000000000000000ull }, { "0", 0 },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const char *const bad[] = {
		"1e-1", "1.5", "1.55e1", "abc", "", "1e20", "-3", "0x10",
		"1e", "1.e3", "18446744073709551616", "1e6x", "2e19",
	};
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(!scn_parse_count(ok[i].t, &v, &why), "'%s'", ok[i].t);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(scn_parse_count(bad[i], &v, &why) == -EINVAL,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(count_constraints)
{
	struct scn_count c;
	const char *why;
	char buf[32];

	ck_assert_int_eq(scn_count_parse(">=2", &c, &why), 0);
	ck_assert_int_eq(c.cmp, SCN_CMP_GE);
	ck_assert(!scn_count_holds(&c, 1) && scn_count_holds(&c, 2));
	ck_assert_str_eq(scn_count_str(&c, buf, sizeof(buf)), ">=2");
	ck_assert_int_eq(scn_count_parse("any", &c, &why), 0);
	ck_assert(scn_count_holds(&c, 12345));
	ck_assert_str_eq(scn_count_str(&c, buf, sizeof(buf)), "any");
	ck_assert_int_eq(scn_count_parse("==3", &c, &why), 0);
	ck_assert(scn_count_holds(&c, 3) && !scn_count_holds(&c, 4));
	ck_assert_str_eq(scn_count_str(&c, buf, sizeof(buf)), "3");
	ck_assert_int_eq(scn_count_parse("<1e3", &c, &why), 0);
	ck_assert(scn_count_holds(&c, 999) && !scn_count_holds(&c, 1000));
	ck_assert_int_eq(scn_count_parse(">0", &c, &why), 0);
	ck_assert(!scn_count_holds(&c, 0) && scn_count_holds(&c, 1));
	ck_assert_int_eq(scn_count_parse("<=32KiB", &c, &why), 0);
	ck_assert_uint_eq(c.n, 32768);
	ck_assert(scn_count_holds(&c, 32768) && !scn_count_holds(&c, 32769));
	c.cmp = SCN_CMP_NONE;
	ck_assert(scn_count_holds(&c, 0) && !scn_count_holds(&c, 1));
	ck_assert_str_eq(scn_count_str(&c, buf, sizeof(buf)), "0");
	ck_assert_int_eq(scn_count_parse("<0", &c, &why), -EINVAL);
	ck_assert_int_eq(scn_count_parse("=>1", &c, &why), -EINVAL);
	ck_assert_int_eq(scn_count_parse("some", &c, &why), -EINVAL);
}
END_TEST

START_TEST(points)
{
	struct scn_point pt;
	const char *why;

	ck_assert_int_eq(scn_parse_point("before:bind", 2000, &pt, &why), 0);
	ck_assert_int_eq(pt.kind, SCN_PT_BEFORE);
	ck_assert_str_eq(pt.label, "bind");
	free(pt.label);
	ck_assert_int_eq(scn_parse_point("during:x.y#3", 2000, &pt, &why), 0);
	ck_assert_int_eq(pt.kind, SCN_PT_DURING);
	ck_assert_str_eq(pt.label, "x.y");
	ck_assert_uint_eq(pt.k, 3);
	free(pt.label);
	ck_assert_int_eq(scn_parse_point("1us", 2000, &pt, &why), 0);
	ck_assert_int_eq(pt.kind, SCN_PT_CYCLE);
	ck_assert_uint_eq(pt.cycle, 2000);
	ck_assert_ptr_null(pt.label);
	ck_assert_int_eq(scn_parse_point("during:bind", 2000, &pt, &why), -EINVAL);
	ck_assert_int_eq(scn_parse_point("during:bind#0", 2000, &pt, &why), -EINVAL);
	ck_assert_int_eq(scn_parse_point("after:bind#2", 2000, &pt, &why), -EINVAL);
	ck_assert_int_eq(scn_parse_point("after:", 2000, &pt, &why), -EINVAL);
	ck_assert_int_eq(scn_parse_point("whenever", 2000, &pt, &why), -EINVAL);
}
END_TEST

/* ----------------------------------------------------- valid scenarios */

static struct scenario *load_ok(const char *text)
{
	struct scenario *scn = NULL;
	struct scn_diags d;
	int rc = load(text, NULL, 0, &scn, &d);

	ck_assert_msg(rc == 0, "rc %d, first: %s", rc, d.n ? d.d[0].msg : "-");
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_nonnull(scn);
	scn_diags_free(&d);
	return scn;
}

static const struct scn_step *find_op(const struct scenario *scn,
				      const char *op, size_t nth)
{
	size_t i;

	for (i = 0; i < scn->nsteps; i++)
		if (!strcmp(scn->steps[i].opname, op) && !nth--)
			return &scn->steps[i];
	return NULL;
}

START_TEST(full_top_and_platform)
{
	struct scenario *scn = load_ok(full_yaml);
	const struct scn_platform *pl = &scn->platform;

	ck_assert_str_eq(scn->name, "full-coverage");
	ck_assert_str_eq(scn->description, "every op and every key");
	ck_assert_uint_eq(scn->narches, 3);
	ck_assert_str_eq(scn->arches[2], "cca");
	ck_assert_uint_eq(scn->seed, 7);
	ck_assert_uint_eq(scn->clock_mhz, 1000);
	ck_assert_uint_eq(scn->ntiming, 2);
	ck_assert_str_eq(scn->timing[0].key, "iotlb_inval");
	ck_assert_uint_eq(scn->timing[0].cycles, 2000);
	ck_assert_uint_eq(scn->timing[1].cycles, 1500);
	ck_assert_uint_eq(scn->max_cycles, 100000000);
	ck_assert_uint_eq(scn->max_events, 1000000000);
	ck_assert_uint_eq(pl->iommu.iotlb_entries, 64);
	ck_assert_uint_eq(pl->iommu.iotlb_ways, 16);
	ck_assert_uint_eq(pl->iommu.levels, 5);
	ck_assert_uint_eq(pl->iommu.page_size, 2u << 20);
	ck_assert_uint_eq(pl->ndevices, 2);
	ck_assert_str_eq(pl->devices[0].bdf, "0000:3a:00.0");
	ck_assert_ptr_null(pl->devices[0].pf);
	ck_assert_uint_eq(pl->devices[0].nbars, 2);
	ck_assert_uint_eq(pl->devices[0].bars[0].hpa, 0x3900000000ull);
	ck_assert_uint_eq(pl->devices[0].bars[1].index, 2);
	ck_assert_uint_eq(pl->devices[0].bars[1].size, 16384);
	ck_assert(pl->devices[0].bars[1].non_tee);
	ck_assert(pl->devices[0].has_msix);
	ck_assert_uint_eq(pl->devices[0].msix_bar, 2);
	ck_assert_uint_eq(pl->devices[0].msix_size, 4096);
	ck_assert(pl->devices[0].ide);
	ck_assert_str_eq(pl->devices[1].pf, "nic0");
	ck_assert(!pl->devices[1].ide);
	ck_assert_uint_eq(pl->devices[1].pos.line, 19);
	ck_assert_uint_eq(pl->nguests, 2);
	ck_assert_uint_eq(pl->guests[0].memory, 2ull << 30);
	ck_assert_uint_eq(pl->guests[0].gpaw, 52);
	ck_assert(!pl->guests[1].confidential);
	ck_assert_uint_eq(pl->guests[1].memory, 1ull << 30);
	ck_assert_uint_eq(pl->guests[1].ipa_bits, 40);
	scn_free(scn);
}
END_TEST

START_TEST(full_steps)
{
	struct scenario *scn = load_ok(full_yaml);
	const struct scn_step *st;
	const struct scn_value *v, *t;
	size_t i;

	ck_assert_uint_eq(scn->nsteps, 54);
	for (i = 0; i < scn_nops; i++)
		ck_assert_msg(find_op(scn, scn_ops[i].name, 0), "op %s unused",
			      scn_ops[i].name);
	st = &scn->steps[0];
	ck_assert_int_eq(st->op, SCN_OPID_TSM_CONNECT);
	ck_assert_str_eq(st->label, "conn");
	ck_assert_uint_eq(st->pos.line, 27);
	ck_assert_int_eq(st->start, SCN_START_NEXT);
	ck_assert_ptr_null(st->expect);
	ck_assert(!st->expect_any);
	v = scn_get(&st->fields, "ide");
	ck_assert_int_eq(v->type, SCN_BOOL);
	ck_assert(v->b);
	st = &scn->steps[2];
	ck_assert_str_eq(st->opname, "vfio.dmabuf");
	ck_assert_uint_eq(scn_get_u64(&st->fields, "size", 0), 32768);
	ck_assert_str_eq(scn_get_str(&st->fields, "flavor", ""), "shared");
	ck_assert_uint_eq(scn_get(&st->fields, "size")->pos.line, 29);
	ck_assert_uint_eq(scn_get(&st->fields, "size")->pos.col, 63);
	st = &scn->steps[scn_label_index(scn, "bind")];
	ck_assert_int_eq(st->start, SCN_START_AFTER);
	ck_assert_uint_eq(st->start_cycles, 10000);
	st = &scn->steps[scn_label_index(scn, "accept")];
	ck_assert_int_eq(st->start, SCN_START_AT);
	ck_assert_uint_eq(st->start_cycles, 1000000);
	ck_assert_int_eq(scn_label_index(scn, "nope"), -1);
	st = find_op(scn, "device.tdisp", 0);
	ck_assert_str_eq(scn_get_str(&st->fields, "request", ""), "LOCK_INTERFACE");
	ck_assert_uint_eq(scn_get_u64(&st->fields, "flags", 0), 4);
	ck_assert_uint_eq(st->nexpect, 2);
	ck_assert_str_eq(st->expect[1], "INVALID_INTERFACE_STATE");
	ck_assert(find_op(scn, "guest.tdisp", 0)->expect_any);
	st = find_op(scn, "vfio.region_write", 0);
	ck_assert_uint_eq(scn_get_u64(&st->fields, "size", 0), 2);
	ck_assert_uint_eq(scn_get_u64(&st->fields, "value", 0), 3);
	ck_assert_str_eq(find_op(scn, "vfio.reset", 0)->expect[0], "TDX_OPERAND_BUSY");
	/* assert: last */
	st = find_op(scn, "assert", 0);
	v = scn_get(&st->fields, "last");
	ck_assert_str_eq(scn_get_str(v, "unmapped", ""), "1048576");
	ck_assert_str_eq(scn_get_str(scn_get(v, "iova"), "aligned", ""), ">=8192");
	ck_assert_uint_eq(scn_get(scn_get(v, "iova"), "aligned")->u, 8192);
	/* assert: state, response, report, translate */
	st = find_op(scn, "assert", 1);
	ck_assert_str_eq(scn_get_str(scn_get(&st->fields, "state"), "nic0", ""),
			 "CONFIG_LOCKED");
	ck_assert_str_eq(scn_get_str(scn_get(&st->fields, "response"),
				     "PORTION_LENGTH", ""), ">0");
	v = scn_get(scn_get(&st->fields, "report"), "ranges");
	ck_assert_int_eq(v->type, SCN_LIST);
	ck_assert_uint_eq(scn_get_u64(&v->items[0], "pages", 0), 16);
	t = scn_get(&st->fields, "translate");
	ck_assert_uint_eq(t->n, 3);
	ck_assert_str_eq(scn_get(&t->items[2], "to")->str, "none");
	ck_assert_uint_eq(scn_get_u64(scn_get(&t->items[0], "to"), "bar", 9), 0);
	ck_assert(scn_get_bool(&t->items[1], "private", false));
	/* structured fields */
	st = find_op(scn, "iommufd.invalidate", 0);
	v = scn_get(&st->fields, "entries");
	ck_assert_uint_eq(v->n, 2);
	ck_assert(scn_get_bool(&v->items[1], "all", false));
	st = find_op(scn, "iommufd.allow_iovas", 0);
	ck_assert_uint_eq(scn_get_u64(&scn_get(&st->fields, "ranges")->items[0],
				      "size", 0), 1u << 30);
	scn_free(scn);
}
END_TEST

START_TEST(full_traffic_faults_expect)
{
	struct scenario *scn = load_ok(full_yaml);
	const struct scn_traffic *t = scn->traffic;
	const struct scn_expect *e = &scn->expect;

	ck_assert_uint_eq(scn->ntraffic, 3);
	ck_assert_int_eq(t[0].from, SCN_FROM_GUEST);
	ck_assert_str_eq(t[0].from_name, "td0");
	ck_assert(!t[0].write && t[0].priv);
	ck_assert_uint_eq(t[0].addr, 0x80000000);
	ck_assert_uint_eq(t[0].span, 65536);
	ck_assert_int_eq(t[0].pattern, SCN_PAT_RANDOM);
	ck_assert_uint_eq(t[0].gap, 10);
	ck_assert_uint_eq(t[0].count, 1000000);
	ck_assert_ptr_null(t[0].start_label);
	ck_assert_int_eq(t[1].from, SCN_FROM_DEVICE);
	ck_assert(t[1].write);
	ck_assert_str_eq(t[1].until, "unbind");
	ck_assert_str_eq(t[1].start_label, "bind");
	ck_assert_uint_eq(t[1].span, 64);
	ck_assert_uint_eq(t[1].index, 1);
	ck_assert_int_eq(t[2].from, SCN_FROM_HOST);
	ck_assert_str_eq(t[2].from_name, "m0");
	ck_assert_int_eq(t[2].pattern, SCN_PAT_FIXED);

	ck_assert_uint_eq(scn->nfaults, 16);
	ck_assert_str_eq(scn->faults[1].kind, "delay-invalidation");
	ck_assert_int_eq(scn->faults[1].id, SCN_FAULT_DELAY_INVALIDATION);
	ck_assert_int_eq(scn->faults[1].at.kind, SCN_PT_CYCLE);
	ck_assert_uint_eq(scn->faults[1].at.cycle, 5000);
	ck_assert_uint_eq(scn_get_u64(&scn->faults[1].params, "delay", 0), 2000);
	ck_assert_int_eq(scn->faults[4].at.kind, SCN_PT_DURING);
	ck_assert_uint_eq(scn->faults[4].at.k, 2);
	ck_assert_str_eq(scn_get_str(&scn->faults[4].params, "error", ""),
			 "INVALID_NONCE");
	ck_assert_uint_eq(scn->faults[7].at.cycle, 1000000);

	ck_assert(e->has_findings);
	ck_assert_int_eq(e->findings[SIM_FIND_MCE].cmp, SCN_CMP_EQ);
	ck_assert_int_eq(e->findings[SIM_FIND_ACCESS_ERROR].cmp, SCN_CMP_GE);
	ck_assert_int_eq(e->findings[SIM_FIND_DATA_LOSS].cmp, SCN_CMP_ANY);
	ck_assert_int_eq(e->findings[SIM_FIND_LATENT_MCE].cmp, SCN_CMP_LE);
	ck_assert_int_eq(e->findings[SIM_FIND_WATCHDOG].cmp, SCN_CMP_NONE);
	ck_assert_uint_eq(e->nhitless, 3);
	ck_assert_str_eq(e->hitless[0].range.device, "nic0");
	ck_assert_str_eq(e->hitless[1].range.guest, "td0");
	ck_assert_uint_eq(e->hitless[1].range.size, 4096);
	ck_assert(e->hitless[2].range.has_iova);
	ck_assert_uint_eq(e->nallow, 1);
	ck_assert_uint_eq(e->allow[0].results,
			  (1u << SIM_RES_FAULT) | (1u << SIM_RES_RETRIED));
	ck_assert_uint_eq(e->nstates, 1);
	ck_assert_str_eq(e->states[0].state, "CONFIG_UNLOCKED");
	ck_assert_uint_eq(scn->nper_arch, 2);
	ck_assert_str_eq(scn->per_arch[0].arch, "sev");
	ck_assert_int_eq(scn->per_arch[0].expect.findings[SIM_FIND_LATENT_MCE].cmp,
			 SCN_CMP_ANY);
	ck_assert_str_eq(scn->per_arch[0].expect.states[0].state, "RUN");
	ck_assert_uint_eq(scn->per_arch[1].expect.allow[0].results, 1u << SIM_RES_UR);
	scn_free(scn);
}
END_TEST

START_TEST(defaults)
{
	struct scenario *scn = load_ok(
		"scenario: d\n"
		"platform:\n"
		"  devices: [ { name: dev0 } ]\n"
		"  guests: [ { name: g } ]\n"
		"steps:\n"
		"  - { op: vfio.reset, device: dev0 }\n"
		"traffic:\n"
		"  - { name: t, from: \"guest:g\", op: write, gpa: 0, count: 5 }\n");

	ck_assert_uint_eq(scn->seed, 1);
	ck_assert_uint_eq(scn->clock_mhz, 2000);
	ck_assert_uint_eq(scn->narches, 1);
	ck_assert_str_eq(scn->arches[0], "tdx");
	ck_assert_uint_eq(scn->max_cycles, SCN_DEF_MAX_CYCLES);
	ck_assert_uint_eq(scn->max_events, SCN_DEF_MAX_EVENTS);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_entries, 64);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_ways, 64);
	ck_assert_uint_eq(scn->platform.iommu.levels, 4);
	ck_assert_uint_eq(scn->platform.iommu.page_size, 4096);
	ck_assert(scn->platform.devices[0].ide);
	ck_assert_ptr_null(scn->platform.devices[0].bdf);
	ck_assert(scn->platform.guests[0].confidential);
	ck_assert_uint_eq(scn->platform.guests[0].memory, 1u << 30);
	ck_assert_uint_eq(scn->traffic[0].size, 64);
	ck_assert_uint_eq(scn->traffic[0].span, 64);
	ck_assert_int_eq(scn->traffic[0].pattern, SCN_PAT_SEQUENTIAL);
	ck_assert_uint_eq(scn->traffic[0].gap, 0);
	ck_assert(scn->traffic[0].write);
	ck_assert(!scn->expect.has_findings);
	ck_assert_int_eq(scn->expect.findings[SIM_FIND_MCE].cmp, SCN_CMP_NONE);
	scn_free(scn);
	/* ways default to entries; an empty findings map is "none" too */
	scn = load_ok("scenario: d\nplatform: { iommu: { iotlb_entries: 8 } }\n"
		      "expect: { findings: {} }\n");
	ck_assert_uint_eq(scn->platform.iommu.iotlb_ways, 8);
	ck_assert(scn->expect.has_findings);
	ck_assert_uint_eq(scn->platform.vfio_tsm_bind, VFIO_BIND_KEEP);
	scn_free(scn);
	scn = load_ok("scenario: d\nplatform: { vfio: { tsm_bind: drop } }\n");
	ck_assert_uint_eq(scn->platform.vfio_tsm_bind, VFIO_BIND_DROP);
	scn_free(scn);
}
END_TEST

/* ---------------------------------------------------------- errors */

START_TEST(error_positions)
{
	expect_one("scenario: x\nseed: 0\n", 2, 7, "seed must be >= 1");
	expect_one("scenario: x\nseed: 1\nseed: 2\n", 3, 1,
		   "duplicate key 'seed' (first at 2:1)");
	expect_one("scenario: x\nplatform:\n  iommu: { iotlb_entrys: 64 }\n", 3, 12,
		   "unknown key 'iotlb_entrys' in platform.iommu (did you mean 'iotlb_entries'?)");
	expect_one("scenario: x\nplatform: { devices: [ { name: d, ide: yes } ] }\n",
		   2, 40, "expected a boolean (true or false), got 'yes'");
	expect_one("scenario: x\nsteps:\n  - { op: vfio.reset, device: dev9 }\n",
		   3, 31, "unknown device 'dev9'");
	expect_one("scenario: x\nplatform: { guests: [ { name: g } ] }\nsteps:\n"
		   "  - { op: kvm.map, guest: g, dmabuf: sh0, gpa: 0 }\n", 4, 38,
		   "dma-buf 'sh0' is not created by any earlier vfio.dmabuf step");
	expect_one("scenario: x\nplatform: { devices: [ { name: d } ] }\nsteps:\n"
		   "  - { op: vfio.reset, device: d, label: bind }\n"
		   "  - { op: vfio.reset, device: d, label: bind }\n", 5, 41,
		   "label 'bind' is used by two steps (first at 4:41)");
	expect_one("scenario: x\nseed: [1, 2\n", 3, 1, "YAML syntax");
	expect_one("scenario: x\n---\nscenario: y\n", 2, 1, "second one");
	expect_one("", 1, 1, "the file is empty");
	expect_one("description: x\n", 1, 1, "missing key 'scenario'");
}
END_TEST

/* docs/scenarios.md: a gpa never carries the shared / protected bit */
START_TEST(gpa_shared_bit)
{
	static const struct scn_guest td = { .name = "td", .confidential = true };
	static const struct scn_guest wide = { .name = "w", .confidential = true,
					       .gpaw = 52 };
	static const struct scn_guest vm = { .name = "vm" };
	char m[320];

	ck_assert_int_eq(scn_gpa_error(&td, 0x7fffffffffffULL, ARCH_TDX, m,
				       sizeof(m)), 0);
	ck_assert_int_eq(scn_gpa_error(&td, 1ULL << 47, ARCH_TDX, m, sizeof(m)), 1);
	ck_assert(strstr(m, "shared bit (GPA bit 47, gpaw 48) on tdx"));
	ck_assert_int_eq(scn_gpa_error(&td, 1ULL << 47, ARCH_CCA, m, sizeof(m)), 1);
	ck_assert(strstr(m, "unprotected-IPA bit (IPA bit 47"));
	ck_assert_int_eq(scn_gpa_error(&td, 1ULL << 47, ARCH_SEV, m, sizeof(m)), 0);
	ck_assert_int_eq(scn_gpa_error(&td, 1ULL << 51, ARCH_SEV, m, sizeof(m)), 1);
	ck_assert(strstr(m, "C-bit (bit 51) on sev"));
	ck_assert_int_eq(scn_gpa_error(&wide, 1ULL << 47, ARCH_TDX, m, sizeof(m)), 0);
	ck_assert_int_eq(scn_gpa_error(&wide, 1ULL << 51, ARCH_TDX, m, sizeof(m)), 1);
	/* a non-confidential guest has no such bit */
	ck_assert_int_eq(scn_gpa_error(&vm, 1ULL << 51, ARCH_TDX, m, sizeof(m)), 0);
	/* the loader checks every arch of the scenario, each gpa once */
	expect_one("scenario: x\narch: [sev, tdx]\nplatform: { guests: [ { name: g } ] }\n"
		   "steps:\n  - { op: guest.read, guest: g, gpa: 0x800000000000 }\n",
		   5, 38, "reaches the shared bit (GPA bit 47, gpaw 48) on tdx");
	expect_one("scenario: x\narch: [sev, tdx]\nplatform: { guests: [ { name: g } ] }\n"
		   "steps:\n  - { op: guest.read, guest: g, gpa: 0x8000000000000 }\n",
		   5, 38, "reaches the C-bit (bit 51) on sev");
}
END_TEST

START_TEST(errors_all_sorted)
{
	struct scenario *scn = NULL;
	struct scn_diags d;
	size_t i;

	/* expect is validated after steps but precedes them in the file */
	ck_assert_int_eq(load("scenario: x\n"
			      "expect: { findings: { nope: 1 } }\n"
			      "steps:\n"
			      "  - { op: bogus }\n"
			      "seed: 0\n", NULL, 0, &scn, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_uint_eq(d.d[0].pos.line, 2);
	ck_assert_uint_eq(d.d[1].pos.line, 4);
	ck_assert_uint_eq(d.d[2].pos.line, 5);
	for (i = 0; i < d.n; i++)
		ck_assert_str_eq(d.d[i].file, "t.yaml");
	scn_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(enoent_and_big_file)
{
	struct scenario *scn = NULL;
	struct scn_diags d = { 0 };
	char path[] = "/tmp/check_loader_XXXXXX";
	FILE *f;
	int fd;
	size_t i;

	ck_assert_int_eq(scn_load("/nonexistent/x.yaml", NULL, 0, &scn, &d), -ENOENT);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.d[0].msg, "cannot read"));
	scn_diags_free(&d);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("scenario: big\ndescription: ", f);
	for (i = 0; i < (4u << 20) / 64 + 1; i++)
		fputs("0123456789012345678901234567890123456789012345678901234567890123", f);
	fclose(f);
	ck_assert_int_eq(scn_load(path, NULL, 0, &scn, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(d.d[0].pos.line, 1);
	ck_assert_ptr_nonnull(strstr(d.d[0].msg, "larger than 4 MiB"));
	scn_diags_free(&d);
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------- --set */

static const char set_base[] =
	"scenario: s\n"
	"platform:\n"
	"  iommu: { iotlb_entries: 64 }\n"
	"  devices: [ { name: d } ]\n"
	"traffic:\n"
	"  - { name: t, from: \"device:d\", op: dma_read, iova: 0, count: 10 }\n";

START_TEST(set_override_and_create)
{
	const struct scn_set sets[] = {
		{ "platform.iommu.iotlb_entries", "128" },
		{ "traffic.0.count", "1e7" },
		{ "timing", "x" },	/* replaced below by a created key */
	};
	const struct scn_set ok[] = {
		sets[0], sets[1],
		{ "platform.iommu.levels", "5" },	/* created */
		{ "seed", "9" },			/* created at the top */
		{ "clock_mhz", "1000" },
	};
	struct scenario *scn = NULL;
	struct scn_diags d;

	ck_assert_int_eq(load(set_base, ok, 5, &scn, &d), 0);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_entries, 128);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_ways, 128);
	ck_assert_uint_eq(scn->platform.iommu.levels, 5);
	ck_assert_uint_eq(scn->traffic[0].count, 10000000);
	ck_assert_uint_eq(scn->seed, 9);
	ck_assert_uint_eq(scn->clock_mhz, 1000);
	scn_free(scn);
	scn_diags_free(&d);
	/* a scalar where a map is wanted is caught by the normal checks */
	ck_assert_int_eq(load(set_base, &sets[2], 1, &scn, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.d[0].msg, "timing must be a mapping"));
	ck_assert_str_eq(d.d[0].flag, "--set timing=x");
	scn_diags_free(&d);
}
END_TEST

/* The contract's own examples work on a file that has neither map. */
START_TEST(set_creates_parent_maps)
{
	const struct scn_set sets[] = {
		{ "timing.iotlb_inval", "2us" },
		{ "platform.iommu.iotlb_entries", "128" },
	};
	struct scenario *scn = NULL;
	struct scn_diags d;

	ck_assert_int_eq(load("scenario: s\n", sets, 2, &scn, &d), 0);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_entries, 128);
	ck_assert_uint_eq(scn->ntiming, 1);
	ck_assert_str_eq(scn->timing[0].key, "iotlb_inval");
	ck_assert_uint_eq(scn->timing[0].cycles, 4000);
	scn_free(scn);
	scn_diags_free(&d);
	/* an empty `platform:` is a map to fill, not a scalar */
	ck_assert_int_eq(load("scenario: s\nplatform:\n", &sets[1], 1, &scn, &d), 0);
	ck_assert_uint_eq(scn->platform.iommu.iotlb_entries, 128);
	scn_free(scn);
	scn_diags_free(&d);
}
END_TEST

START_TEST(set_errors)
{
	const struct scn_set sets[] = {
		{ "platform.nope.x", "1" },
		{ "traffic.3.count", "1" },
		{ "platform.iommu.iotlb_entries", "lots" },
		{ "traffic.0.count.x", "1" },
		{ "traffic.0.gap", "3parsecs" },
	};
	struct scenario *scn = NULL;
	struct scn_diags d;

	ck_assert_int_eq(load(set_base, sets, 5, &scn, &d), -EINVAL);
	ck_assert_ptr_null(scn);
	ck_assert_uint_eq(d.n, 5);
	/*
	 * Each error names its own flag, in command-line order, and not a
	 * line of the file (the nodes a flag writes carry the flag).
	 */
	for (size_t i = 0; i < 5; i++) {
		char want[96];

		snprintf(want, sizeof(want), "--set %s=%s", sets[i].path,
			 sets[i].value);
		ck_assert_str_eq(d.d[i].flag, want);
		ck_assert_uint_eq(d.d[i].pos.set, i + 1);
	}
	ck_assert_ptr_nonnull(strstr(d.d[0].msg, "unknown key 'nope' in platform"));
	ck_assert_ptr_nonnull(strstr(d.d[1].msg, "not an index of 'traffic'"));
	ck_assert_ptr_nonnull(strstr(d.d[2].msg, "expected a count, got 'lots'"));
	ck_assert_ptr_nonnull(strstr(d.d[3].msg, "is a scalar"));
	ck_assert_ptr_nonnull(strstr(d.d[4].msg, "unknown unit"));
	scn_diags_free(&d);
}
END_TEST

START_TEST(schema_tables)
{
	size_t i, j;

	ck_assert_int_ge(scn_op_find("tsm.bind"), 0);
	ck_assert_int_eq(scn_op_find("tsm.bnd"), -1);
	ck_assert_uint_eq(scn_nfaults, 17);
	ck_assert_int_ge(scn_fault_find("importer-slow-unmap"), 0);
	ck_assert_int_eq(scn_name_index(scn_errno_names, "EIO"), 10);
	ck_assert_int_eq(scn_name_index(scn_tdisp_error_names, "BUSY"), 1);
	/* every row filled, found by its own name, and run by a handler */
	ck_assert_uint_eq(scn_nops, SCN_OPID_NR);
	ck_assert_int_eq(scn_op_find("kvm.map"), SCN_OPID_KVM_MAP);
	ck_assert_int_eq(scn_fault_find("swap-steps"), SCN_FAULT_SWAP_STEPS);
	for (i = 0; i < scn_nfaults; i++)
		ck_assert_int_eq(scn_fault_find(scn_faults[i].name), (int)i);
	ck_assert_ptr_null(exec_find(-1));
	ck_assert_ptr_null(exec_find(SCN_OPID_NR));
	for (i = 0; i < scn_nops; i++) {
		ck_assert_int_eq(scn_op_find(scn_ops[i].name), (int)i);
		ck_assert_msg(exec_find((int)i), "op %s has no handler",
			      scn_ops[i].name);
		ck_assert_ptr_nonnull(scn_ops[i].help);
		ck_assert_str_ne(scn_op_kind_name(scn_ops[i].kind), "?");
		for (j = 0; j < scn_ops[i].schema.nfields; j++) {
			const struct scn_field_desc *f = &scn_ops[i].schema.fields[j];

			ck_assert_str_ne(scn_ftype_name(f->type), "?");
			ck_assert(f->type != SCN_FT_ENUM || f->values);
			ck_assert((f->type != SCN_FT_REF && f->type != SCN_FT_DEFINE) ||
				  f->ref != SCN_REF_NONE);
			ck_assert_str_ne(scn_ref_name(f->ref), "?");
		}
	}
}
END_TEST

Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *units = tcase_create("units");
	TCase *sections = tcase_create("sections");
	TCase *errors = tcase_create("errors");

	tcase_add_test(units, duration_units);
	tcase_add_test(units, duration_errors);
	tcase_add_test(units, size_units);
	tcase_add_test(units, count_units);
	tcase_add_test(units, count_constraints);
	tcase_add_test(units, points);
	tcase_add_test(sections, full_top_and_platform);
	tcase_add_test(sections, full_steps);
	tcase_add_test(sections, full_traffic_faults_expect);
	tcase_add_test(sections, defaults);
	tcase_add_test(sections, schema_tables);
	tcase_add_test(errors, error_positions);
	tcase_add_test(errors, errors_all_sorted);
	tcase_add_test(errors, gpa_shared_bit);
	tcase_add_test(errors, enoent_and_big_file);
	tcase_add_test(errors, set_override_and_create);
	tcase_add_test(errors, set_creates_parent_maps);
	tcase_add_test(errors, set_errors);
	suite_add_tcase(s, units);
	suite_add_tcase(s, sections);
	suite_add_tcase(s, errors);
	return s;
}
