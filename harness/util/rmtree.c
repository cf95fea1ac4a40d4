/* rmtree.c - rm -rf for trees of any depth and path length (rmtree.h).
 *
 * nftw(3) hands the kernel whole paths: below PATH_MAX bytes of path
 * (which an image may go past, see unpack_at.c) every lookup fails with
 * ENAMETOOLONG, and the tree stays.  This walk goes one folder at a time:
 * each folder is opened below its parent's descriptor, listed whole, and
 * its entries removed with unlinkat(2) there.  At most RM_OPEN_MAX folder
 * descriptors are held; a folder whose descriptor was closed on the way
 * down is opened again from its child by "..", and must be the same
 * folder (device and inode) as before: one moved away meanwhile stops
 * the walk (ESTALE) rather than removing what now is somewhere else.
 *
 * Never followed: a symlink (lstat, O_NOFOLLOW: the link goes, not its
 * target).  Never entered: a folder of another device, or the root of a
 * mount (statx's STATX_ATTR_MOUNT_ROOT, which also sees a bind mount of
 * the same filesystem; Linux 5.8 on): it stays, a leftover.
 */
#include "util/rmtree.h"
#include "util/strbuf.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RM_OPEN_MAX 16 /* folder descriptors held at once */
#define DIR_OPEN (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct frame {
	int fd;      /* -1 while closed (more than RM_OPEN_MAX below it) */
	dev_t dev;
	ino_t ino;
	char **names; /* its entries, listed when entered */
	size_t n, next;
	size_t plen;  /* the message path's length up to this folder */
	int left;     /* something below it stayed */
};

struct rm {
	enum pc_rm_policy policy;
	dev_t dev;                 /* NAME's device: never left */
	unsigned left;             /* entries that stayed, each warned */
	int err;                   /* what stops the walk, 0 while it goes on */
	struct pc_strbuf path;     /* for messages only: never looked up */
	struct frame *st;
	size_t depth, cap;
};

/* The names in the folder open as FD, without "." and ".."; -1 with errno. */
static int list_names(int fd, char ***out, size_t *nout)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return -1;
	DIR *d = fdopendir(copy);
	if (!d) {
		int e = errno;
		close(copy);
		errno = e;
		return -1;
	}
	size_t n = 0, cap = 16;
	char **v = xmalloc(cap * sizeof(*v));
	struct dirent *de;
	for (;;) {
		errno = 0;
		if (!(de = readdir(d)))
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = xstrdup(de->d_name);
	}
	int e = errno;
	closedir(d);
	if (e) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		errno = e;
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* Whether FD is the root of a mount (0 where the kernel does not say). */
static int mount_root(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
		return 0;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* ENTRY of the current folder could not go (ERR): PC_RM_STOP stops there;
 * the others warn (WHY, or ERR's text) and go on. */
static void stays(struct rm *rm, const char *entry, int err, const char *why)
{
	if (rm->policy == PC_RM_STOP) {
		if (!rm->err)
			rm->err = err;
		return;
	}
	pc_warn("remove %s/%s: %s", rm->path.s ? rm->path.s : "", entry,
		why ? why : strerror(err));
	rm->left++;
	if (rm->depth)
		rm->st[rm->depth - 1].left = 1;
}

static void frame_free(struct frame *f)
{
	if (f->fd >= 0)
		close(f->fd);
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
}

/* Enter the folder open as FD (of lstat ST), NAME in the message path. */
static int push(struct rm *rm, int fd, const struct stat *st, const char *name)
{
	struct frame f = { .fd = fd, .dev = st->st_dev, .ino = st->st_ino };
	if (list_names(fd, &f.names, &f.n) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (rm->depth == rm->cap) {
		rm->cap = rm->cap ? 2 * rm->cap : 16;
		rm->st = xrealloc(rm->st, rm->cap * sizeof(*rm->st));
	}
	if (rm->depth)
		pc_strbuf_puts(&rm->path, "/");
	pc_strbuf_puts(&rm->path, name);
	f.plen = rm->path.len;
	rm->st[rm->depth++] = f;
	if (rm->depth > RM_OPEN_MAX) {
		struct frame *old = &rm->st[rm->depth - RM_OPEN_MAX - 1];
		if (old->fd >= 0) {
			close(old->fd);
			old->fd = -1;
		}
	}
	return 0;
}

/* The parent of the top folder open again (from it, by ".."), the same
 * folder as when it was entered: 0, or -1 with errno (ESTALE: moved). */
static int reopen_parent(struct rm *rm)
{
	struct frame *child = &rm->st[rm->depth - 1], *parent = child - 1;
	if (parent->fd >= 0)
		return 0;
	int fd = openat(child->fd, "..", DIR_OPEN);
	if (fd < 0)
		return -1;
	struct stat st;
	int e = fstat(fd, &st) < 0 ? errno
		: st.st_dev != parent->dev || st.st_ino != parent->ino ? ESTALE : 0;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	parent->fd = fd;
	return 0;
}

/* One entry of the top folder: removed, or entered when a folder. */
static void step(struct rm *rm, const char *name)
{
	struct frame *f = &rm->st[rm->depth - 1];
	struct stat st;
	if (fstatat(f->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			stays(rm, name, errno, NULL);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(f->fd, name, 0) < 0 && errno != ENOENT)
			stays(rm, name, errno, NULL);
		return;
	}
	if (st.st_dev != rm->dev) {
		stays(rm, name, EXDEV, "another filesystem is mounted there: not entered");
		return;
	}
	int fd = openat(f->fd, name, DIR_OPEN);
	if (fd < 0) {
		if (errno != ENOENT)
			stays(rm, name, errno, NULL);
		return;
	}
	struct stat now;
	if (fstat(fd, &now) < 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
		close(fd);
		stays(rm, name, ESTALE, "replaced while being removed: not entered");
		return;
	}
	if (mount_root(fd)) {
		close(fd);
		stays(rm, name, EXDEV, "a filesystem is mounted there: not entered");
		return;
	}
	if (push(rm, fd, &now, name) < 0)
		stays(rm, name, errno, NULL);
}

/* Leave the top folder (all its entries done) and remove it from its
 * parent, unless something below it stayed. */
static void pop(struct rm *rm)
{
	struct frame *f = &rm->st[rm->depth - 1];
	if (rm->depth > 1 && reopen_parent(rm) < 0) {
		rm->err = errno; /* the walk cannot go on safely, whatever the policy */
		return;
	}
	int left = f->left;
	frame_free(f);
	rm->depth--;
	if (rm->depth == 0)
		return;
	struct frame *parent = &rm->st[rm->depth - 1];
	const char *name = rm->path.s + parent->plen + 1;
	if (left)
		parent->left = 1; /* it cannot go: said below it already */
	else if (unlinkat(parent->fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		char *copy = xstrdup(name);
		rm->path.s[parent->plen] = '\0';
		rm->path.len = parent->plen;
		stays(rm, copy, errno, NULL);
		free(copy);
	}
	rm->path.s[parent->plen] = '\0';
	rm->path.len = parent->plen;
}

int pc_rmtree_at(int dfd, const char *name, enum pc_rm_policy policy)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	int fd = openat(dfd, name, DIR_OPEN);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat now;
	if (fstat(fd, &now) < 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	struct rm rm = { .policy = policy, .dev = now.st_dev, .path = PC_STRBUF_INIT };
	if (push(&rm, fd, &now, name) < 0)
		return -1;
	while (rm.depth && !rm.err) {
		struct frame *f = &rm.st[rm.depth - 1];
		if (f->next < f->n)
			step(&rm, f->names[f->next++]);
		else
			pop(&rm);
	}
	while (rm.depth)
		frame_free(&rm.st[--rm.depth]);
	free(rm.st);
	pc_strbuf_free(&rm.path);
	if (rm.err) {
		errno = rm.err;
		return -1;
	}
	if (rm.left == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		if (policy == PC_RM_STOP)
			return -1;
		pc_warn("remove %s: %s", name, strerror(errno));
		rm.left++;
	}
	if (policy == PC_RM_ALL && rm.left) {
		errno = ENOTEMPTY;
		return -1;
	}
	return 0;
}

int pc_rmtree_policy(const char *path, enum pc_rm_policy policy)
{
	if (strlen(path) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return pc_rmtree_at(AT_FDCWD, path, policy);
}

int pc_rmtree(const char *path)
{
	if (pc_rmtree_policy(path, PC_RM_WARN) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "remove %s", path);
	return 0;
}

int pc_rmtree_all(const char *path, enum pc_errclass errclass)
{
	if (pc_rmtree_policy(path, PC_RM_ALL) == 0)
		return 0;
	if (errno == ENOTEMPTY)
		return pc_fail(errclass, "could not remove all of %s", path);
	return pc_fail_errno(errclass, errno, "remove %s", path);
}
