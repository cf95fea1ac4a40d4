/* test_acl.c - archive ACLs into the kernel's system.posix_acl_* values.
 * The expected bytes are what ext4 returned (getfattr -e hex) for the same
 * ACLs applied by libarchive. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
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

/* ---- raw system.posix_acl_* xattrs (umoci, Go image writers) ----------- */

/* HEX as bytes into a malloc'd buffer, its length in *n. */
static unsigned char *unhex(const char *hex, size_t *n)
{
	*n = strlen(hex) / 2;
	unsigned char *v = xmalloc(*n ? *n : 1);
	for (size_t i = 0; i < *n; i++) {
		unsigned b;
		sscanf(hex + 2 * i, "%2x", &b);
		v[i] = (unsigned char)b;
	}
	return v;
}

static void add_xattr_hex(struct archive_entry *e, const char *name, const char *hex)
{
	size_t n;
	unsigned char *v = unhex(hex, &n);
	archive_entry_xattr_add_entry(e, name, v, n);
	free(v);
}

static int has_xattr(struct archive_entry *e, const char *name)
{
	const char *n;
	const void *v;
	size_t size;
	int found = 0;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &n, &v, &size) == ARCHIVE_OK)
		found |= !strcmp(n, name);
	return found;
}

/* What ext4 returned for setfacl -m u:1234:rw,g:55:r on a 0664 file, and
 * for setfacl -m u:1234:rwx -d -m g:77:rx on a 0775 folder (umoci repack
 * wrote exactly these bytes in SCHILY.xattr records). */
#define FILE_ACCESS "0200000001000600ffffffff02000600d204000004000400ffffffff" \
		    "080004003700000010000600ffffffff20000400ffffffff"
#define DIR_ACCESS "0200000001000700ffffffff02000700d204000004000500ffffffff" \
		   "10000700ffffffff20000500ffffffff"
#define DIR_DEFAULT "0200000001000700ffffffff04000500ffffffff080005004d000000" \
		    "10000500ffffffff20000500ffffffff"

static void test_raw_taken(void)
{
	struct archive_entry *e = entry(AE_IFREG, 0664, NULL, NULL);
	add_xattr_hex(e, "user.keep", "31");
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, FILE_ACCESS);
	const char *name = NULL, *why = NULL;
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	CU_ASSERT(!has_xattr(e, PC_ACL_ACCESS_XATTR));
	CU_ASSERT(has_xattr(e, "user.keep"));
	unsigned char *v;
	int mask;
	size_t n = pc_acl_xattr(e, 0, &v, &mask);
	CU_ASSERT(value_is(v, n, FILE_ACCESS));
	CU_ASSERT_EQUAL(mask, 6);
	free(v);
	archive_entry_free(e);

	e = entry(AE_IFDIR, 0775, NULL, NULL);
	add_xattr_hex(e, PC_ACL_DEFAULT_XATTR, DIR_DEFAULT);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, DIR_ACCESS);
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	CU_ASSERT(!has_xattr(e, PC_ACL_ACCESS_XATTR) && !has_xattr(e, PC_ACL_DEFAULT_XATTR));
	n = pc_acl_xattr(e, 0, &v, &mask);
	CU_ASSERT(value_is(v, n, DIR_ACCESS));
	free(v);
	n = pc_acl_xattr(e, 1, &v, &mask);
	CU_ASSERT(value_is(v, n, DIR_DEFAULT));
	free(v);
	archive_entry_free(e);

	/* GNU tar --acls --xattrs: the records and the raw xattr, agreeing. */
	e = entry(AE_IFREG, 0664, "user::rw-,user:1234:rw-,group::r--,group:55:r--,mask::rw-,"
		  "other::r--", NULL);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, FILE_ACCESS);
	add_xattr_hex(e, "user.keep", "31");
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	CU_ASSERT(!has_xattr(e, PC_ACL_ACCESS_XATTR) && has_xattr(e, "user.keep"));
	n = pc_acl_xattr(e, 0, &v, &mask);
	CU_ASSERT(value_is(v, n, FILE_ACCESS));
	free(v);
	archive_entry_free(e);
	e = entry(AE_IFDIR, 0775, "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r-x",
		  "user::rwx,group::r-x,group:77:r-x,mask::r-x,other::r-x");
	add_xattr_hex(e, PC_ACL_DEFAULT_XATTR, DIR_DEFAULT);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, DIR_ACCESS);
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	if (why)
		fprintf(stderr, "\n  %s %s\n", name, why);
	CU_ASSERT(!has_xattr(e, PC_ACL_ACCESS_XATTR) && !has_xattr(e, PC_ACL_DEFAULT_XATTR));
	archive_entry_free(e);
	why = NULL;

	/* No raw ACL: nothing changes. */
	e = entry(AE_IFREG, 0644, "user::rw-,user:7:r--,group::r--,mask::r--,other::r--", NULL);
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	CU_ASSERT_EQUAL(archive_entry_acl_count(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS), 5);
	archive_entry_free(e);
}

/* The runtimes setxattr, then chmod to the header's mode: user::, other::
 * and the mask (group:: without one) follow the mode bits. */
static void test_raw_then_chmod(void)
{
	struct archive_entry *e = entry(AE_IFREG, 0640, NULL, NULL);
	/* user::rwx user:1234:rw- group::r-- mask::rwx other::rwx */
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, "0200000001000700ffffffff02000600d2040000"
					      "04000400ffffffff10000700ffffffff20000700ffffffff");
	const char *name, *why;
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	unsigned char *v;
	int mask;
	size_t n = pc_acl_xattr(e, 0, &v, &mask);
	CU_ASSERT(value_is(v, n, "0200000001000600ffffffff02000600d204000004000400ffffffff"
				 "10000400ffffffff20000000ffffffff"));
	CU_ASSERT_EQUAL(mask, 4);
	free(v);
	archive_entry_free(e);

	/* Base entries only, no mask: group:: is the mode's; the kernel keeps no xattr. */
	e = entry(AE_IFREG, 0640, NULL, NULL);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, "0200000001000700ffffffff04000700ffffffff"
					      "20000700ffffffff");
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), 0);
	CU_ASSERT_EQUAL(pc_acl_xattr(e, 0, &v, &mask), 0);
	CU_ASSERT_EQUAL(archive_entry_perm(e), 0640);
	archive_entry_free(e);
}

static void test_raw_refused(void)
{
	static const struct {
		unsigned type;
		const char *name, *hex, *records;
	} bad[] = {
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "67617262616765", NULL },	/* "garbage" */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "0100000001000600ffffffff", NULL }, /* version 1 */
		/* group:: before user:: */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "0200000004000400ffffffff01000600ffffffff"
						 "20000400ffffffff", NULL },
		/* a named user and no mask */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "0200000001000600ffffffff02000600d2040000"
						 "04000400ffffffff20000400ffffffff", NULL },
		/* user 1234 twice */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "0200000001000600ffffffff02000600d2040000"
						 "02000400d204000004000400ffffffff"
						 "10000600ffffffff20000400ffffffff", NULL },
		/* a permission bit above rwx */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, "0200000001000800ffffffff04000400ffffffff"
						 "20000400ffffffff", NULL },
		/* a default ACL on a file */
		{ AE_IFREG, PC_ACL_DEFAULT_XATTR, DIR_DEFAULT, NULL },
		/* an ACL record as well */
		{ AE_IFREG, PC_ACL_ACCESS_XATTR, FILE_ACCESS,
		  "user::rw-,user:7:r--,group::r--,mask::r--,other::r--" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct archive_entry *e = entry(bad[i].type, 0644, bad[i].records, NULL);
		add_xattr_hex(e, bad[i].name, bad[i].hex);
		const char *name = NULL, *why = NULL;
		CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), -1);
		CU_ASSERT(why && name && !strcmp(name, bad[i].name));
		archive_entry_free(e);
	}
	/* GNU tar names users in its records ("user:lp:r--") next to the raw
	 * value's id: refused, saying so. */
	struct archive_entry *e = entry(AE_IFREG, 0644, "user::rw-,user:lp:r--,group::r--,"
					"mask::r--,other::r--", NULL);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, "0200000001000600ffffffff0200040007000000"
					      "04000400ffffffff10000400ffffffff20000400ffffffff");
	const char *n1 = NULL, *w1 = NULL;
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &n1, &w1), -1);
	CU_ASSERT(w1 && strstr(w1, "by name only"));
	archive_entry_free(e);
	/* The same xattr twice (LIBARCHIVE. and SCHILY. records) with two values. */
	e = entry(AE_IFREG, 0664, NULL, NULL);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, FILE_ACCESS);
	add_xattr_hex(e, PC_ACL_ACCESS_XATTR, "0200000001000600ffffffff04000400ffffffff"
					      "20000400ffffffff");
	const char *name, *why = NULL;
	CU_ASSERT_EQUAL(pc_acl_take_raw_xattrs(e, &name, &why), -1);
	CU_ASSERT(why && strstr(why, "twice"));
	archive_entry_free(e);
}

/* ACL records the kernel would refuse once libarchive applies them: the
 * unpack would fail half-way, so the scan refuses them first. */
static void test_unstorable(void)
{
	static const struct {
		unsigned type;
		const char *access, *deflt, *name;
	} bad[] = {
		/* a user by name only: id -1, never looked up */
		{ AE_IFREG, "user::rw-,user:nobody-here:rw-,group::r--,mask::rw-,other::r--", NULL,
		  PC_ACL_ACCESS_XATTR },
		{ AE_IFREG, "user::rw-,user:7:r--,group::r--,other::r--", NULL, PC_ACL_ACCESS_XATTR },
		{ AE_IFREG, NULL, "user::rwx,group::r-x,other::r-x", PC_ACL_DEFAULT_XATTR },
		{ AE_IFDIR, NULL, "user:1234:rwx", PC_ACL_DEFAULT_XATTR },
		{ AE_IFLNK, "user::rw-,user:7:r--,group::r--,mask::r--,other::r--", NULL,
		  PC_ACL_ACCESS_XATTR },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct archive_entry *e = entry(bad[i].type, 0644, bad[i].access, bad[i].deflt);
		const char *name = NULL;
		CU_ASSERT_PTR_NOT_NULL(pc_acl_unstorable(e, &name));
		CU_ASSERT(name && !strcmp(name, bad[i].name));
		archive_entry_free(e);
	}
	struct archive_entry *e = entry(AE_IFREG, 0644, NULL, NULL);
	CU_ASSERT(archive_entry_acl_add_entry(e, ARCHIVE_ENTRY_ACL_TYPE_ALLOW,
					      ARCHIVE_ENTRY_ACL_READ_DATA,
					      ARCHIVE_ENTRY_ACL_EVERYONE, -1, NULL) == ARCHIVE_OK);
	const char *name;
	CU_ASSERT_PTR_NOT_NULL(pc_acl_unstorable(e, &name));
	archive_entry_free(e);
	/* what the kernel takes */
	e = entry(AE_IFDIR, 0755, "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r-x",
		  "user::rwx,group::r-x,group:77:r-x,mask::r-x,other::r-x");
	CU_ASSERT_PTR_NULL(pc_acl_unstorable(e, &name));
	archive_entry_free(e);
	e = entry(AE_IFREG, 0644, NULL, NULL);
	CU_ASSERT_PTR_NULL(pc_acl_unstorable(e, &name));
	archive_entry_free(e);
}

void register_acl_tests(void)
{
	CU_pSuite s = CU_add_suite("acl", NULL, NULL);
	CU_add_test(s, "access ACL: sorted kernel form, mask", test_access);
	CU_add_test(s, "default ACL of a folder", test_default);
	CU_add_test(s, "no ACL, or base entries only", test_none);
	CU_add_test(s, "raw ACL xattrs become ACL entries", test_raw_taken);
	CU_add_test(s, "raw access ACL as chmod leaves it", test_raw_then_chmod);
	CU_add_test(s, "raw ACL xattrs the kernel would refuse", test_raw_refused);
	CU_add_test(s, "ACL records the kernel would refuse", test_unstorable);
}
