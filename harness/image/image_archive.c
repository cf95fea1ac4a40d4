/* image_archive.c - image archives: tars that hold an image rather than a
 * layer.
 *
 * A first pass reads every header (members in any order) and keeps the
 * member list and the top-level manifest.json, index.json and oci-layout.
 * The archive is an image archive only if one of those parses as what it
 * claims: manifest.json as a docker-save manifest (an array of
 * {Config, Layers}), or index.json + oci-layout as an OCI image layout.
 * Otherwise it is a layer, unless its members are shaped as an image
 * archive's (blobs/, <id>/layer.tar beside the metadata files): then its
 * metadata is damaged and it is refused (image_shape).  An image
 * archive must hold every member its manifest names (through symlinks and
 * hardlinks, as skopeo and docker save write them); a missing one is an
 * input error naming it.
 *
 * Producers told apart by how manifest.json names the layers:
 *   "<hex>.tar" at the top (layer folders hold symlinks to them):
 *       skopeo / podman docker-archive;
 *   "<id>/layer.tar": legacy docker save;
 *   "blobs/sha256/<hex>" with index.json + oci-layout beside: Docker 25+.
 * index.json + oci-layout without manifest.json: oci-archive (skopeo,
 * buildah, podman save --format oci-archive, or tar of an OCI layout).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_int.h"
#include "image/layer_reader.h"
#include "util/util.h"

#define MAX_LINK_HOPS 8        /* symlinked members in docker-save */
#define MAX_IMAGE_MEMBERS 100000 /* more than any image archive; a layer may have more */

struct member {
	char *name;   /* normalised: no leading "./" */
	int type;     /* AE_IFREG, AE_IFLNK, AE_IFDIR, ... ; hardlinks as AE_IFREG */
	char *link;   /* symlink target, or hardlink target (normalised) */
	int hardlink;
};

/* A top-level metadata member: manifest.json, index.json or oci-layout. */
struct marker {
	const char *name;
	char *data; /* contents when it is a regular file of sane size */
	size_t len;
	int count;  /* times it appears (tar: the last one wins, so 2+ is ambiguous) */
};

enum { MK_MANIFEST, MK_INDEX, MK_LAYOUT, MK_COUNT };

struct tarscan {
	struct member *m;
	size_t n;
	int too_many;         /* more than MAX_IMAGE_MEMBERS: the list was dropped */
	struct marker mk[MK_COUNT];
	int docker, oci;      /* which description parsed */
	/* Members shaped as an image archive's (kept past MAX_IMAGE_MEMBERS):
	 * blobs/ALG/HEX; <hex64>/layer.tar or a top-level <hex64>.tar/.json;
	 * a top-level repositories file (docker save, all versions). */
	int blob_like, docker_like, repositories;
};

void img_tarscan_free(struct tarscan *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->m[i].name);
		free(t->m[i].link);
	}
	free(t->m);
	for (int i = 0; i < MK_COUNT; i++)
		free(t->mk[i].data);
	free(t);
}

static const char *strip_dot(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	return name;
}

/* PATH opened as the runtimes' Go reader reads it (layer_reader.h: the
 * layer reader's decompression and header checks; only a regular file). */
static struct archive *tar_open(const char *path)
{
	return pc_tar_checked_open(NULL, path);
}

/* Read the current member's data into memory (at most IMG_MAX_JSON_BYTES). */
static char *read_member(struct archive *a, const char *file, const char *name, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			if (cap > IMG_MAX_JSON_BYTES) {
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

/* Note whether NAME is shaped as a member of an image archive. */
static void note_shape(struct tarscan *t, const char *name)
{
	size_t n = strlen(name);
	const char *slash = strchr(name, '/');
	if (!strncmp(name, "blobs/", 6)) {
		const char *alg = name + 6, *hex = strchr(alg, '/');
		if (hex && hex > alg && strlen(hex + 1) >= 64 &&
		    pc_is_lower_hex(hex + 1, strlen(hex + 1)))
			t->blob_like = 1;
	} else if (slash && slash - name == 64 && pc_is_lower_hex(name, 64) &&
		   !strcmp(slash, "/layer.tar")) {
		t->docker_like = 1;
	} else if (!slash && n == 69 && pc_is_lower_hex(name, 64) &&
		   (!strcmp(name + 64, ".tar") || !strcmp(name + 64, ".json"))) {
		t->docker_like = 1;
	} else if (!strcmp(name, "repositories")) {
		t->repositories = 1;
	}
}

static void add_member(struct tarscan *t, const char *name, struct archive_entry *e)
{
	note_shape(t, name);
	if (t->too_many)
		return;
	if (t->n == MAX_IMAGE_MEMBERS) {
		/* A layer, most likely; if it turns out to hold image metadata
		 * the classification refuses it. */
		for (size_t i = 0; i < t->n; i++) {
			free(t->m[i].name);
			free(t->m[i].link);
		}
		free(t->m);
		t->m = NULL;
		t->n = 0;
		t->too_many = 1;
		return;
	}
	if ((t->n & (t->n - 1)) == 0)
		t->m = xrealloc(t->m, (t->n ? 2 * t->n : 1) * sizeof(*t->m));
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
}

/* Keep the contents of a top-level marker member.  One that is not a
 * regular file, or too large to be metadata, is kept as "present, no
 * data": it cannot make the tar an image archive. */
static int note_marker(struct tarscan *t, struct archive *a, const char *file, const char *name,
		       struct archive_entry *e)
{
	static const char *const names[MK_COUNT] = { "manifest.json", "index.json", "oci-layout" };
	for (int i = 0; i < MK_COUNT; i++) {
		if (strcmp(name, names[i]))
			continue;
		struct marker *k = &t->mk[i];
		k->name = names[i];
		k->count++;
		free(k->data);
		k->data = NULL;
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
		    archive_entry_size(e) > (la_int64_t)IMG_MAX_JSON_BYTES)
			return 0;
		k->data = read_member(a, file, name, &k->len);
		return k->data ? 0 : -1;
	}
	return 0;
}

/* Does TEXT parse as a docker-save manifest: a non-empty array of objects
 * with a Config string and a Layers array of strings? */
static int docker_manifest_shape(const char *text, size_t len, char *why, size_t whylen)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	int ok = json_is_array(j) && json_array_size(j) > 0;
	size_t i, k;
	json_t *item, *l;
	json_array_foreach(j, i, item) {
		json_t *layers = NULL;
		const char *config = NULL;
		if (json_unpack(item, "{s:s, s:o *}", "Config", &config, "Layers", &layers) < 0 ||
		    !json_is_array(layers)) {
			ok = 0;
			break;
		}
		json_array_foreach(layers, k, l)
			if (!json_is_string(l))
				ok = 0;
	}
	if (!ok && j)
		snprintf(why, whylen, "manifest.json is JSON but not a docker-save manifest");
	else if (!ok)
		snprintf(why, whylen, "manifest.json is not JSON (%d:%d: %s)", err.line, err.column,
			 err.text);
	json_decref(j);
	return ok;
}

/* Do index.json and oci-layout parse as an OCI image layout's? */
static int oci_layout_shape(const struct tarscan *t, char *why, size_t whylen)
{
	const struct marker *ix = &t->mk[MK_INDEX], *lo = &t->mk[MK_LAYOUT];
	json_t *ij = ix->data ? json_loadb(ix->data, ix->len, 0, NULL) : NULL;
	json_t *lj = lo->data ? json_loadb(lo->data, lo->len, 0, NULL) : NULL;
	json_t *manifests = NULL;
	json_int_t schema = 0;
	const char *version = NULL;
	int ok = ij && lj &&
		 json_unpack(ij, "{s:I, s:o *}", "schemaVersion", &schema, "manifests", &manifests) == 0 &&
		 schema == 2 && json_is_array(manifests) &&
		 json_unpack(lj, "{s:s *}", "imageLayoutVersion", &version) == 0;
	if (!ok)
		snprintf(why, whylen, "%s", !ix->count ? "no index.json"
				     : !lo->count   ? "index.json without oci-layout"
						    : "index.json and oci-layout are not an OCI image layout's");
	json_decref(ij);
	json_decref(lj);
	return ok;
}

static const char *member_resolve(const struct tarscan *t, const char *file, const char *name);

/* Who writes top-level layer members, told by the config's name:
 * go-containerregistry's tarball.Write names it "sha256:HEX", jib
 * "config.json", skopeo and podman "HEX.json". */
static const char *flat_producer(const struct tarscan *t)
{
	json_t *j = json_loadb(t->mk[MK_MANIFEST].data, t->mk[MK_MANIFEST].len, 0, NULL);
	const char *config = json_string_value(json_object_get(json_array_get(j, 0), "Config"));
	const char *p = "docker-archive (skopeo/podman)";
	if (config && !strncmp(strip_dot(config), "sha256:", 7))
		p = "docker-archive (go-containerregistry: crane, kaniko, ko)";
	else if (config && !strcmp(strip_dot(config), "config.json"))
		p = "docker-archive (jib)";
	json_decref(j);
	return p;
}

/* Every member manifest.json names (configs and layers of every image)
 * must be there. */
static int docker_members_present(const struct tarscan *t, const char *file, int *flat,
				  int *blobs)
{
	json_t *j = json_loadb(t->mk[MK_MANIFEST].data, t->mk[MK_MANIFEST].len, 0, NULL);
	size_t i, k;
	json_t *item, *l;
	int rc = 0;
	*flat = *blobs = 1;
	json_array_foreach(j, i, item) {
		const char *config = json_string_value(json_object_get(item, "Config"));
		if (!member_resolve(t, file, config)) {
			rc = -1;
			break;
		}
		if (strncmp(strip_dot(config), "blobs/", 6))
			*blobs = 0;
		json_array_foreach(json_object_get(item, "Layers"), k, l) {
			const char *name = strip_dot(json_string_value(l));
			if (!member_resolve(t, file, name)) {
				rc = -1;
				break;
			}
			if (strchr(name, '/'))
				*flat = 0;
			if (strncmp(name, "blobs/", 6))
				*blobs = 0;
		}
		if (rc < 0)
			break;
	}
	json_decref(j);
	return rc;
}

static const struct member *member_find(const struct tarscan *t, const char *name);

/* The manifests index.json lists must be there as blobs/ALG/HEX. */
static int oci_members_present(const struct tarscan *t, const char *file)
{
	json_t *j = json_loadb(t->mk[MK_INDEX].data, t->mk[MK_INDEX].len, 0, NULL);
	size_t i;
	json_t *d;
	int rc = 0;
	json_array_foreach(json_object_get(j, "manifests"), i, d) {
		const char *digest = json_string_value(json_object_get(d, "digest"));
		const char *colon = digest ? strchr(digest, ':') : NULL;
		if (!colon) {
			rc = pc_fail(PC_ERR_INPUT, "%s: index.json: manifests[%zu] has no digest", file, i);
			break;
		}
		char *name = xasprintf("blobs/%.*s/%s", (int)(colon - digest), digest, colon + 1);
		if (!member_find(t, name))
			rc = pc_fail(PC_ERR_INPUT, "%s: index.json names %s, but member %s is missing",
				     file, digest, name);
		free(name);
		if (rc < 0)
			break;
	}
	json_decref(j);
	return rc;
}

/* The first pass: headers of every member, the markers' contents. */
static int tar_scan(const char *path, struct tarscan *t)
{
	struct archive *a = tar_open(path);
	if (!a)
		return -1;
	struct archive_entry *e;
	int rc = 0, r;
	while ((r = pc_tar_checked_next(a, &e, NULL, path)) > 0) {
		if ((rc = pc_check_interrupted()) < 0)
			break;
		const char *raw = archive_entry_pathname(e);
		const char *name = strip_dot(raw ? raw : "");
		add_member(t, name, e);
		if ((rc = note_marker(t, a, path, name, e)) < 0)
			break;
	}
	if (rc == 0 && r < 0)
		rc = -1; /* reported by pc_tar_checked_next */
	archive_read_free(a);
	return rc;
}

static int docker_oci_agree(const struct tarscan *t, const char *file);

/* What makes T look like an image archive whatever its metadata says, or
 * NULL.  Such a tar whose metadata does not parse (a truncated
 * manifest.json or index.json, a docker save from before 1.10) is a
 * damaged image: read as a layer, its members would be tested as the
 * image's files. */
static const char *image_shape(const struct tarscan *t)
{
	if ((t->mk[MK_INDEX].count || t->mk[MK_LAYOUT].count) && t->blob_like)
		return "index.json or oci-layout with blobs/ALG/HEX members";
	if ((t->mk[MK_MANIFEST].count || t->repositories) && (t->docker_like || t->blob_like))
		return "manifest.json or repositories with layer members (<id>/layer.tar, <hex>.tar "
		       "or blobs/sha256/<hex>)";
	return NULL;
}

/* A tar with image metadata that is one image and one only: 1, else -1
 * (said).  DWHY: why manifest.json is no docker-save manifest; FLAT and
 * BLOBS: the shape of the docker-save members it names. */
static int check_unambiguous(const struct tarscan *t, const char *path, const char *dwhy,
			     int *flat, int *blobs)
{
	if (t->too_many)
		return pc_fail(PC_ERR_INPUT,
			       "%s: holds image metadata (%s) but more than %d members: ambiguous; "
			       "if it is a layer, name it as layer:%s",
			       path, t->docker ? "manifest.json" : "index.json + oci-layout",
			       MAX_IMAGE_MEMBERS, path);
	for (int i = 0; i < MK_COUNT; i++)
		if (t->mk[i].count > 1)
			return pc_fail(PC_ERR_INPUT,
				       "%s: member %s appears %d times: ambiguous (a tar reader "
				       "would take the last one)",
				       path, t->mk[i].name, t->mk[i].count);
	if (t->oci && !t->docker && t->mk[MK_MANIFEST].count)
		return pc_fail(PC_ERR_INPUT,
			       "%s: ambiguous: index.json + oci-layout describe an OCI layout, but "
			       "the manifest.json beside it is not a docker-save manifest (%s)",
			       path, dwhy);
	if (t->docker && docker_members_present(t, path, flat, blobs) < 0)
		return -1;
	if (t->oci && oci_members_present(t, path) < 0)
		return -1;
	if (t->docker && t->oci && !*blobs)
		return pc_fail(PC_ERR_INPUT,
			       "%s: ambiguous: manifest.json names members outside blobs/, yet "
			       "index.json + oci-layout describe an OCI layout beside it",
			       path);
	if (t->docker && t->oci && docker_oci_agree(t, path) < 0)
		return -1;
	return 1;
}

/* SRC's kind, producer and why for an archive check_unambiguous took. */
static void name_producer(const struct tarscan *t, int flat, int blobs,
			  struct pc_image_source *src)
{
	if (!t->docker) {
		src->kind = "oci-archive";
		src->producer = "oci-archive";
		src->why = xstrdup("top-level index.json + oci-layout make an OCI image layout, "
				   "every manifest it lists is present");
		return;
	}
	src->kind = "docker-archive";
	if (t->oci) {
		src->producer = "docker-save (Docker 25+, OCI layout inside)";
		src->why = xstrdup("top-level manifest.json is a docker-save manifest naming "
				   "blobs/sha256/* members, with index.json + oci-layout beside it");
	} else if (flat) {
		src->producer = flat_producer(t);
		src->why = xstrdup("top-level manifest.json is a docker-save manifest naming "
				   "top-level layer members");
	} else if (blobs) {
		src->producer = "docker-save (blobs/sha256 names, no OCI index)";
		src->why = xstrdup("top-level manifest.json is a docker-save manifest naming "
				   "blobs/sha256/* members, without index.json + oci-layout");
	} else {
		src->producer = "docker-save legacy";
		src->why = xstrdup("top-level manifest.json is a docker-save manifest naming "
				   "<id>/layer.tar members");
	}
}

int img_tar_classify(const char *path, struct tarscan **out, struct pc_image_source *src)
{
	struct tarscan *t = xcalloc(1, sizeof(*t));
	*out = NULL;
	if (tar_scan(path, t) < 0) {
		img_tarscan_free(t);
		return -1;
	}
	char dwhy[256] = "no top-level manifest.json", owhy[128] = "";
	const struct marker *mf = &t->mk[MK_MANIFEST];
	t->docker = mf->data && docker_manifest_shape(mf->data, mf->len, dwhy, sizeof(dwhy));
	t->oci = oci_layout_shape(t, owhy, sizeof(owhy));
	if (mf->count && !mf->data)
		snprintf(dwhy, sizeof(dwhy), "manifest.json is not a regular file of metadata size");
	const char *shape = image_shape(t);
	if (!t->docker && !t->oci && shape) {
		pc_fail(PC_ERR_INPUT,
			"%s: holds %s, as an image archive does, but no image metadata powercut "
			"can read (%s; %s)%s: refused rather than read as one layer; if it is a "
			"layer, name it as layer:%s",
			path, shape, dwhy, owhy,
			t->repositories && !mf->count
				? " (docker save before Docker 1.10 wrote no manifest.json)" : "",
			path);
		img_tarscan_free(t);
		return -1;
	}
	if (!t->docker && !t->oci) {
		src->why = xasprintf("a tar without image metadata: %s; %s", dwhy, owhy);
		img_tarscan_free(t);
		return 0;
	}
	int flat = 0, blobs = 0;
	if (check_unambiguous(t, path, dwhy, &flat, &blobs) < 0) {
		img_tarscan_free(t);
		return -1;
	}
	name_producer(t, flat, blobs, src);
	*out = t;
	return 1;
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

static size_t member_count(const struct tarscan *t, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += !strcmp(t->m[i].name, name);
	return n;
}

/* A member given more than once: which copy is meant is a guess (a tar
 * reader extracting the archive ends up with the last). */
static int fail_twice(const char *file, const char *name, size_t copies)
{
	return pc_fail(PC_ERR_INPUT,
		       "%s: member %s appears %zu times: ambiguous (a tar reader would take the "
		       "last one)", file, name, copies);
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
		size_t copies = member_count(t, cur);
		if (copies > 1) {
			fail_twice(file, cur, copies);
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
		return pc_fail_errno(PC_ERR_ENV, errno, "create %s", w->out);
	struct hasher h;
	img_hasher_init(&h, PC_SHA256);
	char *buf = xmalloc(IMG_IO_CHUNK);
	int rc = 0;
	for (;;) {
		/* A ^C must not wait for a whole layer to be extracted. */
		if ((rc = pc_check_interrupted()) < 0)
			break;
		la_ssize_t r = archive_read_data(a, buf, IMG_IO_CHUNK);
		if (r < 0) {
			rc = pc_fail(PC_ERR_INPUT, "%s: read member %s: %s", file, w->member,
				     archive_error_string(a));
			break;
		}
		if (r == 0)
			break;
		img_hasher_update(&h, buf, (size_t)r);
		for (la_ssize_t off = 0; off < r;) {
			ssize_t n = write(fd, buf + off, (size_t)(r - off));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				/* ENOSPC, EIO of the temporary folder: the
				 * machine's, not the image's (exit 3) */
				rc = pc_fail_errno(PC_ERR_ENV, errno, "write %s", w->out);
				break;
			}
			off += n;
		}
		if (rc < 0)
			break;
		w->size += (uint64_t)r;
	}
	free(buf);
	w->digest = img_hasher_final(&h);
	if (close(fd) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_ENV, errno, "close %s", w->out);
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
	while (rc == 0 && (r = pc_tar_checked_next(a, &e, NULL, path)) > 0) {
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
					img_hasher_init(&h, PC_SHA256);
					img_hasher_update(&h, w[i].data, w[i].len);
					w[i].digest = img_hasher_final(&h);
					w[i].size = w[i].len;
				}
			}
			break; /* a member's data can be read once */
		}
	}
	if (rc == 0 && r < 0)
		rc = -1; /* reported by pc_tar_checked_next */
	for (size_t i = 0; rc == 0 && i < nw; i++)
		if (!w[i].digest)
			rc = pc_fail(PC_ERR_INPUT, "%s: member %s could not be read", path, w[i].member);
	archive_read_free(a);
	return rc;
}

/* ---- Docker 25+: two descriptions of one image ------------------------------ */

static const char *const image_manifest_types[] = {
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

/* "sha256:HEX" for a blobs/sha256/HEX member name, else NULL. */
static char *blob_digest(const char *name)
{
	name = strip_dot(name);
	if (strncmp(name, "blobs/sha256/", 13) || strlen(name + 13) != 64 ||
	    !pc_is_lower_hex(name + 13, 64))
		return NULL;
	return xasprintf("sha256:%s", name + 13);
}

/* Does the manifest.json entry ITEM (Config and Layers) describe the same
 * image as the OCI image manifest MAN (config and layers digests)? */
static int same_image(const struct tarscan *t, const char *file, json_t *item, json_t *man)
{
	json_t *layers = json_object_get(item, "Layers");
	json_t *mlayers = json_object_get(man, "layers");
	const char *cfg = json_string_value(json_object_get(item, "Config"));
	const char *mcfg = json_string_value(json_object_get(json_object_get(man, "config"), "digest"));
	if (!cfg || !mcfg || !json_is_array(mlayers) ||
	    json_array_size(layers) != json_array_size(mlayers))
		return 0;
	const char *rc = member_resolve(t, file, cfg);
	char *d = rc ? blob_digest(rc) : NULL;
	int same = d && !strcmp(d, mcfg);
	free(d);
	for (size_t i = 0; same && i < json_array_size(layers); i++) {
		const char *name = member_resolve(t, file, json_string_value(json_array_get(layers, i)));
		const char *md = json_string_value(json_object_get(json_array_get(mlayers, i), "digest"));
		d = name ? blob_digest(name) : NULL;
		same = d && md && !strcmp(d, md);
		free(d);
	}
	return same;
}

/* The image manifests index.json lists (each read once, however many
 * entries name it), for comparing with manifest.json and for the names
 * index.json gives them. */
struct index_images {
	json_t *descs;    /* index.json's "manifests" (a reference of INDEX) */
	json_t *index;
	struct wanted *w; /* blobs/sha256/HEX of each distinct image manifest */
	json_t **man;     /* parsed, or NULL */
	size_t n;
	int has_index;    /* index.json lists an image index (a multi-platform save) */
};

static void index_images_free(struct index_images *ii)
{
	for (size_t k = 0; k < ii->n; k++) {
		json_decref(ii->man[k]);
		free(ii->w[k].data);
		free(ii->w[k].digest);
	}
	free(ii->man);
	free(ii->w);
	json_decref(ii->index);
	memset(ii, 0, sizeof(*ii));
}

static int index_images_read(const struct tarscan *t, const char *file, struct index_images *ii)
{
	memset(ii, 0, sizeof(*ii));
	ii->index = json_loadb(t->mk[MK_INDEX].data, t->mk[MK_INDEX].len, 0, NULL);
	ii->descs = json_object_get(ii->index, "manifests");
	size_t nd = json_array_size(ii->descs), i;
	ii->w = xcalloc(nd ? nd : 1, sizeof(*ii->w));
	json_t *d;
	json_array_foreach(ii->descs, i, d) {
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		const char *digest = json_string_value(json_object_get(d, "digest"));
		if (!img_in_list(image_manifest_types, mt)) {
			ii->has_index = 1;
			continue;
		}
		char *name = digest && !strncmp(digest, "sha256:", 7)
				     ? xasprintf("blobs/sha256/%s", digest + 7) : NULL;
		const struct member *m = name ? member_find(t, name) : NULL;
		free(name);
		for (size_t k = 0; m && k < ii->n; k++)
			if (ii->w[k].member == m->name)
				m = NULL; /* listed twice (two tags): read once */
		if (m)
			ii->w[ii->n++].member = m->name;
	}
	ii->man = xcalloc(ii->n ? ii->n : 1, sizeof(*ii->man));
	if (ii->n && tar_extract(file, ii->w, ii->n) < 0)
		return -1;
	for (size_t k = 0; k < ii->n; k++)
		ii->man[k] = json_loadb(ii->w[k].data, ii->w[k].len, 0, NULL);
	return 0;
}

/* Docker 25+ writes an image twice, as manifest.json and as an OCI layout,
 * and readers differ in which they take (docker load with the containerd
 * image store reads index.json): the two must describe the same images.
 * Every manifest.json entry must match an image manifest that index.json
 * lists.  When index.json lists an index (a multi-platform save) the
 * comparison would need the platform choice; that case is accepted as
 * manifest.json describes it (or, with --platform, read as the OCI layout:
 * img_tar_open), and said so nowhere else: it is documented. */
static int docker_oci_agree(const struct tarscan *t, const char *file)
{
	json_t *list = json_loadb(t->mk[MK_MANIFEST].data, t->mk[MK_MANIFEST].len, 0, NULL);
	struct index_images ii;
	int rc = index_images_read(t, file, &ii);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		if (rc < 0 || ii.has_index)
			break;
		int found = 0;
		for (size_t k = 0; k < ii.n && !found; k++)
			found = ii.man[k] && same_image(t, file, item, ii.man[k]);
		if (!found)
			rc = pc_fail(PC_ERR_INPUT,
				     "%s: ambiguous: manifest.json image %zu (config %s) is not an "
				     "image index.json lists; the two descriptions disagree",
				     file, i + 1, json_string_value(json_object_get(item, "Config")));
	}
	index_images_free(&ii);
	json_decref(list);
	return rc;
}

/* The names index.json gives the manifest.json entry ITEM: the ref names,
 * containerd's image names and the digests of the index.json entries
 * whose image manifest is ITEM's image.  ctr export writes its tags there
 * only (its manifest.json has "RepoTags": null with --skip-manifest-json),
 * and ctr import takes them from there. */
struct index_names {
	struct strlist ref, full, digest;
};

static void index_names_free(struct index_names *n)
{
	img_strlist_free(&n->ref);
	img_strlist_free(&n->full);
	img_strlist_free(&n->digest);
}

static void index_names_of(const struct tarscan *t, const char *file,
			   const struct index_images *ii, json_t *item, struct index_names *out)
{
	for (size_t k = 0; k < ii->n; k++) {
		if (!ii->man[k] || !same_image(t, file, item, ii->man[k]))
			continue;
		char *digest = blob_digest(ii->w[k].member);
		size_t i;
		json_t *d;
		json_array_foreach(ii->descs, i, d) {
			if (!digest || !json_is_string(json_object_get(d, "digest")) ||
			    strcmp(json_string_value(json_object_get(d, "digest")), digest))
				continue;
			json_t *ann = json_object_get(d, "annotations");
			const char *ref = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
			const char *full = json_string_value(json_object_get(ann, "io.containerd.image.name"));
			if (ref)
				img_strlist_add(&out->ref, ref);
			if (full)
				img_strlist_add(&out->full, full);
			img_strlist_add(&out->digest, digest);
		}
		free(digest);
	}
}

/* Names that carry the member's digest: "blobs/sha256/HEX"; "HEX.json"
 * and "HEX.tar" (skopeo's layers, stored uncompressed and named by their
 * diff_id); go-containerregistry's config "sha256:HEX" and its layers
 * "HEX.tar.gz" / "HEX.tar.zst" (jib's "HEX.tar.gz"), named by the digest
 * of the blob as stored. */
static char *digest_from_member(const char *name)
{
	if (!strncmp(name, "blobs/sha256/", 13) && strlen(name + 13) == 64 &&
	    pc_is_lower_hex(name + 13, 64))
		return xasprintf("sha256:%s", name + 13);
	if (!strncmp(name, "sha256:", 7) && strlen(name + 7) == 64 && pc_is_lower_hex(name + 7, 64))
		return xasprintf("%s", name);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	static const char *const ext[] = { ".json", ".tar", ".tar.gz", ".tar.zst" };
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strlen(base) == 64 + strlen(ext[i]) && pc_is_lower_hex(base, 64) &&
		    !strcmp(base + 64, ext[i]))
			return xasprintf("sha256:%.64s", base);
	return NULL;
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

/* A docker reference in the form docker itself compares them: the registry
 * docker.io when the first component names none, library/ for an
 * official image, :latest when no tag is given.  So `a/b:two`,
 * `docker.io/a/b:two` and `busybox` (docker.io/library/busybox:latest)
 * match the RepoTags docker, podman and skopeo write for them.  Caller
 * frees. */
char *img_docker_ref_normal(const char *ref)
{
	const char *slash = strchr(ref, '/');
	int has_domain = slash && (memchr(ref, '.', (size_t)(slash - ref)) ||
				   memchr(ref, ':', (size_t)(slash - ref)) ||
				   ((size_t)(slash - ref) == 9 && !strncmp(ref, "localhost", 9)));
	const char *last_slash = strrchr(ref, '/');
	const char *name_end = ref + strlen(ref);
	const char *at = strchr(last_slash ? last_slash : ref, '@');
	const char *colon = strrchr(last_slash ? last_slash : ref, ':');
	if (at)
		name_end = at;
	else if (colon)
		name_end = colon;
	const char *suffix = at || colon ? name_end : ":latest";
	const char *path = has_domain ? slash + 1 : ref;
	int official = !has_domain && !strchr(ref, '/');
	return xasprintf("%.*s/%s%.*s%s", has_domain ? (int)(slash - ref) : 9,
			 has_domain ? ref : "docker.io", official ? "library/" : "",
			 (int)(name_end - path), path, suffix);
}

/* The image ID docker and podman show: sha256:HEX of the config, as the
 * config member is named (checked against its content when read); NULL
 * when it is named otherwise. */
static char *docker_image_id(json_t *item)
{
	const char *config = json_string_value(json_object_get(item, "Config"));
	return config ? digest_from_member(config) : NULL;
}

/* Add the reference REF to L unless L holds it already, as docker compares
 * references (RepoTags "a/b:1" and containerd's "docker.io/a/b:1"). */
static void add_ref_once(struct strlist *l, const char *ref)
{
	char *norm = img_docker_ref_normal(ref);
	int seen = 0;
	for (size_t i = 0; i < l->n && !seen; i++) {
		char *have = img_docker_ref_normal(l->v[i]);
		seen = !strcmp(have, norm);
		free(have);
	}
	free(norm);
	if (!seen)
		img_strlist_add(l, ref);
}

/* Does the index.json name N of an entry answer TAG (WANT: TAG as docker
 * compares references)?  As in an OCI layout: the ref name, containerd's
 * image name (exactly, or as docker compares references), or the image
 * manifest's digest. */
static int index_name_matches(const struct index_names *n, const char *tag, const char *want)
{
	for (size_t i = 0; i < n->ref.n; i++)
		if (!strcmp(n->ref.v[i], tag))
			return 1;
	for (size_t i = 0; i < n->digest.n; i++)
		if (!strcmp(n->digest.v[i], tag))
			return 1;
	for (size_t i = 0; i < n->full.n; i++) {
		char *have = img_docker_ref_normal(n->full.v[i]);
		int match = !strcmp(n->full.v[i], tag) || !strcmp(have, want);
		free(have);
		if (match)
			return 1;
	}
	return 0;
}

/* Which manifest.json entry: by TAG among RepoTags, the image ID or (NAMES,
 * one per entry, or NULL) what index.json calls it, or the only one.
 * *AT is its position in LIST. */
static json_t *docker_select(json_t *list, const char *file, const char *tag,
			     const struct index_names *names, size_t *at)
{
	struct strlist tags = { 0 };
	json_t *found = NULL;
	size_t nfound = 0, i;
	json_t *item;
	char *want = tag ? img_docker_ref_normal(tag) : NULL;
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
			img_strlist_add(&tags, s);
			if (tag && (!strcmp(s, tag) || (colon && !strcmp(colon + 1, tag))))
				match = 1;
			if (want && !match) {
				char *have = img_docker_ref_normal(s);
				match = !strcmp(have, want);
				free(have);
			}
		}
		const struct index_names *n = names ? &names[i] : NULL;
		for (k = 0; n && k < n->full.n; k++) /* containerd's names: full references */
			add_ref_once(&tags, n->full.v[k]);
		if (n && !n->full.n)
			for (k = 0; k < n->ref.n; k++)
				img_strlist_add(&tags, n->ref.v[k]);
		if (tag && n && !match)
			match = index_name_matches(n, tag, want);
		char *id = docker_image_id(item);
		if (id && tag && !strcmp(id, tag))
			match = 1;
		if (id && !json_array_size(rt) && !(n && (n->full.n || n->ref.n))) {
			/* untagged: its ID is its only name */
			char *shown = xasprintf("%s (untagged)", id);
			img_strlist_add(&tags, shown);
			free(shown);
		}
		free(id);
		if (!tag || match) {
			found = item;
			*at = i;
			nfound++;
		}
	}
	free(want);
	char *avail = img_strlist_join(&tags);
	if (nfound != 1) {
		if (tag && nfound == 0)
			pc_fail(PC_ERR_INPUT, "%s: no image tagged '%s'; tags: %s", file, tag, avail);
		else if (tag)
			pc_fail(PC_ERR_INPUT, "%s: tag '%s' matches %zu images; name one by its full "
				"reference as %s:REPO:TAG; tags: %s", file, tag, nfound, file, avail);
		else
			pc_fail(PC_ERR_INPUT, "%s holds %zu images; name one as %s:TAG; tags: %s", file,
				nfound, file, avail);
		found = NULL;
	}
	free(avail);
	img_strlist_free(&tags);
	return found;
}

/* docker save and skopeo list a foreign (non-distributable) layer in
 * LayerSources, keyed by its diff_id: refused as in an OCI layout, since
 * its content is by definition not part of the image. */
static int docker_foreign_layers(json_t *item, const char *mname)
{
	json_t *sources = json_object_get(item, "LayerSources"), *d;
	const char *diff_id;
	json_object_foreach(sources, diff_id, d) {
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		if (!mt || img_layer_type_foreign(mt))
			return pc_fail(PC_ERR_INPUT,
				       "%s: layer %s is non-distributable (LayerSources, %s): its "
				       "content is not part of the image, so powercut cannot test it",
				       mname, diff_id, mt ? mt : "no media type");
	}
	return 0;
}

/* inspect's "chosen": which manifest.json entry was read, by its names. */
static void note_docker_chosen(json_t *item, size_t at, size_t n, const struct index_names *names,
			       struct pc_image_source *src)
{
	struct strlist shown = { 0 };
	size_t k;
	json_t *jt;
	json_array_foreach(json_object_get(item, "RepoTags"), k, jt)
		if (json_is_string(jt))
			img_strlist_add(&shown, json_string_value(jt));
	for (k = 0; names && k < names->full.n; k++)
		add_ref_once(&shown, names->full.v[k]);
	char *tags = shown.n ? img_strlist_join(&shown) : xstrdup("untagged");
	char *id = docker_image_id(item);
	free(src->chosen);
	src->chosen = xasprintf("manifest.json image %zu of %zu: %s, image ID %s", at + 1, n, tags,
				id ? id : "unknown");
	free(id);
	free(tags);
	img_strlist_free(&shown);
}

static int index_lists_index(const struct tarscan *t);

/* A multi-platform save read without --platform: manifest.json describes
 * one platform, the exporter's (Docker's containerd store points it at its
 * host's).  docker load (graphdriver) takes that image, a containerd-based
 * runtime the host's from the index: when they differ, which one is meant
 * is not powercut's to guess. */
static int exporter_platform_check(const char *file, json_t *cfg)
{
	char have[512], host[512];
	if (img_config_is_host(cfg, have, sizeof(have), host, sizeof(host)))
		return 0;
	return pc_fail(PC_ERR_INPUT,
		       "%s: manifest.json's image is %s (the platform it was exported for), but "
		       "index.json lists a multi-platform image and this host is %s, whose image "
		       "a containerd-based runtime would unpack: choose with --platform %s or "
		       "--platform %s (if the archive holds it)",
		       file, have, host, have, host);
}

/* The entry of manifest.json (LIST, read from MNAME) to unpack, as
 * docker_select picks it by TAG, noted in SRC; NULL (message printed) when
 * LIST is not understood or none is picked. */
static json_t *docker_pick(json_t *list, const char *mname, const char *file, const char *tag,
			   const struct tarscan *t, struct pc_image_source *src)
{
	if (!json_is_array(list)) {
		pc_fail(PC_ERR_INPUT, "%s: expected an array", mname);
		return NULL;
	}
	size_t ii_i;
	json_t *it;
	json_array_foreach(list, ii_i, it)
		if (img_json_keys_distinct(it, mname) < 0)
			return NULL;
	size_t at = 0, nitems = json_array_size(list);
	struct index_names *names = NULL;
	if (t->oci) { /* Docker 25+ or ctr export: index.json names the images too */
		struct index_images ii;
		names = xcalloc(nitems ? nitems : 1, sizeof(*names));
		if (index_images_read(t, file, &ii) == 0)
			json_array_foreach(list, ii_i, it)
				index_names_of(t, file, &ii, it, &names[ii_i]);
		index_images_free(&ii);
	}
	json_t *item = docker_select(list, file, tag, names, &at);
	if (item)
		note_docker_chosen(item, at, nitems, names ? &names[at] : NULL, src);
	for (size_t k = 0; names && k < nitems; k++)
		index_names_free(&names[k]);
	free(names);
	return item;
}

/* W[1..NW) the members of the entry's LAYERS, each to be extracted into
 * DIR as the layers after the image's FIRST already there: -1 (message
 * printed) when one is not a string or not in the archive. */
static int docker_layer_members(const struct tarscan *t, const char *file, const char *mname,
				json_t *layers, const char *dir, size_t first, struct wanted *w,
				size_t nw)
{
	for (size_t i = 1; i < nw; i++) {
		json_t *jl = json_array_get(layers, i - 1);
		if (!json_is_string(jl))
			return pc_fail(PC_ERR_INPUT, "%s: Layers[%zu] is not a string", mname, i - 1);
		if (!(w[i].member = member_resolve(t, file, json_string_value(jl))))
			return -1;
		w[i].out = xasprintf("%s/layer-%zu-%zu.tar", dir, first, i);
	}
	return 0;
}

/* Extract the NW members W names (the config first, into memory): a layer
 * member listed twice is extracted once, and its later places share that
 * file (a copy of its name, digest and size). */
static int docker_extract(const char *file, struct wanted *w, size_t nw)
{
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
		return -1;
	for (size_t i = 1; i < nw; i++)
		if (!w[i].out)
			for (size_t k = 1; k < i; k++)
				if (w[k].out && !strcmp(w[k].member, w[i].member)) {
					w[i].out = xstrdup(w[k].out);
					w[i].digest = xstrdup(w[k].digest);
					w[i].size = w[k].size;
					break;
				}
	return 0;
}

/* The image config W (extracted) checked against the digest its member's
 * name carries, parsed, its platform noted in SRC and checked against
 * PLATFORM (or, with none asked, the exporter's: exporter_platform_check).
 * The config, with its NLAYERS diff_ids in *DIFF_IDS; NULL (message
 * printed) if any of that fails. */
static json_t *docker_config(const char *file, const char *platform, const struct tarscan *t,
			     const struct wanted *w, size_t nlayers, struct pc_image_source *src,
			     json_t **diff_ids)
{
	char *cexp = digest_from_member(w->member);
	int bad = check_member_digest(file, w, cexp, "the image config");
	free(cexp);
	if (bad < 0)
		return NULL;
	char cname[600];
	snprintf(cname, sizeof(cname), "%s:%s", file, w->member);
	json_t *cfg = img_json_parse_buf(w->data, w->len, cname);
	if (!cfg)
		return NULL;
	const char *os = NULL, *arch = NULL, *variant = NULL;
	if (json_unpack(cfg, "{s:s, s:s, s?s *}", "os", &os, "architecture", &arch, "variant",
			&variant) == 0)
		src->platform = variant ? xasprintf("%s/%s/%s", os, arch, variant)
					: xasprintf("%s/%s", os, arch);
	if (img_platform_check(platform, cfg, cname) < 0 ||
	    (!platform && t->oci && index_lists_index(t) && exporter_platform_check(file, cfg) < 0) ||
	    !(*diff_ids = img_config_diff_ids(cfg, nlayers, cname))) {
		json_decref(cfg);
		return NULL;
	}
	return cfg;
}

/* Each layer W[1..NW) against the digest its member's name carries and its
 * DIFF_IDS entry (the sha256 of the uncompressed layer). */
static int docker_check_layers(const char *file, const struct wanted *w, size_t nw,
			       json_t *diff_ids)
{
	for (size_t i = 1; i < nw; i++) {
		char what[64];
		snprintf(what, sizeof(what), "layer %zu", i);
		char *exp = digest_from_member(w[i].member);
		int bad = check_member_digest(file, &w[i], exp, what);
		free(exp);
		char *which = xasprintf("layer %zu (member %s)", i, w[i].member);
		if (!bad)
			bad = img_check_diff_id(w[i].out, w[i].digest,
						json_string_value(json_array_get(diff_ids, i - 1)),
						file, which);
		free(which);
		if (bad < 0)
			return -1;
	}
	return 0;
}

static int open_docker_save(const char *file, const char *tag, const char *platform,
			    const struct tarscan *t, const char *tmpbase, struct pc_image *img,
			    struct pc_image_source *src)
{
	char mname[512];
	snprintf(mname, sizeof(mname), "%s:manifest.json", file);
	json_t *list = img_json_parse_buf(t->mk[MK_MANIFEST].data, t->mk[MK_MANIFEST].len, mname);
	if (!list)
		return -1;
	int rc = -1;
	struct wanted *w = NULL;
	size_t nw = 0;
	json_t *cfg = NULL, *diff_ids = NULL;
	json_t *item = docker_pick(list, mname, file, tag, t, src);
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
	if (docker_foreign_layers(item, mname) < 0)
		goto out;
	const char *dir = img_tmpdir(img, tmpbase);
	if (!dir)
		goto out;
	nw = json_array_size(layers) + 1;
	w = xcalloc(nw, sizeof(*w));
	if (!(w[0].member = member_resolve(t, file, config)) ||
	    docker_layer_members(t, file, mname, layers, dir, img->nlayers, w, nw) < 0 ||
	    docker_extract(file, w, nw) < 0)
		goto out;
	if (!(cfg = docker_config(file, platform, t, &w[0], nw - 1, src, &diff_ids)) ||
	    docker_check_layers(file, w, nw, diff_ids) < 0)
		goto out;
	for (size_t i = 1; i < nw; i++)
		img_add_layer(img, w[i].out, w[i].digest, NULL, w[i].size);
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

static int cmp_member_name(const void *a, const void *b)
{
	return strcmp((*(const struct member *const *)a)->name,
		      (*(const struct member *const *)b)->name);
}

/* Each member of the OCI layout (index.json, oci-layout, blobs/...) must
 * be there once, whatever its type. */
static int oci_members_unique(const struct tarscan *t, const char *file)
{
	const struct member **v = xcalloc(t->n ? t->n : 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->m[i].name, "blobs/", 6) || !strcmp(t->m[i].name, "index.json") ||
		    !strcmp(t->m[i].name, "oci-layout"))
			v[n++] = &t->m[i];
	qsort(v, n, sizeof(*v), cmp_member_name);
	int rc = 0;
	for (size_t i = 0; i + 1 < n && rc == 0; i++) {
		size_t k = i + 1;
		while (k < n && !strcmp(v[i]->name, v[k]->name))
			k++;
		if (k - i > 1)
			rc = fail_twice(file, v[i]->name, k - i);
	}
	free(v);
	return rc;
}

/* An OCI layout inside a tar: extract oci-layout, index.json and blobs/ into
 * the temporary folder and read it as a directory. */
static int open_oci_archive(const char *file, const char *tag, const char *platform,
			    const struct tarscan *t, const char *tmpbase, struct pc_image *img,
			    struct pc_image_source *src)
{
	if (oci_members_unique(t, file) < 0)
		return -1;
	const char *dir = img_tmpdir(img, tmpbase);
	if (!dir)
		return -1;
	char *root = xasprintf("%s/oci-%zu", dir, img->nlayers);
	struct wanted *w = xcalloc(t->n, sizeof(*w));
	size_t nw = 0;
	int rc = -1;
	struct strlist dirs = { 0 };
	img_strlist_add(&dirs, root);
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
			    !pc_is_lower_hex(hex, strlen(hex)) ||
			    strspn(alg, "abcdefghijklmnopqrstuvwxyz0123456789") < alen)
				continue;
			char *d = xasprintf("%s/blobs/%.*s", root, (int)alen, alg);
			img_strlist_add(&dirs, d);
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
		rc = img_oci_open(root, file, tag, platform, img, src);
	free(blobs);
	for (size_t i = 0; i < nw; i++) {
		free(w[i].out);
		free(w[i].digest);
	}
	free(w);
	img_strlist_free(&dirs);
	free(root);
	return rc;
}

/* Does index.json list an image index (or manifest list)? */
static int index_lists_index(const struct tarscan *t)
{
	json_t *index = json_loadb(t->mk[MK_INDEX].data, t->mk[MK_INDEX].len, 0, NULL);
	size_t i;
	json_t *d;
	int found = 0;
	json_array_foreach(json_object_get(index, "manifests"), i, d)
		if (!img_in_list(image_manifest_types,
				 json_string_value(json_object_get(d, "mediaType"))))
			found = 1;
	json_decref(index);
	return found;
}

int img_tar_open(const char *path, const char *tag, const char *platform,
		 const struct tarscan *t, const char *tmpbase, struct pc_image *img,
		 struct pc_image_source *src)
{
	if (t->docker && t->oci && platform && index_lists_index(t)) {
		/* A multi-platform save: manifest.json describes one platform
		 * (the exporter's), index.json every one; --platform chooses
		 * there, as ctr import --platform does. */
		char *why = xasprintf("%s; --platform given and index.json lists a multi-platform "
				      "index: read as the OCI layout", src->why);
		free(src->why);
		src->why = why;
		return open_oci_archive(path, tag, platform, t, tmpbase, img, src);
	}
	if (t->docker)
		return open_docker_save(path, tag, platform, t, tmpbase, img, src);
	return open_oci_archive(path, tag, platform, t, tmpbase, img, src);
}
