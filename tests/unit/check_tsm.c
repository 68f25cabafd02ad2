// SPDX-License-Identifier: MIT
/*
 * check_tsm.c - the host TSM layer on the tdx model: bind, the private
 * map through the firmware, accept, guest TDISP requests under both
 * policies, unbind (STOP, revoke + KVM private unmap, metadata),
 * disconnect of a bound device, vm.destroy; and the plain host refusal.
 */
#include "host_fixture.h"

static struct hfx F;

#define GPA 0x80000000ULL

static void setup(void) { hfx_init(&F, "tdx"); }
static void setup_plain(void) { hfx_init(&F, NULL); }
static void teardown(void) { hfx_fini(&F); }

static struct plat_access gacc(uint64_t gpa, bool priv)
{
	struct plat_access a = { .who = SIM_INIT_GUEST, .initiator = "vm0",
				 .priv = priv, .addr = gpa, .size = 8 };

	plat_guest_access(F.p, F.g, &a);
	return a;
}

/* connect, bind, export + map BAR0 private, accept: the TDI in RUN */
static void up(void)
{
	struct kvm_map_args m = { .guest = "vm0", .dmabuf = "p", .gpa = GPA,
				  .priv = true };

	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_LOCKED);
	ck_assert(tsm_is_bound(F.h, "dev0"));
	/* pci_tsm_bind(): bound to this VM already is a success */
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, true,
					     "p")), "ok");
	ck_assert_str_eq(HFX(&F, kvm_map(F.h, F.q, &m)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_guest_accept(F.h, F.q, "vm0", "dev0", -1)),
			 "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	ck_assert_int_eq(gacc(GPA, true).result, SIM_RES_OK);
}

START_TEST(bind_accept_unbind)
{
	struct dmabuf *p;

	up();
	p = dmabuf_find(host_dmabuf_core(F.h), "p");
	ck_assert_uint_eq(dmabuf_mapped_count(p), 1);
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!tsm_is_bound(F.h, "dev0"));
	/* the private dma-buf was revoked and KVM unmapped it */
	ck_assert(dmabuf_is_revoked(p));
	ck_assert_uint_eq(dmabuf_mapped_count(p), 0);
	ck_assert_uint_eq(hfx_dma_count(&F, "move_notify:kvm.vm0"), 1);
	ck_assert_uint_eq(hfx_dma_count(&F, "unmapped:kvm.vm0"), 1);
	ck_assert_int_ne(gacc(GPA, true).result, SIM_RES_OK);
	/* pci_tsm_unbind() of an unbound, connected TDI: a no-op */
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
}
END_TEST

/* Issue 10 item 14: bind is idempotent per VM, EBUSY for another VM. */
START_TEST(bind_other_guest_ebusy)
{
	struct plat_guest *g1 = plat_add_guest(F.p, "vm1", true, 1ULL << 30, 0);

	ck_assert_ptr_nonnull(g1);
	up();
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm1")), "EBUSY");
	/* a request from a guest the TDI is not bound to is never relayed */
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm1", "dev0",
			 TDISP_REQ_STOP_INTERFACE)), "EPERM");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
}
END_TEST

/* Issue 10 item 14: unbind of a connected, never-bound TDI is a no-op. */
START_TEST(unbind_never_bound)
{
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "EINVAL");
	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
}
END_TEST

/*
 * Sequence B with the flip before bind: KVM zaps the shared side and
 * leaves the private side pending (the TDI is not bound yet); the guest's
 * accept faults it in through the firmware, so the TDI runs with the
 * private page accepted and no hypervisor mapping was live at the lock.
 */
START_TEST(flip_before_bind_maps_on_accept)
{
	struct kvm_map_args m = { .guest = "vm0", .dmabuf = "b", .gpa = GPA };

	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)), "ok");
	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 0, 0, 0, false,
					     "b")), "ok");
	ck_assert_str_eq(HFX(&F, kvm_map(F.h, F.q, &m)), "ok");
	ck_assert_int_eq(gacc(GPA, false).result, SIM_RES_RETRIED);
	ck_assert_str_eq(HFX(&F, vfio_dmabuf_flavor(F.h, F.q, "b", true)), "ok");
	hfx_finish(&F);
	/* neither side maps the slot now */
	ck_assert_int_ne(gacc(GPA, false).result, SIM_RES_OK);
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
	ck_assert_int_eq(gacc(GPA, true).result, SIM_RES_FAULT);
	ck_assert_str_eq(HFX(&F, tsm_guest_accept(F.h, F.q, "vm0", "dev0", -1)),
			 "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	ck_assert_int_eq(gacc(GPA, true).result, SIM_RES_OK);
	/* a second accept finds nothing pending; START in RUN is refused */
	ck_assert_str_eq(HFX(&F, tsm_guest_accept(F.h, F.q, "vm0", "dev0", -1)),
			 "TDI_INVALID_STATE");
}
END_TEST

START_TEST(guest_requests_keep_state)
{
	up();
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_GET_DEVICE_INTERFACE_STATE)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_LOCK_INTERFACE)), "EPERM");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0", 0x42)),
			 "EINVAL");
}
END_TEST

/*
 * Issue 10 item 14: a relayed request the device rejects for its state
 * (START in RUN) leaves the TDI alone under keep-state; under fail-closed
 * the host unbinds it through the arch's firmware path, so the firmware
 * binding goes too and a later bind works.
 */
START_TEST(guest_requests_fail_closed)
{
	up();
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_START_INTERFACE)), "INVALID_INTERFACE_STATE");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	ck_assert_str_eq(HFX(&F, tsm_set_policy(F.h, F.q, "dev0",
						TSM_POLICY_FAIL_CLOSED)), "ok");
	/* legal in RUN: relayed, nothing happens */
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_GET_DEVICE_INTERFACE_REPORT)), "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_START_INTERFACE)), "INVALID_INTERFACE_STATE");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!tsm_is_bound(F.h, "dev0"));
	ck_assert(!arch_tdi_bound(plat_arch(F.p), F.dev));
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "ok");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_LOCKED);
}
END_TEST

/* the TDISP records the tdisp-protocol checker subscribes to */
struct tdisp_seen {
	unsigned int n;
	char req[40], rsp[40];
	bool expected;
};

static void tdisp_seen_rec(void *ctx, const struct sim_rec *r)
{
	struct tdisp_seen *t = ctx;

	t->n++;
	snprintf(t->req, sizeof(t->req), "%s", r->u.tdisp.request);
	snprintf(t->rsp, sizeof(t->rsp), "%s", r->u.tdisp.response);
	t->expected = r->u.tdisp.expected;
}

/*
 * Issue 9 item 2: the guest relay runs the shared requester, so a dropped
 * request fails the guest's step only after the DOE timeout (not at once)
 * and its exchange is published as a TDISP record, which is what the
 * tdisp-protocol checker subscribes to (SIM_REC_TDISP).
 */
START_TEST(guest_relay_drop_waits_doe_timeout)
{
	static struct tdisp_seen seen;
	uint64_t want;

	up();
	memset(&seen, 0, sizeof(seen));
	sim_trace_subscribe(F.s, SIM_REC_BIT(SIM_REC_TDISP), tdisp_seen_rec,
			    &seen);
	/* answered: one record, one DOE round trip */
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_GET_DEVICE_INTERFACE_STATE)), "ok");
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_str_eq(seen.rsp, "ok");
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_DOE_ROUNDTRIP));
	/* dropped: the requester waits the DOE timeout, then ETIMEDOUT */
	tdisp_fault_drop(F.dev, 1);
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_GET_DEVICE_INTERFACE_STATE)), "ETIMEDOUT");
	want = plat_t(F.p, AT_DOE_ROUNDTRIP) + plat_t(F.p, AT_DOE_TIMEOUT);
	ck_assert_uint_eq(plat_t(F.p, AT_DOE_TIMEOUT), 2000000);
	ck_assert_uint_eq(F.t1 - F.t0, want);
	ck_assert_uint_eq(seen.n, 2);
	ck_assert_str_eq(seen.req, "GET_DEVICE_INTERFACE_STATE");
	ck_assert_str_eq(seen.rsp, "dropped");
	/* the step's expect judges it, as for the firmware's relays */
	ck_assert(seen.expected);
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
}
END_TEST

/* docs/scenarios.md: a guest's LOCK is refused in the ioctl, any policy */
START_TEST(guest_lock_never_reaches_device)
{
	up();
	ck_assert_str_eq(HFX(&F, tsm_set_policy(F.h, F.q, "dev0",
						TSM_POLICY_FAIL_CLOSED)), "ok");
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_LOCK_INTERFACE)), "EPERM");
	/* no DOE round trip, and fail-closed did not STOP the TDI */
	ck_assert_uint_eq(F.t1 - F.t0, plat_t(F.p, AT_IOCTL));
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_RUN);
	/* an unlocked TDI stays unlocked */
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert_str_eq(HFX(&F, tsm_guest_tdisp(F.h, F.q, "vm0", "dev0",
			 TDISP_REQ_LOCK_INTERFACE)), "EPERM");
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert_uint_eq(tdisp_lock_epoch(F.dev), 1);
}
END_TEST

START_TEST(disconnect_unbinds_first)
{
	up();
	ck_assert(ide_has_session(F.dev));
	ck_assert_str_eq(HFX(&F, tsm_disconnect(F.h, F.q, "dev0")), "ok");
	ck_assert(!tsm_is_bound(F.h, "dev0"));
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!ide_has_session(F.dev));
}
END_TEST

START_TEST(vm_destroy_drops_slots)
{
	struct kvm_map_args m = { .guest = "vm0", .dmabuf = "s", .gpa = GPA };

	ck_assert_str_eq(HFX(&F, vfio_dmabuf(F.h, F.q, "dev0", 2, 0, 0, false,
					     "s")), "ok");
	ck_assert_str_eq(HFX(&F, kvm_map(F.h, F.q, &m)), "ok");
	ck_assert_str_eq(HFX(&F, host_vm_destroy(F.h, F.q, "vm0")), "ok");
	ck_assert(F.g->destroyed);
	ck_assert_uint_eq(kvm_slot_count(F.h, "vm0"), 0);
	ck_assert_str_eq(HFX(&F, host_vm_destroy(F.h, F.q, "vm0")), "ENOENT");
}
END_TEST

/*
 * Issue 10 item 10: vm.destroy with a bound TDI unbinds it first (the
 * kernel's iommufd reference on KVM; the module refuses the TD teardown
 * with a DEVIF left): the TDI ends CONFIG_UNLOCKED, nothing is dropped.
 */
START_TEST(vm_destroy_unbinds_first)
{
	up();
	ck_assert_str_eq(HFX(&F, host_vm_destroy(F.h, F.q, "vm0")), "ok");
	ck_assert(F.g->destroyed);
	ck_assert_int_eq(tdisp_state(F.dev), TDISP_ST_CONFIG_UNLOCKED);
	ck_assert(!tsm_is_bound(F.h, "dev0"));
	ck_assert(!arch_tdi_bound(plat_arch(F.p), F.dev));
}
END_TEST

/* A vm.destroy whose unbind fails leaves nothing for a later unbind. */
START_TEST(vm_destroy_failed_unbind)
{
	up();
	tdisp_fault_drop(F.dev, 1);
	ck_assert_str_eq(HFX(&F, host_vm_destroy(F.h, F.q, "vm0")), "ETIMEDOUT");
	ck_assert(!F.g->destroyed);
	ck_assert_str_eq(HFX(&F, tsm_unbind(F.h, F.q, "dev0")), "ok");
	ck_assert(!F.g->destroyed);
	ck_assert_str_eq(HFX(&F, host_vm_destroy(F.h, F.q, "vm0")), "ok");
	ck_assert(F.g->destroyed);
}
END_TEST

START_TEST(plain_host_has_no_tsm)
{
	ck_assert_str_eq(HFX(&F, tsm_connect(F.h, F.q, "dev0", true)),
			 "EOPNOTSUPP");
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "dev0", "vm0")), "EOPNOTSUPP");
	ck_assert_str_eq(HFX(&F, tsm_bind(F.h, F.q, "nope", "vm0")), "ENOENT");
	ck_assert_str_eq(HFX(&F, tsm_guest_accept(F.h, F.q, "vm0", "dev0", -1)),
			 "EOPNOTSUPP");
}
END_TEST

Suite *tsm_suite(void)
{
	Suite *su = suite_create("tsm");
	TCase *tc = tcase_create("tdx");
	TCase *tp = tcase_create("plain");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bind_accept_unbind);
	tcase_add_test(tc, flip_before_bind_maps_on_accept);
	tcase_add_test(tc, guest_requests_keep_state);
	tcase_add_test(tc, guest_requests_fail_closed);
	tcase_add_test(tc, guest_relay_drop_waits_doe_timeout);
	tcase_add_test(tc, guest_lock_never_reaches_device);
	tcase_add_test(tc, bind_other_guest_ebusy);
	tcase_add_test(tc, unbind_never_bound);
	tcase_add_test(tc, disconnect_unbinds_first);
	tcase_add_test(tc, vm_destroy_drops_slots);
	tcase_add_test(tc, vm_destroy_unbinds_first);
	tcase_add_test(tc, vm_destroy_failed_unbind);
	suite_add_tcase(su, tc);
	tcase_add_checked_fixture(tp, setup_plain, teardown);
	tcase_add_test(tp, plain_host_has_no_tsm);
	suite_add_tcase(su, tp);
	return su;
}
