/* layout_snapshots.c - layout = snapshots: the image stored as containerd's
 * overlayfs snapshotter does, snapshots/N/fs, one layer at a time (unpack,
 * durability mode, commit record in snapshots/N).  After the cut every
 * committed layer folder is checked against its own manifest, and then the
 * merged view through a read-only overlay mount against the image's. */
#include "workload/layout.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/commit.h"
#include "run/progress.h"
#include "image/unpack.h"
#include "util/strbuf.h"
#include "util/util.h"
#include "check/verify.h"
#include "fs/fs.h"

struct snapshots {
	char snapdir[PATH_MAX];        /* mnt/snapshots */
	char merged[PATH_MAX];         /* overlay mountpoint, in the work folder */
	int merged_mounted;
	struct pc_manifest **layer_m;  /* each layer's own manifest */
	size_t nlayer_m;
};

static struct snapshots *state(struct pc_layout_job *j)
{
	if (!j->priv) {
		struct snapshots *s = xcalloc(1, sizeof(*s));
		if (pc_path_join(s->snapdir, sizeof(s->snapdir), j->mnt, "snapshots") < 0 ||
		    pc_path_join(s->merged, sizeof(s->merged), j->work, "merged") < 0) {
			free(s);
			return NULL;
		}
		j->priv = s;
	}
	return j->priv;
}

/* snapshots/N and snapshots/N/fs of layer I (0-based). */
static int layer_dirs(const struct snapshots *s, size_t i, char *dir, char *fs)
{
	char name[32];
	snprintf(name, sizeof(name), "%zu", i + 1);
	if (pc_path_join(dir, PATH_MAX, s->snapdir, name) < 0 ||
	    pc_path_join(fs, PATH_MAX, dir, "fs") < 0)
		return -1;
	return 0;
}

/* ---- writing -------------------------------------------------------------- */

/* One layer as containerd commits it: unpack into snapshots/N/fs, apply
 * the durability mode to that folder, then the commit record in
 * snapshots/N.  The record's own path is made durable too (snapshots/ and
 * the filesystem root), as a metadata store at a durable path would be:
 * the promise is that the record can be found after a crash. */
static int write_layer(struct pc_layout_job *j, struct snapshots *s, size_t i,
		       const struct pc_manifest *lower)
{
	char dir[PATH_MAX], fs[PATH_MAX];
	if (layer_dirs(s, i, dir, fs) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0 || mkdir(fs, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", fs);

	char phase[64];
	snprintf(phase, sizeof(phase), "unpack %zu/%zu", i + 1, s->nlayer_m);
	pc_progress_phase(phase);
	struct pc_unpack_stats us = { 0 };
	pc_layout_before_unpack(j);
	double t = pc_now();
	int rc = pc_unpack_layer_overlay(j->layers[i], (unsigned)i, lower, fs, &s->layer_m[i], &us,
					 pc_progress_bytes, NULL);
	j->r->t.unpack += pc_now() - t;
	if (rc < 0)
		return -1;
	j->r->bytes += us.bytes;
	j->r->fsyncs += us.early_fsyncs;
	char name[64];
	snprintf(name, sizeof(name), "manifest-layer%zu.txt", i + 1);
	if (pc_layout_save_manifest(j, s->layer_m[i], name) < 0 || pc_check_interrupted() < 0)
		return -1;
	if (pc_layout_make_durable(j, fs) < 0)
		return -1;
	const char *const parents[] = { s->snapdir, j->mnt, NULL };
	return pc_layout_commit(j, dir, s->layer_m[i], (unsigned)i + 1, parents);
}

/* The merged view needs overlayfs: without it, say so before the layers
 * are unpacked (under a VM without the module that took minutes per case),
 * not when the view is mounted.  A module is loaded on a filesystem's first
 * mount; modprobe stands in for that here. */
static int overlay_available(void)
{
	int has = pc_fs_kernel_has("overlay");
	if (has == 0 && pc_modprobe_quiet("overlay"))
		has = pc_fs_kernel_has("overlay");
	if (has != 0)
		return 0; /* there, or /proc unreadable: the mount will tell */
	char why[256];
	pc_fs_missing_why("overlay", why, sizeof(why));
	return pc_fail(PC_ERR_ENV, "layout = snapshots: %s", why);
}

static int snapshots_setup(struct pc_layout_job *j)
{
	struct snapshots *s = state(j);
	if (!s || overlay_available() < 0)
		return -1;
	if (mkdir(s->snapdir, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", s->snapdir);
	return 0;
}

static int snapshots_write(struct pc_layout_job *j)
{
	struct snapshots *s = state(j);
	if (!s)
		return -1;
	/* The image manifest: what the merged view must show (the run's scan
	 * when there was one). */
	if (j->known)
		j->manifest = pc_manifest_copy(j->known);
	else if (pc_image_scan_digests(j->layers, j->nlayers, PC_HASH_SHA256 | PC_HASH_XXH3,
				       &j->manifest, NULL) < 0)
		return -1;
	if (pc_layout_save_manifest(j, j->manifest, "manifest.txt") < 0)
		return -1;
	j->r->entries = pc_manifest_count(j->manifest);
	s->nlayer_m = j->nlayers;
	pc_progress_total(0); /* each layer's unpack counts from 0: bytes only */
	s->layer_m = xcalloc(s->nlayer_m ? s->nlayer_m : 1, sizeof(*s->layer_m));

	int rc = 0;
	/* The merged view of the layers committed so far, for the next one. */
	struct pc_manifest *lower = pc_manifest_new();
	for (size_t i = 0; i < s->nlayer_m && rc == 0; i++) {
		rc = write_layer(j, s, i, i ? lower : NULL);
		if (rc == 0)
			pc_overlay_merge(lower, s->layer_m[i], (unsigned)i);
	}
	pc_manifest_free(lower);
	/* Each layer folder is checked, its whiteouts too: only when every one
	 * is empty is there nothing to check. */
	uint64_t held = 0;
	for (size_t i = 0; i < s->nlayer_m && rc == 0; i++)
		held += pc_manifest_count(s->layer_m[i]);
	if (rc == 0 && held == 0)
		rc = pc_layout_check_not_empty(j, j->manifest);
	return rc;
}

/* ---- verifying ------------------------------------------------------------ */

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

/* 1 if PATH is a folder itself (lstat: not a symlink to one), 0 if it is
 * gone or something else, -1 (message printed) if it cannot be told.
 * After the cut snapshots/, snapshots/N and snapshots/N/fs are read and
 * mounted only when they are folders, so that a folder the damage turned
 * into a symlink (to /etc, or to a copy elsewhere) never brings in a tree
 * from outside the filesystem under test. */
static int real_dir(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return S_ISDIR(st.st_mode);
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return pc_fail_errno(PC_ERR_RUN, errno, "stat %s", path);
}

/* real_dir of snapshots/ and then of its layer folder DIR (snapshots/N):
 * 1 only if both are folders. */
static int layer_dir_there(const struct snapshots *s, const char *dir)
{
	int here = real_dir(s->snapdir);
	return here == 1 ? real_dir(dir) : here;
}

/* Layer I: its commit record, and if that survived, its folder against its
 * own manifest. */
static int verify_layer(struct pc_layout_job *j, struct snapshots *s, size_t i)
{
	struct pc_layer_result *lr = &j->r->layers[i];
	lr->entries = pc_manifest_count(s->layer_m[i]);
	char dir[PATH_MAX], fs[PATH_MAX];
	if (layer_dirs(s, i, dir, fs) < 0)
		return -1;
	int here = layer_dir_there(s, dir);
	if (here < 0)
		return -1;
	if (here == 0)
		return 0; /* the snapshot folder is gone or no longer one: not committed */
	struct pc_commit rec, want;
	int rc = pc_commit_read(dir, &rec);
	if (rc < 0)
		return -1;
	pc_commit_build(&want, s->layer_m[i], j->c->id, pc_mode_name(j->c->mode),
			(unsigned)i + 1);
	lr->committed = rc == 1 && rec.layer == want.layer &&
			!strcmp(rec.manifest_sha256, want.manifest_sha256);
	if (!lr->committed)
		return 0;
	j->r->layers_committed++;
	struct pc_verify_result vr; /* a lost layer folder is a loss, as in the flat layout */
	if (pc_verify_tree_after_cut(s->layer_m[i], fs, &vr) < 0)
		return -1;
	count_view(&lr->v, &vr);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "snapshots/%zu/fs", i + 1);
	absorb(&j->r->vr, &vr, prefix);
	return 0;
}

/* lowerdir=K/fs:...:1/fs (top first), relative to snapshots/ as
 * containerd compacts it: absolute paths would pass the page mount(2)
 * takes at about 80 layers (Docker allows 127), and could hold the ':', ','
 * or '\\' of a work folder, which the option syntax cannot carry.  NULL
 * (message printed) if even that does not fit. */
static char *lowerdir_option(const struct snapshots *s)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	pc_strbuf_puts(&b, "lowerdir=");
	for (size_t i = s->nlayer_m; i-- > 0;)
		pc_strbuf_printf(&b, "%s%zu/fs", i + 1 == s->nlayer_m ? "" : ":", i + 1);
	char *opt = pc_strbuf_release(&b);
	if (strlen(opt) >= 4096) {
		pc_fail(PC_ERR_RUN, "overlay mount of %zu layers: the lowerdir option is %zu bytes, "
			"more than mount(2) takes", s->nlayer_m, strlen(opt));
		free(opt);
		return NULL;
	}
	return opt;
}

/* mount(2) the read-only overlay OPT on TARGET (absolute) from a child
 * whose working folder is DIR, so that OPT's relative lowerdirs resolve
 * there (our own working folder stays).  0, or -1 with errno. */
static int mount_overlay_from(const char *dir, const char *target, const char *opt)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) < 0 || mount("overlay", target, "overlay", MS_RDONLY, opt) < 0)
			_exit(errno > 0 && errno < 256 ? errno : EIO);
		_exit(0);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(ws)) {
		errno = EINTR;
		return -1;
	}
	errno = WEXITSTATUS(ws);
	return errno ? -1 : 0;
}

/* Mount the merged view read-only on s->merged: overlayfs over the layer
 * folders, or, for a single layer, a read-only bind mount of its folder
 * (overlayfs needs two lower layers without an upper one; containerd
 * bind-mounts a single layer too). */
static int mount_merged(struct snapshots *s)
{
	if (mkdir(s->merged, 0755) < 0 && errno != EEXIST)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", s->merged);
	if (s->nlayer_m == 1) {
		char dir[PATH_MAX], fs[PATH_MAX];
		if (layer_dirs(s, 0, dir, fs) < 0)
			return -1;
		if (mount(fs, s->merged, NULL, MS_BIND, NULL) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "bind mount %s on %s", fs, s->merged);
		s->merged_mounted = 1;
		if (mount(NULL, s->merged, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "remount %s read-only", s->merged);
		return 0;
	}
	char target[PATH_MAX];
	if (!realpath(s->merged, target))
		return pc_fail_errno(PC_ERR_RUN, errno, "realpath %s", s->merged);
	char *opt = lowerdir_option(s);
	if (!opt)
		return -1;
	int rc = mount_overlay_from(s->snapdir, target, opt);
	if (rc < 0 && errno == ENODEV && pc_fs_kernel_has("overlay") == 0) {
		/* No work folder in it: a qualify cell keeps 160 characters. */
		char why[256];
		pc_fs_missing_why("overlay", why, sizeof(why));
		pc_fail(PC_ERR_ENV, "mount overlay: %s", why);
	} else if (rc < 0)
		pc_fail_errno(errno == ENODEV ? PC_ERR_ENV : PC_ERR_RUN, errno,
			      "mount overlay on %s (%s, in %s)", s->merged, opt, s->snapdir);
	else
		s->merged_mounted = 1;
	free(opt);
	return rc;
}

static int umount_merged(struct snapshots *s)
{
	if (!s->merged_mounted)
		return 0;
	if (umount2(s->merged, 0) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "umount %s", s->merged);
	s->merged_mounted = 0;
	return 0;
}

/* The merged view against the image manifest. */
static int verify_merged(struct pc_layout_job *j, struct snapshots *s)
{
	for (size_t i = 0; i < s->nlayer_m; i++) {
		char dir[PATH_MAX], fs[PATH_MAX];
		if (layer_dirs(s, i, dir, fs) < 0)
			return -1;
		int here = layer_dir_there(s, dir);
		if (here == 1)
			here = real_dir(fs);
		if (here < 0)
			return -1;
		if (here == 0) {
			snprintf(j->r->overlay_why, sizeof(j->r->overlay_why),
				 "layer folder snapshots/%zu/fs is gone or not a folder", i + 1);
			return 0;
		}
	}
	if (mount_merged(s) < 0)
		return -1;
	struct pc_verify_result vr;
	int rc = pc_verify_view(j->manifest, s->merged, &vr);
	if (umount_merged(s) < 0) {
		if (rc == 0)
			pc_verify_result_free(&vr);
		return -1;
	}
	if (rc < 0)
		return -1;
	j->r->overlay_verified = 1;
	count_view(&j->r->overlay, &vr);
	absorb(&j->r->vr, &vr, "merged");
	return 0;
}

static int snapshots_verify(struct pc_layout_job *j)
{
	struct snapshots *s = state(j);
	if (!s)
		return -1;
	j->r->nlayers = s->nlayer_m;
	j->r->layers = xcalloc(s->nlayer_m ? s->nlayer_m : 1, sizeof(*j->r->layers));
	for (size_t i = 0; i < s->nlayer_m; i++)
		if (verify_layer(j, s, i) < 0)
			return -1;
	j->r->committed = j->r->layers_committed == s->nlayer_m;
	return verify_merged(j, s);
}

/* ---- results.json and teardown -------------------------------------------- */

/* A view that was not verified has null counts, never a reassuring 0. */
static void put_view_loss(json_t *o, int verified, const struct pc_view_counts *v)
{
	if (verified) {
		pc_json_put_int(o, "checked", v->checked);
		pc_json_put_int(o, "lost", v->lost);
	} else {
		json_object_set_new(o, "checked", json_null());
		json_object_set_new(o, "lost", json_null());
	}
}

static void snapshots_describe(json_t *o, const struct pc_case_result *res)
{
	pc_json_put_int(o, "layers_committed", res->layers_committed);
	json_t *layers = json_array();
	for (size_t i = 0; i < res->nlayers; i++) {
		const struct pc_layer_result *lr = &res->layers[i];
		json_t *jl = json_object();
		pc_json_put_int(jl, "layer", i + 1);
		char dir[64];
		snprintf(dir, sizeof(dir), "snapshots/%zu/fs", i + 1);
		pc_json_put_str(jl, "dir", dir);
		json_object_set_new(jl, "committed", json_boolean(lr->committed));
		pc_json_put_int(jl, "entries", lr->entries);
		put_view_loss(jl, lr->committed, &lr->v);
		json_object_set_new(jl, "findings", pc_json_counts(lr->v.counts));
		json_array_append_new(layers, jl);
	}
	json_object_set_new(o, "layers", layers);
	json_t *ov = json_object();
	json_object_set_new(ov, "verified", json_boolean(res->overlay_verified));
	if (!res->overlay_verified)
		pc_json_put_str(ov, "why_not", res->overlay_why);
	put_view_loss(ov, res->overlay_verified, &res->overlay);
	json_object_set_new(ov, "findings", pc_json_counts(res->overlay.counts));
	json_object_set_new(o, "overlay", ov);
}

static void snapshots_release(struct pc_layout_job *j)
{
	struct snapshots *s = j->priv;
	if (!s)
		return;
	if (s->merged_mounted && umount2(s->merged, 0) < 0 && umount2(s->merged, MNT_DETACH) < 0)
		pc_warn("umount %s: %s", s->merged, strerror(errno));
	s->merged_mounted = 0;
	for (size_t i = 0; i < s->nlayer_m; i++)
		pc_manifest_free(s->layer_m[i]);
	free(s->layer_m);
	free(s);
	j->priv = NULL;
}

const struct pc_layout_ops pc_layout_snapshots = {
	.name = "snapshots",
	.setup = snapshots_setup,
	.write = snapshots_write,
	.verify = snapshots_verify,
	.describe = snapshots_describe,
	.release = snapshots_release,
};
