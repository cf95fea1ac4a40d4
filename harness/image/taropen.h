/* taropen.h - the one way powercut opens a tar archive (an image tar, a
 * layer) for reading with libarchive: which formats and filters it
 * accepts, and how a failure to open is told.
 */
#ifndef PC_TAROPEN_H
#define PC_TAROPEN_H

#include <archive.h>

/* How a message names an archive: "LABEL PATH", or "PATH" when LABEL is
 * NULL, as in pc_fail(..., "%s%s%s: ...", PC_TAR_NAME(label, path)). */
#define PC_TAR_NAME(label, path) (label) ? (label) : "", (label) ? " " : "", (path)

enum pc_tar_read {
	PC_TAR_ENTRIES, /* tar (ustar, pax, GNU, v7) under any compression */
	PC_TAR_RAW,     /* the decompressed stream as one entry, no tar parsing;
			 * a stream of no bytes has no entry (ARCHIVE_EOF) */
	PC_TAR_PLAIN,   /* tar, already decompressed: no filter (a layer compressed
			 * twice is not a tar archive once decompressed) */
};

/* A reader set up for WHAT, not yet opened.  Never NULL (out of memory
 * aborts, as xmalloc does). */
struct archive *pc_tar_reader_new(enum pc_tar_read what);

/* The end of an archive_read_open* call (its result RC) on AR for the file
 * PATH: AR when it opened, else NULL with AR freed and the error reported,
 * class INPUT ("PATH: cannot open: REASON", or "PATH: not a (compressed)
 * tar archive: REASON"; LABEL, e.g. "layer", goes before PATH when not
 * NULL).  archive_read_open bids for the format, so a file that is not a
 * tar archive fails here, before anything is read from it. */
struct archive *pc_tar_opened(struct archive *ar, int rc, const char *label, const char *path);

/* Opening the file PATH failed with errno E: reported, class INPUT when
 * E says the path names nothing that can be opened (missing, a folder, a
 * symlink loop, no permission), ENV otherwise ("LABEL PATH: cannot open:
 * REASON"; LABEL as for pc_tar_opened). */
void pc_tar_open_failed(int e, const char *label, const char *path);

/* A tar reader over PATH (FD when FD >= 0: the caller keeps and closes it),
 * positioned before its first header; NULL with the error reported as by
 * pc_tar_opened. */
struct archive *pc_tar_open(const char *label, const char *path, int fd);

/* Is R, what archive_read_next_header returned on AR, a header read whole?
 * ARCHIVE_OK is; so is ARCHIVE_WARN for a name (path, link, user or group)
 * that is not UTF-8: libarchive then keeps its bytes as they are, which is
 * what the runtimes' Go reader takes too.  Any other warning means
 * libarchive skipped part of a header (a malformed pax record drops the
 * whole pax header, path included), where the Go reader refuses the
 * archive: the caller reports archive_error_string(AR) as an input error. */
int pc_tar_header_whole(struct archive *ar, int r);

#endif
