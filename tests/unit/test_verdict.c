/* test_verdict.c - one test per verdict rule (README.md, Verdicts). */
#include <string.h>

#include "unit.h"
#include "check/failure.h"
#include "check/verdict.h"

static struct pc_case flat_case;
static struct pc_case_result r;

/* A flat case in MODE expecting EXPECT whose run went well: committed, fsck
 * clean, 100 entries checked, none lost, no crash points. */
static void fresh(enum pc_mode mode, enum pc_expect expect)
{
	memset(&flat_case, 0, sizeof(flat_case));
	flat_case.mode = mode;
	flat_case.expect = expect;
	flat_case.layout = PC_LAYOUT_FLAT;
	memset(&r, 0, sizeof(r));
	r.c = &flat_case;
	r.committed = 1;
	r.fsck = PC_FSCK_CLEAN;
	r.vr.checked = 100;
}

static void judged(enum pc_verdict want, const char *reason_part)
{
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(r.verdict, want);
	if (reason_part) {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, reason_part));
	} else {
		CU_ASSERT_STRING_EQUAL(r.reason, "");
	}
}

/* workload = fio, cut in the middle of the job: no commit record. */
static void fio_midrun(enum pc_expect expect, size_t lost)
{
	fresh(PC_MODE_NONE, expect);
	flat_case.workload = PC_WORKLOAD_FIO;
	r.committed = 0;
	r.fio.midrun = 1;
	r.vr.lost = lost;
}

static void test_fio_midrun_intact(void)
{
	fio_midrun(PC_EXPECT_INTACT, 0);
	judged(PC_VERDICT_PASS, NULL);
	fio_midrun(PC_EXPECT_INTACT, 1);
	judged(PC_VERDICT_FAIL, "1 of 100 blocks fio saw written failed its verify");
}

static void test_fio_midrun_loss(void)
{
	fio_midrun(PC_EXPECT_LOSS, 0);
	judged(PC_VERDICT_FAIL, "was the cut effective");
	fio_midrun(PC_EXPECT_LOSS, 7);
	judged(PC_VERDICT_PASS, NULL);
}

static void test_fio_end_needs_commit(void)
{
	fio_midrun(PC_EXPECT_INTACT, 0);
	r.fio.midrun = 0; /* cut_at = end: the commit record is the promise */
	judged(PC_VERDICT_FAIL, "commit record did not survive");
}

static void test_intact_passes(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	judged(PC_VERDICT_PASS, NULL);
}

static void test_error_kept(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.verdict = PC_VERDICT_ERROR;
	strcpy(r.reason, "mkfs failed");
	r.fsck = PC_FSCK_SKIPPED;
	r.committed = 0;
	judged(PC_VERDICT_ERROR, "mkfs failed");
}

static void test_fsck_not_run_is_error(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	r.fsck = PC_FSCK_SKIPPED;
	judged(PC_VERDICT_ERROR, "fsck could not run");
}

static void test_fsck_errors_fail(void)
{
	/* Even where any outcome is expected and nothing was lost. */
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	r.fsck = PC_FSCK_ERRORS;
	judged(PC_VERDICT_FAIL, "fsck found errors");
}

static void test_commit_lost_fails(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	r.committed = 0;
	judged(PC_VERDICT_FAIL, "commit record did not survive");
}

static void test_snapshot_commit_lost_fails(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	flat_case.layout = PC_LAYOUT_SNAPSHOTS;
	r.committed = 0;
	r.nlayers = 3;
	r.layers_committed = 2;
	r.overlay_verified = 1;
	judged(PC_VERDICT_FAIL, "commit records of 1 of 3 layers");
}

static void test_snapshot_overlay_unverified_fails(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_ANY);
	flat_case.layout = PC_LAYOUT_SNAPSHOTS;
	r.nlayers = r.layers_committed = 2;
	strcpy(r.overlay_why, "overlayfs mount failed");
	judged(PC_VERDICT_FAIL, "merged view was not verified: overlayfs mount failed");
}

static void test_snapshot_verified_passes(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	flat_case.layout = PC_LAYOUT_SNAPSHOTS;
	r.nlayers = r.layers_committed = 2;
	r.overlay_verified = 1;
	judged(PC_VERDICT_PASS, NULL);
}

static void test_intact_lost_fails(void)
{
	fresh(PC_MODE_SYNCFS, PC_EXPECT_INTACT);
	r.vr.lost = 3;
	judged(PC_VERDICT_FAIL, "3 of 100 entries not intact");
}

static void test_intact_extra_fails(void)
{
	fresh(PC_MODE_SYNCFS, PC_EXPECT_INTACT);
	r.vr.counts[PC_F_EXTRA] = 1;
	judged(PC_VERDICT_FAIL, "(1 extra), expected intact");
}

static void test_loss_without_loss_fails(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	judged(PC_VERDICT_FAIL, "expected loss in mode none");
}

static void test_loss_with_loss_passes(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.vr.lost = 40;
	judged(PC_VERDICT_PASS, NULL);
}

static void test_any_passes_either_way(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	r.vr.lost = 40;
	r.vr.counts[PC_F_EXTRA] = 2;
	judged(PC_VERDICT_PASS, NULL);
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	judged(PC_VERDICT_PASS, NULL);
}

/* A case with one crash point PT (the case itself fine). */
static struct pc_crash_point pt;

static void with_point(enum pc_expect expect)
{
	fresh(PC_MODE_FSYNC, expect);
	memset(&pt, 0, sizeof(pt));
	pt.flush = 7;
	pt.mounted = 1;
	pt.fsck = PC_FSCK_CLEAN;
	pt.committed = 1;
	pt.checked = 100;
	r.cp.v = &pt;
	r.cp.n = 1;
	r.cp.flushes = 9;
}

static void test_point_clean_passes(void)
{
	with_point(PC_EXPECT_INTACT);
	judged(PC_VERDICT_PASS, NULL);
}

/* crash_points asked but the device saw no flush: nothing was checked. */
static void test_no_point_is_error(void)
{
	with_point(PC_EXPECT_INTACT);
	flat_case.crash_points = 4;
	judged(PC_VERDICT_PASS, NULL);
	with_point(PC_EXPECT_INTACT);
	flat_case.crash_points = 4;
	r.cp.n = 0;
	r.cp.flushes = 0;
	judged(PC_VERDICT_ERROR, "crash_points = 4: the device saw no flush during the workload");
}

static void test_point_unmountable_fails(void)
{
	with_point(PC_EXPECT_ANY);
	pt.mounted = 0;
	strcpy(pt.mount_error, "Structure needs cleaning");
	judged(PC_VERDICT_FAIL, "crash point at flush 7 of 9: does not mount: Structure needs cleaning");
	/* ... whatever its fsck made of it */
	with_point(PC_EXPECT_ANY);
	pt.mounted = 0;
	pt.fsck = PC_FSCK_FAILED;
	strcpy(pt.mount_error, "Structure needs cleaning");
	judged(PC_VERDICT_FAIL, "crash point at flush 7 of 9: does not mount: Structure needs cleaning");
}

/* The filesystem does not mount after the cut: the worst a cut can do, a
 * failure whatever the mode expects (none: any), with fsck's word. */
static void test_unmountable_after_cut_fails(void)
{
	fresh(PC_MODE_NONE, PC_EXPECT_ANY);
	r.committed = 0;
	r.vr.checked = 0;
	strcpy(r.unmountable, "mount /dev/loop3: Structure needs cleaning");
	r.fsck = PC_FSCK_ERRORS;
	judged(PC_VERDICT_FAIL, "the filesystem does not mount after the cut: mount /dev/loop3: "
				"Structure needs cleaning; fsck: errors (see fsck.log)");
	r.fsck = PC_FSCK_CLEAN;
	judged(PC_VERDICT_FAIL, "does not mount after the cut");
	r.fsck = PC_FSCK_SKIPPED; /* fsck could not run: nothing was checked */
	judged(PC_VERDICT_ERROR, "fsck could not run");
	/* fsck ran to its end and says it could not check it (e2fsck finds
	 * no superblock, status 8): the filesystem still does not mount. */
	r.verdict = PC_VERDICT_PASS;
	r.fsck = PC_FSCK_FAILED;
	judged(PC_VERDICT_FAIL, "does not mount after the cut: mount /dev/loop3: Structure needs "
				"cleaning; fsck: it did not check it (see fsck.log)");
	/* e2fsck -n left the journal unreplayed: it checked the filesystem
	 * without the journal's changes, and "clean" would say otherwise */
	flat_case.fs = (char *)"ext4";
	r.fsck = PC_FSCK_CLEAN;
	r.fsck_output = (char *)"Warning: skipping journal recovery because doing a read-only "
				"filesystem check.\n";
	judged(PC_VERDICT_FAIL, "cleaning; fsck: clean, without the journal's changes, which it did "
				"not replay (see fsck.log)");
	r.fsck_output = NULL;
}

/* fsck ended on its own but did not check a filesystem that mounted
 * (e2fsck's operational error, exit 0 without its summary): an error,
 * never a pass, and no corruption claimed either. */
static void test_fsck_failed_is_error(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.fsck = PC_FSCK_FAILED;
	judged(PC_VERDICT_ERROR, "fsck could not run");
}

static void test_point_fsck_errors_fail(void)
{
	with_point(PC_EXPECT_ANY);
	pt.fsck = PC_FSCK_ERRORS;
	judged(PC_VERDICT_FAIL, "flush 7 of 9: fsck found errors");
	/* what fsck said is kept, and the reason says where */
	with_point(PC_EXPECT_ANY);
	pt.fsck = PC_FSCK_ERRORS;
	strcpy(pt.fsck_log, "crash-point-7-fsck.log");
	judged(PC_VERDICT_FAIL, "flush 7 of 9: fsck found errors (see crash-point-7-fsck.log)");
}

/* A state whose fsck could not run was not checked: no verdict, an error
 * (as the case's own fsck), whatever else the case showed. */
static void test_point_fsck_not_run_errs(void)
{
	with_point(PC_EXPECT_ANY);
	pt.fsck = PC_FSCK_SKIPPED;
	judged(PC_VERDICT_ERROR, "flush 7 of 9: fsck could not run: that state was not checked");
	with_point(PC_EXPECT_INTACT);
	pt.fsck = PC_FSCK_SKIPPED;
	pt.lost = 3;
	judged(PC_VERDICT_ERROR, "flush 7 of 9: fsck could not run");
	with_point(PC_EXPECT_ANY);
	pt.fsck = PC_FSCK_FAILED;
	judged(PC_VERDICT_ERROR, "flush 7 of 9: fsck could not run: that state was not checked");
}

static void test_point_committed_loss(void)
{
	/* Committed and lossy: a failure where intact was promised... */
	with_point(PC_EXPECT_INTACT);
	pt.lost = 5;
	judged(PC_VERDICT_FAIL, "committed, but 5 of 100 entries are not intact");
	/* ...not where loss may happen... */
	with_point(PC_EXPECT_ANY);
	pt.lost = 5;
	judged(PC_VERDICT_PASS, NULL);
	/* ...and loss before the commit is what a crash may leave. */
	with_point(PC_EXPECT_INTACT);
	pt.committed = 0;
	pt.lost = 5;
	judged(PC_VERDICT_PASS, NULL);
}

/* A state past the commit's return must hold the record, whatever the
 * mode and expect: its fsync had returned.  Before the return, a state
 * without it is what a crash may leave. */
static void test_point_after_commit_without_record(void)
{
	with_point(PC_EXPECT_ANY);
	pt.committed = 0;
	pt.after_commit = 1;
	judged(PC_VERDICT_FAIL, "crash point at flush 7 of 9: the commit record's fsync had "
				"returned, but the record is not there");
	with_point(PC_EXPECT_INTACT);
	pt.committed = 0;
	judged(PC_VERDICT_PASS, NULL);
	with_point(PC_EXPECT_INTACT);
	pt.after_commit = 1;
	judged(PC_VERDICT_PASS, NULL);
}

/* A state past the mode's return must hold what the mode promised,
 * before the commit record as after: a mode whose promise rested on the
 * commit's flushes is caught there.  mode_promised is set only where the
 * mode promises the tree and expect = intact (crashpoints.c); a state
 * after the mode without that promise is judged as before. */
static void test_point_after_mode_loss(void)
{
	with_point(PC_EXPECT_INTACT);
	pt.committed = 0;
	pt.after_mode = pt.mode_promised = 1;
	pt.lost = 3;
	judged(PC_VERDICT_FAIL, "crash point at flush 7 of 9: the durability mode fsync had "
				"returned, but 3 of 100 entries are not intact: a loss against the "
				"mode's promise, before the commit record was durable");
	/* Committed too: the mode's promise is the earlier one broken. */
	pt.committed = 1;
	judged(PC_VERDICT_FAIL, "entries are not intact: a loss against the mode's promise");
	CU_ASSERT_PTR_NULL(strstr(r.reason, "before the commit"));
	/* Intact: fine. */
	with_point(PC_EXPECT_INTACT);
	pt.committed = 0;
	pt.after_mode = pt.mode_promised = 1;
	judged(PC_VERDICT_PASS, NULL);
	/* After the mode, but no promise checked (none, or expect any/loss):
	 * loss before the commit is what a crash may leave. */
	with_point(PC_EXPECT_ANY);
	pt.committed = 0;
	pt.after_mode = 1;
	pt.lost = 3;
	judged(PC_VERDICT_PASS, NULL);
	/* The missing record is named first when its fsync had returned. */
	with_point(PC_EXPECT_INTACT);
	pt.committed = 0;
	pt.after_commit = pt.after_mode = pt.mode_promised = 1;
	pt.lost = 3;
	judged(PC_VERDICT_FAIL, "the commit record's fsync had returned, but the record is not there");
}

static void test_point_subset_fails(void)
{
	with_point(PC_EXPECT_INTACT);
	pt.subsets = 2;
	pt.subsets_bad = 1;
	strcpy(pt.subset_problem, "with 3 of the next 8 writes landed: fsck found errors");
	judged(PC_VERDICT_FAIL, "flush 7 of 9: with 3 of the next 8 writes landed");
}

/* Every kind of failure a case shows, not only the first the reason
 * names: a known-failures entry covers a case only when it names each
 * (a loss entry must not cover fsck errors that came with the loss). */
static void test_failure_kinds(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), 0); /* a pass */
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.vr.lost = 3;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_LOSS));
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.vr.lost = 3;
	r.fsck = PC_FSCK_ERRORS;
	judged(PC_VERDICT_FAIL, "fsck found errors");
	CU_ASSERT_EQUAL(pc_verdict_failures(&r),
			PC_FAILURE_BIT(PC_FAILURE_LOSS) | PC_FAILURE_BIT(PC_FAILURE_FSCK));
	/* A loss and a kernel warning: both (the reason names the loss). */
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.vr.lost = 1;
	pc_verdict_judge(&r);
	r.km.checked = 1;
	strcpy(r.km.error, "WARNING: CPU: 1 PID: 7 at fs/ext4/inode.c:1");
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r),
			PC_FAILURE_BIT(PC_FAILURE_LOSS) | PC_FAILURE_BIT(PC_FAILURE_KERNEL));
	/* Does not mount after the cut: nothing was verified, so no loss (nor
	 * a lost commit record) is counted. */
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.committed = 0;
	r.vr.checked = 0;
	strcpy(r.unmountable, "mount: Structure needs cleaning");
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_UNMOUNTABLE));
	/* The commit record lost: no loss counted against it. */
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.committed = 0;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_COMMIT));
	fresh(PC_MODE_FSYNC, PC_EXPECT_LOSS);
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_NO_LOSS));
	/* A crash point: its own kinds, and its subsets'. */
	with_point(PC_EXPECT_INTACT);
	pt.fsck = PC_FSCK_ERRORS;
	pt.lost = 2;
	pt.subset_failures = PC_FAILURE_BIT(PC_FAILURE_POINT_UNMOUNTABLE);
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_POINT_FSCK) |
			PC_FAILURE_BIT(PC_FAILURE_POINT_LOSS) |
			PC_FAILURE_BIT(PC_FAILURE_POINT_UNMOUNTABLE));
	with_point(PC_EXPECT_ANY);
	pt.mounted = 0;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_POINT_UNMOUNTABLE));
	/* A failure no rule explains: unknown, which only fails=any covers. */
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.verdict = PC_VERDICT_FAIL;
	CU_ASSERT_EQUAL(pc_verdict_failures(&r), PC_FAILURE_BIT(PC_FAILURE_UNKNOWN));
}

static void test_kernel_line_fails(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	r.km.checked = 1;
	strcpy(r.km.error, "EXT4-fs error (device loop3): bad block bitmap");
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT_STRING_EQUAL(r.reason, "kernel: EXT4-fs error (device loop3): bad block bitmap");
}

/* An error verdict quotes what the kernel said about the device (mount's
 * EINVAL says nothing of why); a pass or fail does not. */
static void test_kernel_said_in_error(void)
{
	const char *said = "XFS (loop1): Deprecated V4 format (crc=0) not supported by kernel.";
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.verdict = PC_VERDICT_ERROR;
	strcpy(r.reason, "mount /dev/loop1 on m (xfs): Invalid argument");
	r.km.checked = 1;
	strcpy(r.km.said, said);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_STRING_EQUAL(r.reason, "mount /dev/loop1 on m (xfs): Invalid argument (kernel: XFS "
			       "(loop1): Deprecated V4 format (crc=0) not supported by kernel.)");
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	r.km.checked = 1;
	strcpy(r.km.said, said);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_PASS);
	CU_ASSERT_PTR_NULL(strstr(r.reason, "kernel:"));
}

static void test_kernel_unchecked_is_error(void)
{
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	strcpy(r.km.why_unchecked, "records lost");
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "kernel log was not checked: records lost"));
	/* Nor when the log could not be saved. */
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	r.km.checked = 1;
	pc_verdict_kernel(&r, -1);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
}

static void test_kernel_clean_keeps_verdict(void)
{
	/* A clean log changes nothing; a failed case keeps its own reason. */
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	pc_verdict_judge(&r);
	r.km.checked = 1;
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_PASS);
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.vr.lost = 1;
	pc_verdict_judge(&r);
	r.km.checked = 1;
	strcpy(r.km.error, "BUG: something");
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not intact"));
}

/* The case's device found no room in its backing store: whatever the case
 * showed (a loss that passes mode none, a loss that fails fsync) was the
 * host's doing, so the case is an error saying so. */
static void test_kernel_nospace_is_error(void)
{
	const char *line = "critical space allocation error, dev loop3, sector 8 op 0x1:(WRITE)";
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.vr.lost = 5;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL_FATAL(r.verdict, PC_VERDICT_PASS);
	r.km.checked = 1;
	strcpy(r.km.nospace, line);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "work folder is full"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, line));
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	r.vr.lost = 5;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL_FATAL(r.verdict, PC_VERDICT_FAIL);
	r.km.checked = 1;
	strcpy(r.km.nospace, line);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "work folder is full"));
}

/* The case's device failed a request the cut did not (its backing file
 * on the host's disk did): no verdict, whatever the case found. */
static void test_kernel_hostio_is_error(void)
{
	const char *line = "I/O error, dev loop3, sector 2 op 0x0:(READ) flags 0x1000";
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.vr.lost = 5;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL_FATAL(r.verdict, PC_VERDICT_PASS);
	r.km.checked = 1;
	strcpy(r.km.hostio, line);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "holding the work folder failed it"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, line));
	CU_ASSERT(pc_kmsg_host_failed(&r.km));
	fresh(PC_MODE_FSYNC, PC_EXPECT_INTACT);
	strcpy(r.unmountable, "mount /dev/loop3 (ext4): Input/output error");
	r.fsck = PC_FSCK_CLEAN;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL_FATAL(r.verdict, PC_VERDICT_FAIL);
	r.km.checked = 1;
	strcpy(r.km.hostio, line);
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	/* The fuse server died under the case: named, with or without a
	 * kernel line (the kernel may have suppressed it). */
	fresh(PC_MODE_NONE, PC_EXPECT_LOSS);
	r.vr.lost = 5;
	pc_verdict_judge(&r);
	CU_ASSERT_EQUAL_FATAL(r.verdict, PC_VERDICT_PASS);
	r.km.checked = 1;
	strcpy(r.device_failed, "the fuse server (pid 7) was killed by signal 9 (Killed) during the case");
	CU_ASSERT(pc_verdict_host_failed(&r));
	pc_verdict_kernel(&r, 0);
	CU_ASSERT_EQUAL(r.verdict, PC_VERDICT_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "failed under the case: the fuse server (pid 7) was "
				      "killed by signal 9"));
	CU_ASSERT_PTR_NULL(strstr(r.reason, "kernel:"));
}

void register_verdict_tests(void)
{
	CU_pSuite s = CU_add_suite("verdict", NULL, NULL);
	CU_add_test(s, "committed, clean, intact: pass", test_intact_passes);
	CU_add_test(s, "no room under the device: error, whatever was found",
		    test_kernel_nospace_is_error);
	CU_add_test(s, "the device's backing file or fuse server failed: error, whatever was found",
		    test_kernel_hostio_is_error);
	CU_add_test(s, "fio mid-run cut, intact: a bad block fails", test_fio_midrun_intact);
	CU_add_test(s, "fio mid-run cut, loss: no bad block fails", test_fio_midrun_loss);
	CU_add_test(s, "fio cut_at = end: the commit record must survive", test_fio_end_needs_commit);
	CU_add_test(s, "a case that could not complete stays an error", test_error_kept);
	CU_add_test(s, "fsck that could not run: error", test_fsck_not_run_is_error);
	CU_add_test(s, "fsck errors: fail, whatever the expectation", test_fsck_errors_fail);
	CU_add_test(s, "fsck ended without checking: error", test_fsck_failed_is_error);
	CU_add_test(s, "lost commit record: fail, whatever the expectation", test_commit_lost_fails);
	CU_add_test(s, "snapshots: a layer's lost commit record: fail", test_snapshot_commit_lost_fails);
	CU_add_test(s, "snapshots: merged view not verified: fail",
		    test_snapshot_overlay_unverified_fails);
	CU_add_test(s, "snapshots: every layer and the merged view: pass",
		    test_snapshot_verified_passes);
	CU_add_test(s, "intact: an entry lost: fail", test_intact_lost_fails);
	CU_add_test(s, "intact: an extra entry: fail", test_intact_extra_fails);
	CU_add_test(s, "loss: nothing lost: fail", test_loss_without_loss_fails);
	CU_add_test(s, "loss: entries lost: pass", test_loss_with_loss_passes);
	CU_add_test(s, "any: pass with or without loss", test_any_passes_either_way);
	CU_add_test(s, "crash point clean and intact: pass", test_point_clean_passes);
	CU_add_test(s, "crash points asked, no flush to take them at: error", test_no_point_is_error);
	CU_add_test(s, "crash point that does not mount: fail", test_point_unmountable_fails);
	CU_add_test(s, "does not mount after the cut: fail", test_unmountable_after_cut_fails);
	CU_add_test(s, "crash point with fsck errors: fail", test_point_fsck_errors_fail);
	CU_add_test(s, "crash point whose fsck could not run: error", test_point_fsck_not_run_errs);
	CU_add_test(s, "crash point committed with loss: fail only if intact promised",
		    test_point_committed_loss);
	CU_add_test(s, "crash point after the commit returned without the record: fail",
		    test_point_after_commit_without_record);
	CU_add_test(s, "crash point: after the mode returned, it must hold what the mode promised",
		    test_point_after_mode_loss);
	CU_add_test(s, "crash point partial state bad: fail", test_point_subset_fails);
	CU_add_test(s, "kernel log line that fails the case: fail", test_kernel_line_fails);
	CU_add_test(s, "kernel log not checked: error", test_kernel_unchecked_is_error);
	CU_add_test(s, "an error quotes what the kernel said of the device", test_kernel_said_in_error);
	CU_add_test(s, "kernel log clean: verdict unchanged", test_kernel_clean_keeps_verdict);
	CU_add_test(s, "every kind of failure a case shows", test_failure_kinds);
}
