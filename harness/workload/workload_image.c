/* workload_image.c - workload = image: a container image's layers unpacked
 * onto the filesystem as the case's layout stores them (layout.h), the
 * durability mode applied, committed, and after the cut checked against
 * the manifest built while unpacking. */
#include "workload/workload.h"

#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "workload/layout.h"
#include "run/progress.h"
#include "image/unpack.h"
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
};

/* The device size for `device_size = auto`, computed once per image set. */
static struct {
	char *key;
	uint64_t size;
	uint64_t bytes; /* the image's file bytes, for the progress line */
} size_cache;

static char *image_key(const struct pc_case *c)
{
	size_t len = 1;
	for (size_t i = 0; i < c->nimages; i++)
		len += strlen(c->images[i]) + 1;
	char *k = xcalloc(1, len);
	for (size_t i = 0; i < c->nimages; i++) {
		strcat(k, c->images[i]);
		strcat(k, "\n");
	}
	return k;
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
	};
	return 0;
}

/* Room for every byte twice over plus per-inode slack; the file is sparse,
 * so generosity costs nothing but a little mkfs time. */
static int image_device_size(struct pc_workload_case *w, uint64_t *size)
{
	struct image_run *ir = w->priv;
	char *key = image_key(w->c);
	if (size_cache.key && !strcmp(size_cache.key, key)) {
		free(key);
		*size = size_cache.size;
		pc_progress_total(size_cache.bytes);
		return 0;
	}
	struct pc_manifest *m = NULL;
	uint64_t bytes = 0;
	if (pc_image_scan(ir->layers, ir->img.nlayers, &m, &bytes) < 0) {
		free(key);
		return -1;
	}
	uint64_t need = 2 * (bytes + pc_manifest_count(m) * 8192ULL) + 256 * MIB;
	pc_manifest_free(m);
	need = (need + MIB - 1) / MIB * MIB;
	*size = need < MIN_DEVICE_SIZE ? MIN_DEVICE_SIZE : need;
	free(size_cache.key);
	size_cache.key = key;
	size_cache.size = *size;
	size_cache.bytes = bytes;
	pc_progress_total(bytes);
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
	int rc = ir->layout->write(&ir->job);
	w->manifest = ir->job.manifest;
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
	if (ir->img_open)
		pc_image_close(&ir->img);
	free(ir);
	w->priv = NULL;
	w->manifest = NULL;
}

static void image_run_end(void)
{
	free(size_cache.key);
	size_cache.key = NULL;
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
