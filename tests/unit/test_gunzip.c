/* test_gunzip.c - gzip layers read with every member's trailer checked:
 * several members and zero padding are read, a damaged CRC-32 or length,
 * a truncated stream and data after the last member are errors, and a
 * damaged .tar.gz layer is an input error for the scan. */
#include <CUnit/CUnit.h>
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "image/gunzip.h"
#include "image/unpack.h"
#include "tarfix.h"
#include "unit.h"
#include "util/strbuf.h"
#include "util/util.h"

/* One gzip member holding DATA[0..n) appended to OUT. */
static void gz_member(struct pc_strbuf *out, const void *data, size_t n)
{
	z_stream zs = { 0 };
	CU_ASSERT_EQUAL_FATAL(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
					   Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&zs, (uLong)n) + 64;
	unsigned char *buf = xmalloc(cap);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)n;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	CU_ASSERT_EQUAL_FATAL(deflate(&zs, Z_FINISH), Z_STREAM_END);
	pc_strbuf_add(out, (const char *)buf, cap - zs.avail_out);
	deflateEnd(&zs);
	free(buf);
}

/* Read the gzip bytes G[0..n) back: what came out in *out (malloc'd), and
 * the reader's result (0 or -1) with its message in MSG. */
static int gunzip_all(const struct pc_strbuf *g, char **out, size_t *outlen, char msg[160])
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/f.gz", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, g->s, g->len, 0), 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pc_is_gzip(fd), 1);
	struct pc_gunzip *z = pc_gunzip_open(fd);
	struct pc_strbuf got = PC_STRBUF_INIT;
	char buf[1000]; /* small: members and reads do not line up */
	ssize_t n;
	while ((n = pc_gunzip_read(z, buf, sizeof(buf))) > 0)
		pc_strbuf_add(&got, buf, (size_t)n);
	snprintf(msg, 160, "%s", n < 0 ? pc_gunzip_error(z) : "");
	pc_gunzip_close(z);
	*outlen = got.len;
	*out = pc_strbuf_release(&got);
	unit_rmtree(dir);
	free(dir);
	free(path);
	return n < 0 ? -1 : 0;
}

static void test_members_and_padding(void)
{
	char a[5000], b[3000];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (char)(i * 7);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (char)(i * 13 + 1);
	struct pc_strbuf g = PC_STRBUF_INIT;
	gz_member(&g, a, sizeof(a));
	gz_member(&g, b, sizeof(b));
	char zeros[1024] = { 0 };
	pc_strbuf_add(&g, zeros, sizeof(zeros));
	char *out, msg[160];
	size_t len;
	CU_ASSERT_EQUAL(gunzip_all(&g, &out, &len, msg), 0);
	CU_ASSERT_EQUAL(len, sizeof(a) + sizeof(b));
	CU_ASSERT(len == sizeof(a) + sizeof(b) && !memcmp(out, a, sizeof(a)) &&
		  !memcmp(out + sizeof(a), b, sizeof(b)));
	free(out);
	pc_strbuf_free(&g);
}

/* G with byte AT changed (negative: from the end) must fail with WANT. */
static void damaged(const char *payload, size_t n, long at, const char *want)
{
	struct pc_strbuf g = PC_STRBUF_INIT;
	gz_member(&g, payload, n);
	size_t i = at < 0 ? g.len - (size_t)-at : (size_t)at;
	g.s[i] ^= 0x55;
	char *out, msg[160];
	size_t len;
	CU_ASSERT_EQUAL(gunzip_all(&g, &out, &len, msg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	if (!strstr(msg, want))
		fprintf(stderr, "\n  got \"%s\", wanted \"%s\"", msg, want);
	free(out);
	pc_strbuf_free(&g);
}

static void test_damage_found(void)
{
	const char text[] = "the quick brown fox jumps over the lazy dog, again and again";
	damaged(text, sizeof(text), -8, "incorrect data check"); /* CRC-32 */
	damaged(text, sizeof(text), -4, "incorrect length check"); /* ISIZE */

	struct pc_strbuf g = PC_STRBUF_INIT;
	char *out, msg[160];
	size_t len;
	gz_member(&g, text, sizeof(text));
	g.len -= 5; /* truncated inside the trailer */
	CU_ASSERT_EQUAL(gunzip_all(&g, &out, &len, msg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "truncated"));
	free(out);
	pc_strbuf_free(&g);

	gz_member(&g, text, sizeof(text));
	pc_strbuf_add(&g, "garbage", 7);
	CU_ASSERT_EQUAL(gunzip_all(&g, &out, &len, msg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "after the end"));
	free(out);
	pc_strbuf_free(&g);

	gz_member(&g, text, sizeof(text));
	pc_strbuf_add(&g, "\0\0\0x", 4);
	CU_ASSERT_EQUAL(gunzip_all(&g, &out, &len, msg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "zero padding"));
	free(out);
	pc_strbuf_free(&g);
}

/* Write the bytes G as layer DIR/NAME and expect its scan refused (INPUT)
 * with WANT in the message. */
static void scan_refused(const char *dir, const char *name, const struct pc_strbuf *g,
			 const char *want)
{
	char *layer = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(layer, g->s, g->len, 0), 0);
	const char *layers[] = { layer };
	struct pc_manifest *m = NULL;
	char buf[1024] = "";
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_image_scan(layers, 1, &m, NULL), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	if (!strstr(buf, want)) {
		fprintf(stderr, "\nwanted '%s' in: %s\n", want, buf);
		CU_FAIL("the layer is not refused as it should be");
	}
	CU_ASSERT_PTR_NULL(m);
	pc_last_errclass = PC_ERR_NONE;
	free(layer);
}

/* A .tar.gz layer whose CRC-32 is wrong: the scan refuses it (INPUT). */
static void test_damaged_layer_refused(void)
{
	char *dir = unit_tmpdir();
	char *layer = xasprintf("%s/l.tar.gz", dir);
	const struct member v[] = { { 'f', "f", 0644, NULL, 0, 0, NULL, NULL, 200000 } };
	write_tar(layer, v, 1, 1);
	size_t n;
	char *bytes = pc_read_file(layer, &n);
	CU_ASSERT_FATAL(bytes && n > 8);
	struct pc_manifest *m = NULL;
	const char *layers[] = { layer };
	CU_ASSERT_EQUAL(pc_image_scan(layers, 1, &m, NULL), 0);
	pc_manifest_free(m);
	m = NULL;
	bytes[n - 8] ^= 1; /* the CRC-32 */
	struct pc_strbuf g = PC_STRBUF_INIT;
	pc_strbuf_add(&g, bytes, n);
	scan_refused(dir, "l.tar.gz", &g, "incorrect data check");
	pc_strbuf_free(&g);
	free(bytes);
	free(layer);
	unit_rmtree(dir);
	free(dir);
}

/* A layer compressed twice is refused, naming both compressions, inner
 * first, whichever is outside. */
static void test_compressed_twice(void)
{
	char *dir = unit_tmpdir();
	char *tar = xasprintf("%s/l.tar", dir);
	const struct member v[] = { { 'f', "f", 0644, NULL, 0, 0, NULL, NULL, 3000 } };
	write_tar(tar, v, 1, 0);
	size_t n;
	char *bytes = pc_read_file(tar, &n);
	CU_ASSERT_FATAL(bytes != NULL);
	struct pc_strbuf once = PC_STRBUF_INIT, twice = PC_STRBUF_INIT;
	gz_member(&once, bytes, n);
	gz_member(&twice, once.s, once.len);
	scan_refused(dir, "gz-in-gz", &twice, "(gzip inside gzip)");

	/* gzip inside xz, written by libarchive's xz filter */
	struct archive *w = archive_write_new();
	CU_ASSERT_FATAL(archive_write_set_format_raw(w) == ARCHIVE_OK &&
			archive_write_add_filter_xz(w) == ARCHIVE_OK);
	size_t cap = once.len + 4096, used = 0;
	char *xz = xmalloc(cap);
	CU_ASSERT_FATAL(archive_write_open_memory(w, xz, cap, &used) == ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_filetype(e, AE_IFREG);
	CU_ASSERT_FATAL(archive_write_header(w, e) == ARCHIVE_OK);
	CU_ASSERT_EQUAL(archive_write_data(w, once.s, once.len), (la_ssize_t)once.len);
	archive_entry_free(e);
	CU_ASSERT_FATAL(archive_write_close(w) == ARCHIVE_OK);
	archive_write_free(w);
	struct pc_strbuf x = PC_STRBUF_INIT;
	pc_strbuf_add(&x, xz, used);
	scan_refused(dir, "gz-in-xz", &x, "(gzip inside xz)");

	pc_strbuf_free(&x);
	free(xz);
	pc_strbuf_free(&once);
	pc_strbuf_free(&twice);
	free(bytes);
	free(tar);
	unit_rmtree(dir);
	free(dir);
}

void register_gunzip_tests(void)
{
	CU_pSuite s = CU_add_suite("gunzip", NULL, NULL);
	CU_add_test(s, "several members, zero padding", test_members_and_padding);
	CU_add_test(s, "damaged CRC-32 or length, truncated, trailing data", test_damage_found);
	CU_add_test(s, "a damaged .tar.gz layer is refused", test_damaged_layer_refused);
	CU_add_test(s, "a layer compressed twice is refused by name", test_compressed_twice);
}
