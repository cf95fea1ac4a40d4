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
	/* Requests the server failed because the host did (the backing
	 * file's write or fallocate, the undo file, the write log), and the
	 * first one's errno: the host's failure, not the cut's.  Server only. */
	uint64_t host_failed;
	int32_t host_errno;
};

/* The undo file (--undo) and the write log (--log) the server keeps are
 * fuselog.h's. */

/* A snapshot of the server's counters (backend fuse only; -1 otherwise). */
int pc_backend_fuse_counters(const struct pc_backend *b,
			     struct pc_fuse_counters *out);

#endif
