/* junit.h - junit.xml as Jenkins, GitLab and Maven surefire read it.
 *
 * One <testsuite> per scenario group, with xfstests-style <properties>:
 * kernel, scenario, fs, mkfs_opts, mount_opts, backend, cut, write_cache,
 * hostname, cpus, memory (values a group's cases differ in are listed,
 * space-separated).  One <testcase> per case: classname the group, name
 * the case id, time the last attempt's.  By outcome (outcome.h):
 *
 *   fail             <failure> with the reason, the first findings and the
 *                    first kernel-log error
 *   error            <error>, the same text
 *   known            <skipped type="known"> naming the entry and its reason
 *                    (JUnit has no xfail; pytest writes xfail the same way)
 *   flaky            passed, with a <flakyFailure> per failed attempt
 *                    (surefire's rerun format)
 *   fail, retried    <failure> for the last attempt and a <rerunFailure>
 *                    for each earlier one
 *   unexpected pass  passed; <system-out> says which entry expected a failure
 *
 * <system-out> holds the case's row of the results table (and fsck's
 * output when it found errors).  tests/junit.xsd describes the format;
 * the integration tests validate against it with xmllint. */
#ifndef PC_JUNIT_H
#define PC_JUNIT_H

#include "run/result.h"

/* DIR/junit.xml (through a temporary file and rename). */
int pc_junit_write(const struct pc_run_report *r, const char *dir);

#endif
