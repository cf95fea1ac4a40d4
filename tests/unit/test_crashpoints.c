/* test_crashpoints.c - which flushes the crash points check; imgsync.  (The replay
 * itself is tested end to end by test-crash-points.sh: its last point must
 * rebuild the committed, intact image.) */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "device/crashpoints.h"
#include "device/imgsync.h"
#include "unit.h"
#include "util/util.h"

static void test_pick(void)
{
	uint64_t v[16];
	/* 4 points over flushes 11..30: evenly spread, ending on the last. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, NULL, 0, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* More points than flushes: each flush once. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(7, 10, 8, NULL, 0, v), 3);
	CU_ASSERT(v[0] == 8 && v[1] == 9 && v[2] == 10);
	/* One point: the last flush. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(0, 8699, 1, NULL, 0, v), 1);
	CU_ASSERT_EQUAL(v[0], 8699);
	/* No flush after the workload began (nobarrier): nothing to check. */
	CU_ASSERT_EQUAL(pc_crash_points_pick(5, 5, 4, NULL, 0, v), 0);
	CU_ASSERT_EQUAL(pc_crash_points_pick(0, 0, 4, NULL, 0, v), 0);
	/* Uneven: strictly ascending, within range. */
	size_t n = pc_crash_points_pick(3, 20, 7, NULL, 0, v);
	CU_ASSERT_EQUAL(n, 7);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(v[i] > 3 && v[i] <= 20 && (i == 0 || v[i] > v[i - 1]));
	CU_ASSERT_EQUAL(v[n - 1], 20);
}

/* pc_crash_points_pick with one flush that must be a point. */
static size_t pick1(uint64_t first, uint64_t m, size_t n, uint64_t also, uint64_t *out)
{
	return pc_crash_points_pick(first, m, n, &also, 1, out);
}

/* The flush the commit returned after is always checked (N > 1): it takes
 * the place of the pick nearest to it; the last flush stays. */
static void test_pick_commit_flush(void)
{
	uint64_t v[16];
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 27, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 27 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 11, v), 4);
	CU_ASSERT(v[0] == 11 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* Past the nearest pick but before the last flush. */
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 29, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 29 && v[3] == 30);
	/* Already a pick, the last flush, or outside the workload: unchanged. */
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 20, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 30, v), 4);
	CU_ASSERT(v[0] == 15 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 4, 10, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* One point: the last flush. */
	CU_ASSERT_EQUAL_FATAL(pick1(10, 30, 1, 27, v), 1);
	CU_ASSERT_EQUAL(v[0], 30);
	/* Every commit flush over a range: ascending, distinct, present. */
	for (uint64_t c = 4; c < 40; c++) {
		size_t n = pick1(3, 40, 5, c, v), seen = 0;
		CU_ASSERT_EQUAL(n, 5);
		for (size_t i = 0; i < n; i++) {
			CU_ASSERT(i == 0 || v[i] > v[i - 1]);
			seen += v[i] == c;
		}
		CU_ASSERT_EQUAL(seen, 1);
		CU_ASSERT_EQUAL(v[n - 1], 40);
	}
}

/* Two marks, the mode's before the commit's, both points when N > 2:
 * the mode's flush first (with N = 2 it is the one kept besides the last),
 * neither ever taking the other's place, the picks ascending. */
static void test_pick_mode_and_commit(void)
{
	uint64_t v[16];
	uint64_t both[] = { 26, 28 };
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, both, 2, v), 4);
	/* 26 takes 25's place; 28's nearest free pick is then 20, and the
	 * picks stay ascending. */
	CU_ASSERT(v[0] == 15 && v[1] == 26 && v[2] == 28 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 3, both, 2, v), 3);
	CU_ASSERT(v[0] == 26 && v[1] == 28 && v[2] == 30);
	/* Two points: the last flush and the mode's. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 2, both, 2, v), 2);
	CU_ASSERT(v[0] == 26 && v[1] == 30);
	/* The commit's flush is the last one (the usual case): the mode's
	 * takes a place. */
	uint64_t at_end[] = { 27, 30 };
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 2, at_end, 2, v), 2);
	CU_ASSERT(v[0] == 27 && v[1] == 30);
	/* No promise to check (0) or a mode that returned before the
	 * workload's first flush: the commit's alone. */
	uint64_t none[] = { 0, 28 }, early[] = { 10, 28 };
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, none, 2, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 28 && v[3] == 30);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, early, 2, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 28 && v[3] == 30);
	/* Both the same flush: one point. */
	uint64_t same[] = { 22, 22 };
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, same, 2, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 22 && v[2] == 25 && v[3] == 30);
	/* Every pair over a range: ascending, distinct, both present when
	 * there are three picks or more, the mode's with two. */
	for (size_t n = 2; n <= 5; n++)
		for (uint64_t a = 4; a < 40; a++)
			for (uint64_t c = a; c < 40; c++) {
				uint64_t ac[] = { a, c };
				size_t k = pc_crash_points_pick(3, 40, n, ac, 2, v), sa = 0, sc = 0;
				CU_ASSERT_EQUAL(k, n);
				for (size_t i = 0; i < k; i++) {
					CU_ASSERT(i == 0 || v[i] > v[i - 1]);
					sa += v[i] == a;
					sc += v[i] == c;
				}
				CU_ASSERT_EQUAL(v[k - 1], 40);
				CU_ASSERT_EQUAL(sa, 1);
				if (n > 2 || a == c)
					CU_ASSERT_EQUAL(sc, 1);
			}
}

/* What a state must hold follows from the marks before it: a mark at
 * flush K covers the state at K and every later one; the mode's promise
 * only where the mode makes one (mode_promise). */
static void test_place_after_marks(void)
{
	struct pc_crash_target t = { .first_flush = 6, .mode = "syncfs", .mode_marked = 1,
				     .mode_flush = 12, .mode_promise = 1, .commit_marked = 1,
				     .commit_flush = 15 };
	struct pc_crash_point pt;
	pc_crash_point_place(&t, 11, &pt);
	CU_ASSERT(pt.flush == 11 && !pt.after_mode && !pt.mode_promised && !pt.after_commit);
	pc_crash_point_place(&t, 12, &pt);
	CU_ASSERT(pt.after_mode && pt.mode_promised && !pt.after_commit);
	pc_crash_point_place(&t, 14, &pt);
	CU_ASSERT(pt.after_mode && pt.mode_promised && !pt.after_commit);
	pc_crash_point_place(&t, 15, &pt);
	CU_ASSERT(pt.after_mode && pt.mode_promised && pt.after_commit);
	/* mode none (or expect not intact): after the mode, nothing promised. */
	t.mode_promise = 0;
	pc_crash_point_place(&t, 13, &pt);
	CU_ASSERT(pt.after_mode && !pt.mode_promised);
	/* No mark made (the workload cut before its mode ran): nothing. */
	t.mode_promise = 1;
	t.mode_marked = t.commit_marked = 0;
	pc_crash_point_place(&t, 20, &pt);
	CU_ASSERT(!pt.after_mode && !pt.mode_promised && !pt.after_commit);
	/* A mode that returned before the workload's first flush: every
	 * point of the workload is after it. */
	t.mode_marked = 1;
	t.mode_flush = 6;
	pc_crash_point_place(&t, 7, &pt);
	CU_ASSERT(pt.after_mode && pt.mode_promised);
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

/* The work folder's filesystem full while a crash point's copy is brought
 * up to date: the machine's error (ENV, exit 3) naming the file and errno,
 * not the case's (was RUN: the run exited 1, as for a filesystem that lost
 * data). */
static void test_imgsync_full(void)
{
	char *dir = unit_tmpdir();
	char *mnt = xasprintf("%s/full", dir);
	char *sp = xasprintf("%s/src", dir), *dp = xasprintf("%s/dst", mnt);
	CU_ASSERT_FATAL(pc_mkdir_p(mnt, 0700) == 0);
	CU_ASSERT_FATAL(mount("pc-unit", mnt, "tmpfs", 0, "size=64k") == 0);
	const uint64_t size = 4u << 20;
	int src = open(sp, O_RDWR | O_CREAT, 0600), dst = open(dp, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(src >= 0 && dst >= 0);
	CU_ASSERT_EQUAL_FATAL(ftruncate(src, (off_t)size) | ftruncate(dst, (off_t)size), 0);
	put(src, 0, 1u << 20, 'a');
	struct pc_imgsync_stats st;
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_imgsync(src, sp, dst, dp, size, &st), -1);
	pc_messages_quiet = 0;
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_ENV);
	CU_ASSERT_EQUAL(pc_last_fail_errno, ENOSPC);
	close(src);
	close(dst);
	CU_ASSERT(umount2(mnt, MNT_DETACH) == 0);
	free(sp);
	free(dp);
	free(mnt);
	unit_rmtree(dir);
	free(dir);
}

void register_crashpoints_tests(void)
{
	CU_pSuite s = CU_add_suite("crashpoints", NULL, NULL);
	CU_add_test(s, "pick: spread, distinct, ending on the last flush", test_pick);
	CU_add_test(s, "pick: the commit's flush is always a point", test_pick_commit_flush);
	CU_add_test(s, "pick: the mode's flush too, before the commit's", test_pick_mode_and_commit);
	CU_add_test(s, "a point follows the marks at or before its flush", test_place_after_marks);
	CU_add_test(s, "a point's mount failure: the filesystem's or the machine's",
		    test_mount_failure_kinds);
	CU_add_test(s, "imgsync: the copy reads as the source, only differing blocks written",
		    test_imgsync);
	CU_add_test(s, "imgsync: a full work folder is the machine's error", test_imgsync_full);
}
