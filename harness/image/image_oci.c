/* image_oci.c - image folders: OCI image layouts (index.json, nested
 * indexes, platforms, tags) and skopeo's dir: transport (manifest.json and
 * blobs named by bare hex digest).  Both end in one image manifest whose
 * config and layers are blobs checked against their digests.
 *
 * Objects whose schema is closed (oci-layout, platform) are unpacked
 * strictly ("!"); descriptors and manifests are extensible by
 * specification (unknown fields must be ignored), so only their known
 * fields are checked.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "image/image_int.h"
#include "util/input.h"
#include "util/util.h"

#define MAX_NESTING 8 /* nested indexes */

static const char REF_NAME[] = "org.opencontainers.image.ref.name";
static const char CONTAINERD_NAME[] = "io.containerd.image.name";

static const char *const index_types[] = {
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	NULL,
};

static const char *const manifest_types[] = {
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

static const char *const config_types[] = {
	"application/vnd.oci.image.config.v1+json",
	"application/vnd.docker.container.image.v1+json",
	NULL,
};

static const char *const layer_types[] = {
	"application/vnd.oci.image.layer.v1.tar",
	"application/vnd.oci.image.layer.v1.tar+gzip",
	"application/vnd.oci.image.layer.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.diff.tar",
	"application/vnd.docker.image.rootfs.diff.tar.gzip",
	NULL,
};

/* Layers whose content is, by definition, not part of the image (it is
 * fetched from their URLs, if at all): an image that needs one is not
 * something powercut can test faithfully, present blob or not. */
static const char *const foreign_layer_types[] = {
	"application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	NULL,
};

int img_layer_type_foreign(const char *media_type)
{
	return img_in_list(foreign_layer_types, media_type);
}

struct desc {
	const char *media_type;
	const char *digest;
	json_int_t size;
	json_t *annotations;
	json_t *platform;
	json_t *urls;
};

/* A descriptor's embedded "data" (OCI 1.1, base64) is the blob itself: it
 * must be what the digest and size name (the spec's MUST), or a reader
 * that takes it (containerd's fetch can) and one that reads the blob
 * build different images.  powercut reads the blob; data that is not the
 * blob is refused, never passed over. */
static int desc_data_check(json_t *data, const char *where, const struct desc *d,
			   enum pc_digest_alg alg)
{
	if (!json_is_string(data))
		return pc_fail(PC_ERR_INPUT, "%s: descriptor %s: \"data\" is not a string", where,
			       d->digest);
	const char *b64 = json_string_value(data);
	size_t len = strlen(b64);
	unsigned char *raw = xmalloc(len / 4 * 3 + 3);
	int n = 0, tail = 0, ok = len % 4 == 0;
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	if (!ctx) {
		free(raw);
		return pc_fail(PC_ERR_RUN, "%s: no memory to decode a descriptor's data", where);
	}
	EVP_DecodeInit(ctx);
	/* base64 (RFC 4648 with padding, as Go's encoding/json writes []byte):
	 * no line breaks nor other characters */
	ok = ok && !strpbrk(b64, " \t\r\n") &&
	     EVP_DecodeUpdate(ctx, raw, &n, (const unsigned char *)b64, (int)len) >= 0 &&
	     EVP_DecodeFinal(ctx, raw + n, &tail) == 1;
	EVP_ENCODE_CTX_free(ctx);
	int rc = 0;
	if (!ok) {
		rc = pc_fail(PC_ERR_INPUT, "%s: descriptor %s: \"data\" is not base64", where,
			     d->digest);
	} else {
		size_t got = (size_t)n + (size_t)tail;
		struct hasher h;
		img_hasher_init(&h, alg);
		img_hasher_update(&h, raw, got);
		char *dig = img_hasher_final(&h);
		if ((json_int_t)got != d->size || strcmp(dig, d->digest))
			rc = pc_fail(PC_ERR_INPUT, "%s: descriptor %s (%" JSON_INTEGER_FORMAT
				     " bytes): its embedded \"data\" is %zu bytes, %s: not the "
				     "blob it describes (a reader taking the data would build "
				     "another image)", where, d->digest, d->size, got, dig);
		free(dig);
	}
	free(raw);
	return rc;
}

static int desc_parse(json_t *j, const char *where, struct desc *d)
{
	json_error_t err;
	memset(d, 0, sizeof(*d));
	if (img_json_keys_distinct(j, where) < 0)
		return -1;
	json_t *data = NULL;
	if (json_unpack_ex(j, &err, 0, "{s:s, s:s, s:I, s?o, s?o, s?o, s?o *}",
			   "mediaType", &d->media_type, "digest", &d->digest, "size", &d->size,
			   "annotations", &d->annotations, "platform", &d->platform,
			   "urls", &d->urls, "data", &data) < 0)
		return pc_fail(PC_ERR_INPUT, "%s: bad descriptor: %s", where, err.text);
	if (d->size < 0)
		return pc_fail(PC_ERR_INPUT, "%s: descriptor %s has a negative size", where,
			       d->digest);
	enum pc_digest_alg alg;
	if (img_digest_parse(d->digest, where, &alg) < 0)
		return -1;
	if (data && desc_data_check(data, where, d, alg) < 0)
		return -1;
	return 0;
}

static const char *annotation(const struct desc *d, const char *key)
{
	json_t *v = d->annotations ? json_object_get(d->annotations, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

#define PLATFORM_STR 512 /* room for platform_str */

struct platform {
	char os[64], arch[64], variant[64];
	char features[256]; /* an index entry's os.features, ", "-joined */
};

static void set(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

/* As containerd's platforms.Normalize does (normalizeOS, normalizeArch):
 * case folded, aliases to their Go names (x86_64 is amd64, aarch64 arm64,
 * armhf arm/v7...), default variants as none (amd64 v1, arm64 v8) or
 * spelled out (arm's v7), so that an index writing "x86_64" names the same
 * platform as one writing "amd64": two such images are two matches, never
 * one passed over for the other.  Empty stays empty (no platform). */
static void platform_normalize(struct platform *p)
{
	for (char *c = p->os; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = p->arch; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = p->variant; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!strcmp(p->os, "macos"))
		set(p->os, sizeof(p->os), "darwin");
	const char *a = p->arch, *v = p->variant;
	if (!strcmp(a, "i386")) {
		set(p->arch, sizeof(p->arch), "386");
		p->variant[0] = '\0';
	} else if (!strcmp(a, "x86_64") || !strcmp(a, "x86-64") || !strcmp(a, "amd64")) {
		set(p->arch, sizeof(p->arch), "amd64");
		if (!strcmp(v, "v1"))
			p->variant[0] = '\0';
	} else if (!strcmp(a, "aarch64") || !strcmp(a, "arm64")) {
		set(p->arch, sizeof(p->arch), "arm64");
		if (!strcmp(v, "8") || !strcmp(v, "v8") || !strcmp(v, "v8.0"))
			p->variant[0] = '\0';
		else if (!strcmp(v, "9") || !strcmp(v, "9.0") || !strcmp(v, "v9.0"))
			set(p->variant, sizeof(p->variant), "v9");
	} else if (!strcmp(a, "armhf")) {
		set(p->arch, sizeof(p->arch), "arm");
		set(p->variant, sizeof(p->variant), "v7");
	} else if (!strcmp(a, "armel")) {
		set(p->arch, sizeof(p->arch), "arm");
		set(p->variant, sizeof(p->variant), "v6");
	} else if (!strcmp(a, "arm")) {
		if (!v[0] || !strcmp(v, "7"))
			set(p->variant, sizeof(p->variant), "v7");
		else if (!strcmp(v, "5") || !strcmp(v, "6") || !strcmp(v, "8")) {
			char nv[8];
			snprintf(nv, sizeof(nv), "v%c", v[0]);
			set(p->variant, sizeof(p->variant), nv);
		}
	}
}

static int platform_parse(const char *s, struct platform *p)
{
	memset(p, 0, sizeof(*p));
	char os[64], arch[64], variant[64], extra[2];
	int n = sscanf(s, "%63[^/]/%63[^/]/%63[^/]%1s", os, arch, variant, extra);
	if (n < 2 || n > 3)
		return pc_fail(PC_ERR_INPUT,
			       "bad platform '%s' (expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64)",
			       s);
	snprintf(p->os, sizeof(p->os), "%s", os);
	snprintf(p->arch, sizeof(p->arch), "%s", arch);
	if (n == 3)
		snprintf(p->variant, sizeof(p->variant), "%s", variant);
	platform_normalize(p);
	return 0;
}

int pc_platform_check(const char *s)
{
	struct platform p;
	return platform_parse(s, &p);
}

static void platform_host(struct platform *p)
{
	static const struct {
		const char *machine, *arch, *variant;
	} map[] = {
		{ "x86_64", "amd64", "" },   { "aarch64", "arm64", "" },
		{ "armv7l", "arm", "v7" },   { "armv6l", "arm", "v6" },
		{ "i686", "386", "" },       { "i386", "386", "" },
		{ "ppc64le", "ppc64le", "" }, { "s390x", "s390x", "" },
		{ "riscv64", "riscv64", "" },
	};
	struct utsname u;
	memset(p, 0, sizeof(*p));
	snprintf(p->os, sizeof(p->os), "linux");
	snprintf(p->arch, sizeof(p->arch), "amd64");
	if (uname(&u) < 0)
		return;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u.machine, map[i].machine)) {
			snprintf(p->arch, sizeof(p->arch), "%s", map[i].arch);
			snprintf(p->variant, sizeof(p->variant), "%s", map[i].variant);
		}
}

static void platform_str(const struct platform *p, char *out, size_t len)
{
	if (!p->os[0])
		snprintf(out, len, "(no platform)");
	else
		snprintf(out, len, "%s/%s%s%s%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "",
			 p->variant, p->features[0] ? " (os.features: " : "", p->features,
			 p->features[0] ? ")" : "");
}

/* os.features, an array of strings, into P->features. */
static int platform_features(json_t *feat, const char *where, struct platform *p)
{
	size_t i;
	json_t *f;
	if (!feat)
		return 0;
	if (!json_is_array(feat))
		return pc_fail(PC_ERR_INPUT, "%s: bad platform: os.features is not an array", where);
	json_array_foreach(feat, i, f) {
		size_t used = strlen(p->features);
		if (!json_is_string(f))
			return pc_fail(PC_ERR_INPUT, "%s: bad platform: os.features holds a %s",
				       where, "value that is not a string");
		snprintf(p->features + used, sizeof(p->features) - used, "%s%s", i ? ", " : "",
			 json_string_value(f));
	}
	return 0;
}

/* Platform object of a descriptor: a closed schema, so strict. */
static int platform_from_json(json_t *j, const char *where, struct platform *p)
{
	const char *os, *arch, *variant = NULL, *osver = NULL;
	json_t *osfeat = NULL, *feat = NULL;
	json_error_t err;
	memset(p, 0, sizeof(*p));
	if (img_json_keys_distinct(j, where) < 0)
		return -1;
	if (json_unpack_ex(j, &err, 0, "{s:s, s:s, s?s, s?s, s?o, s?o !}",
			   "os", &os, "architecture", &arch, "variant", &variant,
			   "os.version", &osver, "os.features", &osfeat, "features", &feat) < 0)
		return pc_fail(PC_ERR_INPUT, "%s: bad platform: %s", where, err.text);
	snprintf(p->os, sizeof(p->os), "%s", os);
	snprintf(p->arch, sizeof(p->arch), "%s", arch);
	snprintf(p->variant, sizeof(p->variant), "%s", variant ? variant : "");
	platform_normalize(p);
	return platform_features(osfeat, where, p);
}

/* Does candidate C satisfy the request R?  No variant in R accepts any. */
static int platform_match(const struct platform *r, const struct platform *c)
{
	return !strcmp(r->os, c->os) && !strcmp(r->arch, c->arch) &&
	       (!r->variant[0] || !strcmp(r->variant, c->variant));
}

struct cand {
	char *digest;
	char *media_type;
	json_int_t size;
	struct platform plat;
};

struct oci {
	const char *dir;     /* the layout */
	const char *display; /* how to name it in messages */
	int flat;            /* skopeo dir: blobs at the top, named by sha256 hex */
	struct cand *c;
	size_t nc;
	struct strlist skipped_types; /* media types in indexes we do not use */
	struct strlist tags;          /* ref names in index.json, for messages */
	const char *tag;              /* as given, or NULL */
	const char *want_digest;      /* TAG is a digest of a nested manifest: keep only it */
	const char *platform;         /* --platform as given, or NULL */
	int platform_unknown;         /* the chosen manifest's descriptor names no platform */
};

static void oci_free(struct oci *o)
{
	for (size_t i = 0; i < o->nc; i++) {
		free(o->c[i].digest);
		free(o->c[i].media_type);
	}
	free(o->c);
	img_strlist_free(&o->skipped_types);
	img_strlist_free(&o->tags);
}

static char *blob_path(const struct oci *o, const char *digest)
{
	const char *colon = strchr(digest, ':');
	if (o->flat)
		return xasprintf("%s/%s", o->dir, colon + 1);
	return xasprintf("%s/blobs/%.*s/%s", o->dir, (int)(colon - digest), digest, colon + 1);
}

/* Where D's blob is.  A skopeo dir: copied with --all keeps the instance
 * manifests of its manifest list as HEX.manifest.json. */
static char *desc_path(const struct oci *o, const struct desc *d)
{
	const char *colon = strchr(d->digest, ':');
	if (o->flat && (img_in_list(manifest_types, d->media_type) ||
			img_in_list(index_types, d->media_type)))
		return xasprintf("%s/%s.manifest.json", o->dir, colon + 1);
	return blob_path(o, d->digest);
}

/* Check the blob of D (existence, size, digest). */
static int verify_blob(const struct oci *o, const struct desc *d, const char *what)
{
	enum pc_digest_alg alg;
	if (img_digest_parse(d->digest, o->display, &alg) < 0)
		return -1;
	if (o->flat && alg != PC_SHA256)
		return pc_fail(PC_ERR_INPUT, "%s: blob %s (%s): skopeo dir: names only sha256 blobs",
			       o->display, d->digest, what);
	char *path = desc_path(o, d);
	struct stat st;
	if (stat(path, &st) < 0) {
		int e = errno;
		if (e == ENOENT && d->urls)
			pc_fail(PC_ERR_INPUT,
				"%s: blob %s (%s) is missing: a non-distributable layer, fetch it from its URLs first",
				o->display, d->digest, what);
		else if (e == ENOENT)
			/* named as in the image: for an archive, o->dir is a
			 * temporary folder the user never sees */
			pc_fail(PC_ERR_INPUT, "%s: blob %s (%s) is missing: no %s in the image%s",
				o->display, d->digest, what, path + strlen(o->dir) + 1,
				strcmp(what, "image manifest") ? ""
				: " (an export of some platforms, such as ctr images export "
				  "--platform, lists the others without their blobs)");
		else
			pc_fail_errno(PC_ERR_INPUT, e, "%s: blob %s (%s): %s", o->display,
				      d->digest, what, path);
		free(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pc_fail(PC_ERR_INPUT, "%s: blob %s (%s) is not a regular file", o->display, path, what);
		free(path);
		return -1;
	}
	if (pc_input_pseudo_fs(path, -1)) {
		pc_fail(PC_ERR_INPUT, "%s: blob %s (%s): " PC_PSEUDO_FS_WHY, o->display, path, what,
			pc_input_pseudo_fs(path, -1));
		free(path);
		return -1;
	}
	if ((uint64_t)st.st_size != (uint64_t)d->size) {
		pc_fail(PC_ERR_INPUT, "%s: blob %s (%s) has %jd bytes, its descriptor says %jd: %s",
			o->display, d->digest, what, (intmax_t)st.st_size, (intmax_t)d->size, path);
		free(path);
		return -1;
	}
	uint64_t size;
	char *got = img_hash_file(path, alg, &size);
	int rc = 0;
	if (!got)
		rc = -1;
	else if (strcmp(got, d->digest))
		rc = pc_fail(PC_ERR_INPUT, "%s: blob %s (%s) does not match its digest: content is %s: %s",
			     o->display, d->digest, what, got, path);
	free(got);
	free(path);
	return rc;
}

/* Read, check and parse a JSON blob (index, manifest, config). */
static json_t *load_json_blob(const struct oci *o, const struct desc *d, const char *what)
{
	if ((uint64_t)d->size > IMG_MAX_JSON_BYTES) {
		pc_fail(PC_ERR_INPUT, "%s: %s blob %s is too large (%jd bytes)", o->display, what,
			d->digest, (intmax_t)d->size);
		return NULL;
	}
	if (verify_blob(o, d, what) < 0)
		return NULL;
	char *path = desc_path(o, d);
	size_t len;
	char *buf = pc_read_file(path, &len);
	json_t *j = NULL;
	if (!buf)
		pc_fail_errno(PC_ERR_INPUT, errno, "read %s", path);
	else
		j = img_json_parse_buf(buf, len, path);
	free(buf);
	free(path);
	return j;
}

static void cand_add(struct oci *o, const struct desc *d, const struct platform *p)
{
	if (o->want_digest && strcmp(d->digest, o->want_digest))
		return;
	for (size_t i = 0; i < o->nc; i++)
		if (!strcmp(o->c[i].digest, d->digest))
			return; /* the same manifest reached twice */
	o->c = xrealloc(o->c, (o->nc + 1) * sizeof(*o->c));
	struct cand *c = &o->c[o->nc++];
	c->digest = xstrdup(d->digest);
	c->media_type = xstrdup(d->media_type);
	c->size = d->size;
	c->plat = *p;
}

static int collect(struct oci *o, json_t *manifests, const char *where, int depth,
		   const struct platform *inherited);

/* A descriptor from an index: an image manifest becomes a candidate, an
 * index is followed. */
static int collect_one(struct oci *o, json_t *jd, const char *where, int depth,
		       const struct platform *inherited)
{
	struct desc d;
	struct platform p = *inherited;
	if (desc_parse(jd, where, &d) < 0)
		return -1;
	if (d.platform && platform_from_json(d.platform, where, &p) < 0)
		return -1;
	/* OCI 1.1: a manifest with an artifactType (a signature, an SBOM
	 * referring to an image) is not an image, whatever its media type. */
	json_t *artifact = json_object_get(jd, "artifactType");
	if (json_is_string(artifact)) {
		char *what = xasprintf("artifact %s", json_string_value(artifact));
		img_strlist_add(&o->skipped_types, what);
		free(what);
		return 0;
	}
	/* containerd's exporter (ctr images export, Docker 28's docker save)
	 * lists an image's referrers (a cosign signature sets no
	 * artifactType) with this annotation: containerd's import makes no
	 * image of them, nor does powercut. */
	if (annotation(&d, "io.containerd.manifest.subject")) {
		img_strlist_add(&o->skipped_types, "artifact (referrer)");
		return 0;
	}
	if (img_in_list(manifest_types, d.media_type)) {
		cand_add(o, &d, &p);
		return 0;
	}
	if (!img_in_list(index_types, d.media_type)) {
		img_strlist_add(&o->skipped_types, d.media_type);
		return 0;
	}
	if (depth >= MAX_NESTING)
		return pc_fail(PC_ERR_INPUT, "%s: indexes nested deeper than %d levels", o->display,
			       MAX_NESTING);
	json_t *idx = load_json_blob(o, &d, "nested index");
	if (!idx)
		return -1;
	char *name = xasprintf("%s: index %s", o->display, d.digest);
	json_t *m = NULL;
	json_int_t schema = 0;
	json_error_t err;
	int rc;
	if (img_json_keys_distinct(idx, name) < 0)
		rc = -1;
	else if (json_unpack_ex(idx, &err, 0, "{s:I, s:o *}", "schemaVersion", &schema,
			   "manifests", &m) < 0 || !json_is_array(m))
		rc = pc_fail(PC_ERR_INPUT, "%s: not an image index: %s", name,
			     m ? "manifests is not an array" : err.text);
	else if (schema != 2)
		rc = pc_fail(PC_ERR_INPUT, "%s: schemaVersion %jd, expected 2", name,
			     (intmax_t)schema);
	else
		rc = collect(o, m, name, depth + 1, &p);
	free(name);
	json_decref(idx);
	return rc;
}

static int collect(struct oci *o, json_t *manifests, const char *where, int depth,
		   const struct platform *inherited)
{
	size_t i;
	json_t *jd;
	json_array_foreach(manifests, i, jd) {
		if (collect_one(o, jd, where, depth, inherited) < 0)
			return -1;
	}
	return 0;
}

static int cand_is_image(const struct cand *c);

/* The available platforms, for error messages: the images' only (an
 * attestation's unknown/unknown is no choice). */
static char *cands_platforms(const struct oci *o)
{
	struct strlist l = { 0 };
	char buf[PLATFORM_STR];
	for (size_t i = 0; i < o->nc; i++) {
		if (!cand_is_image(&o->c[i]))
			continue;
		platform_str(&o->c[i].plat, buf, sizeof(buf));
		img_strlist_add(&l, buf);
	}
	char *s = img_strlist_join(&l);
	img_strlist_free(&l);
	return s;
}

/* How many index entries were passed over as not images: attestation
 * manifests (unknown/unknown) and OCI 1.1 artifacts. */
static size_t cands_skipped(const struct oci *o)
{
	size_t n = 0;
	for (size_t i = 0; i < o->nc; i++)
		n += !cand_is_image(&o->c[i]);
	for (size_t i = 0; i < o->skipped_types.n; i++)
		n += !strncmp(o->skipped_types.v[i], "artifact ", 9);
	return n;
}

/* How well candidate C answers the request WANT: 0 not at all, 1 it has a
 * variant where none was asked for, 2 fully.  An image without a platform
 * could be any platform: it matches fully, so it is never passed over for
 * one that merely says it matches. */
static int cand_rank(const struct platform *want, const struct cand *c)
{
	if (!c->plat.os[0])
		return 2;
	/* An entry that needs OS features (nydus's beside the plain image):
	 * containerd's matcher passes it over unless they were asked for,
	 * and --platform cannot ask for them.  Name it by digest. */
	if (c->plat.features[0])
		return 0;
	if (!platform_match(want, &c->plat))
		return 0;
	return strcmp(want->variant, c->plat.variant) ? 1 : 2;
}

/* Attestations and other artifacts are listed as unknown/unknown. */
static int cand_is_image(const struct cand *c)
{
	return strcmp(c->plat.os, "unknown") != 0;
}

/* Several different manifests answer the request equally well: which one
 * is meant is not ours to guess.  List them, and say what can choose. */
static void fail_ambiguous(const struct oci *o, const struct platform *want, int top)
{
	struct strlist l = { 0 };
	char plat[PLATFORM_STR], first[PLATFORM_STR] = "", item[PLATFORM_STR + 100];
	int same = 1;
	for (size_t i = 0; i < o->nc; i++) {
		const struct cand *c = &o->c[i];
		if (!cand_is_image(c) || cand_rank(want, c) != top)
			continue;
		platform_str(&c->plat, plat, sizeof(plat));
		if (!l.n)
			snprintf(first, sizeof(first), "%s", plat);
		same = same && !strcmp(first, plat);
		snprintf(item, sizeof(item), "%s (%s)", c->digest, c->plat.os[0] ? plat : "no platform");
		img_strlist_add(&l, item);
	}
	char wanted[PLATFORM_STR];
	platform_str(want, wanted, sizeof(wanted));
	char *list = img_strlist_join(&l), *tags = img_strlist_join(&o->tags);
	/* Only images told apart by a variant can be chosen with --platform. */
	const char *how = top == 1 && !same ? "choose with --platform OS/ARCH/VARIANT, or"
					    : "--platform cannot tell them apart:";
	/* A TAG was given, or there is none to give: only a digest can choose. */
	char *name = o->tag || !o->tags.n
			     ? xasprintf("%s:DIGEST", o->display)
			     : xasprintf("%s:TAG (tags: %s) or %s:DIGEST", o->display, tags, o->display);
	pc_fail(PC_ERR_INPUT, "%s: several images match platform %s (%zu images: %s); %s name one as %s",
		o->display, wanted, l.n, list, how, name);
	free(name);
	free(list);
	free(tags);
	img_strlist_free(&l);
}

/* Is C a platform containerd's matcher falls back to for WANT when no
 * image is WANT itself (platforms.Only: amd64 takes 386, arm64 takes arm
 * v8 down to v5, arm/vN arm below N)? */
static int is_fallback(const struct platform *want, const struct platform *c)
{
	if (strcmp(want->os, c->os))
		return 0;
	if (!strcmp(want->arch, "amd64"))
		return !strcmp(c->arch, "386");
	int top = 0;
	if (!strcmp(want->arch, "arm64") && !want->variant[0])
		top = 9; /* arm/v8 and below */
	else if (!strcmp(want->arch, "arm") && want->variant[0] == 'v')
		top = atoi(want->variant + 1);
	int v = !strcmp(c->arch, "arm") && c->variant[0] == 'v' ? atoi(c->variant + 1) : 0;
	return v >= 5 && v < top;
}

/* BEST answers WANT only with a variant WANT did not ask for (amd64/v3 for
 * amd64): containerd's matcher never takes that, it takes a fallback
 * platform's image instead (386 for amd64), which podman on a CPU of that
 * level passes over.  With such an image listed too, the runtimes read
 * different images: an error naming both, never a pick. */
static int fail_fallback(const struct oci *o, const struct platform *want, const struct cand *best)
{
	for (size_t i = 0; i < o->nc; i++) {
		const struct cand *c = &o->c[i];
		if (!cand_is_image(c) || !c->plat.os[0] || c->plat.features[0] ||
		    !is_fallback(want, &c->plat))
			continue;
		char w[PLATFORM_STR], b[PLATFORM_STR], f[PLATFORM_STR];
		platform_str(want, w, sizeof(w));
		platform_str(&best->plat, b, sizeof(b));
		platform_str(&c->plat, f, sizeof(f));
		pc_fail(PC_ERR_INPUT, "%s: no image is %s itself: %s (%s) has a variant, which "
			"containerd's matcher does not take for %s, and %s (%s) is one it falls back "
			"to: the runtimes would read different images; choose with --platform "
			"OS/ARCH/VARIANT, or name one as %s:DIGEST", o->display, w, best->digest, b,
			w, c->digest, f, o->display);
		return 1;
	}
	return 0;
}

/* Choose one candidate: the one that answers the platform asked for (or
 * the host's) best; several different ones that answer it equally well are
 * an error.  Without an explicit platform, a single image is taken whatever
 * its platform (only its files matter here). */
static const struct cand *choose(struct oci *o, const char *platform)
{
	if (o->nc == 0) {
		char *types = img_strlist_join(&o->skipped_types);
		pc_fail(PC_ERR_INPUT, "%s: no image manifest found (other media types: %s)",
			o->display, types);
		free(types);
		return NULL;
	}
	struct platform want;
	if (platform) {
		if (platform_parse(platform, &want) < 0)
			return NULL;
	} else {
		platform_host(&want);
	}
	size_t real = 0;
	const struct cand *only = NULL;
	for (size_t i = 0; i < o->nc; i++)
		if (cand_is_image(&o->c[i])) {
			real++;
			only = &o->c[i];
		}
	if (real == 1 && (!platform || !only->plat.os[0]))
		return only;
	const struct cand *best = NULL;
	int top = 0;
	size_t ntop = 0;
	for (size_t i = 0; i < o->nc; i++) {
		const struct cand *c = &o->c[i];
		int r = cand_is_image(c) ? cand_rank(&want, c) : 0;
		if (r > top) {
			top = r;
			best = c;
			ntop = 0;
		}
		if (r && r == top)
			ntop++; /* candidates are distinct manifests (cand_add) */
	}
	if (ntop > 1) {
		fail_ambiguous(o, &want, top);
		return NULL;
	}
	if (top == 1 && fail_fallback(o, &want, best))
		return NULL;
	if (!best) {
		char wanted[PLATFORM_STR];
		platform_str(&want, wanted, sizeof(wanted));
		char *avail = cands_platforms(o);
		size_t skipped = cands_skipped(o);
		char more[200] = "";
		if (skipped)
			snprintf(more, sizeof(more), "; %zu attestation or artifact manifest%s skipped: not images",
				 skipped, skipped == 1 ? "" : "s");
		for (size_t i = 0; i < o->nc; i++)
			if (cand_is_image(&o->c[i]) && o->c[i].plat.features[0]) {
				size_t used = strlen(more);
				snprintf(more + used, sizeof(more) - used,
					 "; an image needing os.features is named by digest, as IMAGE:DIGEST");
				break;
			}
		pc_fail(PC_ERR_INPUT, "%s: no image for platform %s; available: %s (choose with --platform)%s",
			o->display, wanted, avail, more);
		free(avail);
	}
	return best;
}

/* "os/arch[/variant]" from an image config, or NULL. */
static char *config_platform(json_t *config)
{
	const char *os = NULL, *arch = NULL, *variant = NULL;
	if (json_unpack(config, "{s:s, s:s, s?s *}", "os", &os, "architecture", &arch,
			"variant", &variant) < 0)
		return NULL;
	return variant ? xasprintf("%s/%s/%s", os, arch, variant) : xasprintf("%s/%s", os, arch);
}

/* An explicit --platform REQUESTED must be the platform the image CONFIG
 * says it is, when nothing else said it (an index entry without a
 * platform matches any; a docker-archive's image is what it is): a request
 * the chosen image does not answer would otherwise test another
 * platform's tree without a word.  A config without os and architecture
 * says nothing, and passes; so does one without a variant. */
/* Does the platform CONFIG (an image config) says answer WANT?  1 yes,
 * or when it says none; 0 no, HAVE then gets what it says. */
static int config_answers(struct platform want, json_t *config, char *have_s, size_t len)
{
	const char *os = NULL, *arch = NULL, *variant = NULL;
	if (json_unpack(config, "{s:s, s:s, s?s *}", "os", &os, "architecture", &arch, "variant",
			&variant) < 0)
		return 1;
	struct platform have;
	memset(&have, 0, sizeof(have));
	snprintf(have.os, sizeof(have.os), "%s", os);
	snprintf(have.arch, sizeof(have.arch), "%s", arch);
	snprintf(have.variant, sizeof(have.variant), "%s", variant ? variant : "");
	platform_normalize(&have);
	if (!have.variant[0])
		want.variant[0] = '\0'; /* configs often leave the variant out */
	if (platform_match(&want, &have))
		return 1;
	platform_str(&have, have_s, len);
	return 0;
}

int img_platform_check(const char *requested, json_t *config, const char *where)
{
	struct platform want;
	char w[PLATFORM_STR], h[PLATFORM_STR];
	if (!requested)
		return 0;
	if (platform_parse(requested, &want) < 0)
		return -1;
	if (config_answers(want, config, h, sizeof(h)))
		return 0;
	platform_str(&want, w, sizeof(w));
	return pc_fail(PC_ERR_INPUT, "%s: the image is %s (its config says so), not the %s asked "
		       "for with --platform", where, h, w);
}

int img_config_is_host(json_t *config, char *have, size_t havelen, char *host, size_t hostlen)
{
	struct platform want;
	platform_host(&want);
	platform_str(&want, host, hostlen);
	return config_answers(want, config, have, havelen);
}

/* Layer I of a manifest (WHERE): its descriptor JL checked, its blob
 * checked against its digest and against DIFF_ID, then added to IMG. */
static int layer_of(struct oci *o, json_t *jl, size_t i, const char *diff_id, const char *where,
		    struct pc_image *img)
{
	struct desc ld;
	if (desc_parse(jl, where, &ld) < 0)
		return -1;
	if (img_layer_type_foreign(ld.media_type))
		return pc_fail(PC_ERR_INPUT,
			       "%s: layer %zu (%s) is non-distributable (%s): its content is "
			       "not part of the image, so powercut cannot test it",
			       where, i + 1, ld.digest, ld.media_type);
	if (!img_in_list(layer_types, ld.media_type))
		return pc_fail(PC_ERR_INPUT, "%s: layer %zu (%s) has unknown media type %s",
			       where, i + 1, ld.digest, ld.media_type);
	char what[PLATFORM_STR];
	snprintf(what, sizeof(what), "layer %zu", i + 1);
	if (verify_blob(o, &ld, what) < 0)
		return -1;
	snprintf(what, sizeof(what), "layer %zu (%s)", i + 1, ld.digest);
	char *path = blob_path(o, ld.digest);
	int rc = img_check_diff_id(path, ld.digest, diff_id, where, what);
	if (rc == 0)
		img_add_layer(img, path, ld.digest, ld.media_type, (uint64_t)ld.size);
	free(path);
	return rc;
}

/* The config and layers of the image manifest MAN (parsed; WHERE names it),
 * each blob checked. */
static int layers_of(struct oci *o, json_t *man, const char *where, struct pc_image *img,
		     struct pc_image_source *src)
{
	json_int_t schema = 0;
	json_t *jconfig = NULL, *jlayers = NULL;
	json_error_t err;
	struct desc cd;
	if (img_json_keys_distinct(man, where) < 0)
		return -1;
	if (json_unpack_ex(man, &err, 0, "{s:I, s:o, s:o *}", "schemaVersion", &schema,
			   "config", &jconfig, "layers", &jlayers) < 0 || !json_is_array(jlayers))
		return pc_fail(PC_ERR_INPUT, "%s: not an image manifest: %s", where,
			       jlayers ? "layers is not an array" : err.text);
	if (schema != 2)
		return pc_fail(PC_ERR_INPUT, "%s: schemaVersion %jd, expected 2", where,
			       (intmax_t)schema);
	if (desc_parse(jconfig, where, &cd) < 0)
		return -1;
	if (!img_in_list(config_types, cd.media_type))
		return pc_fail(PC_ERR_INPUT, "%s: not a container image (config media type %s)",
			       where, cd.media_type);
	json_t *config = load_json_blob(o, &cd, "image config");
	if (!config)
		return -1;
	free(src->config_type);
	src->config_type = xstrdup(cd.media_type);
	free(src->platform);
	src->platform = config_platform(config);
	char *cwhere = xasprintf("%s: config %s", where, cd.digest);
	/* As containerd: a descriptor's platform is trusted, the config's
	 * is checked when the descriptor names none. */
	json_t *ids = img_platform_check(o->platform_unknown ? o->platform : NULL, config,
					 cwhere) < 0
			      ? NULL
			      : img_config_diff_ids(config, json_array_size(jlayers), cwhere);
	int rc = ids ? 0 : -1;
	size_t i;
	json_t *jl;
	json_array_foreach(jlayers, i, jl) {
		if (rc < 0)
			break;
		rc = layer_of(o, jl, i, json_string_value(json_array_get(ids, i)), where, img);
	}
	free(cwhere);
	json_decref(config);
	return rc;
}

/* Which manifest C is, and, when it was one of several images, what chose
 * it: inspect prints it, so that a pick by the host's platform is said. */
static void note_chosen(const struct oci *o, const struct cand *c, struct pc_image_source *src)
{
	size_t real = 0;
	for (size_t i = 0; i < o->nc; i++)
		real += cand_is_image(&o->c[i]);
	free(src->chosen);
	if (real < 2) {
		src->chosen = xasprintf("manifest %s", c->digest);
		return;
	}
	char plat[PLATFORM_STR];
	platform_str(&c->plat, plat, sizeof(plat));
	char *avail = cands_platforms(o);
	if (o->platform) {
		src->chosen = xasprintf("manifest %s (%s), of %zu images (%s), for --platform %s",
					c->digest, plat, real, avail, o->platform);
	} else {
		struct platform host;
		char h[PLATFORM_STR];
		platform_host(&host);
		platform_str(&host, h, sizeof(h));
		src->chosen = xasprintf("manifest %s (%s), of %zu images (%s), for the host's "
					"platform %s (--platform chooses another)",
					c->digest, plat, real, avail, h);
	}
	free(avail);
}

static int layers_from_manifest(struct oci *o, const struct cand *c, struct pc_image *img,
				struct pc_image_source *src)
{
	note_chosen(o, c, src);
	struct desc md = { .media_type = c->media_type, .digest = c->digest, .size = c->size };
	json_t *man = load_json_blob(o, &md, "image manifest");
	if (!man)
		return -1;
	char *where = xasprintf("%s: manifest %s", o->display, c->digest);
	o->platform_unknown = !c->plat.os[0];
	free(src->manifest_type);
	src->manifest_type = xstrdup(c->media_type);
	int rc = layers_of(o, man, where, img, src);
	free(where);
	json_decref(man);
	return rc;
}

/* "sha256:HEX" or "sha512:HEX", well formed: a TAG that names a manifest
 * by its digest. */
static int is_digest(const char *s)
{
	size_t n = strlen(s);
	return (!strncmp(s, "sha256:", 7) && n == 7 + 64 && pc_is_lower_hex(s + 7, 64)) ||
	       (!strncmp(s, "sha512:", 7) && n == 7 + 128 && pc_is_lower_hex(s + 7, 128));
}

/* Does the index.json entry D answer TAG (NULL: every entry does)?  WANT is
 * TAG as docker compares references. */
static int entry_matches(const struct desc *d, const char *tag, const char *want)
{
	if (!tag)
		return 1;
	const char *ref = annotation(d, REF_NAME);
	const char *full = annotation(d, CONTAINERD_NAME);
	if ((ref && !strcmp(ref, tag)) || (full && !strcmp(full, tag)) || !strcmp(d->digest, tag))
		return 1;
	if (!full)
		return 0;
	char *have = img_docker_ref_normal(full); /* containerd's full name */
	int match = !strcmp(have, want);
	free(have);
	return match;
}

/* Top-level descriptors of index.json, filtered by TAG (a ref name, or a
 * digest: of an entry, or of a manifest inside a nested index).  The same
 * manifest listed twice is one image. */
static int select_tagged(struct oci *o, json_t *manifests, const char *tag, json_t *out)
{
	struct strlist tagged = { 0 }, matched = { 0 }; /* distinct digests */
	size_t i;
	json_t *jd;
	char *want = tag ? img_docker_ref_normal(tag) : NULL;
	int rc = 0;
	json_array_foreach(manifests, i, jd) {
		struct desc d;
		if ((rc = desc_parse(jd, o->display, &d)) < 0)
			break;
		const char *ref = annotation(&d, REF_NAME);
		if (ref) {
			img_strlist_add(&o->tags, ref);
			img_strlist_add(&tagged, d.digest);
		}
		if (entry_matches(&d, tag, want)) {
			json_array_append(out, jd);
			img_strlist_add(&matched, d.digest);
		}
	}
	free(want);
	if (rc == 0 && tag && !matched.n && is_digest(tag)) {
		/* Perhaps a manifest of a nested index: look there. */
		json_array_extend(out, manifests);
		o->want_digest = tag;
	} else if (rc == 0 && tag && !matched.n) {
		char *list = img_strlist_join(&o->tags);
		rc = pc_fail(PC_ERR_INPUT, "%s: no image tagged '%s'; tags: %s", o->display, tag, list);
		free(list);
	} else if (rc == 0 && tag && matched.n > 1) {
		rc = pc_fail(PC_ERR_INPUT, "%s: tag '%s' names %zu different entries of index.json",
			     o->display, tag, matched.n);
	} else if (rc == 0 && !tag && tagged.n > 1) {
		char *list = img_strlist_join(&o->tags);
		rc = pc_fail(PC_ERR_INPUT, "%s holds several images; name one as %s:TAG; tags: %s",
			     o->display, o->display, list);
		free(list);
	}
	img_strlist_free(&tagged);
	img_strlist_free(&matched);
	return rc;
}

static int check_oci_layout_file(const char *dir)
{
	char *path = xasprintf("%s/oci-layout", dir);
	json_t *j = img_json_parse_file(path);
	const char *version = NULL;
	json_error_t err;
	int rc = 0;
	if (!j)
		rc = -1;
	else if (json_unpack_ex(j, &err, 0, "{s:s !}", "imageLayoutVersion", &version) < 0)
		rc = pc_fail(PC_ERR_INPUT, "%s: %s", path, err.text);
	else if (strncmp(version, "1.", 2))
		rc = pc_fail(PC_ERR_INPUT, "%s: unsupported imageLayoutVersion %s", path, version);
	json_decref(j);
	free(path);
	return rc;
}

int img_oci_open(const char *dir, const char *display, const char *tag, const char *platform,
		 struct pc_image *img, struct pc_image_source *src)
{
	if (check_oci_layout_file(dir) < 0)
		return -1;
	char *ipath = xasprintf("%s/index.json", dir);
	json_t *index = img_json_parse_file(ipath);
	struct oci o = { .dir = dir, .display = display, .tag = tag, .platform = platform };
	json_t *chosen = json_array();
	json_t *manifests = NULL;
	json_int_t schema = 0;
	json_error_t err;
	int rc = -1;
	if (!index || img_json_keys_distinct(index, ipath) < 0)
		goto out;
	if (json_unpack_ex(index, &err, 0, "{s:I, s:o *}", "schemaVersion", &schema,
			   "manifests", &manifests) < 0 || !json_is_array(manifests)) {
		pc_fail(PC_ERR_INPUT, "%s: not an image index: %s", ipath,
			manifests ? "manifests is not an array" : err.text);
		goto out;
	}
	if (schema != 2) {
		pc_fail(PC_ERR_INPUT, "%s: schemaVersion %jd, expected 2", ipath, (intmax_t)schema);
		goto out;
	}
	if (select_tagged(&o, manifests, tag, chosen) < 0)
		goto out;
	struct platform none = { { 0 }, { 0 }, { 0 }, { 0 } };
	if (collect(&o, chosen, ipath, 0, &none) < 0)
		goto out;
	if (o.want_digest && !o.nc) {
		pc_fail(PC_ERR_INPUT, "%s: no image manifest with digest %s", o.display, tag);
		goto out;
	}
	const struct cand *c = choose(&o, platform);
	if (!c)
		goto out;
	rc = layers_from_manifest(&o, c, img, src);
out:
	oci_free(&o);
	json_decref(chosen);
	json_decref(index);
	free(ipath);
	return rc;
}

/* ---- skopeo dir: ---------------------------------------------------------- */

/* skopeo writes "Directory Transport Version: 1.x" into DIR/version. */
static const char SKOPEO_VERSION_PREFIX[] = "Directory Transport Version: 1.";

int img_is_skopeo_dir(const char *dir)
{
	char *vpath = xasprintf("%s/version", dir), *mpath = xasprintf("%s/manifest.json", dir);
	size_t len = 0;
	struct stat st;
	/* not a file of procfs or the like (a symlink to /proc/kmsg): its
	 * size is made up, and a read blocks */
	char *v = stat(vpath, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 4096 &&
			  !pc_input_pseudo_fs(vpath, -1)
			  ? pc_read_file(vpath, &len)
			  : NULL;
	int ok = v && len >= sizeof(SKOPEO_VERSION_PREFIX) - 1 &&
		 !strncmp(v, SKOPEO_VERSION_PREFIX, sizeof(SKOPEO_VERSION_PREFIX) - 1) &&
		 stat(mpath, &st) == 0 && S_ISREG(st.st_mode);
	free(v);
	free(vpath);
	free(mpath);
	return ok;
}

/* manifest.json as a manifest list or image index (skopeo copy --all):
 * the image for PLATFORM among its instances, chosen as in a layout. */
static int skopeo_dir_list(struct oci *o, json_t *list, const char *mpath, const char *platform,
			   struct pc_image *img, struct pc_image_source *src)
{
	json_t *m = NULL;
	json_int_t schema = 0;
	json_error_t err;
	if (img_json_keys_distinct(list, mpath) < 0)
		return -1;
	if (json_unpack_ex(list, &err, 0, "{s:I, s:o *}", "schemaVersion", &schema, "manifests",
			   &m) < 0 || !json_is_array(m))
		return pc_fail(PC_ERR_INPUT, "%s: not an image index: %s", mpath,
			       m ? "manifests is not an array" : err.text);
	if (schema != 2)
		return pc_fail(PC_ERR_INPUT, "%s: schemaVersion %jd, expected 2", mpath,
			       (intmax_t)schema);
	struct platform none = { { 0 }, { 0 }, { 0 }, { 0 } };
	if (collect(o, m, mpath, 0, &none) < 0)
		return -1;
	const struct cand *c = choose(o, platform);
	return c ? layers_from_manifest(o, c, img, src) : -1;
}

/* manifest.json is the image manifest itself (no digest names it, so it is
 * read as a file), or a list of them; config and layers are blobs DIR/HEX. */
int img_skopeo_dir_open(const char *dir, const char *platform, struct pc_image *img,
			struct pc_image_source *src)
{
	struct oci o = { .dir = dir, .display = dir, .flat = 1, .platform = platform,
			 .platform_unknown = 1 };
	char *mpath = xasprintf("%s/manifest.json", dir);
	json_t *man = img_json_parse_file(mpath);
	int rc = -1;
	const char *mt = NULL;
	if (!man)
		goto out;
	json_int_t schema = 0;
	if (img_json_keys_distinct(man, mpath) < 0)
		goto out;
	if (json_unpack(man, "{s?s s?I *}", "mediaType", &mt, "schemaVersion", &schema) < 0) {
		pc_fail(PC_ERR_INPUT, "%s: mediaType is not a string or schemaVersion not a number",
			mpath);
		goto out;
	}
	if (schema == 1) {
		pc_fail(PC_ERR_INPUT, "%s: a Docker schema 1 manifest (fsLayers), which powercut does "
			"not read: copy it with skopeo copy --format v2s2 (or oci) first", mpath);
		goto out;
	}
	if (mt && img_in_list(index_types, mt)) {
		rc = skopeo_dir_list(&o, man, mpath, platform, img, src);
		goto out;
	}
	if (mt && !img_in_list(manifest_types, mt)) {
		pc_fail(PC_ERR_INPUT, "%s: unknown manifest media type %s", mpath, mt);
		goto out;
	}
	free(src->manifest_type);
	src->manifest_type = mt ? xstrdup(mt) : NULL;
	rc = layers_of(&o, man, mpath, img, src);
out:
	oci_free(&o);
	json_decref(man);
	free(mpath);
	return rc;
}
