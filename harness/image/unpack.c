/* unpack.c - see unpack.h.
 *
 * One walk over the layers serves both pc_unpack_layers (writing with
 * archive_write_disk in a chrooted child) and pc_image_scan (no writing).
 * The walk keeps the manifest as the model of the tree; the only difference
 * between the two is where a path component is looked up while resolving
 * symlinks (lstat/readlink on disk, or the manifest) and whether anything is
 * written, so both produce the same manifest for the same image.
 *
 * Paths are rewritten before writing: every entry is normalised and the
 * symlinks in its parent components are resolved by us (absolute targets
 * relative to the root, as container runtimes do), so archive_write_disk
 * only ever sees a plain relative path without symlinks above the last
 * component, and the manifest key is the path the data really lands at.
 */
#include "image/acl.h"
#include "image/layerfmt.h"
#include "image/layer_reader.h"
#include "image/unpack.h"
#include "fs/isolate.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER ".wh..wh..opq"
#define PROGRESS_STEP (4u << 20)
#define MAX_SYMLINK_HOPS 40
#define OPAQUE_XATTR "trusted.overlay.opaque"

/* Exit codes of the unpacking child: the parent maps them to error classes. */
enum { CHILD_OK = 0, CHILD_INPUT = 10, CHILD_RUN = 11, CHILD_ENV = 12 };

struct walk {
	struct pc_manifest *m;
	struct archive *disk; /* NULL: scan only */
	const char *lname;    /* layer file, for messages */
	enum pc_layerfmt fmt; /* eStargz: its TOC and landmarks are not files */
	unsigned layer;
	struct pc_unpack_stats st;
	EVP_MD_CTX *md;
	pc_unpack_progress_fn progress;
	void *arg;
	uint64_t written, next_progress;
	/* Overlay form (pc_unpack_layer_overlay): w->m is this layer's own
	 * manifest, the disk is this layer's folder, and LOWER is the merged
	 * view of the layers below (NULL for the first). */
	int overlay;
	const struct pc_manifest *lower;
	char **opaque;        /* folders of this layer marked opaque */
	size_t nopaque;
};

/* ---- opening layers ------------------------------------------------------- */

static struct archive *open_layer(const char *path)
{
	return pc_layer_reader_open(path);
}

static void close_layers(struct archive **ars, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ars[i])
			archive_read_free(ars[i]);
}

static int open_layers(const char *const *layers, size_t n, struct archive **ars)
{
	for (size_t i = 0; i < n; i++) {
		ars[i] = open_layer(layers[i]);
		if (!ars[i]) {
			close_layers(ars, i);
			return -1;
		}
	}
	return 0;
}

/* ---- looking paths up ----------------------------------------------------- */

enum node { NODE_NONE, NODE_DIR, NODE_SYMLINK, NODE_OTHER };

static enum node manifest_node(const struct pc_manifest *m, const char *path, char **link)
{
	struct pc_entry *e = pc_manifest_get(m, path);
	if (!e)
		return NODE_NONE;
	if (e->type == PC_FT_SYMLINK) {
		*link = xstrdup(e->link ? e->link : "");
		return NODE_SYMLINK;
	}
	return e->type == PC_FT_DIR ? NODE_DIR : NODE_OTHER;
}

/* Overlay form: does the merged view of the layers below show through at
 * PATH?  Not when this layer has a non-directory (a file, a whiteout) above
 * it, or marks a folder above it opaque. */
static int lower_visible(struct walk *w, const char *path)
{
	if (!w->lower)
		return 0;
	for (size_t i = 0; i < w->nopaque; i++) {
		const char *d = w->opaque[i];
		size_t n = strlen(d);
		if (!strcmp(d, ".") || (!strncmp(path, d, n) && path[n] == '/'))
			return 0;
	}
	char *p = xstrdup(path);
	int visible = 1;
	for (char *s = strchr(p, '/'); s && visible; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct pc_entry *e = pc_manifest_get(w->m, p);
		if (e && e->type != PC_FT_DIR)
			visible = 0;
		*s = '/';
	}
	free(p);
	return visible;
}

/* What PATH is on disk (we are chrooted, cwd is the root). */
static enum node disk_node(const char *path, char **link)
{
	*link = NULL;
	struct stat st;
	if (lstat(path, &st) < 0)
		return NODE_NONE;
	if (S_ISLNK(st.st_mode)) {
		size_t cap = (size_t)st.st_size + 2;
		char *buf = xmalloc(cap);
		ssize_t n = readlink(path, buf, cap);
		if (n < 0 || (size_t)n >= cap) {
			free(buf);
			return NODE_OTHER; /* changed under us: treat as opaque */
		}
		buf[n] = '\0';
		*link = buf;
		return NODE_SYMLINK;
	}
	return S_ISDIR(st.st_mode) ? NODE_DIR : NODE_OTHER;
}

/* What PATH (relative to the root, no symlinks above its last component) is
 * right now: on disk when writing, else in the manifest; in the overlay
 * form, what the layers below show where this layer has nothing, so that a
 * layer writing through a lower layer's `lib -> usr/lib` lands where the
 * flat form puts it.  *link receives a symlink's target. */
static enum node lookup(struct walk *w, const char *path, char **link)
{
	*link = NULL;
	if (!w->disk)
		return manifest_node(w->m, path, link);
	enum node n = disk_node(path, link);
	if (n == NODE_NONE && w->overlay && lower_visible(w, path))
		n = manifest_node(w->lower, path, link);
	return n;
}

/* Resolve the symlinks in the parent components of PATH (normalised), giving
 * the path the entry really lands at.  A symlink whose target climbs above
 * the root with ".." is an escape: refused (class INPUT) with a message
 * naming the layer, ENTRY and WHAT ("entry" or "hardlink target"). */
static int resolve_parents(struct walk *w, const char *path, const char *entry,
			   const char *what, char **out)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*out = xstrdup(path);
		return 0;
	}
	char *todo = strndup(path, (size_t)(slash - path));
	char *res = xstrdup(""); /* "" is the root */
	char *via = NULL;        /* last symlink followed, for messages */
	const char *p = todo;
	int hops = 0, rc = 0;
	if (!todo)
		abort();
	while (*p && rc == 0) {
		size_t n = strcspn(p, "/");
		char *comp = strndup(p, n);
		if (!comp)
			abort();
		p += n;
		if (*p == '/')
			p++;
		if (comp[0] == '\0' || strcmp(comp, ".") == 0) {
			free(comp);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			char *up = strrchr(res, '/');
			if (res[0] == '\0')
				rc = pc_fail(PC_ERR_INPUT, "layer %s: %s %s: leaves the target through "
					     "symlink %s", w->lname, what, entry, via ? via : "?");
			else if (up)
				*up = '\0';
			else
				res[0] = '\0';
			free(comp);
			continue;
		}
		char *cand = res[0] ? xasprintf("%s/%s", res, comp) : xstrdup(comp);
		free(comp);
		char *link;
		if (lookup(w, cand, &link) == NODE_SYMLINK) {
			if (++hops > MAX_SYMLINK_HOPS) {
				rc = pc_fail(PC_ERR_INPUT, "layer %s: %s %s: too many levels of "
					     "symlinks", w->lname, what, entry);
			} else {
				char *next = xasprintf("%s/%s", link, p);
				if (link[0] == '/')
					res[0] = '\0'; /* absolute: from the image root */
				free(todo);
				todo = next;
				p = todo;
				free(via);
				via = xstrdup(cand);
			}
			free(cand);
		} else {
			free(res);
			res = cand;
		}
		free(link);
	}
	if (rc == 0)
		*out = res[0] ? xasprintf("%s/%s", res, slash + 1) : xstrdup(slash + 1);
	free(res);
	free(todo);
	free(via);
	return rc;
}

/* ---- changing the tree ---------------------------------------------------- */

/* rm -rf PATH on disk (no symlink following) and in the manifest. */
static int remove_tree(struct walk *w, const char *path)
{
	if (w->disk) {
		if (pc_rmtree_policy(path, PC_RM_STOP) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s", w->lname,
					     path);
	}
	pc_manifest_remove(w->m, path);
	return 0;
}

/* `.wh.NAME` in DIR: NAME goes if a lower layer wrote it. */
static int apply_whiteout(struct walk *w, const char *dir, const char *name, const char *entry)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: bad whiteout", w->lname, entry);
	char *victim = strcmp(dir, ".") ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	struct pc_entry *e = pc_manifest_get(w->m, victim);
	int rc = 0;
	if (e && e->layer < w->layer)
		rc = remove_tree(w, victim);
	free(victim);
	w->st.whiteouts++;
	return rc;
}

/* `.wh..wh..opq` in DIR: everything below DIR from lower layers goes; entries
 * of this layer stay, and so do the directories that hold them (whatever
 * the order of the entries in the tar). */
static int apply_opaque(struct walk *w, const char *dir)
{
	w->st.whiteouts++;
	if (w->disk) {
		size_t n;
		struct pc_entry *const *v = pc_manifest_sorted(w->m, &n);
		size_t dlen = strlen(dir);
		int root = strcmp(dir, ".") == 0;
		/* Reverse path order visits children before their parent. */
		for (size_t i = n; i-- > 0;) {
			const struct pc_entry *e = v[i];
			int below = root ? strcmp(e->path, ".") != 0
					 : strncmp(e->path, dir, dlen) == 0 && e->path[dlen] == '/';
			if (!below || e->layer >= w->layer)
				continue;
			if (e->type == PC_FT_DIR) {
				if (rmdir(e->path) < 0 && errno != ENOENT && errno != ENOTEMPTY &&
				    errno != EEXIST)
					return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s",
							     w->lname, e->path);
			} else if (unlink(e->path) < 0 && errno != ENOENT) {
				return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s",
						     w->lname, e->path);
			}
		}
	}
	pc_manifest_remove_children_below_layer(w->m, dir, w->layer);
	return 0;
}

/* Parent directories archive_write_disk creates on its own (0755 under our
 * umask, owned by us) are part of the tree, so they go into the manifest. */
static void add_implicit_parents(struct walk *w, const char *path)
{
	char *p = xstrdup(path);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (!pc_manifest_get(w->m, p)) {
			struct pc_entry *e = pc_manifest_put(w->m, p);
			e->type = PC_FT_DIR;
			e->mode = 0755;
			e->layer = w->layer;
		}
		*s = '/';
	}
	free(p);
}

/* Make room for the new entry as container runtimes do: a directory keeps an
 * existing directory; anything else replaces what is there (a directory
 * with all its contents, or a symlink that archive_write_disk would
 * otherwise follow for a directory entry). */
static int make_room(struct walk *w, const char *path, int is_dir)
{
	struct pc_entry *old = pc_manifest_get(w->m, path);
	char *link = NULL;
	enum node disk = w->disk ? disk_node(path, &link) : NODE_NONE;
	free(link);
	if (is_dir) {
		if (w->disk && disk != NODE_NONE && disk != NODE_DIR && unlink(path) < 0 &&
		    errno != ENOENT)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: replacing %s", w->lname,
					     path);
		if (old && old->type != PC_FT_DIR)
			pc_manifest_remove(w->m, path);
		return 0;
	}
	if ((old && old->type == PC_FT_DIR) || disk == NODE_DIR)
		return remove_tree(w, path);
	return 0;
}

/* ---- entries -------------------------------------------------------------- */

static int write_error(struct walk *w, struct archive *a, const char *path)
{
	int e = archive_errno(a);
	if (e == ENOSPC || e == EDQUOT)
		return pc_fail_errno(PC_ERR_RUN, e, "layer %s: writing %s", w->lname, path);
	return pc_fail(PC_ERR_RUN, "layer %s: writing %s: %s", w->lname, path,
		       archive_error_string(a) ? archive_error_string(a) : strerror(e));
}

static int read_error(struct walk *w, struct archive *ar, const char *path)
{
	return pc_fail(PC_ERR_INPUT, "layer %s: reading %s: %s", w->lname, path,
		       archive_error_string(ar));
}

static void hash_zeros(EVP_MD_CTX *md, uint64_t n)
{
	static const unsigned char zeros[65536];
	while (n > 0) {
		size_t k = n > sizeof(zeros) ? sizeof(zeros) : (size_t)n;
		EVP_DigestUpdate(md, zeros, k);
		n -= k;
	}
}

static void note_progress(struct walk *w, size_t n)
{
	w->written += n;
	if (w->progress && w->written >= w->next_progress) {
		w->progress(w->written, w->arg);
		w->next_progress = w->written + PROGRESS_STEP;
	}
}

/* Copy (or, scanning, just read) the data of a regular file, hashing the
 * file's bytes: holes of sparse entries, trailing ones included, hash as
 * the zeros they read back as. */
/* A regular file's apparent size is hashed in full, holes as zeros, so an
 * archive declaring a huge sparse file could keep us hashing for days: refuse
 * entries above this (about three minutes of sha256). */
#define MAX_ENTRY_SIZE (256ULL << 30)

static int copy_data(struct walk *w, struct archive *ar, const char *path, uint64_t size,
		     unsigned char digest[32])
{
	if (size > MAX_ENTRY_SIZE)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: apparent size %llu bytes is over "
			       "powercut's limit of %llu GiB per file", w->lname, path,
			       (unsigned long long)size, MAX_ENTRY_SIZE >> 30);
	uint64_t pos = 0;
	if (!EVP_DigestInit_ex(w->md, EVP_sha256(), NULL))
		return pc_fail(PC_ERR_RUN, "sha256 init failed");
	for (;;) {
		const void *buf;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(ar, &buf, &n, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return read_error(w, ar, path);
		if (off < 0 || (uint64_t)off < pos)
			return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: data blocks out of order",
				       w->lname, path);
		if ((uint64_t)off + n > MAX_ENTRY_SIZE)
			return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: data beyond powercut's "
				       "limit of %llu GiB per file", w->lname, path,
				       MAX_ENTRY_SIZE >> 30);
		hash_zeros(w->md, (uint64_t)off - pos);
		EVP_DigestUpdate(w->md, buf, n);
		pos = (uint64_t)off + n;
		if (w->disk && archive_write_data_block(w->disk, buf, n, off) < ARCHIVE_OK)
			return write_error(w, w->disk, path);
		note_progress(w, n);
	}
	if (pos < size)
		hash_zeros(w->md, size - pos);
	unsigned int len = 32;
	if (!EVP_DigestFinal_ex(w->md, digest, &len))
		return pc_fail(PC_ERR_RUN, "sha256 final failed");
	return 0;
}

static int cmp_xattr(const void *a, const void *b)
{
	return strcmp(((const struct pc_xattr *)a)->name, ((const struct pc_xattr *)b)->name);
}

static void copy_xattrs(struct pc_entry *e, struct archive_entry *ae)
{
	size_t n = (size_t)archive_entry_xattr_reset(ae);
	if (!n)
		return;
	e->xattrs = xcalloc(n, sizeof(*e->xattrs));
	const char *name;
	const void *value;
	size_t size;
	while (e->nxattrs < n && archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
		/* pax archives often carry an xattr twice (LIBARCHIVE.xattr and
		 * SCHILY.xattr); the disk keeps the last one set. */
		struct pc_xattr *x = NULL;
		for (size_t i = 0; i < e->nxattrs && !x; i++)
			if (strcmp(e->xattrs[i].name, name) == 0)
				x = &e->xattrs[i];
		if (x)
			free(x->value);
		else
			x = &e->xattrs[e->nxattrs++];
		if (!x->name)
			x->name = xstrdup(name);
		x->value = xmalloc(size);
		if (size)
			memcpy(x->value, value, size);
		x->size = size;
	}
	qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), cmp_xattr);
}

static int entry_type(struct walk *w, struct archive_entry *ae, const char *raw,
		      enum pc_ftype *t)
{
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG: *t = PC_FT_REG; return 0;
	case AE_IFDIR: *t = PC_FT_DIR; return 0;
	case AE_IFLNK: *t = PC_FT_SYMLINK; return 0;
	case AE_IFCHR: *t = PC_FT_CHR; return 0;
	case AE_IFBLK: *t = PC_FT_BLK; return 0;
	case AE_IFIFO: *t = PC_FT_FIFO; return 0;
	case AE_IFSOCK: *t = PC_FT_SOCK; return 0;
	default:
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: unsupported file type 0%o",
			       w->lname, raw, (unsigned)archive_entry_filetype(ae));
	}
}

/* ---- overlay form ----------------------------------------------------------
 *
 * How containerd's overlayfs snapshotter stores a layer: the layer alone in
 * its own folder, whiteouts not applied but converted for overlayfs:
 * `.wh.NAME` becomes a 0:0 character device NAME, and `.wh..wh..opq` the
 * xattr trusted.overlay.opaque=y on its folder.
 */

static void xattr_set_entry(struct pc_entry *e, const char *name, const void *value,
			    size_t size)
{
	struct pc_xattr *x = NULL;
	for (size_t i = 0; i < e->nxattrs && !x; i++)
		if (!strcmp(e->xattrs[i].name, name))
			x = &e->xattrs[i];
	if (!x) {
		e->xattrs = xrealloc(e->xattrs, (e->nxattrs + 1) * sizeof(*e->xattrs));
		x = &e->xattrs[e->nxattrs++];
		x->name = xstrdup(name);
	} else {
		free(x->value);
	}
	x->value = xmalloc(size ? size : 1);
	if (size)
		memcpy(x->value, value, size);
	x->size = size;
	qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), cmp_xattr);
}

/* ACLs land on disk as system.posix_acl_* xattrs (acl.h), and a mask entry
 * becomes the group mode bits: record both as the disk will show them. */
static void expect_acls(struct pc_entry *e, struct archive_entry *ae)
{
	unsigned char *val;
	int mask;
	size_t n = pc_acl_xattr(ae, 0, &val, &mask);
	if (n) {
		xattr_set_entry(e, PC_ACL_ACCESS_XATTR, val, n);
		if (mask >= 0)
			e->mode = (e->mode & ~(mode_t)070) | (mode_t)mask << 3;
		free(val);
	}
	if (e->type == PC_FT_DIR && (n = pc_acl_xattr(ae, 1, &val, &mask)) > 0) {
		xattr_set_entry(e, PC_ACL_DEFAULT_XATTR, val, n);
		free(val);
	}
}

/* A folder of this layer at PATH that the tar does not list (yet): made as
 * containerd makes it, with the mode, owner and xattrs of the same folder
 * in the layers below when they show one, else 0755 root:root.  Otherwise
 * the merged view would show our default in place of the lower folder. */
static int make_parent_dir(struct walk *w, const char *path)
{
	const struct pc_entry *low = lower_visible(w, path) ? pc_manifest_get(w->lower, path)
							     : NULL;
	if (low && low->type != PC_FT_DIR)
		low = NULL;
	mode_t mode = low ? low->mode : 0755;
	uint32_t uid = low ? low->uid : 0, gid = low ? low->gid : 0;
	if (mkdir(path, 0700) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: mkdir %s", w->lname, path);
	/* chown before chmod: chown clears the set-id bits. */
	if (lchown(path, uid, gid) < 0 || chmod(path, mode) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: setting the owner and mode of %s",
				     w->lname, path);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	e->type = PC_FT_DIR;
	e->mode = mode;
	e->uid = uid;
	e->gid = gid;
	e->layer = w->layer;
	for (size_t i = 0; low && i < low->nxattrs; i++) {
		const struct pc_xattr *x = &low->xattrs[i];
		if (!strcmp(x->name, OPAQUE_XATTR))
			continue;
		if (lsetxattr(path, x->name, x->value, x->size, 0) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: copying xattr %s to %s",
					     w->lname, x->name, path);
		xattr_set_entry(e, x->name, x->value, x->size);
	}
	return 0;
}

/* Make the missing folders above PATH (and PATH itself when SELF). */
static int ensure_parents(struct walk *w, const char *path, int self)
{
	char *p = xstrdup(path);
	size_t len = strlen(p);
	int rc = 0;
	for (size_t i = 0; i <= len && rc == 0; i++) {
		if (p[i] != '/' && !(i == len && self))
			continue;
		char c = p[i];
		p[i] = '\0';
		struct stat st;
		if (!pc_manifest_get(w->m, p) && lstat(p, &st) < 0)
			rc = make_parent_dir(w, p);
		p[i] = c;
	}
	free(p);
	return rc;
}

/* `.wh.NAME` in DIR: a 0:0 character device NAME, owned as the whiteout
 * entry is (as containerd's OverlayConvertWhiteout does).  An entry of
 * this layer at NAME stays, as in the flat form. */
static int overlay_whiteout(struct walk *w, struct archive_entry *ae, const char *dir,
			    const char *name, const char *entry)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: bad whiteout", w->lname, entry);
	w->st.whiteouts++;
	char *victim = strcmp(dir, ".") ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	int rc = 0;
	if (pc_manifest_get(w->m, victim))
		goto out;
	if (ensure_parents(w, victim, 0) < 0) {
		rc = -1;
		goto out;
	}
	uint32_t uid = (uint32_t)archive_entry_uid(ae), gid = (uint32_t)archive_entry_gid(ae);
	if (mknod(victim, S_IFCHR, makedev(0, 0)) < 0 || lchown(victim, uid, gid) < 0) {
		rc = pc_fail_errno(PC_ERR_RUN, errno, "layer %s: whiteout device %s", w->lname,
				   victim);
		goto out;
	}
	struct pc_entry *e = pc_manifest_put(w->m, victim);
	e->type = PC_FT_CHR;
	e->mode = 0;
	e->uid = uid;
	e->gid = gid;
	e->layer = w->layer;
out:
	free(victim);
	return rc;
}

/* `.wh..wh..opq` in DIR: noted; the xattr is set once the layer is written
 * (finish_opaque), whatever the order of DIR's own entry in the tar. */
static int overlay_opaque(struct walk *w, const char *dir)
{
	w->st.whiteouts++;
	if (strcmp(dir, ".") && ensure_parents(w, dir, 1) < 0)
		return -1;
	for (size_t i = 0; i < w->nopaque; i++)
		if (!strcmp(w->opaque[i], dir))
			return 0;
	w->opaque = xrealloc(w->opaque, (w->nopaque + 1) * sizeof(*w->opaque));
	w->opaque[w->nopaque++] = xstrdup(dir);
	return 0;
}

static int finish_opaque(struct walk *w)
{
	for (size_t i = 0; i < w->nopaque; i++) {
		const char *d = w->opaque[i];
		struct pc_entry *e = pc_manifest_get(w->m, d);
		if (!e && !strcmp(d, ".")) {
			struct stat st;
			if (lstat(".", &st) < 0)
				return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: stat the root",
						     w->lname);
			e = pc_manifest_put(w->m, ".");
			e->type = PC_FT_DIR;
			e->mode = st.st_mode & 07777;
			e->uid = st.st_uid;
			e->gid = st.st_gid;
			e->layer = w->layer;
		}
		if (!e || e->type != PC_FT_DIR)
			continue; /* replaced later in the layer by a non-folder */
		if (lsetxattr(d, OPAQUE_XATTR, "y", 1, 0) < 0)
			return pc_fail_errno(errno == ENOTSUP ? PC_ERR_ENV : PC_ERR_RUN, errno,
					     "layer %s: setting %s on %s", w->lname, OPAQUE_XATTR, d);
		xattr_set_entry(e, OPAQUE_XATTR, "y", 1);
	}
	return 0;
}

/* A folder this layer already made (e.g. a parent made before the folder's
 * own entry) keeps xattrs archive_write_disk does not clear: drop those the
 * entry does not carry, so that the disk matches the manifest. */
static int drop_stale_xattrs(struct walk *w, struct archive_entry *ae, const char *path)
{
	struct pc_entry *old = pc_manifest_get(w->m, path);
	if (!old || old->type != PC_FT_DIR)
		return 0;
	for (size_t i = 0; i < old->nxattrs; i++) {
		const char *name;
		const void *value;
		size_t size;
		int carried = 0;
		archive_entry_xattr_reset(ae);
		while (!carried && archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK)
			carried = !strcmp(name, old->xattrs[i].name);
		if (!carried && lremovexattr(path, old->xattrs[i].name) < 0 && errno != ENODATA)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing xattr %s of %s",
					     w->lname, old->xattrs[i].name, path);
	}
	return 0;
}

/* Hardlink: the entry shares the target's inode, so it gets the target's
 * attributes, and both join one hardlink group. */
static int do_hardlink(struct walk *w, struct archive_entry *ae, const char *raw,
		       const char *path)
{
	char *tnorm = pc_path_normalize(archive_entry_hardlink(ae));
	if (!tnorm)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink target %s is absolute "
			       "or has a \"..\" component", w->lname, raw, archive_entry_hardlink(ae));
	char *target;
	int rc = resolve_parents(w, tnorm, raw, "hardlink target of", &target);
	free(tnorm);
	if (rc < 0)
		return -1;
	struct pc_entry *t = pc_manifest_get(w->m, target);
	if (!t && w->overlay && w->lower && pc_manifest_get(w->lower, target)) {
		rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink target %s is in a lower "
			     "layer; a layer folder can only link within itself", w->lname, raw, target);
		free(target);
		return rc;
	}
	if (!t || t->type == PC_FT_DIR) {
		rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink target %s %s", w->lname,
			     raw, target, t ? "is a directory" : "does not exist");
		free(target);
		return rc;
	}
	if (strcmp(target, path) == 0) { /* a link to itself changes nothing */
		free(target);
		return 0;
	}
	if (make_room(w, path, 0) < 0) {
		free(target);
		return -1;
	}
	if (!pc_manifest_get(w->m, target)) { /* e.g. below the directory it replaced */
		rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink target %s removed by "
			     "the entry itself", w->lname, raw, target);
		free(target);
		return rc;
	}
	/* Data in a hardlink entry is ignored, as GNU tar does; with no data
	 * archive_write_disk leaves the inode's metadata alone. */
	archive_entry_copy_hardlink(ae, target);
	archive_entry_set_size(ae, 0);
	if (w->disk && (archive_write_header(w->disk, ae) < ARCHIVE_OK ||
			archive_write_finish_entry(w->disk) < ARCHIVE_OK)) {
		free(target);
		return write_error(w, w->disk, path);
	}
	add_implicit_parents(w, path);
	t = pc_manifest_get(w->m, target);
	if (!t->hardlink_group)
		t->hardlink_group = pc_manifest_new_group(w->m);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	t = pc_manifest_get(w->m, target);
	char *keep = e->path;
	*e = *t;
	e->path = keep;
	e->link = t->link ? xstrdup(t->link) : NULL;
	e->xattrs = t->nxattrs ? xcalloc(t->nxattrs, sizeof(*e->xattrs)) : NULL;
	for (size_t i = 0; i < t->nxattrs; i++) {
		e->xattrs[i].name = xstrdup(t->xattrs[i].name);
		e->xattrs[i].value = xmalloc(t->xattrs[i].size);
		e->xattrs[i].size = t->xattrs[i].size;
		if (t->xattrs[i].size)
			memcpy(e->xattrs[i].value, t->xattrs[i].value, t->xattrs[i].size);
	}
	e->layer = w->layer;
	free(target);
	return 0;
}

/* Anything but a hardlink or whiteout. */
static int do_object(struct walk *w, struct archive *ar, struct archive_entry *ae,
		     const char *raw, const char *path)
{
	enum pc_ftype type = PC_FT_REG;
	if (entry_type(w, ae, raw, &type) < 0)
		return -1;
	const char *link = type == PC_FT_SYMLINK ? archive_entry_symlink(ae) : NULL;
	if (type == PC_FT_SYMLINK && (!link || !link[0]))
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: symlink without a target",
			       w->lname, raw);
	if (make_room(w, path, type == PC_FT_DIR) < 0)
		return -1;
	if (type != PC_FT_REG)
		archive_entry_set_size(ae, 0);
	if (w->overlay && w->disk && type == PC_FT_DIR && drop_stale_xattrs(w, ae, path) < 0)
		return -1;
	if (w->disk && archive_write_header(w->disk, ae) < ARCHIVE_OK)
		return write_error(w, w->disk, path);
	unsigned char digest[32];
	uint64_t size = type == PC_FT_REG ? (uint64_t)archive_entry_size(ae) : 0;
	if (type == PC_FT_REG) {
		if (copy_data(w, ar, path, size, digest) < 0)
			return -1;
		w->st.bytes += size;
	}
	if (w->disk && archive_write_finish_entry(w->disk) < ARCHIVE_OK)
		return write_error(w, w->disk, path);

	add_implicit_parents(w, path);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	e->type = type;
	/* Linux symlinks always have mode 0777, whatever the archive says. */
	e->mode = type == PC_FT_SYMLINK ? 0777 : archive_entry_mode(ae) & 07777;
	e->uid = (uint32_t)archive_entry_uid(ae);
	e->gid = (uint32_t)archive_entry_gid(ae);
	e->layer = w->layer;
	if (type == PC_FT_REG) {
		e->size = size;
		e->has_digest = 1;
		memcpy(e->sha256, digest, 32);
	} else if (type == PC_FT_SYMLINK) {
		e->link = xstrdup(link);
		e->size = strlen(link);
	} else if (type == PC_FT_CHR || type == PC_FT_BLK) {
		e->rdev_major = (uint32_t)archive_entry_rdevmajor(ae);
		e->rdev_minor = (uint32_t)archive_entry_rdevminor(ae);
	}
	copy_xattrs(e, ae);
	if (type != PC_FT_SYMLINK)
		expect_acls(e, ae);
	return 0;
}

static int do_entry(struct walk *w, struct archive *ar, struct archive_entry *ae)
{
	const char *raw = archive_entry_pathname(ae);
	if (!raw || !raw[0])
		return pc_fail(PC_ERR_INPUT, "layer %s: entry without a name", w->lname);
	if (raw[0] == '/')
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: absolute path", w->lname, raw);
	char *norm = pc_path_normalize(raw);
	if (!norm)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: path has a \"..\" component",
			       w->lname, raw);
	char *path = NULL;
	int rc = resolve_parents(w, norm, raw, "entry", &path);
	free(norm);
	if (rc < 0)
		return -1;
	char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (!dir)
		abort();
	if (strcmp(base, OPAQUE_MARKER) == 0)
		rc = w->overlay ? overlay_opaque(w, dir) : apply_opaque(w, dir);
	else if (strncmp(base, WHITEOUT_PREFIX ".wh.", 8) == 0)
		rc = 0; /* other aufs metadata (.wh..wh.plnk, ...): not part of the tree */
	else if (strncmp(base, WHITEOUT_PREFIX, 4) == 0)
		rc = w->overlay ? overlay_whiteout(w, ae, dir, base + 4, raw)
				: apply_whiteout(w, dir, base + 4, raw);
	else {
		/* Write the resolved path: no symlink left above the last
		 * component for archive_write_disk to follow. */
		archive_entry_copy_pathname(ae, path);
		if (w->overlay && w->disk && ensure_parents(w, path, 0) < 0)
			rc = -1;
		else if (archive_entry_hardlink(ae))
			rc = do_hardlink(w, ae, raw, path);
		else
			rc = do_object(w, ar, ae, raw, path);
	}
	free(dir);
	free(path);
	return rc;
}

static int walk_layer(struct walk *w, struct archive *ar)
{
	struct archive_entry *ae;
	for (;;) {
		if (pc_check_interrupted() < 0)
			return -1;
		int r = archive_read_next_header(ar, &ae);
		while (r == ARCHIVE_RETRY)
			r = archive_read_next_header(ar, &ae);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r == ARCHIVE_WARN)
			pc_warn("layer %s: %s", w->lname, archive_error_string(ar));
		else if (r != ARCHIVE_OK)
			return pc_fail(PC_ERR_INPUT, "layer %s: %s", w->lname,
				       archive_error_string(ar));
		const char *name = archive_entry_pathname(ae);
		if (name && pc_layerfmt_hidden(w->fmt, name))
			continue;
		if (do_entry(w, ar, ae) < 0)
			return -1;
	}
}

static struct archive *new_disk_writer(void)
{
	struct archive *a = archive_write_disk_new();
	if (!a)
		return NULL;
	/* No FFLAGS (immutable bits would make the tree unremovable) and no
	 * SECURE_SYMLINKS (it refuses layers writing through a lower layer's
	 * `lib -> usr/lib`; we resolve symlinks ourselves).  No user/group
	 * lookup functions: ids are numeric. */
	archive_write_disk_set_options(a, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
					  ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
					  ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
					  ARCHIVE_EXTRACT_UNLINK);
	return a;
}

/* Walk one layer (number INDEX, file LNAME); writing when WRITE. */
static int walk_one(struct walk *w, struct archive *ar, const char *lname,
		    enum pc_layerfmt fmt, unsigned index, int write)
{
	w->lname = lname;
	w->fmt = fmt;
	w->layer = index;
	if (write) {
		w->disk = new_disk_writer();
		if (!w->disk)
			return pc_fail(PC_ERR_RUN, "cannot allocate a disk writer");
	}
	int rc = walk_layer(w, ar);
	if (w->disk) {
		/* Directory modes and times are set here. */
		if (archive_write_close(w->disk) != ARCHIVE_OK && rc == 0)
			rc = write_error(w, w->disk, "directory metadata");
		archive_write_free(w->disk);
		w->disk = NULL;
	}
	if (rc == 0 && w->overlay && write)
		rc = finish_opaque(w);
	return rc;
}

/* The layers' formats, read from their files before the unpacking child
 * chroots (where their paths no longer lead to them). */
static enum pc_layerfmt *detect_formats(const char *const *layers, size_t n)
{
	enum pc_layerfmt *f = xcalloc(n ? n : 1, sizeof(*f));
	for (size_t i = 0; i < n; i++)
		f[i] = pc_layerfmt_detect(layers[i]);
	return f;
}

/* Walk every layer in order; writing when WRITE. */
static int walk_layers(struct walk *w, struct archive **ars, const char *const *layers,
		       const enum pc_layerfmt *fmts, size_t n, int write)
{
	for (size_t i = 0; i < n; i++)
		if (walk_one(w, ars[i], layers[i], fmts[i], (unsigned)i, write) < 0)
			return -1;
	w->st.entries = pc_manifest_count(w->m);
	return 0;
}

static int walk_init(struct walk *w)
{
	memset(w, 0, sizeof(*w));
	w->md = EVP_MD_CTX_new();
	if (!w->md)
		return pc_fail(PC_ERR_RUN, "cannot allocate a sha256 context");
	w->m = pc_manifest_new();
	return 0;
}

static void walk_done(struct walk *w)
{
	EVP_MD_CTX_free(w->md);
	pc_manifest_free(w->m);
	for (size_t i = 0; i < w->nopaque; i++)
		free(w->opaque[i]);
	free(w->opaque);
}

/* ---- scan ----------------------------------------------------------------- */

int pc_image_scan(const char *const *layers, size_t n, struct pc_manifest **out,
		  uint64_t *total_bytes)
{
	struct archive **ars = xcalloc(n, sizeof(*ars));
	struct walk w;
	if (open_layers(layers, n, ars) < 0) {
		free(ars);
		return -1;
	}
	enum pc_layerfmt *fmts = detect_formats(layers, n);
	int rc = walk_init(&w);
	if (rc == 0)
		rc = walk_layers(&w, ars, layers, fmts, n, 0);
	close_layers(ars, n);
	free(ars);
	free(fmts);
	if (rc == 0) {
		*out = w.m;
		w.m = NULL;
		if (total_bytes)
			*total_bytes = w.st.bytes;
	}
	walk_done(&w);
	return rc;
}

/* ---- unpack --------------------------------------------------------------- */

/* Shared with the child: what it reports besides its exit status. */
struct child_report {
	struct pc_unpack_stats st;
	char msg[1024]; /* its first error message */
};

static int child_exit_code(void)
{
	switch (pc_last_errclass) {
	case PC_ERR_INPUT: return CHILD_INPUT;
	case PC_ERR_ENV: return CHILD_ENV;
	default: return CHILD_RUN;
	}
}

/* What the unpacking child does: every layer flat, or one layer in the
 * overlay form. */
struct job {
	struct archive **ars;
	enum pc_layerfmt *fmts;
	const char *const *layers;
	size_t n;
	int overlay;
	unsigned index;                 /* overlay: the layer's number */
	const struct pc_manifest *lower; /* overlay: the merged view below */
	pc_unpack_progress_fn progress;
	void *arg;
};

static int child_main(const struct job *job, const char *target, int mfd,
		      struct child_report *rep)
{
	/* The parent prints our first error, once. */
	pc_messages_quiet = 1;
	pc_capture_errors(rep->msg, sizeof(rep->msg));
	/* No device node, the image's included, can be opened from here. */
	const char *step = NULL;
	int r = pc_isolate_nodev(target, &step);
	if (r < 0)
		return pc_fail_errno(PC_ERR_ENV, -r, "unpack into %s: %s", target, step);
	if (chdir(target) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "unpack: cannot enter %s", target);
	if (chroot(".") < 0)
		return pc_fail_errno(errno == EPERM ? PC_ERR_ENV : PC_ERR_RUN, errno,
				     "unpack: chroot into %s (root needed)", target);
	if (chdir("/") < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "unpack: chdir / in %s", target);
	umask(022); /* parents archive_write_disk creates itself get 0755 */
	pc_layer_reader_threads(); /* decompress on a thread while we write */

	struct walk w;
	if (walk_init(&w) < 0)
		return -1;
	w.progress = job->progress;
	w.arg = job->arg;
	w.next_progress = PROGRESS_STEP;
	int rc;
	if (job->overlay) {
		w.overlay = 1;
		w.lower = job->lower;
		rc = walk_one(&w, job->ars[0], job->layers[0], job->fmts[0], job->index, 1);
		w.st.entries = pc_manifest_count(w.m);
	} else {
		rc = walk_layers(&w, job->ars, job->layers, job->fmts, job->n, 1);
	}
	if (rc == 0) {
		rep->st = w.st;
		FILE *f = fdopen(mfd, "w");
		if (!f || pc_manifest_write(w.m, f) < 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "unpack: passing the manifest on");
		if (f && fclose(f) != 0 && rc == 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "unpack: passing the manifest on");
	}
	walk_done(&w);
	return rc;
}

/* Only an interruption (the runner's SIGINT/SIGTERM/SIGHUP handlers, which
 * do not restart system calls) ends the wait with EINTR: the unpack is then
 * abandoned at once rather than finished first, which may take minutes. */
static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return pc_fail_errno(PC_ERR_RUN, errno, "waiting for the unpack process");
		kill(pid, SIGKILL);
	}
	return 0;
}

/* Map the child's end to our error convention; the child only captured its
 * message, so it is printed here, once. */
static int child_result(int status, const char *target, const struct child_report *rep)
{
	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);
		if (code == CHILD_OK)
			return 0;
		enum pc_errclass cls = code == CHILD_INPUT ? PC_ERR_INPUT
				     : code == CHILD_ENV  ? PC_ERR_ENV
							  : PC_ERR_RUN;
		if (rep->msg[0])
			return pc_fail(cls, "%s", rep->msg);
		return pc_fail(cls, "unpacking into %s failed (exit %d)", target, code);
	}
	return pc_fail(PC_ERR_RUN, "unpacking into %s: process killed by signal %d", target,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Run JOB in a child chrooted into TARGET; *out receives the manifest it
 * built. */
static int run_job(struct job *job, const char *target, struct pc_manifest **out,
		   struct pc_unpack_stats *st)
{
	struct archive **ars = xcalloc(job->n, sizeof(*ars));
	if (open_layers(job->layers, job->n, ars) < 0) {
		free(ars);
		return -1;
	}
	job->ars = ars;
	job->fmts = detect_formats(job->layers, job->n);
	int rc = -1;
	FILE *mf = tmpfile(); /* the child writes the manifest here */
	struct child_report *rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!mf) {
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: temporary file for the manifest");
		goto out;
	}
	if (rep == MAP_FAILED) {
		rep = NULL;
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: shared memory");
		goto out;
	}
	memset(rep, 0, sizeof(*rep));
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: fork");
		goto out;
	}
	if (pid == 0) {
		/* Never outlive a killed parent: cleanup must be able to unmount. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(CHILD_RUN);
		/* The runner's handlers only set a flag this process never reads:
		 * a terminal's ^C must end the unpack. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		int r = child_main(job, target, dup(fileno(mf)), rep);
		int code = r < 0 ? child_exit_code() : CHILD_OK;
		/* Free before _exit so leak checkers see a clean child. */
		close_layers(ars, job->n);
		free(ars);
		free(job->fmts);
		_exit(code);
	}
	int status;
	if (wait_child(pid, &status) < 0 || child_result(status, target, rep) < 0)
		goto out;
	/* /proc/self/fd/N opens the file afresh, from its start. */
	char fdpath[64];
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fileno(mf));
	struct pc_manifest *m = pc_manifest_load(fdpath);
	if (!m) {
		pc_fail(PC_ERR_RUN, "unpack: the manifest from the unpack process is unreadable");
		goto out;
	}
	*out = m;
	if (st)
		*st = rep->st;
	rc = 0;
out:
	if (mf)
		fclose(mf);
	if (rep)
		munmap(rep, sizeof(*rep));
	close_layers(ars, job->n);
	free(ars);
	free(job->fmts);
	return rc;
}

int pc_unpack_layers(const char *const *layers, size_t n, const char *target,
		     struct pc_manifest **out, struct pc_unpack_stats *st,
		     pc_unpack_progress_fn progress, void *arg)
{
	struct job job = { .layers = layers, .n = n, .progress = progress, .arg = arg };
	return run_job(&job, target, out, st);
}

int pc_unpack_layer_overlay(const char *layer, unsigned index, const struct pc_manifest *lower,
			    const char *target, struct pc_manifest **out,
			    struct pc_unpack_stats *st, pc_unpack_progress_fn progress, void *arg)
{
	const char *layers[1] = { layer };
	struct job job = { .layers = layers, .n = 1, .overlay = 1, .index = index,
			   .lower = lower, .progress = progress, .arg = arg };
	return run_job(&job, target, out, st);
}

/* ---- the merged view ------------------------------------------------------ */

static int is_whiteout_dev(const struct pc_entry *e)
{
	return e->type == PC_FT_CHR && e->rdev_major == 0 && e->rdev_minor == 0;
}

static int is_opaque_dir(const struct pc_entry *e)
{
	for (size_t i = 0; i < e->nxattrs; i++)
		if (!strcmp(e->xattrs[i].name, OPAQUE_XATTR) && e->xattrs[i].size == 1 &&
		    e->xattrs[i].value[0] == 'y')
			return 1;
	return 0;
}

/* Hardlink groups of the layer renumbered into the merged manifest. */
struct group_map {
	uint64_t *from, *to;
	size_t n;
};

static uint64_t map_group(struct group_map *g, struct pc_manifest *merged, uint64_t id)
{
	if (!id)
		return 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->from[i] == id)
			return g->to[i];
	g->from = xrealloc(g->from, (g->n + 1) * sizeof(*g->from));
	g->to = xrealloc(g->to, (g->n + 1) * sizeof(*g->to));
	g->from[g->n] = id;
	g->to[g->n] = pc_manifest_new_group(merged);
	return g->to[g->n++];
}

/* A deep copy of SRC's attributes into DST (a fresh entry, path kept),
 * without the overlay's own xattr, which overlayfs does not show. */
static void copy_entry(struct pc_entry *dst, const struct pc_entry *src)
{
	char *keep = dst->path;
	*dst = *src;
	dst->path = keep;
	dst->link = src->link ? xstrdup(src->link) : NULL;
	dst->xattrs = src->nxattrs ? xcalloc(src->nxattrs, sizeof(*dst->xattrs)) : NULL;
	dst->nxattrs = 0;
	for (size_t i = 0; i < src->nxattrs; i++) {
		const struct pc_xattr *x = &src->xattrs[i];
		if (!strcmp(x->name, OPAQUE_XATTR))
			continue;
		struct pc_xattr *y = &dst->xattrs[dst->nxattrs++];
		y->name = xstrdup(x->name);
		y->value = xmalloc(x->size ? x->size : 1);
		if (x->size)
			memcpy(y->value, x->value, x->size);
		y->size = x->size;
	}
}

void pc_overlay_merge(struct pc_manifest *merged, struct pc_manifest *layer, unsigned index)
{
	size_t n;
	struct pc_entry *const *v = pc_manifest_sorted(layer, &n);
	struct group_map groups = { 0 };
	/* Path order puts a folder before what it holds, so an opaque folder
	 * hides the lower entries before this layer's own are added. */
	for (size_t i = 0; i < n; i++) {
		const struct pc_entry *e = v[i];
		struct pc_entry *old = pc_manifest_get(merged, e->path);
		if (is_whiteout_dev(e)) {
			if (old)
				pc_manifest_remove(merged, e->path);
			continue;
		}
		if (old && (e->type != PC_FT_DIR || old->type != PC_FT_DIR))
			pc_manifest_remove(merged, e->path);
		else if (old && is_opaque_dir(e))
			pc_manifest_remove_children_below_layer(merged, e->path, index);
		struct pc_entry *d = pc_manifest_put(merged, e->path);
		copy_entry(d, e);
		d->hardlink_group = map_group(&groups, merged, e->hardlink_group);
		d->layer = index;
	}
	free(groups.from);
	free(groups.to);
}
