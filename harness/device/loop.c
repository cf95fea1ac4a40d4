/* loop.c - see loop.h. */
#include "device/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/util.h"

/* Another process can configure the free device between our GET_FREE and
 * CONFIGURE (EBUSY): ask again, a bounded number of times. */
#define LOOP_ATTACH_TRIES 32

/* Our machines have no udev: a newly allocated /dev/loopN may have no node.
 * Make it from the number the kernel reports in sysfs. */
static int ensure_loop_node(int n, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return pc_fail_errno(PC_ERR_RUN, errno, "stat %s", path);
	char sys[64], buf[32];
	snprintf(sys, sizeof(sys), "/sys/devices/virtual/block/loop%d/dev", n);
	int fd = open(sys, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", sys);
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	int e = errno;
	close(fd);
	unsigned maj, min;
	if (len <= 0)
		return pc_fail_errno(PC_ERR_RUN, len < 0 ? e : EIO, "read %s", sys);
	buf[len] = '\0';
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return pc_fail(PC_ERR_RUN, "read %s: unexpected content '%s'", sys, buf);
	if (mknod(path, S_IFBLK | 0660, makedev(maj, min)) < 0 && errno != EEXIST)
		return pc_fail_errno(PC_ERR_ENV, errno, "mknod %s (no udev here)", path);
	return 0;
}

/* Test-only hook (docs/design.md): POWERCUT_TEST_LOOP_RACE=PROGRAM is run
 * with /dev/loopN between LOOP_CTL_GET_FREE's answer N and our
 * LOOP_CONFIGURE, as another attacher may: a test attaches a file of its
 * own there and the race is lost every time, deterministically. */
static void loop_race_test_hook(const char *path)
{
	const char *args[] = { path, NULL };
	pc_run_test_hook("POWERCUT_TEST_LOOP_RACE", args);
}

/* Try to configure loop device N with BACKING_FD.  1 if it was taken by
 * someone else meanwhile (try another), 0 on success, -1 on error. */
static int try_configure(int n, int backing_fd, const char *file, int direct_io,
			 struct pc_loop *lo)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/loop%d", n);
	if (ensure_loop_node(n, path) < 0)
		return -1;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EPERM || errno == EACCES))
		return pc_fail_errno(PC_ERR_ENV, errno, "open %s (loop devices cannot be opened "
				     "here: a container's device cgroup or a nodev /dev; give the run "
				     "/dev/loop-control and /dev/loop*: docker --privileged, or "
				     "--device-cgroup-rule='b 7:* rwm' and the nodes)", path);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);

	loop_race_test_hook(path);
	struct loop_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)backing_fd;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
	if (direct_io)
		cfg.info.lo_flags |= LO_FLAGS_DIRECT_IO;
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", file);
	if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
		int e = errno;
		close(fd);
		if (e == EBUSY)
			return 1;
		return pc_fail_errno(e == EINVAL || e == ENOTTY ? PC_ERR_ENV : PC_ERR_RUN, e,
				     "attach %s to %s (LOOP_CONFIGURE)", file, path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		ioctl(fd, LOOP_CLR_FD, 0);
		close(fd);
		return pc_fail_errno(PC_ERR_RUN, e, "fstat %s", path);
	}
	lo->fd = fd;
	lo->devnum = st.st_rdev;
	snprintf(lo->path, sizeof(lo->path), "%s", path);
	return 0;
}

int pc_loop_attach(const char *file, int direct_io, struct pc_loop *lo)
{
	lo->fd = -1;
	lo->path[0] = '\0';
	lo->devnum = 0;

	int backing = open(file, O_RDWR | O_CLOEXEC);
	if (backing < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", file);
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		int e = errno;
		close(backing);
		char hint[128] = "";
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			pc_missing_node_hint(hint, sizeof(hint), "loop devices", "CONFIG_BLK_DEV_LOOP",
					     "loop");
		return pc_fail_errno(PC_ERR_ENV, e, "open /dev/loop-control%s", hint);
	}
	int rc = 1;
	for (int tries = 0; tries < LOOP_ATTACH_TRIES && rc == 1; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			rc = pc_fail_errno(PC_ERR_ENV, errno,
					   "find a free loop device (LOOP_CTL_GET_FREE)");
		else
			rc = try_configure(n, backing, file, direct_io, lo);
	}
	/* The host's contention, not the case's doing: class ENV (exit 3). */
	if (rc == 1)
		rc = pc_fail(PC_ERR_ENV, "attach %s: every free loop device was taken by other "
			     "programs attaching at the same time (%d tries of LOOP_CTL_GET_FREE); "
			     "the machine is busy attaching loop devices: run again when it is "
			     "calmer", file, LOOP_ATTACH_TRIES);
	close(ctl);
	/* The loop device holds its own reference to the file. */
	close(backing);
	return rc;
}

void pc_loop_detach(struct pc_loop *lo)
{
	if (lo->fd < 0)
		return;
	/* ENXIO: already detached.  With other openers (a mount) the kernel
	 * only marks it autoclear, which we asked for anyway. */
	if (ioctl(lo->fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO && errno != EBUSY)
		pc_warn("detach %s: %s", lo->path, strerror(errno));
	close(lo->fd);
	lo->fd = -1;
}

int pc_blk_flush_buffers(const char *devpath)
{
	int fd = open(devpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", devpath);
	if (ioctl(fd, BLKFLSBUF, 0) < 0) {
		int e = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_RUN, e, "flush buffers of %s (BLKFLSBUF)", devpath);
	}
	if (close(fd) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "close %s", devpath);
	return 0;
}

int pc_loop_backing_file(const char *loopname, char *out, size_t len)
{
	const char *base = strrchr(loopname, '/');
	base = base ? base + 1 : loopname;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", base);
	if (len)
		out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* No loop/ folder: the device exists but nothing is attached. */
		if (errno == ENOENT)
			return 0;
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
	}
	char buf[PATH_MAX + 32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int e = errno;
	close(fd);
	if (n < 0) {
		/* Detached between open and read. */
		if (e == ENXIO || e == ENOENT)
			return 0;
		return pc_fail_errno(PC_ERR_RUN, e, "read %s", path);
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if ((size_t)n >= len)
		return pc_fail(PC_ERR_RUN, "%s: backing file name too long", path);
	memcpy(out, buf, (size_t)n + 1);
	return 0;
}

/* Free space on the filesystem holding PATH's folder. */
static int check_space(const char *path, uint64_t size)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	struct statvfs vfs;
	int rc = 0;
	if (statvfs(slash ? dir : ".", &vfs) < 0) {
		rc = pc_fail_errno(PC_ERR_RUN, errno, "statvfs %s", dir);
	} else {
		uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		if (avail < size)
			rc = pc_fail(PC_ERR_ENV, "not enough free space in %s for a %llu MiB device: "
				     "%llu MiB available (free some, or set a smaller device size)",
				     dir, (unsigned long long)(size >> 20),
				     (unsigned long long)(avail >> 20));
	}
	free(dir);
	return rc;
}

int pc_backing_file_create(const char *path, uint64_t size)
{
	if (check_space(path, size) < 0)
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pc_fail_workfile(errno, "create", path);
	int rc = 0;
	if (ftruncate(fd, (off_t)size) < 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "size %s to %llu bytes", path,
				   (unsigned long long)size);
	if (close(fd) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", path);
	if (rc < 0)
		unlink(path);
	return rc;
}
