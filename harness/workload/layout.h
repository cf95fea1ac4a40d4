/* layout.h - how the image workload stores an image on the filesystem
 * under test (scenario key `layout`), and how it checks it after the cut.
 *
 * A layout writes (unpack, durability mode, commit record: in whatever
 * order and granularity the layout models), verifies after the remount, and
 * describes its own results.json fields.  The runner and the image workload
 * only see this interface; adding a layout is one layout_NAME.c plus one
 * row in pc_layouts[] (layout.c) and its name in the scenario's key.
 */
#ifndef PC_LAYOUT_H
#define PC_LAYOUT_H

#include <jansson.h>
#include <stddef.h>
#include "report/jsonout.h"
#include "image/manifest.h"

struct pc_synclog;
#include "run/result.h"
#include "run/scenario.h"

/* One case's image, as a layout sees it. */
struct pc_layout_job {
	const struct pc_case *c;
	struct pc_case_result *r;   /* counters, timings, findings go here */
	const char *mnt;            /* the mounted filesystem under test */
	const char *work;           /* the case's scratch folder (not on the device) */
	const char *const *layers;  /* the image's layer archives, lowest first */
	size_t nlayers;
	/* What must be there after the commit, in the tree a flat layout
	 * writes (crash points check it below mnt/rootfs); set by write. */
	struct pc_manifest *manifest;
	/* The image's manifest as the run's scan built it (pc_image_scan),
	 * or NULL when there was none: a layout may take file digests from it
	 * instead of hashing again (pc_unpack_layers_known).  Not owned. */
	struct pc_manifest *known;
	/* pc_layout_make_durable calls this once the mode returned with
	 * success (the workload's w->mode_returned, with MODE_ARG). */
	int (*mode_returned)(void *mode_arg);
	void *mode_arg;
	/* The workload's synclog (NULL: none); the flat layout's tree only. */
	struct pc_synclog *synclog;
	void *priv;                 /* the layout's own state */
};

struct pc_layout_ops {
	const char *name;
	/* On the freshly made filesystem, before the workload's I/O is
	 * counted: the layout's top folder. */
	int (*setup)(struct pc_layout_job *j);
	/* On the freshly made filesystem: unpack the layers, apply the case's
	 * durability mode, write the commit record(s).  Everything the device
	 * counts between the start and the end of this call is the workload's
	 * I/O.  Sets j->manifest and saves the manifest(s) in the case folder. */
	int (*write)(struct pc_layout_job *j);
	/* After the cut and the remount: r->committed, r->vr (findings with
	 * paths that name the view), layout-specific result fields. */
	int (*verify)(struct pc_layout_job *j);
	/* The layout's own results.json fields into O (NULL: none). */
	void (*describe)(json_t *o, const struct pc_case_result *r);
	/* Undo what write and verify left mounted, free j->priv; idempotent,
	 * safe after a failure anywhere.  NULL: nothing to release. */
	void (*release)(struct pc_layout_job *j);
};

extern const struct pc_layout_ops pc_layout_flat;
extern const struct pc_layout_ops pc_layout_snapshots;

/* The layout a case asks for. */
const struct pc_layout_ops *pc_layout_of(const struct pc_case *c);

/* ---- steps the layouts share --------------------------------------------- */

/* Apply the case's durability mode to TREE (progress, timings, counters). */
/* Before an unpack of J's tree: whether the unpack fsyncs each file as it
 * writes it (the modes that do, pc_mode_fsyncs_while_unpacking). */
void pc_layout_before_unpack(const struct pc_layout_job *j);
/* Then j->mode_returned: from here on, what the mode promised is durable.
 * (The test hook POWERCUT_TEST_MODE_LATE=CASE:1 calls it first, before the
 * mode does its work: a mode claiming success too early, attempts.h.) */
int pc_layout_make_durable(struct pc_layout_job *j, const char *tree);
/* Write the commit record of M into DIR (layer 0: the whole tree), then
 * fsync each folder of PARENTS (NULL-terminated, may be NULL) so the
 * record's own path survives too; timed as the commit. */
int pc_layout_commit(struct pc_layout_job *j, const char *dir, struct pc_manifest *m,
		     unsigned layer, const char *const *parents);
/* What a case checks must hold an entry: an image whose layers are empty
 * or, flat, only whiteouts (an empty tar; a "file" such as
 * /proc/self/pagemap that reads as zeros) would make every case pass having
 * checked nothing.  M: the final tree (flat; snapshots call it when every
 * layer folder is empty too).  0, or -1 (class INPUT) naming the image. */
int pc_layout_check_not_empty(const struct pc_layout_job *j, const struct pc_manifest *m);
/* Save M as NAME in the case's output folder. */
int pc_layout_save_manifest(struct pc_layout_job *j, struct pc_manifest *m,
			    const char *name);

#endif
