/* runner.c - one crash cycle per case (docs/design.md, "The crash cycle"):
 *
 *   device -> mkfs -> mount -> workload (write, durability, commit) -> cut
 *   (flakey drop or error, umount, allow, flush caches, mount) -> verify
 *   -> umount -> fsck -> crash points -> teardown
 *
 * The runner only sequences: what is written and checked is the case's
 * workload (workload.h; the image workload stores it as the case's layout,
 * layout.h), the device is the backend's (backend.h).
 *
 * Each phase is a small function returning 0 or -1; teardown runs on every
 * path.  A case that cannot complete gets the verdict "error" with the
 * first error message as its reason.
 */
#include "run/runner.h"
#include "util/escape.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "run/attempts.h"
#include "device/backend.h"
#include "device/crashpoints.h"
#include "fs/durability.h"
#include "fs/fs.h"
#include "fs/synclog.h"
#include "device/fuse_flakey.h"
#include "device/imgsync.h"
#include "device/iostat.h"
#include "device/loop.h"
#include "image/manifest.h"
#include "workload/probe.h"
#include "run/progress.h"
#include "run/state.h"
#include "util/size.h"
#include "util/util.h"
#include "check/verdict.h"
#include "check/verify.h"
#include "workload/workload.h"

struct case_ctx {
	const struct pc_case *c;
	const struct pc_run_opts *o;
	struct pc_case_result *r;
	const char *runwork;          /* the run's work folder */
	char work[PATH_MAX];          /* this case's work folder */
	char mnt[PATH_MAX];           /* filesystem mountpoint */
	struct pc_backend dev;
	uint64_t dev_size;
	int dev_made;
	int mounted;
	struct pc_workload_case w;
};

/* Case INDEX's work folder and mountpoint (PATH_MAX bytes each) below the
 * run's work folder RUNWORK. */
static int case_paths(const char *runwork, unsigned index, char *work, char *mnt)
{
	char name[32];
	snprintf(name, sizeof(name), "case-%u", index);
	return pc_path_join(work, PATH_MAX, runwork, name) < 0 ||
	       pc_path_join(mnt, PATH_MAX, work, "mnt") < 0 ? -1 : 0;
}

int pc_runner_check_paths(const struct pc_scenario *sc, const char *workbase)
{
	char runwork[PATH_MAX], work[PATH_MAX], mnt[PATH_MAX];
	if (pc_state_workdir_template(workbase, runwork, sizeof(runwork)) < 0)
		return -1;
	for (size_t i = 0; i < sc->ncases; i++) {
		const struct pc_case *c = &sc->cases[i];
		const struct pc_workload_ops *ops = pc_workload_of(c);
		if (!ops->check_paths)
			continue;
		if (case_paths(runwork, (unsigned)i, work, mnt) < 0 || ops->check_paths(c, mnt) < 0)
			return -1;
	}
	return 0;
}

static int phase_prepare(struct case_ctx *x, unsigned index)
{
	if (case_paths(x->runwork, index, x->work, x->mnt) < 0)
		return -1;
	if (pc_mkdir_p(x->mnt, 0755) < 0 || pc_mkdir_p(x->r->case_dir, 0755) < 0)
		return -1;
	/* First, so that even a case failing early reports its backend. */
	if (pc_backend_select(x->c->backend, &x->dev.ops, x->r->backend_why,
			      sizeof(x->r->backend_why)) < 0)
		return -1;
	/* "fuse requested" would misreport a scenario that asked for auto */
	if (x->c->backend_why)
		snprintf(x->r->backend_why, sizeof(x->r->backend_why), "%s", x->c->backend_why);
	x->r->backend = x->dev.ops->name;
	return x->w.ops->prepare(&x->w);
}

static int phase_device(struct case_ctx *x)
{
	if (x->c->device_size)
		x->dev_size = x->c->device_size;
	else if (x->w.ops->device_size(&x->w, &x->dev_size) < 0)
		return -1;
	snprintf(x->dev.workdir, sizeof(x->dev.workdir), "%s", x->work);
	x->dev.keep_backing = x->o->keep;
	x->dev.volatile_cache = x->c->volatile_cache;
	x->dev.write_log = x->c->crash_points > 0;
	x->dev.log_size = x->c->settings->log_size;
	x->dev_made = 1; /* destroy is safe after a partial create */
	if (x->dev.ops->create(&x->dev, x->dev_size) < 0)
		return -1;
	/* The kernel log's lines about these devices are the case's own. */
	pc_kmsg_note_device(&x->r->km, x->dev.devnum);
	pc_kmsg_note_device(&x->r->km, x->dev.flush_devnum);
	for (size_t i = 0; i < sizeof(x->dev.more_devnums) / sizeof(x->dev.more_devnums[0]); i++)
		pc_kmsg_note_device(&x->r->km, x->dev.more_devnums[i]);
	pc_kmsg_hold(&x->r->km);
	return 0;
}

/* "device_size = 32M", or "device_size = auto (600M)": what sized the
 * case's device, for a reason that depends on it. */
static void device_size_text(const struct case_ctx *x, char *out, size_t len)
{
	char size[32];
	pc_size_text(x->dev_size, size, sizeof(size));
	if (x->c->device_size)
		snprintf(out, len, "device_size = %s", size);
	else
		snprintf(out, len, "device_size = auto (%s)", size);
}

/* HINT after the case's first error, in its reason (the summary line
 * shows it).  Not printed at once: when the kernel log shows that the work
 * folder's filesystem was full, the verdict replaces the reason. */
static void add_hint(struct case_ctx *x, const char *hint)
{
	size_t used = strlen(x->r->reason);
	snprintf(x->r->reason + used, sizeof(x->r->reason) - used, "; %s", hint);
}

/* mkfs ran and failed (a device too small for the filesystem, often): the
 * device's size, which mkfs's own words may not name. */
static void explain_mkfs(struct case_ctx *x)
{
	if (pc_last_errclass != PC_ERR_INPUT)
		return;
	char size[64], hint[128];
	device_size_text(x, size, sizeof(size));
	snprintf(hint, sizeof(hint), "mkfs.%s was given %s", x->c->fs, size);
	add_hint(x, hint);
}

/* The workload failed because the case's filesystem ran out of room
 * (ENOSPC behind its first error): say which setting sized the device, so
 * that "No space left on device" is not read as the host's disk or as a
 * filesystem bug.  The class stays: a filesystem may also run out of room
 * it should have had. */
static void explain_full_device(struct case_ctx *x)
{
	if (pc_captured_errno() != ENOSPC)
		return;
	char size[64], hint[256];
	device_size_text(x, size, sizeof(size));
	if (x->c->device_size)
		snprintf(hint, sizeof(hint), "the %s filesystem filled its device: %s is too small "
			 "for this workload (set it larger, or to auto)", x->c->fs, size);
	else
		snprintf(hint, sizeof(hint), "the %s filesystem filled its device: %s, sized from "
			 "the workload, is too small: set a larger device_size", x->c->fs, size);
	add_hint(x, hint);
}

/* The first mount of what mkfs just made was refused (EINVAL).  Mount it
 * once with no options to tell who is to blame: the mount options (the
 * scenario's error, exit 2), or the filesystem itself, which this kernel
 * cannot mount as mkfs made it (XFS V4 on a kernel without
 * CONFIG_XFS_SUPPORT_V4, casefold without CONFIG_UNICODE: a missing kernel
 * feature, exit 3).  A mount refused after the cut is neither: the same
 * options mounted it before (class RUN, as pc_fs_mount leaves it). */
static void explain_first_mount(struct case_ctx *x, int err)
{
	if (err != EINVAL || pc_last_errclass != PC_ERR_RUN)
		return;
	int bare = pc_fs_mounts_bare(x->dev.devpath, x->mnt, x->c->fs);
	const char *mkfs = x->c->mkfs_opts ? x->c->mkfs_opts : "";
	char hint[512];
	if (bare == 1 && x->c->mount_opts && *x->c->mount_opts) {
		pc_last_errclass = PC_ERR_INPUT;
		snprintf(hint, sizeof(hint), "the kernel refuses these mount options (the %s "
			 "mounts without them)", x->c->fs);
	} else if (bare == 0) {
		pc_last_errclass = PC_ERR_ENV;
		snprintf(hint, sizeof(hint), "this kernel cannot mount the %s that mkfs.%s%s%s "
			 "made, even without mount options (a feature it lacks)", x->c->fs,
			 x->c->fs, *mkfs ? " " : "", mkfs);
	} else {
		return;
	}
	add_hint(x, hint);
}

static int phase_mkfs(struct case_ctx *x)
{
	double t = pc_now();
	int rc = pc_fs_mkfs(x->c->fs, x->c->mkfs_opts, x->dev.devpath);
	x->r->t.mkfs = pc_now() - t;
	if (rc < 0) {
		if (rc == -1) /* mkfs failed; -2: it made what mkfs_opts said */
			explain_mkfs(x);
		return -1;
	}
	if (pc_fs_mount(x->dev.devpath, x->mnt, x->c->fs, x->c->mount_opts) < 0) {
		explain_first_mount(x, errno);
		return -1;
	}
	x->mounted = 1;
	if (pc_fs_mounted_options(x->mnt, x->r->mounted_vfs, sizeof(x->r->mounted_vfs),
				  x->r->mounted_fs, sizeof(x->r->mounted_fs)) < 0)
		x->r->mounted_vfs[0] = x->r->mounted_fs[0] = '\0';
	/* an option the kernel took and did not apply: another configuration */
	if (pc_fs_check_mount_applied(x->mnt, x->c->fs, x->c->mount_opts) < 0)
		return -1;
	return x->w.ops->setup ? x->w.ops->setup(&x->w) : 0;
}

/* The device's counters at one moment; flushes may be counted on another
 * device (backend.h, flush_devnum). */
struct io_mark {
	struct pc_iostat dev, flush;
};

static int io_mark(const struct case_ctx *x, struct io_mark *m)
{
	memset(m, 0, sizeof(*m));
	if (pc_iostat_read(x->dev.devnum, &m->dev) < 0)
		return -1;
	if (x->dev.flush_devnum && pc_iostat_read(x->dev.flush_devnum, &m->flush) < 0)
		return -1;
	return 0;
}

/* The fuse server's flush count now (synclog.h's clock): the same count
 * the mode mark reads.  UINT64_MAX (a promise no state reaches) should the
 * server's counters be gone. */
static uint64_t fuse_flushes_now(void *arg)
{
	struct case_ctx *x = arg;
	struct pc_fuse_counters fc;
	return pc_backend_fuse_counters(&x->dev, &fc) < 0 ? UINT64_MAX : fc.flushes.seen;
}

/* The workload's run: the I/O counters cover exactly it. */
static int phase_write(struct case_ctx *x)
{
	struct io_mark before, after;
	if (io_mark(x, &before) < 0)
		return -1;
	/* Crash points are picked from here on: a cut inside mkfs leaves no
	 * filesystem, which proves nothing about the workload. */
	if (x->c->crash_points && x->dev.ops->log_mark(&x->dev, PC_LOG_MARK_WORKLOAD) < 0)
		return -1;
	/* The fuse device only: its flush count is one atomic read; dm would
	 * need a mark in its log per fsync (docs/design.md). */
	if (x->c->crash_points && x->dev.ops == &pc_backend_fuse)
		x->w.synclog = pc_synclog_new(fuse_flushes_now, x);
	int rc = x->w.ops->run(&x->w);
	/* The run returned: its commit record's fsync did, so every crash
	 * state from here on must hold the record (a workload that cut in its
	 * middle promised nothing this way). */
	if (rc == 0 && x->c->crash_points && !x->w.cut_done &&
	    x->dev.ops->log_mark(&x->dev, PC_LOG_MARK_COMMIT) < 0)
		return -1;
	if (rc < 0 || io_mark(x, &after) < 0)
		return -1;
	pc_iostat_sub(&after.dev, &before.dev, &x->r->io);
	if (x->dev.flush_devnum) {
		struct pc_iostat fl;
		pc_iostat_sub(&after.flush, &before.flush, &fl);
		x->r->io.flushes = fl.flushes;
	}
	return 0;
}

static void describe_result(char *out, size_t len, int rc, int err)
{
	if (rc == 0)
		snprintf(out, len, "ok");
	else
		snprintf(out, len, "%s", strerror(err));
}

/* The power cut: from the commit on, the device loses (or fails) every
 * write.  No sleep between commit and cut. */
static int cut_power(struct case_ctx *x)
{
	/* Once only: a workload may have cut in the middle of its run. */
	if (x->dev.mode != x->c->cut && x->dev.ops->set_mode(&x->dev, x->c->cut) < 0)
		return -1;
	x->r->cache_lost_blocks = x->dev.cache_lost_blocks;
	x->r->cache_lost_bytes = x->dev.cache_lost_bytes;
	return 0;
}

/* w->cut: a workload cutting the power from inside its run. */
static int workload_cut(struct pc_workload_case *w)
{
	if (w->cut_done)
		return 0;
	w->cut_done = 1;
	return cut_power(w->runner);
}

/* w->mode_returned: the durability mode returned, so with crash points
 * every state from here on must hold what it promised.  The first return
 * is the mark (a layout that applies the mode more than once promised the
 * first part then). */
static int workload_mode_returned(struct pc_workload_case *w)
{
	struct case_ctx *x = w->runner;
	if (!x->c->crash_points || w->cut_done || x->dev.log_marked[PC_LOG_MARK_MODE])
		return 0;
	return x->dev.ops->log_mark(&x->dev, PC_LOG_MARK_MODE);
}

/* The test hook POWERCUT_TEST_WIPE_AFTER_CUT (attempts.h). */
static int wipe_for_test(struct case_ctx *x)
{
	const char *n = pc_test_hook(PC_TEST_WIPE_ENV, x->c->id);
	if (!n)
		return 0;
	size_t len = strtoul(n, NULL, 10);
	char *zeros = xcalloc(1, len ? len : 1);
	int fd = open(x->dev.devpath, O_WRONLY | O_CLOEXEC);
	int rc = fd >= 0 && pwrite(fd, zeros, len, 0) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
	if (rc < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "%s: wipe %s", PC_TEST_WIPE_ENV, x->dev.devpath);
	if (fd >= 0)
		close(fd);
	free(zeros);
	return rc < 0 ? rc : pc_blk_flush_buffers(x->dev.devpath);
}

/* The unmount after the cut failed with ERR: say whose doing it is when
 * it is the machine's (class ENV): a process using the filesystem (a shell
 * whose current folder is in it, an indexer or backup agent with a file
 * open), or an unmount by someone else (EINVAL: nothing mounted there). */
static int explain_cut_umount(struct case_ctx *x, int err)
{
	char who[512];
	if (err == EBUSY && pc_fs_mount_users(x->mnt, who, sizeof(who)) > 0)
		return pc_fail(PC_ERR_ENV, "umount %s after the cut: %s: in use by another process, "
			       "%s (its current folder or an open file is on it): the filesystem "
			       "could not be cut", x->mnt, strerror(err), who);
	if (err == EINVAL)
		return pc_fail(PC_ERR_ENV, "umount %s after the cut: %s: the case's filesystem is no "
			       "longer mounted there: something else on the machine unmounted it "
			       "during the case", x->mnt, strerror(err));
	return pc_fail_errno(PC_ERR_RUN, err, "umount %s after the cut", x->mnt);
}

static int phase_cut(struct case_ctx *x)
{
	pc_progress_phase("cut");
	double t = pc_now();
	if (!x->w.cut_done && workload_cut(&x->w) < 0)
		return -1;
	if (x->c->cut == PC_FLAKEY_ERROR) {
		/* Record what the filesystem reports once writes fail. */
		int fd = open(x->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int rc = fd < 0 ? -1 : syncfs(fd);
		describe_result(x->r->cut_syncfs, sizeof(x->r->cut_syncfs), rc, errno);
		if (fd >= 0)
			close(fd);
	}
	int urc = umount2(x->mnt, 0);
	describe_result(x->r->cut_umount, sizeof(x->r->cut_umount), urc, errno);
	if (urc < 0)
		return explain_cut_umount(x, errno);
	x->mounted = 0;
	/* Gone for good before writes pass again: a copy of the mount in
	 * another namespace would write back on its release, after the cut. */
	if (pc_fs_wait_released(x->dev.devpath) < 0)
		return -1;
	/* Invalidate cached blocks while writes are still lost, then again
	 * after allow: the remount must read what the device really holds. */
	if (pc_blk_flush_buffers(x->dev.devpath) < 0)
		return -1;
	dev_t cut_dev = x->dev.devnum;
	if (pc_backend_power_on(&x->dev) < 0)
		return -1;
	/* The device may be a new one now (backend.h, power_on): the one cut
	 * is let go, and may be another run's from here on. */
	if (x->dev.devnum != cut_dev) {
		pc_kmsg_drop_device(&x->r->km, cut_dev);
		pc_kmsg_note_device(&x->r->km, x->dev.devnum);
		pc_kmsg_hold(&x->r->km);
	}
	if (pc_blk_flush_buffers(x->dev.devpath) < 0)
		return -1;
	pc_progress_phase("remount");
	if (wipe_for_test(x) < 0)
		return -1;
	enum pc_errclass cls;
	int m = pc_crash_mount(x->dev.devpath, x->mnt, x->c->fs, x->c->mount_opts,
			       x->r->unmountable, sizeof(x->r->unmountable), &cls);
	if (m < 0) {
		int rc = pc_fail(cls, "%s", x->r->unmountable);
		x->r->unmountable[0] = '\0';
		return rc;
	}
	/* m == 1: what the cut left does not mount, the worst a cut can do:
	 * a finding (pc_verdict_judge), with fsck's word on it. */
	x->mounted = m == 0;
	x->r->t.remount = pc_now() - t;
	return 0;
}

static int save_findings(struct case_ctx *x)
{
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), x->r->case_dir, "findings.txt") < 0)
		return -1;
	return pc_findings_save(&x->r->vr, path);
}

static int phase_verify(struct case_ctx *x)
{
	if (x->r->unmountable[0])
		return 0; /* nothing to verify: the filesystem did not mount */
	pc_progress_phase("verify");
	double t = pc_now();
	if (x->w.ops->verify(&x->w) < 0)
		return -1;
	x->r->t.verify = pc_now() - t;
	return save_findings(x);
}

static int phase_fsck(struct case_ctx *x)
{
	pc_progress_phase("fsck");
	if (x->mounted && pc_fs_umount(x->mnt) < 0)
		return -1;
	x->mounted = 0;
	double t = pc_now();
	x->r->fsck = pc_fs_fsck(x->c->fs, x->dev.devpath, &x->r->fsck_output);
	x->r->t.fsck = pc_now() - t;
	/* A ^C reaches the fsck too (same process group): its verdict is then
	 * meaningless, and must not be recorded as corruption. */
	if (pc_interrupted) {
		x->r->fsck = PC_FSCK_SKIPPED;
		return pc_check_interrupted();
	}
	/* Kept whatever fsck concluded: the output of one that did not
	 * check is what says why. */
	if (x->r->fsck_output) {
		char path[PATH_MAX];
		if (pc_path_join(path, sizeof(path), x->r->case_dir, "fsck.log") == 0)
			pc_write_file(path, x->r->fsck_output, strlen(x->r->fsck_output), 0);
	}
	if (x->r->fsck == PC_FSCK_SKIPPED) /* the tool could not run (said why) */
		return -1;
	/* It ended saying it did not check (said why): an error of the case,
	 * unless the filesystem did not mount either: that fails the case
	 * whatever fsck makes of it (pc_verdict_judge). */
	if (x->r->fsck == PC_FSCK_FAILED && !x->r->unmountable[0])
		return -1;
	return 0;
}

/* After the case: the same workload, cut at other moments (crashpoints.h). */
static int phase_crash_points(struct case_ctx *x)
{
	if (!x->c->crash_points)
		return 0;
	pc_progress_phase("crash points");
	double t = pc_now();
	if (x->dev.ops->log_finish(&x->dev) < 0)
		return -1;
	size_t unclocked = pc_synclog_unclocked(x->w.synclog);
	if (unclocked)
		return pc_fail(PC_ERR_RUN, "crash points: the fuse device's flush count could not be "
			       "read when %zu of the mode's syncs returned, so what they promised "
			       "cannot be checked at the crash points", unclocked);
	const struct pc_crash_target target = {
		.fstype = x->c->fs,
		.mount_opts = x->c->mount_opts,
		.manifest = x->w.manifest,
		.workdir = x->work,
		.size = x->dev_size,
		.first_flush = x->dev.log_flushes[PC_LOG_MARK_WORKLOAD],
		.commit_marked = x->dev.log_marked[PC_LOG_MARK_COMMIT],
		.commit_flush = x->dev.log_flushes[PC_LOG_MARK_COMMIT],
		.mode = pc_mode_name(x->c->mode),
		.mode_marked = x->dev.log_marked[PC_LOG_MARK_MODE],
		.mode_flush = x->dev.log_flushes[PC_LOG_MARK_MODE],
		.mode_promise = pc_mode_promises_durability(x->c->mode) &&
				x->c->expect == PC_EXPECT_INTACT,
		.subsets = x->c->crash_subsets,
		.findings_dir = x->r->case_dir,
		.expect_intact = x->c->expect == PC_EXPECT_INTACT,
		.km = &x->r->km,
		.synclog = x->w.synclog,
	};
	int rc = pc_crash_points_check(x->dev.log_path, x->c->crash_points, &target, &x->r->cp);
	x->r->t.crash_points = pc_now() - t;
	return rc;
}

/* Whether the case saw its device fail or lose anything: an error, an
 * entry lost, a filesystem that does not mount or fsck does not find
 * clean.  Its backing file is then read back (check_backing). */
static int case_in_trouble(const struct case_ctx *x, int rc)
{
	const struct pc_case_result *r = x->r;
	return rc < 0 || r->vr.lost || r->unmountable[0] || r->fsck != PC_FSCK_CLEAN;
}

/* Read the case's backing file back when it saw trouble: a read the host
 * fails now (the disk under the work folder going bad) failed the case's
 * too, what the kernel log kept of it or not (it keeps ten block-layer
 * errors in 5 s).  Holes are skipped; the data is mostly in the page
 * cache, from which the device was read.  A transient error that passed
 * is not seen. */
static void check_backing(struct case_ctx *x, int rc)
{
	if (!x->dev_made || !case_in_trouble(x, rc))
		return;
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), x->work, PC_BACKING_FILE) < 0)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* not made, or gone: nothing of it was read */
	char why[PATH_MAX + 64], msg[PATH_MAX + 256];
	struct pc_capture_aside aside;
	pc_capture_aside_begin(&aside, why, sizeof(why));
	/* EINVAL: a seek the file system cannot do, which says nothing of it */
	int bad = pc_img_read_back(fd, path, x->dev_size) < 0 && errno != EINVAL;
	pc_capture_aside_end(&aside);
	close(fd);
	if (!bad)
		return;
	snprintf(msg, sizeof(msg), "its backing file no longer reads back (%s): the disk or file "
		 "system holding the work folder fails", why);
	pc_fit_middle(x->r->device_failed, sizeof(x->r->device_failed), msg);
	x->r->backing_unreadable = 1;
}

static void teardown(struct case_ctx *x)
{
	/* What the workload mounted (an overlay) pins the filesystem below
	 * it: first. */
	x->w.ops->release(&x->w);
	pc_synclog_free(x->w.synclog);
	x->w.synclog = NULL;
	/* Busy (another process's current folder or open file is on it):
	 * unmounted lazily, the filesystem lives on until they let go, and
	 * so does its device.  Said, with who holds it: the run's output was
	 * silent, and `powercut cleanup` finds nothing of the run's then. */
	char lazy_who[512] = "";
	if (x->mounted && umount2(x->mnt, 0) < 0) {
		int e = errno;
		if (e == EBUSY && pc_fs_mount_users(x->mnt, lazy_who, sizeof(lazy_who)) <= 0)
			snprintf(lazy_who, sizeof(lazy_who), "a process not found in /proc");
		if (e != EBUSY || umount2(x->mnt, MNT_DETACH) < 0) {
			pc_warn("umount %s: %s", x->mnt, strerror(e != EBUSY ? e : errno));
			lazy_who[0] = '\0';
		}
	}
	x->mounted = 0;
	char lazy_dev[sizeof(x->dev.devpath)];
	snprintf(lazy_dev, sizeof(lazy_dev), "%s", x->dev.devpath);
	if (x->dev_made) {
		pc_kmsg_test_inject(&x->r->km);
		/* A filesystem that lives on (another process uses it: the
		 * unmount above was lazy, or someone else's) keeps writing as
		 * its device is taken down: those I/O errors are this
		 * teardown's doing, not the host's (the case already erred,
		 * saying why). */
		if (x->dev.devpath[0] && pc_fs_device_held(x->dev.devpath))
			pc_kmsg_release_devices(&x->r->km);
		x->dev.ops->destroy(&x->dev);
		if (x->dev.failed[0]) /* the likelier cause of a backing file's trouble */
			snprintf(x->r->device_failed, sizeof(x->r->device_failed), "%s", x->dev.failed);
		pc_kmsg_release_devices(&x->r->km);
	}
	x->dev_made = 0;
	if (lazy_who[0] && lazy_dev[0] && pc_fs_device_held(lazy_dev))
		pc_warn("%s was unmounted lazily: %s uses it; its filesystem lives on, and %s stays "
			"attached, until that process lets go of it; the kernel then detaches it "
			"(autoclear), with nothing left for powercut cleanup to do", x->mnt, lazy_who,
			lazy_dev);
	/* Anything a phase left mounted or attached below the case folder. */
	pc_state_teardown_dir(x->work, 0);
	if (!x->o->keep)
		pc_rmtree(x->work);
}

static void case_dir_name(const struct pc_case *c, const char *outdir, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/cases/", outdir);
	if (n > 0 && (size_t)n < len)
		pc_case_folder(c->id, out + n, len - (size_t)n);
}

static enum pc_errclass run_case(const struct pc_case *c, const struct pc_run_opts *o,
				 const char *runwork, unsigned index, struct pc_case_result *r)
{
	struct case_ctx x = { .c = c, .o = o, .r = r, .runwork = runwork };
	x.w = (struct pc_workload_case){
		.ops = pc_workload_of(c), .c = c, .r = r, .platform = o->platform,
		.work = x.work, .mnt = x.mnt, .cut = workload_cut,
		.mode_returned = workload_mode_returned, .runner = &x,
	};
	r->c = c;
	r->backend = c->backend;
	r->fsck = PC_FSCK_SKIPPED;
	pc_capture_errors(r->reason, sizeof(r->reason));
	pc_last_errclass = PC_ERR_NONE;
	pc_tool_timeout = o->tool_timeout >= 0 ? (unsigned)o->tool_timeout
			: c->settings ? c->settings->tool_timeout : PC_TOOL_TIMEOUT_DEFAULT;

	double t0 = pc_now();
	int rc = phase_prepare(&x, index);
	if (rc == 0)
		rc = phase_device(&x);
	if (rc == 0 && c->probe) {
		/* Before mkfs: the probe overwrites the device. */
		pc_progress_phase("probe");
		rc = pc_probe_run(x.dev.devpath, x.work, r->case_dir, &r->device);
		/* Nothing the probe left cached may be read back after mkfs. */
		if (rc == 0)
			rc = pc_blk_flush_buffers(x.dev.devpath);
	}
	if (rc == 0)
		rc = pc_check_interrupted();
	if (rc == 0) {
		pc_progress_phase("mkfs");
		rc = phase_mkfs(&x);
	}
	if (rc == 0 && (rc = phase_write(&x)) < 0)
		explain_full_device(&x);
	if (rc == 0)
		rc = phase_cut(&x);
	if (rc == 0)
		rc = phase_verify(&x);
	if (rc == 0)
		rc = phase_fsck(&x);
	if (rc == 0)
		rc = phase_crash_points(&x);
	enum pc_errclass cls = rc < 0 ? pc_last_errclass : PC_ERR_NONE;
	if (rc < 0) {
		/* Whether a signal had come when the case failed (it is then
		 * what stopped it) or came after (attempts.c's error kind). */
		int sig = pc_captured_signal();
		r->signal_first = sig >= 0 ? sig : (int)pc_interrupted;
		r->verdict = PC_VERDICT_ERROR;
		if (cls == PC_ERR_NONE)
			cls = PC_ERR_RUN;
		/* Out of descriptors, processes or memory: a limit of the
		 * machine's stopped the case, not the case itself. */
		if (pc_note_exhausted(r->reason, sizeof(r->reason), pc_captured_errno()) &&
		    cls == PC_ERR_RUN)
			cls = PC_ERR_ENV;
	}
	pc_progress_phase("teardown");
	check_backing(&x, rc);
	teardown(&x);
	pc_capture_errors(NULL, 0);
	r->t.total = pc_now() - t0;
	pc_verdict_judge(r);
	return cls;
}

static void signal_handler(int sig)
{
	pc_interrupted = sig;
}

static void install_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = signal_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: long waits return EINTR and the phase ends early. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A SIGHUP ignored when we started stays ignored: that is what nohup
	 * asks, so that a run outlives the SSH session that started it. */
	struct sigaction hup;
	if (sigaction(SIGHUP, NULL, &hup) < 0 || hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void pc_runner_catch_signals(void)
{
	install_signals();
}

void pc_runner_catch_ignored(void)
{
	struct sigaction sa = { 0 }, old;
	sa.sa_handler = signal_handler;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = { SIGINT, SIGTERM };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

static int interrupted_before_first_case(void)
{
	pc_fail(PC_ERR_RUN, "interrupted by signal %d before the first case: no case ran",
		(int)pc_interrupted);
	return 128 + pc_interrupted;
}

int pc_runner_run(const struct pc_scenario *sc, const struct pc_run_opts *o,
		  struct pc_run_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc->path;
	rep->opts = o;
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(rep->kernel, sizeof(rep->kernel), "%s", u.release);
	rep->results = xcalloc(sc->ncases ? sc->ncases : 1, sizeof(*rep->results));

	if (pc_mkdir_p(o->outdir, 0755) < 0)
		return PC_EXIT_ENV;
	/* Handlers first: a signal before them kills us before anything is
	 * registered; one after them is seen by the loop, and the registered
	 * folder is removed on the way out. */
	install_signals();
	/* Caught since before the results folder was made: nothing begun. */
	if (pc_interrupted)
		return interrupted_before_first_case();
	char runwork[PATH_MAX];
	pc_state_warn_stale();
	if (pc_state_begin(o->workbase, runwork, sizeof(runwork)) < 0)
		return pc_exit_for_error(PC_EXIT_ENV);
	pc_progress_init();

	enum pc_errclass worst = PC_ERR_NONE;
	int failed = 0, lost = 0;
	for (size_t i = 0; i < sc->ncases && !pc_interrupted; i++) {
		pc_progress_case((unsigned)i + 1, (unsigned)sc->ncases, sc->cases[i].id);
		/* Every case "not run" until the first is done; the count goes up
		 * right after, so a run that gets here always writes its reports. */
		if (i == 0 && o->case_done)
			o->case_done(rep, o->case_done_arg);
		struct pc_case_result *r = &rep->results[rep->nresults++];
		case_dir_name(&sc->cases[i], o->outdir, r->case_dir, sizeof(r->case_dir));
		enum pc_errclass cls = pc_attempts_run(run_case, &sc->cases[i], o, runwork,
						       (unsigned)i, r, rep->kernel);
		if (cls > worst)
			worst = cls;
		if (pc_outcome_fails(r->outcome, o->flaky_ok))
			failed = 1;
		if (r->outcome != PC_OUT_ERROR && pc_outcome_fails(r->outcome, o->flaky_ok))
			lost = 1;
		if (o->case_done)
			o->case_done(rep, o->case_done_arg);
	}
	pc_progress_clear();
	if (o->keep) {
		pc_state_release(runwork);
		fprintf(stderr, "powercut: kept the work folder %s (backing images in case-N/)\n",
			runwork);
	} else if (pc_state_end(runwork) < 0 && worst < PC_ERR_ENV) {
		worst = PC_ERR_ENV; /* a clean-up that left things is no clean run */
	}
	pc_workloads_run_end();

	if (pc_interrupted && rep->nresults == 0)
		return interrupted_before_first_case();
	if (pc_interrupted)
		return 128 + pc_interrupted;
	/* A verdict that failed is the news, whatever else erred: a nightly
	 * job that retries on 3 (the machine's) must never retry it away, as
	 * compare's exit 1 before 3. */
	if (lost)
		return PC_EXIT_FAIL;
	if (worst == PC_ERR_ENV)
		return PC_EXIT_ENV;
	if (worst == PC_ERR_INPUT)
		return PC_EXIT_USAGE;
	return failed ? PC_EXIT_FAIL : PC_EXIT_OK;
}

void pc_case_result_release(struct pc_case_result *r)
{
	pc_verify_result_free(&r->vr);
	pc_crash_points_free(&r->cp);
	pc_fio_result_free(&r->fio);
	free(r->fsck_output);
	r->fsck_output = NULL;
	free(r->layers);
	r->layers = NULL;
	r->nlayers = 0;
}

void pc_run_report_free(struct pc_run_report *rep)
{
	for (size_t i = 0; i < rep->nresults; i++) {
		pc_case_result_release(&rep->results[i]);
		free(rep->results[i].attempts);
	}
	free(rep->results);
	rep->results = NULL;
	rep->nresults = 0;
}
