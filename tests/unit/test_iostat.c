/* test_iostat.c - parsing the block stat file; real counters move. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "device/iostat.h"
#include "unit.h"
#include "util/util.h"

static void test_parse_17(void)
{
	/* a loop device line from kernel 6.x, fields 1..17 */
	const char *t = "   32613     6742  2525578    29321    10959    12189  2019600"
			"     6304        0    14588    36339     5327       39   159912"
			"      578     1826      135\n";
	struct pc_iostat st;
	CU_ASSERT_EQUAL_FATAL(pc_iostat_parse(t, &st), 0);
	CU_ASSERT_EQUAL(st.rios, 32613);
	CU_ASSERT_EQUAL(st.rbytes, 2525578ULL * 512);
	CU_ASSERT_EQUAL(st.wios, 10959);
	CU_ASSERT_EQUAL(st.wbytes, 2019600ULL * 512);
	CU_ASSERT_EQUAL(st.flushes, 1826);
}

static void test_parse_11(void)
{
	const char *t = "1 2 3 4 5 6 7 8 9 10 11\n";
	struct pc_iostat st;
	memset(&st, 0xff, sizeof(st));
	CU_ASSERT_EQUAL_FATAL(pc_iostat_parse(t, &st), 0);
	CU_ASSERT_EQUAL(st.rios, 1);
	CU_ASSERT_EQUAL(st.rbytes, 3 * 512);
	CU_ASSERT_EQUAL(st.wios, 5);
	CU_ASSERT_EQUAL(st.wbytes, 7 * 512);
	CU_ASSERT_EQUAL(st.flushes, 0);
	/* 15 fields (discards, no flushes) */
	CU_ASSERT_EQUAL(pc_iostat_parse("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", &st), 0);
	CU_ASSERT_EQUAL(st.flushes, 0);
}

static void test_parse_bad(void)
{
	struct pc_iostat st;
	CU_ASSERT_EQUAL(pc_iostat_parse("1 2 3 4 5 6 7 8 9 10\n", &st), -1);
	CU_ASSERT_EQUAL(pc_iostat_parse("", &st), -1);
	CU_ASSERT_EQUAL(pc_iostat_parse("1 2 3 x 5 6 7 8 9 10 11\n", &st), -1);
	CU_ASSERT_EQUAL(pc_iostat_parse("1 2 3 -4 5 6 7 8 9 10 11\n", &st), -1);
	CU_ASSERT_EQUAL(pc_iostat_parse("1 2 3 4k 5 6 7 8 9 10 11\n", &st), -1);
}

static void test_sub(void)
{
	struct pc_iostat a = { 10, 4096, 20, 8192, 3 }, b = { 4, 1024, 5, 512, 1 }, d;
	pc_iostat_sub(&a, &b, &d);
	CU_ASSERT_EQUAL(d.rios, 6);
	CU_ASSERT_EQUAL(d.rbytes, 3072);
	CU_ASSERT_EQUAL(d.wios, 15);
	CU_ASSERT_EQUAL(d.wbytes, 7680);
	CU_ASSERT_EQUAL(d.flushes, 2);
	pc_iostat_sub(&b, &a, &d); /* counters reset: clamp, never wrap */
	CU_ASSERT_EQUAL(d.wios, 0);
	CU_ASSERT_EQUAL(d.wbytes, 0);
}

static void test_missing_device(void)
{
	struct pc_iostat st;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_iostat_read(makedev(4095, 1048575), &st), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
}

/* Write and fsync 64 KiB in a temporary folder: the counters of the device
 * holding it must show at least that much written. */
static void test_real_device(void)
{
	char *dir = unit_tmpdir();
	struct stat sb;
	CU_ASSERT_FATAL(stat(dir, &sb) == 0);
	char *sys = xasprintf("/sys/dev/block/%u:%u/stat", major(sb.st_dev), minor(sb.st_dev));
	int on_block = access(sys, R_OK) == 0;
	free(sys);
	if (!on_block) {
		/* tmpfs, overlay...: check only that a real device reads */
		fprintf(stderr, "(iostat: %s is not on a block device; reading 7:0) ", dir);
		struct pc_iostat st;
		CU_ASSERT_EQUAL(pc_iostat_read(makedev(7, 0), &st), 0);
		CU_ASSERT(st.rbytes >= st.rios);
		unit_rmtree(dir);
		free(dir);
		return;
	}
	struct pc_iostat before, after, d;
	CU_ASSERT_EQUAL_FATAL(pc_iostat_read(sb.st_dev, &before), 0);
	char *file = xasprintf("%s/data", dir);
	char *buf = xmalloc(65536);
	for (size_t i = 0; i < 65536; i++)
		buf[i] = (char)(i * 7 + 1);
	CU_ASSERT_EQUAL(pc_write_file(file, buf, 65536, 1), 0);
	CU_ASSERT_EQUAL_FATAL(pc_iostat_read(sb.st_dev, &after), 0);
	pc_iostat_sub(&after, &before, &d);
	CU_ASSERT(d.wios >= 1);
	CU_ASSERT(d.wbytes >= 65536);
	CU_ASSERT(after.wbytes >= after.wios * 512); /* an I/O is at least a sector */
	CU_ASSERT(after.rbytes >= after.rios * 512);
	free(buf);
	free(file);
	unit_rmtree(dir);
	free(dir);
}

void register_iostat_tests(void)
{
	CU_pSuite s = CU_add_suite("iostat", NULL, NULL);
	CU_add_test(s, "parse 17 fields", test_parse_17);
	CU_add_test(s, "parse 11 and 15 fields", test_parse_11);
	CU_add_test(s, "reject malformed", test_parse_bad);
	CU_add_test(s, "subtract", test_sub);
	CU_add_test(s, "missing device names the path", test_missing_device);
	CU_add_test(s, "real device counters move", test_real_device);
}
