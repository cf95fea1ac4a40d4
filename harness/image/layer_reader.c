/* layer_reader.c - see layer_reader.h. */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/gunzip.h"
#include "image/layer_reader.h"
#include "image/paxxattr.h"
#include "image/taropen.h"
#include "util/input.h"
#include "util/util.h"

#define NBUF 4          /* buffers decompressed ahead, at most */
#define BUFSZ (1u << 20)
/* Stream bytes kept from before the current buffer: an entry's header
 * chain (pax and GNU long-name headers) must still be held when
 * pc_layer_reader_check_headers reads it. */
#define TAIL (256u * 1024)

struct inflater {
	struct pc_gunzip *gz; /* gzip: zlib, every member's trailer checked */
	struct archive *dec;  /* other compression: libarchive's raw reader */
	int dec_empty;        /* ...that decompressed to no bytes at all */
	off_t size;           /* ...of the compressed file */
	int fd;               /* not compressed: the file itself (else -1) */
	int src_errno;        /* errno of a gz or fd failure */
	/* What libarchive was handed last, for pc_layer_reader_after_end and
	 * pc_layer_reader_check_headers:
	 * the current buffer and where it starts in the stream, and the last
	 * TAIL bytes before it. */
	const char *cur;
	size_t cur_len;
	uint64_t cur_start;
	char tail[TAIL];
	size_t tail_len;
	/* Where the data of the last regular file whose headers were checked
	 * ends in the stream (0: none yet), and whether the stream's end was
	 * padded to its block (pad_at_end). */
	uint64_t data_end;
	int padded;
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
	s = s ? s : "decompression failed";
	if (in->dec) /* name the compression: "xz: Lzma library error: ..." */
		snprintf(in->msg, sizeof(in->msg), "%s: %s", archive_filter_name(in->dec, 0), s);
	else
		snprintf(in->msg, sizeof(in->msg), "%s", s);
}

/* Up to N bytes of the stream into BUF: the count, 0 at its end, -1 on a
 * failure (src_errno set for gz and fd). */
static ssize_t source_read(struct inflater *in, char *buf, size_t n)
{
	if (in->dec)
		return in->dec_empty ? 0 : archive_read_data(in->dec, buf, n);
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

/* The stream ended (libarchive has had every byte of it) inside the
 * padding of its last regular file, or right after that file's data: Go's
 * archive/tar, which the runtimes read layers with, takes that as the end
 * of the archive (the padding read finds io.EOF), and umoci before 0.5.0
 * wrote such layers (`umoci insert` never closed its tar writer).
 * libarchive wants the padding whole: hand it the missing zero bytes, once,
 * and the archive ends at that block boundary, as one without its two zero
 * blocks does.  A stream cut anywhere else (inside data, inside a header,
 * after padding whole) gets nothing: libarchive says it is truncated. */
static la_ssize_t pad_at_end(struct inflater *in, const void **out)
{
	static const char zeros[512];
	uint64_t end = in->cur_start, block = (in->data_end + 511) / 512 * 512;
	if (in->padded || in->data_end == 0 || end < in->data_end || end >= block)
		return 0;
	in->padded = 1;
	*out = zeros;
	return (la_ssize_t)(block - end);
}

static la_ssize_t read_cb(struct archive *ar, void *data, const void **out)
{
	struct inflater *in = data;
	retire_current(in);
	la_ssize_t n = read_next(ar, in, out);
	if (n == 0)
		n = pad_at_end(in, out);
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

/* libarchive passes over data it does not read (an image archive's scan,
 * and inspect, skip its layers' data): an uncompressed file read in line
 * seeks past it, as libarchive's own file reader does, rather than reading
 * every byte.  What was retired before the jump is no longer the stream
 * just before the next buffer, so it is dropped: a header check that would
 * need it finds it not held, and refuses (it never passes unchecked).  The
 * data skipped is an entry's body and its padding, never a header of the
 * chain checked next nor a block the check of the archive's end reads
 * (those start where the body ended).  0
 * (libarchive reads on) for a compressed stream, a file the thread reads
 * ahead, and at the file's end (the read then finds the file cut short,
 * as without the seek). */
static la_int64_t skip_cb(struct archive *ar, void *data, la_int64_t request)
{
	struct inflater *in = data;
	if (in->fd < 0 || in->started || in->failed || request <= 0)
		return 0;
	struct stat st;
	off_t at = lseek(in->fd, 0, SEEK_CUR);
	if (at < 0 || fstat(in->fd, &st) < 0)
		return 0; /* read on: the read says what is wrong */
	la_int64_t room = st.st_size > at ? (la_int64_t)(st.st_size - at) : 0;
	la_int64_t n = request < room ? request : room;
	if (n <= 0)
		return 0;
	retire_current(in); /* libarchive used up the buffer it had */
	if (lseek(in->fd, (off_t)n, SEEK_CUR) < 0) {
		in->src_errno = errno;
		record_failure(in);
		archive_set_error(ar, in->err, "%s", in->msg);
		return -1;
	}
	in->cur_start += (uint64_t)n;
	in->tail_len = 0;
	return n;
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

/* "LABEL PATH", or "PATH" without a label, for messages (caller frees). */
static char *named(const char *label, const char *path)
{
	return xasprintf("%s%s%s", PC_TAR_NAME(label, path));
}

static void refuse_compressed_twice(const char *label, const char *path, const char *inner,
				    const char *outer)
{
	char *what = named(label, path);
	pc_fail(PC_ERR_INPUT, "%s: compressed more than once (%s inside %s): a layer or an "
		"image archive is decompressed once, then read as tar", what, inner, outer);
	free(what);
}

/* The first bytes of a layer or image archive that the runtimes take for
 * a compressed stream (moby's compression.Detect, containers/image's
 * DetectCompressionFormat, containerd's DetectCompression), and who reads
 * them how, for a file libarchive does not decompress. */
static const struct runtime_magic {
	const char *name;   /* the compression */
	const char *bytes;  /* as the message shows them */
	const char *differ; /* what the runtimes do with a tar so starting */
} runtime_magics[] = {
	{ "bzip2", "'BZh'", "Docker and podman take it for bzip2 data and refuse it (\"bzip2 data "
	  "invalid\"), containerd reads it as tar" },
	{ "xz", "fd 37 7a 58 5a 00", "Docker and podman take it for xz data and refuse it, "
	  "containerd reads it as tar" },
	{ "zstd", "28 b5 2f fd", "Docker and podman take it for zstd data and refuse it, as "
	  "containerd does for a layer whose media type says it is compressed" },
	{ "zstd", "a skippable frame's: 50-5f 2a 4d 18", "Docker takes it for zstd data and refuses "
	  "it, as containerd does for a layer whose media type says it is compressed; podman "
	  "reads it as tar" },
};

/* The entry of runtime_magics the first bytes of FD match, or NULL. */
static const struct runtime_magic *runtime_magic(int fd)
{
	unsigned char b[8];
	ssize_t n;
	do
		n = pread(fd, b, sizeof(b), 0);
	while (n < 0 && errno == EINTR);
	if (n >= 3 && !memcmp(b, "BZh", 3))
		return &runtime_magics[0];
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return &runtime_magics[1];
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return &runtime_magics[2];
	/* moby and containerd ask for 8 bytes before they look for one */
	if (n == 8 && (b[0] & 0xf0) == 0x50 && !memcmp(b + 1, "\x2a\x4d\x18", 3))
		return &runtime_magics[3];
	return NULL;
}

static void refuse_runtime_magic(const char *label, const char *path,
				 const struct runtime_magic *m)
{
	char *what = named(label, path);
	pc_fail(PC_ERR_INPUT, "%s: starts with %s's magic number (%s) but is not %s data "
		"libarchive reads (a tar whose first name starts with those bytes, or a damaged "
		"stream): %s; refused rather than read as a tree a runtime would not build",
		what, m->name, m->bytes, m->name, m->differ);
	free(what);
}

#define ZSTD_WINDOW_MAX (128ull << 20) /* zstd's default limit, libarchive's */

/* The window of FD's first zstd frame, from its header, if it is over
 * what libarchive's zstd reader allocates (it sets no windowLogMax, so
 * zstd's default, 128 MiB, holds: `zstd --long=28` or more compressing a
 * pipe writes such frames); else 0. */
static unsigned long long zstd_big_window(int fd)
{
	unsigned char b[6];
	ssize_t n;
	do
		n = pread(fd, b, sizeof(b), 0);
	while (n < 0 && errno == EINTR);
	/* Single_Segment_flag: no window descriptor, the content size is it */
	if (n != (ssize_t)sizeof(b) || memcmp(b, "\x28\xb5\x2f\xfd", 4) || (b[4] & 0x20))
		return 0;
	unsigned long long base = 1ull << (10 + (b[5] >> 3));
	unsigned long long w = base + base / 8 * (b[5] & 7);
	return w > ZSTD_WINDOW_MAX ? w : 0;
}

static void refuse_zstd_window(const char *label, const char *path, unsigned long long w)
{
	char *what = named(label, path);
	pc_fail(PC_ERR_INPUT, "%s: a zstd frame's window is %llu MiB, more than the %llu MiB "
		"libarchive's zstd reader allocates (`zstd --long=28` or more, compressing a "
		"pipe); the runtimes' reader (klauspost/compress) takes up to 512 MiB: recompress "
		"it with a smaller window (`zstd --long=27`)", what, w >> 20, ZSTD_WINDOW_MAX >> 20);
	free(what);
}

/* Is CODE a compression a runtime decompresses?  Docker (moby's
 * DecompressStream) and podman (containers/image) read gzip, bzip2, xz and
 * zstd layers, containerd gzip and zstd; none reads lz4, lzma, lzip,
 * compress (.Z), uuencode or the others libarchive knows. */
static int runtime_compression(int code)
{
	return code == ARCHIVE_FILTER_GZIP || code == ARCHIVE_FILTER_BZIP2 ||
	       code == ARCHIVE_FILTER_XZ || code == ARCHIVE_FILTER_ZSTD;
}

static void refuse_compression(const char *label, const char *path, const char *name)
{
	char *what = named(label, path);
	pc_fail(PC_ERR_INPUT, "%s: compressed with %s, which no container runtime decompresses "
		"(Docker and podman read gzip, bzip2, xz and zstd, containerd gzip and zstd): "
		"decompress it, or recompress it with one of those", what, name);
	free(what);
}

/* The reader of PATH's tar stream: zlib for gzip (gunzip.h: libarchive
 * would not check its trailers), libarchive's raw reader for the other
 * compressions, the file itself when it is not compressed.  NULL with the
 * error reported when PATH cannot be opened, or when it is compressed more
 * than once (runtimes decompress a layer once, then read tar). */
static struct inflater *inflater_open(const char *label, const char *path)
{
	/* O_NONBLOCK: a FIFO or a device must not block the open; only a
	 * regular file is read (the flag does nothing to its reads). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		pc_tar_open_failed(errno, label, path);
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || pc_input_pseudo_fs(path, fd)) {
		char *what = named(label, path);
		if (S_ISREG(st.st_mode) && pc_input_pseudo_fs(path, fd))
			pc_fail(PC_ERR_INPUT, "%s: " PC_PSEUDO_FS_WHY, what, pc_input_pseudo_fs(path, fd));
		else
			pc_fail(PC_ERR_INPUT, "%s: not a regular file", what);
		free(what);
		close(fd);
		return NULL;
	}
	struct inflater *in = inflater_new();
	if (pc_is_gzip(fd) == 1) {
		char inner[32];
		if (compressed_inside_gzip(path, inner, sizeof(inner))) {
			refuse_compressed_twice(label, path, inner, "gzip");
			close(fd);
			inflater_free(in);
			return NULL;
		}
		in->gz = pc_gunzip_open(fd);
		return in;
	}
	struct archive *dec = pc_tar_reader_new(PC_TAR_RAW);
	struct archive_entry *ae;
	int r = ARCHIVE_FATAL;
	if (archive_read_open_filename(dec, path, 64 * 1024) != ARCHIVE_OK ||
	    archive_filter_count(dec) < 2 || /* only "none": not compressed */
	    ((r = archive_read_next_header(dec, &ae)) != ARCHIVE_OK && r != ARCHIVE_EOF)) {
		archive_read_free(dec);
		unsigned long long w = zstd_big_window(fd);
		if (w) {
			refuse_zstd_window(label, path, w);
			close(fd);
			inflater_free(in);
			return NULL;
		}
		const struct runtime_magic *m = runtime_magic(fd);
		if (m) {
			refuse_runtime_magic(label, path, m);
			close(fd);
			inflater_free(in);
			return NULL;
		}
		in->fd = fd; /* read as it is; not a tar archive fails at the open */
		return in;
	}
	in->size = st.st_size;
	close(fd);
	/* zstd or xz of nothing: intact (the open read through the filter),
	 * an empty tar stream. */
	in->dec_empty = r == ARCHIVE_EOF;
	if (archive_filter_count(dec) > 2) {
		/* Filter 0 is the last one applied when reading: the inner one. */
		refuse_compressed_twice(label, path, archive_filter_name(dec, 0),
					archive_filter_name(dec, 1));
		archive_read_free(dec);
		inflater_free(in);
		return NULL;
	}
	if (!runtime_compression(archive_filter_code(dec, 0))) {
		refuse_compression(label, path, archive_filter_name(dec, 0));
		archive_read_free(dec);
		inflater_free(in);
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

struct archive *pc_tar_checked_open(const char *label, const char *path)
{
	/* Only through an inflater, never another reader: the header checks
	 * read the stream the inflater keeps. */
	struct inflater *in = inflater_open(label, path);
	if (!in)
		return NULL;
	struct archive *ar = pc_tar_reader_new(PC_TAR_PLAIN);
	opened = xrealloc(opened, (nopened + 1) * sizeof(*opened));
	opened[nopened++] = (struct opened){ ar, in };
	/* libarchive calls close_cb (which frees IN) on failure too. */
	return pc_tar_opened(ar, archive_read_open2(ar, in, NULL, read_cb, skip_cb, close_cb), label, path);
}

struct archive *pc_layer_reader_open(const char *path)
{
	return pc_tar_checked_open("layer", path);
}

static struct inflater *inflater_of(struct archive *ar)
{
	for (size_t i = 0; i < nopened; i++)
		if (opened[i].ar == ar)
			return opened[i].in;
	return NULL;
}

const char *pc_layer_reader_error(struct archive *ar)
{
	struct inflater *in = inflater_of(ar);
	if (in && in->failed && in->msg[0])
		return in->msg;
	const char *s = archive_error_string(ar);
	return s ? s : "read failed (libarchive gave no reason)";
}

const char *pc_layer_reader_compression(struct archive *ar)
{
	struct inflater *in = inflater_of(ar);
	if (!in) /* not opened by pc_layer_reader_open: not known */
		return "unknown";
	if (in->gz)
		return "gzip";
	return in->dec ? archive_filter_name(in->dec, 0) : "none";
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

/* Stream bytes [OFF, OFF + N) from what libarchive was handed, without
 * reading on (libarchive still holds the current buffer): 0 if all held. */
static int held_bytes(const struct inflater *in, uint64_t off, char *out, size_t n)
{
	uint64_t tail_start = in->cur_start - in->tail_len;
	if (off < tail_start || off + n > in->cur_start + in->cur_len)
		return -1;
	for (size_t got = 0; got < n;) {
		uint64_t at = off + got;
		size_t k;
		if (at < in->cur_start) {
			k = (size_t)(in->cur_start - at) < n - got ? (size_t)(in->cur_start - at) : n - got;
			memcpy(out + got, in->tail + (at - tail_start), k);
		} else {
			k = n - got;
			memcpy(out + got, in->cur + (at - in->cur_start), k);
		}
		got += k;
	}
	return 0;
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

enum pc_tar_end pc_layer_reader_after_end(struct archive *ar)
{
	struct inflater *in = inflater_of(ar);
	if (!in)
		return PC_TAR_END_UNCHECKED;
	/* libarchive started reading the header that was not one where the
	 * last entry's data (with its padding, its sparse map and extension
	 * headers) ended: its header position.  It took one zero block there
	 * as the end, and the next one too if it was zero. */
	la_int64_t start = archive_read_header_position(ar);
	la_int64_t pos = archive_filter_bytes(ar, 0);
	if (start < 0 || pos < start || (pos - start) % 512 || pos - start > 1024)
		return PC_TAR_END_UNCHECKED;
	if (pos - start == 1024)
		return PC_TAR_END_OK; /* two zero blocks: tar and Go stop there */
	/* One zero block (or none: the stream ended there).  Go's reader
	 * reads the next block: any byte of it is an error to it. */
	char next[512];
	ssize_t n = stream_bytes(ar, in, (uint64_t)pos, next, sizeof(next));
	if (n < 0)
		return PC_TAR_END_UNCHECKED;
	if (n == 0)
		return PC_TAR_END_OK;
	if (n == (ssize_t)sizeof(next) && is_tar_header((const unsigned char *)next))
		return PC_TAR_END_ENTRIES;
	return PC_TAR_END_BYTES;
}

/* A tar numeric field: octal (spaces and NULs around it) or base-256. */
static uint64_t tar_number(const unsigned char *f, size_t n)
{
	uint64_t v = 0;
	if (f[0] & 0x80) {
		for (size_t i = 1; i < n; i++)
			v = v << 8 | f[i];
		return v;
	}
	size_t i = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
		v = v << 3 | (uint64_t)(f[i] - '0');
	return v;
}

/* A numeric field Go's tar reader takes: base-256, or octal digits with
 * spaces and NULs around them (or nothing).  libarchive reads the digits
 * up to the first other byte, so "0000000001x" is 1 to it and an invalid
 * header to the runtimes (and to GNU tar). */
static int number_ok(const unsigned char *f, size_t n)
{
	if (f[0] & 0x80)
		return 1;
	size_t a = 0, b = n;
	while (a < b && (f[a] == ' ' || f[a] == '\0'))
		a++;
	while (b > a && (f[b - 1] == ' ' || f[b - 1] == '\0'))
		b--;
	for (size_t i = a; i < b; i++)
		if (f[i] < '0' || f[i] > '7')
			return 0;
	return 1;
}

/* The first numeric field of header H the runtimes would refuse, or NULL. */
static const char *bad_number(const unsigned char *h)
{
	static const struct {
		const char *name;
		size_t off, len;
		int ustar_only;
	} fields[] = {
		{ "mode", 100, 8, 0 },	 { "uid", 108, 8, 0 },	     { "gid", 116, 8, 0 },
		{ "size", 124, 12, 0 },	 { "mtime", 136, 12, 0 },    { "devmajor", 329, 8, 1 },
		{ "devminor", 337, 8, 1 },
	};
	int ustar = !memcmp(h + 257, "ustar", 5);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((ustar || !fields[i].ustar_only) && !number_ok(h + fields[i].off, fields[i].len))
			return fields[i].name;
	return NULL;
}

/* The value of KEY in the pax records REC (N bytes), or NULL. */
static const char *pax_value(const char *rec, size_t n, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	while (n > 0) {
		char *end;
		unsigned long l = strtoul(rec, &end, 10);
		if (end == rec || *end != ' ' || l > n || l < (size_t)(end - rec) + 2)
			return NULL; /* malformed: libarchive's own check reports it */
		const char *kv = end + 1, *stop = rec + l - 1; /* at the '\n' */
		if ((size_t)(stop - kv) > klen && !memcmp(kv, key, klen) && kv[klen] == '=') {
			*len = (size_t)(stop - kv) - klen - 1;
			return kv + klen + 1;
		}
		rec += l;
		n -= l;
	}
	return NULL;
}

int pc_pax_u64(const char *v, size_t len, int fraction, uint64_t *n, int *neg)
{
	size_t i = 0, digits = 0;
	uint64_t max = (uint64_t)INT64_MAX;
	*n = 0;
	*neg = 0;
	if (i < len && (v[i] == '+' || v[i] == '-'))
		*neg = v[i++] == '-';
	for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		unsigned d = (unsigned)(v[i] - '0');
		if (*n > (max + (uint64_t)*neg - d) / 10)
			return 0;
		*n = *n * 10 + d;
		digits++;
	}
	if (fraction && i < len && v[i] == '.')
		for (i++; i < len && v[i] >= '0' && v[i] <= '9'; i++)
			;
	return digits > 0 && i == len;
}

/* The first record of the pax records REC (N bytes) that Go's tar reader
 * refuses and libarchive reads in part (a name cut at a NUL, a number cut
 * at its first non-digit), or NULL. */
static const char *bad_pax_record(const char *rec, size_t n)
{
	static const char *const strings[] = { "path", "linkpath", "uname", "gname" };
	static const char *const numbers[] = { "uid", "gid", "size" };
	static const char *const times[] = { "mtime", "atime", "ctime" };
	while (n > 0) {
		char *end;
		unsigned long l = strtoul(rec, &end, 10);
		if (end == rec || *end != ' ' || l > n || l < (size_t)(end - rec) + 2)
			return NULL; /* malformed: libarchive's own check reports it */
		const char *kv = end + 1, *stop = rec + l - 1;
		const char *eq = memchr(kv, '=', (size_t)(stop - kv));
		if (eq) {
			size_t klen = (size_t)(eq - kv), vlen = (size_t)(stop - eq - 1);
			for (size_t i = 0; i < 4; i++)
				if (strlen(strings[i]) == klen && !memcmp(kv, strings[i], klen) &&
				    memchr(eq + 1, '\0', vlen))
					return strings[i];
			uint64_t num;
			int neg;
			for (size_t i = 0; i < 3; i++) {
				if (strlen(numbers[i]) == klen && !memcmp(kv, numbers[i], klen) &&
				    !pc_pax_u64(eq + 1, vlen, 0, &num, &neg))
					return numbers[i];
				if (strlen(times[i]) == klen && !memcmp(kv, times[i], klen) &&
				    !pc_pax_u64(eq + 1, vlen, 1, &num, &neg))
					return times[i];
			}
		}
		rec += l;
		n -= l;
	}
	return NULL;
}

/* The key of the first LIBARCHIVE.xattr.NAME record of the pax records REC
 * (N bytes) whose value is not base64 (the alphabet, then only '=' or '_'
 * padding; a last group of one character decodes to nothing), into KEY (CAP
 * bytes), or 0.  libarchive skips what is not base64 and decodes the rest
 * (bsdtar writes such records; the runtimes ignore them): the xattr would
 * get bytes nobody wrote. */
static int bad_libarchive_xattr(const char *rec, size_t n, char *key, size_t cap)
{
	static const char prefix[] = "LIBARCHIVE.xattr.";
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789+/";
	while (n > 0) {
		char *end;
		unsigned long l = strtoul(rec, &end, 10);
		if (end == rec || *end != ' ' || l > n || l < (size_t)(end - rec) + 2)
			return 0; /* malformed: libarchive's own check reports it */
		const char *kv = end + 1, *stop = rec + l - 1;
		const char *eq = memchr(kv, '=', (size_t)(stop - kv));
		if (eq && (size_t)(eq - kv) > sizeof(prefix) - 1 &&
		    !memcmp(kv, prefix, sizeof(prefix) - 1)) {
			const char *v = eq + 1;
			size_t i = 0, vlen = (size_t)(stop - v);
			while (i < vlen && v[i] && strchr(alphabet, v[i]))
				i++;
			size_t data = i;
			while (i < vlen && (v[i] == '=' || v[i] == '_'))
				i++;
			if (i != vlen || data % 4 == 1) {
				snprintf(key, cap, "%.*s", (int)(eq - kv), kv);
				return 1;
			}
		}
		rec += l;
		n -= l;
	}
	return 0;
}

/* Are the pax records REC (N bytes) of an entry GNU sparse records that
 * Go's reader ignores?  Go takes an entry as sparse only for versions 0.0,
 * 0.1 (a map or offset/numbytes records) and 1.0, and otherwise ignores
 * GNU.sparse.name and .realsize, which libarchive applies anyway: the
 * entry gets another name or size. */
static int sparse_ignored_by_go(const char *rec, size_t n)
{
	size_t len;
	const char *major = pax_value(rec, n, "GNU.sparse.major", &len);
	size_t major_len = len;
	const char *minor = pax_value(rec, n, "GNU.sparse.minor", &len);
	size_t minor_len = len;
	int map = pax_value(rec, n, "GNU.sparse.map", &len) ||
		  pax_value(rec, n, "GNU.sparse.offset", &len) ||
		  pax_value(rec, n, "GNU.sparse.numbytes", &len);
	int any = major || minor || map;
	const char *prefix = "GNU.sparse.";
	for (const char *r = rec; !any && r < rec + n;) {
		char *end;
		unsigned long l = strtoul(r, &end, 10);
		if (end == r || *end != ' ' || l > (size_t)(rec + n - r) || l < (size_t)(end - r) + 2)
			break;
		any = !strncmp(end + 1, prefix, strlen(prefix));
		r += l;
	}
	if (!any)
		return 0;
#define IS(v, l, s) ((v) && (l) == strlen(s) && !memcmp((v), (s), (l)))
	if (IS(major, major_len, "0") && (IS(minor, minor_len, "0") || IS(minor, minor_len, "1")))
		return 0;
	if (IS(major, major_len, "1") && IS(minor, minor_len, "0"))
		return 0;
#undef IS
	return major || minor || !map;
}

struct chain {
	char *pax, *lname, *lnk; /* contents of the x, L and K headers */
	size_t pax_len, lname_len, lnk_len;
	int twice;               /* one of them given twice */
};

static void chain_keep(char **slot, size_t *slot_len, int *twice, char *buf, size_t len)
{
	if (*slot) {
		*twice = 1;
		free(*slot);
	}
	*slot = buf;
	*slot_len = len;
}

/* The long name or link given twice, by a GNU header and a pax record,
 * differently: what libarchive takes (pax) is not what the runtimes take
 * (Go prefers the GNU header). */
static int names_disagree(const struct chain *c, const char *key, const char *gnu, size_t gnu_len)
{
	size_t len;
	const char *v = c->pax ? pax_value(c->pax, c->pax_len, key, &len) : NULL;
	if (!v || !gnu)
		return 0;
	gnu_len = strnlen(gnu, gnu_len);
	return len != gnu_len || memcmp(v, gnu, len);
}

/* Entry types the runtimes read, and GNU sparse files ('S'), which
 * libarchive and GNU tar read alike.  libarchive takes any other type for
 * a regular file (or skips it): a guess. */
static int known_type(unsigned char t)
{
	return t == '\0' || (t >= '0' && t <= '7') || t == 'S';
}

/* A device whose numbers libarchive takes from pax records
 * (SCHILY.devmajor, SCHILY.devminor, as star writes them) other than its
 * header's fields, which the runtimes' Go reader reads (it ignores those
 * records): 1 with WHY, else 0.  A v7 header has no such fields: 0,0. */
static int dev_differs(const unsigned char *h, unsigned char t, struct archive_entry *ae,
		       char *why, size_t cap)
{
	if (t != '3' && t != '4')
		return 0;
	int ustar = !memcmp(h + 257, "ustar", 5);
	uint64_t major = ustar ? tar_number(h + 329, 8) : 0;
	uint64_t minor = ustar ? tar_number(h + 337, 8) : 0;
	if (major == (uint64_t)archive_entry_rdevmajor(ae) &&
	    minor == (uint64_t)archive_entry_rdevminor(ae))
		return 0;
	snprintf(why, cap, "a device whose pax records SCHILY.devmajor and SCHILY.devminor "
		 "(%lu,%lu) differ from its header's numbers (%llu,%llu): libarchive takes the "
		 "records, the runtimes the header", (unsigned long)archive_entry_rdevmajor(ae),
		 (unsigned long)archive_entry_rdevminor(ae), (unsigned long long)major,
		 (unsigned long long)minor);
	return 1;
}

/* Headers longer than the reader holds (TAIL): 1, WHY says so. */
static int headers_too_large(char *why, size_t cap)
{
	snprintf(why, cap, "its tar headers span more than %u KiB: too large to check",
		 TAIL / 1024);
	return 1;
}

/* The entry's own header, of type T, after the extension headers C holds:
 * 1 with the reason in WHY if libarchive and the runtimes read them
 * differently, else 0. */
static int judge_entry(unsigned char t, struct archive_entry *ae, const struct chain *c,
		       char *why, size_t cap)
{
	const char *field, *reason;
	char key[128];
	size_t len;
	if (!known_type(t)) {
		snprintf(why, cap, "a tar header of type '%c' (0x%02x), which the runtimes "
			 "do not read (libarchive would guess)", t >= 0x20 && t < 0x7f ? t : '?', t);
		return 1;
	}
	if (t == '1' && archive_entry_size(ae) > 0) {
		/* POSIX lets a pax hardlink carry data; Go's reader takes a
		 * link as a header alone */
		snprintf(why, cap, "a hardlink that carries data, %lld bytes (libarchive "
			 "reads them as the link's content, the runtimes as the headers "
			 "that follow)", (long long)archive_entry_size(ae));
		return 1;
	}
	if ((t == '0' || t == '7') && archive_entry_filetype(ae) == AE_IFDIR) {
		snprintf(why, cap, "a regular file (type '%c') whose name ends in '/': "
			 "libarchive and GNU tar make it a folder, the runtimes a file", t);
		return 1;
	}
	if (c->pax && (field = bad_pax_record(c->pax, c->pax_len)) != NULL) {
		snprintf(why, cap, "its pax record '%s' holds a NUL or is not a number "
			 "of 64 bits (libarchive reads the part before it or clamps it; "
			 "the runtimes refuse the header)", field);
		return 1;
	}
	if (c->pax && bad_libarchive_xattr(c->pax, c->pax_len, key, sizeof(key))) {
		snprintf(why, cap, "its pax record '%s' is not base64 (libarchive skips "
			 "what is not and decodes the rest into the xattr; the runtimes "
			 "ignore the record)", key);
		return 1;
	}
	if (c->pax && pc_pax_xattrs_disagree(c->pax, c->pax_len, key, sizeof(key), &reason)) {
		snprintf(why, cap, "xattr %s %s", key, reason);
		return 1;
	}
	if (c->pax && (pax_value(c->pax, c->pax_len, "SCHILY.realsize", &len) ||
		       pax_value(c->pax, c->pax_len, "SUN.holesdata", &len))) {
		snprintf(why, cap, "star's sparse pax records (SCHILY.realsize, "
			 "SUN.holesdata), which the runtimes ignore and libarchive "
			 "applies (another size)");
		return 1;
	}
	if (c->pax && sparse_ignored_by_go(c->pax, c->pax_len)) {
		snprintf(why, cap, "GNU sparse pax records on an entry the runtimes do not "
			 "take as sparse (libarchive would still apply its name and size)");
		return 1;
	}
	if (c->twice) {
		snprintf(why, cap, "a pax or GNU long-name header given twice: ambiguous");
		return 1;
	}
	if (names_disagree(c, "path", c->lname, c->lname_len) ||
	    names_disagree(c, "linkpath", c->lnk, c->lnk_len)) {
		snprintf(why, cap, "a GNU long name or link and a pax path or linkpath "
			 "that differ: tar readers disagree on which names the entry");
		return 1;
	}
	return 0;
}

/* The data of the extension header of type T at OFF (a pax 'x', a GNU
 * long name 'L' or link 'K': SIZE bytes after it) kept in C; -1 if it lies
 * beyond END or beyond what the reader holds. */
static int keep_extension(const struct inflater *in, uint64_t off, uint64_t end,
			  unsigned char t, uint64_t size, struct chain *c)
{
	if (off + 512 + size > end || size > TAIL)
		return -1;
	char *buf = xmalloc((size_t)size + 1);
	if (held_bytes(in, off + 512, buf, (size_t)size) < 0) {
		free(buf);
		return -1;
	}
	buf[size] = '\0';
	if (t == 'x')
		chain_keep(&c->pax, &c->pax_len, &c->twice, buf, (size_t)size);
	else if (t == 'L')
		chain_keep(&c->lname, &c->lname_len, &c->twice, buf, (size_t)size);
	else
		chain_keep(&c->lnk, &c->lnk_len, &c->twice, buf, (size_t)size);
	return 0;
}

/* The entry of type T whose own header is at OFF, its size field SIZE,
 * after the extension headers C: if it is a regular file, not sparse,
 * where its data ends (Go's reader: the pax size record, else the field),
 * for pad_at_end. */
static void note_data_end(struct inflater *in, unsigned char t, struct archive_entry *ae,
			  const struct chain *c, uint64_t off, uint64_t size)
{
	if ((t != '0' && t != '7' && t != '\0') || archive_entry_filetype(ae) != AE_IFREG)
		return;
	if (c->pax) {
		if (memmem(c->pax, c->pax_len, "GNU.sparse.", 11))
			return; /* its data holds a map: not worked out here */
		size_t len;
		const char *v = pax_value(c->pax, c->pax_len, "size", &len);
		int neg;
		if (v && (!pc_pax_u64(v, len, 0, &size, &neg) || (neg && size)))
			return; /* refused before: by judge_entry, a negative one by libarchive */
	}
	in->data_end = off + 512 + size;
}

int pc_layer_reader_check_headers(struct archive *ar, struct archive_entry *ae, char *why,
				  size_t cap)
{
	struct inflater *in = inflater_of(ar);
	if (!in) { /* a check that cannot run does not pass */
		snprintf(why, cap, "not opened by the layer reader: its headers cannot be checked");
		return 1;
	}
	uint64_t off = (uint64_t)archive_read_header_position(ar);
	uint64_t end = (uint64_t)archive_filter_bytes(ar, 0);
	struct chain c = { 0 };
	int rc = 0;
	unsigned char h[512];
	for (;;) {
		if (off + sizeof(h) > end || held_bytes(in, off, (char *)h, sizeof(h)) < 0) {
			rc = headers_too_large(why, cap);
			break;
		}
		unsigned char t = h[156];
		uint64_t size = tar_number(h + 124, 12);
		const char *field = bad_number(h);
		if (field) {
			snprintf(why, cap, "its tar header's %s field is not a number (libarchive "
				 "reads the digits before the first other byte; the runtimes and GNU "
				 "tar refuse the header)", field);
			rc = 1;
			break;
		}
		if (t != 'x' && t != 'g' && t != 'L' && t != 'K') {
			rc = judge_entry(t, ae, &c, why, cap) || dev_differs(h, t, ae, why, cap);
			if (rc == 0)
				note_data_end(in, t, ae, &c, off, size);
			break;
		}
		if (t != 'g' && keep_extension(in, off, end, t, size, &c) < 0) {
			rc = headers_too_large(why, cap);
			break;
		}
		off += 512 + (size + 511) / 512 * 512;
	}
	free(c.pax);
	free(c.lname);
	free(c.lnk);
	return rc;
}

/* Does the compressed file go on after the stream libarchive decompressed?
 * Its bzip2 reader stops at the end of the last stream and ignores what
 * follows; Go's compress/bzip2 takes it for the next stream and fails.
 * (Its xz and zstd readers fail on such bytes themselves.) */
static int stream_ends_early(struct inflater *in)
{
	int last = archive_filter_count(in->dec) - 1; /* the file's bytes */
	return archive_filter_bytes(in->dec, last) < (la_int64_t)in->size;
}

/* The rest of a compressed stream after the tar's end, decompressed to
 * its end: the runtimes read it all (containerd's applier and Docker's
 * layer store digest the whole stream once the tar reader stops), so a
 * stream cut short or followed by other bytes fails there however far
 * after the tar's end it is.  0 if it is whole (or not compressed: bytes
 * after a plain tar's end are never read), else -1 with the error
 * reported. */
static int rest_intact(struct archive *ar, const char *label, const char *path)
{
	struct inflater *in = inflater_of(ar);
	if (!in || in->fd >= 0 || in->dec_empty)
		return 0;
	const void *out;
	la_ssize_t n;
	while ((n = read_cb(ar, in, &out)) > 0)
		;
	if (n == 0 && in->dec && stream_ends_early(in))
		return pc_fail(PC_ERR_INPUT, "%s%s%s: bytes follow the end of the %s stream: tar "
			       "would ignore them, the runtimes refuse the layer", PC_TAR_NAME(label, path),
			       archive_filter_name(in->dec, 0));
	if (n == 0)
		return 0;
	return pc_fail(PC_ERR_INPUT, "%s%s%s: the compressed stream after the tar's end: %s (the "
		       "runtimes read a layer's stream to its end and refuse it)", PC_TAR_NAME(label, path),
		       in->msg);
}

/* The end of the archive PATH (LABEL as for pc_tar_checked_next): 0 if
 * the runtimes take it as the end, else -1 with the error reported. */
static int checked_end(struct archive *ar, const char *label, const char *path)
{
	long long at = (long long)archive_filter_bytes(ar, 0);
	switch (pc_layer_reader_after_end(ar)) {
	case PC_TAR_END_OK:
		return rest_intact(ar, label, path);
	case PC_TAR_END_ENTRIES:
		return pc_fail(PC_ERR_INPUT, "%s%s%s: entries follow a single zero block (at byte "
			       "%lld of the tar stream; the end of a tar archive is two): tar would "
			       "stop there, the runtimes refuse the archive",
			       PC_TAR_NAME(label, path), at - 512);
	case PC_TAR_END_BYTES:
		return pc_fail(PC_ERR_INPUT, "%s%s%s: bytes that are not a tar header follow a "
			       "single zero block (at byte %lld of the tar stream; the end of a tar "
			       "archive is two): tar would stop there and ignore them, the "
			       "runtimes refuse the archive", PC_TAR_NAME(label, path), at - 512);
	case PC_TAR_END_UNCHECKED:
	default:
		return pc_fail(PC_ERR_RUN, "%s%s%s: where its last entry ended is not known, so its "
			       "end cannot be checked: not read", PC_TAR_NAME(label, path));
	}
}

/* AE's name for a message ("?" when it has none). */
static const char *entry_name(struct archive_entry *ae)
{
	const char *p = ae ? archive_entry_pathname(ae) : NULL;
	return p ? p : "?";
}

int pc_tar_checked_next(struct archive *ar, struct archive_entry **ae, const char *label,
			const char *path)
{
	if (!inflater_of(ar))
		return pc_fail(PC_ERR_RUN, "%s%s%s: not opened by the layer reader: its headers "
			       "cannot be checked, so it is not read", PC_TAR_NAME(label, path));
	int r = archive_read_next_header(ar, ae);
	while (r == ARCHIVE_RETRY)
		r = archive_read_next_header(ar, ae);
	if (r == ARCHIVE_EOF)
		return checked_end(ar, label, path);
	if (r == ARCHIVE_WARN && !pc_tar_header_whole(ar, r))
		return pc_fail(PC_ERR_INPUT, "%s%s%s: entry %s: a tar header powercut cannot "
			       "read whole (libarchive: %s): refused rather than read in part",
			       PC_TAR_NAME(label, path), entry_name(*ae), archive_error_string(ar));
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return pc_fail(PC_ERR_INPUT, "%s%s%s: %s", PC_TAR_NAME(label, path),
			       pc_layer_reader_error(ar));
	char why[400];
	if (pc_layer_reader_check_headers(ar, *ae, why, sizeof(why)))
		return pc_fail(PC_ERR_INPUT, "%s%s%s: entry %s: %s", PC_TAR_NAME(label, path),
			       entry_name(*ae), why);
	return 1;
}

int pc_layer_reader_next(struct archive *ar, struct archive_entry **ae, const char *lname)
{
	return pc_tar_checked_next(ar, ae, "layer", lname);
}
