/* crashpoints.c - see crashpoints.h.
 *
 *   WORKDIR/replay.img   the log replayed so far (never mounted)
 *   WORKDIR/point.img    the state checked: made equal to replay.img at
 *                        each crash point, mounted (journal recovery
 *                        writes to it) and checked
 *
 * point.img is copied once; at later states only the blocks that differ
 * from replay.img are written back (imgsync.c), so a state costs what the
 * replay and the previous check changed, not a copy of the whole image.
 *   WORKDIR/point-mnt/   where it is mounted
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/commit.h"
#include "device/crashpoints.h"
#include "device/fuselog.h"
#include "device/imgsync.h"
#include "device/loop.h"
#include "util/util.h"
#include "check/verdict.h"
#include "check/verify.h"
#include "check/promises.h"

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static int held(const uint64_t *also, size_t nalso, uint64_t f)
{
	for (size_t i = 0; i < nalso; i++)
		if (also[i] == f)
			return 1;
	return 0;
}

/* Put flush F in OUT (K picks, ascending, the last M) in place of the pick
 * nearest to it that ALSO's first NHELD do not hold, keeping the order.  0
 * when every pick but M is held. */
static int take_place(uint64_t *out, size_t k, uint64_t f, const uint64_t *also, size_t nheld)
{
	size_t near = k;
	for (size_t i = 0; i + 1 < k; i++)
		if (!held(also, nheld, out[i]) &&
		    (near == k || distance(out[i], f) < distance(out[near], f)))
			near = i;
	if (near == k)
		return 0;
	out[near] = f;
	/* A held pick may lie between the place and F: move F past it. */
	for (; near > 0 && out[near - 1] > f; near--) {
		out[near] = out[near - 1];
		out[near - 1] = f;
	}
	for (; near + 1 < k && out[near + 1] < f; near++) {
		out[near] = out[near + 1];
		out[near + 1] = f;
	}
	return 1;
}

size_t pc_crash_points_pick(uint64_t first, uint64_t m, size_t n, const uint64_t *also,
			    size_t nalso, uint64_t *out)
{
	size_t k = 0;
	uint64_t span = m > first ? m - first : 0;
	for (size_t i = 1; i <= n && span > 0; i++) {
		/* first + ceil(i * span / n): the n-th pick is flush m itself. */
		uint64_t f = first + (i * span + n - 1) / n;
		if (k == 0 || f > out[k - 1])
			out[k++] = f;
	}
	for (size_t a = 0; a < nalso && k >= 2; a++) {
		uint64_t f = also[a];
		if (f <= first || f >= m || held(out, k, f))
			continue; /* m is always picked; one pick is m */
		if (!take_place(out, k, f, also, a))
			break; /* only m and earlier ALSOs left */
	}
	return k;
}

size_t pc_crash_points_in_pass(const struct pc_synclog *log, uint64_t before, size_t q,
				uint64_t *out)
{
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(log, &n);
	/* Counts ascend: those before BEFORE are a prefix. */
	size_t k = 0;
	while (k < n && v[k].flush < before)
		k++;
	size_t got = 0;
	/* Quantile j of Q (1..Q): the middle first, then outwards (mid,
	 * mid+1, mid-1, mid+2, ...), so that when fewer points are left than
	 * asked, the middle ones stay. */
	size_t mid = (q + 1) / 2;
	for (size_t i = 0; k && i < q; i++) {
		size_t off = (i + 1) / 2;
		size_t j = i % 2 ? mid + off : mid - off;
		uint64_t f = v[k * j / (q + 1)].flush;
		if (!held(out, got, f))
			out[got++] = f;
	}
	return got;
}

void pc_crash_point_place(const struct pc_crash_target *t, uint64_t flush,
			  struct pc_crash_point *pt)
{
	pt->flush = flush;
	/* A mark at flush K: the moment came after flush K, so the state
	 * replayed through K is the first a cut after it can leave. */
	pt->after_commit = t->commit_marked && flush >= t->commit_flush;
	pt->after_mode = t->mode_marked && flush >= t->mode_flush;
	pt->mode_promised = pt->after_mode && t->mode_promise;
}

struct replay {
	struct pc_fuselog log;   /* the write log, bounded by the device's size */
	int img;                 /* replay.img */
	const char *img_path;    /* its path, for messages */
	int point;               /* point.img once made, else -1 */
	int findings_saved;      /* a point's findings are in the case folder */
};

static int count_flushes(struct replay *r, uint64_t *flushes)
{
	struct pc_fuselog_rec rec;
	int rc;
	*flushes = 0;
	while ((rc = pc_fuselog_next(&r->log, &rec, NULL)) == 1)
		if (rec.kind == PC_LOG_FLUSH)
			(*flushes)++;
	if (rc == 0)
		pc_fuselog_seek(&r->log, 0);
	return rc;
}

/* Apply one write (with its DATA) or discard to the image FD (NAME): a
 * full work folder is the machine's error (pc_fail_workfile). */
static int apply_to(const struct pc_fuselog_rec *rec, const void *data, int fd, const char *name)
{
	if (rec->kind == PC_LOG_DISCARD) {
		if (fallocate(fd, (int)rec->arg, (off_t)rec->offset, (off_t)rec->length) < 0)
			return pc_fail_workfile(errno, "replay a discard onto", name);
		return 0;
	}
	if (pc_pwrite_all(fd, data, rec->length, (off_t)rec->offset) < 0)
		return pc_fail_workfile(errno, "replay a write onto", name);
	return 0;
}

/* DST (new) = SRC, holes kept: the image holds far less than its size. */
static int copy_sparse(int src, const char *dst, uint64_t size)
{
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return pc_fail_workfile(errno, "create", dst);
	int rc = ftruncate(out, (off_t)size) < 0 ? pc_fail_workfile(errno, "size", dst) : 0;
	off_t pos = 0;
	while (rc == 0) {
		off_t data = lseek(src, pos, SEEK_DATA);
		if (data < 0) {
			if (errno != ENXIO) /* ENXIO: no data after pos */
				rc = pc_fail_errno(PC_ERR_RUN, errno, "seek the replay image");
			break;
		}
		off_t hole = lseek(src, data, SEEK_HOLE);
		if (hole < 0) {
			rc = pc_fail_errno(PC_ERR_RUN, errno, "seek the replay image");
			break;
		}
		off_t in = data, outpos = data;
		while (rc == 0 && in < hole) {
			ssize_t n = copy_file_range(src, &in, out, &outpos, (size_t)(hole - in), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				rc = pc_fail_workfile(n < 0 ? errno : EIO, "copy to", dst);
		}
		pos = hole;
	}
	if (close(out) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", dst);
	return rc;
}

int pc_crash_mount_failed_on_machine(enum pc_errclass cls, int err)
{
	return cls == PC_ERR_ENV || err == ENOMEM || err == EBUSY || err == ENODEV ||
	       err == EMFILE || err == ENFILE || err == EPERM;
}

int pc_crash_mount(const char *dev, const char *mnt, const char *fstype, const char *opts,
		   char *msg, size_t len, enum pc_errclass *cls)
{
	struct pc_capture_aside aside;
	pc_capture_aside_begin(&aside, msg, len);
	int rc = pc_fs_mount(dev, mnt, fstype, opts);
	int err = errno;
	*cls = pc_last_errclass;
	pc_capture_aside_end(&aside);
	if (rc == 0) {
		msg[0] = '\0';
		return 0;
	}
	if (pc_crash_mount_failed_on_machine(*cls, err)) {
		*cls = *cls == PC_ERR_ENV ? PC_ERR_ENV : PC_ERR_RUN;
		return -1;
	}
	return 1;
}

/* Mount a point: 0 mounted; 1 it does not mount, a finding of the point,
 * not an error of the run; -1 the machine failed it (no memory, device
 * busy, ...), which says nothing of the point: an error, never a fail. */
static int mount_point(const char *dev, const char *mnt, const struct pc_crash_target *t,
		       struct pc_crash_point *pt)
{
	enum pc_errclass cls;
	int rc = pc_crash_mount(dev, mnt, t->fstype, t->mount_opts, pt->mount_error,
				sizeof(pt->mount_error), &cls);
	pt->mounted = rc == 0;
	if (rc < 0)
		return pc_fail(cls, "crash point at flush %llu: %s", (unsigned long long)pt->flush,
			       pt->mount_error);
	return rc;
}

/* The first point whose loss is a finding keeps its findings beside the
 * case's findings.txt: which entries, not only how many. */
static int save_point_findings(struct replay *r, const struct pc_crash_target *t,
			       struct pc_crash_point *pt, const struct pc_verify_result *vr)
{
	int finding = (pt->lost && (pt->mode_promised || (pt->committed && t->expect_intact))) ||
		      pt->promise_lost;
	if (!finding || r->findings_saved || !t->findings_dir)
		return 0;
	char path[PATH_MAX];
	snprintf(pt->findings, sizeof(pt->findings), "crash-point-%llu-findings.txt",
		 (unsigned long long)pt->flush);
	if (pc_path_join(path, sizeof(path), t->findings_dir, pt->findings) < 0 ||
	    pc_findings_save(vr, path) < 0) {
		pt->findings[0] = '\0';
		return -1;
	}
	r->findings_saved = 1;
	return 0;
}

/* Before the mode returned: what its per-file syncs that had returned by
 * this point's flush promised (promises.h).  ROOTFS: the tree. */
static int check_promises(struct replay *r, int save, const char *rootfs,
			  const struct pc_crash_target *t, struct pc_crash_point *pt)
{
	struct pc_promise_set ps;
	pt->promised = pc_promises_at(t->manifest, t->synclog, pt->flush, &ps);
	int rc = 0;
	if (pt->promised) {
		struct pc_verify_result vr, losses;
		rc = pc_verify_tree_after_cut(ps.subset, rootfs, &vr);
		if (rc == 0) {
			pc_promises_judge(&ps, &vr, &losses, pt->promise_problem,
					  sizeof(pt->promise_problem));
			pt->promise_lost = losses.lost;
			rc = save ? save_point_findings(r, t, pt, &losses) : 0;
			pc_verify_result_free(&losses);
			pc_verify_result_free(&vr);
		}
	}
	pc_promises_free(&ps);
	return rc;
}

/* SAVE: the point itself (not one of its subsets). */
static int look_inside(struct replay *r, int save, const char *mnt,
		       const struct pc_crash_target *t, struct pc_crash_point *pt)
{
	struct pc_commit rec;
	int rc = pc_commit_read(mnt, &rec);
	if (rc < 0)
		return -1;
	pt->committed = rc == 1;
	char rootfs[PATH_MAX];
	if (pc_path_join(rootfs, sizeof(rootfs), mnt, "rootfs") < 0)
		return -1;
	/* Inside the mode's pass: the per-file promises so far.  (Once the
	 * mode returned, the whole tree is held to it below.) */
	if (t->synclog && t->mode_promise && !pt->after_mode &&
	    check_promises(r, save, rootfs, t, pt) < 0)
		return -1;
	/* No record: a finding when pt->after_commit; the tree is still held
	 * to the mode's promise once the mode had returned
	 * (pc_verdict_crash_point). */
	if (!pt->committed && !pt->mode_promised)
		return 0;
	struct pc_verify_result vr;
	if (pc_verify_tree_after_cut(t->manifest, rootfs, &vr) < 0)
		return -1;
	pt->checked = vr.checked;
	pt->lost = vr.lost + vr.counts[PC_F_EXTRA];
	rc = save ? save_point_findings(r, t, pt, &vr) : 0;
	pc_verify_result_free(&vr);
	return rc;
}

/* fsck's output on a state it did not find clean, beside the case's
 * fsck.log: crash-point-FLUSH-fsck.log, or for a subset
 * crash-point-FLUSH-subset-S-fsck.log; its name into pt->fsck_log. */
static int save_fsck_log(const struct pc_crash_target *t, unsigned subset,
			 struct pc_crash_point *pt, const char *out)
{
	if (!t->findings_dir || !out)
		return 0;
	if (subset)
		snprintf(pt->fsck_log, sizeof(pt->fsck_log), "crash-point-%llu-subset-%u-fsck.log",
			 (unsigned long long)pt->flush, subset);
	else
		snprintf(pt->fsck_log, sizeof(pt->fsck_log), "crash-point-%llu-fsck.log",
			 (unsigned long long)pt->flush);
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), t->findings_dir, pt->fsck_log) < 0 ||
	    pc_write_file(path, out, strlen(out), 0) < 0) {
		pt->fsck_log[0] = '\0';
		return -1;
	}
	return 0;
}

/* Mount IMG, look inside, unmount, fsck: what a reboot would find.  SAVE:
 * the point itself (not one of its subsets).  KEEP_LOG: subset S (0: the
 * point) keeps fsck's output when it was not clean. */
static int examine(struct replay *r, int save, int keep_log, unsigned subset,
		   const char *img, const struct pc_crash_target *t, struct pc_crash_point *pt)
{
	char mnt[PATH_MAX];
	if (pc_path_join(mnt, sizeof(mnt), t->workdir, "point-mnt") < 0)
		return -1;
	pt->fsck = PC_FSCK_SKIPPED;
	struct pc_loop lo = { .fd = -1 };
	int rc = pc_loop_attach(img, 0, &lo);
	/* What the kernel says of the point (mount, recovery, fsck) counts. */
	if (rc == 0 && t->km)
		pc_kmsg_point_hold(t->km, lo.path);
	int mounted = rc == 0 ? mount_point(lo.path, mnt, t, pt) : 1;
	if (mounted < 0)
		rc = -1;
	if (mounted == 0) {
		rc = look_inside(r, save, mnt, t, pt);
		if (pc_fs_umount(mnt) < 0)
			rc = -1;
	}
	if (rc == 0) {
		char *out = NULL;
		pt->fsck = pc_fs_fsck(t->fstype, lo.path, &out);
		/* Killed, timed out, interrupted, or it did not check a point
		 * that mounted (pc_fs_fsck said why): the point was not checked,
		 * and the case is an error of that class, as when the case's own
		 * fsck could not run, never a fail.  A point that does not
		 * mount is a finding whatever fsck makes of it. */
		if (pt->fsck == PC_FSCK_SKIPPED || (pt->fsck == PC_FSCK_FAILED && pt->mounted))
			rc = -1;
		/* What fsck said of a state it did not find clean is kept,
		 * as the case's own fsck.log is. */
		if (pt->fsck != PC_FSCK_CLEAN && keep_log && save_fsck_log(t, subset, pt, out) < 0)
			rc = -1;
		free(out);
	}
	pc_loop_detach(&lo);
	if (t->km)
		pc_kmsg_point_release(t->km);
	return rc;
}

/* splitmix64: a seeded, reproducible coin for the subsets (rand(3) has
 * hidden global state; this is five lines). */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Land a random half of the next epoch's writes and discards (those up to
 * the next flush) on IMG, as a volatile cache may have done before the
 * power went; the log is left where it was. */
static int land_subset(struct replay *r, const char *img, uint64_t seed,
		       unsigned *landed, unsigned *total)
{
	uint64_t at = pc_fuselog_tell(&r->log);
	int fd = open(img, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s", img);
	struct pc_fuselog_rec rec;
	const void *data;
	int rc;
	*landed = *total = 0;
	while ((rc = pc_fuselog_next(&r->log, &rec, &data)) == 1 && rec.kind != PC_LOG_FLUSH) {
		(*total)++;
		if (next_random(&seed) & 1) {
			(*landed)++;
			if ((rc = apply_to(&rec, data, fd, img)) < 0)
				break;
		}
	}
	if (close(fd) < 0 && rc >= 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", img);
	pc_fuselog_seek(&r->log, at);
	return rc < 0 ? -1 : 0;
}

/* Make IMG (point.img) read as replay.img does now: a sparse copy the
 * first time, afterwards only the blocks that differ. */
static int make_point(struct replay *r, const char *img, uint64_t size)
{
	if (r->point < 0) {
		if (copy_sparse(r->img, img, size) < 0)
			return -1;
		r->point = open(img, O_RDWR | O_CLOEXEC);
		if (r->point < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "open %s", img);
		return 0;
	}
	struct pc_imgsync_stats st;
	if (pc_imgsync(r->img, "the replay image", r->point, img, size, &st) < 0)
		return -1;
	return 0;
}

/* One state to check: replay.img as it is, plus a subset of the next
 * epoch when SUBSET > 0. */
static int check_state(struct replay *r, const struct pc_crash_target *t, unsigned subset,
		       int keep_log, struct pc_crash_point *pt, unsigned *landed, unsigned *total)
{
	char img[PATH_MAX];
	if (pc_path_join(img, sizeof(img), t->workdir, "point.img") < 0)
		return -1;
	int rc = make_point(r, img, t->size);
	if (rc == 0 && subset)
		rc = land_subset(r, img, pt->flush * 1000003u + subset, landed, total);
	if (rc == 0)
		rc = examine(r, subset == 0, keep_log, subset, img, t, pt);
	return rc;
}

/* How many writes and discards the log holds up to its next flush (or its
 * end); the log is left where it was. */
static int next_epoch_writes(struct replay *r, unsigned *n)
{
	uint64_t at = pc_fuselog_tell(&r->log);
	struct pc_fuselog_rec rec;
	int rc;
	*n = 0;
	while ((rc = pc_fuselog_next(&r->log, &rec, NULL)) == 1 && rec.kind != PC_LOG_FLUSH)
		(*n)++;
	pc_fuselog_seek(&r->log, at);
	return rc < 0 ? -1 : 0;
}

/* The point itself, then t->subsets states past it; the first bad subset
 * is described in pt->subset_problem.  With nothing written before the
 * next flush (the last point, as a rule) every subset would be the point
 * again: none is checked. */
static int check_point(struct replay *r, const struct pc_crash_target *t,
		       struct pc_crash_point *pt)
{
	unsigned landed, total;
	if (check_state(r, t, 0, 1, pt, &landed, &total) < 0)
		return -1;
	if (t->subsets && next_epoch_writes(r, &pt->next_writes) < 0)
		return -1;
	for (unsigned s = 1; s <= t->subsets && pt->next_writes > 0; s++) {
		struct pc_crash_point sub = { .flush = pt->flush, .after_commit = pt->after_commit,
					      .after_mode = pt->after_mode,
					      .mode_promised = pt->mode_promised };
		/* the first bad subset's fsck output is kept (it is the one
		 * subset_problem describes) */
		if (pc_check_interrupted() < 0 ||
		    check_state(r, t, s, !pt->subsets_bad, &sub, &landed, &total) < 0)
			return -1;
		pt->subsets++;
		pt->next_writes = total;
		char why[200];
		if (!pc_verdict_crash_point(&sub, t->expect_intact, t->mode, why, sizeof(why)))
			continue;
		pt->subset_failures |= pc_verdict_point_failures(&sub, t->expect_intact);
		if (!pt->subsets_bad++) {
			snprintf(pt->subset_problem, sizeof(pt->subset_problem),
				 "with %u of the next %u writes landed: %s", landed, total, why);
			snprintf(pt->subset_fsck_log, sizeof(pt->subset_fsck_log), "%s",
				 sub.fsck_log);
		}
	}
	return 0;
}

static int replay_and_check(struct replay *r, const struct pc_crash_target *t,
			    const uint64_t *picks, size_t npicks, struct pc_crash_points *out)
{
	struct pc_fuselog_rec rec;
	const void *data;
	uint64_t flush = 0;
	int rc = 1;
	while (out->n < npicks && (rc = pc_fuselog_next(&r->log, &rec, &data)) == 1) {
		if (rec.kind != PC_LOG_FLUSH) {
			if (apply_to(&rec, data, r->img, r->img_path) < 0)
				return -1;
			continue;
		}
		if (++flush != picks[out->n])
			continue;
		if (pc_check_interrupted() < 0)
			return -1;
		struct pc_crash_point *pt = &out->v[out->n++];
		pc_crash_point_place(t, flush, pt);
		if (check_point(r, t, pt) < 0)
			return -1;
	}
	if (rc == 0 && out->n < npicks) /* the first pass counted more flushes */
		return pc_fail(PC_ERR_RUN, "write log %s: ended before flush %llu", r->log.path,
			       (unsigned long long)picks[out->n]);
	return out->n == npicks ? 0 : -1;
}

int pc_crash_points_check(const char *log, size_t n, const struct pc_crash_target *t,
			  struct pc_crash_points *out)
{
	memset(out, 0, sizeof(*out));
	char img[PATH_MAX], mnt[PATH_MAX], point[PATH_MAX];
	struct replay r = { .img = -1, .img_path = img, .point = -1 };
	if (pc_path_join(img, sizeof(img), t->workdir, "replay.img") < 0 ||
	    pc_path_join(point, sizeof(point), t->workdir, "point.img") < 0 ||
	    pc_path_join(mnt, sizeof(mnt), t->workdir, "point-mnt") < 0)
		return -1;
	if (pc_fuselog_open(&r.log, log, t->size) < 0)
		return -1;
	out->log_bytes = r.log.file_size;
	int rc = count_flushes(&r, &out->flushes);
	uint64_t *picks = xcalloc(n ? n : 1, sizeof(*picks));
	out->first_flush = t->first_flush;
	out->commit_marked = t->commit_marked;
	out->commit_flush = t->commit_flush;
	out->mode_marked = t->mode_marked;
	out->mode_flush = t->mode_flush;
	/* The first state of the workload the mode's promise covers (the
	 * earliest, before the commit's flushes could hide a mode that did not
	 * keep it; a mode that returned before the workload's first flush
	 * covers them all), then the first the commit record must be in. */
	uint64_t mode_first = t->mode_flush > t->first_flush ? t->mode_flush : t->first_flush + 1;
	/* A quarter of the points (at least one) inside the pass, spread over
	 * its syncs: a pass mostly falls between two evenly spread picks. */
	size_t in_pass = n / 4 ? n / 4 : 1;
	uint64_t *also = xcalloc(2 + in_pass, sizeof(*also));
	also[0] = t->mode_marked && t->mode_promise ? mode_first : 0;
	also[1] = t->commit_marked ? t->commit_flush : 0;
	size_t nalso = 2;
	if (t->mode_promise)
		nalso += pc_crash_points_in_pass(t->synclog, t->mode_marked ? t->mode_flush
									     : out->flushes,
						 in_pass, also + 2);
	size_t npicks = rc == 0 ? pc_crash_points_pick(t->first_flush, out->flushes, n, also,
						       nalso, picks)
				: 0;
	free(also);
	out->v = xcalloc(npicks ? npicks : 1, sizeof(*out->v));
	if (rc == 0 && npicks > 0) {
		r.img = open(img, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (r.img < 0 || ftruncate(r.img, (off_t)t->size) < 0)
			rc = pc_fail_workfile(errno, "create", img);
		else if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
			rc = pc_fail_workfile(errno, "mkdir", mnt);
		else
			rc = replay_and_check(&r, t, picks, npicks, out);
	}
	if (r.img >= 0) {
		close(r.img);
		unlink(img);
	}
	if (r.point >= 0) {
		close(r.point);
		if (unlink(point) < 0 && rc == 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "remove %s", point);
	}
	rmdir(mnt);
	pc_fuselog_close(&r.log);
	free(picks);
	return rc;
}

void pc_crash_points_free(struct pc_crash_points *cp)
{
	free(cp->v);
	memset(cp, 0, sizeof(*cp));
}
