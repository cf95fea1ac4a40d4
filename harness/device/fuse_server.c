/* fuse_server.c - `powercut __fuse-server`: the userspace flakey device.
 *
 * A libfuse3 filesystem with one file, "disk", served from a backing file
 * with pread/pwrite.  A loop device is attached to that file by the parent
 * (backend_fuse.c), so every block write and flush of the loop device
 * arrives here as a write or fsync request, which the current mode passes,
 * drops (reported as successful) or fails with EIO.  Reads always pass.
 * A request passed on that the host fails (the backing file's write, the
 * undo file, the write log) fails too, and is counted in the control block
 * (host_failed): the parent makes the case an environment error.
 *
 * The file is opened with direct_io: otherwise the FUSE page cache would
 * serve dropped data back and the crash test would prove nothing.
 *
 * With --undo FILE the device has a volatile write cache: before a block is
 * first overwritten after a flush, its old content goes to the undo file
 * (fuselog.h); a flush empties it.  At the cut the parent writes the
 * saved blocks back, so what survives is what the last flush made durable.
 * Discards and write-zeroes are not cached: they are durable at once.
 *
 * One process, foreground, requests on several threads (libfuse's mt loop:
 * reads overlap, requests that change the device take a lock).  The parent
 * attaches the loop device with direct I/O, so a request carries a whole
 * bio rather than a page.  Started by the parent with
 *   powercut __fuse-server --backing FILE --control FILE [--undo FILE]
 *                          --ready-fd N --ppid PID MOUNTPOINT
 * It writes one byte to the ready fd once mounted, and exits when unmounted
 * or on SIGTERM/SIGINT/SIGHUP.  It is killed when the parent dies
 * (PR_SET_PDEATHSIG).
 * Exit status 3 (PC_EXIT_ENV) when the environment cannot host it.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "device/fuse_flakey.h"
#include "device/fuselog.h"
#include "util/mountinfo.h"
#include "util/util.h"

#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER 57
#endif

static const char disk_path[] = "/" PC_FUSE_DISK_NAME;

struct server {
	int backing_fd;
	off_t size;
	struct pc_fuse_ctl *ctl;
	/* Requests run on several threads (reads overlap); everything that
	 * changes the device or the model is serialized by this lock. */
	pthread_mutex_t lock;
	/* Volatile write cache (undo.fd >= 0 only with --undo). */
	struct pc_fuselog undo;
	uint8_t *saved;         /* bit per granule: saved since the last flush */
	size_t saved_bytes;
	uint32_t undo_epoch;    /* the ctl's epoch `saved` belongs to */
	/* Write log (log.fd >= 0 only with --log), closed at the first cut. */
	struct pc_fuselog log;
	int log_closed;
};

static struct server *srv(void)
{
	return fuse_get_context()->private_data;
}

static enum pc_flakey_mode current_mode(struct server *s)
{
	return (enum pc_flakey_mode)__atomic_load_n(&s->ctl->mode, __ATOMIC_SEQ_CST);
}

static void add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* Bracket every request that changes the device: see `busy` in
 * fuse_flakey.h.  The store must come before the mode is loaded. */
static void request_begin(struct server *s)
{
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->ctl->busy, 1, __ATOMIC_SEQ_CST);
}

static void request_end(struct server *s)
{
	__atomic_store_n(&s->ctl->busy, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&s->lock);
}

/* ---- the volatile write cache ----------------------------------------- */

static void undo_forget(struct server *s)
{
	memset(s->saved, 0, s->saved_bytes);
	s->undo.pos = 0; /* the undo file is empty: append from its start */
}

/* The parent rolled back and emptied the undo file: start afresh. */
static void undo_follow_epoch(struct server *s)
{
	uint32_t e = __atomic_load_n(&s->ctl->undo_epoch, __ATOMIC_SEQ_CST);
	if (e != s->undo_epoch) {
		undo_forget(s);
		s->undo_epoch = e;
	}
}

/* The request fails because the host did (RC: -errno of the backing
 * file's write or fallocate, the undo file's or the write log's; not the
 * cut's): counted for the parent, which makes the case an environment
 * error.  Returns RC. */
static int host_failure(struct server *s, int rc)
{
	if (rc < 0 && __atomic_fetch_add(&s->ctl->host_failed, 1, __ATOMIC_SEQ_CST) == 0)
		__atomic_store_n(&s->ctl->host_errno, -rc, __ATOMIC_SEQ_CST);
	return rc;
}

/* A warning for a request the host failed, naming the file: the first
 * only (a full work folder fails every write after it; the case's reason
 * counts them). */
static void host_failure_warn(struct server *s, const char *doing, const char *path, int err)
{
	if (__atomic_load_n(&s->ctl->host_failed, __ATOMIC_SEQ_CST) == 0)
		pc_warn("fuse server: %s %s: %s", doing, path, strerror(err));
}

/* pc_pwrite_all for a FUSE answer: 0 or -errno. */
static int write_all(int fd, const void *buf, size_t len, off_t off)
{
	return pc_pwrite_all(fd, buf, len, off) < 0 ? -errno : 0;
}

/* Save the old content of every granule of [off, off+len) not saved since
 * the last flush.  A failure fails the write: the model must not lie. */
static int undo_save(struct server *s, off_t off, size_t len)
{
	if (s->undo.fd < 0 || len == 0)
		return 0;
	undo_follow_epoch(s);
	char old[PC_FUSE_GRANULE];
	uint64_t first = (uint64_t)off / PC_FUSE_GRANULE;
	uint64_t last = ((uint64_t)off + len - 1) / PC_FUSE_GRANULE;
	for (uint64_t g = first; g <= last; g++) {
		if (s->saved[g / 8] & (1u << (g % 8)))
			continue;
		off_t at = (off_t)(g * PC_FUSE_GRANULE);
		size_t n = s->size - at < (off_t)PC_FUSE_GRANULE ? (size_t)(s->size - at)
								 : PC_FUSE_GRANULE;
		ssize_t got = pc_pread_full(s->backing_fd, old, n, at);
		int rc = got < 0 ? -errno : 0;
		if (got >= 0 && (size_t)got < n) /* a hole past EOF reads as zeroes */
			memset(old + got, 0, n - (size_t)got);
		if (rc == 0 && pc_fuseundo_append(&s->undo, (uint64_t)at, (uint32_t)n, old) < 0)
			rc = -errno;
		if (rc < 0) {
			char doing[96];
			snprintf(doing, sizeof(doing), "save block at %lld to the undo file",
				 (long long)at);
			host_failure_warn(s, doing, s->undo.path, -rc);
			host_failure(s, rc);
			return -EIO;
		}
		s->saved[g / 8] |= (uint8_t)(1u << (g % 8));
	}
	return 0;
}

/* A flush reached the device: everything written so far is durable. */
static int undo_flush(struct server *s)
{
	if (s->undo.fd < 0)
		return 0;
	undo_follow_epoch(s);
	if (s->undo.pos == 0)
		return 0;
	if (pc_fuseundo_empty(&s->undo) < 0) {
		int e = errno;
		host_failure_warn(s, "empty the undo file", s->undo.path, e);
		host_failure(s, -e);
		return -EIO;
	}
	undo_forget(s);
	return 0;
}

/* ---- the write log ------------------------------------------------------- */

/* Append a record (and DATA, for a write) to the log.  Only requests the
 * device passes are logged, and none after the first cut: what the
 * remount writes is not part of the workload. */
static int log_append(struct server *s, uint32_t kind, uint32_t arg, uint64_t off,
		      uint64_t len, const void *data)
{
	if (s->log.fd < 0 || s->log_closed)
		return 0;
	struct pc_fuselog_rec r = { .kind = kind, .arg = arg, .offset = off, .length = len };
	if (pc_fuselog_append(&s->log, &r, data) < 0) {
		int e = errno;
		host_failure_warn(s, "write the log", s->log.path, e);
		host_failure(s, -e);
		return -EIO;
	}
	return 0;
}

/* Count a request of kind C carrying N units and say what to do with it:
 * 0 pass it on, 1 drop it (report success), -EIO fail it. */
static int judge(struct server *s, struct pc_fuse_count *c, uint64_t n)
{
	add(&c->seen, n);
	switch (current_mode(s)) {
	case PC_FLAKEY_DROP:
		add(&c->dropped, n);
		s->log_closed = 1;
		return 1;
	case PC_FLAKEY_ERROR:
		add(&c->failed, n);
		s->log_closed = 1;
		return -EIO;
	case PC_FLAKEY_ALLOW:
		break;
	}
	return 0;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* Reads are answered by splicing from the backing file (fs_read_buf):
	 * one copy less per block read. */
	conn->want |= conn->capable & (FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->auto_cache = 0;
	/* The file never changes size or owner: let the kernel cache its
	 * attributes rather than ask for them on every loop request. */
	cfg->attr_timeout = 3600;
	cfg->entry_timeout = 3600;
	return fuse_get_context()->private_data;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	struct server *s = srv();
	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0700;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, disk_path))
		return -ENOENT;
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = s->size;
	st->st_blksize = 4096;
	struct stat bst;
	if (fstat(s->backing_fd, &bst) == 0)
		st->st_blocks = bst.st_blocks;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/"))
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, PC_FUSE_DISK_NAME, NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, disk_path))
		return -ENOENT;
	/* Bypass the FUSE page cache: see the top of the file. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

/* A read, answered from the backing file by reference: libfuse splices it
 * into the reply when the kernel allows, and reads it otherwise. */
static int fs_read_buf(const char *path, struct fuse_bufvec **bufp, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	struct fuse_bufvec *v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = FUSE_BUFVEC_INIT(size);
	v->buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY;
	v->buf[0].fd = srv()->backing_fd;
	v->buf[0].pos = off;
	*bufp = v;
	return 0;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	struct server *s = srv();
	if (off < 0 || off > s->size || (off_t)size > s->size - off)
		return -EFBIG; /* the device has a fixed size */
	request_begin(s);
	add(&s->ctl->count.bytes.seen, size);
	int rc = judge(s, &s->ctl->count.writes, 1);
	if (rc == 1) {
		add(&s->ctl->count.bytes.dropped, size);
		rc = (int)size;
	} else if (rc < 0) {
		add(&s->ctl->count.bytes.failed, size);
	} else if ((rc = undo_save(s, off, size)) == 0 &&
		   (rc = log_append(s, PC_LOG_WRITE, 0, (uint64_t)off, size, buf)) == 0 &&
		   (rc = host_failure(s, write_all(s->backing_fd, buf, size, off))) == 0) {
		rc = (int)size;
	}
	request_end(s);
	return rc;
}

/* A flush of the loop device.  In allow mode it only empties the volatile
 * cache's undo file: the host does not lose power, so data already in the
 * backing file is as durable as the simulation needs, and an fdatasync
 * would only add cost. */
static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	(void)fi;
	struct server *s = srv();
	request_begin(s);
	int rc = judge(s, &s->ctl->count.flushes, 1);
	if (rc == 0 && (rc = undo_flush(s)) == 0)
		rc = log_append(s, PC_LOG_FLUSH, 0, 0, 0, NULL);
	request_end(s);
	return rc < 0 ? rc : 0;
}

/* close(2) of the file: not a block device operation. */
static int fs_flush(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	return 0;
}

/* The loop device turns discard and write-zeroes into fallocate. */
static int fs_fallocate(const char *path, int mode, off_t off, off_t len,
			struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	struct server *s = srv();
	if (off < 0 || len < 0 || off > s->size || len > s->size - off)
		return -EFBIG;
	request_begin(s);
	int rc = judge(s, &s->ctl->count.discards, 1);
	if (rc == 0) {
		/* Logged once done: a mode the backing file's file system lacks
		 * (EOPNOTSUPP: tmpfs has no zero range) changed nothing, and the
		 * kernel writes the zeroes instead (logged as writes); a crash
		 * point replaying the failed request failed the case. */
		rc = fallocate(s->backing_fd, mode, off, len) < 0 ? -errno : 0;
		if (rc < 0 && rc != -EOPNOTSUPP) /* EOPNOTSUPP: a capability */
			host_failure(s, rc);
		if (rc == 0)
			rc = log_append(s, PC_LOG_DISCARD, (uint32_t)mode, (uint64_t)off,
					(uint64_t)len, NULL);
	}
	request_end(s);
	return rc < 0 ? rc : 0;
}

static const struct fuse_operations ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.read_buf = fs_read_buf,
	.write = fs_write,
	.fsync = fs_fsync,
	.flush = fs_flush,
	.fallocate = fs_fallocate,
};

struct server_args {
	const char *backing, *control, *undo, *log, *mountpoint;
	int ready_fd;
	pid_t ppid;
};

static int usage(void)
{
	fprintf(stderr, "usage: powercut __fuse-server --backing FILE --control FILE "
			"[--undo FILE] [--log FILE] --ready-fd N --ppid PID MOUNTPOINT\n"
			"(internal: started by the fuse backend, not by hand)\n");
	return PC_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct server_args *a)
{
	static const struct option longopts[] = {
		{ "backing", required_argument, NULL, 'b' },
		{ "control", required_argument, NULL, 'c' },
		{ "undo", required_argument, NULL, 'u' },
		{ "log", required_argument, NULL, 'l' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "ppid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof(*a));
	a->ready_fd = -1;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b': a->backing = optarg; break;
		case 'c': a->control = optarg; break;
		case 'u': a->undo = optarg; break;
		case 'l': a->log = optarg; break;
		case 'r': a->ready_fd = atoi(optarg); break;
		case 'p': a->ppid = (pid_t)atol(optarg); break;
		default: return -1;
		}
	}
	if (optind + 1 != argc || !a->backing || !a->control || a->ready_fd < 0)
		return -1;
	a->mountpoint = argv[optind];
	return 0;
}

/* Die with the parent: a server nobody stops would keep the FUSE mount.
 * SIGKILL, not SIGTERM: libfuse's loop checks its exit flag only between
 * requests, so a SIGTERM landing just before it blocks in read(2) is lost
 * until the next request, which may never come.  Killed, the server closes
 * /dev/fuse and the kernel fails every further request at once; `powercut
 * cleanup` unmounts what is left. */
static int bind_to_parent(pid_t ppid)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return pc_fail_errno(PC_ERR_ENV, errno, "fuse server: PR_SET_PDEATHSIG");
	if (ppid > 0 && getppid() != ppid)
		return pc_fail(PC_ERR_RUN, "fuse server: parent %d is already gone", (int)ppid);
	/* We serve a block device: memory reclaim inside this process must not
	 * wait for writeback to that same device.
	 * It needs CAP_SYS_RESOURCE, which containers often drop; the runs still
	 * work there, so only say so when debugging. */
	if (prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0) < 0 && getenv("POWERCUT_DEBUG"))
		pc_warn("fuse server: PR_SET_IO_FLUSHER: %s (may deadlock under memory pressure)",
			strerror(errno));
	return 0;
}

static int open_backing(const char *path, struct server *s)
{
	s->backing_fd = open(path, O_RDWR | O_CLOEXEC);
	if (s->backing_fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fuse server: open %s", path);
	struct stat st;
	if (fstat(s->backing_fd, &st) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fuse server: fstat %s", path);
	s->size = st.st_size;
	return 0;
}

/* The parent made the undo file; the server only writes and empties it. */
static int open_undo(const char *path, struct server *s)
{
	if (!path)
		return 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fuse server: open %s", path);
	pc_fuselog_attach(&s->undo, fd, path, 0);
	uint64_t granules = ((uint64_t)s->size + PC_FUSE_GRANULE - 1) / PC_FUSE_GRANULE;
	s->saved_bytes = (size_t)((granules + 7) / 8);
	s->saved = xcalloc(s->saved_bytes ? s->saved_bytes : 1, 1);
	return 0;
}

static int open_log(const char *path, struct server *s)
{
	if (!path)
		return 0;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fuse server: open %s", path);
	pc_fuselog_attach(&s->log, fd, path, 0);
	return 0;
}

static int map_control(const char *path, struct server *s)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fuse server: open %s", path);
	void *p = mmap(NULL, sizeof(struct pc_fuse_ctl), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	int e = errno;
	close(fd);
	if (p == MAP_FAILED)
		return pc_fail_errno(PC_ERR_RUN, e, "fuse server: mmap %s", path);
	s->ctl = p;
	if (s->ctl->magic != PC_FUSE_CTL_MAGIC)
		return pc_fail(PC_ERR_RUN, "fuse server: %s is not a control file", path);
	return 0;
}

/* libfuse's own message for a missing /dev/fuse is terse; say it plainly. */
static int check_dev_fuse(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_ENV, errno,
				     "fuse server: open /dev/fuse (FUSE unavailable: kernel without "
				     "CONFIG_FUSE_FS, or no access)");
	close(fd);
	return 0;
}

/* Is MP still a FUSE mount point in our namespace?  From mountinfo, never
 * a stat of MP: our request loop has ended, and a request to the mount
 * would hang.  When unsure, yes. */
static int still_mounted(const char *mp)
{
	struct pc_mount_top t;
	int rc = pc_mount_top(mp, &t);
	int fuse = rc > 0 && !strncmp(t.type, "fuse", 4);
	pc_mount_top_free(&t);
	return rc < 0 || fuse;
}

/* The parent unmounts MP before it stops us, lazily when the loop device
 * still holds the file; the connection then ends when the loop device
 * lets go, a moment later.  libfuse's unmount is quiet when the connection
 * has ended (POLLERR on its descriptor) and otherwise tries umount2 on MP,
 * which is no mount point any more: "fuse: failed to unmount MP: Invalid
 * argument" on the run's terminal, which reads as a leftover.  So when MP
 * is gone, wait for the connection's end (at most TIMEOUT_MS); libfuse's
 * unmount must run all the same: it frees its copy of MP. */
static void await_connection_end(struct fuse_session *se, const char *mp, int timeout_ms)
{
	if (still_mounted(mp))
		return;
	struct pollfd p = { .fd = fuse_session_fd(se), .events = 0 };
	double deadline = pc_now() + timeout_ms / 1000.0;
	for (;;) {
		int left = (int)((deadline - pc_now()) * 1000);
		if (left <= 0)
			return;
		int n = poll(&p, 1, left);
		if (n > 0 || (n < 0 && errno != EINTR))
			return;
	}
}

static int serve(const struct server_args *a, struct server *s)
{
	char *fargv[] = { "powercut-fuse", "-o", "fsname=powercut,subtype=flakey", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
	struct fuse *f = fuse_new(&args, &ops, sizeof(ops), s);
	fuse_opt_free_args(&args); /* fuse_new copied what it needs */
	if (!f)
		return pc_fail(PC_ERR_ENV, "fuse server: fuse_new failed");
	int rc = -1;
	struct fuse_session *se = fuse_get_session(f);
	if (fuse_set_signal_handlers(se) != 0) {
		pc_fail(PC_ERR_RUN, "fuse server: cannot install signal handlers");
		goto out;
	}
	if (fuse_mount(f, a->mountpoint) != 0) {
		pc_fail(PC_ERR_ENV, "fuse server: cannot mount on %s (see the message above)",
			a->mountpoint);
		goto out_signals;
	}
	char ok = '1';
	ssize_t n;
	do
		n = write(a->ready_fd, &ok, 1);
	while (n < 0 && errno == EINTR);
	close(a->ready_fd);
	if (n != 1) {
		pc_fail_errno(PC_ERR_RUN, errno, "fuse server: report ready");
		goto out_unmount;
	}
	/* > 0: the number of the signal that ended the loop; a normal stop. */
	/* Several threads: the loop device keeps several requests in flight
	 * (direct I/O), and reads are served in parallel. */
	int res = fuse_loop_mt(f, 0);
	rc = res >= 0 ? 0 : pc_fail_errno(PC_ERR_RUN, -res, "fuse server: request loop");
out_unmount:
	await_connection_end(se, a->mountpoint, 2000);
	fuse_unmount(f);
out_signals:
	fuse_remove_signal_handlers(se);
out:
	fuse_destroy(f);
	return rc;
}

int cmd_fuse_server(int argc, char **argv)
{
	struct server_args a;
	if (parse_args(argc, argv, &a) < 0)
		return usage();
	struct server s = { .lock = PTHREAD_MUTEX_INITIALIZER, .backing_fd = -1,
			    .undo = { .fd = -1 }, .log = { .fd = -1 } };
	int rc = -1;
	if (bind_to_parent(a.ppid) == 0 && open_backing(a.backing, &s) == 0 &&
	    map_control(a.control, &s) == 0 && open_undo(a.undo, &s) == 0 &&
	    open_log(a.log, &s) == 0 &&
	    check_dev_fuse() == 0) {
		s.undo_epoch = __atomic_load_n(&s.ctl->undo_epoch, __ATOMIC_SEQ_CST);
		rc = serve(&a, &s);
	}
	free(s.saved);
	pc_fuselog_close(&s.undo);
	pc_fuselog_close(&s.log);
	if (s.ctl)
		munmap(s.ctl, sizeof(*s.ctl));
	if (s.backing_fd >= 0)
		close(s.backing_fd);
	if (rc == 0)
		return PC_EXIT_OK;
	return pc_exit_for_error(PC_EXIT_FAIL);
}
