/* outdir.c - make, check and lock a run's results folder. */
#include "run/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/util.h"

/* The pid written in a held lock file, or 0. */
static long lock_owner(int fd)
{
	char buf[32] = { 0 };
	ssize_t n = pc_pread_full(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 ? strtol(buf, NULL, 10) : 0;
}

/* What a lock file that is there (lstat ST) but not one a run leaves is:
 * NULL when it is one (a regular file with no other name: a run killed by
 * SIGKILL leaves it, and it is taken over). */
static const char *odd_lock(const struct stat *st)
{
	return S_ISLNK(st->st_mode) ? "a symlink" : S_ISDIR(st->st_mode) ? "a folder"
	       : !S_ISREG(st->st_mode) ? "not a regular file"
	       : st->st_nlink > 1 ? "a file with other hard links" : NULL;
}

/* -1 (an input error) naming LOCK, in results folder DIR, when it is
 * there as ST but is odd_lock: the run would write its pid through it
 * (into the file a symlink or hard link names) or fail on it. */
static int refuse_odd_lock(const char *dir, const char *lock, const struct stat *st)
{
	const char *what = odd_lock(st);
	if (!what)
		return 0;
	char to[PATH_MAX] = "";
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(lock, to, sizeof(to) - 1);
		to[n < 0 ? 0 : n] = '\0';
	}
	char *shown = pc_esc_text(to);
	int rc = pc_fail(PC_ERR_INPUT, "results folder %s: its lock file %s is %s%s%s, not the "
			 "lock file a run leaves; remove it, or give another folder with -o", dir,
			 lock, what, to[0] ? " to " : "", shown);
	free(shown);
	return rc;
}

/* The same, looked up (nothing there: 0). */
static int check_lock_file(const char *dir)
{
	char *lock = xasprintf("%s/%s", dir, PC_OUTDIR_LOCK);
	struct stat st;
	int rc = lstat(lock, &st) == 0 ? refuse_odd_lock(dir, lock, &st) : 0;
	free(lock);
	return rc;
}

/* Lock DIR/PC_OUTDIR_LOCK; DIR exists.  Another run may remove the lock
 * file between our open and our flock: then the inode we locked is no
 * longer the file's, and we try again. */
static int lock_dir(const char *dir, struct pc_outdir *od)
{
	char *lock = xasprintf("%s/%s", dir, PC_OUTDIR_LOCK);
	int rc = -1;
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		struct stat st;
		if (fd < 0) {
			int e = errno;
			/* A symlink (ELOOP), a folder (EISDIR) ...: the input's. */
			if (lstat(lock, &st) == 0 && odd_lock(&st)) {
				rc = refuse_odd_lock(dir, lock, &st);
				break;
			}
			rc = pc_fail_errno(PC_ERR_ENV, e,
					   "results folder %s: cannot write in it (%s)", dir, lock);
			break;
		}
		if (fstat(fd, &st) == 0 && odd_lock(&st)) { /* a FIFO, a hard link */
			close(fd);
			rc = refuse_odd_lock(dir, lock, &st);
			break;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			long pid = e == EWOULDBLOCK ? lock_owner(fd) : 0;
			close(fd);
			if (e != EWOULDBLOCK) {
				rc = pc_fail_errno(PC_ERR_ENV, e, "results folder %s: lock %s", dir, lock);
				break;
			}
			rc = pid > 0 ? pc_fail(PC_ERR_INPUT, "results folder %s is in use by another "
					       "run (pid %ld); choose another with -o", dir, pid)
				     : pc_fail(PC_ERR_INPUT, "results folder %s is in use by another "
					       "run; choose another with -o", dir);
			break;
		}
		struct stat held, now;
		if (fstat(fd, &held) < 0 || stat(lock, &now) < 0 || held.st_ino != now.st_ino ||
		    held.st_dev != now.st_dev) {
			close(fd);
			continue;
		}
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pc_pwrite_all(fd, pid, (size_t)n, 0) < 0) {
			int e = errno;
			close(fd);
			unlink(lock);
			rc = pc_fail_errno(PC_ERR_ENV, e, "results folder %s: cannot write in it (%s)",
					   dir, lock);
			break;
		}
		od->lock_fd = fd;
		od->path = xstrdup(dir);
		rc = 0;
		break;
	}
	free(lock);
	return rc;
}

/* Root writes the case folders by path (cases/CASE/fsck.log, manifest.txt,
 * fio's output ...).  Anyone who can make or rename names in the results
 * folder can rename cases/ away during the run and put a folder of theirs
 * there with cases/CASE/fsck.log -> /etc/shadow: root then overwrites any
 * file.  So are the folders above it (the results folder moved away). */
static int check_private(const char *dir)
{
	return pc_refuse_exposed_folder("results folder", dir, "they could plant a symlink where "
					"root writes the case files and have root overwrite "
					"any file");
}

/* What a path that is there but no folder is, for a refusal. */
static const char *kind_of(mode_t m)
{
	return S_ISREG(m) ? "a regular file" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "no folder";
}

/* -1 (an input error) when PATH, on the way to results folder DIR or DIR
 * itself, is there (followed) but no folder: nothing can be made in it. */
static int refuse_non_folder(const char *dir, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	struct stat lst;
	const char *link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? "a symlink to " : "";
	char *shown = pc_esc_text(path);
	int rc = !strcmp(path, dir)
		? pc_fail(PC_ERR_INPUT, "results folder %s: %s%s, not a folder; give a folder, or "
			  "a path that is not there", dir, link, kind_of(st.st_mode))
		: pc_fail(PC_ERR_INPUT, "results folder %s: %s is %s%s, not a folder; give a "
			  "folder, or a path that is not there", dir, shown, link, kind_of(st.st_mode));
	free(shown);
	return rc;
}

/* The topmost folder of DIR (itself or one above it) that is not there,
 * which mkdir -p DIR would make; NULL when DIR is there.  Caller frees. */
static char *first_missing(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) == 0)
		return NULL;
	char *p = xstrdup(dir);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int there = *p && lstat(p, &st) == 0;
		*s = '/';
		if (*p && !there && s[-1] != '/') {
			*s = '\0';
			return p;
		}
	}
	return p;
}

/* Checked before anything is made or locked (check_private again once
 * the folder is ours): the folder where DIR, or the first missing folder
 * on its way, would be made must be one others cannot rename things in,
 * or root would make a folder and its lock file where another user's
 * symlink or folder points, if only for a moment. */
static int check_where_made(const char *dir)
{
	char *missing = first_missing(dir);
	char *p = missing ? missing : xstrdup(dir);
	char *slash = strrchr(p, '/');
	const char *above = !slash ? "." : slash == p ? "/" : p;
	if (slash && slash != p)
		*slash = '\0';
	char why[PATH_MAX + 128];
	int rc = 0;
	if (refuse_non_folder(dir, above) < 0)
		rc = -1;
	else if (pc_folder_exposed(above, 0, why, sizeof(why)) < 0) {
		char *shown = pc_esc_text(why);
		rc = pc_fail(PC_ERR_INPUT, "results folder %s: it would be made in %s: %s: they "
			     "could plant a symlink where root writes the case files and have root "
			     "overwrite any file; give a folder only root (or the user who ran "
			     "sudo) can write to", dir, above, shown);
		free(shown);
	}
	free(p);
	return rc;
}

/* DIR, there as ST (lstat), before it is locked: a symlink to nothing is
 * said so (it is not made through), else check_private. */
static int check_there(const char *dir, const struct stat *st)
{
	struct stat target;
	if (S_ISLNK(st->st_mode) && stat(dir, &target) < 0 && errno == ENOENT) {
		char to[PATH_MAX];
		ssize_t n = readlink(dir, to, sizeof(to) - 1);
		to[n < 0 ? 0 : n] = '\0';
		char *shown = pc_esc_text(to);
		int rc = pc_fail(PC_ERR_INPUT, "results folder %s: a symlink to %s, which is not "
				 "there; make that folder first, or give another", dir, shown);
		free(shown);
		return rc;
	}
	return refuse_non_folder(dir, dir) < 0 || check_private(dir) < 0 ? -1
	       : check_lock_file(dir);
}

/* What a run leaves in its folder, finished or interrupted. */
static const char *const run_outputs[] = { "results.json", "junit.xml", "summary.md", "cases", NULL };

/* -1 (an input error) when DIR holds one of RUN_OUTPUTS. */
static int holds_results(const char *dir)
{
	for (size_t i = 0; run_outputs[i]; i++) {
		char *p = xasprintf("%s/%s", dir, run_outputs[i]);
		struct stat st;
		int there = lstat(p, &st) == 0;
		free(p);
		if (there)
			return pc_fail(PC_ERR_INPUT, "results folder %s already holds a run's results "
				       "(%s); give a new folder with -o, or leave -o out (each run then "
				       "gets a folder of its own)", dir, run_outputs[i]);
	}
	return 0;
}

int pc_outdir_lock(const char *dir, struct pc_outdir *od)
{
	od->path = NULL;
	od->lock_fd = -1;
	od->made = NULL;
	if (!*dir)
		return pc_fail(PC_ERR_INPUT, "results folder: empty path (-o)");
	struct stat st;
	if (lstat(dir, &st) == 0 ? check_there(dir, &st) < 0 : check_where_made(dir) < 0)
		return -1;
	char *made = first_missing(dir);
	if (pc_mkdir_p(dir, 0755) < 0) {
		free(made);
		pc_last_errclass = PC_ERR_ENV;
		return -1;
	}
	if (lock_dir(dir, od) < 0) {
		free(made);
		return -1;
	}
	od->made = made;
	if (check_private(dir) < 0) {
		pc_outdir_discard(od);
		return -1;
	}
	/* Checked once the folder is ours: a run still writing it is "in
	 * use", not "holds results".  Another run's reports replaced, its
	 * case folders left next to ours, would describe neither run. */
	if (holds_results(dir) < 0) {
		pc_outdir_unlock(od);
		return -1;
	}
	return 0;
}

int pc_outdir_check(const char *dir)
{
	if (!*dir)
		return pc_fail(PC_ERR_INPUT, "results folder: empty path (-o)");
	struct stat st;
	if (lstat(dir, &st) < 0)
		return check_where_made(dir); /* made by the run */
	return check_there(dir, &st) < 0 || holds_results(dir) < 0 ? -1 : 0;
}

int pc_outdir_lock_new(const char *base, struct pc_outdir *od)
{
	od->path = NULL;
	od->lock_fd = -1;
	od->made = NULL;
	if (check_where_made(base) < 0) /* BASE, or BASE-N beside it */
		return -1;
	/* A folder above BASE that is made here, else the BASE-N made. */
	char *above = first_missing(base);
	if (above && !strcmp(above, base)) {
		free(above);
		above = NULL;
	}
	char *slash = strrchr(base, '/');
	if (slash) {
		char *parent = xstrdup(base);
		parent[slash - base] = '\0';
		int rc = parent[0] ? pc_mkdir_p(parent, 0755) : 0;
		free(parent);
		if (rc < 0) {
			free(above);
			pc_last_errclass = PC_ERR_ENV;
			return -1;
		}
	}
	for (unsigned n = 1; n < 1000; n++) {
		char *dir = n == 1 ? xstrdup(base) : xasprintf("%s-%u", base, n);
		if (mkdir(dir, 0755) == 0) {
			int rc = lock_dir(dir, od);
			if (rc == 0) {
				od->made = above ? above : xstrdup(dir);
				above = NULL;
			}
			if (rc == 0 && check_private(dir) < 0) {
				pc_outdir_discard(od);
				rc = -1;
			}
			free(above);
			free(dir);
			return rc;
		}
		int e = errno;
		free(dir);
		if (e != EEXIST) {
			free(above);
			return pc_fail_errno(PC_ERR_ENV, e, "results folder %s", base);
		}
	}
	free(above);
	return pc_fail(PC_ERR_ENV, "results folder %s: 999 folders of that name exist", base);
}

void pc_outdir_unlock(struct pc_outdir *od)
{
	if (od->lock_fd >= 0) {
		char *lock = xasprintf("%s/%s", od->path, PC_OUTDIR_LOCK);
		unlink(lock); /* while still held: see lock_dir */
		free(lock);
		close(od->lock_fd);
		od->lock_fd = -1;
	}
	free(od->path);
	od->path = NULL;
	free(od->made);
	od->made = NULL;
}

void pc_outdir_discard(struct pc_outdir *od)
{
	char *dir = od->made && od->path ? xstrdup(od->path) : NULL;
	size_t top = od->made ? strlen(od->made) : 0;
	pc_outdir_unlock(od);
	/* From the folder up to the topmost one made, while each is empty. */
	while (dir && strlen(dir) >= top && rmdir(dir) == 0) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	free(dir);
}
