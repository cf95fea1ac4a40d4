/* bench-walk.c - the minimal baselines scripts/bench.sh measures powercut
 * against, written for the benchmark (compiled by it; not part of powercut):
 *
 *   bench-walk fsync-serial DIR      fsync every file, then every folder
 *                                    deepest first, one at a time
 *   bench-walk fsync-threads DIR N   the same with N threads: all files,
 *                                    then the folders level by level
 *   bench-walk fsync-uring DIR N     the same with io_uring IORING_OP_FSYNC,
 *                                    N requests in flight
 *   bench-walk read DIR N            read every regular file to the end
 *                                    with N threads (the read floor)
 *
 * Prints the count of files and folders handled.  No symlink is followed
 * (nftw FTW_PHYS); errors abort with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct item {
	char *path;
	int level;
};

static struct item *files, *dirs;
static size_t nfiles, ndirs, capf, capd;
static int maxlevel;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "bench-walk: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void add(struct item **v, size_t *n, size_t *cap, const char *p, int level)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			die("realloc", "");
	}
	(*v)[*n].path = strdup(p);
	(*v)[*n].level = level;
	(*n)++;
}

static int collect(const char *p, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	if (type == FTW_F && S_ISREG(sb->st_mode))
		add(&files, &nfiles, &capf, p, f->level);
	else if (type == FTW_DP || type == FTW_D)
		add(&dirs, &ndirs, &capd, p, f->level);
	if (f->level > maxlevel)
		maxlevel = f->level;
	return 0;
}

static void sync_one(const char *path, int is_dir)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		die("open", path);
	if (fsync(fd) < 0)
		die("fsync", path);
	close(fd);
}

/* ---- threads --------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct item *work;
static size_t nwork, next;
static int work_is_dir, do_read;

static void read_one(const char *path)
{
	static __thread char buf[1 << 17];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("open", path);
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		die("read", path);
	close(fd);
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		size_t i = next++;
		pthread_mutex_unlock(&mu);
		if (i >= nwork)
			return NULL;
		if (do_read)
			read_one(work[i].path);
		else
			sync_one(work[i].path, work_is_dir);
	}
}

static void run_threads(struct item *v, size_t n, int is_dir, int nthreads)
{
	work = v;
	nwork = n;
	next = 0;
	work_is_dir = is_dir;
	pthread_t t[1024];
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
}

/* Folders of one level at a time, deepest first: each after all below it. */
static struct item *level_items(int level, size_t *n)
{
	struct item *v = malloc((ndirs + 1) * sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i].level == level)
			v[(*n)++] = dirs[i];
	return v;
}

/* ---- io_uring ---------------------------------------------------------------- */

static void uring_sync(struct item *v, size_t n, int is_dir, unsigned depth)
{
	struct io_uring ring;
	int rc = io_uring_queue_init(depth, &ring, 0);
	if (rc < 0) {
		errno = -rc;
		die("io_uring_queue_init", "");
	}
	/* fsync is a blocking request: the kernel runs it on an io-wq worker,
	 * by default at most 4 per CPU; allow DEPTH of them. */
	unsigned maxw[2] = { depth, depth };
	io_uring_register_iowq_max_workers(&ring, maxw);
	size_t submitted = 0, done = 0;
	unsigned inflight = 0;
	while (done < n) {
		while (inflight < depth && submitted < n) {
			int fd = open(v[submitted].path,
				      O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
			if (fd < 0)
				die("open", v[submitted].path);
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_fsync(sqe, fd, 0);
			io_uring_sqe_set_data64(sqe, (uint64_t)fd);
			submitted++;
			inflight++;
		}
		io_uring_submit(&ring);
		struct io_uring_cqe *cqe;
		rc = io_uring_wait_cqe(&ring, &cqe);
		if (rc < 0) {
			errno = -rc;
			die("io_uring_wait_cqe", "");
		}
		if (cqe->res < 0) {
			errno = -cqe->res;
			die("fsync", "(io_uring)");
		}
		close((int)io_uring_cqe_get_data64(cqe));
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		done++;
	}
	io_uring_queue_exit(&ring);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench-walk fsync-serial|fsync-threads|fsync-uring|read DIR [N]\n");
		return 2;
	}
	const char *mode = argv[1], *root = argv[2];
	int n = argc > 3 ? atoi(argv[3]) : 64;
	if (n < 1 || n > 1024)
		n = 64;
	if (nftw(root, collect, 64, FTW_PHYS | FTW_DEPTH) < 0)
		die("nftw", root);
	if (!strcmp(mode, "read")) {
		do_read = 1;
		run_threads(files, nfiles, 0, n);
		printf("%zu files read\n", nfiles);
		return 0;
	}
	if (!strcmp(mode, "fsync-serial")) {
		for (size_t i = 0; i < nfiles; i++)
			sync_one(files[i].path, 0);
		/* FTW_DEPTH lists a folder after its contents */
		for (size_t i = 0; i < ndirs; i++)
			sync_one(dirs[i].path, 1);
	} else if (!strcmp(mode, "fsync-threads") || !strcmp(mode, "fsync-uring")) {
		int uring = !strcmp(mode, "fsync-uring");
		if (uring)
			uring_sync(files, nfiles, 0, (unsigned)n);
		else
			run_threads(files, nfiles, 0, n);
		for (int level = maxlevel; level >= 0; level--) {
			size_t k;
			struct item *v = level_items(level, &k);
			if (uring && k)
				uring_sync(v, k, 1, (unsigned)n);
			else if (k)
				run_threads(v, k, 1, n);
			free(v);
		}
	} else {
		fprintf(stderr, "bench-walk: unknown mode %s\n", mode);
		return 2;
	}
	printf("%zu files and %zu folders synced\n", nfiles, ndirs);
	return 0;
}
