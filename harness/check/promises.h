/* promises.h - what a durability mode's per-file syncs had promised at a
 * crash state inside its pass (crash points, fuse device).
 *
 * The syncs that returned by flush K (synclog.h) promise, of the manifest's
 * entries:
 *   - an entry whose own fsync returned: intact if it is there (its name
 *     is durable only once its folder's fsync returned); an fdatasync'd
 *     file: its data and size (type, size, content), not its metadata;
 *   - an entry whose folder's fsync returned: there, when the folder is
 *     (the walk is bottom-up: everything below a folder was synced before
 *     it), and intact, save a regular file or folder not synced itself;
 *   - no entry in a folder whose fsync returned but the image's: the
 *     folder's listing was final when it was synced (the whole unpack came
 *     before), so a name the image removed (a whiteout, a layer's
 *     replacement) that is back was a removal the fsync had made durable;
 *   - nothing of how many names an inode has (hard links): the other
 *     names' folders may not be synced yet.
 * The state is checked against the subset of the manifest these entries
 * make (pc_verify_tree_after_cut), and its findings are then sorted into
 * losses (against the promise) and what the promise allows. */
#ifndef PC_PROMISES_H
#define PC_PROMISES_H

#include <stddef.h>
#include <stdint.h>

#include "check/verify.h"
#include "fs/synclog.h"
#include "image/manifest.h"

struct pc_promise_set {
	struct pc_manifest *subset;   /* the entries promised something */
	const struct pc_manifest *image; /* every entry of the tree (extras) */
	/* The syncs that had returned, sorted by path (internal). */
	const struct pc_synclog_rec **done;
	size_t ndone;
	const struct pc_synclog *log;
};

/* The promises of LOG's syncs that returned by flush K, over M, into OUT.
 * Returns how many entries they cover (OUT->subset's count). */
size_t pc_promises_at(struct pc_manifest *m, const struct pc_synclog *log, uint64_t k,
		      struct pc_promise_set *out);

/* VR: OUT->subset verified.  LOSSES receives the findings that break a
 * promise (a new result; its counts and lost set), WHY a sentence on the
 * first: the entry, what was found, and which sync had returned. */
void pc_promises_judge(const struct pc_promise_set *ps, const struct pc_verify_result *vr,
		       struct pc_verify_result *losses, char *why, size_t len);

void pc_promises_free(struct pc_promise_set *ps);

#endif
