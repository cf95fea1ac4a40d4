/* verify.c - see verify.h.
 *
 * Safety: the tree under test may be damaged (a crash) or hostile (a layer
 * that replaced a directory with a symlink to /etc).  Every name is looked up
 * with openat2() relative to ROOT's descriptor with RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, so no lookup
 * can leave ROOT, pass through a symlink or into another filesystem mounted
 * inside the tree (an error: the tree is not one filesystem's); a path whose
 * parent became a symlink is "missing".
 * Without openat2 (ENOSYS) the same rules are applied one component at a
 * time with O_NOFOLLOW.  A path of PATH_MAX bytes or more (a tar can hold
 * one; the kernel refuses it in one lookup) is looked up in pieces, each
 * relative to the directory descriptor the previous piece opened.
 * Metadata comes from an O_PATH descriptor (never blocks, opens nothing);
 * contents are read through a second openat2() with O_RDONLY that must land
 * on the same inode; fifos and devices are never opened for reading.
 * Only data extents are read (SEEK_DATA/SEEK_HOLE); holes are hashed as
 * zeros without reading them, so the digest is that of every byte.
 *
 * Memory: per entry the findings and, for all but folders, one (dev, ino,
 * entry) record (which entries share an inode); hardlink groups keep one
 * (dev, ino, path) each; the walk for extra entries keeps the names of one
 * directory per level of depth and holds one descriptor at a time.
 */
#include "check/verify.h"
#include "util/escape.h"
#include "util/digest.h"
#include "util/input.h"
#include "util/strbuf.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define READ_CHUNK (256 * 1024)
#define XATTR_SHOW_MAX 32 /* values up to this size are shown in hex */

static const char *const finding_names[PC_F_NKINDS] = {
	[PC_F_MISSING] = "missing",   [PC_F_SIZE] = "size",
	[PC_F_CONTENT] = "content",   [PC_F_TYPE] = "type",
	[PC_F_MODE] = "mode",         [PC_F_OWNER] = "owner",
	[PC_F_XATTR] = "xattr",       [PC_F_LINK] = "link",
	[PC_F_RDEV] = "rdev",         [PC_F_HARDLINK] = "hardlink",
	[PC_F_EXTRA] = "extra",       [PC_F_FIO_VERIFY] = "fio-verify",
};

const char *pc_finding_name(enum pc_finding_kind k)
{
	if ((unsigned)k >= PC_F_NKINDS)
		return "?";
	return finding_names[k];
}

/* ---- hardlink groups: open addressing on the group id ------------------- */

struct group {
	uint64_t id; /* 0: empty slot */
	dev_t dev;
	ino_t ino;
	char *first; /* escaped path of the group's first present member */
	size_t members; /* entries of the manifest in the group */
	int seen;       /* dev, ino and first are set */
};

struct group_tab {
	struct group *slots;
	size_t cap, used;
};

static struct group *group_slot(struct group_tab *t, uint64_t id)
{
	size_t i = (size_t)(id * 0x9e3779b97f4a7c15ULL) & (t->cap - 1);
	while (t->slots[i].id && t->slots[i].id != id)
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

static void group_grow(struct group_tab *t)
{
	struct group_tab old = *t;
	t->cap = old.cap ? 2 * old.cap : 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].id)
			*group_slot(t, old.slots[i].id) = old.slots[i];
	free(old.slots);
}

/* The group's record, created (id 0 in the returned slot: fill it) if new. */
static struct group *group_find(struct group_tab *t, uint64_t id)
{
	if (2 * (t->used + 1) > t->cap)
		group_grow(t);
	return group_slot(t, id);
}

static void group_tab_free(struct group_tab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].first);
	free(t->slots);
}

/* ---- inodes seen: which manifest entries share one ------------------------ */

struct inode_rec {
	const struct pc_entry *first; /* NULL: empty slot */
	dev_t dev;
	ino_t ino;
};

struct inode_tab {
	struct inode_rec *slots;
	size_t cap, used;
};

static size_t inode_hash(dev_t dev, ino_t ino, size_t cap)
{
	return (size_t)(((uint64_t)ino ^ ((uint64_t)dev << 32) ^ (uint64_t)dev) *
			0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static struct inode_rec *inode_slot(struct inode_tab *t, dev_t dev, ino_t ino)
{
	size_t i = inode_hash(dev, ino, t->cap);
	while (t->slots[i].first && (t->slots[i].dev != dev || t->slots[i].ino != ino))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

/* The record of (DEV, INO), created (first NULL: fill it) if new. */
static struct inode_rec *inode_find(struct inode_tab *t, dev_t dev, ino_t ino)
{
	if (2 * (t->used + 1) > t->cap) {
		struct inode_tab old = *t;
		t->cap = old.cap ? 2 * old.cap : 64;
		t->slots = xcalloc(t->cap, sizeof(*t->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].first)
				*inode_slot(t, old.slots[i].dev, old.slots[i].ino) = old.slots[i];
		free(old.slots);
	}
	return inode_slot(t, dev, ino);
}

/* ---- findings ------------------------------------------------------------ */

/* One entry's outcome, as a worker found it; merged in manifest order. */
struct slot {
	struct pc_finding *f;
	size_t n, cap;
	int done;       /* checked (an interruption leaves the rest undone) */
	int have_inode; /* reached the end of the checks: dev/ino are its own */
	int sys_err;    /* the machine's errno (machine_error): no verdict */
	dev_t dev;
	ino_t ino;
	nlink_t nlink;
};

/* Which link counts a tree can be held to. */
enum { CHECK_NLINK = 1, OVERLAY_VIEW = 2 };

struct vctx {
	struct pc_manifest *m;
	int rootfd;
	struct pc_verify_result *out;
	size_t cap;
	struct group_tab groups;
	struct inode_tab inodes; /* every non-directory entry's inode */
	int flags;               /* CHECK_NLINK, OVERLAY_VIEW */
	int entry_lost;       /* the current entry has a finding */
	unsigned char *buf;   /* READ_CHUNK bytes for hashing */
	struct slot *slot;    /* set: findings go there, not to out */
	int sys_err;          /* the machine failed the check (machine_error) */
	char *sys_err_path;   /* of that entry, escaped */
};

/* Whether ERR is the machine's, not the filesystem's: out of memory or
 * descriptors (ENOMEM, EMFILE, ENFILE), refused the access (EACCES,
 * EPERM: root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH in a
 * container or user namespace, an LSM, an NFS export squashing root), or
 * a lookup that would enter another mount (EXDEV: RESOLVE_NO_XDEV).  The
 * tree under test never answers with those after a cut (EIO, EUCLEAN), and
 * an unprivileged verify is refused at its start. */
static int machine_errno(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE || err == EACCES ||
	       err == EPERM || err == EXDEV;
}

/* A refused access or a mount inside the tree is the environment's; the
 * rest the case's. */
static enum pc_errclass machine_class(int err)
{
	return err == EACCES || err == EPERM || err == EXDEV ? PC_ERR_ENV : PC_ERR_RUN;
}

/* Report that the machine could not DOING (check, list) PATH (escaped). */
static int machine_fail(int err, const char *doing, const char *path)
{
	if (err == EXDEV)
		return pc_fail(PC_ERR_ENV, "verify: %s is a mount point or below one: another "
			       "filesystem is mounted inside the tree (unmount it, or verify each "
			       "filesystem on its own)", path);
	return pc_fail_errno(machine_class(err), err, "verify: cannot %s %s", doing, path);
}

/* The machine could not check the entry (machine_errno), which says
 * nothing of the filesystem: an error of the case, never a finding (a
 * "missing" file that was only a descriptor short, a "content" finding for
 * a file it may not read).  Kept in the entry's slot; the merge stops
 * there. */
static int machine_error(struct vctx *v, int err)
{
	if (!machine_errno(err))
		return 0;
	if (v->slot && !v->slot->sys_err)
		v->slot->sys_err = err;
	return 1;
}

static char *esc(const char *s)
{
	return pc_escape((const unsigned char *)s, strlen(s));
}

__attribute__((format(printf, 4, 5)))
static void add_finding(struct vctx *v, enum pc_finding_kind kind, const char *path,
			const char *fmt, ...)
{
	struct pc_finding *f;
	if (v->slot) {
		struct slot *s = v->slot;
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 4;
			s->f = xrealloc(s->f, s->cap * sizeof(*s->f));
		}
		f = &s->f[s->n++];
	} else {
		struct pc_verify_result *r = v->out;
		if (r->nfindings == v->cap) {
			v->cap = v->cap ? 2 * v->cap : 64;
			r->findings = xrealloc(r->findings, v->cap * sizeof(*r->findings));
		}
		f = &r->findings[r->nfindings++];
		r->counts[kind]++;
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&f->detail, fmt, ap) < 0)
		f->detail = xstrdup("?");
	va_end(ap);
	f->kind = kind;
	f->path = esc(path);
	v->entry_lost = 1;
}

/* Move one finding a worker made into the result, in order. */
static void take_finding(struct vctx *v, struct pc_finding *f)
{
	struct pc_verify_result *r = v->out;
	if (r->nfindings == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		r->findings = xrealloc(r->findings, v->cap * sizeof(*r->findings));
	}
	r->findings[r->nfindings++] = *f;
	r->counts[f->kind]++;
}

/* ---- lookups ------------------------------------------------------------- */

/* Whether FD (an open descriptor) is the root of a mount: statx's
 * STATX_ATTR_MOUNT_ROOT, Linux 5.8 on; 0 where the kernel does not say. */
static int is_mount_root(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
		return 0;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* FD, or -1 with EXDEV (as openat2's RESOLVE_NO_XDEV says it) when FD is
 * the root of another mount. */
static int refuse_mount_root(int fd)
{
	if (fd >= 0 && is_mount_root(fd)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* The same lookup without openat2 (kernels before 5.6, valgrind, seccomp
 * profiles that answer ENOSYS): one component at a time with O_NOFOLLOW.
 * PATH is normalised (manifest paths and the walk's own), and ".." or empty
 * components are refused (ENOENT: they name nothing here), so nothing can
 * climb out of ROOT either.  A component that is the root of another mount
 * is EXDEV, as with RESOLVE_NO_XDEV, where statx says so (Linux 5.8 on);
 * before 5.8 mounts inside the tree are not seen here. */
static int open_beneath_walk(int rootfd, const char *path, int flags)
{
	if (!strcmp(path, "."))
		return openat(rootfd, ".", flags | O_NOFOLLOW);
	char *copy = xstrdup(path), *save = NULL;
	int dirfd = rootfd, fd = -1;
	errno = ENOENT; /* an empty path names nothing */
	char *comp = strtok_r(copy, "/", &save);
	while (comp) {
		char *next = strtok_r(NULL, "/", &save);
		if (!strcmp(comp, "..") || !strcmp(comp, ".")) {
			errno = ENOENT;
			fd = -1;
			break;
		}
		if (!next) {
			fd = refuse_mount_root(openat(dirfd, comp, flags | O_NOFOLLOW));
			break;
		}
		fd = refuse_mount_root(openat(dirfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
						  O_CLOEXEC));
		struct stat sb;
		/* as openat2 says it: a symlink on the way is ELOOP */
		if (fd < 0 && errno == ENOTDIR &&
		    fstatat(dirfd, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
			errno = ELOOP;
		if (dirfd != rootfd) {
			int e = errno;
			close(dirfd);
			errno = e;
		}
		dirfd = fd < 0 ? rootfd : fd;
		if (fd < 0)
			break;
		comp = next;
	}
	if (dirfd != rootfd && dirfd != fd) {
		int e = errno;
		close(dirfd);
		errno = e;
	}
	free(copy);
	return fd;
}

/* Set once openat2 has answered ENOSYS. */
static int no_openat2;

static int open_beneath(int rootfd, const char *path, int flags);

/* A path too long for one lookup (ENAMETOOLONG at PATH_MAX): open the
 * longest prefix that fits, as a directory below ROOT under the same rules,
 * and look the rest up below that descriptor, and so on.  Each lookup is
 * bounded by the directory it starts from, which is below ROOT, so the
 * chain stays below ROOT as one lookup would. */
static int open_beneath_long(int rootfd, const char *path, int flags)
{
	size_t len = strlen(path);
	if (len < PATH_MAX)
		return open_beneath(rootfd, path, flags);
	/* the last '/' that leaves a prefix shorter than PATH_MAX */
	size_t cut = PATH_MAX - 1;
	while (cut > 0 && path[cut] != '/')
		cut--;
	if (cut == 0) {
		errno = ENAMETOOLONG; /* one component longer than PATH_MAX */
		return -1;
	}
	char *prefix = xmalloc(cut + 1);
	memcpy(prefix, path, cut);
	prefix[cut] = '\0';
	int dirfd = open_beneath(rootfd, prefix, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(prefix);
	if (dirfd < 0)
		return -1;
	int fd = open_beneath_long(dirfd, path + cut + 1, flags);
	int e = errno;
	close(dirfd);
	errno = e;
	return fd;
}

/* openat2 below ROOT without crossing any symlink; -1 with errno. */
static int open_beneath(int rootfd, const char *path, int flags)
{
	if (strlen(path) >= PATH_MAX)
		return open_beneath_long(rootfd, path, flags);
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	/* EAGAIN: a concurrent rename somewhere; the kernel asks to retry. */
	for (int tries = 0; !no_openat2; tries++) {
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0 || (errno != EAGAIN && errno != ENOSYS) || tries == 16)
			return (int)fd;
		if (errno == ENOSYS)
			no_openat2 = 1;
	}
	return open_beneath_walk(rootfd, path, flags);
}

static const char *lookup_error(int err)
{
	switch (err) {
	case ENOENT: return "not found";
	case ELOOP: return "not found: a parent directory is a symlink";
	case ENOTDIR: return "not found: a parent is not a directory";
	default: return NULL;
	}
}

static int disk_ftype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return PC_FT_REG;
	case S_IFDIR: return PC_FT_DIR;
	case S_IFLNK: return PC_FT_SYMLINK;
	case S_IFCHR: return PC_FT_CHR;
	case S_IFBLK: return PC_FT_BLK;
	case S_IFIFO: return PC_FT_FIFO;
	case S_IFSOCK: return PC_FT_SOCK;
	default: return -1;
	}
}

static const char *disk_type_name(mode_t mode)
{
	int t = disk_ftype(mode);
	return t < 0 ? "unknown" : pc_ftype_name((enum pc_ftype)t);
}

/* ---- per-entry checks ---------------------------------------------------- */

static void check_owner(struct vctx *v, const struct pc_entry *e, const struct stat *sb)
{
	int uid_bad = sb->st_uid != e->uid, gid_bad = sb->st_gid != e->gid;
	if (uid_bad && gid_bad)
		add_finding(v, PC_F_OWNER, e->path, "uid %u, expected %u; gid %u, expected %u",
			    (unsigned)sb->st_uid, (unsigned)e->uid,
			    (unsigned)sb->st_gid, (unsigned)e->gid);
	else if (uid_bad)
		add_finding(v, PC_F_OWNER, e->path, "uid %u, expected %u",
			    (unsigned)sb->st_uid, (unsigned)e->uid);
	else if (gid_bad)
		add_finding(v, PC_F_OWNER, e->path, "gid %u, expected %u",
			    (unsigned)sb->st_gid, (unsigned)e->gid);
}

/* Read [*pos, end) into the digest, or up to end of file if that comes
 * first; *pos advances.  1 at end of file, 0 at END, -1 with errno. */
static int hash_read(struct pc_digest *ctx, int fd, unsigned char *buf, uint64_t *pos, uint64_t end)
{
	while (*pos < end) {
		size_t want = end - *pos < READ_CHUNK ? (size_t)(end - *pos) : READ_CHUNK;
		ssize_t n = pread(fd, buf, want, (off_t)*pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 1;
		pc_digest_update(ctx, buf, (size_t)n);
		*pos += (uint64_t)n;
	}
	return 0;
}

/* The first SIZE bytes by data extents (SEEK_DATA/SEEK_HOLE): extents are
 * read, holes are fed as zeros, so a sparse file of 4 GiB with a few KiB of
 * data costs a few KiB of reads.  -1 with errno; EINVAL at *pos 0 means the
 * filesystem cannot tell holes (nothing was hashed: read it plainly). */
static int hash_extents(struct pc_digest *ctx, int fd, unsigned char *buf, uint64_t *pos,
			uint64_t size)
{
	while (*pos < size) {
		off_t data = lseek(fd, (off_t)*pos, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			data = (off_t)size; /* only a hole is left */
		else if (data < 0)
			return -1;
		uint64_t start = (uint64_t)data < size ? (uint64_t)data : size;
		pc_digest_zeros(ctx, start - *pos); /* a hole: zeros, not read */
		*pos = start;
		if (*pos == size)
			break;
		off_t hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 && errno == ENXIO)
			break; /* shrunk under us: the final read sees the end */
		if (hole < 0)
			return -1;
		uint64_t end = (uint64_t)hole < size ? (uint64_t)hole : size;
		int r = hash_read(ctx, fd, buf, pos, end);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	return 0;
}

/* Fewer blocks than the size needs: there may be holes worth skipping.
 * Otherwise the file is read plainly, two lseeks fewer (a hole missed this
 * way is still read, as zeros, so the digest is the same either way). */
static int maybe_sparse(const struct stat *sb)
{
	return (uint64_t)sb->st_blocks * 512 < (uint64_t)sb->st_size;
}

/* The ALG digest of the open file (SB: fstat of it) into md; *done: the
 * bytes hashed; -1 with errno on a read error.  As with plain reading, the
 * digest covers what is there up to end of file. */
static int hash_fd(struct vctx *v, int fd, const struct stat *sb, enum pc_digest_alg alg,
		   unsigned char *md, uint64_t *done)
{
	struct pc_digest ctx;
	if (pc_digest_init(&ctx, alg) < 0)
		abort(); /* a verdict without the digest would be a guess */
	*done = 0;
	int rc = 0;
	if (maybe_sparse(sb)) {
		rc = hash_extents(&ctx, fd, v->buf, done, (uint64_t)sb->st_size);
		if (rc < 0 && errno == EINVAL && *done == 0)
			rc = 0; /* no SEEK_DATA here: read every byte */
	}
	if (rc == 0)
		rc = hash_read(&ctx, fd, v->buf, done, UINT64_MAX) < 0 ? -1 : 0;
	int e = errno;
	pc_digest_final(&ctx, md);
	pc_digest_free(&ctx);
	errno = e;
	return rc;
}

static int open_content(struct vctx *v, const char *path)
{
	/* O_NOATIME: reading must not write to the filesystem under test. */
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd = open_beneath(v->rootfd, path, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = open_beneath(v->rootfd, path, flags);
	return fd;
}

/* "sha256 GOT, expected WANT": the content finding. */
static void content_mismatch(struct vctx *v, const struct pc_entry *e, const unsigned char *md)
{
	char got[65], want[65];
	pc_hex(md, 32, got);
	pc_hex(e->sha256, 32, want);
	add_finding(v, PC_F_CONTENT, e->path, "sha256 %s, expected %s", got, want);
}

/* The XXH3-128 of E's file (FD, SB) was XXH, not the expected one: a
 * content finding whatever a second read shows.  Its SHA-256 (E has one:
 * check_digests) makes the message the one a SHA-256 compare gives; a read
 * error on the way says so, as the first read would have; a second read
 * that does match (the file changed under verify, or the entry's two
 * digests disagree) gives the XXH3-128 values instead. */
static void content_mismatch_fast(struct vctx *v, const struct pc_entry *e, int fd,
				  const struct stat *sb, const unsigned char *xxh)
{
	unsigned char md[PC_SHA256_LEN];
	uint64_t done;
	if (hash_fd(v, fd, sb, PC_SHA256, md, &done) < 0) {
		add_finding(v, PC_F_CONTENT, e->path, "read error after %llu bytes: %s",
			    (unsigned long long)done, strerror(errno));
		return;
	} else if (memcmp(md, e->sha256, 32)) {
		content_mismatch(v, e, md);
		return;
	}
	char got[2 * PC_XXH3_LEN + 1], want[2 * PC_XXH3_LEN + 1];
	pc_hex(xxh, PC_XXH3_LEN, got);
	pc_hex(e->xxh3, PC_XXH3_LEN, want);
	add_finding(v, PC_F_CONTENT, e->path, "xxh3-128 %s, expected %s (a second read gave the "
		    "expected sha256: changed while being checked?)", got, want);
}

/* Hash the file and compare; the descriptor it read, kept open for the
 * xattr checks, or -1. */
static int check_content(struct vctx *v, const struct pc_entry *e, const struct stat *sb)
{
	int fd = open_content(v, e->path);
	if (fd < 0 && machine_error(v, errno))
		return -1;
	if (fd < 0) {
		add_finding(v, PC_F_CONTENT, e->path, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat again;
	if (fstat(fd, &again) < 0 || again.st_dev != sb->st_dev || again.st_ino != sb->st_ino ||
	    !S_ISREG(again.st_mode)) {
		add_finding(v, PC_F_CONTENT, e->path, "changed while being checked");
		close(fd);
		return -1;
	}
	/* A run's own manifest (its scan's) carries XXH3-128 too: that is
	 * compared, at a tenth of SHA-256's CPU.  A mismatch is then read
	 * again for its SHA-256, so the finding says what it always said. */
	int fast = e->has_xxh3;
	unsigned char md[PC_SHA256_LEN];
	uint64_t done;
	if (hash_fd(v, fd, &again, fast ? PC_XXH3_128 : PC_SHA256, md, &done) < 0) {
		add_finding(v, PC_F_CONTENT, e->path, "read error after %llu bytes: %s",
			    (unsigned long long)done, strerror(errno));
	} else if (fast ? memcmp(md, e->xxh3, PC_XXH3_LEN) : memcmp(md, e->sha256, 32)) {
		if (fast)
			content_mismatch_fast(v, e, fd, &again, md);
		else
			content_mismatch(v, e, md);
	}
	return fd;
}

/* Size and content; the content descriptor (see check_content) or -1. */
static int check_regular(struct vctx *v, const struct pc_entry *e, const struct stat *sb)
{
	if ((uint64_t)sb->st_size != e->size) {
		add_finding(v, PC_F_SIZE, e->path, "size %llu, expected %llu",
			    (unsigned long long)sb->st_size, (unsigned long long)e->size);
		return -1; /* a content finding would say the same again */
	}
	return check_content(v, e, sb); /* verify_tree saw a digest for every file */
}

static void check_link(struct vctx *v, const struct pc_entry *e, int fd)
{
	char target[PATH_MAX + 1];
	ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0) {
		add_finding(v, PC_F_LINK, e->path, "readlink: %s", strerror(errno));
		return;
	}
	target[n] = '\0';
	const char *want = e->link ? e->link : "";
	if ((size_t)n != strlen(want) || memcmp(target, want, (size_t)n)) {
		char *got = pc_escape((unsigned char *)target, (size_t)n), *exp = esc(want);
		add_finding(v, PC_F_LINK, e->path, "link %s, expected %s", got, exp);
		free(got);
		free(exp);
	}
}

static void check_rdev(struct vctx *v, const struct pc_entry *e, const struct stat *sb)
{
	unsigned maj = major(sb->st_rdev), min = minor(sb->st_rdev);
	if (maj != e->rdev_major || min != e->rdev_minor)
		add_finding(v, PC_F_RDEV, e->path, "rdev %u,%u, expected %u,%u", maj, min,
			    (unsigned)e->rdev_major, (unsigned)e->rdev_minor);
}

/* ---- xattrs -------------------------------------------------------------- */

/* Where an entry's xattrs are read: its open content descriptor when there
 * is one (a regular file), otherwise /proc/self/fd/N of the O_PATH
 * descriptor, which the f*xattr calls do not accept. */
struct xattr_src {
	int fd;          /* -1: use proc */
	char proc[64];
};

static ssize_t src_getxattr(const struct xattr_src *s, const char *name, void *val, size_t n)
{
	return s->fd >= 0 ? fgetxattr(s->fd, name, val, n) : getxattr(s->proc, name, val, n);
}

static ssize_t src_listxattr(const struct xattr_src *s, char *names, size_t n)
{
	return s->fd >= 0 ? flistxattr(s->fd, names, n) : listxattr(s->proc, names, n);
}

/* The value of NAME into a malloc'd buffer; -1 with errno (ENODATA: none). */
static ssize_t get_xattr(const struct xattr_src *s, const char *name, unsigned char **out)
{
	for (int tries = 0; tries < 8; tries++) {
		ssize_t n = src_getxattr(s, name, NULL, 0);
		if (n < 0)
			return -1;
		unsigned char *val = xmalloc((size_t)n + 1);
		ssize_t got = src_getxattr(s, name, val, (size_t)n);
		if (got >= 0) {
			*out = val;
			return got;
		}
		free(val);
		if (errno != ERANGE) /* ERANGE: it grew in between */
			return -1;
	}
	errno = ERANGE;
	return -1;
}

/* The NUL-separated name list into *NAMES (NULL and *len 0 when the entry
 * has none, or the filesystem keeps none); -1 with errno when it cannot be
 * listed. */
static int list_xattrs(const struct xattr_src *s, char **names, size_t *len)
{
	*names = NULL;
	*len = 0;
	for (int tries = 0; tries < 8; tries++) {
		ssize_t n = src_listxattr(s, NULL, 0);
		if (n == 0 || (n < 0 && errno == ENOTSUP))
			return 0;
		if (n < 0)
			return -1;
		char *buf = xmalloc((size_t)n);
		ssize_t got = src_listxattr(s, buf, (size_t)n);
		if (got >= 0) {
			*names = buf;
			*len = (size_t)got;
			return 0;
		}
		free(buf);
		if (errno != ERANGE) /* ERANGE: it grew in between */
			return -1;
	}
	errno = ERANGE;
	return -1;
}

static void xattr_value_differs(struct vctx *v, const struct pc_entry *e,
				const struct pc_xattr *x, const unsigned char *val, size_t n)
{
	char *name = esc(x->name);
	if (n <= XATTR_SHOW_MAX && x->size <= XATTR_SHOW_MAX) {
		char got[2 * XATTR_SHOW_MAX + 1], want[2 * XATTR_SHOW_MAX + 1];
		pc_hex(val, n, got);
		pc_hex(x->value, x->size, want);
		add_finding(v, PC_F_XATTR, e->path, "xattr %s=%s, expected %s", name,
			    n ? got : "(empty)", x->size ? want : "(empty)");
	} else {
		add_finding(v, PC_F_XATTR, e->path, "xattr %s differs: %zu bytes, expected %zu",
			    name, n, x->size);
	}
	free(name);
}

static int in_manifest_xattrs(const struct pc_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nxattrs; i++)
		if (!strcmp(e->xattrs[i].name, name))
			return 1;
	return 0;
}

/* Whether an xattr NAME on disk that the manifest lacks is a finding.  XFS
 * lists a POSIX ACL twice, as system.posix_acl_* and under the names it
 * stores it by, trusted.SGI_ACL_FILE and trusted.SGI_ACL_DEFAULT (never in
 * a manifest: a layer that gives them is refused); the ACL is checked
 * through the first. */
static int checked_xattr(const char *name)
{
	if (!strcmp(name, "trusted.SGI_ACL_FILE") || !strcmp(name, "trusted.SGI_ACL_DEFAULT"))
		return 0;
	return !strncmp(name, "user.", 5) || !strncmp(name, "trusted.", 8) ||
	       !strncmp(name, "system.posix_acl_", 17) || !strcmp(name, "security.capability");
}

/* PATH_FD: the entry's O_PATH descriptor; CONTENT_FD: the same inode open
 * for reading, or -1. */
static void check_xattrs(struct vctx *v, const struct pc_entry *e, int path_fd, int content_fd)
{
	struct xattr_src src = { .fd = content_fd };
	if (content_fd < 0)
		snprintf(src.proc, sizeof(src.proc), "/proc/self/fd/%d", path_fd);
	for (size_t i = 0; i < e->nxattrs; i++) {
		const struct pc_xattr *x = &e->xattrs[i];
		unsigned char *val = NULL;
		ssize_t n = get_xattr(&src, x->name, &val);
		if (n < 0) {
			char *name = esc(x->name);
			if (errno == ENODATA || errno == ENOTSUP)
				add_finding(v, PC_F_XATTR, e->path, "xattr %s missing", name);
			else if (!machine_error(v, errno))
				add_finding(v, PC_F_XATTR, e->path, "xattr %s unreadable: %s", name,
					    strerror(errno));
			free(name);
			continue;
		}
		if ((size_t)n != x->size || memcmp(val, x->value, (size_t)n))
			xattr_value_differs(v, e, x, val, (size_t)n);
		free(val);
	}
	/* Unexpected names: those only a layer (or damage) puts there.  The
	 * system adds security.* labels of its own (SELinux, IMA, EVM), but
	 * never a file capability or a trusted.* xattr (an overlay layer
	 * folder's opaque marker is one). */
	size_t len;
	char *names;
	if (list_xattrs(&src, &names, &len) < 0 && !machine_error(v, errno))
		add_finding(v, PC_F_XATTR, e->path,
			    "cannot list xattrs: %s (unexpected ones not checked)", strerror(errno));
	for (size_t off = 0; names && off < len; off += strlen(names + off) + 1) {
		const char *name = names + off;
		if (checked_xattr(name) && !in_manifest_xattrs(e, name)) {
			char *en = esc(name);
			add_finding(v, PC_F_XATTR, e->path, "xattr %s unexpected", en);
			free(en);
		}
	}
	free(names);
}

/* Count the members of every hardlink group of the manifest. */
static void count_group_members(struct vctx *v, struct pc_entry *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!entries[i]->hardlink_group)
			continue;
		struct group *g = group_find(&v->groups, entries[i]->hardlink_group);
		if (!g->id) {
			g->id = entries[i]->hardlink_group;
			v->groups.used++;
		}
		g->members++;
	}
}

static void check_hardlink(struct vctx *v, const struct pc_entry *e, const struct stat *sb)
{
	struct group *g = group_find(&v->groups, e->hardlink_group);
	if (!g->id) { /* count_group_members saw every group: not reached */
		g->id = e->hardlink_group;
		v->groups.used++;
	}
	if (!g->seen) {
		g->seen = 1;
		g->dev = sb->st_dev;
		g->ino = sb->st_ino;
		g->first = esc(e->path);
		return;
	}
	if (g->dev != sb->st_dev || g->ino != sb->st_ino)
		add_finding(v, PC_F_HARDLINK, e->path, "not the same inode as %s", g->first);
}

/* Names the manifest does not give E's inode (S: what check_entry saw of
 * it): another entry outside E's hardlink group on the same inode (two
 * files became one), or, with CHECK_NLINK, a link count above the members
 * of E's group (a name the manifest does not have, inside the tree or out
 * of it, links to it).  A count below is a member missing or on another
 * inode: the findings of that member say so. */
static void check_links(struct vctx *v, const struct pc_entry *e, const struct slot *s)
{
	struct inode_rec *r = inode_find(&v->inodes, s->dev, s->ino);
	if (!r->first) {
		r->first = e;
		r->dev = s->dev;
		r->ino = s->ino;
		v->inodes.used++;
	} else if (!e->hardlink_group || r->first->hardlink_group != e->hardlink_group) {
		char *first = esc(r->first->path);
		add_finding(v, PC_F_HARDLINK, e->path,
			    "same inode as %s, which the manifest does not link it to", first);
		free(first);
		return;
	}
	if (!(v->flags & CHECK_NLINK))
		return;
	size_t want = 1;
	if (e->hardlink_group)
		want = group_find(&v->groups, e->hardlink_group)->members;
	if ((uint64_t)s->nlink > want)
		add_finding(v, PC_F_HARDLINK, e->path, "link count %llu, expected %zu",
			    (unsigned long long)s->nlink, want);
}

static void check_entry(struct vctx *v, const struct pc_entry *e)
{
	int fd = open_beneath(v->rootfd, e->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && machine_error(v, errno))
		return;
	if (fd < 0) {
		const char *why = lookup_error(errno);
		if (why)
			add_finding(v, PC_F_MISSING, e->path, "%s", why);
		else
			add_finding(v, PC_F_MISSING, e->path, "lookup failed: %s", strerror(errno));
		return;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		add_finding(v, PC_F_MISSING, e->path, "stat failed: %s", strerror(errno));
		close(fd);
		return;
	}
	if (disk_ftype(sb.st_mode) != (int)e->type) {
		add_finding(v, PC_F_TYPE, e->path, "type %s, expected %s",
			    disk_type_name(sb.st_mode), pc_ftype_name(e->type));
		close(fd);
		return;
	}
	/* Linux ignores a symlink's permission bits (always 0777). */
	if (e->type != PC_FT_SYMLINK && (sb.st_mode & 07777) != (e->mode & 07777))
		add_finding(v, PC_F_MODE, e->path, "mode %04o, expected %04o",
			    (unsigned)(sb.st_mode & 07777), (unsigned)(e->mode & 07777));
	check_owner(v, e, &sb);
	int content_fd = -1;
	if (e->type == PC_FT_REG)
		content_fd = check_regular(v, e, &sb);
	else if (e->type == PC_FT_SYMLINK)
		check_link(v, e, fd);
	else if (e->type == PC_FT_CHR || e->type == PC_FT_BLK)
		check_rdev(v, e, &sb);
	check_xattrs(v, e, fd, content_fd);
	if (content_fd >= 0)
		close(content_fd);
	/* The hardlink check depends on which member came first: it runs at
	 * the merge, in manifest order (see check_entries). */
	v->slot->have_inode = 1;
	v->slot->dev = sb.st_dev;
	v->slot->ino = sb.st_ino;
	v->slot->nlink = sb.st_nlink;
	close(fd);
}

/* ---- checking entries in parallel ----------------------------------------- */

/* Entries checked ahead of the merge: their slots are all that is kept of
 * findings not yet merged. */
#define WINDOW 4096

unsigned pc_verify_workers = PC_VERIFY_WORKERS;

/* Workers take entries in manifest order while the caller merges finished
 * ones behind them: entry I lives in ring[I % WINDOW] and may be taken once
 * entry I - WINDOW is merged.  No round ends with every worker waiting for
 * the one hashing a large file. */
struct pipeline {
	struct vctx *shared; /* m, rootfd */
	struct pc_entry *const *entries;
	size_t n;
	struct slot *ring;
	pthread_mutex_t mu;
	pthread_cond_t slot_free;  /* merged advanced */
	pthread_cond_t slot_done;  /* a worker finished an entry, or stopped */
	size_t next;               /* next entry to take */
	size_t merged;             /* entries merged */
	size_t awaited;            /* the entry the merge waits for, or N */
	unsigned idle;             /* workers waiting for a free slot */
	int stopped;               /* a worker saw the interruption */
};

static void check_one(struct pipeline *p, struct vctx *v, size_t i)
{
	v->slot = &p->ring[i % WINDOW];
	check_entry(v, p->entries[i]);
	v->slot = NULL;
}

/* Entries a worker takes at once, and marks done at once: one lock round
 * per batch instead of per entry (on the Debian image, one futex call and
 * about one context switch per entry were a tenth of verify's CPU time on
 * two CPUs).  64, not 8: on xfs, workers on neighbouring entries (one
 * folder's files, whose inodes share a cluster buffer and whose lookups
 * read the same folder blocks, each buffer locked exclusively even to
 * read) queued on each other's buffer locks: on the Debian image with a
 * cold cache, 36,000 context switches and 2.0 s against 30,000 and 1.65 s
 * with 64 (ext4 the same either way).  Small enough that a batch holding a
 * large file does not keep the merge waiting long, far below WINDOW. */
#define BATCH 64

/* The first of the next entries to check, up to BATCH of them (*COUNT), or
 * N when there is none (all taken, or interrupted).  Called and returns
 * with the lock held. */
static size_t take_entries(struct pipeline *p, size_t *count)
{
	/* stopped: the merge ended early (an entry the machine could not
	 * check): the window will not move again. */
	while (p->next < p->n && p->next >= p->merged + WINDOW && !pc_interrupted &&
	       !p->stopped) {
		p->idle++;
		pthread_cond_wait(&p->slot_free, &p->mu);
		p->idle--;
	}
	if (pc_interrupted)
		p->stopped = 1;
	if (p->stopped || p->next >= p->n)
		return p->n;
	size_t first = p->next, end = first + BATCH;
	if (end > p->n)
		end = p->n;
	if (end > p->merged + WINDOW)
		end = p->merged + WINDOW;
	p->next = end;
	*count = end - first;
	return first;
}

static void *check_worker(void *arg)
{
	struct pipeline *p = arg;
	struct vctx v = { .m = p->shared->m, .rootfd = p->shared->rootfd };
	v.buf = xmalloc(READ_CHUNK);
	pthread_mutex_lock(&p->mu);
	size_t count;
	for (size_t i; (i = take_entries(p, &count)) < p->n;) {
		pthread_mutex_unlock(&p->mu);
		for (size_t k = 0; k < count; k++)
			check_one(p, &v, i + k);
		pthread_mutex_lock(&p->mu);
		for (size_t k = 0; k < count; k++)
			p->ring[(i + k) % WINDOW].done = 1;
		/* wake the merge only when it waits for one of these */
		if (p->awaited >= i && p->awaited < i + count)
			pthread_cond_signal(&p->slot_done);
	}
	pthread_cond_signal(&p->slot_done);
	pthread_mutex_unlock(&p->mu);
	free(v.buf);
	return NULL;
}

/* Move entry I's findings into the result, running the hardlink and link
 * count checks here, in manifest order. */
static void merge_entry(struct vctx *v, struct pc_entry *e, struct slot *s)
{
	v->entry_lost = s->n > 0;
	for (size_t k = 0; k < s->n; k++)
		take_finding(v, &s->f[k]);
	v->slot = NULL;
	if (s->have_inode && e->hardlink_group) {
		struct stat sb = { .st_dev = s->dev, .st_ino = s->ino };
		check_hardlink(v, e, &sb);
	}
	if (s->have_inode && e->type != PC_FT_DIR)
		check_links(v, e, s);
	v->out->checked++;
	v->out->lost += (size_t)v->entry_lost;
	free(s->f);
	memset(s, 0, sizeof(*s));
}

/* Wait for entry I to be checked; 0 if it never will be (interrupted
 * before a worker took it).  With the lock held. */
static int wait_done(struct pipeline *p, size_t i)
{
	while (!p->ring[i % WINDOW].done) {
		if (i >= p->next && (p->stopped || pc_interrupted))
			return 0;
		p->awaited = i;
		pthread_cond_wait(&p->slot_done, &p->mu);
		p->awaited = p->n;
	}
	return 1;
}

/* Start up to pc_verify_workers threads; how many started. */
static unsigned start_workers(struct pipeline *p, pthread_t *tids, unsigned nw)
{
	/* Workers take no signals: the caller sees the interruption. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	unsigned started = 0;
	for (; started < nw; started++)
		if (pthread_create(&tids[started], NULL, check_worker, p) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started;
}

/* Check ENTRIES[0..N) with pc_verify_workers threads (each reading one file
 * at a time: several requests in flight) and merge their findings in
 * manifest order as they finish, so the result is the same whatever the
 * number of workers and however they were scheduled.  An interruption
 * merges the checked prefix and returns -1. */
static int check_entries(struct vctx *v, struct pc_entry *const *entries, size_t n)
{
	struct pipeline p = { .shared = v, .entries = entries, .n = n,
			      .mu = PTHREAD_MUTEX_INITIALIZER,
			      .slot_free = PTHREAD_COND_INITIALIZER,
			      .slot_done = PTHREAD_COND_INITIALIZER, .awaited = n };
	/* Indexed modulo WINDOW: a smaller N needs only N slots. */
	p.ring = xcalloc(n < WINDOW ? (n ? n : 1) : WINDOW, sizeof(*p.ring));
	unsigned nw = pc_verify_workers ? pc_verify_workers : 1;
	if (nw > n)
		nw = (unsigned)n;
	pthread_t tids[nw > 0 ? nw : 1];
	unsigned started = nw > 1 ? start_workers(&p, tids, nw) : 0;

	struct vctx inline_ctx = { .m = v->m, .rootfd = v->rootfd };
	if (started == 0) /* one worker, or no thread could start: this one */
		inline_ctx.buf = xmalloc(READ_CHUNK);
	size_t i = 0;
	for (; i < n; i++) {
		if (started == 0) {
			if (pc_interrupted)
				break;
			p.next = i + 1;
			check_one(&p, &inline_ctx, i);
			p.ring[i % WINDOW].done = 1;
		}
		/* One lock round per entry: publish the merges so far, wait. */
		pthread_mutex_lock(&p.mu);
		p.merged = i;
		if (p.idle)
			pthread_cond_broadcast(&p.slot_free);
		int done = wait_done(&p, i);
		pthread_mutex_unlock(&p.mu);
		if (!done)
			break;
		if (p.ring[i % WINDOW].sys_err) {
			v->sys_err = p.ring[i % WINDOW].sys_err;
			v->sys_err_path = esc(entries[i]->path);
			break;
		}
		merge_entry(v, entries[i], &p.ring[i % WINDOW]);
	}
	pthread_mutex_lock(&p.mu);
	p.stopped = 1; /* idle workers waiting for a slot end too */
	pthread_cond_broadcast(&p.slot_free);
	pthread_mutex_unlock(&p.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tids[k], NULL);
	/* Entries taken but not merged (interrupted): their findings go. */
	for (size_t k = i; k < n && k < i + WINDOW; k++)
		free(p.ring[k % WINDOW].f);
	free(p.ring);
	free(inline_ctx.buf);
	pthread_cond_destroy(&p.slot_free);
	pthread_cond_destroy(&p.slot_done);
	pthread_mutex_destroy(&p.mu);
	return i < n ? -1 : 0;
}

/* ---- extra entries ------------------------------------------------------- */

struct name {
	char *name;
	int is_dir;
	int phantom; /* see read_names */
};

/* Whether PATH (escaped as findings hold it) already has a finding. */
static int has_finding(const struct vctx *v, const char *path)
{
	char *e = esc(path);
	int found = 0;
	for (size_t i = 0; i < v->out->nfindings && !found; i++)
		found = !strcmp(v->out->findings[i].path, e);
	free(e);
	return found;
}

/* The folder REL could not be listed, so the extras below it cannot be
 * looked for: that part of the check did not run, and a check that did not
 * run never passes.  A reason of the machine's (machine_errno: memory,
 * descriptors, access refused) is an error of the case; any other (EIO,
 * EUCLEAN after the cut) is a finding of the folder, which loses it if it
 * is a manifest entry. */
static int unlisted(struct vctx *v, const char *rel, int err)
{
	char *e = esc(rel);
	if (machine_errno(err)) {
		int rc = machine_fail(err, "list", e);
		free(e);
		return rc;
	}
	free(e);
	if (!pc_manifest_get(v->m, rel)) {
		add_finding(v, PC_F_EXTRA, rel, "cannot list: %s (extras below it not looked for)",
			    strerror(err));
		return 0;
	}
	int was_lost = has_finding(v, rel);
	add_finding(v, PC_F_CONTENT, rel, "cannot list: %s (extras below it not looked for)",
		    strerror(err));
	v->out->lost += !was_lost;
	return 0;
}

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Open folder NAME below folder DIRFD (REL is its path, for messages) as
 * every check opens: no symlink, no other mount.  -1 when it is gone or
 * replaced (the manifest checks already report that: *rc 0) or cannot be
 * opened (unlisted: *rc its answer). */
static int open_folder(struct vctx *v, int dirfd, const char *name, const char *rel, int *rc)
{
	*rc = 0;
	int fd = open_beneath(dirfd, name, DIR_FLAGS);
	if (fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
		*rc = unlisted(v, rel, errno);
	return fd;
}

/* Names in the folder open at FD (REL below ROOT) into *NAMES.  -1 when
 * the case cannot go on. */
static int read_names(struct vctx *v, int fd, const char *rel, struct name **names_out,
		      size_t *n)
{
	*n = 0;
	*names_out = NULL;
	int own = dup(fd);
	DIR *d = own < 0 ? NULL : fdopendir(own);
	if (!d) {
		int e = errno;
		if (own >= 0)
			close(own);
		return unlisted(v, rel, e);
	}
	struct name *names = NULL;
	size_t cap = 0;
	struct dirent *de;
	int rc = 0;
	while ((errno = 0, de = readdir(d)) || errno) {
		if (!de) {
			rc = unlisted(v, rel, errno);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int is_dir = de->d_type == DT_DIR;
		struct stat sb;
		if (de->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			is_dir = S_ISDIR(sb.st_mode);
		/* overlayfs lists a folder that only one layer holds as that
		 * layer's folder is, whiteout devices included (a whiteout of
		 * nothing, or below an opaque or whited-out folder), though
		 * the name does not exist: not an entry of the view. */
		int phantom = (v->flags & OVERLAY_VIEW) && de->d_type == DT_CHR &&
			      fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 &&
			      errno == ENOENT;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[*n].name = xstrdup(de->d_name);
		names[*n].is_dir = is_dir;
		names[*n].phantom = phantom;
		(*n)++;
	}
	closedir(d);
	*names_out = names;
	return rc;
}

/* One folder of the extras walk: its names, the next to look at, the
 * length of its path in the walk's buffer, and its identity, checked when
 * the walk climbs back to it. */
struct frame {
	struct name *names;
	size_t n, next, rel_len;
	dev_t dev;
	ino_t ino;
};

static void frame_free(struct frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i].name);
	free(f->names);
}

/* Descend into the folder open at FD (REL in the buffer): list it onto the
 * stack.  -1 when the case cannot go on. */
static int push_folder(struct vctx *v, int fd, const struct pc_strbuf *rel,
		       struct frame **stack, size_t *depth, size_t *cap)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return unlisted(v, rel->s, errno);
	if (*depth == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*stack = xrealloc(*stack, *cap * sizeof(**stack));
	}
	struct frame *f = &(*stack)[(*depth)++];
	*f = (struct frame){ .rel_len = rel->len, .dev = sb.st_dev, .ino = sb.st_ino };
	return read_names(v, fd, rel->s, &f->names, &f->n);
}

/* Climb from the folder open at *FD to its parent, which must still be the
 * folder FRAME listed (a tree moved during the walk cannot be walked). */
static int climb(int *fd, const struct frame *parent, const char *rel)
{
	int up = openat(*fd, "..", DIR_FLAGS);
	int e = errno;
	close(*fd);
	*fd = up;
	struct stat sb;
	if (up < 0 || fstat(up, &sb) < 0)
		return machine_fail(up < 0 ? e : errno, "climb back to", rel);
	if (sb.st_dev != parent->dev || sb.st_ino != parent->ino)
		return pc_fail(PC_ERR_RUN, "verify: %s was moved while the tree was walked", rel);
	return 0;
}

/* Folder REL (open at FD, closed here) is PC_MAX_PATH_DEPTH deep: what
 * it holds is deeper than any manifest entry can be (the scan refuses
 * deeper ones) and is not walked, which keeps the walk's memory and
 * output bounded (each finding holds its whole path: a chain 100,000 deep
 * took 10 GB).  Anything there is an extra finding, so a tree with it is
 * never intact. */
static int too_deep(struct vctx *v, int fd, const char *rel)
{
	struct name *names;
	size_t n;
	int rc = read_names(v, fd, rel, &names, &n);
	close(fd);
	if (rc == 0 && n > 0)
		add_finding(v, PC_F_EXTRA, rel, "holds %zu entries more than %u levels deep: not "
			    "looked at", n, PC_MAX_PATH_DEPTH);
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
	return rc;
}

/* The walk's path back to folder F's. */
static void rel_back(struct pc_strbuf *rel, const struct frame *f, int root)
{
	if (root) {
		pc_strbuf_reset(rel);
		pc_strbuf_puts(rel, ".");
		return;
	}
	rel->len = f->rel_len;
	rel->s[rel->len] = '\0';
}

/* Report every path below the root that the manifest does not name.  The
 * walk keeps its own stack and one descriptor, the current folder's: each
 * folder is opened from its parent by its name and left by "..", so no
 * depth of the tree can exhaust the call stack or descriptors, nor make a
 * lookup cost its depth (an extra chain 20,000 deep took 157 s when every
 * folder was looked up from the root). */
static int walk_extras(struct vctx *v)
{
	struct pc_strbuf rel = PC_STRBUF_INIT;
	pc_strbuf_puts(&rel, ".");
	struct frame *stack = NULL;
	size_t depth = 0, cap = 0;
	int rc = 0;
	int fd = open_folder(v, v->rootfd, ".", ".", &rc);
	if (fd >= 0)
		rc = push_folder(v, fd, &rel, &stack, &depth, &cap);
	while (depth > 0) {
		struct frame *f = &stack[depth - 1];
		if (rc != 0 || f->next == f->n) {
			frame_free(f);
			depth--;
			if (depth > 0) {
				rel_back(&rel, &stack[depth - 1], depth == 1);
				if (rc == 0)
					rc = climb(&fd, &stack[depth - 1], rel.s);
			}
			continue;
		}
		const struct name *nm = &f->names[f->next++];
		if (depth == 1) /* the root's children are named without "./" */
			pc_strbuf_reset(&rel);
		else
			pc_strbuf_puts(&rel, "/");
		pc_strbuf_puts(&rel, nm->name);
		if (!nm->phantom && !pc_manifest_get(v->m, rel.s))
			add_finding(v, PC_F_EXTRA, rel.s, "%s not in the manifest",
				    nm->is_dir ? "directory" : "entry");
		int child = nm->is_dir ? open_folder(v, fd, nm->name, rel.s, &rc) : -1;
		if (child >= 0 && depth >= PC_MAX_PATH_DEPTH) {
			rc = too_deep(v, child, rel.s);
			child = -1;
		}
		if (child >= 0) {
			close(fd);
			fd = child;
			rc = push_folder(v, fd, &rel, &stack, &depth, &cap);
			continue;
		}
		rel_back(&rel, f, depth == 1);
	}
	if (fd >= 0)
		close(fd);
	free(stack);
	pc_strbuf_free(&rel);
	return rc;
}

/* By path, then kind, then detail: qsort need not be stable (glibc 2.37's
 * is not), and two findings of one path (a folder that cannot be listed is
 * also an extra) must keep one order. */
static int cmp_finding_path(const void *a, const void *b)
{
	const struct pc_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c == 0)
		c = (int)x->kind - (int)y->kind;
	return c ? c : strcmp(x->detail, y->detail);
}

/* ---- entry point --------------------------------------------------------- */

static void all_missing(struct pc_manifest *m, const char *why, struct pc_verify_result *out)
{
	memset(out, 0, sizeof(*out));
	struct vctx v = { .m = m, .rootfd = -1, .out = out };
	size_t n;
	struct pc_entry *const *entries = pc_manifest_sorted(m, &n);
	for (size_t i = 0; i < n; i++) {
		add_finding(&v, PC_F_MISSING, entries[i]->path, "not found (%s)", why);
		out->checked++;
		out->lost++;
	}
}

/* A regular file the manifest has no digest for (one built in memory
 * whose hashing never finished) would have its content go unchecked: an
 * error, never a pass. */
static int check_digests(struct pc_entry *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (entries[i]->type != PC_FT_REG || entries[i]->has_digest)
			continue;
		char *e = esc(entries[i]->path);
		int rc = pc_fail(PC_ERR_RUN, "verify: the manifest has no sha256 for %s: its "
				 "content cannot be checked", e);
		free(e);
		return rc;
	}
	return 0;
}

/* The xattrs of entries other than regular files are read through
 * /proc/self/fd/N of their O_PATH descriptor (check_xattrs): without /proc
 * (a container or chroot that does not mount it) each would read as
 * missing or unlistable, every folder and symlink lost.  FD: an O_PATH
 * descriptor of ROOT.  An error of the machine, before any entry. */
static int check_proc_fd(int fd, const char *root)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	struct stat a, b;
	if (stat(proc, &a) < 0)
		return pc_fail(PC_ERR_ENV, "verify %s: %s: %s (is /proc mounted? the xattrs of "
			       "folders, symlinks and devices are read through it)", root, proc,
			       strerror(errno));
	if (fstat(fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return pc_fail(PC_ERR_ENV, "verify %s: %s is not the folder's descriptor (a /proc "
			       "of another process namespace?); the xattrs of folders, symlinks "
			       "and devices cannot be read through it", root, proc);
	return 0;
}

/* Whether this process has CAP_SYS_ADMIN in its effective set. */
static int sys_admin_effective(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return (data[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

/* Whether this process's user namespace maps every id to itself, as only
 * the initial one does (/proc/self/uid_map "0 0 4294967295").  A kernel
 * built without CONFIG_USER_NS has no uid_map and no other namespace: the
 * initial one (such a kernel of our own failed every case here). */
static int initial_user_ns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return errno == ENOENT && access("/proc/self/status", F_OK) == 0;
	unsigned long long inside, outside, count;
	int n = fscanf(f, "%llu %llu %llu", &inside, &outside, &count);
	int more = n == 3 && fgetc(f) == '\n' && fgetc(f) != EOF;
	fclose(f);
	return n == 3 && !more && inside == 0 && outside == 0 && count == 4294967295ULL;
}

/* The kernel lists and reads trusted.* xattrs only for CAP_SYS_ADMIN in
 * the initial user namespace, and hides them from anyone else without an
 * error: an unexpected trusted.overlay.opaque would pass, an expected one
 * read as missing.  Root in a container without CAP_SYS_ADMIN (Docker's
 * default) or in a user namespace (podman unshare) cannot check them: an
 * error of the machine, before any entry. */
static int check_trusted_visible(const char *root)
{
	if (!sys_admin_effective())
		return pc_fail(PC_ERR_ENV, "verify %s: this process lacks CAP_SYS_ADMIN, without "
			       "which the kernel hides trusted.* xattrs (run it as root with "
			       "every capability)", root);
	if (!initial_user_ns())
		return pc_fail(PC_ERR_ENV, "verify %s: this process is in a user namespace "
			       "(/proc/self/uid_map is not the initial one), where the kernel hides "
			       "trusted.* xattrs (run it as root outside the namespace)", root);
	return 0;
}

static int verify_tree(struct pc_manifest *m, const char *root, int flags,
		       struct pc_verify_result *out)
{
	memset(out, 0, sizeof(*out));
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s for verify", root);
	int probe = open_beneath(rootfd, ".", O_PATH | O_CLOEXEC);
	if (probe < 0) {
		int e = errno;
		close(rootfd);
		return pc_fail_errno(PC_ERR_RUN, e, "open %s for verify", root);
	}
	int proc_ok = check_proc_fd(probe, root);
	if (proc_ok == 0)
		proc_ok = check_trusted_visible(root);
	close(probe);
	if (proc_ok < 0) {
		close(rootfd);
		return -1;
	}

	struct vctx v = { .m = m, .rootfd = rootfd, .out = out, .flags = flags };
	size_t n;
	struct pc_entry *const *entries = pc_manifest_sorted(m, &n);
	if (check_digests(entries, n) < 0) {
		close(rootfd);
		return -1;
	}
	count_group_members(&v, entries, n);
	int rc = pc_check_interrupted();
	if (rc == 0 && check_entries(&v, entries, n) < 0)
		rc = v.sys_err ? machine_fail(v.sys_err, "check", v.sys_err_path)
			       : pc_check_interrupted(); /* else only an interruption stops it */
	free(v.sys_err_path);
	size_t first_extra = out->nfindings;
	if (rc == 0)
		rc = walk_extras(&v);
	/* Directory order is arbitrary: sort the extras for stable output. */
	if (out->nfindings > first_extra)
		qsort(out->findings + first_extra, out->nfindings - first_extra,
		      sizeof(*out->findings), cmp_finding_path);

	group_tab_free(&v.groups);
	free(v.inodes.slots);
	close(rootfd);
	return rc;
}

int pc_verify_tree(struct pc_manifest *m, const char *root, struct pc_verify_result *out)
{
	return verify_tree(m, root, CHECK_NLINK, out);
}

int pc_verify_tree_after_cut(struct pc_manifest *m, const char *root,
			     struct pc_verify_result *out)
{
	struct stat st;
	int err = 0;
	if (lstat(root, &st) < 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else {
		int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			err = errno;
		else
			close(fd);
	}
	if (!err)
		return pc_verify_tree(m, root, out);
	if (err == ENOMEM || err == EMFILE || err == ENFILE)
		return pc_fail_errno(PC_ERR_RUN, err, "open %s for verify", root);
	char why[128];
	if (err == ENOENT)
		snprintf(why, sizeof(why), "the root folder is gone");
	else if (err == ENOTDIR)
		snprintf(why, sizeof(why), "the root folder is now a %s",
			 disk_type_name(st.st_mode));
	else
		snprintf(why, sizeof(why), "the root folder cannot be opened: %s", strerror(err));
	all_missing(m, why, out);
	return 0;
}

int pc_verify_view(struct pc_manifest *m, const char *root, struct pc_verify_result *out)
{
	return verify_tree(m, root, OVERLAY_VIEW, out);
}

void pc_verify_result_free(struct pc_verify_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].path);
		free(r->findings[i].detail);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

void pc_finding_counts_text(const size_t counts[PC_F_NKINDS], char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int k = 0; k < PC_F_NKINDS && used < len; k++) {
		if (!counts[k])
			continue;
		int n = snprintf(out + used, len - used, "%s%s %zu", used ? ", " : "",
				 pc_finding_name((enum pc_finding_kind)k), counts[k]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int pc_findings_save(const struct pc_verify_result *r, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return pc_fail_errno(PC_ERR_RUN, errno, "create %s", path);
	for (size_t i = 0; i < r->nfindings; i++) {
		char *fpath = pc_esc_text(r->findings[i].path);
		char *detail = pc_esc_text(r->findings[i].detail);
		fprintf(f, "%s %s: %s\n", pc_finding_name(r->findings[i].kind), fpath, detail);
		free(fpath);
		free(detail);
	}
	int failed = ferror(f);
	if (fclose(f) != 0 || failed)
		return pc_fail_errno(PC_ERR_RUN, errno ? errno : EIO, "write %s", path);
	return 0;
}
