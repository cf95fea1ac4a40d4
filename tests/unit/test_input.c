/* test_input.c - the input limits: regular files only, bounded lines, NUL
 * bytes refused, each with the message and error class the user sees. */
#include <CUnit/CUnit.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "util/input.h"
#include "image/manifest.h"
#include "util/util.h"

static char msg[512];

/* The capture keeps the first message only: start afresh before each. */
#define FRESH() (msg[0] = '\0')

static void quiet(void)
{
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(msg, sizeof(msg));
}

static void loud(void)
{
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
}

/* FIFOs, devices, sockets and folders are refused by name, class INPUT,
 * without blocking (a FIFO with no writer would block a plain open). */
static void test_regular_only(void)
{
	char *dir = unit_tmpdir();
	char *fifo = xasprintf("%s/fifo", dir), *sock = xasprintf("%s/sock", dir);
	char *reg = xasprintf("%s/reg", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(reg, "x\n", 2, 0), 0);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CU_ASSERT_EQUAL_FATAL(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);

	static const struct { const char *path, *kind; } bad[] = {
		{ "/dev/zero", "is a character device" },
		{ "/", "is a directory" },
	};
	quiet();
	for (size_t i = 0; i < 2; i++) {
		FRESH();
		CU_ASSERT_EQUAL(pc_input_open("manifest", bad[i].path), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].kind));
	}
	FRESH();
	CU_ASSERT_EQUAL(pc_input_open("scenario", fifo), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "scenario"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is a FIFO, not a regular file"));
	FRESH();
	CU_ASSERT_EQUAL(pc_input_check_regular("manifest", sock), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is a socket"));
	CU_ASSERT_EQUAL(pc_input_check_regular("manifest", "/nonexistent/x"), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	FRESH();
	CU_ASSERT_PTR_NULL(pc_manifest_load("/dev/zero"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is a character device"));
	loud();

	int fd = pc_input_open("manifest", reg);
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	close(s);
	unit_rmtree(dir);
	free(fifo);
	free(sock);
	free(reg);
	free(dir);
}

static char *write_tmp(const char *dir, const char *data, size_t len)
{
	char *p = xasprintf("%s/f", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, data, len, 0), 0);
	return p;
}

/* Lines come back without their newline, a last unterminated one too. */
static void test_lines(void)
{
	char *dir = unit_tmpdir();
	char *p = write_tmp(dir, "ab\n\ncd", 6);
	struct pc_lines r;
	char *line;
	size_t len;
	CU_ASSERT_EQUAL_FATAL(pc_lines_open(&r, "file", p, 4), 0);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	CU_ASSERT_STRING_EQUAL(line, "ab");
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	CU_ASSERT_STRING_EQUAL(line, "cd");
	CU_ASSERT_EQUAL(r.lineno, 3);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 0);
	pc_lines_close(&r);
	unit_rmtree(dir);
	free(p);
	free(dir);
}

/* A line over the limit and a NUL byte: FILE:LINE errors, class INPUT; a
 * line exactly at the limit passes. */
static void test_line_limits(void)
{
	char *dir = unit_tmpdir();
	struct pc_lines r;
	char *line;
	size_t len;

	char *p = write_tmp(dir, "1234\n12345\n", 11);
	CU_ASSERT_EQUAL_FATAL(pc_lines_open(&r, "file", p, 4), 0);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	quiet();
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	char *want = xasprintf("%s:2: line longer than 4 bytes", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	free(want);
	loud();
	pc_lines_close(&r);
	free(p);

	p = write_tmp(dir, "ok\nfs = ext4\0xfs\n", 17);
	CU_ASSERT_EQUAL_FATAL(pc_lines_open(&r, "file", p, 100), 0);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	quiet();
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), -1);
	want = xasprintf("%s:2: NUL byte in line", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	free(want);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	loud();
	pc_lines_close(&r);
	free(p);

	/* A line longer than the read buffer, within the limit. */
	size_t big = 200000;
	char *data = xmalloc(big + 1);
	memset(data, 'a', big);
	data[big] = '\n';
	p = write_tmp(dir, data, big + 1);
	CU_ASSERT_EQUAL_FATAL(pc_lines_open(&r, "file", p, big), 0);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 1);
	CU_ASSERT_EQUAL(len, big);
	CU_ASSERT_EQUAL(pc_lines_next(&r, &line, &len), 0);
	pc_lines_close(&r);
	free(data);
	free(p);
	unit_rmtree(dir);
	free(dir);
}

static void test_read_small(void)
{
	char *dir = unit_tmpdir();
	char *p = write_tmp(dir, "abc\n", 4);
	size_t len;
	char *s = pc_input_read_small("file", p, 4, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_STRING_EQUAL(s, "abc\n");
	free(s);
	quiet();
	CU_ASSERT_PTR_NULL(pc_input_read_small("file", p, 3, &len));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "larger than powercut's limit of 3 bytes"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(pc_input_read_small("file", "/dev/zero", 100, &len));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	loud();
	free(p);
	p = write_tmp(dir, "a\nb\0c", 5);
	quiet();
	CU_ASSERT_PTR_NULL(pc_input_read_small("file", p, 100, &len));
	char *want = xasprintf("%s:2: NUL byte in line", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	free(want);
	loud();
	free(p);
	unit_rmtree(dir);
	free(dir);
}

/* A [section] header as inih and fio read it. */
static void test_section_name(void)
{
	size_t len = 99;
	const char *n = pc_ini_section_name("[global]", &len);
	CU_ASSERT(n && len == 6 && !strncmp(n, "global", len));
	n = pc_ini_section_name(" \t[a b]] ; x", &len); /* up to the first ']' */
	CU_ASSERT(n && len == 3 && !strncmp(n, "a b", len));
	n = pc_ini_section_name("[]", &len);
	CU_ASSERT(n && len == 0);
	CU_ASSERT_PTR_NULL(pc_ini_section_name("[open", &len));
	CU_ASSERT_PTR_NULL(pc_ini_section_name("key = [v]", &len));
	CU_ASSERT_PTR_NULL(pc_ini_section_name("", &len));
}

void register_input_tests(void)
{
	CU_pSuite s = CU_add_suite("input", NULL, NULL);
	CU_add_test(s, "regular files only", test_regular_only);
	CU_add_test(s, "lines without their newline", test_lines);
	CU_add_test(s, "line length and NUL limits", test_line_limits);
	CU_add_test(s, "small files read whole", test_read_small);
	CU_add_test(s, "ini section headers", test_section_name);
}
