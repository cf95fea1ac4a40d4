/* test_nightly.c - kernel release order, known-failures files, the
 * kernel-log rule and the outcome of attempts. */
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/failure.h"
#include "check/known.h"
#include "check/verdict.h"
#include "run/attempts.h"
#include "check/kmsg.h"
#include "check/kver.h"
#include "run/outcome.h"
#include "unit.h"
#include "util/util.h"

static int cmp(const char *a, const char *b)
{
	struct pc_kver x, y;
	CU_ASSERT_EQUAL_FATAL(pc_kver_parse(a, &x), 0);
	CU_ASSERT_EQUAL_FATAL(pc_kver_parse(b, &y), 0);
	int d = pc_kver_cmp(&x, &y);
	return d < 0 ? -1 : d > 0;
}

static void test_kver_order(void)
{
	CU_ASSERT_EQUAL(cmp("6.1.0-56-amd64", "6.18.0"), -1);
	CU_ASSERT_EQUAL(cmp("6.18.0", "6.2"), 1);     /* numbers, not strings */
	CU_ASSERT_EQUAL(cmp("6.1", "6.1.0"), 0);      /* a missing field is 0 */
	CU_ASSERT_EQUAL(cmp("6.1.0-56-amd64", "6.1.0-50"), 1);
	CU_ASSERT_EQUAL(cmp("6.1.0-9-amd64", "6.1.0-10-amd64"), -1);
	CU_ASSERT_EQUAL(cmp("6.2.0-rc3", "6.2"), -1); /* pre-release first */
	CU_ASSERT_EQUAL(cmp("6.2.0-rc3", "6.1.99"), 1);
	CU_ASSERT_EQUAL(cmp("6.1.0-rc3", "6.1.0-rc10"), -1); /* by the rc number */
	CU_ASSERT_EQUAL(cmp("6.1-rc7", "6.1.0-rc5"), 1);
	CU_ASSERT_EQUAL(cmp("6.1-rc3", "6.1.0-rc3"), 0);
	CU_ASSERT_EQUAL(cmp("6.12.0-rc1+", "6.12-rc1"), 0);
	CU_ASSERT_EQUAL(cmp("6.18.44-fc-v669", "6.18.44"), 0); /* flavour ignored */
	CU_ASSERT_EQUAL(cmp("5.10.0-28-cloud-amd64", "5.10.0-28-amd64"), 0);
	struct pc_kver v;
	CU_ASSERT_EQUAL(pc_kver_parse("amd64", &v), -1);
	CU_ASSERT_EQUAL(pc_kver_parse("", &v), -1);
	CU_ASSERT_EQUAL(pc_kver_parse("99999999999999999999999.1", &v), -1);
}

static void test_kcond(void)
{
	struct pc_kcond c;
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel<6.2", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.1.0-56-amd64"));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.18.0"));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.2"));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "garbage"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel>=6.1.0-50", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.1.0-56-amd64"));
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.1.0-50"));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.1.0-49-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel!=6.18.0", &c), 0);
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.18"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel==6.18.0-1", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.18.0-1-amd64"));
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel~6.2", &c), -1);
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel<", &c), -1);
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel<6.2;rm", &c), -1);
	CU_ASSERT_EQUAL(pc_kcond_parse("uname<6.2", &c), -1);
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel<x6", &c), -1);
}

/* PREEMPT_RT (Debian's -rt-amd64) is a different kernel of the same
 * release: a condition naming a flavour holds for that flavour only, one
 * naming none for every flavour. */
static void test_kcond_flavour(void)
{
	const char *rt = "6.1.0-57-rt-amd64", *plain = "6.1.0-57-amd64";
	struct pc_kcond c;
	struct pc_kver v;
	CU_ASSERT_EQUAL_FATAL(pc_kver_parse(rt, &v), 0);
	CU_ASSERT_FALSE(v.prerelease); /* -rt is not -rc */
	CU_ASSERT_STRING_EQUAL(rt + v.flavour, "-rt-amd64");
	CU_ASSERT_EQUAL_FATAL(pc_kver_parse("6.12.0-rc1+", &v), 0);
	CU_ASSERT_STRING_EQUAL("6.12.0-rc1+" + v.flavour, "+");

	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel==6.1.0-57", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, rt));
	CU_ASSERT_TRUE(pc_kcond_holds(&c, plain));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel==6.1.0-57-rt-amd64", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, rt));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, plain));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel==6.1.0-57-rt", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, rt));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, plain));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.1.0-57-rtx-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel==6.1.0-57-amd64", &c), 0);
	CU_ASSERT_FALSE(pc_kcond_holds(&c, rt));
	CU_ASSERT_TRUE(pc_kcond_holds(&c, plain));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.1.0-57-cloud-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel!=6.1.0-57-rt", &c), 0);
	CU_ASSERT_FALSE(pc_kcond_holds(&c, rt));
	CU_ASSERT_TRUE(pc_kcond_holds(&c, plain));
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.1.0-50-rt-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel>=6.1.0-50-rt", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, rt));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, plain));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.1.0-47-rt-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel>=6.12.48+deb13", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.12.48+deb13-rt-amd64"));
	CU_ASSERT_FALSE(pc_kcond_holds(&c, "6.12.48-amd64"));
	CU_ASSERT_EQUAL_FATAL(pc_kcond_parse("kernel<6.2-rc3", &c), 0);
	CU_ASSERT_TRUE(pc_kcond_holds(&c, "6.2.0-rc2-00042-gabc"));
	/* A flavour that ends in a separator would match no release. */
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel==6.1.0-57-", &c), -1);
	CU_ASSERT_EQUAL(pc_kcond_parse("kernel==6.1.0-57-rt-", &c), -1);
	char longer[128] = "kernel==6.1";
	memset(longer + 11, 'x', PC_KVER_FLAVOUR); /* the flavour's longest */
	CU_ASSERT_EQUAL(pc_kcond_parse(longer, &c), 0);
	CU_ASSERT_EQUAL(strlen(c.flavour), PC_KVER_FLAVOUR);
	longer[11 + PC_KVER_FLAVOUR] = 'x';
	CU_ASSERT_EQUAL(pc_kcond_parse(longer, &c), -1);

	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_known_parse_line(&k, "k.txt", 1,
						  "*/xfs/* kernel==6.1.0-57-rt # rt only"), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "a/xfs/fsync", rt, 0));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "a/xfs/fsync", plain, 0));
	pc_known_free(&k);
}

static void test_known_parse(void)
{
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 1, ""), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 2, "   # a comment"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 3, "g/ext4/none  # loses, by design"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 4,
					    "*/xfs/* kernel>=6.1 kernel<6.2 # xfs bug 1234"), 0);
	CU_ASSERT_EQUAL_FATAL(k.n, 2);
	CU_ASSERT_STRING_EQUAL(k.v[0].reason, "loses, by design");
	CU_ASSERT_EQUAL(k.v[1].nconds, 2);
	CU_ASSERT_EQUAL(k.v[1].line, 4);
	/* Bad lines: no reason, empty reason, a word that is no condition. */
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 5, "g/ext4/none"), -1);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 6, "g/ext4/none #   "), -1);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 7, "g/ext4/none 6.2 # why"), -1);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 8, "g/ext4/none kernel<=six # why"), -1);
	/* A condition where the pattern goes: the entry would match nothing. */
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 9, "kernel<6.2 # why"), -1);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 10, "kernel>=6.1 */ext4/* # why"), -1);
	CU_ASSERT_EQUAL(k.n, 2);

	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "g/ext4/none", "6.18.0", 0));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none/r2", "6.18.0", 0));
	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "a/xfs/fsync", "6.1.0-56-amd64", 0));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "a/xfs/fsync", "6.18.0", 0));
	CU_ASSERT_PTR_NULL(pc_known_match(NULL, "a/xfs/fsync", "6.1.0", 0));
	pc_known_free(&k);
}

/* fails= names the kinds of failure an entry covers; an entry without it
 * (every file written before it) covers a loss only.  A case that fails
 * another way, or a loss with something else besides, is not covered. */
static void test_known_fails(void)
{
	const unsigned loss = PC_FAILURE_BIT(PC_FAILURE_LOSS), fsck = PC_FAILURE_BIT(PC_FAILURE_FSCK);
	const unsigned unmount = PC_FAILURE_BIT(PC_FAILURE_UNMOUNTABLE);
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 1, "g/ext4/none # loses, by design"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 2,
					    "g/xfs/* fails=fsck,loss kernel<6.2 # log recovery"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 3, "g/btrfs/* fails=any # anything"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 4,
					    "g/ext4/fsync kernel>=6.1 fails=no-loss # cut is void"), 0);
	CU_ASSERT_EQUAL_FATAL(k.n, 4);
	CU_ASSERT_EQUAL(k.v[0].fails, loss);
	CU_ASSERT_FALSE(k.v[0].fails_given);
	CU_ASSERT_EQUAL(k.v[1].fails, loss | fsck);
	CU_ASSERT_EQUAL(k.v[1].nconds, 1);
	CU_ASSERT_EQUAL(k.v[2].fails, PC_FAILURE_ANY);
	CU_ASSERT_EQUAL(k.v[3].fails, PC_FAILURE_BIT(PC_FAILURE_NO_LOSS));
	/* old form: a loss, nothing else */
	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "g/ext4/none", "6.1", loss));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none", "6.1", fsck));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none", "6.1", unmount));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none", "6.1", loss | fsck));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none", "6.1",
					  PC_FAILURE_BIT(PC_FAILURE_KERNEL) | loss));
	/* a pass, or an error: any entry of the id (unexpected pass; not
	 * covered) */
	CU_ASSERT_PTR_EQUAL(pc_known_match(&k, "g/ext4/none", "6.1", 0), &k.v[0]);
	/* both kinds named: each alone, or both */
	CU_ASSERT_PTR_EQUAL(pc_known_match(&k, "g/xfs/fsync", "6.1", fsck), &k.v[1]);
	CU_ASSERT_PTR_EQUAL(pc_known_match(&k, "g/xfs/fsync", "6.1", fsck | loss), &k.v[1]);
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/xfs/fsync", "6.1", fsck | unmount));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/xfs/fsync", "6.2", fsck));
	/* any covers every kind, and the unknown one of older results */
	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "g/btrfs/none", "6.1",
					      unmount | PC_FAILURE_BIT(PC_FAILURE_UNKNOWN)));
	CU_ASSERT_PTR_NULL(pc_known_match(&k, "g/ext4/none", "6.1",
					  PC_FAILURE_BIT(PC_FAILURE_UNKNOWN)));
	/* The first entry that covers wins, not the first of the id. */
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 5, "g/ext4/none fails=fsck # other"), 0);
	CU_ASSERT_PTR_EQUAL(pc_known_match(&k, "g/ext4/none", "6.1", fsck), &k.v[4]);
	/* A case id of an option matrix holds commas: the pattern is one word
	 * (it was split at the comma, and the rest refused as no condition). */
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 6,
					    "g/ext4/mount=data=ordered,commit=60/* # matrix"), 0);
	CU_ASSERT_STRING_EQUAL(k.v[5].pattern, "g/ext4/mount=data=ordered,commit=60/*");
	CU_ASSERT_PTR_EQUAL(pc_known_match(&k, "g/ext4/mount=data=ordered,commit=60/syncfs", "6.1",
					   loss), &k.v[5]);
	/* Bad: no such kind, an empty list or word, twice, in place of the
	 * pattern. */
	size_t before = k.n;
	const char *bad[] = {
		"g/a fails=corruption # why", "g/a fails= # why", "g/a fails=loss, # why",
		"g/a fails=loss,,fsck # why", "g/a fails=loss fails=fsck # why",
		"g/a fails=unknown # why", "fails=loss g/a # why", "fails=loss # why",
	};
	pc_messages_quiet = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 9, bad[i]), -1);
	pc_messages_quiet = 0;
	CU_ASSERT_EQUAL(k.n, before);
	pc_known_free(&k);
}

/* A fake crash cycle for pc_attempts_run: attempt K (1-based) fails with
 * fake_kinds[K-1] (0: passes), as verdict.c would judge what it found. */
static unsigned fake_kinds[4];
static unsigned fake_attempt;
static struct pc_known fake_known;

static enum pc_errclass fake_cycle(const struct pc_case *c, const struct pc_run_opts *o,
				   const char *runwork, unsigned index, struct pc_case_result *r)
{
	(void)o;
	(void)runwork;
	(void)index;
	unsigned kinds = fake_kinds[fake_attempt++];
	r->c = c;
	r->committed = 1;
	r->fsck = kinds & PC_FAILURE_BIT(PC_FAILURE_FSCK) ? PC_FSCK_ERRORS : PC_FSCK_CLEAN;
	r->vr.checked = 10;
	r->vr.lost = kinds & PC_FAILURE_BIT(PC_FAILURE_LOSS) ? 2 : 0;
	pc_verdict_judge(r);
	return PC_ERR_NONE;
}

/* The outcome with a known entry for a loss over retries.  A failure of
 * other kinds is retried, and a later failure of the entry's kind does not
 * make the case known: fsck errors then a loss was "known" (only the last
 * attempt's kinds were checked). */
static void attempts_with(const unsigned kinds[3], int retries, struct pc_case_result *r)
{
	static struct pc_case c;
	memset(&c, 0, sizeof(c));
	c.id = "g/ext4/fsync";
	c.fs = "ext4";
	c.mode = PC_MODE_FSYNC;
	c.expect = PC_EXPECT_INTACT;
	c.layout = PC_LAYOUT_FLAT;
	pc_known_free(&fake_known);
	CU_ASSERT_EQUAL_FATAL(pc_known_parse_line(&fake_known, "k.txt", 1, "g/ext4/fsync # loses"), 0);
	struct pc_run_opts o = { .known = &fake_known, .retries = retries };
	memcpy(fake_kinds, kinds, 3 * sizeof(*kinds));
	fake_attempt = 0;
	memset(r, 0, sizeof(*r));
	char *dir = unit_tmpdir();
	snprintf(r->case_dir, sizeof(r->case_dir), "%s/case", dir);
	pc_attempts_run(fake_cycle, &c, &o, dir, 0, r, "6.1");
	unit_rmtree(dir);
	free(dir);
}

/* What pc_run_report_free frees of one result. */
static void release(struct pc_case_result *r)
{
	pc_case_result_release(r);
	free(r->attempts);
}

static void test_attempts_known_kinds(void)
{
	if (access("/dev/kmsg", R_OK) != 0) { /* the attempts read the kernel log */
		CU_FAIL("cannot read /dev/kmsg (run the unit tests as root)");
		return;
	}
	const unsigned loss = PC_FAILURE_BIT(PC_FAILURE_LOSS), fsck = PC_FAILURE_BIT(PC_FAILURE_FSCK);
	struct pc_case_result r;
	/* a loss: known, not retried */
	attempts_with((const unsigned[3]){ loss, loss, loss }, 2, &r);
	CU_ASSERT_EQUAL(r.outcome, PC_OUT_KNOWN);
	CU_ASSERT_EQUAL(r.nattempts, 1);
	release(&r);
	/* fsck errors and a loss: not known, retried, every attempt's kinds */
	attempts_with((const unsigned[3]){ fsck | loss, fsck | loss, fsck | loss }, 1, &r);
	CU_ASSERT_EQUAL(r.outcome, PC_OUT_FAIL);
	CU_ASSERT_EQUAL(r.nattempts, 2);
	CU_ASSERT_EQUAL(r.failures, fsck | loss);
	CU_ASSERT_PTR_NOT_NULL(r.known); /* named in the summary as not covering */
	release(&r);
	/* fsck errors, then a loss on the retry: still not known */
	attempts_with((const unsigned[3]){ fsck, loss, loss }, 2, &r);
	CU_ASSERT_EQUAL(r.outcome, PC_OUT_FAIL);
	CU_ASSERT_EQUAL(r.failures, fsck | loss);
	release(&r);
	/* fsck errors, then a pass: flaky, not an unexpected pass */
	attempts_with((const unsigned[3]){ fsck, 0, 0 }, 2, &r);
	CU_ASSERT_EQUAL(r.outcome, PC_OUT_FLAKY);
	CU_ASSERT_EQUAL(r.failures, 0);
	release(&r);
	/* a pass at once: an unexpected pass */
	attempts_with((const unsigned[3]){ 0, 0, 0 }, 2, &r);
	CU_ASSERT_EQUAL(r.outcome, PC_OUT_XPASS);
	release(&r);
	pc_known_free(&fake_known);
}

/* An entry whose pattern matches no case id is warned about (FILE:LINE),
 * kernel conditions aside; entries that match a case are not. */
static void test_known_unmatched(void)
{
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 1, "g/ext4/none # loses"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 2, "g/xfs/* kernel<3.0 # old ones"), 0);
	CU_ASSERT_EQUAL(pc_known_parse_line(&k, "k.txt", 3, "g/ext4/nnoe # a typo"), 0);
	const char *ids[] = { "g/ext4/none", "g/xfs/syncfs" };
	char msg[512] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_known_warn_unmatched(&k, ids, 2, "scenario s.ini"), 1);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_STRING_EQUAL(msg, "warning: k.txt:3: known failure 'g/ext4/nnoe' matches no "
				    "case of scenario s.ini");
	/* no case at all: every entry */
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_known_warn_unmatched(&k, ids, 0, "NEW (x)"), 3);
	pc_messages_quiet = 0;
	pc_known_free(&k);
}

static void test_known_file(void)
{
	char *dir = unit_tmpdir();
	char *p = xasprintf("%s/known.txt", dir);
	const char *text = "# nightly\n\n*/btrfs/none # btrfs none loses\nbad line\n";
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, text, strlen(text), 0), 0);
	struct pc_known k = { 0 };
	char msg[512] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_known_load(p, &k), -1);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	char *where = xasprintf("%s:4:", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, where));
	CU_ASSERT_EQUAL(k.n, 1);
	pc_known_free(&k);
	/* Not a regular file; missing. */
	CU_ASSERT_EQUAL(pc_known_load(dir, &k), -1);
	free(where);
	where = xasprintf("%s/missing", dir);
	CU_ASSERT_EQUAL(pc_known_load(where, &k), -1);
	CU_ASSERT_EQUAL(k.n, 0);
	free(where);
	unit_rmtree(dir);
	free(p);
	free(dir);
}

/* A UTF-8 byte order mark before the first line is skipped: the first
 * pattern matches (it did not, silently). */
static void test_known_bom(void)
{
	char *dir = unit_tmpdir();
	char *p = xasprintf("%s/bom.txt", dir);
	const char *text = "\xEF\xBB\xBFg/ext4/syncfs # known bug\ng/xfs/* # later\n";
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, text, strlen(text), 0), 0);
	struct pc_known k = { 0 };
	CU_ASSERT_EQUAL(pc_known_load(p, &k), 0);
	CU_ASSERT_EQUAL_FATAL(k.n, 2);
	CU_ASSERT_STRING_EQUAL(k.v[0].pattern, "g/ext4/syncfs");
	CU_ASSERT_PTR_NOT_NULL(pc_known_match(&k, "g/ext4/syncfs", "6.1", 0));
	CU_ASSERT_STRING_EQUAL(k.v[1].pattern, "g/xfs/*");
	pc_known_free(&k);
	/* A file that is only a BOM holds nothing. */
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, "\xEF\xBB\xBF\n", 4, 0), 0);
	CU_ASSERT_EQUAL(pc_known_load(p, &k), 0);
	CU_ASSERT_EQUAL(k.n, 0);
	pc_known_free(&k);
	unit_rmtree(dir);
	free(p);
	free(dir);
}

/* A crash point's loop device is the case's between its markers: what the
 * kernel says while mounting a point counts (it was ignored as another
 * device's). */
static void test_kmsg_crash_point_device(void)
{
	struct pc_kmsg_result r = { .ndevs = 1, .in_window = { 1 } };
	snprintf(r.devs[0], sizeof(r.devs[0]), "loop3");
	const char *bad = "EXT4-fs error (device loop5): ext4_lookup:1855: inode #2: comm x: "
			  "deleted inode referenced: 12";
	enum pc_flakey_mode drop = PC_FLAKEY_DROP;
	CU_ASSERT_EQUAL(pc_kmsg_classify(bad, &r, drop), PC_KMSG_FOREIGN);
	char held[128], released[128], other[128];
	snprintf(held, sizeof(held), "powercut[%ld]: crash point device loop5 held #7", (long)getpid());
	snprintf(released, sizeof(released), "powercut[%ld]: crash point device loop5 released #8",
		 (long)getpid());
	snprintf(other, sizeof(other), "powercut[%ld]: crash point device loop5 held #7",
		 (long)getpid() + 1);
	pc_kmsg_window(&r, other); /* another process's marker */
	CU_ASSERT_EQUAL(pc_kmsg_classify(bad, &r, drop), PC_KMSG_FOREIGN);
	pc_kmsg_window(&r, held);
	CU_ASSERT_EQUAL(pc_kmsg_classify(bad, &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop51): x", &r, drop), PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop3): x", &r, drop), PC_KMSG_BAD);
	pc_kmsg_window(&r, released);
	CU_ASSERT_EQUAL(pc_kmsg_classify(bad, &r, drop), PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop3): x", &r, drop), PC_KMSG_BAD);
}

/* The first warning or error about the case's device that does not fail
 * it is kept (an error verdict quotes it); info lines, other devices' and
 * lines that fail the case are not. */
/* Another filesystem's own line that names no device (a rate limit's
 * summary) is not about the case's filesystem; its own filesystem's is. */
static void test_kmsg_other_fs(void)
{
	const char *line = "EXT4-fs error: 898 callbacks suppressed";
	struct pc_kmsg_result r = { .ndevs = 1, .in_window = { 1 } };
	memcpy(r.devs[0], "loop3", 6);
	CU_ASSERT_EQUAL(pc_kmsg_classify(line, &r, PC_FLAKEY_DROP), PC_KMSG_BAD);
	r.fs = "ext4";
	CU_ASSERT_EQUAL(pc_kmsg_classify(line, &r, PC_FLAKEY_DROP), PC_KMSG_BAD);
	r.fs = "xfs";
	CU_ASSERT_EQUAL(pc_kmsg_classify(line, &r, PC_FLAKEY_DROP), PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error: x", &r, PC_FLAKEY_DROP), PC_KMSG_FOREIGN);
	r.fs = "btrfs";
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error: x", &r, PC_FLAKEY_DROP), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify(line, &r, PC_FLAKEY_DROP), PC_KMSG_FOREIGN);
	/* a line naming the case's device still counts, whoever says it */
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop3): x", &r, PC_FLAKEY_DROP),
			PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("WARNING: CPU: 1 PID: 7 at fs/ext4/inode.c:12 f+0x1", &r,
					 PC_FLAKEY_DROP), PC_KMSG_BAD);
	/* the kernel's notice for the ignored mand option, as /dev/kmsg gives
	 * it (one record, its newlines escaped): not a fault, whoever mounted */
	const char *mand = "=======================================================\\x0aWARNING: "
			   "The mand mount option has been deprecated and\\x0a         and is "
			   "ignored by this kernel. Remove the mand\\x0a         option from the "
			   "mount to silence this warning.\\x0a==========";
	CU_ASSERT_EQUAL(pc_kmsg_classify(mand, &r, PC_FLAKEY_DROP), PC_KMSG_FINE);
}

static void test_kmsg_said(void)
{
	struct pc_kmsg_result r = { .ndevs = 1, .in_window = { 1 } };
	snprintf(r.devs[0], sizeof(r.devs[0]), "loop3");
	const char *info = "EXT4-fs (loop3): mounted filesystem x r/w";
	const char *other = "EXT4-fs (loop4): can't mount with journal_async_commit";
	const char *mine = "EXT4-fs (loop3): can't mount with journal_async_commit in data=ordered mode";
	pc_kmsg_note_said(&r, 6, info, pc_kmsg_classify(info, &r, PC_FLAKEY_DROP));
	pc_kmsg_note_said(&r, 3, other, pc_kmsg_classify(other, &r, PC_FLAKEY_DROP));
	pc_kmsg_note_said(&r, 3, "EXT4-fs error (device loop3): x", PC_KMSG_BAD);
	CU_ASSERT_STRING_EQUAL(r.said, "");
	pc_kmsg_note_said(&r, 3, mine, pc_kmsg_classify(mine, &r, PC_FLAKEY_DROP));
	pc_kmsg_note_said(&r, 4, "XFS (loop3): later", PC_KMSG_FINE);
	CU_ASSERT_STRING_EQUAL(r.said, mine);
}

static void test_kmsg_rule(void)
{
	struct pc_kmsg_result r = { .ndevs = 1, .in_window = { 1 } };
	snprintf(r.devs[0], sizeof(r.devs[0]), "loop3");
	enum pc_flakey_mode drop = PC_FLAKEY_DROP, err = PC_FLAKEY_ERROR;
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs (loop3): recovery complete", &r, drop), PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("WARNING: CPU: 1 PID: 7 at fs/ext4/inode.c:12 f+0x1", &r, drop),
			PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("Call Trace:", &r, err), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BUG: KASAN: use-after-free in x", &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("INFO: task kworker:1 blocked for more than 120 seconds.", &r, drop),
			PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("XFS (loop3): Corruption detected. Unmount and run xfs_repair",
					 &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS critical (device loop3): corrupt leaf", &r, err),
			PC_KMSG_BAD);
	/* Damage said below error level: btrfs repairing a metadata block
	 * from its other copy (seen after a cut: the verify and btrfs check
	 * found nothing, the case passed), XFS's verifiers. */
	static const char *const damage[] = {
		"BTRFS warning (device loop3): checksum verify failed on logical 36356096 mirror 1 "
		"wanted 0xdc74828a found 0x15d9396e level 0",
		"BTRFS info (device loop3): read error corrected: ino 0 off 36356096 (dev /dev/loop3 "
		"sector 87392)",
		"BTRFS warning (device loop3): parent transid verify failed on logical 30408704 "
		"mirror 1 wanted 9 found 7",
		"BTRFS warning (device loop3): csum failed root 5 ino 257 off 0 csum 0x8941f998 "
		"expected csum 0x1f0c4e4c mirror 1",
		"XFS (loop3): Metadata corruption detected at xfs_dir3_block_read_verify+0x9c/0x120, "
		"xfs_dir3_block block 0x2f0",
		"XFS (loop3): Metadata CRC error detected at xfs_inobt_read_verify+0x12/0x90, "
		"xfs_inobt block 0x18",
	};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		CU_ASSERT_EQUAL(pc_kmsg_classify(damage[i], &r, drop), PC_KMSG_BAD);
	}
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS info (device loop3): start tree-log replay", &r, drop),
			PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS info (device loop3): checking UUID tree", &r, drop),
			PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("XFS (loop3): Ending clean mount", &r, drop), PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS warning (device loop31): checksum verify failed on "
					 "logical 1 mirror 1", &r, drop), PC_KMSG_FOREIGN);
	/* Another run's device: not ours (loop31 is not loop3). */
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop31): bad block", &r, drop),
			PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("XFS (dm-2): Corruption detected.", &r, drop), PC_KMSG_FOREIGN);
	/* The cut's own write errors: allowed only under cut = error. */
	const char *abort_line = "EXT4-fs error (device loop3): ext4_journal_check_start:87: "
				 "comm x: Detected aborted journal";
	CU_ASSERT_EQUAL(pc_kmsg_classify(abort_line, &r, err), PC_KMSG_ALLOWED);
	CU_ASSERT_EQUAL(pc_kmsg_classify(abort_line, &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3 state A): Transaction aborted "
					 "(error -5)", &r, err), PC_KMSG_ALLOWED);
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop3): htree corrupt", &r, err),
			PC_KMSG_BAD);
	/* btrfs gives EIO as a bare number at the end (seen on 6.x under cut = error). */
	const char *delayed_ref = "BTRFS error (device loop3 state EA): failed to run delayed ref "
				  "for logical 30621696 num_bytes 16384 type 176 action 1 ref_mod 1: -5";
	CU_ASSERT_EQUAL(pc_kmsg_classify(delayed_ref, &r, err), PC_KMSG_ALLOWED);
	CU_ASSERT_EQUAL(pc_kmsg_classify(delayed_ref, &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3): x failed ret=-5", &r, err),
			PC_KMSG_ALLOWED);
	/* Writes a filesystem the cut forced read-only still had: EROFS. */
	const char *delalloc = "BTRFS error (device loop3 state EA): failed to run delalloc range, "
			       "root=5 ino=5084 folio=0 submit_bitmap=0 start=0 len=4096: -30";
	CU_ASSERT_EQUAL(pc_kmsg_classify(delalloc, &r, err), PC_KMSG_ALLOWED);
	CU_ASSERT_EQUAL(pc_kmsg_classify(delalloc, &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3): bad tree -300", &r, err),
			PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3): bad tree -3", &r, err),
			PC_KMSG_BAD);
	/* Another errno is not the cut's. */
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3): failed to run delayed ref: -117",
					 &r, err), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("BTRFS error (device loop3): bad tree -50", &r, err),
			PC_KMSG_BAD);
	/* The case's device answered ENOSPC (its backing store is full): not
	 * a filesystem failure but no verdict either; another's is ignored. */
	const char *nospc = "critical space allocation error, dev loop3, sector 270336 op "
			    "0x1:(WRITE) flags 0x0 phys_seg 1 prio class 2";
	CU_ASSERT_EQUAL(pc_kmsg_classify(nospc, &r, drop), PC_KMSG_NOSPACE);
	CU_ASSERT_EQUAL(pc_kmsg_classify(nospc, &r, err), PC_KMSG_NOSPACE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("critical space allocation error, dev loop31, sector 8",
					 &r, drop), PC_KMSG_FOREIGN);
	/* The case's device failed a request, not under cut = error: its
	 * backing file did (the work folder's disk); under cut = error it is
	 * the cut's, no news; another device's is not the case's. */
	const char *eio = "I/O error, dev loop3, sector 2 op 0x0:(READ) flags 0x1000 phys_seg 1 "
			  "prio class 2";
	CU_ASSERT_EQUAL(pc_kmsg_classify(eio, &r, drop), PC_KMSG_HOSTIO);
	CU_ASSERT_EQUAL(pc_kmsg_classify("Buffer I/O error on dev loop3, logical block 0, async "
					 "page read", &r, drop), PC_KMSG_HOSTIO);
	CU_ASSERT_EQUAL(pc_kmsg_classify("critical medium error, dev loop3, sector 8", &r, drop),
			PC_KMSG_HOSTIO);
	CU_ASSERT_EQUAL(pc_kmsg_classify(eio, &r, err), PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("I/O error, dev loop31, sector 8 op 0x0:(READ)", &r, drop),
			PC_KMSG_FOREIGN);
	/* Before the case held loop3 (or after it let go), loop3 was another's. */
	r.in_window[0] = 0;
	CU_ASSERT_EQUAL(pc_kmsg_classify(nospc, &r, drop), PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("EXT4-fs error (device loop3): htree corrupt", &r, drop),
			PC_KMSG_FOREIGN);
	CU_ASSERT_EQUAL(pc_kmsg_classify("WARNING: CPU: 1 PID: 7 at x", &r, drop), PC_KMSG_BAD);
}

/* One record through the scan, as /dev/kmsg gives it. */
static void take(struct pc_kmsg_result *r, const char *msg)
{
	static unsigned seq;
	seq++;
	char *rec = xasprintf("3,%u,%u,-;%s\n", seq, seq * 1000, msg);
	pc_kmsg_take_record(rec, NULL, PC_FLAKEY_DROP, r);
	free(rec);
}

/* Each device counts from its own "held" marker to its own "released"
 * one: the fuse backend lets its first loop device go at the cut's end
 * and takes another, which another run may have used a moment before. */
static void test_kmsg_device_windows(void)
{
	struct pc_kmsg_result r = { .ndevs = 2 };
	snprintf(r.devs[0], sizeof(r.devs[0]), "loop3");
	snprintf(r.devs[1], sizeof(r.devs[1]), "loop2");
	snprintf(r.held[0], sizeof(r.held[0]), "powercut[1]: case devices loop3 held #1");
	snprintf(r.released[0], sizeof(r.released[0]), "powercut[1]: case devices loop3 released #2");
	snprintf(r.held[1], sizeof(r.held[1]), "powercut[1]: case devices loop2 held #3");
	snprintf(r.released[1], sizeof(r.released[1]), "powercut[1]: case devices loop2 released #4");
	take(&r, "powercut[1]: case devices loop3 held #1");
	take(&r, "EXT4-fs error (device loop2): another run's, before the case took loop2");
	take(&r, "powercut[1]: case devices loop3 released #2");
	take(&r, "powercut[1]: case devices loop2 held #3");
	take(&r, "EXT4-fs error (device loop3): another run's, after the case let loop3 go");
	CU_ASSERT_EQUAL(r.foreign, 2);
	CU_ASSERT_STRING_EQUAL(r.error, "");
	take(&r, "EXT4-fs error (device loop2): the case's own");
	CU_ASSERT_STRING_EQUAL(r.error, "EXT4-fs error (device loop2): the case's own");
	take(&r, "powercut[1]: case devices loop2 released #4");
	CU_ASSERT_FALSE(r.in_window[0] || r.in_window[1]);
}

/* JBD2's lines of a damaged journal name no device (fs/jbd2/recovery.c);
 * ext4's next journal load failure does, and tells whose journal it was.  Seen
 * on Linux 6.18 (a journal data block changed by hand, then mounted): "JBD2:
 * Invalid checksum recovering data block 300 in journal block 2", "JBD2:
 * journal recovery failed", "EXT4-fs (loop0): error loading journal". */
static void test_kmsg_journal_damage(void)
{
	struct pc_kmsg_result r = { .ndevs = 1, .in_window = { 1 }, .fs = "ext4" };
	snprintf(r.devs[0], sizeof(r.devs[0]), "loop3");
	const enum pc_flakey_mode drop = PC_FLAKEY_DROP;
	static const char *const damage[] = {
		"JBD2: Invalid checksum recovering data block 8706 in journal block 131",
		"JBD2: Invalid checksum recovering data block 517634 in log",
		"JBD2: Invalid checksum recovering block 1090 in log",
		"JBD2: Invalid checksum found in transaction 41",
		"JBD2: corrupted journal superblock",
		"JBD2: journal checksum error",
		"JBD2: bad block at offset 5",
		"JBD2: recovery pass 2 ended at transaction 40, expected 42",
	};
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++)
		CU_ASSERT_EQUAL(pc_kmsg_classify(damage[i], &r, drop), PC_KMSG_UNTIED);
	/* the device's errors, memory, and the outcome: not damage */
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: IO error -5 recovering block 12 in log", &r, drop),
			PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: Failed to read block at offset 12", &r, drop),
			PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: recovery failed", &r, drop), PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: journal recovery failed", &r, drop), PC_KMSG_FINE);
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: Out of memory during recovery.", &r, drop),
			PC_KMSG_FINE);
	/* a JBD2 line naming a device: the case's own ("loop3-8"), another's */
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: Invalid checksum recovering block 9 in log on "
					 "loop3-8", &r, drop), PC_KMSG_BAD);
	CU_ASSERT_EQUAL(pc_kmsg_classify("JBD2: Invalid checksum recovering block 9 in log on "
					 "loop31-8", &r, drop), PC_KMSG_FOREIGN);
	/* in an xfs or btrfs case, a JBD2 line is another filesystem's */
	r.fs = "xfs";
	CU_ASSERT_EQUAL(pc_kmsg_classify(damage[0], &r, drop), PC_KMSG_FOREIGN);
	r.fs = "btrfs";
	CU_ASSERT_EQUAL(pc_kmsg_classify(damage[2], &r, drop), PC_KMSG_FOREIGN);
	r.fs = "ext4";

	/* The case's own journal: the case fails on the JBD2 line. */
	take(&r, "JBD2: Invalid checksum recovering data block 300 in journal block 2");
	take(&r, "JBD2: Invalid checksum recovering data block 301 in journal block 3");
	take(&r, "JBD2: journal recovery failed");
	/* another run's mount in between says nothing of whose journal it was */
	take(&r, "EXT4-fs (loop31): mounted filesystem 8c07d08e r/w with ordered data mode.");
	CU_ASSERT_STRING_EQUAL(r.error, "");
	take(&r, "EXT4-fs (loop3): error loading journal");
	CU_ASSERT_STRING_EQUAL(r.error, "JBD2: Invalid checksum recovering data block 300 in journal "
			       "block 2 (then EXT4-fs (loop3): error loading journal)");
	CU_ASSERT_EQUAL(r.foreign, 0);
	CU_ASSERT_STRING_EQUAL(r.journal_damage, "");

	/* Another run's journal (loop31): foreign, the case passes. */
	struct pc_kmsg_result o = { .ndevs = 1, .in_window = { 1 }, .fs = "ext4" };
	snprintf(o.devs[0], sizeof(o.devs[0]), "loop3");
	take(&o, "JBD2: Invalid checksum found in transaction 41");
	take(&o, "EXT4-fs (loop31): Could not load journal inode");
	take(&o, "EXT4-fs (loop3): recovery complete");
	CU_ASSERT_STRING_EQUAL(o.error, "");
	CU_ASSERT_EQUAL(o.foreign, 1);
	/* the case's device outside its window (before it held it): foreign */
	o.in_window[0] = 0;
	take(&o, "JBD2: corrupted journal superblock");
	take(&o, "EXT4-fs (loop3): error loading journal");
	CU_ASSERT_STRING_EQUAL(o.error, "");
	CU_ASSERT_EQUAL(o.foreign, 2);
}

static void test_outcome(void)
{
	int pass[] = { 0 }, fail[] = { 1 }, err[] = { 2 }, flaky[] = { 1, 1, 0 }, allfail[] = { 1, 1, 2 };
	CU_ASSERT_EQUAL(pc_outcome_of(pass, 1, 0), PC_OUT_PASS);
	CU_ASSERT_EQUAL(pc_outcome_of(fail, 1, 0), PC_OUT_FAIL);
	CU_ASSERT_EQUAL(pc_outcome_of(err, 1, 0), PC_OUT_ERROR);
	CU_ASSERT_EQUAL(pc_outcome_of(flaky, 3, 0), PC_OUT_FLAKY);
	CU_ASSERT_EQUAL(pc_outcome_of(allfail, 3, 0), PC_OUT_ERROR);
	CU_ASSERT_EQUAL(pc_outcome_of(fail, 1, 1), PC_OUT_KNOWN);
	CU_ASSERT_EQUAL(pc_outcome_of(pass, 1, 1), PC_OUT_XPASS);
	/* A known entry never covers a case that could not run. */
	CU_ASSERT_EQUAL(pc_outcome_of(err, 1, 1), PC_OUT_ERROR);
	CU_ASSERT_EQUAL(pc_outcome_of(pass, 0, 0), PC_OUT_ERROR); /* nothing ran */
	CU_ASSERT_TRUE(pc_outcome_fails(PC_OUT_FLAKY, 0));
	CU_ASSERT_FALSE(pc_outcome_fails(PC_OUT_FLAKY, 1));
	CU_ASSERT_FALSE(pc_outcome_fails(PC_OUT_KNOWN, 0));
	CU_ASSERT_FALSE(pc_outcome_fails(PC_OUT_XPASS, 0));
	CU_ASSERT_TRUE(pc_outcome_fails(PC_OUT_ERROR, 1));
	CU_ASSERT_EQUAL(pc_outcome_lookup("unexpected pass"), PC_OUT_XPASS);
	CU_ASSERT_EQUAL(pc_outcome_lookup("maybe"), -1);
}

void register_nightly_tests(void)
{
	CU_pSuite s = CU_add_suite("nightly", NULL, NULL);
	CU_add_test(s, "kernel release order (Debian and upstream)", test_kver_order);
	CU_add_test(s, "kernel log: each device counts between its own markers",
		    test_kmsg_device_windows);
	CU_add_test(s, "kernel conditions", test_kcond);
	CU_add_test(s, "kernel conditions and flavours", test_kcond_flavour);
	CU_add_test(s, "known-failures lines and matching", test_known_parse);
	CU_add_test(s, "known-failures entries name the failures they cover", test_known_fails);
	CU_add_test(s, "known failures over retries: every attempt's kinds", test_attempts_known_kinds);
	CU_add_test(s, "known-failures file: FILE:LINE, not a file", test_known_file);
	CU_add_test(s, "known-failures entries that match no case", test_known_unmatched);
	CU_add_test(s, "known-failures file: a leading BOM is skipped", test_known_bom);
	CU_add_test(s, "kernel-log rule: bad, foreign, allowed", test_kmsg_rule);
	CU_add_test(s, "kernel log: what it said of the device is kept", test_kmsg_said);
	CU_add_test(s, "kernel log: JBD2's damaged journal, tied to its device by ext4's next line",
		    test_kmsg_journal_damage);
	CU_add_test(s, "kernel log: another filesystem's line naming no device", test_kmsg_other_fs);
	CU_add_test(s, "kernel-log rule: a crash point's device is the case's", test_kmsg_crash_point_device);
	CU_add_test(s, "outcome of attempts", test_outcome);
}
