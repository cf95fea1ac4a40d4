/* test_digest.c - util/digest.c against published vectors (FIPS 180-2's
 * "abc", the empty string), holes fed as zeros against the same bytes fed
 * as data, restarting a finished digest, XXH3-128 (xxhsum -H2's value of
 * the empty input; pieces and holes against libxxhash's one-shot call), and
 * the OCI "ALG:HEX" hasher and parser built on it. */
#include <CUnit/CUnit.h>

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "image/image_int.h"
#include "util/digest.h"
#include "util/util.h"

#include <xxhash.h>

#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA512_ABC                                                                     \
	"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"             \
	"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
#define XXH3_128_EMPTY "99aa06d3014798d86001c324468d497f"
#define SHA256_1MIB_ZEROS "30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58"

static void hex_of_buffer(const void *p, size_t n, char hex[65])
{
	unsigned char md[PC_SHA256_LEN];
	pc_sha256(p, n, md);
	pc_hex(md, sizeof(md), hex);
}

static void test_vectors(void)
{
	char hex[PC_DIGEST_MAX_HEX];
	hex_of_buffer("", 0, hex);
	CU_ASSERT_STRING_EQUAL(hex, SHA256_EMPTY);
	hex_of_buffer("abc", 3, hex);
	CU_ASSERT_STRING_EQUAL(hex, SHA256_ABC);

	struct pc_digest d;
	CU_ASSERT_FATAL(pc_digest_init(&d, PC_SHA256) == 0);
	pc_digest_update(&d, "a", 1);
	pc_digest_update(&d, "bc", 2); /* in pieces: the same digest */
	pc_digest_final_hex(&d, hex);
	CU_ASSERT_STRING_EQUAL(hex, SHA256_ABC);
	pc_digest_restart(&d); /* a finished context starts again empty */
	pc_digest_final_hex(&d, hex);
	CU_ASSERT_STRING_EQUAL(hex, SHA256_EMPTY);
	pc_digest_free(&d);

	CU_ASSERT_FATAL(pc_digest_init(&d, PC_SHA512) == 0);
	pc_digest_update(&d, "abc", 3);
	unsigned char md[PC_DIGEST_MAX_LEN];
	CU_ASSERT_EQUAL(pc_digest_final(&d, md), 64);
	pc_hex(md, 64, hex);
	CU_ASSERT_STRING_EQUAL(hex, SHA512_ABC);
	pc_digest_free(&d);
	CU_ASSERT_STRING_EQUAL(pc_digest_name(PC_SHA256), "sha256");
	CU_ASSERT_STRING_EQUAL(pc_digest_name(PC_SHA512), "sha512");
}

/* A hole hashes as the zeros it reads back as: 1 MiB fed as zeros (in
 * uneven runs, across the module's internal buffer size) equals 1 MiB of
 * zero bytes fed as data, and the published digest of 1 MiB of zeros. */
static void test_zeros(void)
{
	size_t n = 1u << 20;
	unsigned char *buf = xcalloc(n, 1);
	char as_bytes[PC_DIGEST_MAX_HEX], as_zeros[PC_DIGEST_MAX_HEX];
	hex_of_buffer(buf, n, as_bytes);
	free(buf);

	struct pc_digest d;
	CU_ASSERT_FATAL(pc_digest_init(&d, PC_SHA256) == 0);
	pc_digest_zeros(&d, 0);
	pc_digest_zeros(&d, 1);
	pc_digest_zeros(&d, 65535);
	pc_digest_zeros(&d, 65537);
	pc_digest_zeros(&d, n - 1 - 65535 - 65537);
	pc_digest_final_hex(&d, as_zeros);
	pc_digest_free(&d);
	CU_ASSERT_STRING_EQUAL(as_zeros, as_bytes);
	CU_ASSERT_STRING_EQUAL(as_zeros, SHA256_1MIB_ZEROS);

	/* Data around a hole: "a", 3 zeros, "bc" is "a\0\0\0bc". */
	char mixed[PC_DIGEST_MAX_HEX], plain[PC_DIGEST_MAX_HEX];
	CU_ASSERT_FATAL(pc_digest_init(&d, PC_SHA256) == 0);
	pc_digest_update(&d, "a", 1);
	pc_digest_zeros(&d, 3);
	pc_digest_update(&d, "bc", 2);
	pc_digest_final_hex(&d, mixed);
	pc_digest_free(&d);
	hex_of_buffer("a\0\0\0bc", 6, plain);
	CU_ASSERT_STRING_EQUAL(mixed, plain);
}

/* XXH3-128 through the module: the published value of the empty input,
 * and "abc" in pieces and "a", 3 zeros, "bc" against libxxhash's one-shot
 * digest of the same bytes in canonical (big-endian) form. */
static void test_xxh3(void)
{
	char hex[PC_DIGEST_MAX_HEX], want[PC_DIGEST_MAX_HEX];
	struct pc_digest d;
	CU_ASSERT_FATAL(pc_digest_init(&d, PC_XXH3_128) == 0);
	unsigned char md[PC_DIGEST_MAX_LEN];
	CU_ASSERT_EQUAL(pc_digest_final(&d, md), PC_XXH3_LEN);
	pc_hex(md, PC_XXH3_LEN, hex);
	CU_ASSERT_STRING_EQUAL(hex, XXH3_128_EMPTY);

	pc_digest_restart(&d);
	pc_digest_update(&d, "a", 1);
	pc_digest_update(&d, "bc", 2);
	pc_digest_final_hex(&d, hex);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits("abc", 3));
	pc_hex(c.digest, PC_XXH3_LEN, want);
	CU_ASSERT_STRING_EQUAL(hex, want);

	pc_digest_restart(&d);
	pc_digest_update(&d, "a", 1);
	pc_digest_zeros(&d, 3);
	pc_digest_update(&d, "bc", 2);
	pc_digest_final_hex(&d, hex);
	XXH128_canonicalFromHash(&c, XXH3_128bits("a\0\0\0bc", 6));
	pc_hex(c.digest, PC_XXH3_LEN, want);
	CU_ASSERT_STRING_EQUAL(hex, want);
	pc_digest_free(&d);
	CU_ASSERT_STRING_EQUAL(pc_digest_name(PC_XXH3_128), "xxh3-128");
	CU_ASSERT_EQUAL(pc_digest_len(PC_XXH3_128), 16);
}

/* image_util's OCI hasher and digest parser on top of the module. */
static void test_oci(void)
{
	struct hasher h;
	img_hasher_init(&h, PC_SHA512);
	img_hasher_update(&h, "abc", 3);
	char *got = img_hasher_final(&h);
	CU_ASSERT_STRING_EQUAL(got, "sha512:" SHA512_ABC);
	free(got);
	img_hasher_init(&h, PC_SHA256);
	got = img_hasher_final(&h);
	CU_ASSERT_STRING_EQUAL(got, "sha256:" SHA256_EMPTY);
	free(got);

	enum pc_digest_alg alg = PC_SHA256;
	CU_ASSERT_EQUAL(img_digest_parse("sha512:" SHA512_ABC, "test", &alg), 0);
	CU_ASSERT_EQUAL(alg, PC_SHA512);
	CU_ASSERT_EQUAL(img_digest_parse("sha256:" SHA256_ABC, "test", &alg), 0);
	CU_ASSERT_EQUAL(alg, PC_SHA256);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(img_digest_parse("sha256:" SHA512_ABC, "test", &alg), -1);
	CU_ASSERT_EQUAL(img_digest_parse("md5:00", "test", &alg), -1);
	CU_ASSERT_EQUAL(img_digest_parse("sha256:../../etc/passwd", "test", NULL), -1);
	/* Lowercase hex of exactly the algorithm's length, nothing else. */
	char d[7 + 64 + 2] = "sha256:" SHA256_ABC;
	d[7 + 64] = '0';
	CU_ASSERT_EQUAL(img_digest_parse(d, "test", NULL), -1);
	d[7 + 63] = '\0';
	CU_ASSERT_EQUAL(img_digest_parse(d, "test", NULL), -1);
	memcpy(d, "sha256:" SHA256_ABC, sizeof("sha256:" SHA256_ABC));
	CU_ASSERT_EQUAL(img_digest_parse(d, "test", NULL), 0);
	d[7 + 12] = 'C'; /* was 'c' */
	CU_ASSERT_EQUAL(img_digest_parse(d, "test", NULL), -1);
	pc_messages_quiet = 0;
}

void register_digest_tests(void)
{
	CU_pSuite s = CU_add_suite("digest", NULL, NULL);
	CU_add_test(s, "published vectors, pieces, restart", test_vectors);
	CU_add_test(s, "zeros fed for holes", test_zeros);
	CU_add_test(s, "XXH3-128: empty vector, pieces, holes", test_xxh3);
	CU_add_test(s, "OCI hasher and parser", test_oci);
}
