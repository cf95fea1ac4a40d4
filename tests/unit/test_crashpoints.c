/* test_crashpoints.c - which flushes the crash points check.  (The replay
 * itself is tested end to end by test-crash-points.sh: its last point must
 * rebuild the committed, intact image.) */
#include <stdint.h>

#include "crashpoints.h"
#include "unit.h"

static void test_pick(void)
{
	uint64_t v[16];
	/* 4 points over flushes 11..30: evenly spread, ending on the last. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(10, 30, 4, v), 4);
	CU_ASSERT(v[0] == 15 && v[1] == 20 && v[2] == 25 && v[3] == 30);
	/* More points than flushes: each flush once. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(7, 10, 8, v), 3);
	CU_ASSERT(v[0] == 8 && v[1] == 9 && v[2] == 10);
	/* One point: the last flush. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(0, 8699, 1, v), 1);
	CU_ASSERT_EQUAL(v[0], 8699);
	/* No flush after the workload began (nobarrier): nothing to check. */
	CU_ASSERT_EQUAL(pc_crash_points_pick(5, 5, 4, v), 0);
	CU_ASSERT_EQUAL(pc_crash_points_pick(0, 0, 4, v), 0);
	/* Uneven: strictly ascending, within range. */
	size_t n = pc_crash_points_pick(3, 20, 7, v);
	CU_ASSERT_EQUAL(n, 7);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(v[i] > 3 && v[i] <= 20 && (i == 0 || v[i] > v[i - 1]));
	CU_ASSERT_EQUAL(v[n - 1], 20);
}

void register_crashpoints_tests(void)
{
	CU_pSuite s = CU_add_suite("crashpoints", NULL, NULL);
	CU_add_test(s, "pick: spread, distinct, ending on the last flush", test_pick);
}
