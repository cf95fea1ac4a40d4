/* backend_dm.c - the dm-flakey backend, through libdevmapper.
 *
 *   WORKDIR/backing.img   sparse backing file of the device's size
 *   /dev/loopN            attached to it (autoclear)
 *   /dev/mapper/pc-P-N    dm-flakey over the loop device; UUID
 *                         POWERCUT-<pid>.<start>-<n> (dmtable.h)
 *
 * Switching mode loads the new table, then suspends WITHOUT freezing the
 * filesystem (skip_lockfs: a freeze would write back everything and void
 * the test) and resumes, which swaps the table in.
 *
 * udev: when udev runs, create/resume/remove wait for it through a cookie.
 * Without udev (DM_DISABLE_UDEV set, or no /run/udev/control) sync support
 * is off and libdevmapper makes and removes the /dev/mapper nodes itself
 * when the cookie is waited for.  DM_DISABLE_UDEV is read when the library
 * loads, so it must be in the environment before powercut starts.
 */
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

#include "backend.h"
#include "dmtable.h"
#include "loop.h"
#include "state.h"
#include "util.h"

struct dm_priv {
	struct pc_loop lo;
	int attached, made_backing, made_dm;
	char backing[PATH_MAX];
	char name[DM_NAME_LEN];
	char uuid[DM_UUID_LEN];
	char under[32];   /* the loop device as "MAJ:MIN" */
	uint64_t sectors;
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

/* Is the flakey target registered?  1 yes, 0 no, -1 could not ask. */
static int have_flakey_target(void)
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
			if (!strcmp(v->name, PC_DM_TARGET))
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
		snprintf(why, whylen, "no device-mapper in this kernel (/proc/misc)");
		return 0;
	}
	int t = have_flakey_target();
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
	if (!modprobe_tried && pc_have_program("modprobe")) {
		modprobe_tried = 1;
		char *argv[] = { "modprobe", "-q", "dm-flakey", NULL };
		char *out = NULL;
		int status;
		if (pc_run(argv, &out, &status) == 0 && status == 0 && dm_usable(why, whylen)) {
			free(out);
			return 0;
		}
		free(out);
		size_t n = strlen(why);
		snprintf(why + n, whylen - n, "; modprobe dm-flakey did not help");
	}
	return -1;
}

/* ---- create ---- */

static int make_backing(struct dm_priv *p, const char *workdir, uint64_t size)
{
	int n = snprintf(p->backing, sizeof(p->backing), "%s/backing.img", workdir);
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

static int make_identity(struct dm_priv *p)
{
	static unsigned seq;
	pid_t self = getpid();
	unsigned n = seq++;
	/* Without our start time, cleanup could not tell us from the dead. */
	unsigned long long start = proc_start(self);
	if (start == 0)
		return pc_fail(PC_ERR_ENV, "read the start time of pid %ld from /proc",
			       (long)self);
	if (pc_dm_name(self, n, p->name, sizeof(p->name)) < 0 ||
	    pc_dm_uuid(self, start, n, p->uuid, sizeof(p->uuid)) < 0)
		return -1;
	return 0;
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

static int create_flakey(struct pc_backend *b, struct dm_priv *p)
{
	char what[DM_NAME_LEN + PATH_MAX + 64];
	snprintf(what, sizeof(what), "create dm-flakey device %s over %s", p->name, p->lo.path);
	struct dm_task *dmt = task_new(DM_DEVICE_CREATE, p->name, what);
	if (!dmt)
		return -1;
	int rc = -1;
	if (!dm_task_set_uuid(dmt, p->uuid)) {
		pc_fail(PC_ERR_RUN, "%s: dm_task_set_uuid failed: %s", what, dm_why());
		goto out;
	}
	if (add_flakey_target(dmt, p, PC_FLAKEY_ALLOW, what) < 0 || task_run(dmt, 1, what) < 0)
		goto out;
	p->made_dm = 1;
	struct dm_info info;
	if (!dm_task_get_info(dmt, &info) || !info.exists) {
		pc_fail(PC_ERR_RUN, "%s: no device info: %s", what, dm_why());
		goto out;
	}
	b->devnum = makedev(info.major, info.minor);
	b->flush_devnum = p->lo.devnum; /* dm counts no flushes; the loop beneath does */
	rc = check_node(b, p->name);
out:
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
	if (b->write_log)
		return pc_fail(PC_ERR_INPUT, "crash_points needs the fuse backend");
	struct dm_priv *p = xcalloc(1, sizeof(*p));
	p->lo.fd = -1;
	b->priv = p;
	b->devpath[0] = '\0';
	b->devnum = 0;
	b->mode = PC_FLAKEY_ALLOW;
	if (make_backing(p, b->workdir, size) < 0 || attach_loop(p) < 0 ||
	    make_identity(p) < 0 || create_flakey(b, p) < 0) {
		dm_destroy(b);
		return -1;
	}
	return 0;
}

/* ---- set_mode ---- */

/* Is the live table the one for MODE?  A switch that silently did not
 * happen would void the test. */
static int check_table(const struct dm_priv *p, enum pc_flakey_mode mode)
{
	char what[DM_NAME_LEN + 32];
	snprintf(what, sizeof(what), "read the table of %s", p->name);
	struct dm_task *dmt = task_new(DM_DEVICE_TABLE, p->name, what);
	if (!dmt)
		return -1;
	int rc = task_run(dmt, 0, what);
	if (rc == 0) {
		uint64_t start, length;
		char *type = NULL, *params = NULL;
		(void)dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
		if (!type || strcmp(type, PC_DM_TARGET) || start != 0 || length != p->sectors ||
		    !pc_dmtable_matches(mode, p->under, params))
			rc = pc_fail(PC_ERR_RUN, "%s did not switch to %s: its table is '%s %s'",
				     p->name, pc_flakey_mode_name(mode), type ? type : "",
				     params ? params : "");
	}
	dm_task_destroy(dmt);
	return rc;
}

/* SUSPEND or RESUME without freezing the filesystem. */
static int suspend_or_resume(const struct dm_priv *p, int type, const char *what)
{
	struct dm_task *dmt = task_new(type, p->name, what);
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
	snprintf(what, sizeof(what), "load the %s table into %s", pc_flakey_mode_name(mode),
		 p->name);
	struct dm_task *dmt = task_new(DM_DEVICE_RELOAD, p->name, what);
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
	return 0;
}

/* ---- destroy and cleanup ---- */

/* Remove dm device NAME, retrying while it is busy.  0 or -1 (printed). */
static int remove_dev(const char *name)
{
	char what[DM_NAME_LEN + 32];
	snprintf(what, sizeof(what), "remove dm device %s", name);
	struct dm_task *dmt = task_new(DM_DEVICE_REMOVE, name, what);
	if (!dmt)
		return -1;
	int rc = -1;
	if (!dm_task_retry_remove(dmt))
		pc_fail(PC_ERR_RUN, "%s: dm_task_retry_remove failed: %s", what, dm_why());
	else
		rc = task_run(dmt, 1, what);
	dm_task_destroy(dmt);
	return rc;
}

static void dm_destroy(struct pc_backend *b)
{
	struct dm_priv *p = b->priv;
	if (!p)
		return;
	if (p->made_dm && remove_dev(p->name) == 0)
		p->made_dm = 0;
	/* The dm device holds the loop device open; with it gone, detaching
	 * frees it (autoclear would anyway at the last close). */
	if (p->attached && !p->made_dm) {
		pc_loop_detach(&p->lo);
		p->attached = 0;
	}
	if (p->made_backing && !b->keep_backing && unlink(p->backing) < 0 && errno != ENOENT)
		pc_warn("remove %s: %s", p->backing, strerror(errno));
	if (p->made_dm || p->attached)
		pc_warn("dm device %s (%s) left behind: 'powercut cleanup' removes it",
			p->name, p->uuid);
	if (p->attached)
		close(p->lo.fd);
	free(p);
	b->priv = NULL;
	b->devpath[0] = '\0';
	b->devnum = 0;
}

struct dm_dev_ent {
	char name[DM_NAME_LEN];
	char uuid[DM_UUID_LEN];
};

static int uuid_of(const char *name, char *uuid, size_t len)
{
	struct dm_task *dmt = task_new(DM_DEVICE_INFO, name, "dm device info");
	if (!dmt)
		return -1;
	int rc = task_run(dmt, 0, "dm device info");
	if (rc == 0) {
		const char *u = dm_task_get_uuid(dmt);
		snprintf(uuid, len, "%s", u ? u : "");
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
		if (uuid_of(names->name, uuid, sizeof(uuid)) == 0 &&
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

/* Does dm device NAME sit on a loop device whose backing file is below DIR? */
static int backed_below(const char *name, const char *dir)
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
			snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file",
				 major(d), minor(d));
			char text[PATH_MAX + 16];
			if (read_quiet(path, text, sizeof(text)) == 0) {
				text[strcspn(text, "\n")] = '\0';
				found = path_below(text, dir);
			}
		}
	}
	dm_task_destroy(dmt);
	return found;
}

typedef int (*dm_pick_fn)(const struct dm_dev_ent *e, const void *arg);

/* Remove our devices that PICK selects; count removed, -1 if any failed. */
static int remove_picked(dm_pick_fn pick, const void *arg, int verbose)
{
	struct dm_dev_ent *v;
	int n = list_ours(&v);
	if (n < 0)
		return -1;
	int count = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		if (!pick(&v[i], arg))
			continue;
		if (remove_dev(v[i].name) < 0) {
			rc = -1;
			continue;
		}
		count++;
		if (verbose)
			printf("removed dm device %s (%s)\n", v[i].name, v[i].uuid);
	}
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
	if (pc_dm_uuid_parse(e->uuid, &pid, &start) < 0)
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
	.caps = PC_BACKEND_NEEDS_DM,
	.probe = dm_probe,
	.create = dm_create,
	.set_mode = dm_set_mode,
	.destroy = dm_destroy,
	.teardown_below = dm_teardown_below,
	.remove_dead = dm_remove_dead,
};
