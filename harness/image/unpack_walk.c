/* unpack_walk.c - the walk over layer entries (see unpack.h, unpack_int.h).
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
#include "image/fcaps.h"
#include "image/layer_reader.h"
#include "image/taropen.h"
#include "fs/fsync_queue.h"
#include "image/unpack_int.h"
#include "util/input.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_SYMLINK_HOPS 40

/* ---- opening layers ------------------------------------------------------- */

void unpack_close_layers(struct archive **ars, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ars[i])
			archive_read_free(ars[i]);
}

int unpack_open_layers(const char *const *layers, size_t n, struct archive **ars)
{
	for (size_t i = 0; i < n; i++) {
		ars[i] = pc_layer_reader_open(layers[i]);
		if (!ars[i]) {
			unpack_close_layers(ars, i);
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

/* What PATH is on disk (we are chrooted, cwd is the root). */
static enum node disk_node(const char *path, char **link)
{
	*link = NULL;
	struct stat st;
	if (unpack_at_lstat(path, &st) < 0)
		return NODE_NONE;
	if (S_ISLNK(st.st_mode)) {
		size_t cap = (size_t)st.st_size + 2;
		char *buf = xmalloc(cap);
		ssize_t n = unpack_at_readlink(path, buf, cap);
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

static int unpack_manifest_is_disk(struct walk *w, const char *path);

/* What PATH (relative to the root, no symlinks above its last component) is
 * right now: on disk when writing, else in the manifest; in the overlay
 * form, what the layers below show where this layer has nothing, so that a
 * layer writing through a lower layer's `lib -> usr/lib` lands where the
 * flat form puts it.  *link receives a symlink's target. */
static enum node lookup(struct walk *w, const char *path, char **link)
{
	*link = NULL;
	if (unpack_is_whiteout(w, path))
		return NODE_NONE;
	if (!w->disk)
		return manifest_node(w->m, path, link);
	if (pc_manifest_get(w->dirs, path))
		return NODE_DIR;
	if (unpack_manifest_is_disk(w, path)) {
		/* nothing there, or a folder: the manifest says so (a symlink's
		 * target and anything else are read from disk as before) */
		const struct pc_entry *e = pc_manifest_get(w->m, path);
		if (!e)
			return NODE_NONE;
		if (e->type == PC_FT_DIR) {
			pc_manifest_put(w->dirs, path);
			return NODE_DIR;
		}
	}
	enum node n = disk_node(path, link);
	if (n == NODE_DIR)
		pc_manifest_put(w->dirs, path);
	if (n == NODE_NONE && w->overlay && unpack_lower_visible(w, path))
		n = manifest_node(w->lower, path, link);
	return n;
}

/* ---- what is known not to be there --------------------------------------- */

/* Is PATH's folder one the walk made where nothing was (w->fresh)?  The
 * root is not: it may hold what was there before (ext4's lost+found). */
static int in_fresh_folder(const struct walk *w, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || pc_manifest_count(w->fresh) == 0)
		return 0;
	char buf[256];
	size_t n = (size_t)(slash - path);
	char *dir = n < sizeof(buf) ? buf : xstrndup(path, n);
	if (dir == buf) {
		memcpy(buf, path, n);
		buf[n] = '\0';
	}
	int fresh = pc_manifest_get(w->fresh, dir) != NULL;
	if (dir != buf)
		free(dir);
	return fresh;
}

/* Do the target's lookups fold names?  Asked of w->probe, a folder the
 * walk made at the root where nothing was.  The filesystem must
 * be one where folding is a folder's own flag, inherited by the folders
 * made in it (ext4, f2fs and tmpfs casefold), or a setting of the whole
 * filesystem (xfs -n version=ci), or absent (btrfs); and NAME with the case
 * of its ASCII letters swapped must not be found: a root that folds finds
 * it, one that does not passes that on to every folder made below it
 * (w->fresh holds only folders made in the root or in fresh folders).  A
 * NAME without letters is never asked. */
static void unpack_probe_folding(struct walk *w)
{
	const char *name = w->probe;
	struct statfs sf;
	struct stat st;
	const struct pc_entry *e = name ? pc_manifest_get(w->m, name) : NULL;
	if (!e || e->type != PC_FT_DIR)
		return; /* not made yet: asked again at the next entry */
	if (lstat(name, &st) < 0 || !S_ISDIR(st.st_mode)) {
		/* gone: another folder will be asked */
		free(w->probe);
		w->probe = NULL;
		return;
	}
	if (statfs(".", &sf) < 0) {
		w->nofold = -1;
		return;
	}
	switch ((uint32_t)sf.f_type) {
	case EXT4_SUPER_MAGIC: case XFS_SUPER_MAGIC: case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC: case F2FS_SUPER_MAGIC:
		break;
	default:
		w->nofold = -1;
		return;
	}
	char *swapped = xstrdup(name);
	int letters = 0;
	for (char *c = swapped; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
			*c ^= 0x20;
			letters = 1;
		}
	if (letters)
		w->nofold = lstat(swapped, &st) < 0 && errno == ENOENT ? 1 : -1;
	free(swapped);
}

/* PATH, a folder nothing is at, will be made empty: by libarchive for its
 * entry or as the parent of one, or by add_implicit_parents. */
static void mark_fresh(struct walk *w, const char *path)
{
	if (!w->disk || w->overlay || (strchr(path, '/') && !in_fresh_folder(w, path)))
		return;
	pc_manifest_put(w->fresh, path);
	if (w->nofold || w->probe || strchr(path, '/'))
		return;
	for (const char *c = path; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
			w->probe = xstrdup(path);
			return;
		}
}

/* Is what the manifest holds at PATH what is on disk?  So when its folder
 * is fresh, on a filesystem whose lookups do not fold names (where
 * "README" finds "readme" the lstat must run, for name_folded). */
static int unpack_manifest_is_disk(struct walk *w, const char *path)
{
	if (!w->disk || w->overlay || w->nofold < 0 || !in_fresh_folder(w, path))
		return 0;
	if (w->nofold == 0)
		unpack_probe_folding(w);
	return w->nofold > 0;
}

/* Is nothing at PATH on disk, known without a system call?  OLD: the
 * manifest's entry there. */
static int unpack_known_absent(struct walk *w, const char *path, const struct pc_entry *old)
{
	return !old && unpack_manifest_is_disk(w, path);
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
	char *todo = xstrndup(path, (size_t)(slash - path));
	/* The path resolved so far ("" is the root), and each candidate
	 * below it, built in one buffer: no allocation per component. */
	size_t cap = strlen(path) + 2, rlen = 0;
	char *res = xmalloc(cap);
	char *via = NULL;        /* last symlink followed, for messages */
	const char *p = todo;
	int hops = 0, rc = 0;
	res[0] = '\0';
	while (*p && rc == 0) {
		const char *comp = p;
		size_t n = strcspn(p, "/");
		p += n;
		if (*p == '/')
			p++;
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			char *up = strrchr(res, '/');
			if (rlen == 0)
				rc = pc_fail(PC_ERR_INPUT, "layer %s: %s %s: leaves the target through "
					     "symlink %s", w->lname, what, entry, via ? via : "?");
			rlen = up ? (size_t)(up - res) : 0;
			res[rlen] = '\0';
			continue;
		}
		size_t keep = rlen;
		if (rlen + n + 2 > cap) {
			cap = 2 * (rlen + n + 2);
			res = xrealloc(res, cap);
		}
		if (rlen)
			res[rlen++] = '/';
		memcpy(res + rlen, comp, n);
		rlen += n;
		res[rlen] = '\0'; /* the candidate */
		char *link;
		enum node kind = lookup(w, res, &link);
		if (kind == NODE_OTHER) {
			/* archive_write_disk would replace it with a folder; the
			 * runtimes refuse (mkdir: not a directory), and so do we */
			rc = pc_fail(PC_ERR_INPUT, "layer %s: %s %s: parent %s is not a directory",
				     w->lname, what, entry, res);
		} else if (kind == NODE_SYMLINK) {
			if (++hops > MAX_SYMLINK_HOPS) {
				rc = pc_fail(PC_ERR_INPUT, "layer %s: %s %s: too many levels of "
					     "symlinks", w->lname, what, entry);
			} else {
				char *next = xasprintf("%s/%s", link, p);
				if (link[0] == '/')
					keep = 0; /* absolute: from the image root */
				free(todo);
				todo = next;
				p = todo;
				free(via);
				via = xstrdup(res);
			}
			rlen = keep;
			res[rlen] = '\0';
		} else if (kind == NODE_NONE) {
			mark_fresh(w, res); /* libarchive makes it for the entry */
		}
		free(link);
	}
	if (rc == 0) {
		size_t n = strlen(slash + 1);
		if (rlen + n + 2 > cap)
			res = xrealloc(res, rlen + n + 2);
		if (rlen)
			res[rlen++] = '/';
		memcpy(res + rlen, slash + 1, n + 1);
		*out = res;
		res = NULL;
	}
	free(res);
	free(todo);
	free(via);
	return rc;
}

/* PATH (normalised) of ENTRY at most PC_MAX_PATH_DEPTH components deep
 * (input.h says why); else refused, class INPUT, before any lookup. */
static int check_depth(struct walk *w, const char *path, const char *entry, const char *what)
{
	size_t depth = 1;
	for (const char *c = path; *c; c++)
		depth += *c == '/';
	if (depth <= PC_MAX_PATH_DEPTH)
		return 0;
	return pc_fail(PC_ERR_INPUT, "layer %s: %s %s: %zu levels deep (powercut takes at most "
		       "%u)", w->lname, what, entry, depth, PC_MAX_PATH_DEPTH);
}

static int disk_options(int unlink_first);
static int below_aufs_meta(const char *norm);
static int aufs_refused(struct walk *w, const char *raw, const char *what);

/* ---- changing the tree ---------------------------------------------------- */

void unpack_forget_dirs(struct walk *w)
{
	if (pc_manifest_count(w->dirs) == 0)
		return;
	pc_manifest_free(w->dirs);
	w->dirs = pc_manifest_new();
}

/* rm -rf PATH on disk (no symlink following) and in the manifest. */
int unpack_remove_tree(struct walk *w, const char *path)
{
	if (w->disk) {
		unpack_forget_dirs(w);
		if (unpack_at_rmtree(path) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s", w->lname,
					     path);
	}
	pc_manifest_remove(w->m, path);
	return 0;
}

/* Remove ACL xattr NAME of PATH if it has one. */
int unpack_drop_acl(struct walk *w, const char *path, const char *name)
{
	if (unpack_at_removexattr(path, name) == 0 || errno == ENODATA || errno == EOPNOTSUPP)
		return 0;
	return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing the inherited %s of %s",
			     w->lname, name, path);
}

/* ---- what a created entry gets from its folder ----------------------------- */

const struct pc_xattr *unpack_folder_default_acl(const struct walk *w, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *up = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	const struct pc_entry *d = strcmp(path, ".") ? pc_manifest_get(w->m, up) : NULL;
	free(up);
	for (size_t i = 0; d && d->type == PC_FT_DIR && i < d->nxattrs; i++)
		if (!strcmp(d->xattrs[i].name, PC_ACL_DEFAULT_XATTR))
			return &d->xattrs[i];
	return NULL;
}

void unpack_inherit_acls(struct pc_entry *e, const struct pc_xattr *d, int access_given,
			 int default_given)
{
	if (!d || e->type == PC_FT_SYMLINK) /* the kernel gives symlinks no ACL */
		return;
	if (!access_given) {
		unsigned char *v;
		size_t n = pc_acl_inherited(d->value, d->size, e->mode, &v);
		if (n)
			unpack_xattr_set(e, PC_ACL_ACCESS_XATTR, v, n);
		free(v);
	}
	if (e->type == PC_FT_DIR && !default_given)
		unpack_xattr_set(e, PC_ACL_DEFAULT_XATTR, d->value, d->size);
}

static const struct pc_xattr *entry_xattr(const struct pc_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nxattrs; i++)
		if (!strcmp(e->xattrs[i].name, name))
			return &e->xattrs[i];
	return NULL;
}

int unpack_sync_acls(struct walk *w, const char *path, const struct pc_entry *e)
{
	for (int k = 0; k < (e->type == PC_FT_DIR ? 2 : 1); k++) {
		const char *name = k ? PC_ACL_DEFAULT_XATTR : PC_ACL_ACCESS_XATTR;
		const struct pc_xattr *x = entry_xattr(e, name);
		if (!x) {
			if (unpack_drop_acl(w, path, name) < 0)
				return -1;
		} else if (unpack_at_setxattr(path, name, x->value, x->size) < 0) {
			if (errno == EOPNOTSUPP) /* as confirm_acls says it */
				return pc_fail_errno(PC_ERR_ENV, errno, "layer %s: entry %s: POSIX "
						     "ACL %s not stored by the filesystem (mounted "
						     "noacl?)", w->lname, path, name);
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: entry %s: setting %s",
					     w->lname, path, name);
		}
	}
	if (entry_xattr(e, PC_ACL_ACCESS_XATTR) || entry_xattr(e, PC_ACL_DEFAULT_XATTR))
		w->acls_written = 1;
	return 0;
}

/* Parent folders archive_write_disk creates on its own (mkdir 0755 under
 * our umask, owned by us) are part of the tree, so they go into the
 * manifest, as containerd leaves them (unpack_implicit_dir).  libarchive
 * sets a listed folder's own mode only when its layer ends: below a
 * set-group-ID folder the bit must be cleared here. */
int unpack_implicit_dir(struct walk *w, const char *dir)
{
	const char *slash = strrchr(dir, '/');
	char *up = slash ? xstrndup(dir, (size_t)(slash - dir)) : xstrdup(".");
	const struct pc_entry *pe = pc_manifest_get(w->m, up);
	free(up);
	int below_sgid = pe && pe->type == PC_FT_DIR && (pe->mode & S_ISGID);
	uint32_t gid = below_sgid ? pe->gid : 0;
	const struct pc_xattr *d = unpack_folder_default_acl(w, dir);
	struct pc_entry *e = pc_manifest_put(w->m, dir);
	e->type = PC_FT_DIR;
	e->mode = 0755;
	e->gid = gid;
	e->layer = w->layer;
	unpack_inherit_acls(e, d, 0, 0);
	pc_manifest_put(w->made, dir);
	if (!w->disk)
		return 0;
	/* mkdir 0755 under umask 022 (archive_write_disk's, or ours) already
	 * left 0755, root's: only a set-group-ID folder above (its group, its
	 * bit) or a default ACL (the mode bits it took) need mending; a path
	 * longer than one lookup allows is reached through its folder's
	 * descriptor (test-longpath).
	 * chown before chmod: chown may clear set-id bits. */
	if (!below_sgid && !d)
		return 0;
	if (unpack_at_chown(dir, 0, gid) < 0 || unpack_at_chmod(dir, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: setting the owner and mode of %s",
				     w->lname, dir);
	return d ? unpack_sync_acls(w, dir, e) : 0;
}

/* The folders above PATH no entry listed, into the manifest, as
 * containerd's mkparent makes them; MK: also on disk (archive_write_disk
 * made them for an entry it wrote, not for a whiteout or opaque marker). */
static int add_implicit_parents(struct walk *w, const char *path, int mk)
{
	/* The parents up to the first one known (the manifest never holds an
	 * entry without its parents), then made top down: each takes after
	 * the folder it is made in. */
	size_t n = 0, *ends = NULL;
	char *p = xstrdup(path);
	for (char *s = strrchr(p, '/'); s; s = strrchr(p, '/')) {
		*s = '\0';
		if (pc_manifest_get(w->m, p))
			break;
		ends = xrealloc(ends, (n + 1) * sizeof(*ends));
		ends[n++] = (size_t)(s - p);
	}
	int rc = 0;
	for (size_t i = n; i-- > 0 && rc == 0;) {
		p[ends[i]] = '\0';
		memcpy(p, path, ends[i]);
		if (mk && w->disk && unpack_at_mkdir(p, 0755) < 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "layer %s: mkdir %s", w->lname, p);
		else
			rc = unpack_implicit_dir(w, p);
	}
	free(ends);
	free(p);
	return rc;
}

/* PATH is found on disk, but its folder holds no entry of that exact name:
 * the filesystem folds names (xfs -n version=ci, an ext4 or f2fs casefold
 * folder: "README" found as "readme"), so this entry would overwrite
 * another of the image.  The case could only end in findings no cut made
 * (a "size" of one, a "hardlink" of both): refused instead. */
static int name_folded(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	const char *base = slash ? slash + 1 : path;
	DIR *d = *dir ? unpack_at_opendir(dir) : opendir("/");
	free(dir);
	if (!d)
		return 0; /* the write that follows reports what is wrong */
	int exact = 0;
	for (struct dirent *de; !exact && (de = readdir(d));)
		exact = !strcmp(de->d_name, base);
	closedir(d);
	return !exact;
}

/* Make room for the new entry as container runtimes do: a directory keeps an
 * existing directory; anything else replaces what is there (a directory
 * with all its contents, or a symlink that archive_write_disk would
 * otherwise follow for a directory entry).  Then tell the disk writer
 * whether something is left in the way: only then must it unlink before
 * creating (an unlink that fails with ENOENT for every entry is a system
 * call per entry for nothing). */
static int make_room(struct walk *w, const char *path, int is_dir)
{
	struct pc_entry *old = pc_manifest_get(w->m, path);
	char *link = NULL;
	enum node disk = NODE_NONE;
	if (w->disk && !unpack_known_absent(w, path, old))
		disk = is_dir && pc_manifest_get(w->dirs, path) ? NODE_DIR : disk_node(path, &link);
	free(link);
	/* Nothing of this name was written, yet something is there: only
	 * then is the folder listed (rare: a parent made implicitly). */
	if (w->disk && !old && disk != NODE_NONE && name_folded(path))
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: the filesystem finds another entry "
			       "under this name (it folds names: case-insensitive, xfs -n version=ci "
			       "or an ext4 casefold folder), so two entries of the image would be "
			       "one file: this image cannot be checked on it", w->lname, path);
	int rc = 0;
	if (is_dir) {
		if (w->disk && disk != NODE_NONE && disk != NODE_DIR) {
			unpack_forget_dirs(w);
			if (unpack_at_unlink(path, 0) < 0 && errno != ENOENT)
				return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: replacing %s",
						     w->lname, path);
			disk = NODE_NONE;
		}
		if (old && old->type != PC_FT_DIR)
			pc_manifest_remove(w->m, path);
	} else if ((old && old->type == PC_FT_DIR) || disk == NODE_DIR) {
		rc = unpack_remove_tree(w, path);
		disk = NODE_NONE;
	}
	if (rc == 0 && w->disk)
		archive_write_disk_set_options(w->disk, disk_options(disk != NODE_NONE));
	if (rc == 0 && is_dir && disk == NODE_NONE)
		mark_fresh(w, path); /* libarchive makes the folder */
	return rc;
}

/* ---- entries -------------------------------------------------------------- */

/* The disk writer's message ("Can't create 'x'") rarely says why: the
 * reason is its errno, added here.  A name longer than the filesystem
 * allows (a component over NAME_MAX, a symlink target over PATH_MAX) is the
 * image's fault, not the device's: an input error. */
static int write_error(struct walk *w, struct archive *a, const char *path)
{
	int e = archive_errno(a);
	const char *msg = archive_error_string(a);
	/* a name or a link count this filesystem cannot hold (ext4 keeps at
	 * most 65,000 links to a file): the image's, as for a name too long */
	enum pc_errclass cls = e == ENAMETOOLONG || e == EMLINK ? PC_ERR_INPUT : PC_ERR_RUN;
	if (e == ENOSPC || e == EDQUOT || !msg)
		return pc_fail_errno(cls, e ? e : EIO, "layer %s: writing %s", w->lname, path);
	/* The errno goes with the message (pc_fail_cause): out of
	 * descriptors or memory is then the machine's limit, named, exit 3. */
	if (e <= 0)
		return pc_fail(PC_ERR_RUN, "layer %s: writing %s: %s", w->lname, path, msg);
	if (strstr(msg, strerror(e)))
		return pc_fail_cause(cls, e, "layer %s: writing %s: %s", w->lname, path, msg);
	return pc_fail_cause(cls, e, "layer %s: writing %s: %s: %s", w->lname, path, msg,
			     strerror(e));
}

/* A device node the filesystem refuses with EINVAL: its number does not
 * fit the filesystem's encoding (XFS keeps 14-bit majors and 18-bit
 * minors; ext4 and btrfs hold every number Linux has). */
static int device_write_error(struct walk *w, struct archive_entry *ae, const char *path)
{
	if (archive_errno(w->disk) != EINVAL)
		return write_error(w, w->disk, path);
	return pc_fail(PC_ERR_RUN, "layer %s: writing %s: the filesystem refuses device number "
		       "%lu:%lu (Invalid argument; XFS holds majors up to 16383 and minors up to "
		       "262143)", w->lname, path, (unsigned long)archive_entry_rdevmajor(ae),
		       (unsigned long)archive_entry_rdevminor(ae));
}

static int read_error(struct walk *w, struct archive *ar, const char *path)
{
	return pc_fail(PC_ERR_INPUT, "layer %s: reading %s: %s", w->lname, path,
		       pc_layer_reader_error(ar));
}

static void note_progress(struct walk *w, size_t n)
{
	w->written += n;
	if (w->progress && w->written >= w->next_progress) {
		w->progress(w->written, w->arg);
		w->next_progress = w->written + PROGRESS_STEP;
	}
}

/* A regular file's apparent size is hashed in full, holes as zeros, so an
 * archive declaring a huge sparse file could keep us hashing for days: refuse
 * entries above this (about five minutes of sha256 of zeros, 0.8 GB/s
 * measured on a 2-core VM). */
#define MAX_ENTRY_SIZE (256ULL << 30)
/* The same bound for all the files of one unpack together: else a 10 KiB
 * archive of a thousand 200 GiB sparse files keeps us hashing for days. */
#define MAX_TOTAL_SIZE MAX_ENTRY_SIZE

/* A digest on its way from the hashing thread, and the entries that wait
 * for it (a file's, and those of its hardlinks). */
struct pending_digest {
	uint64_t ticket;
	unsigned char sha256[PC_SHA256_LEN];
	unsigned char xxh3[PC_XXH3_LEN];
};

struct digest_claim {
	char *path;
	struct pending_digest *pd;
};

static struct pending_digest *new_pending(struct walk *w)
{
	if (w->npending == w->cappending) {
		w->cappending = w->cappending ? 2 * w->cappending : 1024;
		w->pending = xrealloc(w->pending, w->cappending * sizeof(*w->pending));
	}
	struct pending_digest *pd = xcalloc(1, sizeof(*pd));
	pd->ticket = w->ticket_base + w->npending;
	w->pending[w->npending++] = pd;
	return pd;
}

static struct pending_digest *find_pending(struct walk *w, uint64_t ticket)
{
	if (ticket < w->ticket_base || ticket - w->ticket_base >= w->npending)
		return NULL;
	return w->pending[ticket - w->ticket_base];
}

/* ENTRY (just made) waits for PD. */
static void claim_digest(struct walk *w, struct pc_entry *e, struct pending_digest *pd)
{
	if (w->nclaims == w->capclaims) {
		w->capclaims = w->capclaims ? 2 * w->capclaims : 1024;
		w->claims = xrealloc(w->claims, w->capclaims * sizeof(*w->claims));
	}
	w->claims[w->nclaims].path = xstrdup(e->path);
	w->claims[w->nclaims].pd = pd;
	w->nclaims++;
	e->digest_ticket = pd->ticket;
	e->has_digest = 0;
	e->has_xxh3 = 0;
}

/* An entry replaced or removed since it claimed its digest no longer holds
 * the ticket: the digest is not its own any more. */
void unpack_settle_digests(struct walk *w)
{
	if (w->hasher)
		pc_hasher_wait(w->hasher);
	for (size_t i = 0; i < w->nclaims; i++) {
		struct digest_claim *c = &w->claims[i];
		struct pc_entry *e = w->m ? pc_manifest_get(w->m, c->path) : NULL;
		if (e && e->digest_ticket == c->pd->ticket) {
			memcpy(e->sha256, c->pd->sha256, PC_SHA256_LEN);
			e->has_digest = !!(w->hash & PC_HASH_SHA256);
			memcpy(e->xxh3, c->pd->xxh3, PC_XXH3_LEN);
			e->has_xxh3 = !!(w->hash & PC_HASH_XXH3);
			e->digest_ticket = 0;
		}
		free(c->path);
	}
	w->nclaims = 0;
	for (size_t i = 0; i < w->npending; i++)
		free(w->pending[i]);
	w->ticket_base += w->npending;
	w->npending = 0;
}

/* Copy (or, scanning, just read) the data of a regular file, hashing the
 * file's bytes: holes of sparse entries, trailing ones included, hash as
 * the zeros they read back as. */
static int copy_data(struct walk *w, struct archive *ar, const char *path, uint64_t size,
		     struct pending_digest **pdp)
{
	if (size > MAX_ENTRY_SIZE)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: apparent size %llu bytes is over "
			       "powercut's limit of %llu GiB per file", w->lname, path,
			       (unsigned long long)size, MAX_ENTRY_SIZE >> 30);
	if (size > MAX_TOTAL_SIZE - w->st.bytes)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: the image's files add up to more "
			       "than powercut's limit of %llu GiB (apparent sizes, holes included)",
			       w->lname, path, MAX_TOTAL_SIZE >> 30);
	uint64_t pos = 0;
	struct pending_digest *pd = w->no_digests ? NULL : new_pending(w);
	if (pd)
		pc_hasher_begin(w->hasher);
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
		if (pd) {
			pc_hasher_zeros(w->hasher, (uint64_t)off - pos);
			pc_hasher_data(w->hasher, buf, n);
		}
		pos = (uint64_t)off + n;
		if (w->disk && archive_write_data_block(w->disk, buf, n, off) < ARCHIVE_OK)
			return write_error(w, w->disk, path);
		note_progress(w, n);
	}
	if (pd && pos < size)
		pc_hasher_zeros(w->hasher, size - pos);
	if (pd)
		pc_hasher_end(w->hasher, pd->sha256, pd->xxh3);
	*pdp = pd;
	return 0;
}

int unpack_cmp_xattr(const void *a, const void *b)
{
	return strcmp(((const struct pc_xattr *)a)->name, ((const struct pc_xattr *)b)->name);
}

/* Can the disk hold xattr NAME on an entry of TYPE, as the archive gives
 * it?  NULL if so, else why not.  libarchive quietly skips raw POSIX ACL
 * xattrs on Linux (ACLs come from SCHILY.acl records, see acl.h), and the
 * kernel knows only these namespaces and takes user.* on files and folders
 * only: anything else would be expected by the manifest and missing on
 * disk, or fail the write. */
static const char *xattr_unstorable(const char *name, enum pc_ftype type)
{
	/* on anything else, take_raw_acls made them ACL entries */
	if (!strcmp(name, PC_ACL_ACCESS_XATTR) || !strcmp(name, PC_ACL_DEFAULT_XATTR))
		return "a POSIX ACL on a symlink, which Linux does not allow";
	if (!strncmp(name, "user.", 5))
		return type == PC_FT_REG || type == PC_FT_DIR
			       ? NULL
			       : "a user.* xattr, which Linux allows on files and folders only";
	/* libarchive's disk writer skips these quietly: the manifest would
	 * promise xattrs that are never written */
	if (!strcmp(name, "trusted.SGI_ACL_FILE") || !strcmp(name, "trusted.SGI_ACL_DEFAULT"))
		return "XFS's own name for an ACL, which libarchive's extraction skips";
	if (!strncmp(name, "trusted.", 8) || !strncmp(name, "security.", 9))
		return NULL;
	return "not in a namespace Linux knows (user., trusted., security.)";
}

/* Raw ACL xattrs of AE into ACL entries (acl.h), on anything but a
 * symlink (check_xattrs refuses them there). */
static int take_raw_acls(struct walk *w, struct archive_entry *ae, const char *raw,
			 enum pc_ftype type)
{
	const char *name, *why;
	if (type == PC_FT_SYMLINK || pc_acl_take_raw_xattrs(ae, &name, &why) == 0)
		return 0;
	return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: xattr %s %s", w->lname, raw, name, why);
}

/* AE's ACLs as the kernel will take them (acl.h). */
static int check_acls(struct walk *w, struct archive_entry *ae, const char *raw)
{
	const char *name, *why = pc_acl_unstorable(ae, &name);
	if (!why)
		return 0;
	return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: ACL %s %s", w->lname, raw, name, why);
}

/* Every xattr of AE storable on an entry of TYPE, and none given twice
 * with different values: else an input error. */
static int check_xattrs(struct walk *w, struct archive_entry *ae, const char *raw,
			enum pc_ftype type)
{
	size_t n = (size_t)archive_entry_xattr_reset(ae);
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	const void **values = xcalloc(n ? n : 1, sizeof(*values));
	size_t *sizes = xcalloc(n ? n : 1, sizeof(*sizes));
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < n &&
	     archive_entry_xattr_next(ae, &names[k], &values[k], &sizes[k]) == ARCHIVE_OK; k++) {
		const char *why = xattr_unstorable(names[k], type);
		if (!why && !strcmp(names[k], PC_FCAPS_XATTR) && !pc_fcaps_valid(values[k], sizes[k]))
			why = "not a file capability the kernel takes (revision 2, 20 bytes, or "
			      "revision 3, 24 bytes)";
		if (why)
			rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: xattr %s is %s", w->lname,
				     raw, names[k], why);
		/* pax archives often carry an xattr twice (LIBARCHIVE.xattr and
		 * SCHILY.xattr, which the layer reader checked agree, or one
		 * key in two records): fine when both say the same, ambiguous
		 * if not (Go's reader, in the runtimes, keeps the last
		 * SCHILY.xattr record). */
		for (size_t i = 0; rc == 0 && i < k; i++)
			if (!strcmp(names[i], names[k]) &&
			    (sizes[i] != sizes[k] || (sizes[k] && memcmp(values[i], values[k], sizes[k]))))
				rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: xattr %s is given "
					     "twice with different values", w->lname, raw, names[k]);
	}
	free(names);
	free(values);
	free(sizes);
	return rc;
}

/* AE's xattrs into E, sorted by name, each once (check_xattrs passed). */
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
		int seen = 0;
		for (size_t i = 0; i < e->nxattrs && !seen; i++)
			seen = !strcmp(e->xattrs[i].name, name);
		if (seen)
			continue;
		unsigned char caps[PC_FCAPS_MAX];
		if (!strcmp(name, PC_FCAPS_XATTR)) { /* check_xattrs found it valid */
			size = pc_fcaps_as_read(value, size, caps);
			value = caps;
		}
		struct pc_xattr *x = &e->xattrs[e->nxattrs++];
		x->name = xstrdup(name);
		x->value = xmalloc(size ? size : 1);
		if (size)
			memcpy(x->value, value, size);
		x->size = size;
	}
	qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), unpack_cmp_xattr);
}

/* Owners the disk can hold: (uid_t)-1 means "unchanged" to chown, and
 * larger ids would be cut to 32 bits. */
static int check_owner(struct walk *w, struct archive_entry *ae, const char *raw)
{
	la_int64_t uid = archive_entry_uid(ae), gid = archive_entry_gid(ae);
	if (uid < 0 || uid >= (la_int64_t)UINT32_MAX || gid < 0 || gid >= (la_int64_t)UINT32_MAX)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: owner %lld:%lld cannot be stored "
			       "(Linux ids are 0 to 4294967294)", w->lname, raw, (long long)uid,
			       (long long)gid);
	return 0;
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

void unpack_xattr_set(struct pc_entry *e, const char *name, const void *value, size_t size)
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
	qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), unpack_cmp_xattr);
}

/* ACLs land on disk as system.posix_acl_* xattrs (acl.h), and a mask entry
 * becomes the group mode bits: record both as the disk will show them. */
static void expect_acls(struct pc_entry *e, struct archive_entry *ae)
{
	unsigned char *val;
	int mask;
	size_t n = pc_acl_xattr(ae, 0, &val, &mask);
	if (n) {
		unpack_xattr_set(e, PC_ACL_ACCESS_XATTR, val, n);
		if (mask >= 0)
			e->mode = (e->mode & ~(mode_t)070) | (mode_t)mask << 3;
		free(val);
	}
	if (e->type == PC_FT_DIR && (n = pc_acl_xattr(ae, 1, &val, &mask)) > 0) {
		unpack_xattr_set(e, PC_ACL_DEFAULT_XATTR, val, n);
		free(val);
	}
}

/* The first xattr of AE that target T does not hold with the same value,
 * or NULL. */
static const char *link_xattr_not_on(struct archive_entry *ae, const struct pc_entry *t)
{
	const char *name;
	const void *value;
	size_t size;
	archive_entry_xattr_reset(ae);
	while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
		unsigned char caps[PC_FCAPS_MAX];
		if (!strcmp(name, PC_FCAPS_XATTR) && pc_fcaps_valid(value, size)) {
			size = pc_fcaps_as_read(value, size, caps);
			value = caps;
		}
		size_t i = 0;
		while (i < t->nxattrs && strcmp(t->xattrs[i].name, name))
			i++;
		if (i == t->nxattrs || t->xattrs[i].size != size ||
		    (size && memcmp(t->xattrs[i].value, value, size)))
			return name;
	}
	return NULL;
}

/* A hardlink entry is a second name for the target's inode, and its header
 * repeats the target's metadata (what every image builder writes).  Where
 * it does not, the runtimes' Go extractors (containerd, Docker, podman)
 * chown, chmod and setxattr the new name, so the file gets the link's
 * owner, mode and xattrs, while libarchive (and umoci) leave the file's:
 * refused rather than read one way (seen with podman 4.3 and umoci 0.4.7;
 * containerd's and Docker's createTarFile do the same as podman's).  Go
 * does not chmod through a link to a symlink. */
static int check_link_attrs(struct walk *w, struct archive_entry *ae, const char *raw,
			    const char *target, const struct pc_entry *t)
{
	mode_t mode = archive_entry_mode(ae) & 07777;
	la_int64_t uid = archive_entry_uid(ae), gid = archive_entry_gid(ae);
	if (t->type != PC_FT_SYMLINK && mode != t->mode)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink to %s has mode %04o, "
			       "the file %04o: containerd, Docker and podman give the file the "
			       "link's, libarchive keeps the file's", w->lname, raw, target,
			       (unsigned)mode, (unsigned)t->mode);
	if (uid != (la_int64_t)t->uid || gid != (la_int64_t)t->gid)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink to %s has owner "
			       "%lld:%lld, the file %u:%u: containerd, Docker and podman give the "
			       "file the link's, libarchive keeps the file's", w->lname, raw, target,
			       (long long)uid, (long long)gid, t->uid, t->gid);
	const char *x = link_xattr_not_on(ae, t);
	if (x)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: hardlink to %s sets xattr %s, "
			       "which the file does not have with that value: containerd, Docker "
			       "and podman set it on the file, libarchive does not", w->lname, raw,
			       target, x);
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
	if (check_depth(w, tnorm, raw, "hardlink target of") < 0) {
		free(tnorm);
		return -1;
	}
	if (below_aufs_meta(tnorm)) {
		free(tnorm);
		return aufs_refused(w, raw, "a hardlink into");
	}
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
	if (check_link_attrs(w, ae, raw, target, t) < 0) {
		free(target);
		return -1;
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
	/* A hardlink that carries data was refused with its header
	 * (layer_reader.c); with none archive_write_disk leaves the inode's
	 * metadata alone. */
	archive_entry_copy_hardlink(ae, target);
	archive_entry_set_size(ae, 0);
	if (w->disk && (archive_write_header(w->disk, ae) < ARCHIVE_OK ||
			archive_write_finish_entry(w->disk) < ARCHIVE_OK)) {
		free(target);
		return write_error(w, w->disk, path);
	}
	if (add_implicit_parents(w, path, 0) < 0) {
		free(target);
		return -1;
	}
	t = pc_manifest_get(w->m, target);
	if (!t->hardlink_group)
		t->hardlink_group = pc_manifest_new_group(w->m);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	t = pc_manifest_get(w->m, target);
	pc_entry_copy_fields(e, t);
	e->layer = w->layer;
	e->digest_ticket = 0;
	struct pending_digest *pd = find_pending(w, t->digest_ticket);
	if (pd)
		claim_digest(w, e, pd);
	free(target);
	return 0;
}

/* Does AE give its own ACL of this kind (is_default 0: access), as records
 * or as a raw xattr, even one the kernel then stores as none (the
 * runtimes' setxattr of it removes an inherited one)?  Before
 * take_raw_acls. */
static int acl_given(struct archive_entry *ae, int is_default)
{
	if (archive_entry_acl_count(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
						   : ARCHIVE_ENTRY_ACL_TYPE_ACCESS) > 0)
		return 1;
	const char *want = is_default ? PC_ACL_DEFAULT_XATTR : PC_ACL_ACCESS_XATTR, *name;
	const void *value;
	size_t size;
	int given = 0;
	archive_entry_xattr_reset(ae);
	while (!given && archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK)
		given = !strcmp(name, want);
	return given;
}

/* Is the folder PATH, which this layer lists, one it creates (nothing was
 * there as a folder, or this layer made it)?  Else the entry is applied to
 * the folder the layers below left, which keeps what it inherited then. */
static int folder_created(struct walk *w, const char *path)
{
	if (pc_manifest_get(w->made, path))
		return 1;
	const struct pc_entry *e = pc_manifest_get(w->m, path);
	if (e)
		return e->type != PC_FT_DIR;
	if (!w->overlay || !unpack_lower_visible(w, path))
		return 1;
	e = pc_manifest_get(w->lower, path);
	return !e || e->type != PC_FT_DIR;
}

/* The kernel gives an entry created in a folder with a default ACL an
 * access ACL derived from it (a folder the default ACL too), and the
 * runtime's chmod then sets its user::, mask:: and other:: (E's model,
 * unpack_inherit_acls).  On disk libarchive may have masked the mode at
 * creation and skipped the chmod, and sets a folder's own ACLs only when
 * the layer ends (what is made below it in the same layer would not
 * inherit): PATH is made what E says now.  D: its folder's default ACL. */
static int settle_acls(struct walk *w, const char *path, const struct pc_entry *e,
		       const struct pc_xattr *d, int default_given)
{
	/* with no default ACL above, only a folder's own default ACL is not
	 * on disk yet; the rest libarchive writes and confirm_acls reads back */
	if (!w->disk || e->type == PC_FT_SYMLINK || (!d && !default_given))
		return 0;
	if (d && e->type != PC_FT_DIR && unpack_at_chmod(path, e->mode) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: chmod %s", w->lname, path);
	return unpack_sync_acls(w, path, e);
}

/* Hand the file just written to the fsync queue (fsync_while_writing).
 * A path too long for one open is left to the mode's pass, which reaches
 * every file through its folder's descriptor: the early fsync only starts
 * the I/O sooner, the pass is what makes the file durable. */
static int fsync_early(struct walk *w, const char *path)
{
	if (strlen(path) >= PATH_MAX)
		return 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: open %s to fsync it", w->lname,
				     path);
	return pc_fsync_queue_add(w->fsyncq, fd, path);
}

/* libarchive defers the times of a folder it creates to the layer's end,
 * after what the layer writes in it, but sets those of a folder that was
 * there (listed again by this layer) at once: what the layer then writes,
 * removes or whites out in it leaves the unpack's time.  The runtimes set
 * every listed folder's times when the layer ends (containerd's
 * applyNaive, containers/storage's UnpackLayer), so the folder keeps its
 * entry's mtime: set again by unpack_retime_folders. */
static void retime_later(struct walk *w, struct archive_entry *ae, const char *path)
{
	if (!archive_entry_mtime_is_set(ae))
		return;
	if (w->nretime == w->capretime) {
		w->capretime = w->capretime ? 2 * w->capretime : 16;
		w->retime = xrealloc(w->retime, w->capretime * sizeof(*w->retime));
	}
	struct retime *r = &w->retime[w->nretime++];
	r->path = xstrdup(path);
	r->mtime.tv_sec = archive_entry_mtime(ae);
	r->mtime.tv_nsec = archive_entry_mtime_nsec(ae);
}

static void forget_retimes(struct walk *w)
{
	for (size_t i = 0; i < w->nretime; i++)
		free(w->retime[i].path);
	w->nretime = 0;
}

/* Set PATH's mtime (atime left as it is), PATH relative to the current
 * folder and with no symlink above its last component (do_entry resolved
 * them), of any length (unpack_at). */
static int set_mtime(const char *path, const struct timespec *mtime)
{
	const struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, *mtime };
	return unpack_at_utimens(path, ts);
}

/* At the layer's end, after libarchive's own fixups: each folder the layer
 * listed again gets its entry's mtime back.  One the layer removed or
 * replaced after its entry is left alone. */
static int unpack_retime_folders(struct walk *w)
{
	int rc = 0;
	for (size_t i = 0; i < w->nretime && rc == 0; i++) {
		const struct retime *r = &w->retime[i];
		struct stat st;
		if (fstatat(AT_FDCWD, r->path, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
			continue;
		if (set_mtime(r->path, &r->mtime) == 0 || errno == ENOENT || errno == ENOTDIR)
			continue;
		rc = pc_fail_errno(PC_ERR_RUN, errno, "layer %s: setting the time of folder %s",
				   w->lname, r->path);
	}
	forget_retimes(w);
	return rc;
}

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
	int access_given = acl_given(ae, 0), default_given = acl_given(ae, 1);
	int created = type != PC_FT_DIR || folder_created(w, path);
	if (type == PC_FT_DIR && w->disk && (!created || pc_manifest_get(w->made, path)))
		retime_later(w, ae, path);
	if (check_owner(w, ae, raw) < 0 || take_raw_acls(w, ae, raw, type) < 0 ||
	    check_acls(w, ae, raw) < 0 || check_xattrs(w, ae, raw, type) < 0 ||
	    (w->overlay && unpack_overlay_storable(w, ae, raw, type) < 0))
		return -1;
	/* a folder where this layer put a whiteout: the layers below stay hidden */
	if (type == PC_FT_DIR && unpack_is_whiteout(w, path))
		unpack_mark_opaque(w, path);
	if (make_room(w, path, type == PC_FT_DIR) < 0)
		return -1;
	if (type != PC_FT_REG)
		archive_entry_set_size(ae, 0);
	if (w->disk && type == PC_FT_DIR && unpack_drop_stale_xattrs(w, ae, path) < 0)
		return -1;
	if (w->disk && archive_write_header(w->disk, ae) < ARCHIVE_OK)
		return type == PC_FT_CHR || type == PC_FT_BLK ? device_write_error(w, ae, path)
							      : write_error(w, w->disk, path);
	struct pending_digest *pd = NULL;
	uint64_t size = type == PC_FT_REG ? (uint64_t)archive_entry_size(ae) : 0;
	if (type == PC_FT_REG) {
		if (copy_data(w, ar, path, size, &pd) < 0)
			return -1;
		w->st.bytes += size;
	}
	if (w->disk && archive_write_finish_entry(w->disk) < ARCHIVE_OK)
		return write_error(w, w->disk, path);

	if (add_implicit_parents(w, path, 0) < 0)
		return -1;
	const struct pc_xattr *d = unpack_folder_default_acl(w, path);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	e->type = type;
	/* Linux symlinks always have mode 0777, whatever the archive says. */
	e->mode = type == PC_FT_SYMLINK ? 0777 : archive_entry_mode(ae) & 07777;
	e->uid = (uint32_t)archive_entry_uid(ae);
	e->gid = (uint32_t)archive_entry_gid(ae);
	e->layer = w->layer;
	if (type == PC_FT_REG) {
		e->size = size;
		if (pd)
			claim_digest(w, e, pd);
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
	if (type == PC_FT_DIR && created)
		pc_manifest_put(w->made, path);
	unpack_inherit_acls(e, created ? d : NULL, access_given, default_given);
	w->acls_written |= archive_entry_acl_count(ae, ARCHIVE_ENTRY_ACL_TYPE_POSIX1E) > 0;
	if (settle_acls(w, path, e, d, default_given) < 0)
		return -1;
	if (w->disk && w->fsyncq && type == PC_FT_REG && fsync_early(w, path) < 0)
		return -1;
	return 0;
}

/* Names no Linux filesystem can hold: a component over NAME_MAX bytes, a
 * symlink target of PATH_MAX bytes or more.  Refused by the scan too, so a
 * run stops before its first case instead of failing half-way through an
 * unpack. */
static int check_name_lengths(struct walk *w, struct archive_entry *ae, const char *raw,
			      const char *path)
{
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n > NAME_MAX)
			return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: a name of %zu bytes "
				       "(filesystems hold at most %d)", w->lname, raw, n, NAME_MAX);
		c += n;
		c += *c == '/';
	}
	const char *link = archive_entry_hardlink(ae) ? NULL : archive_entry_symlink(ae);
	if (archive_entry_filetype(ae) == AE_IFLNK && link && strlen(link) >= PATH_MAX)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: a symlink target of %zu bytes "
			       "(symlink(2) takes at most %d)", w->lname, raw, strlen(link),
			       PATH_MAX - 1);
	return 0;
}

/* Old Docker exports from its aufs driver can hold aufs's own metadata at
 * the top of a layer: .wh..wh.aufs, .wh..wh.orph/ and .wh..wh.plnk/ (where
 * aufs keeps hardlinked files).  The markers alone make nothing anywhere
 * (containerd takes each for a whiteout of a name no layer can hold,
 * Docker and podman skip them), but what they hold the runtimes read two
 * ways: containerd writes it as a folder of files (and hardlinks to them),
 * Docker and podman skip it and make a hardlink into .wh..wh.plnk/ a copy
 * of the file it names.  Is NORM (normalised) something below such a
 * folder? */
static int below_aufs_meta(const char *norm)
{
	return !strncmp(norm, WHITEOUT_PREFIX WHITEOUT_PREFIX, 8) && strchr(norm, '/');
}

static int aufs_refused(struct walk *w, const char *raw, const char *what)
{
	return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: %s aufs metadata (an old Docker aufs "
		       "export: .wh..wh.plnk/, .wh..wh.orph/): containerd writes it as files, "
		       "Docker and podman skip it and copy hardlinked files out of it; "
		       "powercut cannot say which tree the image means", w->lname, raw, what);
}

/* A time before 1970 or past what 64-bit nanoseconds hold (2262): the
 * runtimes set it as 1970-01-01 00:00:00 UTC (containerd's boundTime in
 * archive/time.go, containers/storage's and Docker's system.Chtimes), where
 * libarchive would set it as it is. */
static int time_out_of_bounds(time_t sec)
{
	return sec < 0 || (int64_t)sec > INT64_MAX / 1000000000;
}

static void bound_times(struct archive_entry *ae)
{
	if (archive_entry_mtime_is_set(ae) && time_out_of_bounds(archive_entry_mtime(ae)))
		archive_entry_set_mtime(ae, 0, 0);
	if (archive_entry_atime_is_set(ae) && time_out_of_bounds(archive_entry_atime(ae)))
		archive_entry_set_atime(ae, 0, 0);
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
	if (check_depth(w, norm, raw, "entry") < 0) {
		free(norm);
		return -1;
	}
	if (below_aufs_meta(norm)) {
		free(norm);
		return aufs_refused(w, raw, "below");
	}
	char *path = NULL;
	int rc = resolve_parents(w, norm, raw, "entry", &path);
	free(norm);
	if (rc < 0)
		return -1;
	if (!strcmp(path, ".") && (archive_entry_hardlink(ae) || archive_entry_filetype(ae) != AE_IFDIR)) {
		rc = pc_fail(PC_ERR_INPUT, "layer %s: entry %s: the root must be a directory",
			     w->lname, raw);
		free(path);
		return rc;
	}
	char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (!dir)
		abort();
	/* A marker's folder is made if no layer has it, in the first layer
	 * too: containerd's mkparent (Docker's and podman's implied
	 * directories) comes before the marker is looked at. */
	int marker = !strncmp(base, WHITEOUT_PREFIX, 4);
	if (marker && (w->overlay ? w->disk && unpack_ensure_parents(w, path, 0) < 0
				  : add_implicit_parents(w, path, 1) < 0))
		rc = -1;
	else if (strcmp(base, OPAQUE_MARKER) == 0)
		rc = w->overlay ? unpack_overlay_opaque(w, dir) : unpack_apply_opaque(w, dir);
	else if (strncmp(base, WHITEOUT_PREFIX ".wh.", 8) == 0)
		rc = 0; /* aufs metadata (.wh..wh.plnk, ...): no tree holds it (below_aufs_meta) */
	else if (strncmp(base, WHITEOUT_PREFIX, 4) == 0)
		rc = w->overlay ? (check_owner(w, ae, raw) < 0
					   ? -1
					   : unpack_overlay_whiteout(w, ae, dir, base + 4, raw))
				: unpack_apply_whiteout(w, dir, base + 4, raw);
	else {
		/* Write the resolved path: no symlink left above the last
		 * component for archive_write_disk to follow. */
		archive_entry_copy_pathname(ae, path);
		bound_times(ae);
		if (check_name_lengths(w, ae, raw, path) < 0)
			rc = -1;
		else if (w->overlay && w->disk && unpack_ensure_parents(w, path, 0) < 0)
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
		int r = pc_layer_reader_next(ar, &ae, w->lname);
		if (r <= 0)
			return r;
		w->tally.entries++;
		if (archive_entry_filetype(ae) == AE_IFREG && !archive_entry_hardlink(ae))
			w->tally.file_bytes += (uint64_t)archive_entry_size(ae);
		if (do_entry(w, ar, ae) < 0)
			return -1;
	}
}

/* No FFLAGS (immutable bits would make the tree unremovable) and no
 * SECURE_SYMLINKS (it refuses layers writing through a lower layer's
 * `lib -> usr/lib`; we resolve symlinks ourselves).  UNLINK only when
 * something is in the way (make_room). */
static int disk_options(int unlink_first)
{
	return ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
	       ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | (unlink_first ? ARCHIVE_EXTRACT_UNLINK : 0);
}

static struct archive *new_disk_writer(void)
{
	struct archive *a = archive_write_disk_new();
	if (!a)
		return NULL;
	/* No user/group lookup functions: ids are numeric. */
	archive_write_disk_set_options(a, disk_options(1));
	return a;
}

/* libarchive reports success when the filesystem refuses ACLs (btrfs
 * mounted noacl answers EOPNOTSUPP), and the manifest would then promise
 * ACLs that were never written: a loss no cut caused.  So every ACL the
 * manifest expects of an entry this layer wrote must be on disk, read back
 * once the layer is closed (libarchive sets a folder's ACLs only then). */
static int confirm_acls(struct walk *w)
{
	if (!w->acls_written)
		return 0;
	size_t n;
	struct pc_entry *const *entries = pc_manifest_sorted(w->m, &n);
	for (size_t i = 0; i < n; i++) {
		const struct pc_entry *e = entries[i];
		for (size_t k = 0; e->layer == w->layer && k < e->nxattrs; k++) {
			const char *name = e->xattrs[k].name;
			if (strcmp(name, PC_ACL_ACCESS_XATTR) && strcmp(name, PC_ACL_DEFAULT_XATTR))
				continue;
			ssize_t got = unpack_at_getxattr(e->path, name, NULL, 0);
			if (got > 0)
				continue;
			int err = got < 0 ? errno : ENODATA;
			if (err == ENODATA || err == EOPNOTSUPP)
				return pc_fail_errno(PC_ERR_ENV, err, "layer %s: entry %s: POSIX ACL "
						     "%s not stored by the filesystem (mounted "
						     "noacl?)", w->lname, e->path, name);
			return pc_fail_errno(PC_ERR_RUN, err, "layer %s: entry %s: reading back %s",
					     w->lname, e->path, name);
		}
	}
	return 0;
}

/* Walk one layer (number INDEX, file LNAME); writing when WRITE. */
int unpack_walk_one(struct walk *w, struct archive *ar, const char *lname, unsigned index,
		    int write)
{
	w->lname = lname;
	w->layer = index;
	unpack_forget_dirs(w); /* the overlay form writes each layer in its own folder */
	w->acls_written = 0;
	memset(&w->tally, 0, sizeof(w->tally));
	pc_manifest_free(w->made);
	w->made = pc_manifest_new();
	if (write) {
		w->disk = new_disk_writer();
		if (!w->disk)
			return pc_fail(PC_ERR_RUN, "cannot allocate a disk writer");
	}
	int rc = w->overlay && write ? unpack_overlay_root(w) : 0;
	if (rc == 0)
		rc = walk_layer(w, ar);
	unpack_settle_digests(w);
	if (w->disk) {
		/* Directory modes and times are set here. */
		if (archive_write_close(w->disk) != ARCHIVE_OK && rc == 0)
			rc = write_error(w, w->disk, "directory metadata");
		archive_write_free(w->disk);
		w->disk = NULL;
		if (rc == 0)
			rc = confirm_acls(w);
		if (rc == 0)
			rc = unpack_retime_folders(w);
	}
	forget_retimes(w);
	if (rc == 0 && w->overlay && write)
		rc = unpack_finish_opaque(w);
	if (rc == 0 && w->layer_done) {
		w->tally.tar_bytes = (uint64_t)archive_filter_bytes(ar, 0);
		w->tally.compression = pc_layer_reader_compression(ar);
		w->layer_done(index, &w->tally, w->layer_arg);
	}
	return rc;
}

/* Walk every layer in order; writing when WRITE. */
int unpack_walk_layers(struct walk *w, struct archive **ars, const char *const *layers, size_t n,
		       int write)
{
	for (size_t i = 0; i < n; i++)
		if (unpack_walk_one(w, ars[i], layers[i], (unsigned)i, write) < 0)
			return -1;
	w->st.entries = pc_manifest_count(w->m);
	return 0;
}

int unpack_walk_init(struct walk *w, unsigned hash)
{
	memset(w, 0, sizeof(*w));
	w->no_digests = !hash;
	w->hash = hash;
	if (hash && !(w->hasher = pc_hasher_new(hash)))
		return -1;
	w->ticket_base = 1; /* 0: no digest waited for */
	w->m = pc_manifest_new();
	w->dirs = pc_manifest_new();
	w->made = pc_manifest_new();
	w->fresh = pc_manifest_new();
	return 0;
}

void unpack_walk_done(struct walk *w)
{
	unpack_settle_digests(w); /* the thread must be done with the digests */
	pc_hasher_free(w->hasher);
	free(w->pending);
	free(w->claims);
	pc_manifest_free(w->m);
	pc_manifest_free(w->dirs);
	pc_manifest_free(w->made);
	pc_manifest_free(w->fresh);
	free(w->probe);
	forget_retimes(w);
	free(w->retime);
	for (size_t i = 0; i < w->nopaque; i++)
		free(w->opaque[i]);
	free(w->opaque);
}

/* ---- scan ----------------------------------------------------------------- */

unsigned long pc_image_scans;

int pc_image_scan(const char *const *layers, size_t n, struct pc_manifest **out,
		  uint64_t *total_bytes)
{
	return pc_image_scan_digests(layers, n, PC_HASH_SHA256, out, total_bytes);
}

int pc_image_scan_digests(const char *const *layers, size_t n, unsigned digests,
			  struct pc_manifest **out, uint64_t *total_bytes)
{
	return pc_image_scan_layers(layers, n, digests, NULL, NULL, out, total_bytes);
}

int pc_image_scan_layers(const char *const *layers, size_t n, unsigned digests,
			 pc_scan_layer_fn fn, void *arg, struct pc_manifest **out,
			 uint64_t *total_bytes)
{
	pc_image_scans++;
	struct archive **ars = xcalloc(n, sizeof(*ars));
	struct walk w;
	if (unpack_open_layers(layers, n, ars) < 0) {
		free(ars);
		return -1;
	}
	int rc = unpack_walk_init(&w, digests);
	w.layer_done = fn;
	w.layer_arg = arg;
	if (rc == 0)
		rc = unpack_walk_layers(&w, ars, layers, n, 0);
	unpack_close_layers(ars, n);
	free(ars);
	if (rc == 0) {
		*out = w.m;
		w.m = NULL;
		if (total_bytes)
			*total_bytes = w.st.bytes;
	}
	unpack_walk_done(&w);
	return rc;
}
