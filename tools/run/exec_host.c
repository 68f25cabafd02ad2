// SPDX-License-Identifier: MIT
/*
 * exec_host.c - the host software ops (docs/scenarios.md: tsm.*,
 * vfio.*, kvm.*, iommufd.*, vm.destroy, guest ABI calls, host accesses)
 * onto models/host.  Each handler only reads the step's converted fields;
 * the semantics (errno results, ordering, revoke waits) live in the model.
 */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "run_internal.h"

#define F(x) (&(x)->step->fields)

static const char *str(struct exec_ctx *x, const char *key)
{
	return scn_get_str(F(x), key, NULL);
}

static uint64_t u64(struct exec_ctx *x, const char *key, uint64_t def)
{
	return scn_get_u64(F(x), key, def);
}

static bool flag(struct exec_ctx *x, const char *key, bool def)
{
	return scn_get_bool(F(x), key, def);
}

static int bar_or_all(struct exec_ctx *x)
{
	return scn_has(F(x), "bar") ? (int)u64(x, "bar", 0) : -1;
}

/* ----------------------------------------------------------------- TSM */

static const char *x_tsm_connect(struct exec_ctx *x)
{
	return tsm_connect(x->w->host, x->q, str(x, "device"),
			   flag(x, "ide", true));
}

static const char *x_tsm_disconnect(struct exec_ctx *x)
{
	return tsm_disconnect(x->w->host, x->q, str(x, "device"));
}

static const char *x_tsm_bind(struct exec_ctx *x)
{
	return tsm_bind(x->w->host, x->q, str(x, "device"), str(x, "guest"));
}

static const char *x_tsm_unbind(struct exec_ctx *x)
{
	return tsm_unbind(x->w->host, x->q, str(x, "device"));
}

static const char *x_tsm_policy(struct exec_ctx *x)
{
	bool closed = !strcmp(str(x, "on_illegal"), "fail-closed");

	return tsm_set_policy(x->w->host, x->q, str(x, "device"),
			      closed ? TSM_POLICY_FAIL_CLOSED :
			      TSM_POLICY_KEEP_STATE);
}

static const char *x_guest_tdisp(struct exec_ctx *x)
{
	int code = tdisp_req_parse(str(x, "request"));

	TSM_BUG_ON(code < 0);
	return tsm_guest_tdisp(x->w->host, x->q, str(x, "guest"),
			       str(x, "device"), (unsigned int)code);
}

static const char *x_guest_validate(struct exec_ctx *x)
{
	return tsm_guest_validate(x->w->host, x->q, str(x, "guest"),
				  str(x, "device"), bar_or_all(x));
}

static const char *x_guest_start(struct exec_ctx *x)
{
	return tsm_guest_start(x->w->host, x->q, str(x, "guest"),
			       str(x, "device"));
}

static const char *x_guest_accept(struct exec_ctx *x)
{
	return tsm_guest_accept(x->w->host, x->q, str(x, "guest"),
				str(x, "device"), bar_or_all(x));
}

static const char *x_vm_destroy(struct exec_ctx *x)
{
	return host_vm_destroy(x->w->host, x->q, str(x, "guest"));
}

/* ---------------------------------------------------------------- VFIO */

static const char *x_vfio_dmabuf(struct exec_ctx *x)
{
	return vfio_dmabuf(x->w->host, x->q, str(x, "device"),
			   (unsigned int)u64(x, "bar", 0), u64(x, "offset", 0),
			   u64(x, "size", 0), !strcmp(str(x, "flavor"), "private"),
			   str(x, "name"));
}

static const char *x_vfio_flavor(struct exec_ctx *x)
{
	return vfio_dmabuf_flavor(x->w->host, x->q, str(x, "name"),
				  !strcmp(str(x, "flavor"), "private"));
}

static const char *x_vfio_revoke(struct exec_ctx *x)
{
	return vfio_dmabuf_revoke(x->w->host, x->q, str(x, "name"));
}

static const char *x_vfio_unrevoke(struct exec_ctx *x)
{
	return vfio_dmabuf_unrevoke(x->w->host, x->q, str(x, "name"));
}

static const char *x_vfio_close(struct exec_ctx *x)
{
	return vfio_dmabuf_close(x->w->host, x->q, str(x, "name"));
}

static const char *x_vfio_mmap(struct exec_ctx *x)
{
	return vfio_mmap(x->w->host, x->q, str(x, "device"),
			 (unsigned int)u64(x, "bar", 0), str(x, "name"));
}

static const char *x_vfio_munmap(struct exec_ctx *x)
{
	return vfio_munmap(x->w->host, x->q, str(x, "name"));
}

static const char *x_vfio_config_write(struct exec_ctx *x)
{
	int reg = pcie_reg_parse(str(x, "reg"));

	TSM_BUG_ON(reg < 0);
	return vfio_config_write(x->w->host, x->q, str(x, "device"),
				 (enum pcie_reg)reg, u64(x, "value", 0),
				 scn_has(F(x), "value"));
}

static const char *x_vfio_reset(struct exec_ctx *x)
{
	return vfio_reset(x->w->host, x->q, str(x, "device"));
}

/* ----------------------------------------------------------------- KVM */

static const char *x_kvm_map(struct exec_ctx *x)
{
	const char *pop = scn_get_str(F(x), "populate", "fault");
	struct kvm_map_args a = {
		.guest = str(x, "guest"), .dmabuf = str(x, "dmabuf"),
		.gpa = u64(x, "gpa", 0), .priv = flag(x, "private", false),
		.eager = !strcmp(pop, "eager"),
		.page_size = u64(x, "page_size", 0),
		.is_static = flag(x, "static", false),
	};

	return kvm_map(x->w->host, x->q, &a);
}

static const char *x_kvm_unmap(struct exec_ctx *x)
{
	struct kvm_unmap_args a = {
		.guest = str(x, "guest"), .has_gpa = scn_has(F(x), "gpa"),
		.gpa = u64(x, "gpa", 0), .dmabuf = str(x, "dmabuf"),
		.has_priv = scn_has(F(x), "private"),
		.priv = flag(x, "private", false),
	};

	return kvm_unmap(x->w->host, x->q, &a);
}

/* ------------------------------------------------------------- iommufd */

static const char *x_ioas(struct exec_ctx *x)
{
	return iommufd_ioas(x->w->host, x->q, str(x, "name"));
}

static const char *x_attach(struct exec_ctx *x)
{
	return iommufd_attach(x->w->host, x->q, str(x, "device"), str(x, "to"));
}

static const char *x_detach(struct exec_ctx *x)
{
	return iommufd_detach(x->w->host, x->q, str(x, "device"));
}

static const char *x_replace(struct exec_ctx *x)
{
	return iommufd_replace(x->w->host, x->q, str(x, "device"), str(x, "to"));
}

static void map_args(struct exec_ctx *x, struct iommufd_map_args *a)
{
	*a = (struct iommufd_map_args){
		.ioas = str(x, "ioas"), .has_iova = scn_has(F(x), "iova"),
		.iova = u64(x, "iova", 0), .size = u64(x, "size", 0),
		.guest = str(x, "guest"), .gpa = u64(x, "gpa", 0),
		.dmabuf = str(x, "dmabuf"), .offset = u64(x, "offset", 0),
		.page_size = u64(x, "page_size", 0),
		.is_static = flag(x, "static", false), .name = str(x, "name"),
	};
}

static const char *x_map(struct exec_ctx *x)
{
	struct iommufd_map_args a;

	map_args(x, &a);
	return iommufd_map(x->w->host, x->q, &a);
}

static const char *x_map_dmabuf(struct exec_ctx *x)
{
	struct iommufd_map_args a;

	map_args(x, &a);
	return iommufd_map_dmabuf(x->w->host, x->q, &a);
}

static const char *x_unmap(struct exec_ctx *x)
{
	if (scn_has(F(x), "area"))
		return iommufd_unmap_area(x->w->host, x->q, str(x, "ioas"),
					  str(x, "area"));
	return iommufd_unmap(x->w->host, x->q, str(x, "ioas"), u64(x, "iova", 0),
			     u64(x, "size", 0));
}

static const char *x_copy(struct exec_ctx *x)
{
	return iommufd_copy(x->w->host, x->q, str(x, "src"), str(x, "dst"),
			    u64(x, "src_iova", 0), u64(x, "dst_iova", 0),
			    u64(x, "size", 0));
}

static const char *x_allow_iovas(struct exec_ctx *x)
{
	const struct scn_value *l = scn_get(F(x), "ranges");
	struct iommufd_range *rg = calloc(l->n + 1, sizeof(*rg));
	const char *res;

	TSM_BUG_ON(!rg);
	for (size_t i = 0; i < l->n; i++) {
		rg[i].iova = scn_get_u64(&l->items[i], "iova", 0);
		rg[i].size = scn_get_u64(&l->items[i], "size", 0);
	}
	res = iommufd_allow_iovas(x->w->host, x->q, str(x, "ioas"), rg, l->n);
	free(rg);
	return res;
}

static const char *x_reserve(struct exec_ctx *x)
{
	return iommufd_reserve(x->w->host, x->q, str(x, "ioas"),
			       u64(x, "iova", 0), u64(x, "size", 0));
}

static const char *x_hwpt(struct exec_ctx *x)
{
	return iommufd_hwpt(x->w->host, x->q, str(x, "name"), str(x, "ioas"),
			    str(x, "parent"), str(x, "device"),
			    flag(x, "nest_parent", false));
}

static const char *x_invalidate(struct exec_ctx *x)
{
	const struct scn_value *l = scn_get(F(x), "entries");
	struct iommufd_inval_entry *e = calloc(l->n + 1, sizeof(*e));
	const char *res;

	TSM_BUG_ON(!e);
	for (size_t i = 0; i < l->n; i++) {
		e[i].iova = scn_get_u64(&l->items[i], "iova", 0);
		e[i].size = scn_get_u64(&l->items[i], "size", 0);
		e[i].all = scn_get_bool(&l->items[i], "all", false);
	}
	res = iommufd_invalidate(x->w->host, x->q, str(x, "hwpt"), e, l->n);
	free(e);
	return res;
}

static const char *x_viommu(struct exec_ctx *x)
{
	return iommufd_viommu(x->w->host, x->q, str(x, "name"), str(x, "hwpt"),
			      str(x, "device"));
}

static const char *x_vdevice(struct exec_ctx *x)
{
	return iommufd_vdevice(x->w->host, x->q, str(x, "name"),
			       str(x, "viommu"), str(x, "device"),
			       u64(x, "virt_id", 0));
}

static const char *x_destroy(struct exec_ctx *x)
{
	return iommufd_destroy(x->w->host, x->q, str(x, "name"));
}

/* ------------------------------------------------------- host accesses */

static const char *sub_host_done(struct sim *s, void *ctx, uint64_t arg)
{
	struct exec_ctx *x = ctx;
	struct world *w = x->w;

	plat_emit_access(w->p, &w->acc, w->acc_issued);
	if (w->acc.detail) {
		free(*x->detail);
		*x->detail = strdup(w->acc.detail);
	}
	return w->acc.result == SIM_RES_OK ? NULL : sim_result_name(w->acc.result);
}

static const char *x_host_access(struct exec_ctx *x)
{
	struct plat_access *a = &x->w->acc;
	const char *map = str(x, "mapping");

	memset(a, 0, sizeof(*a));
	a->who = SIM_INIT_HOST;
	a->initiator = map;
	a->write = x->step->op == SCN_OPID_HOST_WRITE;
	a->addr = u64(x, "offset", 0);
	a->size = u64(x, "size", 4);
	a->value = u64(x, "value", 0);
	x->w->acc_issued = sim_now(x->s);
	if (vfio_host_access(x->w->host, map, a))
		return "EINVAL";
	sim_seq_add(x->q, a->lat, "host access", sub_host_done, x, 0);
	return NULL;
}

static const char *x_region_access(struct exec_ctx *x)
{
	struct plat_access *a = &x->w->acc;
	const char *res;

	memset(a, 0, sizeof(*a));
	a->who = SIM_INIT_HOST;
	a->write = x->step->op == SCN_OPID_VFIO_REGION_WRITE;
	a->addr = u64(x, "offset", 0);
	a->size = u64(x, "size", 4);
	a->value = u64(x, "value", 0);
	x->w->acc_issued = sim_now(x->s);
	res = vfio_region_access(x->w->host, str(x, "device"),
				 (unsigned int)u64(x, "bar", 0), a);
	if (res)
		return res;
	sim_seq_add(x->q, a->lat, "region access", sub_host_done, x, 0);
	return NULL;
}

/* The handlers of the host software rows of scn_ops[]. */
static exec_fn *const host_tab[SCN_OPID_NR] = {
	[SCN_OPID_TSM_CONNECT] = x_tsm_connect,
	[SCN_OPID_TSM_DISCONNECT] = x_tsm_disconnect,
	[SCN_OPID_TSM_BIND] = x_tsm_bind,
	[SCN_OPID_TSM_UNBIND] = x_tsm_unbind,
	[SCN_OPID_TSM_POLICY] = x_tsm_policy,
	[SCN_OPID_GUEST_TDISP] = x_guest_tdisp,
	[SCN_OPID_GUEST_VALIDATE] = x_guest_validate,
	[SCN_OPID_GUEST_START] = x_guest_start,
	[SCN_OPID_GUEST_ACCEPT] = x_guest_accept,
	[SCN_OPID_VM_DESTROY] = x_vm_destroy,
	[SCN_OPID_VFIO_DMABUF] = x_vfio_dmabuf,
	[SCN_OPID_VFIO_DMABUF_FLAVOR] = x_vfio_flavor,
	[SCN_OPID_VFIO_DMABUF_REVOKE] = x_vfio_revoke,
	[SCN_OPID_VFIO_DMABUF_UNREVOKE] = x_vfio_unrevoke,
	[SCN_OPID_VFIO_DMABUF_CLOSE] = x_vfio_close,
	[SCN_OPID_VFIO_MMAP] = x_vfio_mmap,
	[SCN_OPID_VFIO_MUNMAP] = x_vfio_munmap,
	[SCN_OPID_VFIO_CONFIG_WRITE] = x_vfio_config_write,
	[SCN_OPID_VFIO_RESET] = x_vfio_reset,
	[SCN_OPID_KVM_MAP] = x_kvm_map,
	[SCN_OPID_KVM_UNMAP] = x_kvm_unmap,
	[SCN_OPID_IOMMUFD_IOAS] = x_ioas,
	[SCN_OPID_IOMMUFD_ATTACH] = x_attach,
	[SCN_OPID_IOMMUFD_DETACH] = x_detach,
	[SCN_OPID_IOMMUFD_REPLACE] = x_replace,
	[SCN_OPID_IOMMUFD_MAP] = x_map,
	[SCN_OPID_IOMMUFD_MAP_DMABUF] = x_map_dmabuf,
	[SCN_OPID_IOMMUFD_UNMAP] = x_unmap,
	[SCN_OPID_IOMMUFD_COPY] = x_copy,
	[SCN_OPID_IOMMUFD_ALLOW_IOVAS] = x_allow_iovas,
	[SCN_OPID_IOMMUFD_RESERVE] = x_reserve,
	[SCN_OPID_IOMMUFD_HWPT] = x_hwpt,
	[SCN_OPID_IOMMUFD_INVALIDATE] = x_invalidate,
	[SCN_OPID_IOMMUFD_VIOMMU] = x_viommu,
	[SCN_OPID_IOMMUFD_VDEVICE] = x_vdevice,
	[SCN_OPID_IOMMUFD_DESTROY] = x_destroy,
	[SCN_OPID_HOST_READ] = x_host_access,
	[SCN_OPID_HOST_WRITE] = x_host_access,
	[SCN_OPID_VFIO_REGION_READ] = x_region_access,
	[SCN_OPID_VFIO_REGION_WRITE] = x_region_access,
};

exec_fn *exec_host_find(int op)
{
	return op >= 0 && op < SCN_OPID_NR ? host_tab[op] : NULL;
}
