/* test_crashpoints.c - which flushes the crash points check; imgsync.  (The replay
 * itself is tested end to end by test-crash-points.sh: its last point must
 * rebuild the committed, intact image.) */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/crashpoints.h"
#include "device/imgsync.h"
#include "unit.h"
#include "util/util.h"

static void test_pick(void)
{
	uint64_t v[16];
	/* 4 points over flushes 11..30: evenly spread, ending on the last. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 0, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* More points than flushes: each flush once. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(7, 10, 8, 0, v), 3);
	CU_ASSERT(v[0] == 8 && v[1] == 9 && v[2] == 10);
	/* One point: the last flush. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(0, 8699, 1, 0, v), 1);
	CU_ASSERT_EQUAL(v[0], 8699);
	/* No flush after the workload began (nobarrier): nothing to check. */
	CU_ASSERT_EQUAL(pc_crash_points_pick(5, 5, 4, 0, v), 0);
	CU_ASSERT_EQUAL(pc_crash_points_pick(0, 0, 4, 0, v), 0);
	/* Uneven: strictly ascending, within range. */
	size_t n = pc_crash_points_pick(3, 20, 7, 0, v);
	CU_ASSERT_EQUAL(n, 7);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(v[i] > 3 && v[i] <= 20 && (i == 0 || v[i] > v[i - 1]));
	CU_ASSERT_EQUAL(v[n - 1], 20);
}

/* The flush the commit returned after is always checked (N > 1): it takes
 * the place of the pick nearest to it; the last flush stays. */
static void test_pick_commit_flush(void)
{
	uint64_t v[16];
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 27, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 27 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 11, v), 4);
	CU_ASSERT(v[0] == 11 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* Past the nearest pick but before the last flush. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 29, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 29 && v[3] == 30);
	/* Already a pick, the last flush, or outside the workload: unchanged. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 20, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 30, v), 4);
	CU_ASSERT(v[0] == 15 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, 10, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* One point: the last flush. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 1, 27, v), 1);
	CU_ASSERT_EQUAL(v[0], 30);
	/* Every commit flush over a range: ascending, distinct, present. */
	for (uint64_t c = 4; c < 40; c++) {
		size_t n = pc_crash_points_pick(3, 40, 5, c, v), seen = 0;
		CU_ASSERT_EQUAL(n, 5);
		for (size_t i = 0; i < n; i++) {
			CU_ASSERT(i == 0 || v[i] > v[i - 1]);
			seen += v[i] == c;
		}
		CU_ASSERT_EQUAL(seen, 1);
		CU_ASSERT_EQUAL(v[n - 1], 40);
	}
}

/* Write LEN bytes of VALUE at OFF. */
static void put(int fd, off_t off, size_t len, int value)
{
	char *b = xmalloc(len);
	memset(b, value, len);
	CU_ASSERT_EQUAL_FATAL(pc_pwrite_all(fd, b, len, off), 0);
	free(b);
}

static int same_content(int a, int b, uint64_t size)
{
	static char x[65536], y[65536];
	for (uint64_t off = 0; off < size; off += sizeof(x))
		if (pread(a, x, sizeof(x), (off_t)off) != (ssize_t)sizeof(x) ||
		    pread(b, y, sizeof(y), (off_t)off) != (ssize_t)sizeof(y) ||
		    memcmp(x, y, sizeof(x)))
			return 0;
	return 1;
}

/* The copy of a crash point is brought back to the replay image by writing
 * only what differs: data only in the source, data only in the copy (must
 * read as zeros again), a changed block inside a shared range, across the
 * 1 MiB read chunks. */
/* A point that does not mount is a finding only when the filesystem
 * refused what it found; the machine's failures make the case an error. */
static void test_mount_failure_kinds(void)
{
	CU_ASSERT_FALSE(pc_crash_mount_failed_on_machine(PC_ERR_RUN, EUCLEAN));
	CU_ASSERT_FALSE(pc_crash_mount_failed_on_machine(PC_ERR_RUN, EIO));
	CU_ASSERT_FALSE(pc_crash_mount_failed_on_machine(PC_ERR_INPUT, EINVAL));
	CU_ASSERT(pc_crash_mount_failed_on_machine(PC_ERR_RUN, ENOMEM));
	CU_ASSERT(pc_crash_mount_failed_on_machine(PC_ERR_RUN, EBUSY));
	CU_ASSERT(pc_crash_mount_failed_on_machine(PC_ERR_RUN, ENODEV));
	CU_ASSERT(pc_crash_mount_failed_on_machine(PC_ERR_ENV, EPERM));
}

static void test_imgsync(void)
{
	char *dir = unit_tmpdir();
	char *sp = xasprintf("%s/src", dir), *dp = xasprintf("%s/dst", dir);
	const uint64_t size = 8u << 20;
	int src = open(sp, O_RDWR | O_CREAT, 0600), dst = open(dp, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(src >= 0 && dst >= 0);
	CU_ASSERT_EQUAL_FATAL(ftruncate(src, (off_t)size) | ftruncate(dst, (off_t)size), 0);
	put(src, 0, 8192, 'a');
	put(src, 3 << 20, (5u << 20) / 2, 'b');
	put(dst, 3 << 20, (5u << 20) / 2, 'b');
	put(dst, (3 << 20) + 1234567, 10, 'x');    /* changed inside shared data */
	put(dst, 1 << 20, 4096, 'y');              /* data only in the copy */
	put(dst, (int64_t)size - 4096, 4096, 'z'); /* ... at the very end */
	CU_ASSERT_FALSE(same_content(src, dst, size));
	struct pc_imgsync_stats st;
	CU_ASSERT_EQUAL(pc_imgsync(src, sp, dst, dp, size, &st), 0);
	CU_ASSERT_TRUE(same_content(src, dst, size));
	/* 8 KiB of 'a', one 4 KiB block around the change, the two stray blocks */
	CU_ASSERT_EQUAL(st.written, 8192 + 4096 + 4096 + 4096);
	CU_ASSERT_EQUAL(pc_imgsync(src, sp, dst, dp, size, &st), 0);
	CU_ASSERT_EQUAL(st.written, 0);
	close(src);
	close(dst);
	free(sp);
	free(dp);
	unit_rmtree(dir);
	free(dir);
}

void register_crashpoints_tests(void)
{
	CU_pSuite s = CU_add_suite("crashpoints", NULL, NULL);
	CU_add_test(s, "pick: spread, distinct, ending on the last flush", test_pick);
	CU_add_test(s, "pick: the commit's flush is always a point", test_pick_commit_flush);
	CU_add_test(s, "a point's mount failure: the filesystem's or the machine's",
		    test_mount_failure_kinds);
	CU_add_test(s, "imgsync: the copy reads as the source, only differing blocks written",
		    test_imgsync);
}
