/* test_image_classify.c - the image classifier with hand-made archives: a
 * tar is an image archive only by what its manifest.json / index.json +
 * oci-layout say and reference, never by member-name shapes (which only
 * make one whose metadata does not parse a damaged image); the skopeo
 * docker-archive misreading (issue 8) as a regression; spec splitting;
 * paths that are not regular files or folders (issue 13 #6, #7); eStargz
 * metadata hidden. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "image/image_int.h"
#include "image/layerfmt.h"
#include "image/manifest.h"
#include "tarfix.h"
#include "unit.h"
#include "image/unpack.h"
#include "util/util.h"

static char errbuf[1024];

static char *hex256(const void *p, size_t n)
{
	unsigned char md[32];
	char hex[65];
	EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL);
	pc_hex(md, 32, hex);
	return xstrdup(hex);
}

static int open_spec(const char *spec, struct pc_image *img)
{
	const char *specs[1] = { spec };
	pc_last_errclass = PC_ERR_NONE;
	errbuf[0] = '\0';
	pc_capture_errors(errbuf, sizeof(errbuf));
	int rc = pc_image_open(specs, 1, NULL, NULL, img);
	pc_capture_errors(NULL, 0);
	return rc;
}

/* The pieces of a two-layer docker archive as skopeo writes it. */
struct skopeo_fix {
	char *l[2];
	size_t llen[2];
	char *lname[2];  /* "<diffid>.tar" */
	char *link[2];   /* "<id>/layer.tar" */
	char *target[2]; /* "../<diffid>.tar" */
	char *config, *cname, *manifest;
};

static void skopeo_fix_init(struct skopeo_fix *f)
{
	f->l[0] = layer_bytes("etc/os-release", "ID=fixture\n", 0, &f->llen[0]);
	f->l[1] = layer_bytes("usr/bin/app", "#!/bin/sh\n", 0, &f->llen[1]);
	char *h[2];
	for (int i = 0; i < 2; i++) {
		h[i] = hex256(f->l[i], f->llen[i]);
		f->lname[i] = xasprintf("%s.tar", h[i]);
		f->link[i] = xasprintf("%064d/layer.tar", i + 1);
		f->target[i] = xasprintf("../%s", f->lname[i]);
	}
	f->config = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
			      "\"layers\",\"diff_ids\":[\"sha256:%s\",\"sha256:%s\"]}}",
			      h[0], h[1]);
	char *ch = hex256(f->config, strlen(f->config));
	f->cname = xasprintf("%s.json", ch);
	f->manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"docker.io/fix/app:1\"],"
				"\"Layers\":[\"%s\",\"%s\"]}]",
				f->cname, f->lname[0], f->lname[1]);
	free(ch), free(h[0]), free(h[1]);
}

static void skopeo_fix_free(struct skopeo_fix *f)
{
	for (int i = 0; i < 2; i++)
		free(f->l[i]), free(f->lname[i]), free(f->link[i]), free(f->target[i]);
	free(f->config), free(f->cname), free(f->manifest);
}

/* Issue 8: skopeo copy ... docker-archive: (and podman save) writes
 * top-level <digest>.tar layers, <id>/layer.tar symlinks to them, the
 * config, manifest.json and repositories.  It was read as ONE layer whose
 * files were the archive's members. */
static void test_skopeo_docker_archive_regression(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	const char *repos = "{\"docker.io/fix/app\":{\"1\":\"x\"}}";
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ f.link[0], NULL, 0, f.target[0] },
		{ f.link[1], NULL, 0, f.target[1] },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ "repositories", repos, strlen(repos), NULL },
	};
	char *path = xasprintf("%s/skopeo.tar", dir);
	write_raw_tar(path, m, 7, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "docker-archive");
	CU_ASSERT_STRING_EQUAL(img.sources[0].producer, "docker-archive (skopeo/podman)");
	CU_ASSERT_STRING_EQUAL(img.sources[0].platform, "linux/amd64");
	CU_ASSERT_EQUAL_FATAL(img.nlayers, 2);
	char *want = xasprintf("sha256:%.64s", f.lname[1]);
	CU_ASSERT_STRING_EQUAL(img.layers[1].digest, want);
	free(want);
	/* The image's tree, not the archive's members. */
	const char **paths = pc_image_layer_paths(&img);
	struct pc_manifest *man = NULL;
	CU_ASSERT_EQUAL(pc_image_scan(paths, img.nlayers, &man, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(man ? pc_manifest_get(man, "usr/bin/app") : NULL);
	CU_ASSERT_PTR_NULL(man ? pc_manifest_get(man, "manifest.json") : NULL);
	pc_manifest_free(man);
	free(paths);
	pc_image_close(&img);
	/* By tag, full or short. */
	char *spec = xasprintf("%s:docker.io/fix/app:1", path);
	CU_ASSERT_EQUAL(open_spec(spec, &img), 0);
	pc_image_close(&img);
	free(spec);
	/* layer:PATH forces the other reading. */
	spec = xasprintf("layer:%s", path);
	CU_ASSERT_EQUAL_FATAL(open_spec(spec, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "layer");
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	free(spec);
	skopeo_fix_free(&f);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A member whose pax header libarchive reads only in part (a malformed
 * record: it drops the whole pax header, the member's name with it): the
 * runtimes' Go reader refuses the archive, so does powercut. */
static void test_malformed_pax_member(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ "notes-\xc3\xa9", "x", 1, NULL }, /* not ASCII: a pax path record */
	};
	char *path = xasprintf("%s/bad-pax.tar", dir);
	write_raw_tar(path, m, 5, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0); /* sound as written */
	pc_image_close(&img);
	break_pax_record(path, "path=notes-");
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "malformed pax"));
	skopeo_fix_free(&f);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* An image archive is read as the runtimes' Go reader reads it, with the
 * header checks a layer gets: entries after a single zero block (tar and
 * libarchive stop there, Go's reader, so docker load, refuses the
 * archive) are refused, not ignored: here a second manifest.json, which
 * powercut read past unseen and took the image described before it. */
static void test_image_archive_headers_checked(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
	};
	char *path = xasprintf("%s/lone-zero.tar", dir), *tail = xasprintf("%s/tail.tar", dir);
	write_raw_tar(path, m, 4, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0); /* sound as written */
	pc_image_close(&img);
	struct raw_member other[] = { { "manifest.json", "[]", 2, NULL } };
	write_raw_tar(tail, other, 1, 0);
	size_t len, tlen;
	char *b = pc_read_file(path, &len), *t = pc_read_file(tail, &tlen);
	CU_ASSERT_FATAL(b && t && len % 512 == 0);
	static const char zero[512];
	while (len >= 512 && !memcmp(b + len - 512, zero, 512))
		len -= 512; /* its end: the two zero blocks and the padding */
	b = xrealloc(b, len + 512 + tlen);
	memset(b + len, 0, 512);
	memcpy(b + len + 512, t, tlen);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, b, len + 512 + tlen, 0), 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "entries follow a single zero block"));
	free(b);
	free(t);
	skopeo_fix_free(&f);
	free(path);
	free(tail);
	unit_rmtree(dir);
	free(dir);
}

/* podman save -m of an untagged image: RepoTags is empty, the image ID
 * (sha256 of the config, which names the config member) names it. */
static void test_docker_untagged_by_id(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	char *config2 = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
				  "{\"type\":\"layers\",\"diff_ids\":[\"sha256:%.64s\"]}}",
				  f.lname[0]);
	char *h2 = hex256(config2, strlen(config2));
	char *c2name = xasprintf("%s.json", h2);
	char *two = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"docker.io/fix/app:1\"],"
			      "\"Layers\":[\"%s\",\"%s\"]},"
			      "{\"Config\":\"%s\",\"RepoTags\":[],\"Layers\":[\"%s\"]}]",
			      f.cname, f.lname[0], f.lname[1], c2name, f.lname[0]);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ c2name, config2, strlen(config2), NULL },
		{ "manifest.json", two, strlen(two), NULL },
	};
	char *path = xasprintf("%s/untagged.tar", dir);
	write_raw_tar(path, m, 5, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	char *shown = xasprintf("sha256:%s (untagged)", h2);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, shown));
	char *spec = xasprintf("%s:sha256:%s", path, h2);
	CU_ASSERT_EQUAL_FATAL(open_spec(spec, &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 1);
	pc_image_close(&img);
	free(spec);
	spec = xasprintf("%s:sha256:%.64s", path, f.cname); /* the tagged one, by ID too */
	CU_ASSERT_EQUAL_FATAL(open_spec(spec, &img), 0);
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	free(spec), free(shown), free(path), free(two), free(c2name), free(h2), free(config2);
	skopeo_fix_free(&f);
	unit_rmtree(dir);
	free(dir);
}

/* The members in any order: manifest.json first, last, or in between. */
static void test_members_in_any_order(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	struct raw_member base[] = {
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ f.link[1], NULL, 0, f.target[1] },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ f.link[0], NULL, 0, f.target[0] },
		{ f.lname[0], f.l[0], f.llen[0], NULL },
	};
	enum { N = sizeof(base) / sizeof(base[0]) };
	char *path = xasprintf("%s/order.tar", dir);
	for (size_t rot = 0; rot < N; rot++) {
		struct raw_member m[N];
		for (size_t i = 0; i < N; i++)
			m[i] = base[(i + rot) % N];
		write_raw_tar(path, m, N, rot % 2);
		struct pc_image img;
		CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
		CU_ASSERT_STRING_EQUAL(img.kind, "docker-archive");
		CU_ASSERT_EQUAL(img.nlayers, 2);
		pc_image_close(&img);
	}
	skopeo_fix_free(&f);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A layer that holds a file named manifest.json (or index.json and
 * oci-layout) that is not image metadata is still a layer. */
static void test_layer_with_manifest_json(void)
{
	char *dir = unit_tmpdir();
	const char *app = "{\"name\":\"my-app\",\"version\":\"1.0\"}";
	const char *arr = "[{\"name\":\"x\"}]";
	const char *idx = "{\"files\":[]}";
	struct raw_member m[] = {
		{ "manifest.json", app, strlen(app), NULL },
		{ "index.json", idx, strlen(idx), NULL },
		{ "usr/share/app/manifest.json", arr, strlen(arr), NULL },
		{ "etc/hostname", "box\n", 4, NULL },
	};
	char *path = xasprintf("%s/layer.tar", dir);
	write_raw_tar(path, m, 4, 1);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "layer");
	CU_ASSERT_EQUAL(img.nlayers, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(img.sources[0].why, "not a docker-save manifest"));
	pc_image_close(&img);
	/* A JSON array that is not {Config, Layers}: still a layer. */
	m[0].data = arr;
	m[0].len = strlen(arr);
	write_raw_tar(path, m, 4, 0);
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "layer");
	pc_image_close(&img);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* An image archive that lacks a member its manifest names is an input
 * error naming the member, never a layer; so is a marker given twice. */
static void test_missing_member_is_input_error(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
	};
	char *path = xasprintf("%s/missing.tar", dir);
	write_raw_tar(path, m, 3, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, f.lname[1]));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "missing"));
	/* The config missing. */
	struct raw_member m2[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
	};
	write_raw_tar(path, m2, 3, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, f.cname));
	/* A symlinked layer.tar whose target is missing. */
	char *man = xasprintf("[{\"Config\":\"%s\",\"Layers\":[\"%s\",\"%s\"]}]", f.cname,
			      f.lname[0], f.link[1]);
	struct raw_member m3[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.link[1], NULL, 0, f.target[1] },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", man, strlen(man), NULL },
	};
	write_raw_tar(path, m3, 4, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, f.lname[1]));
	free(man);
	/* manifest.json twice: which one a reader takes is a guess. */
	struct raw_member m4[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ "./manifest.json", f.manifest, strlen(f.manifest), NULL },
	};
	write_raw_tar(path, m4, 5, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "ambiguous"));
	/* An oci-archive whose index names a manifest blob it lacks. */
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char *index = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
				"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
				"\"sha256:%064d\",\"size\":10}]}", 7);
	struct raw_member m5[] = {
		{ "oci-layout", layout, strlen(layout), NULL },
		{ "index.json", index, strlen(index), NULL },
	};
	write_raw_tar(path, m5, 2, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "blobs/sha256/0000000000"));
	free(index);
	skopeo_fix_free(&f);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A tar shaped as an image archive (layer members beside manifest.json,
 * repositories, index.json or oci-layout) whose metadata does not parse is
 * a damaged image: read as one layer, its members were the tree tested
 * (exit 0).  Refused, naming layer:FILE as the way out. */
static void test_damaged_image_archive_refused(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	char *path = xasprintf("%s/damaged.tar", dir);
	struct pc_image img;
	/* manifest.json cut short. */
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, 40, NULL },
	};
	write_raw_tar(path, m, 4, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "manifest.json is not JSON (1:40"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "if it is a layer, name it as layer:"));
	/* A docker save from before Docker 1.10: repositories, <id>/layer.tar. */
	const char *repos = "{\"fix/app\":{\"1\":\"x\"}}";
	struct raw_member old[] = {
		{ f.link[0], f.l[0], f.llen[0], NULL },
		{ "repositories", repos, strlen(repos), NULL },
	};
	write_raw_tar(path, old, 2, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "before Docker 1.10"));
	/* An oci-archive whose index.json is cut short. */
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char *blob = xasprintf("blobs/sha256/%.64s", f.lname[0]);
	struct raw_member o[] = {
		{ "oci-layout", layout, strlen(layout), NULL },
		{ "index.json", "{\"schemaVersion\":2,\"manif", 23, NULL },
		{ blob, f.l[0], f.llen[0], NULL },
	};
	write_raw_tar(path, o, 3, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "index.json or oci-layout with blobs/ALG/HEX"));
	/* layer:FILE still reads it as a layer. */
	char *spec = xasprintf("layer:%s", path);
	CU_ASSERT_EQUAL_FATAL(open_spec(spec, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "layer");
	pc_image_close(&img);
	free(spec), free(blob), free(path);
	skopeo_fix_free(&f);
	unit_rmtree(dir);
	free(dir);
}

/* A foreign layer listed in LayerSources (docker save, skopeo) is refused
 * as in an OCI layout, its member present or not. */
static void test_docker_foreign_layer(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	char *path = xasprintf("%s/foreign.tar", dir);
	char *man = xasprintf("[{\"Config\":\"%s\",\"Layers\":[\"%s\",\"%s\"],\"LayerSources\":"
			      "{\"sha256:%.64s\":{\"mediaType\":\"application/vnd.docker.image."
			      "rootfs.foreign.diff.tar.gzip\",\"size\":1,\"digest\":\"sha256:%.64s\","
			      "\"urls\":[\"https://example.com/l\"]}}}]",
			      f.cname, f.lname[0], f.lname[1], f.lname[1], f.lname[1]);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", man, strlen(man), NULL },
	};
	write_raw_tar(path, m, 4, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "non-distributable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "LayerSources"));
	/* Without LayerSources, the same archive is read. */
	m[3] = (struct raw_member){ "manifest.json", f.manifest, strlen(f.manifest), NULL };
	write_raw_tar(path, m, 4, 0);
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	pc_image_close(&img);
	/* An explicit --platform the image's config does not say was ignored
	 * (the amd64 tree tested as arm64). */
	const char *specs[1] = { path };
	pc_capture_errors(errbuf, sizeof(errbuf));
	CU_ASSERT_EQUAL(pc_image_open(specs, 1, "linux/arm64", NULL, &img), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "the image is linux/amd64 (its config says so)"));
	CU_ASSERT_EQUAL_FATAL(pc_image_open(specs, 1, "linux/amd64", NULL, &img), 0);
	pc_image_close(&img);
	free(man), free(path);
	skopeo_fix_free(&f);
	unit_rmtree(dir);
	free(dir);
}

/* A layer or config member given twice in a docker-archive: the first
 * copy is not necessarily what docker load takes (the last). */
static void test_docker_duplicate_member(void)
{
	char *dir = unit_tmpdir();
	struct skopeo_fix f;
	skopeo_fix_init(&f);
	char *path = xasprintf("%s/dup.tar", dir);
	struct raw_member m[] = {
		{ f.lname[0], f.l[0], f.llen[0], NULL },
		{ f.lname[1], f.l[1], f.llen[1], NULL },
		{ f.cname, f.config, strlen(f.config), NULL },
		{ "manifest.json", f.manifest, strlen(f.manifest), NULL },
		{ f.lname[0], f.l[1], f.llen[1], NULL },
	};
	struct pc_image img;
	write_raw_tar(path, m, 5, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, f.lname[0]));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "appears 2 times: ambiguous"));
	/* The config twice, the same bytes even: still two members. */
	m[4] = m[2];
	write_raw_tar(path, m, 5, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, f.cname));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "appears 2 times: ambiguous"));
	/* Two images tagged :latest: the tag matches both. */
	char *two = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"a:latest\"],\"Layers\":[\"%s\"]},"
			      "{\"Config\":\"%s\",\"RepoTags\":[\"b:latest\"],\"Layers\":[\"%s\"]}]",
			      f.cname, f.lname[0], f.cname, f.lname[1]);
	m[3] = (struct raw_member){ "manifest.json", two, strlen(two), NULL };
	write_raw_tar(path, m, 4, 0);
	char *spec = xasprintf("%s:latest", path);
	CU_ASSERT_EQUAL(open_spec(spec, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "tag 'latest' matches 2 images"));
	free(spec), free(two), free(path);
	skopeo_fix_free(&f);
	unit_rmtree(dir);
	free(dir);
}

/* Docker 25+ describes the image twice (manifest.json and an OCI layout):
 * when they agree it is read, when they disagree it is ambiguous. */
static void test_docker25_descriptions_agree(void)
{
	char *dir = unit_tmpdir();
	size_t len[2];
	char *l[2] = { layer_bytes("a.txt", "A", 0, &len[0]), layer_bytes("b.txt", "B", 0, &len[1]) };
	char *h[2] = { hex256(l[0], len[0]), hex256(l[1], len[1]) };
	char *lname[2] = { xasprintf("blobs/sha256/%s", h[0]), xasprintf("blobs/sha256/%s", h[1]) };
	char *config = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
				 "{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\",\"sha256:%s\"]}}",
				 h[0], h[1]);
	char *ch = hex256(config, strlen(config));
	char *cname = xasprintf("blobs/sha256/%s", ch);
	char *man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
			      "\"digest\":\"sha256:%s\",\"size\":%zu},\"layers\":["
			      "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%zu},"
			      "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%zu}]}",
			      ch, strlen(config), h[0], len[0], h[1], len[1]);
	char *mh = hex256(man, strlen(man));
	char *mname = xasprintf("blobs/sha256/%s", mh);
	char *index = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
				"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\","
				"\"size\":%zu,\"annotations\":{\"io.containerd.image.name\":"
				"\"docker.io/fix/app:1\",\"org.opencontainers.image.ref.name\":\"1\"}}]}",
				mh, strlen(man));
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char *same = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"fix/app:1\"],\"Layers\":[\"%s\",\"%s\"]}]",
			       cname, lname[0], lname[1]);
	char *swapped = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"fix/app:1\"],\"Layers\":[\"%s\",\"%s\"]}]",
				  cname, lname[1], lname[0]);
	struct raw_member m[] = {
		{ "oci-layout", layout, strlen(layout), NULL },
		{ "index.json", index, strlen(index), NULL },
		{ lname[0], l[0], len[0], NULL },
		{ lname[1], l[1], len[1], NULL },
		{ cname, config, strlen(config), NULL },
		{ mname, man, strlen(man), NULL },
		{ "manifest.json", same, strlen(same), NULL },
	};
	char *path = xasprintf("%s/docker25.tar", dir);
	write_raw_tar(path, m, 7, 0);
	struct pc_image img;
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.sources[0].producer, "docker-save (Docker 25+, OCI layout inside)");
	CU_ASSERT_EQUAL(img.nlayers, 2);
	pc_image_close(&img);
	/* manifest.json says b then a; index.json's manifest a then b. */
	m[6].data = swapped;
	m[6].len = strlen(swapped);
	write_raw_tar(path, m, 7, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "disagree"));
	/* manifest.json cut short beside a sound OCI layout: which one docker
	 * load reads depends on its image store; it was read as an oci-archive. */
	m[6].len = 20;
	write_raw_tar(path, m, 7, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "the manifest.json beside it is not a docker-save manifest"));
	/* Without the OCI layout beside it: Docker's names, no index. */
	m[6].data = same;
	m[6].len = strlen(same);
	write_raw_tar(path, m + 2, 5, 0);
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.sources[0].producer,
			       "docker-save (blobs/sha256 names, no OCI index)");
	pc_image_close(&img);
	/* The OCI layout alone is an oci-archive; a blob given twice makes it
	 * ambiguous (a tar reader takes the last copy), before or after. */
	write_raw_tar(path, m, 6, 0);
	CU_ASSERT_EQUAL_FATAL(open_spec(path, &img), 0);
	CU_ASSERT_STRING_EQUAL(img.kind, "oci-archive");
	pc_image_close(&img);
	struct raw_member dup[7];
	memcpy(dup, m, 6 * sizeof(*m));
	dup[6] = (struct raw_member){ lname[0], "garbage", 7, NULL };
	write_raw_tar(path, dup, 7, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "appears 2 times: ambiguous"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, lname[0]));
	dup[0] = dup[6];
	dup[6] = m[0];
	write_raw_tar(path, dup, 7, 0);
	CU_ASSERT_EQUAL(open_spec(path, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "appears 2 times: ambiguous"));
	for (int i = 0; i < 2; i++)
		free(l[i]), free(h[i]), free(lname[i]);
	free(config), free(ch), free(cname), free(man), free(mh), free(mname), free(index);
	free(same), free(swapped), free(path);
	unit_rmtree(dir);
	free(dir);
}

/* Issue 13 #6, #7: a FIFO, a character device, a socket are refused as
 * input errors before anything opens them (a FIFO would block forever). */
static void test_odd_paths_refused(void)
{
	char *dir = unit_tmpdir();
	char *fifo = xasprintf("%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	struct pc_image img;
	const char *odd[] = { fifo, "/dev/zero", "/dev/null" };
	const char *what[] = { "FIFO", "character device", "character device" };
	for (size_t i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(open_spec(odd[i], &img), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, what[i]));
		char *spec = xasprintf("layer:%s", odd[i]);
		CU_ASSERT_EQUAL(open_spec(spec, &img), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		char *why = NULL;
		CU_ASSERT_PTR_NULL(pc_image_spec_absolute(spec, NULL, &why));
		CU_ASSERT_PTR_NOT_NULL(why ? strstr(why, what[i]) : NULL);
		free(why);
		free(spec);
	}
	/* A FIFO with a tag after it. */
	char *spec = xasprintf("%s:latest", fifo);
	CU_ASSERT_EQUAL(open_spec(spec, &img), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "FIFO"));
	free(spec);
	unlink(fifo);
	free(fifo);
	unit_rmtree(dir);
	free(dir);
}

/* The one rule for specs. */
static void test_spec_rule(void)
{
	char *dir = unit_tmpdir();
	char *img = xasprintf("%s/img", dir), *colon = xasprintf("%s/a:b", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(img, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(colon, "x", 1, 0), 0);
	struct pc_image_spec s;
	pc_image_spec_parse("img:repo/name:latest", dir, &s);
	CU_ASSERT_STRING_EQUAL(s.path, img);
	CU_ASSERT_STRING_EQUAL(s.tag, "repo/name:latest");
	CU_ASSERT_FALSE(s.force_layer);
	pc_image_spec_free(&s);
	/* A path that exists whole is not split. */
	pc_image_spec_parse("a:b", dir, &s);
	CU_ASSERT_STRING_EQUAL(s.path, colon);
	CU_ASSERT_PTR_NULL(s.tag);
	pc_image_spec_free(&s);
	/* layer: takes the rest as the path, colons and all. */
	pc_image_spec_parse("layer:a:b", dir, &s);
	CU_ASSERT_STRING_EQUAL(s.path, colon);
	CU_ASSERT_PTR_NULL(s.tag);
	CU_ASSERT_TRUE(s.force_layer);
	pc_image_spec_free(&s);
	/* Absolute specs ignore BASE; nothing that exists: the whole spec. */
	pc_image_spec_parse("/nonexistent/x:y", dir, &s);
	CU_ASSERT_STRING_EQUAL(s.path, "/nonexistent/x:y");
	CU_ASSERT_PTR_NULL(s.tag);
	pc_image_spec_free(&s);
	char *why = NULL, *abs = pc_image_spec_absolute("layer:a:b", dir, &why);
	char *want = xasprintf("layer:%s", colon);
	CU_ASSERT_STRING_EQUAL(abs, want);
	free(abs), free(want);
	abs = pc_image_spec_absolute("img:v1", dir, &why);
	want = xasprintf("%s:v1", img);
	CU_ASSERT_STRING_EQUAL(abs, want);
	free(abs), free(want);
	free(img), free(colon);
	unit_rmtree(dir);
	free(dir);
}

/* An eStargz layer (a gzip tar whose last entry is the TOC, with a
 * landmark, and the 51-byte footer): detected, and its TOC and landmark
 * are files of the tree, as containerd's and Docker's unpack (a plain tar
 * extraction, archive.Apply) write them. */
static void test_estargz_metadata_files(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/esgz.tar.gz", dir);
	const char *tocj = "{\"version\":1,\"entries\":[]}";
	struct raw_member m[] = {
		{ ".no.prefetch.landmark", "\xf", 1, NULL },
		{ "bin/busybox", "BB", 2, NULL },
		{ "stargz.index.json", tocj, strlen(tocj), NULL },
	};
	write_raw_tar(path, m, 3, 1);
	CU_ASSERT_EQUAL(pc_layerfmt_detect(path), PC_LAYERFMT_PLAIN);
	/* The footer: an empty gzip member whose extra field holds the TOC
	 * offset; the offset's value does not matter to a full reader. */
	unsigned char footer[51] = { 0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 26, 0, 'S', 'G', 22, 0 };
	memcpy(footer + 16, "0000000000000200STARGZ", 22);
	const unsigned char tail[13] = { 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };
	memcpy(footer + 38, tail, 13);
	int fd = open(path, O_WRONLY | O_APPEND);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, footer, sizeof(footer)), (ssize_t)sizeof(footer));
	close(fd);
	CU_ASSERT_EQUAL(pc_layerfmt_detect(path), PC_LAYERFMT_ESTARGZ);
	const char *layers[1] = { path };
	struct pc_manifest *man = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 1, &man, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, "bin/busybox"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, "stargz.index.json"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, ".no.prefetch.landmark"));
	pc_manifest_free(man);
	/* Unpacking writes them and lists them, as the scan does. */
	char *target = xasprintf("%s/root", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	man = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(layers, 1, target, &man, NULL, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, "bin/busybox"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, "stargz.index.json"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, ".no.prefetch.landmark"));
	pc_manifest_free(man);
	char *toc = xasprintf("%s/stargz.index.json", target), *bb = xasprintf("%s/bin/busybox", target);
	struct stat st;
	CU_ASSERT_EQUAL(lstat(toc, &st), 0);
	CU_ASSERT_EQUAL(lstat(bb, &st), 0);
	free(toc), free(bb), free(target);
	/* And in a plain layer. */
	write_raw_tar(path, m, 3, 1);
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 1, &man, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(man, "stargz.index.json"));
	pc_manifest_free(man);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A user's tag matches RepoTags as docker compares references. */
static void test_docker_ref_normal(void)
{
	static const char *const cases[][2] = {
		{ "busybox", "docker.io/library/busybox:latest" },
		{ "busybox:1.36", "docker.io/library/busybox:1.36" },
		{ "a/b:two", "docker.io/a/b:two" },
		{ "docker.io/a/b:two", "docker.io/a/b:two" },
		{ "localhost/img:t", "localhost/img:t" },
		{ "localhost:5000/img", "localhost:5000/img:latest" },
		{ "quay.io/org/img:v1", "quay.io/org/img:v1" },
		{ "reg.example:5000/a/b/c", "reg.example:5000/a/b/c:latest" },
		{ "a/b@sha256:abcd", "docker.io/a/b@sha256:abcd" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = img_docker_ref_normal(cases[i][0]);
		CU_ASSERT_STRING_EQUAL(n, cases[i][1]);
		free(n);
	}
}

void register_image_classify_tests(void)
{
	CU_pSuite s = CU_add_suite("image classification", NULL, NULL);
	CU_add_test(s, "skopeo/podman docker-archive is an image, not a layer (issue 8)",
		    test_skopeo_docker_archive_regression);
	CU_add_test(s, "members in any order", test_members_in_any_order);
	CU_add_test(s, "docker-archive: an untagged image named by its ID", test_docker_untagged_by_id);
	CU_add_test(s, "a member with a malformed pax header", test_malformed_pax_member);
	CU_add_test(s, "image archive headers checked as a layer's",
		    test_image_archive_headers_checked);
	CU_add_test(s, "a layer holding manifest.json is a layer", test_layer_with_manifest_json);
	CU_add_test(s, "missing member, duplicate marker: input errors",
		    test_missing_member_is_input_error);
	CU_add_test(s, "Docker 25+: manifest.json and index.json must agree; oci-archive blob twice",
		    test_docker25_descriptions_agree);
	CU_add_test(s, "a damaged image archive is refused, not read as a layer",
		    test_damaged_image_archive_refused);
	CU_add_test(s, "docker-archive: a foreign layer in LayerSources is refused; --platform checked",
		    test_docker_foreign_layer);
	CU_add_test(s, "docker-archive: member twice, tag matching two images",
		    test_docker_duplicate_member);
	CU_add_test(s, "FIFO, /dev/zero, /dev/null refused (issue 13 #6, #7)", test_odd_paths_refused);
	CU_add_test(s, "one rule for IMAGE:TAG and layer:PATH", test_spec_rule);
	CU_add_test(s, "tags compared as docker references", test_docker_ref_normal);
	CU_add_test(s, "eStargz TOC and landmark are files, as containerd writes them", test_estargz_metadata_files);
}
