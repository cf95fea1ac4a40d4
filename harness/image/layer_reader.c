/* layer_reader.c - see layer_reader.h. */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/gunzip.h"
#include "image/layer_reader.h"
#include "image/taropen.h"
#include "util/util.h"

#define NBUF 4          /* buffers decompressed ahead, at most */
#define BUFSZ (1u << 20)
#define TAIL 1024       /* stream bytes kept from before the current buffer */

struct inflater {
	struct pc_gunzip *gz; /* gzip: zlib, every member's trailer checked */
	struct archive *dec;  /* other compression: libarchive's raw reader */
	int fd;               /* not compressed: the file itself (else -1) */
	int src_errno;        /* errno of a gz or fd failure */
	/* What libarchive was handed last, for pc_layer_reader_after_end:
	 * the current buffer and where it starts in the stream, and the last
	 * TAIL bytes before it. */
	const char *cur;
	size_t cur_len;
	uint64_t cur_start;
	char tail[TAIL];
	size_t tail_len;
	unsigned inline_slot; /* decompressing in line: the buffer in use */
	char *buf[NBUF];
	size_t len[NBUF];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, stop, done, failed, held;
	unsigned head, filled; /* next buffer to hand out; produced, not released */
	int err;
	char msg[256];
};

static int threads_allowed;

void pc_layer_reader_threads(void)
{
	threads_allowed = 1;
}

static void record_failure(struct inflater *in)
{
	in->failed = 1;
	in->err = in->dec ? archive_errno(in->dec) : in->src_errno;
	const char *s = in->gz ? pc_gunzip_error(in->gz)
		      : in->dec ? archive_error_string(in->dec)
				: strerror(in->src_errno);
	snprintf(in->msg, sizeof(in->msg), "%s", s ? s : "decompression failed");
}

/* Up to N bytes of the stream into BUF: the count, 0 at its end, -1 on a
 * failure (src_errno set for gz and fd). */
static ssize_t source_read(struct inflater *in, char *buf, size_t n)
{
	if (in->dec)
		return archive_read_data(in->dec, buf, n);
	if (in->gz) {
		ssize_t r = pc_gunzip_read(in->gz, buf, n);
		if (r < 0)
			in->src_errno = errno;
		return r;
	}
	ssize_t r;
	do
		r = read(in->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		in->src_errno = errno;
	return r;
}

/* Fill BUF with up to BUFSZ bytes: its length, -1 on a failure. */
static ssize_t fill(struct inflater *in, char *buf)
{
	size_t got = 0;
	while (got < BUFSZ) {
		ssize_t n = source_read(in, buf + got, BUFSZ - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void *producer(void *arg)
{
	struct inflater *in = arg;
	unsigned tail = in->head;
	for (;;) {
		pthread_mutex_lock(&in->mu);
		while (in->filled == NBUF && !in->stop)
			pthread_cond_wait(&in->cv, &in->mu);
		int stop = in->stop;
		pthread_mutex_unlock(&in->mu);
		if (stop)
			break;
		/* Buffer TAIL is neither filled nor held: ours until published. */
		ssize_t n = fill(in, in->buf[tail]);
		pthread_mutex_lock(&in->mu);
		if (n > 0) {
			in->len[tail] = (size_t)n;
			tail = (tail + 1) % NBUF;
			in->filled++;
		}
		if (n < 0)
			record_failure(in);
		if (n <= 0 || (size_t)n < BUFSZ)
			in->done = 1;
		pthread_cond_broadcast(&in->cv);
		int done = in->done;
		pthread_mutex_unlock(&in->mu);
		if (done)
			break;
	}
	return NULL;
}

/* Start the thread with every signal blocked: signals stay with the
 * threads that handle them.  A thread that cannot start leaves the reader
 * decompressing in line. */
static void start(struct inflater *in)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	in->started = pthread_create(&in->thread, NULL, producer, in) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* libarchive is done with the buffer it had (it asks for the next): keep
 * its last bytes before it goes back to be filled again. */
static void retire_current(struct inflater *in)
{
	size_t keep = in->cur_len < TAIL ? in->cur_len : TAIL;
	if (keep == 0)
		return;
	size_t old = in->tail_len + keep > TAIL ? TAIL - keep : in->tail_len;
	memmove(in->tail, in->tail + in->tail_len - old, old);
	memcpy(in->tail + old, in->cur + in->cur_len - keep, keep);
	in->tail_len = old + keep;
	in->cur_start += in->cur_len;
	in->cur = NULL;
	in->cur_len = 0;
}

static la_ssize_t read_next(struct archive *ar, struct inflater *in, const void **out);

static la_ssize_t read_cb(struct archive *ar, void *data, const void **out)
{
	struct inflater *in = data;
	retire_current(in);
	la_ssize_t n = read_next(ar, in, out);
	if (n >= 0) {
		in->cur = *out;
		in->cur_len = (size_t)n;
	}
	return n;
}

static la_ssize_t read_next(struct archive *ar, struct inflater *in, const void **out)
{
	if (!in->started && threads_allowed && !in->failed)
		start(in);
	if (!in->started) {
		/* two buffers in turn: the one just retired is still whole */
		in->inline_slot ^= 1;
		ssize_t n = in->failed ? -1 : fill(in, in->buf[in->inline_slot]);
		if (n < 0) {
			if (!in->failed)
				record_failure(in);
			archive_set_error(ar, in->err ? in->err : EIO, "%s", in->msg);
			return -1;
		}
		*out = in->buf[in->inline_slot];
		return n;
	}
	pthread_mutex_lock(&in->mu);
	if (in->held) { /* libarchive is done with the buffer it had */
		in->held = 0;
		in->head = (in->head + 1) % NBUF;
		in->filled--;
		pthread_cond_broadcast(&in->cv);
	}
	while (in->filled == 0 && !in->done)
		pthread_cond_wait(&in->cv, &in->mu);
	la_ssize_t rc = 0;
	if (in->filled > 0) {
		in->held = 1;
		*out = in->buf[in->head];
		rc = (la_ssize_t)in->len[in->head];
	} else if (in->failed) {
		archive_set_error(ar, in->err ? in->err : EIO, "%s", in->msg);
		rc = -1;
	}
	pthread_mutex_unlock(&in->mu);
	return rc;
}

static void inflater_free(struct inflater *in)
{
	if (in->started) {
		pthread_mutex_lock(&in->mu);
		in->stop = 1;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		pthread_join(in->thread, NULL);
	}
	pc_gunzip_close(in->gz);
	if (in->dec)
		archive_read_free(in->dec);
	if (in->fd >= 0)
		close(in->fd);
	for (unsigned i = 0; i < NBUF; i++)
		free(in->buf[i]);
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->cv);
	free(in);
}

static struct inflater *inflater_new(void)
{
	struct inflater *in = xcalloc(1, sizeof(*in));
	in->fd = -1;
	for (unsigned i = 0; i < NBUF; i++)
		in->buf[i] = xmalloc(BUFSZ);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	return in;
}

/* 1 with the filter's name in NAME if the gzip file PATH decompresses to
 * another compressed stream (libarchive's bidders on its first bytes);
 * 0 if not, or if it cannot be read (the tar reader says why). */
static int compressed_inside_gzip(const char *path, char *name, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	struct pc_gunzip *g = pc_gunzip_open(fd);
	char head[4096];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(head) && (r = pc_gunzip_read(g, head + n, sizeof(head) - n)) > 0)
		n += (size_t)r;
	pc_gunzip_close(g);
	struct archive *dec = pc_tar_reader_new(PC_TAR_RAW);
	struct archive_entry *ae;
	int inside = archive_read_open_memory(dec, head, n) == ARCHIVE_OK &&
		     archive_read_next_header(dec, &ae) == ARCHIVE_OK &&
		     archive_filter_count(dec) >= 2;
	if (inside)
		snprintf(name, cap, "%s", archive_filter_name(dec, 0));
	archive_read_free(dec);
	return inside;
}

static void refuse_compressed_twice(const char *path, const char *inner, const char *outer)
{
	pc_fail(PC_ERR_INPUT, "layer %s: compressed more than once (%s inside %s): a layer "
		"is decompressed once, then read as tar", path, inner, outer);
}

/* The reader of PATH's tar stream: zlib for gzip (gunzip.h: libarchive
 * would not check its trailers), libarchive's raw reader for the other
 * compressions, the file itself when it is not compressed.  NULL when PATH
 * cannot be opened (the caller opens it again to report why) or, with
 * *refused 1 and the error reported, when it is compressed more than once
 * (runtimes decompress a layer once, then read tar). */
static struct inflater *inflater_open(const char *path, int *refused)
{
	*refused = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	struct inflater *in = inflater_new();
	if (pc_is_gzip(fd) == 1) {
		char inner[32];
		if (compressed_inside_gzip(path, inner, sizeof(inner))) {
			refuse_compressed_twice(path, inner, "gzip");
			close(fd);
			inflater_free(in);
			*refused = 1;
			return NULL;
		}
		in->gz = pc_gunzip_open(fd);
		return in;
	}
	struct archive *dec = pc_tar_reader_new(PC_TAR_RAW);
	struct archive_entry *ae;
	if (archive_read_open_filename(dec, path, 64 * 1024) != ARCHIVE_OK ||
	    archive_filter_count(dec) < 2 || /* only "none": not compressed */
	    archive_read_next_header(dec, &ae) != ARCHIVE_OK) {
		archive_read_free(dec);
		in->fd = fd; /* read as it is; not a tar archive fails at the open */
		return in;
	}
	close(fd);
	if (archive_filter_count(dec) > 2) {
		/* Filter 0 is the last one applied when reading: the inner one. */
		refuse_compressed_twice(path, archive_filter_name(dec, 0),
					archive_filter_name(dec, 1));
		archive_read_free(dec);
		inflater_free(in);
		*refused = 1;
		return NULL;
	}
	in->dec = dec;
	return in;
}

/* The readers open in this process, to find a reader's stream from its
 * archive (libarchive has no getter for a reader's client data). */
static struct opened {
	struct archive *ar;
	struct inflater *in;
} *opened;
static size_t nopened;

static void forget(struct inflater *in)
{
	for (size_t i = 0; i < nopened; i++)
		if (opened[i].in == in) {
			opened[i] = opened[--nopened];
			break;
		}
	if (nopened == 0) {
		free(opened);
		opened = NULL;
	}
}

static int close_cb(struct archive *ar, void *data)
{
	(void)ar;
	forget(data);
	inflater_free(data);
	return ARCHIVE_OK;
}

struct archive *pc_layer_reader_open(const char *path)
{
	int refused;
	struct inflater *in = inflater_open(path, &refused);
	if (!in)
		return refused ? NULL : pc_tar_open("layer", path, -1);
	struct archive *ar = pc_tar_reader_new(PC_TAR_PLAIN);
	opened = xrealloc(opened, (nopened + 1) * sizeof(*opened));
	opened[nopened++] = (struct opened){ ar, in };
	/* libarchive calls close_cb (which frees IN) on failure too. */
	return pc_tar_opened(ar, archive_read_open(ar, in, NULL, read_cb, close_cb), "layer", path);
}

/* Stream bytes [OFF, OFF + N) into OUT, reading on past libarchive's end if
 * needed: how many there were (fewer at the end of the stream), or -1 if
 * they are no longer held. */
static ssize_t stream_bytes(struct archive *ar, struct inflater *in, uint64_t off, char *out,
			    size_t n)
{
	size_t got = 0;
	while (got < n) {
		uint64_t at = off + got;
		uint64_t tail_start = in->cur_start - in->tail_len;
		if (at < tail_start)
			return -1;
		if (at < in->cur_start) {
			size_t k = (size_t)(in->cur_start - at);
			k = k < n - got ? k : n - got;
			memcpy(out + got, in->tail + (at - tail_start), k);
			got += k;
		} else if (at < in->cur_start + in->cur_len) {
			size_t k = (size_t)(in->cur_start + in->cur_len - at);
			k = k < n - got ? k : n - got;
			memcpy(out + got, in->cur + (at - in->cur_start), k);
			got += k;
		} else {
			const void *p;
			la_ssize_t r = read_cb(ar, in, &p);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
	}
	return (ssize_t)got;
}

static int is_zero(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* A ustar header block: its checksum (octal at 148, the sum of its bytes
 * with that field read as spaces) holds. */
static int is_tar_header(const unsigned char *b)
{
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : b[i];
	char field[9];
	memcpy(field, b + 148, 8);
	field[8] = '\0';
	char *end;
	unsigned long want = strtoul(field, &end, 8);
	return end != field && want == sum;
}

int pc_layer_reader_after_end(struct archive *ar)
{
	struct inflater *in = NULL;
	for (size_t i = 0; i < nopened && !in; i++)
		if (opened[i].ar == ar)
			in = opened[i].in;
	if (!in)
		return 0; /* opened by pc_tar_open: not checked */
	/* libarchive took one zero block as the end, and a second one if the
	 * next block was zero too: what follows the blocks it consumed? */
	uint64_t pos = (uint64_t)archive_filter_bytes(ar, 0);
	char next[512], before[512];
	ssize_t n = stream_bytes(ar, in, pos, next, sizeof(next));
	if (n < (ssize_t)sizeof(next) || is_zero(next, sizeof(next)))
		return 0;
	if (!is_tar_header((const unsigned char *)next))
		return 0; /* not entries: garbage after the end, as tar ignores */
	/* two zero blocks before it: a proper end, after which tar stops */
	if (pos >= 1024 && stream_bytes(ar, in, pos - 1024, before, sizeof(before)) == 512 &&
	    is_zero(before, sizeof(before)))
		return 0;
	return 1;
}
