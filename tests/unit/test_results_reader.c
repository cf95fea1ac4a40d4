/* test_results_reader.c - the one reader of results.json (compare and
 * report read through it): every field it promises, strictly. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "report/results_reader.h"
#include "unit.h"
#include "util/util.h"

/* Load TEXT as DIR/results.json: the answer of pc_results_load. */
static int load(const char *text, struct pc_results *r)
{
	char *dir = unit_tmpdir();
	char *p = xasprintf("%s/results.json", dir);
	CU_ASSERT_EQUAL(pc_write_file(p, text, strlen(text), 0), 0);
	pc_messages_quiet = 1;
	int rc = pc_results_load(dir, r);
	pc_messages_quiet = 0;
	unit_rmtree(dir);
	free(p);
	free(dir);
	return rc;
}

static void test_fields(void)
{
	struct pc_results r;
	int rc = load("{\"kernel\":\"6.1\",\"scenario\":\"s.ini\",\"cases\":["
		      "{\"id\":\"g/ext4/none/r2\",\"fs\":\"ext4\",\"mode\":\"none\",\"verdict\":\"pass\","
		      "\"outcome\":\"flaky\",\"flaky_rate\":\"1/2\",\"reason\":\"lost\","
		      "\"case_dir\":\"cases/x\",\"lost\":7,\"committed\":true,\"repeat\":2,\"repeats\":3,"
		      "\"timings_s\":{\"mkfs\":0.5,\"total\":2},\"io\":{\"wbytes\":4096}},"
		      "{\"id\":\"b\",\"verdict\":\"error\",\"lost\":7,\"committed\":true,"
		      "\"timings_s\":{\"total\":1},\"io\":{}},"
		      /* fio cut mid-run: no commit record, fio's state is the promise */
		      "{\"id\":\"f\",\"verdict\":\"fail\",\"lost\":5,\"committed\":false,"
		      "\"fio\":{\"mid_run\":true},\"timings_s\":{\"total\":1},\"io\":{}},"
		      "{\"id\":\"u\",\"verdict\":\"fail\",\"lost\":0,\"committed\":false,"
		      "\"timings_s\":{\"total\":1},\"io\":{}},"
		      "{\"id\":\"n\",\"verdict\":\"error\",\"lost\":null,\"committed\":false,"
		      "\"timings_s\":{\"total\":1},\"io\":{}}]}", &r);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(r.kernel, "6.1");
	CU_ASSERT_STRING_EQUAL(r.scenario, "s.ini");
	CU_ASSERT_EQUAL_FATAL(r.n, 5);
	const struct pc_res_case *a = &r.v[0], *b = &r.v[1];
	CU_ASSERT_STRING_EQUAL(a->id, "g/ext4/none/r2");
	CU_ASSERT_STRING_EQUAL(a->fs, "ext4");
	CU_ASSERT_STRING_EQUAL(a->case_dir, "cases/x");
	CU_ASSERT_EQUAL(a->verdict, PC_OUT_PASS);
	CU_ASSERT_EQUAL(a->outcome, PC_OUT_FLAKY);
	CU_ASSERT_STRING_EQUAL(a->flaky_rate, "1/2");
	CU_ASSERT_EQUAL(a->lost, 7);
	CU_ASSERT_EQUAL(a->repeats, 3);
	CU_ASSERT(a->has_repeat && a->repeat == 2);
	CU_ASSERT_DOUBLE_EQUAL(a->t[0], 0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(a->t[PC_RES_TOTAL], 2, 1e-9);
	CU_ASSERT(a->t[1] < 0);
	CU_ASSERT_DOUBLE_EQUAL(a->io[1], 4096, 1e-9);
	CU_ASSERT(a->io[0] < 0);
	/* Optional fields absent; no outcome: the verdict; an error measured nothing. */
	CU_ASSERT_PTR_NULL(b->fs);
	CU_ASSERT_PTR_NULL(b->case_dir);
	CU_ASSERT_EQUAL(b->outcome, PC_OUT_ERROR);
	CU_ASSERT_EQUAL(b->lost, -1);
	CU_ASSERT_FALSE(b->has_repeat);
	CU_ASSERT_EQUAL(r.v[2].lost, 5);   /* measured against fio's state */
	CU_ASSERT_EQUAL(r.v[3].lost, -1);  /* commit record lost: not measured */
	CU_ASSERT_EQUAL(r.v[4].lost, -1);  /* null */
	pc_results_free(&r);
}

#define ONE(fields) "{\"kernel\":\"6.1\",\"cases\":[{" fields "}]}"
#define GOOD "\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true," \
	     "\"timings_s\":{\"total\":1},\"io\":{}"

/* TEXT loads, and the fields it ignores are WANT[0..N), in that order
 * (said on standard error when not). */
static void check_ignored(const char *text, const char *const *want, size_t n)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load(text, &r), 0);
	CU_ASSERT_EQUAL(r.nignored, n);
	int same = r.nignored == n;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(r.ignored[i], want[i]);
	CU_ASSERT(same);
	for (size_t i = 0; !same && i < r.nignored; i++)
		fprintf(stderr, "ignored: %s\n", r.ignored[i]);
	pc_results_free(&r);
}

static void test_strict(void)
{
	const char *bad[] = {
		"not json",
		"[]",
		"{\"cases\":[]}",                                        /* no kernel */
		"{\"kernel\":6,\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"cases\":{}}",
		"{\"kernel\":\"6.1\",\"kernel\":\"6.2\",\"cases\":[]}",    /* duplicate key */
		"{\"kernel\":\"6.1\",\"shard\":{\"k\":3,\"n\":2},\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"shard\":{\"k\":1},\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"shard\":[1,2],\"cases\":[]}",
		ONE("\"id\":\"\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"total\":1},\"io\":{}"),               /* empty id */
		ONE(GOOD ",\"outcome\":\"maybe\""),
		ONE(GOOD ",\"fs\":4"),
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"mkfs\":1},\"io\":{}"),                /* no total */
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"total\":1},\"io\":{\"wios\":-1}"),
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":1,"
		    "\"timings_s\":{\"total\":1},\"io\":{}"),
		"{\"kernel\":\"6.1\",\"cases\":[{" GOOD "},{" GOOD "}]}",   /* id twice */
		ONE(GOOD ",\"mount_opts\":[]"),
		/* a pass under expect intact that lost entries: edited by hand */
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"expect\":\"intact\",\"lost\":3,"
		    "\"committed\":true,\"timings_s\":{\"total\":1},\"io\":{}"),
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"outcome\":\"flaky\",\"expect\":\"intact\","
		    "\"lost\":1,\"committed\":true,\"timings_s\":{\"total\":1},\"io\":{}"),
		/* a newer format is refused, not misread */
		"{\"format\":2,\"kernel\":\"6.1\",\"cases\":[]}",
		"{\"format\":\"1\",\"kernel\":\"6.1\",\"cases\":[]}",
		"{\"format\":0,\"kernel\":\"6.1\",\"cases\":[]}",
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"total\":1.7e308},\"io\":{}"),        /* no measurement */
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"total\":1},\"io\":{\"wbytes\":1e16}"),
		ONE(GOOD ",\"images\":\"l1.tar\""),
		ONE(GOOD ",\"images\":[\"l1.tar\",2]"),
		ONE(GOOD ",\"outcome\":\"pass\",\"verdict\":\"error\""), /* duplicate verdict */
		/* lost null: only a case that erred has no count */
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":null,\"committed\":true,"
		    "\"timings_s\":{\"total\":1},\"io\":{}"),
		ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":null,\"committed\":false,"
		    "\"fio\":{\"mid_run\":true},\"timings_s\":{\"total\":1},\"io\":{}"),
		/* a check that did not run never passes; fsck errors always fail */
		ONE(GOOD ",\"fsck\":\"skipped\""),
		ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":0,\"committed\":true,\"fsck\":\"skipped\","
		    "\"timings_s\":{\"total\":1},\"io\":{}"),
		ONE(GOOD ",\"fsck\":\"errors\""),
		ONE(GOOD ",\"fsck\":\"maybe\""),
		ONE(GOOD ",\"fsck\":true"),
		/* a flaky rate is F/N on a flaky case, and only there */
		ONE(GOOD ",\"outcome\":\"flaky\",\"flaky_rate\":\"9/2\""),
		ONE(GOOD ",\"outcome\":\"flaky\",\"flaky_rate\":\"0/2\""),
		ONE(GOOD ",\"outcome\":\"flaky\",\"flaky_rate\":\"1/2x\""),
		ONE(GOOD ",\"outcome\":\"flaky\",\"flaky_rate\":\"-1/2\""),
		ONE(GOOD ",\"outcome\":\"pass\",\"flaky_rate\":\"1/2\""),
		/* unmountable after the cut: a failure with no count */
		ONE(GOOD ",\"unmountable\":\"x\""),
		ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":3,\"committed\":true,"
		    "\"unmountable\":\"x\",\"timings_s\":{\"total\":1},\"io\":{}"),
		ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":null,\"committed\":false,"
		    "\"unmountable\":\"\",\"timings_s\":{\"total\":1},\"io\":{}"),		/* a name this powercut does not know (a newer one's mode, fs,
		 * backend...): not read as what it happens to resemble */
		ONE(GOOD ",\"mode\":\"fsync2\""),
		ONE(GOOD ",\"fs\":\"bcachefs\""),
		ONE(GOOD ",\"backend\":\"nvme\""),
		ONE(GOOD ",\"cut\":\"reboot\""),
		ONE(GOOD ",\"write_cache\":\"quantum\""),
		ONE(GOOD ",\"layout\":\"tree\""),
		ONE(GOOD ",\"workload\":\"blob\""),
		ONE(GOOD ",\"mode\":\"\""),
		/* a scenario key a newer powercut added: what it set is unknown here */
		ONE(GOOD ",\"settings\":\"device_size=auto io_depth=32\""),
		ONE(GOOD ",\"settings\":\"device_size=auto crash_points\""),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pc_results r;
		if (load(bad[i], &r) != -1)
			CU_FAIL(bad[i]);
		pc_results_free(&r);
	}
	struct pc_results r;
	CU_ASSERT_EQUAL(load(ONE(GOOD), &r), 0);
	pc_results_free(&r);
	/* A lost commit record: its count is not read, null or not. */
	CU_ASSERT_EQUAL(load(ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":null,\"committed\":false,"
				 "\"timings_s\":{\"total\":1},\"io\":{}"), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load("{\"format\":1,\"kernel\":\"6.1\",\"cases\":[]}", &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"settings\":\"device_size=auto log_size=auto crash_points=0 "
				 "crash_subsets=0 cut_at=end\""), &r), 0);
	pc_results_free(&r);
	/* every name powercut writes */
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"fs\":\"xfs\",\"mode\":\"ofsync\",\"backend\":\"auto\","
				 "\"cut\":\"error\",\"write_cache\":\"volatile\",\"layout\":\"snapshots\","
				 "\"workload\":\"fio\""), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"fs\":\"btrfs\",\"mode\":\"sfr\",\"backend\":\"dm\","
				 "\"cut\":\"drop\",\"write_cache\":\"durable\",\"layout\":\"flat\","
				 "\"workload\":\"image\""), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"outcome\":\"flaky\",\"flaky_rate\":\"2/3\""), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"fsck\":\"clean\""), &r), 0);
	pc_results_free(&r);
	/* after a mid-run fio cut too: nothing verified */
	CU_ASSERT_EQUAL(load(ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":null,\"committed\":false,"
				 "\"fio\":{\"mid_run\":true},\"unmountable\":\"mount: EUCLEAN\","
				 "\"timings_s\":{\"total\":1},\"io\":{}"), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE("\"id\":\"a\",\"verdict\":\"error\",\"lost\":null,\"committed\":false,"
				 "\"fsck\":\"skipped\",\"timings_s\":{\"total\":1},\"io\":{}"), &r), 0);
	pc_results_free(&r);
	/* does not mount after the cut, and fsck could not check it either
	 * (e2fsck finds no superblock): a failure */
	CU_ASSERT_EQUAL(load(ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":null,\"committed\":false,"
				 "\"unmountable\":\"mount: EUCLEAN\",\"fsck\":\"skipped\","
				 "\"timings_s\":{\"total\":1},\"io\":{}"), &r), 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL(load(ONE("\"id\":\"a\",\"verdict\":\"fail\",\"lost\":0,\"committed\":true,"
				 "\"fsck\":\"errors\",\"timings_s\":{\"total\":1},\"io\":{}"), &r), 0);
	pc_results_free(&r);
}

/* The setup compare checks besides the id: strings as written, the image
 * layers by file name; NULL when absent.  A file without "settings" (older
 * than the field) gets them from what it does say: no "crash_points"
 * object, none ran. */
static void test_setup(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load(ONE(GOOD ",\"mount_opts\":\"noatime\",\"cut\":\"drop\","
				       "\"images\":[\"/a/b/l1.tar.gz\",\"l2.tar\",\"oci:tag\"]"), &r), 0);
	const char *const *names = pc_res_setup;
	for (size_t k = 0; k < PC_RES_NSETUP; k++) {
		const char *v = r.v[0].setup[k];
		const char *want = !strcmp(names[k], "mount_opts") ? "noatime"
				 : !strcmp(names[k], "cut") ? "drop"
				 : !strcmp(names[k], "images") ? "l1.tar.gz l2.tar oci:tag"
				 : !strcmp(names[k], "settings")
				 ? "crash_points=0 crash_subsets=0 cut_at=end log_size=auto" : NULL;
		CU_ASSERT(want ? v && !strcmp(v, want) : !v);
	}
	pc_results_free(&r);
	/* what the case tested: a commit record's digest, nothing else */
	static const char hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *good = xasprintf(ONE(GOOD ",\"tested_sha256\":\"%s\""), hex);
	CU_ASSERT_EQUAL_FATAL(load(good, &r), 0);
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		if (!strcmp(names[k], "tested_sha256"))
			CU_ASSERT(r.v[0].setup[k] && !strcmp(r.v[0].setup[k], hex));
	pc_results_free(&r);
	free(good);
	CU_ASSERT_EQUAL(load(ONE(GOOD ",\"tested_sha256\":\"ABC\""), &r), -1);
	pc_results_free(&r);
	char *upper = xasprintf(ONE(GOOD ",\"tested_sha256\":\"%.63sA\""), hex);
	CU_ASSERT_EQUAL(load(upper, &r), -1);
	pc_results_free(&r);
	free(upper);
}

/* "options", the run's options that change verdicts: compared by the
 * known files' content (not their paths), said with their names; absent
 * (older results): not known, NULL; anything else not understood: an
 * error. */
#define H1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define OPTS(o) "{\"kernel\":\"6.1\",\"options\":" o ",\"cases\":[]}"
static void test_options(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load(OPTS("{\"known\":[{\"path\":\"/a/k.txt\",\"sha256\":\"" H1 "\"}],"
					"\"scenario_known\":[{\"path\":\"s.txt\",\"sha256\":\"" H2 "\"}],"
					"\"retries\":2,\"flaky_ok\":true,\"tool_timeout\":60}"), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.options, "known=" H1 " scenario_known=" H2
			       " retries=2 flaky_ok=1 tool_timeout=60");
	CU_ASSERT_STRING_EQUAL(r.options_shown, "--known k.txt (sha256 0123456789ab) known = s.txt "
			       "(sha256 fedcba987654) --retries 2 --flaky-ok --tool-timeout 60");
	pc_results_free(&r);
	/* the same content elsewhere: the same options */
	CU_ASSERT_EQUAL_FATAL(load(OPTS("{\"known\":[{\"path\":\"/b/k2.txt\",\"sha256\":\"" H1 "\"}],"
					"\"scenario_known\":[{\"path\":\"/c/s.txt\",\"sha256\":\"" H2 "\"}],"
					"\"retries\":2,\"flaky_ok\":true,\"tool_timeout\":60}"), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.options, "known=" H1 " scenario_known=" H2
			       " retries=2 flaky_ok=1 tool_timeout=60");
	pc_results_free(&r);
	CU_ASSERT_EQUAL_FATAL(load(OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":null,"
					"\"flaky_ok\":false,\"tool_timeout\":null}"), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.options, "known= scenario_known= retries=- flaky_ok=0 tool_timeout=-");
	CU_ASSERT_STRING_EQUAL(r.options_shown, "none");
	pc_results_free(&r);
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"cases\":[]}", &r), 0);
	CU_ASSERT_PTR_NULL(r.options);
	CU_ASSERT_PTR_NULL(r.options_shown);
	pc_results_free(&r);
	const char *bad[] = {
		OPTS("[]"),
		OPTS("{\"scenario_known\":[],\"retries\":null,\"flaky_ok\":false,\"tool_timeout\":null}"),
		OPTS("{\"known\":[{\"path\":\"k\",\"sha256\":\"ABC\"}],\"scenario_known\":[],"
		     "\"retries\":null,\"flaky_ok\":false,\"tool_timeout\":null}"),
		OPTS("{\"known\":[\"k\"],\"scenario_known\":[],"
		     "\"retries\":null,\"flaky_ok\":false,\"tool_timeout\":null}"),
		OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":-1,\"flaky_ok\":false,\"tool_timeout\":null}"),
		OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":\"2\",\"flaky_ok\":false,\"tool_timeout\":null}"),
		OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":null,\"flaky_ok\":0,\"tool_timeout\":null}"),
		OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":null,\"flaky_ok\":false}"),
		/* an option a newer powercut records: not compared as the same */
		OPTS("{\"known\":[],\"scenario_known\":[],\"retries\":null,\"flaky_ok\":false,"
		     "\"tool_timeout\":null,\"strict_fsck\":true}"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CU_ASSERT_EQUAL(load(bad[i], &r), -1);
		pc_results_free(&r);
	}
}

/* One run's results, however re-written (keys reordered, re-indented, 0.0
 * as jq writes it, 0), have one content digest; any other value another. */
static void test_content_digest(void)
{
	const char *same[] = {
		ONE(GOOD),
		"{ \"cases\": [ { \"io\": {}, \"timings_s\": {\"total\": 1.0},"
		" \"committed\": true, \"lost\": 0, \"verdict\": \"pass\", \"id\": \"a\" } ],"
		"\n  \"kernel\": \"6.1\" }\n",
	};
	/* a field of a newer powercut past 2^53, and the double jq makes of it */
	const char *big[] = {
		"{\"kernel\":\"6.1\",\"seed\":9007199254740993,\"cases\":[{" GOOD "}]}",
		"{\"kernel\":\"6.1\",\"seed\":9007199254740992,\"cases\":[{" GOOD "}]}",
		"{\"kernel\":\"6.1\",\"seed\":9007199254740992.0,\"cases\":[{" GOOD "}]}",
	};
	const char *other[] = {
		ONE("\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		    "\"timings_s\":{\"total\":1.5},\"io\":{}"),
		ONE(GOOD ",\"reason\":\"\""),
		"{\"kernel\":\"6.2\",\"cases\":[{" GOOD "}]}",
	};
	struct pc_results r;
	char first[sizeof(r.content_sha256)];
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		CU_ASSERT_EQUAL_FATAL(load(same[i], &r), 0);
		CU_ASSERT_EQUAL(strlen(r.content_sha256), 64);
		if (i == 0)
			memcpy(first, r.content_sha256, sizeof(first));
		CU_ASSERT_STRING_EQUAL(r.content_sha256, first);
		pc_results_free(&r);
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++) {
		CU_ASSERT_EQUAL_FATAL(load(other[i], &r), 0);
		CU_ASSERT_STRING_NOT_EQUAL(r.content_sha256, first);
		pc_results_free(&r);
	}
	for (size_t i = 0; i < sizeof(big) / sizeof(*big); i++) {
		CU_ASSERT_EQUAL_FATAL(load(big[i], &r), 0);
		if (i == 0)
			memcpy(first, r.content_sha256, sizeof(first));
		CU_ASSERT_STRING_EQUAL(r.content_sha256, first);
		pc_results_free(&r);
	}
}

/* Fields no powercut this build knows of wrote (a newer one's) are
 * ignored, not refused, and listed (each once, in the file's order) so
 * compare and report say them; known ones, of every version, are not. */
static void test_ignored(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"host\":\"x\",\"cases\":["
				   "{" GOOD ",\"verdict_scope\":1,\"group\":\"g\"},"
				   "{\"id\":\"b\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
				   "\"timings_s\":{\"total\":1},\"io\":{},\"verdict_scope\":2,"
				   "\"a b\":0}]}", &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.nignored, 3);
	CU_ASSERT_STRING_EQUAL(r.ignored[0], "host");
	CU_ASSERT_STRING_EQUAL(r.ignored[1], "cases[].verdict_scope");
	CU_ASSERT_STRING_EQUAL(r.ignored[2], "cases[].a b");
	char *text = pc_results_ignored_text(r.ignored, r.nignored, xstrdup);
	CU_ASSERT_STRING_EQUAL(text, "host, cases[].verdict_scope, cases[].a b");
	free(text);
	pc_results_free(&r);
	CU_ASSERT_EQUAL_FATAL(load(ONE(GOOD), &r), 0);
	CU_ASSERT_EQUAL(r.nignored, 0);
	CU_ASSERT_EQUAL(r.shard_n, 0);   /* not recorded */
	CU_ASSERT_PTR_NULL(pc_results_ignored_text(r.ignored, r.nignored, xstrdup));
	pc_results_free(&r);
}

/* A newer powercut's key inside an object the reader reads by its keys
 * (a case's timings_s: a new phase; io: a new counter; mounted; the run's
 * shard) is listed as one beside the case's own: it was dropped silently
 * (a phase's time left out of every per-phase ratio, unsaid).  Every key
 * every powercut wrote there is known (test-old-results reads them all). */
static void test_ignored_inner(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"shard\":{\"k\":1,\"n\":1,"
				   "\"scenario_cases\":2,\"by\":\"hash\"},\"cases\":["
				   "{\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
				   "\"timings_s\":{\"mkfs\":1,\"trim\":2,\"total\":3},"
				   "\"io\":{\"wios\":1,\"discards\":4},"
				   "\"mounted\":{\"vfs\":\"rw\",\"fs\":\"\",\"sb\":\"x\"}},"
				   "{\"id\":\"b\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
				   "\"timings_s\":{\"total\":1,\"trim\":2},\"io\":{}}]}", &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.nignored, 4);
	CU_ASSERT_STRING_EQUAL(r.ignored[0], "shard.by");
	CU_ASSERT_STRING_EQUAL(r.ignored[1], "cases[].timings_s.trim");
	CU_ASSERT_STRING_EQUAL(r.ignored[2], "cases[].io.discards");
	CU_ASSERT_STRING_EQUAL(r.ignored[3], "cases[].mounted.sb");
	char *text = pc_results_ignored_text(r.ignored, r.nignored, xstrdup);
	CU_ASSERT_STRING_EQUAL(text, "shard.by, cases[].timings_s.trim, cases[].io.discards, "
				     "cases[].mounted.sb");
	free(text);
	pc_results_free(&r);
	/* every key this build writes there */
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"shard\":{\"k\":1,\"n\":1,"
				   "\"scenario_cases\":1},\"cases\":[{\"id\":\"a\",\"verdict\":\"pass\","
				   "\"lost\":0,\"committed\":true,\"timings_s\":{\"mkfs\":1,\"unpack\":1,"
				   "\"sync\":1,\"commit\":1,\"remount\":1,\"verify\":1,\"fsck\":1,"
				   "\"crash_points\":1,\"total\":8},\"io\":{\"wios\":1,\"wbytes\":1,"
				   "\"rios\":1,\"rbytes\":1,\"flushes\":1},"
				   "\"mounted\":{\"vfs\":\"rw\",\"fs\":\"\"}}]}", &r), 0);
	CU_ASSERT_EQUAL(r.nignored, 0);
	pc_results_free(&r);
	/* crash_points and its points: every key some powercut wrote, and one
	 * a newer one adds at each level */
	const char *cp = "{\"kernel\":\"6.1\",\"cases\":[{\"id\":\"a\",\"verdict\":\"pass\","
		"\"lost\":0,\"committed\":true,\"timings_s\":{\"total\":1},\"io\":{},"
		"\"crash_points\":{\"asked\":2,\"subsets_per_point\":1,\"flushes\":3,"
		"\"workload_from_flush\":1,\"mode_returned_after_flush\":2,"
		"\"commit_returned_after_flush\":3,\"log_bytes\":9,%s\"points\":[{\"flush\":1,"
		"\"mounted\":false,\"mount_error\":\"x\",\"after_mode\":true,"
		"\"mode_promised\":true,\"after_commit\":true,\"committed\":true,\"checked\":1,"
		"\"lost\":0,\"sync_promised\":1,\"sync_lost\":0,\"fsck\":\"clean\","
		"\"fsck_log\":\"crash-point-1-fsck.log\",\"problem\":\"p\","
		"\"findings\":\"crash-point-1-findings.txt\",\"subsets\":1,"
		"\"subsets_bad\":0,\"next_epoch_writes\":1,\"subset_problem\":\"q\","
		"\"subset_fsck_log\":\"crash-point-1-subset-1-fsck.log\"%s}]}}]}";
	text = xasprintf(cp, "", "");
	check_ignored(text, NULL, 0);
	free(text);
	text = xasprintf(cp, "\"replayed\":1,", ",\"torn\":2");
	static const char *const want[] = {
		"cases[].crash_points.replayed", "cases[].crash_points.points[].torn",
	};
	check_ignored(text, want, sizeof(want) / sizeof(*want));
	free(text);
}

/* The same inside a case's findings, each of its first_findings, its
 * kernel_log, known, fio (and each of its jobs) and each of its attempts: a key a
 * newer powercut adds there was dropped unsaid, as in timings_s before.
 * Every key some powercut wrote there is known. */
static void test_ignored_nested(void)
{
	const char *fmt = "{\"kernel\":\"6.1\",\"cases\":[{" GOOD ","
		"\"findings\":{\"missing\":0,\"size\":1,\"content\":0,\"type\":0,\"mode\":0,"
		"\"owner\":0,\"xattr\":0,\"link\":0,\"rdev\":0,\"hardlink\":0,\"extra\":0,"
		"\"fio-verify\":0%s},"
		"\"first_findings\":[{\"kind\":\"size\",\"path\":\"/f\",\"detail\":\"d\"%s}],"
		"\"kernel_log\":{\"checked\":false,\"why_not\":\"w\",\"devices\":[\"loop1\"],"
		"\"device_window\":\"between markers\",\"lines\":1,\"other_devices\":0,"
		"\"allowed\":0,\"lost_records\":0,\"error\":\"e\"%s},"
		"\"known\":{\"pattern\":\"a\",\"fails\":\"any\",\"covered\":false,"
		"\"reason\":\"r\",\"where\":\"k.txt:1\"%s},"
		"\"fio\":{\"job\":\"j.fio\",\"cut_at\":\"50%%\",\"mid_run\":true,"
		"\"cut_after_s\":1,\"cut_after_bytes\":2,\"job_bytes\":3,\"write_ios\":4,"
		"\"write_bytes\":5,\"verify_ios\":6,\"verify_errors\":0,\"jobs_verified\":1,"
		"\"jobs_unchecked\":0,\"unchecked_tail\":0%s,\"jobs\":[{\"name\":\"w\","
		"\"syncs\":\"none\",\"size\":null,\"least_bytes\":null,\"write_ios\":1,"
		"\"write_bytes\":2,\"promised\":0,\"unchecked_tail\":0,\"read_back\":2,"
		"\"lost\":0,\"misplaced\":null%s}]},"
		"\"attempts\":[{\"try\":1,\"verdict\":\"pass\",\"reason\":\"\",\"time_s\":1,"
		"\"dir\":\"d\"%s}]}]}";
	char *text = xasprintf(fmt, "", "", "", "", "", "", "");
	check_ignored(text, NULL, 0);
	free(text);
	text = xasprintf(fmt, ",\"torn\":1", ",\"torn\":2", ",\"ring\":3", ",\"until\":\"x\"",
			 ",\"rate\":4", ",\"trimmed\":5", ",\"host\":\"h\"");
	static const char *const want[] = {
		"cases[].findings.torn", "cases[].first_findings[].torn", "cases[].kernel_log.ring",
		"cases[].known.until", "cases[].fio.rate", "cases[].fio.jobs[].trimmed",
		"cases[].attempts[].host",
	};
	check_ignored(text, want, sizeof(want) / sizeof(*want));
	free(text);
}

/* The same in layout = snapshots' layers[] (and their finding counts),
 * overlay (and its counts), and probe = yes's device with its flakey and
 * backing figures: a newer key there was dropped unsaid. */
static void test_ignored_layout_device(void)
{
	const char *fmt = "{\"kernel\":\"6.1\",\"cases\":[{" GOOD ","
		"\"layers_committed\":1,\"layers\":[{\"layer\":1,\"dir\":\"snapshots/1/fs\","
		"\"committed\":true,\"entries\":3,\"checked\":3,\"lost\":0,"
		"\"findings\":{\"missing\":0,\"content\":0%s}%s}],"
		"\"overlay\":{\"verified\":false,\"why_not\":\"w\",\"checked\":null,"
		"\"lost\":null,\"findings\":{\"missing\":0%s}%s},"
		"\"device\":{\"measured\":true,\"flakey\":{\"seq_write_mbs\":1.5,"
		"\"randwrite_4k_iops\":2,\"fsyncs_per_s\":3%s},\"backing\":{\"seq_write_mbs\":4,"
		"\"randwrite_4k_iops\":5,\"fsyncs_per_s\":6%s}%s}}]}";
	char *text = xasprintf(fmt, "", "", "", "", "", "", "");
	check_ignored(text, NULL, 0);
	free(text);
	text = xasprintf(fmt, ",\"torn\":1", ",\"upper\":2", ",\"torn\":3", ",\"lower\":4",
			 ",\"p99\":5", ",\"p99\":6", ",\"model\":\"m\"");
	static const char *const want[] = {
		"cases[].layers[].upper", "cases[].layers[].findings.torn", "cases[].overlay.lower",
		"cases[].overlay.findings.torn", "cases[].device.model",
		"cases[].device.flakey.p99", "cases[].device.backing.p99",
	};
	check_ignored(text, want, sizeof(want) / sizeof(*want));
	free(text);
}

/* The ignored are listed object by object in the reader's order (the
 * top, shard, a case, its timings_s, io, ..., layers[], layers[].findings,
 * ...), over every case and every element of an array, each object's keys
 * in the file's order and each name once. */
static void test_ignored_order(void)
{
	const char *text = "{\"kernel\":\"6.1\",\"cases\":["
		"{\"id\":\"a\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		"\"timings_s\":{\"total\":1},\"io\":{\"discards\":1},"
		"\"layers\":[{\"layer\":1,\"findings\":{\"torn\":1}},"
		"{\"layer\":2,\"upper\":1,\"findings\":{\"torn\":2,\"bent\":1}}]},"
		"{\"id\":\"b\",\"verdict\":\"pass\",\"lost\":0,\"committed\":true,"
		"\"timings_s\":{\"trim\":2,\"total\":1},\"io\":{\"discards\":4},"
		"\"layers\":[{\"layer\":1,\"lower\":1}],\"zz\":1}],\"yy\":1}";
	static const char *const want[] = {
		"yy", "cases[].zz", "cases[].timings_s.trim", "cases[].io.discards",
		"cases[].layers[].upper", "cases[].layers[].lower",
		"cases[].layers[].findings.torn", "cases[].layers[].findings.bent",
	};
	check_ignored(text, want, sizeof(want) / sizeof(*want));
}

/* "started", "finished": when the run started and ended, ISO 8601 UTC as
 * report.c writes them (strcmp orders them), or absent (an older
 * powercut's; finished of a killed run); anything else is an error. */
static void test_times(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"started\":\"2026-12-03T02:00:00Z\","
				   "\"finished\":\"2026-12-03T02:31:07Z\",\"cases\":[{" GOOD "}]}", &r), 0);
	CU_ASSERT_STRING_EQUAL(r.started, "2026-12-03T02:00:00Z");
	CU_ASSERT_STRING_EQUAL(r.finished, "2026-12-03T02:31:07Z");
	CU_ASSERT_EQUAL(r.nignored, 0);
	pc_results_free(&r);
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"started\":\"2026-12-03T02:00:00Z\","
				   "\"cases\":[{" GOOD "}]}", &r), 0);
	CU_ASSERT_PTR_NULL(r.finished);
	pc_results_free(&r);
	CU_ASSERT_EQUAL_FATAL(load(ONE(GOOD), &r), 0);
	CU_ASSERT_PTR_NULL(r.started);
	CU_ASSERT_PTR_NULL(r.finished);
	pc_results_free(&r);
	const char *bad[] = {
		"{\"kernel\":\"6.1\",\"started\":5,\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"started\":\"2026-12-03\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"started\":\"2026-13-03T02:00:00Z\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"started\":\"2026-12-03T02:00:00+01:00\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"started\":\"2026-12-03T02:00:00Zx\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"finished\":\"yesterday\",\"cases\":[]}",
		"{\"kernel\":\"6.1\",\"finished\":null,\"cases\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CU_ASSERT_EQUAL(load(bad[i], &r), -1);
		pc_results_free(&r);
	}
}

/* "error_class" and "error_exit" of a case that erred: its kind, by name
 * or (a name a newer powercut added) by the exit status it maps to; an
 * older powercut's error records none: unknown, read all the same.
 * Either on a case that did not err, a name whose exit is not its own,
 * or an exit that maps to no kind is a file edited by hand. */
#define ERR "\"verdict\":\"error\",\"lost\":null,\"committed\":false," \
	    "\"timings_s\":{\"total\":1},\"io\":{}"
static void test_error_kind(void)
{
	struct pc_results r;
	CU_ASSERT_EQUAL_FATAL(load("{\"kernel\":\"6.1\",\"cases\":["
				   "{\"id\":\"e\"," ERR ",\"error_class\":\"environment\",\"error_exit\":3},"
				   "{\"id\":\"c\"," ERR ",\"error_class\":\"case\",\"error_exit\":1},"
				   "{\"id\":\"i\"," ERR ",\"error_class\":\"input\",\"error_exit\":2},"
				   "{\"id\":\"s\"," ERR ",\"error_class\":\"interrupted\",\"error_exit\":143},"
				   "{\"id\":\"n\"," ERR ",\"error_class\":\"timeout\",\"error_exit\":3},"
				   "{\"id\":\"o\"," ERR "}," "{" GOOD "}]}", &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.n, 7);
	CU_ASSERT_EQUAL(r.v[0].error_kind, PC_EK_ENV);
	CU_ASSERT_EQUAL(r.v[0].error_exit, 3);
	CU_ASSERT_EQUAL(r.v[1].error_kind, PC_EK_CASE);
	CU_ASSERT_EQUAL(r.v[2].error_kind, PC_EK_INPUT);
	CU_ASSERT_EQUAL(r.v[3].error_kind, PC_EK_INTERRUPTED);
	CU_ASSERT_EQUAL(r.v[3].error_exit, 143);
	CU_ASSERT_EQUAL(r.v[4].error_kind, PC_EK_ENV);     /* by its exit */
	CU_ASSERT_EQUAL(r.v[5].error_kind, PC_EK_UNKNOWN); /* older: not recorded */
	CU_ASSERT_EQUAL(r.v[5].error_exit, 0);
	CU_ASSERT_EQUAL(r.v[6].error_kind, PC_EK_UNKNOWN); /* a pass has none */
	CU_ASSERT_EQUAL(r.nignored, 0);                     /* known fields */
	pc_results_free(&r);
	const char *bad[] = {
		ONE(GOOD ",\"error_class\":\"environment\",\"error_exit\":3"), /* not an error */
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"environment\",\"error_exit\":1"),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"case\""),
		ONE("\"id\":\"a\"," ERR ",\"error_exit\":3"),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":3,\"error_exit\":3"),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"case\",\"error_exit\":\"1\""),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"x\",\"error_exit\":0"),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"x\",\"error_exit\":128"),
		ONE("\"id\":\"a\"," ERR ",\"error_class\":\"x\",\"error_exit\":256"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = load(bad[i], &r);
		CU_ASSERT_EQUAL(rc, -1);
		if (rc != -1)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		pc_results_free(&r);
	}
	CU_ASSERT_EQUAL(pc_error_kind_of_exit(0), -1);
	CU_ASSERT_EQUAL(pc_error_kind_of_exit(130), PC_EK_INTERRUPTED);
	CU_ASSERT_EQUAL(pc_error_kind_lookup("unknown"), -1);
	CU_ASSERT_STRING_EQUAL(pc_error_kind_name(PC_EK_ENV), "environment");
}

void register_results_reader_tests(void)
{
	CU_pSuite s = CU_add_suite("results_reader", NULL, NULL);
	CU_add_test(s, "every field read", test_fields);
	CU_add_test(s, "strict: anything not understood is an error", test_strict);
	CU_add_test(s, "a case's setup", test_setup);
	CU_add_test(s, "the run's options", test_options);
	CU_add_test(s, "one run's content, however re-written", test_content_digest);
	CU_add_test(s, "fields a newer powercut wrote: listed, ignored", test_ignored);
	CU_add_test(s, "keys a newer powercut wrote in timings_s, io, mounted, shard", test_ignored_inner);
	CU_add_test(s, "keys a newer powercut wrote in findings, kernel_log, known, fio, attempts",
		    test_ignored_nested);
	CU_add_test(s, "keys a newer powercut wrote in layers, overlay, device",
		    test_ignored_layout_device);
	CU_add_test(s, "ignored fields: the reader's order, over every case and element",
		    test_ignored_order);
	CU_add_test(s, "an error's kind, and results without it", test_error_kind);
	CU_add_test(s, "when the run started and finished", test_times);
}
