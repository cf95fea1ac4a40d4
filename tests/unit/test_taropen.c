/* test_taropen.c - image/taropen.c: a tar opens (plain and compressed, by
 * path and by fd); a missing file and a file that is not a tar archive are
 * input errors told apart by their message; the raw reader gives the
 * decompressed stream. */
#include <CUnit/CUnit.h>

#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tarfix.h"
#include "unit.h"
#include "image/layer_reader.h"
#include "image/taropen.h"
#include "util/util.h"

static const struct member one[] = { { 'f', "a.txt", 0644, "hello", 0, 0, NULL, NULL, 0 } };

/* The first entry's name, or NULL. */
static char *first_name(struct archive *a)
{
	struct archive_entry *ae;
	if (archive_read_next_header(a, &ae) != ARCHIVE_OK)
		return NULL;
	return xstrdup(archive_entry_pathname(ae));
}

static void test_open(void)
{
	char *dir = unit_tmpdir();
	char *plain = xasprintf("%s/l.tar", dir), *gz = xasprintf("%s/l.tar.gz", dir);
	write_tar(plain, one, 1, 0);
	write_tar(gz, one, 1, 1);

	struct archive *a = pc_tar_open("layer", gz, -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	char *n = first_name(a);
	CU_ASSERT_STRING_EQUAL(n, "a.txt");
	free(n);
	archive_read_free(a);

	int fd = open(plain, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	a = pc_tar_open(NULL, plain, fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	n = first_name(a);
	CU_ASSERT_STRING_EQUAL(n, "a.txt");
	free(n);
	archive_read_free(a);
	close(fd);

	/* Raw: the gzip'd file's decompressed bytes (the tar), as one entry. */
	a = pc_tar_reader_new(PC_TAR_RAW);
	CU_ASSERT_FATAL(archive_read_open_filename(a, gz, 4096) == ARCHIVE_OK);
	struct archive_entry *ae;
	CU_ASSERT(archive_read_next_header(a, &ae) == ARCHIVE_OK);
	char block[512];
	CU_ASSERT(archive_read_data(a, block, sizeof(block)) == (la_ssize_t)sizeof(block));
	CU_ASSERT(memcmp(block + 257, "ustar", 5) == 0); /* a tar header, not gzip */
	archive_read_free(a);

	unit_rmtree(dir);
	free(plain);
	free(gz);
	free(dir);
}

static void test_refused(void)
{
	char *dir = unit_tmpdir();
	char *text = xasprintf("%s/not-a-tar", dir), *missing = xasprintf("%s/missing", dir);
	FILE *f = fopen(text, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a tar archive\n", f);
	fclose(f);

	char msg[512];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open("layer", text, -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a (compressed) tar archive"));
	char *want = xasprintf("layer %s: ", text);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	free(want);

	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open(NULL, missing, -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot open"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, missing));

	/* A file whose first read fails (EIO: /proc/self/mem at offset 0) is
	 * a medium that failed, not a file in another format. */
	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open(NULL, "/proc/self/mem", -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_ENV);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/proc/self/mem: cannot read: Input/output error"));
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;

	unit_rmtree(dir);
	free(text);
	free(missing);
	free(dir);
}

/* A reader the layer reader did not open is one whose headers it cannot
 * check: pc_layer_reader_next refuses it (it read such a reader's entries
 * unchecked, as if checked), and a layer it cannot open is reported, not
 * handed to another reader. */
static void test_layer_reader_only_its_own(void)
{
	char *dir = unit_tmpdir();
	char *plain = xasprintf("%s/l.tar", dir), *missing = xasprintf("%s/none.tar", dir);
	write_tar(plain, one, 1, 0);
	struct archive *a = pc_tar_open("layer", plain, -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct archive_entry *ae;
	char buf[512];
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_layer_reader_next(a, &ae, plain), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT(strstr(buf, "not opened by the layer reader") != NULL);
	archive_read_free(a);
	a = pc_layer_reader_open(plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(pc_layer_reader_next(a, &ae, plain), 1);
	CU_ASSERT_STRING_EQUAL(archive_entry_pathname(ae), "a.txt");
	archive_read_free(a);
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_PTR_NULL(pc_layer_reader_open(missing));
	pc_capture_errors(NULL, 0);
	char *want = xasprintf("layer %s: cannot open: No such file or directory", missing);
	CU_ASSERT(strstr(buf, want) != NULL);
	free(want);
	unit_rmtree(dir);
	free(plain);
	free(missing);
	free(dir);
}

/* Bytes this process has read so far (/proc/self/io's rchar). */
static unsigned long long bytes_read(void)
{
	size_t len;
	char *io = pc_read_file("/proc/self/io", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(io);
	const char *r = strstr(io, "rchar: ");
	unsigned long long n = r ? strtoull(r + 7, NULL, 10) : 0;
	free(io);
	return n;
}

/* Every entry of an archive through the checked reader: how many, 0 with
 * -1 when one was refused. */
static int entries(const char *path, int *refused)
{
	struct archive *a = pc_tar_checked_open(NULL, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct archive_entry *ae;
	int n = 0, r;
	while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0)
		n++;
	*refused = r < 0;
	archive_read_free(a);
	return n;
}

/* Data the reader passes over (an image archive's layers when it is
 * scanned, a layer's files for inspect) is skipped in an uncompressed
 * file, not read: the checked reader read each archive whole, so docker-save
 * archives were read twice (992 MB for a 496 MB archive; inspect 1.8x and
 * the run's unpack phase 1.6x slower than before it).  The checks still
 * see what they saw: a lone zero block after a skipped member is
 * refused, two zero blocks end the archive, compressed archives read on. */
static void test_checked_reader_skips_data(void)
{
	char *dir = unit_tmpdir();
	size_t big = 32u << 20;
	char *data = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)pattern_byte(i);
	struct raw_member m[] = {
		{ "layer.tar", data, big, NULL },
		{ "manifest.json", "[]", 2, NULL },
	};
	char *plain = xasprintf("%s/a.tar", dir), *gz = xasprintf("%s/a.tar.gz", dir);
	write_raw_tar(plain, m, 2, 0);
	write_raw_tar(gz, m, 2, 1);
	int refused;
	unsigned long long before = bytes_read();
	CU_ASSERT_EQUAL(entries(plain, &refused), 2);
	CU_ASSERT_FALSE(refused);
	CU_ASSERT(bytes_read() - before < (8u << 20)); /* not the 32 MiB member */
	CU_ASSERT_EQUAL(entries(gz, &refused), 2);
	CU_ASSERT_FALSE(refused);

	/* The member, then one zero block, then another member: refused. */
	struct raw_member first[] = { { "layer.tar", data, big, NULL } };
	struct raw_member next[] = { { "manifest.json", "[]", 2, NULL } };
	char *tail = xasprintf("%s/tail.tar", dir), *lone = xasprintf("%s/lone.tar", dir);
	write_raw_tar(lone, first, 1, 0);
	write_raw_tar(tail, next, 1, 0);
	size_t len, tlen;
	char *b = pc_read_file(lone, &len), *t = pc_read_file(tail, &tlen);
	CU_ASSERT_FATAL(b && t && len % 512 == 0);
	static const char zero[512];
	while (len >= 512 && !memcmp(b + len - 512, zero, 512))
		len -= 512; /* its end: the two zero blocks and the padding */
	for (int blocks = 1; blocks <= 2; blocks++) {
		char *c = xmalloc(len + 1024 + tlen);
		memcpy(c, b, len);
		memset(c + len, 0, 512u * (unsigned)blocks);
		memcpy(c + len + 512u * (unsigned)blocks, t, tlen);
		CU_ASSERT_EQUAL_FATAL(pc_write_file(lone, c, len + 512u * (unsigned)blocks + tlen, 0), 0);
		free(c);
		char msg[512] = "";
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		int n = entries(lone, &refused);
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(refused, blocks == 1);
		if (blocks == 1)
			CU_ASSERT_PTR_NOT_NULL(strstr(msg, "entries follow a single zero block"));
	}
	free(b);
	free(t);
	free(data);
	free(plain);
	free(gz);
	free(tail);
	free(lone);
	unit_rmtree(dir);
	free(dir);
}

void register_taropen_tests(void)
{
	CU_pSuite s = CU_add_suite("taropen", NULL, NULL);
	CU_add_test(s, "tar by path and fd, raw stream", test_open);
	CU_add_test(s, "missing file, not a tar, unreadable", test_refused);
	CU_add_test(s, "the layer reader reads only readers it opened", test_layer_reader_only_its_own);
	CU_add_test(s, "data not read is skipped, its checks still made",
		    test_checked_reader_skips_data);
}
