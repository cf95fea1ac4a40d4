/* image_util.c - digests, JSON, string lists and the image being built,
 * shared by the image modules (see image_int.h). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_int.h"
#include "image/taropen.h"
#include "util/input.h"
#include "util/util.h"

int img_in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* ---- small string list ------------------------------------------------ */


void img_strlist_add(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

/* "a, b, c" (or "(none)"); caller frees. */
char *img_strlist_join(const struct strlist *l)
{
	if (!l->n)
		return xstrdup("(none)");
	size_t len = 1;
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, l->v[i]);
	}
	return s;
}

void img_strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- digests ------------------------------------------------------------ */

/* Check "ALG:HEX" (sha256 or sha512, lowercase hex of the right length: it
 * becomes a path below blobs/, so nothing else may pass).  0 with *ALG, or
 * -1 with an error naming WHERE. */
int img_digest_parse(const char *digest, const char *where, enum pc_digest_alg *alg)
{
	enum pc_digest_alg a;
	if (!strncmp(digest, "sha256:", 7))
		a = PC_SHA256;
	else if (!strncmp(digest, "sha512:", 7))
		a = PC_SHA512;
	else
		return pc_fail(PC_ERR_INPUT, "%s: unsupported digest '%s' (sha256 and sha512 are)",
			       where, digest);
	size_t hexlen = 2 * pc_digest_len(a);
	const char *hex = digest + 7;
	if (strlen(hex) != hexlen || !pc_is_lower_hex(hex, hexlen))
		return pc_fail(PC_ERR_INPUT, "%s: malformed digest '%s'", where, digest);
	if (alg)
		*alg = a;
	return 0;
}


void img_hasher_init(struct hasher *h, enum pc_digest_alg alg)
{
	if (pc_digest_init(&h->d, alg) < 0)
		abort(); /* no memory for a context (the message says so) */
}

void img_hasher_update(struct hasher *h, const void *p, size_t n)
{
	pc_digest_update(&h->d, p, n);
}

/* "ALG:HEX" of what was hashed; frees the context. */
char *img_hasher_final(struct hasher *h)
{
	char hex[PC_DIGEST_MAX_HEX];
	pc_digest_final_hex(&h->d, hex);
	pc_digest_free(&h->d);
	return xasprintf("%s:%s", pc_digest_name(h->d.alg), hex);
}

/* Hash the file at PATH with ALG, streaming.  *size gets its length. */
char *img_hash_file(const char *path, enum pc_digest_alg alg, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_INPUT, errno, "open %s", path);
		return NULL;
	}
	struct hasher h;
	img_hasher_init(&h, alg);
	char *buf = xmalloc(IMG_IO_CHUNK);
	uint64_t total = 0;
	for (;;) {
		/* A ^C must not wait for a multi-gigabyte blob to be hashed. */
		ssize_t n = pc_check_interrupted() < 0 ? -2 : read(fd, buf, IMG_IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0) {
			if (n == -1)
				pc_fail_errno(PC_ERR_INPUT, errno, "read %s", path);
			free(buf);
			close(fd);
			free(img_hasher_final(&h));
			return NULL;
		}
		if (n == 0)
			break;
		img_hasher_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	free(buf);
	close(fd);
	*size = total;
	return img_hasher_final(&h);
}

/* ---- diff_ids ------------------------------------------------------------ */

json_t *img_config_diff_ids(json_t *config, size_t nlayers, const char *where)
{
	json_t *rootfs = json_object_get(config, "rootfs"), *ids = NULL;
	const char *type = NULL;
	json_error_t err;
	if (img_json_keys_distinct(config, where) < 0 || img_json_keys_distinct(rootfs, where) < 0)
		return NULL;
	if (!json_is_object(rootfs)) {
		pc_fail(PC_ERR_INPUT, "%s: no rootfs object, so no diff_ids to check the layers against",
			where);
		return NULL;
	}
	if (json_unpack_ex(rootfs, &err, 0, "{s:s, s:o *}", "type", &type, "diff_ids", &ids) < 0 ||
	    !json_is_array(ids)) {
		pc_fail(PC_ERR_INPUT, "%s: rootfs: %s", where,
			ids ? "diff_ids is not an array" : err.text);
		return NULL;
	}
	if (strcmp(type, "layers")) {
		pc_fail(PC_ERR_INPUT, "%s: rootfs.type is '%s', expected 'layers'", where, type);
		return NULL;
	}
	if (json_array_size(ids) != nlayers) {
		pc_fail(PC_ERR_INPUT, "%s: %zu rootfs.diff_ids for %zu layers", where,
			json_array_size(ids), nlayers);
		return NULL;
	}
	for (size_t i = 0; i < nlayers; i++) {
		json_t *id = json_array_get(ids, i);
		char at[600];
		snprintf(at, sizeof(at), "%s: rootfs.diff_ids[%zu]", where, i);
		if (!json_is_string(id)) {
			pc_fail(PC_ERR_INPUT, "%s is not a digest string", at);
			return NULL;
		}
		if (img_digest_parse(json_string_value(id), at, NULL) < 0)
			return NULL;
	}
	return ids;
}

/* Layers known to decompress to their diff_id, by content digest: the run
 * opens its image once per case, and decompressing a layer costs about
 * 0.7 s per GB, so each layer is decompressed once per process.  The key is
 * the digest of the content, verified by the caller on every open, so a
 * changed file cannot hit. */
#define VERIFIED_MAX 4096

static struct verified {
	char *digest, *diff_id;
} *verified;
static size_t nverified;

static int diff_id_known(const char *digest, const char *diff_id)
{
	for (size_t i = 0; i < nverified; i++)
		if (!strcmp(verified[i].digest, digest) && !strcmp(verified[i].diff_id, diff_id))
			return 1;
	return 0;
}

static void diff_id_remember(const char *digest, const char *diff_id)
{
	if (nverified == VERIFIED_MAX) { /* more layers than any run uses: start over */
		for (size_t i = 0; i < nverified; i++)
			free(verified[i].digest), free(verified[i].diff_id);
		nverified = 0;
	}
	if (!verified)
		verified = xcalloc(VERIFIED_MAX, sizeof(*verified));
	verified[nverified].digest = xstrdup(digest);
	verified[nverified].diff_id = xstrdup(diff_id);
	nverified++;
}

/* ALG digest of PATH's decompressed stream (libarchive's raw reader, any
 * compression or none), or NULL with an input error naming WHAT. */
static char *hash_decompressed(const char *path, enum pc_digest_alg alg, const char *what)
{
	struct archive *a = pc_tar_reader_new(PC_TAR_RAW);
	a = pc_tar_opened(a, archive_read_open_filename(a, path, 64 * 1024), what, path);
	if (!a)
		return NULL;
	struct archive_entry *e;
	int r = archive_read_next_header(a, &e);
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF) {
		pc_fail(PC_ERR_INPUT, "%s %s: decompress: %s", what, path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	struct hasher h;
	img_hasher_init(&h, alg);
	char *buf = xmalloc(IMG_IO_CHUNK);
	int rc = 0;
	/* ARCHIVE_EOF: the stream decompressed to no bytes (an empty layer) */
	while (r == ARCHIVE_OK) {
		/* A ^C must not wait for a multi-gigabyte layer. */
		if ((rc = pc_check_interrupted()) < 0)
			break;
		la_ssize_t n = archive_read_data(a, buf, IMG_IO_CHUNK);
		if (n < 0) {
			rc = pc_fail(PC_ERR_INPUT, "%s %s: decompress: %s", what, path,
				     archive_error_string(a));
			break;
		}
		if (n == 0)
			break;
		img_hasher_update(&h, buf, (size_t)n);
	}
	free(buf);
	archive_read_free(a);
	char *got = img_hasher_final(&h);
	if (rc < 0) {
		free(got);
		return NULL;
	}
	return got;
}

/* A layer whose diff_id is its blob's own digest must be an uncompressed
 * tar: the runtimes decompress by content and would find the digest of
 * what is inside, not the diff_id (umoci reads it as a tar and fails). */
static int check_uncompressed(const char *path, const char *where, const char *what)
{
	struct archive *a = pc_tar_reader_new(PC_TAR_RAW);
	a = pc_tar_opened(a, archive_read_open_filename(a, path, 64 * 1024), what, path);
	if (!a)
		return -1;
	struct archive_entry *e;
	int rc = 0, r = archive_read_next_header(a, &e);
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF) /* EOF: no bytes, an empty layer */
		rc = pc_fail(PC_ERR_INPUT, "%s %s: decompress: %s", what, path,
			     archive_error_string(a));
	else if (archive_filter_count(a) > 1)
		rc = pc_fail(PC_ERR_INPUT,
			     "%s: %s is %s-compressed, yet the image config's rootfs.diff_ids gives "
			     "its own digest, an uncompressed layer's: the diff_id of what it holds "
			     "is another",
			     where, what, archive_filter_name(a, 0));
	archive_read_free(a);
	return rc;
}

int img_check_diff_id(const char *path, const char *digest, const char *diff_id,
		      const char *where, const char *what)
{
	/* An uncompressed layer: its verified digest is its diff_id. */
	if (!strcmp(digest, diff_id))
		return check_uncompressed(path, where, what);
	if (diff_id_known(digest, diff_id))
		return 0;
	enum pc_digest_alg alg;
	if (img_digest_parse(diff_id, where, &alg) < 0)
		return -1;
	char *got = hash_decompressed(path, alg, what);
	if (!got)
		return -1;
	int rc = 0;
	if (strcmp(got, diff_id))
		rc = pc_fail(PC_ERR_INPUT,
			     "%s: %s does not match its digest %s from the image config's "
			     "rootfs.diff_ids: uncompressed, its content is %s",
			     where, what, diff_id, got);
	else
		diff_id_remember(digest, diff_id);
	free(got);
	return rc;
}

/* ---- JSON --------------------------------------------------------------- */

json_t *img_json_parse_buf(const char *buf, size_t len, const char *name)
{
	json_error_t err;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		pc_fail(PC_ERR_INPUT, "%s:%d:%d: bad JSON: %s", name, err.line, err.column,
			err.text);
	return j;
}

/* PATH is a metadata file of an image folder (index.json, oci-layout,
 * manifest.json): only a regular file of metadata size is read, so a FIFO
 * or a device in its place is an input error, not a read that never ends. */
json_t *img_json_parse_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_INPUT, errno, "open %s", path);
		return NULL;
	}
	struct stat st;
	json_t *j = NULL;
	json_error_t err;
	if (fstat(fd, &st) < 0)
		pc_fail_errno(PC_ERR_INPUT, errno, "stat %s", path);
	else if (!S_ISREG(st.st_mode))
		pc_fail(PC_ERR_INPUT, "%s: not a regular file", path);
	else if (pc_input_pseudo_fs(path, fd))
		pc_fail(PC_ERR_INPUT, "%s: " PC_PSEUDO_FS_WHY, path, pc_input_pseudo_fs(path, fd));
	else if ((uint64_t)st.st_size > IMG_MAX_JSON_BYTES)
		pc_fail(PC_ERR_INPUT, "%s: %jd bytes, too large for image metadata (at most %u)",
			path, (intmax_t)st.st_size, IMG_MAX_JSON_BYTES);
	else {
		/* read whole, then parsed: jansson's json_loadfd reads a byte
		 * per system call (a 16 MB index.json took 13 s) */
		size_t len;
		char *text = pc_input_read_fd(fd, "image metadata", path, IMG_MAX_JSON_BYTES, &len);
		if (text && !(j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err)))
			pc_fail(PC_ERR_INPUT, "%s:%d:%d: bad JSON: %s", path, err.line, err.column,
				err.text);
		free(text);
	}
	close(fd);
	return j;
}

/* Go's encoding/json, which containerd, docker, podman and umoci read
 * image metadata with, matches a key to a field ignoring case, the last
 * one given winning: {"layers": [A], "Layers": [B]} is B to them and A to
 * jansson.  Such an object is ambiguous.  (Maps such as annotations and
 * labels keep their keys exactly: callers pass only struct objects.) */
/* KEY folded as Go's encoding/json compares field names: ASCII letters in
 * lower case, and the two non-ASCII letters that fold to ASCII ones, the
 * long s (U+017F) and the Kelvin sign (U+212A), as 's' and 'k'. */
static char *go_fold(const char *key)
{
	char *f = xmalloc(strlen(key) + 1), *o = f;
	for (const unsigned char *p = (const unsigned char *)key; *p;) {
		if (p[0] == 0xc5 && p[1] == 0xbf) {
			*o++ = 's', p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
			*o++ = 'k', p += 3;
		} else {
			*o++ = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
		}
	}
	*o = '\0';
	return f;
}

static int go_same_field(const char *a, const char *b)
{
	char *fa = go_fold(a), *fb = go_fold(b);
	int same = !strcmp(fa, fb);
	free(fa), free(fb);
	return same;
}

int img_json_keys_distinct(json_t *obj, const char *where)
{
	const char *k1, *k2;
	json_t *v1, *v2;
	json_object_foreach(obj, k1, v1) {
		json_object_foreach(obj, k2, v2) {
			if (k1 != k2 && strcmp(k1, k2) < 0 && go_same_field(k1, k2))
				return pc_fail(PC_ERR_INPUT,
					       "%s: fields '%s' and '%s' differ only in case: "
					       "ambiguous (Go readers such as containerd and umoci "
					       "take them as one field, the last one given)",
					       where, k1, k2);
		}
	}
	return 0;
}

/* ---- the image being built ----------------------------------------------- */

void img_add_layer(struct pc_image *img, const char *path, const char *digest,
		   const char *media_type, uint64_t size)
{
	img->layers = xrealloc(img->layers, (img->nlayers + 1) * sizeof(*img->layers));
	struct pc_layer *l = &img->layers[img->nlayers++];
	l->path = xstrdup(path);
	l->digest = digest ? xstrdup(digest) : NULL;
	l->media_type = media_type ? xstrdup(media_type) : NULL;
	l->size = size;
}

const char *img_tmpdir(struct pc_image *img, const char *tmpbase)
{
	if (img->tmpdir)
		return img->tmpdir;
	if (!tmpbase)
		tmpbase = getenv("TMPDIR");
	if (!tmpbase || !*tmpbase)
		tmpbase = "/tmp";
	/* The layers are extracted into the folder made here and read again by
	 * path: in a base others can write to that is not sticky, they could
	 * move it away and put symlinks in its place (a TMPDIR such as that).
	 * One that is not there is mkdtemp's error below. */
	char why[PATH_MAX + 128];
	if (access(tmpbase, F_OK) == 0 && pc_folder_exposed(tmpbase, 0, why, sizeof(why)) < 0) {
		pc_fail(PC_ERR_INPUT, "temporary folder %s (TMPDIR): %s: they could replace the "
			"image's extracted files; give one only root can write to, or a sticky one "
			"such as /tmp", tmpbase, why);
		return NULL;
	}
	char *t = xasprintf("%s/powercut-image.XXXXXX", tmpbase);
	if (!mkdtemp(t)) {
		/* read-only, full, missing: the machine's, not the image's */
		pc_fail_errno(PC_ERR_ENV, errno, "create a temporary folder in %s (TMPDIR)",
			      tmpbase);
		free(t);
		return NULL;
	}
	img->tmpdir = t;
	return t;
}
