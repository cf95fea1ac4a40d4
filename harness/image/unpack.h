/* unpack.h - apply image layers onto a target folder with libarchive, and
 * build the manifest from the archive stream while writing.
 *
 * Safety: extraction runs in a child process chrooted into the target, with
 * ARCHIVE_EXTRACT_SECURE_NODOTDOT and _NOABSOLUTEPATHS; in addition every
 * entry is checked before it is written: absolute paths, ".." components,
 * and paths or hardlink targets that would leave the target through a
 * symlink are refused with an error naming the layer and the entry.
 * Symlinks with absolute targets are resolved relative to the target, as
 * container runtimes do, so writing through `lib -> /usr/lib` is allowed.
 */
#ifndef PC_UNPACK_H
#define PC_UNPACK_H

#include <stdint.h>
#include "image/manifest.h"
#include "util/hasher.h" /* PC_HASH_*: the digests a scan computes */

struct pc_unpack_stats {
	uint64_t entries;   /* entries in the final manifest */
	uint64_t bytes;     /* regular file bytes written (all layers) */
	uint64_t whiteouts; /* whiteouts applied */
	uint64_t early_fsyncs; /* files fsync'd while unpacking (below) */
};

/* ON: the unpacks this process starts from now on fsync every regular file
 * as soon as it is written, on a pool of threads (fs/fsync_queue.h), and
 * wait for those fsyncs before they return; st->early_fsyncs counts them.
 * The durability mode `ofsync` sets it for its cases.  Files a later entry
 * changes again are not fsync'd again here, nor files whose path is
 * PATH_MAX bytes or longer: the mode's pass after the unpack is what makes
 * the tree durable, this only starts its I/O early. */
void pc_unpack_fsync_while_writing(int on);

/* Progress callback, called from the unpacking process now and then. */
typedef void (*pc_unpack_progress_fn)(uint64_t bytes, void *arg);

/* Unpack LAYERS[0..n) in order into TARGET (an existing directory).
 * On success *out is the manifest of the final tree.  Errors in the archive
 * are class INPUT; ENOSPC and other write errors class RUN. */
int pc_unpack_layers(const char *const *layers, size_t n, const char *target,
		     struct pc_manifest **out, struct pc_unpack_stats *st,
		     pc_unpack_progress_fn progress, void *arg);
/* pc_unpack_layers computing the file digests DIGESTS names (PC_HASH_* of
 * util/hasher.h; pc_unpack_layers: SHA-256 only), in one pass on the
 * child's hashing thread.  A run without a scan asks for both: SHA-256 for
 * the manifest it saves, XXH3-128 for verify after the cut.  The child
 * passes the XXH3-128 digests on beside the manifest text (which has no
 * place for them), one per regular file in manifest order. */
int pc_unpack_layers_digests(const char *const *layers, size_t n, unsigned digests,
			     const char *target, struct pc_manifest **out,
			     struct pc_unpack_stats *st, pc_unpack_progress_fn progress,
			     void *arg);

/* pc_unpack_layers without hashing: KNOWN is the manifest pc_image_scan
 * built from the same layers, and the digests of *out are KNOWN's.  What
 * was written must agree with KNOWN in everything else (paths, types,
 * modes, owners, sizes, links, devices, xattrs, hardlinks), else an input
 * error naming the first path that differs: a layer changed since the
 * scan.  The scan read and hashed the same bytes, so each case of a run
 * need not hash them again. */
int pc_unpack_layers_known(const char *const *layers, size_t n, const char *target,
			   struct pc_manifest *known, struct pc_manifest **out,
			   struct pc_unpack_stats *st, pc_unpack_progress_fn progress, void *arg);

/* Unpack one layer in the form containerd's overlayfs snapshotter stores it
 * (layout = snapshots): the layer alone in TARGET (an existing, empty
 * directory, e.g. snapshots/N/fs), whiteouts not applied but converted for
 * overlayfs: `.wh.NAME` becomes a 0:0 character device NAME (mode 0, owned
 * as the whiteout entry), `.wh..wh..opq` sets trusted.overlay.opaque=y on
 * its directory.  Same child, path checks and hashing as pc_unpack_layers.
 * INDEX is the layer's number (0 for the lowest).  LOWER is the merged view
 * of the layers below (pc_overlay_merge), NULL for the first: symlinks in
 * parent components are resolved through it, so that a layer writing
 * through a lower `lib -> usr/lib` lands where the flat layout puts it, and
 * parent directories the layer does not list get the lower directory's
 * mode, owner and xattrs (as containerd copies them up).  Hardlink targets
 * must be in the same layer.  *out is the layer's own manifest, whiteout
 * devices and the opaque xattr included. */
int pc_unpack_layer_overlay(const char *layer, unsigned index, const struct pc_manifest *lower,
			    const char *target, struct pc_manifest **out,
			    struct pc_unpack_stats *st, pc_unpack_progress_fn progress, void *arg);

/* Apply LAYER (the manifest of layer INDEX in the overlay form) onto MERGED,
 * as overlayfs shows lowerdir=LAYER:...: a 0:0 character device hides the
 * path, an opaque directory hides what the layers below hold in it, a
 * directory merges with a directory below, anything else replaces.  The
 * opaque xattr itself is not shown.  Starting from an empty manifest and
 * merging every layer gives the image's manifest (pc_image_scan). */
void pc_overlay_merge(struct pc_manifest *merged, struct pc_manifest *layer, unsigned index);

/* Build the manifest of LAYERS without writing anything (no privilege
 * needed).  Used for `device_size = auto` and `powercut manifest`.
 * *total_bytes receives the sum of regular-file sizes over all layers. */
int pc_image_scan(const char *const *layers, size_t n, struct pc_manifest **out,
		  uint64_t *total_bytes);
/* pc_image_scan computing the file digests DIGESTS names (PC_HASH_SHA256,
 * PC_HASH_XXH3 of util/hasher.h; pc_image_scan computes SHA-256 only).  A
 * run's scan asks for both in one pass: SHA-256 for the manifests it
 * saves and digests, XXH3-128 for verify to compare after the cut. */
int pc_image_scan_digests(const char *const *layers, size_t n, unsigned digests,
			  struct pc_manifest **out, uint64_t *total_bytes);
/* What a scan tells of each layer once its walk has ended
 * (pc_image_scan_layers): the figures `powercut inspect` lists. */
struct pc_layer_tally {
	uint64_t entries;	 /* archive entries read: whiteouts included, an
				  * eStargz TOC and landmarks not */
	uint64_t file_bytes;	 /* apparent sizes of its regular files, hardlinks not */
	uint64_t tar_bytes;	 /* the uncompressed tar stream */
	const char *compression; /* as read: none, gzip, zstd, ... */
};
typedef void (*pc_scan_layer_fn)(size_t index, const struct pc_layer_tally *t, void *arg);
/* pc_image_scan_digests calling FN (unless NULL) with ARG as each layer
 * INDEX has been walked without error, lowest first: one pass over the
 * layers gives both the manifest and the layers' figures. */
int pc_image_scan_layers(const char *const *layers, size_t n, unsigned digests,
			 pc_scan_layer_fn fn, void *arg, struct pc_manifest **out,
			 uint64_t *total_bytes);
/* Scans made by this process (pc_image_scan calls), for the tests of the
 * run's scan cache (workload_image.c). */
extern unsigned long pc_image_scans;

#endif
