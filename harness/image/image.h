/* image.h - image sources: what `image =` and IMAGE arguments name.
 *
 * A spec is "PATH", "PATH:TAG" or "layer:PATH".  PATH is classified by what
 * it holds, never by its name (see docs/design.md, "Image sources"):
 *
 *   - a folder with an oci-layout file: an OCI image layout ("oci-layout";
 *     TAG matches org.opencontainers.image.ref.name or
 *     io.containerd.image.name in index.json; nested indexes followed,
 *     platform chosen with PLATFORM);
 *   - a folder with manifest.json and skopeo's version file: skopeo's
 *     dir: transport ("skopeo-dir");
 *   - a tar whose top-level manifest.json is a docker-save manifest
 *     ("docker-archive": skopeo/podman, legacy docker save, Docker 25+), or
 *     whose top-level index.json and oci-layout make an OCI layout
 *     ("oci-archive");
 *   - any other tar (gzip, zstd, xz, ... compressed): one layer ("layer").
 *     "layer:PATH" forces this reading for a layer that happens to hold a
 *     top-level manifest.json or index.json + oci-layout.
 *
 * Every blob and member is checked against its digest; a referenced member
 * or blob that is missing, a non-distributable layer, or an image archive
 * whose two descriptions disagree is an input error naming what is wrong.
 * Only regular files and folders are read (a FIFO, a device or a socket is
 * refused before it is opened).
 *
 * The result is the ordered list of layer files to apply, lowest first, and
 * per spec what was detected and why (for `powercut inspect`).
 */
#ifndef PC_IMAGE_H
#define PC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct pc_layer {
	char *path;         /* a file libarchive can read */
	char *digest;       /* "sha256:..." when known (images), else NULL */
	char *media_type;   /* from the image manifest, else NULL */
	uint64_t size;      /* compressed size on disk */
};

/* What one spec was found to be. */
struct pc_image_source {
	char *spec;          /* as given */
	const char *kind;    /* "layer", "oci-layout", "oci-archive", "docker-archive",
				"skopeo-dir" */
	const char *producer; /* e.g. "docker-archive (skopeo/podman)" */
	char *why;           /* what on disk made it that kind */
	char *platform;      /* "linux/amd64" when the image says, else NULL */
	char *manifest_type; /* media type of the image manifest, else NULL */
	char *config_type;   /* media type of the image config, else NULL */
	char *chosen;        /* the image manifest read, and why it of several; else NULL */
	size_t first, nlayers; /* its layers in pc_image.layers */
};

struct pc_image {
	char *spec;          /* as given */
	char *kind;          /* the sources' kind, or "mixed" */
	struct pc_layer *layers;
	size_t nlayers;
	struct pc_image_source *sources;
	size_t nsources;
	char *tmpdir;        /* files extracted from archives; removed by close */
};

/* Resolve SPECS[0..n) (several layer tarballs, or one image, or any mix:
 * each spec contributes its layers in order).  PLATFORM may be NULL
 * (default: the host's, linux/amd64).  TMPBASE: where an archive's layers
 * may be extracted.  Errors are class INPUT and name the file. */
int pc_image_open(const char *const *specs, size_t n, const char *platform,
		  const char *tmpbase, struct pc_image *img);
void pc_image_close(struct pc_image *img);

/* 0 when S reads as a platform (OS/ARCH or OS/ARCH/VARIANT), else -1 with
 * an input error naming it: --platform is checked when given, not only
 * when an index is there to choose from. */
int pc_platform_check(const char *s);

/* The layers' paths, lowest first, NULL-terminated (they belong to IMG;
 * free only the vector). */
const char **pc_image_layer_paths(const struct pc_image *img);

/* The one rule for reading a spec.  "layer:PATH" forces a layer (the rest
 * is the path, colons and all; write "./layer:x" for a file of that name).
 * Otherwise SPEC is a path if it exists as a whole; else the first ':' whose
 * left side exists splits it into PATH and TAG (a docker tag such as
 * "repo/name:latest" holds colons and slashes itself).  Relative paths are
 * taken relative to BASE (NULL: the working directory). */
struct pc_image_spec {
	char *path; /* BASE applied; not resolved further */
	char *tag;  /* or NULL */
	int force_layer;
};
void pc_image_spec_parse(const char *spec, const char *base, struct pc_image_spec *out);
void pc_image_spec_free(struct pc_image_spec *s);

/* SPEC with its path made absolute (realpath) against BASE, for a
 * scenario; the path must exist and be a regular file or a folder.  NULL
 * on error, with *why set to a message (caller frees). */
char *pc_image_spec_absolute(const char *spec, const char *base, char **why);

#endif
