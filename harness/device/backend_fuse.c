/* backend_fuse.c - the userspace flakey device (parent side).
 *
 *   WORKDIR/backing.img   sparse backing file of the device's size
 *   WORKDIR/fuse.ctl      control block shared with the server (fuse_flakey.h)
 *   WORKDIR/fuse.undo     with a volatile write cache: old content of the
 *                         blocks written since the last flush (fuselog.h)
 *   WORKDIR/fuse.log      with a write log: every write, flush and discard
 *                         up to the first cut (fuselog.h)
 *   WORKDIR/fuse/         FUSE mount of `powercut __fuse-server`: one file,
 *                         "disk", served from backing.img
 *   WORKDIR/fuse.pid      the server's pid, for `powercut cleanup`
 *   /dev/loopN            attached to WORKDIR/fuse/disk: the device;
 *                         after the cut (power_on), to backing.img itself
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/backend.h"
#include "device/fuse_flakey.h"
#include "device/fuselog.h"
#include "device/loop.h"
#include "run/state.h"
#include "util/util.h"

#define READY_TIMEOUT_MS 10000  /* server start to mount */
#define STOP_TIMEOUT_S 5.0      /* SIGTERM to SIGKILL */
#define SERVER_READY_FD 3       /* where the child finds the ready pipe */

struct fuse_priv {
	char backing[PATH_MAX];
	char ctlpath[PATH_MAX];
	char mnt[PATH_MAX];
	char disk[PATH_MAX];
	char pidfile[PATH_MAX];
	char undo[PATH_MAX];
	char log[PATH_MAX];
	struct pc_fuse_ctl *ctl;
	/* What create made, so that destroy removes only that. */
	int made_backing, made_ctl, made_mnt, made_pidfile, made_undo, made_log;
	pid_t server;
	/* The server mounted, and the device still goes through it (until
	 * power_on swaps in a plain loop device, or destroy stops it): an exit
	 * seen now is a death (an OOM kill, a stray kill -9), kept in b->failed. */
	int serving;
	int died_status;          /* its exit status (128+N: signal N); 0 none */
	pid_t died_pid;
	struct pc_loop loop;
};

static int fuse_probe(char *why, size_t whylen)
{
	char hint[128] = "";
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		/* The kernel's part first: a qualify cell keeps 160 characters. */
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			pc_missing_node_hint(hint, sizeof(hint), "FUSE", "CONFIG_FUSE_FS", "fuse");
		snprintf(why, whylen, "cannot open /dev/fuse%s: %s", hint, strerror(e));
		return -1;
	}
	close(fd);
	if (access("/dev/loop-control", R_OK | W_OK) < 0) {
		int e = errno;
		if (e == ENOENT)
			pc_missing_node_hint(hint, sizeof(hint), "loop devices", "CONFIG_BLK_DEV_LOOP",
					     "loop");
		snprintf(why, whylen, "cannot use /dev/loop-control%s: %s", hint, strerror(e));
		return -1;
	}
	snprintf(why, whylen, "/dev/fuse and /dev/loop-control are usable");
	return 0;
}

static int set_paths(struct fuse_priv *p, const char *workdir)
{
	if (pc_path_join(p->backing, sizeof(p->backing), workdir, PC_BACKING_FILE) < 0 ||
	    pc_path_join(p->ctlpath, sizeof(p->ctlpath), workdir, "fuse.ctl") < 0 || pc_path_join(p->mnt, sizeof(p->mnt), workdir, "fuse") < 0 ||
	    pc_path_join(p->disk, sizeof(p->disk), workdir, "fuse/" PC_FUSE_DISK_NAME) < 0 ||
	    pc_path_join(p->pidfile, sizeof(p->pidfile), workdir, "fuse.pid") < 0 || pc_path_join(p->undo, sizeof(p->undo), workdir, "fuse.undo") < 0 ||
	    pc_path_join(p->log, sizeof(p->log), workdir, "fuse.log") < 0)
		return -1;
	return 0;
}

static int make_backing(struct fuse_priv *p, uint64_t size)
{
	if (pc_backing_file_create(p->backing, size) < 0)
		return -1;
	p->made_backing = 1;
	return 0;
}

static int make_control(struct fuse_priv *p)
{
	int fd = open(p->ctlpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pc_fail_workfile(errno, "create", p->ctlpath);
	p->made_ctl = 1;
	if (ftruncate(fd, sizeof(struct pc_fuse_ctl)) < 0) {
		int e = errno;
		close(fd);
		return pc_fail_workfile(e, "size", p->ctlpath);
	}
	void *m = mmap(NULL, sizeof(struct pc_fuse_ctl), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	int e = errno;
	close(fd);
	/* ENODEV: the work folder's file system maps no file shared (a FUSE
	 * file system serving its files with direct_io, as sshfs -o direct_io
	 * does): the machine's set-up, not the case's. */
	if (m == MAP_FAILED && e == ENODEV)
		return pc_fail(PC_ERR_ENV, "mmap %s: the work folder's file system cannot map "
			       "a file shared (%s), which the fuse device's control file needs: "
			       "give --workdir on a local file system (ext4, xfs, tmpfs)",
			       p->ctlpath, strerror(e));
	if (m == MAP_FAILED)
		return pc_fail_errno(PC_ERR_RUN, e, "mmap %s", p->ctlpath);
	p->ctl = m;
	p->ctl->magic = PC_FUSE_CTL_MAGIC;
	__atomic_store_n(&p->ctl->mode, PC_FLAKEY_ALLOW, __ATOMIC_SEQ_CST);
	return 0;
}

/* An empty file the server fills (the undo file, the write log). */
static int make_empty(const char *path, int *made)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pc_fail_workfile(errno, "create", path);
	*made = 1;
	close(fd);
	return 0;
}

/* In the child between fork and exec: only async-signal-safe calls. */
static void exec_server(const char *self, char **argv, int ready_fd)
{
	/* Its own process group: a terminal's ^C goes to the runner, which
	 * tears down in order; the server must not vanish first. */
	setpgid(0, 0);
	if (ready_fd != SERVER_READY_FD) {
		if (dup2(ready_fd, SERVER_READY_FD) < 0)
			_exit(127);
	} else if (fcntl(ready_fd, F_SETFD, 0) < 0) {
		_exit(127);
	}
	/* Descriptors the runner holds (other loop devices, mounts' files)
	 * must not be kept alive by the server. */
	close_range(SERVER_READY_FD + 1, ~0U, 0);
	execv(self, argv);
	_exit(127);
}

/* The program to run as the server: this one.  By name when it still
 * exists (under valgrind /proc/self/exe is valgrind itself; readlink is
 * emulated and names the real program), else /proc/self/exe (the binary was
 * replaced since we started: its old inode is still ours to run). */
static void self_exe(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	if (n > 0) {
		out[n] = '\0';
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, len, "/proc/self/exe");
}

static int start_server(struct fuse_priv *p, int *ready_rd)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "pipe for the fuse server");
	char ppid[32], self[PATH_MAX];
	snprintf(ppid, sizeof(ppid), "%d", (int)getpid());
	self_exe(self, sizeof(self));
	char *argv[16] = { "powercut", "__fuse-server", "--backing", p->backing,
			   "--control", p->ctlpath, "--ready-fd", "3", "--ppid", ppid };
	int argc = 10;
	if (p->made_undo) {
		argv[argc++] = "--undo";
		argv[argc++] = p->undo;
	}
	if (p->made_log) {
		argv[argc++] = "--log";
		argv[argc++] = p->log;
	}
	argv[argc] = p->mnt;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return pc_fail_errno(PC_ERR_RUN, e, "fork the fuse server");
	}
	if (pid == 0) {
		close(pfd[0]);
		exec_server(self, argv, pfd[1]);
	}
	close(pfd[1]);
	p->server = pid;
	*ready_rd = pfd[0];
	return 0;
}

/* Reap the server if it has exited; returns 1 and its exit code if so. */
static int server_exited(struct fuse_priv *p, int block, int *code)
{
	int ws;
	pid_t r;
	do
		r = waitpid(p->server, &ws, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	/* r < 0 (ECHILD): someone else reaped it; it is gone all the same. */
	*code = r < 0 ? -1 : WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (p->serving && !p->died_pid) {
		p->died_pid = p->server;
		p->died_status = *code;
	}
	p->server = 0;
	return 1;
}

/* The requests the server failed because the host did (fuse_flakey.h,
 * host_failed: its backing file, undo file or write log in WORKDIR), for
 * b->failed; nothing when there were none. */
static void describe_host_failures(const struct fuse_priv *p, const char *workdir, char *out,
				   size_t len)
{
	uint64_t n = __atomic_load_n(&p->ctl->host_failed, __ATOMIC_SEQ_CST);
	if (!n)
		return;
	int e = __atomic_load_n(&p->ctl->host_errno, __ATOMIC_SEQ_CST);
	/* No room is not a failing disk: said as it is, with what to do. */
	const char *why = e == ENOSPC ? "the file system holding the work folder is full: free "
					"space there, or use another --workdir"
			  : e == EDQUOT ? "the file system holding the work folder is full for its "
					  "user (disk quota exceeded): free space there, or use "
					  "another --workdir"
			  : "the disk or file system holding the work folder failed it";
	char msg[PATH_MAX + 320];
	snprintf(msg, sizeof(msg), "the fuse server could not write the device's files in %s "
		 "(%llu request%s failed, the first with %s): %s", workdir,
		 (unsigned long long)n, n == 1 ? "" : "s", strerror(e), why);
	pc_fit_middle(out, len, msg);
}

/* What the server's death (server_exited while serving) says, for
 * b->failed: the device failed under the case for the machine's reason. */
static void describe_death(const struct fuse_priv *p, char *out, size_t len)
{
	int st = p->died_status;
	if (st > 128 && st < 128 + NSIG)
		snprintf(out, len, "the fuse server (pid %d) was killed by signal %d (%s) during "
			 "the case", (int)p->died_pid, st - 128, strsignal(st - 128));
	else if (st < 0)
		snprintf(out, len, "the fuse server (pid %d) ended during the case", (int)p->died_pid);
	else
		snprintf(out, len, "the fuse server (pid %d) exited with status %d during the case",
			 (int)p->died_pid, st);
}

static int wait_ready(struct fuse_priv *p, int rd)
{
	struct pollfd pfd = { .fd = rd, .events = POLLIN };
	double deadline = pc_now() + READY_TIMEOUT_MS / 1000.0;
	int n;
	char c = 0;
	for (;;) {
		int left = (int)((deadline - pc_now()) * 1000);
		n = poll(&pfd, 1, left > 0 ? left : 0);
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n < 0) {
		int e = errno;
		close(rd);
		return pc_fail_errno(PC_ERR_RUN, e, "wait for the fuse server");
	}
	ssize_t got = n > 0 ? read(rd, &c, 1) : 0;
	close(rd);
	if (got == 1 && c == '1')
		return 0;
	int code;
	if (n == 0)
		return pc_fail(PC_ERR_RUN, "fuse server (pid %d) did not mount %s within %d s",
			       (int)p->server, p->mnt, READY_TIMEOUT_MS / 1000);
	if (!server_exited(p, 1, &code))
		return pc_fail(PC_ERR_RUN, "fuse server did not start");
	if (code == PC_EXIT_ENV)
		return pc_fail(PC_ERR_ENV, "fuse server could not mount %s (see above)", p->mnt);
	if (code == 127)
		return pc_fail(PC_ERR_ENV, "cannot start the fuse server (exec of this program failed)");
	return pc_fail(PC_ERR_RUN, "fuse server exited with status %d before mounting %s",
		       code, p->mnt);
}

static int check_disk(const struct fuse_priv *p, uint64_t size)
{
	struct stat st;
	if (stat(p->disk, &st) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "stat %s", p->disk);
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		return pc_fail(PC_ERR_RUN, "%s: expected a %llu-byte file, found %lld bytes",
			       p->disk, (unsigned long long)size, (long long)st.st_size);
	return 0;
}

static void fuse_destroy_dev(struct pc_backend *b);

static int fuse_create(struct pc_backend *b, uint64_t size)
{
	struct fuse_priv *p = xcalloc(1, sizeof(*p));
	p->loop.fd = -1;
	b->priv = p;
	b->devpath[0] = '\0';
	b->devnum = 0;
	int ready = -1;
	if (set_paths(p, b->workdir) < 0)
		goto fail;
	if (size == 0 || size % 512) {
		pc_fail(PC_ERR_INPUT, "device size %llu is not a positive multiple of 512",
			(unsigned long long)size);
		goto fail;
	}
	if (make_backing(p, size) < 0 || make_control(p) < 0 ||
	    (b->volatile_cache && make_empty(p->undo, &p->made_undo) < 0) ||
	    (b->write_log && make_empty(p->log, &p->made_log) < 0))
		goto fail;
	if (p->made_log)
		snprintf(b->log_path, sizeof(b->log_path), "%s", p->log);
	if (mkdir(p->mnt, 0700) < 0) {
		pc_fail_workfile(errno, "mkdir", p->mnt);
		goto fail;
	}
	p->made_mnt = 1;
	if (start_server(p, &ready) < 0)
		goto fail;
	if (pc_state_record_pid(b->workdir, "fuse", p->server) < 0) {
		close(ready);
		goto fail;
	}
	p->made_pidfile = 1;
	if (wait_ready(p, ready) < 0)
		goto fail;
	p->serving = 1;
	if (check_disk(p, size) < 0)
		goto fail;
	/* Direct I/O: the loop device hands a whole request to the server at
	 * once (buffered, it writes page by page: a FUSE round trip per 4 KiB)
	 * and keeps no second copy of the device in its own page cache.  A
	 * kernel that cannot do it falls back to buffered I/O by itself. */
	if (pc_loop_attach(p->disk, 1, &p->loop) < 0)
		goto fail;
	snprintf(b->devpath, sizeof(b->devpath), "%s", p->loop.path);
	b->devnum = p->loop.devnum;
	b->mode = PC_FLAKEY_ALLOW;
	return 0;
fail:
	fuse_destroy_dev(b);
	return -1;
}

/* After a cut is stored: wait until the server has finished the request
 * it may have judged under "allow" (see `busy` in fuse_flakey.h). */
static int wait_server_quiet(struct fuse_priv *p)
{
	double deadline = pc_now() + STOP_TIMEOUT_S;
	while (__atomic_load_n(&p->ctl->busy, __ATOMIC_SEQ_CST)) {
		int code;
		if (server_exited(p, 0, &code))
			return pc_fail(PC_ERR_RUN, "fuse server exited (status %d) during the cut", code);
		if (pc_now() > deadline)
			return pc_fail(PC_ERR_RUN, "fuse server still busy %.0f s after the cut",
				       STOP_TIMEOUT_S);
		usleep(100);
	}
	return 0;
}

/* The power is gone: put every block written since the last flush back to
 * what the flush left, empty the undo file and tell the server so. */
static int roll_back_cache(struct pc_backend *b, struct fuse_priv *p)
{
	int backing = open(p->backing, O_RDWR | O_CLOEXEC);
	if (backing < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", p->backing);
	struct stat st;
	if (fstat(backing, &st) < 0) {
		int e = errno;
		close(backing);
		return pc_fail_errno(PC_ERR_RUN, e, "stat %s", p->backing);
	}
	struct pc_fuselog undo;
	if (pc_fuseundo_open(&undo, p->undo, (uint64_t)st.st_size) < 0) {
		close(backing);
		return -1;
	}
	struct pc_fuseundo_rec rec;
	const void *data;
	int rc;
	while ((rc = pc_fuseundo_next(&undo, &rec, &data)) == 1) {
		if (pc_pwrite_all(backing, data, rec.length, (off_t)rec.offset) < 0) {
			rc = pc_fail_errno(PC_ERR_RUN, errno, "roll back %s at %llu", p->undo,
					   (unsigned long long)rec.offset);
			break;
		}
		b->cache_lost_blocks++;
		b->cache_lost_bytes += rec.length;
	}
	if (rc == 0 && pc_fuseundo_empty(&undo) < 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "empty %s", p->undo);
	close(backing);
	pc_fuselog_close(&undo);
	__atomic_add_fetch(&p->ctl->undo_epoch, 1, __ATOMIC_SEQ_CST);
	return rc;
}

/* Requests the server started before the store finish under the old mode,
 * as writes in flight at a power cut may or may not land; every request it
 * starts afterwards sees the new one.  With a volatile write cache the cut
 * then rolls back what no flush made durable. */
static int fuse_set_mode(struct pc_backend *b, enum pc_flakey_mode mode)
{
	struct fuse_priv *p = b->priv;
	if (!p || !p->ctl || p->server <= 0)
		return pc_fail(PC_ERR_RUN, "set flakey mode %s: the fuse device is not running",
			       pc_flakey_mode_name(mode));
	enum pc_flakey_mode old = b->mode;
	__atomic_store_n(&p->ctl->mode, (uint32_t)mode, __ATOMIC_SEQ_CST);
	b->mode = mode;
	if (p->made_undo && old == PC_FLAKEY_ALLOW && mode != PC_FLAKEY_ALLOW) {
		b->cache_lost_blocks = b->cache_lost_bytes = 0;
		if (wait_server_quiet(p) < 0 || roll_back_cache(b, p) < 0)
			return -1;
	}
	return 0;
}

/* The power is back for good.  From here on no write is judged, cached or
 * logged, so the device needs no model: it is the backing file itself,
 * and the remount, verify and fsck read it through a plain loop device
 * instead of a FUSE round trip per request.  Buffered, not direct: the
 * backing file's pages are still in the host's cache, where the server
 * would have read them from.  A new block device also has nothing cached
 * from before the cut, as after a real power cycle.  The server keeps the
 * cut's mode: a write reaching the old device now is lost, as it should. */
static int fuse_power_on(struct pc_backend *b)
{
	struct fuse_priv *p = b->priv;
	if (!p || !p->ctl || p->server <= 0)
		return pc_fail(PC_ERR_RUN, "power on: the fuse device is not running");
	if (b->mode == PC_FLAKEY_ALLOW) /* never cut: the device is as it was */
		return 0;
	pc_loop_detach(&p->loop);
	/* The server leaves the device's path here: a death until now failed
	 * the case's requests (kept), one after it changes nothing. */
	int code;
	server_exited(p, 0, &code);
	p->serving = 0;
	b->devpath[0] = '\0';
	b->devnum = 0;
	if (pc_loop_attach(p->backing, 0, &p->loop) < 0)
		return -1;
	snprintf(b->devpath, sizeof(b->devpath), "%s", p->loop.path);
	b->devnum = p->loop.devnum;
	b->mode = PC_FLAKEY_ALLOW;
	return 0;
}

static void unmount_fuse(const char *mnt)
{
	if (umount2(mnt, 0) == 0 || errno == EINVAL || errno == ENOENT)
		return;
	if (errno == EBUSY && umount2(mnt, MNT_DETACH) == 0)
		return;
	pc_warn("unmount %s: %s", mnt, strerror(errno));
}

static void stop_server(struct fuse_priv *p)
{
	int code;
	if (p->server <= 0)
		return;
	if (server_exited(p, 0, &code))
		return;
	if (kill(p->server, SIGTERM) < 0 && errno != ESRCH)
		pc_warn("stop the fuse server %d: %s", (int)p->server, strerror(errno));
	double deadline = pc_now() + STOP_TIMEOUT_S;
	while (pc_now() < deadline) {
		if (server_exited(p, 0, &code))
			return;
		usleep(10000);
	}
	pc_warn("fuse server %d ignored SIGTERM for %.0f s: killing it", (int)p->server,
		STOP_TIMEOUT_S);
	kill(p->server, SIGKILL);
	server_exited(p, 1, &code);
}

static void remove_file(const char *path)
{
	if (path[0] && unlink(path) < 0 && errno != ENOENT)
		pc_warn("remove %s: %s", path, strerror(errno));
}

static void print_counters(const struct pc_fuse_counters *c)
{
	fprintf(stderr, "powercut: fuse device: writes %llu (dropped %llu, failed %llu), "
		"bytes %llu (dropped %llu, failed %llu), flushes %llu (dropped %llu, "
		"failed %llu), discards %llu\n",
		(unsigned long long)c->writes.seen, (unsigned long long)c->writes.dropped,
		(unsigned long long)c->writes.failed, (unsigned long long)c->bytes.seen,
		(unsigned long long)c->bytes.dropped, (unsigned long long)c->bytes.failed,
		(unsigned long long)c->flushes.seen, (unsigned long long)c->flushes.dropped,
		(unsigned long long)c->flushes.failed, (unsigned long long)c->discards.seen);
}

/* Order matters: the loop device holds the FUSE file open, and the server
 * must outlive the loop device's last request. */
static void fuse_destroy_dev(struct pc_backend *b)
{
	struct fuse_priv *p = b->priv;
	if (!p)
		return;
	pc_loop_detach(&p->loop);
	int code;
	if (p->server > 0)
		server_exited(p, 0, &code); /* gone before we stop it: died */
	p->serving = 0;
	if (p->died_pid)
		describe_death(p, b->failed, sizeof(b->failed));
	else if (p->ctl)
		describe_host_failures(p, b->workdir, b->failed, sizeof(b->failed));
	if (p->made_mnt) {
		/* Unmounting first ends the server's loop by itself. */
		if (p->server > 0)
			unmount_fuse(p->mnt);
		stop_server(p);
		unmount_fuse(p->mnt);
	}
	if (p->ctl) {
		struct pc_fuse_counters c;
		if (getenv("POWERCUT_DEBUG") && pc_backend_fuse_counters(b, &c) == 0)
			print_counters(&c);
		munmap(p->ctl, sizeof(*p->ctl));
		p->ctl = NULL;
	}
	if (p->made_mnt && rmdir(p->mnt) < 0 && errno != ENOENT)
		pc_warn("remove %s: %s", p->mnt, strerror(errno));
	if (p->made_backing && !b->keep_backing)
		remove_file(p->backing);
	if (p->made_ctl)
		remove_file(p->ctlpath);
	if (p->made_pidfile)
		remove_file(p->pidfile);
	if (p->made_undo)
		remove_file(p->undo);
	if (p->made_log && !b->keep_backing) /* --keep: for replaying a point by hand */
		remove_file(p->log);
	b->log_path[0] = '\0';
	free(p);
	b->priv = NULL;
	b->devpath[0] = '\0';
	b->devnum = 0;
}

int pc_backend_fuse_counters(const struct pc_backend *b, struct pc_fuse_counters *out)
{
	const struct fuse_priv *p = b->ops == &pc_backend_fuse ? b->priv : NULL;
	if (!p || !p->ctl)
		return -1;
	const uint64_t *src = (const uint64_t *)&p->ctl->count;
	uint64_t *dst = (uint64_t *)out;
	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	return 0;
}

/* The server counts flushes as it logs them (before the first cut every
 * flush it sees is logged): the count now is where the mark falls.  A flush
 * counted but still in flight is in the log before the next one. */
static int fuse_log_mark(struct pc_backend *b, enum pc_log_mark which)
{
	struct pc_fuse_counters fc;
	if (pc_backend_fuse_counters(b, &fc) < 0)
		return pc_fail(PC_ERR_RUN, "mark the write log: the fuse server's counters are gone");
	b->log_flushes[which] = fc.flushes.seen;
	b->log_marked[which] = 1;
	return 0;
}

/* The server wrote the log in its final format, closed at the first cut. */
static int fuse_log_finish(struct pc_backend *b)
{
	if (!b->log_path[0])
		return pc_fail(PC_ERR_RUN, "write log: the fuse device keeps none");
	return 0;
}

/* Mounts, loop devices and the server's recorded pid are state.c's generic
 * teardown: nothing more to clean up. */
const struct pc_backend_ops pc_backend_fuse = {
	.name = "fuse",
	.caps = PC_BACKEND_VOLATILE_CACHE | PC_BACKEND_WRITE_LOG,
	.probe = fuse_probe,
	.create = fuse_create,
	.set_mode = fuse_set_mode,
	.power_on = fuse_power_on,
	.destroy = fuse_destroy_dev,
	.log_mark = fuse_log_mark,
	.log_finish = fuse_log_finish,
};
