/* fuselog.h - the fuse device's write log and undo file: the one module
 * that knows their byte layout.  fuse_server.c appends to both,
 * logwrites.c converts dm-log-writes logs into the write-log format,
 * crashpoints.c replays the write log and backend_fuse.c rolls the undo
 * file back; all of them go through the functions below.
 *
 * Write log (--log): every write, flush and discard the device passed from
 * its creation to the first cut, in order.  Records of 24 bytes in host
 * byte order, `u32 kind, u32 arg, u64 offset, u64 length`; a write is
 * followed by `length` bytes of data.  Replaying a prefix onto a zeroed
 * file of the device's size rebuilds the device as it was at that point:
 * at a flush mark, what a power cut right after that flush would leave on a
 * disk with a volatile cache (crashpoints.c).
 *
 * Undo file (--undo, the volatile write cache): one record per
 * PC_FUSE_GRANULE-sized block first written since the last flush, 16 bytes
 * `u64 offset, u32 length, u32 pad` (host byte order) followed by `length`
 * bytes of the block's content as of that flush.  A flush empties the
 * file; rolling every record back puts the device where it was at its last
 * flush.
 *
 * Appending never prints (the fuse server answers a failed request with
 * EIO and says why itself): -1 with errno.  Opening and reading report
 * with pc_fail: a truncated or corrupt record is an error naming the file
 * and the record's byte offset, never the end of the log.
 */
#ifndef PC_FUSELOG_H
#define PC_FUSELOG_H

#include <stddef.h>
#include <stdint.h>

enum pc_fuselog_kind {
	PC_LOG_WRITE = 1,   /* followed by `length` bytes of data */
	PC_LOG_FLUSH = 2,
	PC_LOG_DISCARD = 3, /* fallocate(2) with mode `arg` */
};

/* One write-log record as the program sees it (not its bytes on disk). */
struct pc_fuselog_rec {
	uint32_t kind;      /* enum pc_fuselog_kind */
	uint32_t arg;       /* discard: the fallocate mode; else 0 */
	uint64_t offset;    /* byte offset in the device */
	uint64_t length;    /* bytes (a flush: 0) */
};

/* A larger write record means a corrupt log; writers split larger writes. */
#define PC_FUSELOG_MAX_WRITE (64u << 20)

/* The undo file's block size. */
#define PC_FUSE_GRANULE 4096u

/* One undo record: the block at `offset`, `length` bytes (PC_FUSE_GRANULE,
 * less for the device's last block). */
struct pc_fuseundo_rec {
	uint64_t offset;
	uint32_t length;
};

/* An open log or undo file, for appending or for reading. */
struct pc_fuselog {
	const char *path;     /* for messages; not owned */
	int fd;
	uint64_t pos;         /* reading: the next record's offset; appending: the end */
	uint64_t file_size;   /* reading: the file's size when opened */
	uint64_t dev_size;    /* reading: every record lies inside the device */
	unsigned char *buf;   /* reading: the data of the last record */
	size_t cap;
};

/* ---- appending (fuse_server.c, logwrites.c) ---------------------------- */

/* Append to FD (opened by the caller, for writing, empty or at a record
 * boundary END) from now on.  PATH only names it in messages. */
void pc_fuselog_attach(struct pc_fuselog *l, int fd, const char *path, uint64_t end);

/* Append REC and, for a write, REC->length bytes of DATA.  0, or -1 with
 * errno (EINVAL: a kind that does not exist, a write larger than
 * PC_FUSELOG_MAX_WRITE or without data). */
int pc_fuselog_append(struct pc_fuselog *l, const struct pc_fuselog_rec *rec,
		      const void *data);

/* Append the block at OFFSET: LENGTH (1..PC_FUSE_GRANULE) bytes of DATA. */
int pc_fuseundo_append(struct pc_fuselog *l, uint64_t offset, uint32_t length,
		       const void *data);

/* Empty the undo file (a flush made everything durable). */
int pc_fuseundo_empty(struct pc_fuselog *l);

/* ---- reading (crashpoints.c, backend_fuse.c) --------------------------- */

/* Open the write log PATH for reading, or the undo file PATH for reading
 * and emptying; records must lie inside a device of DEV_SIZE bytes.  -1
 * with a message. */
int pc_fuselog_open(struct pc_fuselog *l, const char *path, uint64_t dev_size);
int pc_fuseundo_open(struct pc_fuselog *l, const char *path, uint64_t dev_size);

/* The next write-log record: 1, 0 at the end, -1 (with a message naming
 * the file and offset) on a truncated or corrupt record.  With DATA, a
 * write's data is read and *DATA points at it until the next call (NULL
 * for other kinds); without, it is skipped (its length still checked
 * against the file). */
int pc_fuselog_next(struct pc_fuselog *l, struct pc_fuselog_rec *rec, const void **data);

/* The next undo record and its data, as pc_fuselog_next. */
int pc_fuseundo_next(struct pc_fuselog *l, struct pc_fuseundo_rec *rec, const void **data);

/* Where the next record starts; pc_fuselog_seek goes back to such a place. */
uint64_t pc_fuselog_tell(const struct pc_fuselog *l);
void pc_fuselog_seek(struct pc_fuselog *l, uint64_t pos);

/* Close the file and free the buffer; -1 with errno if close(2) failed. */
int pc_fuselog_close(struct pc_fuselog *l);

#endif
