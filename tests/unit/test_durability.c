/* test_durability.c - mode names, fsync counts over a known tree, errors. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/durability.h"
#include "fs/fsync_queue.h"
#include "fs/psync.h"
#include "unit.h"
#include "util/util.h"

static void test_mode_names(void)
{
	enum pc_mode m = PC_MODE_COUNT;
	for (int i = 0; i < PC_MODE_COUNT; i++) {
		CU_ASSERT_EQUAL(pc_mode_parse(pc_mode_name((enum pc_mode)i), &m), 0);
		CU_ASSERT_EQUAL(m, (enum pc_mode)i);
	}
	CU_ASSERT_STRING_EQUAL(pc_mode_name(PC_MODE_SYNCFS), "syncfs");
	m = PC_MODE_FSYNC;
	CU_ASSERT_EQUAL(pc_mode_parse("fsync-all", &m), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_EQUAL(pc_mode_parse("", &m), -1);
	CU_ASSERT_EQUAL(pc_mode_parse("SYNCFS", &m), -1);
	CU_ASSERT_EQUAL(m, PC_MODE_FSYNC); /* untouched on error */
}

static void make_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, "data\n", 5, 0), 0);
	free(p);
}

static void make_file_once(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	if (access(p, F_OK) < 0)
		CU_ASSERT_EQUAL(pc_write_file(p, "data\n", 5, 0), 0);
	free(p);
}

static void make_dir(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
}

/* Names of the IN_OPEN events queued on the inotify fd, as "|a|b|". */
static char *opened_names(int ifd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	char *names = xstrdup("|");
	ssize_t n;
	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if ((ev->mask & IN_OPEN) && ev->len) {
				char *more = xasprintf("%s%s|", names, ev->name);
				free(names);
				names = more;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return names;
}

/* root/{a, d/{b, e/, link -> OUTSIDE/target, fifo}}: 2 files + 3 dirs.  The
 * symlink points outside the tree, so following it would open (and fsync)
 * OUTSIDE/target; the fifo must not be opened at all. */
static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* The per-file modes: each fsyncs (or fdatasyncs) the same 5 inodes. */
static const enum pc_mode per_file_modes[] = {
	PC_MODE_FSYNC, PC_MODE_PFSYNC, PC_MODE_FDATASYNC, PC_MODE_SFR,
};
#define NPER_FILE (sizeof(per_file_modes) / sizeof(per_file_modes[0]))

static void fsync_counts(enum pc_mode mode)
{
	char *root = unit_tmpdir(), *outside = unit_tmpdir();
	make_file(root, "a");
	make_dir(root, "d");
	make_file(root, "d/b");
	make_dir(root, "d/e");
	make_file(outside, "target");
	char *link = xasprintf("%s/d/link", root), *target = xasprintf("%s/target", outside);
	char *fifo = xasprintf("%s/d/fifo", root), *d = xasprintf("%s/d", root);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0644), 0);

	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CU_ASSERT_FATAL(ifd >= 0);
	CU_ASSERT(inotify_add_watch(ifd, d, IN_OPEN) >= 0);
	CU_ASSERT(inotify_add_watch(ifd, outside, IN_OPEN) >= 0);

	struct pc_sync_stats st = { 99, 99, NULL };
	int before = open_fds();
	CU_ASSERT_EQUAL(pc_durability_apply(mode, root, &st), 0);
	CU_ASSERT_EQUAL(open_fds(), before);
	CU_ASSERT_EQUAL(st.fsyncs, 5);
	CU_ASSERT_EQUAL(st.syncfs, 0);
	if (st.fsyncs != 5)
		fprintf(stderr, "\n  %s: %llu fsyncs", pc_mode_name(mode),
			(unsigned long long)st.fsyncs);
	char *names = opened_names(ifd);
	close(ifd);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "|b|"));   /* the watch works */
	CU_ASSERT_PTR_NULL(strstr(names, "|fifo|"));
	CU_ASSERT_PTR_NULL(strstr(names, "|link|"));
	CU_ASSERT_PTR_NULL(strstr(names, "|target|")); /* link not followed */
	free(names);

	free(link);
	free(target);
	free(fifo);
	free(d);
	unit_rmtree(root);
	unit_rmtree(outside);
	free(root);
	free(outside);
}

static void test_fsync_counts(void)
{
	for (size_t i = 0; i < NPER_FILE; i++)
		fsync_counts(per_file_modes[i]);

	char *root = unit_tmpdir();
	struct pc_sync_stats st;
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_SYNCFS, root, &st), 0);
	CU_ASSERT_EQUAL(st.syncfs, 1);
	CU_ASSERT_EQUAL(st.fsyncs, 0);
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_NONE, root, &st), 0);
	CU_ASSERT_EQUAL(st.syncfs + st.fsyncs, 0);
	unit_rmtree(root);
	free(root);
}

/* ---- the parallel walk: order, failures, descriptors ---------------------- */

struct recorder {
	pthread_mutex_t mu;
	ino_t *order; /* inodes in the order their operation ran */
	size_t n, cap;
	ino_t fail_ino; /* the operation fails (EIO) on this inode */
};

static int record_op(int fd, enum pc_psync_kind kind, void *arg)
{
	(void)kind;
	struct recorder *r = arg;
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return -1;
	usleep(sb.st_ino % 3 * 100); /* shuffle the workers a little */
	pthread_mutex_lock(&r->mu);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->order = xrealloc(r->order, r->cap * sizeof(*r->order));
	}
	r->order[r->n++] = sb.st_ino;
	pthread_mutex_unlock(&r->mu);
	if (sb.st_ino == r->fail_ino) {
		errno = EIO;
		return -1;
	}
	return 0;
}

#define TREE_DIRS 12
#define TREE_FILES 15

/* root/dI/ (I < TREE_DIRS) each with TREE_FILES files and a subfolder sI/
 * with TREE_FILES files; PARENT[k] is the inode of the parent of the k-th
 * inode in INOS (0 for the root). */
static size_t make_tree(const char *root, ino_t *inos, ino_t *parent)
{
	size_t n = 0;
	struct stat sb;
	CU_ASSERT_FATAL(stat(root, &sb) == 0);
	ino_t rootino = sb.st_ino;
	inos[n] = rootino;
	parent[n++] = 0;
	for (int i = 0; i < TREE_DIRS; i++) {
		char *d = xasprintf("%s/d%d", root, i), *s = xasprintf("%s/d%d/s", root, i);
		CU_ASSERT_FATAL(mkdir(d, 0755) == 0 && mkdir(s, 0755) == 0);
		CU_ASSERT_FATAL(stat(d, &sb) == 0);
		ino_t dino = sb.st_ino;
		inos[n] = dino;
		parent[n++] = rootino;
		CU_ASSERT_FATAL(stat(s, &sb) == 0);
		ino_t sino = sb.st_ino;
		inos[n] = sino;
		parent[n++] = dino;
		for (int f = 0; f < 2 * TREE_FILES; f++) {
			char *p = xasprintf("%s/f%d", f < TREE_FILES ? d : s, f);
			CU_ASSERT_FATAL(pc_write_file(p, "x", 1, 0) == 0);
			CU_ASSERT_FATAL(stat(p, &sb) == 0);
			inos[n] = sb.st_ino;
			parent[n++] = f < TREE_FILES ? dino : sino;
			free(p);
		}
		free(d);
		free(s);
	}
	return n;
}

static ssize_t position(const struct recorder *r, ino_t ino)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->order[i] == ino)
			return (ssize_t)i;
	return -1;
}

/* Every inode once, and every folder after everything below it (each
 * entry's parent after the entry), with 1, 3 and 16 workers. */
static void test_parallel_order(void)
{
	enum { N = 1 + TREE_DIRS * (2 + 2 * TREE_FILES) };
	ino_t inos[N], parent[N];
	char *root = unit_tmpdir();
	size_t n = make_tree(root, inos, parent);
	CU_ASSERT_EQUAL_FATAL(n, N);
	static const unsigned workers[] = { 1, 3, 16 };
	for (size_t w = 0; w < 3; w++) {
		struct recorder r = { .mu = PTHREAD_MUTEX_INITIALIZER };
		struct pc_psync_ops ops = { record_op, "op", "dirop", &r, 0, 0 };
		struct pc_sync_stats st = { 0, 0, NULL };
		int before = open_fds();
		CU_ASSERT_EQUAL(pc_psync_tree(root, &ops, workers[w], &st), 0);
		CU_ASSERT_EQUAL(open_fds(), before);
		CU_ASSERT_EQUAL(st.fsyncs, N);
		CU_ASSERT_EQUAL(r.n, N);
		int bad = 0;
		for (size_t i = 0; i < n; i++) {
			ssize_t me = position(&r, inos[i]);
			ssize_t up = parent[i] ? position(&r, parent[i]) : (ssize_t)N;
			bad += me < 0 || up < 0 || up <= me;
		}
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(r.order[N - 1], inos[0]); /* the root last */
		free(r.order);
	}
	unit_rmtree(root);
	free(root);
}

/* An operation that fails stops the walk: -1, a run error naming the call,
 * every descriptor closed, every thread gone (the test would hang). */
static void test_parallel_failure(void)
{
	enum { N = 1 + TREE_DIRS * (2 + 2 * TREE_FILES) };
	ino_t inos[N], parent[N];
	char *root = unit_tmpdir();
	make_tree(root, inos, parent);
	struct recorder r = { .mu = PTHREAD_MUTEX_INITIALIZER, .fail_ino = inos[40] };
	struct pc_psync_ops ops = { record_op, "op", "dirop", &r, 0, 0 };
	struct pc_sync_stats st = { 0, 0, NULL };
	char msg[512] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	int before = open_fds();
	CU_ASSERT_EQUAL(pc_psync_tree(root, &ops, 8, &st), -1);
	CU_ASSERT_EQUAL(open_fds(), before);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Input/output error"));
	CU_ASSERT(st.fsyncs < N);
	free(r.order);

	/* interrupted: stops before any operation */
	pc_interrupted = SIGINT;
	pc_messages_quiet = 1;
	struct recorder r2 = { .mu = PTHREAD_MUTEX_INITIALIZER };
	ops.arg = &r2;
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_PFSYNC, root, &st), -1);
	CU_ASSERT_EQUAL(st.fsyncs, 0);
	pc_interrupted = 0;
	pc_messages_quiet = 0;
	unit_rmtree(root);
	free(root);
}

/* With few descriptors allowed, the walker waits for completions instead
 * of running out (600 folders, a limit of 200). */
static void test_parallel_fd_budget(void)
{
	char *root = unit_tmpdir();
	for (int i = 0; i < 600; i++) {
		char *d = xasprintf("%s/d%03d", root, i), *f = xasprintf("%s/d%03d/f", root, i);
		CU_ASSERT_FATAL(mkdir(d, 0755) == 0);
		CU_ASSERT_FATAL(pc_write_file(f, "x", 1, 0) == 0);
		free(d);
		free(f);
	}
	struct rlimit old, low;
	CU_ASSERT_FATAL(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low = old;
	low.rlim_cur = 200;
	CU_ASSERT_FATAL(setrlimit(RLIMIT_NOFILE, &low) == 0);
	struct pc_sync_stats st;
	for (size_t i = 1; i < NPER_FILE; i++) {
		CU_ASSERT_EQUAL(pc_durability_apply(per_file_modes[i], root, &st), 0);
		CU_ASSERT_EQUAL(st.fsyncs, 1 + 600 * 2);
	}
	CU_ASSERT(setrlimit(RLIMIT_NOFILE, &old) == 0);
	unit_rmtree(root);
	free(root);
}

/* 20 folders of 250-byte names: the paths pass PATH_MAX, the walk does
 * not care (every open is relative to the parent's descriptor). */
static void test_parallel_long_path(void)
{
	char *root = unit_tmpdir();
	int dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(dirfd >= 0);
	char name[251];
	for (int i = 0; i < 20; i++) {
		memset(name, 'a' + i, 250);
		name[250] = '\0';
		CU_ASSERT_FATAL(mkdirat(dirfd, name, 0755) == 0);
		int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CU_ASSERT_FATAL(sub >= 0);
		close(dirfd);
		dirfd = sub;
	}
	int fd = openat(dirfd, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	close(dirfd);
	struct pc_sync_stats st;
	for (size_t i = 0; i < NPER_FILE; i++) {
		CU_ASSERT_EQUAL(pc_durability_apply(per_file_modes[i], root, &st), 0);
		CU_ASSERT_EQUAL(st.fsyncs, 22);
	}
	/* remove it the same way, bottom-up */
	for (int depth = 20; depth >= 0; depth--) {
		dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		for (int i = 0; i < depth; i++) {
			memset(name, 'a' + i, 250);
			int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			close(dirfd);
			dirfd = sub;
		}
		if (depth == 20) {
			CU_ASSERT(unlinkat(dirfd, "file", 0) == 0);
		} else {
			memset(name, 'a' + depth, 250);
			CU_ASSERT(unlinkat(dirfd, name, AT_REMOVEDIR) == 0);
		}
		close(dirfd);
	}
	unit_rmtree(root);
	free(root);
}

static void test_missing_root(void)
{
	char *root = unit_tmpdir();
	char *gone = xasprintf("%s/does-not-exist", root);
	struct pc_sync_stats st;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_SYNCFS, gone, &st), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	CU_ASSERT_EQUAL(st.syncfs, 0);
	for (size_t i = 0; i < NPER_FILE; i++) {
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_durability_apply(per_file_modes[i], gone, &st), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	}
	/* none touches nothing, so it cannot fail */
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_NONE, gone, &st), 0);
	free(gone);
	unit_rmtree(root);
	free(root);
}

/* The queue the unpack hands files to (mode ofsync): every descriptor
 * fsync'd and closed, counted; a failing fsync (a pipe: EINVAL) reported
 * once, naming its path, by the next add or by finish. */
static void test_fsync_queue(void)
{
	char *dir = unit_tmpdir();
	struct pc_fsync_queue *q = pc_fsync_queue_start(3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	for (int i = 0; i < 1000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%d", i % 10);
		make_file_once(dir, name);
		char *p = xasprintf("%s/%s", dir, name);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(pc_fsync_queue_add(q, fd, p), 0);
		free(p);
	}
	uint64_t n = 0;
	CU_ASSERT_EQUAL(pc_fsync_queue_finish(q, &n), 0);
	CU_ASSERT_EQUAL(n, 1000);
	CU_ASSERT_EQUAL(pc_fsync_queue_finish(NULL, NULL), 0);

	/* Under a low RLIMIT_NOFILE the queue holds at most a quarter of it:
	 * the producer's opens never run out (64 workers asked, 10 get one). */
	struct rlimit old, low;
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 40;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
	q = pc_fsync_queue_start(64);
	CU_ASSERT_PTR_NOT_NULL(q);
	int opened = 0;
	for (int i = 0; q && i < 500; i++) {
		char *p = xasprintf("%s/f%d", dir, i % 10);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		opened += fd >= 0;
		if (fd >= 0)
			CU_ASSERT_EQUAL(pc_fsync_queue_add(q, fd, p), 0);
		free(p);
	}
	CU_ASSERT_EQUAL(pc_fsync_queue_finish(q, &n), 0);
	CU_ASSERT_EQUAL(setrlimit(RLIMIT_NOFILE, &old), 0);
	CU_ASSERT_EQUAL(opened, 500);
	CU_ASSERT_EQUAL(n, 500);

	q = pc_fsync_queue_start(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	int pfd[2];
	CU_ASSERT_EQUAL_FATAL(pipe(pfd), 0);
	close(pfd[1]);
	char msg[256] = "";
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(pc_fsync_queue_add(q, pfd[0], "the-pipe"), 0);
	int rc = 0;
	for (int i = 0; i < 100000 && rc == 0; i++) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CU_ASSERT_FATAL(fd >= 0);
		rc = pc_fsync_queue_add(q, fd, dir);
	}
	CU_ASSERT_EQUAL(rc, -1); /* the pipe's failure, reported by an add */
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "fsync the-pipe"));
	msg[0] = 0;
	CU_ASSERT_EQUAL(pc_fsync_queue_finish(q, &n), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "fsync the-pipe"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	unit_rmtree(dir);
	free(dir);
}

void register_durability_tests(void)
{
	CU_pSuite s = CU_add_suite("durability", NULL, NULL);
	CU_add_test(s, "mode names", test_mode_names);
	CU_add_test(s, "fsync counts, no symlink or fifo opened", test_fsync_counts);
	CU_add_test(s, "missing root", test_missing_root);
	CU_add_test(s, "parallel walk: folders after their contents", test_parallel_order);
	CU_add_test(s, "parallel walk: a failing call, an interruption", test_parallel_failure);
	CU_add_test(s, "parallel walk: waits within RLIMIT_NOFILE", test_parallel_fd_budget);
	CU_add_test(s, "per-file modes: paths over PATH_MAX", test_parallel_long_path);
	CU_add_test(s, "fsync queue: counts, a failure reported once", test_fsync_queue);
}
