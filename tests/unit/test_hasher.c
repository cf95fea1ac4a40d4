/* test_hasher.c - util/hasher.c: every digest it fills in equals the one
 * pc_sha256 (and libxxhash's one-shot XXH3_128bits) gives for the same
 * bytes, with either digest or both asked for, for files small and large (crossing
 * its batches and its ring), holes fed as zeros, and more files than a batch
 * holds operations; and all of them are in place after pc_hasher_wait. */
#include <CUnit/CUnit.h>

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/digest.h"
#include "util/hasher.h"
#include "util/util.h"

#include <xxhash.h>

#define NFILES 3000

/* Deterministic bytes, different per file. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
}

static size_t file_size(unsigned i)
{
	if (i == 7)
		return 20u << 20; /* beyond the whole ring (8 x 1 MiB) */
	if (i % 100 == 3)
		return (1u << 20) + 17; /* across a batch */
	return (i * 37u) % 5000;      /* mostly small, some empty */
}

/* libxxhash's one-shot XXH3-128 of P, canonical (big-endian) bytes. */
static void xxh3(const void *p, size_t n, unsigned char out[PC_XXH3_LEN])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
	memcpy(out, c.digest, PC_XXH3_LEN);
}

static void many_files(unsigned which)
{
	struct pc_hasher *h = pc_hasher_new(which);
	CU_ASSERT_FATAL(h != NULL);
	unsigned char (*got)[PC_SHA256_LEN] = xcalloc(NFILES, PC_SHA256_LEN);
	unsigned char (*want)[PC_SHA256_LEN] = xcalloc(NFILES, PC_SHA256_LEN);
	unsigned char (*gotx)[PC_XXH3_LEN] = xcalloc(NFILES, PC_XXH3_LEN);
	unsigned char (*wantx)[PC_XXH3_LEN] = xcalloc(NFILES, PC_XXH3_LEN);
	unsigned char *buf = xmalloc(21u << 20);
	for (unsigned i = 0; i < NFILES; i++) {
		size_t n = file_size(i);
		fill(buf, n, i);
		pc_hasher_begin(h);
		/* In uneven pieces, as archive blocks come. */
		for (size_t at = 0; at < n;) {
			size_t k = n - at < 70000 ? n - at : 70000;
			pc_hasher_data(h, buf + at, k);
			at += k;
		}
		pc_hasher_end(h, (which & PC_HASH_SHA256) ? got[i] : NULL,
			      (which & PC_HASH_XXH3) ? gotx[i] : NULL);
		if (which & PC_HASH_SHA256)
			pc_sha256(buf, n, want[i]);
		if (which & PC_HASH_XXH3)
			xxh3(buf, n, wantx[i]);
		memset(buf, 0xee, n); /* the caller may reuse its buffer at once */
	}
	pc_hasher_wait(h);
	int same = 1, differ = 0;
	for (unsigned i = 0; i < NFILES; i++) {
		same &= memcmp(got[i], want[i], PC_SHA256_LEN) == 0;
		same &= memcmp(gotx[i], wantx[i], PC_XXH3_LEN) == 0;
		differ += i && memcmp(wantx[i], wantx[i - 1], PC_XXH3_LEN) != 0;
	}
	CU_ASSERT(same);
	/* Not all zeros because nothing was computed. */
	CU_ASSERT(!(which & PC_HASH_XXH3) || differ > NFILES / 2);
	pc_hasher_free(h);
	free(buf);
	free(got);
	free(want);
	free(gotx);
	free(wantx);
}

static void test_many_files(void)
{
	many_files(PC_HASH_SHA256);
}

static void test_many_files_xxh3(void)
{
	many_files(PC_HASH_XXH3);
}

static void test_many_files_both(void)
{
	many_files(PC_HASH_SHA256 | PC_HASH_XXH3);
}

/* "a", a hole of 3 MiB, "bc": as the same bytes written out. */
static void test_holes(void)
{
	size_t hole = 3u << 20;
	unsigned char *plain = xcalloc(hole + 3, 1);
	plain[0] = 'a';
	memcpy(plain + 1 + hole, "bc", 2);
	unsigned char want[PC_SHA256_LEN], got[PC_SHA256_LEN], empty[PC_SHA256_LEN];
	unsigned char wantx[PC_XXH3_LEN], gotx[PC_XXH3_LEN], emptyx[PC_XXH3_LEN];
	pc_sha256(plain, hole + 3, want);
	xxh3(plain, hole + 3, wantx);
	free(plain);

	struct pc_hasher *h = pc_hasher_new(PC_HASH_SHA256 | PC_HASH_XXH3);
	CU_ASSERT_FATAL(h != NULL);
	pc_hasher_begin(h);
	pc_hasher_data(h, "a", 1);
	pc_hasher_zeros(h, hole);
	pc_hasher_zeros(h, 0);
	pc_hasher_data(h, "bc", 2);
	pc_hasher_end(h, got, gotx);
	pc_hasher_begin(h); /* an empty file right after */
	pc_hasher_end(h, empty, emptyx);
	pc_hasher_wait(h);
	CU_ASSERT_EQUAL(memcmp(got, want, PC_SHA256_LEN), 0);
	CU_ASSERT_EQUAL(memcmp(gotx, wantx, PC_XXH3_LEN), 0);
	pc_sha256("", 0, want);
	CU_ASSERT_EQUAL(memcmp(empty, want, PC_SHA256_LEN), 0);
	xxh3("", 0, wantx);
	CU_ASSERT_EQUAL(memcmp(emptyx, wantx, PC_XXH3_LEN), 0);
	pc_hasher_free(h); /* freeing with nothing queued */
	pc_hasher_free(NULL);
}

void register_hasher_tests(void)
{
	CU_pSuite s = CU_add_suite("hasher", NULL, NULL);
	CU_add_test(s, "3000 files, small to 20 MiB, in pieces", test_many_files);
	CU_add_test(s, "the same, XXH3-128 only", test_many_files_xxh3);
	CU_add_test(s, "the same, SHA-256 and XXH3-128 in one pass", test_many_files_both);
	CU_add_test(s, "holes as zeros, an empty file (both digests)", test_holes);
}
