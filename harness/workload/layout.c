/* layout.c - the layout table and the steps every layout shares. */
#include "workload/layout.h"

#include "run/attempts.h"
#include "run/commit.h"
#include "fs/durability.h"
#include "fs/synclog.h"
#include "image/unpack.h"
#include "run/progress.h"
#include "util/util.h"

/* Indexed by enum pc_layout (scenario.h). */
static const struct pc_layout_ops *const layouts[] = {
	[PC_LAYOUT_FLAT] = &pc_layout_flat,
	[PC_LAYOUT_SNAPSHOTS] = &pc_layout_snapshots,
};

const struct pc_layout_ops *pc_layout_of(const struct pc_case *c)
{
	if ((unsigned)c->layout < sizeof(layouts) / sizeof(layouts[0]) && layouts[c->layout])
		return layouts[c->layout];
	return &pc_layout_flat; /* unreachable: the scenario parser knows the names */
}

void pc_layout_before_unpack(const struct pc_layout_job *j)
{
	pc_unpack_fsync_while_writing(pc_mode_fsyncs_while_unpacking(j->c->mode));
}

static int mode_returned(struct pc_layout_job *j)
{
	return j->mode_returned ? j->mode_returned(j->mode_arg) : 0;
}

int pc_layout_make_durable(struct pc_layout_job *j, const char *tree)
{
	pc_progress_phase(pc_mode_name(j->c->mode));
	/* Test only: the mode "returns" before it works, so that its promise
	 * rests on flushes made after it (crash points must catch it). */
	int late = pc_test_hook(PC_TEST_MODE_LATE_ENV, j->c->id) != NULL;
	if (late && mode_returned(j) < 0)
		return -1;
	/* Crash points check the flat tree's per-file promises: the
	 * snapshots' layer folders are not what they verify. */
	struct pc_synclog *log = j->c->layout == PC_LAYOUT_FLAT ? j->synclog : NULL;
	/* Test only: one entry's sync "returns" before it is made, and is
	 * made after the walk: only a state inside the pass can catch it. */
	pc_synclog_set_early(log, pc_test_hook(PC_TEST_FSYNC_EARLY_ENV, j->c->id));
	struct pc_sync_stats ss = { 0 };
	double t = pc_now();
	int rc = pc_durability_apply_noted(j->c->mode, tree, &ss, log);
	if (rc == 0)
		rc = pc_synclog_finish_early(log);
	j->r->t.sync += pc_now() - t;
	j->r->fsyncs += ss.fsyncs;
	if (rc < 0 || (!late && mode_returned(j) < 0))
		return -1;
	return pc_check_interrupted();
}

int pc_layout_commit(struct pc_layout_job *j, const char *dir, struct pc_manifest *m,
		     unsigned layer, const char *const *parents)
{
	pc_progress_phase("commit");
	struct pc_commit rec;
	pc_commit_build(&rec, m, j->c->id, pc_mode_name(j->c->mode), layer);
	pc_commit_note_tested(j->r, &rec);
	double t = pc_now();
	int rc = pc_commit_write(dir, &rec);
	for (size_t i = 0; rc == 0 && parents && parents[i]; i++)
		rc = pc_fsync_dir(parents[i]);
	j->r->t.commit += pc_now() - t;
	return rc;
}

int pc_layout_check_not_empty(const struct pc_layout_job *j, const struct pc_manifest *m)
{
	if (pc_manifest_count(m) > 0)
		return 0;
	return pc_fail(PC_ERR_INPUT, "image %s%s: its final tree holds no entry (the layers are "
		       "empty, or only whiteouts): a case would check nothing", j->layers[0],
		       j->nlayers > 1 ? " ..." : "");
}

int pc_layout_save_manifest(struct pc_layout_job *j, struct pc_manifest *m,
			    const char *name)
{
	char path[PATH_MAX];
	if (pc_path_join(path, sizeof(path), j->r->case_dir, name) < 0)
		return -1;
	if (pc_manifest_save(m, path) == 0)
		return 0;
	/* The results folder being full is not the case's device (runner.c
	 * names device_size on an ENOSPC). */
	pc_capture_clear_cause();
	return -1;
}
