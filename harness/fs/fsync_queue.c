/* fsync_queue.c - see fsync_queue.h.
 *
 * The workers never report errors themselves (the error machinery in
 * util.c is the producer's): the first failure is kept, with its path, and
 * reported by the next add or by finish. */
#include "fs/fsync_queue.h"
#include "fs/psync.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct queued {
	int fd;
	char *path;
};

struct pc_fsync_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct queued items[PC_FSYNC_QUEUE_MAX];
	size_t head, count;
	size_t held, cap; /* descriptors queued or being synced; their bound */
	int closing;
	uint64_t fsyncs;
	int err;          /* the first failure's errno, 0 while none */
	char *err_path;
	pthread_t *tids;
	unsigned nthreads;
};

static int take(struct pc_fsync_queue *q, struct queued *it)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closing)
		pthread_cond_wait(&q->not_empty, &q->lock);
	int got = q->count > 0;
	if (got) {
		*it = q->items[q->head];
		q->head = (q->head + 1) % PC_FSYNC_QUEUE_MAX;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

static void settle(struct pc_fsync_queue *q, struct queued *it, int err)
{
	pthread_mutex_lock(&q->lock);
	q->held--;
	pthread_cond_signal(&q->not_full);
	if (err == 0) {
		q->fsyncs++;
	} else if (q->err == 0) {
		q->err = err;
		q->err_path = it->path;
		it->path = NULL;
	}
	pthread_mutex_unlock(&q->lock);
	free(it->path);
}

static void *worker(void *arg)
{
	struct pc_fsync_queue *q = arg;
	struct queued it;
	while (take(q, &it)) {
		int err = fsync(it.fd) < 0 ? errno : 0;
		if (close(it.fd) < 0 && err == 0)
			err = errno;
		settle(q, &it, err);
	}
	return NULL;
}

static int report(const struct pc_fsync_queue *q)
{
	return pc_fail_errno(PC_ERR_RUN, q->err, "fsync %s", q->err_path ? q->err_path : "?");
}

/* The descriptors the queue may hold: a quarter of RLIMIT_NOFILE (the
 * unpack opens files of its own meanwhile), at most PC_FSYNC_QUEUE_MAX. */
static size_t fd_cap(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur / 4 >= PC_FSYNC_QUEUE_MAX)
		return PC_FSYNC_QUEUE_MAX;
	return rl.rlim_cur >= 4 ? (size_t)(rl.rlim_cur / 4) : 1;
}

struct pc_fsync_queue *pc_fsync_queue_start(unsigned workers)
{
	struct pc_fsync_queue *q = xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->cap = fd_cap();
	unsigned want = workers ? workers : PC_PSYNC_WORKERS;
	if (want > q->cap)
		want = (unsigned)q->cap; /* more could never have a descriptor */
	q->tids = xcalloc(want, sizeof(*q->tids));
	/* Small stacks: a worker only calls fsync and close. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 64 * 1024);
	int create_err = 0;
	while (q->nthreads < want &&
	       (create_err = pthread_create(&q->tids[q->nthreads], &attr, worker, q)) == 0)
		q->nthreads++;
	pthread_attr_destroy(&attr);
	if (q->nthreads == 0) {
		pc_fail_errno(PC_ERR_RUN, create_err, "start a thread to fsync files");
		pc_fsync_queue_finish(q, NULL);
		return NULL;
	}
	return q;
}

int pc_fsync_queue_add(struct pc_fsync_queue *q, int fd, const char *path)
{
	pthread_mutex_lock(&q->lock);
	while (q->held == q->cap && q->err == 0)
		pthread_cond_wait(&q->not_full, &q->lock);
	int failed = q->err != 0;
	if (!failed) {
		size_t tail = (q->head + q->count) % PC_FSYNC_QUEUE_MAX;
		q->items[tail] = (struct queued){ .fd = fd, .path = xstrdup(path) };
		q->count++;
		q->held++;
		pthread_cond_signal(&q->not_empty);
	}
	pthread_mutex_unlock(&q->lock);
	if (failed) {
		close(fd);
		return report(q);
	}
	return 0;
}

int pc_fsync_queue_finish(struct pc_fsync_queue *q, uint64_t *fsyncs)
{
	if (!q)
		return 0;
	pthread_mutex_lock(&q->lock);
	q->closing = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	for (unsigned i = 0; i < q->nthreads; i++)
		pthread_join(q->tids[i], NULL);
	/* Nothing is left queued: the workers drain the queue before they stop,
	 * and with no worker started nothing was ever added. */
	int rc = q->err ? report(q) : 0;
	if (fsyncs)
		*fsyncs = q->fsyncs;
	free(q->err_path);
	free(q->tids);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
	free(q);
	return rc;
}
