/* layer_reader.c - see layer_reader.h. */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "image/gunzip.h"
#include "image/layer_reader.h"
#include "image/taropen.h"
#include "util/util.h"

#define NBUF 4          /* buffers decompressed ahead, at most */
#define BUFSZ (1u << 20)

struct inflater {
	struct pc_gunzip *gz; /* gzip: zlib, every member's trailer checked */
	struct archive *dec;  /* anything else: libarchive's raw reader */
	int gz_errno;         /* errno of gz's failure */
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
	in->err = in->gz ? in->gz_errno : archive_errno(in->dec);
	const char *s = in->gz ? pc_gunzip_error(in->gz) : archive_error_string(in->dec);
	snprintf(in->msg, sizeof(in->msg), "%s", s ? s : "decompression failed");
}

/* Fill BUF with up to BUFSZ bytes: its length, -1 on a failure. */
static ssize_t fill(struct inflater *in, char *buf)
{
	size_t got = 0;
	while (got < BUFSZ) {
		la_ssize_t n = in->gz ? pc_gunzip_read(in->gz, buf + got, BUFSZ - got)
				      : archive_read_data(in->dec, buf + got, BUFSZ - got);
		if (n < 0 && in->gz)
			in->gz_errno = errno;
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

static la_ssize_t read_cb(struct archive *ar, void *data, const void **out)
{
	struct inflater *in = data;
	if (!in->started && threads_allowed && !in->failed)
		start(in);
	if (!in->started) {
		ssize_t n = in->failed ? -1 : fill(in, in->buf[0]);
		if (n < 0) {
			if (!in->failed)
				record_failure(in);
			archive_set_error(ar, in->err ? in->err : EIO, "%s", in->msg);
			return -1;
		}
		*out = in->buf[0];
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
	for (unsigned i = 0; i < NBUF; i++)
		free(in->buf[i]);
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->cv);
	free(in);
}

static int close_cb(struct archive *ar, void *data)
{
	(void)ar;
	inflater_free(data);
	return ARCHIVE_OK;
}

static struct inflater *inflater_new(void)
{
	struct inflater *in = xcalloc(1, sizeof(*in));
	for (unsigned i = 0; i < NBUF; i++)
		in->buf[i] = xmalloc(BUFSZ);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	return in;
}

/* The decompressing reader over PATH when PATH is compressed: zlib for
 * gzip (gunzip.h: libarchive would not check its trailers), libarchive's
 * raw reader for the other formats.  NULL and *refused 0 when PATH is not
 * compressed or cannot be opened (the caller then opens PATH directly and
 * reports what is wrong); NULL and *refused 1, reported, when it is
 * compressed more than once (runtimes decompress a layer once, then read
 * tar). */
static struct inflater *inflater_open(const char *path, int *refused)
{
	*refused = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && pc_is_gzip(fd) == 1) {
		struct inflater *in = inflater_new();
		in->gz = pc_gunzip_open(fd);
		return in;
	}
	if (fd >= 0)
		close(fd);
	struct archive *dec = pc_tar_reader_new(PC_TAR_RAW);
	struct archive_entry *ae;
	if (archive_read_open_filename(dec, path, 64 * 1024) != ARCHIVE_OK ||
	    archive_filter_count(dec) < 2 || /* only "none": not compressed */
	    archive_read_next_header(dec, &ae) != ARCHIVE_OK) {
		archive_read_free(dec);
		return NULL;
	}
	if (archive_filter_count(dec) > 2) {
		pc_fail(PC_ERR_INPUT, "layer %s: compressed more than once (%s inside %s): a layer "
			"is decompressed once, then read as tar", path, archive_filter_name(dec, 1),
			archive_filter_name(dec, 0));
		archive_read_free(dec);
		*refused = 1;
		return NULL;
	}
	struct inflater *in = inflater_new();
	in->dec = dec;
	return in;
}

struct archive *pc_layer_reader_open(const char *path)
{
	int refused;
	struct inflater *in = inflater_open(path, &refused);
	if (!in)
		return refused ? NULL : pc_tar_open("layer", path, -1);
	/* libarchive calls close_cb (which frees IN) on failure too. */
	struct archive *ar = pc_tar_reader_new(PC_TAR_PLAIN);
	return pc_tar_opened(ar, archive_read_open(ar, in, NULL, read_cb, close_cb), "layer", path);
}
