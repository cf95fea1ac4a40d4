/* image_int.h - what the image modules share (not for the rest of the
 * harness: use image.h).
 *
 *   image.c          specs, path checks, classification, the pc_image life
 *   image_oci.c      folders: OCI image layouts and skopeo dir:
 *   image_archive.c  tars: docker-archive (every docker-save flavour) and
 *                    oci-archive
 *   image_util.c     digests, JSON, string lists, the image being built
 */
#ifndef PC_IMAGE_INT_H
#define PC_IMAGE_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"
#include "util/digest.h"

#define IMG_MAX_JSON_BYTES (64u << 20) /* index, manifest, config blobs */
#define IMG_IO_CHUNK (1u << 20)

/* ---- image_util.c ---------------------------------------------------------- */

int img_in_list(const char *const *list, const char *s);

struct strlist {
	char **v;
	size_t n;
};
void img_strlist_add(struct strlist *l, const char *s);
char *img_strlist_join(const struct strlist *l); /* "a, b" or "(none)"; caller frees */
void img_strlist_free(struct strlist *l);

/* "ALG:HEX" checked (sha256/sha512, lowercase hex of the right length: it
 * becomes a path).  0 with *alg (ALG may be NULL), or -1 with an error at
 * WHERE. */
int img_digest_parse(const char *digest, const char *where, enum pc_digest_alg *alg);

/* An OCI digest being computed (util/digest.h underneath). */
struct hasher {
	struct pc_digest d;
};
void img_hasher_init(struct hasher *h, enum pc_digest_alg alg);
void img_hasher_update(struct hasher *h, const void *p, size_t n);
char *img_hasher_final(struct hasher *h); /* "ALG:HEX"; frees the context */
char *img_hash_file(const char *path, enum pc_digest_alg alg, uint64_t *size);

/* rootfs.diff_ids of the image config CONFIG (WHERE names it): rootfs of
 * type "layers" whose diff_ids are NLAYERS digest strings.  A borrowed
 * reference, or NULL with an input error. */
json_t *img_config_diff_ids(json_t *config, size_t nlayers, const char *where);
/* The layer file PATH, whose content the caller verified to have DIGEST,
 * must decompress (any compression, or none) to DIFF_ID.  WHERE and WHAT
 * ("layer 2 (...)") name it in the error.  Decompressed once per process
 * per (DIGEST, DIFF_ID); an uncompressed layer (DIGEST == DIFF_ID) never. */
int img_check_diff_id(const char *path, const char *digest, const char *diff_id,
		      const char *where, const char *what);

json_t *img_json_parse_buf(const char *buf, size_t len, const char *name);
json_t *img_json_parse_file(const char *path);
/* The fields of OBJ (a JSON object powercut reads as a struct, or not an
 * object: nothing to check) must differ in more than case; 0, or -1 with
 * an input error naming WHERE. */
int img_json_keys_distinct(json_t *obj, const char *where);
/* 0 when REQUESTED (--platform, or NULL: none) is the platform CONFIG (an
 * image config) says, or CONFIG says none; else an input error. */
int img_platform_check(const char *requested, json_t *config, const char *where);
/* 1 when the platform CONFIG says is this host's (or it says none), else
 * 0 with HAVE set to the config's; HOST gets the host's either way. */
int img_config_is_host(json_t *config, char *have, size_t havelen, char *host, size_t hostlen);

void img_add_layer(struct pc_image *img, const char *path, const char *digest,
		   const char *media_type, uint64_t size);
/* The image's temporary folder, created on first use below TMPBASE. */
const char *img_tmpdir(struct pc_image *img, const char *tmpbase);

/* ---- image_oci.c ------------------------------------------------------------ */

/* Non-distributable ("foreign") layer media types: refused. */
int img_layer_type_foreign(const char *media_type);

/* DIR is an OCI image layout; DISPLAY names it in messages.  Fills SRC's
 * platform and media types. */
int img_oci_open(const char *dir, const char *display, const char *tag, const char *platform,
		 struct pc_image *img, struct pc_image_source *src);
/* Is DIR skopeo's dir: transport (manifest.json + version)? */
int img_is_skopeo_dir(const char *dir);
int img_skopeo_dir_open(const char *dir, const char *platform, struct pc_image *img,
			struct pc_image_source *src);

/* ---- image_archive.c -------------------------------------------------------- */

/* What a first pass over a tar found.  Opaque outside image_archive.c. */
struct tarscan;

/* Classify the tar at PATH (already checked to be a regular file):
 * returns 0 for a layer, 1 for an image archive (kind, producer and why
 * set in SRC), -1 on error (unreadable, or an image archive that
 * references members it lacks or whose descriptions disagree). *T is
 * allocated on 1 and belongs to the caller (img_tarscan_free). */
int img_tar_classify(const char *path, struct tarscan **t, struct pc_image_source *src);
int img_tar_open(const char *path, const char *tag, const char *platform,
		 const struct tarscan *t, const char *tmpbase, struct pc_image *img,
		 struct pc_image_source *src);
void img_tarscan_free(struct tarscan *t);
/* A docker reference as docker compares them (registry, library/, :latest
 * filled in), to match a user's tag against RepoTags.  Caller frees. */
char *img_docker_ref_normal(const char *ref);

#endif
