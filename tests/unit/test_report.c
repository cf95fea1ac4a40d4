/* test_report.c - results.json, junit.xml, summary.md and the table. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/known.h"
#include "report/results_reader.h"
#include "run/result.h"
#include "run/runner.h"
#include "unit.h"
#include "util/version.h"
#include "util/util.h"

static char *img_paths[] = { "/images/l1.tar", "/images/l2.tar.zst", NULL };

static struct pc_case cases[3] = {
	{ .id = "default/ext4/syncfs", .group = "default", .fs = "ext4", .mkfs_opts = "",
	  .mount_opts = "noatime", .backend = "auto", .mode = PC_MODE_SYNCFS,
	  .expect = PC_EXPECT_INTACT, .cut = PC_FLAKEY_DROP, .repeat = 1, .repeats = 1,
	  .images = img_paths, .nimages = 2, .device_size = 0 },
	{ .id = "hard/xfs/none/r2", .group = "hard", .fs = "xfs", .mkfs_opts = "-m crc=1",
	  .mount_opts = "", .backend = "fuse", .mode = PC_MODE_NONE,
	  .expect = PC_EXPECT_INTACT, .cut = PC_FLAKEY_ERROR, .repeat = 2, .repeats = 3,
	  .images = img_paths, .nimages = 2, .device_size = 4ULL << 30 },
	{ .id = "hard/btrfs/fsync", .group = "hard", .fs = "btrfs", .mkfs_opts = "",
	  .mount_opts = "", .backend = "dm", .mode = PC_MODE_FSYNC,
	  .expect = PC_EXPECT_ANY, .cut = PC_FLAKEY_DROP, .repeat = 1, .repeats = 1,
	  .images = img_paths, .nimages = 2, .device_size = 0 },
};

#define NFIND 25
static struct pc_finding findings[NFIND];
static struct pc_case_result results[3];
static struct pc_run_report report;

static void build_report(void)
{
	memset(results, 0, sizeof(results));
	struct pc_case_result *a = &results[0], *b = &results[1], *e = &results[2];

	a->c = &cases[0];
	a->backend = "fuse";
	snprintf(a->backend_why, sizeof(a->backend_why), "no device-mapper in /proc/misc");
	a->committed = 1;
	a->verdict = PC_VERDICT_PASS;
	a->vr.checked = 3001;
	a->fsck = PC_FSCK_CLEAN;
	a->t = (struct pc_timings){ .mkfs = 1.25, .unpack = 2.5, .sync = 0.75, .commit = 0.01,
				    .remount = 1.5, .verify = 0.5, .fsck = 0.25, .total = 6.511 };
	a->io = (struct pc_iostat){ .rios = 7, .rbytes = 28672, .wios = 34804,
				    .wbytes = 5000000000ULL, .flushes = 12 };
	a->entries = 3001;
	a->bytes = 123456789;
	a->fsyncs = 0;

	/* The first finding's path has every character XML must escape. */
	findings[0] = (struct pc_finding){ PC_F_MISSING, "dir/a<b&c\"d'e>", NULL };
	findings[1] = (struct pc_finding){ PC_F_CONTENT, "usr/bin/x", "sha256 differs" };
	for (int i = 2; i < NFIND; i++)
		findings[i] = (struct pc_finding){ PC_F_SIZE, "usr/lib/many", "size 0, expected 4096" };
	b->c = &cases[1];
	b->backend = "fuse";
	b->committed = 1;
	b->verdict = PC_VERDICT_FAIL;
	b->outcome = PC_OUT_FAIL;
	/* Invalid UTF-8 (0xff) must not break JSON or XML. */
	snprintf(b->reason, sizeof(b->reason), "3 of 10 entries not intact <after> commit \xff");
	b->vr.counts[PC_F_MISSING] = 1;
	b->vr.counts[PC_F_CONTENT] = 1;
	b->vr.counts[PC_F_SIZE] = NFIND - 2;
	b->vr.lost = 3;
	b->vr.checked = 10;
	b->vr.findings = findings;
	b->vr.nfindings = NFIND;
	b->fsck = PC_FSCK_ERRORS;
	b->fsck_output = "Phase 1 - find and verify superblock & co";
	b->t.total = 2.0;
	b->entries = 10;
	b->fsyncs = 0;
	snprintf(b->case_dir, sizeof(b->case_dir), "/out/cases/hard_xfs_none_r2");
	snprintf(b->cut_syncfs, sizeof(b->cut_syncfs), "Input/output error");

	e->c = &cases[2];
	e->backend = NULL;  /* failed before a backend was chosen */
	e->verdict = PC_VERDICT_ERROR;
	e->outcome = PC_OUT_ERROR;
	snprintf(e->reason, sizeof(e->reason), "mkfs.btrfs: not found");
	e->error_kind = PC_EK_ENV;  /* attempts.c: a missing tool is the environment's */
	e->error_exit = 3;
	e->fsck = PC_FSCK_SKIPPED;
	e->vr.checked = 7;  /* whatever a failed attempt left: not a measurement */

	report.scenario = "scenarios/default.ini";
	snprintf(report.kernel, sizeof(report.kernel), "6.18.0-test");
	report.results = results;
	report.nresults = 3;
	report.planned = 4; /* one case was not run (interrupted) */
	snprintf(report.started, sizeof(report.started), "2026-12-03T02:00:00Z");
	report.finished[0] = '\0';
	report.shard_k = 2;
	report.shard_n = 3;
	report.scenario_cases = 11;
}

static char *read_in(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *text = pc_read_file(p, NULL);
	free(p);
	return text;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void check_int(json_t *o, const char *key, json_int_t want)
{
	json_t *v = json_object_get(o, key);
	CU_ASSERT(json_is_integer(v));
	CU_ASSERT_EQUAL(json_integer_value(v), want);
	if (!json_is_integer(v) || json_integer_value(v) != want)
		fprintf(stderr, "\n  %s: not the integer %lld\n", key, (long long)want);
}

static void check_str(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);
	CU_ASSERT(json_is_string(v));
	if (json_is_string(v))
		CU_ASSERT_STRING_EQUAL(json_string_value(v), want);
}

static void test_json(void)
{
	build_report();
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *path = xasprintf("%s/results.json", dir);
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fprintf(stderr, "\n  %s:%d: %s\n", path, jerr.line, jerr.text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	check_str(root, "scenario", "scenarios/default.ini");
	check_str(root, "kernel", "6.18.0-test");
	/* The version that judged the cases: merge-results refuses shards of two. */
	check_str(root, "powercut", pc_version);
	/* the version and the commit built */
	CU_ASSERT(!strncmp(pc_version, PC_VERSION "+", strlen(PC_VERSION) + 1) &&
		  strlen(pc_version) > strlen(PC_VERSION) + 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "format")), PC_RESULTS_FORMAT);
	/* What the run was to check: a reader tells a partial file from a whole one. */
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "planned")), 4);
	/* When it started; not finished yet (a write before its end). */
	check_str(root, "started", "2026-12-03T02:00:00Z");
	CU_ASSERT_PTR_NULL(json_object_get(root, "finished"));
	json_t *shard = json_object_get(root, "shard");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(shard, "k")), 2);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(shard, "n")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(shard, "scenario_cases")), 11);
	json_t *jc = json_object_get(root, "cases");
	CU_ASSERT_FATAL(json_is_array(jc) && json_array_size(jc) == 3);

	json_t *a = json_array_get(jc, 0);
	check_str(a, "id", "default/ext4/syncfs");
	check_str(a, "group", "default");
	check_str(a, "fs", "ext4");
	check_str(a, "mkfs_opts", "");
	check_str(a, "mount_opts", "noatime");
	check_str(a, "backend", "fuse");
	check_str(a, "backend_why", "no device-mapper in /proc/misc");
	check_str(a, "mode", "syncfs");
	check_int(a, "repeat", 1);
	check_str(a, "expect", "intact");
	check_str(a, "cut", "drop");
	CU_ASSERT(json_is_true(json_object_get(a, "committed")));
	check_str(a, "verdict", "pass");
	check_int(a, "lost", 0);
	check_str(a, "fsck", "clean");
	check_int(a, "entries", 3001);
	check_int(a, "bytes", 123456789);
	check_int(a, "fsyncs", 0);
	json_t *io = json_object_get(a, "io");
	check_int(io, "wios", 34804);
	check_int(io, "wbytes", 5000000000LL);  /* needs 64 bits */
	check_int(io, "rios", 7);
	check_int(io, "rbytes", 28672);
	check_int(io, "flushes", 12);
	json_t *t = json_object_get(a, "timings_s");
	static const char *const phases[] = { "mkfs", "unpack", "sync", "commit",
					      "remount", "verify", "fsck", "total" };
	static const double want_t[] = { 1.25, 2.5, 0.75, 0.01, 1.5, 0.5, 0.25, 6.511 };
	for (int i = 0; i < 8; i++) {
		json_t *v = json_object_get(t, phases[i]);
		CU_ASSERT(json_is_number(v));
		CU_ASSERT_DOUBLE_EQUAL(json_number_value(v), want_t[i], 1e-9);
	}
	json_t *fa = json_object_get(a, "findings");
	CU_ASSERT_EQUAL(json_object_size(fa), PC_F_NKINDS);
	static const char *const kinds[] = { "missing", "size", "content", "type", "mode",
					     "owner", "xattr", "link", "rdev", "hardlink", "extra" };
	for (int i = 0; i < 11; i++)
		check_int(fa, kinds[i], 0);

	json_t *b = json_array_get(jc, 1);
	check_str(b, "id", "hard/xfs/none/r2");
	check_str(b, "verdict", "fail");
	check_str(b, "expect", "intact");
	check_str(b, "cut", "error");
	check_str(b, "cut_syncfs", "Input/output error");
	CU_ASSERT_PTR_NULL(json_object_get(b, "cut_umount"));
	check_int(b, "repeat", 2);
	check_int(b, "lost", 3);
	check_str(b, "fsck", "errors");
	check_str(b, "reason", "3 of 10 entries not intact <after> commit %FF");
	json_t *fb = json_object_get(b, "findings");
	check_int(fb, "missing", 1);
	check_int(fb, "content", 1);
	check_int(fb, "size", NFIND - 2);
	check_int(fb, "extra", 0);
	json_t *first = json_object_get(b, "first_findings");
	CU_ASSERT(json_is_array(first) && json_array_size(first) == 20);
	check_str(json_array_get(first, 0), "path", "dir/a<b&c\"d'e>");
	check_str(json_array_get(first, 1), "detail", "sha256 differs");

	json_t *e = json_array_get(jc, 2);
	check_str(e, "verdict", "error");
	check_str(e, "backend", "dm");  /* the requested one when none ran */
	CU_ASSERT(json_is_false(json_object_get(e, "committed")));
	check_str(e, "fsck", "skipped");
	/* Never verified: its loss is unknown, not 0 (the table shows "-"). */
	CU_ASSERT(json_is_null(json_object_get(e, "lost")));
	CU_ASSERT(json_is_null(json_object_get(e, "checked")));
	/* What kind of error, and the exit status it maps to; a case that did
	 * not err has neither. */
	check_str(e, "error_class", "environment");
	check_int(e, "error_exit", 3);
	CU_ASSERT_PTR_NULL(json_object_get(b, "error_class"));
	CU_ASSERT_PTR_NULL(json_object_get(b, "error_exit"));

	json_decref(root);
	/* compare and qualify read it back as "not measured". */
	struct pc_results rr;
	CU_ASSERT_EQUAL_FATAL(pc_results_load(dir, &rr), 0);
	CU_ASSERT_EQUAL_FATAL(rr.n, 3);
	CU_ASSERT_EQUAL(rr.v[0].lost, 0);
	CU_ASSERT_EQUAL(rr.v[1].lost, 3);
	CU_ASSERT_EQUAL(rr.v[2].lost, -1);
	CU_ASSERT_EQUAL(rr.v[2].error_kind, PC_EK_ENV);
	CU_ASSERT_EQUAL(rr.v[2].error_exit, 3);
	CU_ASSERT_EQUAL(rr.v[1].error_kind, PC_EK_UNKNOWN);
	/* Every field the writer writes is one the reader knows: none would
	 * be said to be a newer powercut's. */
	CU_ASSERT_EQUAL(rr.nignored, 0);
	for (size_t i = 0; i < rr.nignored; i++)
		fprintf(stderr, "results.json field the reader does not know: %s\n", rr.ignored[i]);
	pc_results_free(&rr);
	/* The commit record lost: verified all the same, the count stays. */
	results[1].committed = 0;
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	check_int(json_array_get(json_object_get(root, "cases"), 1), "lost", 3);
	json_decref(root);
	/* No temporary file is left behind. */
	char *tmp = xasprintf("%s/.results.json.tmp", dir);
	CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
	free(tmp);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* A case failing at a crash point has no findings at the cut: its
 * failure names the file the point's findings are in. */
static void test_junit_crash_point(void)
{
	build_report();
	struct pc_crash_point pts[2] = { { .flush = 5 }, { .flush = 9 } };
	snprintf(pts[1].findings, sizeof(pts[1].findings), "crash-point-9-findings.txt");
	results[1].cp.v = pts;
	results[1].cp.n = 2;
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *x = read_in(dir, "junit.xml");
	CU_ASSERT_PTR_NOT_NULL(x);
	CU_ASSERT_PTR_NOT_NULL(x && strstr(x, "crash point at flush 9: its findings in "
					     "/out/cases/hard_xfs_none_r2/crash-point-9-findings.txt\n"));
	CU_ASSERT_EQUAL(x ? count(x, "its findings in") : 0, 1);
	results[1].cp.v = NULL;
	results[1].cp.n = 0;
	free(x);
	unit_rmtree(dir);
	free(dir);
}

static void test_junit(void)
{
	build_report();
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *x = read_in(dir, "junit.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	/* One suite per group (default, hard), with its properties. */
	CU_ASSERT_EQUAL(count(x, "<testsuite "), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuites name=\"powercut\" tests=\"3\" failures=\"1\" errors=\"1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuite name=\"hard\" tests=\"2\" failures=\"1\" errors=\"1\""));
	CU_ASSERT_EQUAL(count(x, "<property name=\"kernel\" value=\"6.18.0-test\"/>"), 2);
	CU_ASSERT_EQUAL(count(x, "<property name=\"hostname\" "), 2);
	CU_ASSERT_EQUAL(count(x, "<property name=\"memory\" "), 2);
	CU_ASSERT_EQUAL(count(x, "<property name=\"cut\" value=\""), 2);
	CU_ASSERT_EQUAL(count(x, "<testcase "), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testcase classname=\"default\" name=\"default/ext4/syncfs\" time=\"6.511\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testcase classname=\"hard\" name=\"hard/xfs/none/r2\" time=\"2.000\">"));
	CU_ASSERT_EQUAL(count(x, "<failure "), 1);
	CU_ASSERT_EQUAL(count(x, "</failure>"), 1);
	CU_ASSERT_EQUAL(count(x, "<error "), 1);
	/* An error says its kind (results.json error_class): type, message
	 * and text; a loss is a <failure>. */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<error message=\"environment error: mkfs.btrfs: not found\" "
					 "type=\"environment\">environment error: the host failed the "
					 "case, not the filesystem"));
	/* The failure carries the reason and the first 20 findings. */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "message=\"3 of 10 entries not intact &lt;after&gt; commit %FF\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "missing dir/a&lt;b&amp;c&quot;d&apos;e&gt;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "content usr/bin/x: sha256 differs\n"));
	CU_ASSERT_EQUAL(count(x, "size usr/lib/many: size 0, expected 4096"), 18);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "5 more findings"));
	CU_ASSERT_PTR_NULL(strstr(x, "a<b"));
	CU_ASSERT_PTR_NULL(strstr(x, "\xff"));
	/* system-out: each case's table row, and fsck's output when it found errors. */
	CU_ASSERT_EQUAL(count(x, "<system-out>"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "| default/ext4/syncfs | ext4 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "fsck:\nPhase 1 - find and verify superblock &amp; co</system-out>"));
	CU_ASSERT_EQUAL(count(x, "</testcase>"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "</testsuite>\n</testsuites>\n"));
	free(x);
	unit_rmtree(dir);
	free(dir);
}

/* Planned cases the run never reached (interrupted) are errors "not run"
 * in junit.xml, in their group's suite (a new one when no case of their
 * group ran): left out, a CI page showed fewer tests and no problem. */
static void test_junit_not_run(void)
{
	build_report();
	static struct pc_case unrun[2] = {
		{ .id = "hard/ext4/none", .group = "hard", .fs = "ext4" },
		{ .id = "late/xfs/fsync", .group = "late", .fs = "xfs" },
	};
	report.unrun = unrun;
	report.nunrun = 2;
	report.planned = 5;
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	report.unrun = NULL;
	report.nunrun = 0;
	char *x = read_in(dir, "junit.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuites name=\"powercut\" tests=\"5\" failures=\"1\" errors=\"3\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuite name=\"hard\" tests=\"3\" failures=\"1\" errors=\"2\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuite name=\"late\" tests=\"1\" failures=\"0\" errors=\"1\""));
	CU_ASSERT_EQUAL(count(x, "<testsuite "), 3);
	CU_ASSERT_EQUAL(count(x, "<testcase "), 5);
	CU_ASSERT_EQUAL(count(x, "type=\"not run\""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testcase classname=\"late\" name=\"late/xfs/fsync\" time=\"0.000\">\n"
					 "      <error message=\"not run: "));
	free(x);
	unit_rmtree(dir);
	free(dir);
}

/* Retries, known failures and the kernel log in junit.xml. */
static void test_junit_outcomes(void)
{
	build_report();
	struct pc_case_result *a = &results[0], *b = &results[1];
	struct pc_attempt tries[2] = {
		{ .verdict = PC_VERDICT_FAIL, .reason = "fsck found errors", .dir = "/o/try-1" },
		{ .verdict = PC_VERDICT_PASS, .dir = "/o/try-2" },
	};
	a->outcome = PC_OUT_FLAKY;
	a->attempts = tries;
	a->nattempts = 2;
	a->attempts_failed = 1;
	struct pc_known_entry known = { .pattern = "hard/*", .reason = "xfs bug 42", .file = "k.txt",
					.line = 3 };
	b->outcome = PC_OUT_KNOWN;
	b->known = &known;
	snprintf(b->km.error, sizeof(b->km.error), "XFS (loop3): Corruption detected");
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *x = read_in(dir, "junit.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<flakyFailure message=\"fsck found errors\" type=\"fail\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<skipped type=\"known\" message=\"known failure: xfs bug 42\">k.txt:3: hard/*"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "kernel log: XFS (loop3): Corruption detected"));
	CU_ASSERT_EQUAL(count(x, "<failure "), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "failures=\"0\" errors=\"1\" skipped=\"1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "| flaky 1/2 |"));
	free(x);
	unit_rmtree(dir);
	free(dir);
	a->attempts = NULL;
	b->known = NULL;
}

/* summary.md says the run's options that change verdicts, as the HTML
 * report and compare do: a known or flaky outcome there is read against
 * them, and summary.md did not say them. */
static void test_summary_options(void)
{
	build_report();
	struct pc_known_source src = { .path = (char *)"/ci/known.txt",
				       .sha256 = "0123456789abcdef0123456789abcdef"
						 "0123456789abcdef0123456789abcdef" };
	struct pc_known known = { .files = &src, .nfiles = 1 };
	struct pc_run_opts o = { .known = &known, .retries = 2, .flaky_ok = 1, .tool_timeout = -1 };
	report.opts = &o;
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *md = read_in(dir, "summary.md");
	CU_ASSERT(md && strstr(md, "\n- options: `--known known.txt (sha256 0123456789ab) "
					       "--retries 2 --flaky-ok`\n"));
	free(md);
	struct pc_run_opts none = { .retries = -1, .tool_timeout = -1 };
	report.opts = &none;
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	md = read_in(dir, "summary.md");
	CU_ASSERT(md && strstr(md, "\n- options: none\n"));
	free(md);
	report.opts = NULL;
	unit_rmtree(dir);
	free(dir);
}

static void test_summary_and_table(void)
{
	build_report();
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *md = read_in(dir, "summary.md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "kernel: `6.18.0-test`"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "scenario: `scenarios/default.ini`"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "3 (1 pass, 1 fail, 1 error (1 environment), 0 flaky, 0 known, "
					  "0 unexpected pass)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "- **1 case erred for the environment** (the host failed it"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| error (environment) |"));
	/* The case the interrupted run never reached is in no count: said. */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "- **not run: 1 of the 4 cases this run planned** (interrupted)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "- hard/xfs/none/r2: fail: 3 of 10 entries not intact"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "- hard/btrfs/fsync: error (environment): mkfs.btrfs: not found"));
	CU_ASSERT_PTR_NULL(strstr(md, "- default/ext4/syncfs:"));

	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pc_report_table(&report, f);
	fclose(f);
	/* The table on stdout is the one in summary.md. */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, buf));
	/* Header, separator and one row per case, all the same width. */
	char *save = NULL, *line = strtok_r(buf, "\n", &save);
	size_t rows = 0, width = line ? strlen(line) : 0;
	for (; line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '|')
			continue;
		rows++;
		CU_ASSERT_EQUAL(strlen(line), width);
		CU_ASSERT_EQUAL(count(line, "|"), 17);
	}
	CU_ASSERT_EQUAL(rows, 5);
	free(buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| case "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 5000000000 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 34804 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| expect "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| intact "));
	free(md);
	unit_rmtree(dir);
	free(dir);
}

/* A case that lost entries as it was expected to passes, and the table
 * says what was lost, so a reader does not take the loss for a bug. */
static void test_expected_loss_line(void)
{
	build_report();
	struct pc_case_result *b = &results[1];
	struct pc_case loss = *b->c;
	loss.expect = PC_EXPECT_LOSS;
	b->c = &loss;
	b->verdict = PC_VERDICT_PASS;
	b->outcome = PC_OUT_PASS;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	pc_report_table(&report, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| loss "));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ": pass: 3 of 10 committed entries lost as expected "
					   "(missing 1, size 23, content 1)"));
	free(buf);
	/* fio cut mid-run: blocks fio saw written, nothing was committed */
	loss.workload = PC_WORKLOAD_FIO;
	b->fio.midrun = 1;
	b->committed = 0;
	f = open_memstream(&buf, &len);
	pc_report_table(&report, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ": pass: 3 of 10 blocks fio saw written lost as expected"));
	free(buf);
	b->fio.midrun = 0;
	b->committed = 1;
	/* snapshots: every entry is checked twice, the counts can exceed the entries */
	loss.workload = PC_WORKLOAD_IMAGE;
	loss.layout = PC_LAYOUT_SNAPSHOTS;
	f = open_memstream(&buf, &len);
	pc_report_table(&report, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ": pass: 3 of 10 entry checks (layer folders and merged "
					   "view) lost as expected"));
	free(buf);
}

/* Crash points: where the mode and the commit returned, what each point
 * was held to, and why a bad one is bad, in results.json; the points held
 * to the mode's promise counted in the summary's line. */
static void test_crash_points_json(void)
{
	build_report();
	struct pc_case_result *a = &results[0];
	struct pc_case cp_case = *a->c;
	cp_case.crash_points = 3;
	a->c = &cp_case;
	struct pc_crash_point pts[3] = {
		{ .flush = 8, .mounted = 1, .fsck = PC_FSCK_CLEAN },
		{ .flush = 12, .mounted = 1, .fsck = PC_FSCK_CLEAN, .after_mode = 1,
		  .mode_promised = 1, .checked = 3001, .lost = 0 },
		{ .flush = 16, .mounted = 1, .fsck = PC_FSCK_CLEAN, .after_mode = 1,
		  .mode_promised = 1, .after_commit = 1, .committed = 1, .checked = 3001 },
	};
	a->cp = (struct pc_crash_points){ .flushes = 16, .first_flush = 6, .mode_marked = 1,
					  .mode_flush = 12, .commit_marked = 1, .commit_flush = 16,
					  .v = pts, .n = 3 };
	char *dir = unit_tmpdir();
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *md = read_in(dir, "summary.md");
	CU_ASSERT_PTR_NOT_NULL(md);
	CU_ASSERT_PTR_NOT_NULL(strstr(md ? md : "", "- default/ext4/syncfs: 3 crash points at flushes "
					"8..16 of 16: all mount, fsck clean; 2 after syncfs "
					"returned, intact; 1 with the commit record"));
	free(md);
	unit_rmtree(dir);
	/* A per-file mode on dm: no point lies inside its pass (no log mark
	 * per fsync), and the line says so instead of staying silent. */
	cp_case.mode = PC_MODE_FSYNC;
	const char *was = a->backend;
	a->backend = "dm";
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	md = read_in(dir, "summary.md");
	CU_ASSERT_PTR_NOT_NULL(strstr(md ? md : "", "2 after fsync returned, intact; 1 with the "
					"commit record; inside fsync's pass: not checked on dm\n"));
	free(md);
	unit_rmtree(dir);
	a->backend = was;
	cp_case.mode = PC_MODE_SYNCFS;
	/* A loss against the mode's promise: the point says why, and where
	 * its findings are. */
	pts[1].lost = 4;
	snprintf(pts[1].findings, sizeof(pts[1].findings), "crash-point-12-findings.txt");
	CU_ASSERT_EQUAL_FATAL(pc_report_write(&report, dir), 0);
	char *path = xasprintf("%s/results.json", dir);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_t *cp = json_object_get(json_array_get(json_object_get(root, "cases"), 0),
				     "crash_points");
	check_int(cp, "mode_returned_after_flush", 12);
	check_int(cp, "commit_returned_after_flush", 16);
	json_t *p0 = json_array_get(json_object_get(cp, "points"), 0);
	json_t *p1 = json_array_get(json_object_get(cp, "points"), 1);
	CU_ASSERT(json_is_false(json_object_get(p0, "after_mode")));
	CU_ASSERT(json_is_false(json_object_get(p0, "mode_promised")));
	CU_ASSERT_PTR_NULL(json_object_get(p0, "lost"));
	CU_ASSERT_PTR_NULL(json_object_get(p0, "problem"));
	CU_ASSERT_PTR_NULL(json_object_get(p0, "findings"));
	check_str(p1, "findings", "crash-point-12-findings.txt");
	CU_ASSERT(json_is_true(json_object_get(p1, "mode_promised")));
	CU_ASSERT(json_is_false(json_object_get(p1, "committed")));
	check_int(p1, "lost", 4);
	check_str(p1, "problem", "the durability mode syncfs had returned, but 4 of 3001 entries "
				 "are not intact: a loss against the mode's promise, before the "
				 "commit record was durable");
	json_decref(root);
	free(path);
	unit_rmtree(dir);
	free(dir);
	a->c = &cases[0];
	memset(&a->cp, 0, sizeof(a->cp));
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(pc_verdict_name(PC_VERDICT_PASS), "pass");
	CU_ASSERT_STRING_EQUAL(pc_verdict_name(PC_VERDICT_FAIL), "fail");
	CU_ASSERT_STRING_EQUAL(pc_verdict_name(PC_VERDICT_ERROR), "error");
	CU_ASSERT_STRING_EQUAL(pc_fsck_name(PC_FSCK_CLEAN), "clean");
	CU_ASSERT_STRING_EQUAL(pc_fsck_name(PC_FSCK_ERRORS), "errors");
	CU_ASSERT_STRING_EQUAL(pc_fsck_name(PC_FSCK_SKIPPED), "skipped");
}

static void test_unwritable_dir(void)
{
	build_report();
	char *dir = unit_tmpdir();
	char *file = xasprintf("%s/file", dir);
	CU_ASSERT_FATAL(pc_write_file(file, "x", 1, 0) == 0);
	/* DIR is a regular file: every writer must fail, not crash. */
	fflush(stderr);
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	int rc = pc_report_write(&report, file);
	fclose(stderr);
	stderr = saved;
	CU_ASSERT_EQUAL(rc, -1);
	free(file);
	unit_rmtree(dir);
	free(dir);
}

void register_report_tests(void)
{
	CU_pSuite s = CU_add_suite("report", NULL, NULL);
	CU_add_test(s, "results.json fields and types", test_json);
	CU_add_test(s, "junit.xml cases, failures, escaping", test_junit);
	CU_add_test(s, "junit.xml names a crash point's findings", test_junit_crash_point);
	CU_add_test(s, "junit.xml flaky, known, kernel log", test_junit_outcomes);
	CU_add_test(s, "junit.xml cases not reached", test_junit_not_run);
	CU_add_test(s, "summary.md and the table", test_summary_and_table);
	CU_add_test(s, "summary.md says the run's options", test_summary_options);
	CU_add_test(s, "expected loss is explained", test_expected_loss_line);
	CU_add_test(s, "crash points: the marks, each point's promise and problem",
		    test_crash_points_json);
	CU_add_test(s, "verdict and fsck names", test_names);
	CU_add_test(s, "unwritable output folder", test_unwritable_dir);
}
