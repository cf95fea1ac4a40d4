/* hasher.c - see hasher.h.
 *
 * A ring of BATCHES batches.  The producer fills the batch at `tail` with
 * operations (begin, data, zeros, end) and the data they carry; a full
 * batch is queued and the producer moves on to the next free one.  The
 * thread takes queued batches from `head` in order.  Batching keeps the
 * locking to one handoff per megabyte or per few hundred small files
 * instead of one per file.  Written by hand: a bounded queue of this shape
 * is a few dozen lines, and the libraries at hand (glib's GAsyncQueue, say)
 * would bring a dependency for them.
 */
#include "util/hasher.h"
#include "util/digest.h"
#include "util/util.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES 8
#define BATCH_BYTES (1u << 20)
#define BATCH_OPS 512

enum op_kind { OP_BEGIN, OP_DATA, OP_ZEROS, OP_END };

struct op {
	enum op_kind kind;
	uint64_t n;         /* OP_DATA, OP_ZEROS: bytes */
	size_t at;          /* OP_DATA: where in the batch's data */
	unsigned char *sha, *xxh; /* OP_END: where the digests go */
};

struct batch {
	struct op ops[BATCH_OPS];
	size_t nops;
	unsigned char *data;
	size_t used;
};

struct pc_hasher {
	struct batch batches[BATCHES];
	size_t head;  /* the oldest queued batch */
	size_t tail;  /* the batch the producer fills */
	size_t count; /* queued batches not yet hashed (the one in hand included) */
	int stop;
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t queued, done;
	/* The hashing side's: [0] SHA-256, [1] XXH3-128, each when asked for. */
	struct pc_digest md[2];
	int on[2];
};

static void hash_batch(struct pc_hasher *h, struct batch *b)
{
	for (size_t i = 0; i < b->nops; i++) {
		const struct op *o = &b->ops[i];
		for (int k = 0; k < 2; k++) {
			if (!h->on[k])
				continue;
			struct pc_digest *md = &h->md[k];
			switch (o->kind) {
			case OP_BEGIN: pc_digest_restart(md); break;
			case OP_DATA: pc_digest_update(md, b->data + o->at, (size_t)o->n); break;
			case OP_ZEROS: pc_digest_zeros(md, o->n); break;
			case OP_END: pc_digest_final(md, k ? o->xxh : o->sha); break;
			}
		}
	}
	b->nops = 0;
	b->used = 0;
}

static void *hash_thread(void *arg)
{
	struct pc_hasher *h = arg;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->count == 0 && !h->stop)
			pthread_cond_wait(&h->queued, &h->mu);
		if (h->count == 0)
			break;
		struct batch *b = &h->batches[h->head];
		pthread_mutex_unlock(&h->mu);
		hash_batch(h, b);
		pthread_mutex_lock(&h->mu);
		h->head = (h->head + 1) % BATCHES;
		h->count--;
		pthread_cond_broadcast(&h->done);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Queue the batch in hand (if it holds anything) and take the next free one. */
static void submit(struct pc_hasher *h)
{
	struct batch *b = &h->batches[h->tail];
	if (b->nops == 0)
		return;
	if (!h->threaded) {
		hash_batch(h, b);
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->count++;
	h->tail = (h->tail + 1) % BATCHES;
	pthread_cond_signal(&h->queued);
	while (h->count == BATCHES) /* the next one is still being hashed */
		pthread_cond_wait(&h->done, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

static struct op *add_op(struct pc_hasher *h, enum op_kind kind)
{
	struct batch *b = &h->batches[h->tail];
	if (b->nops == BATCH_OPS) {
		submit(h);
		b = &h->batches[h->tail];
	}
	struct op *o = &b->ops[b->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

struct pc_hasher *pc_hasher_new(unsigned which)
{
	struct pc_hasher *h = xcalloc(1, sizeof(*h));
	static const enum pc_digest_alg alg[2] = { PC_SHA256, PC_XXH3_128 };
	static const unsigned bit[2] = { PC_HASH_SHA256, PC_HASH_XXH3 };
	for (int k = 0; k < 2; k++) {
		if (!(which & bit[k]))
			continue;
		if (pc_digest_init(&h->md[k], alg[k]) < 0) {
			if (k && h->on[0])
				pc_digest_free(&h->md[0]);
			free(h);
			return NULL;
		}
		h->on[k] = 1;
	}
	for (int i = 0; i < BATCHES; i++)
		h->batches[i].data = xmalloc(BATCH_BYTES);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->queued, NULL);
	pthread_cond_init(&h->done, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	h->threaded = pthread_create(&h->thread, NULL, hash_thread, h) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return h;
}

void pc_hasher_wait(struct pc_hasher *h)
{
	submit(h);
	if (!h->threaded)
		return;
	pthread_mutex_lock(&h->mu);
	while (h->count > 0)
		pthread_cond_wait(&h->done, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void pc_hasher_free(struct pc_hasher *h)
{
	if (!h)
		return;
	pc_hasher_wait(h);
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		h->stop = 1;
		pthread_cond_signal(&h->queued);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
	}
	pthread_cond_destroy(&h->queued);
	pthread_cond_destroy(&h->done);
	pthread_mutex_destroy(&h->mu);
	for (int i = 0; i < BATCHES; i++)
		free(h->batches[i].data);
	for (int k = 0; k < 2; k++)
		if (h->on[k])
			pc_digest_free(&h->md[k]);
	free(h);
}

void pc_hasher_begin(struct pc_hasher *h)
{
	add_op(h, OP_BEGIN);
}

void pc_hasher_data(struct pc_hasher *h, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n > 0) {
		struct batch *b = &h->batches[h->tail];
		if (b->used == BATCH_BYTES || b->nops == BATCH_OPS) {
			submit(h);
			continue;
		}
		size_t k = BATCH_BYTES - b->used < n ? BATCH_BYTES - b->used : n;
		size_t at = b->used;
		memcpy(b->data + at, c, k);
		b->used += k;
		struct op *o = add_op(h, OP_DATA);
		o->n = k;
		o->at = at;
		c += k;
		n -= k;
	}
}

void pc_hasher_zeros(struct pc_hasher *h, uint64_t n)
{
	if (n > 0)
		add_op(h, OP_ZEROS)->n = n;
}

void pc_hasher_end(struct pc_hasher *h, unsigned char *sha, unsigned char *xxh)
{
	struct op *o = add_op(h, OP_END);
	o->sha = sha;
	o->xxh = xxh;
}
