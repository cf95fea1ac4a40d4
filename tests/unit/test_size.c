/* test_size.c - the one size parser (util/size.c) with each grammar's
 * table: every suffix, and what must be refused (garbage, overflow). */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "util/size.h"

struct size_case {
	const char *s;
	int rc;
	uint64_t v;
};

static void check(const struct pc_size_suffix *table, const char *name,
		  const struct size_case *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		int rc = pc_size_parse(t[i].s, table, &v);
		CU_ASSERT_EQUAL(rc, t[i].rc);
		if (t[i].rc == 0) {
			CU_ASSERT_EQUAL(v, t[i].v);
		} else {
			CU_ASSERT_EQUAL(v, 12345); /* untouched on refusal */
		}
		if (rc != t[i].rc || (rc == 0 && v != t[i].v))
			fprintf(stderr, "\n  %s: pc_size_parse(\"%s\") = %d, %llu\n", name, t[i].s,
				rc, (unsigned long long)v);
	}
}

#define KI 1024ULL
#define K 1000ULL

/* Refused by every table. */
static const struct size_case garbage[] = {
	{ "", -1, 0 },
	{ "k", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ " 4", -1, 0 },
	{ "4 ", -1, 0 },
	{ "4 k", -1, 0 },
	{ "1.5k", -1, 0 },
	{ "0x10", -1, 0 },
	{ "4kk", -1, 0 },
	{ "4x", -1, 0 },
	{ "50%", -1, 0 },
	{ "4e", -1, 0 },
	{ "99999999999999999999", -1, 0 },   /* beyond unsigned long long */
	{ "18446744073709551616", -1, 0 },   /* 2^64 */
};

static void test_decimal_prefix(void)
{
	CU_ASSERT_EQUAL(pc_decimal_prefix("2"), 1);
	CU_ASSERT_EQUAL(pc_decimal_prefix("12.5s"), 4);
	CU_ASSERT_EQUAL(pc_decimal_prefix("1.25"), 4);
	const char *bad[] = { "", " 2", "+2", "-2", ".5", "2.", "0x10", "inf", "nan" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(pc_decimal_prefix(bad[i]) == strlen(bad[i]) && *bad[i], 0);
	CU_ASSERT_EQUAL(pc_decimal_prefix("0x10"), 1); /* "0", then not a number */
	CU_ASSERT_EQUAL(pc_decimal_prefix("1e3"), 1);
}

static void test_garbage(void)
{
	uint64_t v = 7;
	CU_ASSERT_EQUAL(pc_size_parse(NULL, pc_size_suffixes_binary, &v), -1);
	CU_ASSERT_EQUAL(v, 7);
	const size_t n = sizeof(garbage) / sizeof(garbage[0]);
	check(pc_size_suffixes_binary, "binary", garbage, n);
	check(pc_size_suffixes_fio, "fio", garbage, n);
	check(pc_size_suffixes_fio_kb1000, "fio kb1000", garbage, n);
}

static void test_binary(void)
{
	static const struct size_case t[] = {
		{ "0", 0, 0 },
		{ "512", 0, 512 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "4k", 0, 4 * KI },
		{ "4K", 0, 4 * KI },
		{ "512m", 0, 512 * KI * KI },
		{ "512M", 0, 512 * KI * KI },
		{ "4g", 0, 4ULL << 30 },
		{ "4G", 0, 4ULL << 30 },
		{ "1t", 0, 1ULL << 40 },
		{ "1024T", 0, 1024ULL << 40 },
		{ "16777215T", 0, 16777215ULL << 40 },
		{ "16777216T", -1, 0 },       /* 2^64: overflows */
		{ "17179869184G", -1, 0 },    /* 2^64 */
		/* Scenario sizes take the bare letter only. */
		{ "4KB", -1, 0 },
		{ "4GB", -1, 0 },
		{ "4Ki", -1, 0 },
		{ "4KiB", -1, 0 },
		{ "1P", -1, 0 },
		{ "4b", -1, 0 },
	};
	check(pc_size_suffixes_binary, "binary", t, sizeof(t) / sizeof(t[0]));
}

/* fio 3.33 itself, with its default kb_base=1024, made files of these
 * sizes (size=100k: 102400 bytes, 100KB: 102400, 100ki: 102400,
 * 100KiB: 100000, 1MIB: 1000000, 1mi: 1048576). */
static void test_fio(void)
{
	static const struct size_case t[] = {
		{ "4096", 0, 4096 },
		{ "100k", 0, 100 * KI },
		{ "100K", 0, 100 * KI },
		{ "100kb", 0, 100 * KI },
		{ "100KB", 0, 100 * KI },
		{ "100ki", 0, 100 * KI },
		{ "100Ki", 0, 100 * KI },
		{ "100kib", 0, 100 * K },
		{ "100KiB", 0, 100 * K },
		{ "100KIB", 0, 100 * K },
		{ "16m", 0, 16 * KI * KI },
		{ "16MB", 0, 16 * KI * KI },
		{ "16mi", 0, 16 * KI * KI },
		{ "16MiB", 0, 16 * K * K },
		{ "2g", 0, 2 * KI * KI * KI },
		{ "2gb", 0, 2 * KI * KI * KI },
		{ "2Gi", 0, 2 * KI * KI * KI },
		{ "2GiB", 0, 2 * K * K * K },
		{ "3t", 0, 3 * KI * KI * KI * KI },
		{ "3TB", 0, 3 * KI * KI * KI * KI },
		{ "3ti", 0, 3 * KI * KI * KI * KI },
		{ "3TiB", 0, 3 * K * K * K * K },
		{ "5p", 0, 5 * KI * KI * KI * KI * KI },
		{ "5PB", 0, 5 * KI * KI * KI * KI * KI },
		{ "5pi", 0, 5 * KI * KI * KI * KI * KI },
		{ "5PiB", 0, 5 * K * K * K * K * K },
		{ "16383p", 0, 16383ULL << 50 },
		{ "16384p", -1, 0 },          /* 2^64 */
		{ "18447PiB", -1, 0 },        /* > 2^64 / 10^15 */
		{ "18446PiB", 0, 18446 * K * K * K * K * K },
		{ "4b", -1, 0 },              /* not counted: a bare b */
		{ "4kbi", -1, 0 },
		{ "4e", -1, 0 },
		{ "4kibb", -1, 0 },
	};
	check(pc_size_suffixes_fio, "fio", t, sizeof(t) / sizeof(t[0]));
}

static void test_fio_kb1000(void)
{
	static const struct size_case t[] = {
		{ "100k", 0, 100 * K },
		{ "100KB", 0, 100 * K },
		{ "100ki", 0, 100 * K },
		{ "100KiB", 0, 100 * KI },
		{ "1m", 0, K * K },
		{ "1MiB", 0, KI * KI },
		{ "1g", 0, K * K * K },
		{ "1GiB", 0, KI * KI * KI },
		{ "1t", 0, K * K * K * K },
		{ "1TiB", 0, KI * KI * KI * KI },
		{ "1p", 0, K * K * K * K * K },
		{ "1PiB", 0, KI * KI * KI * KI * KI },
	};
	check(pc_size_suffixes_fio_kb1000, "fio kb1000", t, sizeof(t) / sizeof(t[0]));
}

void register_size_tests(void)
{
	CU_pSuite s = CU_add_suite("size", NULL, NULL);
	CU_add_test(s, "garbage refused by every grammar", test_garbage);
	CU_add_test(s, "scenario sizes: K M G T", test_binary);
	CU_add_test(s, "fio sizes, kb_base=1024", test_fio);
	CU_add_test(s, "fio sizes, kb_base=1000", test_fio_kb1000);
	CU_add_test(s, "plain decimal numbers", test_decimal_prefix);
}
