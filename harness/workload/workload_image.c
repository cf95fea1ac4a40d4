/* workload_image.c - workload = image: a container image's layers unpacked
 * onto the filesystem as the case's layout stores them (layout.h), the
 * durability mode applied, committed, and after the cut checked against
 * the manifest built while unpacking. */
#include "workload/workload.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image.h"
#include "workload/layout.h"
#include "run/progress.h"
#include "image/unpack.h"
#include "util/strbuf.h"
#include "util/util.h"

#define MIB (1024ULL * 1024ULL)
/* Smallest devices the three mkfs accept comfortably (xfs wants 300 MiB). */
#define MIN_DEVICE_SIZE (512 * MIB)

struct image_run {
	struct pc_image img;
	int img_open;
	const char **layers;             /* pc_image_layer_paths(&img) */
	const struct pc_layout_ops *layout;
	struct pc_layout_job job;
	char *scan_key;                  /* the key of the scan job.known is from */
};

/* The scans of the images (pc_image_scan), done once per image per run for
 * `device_size = auto` and kept: a scan's manifest gives every case's
 * unpack its digests (pc_unpack_layers_known), so the bytes are hashed once
 * per run, not once per case.  The key names the layers by content: a
 * digest checked when the image was opened, or for a plain layer file its
 * identity and change time, so a layer replaced or rewritten during the run
 * is scanned again.
 *
 * A scenario's groups may name different images and come back to one, so
 * a few scans are kept, the most recently used first.  Older ones go when
 * there are SCAN_CACHE_SLOTS or when together they hold more than
 * SCAN_CACHE_ENTRIES entries (about 340 bytes each in memory); the newest is
 * always kept, whatever its size. */
#define SCAN_CACHE_SLOTS 4
#define SCAN_CACHE_ENTRIES 1000000

struct scan {
	char *key;
	uint64_t size;
	uint64_t bytes; /* the image's file bytes, for the progress line */
	struct pc_manifest *manifest;
};

static struct scan scan_cache[SCAN_CACHE_SLOTS];
static size_t scan_cache_used;

static void scan_free(struct scan *s)
{
	free(s->key);
	pc_manifest_free(s->manifest);
	*s = (struct scan){ 0 };
}

static void scan_cache_clear(void)
{
	for (size_t i = 0; i < scan_cache_used; i++)
		scan_free(&scan_cache[i]);
	scan_cache_used = 0;
}

/* The scan under KEY moved to the front; NULL if there is none. */
static struct scan *scan_cache_find(const char *key)
{
	for (size_t i = 0; i < scan_cache_used; i++) {
		if (strcmp(scan_cache[i].key, key))
			continue;
		struct scan hit = scan_cache[i];
		memmove(&scan_cache[1], &scan_cache[0], i * sizeof(scan_cache[0]));
		scan_cache[0] = hit;
		return &scan_cache[0];
	}
	return NULL;
}

/* S (taken over) put at the front; the oldest go as the limits say. */
static struct scan *scan_cache_add(struct scan *s)
{
	if (scan_cache_used == SCAN_CACHE_SLOTS)
		scan_free(&scan_cache[--scan_cache_used]);
	memmove(&scan_cache[1], &scan_cache[0], scan_cache_used * sizeof(scan_cache[0]));
	scan_cache[0] = *s;
	scan_cache_used++;
	size_t entries = 0, keep = 0;
	while (keep < scan_cache_used) {
		entries += pc_manifest_count(scan_cache[keep].manifest);
		if (keep > 0 && entries > SCAN_CACHE_ENTRIES)
			break;
		keep++;
	}
	while (scan_cache_used > keep)
		scan_free(&scan_cache[--scan_cache_used]);
	return &scan_cache[0];
}

/* The key of IMG's layers; NULL (reported) if one cannot be stat'ed. */
static char *image_key(const struct pc_image *img)
{
	struct pc_strbuf k = PC_STRBUF_INIT;
	for (size_t i = 0; i < img->nlayers; i++) {
		const struct pc_layer *l = &img->layers[i];
		struct stat st;
		if (l->digest) {
			pc_strbuf_printf(&k, "%s\n", l->digest);
		} else if (stat(l->path, &st) == 0) {
			pc_strbuf_printf(&k, "%ju:%ju:%jd:%jd.%09ld:%jd.%09ld:%s\n",
					 (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
					 (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
					 st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec,
					 st.st_ctim.tv_nsec, l->path);
		} else {
			pc_fail_errno(PC_ERR_INPUT, errno, "stat %s", l->path);
			pc_strbuf_free(&k);
			return NULL;
		}
	}
	return pc_strbuf_release(&k);
}

static int image_mode_returned(void *arg)
{
	struct pc_workload_case *w = arg;
	return w->mode_returned ? w->mode_returned(w) : 0;
}

static int image_prepare(struct pc_workload_case *w)
{
	struct image_run *ir = xcalloc(1, sizeof(*ir));
	w->priv = ir;
	if (pc_image_open((const char *const *)w->c->images, w->c->nimages, w->platform,
			  w->work, &ir->img) < 0)
		return -1;
	ir->img_open = 1;
	ir->layers = pc_image_layer_paths(&ir->img);
	ir->layout = pc_layout_of(w->c);
	ir->job = (struct pc_layout_job){
		.c = w->c, .r = w->r, .mnt = w->mnt, .work = w->work,
		.layers = ir->layers, .nlayers = ir->img.nlayers,
		.mode_returned = image_mode_returned, .mode_arg = w,
	};
	return 0;
}

/* Room for every byte twice over plus per-inode slack; the file is sparse,
 * so generosity costs nothing but a little mkfs time. */
static int image_device_size(struct pc_workload_case *w, uint64_t *size)
{
	struct image_run *ir = w->priv;
	char *key = image_key(&ir->img);
	if (!key)
		return -1;
	struct scan *sc = scan_cache_find(key);
	if (!sc) {
		struct scan fresh = { .key = key };
		if (pc_image_scan_digests(ir->layers, ir->img.nlayers,
					  PC_HASH_SHA256 | PC_HASH_XXH3, &fresh.manifest,
					  &fresh.bytes) < 0) {
			free(key);
			return -1;
		}
		uint64_t need = 2 * (fresh.bytes + pc_manifest_count(fresh.manifest) * 8192ULL) +
				256 * MIB;
		need = (need + MIB - 1) / MIB * MIB;
		fresh.size = need < MIN_DEVICE_SIZE ? MIN_DEVICE_SIZE : need;
		sc = scan_cache_add(&fresh);
	} else {
		free(key);
	}
	*size = sc->size;
	ir->job.known = sc->manifest;
	free(ir->scan_key);
	ir->scan_key = xstrdup(sc->key);
	pc_progress_total(sc->bytes);
	return 0;
}

/* The unpack took its digests from the scan: the layers it read must be
 * the ones scanned, checked again now that it has read them. */
static int layers_changed(struct image_run *ir)
{
	char *key = image_key(&ir->img);
	int same = key && ir->scan_key && !strcmp(key, ir->scan_key);
	free(key);
	if (!same)
		return pc_fail(PC_ERR_INPUT, "image %s: a layer changed while the run used it",
			       ir->img.spec);
	return 0;
}

static int image_setup(struct pc_workload_case *w)
{
	struct image_run *ir = w->priv;
	return ir->layout->setup(&ir->job);
}

static int image_run(struct pc_workload_case *w)
{
	struct image_run *ir = w->priv;
	ir->job.synclog = w->synclog; /* made by the runner once the device is up */
	int rc = ir->layout->write(&ir->job);
	w->manifest = ir->job.manifest;
	if (rc == 0 && ir->job.known && layers_changed(ir) < 0)
		return -1;
	return rc;
}

static int image_verify(struct pc_workload_case *w)
{
	struct image_run *ir = w->priv;
	return ir->layout->verify(&ir->job);
}

static void image_describe(json_t *o, const struct pc_case_result *r)
{
	const struct pc_layout_ops *l = pc_layout_of(r->c);
	if (l->describe)
		l->describe(o, r);
}

static void image_release(struct pc_workload_case *w)
{
	struct image_run *ir = w->priv;
	if (!ir)
		return;
	if (ir->layout && ir->layout->release)
		ir->layout->release(&ir->job);
	pc_manifest_free(ir->job.manifest);
	free(ir->layers);
	free(ir->scan_key);
	if (ir->img_open)
		pc_image_close(&ir->img);
	free(ir);
	w->priv = NULL;
	w->manifest = NULL;
}

static void image_run_end(void)
{
	scan_cache_clear();
}

const struct pc_workload_ops pc_workload_image = {
	.name = "image",
	.prepare = image_prepare,
	.device_size = image_device_size,
	.setup = image_setup,
	.run = image_run,
	.verify = image_verify,
	.describe = image_describe,
	.release = image_release,
	.run_end = image_run_end,
};
