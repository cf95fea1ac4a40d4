/* test_compare.c - compare's classification, strict reading of
 * results.json, medians over repeats and the exit status. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "unit.h"
#include "util/util.h"

/* R's markdown table, as compare prints it.  Caller frees. */
static char *markdown_of(struct pc_cmp_report *r)
{
	char *md = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&md, &len);
	CU_ASSERT_FATAL(f != NULL);
	pc_cmp_markdown(r, f);
	fclose(f);
	return md;
}

/* R: the results BASE compared with NEW (files or folders) under O (NULL:
 * compare's default threshold, 1.25, nothing else allowed). */
static void compare(const char *base, const char *new, const struct pc_cmp_opts *o,
		    struct pc_cmp_report *r)
{
	static const struct pc_cmp_opts defaults = { .threshold = 1.25 };
	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(pc_cmp_load(base, &r->base), 0);
	CU_ASSERT_EQUAL_FATAL(pc_cmp_load(new, &r->new), 0);
	pc_cmp_run(r, o ? o : &defaults);
}

static void test_classify(void)
{
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_FAIL, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_ERROR, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_XPASS, PC_OUT_FAIL, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FAIL, PC_OUT_PASS, 0), PC_CMP_FIXED);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_PASS, 0), PC_CMP_FIXED);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FLAKY, PC_OUT_PASS, 0), PC_CMP_FIXED);
	/* A case BASE ran that errs in NEW is no longer checked. */
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FAIL, PC_OUT_ERROR, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_ERROR, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_ERROR, PC_OUT_ERROR, 0), PC_CMP_STILL_FAILING);
	/* BASE erred: it never checked the case, so a failure is news. */
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_ERROR, PC_OUT_FAIL, 0), PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_ERROR, PC_OUT_FAIL, 1), PC_CMP_KNOWN);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_PASS, 0), PC_CMP_UNCHANGED);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_FLAKY, 0), PC_CMP_FLAKY);
	/* Known: by NEW's own outcome or by compare --known. */
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_KNOWN, 0), PC_CMP_KNOWN);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_FAIL, 1), PC_CMP_KNOWN);
	/* ... a failure, never an error (the case did not run). */
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, PC_OUT_ERROR, 1), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_ERROR, 1), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FAIL, PC_OUT_PASS, 1), PC_CMP_XPASS);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_XPASS, 0), PC_CMP_XPASS);
	/* In NEW only: a failure or an error nothing covers is news. */
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_PASS, 0), PC_CMP_NEW);
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_FAIL, 0), PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_ERROR, 0), PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_ERROR, 1), PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_FAIL, 1), PC_CMP_KNOWN);
	CU_ASSERT_EQUAL(pc_cmp_classify(-1, PC_OUT_FLAKY, 0), PC_CMP_FLAKY);
	/* Flaky in BASE passed in the end; known in BASE was accepted by an
	 * entry that no longer covers the failure. */
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FLAKY, PC_OUT_FAIL, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_FAIL, 0), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_KNOWN, PC_OUT_FAIL, 1), PC_CMP_KNOWN);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_FAIL, PC_OUT_FAIL, 0), PC_CMP_STILL_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify(PC_OUT_PASS, -1, 0), PC_CMP_REMOVED);
}

static char *put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL(pc_write_file(p, text, strlen(text), 0), 0);
	return p;
}

#define HEX8(c) c c c c c c c c
#define HEX64(c) HEX8(#c) HEX8(#c) HEX8(#c) HEX8(#c) HEX8(#c) HEX8(#c) HEX8(#c) HEX8(#c)
/* What a case of a current powercut tested (results older than the field
 * lack it: LEGACY below). */
#define TESTED_AS(hex) ",\"tested_sha256\":\"" hex "\""
#define TESTED ",\"settings\":\"device_size=auto crash_points=0 crash_subsets=0 cut_at=end " \
	"log_size=auto\"" TESTED_AS(HEX64(f))

#define CASE(id, rep, reps, verdict, lost, total, wbytes) \
	"{\"id\":\"" id "\",\"repeat\":" #rep ",\"repeats\":" #reps ",\"verdict\":\"" verdict \
	"\",\"outcome\":\"" verdict "\",\"committed\":true,\"lost\":" #lost \
	",\"timings_s\":{\"mkfs\":0.1,\"total\":" #total "},\"io\":{\"wbytes\":" #wbytes "}" TESTED "}"

#define OUTCOME(id, verdict, outcome) \
	"{\"id\":\"" id "\",\"verdict\":\"" verdict "\",\"outcome\":\"" outcome \
	"\",\"committed\":true,\"lost\":0,\"timings_s\":{\"total\":1},\"io\":{}" TESTED "}"

static int load_quiet(const char *path, struct pc_cmp_side *s)
{
	pc_messages_quiet = 1;
	int rc = pc_cmp_load(path, s);
	pc_messages_quiet = 0;
	pc_cmp_side_free(s);
	return rc;
}

static void test_strict_load(void)
{
	char *dir = unit_tmpdir();
	struct pc_cmp_side s;
	const char *bad[] = {
		"not json",
		"[]",
		"{\"cases\":[]}",                                     /* no kernel */
		"{\"kernel\":\"6.1\",\"cases\":{}}",
		"{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"a\"}]}",   /* no verdict */
		"{\"kernel\":\"6.1\",\"cases\":[" CASE("a", 1, 1, "maybe", 0, 1, 1) "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" CASE("a", 1, 1, "pass", -1, 1, 1) "]}",
		"{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"a\",\"verdict\":\"pass\",\"committed\":true,"
			"\"lost\":0,\"timings_s\":{\"total\":\"x\"},\"io\":{}}]}",
		"{\"kernel\":\"6.1\",\"cases\":[" CASE("a", 1, 1, "pass", 0, 1, 1) ","
			CASE("a", 1, 1, "pass", 0, 1, 1) "]}",
		"{\"kernel\":\"6.1\",\"kernel\":\"6.2\",\"cases\":[]}", /* duplicate key */
		/* an outcome the last verdict contradicts */
		"{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "error", "pass") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "fail", "unexpected pass") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "pass", "known") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "fail", "flaky") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "pass", "error") "]}",
		/* planned: a count, not fewer than the cases */
		"{\"kernel\":\"6.1\",\"planned\":\"2\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"planned\":-1,\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"planned\":0,\"cases\":[" OUTCOME("a", "pass", "pass") "]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = put(dir, "results.json", bad[i]);
		CU_ASSERT_EQUAL(load_quiet(p, &s), -1);
		free(p);
	}
	char *p = put(dir, "results.json", "{\"kernel\":\"6.1\",\"cases\":[" CASE("a", 1, 1, "pass", 0, 1, 1) "]}");
	CU_ASSERT_EQUAL(load_quiet(dir, &s), 0); /* a folder works as well as the file */
	free(p);
	/* known over an error (older runs wrote it) is read as the error. */
	p = put(dir, "results.json", "{\"kernel\":\"6.1\",\"cases\":[" OUTCOME("a", "error", "known") ","
		OUTCOME("b", "fail", "known") "," OUTCOME("c", "pass", "flaky") "]}");
	CU_ASSERT_EQUAL_FATAL(pc_cmp_load(p, &s), 0);
	CU_ASSERT_EQUAL(s.v[0].outcome, PC_OUT_ERROR);
	CU_ASSERT_EQUAL(s.v[1].outcome, PC_OUT_KNOWN);
	CU_ASSERT_EQUAL(s.v[2].outcome, PC_OUT_FLAKY);
	pc_cmp_side_free(&s);
	free(p);
	unit_rmtree(dir);
	free(dir);
}

static void test_compare_run(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "base.json", "{\"kernel\":\"6.1.0-56-amd64\",\"cases\":["
		CASE("g/ext4/none/r1", 1, 3, "pass", 0, 1.0, 100) ","
		CASE("g/ext4/none/r2", 2, 3, "pass", 0, 2.0, 100) ","
		CASE("g/ext4/none/r3", 3, 3, "pass", 0, 9.0, 100) ","
		CASE("g/xfs/fsync", 1, 1, "pass", 0, 1.0, 100) ","
		CASE("g/old", 1, 1, "pass", 0, 1.0, 100) "]}");
	char *n = put(dir, "new.json", "{\"kernel\":\"6.1.0-56-amd64\",\"cases\":["
		CASE("g/ext4/none/r1", 1, 3, "pass", 0, 2.0, 300) ","
		CASE("g/ext4/none/r2", 2, 3, "fail", 4, 3.0, 300) ","
		CASE("g/ext4/none/r3", 3, 3, "pass", 0, 2.9, 300) ","
		CASE("g/xfs/fsync", 1, 1, "pass", 0, 1.1, 100) ","
		CASE("g/brand-new", 1, 1, "pass", 0, 1.0, 100) "]}");
	struct pc_cmp_report r;
	struct pc_cmp_opts o = { .threshold = 1.25 };
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_UNCHANGED], 3);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_NEW], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REMOVED], 1);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	CU_ASSERT_TRUE(pc_cmp_coverage_lost(&r)); /* g/old did not run in NEW */
	/* Medians over the repeats: base 2.0, new 2.9 -> 1.45, a slowdown;
	 * wbytes 100 -> 300. */
	CU_ASSERT_EQUAL_FATAL(r.nperf, 2);
	const struct pc_cmp_perf *p = NULL;
	for (size_t i = 0; i < r.nperf; i++)
		if (!strcmp(r.perf[i].key, "g/ext4/none"))
			p = &r.perf[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->nbase, 3);
	CU_ASSERT_DOUBLE_EQUAL(p->time_ratio[PC_CMP_NPHASES - 1], 1.45, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(p->io_ratio[1], 3.0, 1e-9);
	CU_ASSERT_TRUE(p->slowdown);
	CU_ASSERT_EQUAL(r.slowdowns, 1);
	CU_ASSERT(p->time_ratio[2] < 0); /* sync absent: not comparable */
	pc_cmp_report_free(&r);

	/* NEW's failure comes from results without "failures" (older): its
	 * kinds are unknown, and an entry for a loss (no fails=) does not
	 * cover it; fails=any does. */
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 1, "g/ext4/none/* kernel<6.2 # flaky none"), 0);
	o.known = &k;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_KNOWN], 0);
	pc_cmp_report_free(&r);
	pc_known_free(&k);
	/* The regression covered by a known entry: 0 regressions, exit 0. */
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 1, "g/ext4/none/* fails=any kernel<6.2 # flaky none"), 0);
	o.known = &k;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 0);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_KNOWN], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_XPASS], 2); /* r1 and r3 passed: stale */
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);      /* g/old removed: coverage lost */
	o.allow_removed = 1;
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
	o.fail_on_slowdown = 1;
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/ext4/none/r2 | **known** | pass | fail | 0 -> 4 | flaky none |"));
	free(md);
	pc_cmp_report_free(&r);
	pc_known_free(&k);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* Failures no BASE outcome vouched for are never "no regression": a case
 * only NEW has that fails, one flaky or known in BASE that fails (with no
 * entry covering it) in NEW. */
static void test_new_failures(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "base.json", "{\"kernel\":\"6.1\",\"cases\":["
		OUTCOME("g/flaky", "pass", "flaky") "," OUTCOME("g/known", "fail", "known") ","
		OUTCOME("g/failed", "fail", "fail") "]}");
	char *n = put(dir, "new.json", "{\"kernel\":\"6.1\",\"cases\":["
		OUTCOME("g/flaky", "fail", "fail") "," OUTCOME("g/known", "fail", "fail") ","
		OUTCOME("g/failed", "fail", "fail") "," OUTCOME("g/added", "fail", "fail") "]}");
	struct pc_cmp_report r;
	struct pc_cmp_opts o = { .threshold = 1.25, .allow_removed = 1, .flaky_ok = 1 };
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 2);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_NEW_FAILING], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_STILL_FAILING], 1);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	json_t *j = pc_cmp_json(&r);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "summary"),
							   "new failing")), 1);
	json_decref(j);
	pc_cmp_report_free(&r);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* NEW lost coverage: a BASE case missing, or no case at all, is never
 * "no regression"; --allow-removed accepts missing cases, not an empty NEW. */
static void test_coverage_lost(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "base.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.0, 100) "," CASE("g/b", 1, 1, "pass", 0, 1.0, 100) "]}");
	char *half = put(dir, "half.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.0, 100) "]}");
	char *none = put(dir, "none.json", "{\"kernel\":\"6.1\",\"cases\":[]}");
	/* another run, every case as in BASE */
	char *again = put(dir, "again.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.1, 100) "," CASE("g/b", 1, 1, "pass", 0, 1.0, 100) "]}");
	struct pc_cmp_opts o = { .threshold = 1.25 };
	/* BASE itself: one run, nothing checked that BASE had not */
	const char *news[] = { half, none, again, b };
	const int exits[] = { 1, 1, 0, 1 }, allowed[] = { 0, 1, 0, 1 };
	for (size_t i = 0; i < 4; i++) {
		struct pc_cmp_report r;
		o.allow_removed = 0;
		compare(b, news[i], &o, &r);
		CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 0);
		CU_ASSERT_EQUAL(pc_cmp_exit(&r), exits[i]);
		o.allow_removed = 1;
		CU_ASSERT_EQUAL(pc_cmp_exit(&r), allowed[i]);
		json_t *j = pc_cmp_json(&r);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(j, "coverage_lost")), allowed[i]);
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	/* --allow-same-run accepts BASE compared with itself (seeding). */
	struct pc_cmp_report same;
	struct pc_cmp_opts so = { .threshold = 1.25, .allow_same_run = 1 };
	compare(b, b, &so, &same);
	CU_ASSERT(pc_cmp_same_run(&same));
	CU_ASSERT_EQUAL(pc_cmp_exit(&same), 0);
	pc_cmp_report_free(&same);
	free(again);
	/* NEW's run planned more cases than it has (interrupted, a shard not
	 * merged): lost coverage even when BASE lacks them too. */
	char *partial = put(dir, "partial.json", "{\"kernel\":\"6.1\",\"planned\":3,\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.0, 100) "," CASE("g/b", 1, 1, "pass", 0, 1.0, 100) "]}");
	char *whole = put(dir, "whole.json", "{\"kernel\":\"6.1\",\"planned\":2,\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.0, 100) "," CASE("g/b", 1, 1, "pass", 0, 1.0, 100) "]}");
	const char *planned[] = { partial, whole };
	for (size_t i = 0; i < 2; i++) {
		struct pc_cmp_report pr;
		compare(b, planned[i], &o, &pr);
		CU_ASSERT_EQUAL(pc_cmp_exit(&pr), i == 0);
		pc_cmp_report_free(&pr);
	}
	free(partial);
	free(whole);
	/* Both sides empty: nothing was checked. */
	struct pc_cmp_report r;
	compare(none, none, &o, &r);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	pc_cmp_report_free(&r);
	free(b);
	free(half);
	free(none);
	unit_rmtree(dir);
	free(dir);
}

#define SETUP_T(id, mount, images, tested) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"committed\":true,\"lost\":0,\"device_size\":0," \
	"\"timings_s\":{\"total\":1},\"io\":{},\"mount_opts\":\"" mount "\",\"images\":" images \
	TESTED_AS(tested) "}"
#define SETUP(id, mount, images) SETUP_T(id, mount, images, HEX64(f))


/* A case run on another setup than in BASE (options, image files) was not
 * checked as BASE checked it: lost coverage unless --allow-setup-change.
 * The image files count by name (each machine has its own paths); a field
 * only one side has (older results) is no change. */
static void test_setup_changed(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP("g/a", "", "[\"/x/l1.tar\",\"/x/l2.tar\"]") ","
		SETUP("g/b", "noatime", "[\"/x/l1.tar\"]") "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.2\",\"cases\":["
		SETUP("g/a", "", "[\"/elsewhere/l1.tar\",\"l2.tar\"]") ","
		SETUP("g/b", "nobarrier", "[\"/x/l1.tar\"]") "]}");
	char *old = put(dir, "old.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1, 1) "," CASE("g/b", 1, 1, "pass", 0, 1, 1) "]}");
	struct pc_cmp_opts o = { .threshold = 1.25 };
	struct pc_cmp_report r;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_UNCHANGED], 2);
	CU_ASSERT_EQUAL(r.setup_changed, 1);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/b | **unchanged**, **setup changed** | pass | pass | 0 -> 0 | "
					  "mount_opts 'noatime' -> 'nobarrier' |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/a |"));
	free(md);
	o.allow_setup_change = 1;
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
	pc_cmp_report_free(&r);
	o.allow_setup_change = 0;
	compare(old, n, &o, &r);
	CU_ASSERT_EQUAL(r.setup_changed, 0);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
	pc_cmp_report_free(&r);
	/* The same image file name, another tree (a tag that moved): the
	 * commit records' digests differ. */
	char *t1 = put(dir, "t1.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP_T("g/a", "", "[\"img.tar\"]", HEX64(a)) "]}");
	char *t2 = put(dir, "t2.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP_T("g/a", "", "[\"img.tar\"]", HEX64(b)) "]}");
	compare(t1, t2, &o, &r);
	CU_ASSERT_EQUAL(r.setup_changed, 1);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "tested_sha256 'aaaaaaaa"));
	free(md);
	pc_cmp_report_free(&r);
	/* The same scenario name, edited: its other keys ("settings") differ
	 * key by key; a key only one side has (added after the other side's
	 * powercut: log_size here) does not. */
	char *s1 = put(dir, "s1.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP("g/a", "", "[\"img.tar\"],\"settings\":\"crash_points=10 cut_at=end device_size=auto\"") ","
		SETUP("g/b", "", "[\"img.tar\"],\"settings\":\"crash_points=0 device_size=auto\"") "]}");
	char *s2 = put(dir, "s2.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP("g/a", "", "[\"img.tar\"],\"settings\":\"crash_points=0 cut_at=end device_size=auto\"") ","
		SETUP("g/b", "", "[\"img.tar\"],\"settings\":\"crash_points=0 device_size=auto log_size=1\"") "]}");
	compare(s1, s2, &o, &r);
	CU_ASSERT_EQUAL(r.setup_changed, 1);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/a | **unchanged**, **setup changed** | pass | pass | 0 -> 0 | "
					  "crash_points '10' -> '0' |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/b |"));
	free(md);
	pc_cmp_report_free(&r);
	free(s1);
	free(s2);
	free(t1);
	free(t2);
	free(b);
	free(n);
	free(old);
	unit_rmtree(dir);
	free(dir);
}

/* Results written before "settings" (2026-12-01) still say what they ran:
 * "device_size" (0: auto) and, whenever the scenario asked for crash
 * points, a "crash_points" object.  An old BASE that ran crash_points = 3
 * against a NEW running none was "unchanged", exit 0. */
#define LEGACY(id, extra) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"committed\":true,\"lost\":0," \
	"\"timings_s\":{\"total\":1},\"io\":{}" extra "}"

static void test_legacy_settings(void)
{
	char *dir = unit_tmpdir();
	char *old = put(dir, "old.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"device_size\":0,\"crash_points\":{\"asked\":3,\"subsets_per_point\":0,\"points\":[]}" TESTED_AS(HEX64(f))) ","
		LEGACY("g/b", ",\"device_size\":1048576" TESTED_AS(HEX64(f))) ","
		LEGACY("g/c", ",\"device_size\":0" TESTED_AS(HEX64(f))) ","
		LEGACY("g/d", TESTED_AS(HEX64(f))) "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"settings\":\"device_size=auto log_size=auto crash_points=0 crash_subsets=0 cut_at=end\"" TESTED_AS(HEX64(f))) ","
		LEGACY("g/b", ",\"settings\":\"device_size=auto log_size=auto crash_points=0 crash_subsets=0 cut_at=end\"" TESTED_AS(HEX64(f))) ","
		LEGACY("g/c", ",\"settings\":\"device_size=auto log_size=auto crash_points=0 crash_subsets=0 cut_at=end\"" TESTED_AS(HEX64(f))) ","
		LEGACY("g/d", ",\"settings\":\"device_size=auto log_size=auto crash_points=0 crash_subsets=0 cut_at=end\"" TESTED_AS(HEX64(f))) "]}");
	struct pc_cmp_report r;
	compare(old, n, NULL, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_UNCHANGED], 4);
	CU_ASSERT_EQUAL(r.setup_changed, 2);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/a | **unchanged**, **setup changed** | pass | pass | 0 -> 0 | "
					  "crash_points '3' -> '0' |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/b | **unchanged**, **setup changed** | pass | pass | 0 -> 0 | "
					  "device_size '1048576' -> 'auto' |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/c |"));
	/* No device_size at all: not known, said, not "unchanged". */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/d | **unchanged**, **setup unknown** | pass | pass | "
					  "0 -> 0 | not recorded in BASE (an older powercut's results): "
					  "device_size |"));
	CU_ASSERT_EQUAL(r.setup_unknown, 1);
	free(md);
	pc_cmp_report_free(&r);
	/* Of the wrong type: refused, not read as no crash points. */
	char *bad = put(dir, "bad.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"crash_points\":{\"asked\":\"3\"}") "]}");
	char *bad2 = put(dir, "bad2.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"device_size\":-1") "]}");
	struct pc_cmp_side s;
	CU_ASSERT_EQUAL(load_quiet(bad, &s), -1);
	CU_ASSERT_EQUAL(load_quiet(bad2, &s), -1);
	free(bad);
	free(bad2);
	free(old);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* compare --known covers a failure only when the entry names each kind
 * of failure NEW's case showed ("failures"): an entry written for a loss
 * does not cover fsck errors, a filesystem that does not mount after the
 * cut, or a loss with a kernel warning besides. */
#define FAILED(id, failures) \
	"{\"id\":\"" id "\",\"verdict\":\"fail\",\"outcome\":\"fail\",\"committed\":true," \
	"\"lost\":3,\"failures\":" failures ",\"timings_s\":{\"total\":1},\"io\":{}" TESTED "}"

static void test_known_kinds(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		OUTCOME("g/a", "pass", "pass") "," OUTCOME("g/b", "pass", "pass") ","
		OUTCOME("g/c", "pass", "pass") "," OUTCOME("g/d", "pass", "pass") "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		FAILED("g/a", "[\"loss\"]") "," FAILED("g/b", "[\"fsck\",\"loss\"]") ","
		FAILED("g/c", "[\"loss\",\"kernel\"]") "," FAILED("g/d", "[\"fsck\"]") "]}");
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 1, "g/a # loses by design"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 2, "g/b fails=loss # loses by design"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 3, "g/c # loses by design"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k", 4, "g/d fails=fsck,loss # corrupts"), 0);
	struct pc_cmp_opts o = { .threshold = 1.25, .known = &k };
	struct pc_cmp_report r;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_KNOWN], 2);     /* g/a, g/d */
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 2); /* g/b, g/c */
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/b | **regression** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/c | **regression** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/d | **known** |"));
	free(md);
	pc_cmp_report_free(&r);
	pc_known_free(&k);
	/* "failures" is read strictly: kinds it knows, on a failing case only. */
	const char *bad[] = {
		"{\"kernel\":\"6.1\",\"cases\":[" FAILED("g/a", "[\"corruption\"]") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" FAILED("g/a", "[]") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" FAILED("g/a", "\"loss\"") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[" FAILED("g/a", "[\"unknown\"]") "]}",
		"{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"a\",\"verdict\":\"pass\",\"failures\":[\"loss\"],"
			"\"committed\":true,\"lost\":0,\"timings_s\":{\"total\":1},\"io\":{}}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = put(dir, "bad.json", bad[i]);
		struct pc_cmp_side s;
		CU_ASSERT_EQUAL(load_quiet(p, &s), -1);
		free(p);
	}
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* What older results did not record is recovered where their fields
 * tell it (cut_at from "fio"; log_size where it had no use), and said
 * where they do not (tested_sha256; log_size of crash points on dm):
 * such a case is "setup unknown", lost coverage unless
 * --allow-setup-change, never "unchanged". */
#define NEWSET(id, settings, extra) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"committed\":true,\"lost\":0," \
	"\"timings_s\":{\"total\":1},\"io\":{},\"settings\":\"device_size=auto " settings "\"" extra "}"
#define NEWSET_DEFAULT "crash_points=0 crash_subsets=0 cut_at=end log_size=auto"

static void test_legacy_unknown(void)
{
	char *dir = unit_tmpdir();
	char *old = put(dir, "old.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"device_size\":0,\"backend\":\"fuse\",\"fio\":{\"cut_at\":\"50%\"}" TESTED_AS(HEX64(f))) ","
		LEGACY("g/b", ",\"device_size\":0,\"backend\":\"fuse\",\"fio\":{\"cut_at\":\"end\"}" TESTED_AS(HEX64(f))) ","
		LEGACY("g/c", ",\"device_size\":0,\"backend\":\"fuse\"" TESTED_AS(HEX64(f))) ","
		LEGACY("g/d", ",\"device_size\":0,\"backend\":\"dm\",\"crash_points\":{\"asked\":3,\"points\":[]}" TESTED_AS(HEX64(f))) ","
		LEGACY("g/e", ",\"device_size\":0,\"backend\":\"fuse\",\"crash_points\":{\"asked\":3,\"points\":[]}" TESTED_AS(HEX64(f))) ","
		LEGACY("g/f", ",\"device_size\":0,\"backend\":\"fuse\"") ","
		"{\"id\":\"g/g\",\"verdict\":\"error\",\"committed\":false,\"lost\":null,"
		"\"timings_s\":{\"total\":1},\"io\":{},\"device_size\":0,\"backend\":\"fuse\"}]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		NEWSET("g/a", "crash_points=0 crash_subsets=0 cut_at=50.0% log_size=auto", TESTED_AS(HEX64(f))) ","
		NEWSET("g/b", "crash_points=0 crash_subsets=0 cut_at=30% log_size=auto", TESTED_AS(HEX64(f))) ","
		NEWSET("g/c", NEWSET_DEFAULT, TESTED_AS(HEX64(f))) ","
		NEWSET("g/d", "crash_points=3 crash_subsets=0 cut_at=end log_size=auto", TESTED_AS(HEX64(f))) ","
		NEWSET("g/e", "crash_points=3 crash_subsets=0 cut_at=end log_size=auto", TESTED_AS(HEX64(f))) ","
		NEWSET("g/f", NEWSET_DEFAULT, ",\"tested_sha256\":\"" HEX64(a) "\"") ","
		NEWSET("g/g", NEWSET_DEFAULT, ",\"tested_sha256\":\"" HEX64(a) "\"") "]}");
	struct pc_cmp_opts o = { .threshold = 1.25 };
	struct pc_cmp_report r;
	compare(old, n, &o, &r);
	CU_ASSERT_EQUAL(r.setup_changed, 1);  /* g/b */
	CU_ASSERT_EQUAL(r.setup_unknown, 2);  /* g/d, g/f */
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NULL(strstr(md, "| g/a |"));   /* 50% is 50.0% */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/b | **unchanged**, **setup changed** | pass | pass | "
					  "0 -> 0 | cut_at 'end' -> '30%' |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/c |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/d | **unchanged**, **setup unknown** | pass | pass | "
					  "0 -> 0 | not recorded in BASE (an older powercut's results): "
					  "log_size |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/e |"));   /* fuse: no log to size */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/f | **unchanged**, **setup unknown** | pass | pass | "
					  "0 -> 0 | not recorded in BASE (an older powercut's results): "
					  "tested_sha256 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/g | **fixed** |")); /* BASE erred: checked nothing */
	CU_ASSERT_PTR_NULL(strstr(md, "| g/g | **fixed**, **setup unknown**"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "**2 cases: one side does not record what they ran on**"));
	free(md);
	CU_ASSERT_TRUE(pc_cmp_coverage_lost(&r));
	o.allow_setup_change = 1;
	CU_ASSERT_FALSE(pc_cmp_coverage_lost(&r));
	pc_cmp_report_free(&r);
	/* The unknown keys alone (g/b, the change, left out): exit 1 too. */
	o.allow_setup_change = 0;
	char *n2 = put(dir, "n2.json", "{\"kernel\":\"6.1\",\"cases\":["
		NEWSET("g/f", NEWSET_DEFAULT, ",\"tested_sha256\":\"" HEX64(a) "\"") "]}");
	char *o2 = put(dir, "o2.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/f", ",\"device_size\":0,\"backend\":\"fuse\"") "]}");
	compare(o2, n2, &o, &r);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	json_t *j = pc_cmp_json(&r);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "summary"), "setup unknown")), 1);
	CU_ASSERT_PTR_NOT_NULL(json_string_value(json_object_get(json_array_get(json_object_get(j, "cases"), 0),
								 "setup_unknown")));
	json_decref(j);
	pc_cmp_report_free(&r);
	/* A cut_at that is no cut_at: refused, not read as end. */
	char *bad = put(dir, "bad.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"fio\":{\"cut_at\":\"soon\"}") "]}");
	struct pc_cmp_side side;
	CU_ASSERT_EQUAL(load_quiet(bad, &side), -1);
	free(bad);
	free(n2);
	free(o2);
	free(old);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* Both sides older than a field (two old runs compared today): neither
 * says what its case tested, so whether they tested the same tree (or
 * device size, or cut_at) is not known either: "setup unknown", said for
 * both sides, never "unchanged" (it was, exit 0).  A side that erred
 * checked nothing and does not count; two sides that record it compare. */
static void test_legacy_both(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"device_size\":0,\"backend\":\"fuse\"") ","
		LEGACY("g/b", ",\"backend\":\"fuse\"") ","
		"{\"id\":\"g/c\",\"verdict\":\"error\",\"committed\":false,\"lost\":null,"
		"\"timings_s\":{\"total\":1},\"io\":{},\"device_size\":0,\"backend\":\"fuse\"},"
		LEGACY("g/d", ",\"device_size\":0,\"backend\":\"fuse\",\"tested_sha256\":\"" HEX64(a) "\"") "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		LEGACY("g/a", ",\"device_size\":0,\"backend\":\"fuse\"") ","
		LEGACY("g/b", ",\"backend\":\"fuse\"") ","
		LEGACY("g/c", ",\"device_size\":0,\"backend\":\"fuse\"") ","
		LEGACY("g/d", ",\"device_size\":0,\"backend\":\"fuse\",\"tested_sha256\":\"" HEX64(a) "\"") "]}");
	struct pc_cmp_opts o = { .threshold = 1.25 };
	struct pc_cmp_report r;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.setup_unknown, 2); /* g/a, g/b */
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/a | **unchanged**, **setup unknown** | pass | pass | 0 -> 0 | "
					  "not recorded in BASE (an older powercut's results): tested_sha256; "
					  "not recorded in NEW (an older powercut's results): tested_sha256 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/b | **unchanged**, **setup unknown** | pass | pass | 0 -> 0 | "
					  "not recorded in BASE (an older powercut's results): device_size, "
					  "tested_sha256; not recorded in NEW (an older powercut's results): "
					  "device_size, tested_sha256 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/c | **fixed** |"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/c | **fixed**, **setup unknown**"));
	CU_ASSERT_PTR_NULL(strstr(md, "| g/d |"));
	free(md);
	o.allow_setup_change = 1;
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
	pc_cmp_report_free(&r);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* A scripts/qualify folder is not a results folder: said so, with the
 * way out (it was "results.json: No such file or directory"). */
static void test_qualify_folder(void)
{
	char *dir = unit_tmpdir();
	char *q = put(dir, "qualify.json", "{}");
	char msg[512] = "";
	struct pc_cmp_side s;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(load_quiet(dir, &s), -1);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is a scripts/qualify folder"));
	free(q);
	unit_rmtree(dir);
	free(dir);
}

/* The options the kernel applied differ (a kernel that ignores one the
 * other honours): a note naming the case, not a setup change (exit 0);
 * a side without them (older results) is no difference. */
static void test_mounted_differs(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP("g/a", "nodatacow", "[\"l.tar\"],\"mounted\":{\"vfs\":\"rw\",\"fs\":\"nodatacow\"}") ","
		SETUP("g/b", "", "[\"l.tar\"],\"mounted\":{\"vfs\":\"rw\",\"fs\":\"x\"}") ","
		SETUP("g/c", "", "[\"l.tar\"]") "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.12\",\"cases\":["
		SETUP("g/a", "nodatacow", "[\"l.tar\"],\"mounted\":{\"vfs\":\"rw\",\"fs\":\"\"}") ","
		SETUP("g/b", "", "[\"l.tar\"],\"mounted\":{\"vfs\":\"rw\",\"fs\":\"x\"}") ","
		SETUP("g/c", "", "[\"l.tar\"],\"mounted\":{\"vfs\":\"rw\",\"fs\":\"y\"}") "]}");
	struct pc_cmp_report r;
	compare(b, n, NULL, &r);
	CU_ASSERT_EQUAL(r.mounted_changed, 1);
	CU_ASSERT_EQUAL(r.setup_changed, 0);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
	char *md = markdown_of(&r);
	/* A paragraph of its own: not joined to the line above it (after the
	 * table, markdown read it as one more row). */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "\n\n**1 case mounted with other options than in BASE**"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "* g/a: `rw; nodatacow` -> `rw; `"));
	CU_ASSERT_PTR_NULL(strstr(md, "* g/b:"));
	free(md);
	json_t *j = pc_cmp_json(&r);
	char *text = json_dumps(j, JSON_COMPACT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"mounted\":[\"rw; nodatacow\",\"rw; \"]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"mounted changed\":1"));
	free(text);
	json_decref(j);
	pc_cmp_report_free(&r);
	/* not an object of two texts: refused, naming the field */
	char *bad = put(dir, "bad.json", "{\"kernel\":\"6.1\",\"cases\":["
		SETUP("g/a", "", "[\"l.tar\"],\"mounted\":\"rw\"") "]}");
	struct pc_cmp_side s;
	CU_ASSERT_EQUAL(load_quiet(bad, &s), -1);
	free(bad);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

#define EXPECT(id, expect, lost) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"outcome\":\"pass\",\"expect\":\"" expect \
	"\",\"committed\":true,\"lost\":" #lost ",\"timings_s\":{\"total\":1},\"io\":{}" TESTED "}"

/* A NEW that passes only because its expectation was loosened from BASE's
 * intact, while it lost entries, is a regression; a loosened expectation
 * with nothing lost, a tightened one, or a loss BASE expected too, is not. */
static void test_hidden_loss(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		EXPECT("g/fsync", "intact", 0) "," EXPECT("g/nothing", "intact", 0) ","
		EXPECT("g/none", "loss", 7) "," EXPECT("g/tight", "any", 0) "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		EXPECT("g/fsync", "any", 4000) "," EXPECT("g/nothing", "any", 0) ","
		EXPECT("g/none", "any", 9) "," EXPECT("g/tight", "intact", 0) "]}");
	struct pc_cmp_opts o = { .threshold = 1.25 };
	struct pc_cmp_report r;
	compare(b, n, &o, &r);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_REGRESSION], 1);
	CU_ASSERT_EQUAL(r.counts[PC_CMP_UNCHANGED], 3);
	CU_ASSERT_EQUAL(pc_cmp_exit(&r), 1);
	char *md = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/fsync | **regression** | pass | pass | 0 -> 4000 | 4000 "
					  "entries lost, passed only under expect = any; BASE expected "
					  "intact |"));
	free(md);
	json_t *j = pc_cmp_json(&r);
	json_t *c0 = json_array_get(json_object_get(j, "cases"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c0, "id")), "g/fsync");
	CU_ASSERT_PTR_NOT_NULL(json_object_get(c0, "hidden_loss"));
	json_decref(j);
	pc_cmp_report_free(&r);
	/* A loss at a crash point that held the commit record fails the case
	 * under intact only: a NEW passing it under any, with the cut intact,
	 * hid it ("fixed" before, when BASE had failed there); a loss at a
	 * point without the record is not one BASE's intact judged. */
#define POINTS(id, expect, committed, plost) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"outcome\":\"pass\",\"expect\":\"" expect \
	"\",\"committed\":true,\"lost\":0,\"timings_s\":{\"total\":1},\"io\":{}," \
	"\"crash_points\":{\"points\":[{\"committed\":false}," \
	"{\"committed\":" #committed ",\"lost\":" #plost "}]}" TESTED "}"
	char *pb = put(dir, "pb.json", "{\"kernel\":\"6.1\",\"cases\":["
		"{\"id\":\"p/fsync\",\"verdict\":\"fail\",\"outcome\":\"fail\",\"expect\":"
		"\"intact\",\"committed\":true,\"lost\":0,\"reason\":\"crash point at flush 9 of "
		"9: committed, but 3 of 9 entries are not intact\",\"timings_s\":{\"total\":1},"
		"\"io\":{}" TESTED "}," POINTS("p/before", "intact", false, 0) "]}");
	char *pn = put(dir, "pn.json", "{\"kernel\":\"6.1\",\"cases\":["
		POINTS("p/fsync", "any", true, 3) "," POINTS("p/before", "any", false, 5) "]}");
	struct pc_cmp_report pr;
	compare(pb, pn, &o, &pr);
	CU_ASSERT_EQUAL(pr.counts[PC_CMP_REGRESSION], 1);
	CU_ASSERT_EQUAL(pr.counts[PC_CMP_FIXED], 0);
	CU_ASSERT_EQUAL(pr.counts[PC_CMP_UNCHANGED], 1);
	md = markdown_of(&pr);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| p/fsync | **regression** | fail | pass | 0 -> 0 | 3 "
					  "entries lost at a crash point with the commit record, "
					  "passed only under expect = any; BASE expected intact |"));
	free(md);
	pc_cmp_report_free(&pr);
	free(pb);
	free(pn);
	/* a point whose loss count is not one is refused, not read as none */
	char *bp = put(dir, "bp.json", "{\"kernel\":\"6.1\",\"cases\":["
		POINTS("p/x", "any", true, "3") "]}");
	struct pc_cmp_side bside = { 0 };
	CU_ASSERT_EQUAL(load_quiet(bp, &bside), -1);
	pc_cmp_side_free(&bside);
	free(bp);
	bp = put(dir, "bp.json", "{\"kernel\":\"6.1\",\"cases\":["
		POINTS("p/x", "any", true, null) "]}");
	CU_ASSERT_EQUAL(load_quiet(bp, &bside), -1);
	pc_cmp_side_free(&bside);
	free(bp);
	/* Passing in the end as unexpected pass (a known entry covers it) or
	 * flaky (exit 0 with --flaky-ok) hides the loss no less. */
#define EXPECT_OC(id, expect, lost, outcome, extra) \
	"{\"id\":\"" id "\",\"verdict\":\"pass\",\"outcome\":\"" outcome "\",\"expect\":\"" \
	expect "\",\"committed\":true,\"lost\":" #lost ",\"timings_s\":{\"total\":1},\"io\":{}" TESTED extra "}"
	char *xb = put(dir, "xb.json", "{\"kernel\":\"6.1\",\"cases\":["
		EXPECT("x/xpass", "intact", 0) "," EXPECT("x/flaky", "intact", 0) "]}");
	char *xn = put(dir, "xn.json", "{\"kernel\":\"6.1\",\"cases\":["
		EXPECT_OC("x/xpass", "any", 7, "unexpected pass", "") ","
		EXPECT_OC("x/flaky", "any", 7, "flaky", ",\"flaky_rate\":\"1/2\"") "]}");
	struct pc_cmp_report xr;
	struct pc_cmp_opts fo = { .threshold = 1.25, .flaky_ok = 1 };
	compare(xb, xn, &fo, &xr);
	CU_ASSERT_EQUAL(xr.counts[PC_CMP_REGRESSION], 2);
	CU_ASSERT_EQUAL(pc_cmp_exit(&xr), 1);
	pc_cmp_report_free(&xr);
	free(xb);
	free(xn);
	/* an expectation powercut does not know is no guess */
	char *bad = put(dir, "bad.json", "{\"kernel\":\"6.1\",\"cases\":[" EXPECT("g/x", "durable", 0) "]}");
	struct pc_cmp_side side = { 0 };
	CU_ASSERT_EQUAL(load_quiet(bad, &side), -1);
	free(bad);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* A ratio that overflows (a base of 5e-324 s) is not comparable: never
 * infinity, which JSON cannot hold (jansson dropped the key). */
static void test_ratio_overflow(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 5e-324, 5e-324) "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 4096) "]}");
	struct pc_cmp_report r;
	compare(b, n, NULL, &r);
	CU_ASSERT_EQUAL_FATAL(r.nperf, 1);
	CU_ASSERT(r.perf[0].time_ratio[PC_CMP_NPHASES - 1] < 0);
	CU_ASSERT_FALSE(r.perf[0].slowdown);
	json_t *j = pc_cmp_json(&r);
	json_t *p = json_array_get(json_object_get(j, "perf"), 0);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(p, "time_ratio"), "total")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(p, "io_ratio"), "wbytes")));
	json_decref(j);
	pc_cmp_report_free(&r);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* A case that erred stopped part-way: its time is no measurement.  BASE's
 * error took 0.05 s; NEW passes in 1.5 s: not a 30x slowdown. */
static void test_error_not_timed(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a/r1", 1, 2, "error", 0, 0.05, 0) "," CASE("g/a/r2", 2, 2, "pass", 0, 1.4, 100) ","
		CASE("g/b", 1, 1, "error", 0, 0.05, 0) "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a/r1", 1, 2, "pass", 0, 1.5, 100) "," CASE("g/a/r2", 2, 2, "pass", 0, 1.5, 100) ","
		CASE("g/b", 1, 1, "pass", 0, 1.5, 100) "]}");
	struct pc_cmp_report r;
	compare(b, n, NULL, &r);
	CU_ASSERT_EQUAL(r.slowdowns, 0);
	CU_ASSERT_EQUAL_FATAL(r.nperf, 2);
	for (size_t i = 0; i < r.nperf; i++) {
		const struct pc_cmp_perf *p = &r.perf[i];
		/* g/a: the passing repeat only, 1.5 / 1.4; g/b: nothing to compare. */
		double want = !strcmp(p->key, "g/a") ? 1.5 / 1.4 : -1;
		CU_ASSERT_DOUBLE_EQUAL(p->time_ratio[PC_CMP_NPHASES - 1], want, 1e-9);
	}
	/* In JSON, g/b's BASE time is null: no repeat counted (it was -1). */
	json_t *j = pc_cmp_json(&r);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(j, "perf"), i, p) {
		const char *key = json_string_value(json_object_get(p, "key"));
		json_t *bt = json_object_get(p, "base_total_s");
		CU_ASSERT_TRUE(!strcmp(key, "g/b") ? json_is_null(bt) : json_real_value(bt) > 0);
		CU_ASSERT_TRUE(json_real_value(json_object_get(p, "new_total_s")) > 0);
	}
	json_decref(j);
	pc_cmp_report_free(&r);
	free(b);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* Results of two scenario files (by name: the paths differ per machine):
 * said above the table and in the JSON; compare never mentioned it. */
static void test_scenario_differs(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"scenario\":\"/ci/a/nightly.ini\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *same = put(dir, "s.json", "{\"kernel\":\"6.1\",\"scenario\":\"/other/nightly.ini\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *n = put(dir, "n.json", "{\"kernel\":\"6.1\",\"scenario\":\"matrix.ini\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	const char *news[] = { same, n };
	for (int i = 0; i < 2; i++) {
		struct pc_cmp_report r;
		compare(b, news[i], NULL, &r);
		CU_ASSERT_EQUAL(pc_cmp_scenario_differs(&r), i);
		char *buf = markdown_of(&r);
		const char *said = strstr(buf, "**BASE and NEW ran different scenario files** "
					       "(`nightly.ini`, `matrix.ini`)");
		CU_ASSERT(i ? said != NULL : said == NULL);
		free(buf);
		json_t *j = pc_cmp_json(&r);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(j, "scenario_differs")), i);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(j, "base"),
									 "scenario")), "nightly.ini");
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	free(b);
	free(same);
	free(n);
	unit_rmtree(dir);
	free(dir);
}

/* Sides written by different powercut versions (or one older than the
 * field) are said: a change may be powercut's own, not the kernel's. */
static void test_version_differs(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\",\"powercut\":\"0.1.0\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *same = put(dir, "s.json", "{\"kernel\":\"6.1\",\"powercut\":\"0.1.0\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *other = put(dir, "o.json", "{\"kernel\":\"6.1\",\"powercut\":\"0.2.0\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *older = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	const char *news[] = { same, other, older };
	const char *said[] = { NULL, "(0.1.0, 0.2.0)", "(0.1.0, older, not recorded)" };
	for (int i = 0; i < 3; i++) {
		struct pc_cmp_report r;
		compare(b, news[i], NULL, &r);
		CU_ASSERT_EQUAL(pc_cmp_version_differs(&r), i > 0);
		char *buf = markdown_of(&r);
		const char *line = strstr(buf, "**BASE and NEW were written by different powercut versions**");
		CU_ASSERT(said[i] ? line && strstr(line, said[i]) : line == NULL);
		free(buf);
		json_t *j = pc_cmp_json(&r);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(j, "version_differs")), i > 0);
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	/* Two sides older than the field: not known to be one version (two
	 * old runs of other builds were compared with no word). */
	struct pc_cmp_report r;
	compare(older, older, NULL, &r);
	CU_ASSERT_EQUAL(pc_cmp_version_differs(&r), -1);
	char *buf = markdown_of(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "**Neither BASE nor NEW records the powercut version that "
				       "wrote it**"));
	free(buf);
	json_t *j = pc_cmp_json(&r);
	CU_ASSERT_TRUE(json_is_null(json_object_get(j, "version_differs")));
	json_decref(j);
	pc_cmp_report_free(&r);
	free(b);
	free(same);
	free(other);
	free(older);
	unit_rmtree(dir);
	free(dir);
}

/* Sides run with other options that change verdicts (--known by content,
 * --retries, --flaky-ok, --tool-timeout) are said, with the options; a side
 * older than the field: not known, said so (never taken as unchanged). */
#define OPT_H1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define OPTIONS(known, retries) "\"options\":{\"known\":[" known "],\"scenario_known\":[]," \
	"\"retries\":" retries ",\"flaky_ok\":false,\"tool_timeout\":null},"
static void test_options_differ(void)
{
	char *dir = unit_tmpdir();
	char *b = put(dir, "b.json", "{\"kernel\":\"6.1\"," OPTIONS("", "null") "\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	/* the same options, known files by content wherever they lie */
	char *same = put(dir, "s.json", "{\"kernel\":\"6.1\"," OPTIONS("", "null") "\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *other = put(dir, "o.json", "{\"kernel\":\"6.1\","
		OPTIONS("{\"path\":\"/ci/known.txt\",\"sha256\":\"" OPT_H1 "\"}", "2") "\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	char *older = put(dir, "n.json", "{\"kernel\":\"6.1\",\"cases\":["
		CASE("g/a", 1, 1, "pass", 0, 1.5, 100) "]}");
	const char *news[] = { same, other, older };
	const char *said[] = { NULL, "**BASE and NEW ran with different options that change verdicts** "
			       "(BASE: none; NEW: --known known.txt (sha256 0123456789ab) --retries 2)",
			       "**NEW does not record the run's options that change verdicts**" };
	for (int i = 0; i < 3; i++) {
		struct pc_cmp_report r;
		compare(b, news[i], NULL, &r);
		CU_ASSERT_EQUAL(pc_cmp_options_differ(&r), i == 2 ? -1 : i);
		char *md = markdown_of(&r);
		CU_ASSERT(said[i] ? strstr(md, said[i]) != NULL
			  : !strstr(md, "options that change verdicts"));
		free(md);
		json_t *j = pc_cmp_json(&r);
		json_t *d = json_object_get(j, "options_differ");
		CU_ASSERT(i == 2 ? json_is_null(d) : json_is_boolean(d) && json_is_true(d) == i);
		json_t *no = json_object_get(json_object_get(j, "new"), "options");
		CU_ASSERT(i == 2 ? json_is_null(no) : json_is_string(no));
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	free(b);
	free(same);
	free(other);
	free(older);
	unit_rmtree(dir);
	free(dir);
}

#define ERRED(id, kind) \
	"{\"id\":\"" id "\",\"verdict\":\"error\",\"outcome\":\"error\",\"committed\":false," \
	"\"lost\":null,\"timings_s\":{\"total\":1},\"io\":{}" TESTED kind "}"
#define KIND(name, exit) ",\"error_class\":\"" name "\",\"error_exit\":" #exit

/* A case that errs in NEW for the environment (the host failed it) or
 * because its run was interrupted was not checked: neither a regression
 * of the filesystem nor a pass.  Environment: exit 3 when nothing else is
 * worse; interrupted: coverage lost.  An error of the case's own, of its
 * input, or of results that do not record the kind (an older powercut's)
 * is classified as before, and the kind is said. */
static void test_error_kinds(void)
{
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_PASS, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_ENV), PC_CMP_ENV_ERROR);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_ENV),
			PC_CMP_ENV_ERROR);   /* "still failing", exit 0, before */
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(-1, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_ENV), PC_CMP_ENV_ERROR);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_PASS, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_INTERRUPTED),
			PC_CMP_INTERRUPTED);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_PASS, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_CASE), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_PASS, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_INPUT), PC_CMP_REGRESSION);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_PASS, PC_OUT_ERROR, 0, PC_EK_UNKNOWN, PC_EK_UNKNOWN),
			PC_CMP_REGRESSION);
	/* An error of BASE's own (or not recorded) that passes in NEW is
	 * fixed; one the host caused, or a signal, was never a failure of the
	 * filesystem: checked again, not "fixed" (as it was before); erring in
	 * NEW for its own reason is news, not "still failing". */
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_PASS, 0, PC_EK_UNKNOWN, PC_EK_UNKNOWN), PC_CMP_FIXED);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_PASS, 0, PC_EK_CASE, PC_EK_UNKNOWN), PC_CMP_FIXED);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_PASS, 0, PC_EK_ENV, PC_EK_UNKNOWN),
			PC_CMP_CHECKED_AGAIN);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_PASS, 0, PC_EK_INTERRUPTED, PC_EK_UNKNOWN),
			PC_CMP_CHECKED_AGAIN);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_ERROR, 0, PC_EK_ENV, PC_EK_CASE),
			PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_ERROR, 0, PC_EK_CASE, PC_EK_CASE),
			PC_CMP_STILL_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_FAIL, 0, PC_EK_ENV, PC_EK_UNKNOWN),
			PC_CMP_NEW_FAILING);
	CU_ASSERT_EQUAL(pc_cmp_classify_kind(PC_OUT_ERROR, PC_OUT_ERROR, 0, PC_EK_ENV, PC_EK_ENV),
			PC_CMP_ENV_ERROR);

	char *dir = unit_tmpdir();
	char *b = put(dir, "base.json", "{\"kernel\":\"6.1\",\"cases\":["
		OUTCOME("g/a", "pass", "pass") "," OUTCOME("g/b", "pass", "pass") "]}");
	char *env = put(dir, "env.json", "{\"kernel\":\"6.1\",\"cases\":["
		ERRED("g/a", KIND("environment", 3)) "," OUTCOME("g/b", "pass", "pass") "]}");
	char *both = put(dir, "both.json", "{\"kernel\":\"6.1\",\"cases\":["
		ERRED("g/a", KIND("environment", 3)) "," OUTCOME("g/b", "fail", "fail") "]}");
	char *intr = put(dir, "intr.json", "{\"kernel\":\"6.1\",\"cases\":["
		ERRED("g/a", KIND("interrupted", 143)) "," OUTCOME("g/b", "pass", "pass") "]}");
	char *own = put(dir, "own.json", "{\"kernel\":\"6.1\",\"cases\":["
		ERRED("g/a", KIND("case", 1)) "," OUTCOME("g/b", "pass", "pass") "]}");
	char *old = put(dir, "old.json", "{\"kernel\":\"6.1\",\"cases\":["
		ERRED("g/a", "") "," OUTCOME("g/b", "pass", "pass") "]}");
	const struct {
		const char *new;
		enum pc_cmp_class cls;
		int exit, coverage_lost;
		const char *said, *outcome, *json_class;
	} t[] = {
		{ env, PC_CMP_ENV_ERROR, 3, 0, "1 case of NEW erred for the environment",
		  "error (environment)", "environment" },
		/* the filesystem's news first: a regression elsewhere is exit 1 */
		{ both, PC_CMP_ENV_ERROR, 1, 0, "1 case of NEW erred for the environment",
		  "error (environment)", "environment" },
		{ intr, PC_CMP_INTERRUPTED, 1, 1, "1 case of NEW was interrupted",
		  "error (interrupted)", "interrupted" },
		{ own, PC_CMP_REGRESSION, 1, 0, "| **regression** |", "error (case)", "case" },
		{ old, PC_CMP_REGRESSION, 1, 0, "1 case of NEW erred without recording what kind",
		  "error (kind not recorded)", NULL },
	};
	struct pc_cmp_opts o = { .threshold = 1.25 };
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct pc_cmp_report r;
		compare(b, t[i].new, &o, &r);
		CU_ASSERT_EQUAL(r.counts[t[i].cls], 1);
		CU_ASSERT_EQUAL(pc_cmp_exit(&r), t[i].exit);
		CU_ASSERT_EQUAL(pc_cmp_coverage_lost(&r), t[i].coverage_lost);
		char *md = markdown_of(&r);
		CU_ASSERT_PTR_NOT_NULL(strstr(md, t[i].said));
		CU_ASSERT_PTR_NOT_NULL(strstr(md, t[i].outcome));
		if (pc_cmp_exit(&r) == 3) {
			CU_ASSERT_PTR_NOT_NULL(strstr(md, "not checked: environment error in NEW"));
		}
		free(md);
		json_t *j = pc_cmp_json(&r);
		json_t *row = json_array_get(json_object_get(j, "cases"), 0);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row, "id")), "g/a");
		json_t *cls = json_object_get(row, "new_error_class");
		CU_ASSERT_PTR_NOT_NULL(cls);   /* null: not recorded */
		if (t[i].json_class) {
			CU_ASSERT_STRING_EQUAL(json_string_value(cls), t[i].json_class);
		} else {
			CU_ASSERT(json_is_null(cls));
		}
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "exit")), t[i].exit);
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	/* The other way round: BASE erred for the environment or was
	 * interrupted, NEW passes: checked again, exit 0 (it was "fixed"). */
	const char *const unchecked_base[] = { env, intr };
	for (size_t i = 0; i < 2; i++) {
		struct pc_cmp_report r;
		compare(unchecked_base[i], b, &o, &r);
		CU_ASSERT_EQUAL(r.counts[PC_CMP_CHECKED_AGAIN], 1);
		CU_ASSERT_EQUAL(r.counts[PC_CMP_FIXED], 0);
		CU_ASSERT_EQUAL(pc_cmp_exit(&r), 0);
		char *md = markdown_of(&r);
		CU_ASSERT_PTR_NOT_NULL(strstr(md, "| g/a | **checked again** | error ("));
		CU_ASSERT_PTR_NOT_NULL(strstr(md, "no fix of the filesystem's"));
		CU_ASSERT_PTR_NULL(strstr(md, "**fixed**"));
		free(md);
		json_t *j = pc_cmp_json(&r);
		json_t *row = json_array_get(json_object_get(j, "cases"), 0);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(row, "change")), "checked again");
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "summary"),
								   "checked again")), 1);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "summary"),
								   "fixed")), 0);
		json_decref(j);
		pc_cmp_report_free(&r);
	}
	free(b);
	free(env);
	free(both);
	free(intr);
	free(own);
	free(old);
	unit_rmtree(dir);
	free(dir);
}

void register_compare_tests(void)
{
	CU_pSuite s = CU_add_suite("compare", NULL, NULL);
	CU_add_test(s, "classification of outcome changes", test_classify);
	CU_add_test(s, "mounted with other options: a note", test_mounted_differs);
	CU_add_test(s, "results.json read strictly", test_strict_load);
	CU_add_test(s, "regressions, medians over repeats, known, exit", test_compare_run);
	CU_add_test(s, "lost coverage: removed cases, empty NEW", test_coverage_lost);
	CU_add_test(s, "new failing cases, flaky or known in BASE failing in NEW",
		    test_new_failures);
	CU_add_test(s, "lost coverage: a case on another setup", test_setup_changed);
	CU_add_test(s, "lost coverage: settings of results older than the field", test_legacy_settings);
	CU_add_test(s, "a qualify folder is not a results folder", test_qualify_folder);
	CU_add_test(s, "setup older results do not record: recovered, or said", test_legacy_unknown);
	CU_add_test(s, "older than a field on both sides: setup unknown", test_legacy_both);
	CU_add_test(s, "known entries cover the kinds of failure they name", test_known_kinds);
	CU_add_test(s, "a loss hidden by a loosened expectation", test_hidden_loss);
	CU_add_test(s, "a ratio that overflows is not comparable", test_ratio_overflow);
	CU_add_test(s, "an erring case's time is no measurement", test_error_not_timed);
	CU_add_test(s, "results of two scenario files", test_scenario_differs);
	CU_add_test(s, "results of two powercut versions", test_version_differs);
	CU_add_test(s, "results run with other options", test_options_differ);
	CU_add_test(s, "an error's kind in NEW: the environment's is no regression", test_error_kinds);
}
