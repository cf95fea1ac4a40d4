/* verdict.c - see verdict.h. */
#include "check/verdict.h"

#include <stdio.h>
#include <string.h>

#include "check/failure.h"
#include "fs/durability.h"
#include "fs/fs.h"

const char *pc_verdict_crash_point(const struct pc_crash_point *pt, int expect_intact,
				   const char *mode, char *buf, size_t len)
{
	if (!pt->mounted)
		snprintf(buf, len, "does not mount: %s", pt->mount_error);
	else if (pt->fsck == PC_FSCK_ERRORS && pt->fsck_log[0])
		snprintf(buf, len, "fsck found errors (see %s)", pt->fsck_log);
	else if (pt->fsck == PC_FSCK_ERRORS)
		snprintf(buf, len, "fsck found errors");
	else if (pt->fsck != PC_FSCK_CLEAN) /* pc_verdict_judge made the case an error */
		snprintf(buf, len, "fsck could not run: that state was not checked");
	else if (pt->after_commit && !pt->committed)
		snprintf(buf, len, "the commit record's fsync had returned, but the record is "
			 "not there (the promise rested on writes no flush had made durable)");
	else if (pt->mode_promised && pt->lost)
		snprintf(buf, len, "the durability mode %s had returned, but %zu of %zu entries "
			 "are not intact: a loss against the mode's promise%s", mode ? mode : "?",
			 pt->lost, pt->checked,
			 pt->committed ? "" : ", before the commit record was durable");
	else if (pt->promise_lost)
		snprintf(buf, len, "inside the durability mode %s's pass, %zu of the %zu entries "
			 "its syncs had promised are not intact: %s", mode ? mode : "?",
			 pt->promise_lost, pt->promised, pt->promise_problem);
	else if (pt->committed && pt->lost && expect_intact)
		snprintf(buf, len, "committed, but %zu of %zu entries are not intact", pt->lost,
			 pt->checked);
	else
		return NULL;
	return buf;
}

unsigned pc_verdict_point_failures(const struct pc_crash_point *pt, int expect_intact)
{
	if (!pt->mounted)
		return PC_FAILURE_BIT(PC_FAILURE_POINT_UNMOUNTABLE);
	unsigned set = 0;
	if (pt->fsck == PC_FSCK_ERRORS)
		set |= PC_FAILURE_BIT(PC_FAILURE_POINT_FSCK);
	if (pt->after_commit && !pt->committed)
		set |= PC_FAILURE_BIT(PC_FAILURE_POINT_COMMIT);
	if ((pt->mode_promised && pt->lost) || pt->promise_lost ||
	    (pt->committed && pt->lost && expect_intact))
		set |= PC_FAILURE_BIT(PC_FAILURE_POINT_LOSS);
	return set;
}

unsigned pc_verdict_failures(const struct pc_case_result *r)
{
	const struct pc_case *c = r->c;
	if (r->verdict != PC_VERDICT_FAIL)
		return 0;
	unsigned set = 0;
	if (r->unmountable[0])
		set |= PC_FAILURE_BIT(PC_FAILURE_UNMOUNTABLE);
	if (r->fsck == PC_FSCK_ERRORS)
		set |= PC_FAILURE_BIT(PC_FAILURE_FSCK);
	int snapshots = c->layout == PC_LAYOUT_SNAPSHOTS;
	if (!r->unmountable[0] && !r->committed && (snapshots || !r->fio.midrun))
		set |= PC_FAILURE_BIT(PC_FAILURE_COMMIT);
	/* What was verified against the promise (the record there, or fio's
	 * saved state after a mid-run cut). */
	if (!r->unmountable[0] && (r->committed || r->fio.midrun)) {
		size_t lost = r->vr.lost, extra = c->workload == PC_WORKLOAD_FIO ? 0
						  : r->vr.counts[PC_F_EXTRA];
		if (snapshots && !r->overlay_verified)
			set |= PC_FAILURE_BIT(PC_FAILURE_OVERLAY);
		if (c->expect == PC_EXPECT_INTACT && (lost || extra))
			set |= PC_FAILURE_BIT(PC_FAILURE_LOSS);
		if (c->expect == PC_EXPECT_LOSS && !lost)
			set |= PC_FAILURE_BIT(PC_FAILURE_NO_LOSS);
	}
	for (size_t i = 0; i < r->cp.n; i++)
		set |= pc_verdict_point_failures(&r->cp.v[i], c->expect == PC_EXPECT_INTACT) |
		       r->cp.v[i].subset_failures;
	if (r->km.error[0])
		set |= PC_FAILURE_BIT(PC_FAILURE_KERNEL);
	return set ? set : PC_FAILURE_BIT(PC_FAILURE_UNKNOWN);
}

/* Every crash point mounts, is fsck-clean, holds the commit record once
 * its fsync had returned, and, once the mode had returned or the record is
 * there, holds what the mode promised.  Else the reason names the first
 * bad one. */
static int crash_points_ok(struct pc_case_result *r)
{
	for (size_t i = 0; i < r->cp.n; i++) {
		const struct pc_crash_point *pt = &r->cp.v[i];
		char buf[512];
		const char *what = pc_verdict_crash_point(pt, r->c->expect == PC_EXPECT_INTACT,
							  pc_mode_name(r->c->mode), buf,
							  sizeof(buf));
		if (!what && pt->subsets_bad)
			what = pt->subset_problem;
		if (what) {
			snprintf(r->reason, sizeof(r->reason), "crash point at flush %llu of %llu: %s",
				 (unsigned long long)pt->flush, (unsigned long long)r->cp.flushes,
				 what);
			return 0;
		}
	}
	return 1;
}

/* crash_points asked, and the device saw no flush to take a state at
 * (nobarrier, a mode and a commit that never flush): the check did not run,
 * which is no pass. */
static void no_crash_point(struct pc_case_result *r)
{
	r->verdict = PC_VERDICT_ERROR;
	snprintf(r->reason, sizeof(r->reason), "crash_points = %u: the device saw no flush "
		 "during the workload, so no crash state was checked (nobarrier, or a write "
		 "cache that is never flushed?)", r->c->crash_points);
}

/* expect = intact and fio's verify found lost blocks: the reason, and
 * whether the job promised them at all. */
static void fio_lost(struct pc_case_result *r)
{
	const struct pc_case *c = r->c;
	char hint[256];
	pc_fio_unsynced_hint(c->fio_jobs, c->nfio_jobs, &r->fio, c->mode != PC_MODE_NONE, hint,
			     sizeof(hint));
	snprintf(r->reason, sizeof(r->reason), "%zu of %zu blocks fio saw written failed its "
		 "verify after the cut, expected intact%s", r->vr.lost, r->vr.checked, hint);
}

/* A crash point that mounted but whose fsck could not run (killed, past
 * tool_timeout): that state was not checked, which is no verdict. */
static int point_unchecked(struct pc_case_result *r)
{
	for (size_t i = 0; i < r->cp.n; i++) {
		const struct pc_crash_point *pt = &r->cp.v[i];
		if (pt->mounted && pt->fsck != PC_FSCK_CLEAN && pt->fsck != PC_FSCK_ERRORS) {
			r->verdict = PC_VERDICT_ERROR;
			snprintf(r->reason, sizeof(r->reason), "crash point at flush %llu of %llu: "
				 "fsck could not run: that state was not checked",
				 (unsigned long long)pt->flush, (unsigned long long)r->cp.flushes);
			return 1;
		}
	}
	return 0;
}

void pc_verdict_judge(struct pc_case_result *r)
{
	const struct pc_case *c = r->c;
	if (r->verdict == PC_VERDICT_ERROR)
		return;
	/* One that ended saying it did not check an unmountable filesystem
	 * (e2fsck finds no superblock: status 8) leaves that finding. */
	if (r->fsck == PC_FSCK_SKIPPED || (r->fsck == PC_FSCK_FAILED && !r->unmountable[0])) {
		r->verdict = PC_VERDICT_ERROR;
		snprintf(r->reason, sizeof(r->reason), "fsck could not run: the filesystem was not checked");
		return;
	}
	if (point_unchecked(r))
		return;
	r->verdict = PC_VERDICT_FAIL;
	size_t extra = r->vr.counts[PC_F_EXTRA];
	if (r->unmountable[0])
		snprintf(r->reason, sizeof(r->reason), "the filesystem does not mount after the "
			 "cut: %s; fsck: %s%s", r->unmountable,
			 r->fsck == PC_FSCK_ERRORS ? "errors"
			 : r->fsck == PC_FSCK_FAILED ? "it did not check it" : "clean",
			 c && pc_fs_fsck_unreplayed(c->fs, r->fsck_output)
			 ? ", without the journal's changes, which it did not replay (see fsck.log)"
			 : r->fsck == PC_FSCK_CLEAN ? "" : " (see fsck.log)");
	else if (r->fsck == PC_FSCK_ERRORS)
		snprintf(r->reason, sizeof(r->reason), "fsck found errors (see fsck.log)");
	else if (!r->committed && c->layout == PC_LAYOUT_SNAPSHOTS)
		snprintf(r->reason, sizeof(r->reason),
			 "the fsync'd commit records of %zu of %zu layers did not survive the cut",
			 r->nlayers - r->layers_committed, r->nlayers);
	else if (!r->committed && !r->fio.midrun)
		snprintf(r->reason, sizeof(r->reason),
			 "the fsync'd commit record did not survive the cut");
	else if (c->layout == PC_LAYOUT_SNAPSHOTS && !r->overlay_verified)
		snprintf(r->reason, sizeof(r->reason), "the merged view was not verified: %s",
			 r->overlay_why[0] ? r->overlay_why : "?");
	else if (c->workload == PC_WORKLOAD_FIO && c->expect == PC_EXPECT_INTACT && r->vr.lost)
		fio_lost(r);
	else if (c->workload == PC_WORKLOAD_FIO && c->expect == PC_EXPECT_LOSS && !r->vr.lost)
		snprintf(r->reason, sizeof(r->reason),
			 "expected loss but all %zu blocks fio saw written passed its verify: "
			 "was the cut effective?", r->vr.checked);
	else if (c->expect == PC_EXPECT_INTACT && (r->vr.lost || extra))
		snprintf(r->reason, sizeof(r->reason),
			 "%zu of %zu entries not intact after commit (%zu extra), expected intact",
			 r->vr.lost, r->vr.checked, extra);
	else if (c->expect == PC_EXPECT_LOSS && !r->vr.lost)
		snprintf(r->reason, sizeof(r->reason),
			 "expected loss in mode %s but every entry survived: was the cut effective?",
			 pc_mode_name(c->mode));
	else if (!crash_points_ok(r))
		return;
	else if (c->crash_points && r->cp.n == 0)
		no_crash_point(r);
	else
		r->verdict = PC_VERDICT_PASS;
}

/* The device failed under the case for the machine's reason: its fuse
 * server died, or (the kernel says) a request failed outside the cut, so
 * the backing file's disk or file system failed it. */
static void device_failed(struct pc_case_result *r)
{
	r->verdict = PC_VERDICT_ERROR;
	int n;
	if (r->device_failed[0])
		n = snprintf(r->reason, sizeof(r->reason), "the device failed under the case: %s%s%s%s; "
			     "what the case found is the host's doing, not the filesystem's",
			     r->device_failed, r->km.hostio[0] ? " (kernel: " : "", r->km.hostio,
			     r->km.hostio[0] ? ")" : "");
	else
		n = snprintf(r->reason, sizeof(r->reason), "the device failed a request because its "
			     "backing file did: the disk or file system holding the work folder "
			     "failed it (kernel: %s); what the case found is the host's doing, not "
			     "the filesystem's", r->km.hostio);
	if (n >= (int)sizeof(r->reason))
		r->reason[sizeof(r->reason) - 1] = '\0';
}

int pc_verdict_host_failed(const struct pc_case_result *r)
{
	return r->device_failed[0] || pc_kmsg_host_failed(&r->km);
}

void pc_verdict_kernel(struct pc_case_result *r, int log_rc)
{
	if (r->km.nospace[0]) {
		r->verdict = PC_VERDICT_ERROR;
		if (snprintf(r->reason, sizeof(r->reason),
			     "the device had no room for its writes: the file system holding the "
			     "work folder is full (kernel: %s); free space there or set a smaller "
			     "device_size", r->km.nospace) >= (int)sizeof(r->reason))
			r->reason[sizeof(r->reason) - 1] = '\0';
		return;
	}
	if (r->device_failed[0] || r->km.hostio[0]) {
		device_failed(r);
		return;
	}
	if ((r->verdict == PC_VERDICT_ERROR || r->unmountable[0]) && r->km.said[0]) {
		/* mount's EINVAL says nothing; the kernel said why */
		size_t used = strlen(r->reason);
		snprintf(r->reason + used, sizeof(r->reason) - used, " (kernel: %s)", r->km.said);
	}
	if (r->verdict != PC_VERDICT_PASS)
		return;
	if (log_rc < 0 || !r->km.checked) {
		r->verdict = PC_VERDICT_ERROR;
		snprintf(r->reason, sizeof(r->reason), "the kernel log was not checked: %s",
			 r->km.why_unchecked[0] ? r->km.why_unchecked : "?");
	} else if (r->km.error[0]) {
		r->verdict = PC_VERDICT_FAIL;
		/* The line is cut to fit: it is in kernel.log whole. */
		if (snprintf(r->reason, sizeof(r->reason), "kernel: %s", r->km.error) >=
		    (int)sizeof(r->reason))
			r->reason[sizeof(r->reason) - 1] = '\0';
	}
}
