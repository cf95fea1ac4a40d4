/* fio_headers.c - fio's block headers read back by powercut; see
 * fio_headers.h. */
#include "workload/fio_headers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/* fio 3.33's struct verify_header (verify.h), little-endian. */
#define HDR_SIZE 40
#define HDR_CRC_SPAN 36      /* offsetof(struct verify_header, crc32) */
#define FIO_HDR_MAGIC 0xacca
#define CHUNK (1u << 20)

uint32_t pc_fio_crc32c(const void *buf, size_t len)
{
	/* fio's crc32c_sw: reflected Castagnoli, seed ~0, no final xor */
	const unsigned char *p = buf;
	uint32_t crc = ~0u;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return crc;
}

static uint64_t le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* A header fio wrote for the block at OFFSET of an interval of LEN bytes. */
struct header {
	uint64_t seed;
	unsigned thread, numberio;
};

static int read_header(const unsigned char *p, uint64_t offset, uint64_t len, struct header *h)
{
	if (le(p, 2) != FIO_HDR_MAGIC || le(p + 4, 4) != len || le(p + 16, 8) != offset ||
	    le(p + 36, 4) != pc_fio_crc32c(p, HDR_CRC_SPAN))
		return 0;
	h->seed = le(p + 8, 8);
	h->thread = (unsigned)le(p + 32, 2);
	h->numberio = (unsigned)le(p + 34, 2);
	return 1;
}

/* A write seen in the job's files: where, and which. */
struct seen {
	struct header h;
	size_t file;
	uint64_t offset;
};

static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	if (x->h.seed != y->h.seed)
		return x->h.seed < y->h.seed ? -1 : 1;
	if (x->h.numberio != y->h.numberio)
		return x->h.numberio < y->h.numberio ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void add(struct pc_fio_misplaced **out, size_t *n, char *path, char *detail)
{
	*out = xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = (struct pc_fio_misplaced){ path, detail };
}

/* The headers of file INDEX of SCAN: another job's into OUT, the job's
 * own into *SEEN. */
static int scan_file(const struct pc_fio_header_scan *scan, size_t index, unsigned char *buf,
		     struct seen **seen, size_t *nseen, struct pc_fio_misplaced **out, size_t *n)
{
	const char *name = scan->files[index];
	char *path = xasprintf("%s/%s", scan->dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;
		free(path);
		if (e == ENOENT)
			return 0; /* fio's check counts its blocks lost */
		return pc_fail_errno(PC_ERR_RUN, e, "open %s/%s to read fio's block headers",
				     scan->dir, name);
	}
	/* whole intervals per read, so that no header straddles two */
	size_t span = CHUNK - CHUNK % scan->interval;
	if (!span)
		span = scan->interval;
	int rc = 0;
	for (uint64_t at = scan->first;; at += span) {
		ssize_t got = pc_pread_full(fd, buf, span, (off_t)at);
		if (got < 0) {
			rc = pc_fail_errno(PC_ERR_RUN, errno, "read %s at %llu for fio's block headers",
					   path, (unsigned long long)at);
			break;
		}
		for (uint64_t k = 0; k + scan->interval <= (uint64_t)got; k += scan->interval) {
			struct header h;
			if (!read_header(buf + k + scan->header_at, at + k, scan->interval, &h))
				continue;
			if (h.thread != scan->thread) {
				add(out, n, xasprintf("%s@%llu", name, (unsigned long long)(at + k)),
				    xasprintf("holds a block of job %u (the job is %u): another job's "
					      "write, which fio's check passes (its header names no "
					      "file)", h.thread, scan->thread));
				continue;
			}
			if (!scan->seeded)
				continue;
			*seen = xrealloc(*seen, (*nseen + 1) * sizeof(**seen));
			(*seen)[(*nseen)++] = (struct seen){ h, index, at + k };
		}
		if ((size_t)got < span)
			break;
	}
	close(fd);
	free(path);
	return rc;
}

int pc_fio_scan_headers(const struct pc_fio_header_scan *scan, struct pc_fio_misplaced **out,
			size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!scan->interval || scan->header_at + HDR_SIZE > scan->interval)
		return 0;
	unsigned char *buf = xmalloc(CHUNK > scan->interval ? CHUNK : scan->interval);
	struct seen *seen = NULL;
	size_t nseen = 0;
	int rc = 0;
	for (size_t i = 0; i < scan->nfiles && rc == 0; i++)
		rc = scan_file(scan, i, buf, &seen, &nseen, out, n);
	free(buf);
	if (rc == 0 && nseen > 1) {
		/* one write at two places: one of them is not its file's own.
		 * A write's headers (one per interval) lie in one file within
		 * its block: from the first one found, BLOCK bytes. */
		uint64_t block = scan->block > scan->interval ? scan->block : scan->interval;
		qsort(seen, nseen, sizeof(*seen), seen_cmp);
		const struct seen *a = NULL;
		for (size_t i = 0; i < nseen; i++) {
			const struct seen *b = &seen[i];
			if (!a || a->h.seed != b->h.seed || a->h.numberio != b->h.numberio) {
				a = b; /* the write's first place */
				continue;
			}
			if (a->file == b->file && b->offset - a->offset < block)
				continue; /* another interval of the same write */
			add(out, n, xasprintf("%s@%llu", scan->files[b->file],
					      (unsigned long long)b->offset),
			    xasprintf("holds the same write (numberio %u) as %s@%llu: one of the "
				      "two is another file's block, which fio's check passes (its "
				      "header names no file)", b->h.numberio, scan->files[a->file],
				      (unsigned long long)a->offset));
		}
	}
	free(seen);
	if (rc < 0) {
		pc_fio_misplaced_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void pc_fio_misplaced_free(struct pc_fio_misplaced *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].path);
		free(m[i].detail);
	}
	free(m);
}
