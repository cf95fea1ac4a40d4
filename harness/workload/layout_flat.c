/* layout_flat.c - layout = flat: the image as one tree, whiteouts applied,
 * in mnt/rootfs; one commit record for the whole tree in mnt. */
#include "workload/layout.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

#include "run/commit.h"
#include "run/progress.h"
#include "image/unpack.h"
#include "util/util.h"
#include "check/verify.h"

#define ROOTFS "rootfs"

static int flat_setup(struct pc_layout_job *j)
{
	char rootfs[PATH_MAX];
	if (pc_path_join(rootfs, sizeof(rootfs), j->mnt, ROOTFS) < 0)
		return -1;
	if (mkdir(rootfs, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", rootfs);
	/* The tree's own name, durable before the workload: no mode syncs the
	 * folder it is in, so a crash point before the commit (whose folder
	 * fsync would cover it) would otherwise hold the mode to a name it
	 * never promised (ext4 and xfs make it durable with any later commit,
	 * btrfs logs a new folder's name with its fsync: POSIX does not). */
	return pc_fsync_dir(j->mnt);
}

static int flat_write(struct pc_layout_job *j)
{
	char rootfs[PATH_MAX];
	if (pc_path_join(rootfs, sizeof(rootfs), j->mnt, ROOTFS) < 0)
		return -1;

	pc_progress_phase("unpack");
	struct pc_unpack_stats us = { 0 };
	pc_layout_before_unpack(j);
	double t = pc_now();
	int rc = j->known ? pc_unpack_layers_known(j->layers, j->nlayers, rootfs, j->known,
						   &j->manifest, &us, pc_progress_bytes, NULL)
			  : pc_unpack_layers_digests(j->layers, j->nlayers,
						     PC_HASH_SHA256 | PC_HASH_XXH3, rootfs,
						     &j->manifest, &us, pc_progress_bytes, NULL);
	j->r->t.unpack = pc_now() - t;
	if (rc < 0)
		return -1;
	j->r->entries = us.entries;
	j->r->bytes = us.bytes;
	j->r->fsyncs += us.early_fsyncs;
	if (pc_layout_check_not_empty(j, j->manifest) < 0 ||
	    pc_layout_save_manifest(j, j->manifest, "manifest.txt") < 0 ||
	    pc_check_interrupted() < 0)
		return -1;
	if (pc_layout_make_durable(j, rootfs) < 0)
		return -1;
	return pc_layout_commit(j, j->mnt, j->manifest, 0, NULL);
}

static int flat_verify(struct pc_layout_job *j)
{
	char rootfs[PATH_MAX];
	if (pc_path_join(rootfs, sizeof(rootfs), j->mnt, ROOTFS) < 0)
		return -1;
	struct pc_commit rec;
	int rc = pc_commit_read(j->mnt, &rec);
	if (rc < 0)
		return -1;
	j->r->committed = rc == 1;
	return pc_verify_tree_after_cut(j->manifest, rootfs, &j->r->vr);
}

const struct pc_layout_ops pc_layout_flat = {
	.name = "flat",
	.setup = flat_setup,
	.write = flat_write,
	.verify = flat_verify,
};
