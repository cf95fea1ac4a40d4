/* durability.h - what is done after unpack to make the tree durable.
 *
 * Each mode is one row of the table in durability.c; the per-file modes
 * beyond the serial fsync walk live in their own files (mode_*.c). */
#ifndef PC_DURABILITY_H
#define PC_DURABILITY_H

#include <stdint.h>

enum pc_mode {
	PC_MODE_NONE,
	PC_MODE_SYNCFS,
	PC_MODE_FSYNC,
	PC_MODE_PFSYNC,
	PC_MODE_FDATASYNC,
	PC_MODE_SFR,
	PC_MODE_OFSYNC,
	PC_MODE_COUNT
};

struct pc_synclog;

struct pc_sync_stats {
	uint64_t fsyncs;   /* fsync(2) and fdatasync(2) calls made */
	uint64_t syncfs;   /* syncfs(2) calls made */
	/* Set by pc_durability_apply_noted (NULL otherwise): each per-file
	 * sync that returns is noted there (synclog.h). */
	struct pc_synclog *log;
};

const char *pc_mode_name(enum pc_mode m);
/* Does the mode promise that the tree survives a cut once committed?  A
 * scenario's expect_MODE defaults to intact if so, else to any. */
int pc_mode_promises_durability(enum pc_mode m);
/* Does the mode fsync each regular file while the unpack is still writing
 * (pc_unpack_fsync_while_writing), before its pass over the tree? */
int pc_mode_fsyncs_while_unpacking(enum pc_mode m);
/* One line on what the mode does, for --help and the man page. */
const char *pc_mode_summary(enum pc_mode m);
int pc_mode_parse(const char *s, enum pc_mode *m);
/* none: nothing.  syncfs: one syncfs(2) on ROOT.  fsync: fsync every
 * regular file and every directory under ROOT (ROOT included), bottom-up,
 * never following symlinks; symlinks, devices, fifos and sockets only
 * through their parent directory.  pfsync, fdatasync, sfr: the same set,
 * in parallel (psync.h); see their files.  ofsync: pfsync, after the
 * unpack fsync'd each file as it was written. */
int pc_durability_apply(enum pc_mode m, const char *root,
			struct pc_sync_stats *st);
/* The same, noting in LOG (may be NULL) every per-file sync that returned
 * and when (crash points; synclog.h).  ofsync's fsyncs while unpacking
 * are not noted: its pass after covers the same files. */
int pc_durability_apply_noted(enum pc_mode m, const char *root, struct pc_sync_stats *st,
			      struct pc_synclog *log);

/* The rows' implementations (st zeroed by the caller). */
int pc_mode_pfsync(const char *root, struct pc_sync_stats *st);
int pc_mode_fdatasync(const char *root, struct pc_sync_stats *st);
int pc_mode_sfr(const char *root, struct pc_sync_stats *st);

#endif
