/* imgsync.c - see imgsync.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/imgsync.h"
#include "util/util.h"

#define CHUNK (1u << 20) /* bytes read from each file at a time */
#define BLOCK 4096u      /* compared and written in units of this */

/* Where the current run of FD starting at POS ends, and whether it is data:
 * *end = the next hole (data) or the next data (hole), SIZE at the end. */
static int run_at(int fd, const char *name, off_t pos, off_t size, int *data, off_t *end)
{
	off_t d = lseek(fd, pos, SEEK_DATA);
	if (d < 0 && errno != ENXIO) /* ENXIO: only a hole after pos */
		return pc_fail_errno(PC_ERR_RUN, errno, "seek in %s", name);
	if (d < 0 || d >= size) {
		*data = 0;
		*end = size;
		return 0;
	}
	if (d > pos) {
		*data = 0;
		*end = d;
		return 0;
	}
	off_t h = lseek(fd, pos, SEEK_HOLE);
	if (h < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "seek in %s", name);
	*data = 1;
	*end = h < size ? h : size;
	return 0;
}

static int read_or_zero(int fd, const char *name, int data, void *buf, size_t len, off_t off)
{
	if (!data) {
		memset(buf, 0, len);
		return 0;
	}
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "read %s", name);
		if (n == 0) { /* past the end of a shorter file: zeros */
			memset((char *)buf + got, 0, len - got);
			break;
		}
		got += (size_t)n;
	}
	return 0;
}

/* Write the blocks of A (at OFF, LEN bytes) that differ from B's, runs of
 * differing blocks as one write. */
static int write_differences(const char *a, const char *b, size_t len, off_t off, int dst,
			     const char *dst_name, uint64_t *written)
{
	size_t i = 0;
	while (i < len) {
		size_t n = len - i < BLOCK ? len - i : BLOCK;
		if (!memcmp(a + i, b + i, n)) {
			i += n;
			continue;
		}
		size_t j = i + n;
		while (j < len) {
			size_t m = len - j < BLOCK ? len - j : BLOCK;
			if (!memcmp(a + j, b + j, m))
				break;
			j += m;
		}
		if (pc_pwrite_all(dst, a + i, j - i, off + (off_t)i) < 0)
			return pc_fail_workfile(errno, "write", dst_name);
		*written += j - i;
		i = j;
	}
	return 0;
}

int pc_imgsync(int src, const char *src_name, int dst, const char *dst_name, uint64_t size,
	       struct pc_imgsync_stats *st)
{
	memset(st, 0, sizeof(*st));
	char *a = xmalloc(CHUNK), *b = xmalloc(CHUNK);
	off_t pos = 0, end = (off_t)size;
	int rc = 0;
	while (rc == 0 && pos < end) {
		int sdata, ddata;
		off_t send, dend;
		if (run_at(src, src_name, pos, end, &sdata, &send) < 0 ||
		    run_at(dst, dst_name, pos, end, &ddata, &dend) < 0) {
			rc = -1;
			break;
		}
		off_t stop = send < dend ? send : dend;
		if (!sdata && !ddata) { /* both read zeros here */
			pos = stop;
			continue;
		}
		while (rc == 0 && pos < stop) {
			size_t len = stop - pos < (off_t)CHUNK ? (size_t)(stop - pos) : CHUNK;
			if (read_or_zero(src, src_name, sdata, a, len, pos) < 0 ||
			    read_or_zero(dst, dst_name, ddata, b, len, pos) < 0 ||
			    write_differences(a, b, len, pos, dst, dst_name, &st->written) < 0)
				rc = -1;
			st->compared += len;
			pos += (off_t)len;
		}
	}
	free(a);
	free(b);
	return rc;
}

int pc_img_read_back(int fd, const char *name, uint64_t size)
{
	char *buf = xmalloc(CHUNK);
	off_t pos = 0, end = (off_t)size;
	int rc = 0;
	while (rc == 0 && pos < end) {
		int data;
		off_t stop;
		if (run_at(fd, name, pos, end, &data, &stop) < 0) {
			rc = -1;
			break;
		}
		while (rc == 0 && data && pos < stop) {
			size_t len = stop - pos < (off_t)CHUNK ? (size_t)(stop - pos) : CHUNK;
			rc = read_or_zero(fd, name, 1, buf, len, pos);
			pos += (off_t)len;
		}
		pos = stop;
	}
	int e = errno;
	free(buf);
	errno = e;
	return rc;
}
