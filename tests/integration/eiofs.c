/* eiofs.c - a FUSE passthrough for test-host-eio.sh: the work folder on a
 * disk that goes bad.  It serves folder SRC at MOUNTPOINT and fails with
 * EIO the reads or writes made through the Nth and every later open of a
 * file called NAME (counting from 1; 0: none), once AFTER bytes of them
 * have passed: a disk gone bad stays bad.  Files
 * called NAME are served with direct_io (a file system that cannot map
 * them shared, as sshfs -o direct_io), the others through the page cache:
 *
 *   eiofs SRC MOUNTPOINT NAME N read|write AFTER
 *
 * powercut's fuse backend makes backing.img (open 1), opens it for its
 * server (mkfs and the workload, open 2) and once more for the plain loop
 * device it attaches after the cut (the remount, verify and fsck, open 3):
 * N = 2 fails the disk under the workload, N = 3 after the cut (powercut
 * reads the file back once more after a case that saw trouble).
 * Foreground; ends when unmounted.
 *
 * EIOFS_HOLD=M:DIR in the environment holds the first read made through
 * open M of NAME: it makes DIR/held and waits for DIR/release before going
 * on (failing or not as above), so that a test acts at that moment (sends
 * powercut a signal while it reads its backing file back). */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int src_fd;
static const char *bad_name;
static long bad_open;
static int bad_write;
static long long bad_after;
static long opens;
static long long passed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* PATH ("/a/b") relative to SRC ("a/b", "." for the root). */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static int neg(int rc)
{
	return rc < 0 ? -errno : 0;
}

/* Whether PATH is the file that goes bad. */
static int is_bad_file(const char *path)
{
	const char *base = strrchr(path, '/');
	return !strcmp(base ? base + 1 : path, bad_name);
}

/* fh: the descriptor, and bit 62 set on the open that goes bad. */
#define BAD_BIT (1ULL << 62)
/* ... and bit 61 on the open whose first read is held (EIOFS_HOLD). */
#define HOLD_BIT (1ULL << 61)
static long hold_open;
static const char *hold_dir;
static int held;

static int fail_now(struct fuse_file_info *fi, int writing, size_t n)
{
	if (!(fi->fh & BAD_BIT) || writing != bad_write)
		return 0;
	pthread_mutex_lock(&lock);
	int fail = passed >= bad_after;
	if (!fail)
		passed += (long long)n;
	pthread_mutex_unlock(&lock);
	return fail;
}

static int fd_of(struct fuse_file_info *fi)
{
	return (int)(fi->fh & ~(BAD_BIT | HOLD_BIT));
}

/* The first read through the held open: DIR/held, then wait for
 * DIR/release. */
static void hold_here(struct fuse_file_info *fi)
{
	if (!(fi->fh & HOLD_BIT))
		return;
	pthread_mutex_lock(&lock);
	int first = !held;
	held = 1;
	pthread_mutex_unlock(&lock);
	if (!first)
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/held", hold_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/release", hold_dir);
	while (access(path, F_OK) < 0)
		usleep(20000);
}

static int x_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if (fi)
		return neg(fstat(fd_of(fi), st));
	return neg(fstatat(src_fd, rel(path), st, AT_SYMLINK_NOFOLLOW));
}

static int x_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		     struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off, (void)fi, (void)flags;
	int fd = openat(src_fd, rel(path), O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return -e;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		fill(buf, e->d_name, NULL, 0, 0);
	closedir(d);
	return 0;
}

static int open_common(const char *path, int flags, mode_t mode, struct fuse_file_info *fi)
{
	int fd = openat(src_fd, rel(path), flags, mode);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	if (is_bad_file(path)) {
		pthread_mutex_lock(&lock);
		if (++opens >= bad_open && bad_open > 0)
			fi->fh |= BAD_BIT;
		if (opens == hold_open)
			fi->fh |= HOLD_BIT;
		pthread_mutex_unlock(&lock);
	}
	fi->direct_io = is_bad_file(path); /* its every read and write comes here */
	return 0;
}

static int x_open(const char *path, struct fuse_file_info *fi)
{
	return open_common(path, fi->flags & ~O_CREAT, 0, fi);
}

static int x_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	return open_common(path, fi->flags | O_CREAT, mode, fi);
}

static int x_read(const char *path, char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	hold_here(fi);
	if (fail_now(fi, 0, n))
		return -EIO;
	ssize_t got = pread(fd_of(fi), buf, n, off);
	return got < 0 ? -errno : (int)got;
}

static int x_write(const char *path, const char *buf, size_t n, off_t off,
		   struct fuse_file_info *fi)
{
	(void)path;
	if (fail_now(fi, 1, n))
		return -EIO;
	ssize_t put = pwrite(fd_of(fi), buf, n, off);
	return put < 0 ? -errno : (int)put;
}

static int x_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close(fd_of(fi));
	return 0;
}

static int x_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	return neg(datasync ? fdatasync(fd_of(fi)) : fsync(fd_of(fi)));
}

static int x_fallocate(const char *path, int mode, off_t off, off_t len,
		       struct fuse_file_info *fi)
{
	(void)path;
	return neg(fallocate(fd_of(fi), mode, off, len));
}

static int x_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	if (fi)
		return neg(ftruncate(fd_of(fi), size));
	int fd = openat(src_fd, rel(path), O_WRONLY);
	if (fd < 0)
		return -errno;
	int rc = neg(ftruncate(fd, size));
	close(fd);
	return rc;
}

static int x_mkdir(const char *path, mode_t mode)
{
	return neg(mkdirat(src_fd, rel(path), mode));
}

static int x_rmdir(const char *path)
{
	return neg(unlinkat(src_fd, rel(path), AT_REMOVEDIR));
}

static int x_unlink(const char *path)
{
	return neg(unlinkat(src_fd, rel(path), 0));
}

static int x_rename(const char *from, const char *to, unsigned flags)
{
	return neg(renameat2(src_fd, rel(from), src_fd, rel(to), flags));
}

static int x_symlink(const char *target, const char *path)
{
	return neg(symlinkat(target, src_fd, rel(path)));
}

static int x_readlink(const char *path, char *buf, size_t len)
{
	ssize_t n = readlinkat(src_fd, rel(path), buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int x_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return neg(fchmodat(src_fd, rel(path), mode, 0));
}

static int x_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)fi;
	return neg(fchownat(src_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

static int x_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	(void)fi;
	return neg(utimensat(src_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

static int x_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return neg(fstatvfs(src_fd, st));
}

static const struct fuse_operations ops = {
	.getattr = x_getattr,   .readdir = x_readdir,   .open = x_open,
	.create = x_create,     .read = x_read,         .write = x_write,
	.release = x_release,   .fsync = x_fsync,       .fallocate = x_fallocate,
	.truncate = x_truncate, .mkdir = x_mkdir,       .rmdir = x_rmdir,
	.unlink = x_unlink,     .rename = x_rename,     .symlink = x_symlink,
	.readlink = x_readlink, .chmod = x_chmod,       .chown = x_chown,
	.utimens = x_utimens,   .statfs = x_statfs,
};

int main(int argc, char **argv)
{
	if (argc != 7 || (strcmp(argv[5], "read") && strcmp(argv[5], "write"))) {
		fprintf(stderr, "usage: eiofs SRC MOUNTPOINT NAME N read|write AFTER\n");
		return 2;
	}
	src_fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (src_fd < 0) {
		perror(argv[1]);
		return 1;
	}
	bad_name = argv[3];
	bad_open = atol(argv[4]);
	bad_write = !strcmp(argv[5], "write");
	bad_after = atoll(argv[6]);
	const char *hold = getenv("EIOFS_HOLD");
	if (hold && strchr(hold, ':')) {
		hold_open = atol(hold);
		hold_dir = strchr(hold, ':') + 1;
	}
	char *args[] = { argv[0], "-f", "-o", "allow_other,default_permissions,fsname=eiofs",
			 argv[2], NULL };
	umask(0);
	return fuse_main(5, args, &ops, NULL);
}
