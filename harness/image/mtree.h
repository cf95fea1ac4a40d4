/* mtree.h - render an image's manifest as an mtree(5) specification.
 *
 * The renderer is a library: it writes to the FILE* it is given and nothing
 * else; `powercut manifest --mtree` (cmd/cmd_manifest.c) owns the command
 * line and the output file.  Errors are reported through pc_fail like every
 * other module's.
 *
 * libarchive's mtree writer is used (keys type, mode, uid, gid, size, link,
 * sha256, device).  Headers come from the manifest, the final state, not
 * from the archives; the data of each regular file is read again from the
 * layer its final version comes from, so the writer computes its sha256.
 * mtree cannot express xattrs nor hardlink groups; a hardlink whose source
 * lies in another layer gets the empty file's digest (README.md).
 */
#ifndef PC_MTREE_H
#define PC_MTREE_H

#include <stddef.h>
#include <stdio.h>

#include "image/manifest.h"

/* Write M, the manifest of LAYERS (lowest first, as pc_image_scan built
 * it), as an mtree specification to OUT.  OUT_NAME names OUT in error
 * messages ("standard output", a file name).  OUT is flushed, not closed.
 * 0, or -1 with the error reported. */
int pc_mtree_write(struct pc_manifest *m, const char *const *layers, size_t nlayers, FILE *out,
		   const char *out_name);

#endif
