/* logwrites.h - read the kernel's dm-log-writes log.
 *
 * The log-writes target (Documentation/admin-guide/device-mapper/
 * log-writes.rst) records every write, flush, FUA write and discard that
 * reaches it, in the order the data reached the disk, on a log device:
 *
 *   byte 0:           super  {le64 magic, le64 version, le64 nr_entries,
 *                             le32 sectorsize}, padded to sectorsize
 *   then per entry:   header {le64 sector, le64 nr_sectors, le64 flags,
 *                             le64 data_len}, padded to sectorsize (a mark
 *                             keeps its name right after the header)
 *                     nr_sectors * sectorsize bytes of data (writes only)
 *
 * sector and nr_sectors count sectorsize units of the logged device.  The
 * target stops logging when the log device is full ("Ran out of space on
 * the logdev") and at removal appends a mark "dm-log-writes-end".
 *
 * powercut converts the log into the fuse device's own write-log format
 * (fuselog.h), so one replay (crashpoints.c) serves both backends:
 *   write            -> PC_LOG_WRITE (split into pieces of at most 1 MiB)
 *   flush (PREFLUSH) -> PC_LOG_FLUSH before the entry's data
 *   FUA write        -> its data, then PC_LOG_FLUSH: in the log's order
 *                       everything before a completed FUA write is on the
 *                       disk, so the state right after it is a crash point
 *                       (xfstests' replay-log --check fua checks it too)
 *   discard          -> PC_LOG_DISCARD (punch a hole: reads back zeros)
 *   mark             -> noted with the number of flushes before it
 */
#ifndef PC_LOGWRITES_H
#define PC_LOGWRITES_H

#include <stddef.h>
#include <stdint.h>

#define PC_LOGWRITES_MAGIC 0x6a736677736872ULL
#define PC_LOGWRITES_VERSION 1ULL
#define PC_LOGWRITES_FLUSH (1u << 0)
#define PC_LOGWRITES_FUA (1u << 1)
#define PC_LOGWRITES_DISCARD (1u << 2)
#define PC_LOGWRITES_MARK (1u << 3)
#define PC_LOGWRITES_METADATA (1u << 4)
/* The mark the target writes when it is removed with its log intact. */
#define PC_LOGWRITES_END_MARK "dm-log-writes-end"

#define PC_LOGWRITES_MAX_MARKS 16

struct pc_logwrites_mark {
	char name[64];
	uint64_t entry;    /* its index in the log (0-based) */
	uint64_t flushes;  /* flush records written to the output before it */
};

struct pc_logwrites_info {
	uint32_t sectorsize;
	uint64_t nr_entries;     /* as the super says */
	uint64_t entries;        /* entries read (up to the stop mark) */
	uint64_t writes, discards, flushes, fuas;
	uint64_t bytes;          /* data bytes of the writes read */
	uint64_t log_bytes;      /* of the output */
	struct pc_logwrites_mark marks[PC_LOGWRITES_MAX_MARKS];
	size_t nmarks;           /* marks beyond the maximum are counted only */
	int stopped;             /* the stop mark was found */
};

/* Read the log on LOGDEV (a file or block device) and write it to OUT in
 * the fuse write-log format, up to (not including) the first mark named
 * STOP_MARK, or to the end of the log if STOP_MARK is NULL.  DEV_SIZE
 * bounds every write and discard (0: unchecked).
 *
 * -1 (class RUN) when the log is not a dm-log-writes log, is truncated or
 * corrupt, or ends before STOP_MARK: a log that filled its device or
 * failed ends early, and must never pass as complete. */
int pc_logwrites_convert(const char *logdev, const char *stop_mark, uint64_t dev_size,
			 const char *out, struct pc_logwrites_info *info);

/* The flushes before the first mark named NAME, or -1 if there is none. */
int64_t pc_logwrites_mark_flushes(const struct pc_logwrites_info *info, const char *name);

#endif
