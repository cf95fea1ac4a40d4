/* synclog.h - when each per-file sync of a durability mode returned.
 *
 * With crash points on the fuse device, the per-file modes (fsync, pfsync,
 * fdatasync, sfr, ofsync's pass) note, for every fsync or fdatasync of a
 * file or folder that returns with success, the device's flush count at
 * that moment (an atomic read of the fuse server's counter: NOW) and the
 * entry's path relative to the tree walked.  A crash state replayed through
 * flush K >= that count must keep what that call promised (crashpoints.c
 * checks it): the walk is bottom-up, so a folder's fsync came after every
 * entry below it had been synced.
 *
 * One record per entry (16 bytes plus its path in one growing arena): the
 * Debian image's 28k entries cost about 2 MB.  Thread-safe: the psync
 * workers note concurrently (one short mutex hold per call, beside an
 * fsync). */
#ifndef PC_SYNCLOG_H
#define PC_SYNCLOG_H

#include <stddef.h>
#include <stdint.h>

struct pc_synclog;

enum pc_synclog_kind {
	PC_SYNCLOG_FILE_FSYNC,     /* data, size and metadata of the file */
	PC_SYNCLOG_FILE_FDATASYNC, /* data and the size needed to read it */
	PC_SYNCLOG_DIR_FSYNC,      /* the folder's entries */
};

struct pc_synclog_rec {
	uint64_t flush;            /* the device's flush count when it returned */
	uint32_t path;             /* offset of its path in the arena */
	uint32_t kind;             /* enum pc_synclog_kind */
};

/* NOW(ARG) reads the device's flush count. */
struct pc_synclog *pc_synclog_new(uint64_t (*now)(void *arg), void *arg);
void pc_synclog_free(struct pc_synclog *l);

/* The tree the next walk syncs: paths noted are made relative to it
 * (ROOT itself is "."); a path outside it is not noted. */
void pc_synclog_set_root(struct pc_synclog *l, const char *root);

/* The sync of PATH (below the root set) returned now with success.  L may
 * be NULL (nothing noted). */
void pc_synclog_note(struct pc_synclog *l, const char *path, enum pc_synclog_kind kind);
/* The same, its relative path given as DIR "/" NAME (DIR as passed to
 * note; NAME NULL: DIR itself). */
void pc_synclog_note_in(struct pc_synclog *l, const char *dir, const char *name,
			enum pc_synclog_kind kind);

/* Records, in the order noted (flush counts ascending), and the path of
 * one.  The last note of a path counts (a second pass re-syncs). */
const struct pc_synclog_rec *pc_synclog_records(const struct pc_synclog *l, size_t *n);
const char *pc_synclog_path(const struct pc_synclog *l, const struct pc_synclog_rec *r);
/* How many notes found the clock unreadable (NOW gave UINT64_MAX: the fuse
 * server's counters gone): their promises cannot be checked, and a check
 * that did not run never passes (the runner makes the case an error). */
size_t pc_synclog_unclocked(const struct pc_synclog *l);

/* The test hook POWERCUT_TEST_FSYNC_EARLY=CASE:PATH (run/attempts.h): when
 * the walk reaches the regular file REL (relative; "*": the first regular
 * file it reaches that has content and a single name: an empty file has
 * nothing to lose, a hard link's loss is its other names' too), the file loses its content (kept in memory, the
 * truncation not synced) and its sync is noted as returned, none made;
 * pc_synclog_finish_early writes the content back and syncs it, after the
 * walk.  A state inside the pass holds the file as a sync that did
 * nothing left it.  L or REL NULL: nothing. */
void pc_synclog_set_early(struct pc_synclog *l, const char *rel);
/* Is DIR/NAME (as the walk names it) the early one?  Then its content is
 * taken, it is noted now, and 1 returned: the caller skips the sync. */
int pc_synclog_take_early(struct pc_synclog *l, const char *dir, const char *name,
			  enum pc_synclog_kind kind);
/* Write the early file's content back and sync it: 0, or -1 (reported;
 * also when the walk never met it). */
int pc_synclog_finish_early(struct pc_synclog *l);

#endif
