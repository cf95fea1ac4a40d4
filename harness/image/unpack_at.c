/* unpack_at.c - the system calls the unpack makes on an entry by its path,
 * for paths of any length (unpack_int.h).
 *
 * A tar may hold a path longer than PATH_MAX, which no single lookup takes
 * (ENAMETOOLONG).  libarchive's writer reaches such a path itself; what the
 * unpack then sets on it (the owner and mode of a folder no entry lists,
 * below a set-group-ID folder; the ACLs a default ACL gives; the time of a
 * folder a layer lists again) is set here:
 * through the descriptor of the entry's folder, opened in pieces shorter
 * than PATH_MAX, each below the one before, as verify looks such a path
 * up.  A path that fits one lookup is used as it is (AT_FDCWD).
 */
#include "image/unpack_int.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define DIR_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* The folder FOLDER (LEN bytes of a relative path) opened below DFD in
 * pieces shorter than PATH_MAX; -1 with errno. */
static int open_folder(int dfd, const char *folder, size_t len)
{
	int fd = dfd;
	while (len > 0) {
		size_t cut = len;
		if (cut >= PATH_MAX) { /* the last '/' that leaves a piece that fits */
			cut = PATH_MAX - 1;
			while (cut > 0 && folder[cut] != '/')
				cut--;
			if (cut == 0) {
				if (fd != dfd)
					close(fd);
				errno = ENAMETOOLONG; /* one component longer than PATH_MAX */
				return -1;
			}
		}
		char *piece = xstrndup(folder, cut);
		int next = openat(fd, piece, DIR_FLAGS);
		int e = errno;
		free(piece);
		if (fd != dfd)
			close(fd);
		if (next < 0) {
			errno = e;
			return -1;
		}
		fd = next;
		folder += cut;
		len -= cut;
		while (len > 0 && *folder == '/') {
			folder++;
			len--;
		}
	}
	return fd;
}

int unpack_at(const char *path, const char **name)
{
	*name = path;
	if (strlen(path) < PATH_MAX)
		return AT_FDCWD;
	const char *slash = strrchr(path, '/');
	if (!slash) {
		errno = ENAMETOOLONG;
		return -1;
	}
	*name = slash + 1;
	return open_folder(AT_FDCWD, path, (size_t)(slash - path));
}

void unpack_at_done(int dfd)
{
	if (dfd >= 0) {
		int e = errno;
		close(dfd);
		errno = e;
	}
}

int unpack_at_chown(const char *path, uid_t uid, gid_t gid)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
	unpack_at_done(dfd);
	return r;
}

int unpack_at_utimens(const char *path, const struct timespec ts[2])
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
	unpack_at_done(dfd);
	return r;
}

int unpack_at_chmod(const char *path, mode_t mode)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = fchmodat(dfd, name, mode, 0);
	unpack_at_done(dfd);
	return r;
}

int unpack_at_mkdir(const char *path, mode_t mode)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = mkdirat(dfd, name, mode);
	unpack_at_done(dfd);
	return r;
}

int unpack_at_mknod(const char *path, mode_t mode, dev_t dev)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = mknodat(dfd, name, mode, dev);
	unpack_at_done(dfd);
	return r;
}

enum xop { XSET, XREMOVE, XGET };

/* The xattr calls have no form relative to a folder descriptor (setxattrat
 * came with Linux 6.13): past PATH_MAX they are made from inside the
 * folder, the working folder moved there by its descriptor and back (a
 * failure to come back fails the call: the unpack stops there). */
static ssize_t xattr_at(const char *path, enum xop op, const char *key, void *value,
			size_t size)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int back = -1;
	if (dfd != AT_FDCWD) {
		back = open(".", DIR_FLAGS);
		if (back < 0 || fchdir(dfd) < 0) {
			unpack_at_done(back);
			unpack_at_done(dfd);
			return -1;
		}
	}
	ssize_t r = op == XSET	  ? lsetxattr(name, key, value, size, 0)
		    : op == XREMOVE ? lremovexattr(name, key)
				    : lgetxattr(name, key, value, size);
	int e = errno;
	if (back >= 0 && fchdir(back) < 0) {
		r = -1;
		e = errno;
	}
	unpack_at_done(back);
	unpack_at_done(dfd);
	errno = e;
	return r;
}

int unpack_at_setxattr(const char *path, const char *key, const void *value, size_t size)
{
	return (int)xattr_at(path, XSET, key, (void *)value, size);
}

int unpack_at_removexattr(const char *path, const char *key)
{
	return (int)xattr_at(path, XREMOVE, key, NULL, 0);
}

ssize_t unpack_at_getxattr(const char *path, const char *key, void *value, size_t size)
{
	return xattr_at(path, XGET, key, value, size);
}

int unpack_at_lstat(const char *path, struct stat *st)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW);
	unpack_at_done(dfd);
	return r;
}

ssize_t unpack_at_readlink(const char *path, char *buf, size_t size)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	ssize_t r = readlinkat(dfd, name, buf, size);
	unpack_at_done(dfd);
	return r;
}

int unpack_at_unlink(const char *path, int flags)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = unlinkat(dfd, name, flags);
	unpack_at_done(dfd);
	return r;
}

DIR *unpack_at_opendir(const char *path)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return NULL;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	unpack_at_done(dfd);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

int unpack_at_rmtree(const char *path)
{
	const char *name;
	int dfd = unpack_at(path, &name);
	if (dfd == -1)
		return -1;
	int r = pc_rmtree_at(dfd, name, PC_RM_STOP);
	unpack_at_done(dfd);
	return r;
}
