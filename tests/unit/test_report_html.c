/* test_report_html.c - the HTML report's pure helpers: relative links,
 * gnuplot-safe labels, and strict reading of results.json. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report_html.h"
#include "unit.h"
#include "util/util.h"

static void check_rel(const char *from, const char *to, const char *want)
{
	char *r = pc_rh_relpath(from, to);
	CU_ASSERT_STRING_EQUAL(r, want);
	free(r);
}

static void test_relpath(void)
{
	check_rel("/a/b", "/a/b", ".");
	check_rel("/a/b", "/a/b/c", "c");
	check_rel("/a/b/c", "/a/b", "..");
	check_rel("/a/b", "/a/c/d", "../c/d");
	check_rel("/a/bc", "/a/b", "../b");      /* a prefix that is not a component */
	check_rel("/a/b", "/a/bc", "../bc");
	check_rel("/", "/x/y", "x/y");
	check_rel("/x/y", "/", "../..");
}

static void test_plot_label(void)
{
	char *l = pc_rh_plot_label("g/ext4/mount=data=journal,commit=60/none");
	CU_ASSERT_STRING_EQUAL(l, "g/ext4/mount=data=journal,commit=60/none");
	free(l);
	/* Nothing that ends a gnuplot string or substitutes a command. */
	l = pc_rh_plot_label("a'b\"c`d`$e@f\\g\nh_i");
	CU_ASSERT_STRING_EQUAL(l, "a?b?c?d??e?f?g?h_i");
	free(l);
	char longer[100];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[99] = 0;
	l = pc_rh_plot_label(longer);
	CU_ASSERT_EQUAL(strlen(l), 60);
	free(l);
	/* A long id keeps its end: two repeats of one option matrix's case
	 * (61 bytes each) were both cut to the same 60. */
	char *ids[] = {
		"ext4-journal-modes/ext4/mount=data=ordered,commit=60/syncfs/r1",
		"ext4-journal-modes/ext4/mount=data=ordered,commit=60/syncfs/r2",
		"a/ext4/mount=x", "a/ext4/mount=y'", "a/ext4/mount=y\"",
	};
	char **ls = pc_rh_plot_labels(ids, 5);
	CU_ASSERT_STRING_EQUAL(ls[0], "ext4-journal-modes/ext4/...=data=ordered,commit=60/syncfs/r1");
	CU_ASSERT_STRING_EQUAL(ls[1], "ext4-journal-modes/ext4/...=data=ordered,commit=60/syncfs/r2");
	CU_ASSERT_STRING_EQUAL(ls[2], "a/ext4/mount=x");
	/* Ids that differ only where the label shows '?': the later one's place. */
	CU_ASSERT_STRING_EQUAL(ls[3], "a/ext4/mount=y?");
	CU_ASSERT_STRING_EQUAL(ls[4], "a/ext4/mount=y?#5");
	pc_rh_labels_free(ls, 5);
}

/* A plot of many cases shows the highest values, in the cases' order. */
static void test_plot_pick(void)
{
	const double v[] = { 3, -1, 7, 7, 0, 9, 2 };
	size_t keep[7];
	CU_ASSERT_EQUAL(pc_rh_plot_pick(v, 7, 10, keep), 7);
	for (size_t i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(keep[i], i);
	/* 9, then 7 and 7 (a tie: both), then 3: in order 0, 2, 3, 5. */
	CU_ASSERT_EQUAL_FATAL(pc_rh_plot_pick(v, 7, 4, keep), 4);
	CU_ASSERT_EQUAL(keep[0], 0);
	CU_ASSERT_EQUAL(keep[1], 2);
	CU_ASSERT_EQUAL(keep[2], 3);
	CU_ASSERT_EQUAL(keep[3], 5);
	/* A tie at the edge goes to the earlier case; not measured is lowest. */
	CU_ASSERT_EQUAL_FATAL(pc_rh_plot_pick(v, 7, 2, keep), 2);
	CU_ASSERT_EQUAL(keep[0], 2);
	CU_ASSERT_EQUAL(keep[1], 5);
	const double zeros[] = { 0, -1, 0 };
	CU_ASSERT_EQUAL_FATAL(pc_rh_plot_pick(zeros, 3, 2, keep), 2);
	CU_ASSERT_EQUAL(keep[0], 0);
	CU_ASSERT_EQUAL(keep[1], 2);
}

static void load_text(const char *text, int want)
{
	char *dir = unit_tmpdir();
	char *p = xasprintf("%s/results.json", dir);
	CU_ASSERT_EQUAL(pc_write_file(p, text, strlen(text), 0), 0);
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL(pc_rh_add(&s, dir), want);
	if (want == 0) {
		CU_ASSERT_EQUAL(s.n, 1);
		CU_ASSERT_EQUAL(s.f[0].n, 1);
		CU_ASSERT_STRING_EQUAL(s.f[0].v[0].casedir, "g_ext4_none");
		CU_ASSERT_EQUAL(s.f[0].v[0].lost, 3);
	}
	pc_rh_free(&s);
	free(p);
	unit_rmtree(dir);
	free(dir);
}

#define GOOD_CASE(lost, extra) \
	"{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\"," \
	"\"verdict\":\"pass\",\"lost\":" lost ",\"committed\":true,\"timings_s\":{\"total\":1.5}," \
	"\"io\":{\"wios\":3},\"case_dir\":\"/elsewhere/cases/g_ext4_none\"" extra "}]}"

static void test_strict(void)
{
	load_text(GOOD_CASE("3", ""), 0);
	load_text(GOOD_CASE("\"3\"", ""), -1);                 /* wrong type */
	load_text(GOOD_CASE("3", ",\"verdict\":\"maybe\""), -1);  /* duplicate key */
	load_text("{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"x\"}]}", -1);
	load_text("{\"cases\":[]}", -1);                        /* no kernel */
	load_text("[1]", -1);
	load_text("{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"g\",\"fs\":\"ext4\",\"mode\":\"none\","
		  "\"verdict\":\"pass\",\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1},"
		  "\"io\":{},\"case_dir\":\"..\"}]}", -1);        /* not a case folder */
	load_text("{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"g\",\"fs\":\"ext4\",\"mode\":\"none\","
		  "\"verdict\":\"pass\",\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1},"
		  "\"io\":{},\"case_dir\":\"cases/../try-1\"}]}", -1); /* nor is ../try-1 */
}

/* A retried case's files are in its last attempt's folder, cases/CASE/try-K:
 * the link goes there (it used to look for cases/try-K and link nothing). */
static void test_retried_case_links(void)
{
	char *dir = unit_tmpdir();
	char *rj = xasprintf("%s/results.json", dir);
	const char *one = "{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"g/ext4/none\",\"fs\":\"ext4\","
		"\"mode\":\"none\",\"verdict\":\"pass\",\"outcome\":\"flaky\",\"lost\":0,"
		"\"committed\":true,\"timings_s\":{\"total\":1},\"io\":{},"
		"\"case_dir\":\"/elsewhere/cases/g_ext4_none/try-2\"}]}";
	CU_ASSERT_EQUAL(pc_write_file(rj, one, strlen(one), 0), 0);
	char *try2 = xasprintf("%s/cases/g_ext4_none/try-2", dir);
	CU_ASSERT_EQUAL(pc_mkdir_p(try2, 0755), 0);
	char *findings = xasprintf("%s/findings.txt", try2);
	CU_ASSERT_EQUAL(pc_write_file(findings, "", 0, 0), 0);
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_rh_add(&s, dir), 0);
	CU_ASSERT_STRING_EQUAL(s.f[0].v[0].casedir, "g_ext4_none/try-2");
	char *out = xasprintf("%s/report.html", dir);
	CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
	char *html = pc_read_file(out, NULL);
	CU_ASSERT(html && strstr(html, "cases/g_ext4_none/try-2/findings.txt\">findings.txt</a>"));
	free(html);
	pc_rh_free(&s);
	free(out);
	free(findings);
	free(try2);
	free(rj);
	unit_rmtree(dir);
	free(dir);
}

/* -o may not name what the report reads: a folder's results.json,
 * junit.xml, summary.md (by any path, link or inode), its cases, or the
 * qualify.json beside it. */
static void test_output_not_input(void)
{
	char *dir = unit_tmpdir();
	char *other = unit_tmpdir();
	char *rj = xasprintf("%s/results.json", dir);
	CU_ASSERT_EQUAL(pc_write_file(rj, GOOD_CASE("3", ""), strlen(GOOD_CASE("3", "")), 0), 0);
	char *junit = xasprintf("%s/junit.xml", dir);
	CU_ASSERT_EQUAL(pc_write_file(junit, "<x/>", 4, 0), 0);
	char *cases = xasprintf("%s/cases/g_ext4_none", dir);
	CU_ASSERT_EQUAL(pc_mkdir_p(cases, 0755), 0);
	char *hard = xasprintf("%s/hard.json", other), *soft = xasprintf("%s/soft.json", other);
	CU_ASSERT_EQUAL(link(rj, hard), 0);
	CU_ASSERT_EQUAL(symlink(rj, soft), 0);
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_rh_add(&s, dir), 0);
	char *bad[] = {
		xasprintf("%s/results.json", dir), xasprintf("%s/./junit.xml", dir),
		xasprintf("%s/summary.md", dir), xasprintf("%s/cases/g_ext4_none/findings.txt", dir),
		xasprintf("%s/../%s/results.json", dir, strrchr(dir, '/') + 1), xstrdup(hard),
		xstrdup(soft), xstrdup(dir), xstrdup(""),
		/* scripts/qualify's qualify.json beside its kernels' folders */
		xasprintf("%s/../qualify.json", dir),
	};
	/* The page is renamed over -o: what is not a regular file would be
	 * replaced (report -o /dev/stdout replaced the machine's symlink). */
	char *fifo = xasprintf("%s/fifo.html", other), *link_out = xasprintf("%s/link.html", other);
	char *old_page = xasprintf("%s/old.html", other);
	CU_ASSERT_EQUAL(mkfifo(fifo, 0644), 0);
	CU_ASSERT_EQUAL(symlink("old.html", link_out), 0);
	CU_ASSERT_EQUAL(pc_write_file(old_page, "old", 3, 0), 0);
	char *not_files[] = { fifo, link_out, xstrdup(other) };
	pc_messages_quiet = 1;
	for (size_t i = 0; i < sizeof(not_files) / sizeof(not_files[0]); i++) {
		CU_ASSERT_EQUAL(pc_rh_check_output(&s, not_files[i]), -1);
		free(not_files[i]);
	}
	pc_messages_quiet = 0;
	char *good[] = { xasprintf("%s/report.html", dir), xasprintf("%s/report.html", other),
			 old_page /* a page written before: replaced */ };
	pc_messages_quiet = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pc_last_errclass = PC_ERR_NONE;
		if (pc_rh_check_output(&s, bad[i]) == 0)
			fprintf(stderr, "\n  -o %s accepted", bad[i]);
		CU_ASSERT_EQUAL(pc_rh_check_output(&s, bad[i]), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		free(bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CU_ASSERT_EQUAL(pc_rh_check_output(&s, good[i]), 0);
		free(good[i]);
	}
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	pc_rh_free(&s);
	free(rj);
	free(junit);
	free(cases);
	free(hard);
	free(soft);
	unit_rmtree(dir);
	unit_rmtree(other);
	free(dir);
	free(other);
}

/* The page of one results folder holding TEXT as its results.json (NULL
 * when it was not written: the asserts say why). */
static char *page_of(const char *text)
{
	char *dir = unit_tmpdir();
	char *rj = xasprintf("%s/results.json", dir), *out = xasprintf("%s/report.html", dir);
	char *html = NULL;
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL(pc_write_file(rj, text, strlen(text), 0), 0);
	int added = pc_rh_add(&s, dir);
	CU_ASSERT_EQUAL(added, 0);
	if (added == 0) {
		CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
		html = pc_read_file(out, NULL);
	}
	pc_rh_free(&s);
	free(out);
	free(rj);
	unit_rmtree(dir);
	free(dir);
	return html;
}

/* A measurement no case has (no io.wbytes here): the page says so instead
 * of failing in gnuplot ("x range is invalid"). */
static void test_unmeasured_plot(void)
{
	char *html = page_of(GOOD_CASE("3", ""));
	CU_ASSERT(html && strstr(html, "bytes written per case: no case has this measurement"));
	CU_ASSERT(html && strstr(html, "<svg")); /* the measured ones are drawn */
	free(html);
}

/* The folder's counts are its outcomes, as summary.md's (a flaky case was
 * counted as a pass, a known failure as a fail), and the cases its run
 * planned that are not there are said (they were not counted at all). */
static void test_folder_counts(void)
{
	const char *text =
		"{\"kernel\":\"6.1\",\"planned\":5,\"cases\":["
		"{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\",\"verdict\":\"pass\","
		"\"outcome\":\"flaky\",\"flaky_rate\":\"1/2\",\"lost\":0,\"committed\":true,"
		"\"timings_s\":{\"total\":1.5},\"io\":{\"wios\":3}},"
		"{\"id\":\"g/ext4/syncfs\",\"fs\":\"ext4\",\"mode\":\"syncfs\",\"verdict\":\"fail\","
		"\"outcome\":\"known\",\"lost\":2,\"committed\":true,"
		"\"timings_s\":{\"total\":1.5},\"io\":{\"wios\":3}}]}";
	char *html = page_of(text);
	CU_ASSERT(html && strstr(html, ": 2 cases (0 pass, 0 fail, 0 error, 1 flaky, 1 known, "
				       "0 unexpected pass)."));
	CU_ASSERT(html && strstr(html, "3 of the 5 cases its run planned are not in it"));
	CU_ASSERT(html && !strstr(html, "do not record the cases its run planned"));
	free(html);
	/* Results older than "planned": not known to be whole, said. */
	html = page_of(GOOD_CASE("3", ""));
	CU_ASSERT(html && strstr(html, "Its results do not record the cases its run planned</strong> "
				       "(results of an older powercut): whether every case it was to "
				       "check is here is not known."));
	free(html);
}

/* Each case's row names the backend it ran on: a qualify folder's host
 * column ran backend = auto on fuse, the guest's on dm, and the page did
 * not say so anywhere. */
static void test_case_backend(void)
{
	const char *text =
		"{\"kernel\":\"6.1\",\"cases\":["
		"{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\",\"backend\":\"dm\","
		"\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		"\"timings_s\":{\"total\":1.5},\"io\":{}},"
		"{\"id\":\"g/ext4/syncfs\",\"fs\":\"ext4\",\"mode\":\"syncfs\",\"backend\":\"fuse\","
		"\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		"\"timings_s\":{\"total\":1.5},\"io\":{}}]}";
	char *html = page_of(text);
	CU_ASSERT(html && strstr(html, "<th class=\"l\">mode</th><th class=\"l\">backend</th>"));
	CU_ASSERT(html && strstr(html, ">none</td><td class=\"l\">dm</td>"));
	CU_ASSERT(html && strstr(html, ">syncfs</td><td class=\"l\">fuse</td>"));
	free(html);
}

/* A qualify folder whose kernel wrote no results (did not boot: no folder,
 * or a folder without results.json) is named on the page as not checked;
 * it was left out, and the page showed only the kernels that ran. */
static void test_qualify_missing(void)
{
	char *dir = unit_tmpdir();
	char *host = xasprintf("%s/host", dir), *empty = xasprintf("%s/custom-1", dir);
	CU_ASSERT_EQUAL(pc_mkdir_p(host, 0755), 0);
	CU_ASSERT_EQUAL(pc_mkdir_p(empty, 0755), 0);
	char *rj = xasprintf("%s/results.json", host);
	CU_ASSERT_EQUAL(pc_write_file(rj, GOOD_CASE("3", ""), strlen(GOOD_CASE("3", "")), 0), 0);
	char *log = xasprintf("%s/custom-1.log", dir), *q = xasprintf("%s/qualify.json", dir);
	CU_ASSERT_EQUAL(pc_write_file(log, "x", 1, 0), 0);
	const char *qj = "{\"kernels\":[{\"column\":\"host\",\"status\":\"ran\"},"
		"{\"column\":\"custom-1\",\"status\":\"guest died\"},"
		"{\"column\":\"debian-6.1\",\"status\":\"did not boot\",\"message\":\"<b>x</b>\"}]}";
	CU_ASSERT_EQUAL(pc_write_file(q, qj, strlen(qj), 0), 0);
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_rh_add(&s, dir), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_EQUAL_FATAL(s.nmissing, 2);
	char *out = xasprintf("%s/report.html", dir);
	CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
	char *html = pc_read_file(out, NULL);
	CU_ASSERT(html && strstr(html, "<b>2 folders without results.json</b>"));
	CU_ASSERT(html && strstr(html, "/custom-1</li>"));
	CU_ASSERT(html && strstr(html, "/debian-6.1: did not boot: &lt;b&gt;x&lt;/b&gt;</li>"));
	CU_ASSERT(html && !strstr(html, "custom-1.log"));
	free(html);
	pc_rh_free(&s);
	free(out);
	free(q);
	free(log);
	free(rj);
	free(empty);
	free(host);
	unit_rmtree(dir);
	free(dir);
}

/* A qualify folder's qualify.json not understood (truncated, another
 * shape, a column that is no folder name): the kernels it names that wrote
 * no folder are not known, so it is named as not read (exit 2) with the
 * field, and the kernels' folders are still read.  It was read as naming
 * no kernel: a kernel that did not boot left the page silently, exit 0. */
static void test_qualify_json_bad(void)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "{\"kernels\":[{\"column\":\"host\",\"status\":\"ran\"},{\"col", "not JSON" },
		{ "[]", "(top): not an object" },
		{ "{\"scenario\":\"a.ini\"}", "kernels: missing" },
		{ "{\"kernels\":{\"host\":1}}", "kernels: not an array" },
		{ "{\"kernels\":[{\"label\":\"debian-6.1\",\"status\":\"did not boot\"}]}",
		  "kernels[0].column: missing" },
		{ "{\"kernels\":[{\"column\":\"host\",\"status\":\"ran\"},{\"column\":\"../up\","
		  "\"status\":\"did not boot\"}]}", "kernels[1].column: '../up' is not a folder name" },
		{ "{\"kernels\":[{\"column\":\"d\",\"status\":3}]}", "kernels[0].status: not a string" },
		{ "{\"kernels\":[{\"column\":\"d\",\"status\":\"x\",\"message\":[]}]}",
		  "kernels[0].message: not a string" },
		{ "{\"kernels\":[7]}", "kernels[0]: not an object" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
		char *dir = unit_tmpdir();
		char *host = xasprintf("%s/host", dir);
		CU_ASSERT_EQUAL(pc_mkdir_p(host, 0755), 0);
		char *rj = xasprintf("%s/results.json", host), *q = xasprintf("%s/qualify.json", dir);
		CU_ASSERT_EQUAL(pc_write_file(rj, GOOD_CASE("3", ""), strlen(GOOD_CASE("3", "")), 0), 0);
		CU_ASSERT_EQUAL(pc_write_file(q, bad[k].text, strlen(bad[k].text), 0), 0);
		struct pc_rh_set s = { 0 };
		pc_messages_quiet = 1;
		int rc = pc_rh_add(&s, dir);
		pc_messages_quiet = 0;
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(s.n, 1);
		CU_ASSERT_EQUAL(s.nmissing, 0);
		CU_ASSERT_EQUAL_FATAL(s.nunread, 1);
		CU_ASSERT_STRING_EQUAL(s.unread[0].path, q);
		if (!strstr(s.unread[0].why, bad[k].why))
			fprintf(stderr, "\n%zu: %s\n", k, s.unread[0].why);
		CU_ASSERT(strstr(s.unread[0].why, bad[k].why) != NULL);
		pc_rh_free(&s);
		free(q);
		free(rj);
		free(host);
		unit_rmtree(dir);
		free(dir);
	}
}

/* A folder of nights where some cannot be read: each is named (on the
 * page, with why) and the others are still read.  The first bad night
 * stopped the report, so one truncated results.json of a year of nights
 * left no page, and only that night was named. */
static void test_nights_unread(void)
{
	char *dir = unit_tmpdir();
	const char *names[] = { "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04" };
	const char *texts[] = { GOOD_CASE("3", ""), "{\"kernel\":\"6.1\",\"cas",
				GOOD_CASE("\"3\"", ""), NULL };
	for (int i = 0; i < 4; i++) {
		char *night = xasprintf("%s/%s", dir, names[i]);
		CU_ASSERT_EQUAL(pc_mkdir_p(night, 0755), 0);
		char *rj = xasprintf("%s/results.json", night);
		if (texts[i])
			CU_ASSERT_EQUAL(pc_write_file(rj, texts[i], strlen(texts[i]), 0), 0);
		free(rj);
		free(night);
	}
	struct pc_rh_set s = { 0 };
	CU_ASSERT_EQUAL(pc_rh_add(&s, dir), -1);
	/* a results folder whose results.json is gone: its cases/ is not a
	 * kernel's folder without results */
	char *nocase = xasprintf("%s/lost-its-json", dir), *cases = xasprintf("%s/cases", nocase);
	CU_ASSERT_EQUAL(pc_mkdir_p(cases, 0755), 0);
	CU_ASSERT_EQUAL(pc_rh_add(&s, nocase), -1);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_EQUAL_FATAL(s.nunread, 3);
	CU_ASSERT(strstr(s.unread[0].path, "/2026-01-02") && strstr(s.unread[0].why, "not JSON"));
	CU_ASSERT(strstr(s.unread[1].path, "/2026-01-03") && strstr(s.unread[1].why, "lost"));
	CU_ASSERT(strstr(s.unread[2].why, "no results.json in it") != NULL);
	/* the night that wrote nothing: not checked, named */
	CU_ASSERT_EQUAL_FATAL(s.nmissing, 1);
	CU_ASSERT(strstr(s.missing[0], "/2026-01-04") != NULL);
	/* -o may not replace the results.json not read either */
	char *bad = xasprintf("%s/2026-01-02/results.json", dir);
	CU_ASSERT_EQUAL(pc_rh_check_output(&s, bad), -1);
	char *out = xasprintf("%s/report.html", dir);
	CU_ASSERT_EQUAL(pc_rh_check_output(&s, out), 0);
	CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
	char *html = pc_read_file(out, NULL);
	CU_ASSERT(html && strstr(html, "<b>3 results folders not read</b>"));
	CU_ASSERT(html && strstr(html, "/2026-01-02: "));
	CU_ASSERT(html && strstr(html, "/2026-01-03: "));
	CU_ASSERT(html && strstr(html, "/lost-its-json: no results.json in it"));
	CU_ASSERT(html && strstr(html, "/2026-01-01</a>"));
	free(html);
	pc_rh_free(&s);
	free(out);
	free(bad);
	free(cases);
	free(nocase);
	unit_rmtree(dir);
	free(dir);
}

/* A night whose run was interrupted (or a merge missing a shard) holds
 * fewer cases than its run planned: in the history its missing cells are
 * said to be missing, not "-" as a case its scenario never had (an
 * interrupted night read as five cases that did not exist). */
/* A folder of nights in the order their runs started (results.json's
 * "started"), those of an older powercut (not recorded) first, by name,
 * counted for the page's note; a symlink to a night it holds (a nightly's
 * "latest") is no other night.  A qualify folder's are kernels: by name. */
static void test_nights_order(void)
{
	char *dir = unit_tmpdir();
	const char *names[] = { "a-old", "b-old", "c", "d" };
	const char *started[] = { NULL, NULL, "2026-01-03T02:00:00Z", "2026-01-02T02:00:00Z" };
	for (int q = 0; q < 2; q++) {
		char *top = xasprintf("%s/%s", dir, q ? "qualify" : "nights");
		for (int i = 0; i < 4; i++) {
			char *night = xasprintf("%s/%s", top, names[i]);
			CU_ASSERT_EQUAL(pc_mkdir_p(night, 0755), 0);
			char *rj = xasprintf("%s/results.json", night);
			char *text = started[i] ? xasprintf("{\"kernel\":\"6.%d\",\"started\":\"%s\","
							    "\"cases\":[]}", i, started[i])
						: xasprintf("{\"kernel\":\"6.%d\",\"cases\":[]}", i);
			CU_ASSERT_EQUAL(pc_write_file(rj, text, strlen(text), 0), 0);
			free(text);
			free(rj);
			free(night);
		}
		char *latest = xasprintf("%s/latest", top), *target = xasprintf("%s/d", top);
		CU_ASSERT_EQUAL(symlink(target, latest), 0);
		free(latest);
		free(target);
		char *rel = xasprintf("%s/same-as-c", top);
		CU_ASSERT_EQUAL(symlink("c", rel), 0);
		free(rel);
		if (q) {
			char *qj = xasprintf("%s/qualify.json", top);
			const char *qtext = "{\"kernels\":[]}";
			CU_ASSERT_EQUAL(pc_write_file(qj, qtext, strlen(qtext), 0), 0);
			free(qj);
		}
		struct pc_rh_set s = { 0 };
		CU_ASSERT_EQUAL(pc_rh_add(&s, top), 0);
		CU_ASSERT_EQUAL_FATAL(s.n, 4);
		CU_ASSERT_EQUAL(s.nmissing, 0);
		const char *want = q ? "0123" : "0132";
		for (int i = 0; i < 4; i++)
			CU_ASSERT_EQUAL(s.f[i].kernel[2], want[i]);
		CU_ASSERT_EQUAL(s.by_name, q ? 0 : 2);
		/* the night given again through the link: read once more (given) */
		char *again = xasprintf("%s/latest", top);
		CU_ASSERT_EQUAL(pc_rh_add(&s, again), 0);
		CU_ASSERT_EQUAL(s.n, 5);
		free(again);
		pc_rh_free(&s);
		free(top);
	}
	unit_rmtree(dir);
	free(dir);
}

static void test_history_not_run(void)
{
	const char *whole = "{\"kernel\":\"6.1\",\"planned\":2,\"cases\":["
		"{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\",\"verdict\":\"pass\","
		"\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1.5},\"io\":{}},"
		"{\"id\":\"g/ext4/syncfs\",\"fs\":\"ext4\",\"mode\":\"syncfs\",\"verdict\":\"pass\","
		"\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1.5},\"io\":{}}]}";
	const char *cut = "{\"kernel\":\"6.1\",\"planned\":2,\"cases\":["
		"{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\",\"verdict\":\"pass\","
		"\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1.6},\"io\":{}}]}";
	const char *older = "{\"kernel\":\"6.1\",\"cases\":["
		"{\"id\":\"g/ext4/none\",\"fs\":\"ext4\",\"mode\":\"none\",\"verdict\":\"pass\","
		"\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1.7},\"io\":{}}]}";
	const char *texts[] = { whole, cut, older };
	char *dir = unit_tmpdir();
	struct pc_rh_set s = { 0 };
	for (int i = 0; i < 3; i++) {
		char *night = xasprintf("%s/n%d", dir, i), *rj = xasprintf("%s/results.json", night);
		CU_ASSERT_EQUAL(pc_mkdir_p(night, 0755), 0);
		CU_ASSERT_EQUAL(pc_write_file(rj, texts[i], strlen(texts[i]), 0), 0);
		CU_ASSERT_EQUAL(pc_rh_add(&s, night), 0);
		free(rj);
		free(night);
	}
	char *out = xasprintf("%s/report.html", dir);
	CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
	char *html = pc_read_file(out, NULL);
	const char *row = html ? strstr(html, "<tr><td class=\"l\">g/ext4/syncfs</td>") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	const char *end = strstr(row, "</tr>");
	char *r = strndup(row, (size_t)(end - row));
	/* night 2: interrupted, said; night 3 records no plan: "-" */
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "<td class=\"notchecked\">missing (1 planned case not in "
					 "its results)</td><td>-</td>"));
	free(r);
	free(html);
	pc_rh_free(&s);
	free(out);
	unit_rmtree(dir);
	free(dir);
}

#define SUM64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define OPTS_CASE(options) \
	"{\"kernel\":\"6.1\"," options "\"cases\":[{\"id\":\"g/ext4/none\",\"fs\":\"ext4\"," \
	"\"mode\":\"none\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true," \
	"\"timings_s\":{\"total\":1.5},\"io\":{}}]}"
#define OPTS_KNOWN "\"options\":{\"known\":[{\"path\":\"/ci/known.txt\",\"sha256\":\"" SUM64 \
	"\"}],\"scenario_known\":[],\"retries\":2,\"flaky_ok\":true,\"tool_timeout\":null},"
#define OPTS_NONE "\"options\":{\"known\":[],\"scenario_known\":[],\"retries\":null," \
	"\"flaky_ok\":false,\"tool_timeout\":null},"

/* The run's options that change verdicts (results.json "options": --known
 * files by content, --retries, --flaky-ok, --tool-timeout) are on the
 * page: a known or flaky outcome is read against them.  The page did not
 * show them at all. */
static void test_options_shown(void)
{
	char *html = page_of(OPTS_CASE(OPTS_KNOWN));
	CU_ASSERT(html && strstr(html, ", options <code>--known known.txt (sha256 0123456789ab) "
				       "--retries 2 --flaky-ok</code>"));
	free(html);
	html = page_of(OPTS_CASE(OPTS_NONE));
	CU_ASSERT(html && strstr(html, ", options <code>none</code>"));
	free(html);
	/* an older powercut's results do not record them: not known */
	html = page_of(OPTS_CASE(""));
	CU_ASSERT(html && strstr(html, ", options not recorded (results of an older powercut: "
				       "the --known files, --retries, --flaky-ok and --tool-timeout "
				       "it ran with are not known)"));
	free(html);
}

/* Folders run with different options (or one that does not record them):
 * said above the history, since an outcome may differ because of them. */
static void test_options_differ_across(void)
{
	const char *texts[3] = { OPTS_CASE(OPTS_KNOWN), OPTS_CASE(OPTS_NONE), OPTS_CASE("") };
	const struct { int a, b; const char *said; } v[] = {
		{ 0, 0, NULL },
		{ 0, 1, "<b>These results folders ran with different options that change verdicts</b>" },
		{ 1, 2, "<b>Not every results folder records the options it ran with</b>" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *dir = unit_tmpdir();
		char *a = xasprintf("%s/a", dir), *b = xasprintf("%s/b", dir);
		char *ra = xasprintf("%s/results.json", a), *rb = xasprintf("%s/results.json", b);
		char *out = xasprintf("%s/report.html", dir);
		CU_ASSERT_EQUAL(pc_mkdir_p(a, 0755), 0);
		CU_ASSERT_EQUAL(pc_mkdir_p(b, 0755), 0);
		CU_ASSERT_EQUAL(pc_write_file(ra, texts[v[i].a], strlen(texts[v[i].a]), 0), 0);
		CU_ASSERT_EQUAL(pc_write_file(rb, texts[v[i].b], strlen(texts[v[i].b]), 0), 0);
		struct pc_rh_set s = { 0 };
		CU_ASSERT_EQUAL_FATAL(pc_rh_add(&s, a), 0);
		CU_ASSERT_EQUAL_FATAL(pc_rh_add(&s, b), 0);
		CU_ASSERT_EQUAL(pc_rh_write(&s, out), 0);
		char *html = pc_read_file(out, NULL);
		CU_ASSERT_PTR_NOT_NULL(html);
		if (html && v[i].said)
			CU_ASSERT_PTR_NOT_NULL(strstr(html, v[i].said));
		if (html && !v[i].said) {
			CU_ASSERT_PTR_NULL(strstr(html, "different options"));
			CU_ASSERT_PTR_NULL(strstr(html, "records the options"));
		}
		free(html);
		pc_rh_free(&s);
		free(out);
		free(rb);
		free(ra);
		free(b);
		free(a);
		unit_rmtree(dir);
		free(dir);
	}
}

void register_report_html_tests(void)
{
	CU_pSuite s = CU_add_suite("report_html", NULL, NULL);
	CU_add_test(s, "relative links", test_relpath);
	CU_add_test(s, "gnuplot-safe labels", test_plot_label);
	CU_add_test(s, "which cases a plot shows", test_plot_pick);
	CU_add_test(s, "strict results.json", test_strict);
	CU_add_test(s, "-o may not replace an input", test_output_not_input);
	CU_add_test(s, "a measurement no case has", test_unmeasured_plot);
	CU_add_test(s, "links of a retried case", test_retried_case_links);
	CU_add_test(s, "a folder's counts", test_folder_counts);
	CU_add_test(s, "a qualify kernel without results", test_qualify_missing);
	CU_add_test(s, "a qualify.json not understood", test_qualify_json_bad);
	CU_add_test(s, "nights that cannot be read", test_nights_unread);
	CU_add_test(s, "nights in the order they ran; a latest symlink", test_nights_order);
	CU_add_test(s, "a night interrupted, in the history", test_history_not_run);
	CU_add_test(s, "the backend of each case", test_case_backend);
	CU_add_test(s, "the run's options", test_options_shown);
	CU_add_test(s, "folders run with different options", test_options_differ_across);
}
