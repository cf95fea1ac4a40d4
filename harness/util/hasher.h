/* hasher.h - SHA-256 and/or XXH3-128 of a stream of files on a thread of
 * its own (both in one pass over each batch when both are asked for).
 *
 * The unpack writes a file and hashes it; on two cores, doing both on one
 * thread made hashing about a fifth of an uncompressed unpack's wall time.
 * The producer hands each file's bytes over in order (copied into a ring of
 * batches, so the caller's buffer may be reused at once) and says where the
 * digest goes; the hashing thread fills it in later.  pc_hasher_wait
 * returns when every digest asked for so far is written.
 *
 * One producer thread.  If no thread can be started the hashing is done in
 * the caller, batch by batch: slower, never wrong.  The thread blocks every
 * signal, so the caller's handlers (interruption) keep working.
 */
#ifndef PC_HASHER_H
#define PC_HASHER_H

#include <stddef.h>
#include <stdint.h>

struct pc_hasher;

/* Which digests a hasher computes (util/digest.h): either or both. */
#define PC_HASH_SHA256 1u
#define PC_HASH_XXH3 2u

/* A hasher computing the digests WHICH names.  NULL with an error (class
 * RUN) if no digest context can be made. */
struct pc_hasher *pc_hasher_new(unsigned which);
/* Waits for the work queued, stops the thread, frees. */
void pc_hasher_free(struct pc_hasher *h);

/* A file starts / carries N bytes at P / carries N zero bytes (a hole). */
void pc_hasher_begin(struct pc_hasher *h);
void pc_hasher_data(struct pc_hasher *h, const void *p, size_t n);
void pc_hasher_zeros(struct pc_hasher *h, uint64_t n);
/* The file ends: its SHA-256 goes to SHA (32 bytes), its XXH3-128 to XXH
 * (16 bytes), each if the hasher computes it; both must stay valid until
 * the next pc_hasher_wait. */
void pc_hasher_end(struct pc_hasher *h, unsigned char *sha, unsigned char *xxh);
/* Every digest asked for so far is in place. */
void pc_hasher_wait(struct pc_hasher *h);

#endif
