// SPDX-License-Identifier: MIT
/*
 * ops.c - the schema tables: step ops (docs/scenarios.md), fault kinds
 * (section 6) and result names (section 7).  Data only; scenario.c
 * interprets it and `tsmsim list` prints it.
 */
#include <string.h>

#include "load.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SCHEMA(w, a) { .what = (w), .fields = (a), .nfields = ARRAY_SIZE(a) }

#define F(k, t, fl, h) { .key = (k), .type = (t), .flags = (fl), .help = (h) }
#define FREF(k, r, fl, h) \
	{ .key = (k), .type = SCN_FT_REF, .flags = (fl), .ref = (r), .help = (h) }
#define FDEF(k, r, fl, h) \
	{ .key = (k), .type = SCN_FT_DEFINE, .flags = (fl), .ref = (r), .help = (h) }
#define FENUM(k, v, fl, h) \
	{ .key = (k), .type = SCN_FT_ENUM, .flags = (fl), .values = (v), .help = (h) }
#define FSUB(k, t, s, fl, h) \
	{ .key = (k), .type = (t), .flags = (fl), .sub = (s), .help = (h) }
#define REQ SCN_F_REQ

/* ------------------------------------------------------------ enums */

static const char *const flavor_v[] = { "shared", "private", NULL };
static const char *const populate_v[] = { "fault", "eager", NULL };
static const char *const ide_state_v[] = { "secure", "insecure", NULL };
static const char *const on_illegal_v[] = { "keep-state", "fail-closed", NULL };
static const char *const nonce_v[] = { "valid", "wrong", "stale", NULL };
/* docs/scenarios.md, vfio.config_write; [TDISP] Table 11-2 */
static const char *const reg_v[] = {
	"bar0", "bar1", "bar2", "bar3", "bar4", "bar5", "command.mse",
	"command.bme", "msix", "devctl", "rebar", "sriov", "pasid", "ide", NULL
};

const char *const scn_errno_names[] = {
	"EINVAL", "EEXIST", "ENOENT", "EBUSY", "EPERM", "ENODEV",
	"EADDRINUSE", "EOPNOTSUPP", "EFAULT", "ETIMEDOUT", "EIO", NULL
};

/* [TDISP] error codes, docs/tdisp.md */
const char *const scn_tdisp_error_names[] = {
	"INVALID_REQUEST", "BUSY", "INVALID_INTERFACE_STATE", "UNSPECIFIED",
	"UNSUPPORTED_REQUEST", "VERSION_MISMATCH", "VENDOR_SPECIFIC_ERROR",
	"INVALID_INTERFACE",
	"INVALID_NONCE", "INSUFFICIENT_ENTROPY",
	"INVALID_DEVICE_CONFIGURATION", NULL
};

/* [TDISP] request codes 81h..8Ah, docs/scenarios.md device.tdisp */
const char *const scn_tdisp_request_names[] = {
	"GET_TDISP_VERSION", "GET_TDISP_CAPABILITIES", "LOCK_INTERFACE",
	"GET_DEVICE_INTERFACE_REPORT", "GET_DEVICE_INTERFACE_STATE",
	"START_INTERFACE", "STOP_INTERFACE", "BIND_P2P_STREAM",
	"UNBIND_P2P_STREAM", "SET_MMIO_ATTRIBUTE", NULL
};

const char *const scn_tdisp_state_names[] = {
	"CONFIG_UNLOCKED", "CONFIG_LOCKED", "RUN", "ERROR", NULL
};

/* ------------------------------------------------- shared sub-schemas */

static const struct scn_field_desc range_f[] = {
	F("iova", SCN_FT_ADDR, REQ, "first IOVA of the range"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
};
static const struct scn_schema range_s = SCHEMA("range", range_f);

/* iommufd.invalidate entries: {iova, size} or {all: true} */
static const struct scn_field_desc inval_f[] = {
	F("iova", SCN_FT_ADDR, 0, "first IOVA to invalidate"),
	F("size", SCN_FT_SIZE, SCN_F_ZERO, "bytes"),
	F("all", SCN_FT_BOOL, 0, "invalidate everything"),
};
static const struct scn_schema inval_s = SCHEMA("invalidate entry", inval_f);

/* assert translate: where an address lands */
static const struct scn_field_desc target_f[] = {
	FREF("device", SCN_REF_DEVICE, 0, "device whose BAR is reached"),
	F("bar", SCN_FT_BAR, 0, "BAR index"),
	F("offset", SCN_FT_SIZE, 0, "offset in the BAR"),
	FREF("guest", SCN_REF_GUEST, 0, "guest whose RAM is reached"),
	F("gpa", SCN_FT_ADDR, 0, "guest physical address reached"),
	F("private", SCN_FT_BOOL, 0,
	  "RAM backing: private (guest_memfd) or shared (default: the view)"),
};
static const struct scn_schema target_s = SCHEMA("translate.to", target_f);

static const struct scn_field_desc translate_f[] = {
	FREF("ioas", SCN_REF_IOAS_HWPT, 0, "translate through an IOAS or HWPT"),
	F("iova", SCN_FT_ADDR, 0, "IOVA to translate"),
	FREF("guest", SCN_REF_GUEST, 0, "translate through a guest stage-2"),
	F("gpa", SCN_FT_ADDR, 0, "GPA to translate (no shared bit)"),
	F("private", SCN_FT_BOOL, 0, "private view of the GPA"),
	FSUB("to", SCN_FT_TARGET, &target_s, REQ,
	     "none, or {device, bar, offset} / {guest, gpa}"),
};
static const struct scn_schema translate_s = SCHEMA("translate", translate_f);

static const struct scn_field_desc report_range_f[] = {
	F("bar", SCN_FT_BAR, REQ, "range_id = BAR index"),
	F("pages", SCN_FT_COUNT, 0, "4 KiB pages in the range"),
	F("non_tee", SCN_FT_BOOL, 0, "IS_NON_TEE_MEM"),
	F("msix", SCN_FT_BOOL, 0, "the range holds the MSI-X table"),
	F("updatable", SCN_FT_BOOL, 0, "IS_MEM_ATTR_UPDATABLE"),
	F("first_page", SCN_FT_ADDR, 0,
	  "FIRST_PAGE: (BAR address + MMIO_REPORTING_OFFSET) in 4 KiB pages"),
};
static const struct scn_schema report_range_s =
	SCHEMA("report range", report_range_f);

static const struct scn_field_desc report_f[] = {
	FSUB("ranges", SCN_FT_LIST, &report_range_s, 0,
	     "the MMIO ranges of the interface report, in order"),
};
static const struct scn_schema report_s = SCHEMA("report", report_f);

/* ---------------------------------------------------------- op fields */

static const struct scn_field_desc dev_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device function (TDI)"),
};
static const struct scn_field_desc connect_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device function (PF)"),
	F("ide", SCN_FT_BOOL, 0, "also program IDE keys (default true)"),
};
static const struct scn_field_desc bind_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the TDI"),
	FREF("guest", SCN_REF_GUEST, REQ, "the confidential guest"),
};
static const struct scn_field_desc policy_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the TDI"),
	FENUM("on_illegal", on_illegal_v, REQ,
	      "what the host does with an illegal guest.tdisp request"),
};
static const struct scn_field_desc dmabuf_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the exporting device"),
	F("bar", SCN_FT_BAR, REQ, "BAR to export"),
	F("offset", SCN_FT_SIZE, 0, "offset in the BAR (default 0)"),
	F("size", SCN_FT_SIZE, 0, "bytes (default: rest of the BAR)"),
	FENUM("flavor", flavor_v, REQ, "shared or private dma-buf"),
	FDEF("name", SCN_REF_DMABUF, REQ, "the dma-buf's name"),
};
static const struct scn_field_desc flavor_f[] = {
	FREF("name", SCN_REF_DMABUF, REQ, "the dma-buf"),
	FENUM("flavor", flavor_v, REQ, "new shareability"),
};
static const struct scn_field_desc dmabuf_ref_f[] = {
	FREF("name", SCN_REF_DMABUF, REQ, "the dma-buf"),
};
static const struct scn_field_desc mmap_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	F("bar", SCN_FT_BAR, REQ, "BAR to map"),
	FDEF("name", SCN_REF_MAPPING, REQ, "the mapping's name"),
};
static const struct scn_field_desc munmap_f[] = {
	FREF("name", SCN_REF_MAPPING, REQ, "the vfio.mmap mapping"),
	FREF("device", SCN_REF_DEVICE, 0, "the device (informative)"),
	F("bar", SCN_FT_BAR, 0, "the BAR (informative)"),
};
/* vfio.region_read / region_write: pread / pwrite of a BAR region */
static const struct scn_field_desc region_read_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	F("bar", SCN_FT_BAR, REQ, "BAR (region index)"),
	F("offset", SCN_FT_SIZE, REQ, "offset in the BAR"),
	F("size", SCN_FT_SIZE, 0, "1, 2, 4 or 8 bytes (default 4)"),
};
static const struct scn_field_desc region_write_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	F("bar", SCN_FT_BAR, REQ, "BAR (region index)"),
	F("offset", SCN_FT_SIZE, REQ, "offset in the BAR"),
	F("size", SCN_FT_SIZE, 0, "1, 2, 4 or 8 bytes (default 4)"),
	F("value", SCN_FT_ADDR, 0, "value written"),
};
static const struct scn_field_desc cfgw_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	FENUM("reg", reg_v, REQ, "config register written"),
	F("value", SCN_FT_ADDR, 0, "value written (default: unchanged)"),
};
static const struct scn_field_desc kvm_map_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	FREF("dmabuf", SCN_REF_DMABUF, REQ, "the dma-buf imported"),
	F("gpa", SCN_FT_ADDR, REQ, "GPA, without the shared/protected bit"),
	F("private", SCN_FT_BOOL, 0, "private stage-2 (default false)"),
	FENUM("populate", populate_v, 0, "fault (default) or eager"),
	F("page_size", SCN_FT_PAGE_SIZE, 0, "stage-2 page size"),
	F("static", SCN_FT_BOOL, 0, "pinning importer (MMIO must refuse)"),
};
static const struct scn_field_desc kvm_unmap_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	FREF("dmabuf", SCN_REF_DMABUF, 0,
	     "every slot of this dma-buf (with gpa: the same slot)"),
	F("gpa", SCN_FT_ADDR, 0, "GPA of the slot (gpa or dmabuf, or both)"),
	F("private", SCN_FT_BOOL, 0, "only that view's slots (default: any)"),
};
static const struct scn_field_desc ioas_f[] = {
	FDEF("name", SCN_REF_IOAS, REQ, "the IOAS's name"),
};
static const struct scn_field_desc attach_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	FREF("to", SCN_REF_IOAS_HWPT, REQ, "IOAS or HWPT"),
};
static const struct scn_field_desc detach_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	FREF("to", SCN_REF_IOAS_HWPT, 0, "IOAS or HWPT it is attached to"),
};
static const struct scn_field_desc map_f[] = {
	FREF("ioas", SCN_REF_IOAS, REQ, "the IOAS"),
	F("iova", SCN_FT_ADDR, 0, "IOVA (absent: allocated)"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
	FREF("guest", SCN_REF_GUEST, REQ, "guest whose RAM is mapped"),
	F("gpa", SCN_FT_ADDR, REQ, "GPA of the RAM"),
	F("page_size", SCN_FT_PAGE_SIZE, 0, "IOMMU page size"),
	FDEF("name", SCN_REF_AREA, 0, "area name (only without iova)"),
};
static const struct scn_field_desc map_dmabuf_f[] = {
	FREF("ioas", SCN_REF_IOAS, REQ, "the IOAS"),
	FREF("dmabuf", SCN_REF_DMABUF, REQ, "the dma-buf"),
	F("iova", SCN_FT_ADDR, 0, "IOVA (absent: allocated)"),
	F("offset", SCN_FT_SIZE, 0, "offset in the dma-buf"),
	F("size", SCN_FT_SIZE, 0, "bytes (default: the whole dma-buf)"),
	F("page_size", SCN_FT_PAGE_SIZE, 0, "IOMMU page size"),
	F("static", SCN_FT_BOOL, 0, "pinning importer (MMIO must refuse)"),
	FDEF("name", SCN_REF_AREA, 0, "area name (only without iova)"),
};
static const struct scn_field_desc unmap_f[] = {
	FREF("ioas", SCN_REF_IOAS, REQ, "the IOAS"),
	F("iova", SCN_FT_ADDR, 0, "first IOVA (with size)"),
	F("size", SCN_FT_SIZE, 0, "bytes; whole areas only"),
	FREF("area", SCN_REF_AREA, 0, "or: a named area"),
};
static const struct scn_field_desc copy_f[] = {
	FREF("src", SCN_REF_IOAS, REQ, "source IOAS"),
	FREF("dst", SCN_REF_IOAS, REQ, "destination IOAS"),
	F("src_iova", SCN_FT_ADDR, REQ, "IOVA in src"),
	F("dst_iova", SCN_FT_ADDR, REQ, "IOVA in dst"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
};
static const struct scn_field_desc allow_f[] = {
	FREF("ioas", SCN_REF_IOAS, REQ, "the IOAS"),
	FSUB("ranges", SCN_FT_LIST, &range_s, REQ, "[{iova, size}]"),
};
static const struct scn_field_desc reserve_f[] = {
	FREF("ioas", SCN_REF_IOAS, REQ, "the IOAS"),
	F("iova", SCN_FT_ADDR, REQ, "first IOVA"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
};
static const struct scn_field_desc hwpt_f[] = {
	FDEF("name", SCN_REF_HWPT, REQ, "the HWPT's name"),
	FREF("ioas", SCN_REF_IOAS, 0, "IOAS (a paging HWPT)"),
	FREF("parent", SCN_REF_HWPT, 0, "or: parent HWPT (nested)"),
	FREF("device", SCN_REF_DEVICE, REQ, "device it is allocated for"),
	F("nest_parent", SCN_FT_BOOL, 0, "may be a nesting parent"),
};
static const struct scn_field_desc invalidate_f[] = {
	FREF("hwpt", SCN_REF_HWPT, REQ, "the HWPT"),
	FSUB("entries", SCN_FT_LIST, &inval_s, REQ,
	     "[{iova, size} | {all: true}]"),
};
static const struct scn_field_desc viommu_f[] = {
	FDEF("name", SCN_REF_VIOMMU, REQ, "the vIOMMU's name"),
	FREF("hwpt", SCN_REF_HWPT, REQ, "nesting parent HWPT"),
	FREF("device", SCN_REF_DEVICE, REQ, "device behind the IOMMU"),
};
static const struct scn_field_desc vdevice_f[] = {
	FDEF("name", SCN_REF_VDEVICE, 0, "the vDEVICE's name"),
	FREF("viommu", SCN_REF_VIOMMU, REQ, "the vIOMMU"),
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	F("virt_id", SCN_FT_COUNT, REQ, "guest-visible ID (vRID)"),
};
static const struct scn_field_desc destroy_f[] = {
	FREF("name", SCN_REF_OBJECT, REQ, "any iommufd object"),
};
static const struct scn_field_desc guest_only_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
};
static const struct scn_field_desc host_read_f[] = {
	FREF("mapping", SCN_REF_MAPPING, REQ, "a vfio.mmap mapping"),
	F("offset", SCN_FT_SIZE, REQ, "offset in the mapping"),
	F("size", SCN_FT_SIZE, 0, "bytes (default 4)"),
};
static const struct scn_field_desc host_write_f[] = {
	FREF("mapping", SCN_REF_MAPPING, REQ, "a vfio.mmap mapping"),
	F("offset", SCN_FT_SIZE, REQ, "offset in the mapping"),
	F("size", SCN_FT_SIZE, 0, "bytes (default 4)"),
	F("value", SCN_FT_ADDR, 0, "value written"),
};
static const struct scn_field_desc guest_read_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	F("gpa", SCN_FT_ADDR, REQ, "GPA, without the shared/protected bit"),
	F("private", SCN_FT_BOOL, 0, "private view (default false)"),
	F("size", SCN_FT_SIZE, 0, "bytes (default 4)"),
};
static const struct scn_field_desc guest_write_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	F("gpa", SCN_FT_ADDR, REQ, "GPA, without the shared/protected bit"),
	F("private", SCN_FT_BOOL, 0, "private view (default false)"),
	F("size", SCN_FT_SIZE, 0, "bytes (default 4)"),
	F("value", SCN_FT_ADDR, 0, "value written"),
};
static const struct scn_field_desc accept_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	FREF("device", SCN_REF_DEVICE, REQ, "the TDI"),
	F("bar", SCN_FT_BAR, 0, "one BAR only (default: all TEE ranges)"),
};
static const struct scn_field_desc guest_tdisp_f[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	FREF("device", SCN_REF_DEVICE, REQ, "the TDI"),
	F("request", SCN_FT_TDISP_REQ, REQ, "TDISP request name"),
};
static const struct scn_field_desc dma_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the requester"),
	F("iova", SCN_FT_ADDR, REQ, "address on the bus"),
	F("size", SCN_FT_SIZE, REQ, "bytes"),
	F("write", SCN_FT_BOOL, 0, "a write (default false: read)"),
	F("tee", SCN_FT_BOOL, 0, "T=1 request (default false)"),
};
static const struct scn_field_desc dev_tdisp_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the TDI"),
	F("request", SCN_FT_TDISP_REQ, REQ, "TDISP request name"),
	FENUM("nonce", nonce_v, 0, "valid (default), wrong or stale"),
	F("offset", SCN_FT_SIZE, 0, "GET_REPORT: offset"),
	F("length", SCN_FT_SIZE, 0, "GET_REPORT: length"),
	F("flags", SCN_FT_ADDR, 0, "LOCK: FLAGS (u16)"),
	F("stream_id", SCN_FT_COUNT, 0, "LOCK: default stream ID"),
	F("mmio_reporting_offset", SCN_FT_ADDR, 0, "LOCK: MMIO offset"),
	F("bind_p2p_address_mask", SCN_FT_ADDR, 0, "LOCK: P2P mask"),
	F("version", SCN_FT_ADDR, 0, "header TDISP version (default 0x10)"),
	F("wait", SCN_FT_BOOL, 0,
	  "false: the step ends once the request is sent (default true)"),
	F("range_id", SCN_FT_BAR, 0, "SET_MMIO_ATTRIBUTE: Range ID (BAR)"),
	F("first_page", SCN_FT_ADDR, 0,
	  "SET_MMIO_ATTRIBUTE: FIRST_PAGE (default: the reported one)"),
	F("num_pages", SCN_FT_COUNT, 0,
	  "SET_MMIO_ATTRIBUTE: 4 KiB pages (default: the reported ones)"),
	F("non_tee", SCN_FT_BOOL, 0, "SET_MMIO_ATTRIBUTE: new IS_NON_TEE_MEM"),
	F("attributes", SCN_FT_ADDR, 0,
	  "SET_MMIO_ATTRIBUTE: raw Range Attributes 15:0 (over non_tee)"),
};
static const struct scn_field_desc dev_ide_f[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
	FENUM("state", ide_state_v, REQ, "new IDE stream state"),
};
static const struct scn_field_desc assert_f[] = {
	F("state", SCN_FT_STATE_MAP, 0, "{DEVICE: TDISP state}"),
	FSUB("translate", SCN_FT_LIST, &translate_s, 0,
	     "[{ioas, iova | guest, gpa, private, to}]"),
	F("response", SCN_FT_CONSTRAINT_MAP, 0,
	  "{FIELD: constraint} of the last device.tdisp response"),
	FSUB("report", SCN_FT_MAP, &report_s, 0,
	     "{ranges: [{bar, pages, non_tee, msix}]}"),
	F("last", SCN_FT_CONSTRAINT_MAP, 0,
	  "{COUNTER: constraint} the previous step reported"),
};

#define OP(id, n, k, h, f) \
	[SCN_OPID_##id] = { .name = (n), .kind = (k), .help = (h), \
			    .schema = SCHEMA(n, f) }
#define OPER SCN_OP_OPERATION
#define ACC SCN_OP_ACCESS

const struct scn_op_desc scn_ops[SCN_OPID_NR] = {
	OP(TSM_CONNECT, "tsm.connect", OPER,
	   "SPDM session, IDE keys when ide", connect_f),
	OP(TSM_DISCONNECT, "tsm.disconnect", OPER,
	   "unbind TDIs, then tear down", dev_f),
	OP(TSM_BIND, "tsm.bind", OPER,
	   "the arch's bind; TDI ends CONFIG_LOCKED", bind_f),
	OP(TSM_UNBIND, "tsm.unbind", OPER,
	   "STOP, revoke + unmap, metadata", dev_f),
	OP(TSM_POLICY, "tsm.policy", OPER,
	   "host policy for illegal guest requests",
	   policy_f),
	OP(VFIO_DMABUF, "vfio.dmabuf", OPER,
	   "export a BAR range as a dma-buf", dmabuf_f),
	OP(VFIO_DMABUF_FLAVOR, "vfio.dmabuf_flavor", OPER,
	   "flip shareability in place", flavor_f),
	OP(VFIO_DMABUF_REVOKE, "vfio.dmabuf_revoke", OPER,
	   "exporter-side revoke", dmabuf_ref_f),
	OP(VFIO_DMABUF_UNREVOKE, "vfio.dmabuf_unrevoke", OPER,
	   "restore a revoked dma-buf",
	   dmabuf_ref_f),
	OP(VFIO_DMABUF_CLOSE, "vfio.dmabuf_close", OPER,
	   "release the dma-buf", dmabuf_ref_f),
	OP(VFIO_MMAP, "vfio.mmap", OPER,
	   "host-userspace mapping of a BAR", mmap_f),
	OP(VFIO_MUNMAP, "vfio.munmap", OPER,
	   "remove a vfio.mmap mapping", munmap_f),
	OP(VFIO_REGION_READ, "vfio.region_read", ACC,
	   "pread of a BAR through the kernel's barmap", region_read_f),
	OP(VFIO_REGION_WRITE, "vfio.region_write", ACC,
	   "pwrite of a BAR through the kernel's barmap", region_write_f),
	OP(VFIO_CONFIG_WRITE, "vfio.config_write", OPER,
	   "config space write (msix: the host MSI-X set-up)", cfgw_f),
	OP(VFIO_RESET, "vfio.reset", OPER, "function level reset", dev_f),
	OP(KVM_MAP, "kvm.map", OPER, "import a dma-buf into a guest stage-2",
	   kvm_map_f),
	OP(KVM_UNMAP, "kvm.unmap", OPER, "remove slots by gpa and/or dma-buf",
	   kvm_unmap_f),
	OP(IOMMUFD_IOAS, "iommufd.ioas", OPER, "allocate an IOAS", ioas_f),
	OP(IOMMUFD_ATTACH, "iommufd.attach", OPER,
	   "attach a device to an IOAS/HWPT",
	   attach_f),
	OP(IOMMUFD_DETACH, "iommufd.detach", OPER, "detach a device", detach_f),
	OP(IOMMUFD_REPLACE, "iommufd.replace", OPER,
	   "replace the domain without a gap",
	   attach_f),
	OP(IOMMUFD_MAP, "iommufd.map", OPER, "map guest RAM for DMA", map_f),
	OP(IOMMUFD_MAP_DMABUF, "iommufd.map_dmabuf", OPER,
	   "map a dma-buf (P2P MMIO)",
	   map_dmabuf_f),
	OP(IOMMUFD_UNMAP, "iommufd.unmap", OPER, "unmap whole areas", unmap_f),
	OP(IOMMUFD_COPY, "iommufd.copy", OPER, "IOMMU_IOAS_COPY", copy_f),
	OP(IOMMUFD_ALLOW_IOVAS, "iommufd.allow_iovas", OPER,
	   "set the allowed IOVA ranges",
	   allow_f),
	OP(IOMMUFD_RESERVE, "iommufd.reserve", OPER,
	   "reserve an IOVA range", reserve_f),
	OP(IOMMUFD_HWPT, "iommufd.hwpt", OPER,
	   "allocate a HWPT, nested with parent",
	   hwpt_f),
	OP(IOMMUFD_INVALIDATE, "iommufd.invalidate", OPER,
	   "user invalidation of a HWPT",
	   invalidate_f),
	OP(IOMMUFD_VIOMMU, "iommufd.viommu", OPER,
	   "allocate a vIOMMU", viommu_f),
	OP(IOMMUFD_VDEVICE, "iommufd.vdevice", OPER,
	   "allocate a vDEVICE", vdevice_f),
	OP(IOMMUFD_DESTROY, "iommufd.destroy", OPER,
	   "destroy an iommufd object", destroy_f),
	OP(VM_DESTROY, "vm.destroy", OPER, "destroy a guest", guest_only_f),
	OP(HOST_READ, "host.read", ACC, "host CPU read through a vfio.mmap",
	   host_read_f),
	OP(HOST_WRITE, "host.write", ACC, "host CPU write through a vfio.mmap",
	   host_write_f),
	OP(GUEST_READ, "guest.read", ACC, "one guest CPU read", guest_read_f),
	OP(GUEST_WRITE, "guest.write", ACC,
	   "one guest CPU write", guest_write_f),
	OP(GUEST_VALIDATE, "guest.validate", OPER,
	   "validate/accept the TDI's TEE ranges",
	   accept_f),
	OP(GUEST_START, "guest.start", OPER,
	   "START_INTERFACE from the guest", accept_f),
	OP(GUEST_ACCEPT, "guest.accept", OPER,
	   "START and validate, in the arch's order",
	   accept_f),
	OP(GUEST_TDISP, "guest.tdisp", OPER,
	   "guest TDISP request relayed by the host",
	   guest_tdisp_f),
	OP(DEVICE_DMA, "device.dma", ACC, "one DMA request", dma_f),
	OP(DEVICE_TDISP, "device.tdisp", OPER,
	   "a raw TDISP request from the TSM",
	   dev_tdisp_f),
	OP(DEVICE_IDE, "device.ide", OPER,
	   "the IDE stream changes state", dev_ide_f),
	OP(ASSERT, "assert", SCN_OP_ASSERT, "check the model at this point",
	   assert_f),
};
const size_t scn_nops = ARRAY_SIZE(scn_ops);

/* ------------------------------------------------------------- faults */

static const struct scn_field_desc f_none[] = {
	F("count", SCN_FT_COUNT, 0, "how many times (default 1)"),
};
static const struct scn_field_desc f_delay[] = {
	F("delay", SCN_FT_DURATION, REQ, "extra latency"),
};
static const struct scn_field_desc f_dev_opt[] = {
	FREF("device", SCN_REF_DEVICE, 0, "only this device (default: any)"),
	F("count", SCN_FT_COUNT, 0, "how many requests (default 1)"),
};
static const struct scn_field_desc f_tdisp_err[] = {
	F("error", SCN_FT_TDISP_ERR, REQ, "the TDISP error returned"),
	FREF("device", SCN_REF_DEVICE, 0, "only this device (default: any)"),
};
static const struct scn_field_desc f_dev[] = {
	FREF("device", SCN_REF_DEVICE, REQ, "the device"),
};
static const struct scn_field_desc f_importer[] = {
	FREF("importer", SCN_REF_IMPORTER, REQ,
	     "kvm, kvm:GUEST, iommufd or iommufd:IOAS"),
};
static const struct scn_field_desc f_slow[] = {
	FREF("importer", SCN_REF_IMPORTER, REQ,
	     "kvm, kvm:GUEST, iommufd or iommufd:IOAS"),
	F("delay", SCN_FT_DURATION, REQ, "added to the importer's unmap"),
};
static const struct scn_field_desc f_swap[] = {
	FREF("with", SCN_REF_LABEL, 0, "the other step (default: next)"),
};
static const struct scn_field_desc f_access[] = {
	FREF("guest", SCN_REF_GUEST, REQ, "the guest"),
	F("gpa", SCN_FT_ADDR, REQ, "GPA, without the shared/protected bit"),
	F("private", SCN_FT_BOOL, 0, "private view (default false)"),
	F("write", SCN_FT_BOOL, 0, "a write (default false)"),
	F("size", SCN_FT_SIZE, 0, "bytes (default 4)"),
};
static const struct scn_field_desc f_fw[] = {
	F("call", SCN_FT_STRING, REQ, "firmware call, e.g. TDH.MMIO.MAP"),
	F("error", SCN_FT_STRING, REQ, "firmware error name returned"),
};

#define FAULT(id, n, h, p) \
	[SCN_FAULT_##id] = { .name = (n), .help = (h), .params = SCHEMA(n, p) }

const struct scn_fault_desc scn_faults[SCN_FAULT_NR] = {
	FAULT(DROP_INVALIDATION, "drop-invalidation",
	      "an IOTLB/TLB invalidation is lost", f_none),
	FAULT(DELAY_INVALIDATION, "delay-invalidation",
	      "invalidations complete later", f_delay),
	FAULT(TDISP_DROP, "tdisp-drop",
	      "a TDISP request is dropped (DOE timeout)", f_dev_opt),
	FAULT(TDISP_BUSY, "tdisp-busy", "the DSM answers BUSY", f_dev_opt),
	FAULT(TDISP_ERROR, "tdisp-error", "the DSM answers a TDISP error",
	      f_tdisp_err),
	FAULT(NONCE_CORRUPT, "nonce-corrupt",
	      "the next START carries a wrong nonce", f_dev_opt),
	FAULT(IDE_INSECURE, "ide-insecure", "the IDE stream goes insecure",
	      f_dev),
	FAULT(DEVICE_FLR, "device-flr", "a function level reset of the device",
	      f_dev),
	FAULT(CONVENTIONAL_RESET, "conventional-reset",
	      "hot/warm reset of the device: TDIs unlocked, session gone", f_dev),
	FAULT(LINK_DOWN, "link-down", "the link goes down (IDE insecure, ur)",
	      f_dev),
	FAULT(HOT_UNPLUG, "hot-unplug", "the device disappears", f_dev),
	FAULT(IMPORTER_IGNORES_REVOKE, "importer-ignores-revoke",
	      "an importer keeps its mapping", f_importer),
	FAULT(IMPORTER_SLOW_UNMAP, "importer-slow-unmap",
	      "an importer unmaps late", f_slow),
	[SCN_FAULT_SKIP_STEP] = { .name = "skip-step",
				  .help = "the step at the point does not run",
				  .params = { .what = "skip-step" } },
	FAULT(SWAP_STEPS, "swap-steps", "the step runs after the next one",
	      f_swap),
	FAULT(GUEST_ACCESS, "guest-access", "a guest access at the point",
	      f_access),
	FAULT(FIRMWARE_ERROR, "firmware-error", "an arch firmware call fails",
	      f_fw),
};
const size_t scn_nfaults = ARRAY_SIZE(scn_faults);

/* ------------------------------------------------------------ lookups */

int scn_op_find(const char *name)
{
	size_t i;

	for (i = 0; i < scn_nops; i++)
		if (!strcmp(scn_ops[i].name, name))
			return (int)i;
	return -1;
}

int scn_fault_find(const char *name)
{
	size_t i;

	for (i = 0; i < scn_nfaults; i++)
		if (!strcmp(scn_faults[i].name, name))
			return (int)i;
	return -1;
}

int scn_name_index(const char *const *list, const char *name)
{
	int i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return i;
	return -1;
}

const char *scn_op_kind_name(enum scn_op_kind k)
{
	static const char *const names[] = {
		[SCN_OP_OPERATION] = "operation",
		[SCN_OP_ACCESS] = "access",
		[SCN_OP_ASSERT] = "assert",
	};

	return (unsigned int)k < ARRAY_SIZE(names) ? names[k] : "?";
}

const char *scn_ftype_name(enum scn_ftype t)
{
	static const char *const names[SCN_FT_NR] = {
		[SCN_FT_STRING] = "string",
		[SCN_FT_NAME] = "name",
		[SCN_FT_DEFINE] = "new name",
		[SCN_FT_REF] = "reference",
		[SCN_FT_BOOL] = "bool",
		[SCN_FT_COUNT] = "count",
		[SCN_FT_SIZE] = "size",
		[SCN_FT_ADDR] = "address",
		[SCN_FT_DURATION] = "duration",
		[SCN_FT_ENUM] = "enum",
		[SCN_FT_PAGE_SIZE] = "page size",
		[SCN_FT_BAR] = "BAR index",
		[SCN_FT_TDISP_REQ] = "TDISP request",
		[SCN_FT_TDISP_ERR] = "TDISP error",
		[SCN_FT_TDISP_STATE] = "TDISP state",
		[SCN_FT_CONSTRAINT] = "count constraint",
		[SCN_FT_CONSTRAINT_MAP] = "map of constraints",
		[SCN_FT_STATE_MAP] = "map of TDISP states",
		[SCN_FT_RESULTS] = "list of results",
		[SCN_FT_TARGET] = "target",
		[SCN_FT_MAP] = "map",
		[SCN_FT_LIST] = "list of maps",
	};

	return (unsigned int)t < SCN_FT_NR ? names[t] : "?";
}

const char *scn_ref_name(enum scn_ref r)
{
	static const char *const names[SCN_REF_NR] = {
		[SCN_REF_NONE] = "-",
		[SCN_REF_DEVICE] = "device",
		[SCN_REF_GUEST] = "guest",
		[SCN_REF_DMABUF] = "dma-buf",
		[SCN_REF_MAPPING] = "mapping",
		[SCN_REF_IOAS] = "IOAS",
		[SCN_REF_HWPT] = "HWPT",
		[SCN_REF_IOAS_HWPT] = "IOAS or HWPT",
		[SCN_REF_VIOMMU] = "vIOMMU",
		[SCN_REF_VDEVICE] = "vDEVICE",
		[SCN_REF_OBJECT] = "iommufd object",
		[SCN_REF_AREA] = "area",
		[SCN_REF_LABEL] = "label",
		[SCN_REF_IMPORTER] = "importer",
	};

	return (unsigned int)r < SCN_REF_NR ? names[r] : "?";
}
