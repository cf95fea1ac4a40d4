/* util.h - error reporting, allocation, processes and small file helpers.
 *
 * Convention (as in git): a function that fails prints one message saying
 * what failed, on what, and why, records the error class, and returns -1.
 * Callers just propagate -1.
 */
#ifndef PC_UTIL_H
#define PC_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes: documented in powercut.1 and README; stable. */
enum pc_exit {
	PC_EXIT_OK = 0,     /* every case met its expectation */
	PC_EXIT_FAIL = 1,   /* some case did not */
	PC_EXIT_USAGE = 2,  /* usage, scenario or input error */
	PC_EXIT_ENV = 3,    /* environment: privilege, tool, kernel feature */
};

/* Why a device node /dev/... the kernel provides is not there, into BUF:
 * " (no WHAT: CONFIG_X, module M)" when the kernel has no module M (none
 * in /sys/module), else " (the kernel has WHAT; this /dev lacks the
 * node)", as in a container not given it. */
void pc_missing_node_hint(char *buf, size_t len, const char *what, const char *config,
			  const char *module);

/* What kind of error the last pc_fail() reported. */
enum pc_errclass {
	PC_ERR_NONE = 0,
	PC_ERR_RUN,   /* something went wrong in this case (I/O, ENOSPC, ...) */
	PC_ERR_INPUT, /* bad scenario, archive, manifest: the user's input */
	PC_ERR_ENV,   /* missing privilege, tool or kernel feature */
};

extern enum pc_errclass pc_last_errclass;
/* The errno given with the last failure reported (pc_fail_errno's,
 * pc_fail_cause's; 0 for pc_fail's): what a caller words again. */
extern int pc_last_fail_errno;

/* The exit code for the error last reported: PC_EXIT_ENV for an environment
 * error, PC_EXIT_USAGE for an input error, and RUN_ERROR for any other (what
 * a failure of the work itself means to the command). */
enum pc_exit pc_exit_for_error(enum pc_exit run_error);

/* "powercut: <message>\n" on stderr; records the class; returns -1. */
int pc_fail(enum pc_errclass cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* As pc_fail, with ": strerror(err)" appended. */
int pc_fail_errno(enum pc_errclass cls, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "DOING PATH: strerror(ERR)" for a file of the run's work folder (a
 * backing file, a control file, a crash point's copy): ENOSPC or EDQUOT
 * there is the host's (class ENV), and the message says what to do; any
 * other ERR is class RUN. */
int pc_fail_workfile(int err, const char *doing, const char *path);
/* As pc_fail, with ERR recorded as the message's cause (pc_captured_errno)
 * but not appended: a message relayed from a child already says it. */
int pc_fail_cause(enum pc_errclass cls, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A reason for the caller to report: the message into WHY[0..len); returns
 * -1 (for checks that say why they refused, without printing). */
/* SRC into DST (LEN bytes with the NUL); a longer SRC keeps its start and
 * its end with " (...) " between, never splitting a UTF-8 character. */
void pc_fit_middle(char *dst, size_t len, const char *src);
int pc_why(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "powercut: warning: <message>\n"; no class recorded. */
void pc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Messages are only captured, not printed (a child process that passes its
 * error to the parent, which prints it once). */
extern int pc_messages_quiet;
/* Called before any message is printed (the progress line clears itself). */
extern void (*pc_before_message)(void);
/* Errors and warnings are also appended to this buffer when set (the runner
 * uses it to put the first error of a case into results.json). */
void pc_capture_errors(char *buf, size_t len);
/* The buffer set now (and the cause of what it holds), and setting it back
 * (as it is, not cleared) after capturing elsewhere for a while. */
void pc_capture_current(char **buf, size_t *len, int *err);
void pc_capture_resume(char *buf, size_t len, int err);
/* Run a call whose failure the caller words itself: its messages go to
 * BUF (LEN bytes) only, not printed, and the capture, the quiet flag and
 * pc_last_errclass are as before once pc_capture_aside_end is called. */
struct pc_capture_aside {
	char *buf;
	size_t len;
	int err, quiet, sig;
	enum pc_errclass cls;
};
void pc_capture_aside_begin(struct pc_capture_aside *a, char *buf, size_t len);
void pc_capture_aside_end(const struct pc_capture_aside *a);
/* The signal that had come (pc_interrupted: 0 none) when the first
 * failure (pc_fail, pc_fail_errno, pc_fail_cause) since pc_capture_errors
 * was reported, or -1: none was.  A case stopped by a signal is told from
 * one whose error came first, the signal landing after it. */
int pc_captured_signal(void);
/* The errno behind the captured message (pc_fail_errno's, pc_fail_cause's),
 * or 0: none captured, or pc_fail gave no cause. */
int pc_captured_errno(void);
/* Forget that cause: the error just reported concerns a file other than
 * the one a caller of pc_captured_errno asks about. */
void pc_capture_clear_cause(void);
/* When ERR says the machine ran out of something a limit sets (EMFILE,
 * ENFILE, EAGAIN of fork and thread creation, ENOMEM), append to WHY
 * (LEN bytes) which limit and how to raise it, and return 1: the run
 * cannot judge the case, an environment error.  0 for any other ERR. */
int pc_note_exhausted(char *why, size_t len, int err);

/* Set by the run's SIGINT/SIGTERM/SIGHUP handler (runner.c).  Long loops
 * (unpack scan, fsync walk, verify) check it and stop early. */
extern volatile sig_atomic_t pc_interrupted;
/* -1 with "interrupted" (class RUN) once a stop was requested, else 0. */
int pc_check_interrupted(void);

/* A process of the run's (a tool, the unpack) killed by signal SIG that
 * powercut did not send: a crash of its own (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGABRT, SIGSYS, SIGTRAP: what the case gave it made it crash)
 * is class RUN; any other signal came from outside (the OOM killer's
 * SIGKILL, an admin's kill): the machine's doing, class ENV, as a killed
 * fuse server is.  pc_killed_why gives the words that say which, to
 * follow "killed by signal N (NAME)". */
enum pc_errclass pc_killed_class(int sig);
const char *pc_killed_why(int sig);

/* How long one external tool (mkfs, fsck, fio, dmsetup) may run, in
 * seconds; 0: no limit.  The runner sets it per case from the scenario's
 * tool_timeout (or run --tool-timeout).  A tool past it is killed and its
 * wait fails with pc_tool_timed_out (class ENV: the machine, not a loss). */
#define PC_TOOL_TIMEOUT_DEFAULT 1800
#define PC_MAX_TOOL_TIMEOUT 604800 /* a week */
extern unsigned pc_tool_timeout;
/* The deadline (pc_now() time) of a tool started now, 0 for none; and
 * whether DEADLINE has passed. */
double pc_tool_deadline(void);
int pc_tool_deadline_passed(double deadline);
/* "TOOL did not end within N s (tool_timeout): killed; ...", class ENV; -1. */
int pc_tool_timed_out(const char *tool);

/* Allocation that cannot fail (aborts with a message on OOM). */
/* They exit on failure: never NULL (said so, for the compiler's checks). */
void *xmalloc(size_t n) __attribute__((returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((returns_nonnull));
/* The first N bytes of S (S need not be NUL-terminated there). */
char *xstrndup(const char *s, size_t n) __attribute__((returns_nonnull));
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), returns_nonnull));
/* open_memstream(3) onto *BUF and *LEN. */
FILE *xopen_memstream(char **buf, size_t *len) __attribute__((returns_nonnull));

/* Monotonic clock in seconds. */
double pc_now(void);

/* The wall clock now, ISO 8601 UTC ("2026-01-02T02:00:00Z"), into BUF
 * (at least 21 bytes). */
void pc_utc_stamp(char *buf, size_t len);

/* rm -rf: util/rmtree.h. */
#include "util/rmtree.h"

/* out = DIR/NAME; -1 (class INPUT) if it does not fit. */
int pc_path_join(char *out, size_t len, const char *dir, const char *name);

/* open DIR and fsync(2) it, so the entries made in it are durable. */
int pc_fsync_dir(const char *dir);

/* mkdir -p. */
int pc_mkdir_p(const char *path, mode_t mode);

/* Run argv[0] (looked up in PATH) with stdin from /dev/null.
 * If output is not NULL, stdout and stderr are captured into a malloc'd,
 * NUL-terminated string (at most 64 KiB kept).  *status receives the exit
 * code (or 128+signal).  Returns 0 when the program ran, -1 (class ENV,
 * message printed) when it could not be started, e.g. not installed. */
int pc_run(char *const argv[], char **output, int *status);
/* A tool still running pc_tool_timeout seconds after it started is killed
 * (SIGKILL) and pc_run fails (class ENV); so it is when a signal stopped
 * the run (class RUN).  A killed tool still there 30 s later is stuck in
 * the kernel: pc_run fails (class ENV) rather than wait for ever. */
/* pc_run with SETUP(ARG, &what) called in the child before exec; when it
 * returns -errno the program is not run and pc_run_setup fails (class ENV)
 * naming *what. */
int pc_run_setup(char *const argv[], int (*setup)(void *arg, const char **what), void *arg,
		 char **output, int *status);
/* pc_run_setup keeping at most MAX bytes of the output (not 64 KiB): a
 * caller that must read it whole takes one shorter than MAX as whole. */
int pc_run_capture(char *const argv[], int (*setup)(void *arg, const char **what), void *arg,
		   size_t max, char **output, int *status);

/* Test-only hooks (docs/design.md): when the environment variable VAR
 * names a program, runs it with ARGS (NULL-terminated; none: no run) and
 * waits for it; its failure is a warning.  Tests act there as another
 * program on the machine may. */
void pc_run_test_hook(const char *var, const char *const *args);

/* Calls FN(PID, ARG) for each process /proc lists now, in /proc's order,
 * until FN returns nonzero.  -1 (errno set) when /proc cannot be read,
 * else 0.  Processes come and go meanwhile: FN finds some gone. */
int pc_each_process(int (*fn)(pid_t pid, void *arg), void *arg);

/* The processes below PID (children, grandchildren...) as /proc shows
 * them now, at most CAP of them into OUT; how many were found. */
size_t pc_descendants(pid_t pid, pid_t *out, size_t cap);

/* Where PROG is found in PATH, as execvp would find it (an executable
 * regular file), or PROG itself when it holds a '/' and is executable;
 * NULL when not found.  Caller frees. */
char *pc_find_program(const char *prog);
/* True if PROG is found in PATH (or is an executable path). */
int pc_have_program(const char *prog);
/* The Debian package holding PROG, one of the programs powercut runs
 * (mkfs.xfs: xfsprogs); NULL for another. */
const char *pc_program_package(const char *prog);
/* What a message saying PROG is missing tells to do, into BUF: "install
 * Debian package xfsprogs, or run scripts/install-deps.sh" ("install it,
 * ..." for a program of no known package).  Returns BUF. */
const char *pc_install_hint(const char *prog, char *buf, size_t len);
/* modprobe -q MODULE; 0 if there is no modprobe to run, else 1.  Whether
 * the module came is for the caller to see. */
int pc_modprobe_quiet(const char *module);

/* Read a whole file into a NUL-terminated malloc'd buffer. */
char *pc_read_file(const char *path, size_t *len);
/* The same from FD (left open) to its end; PATH names it in errors. */
char *pc_read_fd(int fd, const char *path, size_t *len);
/* Create/truncate PATH and write the buffer; fsync if do_fsync. */
int pc_write_file(const char *path, const void *data, size_t len, int do_fsync);
/* Whether users other than root, us and SUDO_UID (who is root already) can
 * change the names in folder DIR or move it away: 0 no; -1 yes, or DIR
 * cannot be resolved, with the reason in WHY.  Every folder above DIR may
 * be group- or other-writable only when sticky (as /tmp); DIR itself too
 * unless STRICT, when it must be owned by one of those users and writable
 * by its owner only (a sticky folder lets others make the names we are
 * about to make).  The owners of the folders above are trusted. */
int pc_folder_exposed(const char *dir, int strict, char *why, size_t len);
/* pc_folder_exposed(DIR, strict) said as a refusal (class INPUT, -1):
 * "WHAT DIR: why: RISK; give a folder only root (or the user who ran
 * sudo) can write to"; 0 when DIR is not exposed.  WHAT may be "". */
int pc_refuse_exposed_folder(const char *what, const char *dir, const char *risk);
/* Open PATH, an output file the user named (-m, -o), for writing: never
 * through another user's symlink on its path, never into a file of
 * another user's or one with other hard links (a planted name for a file
 * root may write); a symlink of ours (/dev/stdout) is followed.  A regular
 * file is truncated once checked.  NULL when refused (class INPUT) or on
 * error, said why: RUN for a path that names nothing writable (no folder,
 * a folder), ENV for a filesystem that refuses (read-only, full). */
/* As root, leave out of PATH the entries others could put a program in
 * (relative or empty ones, folders pc_folder_exposed refuses), warning
 * about each: the tools powercut runs (mkfs, fsck, fio, modprobe) are
 * looked up there. */
void pc_sanitize_path(void);
FILE *pc_open_output(const char *path);
/* pc_open_output's refusals, said before the work whose output it is:
 * -1 (class INPUT) when PATH would be refused now. */
int pc_output_check(const char *path);
/* Create PATH afresh for writing: whatever is at PATH (a stale temporary
 * file, or a symlink planted to redirect the write) is unlinked first, and
 * the file is opened O_EXCL | O_NOFOLLOW, so the write can only land in a
 * new file at PATH.  The descriptor, or -1 with errno.  No message. */
int pc_create_new(const char *path, mode_t mode);
/* A file to write and then put in place with pc_tmpfile_publish: an
 * unnamed file in DIR (O_TMPFILE), so that a process killed while it
 * writes, even by SIGKILL, leaves nothing behind; on a file system without
 * O_TMPFILE, TMP made by pc_create_new (*NAMED set).  The descriptor, or -1
 * with errno.  No message. */
int pc_tmpfile_open(const char *dir, const char *tmp, mode_t mode, int *named);
/* Put the file of FD (pc_tmpfile_open) at FINAL: linked at TMP (when
 * unnamed) and renamed over FINAL.  FD stays open.  0, or -1 with errno and
 * TMP removed.  No message. */
int pc_tmpfile_publish(int fd, int named, const char *tmp, const char *final);
/* Write DATA to DIR/NAME through an unnamed file (pc_tmpfile_open; else
 * DIR/.NAME.tmp) and rename(2): readers never see half a file, a symlink at
 * the temporary name never redirects the write, and neither a full or
 * failing disk nor a kill leaves a temporary file. */
int pc_write_file_atomic(const char *dir, const char *name, const void *data, size_t len);
/* pread(2) until LEN bytes or end of file, retrying EINTR and short reads:
 * the bytes read, or -1 with errno.  No message (callers say what failed). */
ssize_t pc_pread_full(int fd, void *buf, size_t len, off_t off);
/* pwrite(2) all LEN bytes, retrying EINTR and short writes: 0, or -1 with
 * errno.  No message. */
int pc_pwrite_all(int fd, const void *buf, size_t len, off_t off);

/* Lowercase hex of a byte string into out (2*n+1 bytes). */
void pc_hex(const unsigned char *in, size_t n, char *out);
/* 1 if the N bytes at S are all lowercase hex digits (as digests are
 * written, and as they become paths), else 0. */
int pc_is_lower_hex(const char *s, size_t n);
/* The value of the hex digit C (either case), or -1 if C is none. */
int pc_hex_value(char c);

/* Split a whitespace-separated list into a NULL-terminated malloc'd vector
 * of malloc'd strings; *n gets the count.  pc_strv_free frees it. */
char **pc_split_words(const char *s, size_t *n);
/* The same, split on blanks (space, tab) only: a word may hold commas (a
 * case id of an option matrix, "mount=data=ordered,commit=60"). */
char **pc_split_blanks(const char *s, size_t *n);
void pc_strv_free(char **v);
/* Split command-line style options ("-E a=b,c -O ^has_journal") on white
 * space only, with '...' and "..." quoting; NULL on an unterminated quote. */
char **pc_split_args(const char *s, size_t *n);
/* Split a scenario's list of paths: on blanks and commas, as
 * pc_split_words, with '...' and "..." quoting a name that holds them;
 * NULL on an unterminated quote. */
char **pc_split_list(const char *s, size_t *n);

#endif
