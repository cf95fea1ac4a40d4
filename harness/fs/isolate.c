/* isolate.c - private mount and PID namespaces for the tools that touch the
 * case's device (see isolate.h for what the tools can still see).
 *
 * Written against the kernel interfaces directly (unshare, mount,
 * mount_setattr, open_tree, move_mount): no library wraps this, and
 * unshare(1) cannot build the private /dev or hand a mount back. */
#include "fs/isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/mountinfo.h"
#include "util/util.h"

#define DETACH_STEP "detach the mount"

/* The isolated tool's current folder (empty_cwd), in its private /dev. */
#define ISOLATED_CWD "/dev/.pc-cwd"

#define FAIL(step) do { *what = (step); return -errno; } while (0)

/* What a tool needs of the host's mounts: the root and these (with what is
 * below them); /dev and /proc are replaced, /sys made read-only. */
static const char *const tool_mounts[] = {
	"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt",
	"/proc", "/sys", "/dev", NULL,
};

static int path_at_or_below(const char *path, const char *dir)
{
	if (!strcmp(dir, "/"))
		return path[0] == '/';
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* ALSO: NULL, or paths (NULL-terminated) whose mounts on the way stay too:
 * the tool's own, found in PATH outside the system folders. */
static int keep_mount(const char *mp, const char *keep, const char *const *also)
{
	if (!strcmp(mp, "/"))
		return 1;
	if (keep) /* the mounts on the way to KEEP, and KEEP's own */
		return path_at_or_below(keep, mp);
	for (size_t i = 0; tool_mounts[i]; i++)
		if (path_at_or_below(mp, tool_mounts[i]))
			return 1;
	for (size_t i = 0; also && also[i]; i++)
		if (path_at_or_below(also[i], mp))
			return 1;
	return 0;
}

/* The mounts of this process's namespace, in mountinfo order (parents
 * before their children): mount point and per-mount options. */
struct mnt {
	char *mp;
	char *opts;
};

static size_t read_mounts(struct mnt **out)
{
	*out = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return (size_t)-1;
	struct mnt *v = NULL;
	char *line = NULL;
	size_t n = 0, cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *field[6];
		int k = 0;
		for (char *t = strtok_r(line, " ", &save); t && k < 6; t = strtok_r(NULL, " ", &save))
			field[k++] = t;
		if (k < 6)
			continue;
		pc_mountinfo_unescape(field[4]);
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].mp = xstrdup(field[4]);
		v[n].opts = xstrdup(field[5]);
		n++;
	}
	free(line);
	fclose(f);
	*out = v;
	return n;
}

static void free_mounts(struct mnt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].mp); /* NULL once detached */
		free(v[i].opts);
	}
	free(v);
}

/* Detach, in our new namespace, every mount of V we do not need (its mp
 * is then freed and set to NULL).  A copy of a mount keeps its filesystem
 * alive: another run's case filesystem copied here would survive that
 * run's unmount, and its "remount after the cut" would get the old, cached
 * filesystem back.  (fs.c also waits for a device to be released before
 * mounting or checking it, for the milliseconds between our unshare and
 * this.) */
static int prune_mounts(struct mnt *v, size_t n, const char *keep, const char *const *also)
{
	int rc = 0;
	for (size_t i = n; i-- > 0;) { /* children first */
		if (keep_mount(v[i].mp, keep, also))
			continue;
		if (umount2(v[i].mp, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			rc = -1;
		free(v[i].mp);
		v[i].mp = NULL;
	}
	return rc;
}

/* The MS_* flags of a mount's per-mount options ("rw,nosuid,relatime"). */
static unsigned long mount_flags_of(const char *opts)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} known[] = {
		{ "ro", MS_RDONLY }, { "nosuid", MS_NOSUID }, { "nodev", MS_NODEV },
		{ "noexec", MS_NOEXEC }, { "noatime", MS_NOATIME }, { "nodiratime", MS_NODIRATIME },
		{ "relatime", MS_RELATIME }, { "strictatime", MS_STRICTATIME },
	};
	unsigned long flags = 0;
	char *copy = xstrdup(opts), *save = NULL;
	for (char *o = strtok_r(copy, ",\n", &save); o; o = strtok_r(NULL, ",\n", &save))
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(o, known[i].name))
				flags |= known[i].flag;
	free(copy);
	return flags;
}

/* Add FLAG (MS_NODEV, MS_RDONLY) to every mount at or below TOP:
 * mount_setattr(2) when the kernel (or valgrind) has it, else a bind
 * remount of each mount of V (the namespace's, read beforehand: /proc may
 * be gone by now) that keeps its other per-mount flags. */
static int add_flag_below(const char *top, unsigned long flag, uint64_t attr,
			  const struct mnt *v, size_t n)
{
	struct mount_attr a = { .attr_set = attr };
	if (mount_setattr(AT_FDCWD, top, AT_RECURSIVE, &a, sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].mp || !path_at_or_below(v[i].mp, top))
			continue;
		unsigned long flags = MS_BIND | MS_REMOUNT | flag | mount_flags_of(v[i].opts);
		if (mount("none", v[i].mp, "none", flags, NULL) < 0 && errno != ENOENT)
			return -1;
	}
	return 0;
}

int pc_isolate_ready(const char *cmd)
{
	struct mnt *v;
	size_t n = read_mounts(&v);
	if (n == (size_t)-1)
		return pc_fail_errno(PC_ERR_ENV, errno, "%s: read /proc/self/mountinfo (is /proc "
				     "mounted?)", cmd);
	int root_mounted = 0;
	for (size_t i = 0; i < n && !root_mounted; i++)
		root_mounted = strcmp(v[i].mp, "/") == 0;
	free_mounts(v, n);
	if (root_mounted)
		return 0;
	/* mount(MS_PRIVATE) on "/" is EINVAL when it is no mount point. */
	return pc_fail(PC_ERR_ENV, "%s: / is not a mount point here (a chroot?): powercut runs "
		       "mkfs, mount, fsck and the unpack in a private mount namespace, which "
		       "cannot be made there; bind-mount the root folder on itself before "
		       "entering it (mount --bind DIR DIR), or use a container; nothing was done",
		       cmd);
}

/* A private mount namespace in which nothing we do propagates back, that
 * holds only the mounts we need (KEEP and its ancestors, or a tool's when
 * KEEP is NULL), and where no mount lets a device node be opened. */
static int private_namespace(const char *keep, const char *const *also, const char **what)
{
	/* ("none" where mount(2) ignores the source and type: valgrind checks
	 * them as strings.) */
	if (unshare(CLONE_NEWNS) < 0)
		FAIL("unshare a mount namespace");
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		FAIL("make the mounts private");
	struct mnt *v;
	size_t n = read_mounts(&v);
	if (n == (size_t)-1)
		FAIL("read /proc/self/mountinfo");
	int rc = 0;
	if (prune_mounts(v, n, keep, also) < 0) {
		*what = "detach the mounts not needed";
		rc = -errno;
	} else if (add_flag_below("/", MS_NODEV, MOUNT_ATTR_NODEV, v, n) < 0) {
		*what = "make every mount nodev";
		rc = -errno;
	}
	free_mounts(v, n);
	return rc;
}

int pc_isolate_nodev(const char *target, const char **what)
{
	char real[PATH_MAX];
	if (!realpath(target, real))
		FAIL("resolve the target folder");
	return private_namespace(real, NULL, what);
}

static const struct {
	const char *name;
	unsigned major, minor;
} char_devices[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 },
};

/* mknod PATH with MODE (umask-independent). */
static int make_node(const char *path, mode_t mode, dev_t rdev)
{
	if (mknod(path, mode, rdev) < 0 || chmod(path, mode & 07777) < 0)
		return -1;
	return 0;
}

/* The private /dev: a tmpfs with the basic character devices and the
 * case's block device at its usual path (so tools' messages read as
 * always), folders on the way (/dev/mapper) included. */
static int build_dev(const char *dev, dev_t rdev, const char **what)
{
	if (mount("pc-dev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
		FAIL("mount a private /dev");
	char path[256];
	for (size_t i = 0; i < sizeof(char_devices) / sizeof(char_devices[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", char_devices[i].name);
		if (make_node(path, S_IFCHR | 0666,
			      makedev(char_devices[i].major, char_devices[i].minor)) < 0)
			FAIL("create the basic devices in the private /dev");
	}
	if (symlink("/proc/self/fd", "/dev/fd") < 0)
		FAIL("create /dev/fd");
	if (snprintf(path, sizeof(path), "%s", dev) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		FAIL("copy the device path");
	}
	for (char *s = strchr(path + strlen("/dev/"), '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			FAIL("create a folder in the private /dev");
		*s = '/';
	}
	if (make_node(path, S_IFBLK | 0600, rdev) < 0)
		FAIL("create the device node in the private /dev");
	return 0;
}

/* The rest of the view: our own /proc (no /proc/1/root into the host's
 * /dev), a read-only /sys, an empty /run (no blkid cache, no udev database
 * naming other devices). */
static int build_rest(const char **what)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		FAIL("mount the namespace's /proc");
	struct stat sys;
	if (stat("/sys", &sys) == 0) {
		struct mnt *v;
		size_t n = read_mounts(&v); /* the new /proc's: this namespace */
		if (n == (size_t)-1)
			FAIL("read /proc/self/mountinfo");
		int rc = add_flag_below("/sys", MS_RDONLY, MOUNT_ATTR_RDONLY, v, n);
		int e = errno;
		free_mounts(v, n);
		errno = e;
		if (rc < 0)
			FAIL("make /sys read-only");
	}
	struct stat st;
	if (stat("/run", &st) == 0 &&
	    mount("pc-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k") < 0)
		FAIL("mount an empty /run");
	return 0;
}

/* The tool's current folder: an empty, read-only tmpfs of its own, so that
 * an option naming a file by a relative name (mkfs.xfs -r name=FILE with
 * file=1 creates FILE) reads nothing and can create nothing: the folder
 * powercut was started from is out of reach.  fs.c refuses such options;
 * this holds whatever the spelling. */
static int empty_cwd(const char **what)
{
	if (mkdir(ISOLATED_CWD, 0555) < 0)
		FAIL("create the empty current folder");
	if (mount("pc-cwd", ISOLATED_CWD, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0555,size=4k") < 0)
		FAIL("mount the empty current folder");
	if (chdir(ISOLATED_CWD) < 0)
		FAIL("change to the empty current folder");
	return 0;
}

static int isolate_tool(const char *dev, const char *const *also, const char **what)
{
	struct stat st;
	if (strncmp(dev, "/dev/", 5) != 0 || strstr(dev, "/..") || strstr(dev, "//")) {
		errno = EINVAL;
		FAIL("the device path is not a plain path below /dev");
	}
	if (stat(dev, &st) < 0)
		FAIL("stat the device");
	if (!S_ISBLK(st.st_mode)) {
		errno = ENOTBLK;
		FAIL("stat the device");
	}
	if (unshare(CLONE_NEWPID) < 0) {
		if (errno == EINVAL) /* a kernel built without them */
			FAIL("unshare a PID namespace (the kernel needs CONFIG_PID_NS)");
		FAIL("unshare a PID namespace");
	}
	int rc = private_namespace(NULL, also, what);
	if (rc < 0)
		return rc;
	pid_t pid = fork();
	if (pid < 0)
		FAIL("fork into the PID namespace");
	if (pid > 0) {
		/* Stand in for the tool towards our parent: same exit status. */
		int ws;
		while (waitpid(pid, &ws, 0) < 0)
			if (errno != EINTR)
				_exit(127);
		_exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	}
	/* PID 1 of the namespace: when it ends, everything in it ends.  (Its
	 * parent is outside the namespace, so getppid() says 0; the parent
	 * waits for it, so it cannot have gone before this.) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		FAIL("follow the parent's death");
	if (build_dev(dev, st.st_rdev, what) < 0 || build_rest(what) < 0 || empty_cwd(what) < 0)
		return -errno;
	/* The tool may not make itself another device node. */
	if (prctl(PR_CAPBSET_DROP, CAP_MKNOD, 0, 0, 0) < 0)
		FAIL("drop CAP_MKNOD");
	return 0;
}

int pc_isolate_tool(const char *dev, const char **what)
{
	return isolate_tool(dev, NULL, what);
}

/* The tool's environment: PATH (as powercut's, to find the same tools)
 * and the C locale, nothing else.  What an operator's shell sets would
 * otherwise change what mkfs makes or how fsck judges, unseen in
 * results.json: MKE2FS_CONFIG (another mke2fs.conf: default features,
 * errors = panic), MKE2FS_DEVICE_SECTSIZE, MKE2FS_FIRST_META_BG,
 * E2FSCK_CONFIG, E2FSPROGS_FAKE_TIME; and a locale that translates the
 * messages a reason quotes.  The machine's own /etc/mke2fs.conf stays the
 * system under test (pc_fs_mkfs reads errors = panic back). */
static void tool_environment(const char *tool_dir)
{
	static char path[2 * PATH_MAX + sizeof("PATH=:")];
	static char *env[] = { path, (char *)"LC_ALL=C", NULL };
	const char *p = getenv("PATH");
	snprintf(path, sizeof(path), "PATH=%s%s%s", tool_dir ? tool_dir : "", tool_dir ? ":" : "",
		 p ? p : "/usr/sbin:/usr/bin:/sbin:/bin");
	environ = env;
}

/* The tool as found in PATH before isolating (FOUND, and its resolved
 * path REAL): the mounts on the way to both stay, and FOUND's folder
 * comes first in its PATH.  A tool in a folder on a mount of its own
 * (~/bin on /home, /tmp a tmpfs) was otherwise looked for again once that
 * mount was detached, and the system's copy ran instead, unsaid. */
struct isolate_arg {
	const char *dev;
	char *found, *real, *dir;
};

static int isolate_setup(void *p, const char **what)
{
	struct isolate_arg *a = p;
	const char *also[] = { a->found, a->real, NULL };
	int rc = isolate_tool(a->dev, a->found ? also : NULL, what);
	if (rc == 0)
		tool_environment(a->dir);
	return rc;
}

int pc_run_isolated(char *const argv[], const char *dev, char **output, int *status)
{
	struct isolate_arg a = { .dev = dev, .found = pc_find_program(argv[0]) };
	if (a.found) {
		a.real = realpath(a.found, NULL);
		a.dir = xstrdup(a.found);
		*strrchr(a.dir, '/') = '\0';
		if (!a.dir[0]) { /* "/mkfs" */
			free(a.dir);
			a.dir = xstrdup("/");
		}
	}
	int rc = pc_run_setup(argv, isolate_setup, &a, output, status);
	free(a.found);
	free(a.real);
	free(a.dir);
	return rc;
}

/* What the mounting child sends back: the error, the step, and (as
 * SCM_RIGHTS) the detached mount on success. */
struct mount_reply {
	int err;
	char what[64];
};

static void send_reply(int sock, int err, const char *what, int fd)
{
	struct mount_reply r = { .err = err };
	snprintf(r.what, sizeof(r.what), "%s", what ? what : "");
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &msg, 0) < 0 && errno == EINTR)
		;
}

/* 0 with *fd (or -1) and r filled, or -1 with errno. */
static int recv_reply(int sock, struct mount_reply *r, int *fd)
{
	*fd = -1;
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n != (ssize_t)sizeof(*r)) {
		errno = EPROTO;
		return -1;
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	r->what[sizeof(r->what) - 1] = '\0';
	return 0;
}

/* The isolated child: mount on a scratch folder of its private /dev (so the
 * target's path need not be visible there) and clone the mount detached. */
static void mount_child(int sock, const char *dev, const char *fstype, unsigned long flags,
			const char *data)
{
	const char *what = NULL;
	int fd = -1, err = 0;
	if (pc_isolate_tool(dev, &what) < 0) {
		err = errno;
	} else if (mkdir("/dev/.pc-mnt", 0700) < 0) {
		err = errno;
		what = "create the mount point in the private /dev";
	} else if (mount(dev, "/dev/.pc-mnt", fstype, flags, data) < 0) {
		err = errno;
		what = "mount";
	} else if ((fd = open_tree(AT_FDCWD, "/dev/.pc-mnt", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0) {
		err = errno;
		what = DETACH_STEP;
	}
	send_reply(sock, err, what, fd);
	_exit(0);
}

/* Without open_tree(2)/move_mount(2) -- Linux before 5.2, which powercut
 * does not support for other reasons (LOOP_CONFIGURE), or valgrind, which
 * does not know them -- the mount cannot be handed back: it is made here,
 * after the same mount succeeded in the isolated view (so the options named
 * no device missing from it), and we say so once. */
static int mount_in_place(const char *dev, const char *dir, const char *fstype,
			  unsigned long flags, const char *data, const char **what)
{
	static int warned;
	if (!warned++)
		pc_warn("open_tree/move_mount not available: mounting in place after the "
			"isolated mount succeeded");
	if (mount(dev, dir, fstype, flags, data) < 0) {
		*what = "mount";
		return -1;
	}
	return 0;
}

int pc_mount_isolated(const char *dev, const char *dir, const char *fstype,
		      unsigned long flags, const char *data, const char **what)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		*what = "socketpair";
		return -1;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		*what = "fork";
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		mount_child(sv[1], dev, fstype, flags, data);
	}
	close(sv[1]);
	static char step[64];
	struct mount_reply r;
	int fd = -1, rc = recv_reply(sv[0], &r, &fd), e = errno;
	close(sv[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		*what = "hear from the mounting process";
		errno = e;
		return -1;
	}
	if (r.err == ENOSYS && !strcmp(r.what, DETACH_STEP))
		return mount_in_place(dev, dir, fstype, flags, data, what);
	if (r.err) {
		snprintf(step, sizeof(step), "%s", r.what);
		*what = step;
		if (fd >= 0)
			close(fd);
		errno = r.err;
		return -1;
	}
	if (fd < 0) {
		*what = "receive the mount";
		errno = EPROTO;
		return -1;
	}
	rc = move_mount(fd, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH);
	e = errno;
	close(fd);
	if (rc < 0 && e == ENOSYS)
		return mount_in_place(dev, dir, fstype, flags, data, what);
	if (rc < 0) {
		*what = "attach the mount";
		errno = e;
		return -1;
	}
	return 0;
}
