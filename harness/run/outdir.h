/* outdir.h - the results folder of a run: made, checked writable and locked
 * for the run, so that two runs never write into one folder. */
#ifndef PC_OUTDIR_H
#define PC_OUTDIR_H

/* The lock file inside the results folder (holds the owner's pid). */
#define PC_OUTDIR_LOCK ".powercut.lock"

struct pc_outdir {
	char *path; /* the folder */
	int lock_fd; /* open on PATH/PC_OUTDIR_LOCK, flock'ed; -1 when not held */
	/* The topmost folder the lock made (PATH, or a folder above it that
	 * mkdir -p made); NULL when PATH was there. */
	char *made;
};

/* Make DIR (mkdir -p) and lock it.  A folder that cannot be written is an
 * environment error (exit 3); one locked by another live run an input
 * error (exit 2), naming the folder and the pid holding it; so is one that
 * already holds a run's results (results.json, junit.xml, summary.md or
 * cases/), a DIR that is no folder (or a path through a file), and an
 * empty DIR. */
int pc_outdir_lock(const char *dir, struct pc_outdir *od);

/* What pc_outdir_lock refuses as the input's mistake (exit 2), checked
 * without making, locking or writing anything (run --list): an empty DIR;
 * a DIR that is there and is no folder (a file, a device, a path through
 * a file), a symlink to nothing, or holds a run's results or that others
 * can write to; a DIR not there whose folder it would be made in others
 * can write to.  A mkdir that fails is the machine's error (exit 3). */
int pc_outdir_check(const char *dir);

/* A new folder BASE, or BASE-2, BASE-3 ... when that exists (two runs
 * started in the same second each get their own), made and locked. */
int pc_outdir_lock_new(const char *base, struct pc_outdir *od);

/* Remove the lock file and release the lock; idempotent. */
void pc_outdir_unlock(struct pc_outdir *od);

/* As pc_outdir_unlock, for a run that wrote nothing (its work folder could
 * not be made): the folders the lock made are removed again, each only if
 * empty; a folder that was there before is left as it was. */
void pc_outdir_discard(struct pc_outdir *od);

#endif
