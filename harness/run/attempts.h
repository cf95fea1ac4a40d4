/* attempts.h - one case run as the nightly user wants it: the kernel log
 * watched around each attempt (kmsg.h), a failing case run again up to
 * `retries` times (every attempt kept in cases/CASE/try-K/), and the
 * outcome decided with the known-failures lists (outcome.h, known.h). */
#ifndef PC_ATTEMPTS_H
#define PC_ATTEMPTS_H

#include "run/result.h"
#include "run/runner.h"

/* One attempt: the runner's crash cycle into r->case_dir. */
typedef enum pc_errclass (*pc_attempt_fn)(const struct pc_case *c, const struct pc_run_opts *o,
					  const char *runwork, unsigned index,
					  struct pc_case_result *r);

/* Run C through FN (r->case_dir already set to cases/CASE) until it passes
 * or its retries are spent; fill r->outcome, r->attempts, r->km.  KERNEL is
 * the release known-failure conditions are checked against.  Returns the
 * worst error class of the attempts. */
enum pc_errclass pc_attempts_run(pc_attempt_fn fn, const struct pc_case *c,
				 const struct pc_run_opts *o, const char *runwork,
				 unsigned index, struct pc_case_result *r, const char *kernel);

/* Most retries a case may have (scenario key retries, run --retries). */
#define PC_MAX_RETRIES 100
/* "N" (0..PC_MAX_RETRIES, digits only) -> *out; -1 (class INPUT) if not. */
int pc_parse_retries(const char *s, int *out);

/* Test-only fault hooks (never set them in real runs; documented in
 * docs/design.md):
 *   POWERCUT_TEST_FAIL_ATTEMPTS=CASE:N  the first N attempts of case CASE
 *       fail (verdict fail, reason names the hook), to test retries;
 *   POWERCUT_TEST_KMSG=CASE:TEXT  TEXT is written to /dev/kmsg in each
 *       attempt of case CASE, while it holds its device (just before the
 *       device is destroyed), "{dev}" replaced by the device's
 *       name, to test the kernel-log rule;
 *   POWERCUT_TEST_WIPE_AFTER_CUT=CASE:N  the first N bytes of case CASE's
 *       device are zeroed after the cut, before the remount (a filesystem
 *       that does not mount after the cut);
 *   POWERCUT_TEST_MODE_LATE=CASE:1  case CASE's durability mode claims
 *       success before it does its work: its return is noted (the crash
 *       points' mode mark) first, then it runs, so that its promise rests
 *       on flushes made after it returned, as if only the commit's fsync
 *       had made the tree durable (layout.c). */
#define PC_TEST_FAIL_ATTEMPTS_ENV "POWERCUT_TEST_FAIL_ATTEMPTS"
#define PC_TEST_KMSG_ENV "POWERCUT_TEST_KMSG"
#define PC_TEST_WIPE_ENV "POWERCUT_TEST_WIPE_AFTER_CUT"
#define PC_TEST_MODE_LATE_ENV "POWERCUT_TEST_MODE_LATE"
/*   POWERCUT_TEST_FSYNC_EARLY=CASE:PATH  with crash points on the fuse
 *       device, case CASE's per-file mode notes the sync of the regular
 *       file PATH (relative to the image root; "*": the first its walk
 *       reaches with content and one name) as returned when its walk reaches it, without making it:
 *       the file's content is taken away then (unsynced), written back
 *       and synced after the walk, before the mode returns: a promise only
 *       a state inside the sync pass can find broken (layout.c,
 *       synclog.h). */
#define PC_TEST_FSYNC_EARLY_ENV "POWERCUT_TEST_FSYNC_EARLY"

/* The value of test hook NAME for case ID ("ID:VALUE"), or NULL. */
const char *pc_test_hook(const char *name, const char *id);

#endif
