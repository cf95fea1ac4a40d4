/* result.h - what one case produced; written by report.c. */
#ifndef PC_RESULT_H
#define PC_RESULT_H

#include <stdint.h>
#include <stdio.h>
#include "device/crashpoints.h"
#include "workload/probe.h"
#include "fs/fs.h"
#include "device/iostat.h"
#include "check/kmsg.h"
#include "check/known.h"
#include "run/outcome.h"
#include "run/scenario.h"
#include "check/verify.h"

enum pc_verdict { PC_VERDICT_PASS, PC_VERDICT_FAIL, PC_VERDICT_ERROR };

struct pc_timings {
	double mkfs, unpack, sync, commit, remount, verify, fsck, crash_points, total;
};

/* What one verification found, without the findings themselves (those are
 * in the case's pc_verify_result, with a prefix naming the view). */
struct pc_view_counts {
	size_t checked, lost;
	size_t counts[PC_F_NKINDS];
};

/* layout = snapshots: one layer folder (snapshots/N/fs) after the cut. */
struct pc_layer_result {
	int committed;              /* its commit record survived (and names it) */
	uint64_t entries;           /* entries of the layer's own manifest */
	struct pc_view_counts v;    /* verified only when committed */
};

/* One attempt of a case (retries, attempts.h). */
struct pc_attempt {
	enum pc_verdict verdict;
	char reason[512];
	double total;               /* seconds */
	char dir[4096];             /* its folder (cases/CASE or cases/CASE/try-K) */
};

struct pc_case_result {
	const struct pc_case *c;
	const char *backend;        /* backend that ran ("fuse", "dm") */
	char backend_why[256];
	int committed;              /* commit record found after the cut */
	enum pc_verdict verdict;
	char reason[512];           /* why fail/error, one line */
	/* verdict error: what kind of error the last attempt met (outcome.h;
	 * results.json "error_class") and the exit status that kind maps to
	 * ("error_exit": 1, 2, 3 or 128+N); PC_EK_UNKNOWN and 0 otherwise. */
	enum pc_error_kind error_kind;
	int error_exit;
	/* The signal (pc_interrupted) that had come when the case's error
	 * arose, 0: none (the error came first, or a signal after it). */
	int signal_first;
	/* Its backing file did not read back from the work folder's disk
	 * (check_backing): the host's failure, whatever signal came. */
	int backing_unreadable;
	/* Why the filesystem did not mount after the cut (a finding: the
	 * case fails, nothing was verified), or empty. */
	char unmountable[256];
	/* How the machine failed the device during the case (the backend's
	 * died: its fuse server killed; its backing file no longer reads
	 * back), or empty: no verdict then. */
	char device_failed[512];
	struct pc_verify_result vr;
	enum pc_fsck_result fsck;
	char *fsck_output;
	struct pc_timings t;
	struct pc_iostat io;        /* over unpack + sync + commit */
	uint64_t entries, bytes, fsyncs;
	char case_dir[4096];        /* output folder of the case */
	char cut_syncfs[128];       /* cut = error: what syncfs reported after the cut */
	char cut_umount[128];       /* what the unmount after the cut reported */
	/* The options the kernel mounted the filesystem with (its first
	 * mount; /proc/self/mountinfo's per-mount and superblock fields):
	 * "" when not known.  An option it accepted and ignored shows here
	 * (ext4 data=journal,dioread_nolock: nodioread_nolock). */
	char mounted_vfs[256], mounted_fs[1024];
	/* What the case tested, as its commit records name it: the manifest
	 * digest of the image's final tree (layout = snapshots: the layers'
	 * digests chained, pc_commit_note_tested) or the fio job file's. */
	char tested_sha256[65];
	/* write_cache = volatile: what the cut rolled back (never flushed). */
	uint64_t cache_lost_blocks, cache_lost_bytes;
	struct pc_crash_points cp; /* crash_points > 0 */
	/* layout = snapshots.  vr then aggregates every committed layer
	 * folder (paths "snapshots/N/fs/...") and the merged overlay view
	 * (paths "merged/..."); committed means every layer's record
	 * survived. */
	struct pc_layer_result *layers;
	size_t nlayers;
	size_t layers_committed;
	int overlay_verified;       /* the merged view was mounted and checked */
	char overlay_why[256];      /* why not, when it was not */
	struct pc_view_counts overlay;
	/* attempts.c: the outcome over every attempt, the known-failures entry
	 * that matched, and the kernel log of the last attempt. */
	enum pc_outcome outcome;
	struct pc_attempt *attempts;
	size_t nattempts, attempts_failed;
	/* The entry that covers the failure (outcome known), or, for a pass
	 * (unexpected pass), an error or a failure of other kinds than it
	 * names (fail: not covered), the first entry of the case's id and
	 * kernel; NULL when none.  Borrowed from the run's list. */
	const struct pc_known_entry *known;
	/* The kinds of failure (failure.h's bits, pc_verdict_failures) of the
	 * attempt; once the attempts are over, of every attempt when the last
	 * failed (0 when it passed or erred). */
	unsigned failures;
	struct pc_kmsg_result km;
	/* workload = fio; a mid-run cut has no commit record: what fio saved
	 * as completed before the trigger is the promise. */
	struct pc_fio_result fio;
	struct pc_probe device;     /* probe = yes: the device's limits */
};

struct pc_run_opts;

struct pc_run_report {
	const char *scenario;       /* path as given */
	char kernel[256];           /* uname -r */
	/* What the run was to check, so that a reader can tell a results file
	 * that lacks cases (an interrupted run, a missing shard) from a whole
	 * one: the cases of this run, its shard K/N (1/1 unsharded) and the
	 * cases of all N shards (the scenario's, after --filter). */
	size_t planned;
	unsigned shard_k, shard_n;
	size_t scenario_cases;
	struct pc_case_result *results;
	size_t nresults;
	/* The planned cases the run never reached (it was interrupted; the
	 * scenario's, after results).  junit.xml lists each as an error "not
	 * run": a check that did not run never passes, and a case absent from
	 * it showed on a CI page as fewer tests, not as a problem. */
	const struct pc_case *unrun;
	size_t nunrun;
	/* The run's options that change verdicts (results.json "options"):
	 * --known's files, the scenario's known files read, --retries,
	 * --flaky-ok, --tool-timeout.  NULL: not written. */
	const struct pc_run_opts *opts;
	/* When the run started and ended, ISO 8601 UTC ("2026-01-02T02:00:00Z",
	 * results.json "started", "finished"); "" not written.  Written
	 * before and after every case, finished only by the write at the end
	 * (a SIGKILLed run's results have none): report orders a folder of
	 * nights by started. */
	char started[32], finished[32];
};

const char *pc_verdict_name(enum pc_verdict v);
const char *pc_fsck_name(enum pc_fsck_result f);

/* results.json, junit.xml, summary.md in DIR. */
int pc_report_write(const struct pc_run_report *r, const char *dir);
/* The summary table (markdown) on F. */
void pc_report_table(const struct pc_run_report *r, FILE *f);

#endif
