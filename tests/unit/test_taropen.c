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

void register_taropen_tests(void)
{
	CU_pSuite s = CU_add_suite("taropen", NULL, NULL);
	CU_add_test(s, "tar by path and fd, raw stream", test_open);
	CU_add_test(s, "missing file, not a tar, unreadable", test_refused);
	CU_add_test(s, "the layer reader reads only readers it opened", test_layer_reader_only_its_own);
}
