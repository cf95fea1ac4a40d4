/* logwrites.c - read the kernel's dm-log-writes log (see logwrites.h).
 *
 * Written here from the format in the kernel's admin guide: the log is a
 * handful of fixed little-endian fields, and no library reads it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <linux/falloc.h>

#include "device/fuselog.h"
#include "device/logwrites.h"
#include "util/util.h"

#define CHUNK (1u << 20) /* a write is copied in pieces of at most this */

struct reader {
	const char *path;
	FILE *in;
	struct pc_fuselog out; /* the converted log, in fuselog.h's format */
	uint32_t ss;           /* sectorsize */
	uint64_t pos;          /* byte offset of the next entry */
	uint64_t dev_size;
	unsigned char *buf;    /* CHUNK bytes */
	struct pc_logwrites_info *info;
};

static uint64_t le64_at(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t le32_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

/* Read exactly LEN bytes at OFF; -1 with a message on a short read. */
static int read_at(struct reader *r, uint64_t off, void *buf, size_t len, const char *what)
{
	if (fseeko(r->in, (off_t)off, SEEK_SET) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "dm-log-writes log %s: seek to %llu",
				     r->path, (unsigned long long)off);
	if (fread(buf, 1, len, r->in) != len)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: truncated %s at byte %llu",
			       r->path, what, (unsigned long long)off);
	return 0;
}

static int emit(struct reader *r, uint32_t kind, uint32_t arg, uint64_t off, uint64_t len,
		const void *data)
{
	struct pc_fuselog_rec rec = { .kind = kind, .arg = arg, .offset = off, .length = len };
	if (pc_fuselog_append(&r->out, &rec, data) < 0)
		return pc_fail_workfile(errno, "write the converted log", r->out.path);
	r->info->log_bytes = pc_fuselog_tell(&r->out);
	return 0;
}

static int emit_flush(struct reader *r)
{
	r->info->flushes++;
	return emit(r, PC_LOG_FLUSH, 0, 0, 0, NULL);
}

static int read_super(struct reader *r)
{
	unsigned char s[28];
	if (read_at(r, 0, s, sizeof(s), "super block") < 0)
		return -1;
	/* The target writes its super block at the first FUA write or mark;
	 * a log that filled up before then holds none. */
	if (le64_at(s) == 0 && le64_at(s + 8) == 0)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s has no super block: the log device "
			       "filled up or failed before the target's first FUA write or mark",
			       r->path);
	if (le64_at(s) != PC_LOGWRITES_MAGIC)
		return pc_fail(PC_ERR_RUN, "%s is not a dm-log-writes log (bad magic %#llx)",
			       r->path, (unsigned long long)le64_at(s));
	if (le64_at(s + 8) != PC_LOGWRITES_VERSION)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: version %llu, only %llu is known",
			       r->path, (unsigned long long)le64_at(s + 8),
			       (unsigned long long)PC_LOGWRITES_VERSION);
	r->info->nr_entries = le64_at(s + 16);
	r->ss = le32_at(s + 24);
	if (r->ss < 512 || r->ss > 65536 || (r->ss & (r->ss - 1)))
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: sector size %u is not a power of "
			       "two from 512 to 65536", r->path, r->ss);
	r->info->sectorsize = r->ss;
	r->pos = r->ss;
	return 0;
}

/* The entry's extent in bytes of the logged device, checked. */
static int extent(struct reader *r, uint64_t sector, uint64_t nr, uint64_t *off, uint64_t *len)
{
	const uint64_t limit = UINT64_C(1) << 50; /* a petabyte: surely corrupt */
	if (sector > limit / r->ss || nr > limit / r->ss)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: entry %llu: impossible extent",
			       r->path, (unsigned long long)r->info->entries);
	*off = sector * r->ss;
	*len = nr * r->ss;
	if (r->dev_size && (*off > r->dev_size || *len > r->dev_size - *off))
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: entry %llu writes past the "
			       "device's end", r->path, (unsigned long long)r->info->entries);
	return 0;
}

static int copy_write(struct reader *r, uint64_t off, uint64_t len, uint64_t data_at)
{
	r->info->writes++;
	r->info->bytes += len;
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		if (read_at(r, data_at + done, r->buf, n, "write data") < 0 ||
		    emit(r, PC_LOG_WRITE, 0, off + done, n, r->buf) < 0)
			return -1;
		done += n;
	}
	return 0;
}

static void note_mark(struct reader *r, const unsigned char *hdr, uint64_t data_len)
{
	struct pc_logwrites_info *in = r->info;
	if (in->nmarks == PC_LOGWRITES_MAX_MARKS)
		return;
	struct pc_logwrites_mark *m = &in->marks[in->nmarks++];
	size_t n = data_len < sizeof(m->name) - 1 ? (size_t)data_len : sizeof(m->name) - 1;
	memcpy(m->name, hdr + 32, n);
	m->name[n] = '\0';
	m->entry = in->entries;
	m->flushes = in->flushes;
}

/* One entry at r->pos: 1 read, 0 the stop mark, -1 error. */
static int one_entry(struct reader *r, const char *stop_mark)
{
	unsigned char *hdr = r->buf; /* one sector */
	if (read_at(r, r->pos, hdr, r->ss, "entry header") < 0)
		return -1;
	uint64_t sector = le64_at(hdr), nr = le64_at(hdr + 8);
	uint64_t flags = le64_at(hdr + 16), data_len = le64_at(hdr + 24);
	uint64_t data_at = r->pos + r->ss;

	if (flags & PC_LOGWRITES_MARK) {
		if (data_len > r->ss - 32)
			return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: entry %llu: mark longer "
				       "than its sector", r->path, (unsigned long long)r->info->entries);
		if (stop_mark && data_len == strlen(stop_mark) &&
		    !memcmp(hdr + 32, stop_mark, data_len))
			return 0;
		note_mark(r, hdr, data_len);
		r->pos = data_at;
		return 1;
	}
	if (data_len)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s: entry %llu carries inline data "
			       "(a DAX device?), which powercut does not replay",
			       r->path, (unsigned long long)r->info->entries);
	uint64_t off = 0, len = 0;
	if (extent(r, sector, nr, &off, &len) < 0)
		return -1;
	if ((flags & PC_LOGWRITES_FLUSH) && emit_flush(r) < 0)
		return -1;
	if (flags & PC_LOGWRITES_DISCARD) {
		r->info->discards++;
		if (len && emit(r, PC_LOG_DISCARD, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				off, len, NULL) < 0)
			return -1;
		r->pos = data_at;
		return 1;
	}
	if (len && copy_write(r, off, len, data_at) < 0)
		return -1;
	if (flags & PC_LOGWRITES_FUA) {
		r->info->fuas++;
		if (emit_flush(r) < 0)
			return -1;
	}
	r->pos = data_at + len;
	return 1;
}

static int convert(struct reader *r, const char *stop_mark)
{
	if (read_super(r) < 0)
		return -1;
	int rc = 1;
	while (r->info->entries < r->info->nr_entries) {
		if ((rc = one_entry(r, stop_mark)) <= 0)
			break;
		r->info->entries++;
	}
	if (rc < 0)
		return -1;
	if (rc == 0) {
		r->info->stopped = 1;
		return 0;
	}
	if (stop_mark)
		return pc_fail(PC_ERR_RUN, "dm-log-writes log %s ends after %llu entries without "
			       "the mark '%s': the log device filled up or failed (the kernel then "
			       "says \"Ran out of space on the logdev\" or \"Error writing log "
			       "block\"), so the log is incomplete",
			       r->path, (unsigned long long)r->info->entries, stop_mark);
	return 0;
}

int pc_logwrites_convert(const char *logdev, const char *stop_mark, uint64_t dev_size,
			 const char *out, struct pc_logwrites_info *info)
{
	memset(info, 0, sizeof(*info));
	struct reader r = { .path = logdev, .dev_size = dev_size, .info = info };
	r.in = fopen(logdev, "rbe");
	if (!r.in)
		return pc_fail_errno(PC_ERR_RUN, errno, "open the dm-log-writes log %s", logdev);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = errno;
		fclose(r.in);
		return pc_fail_workfile(e, "create", out);
	}
	pc_fuselog_attach(&r.out, fd, out, 0);
	r.buf = xmalloc(CHUNK);
	int rc = convert(&r, stop_mark);
	free(r.buf);
	fclose(r.in);
	if (pc_fuselog_close(&r.out) < 0 && rc == 0)
		rc = pc_fail_workfile(errno, "write", out);
	return rc;
}

int64_t pc_logwrites_mark_flushes(const struct pc_logwrites_info *info, const char *name)
{
	for (size_t i = 0; i < info->nmarks; i++)
		if (!strcmp(info->marks[i].name, name))
			return (int64_t)info->marks[i].flushes;
	return -1;
}
