/* digest.h - the one place powercut hashes: SHA-256 (file contents, the
 * manifest and its trailer, commit records, option slugs) and SHA-512 (OCI
 * blob digests), over libcrypto's EVP interface; and XXH3-128 (libxxhash),
 * the fast hash a run compares the tree after the cut with (file contents
 * the run's own scan hashed: never written to disk, never shown but in a
 * finding whose SHA-256 a second read could not give; docs/design.md,
 * "Parallel verify").
 *
 * Error policy: starting a digest can fail (no memory for the context, a
 * libcrypto without the algorithm) and says so through pc_fail; once
 * started, feeding and finishing fail only on a broken libcrypto, and a
 * wrong digest would be a silent lie, so those print what failed and
 * abort().
 */
#ifndef PC_DIGEST_H
#define PC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum pc_digest_alg { PC_SHA256, PC_SHA512, PC_XXH3_128 };

#define PC_SHA256_LEN 32
#define PC_XXH3_LEN 16
#define PC_DIGEST_MAX_LEN 64                         /* SHA-512 */
#define PC_DIGEST_MAX_HEX (2 * PC_DIGEST_MAX_LEN + 1) /* hex and its NUL */

struct pc_digest {
	void *ctx; /* EVP_MD_CTX, or XXH3_state_t */
	enum pc_digest_alg alg;
};

/* "sha256", "sha512", "xxh3-128": the algorithm's name in OCI digests and
 * messages. */
const char *pc_digest_name(enum pc_digest_alg alg);
/* Bytes in the algorithm's digest (32, 64, 16). */
size_t pc_digest_len(enum pc_digest_alg alg);

/* Start a digest.  -1 with an error (class RUN) saying what failed; *d is
 * then empty (pc_digest_free may still be called). */
int pc_digest_init(struct pc_digest *d, enum pc_digest_alg alg);
/* Start again over a context already finished (no new allocation). */
void pc_digest_restart(struct pc_digest *d);
void pc_digest_update(struct pc_digest *d, const void *p, size_t n);
/* N zero bytes, as a hole in a sparse file reads back. */
void pc_digest_zeros(struct pc_digest *d, uint64_t n);
/* The digest (pc_digest_len bytes; XXH3-128 in its canonical big-endian
 * form, as xxhsum -H2 prints it) into OUT; the context stays for
 * pc_digest_restart or pc_digest_free.  Returns the length. */
size_t pc_digest_final(struct pc_digest *d, unsigned char *out);
/* As pc_digest_final, as lowercase hex (2 * len + 1 bytes with the NUL). */
void pc_digest_final_hex(struct pc_digest *d, char *hex);
void pc_digest_free(struct pc_digest *d);

/* SHA-256 of one buffer. */
void pc_sha256(const void *buf, size_t n, unsigned char out[PC_SHA256_LEN]);

#endif
