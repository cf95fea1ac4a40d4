/* state.c - the run registry and `powercut cleanup`'s teardown (state.h).
 *
 * A registration is PC_STATE_DIR/<pid> (or <pid>.<n> when a process
 * registers more than one work folder) holding the work folder's path.  A
 * live pid is the registering run only if that process started before the
 * registration was written: otherwise the pid was reused after the run died.
 * Pid files (pc_state_record_pid) hold "<pid> <start ticks>" (field 22 of
 * /proc/<pid>/stat) for the same reason.
 *
 * Teardown of a folder, in the order the device stack needs:
 *   1. unmount the filesystems at or below it (deepest first) except FUSE:
 *      a filesystem on the loop device goes before the loop device;
 *   2. detach loop devices whose backing file is below it: a loop device
 *      stacked on the FUSE file keeps the FUSE mount busy;
 *   3. stop the processes recorded in its *.pid files (the FUSE servers);
 *   4. unmount what is left (the FUSE mounts), lazily if still busy;
 *   5. what each backend makes beyond these (dm devices): its
 *      teardown_below op (backend.h).
 */
#include "run/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <linux/loop.h>
#include <unistd.h>

#include "device/backend.h"
#include "util/escape.h"
#include "device/loop.h"
#include "util/mountinfo.h"
#include "util/util.h"

#define DEFAULT_BASE "/var/tmp"
#define WORKDIR_PREFIX "powercut."
#define TERM_WAIT_MS 3000
#define KILL_WAIT_MS 2000
#define WALK_MAX_DEPTH 8
#define LOOP_SETTLE_MS 5000

/* ---- small helpers ---- */

static int path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static int path_depth(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* /proc/PID/stat: field 3, the state letter, and field 22, the start time
 * in clock ticks since boot.  -1 if the process does not exist. */
static int proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and ')': skip past the
	 * last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	p += 2;
	*state = *p;
	for (int field = 3; field < 22 && *p; field++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

static unsigned long long proc_starttime(pid_t pid)
{
	char state;
	unsigned long long start;
	return proc_stat(pid, &state, &start) < 0 ? 0 : start;
}

/* When the process started, in seconds since the epoch; 0 if unknown.
 * Whole seconds: /proc/stat's btime has no finer resolution. */
static double proc_start_epoch(pid_t pid)
{
	unsigned long long start = proc_starttime(pid);
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "re");
	if (!start || hz <= 0 || !f) {
		if (f)
			fclose(f);
		return 0;
	}
	char line[256];
	unsigned long long btime = 0;
	while (!btime && fgets(line, sizeof(line), f))
		sscanf(line, "btime %llu", &btime);
	fclose(f);
	return btime ? (double)btime + (double)start / (double)hz : 0;
}

/* Running, in the sense that matters here: not gone, not a zombie. */
static int proc_running(pid_t pid)
{
	char state;
	unsigned long long start;
	return proc_stat(pid, &state, &start) == 0 && state != 'Z' && state != 'X';
}

/* readlink of /proc/PID/exe without a " (deleted)" suffix (a rebuilt
 * binary); "" if unreadable. */
static void proc_exe(const char *pid, char *out, size_t len)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%s/exe", pid);
	ssize_t n = readlink(link, out, len - 1);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	char *del = strstr(out, " (deleted)");
	if (del && del[10] == '\0')
		*del = '\0';
}

/* Is PID one of ours: the powercut binary, or a fuse server?  (Never signal
 * a process that merely reused the pid.) */
static int is_powercut_process(pid_t pid)
{
	char spid[32], exe[PATH_MAX], self[PATH_MAX];
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	proc_exe(spid, exe, sizeof(exe));
	proc_exe("self", self, sizeof(self));
	if (exe[0] && !strcmp(exe, self))
		return 1;
	char path[64], cmd[256];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	cmd[n] = '\0';
	size_t first = strlen(cmd) + 1;
	return first < (size_t)n && !strcmp(cmd + first, "__fuse-server");
}

static int write_new_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int e = errno;
	if (close(fd) < 0 && n == (ssize_t)len) {
		n = -1;
		e = errno;
	}
	if (n != (ssize_t)len) {
		unlink(path);
		errno = n < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

/* ---- mounts ---- */

struct mount_ent {
	char *mp;
	char loop[32];  /* "loopN" when mounted from /dev/loopN, else "" */
	/* Open on that loop device from before the unmount to its detach, and
	 * its backing file then: the device stays the run's while we hold it
	 * (holding_loop). */
	int loopfd;
	char *backing;
	int is_fuse;
	int depth, order;
};

/* Parse one mountinfo line into mount point, fstype and source; 0 if
 * malformed. */
static int parse_mountinfo_line(char *line, char **mp, char **fstype, char **source)
{
	char *save = NULL, *tok;
	int field = 0;
	*mp = *fstype = *source = NULL;
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		field++;
		if (field == 5)
			*mp = tok;
		if (field > 6 && !strcmp(tok, "-")) {
			*fstype = strtok_r(NULL, " \n", &save);
			*source = strtok_r(NULL, " \n", &save);
			break;
		}
	}
	return *mp && *fstype && *source;
}

static int cmp_deepest_first(const void *a, const void *b)
{
	const struct mount_ent *x = a, *y = b;
	if (x->depth != y->depth)
		return y->depth - x->depth;
	return y->order - x->order; /* stacked mounts: the latest first */
}

/* Mounts at or below DIR, deepest first.  Returns the count, -1 on error. */
static int mounts_below(const char *dir, struct mount_ent **out)
{
	*out = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return pc_fail_errno(PC_ERR_ENV, errno, "open /proc/self/mountinfo");
	char *line = NULL;
	size_t cap = 0;
	int n = 0, alloc = 0, order = 0;
	struct mount_ent *v = NULL;
	while (getline(&line, &cap, f) > 0) {
		char *mp, *fstype, *source;
		order++;
		if (!parse_mountinfo_line(line, &mp, &fstype, &source))
			continue;
		pc_mountinfo_unescape(mp);
		if (!path_below(mp, dir))
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			v = xrealloc(v, (size_t)alloc * sizeof(*v));
		}
		v[n].mp = xstrdup(mp);
		v[n].is_fuse = !strcmp(fstype, "fuse") || !strncmp(fstype, "fuse.", 5);
		v[n].loop[0] = '\0';
		v[n].loopfd = -1;
		v[n].backing = NULL;
		if (!strncmp(source, "/dev/loop", 9) && isdigit((unsigned char)source[9]))
			snprintf(v[n].loop, sizeof(v[n].loop), "%.31s", source + 5);
		v[n].depth = path_depth(mp);
		v[n].order = order;
		n++;
	}
	free(line);
	fclose(f);
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_deepest_first);
	*out = v;
	return n;
}

static void free_mounts(struct mount_ent *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].mp);
		free(v[i].backing);
		if (v[i].loopfd >= 0)
			close(v[i].loopfd);
	}
	free(v);
}

/* Unmount one mount point: normally, lazily if busy.  1 done, 0 it was not
 * mounted any more, -1 error. */
static int unmount_one(const char *mp, int verbose)
{
	if (umount2(mp, 0) == 0) {
		if (verbose)
			printf("unmounted %s\n", mp);
		return 1;
	}
	if (errno == EINVAL || errno == ENOENT)
		return 0;
	if (errno == EBUSY && umount2(mp, MNT_DETACH) == 0) {
		if (verbose)
			printf("unmounted %s (lazily: it was busy)\n", mp);
		return 1;
	}
	return pc_fail_errno(PC_ERR_RUN, errno, "unmount %s", mp);
}

static int holding_loop(const char *name, const char *dir, int *fd, char **backing);
static int settle_loop(const char *name, int fd, const char *backing, int verbose, int *count);

/* Test-only hook (docs/design.md): POWERCUT_TEST_UNMOUNTED=PROGRAM is run
 * after the unmounts, before the loop devices under them are let go, with
 * their names (loopN) as arguments (not run when there are none): a test attaches a file of its own to a
 * loop device there, as a concurrent program may. */
static void unmounted_test_hook(const struct mount_ent *v, int n)
{
	const char **args = xcalloc((size_t)n + 1, sizeof(*args));
	int a = 0;
	for (int i = 0; i < n; i++)
		if (v[i].loopfd >= 0)
			args[a++] = v[i].loop;
	pc_run_test_hook("POWERCUT_TEST_UNMOUNTED", args);
	free(args);
}

/* A loop device mounted below DIR is the run's even when its backing file
 * can no longer be named (a lazily unmounted FUSE file shows as "/disk").
 * It is opened before the unmount and held until it is detached: once its
 * last user is gone, autoclear detaches it, and another program may
 * attach its own file to the same /dev/loopN at once: a detach by name
 * would then take that program's device away. */
static int unmount_below(const char *dir, int include_fuse, int verbose, int *count)
{
	struct mount_ent *v;
	int n = mounts_below(dir, &v);
	if (n < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (v[i].is_fuse && !include_fuse)
			v[i].loop[0] = '\0';
		/* One loop device may be mounted twice: held once. */
		for (int j = 0; j < i && v[i].loop[0]; j++)
			if (!strcmp(v[i].loop, v[j].loop))
				v[i].loop[0] = '\0';
		if (v[i].loop[0] && holding_loop(v[i].loop, dir, &v[i].loopfd, &v[i].backing) < 0)
			rc = -1;
	}
	for (int i = 0; i < n; i++) {
		if (v[i].is_fuse && !include_fuse)
			continue;
		int r = unmount_one(v[i].mp, verbose);
		if (r < 0)
			rc = -1;
		else
			*count += r;
		if (r <= 0 && v[i].loopfd >= 0) { /* not ours to settle */
			close(v[i].loopfd);
			v[i].loopfd = -1;
		}
	}
	unmounted_test_hook(v, n);
	/* After every unmount, as one loop device may be mounted twice. */
	for (int i = 0; i < n; i++) {
		if (v[i].loopfd < 0)
			continue;
		if (settle_loop(v[i].loop, v[i].loopfd, v[i].backing, verbose, count) < 0)
			rc = -1;
		v[i].loopfd = -1; /* closed by settle_loop */
	}
	free_mounts(v, n);
	return rc;
}

/* ---- loop devices ---- */

/* Open /dev/NAME; without udev the node may be missing: make a private one
 * in DIR from the number in sysfs. */
static int open_blockdev(const char *name, const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/dev/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	char sys[PATH_MAX], buf[32];
	snprintf(sys, sizeof(sys), "/sys/block/%s/dev", name);
	int sfd = open(sys, O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		return -1;
	ssize_t len = read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	unsigned maj, min;
	if (len <= 0 || (buf[len] = '\0', sscanf(buf, "%u:%u", &maj, &min) != 2)) {
		errno = EIO;
		return -1;
	}
	int n = snprintf(path, sizeof(path), "%s/.node-%s", dir, name);
	if (n < 0 || n >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mknod(path, S_IFBLK | 0600, makedev(maj, min)) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	int e = errno;
	unlink(path);
	errno = e;
	return fd;
}

/* Open loop device NAME into *FD and read its backing file into *BACKING
 * (both left unset when nothing is attached).  Read after the open: while
 * we hold the device, the kernel only marks it to be detached at its last
 * close, so the file named is the one attached until we close it. */
static int holding_loop(const char *name, const char *dir, int *fd, char **backing)
{
	*fd = open_blockdev(name, dir);
	if (*fd < 0)
		return errno == ENOENT || errno == ENXIO ? 0
		       : pc_fail_errno(PC_ERR_RUN, errno, "open /dev/%s", name);
	char file[PATH_MAX];
	int rc = pc_loop_backing_file(name, file, sizeof(file));
	if (rc < 0 || !file[0]) {
		close(*fd);
		*fd = -1;
		return rc;
	}
	*backing = xstrdup(file);
	return 0;
}

/* Whether loop device NAME is still attached to BACKING: after we let it
 * go, it may be attached again at once, to another program's file. */
static int still_backed_by(const char *name, const char *backing)
{
	char now[PATH_MAX];
	return pc_loop_backing_file(name, now, sizeof(now)) == 0 && !strcmp(now, backing);
}

/* Detach loop device NAME, held open on FD (closed here) since before its
 * filesystem was unmounted, still attached to BACKING.  Autoclear may do
 * it at our close, asynchronously: ask, close, then wait for it to go. */
static int settle_loop(const char *name, int fd, const char *backing, int verbose, int *count)
{
	if (ioctl(fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO && errno != EBUSY)
		pc_warn("detach /dev/%s: %s", name, strerror(errno));
	close(fd);
	for (int waited = 0; waited < LOOP_SETTLE_MS; waited += 10) {
		if (!still_backed_by(name, backing)) {
			(*count)++;
			if (verbose)
				printf("detached /dev/%s\n", name);
			return 0;
		}
		usleep(10000);
	}
	return pc_fail(PC_ERR_RUN, "/dev/%s is still attached after its filesystem was unmounted",
		       name);
}

/* Whether BACKING (a loop device's backing file, as sysfs names it; the
 * kernel's " (deleted)" taken off, in place) is below DIR. */
static int backed_below(char *backing, const char *dir)
{
	char *del = strstr(backing, " (deleted)");
	if (del && del[10] == '\0')
		*del = '\0';
	return backing[0] && path_below(backing, dir);
}

static int detach_loops_below(const char *dir, int verbose, int *count)
{
	DIR *d = opendir("/sys/block");
	if (!d)
		return pc_fail_errno(PC_ERR_ENV, errno, "open /sys/block");
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "loop", 4) || !isdigit((unsigned char)de->d_name[4]))
			continue;
		char backing[PATH_MAX];
		if (pc_loop_backing_file(de->d_name, backing, sizeof(backing)) < 0) {
			rc = -1;
			continue;
		}
		if (!backed_below(backing, dir))
			continue;
		/* Held, it stays attached to what it names now: the file read
		 * before the open may have been let go and another program's
		 * attached since. */
		int fd = -1;
		char *held = NULL;
		if (holding_loop(de->d_name, dir, &fd, &held) < 0) {
			rc = -1;
			continue;
		}
		int ours = fd >= 0 && backed_below(held, dir);
		free(held);
		if (!ours) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		/* With other openers the kernel only marks it autoclear. */
		if (ioctl(fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO) {
			rc = pc_fail_errno(PC_ERR_RUN, errno, "detach /dev/%s (backed by %s)",
					   de->d_name, backing);
		} else {
			(*count)++;
			if (verbose)
				printf("detached /dev/%s (backed by %s)\n", de->d_name, backing);
		}
		close(fd);
	}
	closedir(d);
	return rc;
}

/* The first loop device still backed below DIR into NAME (empty: none);
 * -1 when /sys/block cannot be read. */
static int first_loop_below(const char *dir, char *name, size_t namelen, char *backing,
			    size_t blen)
{
	name[0] = '\0';
	DIR *d = opendir("/sys/block");
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "loop", 4) || !isdigit((unsigned char)de->d_name[4]))
			continue;
		if (pc_loop_backing_file(de->d_name, backing, blen) < 0)
			continue;
		if (backed_below(backing, dir)) {
			snprintf(name, namelen, "%s", de->d_name);
			break;
		}
	}
	closedir(d);
	return 0;
}

/* After the teardown: a loop device detached while another process held
 * it open is only marked autoclear, and stays until that process closes
 * it (a tool of the dead run, still running or stuck in the kernel).
 * Wait a little for the kernel, then fail naming it: cleanup must not say
 * it is done while the device is still there. */
static int loops_gone_below(const char *dir)
{
	char name[NAME_MAX + 1], backing[PATH_MAX];
	for (int waited = 0;; waited += 10) {
		if (first_loop_below(dir, name, sizeof(name), backing, sizeof(backing)) < 0)
			return pc_fail_errno(PC_ERR_ENV, errno, "open /sys/block");
		if (!name[0])
			return 0;
		if (waited >= LOOP_SETTLE_MS)
			break;
		usleep(10000);
	}
	return pc_fail(PC_ERR_RUN, "/dev/%s (backed by %s) is still attached: a process holds it "
		       "open (a tool of the dead run, still running or stuck in the kernel?); it "
		       "goes when that process ends: run cleanup again then", name, backing);
}

/* ---- recorded processes ---- */

/* Wait up to MS for the process to end: on its pidfd, or (PFD < 0) by
 * polling /proc.  1 if it ended. */
static int wait_gone(int pfd, pid_t pid, int ms)
{
	if (pfd >= 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int n;
		do
			n = poll(&p, 1, ms);
		while (n < 0 && errno == EINTR);
		return n > 0;
	}
	for (int waited = 0; waited <= ms; waited += 10) {
		if (!proc_running(pid))
			return 1;
		usleep(10000);
	}
	return 0;
}

static int send_signal(int pfd, pid_t pid, int sig)
{
	if (pfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
	return kill(pid, sig);
}

/* Stop the process recorded in PIDFILE if it is still ours.  1 stopped,
 * 0 nothing to do, -1 error. */
static int stop_recorded(const char *pidfile, int verbose)
{
	char *text = pc_read_file(pidfile, NULL);
	if (!text)
		return -1;
	long pid = 0;
	unsigned long long start = 0;
	int fields = sscanf(text, "%ld %llu", &pid, &start);
	free(text);
	if (fields < 1 || pid <= 1 || pid > INT_MAX)
		return pc_fail(PC_ERR_RUN, "%s: no pid in it", pidfile);
	/* A pidfd pins the process: the checks below and the signal apply to
	 * the same one even if it exits and the pid is reused meanwhile.
	 * Without pidfds (ENOSYS: old kernel, valgrind) the window is small. */
	int pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pfd < 0 && errno == ESRCH)
		return 0;
	if (pfd < 0 && errno != ENOSYS)
		return pc_fail_errno(PC_ERR_RUN, errno, "pidfd_open %ld", pid);
	int rc = 0;
	if (!proc_running((pid_t)pid))
		goto out;
	if ((fields == 2 && proc_starttime((pid_t)pid) != start) ||
	    !is_powercut_process((pid_t)pid)) {
		if (verbose > 1)
			printf("left pid %ld alone: not the process %s recorded\n", pid, pidfile);
		goto out;
	}
	if (send_signal(pfd, (pid_t)pid, SIGTERM) < 0) {
		rc = errno == ESRCH ? 0 : pc_fail_errno(PC_ERR_RUN, errno, "signal pid %ld", pid);
		goto out;
	}
	if (!wait_gone(pfd, (pid_t)pid, TERM_WAIT_MS)) {
		send_signal(pfd, (pid_t)pid, SIGKILL);
		if (!wait_gone(pfd, (pid_t)pid, KILL_WAIT_MS)) {
			rc = pc_fail(PC_ERR_RUN, "pid %ld (%s) survived SIGKILL", pid, pidfile);
			goto out;
		}
	}
	rc = 1;
	if (verbose)
		printf("stopped pid %ld (%s)\n", pid, pidfile);
out:
	if (pfd >= 0)
		close(pfd);
	return rc;
}

static int is_mount_point(const char *path, const struct mount_ent *v, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].mp, path))
			return 1;
	return 0;
}

/* Find *.pid files below DIR.  Directories that are mount points are not
 * entered (nor stat'ed: a hung FUSE server would hang us). */
static int stop_recorded_below(const char *dir, const struct mount_ent *mounts, int nmounts,
			       int depth, int verbose, int *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : pc_fail_errno(PC_ERR_RUN, errno, "open %s", dir);
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || n >= (int)sizeof(path))
			continue;
		unsigned char type = de->d_type;
		if (type == DT_UNKNOWN && !is_mount_point(path, mounts, nmounts)) {
			struct stat st;
			if (lstat(path, &st) == 0)
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : 0;
		}
		size_t len = strlen(de->d_name);
		if (type == DT_DIR && depth < WALK_MAX_DEPTH &&
		    !is_mount_point(path, mounts, nmounts)) {
			if (stop_recorded_below(path, mounts, nmounts, depth + 1, verbose, count) < 0)
				rc = -1;
		} else if (type == DT_REG && len > 4 && !strcmp(de->d_name + len - 4, ".pid")) {
			int r = stop_recorded(path, verbose);
			if (r < 0)
				rc = -1;
			else
				*count += r;
		}
	}
	closedir(d);
	return rc;
}

static int stop_processes_below(const char *dir, int verbose, int *count)
{
	struct mount_ent *v;
	int n = mounts_below(dir, &v);
	if (n < 0)
		return -1;
	int rc = stop_recorded_below(dir, v, n, 0, verbose, count);
	free_mounts(v, n);
	return rc;
}

/* ---- teardown ---- */

int pc_state_teardown_dir(const char *dir, int verbose)
{
	char real[PATH_MAX];
	if (!realpath(dir, real)) {
		if (errno == ENOENT)
			return 0;
		return pc_fail_errno(PC_ERR_RUN, errno, "resolve %s", dir);
	}
	int count = 0, rc = 0;
	if (unmount_below(real, 0, verbose, &count) < 0)
		rc = -1;
	if (detach_loops_below(real, verbose, &count) < 0)
		rc = -1;
	if (stop_processes_below(real, verbose, &count) < 0)
		rc = -1;
	if (unmount_below(real, 1, verbose, &count) < 0)
		rc = -1;
	for (size_t i = 0; pc_backends[i]; i++) {
		if (!pc_backends[i]->teardown_below)
			continue;
		int n = pc_backends[i]->teardown_below(real, verbose);
		if (n < 0)
			rc = -1;
		else
			count += n;
	}
	if (rc == 0 && loops_gone_below(real) < 0)
		rc = -1;
	return rc < 0 ? -1 : count;
}

/* ---- registry ---- */

/* PC_STATE_DIR, or a private folder for the unit tests (pc_state_use_dir):
 * a test's fake dead runs must not meet other processes' cleanups. */
static const char *state_dir = PC_STATE_DIR;

void pc_state_use_dir(const char *dir)
{
	state_dir = dir ? dir : PC_STATE_DIR;
}

/* A byte below 0x20 or DEL: such a path would not survive the one-path-a-
 * line formats it passes through (the registration, mountinfo, losetup). */
static int has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int pc_state_check_base(const char *base)
{
	char rbase[PATH_MAX];
	const char *bad = has_control_char(base) ? base
			: realpath(base, rbase) && has_control_char(rbase) ? rbase /* a symlink */
			: NULL;
	/* The backing files are made in the work folder and opened again by
	 * path (the loop device, the fuse server): one who could move the
	 * work folder away could put backing.img -> /dev/sda in its place. */
	char why[PATH_MAX + 128];
	/* A folder the arguments name (-w, or the default) that is not there
	 * or is no folder is the input's mistake (exit 2), found before the
	 * results folder is made; one that cannot be written or fills up is
	 * the machine's (exit 3, pc_state_begin). */
	struct stat st;
	if (!bad && (stat(base, &st) < 0 ? errno == ENOENT || errno == ENOTDIR : !S_ISDIR(st.st_mode))) {
		int e = errno;
		if (stat(base, &st) == 0)
			return pc_fail(PC_ERR_INPUT, "work folder base %s: not a folder (--workdir)", base);
		return pc_fail_errno(PC_ERR_INPUT, e, "work folder base %s (--workdir: give an "
				     "existing folder)", base);
	}
	if (!bad && realpath(base, rbase) && pc_folder_exposed(rbase, 0, why, sizeof(why)) < 0) {
		char *shown = pc_esc_text(why);
		pc_fail(PC_ERR_INPUT, "work folder base %s: %s: they could replace the run's work "
			"folder, and a backing file in it, during the run; give a folder only root "
			"(or the user who ran sudo) can write to, or a sticky one such as /var/tmp",
			base, shown);
		free(shown);
		return -1;
	}
	if (!bad)
		return 0;
	char *shown = pc_esc_text(bad);
	pc_fail(PC_ERR_INPUT, "work folder base '%s': a control character (newline, tab, ...) "
		"in the path is refused: the run registry, mountinfo and losetup list paths "
		"one per line", shown);
	free(shown);
	return -1;
}

int pc_state_workdir_template(const char *base, char *out, size_t len)
{
	char rbase[PATH_MAX];
	if (!base || !base[0])
		base = DEFAULT_BASE;
	if (!realpath(base, rbase))
		return pc_fail_errno(PC_ERR_ENV, errno, "work folder base %s", base);
	int n = snprintf(out, len, "%s/" WORKDIR_PREFIX "XXXXXX", rbase);
	if (n < 0 || (size_t)n >= len)
		return pc_fail(PC_ERR_INPUT, "work folder path under %s is too long", rbase);
	return 0;
}

int pc_state_begin(const char *base, char *workdir, size_t len)
{
	if (!base || !base[0])
		base = DEFAULT_BASE;
	if (pc_state_check_base(base) < 0)
		return -1;
	char *tmpl = xmalloc(len);
	if (pc_state_workdir_template(base, tmpl, len) < 0) {
		free(tmpl);
		return -1;
	}
	if (!mkdtemp(tmpl)) {
		int e = errno;
		free(tmpl);
		return pc_fail_errno(PC_ERR_ENV, e, "make a work folder under %s", base);
	}
	snprintf(workdir, len, "%s", tmpl);
	free(tmpl);
	if (pc_state_register(workdir) < 0) {
		rmdir(workdir);
		return -1;
	}
	return 0;
}

int pc_state_register(const char *workdir)
{
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST)
		return pc_fail_errno(PC_ERR_ENV, errno, "mkdir %s (are you root?)", state_dir);
	pid_t self = getpid();
	char *text = xasprintf("%s\n", workdir);
	int rc = -1;
	/* O_EXCL: one file per work folder; a process may register several. */
	for (int i = 0; i < 1000 && rc < 0; i++) {
		char path[64];
		if (i == 0)
			snprintf(path, sizeof(path), "%s/%d", state_dir, (int)self);
		else
			snprintf(path, sizeof(path), "%s/%d.%d", state_dir, (int)self, i);
		rc = write_new_file(path, text);
		if (rc < 0 && errno != EEXIST)
			break;
	}
	int e = errno;
	free(text);
	if (rc < 0)
		return pc_fail_errno(PC_ERR_ENV, e, "register %s in %s", workdir, state_dir);
	return 0;
}

/* Registration file name -> pid (digits, optionally ".N"); 0 if not one. */
static pid_t registration_pid(const char *name)
{
	char *end;
	if (!isdigit((unsigned char)name[0]))
		return 0;
	long pid = strtol(name, &end, 10);
	if (pid <= 0 || pid > INT_MAX)
		return 0;
	if (*end == '.') {
		char *end2;
		strtol(end + 1, &end2, 10);
		if (end2 == end + 1 || *end2)
			return 0;
	} else if (*end) {
		return 0;
	}
	return (pid_t)pid;
}

struct registration {
	char path[PATH_MAX];    /* the registration file */
	char workdir[PATH_MAX];
	time_t written;         /* its mtime */
};

/* 1 read; 0 the file is gone since its folder was listed (its run ended
 * and unregistered, or another cleanup took it: nothing to do, and no
 * error); -1 it could not be read (said why). */
static int read_registration(const char *path, struct registration *r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
		return -1;
	}
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "stat %s", path);
	else
		text = pc_read_fd(fd, path, NULL);
	close(fd);
	if (!text)
		return -1;
	r->written = st.st_mtime;
	snprintf(r->path, sizeof(r->path), "%s", path);
	/* Exactly "PATH\n" (pc_state_begin refuses control characters): only
	 * the final newline is stripped, so a damaged file never yields a
	 * shorter, different path. */
	size_t n = strlen(text);
	if (n && text[n - 1] == '\n')
		text[--n] = '\0';
	snprintf(r->workdir, sizeof(r->workdir), "%s", text);
	free(text);
	return 1;
}

/* The next registration in D (the state folder): 1 read into R (its run's
 * pid in *PID), 0 no more, -1 one could not be read (said why; the next
 * call goes on with the rest).  One gone since the listing is skipped. */
static int next_registration(DIR *d, pid_t *pid, struct registration *r)
{
	struct dirent *de;
	while ((de = readdir(d))) {
		*pid = registration_pid(de->d_name);
		if (!*pid)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", state_dir, de->d_name);
		int got = read_registration(path, r);
		if (got != 0)
			return got;
	}
	return 0;
}

/* Remove this process's registration of WORKDIR. */
void pc_state_unregister(const char *workdir)
{
	DIR *d = opendir(state_dir);
	if (!d)
		return;
	pid_t self = getpid();
	struct dirent *de;
	while ((de = readdir(d))) {
		if (registration_pid(de->d_name) != self)
			continue;
		struct registration r;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", state_dir, de->d_name);
		if (read_registration(path, &r) == 1 && !strcmp(r.workdir, workdir) &&
		    unlink(path) < 0)
			pc_warn("remove %s: %s", path, strerror(errno));
	}
	closedir(d);
}

/* Nothing may be mounted below WORKDIR when it is let go; if something is,
 * the registration stays so that `powercut cleanup` can finish the job. */
static int nothing_mounted(const char *workdir)
{
	struct mount_ent *v;
	int n = mounts_below(workdir, &v);
	if (n == 0)
		return 1;
	if (n > 0)
		pc_warn("leaving %s for `powercut cleanup`: %s is still mounted", workdir, v[0].mp);
	free_mounts(v, n > 0 ? n : 0);
	return 0;
}

int pc_state_end(const char *workdir)
{
	if (!nothing_mounted(workdir))
		return pc_fail(PC_ERR_ENV, "the work folder %s stays (something is mounted below "
			       "it): run `powercut cleanup`", workdir);
	if (pc_rmtree_all(workdir, PC_ERR_RUN) < 0)
		return pc_fail(PC_ERR_ENV, "the work folder %s did not all go: run `powercut "
			       "cleanup`, or see what holds it", workdir);
	pc_state_unregister(workdir);
	return 0;
}

void pc_state_release(const char *workdir)
{
	if (nothing_mounted(workdir))
		pc_state_unregister(workdir);
}

int pc_state_record_pid(const char *dir, const char *name, pid_t pid)
{
	char *path = xasprintf("%s/%s.pid", dir, name);
	char *text = xasprintf("%d %llu\n", (int)pid, proc_starttime(pid));
	/* Made first: a work folder out of inodes is the host's (exit 3). */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;
	if (fd < 0)
		pc_fail_workfile(errno, "create", path);
	else if (close(fd) < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "close %s", path);
	else
		rc = pc_write_file(path, text, strlen(text), 0);
	free(path);
	free(text);
	return rc;
}

/* Slack for comparing a process start time with a file time: btime is
 * rounded to seconds and the wall clock may have been stepped a little. */
#define START_SLACK_S 5

/* Is the run that made registration R still running?  A process that
 * started after the registration was written merely reused the pid. */
static int registration_alive(pid_t pid, const struct registration *r)
{
	if (!proc_running(pid))
		return 0;
	double started = proc_start_epoch(pid);
	if (started > 0 && r->written > 0 && started > (double)r->written + START_SLACK_S)
		return 0;
	return 1;
}

static int named_as(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix)) && strlen(name) == strlen(prefix) + 6;
}

/* A merge's folder: .OUT.merge.XXXXXX (OUT not empty). */
static int merge_stage(const char *dir)
{
	const char *base = strrchr(dir, '/');
	size_t n = base ? strlen(++base) : 0, tail = strlen(PC_STATE_MERGE_INFIX) + 6;
	return n > tail + 1 && base[0] == '.' &&
	       !strncmp(base + n - tail, PC_STATE_MERGE_INFIX, strlen(PC_STATE_MERGE_INFIX));
}

/* Only folders that pc_state_begin (or fio's set-up check, PC_STATE_SETUP_PREFIX,
 * or merge-results.sh, PC_STATE_MERGE_INFIX) could have made: never tear
 * down "/" or some other folder because a registration file was damaged. */
static int workdir_plausible(const char *dir)
{
	const char *base = strrchr(dir, '/');
	return dir[0] == '/' && base && base != dir &&
	       (named_as(base + 1, WORKDIR_PREFIX) || named_as(base + 1, PC_STATE_SETUP_PREFIX) ||
		merge_stage(dir)) &&
	       !strstr(dir, "/../") && !strstr(dir, "/./") && !strstr(dir, "//");
}

/* The registered work folder is there as the run made it (mkdtemp: a
 * folder of ours), not a name another user took after the run's folder
 * went (a symlink to some folder, or a folder of theirs, in /var/tmp):
 * tearing that down would unmount below the symlink's target, stop the
 * processes its *.pid files name, remove their files.  0 ours, -1 not
 * (said why). */
static int workdir_ours(const struct registration *r, const struct stat *st)
{
	char what[64];
	if (S_ISLNK(st->st_mode))
		snprintf(what, sizeof(what), "is a symlink");
	else if (!S_ISDIR(st->st_mode))
		snprintf(what, sizeof(what), "is not a folder");
	else if (st->st_uid != geteuid())
		snprintf(what, sizeof(what), "is owned by uid %u", (unsigned)st->st_uid);
	else
		return 0;
	char *shown = pc_esc_text(r->workdir);
	pc_fail(PC_ERR_RUN, "%s names %s, which %s: not the run's work folder (another user made "
		"one of that name after it went?); left alone: remove it and %s, then run cleanup "
		"again", r->path, shown, what, r->path);
	free(shown);
	return -1;
}

/* Tear down one dead run.  Returns objects removed, -1 on error. */
static int cleanup_one(const struct registration *r, int verbose)
{
	int count = 0;
	struct stat st;
	if (!workdir_plausible(r->workdir)) {
		/* Tearing down an unknown folder could unmount anything; dropping
		 * the registration would forget what the run left: neither, and
		 * say so (never success while something may be left). */
		char *shown = pc_esc_text(r->workdir);
		pc_fail(PC_ERR_RUN, "%s names '%s', which is not a powercut work folder: left "
			"alone; check what it left and remove %s by hand", r->path, shown, r->path);
		free(shown);
		return -1;
	}
	if (lstat(r->workdir, &st) == 0) {
		if (workdir_ours(r, &st) < 0)
			return -1;
		/* A merge's folder holds copies of results: no *.pid file
		 * there names a process of its making. */
		int n = merge_stage(r->workdir) ? 0 : pc_state_teardown_dir(r->workdir, verbose);
		if (n < 0)
			return -1;
		count += n;
		struct mount_ent *v;
		int m = mounts_below(r->workdir, &v);
		if (m != 0) {
			if (m > 0)
				pc_fail(PC_ERR_RUN, "%s is still mounted; keeping %s", v[0].mp,
					r->workdir);
			free_mounts(v, m > 0 ? m : 0);
			return -1;
		}
		if (pc_rmtree_all(r->workdir, PC_ERR_RUN) < 0)
			return -1;
		count++;
		if (verbose)
			printf("removed %s\n", r->workdir);
	}
	if (unlink(r->path) < 0 && errno != ENOENT)
		return pc_fail_errno(PC_ERR_RUN, errno, "remove %s", r->path);
	count++;
	if (verbose)
		printf("removed %s\n", r->path);
	return count;
}

/* What dead runs left whose work folder is already gone (dm devices, found
 * by their UUID prefix alone): each backend's own sweep. */
static int sweep_backends(int verbose, int count, int rc)
{
	for (size_t i = 0; pc_backends[i]; i++) {
		if (!pc_backends[i]->remove_dead)
			continue;
		int n = pc_backends[i]->remove_dead(verbose);
		if (n < 0)
			rc = -1;
		else
			count += n;
	}
	return rc < 0 ? -1 : count;
}

int pc_state_cleanup(int verbose)
{
	DIR *d = opendir(state_dir);
	if (!d) {
		if (errno == ENOENT)
			return sweep_backends(verbose, 0, 0);
		return pc_fail_errno(PC_ERR_ENV, errno, "open %s", state_dir);
	}
	/* One cleanup at a time (CI jobs on one machine each run one): two
	 * tearing down the same dead run race on its files, and the loser
	 * said "some objects could not be removed" of what the winner had
	 * removed.  The next one waits, then finds what is left. */
	if (flock(dirfd(d), LOCK_EX) < 0) {
		int e = errno;
		closedir(d);
		return pc_fail_errno(PC_ERR_ENV, e, "lock %s", state_dir);
	}
	int count = 0, rc = 0, got;
	pid_t pid;
	struct registration r;
	while ((got = next_registration(d, &pid, &r)) != 0) {
		if (got < 0) {
			rc = -1;
			continue;
		}
		if (registration_alive(pid, &r)) {
			if (verbose > 1)
				printf("left %s alone: run %d is alive\n", r.workdir, (int)pid);
			continue;
		}
		int n = cleanup_one(&r, verbose);
		if (n < 0)
			rc = -1;
		else
			count += n;
	}
	rc = sweep_backends(verbose, count, rc);
	closedir(d); /* and the lock */
	return rc;
}

int pc_state_warn_stale(void)
{
	DIR *d = opendir(state_dir);
	if (!d)
		return 0;
	int n = 0, got;
	char first[PATH_MAX] = "";
	pid_t pid;
	struct registration r;
	int quiet = pc_messages_quiet;
	pc_messages_quiet = 1; /* one that cannot be read is cleanup's to report */
	while ((got = next_registration(d, &pid, &r)) != 0) {
		if (got < 0 || registration_alive(pid, &r))
			continue;
		if (!n++)
			snprintf(first, sizeof(first), "%s", r.workdir);
	}
	pc_messages_quiet = quiet;
	closedir(d);
	if (n) {
		char *shown = pc_esc_text(first);
		pc_warn("%d run(s) killed earlier left mounts, loop devices or work folders "
			"behind (%s%s): 'sudo powercut cleanup' removes them", n, shown,
			n > 1 ? ", ..." : "");
		free(shown);
	}
	return n;
}
