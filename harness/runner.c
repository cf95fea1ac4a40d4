/* runner.c - one crash cycle per case (DESIGN.md, "The crash cycle"):
 *
 *   device -> mkfs -> mount -> unpack -> durability -> commit -> cut
 *   (flakey drop or error, umount, allow, flush caches, mount) -> verify
 *   -> umount -> fsck -> teardown
 *
 * With layout = snapshots the write phase stores the image as containerd's
 * overlayfs snapshotter does (snapshots/N/fs, one layer at a time: unpack,
 * durability, commit record), and verify checks every committed layer
 * folder and then the merged view through a read-only overlay mount.
 *
 * Each phase is a small function returning 0 or -1; teardown runs on every
 * path.  A case that cannot complete gets the verdict "error" with the
 * first error message as its reason.
 */
#include "runner.h"
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "attempts.h"
#include "backend.h"
#include "commit.h"
#include "crashpoints.h"
#include "durability.h"
#include "fs.h"
#include "fuse_flakey.h"
#include "image.h"
#include "iostat.h"
#include "loop.h"
#include "manifest.h"
#include "probe.h"
#include "progress.h"
#include "state.h"
#include "unpack.h"
#include "util.h"
#include "verdict.h"
#include "verify.h"
#include "workload_fio.h"

#include <openssl/evp.h>

#define MIB (1024ULL * 1024ULL)
/* Smallest devices the three mkfs accept comfortably (xfs wants 300 MiB). */
#define MIN_DEVICE_SIZE (512 * MIB)

struct case_ctx {
	const struct pc_case *c;
	const struct pc_run_opts *o;
	struct pc_case_result *r;
	const char *runwork;          /* the run's work folder */
	char work[PATH_MAX];          /* this case's work folder */
	char mnt[PATH_MAX];           /* filesystem mountpoint */
	char rootfs[PATH_MAX];        /* image root inside the filesystem */
	char snapdir[PATH_MAX];       /* layout = snapshots: mnt/snapshots */
	char merged[PATH_MAX];        /* layout = snapshots: overlay mountpoint */
	int merged_mounted;
	struct pc_backend dev;
	uint64_t dev_size;
	int dev_made;
	int mounted;
	struct pc_image img;
	int img_open;
	struct pc_manifest *manifest;
	struct pc_manifest **layer_m; /* layout = snapshots: each layer's own */
	size_t nlayer_m;
	char fiodir[PATH_MAX];        /* workload = fio: its directory, mnt/fio */
	char casedir[PATH_MAX];       /* workload = fio: the case folder, absolute */
	struct pc_fio_case fio;
};

/* The device size for `device_size = auto`, computed once per image set. */
struct size_cache {
	char *key;
	uint64_t size;
	uint64_t bytes; /* the image's file bytes, for the progress line */
};

static struct size_cache size_cache;

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

/* Room for every byte twice over plus per-inode slack; the file is sparse,
 * so generosity costs nothing but a little mkfs time. */
static int device_size(struct case_ctx *x, uint64_t *size)
{
	if (x->c->device_size) {
		*size = x->c->device_size;
		return 0;
	}
	if (x->c->workload == PC_WORKLOAD_FIO) {
		/* The jobs' files, the filesystem's journal and metadata. */
		uint64_t need = 2 * x->c->fio_bytes + 256 * MIB;
		need = (need + MIB - 1) / MIB * MIB;
		*size = need < MIN_DEVICE_SIZE ? MIN_DEVICE_SIZE : need;
		return 0;
	}
	char *key = image_key(x->c);
	if (size_cache.key && !strcmp(size_cache.key, key)) {
		free(key);
		*size = size_cache.size;
		pc_progress_total(size_cache.bytes);
		return 0;
	}
	struct pc_manifest *m = NULL;
	uint64_t bytes = 0;
	const char *const *layers = pc_image_layer_paths(&x->img);
	int rc = pc_image_scan(layers, x->img.nlayers, &m, &bytes);
	free((void *)layers);
	if (rc < 0) {
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

/* fio runs in the case folder (absolute: it is fio's working folder too). */
static int prepare_fio(struct case_ctx *x)
{
	if (!realpath(x->r->case_dir, x->casedir))
		return pc_fail_errno(PC_ERR_RUN, errno, "realpath %s", x->r->case_dir);
	x->fio = (struct pc_fio_case){
		.job = x->c->fio_job,
		.jobs = (const char *const *)x->c->fio_jobs,
		.njobs = x->c->nfio_jobs,
		.unsynced = x->c->fio_unsynced,
		.total_bytes = x->c->fio_bytes,
		.cut_at = x->c->cut_at,
		.datadir = x->fiodir,
		.casedir = x->casedir,
		.dev = &x->dev,
		.cut = x->c->cut,
	};
	return 0;
}

static int phase_prepare(struct case_ctx *x, unsigned index)
{
	char name[32];
	snprintf(name, sizeof(name), "case-%u", index);
	if (pc_path_join(x->work, sizeof(x->work), x->runwork, name) < 0 ||
	    pc_path_join(x->mnt, sizeof(x->mnt), x->work, "mnt") < 0 ||
	    pc_path_join(x->rootfs, sizeof(x->rootfs), x->mnt, "rootfs") < 0 ||
	    pc_path_join(x->snapdir, sizeof(x->snapdir), x->mnt, "snapshots") < 0 ||
	    pc_path_join(x->merged, sizeof(x->merged), x->work, "merged") < 0 ||
	    pc_path_join(x->fiodir, sizeof(x->fiodir), x->mnt, "fio") < 0)
		return -1;
	if (pc_mkdir_p(x->mnt, 0755) < 0 || pc_mkdir_p(x->r->case_dir, 0755) < 0)
		return -1;
	/* First, so that even a case failing early reports its backend. */
	if (pc_backend_select(x->c->backend, &x->dev.ops, x->r->backend_why,
			      sizeof(x->r->backend_why)) < 0)
		return -1;
	x->r->backend = x->dev.ops->name;
	if (x->c->workload == PC_WORKLOAD_FIO)
		return prepare_fio(x);
	if (pc_image_open((const char *const *)x->c->images, x->c->nimages, x->o->platform,
			  x->work, &x->img) < 0)
		return -1;
	x->img_open = 1;
	return 0;
}

static int phase_device(struct case_ctx *x)
{
	if (device_size(x, &x->dev_size) < 0)
		return -1;
	snprintf(x->dev.workdir, sizeof(x->dev.workdir), "%s", x->work);
	x->dev.keep_backing = x->o->keep;
	x->dev.volatile_cache = x->c->volatile_cache;
	x->dev.write_log = x->c->crash_points > 0;
	x->dev.log_size = x->c->settings->log_size;
	x->dev_made = 1; /* destroy is safe after a partial create */
	if (x->dev.ops->create(&x->dev, x->dev_size) < 0)
		return -1;
	/* The kernel log's lines about these devices are the case's own. */
	pc_kmsg_note_device(&x->r->km, x->dev.devnum);
	pc_kmsg_note_device(&x->r->km, x->dev.flush_devnum);
	pc_kmsg_hold(&x->r->km);
	return 0;
}

static int phase_mkfs(struct case_ctx *x)
{
	double t = pc_now();
	int rc = pc_fs_mkfs(x->c->fs, x->c->mkfs_opts, x->dev.devpath);
	x->r->t.mkfs = pc_now() - t;
	if (rc < 0)
		return -1;
	if (pc_fs_mount(x->dev.devpath, x->mnt, x->c->fs, x->c->mount_opts) < 0)
		return -1;
	x->mounted = 1;
	const char *top = x->c->workload == PC_WORKLOAD_FIO ? x->fiodir
			  : x->c->layout == PC_LAYOUT_SNAPSHOTS ? x->snapdir : x->rootfs;
	if (mkdir(top, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", top);
	return 0;
}

static int save_manifest(struct case_ctx *x)
{
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), x->r->case_dir, "manifest.txt") < 0)
		return -1;
	return pc_manifest_save(x->manifest, path);
}

/* ---- layout = snapshots: writing ------------------------------------------ */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open directory %s", dir);
	int rc = fsync(fd);
	int err = errno;
	close(fd);
	if (rc < 0)
		return pc_fail_errno(PC_ERR_RUN, err, "fsync directory %s", dir);
	return 0;
}

/* snapshots/N and snapshots/N/fs of layer I (0-based). */
static int layer_dirs(struct case_ctx *x, size_t i, char *dir, char *fs)
{
	char name[32];
	snprintf(name, sizeof(name), "%zu", i + 1);
	if (pc_path_join(dir, PATH_MAX, x->snapdir, name) < 0 ||
	    pc_path_join(fs, PATH_MAX, dir, "fs") < 0)
		return -1;
	return 0;
}

static int save_layer_manifest(struct case_ctx *x, size_t i)
{
	char name[64], path[PATH_MAX];
	snprintf(name, sizeof(name), "manifest-layer%zu.txt", i + 1);
	if (pc_path_join(path, sizeof(path), x->r->case_dir, name) < 0)
		return -1;
	return pc_manifest_save(x->layer_m[i], path);
}

static void layer_commit_record(struct case_ctx *x, size_t i, struct pc_commit *rec)
{
	memset(rec, 0, sizeof(*rec));
	unsigned char digest[32];
	pc_manifest_digest(x->layer_m[i], digest);
	pc_hex(digest, sizeof(digest), rec->manifest_sha256);
	snprintf(rec->case_id, sizeof(rec->case_id), "%s", x->c->id);
	snprintf(rec->mode, sizeof(rec->mode), "%s", pc_mode_name(x->c->mode));
	rec->entries = pc_manifest_count(x->layer_m[i]);
	rec->layer = (unsigned)i + 1;
}

/* One layer as containerd commits it: unpack into snapshots/N/fs, apply
 * the durability mode to that folder, then the commit record in
 * snapshots/N.  The record's own path is made durable too (snapshots/ and
 * the filesystem root), as a metadata store at a durable path would be:
 * the promise is that the record can be found after a crash. */
static int write_layer(struct case_ctx *x, size_t i, const char *layer,
		       const struct pc_manifest *lower)
{
	char dir[PATH_MAX], fs[PATH_MAX];
	if (layer_dirs(x, i, dir, fs) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0 || mkdir(fs, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", fs);

	char phase[64];
	snprintf(phase, sizeof(phase), "unpack %zu/%zu", i + 1, x->nlayer_m);
	pc_progress_phase(phase);
	struct pc_unpack_stats us = { 0 };
	double t = pc_now();
	int rc = pc_unpack_layer_overlay(layer, (unsigned)i, lower, fs, &x->layer_m[i], &us,
					 pc_progress_bytes, NULL);
	x->r->t.unpack += pc_now() - t;
	if (rc < 0)
		return -1;
	x->r->bytes += us.bytes;
	if (save_layer_manifest(x, i) < 0 || pc_check_interrupted() < 0)
		return -1;

	pc_progress_phase(pc_mode_name(x->c->mode));
	struct pc_sync_stats ss = { 0 };
	t = pc_now();
	rc = pc_durability_apply(x->c->mode, fs, &ss);
	x->r->t.sync += pc_now() - t;
	x->r->fsyncs += ss.fsyncs;
	if (rc < 0 || pc_check_interrupted() < 0)
		return -1;

	pc_progress_phase("commit");
	struct pc_commit rec;
	layer_commit_record(x, i, &rec);
	t = pc_now();
	rc = pc_commit_write(dir, &rec);
	if (rc == 0)
		rc = fsync_dir(x->snapdir);
	if (rc == 0)
		rc = fsync_dir(x->mnt);
	x->r->t.commit += pc_now() - t;
	return rc;
}

static int write_snapshots(struct case_ctx *x)
{
	/* The image manifest: what the merged view must show. */
	const char *const *layers = pc_image_layer_paths(&x->img);
	if (pc_image_scan(layers, x->img.nlayers, &x->manifest, NULL) < 0 ||
	    save_manifest(x) < 0) {
		free((void *)layers);
		return -1;
	}
	x->r->entries = pc_manifest_count(x->manifest);
	x->nlayer_m = x->img.nlayers;
	pc_progress_total(0); /* each layer's unpack counts from 0: bytes only */
	x->layer_m = xcalloc(x->nlayer_m ? x->nlayer_m : 1, sizeof(*x->layer_m));

	int rc = 0;
	/* The merged view of the layers committed so far, for the next one. */
	struct pc_manifest *lower = pc_manifest_new();
	for (size_t i = 0; i < x->nlayer_m && rc == 0; i++) {
		rc = write_layer(x, i, layers[i], i ? lower : NULL);
		if (rc == 0)
			pc_overlay_merge(lower, x->layer_m[i], (unsigned)i);
	}
	pc_manifest_free(lower);
	free((void *)layers);
	return rc;
}

static int write_flat(struct case_ctx *x)
{
	pc_progress_phase("unpack");
	struct pc_unpack_stats us = { 0 };
	const char *const *layers = pc_image_layer_paths(&x->img);
	double t = pc_now();
	int rc = pc_unpack_layers(layers, x->img.nlayers, x->rootfs, &x->manifest, &us,
				  pc_progress_bytes, NULL);
	x->r->t.unpack = pc_now() - t;
	free((void *)layers);
	if (rc < 0)
		return -1;
	x->r->entries = us.entries;
	x->r->bytes = us.bytes;
	if (save_manifest(x) < 0 || pc_check_interrupted() < 0)
		return -1;

	pc_progress_phase(pc_mode_name(x->c->mode));
	struct pc_sync_stats ss = { 0 };
	t = pc_now();
	rc = pc_durability_apply(x->c->mode, x->rootfs, &ss);
	x->r->t.sync = pc_now() - t;
	x->r->fsyncs = ss.fsyncs;
	if (rc < 0 || pc_check_interrupted() < 0)
		return -1;

	pc_progress_phase("commit");
	struct pc_commit rec = { 0 };
	unsigned char digest[32];
	pc_manifest_digest(x->manifest, digest);
	pc_hex(digest, sizeof(digest), rec.manifest_sha256);
	snprintf(rec.case_id, sizeof(rec.case_id), "%s", x->c->id);
	snprintf(rec.mode, sizeof(rec.mode), "%s", pc_mode_name(x->c->mode));
	rec.entries = pc_manifest_count(x->manifest);
	t = pc_now();
	rc = pc_commit_write(x->mnt, &rec);
	x->r->t.commit = pc_now() - t;
	return rc;
}

/* workload = fio: the job, then (cut_at = end) the durability mode on its
 * folder and the commit record, as for an image.  A mid-run cut has already
 * happened when pc_fio_write returns. */
static int write_fio(struct case_ctx *x)
{
	/* The job's folder is set-up, not workload: durable before fio runs,
	 * so that a cut can only take what fio wrote. */
	if (fsync_dir(x->fiodir) < 0 || fsync_dir(x->mnt) < 0)
		return -1;
	pc_progress_phase("fio");
	double t = pc_now();
	int rc = pc_fio_write(&x->fio, &x->r->fio);
	x->r->t.unpack = pc_now() - t;
	if (rc < 0)
		return -1;
	x->r->bytes = x->r->fio.write_bytes;
	x->r->entries = x->r->fio.write_ios;
	if (x->r->fio.midrun || pc_check_interrupted() < 0)
		return pc_check_interrupted();

	pc_progress_phase(pc_mode_name(x->c->mode));
	struct pc_sync_stats ss = { 0 };
	t = pc_now();
	rc = pc_durability_apply(x->c->mode, x->fiodir, &ss);
	x->r->t.sync = pc_now() - t;
	x->r->fsyncs = ss.fsyncs;
	if (rc < 0 || pc_check_interrupted() < 0)
		return -1;

	pc_progress_phase("commit");
	struct pc_commit rec = { 0 };
	/* What was committed: this job file's writes. */
	size_t len = 0;
	char *text = pc_read_file(x->c->fio_job, &len);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	if (!text || !EVP_Digest(text, len, digest, &dlen, EVP_sha256(), NULL) || dlen != 32) {
		free(text);
		return pc_fail(PC_ERR_RUN, "sha256 of %s", x->c->fio_job);
	}
	free(text);
	pc_hex(digest, 32, rec.manifest_sha256);
	snprintf(rec.case_id, sizeof(rec.case_id), "%s", x->c->id);
	snprintf(rec.mode, sizeof(rec.mode), "%s", pc_mode_name(x->c->mode));
	rec.entries = x->r->fio.write_ios;
	t = pc_now();
	rc = pc_commit_write(x->mnt, &rec);
	x->r->t.commit = pc_now() - t;
	return rc;
}

/* The device's counters at one moment; flushes may be counted on another
 * device (backend.h, flush_devnum). */
struct io_mark {
	struct pc_iostat dev, flush;
};

static int io_mark(const struct case_ctx *x, struct io_mark *m)
{
	memset(m, 0, sizeof(*m));
	if (pc_iostat_read(x->dev.devnum, &m->dev) < 0)
		return -1;
	if (x->dev.flush_devnum && pc_iostat_read(x->dev.flush_devnum, &m->flush) < 0)
		return -1;
	return 0;
}

/* unpack + durability + commit: the I/O counters cover exactly these. */
static int phase_write(struct case_ctx *x)
{
	struct io_mark before, after;
	if (io_mark(x, &before) < 0)
		return -1;
	/* Crash points are picked from here on: a cut inside mkfs leaves no
	 * filesystem, which proves nothing about the workload. */
	if (x->c->crash_points && x->dev.ops->log_mark_workload(&x->dev) < 0)
		return -1;
	int rc = x->c->workload == PC_WORKLOAD_FIO ? write_fio(x)
		 : x->c->layout == PC_LAYOUT_SNAPSHOTS ? write_snapshots(x) : write_flat(x);
	if (rc < 0 || io_mark(x, &after) < 0)
		return -1;
	pc_iostat_sub(&after.dev, &before.dev, &x->r->io);
	if (x->dev.flush_devnum) {
		struct pc_iostat fl;
		pc_iostat_sub(&after.flush, &before.flush, &fl);
		x->r->io.flushes = fl.flushes;
	}
	return 0;
}

static void describe_result(char *out, size_t len, int rc, int err)
{
	if (rc == 0)
		snprintf(out, len, "ok");
	else
		snprintf(out, len, "%s", strerror(err));
}

/* The power cut: from the commit on, the device loses (or fails) every
 * write.  No sleep between commit and cut. */
static int phase_cut(struct case_ctx *x)
{
	pc_progress_phase("cut");
	double t = pc_now();
	/* A mid-run fio cut switched the device already. */
	if (x->dev.mode != x->c->cut && x->dev.ops->set_mode(&x->dev, x->c->cut) < 0)
		return -1;
	x->r->cache_lost_blocks = x->dev.cache_lost_blocks;
	x->r->cache_lost_bytes = x->dev.cache_lost_bytes;
	if (x->c->cut == PC_FLAKEY_ERROR) {
		/* Record what the filesystem reports once writes fail. */
		int fd = open(x->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int rc = fd < 0 ? -1 : syncfs(fd);
		describe_result(x->r->cut_syncfs, sizeof(x->r->cut_syncfs), rc, errno);
		if (fd >= 0)
			close(fd);
	}
	int urc = umount2(x->mnt, 0);
	describe_result(x->r->cut_umount, sizeof(x->r->cut_umount), urc, errno);
	if (urc < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "umount %s after the cut", x->mnt);
	x->mounted = 0;
	/* Gone for good before writes pass again: a copy of the mount in
	 * another namespace would write back on its release, after the cut. */
	if (pc_fs_wait_released(x->dev.devpath) < 0)
		return -1;
	/* Invalidate cached blocks while writes are still lost, then again
	 * after allow: the remount must read what the device really holds. */
	if (pc_blk_flush_buffers(x->dev.devpath) < 0)
		return -1;
	if (x->dev.ops->set_mode(&x->dev, PC_FLAKEY_ALLOW) < 0)
		return -1;
	if (pc_blk_flush_buffers(x->dev.devpath) < 0)
		return -1;
	pc_progress_phase("remount");
	if (pc_fs_mount(x->dev.devpath, x->mnt, x->c->fs, x->c->mount_opts) < 0)
		return -1;
	x->mounted = 1;
	x->r->t.remount = pc_now() - t;
	return 0;
}

static int save_findings(struct case_ctx *x)
{
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), x->r->case_dir, "findings.txt") < 0)
		return -1;
	FILE *f = fopen(path, "w");
	if (!f)
		return pc_fail_errno(PC_ERR_RUN, errno, "create %s", path);
	const struct pc_verify_result *vr = &x->r->vr;
	for (size_t i = 0; i < vr->nfindings; i++) {
		char *fpath = pc_esc_text(vr->findings[i].path);
		char *detail = pc_esc_text(vr->findings[i].detail);
		fprintf(f, "%s %s: %s\n", pc_finding_name(vr->findings[i].kind), fpath, detail);
		free(fpath);
		free(detail);
	}
	int failed = ferror(f);
	if (fclose(f) != 0 || failed)
		return pc_fail_errno(PC_ERR_RUN, errno ? errno : EIO, "write %s", path);
	return 0;
}

/* ---- layout = snapshots: verifying ---------------------------------------- */

static void count_view(struct pc_view_counts *v, const struct pc_verify_result *vr)
{
	v->checked = vr->checked;
	v->lost = vr->lost;
	memcpy(v->counts, vr->counts, sizeof(v->counts));
}

/* Add VR to the case's result, its findings' paths under PREFIX; VR is
 * consumed. */
static void absorb(struct pc_verify_result *all, struct pc_verify_result *vr,
		   const char *prefix)
{
	for (int k = 0; k < PC_F_NKINDS; k++)
		all->counts[k] += vr->counts[k];
	all->lost += vr->lost;
	all->checked += vr->checked;
	all->findings = xrealloc(all->findings, (all->nfindings + vr->nfindings + 1) *
						sizeof(*all->findings));
	for (size_t i = 0; i < vr->nfindings; i++) {
		struct pc_finding *f = &vr->findings[i];
		char *path = strcmp(f->path, ".") ? xasprintf("%s/%s", prefix, f->path)
						  : xstrdup(prefix);
		free(f->path);
		f->path = path;
		all->findings[all->nfindings++] = *f;
	}
	free(vr->findings);
	vr->findings = NULL;
	vr->nfindings = 0;
	pc_verify_result_free(vr);
}

/* Layer I: its commit record, and if that survived, its folder against its
 * own manifest. */
static int verify_layer(struct case_ctx *x, size_t i)
{
	struct pc_layer_result *lr = &x->r->layers[i];
	lr->entries = pc_manifest_count(x->layer_m[i]);
	char dir[PATH_MAX], fs[PATH_MAX];
	if (layer_dirs(x, i, dir, fs) < 0)
		return -1;
	struct stat st;
	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0; /* the whole snapshot folder is gone: not committed */
		return pc_fail_errno(PC_ERR_RUN, errno, "stat %s", dir);
	}
	struct pc_commit rec, want;
	int rc = pc_commit_read(dir, &rec);
	if (rc < 0)
		return -1;
	layer_commit_record(x, i, &want);
	lr->committed = rc == 1 && rec.layer == want.layer &&
			!strcmp(rec.manifest_sha256, want.manifest_sha256);
	if (!lr->committed)
		return 0;
	x->r->layers_committed++;
	struct pc_verify_result vr;
	if (pc_verify_tree(x->layer_m[i], fs, &vr) < 0)
		return -1;
	count_view(&lr->v, &vr);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "snapshots/%zu/fs", i + 1);
	absorb(&x->r->vr, &vr, prefix);
	return 0;
}

/* lowerdir=snapshots/K/fs:...:snapshots/1/fs (top first); NULL (message
 * printed) if a path holds a character the option syntax cannot carry or
 * the whole does not fit in the page mount(2) takes. */
static char *lowerdir_option(struct case_ctx *x)
{
	char *opt = xstrdup("lowerdir=");
	for (size_t i = x->nlayer_m; i-- > 0;) {
		char dir[PATH_MAX], fs[PATH_MAX];
		if (layer_dirs(x, i, dir, fs) < 0) {
			free(opt);
			return NULL;
		}
		if (strpbrk(fs, ":,\\")) {
			pc_fail(PC_ERR_INPUT, "%s: the work folder path holds ':', ',' or '\\', "
				"which overlay options cannot carry; choose another --workdir", fs);
			free(opt);
			return NULL;
		}
		char *next = xasprintf("%s%s%s", opt, i + 1 == x->nlayer_m ? "" : ":", fs);
		free(opt);
		opt = next;
	}
	if (strlen(opt) >= 4096) {
		pc_fail(PC_ERR_RUN, "overlay mount of %zu layers: the lowerdir option is %zu bytes, "
			"more than mount(2) takes", x->nlayer_m, strlen(opt));
		free(opt);
		return NULL;
	}
	return opt;
}

/* Mount the merged view read-only on x->merged: overlayfs over the layer
 * folders, or, for a single layer, a read-only bind mount of its folder
 * (overlayfs needs two lower layers without an upper one; containerd
 * bind-mounts a single layer too). */
static int mount_merged(struct case_ctx *x)
{
	if (mkdir(x->merged, 0755) < 0 && errno != EEXIST)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", x->merged);
	if (x->nlayer_m == 1) {
		char dir[PATH_MAX], fs[PATH_MAX];
		if (layer_dirs(x, 0, dir, fs) < 0)
			return -1;
		if (mount(fs, x->merged, NULL, MS_BIND, NULL) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "bind mount %s on %s", fs, x->merged);
		x->merged_mounted = 1;
		if (mount(NULL, x->merged, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "remount %s read-only", x->merged);
		return 0;
	}
	char *opt = lowerdir_option(x);
	if (!opt)
		return -1;
	int rc = mount("overlay", x->merged, "overlay", MS_RDONLY, opt);
	if (rc < 0)
		pc_fail_errno(errno == ENODEV ? PC_ERR_ENV : PC_ERR_RUN, errno,
			      "mount overlay on %s (%s)", x->merged, opt);
	else
		x->merged_mounted = 1;
	free(opt);
	return rc;
}

static int umount_merged(struct case_ctx *x)
{
	if (!x->merged_mounted)
		return 0;
	if (umount2(x->merged, 0) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "umount %s", x->merged);
	x->merged_mounted = 0;
	return 0;
}

/* The merged view against the image manifest. */
static int verify_merged(struct case_ctx *x)
{
	for (size_t i = 0; i < x->nlayer_m; i++) {
		char dir[PATH_MAX], fs[PATH_MAX];
		struct stat st;
		if (layer_dirs(x, i, dir, fs) < 0)
			return -1;
		if (stat(fs, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(x->r->overlay_why, sizeof(x->r->overlay_why),
				 "layer folder snapshots/%zu/fs is gone", i + 1);
			return 0;
		}
	}
	if (mount_merged(x) < 0)
		return -1;
	struct pc_verify_result vr;
	int rc = pc_verify_tree(x->manifest, x->merged, &vr);
	if (umount_merged(x) < 0) {
		if (rc == 0)
			pc_verify_result_free(&vr);
		return -1;
	}
	if (rc < 0)
		return -1;
	x->r->overlay_verified = 1;
	count_view(&x->r->overlay, &vr);
	absorb(&x->r->vr, &vr, "merged");
	return 0;
}

static int phase_verify_snapshots(struct case_ctx *x)
{
	x->r->nlayers = x->nlayer_m;
	x->r->layers = xcalloc(x->nlayer_m ? x->nlayer_m : 1, sizeof(*x->r->layers));
	for (size_t i = 0; i < x->nlayer_m; i++)
		if (verify_layer(x, i) < 0)
			return -1;
	x->r->committed = x->r->layers_committed == x->nlayer_m;
	return verify_merged(x);
}

static int phase_verify(struct case_ctx *x)
{
	pc_progress_phase("verify");
	double t = pc_now();
	if (x->c->workload == PC_WORKLOAD_FIO) {
		if (!x->r->fio.midrun) {
			struct pc_commit rec;
			int rc = pc_commit_read(x->mnt, &rec);
			if (rc < 0)
				return -1;
			x->r->committed = rc == 1;
		}
		if (pc_fio_test_damage(x->fiodir) < 0 ||
		    pc_fio_verify(&x->fio, &x->r->fio, &x->r->vr) < 0)
			return -1;
	} else if (x->c->layout == PC_LAYOUT_SNAPSHOTS) {
		if (phase_verify_snapshots(x) < 0)
			return -1;
	} else {
		struct pc_commit rec;
		int rc = pc_commit_read(x->mnt, &rec);
		if (rc < 0)
			return -1;
		x->r->committed = rc == 1;
		struct stat st;
		if (lstat(x->rootfs, &st) < 0 && errno == ENOENT)
			pc_verify_all_missing(x->manifest, &x->r->vr);
		else if (pc_verify_tree(x->manifest, x->rootfs, &x->r->vr) < 0)
			return -1;
	}
	x->r->t.verify = pc_now() - t;
	return save_findings(x);
}

static int phase_fsck(struct case_ctx *x)
{
	pc_progress_phase("fsck");
	if (pc_fs_umount(x->mnt) < 0)
		return -1;
	x->mounted = 0;
	double t = pc_now();
	x->r->fsck = pc_fs_fsck(x->c->fs, x->dev.devpath, &x->r->fsck_output);
	x->r->t.fsck = pc_now() - t;
	/* A ^C reaches the fsck too (same process group): its verdict is then
	 * meaningless, and must not be recorded as corruption. */
	if (pc_interrupted) {
		x->r->fsck = PC_FSCK_SKIPPED;
		return pc_check_interrupted();
	}
	if (x->r->fsck == PC_FSCK_SKIPPED) /* the tool could not run (said why) */
		return -1;
	if (x->r->fsck_output) {
		char path[PATH_MAX];
		if (pc_path_join(path, sizeof(path), x->r->case_dir, "fsck.log") == 0)
			pc_write_file(path, x->r->fsck_output, strlen(x->r->fsck_output), 0);
	}
	return 0;
}

/* After the case: the same workload, cut at other moments (crashpoints.h). */
static int phase_crash_points(struct case_ctx *x)
{
	if (!x->c->crash_points)
		return 0;
	pc_progress_phase("crash points");
	double t = pc_now();
	if (x->dev.ops->log_finish(&x->dev) < 0)
		return -1;
	const struct pc_crash_target target = {
		.fstype = x->c->fs,
		.mount_opts = x->c->mount_opts,
		.manifest = x->manifest,
		.workdir = x->work,
		.size = x->dev_size,
		.first_flush = x->dev.log_first_flush,
		.subsets = x->c->crash_subsets,
		.expect_intact = x->c->expect == PC_EXPECT_INTACT,
	};
	int rc = pc_crash_points_check(x->dev.log_path, x->c->crash_points, &target, &x->r->cp);
	x->r->t.crash_points = pc_now() - t;
	return rc;
}

static void teardown(struct case_ctx *x)
{
	/* The overlay pins the filesystem below it: first. */
	if (x->merged_mounted && umount2(x->merged, 0) < 0 &&
	    umount2(x->merged, MNT_DETACH) < 0)
		pc_warn("umount %s: %s", x->merged, strerror(errno));
	x->merged_mounted = 0;
	if (x->mounted && umount2(x->mnt, 0) < 0 && umount2(x->mnt, MNT_DETACH) < 0)
		pc_warn("umount %s: %s", x->mnt, strerror(errno));
	x->mounted = 0;
	if (x->dev_made) {
		x->dev.ops->destroy(&x->dev);
		pc_kmsg_release_devices(&x->r->km);
	}
	x->dev_made = 0;
	if (x->img_open)
		pc_image_close(&x->img);
	x->img_open = 0;
	/* Anything a phase left mounted or attached below the case folder. */
	pc_state_teardown_dir(x->work, 0);
	if (!x->o->keep)
		pc_rmtree(x->work);
	pc_manifest_free(x->manifest);
	x->manifest = NULL;
	for (size_t i = 0; i < x->nlayer_m; i++)
		pc_manifest_free(x->layer_m[i]);
	free(x->layer_m);
	x->layer_m = NULL;
	x->nlayer_m = 0;
}

static void case_dir_name(const struct pc_case *c, const char *outdir, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/cases/", outdir);
	for (const char *p = c->id; *p && (size_t)n + 1 < len; p++)
		out[n++] = (*p == '/' || *p == ' ') ? '_' : *p;
	out[n] = '\0';
}

static enum pc_errclass run_case(const struct pc_case *c, const struct pc_run_opts *o,
				 const char *runwork, unsigned index, struct pc_case_result *r)
{
	struct case_ctx x = { .c = c, .o = o, .r = r, .runwork = runwork };
	r->c = c;
	r->backend = c->backend;
	r->fsck = PC_FSCK_SKIPPED;
	pc_capture_errors(r->reason, sizeof(r->reason));
	pc_last_errclass = PC_ERR_NONE;

	double t0 = pc_now();
	int rc = phase_prepare(&x, index);
	if (rc == 0)
		rc = phase_device(&x);
	if (rc == 0 && c->probe) {
		/* Before mkfs: the probe overwrites the device. */
		pc_progress_phase("probe");
		rc = pc_probe_run(x.dev.devpath, x.work, r->case_dir, &r->device);
		/* Nothing the probe left cached may be read back after mkfs. */
		if (rc == 0)
			rc = pc_blk_flush_buffers(x.dev.devpath);
	}
	if (rc == 0)
		rc = pc_check_interrupted();
	if (rc == 0) {
		pc_progress_phase("mkfs");
		rc = phase_mkfs(&x);
	}
	if (rc == 0)
		rc = phase_write(&x);
	if (rc == 0)
		rc = phase_cut(&x);
	if (rc == 0)
		rc = phase_verify(&x);
	if (rc == 0)
		rc = phase_fsck(&x);
	if (rc == 0)
		rc = phase_crash_points(&x);
	enum pc_errclass cls = rc < 0 ? pc_last_errclass : PC_ERR_NONE;
	if (rc < 0) {
		r->verdict = PC_VERDICT_ERROR;
		if (cls == PC_ERR_NONE)
			cls = PC_ERR_RUN;
	}
	pc_progress_phase("teardown");
	teardown(&x);
	pc_capture_errors(NULL, 0);
	r->t.total = pc_now() - t0;
	pc_verdict_judge(r);
	return cls;
}

static void signal_handler(int sig)
{
	pc_interrupted = sig;
}

static void install_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = signal_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: long waits return EINTR and the phase ends early. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int pc_runner_run(const struct pc_scenario *sc, const struct pc_run_opts *o,
		  struct pc_run_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc->path;
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(rep->kernel, sizeof(rep->kernel), "%s", u.release);
	rep->results = xcalloc(sc->ncases ? sc->ncases : 1, sizeof(*rep->results));

	if (pc_mkdir_p(o->outdir, 0755) < 0)
		return PC_EXIT_ENV;
	/* Handlers first: a signal before them kills us before anything is
	 * registered; one after them is seen by the loop, and the registered
	 * folder is removed on the way out. */
	install_signals();
	char runwork[PATH_MAX];
	if (pc_state_begin(o->workbase, runwork, sizeof(runwork)) < 0)
		return pc_exit_for_error(PC_EXIT_ENV);
	pc_progress_init();

	enum pc_errclass worst = PC_ERR_NONE;
	int failed = 0;
	for (size_t i = 0; i < sc->ncases && !pc_interrupted; i++) {
		pc_progress_case((unsigned)i + 1, (unsigned)sc->ncases, sc->cases[i].id);
		struct pc_case_result *r = &rep->results[rep->nresults++];
		case_dir_name(&sc->cases[i], o->outdir, r->case_dir, sizeof(r->case_dir));
		enum pc_errclass cls = pc_attempts_run(run_case, &sc->cases[i], o, runwork,
						       (unsigned)i, r, rep->kernel);
		if (cls > worst)
			worst = cls;
		if (pc_outcome_fails(r->outcome, o->flaky_ok))
			failed = 1;
	}
	pc_progress_clear();
	if (o->keep) {
		pc_state_release(runwork);
		fprintf(stderr, "powercut: kept the work folder %s (backing images in case-N/)\n",
			runwork);
	} else {
		pc_state_end(runwork);
	}
	free(size_cache.key);
	size_cache.key = NULL;

	if (pc_interrupted)
		return 128 + pc_interrupted;
	if (worst == PC_ERR_ENV)
		return PC_EXIT_ENV;
	if (worst == PC_ERR_INPUT)
		return PC_EXIT_USAGE;
	return failed ? PC_EXIT_FAIL : PC_EXIT_OK;
}

void pc_case_result_release(struct pc_case_result *r)
{
	pc_verify_result_free(&r->vr);
	pc_crash_points_free(&r->cp);
	free(r->fsck_output);
	r->fsck_output = NULL;
	free(r->layers);
	r->layers = NULL;
	r->nlayers = 0;
}

void pc_run_report_free(struct pc_run_report *rep)
{
	for (size_t i = 0; i < rep->nresults; i++) {
		pc_case_result_release(&rep->results[i]);
		free(rep->results[i].attempts);
	}
	free(rep->results);
	rep->results = NULL;
	rep->nresults = 0;
}
