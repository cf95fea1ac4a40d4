/* test_mtree.c - the mtree renderer (image/mtree.c): a small two-layer
 * image in, the exact mtree text out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/manifest.h"
#include "image/mtree.h"
#include "image/unpack.h"
#include "tarfix.h"
#include "unit.h"
#include "util/util.h"

/* sha256 of "hello\n", "yy" and of no bytes. */
#define HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define YY "ef90d9c1ec76b1edc9edfaf2c0c05359c10ccc49ae8ecf7b7fd25ce9c02e86a4"
#define EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Render LAYERS to a string (caller frees); NULL when the renderer fails. */
static char *render(const char *const *layers, size_t n)
{
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, n, &m, NULL), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	int rc = pc_mtree_write(m, layers, n, f, "memory");
	fclose(f);
	pc_manifest_free(m);
	if (rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void test_two_layers(void)
{
	char *dir = unit_tmpdir();
	char *l1 = xasprintf("%s/l1.tar", dir), *l2 = xasprintf("%s/l2.tar.gz", dir);
	const struct member one[] = {
		{ 'd', "etc", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "etc/a", 0644, "hello\n", 1000, 100, NULL, NULL, 0 },
		{ 'h', "etc/h", 0644, "etc/a", 1000, 100, NULL, NULL, 0 },
		{ 'f', "etc/b", 0600, "x", 0, 0, NULL, NULL, 0 },
		{ 'f', "gone", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'l', "lnk", 0777, "etc/a", 0, 0, NULL, NULL, 0 },
		{ 'c', "null", 0666, NULL, 0, 0, NULL, NULL, 0 },
	};
	const struct member two[] = {
		{ 'f', "etc/b", 0640, "yy", 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.gone", 0644, "", 0, 0, NULL, NULL, 0 },
		{ 'f', "empty", 0644, "", 0, 0, NULL, NULL, 0 },
	};
	write_tar(l1, one, sizeof(one) / sizeof(one[0]), 0);
	write_tar(l2, two, sizeof(two) / sizeof(two[0]), 1);
	const char *layers[2] = { l1, l2 };
	char *got = render(layers, 2);
	/* libarchive's mtree writer lists a folder's non-folders before its
	 * subfolders; the hardlink gets its source's data, the file replaced
	 * in layer 2 its layer-2 data, the whited-out file is gone. */
	const char *want = "#mtree\n"
			   "./empty mode=644 gid=0 uid=0 type=file size=0 sha256digest=" EMPTY "\n"
			   "./lnk mode=777 gid=0 uid=0 type=link link=etc/a\n"
			   "./null mode=666 gid=0 uid=0 type=char device=native,1,3\n"
			   "./etc mode=755 gid=0 uid=0 type=dir\n"
			   "./etc/a mode=644 gid=100 uid=1000 type=file size=6 sha256digest=" HELLO "\n"
			   "./etc/b mode=640 gid=0 uid=0 type=file size=2 sha256digest=" YY "\n"
			   "./etc/h mode=644 gid=100 uid=1000 type=file size=6 sha256digest=" HELLO "\n";
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got && strcmp(got, want))
		fprintf(stderr, "\nmtree: got\n%s\nwant\n%s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got ? got : "", want);
	free(got);
	unit_rmtree(dir);
	free(l1);
	free(l2);
	free(dir);
}

/* A layer that cannot be read again is an error, never a partial spec. */
static void test_unreadable_layer(void)
{
	char *dir = unit_tmpdir();
	char *l1 = xasprintf("%s/l1.tar", dir);
	const struct member one[] = { { 'f', "a", 0644, "hello\n", 0, 0, NULL, NULL, 0 } };
	write_tar(l1, one, 1, 0);
	struct pc_manifest *m = NULL;
	const char *layers[1] = { l1 };
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 1, &m, NULL), 0);
	CU_ASSERT_EQUAL(unlink(l1), 0);
	FILE *f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(pc_mtree_write(m, layers, 1, f, "tmp"), -1);
	fclose(f);
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(l1);
	free(dir);
}

/* The spec reads the layers as the scan and the unpack do (the layer
 * reader: its decompression and its header checks), never with a reader
 * of its own.  A plain layer whose first name starts as bzip2 data
 * ("BZh91AY&SY"): libarchive's filter bidders alone took it for bzip2 and
 * the spec failed ("not a (compressed) tar archive") for an image the scan
 * had read; the layer reader now refuses it (Docker and podman take it for
 * bzip2), and the spec refuses it for the same reason, also when the
 * layer became such a one after the scan. */
static void test_read_as_the_scan(void)
{
	char *dir = unit_tmpdir();
	char *l1 = xasprintf("%s/l1.tar", dir);
	const struct member bz[] = {
		{ 'f', "BZh91AY&SY-notes", 0644, "hello\n", 0, 0, NULL, NULL, 0 },
	};
	const struct member plain[] = {
		{ 'f', "notes", 0644, "hello\n", 0, 0, NULL, NULL, 0 },
	};
	const char *layers[1] = { l1 };
	char msg[1024] = "";
	struct pc_manifest *m = NULL;
	write_tar(l1, bz, 1, 0);
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(pc_image_scan(layers, 1, &m, NULL), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bzip2's magic number"));

	write_tar(l1, plain, 1, 0);
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 1, &m, NULL), 0);
	write_tar(l1, bz, 1, 0);
	msg[0] = '\0';
	pc_capture_errors(msg, sizeof(msg));
	FILE *f = fopen("/dev/null", "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(pc_mtree_write(m, layers, 1, f, "tmp"), -1);
	fclose(f);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bzip2's magic number"));
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(l1);
	free(dir);
}

/* A layer changed after the scan into one whose headers the scan would
 * refuse (a malformed pax record: libarchive warns and drops the whole pax
 * header, xattr and all) is refused by the spec too, never rendered from
 * what libarchive made of it. */
static void test_headers_checked(void)
{
	char *dir = unit_tmpdir();
	char *l1 = xasprintf("%s/l1.tar", dir);
	const struct member one[] = {
		{ 'f', "a", 0644, "hello\n", 0, 0, "user.k", "v", 0 },
	};
	write_tar(l1, one, 1, 0);
	struct pc_manifest *m = NULL;
	const char *layers[1] = { l1 };
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 1, &m, NULL), 0);
	break_pax_record(l1, "SCHILY.xattr");
	char buf[512];
	FILE *f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_mtree_write(m, layers, 1, f, "tmp"), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT(strstr(buf, "malformed pax") != NULL);
	fclose(f);
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(l1);
	free(dir);
}

void register_mtree_tests(void)
{
	CU_pSuite s = CU_add_suite("mtree", NULL, NULL);
	CU_add_test(s, "two layers: exact mtree text", test_two_layers);
	CU_add_test(s, "a layer gone before rendering is an error", test_unreadable_layer);
	CU_add_test(s, "layers read as the scan reads them", test_read_as_the_scan);
	CU_add_test(s, "headers the scan refuses are refused", test_headers_checked);
}
