/* test_unpack.c - unpacking layers built here with libarchive's writer:
 * the tree on disk, the manifest, whiteouts, the attacks, ENOSPC. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check/verify.h"
#include "image/manifest.h"
#include "image/paxxattr.h"
#include "tarfix.h"
#include "unit.h"
#include "image/unpack.h"
#include "util/digest.h"
#include "util/strbuf.h"
#include "util/input.h"
#include "util/util.h"

static char *manifest_text(struct pc_manifest *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_FATAL(f != NULL);
	pc_manifest_write(m, f);
	fclose(f);
	return buf;
}

/* The manifest the image scan predicts is the one the unpack made,
 * byte for byte; TOTAL (may be NULL) gets the scan's byte count. */
static void assert_scan_matches(const char *const *layers, size_t n,
				struct pc_manifest *unpacked, uint64_t *total)
{
	struct pc_manifest *s = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, n, &s, total), 0);
	char *a = manifest_text(unpacked), *b = manifest_text(s);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	pc_manifest_free(s);
}

static void sha256(const void *data, size_t n, unsigned char out[32])
{
	unsigned int len = 32;
	EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}

static char *at(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int file_is(const char *path, const char *content)
{
	size_t len;
	char *got = pc_read_file(path, &len);
	int ok = got && len == strlen(content) && memcmp(got, content, len) == 0;
	free(got);
	return ok;
}

/* ---- a two-layer image with every kind of entry and whiteout ------------- */

static const struct member layer0[] = {
	{ 'd', "./", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'd', "etc/", 0750, NULL, 1, 2, NULL, NULL, 0 },
	{ 'f', "etc/passwd", 0644, "root:x:0:0\n", 0, 0, "user.test", "hello", 0 },
	{ 'f', "etc/motd", 0600, "old motd\n", 0, 0, NULL, NULL, 0 },
	{ 'd', "usr/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'd', "usr/bin/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "usr/bin/tool", 04755, NULL, 0, 0, "user.kind", "tool", 100000 },
	{ 'd', "usr/sbin/", 0700, NULL, 0, 0, NULL, NULL, 0 },
	{ 'h', "usr/sbin/tool-link", 04755, "usr/bin/tool", 0, 0, NULL, NULL, 0 },
	{ 'd', "usr/lib/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'l', "lib", 0777, "usr/lib", 0, 0, NULL, NULL, 0 },
	{ 'l', "usr/bin/abs", 0777, "/etc/passwd", 0, 0, NULL, NULL, 0 },
	{ 'c', "dev/null", 0666, NULL, 0, 0, NULL, NULL, 0 }, /* implicit parent dev */
	{ 'p', "run/fifo", 0600, NULL, 5, 6, NULL, NULL, 0 },
	{ 's', "var/sparse", 0644, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "gone", 0644, "bye\n", 0, 0, NULL, NULL, 0 },
	{ 'd', "old/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "old/a", 0644, "a\n", 0, 0, NULL, NULL, 0 },
	{ 'd', "old/sub/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "old/sub/b", 0644, "b\n", 0, 0, NULL, NULL, 0 },
	{ 'd', "opq/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/lower1", 0644, "l1\n", 0, 0, NULL, NULL, 0 },
	{ 'd', "opq/lowerdir/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/lowerdir/x", 0644, "x\n", 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/replaced", 0644, "lower\n", 0, 0, NULL, NULL, 0 },
};

static const struct member layer1[] = {
	{ 'f', ".wh.gone", 0644, "", 0, 0, NULL, NULL, 0 },
	{ 'f', "old/.wh.sub", 0644, "", 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/new1", 0644, "n1\n", 0, 0, NULL, NULL, 0 },     /* before the marker */
	{ 'f', "opq/replaced", 0640, "upper\n", 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/.wh..wh..opq", 0644, "", 0, 0, NULL, NULL, 0 },
	{ 'f', "opq/new2", 0644, "n2\n", 0, 0, NULL, NULL, 0 },     /* after it */
	/* a folder new in this layer, marked opaque while still empty (what
	 * an overlay-built layer holds): nothing below it to remove */
	{ 'd', "fresh/", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "fresh/.wh..wh..opq", 0644, "", 0, 0, NULL, NULL, 0 },
	{ 'f', "fresh/f", 0644, "f\n", 0, 0, NULL, NULL, 0 },
	{ 'f', "lib/libnew.so", 0755, "ELF\n", 0, 0, NULL, NULL, 0 }, /* via lib -> usr/lib */
	{ 'f', "etc/motd", 0644, "new motd\n", 0, 0, NULL, NULL, 0 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct image {
	char *dir, *target;
	char *layers[4];
	size_t n;
};

static void image_two_layers(struct image *im)
{
	memset(im, 0, sizeof(*im));
	im->dir = unit_tmpdir();
	im->target = at(im->dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(im->target, 0755), 0);
	im->layers[0] = at(im->dir, "layer0.tar");
	im->layers[1] = at(im->dir, "layer1.tar.gz");
	im->n = 2;
	write_tar(im->layers[0], layer0, N(layer0), 0);
	write_tar(im->layers[1], layer1, N(layer1), 1);
}

static void image_free(struct image *im)
{
	unit_rmtree(im->dir);
	free(im->dir);
	free(im->target);
	for (size_t i = 0; i < im->n; i++)
		free(im->layers[i]);
}

static void check_disk(const char *root)
{
	struct stat st, st2;
	char *p;
#define AT(rel) (free(p), p = at(root, rel))
	p = NULL;

	CU_ASSERT(lstat(AT("etc"), &st) == 0 && S_ISDIR(st.st_mode) &&
		  (st.st_mode & 07777) == 0750 && st.st_uid == 1 && st.st_gid == 2);
	CU_ASSERT(file_is(AT("etc/passwd"), "root:x:0:0\n"));
	char xv[16] = { 0 };
	CU_ASSERT_EQUAL(lgetxattr(AT("etc/passwd"), "user.test", xv, sizeof(xv)), 5);
	CU_ASSERT_STRING_EQUAL(xv, "hello");
	CU_ASSERT(file_is(AT("etc/motd"), "new motd\n"));
	CU_ASSERT(lstat(AT("usr/bin/tool"), &st) == 0 && (st.st_mode & 07777) == 04755 &&
		  st.st_size == 100000 && st.st_nlink == 2);
	CU_ASSERT(lstat(AT("usr/sbin/tool-link"), &st2) == 0 && st2.st_ino == st.st_ino);
	CU_ASSERT(lstat(AT("usr/sbin"), &st) == 0 && (st.st_mode & 07777) == 0700);
	char buf[64] = { 0 };
	CU_ASSERT(readlink(AT("lib"), buf, sizeof(buf)) == 7 && strcmp(buf, "usr/lib") == 0);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT(readlink(AT("usr/bin/abs"), buf, sizeof(buf)) == 11);
	CU_ASSERT(lstat(AT("dev/null"), &st) == 0 && S_ISCHR(st.st_mode) &&
		  major(st.st_rdev) == 1 && minor(st.st_rdev) == 3 && (st.st_mode & 0777) == 0666);
	CU_ASSERT(lstat(AT("dev"), &st) == 0 && S_ISDIR(st.st_mode) &&
		  (st.st_mode & 07777) == 0755);
	CU_ASSERT(lstat(AT("run/fifo"), &st) == 0 && S_ISFIFO(st.st_mode) && st.st_uid == 5 &&
		  st.st_gid == 6);
	CU_ASSERT(lstat(AT("var/sparse"), &st) == 0 && st.st_size == 1 << 20);
	size_t len = 0;
	char *got = pc_read_file(AT("var/sparse"), &len);
	unsigned char *want = sparse_content();
	CU_ASSERT(got && len == 1 << 20 && memcmp(got, want, len) == 0);
	free(got);
	free(want);
	/* Whiteouts applied, and never written themselves. */
	CU_ASSERT(!exists(AT("gone")));
	CU_ASSERT(!exists(AT(".wh.gone")));
	CU_ASSERT(exists(AT("old/a")));
	CU_ASSERT(!exists(AT("old/sub")));
	CU_ASSERT(!exists(AT("old/.wh.sub")));
	CU_ASSERT(!exists(AT("opq/lower1")));
	CU_ASSERT(!exists(AT("opq/lowerdir")));
	CU_ASSERT(!exists(AT("opq/.wh..wh..opq")));
	CU_ASSERT(file_is(AT("opq/new1"), "n1\n"));
	CU_ASSERT(file_is(AT("opq/new2"), "n2\n"));
	CU_ASSERT(file_is(AT("opq/replaced"), "upper\n"));
	CU_ASSERT(file_is(AT("fresh/f"), "f\n"));
	CU_ASSERT(!exists(AT("fresh/.wh..wh..opq")));
	/* Written through lib -> usr/lib; lib itself stays a symlink. */
	CU_ASSERT(file_is(AT("usr/lib/libnew.so"), "ELF\n"));
	CU_ASSERT(lstat(AT("lib"), &st) == 0 && S_ISLNK(st.st_mode));
	free(p);
#undef AT
}

static void check_manifest(struct pc_manifest *m)
{
	struct pc_entry *e;
	unsigned char d[32];

	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "."));
	e = pc_manifest_get(m, "etc/passwd");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	sha256("root:x:0:0\n", 11, d);
	CU_ASSERT(e->type == PC_FT_REG && e->size == 11 && e->has_digest &&
		  memcmp(e->sha256, d, 32) == 0 && e->mode == 0644);
	CU_ASSERT(e->nxattrs == 1 && strcmp(e->xattrs[0].name, "user.test") == 0 &&
		  e->xattrs[0].size == 5 && memcmp(e->xattrs[0].value, "hello", 5) == 0);
	e = pc_manifest_get(m, "etc");
	CU_ASSERT(e && e->type == PC_FT_DIR && e->mode == 0750 && e->uid == 1 && e->gid == 2);

	e = pc_manifest_get(m, "usr/bin/tool");
	struct pc_entry *h = pc_manifest_get(m, "usr/sbin/tool-link");
	CU_ASSERT_FATAL(e && h);
	unsigned char *buf = xmalloc(100000);
	for (size_t i = 0; i < 100000; i++)
		buf[i] = pattern_byte(i);
	sha256(buf, 100000, d);
	free(buf);
	CU_ASSERT(memcmp(e->sha256, d, 32) == 0 && e->size == 100000 && e->mode == 04755);
	CU_ASSERT(e->hardlink_group != 0 && e->hardlink_group == h->hardlink_group);
	CU_ASSERT(h->type == PC_FT_REG && h->size == 100000 && h->mode == 04755 &&
		  memcmp(h->sha256, d, 32) == 0);
	CU_ASSERT(h->nxattrs == 1 && strcmp(h->xattrs[0].name, "user.kind") == 0 &&
		  h->xattrs[0].size == 4 && memcmp(h->xattrs[0].value, "tool", 4) == 0);

	e = pc_manifest_get(m, "lib");
	CU_ASSERT(e && e->type == PC_FT_SYMLINK && strcmp(e->link, "usr/lib") == 0 &&
		  e->size == 7);
	e = pc_manifest_get(m, "dev/null");
	CU_ASSERT(e && e->type == PC_FT_CHR && e->rdev_major == 1 && e->rdev_minor == 3);
	e = pc_manifest_get(m, "dev");
	CU_ASSERT(e && e->type == PC_FT_DIR && e->mode == 0755);
	e = pc_manifest_get(m, "run/fifo");
	CU_ASSERT(e && e->type == PC_FT_FIFO && e->mode == 0600 && e->uid == 5);

	/* Sparse: the digest is that of the whole file, holes as zeros. */
	buf = sparse_content();
	sha256(buf, 1 << 20, d);
	free(buf);
	e = pc_manifest_get(m, "var/sparse");
	CU_ASSERT(e && e->size == 1 << 20 && memcmp(e->sha256, d, 32) == 0);

	const char *absent[] = { "gone", ".wh.gone", "old/sub", "old/sub/b", "old/.wh.sub",
				 "opq/lower1", "opq/lowerdir", "opq/lowerdir/x",
				 "opq/.wh..wh..opq", "lib/libnew.so" };
	for (size_t i = 0; i < N(absent); i++) {
		if (pc_manifest_get(m, absent[i]))
			fprintf(stderr, "unexpected manifest entry %s\n", absent[i]);
		CU_ASSERT_PTR_NULL(pc_manifest_get(m, absent[i]));
	}
	const char *present[] = { "old/a", "opq", "opq/new1", "opq/new2", "usr/lib/libnew.so" };
	for (size_t i = 0; i < N(present); i++)
		CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, present[i]));
	e = pc_manifest_get(m, "opq/replaced");
	CU_ASSERT(e && e->size == 6 && e->mode == 0640);
	e = pc_manifest_get(m, "etc/motd");
	CU_ASSERT(e && e->size == 9 && e->mode == 0644);
}

static void test_unpack_two_layers(void)
{
	struct image im;
	image_two_layers(&im);
	struct pc_manifest *m = NULL;
	struct pc_unpack_stats st = { 0 };
	int rc = pc_unpack_layers((const char *const *)im.layers, im.n, im.target, &m, &st,
				  NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	check_disk(im.target);
	check_manifest(m);
	CU_ASSERT_EQUAL(st.whiteouts, 4);
	CU_ASSERT_EQUAL(st.entries, pc_manifest_count(m));
	/* Regular file bytes over both layers (hardlinks and whiteouts not). */
	CU_ASSERT_EQUAL(st.bytes, (11 + 9 + 100000 + (1 << 20) + 4 + 2 + 2 + 3 + 2 + 6) +
					  (3 + 6 + 3 + 2 + 4 + 9));

	/* The scan, with no writing, gives the same manifest. */
	uint64_t total = 0;
	assert_scan_matches((const char *const *)im.layers, im.n, m, &total);
	CU_ASSERT_EQUAL(total, st.bytes);
	pc_manifest_free(m);
	image_free(&im);
}

/* The unpack that fsyncs each file as it writes it (mode ofsync): the same
 * tree and manifest, and one fsync per regular file written over both
 * layers (16: hardlinks and whiteouts are not files written). */
static void test_unpack_fsync_while_writing(void)
{
	struct image im;
	image_two_layers(&im);
	struct pc_manifest *m = NULL;
	struct pc_unpack_stats st = { 0 };
	pc_unpack_fsync_while_writing(1);
	int rc = pc_unpack_layers((const char *const *)im.layers, im.n, im.target, &m, &st,
				  NULL, NULL);
	pc_unpack_fsync_while_writing(0);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	check_disk(im.target);
	check_manifest(m);
	CU_ASSERT_EQUAL(st.early_fsyncs, 16);
	pc_manifest_free(m);

	/* Off again: no fsync. */
	unit_rmtree(im.target);
	CU_ASSERT_EQUAL_FATAL(mkdir(im.target, 0755), 0);
	memset(&st, 0, sizeof(st));
	rc = pc_unpack_layers((const char *const *)im.layers, im.n, im.target, &m, &st, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(st.early_fsyncs, 0);
	pc_manifest_free(m);
	image_free(&im);
}

/* Unpacking with the scan's digests: the same tree and manifest, the
 * digests taken from the scan (not computed), and any other difference
 * between what was written and the scan is an input error naming it. */
static int unpack_known_into(struct image *im, const char *name, struct pc_manifest *known,
			     struct pc_manifest **m, char *msg, size_t msglen)
{
	char *target = at(im->dir, name);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(msg, msglen);
	int rc = pc_unpack_layers_known((const char *const *)im->layers, im->n, target, known,
					m, NULL, NULL, NULL);
	pc_capture_errors(NULL, 0);
	if (rc == 0)
		check_disk(target);
	free(target);
	return rc;
}

static void test_unpack_known_digests(void)
{
	struct image im;
	image_two_layers(&im);
	struct pc_manifest *known = NULL, *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan((const char *const *)im.layers, im.n, &known, NULL), 0);
	char msg[2048] = "";

	CU_ASSERT_EQUAL_FATAL(unpack_known_into(&im, "same", known, &m, msg, sizeof(msg)), 0);
	check_manifest(m);
	char *a = manifest_text(m), *b = manifest_text(known);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	pc_manifest_free(m);
	m = NULL;

	/* The digest is the scan's, not one computed again. */
	struct pc_entry *motd = pc_manifest_get(known, "etc/motd");
	CU_ASSERT_FATAL(motd != NULL);
	unsigned char real[32];
	memcpy(real, motd->sha256, 32);
	memset(motd->sha256, 0xab, 32);
	CU_ASSERT_EQUAL_FATAL(unpack_known_into(&im, "digest", known, &m, msg, sizeof(msg)), 0);
	struct pc_entry *e = pc_manifest_get(m, "etc/motd");
	CU_ASSERT(e && e->has_digest && e->sha256[0] == 0xab && e->sha256[31] == 0xab);
	pc_manifest_free(m);
	m = NULL;
	memcpy(motd->sha256, real, 32);

	/* Metadata that differs, an entry the scan lacks, one it has more. */
	motd->mode = 0600;
	CU_ASSERT_EQUAL(unpack_known_into(&im, "mode", known, &m, msg, sizeof(msg)), -1);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "differs from the scan"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "etc/motd"));
	motd->mode = 0644;
	pc_manifest_remove(known, "run/fifo");
	CU_ASSERT_EQUAL(unpack_known_into(&im, "lacks", known, &m, msg, sizeof(msg)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "run/fifo"));
	pc_manifest_free(known);
	known = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan((const char *const *)im.layers, im.n, &known, NULL), 0);
	struct pc_entry *extra = pc_manifest_put(known, "zz-extra");
	extra->type = PC_FT_DIR;
	extra->mode = 0755;
	CU_ASSERT_EQUAL(unpack_known_into(&im, "extra", known, &m, msg, sizeof(msg)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "zz-extra"));

	pc_manifest_free(known);
	image_free(&im);
}

/* A run's scan (SHA-256 and XXH3-128 in one pass) and the unpack with its
 * digests: the manifest text is the SHA-256-only scan's (XXH3-128 is
 * neither written nor digested), every file carries both digests, the tree
 * as unpacked verifies clean, and one byte changed after the unpack is a
 * content finding naming the SHA-256s, as before. */
static void test_unpack_known_fast_verify(void)
{
	struct image im;
	image_two_layers(&im);
	struct pc_manifest *plain = NULL, *both = NULL, *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan((const char *const *)im.layers, im.n, &plain, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pc_image_scan_digests((const char *const *)im.layers, im.n,
						    PC_HASH_SHA256 | PC_HASH_XXH3, &both, NULL), 0);
	char *a = manifest_text(plain), *b = manifest_text(both);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	char msg[2048] = "";
	CU_ASSERT_EQUAL_FATAL(unpack_known_into(&im, "fast", both, &m, msg, sizeof(msg)), 0);
	size_t n, files = 0;
	struct pc_entry *const *es = pc_manifest_sorted(m, &n);
	for (size_t i = 0; i < n; i++) {
		if (es[i]->type != PC_FT_REG)
			continue;
		files++;
		struct pc_entry *p = pc_manifest_get(plain, es[i]->path);
		struct pc_entry *k = pc_manifest_get(both, es[i]->path);
		CU_ASSERT(p && !p->has_xxh3);
		CU_ASSERT(k && k->has_xxh3 && k->has_digest && es[i]->has_xxh3 &&
			  !memcmp(es[i]->xxh3, k->xxh3, 16) && !memcmp(es[i]->sha256, k->sha256, 32));
	}
	CU_ASSERT(files >= 3);

	char *root = at(im.dir, "fast");
	struct pc_verify_result r = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_verify_tree(m, root, &r), 0);
	CU_ASSERT_EQUAL(r.nfindings, 0);
	pc_verify_result_free(&r);

	char *motd = at(root, "etc/motd");
	CU_ASSERT_EQUAL_FATAL(pc_write_file(motd, "new motD\n", 9, 0), 0);
	free(motd);
	unsigned char md[32];
	char got[65], want[65];
	pc_sha256("new motD\n", 9, md);
	pc_hex(md, 32, got);
	pc_sha256("new motd\n", 9, md);
	pc_hex(md, 32, want);
	char *detail = xasprintf("sha256 %s, expected %s", got, want);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL_FATAL(pc_verify_tree(m, root, &r), 0);
	CU_ASSERT_EQUAL(r.nfindings, 1);
	CU_ASSERT(r.nfindings == 1 && r.findings[0].kind == PC_F_CONTENT &&
		  !strcmp(r.findings[0].path, "etc/motd") && !strcmp(r.findings[0].detail, detail));
	free(detail);
	pc_verify_result_free(&r);
	free(root);
	pc_manifest_free(m);
	pc_manifest_free(plain);
	pc_manifest_free(both);
	image_free(&im);
}

/* A run without a scan (an explicit device_size): the unpack computes both
 * digests in one pass and passes XXH3-128 on beside the manifest: the same
 * manifest text as pc_unpack_layers', every file's XXH3-128 the scan's,
 * verify compares it (a wrong SHA-256 beside it is not read) and finds one
 * byte changed. */
static void test_unpack_digests_fast(void)
{
	struct image im;
	image_two_layers(&im);
	struct pc_manifest *both = NULL, *plain = NULL, *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan_digests((const char *const *)im.layers, im.n,
						    PC_HASH_SHA256 | PC_HASH_XXH3, &both, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers((const char *const *)im.layers, im.n, im.target,
					       &plain, NULL, NULL, NULL), 0);
	char *root = at(im.dir, "fast");
	CU_ASSERT_EQUAL_FATAL(mkdir(root, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers_digests((const char *const *)im.layers, im.n,
						       PC_HASH_SHA256 | PC_HASH_XXH3, root, &m,
						       NULL, NULL, NULL), 0);
	check_disk(root);
	char *a = manifest_text(plain), *b = manifest_text(m);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	size_t n, files = 0;
	struct pc_entry *const *es = pc_manifest_sorted(m, &n);
	for (size_t i = 0; i < n; i++) {
		struct pc_entry *k = pc_manifest_get(both, es[i]->path);
		CU_ASSERT_FATAL(k != NULL);
		if (es[i]->type != PC_FT_REG) {
			CU_ASSERT(!es[i]->has_xxh3);
			continue;
		}
		files++;
		CU_ASSERT(es[i]->has_xxh3 && es[i]->has_digest &&
			  !memcmp(es[i]->xxh3, k->xxh3, 16) && !memcmp(es[i]->sha256, k->sha256, 32));
		CU_ASSERT(!pc_manifest_get(plain, es[i]->path)->has_xxh3);
	}
	CU_ASSERT(files >= 3);

	struct pc_verify_result r = { 0 };
	pc_manifest_get(m, "etc/passwd")->sha256[3] ^= 1;
	CU_ASSERT_EQUAL_FATAL(pc_verify_tree(m, root, &r), 0);
	CU_ASSERT_EQUAL(r.nfindings, 0);
	pc_verify_result_free(&r);
	char *motd = at(root, "etc/motd");
	CU_ASSERT_EQUAL_FATAL(pc_write_file(motd, "new motd!", 9, 0), 0);
	free(motd);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL_FATAL(pc_verify_tree(m, root, &r), 0);
	CU_ASSERT(r.nfindings == 1 && r.findings[0].kind == PC_F_CONTENT &&
		  !strcmp(r.findings[0].path, "etc/motd") &&
		  !strncmp(r.findings[0].detail, "sha256 ", 7));
	pc_verify_result_free(&r);
	free(root);
	pc_manifest_free(m);
	pc_manifest_free(plain);
	pc_manifest_free(both);
	image_free(&im);
}

/* ---- attacks ------------------------------------------------------------ */

struct attack {
	const char *name;
	struct member members[3];
	size_t n;
	const char *outside[3]; /* paths the attack would write ("%s": parent dir) */
	const char *entry;      /* the entry the message must name */
};

static const struct attack attacks[] = {
	{ "dotdot.tar", { { 'f', "../escape", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 1,
	  { "%s/escape", NULL, NULL }, "../escape" },
	{ "absolute.tar", { { 'f', "/tmp/escape-abs", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 1,
	  { "/tmp/escape-abs", "%s/root/tmp/escape-abs", NULL }, "/tmp/escape-abs" },
	{ "symlink-escape.tar",
	  { { 'l', "link", 0777, "../../../../../tmp", 0, 0, NULL, NULL, 0 },
	    { 'f', "link/escaped", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 2,
	  { "/tmp/escaped", "%s/root/tmp/escaped", NULL }, "link/escaped" },
	{ "hardlink-escape.tar",
	  { { 'h', "passwd", 0644, "../../etc/passwd", 0, 0, NULL, NULL, 0 } }, 1,
	  { "%s/root/passwd", NULL, NULL }, "passwd" },
	{ "hardlink-via-symlink.tar",
	  { { 'l', "up", 0777, "../../../../..", 0, 0, NULL, NULL, 0 },
	    { 'h', "pw", 0644, "up/etc/passwd", 0, 0, NULL, NULL, 0 } }, 2,
	  { "%s/root/pw", NULL, NULL }, "pw" },
	{ "symlink-chain-escape.tar",
	  { { 'l', "a", 0777, "/b/..", 0, 0, NULL, NULL, 0 },
	    { 'l', "b", 0777, "/", 0, 0, NULL, NULL, 0 },
	    { 'f', "a/x", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 3,
	  { "%s/x", "%s/root/x", NULL }, "a/x" },
};

/* Unpacking LAYER onto TARGET fails with CLS, and the error names WANT and
 * WANT2 (each may be NULL); no manifest is made. */
static void expect_unpack_error(const char *layer, const char *target, enum pc_errclass cls,
				const char *want, const char *want2)
{
	char buf[2048];
	struct pc_manifest *m = NULL;
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(buf, sizeof(buf));
	int rc = pc_unpack_layers(&layer, 1, target, &m, NULL, NULL, NULL);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(pc_last_errclass, cls);
	int named = !want || strstr(buf, want), says_why = !want2 || strstr(buf, want2);
	CU_ASSERT(named);
	CU_ASSERT(says_why);
	if (!named || !says_why)
		fprintf(stderr, "\n  error: %s", buf);
	pc_manifest_free(m);
}

static void check_refused(const char *layer, const char *target, const char *entry)
{
	struct pc_manifest *m = NULL;
	expect_unpack_error(layer, target, PC_ERR_INPUT, layer, entry);

	/* The scan refuses it too. */
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_image_scan(&layer, 1, &m, NULL), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
}

static void test_attacks_refused(void)
{
	struct stat before, after;
	CU_ASSERT_EQUAL_FATAL(stat("/etc/passwd", &before), 0);
	for (size_t i = 0; i < N(attacks); i++) {
		const struct attack *at_ = &attacks[i];
		char *dir = unit_tmpdir();
		char *target = at(dir, "root");
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		char *layer = at(dir, at_->name);
		write_tar(layer, at_->members, at_->n, 0);
		for (size_t k = 0; k < 3 && at_->outside[k]; k++) {
			char *p = xasprintf(at_->outside[k], dir);
			unlink(p);
			free(p);
		}
		check_refused(layer, target, at_->entry);
		for (size_t k = 0; k < 3 && at_->outside[k]; k++) {
			char *p = xasprintf(at_->outside[k], dir);
			if (exists(p))
				fprintf(stderr, "%s wrote %s\n", at_->name, p);
			CU_ASSERT(!exists(p));
			free(p);
		}
		free(layer);
		free(target);
		unit_rmtree(dir);
		free(dir);
	}
	CU_ASSERT_EQUAL(stat("/etc/passwd", &after), 0);
	CU_ASSERT_EQUAL(after.st_nlink, before.st_nlink);
}

/* Where an entry lands below symlinked parents (resolve_parents builds each
 * candidate in one buffer): "." and ".." components, relative, absolute and
 * chained links, a folder made below a link; and what it says when a parent
 * is a file, climbs out, or loops. */
static void test_parents_through_symlinks(void)
{
	static const struct member v[] = {
		{ 'd', "usr", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "usr/lib", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'l', "lib", 0777, "usr/lib", 0, 0, NULL, NULL, 0 },
		{ 'l', "up", 0777, "usr/../usr/./lib", 0, 0, NULL, NULL, 0 },
		{ 'l', "abs", 0777, "/usr/lib", 0, 0, NULL, NULL, 0 },
		{ 'l', "chain", 0777, "abs", 0, 0, NULL, NULL, 0 },
		{ 'l', "usr/lib/back", 0777, "../../usr", 0, 0, NULL, NULL, 0 },
		{ 'l', "usr/lib/top", 0777, "/usr", 0, 0, NULL, NULL, 0 },
		{ 'f', "lib/top/lib/g", 0644, "g\n", 0, 0, NULL, NULL, 0 },
		{ 'f', "up/a", 0644, "a\n", 0, 0, NULL, NULL, 0 },
		{ 'f', "abs/b", 0644, "b\n", 0, 0, NULL, NULL, 0 },
		{ 'f', "chain/c", 0644, "c\n", 0, 0, NULL, NULL, 0 },
		{ 'f', "lib/sub/d", 0644, "d\n", 0, 0, NULL, NULL, 0 },
		{ 'f', "lib/back/lib/e", 0644, "e\n", 0, 0, NULL, NULL, 0 },
		{ 'h', "lib/sub/d-link", 0644, "chain/sub/d", 0, 0, NULL, NULL, 0 },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *layer = at(dir, "links.tar");
	write_tar(layer, v, N(v), 0);
	struct pc_manifest *m = NULL;
	const char *layers[1] = { layer };
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(layers, 1, target, &m, NULL, NULL, NULL), 0);
	static const char *const files[] = { "usr/lib/a", "usr/lib/b", "usr/lib/c",
					     "usr/lib/sub/d", "usr/lib/e", "usr/lib/sub/d-link",
					     "usr/lib/g" };
	for (size_t i = 0; i < N(files); i++) {
		struct pc_entry *e = pc_manifest_get(m, files[i]);
		CU_ASSERT(e && e->type == PC_FT_REG && e->size == 2);
		char *p = at(target, files[i]);
		struct stat st;
		CU_ASSERT(lstat(p, &st) == 0 && S_ISREG(st.st_mode));
		free(p);
	}
	struct pc_entry *e = pc_manifest_get(m, "usr/lib/sub");
	CU_ASSERT(e && e->type == PC_FT_DIR);
	CU_ASSERT(pc_manifest_get(m, "usr/lib/sub/d")->hardlink_group != 0);
	static const char *const links[] = { "lib", "up", "abs", "chain", "usr/lib/back",
					     "usr/lib/top" };
	for (size_t i = 0; i < N(links); i++) {
		e = pc_manifest_get(m, links[i]);
		CU_ASSERT(e && e->type == PC_FT_SYMLINK);
	}
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "up/a"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "lib/sub"));
	pc_manifest_free(m);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);

	static const struct {
		struct member v[2];
		const char *says;
	} bad[] = {
		{ { { 'f', "f", 0644, "x\n", 0, 0, NULL, NULL, 0 },
		    { 'f', "f/x", 0644, "x\n", 0, 0, NULL, NULL, 0 } },
		  "entry f/x: parent f is not a directory" },
		{ { { 'l', "s", 0777, "./d/../..", 0, 0, NULL, NULL, 0 },
		    { 'f', "s/x", 0644, "x\n", 0, 0, NULL, NULL, 0 } },
		  "entry s/x: leaves the target through symlink s" },
		{ { { 'l', "loop", 0777, "loop/.", 0, 0, NULL, NULL, 0 },
		    { 'f', "loop/x", 0644, "x\n", 0, 0, NULL, NULL, 0 } },
		  "entry loop/x: too many levels of symlinks" },
	};
	for (size_t i = 0; i < N(bad); i++) {
		dir = unit_tmpdir();
		target = at(dir, "root");
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		layer = at(dir, "bad.tar");
		write_tar(layer, bad[i].v, 2, 0);
		expect_unpack_error(layer, target, PC_ERR_INPUT, bad[i].says, NULL);
		free(layer);
		free(target);
		unit_rmtree(dir);
		free(dir);
	}
}

/* ---- inputs the disk cannot hold as the manifest would say -------------- */

#define NAME10 "nnnnnnnnnn"
#define NAME100 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10
#define LINK1000 NAME100 NAME100 NAME100 NAME100 NAME100 NAME100 NAME100 NAME100 NAME100 NAME100

static const struct attack unstorable[] = {
	{ "name-over-name-max.tar",
	  { { 'f', "d/" NAME100 NAME100 NAME10 NAME10 NAME10 NAME10 NAME10 NAME10 "/f", 0644, "x\n",
	      0, 0, NULL, NULL, 0 } }, 1, { NULL }, "a name of 260 bytes" },
	{ "symlink-over-path-max.tar",
	  { { 'l', "s", 0777, LINK1000 LINK1000 LINK1000 LINK1000 LINK1000, 0, 0, NULL, NULL, 0 } },
	  1, { NULL }, "a symlink target of 5000 bytes" },
	{ "below-a-file.tar",
	  { { 'f', "f", 0644, "x\n", 0, 0, NULL, NULL, 0 },
	    { 'f', "f/x", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 2, { NULL }, "f/x" },
	{ "below-a-symlink-to-a-file.tar",
	  { { 'f', "g", 0644, "x\n", 0, 0, NULL, NULL, 0 },
	    { 'l', "s", 0777, "g", 0, 0, NULL, NULL, 0 },
	    { 'f', "s/y", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 3, { NULL }, "s/y" },
	{ "root-a-file.tar", { { 'f', ".", 0644, "x\n", 0, 0, NULL, NULL, 0 } }, 1, { NULL }, "." },
	{ "root-a-symlink.tar", { { 'l', "./", 0777, "/tmp", 0, 0, NULL, NULL, 0 } }, 1,
	  { NULL }, "./" },
	{ "uid-minus-one.tar", { { 'f', "f", 0644, "x\n", 4294967295u, 0, NULL, NULL, 0 } }, 1,
	  { NULL }, "f" },
	{ "gid-minus-one.tar", { { 'f', "f", 0644, "x\n", 0, 4294967295u, NULL, NULL, 0 } }, 1,
	  { NULL }, "f" },
	{ "raw-acl-xattr.tar",
	  { { 'f', "f", 0644, "x\n", 0, 0, "system.posix_acl_access", "garbage", 0 } }, 1,
	  { NULL }, "system.posix_acl_access" },
	{ "bad-capability.tar",
	  { { 'f', "f", 0755, "x\n", 0, 0, "security.capability", "garbage", 0 } }, 1,
	  { NULL }, "security.capability" },
	{ "unknown-namespace.tar", { { 'f', "f", 0644, "x\n", 0, 0, "foo.bar", "1", 0 } }, 1,
	  { NULL }, "foo.bar" },
	{ "user-xattr-on-a-fifo.tar", { { 'p', "p", 0644, NULL, 0, 0, "user.a", "1", 0 } }, 1,
	  { NULL }, "user.a" },
	/* libarchive skips them quietly: they would be reported lost */
	{ "xfs-acl-file.tar",
	  { { 'f', "f", 0644, "x\n", 0, 0, "trusted.SGI_ACL_FILE", "1", 0 } }, 1,
	  { NULL }, "trusted.SGI_ACL_FILE" },
	{ "xfs-acl-default.tar",
	  { { 'd', "d/", 0755, NULL, 0, 0, "trusted.SGI_ACL_DEFAULT", "1", 0 } }, 1,
	  { NULL }, "trusted.SGI_ACL_DEFAULT" },
};

/* A pax archive by hand: one file F whose extended header holds RECORDS
 * ("key=value" lines), which libarchive's writer would not produce. */
static void write_pax_file(const char *path, const char *const *records, size_t n)
{
	struct pc_strbuf x = PC_STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t body = strlen(records[i]) + 2; /* " " and "\n" */
		size_t len = body + 1;
		while (len != body + (size_t)snprintf(NULL, 0, "%zu", len))
			len = body + (size_t)snprintf(NULL, 0, "%zu", len);
		pc_strbuf_printf(&x, "%zu %s\n", len, records[i]);
	}
	size_t xblocks = (x.len + 511) / 512;
	size_t total = 512 * (1 + xblocks + 1 + 1 + 2);
	unsigned char *t = xcalloc(1, total);
	ustar_header(t, 'x', "PaxHeader/f", x.len);
	ustar_header(t + 512 * (1 + xblocks), '0', "f", 1);
	memcpy(t + 512, x.s, x.len);
	t[512 * (2 + xblocks)] = 'x';
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, total, 0), 0);
	free(t);
	pc_strbuf_free(&x);
}

/* libarchive warns and skips a whole pax header with a malformed record
 * (its path and xattrs with it), where the runtimes refuse the layer: an
 * input error.  A pax path that is not UTF-8 (Go writes raw bytes there)
 * is taken byte for byte, without a warning. */
static void test_pax_warnings(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	char *layer = at(dir, "bad-pax.tar");
	const char *records[] = { "path=long/real-name", "SCHILY.xattr.user.a=1" };
	write_pax_file(layer, records, 2);
	break_pax_record(layer, "SCHILY.xattr");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "malformed pax");
	unit_rmtree(target);

	const char *latin1[] = { "path=caf\xe9" };
	write_pax_file(layer, latin1, 1);
	char buf[1024];
	struct pc_manifest *m = NULL;
	const char *l = layer;
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_image_scan(&l, 1, &m, NULL), 0);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_PTR_NOT_NULL(m ? pc_manifest_get(m, "caf\xe9") : NULL);
	pc_manifest_free(m);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

static void test_unstorable_refused(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	for (size_t i = 0; i < N(unstorable); i++) {
		const struct attack *u = &unstorable[i];
		char *layer = at(dir, u->name);
		write_tar(layer, u->members, u->n, 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		check_refused(layer, target, u->entry);
		unit_rmtree(target);
		free(layer);
	}
	/* the same xattr twice (LIBARCHIVE.xattr and SCHILY.xattr): fine when
	 * both say the same, ambiguous when not */
	char *layer = at(dir, "xattr-twice.tar");
	const char *same[] = { "LIBARCHIVE.xattr.user.a=MQ", "SCHILY.xattr.user.a=1" };
	const char *differ[] = { "LIBARCHIVE.xattr.user.a=Mg", "SCHILY.xattr.user.a=1" };
	write_pax_file(layer, same, 2);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL(pc_image_scan((const char *const *)&layer, 1, &m, NULL), 0);
	struct pc_entry *e = m ? pc_manifest_get(m, "f") : NULL;
	CU_ASSERT(e && e->nxattrs == 1 && e->xattrs[0].size == 1 && e->xattrs[0].value[0] == '1');
	pc_manifest_free(m);
	write_pax_file(layer, differ, 2);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "user.a");
	unit_rmtree(target);
	/* an ACL naming a user by name only: libacl would refuse id -1 half-way
	 * through the unpack */
	const char *byname[] = { "SCHILY.acl.access=user::rw-,user:nobody-here:rw-,group::r--,"
				 "mask::rw-,other::r--" };
	write_pax_file(layer, byname, 1);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "system.posix_acl_access");
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* aufs's own metadata in an old Docker aufs export: the markers alone make
 * nothing (as in containerd, Docker and podman); the same names below a
 * folder are plain names (both runtimes write d/.wh..wh.plnk/x); what the
 * top-level folders hold, and a hardlink into .wh..wh.plnk/, are refused
 * with a message that says why: containerd writes them, Docker and podman
 * skip them (before, the files were written as .wh..wh.plnk/...). */
static void test_aufs_metadata(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root"), *layer = at(dir, "aufs.tar");
	static const struct member markers[] = {
		{ 'f', ".wh..wh.aufs", 0600, "", 0, 0, NULL, NULL, 0 },
		{ 'd', ".wh..wh.orph", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', ".wh..wh.plnk", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "d/.wh..wh.plnk", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/.wh..wh.plnk/x", 0644, "x", 0, 0, NULL, NULL, 0 },
		{ 'f', "f", 0644, "f", 0, 0, NULL, NULL, 0 },
	};
	write_tar(layer, markers, N(markers), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers((const char *const *)&layer, 1, target, &m, NULL,
					       NULL, NULL), 0);
	CU_ASSERT_EQUAL(pc_manifest_count(m), 4); /* d, d/.wh..wh.plnk, its x, f */
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/.wh..wh.plnk/x"));
	char *p1 = at(target, ".wh..wh.plnk"), *p2 = at(target, ".wh..wh.aufs");
	CU_ASSERT(!exists(p1) && !exists(p2));
	free(p1);
	free(p2);
	assert_scan_matches((const char *const *)&layer, 1, m, NULL);
	pc_manifest_free(m);
	unit_rmtree(target);
	static const struct member held[] = {
		{ 'd', ".wh..wh.plnk", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh..wh.plnk/1234.567", 0644, "data", 0, 0, NULL, NULL, 0 },
	};
	write_tar(layer, held, N(held), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "aufs metadata");
	unit_rmtree(target);
	static const struct member linked[] = {
		{ 'h', "usr/bin/a", 0644, ".wh..wh.plnk/1234.567", 0, 0, NULL, NULL, 0 },
	};
	write_tar(layer, linked, N(linked), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "a hardlink into aufs metadata");
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* "d/d/.../d" (N components) followed by TAIL. */
static char *deep_path(size_t n, const char *tail)
{
	char *p = xmalloc(2 * n + strlen(tail) + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(p + 2 * i, "d/", 2);
	strcpy(p + 2 * n, tail);
	return p;
}

/* An entry deeper than PC_MAX_PATH_DEPTH is refused at once, naming the
 * limit at the end of the message however long the name (each level used
 * to cost a lookup of every level above it: a single 120,000-deep name
 * hung the scan); one at the limit is read, and so is a hardlink to it. */
static void test_too_deep_refused(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	char *layer = at(dir, "deep.tar");
	char *limit = deep_path(PC_MAX_PATH_DEPTH - 1, "f");
	char *over = deep_path(PC_MAX_PATH_DEPTH, "f");
	char *huge = deep_path(100000, "f");
	struct member ok[] = { { 'f', limit, 0644, "x", 0, 0, NULL, NULL, 0 },
			       { 'h', "l", 0644, limit, 0, 0, NULL, NULL, 0 } };
	write_tar(layer, ok, N(ok), 0);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL(pc_image_scan((const char *const *)&layer, 1, &m, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(m ? pc_manifest_get(m, limit) : NULL);
	pc_manifest_free(m);
	const char *cases[][2] = { { over, NULL }, { huge, NULL }, { "l", over } };
	for (size_t i = 0; i < N(cases); i++) {
		struct member bad[] = { { 'f', over, 0644, "x", 0, 0, NULL, NULL, 0 },
					{ 'f', "a", 0644, "x", 0, 0, NULL, NULL, 0 } };
		if (cases[i][1]) /* a hardlink whose target is too deep */
			bad[0] = (struct member){ 'h', "l", 0644, over, 0, 0, NULL, NULL, 0 };
		else
			bad[0].path = cases[i][0];
		write_tar(layer, bad, N(bad), 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		char *want = xasprintf("levels deep (powercut takes at most %u)", PC_MAX_PATH_DEPTH);
		expect_unpack_error(layer, target, PC_ERR_INPUT, NULL, want);
		free(want);
		m = NULL;
		unit_rmtree(target);
		CU_ASSERT_EQUAL(pc_image_scan((const char *const *)&layer, 1, &m, NULL), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	}
	free(limit);
	free(over);
	free(huge);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* Files a and b (one block of data each) with ZEROS_BETWEEN zero blocks
 * between them, then two; gzip-compressed with gzip(1) when GZ.  With
 * A_ZEROS, a is 512 zero bytes (its data block all zeros). */
static char *tar_with_gap(const char *dir, const char *name, int zeros_between, int gz,
			  int a_zeros)
{
	size_t blocks = 2 + (size_t)zeros_between + 2 + 2;
	unsigned char *t = xcalloc(blocks, 512);
	ustar_header(t, '0', "a", a_zeros ? 512 : 3);
	if (!a_zeros)
		memcpy(t + 512, "aa\n", 3);
	unsigned char *b = t + 512 * (2 + (size_t)zeros_between);
	ustar_header(b, '0', "b", 3);
	memcpy(b + 512, "bb\n", 3);
	char *path = at(dir, name);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, blocks * 512, 0), 0);
	free(t);
	if (gz) {
		char *cmd = xasprintf("gzip -n -f '%s' && mv '%s.gz' '%s'", path, path, path);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		free(cmd);
	}
	return path;
}

/* After a single zero block Go's reader reads the next one: entries
 * there are an error to the runtimes, where tar stops.  Where that block
 * is counted from is where a's data ended: with a's last data block all
 * zeros, the check took it and the lone zero block for the two that end
 * the archive, and b was silently left out of the tree and the manifest. */
static void test_lone_zero_block(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	for (int v = 0; v < 4; v++) {
		int gz = v & 1, a_zeros = v >> 1;
		/* one zero block, then b: tar stops, the runtimes refuse */
		char *lone = tar_with_gap(dir, gz ? "lone.tar.gz" : "lone.tar", 1, gz, a_zeros);
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		check_refused(lone, target, NULL);
		unit_rmtree(target);
		free(lone);
		/* two zero blocks end the archive: b after them is not read */
		char *ended = tar_with_gap(dir, gz ? "ended.tar.gz" : "ended.tar", 2, gz, a_zeros);
		struct pc_manifest *m = NULL;
		const char *layers[] = { ended };
		CU_ASSERT_EQUAL(pc_image_scan(layers, 1, &m, NULL), 0);
		CU_ASSERT(m && pc_manifest_get(m, "a") && !pc_manifest_get(m, "b"));
		pc_manifest_free(m);
		free(ended);
		/* no gap: both */
		char *whole = tar_with_gap(dir, gz ? "whole.tar.gz" : "whole.tar", 0, gz, a_zeros);
		layers[0] = whole;
		m = NULL;
		CU_ASSERT_EQUAL(pc_image_scan(layers, 1, &m, NULL), 0);
		CU_ASSERT(m && pc_manifest_get(m, "a") && pc_manifest_get(m, "b"));
		pc_manifest_free(m);
		free(whole);
	}
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* Layers that hold nothing, as producers write them: a 0-byte blob
 * (an uncompressed layer of no bytes), gzip, zstd and xz of no bytes (the
 * bytes `gzip -n`, `zstd` and `xz` write for empty input), the two end
 * blocks alone (what buildah commits for an unchanged container, Docker's
 * empty layer) and one end block.  Go's archive/tar, so the runtimes and
 * umoci, reads each as no entries; the 0-byte, gzip and zstd ones were
 * refused as "not a (compressed) tar archive". */
static const unsigned char gzip_of_nothing[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char zstd_of_nothing[] = {
	0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00, 0x00, 0x99, 0xe9, 0xd8, 0x51,
};
static const unsigned char xz_of_nothing[] = {
	0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46,
	0x00, 0x00, 0x00, 0x00, 0x1c, 0xdf, 0x44, 0x21, 0x1f, 0xb6, 0xf3, 0x7d,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x59, 0x5a,
};
static const unsigned char zeros[1024];

struct bytes {
	const char *name;
	const void *p;
	size_t len;
};

static void test_empty_layers(void)
{
	static const unsigned char zstd_then_junk[] = {
		0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00, 0x00, 0x99, 0xe9, 0xd8, 0x51,
		'j', 'u', 'n', 'k', '!', '!', '!', '!',
	};
	static const unsigned char gzip_then_junk[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'j', 'u', 'n', 'k',
	};
	const struct bytes empty[] = {
		{ "no-bytes.tar", zeros, 0 },
		{ "nothing.tar.gz", gzip_of_nothing, sizeof(gzip_of_nothing) },
		{ "nothing.tar.zst", zstd_of_nothing, sizeof(zstd_of_nothing) },
		{ "nothing.tar.xz", xz_of_nothing, sizeof(xz_of_nothing) },
		{ "end-blocks.tar", zeros, 1024 },
		{ "end-block.tar", zeros, 512 },
	};
	/* Damaged: still refused. */
	const struct bytes damaged[] = {
		{ "part-block.tar", zeros, 100 },
		{ "cut.tar.gz", gzip_of_nothing, 15 },      /* trailer cut short */
		{ "cut.tar.zst", zstd_of_nothing, 8 },
		{ "cut.tar.xz", xz_of_nothing, 24 },
		{ "junk.tar.zst", zstd_then_junk, sizeof(zstd_then_junk) },
		{ "junk.tar.gz", gzip_then_junk, sizeof(gzip_then_junk) },
	};
	char *dir = unit_tmpdir();
	static const struct member base[] = {
		{ 'f', "a", 0644, "a\n", 0, 0, NULL, NULL, 0 },
	};
	char *basepath = at(dir, "base.tar");
	write_tar(basepath, base, N(base), 0);
	struct pc_manifest *bm = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan((const char *[]){ basepath }, 1, &bm, NULL), 0);
	size_t base_count = pc_manifest_count(bm);
	pc_manifest_free(bm);
	for (size_t i = 0; i < N(empty); i++) {
		char *path = at(dir, empty[i].name);
		CU_ASSERT_EQUAL_FATAL(pc_write_file(path, empty[i].p, empty[i].len, 0), 0);
		const char *layers[] = { basepath, path, basepath };
		struct pc_manifest *m = NULL;
		pc_last_errclass = PC_ERR_NONE;
		int rc = pc_image_scan(layers + 1, 1, &m, NULL);
		if (rc != 0)
			fprintf(stderr, "%s refused\n", empty[i].name);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT(m && pc_manifest_count(m) == 0);
		pc_manifest_free(m);
		m = NULL;
		/* Below and above a layer, written: the tree is that layer's. */
		char *target = at(dir, "root");
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		CU_ASSERT_EQUAL(pc_unpack_layers(layers, 3, target, &m, NULL, NULL, NULL), 0);
		CU_ASSERT(m && pc_manifest_get(m, "a") && pc_manifest_count(m) == base_count);
		char *a = at(target, "a");
		CU_ASSERT(file_is(a, "a\n"));
		free(a);
		pc_manifest_free(m);
		unit_rmtree(target);
		free(target);
		free(path);
	}
	for (size_t i = 0; i < N(damaged); i++) {
		char *path = at(dir, damaged[i].name);
		CU_ASSERT_EQUAL_FATAL(pc_write_file(path, damaged[i].p, damaged[i].len, 0), 0);
		char *target = at(dir, "root");
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		check_refused(path, target, NULL);
		unit_rmtree(target);
		free(target);
		free(path);
	}
	free(basepath);
	unit_rmtree(dir);
	free(dir);
}

/* A tar of the header blocks HDRS (N of them, type and name each, data
 * DATA[i] for metadata headers), one block of data "x" after the last. */
struct rawhdr {
	char type;
	const char *name;
	const char *data;
};

static char *raw_tar(const char *dir, const char *name, const struct rawhdr *h, size_t n)
{
	struct pc_strbuf t = PC_STRBUF_INIT;
	unsigned char b[512];
	for (size_t i = 0; i < n; i++) {
		size_t len = h[i].data ? strlen(h[i].data) : (i + 1 == n ? 1 : 0);
		ustar_header(b, h[i].type, h[i].name, len);
		pc_strbuf_add(&t, b, 512);
		pc_strbuf_add(&t, h[i].data ? h[i].data : "x", len);
		memset(b, 0, 512);
		pc_strbuf_add(&t, b, (512 - len % 512) % 512); /* to the block's end */
	}
	memset(b, 0, 512);
	pc_strbuf_add(&t, b, 512);
	pc_strbuf_add(&t, b, 512);
	char *path = at(dir, name);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t.s, t.len, 0), 0);
	pc_strbuf_free(&t);
	return path;
}

/* Headers libarchive reads one way and the runtimes' Go reader another,
 * or not at all: refused, never a guess. */
static void test_headers_read_alike(void)
{
	static const struct {
		const char *name;
		struct rawhdr h[3];
		size_t n;
		const char *why; /* NULL: accepted */
	} cases[] = {
		{ "pax-time.tar", { { 'x', "PaxHeader", "30 mtime=1700000000.123456789\n" },
				    { '0', "f", NULL } }, 2, NULL },
		{ "slash.tar", { { '0', "foo/", NULL } }, 1, "ends in '/'" },
		{ "slash7.tar", { { '7', "foo/", NULL } }, 1, "ends in '/'" },
		{ "typeN.tar", { { 'N', "@LongName", NULL } }, 1, "type 'N'" },
		{ "typeD.tar", { { 'D', "dd/", "\0" } }, 1, "type 'D'" },
		{ "typeV.tar", { { 'V', "label", NULL }, { '0', "f", NULL } }, 2, "type 'V'" },
		{ "x-L.tar", { { 'x', "PaxHeader", "15 path=pax-nm\n" }, { 'L', "././@LongLink", "gnu-nm" },
			       { '0', "f", NULL } }, 3, "disagree" },
		{ "L-x.tar", { { 'L', "././@LongLink", "gnu-nm" }, { 'x', "PaxHeader", "15 path=pax-nm\n" },
			       { '0', "f", NULL } }, 3, "disagree" },
		{ "L-L.tar", { { 'L', "././@LongLink", "one" }, { 'L', "././@LongLink", "two" },
			       { '0', "f", NULL } }, 3, "given twice" },
		{ "pax-uid.tar", { { 'x', "PaxHeader", "12 uid=12ab\n" }, { '0', "f", NULL } }, 2,
		  "record 'uid'" },
		{ "pax-size.tar", { { 'x', "PaxHeader", "11 size=1x\n" }, { '0', "f", NULL } }, 2,
		  "record 'size'" },
		/* over 64 bits: libarchive clamped the time, Go refuses it */
		{ "pax-mtime-big.tar", { { 'x', "PaxHeader", "30 mtime=99999999999999999999\n" },
					 { '0', "f", NULL } }, 2, "record 'mtime'" },
		{ "pax-mtime-max.tar", { { 'x', "PaxHeader", "30 mtime=-9223372036854775808\n" },
					 { '0', "f", NULL } }, 2, NULL },
		{ "sparse-name.tar", { { 'x', "PaxHeader", "9 path=a\n21 GNU.sparse.name=b\n" },
				       { '0', "f", NULL } }, 2, "GNU sparse" },
		{ "sparse-size.tar", { { 'x', "PaxHeader", "27 GNU.sparse.realsize=100\n" },
				       { '0', "f", NULL } }, 2, "GNU sparse" },
		{ "star-size.tar", { { 'x', "PaxHeader", "23 SCHILY.realsize=100\n" },
				     { '0', "f", NULL } }, 2, "SCHILY.realsize" },
		/* star's device numbers: libarchive takes the records, Go the
		 * header's fields (0,0 here); taken when they agree */
		{ "star-dev.tar", { { 'x', "PaxHeader", "21 SCHILY.devmajor=7\n" },
				    { '4', "b", "" } }, 2, "SCHILY.devmajor" },
		{ "star-dev-same.tar", { { 'x', "PaxHeader", "21 SCHILY.devminor=0\n" },
					 { '4', "b", "" } }, 2, NULL },
		{ "same.tar", { { 'L', "././@LongLink", "gnu-nm" }, { 'x', "PaxHeader", "15 path=gnu-nm\n" },
				{ '0', "f", NULL } }, 3, NULL },
		{ "global.tar", { { 'g', "pax_global_header", "11 uid=123\n" }, { '0', "f", NULL } }, 2,
		  NULL },
		{ "cont.tar", { { '7', "c", NULL } }, 1, NULL },
		/* a LIBARCHIVE.xattr value that is not base64: libarchive
		 * skipped the bytes that are not and decoded the rest into
		 * the xattr (the runtimes ignore the record) */
		{ "xattr-b64.tar", { { 'x', "PaxHeader", "40 LIBARCHIVE.xattr.user.h=!!!notbase64\n" },
				     { '0', "f", NULL } }, 2, "'LIBARCHIVE.xattr.user.h' is not base64" },
		{ "xattr-b64-1.tar", { { 'x', "PaxHeader", "29 LIBARCHIVE.xattr.user.k=M\n" },
				       { '0', "f", NULL } }, 2, "not base64" },
		{ "xattr-b64-ok.tar", { { 'x', "PaxHeader", "30 LIBARCHIVE.xattr.user.k=MQ\n"
							     "32 LIBARCHIVE.xattr.user.l=MQ==\n"
							     "25 SCHILY.xattr.user.k=1\n"
							     "25 SCHILY.xattr.user.l=1\n" },
					{ '0', "f", NULL } }, 2, NULL },
		/* LIBARCHIVE.xattr and SCHILY.xattr records that agree, as
		 * bsdtar writes them (a name with a '%' escape, a value with
		 * a '='): taken */
		{ "xattr-agree.tar", { { 'x', "PaxHeader", "35 LIBARCHIVE.xattr.user.%61b=YT1i\n"
							   "28 SCHILY.xattr.user.ab=a=b\n" },
				       { '0', "f", NULL } }, 2, NULL },
		/* records that disagree: libarchive applied both, the runtimes
		 * (Go's reader) only SCHILY.xattr */
		{ "xattr-value.tar", { { 'x', "PaxHeader", "30 LIBARCHIVE.xattr.user.v=Mg\n"
							   "25 SCHILY.xattr.user.v=1\n" },
				       { '0', "f", NULL } }, 2, "xattr user.v has different values" },
		{ "xattr-name.tar", { { 'x', "PaxHeader", "30 LIBARCHIVE.xattr.user.w=MQ\n"
							  "25 SCHILY.xattr.user.v=1\n" },
				      { '0', "f", NULL } }, 2, "xattr user.w is given only as a LIBARCHIVE" },
		{ "xattr-escaped.tar", { { 'x', "PaxHeader", "34 LIBARCHIVE.xattr.user.a%20b=MQ\n"
							     "29 SCHILY.xattr.user.a%20b=1\n" },
					 { '0', "f", NULL } }, 2, "xattr user.a b is given only" },
		{ "xattr-schily.tar", { { 'x', "PaxHeader", "30 LIBARCHIVE.xattr.user.v=MQ\n"
							    "25 SCHILY.xattr.user.v=1\n"
							    "25 SCHILY.xattr.user.u=1\n" },
					{ '0', "f", NULL } }, 2, "xattr user.u is given as a SCHILY" },
		/* a LIBARCHIVE.xattr record alone: the runtimes would not set it */
		{ "xattr-lib-alone.tar", { { 'x', "PaxHeader", "30 LIBARCHIVE.xattr.user.k=MQ\n" },
					   { '0', "f", NULL } }, 2,
		  "xattr user.k is given only as a LIBARCHIVE.xattr record" },
		/* a pax hardlink with data: libarchive reads the data as the
		 * link's, Go's reader as the next header (podman 4.3 made a
		 * file of a header hidden there) */
		{ "link-data.tar", { { '0', "f", "y" }, { 'x', "PaxHeader", "14 linkpath=f\n" },
				     { '1', "l", NULL } }, 3, "carries data" },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	/* a numeric field with a byte that is not octal after its digits:
	 * libarchive reads 1, Go and GNU tar refuse the header */
	static const struct {
		size_t off;
		const char *value, *field;
	} bad[] = {
		{ 124, "0000000001x", "size field" },
		{ 100, "644 x  ", "mode field" },
		{ 108, "0000 7", "uid field" },
	};
	for (size_t i = 0; i < N(bad); i++) {
		/* after a first entry: libarchive's format bidder checks the first */
		unsigned char t[512 * 5] = { 0 }, *h = t + 512;
		ustar_header(t, '5', "d/", 0);
		ustar_header(h, '0', "f", 1);
		memcpy(h + bad[i].off, bad[i].value, strlen(bad[i].value) + 1);
		memset(h + 148, ' ', 8);
		unsigned sum = 0;
		for (size_t k = 0; k < 512; k++)
			sum += h[k];
		sprintf((char *)h + 148, "%06o", sum);
		h[512] = 'x';
		char *layer = at(dir, "bad-number.tar");
		CU_ASSERT_EQUAL_FATAL(pc_write_file(layer, t, sizeof(t), 0), 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		check_refused(layer, target, bad[i].field);
		unit_rmtree(target);
		free(layer);
	}
	for (size_t i = 0; i < N(cases); i++) {
		char *layer = raw_tar(dir, cases[i].name, cases[i].h, cases[i].n);
		if (cases[i].why) {
			CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
			check_refused(layer, target, cases[i].why);
			unit_rmtree(target);
		} else {
			struct pc_manifest *m = NULL;
			const char *l = layer;
			CU_ASSERT_EQUAL(pc_image_scan(&l, 1, &m, NULL), 0);
			CU_ASSERT_PTR_NOT_NULL(m);
			/* the records that agree give one xattr, as they say */
			if (!strcmp(cases[i].name, "xattr-agree.tar")) {
				struct pc_entry *e = m ? pc_manifest_get(m, "f") : NULL;
				CU_ASSERT(e && e->nxattrs == 1 && !strcmp(e->xattrs[0].name, "user.ab") &&
					  e->xattrs[0].size == 3 &&
					  !memcmp(e->xattrs[0].value, "a=b", 3));
			}
			pc_manifest_free(m);
		}
		free(layer);
	}
	/* a pax header longer than the reader holds (256 KiB) cannot be
	 * checked: refused, as saying so */
	size_t value = 300000, len = 6 + sizeof(" comment=") - 1 + value + 1;
	char *rec = xmalloc(len + 1);
	int head = snprintf(rec, len + 1, "%zu comment=", len);
	memset(rec + head, 'a', value);
	rec[len - 1] = '\n';
	rec[len] = '\0';
	const struct rawhdr big[] = { { 'x', "PaxHeader", rec }, { '0', "f", NULL } };
	char *layer = raw_tar(dir, "pax-huge.tar", big, N(big));
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	check_refused(layer, target, "too large to check");
	unit_rmtree(target);
	free(layer);
	free(rec);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* ---- the scan's figures per layer (inspect's table) ------------------------ */

struct tallies {
	size_t n;
	size_t index[4];
	struct pc_layer_tally t[4];
	char compression[4][16];
};

static void keep_tally(size_t index, const struct pc_layer_tally *t, void *arg)
{
	struct tallies *ts = arg;
	CU_ASSERT_FATAL(ts->n < 4);
	ts->index[ts->n] = index;
	ts->t[ts->n] = *t;
	snprintf(ts->compression[ts->n], sizeof(ts->compression[0]), "%s", t->compression);
	ts->n++;
}

/* Entries count whiteouts, file bytes count regular files but not their
 * hardlinks (a sparse file by its apparent size); a layer refused is not
 * told, nor the layers above it. */
static void test_scan_tallies(void)
{
	static const struct member a[] = {
		{ 'd', "./", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "f", 0644, "abc", 0, 0, NULL, NULL, 0 },
		{ 'h', "f-link", 0644, "f", 0, 0, NULL, NULL, 0 },
		{ 'l', "sym", 0777, "f", 0, 0, NULL, NULL, 0 },
		{ 's', "sparse", 0644, NULL, 0, 0, NULL, NULL, 0 },
	};
	static const struct member b[] = {
		{ 'f', ".wh.sym", 0644, "", 0, 0, NULL, NULL, 0 },
		{ 'f', "g", 0644, "hello\n", 0, 0, NULL, NULL, 0 },
	};
	static const struct member evil[] = {
		{ 'f', "../out", 0644, "x", 0, 0, NULL, NULL, 0 },
	};
	char *dir = unit_tmpdir();
	char *la = at(dir, "a.tar.gz"), *lb = at(dir, "b.tar"), *le = at(dir, "evil.tar");
	write_tar(la, a, N(a), 1);
	write_tar(lb, b, N(b), 0);
	write_tar(le, evil, N(evil), 0);
	const char *layers[] = { la, lb, le, la };
	struct tallies ts = { 0 };
	struct pc_manifest *m = NULL;
	uint64_t total = 0;
	CU_ASSERT_EQUAL(pc_image_scan_layers(layers, 2, 0, keep_tally, &ts, &m, &total), 0);
	CU_ASSERT_EQUAL_FATAL(ts.n, 2);
	CU_ASSERT_EQUAL(ts.index[0], 0);
	CU_ASSERT_EQUAL(ts.t[0].entries, 5);
	CU_ASSERT_EQUAL(ts.t[0].file_bytes, 3 + (1u << 20));
	CU_ASSERT_STRING_EQUAL(ts.compression[0], "gzip");
	CU_ASSERT_EQUAL(ts.index[1], 1);
	CU_ASSERT_EQUAL(ts.t[1].entries, 2);
	CU_ASSERT_EQUAL(ts.t[1].file_bytes, 6);
	CU_ASSERT_STRING_EQUAL(ts.compression[1], "none");
	struct stat st;
	CU_ASSERT_EQUAL_FATAL(stat(lb, &st), 0);
	CU_ASSERT_EQUAL(ts.t[1].tar_bytes, (uint64_t)st.st_size);
	CU_ASSERT(ts.t[0].tar_bytes > 512);
	CU_ASSERT_EQUAL(total, 3 + (1u << 20) + 6);
	pc_manifest_free(m);
	m = NULL;
	memset(&ts, 0, sizeof(ts));
	char buf[512];
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_image_scan_layers(layers, 4, 0, keep_tally, &ts, &m, NULL), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(ts.n, 2);
	free(la);
	free(lb);
	free(le);
	unit_rmtree(dir);
	free(dir);
}

static void test_not_an_archive(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *layer = at(dir, "not-an-archive.tar");
	unsigned char junk[4096];
	uint64_t x = 88172645463325252ULL;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		junk[i] = (unsigned char)x;
	}
	CU_ASSERT_EQUAL_FATAL(pc_write_file(layer, junk, sizeof(junk), 0), 0);
	check_refused(layer, target, NULL);
	/* A missing file is the user's input too. */
	char *missing = at(dir, "missing.tar");
	check_refused(missing, target, NULL);
	free(missing);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

static void test_absolute_symlink_ok(void)
{
	static const struct member ok[] = {
		{ 'l', "lib", 0777, "/usr/lib", 0, 0, NULL, NULL, 0 },
		{ 'f', "lib/libok.so", 0755, "ok\n", 0, 0, NULL, NULL, 0 },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *layer = at(dir, "symlink-abs-ok.tar");
	write_tar(layer, ok, N(ok), 0);
	CU_ASSERT(!exists("/usr/lib/libok.so"));
	struct pc_manifest *m = NULL;
	const char *l = layer;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(&l, 1, target, &m, NULL, NULL, NULL), 0);
	char *p = at(target, "usr/lib/libok.so");
	CU_ASSERT(file_is(p, "ok\n"));
	free(p);
	CU_ASSERT(!exists("/usr/lib/libok.so"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "usr/lib/libok.so"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "usr/lib"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "lib/libok.so"));
	assert_scan_matches(&l, 1, m, NULL);
	pc_manifest_free(m);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* ---- times, as the runtimes set them ------------------------------------ */

/* One member of a timed layer: type 'f', 'd' or 'l', data (file contents,
 * symlink target), mtime. */
struct timed {
	char type;
	const char *path, *data;
	time_t mtime;
};

static void write_timed_tar(const char *path, const struct timed *v, size_t n)
{
	struct archive *a = archive_write_new();
	CU_ASSERT_FATAL(a && archive_write_set_format_pax(a) == ARCHIVE_OK &&
			archive_write_open_filename(a, path) == ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = v[i].type == 'f' ? strlen(v[i].data) : 0;
		archive_entry_set_pathname(e, v[i].path);
		archive_entry_set_mtime(e, v[i].mtime, 0);
		archive_entry_set_filetype(e, v[i].type == 'd'	 ? AE_IFDIR
					      : v[i].type == 'l' ? AE_IFLNK
								 : AE_IFREG);
		archive_entry_set_perm(e, v[i].type == 'd' ? 0755 : 0644);
		if (v[i].type == 'l')
			archive_entry_set_symlink(e, v[i].data);
		archive_entry_set_size(e, (la_int64_t)len);
		CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
		if (len)
			CU_ASSERT(archive_write_data(a, v[i].data, len) == (la_ssize_t)len);
		archive_entry_free(e);
	}
	archive_write_free(a);
}

/* Remove ROOT/NAME/NAME/... (DEPTH folders) holding files F and G at the
 * bottom: past PATH_MAX, where unit_rmtree's nftw cannot go. */
static void rm_deep(const char *root, const char *name, int depth, const char *f, const char *g)
{
	int fds[64];
	CU_ASSERT_FATAL(depth < 64);
	fds[0] = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < depth && fds[i] >= 0; i++)
		fds[i + 1] = openat(fds[i], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	CU_ASSERT_FATAL(fds[0] >= 0 && fds[depth] >= 0);
	CU_ASSERT_EQUAL(unlinkat(fds[depth], f, 0), 0);
	CU_ASSERT_EQUAL(unlinkat(fds[depth], g, 0), 0);
	for (int i = depth - 1; i >= 0; i--) {
		close(fds[i + 1]);
		CU_ASSERT_EQUAL(unlinkat(fds[i], name, AT_REMOVEDIR), 0);
	}
	close(fds[0]);
}

static time_t mtime_of(const char *target, const char *rel)
{
	char *p = at(target, rel);
	struct stat st;
	int rc = lstat(p, &st);
	free(p);
	CU_ASSERT_EQUAL(rc, 0);
	return rc == 0 ? st.st_mtime : (time_t)-1;
}

/* A folder an upper layer lists again keeps its entry's mtime though the
 * layer then writes, removes and whites out in it (libarchive set it at
 * once, before them; the runtimes set it when the layer ends); a time
 * before 1970 is set as 1970-01-01, as containerd's boundTime and
 * containers/storage's Chtimes set it (podman 4.3: mtime 0).  Seen with
 * podman: etc/ of the second layer had the unpack's time in powercut's
 * tree, the layer's in podman's. */
static void test_times_as_runtimes_set_them(void)
{
	const time_t t = 1700000000, pre_epoch = -315619200; /* 1960 */
	const struct timed lower[] = {
		{ 'd', "d", NULL, t },		{ 'f', "d/gone", "g\n", t },
		{ 'f', "d/replaced", "r\n", t }, { 'd', "e", NULL, t },
		{ 'd', "e/sub", NULL, t },	{ 'f', "e/sub/y", "y\n", t },
	};
	const struct timed upper[] = {
		{ 'd', "d", NULL, 1600000000 },
		{ 'f', "d/.wh.gone", "", t },
		{ 'f', "d/replaced", "new\n", t },
		{ 'f', "d/new", "n\n", t },
		{ 'd', "e", NULL, 1600000001 },
		{ 'd', "e/sub", NULL, 1600000002 },
		{ 'f', "e/sub/.wh..wh..opq", "", t },
		{ 'f', "e/sub/x", "x\n", t },
		{ 'f', "old", "1960\n", pre_epoch },
		{ 'd', "olddir", NULL, pre_epoch },
		{ 'l', "oldlink", "old", pre_epoch },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *l1 = at(dir, "l1.tar"), *l2 = at(dir, "l2.tar");
	write_timed_tar(l1, lower, N(lower));
	write_timed_tar(l2, upper, N(upper));
	/* a folder past PATH_MAX, listed again, written in: 20 folders of 250 */
	char deep[20 * 251 + 8] = "", name[251];
	memset(name, 'n', 250);
	name[250] = 0;
	struct timed deep_lower[21], deep_upper[2];
	char *paths[20];
	for (int i = 0; i < 20; i++) {
		if (i)
			strcat(deep, "/");
		strcat(deep, name);
		paths[i] = xstrdup(deep);
		deep_lower[i] = (struct timed){ 'd', paths[i], NULL, t };
	}
	char *deepf = xasprintf("%s/f", deep), *deepg = xasprintf("%s/g", deep);
	deep_lower[20] = (struct timed){ 'f', deepf, "f\n", t };
	deep_upper[0] = (struct timed){ 'd', paths[19], NULL, 1600000003 };
	deep_upper[1] = (struct timed){ 'f', deepg, "g\n", t };
	char *l3 = at(dir, "l3.tar"), *l4 = at(dir, "l4.tar");
	write_timed_tar(l3, deep_lower, N(deep_lower));
	write_timed_tar(l4, deep_upper, N(deep_upper));
	char *deeproot = at(dir, "deep");
	CU_ASSERT_EQUAL_FATAL(mkdir(deeproot, 0755), 0);
	const char *deep_layers[] = { l3, l4 };
	struct pc_manifest *dm = NULL;
	CU_ASSERT_EQUAL(pc_unpack_layers(deep_layers, 2, deeproot, &dm, NULL, NULL, NULL), 0);
	const struct pc_entry *de = dm ? pc_manifest_get(dm, deepg) : NULL;
	CU_ASSERT_PTR_NOT_NULL(de);
	/* its mtime, read a folder at a time (fstatat past PATH_MAX fails) */
	int fd = open(deeproot, O_PATH | O_DIRECTORY);
	for (int i = 0; fd >= 0 && i < 20; i++) {
		int next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW);
		close(fd);
		fd = next;
	}
	struct stat st;
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(fstat(fd, &st), 0);
	CU_ASSERT_EQUAL(st.st_mtime, 1600000003);
	close(fd);
	rm_deep(deeproot, name, 20, "f", "g");
	pc_manifest_free(dm);
	for (int i = 0; i < 20; i++)
		free(paths[i]);
	free(deepf);
	free(deepg);
	free(l3);
	free(l4);
	free(deeproot);
	const char *layers[] = { l1, l2 };
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(layers, 2, target, &m, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(mtime_of(target, "d"), 1600000000);
	CU_ASSERT_EQUAL(mtime_of(target, "e"), 1600000001);
	CU_ASSERT_EQUAL(mtime_of(target, "e/sub"), 1600000002);
	CU_ASSERT_EQUAL(mtime_of(target, "d/new"), t);
	CU_ASSERT_EQUAL(mtime_of(target, "old"), 0);
	CU_ASSERT_EQUAL(mtime_of(target, "olddir"), 0);
	CU_ASSERT_EQUAL(mtime_of(target, "oldlink"), 0);
	char *p = at(target, "d/gone");
	CU_ASSERT(!exists(p));
	free(p);
	p = at(target, "e/sub/y");
	CU_ASSERT(!exists(p));
	free(p);
	p = at(target, "d/replaced");
	CU_ASSERT(file_is(p, "new\n"));
	free(p);
	assert_scan_matches(layers, 2, m, NULL);
	pc_manifest_free(m);
	free(l1);
	free(l2);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* ---- raw ACL xattrs, as umoci and the Go image writers store ACLs ------- */

/* What ext4 gave for setfacl -m u:1234:rw,g:55:r on a 0664 file. */
static const unsigned char raw_acl[] = {
	2, 0, 0, 0, 1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, 2, 0, 6, 0, 0xd2, 4, 0, 0,
	4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff, 8, 0, 4, 0, 0x37, 0, 0, 0,
	0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, 0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
};

/* One file "f" of MODE with xattr NAME = VALUE (SIZE bytes, binary). */
static void write_xattr_layer(const char *path, unsigned mode, const char *name,
			      const void *value, size_t size)
{
	struct archive *a = archive_write_new();
	CU_ASSERT_FATAL(a && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
			archive_write_open_filename(a, path) == ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "f");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode);
	archive_entry_set_size(e, 2);
	archive_entry_xattr_add_entry(e, name, value, size);
	CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	CU_ASSERT(archive_write_data(a, "x\n", 2) == 2);
	archive_entry_free(e);
	archive_write_free(a);
}

static void test_raw_acl_applied(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *layer = at(dir, "raw-acl.tar");
	write_xattr_layer(layer, 0664, "system.posix_acl_access", raw_acl, sizeof(raw_acl));
	struct pc_manifest *m = NULL;
	const char *l = layer;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(&l, 1, target, &m, NULL, NULL, NULL), 0);
	struct pc_entry *e = pc_manifest_get(m, "f");
	CU_ASSERT_FATAL(e && e->nxattrs == 1);
	CU_ASSERT_STRING_EQUAL(e->xattrs[0].name, "system.posix_acl_access");
	CU_ASSERT(e->xattrs[0].size == sizeof(raw_acl) &&
		  !memcmp(e->xattrs[0].value, raw_acl, sizeof(raw_acl)));
	CU_ASSERT_EQUAL(e->mode, 0664);
	/* on disk as the runtimes (and umoci) leave it */
	char *f = at(target, "f");
	unsigned char got[128];
	ssize_t n = getxattr(f, "system.posix_acl_access", got, sizeof(got));
	CU_ASSERT(n == (ssize_t)sizeof(raw_acl) && !memcmp(got, raw_acl, sizeof(raw_acl)));
	struct stat st;
	CU_ASSERT(stat(f, &st) == 0 && (st.st_mode & 07777) == 0664);
	free(f);
	assert_scan_matches(&l, 1, m, NULL);
	pc_manifest_free(m);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* ---- what created entries inherit: default ACLs, set-group-ID ---------- */

/* The kernel's value of an ACL (linux/posix_acl_xattr.h), entries given as
 * {tag, perm, id} triples. */
#define ACL_HDR 2, 0, 0, 0
#define ACL_ENT(tag, perm, id) (tag), 0, (perm), 0, (id) & 0xff, ((id) >> 8) & 0xff, \
	((id) >> 16) & 0xff, ((unsigned)(id) >> 24) & 0xff
#define NOID 0xffffffffu
/* user::rwx user:1234:rwx group::r-x mask::rwx other::r-x */
static const unsigned char dflt_acl[] = {
	ACL_HDR, ACL_ENT(1, 7, NOID), ACL_ENT(2, 7, 1234), ACL_ENT(4, 5, NOID),
	ACL_ENT(0x10, 7, NOID), ACL_ENT(0x20, 5, NOID),
};
/* what it gives a file chmod'ed 0640: user::rw- user:1234:rwx group::r-x
 * mask::r-- other::--- */
static const unsigned char acl_0640[] = {
	ACL_HDR, ACL_ENT(1, 6, NOID), ACL_ENT(2, 7, 1234), ACL_ENT(4, 5, NOID),
	ACL_ENT(0x10, 4, NOID), ACL_ENT(0x20, 0, NOID),
};
/* ... and a folder chmod'ed 0755 (a parent no entry lists) */
static const unsigned char acl_0755[] = {
	ACL_HDR, ACL_ENT(1, 7, NOID), ACL_ENT(2, 7, 1234), ACL_ENT(4, 5, NOID),
	ACL_ENT(0x10, 5, NOID), ACL_ENT(0x20, 5, NOID),
};

/* One entry of a layer being written: TYPE 'd', 'f' (data "x\n"), 'p' or
 * 'l' (to "f"), owner 0:GID, and the raw default ACL dflt_acl when DFLT. */
static void put_entry(struct archive *a, char type, const char *path, unsigned mode,
		      unsigned gid, int dflt)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type == 'd' ? AE_IFDIR : type == 'p' ? AE_IFIFO
						: type == 'l' ? AE_IFLNK : AE_IFREG);
	archive_entry_set_perm(e, mode);
	archive_entry_set_gid(e, gid);
	if (type == 'l')
		archive_entry_set_symlink(e, "f");
	if (type == 'f')
		archive_entry_set_size(e, 2);
	if (dflt) /* as umoci and the Go image writers store it */
		archive_entry_xattr_add_entry(e, "system.posix_acl_default", dflt_acl,
					      sizeof(dflt_acl));
	CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	if (type == 'f')
		CU_ASSERT(archive_write_data(a, "x\n", 2) == 2);
	archive_entry_free(e);
}

static struct archive *open_layer(const char *path)
{
	struct archive *a = archive_write_new();
	CU_ASSERT_FATAL(a && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
			archive_write_open_filename(a, path) == ARCHIVE_OK);
	return a;
}

/* Layer 1: folder d/ (0775) with a default ACL, then, in the same layer,
 * d/same/f below a parent it does not list; set-group-ID folder sg/ (2775,
 * group 50).  Layer 2, no ACL of its own anywhere: d/f (0640), d/sub/
 * (0750), d/p (a fifo, 0640), d/l (a symlink), d/new/deep/g below two
 * parents it does not list, sg/a/h (group 7) below one, sg/a/b/i below
 * two. */
static void write_inheriting_layers(const char *l1, const char *l2)
{
	struct archive *a = open_layer(l1);
	put_entry(a, 'd', "d/", 0775, 0, 1);
	put_entry(a, 'f', "d/same/f", 0640, 0, 0);
	put_entry(a, 'd', "sg/", 02775, 50, 0);
	archive_write_free(a);
	a = open_layer(l2);
	put_entry(a, 'f', "d/f", 0640, 0, 0);
	put_entry(a, 'd', "d/sub/", 0750, 0, 0);
	put_entry(a, 'p', "d/p", 0640, 0, 0);
	put_entry(a, 'l', "d/l", 0777, 0, 0);
	put_entry(a, 'f', "d/new/deep/g", 0640, 0, 0);
	put_entry(a, 'f', "sg/a/h", 0644, 7, 0);
	put_entry(a, 'f', "sg/a/b/i", 0644, 0, 0);
	archive_write_free(a);
}

static int xattr_is(const struct pc_manifest *m, const char *path, const char *name,
		    const void *value, size_t size)
{
	const struct pc_entry *e = pc_manifest_get(m, path);
	for (size_t i = 0; e && i < e->nxattrs; i++)
		if (!strcmp(e->xattrs[i].name, name))
			return value && e->xattrs[i].size == size &&
			       !memcmp(e->xattrs[i].value, value, size);
	return e && !value;
}

static void assert_verifies(struct pc_manifest *m, const char *root)
{
	struct pc_verify_result vr = { 0 };
	CU_ASSERT_EQUAL(pc_verify_tree(m, root, &vr), 0);
	CU_ASSERT_EQUAL(vr.nfindings, 0);
	for (size_t i = 0; i < vr.nfindings; i++)
		fprintf(stderr, "\n  %s: finding: %s %s", root, vr.findings[i].path,
			vr.findings[i].detail);
	pc_verify_result_free(&vr);
}

/* What a layer creates in a folder with a default ACL or the set-group-ID
 * bit is what the kernel gives containerd's mkdir, open and mknod and its
 * chmod then leaves: an access ACL from the default ACL (user::, mask::,
 * other:: from the mode), a folder the default ACL too, a symlink nothing;
 * a parent no entry lists 0755 with the ACLs of a 0755 folder, and below a
 * set-group-ID folder its group but not the bit (containerd chmods it
 * 0755).  In the layer that lists the folder and in the layers above; the
 * manifest says so, the scan agrees and the tree verifies.  (These ACLs
 * were dropped before, and the parents made 2755.) */
static void test_inherited_acls_kept(void)
{
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	const char *layers[2] = { at(dir, "l1.tar"), at(dir, "l2.tar") };
	write_inheriting_layers(layers[0], layers[1]);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(layers, 2, target, &m, NULL, NULL, NULL), 0);
	const char *A = "system.posix_acl_access", *D = "system.posix_acl_default";
	static const char *const files[] = { "d/same/f", "d/f", "d/p", "d/new/deep/g" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		CU_ASSERT(xattr_is(m, files[i], A, acl_0640, sizeof(acl_0640)));
		CU_ASSERT(pc_manifest_get(m, files[i])->mode == 0640);
		char *p = at(target, files[i]);
		unsigned char got[64];
		CU_ASSERT(lgetxattr(p, A, got, sizeof(got)) == (ssize_t)sizeof(acl_0640) &&
			  !memcmp(got, acl_0640, sizeof(acl_0640)));
		free(p);
	}
	static const char *const parents[] = { "d/same", "d/new", "d/new/deep" };
	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		CU_ASSERT(xattr_is(m, parents[i], A, acl_0755, sizeof(acl_0755)));
		CU_ASSERT(xattr_is(m, parents[i], D, dflt_acl, sizeof(dflt_acl)));
		CU_ASSERT(pc_manifest_get(m, parents[i])->mode == 0755);
	}
	CU_ASSERT(xattr_is(m, "d/sub", D, dflt_acl, sizeof(dflt_acl)));
	CU_ASSERT(pc_manifest_get(m, "d/sub")->mode == 0750);
	CU_ASSERT(pc_manifest_get(m, "d/l")->nxattrs == 0);
	struct pc_entry *a = pc_manifest_get(m, "sg/a"), *h = pc_manifest_get(m, "sg/a/h");
	CU_ASSERT(a && a->mode == 0755 && a->uid == 0 && a->gid == 50 && a->nxattrs == 0);
	CU_ASSERT(h && h->mode == 0644 && h->gid == 7);
	struct pc_entry *b = pc_manifest_get(m, "sg/a/b"); /* sg/a has no bit left */
	CU_ASSERT(b && b->mode == 0755 && b->gid == 0);
	struct stat st;
	char *sga = at(target, "sg/a");
	CU_ASSERT(stat(sga, &st) == 0 && (st.st_mode & 07777) == 0755 && st.st_gid == 50);
	free(sga);
	assert_verifies(m, target);
	assert_scan_matches(layers, 2, m, NULL);
	pc_manifest_free(m);
	free((char *)layers[0]);
	free((char *)layers[1]);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* The same layers applied with the system calls containerd's unpack makes
 * (pkg/archive: mkparent's mkdir and chmod 0755 for a parent no entry
 * lists; create, lchown, setxattr of the SCHILY.xattr records, chmod to the
 * header's mode for an entry), the kernel deciding what is inherited: the
 * tree verifies intact against powercut's manifest of the image. */
#define OK(call) CU_ASSERT_EQUAL_FATAL((call), 0)
static void runtime_dir(const char *root, const char *rel, mode_t mode, gid_t gid, int dflt)
{
	char *p = at(root, rel);
	OK(mkdir(p, mode));
	OK(chmod(p, mode));
	if (gid != (gid_t)-1)
		OK(lchown(p, 0, gid));
	if (dflt)
		OK(lsetxattr(p, "system.posix_acl_default", dflt_acl, sizeof(dflt_acl), 0));
	OK(chmod(p, mode));
	free(p);
}

static void runtime_entry(const char *root, char type, const char *rel, mode_t mode, gid_t gid)
{
	char *p = at(root, rel);
	if (type == 'f') {
		FILE *f = fopen(p, "w");
		CU_ASSERT_FATAL(f && fputs("x\n", f) >= 0 && fclose(f) == 0);
	} else if (type == 'p') {
		OK(mknod(p, S_IFIFO | mode, 0));
	} else {
		OK(symlink("f", p));
	}
	OK(lchown(p, 0, gid));
	if (type != 'l')
		OK(chmod(p, mode));
	free(p);
}

static void test_runtime_tree_verifies(void)
{
	char *dir = unit_tmpdir();
	char *root = at(dir, "root");
	OK(mkdir(root, 0755));
	const char *layers[2] = { at(dir, "l1.tar"), at(dir, "l2.tar") };
	write_inheriting_layers(layers[0], layers[1]);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 2, &m, NULL), 0);
	mode_t old = umask(022); /* containerd's daemon; its chmods make it moot */
	runtime_dir(root, "d", 0775, 0, 1);
	runtime_dir(root, "d/same", 0755, (gid_t)-1, 0);
	runtime_entry(root, 'f', "d/same/f", 0640, 0);
	runtime_dir(root, "sg", 02775, 50, 0);
	runtime_entry(root, 'f', "d/f", 0640, 0);
	runtime_dir(root, "d/sub", 0750, 0, 0);
	runtime_entry(root, 'p', "d/p", 0640, 0);
	runtime_entry(root, 'l', "d/l", 0777, 0);
	runtime_dir(root, "d/new", 0755, (gid_t)-1, 0);
	runtime_dir(root, "d/new/deep", 0755, (gid_t)-1, 0);
	runtime_entry(root, 'f', "d/new/deep/g", 0640, 0);
	runtime_dir(root, "sg/a", 0755, (gid_t)-1, 0);
	runtime_entry(root, 'f', "sg/a/h", 0644, 7);
	runtime_dir(root, "sg/a/b", 0755, (gid_t)-1, 0);
	runtime_entry(root, 'f', "sg/a/b/i", 0644, 0);
	umask(old);
	assert_verifies(m, root);
	pc_manifest_free(m);
	free((char *)layers[0]);
	free((char *)layers[1]);
	free(root);
	unit_rmtree(dir);
	free(dir);
}
#undef OK

/* A revision 3 file capability whose root uid is 0 reads back as revision
 * 2: the manifest says so, and the unpacked tree verifies intact. */
static void test_fcaps_v3_read_back(void)
{
	static const unsigned char v3[24] = { 1, 0, 0, 3, 0, 0x20 }; /* cap_net_raw+ep */
	static const unsigned char v2[20] = { 1, 0, 0, 2, 0, 0x20 };
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	char *layer = at(dir, "caps-v3.tar");
	write_xattr_layer(layer, 0755, "security.capability", v3, sizeof(v3));
	struct pc_manifest *m = NULL;
	const char *l = layer;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(&l, 1, target, &m, NULL, NULL, NULL), 0);
	struct pc_entry *e = pc_manifest_get(m, "f");
	CU_ASSERT_FATAL(e && e->nxattrs == 1);
	CU_ASSERT(e->xattrs[0].size == sizeof(v2) && !memcmp(e->xattrs[0].value, v2, sizeof(v2)));
	char *f = at(target, "f");
	unsigned char got[64];
	ssize_t n = getxattr(f, "security.capability", got, sizeof(got));
	CU_ASSERT(n == (ssize_t)sizeof(v2) && !memcmp(got, v2, sizeof(v2)));
	free(f);
	pc_manifest_free(m);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* ---- a full device ------------------------------------------------------ */

static void test_enospc(void)
{
	static const struct member big[] = {
		{ 'd', "data/", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "data/big.bin", 0644, NULL, 0, 0, NULL, NULL, 3 << 20 },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "mnt");
	char *layer = at(dir, "big.tar");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	write_tar(layer, big, N(big), 1);
	if (mount("powercut-test", target, "tmpfs", 0, "size=1m") < 0) {
		CU_FAIL("mount tmpfs");
		perror("mount tmpfs");
	} else {
		expect_unpack_error(layer, target, PC_ERR_RUN, "data/big.bin", "No space left on device");
		CU_ASSERT_EQUAL(umount(target), 0);
	}
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* A write the disk refuses says why: libarchive's "Can't create 'f'" alone
 * does not (here a read-only filesystem). */
static void test_write_error_says_why(void)
{
	static const struct member one[] = { { 'f', "f", 0644, "x\n", 0, 0, NULL, NULL, 0 } };
	char *dir = unit_tmpdir();
	char *target = at(dir, "mnt");
	char *layer = at(dir, "one.tar");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	write_tar(layer, one, N(one), 0);
	if (mount("powercut-test", target, "tmpfs", MS_RDONLY, "size=1m") < 0) {
		CU_FAIL("mount tmpfs");
		perror("mount tmpfs");
	} else {
		expect_unpack_error(layer, target, PC_ERR_RUN, "writing f: ", "Read-only file system");
		CU_ASSERT_EQUAL(umount(target), 0);
	}
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* A hardlink header that does not repeat its file's mode, owner or xattrs
 * is read two ways (containerd, Docker and podman apply the link's,
 * libarchive keeps the file's): refused.  One that repeats them, or leaves
 * xattrs out, is read. */
static void test_hardlink_attrs(void)
{
	static const struct {
		const char *name, *why;
		unsigned mode, uid;
		const char *xname, *xvalue;
	} cases[] = {
		{ "mode.tar", "mode 0644, the file 0755", 0644, 0, NULL, NULL },
		{ "owner.tar", "owner 5:5, the file 0:0", 0755, 5, NULL, NULL },
		{ "xattr-new.tar", "sets xattr user.b", 0755, 0, "user.b", "2" },
		{ "xattr-value.tar", "sets xattr user.a", 0755, 0, "user.a", "zz" },
		{ "same.tar", NULL, 0755, 0, "user.a", "1" },
		{ "no-xattr.tar", NULL, 0755, 0, NULL, NULL },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	for (size_t i = 0; i < N(cases); i++) {
		struct member mb[] = {
			{ 'f', "f", 0755, "data\n", 0, 0, "user.a", "1", 0 },
			{ 'h', "g", cases[i].mode, "f", cases[i].uid, cases[i].uid, cases[i].xname,
			  cases[i].xvalue, 0 },
		};
		char *layer = at(dir, cases[i].name);
		write_tar(layer, mb, N(mb), 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
		if (cases[i].why) {
			check_refused(layer, target, cases[i].why);
		} else {
			struct pc_manifest *m = NULL;
			CU_ASSERT_EQUAL(pc_unpack_layers((const char *const *)&layer, 1, target, &m,
							 NULL, NULL, NULL), 0);
			struct pc_entry *g = m ? pc_manifest_get(m, "g") : NULL;
			CU_ASSERT(g && g->mode == 0755 && g->nxattrs == 1 && g->hardlink_group);
			pc_manifest_free(m);
		}
		unit_rmtree(target);
		free(layer);
	}
	free(target);
	unit_rmtree(dir);
	free(dir);
}


static void log_progress(uint64_t bytes, void *arg)
{
	fprintf((FILE *)arg, "%llu\n", (unsigned long long)bytes);
}

static void test_progress(void)
{
	static const struct member big[] = {
		{ 'f', "a.bin", 0644, NULL, 0, 0, NULL, NULL, 9 << 20 },
	};
	char *dir = unit_tmpdir();
	char *target = at(dir, "root");
	char *layer = at(dir, "a.tar");
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	write_tar(layer, big, N(big), 0);
	/* The callback runs in the unpacking process: it reports through an
	 * unbuffered file opened before. */
	char *log = at(dir, "progress.log");
	FILE *f = fopen(log, "w");
	CU_ASSERT_FATAL(f != NULL);
	setvbuf(f, NULL, _IONBF, 0);
	struct pc_manifest *m = NULL;
	const char *l = layer;
	CU_ASSERT_EQUAL(pc_unpack_layers(&l, 1, target, &m, NULL, log_progress, f), 0);
	pc_manifest_free(m);
	fclose(f);
	char *text = pc_read_file(log, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	unsigned long long prev = 0, v;
	int lines = 0, increasing = 1;
	for (char *p = text; sscanf(p, "%llu", &v) == 1; p = strchr(p, '\n') + 1) {
		increasing &= v > prev && v <= 9u << 20;
		prev = v;
		lines++;
	}
	CU_ASSERT(lines >= 2 && lines <= 3); /* about every 4 MiB of 9 MiB */
	CU_ASSERT(increasing);
	free(text);
	free(log);
	free(layer);
	free(target);
	unit_rmtree(dir);
	free(dir);
}

/* A LIBARCHIVE.xattr name is %-decoded as libarchive does it: "%XX" in
 * either case is a byte, a '%' before anything else is itself. */
static void test_pax_xattr_names_decoded(void)
{
	static const char *const agree[] = {
		"32 LIBARCHIVE.xattr.user%2ea=MQ\n25 SCHILY.xattr.user.a=1\n",
		"32 LIBARCHIVE.xattr.user%2Ea=MQ\n25 SCHILY.xattr.user.a=1\n",
		"32 LIBARCHIVE.xattr.user%2xa=MQ\n27 SCHILY.xattr.user%2xa=1\n",
	};
	char name[64];
	const char *why = NULL;
	for (size_t i = 0; i < N(agree); i++)
		CU_ASSERT_EQUAL(pc_pax_xattrs_disagree(agree[i], strlen(agree[i]), name,
						       sizeof(name), &why), 0);
	const char *differ = "32 LIBARCHIVE.xattr.user%2xa=MQ\n25 SCHILY.xattr.user.a=1\n";
	CU_ASSERT_EQUAL(pc_pax_xattrs_disagree(differ, strlen(differ), name, sizeof(name), &why),
			1);
	CU_ASSERT_STRING_EQUAL(name, "user%2xa");
}

void register_unpack_tests(void)
{
	CU_pSuite s = CU_add_suite("unpack", NULL, NULL);
	CU_add_test(s, "two layers: tree, manifest, whiteouts, scan", test_unpack_two_layers);
	CU_add_test(s, "two layers, each file fsync'd as written", test_unpack_fsync_while_writing);
	CU_add_test(s, "digests from the scan (unpack_known)", test_unpack_known_digests);
	CU_add_test(s, "a run's scan: both digests, verify compares XXH3-128",
		    test_unpack_known_fast_verify);
	CU_add_test(s, "no scan: the unpack passes XXH3-128 on, verify compares it",
		    test_unpack_digests_fast);
	CU_add_test(s, "attacks refused", test_attacks_refused);
	CU_add_test(s, "the scan tells each layer's figures", test_scan_tallies);
	CU_add_test(s, "not an archive", test_not_an_archive);
	CU_add_test(s, "what the disk cannot hold is refused", test_unstorable_refused);
	CU_add_test(s, "an entry too deep is refused at once", test_too_deep_refused);
	CU_add_test(s, "pax headers libarchive only warns about", test_pax_warnings);
	CU_add_test(s, "entries after a lone zero block are refused", test_lone_zero_block);
	CU_add_test(s, "layers holding nothing are read; damaged ones refused", test_empty_layers);
	CU_add_test(s, "headers libarchive and the runtimes read differently are refused",
		    test_headers_read_alike);
	CU_add_test(s, "LIBARCHIVE.xattr names are %-decoded", test_pax_xattr_names_decoded);
	CU_add_test(s, "absolute symlink inside the root", test_absolute_symlink_ok);
	CU_add_test(s, "parents through symlinks: where entries land", test_parents_through_symlinks);
	CU_add_test(s, "raw ACL xattrs are applied as ACLs", test_raw_acl_applied);
	CU_add_test(s, "aufs metadata: markers skipped, what they hold refused",
		    test_aufs_metadata);
	CU_add_test(s, "what created entries inherit: default ACLs, set-group-ID folders",
		    test_inherited_acls_kept);
	CU_add_test(s, "a tree made with containerd's system calls verifies intact",
		    test_runtime_tree_verifies);
	CU_add_test(s, "a v3 file capability of root reads back as v2", test_fcaps_v3_read_back);
	CU_add_test(s, "ENOSPC is a run error", test_enospc);
	CU_add_test(s, "a write the disk refuses says why", test_write_error_says_why);
	CU_add_test(s, "a hardlink header unlike its file's is refused", test_hardlink_attrs);
	CU_add_test(s, "folder times at the layer's end, pre-1970 times bounded",
		    test_times_as_runtimes_set_them);
	CU_add_test(s, "progress", test_progress);
}
