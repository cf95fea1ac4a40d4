/* test_taropen.c - image/taropen.c: a tar opens (plain and compressed, by
 * path and by fd); a missing file and a file that is not a tar archive are
 * input errors told apart by their message; the raw reader gives the
 * decompressed stream. */
#include <CUnit/CUnit.h>

#include <archive_entry.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tarfix.h"
#include "unit.h"
#include "image/layer_reader.h"
#include "image/taropen.h"
#include "util/util.h"

static const struct member one[] = { { 'f', "a.txt", 0644, "hello", 0, 0, NULL, NULL, 0 } };

/* The first entry's name, or NULL. */
static char *first_name(struct archive *a)
{
	struct archive_entry *ae;
	if (archive_read_next_header(a, &ae) != ARCHIVE_OK)
		return NULL;
	return xstrdup(archive_entry_pathname(ae));
}

static void test_open(void)
{
	char *dir = unit_tmpdir();
	char *plain = xasprintf("%s/l.tar", dir), *gz = xasprintf("%s/l.tar.gz", dir);
	write_tar(plain, one, 1, 0);
	write_tar(gz, one, 1, 1);

	struct archive *a = pc_tar_open("layer", gz, -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	char *n = first_name(a);
	CU_ASSERT_STRING_EQUAL(n, "a.txt");
	free(n);
	archive_read_free(a);

	int fd = open(plain, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	a = pc_tar_open(NULL, plain, fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	n = first_name(a);
	CU_ASSERT_STRING_EQUAL(n, "a.txt");
	free(n);
	archive_read_free(a);
	close(fd);

	/* Raw: the gzip'd file's decompressed bytes (the tar), as one entry. */
	a = pc_tar_reader_new(PC_TAR_RAW);
	CU_ASSERT_FATAL(archive_read_open_filename(a, gz, 4096) == ARCHIVE_OK);
	struct archive_entry *ae;
	CU_ASSERT(archive_read_next_header(a, &ae) == ARCHIVE_OK);
	char block[512];
	CU_ASSERT(archive_read_data(a, block, sizeof(block)) == (la_ssize_t)sizeof(block));
	CU_ASSERT(memcmp(block + 257, "ustar", 5) == 0); /* a tar header, not gzip */
	archive_read_free(a);

	unit_rmtree(dir);
	free(plain);
	free(gz);
	free(dir);
}

static void test_refused(void)
{
	char *dir = unit_tmpdir();
	char *text = xasprintf("%s/not-a-tar", dir), *missing = xasprintf("%s/missing", dir);
	FILE *f = fopen(text, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a tar archive\n", f);
	fclose(f);

	char msg[512];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open("layer", text, -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a (compressed) tar archive"));
	char *want = xasprintf("layer %s: ", text);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	free(want);

	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open(NULL, missing, -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot open"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, missing));

	/* A file whose first read fails (EIO: /proc/self/mem at offset 0) is
	 * a medium that failed, not a file in another format. */
	pc_capture_errors(msg, sizeof(msg));
	msg[0] = '\0';
	CU_ASSERT_PTR_NULL(pc_tar_open(NULL, "/proc/self/mem", -1));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_ENV);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/proc/self/mem: cannot read: Input/output error"));
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;

	unit_rmtree(dir);
	free(text);
	free(missing);
	free(dir);
}

/* A reader the layer reader did not open is one whose headers it cannot
 * check: pc_layer_reader_next refuses it (it read such a reader's entries
 * unchecked, as if checked), and a layer it cannot open is reported, not
 * handed to another reader. */
static void test_layer_reader_only_its_own(void)
{
	char *dir = unit_tmpdir();
	char *plain = xasprintf("%s/l.tar", dir), *missing = xasprintf("%s/none.tar", dir);
	write_tar(plain, one, 1, 0);
	struct archive *a = pc_tar_open("layer", plain, -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct archive_entry *ae;
	char buf[512];
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_layer_reader_next(a, &ae, plain), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT(strstr(buf, "not opened by the layer reader") != NULL);
	/* named "layer PATH", though only made when there is a message */
	char *named = xasprintf("layer %s: not opened by the layer reader", plain);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, named));
	free(named);
	archive_read_free(a);
	a = pc_layer_reader_open(plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(pc_layer_reader_next(a, &ae, plain), 1);
	CU_ASSERT_STRING_EQUAL(archive_entry_pathname(ae), "a.txt");
	archive_read_free(a);
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_PTR_NULL(pc_layer_reader_open(missing));
	pc_capture_errors(NULL, 0);
	char *want = xasprintf("layer %s: cannot open: No such file or directory", missing);
	CU_ASSERT(strstr(buf, want) != NULL);
	free(want);
	unit_rmtree(dir);
	free(plain);
	free(missing);
	free(dir);
}

/* Bytes this process has read so far (/proc/self/io's rchar). */
static unsigned long long bytes_read(void)
{
	size_t len;
	char *io = pc_read_file("/proc/self/io", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(io);
	const char *r = strstr(io, "rchar: ");
	unsigned long long n = r ? strtoull(r + 7, NULL, 10) : 0;
	free(io);
	return n;
}

/* Every entry of an archive through the checked reader: how many, 0 with
 * -1 when one was refused. */
static int entries(const char *path, int *refused)
{
	struct archive *a = pc_tar_checked_open(NULL, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct archive_entry *ae;
	int n = 0, r;
	while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0)
		n++;
	*refused = r < 0;
	archive_read_free(a);
	return n;
}

/* Data the reader passes over (an image archive's layers when it is
 * scanned, a layer's files for inspect) is skipped in an uncompressed
 * file, not read: the checked reader read each archive whole, so docker-save
 * archives were read twice (992 MB for a 496 MB archive; inspect 1.8x and
 * the run's unpack phase 1.6x slower than before it).  The checks still
 * see what they saw: a lone zero block after a skipped member is
 * refused, two zero blocks end the archive, compressed archives read on. */
static void test_checked_reader_skips_data(void)
{
	char *dir = unit_tmpdir();
	size_t big = 32u << 20;
	char *data = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)pattern_byte(i);
	struct raw_member m[] = {
		{ "layer.tar", data, big, NULL },
		{ "manifest.json", "[]", 2, NULL },
	};
	char *plain = xasprintf("%s/a.tar", dir), *gz = xasprintf("%s/a.tar.gz", dir);
	write_raw_tar(plain, m, 2, 0);
	write_raw_tar(gz, m, 2, 1);
	int refused;
	unsigned long long before = bytes_read();
	CU_ASSERT_EQUAL(entries(plain, &refused), 2);
	CU_ASSERT_FALSE(refused);
	CU_ASSERT(bytes_read() - before < (8u << 20)); /* not the 32 MiB member */
	CU_ASSERT_EQUAL(entries(gz, &refused), 2);
	CU_ASSERT_FALSE(refused);

	/* The member, then one zero block, then another member: refused. */
	struct raw_member first[] = { { "layer.tar", data, big, NULL } };
	struct raw_member next[] = { { "manifest.json", "[]", 2, NULL } };
	char *tail = xasprintf("%s/tail.tar", dir), *lone = xasprintf("%s/lone.tar", dir);
	write_raw_tar(lone, first, 1, 0);
	write_raw_tar(tail, next, 1, 0);
	size_t len, tlen;
	char *b = pc_read_file(lone, &len), *t = pc_read_file(tail, &tlen);
	CU_ASSERT_FATAL(b && t && len % 512 == 0);
	static const char zero[512];
	while (len >= 512 && !memcmp(b + len - 512, zero, 512))
		len -= 512; /* its end: the two zero blocks and the padding */
	for (int blocks = 1; blocks <= 2; blocks++) {
		char *c = xmalloc(len + 1024 + tlen);
		memcpy(c, b, len);
		memset(c + len, 0, 512u * (unsigned)blocks);
		memcpy(c + len + 512u * (unsigned)blocks, t, tlen);
		CU_ASSERT_EQUAL_FATAL(pc_write_file(lone, c, len + 512u * (unsigned)blocks + tlen, 0), 0);
		free(c);
		char msg[512] = "";
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		int n = entries(lone, &refused);
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(refused, blocks == 1);
		if (blocks == 1)
			CU_ASSERT_PTR_NOT_NULL(strstr(msg, "entries follow a single zero block"));
	}
	free(b);
	free(t);
	free(data);
	free(plain);
	free(gz);
	free(tail);
	free(lone);
	unit_rmtree(dir);
	free(dir);
}

/* What follows the last entry of an archive built by end_case. */
enum after { B_ENTRY, GARBAGE_BLOCK, GARBAGE_PART, NOTHING };

struct end_case {
	const char *name;
	char kind;       /* 'f' a file, 'x' a file with a pax path, 'S' an old GNU sparse file */
	size_t size;     /* its data, all zero but the first block when !zero */
	int zero;        /* its data is zeros to its end */
	int gap;         /* zero blocks after it */
	enum after next; /* then */
	int refused;     /* the runtimes' Go reader refuses it */
};

/* An old GNU sparse header ('S') for NAME: SIZE bytes stored, one region
 * at 0 of SIZE bytes, REAL bytes in all. */
static void gnu_sparse_header(unsigned char *b, const char *name, size_t size, size_t real)
{
	ustar_header(b, 'S', name, size);
	memcpy(b + 257, "ustar  ", 8); /* GNU magic and version */
	sprintf((char *)b + 386, "%011o", 0);
	sprintf((char *)b + 398, "%011zo", size);
	sprintf((char *)b + 483, "%011zo", real);
	memset(b + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += b[i];
	sprintf((char *)b + 148, "%06o", sum);
}

/* The archive of case C at PATH, gzip'd (gzip -n) when GZ. */
static void write_end_case(const char *path, const struct end_case *c, int gz)
{
	size_t data = (c->size + 511) / 512 * 512;
	size_t cap = 512 * 3 + data + 512 * (size_t)c->gap + 512 * 4;
	unsigned char *t = xcalloc(1, cap), *p = t;
	if (c->kind == 'x') {
		static const char rec[] = "19 path=a-by-pax-x\n";
		ustar_header(p, 'x', "PaxHeader/a", sizeof(rec) - 1);
		memcpy(p + 512, rec, sizeof(rec) - 1);
		p += 1024;
	}
	if (c->kind == 'S')
		gnu_sparse_header(p, "a", c->size, c->size * 8);
	else
		ustar_header(p, '0', "a", c->size);
	p += 512;
	if (!c->zero)
		memset(p, 'a', c->size < 512 ? c->size : 512);
	p += data + 512 * (size_t)c->gap; /* zeros */
	if (c->next == B_ENTRY) {
		ustar_header(p, '0', "b", 3);
		memcpy(p + 512, "bb\n", 3);
		p += 1024 + 1024;
	} else if (c->next == GARBAGE_BLOCK) {
		memset(p, 'g', 512);
		p += 512;
	} else if (c->next == GARBAGE_PART) {
		memset(p, 'g', 100);
		p += 100;
	}
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, (size_t)(p - t), 0), 0);
	free(t);
	if (gz) {
		char *cmd = xasprintf("gzip -n -f '%s' && mv '%s.gz' '%s'", path, path, path);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		free(cmd);
	}
}

/* The end of a tar archive is two zero blocks after where its last
 * entry's data (and padding, sparse map, pax and GNU headers) ended, as
 * Go's archive/tar reads it: after one zero block it reads the next, and
 * any bytes there (a header, other bytes, part of a block) are
 * "archive/tar: invalid tar header" or "unexpected EOF" (podman 4.3 refused
 * each such layer).  The check looked at the block two before libarchive's
 * position and took a member's all-zero last data block for the first of
 * the two, so a layer whose file ends in a zero block, then one zero
 * block, then entries was read as ending there: the entries after it
 * silently dropped.  And bytes that are not a header after a lone zero
 * block were ignored. */
static void test_end_after_last_data(void)
{
	static const struct end_case cases[] = {
		{ "zero data, one zero block, b", 'f', 512, 1, 1, B_ENTRY, 1 },
		{ "zero data, two zero blocks, b", 'f', 512, 1, 2, B_ENTRY, 0 },
		{ "zero data, b", 'f', 512, 1, 0, B_ENTRY, 0 },
		{ "zero data, one zero block, the end", 'f', 512, 1, 1, NOTHING, 0 },
		{ "zero data, the end", 'f', 512, 1, 0, NOTHING, 0 },
		{ "zero data in 3 blocks, one zero block, b", 'f', 1536, 1, 1, B_ENTRY, 1 },
		{ "data, one zero block, a block of other bytes", 'f', 512, 0, 1, GARBAGE_BLOCK, 1 },
		{ "data, one zero block, 100 other bytes", 'f', 512, 0, 1, GARBAGE_PART, 1 },
		{ "data, two zero blocks, other bytes", 'f', 512, 0, 2, GARBAGE_BLOCK, 0 },
		{ "data, one zero block, b", 'f', 10, 0, 1, B_ENTRY, 1 },
		{ "a pax-named file of zeros, one zero block, b", 'x', 512, 1, 1, B_ENTRY, 1 },
		{ "a GNU sparse file of zeros, one zero block, b", 'S', 512, 1, 1, B_ENTRY, 1 },
		{ "a GNU sparse file of zeros, two zero blocks, b", 'S', 512, 1, 2, B_ENTRY, 0 },
		/* skipped with lseek (uncompressed) */
		{ "3 MiB of zeros, one zero block, b", 'f', 3u << 20, 1, 1, B_ENTRY, 1 },
		{ "3 MiB of zeros, two zero blocks, b", 'f', 3u << 20, 1, 2, B_ENTRY, 0 },
	};
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/end.tar", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int gz = 0; gz <= 1; gz++) {
			const struct end_case *c = &cases[i];
			write_end_case(path, c, gz);
			char msg[512] = "";
			int refused;
			pc_messages_quiet = 1;
			pc_capture_errors(msg, sizeof(msg));
			int n = entries(path, &refused);
			pc_capture_errors(NULL, 0);
			pc_messages_quiet = 0;
			if (refused != c->refused || n != 1 + (c->gap == 0 && c->next == B_ENTRY))
				fprintf(stderr, "\n  %s%s: %d entries, %s (%s)\n", c->name,
					gz ? " (gzip)" : "", n, refused ? "refused" : "read", msg);
			CU_ASSERT_EQUAL(refused, c->refused);
			CU_ASSERT_EQUAL(n, 1 + (c->gap == 0 && c->next == B_ENTRY));
			if (c->refused)
				CU_ASSERT_PTR_NOT_NULL(strstr(msg, "follow a single zero block"));
		}
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* umoci before 0.5.0 never closed the tar writer of `umoci insert`
 * (umoci ad29ed3b): its layer ends right after its last file's data, with
 * neither the padding to the block nor the two zero blocks.  Go's
 * archive/tar, which containerd, Docker, podman and umoci read layers with,
 * takes a stream that ends anywhere in the last entry's padding as the end
 * (tryReadFull gives io.EOF); libarchive found the padding cut short
 * ("Truncated input file"), so powercut refused the layer podman 4.3 and
 * umoci 0.4.7 unpack.  Now read as Go reads it; a stream cut inside the
 * data or a header is still refused. */
struct cut_case {
	const char *name;
	int pax;        /* the last file's name in a pax record */
	size_t size;    /* the last file's size */
	long keep;      /* bytes of the stream after its header: data and padding */
	int refused;
};

static void write_cut_case(const char *path, const struct cut_case *c, int gz)
{
	size_t cap = 512 * 6 + c->size + 512;
	unsigned char *t = xcalloc(1, cap), *p = t;
	ustar_header(p, '0', "first", 5); /* a whole entry before it */
	memcpy(p + 512, "1st\n\n", 5);
	p += 1024;
	if (c->pax) {
		static const char rec[] = "19 path=a-by-pax-x\n";
		ustar_header(p, 'x', "PaxHeader/a", sizeof(rec) - 1);
		memcpy(p + 512, rec, sizeof(rec) - 1);
		p += 1024;
	}
	ustar_header(p, '0', "a", c->size);
	p += 512;
	for (size_t i = 0; i < c->size; i++)
		p[i] = (unsigned char)('a' + i % 26);
	p += c->keep;
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, (size_t)(p - t), 0), 0);
	free(t);
	if (gz) {
		char *cmd = xasprintf("gzip -n -f '%s' && mv '%s.gz' '%s'", path, path, path);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		free(cmd);
	}
}

/* Entries of PATH, their data read (READ) or skipped; *REFUSED set if the
 * reader failed; the last entry's data into LAST (CAP bytes). */
static int entries_read(const char *path, int read, int *refused, char *last, size_t cap)
{
	struct archive *a = pc_tar_checked_open(NULL, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct archive_entry *ae;
	int n = 0, r;
	*refused = 0;
	while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0) {
		n++;
		if (!read)
			continue;
		la_ssize_t got = archive_read_data(a, last, cap - 1);
		if (got < 0) {
			*refused = 1;
			break;
		}
		last[got] = '\0';
	}
	if (r < 0)
		*refused = 1;
	archive_read_free(a);
	return n;
}

static void test_end_in_last_padding(void)
{
	static const struct cut_case cases[] = {
		{ "4 bytes, then the end (umoci insert)", 0, 4, 4, 0 },
		{ "4 bytes, 100 of padding, the end", 0, 4, 104, 0 },
		{ "4 bytes, 507 of padding, the end", 0, 4, 511, 0 },
		{ "pax-named, 4 bytes, the end", 1, 4, 4, 0 },
		{ "3000 bytes, the end", 0, 3000, 3000, 0 },
		{ "512 bytes, the end", 0, 512, 512, 0 },
		{ "4 bytes, 512 of padding and end, the end", 0, 4, 1024 + 512, 0 },
		{ "4 bytes cut after 2", 0, 4, 2, 1 },
		{ "3000 bytes cut after 2999", 0, 3000, 2999, 1 },
		{ "4 bytes, none of them there", 0, 4, 0, 1 },
		{ "4 bytes, padding, 100 bytes of a header", 0, 4, 612, 1 },
	};
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/cut.tar", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int gz = 0; gz <= 1; gz++)
			for (int read = 0; read <= 1; read++) {
				const struct cut_case *c = &cases[i];
				write_cut_case(path, c, gz);
				char msg[512] = "", last[4096] = "";
				int refused;
				pc_messages_quiet = 1;
				pc_capture_errors(msg, sizeof(msg));
				int n = entries_read(path, read, &refused, last, sizeof(last));
				pc_capture_errors(NULL, 0);
				pc_messages_quiet = 0;
				int ok = refused == c->refused && (c->refused || n == 2) &&
					 (c->refused || !read || strlen(last) == c->size);
				if (!ok)
					fprintf(stderr, "\n  %s%s%s: %d entries, %s (%s)\n", c->name,
						gz ? " (gzip)" : "", read ? " (data read)" : "", n,
						refused ? "refused" : "read", msg);
				CU_ASSERT(ok);
			}
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A plain tar whose first bytes (its first entry's name) are a
 * compression's magic number the runtimes look for: Docker (moby's
 * compression.Detect) and podman (containers/image) take "BZh" for bzip2
 * and fail ("bzip2 data invalid: invalid compression level", podman 4.3),
 * and the same for xz and zstd; libarchive wants more than the magic, so
 * powercut read such a layer as the tar it also is (a zstd one after the
 * zstd reader had failed on it).  Refused, saying why; real bzip2, xz and
 * zstd layers and names that only look alike are read. */
static void test_runtime_magic_refused(void)
{
	static const struct {
		const char *name; /* of the first entry */
		const char *cmd;  /* compresses the tar, or NULL */
		int refused;
	} cases[] = {
		{ "BZhello", NULL, 1 },
		{ "BZh91AY&SY-notes", NULL, 1 },
		{ "\xfd" "7zXZ", NULL, 1 },
		{ "\x28\xb5\x2f\xfd" "name", NULL, 1 },
		{ "\x5a\x2a\x4d\x18" "name", NULL, 1 },
		{ "BZ", NULL, 0 },
		{ "Bzh", NULL, 0 },
		{ "\xfd" "7zX", NULL, 0 },
		{ "BZhello", "bzip2", 0 },
		{ "BZhello", "xz", 0 },
		{ "BZhello", "zstd -q", 0 },
		{ "BZhello", "gzip -n", 0 },
	};
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/l.tar", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char t[512 * 6] = { 0 };
		ustar_header(t, '0', cases[i].name, 2);
		memcpy(t + 512, "x\n", 2);
		ustar_header(t + 1024, '0', "other", 2);
		memcpy(t + 1536, "y\n", 2);
		CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, sizeof(t), 0), 0);
		if (cases[i].cmd) {
			char *cmd = xasprintf("%s -c '%s' > '%s.c' && mv '%s.c' '%s'", cases[i].cmd,
					      path, path, path, path);
			CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
			free(cmd);
		}
		char msg[1024] = "";
		int refused;
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		pc_last_errclass = PC_ERR_NONE;
		struct archive *a = pc_tar_checked_open(NULL, path);
		int n = 0;
		if (a) {
			struct archive_entry *ae;
			int r;
			while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0)
				n++;
			archive_read_free(a);
			refused = r < 0;
		} else {
			refused = 1;
		}
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		if (refused != cases[i].refused)
			fprintf(stderr, "\n  case %zu (%s): %s, %d entries (%s)\n", i,
				cases[i].cmd ? cases[i].cmd : "plain", refused ? "refused" : "read", n, msg);
		CU_ASSERT_EQUAL(refused, cases[i].refused);
		if (cases[i].refused) {
			CU_ASSERT_PTR_NULL(a);
			CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
			CU_ASSERT_PTR_NOT_NULL(strstr(msg, "magic number"));
		} else {
			CU_ASSERT_EQUAL(n, 2);
		}
	}
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* One two-file tar through libarchive's write filter CODE into PATH. */
static void write_filtered(const char *path, int code)
{
	struct archive *a = archive_write_new();
	CU_ASSERT_FATAL(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
	CU_ASSERT_FATAL(archive_write_add_filter(a, code) == ARCHIVE_OK);
	CU_ASSERT_FATAL(archive_write_open_filename(a, path) == ARCHIVE_OK);
	for (int i = 0; i < 2; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, i ? "b" : "a");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 2);
		CU_ASSERT_FATAL(archive_write_header(a, e) == ARCHIVE_OK);
		CU_ASSERT(archive_write_data(a, "x\n", 2) == 2);
		archive_entry_free(e);
	}
	CU_ASSERT(archive_write_close(a) == ARCHIVE_OK);
	archive_write_free(a);
}

/* Layers (and image archives) are read in the compressions a runtime
 * decompresses: gzip, bzip2, xz and zstd (Docker's DecompressStream and
 * containers/image read these four, containerd gzip and zstd).  lz4,
 * lzma, lzip, compress (.Z) and uuencode, which libarchive would also
 * decompress and no runtime does, are refused naming the compression
 * (powercut read them before, a tree no runtime builds). */
static void test_compressions(void)
{
	static const struct {
		int code;
		const char *name; /* in the message, when refused */
	} cases[] = {
		{ ARCHIVE_FILTER_NONE, NULL },	 { ARCHIVE_FILTER_GZIP, NULL },
		{ ARCHIVE_FILTER_BZIP2, NULL },	 { ARCHIVE_FILTER_XZ, NULL },
		{ ARCHIVE_FILTER_ZSTD, NULL },	 { ARCHIVE_FILTER_LZ4, "lz4" },
		{ ARCHIVE_FILTER_LZMA, "lzma" }, { ARCHIVE_FILTER_LZIP, "lzip" },
		{ ARCHIVE_FILTER_COMPRESS, "compress" }, { ARCHIVE_FILTER_UU, "uu" },
	};
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/l.tar", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_filtered(path, cases[i].code);
		char msg[1024] = "";
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		pc_last_errclass = PC_ERR_NONE;
		struct archive *a = pc_tar_checked_open("layer", path);
		int n = 0, r = 0;
		if (a) {
			struct archive_entry *ae;
			while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0)
				n++;
			archive_read_free(a);
		}
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		if (!cases[i].name) {
			if (!a || r < 0 || n != 2)
				fprintf(stderr, "\n  filter %d: %d entries (%s)\n", cases[i].code, n, msg);
			CU_ASSERT(a && r == 0 && n == 2);
			continue;
		}
		if (a)
			fprintf(stderr, "\n  filter %s: read, %d entries\n", cases[i].name, n);
		CU_ASSERT_PTR_NULL(a);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		char *want = xasprintf("layer %s: compressed with %s", path, cases[i].name);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no container runtime"));
		free(want);
	}
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* Read every entry of PATH with the checked reader: how many, and whether
 * it was refused (MSG: the message). */
static int read_all(const char *path, int *refused, char *msg, size_t cap)
{
	msg[0] = '\0';
	pc_messages_quiet = 1;
	pc_capture_errors(msg, cap);
	pc_last_errclass = PC_ERR_NONE;
	struct archive *a = pc_tar_checked_open("layer", path);
	int n = 0, r = -1;
	if (a) {
		struct archive_entry *ae;
		while ((r = pc_tar_checked_next(a, &ae, NULL, path)) > 0)
			n++;
		archive_read_free(a);
	}
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	*refused = r < 0;
	return n;
}

/* The runtimes read a compressed layer to the end of its stream after the
 * tar's end (containerd's applier and Docker's layer store digest it all),
 * so a stream cut short or followed by junk fails there however far after
 * the tar's end it is.  powercut read only ahead of the tar's end (4 MiB
 * of buffers): the same damage after 8 MiB of zeros (a tar written with
 * big records, or padded) went unseen and the layer was read. */
static void test_stream_checked_to_its_end(void)
{
	static const char *const comp[] = { "gzip -n", "xz", "zstd -q", "bzip2" };
	char *dir = unit_tmpdir();
	char *tar = xasprintf("%s/l.tar", dir), *path = xasprintf("%s/l.tar.c", dir);
	unsigned char t[512 * 4] = { 0 };
	ustar_header(t, '0', "a", 2);
	memcpy(t + 512, "x\n", 2);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(tar, t, sizeof(t), 0), 0);
	char *pad = xasprintf("head -c 8388608 /dev/zero >> '%s'", tar);
	CU_ASSERT_EQUAL_FATAL(system(pad), 0);
	free(pad);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++)
		for (int damage = 0; damage < 3; damage++) {
			/* 0 intact, 1 junk after the stream, 2 its last 8 bytes cut */
			char *harm = damage == 1   ? xasprintf("echo junkjunk >> '%s'", path)
				     : damage == 2 ? xasprintf("truncate -s -8 '%s'", path)
						   : xstrdup("true");
			char *cmd = xasprintf("%s -c '%s' > '%s' && %s", comp[i], tar, path, harm);
			CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
			free(cmd);
			free(harm);
			char msg[1024];
			int refused, n = read_all(path, &refused, msg, sizeof(msg));
			if (refused != (damage > 0))
				fprintf(stderr, "\n  %s, damage %d: %s, %d entries (%s)\n", comp[i],
					damage, refused ? "refused" : "read", n, msg);
			CU_ASSERT_EQUAL(refused, damage > 0);
			if (damage) {
				CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
				CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
			} else {
				CU_ASSERT_EQUAL(n, 1);
			}
		}
	free(tar);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A zstd layer whose frames have a window over 128 MiB (`zstd --long=28`
 * or more, compressing a pipe) is one libarchive's zstd reader will not
 * decompress, the runtimes' reader (klauspost/compress) up to 512 MiB:
 * refused saying so, with the window, not as a tar whose first name
 * starts with zstd's magic number or a damaged stream (as before). */
static void test_zstd_window(void)
{
	char *dir = unit_tmpdir();
	char *tar = xasprintf("%s/l.tar", dir), *path = xasprintf("%s/l.tar.zst", dir);
	write_tar(tar, one, 1, 0);
	static const struct {
		int log;
		const char *window; /* in the message, NULL: read */
	} cases[] = { { 27, NULL }, { 28, "256 MiB" }, { 31, "2048 MiB" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cmd = xasprintf("zstd -q --long=%d -c < '%s' > '%s'", cases[i].log, tar, path);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		free(cmd);
		char msg[1024];
		int refused, n = read_all(path, &refused, msg, sizeof(msg));
		CU_ASSERT_EQUAL(refused, cases[i].window != NULL);
		if (!cases[i].window) {
			CU_ASSERT_EQUAL(n, 1);
			continue;
		}
		if (!strstr(msg, cases[i].window) || !strstr(msg, "window"))
			fprintf(stderr, "\n  --long=%d: %s\n", cases[i].log, msg);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "window"));
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].window));
		CU_ASSERT_PTR_NULL(strstr(msg, "magic number"));
	}
	free(tar);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A pax number as the runtimes' Go reader takes it (strconv.ParseInt). */
static int pax_u64_is(const char *v, int fraction, uint64_t want, int want_neg)
{
	uint64_t n = 12345;
	int neg = 7;
	if (!pc_pax_u64(v, strlen(v), fraction, &n, &neg))
		return 0;
	return n == want && neg == want_neg;
}

static int pax_u64_refused(const char *v, int fraction)
{
	uint64_t n;
	int neg;
	return !pc_pax_u64(v, strlen(v), fraction, &n, &neg);
}

static void test_pax_u64(void)
{
	CU_ASSERT(pax_u64_is("0", 0, 0, 0));
	CU_ASSERT(pax_u64_is("600", 0, 600, 0));
	CU_ASSERT(pax_u64_is("000000000000000000000000000000000000000600", 0, 600, 0));
	CU_ASSERT(pax_u64_is("+5", 0, 5, 0));
	CU_ASSERT(pax_u64_is("-5", 0, 5, 1));
	CU_ASSERT(pax_u64_is("-0", 0, 0, 1));
	CU_ASSERT(pax_u64_is("9223372036854775807", 0, INT64_MAX, 0));
	CU_ASSERT(pax_u64_is("-9223372036854775808", 0, (uint64_t)INT64_MAX + 1, 1));
	CU_ASSERT(pax_u64_refused("9223372036854775808", 0));   /* 2^63 */
	CU_ASSERT(pax_u64_refused("-9223372036854775809", 0));
	CU_ASSERT(pax_u64_refused("18446744073709551616", 0));  /* 2^64 */
	CU_ASSERT(pax_u64_refused("99999999999999999999999", 0));
	CU_ASSERT(pax_u64_refused("", 0));
	CU_ASSERT(pax_u64_refused("", 1));
	CU_ASSERT(pax_u64_refused("+", 0));
	CU_ASSERT(pax_u64_refused("-", 1));
	CU_ASSERT(pax_u64_refused("+-5", 0));
	CU_ASSERT(pax_u64_refused(" 5", 0));
	CU_ASSERT(pax_u64_refused("5 ", 0));
	CU_ASSERT(pax_u64_refused("5\n", 0));
	CU_ASSERT(pax_u64_refused("0x10", 0));
	CU_ASSERT(pax_u64_refused("1e3", 0));
	/* a fraction only where a time is read, and dropped */
	CU_ASSERT(pax_u64_refused("1.5", 0));
	CU_ASSERT(pax_u64_is("1700000000.123456789", 1, 1700000000, 0));
	CU_ASSERT(pax_u64_is("-1.5", 1, 1, 1));
	CU_ASSERT(pax_u64_is("1.", 1, 1, 0));
	CU_ASSERT(pax_u64_refused(".5", 1));
	CU_ASSERT(pax_u64_refused("1.5.", 1));
	CU_ASSERT(pax_u64_refused("1.x", 1));
	/* LEN counts: the bytes after it are not read */
	uint64_t n;
	int neg;
	CU_ASSERT(pc_pax_u64("12 trailing", 2, 0, &n, &neg) && n == 12 && !neg);
	CU_ASSERT(!pc_pax_u64("12", 0, 0, &n, &neg));
}

void register_taropen_tests(void)
{
	CU_pSuite s = CU_add_suite("taropen", NULL, NULL);
	CU_add_test(s, "tar by path and fd, raw stream", test_open);
	CU_add_test(s, "a pax number as the runtimes read it", test_pax_u64);
	CU_add_test(s, "missing file, not a tar, unreadable", test_refused);
	CU_add_test(s, "the layer reader reads only readers it opened", test_layer_reader_only_its_own);
	CU_add_test(s, "data not read is skipped, its checks still made",
		    test_checked_reader_skips_data);
	CU_add_test(s, "the end is two zero blocks after the last entry's data",
		    test_end_after_last_data);
	CU_add_test(s, "a stream that ends in its last entry's padding ends there (umoci insert)",
		    test_end_in_last_padding);
	CU_add_test(s, "a plain tar starting with a compression's magic number is refused",
		    test_runtime_magic_refused);
	CU_add_test(s, "gzip, bzip2, xz and zstd are read, other compressions refused",
		    test_compressions);
	CU_add_test(s, "a compressed stream is checked to its end, past the tar's end",
		    test_stream_checked_to_its_end);
	CU_add_test(s, "a zstd window libarchive will not allocate is named", test_zstd_window);
}
