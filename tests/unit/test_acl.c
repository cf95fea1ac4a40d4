/* test_acl.c - archive ACLs into the kernel's system.posix_acl_* values.
 * The expected bytes are what ext4 returned (getfattr -e hex) for the same
 * ACLs applied by libarchive. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "image/acl.h"
#include "unit.h"
#include "util/util.h"

static struct archive_entry *entry(unsigned type, unsigned mode, const char *access,
				   const char *deflt)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "x");
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	if (access)
		CU_ASSERT(archive_entry_acl_from_text(e, access, ARCHIVE_ENTRY_ACL_TYPE_ACCESS) ==
			  ARCHIVE_OK);
	if (deflt)
		CU_ASSERT(archive_entry_acl_from_text(e, deflt, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT) ==
			  ARCHIVE_OK);
	return e;
}

static int value_is(const unsigned char *v, size_t n, const char *hex)
{
	char got[512];
	if (2 * n + 1 > sizeof(got))
		return 0;
	pc_hex(v, n, got);
	return !strcmp(got, hex);
}

static void test_access(void)
{
	/* Listed out of order: the kernel's form is sorted by tag, then id. */
	struct archive_entry *e = entry(AE_IFREG, 0640, "group:4321:r--,user::rw-,user:1234:rw-,"
					"group::r--,mask::rw-,other::---", NULL);
	unsigned char *v;
	int mask;
	size_t n = pc_acl_xattr(e, 0, &v, &mask);
	CU_ASSERT_EQUAL(n, 4 + 6 * 8);
	CU_ASSERT(value_is(v, n, "02000000" "01000600ffffffff" "02000600d2040000"
				 "04000400ffffffff" "08000400e1100000" "10000600ffffffff"
				 "20000000ffffffff"));
	CU_ASSERT_EQUAL(mask, 6);
	free(v);
	/* A file has no default ACL. */
	CU_ASSERT_EQUAL(pc_acl_xattr(e, 1, &v, &mask), 0);
	CU_ASSERT_PTR_NULL(v);
	archive_entry_free(e);
}

static void test_default(void)
{
	struct archive_entry *e = entry(AE_IFDIR, 0755, NULL,
					"user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r-x");
	unsigned char *v;
	int mask;
	CU_ASSERT_EQUAL(pc_acl_xattr(e, 0, &v, &mask), 0);
	size_t n = pc_acl_xattr(e, 1, &v, &mask);
	CU_ASSERT(value_is(v, n, "02000000" "01000700ffffffff" "02000700d2040000"
				 "04000500ffffffff" "10000700ffffffff" "20000500ffffffff"));
	free(v);
	archive_entry_free(e);
}

/* No ACL, or one the mode bits already say: the kernel stores nothing. */
static void test_none(void)
{
	unsigned char *v = (unsigned char *)"";
	int mask = 0;
	struct archive_entry *e = entry(AE_IFREG, 0644, NULL, NULL);
	CU_ASSERT_EQUAL(pc_acl_xattr(e, 0, &v, &mask), 0);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(mask, -1);
	archive_entry_free(e);
	e = entry(AE_IFREG, 0644, "user::rw-,group::r--,other::r--", NULL);
	CU_ASSERT_EQUAL(pc_acl_xattr(e, 0, &v, &mask), 0);
	archive_entry_free(e);
}

void register_acl_tests(void)
{
	CU_pSuite s = CU_add_suite("acl", NULL, NULL);
	CU_add_test(s, "access ACL: sorted kernel form, mask", test_access);
	CU_add_test(s, "default ACL of a folder", test_default);
	CU_add_test(s, "no ACL, or base entries only", test_none);
}
