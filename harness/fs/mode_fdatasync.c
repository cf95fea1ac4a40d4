/* mode_fdatasync.c - durability mode `fdatasync`: fdatasync(2) on every
 * regular file (data and the size needed to read it back, not times), then
 * fsync(2) on every directory after everything below it, in parallel.  The
 * strategy unpackers ask about: skip the inode-times part of each file's
 * fsync, keep the directory entries durable. */
#include "fs/durability.h"
#include "fs/psync.h"
#include "fs/synclog.h"

int pc_mode_fdatasync(const char *root, struct pc_sync_stats *st)
{
	static const struct pc_psync_ops ops = {
		.op = pc_psync_op_fdatasync, .what_file = "fdatasync", .what_dir = "fsync",
		.note = 1, .file_kind = PC_SYNCLOG_FILE_FDATASYNC,
	};
	return pc_psync_tree(root, &ops, 0, st);
}
