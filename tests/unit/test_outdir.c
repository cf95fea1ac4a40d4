/* test_outdir.c - the results folder of a run (outdir.h). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/outdir.h"
#include "unit.h"
#include "util/util.h"

/* A folder that holds another run's results is refused (exit 2), and what
 * it holds is left as it was; a new or empty folder is taken. */
static void test_refuses_finished_run(void)
{
	char *dir = unit_tmpdir();
	struct pc_outdir od;
	char *fresh = xasprintf("%s/new/sub", dir);
	CU_ASSERT_EQUAL(pc_outdir_lock(fresh, &od), 0);
	pc_outdir_unlock(&od);
	CU_ASSERT_EQUAL(pc_outdir_lock(fresh, &od), 0); /* empty still: taken again */
	pc_outdir_unlock(&od);
	static const char *const outputs[] = { "results.json", "junit.xml", "summary.md", "cases" };
	pc_messages_quiet = 1;
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		char *run = xasprintf("%s/run%zu", dir, i);
		char *file = xasprintf("%s/%s", run, outputs[i]);
		CU_ASSERT_EQUAL(pc_mkdir_p(run, 0755), 0);
		int made = !strcmp(outputs[i], "cases") ? mkdir(file, 0755)
							: pc_write_file(file, "old", 3, 0);
		CU_ASSERT_EQUAL(made, 0);
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_outdir_lock(run, &od), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_EQUAL(od.lock_fd, -1);
		struct stat st;
		char *lock = xasprintf("%s/%s", run, PC_OUTDIR_LOCK);
		CU_ASSERT(lstat(lock, &st) < 0); /* no lock left behind */
		CU_ASSERT(lstat(file, &st) == 0);
		free(lock);
		free(file);
		free(run);
	}
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_outdir_lock("", &od), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	free(fresh);
	unit_rmtree(dir);
	free(dir);
}

void register_outdir_tests(void)
{
	CU_pSuite s = CU_add_suite("outdir", NULL, NULL);
	CU_add_test(s, "a folder holding a run's results is refused", test_refuses_finished_run);
}
