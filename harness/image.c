/* image.c - see image.h.
 *
 * Three kinds of source, told apart by what is on disk:
 *   - a directory with an oci-layout file: an OCI image layout;
 *   - a tar whose members are only docker-save names (manifest.json,
 *     repositories, <hex>/..., <hex>.json, blobs/..., index.json,
 *     oci-layout) and that holds manifest.json: a docker-save archive
 *     (without manifest.json but with index.json and oci-layout: an OCI
 *     layout in a tar, "oci-archive");
 *   - anything else: one layer tarball.
 *
 * All JSON goes through jansson.  Objects whose schema is closed (oci-layout,
 * platform) are unpacked strictly ("!"); descriptors and manifests are
 * extensible by specification (unknown fields must be ignored), so only their
 * known fields are checked.
 */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

#define MAX_JSON_BYTES (64u << 20) /* index, manifest, config blobs */
#define MAX_NESTING 8              /* nested indexes */
#define MAX_LINK_HOPS 8            /* symlinked members in docker-save */
#define IO_CHUNK (1u << 20)

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
	"application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.diff.tar",
	"application/vnd.docker.image.rootfs.diff.tar.gzip",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	NULL,
};

static int in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* ---- small string list ------------------------------------------------ */

struct strlist {
	char **v;
	size_t n;
};

static void strlist_add(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

/* "a, b, c" (or "(none)"); caller frees. */
static char *strlist_join(const struct strlist *l)
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

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- digests ------------------------------------------------------------ */

/* Check "ALG:HEX" (sha256 or sha512, lowercase hex of the right length: it
 * becomes a path below blobs/, so nothing else may pass).  Returns the EVP
 * digest, or NULL with an error naming WHERE. */
static const EVP_MD *digest_parse(const char *digest, const char *where)
{
	const EVP_MD *md = NULL;
	size_t hexlen = 0;
	const char *hex = NULL;
	if (!strncmp(digest, "sha256:", 7)) {
		md = EVP_sha256();
		hexlen = 64;
		hex = digest + 7;
	} else if (!strncmp(digest, "sha512:", 7)) {
		md = EVP_sha512();
		hexlen = 128;
		hex = digest + 7;
	} else {
		pc_fail(PC_ERR_INPUT, "%s: unsupported digest '%s' (sha256 and sha512 are)",
			where, digest);
		return NULL;
	}
	size_t i;
	for (i = 0; hex[i]; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			break;
	if (hex[i] || i != hexlen) {
		pc_fail(PC_ERR_INPUT, "%s: malformed digest '%s'", where, digest);
		return NULL;
	}
	return md;
}

struct hasher {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

static void hasher_init(struct hasher *h, const EVP_MD *md)
{
	h->md = md;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
		fprintf(stderr, "powercut: EVP digest init failed\n");
		abort();
	}
}

static void hasher_update(struct hasher *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, p, n) != 1)
		abort();
}

/* "ALG:HEX" of what was hashed; frees the context. */
static char *hasher_final(struct hasher *h)
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1)
		abort();
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	pc_hex(out, len, hex);
	return xasprintf("%s:%s", h->md == EVP_sha512() ? "sha512" : "sha256", hex);
}

/* Hash the file at PATH with MD, streaming.  *size gets its length. */
static char *hash_file(const char *path, const EVP_MD *md, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_INPUT, errno, "open %s", path);
		return NULL;
	}
	struct hasher h;
	hasher_init(&h, md);
	char *buf = xmalloc(IO_CHUNK);
	uint64_t total = 0;
	for (;;) {
		/* A ^C must not wait for a multi-gigabyte blob to be hashed. */
		ssize_t n = pc_check_interrupted() < 0 ? -2 : read(fd, buf, IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0) {
			if (n == -1)
				pc_fail_errno(PC_ERR_INPUT, errno, "read %s", path);
			free(buf);
			close(fd);
			free(hasher_final(&h));
			return NULL;
		}
		if (n == 0)
			break;
		hasher_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	free(buf);
	close(fd);
	*size = total;
	return hasher_final(&h);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *json_parse_buf(const char *buf, size_t len, const char *name)
{
	json_error_t err;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		pc_fail(PC_ERR_INPUT, "%s:%d:%d: bad JSON: %s", name, err.line, err.column,
			err.text);
	return j;
}

static json_t *json_parse_file(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		if (access(path, F_OK) < 0)
			pc_fail_errno(PC_ERR_INPUT, errno, "open %s", path);
		else
			pc_fail(PC_ERR_INPUT, "%s:%d:%d: bad JSON: %s", path, err.line,
				err.column, err.text);
	}
	return j;
}

/* ---- the image being built ----------------------------------------------- */

static void add_layer(struct pc_image *img, const char *path, const char *digest,
		      uint64_t size)
{
	img->layers = xrealloc(img->layers, (img->nlayers + 1) * sizeof(*img->layers));
	struct pc_layer *l = &img->layers[img->nlayers++];
	l->path = xstrdup(path);
	l->digest = digest ? xstrdup(digest) : NULL;
	l->size = size;
}

static const char *ensure_tmpdir(struct pc_image *img, const char *tmpbase)
{
	if (img->tmpdir)
		return img->tmpdir;
	if (!tmpbase)
		tmpbase = getenv("TMPDIR");
	if (!tmpbase || !*tmpbase)
		tmpbase = "/tmp";
	char *t = xasprintf("%s/powercut-image.XXXXXX", tmpbase);
	if (!mkdtemp(t)) {
		pc_fail_errno(PC_ERR_RUN, errno, "create a temporary folder in %s", tmpbase);
		free(t);
		return NULL;
	}
	img->tmpdir = t;
	return t;
}

/* ---- OCI image layout ---------------------------------------------------- */

struct desc {
	const char *media_type;
	const char *digest;
	json_int_t size;
	json_t *annotations;
	json_t *platform;
	json_t *urls;
};

static int desc_parse(json_t *j, const char *where, struct desc *d)
{
	json_error_t err;
	memset(d, 0, sizeof(*d));
	if (json_unpack_ex(j, &err, 0, "{s:s, s:s, s:I, s?o, s?o, s?o *}",
			   "mediaType", &d->media_type, "digest", &d->digest, "size", &d->size,
			   "annotations", &d->annotations, "platform", &d->platform,
			   "urls", &d->urls) < 0)
		return pc_fail(PC_ERR_INPUT, "%s: bad descriptor: %s", where, err.text);
	if (d->size < 0)
		return pc_fail(PC_ERR_INPUT, "%s: descriptor %s has a negative size", where,
			       d->digest);
	if (!digest_parse(d->digest, where))
		return -1;
	return 0;
}

static const char *annotation(const struct desc *d, const char *key)
{
	json_t *v = d->annotations ? json_object_get(d->annotations, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct platform {
	char os[64], arch[64], variant[64];
};

/* arm64 "v8" and amd64 "v1" are the defaults: compare them as no variant. */
static void platform_normalize(struct platform *p)
{
	if ((!strcmp(p->arch, "arm64") && !strcmp(p->variant, "v8")) ||
	    (!strcmp(p->arch, "amd64") && !strcmp(p->variant, "v1")))
		p->variant[0] = '\0';
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
	else if (p->variant[0])
		snprintf(out, len, "%s/%s/%s", p->os, p->arch, p->variant);
	else
		snprintf(out, len, "%s/%s", p->os, p->arch);
}

/* Platform object of a descriptor: a closed schema, so strict. */
static int platform_from_json(json_t *j, const char *where, struct platform *p)
{
	const char *os, *arch, *variant = NULL, *osver = NULL;
	json_t *osfeat = NULL, *feat = NULL;
	json_error_t err;
	memset(p, 0, sizeof(*p));
	if (json_unpack_ex(j, &err, 0, "{s:s, s:s, s?s, s?s, s?o, s?o !}",
			   "os", &os, "architecture", &arch, "variant", &variant,
			   "os.version", &osver, "os.features", &osfeat, "features", &feat) < 0)
		return pc_fail(PC_ERR_INPUT, "%s: bad platform: %s", where, err.text);
	snprintf(p->os, sizeof(p->os), "%s", os);
	snprintf(p->arch, sizeof(p->arch), "%s", arch);
	snprintf(p->variant, sizeof(p->variant), "%s", variant ? variant : "");
	platform_normalize(p);
	return 0;
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
	struct cand *c;
	size_t nc;
	struct strlist skipped_types; /* media types in indexes we do not use */
};

static char *blob_path(const struct oci *o, const char *digest)
{
	const char *colon = strchr(digest, ':');
	return xasprintf("%s/blobs/%.*s/%s", o->dir, (int)(colon - digest), digest, colon + 1);
}

/* Check the blob of D (existence, size, digest). */
static int verify_blob(const struct oci *o, const struct desc *d, const char *what)
{
	const EVP_MD *md = digest_parse(d->digest, o->display);
	if (!md)
		return -1;
	char *path = blob_path(o, d->digest);
	struct stat st;
	if (stat(path, &st) < 0) {
		int e = errno;
		if (e == ENOENT && d->urls)
			pc_fail(PC_ERR_INPUT,
				"%s: blob %s (%s) is missing: a non-distributable layer, fetch it from its URLs first",
				o->display, d->digest, what);
		else
			pc_fail_errno(PC_ERR_INPUT, e, "%s: blob %s (%s) is missing: %s", o->display,
				      d->digest, what, path);
		free(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pc_fail(PC_ERR_INPUT, "%s: blob %s (%s) is not a regular file", o->display, path, what);
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
	char *got = hash_file(path, md, &size);
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
	if ((uint64_t)d->size > MAX_JSON_BYTES) {
		pc_fail(PC_ERR_INPUT, "%s: %s blob %s is too large (%jd bytes)", o->display, what,
			d->digest, (intmax_t)d->size);
		return NULL;
	}
	if (verify_blob(o, d, what) < 0)
		return NULL;
	char *path = blob_path(o, d->digest);
	size_t len;
	char *buf = pc_read_file(path, &len);
	json_t *j = NULL;
	if (!buf)
		pc_fail_errno(PC_ERR_INPUT, errno, "read %s", path);
	else
		j = json_parse_buf(buf, len, path);
	free(buf);
	free(path);
	return j;
}

static void cand_add(struct oci *o, const struct desc *d, const struct platform *p)
{
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
	if (in_list(manifest_types, d.media_type)) {
		cand_add(o, &d, &p);
		return 0;
	}
	if (!in_list(index_types, d.media_type)) {
		strlist_add(&o->skipped_types, d.media_type);
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
	if (json_unpack_ex(idx, &err, 0, "{s:I, s:o *}", "schemaVersion", &schema,
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

/* The available platforms, for error messages. */
static char *cands_platforms(const struct oci *o)
{
	struct strlist l = { 0 };
	char buf[200];
	for (size_t i = 0; i < o->nc; i++) {
		platform_str(&o->c[i].plat, buf, sizeof(buf));
		strlist_add(&l, buf);
	}
	char *s = strlist_join(&l);
	strlist_free(&l);
	return s;
}

/* Choose one candidate.  Without an explicit platform, a single image is
 * taken whatever its platform (only its files matter here). */
static const struct cand *choose(struct oci *o, const char *platform)
{
	if (o->nc == 0) {
		char *types = strlist_join(&o->skipped_types);
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
	/* Attestations and other artifacts are listed as unknown/unknown. */
	size_t real = 0;
	const struct cand *only = NULL;
	for (size_t i = 0; i < o->nc; i++)
		if (strcmp(o->c[i].plat.os, "unknown")) {
			real++;
			only = &o->c[i];
		}
	if (real == 1 && (!platform || !only->plat.os[0]))
		return only;
	const struct cand *best = NULL;
	size_t nmatch = 0;
	for (size_t i = 0; i < o->nc; i++) {
		const struct cand *c = &o->c[i];
		if (!c->plat.os[0] || !platform_match(&want, &c->plat))
			continue;
		/* With no variant asked for, prefer the one without a variant. */
		if (!best || (best->plat.variant[0] && !c->plat.variant[0]))
			best = c;
		nmatch++;
	}
	char wanted[200];
	platform_str(&want, wanted, sizeof(wanted));
	if (!best || (nmatch > 1 && best->plat.variant[0])) {
		char *avail = cands_platforms(o);
		pc_fail(PC_ERR_INPUT, "%s: %s platform %s; available: %s (choose with --platform)",
			o->display, best ? "several images match" : "no image for", wanted, avail);
		free(avail);
		return NULL;
	}
	return best;
}

static int layers_from_manifest(struct oci *o, const struct cand *c, struct pc_image *img)
{
	struct desc md = { .media_type = c->media_type, .digest = c->digest, .size = c->size };
	json_t *man = load_json_blob(o, &md, "image manifest");
	if (!man)
		return -1;
	char *where = xasprintf("%s: manifest %s", o->display, c->digest);
	json_int_t schema = 0;
	json_t *jconfig = NULL, *jlayers = NULL;
	json_error_t err;
	struct desc cd;
	int rc = -1;
	if (json_unpack_ex(man, &err, 0, "{s:I, s:o, s:o *}", "schemaVersion", &schema,
			   "config", &jconfig, "layers", &jlayers) < 0 || !json_is_array(jlayers)) {
		pc_fail(PC_ERR_INPUT, "%s: not an image manifest: %s", where,
			jlayers ? "layers is not an array" : err.text);
		goto out;
	}
	if (schema != 2) {
		pc_fail(PC_ERR_INPUT, "%s: schemaVersion %jd, expected 2", where, (intmax_t)schema);
		goto out;
	}
	if (desc_parse(jconfig, where, &cd) < 0)
		goto out;
	if (!in_list(config_types, cd.media_type)) {
		pc_fail(PC_ERR_INPUT, "%s: not a container image (config media type %s)", where,
			cd.media_type);
		goto out;
	}
	json_t *config = load_json_blob(o, &cd, "image config");
	if (!config)
		goto out;
	json_decref(config);
	size_t i;
	json_t *jl;
	json_array_foreach(jlayers, i, jl) {
		struct desc ld;
		if (desc_parse(jl, where, &ld) < 0)
			goto out;
		if (!in_list(layer_types, ld.media_type)) {
			pc_fail(PC_ERR_INPUT, "%s: layer %zu (%s) has unknown media type %s", where,
				i + 1, ld.digest, ld.media_type);
			goto out;
		}
		char what[64];
		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (verify_blob(o, &ld, what) < 0)
			goto out;
		char *path = blob_path(o, ld.digest);
		add_layer(img, path, ld.digest, (uint64_t)ld.size);
		free(path);
	}
	rc = 0;
out:
	free(where);
	json_decref(man);
	return rc;
}

/* Top-level descriptors of index.json, filtered by TAG. */
static int select_tagged(struct oci *o, json_t *manifests, const char *tag, json_t *out)
{
	struct strlist tags = { 0 };
	size_t i;
	json_t *jd;
	json_array_foreach(manifests, i, jd) {
		struct desc d;
		if (desc_parse(jd, o->display, &d) < 0) {
			strlist_free(&tags);
			return -1;
		}
		const char *ref = annotation(&d, REF_NAME);
		const char *full = annotation(&d, CONTAINERD_NAME);
		if (ref)
			strlist_add(&tags, ref);
		if (!tag || (ref && !strcmp(ref, tag)) || (full && !strcmp(full, tag)))
			json_array_append(out, jd);
	}
	int rc = 0;
	if (tag && json_array_size(out) == 0) {
		char *list = strlist_join(&tags);
		rc = pc_fail(PC_ERR_INPUT, "%s: no image tagged '%s'; tags: %s", o->display, tag, list);
		free(list);
	} else if (tag && json_array_size(out) > 1) {
		rc = pc_fail(PC_ERR_INPUT, "%s: tag '%s' names %zu entries of index.json", o->display,
			     tag, json_array_size(out));
	} else if (!tag && tags.n > 1) {
		char *list = strlist_join(&tags);
		rc = pc_fail(PC_ERR_INPUT, "%s holds several images; name one as %s:TAG; tags: %s",
			     o->display, o->display, list);
		free(list);
	}
	strlist_free(&tags);
	return rc;
}

static int check_oci_layout_file(const char *dir)
{
	char *path = xasprintf("%s/oci-layout", dir);
	json_t *j = json_parse_file(path);
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

/* DIR is an OCI layout; DISPLAY names it in messages. */
static int open_oci(const char *dir, const char *display, const char *tag,
		    const char *platform, struct pc_image *img)
{
	if (check_oci_layout_file(dir) < 0)
		return -1;
	char *ipath = xasprintf("%s/index.json", dir);
	json_t *index = json_parse_file(ipath);
	struct oci o = { .dir = dir, .display = display };
	json_t *chosen = json_array();
	json_t *manifests = NULL;
	json_int_t schema = 0;
	json_error_t err;
	int rc = -1;
	if (!index)
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
	struct platform none = { { 0 }, { 0 }, { 0 } };
	if (collect(&o, chosen, ipath, 0, &none) < 0)
		goto out;
	const struct cand *c = choose(&o, platform);
	if (!c)
		goto out;
	rc = layers_from_manifest(&o, c, img);
out:
	for (size_t i = 0; i < o.nc; i++) {
		free(o.c[i].digest);
		free(o.c[i].media_type);
	}
	free(o.c);
	strlist_free(&o.skipped_types);
	json_decref(chosen);
	json_decref(index);
	free(ipath);
	return rc;
}

/* ---- tar archives: layer, docker-save or oci-archive --------------------- */

struct member {
	char *name;   /* normalised: no leading "./" */
	int type;     /* AE_IFREG, AE_IFLNK, AE_IFDIR, ... ; hardlinks as AE_IFREG */
	char *link;   /* symlink target, or hardlink target (normalised) */
	int hardlink;
};

struct tarscan {
	struct member *m;
	size_t n;
	char *manifest_json; /* contents, when present */
	size_t manifest_len;
	int has_index, has_oci_layout;
};

static void tarscan_free(struct tarscan *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->m[i].name);
		free(t->m[i].link);
	}
	free(t->m);
	free(t->manifest_json);
	memset(t, 0, sizeof(*t));
}

static const char *strip_dot(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	return name;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Could NAME be a member of a docker-save or OCI archive? */
static int docker_save_name(const char *name)
{
	size_t first = strcspn(name, "/");
	if (!strcmp(name, "manifest.json") || !strcmp(name, "repositories") ||
	    !strcmp(name, "index.json") || !strcmp(name, "oci-layout") || !strcmp(name, ""))
		return 1;
	if (first == 5 && !strncmp(name, "blobs", 5))
		return 1;
	if (first == 64 && is_hex(name, 64))
		return 1; /* legacy layer folder <id>/ */
	if (first == 69 && is_hex(name, 64) && !strcmp(name + 64, ".json"))
		return 1; /* legacy config <id>.json */
	return 0;
}

static struct archive *tar_open(const char *path)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		pc_fail(PC_ERR_INPUT, "open %s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Read the current member's data into memory (at most MAX_JSON_BYTES). */
static char *read_member(struct archive *a, const char *file, const char *name, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			if (cap > MAX_JSON_BYTES) {
				pc_fail(PC_ERR_INPUT, "%s: member %s is too large", file, name);
				free(buf);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		la_ssize_t r = archive_read_data(a, buf + n, cap - n - 1);
		if (r < 0) {
			pc_fail(PC_ERR_INPUT, "%s: read member %s: %s", file, name,
				archive_error_string(a));
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* First pass over a tar: is it a layer (returns 0) or an image archive
 * (returns 1, with the member list and manifest.json)? */
static int tar_classify(const char *path, struct tarscan *t)
{
	struct archive *a = tar_open(path);
	if (!a)
		return -1;
	struct archive_entry *e;
	int rc = 1, r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = archive_entry_pathname(e);
		const char *name = strip_dot(raw ? raw : "");
		if (!docker_save_name(name)) {
			rc = 0;
			break;
		}
		t->m = xrealloc(t->m, (t->n + 1) * sizeof(*t->m));
		struct member *m = &t->m[t->n++];
		memset(m, 0, sizeof(*m));
		m->name = xstrdup(name);
		size_t nl = strlen(m->name);
		while (nl > 0 && m->name[nl - 1] == '/')
			m->name[--nl] = '\0';
		m->type = (int)archive_entry_filetype(e);
		if (archive_entry_hardlink(e)) {
			m->hardlink = 1;
			m->type = AE_IFREG;
			m->link = xstrdup(strip_dot(archive_entry_hardlink(e)));
		} else if (archive_entry_symlink(e)) {
			m->link = xstrdup(archive_entry_symlink(e));
		}
		if (!strcmp(m->name, "index.json"))
			t->has_index = 1;
		if (!strcmp(m->name, "oci-layout"))
			t->has_oci_layout = 1;
		if (!strcmp(m->name, "manifest.json") && m->type == AE_IFREG && !m->hardlink) {
			free(t->manifest_json);
			t->manifest_json = read_member(a, path, m->name, &t->manifest_len);
			if (!t->manifest_json) {
				rc = -1;
				break;
			}
		}
	}
	if (rc == 1 && r != ARCHIVE_EOF) {
		pc_fail(PC_ERR_INPUT, "%s: not a readable tar archive: %s", path,
			archive_error_string(a));
		rc = -1;
	}
	if (rc == 1 && !t->manifest_json && !(t->has_index && t->has_oci_layout))
		rc = 0; /* only odd names, but not an image archive */
	archive_read_free(a);
	return rc;
}

/* A member name from manifest.json or a link target: relative, no "..". */
static int member_name_ok(const char *name)
{
	if (!*name || name[0] == '/')
		return 0;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += len;
		while (*p == '/')
			p++;
	}
	return 1;
}

static const struct member *member_find(const struct tarscan *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->m[i].name, name))
			return &t->m[i];
	return NULL;
}

/* Resolve NAME through symlinked and hardlinked members to a regular member
 * (docker save writes "<id>/layer.tar -> ../<other>/layer.tar" for repeated
 * layers).  Returns the member's name (owned by T) or NULL. */
static const char *member_resolve(const struct tarscan *t, const char *file, const char *name)
{
	char *cur = xstrdup(strip_dot(name));
	for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
		if (!member_name_ok(cur)) {
			pc_fail(PC_ERR_INPUT, "%s: refusing member name '%s' (absolute or with '..')",
				file, cur);
			free(cur);
			return NULL;
		}
		const struct member *m = member_find(t, cur);
		if (!m) {
			pc_fail(PC_ERR_INPUT, "%s: member %s is missing", file, cur);
			free(cur);
			return NULL;
		}
		if (m->type == AE_IFREG && !m->hardlink) {
			free(cur);
			return m->name;
		}
		if (!m->link) {
			pc_fail(PC_ERR_INPUT, "%s: member %s is not a regular file", file, cur);
			free(cur);
			return NULL;
		}
		char *next;
		if (m->hardlink) {
			next = xstrdup(m->link);
		} else {
			/* Symlink: relative to the member's folder; fold "../". */
			const char *slash = strrchr(m->name, '/');
			char *base = slash ? xasprintf("%.*s", (int)(slash - m->name), m->name) : xstrdup("");
			const char *target = m->link;
			while (!strncmp(target, "../", 3)) {
				if (!*base)
					break; /* escapes: caught by member_name_ok */
				char *up = strrchr(base, '/');
				if (up)
					*up = '\0';
				else
					base[0] = '\0';
				target += 3;
			}
			next = *base ? xasprintf("%s/%s", base, target) : xstrdup(target);
			free(base);
		}
		free(cur);
		cur = next;
	}
	pc_fail(PC_ERR_INPUT, "%s: member %s: too many links", file, name);
	free(cur);
	return NULL;
}

struct wanted {
	const char *member; /* resolved name (owned by the tarscan) */
	char *out;          /* extracted to this file, or NULL: read into memory */
	char *digest;       /* "sha256:..." of the contents, once read */
	uint64_t size;
	char *data;         /* contents, when read into memory */
	size_t len;
};

static int copy_member(struct archive *a, const char *file, struct wanted *w)
{
	int fd = open(w->out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "create %s", w->out);
	struct hasher h;
	hasher_init(&h, EVP_sha256());
	char *buf = xmalloc(IO_CHUNK);
	int rc = 0;
	for (;;) {
		/* A ^C must not wait for a whole layer to be extracted. */
		if ((rc = pc_check_interrupted()) < 0)
			break;
		la_ssize_t r = archive_read_data(a, buf, IO_CHUNK);
		if (r < 0) {
			rc = pc_fail(PC_ERR_INPUT, "%s: read member %s: %s", file, w->member,
				     archive_error_string(a));
			break;
		}
		if (r == 0)
			break;
		hasher_update(&h, buf, (size_t)r);
		for (la_ssize_t off = 0; off < r;) {
			ssize_t n = write(fd, buf + off, (size_t)(r - off));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = pc_fail_errno(PC_ERR_RUN, errno, "write %s", w->out);
				break;
			}
			off += n;
		}
		if (rc < 0)
			break;
		w->size += (uint64_t)r;
	}
	free(buf);
	w->digest = hasher_final(&h);
	if (close(fd) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", w->out);
	return rc;
}

/* Second pass: extract the wanted members. */
static int tar_extract(const char *path, struct wanted *w, size_t nw)
{
	struct archive *a = tar_open(path);
	if (!a)
		return -1;
	struct archive_entry *e;
	int r, rc = 0;
	while (rc == 0 && ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		const char *raw = archive_entry_pathname(e);
		const char *name = strip_dot(raw ? raw : "");
		if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFREG)
			continue;
		for (size_t i = 0; i < nw && rc == 0; i++) {
			if (strcmp(w[i].member, name) || w[i].digest)
				continue;
			if (w[i].out) {
				rc = copy_member(a, path, &w[i]);
			} else {
				w[i].data = read_member(a, path, name, &w[i].len);
				if (!w[i].data) {
					rc = -1;
				} else {
					struct hasher h;
					hasher_init(&h, EVP_sha256());
					hasher_update(&h, w[i].data, w[i].len);
					w[i].digest = hasher_final(&h);
					w[i].size = w[i].len;
				}
			}
			break; /* a member's data can be read once */
		}
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = pc_fail(PC_ERR_INPUT, "%s: %s", path, archive_error_string(a));
	for (size_t i = 0; rc == 0 && i < nw; i++)
		if (!w[i].digest)
			rc = pc_fail(PC_ERR_INPUT, "%s: member %s could not be read", path, w[i].member);
	archive_read_free(a);
	return rc;
}

/* "blobs/sha256/HEX" or "HEX.json" names carry the expected digest. */
static char *digest_from_member(const char *name)
{
	if (!strncmp(name, "blobs/sha256/", 13) && strlen(name + 13) == 64 && is_hex(name + 13, 64))
		return xasprintf("sha256:%s", name + 13);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strlen(base) == 69 && is_hex(base, 64) && !strcmp(base + 64, ".json"))
		return xasprintf("sha256:%.64s", base);
	return NULL;
}

static int is_compressed(const char *path)
{
	unsigned char b[6] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	if (n < 4)
		return 0;
	return (b[0] == 0x1f && b[1] == 0x8b) || (b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f &&
		b[3] == 0xfd) || (b[0] == 0xfd && b[1] == '7' && b[2] == 'z') ||
	       (b[0] == 'B' && b[1] == 'Z' && b[2] == 'h');
}

/* Check an extracted member against the digest its name or the config
 * promises. */
static int check_member_digest(const char *file, const struct wanted *w, const char *expected,
			       const char *what)
{
	if (!expected || !strcmp(expected, w->digest))
		return 0;
	return pc_fail(PC_ERR_INPUT, "%s: %s (member %s) does not match its digest %s: content is %s",
		       file, what, w->member, expected, w->digest);
}

/* Which manifest.json entry: by TAG among RepoTags, or the only one. */
static json_t *docker_select(json_t *list, const char *file, const char *tag)
{
	struct strlist tags = { 0 };
	json_t *found = NULL;
	size_t nfound = 0, i;
	json_t *item;
	json_array_foreach(list, i, item) {
		json_t *rt = json_object_get(item, "RepoTags");
		size_t k;
		json_t *jt;
		int match = 0;
		json_array_foreach(rt, k, jt) {
			if (!json_is_string(jt))
				continue;
			const char *s = json_string_value(jt);
			const char *colon = strrchr(s, ':');
			strlist_add(&tags, s);
			if (tag && (!strcmp(s, tag) || (colon && !strcmp(colon + 1, tag))))
				match = 1;
		}
		if (!tag || match) {
			found = item;
			nfound++;
		}
	}
	char *avail = strlist_join(&tags);
	if (nfound != 1) {
		if (tag && nfound == 0)
			pc_fail(PC_ERR_INPUT, "%s: no image tagged '%s'; tags: %s", file, tag, avail);
		else
			pc_fail(PC_ERR_INPUT, "%s holds %zu images; name one as %s:TAG; tags: %s", file,
				nfound, file, avail);
		found = NULL;
	}
	free(avail);
	strlist_free(&tags);
	return found;
}

static int open_docker_save(const char *file, const char *tag, const struct tarscan *t,
			    const char *tmpbase, struct pc_image *img)
{
	char mname[512];
	snprintf(mname, sizeof(mname), "%s:manifest.json", file);
	json_t *list = json_parse_buf(t->manifest_json, t->manifest_len, mname);
	if (!list)
		return -1;
	int rc = -1;
	struct wanted *w = NULL;
	size_t nw = 0;
	json_t *diff_ids = NULL, *cfg = NULL;
	if (!json_is_array(list)) {
		pc_fail(PC_ERR_INPUT, "%s: expected an array", mname);
		goto out;
	}
	json_t *item = docker_select(list, file, tag);
	if (!item)
		goto out;
	const char *config = NULL;
	json_t *layers = NULL, *repotags = NULL;
	json_error_t err;
	if (json_unpack_ex(item, &err, 0, "{s:s, s?o, s:o *}", "Config", &config, "RepoTags",
			   &repotags, "Layers", &layers) < 0 || !json_is_array(layers)) {
		pc_fail(PC_ERR_INPUT, "%s: %s", mname, layers ? "Layers is not an array" : err.text);
		goto out;
	}
	const char *dir = ensure_tmpdir(img, tmpbase);
	if (!dir)
		goto out;
	nw = json_array_size(layers) + 1;
	w = xcalloc(nw, sizeof(*w));
	if (!(w[0].member = member_resolve(t, file, config)))
		goto out;
	for (size_t i = 1; i < nw; i++) {
		json_t *jl = json_array_get(layers, i - 1);
		if (!json_is_string(jl)) {
			pc_fail(PC_ERR_INPUT, "%s: Layers[%zu] is not a string", mname, i - 1);
			goto out;
		}
		if (!(w[i].member = member_resolve(t, file, json_string_value(jl))))
			goto out;
		w[i].out = xasprintf("%s/layer-%zu-%zu.tar", dir, img->nlayers, i);
	}
	/* The same member listed twice is extracted once. */
	for (size_t i = 1; i < nw; i++)
		for (size_t k = 1; k < i; k++)
			if (!strcmp(w[i].member, w[k].member) && w[k].out) {
				free(w[i].out);
				w[i].out = NULL;
				w[i].member = w[k].member;
				break;
			}
	struct wanted *todo = xcalloc(nw, sizeof(*todo));
	size_t ntodo = 0;
	for (size_t i = 0; i < nw; i++)
		if (i == 0 || w[i].out)
			todo[ntodo++] = w[i];
	int xr = tar_extract(file, todo, ntodo);
	for (size_t i = 0, k = 0; i < nw; i++)
		if (i == 0 || w[i].out)
			w[i] = todo[k++];
	free(todo);
	if (xr < 0)
		goto out;
	for (size_t i = 1; i < nw; i++)
		if (!w[i].out)
			for (size_t k = 1; k < i; k++)
				if (w[k].out && !strcmp(w[k].member, w[i].member)) {
					w[i].out = xstrdup(w[k].out);
					w[i].digest = xstrdup(w[k].digest);
					w[i].size = w[k].size;
					break;
				}
	/* Digests: names that carry one, and the config's diff_ids (the
	 * sha256 of each uncompressed layer). */
	char *cexp = digest_from_member(w[0].member);
	int bad = check_member_digest(file, &w[0], cexp, "the image config");
	free(cexp);
	if (bad < 0)
		goto out;
	char cname[600];
	snprintf(cname, sizeof(cname), "%s:%s", file, w[0].member);
	if (!(cfg = json_parse_buf(w[0].data, w[0].len, cname)))
		goto out;
	json_t *rootfs = json_object_get(cfg, "rootfs");
	diff_ids = rootfs ? json_object_get(rootfs, "diff_ids") : NULL;
	if (diff_ids && json_array_size(diff_ids) != nw - 1) {
		pc_fail(PC_ERR_INPUT, "%s: %zu diff_ids for %zu layers", cname,
			json_array_size(diff_ids), nw - 1);
		goto out;
	}
	for (size_t i = 1; i < nw; i++) {
		char what[64];
		snprintf(what, sizeof(what), "layer %zu", i);
		char *exp = digest_from_member(w[i].member);
		bad = check_member_digest(file, &w[i], exp, what);
		free(exp);
		json_t *id = diff_ids ? json_array_get(diff_ids, i - 1) : NULL;
		if (!bad && json_is_string(id) && !is_compressed(w[i].out))
			bad = check_member_digest(file, &w[i], json_string_value(id), what);
		if (bad < 0)
			goto out;
	}
	for (size_t i = 1; i < nw; i++)
		add_layer(img, w[i].out, w[i].digest, w[i].size);
	rc = 0;
out:
	for (size_t i = 0; w && i < nw; i++) {
		free(w[i].out);
		free(w[i].digest);
		free(w[i].data);
	}
	free(w);
	json_decref(cfg);
	json_decref(list);
	return rc;
}

/* An OCI layout inside a tar: extract oci-layout, index.json and blobs/ into
 * the temporary folder and read it as a directory. */
static int open_oci_archive(const char *file, const char *tag, const char *platform,
			    const struct tarscan *t, const char *tmpbase, struct pc_image *img)
{
	const char *dir = ensure_tmpdir(img, tmpbase);
	if (!dir)
		return -1;
	char *root = xasprintf("%s/oci-%zu", dir, img->nlayers);
	struct wanted *w = xcalloc(t->n, sizeof(*w));
	size_t nw = 0;
	int rc = -1;
	struct strlist dirs = { 0 };
	strlist_add(&dirs, root);
	for (size_t i = 0; i < t->n; i++) {
		const struct member *m = &t->m[i];
		if (m->type != AE_IFREG || m->hardlink)
			continue;
		int blob = !strncmp(m->name, "blobs/", 6);
		if (!blob && strcmp(m->name, "index.json") && strcmp(m->name, "oci-layout"))
			continue;
		if (blob) {
			/* blobs/ALG/HEX only: the name becomes a path. */
			const char *alg = m->name + 6;
			size_t alen = strcspn(alg, "/");
			const char *hex = alg + alen + (alg[alen] == '/');
			if (!alen || alg[alen] != '/' || !*hex || strchr(hex, '/') ||
			    !is_hex(hex, strlen(hex)) ||
			    strspn(alg, "abcdefghijklmnopqrstuvwxyz0123456789") < alen)
				continue;
			char *d = xasprintf("%s/blobs/%.*s", root, (int)alen, alg);
			strlist_add(&dirs, d);
			free(d);
		}
		w[nw].member = m->name;
		w[nw].out = xasprintf("%s/%s", root, m->name);
		nw++;
	}
	char *blobs = xasprintf("%s/blobs", root);
	int mk = mkdir(root, 0700) < 0 || mkdir(blobs, 0700) < 0 ? -1 : 0;
	for (size_t i = 1; mk == 0 && i < dirs.n; i++)
		if (mkdir(dirs.v[i], 0700) < 0 && errno != EEXIST)
			mk = -1;
	if (mk < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "create folders in %s", dir);
	else if (tar_extract(file, w, nw) == 0)
		rc = open_oci(root, file, tag, platform, img);
	free(blobs);
	for (size_t i = 0; i < nw; i++) {
		free(w[i].out);
		free(w[i].digest);
	}
	free(w);
	strlist_free(&dirs);
	free(root);
	return rc;
}

/* ---- specs ---------------------------------------------------------------- */

/* Split "PATH" or "PATH:TAG": a spec that exists as a whole is a path;
 * otherwise the first ':' whose left side exists splits it (a docker TAG
 * such as "repo/name:latest" holds colons itself). */
static void split_spec(const char *spec, char **path, char **tag)
{
	struct stat st;
	*tag = NULL;
	if (lstat(spec, &st) == 0) {
		*path = xstrdup(spec);
		return;
	}
	for (const char *colon = strchr(spec, ':'); colon; colon = strchr(colon + 1, ':')) {
		if (colon == spec || !colon[1])
			continue;
		char *p = xasprintf("%.*s", (int)(colon - spec), spec);
		if (lstat(p, &st) == 0) {
			*path = p;
			*tag = xstrdup(colon + 1);
			return;
		}
		free(p);
	}
	*path = xstrdup(spec);
}

static int open_one(const char *spec, const char *platform, const char *tmpbase,
		    struct pc_image *img, const char **kind)
{
	char *path, *tag;
	split_spec(spec, &path, &tag);
	struct stat st;
	int rc = -1;
	struct tarscan t = { 0 };
	if (stat(path, &st) < 0) {
		pc_fail_errno(PC_ERR_INPUT, errno, "image %s", path);
	} else if (S_ISDIR(st.st_mode)) {
		*kind = "oci";
		char *marker = xasprintf("%s/oci-layout", path);
		if (access(marker, F_OK) < 0)
			pc_fail(PC_ERR_INPUT, "%s: a folder but not an OCI image layout (no oci-layout file)",
				path);
		else
			rc = open_oci(path, path, tag, platform, img);
		free(marker);
	} else {
		int c = tar_classify(path, &t);
		if (c == 0 && tag) {
			pc_fail(PC_ERR_INPUT, "%s: a layer tarball has no tags (':%s')", path, tag);
		} else if (c == 0) {
			*kind = "layers";
			add_layer(img, path, NULL, (uint64_t)st.st_size);
			rc = 0;
		} else if (c == 1 && t.manifest_json) {
			*kind = "docker-save";
			rc = open_docker_save(path, tag, &t, tmpbase, img);
		} else if (c == 1) {
			*kind = "oci";
			rc = open_oci_archive(path, tag, platform, &t, tmpbase, img);
		}
	}
	tarscan_free(&t);
	free(path);
	free(tag);
	return rc;
}

int pc_image_open(const char *const *specs, size_t n, const char *platform,
		  const char *tmpbase, struct pc_image *img)
{
	memset(img, 0, sizeof(*img));
	if (n == 0)
		return pc_fail(PC_ERR_INPUT, "no image given");
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(specs[i]) + 1;
	img->spec = xcalloc(1, len);
	const char *kind = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(img->spec, " ");
		strcat(img->spec, specs[i]);
		const char *k = NULL;
		if (open_one(specs[i], platform, tmpbase, img, &k) < 0) {
			pc_image_close(img);
			return -1;
		}
		/* Mixed sources: say so rather than pick one. */
		kind = !kind || !strcmp(kind, k) ? k : "mixed";
	}
	img->kind = xstrdup(kind);
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0)
		pc_warn("remove %s: %s", path, strerror(errno));
	return 0;
}

void pc_image_close(struct pc_image *img)
{
	if (img->tmpdir)
		nftw(img->tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].path);
		free(img->layers[i].digest);
	}
	free(img->layers);
	free(img->spec);
	free(img->kind);
	free(img->tmpdir);
	memset(img, 0, sizeof(*img));
}

const char **pc_image_layer_paths(const struct pc_image *img)
{
	const char **v = xcalloc(img->nlayers + 1, sizeof(*v));
	for (size_t i = 0; i < img->nlayers; i++)
		v[i] = img->layers[i].path;
	return v;
}

int pc_image_spec_exists(const char *spec)
{
	char *path, *tag;
	split_spec(spec, &path, &tag);
	struct stat st;
	int ok = stat(path, &st) == 0;
	free(path);
	free(tag);
	return ok;
}
