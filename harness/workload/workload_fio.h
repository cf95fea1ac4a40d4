/* workload_fio.h - `workload = fio FILE`: fio writes on the filesystem under
 * test, powercut cuts the power at the end or in the middle of the job, and
 * fio's own verifier judges what survived.
 *
 *   write:  fio --directory=DATA --aux-path=CASE --do_verify=0
 *               --verify_state_save=1 --output-format=json JOB
 *           mid-run cut (cut_at = Ns | P%): powercut touches fio's
 *           --trigger-file; fio saves its state (the writes it saw complete)
 *           in the case folder, never on the device being cut, and runs the
 *           --trigger command, which tells powercut to cut at once.
 *   verify: after the remount, every job at once (a job run alone draws
 *           other random offsets):
 *           fio --verify_only --continue_on_error=verify
 *               [--verify_state_load=1 (mid-run)] CASE/verify.fio
 *           verify.fio: the job file with number_ios=N at the end of each
 *           job's section, N the writes it promised (with continue_on_error
 *           fio would otherwise read on past the saved state: its stop test
 *           counts good reads only); number_ios=1 and verify=null for a job
 *           that promised nothing.
 */
#ifndef PC_WORKLOAD_FIO_H
#define PC_WORKLOAD_FIO_H

#include <jansson.h>
#include <stdint.h>
#include "device/backend.h"
#include "check/verify.h"
#include "workload/fio_job.h"
#include "workload/fio_output.h"

enum pc_cut_at_kind { PC_CUT_AT_END, PC_CUT_AT_SECONDS, PC_CUT_AT_PERCENT };

/* Scenario key cut_at: when the power goes, for workload = fio. */
struct pc_cut_at {
	enum pc_cut_at_kind kind;
	double value; /* seconds after fio started, or percent of the jobs' bytes */
};

/* "end", "3s", "2.5s", "40%" (0 < P < 100); -1 (no message) otherwise. */
int pc_cut_at_parse(const char *s, struct pc_cut_at *out);
/* Back to the scenario syntax ("end", "3s", "40%"). */
void pc_cut_at_format(const struct pc_cut_at *c, char *out, size_t len);

/* One job of a case (results.json "fio.jobs"). */
struct pc_fio_job_result {
	uint64_t write_ios, write_bytes; /* fio's final write report */
	uint64_t promised, tail;         /* see pc_fio_job_promise */
	uint64_t read_back, lost;        /* the verify pass */
	int verified;                    /* its verify pass ran */
	/* powercut's reading of the job's block headers ran (fio_headers.h),
	 * and the blocks it found that are another file's (in LOST too) */
	int headers_read;
	uint64_t misplaced;
	/* Mid-run: the job had ended before the trigger (its saved state has
	 * no files): every write it issued had completed, and its check reads
	 * them all without the state (pc_fio_job_state). */
	int ended;
	/* Mid-run, from its saved state: writes it had issued at the trigger
	 * and its files (has_state 0 when fio saved none). */
	int has_state;
	uint64_t issued;
	unsigned files;
};

/* What one case's fio runs did (results.json "fio"). */
struct pc_fio_result {
	int used;                 /* workload = fio */
	int midrun;               /* cut during the job (the state file is the promise) */
	double cut_after_s;       /* when the trigger was touched, since fio started */
	uint64_t cut_after_bytes; /* bytes fio had written by then (P%: from its status) */
	uint64_t write_ios, write_bytes; /* the write pass, over all jobs */
	uint64_t verify_ios;      /* blocks the verify pass read back */
	uint64_t verify_errors;   /* fio's own count (total_err) */
	unsigned jobs_verified;   /* jobs with writes to check */
	/* Mid-run only: jobs with nothing promised at the cut (no write fio
	 * saw complete, or all of them in the unsynced tail); the check of
	 * the others ran.  Never with cut_at = end: a job that wrote nothing
	 * is an error there. */
	unsigned jobs_unchecked;
	uint64_t unchecked_tail;  /* mid-run: writes left out as maybe not yet synced */
	struct pc_fio_job_result *jobs; /* per job of the file, in its order */
	size_t njobs;
};

void pc_fio_result_free(struct pc_fio_result *res);

struct pc_fio_case {
	const char *job;          /* absolute path of the job file */
	const char *text;         /* its bytes as checked, which JOB holds */
	size_t text_len;
	const struct pc_fio_job *jobs; /* its jobs (sections), as checked */
	size_t njobs;
	uint64_t total_bytes;     /* the jobs' sizes summed (cut_at = P%) */
	struct pc_cut_at cut_at;
	int mode_syncs;           /* cut_at = end: the durability mode is not none */
	int cut_errors;           /* cut = error: writes after the cut fail */
	const char *datadir;      /* on the mounted filesystem (made by the caller) */
	const char *casedir;      /* results folder of the case: state, JSON, stderr */
	/* The mid-run cut: the runner's (workload.h, w->cut); 0 or -1. */
	int (*cut)(void *arg);
	void *cut_arg;
};

/* The write pass.  For a mid-run cut, fc->cut has cut the power when this
 * returns 0; a job that ends before its cut point is an error (nothing was
 * cut in the middle).  Files: CASE/fio-write.json, fio-write.stderr,
 * local-JOB-N-verify.state. */
int pc_fio_write(const struct pc_fio_case *fc, struct pc_fio_result *res);
/* The verify pass after the remount: every bad block a finding in VR
 * (fio-verify FILE@OFFSET), VR->checked the blocks read back.  Files:
 * CASE/verify.fio, fio-verify.json, fio-verify.stderr. */
int pc_fio_verify(const struct pc_fio_case *fc, struct pc_fio_result *res,
		  struct pc_verify_result *vr);

/* What fio's final write REPORT promises for job JOB: *PROMISED writes
 * to check, *TAIL of them left out (fsync=N: JOB->unsynced at most; after
 * a mid-run cut unless the job had ended before it with its own sync at
 * the end, or at the end when no durability mode ran after the job,
 * MODE_SYNCS 0, and the job does not sync at its end).  1 when there is something to check; 0 when nothing was
 * promised, which only a mid-run cut allows (the job had no write
 * complete before it); -1 (class RUN, message printed) when the report
 * cannot say: the job is not in it or has no write counts (stats=0,
 * unified_rw_reporting), or, with cut_at = end, it wrote nothing or less
 * than JOB->extent (fio ended it early: runtime=, steadystate); or an
 * error stopped it (fio's "error" other than the cut's EIO or EROFS with
 * cut = error).
 * A check that did not run never passes, nor does a part of a job pass
 * for the whole. */
struct pc_fio_cut {
	int midrun;      /* cut during the job */
	int mode_syncs;  /* at the end: a durability mode ran after the job */
	int errors;      /* cut = error: the writes after the cut failed */
	/* Mid-run: the job had ended before the trigger (pc_fio_job_state),
	 * its end_fsync or fsync_on_close done: nothing of it is unsynced. */
	int ended;
	/* Mid-run, from the job's saved state (has_state): the writes it had
	 * issued at the trigger, the most it promised (fio's report counts
	 * the writes after the trigger too, and its check read them: with
	 * several files fio's state lists offset 0 of a file not yet written
	 * as complete, and a write issued after the trigger to a new file
	 * was checked and "lost"); with several FILES the last iodepth of
	 * them are left out as well (one in flight at the trigger may be
	 * the first of a file, at offset 0: the same). */
	int has_state;
	uint64_t issued;
	unsigned files;
};
int pc_fio_job_promise(json_t *report, const struct pc_fio_job *job, const struct pc_fio_cut *cut,
		       uint64_t *promised, uint64_t *tail);

/* How job J syncs, in words (results.json fio.jobs[].syncs): "each write
 * (sync=1)", "every N writes (fsync/fdatasync)", "at its end only
 * (end_fsync/fsync_on_close)", "never". */
void pc_fio_syncs_describe(const struct pc_fio_job *j, char *out, size_t len);

/* For a case that lost blocks fio saw written: when a job that lost some
 * made nothing durable before the cut (no sync=1, fsync= or fdatasync=,
 * and at the end neither its own end_fsync nor a durability mode), OUT is
 * " (job J syncs nothing before the cut: ...)" for the verdict's reason;
 * else "". */
void pc_fio_unsynced_hint(const struct pc_fio_job *jobs, size_t njobs,
			  const struct pc_fio_result *fr, int mode_syncs, char *out, size_t len);

/* The options added at the end of a job's section in the verify pass's
 * job file (verify.fio) for a job that promised PROMISED writes (malloc'd):
 * create_on_open=1 and allow_file_create=0 (a job file's own value would
 * win over the command line's), number_ios=PROMISED and iodepth=1, and
 * verify_state_load=0 when ENDED
 * (the job had ended before a mid-run cut), or, when it promised nothing,
 * number_ios=1 and verify=null (it checks nothing). */
char *pc_fio_verify_options(uint64_t promised, int ended);

/* Mid-run: the job's saved state at PATH into *OUT: 1, or 0 when there is
 * no such file; *ENDED whether the job had ended before the trigger.  fio 3.33
 * saves every job's state at the trigger, a job that has ended included,
 * but by then it has freed that job's files and the completions kept with
 * them: the state of an ended job has no files and no completions, and
 * its check stopped before the last iodepth blocks, which were never read
 * (the last O_SYNC write of a job that ended before the cut, zeroed, passed).
 * -1 (class RUN, message printed) when the file is not a state fio 3.33
 * writes. */
int pc_fio_job_state(const char *path, struct pc_fio_state *out, int *ended);

/* Whether the verify pass of job JOB read back the blocks it was to check:
 * 0 when READ falls short of PROMISED by at most WINDOW (mid-run, fio stops
 * at the first of the last writes it had issued but not seen complete at
 * the trigger: 2 x iodepth covers them); else -1 (class RUN, message
 * printed): part of the check did not run, so the case cannot pass. */
int pc_fio_verify_coverage(const char *job, uint64_t promised, uint64_t read, unsigned window);

/* Run fio with ARGV in folder DIR, stdout (its JSON) into OUTPATH, stderr
 * into ERRPATH, and wait: its exit code, or -1 (message printed) when it
 * could not run or the run was interrupted. */
int pc_fio_exec(char *const argv[], const char *dir, const char *outpath, const char *errpath);

/* The last line fio wrote to ERRPATH ("" when none), for an error
 * message: the file may not outlive the message (powercut probe's work
 * folder). */
void pc_fio_last_line(const char *errpath, char *out, size_t len);

/* Test only: POWERCUT_TEST_FIO_DAMAGE=FILE@OFFSET zeroes 4 KiB at OFFSET of
 * DATADIR/FILE after the remount and before the verify pass, so that a test
 * can prove the check finds a damaged block.  0 when unset or done; -1
 * (class INPUT) on a malformed value or a FILE outside DATADIR. */
int pc_fio_test_damage(const char *datadir);

#endif
