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
};

/* The scan of the image (pc_image_scan), done once per run for `device_size
 * = auto` and kept: its manifest gives every case's unpack its digests
 * (pc_unpack_layers_known), so the bytes are hashed once per run, not once
 * per case.  The key names the layers by content: a digest checked when
 * the image was opened, or for a plain layer file its identity and change
 * time, so a layer replaced or rewritten during the run is scanned again. */
static struct {
	char *key;
	uint64_t size;
	uint64_t bytes; /* the image's file bytes, for the progress line */
	struct pc_manifest *manifest;
} scan_cache;

static void scan_cache_clear(void)
{
	free(scan_cache.key);
	scan_cache.key = NULL;
	pc_manifest_free(scan_cache.manifest);
	scan_cache.manifest = NULL;
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
	char *key = image_key(&ir->img);
	if (!key)
		return -1;
	if (!scan_cache.key || strcmp(scan_cache.key, key)) {
		struct pc_manifest *m = NULL;
		uint64_t bytes = 0;
		if (pc_image_scan(ir->layers, ir->img.nlayers, &m, &bytes) < 0) {
			free(key);
			return -1;
		}
		uint64_t need = 2 * (bytes + pc_manifest_count(m) * 8192ULL) + 256 * MIB;
		need = (need + MIB - 1) / MIB * MIB;
		scan_cache_clear();
		scan_cache.key = key;
		key = NULL;
		scan_cache.size = need < MIN_DEVICE_SIZE ? MIN_DEVICE_SIZE : need;
		scan_cache.bytes = bytes;
		scan_cache.manifest = m;
	}
	free(key);
	*size = scan_cache.size;
	ir->job.known = scan_cache.manifest;
	pc_progress_total(scan_cache.bytes);
	return 0;
}

/* The unpack took its digests from the scan: the layers it read must be
 * the ones scanned, checked again now that it has read them. */
static int layers_changed(struct image_run *ir)
{
	char *key = image_key(&ir->img);
	int same = key && scan_cache.key && !strcmp(key, scan_cache.key);
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
