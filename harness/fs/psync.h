/* psync.h - the parallel bottom-up tree walk the per-file durable modes
 * share: every regular file and every directory under ROOT (ROOT included)
 * is handed to an operation (fsync, fdatasync, ...) by a pool of worker
 * threads, each directory only after everything below it has completed.
 * Names are opened relative to their directory's descriptor with
 * O_NOFOLLOW, so no path length or depth makes a lookup fail and no symlink
 * is followed; symlinks, devices, fifos and sockets are reached only
 * through their parent directory. */
#ifndef PC_PSYNC_H
#define PC_PSYNC_H

#include "fs/durability.h"

/* Workers of the pool: fsyncs in flight.  Many, because each one mostly
 * waits for the journal commit it joins (jbd2, xfs log, btrfs tree log batch
 * concurrent fsyncs into one commit): 64 measured ~6x faster than one on
 * ext4 with the Debian image. */
#define PC_PSYNC_WORKERS 64

enum pc_psync_kind { PC_PSYNC_FILE, PC_PSYNC_DIR };

struct pc_psync_ops {
	/* Called from a worker for each open regular file / directory; 0 or -1
	 * with errno.  what_file / what_dir name the call in messages. */
	int (*op)(int fd, enum pc_psync_kind kind, void *arg);
	const char *what_file, *what_dir;
	void *arg;
	/* Note each op that returns in st->log (synclog.h), files as
	 * FILE_KIND (enum pc_synclog_kind), folders as fsyncs; 0: a pass that
	 * promises nothing (sfr's writeback). */
	int note;
	int file_kind;
};

/* Walk ROOT with WORKERS threads (0: PC_PSYNC_WORKERS).  Every successful
 * op adds one to st->fsyncs.  -1 (reported) on the first failure: the walk
 * stops, everything opened is closed, all threads joined. */
int pc_psync_tree(const char *root, const struct pc_psync_ops *ops, unsigned workers,
		  struct pc_sync_stats *st);

/* The operations of the modes built on this walk. */
int pc_psync_op_fsync(int fd, enum pc_psync_kind kind, void *arg);
int pc_psync_op_fdatasync(int fd, enum pc_psync_kind kind, void *arg);

#endif
