/* test_util.c - the error class to exit code mapping every command uses. */
#include <CUnit/CUnit.h>

#include "unit.h"
#include "util.h"

static void test_exit_for_error(void)
{
	static const enum pc_exit run_errors[] = { PC_EXIT_FAIL, PC_EXIT_USAGE };
	for (size_t i = 0; i < 2; i++) {
		enum pc_exit run = run_errors[i];
		pc_last_errclass = PC_ERR_ENV;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), PC_EXIT_ENV);
		pc_last_errclass = PC_ERR_INPUT;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), PC_EXIT_USAGE);
		pc_last_errclass = PC_ERR_RUN;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), run);
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), run);
	}
	/* The class comes from the last pc_fail. */
	pc_messages_quiet = 1;
	pc_fail(PC_ERR_ENV, "test");
	CU_ASSERT_EQUAL(pc_exit_for_error(PC_EXIT_FAIL), PC_EXIT_ENV);
	pc_fail(PC_ERR_RUN, "test");
	CU_ASSERT_EQUAL(pc_exit_for_error(PC_EXIT_FAIL), PC_EXIT_FAIL);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
}

void register_util_tests(void)
{
	CU_pSuite s = CU_add_suite("util", NULL, NULL);
	CU_add_test(s, "error class to exit code", test_exit_for_error);
}
