/* mode_sfr.c - durability mode `sfr`: two passes.  First
 * sync_file_range(SYNC_FILE_RANGE_WRITE) on every regular file, which
 * starts writeback of its dirty pages without waiting (and without any
 * metadata: it makes nothing durable by itself); then the `pfsync` pass,
 * whose fsyncs mostly find their data already written.  The trick some
 * unpackers use to overlap the writeback of many files.  Only the second
 * pass's calls are counted as fsyncs. */
#include "fs/durability.h"
#include "fs/psync.h"
#include "fs/synclog.h"

#include <fcntl.h>

static int start_writeback(int fd, enum pc_psync_kind kind, void *arg)
{
	(void)arg;
	if (kind == PC_PSYNC_DIR)
		return 0; /* a directory's entries are written by the fsync pass */
	return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

int pc_mode_sfr(const char *root, struct pc_sync_stats *st)
{
	static const struct pc_psync_ops writeback = {
		.op = start_writeback, .what_file = "sync_file_range", .what_dir = "-",
	};
	static const struct pc_psync_ops sync = {
		.op = pc_psync_op_fsync, .what_file = "fsync", .what_dir = "fsync",
		.note = 1, .file_kind = PC_SYNCLOG_FILE_FSYNC,
	};
	struct pc_sync_stats first = { 0, 0, NULL };
	if (pc_psync_tree(root, &writeback, 0, &first) < 0)
		return -1;
	return pc_psync_tree(root, &sync, 0, st);
}
