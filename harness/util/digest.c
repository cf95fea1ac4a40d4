/* digest.c - see digest.h. */
#include "util/digest.h"
#include "util/util.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const EVP_MD *evp_md(enum pc_digest_alg alg)
{
	return alg == PC_SHA512 ? EVP_sha512() : EVP_sha256();
}

const char *pc_digest_name(enum pc_digest_alg alg)
{
	switch (alg) {
	case PC_SHA512: return "sha512";
	case PC_XXH3_128: return "xxh3-128";
	default: return "sha256";
	}
}

size_t pc_digest_len(enum pc_digest_alg alg)
{
	switch (alg) {
	case PC_SHA512: return 64;
	case PC_XXH3_128: return PC_XXH3_LEN;
	default: return PC_SHA256_LEN;
	}
}

/* libcrypto's reason for the last failure, or a placeholder. */
static const char *crypto_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	return r ? r : "no reason given by libcrypto";
}

/* A step that only a broken libcrypto fails: stop rather than go on with a
 * digest that is not the data's. */
static void broken(const struct pc_digest *d, const char *step)
{
	fprintf(stderr, "powercut: %s: %s failed: %s\n", pc_digest_name(d->alg), step,
		d->alg == PC_XXH3_128 ? "libxxhash gave an error" : crypto_reason());
	abort();
}

/* libxxhash's streaming state: allocation can fail, a step on a state it
 * made never does (XXH_ERROR only for a NULL state). */
static int xxh3_init(struct pc_digest *d)
{
	d->ctx = XXH3_createState();
	if (!d->ctx)
		return pc_fail(PC_ERR_RUN, "xxh3-128: cannot allocate a hash state: out of memory");
	pc_digest_restart(d);
	return 0;
}

int pc_digest_init(struct pc_digest *d, enum pc_digest_alg alg)
{
	d->alg = alg;
	if (alg == PC_XXH3_128)
		return xxh3_init(d);
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx)
		return pc_fail(PC_ERR_RUN, "%s: cannot allocate a digest context: %s",
			       pc_digest_name(alg), crypto_reason());
	if (EVP_DigestInit_ex(d->ctx, evp_md(alg), NULL) != 1) {
		int rc = pc_fail(PC_ERR_RUN, "%s: cannot start a digest: %s",
				 pc_digest_name(alg), crypto_reason());
		pc_digest_free(d);
		return rc;
	}
	return 0;
}

void pc_digest_restart(struct pc_digest *d)
{
	if (d->alg == PC_XXH3_128) {
		if (XXH3_128bits_reset(d->ctx) != XXH_OK)
			broken(d, "XXH3_128bits_reset");
		return;
	}
	/* NULL: the algorithm already set.  Naming it again would make
	 * libcrypto 3 look it up in its providers on every file. */
	if (EVP_DigestInit_ex2(d->ctx, NULL, NULL) != 1)
		broken(d, "restarting the digest");
}

void pc_digest_update(struct pc_digest *d, const void *p, size_t n)
{
	if (d->alg == PC_XXH3_128) {
		if (XXH3_128bits_update(d->ctx, p, n) != XXH_OK)
			broken(d, "XXH3_128bits_update");
		return;
	}
	if (EVP_DigestUpdate(d->ctx, p, n) != 1)
		broken(d, "EVP_DigestUpdate");
}

void pc_digest_zeros(struct pc_digest *d, uint64_t n)
{
	static const unsigned char zeros[64 * 1024];
	while (n > 0) {
		size_t k = n > sizeof(zeros) ? sizeof(zeros) : (size_t)n;
		pc_digest_update(d, zeros, k);
		n -= k;
	}
}

size_t pc_digest_final(struct pc_digest *d, unsigned char *out)
{
	if (d->alg == PC_XXH3_128) {
		XXH128_canonical_t c;
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(d->ctx));
		memcpy(out, c.digest, PC_XXH3_LEN);
		return PC_XXH3_LEN;
	}
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(d->ctx, out, &len) != 1 || len != pc_digest_len(d->alg))
		broken(d, "EVP_DigestFinal_ex");
	return len;
}

void pc_digest_final_hex(struct pc_digest *d, char *hex)
{
	unsigned char md[PC_DIGEST_MAX_LEN];
	size_t len = pc_digest_final(d, md);
	pc_hex(md, len, hex);
}

void pc_digest_free(struct pc_digest *d)
{
	if (d->alg == PC_XXH3_128)
		XXH3_freeState(d->ctx);
	else
		EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void pc_sha256(const void *buf, size_t n, unsigned char out[PC_SHA256_LEN])
{
	struct pc_digest d;
	if (pc_digest_init(&d, PC_SHA256) < 0)
		abort(); /* no memory for a context: nothing sensible is left */
	pc_digest_update(&d, buf, n);
	pc_digest_final(&d, out);
	pc_digest_free(&d);
}
