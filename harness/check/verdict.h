/* verdict.h - every rule that turns what a case produced into its verdict
 * (README.md, Verdicts; powercut.1, OUTPUT).  Nothing here prints or
 * touches a device: the rules read a pc_case_result and write its verdict
 * and reason, so each is unit-tested on its own (tests/unit/test_verdict.c).
 */
#ifndef PC_VERDICT_H
#define PC_VERDICT_H

#include <stddef.h>

#include "run/result.h"

/* Set r->verdict and r->reason from the rest of R.  A case that could not
 * complete (verdict ERROR on entry) keeps its verdict and reason.  In order,
 * the first rule that applies decides:
 *   fsck could not run                    -> error (a check that did not
 *                                            run never passes)
 *   fsck found errors                     -> fail
 *   a commit record did not survive       -> fail (every layer's, for
 *                                            layout = snapshots; not for a
 *                                            mid-run fio cut, which has none:
 *                                            fio's saved state is the promise)
 *   fio: a block fio saw written is bad   -> fail when expect intact
 *   fio: every such block is good         -> fail when expect loss
 *   snapshots: the merged view unverified -> fail
 *   expect intact: an entry lost or extra -> fail
 *   expect loss: no entry lost            -> fail (the cut did not bite)
 *   a crash point is bad                  -> fail (pc_verdict_crash_point;
 *                                            the reason names the first)
 *   otherwise                             -> pass (expect any: either way) */
void pc_verdict_judge(struct pc_case_result *r);

/* The kernel log's verdict on an attempt (run by attempts.c once the log is
 * read; LOG_RC < 0: it could not be saved):
 *   the device found no room in its backing store (kmsg.c), whatever the
 *   verdict: the loss, failure or error was the host's -> error
 *   the device died under the case (its fuse server killed: device_failed)
 *   or failed a request the cut did not fail (kmsg.c, hostio), whatever
 *   the verdict                           -> error naming it
 * and on an attempt that otherwise passed:
 *   the log was not checked               -> error
 *   a line that fails the case (kmsg.c)   -> fail, the line as reason */
void pc_verdict_kernel(struct pc_case_result *r, int log_rc);
/* Whether the host failed R's device (the three error rules above): the
 * attempt's class is then environment (exit 3). */
int pc_verdict_host_failed(const struct pc_case_result *r);

/* Why crash point PT is bad (into BUF), or NULL if it is fine: it must
 * mount, fsck must have run and be clean, it must hold the commit record
 * once the record's fsync had returned, once the durability mode MODE had
 * returned and promised the tree (pt->mode_promised) it must lose nothing,
 * commit record or not, and once committed it must lose nothing when
 * EXPECT_INTACT. */
const char *pc_verdict_crash_point(const struct pc_crash_point *pt, int expect_intact,
				   const char *mode, char *buf, size_t len);

/* Every kind of failure (failure.h, a set of PC_FAILURE_BIT) crash point
 * PT shows, by the rules of pc_verdict_crash_point, all of them rather
 * than the first: 0 when it is fine.  Its subsets' are in
 * pt->subset_failures. */
unsigned pc_verdict_point_failures(const struct pc_crash_point *pt, int expect_intact);

/* Every kind of failure R shows (a set of PC_FAILURE_BIT), after
 * pc_verdict_judge and pc_verdict_kernel: the verdict's reason names the
 * first, this names them all (fsck errors and a loss; a loss and a
 * kernel warning), so that a known-failures entry covers only the kinds it
 * names.  0 unless R's verdict is fail; PC_FAILURE_UNKNOWN for a fail no
 * rule here explains. */
unsigned pc_verdict_failures(const struct pc_case_result *r);

#endif
