/* gunzip.c - see gunzip.h. */
#include "image/gunzip.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define INBUF (256 * 1024)

struct pc_gunzip {
	int fd;
	z_stream zs;
	unsigned char *in;
	int eof;         /* the file has no more bytes */
	int finished;    /* the last member and any zero padding are read */
	int in_member;   /* inflate is inside a member */
	char msg[160];
};

int pc_is_gzip(int fd)
{
	unsigned char m[2];
	ssize_t n;
	do
		n = pread(fd, m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

struct pc_gunzip *pc_gunzip_open(int fd)
{
	struct pc_gunzip *g = xcalloc(1, sizeof(*g));
	g->fd = fd;
	g->in = xmalloc(INBUF);
	/* 16 + MAX_WBITS: the gzip wrapper, checked (header CRC if present,
	 * and each member's CRC-32 and length). */
	if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK) {
		fprintf(stderr, "powercut: out of memory for zlib\n");
		abort();
	}
	return g;
}

__attribute__((format(printf, 3, 4)))
static ssize_t fail(struct pc_gunzip *g, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

/* More compressed bytes, if the input is empty: 0, or -1 on a read error. */
static int refill(struct pc_gunzip *g)
{
	if (g->zs.avail_in > 0 || g->eof)
		return 0;
	ssize_t n;
	do
		n = read(g->fd, g->in, INBUF);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (int)fail(g, errno, "gzip: read error: %s", strerror(errno));
	if (n == 0)
		g->eof = 1;
	g->zs.next_in = g->in;
	g->zs.avail_in = (uInt)n;
	return 0;
}

/* After a member: another one, zero padding to the end, or an error. */
static int next_member(struct pc_gunzip *g)
{
	for (;;) {
		if (refill(g) < 0)
			return -1;
		if (g->zs.avail_in == 0) { /* end of file */
			g->finished = 1;
			return 0;
		}
		if (g->zs.next_in[0] != 0)
			break;
		/* zero padding, as a tar stream may carry: to the end only */
		while (g->zs.avail_in > 0 && g->zs.next_in[0] == 0) {
			g->zs.next_in++;
			g->zs.avail_in--;
		}
		if (g->zs.avail_in > 0)
			return (int)fail(g, EIO, "gzip: data after the zero padding that follows "
					 "the compressed stream");
	}
	if (g->zs.next_in[0] != 0x1f)
		return (int)fail(g, EIO, "gzip: data after the end of the compressed stream "
				 "(not another gzip member)");
	if (inflateReset(&g->zs) != Z_OK)
		return (int)fail(g, EIO, "gzip: cannot start the next member");
	g->in_member = 1;
	return 0;
}

ssize_t pc_gunzip_read(struct pc_gunzip *g, void *buf, size_t n)
{
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	g->zs.next_out = buf;
	g->zs.avail_out = (uInt)n;
	if (!g->in_member && !g->finished)
		g->in_member = 1; /* the first member starts at the beginning */
	while (g->zs.avail_out > 0 && !g->finished) {
		if (refill(g) < 0)
			return -1;
		if (g->zs.avail_in == 0 && g->eof)
			return fail(g, EIO, "gzip: the compressed stream is truncated");
		int r = inflate(&g->zs, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			g->in_member = 0;
			if (next_member(g) < 0)
				return -1;
		} else if (r == Z_DATA_ERROR) {
			return fail(g, EIO, "gzip: %s (the file is damaged)",
				    g->zs.msg ? g->zs.msg : "bad data");
		} else if (r == Z_MEM_ERROR) {
			fprintf(stderr, "powercut: out of memory in zlib\n");
			abort();
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			return fail(g, EIO, "gzip: %s", g->zs.msg ? g->zs.msg : "inflate failed");
		}
	}
	return (ssize_t)(n - g->zs.avail_out);
}

const char *pc_gunzip_error(const struct pc_gunzip *g)
{
	return g->msg[0] ? g->msg : "gzip: read failed";
}

void pc_gunzip_close(struct pc_gunzip *g)
{
	if (!g)
		return;
	inflateEnd(&g->zs);
	close(g->fd);
	free(g->in);
	free(g);
}
