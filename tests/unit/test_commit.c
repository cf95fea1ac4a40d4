/* test_commit.c - the commit record: round trip, absent, torn, malformed. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/commit.h"
#include "unit.h"
#include "util/util.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void fill(struct pc_commit *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->case_id, sizeof(c->case_id), "ext4-fsync-golang");
	snprintf(c->mode, sizeof(c->mode), "fsync");
	snprintf(c->manifest_sha256, sizeof(c->manifest_sha256), SHA);
	c->entries = 32590;
}

static void put_record(const char *dir, const char *text)
{
	char *p = xasprintf("%s/%s", dir, PC_COMMIT_NAME);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, text, strlen(text), 0), 0);
	free(p);
}

static void test_round_trip(void)
{
	char *dir = unit_tmpdir();
	struct pc_commit in, out;
	fill(&in);
	CU_ASSERT_EQUAL(pc_commit_write(dir, &in), 0);
	memset(&out, 0x55, sizeof(out));
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 1);
	CU_ASSERT_STRING_EQUAL(out.case_id, in.case_id);
	CU_ASSERT_STRING_EQUAL(out.mode, in.mode);
	CU_ASSERT_STRING_EQUAL(out.manifest_sha256, SHA);
	CU_ASSERT_EQUAL(out.entries, 32590);
	/* the text is what the format says, and no temporary is left */
	char *p = xasprintf("%s/%s", dir, PC_COMMIT_NAME);
	char *text = pc_read_file(p, NULL);
	CU_ASSERT_STRING_EQUAL(text, "case=ext4-fsync-golang\nmode=fsync\nmanifest_sha256=" SHA
			       "\nentries=32590\nend=1\n");
	free(text);
	free(p);
	p = xasprintf("%s/.%s.tmp", dir, PC_COMMIT_NAME);
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
	free(p);
	/* a second commit replaces the first */
	in.entries = 7;
	CU_ASSERT_EQUAL(pc_commit_write(dir, &in), 0);
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 1);
	CU_ASSERT_EQUAL(out.entries, 7);
	unit_rmtree(dir);
	free(dir);
}

static void test_layer(void)
{
	char *dir = unit_tmpdir();
	struct pc_commit in, out;
	fill(&in);
	in.layer = 3;
	CU_ASSERT_EQUAL(pc_commit_write(dir, &in), 0);
	memset(&out, 0, sizeof(out));
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 1);
	CU_ASSERT_EQUAL(out.layer, 3);
	CU_ASSERT_EQUAL(out.entries, 32590);
	char *p = xasprintf("%s/%s", dir, PC_COMMIT_NAME);
	char *text = pc_read_file(p, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nentries=32590\nlayer=3\nend=1\n"));
	free(text);
	/* a bad layer line, or one out of place, is not a commit */
	put_record(dir, "case=c\nmode=none\nmanifest_sha256=" SHA "\nentries=3\nlayer=x\nend=1\n");
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	put_record(dir, "case=c\nmode=none\nmanifest_sha256=" SHA "\nentries=3\nlayer=0\nend=1\n");
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	put_record(dir, "case=c\nlayer=2\nmode=none\nmanifest_sha256=" SHA "\nentries=3\nend=1\n");
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	/* without the line: layer 0 */
	put_record(dir, "case=c\nmode=none\nmanifest_sha256=" SHA "\nentries=3\nend=1\n");
	out.layer = 9;
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 1);
	CU_ASSERT_EQUAL(out.layer, 0);
	free(p);
	unit_rmtree(dir);
	free(dir);
}

static void test_absent(void)
{
	char *dir = unit_tmpdir();
	struct pc_commit out;
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	char *gone = xasprintf("%s/nope", dir);
	CU_ASSERT_EQUAL(pc_commit_read(gone, &out), -1);
	struct pc_commit in;
	fill(&in);
	CU_ASSERT_EQUAL(pc_commit_write(gone, &in), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	free(gone);
	unit_rmtree(dir);
	free(dir);
}

static void test_torn_and_malformed(void)
{
	static const char *const bad[] = {
		/* no end line: torn */
		"case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=3\n",
		/* end line cut short */
		"case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=3\nend=",
		"case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=3\nend=1",
		/* empty file, e.g. a lost data block */
		"",
		/* bad digest, bad count, missing key, wrong order, trailing junk */
		"case=c\nmode=fsync\nmanifest_sha256=0123\nentries=3\nend=1\n",
		"case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=-3\nend=1\n",
		"case=c\nmanifest_sha256=" SHA "\nentries=3\nend=1\n",
		"mode=fsync\ncase=c\nmanifest_sha256=" SHA "\nentries=3\nend=1\n",
		"case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=3\nend=1\nx=1\n",
	};
	char *dir = unit_tmpdir();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_record(dir, bad[i]);
		struct pc_commit out;
		int rc = pc_commit_read(dir, &out);
		if (rc != 0)
			fprintf(stderr, "record %zu read as %d\n", i, rc);
		CU_ASSERT_EQUAL(rc, 0);
	}
	/* the same text with the end line is a commit: the cases above fail
	 * for the reason given, not for some other */
	put_record(dir, "case=c\nmode=fsync\nmanifest_sha256=" SHA "\nentries=3\nend=1\n");
	struct pc_commit out;
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 1);
	CU_ASSERT_EQUAL(out.entries, 3);
	/* a zero-filled tail (torn in a different way) */
	char *p = xasprintf("%s/%s", dir, PC_COMMIT_NAME);
	char zeros[] = "case=c\nmode=fsync\n\0\0\0\0";
	CU_ASSERT_EQUAL(pc_write_file(p, zeros, sizeof(zeros), 0), 0);
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	free(p);
	unit_rmtree(dir);
	free(dir);
}

static void test_reject_multiline(void)
{
	char *dir = unit_tmpdir();
	struct pc_commit in, out;
	fill(&in);
	snprintf(in.case_id, sizeof(in.case_id), "a\nend=1");
	CU_ASSERT_EQUAL(pc_commit_write(dir, &in), -1);
	CU_ASSERT_EQUAL(pc_commit_read(dir, &out), 0);
	unit_rmtree(dir);
	free(dir);
}

/* The record built from a manifest names its digest and count; one built
 * again from the same manifest is the same (the snapshots layout compares
 * the record it finds with the one it would write). */
static void test_build(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_entry *e = pc_manifest_put(m, "etc");
	e->type = PC_FT_DIR;
	e->mode = 0755;
	pc_manifest_put(m, "etc/passwd")->size = 12;
	unsigned char digest[32];
	char hex[65];
	pc_manifest_digest(m, digest);
	pc_hex(digest, sizeof(digest), hex);

	struct pc_commit a, b;
	memset(&a, 0x55, sizeof(a));
	pc_commit_build(&a, m, "g/ext4/fsync", "fsync", 2);
	CU_ASSERT_STRING_EQUAL(a.case_id, "g/ext4/fsync");
	CU_ASSERT_STRING_EQUAL(a.mode, "fsync");
	CU_ASSERT_STRING_EQUAL(a.manifest_sha256, hex);
	CU_ASSERT_EQUAL(a.entries, 2);
	CU_ASSERT_EQUAL(a.layer, 2);
	pc_commit_build(&b, m, "g/ext4/fsync", "fsync", 2);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	pc_manifest_put(m, "etc/group");
	pc_commit_build(&b, m, "g/ext4/fsync", "fsync", 2);
	CU_ASSERT_STRING_NOT_EQUAL(a.manifest_sha256, b.manifest_sha256);
	CU_ASSERT_EQUAL(b.entries, 3);
	pc_manifest_free(m);
}

void register_commit_tests(void)
{
	CU_pSuite s = CU_add_suite("commit", NULL, NULL);
	CU_add_test(s, "write/read round trip", test_round_trip);
	CU_add_test(s, "absent record, absent directory", test_absent);
	CU_add_test(s, "layer records (snapshots layout)", test_layer);
	CU_add_test(s, "torn or malformed record is not a commit", test_torn_and_malformed);
	CU_add_test(s, "multi-line field refused", test_reject_multiline);
	CU_add_test(s, "record built from a manifest", test_build);
}
