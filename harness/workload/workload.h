/* workload.h - what a case writes onto the filesystem under test, and how
 * it is checked after the cut.
 *
 * The runner owns the device, the filesystem and the cut; a workload only
 * fills the mounted filesystem and, after the remount, says what it finds.
 * The cycle, with the hook each step calls:
 *
 *   check_paths    before the run starts (and for run --list): whether
 *                  the case can work below the mountpoint MNT the run will
 *                  give it (the run's work folder's random part as XXXXXX)
 *   prepare        open the inputs (before any device exists)
 *   device_size    bytes the device needs when device_size = auto
 *   setup          on the fresh filesystem, before the I/O is counted
 *   run            write, apply the durability mode (then call
 *                  w->mode_returned(w)), commit; the device's I/O counters
 *                  cover exactly this call.  A workload that cuts the power
 *                  itself (at a moment of its own run) calls w->cut(w); the
 *                  runner then skips its cut at the end
 *   verify         after the remount: r->committed and r->vr (findings);
 *                  the runner saves findings.txt and judges
 *   describe       its own results.json fields
 *   release        teardown, on every path
 *
 * Adding a workload is one workload_NAME.c plus one row in workload.c.
 */
#ifndef PC_WORKLOAD_H
#define PC_WORKLOAD_H

#include <jansson.h>
#include <stdint.h>
#include "image/manifest.h"
#include "run/result.h"
#include "run/scenario.h"

struct pc_workload_case;
struct pc_synclog;

struct pc_workload_ops {
	const char *name;
	/* NULL: nothing to check.  -1 (class INPUT) when it cannot. */
	int (*check_paths)(const struct pc_case *c, const char *mnt);
	int (*prepare)(struct pc_workload_case *w);
	int (*device_size)(struct pc_workload_case *w, uint64_t *size);
	int (*setup)(struct pc_workload_case *w);  /* NULL: nothing to set up */
	int (*run)(struct pc_workload_case *w);
	int (*verify)(struct pc_workload_case *w);
	void (*describe)(json_t *o, const struct pc_case_result *r); /* NULL: no fields */
	/* Idempotent, safe after a failure anywhere (also before prepare). */
	void (*release)(struct pc_workload_case *w);
	/* After the run's last case: drop what was kept between cases. */
	void (*run_end)(void);
};

struct pc_workload_case {
	const struct pc_workload_ops *ops;
	/* Set by the runner before prepare. */
	const struct pc_case *c;
	struct pc_case_result *r;  /* counters, timings, findings go here */
	const char *platform;      /* image platform, NULL for the default */
	const char *work;          /* the case's scratch folder (not on the device) */
	const char *mnt;           /* the filesystem under test (mounted in run, verify) */
	/* Cut the power now, from inside run: every later write is lost (or
	 * fails, cut = error).  0 or -1; once only. */
	int (*cut)(struct pc_workload_case *w);
	int cut_done;              /* set by cut */
	/* Call right after the durability mode returned with success on the
	 * tree: what the mode promised is durable from now on (crash points
	 * hold every later state to it, before the commit as after).  The
	 * first call counts.  0 or -1. */
	int (*mode_returned)(struct pc_workload_case *w);
	void *runner;              /* the runner's, for cut and mode_returned */
	/* With crash points on the fuse device: where the mode's per-file
	 * syncs are noted (synclog.h), the flat tree's only; else NULL. */
	struct pc_synclog *synclog;
	/* Set by run: what must be there once committed, the tree below
	 * mnt/rootfs (crash points check it); NULL if the workload has none. */
	struct pc_manifest *manifest;
	void *priv;                /* the workload's own state */
};

extern const struct pc_workload_ops pc_workload_image;
extern const struct pc_workload_ops pc_workload_fio;

/* By name (NULL if unknown), and the one a case runs. */
const struct pc_workload_ops *pc_workload_find(const char *name);
const struct pc_workload_ops *pc_workload_of(const struct pc_case *c);
/* Every workload's run_end. */
void pc_workloads_run_end(void);

#endif
