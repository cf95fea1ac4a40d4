/* fuselog.c - see fuselog.h.
 *
 * Records are encoded field by field at fixed offsets (host byte order,
 * the order the format has always had), so the bytes on disk never depend
 * on how the compiler lays out a struct.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/fuselog.h"
#include "util/util.h"

#define LOG_HDR 24  /* u32 kind, u32 arg, u64 offset, u64 length */
#define UNDO_HDR 16 /* u64 offset, u32 length, u32 pad */

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, sizeof(v)); }

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- appending ------------------------------------------------------------ */

void pc_fuselog_attach(struct pc_fuselog *l, int fd, const char *path, uint64_t end)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->path = path;
	l->pos = end;
}

int pc_fuselog_append(struct pc_fuselog *l, const struct pc_fuselog_rec *rec,
		      const void *data)
{
	int is_write = rec->kind == PC_LOG_WRITE;
	if (rec->kind < PC_LOG_WRITE || rec->kind > PC_LOG_DISCARD ||
	    (is_write && (rec->length > PC_FUSELOG_MAX_WRITE || (!data && rec->length)))) {
		errno = EINVAL;
		return -1;
	}
	unsigned char h[LOG_HDR];
	put32(h, rec->kind);
	put32(h + 4, rec->arg);
	put64(h + 8, rec->offset);
	put64(h + 16, rec->length);
	if (pc_pwrite_all(l->fd, h, sizeof(h), (off_t)l->pos) < 0 ||
	    (is_write && pc_pwrite_all(l->fd, data, (size_t)rec->length,
				       (off_t)(l->pos + sizeof(h))) < 0))
		return -1;
	l->pos += sizeof(h) + (is_write ? rec->length : 0);
	return 0;
}

int pc_fuseundo_append(struct pc_fuselog *l, uint64_t offset, uint32_t length,
		       const void *data)
{
	if (length == 0 || length > PC_FUSE_GRANULE) {
		errno = EINVAL;
		return -1;
	}
	/* One write of header and block: a record is never half there
	 * unless the disk fills. */
	unsigned char rec[UNDO_HDR + PC_FUSE_GRANULE];
	put64(rec, offset);
	put32(rec + 8, length);
	put32(rec + 12, 0);
	memcpy(rec + UNDO_HDR, data, length);
	if (pc_pwrite_all(l->fd, rec, UNDO_HDR + length, (off_t)l->pos) < 0)
		return -1;
	l->pos += UNDO_HDR + length;
	return 0;
}

int pc_fuseundo_empty(struct pc_fuselog *l)
{
	if (ftruncate(l->fd, 0) < 0)
		return -1;
	l->pos = 0;
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

static int open_for_reading(struct pc_fuselog *l, const char *path, uint64_t dev_size,
			    int flags, const char *what)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->dev_size = dev_size;
	l->fd = open(path, flags | O_CLOEXEC);
	if (l->fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open the %s %s", what, path);
	struct stat st;
	if (fstat(l->fd, &st) < 0) {
		int e = errno;
		close(l->fd);
		l->fd = -1;
		return pc_fail_errno(PC_ERR_RUN, e, "stat the %s %s", what, path);
	}
	l->file_size = (uint64_t)st.st_size;
	return 0;
}

int pc_fuselog_open(struct pc_fuselog *l, const char *path, uint64_t dev_size)
{
	return open_for_reading(l, path, dev_size, O_RDONLY, "write log");
}

int pc_fuseundo_open(struct pc_fuselog *l, const char *path, uint64_t dev_size)
{
	return open_for_reading(l, path, dev_size, O_RDWR, "undo file");
}

/* The current record is cut short by the end of the file. */
static int truncated(const struct pc_fuselog *l, const char *what)
{
	return pc_fail(PC_ERR_RUN, "%s %s: truncated record at offset %llu", what, l->path,
		       (unsigned long long)l->pos);
}

/* Read LEN bytes at the current record's offset + SKIP into BUF; the
 * caller checked that the file holds them. */
static int read_exact(struct pc_fuselog *l, const char *what, void *buf, size_t len,
		      uint64_t skip)
{
	ssize_t n = pc_pread_full(l->fd, buf, len, (off_t)(l->pos + skip));
	if (n < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "%s %s: read at offset %llu", what,
				     l->path, (unsigned long long)(l->pos + skip));
	if ((size_t)n != len) /* the file shrank under us */
		return truncated(l, what);
	return 0;
}

/* Bytes of the file from the current record on. */
static uint64_t left(const struct pc_fuselog *l)
{
	return l->pos < l->file_size ? l->file_size - l->pos : 0;
}

static int corrupt(const struct pc_fuselog *l, const char *what, const char *why)
{
	return pc_fail(PC_ERR_RUN, "%s %s: corrupt record at offset %llu (%s)", what, l->path,
		       (unsigned long long)l->pos, why);
}

static int inside_device(const struct pc_fuselog *l, uint64_t off, uint64_t len)
{
	return off <= l->dev_size && len <= l->dev_size - off;
}

/* Make room for LEN bytes of record data. */
static void reserve(struct pc_fuselog *l, size_t len)
{
	if (len <= l->cap)
		return;
	free(l->buf);
	l->cap = len;
	l->buf = xmalloc(l->cap);
}

int pc_fuselog_next(struct pc_fuselog *l, struct pc_fuselog_rec *rec, const void **data)
{
	static const char what[] = "write log";
	if (data)
		*data = NULL;
	if (left(l) == 0)
		return 0;
	unsigned char h[LOG_HDR];
	if (left(l) < sizeof(h))
		return truncated(l, what);
	if (read_exact(l, what, h, sizeof(h), 0) < 0)
		return -1;
	rec->kind = get32(h);
	rec->arg = get32(h + 4);
	rec->offset = get64(h + 8);
	rec->length = get64(h + 16);
	if (rec->kind < PC_LOG_WRITE || rec->kind > PC_LOG_DISCARD)
		return corrupt(l, what, "unknown kind");
	if (!inside_device(l, rec->offset, rec->length))
		return corrupt(l, what, "past the device's end");
	uint64_t dlen = rec->kind == PC_LOG_WRITE ? rec->length : 0;
	if (dlen > PC_FUSELOG_MAX_WRITE)
		return corrupt(l, what, "write too large");
	if (dlen > left(l) - sizeof(h))
		return truncated(l, what);
	if (data && dlen) {
		reserve(l, (size_t)dlen);
		if (read_exact(l, what, l->buf, (size_t)dlen, sizeof(h)) < 0)
			return -1;
		*data = l->buf;
	} else if (data && rec->kind == PC_LOG_WRITE) {
		*data = "";
	}
	l->pos += sizeof(h) + dlen;
	return 1;
}

int pc_fuseundo_next(struct pc_fuselog *l, struct pc_fuseundo_rec *rec, const void **data)
{
	static const char what[] = "undo file";
	*data = NULL;
	if (left(l) == 0)
		return 0;
	unsigned char h[UNDO_HDR];
	if (left(l) < sizeof(h))
		return truncated(l, what);
	if (read_exact(l, what, h, sizeof(h), 0) < 0)
		return -1;
	rec->offset = get64(h);
	rec->length = get32(h + 8);
	if (rec->length == 0 || rec->length > PC_FUSE_GRANULE)
		return corrupt(l, what, "bad length");
	if (!inside_device(l, rec->offset, rec->length))
		return corrupt(l, what, "past the device's end");
	if (rec->length > left(l) - sizeof(h))
		return truncated(l, what);
	reserve(l, rec->length);
	if (read_exact(l, what, l->buf, rec->length, sizeof(h)) < 0)
		return -1;
	*data = l->buf;
	l->pos += sizeof(h) + rec->length;
	return 1;
}

uint64_t pc_fuselog_tell(const struct pc_fuselog *l)
{
	return l->pos;
}

void pc_fuselog_seek(struct pc_fuselog *l, uint64_t pos)
{
	l->pos = pos;
}

int pc_fuselog_close(struct pc_fuselog *l)
{
	int rc = 0;
	if (l->fd >= 0 && close(l->fd) < 0)
		rc = -1;
	l->fd = -1;
	free(l->buf);
	l->buf = NULL;
	l->cap = 0;
	return rc;
}
