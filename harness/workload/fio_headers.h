/* fio_headers.h - powercut's own reading of fio's block headers after the
 * cut, for what fio's verifier does not check.
 *
 * fio 3.33's --verify_only checks of each block its header's magic, length
 * and offset (the place in the file), the header's crc and the data's
 * checksum - but not which file the block belongs to (the header names
 * none), nor which write it is: it skips numberio in a verify_only run and
 * takes the seed from the block's own header (verify.c verify_header,
 * verify_io_u).  So a block of another file at the same offset - another
 * job's, or another file of the same job - passes fio's check (seen: two
 * such blocks copied by hand, fio --verify_only reported no error).  The
 * header does say which job wrote it (thread: the job's place in the
 * file, from 1) and which write it was (numberio, and a 64-bit random
 * seed per write): a block holding another job's write, or a write that
 * is at two places of the job's files, is not the file's own.  What this
 * cannot see: two blocks of one job's files swapped with each other at
 * the same offset (each write is still at one place, in one of the job's
 * files).
 */
#ifndef PC_FIO_HEADERS_H
#define PC_FIO_HEADERS_H

#include <stddef.h>
#include <stdint.h>

/* One block whose header is not its file's own. */
struct pc_fio_misplaced {
	char *path;          /* FILE@OFFSET, FILE as given */
	char *detail;        /* why */
};

/* What to scan: the files of one job. */
struct pc_fio_header_scan {
	const char *dir;             /* the job files' directory */
	char *const *files;          /* relative to DIR */
	size_t nfiles;
	unsigned thread;             /* the job's place among the jobs, from 1 */
	uint64_t interval;           /* fio's verify interval: a header every INTERVAL */
	uint64_t block;              /* the job's biggest write (0: INTERVAL): a write of
				      * several intervals has a header in each, all with
				      * its seed and numberio, within BLOCK bytes */
	uint64_t first;              /* the first header's offset in a file (offset=) */
	uint64_t header_at;          /* verify_offset: the header's place in an interval */
	int seeded;                  /* each write's header has its own random seed */
};

/* fio's crc32c (Castagnoli, as fio's crc/crc32c.c) of LEN bytes. */
uint32_t pc_fio_crc32c(const void *buf, size_t len);

/* Read every header of the job's files (a header counts when its magic,
 * length, offset and crc are fio's; others are fio's own findings) and
 * list the blocks that are not their file's own: another job's write, or
 * the same write at two places (both named, one finding).  A file that
 * is missing or shorter is left to fio's check.  0 with *OUT (*N of them,
 * freed with pc_fio_misplaced_free), -1 (class RUN) when a file that is
 * there cannot be read. */
int pc_fio_scan_headers(const struct pc_fio_header_scan *scan, struct pc_fio_misplaced **out,
			size_t *n);
void pc_fio_misplaced_free(struct pc_fio_misplaced *m, size_t n);

#endif
