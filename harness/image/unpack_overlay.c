/* unpack_overlay.c - whiteouts and opaque folders, in the three forms the
 * unpack knows them:
 *
 *   flat form     the walk applies them (`.wh.NAME` removes what a lower
 *                 layer wrote, `.wh..wh..opq` empties a folder of it);
 *   overlay form  the walk converts them for overlayfs, as containerd's
 *                 snapshotter stores a layer (below);
 *   merged view   pc_overlay_merge reads the converted form back into the
 *                 manifest overlayfs shows.
 */
#include "image/acl.h"
#include "image/unpack_int.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static int is_whiteout_dev(const struct pc_entry *e);

/* ---- flat form ------------------------------------------------------------ */

static int clear_lower_below(struct walk *w, const char *dir);

/* `.wh.NAME` in DIR: NAME goes if a lower layer wrote it.  A whiteout only
 * hides what the layers below wrote (OCI image spec): entries this layer
 * already put below NAME stay, with the folders that hold them, whatever
 * the order of the entries in the tar; a folder NAME this layer listed
 * stays too, but not what the layers below have in it. */
int unpack_apply_whiteout(struct walk *w, const char *dir, const char *name, const char *entry)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: bad whiteout", w->lname, entry);
	char *victim = strcmp(dir, ".") ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	struct pc_entry *e = pc_manifest_get(w->m, victim);
	int rc = 0;
	if (e && e->layer < w->layer) {
		if (e->type == PC_FT_DIR && pc_manifest_has_below_from_layer(w->m, victim, w->layer))
			rc = clear_lower_below(w, victim);
		else
			rc = unpack_remove_tree(w, victim);
	} else if (e && e->type == PC_FT_DIR) {
		/* This layer listed the folder (it stays) over the layers' below:
		 * what they have below it goes, as in the overlay form, where
		 * the folder is made opaque. */
		rc = clear_lower_below(w, victim);
	}
	free(victim);
	w->st.whiteouts++;
	return rc;
}

/* True if DIR is a directory on disk with nothing in it.  Then removing
 * anything below it on disk would only meet ENOENT: unpack_apply_opaque
 * skips its walk over the whole manifest in path order, which costs a sort
 * of every entry per marker (overlay-built layers carry one for each
 * folder a package created: 119 in the Debian image's toolchain layer,
 * about a tenth of its unpack's CPU time). */
static int dir_is_empty(const char *dir)
{
	DIR *d = unpack_at_opendir(dir);
	if (!d)
		return 0;
	int empty = 1;
	struct dirent *de;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* `.wh..wh..opq` in DIR: everything below DIR from lower layers goes; entries
 * of this layer stay, and so do the directories that hold them (whatever
 * the order of the entries in the tar). */
int unpack_apply_opaque(struct walk *w, const char *dir)
{
	w->st.whiteouts++;
	return clear_lower_below(w, dir);
}

/* Everything below DIR from lower layers goes, on disk and in the manifest;
 * entries of this layer stay, and so do the directories that hold them. */
static int clear_lower_below(struct walk *w, const char *dir)
{
	/* Writing, the manifest holds only what is on disk: an empty folder
	 * has nothing below it in the manifest either. */
	if (w->disk && dir_is_empty(dir))
		return 0;
	if (w->disk) {
		unpack_forget_dirs(w);
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
				if (unpack_at_unlink(e->path, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY &&
				    errno != EEXIST)
					return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s",
							     w->lname, e->path);
			} else if (unpack_at_unlink(e->path, 0) < 0 && errno != ENOENT) {
				return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing %s",
						     w->lname, e->path);
			}
		}
	}
	pc_manifest_remove_children_below_layer(w->m, dir, w->layer);
	return 0;
}

/* ---- overlay form ----------------------------------------------------------
 *
 * How containerd's overlayfs snapshotter stores a layer: the layer alone in
 * its own folder, whiteouts not applied but converted for overlayfs:
 * `.wh.NAME` becomes a 0:0 character device NAME, and `.wh..wh..opq` the
 * xattr trusted.overlay.opaque=y on its folder.
 */

/* Overlay form: does the merged view of the layers below show through at
 * PATH?  Not when this layer has a non-directory (a file, a whiteout) above
 * it, or marks a folder above it opaque. */
int unpack_lower_visible(struct walk *w, const char *path)
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

/* The folder PATH of this layer, which the tar does not list (yet): given
 * the mode, owner and xattrs of the same folder in the layers below when
 * they show one, as containerd copies them up; otherwise the merged view
 * would show our default in place of the lower folder.  On disk it may have
 * inherited ACLs from a default ACL of the folder it was made in (copied up
 * the same way): it gets the lower folder's, no more, as the flat layout
 * has it.  When the layers below show none, it is made as the flat form
 * makes a folder no entry lists (unpack_implicit_dir). */
static int take_lower_folder(struct walk *w, const char *path)
{
	const struct pc_entry *low =
		unpack_lower_visible(w, path) ? pc_manifest_get(w->lower, path) : NULL;
	if (!low || low->type != PC_FT_DIR)
		return unpack_implicit_dir(w, path);
	/* chown before chmod: chown clears the set-id bits. */
	if (unpack_at_chown(path, low->uid, low->gid) < 0 || unpack_at_chmod(path, low->mode) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: setting the owner and mode of %s",
				     w->lname, path);
	struct pc_entry *e = pc_manifest_put(w->m, path);
	e->type = PC_FT_DIR;
	e->mode = low->mode;
	e->uid = low->uid;
	e->gid = low->gid;
	e->layer = w->layer;
	for (size_t i = 0; i < low->nxattrs; i++) {
		const struct pc_xattr *x = &low->xattrs[i];
		if (!strcmp(x->name, OPAQUE_XATTR))
			continue;
		if (unpack_at_setxattr(path, x->name, x->value, x->size) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: copying xattr %s to %s",
					     w->lname, x->name, path);
		unpack_xattr_set(e, x->name, x->value, x->size);
	}
	return strcmp(path, ".") && unpack_folder_default_acl(w, path)
		       ? unpack_sync_acls(w, path, e)
		       : 0;
}

/* A folder of this layer at PATH that the tar does not list (yet). */
static int make_parent_dir(struct walk *w, const char *path)
{
	if (unpack_at_mkdir(path, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: mkdir %s", w->lname, path);
	return take_lower_folder(w, path);
}

/* The layer folder's root is the merged view's root (overlayfs shows the
 * top layer's): when a layer below listed it ("./"), it is a folder this
 * layer holds without listing, like any parent.  An entry "./" of this
 * layer, if any, comes later and overrides it. */
int unpack_overlay_root(struct walk *w)
{
	const struct pc_entry *low = w->lower ? pc_manifest_get(w->lower, ".") : NULL;
	if (!low || low->type != PC_FT_DIR)
		return 0;
	return take_lower_folder(w, ".");
}

/* Make the missing folders above PATH (and PATH itself when SELF). */
/* The whiteout device this layer made at PATH becomes a folder, as the
 * flat form makes it again (0755, root's) after removing what was below:
 * opaque, so the layers below stay hidden. */
static int replace_whiteout(struct walk *w, const char *path)
{
	if (unpack_at_unlink(path, 0) < 0 || unpack_at_mkdir(path, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: whiteout %s made a folder again",
				     w->lname, path);
	if (unpack_implicit_dir(w, path) < 0)
		return -1;
	unpack_mark_opaque(w, path);
	return 0;
}

int unpack_ensure_parents(struct walk *w, const char *path, int self)
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
		if (unpack_is_whiteout(w, p))
			rc = replace_whiteout(w, p);
		else if (!pc_manifest_get(w->m, p) && unpack_at_lstat(p, &st) < 0)
			rc = make_parent_dir(w, p);
		p[i] = c;
	}
	free(p);
	return rc;
}

/* What overlayfs would take for its own in a layer folder: a 0:0
 * character device is a whiteout to it, and trusted.overlay.* xattrs
 * (opaque, redirect, metacopy, ...) are its metadata, never shown in the
 * merged view.  An image holding either cannot be stored in this form and
 * still show itself through overlayfs (containerd stores it anyway, and the
 * container sees something else): refused, not turned into a loss. */
int unpack_overlay_storable(struct walk *w, struct archive_entry *ae, const char *raw,
			    enum pc_ftype type)
{
	if (type == PC_FT_CHR && archive_entry_rdevmajor(ae) == 0 &&
	    archive_entry_rdevminor(ae) == 0)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: a 0:0 character device, which "
			       "overlayfs takes for a whiteout: layout = snapshots cannot store it "
			       "(layout = flat can)", w->lname, raw);
	const char *name;
	const void *value;
	size_t size;
	archive_entry_xattr_reset(ae);
	while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK)
		if (!strncmp(name, "trusted.overlay.", 16))
			return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: xattr %s is overlayfs's own "
				       "metadata, which the merged view never shows: layout = "
				       "snapshots cannot store it (layout = flat can)", w->lname, raw,
				       name);
	return 0;
}

/* `.wh.NAME` in DIR: a 0:0 character device NAME, owned as the whiteout
 * entry is (as containerd's OverlayConvertWhiteout does).  An entry of
 * this layer at NAME stays, as in the flat form. */
int unpack_overlay_whiteout(struct walk *w, struct archive_entry *ae, const char *dir,
			    const char *name, const char *entry)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: bad whiteout", w->lname, entry);
	w->st.whiteouts++;
	/* The first layer has nothing below it to hide: containerd unpacks it
	 * through a bind mount, where whiteouts make no device. */
	if (!w->lower)
		return 0;
	char *victim = strcmp(dir, ".") ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	int rc = 0;
	const struct pc_entry *own = pc_manifest_get(w->m, victim);
	if (own) {
		/* This layer wrote it: it stays (the whiteout hides only the
		 * layers below), and a folder hides what they have below it. */
		if (own->type == PC_FT_DIR && w->lower && pc_manifest_get(w->lower, victim))
			unpack_mark_opaque(w, victim);
		goto out;
	}
	if (unpack_ensure_parents(w, victim, 0) < 0) {
		rc = -1;
		goto out;
	}
	uint32_t uid = (uint32_t)archive_entry_uid(ae), gid = (uint32_t)archive_entry_gid(ae);
	if (unpack_at_mknod(victim, S_IFCHR, makedev(0, 0)) < 0 ||
	    unpack_at_chown(victim, uid, gid) < 0) {
		rc = pc_fail_errno(PC_ERR_RUN, errno, "layer %s: whiteout device %s", w->lname,
				   victim);
		goto out;
	}
	/* mknod with mode 0 and no chmod after it (OverlayConvertWhiteout): an
	 * ACL it inherits keeps no permission in user::, mask:: and other:: */
	const struct pc_xattr *d = unpack_folder_default_acl(w, victim);
	struct pc_entry *e = pc_manifest_put(w->m, victim);
	e->type = PC_FT_CHR;
	e->mode = 0;
	e->uid = uid;
	e->gid = gid;
	e->layer = w->layer;
	unpack_inherit_acls(e, d, 0, 0);
	if (d && unpack_sync_acls(w, victim, e) < 0)
		rc = -1;
out:
	free(victim);
	return rc;
}

/* `.wh..wh..opq` in DIR: noted; the xattr is set once the layer is written
 * (unpack_finish_opaque), whatever the order of DIR's own entry in the tar. */
int unpack_overlay_opaque(struct walk *w, const char *dir)
{
	w->st.whiteouts++;
	if (!w->lower)
		return 0; /* nothing below to hide, as unpack_overlay_whiteout */
	/* overlayfs never reads the opaque xattr of a layer's root folder
	 * (containerd sets it anyway, and the container sees the lower
	 * layers): the merged view could not show this layer. */
	if (!strcmp(dir, "."))
		return pc_fail(PC_ERR_INPUT, "layer %s: entry %s: an opaque marker on the root "
			       "folder, which overlayfs ignores (the layers below would show "
			       "through): layout = snapshots cannot store it (layout = flat can)",
			       w->lname, OPAQUE_MARKER);
	if (strcmp(dir, ".") && unpack_ensure_parents(w, dir, 1) < 0)
		return -1;
	unpack_mark_opaque(w, dir);
	return 0;
}

void unpack_mark_opaque(struct walk *w, const char *dir)
{
	for (size_t i = 0; i < w->nopaque; i++)
		if (!strcmp(w->opaque[i], dir))
			return;
	w->opaque = xrealloc(w->opaque, (w->nopaque + 1) * sizeof(*w->opaque));
	w->opaque[w->nopaque++] = xstrdup(dir);
}

int unpack_is_whiteout(const struct walk *w, const char *path)
{
	const struct pc_entry *e = w->overlay ? pc_manifest_get(w->m, path) : NULL;
	return e && is_whiteout_dev(e);
}

int unpack_finish_opaque(struct walk *w)
{
	for (size_t i = 0; i < w->nopaque; i++) {
		const char *d = w->opaque[i];
		struct pc_entry *e = pc_manifest_get(w->m, d);
		if (!e || e->type != PC_FT_DIR)
			continue; /* replaced later in the layer by a non-folder */
		if (unpack_at_setxattr(d, OPAQUE_XATTR, "y", 1) < 0)
			return pc_fail_errno(errno == ENOTSUP ? PC_ERR_ENV : PC_ERR_RUN, errno,
					     "layer %s: setting %s on %s", w->lname, OPAQUE_XATTR, d);
		unpack_xattr_set(e, OPAQUE_XATTR, "y", 1);
	}
	return 0;
}

/* A folder this layer already made (e.g. a parent made before the folder's
 * own entry) keeps xattrs archive_write_disk does not clear: drop those the
 * entry does not carry, so that the disk matches the manifest. */
int unpack_drop_stale_xattrs(struct walk *w, struct archive_entry *ae, const char *path)
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
		if (!carried && unpack_at_removexattr(path, old->xattrs[i].name) < 0 &&
		    errno != ENODATA)
			return pc_fail_errno(PC_ERR_RUN, errno, "layer %s: removing xattr %s of %s",
					     w->lname, old->xattrs[i].name, path);
	}
	return 0;
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
