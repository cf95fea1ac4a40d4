/* fsync_queue.h - fsync(2) files while something else goes on writing: a
 * bounded queue of open descriptors and a pool of threads that fsync and
 * close them.  The unpacker hands each regular file to it as soon as the
 * file is written (durability mode `ofsync`), so the per-file syncs overlap
 * the rest of the unpack instead of following it.
 *
 * Used by one producer thread.  The descriptors queued or being synced are
 * at most PC_FSYNC_QUEUE_MAX, and at most a quarter of RLIMIT_NOFILE:
 * adding waits while that many are held, so the unpack keeps descriptors
 * for its own files whatever the limit. */
#ifndef PC_FSYNC_QUEUE_H
#define PC_FSYNC_QUEUE_H

#include <stdint.h>

#define PC_FSYNC_QUEUE_MAX 256

struct pc_fsync_queue;

/* Start WORKERS threads (0: PC_PSYNC_WORKERS).  NULL (reported) if no
 * thread could be started. */
struct pc_fsync_queue *pc_fsync_queue_start(unsigned workers);

/* Hand FD over: a worker fsyncs and closes it.  PATH names it in the error
 * message should its fsync fail.  -1 (reported, FD closed) if an earlier
 * fsync failed: the first failure is the one reported. */
int pc_fsync_queue_add(struct pc_fsync_queue *q, int fd, const char *path);

/* Wait for every descriptor handed over, stop the threads and free Q.
 * *FSYNCS (may be NULL) receives the count of fsyncs that succeeded.
 * -1 (reported) if any fsync failed.  Q may be NULL. */
int pc_fsync_queue_finish(struct pc_fsync_queue *q, uint64_t *fsyncs);

#endif
