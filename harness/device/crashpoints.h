/* crashpoints.h - many crash points per case, from the fuse device's write
 * log.
 *
 * The cut at the commit point tests one moment.  With crash_points = N the
 * fuse device logs every write, flush and discard up to the cut; after the
 * case, the log is replayed onto a zeroed file, and at N flushes spread
 * over the log the device as it was right after that flush (a power cut
 * there, on a disk whose volatile cache lost the rest) is mounted from a
 * copy and checked: it must mount, fsck must find it clean, once the
 * durability mode had returned (the runner's mode mark) the image must be
 * intact when the mode promises that and `expect` is intact, commit record
 * or not; once the commit record's fsync had returned (the runner's commit
 * mark) the record must be there, and if the record is there, the image
 * must be intact (as `expect` says).
 * dm-log-writes with replay-log, and CrashMonkey, are the models.
 */
#ifndef PC_CRASHPOINTS_H
#define PC_CRASHPOINTS_H

#include "check/kmsg.h"
#include <stddef.h>
#include <stdint.h>
#include "fs/fs.h"
#include "image/manifest.h"
#include "fs/synclog.h"
#include "util/util.h"

struct pc_crash_point {
	uint64_t flush;          /* replayed through this flush (1-based) */
	int mounted;             /* 0: the mount failed, see mount_error */
	char mount_error[160];
	int committed;           /* the commit record was there */
	int after_commit;        /* the commit's fsync had returned: it must be */
	int after_mode;          /* the durability mode had returned */
	int mode_promised;       /* ... and promised the tree: it must be intact */
	size_t checked, lost;    /* when committed or mode_promised: verify's counts */
	/* Before the mode returned (fuse): the entries the mode's per-file
	 * syncs that had returned by this flush promised something
	 * (promises.h), how many of them broke it, and the first, said. */
	size_t promised, promise_lost;
	char promise_problem[320];
	/* The first point whose loss is a finding (against the mode's promise,
	 * or committed with expect = intact): its findings' file name in
	 * findings_dir, crash-point-FLUSH-findings.txt; else empty. */
	char findings[64];
	enum pc_fsck_result fsck;
	/* fsck's output when it was not clean, in findings_dir:
	 * crash-point-FLUSH-fsck.log (a subset's: crash-point-FLUSH-subset-S-
	 * fsck.log, the first bad subset's, named in subset_problem); else
	 * empty. */
	char fsck_log[64];
	/* crash_subsets: states past this flush with a random half of the
	 * next epoch's writes landed; the first bad one described. */
	unsigned subsets, subsets_bad;
	unsigned next_writes;    /* writes and discards up to the next flush */
	char subset_problem[256];
	/* The first bad subset's fsck output, when it was not clean
	 * (crash-point-FLUSH-subset-S-fsck.log in findings_dir); else empty. */
	char subset_fsck_log[64];
	unsigned subset_failures; /* every bad subset's kinds (failure.h) */
};

struct pc_crash_points {
	uint64_t flushes;        /* flush marks in the log */
	uint64_t first_flush;    /* the workload began after this one */
	int commit_marked;       /* the commit returned after flush commit_flush */
	uint64_t commit_flush;
	int mode_marked;         /* the mode returned after flush mode_flush */
	uint64_t mode_flush;
	uint64_t log_bytes;
	struct pc_crash_point *v;
	size_t n;
};

struct pc_crash_target {
	const char *fstype, *mount_opts;
	struct pc_manifest *manifest; /* the image, checked below "rootfs" */
	const char *workdir;          /* scratch: replay and point images */
	uint64_t size;                /* the device's size */
	uint64_t first_flush;         /* points are picked after this flush */
	/* The commit record's fsync returned after flush commit_flush (when
	 * commit_marked): every state from that flush on must hold the record,
	 * and that flush is always a point (the state the promise rests on). */
	int commit_marked;
	uint64_t commit_flush;
	/* The durability mode MODE returned after flush mode_flush (when
	 * mode_marked).  With mode_promise (the mode promises the whole tree
	 * and expect = intact) every state from that flush on must hold the
	 * tree intact, with or without the commit record, and the first such
	 * state of the workload is always a point when there are two or more
	 * (before the commit's flush). */
	const char *mode;
	int mode_marked;
	uint64_t mode_flush;
	int mode_promise;
	unsigned subsets;             /* crash_subsets */
	int expect_intact;            /* a committed state must lose nothing */
	const char *findings_dir;     /* the case folder (NULL: no findings file) */
	/* The mode's per-file syncs (fuse; NULL: none noted): with
	 * mode_promise, a point before the mode's mark keeps what those that
	 * had returned by its flush promised (promises.h), and one point is
	 * placed inside the sync pass when there are three or more. */
	const struct pc_synclog *synclog;
	struct pc_kmsg_result *km;    /* the case's kernel log: each point's device is
				       * the case's while it is examined (or NULL) */
};

/* Which flushes (1-based, ascending, distinct) N points check among
 * FIRST+1 .. M: evenly spread, the last one always M; then each of the
 * NALSO flushes ALSO[i] (in that order of priority; 0: none) that lies in
 * that range and is not yet a pick takes the place of the pick nearest to
 * it that is neither M nor an earlier ALSO, while there is one (N > 1).
 * Returns how many. */
size_t pc_crash_points_pick(uint64_t first, uint64_t m, size_t n, const uint64_t *also,
			    size_t nalso, uint64_t *out);

/* Flushes inside the durability mode's per-file pass for crash points:
 * the counts at which 1/(Q+1), ..., Q/(Q+1) of LOG's syncs that returned
 * before flush BEFORE (the mode's mark) had returned, the middle one
 * first, then outwards; each flush once.  Into OUT (room for Q); returns
 * how many (0 when no sync returned before BEFORE). */
size_t pc_crash_points_in_pass(const struct pc_synclog *log, uint64_t before, size_t q,
				uint64_t *out);

/* PT is the state right after flush FLUSH of T's log: which of T's marks
 * it follows, and so what it must hold (after_commit, after_mode,
 * mode_promised). */
void pc_crash_point_place(const struct pc_crash_target *t, uint64_t flush,
			  struct pc_crash_point *pt);

/* Did a crash point's mount fail (error class CLS, errno ERR) for a reason
 * of the machine's (no memory, device busy, no driver, not allowed), not
 * for what the filesystem found on the device (EUCLEAN, EINVAL, EIO)?  The
 * first is an error of the case, only the second a finding of the point. */
int pc_crash_mount_failed_on_machine(enum pc_errclass cls, int err);

/* Mount DEV (FSTYPE, OPTS) on MNT after a cut, quietly: 0 mounted; 1 it
 * does not mount for what the filesystem found on the device, a finding
 * (MSG says why); -1 the machine failed the mount (above): MSG says why,
 * *CLS is the class to report it with.  Nothing is printed or left in
 * the caller's captured error. */
int pc_crash_mount(const char *dev, const char *mnt, const char *fstype, const char *opts,
		   char *msg, size_t len, enum pc_errclass *cls);

/* Replay LOG and check N points (see the top).  Findings go to OUT; -1 only
 * when the check itself could not run (a bad log, no loop device...). */
int pc_crash_points_check(const char *log, size_t n, const struct pc_crash_target *t,
			  struct pc_crash_points *out);
void pc_crash_points_free(struct pc_crash_points *cp);

#endif
