/* mode_pfsync.c - durability mode `pfsync`: what `fsync` does (fsync(2) on
 * every regular file and directory, each directory after everything below
 * it), by a pool of PC_PSYNC_WORKERS threads.  Concurrent fsyncs join the
 * same journal commit, so the per-file guarantee costs little more than one
 * syncfs. */
#include "fs/durability.h"
#include "fs/psync.h"
#include "fs/synclog.h"

int pc_mode_pfsync(const char *root, struct pc_sync_stats *st)
{
	static const struct pc_psync_ops ops = {
		.op = pc_psync_op_fsync, .what_file = "fsync", .what_dir = "fsync",
		.note = 1, .file_kind = PC_SYNCLOG_FILE_FSYNC,
	};
	return pc_psync_tree(root, &ops, 0, st);
}
