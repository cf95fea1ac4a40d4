/* test_synclog.c - the per-file syncs' bookkeeping (fs/synclog.c), what
 * they promise at a flush (check/promises.c), the point placed inside the
 * pass and its verdict. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/promises.h"
#include "check/verdict.h"
#include "device/crashpoints.h"
#include "fs/durability.h"
#include "fs/synclog.h"
#include "unit.h"
#include "util/util.h"

static uint64_t clock_now;

static uint64_t fake_now(void *arg)
{
	(void)arg;
	return clock_now;
}

static void note(struct pc_synclog *l, uint64_t at, const char *path, enum pc_synclog_kind k)
{
	clock_now = at;
	pc_synclog_note(l, path, k);
}

static void test_note(void)
{
	struct pc_synclog *l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, "/m/rootfs/");
	note(l, 3, "/m/rootfs/etc/passwd", PC_SYNCLOG_FILE_FSYNC);
	clock_now = 4;
	pc_synclog_note_in(l, "/m/rootfs/etc", "x y", PC_SYNCLOG_FILE_FDATASYNC);
	note(l, 5, "/m/rootfs", PC_SYNCLOG_DIR_FSYNC);
	note(l, 6, "/m/rootfsX/a", PC_SYNCLOG_FILE_FSYNC); /* not below the root */
	note(l, 6, "/m", PC_SYNCLOG_DIR_FSYNC);
	pc_synclog_note(NULL, "/m/rootfs/a", PC_SYNCLOG_FILE_FSYNC); /* no log: nothing */
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(l, &n);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(pc_synclog_path(l, &v[0]), "etc/passwd");
	CU_ASSERT(v[0].flush == 3 && v[0].kind == PC_SYNCLOG_FILE_FSYNC);
	CU_ASSERT_STRING_EQUAL(pc_synclog_path(l, &v[1]), "etc/x y");
	CU_ASSERT(v[1].flush == 4 && v[1].kind == PC_SYNCLOG_FILE_FDATASYNC);
	CU_ASSERT_STRING_EQUAL(pc_synclog_path(l, &v[2]), ".");
	CU_ASSERT(v[2].flush == 5 && v[2].kind == PC_SYNCLOG_DIR_FSYNC);
	CU_ASSERT_EQUAL(pc_synclog_unclocked(l), 0);
	/* the counters gone (UINT64_MAX): counted, so the case is an error,
	 * never a promise silently out of reach */
	note(l, UINT64_MAX, "/m/rootfs/etc/group", PC_SYNCLOG_FILE_FSYNC);
	CU_ASSERT_EQUAL(pc_synclog_unclocked(l), 1);
	CU_ASSERT_EQUAL(pc_synclog_unclocked(NULL), 0);
	pc_synclog_free(l);
}

/* Many notes: the arena and the records grow, paths stay right. */
static void test_note_many(void)
{
	struct pc_synclog *l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, "/r");
	for (unsigned i = 0; i < 30000; i++) {
		char *p = xasprintf("/r/d%u/file-with-a-longish-name-%u", i % 97, i);
		note(l, i, p, PC_SYNCLOG_FILE_FSYNC);
		free(p);
	}
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(l, &n);
	CU_ASSERT_EQUAL_FATAL(n, 30000);
	CU_ASSERT_STRING_EQUAL(pc_synclog_path(l, &v[29999]), "d26/file-with-a-longish-name-29999");
	CU_ASSERT_EQUAL(sizeof(*v), 16);
	pc_synclog_free(l);
}

/* The test hook: when the walk reaches it, the content goes and the sync
 * is noted; the content comes back synced at the end. */
static void test_early(void)
{
	char *dir = unit_tmpdir();
	char *f = xasprintf("%s/f", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(f, "hello", 5, 0), 0);
	struct pc_synclog *l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, dir);
	pc_synclog_set_early(l, NULL); /* no hook: nothing */
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, "f", PC_SYNCLOG_FILE_FSYNC));
	CU_ASSERT_EQUAL(pc_synclog_finish_early(l), 0);
	pc_synclog_set_early(l, "f");
	clock_now = 7;
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, "g", PC_SYNCLOG_FILE_FSYNC));
	CU_ASSERT_TRUE(pc_synclog_take_early(l, dir, "f", PC_SYNCLOG_FILE_FSYNC));
	struct stat sb;
	CU_ASSERT(stat(f, &sb) == 0 && sb.st_size == 0);
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, "f", PC_SYNCLOG_FILE_FSYNC)); /* once */
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(l, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT(v[0].flush == 7 && !strcmp(pc_synclog_path(l, &v[0]), "f"));
	CU_ASSERT_EQUAL(pc_synclog_finish_early(l), 0);
	size_t len;
	char *back = pc_read_file(f, &len);
	CU_ASSERT(back && len == 5 && !memcmp(back, "hello", 5));
	free(back);
	CU_ASSERT_FALSE(pc_synclog_take_early(NULL, dir, "f", PC_SYNCLOG_FILE_FSYNC));
	pc_synclog_free(l);
	/* "*": the first file with content and one name, never a folder: an
	 * empty file has nothing to take, and a hard link's content is its
	 * other names' too (their syncs would be blamed). */
	char *empty = xasprintf("%s/empty", dir), *a = xasprintf("%s/a", dir);
	char *b = xasprintf("%s/b", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(empty, "", 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(a, "linked", 6, 0), 0);
	CU_ASSERT_EQUAL_FATAL(link(a, b), 0);
	l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, dir);
	pc_synclog_set_early(l, "*");
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, NULL, PC_SYNCLOG_DIR_FSYNC));
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, "empty", PC_SYNCLOG_FILE_FSYNC));
	CU_ASSERT_FALSE(pc_synclog_take_early(l, dir, "a", PC_SYNCLOG_FILE_FSYNC));
	CU_ASSERT_TRUE(pc_synclog_take_early(l, dir, "f", PC_SYNCLOG_FILE_FDATASYNC));
	CU_ASSERT(stat(a, &sb) == 0 && sb.st_size == 6);
	CU_ASSERT_EQUAL(pc_synclog_finish_early(l), 0);
	pc_synclog_free(l);
	free(empty);
	free(a);
	free(b);
	/* A path the walk never meets: an error at the end, not a pass. */
	l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, dir);
	pc_synclog_set_early(l, "f");
	CU_ASSERT_EQUAL(pc_synclog_finish_early(l), -1);
	pc_synclog_free(l);
	free(f);
	unit_rmtree(dir);
	free(dir);
}

/* The index of PATH's record in L, or -1. */
static long rec_of(const struct pc_synclog *l, const char *path)
{
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(l, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pc_synclog_path(l, &v[i]), path))
			return (long)i;
	return -1;
}

/* The modes note every file and folder they sync, once, each folder after
 * what is in it; fdatasync's files as fdatasyncs; sfr not its writeback. */
static void test_modes_note(void)
{
	static const enum pc_mode modes[] = { PC_MODE_FSYNC, PC_MODE_PFSYNC, PC_MODE_FDATASYNC,
					      PC_MODE_SFR };
	char *dir = unit_tmpdir();
	char *p = xasprintf("%s/d", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/d/f", dir);
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	free(p);
	p = xasprintf("%s/d/l", dir);
	CU_ASSERT_EQUAL_FATAL(symlink("f", p), 0);
	free(p);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct pc_synclog *l = pc_synclog_new(fake_now, NULL);
		struct pc_sync_stats st;
		CU_ASSERT_EQUAL_FATAL(pc_durability_apply_noted(modes[i], dir, &st, l), 0);
		size_t n;
		const struct pc_synclog_rec *v = pc_synclog_records(l, &n);
		CU_ASSERT_EQUAL(n, 3); /* d/f, d, . (the symlink through d) */
		long f = rec_of(l, "d/f"), d = rec_of(l, "d"), root = rec_of(l, ".");
		CU_ASSERT(f >= 0 && f < d && d < root);
		if (f >= 0)
			CU_ASSERT_EQUAL(v[f].kind, modes[i] == PC_MODE_FDATASYNC
							    ? PC_SYNCLOG_FILE_FDATASYNC
							    : PC_SYNCLOG_FILE_FSYNC);
		if (d >= 0)
			CU_ASSERT_EQUAL(v[d].kind, PC_SYNCLOG_DIR_FSYNC);
		CU_ASSERT(st.log == l);
		pc_synclog_free(l);
	}
	unit_rmtree(dir);
	free(dir);
}

static void put(struct pc_manifest *m, const char *path, enum pc_ftype t)
{
	struct pc_entry *e = pc_manifest_put(m, path);
	e->type = t;
	e->mode = t == PC_FT_DIR ? 0755 : 0644;
}

/* . { a { f g } b -> symlink, c { h } }: f fsync'd at 5, g fdatasync'd at
 * 6, a at 7, h at 8, the root at 9 (c's own fsync not noted). */
static struct pc_synclog *tree(struct pc_manifest *m)
{
	put(m, ".", PC_FT_DIR);
	put(m, "a", PC_FT_DIR);
	put(m, "a/f", PC_FT_REG);
	put(m, "a/g", PC_FT_REG);
	put(m, "b", PC_FT_SYMLINK);
	put(m, "c", PC_FT_DIR);
	put(m, "c/h", PC_FT_REG);
	struct pc_synclog *l = pc_synclog_new(fake_now, NULL);
	pc_synclog_set_root(l, "/t");
	note(l, 5, "/t/a/f", PC_SYNCLOG_FILE_FSYNC);
	note(l, 6, "/t/a/g", PC_SYNCLOG_FILE_FDATASYNC);
	note(l, 7, "/t/a", PC_SYNCLOG_DIR_FSYNC);
	note(l, 8, "/t/c/h", PC_SYNCLOG_FILE_FSYNC);
	note(l, 9, "/t", PC_SYNCLOG_DIR_FSYNC);
	return l;
}

static void test_subset(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_synclog *l = tree(m);
	struct pc_promise_set ps;
	CU_ASSERT_EQUAL(pc_promises_at(m, l, 4, &ps), 0);
	pc_promises_free(&ps);
	CU_ASSERT_EQUAL(pc_promises_at(m, l, 6, &ps), 2);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(ps.subset, "a/f"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(ps.subset, "a/g"));
	pc_promises_free(&ps);
	CU_ASSERT_EQUAL(pc_promises_at(m, l, 8, &ps), 4); /* a, a/f, a/g, c/h */
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(ps.subset, "a"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(ps.subset, "b"));
	pc_promises_free(&ps);
	CU_ASSERT_EQUAL(pc_promises_at(m, l, 9, &ps), 7); /* the root's entries too */
	pc_promises_free(&ps);
	pc_manifest_free(m);
	pc_synclog_free(l);
}

static void finding(struct pc_verify_result *vr, enum pc_finding_kind k, const char *path)
{
	vr->findings = xrealloc(vr->findings, (vr->nfindings + 1) * sizeof(*vr->findings));
	vr->findings[vr->nfindings++] = (struct pc_finding){ .kind = k, .path = xstrdup(path),
							     .detail = xstrdup("d") };
	vr->counts[k]++;
}

/* The findings of VR (verify's, of the subset at K) that break a promise. */
static size_t losses_at(uint64_t k, struct pc_verify_result *vr, char *why, size_t len)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_synclog *l = tree(m);
	struct pc_promise_set ps;
	pc_promises_at(m, l, k, &ps);
	struct pc_verify_result losses;
	pc_promises_judge(&ps, vr, &losses, why, len);
	size_t lost = losses.lost;
	pc_verify_result_free(&losses);
	pc_verify_result_free(vr);
	pc_promises_free(&ps);
	pc_manifest_free(m);
	pc_synclog_free(l);
	return lost;
}

static void test_judge(void)
{
	struct pc_verify_result vr = { 0 };
	char why[320];
	/* At 6: a/f missing is allowed (its folder not synced yet); a/g's size
	 * is a loss, its mode not (fdatasync). */
	finding(&vr, PC_F_MISSING, "a/f");
	finding(&vr, PC_F_MODE, "a/g");
	finding(&vr, PC_F_SIZE, "a/g");
	CU_ASSERT_EQUAL(losses_at(6, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "size a/g"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "its fdatasync had returned (by flush 6)"));
	/* At 7 a/f missing breaks a's fsync. */
	finding(&vr, PC_F_MISSING, "a/f");
	CU_ASSERT_EQUAL(losses_at(7, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "missing a/f"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "the fsync of its folder a had returned (by flush 7)"));
	/* ... unless a is gone too, whose name the root's fsync (9) had not
	 * made durable yet. */
	finding(&vr, PC_F_MISSING, "a");
	finding(&vr, PC_F_MISSING, "a/f");
	finding(&vr, PC_F_MISSING, "a/g");
	CU_ASSERT_EQUAL(losses_at(8, &vr, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "");
	/* A mode of a file fsync'd is a loss; an extra entry in a folder not
	 * synced yet and link counts are not; one entry with two findings is
	 * one loss. */
	finding(&vr, PC_F_EXTRA, "a/zz");
	finding(&vr, PC_F_HARDLINK, "a/f");
	finding(&vr, PC_F_MODE, "a/f");
	finding(&vr, PC_F_OWNER, "a/f");
	CU_ASSERT_EQUAL(losses_at(6, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "mode a/f (d), though its fsync had returned (by flush 5)"));
	/* At 9: c not synced itself: its mode is not promised, its presence
	 * is; b (a symlink, reached through the root) all of it. */
	finding(&vr, PC_F_MODE, "c");
	finding(&vr, PC_F_LINK, "b");
	CU_ASSERT_EQUAL(losses_at(9, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "link b"));
	finding(&vr, PC_F_MISSING, "c");
	CU_ASSERT_EQUAL(losses_at(9, &vr, why, sizeof(why)), 1);
	/* An entry the image does not have (a whiteout's, back) in a folder
	 * whose fsync had returned: the removal was promised; one the image
	 * has, outside the subset, or in a folder not synced yet, is not. */
	finding(&vr, PC_F_EXTRA, "a/zz");
	CU_ASSERT_EQUAL(losses_at(7, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "extra a/zz (d), though the fsync of its folder a had "
					   "returned (by flush 7)"));
	finding(&vr, PC_F_EXTRA, "c/h");
	finding(&vr, PC_F_EXTRA, "c/zz");
	finding(&vr, PC_F_EXTRA, "b");
	CU_ASSERT_EQUAL(losses_at(8, &vr, why, sizeof(why)), 0);
	finding(&vr, PC_F_EXTRA, "zz");
	finding(&vr, PC_F_EXTRA, "zz/deeper");
	CU_ASSERT_EQUAL(losses_at(9, &vr, why, sizeof(why)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "extra zz (d), though the fsync of its folder . had"));
}

static void test_in_pass(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_synclog *l = tree(m);
	/* Returned before the mode's mark at 9: 5 6 7 8, the middle one. */
	uint64_t q[6];
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_in_pass(l, 9, 1, q), 1);
	CU_ASSERT_EQUAL(q[0], 7);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_in_pass(l, 6, 1, q), 1);
	CU_ASSERT_EQUAL(q[0], 5);
	CU_ASSERT_EQUAL(pc_crash_points_in_pass(l, 5, 1, q), 0);
	CU_ASSERT_EQUAL(pc_crash_points_in_pass(NULL, 100, 1, q), 0);
	/* Three of 5 6 7 8: at 1/4, 2/4, 3/4 (records 1, 2, 3), the middle
	 * first; six ask more than there are flushes: each once. */
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_in_pass(l, 9, 3, q), 3);
	CU_ASSERT(q[0] == 7 && q[1] == 8 && q[2] == 6);
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_in_pass(l, 9, 6, q), 4);
	CU_ASSERT(q[0] == 6 && q[1] == 7 && q[2] == 5 && q[3] == 8);
	/* Three points, the commit's flush the last: one lands inside. */
	uint64_t v[4];
	const uint64_t also[] = { 10, 20, 7 };
	CU_ASSERT_EQUAL_FATAL(pc_crash_points_pick(2, 20, 3, also, 3, v), 3);
	CU_ASSERT(v[0] == 7 && v[1] == 10 && v[2] == 20);
	pc_manifest_free(m);
	pc_synclog_free(l);
}

static void test_verdict(void)
{
	struct pc_crash_point pt = { .mounted = 1, .fsck = PC_FSCK_CLEAN, .promised = 40,
				     .promise_lost = 1 };
	snprintf(pt.promise_problem, sizeof(pt.promise_problem), "size a/g (d), ...");
	char buf[512];
	const char *why = pc_verdict_crash_point(&pt, 1, "pfsync", buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_STRING_EQUAL(why, "inside the durability mode pfsync's pass, 1 of the 40 entries "
				    "its syncs had promised are not intact: size a/g (d), ...");
	pt.promise_lost = 0;
	CU_ASSERT_PTR_NULL(pc_verdict_crash_point(&pt, 1, "pfsync", buf, sizeof(buf)));
}

void register_synclog_tests(void)
{
	CU_pSuite s = CU_add_suite("synclog", NULL, NULL);
	CU_add_test(s, "notes: relative paths, counts, kinds", test_note);
	CU_add_test(s, "notes: many, 16 bytes a record", test_note_many);
	CU_add_test(s, "test hook: noted early, synced after", test_early);
	CU_add_test(s, "the per-file modes note what they sync", test_modes_note);
	CU_add_test(s, "promises: the subset at a flush", test_subset);
	CU_add_test(s, "promises: which findings break them", test_judge);
	CU_add_test(s, "a point inside the pass", test_in_pass);
	CU_add_test(s, "verdict names the entry", test_verdict);
}
