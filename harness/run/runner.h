/* runner.h - run the cases of a scenario: one full crash cycle each. */
#ifndef PC_RUNNER_H
#define PC_RUNNER_H

#include <signal.h>
#include "run/result.h"
#include "run/scenario.h"
#include "util/util.h"

struct pc_run_opts {
	const char *outdir;     /* results folder (made if missing) */
	const char *workbase;   /* where the run's work folder goes (/var/tmp) */
	const char *platform;   /* image platform, NULL for the default */
	int keep;               /* keep each case's work folder (backing image) */
	const struct pc_known *known; /* --known: known failures (NULL: none) */
	const struct pc_known_files *scenario_known; /* the scenario's `known` files, read */
	int retries;            /* --retries N; -1: the scenario's */
	int flaky_ok;           /* --flaky-ok: flaky cases do not fail the run */
	long tool_timeout;      /* --tool-timeout SECONDS; -1: the scenario's */
	/* Called before the first case (REP holds no result yet) and after
	 * each case with the results so far (NULL: not called): the reports
	 * are written then, so that a run SIGKILLed later (timeout -s KILL,
	 * the OOM killer), even in its first case, leaves them, the cases it
	 * did not finish "not run". */
	void (*case_done)(struct pc_run_report *rep, void *arg);
	void *case_done_arg;
};

/* SIGINT/SIGTERM/SIGHUP set pc_interrupted (util.h); the runner stops at
 * the next phase boundary, or sooner inside long loops, and tears down. */

/* Called first thing by `run`: a SIGINT or SIGTERM ignored when powercut
 * started (a script's background job starts with SIGINT ignored) is
 * caught from now on, not only once the runner starts.  Before, one sent
 * while the scenario and its images were read was dropped, and the run
 * went on to its end.  Signals not ignored keep their default action
 * until then: they end powercut at once, before any case. */
void pc_runner_catch_ignored(void);
/* Called by `run` before it makes its results folder: SIGINT, SIGTERM and
 * SIGHUP (unless ignored at start: nohup) set pc_interrupted from now on.
 * Their default action there ended powercut between the folder's lock and
 * the runner's handlers, leaving the folder with only .powercut.lock in
 * it; caught, the run stops before its first case and removes it. */
void pc_runner_catch_signals(void);

/* Before the run starts (and for run --list): each case's workload can
 * work below the mountpoint the run will give it under WORKBASE (a fio
 * job's file names fit under PATH_MAX there).  -1, class INPUT, when one
 * cannot. */
int pc_runner_check_paths(const struct pc_scenario *sc, const char *workbase);
/* Run every case of SC, filling REP (results are owned by REP; free with
 * pc_run_report_free).  Returns the process exit code (enum pc_exit, or
 * 128+signal when interrupted). */
int pc_runner_run(const struct pc_scenario *sc, const struct pc_run_opts *o,
		  struct pc_run_report *rep);
void pc_run_report_free(struct pc_run_report *rep);
/* Free what one case result holds (not the result itself). */
void pc_case_result_release(struct pc_case_result *r);

#endif
