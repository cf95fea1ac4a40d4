/* test_fuselog.c - the fuse device's write log and undo file: what is
 * appended reads back the same, the exact bytes of the format (the design
 * document states them), and a truncated record, a corrupt header or an
 * empty file. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/fuselog.h"
#include "unit.h"
#include "util/util.h"

#define DEV (1u << 20) /* the device's size in these tests */

struct tfile {
	char *dir;
	char path[PATH_MAX];
};

/* A fresh empty file, and a log attached to it for appending. */
static void make(struct tfile *t, struct pc_fuselog *l)
{
	t->dir = unit_tmpdir();
	CU_ASSERT_FATAL(pc_path_join(t->path, sizeof(t->path), t->dir, "f") == 0);
	int fd = open(t->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	pc_fuselog_attach(l, fd, t->path, 0);
}

static void done(struct tfile *t)
{
	unit_rmtree(t->dir);
	free(t->dir);
}

static void truncate_to(const struct tfile *t, off_t len)
{
	CU_ASSERT_EQUAL(truncate(t->path, len), 0);
}

static void poke(const struct tfile *t, off_t at, const void *bytes, size_t len)
{
	int fd = open(t->path, O_WRONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pc_pwrite_all(fd, bytes, len, at), 0);
	close(fd);
}

static uint64_t file_size(const struct tfile *t)
{
	struct stat st;
	CU_ASSERT_FATAL(stat(t->path, &st) == 0);
	return (uint64_t)st.st_size;
}

/* A write, a flush, a discard: appended, read back field by field. */
static void append_sample(struct pc_fuselog *l, const unsigned char *data)
{
	struct pc_fuselog_rec w = { PC_LOG_WRITE, 0, 8192, 100 };
	struct pc_fuselog_rec f = { PC_LOG_FLUSH, 0, 0, 0 };
	struct pc_fuselog_rec d = { PC_LOG_DISCARD, 3, 4096, 8192 };
	CU_ASSERT_EQUAL(pc_fuselog_append(l, &w, data), 0);
	CU_ASSERT_EQUAL(pc_fuselog_append(l, &f, NULL), 0);
	CU_ASSERT_EQUAL(pc_fuselog_append(l, &d, NULL), 0);
}

static void test_log_round_trip(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	unsigned char data[100];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	append_sample(&l, data);
	CU_ASSERT_EQUAL(pc_fuselog_tell(&l), 3 * 24 + 100);
	/* Refused: a kind that does not exist, a write without data, one too large. */
	struct pc_fuselog_rec bad = { 7, 0, 0, 0 };
	errno = 0;
	CU_ASSERT_EQUAL(pc_fuselog_append(&l, &bad, NULL), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	bad = (struct pc_fuselog_rec){ PC_LOG_WRITE, 0, 0, 10 };
	CU_ASSERT_EQUAL(pc_fuselog_append(&l, &bad, NULL), -1);
	bad.length = PC_FUSELOG_MAX_WRITE + 1;
	CU_ASSERT_EQUAL(pc_fuselog_append(&l, &bad, data), -1);
	CU_ASSERT_EQUAL(pc_fuselog_close(&l), 0);
	CU_ASSERT_EQUAL(file_size(&t), 3 * 24 + 100);

	/* The bytes are the documented ones: u32 kind, u32 arg, u64 offset,
	 * u64 length, host order, the write's data right after. */
	unsigned char raw[3 * 24 + 100];
	int fd = open(t.path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_EQUAL_FATAL(pc_pread_full(fd, raw, sizeof(raw), 0), (ssize_t)sizeof(raw));
	close(fd);
	uint32_t u32;
	uint64_t u64;
	memcpy(&u32, raw, 4);
	CU_ASSERT_EQUAL(u32, PC_LOG_WRITE);
	memcpy(&u64, raw + 8, 8);
	CU_ASSERT_EQUAL(u64, 8192);
	memcpy(&u64, raw + 16, 8);
	CU_ASSERT_EQUAL(u64, 100);
	CU_ASSERT_EQUAL(memcmp(raw + 24, data, 100), 0);
	memcpy(&u32, raw + 124 + 24, 4);
	CU_ASSERT_EQUAL(u32, PC_LOG_DISCARD);
	memcpy(&u32, raw + 124 + 28, 4);
	CU_ASSERT_EQUAL(u32, 3);

	CU_ASSERT_EQUAL_FATAL(pc_fuselog_open(&l, t.path, DEV), 0);
	struct pc_fuselog_rec r;
	const void *d;
	CU_ASSERT_EQUAL_FATAL(pc_fuselog_next(&l, &r, &d), 1);
	CU_ASSERT(r.kind == PC_LOG_WRITE && r.offset == 8192 && r.length == 100);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(memcmp(d, data, 100), 0);
	uint64_t at_flush = pc_fuselog_tell(&l);
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &d), 1);
	CU_ASSERT(r.kind == PC_LOG_FLUSH && d == NULL);
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &d), 1);
	CU_ASSERT(r.kind == PC_LOG_DISCARD && r.arg == 3 && r.offset == 4096 &&
		  r.length == 8192 && d == NULL);
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &d), 0);
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &d), 0); /* the end stays the end */
	/* Back to a record read before; without DATA a write is skipped. */
	pc_fuselog_seek(&l, 0);
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, NULL), 1);
	CU_ASSERT_EQUAL(pc_fuselog_tell(&l), at_flush);
	pc_fuselog_close(&l);
	done(&t);
}

/* T's file holds the sample again, whatever was done to it. */
static void rewrite_sample(const struct tfile *t)
{
	unsigned char data[100] = { 0 };
	struct pc_fuselog l;
	int fd = open(t->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	pc_fuselog_attach(&l, fd, t->path, 0);
	append_sample(&l, data);
	CU_ASSERT_EQUAL(pc_fuselog_close(&l), 0);
}

/* Every way a record can end early is an error, with or without data. */
static void test_log_truncated(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	pc_fuselog_close(&l);
	const off_t cuts[] = { 10, 24, 24 + 99, 124 + 23, 124 + 24 + 5 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		rewrite_sample(&t);
		truncate_to(&t, cuts[i]);
		for (int with_data = 0; with_data < 2; with_data++) {
			CU_ASSERT_EQUAL_FATAL(pc_fuselog_open(&l, t.path, DEV), 0);
			struct pc_fuselog_rec r;
			const void *d;
			int rc;
			while ((rc = pc_fuselog_next(&l, &r, with_data ? &d : NULL)) == 1)
				;
			CU_ASSERT_EQUAL(rc, -1);
			pc_fuselog_close(&l);
		}
	}
	done(&t);
}

/* A header no writer makes: an unknown kind, a record past the device's
 * end, a write larger than any writer splits to. */
static void test_log_corrupt(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	pc_fuselog_close(&l);
	struct {
		off_t at;
		uint64_t value;
		size_t len;
		uint64_t dev;
	} pokes[] = {
		{ 124, 0, 4, DEV },                    /* the flush's kind: 0 */
		{ 124, 9, 4, DEV },                    /* ... 9 */
		{ 124 + 24 + 8, DEV, 8, DEV },         /* the discard starts at the end */
		{ 124 + 24 + 16, UINT64_MAX, 8, DEV }, /* ... and wraps around */
		/* The write's length, on a device large enough to hold it. */
		{ 16, PC_FUSELOG_MAX_WRITE + 1ull, 8, 1ull << 40 },
	};
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		rewrite_sample(&t);
		poke(&t, pokes[i].at, &pokes[i].value, pokes[i].len);

		CU_ASSERT_EQUAL_FATAL(pc_fuselog_open(&l, t.path, pokes[i].dev), 0);
		struct pc_fuselog_rec r;
		const void *d;
		int rc;
		while ((rc = pc_fuselog_next(&l, &r, &d)) == 1)
			;
		CU_ASSERT_EQUAL(rc, -1);
		pc_fuselog_close(&l);
	}
	done(&t);
}

static void test_log_empty(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	pc_fuselog_close(&l);
	CU_ASSERT_EQUAL_FATAL(pc_fuselog_open(&l, t.path, DEV), 0);
	CU_ASSERT_EQUAL(l.file_size, 0);
	struct pc_fuselog_rec r;
	const void *d;
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &d), 0);
	pc_fuselog_close(&l);
	/* A missing log is an error, not an empty one. */
	char gone[PATH_MAX];
	CU_ASSERT_FATAL(pc_path_join(gone, sizeof(gone), t.dir, "missing") == 0);
	CU_ASSERT_EQUAL(pc_fuselog_open(&l, gone, DEV), -1);
	done(&t);
}

static void test_undo_round_trip(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	unsigned char a[PC_FUSE_GRANULE], b[512];
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	CU_ASSERT_EQUAL(pc_fuseundo_append(&l, 0, sizeof(a), a), 0);
	CU_ASSERT_EQUAL(pc_fuseundo_append(&l, DEV - 512, sizeof(b), b), 0);
	CU_ASSERT_EQUAL(pc_fuseundo_append(&l, 0, 0, a), -1);               /* empty block */
	CU_ASSERT_EQUAL(pc_fuseundo_append(&l, 0, PC_FUSE_GRANULE + 1, a), -1);
	CU_ASSERT_EQUAL(pc_fuselog_close(&l), 0);
	CU_ASSERT_EQUAL(file_size(&t), 16 + sizeof(a) + 16 + sizeof(b));
	/* u64 offset, u32 length, u32 pad, then the block. */
	unsigned char raw[16];
	int fd = open(t.path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_EQUAL_FATAL(pc_pread_full(fd, raw, 16, 16 + sizeof(a)), 16);
	close(fd);
	uint64_t off;
	uint32_t len, pad;
	memcpy(&off, raw, 8);
	memcpy(&len, raw + 8, 4);
	memcpy(&pad, raw + 12, 4);
	CU_ASSERT(off == DEV - 512 && len == 512 && pad == 0);

	CU_ASSERT_EQUAL_FATAL(pc_fuseundo_open(&l, t.path, DEV), 0);
	struct pc_fuseundo_rec r;
	const void *d;
	CU_ASSERT_EQUAL_FATAL(pc_fuseundo_next(&l, &r, &d), 1);
	CU_ASSERT(r.offset == 0 && r.length == sizeof(a) && !memcmp(d, a, sizeof(a)));
	CU_ASSERT_EQUAL_FATAL(pc_fuseundo_next(&l, &r, &d), 1);
	CU_ASSERT(r.offset == DEV - 512 && r.length == sizeof(b) && !memcmp(d, b, sizeof(b)));
	CU_ASSERT_EQUAL(pc_fuseundo_next(&l, &r, &d), 0);
	/* Emptied after the roll back: nothing is left to read. */
	CU_ASSERT_EQUAL(pc_fuseundo_empty(&l), 0);
	pc_fuselog_close(&l);
	CU_ASSERT_EQUAL(file_size(&t), 0);
	CU_ASSERT_EQUAL_FATAL(pc_fuseundo_open(&l, t.path, DEV), 0);
	CU_ASSERT_EQUAL(pc_fuseundo_next(&l, &r, &d), 0);
	pc_fuselog_close(&l);
	done(&t);
}

static void test_undo_bad(void)
{
	struct tfile t;
	struct pc_fuselog l;
	make(&t, &l);
	unsigned char a[PC_FUSE_GRANULE] = { 0 };
	CU_ASSERT_EQUAL(pc_fuseundo_append(&l, 4096, sizeof(a), a), 0);
	pc_fuselog_close(&l);
	struct pc_fuseundo_rec r;
	const void *d;
	/* The block lies past a smaller device's end. */
	CU_ASSERT_EQUAL_FATAL(pc_fuseundo_open(&l, t.path, 4096), 0);
	CU_ASSERT_EQUAL(pc_fuseundo_next(&l, &r, &d), -1);
	pc_fuselog_close(&l);
	/* A length of 0, then one larger than a granule. */
	const uint32_t lengths[] = { 0, PC_FUSE_GRANULE + 1 };
	for (size_t i = 0; i < 2; i++) {
		poke(&t, 8, &lengths[i], 4);
		CU_ASSERT_EQUAL_FATAL(pc_fuseundo_open(&l, t.path, DEV), 0);
		CU_ASSERT_EQUAL(pc_fuseundo_next(&l, &r, &d), -1);
		pc_fuselog_close(&l);
	}
	/* Truncated in the header, then in the block. */
	const uint32_t good = PC_FUSE_GRANULE;
	poke(&t, 8, &good, 4);
	const off_t cuts[] = { 16 + 100, 8 }; /* each shorter than the last */
	for (size_t i = 0; i < 2; i++) {
		truncate_to(&t, cuts[i]);
		CU_ASSERT_EQUAL_FATAL(pc_fuseundo_open(&l, t.path, DEV), 0);
		CU_ASSERT_EQUAL(pc_fuseundo_next(&l, &r, &d), -1);
		pc_fuselog_close(&l);
	}
	done(&t);
}

void register_fuselog_tests(void)
{
	CU_pSuite s = CU_add_suite("fuselog", NULL, NULL);
	CU_add_test(s, "write log round trip and bytes", test_log_round_trip);
	CU_add_test(s, "write log truncated record", test_log_truncated);
	CU_add_test(s, "write log corrupt header", test_log_corrupt);
	CU_add_test(s, "write log empty", test_log_empty);
	CU_add_test(s, "undo file round trip and bytes", test_undo_round_trip);
	CU_add_test(s, "undo file bad records", test_undo_bad);
}
