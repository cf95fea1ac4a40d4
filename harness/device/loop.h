/* loop.h - loop devices (LOOP_CTL_GET_FREE + LOOP_CONFIGURE). */
#ifndef PC_LOOP_H
#define PC_LOOP_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

struct pc_loop {
	int fd;                 /* open on the loop device while attached */
	char path[PATH_MAX];    /* /dev/loopN */
	dev_t devnum;
};

/* Create PATH (which must not exist) as a sparse file of SIZE bytes, after
 * checking that its filesystem has room for all of it: the test may fill
 * it, and ENOSPC in the middle of an unpack says less than a refusal up
 * front (class ENV).  On failure nothing is left behind. */
int pc_backing_file_create(const char *path, uint64_t size);

/* Attach FILE to a free loop device, with LO_FLAGS_AUTOCLEAR so that the
 * kernel detaches it after the last close even if we are killed.  The
 * returned fd keeps it attached. */
int pc_loop_attach(const char *file, int direct_io, struct pc_loop *lo);
/* Detach (LOOP_CLR_FD) and close; idempotent. */
void pc_loop_detach(struct pc_loop *lo);
/* Drop the block device's buffer cache (BLKFLSBUF) through PATH. */
int pc_blk_flush_buffers(const char *devpath);
/* Backing file of /dev/loopN as the kernel reports it ("" if none). */
int pc_loop_backing_file(const char *loopname, char *out, size_t len);

#endif
