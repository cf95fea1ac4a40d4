/* rmtree.h - rm -rf for trees of any depth and path length. */
#ifndef PC_RMTREE_H
#define PC_RMTREE_H

#include "util/util.h" /* enum pc_errclass (util.h includes this file too) */

/* What rm -rf does with an entry it cannot remove. */
enum pc_rm_policy {
	PC_RM_WARN,    /* warn, go on, succeed: a best-effort clean-up */
	PC_RM_ALL,     /* warn, go on, then fail: the caller must know it is not gone */
	PC_RM_STOP,    /* stop there and fail, without a warning */
};

/* rm -rf NAME below the folder open as DFD (AT_FDCWD: the working folder),
 * never following a symlink (a symlink is removed, not its target) nor
 * entering a filesystem mounted below NAME (the root of another mount, or
 * a folder of another device, stays: a leftover).  The walk goes one
 * folder descriptor at a time (openat, unlinkat), so no path it makes is
 * ever looked up whole: any depth and any path length below NAME go.
 * NAME missing is success.  0, or -1 with errno set and no message: the
 * first failure's for PC_RM_STOP; for PC_RM_ALL, ENOTEMPTY when anything
 * stayed (each warned); the walk's own otherwise (NAME cannot be looked at,
 * or a folder was moved away while the walk was below it: ESTALE). */
int pc_rmtree_at(int dfd, const char *name, enum pc_rm_policy policy);
/* The same for PATH (shorter than PATH_MAX, else ENAMETOOLONG). */
int pc_rmtree_policy(const char *path, enum pc_rm_policy policy);
/* PC_RM_WARN, with a message when the walk itself fails. */
int pc_rmtree(const char *path);
/* PC_RM_ALL, with a message of class ERRCLASS (PC_ERR_*) when anything
 * stayed or the walk failed: for a caller whose result says it is gone. */
int pc_rmtree_all(const char *path, enum pc_errclass errclass);

#endif
