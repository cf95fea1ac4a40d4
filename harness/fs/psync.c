/* psync.c - see psync.h.
 *
 * One walker (the calling thread) lists directories depth-first; every
 * regular file becomes a job (its directory and name) in a bounded queue
 * that the workers drain: a worker opens the file relative to its
 * directory's descriptor, checks it is still a regular file, runs the
 * operation and closes it.  Files go in per directory listing under one
 * lock, so the walker does no system call per file and the workers seldom
 * sleep.
 *
 * A directory is a node with a count of what is still pending below it:
 * one token for its own listing plus one per child handed out.  When the
 * count drops to zero (a worker finishing the last child, or the walker
 * finishing the listing) the directory is complete: everything below it
 * is done.  It is not synced there and then but set aside (`done`), with
 * its descriptor; the sets aside are synced in batches, deepest level
 * first, each level by the workers in parallel and finished before the
 * next starts.  A batch runs at the end, and earlier when the descriptors
 * run short.  So a directory is still synced only after everything below
 * it (its subdirectories complete before it does, hence are set aside in
 * the same batch or an earlier one), and file and directory syncs do not
 * interleave: on btrfs, where a directory's fsync logs every new entry in
 * it, the interleaving made pfsync on the Debian image 4x slower than
 * files-then-folders (docs/design.md, "Durability modes").
 *
 * Descriptors: directories open (listed, or complete and set aside) plus
 * files queued or in flight.  The walker waits while that exceeds a budget
 * taken from RLIMIT_NOFILE, syncing the directories set aside first; it
 * goes on regardless when everything open is a directory on its own path
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
#include "fs/synclog.h"
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
	size_t depth;     /* the root is 1 */
	unsigned pending; /* own listing + children not yet completed */
};

/* A file (NAME below PARENT) or a complete directory (DIR) to sync. */
struct job {
	struct dnode *parent;
	char *name;
	struct dnode *dir;
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
	/* Complete directories not synced yet, and directory jobs in flight. */
	struct dnode **done;
	size_t ndone, capdone;
	size_t dirs_in_flight;
	const struct pc_psync_ops *ops;
	struct pc_synclog *log; /* NULL: nothing noted */
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

/* D's count reached zero: set it aside for a batch, and its parent too if
 * that completes with it, and so on up. */
static void complete_dirs(struct pool *p, struct dnode *d)
{
	while (d) {
		if (p->ndone == p->capdone) {
			p->capdone = p->capdone ? 2 * p->capdone : 256;
			p->done = xrealloc(p->done, p->capdone * sizeof(*p->done));
		}
		p->done[p->ndone++] = d;
		struct dnode *parent = d->parent;
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

static void push(struct pool *p, struct job j)
{
	while (p->count == p->cap) {
		pthread_cond_broadcast(&p->not_empty);
		pthread_cond_wait(&p->not_full, &p->mu);
	}
	p->q[(p->head + p->count) % p->cap] = j;
	p->count++;
}

/* Deepest first. */
static int cmp_depth_desc(const void *a, const void *b)
{
	const struct dnode *x = *(struct dnode *const *)a, *y = *(struct dnode *const *)b;
	return x->depth < y->depth ? 1 : x->depth > y->depth ? -1 : 0;
}

/* Sync the directories set aside so far, level by level, deepest first,
 * each level on the workers and finished before the next.  Directories
 * completing meanwhile wait for the next batch. */
static void sync_done_dirs(struct pool *p)
{
	struct dnode **v = p->done;
	size_t n = p->ndone;
	p->done = NULL;
	p->ndone = p->capdone = 0;
	qsort(v, n, sizeof(*v), cmp_depth_desc);
	for (size_t i = 0; i < n;) {
		size_t end = i;
		while (end < n && v[end]->depth == v[i]->depth)
			end++;
		for (; i < end; i++) {
			push(p, (struct job){ .dir = v[i] });
			p->dirs_in_flight++;
		}
		pthread_cond_broadcast(&p->not_empty);
		while (p->dirs_in_flight)
			pthread_cond_wait(&p->progress, &p->mu);
	}
	free(v);
}

/* No worker to sync them: close the directories set aside. */
static void close_done_dirs(struct pool *p)
{
	for (size_t i = 0; i < p->ndone; i++) {
		close(p->done[i]->fd);
		p->open_fds--;
		free(p->done[i]->path);
		free(p->done[i]);
	}
	p->ndone = 0;
}

/* ---- workers --------------------------------------------------------------- */

/* Open NAME below DIR as a regular file; -1 with errno and *WHAT. */
static int open_file(const struct dnode *dir, const char *name, const char **what)
{
	/* O_NONBLOCK: a name replaced by a fifo since the listing must not
	 * hang the open. */
	int fd = openat(dir->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	*what = "open";
	if (fd < 0)
		return -1;
	struct stat sb;
	int e = 0;
	if (fstat(fd, &sb) < 0) {
		e = errno;
		*what = "stat";
	} else if (!S_ISREG(sb.st_mode)) {
		e = EINVAL;
		*what = "open (no longer a regular file)";
	}
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Run one job with the lock dropped; its outcome is recorded under it. */
static void run_job(struct pool *p, struct job j)
{
	int skip = p->failed, rc = 0, e = 0;
	const char *what = j.dir ? p->ops->what_dir : p->ops->what_file;
	pthread_mutex_unlock(&p->mu);
	if (j.dir) {
		if (!skip && !pc_synclog_take_early(p->log, j.dir->path, NULL, PC_SYNCLOG_DIR_FSYNC)) {
			rc = p->ops->op(j.dir->fd, PC_PSYNC_DIR, p->ops->arg);
			e = errno;
			if (rc == 0)
				pc_synclog_note(p->log, j.dir->path, PC_SYNCLOG_DIR_FSYNC);
		}
		close(j.dir->fd);
	} else if (!skip) {
		const char *open_what;
		int fd = open_file(j.parent, j.name, &open_what);
		if (fd < 0) {
			rc = -1;
			e = errno;
			what = open_what;
		} else if (!pc_synclog_take_early(p->log, j.parent->path, j.name,
						  (enum pc_synclog_kind)p->ops->file_kind)) {
			rc = p->ops->op(fd, PC_PSYNC_FILE, p->ops->arg);
			e = errno;
			close(fd);
			if (rc == 0)
				pc_synclog_note_in(p->log, j.parent->path, j.name,
						   (enum pc_synclog_kind)p->ops->file_kind);
		} else {
			close(fd); /* the test hook: synced after the walk */
		}
	}
	pthread_mutex_lock(&p->mu);
	p->open_fds--;
	if (rc < 0) {
		char *path = j.dir ? xstrdup(j.dir->path)
				   : xasprintf("%s/%s", j.parent->path, j.name);
		note_failure(p, e, what, path);
		free(path);
	} else if (!skip) {
		p->ops_done++;
	}
	if (j.dir) {
		free(j.dir->path);
		free(j.dir);
		p->dirs_in_flight--;
	} else {
		free(j.name);
		release(p, j.parent);
	}
	pthread_cond_broadcast(&p->progress);
}

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
		run_job(p, j);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the walker ------------------------------------------------------------ */

/* Wait until one more descriptor fits (see the top of the file): sync the
 * directories set aside, else wait for files to finish. */
static void wait_for_room(struct pool *p, size_t depth)
{
	while (p->open_fds >= p->budget && !p->failed) {
		if (p->ndone)
			sync_done_dirs(p);
		else if (p->open_fds > depth)
			pthread_cond_wait(&p->progress, &p->mu);
		else
			break;
	}
}

/* Queue the files of D's listing V[0..n) (lock held). */
static void push_files(struct pool *p, struct dnode *d, size_t depth,
		       const struct pc_dir_entry *v, size_t n)
{
	for (size_t i = 0; i < n && !p->failed; i++) {
		if (v[i].type == DT_DIR)
			continue;
		wait_for_room(p, depth);
		push(p, (struct job){ .parent = d, .name = xstrdup(v[i].name) });
		p->open_fds++; /* the worker's, reserved */
		d->pending++;
		if (p->count % 64 == 1) /* wake workers early in a long listing */
			pthread_cond_broadcast(&p->not_empty);
	}
	pthread_cond_broadcast(&p->not_empty);
}

/* Open subdirectory NAME of D; -1 (reported) otherwise. */
static int open_dir(const struct dnode *d, const char *name, const char *path)
{
	int fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
	return fd;
}

/* Hand out everything below D, depth-first: its files, then each
 * subdirectory; then give up D's listing token.  -1 (reported) stops the
 * walk; the tokens are given up all the same, so what was opened is
 * closed by the completions. */
static int walk(struct pool *p, struct dnode *d)
{
	struct pc_dir_entry *v = NULL;
	size_t n = 0;
	int rc = pc_dir_list(d->fd, d->path, &v, &n);
	if (rc == 0) {
		pthread_mutex_lock(&p->mu);
		push_files(p, d, d->depth, v, n);
		rc = p->failed ? -1 : 0;
		pthread_mutex_unlock(&p->mu);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (v[i].type != DT_DIR)
			continue;
		if ((rc = pc_check_interrupted()) < 0)
			break;
		pthread_mutex_lock(&p->mu);
		wait_for_room(p, d->depth);
		int failed = p->failed;
		if (!failed)
			p->open_fds++; /* reserved for the child */
		pthread_mutex_unlock(&p->mu);
		if (failed) {
			rc = -1;
			break;
		}
		char *path = xasprintf("%s/%s", d->path, v[i].name);
		int fd = open_dir(d, v[i].name, path);
		if (fd < 0) {
			free(path);
			pthread_mutex_lock(&p->mu);
			p->open_fds--;
			p->failed = 1; /* already reported */
			pthread_mutex_unlock(&p->mu);
			rc = -1;
			break;
		}
		struct dnode *c = xcalloc(1, sizeof(*c));
		c->parent = d;
		c->fd = fd;
		c->path = path;
		c->depth = d->depth + 1;
		c->pending = 1;
		pthread_mutex_lock(&p->mu);
		d->pending++;
		pthread_mutex_unlock(&p->mu);
		rc = walk(p, c);
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

static void pool_init(struct pool *p, unsigned workers, const struct pc_psync_ops *ops,
		      struct pc_synclog *log)
{
	memset(p, 0, sizeof(*p));
	p->cap = 4 * (size_t)workers;
	p->budget = fd_budget();
	p->producing = 1;
	p->ops = ops;
	p->log = ops->note ? log : NULL;
	p->q = xcalloc(p->cap, sizeof(*p->q));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, NULL);
	pthread_cond_init(&p->progress, NULL);
}

static void pool_free(struct pool *p)
{
	free(p->err_path);
	free(p->q);
	free(p->done);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->not_empty);
	pthread_cond_destroy(&p->not_full);
	pthread_cond_destroy(&p->progress);
}

int pc_psync_tree(const char *root, const struct pc_psync_ops *ops, unsigned workers,
		  struct pc_sync_stats *st)
{
	if (workers == 0)
		workers = PC_PSYNC_WORKERS;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s for %s", root, ops->what_dir);

	struct pool p;
	pool_init(&p, workers, ops, st->log);

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
	top->depth = 1;
	top->pending = 1;
	p.open_fds = 1;
	int rc;
	if (started == 0) {
		rc = pc_fail_errno(PC_ERR_ENV, create_err, "starting a %s worker", ops->what_file);
		p.failed = 1;
		pthread_mutex_lock(&p.mu);
		release(&p, top); /* set aside: closed below, never synced */
		pthread_mutex_unlock(&p.mu);
	} else {
		rc = walk(&p, top);
	}

	/* Everything handed out completes (or is closed unsynced after a
	 * failure), the directories set aside are synced (or closed), then
	 * the workers leave. */
	pthread_mutex_lock(&p.mu);
	while (!p.root_done)
		pthread_cond_wait(&p.progress, &p.mu);
	if (started > 0)
		sync_done_dirs(&p);
	else
		close_done_dirs(&p);
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
	pool_free(&p);
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
