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
#include "manifest.h"

struct pc_unpack_stats {
	uint64_t entries;   /* entries in the final manifest */
	uint64_t bytes;     /* regular file bytes written (all layers) */
	uint64_t whiteouts; /* whiteouts applied */
};

/* Progress callback, called from the unpacking process now and then. */
typedef void (*pc_unpack_progress_fn)(uint64_t bytes, void *arg);

/* Unpack LAYERS[0..n) in order into TARGET (an existing directory).
 * On success *out is the manifest of the final tree.  Errors in the archive
 * are class INPUT; ENOSPC and other write errors class RUN. */
int pc_unpack_layers(const char *const *layers, size_t n, const char *target,
		     struct pc_manifest **out, struct pc_unpack_stats *st,
		     pc_unpack_progress_fn progress, void *arg);

/* Build the manifest of LAYERS without writing anything (no privilege
 * needed).  Used for `device_size = auto` and `powercut manifest`.
 * *total_bytes receives the sum of regular-file sizes over all layers. */
int pc_image_scan(const char *const *layers, size_t n, struct pc_manifest **out,
		  uint64_t *total_bytes);

#endif
