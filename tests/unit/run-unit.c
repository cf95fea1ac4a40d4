/* run-unit.c - CUnit driver.  Suites register themselves through the
 * functions below; CU_basic_run_tests returns success even when tests fail
 * (CUnit 2.1-3), so the exit status comes from CU_get_number_of_failures. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/util.h"

/* Each test file provides one of these.  Not weak: a suite listed here
 * whose file is missing is a link error, never a suite silently dropped. */
#define SUITES(X) \
	X(util) X(manifest) X(unpack) X(verify) X(durability) X(commit) \
	X(iostat) X(scenario) X(report) X(fs) X(backend) X(state) X(dm) \
	X(overlay) X(image) X(image_classify) X(acl) X(fcaps) X(crashpoints) X(input) \
	X(fio) \
	X(escape) X(isolate) X(logwrites) X(fuselog) X(dirlist) X(size) \
	X(nightly) \
	X(verdict) \
	X(compare) \
	X(report_html) \
	X(mtree) \
	X(cmd) \
	X(results_reader) X(digest) X(strbuf) X(taropen) X(hasher) \
	X(workload) X(gunzip) X(outdir) X(snapshots) X(synclog) X(mountcheck)
#define DECLARE(name) void register_##name##_tests(void);
SUITES(DECLARE)

char *unit_tmpdir(void)
{
	char *t = xstrdup("/tmp/pc-unit.XXXXXX");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		exit(2);
	}
	return t;
}

/* Best effort, as the harness's own (any depth, no symlink followed, no
 * mount entered). */
void unit_rmtree(const char *dir)
{
	pc_rmtree_policy(dir, PC_RM_WARN);
}

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
#define CALL(name) register_##name##_tests();
	SUITES(CALL)
	CU_basic_set_mode(argc > 1 && !strcmp(argv[1], "-v") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	/* PC_UNIT_SUITE=NAME runs that suite alone (under valgrind, say). */
	const char *only = getenv("PC_UNIT_SUITE");
	if (only && *only) {
		CU_pSuite suite = CU_get_suite(only);
		if (!suite) {
			fprintf(stderr, "run-unit: no suite '%s'\n", only);
			CU_cleanup_registry();
			return 2;
		}
		const char *t = getenv("PC_UNIT_TEST");
		CU_pTest test = t && *t ? CU_get_test(suite, t) : NULL;
		if (t && *t && !test) {
			fprintf(stderr, "run-unit: no test '%s' in suite '%s'\n", t, only);
			CU_cleanup_registry();
			return 2;
		}
		if (test)
			CU_basic_run_test(suite, test);
		else
			CU_basic_run_suite(suite);
	} else
		CU_basic_run_tests();
	unsigned failures = CU_get_number_of_failures();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "run-unit: no tests ran\n");
		return 1;
	}
	return failures ? 1 : 0;
}
