/* fuse_flakey.h - what backend_fuse.c (the parent) and fuse_server.c
 * (the `powercut __fuse-server` process) share: the control block.
 *
 * The control block lives in a small file in the case folder that both
 * processes map MAP_SHARED.  The parent stores the mode; the server loads it
 * for every request, so a mode stored before set_mode returns applies to
 * every request the server starts afterwards.  The server counts what it saw
 * for debugging.
 */
#ifndef PC_FUSE_FLAKEY_H
#define PC_FUSE_FLAKEY_H

#include <stdint.h>
#include "device/backend.h"

#define PC_FUSE_CTL_MAGIC 0x70636675u /* "pcfu" */
#define PC_FUSE_DISK_NAME "disk"      /* the one file the server exposes */

/* Counters of one kind of request: seen = dropped + failed + passed. */
struct pc_fuse_count {
	uint64_t seen, dropped, failed;
};

struct pc_fuse_counters {
	struct pc_fuse_count writes;   /* write requests */
	struct pc_fuse_count bytes;    /* bytes in write requests */
	struct pc_fuse_count flushes;  /* fsync requests (block device flushes) */
	struct pc_fuse_count discards; /* fallocate requests (discard, zeroout) */
};

struct pc_fuse_ctl {
	uint32_t magic;
	uint32_t mode;                 /* enum pc_flakey_mode; atomic access */
	/* 1 while the server handles a write, flush or discard.  With the mode
	 * store before its load (both seq_cst), the parent that sees 0 after
	 * storing a cut knows no request judged under "allow" is still running. */
	uint32_t busy;
	/* Volatile write cache: the parent bumps this after it has rolled the
	 * backing file back and emptied the undo file; the server then forgets
	 * which blocks it had saved. */
	uint32_t undo_epoch;
	struct pc_fuse_counters count; /* written by the server only */
};

/* The undo file of the volatile write cache (--undo): one record per
 * PC_FUSE_GRANULE-sized block first written since the last flush, holding
 * the block's content as of that flush.  Rolling every record back puts
 * the device where it was at its last flush. */
#define PC_FUSE_GRANULE 4096u

/* The write log (--log): every write, flush and discard the device passed
 * from its creation to the first cut, in order.  Replaying a prefix onto a
 * zeroed file of the device's size rebuilds the device as it was at that
 * point: at a flush mark, what a power cut right after that flush would
 * leave on a disk with a volatile cache (crashpoints.c). */
enum pc_fuse_log_kind {
	PC_LOG_WRITE = 1,   /* followed by `length` bytes of data */
	PC_LOG_FLUSH = 2,
	PC_LOG_DISCARD = 3, /* fallocate(2) with mode `arg` */
};
struct pc_fuse_log_rec {
	uint32_t kind;
	uint32_t arg;
	uint64_t offset;
	uint64_t length;
};
struct pc_fuse_undo_rec {
	uint64_t offset; /* byte offset of the block in the device */
	uint32_t length; /* PC_FUSE_GRANULE, less for the device's last block */
	uint32_t pad;
	/* followed by `length` bytes of old content */
};

/* A snapshot of the server's counters (backend fuse only; -1 otherwise). */
int pc_backend_fuse_counters(const struct pc_backend *b,
			     struct pc_fuse_counters *out);

#endif
