/* state.h - the run registry that lets `powercut cleanup` undo what a
 * SIGKILLed run left behind, and nothing else.
 *
 * Every run makes one work folder (default /var/tmp/powercut.XXXXXX) and
 * registers it as /run/powercut/<pid> (a file holding the work folder path).
 * Everything a run creates is identified by that folder: mounts below it,
 * loop devices whose backing file is below it, FUSE servers whose pid is
 * recorded in it (file <case>/fuse.pid), dm devices whose UUID carries the
 * run's prefix.  cleanup only touches registrations whose pid is dead.
 */
#ifndef PC_STATE_H
#define PC_STATE_H

#include <sys/types.h>

#define PC_STATE_DIR "/run/powercut"

/* -1 (class INPUT) if BASE, or what it resolves to, holds a control
 * character: such a path cannot be registered unambiguously. */
int pc_state_check_base(const char *base);
/* The work folder pc_state_begin makes under BASE, its random part as
 * XXXXXX (the same length), into OUT (LEN bytes). */
int pc_state_workdir_template(const char *base, char *out, size_t len);
/* Make the work folder under BASE and register it (BASE checked as above). */
int pc_state_begin(const char *base, char *workdir, size_t len);
/* Register WORKDIR, a folder this process made (mkdtemp) named
 * powercut.XXXXXX or PC_STATE_SETUP_PREFIX XXXXXX, so that `powercut
 * cleanup` removes it once this process is gone (SIGKILL).  0, or -1 with
 * a message. */
int pc_state_register(const char *workdir);
/* Drop this process's registration of WORKDIR (the folder is left as is). */
void pc_state_unregister(const char *workdir);
/* The temporary folder of fio's set-up check (in TMPDIR). */
#define PC_STATE_SETUP_PREFIX "powercut-fio-setup."
/* scripts/merge-results.sh writes OUT in .OUT.merge.XXXXXX beside it and
 * registers that folder the same way (a file PC_STATE_DIR/<its pid>
 * holding the path): after a SIGKILL, cleanup removes it (nothing is
 * mounted, attached or started there: no teardown). */
#define PC_STATE_MERGE_INFIX ".merge."
/* Remove the work folder (must be empty of mounts) and the registration:
 * 0, or -1 with a message when something stayed (the registration too,
 * for `powercut cleanup`): the run must not end as if it left nothing. */
int pc_state_end(const char *workdir);
/* --keep: unregister but keep the work folder (nothing may be mounted or
 * attached below it any more), so that cleanup leaves it alone. */
void pc_state_release(const char *workdir);
/* Record a pid to kill on cleanup, as WORKDIR/SUB/NAME.pid. */
int pc_state_record_pid(const char *dir, const char *name, pid_t pid);
/* Use DIR as the registry instead of PC_STATE_DIR (NULL: back to it).  For
 * the unit tests, whose fake dead runs must not meet the cleanups of other
 * processes on the machine. */
void pc_state_use_dir(const char *dir);
/* Undo everything registered by dead runs.  Returns the number of objects
 * removed, -1 on error.  verbose: say what is removed. */
int pc_state_cleanup(int verbose);
/* Warn once (no error) when registrations of dead runs are there: what a
 * SIGKILLed run left holds loop devices and room until `powercut cleanup`.
 * How many. */
int pc_state_warn_stale(void);
/* Unmount everything mounted at or below DIR (deepest first, lazily if
 * busy), detach loop devices backed below DIR, kill recorded pids. */
int pc_state_teardown_dir(const char *dir, int verbose);

#endif
