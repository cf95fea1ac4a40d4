/* test_strbuf.c - util/strbuf.c: pieces, printf past any first guess of
 * size, bytes with NULs, reset keeping memory, release of an empty buffer. */
#include <CUnit/CUnit.h>

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/strbuf.h"

static void test_build(void)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	pc_strbuf_puts(&b, "ab");
	pc_strbuf_add(&b, "c\0d", 3); /* bytes, NUL included */
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT(memcmp(b.s, "abc\0d", 6) == 0); /* and the terminating NUL */
	pc_strbuf_printf(&b, "%s=%04o", "mode", 0755);
	CU_ASSERT_EQUAL(b.len, 5 + 9);
	CU_ASSERT_STRING_EQUAL(b.s + 5, "mode=0755");

	/* Longer than any first reservation: grown, not cut. */
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pc_strbuf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(b.s, "");
	pc_strbuf_printf(&b, "<%s>", big);
	CU_ASSERT_EQUAL(b.len, sizeof(big) + 1);
	CU_ASSERT(b.s[0] == '<' && b.s[b.len - 1] == '>' && b.s[b.len] == '\0');
	CU_ASSERT(b.cap > b.len);

	char *s = pc_strbuf_release(&b);
	CU_ASSERT_EQUAL(strlen(s), sizeof(big) + 1);
	CU_ASSERT_PTR_NULL(b.s);
	CU_ASSERT_EQUAL(b.len, 0);
	free(s);
}

static void test_empty(void)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	char *s = pc_strbuf_release(&b); /* nothing added: "", not NULL */
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
	pc_strbuf_add(&b, "", 0);
	CU_ASSERT_STRING_EQUAL(b.s, "");
	pc_strbuf_free(&b);
	CU_ASSERT_PTR_NULL(b.s);
	pc_strbuf_free(&b); /* twice is harmless */
}

void register_strbuf_tests(void)
{
	CU_pSuite s = CU_add_suite("strbuf", NULL, NULL);
	CU_add_test(s, "pieces, printf, reset, release", test_build);
	CU_add_test(s, "empty buffer", test_empty);
}
