/* imgsync.h - make one sparse device image equal to another by writing only
 * the blocks that differ.
 *
 * The crash-point checker keeps one mounted copy (point.img) of the image
 * the log is replayed onto (replay.img).  Between two crash states both
 * have moved: the replay applied the writes of the next epochs, and the
 * mount, journal recovery and fsck of the previous state wrote to the copy
 * through a loop device.  The kernel does not say which blocks it wrote, so
 * the two files are compared over every range either holds data in (holes
 * read as zeros, SEEK_DATA/SEEK_HOLE) and only differing blocks are written:
 * reads from the page cache instead of a fresh copy of every block per
 * state.  Correct on any file system; no reflink needed.
 */
#ifndef PC_IMGSYNC_H
#define PC_IMGSYNC_H

#include <stdint.h>

struct pc_imgsync_stats {
	uint64_t compared; /* bytes compared (data in either file) */
	uint64_t written;  /* bytes written to DST */
};

/* Make the first SIZE bytes of DST read the same as SRC's.  0 or -1 (the
 * failing call and file named, class PC_ERR_RUN; PC_ERR_ENV when DST's
 * filesystem is full or out of quota, pc_fail_workfile). */
int pc_imgsync(int src, const char *src_name, int dst, const char *dst_name, uint64_t size,
	       struct pc_imgsync_stats *st);

/* Read every data range of the first SIZE bytes of FD (NAME) back, holes
 * skipped: whether the file system holding it can still read it.  0, or
 * -1 with errno (the failing call and file named, class PC_ERR_RUN). */
int pc_img_read_back(int fd, const char *name, uint64_t size);

#endif
