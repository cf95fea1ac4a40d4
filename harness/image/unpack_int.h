/* unpack_int.h - what the unpack modules share (not for the rest of the
 * harness: use unpack.h).
 *
 *   unpack.c          the unpacking process: the parent forks, waits and
 *                     takes the child's report and manifest; the child
 *                     isolates itself, chroots into the target and walks
 *   unpack_walk.c     the walk over the layers' entries, shared by the
 *                     unpack (writing with archive_write_disk) and
 *                     pc_image_scan (no writing): path checks and symlink
 *                     resolution, entries, file data and its digest
 *   unpack_at.c       the calls on an entry by its path, for paths longer
 *                     than PATH_MAX too
 *   unpack_overlay.c  whiteouts and opaque folders: applied (flat form),
 *                     converted for overlayfs (overlay form), and read back
 *                     into the merged view (pc_overlay_merge)
 */
#ifndef PC_UNPACK_INT_H
#define PC_UNPACK_INT_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "image/unpack.h"
#include "util/digest.h"
#include "util/hasher.h"

struct pc_fsync_queue;

struct archive;
struct archive_entry;

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER ".wh..wh..opq"
#define OPAQUE_XATTR "trusted.overlay.opaque"
#define PROGRESS_STEP (4u << 20)

/* A folder's modification time, to be set when its layer ends. */
struct retime {
	char *path;
	struct timespec mtime;
};

struct walk {
	struct pc_manifest *m;
	struct archive *disk; /* NULL: scan only */
	const char *lname;    /* layer file, for messages */
	unsigned layer;
	struct pc_unpack_stats st;
	/* Files are hashed on a thread of their own: a file's entry gets a
	 * ticket, and its digest when the walk settles (unpack_settle_digests:
	 * at the end of each layer, before a hardlink copies a digest). */
	struct pc_hasher *hasher;
	/* The digests come from elsewhere (pc_unpack_layers_known): files are
	 * written, not hashed, and their entries carry no digest. */
	int no_digests;
	unsigned hash; /* the digests computed: PC_HASH_* (util/hasher.h) */
	struct pending_digest **pending; /* pending[t - ticket_base]: ticket t */
	size_t npending, cappending;
	uint64_t ticket_base;
	struct digest_claim *claims;     /* which entries wait for which digest */
	size_t nclaims, capclaims;
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
	/* Paths lstat found to be directories (not symlinks) on disk, so that
	 * resolving the parents of the next entry in the same folder costs no
	 * system call.  Emptied whenever the walk removes anything on disk
	 * (unpack_forget_dirs) and at each layer. */
	struct pc_manifest *dirs;
	/* Folders the unpack created where nothing was (make_room found the
	 * path empty before libarchive made the folder), over every layer of
	 * the flat form: on disk such a folder holds only what the walk wrote
	 * in it, so a name the manifest does not hold is not there, and
	 * make_room need not lstat it (unpack_known_absent).  Never emptied:
	 * the walk removes from disk and manifest together, and whatever is
	 * made at that path later is made empty again.  Used only once
	 * lookups are known not to fold names (NOFOLD 1; 0 not known yet, -1
	 * they may: unpack_probe_folding). */
	struct pc_manifest *fresh;
	int nofold;
	char *probe; /* a fresh folder at the root, to ask (unpack_probe_folding) */
	/* Folders this layer made (listed or not), for what a later entry of
	 * the layer at the same path inherits (unpack_entry_inherits). */
	struct pc_manifest *made;
	int acls_written; /* an entry of this layer has ACLs (read back at its end) */
	/* Folders this layer lists that were there before their entry: their
	 * times are set again when the layer ends (unpack_retime_folders). */
	struct retime *retime;
	size_t nretime, capretime;
	struct pc_fsync_queue *fsyncq; /* regular files go here once written, or NULL */
	/* This layer's figures, told to LAYER_DONE (if set) when its walk has
	 * ended without error (pc_image_scan_layers). */
	struct pc_layer_tally tally;
	pc_scan_layer_fn layer_done;
	void *layer_arg;
};

/* ---- unpack_walk.c ---------------------------------------------------------- */

/* Open every layer (ars[i] for layers[i]); on failure none stays open. */
int unpack_open_layers(const char *const *layers, size_t n, struct archive **ars);
void unpack_close_layers(struct archive **ars, size_t n);

/* HASH: the file digests to compute (PC_HASH_* of util/hasher.h; 0: none,
 * w->no_digests, no hashing thread). */
int unpack_walk_init(struct walk *w, unsigned hash);
void unpack_walk_done(struct walk *w);
/* Walk one layer (number INDEX, file LNAME); writing when WRITE. */
int unpack_walk_one(struct walk *w, struct archive *ar, const char *lname, unsigned index,
		    int write);
/* Walk every layer in order; writing when WRITE. */
int unpack_walk_layers(struct walk *w, struct archive **ars, const char *const *layers, size_t n,
		       int write);

/* Put every digest computed so far into the entries still waiting for it. */
void unpack_settle_digests(struct walk *w);
/* Something on disk was removed or replaced: no folder seen is known any more. */
void unpack_forget_dirs(struct walk *w);
/* rm -rf PATH on disk (no symlink following) and in the manifest. */
int unpack_remove_tree(struct walk *w, const char *path);
/* What a folder, a file or a device a layer creates gets from the folder
 * it is made in, as the runtime's mkdir, open or mknod gets it from the
 * kernel and its chmod then leaves it (containerd, whose unpack powercut
 * follows: docs/images-and-verify.md, "Folders and files a layer creates").
 * The default ACL of PATH's folder in the walk's tree, or NULL. */
const struct pc_xattr *unpack_folder_default_acl(const struct walk *w, const char *path);
/* E (its type and final mode set) made in a folder with default ACL D
 * (NULL: none): the access ACL the kernel derives from D, and a folder D as
 * its default, each unless the entry gives its own (ACCESS_GIVEN,
 * DEFAULT_GIVEN).  Into E's xattrs. */
void unpack_inherit_acls(struct pc_entry *e, const struct pc_xattr *d, int access_given,
			 int default_given);
/* PATH's ACL xattrs on disk made what E says (a folder's default ACL too). */
int unpack_sync_acls(struct walk *w, const char *path, const struct pc_entry *e);
/* PATH, a folder the layer makes without listing it (already on disk when
 * writing): 0755 root's, as containerd's mkdir and chmod leave it, with the
 * group of a set-group-ID folder it is made in (the bit itself cleared by
 * the chmod) and the ACLs a default ACL there gives it. */
int unpack_implicit_dir(struct walk *w, const char *path);

/* qsort order of an entry's xattrs, and setting one (kept in that order). */
int unpack_cmp_xattr(const void *a, const void *b);
void unpack_xattr_set(struct pc_entry *e, const char *name, const void *value, size_t size);

/* ---- unpack_at.c ------------------------------------------------------------ */

/* PATH (relative to the working folder, normalised, its folders resolved
 * by the walk: no symlink among them) as a folder descriptor and a NAME
 * below it for the *at calls: AT_FDCWD and PATH itself when PATH fits one
 * lookup (shorter than PATH_MAX), else PATH's folder opened in pieces
 * shorter than PATH_MAX (O_NOFOLLOW), each below the one before, and
 * PATH's last component.  -1 with errno.  unpack_at_done closes it. */
int unpack_at(const char *path, const char **name);
void unpack_at_done(int dfd);
/* lchown, chmod, mkdir, lsetxattr, lremovexattr and lgetxattr of PATH, whatever its
 * length (through unpack_at): 0, or -1 with errno. */
int unpack_at_chown(const char *path, uid_t uid, gid_t gid);
int unpack_at_chmod(const char *path, mode_t mode);
int unpack_at_mkdir(const char *path, mode_t mode);
int unpack_at_mknod(const char *path, mode_t mode, dev_t dev);
int unpack_at_utimens(const char *path, const struct timespec ts[2]);
int unpack_at_setxattr(const char *path, const char *key, const void *value, size_t size);
int unpack_at_removexattr(const char *path, const char *key);
ssize_t unpack_at_getxattr(const char *path, const char *key, void *value, size_t size);
/* lstat, readlink (as readlink(2): no NUL added) and unlinkat (FLAGS:
 * 0 or AT_REMOVEDIR) of PATH, and
 * opendir of the folder PATH, whatever its length; rm -rf PATH (no symlink
 * followed, no mount entered, any depth below it), stopping at the first
 * failure: 0, or -1 (NULL) with errno. */
int unpack_at_lstat(const char *path, struct stat *st);
ssize_t unpack_at_readlink(const char *path, char *buf, size_t size);
int unpack_at_unlink(const char *path, int flags);
DIR *unpack_at_opendir(const char *path);
int unpack_at_rmtree(const char *path);

/* ---- unpack_overlay.c ------------------------------------------------------- */

/* Flat form: `.wh.NAME` in DIR and `.wh..wh..opq` in DIR applied. */
int unpack_apply_whiteout(struct walk *w, const char *dir, const char *name, const char *entry);
int unpack_apply_opaque(struct walk *w, const char *dir);

/* Overlay form: does the merged view of the layers below show through at
 * PATH? */
int unpack_lower_visible(struct walk *w, const char *path);
/* Make the missing folders above PATH (and PATH itself when SELF). */
int unpack_ensure_parents(struct walk *w, const char *path, int self);
int unpack_overlay_whiteout(struct walk *w, struct archive_entry *ae, const char *dir,
			    const char *name, const char *entry);
int unpack_overlay_opaque(struct walk *w, const char *dir);
/* Before the layer's entries: its folder's root as the layers below show
 * it, when one of them listed the root. */
int unpack_overlay_root(struct walk *w);
/* -1 (input error) if the entry is something overlayfs would take for its
 * own metadata in a layer folder (a 0:0 character device, an xattr
 * trusted.overlay.*). */
int unpack_overlay_storable(struct walk *w, struct archive_entry *ae, const char *raw,
			    enum pc_ftype type);
/* Overlay form: is PATH a whiteout device this layer made?  For the walk it
 * is nothing: an entry below it or at it replaces it with a folder that
 * hides the layers below (unpack_mark_opaque). */
int unpack_is_whiteout(const struct walk *w, const char *path);
void unpack_mark_opaque(struct walk *w, const char *dir);
/* Remove ACL xattr NAME of PATH, if it has one. */
int unpack_drop_acl(struct walk *w, const char *path, const char *name);
/* Set the opaque xattr on the folders noted, once the layer is written. */
int unpack_finish_opaque(struct walk *w);
int unpack_drop_stale_xattrs(struct walk *w, struct archive_entry *ae, const char *path);

#endif
