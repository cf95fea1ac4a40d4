/* test_fcaps.c - security.capability values as the kernel takes and
 * returns them.  The bytes are what getfattr -e hex showed on ext4 after
 * setfattr as root. */
#include <stdlib.h>
#include <string.h>

#include "image/fcaps.h"
#include "unit.h"
#include "util/util.h"

static unsigned char *unhex(const char *hex, size_t *n)
{
	*n = strlen(hex) / 2;
	unsigned char *v = xmalloc(*n ? *n : 1);
	for (size_t i = 0; i < *n; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		v[i] = (unsigned char)strtoul(b, NULL, 16);
	}
	return v;
}

/* IN as read back: OUT (both hex). */
static void read_back(const char *in, const char *out)
{
	size_t n;
	unsigned char *v = unhex(in, &n), got[PC_FCAPS_MAX];
	char hex[2 * PC_FCAPS_MAX + 1];
	CU_ASSERT(pc_fcaps_valid(v, n));
	size_t m = pc_fcaps_as_read(v, n, got);
	pc_hex(got, m, hex);
	CU_ASSERT_STRING_EQUAL(hex, out);
	free(v);
}

static void test_as_read(void)
{
	/* cap_net_raw+ep, revision 2: as is */
	read_back("0100000200200000000000000000000000000000",
		  "0100000200200000000000000000000000000000");
	/* revision 3, root uid 0: read back as revision 2 */
	read_back("010000030020000000000000000000000000000000000000",
		  "0100000200200000000000000000000000000000");
	/* no effective flag */
	read_back("000000030020000000000000000000000000000000000000",
		  "0000000200200000000000000000000000000000");
	/* revision 3, root uid 1000: as is */
	read_back("0100000300200000000000000000000000000000e8030000",
		  "0100000300200000000000000000000000000000e8030000");
}

static void test_invalid(void)
{
	static const char *bad[] = {
		"0100000100200000ffffffff",                         /* revision 1 */
		"0100000300200000000000000000000000000000",         /* revision 3, 20 bytes */
		"010000020020000000000000000000000000000000000000", /* revision 2, 24 bytes */
		"0100000300200000000000000000000000000000ffffffff", /* root uid -1 */
		"67617262616765",                                   /* "garbage" */
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n;
		unsigned char *v = unhex(bad[i], &n);
		CU_ASSERT(!pc_fcaps_valid(v, n));
		free(v);
	}
}

void register_fcaps_tests(void)
{
	CU_pSuite s = CU_add_suite("fcaps", NULL, NULL);
	CU_add_test(s, "read back as the kernel returns it", test_as_read);
	CU_add_test(s, "values the kernel refuses", test_invalid);
}
