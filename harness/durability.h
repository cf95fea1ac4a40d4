/* durability.h - what is done after unpack to make the tree durable. */
#ifndef PC_DURABILITY_H
#define PC_DURABILITY_H

#include <stdint.h>

enum pc_mode {
	PC_MODE_NONE,
	PC_MODE_SYNCFS,
	PC_MODE_FSYNC,
	PC_MODE_COUNT
};

struct pc_sync_stats {
	uint64_t fsyncs;   /* fsync(2) calls made */
	uint64_t syncfs;   /* syncfs(2) calls made */
};

const char *pc_mode_name(enum pc_mode m);
/* Does the mode promise that the tree survives a cut once committed?  A
 * scenario's expect_MODE defaults to intact if so, else to any. */
int pc_mode_promises_durability(enum pc_mode m);
int pc_mode_parse(const char *s, enum pc_mode *m);
/* none: nothing.  syncfs: one syncfs(2) on ROOT.  fsync: fsync every
 * regular file and every directory under ROOT (ROOT included), bottom-up,
 * never following symlinks; symlinks, devices, fifos and sockets only
 * through their parent directory. */
int pc_durability_apply(enum pc_mode m, const char *root,
			struct pc_sync_stats *st);

#endif
