/* image.h - image sources: what `image =` and IMAGE arguments name.
 *
 *   - a layer tarball (tar, gzip, zstd, xz, ...): one layer;
 *   - an OCI image layout directory, "DIR" or "DIR:TAG" (TAG matches the
 *     org.opencontainers.image.ref.name annotation in index.json), nested
 *     indexes followed, platform chosen with PLATFORM ("linux/amd64"), every
 *     blob checked against its sha256;
 *   - a docker-save tarball (manifest.json), legacy or OCI-based.
 *
 * The result is the ordered list of layer files to apply, lowest first.
 */
#ifndef PC_IMAGE_H
#define PC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct pc_layer {
	char *path;         /* a file libarchive can read */
	char *digest;       /* "sha256:..." when known (OCI, docker-save), else NULL */
	uint64_t size;      /* compressed size on disk */
};

struct pc_image {
	char *spec;          /* as given */
	char *kind;          /* "layers", "oci", "docker-save" */
	struct pc_layer *layers;
	size_t nlayers;
	char *tmpdir;        /* files extracted from a docker-save archive; removed by close */
};

/* Resolve SPECS[0..n) (several layer tarballs, or one OCI layout, or one
 * docker-save archive; mixing is allowed: each spec contributes its layers
 * in order).  PLATFORM may be NULL (default: the host's, linux/amd64).
 * TMPBASE: where a docker-save archive's layers may be extracted.
 * Errors (missing blob, bad digest, unknown media type, bad JSON) are class
 * INPUT and name the file. */
int pc_image_open(const char *const *specs, size_t n, const char *platform,
		  const char *tmpbase, struct pc_image *img);
void pc_image_close(struct pc_image *img);

/* The layers' paths, lowest first, NULL-terminated (they belong to IMG;
 * free only the vector). */
const char **pc_image_layer_paths(const struct pc_image *img);

/* Does SPEC name something that exists (the DIR of "DIR:TAG" counts)?  For
 * the scenario parser's early check. */
int pc_image_spec_exists(const char *spec);

#endif
