/* psync.c - see psync.h.
 *
 * One walker (the calling thread) lists directories depth-first and opens
 * every regular file and directory relative to its parent's descriptor; a
 * file goes to a bounded queue the workers drain.  A directory is a node
 * with a count of what is still pending below it: one token for its own
 * listing plus one per child handed out.  Whoever drops the count to zero
 * (a worker finishing the last child, or the walker finishing the listing)
 * runs the directory's operation there and then, and so on up the tree, so
 * a directory is synced only after everything below it and nothing waits
 * for a free queue slot while holding work (no deadlock).
 *
 * Descriptors: files in the queue or in flight plus directories not yet
 * synced.  The walker waits while that exceeds a budget taken from
 * RLIMIT_NOFILE, unless everything open is a directory on its own path
 * (then waiting could not help: nothing else is in flight).
 *
 * Written with pthreads rather than io_uring: IORING_OP_FSYNC was measured
 * (scripts/bench-walk.c, sample image on ext4): with the default io-wq
 * limits (4 blocking workers per CPU) it was 3-6x slower than 64 threads;
 * with the limit raised to 64 it was about as fast (0.52-0.93 s against
 * 0.64-0.92 s, noisy), since the kernel then runs each fsync on a worker
 * thread of its own, the same waiting as ours.  Threads need no ring setup
 * and no fallback for kernels and seccomp profiles without io_uring.
 */
#include "fs/dirlist.h"
#include "fs/psync.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

struct dnode {
	struct dnode *parent;
	int fd;
	char *path;       /* for messages */
	unsigned pending; /* own listing + children not yet completed */
};

struct job {
	int fd;
	struct dnode *parent;
	char *path;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, progress;
	struct job *q;
	size_t cap, head, count;
	size_t open_fds, budget;
	int producing;  /* the walker may still push */
	int root_done;  /* the root directory has completed */
	int failed;     /* stop: skip further operations, close only */
	int err;        /* first failure: errno, what, path */
	const char *err_what;
	char *err_path;
	uint64_t ops_done;
	const struct pc_psync_ops *ops;
};

/* ---- failures and completion (pool lock held) ---------------------------- */

static void note_failure(struct pool *p, int err, const char *what, const char *path)
{
	if (!p->failed) {
		p->failed = 1;
		p->err = err;
		p->err_what = what;
		p->err_path = xstrdup(path);
	}
}

/* D's count reached zero: sync it, then its parent if that completes too,
 * and so on.  Called and returns with the lock held; drops it around the
 * operation. */
static void complete_dirs(struct pool *p, struct dnode *d)
{
	while (d) {
		int skip = p->failed, rc = 0, e = 0;
		pthread_mutex_unlock(&p->mu);
		if (!skip) {
			rc = p->ops->op(d->fd, PC_PSYNC_DIR, p->ops->arg);
			e = errno;
		}
		close(d->fd);
		pthread_mutex_lock(&p->mu);
		p->open_fds--;
		if (rc < 0)
			note_failure(p, e, p->ops->what_dir, d->path);
		else if (!skip)
			p->ops_done++;
		struct dnode *parent = d->parent;
		free(d->path);
		free(d);
		d = parent && --parent->pending == 0 ? parent : NULL;
		if (!parent)
			p->root_done = 1;
	}
	pthread_cond_broadcast(&p->progress);
}

static void release(struct pool *p, struct dnode *d)
{
	if (--d->pending == 0)
		complete_dirs(p, d);
}

/* ---- workers --------------------------------------------------------------- */

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->count == 0 && p->producing)
			pthread_cond_wait(&p->not_empty, &p->mu);
		if (p->count == 0)
			break;
		struct job j = p->q[p->head];
		p->head = (p->head + 1) % p->cap;
		p->count--;
		pthread_cond_signal(&p->not_full);
		int skip = p->failed, rc = 0, e = 0;
		pthread_mutex_unlock(&p->mu);
		if (!skip) {
			rc = p->ops->op(j.fd, PC_PSYNC_FILE, p->ops->arg);
			e = errno;
		}
		close(j.fd);
		pthread_mutex_lock(&p->mu);
		p->open_fds--;
		if (rc < 0)
			note_failure(p, e, p->ops->what_file, j.path);
		else if (!skip)
			p->ops_done++;
		free(j.path);
		release(p, j.parent);
		pthread_cond_broadcast(&p->progress);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the walker ------------------------------------------------------------ */

/* Wait until one more descriptor fits (see the top of the file). */
static void wait_for_room(struct pool *p, size_t depth)
{
	while (p->open_fds >= p->budget && p->open_fds > depth && !p->failed)
		pthread_cond_wait(&p->progress, &p->mu);
}

static void push_file(struct pool *p, struct dnode *parent, int fd, char *path)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == p->cap)
		pthread_cond_wait(&p->not_full, &p->mu);
	p->q[(p->head + p->count) % p->cap] = (struct job){ fd, parent, path };
	p->count++;
	parent->pending++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
}

/* Open NAME below DIR as a file or directory of the expected type; -1
 * (reported) otherwise.  O_NONBLOCK: a name replaced by a fifo since the
 * listing must not hang the open. */
static int open_child(const struct dnode *dir, const char *name, const char *path, int is_dir)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd = openat(dir->fd, name, flags | (is_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		int e = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_RUN, e, "stat %s", path);
	}
	if (!is_dir && !S_ISREG(sb.st_mode)) {
		close(fd);
		return pc_fail(PC_ERR_RUN, "%s: no longer a regular file", path);
	}
	return fd;
}

/* Hand out everything below D, depth-first; then give up D's listing
 * token.  -1 (reported) stops the walk; the tokens are given up all the
 * same, so what was opened is closed by the completions. */
static int walk(struct pool *p, struct dnode *d, size_t depth)
{
	struct pc_dir_entry *v = NULL;
	size_t n = 0;
	int rc = pc_dir_list(d->fd, d->path, &v, &n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = pc_check_interrupted()) < 0)
			break;
		pthread_mutex_lock(&p->mu);
		wait_for_room(p, depth);
		int failed = p->failed;
		if (!failed)
			p->open_fds++; /* reserved for the child */
		pthread_mutex_unlock(&p->mu);
		if (failed) {
			rc = -1;
			break;
		}
		int is_dir = v[i].type == DT_DIR;
		char *path = xasprintf("%s/%s", d->path, v[i].name);
		int fd = open_child(d, v[i].name, path, is_dir);
		if (fd < 0) {
			free(path);
			pthread_mutex_lock(&p->mu);
			p->open_fds--;
			p->failed = 1; /* already reported */
			pthread_mutex_unlock(&p->mu);
			rc = -1;
			break;
		}
		if (!is_dir) {
			push_file(p, d, fd, path);
			continue;
		}
		struct dnode *c = xcalloc(1, sizeof(*c));
		c->parent = d;
		c->fd = fd;
		c->path = path;
		c->pending = 1;
		pthread_mutex_lock(&p->mu);
		d->pending++;
		pthread_mutex_unlock(&p->mu);
		rc = walk(p, c, depth + 1);
	}
	pc_dir_list_free(v, n);
	pthread_mutex_lock(&p->mu);
	if (rc < 0)
		p->failed = 1;
	release(p, d);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Descriptors the walk may hold: most of RLIMIT_NOFILE, leaving room for
 * the rest of the process. */
static size_t fd_budget(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 4096;
	return rl.rlim_cur > 256 ? (size_t)(rl.rlim_cur - 128) : 64;
}

int pc_psync_tree(const char *root, const struct pc_psync_ops *ops, unsigned workers,
		  struct pc_sync_stats *st)
{
	if (workers == 0)
		workers = PC_PSYNC_WORKERS;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s for %s", root, ops->what_dir);

	struct pool p = { .cap = 4 * (size_t)workers, .budget = fd_budget(), .producing = 1,
			  .ops = ops };
	p.q = xcalloc(p.cap, sizeof(*p.q));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.not_empty, NULL);
	pthread_cond_init(&p.not_full, NULL);
	pthread_cond_init(&p.progress, NULL);

	/* Workers take no signals: the walker sees an interruption. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_t *tids = xcalloc(workers, sizeof(*tids));
	unsigned started = 0;
	int create_err = 0;
	for (; started < workers; started++)
		if ((create_err = pthread_create(&tids[started], NULL, worker, &p)) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	struct dnode *top = xcalloc(1, sizeof(*top));
	top->fd = fd;
	top->path = xstrdup(root);
	top->pending = 1;
	p.open_fds = 1;
	int rc = 0;
	if (started == 0) {
		rc = pc_fail_errno(PC_ERR_ENV, create_err, "starting a %s worker", ops->what_file);
		p.failed = 1;
		pthread_mutex_lock(&p.mu);
		release(&p, top); /* closes the root */
		pthread_mutex_unlock(&p.mu);
	} else {
		rc = walk(&p, top, 1);
	}

	/* Everything handed out completes (or is closed unsynced after a
	 * failure); then the workers leave. */
	pthread_mutex_lock(&p.mu);
	while (!p.root_done)
		pthread_cond_wait(&p.progress, &p.mu);
	p.producing = 0;
	pthread_cond_broadcast(&p.not_empty);
	pthread_mutex_unlock(&p.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);

	/* A worker's failure is reported here, by the calling thread; the
	 * walker's own were reported where they happened. */
	if (p.err_path)
		rc = pc_fail_errno(PC_ERR_RUN, p.err, "%s %s", p.err_what, p.err_path);
	else if (p.failed)
		rc = -1;
	st->fsyncs += p.ops_done;
	free(p.err_path);
	free(p.q);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.not_empty);
	pthread_cond_destroy(&p.not_full);
	pthread_cond_destroy(&p.progress);
	return rc;
}

int pc_psync_op_fsync(int fd, enum pc_psync_kind kind, void *arg)
{
	(void)kind;
	(void)arg;
	return fsync(fd);
}

/* fdatasync for files (their data and the size that reaches it; not times),
 * fsync for directories (their entries). */
int pc_psync_op_fdatasync(int fd, enum pc_psync_kind kind, void *arg)
{
	(void)arg;
	return kind == PC_PSYNC_FILE ? fdatasync(fd) : fsync(fd);
}
