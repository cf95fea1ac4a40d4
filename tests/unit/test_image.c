/* test_image.c - image sources: OCI layouts (tags, platforms, nested
 * indexes, blob checks, media types), docker-save archives (legacy and
 * OCI-based), plain tarballs.  Every fixture is built here. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "image/image.h"
#include "tarfix.h"
#include "unit.h"
#include "util/util.h"

static char errbuf[1024];

/* ---- fixture helpers ------------------------------------------------------- */

struct buf {
	char *p;
	size_t len;
};

/* A layer with one file NAME holding TEXT, gzip-compressed when GZ. */
static struct buf layer_tar_z(const char *name, const char *text, int gz)
{
	struct buf b;
	b.p = layer_bytes(name, text, gz, &b.len);
	return b;
}

static struct buf layer_tar(const char *name, const char *text)
{
	return layer_tar_z(name, text, 0);
}

static char *sha256_hex(const void *p, size_t n)
{
	unsigned char md[32];
	char hex[65];
	EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL);
	pc_hex(md, 32, hex);
	return xstrdup(hex);
}

/* Store DATA as a blob of the layout DIR; returns "sha256:HEX". */
static char *put_blob(const char *dir, const void *data, size_t len)
{
	char *hex = sha256_hex(data, len);
	char *p = xasprintf("%s/blobs/sha256/%s", dir, hex);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, data, len, 0), 0);
	char *d = xasprintf("sha256:%s", hex);
	free(p);
	free(hex);
	return d;
}

static json_t *desc(const char *media_type, const char *digest, size_t size)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
			 (json_int_t)size);
}

static json_t *put_json_blob(const char *dir, const char *media_type, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	char *d = put_blob(dir, text, strlen(text));
	json_t *r = desc(media_type, d, strlen(text));
	free(d);
	free(text);
	json_decref(j);
	return r;
}

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"

struct layout {
	char *dir;
	json_t *layer[2]; /* descriptors of the two layers A and B */
	char *layer_digest[2];
};

/* A layout folder with two layer blobs, and no index.json yet. */
static void layout_init(struct layout *l)
{
	l->dir = unit_tmpdir();
	char *blobs = xasprintf("%s/blobs/sha256", l->dir);
	CU_ASSERT_EQUAL_FATAL(pc_mkdir_p(blobs, 0755), 0);
	free(blobs);
	char *p = xasprintf("%s/oci-layout", l->dir);
	const char *layout = "{\"imageLayoutVersion\": \"1.0.0\"}";
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, layout, strlen(layout), 0), 0);
	free(p);
	const char *names[2] = { "a.txt", "b.txt" };
	for (int i = 0; i < 2; i++) {
		struct buf t = layer_tar(names[i], names[i]);
		l->layer_digest[i] = put_blob(l->dir, t.p, t.len);
		l->layer[i] = desc(MT_LAYER, l->layer_digest[i], t.len);
		free(t.p);
	}
}

static void layout_free(struct layout *l)
{
	unit_rmtree(l->dir);
	free(l->dir);
	for (int i = 0; i < 2; i++) {
		json_decref(l->layer[i]);
		free(l->layer_digest[i]);
	}
}

/* An image manifest blob over the layer descriptors LAYERS, with ROOTFS
 * (NULL: none) in its config.  Steals both. */
static json_t *manifest_of(struct layout *l, json_t *layers, json_t *rootfs)
{
	json_t *c = json_pack("{s:s, s:s}", "architecture", "amd64", "os", "linux");
	if (rootfs)
		json_object_set_new(c, "rootfs", rootfs);
	json_t *cfg = put_json_blob(l->dir, MT_CONFIG, c);
	return put_json_blob(l->dir, MT_MANIFEST,
			     json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType",
				       MT_MANIFEST, "config", cfg, "layers", layers));
}

static json_t *rootfs_of(json_t *diff_ids)
{
	return json_pack("{s:s, s:o}", "type", "layers", "diff_ids", diff_ids);
}

/* An image manifest blob over layers A (and B when both). */
static json_t *manifest(struct layout *l, int both, const char *layer_type)
{
	json_t *layers = json_array(), *ids = json_array();
	for (int i = 0; i < (both ? 2 : 1); i++) {
		json_t *d = json_deep_copy(l->layer[i]);
		if (layer_type)
			json_object_set_new(d, "mediaType", json_string(layer_type));
		json_array_append_new(layers, d);
		json_array_append_new(ids, json_string(l->layer_digest[i]));
	}
	return manifest_of(l, layers, rootfs_of(ids));
}

static json_t *with_platform(json_t *d, const char *arch, const char *variant)
{
	json_t *p = json_pack("{s:s, s:s}", "os", arch[0] == '?' ? "unknown" : "linux",
			      "architecture", arch[0] == '?' ? "unknown" : arch);
	if (variant)
		json_object_set_new(p, "variant", json_string(variant));
	json_object_set_new(d, "platform", p);
	return d;
}

static json_t *with_ref(json_t *d, const char *ref)
{
	json_object_set_new(d, "annotations",
			    json_pack("{s:s}", "org.opencontainers.image.ref.name", ref));
	return d;
}

static json_t *index_blob(struct layout *l, json_t *manifests)
{
	return put_json_blob(l->dir, MT_INDEX,
			     json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType", MT_INDEX,
				       "manifests", manifests));
}

static void write_index(struct layout *l, json_t *manifests)
{
	json_t *idx = json_pack("{s:i, s:o}", "schemaVersion", 2, "manifests", manifests);
	char *p = xasprintf("%s/index.json", l->dir);
	CU_ASSERT_EQUAL_FATAL(json_dump_file(idx, p, 0), 0);
	free(p);
	json_decref(idx);
}

/* Open SPEC (a format with the layout's folder for %s). */
static int open_spec(struct layout *l, const char *fmt, const char *platform, struct pc_image *img)
{
	char *spec = xasprintf(fmt, l->dir);
	const char *specs[1] = { spec };
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(errbuf, sizeof(errbuf));
	int rc = pc_image_open(specs, 1, platform, NULL, img);
	pc_capture_errors(NULL, 0);
	free(spec);
	return rc;
}

static int host_is_amd64(void)
{
	struct utsname u;
	return uname(&u) == 0 && !strcmp(u.machine, "x86_64");
}

/* ---- OCI layouts ------------------------------------------------------------- */

static void test_oci_tags(void)
{
	struct layout l;
	layout_init(&l);
	write_index(&l, json_pack("[o, o]", with_ref(manifest(&l, 0, NULL), "one"),
				  with_ref(manifest(&l, 1, NULL), "two")));
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:one", NULL, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "oci-layout");
	CU_ASSERT_EQUAL(img.nlayers, 1);
	CU_ASSERT_STRING_EQUAL(img.layers[0].digest, l.layer_digest[0]);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.layers[0].path, "/blobs/sha256/"));
	pc_image_close(&img);

	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:two", NULL, &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	if (img.nlayers == 2)
		CU_ASSERT_STRING_EQUAL(img.layers[1].digest, l.layer_digest[1]);
	pc_image_close(&img);

	/* No tag with two images, and an unknown tag: both list the tags. */
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "one, two"));
	CU_ASSERT_EQUAL(open_spec(&l, "%s:three", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "'three'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "one, two"));

	char *spec = xasprintf("%s:one", l.dir), *why = NULL;
	char *abs = pc_image_spec_absolute(spec, NULL, &why);
	CU_ASSERT_PTR_NOT_NULL(abs);
	CU_ASSERT_PTR_NULL(why);
	free(abs);
	free(spec);
	spec = xasprintf("%s/nothing-here:one", l.dir);
	CU_ASSERT_PTR_NULL(pc_image_spec_absolute(spec, NULL, &why));
	CU_ASSERT_PTR_NOT_NULL(why);
	free(why);
	free(spec);
	layout_free(&l);
}

static void test_oci_platforms(void)
{
	struct layout l;
	layout_init(&l);
	/* amd64 has both layers, arm64/v8 only A; plus an attestation (a
	 * manifest of its own, as buildkit writes it: an in-toto layer). */
	json_t *multi = index_blob(&l, json_pack("[o, o, o]",
						 with_platform(manifest(&l, 1, NULL), "amd64", NULL),
						 with_platform(manifest(&l, 0, NULL), "arm64", "v8"),
						 with_platform(manifest(&l, 0, "application/vnd.in-toto+json"), "?", NULL)));
	write_index(&l, json_pack("[o]", with_ref(multi, "multi")));
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:multi", "linux/arm64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:multi", "linux/arm64/v8", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	if (host_is_amd64()) {
		CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:multi", NULL, &img), 0);
		CU_ASSERT_EQUAL(img.nlayers, 2);
		pc_image_close(&img);
	}
	CU_ASSERT_EQUAL(open_spec(&l, "%s:multi", "linux/riscv64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "linux/amd64"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "linux/arm64"));
	/* The attestation is no choice: it is not offered as one (buildkit
	 * lists it as unknown/unknown), and asking for it is refused. */
	CU_ASSERT_PTR_NULL(strstr(errbuf, "unknown/unknown"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "available: linux/amd64, linux/arm64 ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "1 attestation or artifact manifest skipped"));
	CU_ASSERT_EQUAL(open_spec(&l, "%s:multi", "unknown/unknown", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(strstr(errbuf, "available: linux/amd64, linux/arm64, unknown"));
	CU_ASSERT_EQUAL(open_spec(&l, "%s:multi", "linux/amd64", &img), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, "of 2 images (linux/amd64, linux/arm64)"));
	pc_image_close(&img);
	CU_ASSERT_EQUAL(open_spec(&l, "%s:multi", "linux", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	/* One image whose entry names no platform (as skopeo writes it): its
	 * config (linux/amd64) answers an explicit --platform, which it used
	 * to match whatever was asked (an amd64 tree tested for arm64). */
	write_index(&l, json_pack("[o]", manifest(&l, 1, NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/arm64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "the image is linux/amd64 (its config says so), "
					      "not the linux/arm64 asked for"));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	pc_image_close(&img);
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", NULL, &img), 0);
	pc_image_close(&img);
	layout_free(&l);
}

/* containerd's exporter (ctr images export, Docker 28's docker save)
 * lists the image's referrers (a cosign signature, which sets no
 * artifactType) in index.json, annotated io.containerd.manifest.subject
 * and without a platform: not images (containerd's import makes none of
 * them), so never a candidate, and never an ambiguity with the image. */
static void test_oci_referrers(void)
{
	struct layout l;
	layout_init(&l);
	json_t *img_d = with_platform(manifest(&l, 1, NULL), "amd64", NULL);
	json_t *sig = manifest(&l, 0, "application/vnd.dev.cosign.simplesigning.v1+json");
	json_object_set_new(sig, "annotations",
			    json_pack("{s:s}", "io.containerd.manifest.subject",
				      json_string_value(json_object_get(img_d, "digest"))));
	json_t *top = index_blob(&l, json_pack("[o]", img_d));
	json_object_set_new(top, "annotations",
			    json_pack("{s:s, s:s}", "io.containerd.image.name", "docker.io/library/x:latest",
				      "org.opencontainers.image.ref.name", "latest"));
	write_index(&l, json_pack("[o, o]", top, sig));
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	if (img.nlayers) {
		CU_ASSERT_EQUAL(img.nlayers, 2);
		pc_image_close(&img);
	}
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/arm64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "available: linux/amd64 (choose with --platform); "
					      "1 attestation or artifact manifest skipped"));
	layout_free(&l);
}

/* nydusify --merge-platform writes the nydus image beside the OCI one,
 * both linux/amd64, the nydus one with os.features
 * ["nydus.remoteimage.v1"]: containerd's platform matcher skips an entry
 * whose OS features were not asked for (containerd/platforms, vendored
 * in moby b985e2313a86), so the plain image is the one, not an ambiguity. */
static void test_oci_os_features(void)
{
	struct layout l;
	layout_init(&l);
	json_t *nydus = with_platform(manifest(&l, 0, NULL), "amd64", NULL);
	json_object_set_new(json_object_get(nydus, "platform"), "os.features",
			    json_pack("[s]", "nydus.remoteimage.v1"));
	json_t *top = index_blob(&l, json_pack("[o, o]", with_platform(manifest(&l, 1, NULL), "amd64", NULL),
					       nydus));
	write_index(&l, json_pack("[o]", with_ref(top, "merged")));
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(&l, "%s:merged", "linux/amd64", &img), 0);
	if (img.nlayers) {
		CU_ASSERT_EQUAL(img.nlayers, 2);
		pc_image_close(&img);
	}
	CU_ASSERT_EQUAL(open_spec(&l, "%s:merged", "linux/arm64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "available: linux/amd64, linux/amd64 (os.features: "
					      "nydus.remoteimage.v1)"));
	layout_free(&l);
}

static void test_oci_nested(void)
{
	struct layout l;
	layout_init(&l);
	/* index.json -> index -> docker manifest list -> arm64 image. */
	json_t *inner = index_blob(&l, json_pack("[o]", with_platform(manifest(&l, 1, NULL),
								    "arm64", NULL)));
	json_object_set_new(inner, "mediaType",
			    json_string("application/vnd.docker.distribution.manifest.list.v2+json"));
	json_t *outer = index_blob(&l, json_pack("[o]", inner));
	write_index(&l, json_pack("[o]", with_ref(outer, "nested")));
	struct pc_image img;
	/* One image: taken whatever the host, and when asked for by platform. */
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:nested", NULL, &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/arm64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "linux/arm64"));
	layout_free(&l);
}

/* A descriptor's embedded "data" must be the blob it describes: data that
 * is not (another manifest, junk) is refused, not passed over for the blob
 * (a reader taking the data would build another image); data that is the
 * blob is read as usual. */
static void test_oci_descriptor_data(void)
{
	struct layout l;
	layout_init(&l);
	struct pc_image img;
	json_t *a = manifest(&l, 1, NULL);
	/* "anVuaw==" is "junk" */
	json_t *bad = json_deep_copy(a);
	json_object_set_new(bad, "data", json_string("anVuaw=="));
	write_index(&l, json_pack("[o]", bad));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "not the blob it describes"));
	json_t *notb64 = json_deep_copy(a);
	json_object_set_new(notb64, "data", json_string("@@@@"));
	write_index(&l, json_pack("[o]", notb64));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "not base64"));
	/* the manifest's own bytes, base64 */
	const char *dg = json_string_value(json_object_get(a, "digest"));
	char *path = xasprintf("%s/blobs/sha256/%s", l.dir, dg + 7);
	size_t len = 0;
	char *raw = pc_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	unsigned char *b64 = xmalloc(4 * (len / 3 + 1) + 1);
	EVP_EncodeBlock(b64, (const unsigned char *)raw, (int)len);
	json_t *good = json_deep_copy(a);
	json_object_set_new(good, "data", json_string((const char *)b64));
	write_index(&l, json_pack("[o]", good));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", NULL, &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	free(b64);
	free(raw);
	free(path);
	json_decref(a);
	layout_free(&l);
}

#define ID_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/* Several different images that match equally well are an error listing
 * their digests, never a pick; one image listed twice is one image. */
static void test_oci_ambiguous(void)
{
	struct layout l;
	layout_init(&l);
	struct pc_image img;
	json_t *a = manifest(&l, 0, NULL), *b = manifest(&l, 1, NULL);
	const char *da = json_string_value(json_object_get(a, "digest"));
	const char *db = json_string_value(json_object_get(b, "digest"));
	char *want_a = xstrdup(da), *want_b = xstrdup(db);
	/* A tagged image without a platform beside an untagged linux/amd64
	 * one, no TAG: either could be meant. */
	write_index(&l, json_pack("[o, o]", with_ref(json_deep_copy(a), "x"),
				  with_platform(json_deep_copy(b), "amd64", NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_a));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_b));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s:x", "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	/* The untagged one an artifact (OCI 1.1 artifactType: a signature, an
	 * SBOM): not an image, so the tagged one is the only image. */
	json_t *art = json_deep_copy(b);
	json_object_set_new(art, "artifactType", json_string("application/vnd.example.sbom"));
	write_index(&l, json_pack("[o, o]", with_ref(json_deep_copy(a), "x"), art));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	char *dig = xasprintf("%%s:%s", want_b);
	CU_ASSERT_EQUAL(open_spec(&l, dig, NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "artifact application/vnd.example.sbom"));
	free(dig);
	/* arm64 and arm64/v8 are one platform: two images for it. */
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "arm64", NULL),
				  with_platform(json_deep_copy(b), "arm64", "v8")));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/arm64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_a));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_b));
	/* x86_64 and amd64, AArch64 and arm64 are one platform each, as
	 * containerd normalizes them: two images, not one passed over (the
	 * "amd64" one was taken, where containerd takes the first). */
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "x86_64", NULL),
				  with_platform(json_deep_copy(b), "amd64", "v1")));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "AArch64", "8"),
				  with_platform(json_deep_copy(b), "amd64", NULL)));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/arm64/v8", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "armhf", NULL),
				  with_platform(json_deep_copy(b), "arm", NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/arm/v7", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	/* amd64/v3 and 386, no plain amd64: containerd takes 386 for
	 * linux/amd64, podman (on a v3 CPU) amd64/v3: an error naming both,
	 * unless the variant is asked for.  (amd64/v3 was taken.) */
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "amd64", "v3"),
				  with_platform(json_deep_copy(b), "386", NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "falls back"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_a));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_b));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64/v3", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	/* the same for arm64/v8.2 beside arm/v7 */
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "arm64", "v8.2"),
				  with_platform(json_deep_copy(b), "arm", "v7")));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/arm64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "falls back"));
	/* Two linux/amd64 images; either digest names one. */
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "amd64", NULL),
				  with_platform(json_deep_copy(b), "amd64", NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "--platform cannot tell them apart"));
	char *spec_b_fmt = xasprintf("%%s:%s", want_b);
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, spec_b_fmt, "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	/* Two untagged images without platforms: say how many and how to
	 * choose (not --platform). */
	write_index(&l, json_pack("[o, o]", json_deep_copy(a), json_deep_copy(b)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", "linux/amd64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "2 images"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "--platform cannot tell them apart"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, ":DIGEST"));
	/* The same manifest listed twice (two tags, or two platforms) is
	 * one image. */
	write_index(&l, json_pack("[o, o]", with_ref(json_deep_copy(a), "one"),
				  with_ref(json_deep_copy(a), "two")));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	write_index(&l, json_pack("[o, o]", with_platform(json_deep_copy(a), "amd64", NULL),
				  with_platform(json_deep_copy(a), "amd64", NULL)));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", "linux/amd64", &img), 0);
	pc_image_close(&img);
	/* Inside a nested index too; a digest names a manifest there. */
	json_t *nested = index_blob(&l, json_pack("[o, o]",
						  with_platform(json_deep_copy(a), "amd64", NULL),
						  with_platform(json_deep_copy(b), "amd64", NULL)));
	write_index(&l, json_pack("[o]", with_ref(nested, "multi")));
	CU_ASSERT_EQUAL(open_spec(&l, "%s:multi", "linux/amd64", &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "several images match"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, ":DIGEST"));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, spec_b_fmt, "linux/amd64", &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	CU_ASSERT_EQUAL(open_spec(&l, "%s:sha256:" ID_ZERO, NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "no image manifest with digest"));
	free(spec_b_fmt);
	json_decref(a), json_decref(b);
	free(want_a), free(want_b);
	layout_free(&l);
}

static void test_oci_bad_blobs(void)
{
	struct layout l;
	layout_init(&l);
	write_index(&l, json_pack("[o]", manifest(&l, 1, NULL)));
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", NULL, &img), 0);
	pc_image_close(&img);

	/* Flip a byte of layer B. */
	char *p = xasprintf("%s/blobs/sha256/%s", l.dir, l.layer_digest[1] + 7);
	size_t len;
	char *data = pc_read_file(p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	data[len / 2] ^= 1;
	CU_ASSERT_EQUAL(pc_write_file(p, data, len, 0), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, l.layer_digest[1]));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "does not match its digest"));
	/* A byte more: caught by the size. */
	CU_ASSERT_EQUAL(pc_write_file(p, data, len - 1, 0), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "bytes"));
	/* Missing. */
	CU_ASSERT_EQUAL(unlink(p), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "missing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, l.layer_digest[1]));
	free(data);
	free(p);

	/* A manifest whose descriptor in index.json has the wrong size. */
	json_t *d = manifest(&l, 0, NULL);
	json_object_set_new(d, "size", json_integer(json_integer_value(json_object_get(d, "size")) + 1));
	write_index(&l, json_pack("[o]", d));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "image manifest"));
	layout_free(&l);
}

/* The config's rootfs.diff_ids describe the uncompressed layers: one per
 * layer, each the sha256 of its layer's tar (decompressed first). */
static void test_oci_diff_ids(void)
{
	struct layout l;
	layout_init(&l);
	struct pc_image img;
	const char *zero = "sha256:" ID_ZERO;
	/* A wrong diff_id for an uncompressed layer. */
	write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O]", l.layer[0]),
						     rootfs_of(json_pack("[s]", zero)))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "diff_id"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, zero));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, l.layer_digest[0]));
	/* One diff_id for two layers. */
	write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O, O]", l.layer[0], l.layer[1]),
						     rootfs_of(json_pack("[s]", l.layer_digest[0])))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "1 rootfs.diff_ids for 2 layers"));
	/* No rootfs; a diff_id that is not a string. */
	write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O]", l.layer[0]), NULL)));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "rootfs"));
	write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O]", l.layer[0]),
						     rootfs_of(json_pack("[i]", 5)))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "diff_ids[0] is not a digest string"));
	/* A gzip layer: its diff_id is its tar's digest, not its own. */
	struct buf gz = layer_tar_z("a.txt", "a.txt", 1);
	char *gzd = put_blob(l.dir, gz.p, gz.len);
	json_t *gzdesc = desc(MT_LAYER "+gzip", gzd, gz.len);
	for (int pass = 0; pass < 2; pass++) { /* the second from the cache */
		write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O]", gzdesc),
							     rootfs_of(json_pack("[s]", l.layer_digest[0])))));
		CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", NULL, &img), 0);
		CU_ASSERT_EQUAL(img.nlayers, 1);
		pc_image_close(&img);
	}
	write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O]", gzdesc),
						     rootfs_of(json_pack("[s]", l.layer_digest[1])))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, gzd));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, l.layer_digest[1]));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, l.layer_digest[0])); /* what it is */
	/* A gzip blob whose diff_id is its own digest, as if uncompressed,
	 * labelled tar or tar+gzip: the runtimes would find another diff_id
	 * (it was read, its tar unpacked). */
	for (int label = 0; label < 2; label++) {
		json_t *d = desc(label ? MT_LAYER : MT_LAYER "+gzip", gzd, gz.len);
		write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[o]", d),
							     rootfs_of(json_pack("[s]", gzd)))));
		CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "is gzip-compressed, yet"));
	}
	json_decref(gzdesc);
	free(gzd), free(gz.p);
	/* Layers holding nothing, as producers write them: a 0-byte blob
	 * (its diff_id its own digest) and gzip of no bytes (diff_id that of
	 * no bytes) are read; the gzip one described as uncompressed is not. */
	static const unsigned char gzip_of_nothing[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	char *nothing = put_blob(l.dir, "", 0);
	char *gz0 = put_blob(l.dir, gzip_of_nothing, sizeof(gzip_of_nothing));
	const struct {
		const char *type, *digest, *diff_id;
		size_t size;
		int ok;
	} empty[] = {
		{ MT_LAYER, nothing, nothing, 0, 1 },
		{ MT_LAYER "+gzip", gz0, nothing, sizeof(gzip_of_nothing), 1 },
		{ MT_LAYER "+gzip", gz0, gz0, sizeof(gzip_of_nothing), 0 },
	};
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		json_t *d = desc(empty[i].type, empty[i].digest, empty[i].size);
		write_index(&l, json_pack("[o]", manifest_of(&l, json_pack("[O, o]", l.layer[0], d),
						     rootfs_of(json_pack("[s, s]", l.layer_digest[0],
									 empty[i].diff_id)))));
		int rc = open_spec(&l, "%s", NULL, &img);
		CU_ASSERT_EQUAL(rc, empty[i].ok ? 0 : -1);
		if (rc == 0) {
			CU_ASSERT_EQUAL(img.nlayers, 2);
			pc_image_close(&img);
		} else {
			CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		}
	}
	free(nothing), free(gz0);
	layout_free(&l);
}

static void test_oci_media_types_and_json(void)
{
	struct layout l;
	layout_init(&l);
	write_index(&l, json_pack("[o]", manifest(&l, 1, "application/vnd.oci.image.layer.v1.tar+encrypted")));
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "unknown media type"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "+encrypted"));

	/* Docker's layer type is known. */
	write_index(&l, json_pack("[o]", manifest(&l, 1, "application/vnd.docker.image.rootfs.diff.tar.gzip")));
	CU_ASSERT_EQUAL_FATAL(open_spec(&l, "%s", NULL, &img), 0);
	pc_image_close(&img);

	/* Non-distributable (foreign) layers are refused, blob present or not. */
	static const char *const foreign[] = {
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; i < 3; i++) {
		write_index(&l, json_pack("[o]", manifest(&l, 1, foreign[i])));
		CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "non-distributable"));
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, foreign[i]));
	}

	/* Fields that differ only in case: Go readers take the last one
	 * ("Layers", layer B), jansson the exact name (layer A). */
	json_t *cfg = put_json_blob(l.dir, MT_CONFIG,
				    json_pack("{s:s, s:s, s:o}", "architecture", "amd64", "os", "linux",
					      "rootfs", rootfs_of(json_pack("[s]", l.layer_digest[0]))));
	char *cs = json_dumps(cfg, JSON_COMPACT), *a = json_dumps(l.layer[0], JSON_COMPACT),
	     *b = json_dumps(l.layer[1], JSON_COMPACT);
	char *man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_MANIFEST "\",\"config\":%s,"
			      "\"layers\":[%s],\"Layers\":[%s]}", cs, a, b);
	char *md = put_blob(l.dir, man, strlen(man));
	write_index(&l, json_pack("[o]", desc(MT_MANIFEST, md, strlen(man))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "fields 'Layers' and 'layers' differ only in case"));
	free(md), free(man);
	/* Go folds the long s (U+017F) to 's': "layer\u017f" is "layers". */
	man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_MANIFEST "\",\"config\":%s,"
			"\"layers\":[%s],\"layer\xc5\xbf\":[%s]}", cs, a, b);
	md = put_blob(l.dir, man, strlen(man));
	write_index(&l, json_pack("[o]", desc(MT_MANIFEST, md, strlen(man))));
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "differ only in case"));
	free(md), free(man), free(cs), free(a), free(b);
	json_decref(cfg);

	/* Bad JSON names file, line and column. */
	char *p = xasprintf("%s/index.json", l.dir);
	const char *bad = "{\n  \"schemaVersion\": 2,\n  \"manifests\": [,]\n}\n";
	CU_ASSERT_EQUAL(pc_write_file(p, bad, strlen(bad), 0), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "index.json:3:"));
	/* A FIFO, or a link to a device, as index.json is refused, not read
	 * (the read never ended). */
	CU_ASSERT_EQUAL(unlink(p), 0);
	CU_ASSERT_EQUAL_FATAL(mkfifo(p, 0600), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "index.json: not a regular file"));
	CU_ASSERT_EQUAL(unlink(p), 0);
	CU_ASSERT_EQUAL_FATAL(symlink("/dev/zero", p), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "index.json: not a regular file"));
	free(p);

	/* oci-layout is strict. */
	p = xasprintf("%s/oci-layout", l.dir);
	const char *extra = "{\"imageLayoutVersion\": \"1.0.0\", \"x\": 1}";
	CU_ASSERT_EQUAL(pc_write_file(p, extra, strlen(extra), 0), 0);
	CU_ASSERT_EQUAL(open_spec(&l, "%s", NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	free(p);
	layout_free(&l);
}

/* ---- docker-save and plain tarballs --------------------------------------- */

static int open_file(const char *spec, const char *tmpbase, struct pc_image *img)
{
	const char *specs[1] = { spec };
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(errbuf, sizeof(errbuf));
	int rc = pc_image_open(specs, 1, NULL, tmpbase, img);
	pc_capture_errors(NULL, 0);
	return rc;
}

#define ID1 "1111111111111111111111111111111111111111111111111111111111111111"
#define ID2 "2222222222222222222222222222222222222222222222222222222222222222"

static void test_docker_save_legacy(void)
{
	char *dir = unit_tmpdir();
	char *tmpbase = xasprintf("%s/tmp", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmpbase, 0755), 0);
	struct buf a = layer_tar("a.txt", "A"), b = layer_tar("b.txt", "B");
	char *ha = sha256_hex(a.p, a.len), *hb = sha256_hex(b.p, b.len);
	char *config = xasprintf("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
				 "[\"sha256:%s\",\"sha256:%s\",\"sha256:%s\"]}}", ha, hb, ha);
	char *chex = sha256_hex(config, strlen(config));
	char *cname = xasprintf("%s.json", chex);
	char *manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"fix:1\"],\"Layers\":"
				   "[\"" ID1 "/layer.tar\",\"" ID2 "/layer.tar\",\"" ID1 "/../" ID1 "/layer.tar\"]}]",
				   cname);
	char *path = xasprintf("%s/save.tar", dir);
	struct raw_member m[] = {
		{ ID1 "/layer.tar", a.p, a.len, NULL },
		{ ID2 "/layer.tar", b.p, b.len, NULL },
		{ cname, config, strlen(config), NULL },
		{ "manifest.json", manifest, strlen(manifest), NULL },
	};
	write_raw_tar(path, m, 4, 0);
	struct pc_image img;
	/* ".." in a member name is refused. */
	CU_ASSERT_EQUAL(open_file(path, tmpbase, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "refusing"));

	/* The third layer repeats the first through a symlink, as docker does. */
	free(manifest);
	manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"fix:1\"],\"Layers\":"
			     "[\"" ID1 "/layer.tar\",\"" ID2 "/layer.tar\",\"3333/layer.tar\"]}]", cname);
	struct raw_member m2[] = {
		{ ID1 "/layer.tar", a.p, a.len, NULL },
		{ ID2 "/layer.tar", b.p, b.len, NULL },
		{ "3333/layer.tar", NULL, 0, "../" ID1 "/layer.tar" },
		{ cname, config, strlen(config), NULL },
		{ "manifest.json", manifest, strlen(manifest), NULL },
	};
	write_raw_tar(path, m2, 5, 0);
	/* "3333" is no docker-save name shape, but manifest.json is what
	 * counts: an image archive of 3 layers (names never decide). */
	CU_ASSERT_EQUAL_FATAL(open_file(path, tmpbase, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "docker-archive");
	CU_ASSERT_EQUAL(img.nlayers, 3);
	pc_image_close(&img);
	/* A temporary folder others can write to that is not sticky is refused
	 * (exit 2): the layers extracted there are read again by path, and the
	 * folder made in it could be moved away and replaced. */
	CU_ASSERT_EQUAL(chmod(tmpbase, 0777), 0);
	CU_ASSERT_EQUAL(open_file(path, tmpbase, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "not sticky"));
	CU_ASSERT_EQUAL(chmod(tmpbase, 01777), 0);
	CU_ASSERT_EQUAL_FATAL(open_file(path, tmpbase, &img), 0);
	pc_image_close(&img);
	CU_ASSERT_EQUAL(chmod(tmpbase, 0755), 0);
	free(manifest);
	manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"fix:1\"],\"Layers\":"
			     "[\"" ID1 "/layer.tar\",\"" ID2 "/layer.tar\",\"" ID2 "/link.tar\"]}]", cname);
	m2[2].name = ID2 "/link.tar";
	m2[4].data = manifest;
	m2[4].len = strlen(manifest);
	write_raw_tar(path, m2, 5, 0);
	CU_ASSERT_EQUAL_FATAL(open_file(path, tmpbase, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "docker-archive");
	CU_ASSERT_EQUAL_FATAL(img.nlayers, 3);
	char *da = xasprintf("sha256:%s", ha), *db = xasprintf("sha256:%s", hb);
	CU_ASSERT_STRING_EQUAL(img.layers[0].digest, da);
	CU_ASSERT_STRING_EQUAL(img.layers[1].digest, db);
	CU_ASSERT_STRING_EQUAL(img.layers[2].digest, da);
	CU_ASSERT_EQUAL(img.layers[1].size, b.len);
	CU_ASSERT_PTR_NOT_NULL(img.tmpdir);
	CU_ASSERT_EQUAL(strncmp(img.tmpdir, tmpbase, strlen(tmpbase)), 0);
	size_t len;
	char *got = pc_read_file(img.layers[1].path, &len);
	CU_ASSERT_TRUE(got && len == b.len && !memcmp(got, b.p, len));
	free(got);
	char *tmpdir = xstrdup(img.tmpdir);
	pc_image_close(&img);
	CU_ASSERT_NOT_EQUAL(access(tmpdir, F_OK), 0); /* removed by close */
	free(tmpdir);

	/* By tag, and an unknown tag. */
	char *spec = xasprintf("%s:fix:1", path);
	CU_ASSERT_EQUAL(open_file(spec, tmpbase, &img), 0);
	pc_image_close(&img);
	free(spec);
	spec = xasprintf("%s:fix:2", path);
	CU_ASSERT_EQUAL(open_file(spec, tmpbase, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "fix:1"));
	free(spec);

	/* A corrupt layer: its diff_id no longer matches. */
	b.p[b.len / 3] ^= 1;
	write_raw_tar(path, m2, 5, 0);
	CU_ASSERT_EQUAL(open_file(path, tmpbase, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "layer 2"));

	free(da), free(db), free(path), free(manifest), free(cname), free(chex), free(config);
	free(ha), free(hb), free(a.p), free(b.p);
	unit_rmtree(dir);
	free(dir), free(tmpbase);
}

/* go-containerregistry's tarball.Write (crane pull --format=tarball,
 * kaniko --tar-path, ko) names the config "sha256:HEX" and each layer
 * "HEX.tar.gz" by its compressed digest; jib names the config
 * "config.json".  Both names are checked, the image ID comes from the
 * config's, and inspect names the producer. */
static void test_docker_archive_ggcr_jib(void)
{
	char *dir = unit_tmpdir();
	char *tmpbase = xasprintf("%s/tmp", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmpbase, 0755), 0);
	struct buf a = layer_tar("a.txt", "A"), az = layer_tar_z("a.txt", "A", 1);
	struct buf bz = layer_tar_z("b.txt", "B", 1), b = layer_tar("b.txt", "B");
	char *ha = sha256_hex(a.p, a.len), *hz = sha256_hex(az.p, az.len), *hb = sha256_hex(b.p, b.len);
	char *config = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
				 "{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}", ha);
	char *chex = sha256_hex(config, strlen(config));
	char *cname = xasprintf("sha256:%s", chex), *lname = xasprintf("%s.tar.gz", hz);
	char *manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"registry.example/fix:1\"],"
				   "\"Layers\":[\"%s\"]}]", cname, lname);
	char *path = xasprintf("%s/ggcr.tar", dir);
	struct raw_member m[] = {
		{ cname, config, strlen(config), NULL },
		{ lname, az.p, az.len, NULL },
		{ "manifest.json", manifest, strlen(manifest), NULL },
	};
	write_raw_tar(path, m, 3, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_file(path, tmpbase, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.sources[0].producer,
			       "docker-archive (go-containerregistry: crane, kaniko, ko)");
	char *id = xasprintf("image ID sha256:%s", chex);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, id));
	pc_image_close(&img);
	/* The image ID selects it, as for docker's and skopeo's archives. */
	char *spec = xasprintf("%s:sha256:%s", path, chex);
	CU_ASSERT_EQUAL(open_file(spec, tmpbase, &img), 0);
	pc_image_close(&img);
	/* A layer member whose content is not the digest its name says
	 * (another layer's, and a config that agrees with it) is refused. */
	char *config_b = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
				   "{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}", hb);
	char *chex_b = sha256_hex(config_b, strlen(config_b));
	char *cname_b = xasprintf("sha256:%s", chex_b);
	char *manifest_b = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":null,\"Layers\":[\"%s\"]}]",
				     cname_b, lname);
	struct raw_member mb[] = {
		{ cname_b, config_b, strlen(config_b), NULL },
		{ lname, bz.p, bz.len, NULL },
		{ "manifest.json", manifest_b, strlen(manifest_b), NULL },
	};
	write_raw_tar(path, mb, 3, 0);
	CU_ASSERT_EQUAL(open_file(path, tmpbase, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "does not match its digest"));
	/* A config whose content is not its name's digest, likewise. */
	m[0].data = config_b;
	m[0].len = strlen(config_b);
	write_raw_tar(path, m, 3, 0);
	CU_ASSERT_EQUAL(open_file(path, tmpbase, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "the image config (member sha256:"));
	/* jib's docker tar: config.json. */
	char *manifest_j = xasprintf("[{\"Config\":\"config.json\",\"RepoTags\":[\"gcr.io/p/fix:1\"],"
				     "\"Layers\":[\"%s\"]}]", lname);
	struct raw_member mj[] = {
		{ lname, az.p, az.len, NULL },
		{ "config.json", config, strlen(config), NULL },
		{ "manifest.json", manifest_j, strlen(manifest_j), NULL },
	};
	write_raw_tar(path, mj, 3, 0);
	CU_ASSERT_EQUAL_FATAL(open_file(path, tmpbase, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.sources[0].producer, "docker-archive (jib)");
	pc_image_close(&img);
	free(manifest_j), free(manifest_b), free(cname_b), free(chex_b), free(config_b);
	free(spec), free(id), free(path), free(manifest), free(lname), free(cname), free(chex);
	free(config), free(ha), free(hz), free(hb), free(a.p), free(az.p), free(b.p), free(bz.p);
	unit_rmtree(dir);
	free(dir), free(tmpbase);
}

static void test_docker_save_oci(void)
{
	char *dir = unit_tmpdir();
	struct buf a = layer_tar("a.txt", "A");
	char *ha = sha256_hex(a.p, a.len);
	char *config = xasprintf("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}",
				 ha);
	char *chex = sha256_hex(config, strlen(config));
	char *lname = xasprintf("blobs/sha256/%s", ha), *cname = xasprintf("blobs/sha256/%s", chex);
	char *manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":null,\"Layers\":[\"%s\"]}]",
				   cname, lname);
	char *path = xasprintf("%s/save.tar", dir);
	struct raw_member m[] = {
		{ lname, a.p, a.len, NULL },
		{ cname, config, strlen(config), NULL },
		{ "oci-layout", "{}", 2, NULL },
		{ "manifest.json", manifest, strlen(manifest), NULL },
	};
	write_raw_tar(path, m, 4, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_file(path, NULL, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "docker-archive");
	CU_ASSERT_EQUAL(img.nlayers, 1);
	char *da = xasprintf("sha256:%s", ha);
	CU_ASSERT_STRING_EQUAL(img.layers[0].digest, da);
	pc_image_close(&img);
	/* The blob name promises a digest the content does not have. */
	a.p[a.len / 3] ^= 1;
	write_raw_tar(path, m, 4, 0);
	CU_ASSERT_EQUAL(open_file(path, NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, ha));
	free(da), free(path), free(manifest), free(lname), free(cname), free(chex), free(ha), free(a.p);
	free(config);
	unit_rmtree(dir);
	free(dir);
}

/* A docker-save layer stored compressed is checked against its diff_id
 * (the digest of its tar) too; a config without usable diff_ids is an
 * input error, not a check skipped. */
static void test_docker_save_diff_ids(void)
{
	char *dir = unit_tmpdir();
	struct buf a = layer_tar("a.txt", "A"), b = layer_tar("b.txt", "B");
	struct buf gz = layer_tar_z("a.txt", "A", 1);
	char *ha = sha256_hex(a.p, a.len), *hb = sha256_hex(b.p, b.len);
	const char *manifest = "[{\"Config\":\"c.json\",\"Layers\":[\"L/layer.tar\"]}]";
	char *path = xasprintf("%s/save.tar", dir);
	const char *rootfs_fmt = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":"
				 "{\"type\":\"layers\",\"diff_ids\":[%s]}}";
	char *good = xasprintf("\"sha256:%s\"", ha), *bad = xasprintf("\"sha256:%s\"", hb);
	struct {
		const char *diff_ids; /* NULL: no rootfs */
		int ok;
		const char *says;
	} cases[] = {
		{ good, 0, NULL },
		{ bad, -1, hb },
		{ NULL, -1, "rootfs" },
		{ "5", -1, "diff_ids[0] is not a digest string" },
		{ "", -1, "0 rootfs.diff_ids for 1 layers" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *config = cases[i].diff_ids ? xasprintf(rootfs_fmt, cases[i].diff_ids)
						 : xstrdup("{\"os\":\"linux\",\"architecture\":\"amd64\"}");
		struct raw_member m[] = {
			{ "L/layer.tar", gz.p, gz.len, NULL },
			{ "c.json", config, strlen(config), NULL },
			{ "manifest.json", manifest, strlen(manifest), NULL },
		};
		write_raw_tar(path, m, 3, 0);
		struct pc_image img;
		CU_ASSERT_EQUAL(open_file(path, NULL, &img), cases[i].ok);
		if (cases[i].ok == 0) {
			pc_image_close(&img);
		} else {
			CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
			CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, cases[i].says));
		}
		free(config);
	}
	free(good), free(bad), free(path), free(ha), free(hb), free(a.p), free(b.p), free(gz.p);
	unit_rmtree(dir);
	free(dir);
}

/* ---- Docker 25+ and ctr export: manifest.json and index.json together ----- */

#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

/* One image of a combined archive: one layer holding the file "which"
 * with WHICH, a config for ARCH, a Docker image manifest. */
struct cimg {
	const char *which, *arch;
	struct buf layer;
	char *config, *manifest;          /* JSON text */
	char *layer_hex, *config_hex, *manifest_hex;
};

static void cimg_make(struct cimg *c, const char *which, const char *arch)
{
	c->which = which;
	c->arch = arch;
	c->layer = layer_tar("which", which);
	c->layer_hex = sha256_hex(c->layer.p, c->layer.len);
	c->config = xasprintf("{\"architecture\":\"%s\",\"os\":\"linux\",\"rootfs\":{\"type\":"
			      "\"layers\",\"diff_ids\":[\"sha256:%s\"]}}", arch, c->layer_hex);
	c->config_hex = sha256_hex(c->config, strlen(c->config));
	c->manifest = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
				"\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
				"\"digest\":\"sha256:%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
				"\"application/vnd.docker.image.rootfs.diff.tar\",\"digest\":\"sha256:%s\","
				"\"size\":%zu}]}", c->config_hex, strlen(c->config), c->layer_hex,
				c->layer.len);
	c->manifest_hex = sha256_hex(c->manifest, strlen(c->manifest));
}

static void cimg_free(struct cimg *c)
{
	free(c->layer.p), free(c->config), free(c->manifest);
	free(c->layer_hex), free(c->config_hex), free(c->manifest_hex);
}

/* manifest.json's entry for C: blobs/sha256 names, REPOTAGS (JSON). */
static char *cimg_entry(const struct cimg *c, const char *repotags)
{
	return xasprintf("{\"Config\":\"blobs/sha256/%s\",\"RepoTags\":%s,\"Layers\":"
			 "[\"blobs/sha256/%s\"]}", c->config_hex, repotags, c->layer_hex);
}

/* An index.json entry for the image manifest of C (or for the blob
 * DIGEST_HEX of MEDIA_TYPE and SIZE) named NAME (containerd) and REF. */
static char *index_entry(const char *media_type, const char *hex, size_t size, const char *name,
			 const char *ref)
{
	return xasprintf("{\"mediaType\":\"%s\",\"digest\":\"sha256:%s\",\"size\":%zu,"
			 "\"annotations\":{\"io.containerd.image.name\":\"%s\","
			 "\"org.opencontainers.image.ref.name\":\"%s\"}}",
			 media_type, hex, size, name, ref);
}

/* Write the archive: the blobs of C[0..n), EXTRA (a blob or NULL), then
 * index.json (INDEX_ENTRIES) and manifest.json (MANIFEST). */
static void write_combined(const char *path, struct cimg *c, size_t n, const char *extra,
			   const char *index_entries, const char *manifest)
{
	struct raw_member m[16];
	char *names[16];
	size_t k = 0, nn = 0;
	for (size_t i = 0; i < n; i++) {
		names[nn] = xasprintf("blobs/sha256/%s", c[i].layer_hex);
		m[k++] = (struct raw_member){ names[nn++], c[i].layer.p, c[i].layer.len, NULL };
		names[nn] = xasprintf("blobs/sha256/%s", c[i].config_hex);
		m[k++] = (struct raw_member){ names[nn++], c[i].config, strlen(c[i].config), NULL };
		names[nn] = xasprintf("blobs/sha256/%s", c[i].manifest_hex);
		m[k++] = (struct raw_member){ names[nn++], c[i].manifest, strlen(c[i].manifest), NULL };
	}
	char *ehex = extra ? sha256_hex(extra, strlen(extra)) : NULL;
	if (extra) {
		names[nn] = xasprintf("blobs/sha256/%s", ehex);
		m[k++] = (struct raw_member){ names[nn++], extra, strlen(extra), NULL };
	}
	char *index = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_INDEX "\","
				"\"manifests\":[%s]}", index_entries);
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	m[k++] = (struct raw_member){ "index.json", index, strlen(index), NULL };
	m[k++] = (struct raw_member){ "manifest.json", manifest, strlen(manifest), NULL };
	m[k++] = (struct raw_member){ "oci-layout", layout, strlen(layout), NULL };
	write_raw_tar(path, m, k, 0);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(index), free(ehex);
}

static int open_platform(const char *spec, const char *platform, struct pc_image *img)
{
	const char *specs[1] = { spec };
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(errbuf, sizeof(errbuf));
	int rc = pc_image_open(specs, 1, platform, NULL, img);
	pc_capture_errors(NULL, 0);
	return rc;
}

/* The "which" file of the image SPEC (opened for PLATFORM) holds WANT. */
static void assert_which(const char *spec, const char *platform, const char *want)
{
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_platform(spec, platform, &img), 0);
	CU_ASSERT_EQUAL_FATAL(img.nlayers, 1);
	struct buf expect = layer_tar("which", want);
	size_t len;
	char *got = pc_read_file(img.layers[0].path, &len);
	CU_ASSERT_TRUE(got && len == expect.len && !memcmp(got, expect.p, len));
	if (!(got && len == expect.len && !memcmp(got, expect.p, len)))
		fprintf(stderr, "%s (%s): not the image holding '%s'\n", spec,
			platform ? platform : "no platform", want);
	free(got), free(expect.p);
	pc_image_close(&img);
}

/* ctr export --skip-manifest-json (containerd 1.6) writes manifest.json
 * with "RepoTags": null and names the images in index.json only, as ctr
 * import reads them: FILE:TAG finds them there (the ref name, containerd's
 * name as docker compares references, the manifest digest), as well as by
 * RepoTags and image ID; inspect says which entry was read. */
static void test_docker_save_index_names(void)
{
	char *dir = unit_tmpdir();
	struct cimg c[2];
	cimg_make(&c[0], "a", "amd64");
	cimg_make(&c[1], "b", "amd64");
	char *e0 = cimg_entry(&c[0], "null"), *e1 = cimg_entry(&c[1], "null");
	char *manifest = xasprintf("[%s,%s]", e0, e1);
	char *i0 = index_entry(MT_DOCKER_MANIFEST, c[0].manifest_hex, strlen(c[0].manifest),
			       "docker.io/tiny/a:1", "1");
	char *i1 = index_entry(MT_DOCKER_MANIFEST, c[1].manifest_hex, strlen(c[1].manifest),
			       "docker.io/tiny/b:2", "2");
	char *entries = xasprintf("%s,%s", i0, i1);
	char *path = xasprintf("%s/ctr.tar", dir);
	write_combined(path, c, 2, NULL, entries, manifest);

	struct pc_image img;
	CU_ASSERT_EQUAL(open_platform(path, NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "holds 2 images"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "docker.io/tiny/a:1"));
	CU_ASSERT_PTR_NULL(strstr(errbuf, "untagged"));
	const char *for_a[] = { "tiny/a:1", "docker.io/tiny/a:1", "1" };
	for (size_t i = 0; i < 3; i++) {
		char *spec = xasprintf("%s:%s", path, for_a[i]);
		assert_which(spec, NULL, "a");
		free(spec);
	}
	char *spec = xasprintf("%s:sha256:%s", path, c[1].manifest_hex); /* manifest digest */
	assert_which(spec, NULL, "b");
	free(spec);
	spec = xasprintf("%s:sha256:%s", path, c[1].config_hex); /* image ID */
	assert_which(spec, NULL, "b");
	CU_ASSERT_EQUAL_FATAL(open_platform(spec, NULL, &img), 0);
	CU_ASSERT_PTR_NOT_NULL(img.sources[0].chosen);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, "manifest.json image 2 of 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, "docker.io/tiny/b:2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, c[1].config_hex));
	pc_image_close(&img);
	free(spec);
	spec = xasprintf("%s:tiny/c:1", path);
	CU_ASSERT_EQUAL(open_platform(spec, NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "no image tagged 'tiny/c:1'; tags: "
					      "docker.io/tiny/a:1, docker.io/tiny/b:2"));
	free(spec);
	/* A name that answers two entries, once by RepoTags and once by
	 * index.json, is ambiguous, never a pick. */
	free(e1), free(manifest);
	e1 = cimg_entry(&c[1], "[\"tiny/a:1\"]");
	manifest = xasprintf("[%s,%s]", e0, e1);
	write_combined(path, c, 2, NULL, entries, manifest);
	spec = xasprintf("%s:tiny/a:1", path);
	CU_ASSERT_EQUAL(open_platform(spec, NULL, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "matches 2 images"));
	free(spec);
	free(path), free(entries), free(i0), free(i1), free(e0), free(e1), free(manifest);
	for (int i = 0; i < 2; i++)
		cimg_free(&c[i]);
	unit_rmtree(dir);
	free(dir);
}

/* ctr export --all-platforms (and a multi-platform Docker 25+ save): index.json
 * lists a manifest list of every platform, manifest.json the exporter's
 * platform only.  --platform chooses in index.json (the image of another
 * platform was refused as "not the platform asked for"); without it,
 * manifest.json's image is read, as docker load reads it. */
static void test_docker_save_multiplatform(void)
{
	char *dir = unit_tmpdir();
	struct cimg c[2];
	cimg_make(&c[0], "amd", "amd64");
	cimg_make(&c[1], "arm", "arm64");
	char *list = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\","
			       "\"manifests\":[{\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
			       "\"digest\":\"sha256:%s\",\"size\":%zu,\"platform\":{\"os\":\"linux\","
			       "\"architecture\":\"amd64\"}},{\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
			       "\"digest\":\"sha256:%s\",\"size\":%zu,\"platform\":{\"os\":\"linux\","
			       "\"architecture\":\"arm64\"}}]}",
			       c[0].manifest_hex, strlen(c[0].manifest), c[1].manifest_hex,
			       strlen(c[1].manifest));
	char *list_hex = sha256_hex(list, strlen(list));
	char *entries = index_entry(MT_DOCKER_LIST, list_hex, strlen(list), "docker.io/tiny/mp:1", "1");
	char *e0 = cimg_entry(&c[0], "[\"tiny/mp:1\"]");
	char *manifest = xasprintf("[%s]", e0);
	char *path = xasprintf("%s/ctr.tar", dir);
	write_combined(path, c, 2, list, entries, manifest);

	assert_which(path, NULL, "amd");
	assert_which(path, "linux/amd64", "amd");
	assert_which(path, "linux/arm64", "arm");
	char *spec = xasprintf("%s:tiny/mp:1", path);
	assert_which(spec, "linux/arm64", "arm");
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_platform(spec, "linux/arm64", &img), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].why, "read as the OCI layout"));
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].chosen, c[1].manifest_hex));
	pc_image_close(&img);
	free(spec);
	/* A platform the archive lists but does not hold (ctr export without
	 * --all-platforms): an input error, not manifest.json's image. */
	write_combined(path, c, 1, list, entries, manifest);
	CU_ASSERT_EQUAL(open_platform(path, "linux/arm64", &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, c[1].manifest_hex));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "missing"));
	assert_which(path, NULL, "amd");
	/* Exported on an arm64 host (Docker's containerd store points
	 * manifest.json at the host's platform), both platforms there, read
	 * on another host: docker load (graphdriver) would take manifest.json's
	 * arm64 image, a containerd-based runtime the host's from the index.
	 * Without --platform that is an error naming both, not a pick. */
	char *e1 = cimg_entry(&c[1], "[\"tiny/mp:1\"]");
	char *manifest_arm = xasprintf("[%s]", e1);
	write_combined(path, c, 2, list, entries, manifest_arm);
	assert_which(path, "linux/arm64", "arm");
	assert_which(path, "linux/amd64", "amd");
	if (host_is_amd64()) {
		CU_ASSERT_EQUAL(open_platform(path, NULL, &img), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "manifest.json's image is linux/arm64"));
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "this host is linux/amd64"));
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "choose with --platform linux/arm64 or --platform linux/amd64"));
	}
	free(e1), free(manifest_arm);
	free(path), free(entries), free(e0), free(manifest), free(list), free(list_hex);
	for (int i = 0; i < 2; i++)
		cimg_free(&c[i]);
	unit_rmtree(dir);
	free(dir);
}

static void test_plain_layers(void)
{
	char *dir = unit_tmpdir();
	struct buf a = layer_tar("bin/sh", "#!");
	char *p1 = xasprintf("%s/one.tar", dir), *p2 = xasprintf("%s/two.tar", dir);
	CU_ASSERT_EQUAL(pc_write_file(p1, a.p, a.len, 0), 0);
	CU_ASSERT_EQUAL(pc_write_file(p2, a.p, a.len, 0), 0);
	const char *specs[2] = { p1, p2 };
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(pc_image_open(specs, 2, NULL, NULL, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "layer");
	CU_ASSERT_EQUAL(img.nlayers, 2);
	CU_ASSERT_PTR_NULL(img.layers[0].digest);
	CU_ASSERT_EQUAL(img.layers[0].size, a.len);
	CU_ASSERT_STRING_EQUAL(img.layers[1].path, p2);
	CU_ASSERT_PTR_NULL(img.tmpdir);
	pc_image_close(&img);
	/* A tag on a tarball, and a missing file, are input errors. */
	char *spec = xasprintf("%s:latest", p1);
	CU_ASSERT_EQUAL(open_file(spec, NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	free(spec);
	spec = xasprintf("%s/none.tar", dir);
	CU_ASSERT_EQUAL(open_file(spec, NULL, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	char *why = NULL, *abs = pc_image_spec_absolute(spec, NULL, &why);
	CU_ASSERT_PTR_NULL(abs);
	CU_ASSERT_PTR_NOT_NULL(why);
	free(why);
	abs = pc_image_spec_absolute(p1, NULL, &why);
	CU_ASSERT_PTR_NOT_NULL(abs);
	free(abs);
	free(spec);
	free(p1), free(p2), free(a.p);
	unit_rmtree(dir);
	free(dir);
}

void register_image_tests(void)
{
	CU_pSuite s = CU_add_suite("image", NULL, NULL);
	CU_add_test(s, "OCI descriptor data must be its blob", test_oci_descriptor_data);
	CU_add_test(s, "OCI layout: select by tag", test_oci_tags);
	CU_add_test(s, "OCI layout: select by platform", test_oci_platforms);
	CU_add_test(s, "OCI layout: nested indexes", test_oci_nested);
	CU_add_test(s, "OCI layout: referrers in index.json are not images", test_oci_referrers);
	CU_add_test(s, "OCI layout: an entry needing OS features is not the host's", test_oci_os_features);
	CU_add_test(s, "OCI layout: several equally good images are an error", test_oci_ambiguous);
	CU_add_test(s, "OCI layout: bad digest, bad size, missing blob", test_oci_bad_blobs);
	CU_add_test(s, "OCI layout: layers checked against the config's diff_ids", test_oci_diff_ids);
	CU_add_test(s, "OCI layout: unknown media type, bad JSON, strict oci-layout",
		    test_oci_media_types_and_json);
	CU_add_test(s, "docker-save: legacy, symlinked layer, tags, diff_ids", test_docker_save_legacy);
	CU_add_test(s, "docker-save: OCI-based", test_docker_save_oci);
	CU_add_test(s, "docker-archive: go-containerregistry and jib names", test_docker_archive_ggcr_jib);
	CU_add_test(s, "docker-save: compressed layer and malformed diff_ids", test_docker_save_diff_ids);
	CU_add_test(s, "docker-save/ctr export: names from index.json", test_docker_save_index_names);
	CU_add_test(s, "docker-save/ctr export: multi-platform, --platform", test_docker_save_multiplatform);
	CU_add_test(s, "plain layer tarballs", test_plain_layers);
}
