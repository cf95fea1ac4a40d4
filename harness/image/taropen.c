/* taropen.c - see taropen.h. */
#include "image/taropen.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TAR_BLOCK (64 * 1024) /* bytes libarchive reads at a time */

struct archive *pc_tar_reader_new(enum pc_tar_read what)
{
	struct archive *ar = archive_read_new();
	if (!ar) {
		fprintf(stderr, "powercut: out of memory for an archive reader\n");
		abort();
	}
	if (what != PC_TAR_PLAIN)
		archive_read_support_filter_all(ar);
	/* Only tar: an image or layer in another format is a mistake, not
	 * something to guess at.  (format_tar reads ustar, pax, GNU and v7.) */
	if (what == PC_TAR_RAW)
		archive_read_support_format_raw(ar);
	else
		archive_read_support_format_tar(ar);
	/* A stream of no bytes (after decompression) is an empty tar, as Go's
	 * archive/tar (the runtimes, umoci) reads it: a 0-byte layer blob, or
	 * gzip or zstd of nothing.  Its next header is ARCHIVE_EOF.  A damaged
	 * compressed stream still fails: libarchive reads ahead through the
	 * filters before it picks a format. */
	archive_read_support_format_empty(ar);
	return ar;
}

/* The errno of reading the first block of PATH ourselves, 0 if it reads:
 * libarchive's EIO also stands for data its filters found damaged. */
static int read_errno(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0; /* said as libarchive found it */
	char *buf = xmalloc(TAR_BLOCK);
	int e = pc_pread_full(fd, buf, TAR_BLOCK, 0) < 0 ? errno : 0;
	free(buf);
	close(fd);
	return e == EAGAIN ? 0 : e;
}

/* Does opening a file fail with E because of the path given (no such
 * file, a folder, a symlink loop, no permission)? */
static int path_errno(int e)
{
	return e == ENOENT || e == EACCES || e == EISDIR || e == ELOOP || e == ENOTDIR;
}

void pc_tar_open_failed(int e, const char *label, const char *path)
{
	pc_fail_errno(path_errno(e) ? PC_ERR_INPUT : PC_ERR_ENV, e, "%s%s%s: cannot open",
		      PC_TAR_NAME(label, path));
}

struct archive *pc_tar_opened(struct archive *ar, int rc, const char *label, const char *path)
{
	if (rc == ARCHIVE_OK)
		return ar;
	int e = archive_errno(ar);
	if (path_errno(e))
		pc_tar_open_failed(e, label, path);
	else if ((e = read_errno(path)) != 0)
		/* the medium failed, not the format ("Error reading fd 3") */
		pc_fail_errno(PC_ERR_ENV, e, "%s%s%s: cannot read", PC_TAR_NAME(label, path));
	else
		pc_fail(PC_ERR_INPUT, "%s%s%s: not a (compressed) tar archive: %s",
			PC_TAR_NAME(label, path), archive_error_string(ar) ? archive_error_string(ar)
			: "cut short or damaged (the decompressor gave no reason)");
	archive_read_free(ar);
	return NULL;
}

struct archive *pc_tar_open(const char *label, const char *path, int fd)
{
	struct archive *ar = pc_tar_reader_new(PC_TAR_ENTRIES);
	int rc = fd >= 0 ? archive_read_open_fd(ar, fd, TAR_BLOCK)
			 : archive_read_open_filename(ar, path, TAR_BLOCK);
	return pc_tar_opened(ar, rc, label, path);
}

int pc_tar_header_whole(struct archive *ar, int r)
{
	if (r == ARCHIVE_OK)
		return 1;
	const char *msg = archive_error_string(ar);
	return r == ARCHIVE_WARN && msg && strstr(msg, " can't be converted from ");
}
