/* test_report_html.c - the HTML report's pure helpers: relative links,
 * gnuplot-safe labels, and strict reading of results.json. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

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
}

void register_report_html_tests(void)
{
	CU_pSuite s = CU_add_suite("report_html", NULL, NULL);
	CU_add_test(s, "relative links", test_relpath);
	CU_add_test(s, "gnuplot-safe labels", test_plot_label);
	CU_add_test(s, "strict results.json", test_strict);
}
