/* backend_dm.c - the dm-flakey backend, through libdevmapper.
 *
 *   WORKDIR/backing.img   sparse backing file of the device's size
 *   /dev/loopN            attached to it (autoclear)
 *   /dev/mapper/pc-P-N    dm-flakey over the loop device; UUID
 *                         POWERCUT-<pid>.<start>-<n> (dmtable.h)
 *
 * With a write log (crash_points), dm-log-writes sits between the two:
 *
 *   WORKDIR/log-writes.img  sparse log file (b->log_size, default twice the
 *                           device plus 64 MiB), on its own loop device
 *   /dev/mapper/pc-P-N      log-writes over the backing loop, logging to it
 *   /dev/mapper/pc-P-N+1    dm-flakey over the log-writes device
 *
 * so that writes dm-flakey drops at the cut never reach the log.  Marks
 * ("powercut-workload" when the workload starts, "powercut-commit" when its
 * commit returned, "powercut-cut" right after the cut) go in with
 * DM_DEVICE_TARGET_MSG; after the case the devices are removed (the target
 * then writes out everything it holds) and the log is converted to the fuse
 * device's format up to the cut mark (logwrites.h).
 *
 * Switching mode loads the new table, then suspends WITHOUT freezing the
 * filesystem (skip_lockfs: a freeze would write back everything and void
 * the test) and resumes, which swaps the table in.
 *
 * Every task on a case's device goes by its UUID, or (resume, remove:
 * libdevmapper updates the node by name) checks the name still has it: a
 * device of the same name that someone else made is never touched.  A
 * name already taken is skipped.  The live table is read back before the
 * cut and at the end: one someone else changed or removed is b->failed.
 *
 * udev: when udev runs, create/resume/remove wait for it through a cookie.
 * Without udev (DM_DISABLE_UDEV set, or no /run/udev/control) sync support
 * is off and libdevmapper makes and removes the /dev/mapper nodes itself
 * when the cookie is waited for.  DM_DISABLE_UDEV is read when the library
 * loads, so it must be in the environment before powercut starts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdevmapper.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "device/backend.h"
#include "device/dmtable.h"
#include "device/logwrites.h"
#include "device/loop.h"
#include "fs/fs.h"
#include "run/state.h"
#include "util/util.h"

struct dm_priv {
	struct pc_loop lo;
	int attached, made_backing, made_dm;
	int mode_ok; /* the live table is b->mode's, as the last switch left it */
	char backing[PATH_MAX];
	char name[DM_NAME_LEN];
	char uuid[DM_UUID_LEN];
	char under[32];   /* what dm-flakey sits on, as "MAJ:MIN" */
	uint64_t sectors;
	/* write_log: the log-writes device and its log */
	struct pc_loop log_lo;
	int log_attached, made_logfile, made_lw, marked_cut;
	char logfile[PATH_MAX];
	char lw_name[DM_NAME_LEN];
	char lw_uuid[DM_UUID_LEN];
};

#define LW_TARGET "log-writes"
#define MARK_CUT "powercut-cut"
/* The runner's marks (enum pc_log_mark), as written into the log. */
static const char *const mark_names[PC_LOG_MARKS] = {
	[PC_LOG_MARK_WORKLOAD] = "powercut-workload",
	[PC_LOG_MARK_MODE] = "powercut-mode",
	[PC_LOG_MARK_COMMIT] = "powercut-commit",
};

/* ---- libdevmapper set-up and error capture ---- */

/* libdevmapper logs to stderr by default; keep its last error instead and
 * put it into our own one-line message. */
static char dm_last_error[512];

__attribute__((format(printf, 5, 6)))
static void dm_logger(int level, const char *file, int line, int dm_errno_or_class,
		      const char *f, ...)
{
	(void)file;
	(void)line;
	(void)dm_errno_or_class;
	if ((level & 7) > 3) /* _LOG_ERR and worse only */
		return;
	va_list ap;
	va_start(ap, f);
	vsnprintf(dm_last_error, sizeof(dm_last_error), f, ap);
	va_end(ap);
}

static const char *dm_why(void)
{
	return dm_last_error[0] ? dm_last_error : "libdevmapper gave no reason";
}

static void dm_setup(void)
{
	static int done;
	if (!done) {
		done = 1;
		dm_log_with_errno_init(dm_logger);
		const char *why = NULL;
		if (getenv("DM_DISABLE_UDEV"))
			why = "DM_DISABLE_UDEV is set";
		else if (access("/run/udev/control", F_OK) != 0)
			why = "no /run/udev/control";
		if (why)
			dm_udev_set_sync_support(0);
		/* Which path ran, for tests that must know (test-vm-dm.sh). */
		if (getenv("POWERCUT_DEBUG"))
			fprintf(stderr, "powercut: dm: udev sync %s (%s)\n",
				dm_udev_get_sync_support() ? "on" : "off",
				why ? why : "udev is running");
	}
	dm_last_error[0] = '\0';
}

/* ---- tasks ---- */

static struct dm_task *task_new(int type, const char *name, const char *what)
{
	dm_setup();
	struct dm_task *dmt = dm_task_create(type);
	if (!dmt) {
		pc_fail(PC_ERR_RUN, "%s: dm_task_create failed: %s", what, dm_why());
		return NULL;
	}
	if (name && !dm_task_set_name(dmt, name)) {
		pc_fail(PC_ERR_RUN, "%s: dm_task_set_name %s failed: %s", what, name, dm_why());
		dm_task_destroy(dmt);
		return NULL;
	}
	return dmt;
}

/* A task on the device whose UUID is UUID: a device of that name may be
 * another's (ours removed by someone, and the name taken again). */
static struct dm_task *task_new_uuid(int type, const char *uuid, const char *what)
{
	struct dm_task *dmt = task_new(type, NULL, what);
	if (dmt && !dm_task_set_uuid(dmt, uuid)) {
		pc_fail(PC_ERR_RUN, "%s: dm_task_set_uuid %s failed: %s", what, uuid, dm_why());
		dm_task_destroy(dmt);
		return NULL;
	}
	return dmt;
}

/* Run DMT.  udev: the task makes, changes or removes a device node, so wait
 * for udev (or let the library update the nodes when udev is off). */
static int task_run(struct dm_task *dmt, int udev, const char *what)
{
	uint32_t cookie = 0;
	if (udev && !dm_task_set_cookie(dmt, &cookie, 0))
		return pc_fail(PC_ERR_RUN, "%s: dm_task_set_cookie failed: %s", what, dm_why());
	int ok = dm_task_run(dmt);
	if (udev)
		(void)dm_udev_wait(cookie); /* also on failure: releases the cookie */
	if (!ok)
		return pc_fail(PC_ERR_RUN, "%s: %s", what, dm_why());
	return 0;
}

/* Does the device DMT (an INFO task, by name or by UUID) asks of exist?
 * 1 yes, 0 no, -1 could not ask.  Destroys DMT. */
static int info_exists(struct dm_task *dmt)
{
	if (!dmt)
		return -1;
	struct dm_info info;
	int rc = task_run(dmt, 0, "dm device info") == 0 && dm_task_get_info(dmt, &info)
		 ? info.exists != 0 : -1;
	dm_task_destroy(dmt);
	return rc;
}

/* Does the device with UUID exist?  1 yes, 0 no, -1 could not ask. */
static int uuid_exists(const char *uuid)
{
	return info_exists(task_new_uuid(DM_DEVICE_INFO, uuid, "dm device info"));
}

static int uuid_of(const char *name, char *uuid, size_t len, int *deferred);

/* Is the device named NAME still the one with UUID?  Asked before a task
 * that must go by name (resume and remove: libdevmapper updates the
 * /dev/mapper node by name): someone may have removed ours and made
 * another of that name, which powercut must not touch.  0 yes; -1 no
 * (class ENV, WHAT says what was not done) or could not ask. */
static int still_ours(const char *name, const char *uuid, const char *what)
{
	char now[DM_UUID_LEN];
	if (uuid_of(name, now, sizeof(now), NULL) < 0)
		return -1;
	if (strcmp(now, uuid))
		return pc_fail(PC_ERR_ENV, "%s: the dm device %s is no longer the one powercut "
			       "made (UUID %s): it %s; it is left alone", what, name, uuid,
			       now[0] ? "is another's now, with another UUID"
				      : "was removed by something else on the machine");
	return 0;
}

static int add_flakey_target(struct dm_task *dmt, const struct dm_priv *p,
			     enum pc_flakey_mode mode, const char *what)
{
	char params[256];
	if (pc_dmtable_params(mode, p->under, params, sizeof(params)) < 0)
		return -1;
	if (!dm_task_add_target(dmt, 0, p->sectors, PC_DM_TARGET, params))
		return pc_fail(PC_ERR_RUN, "%s: dm_task_add_target failed: %s", what, dm_why());
	return 0;
}

/* ---- probe ---- */

static int proc_misc_has_dm(void)
{
	FILE *f = fopen("/proc/misc", "re");
	if (!f)
		return 0;
	char line[256], name[128];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*d %127s", name) == 1 && !strcmp(name, "device-mapper");
	fclose(f);
	return found;
}

/* Is dm target NAME registered?  1 yes, 0 no, -1 could not ask. */
static int have_target(const char *name)
{
	struct dm_task *dmt = task_new(DM_DEVICE_LIST_VERSIONS, NULL, "list dm targets");
	if (!dmt)
		return -1;
	int found = -1;
	if (dm_task_run(dmt)) {
		struct dm_versions *v = dm_task_get_versions(dmt), *last;
		found = 0;
		do {
			last = v;
			if (!strcmp(v->name, name))
				found = 1;
			v = (struct dm_versions *)((char *)v + v->next);
		} while (!found && last != v);
	}
	dm_task_destroy(dmt);
	return found;
}

static int dm_usable(char *why, size_t whylen)
{
	if (!proc_misc_has_dm()) {
		snprintf(why, whylen, "no device-mapper in this kernel (not in /proc/misc: "
			 "CONFIG_BLK_DEV_DM, module dm-mod)");
		return 0;
	}
	int t = have_target(PC_DM_TARGET);
	if (t < 0) {
		snprintf(why, whylen, "cannot list the device-mapper targets: %s", dm_why());
		return 0;
	}
	if (t == 0) {
		snprintf(why, whylen, "device-mapper has no flakey target (CONFIG_DM_FLAKEY)");
		return 0;
	}
	return 1;
}

static int dm_probe(char *why, size_t whylen)
{
	static int modprobe_tried;
	if (geteuid() != 0) {
		snprintf(why, whylen, "device-mapper needs root");
		return -1;
	}
	if (dm_usable(why, whylen))
		return 0;
	/* dm-flakey pulls in dm-mod; try once per process. */
	if (!modprobe_tried) {
		modprobe_tried = 1;
		if (!pc_modprobe_quiet("dm-flakey"))
			return -1;
		if (dm_usable(why, whylen))
			return 0;
		size_t n = strlen(why);
		snprintf(why + n, whylen - n, "; modprobe dm-flakey did not help");
	}
	return -1;
}

/* The log-writes target, loaded if need be.  A kernel without it cannot
 * log: an environment error, not a failed case. */
static int need_log_writes(void)
{
	int t = have_target(LW_TARGET);
	if (t == 0) {
		pc_modprobe_quiet("dm-log-writes");
		t = have_target(LW_TARGET);
	}
	if (t < 0)
		return pc_fail(PC_ERR_ENV, "crash_points on backend dm: cannot list the "
			       "device-mapper targets: %s", dm_why());
	if (t == 0)
		return pc_fail(PC_ERR_ENV, "crash_points on backend dm: device-mapper has no "
			       "log-writes target (CONFIG_DM_LOG_WRITES; modprobe dm-log-writes "
			       "did not help)");
	return 0;
}

/* ---- create ---- */

static int make_backing(struct dm_priv *p, const char *workdir, uint64_t size)
{
	int n = snprintf(p->backing, sizeof(p->backing), "%s/" PC_BACKING_FILE, workdir);
	if (n < 0 || (size_t)n >= sizeof(p->backing))
		return pc_fail(PC_ERR_RUN, "backing file path in %s: too long", workdir);
	if (pc_backing_file_create(p->backing, size) < 0)
		return -1;
	p->made_backing = 1;
	return 0;
}

static int attach_loop(struct dm_priv *p)
{
	if (pc_loop_attach(p->backing, 1, &p->lo) < 0)
		return -1;
	p->attached = 1;
	uint64_t bytes;
	if (ioctl(p->lo.fd, BLKGETSIZE64, &bytes) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "size of %s (BLKGETSIZE64)", p->lo.path);
	p->sectors = bytes / 512;
	if (p->sectors == 0)
		return pc_fail(PC_ERR_RUN, "%s has no sectors (device size %llu bytes)",
			       p->lo.path, (unsigned long long)bytes);
	snprintf(p->under, sizeof(p->under), "%u:%u", major(p->lo.devnum),
		 minor(p->lo.devnum));
	return 0;
}

/* Read a small file into BUF quietly (absence is an answer here, not an
 * error).  0 or -1. */
static int read_quiet(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Start time of PID in clock ticks (/proc/PID/stat field 22); 0 if gone. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	char text[1024];
	if (read_quiet(path, text, sizeof(text)) < 0)
		return 0;
	unsigned long long start = 0;
	char *p = strrchr(text, ')'); /* the command name may hold spaces */
	/* after ")": field 3 (state) ... field 22 (starttime) */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d"
			 " %*d %*d %*d %*d %llu", &start) != 1)
		start = 0;
	return start;
}

/* Is there a dm device named NAME?  1 yes, 0 no, -1 could not ask. */
static int name_exists(const char *name)
{
	return info_exists(task_new(DM_DEVICE_INFO, name, "dm device info"));
}

#define NAME_TRIES 64

static int make_identity(char *name, size_t namelen, char *uuid, size_t uuidlen)
{
	static unsigned seq;
	pid_t self = getpid();
	/* Without our start time, cleanup could not tell us from the dead. */
	unsigned long long start = proc_start(self);
	if (start == 0)
		return pc_fail(PC_ERR_ENV, "read the start time of pid %ld from /proc",
			       (long)self);
	char first[DM_NAME_LEN] = "";
	for (int tries = 0; tries < NAME_TRIES; tries++) {
		unsigned n = seq++;
		if (pc_dm_name(self, n, name, namelen) < 0 ||
		    pc_dm_uuid(self, start, n, uuid, uuidlen) < 0)
			return -1;
		/* A device of that name that we did not make (a leftover of a
		 * killed run whose pid was ours, another tool's): never ours to
		 * take over, nor to remove; the next name. */
		int taken = name_exists(name);
		if (taken <= 0)
			return taken;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", name);
	}
	return pc_fail(PC_ERR_ENV, "no free dm device name: %s to %s are all taken by devices "
		       "this run did not make ('powercut cleanup' removes those of killed runs)",
		       first, name);
}

/* Without udev the library makes /dev/mapper/NAME while waiting for the
 * cookie; make sure it is there and is our device. */
static int check_node(struct pc_backend *b, const char *name)
{
	snprintf(b->devpath, sizeof(b->devpath), "%s/%s", dm_dir(), name);
	struct stat st;
	if (stat(b->devpath, &st) < 0) {
		dm_task_update_nodes();
		if (stat(b->devpath, &st) < 0)
			return pc_fail_errno(PC_ERR_ENV, errno, "%s was not created (udev running "
					     "but not syncing? set DM_DISABLE_UDEV=1)", b->devpath);
	}
	if (!S_ISBLK(st.st_mode) || st.st_rdev != b->devnum)
		return pc_fail(PC_ERR_RUN, "%s is not the device %u:%u just created", b->devpath,
			       major(b->devnum), minor(b->devnum));
	/* udev's rules make /dev/mapper/NAME a symlink to ../dm-N;
	 * libdevmapper makes a device node. */
	if (getenv("POWERCUT_DEBUG") && lstat(b->devpath, &st) == 0)
		fprintf(stderr, "powercut: dm: %s is %s\n", b->devpath,
			S_ISLNK(st.st_mode) ? "a symlink (made by udev)"
					    : "a device node (made by libdevmapper)");
	return 0;
}

/* Create dm device NAME (UUID) as one TARGET PARAMS over SECTORS; its
 * number into *DEVNUM.  On failure after the device exists, *MADE is 1. */
static int create_dev(const char *name, const char *uuid, const char *target,
		      const char *params, uint64_t sectors, dev_t *devnum, int *made,
		      const char *what)
{
	struct dm_task *dmt = task_new(DM_DEVICE_CREATE, name, what);
	if (!dmt)
		return -1;
	int rc = -1;
	struct dm_info info;
	if (!dm_task_set_uuid(dmt, uuid))
		pc_fail(PC_ERR_RUN, "%s: dm_task_set_uuid failed: %s", what, dm_why());
	else if (!dm_task_add_target(dmt, 0, sectors, target, params))
		pc_fail(PC_ERR_RUN, "%s: dm_task_add_target failed: %s", what, dm_why());
	else if (task_run(dmt, 1, what) == 0) {
		*made = 1;
		if (!dm_task_get_info(dmt, &info) || !info.exists)
			pc_fail(PC_ERR_RUN, "%s: no device info: %s", what, dm_why());
		else {
			*devnum = makedev(info.major, info.minor);
			rc = 0;
		}
	}
	dm_task_destroy(dmt);
	return rc;
}

static int create_flakey(struct pc_backend *b, struct dm_priv *p)
{
	char what[DM_NAME_LEN + PATH_MAX + 64], params[256];
	snprintf(what, sizeof(what), "create dm-flakey device %s over %s", p->name,
		 p->made_lw ? p->lw_name : p->lo.path);
	if (pc_dmtable_params(PC_FLAKEY_ALLOW, p->under, params, sizeof(params)) < 0 ||
	    create_dev(p->name, p->uuid, PC_DM_TARGET, params, p->sectors, &b->devnum,
		       &p->made_dm, what) < 0)
		return -1;
	b->flush_devnum = p->lo.devnum; /* dm counts no flushes; the loop beneath does */
	return check_node(b, p->name);
}

/* The log-writes layer: a log file on its own loop device, and the target
 * over the backing loop.  dm-flakey then sits on it (p->under). */
static int create_log_writes(struct pc_backend *b, struct dm_priv *p, uint64_t size)
{
	if (need_log_writes() < 0)
		return -1;
	uint64_t log_size = b->log_size ? b->log_size : 2 * size + (UINT64_C(64) << 20);
	int n = snprintf(p->logfile, sizeof(p->logfile), "%s/log-writes.img", b->workdir);
	if (n < 0 || (size_t)n >= sizeof(p->logfile))
		return pc_fail(PC_ERR_RUN, "log file path in %s: too long", b->workdir);
	if (pc_backing_file_create(p->logfile, log_size) < 0)
		return -1;
	p->made_logfile = 1;
	if (pc_loop_attach(p->logfile, 1, &p->log_lo) < 0)
		return -1;
	p->log_attached = 1;
	char params[96], what[DM_NAME_LEN + 2 * PATH_MAX + 64];
	snprintf(params, sizeof(params), "%s %u:%u", p->under, major(p->log_lo.devnum),
		 minor(p->log_lo.devnum));
	dev_t lw;
	if (make_identity(p->lw_name, sizeof(p->lw_name), p->lw_uuid, sizeof(p->lw_uuid)) < 0)
		return -1;
	snprintf(what, sizeof(what), "create dm-log-writes device %s over %s, logging to %s",
		 p->lw_name, p->lo.path, p->log_lo.path);
	if (create_dev(p->lw_name, p->lw_uuid, LW_TARGET, params, p->sectors, &lw, &p->made_lw,
		       what) < 0)
		return -1;
	snprintf(p->under, sizeof(p->under), "%u:%u", major(lw), minor(lw));
	b->more_devnums[0] = lw;
	b->more_devnums[1] = p->log_lo.devnum;
	return 0;
}

/* Put mark NAME into the write log. */
static int lw_mark(struct dm_priv *p, const char *name)
{
	char what[DM_NAME_LEN + 96], msg[80];
	snprintf(what, sizeof(what), "mark '%s' in the write log of %s", name, p->lw_name);
	snprintf(msg, sizeof(msg), "mark %s", name);
	struct dm_task *dmt = task_new_uuid(DM_DEVICE_TARGET_MSG, p->lw_uuid, what);
	if (!dmt)
		return -1;
	int rc = -1;
	if (!dm_task_set_sector(dmt, 0) || !dm_task_set_message(dmt, msg))
		pc_fail(PC_ERR_RUN, "%s: %s", what, dm_why());
	else
		rc = task_run(dmt, 0, what);
	dm_task_destroy(dmt);
	return rc;
}

static void dm_destroy(struct pc_backend *b);

static int dm_create(struct pc_backend *b, uint64_t size)
{
	/* dm-flakey has no notion of a write cache: what reached the device
	 * before the cut stays.  The scenario parser already refuses this. */
	if (b->volatile_cache)
		return pc_fail(PC_ERR_INPUT, "write_cache = volatile needs the fuse backend");
	struct dm_priv *p = xcalloc(1, sizeof(*p));
	p->lo.fd = -1;
	b->priv = p;
	b->devpath[0] = '\0';
	b->devnum = 0;
	b->mode = PC_FLAKEY_ALLOW;
	b->failed[0] = '\0';
	if (make_backing(p, b->workdir, size) < 0 || attach_loop(p) < 0 ||
	    (b->write_log && create_log_writes(b, p, size) < 0) ||
	    make_identity(p->name, sizeof(p->name), p->uuid, sizeof(p->uuid)) < 0 ||
	    create_flakey(b, p) < 0) {
		dm_destroy(b);
		return -1;
	}
	p->mode_ok = 1;
	return 0;
}

/* ---- set_mode ---- */

/* The live table of P's dm-flakey device, as "TYPE PARAMS" (a second
 * target's too) into DESC; 1 it is MODE's table as powercut loads it, 0
 * another, -1 it could not be read (printed; ENXIO: the device is gone). */
static int live_table(const struct dm_priv *p, enum pc_flakey_mode mode, char *desc,
		      size_t len)
{
	char what[DM_NAME_LEN + 32];
	snprintf(what, sizeof(what), "read the table of %s", p->name);
	desc[0] = '\0';
	struct dm_task *dmt = task_new_uuid(DM_DEVICE_TABLE, p->uuid, what);
	if (!dmt)
		return -1;
	int rc = task_run(dmt, 0, what);
	struct dm_info info;
	if (rc < 0 ? uuid_exists(p->uuid) == 0 : !dm_task_get_info(dmt, &info) || !info.exists) {
		errno = ENXIO;
		rc = pc_fail(PC_ERR_RUN, "%s: no such device", what);
	}
	if (rc == 0) {
		uint64_t start = 0, length = 0, s2, l2;
		char *type = NULL, *params = NULL, *t2 = NULL, *p2 = NULL;
		void *next = dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
		int targets = type ? 1 : 0;
		if (next) {
			(void)dm_get_next_target(dmt, next, &s2, &l2, &t2, &p2);
			targets += t2 != NULL;
		}
		snprintf(desc, len, "%s%s%s%s%s%s%s", type ? type : "(no table)",
			 params && *params ? " " : "", params ? params : "",
			 t2 ? ", then " : "", t2 ? t2 : "", p2 && *p2 ? " " : "", p2 ? p2 : "");
		rc = pc_dmtable_live_is(mode, p->under, p->sectors, type, start, length, params,
					targets);
	}
	dm_task_destroy(dmt);
	return rc;
}

/* Is the live table the one for MODE?  A switch that silently did not
 * happen would void the test. */
static int check_table(const struct dm_priv *p, enum pc_flakey_mode mode)
{
	char desc[512];
	int rc = live_table(p, mode, desc, sizeof(desc));
	if (rc == 0)
		return pc_fail(PC_ERR_RUN, "%s did not switch to %s: its table is '%s'", p->name,
			       pc_flakey_mode_name(mode), desc);
	return rc < 0 ? -1 : 0;
}

/* Is P's device still as powercut left it (the table of B->mode)?  When
 * something else on the machine changed or removed it (dmsetup reload and
 * resume, dmsetup remove --force, which swaps in an error table, dmsetup
 * remove), what the case saw is that one's doing: say so in B->failed, as
 * for a device the host failed, and return -1 (quiet).  0 when it is ours,
 * or when it could not be asked. */
static int changed_by_others(struct pc_backend *b, const struct dm_priv *p)
{
	if (b->failed[0])
		return -1;
	char desc[512], why[sizeof(dm_last_error)];
	struct pc_capture_aside aside;
	pc_capture_aside_begin(&aside, why, sizeof(why));
	errno = 0;
	int rc = live_table(p, b->mode, desc, sizeof(desc));
	int err = errno;
	pc_capture_aside_end(&aside);
	char want[256];
	if (rc == 0 && pc_dmtable_params(b->mode, p->under, want, sizeof(want)) == 0) {
		char msg[sizeof(desc) + sizeof(want) + DM_NAME_LEN + 256];
		snprintf(msg, sizeof(msg), "its device-mapper table was changed by something else "
			 "on the machine: %s holds '%s', powercut loaded '%s %s' (a dmsetup reload, "
			 "or a dmsetup remove --force, which loads an error table)", p->name, desc,
			 PC_DM_TARGET, want);
		pc_fit_middle(b->failed, sizeof(b->failed), msg);
		return -1;
	}
	if (rc < 0 && err == ENXIO) {
		snprintf(b->failed, sizeof(b->failed), "its dm device %s (%s) was removed by "
			 "something else on the machine (a dmsetup remove)", p->name, p->uuid);
		return -1;
	}
	return 0;
}

/* SUSPEND or RESUME without freezing the filesystem. */
static int suspend_or_resume(const struct dm_priv *p, int type, const char *what)
{
	/* A resume goes by name (libdevmapper's node update): ours still? */
	if (type == DM_DEVICE_RESUME && still_ours(p->name, p->uuid, what) < 0)
		return -1;
	struct dm_task *dmt = type == DM_DEVICE_RESUME ? task_new(type, p->name, what)
						       : task_new_uuid(type, p->uuid, what);
	if (!dmt)
		return -1;
	int rc = -1;
	if (!dm_task_skip_lockfs(dmt))
		pc_fail(PC_ERR_RUN, "%s: dm_task_skip_lockfs failed: %s", what, dm_why());
	else
		rc = task_run(dmt, type == DM_DEVICE_RESUME, what);
	dm_task_destroy(dmt);
	return rc;
}

static int dm_set_mode(struct pc_backend *b, enum pc_flakey_mode mode)
{
	struct dm_priv *p = b->priv;
	if (!p || !p->made_dm)
		return pc_fail(PC_ERR_RUN, "set dm-flakey mode: no device");
	char what[DM_NAME_LEN + 64];
	snprintf(what, sizeof(what), "switch %s to %s", p->name, pc_flakey_mode_name(mode));
	/* The device as this run left it, or the switch would hide that
	 * something else changed it under the case. */
	if (p->mode_ok && changed_by_others(b, p) < 0)
		return pc_fail(PC_ERR_ENV, "%s: the device failed under the case: %s", what,
			       b->failed);
	p->mode_ok = 0;
	snprintf(what, sizeof(what), "load the %s table into %s", pc_flakey_mode_name(mode),
		 p->name);
	struct dm_task *dmt = task_new_uuid(DM_DEVICE_RELOAD, p->uuid, what);
	if (!dmt)
		return -1;
	int rc = add_flakey_target(dmt, p, mode, what);
	if (rc == 0)
		rc = task_run(dmt, 0, what);
	dm_task_destroy(dmt);
	if (rc < 0)
		return -1;

	snprintf(what, sizeof(what), "suspend %s (skip_lockfs)", p->name);
	if (suspend_or_resume(p, DM_DEVICE_SUSPEND, what) < 0) {
		/* A failed suspend may leave it half-suspended: resume. */
		snprintf(what, sizeof(what), "resume %s after a failed suspend", p->name);
		(void)suspend_or_resume(p, DM_DEVICE_RESUME, what);
		return -1;
	}
	snprintf(what, sizeof(what), "resume %s with the %s table", p->name,
		 pc_flakey_mode_name(mode));
	if (suspend_or_resume(p, DM_DEVICE_RESUME, what) < 0 || check_table(p, mode) < 0)
		return -1;
	b->mode = mode;
	p->mode_ok = 1;
	/* The suspend waited for every write in flight: what the log holds
	 * before this mark is what reached the device before the cut. */
	if (mode != PC_FLAKEY_ALLOW && p->made_lw && !p->marked_cut) {
		if (lw_mark(p, MARK_CUT) < 0)
			return -1;
		p->marked_cut = 1;
	}
	return 0;
}

static int remove_dev(const char *name, const char *uuid);

static int dm_log_mark(struct pc_backend *b, enum pc_log_mark which)
{
	struct dm_priv *p = b->priv;
	if (!p || !p->made_lw)
		return pc_fail(PC_ERR_RUN, "mark the write log: no dm-log-writes device");
	if (lw_mark(p, mark_names[which]) < 0)
		return -1;
	b->log_marked[which] = 1;
	return 0;
}

/* Each mark the runner made, found in the converted log: the flushes
 * before it. */
static int find_marks(struct pc_backend *b, const struct dm_priv *p,
		      const struct pc_logwrites_info *info)
{
	for (int m = 0; m < PC_LOG_MARKS; m++) {
		if (!b->log_marked[m])
			continue;
		int64_t n = pc_logwrites_mark_flushes(info, mark_names[m]);
		if (n < 0)
			return pc_fail(PC_ERR_RUN, "dm-log-writes log %s has no mark '%s' before "
				       "the cut", p->logfile, mark_names[m]);
		b->log_flushes[m] = (uint64_t)n;
	}
	return 0;
}

/* Remove the stack above the loop devices (the log-writes target writes
 * out everything it holds when removed), then convert the log up to the
 * cut mark into b->log_path.  The filesystem must be unmounted. */
static int dm_log_finish(struct pc_backend *b)
{
	struct dm_priv *p = b->priv;
	if (!p || !p->made_lw || !p->marked_cut)
		return pc_fail(PC_ERR_RUN, "write log: no dm-log-writes device, or no cut was made");
	if (p->made_dm && p->mode_ok && changed_by_others(b, p) < 0)
		return pc_fail(PC_ERR_ENV, "write log: the device failed under the case: %s",
			       b->failed);
	if (p->made_dm && remove_dev(p->name, p->uuid) < 0)
		return -1;
	p->made_dm = 0;
	b->devpath[0] = '\0';
	if (remove_dev(p->lw_name, p->lw_uuid) < 0)
		return -1;
	p->made_lw = 0;
	int n = snprintf(b->log_path, sizeof(b->log_path), "%s/write.log", b->workdir);
	if (n < 0 || (size_t)n >= sizeof(b->log_path))
		return pc_fail(PC_ERR_RUN, "write log path in %s: too long", b->workdir);
	struct pc_logwrites_info info;
	if (pc_logwrites_convert(p->logfile, MARK_CUT, p->sectors * 512, b->log_path, &info) < 0)
		return -1;
	if (!b->log_marked[PC_LOG_MARK_WORKLOAD])
		return pc_fail(PC_ERR_RUN, "write log: the workload's start was not marked");
	if (find_marks(b, p, &info) < 0)
		return -1;
	/* The raw log is not needed any more, the converted one is; --keep
	 * keeps it for replay-log and the like. */
	if (b->keep_backing)
		return 0;
	if (unlink(p->logfile) < 0)
		pc_warn("remove %s: %s", p->logfile, strerror(errno));
	else
		p->made_logfile = 0;
	return 0;
}

/* ---- destroy and cleanup ---- */

/* Remove dm device NAME, retrying while it is busy, if it is still the one
 * with UUID.  0 or -1 (printed). */
/* Remove NAME (already checked to be ours): now, with libdevmapper's
 * retries, or DEFERRED, at its last close. */
static int run_remove(const char *name, int deferred, const char *what)
{
	struct dm_task *dmt = task_new(DM_DEVICE_REMOVE, name, what);
	if (!dmt)
		return -1;
	int rc = -1;
	if (!(deferred ? dm_task_deferred_remove(dmt) : dm_task_retry_remove(dmt)))
		pc_fail(PC_ERR_RUN, "%s: dm_task_%s_remove failed: %s", what,
			deferred ? "deferred" : "retry", dm_why());
	else
		rc = task_run(dmt, 1, what);
	dm_task_destroy(dmt);
	return rc;
}

static int remove_dev(const char *name, const char *uuid)
{
	char what[DM_NAME_LEN + 32];
	snprintf(what, sizeof(what), "remove dm device %s", name);
	if (still_ours(name, uuid, what) < 0)
		return -1;
	return run_remove(name, 0, what);
}

/* NAME (UUID) could not be removed: a process on the machine still holds
 * it open (it took the case's device).  Ask the kernel to remove it at its
 * last close (deferred remove), so that nothing of the case stays once
 * that process lets go: the loop devices beneath, autoclear, go with it.
 * 0 scheduled (said), -1 not (the failure printed stays). */
static int remove_deferred(const char *name, const char *uuid)
{
	char what[DM_NAME_LEN + 48], who[512] = "", node[PATH_MAX];
	snprintf(what, sizeof(what), "deferred remove of dm device %s", name);
	if (uuid_exists(uuid) != 1 || still_ours(name, uuid, what) < 0)
		return -1;
	snprintf(node, sizeof(node), "%s/%s", dm_dir(), name);
	(void)pc_fs_device_openers(node, who, sizeof(who));
	int rc = run_remove(name, 1, what);
	if (rc == 0)
		pc_warn("dm device %s is still open%s%s: the kernel removes it, and the loop "
			"devices beneath, once it is let go (deferred remove)", name,
			who[0] ? " by " : "", who);
	return rc;
}

/* Remove NAME (UUID) (when TRY, else straight to the deferred remove);
 * one still held gets a deferred remove (*DEFERRED set); one already gone
 * (removed by someone else) is done.  0 or -1 (printed). */
static int remove_or_defer(const char *name, const char *uuid, int try, int *deferred)
{
	if (uuid_exists(uuid) == 0)
		return 0;
	char why[512] = "";
	if (try) {
		struct pc_capture_aside aside;
		pc_capture_aside_begin(&aside, why, sizeof(why));
		int rc = remove_dev(name, uuid);
		pc_capture_aside_end(&aside);
		if (rc == 0)
			return 0;
	}
	if (remove_deferred(name, uuid) == 0) {
		*deferred = 1;
		return 0;
	}
	if (why[0])
		pc_fail(PC_ERR_RUN, "%s", why);
	return -1;
}

static void dm_destroy(struct pc_backend *b)
{
	struct dm_priv *p = b->priv;
	if (!p)
		return;
	/* Changed or removed by someone else since the last switch: what the
	 * case saw is that one's doing (b->failed). */
	if (p->made_dm && p->mode_ok)
		(void)changed_by_others(b, p);
	/* Top down: dm-flakey holds log-writes, which holds both loops.  One
	 * that something else removed is gone: nothing to do. */
	int deferred = 0;
	if (p->made_dm && remove_or_defer(p->name, p->uuid, 1, &deferred) == 0)
		p->made_dm = 0;
	/* Under a dm-flakey that waits for its deferred remove, log-writes
	 * is held too: deferred as well, it goes when the one above does. */
	if (p->made_lw && !p->made_dm &&
	    remove_or_defer(p->lw_name, p->lw_uuid, !deferred, &deferred) == 0)
		p->made_lw = 0;
	/* The dm devices hold the loop devices open; with them gone, detaching
	 * frees them (autoclear would anyway at the last close). */
	int held = p->made_dm || p->made_lw;
	if (p->attached && !held) {
		pc_loop_detach(&p->lo);
		p->attached = 0;
	}
	if (p->log_attached && !held) {
		pc_loop_detach(&p->log_lo);
		p->log_attached = 0;
	}
	if (p->made_backing && !b->keep_backing && unlink(p->backing) < 0 && errno != ENOENT)
		pc_warn("remove %s: %s", p->backing, strerror(errno));
	if (p->made_logfile && !b->keep_backing && unlink(p->logfile) < 0 && errno != ENOENT)
		pc_warn("remove %s: %s", p->logfile, strerror(errno));
	if (held || p->attached || p->log_attached)
		pc_warn("dm device %s (%s) left behind: 'powercut cleanup' removes it",
			p->name, p->uuid);
	if (p->attached)
		close(p->lo.fd);
	if (p->log_attached)
		close(p->log_lo.fd);
	free(p);
	b->priv = NULL;
	b->devpath[0] = '\0';
	b->devnum = 0;
}

struct dm_dev_ent {
	char name[DM_NAME_LEN];
	char uuid[DM_UUID_LEN];
};

/* NAME's UUID ("" if none, or no such device); *DEFERRED (if given): a
 * deferred remove is pending on it. */
static int uuid_of(const char *name, char *uuid, size_t len, int *deferred)
{
	struct dm_task *dmt = task_new(DM_DEVICE_INFO, name, "dm device info");
	if (!dmt)
		return -1;
	int rc = task_run(dmt, 0, "dm device info");
	struct dm_info info;
	uuid[0] = '\0';
	if (deferred)
		*deferred = 0;
	if (rc == 0 && dm_task_get_info(dmt, &info) && info.exists) {
		const char *u = dm_task_get_uuid(dmt);
		snprintf(uuid, len, "%s", u ? u : "");
		if (deferred)
			*deferred = info.deferred_remove != 0;
	}
	dm_task_destroy(dmt);
	return rc;
}

/* The dm devices whose UUID has powercut's prefix: *out (malloc'd), count
 * returned; -1 on error.  0 without asking when the kernel has no dm. */
static int list_ours(struct dm_dev_ent **out)
{
	*out = NULL;
	if (!proc_misc_has_dm())
		return 0;
	struct dm_task *dmt = task_new(DM_DEVICE_LIST, NULL, "list dm devices");
	if (!dmt)
		return -1;
	if (task_run(dmt, 0, "list dm devices") < 0) {
		dm_task_destroy(dmt);
		return -1;
	}
	struct dm_dev_ent *v = NULL;
	int n = 0;
	struct dm_names *names = dm_task_get_names(dmt);
	for (unsigned next = names && names->dev ? 1 : 0; next;) {
		char uuid[DM_UUID_LEN];
		int deferred;
		/* One whose deferred remove is pending goes by itself once its
		 * last opener lets go (dm_destroy): removing it now fails. */
		if (uuid_of(names->name, uuid, sizeof(uuid), &deferred) == 0 && !deferred &&
		    !strncmp(uuid, PC_DM_UUID_PREFIX, strlen(PC_DM_UUID_PREFIX))) {
			v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
			snprintf(v[n].name, sizeof(v[n].name), "%s", names->name);
			snprintf(v[n].uuid, sizeof(v[n].uuid), "%s", uuid);
			n++;
		}
		next = names->next;
		names = (struct dm_names *)((char *)names + next);
	}
	dm_task_destroy(dmt);
	*out = v;
	return n;
}

static int path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* The dm device NAME's number; 0 if it cannot be had. */
static dev_t devnum_of(const char *name)
{
	struct dm_task *dmt = task_new(DM_DEVICE_INFO, name, "dm device info");
	if (!dmt)
		return 0;
	struct dm_info info;
	dev_t d = 0;
	if (task_run(dmt, 0, "dm device info") == 0 && dm_task_get_info(dmt, &info) &&
	    info.exists)
		d = makedev(info.major, info.minor);
	dm_task_destroy(dmt);
	return d;
}

/* Does another device sit on dm device NAME (dm-flakey on dm-log-writes)? */
static int has_holders(const char *name)
{
	dev_t d = devnum_of(name);
	char path[96];
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/holders", major(d), minor(d));
	DIR *dir = d ? opendir(path) : NULL;
	if (!dir)
		return 0;
	int held = 0;
	struct dirent *e;
	while (!held && (e = readdir(dir)))
		held = e->d_name[0] != '.';
	closedir(dir);
	return held;
}

/* Does dm device NAME sit, directly or through other dm devices (at most
 * DEPTH deep), on a loop device whose backing file is below DIR? */
static int backed_below_depth(const char *name, const char *dir, int depth)
{
	struct dm_task *dmt = task_new(DM_DEVICE_DEPS, name, "dm device dependencies");
	if (!dmt)
		return 0;
	int found = 0;
	struct dm_deps *deps;
	if (task_run(dmt, 0, "dm device dependencies") == 0 && (deps = dm_task_get_deps(dmt))) {
		for (uint32_t i = 0; i < deps->count && !found; i++) {
			char path[128];
			dev_t d = (dev_t)deps->device[i];
			char text[PATH_MAX + 16];
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file",
				 major(d), minor(d));
			if (read_quiet(path, text, sizeof(text)) == 0) {
				text[strcspn(text, "\n")] = '\0';
				found = path_below(text, dir);
				continue;
			}
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/dm/name", major(d),
				 minor(d));
			if (depth > 0 && read_quiet(path, text, sizeof(text)) == 0) {
				text[strcspn(text, "\n")] = '\0';
				found = backed_below_depth(text, dir, depth - 1);
			}
		}
	}
	dm_task_destroy(dmt);
	return found;
}

static int backed_below(const char *name, const char *dir)
{
	return backed_below_depth(name, dir, 4);
}

typedef int (*dm_pick_fn)(const struct dm_dev_ent *e, const void *arg);

/* Remove our devices that PICK selects, upper ones first: a device others
 * sit on waits for the next pass.  Count removed, -1 if any failed. */
static int remove_picked(dm_pick_fn pick, const void *arg, int verbose)
{
	struct dm_dev_ent *v;
	int n = list_ours(&v);
	if (n < 0)
		return -1;
	char *todo = xcalloc((size_t)n + 1, 1);
	int left = 0;
	for (int i = 0; i < n; i++)
		if ((todo[i] = (char)(pick(&v[i], arg) != 0)))
			left++;
	int count = 0, rc = 0;
	for (int pass = 0; left > 0 && pass < 4; pass++) {
		for (int i = 0; i < n; i++) {
			/* Held devices wait, but the last pass tries them anyway. */
			if (!todo[i] || (pass < 3 && has_holders(v[i].name)))
				continue;
			todo[i] = 0;
			left--;
			if (remove_dev(v[i].name, v[i].uuid) < 0) {
				rc = -1;
				continue;
			}
			count++;
			if (verbose)
				printf("removed dm device %s (%s)\n", v[i].name, v[i].uuid);
		}
	}
	free(todo);
	free(v);
	return rc < 0 ? -1 : count;
}

static int pick_below(const struct dm_dev_ent *e, const void *dir)
{
	return backed_below(e->name, dir);
}

static int dm_teardown_below(const char *workdir, int verbose)
{
	return remove_picked(pick_below, workdir, verbose);
}

static int pick_dead(const struct dm_dev_ent *e, const void *arg)
{
	(void)arg;
	pid_t pid;
	unsigned long long start;
	if (pc_dm_identity_parse(e->name, e->uuid, &pid, &start) < 0)
		return 0; /* a POWERCUT- UUID we did not make: leave it */
	return proc_start(pid) != start;
}

/* Every dm device whose UUID has powercut's prefix and whose creating
 * process (pid and start time, from the UUID) is gone; nothing (0) on a
 * kernel without device-mapper. */
static int dm_remove_dead(int verbose)
{
	return remove_picked(pick_dead, NULL, verbose);
}

const struct pc_backend_ops pc_backend_dm = {
	.name = "dm",
	.caps = PC_BACKEND_NEEDS_DM | PC_BACKEND_WRITE_LOG | PC_BACKEND_LOG_SIZE,
	.probe = dm_probe,
	.create = dm_create,
	.set_mode = dm_set_mode,
	.destroy = dm_destroy,
	.teardown_below = dm_teardown_below,
	.remove_dead = dm_remove_dead,
	.log_mark = dm_log_mark,
	.log_finish = dm_log_finish,
};
