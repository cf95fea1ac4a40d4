/* outcome.h - what a run makes of a case's verdict: known failures,
 * retries and flaky cases, and the kernel log (issue "nightly runs").
 *
 * The verdict (pass, fail, error) is what one attempt found.  The outcome
 * is what the run reports and what its exit status follows:
 *
 *   pass             the (last) attempt passed, nothing failed before
 *   fail, error      every attempt failed (the last one's verdict)
 *   flaky            some attempts failed, then one passed (rate F/N)
 *   known            failed (verdict fail: an error stays an error), and a
 *                    known-failures entry matches: exit 0
 *   unexpected pass  a known-failures entry matches but it passed:
 *                    reported, exit 0 (as pytest's non-strict XPASS;
 *                    compare lists it, so stale entries get noticed)
 *
 * flaky fails the run (exit 1) unless --flaky-ok. */
#ifndef PC_OUTCOME_H
#define PC_OUTCOME_H

#include <stddef.h>

enum pc_outcome {
	PC_OUT_PASS, PC_OUT_FAIL, PC_OUT_ERROR, PC_OUT_FLAKY, PC_OUT_KNOWN, PC_OUT_XPASS,
	PC_OUT_N
};

/* "pass", "fail", "error", "flaky", "known", "unexpected pass". */
const char *pc_outcome_name(enum pc_outcome o);
/* The outcome named S, or -1. */
int pc_outcome_lookup(const char *s);
/* Does O fail a run (exit 1)? */
int pc_outcome_fails(enum pc_outcome o, int flaky_ok);

/* The outcome of a case from its attempts' verdicts in order (0 pass,
 * 1 fail, 2 error, as enum pc_verdict) and whether a known-failures entry
 * matched. */
enum pc_outcome pc_outcome_of(const int *verdicts, size_t n, int known);

/* What kind of error a case that erred met (results.json "error_class",
 * with "error_exit": the run's exit status that kind maps to, as the
 * exit status table documents it).  Readers act on it: compare does not
 * call an environment error in NEW a regression of the filesystem (nor a
 * pass), report and qualify say it.  Results of a powercut older than the
 * field (2026-12-03) do not record it: unknown. */
enum pc_error_kind {
	PC_EK_UNKNOWN,      /* not recorded (an older powercut's results) */
	PC_EK_CASE,         /* the case's own (mkfs failed, a tool killed, EIO of its own): 1 */
	PC_EK_INPUT,        /* usage or input (mount options not applied, mkfs_opts refused): 2 */
	PC_EK_ENV,          /* environment: the host failed the device, a tool
			     * timed out or is missing, a kernel feature, no room: 3 */
	PC_EK_INTERRUPTED,  /* the run was stopped by signal N: 128+N */
	PC_EK_N
};

/* "unknown", "case", "input", "environment", "interrupted". */
const char *pc_error_kind_name(enum pc_error_kind k);
/* What kind K means to a reader of junit.xml: "the host failed the
 * case, not the filesystem: not checked, ..." for environment. */
const char *pc_error_kind_meaning(enum pc_error_kind k);
/* The kind named S (not "unknown"), or -1. */
int pc_error_kind_lookup(const char *s);
/* The kind a run's exit status EXIT stands for (1, 2, 3, 129..255), or
 * -1 when it is none (0, a pass, among them). */
int pc_error_kind_of_exit(long long exit);

#endif
