/* test_logwrites.c - the dm-log-writes reader on hand-made logs: every
 * flag, marks, the stop mark, a truncated entry, a wrong magic, a log that
 * ends before the stop mark (a full log device). */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuselog.h"
#include "device/logwrites.h"
#include "unit.h"
#include "util/util.h"

#define SS 512u

struct logbuf {
	unsigned char *p;
	size_t len;
	uint64_t entries;
};

static void put64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static void grow(struct logbuf *b, size_t more)
{
	b->p = realloc(b->p, b->len + more);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b->p);
	memset(b->p + b->len, 0, more);
	b->len += more;
}

static void add_entry(struct logbuf *b, uint64_t sector, uint64_t nr, uint64_t flags,
		      const char *mark, int fill)
{
	size_t at = b->len;
	grow(b, SS);
	put64(b->p + at, sector);
	put64(b->p + at + 8, nr);
	put64(b->p + at + 16, flags);
	if (mark) {
		put64(b->p + at + 24, strlen(mark));
		memcpy(b->p + at + 32, mark, strlen(mark));
	}
	if (nr && !(flags & PC_LOGWRITES_DISCARD)) {
		size_t d = b->len;
		grow(b, nr * SS);
		memset(b->p + d, fill, nr * SS);
	}
	b->entries++;
}

static void finish(struct logbuf *b, uint64_t magic)
{
	unsigned char *s = b->p;
	put64(s, magic);
	put64(s + 8, 1);
	put64(s + 16, b->entries);
	uint32_t ss = htole32(SS);
	memcpy(s + 24, &ss, 4);
}

static char *join(const char *dir, const char *name)
{
	char buf[4096];
	CU_ASSERT_FATAL(pc_path_join(buf, sizeof(buf), dir, name) == 0);
	return xstrdup(buf);
}

static char *write_file(const char *dir, const char *name, const struct logbuf *b, size_t len)
{
	char *path = join(dir, name);
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(b->p, 1, len, f), len);
	fclose(f);
	return path;
}

/* The sample log: write, flush, FUA write, discard, mark, preflush+write,
 * stop mark, and a write after it that must not be converted. */
static void sample(struct logbuf *b)
{
	memset(b, 0, sizeof(*b));
	grow(b, SS);                                       /* super */
	add_entry(b, 8, 2, 0, NULL, 'a');                  /* 0 */
	add_entry(b, 0, 0, PC_LOGWRITES_FLUSH, NULL, 0);   /* 1 */
	add_entry(b, 16, 1, PC_LOGWRITES_FUA, NULL, 'b');  /* 2 */
	add_entry(b, 4, 4, PC_LOGWRITES_DISCARD, NULL, 0); /* 3 */
	add_entry(b, 0, 0, PC_LOGWRITES_MARK, "workload", 0); /* 4 */
	add_entry(b, 24, 1, PC_LOGWRITES_FLUSH | PC_LOGWRITES_FUA, NULL, 'c'); /* 5 */
	add_entry(b, 0, 0, PC_LOGWRITES_MARK, "powercut-cut", 0); /* 6 */
	add_entry(b, 32, 1, 0, NULL, 'd');                 /* 7 */
	finish(b, PC_LOGWRITES_MAGIC);
}

static void expect_rec(struct pc_fuselog *l, uint32_t kind, uint64_t off, uint64_t len,
		       int fill)
{
	struct pc_fuselog_rec r;
	const void *data;
	CU_ASSERT_EQUAL_FATAL(pc_fuselog_next(l, &r, &data), 1);
	CU_ASSERT_EQUAL(r.kind, kind);
	CU_ASSERT_EQUAL(r.offset, off);
	CU_ASSERT_EQUAL(r.length, len);
	if (kind == PC_LOG_WRITE) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(data);
		const unsigned char *d = data;
		for (uint64_t i = 0; i < len; i++)
			if (d[i] != fill) {
				CU_FAIL("write data differs");
				break;
			}
	}
}

/* The runner's three marks, as the dm backend sends them, with flushes
 * between: each is found with the flushes before it, which is where the
 * crash points put the workload's start, the mode's return and the
 * commit's. */
static void test_runner_marks(void)
{
	char *dir = unit_tmpdir();
	struct logbuf b;
	memset(&b, 0, sizeof(b));
	grow(&b, SS);
	add_entry(&b, 0, 0, PC_LOGWRITES_FLUSH, NULL, 0);                /* flush 1 (mkfs) */
	add_entry(&b, 0, 0, PC_LOGWRITES_MARK, "powercut-workload", 0);
	add_entry(&b, 8, 2, 0, NULL, 'a');
	add_entry(&b, 16, 1, PC_LOGWRITES_FLUSH | PC_LOGWRITES_FUA, NULL, 'b'); /* 2, 3 */
	add_entry(&b, 0, 0, PC_LOGWRITES_MARK, "powercut-mode", 0);
	add_entry(&b, 24, 1, PC_LOGWRITES_FUA, NULL, 'c');               /* 4 */
	add_entry(&b, 0, 0, PC_LOGWRITES_MARK, "powercut-commit", 0);
	add_entry(&b, 0, 0, PC_LOGWRITES_MARK, "powercut-cut", 0);
	finish(&b, PC_LOGWRITES_MAGIC);
	char *log = write_file(dir, "log", &b, b.len), *out = join(dir, "out");
	struct pc_logwrites_info in;
	CU_ASSERT_EQUAL_FATAL(pc_logwrites_convert(log, "powercut-cut", 1 << 20, out, &in), 0);
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "powercut-workload"), 1);
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "powercut-mode"), 3);
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "powercut-commit"), 4);
	CU_ASSERT_EQUAL(in.flushes, 4);
	free(b.p);
	free(log);
	free(out);
	unit_rmtree(dir);
	free(dir);
}

static void test_convert(void)
{
	char *dir = unit_tmpdir();
	struct logbuf b;
	sample(&b);
	char *log = write_file(dir, "log", &b, b.len), *out = join(dir, "out");
	struct pc_logwrites_info in;
	CU_ASSERT_EQUAL_FATAL(pc_logwrites_convert(log, "powercut-cut", 1 << 20, out, &in), 0);
	CU_ASSERT(in.stopped);
	CU_ASSERT_EQUAL(in.entries, 6);
	CU_ASSERT_EQUAL(in.writes, 3);
	CU_ASSERT_EQUAL(in.discards, 1);
	CU_ASSERT_EQUAL(in.fuas, 2);
	CU_ASSERT_EQUAL(in.flushes, 4); /* flush, FUA, preflush, FUA */
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "workload"), 2);
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "nothing"), -1);

	struct pc_fuselog l;
	CU_ASSERT_EQUAL_FATAL(pc_fuselog_open(&l, out, 1 << 20), 0);
	CU_ASSERT_EQUAL(l.file_size, in.log_bytes);
	expect_rec(&l, PC_LOG_WRITE, 8 * SS, 2 * SS, 'a');
	expect_rec(&l, PC_LOG_FLUSH, 0, 0, 0);
	expect_rec(&l, PC_LOG_WRITE, 16 * SS, SS, 'b');
	expect_rec(&l, PC_LOG_FLUSH, 0, 0, 0);
	expect_rec(&l, PC_LOG_DISCARD, 4 * SS, 4 * SS, 0);
	expect_rec(&l, PC_LOG_FLUSH, 0, 0, 0);      /* the preflush comes first */
	expect_rec(&l, PC_LOG_WRITE, 24 * SS, SS, 'c');
	expect_rec(&l, PC_LOG_FLUSH, 0, 0, 0);
	struct pc_fuselog_rec r;
	const void *data;
	CU_ASSERT_EQUAL(pc_fuselog_next(&l, &r, &data), 0); /* nothing past the stop mark */
	pc_fuselog_close(&l);

	/* Without a stop mark: to the end, the stop mark is just a mark. */
	CU_ASSERT_EQUAL(pc_logwrites_convert(log, NULL, 0, out, &in), 0);
	CU_ASSERT_EQUAL(in.entries, 8);
	CU_ASSERT_EQUAL(in.writes, 4);
	CU_ASSERT_EQUAL(pc_logwrites_mark_flushes(&in, "powercut-cut"), 4);
	free(log);
	free(out);
	free(b.p);
	unit_rmtree(dir);
	free(dir);
}

static void test_bad_logs(void)
{
	char *dir = unit_tmpdir();
	char *out = join(dir, "out");
	struct pc_logwrites_info in;
	struct logbuf b;
	sample(&b);

	/* Truncated in the middle of the first write's data. */
	char *cut = write_file(dir, "cut", &b, SS + SS + SS);
	CU_ASSERT_EQUAL(pc_logwrites_convert(cut, NULL, 0, out, &in), -1);
	free(cut);

	/* A full log device: the super counts the entries logged before it
	 * filled; the stop mark is not among them. */
	put64(b.p + 16, 3);
	char *full = write_file(dir, "full", &b, b.len);
	CU_ASSERT_EQUAL(pc_logwrites_convert(full, "powercut-cut", 0, out, &in), -1);
	CU_ASSERT_EQUAL(in.entries, 3);
	free(full);
	put64(b.p + 16, b.entries);

	/* A write past the device's end. */
	char *log = write_file(dir, "log", &b, b.len);
	CU_ASSERT_EQUAL(pc_logwrites_convert(log, NULL, 8 * SS, out, &in), -1);
	free(log);

	/* Wrong magic, wrong sector size. */
	put64(b.p, 0x1234);
	char *magic = write_file(dir, "magic", &b, b.len);
	CU_ASSERT_EQUAL(pc_logwrites_convert(magic, NULL, 0, out, &in), -1);
	free(magic);
	finish(&b, PC_LOGWRITES_MAGIC);
	uint32_t odd = htole32(1000);
	memcpy(b.p + 24, &odd, 4);
	char *ss = write_file(dir, "ss", &b, b.len);
	CU_ASSERT_EQUAL(pc_logwrites_convert(ss, NULL, 0, out, &in), -1);
	free(ss);

	/* A log that filled up before the target wrote its super block. */
	memset(b.p, 0, SS);
	char *nosuper = write_file(dir, "nosuper", &b, b.len);
	CU_ASSERT_EQUAL(pc_logwrites_convert(nosuper, "powercut-cut", 0, out, &in), -1);
	free(nosuper);

	/* Not there at all. */
	CU_ASSERT_EQUAL(pc_logwrites_convert("/nonexistent/log", NULL, 0, out, &in), -1);
	free(out);
	free(b.p);
	unit_rmtree(dir);
	free(dir);
}

void register_logwrites_tests(void)
{
	CU_pSuite s = CU_add_suite("logwrites", NULL, NULL);
	CU_add_test(s, "convert: every flag, marks, the stop mark", test_convert);
	CU_add_test(s, "convert: the runner's marks, workload, mode, commit", test_runner_marks);
	CU_add_test(s, "refuse: truncated, full log, past the end, bad magic and sector size",
		    test_bad_logs);
}
