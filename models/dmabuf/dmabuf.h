/* SPDX-License-Identifier: MIT */
/*
 * dmabuf.h - the dma-buf core: exporters, dynamic attachments with an
 * importer callback (move_notify), per-attachment map / unmap, and the
 * revoke that completes only when every importer has unmapped.
 *
 * Facts (docs/host.md):
 *  - drivers/dma-buf/dma-buf.c: importers attach with dma_buf_dynamic_attach()
 *    and a move_notify callback; on move_notify they must drop their
 *    mappings; re-mapping a revoked buffer fails; an address handed out
 *    must not be reused until every importer has unmapped.
 *  - drivers/vfio/pci/vfio_pci_dmabuf.c: the MMIO exporter refuses pinning
 *    (vfio_pci_dma_buf_pin() returns -EOPNOTSUPP, so a static importer's
 *    dma_buf_attach() fails with it); attach and map of a revoked buffer
 *    fail with -ENODEV (vfio_pci_dma_buf_attach(), vfio_pci_dma_buf_map()).
 *  - The newer revoke (dma_buf_invalidate_mappings) waits for every importer
 *    to unmap, with a disputed 1 s timeout.
 *
 * Timing.  move_notify is sent at the revoke cycle (a SIM_REC_DMABUF
 * "move_notify" record per mapped attachment).  The importer acts on it
 * @unmap_lat cycles later (default: timing importer_unmap; KVM sets
 * kvm_zap) plus any injected slow-unmap delay: then its callback runs and
 * it drops its mapping, calling dmabuf_unmap() at once or later (iommufd
 * does so when its IOTLB invalidation completes).  The revoke completes
 * with the last dmabuf_unmap().
 *
 * Fault hooks (docs/scenarios.md).  importer-ignores-revoke: the named
 * importer never gets its callback, keeps its mapping and never unmaps; the
 * revoke then ends after revoke_timeout (default 1 s, the disputed
 * timeout) with the result "ETIMEDOUT", the buffer revoked and that
 * importer's mapping still alive (H4 stays visible to the checkers).
 * importer-slow-unmap: the named importer acts on move_notify `delay`
 * cycles late.  A fault's importer name matches an attachment whose
 * importer is that name, or whose importer starts with that name and a
 * '.' ("kvm" matches "kvm.vm0").
 */
#ifndef TSMSIM_MODELS_DMABUF_DMABUF_H
#define TSMSIM_MODELS_DMABUF_DMABUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

struct dmabuf_core;
struct dmabuf;
struct dmabuf_attach;

/**
 * struct dmabuf_exporter_ops - exporter callbacks (may be NULL members).
 * @moved:   a revoke / flavor move finished: every importer has unmapped
 *           (or the timeout fired); @timed_out says which
 * @release: the last reference is gone (closed and no attachment left);
 *           the buffer is freed right after
 */
struct dmabuf_exporter_ops {
	void (*moved)(void *ctx, struct dmabuf *buf, bool timed_out);
	void (*release)(void *ctx, struct dmabuf *buf);
};

/**
 * struct dmabuf_importer_ops - a dynamic importer.
 * @move_notify: the exporter moved or revoked the buffer: drop the
 *               mapping and call dmabuf_unmap() (now or when the teardown
 *               completes).  Called at the revoke cycle plus the
 *               attachment's unmap latency.  Must not free @att.
 */
struct dmabuf_importer_ops {
	void (*move_notify)(void *ctx, struct dmabuf_attach *att);
};

/**
 * struct dmabuf_export_info - what an exporter provides.
 * @name:    unique among live buffers (scenario `name:`); copied
 * @hpa, @size: the one physical range (VFIO exports one range per buffer)
 * @mmio:    device MMIO: pinning (static importers) is refused
 * @priv:    private flavor (TEE MMIO for the private stage-2)
 * @revoked: start revoked (VFIO: memory decode is off at export)
 */
struct dmabuf_export_info {
	const char *name;
	uint64_t hpa, size;
	bool mmio;
	bool priv;
	bool revoked;
	const struct dmabuf_exporter_ops *ops;
	void *ctx;
};

/**
 * dmabuf_core_create() - the per-sim dma-buf registry.
 * @s:              the engine (events, trace)
 * @importer_unmap: default importer unmap latency in cycles
 * @revoke_timeout: how long a revoke waits for importers (0: forever)
 *
 * Returns NULL when out of memory.
 */
struct dmabuf_core *dmabuf_core_create(struct sim *s,
				       sim_cycles_t importer_unmap,
				       sim_cycles_t revoke_timeout);

/**
 * dmabuf_core_destroy() - free every buffer and attachment, cancel events.
 * @c: the core, or NULL
 */
void dmabuf_core_destroy(struct dmabuf_core *c);

/**
 * dmabuf_core_set_timing() - change the latencies (timing block).
 * @c: the core  @importer_unmap: default for new attachments
 * @revoke_timeout: for revokes started from now (0: wait forever)
 */
void dmabuf_core_set_timing(struct dmabuf_core *c, sim_cycles_t importer_unmap,
			    sim_cycles_t revoke_timeout);

/**
 * dmabuf_export() - create a buffer (SIM_REC_DMABUF "export").
 * @c:    the core
 * @info: see struct dmabuf_export_info
 * @out:  the buffer
 *
 * Returns 0, -EEXIST when the name is taken, -EINVAL for an empty range
 * or a missing name.
 */
int dmabuf_export(struct dmabuf_core *c, const struct dmabuf_export_info *info,
		  struct dmabuf **out);

/**
 * dmabuf_find() - a live buffer by name, or NULL.
 * @c:    the core
 * @name: its name
 */
struct dmabuf *dmabuf_find(const struct dmabuf_core *c, const char *name);

/** dmabuf_name() - the buffer's name. @buf: the buffer */
const char *dmabuf_name(const struct dmabuf *buf);
/** dmabuf_hpa() - first HPA of the range. @buf: the buffer */
uint64_t dmabuf_hpa(const struct dmabuf *buf);
/** dmabuf_size() - bytes in the range. @buf: the buffer */
uint64_t dmabuf_size(const struct dmabuf *buf);
/** dmabuf_is_revoked() - the exporter revoked it. @buf: the buffer */
bool dmabuf_is_revoked(const struct dmabuf *buf);
/** dmabuf_is_private() - private flavor. @buf: the buffer */
bool dmabuf_is_private(const struct dmabuf *buf);
/** dmabuf_is_closed() - the exporter's fd is closed. @buf: the buffer */
bool dmabuf_is_closed(const struct dmabuf *buf);
/** dmabuf_exporter_ctx() - @ctx given at export. @buf: the buffer */
void *dmabuf_exporter_ctx(const struct dmabuf *buf);
/** dmabuf_attach_count() - attachments. @buf: the buffer */
size_t dmabuf_attach_count(const struct dmabuf *buf);
/** dmabuf_mapped_count() - attachments currently mapped. @buf: the buffer */
size_t dmabuf_mapped_count(const struct dmabuf *buf);
/** dmabuf_move_pending() - a revoke / move waits for importers. @buf: it */
bool dmabuf_move_pending(const struct dmabuf *buf);

/* ------------------------------------------------------------ importers */

/**
 * dmabuf_attach() - attach an importer.
 * @buf:      the buffer
 * @importer: its name, for traces and fault matching ("kvm.vm0"); copied
 * @dynamic:  a dynamic importer with move_notify; false = a static
 *            (pinning) importer, refused by MMIO exporters
 * @ops:      callbacks (required when @dynamic)
 * @ctx:      for @ops
 * @out:      the attachment
 *
 * Returns 0; -EOPNOTSUPP for a static importer of an MMIO buffer
 * (vfio_pci_dma_buf_pin()); -ENODEV when the buffer is revoked
 * (vfio_pci_dma_buf_attach()); -EINVAL for a dynamic importer without
 * move_notify or a closed buffer.
 */
int dmabuf_attach(struct dmabuf *buf, const char *importer, bool dynamic,
		  const struct dmabuf_importer_ops *ops, void *ctx,
		  struct dmabuf_attach **out);

/**
 * dmabuf_detach() - drop an attachment (unmapping it first if mapped).
 * @att: the attachment; freed, and the buffer too when it was the last
 *       reference of a closed buffer
 */
void dmabuf_detach(struct dmabuf_attach *att);

/**
 * dmabuf_map() - map the attachment (dma_buf_map_attachment()).
 * @att: the attachment
 * @hpa: out: the range's first HPA (may be NULL)
 *
 * Returns 0, -ENODEV when revoked (re-mapping a revoked buffer fails),
 * -EBUSY when already mapped.
 */
int dmabuf_map(struct dmabuf_attach *att, uint64_t *hpa);

/**
 * dmabuf_unmap() - the importer has dropped its mapping (SIM_REC_DMABUF
 * "unmapped").  The last one completes a pending revoke or move.
 * @att: the attachment; a no-op when not mapped
 */
void dmabuf_unmap(struct dmabuf_attach *att);

/**
 * dmabuf_attach_set_unmap_lat() - cycles the importer needs to act on
 * move_notify (default: the core's importer_unmap).
 * @att: the attachment
 * @lat: cycles
 */
void dmabuf_attach_set_unmap_lat(struct dmabuf_attach *att, sim_cycles_t lat);
/** dmabuf_attach_buf() - the attachment's buffer. @att: the attachment */
struct dmabuf *dmabuf_attach_buf(const struct dmabuf_attach *att);
/** dmabuf_attach_importer() - the importer name. @att: the attachment */
const char *dmabuf_attach_importer(const struct dmabuf_attach *att);
/**
 * dmabuf_attach_published() - the importer published @map_id (its page
 * table mapping of the buffer) in the ownership index; traced as a "map"
 * record so the checkers can tell a use after revoke.  0 is ignored.
 * @att:    the attachment
 * @map_id: the mem mapping id
 */
void dmabuf_attach_published(struct dmabuf_attach *att, uint64_t map_id);
/** dmabuf_attach_is_mapped() - mapped now. @att: the attachment */
bool dmabuf_attach_is_mapped(const struct dmabuf_attach *att);
/** dmabuf_attach_ctx() - the importer's @ctx. @att: the attachment */
void *dmabuf_attach_ctx(const struct dmabuf_attach *att);

/* ------------------------------------------------------------- exporter */

/**
 * dmabuf_revoke_now() - revoke at the current cycle, from a sub-operation.
 * @buf: the buffer
 * @q:   the step's sequence to pause until every importer unmapped, or
 *       NULL (a revoke outside any step: nobody waits)
 *
 * Sets the revoked flag, sends move_notify to every mapped attachment.
 * Returns NULL when nothing is mapped (or @q is NULL, or the buffer was
 * already revoked with no move pending), else SIM_SEQ_WAIT: @q is resumed
 * with NULL when the last importer unmaps, or with "ETIMEDOUT".
 */
const char *dmabuf_revoke_now(struct dmabuf *buf, struct sim_seq *q);

/**
 * dmabuf_unrevoke_now() - restore a revoked buffer; importers may map again.
 * @buf: the buffer
 *
 * Returns NULL, or "EBUSY" while a revoke still waits for importers.
 */
const char *dmabuf_unrevoke_now(struct dmabuf *buf);

/**
 * dmabuf_set_private_now() - flip the flavor in place (the single-dma-buf
 * alternative, docs/sources.md sequence B): every mapped importer gets
 * move_notify and must unmap; the buffer is not revoked, so importers may
 * map again (and see the new flavor).
 * @buf:  the buffer
 * @priv: the new flavor
 * @q:    as dmabuf_revoke_now()
 *
 * Returns NULL (no change or nothing mapped), SIM_SEQ_WAIT, or "ENODEV"
 * when the buffer is revoked.
 */
const char *dmabuf_set_private_now(struct dmabuf *buf, bool priv,
				   struct sim_seq *q);

/**
 * dmabuf_close() - the exporter's fd is closed (SIM_REC_DMABUF "close").
 * @buf: the buffer; freed now when no attachment is left, else when the
 *       last importer detaches.  Its name is free for reuse at once.
 */
void dmabuf_close(struct dmabuf *buf);

/* ------------------------------------------------------- fault hooks */

/**
 * dmabuf_fault_ignore_revoke() - importers matching @importer keep their
 * mappings on move_notify (importer-ignores-revoke).
 * @c:        the core
 * @importer: importer name or prefix (see the header comment); copied
 */
void dmabuf_fault_ignore_revoke(struct dmabuf_core *c, const char *importer);

/**
 * dmabuf_fault_slow_unmap() - importers matching @importer act on
 * move_notify @delay cycles late (importer-slow-unmap).
 * @c:        the core
 * @importer: importer name or prefix; copied
 * @delay:    extra cycles
 */
void dmabuf_fault_slow_unmap(struct dmabuf_core *c, const char *importer,
			     sim_cycles_t delay);

#endif /* TSMSIM_MODELS_DMABUF_DMABUF_H */
