/* util.c - see util.h. */
#include "util/util.h"
#include "util/escape.h"

#include <errno.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum pc_errclass pc_last_errclass = PC_ERR_NONE;
int pc_last_fail_errno;
volatile sig_atomic_t pc_interrupted;
unsigned pc_tool_timeout = PC_TOOL_TIMEOUT_DEFAULT;
void (*pc_before_message)(void);
int pc_messages_quiet;

static char *capture_buf;
static size_t capture_len;
static int capture_err; /* the errno behind the captured message, or 0 */
/* pc_interrupted when the first failure (pc_fail...) since
 * pc_capture_errors was reported; -1: none yet. */
static int capture_sig = -1;

/* A failure reported while capturing: the first notes whether a signal
 * had come (pc_captured_signal). */
static void note_failure_signal(void)
{
	if (capture_buf && capture_sig < 0)
		capture_sig = (int)pc_interrupted;
}

int pc_captured_signal(void)
{
	return capture_sig;
}

void pc_capture_errors(char *buf, size_t len)
{
	capture_buf = buf;
	capture_len = len;
	capture_err = 0;
	capture_sig = -1;
	if (buf && len)
		buf[0] = '\0';
}

void pc_capture_current(char **buf, size_t *len, int *err)
{
	*buf = capture_buf;
	*len = capture_len;
	*err = capture_err;
}

void pc_capture_resume(char *buf, size_t len, int err)
{
	capture_buf = buf;
	capture_len = len;
	capture_err = err;
}

void pc_capture_aside_begin(struct pc_capture_aside *a, char *buf, size_t len)
{
	pc_capture_current(&a->buf, &a->len, &a->err);
	a->sig = capture_sig;
	a->cls = pc_last_errclass;
	a->quiet = pc_messages_quiet;
	pc_capture_errors(buf, len);
	pc_messages_quiet = 1;
}

void pc_capture_aside_end(const struct pc_capture_aside *a)
{
	pc_messages_quiet = a->quiet;
	pc_capture_resume(a->buf, a->len, a->err);
	capture_sig = a->sig;
	pc_last_errclass = a->cls;
}

void pc_capture_clear_cause(void)
{
	capture_err = 0;
}

int pc_captured_errno(void)
{
	return capture_buf && capture_len && capture_buf[0] ? capture_err : 0;
}

/* The limit behind ERR and what raises it, or NULL. */
static const char *exhausted_limit(int err, char *buf, size_t len)
{
	struct rlimit rl;
	switch (err) {
	case EMFILE:
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			snprintf(buf, len, "the run ran out of file descriptors (RLIMIT_NOFILE "
				 "%llu): raise the limit (ulimit -n, systemd LimitNOFILE=, "
				 "docker --ulimit nofile=)", (unsigned long long)rl.rlim_cur);
		else
			snprintf(buf, len, "the run ran out of file descriptors: raise "
				 "RLIMIT_NOFILE (ulimit -n, systemd LimitNOFILE=)");
		return buf;
	case ENFILE:
		return "the system ran out of file descriptors (sysctl fs.file-max)";
	case EAGAIN:
		return "out of processes or threads: raise the pids cgroup limit (pids.max: "
		       "systemd TasksMax=, docker --pids-limit) or RLIMIT_NPROC";
	case ENOMEM:
		return "out of memory: raise the memory limit (memory cgroup: systemd "
		       "MemoryMax=, docker --memory) or free memory";
	}
	return NULL;
}

int pc_note_exhausted(char *why, size_t len, int err)
{
	char buf[256];
	const char *limit = exhausted_limit(err, buf, sizeof(buf));
	if (!limit)
		return 0;
	if (len && !strstr(why, limit)) {
		/* The limit is what the reader acts on: a long reason loses its
		 * middle, never that end. */
		char *whole = xasprintf("%s%s%s", why, why[0] ? "; " : "", limit);
		pc_fit_middle(why, len, whole);
		free(whole);
	}
	return 1;
}

/* Longest message printed: a name from an archive can be a megabyte. */
#define MESSAGE_MAX 2048

void pc_fit_middle(char *dst, size_t len, const char *src)
{
	static const char mark[] = " (...) ";
	size_t n = strlen(src), m = sizeof(mark) - 1;
	if (!len)
		return;
	if (n < len || len < 2 * m + 1) {
		snprintf(dst, len, "%s", src);
		return;
	}
	size_t head = (len - 1 - m) / 2, tail = len - 1 - m - head;
	/* never split a UTF-8 character: back off over continuation bytes */
	while (head > 0 && ((unsigned char)src[head] & 0xc0) == 0x80)
		head--;
	const char *t = src + n - tail;
	while (*t && ((unsigned char)*t & 0xc0) == 0x80)
		t++;
	memcpy(dst, src, head);
	memcpy(dst + head, mark, m);
	memcpy(dst + head + m, t, strlen(t) + 1);
}

/* ERR is the message's cause (pc_captured_errno); SHOW appends its text.
 * A message too long for the terminal or the case's reason loses its
 * middle, not its end: names come first and the reason last. */
static void vreport_cause(const char *prefix, const char *fmt, va_list ap, int err, int show)
{
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg && err && show) {
		char *with = NULL;
		if (asprintf(&with, "%s: %s", msg, strerror(err)) < 0)
			with = NULL;
		free(msg);
		msg = with;
	}
	/* Messages carry names from archives and scenarios: never a raw
	 * control character or a split line on the terminal (escape.h). */
	char *safe = pc_esc_text(msg ? msg : "(out of memory formatting a message)");
	free(msg);
	char shown[MESSAGE_MAX];
	pc_fit_middle(shown, sizeof(shown), safe);
	if (!pc_messages_quiet) {
		if (pc_before_message)
			pc_before_message();
		fprintf(stderr, "powercut: %s%s\n", prefix, shown);
	}
	/* Keep the first message of the case: it is usually the cause. */
	if (capture_buf && capture_len && capture_buf[0] == '\0') {
		char *whole = xasprintf("%s%s", prefix, safe);
		pc_fit_middle(capture_buf, capture_len, whole);
		free(whole);
		capture_err = err;
	}
	free(safe);
}

static void vreport(const char *prefix, const char *fmt, va_list ap, int err)
{
	vreport_cause(prefix, fmt, ap, err, 1);
}

enum pc_exit pc_exit_for_error(enum pc_exit run_error)
{
	switch (pc_last_errclass) {
	case PC_ERR_ENV: return PC_EXIT_ENV;
	case PC_ERR_INPUT: return PC_EXIT_USAGE;
	case PC_ERR_RUN:
	case PC_ERR_NONE: break;
	}
	return run_error;
}

int pc_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

int pc_fail(enum pc_errclass cls, const char *fmt, ...)
{
	va_list ap;
	note_failure_signal();
	va_start(ap, fmt);
	vreport("", fmt, ap, 0);
	va_end(ap);
	pc_last_errclass = cls;
	pc_last_fail_errno = 0;
	return -1;
}

int pc_fail_errno(enum pc_errclass cls, int err, const char *fmt, ...)
{
	va_list ap;
	note_failure_signal();
	va_start(ap, fmt);
	vreport("", fmt, ap, err);
	va_end(ap);
	pc_last_errclass = cls;
	pc_last_fail_errno = err;
	return -1;
}

int pc_fail_cause(enum pc_errclass cls, int err, const char *fmt, ...)
{
	va_list ap;
	note_failure_signal();
	va_start(ap, fmt);
	vreport_cause("", fmt, ap, err, 0);
	va_end(ap);
	pc_last_errclass = cls;
	pc_last_fail_errno = err;
	return -1;
}

int pc_fail_workfile(int err, const char *doing, const char *path)
{
	if (err != ENOSPC && err != EDQUOT)
		return pc_fail_errno(PC_ERR_RUN, err, "%s %s", doing, path);
	return pc_fail_cause(PC_ERR_ENV, err, "%s %s: %s (the file system holding the work "
			     "folder is full or out of inodes: free some, or use another "
			     "--workdir)", doing, path, strerror(err));
}

void pc_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap, 0);
	va_end(ap);
}

static void oom(size_t n)
{
	fprintf(stderr, "powercut: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom(strlen(s) + 1);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom(n + 1);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	int n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return p;
}

FILE *xopen_memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	if (!f) {
		fprintf(stderr, "powercut: open_memstream: out of memory\n");
		abort();
	}
	return f;
}

double pc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pc_utc_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
}

int pc_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open directory %s", dir);
	int rc = fsync(fd);
	int err = errno;
	close(fd);
	if (rc < 0)
		return pc_fail_errno(PC_ERR_RUN, err, "fsync directory %s", dir);
	return 0;
}

int pc_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			int e = errno;
			pc_fail_errno(PC_ERR_RUN, e, "mkdir %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", p);
	free(p);
	return rc;
}

char *pc_find_program(const char *prog)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char *copy = xstrdup(path), *save = NULL, *found = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, prog);
		struct stat st;
		if (access(full, X_OK) == 0 && stat(full, &st) == 0 && S_ISREG(st.st_mode))
			found = full;
		else
			free(full);
	}
	free(copy);
	return found;
}

int pc_have_program(const char *prog)
{
	char *found = pc_find_program(prog);
	free(found);
	return found != NULL;
}

/* The programs powercut runs and their Debian packages (what
 * scripts/install-deps.sh installs), so that a missing one is named with
 * the package that brings it. */
static const struct {
	const char *prog, *package;
} program_packages[] = {
	{ "mkfs.ext4", "e2fsprogs" },   { "e2fsck", "e2fsprogs" },
	{ "mkfs.xfs", "xfsprogs" },     { "xfs_repair", "xfsprogs" },
	{ "mkfs.btrfs", "btrfs-progs" }, { "btrfs", "btrfs-progs" },
	{ "fio", "fio" },
};

const char *pc_program_package(const char *prog)
{
	for (size_t i = 0; i < sizeof(program_packages) / sizeof(program_packages[0]); i++)
		if (!strcmp(program_packages[i].prog, prog))
			return program_packages[i].package;
	return NULL;
}

const char *pc_install_hint(const char *prog, char *buf, size_t len)
{
	const char *pkg = pc_program_package(prog);
	snprintf(buf, len, "install %s%s, or run scripts/install-deps.sh",
		 pkg ? "Debian package " : "it", pkg ? pkg : "");
	return buf;
}

/* One PATH entry root may look programs up in: an absolute folder no one
 * but root (or the user who ran sudo) can put a program in.  0 keep, -1
 * leave out (said why unless it is not there). */
static int path_entry_trusted(const char *dir)
{
	char why[PATH_MAX + 128];
	if (dir[0] != '/') {
		pc_warn("PATH: left out '%s': not an absolute folder (as root, a program in the "
			"current folder would run)", dir);
		return -1;
	}
	if (access(dir, F_OK) < 0)
		return -1; /* nothing there; a folder made there later is not looked in */
	if (pc_folder_exposed(dir, 1, why, sizeof(why)) < 0) { /* sticky is no help */
		pc_warn("PATH: left out %s: %s: a program there (mkfs, fsck, fio) could be another "
			"user's, run as root", dir, why);
		return -1;
	}
	return 0;
}

void pc_sanitize_path(void)
{
	const char *path = getenv("PATH");
	if (geteuid() != 0 || !path)
		return;
	char *copy = xstrdup(path), *rest = copy, *dir;
	char *kept = xmalloc(strlen(path) + 1);
	kept[0] = '\0';
	while ((dir = strsep(&rest, ":"))) {
		if (path_entry_trusted(dir) < 0)
			continue;
		if (kept[0])
			strcat(kept, ":");
		strcat(kept, dir);
	}
	if (strcmp(kept, path) && setenv("PATH", kept, 1) < 0)
		pc_warn("PATH: cannot set it: %s", strerror(errno));
	free(kept);
	free(copy);
}

int pc_modprobe_quiet(const char *module)
{
	if (!pc_have_program("modprobe"))
		return 0;
	char *argv[] = { "modprobe", "-q", (char *)module, NULL };
	char *out = NULL;
	int status;
	(void)pc_run(argv, &out, &status);
	free(out);
	return 1;
}

#define RUN_OUTPUT_MAX (64 * 1024)

/* How often a wait for a tool looks at pc_interrupted: a signal landing
 * just before a blocking call would otherwise not end it. */
#define RUN_POLL_MS 100

double pc_tool_deadline(void)
{
	return pc_tool_timeout ? pc_now() + pc_tool_timeout : 0;
}

int pc_tool_deadline_passed(double deadline)
{
	return deadline > 0 && pc_now() >= deadline;
}

int pc_tool_timed_out(const char *tool)
{
	return pc_fail(PC_ERR_ENV, "%s did not end within %u s (tool_timeout): killed; hung, or "
		       "only slow? a slow machine or a large device may need a larger tool_timeout "
		       "(scenario key, or run --tool-timeout SECONDS)", tool, pc_tool_timeout);
}

/* How long a killed tool has to be gone: past it, it is stuck in the
 * kernel (a write to a device that never completes), and waiting longer
 * would hang the run as the tool did. */
#define KILLED_GRACE_S 30.0

/* A wait for a tool: when it is due (deadline, 0 for none) and whether it
 * was killed, for a stop (1) or for running past the deadline (2). */
struct tool_wait {
	double deadline;
	double killed_at;
	int killed;
};

/* A signal stopped the run (pc_interrupted, set by the runner's handlers)
 * or the tool ran past its deadline: the tool PID is killed, once, so that
 * a hung or slow mkfs or fsck does not keep the run from its teardown
 * (SIGTERM from `timeout` or systemd reaches powercut alone, not its
 * process group; a tool that hangs with no signal sent would hang the run
 * for ever).  PID is our child: for an isolated tool, the stand-in whose
 * death kills the namespace. */
static void kill_if_due(pid_t pid, struct tool_wait *tw)
{
	if (tw->killed)
		return;
	if (pc_interrupted)
		tw->killed = 1;
	else if (pc_tool_deadline_passed(tw->deadline))
		tw->killed = 2;
	else
		return;
	kill(pid, SIGKILL);
	tw->killed_at = pc_now();
}

static int grace_over(const struct tool_wait *tw)
{
	return tw->killed && pc_now() - tw->killed_at >= KILLED_GRACE_S;
}

/* Read the child's output until EOF, keeping at most MAX bytes. */
static char *drain(int fd, pid_t pid, struct tool_wait *tw, size_t max)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	for (;;) {
		kill_if_due(pid, tw);
		if (grace_over(tw))
			break; /* something it started still holds the pipe */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, RUN_POLL_MS) <= 0)
			continue; /* EINTR or timeout: look at pc_interrupted again */
		char chunk[4096];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t keep = (size_t)n;
		if (len + keep > max)
			keep = max - len;
		if (len + keep + 1 > cap) {
			cap = len + keep + 1;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, chunk, keep);
		len += keep;
	}
	buf[len] = '\0';
	return buf;
}

/* Wait for PID, killing it when due (kill_if_due).  0; -1 with errno from
 * waitpid, or ETIME when it is still there KILLED_GRACE_S after SIGKILL. */
static int wait_tool(pid_t pid, int *ws, struct tool_wait *tw)
{
	for (;;) {
		kill_if_due(pid, tw);
		pid_t r = waitpid(pid, ws, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && grace_over(tw)) {
			errno = ETIME;
			return -1;
		}
		if (r == 0) {
			struct timespec ts = { 0, RUN_POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
}

int pc_run(char *const argv[], char **output, int *status)
{
	return pc_run_setup(argv, NULL, NULL, output, status);
}

/* What the child tells the parent when it could not exec: the step (0 exec,
 * 1 the setup) and the errno. */
struct exec_failure {
	int setup;
	int err;
	char what[96];
};

/* The child's report on FD: sizeof(*f) bytes when exec or the setup
 * failed, 0 at EOF (the tool was exec'd and, when isolated, the stand-in
 * holding the pipe has ended).  Polled, as drain() does: without output
 * captured this is where the tool's run is waited for. */
static ssize_t read_exec_failure(int fd, pid_t pid, struct tool_wait *tw, struct exec_failure *f)
{
	for (;;) {
		kill_if_due(pid, tw);
		if (grace_over(tw))
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, RUN_POLL_MS) <= 0)
			continue;
		ssize_t n = read(fd, f, sizeof(*f));
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* In the child of pc_run_capture: stdin from /dev/null, stdout and stderr
 * to OUT_FD (unless -1), SETUP run, then ARGV exec'd; what failed instead
 * is written to EXEC_FD for the parent.  PARENT is the parent's pid. */
static _Noreturn void exec_tool(char *const argv[], int (*setup)(void *arg, const char **what),
				void *arg, pid_t parent, int out_fd, int exec_fd)
{
	/* The tool dies with us: a SIGKILLed run must not leave mkfs or
	 * fsck running on its device, holding the loop device that
	 * cleanup detaches (for an isolated tool this is the stand-in,
	 * whose death kills the namespace). */
	int dies = prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ? -errno : 0;
	if (getppid() != parent)
		_exit(127); /* we are gone already: nobody reads the tool */
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	if (out_fd >= 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	signal(SIGPIPE, SIG_DFL);
	struct exec_failure f = { 0 };
	const char *what = NULL;
	int r = dies;
	if (r < 0)
		what = "follow the parent's death";
	else if (setup)
		r = setup(arg, &what);
	if (r < 0) {
		f.setup = 1;
		f.err = -r;
		snprintf(f.what, sizeof(f.what), "%s", what ? what : "setup");
	} else {
		execvp(argv[0], argv);
		f.err = errno;
	}
	if (write(exec_fd, &f, sizeof(f)) < 0)
		_exit(127);
	_exit(127);
}

int pc_run_setup(char *const argv[], int (*setup)(void *arg, const char **what), void *arg,
		 char **output, int *status)
{
	return pc_run_capture(argv, setup, arg, RUN_OUTPUT_MAX, output, status);
}

int pc_run_capture(char *const argv[], int (*setup)(void *arg, const char **what), void *arg,
		   size_t max, char **output, int *status)
{
	int pipefd[2] = { -1, -1 };
	int execpipe[2];

	if (!pc_have_program(argv[0])) {
		char hint[128];
		return pc_fail(PC_ERR_ENV, "%s: not found (%s)", argv[0],
			       pc_install_hint(argv[0], hint, sizeof(hint)));
	}
	if (output && pipe2(pipefd, O_CLOEXEC) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "pipe for %s", argv[0]);
	/* A second pipe tells the parent whether exec itself failed. */
	if (pipe2(execpipe, O_CLOEXEC) < 0) {
		int e = errno;
		if (output) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return pc_fail_errno(PC_ERR_RUN, e, "pipe for %s", argv[0]);
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (output) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		close(execpipe[0]);
		close(execpipe[1]);
		return pc_fail_errno(PC_ERR_RUN, e, "fork for %s", argv[0]);
	}
	if (pid == 0)
		exec_tool(argv, setup, arg, parent, output ? pipefd[1] : -1, execpipe[1]);
	close(execpipe[1]);
	struct tool_wait tw = { .deadline = pc_tool_deadline() };
	if (output) {
		close(pipefd[1]);
		*output = drain(pipefd[0], pid, &tw, max);
		close(pipefd[0]);
	}
	struct exec_failure f;
	ssize_t n = read_exec_failure(execpipe[0], pid, &tw, &f);
	close(execpipe[0]);

	int ws;
	if (wait_tool(pid, &ws, &tw) < 0) {
		if (errno == ETIME)
			return pc_fail(PC_ERR_ENV, "%s (pid %d) is still there %.0f s after SIGKILL, "
				       "stuck in the kernel (see the kernel log)", argv[0], (int)pid,
				       KILLED_GRACE_S);
		return pc_fail_errno(PC_ERR_RUN, errno, "waitpid for %s", argv[0]);
	}
	if (tw.killed == 1)
		return pc_fail(PC_ERR_RUN, "%s: interrupted (killed)", argv[0]);
	if (tw.killed == 2)
		return pc_tool_timed_out(argv[0]);
	if (n == (ssize_t)sizeof(f) && f.setup)
		return pc_fail_errno(PC_ERR_ENV, f.err, "%s: %s (running it isolated)", argv[0],
				     f.what);
	if (n == (ssize_t)sizeof(f))
		return pc_fail_errno(PC_ERR_ENV, f.err, "exec %s", argv[0]);
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else
		*status = 128 + WTERMSIG(ws);
	return 0;
}

char *pc_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
		return NULL;
	}
	char *text = pc_read_fd(fd, path, len);
	close(fd);
	return text;
}

char *pc_read_fd(int fd, const char *path, size_t *len)
{
	size_t used = 0, cap = 8192;
	char *buf = xmalloc(cap);
	for (;;) {
		if (used + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pc_fail_errno(PC_ERR_RUN, errno, "read %s", path);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}

ssize_t pc_pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int pc_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Write all of DATA to the open FD (closed here), fsynced if asked. */
static int write_fd(int fd, const char *path, const void *data, size_t len, int do_fsync)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return pc_fail_errno(PC_ERR_RUN, e, "write %s", path);
		}
		p += n;
		len -= (size_t)n;
	}
	if (do_fsync && fsync(fd) < 0) {
		int e = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_RUN, e, "fsync %s", path);
	}
	if (close(fd) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "close %s", path);
	return 0;
}

int pc_write_file(const char *path, const void *data, size_t len, int do_fsync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "create %s", path);
	return write_fd(fd, path, data, len, do_fsync);
}

static int trusted_owner(uid_t uid)
{
	if (uid == 0 || uid == geteuid())
		return 1;
	const char *s = getenv("SUDO_UID");
	char *end;
	errno = 0;
	unsigned long v = s && *s ? strtoul(s, &end, 10) : 0;
	return s && *s && !*end && !errno && v == (unsigned long)uid;
}

/* Is ST's group its owner's private group: the owner's primary group, no
 * other member listed, no other user with it as primary group?  Debian and
 * Ubuntu give every user one (USERGROUPS_ENAB) and a umask of 002, so a
 * user's checkout is group-writable by that group alone: as harmless as
 * the owner's own write bit (Debian's OpenSSH takes it so too). */
static int private_group(const struct stat *st)
{
	struct passwd *owner = getpwuid(st->st_uid);
	if (!owner || owner->pw_gid != st->st_gid)
		return 0;
	char *name = xstrdup(owner->pw_name); /* getpwent reuses the buffer */
	struct group *gr = getgrgid(st->st_gid);
	int ok = gr != NULL;
	for (char **m = ok ? gr->gr_mem : NULL; ok && *m; m++)
		ok = !strcmp(*m, name);
	setpwent();
	for (struct passwd *pw; ok && (pw = getpwent());)
		ok = pw->pw_gid != st->st_gid || pw->pw_uid == st->st_uid;
	endpwent();
	free(name);
	return ok;
}

/* Someone besides the owner can make, remove and rename names in the
 * folder ST: others, or a group that is not the owner's private group. */
static int others_write(const struct stat *st)
{
	return (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && !private_group(st));
}

/* A symlink on the path DIR names (not the resolved one) that is not
 * owned by a trusted user: its owner may point it elsewhere at any time,
 * even in a sticky folder such as /tmp, and root's later writes by path
 * would follow.  -1 (WHY said) if there is one. */
static int untrusted_symlink(const char *dir, char *why, size_t len)
{
	char *path = dir[0] == '/' ? xstrdup(dir) : NULL;
	if (!path) {
		char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return pc_why(why, len, "the current folder: %s", strerror(errno));
		path = xasprintf("%s/%s", cwd, dir);
		free(cwd);
	}
	int rc = 0;
	for (char *end = path + 1; rc == 0 && *end; end++) {
		if (end[1] != '/' && end[1] != '\0')
			continue;
		char keep = end[1];
		end[1] = '\0';
		struct stat st;
		if (end[0] != '/' && lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
		    !trusted_owner(st.st_uid))
			rc = pc_why(why, len, "%s is a symlink owned by uid %u", path,
				    (unsigned)st.st_uid);
		end[1] = keep;
	}
	free(path);
	return rc;
}

int pc_folder_exposed(const char *dir, int strict, char *why, size_t len)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return pc_why(why, len, "%s", strerror(errno));
	int rc = untrusted_symlink(dir, why, len);
	struct stat st;
	for (int self = 1; rc == 0; self = 0) {
		if (stat(real, &st) < 0) {
			rc = pc_why(why, len, "%s: %s", real, strerror(errno));
			break;
		}
		int exposed = others_write(&st); /* may read every passwd entry: once */
		if (self && strict && (!trusted_owner(st.st_uid) || exposed))
			rc = pc_why(why, len, "others can write to it (owner uid %u, mode %04o)",
				    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		else if (exposed && !(st.st_mode & S_ISVTX))
			rc = pc_why(why, len, "%s%s is writable by others (mode %04o) and not sticky",
				    self ? "" : "the folder above it ", real,
				    (unsigned)(st.st_mode & 07777));
		else if (!trusted_owner(st.st_uid)) /* its owner may rename what is in it */
			rc = pc_why(why, len, "%s%s is owned by uid %u", self ? "" : "the folder above it ",
				    real, (unsigned)st.st_uid);
		char *slash = strrchr(real, '/');
		if (!slash || !strcmp(real, "/"))
			break;
		slash[slash == real] = '\0'; /* the parent: "/a/b" gives "/a", "/a" gives "/" */
	}
	free(real);
	return rc;
}

void pc_missing_node_hint(char *buf, size_t len, const char *what, const char *config,
			  const char *module)
{
	char sys[128];
	snprintf(sys, sizeof(sys), "/sys/module/%s", module);
	if (access(sys, F_OK) == 0)
		snprintf(buf, len, " (the kernel has %s; this /dev lacks the node)", what);
	else
		snprintf(buf, len, " (no %s: %s, module %s)", what, config, module);
}

int pc_refuse_exposed_folder(const char *what, const char *dir, const char *risk)
{
	char why[PATH_MAX + 128];
	if (pc_folder_exposed(dir, 1, why, sizeof(why)) == 0)
		return 0;
	char *shown = pc_esc_text(why);
	pc_fail(PC_ERR_INPUT, "%s%s%s: %s: %s; give a folder only root (or the user who ran "
		"sudo) can write to", what, what[0] ? " " : "", dir, shown, risk);
	free(shown);
	return -1;
}

/* Why the file ST, at PATH, is not ours to truncate: a file of another
 * user's, or one with another name (a hard link made to any file root may
 * write, as /etc/shadow).  0 if it is. */
static int output_not_ours(const struct stat *st, const char *path, char *why, size_t len)
{
	if (!S_ISREG(st->st_mode))
		return 0; /* /dev/stdout's pipe or terminal */
	if (!trusted_owner(st->st_uid))
		return pc_why(why, len, "%s is a file of uid %u", path, (unsigned)st->st_uid);
	if (st->st_nlink > 1)
		return pc_why(why, len, "%s has %lu hard links", path, (unsigned long)st->st_nlink);
	return 0;
}

static int refuse_output(const char *path, const char *why)
{
	return pc_fail(PC_ERR_INPUT, "%s: not written: %s (another user's name for any file root "
		       "may write, as /etc/shadow?); remove it or write elsewhere", path, why);
}

int pc_output_check(const char *path)
{
	char why[PATH_MAX + 128];
	struct stat st;
	if (untrusted_symlink(path, why, sizeof(why)) < 0 ||
	    (stat(path, &st) == 0 && output_not_ours(&st, path, why, sizeof(why)) < 0))
		return refuse_output(path, why);
	return 0;
}

FILE *pc_open_output(const char *path)
{
	struct stat st;
	int follow = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (pc_output_check(path) < 0)
		return NULL;
	/* Not a symlink when looked at: not one planted since either. */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), 0644);
	if (fd < 0) {
		/* A path that names nothing to write (no folder, a folder, a
		 * symlink) is the caller's; a filesystem that refuses (read-only,
		 * full, out of quota, failing) the machine's, exit 3. */
		int e = errno;
		int named_wrong = e == ENOENT || e == ENOTDIR || e == EISDIR || e == ELOOP ||
				  e == ENAMETOOLONG || e == ENXIO;
		pc_fail_errno(named_wrong ? PC_ERR_RUN : PC_ERR_ENV, e, "create %s", path);
		return NULL;
	}
	char why[PATH_MAX + 128];
	FILE *f = NULL;
	if (fstat(fd, &st) < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "stat %s", path);
	else if (output_not_ours(&st, path, why, sizeof(why)) < 0)
		refuse_output(path, why);
	else if (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0)
		pc_fail_errno(PC_ERR_RUN, errno, "truncate %s", path);
	else if (!(f = fdopen(fd, "w")))
		pc_fail_errno(PC_ERR_RUN, errno, "open %s", path);
	if (!f)
		close(fd);
	return f;
}

int pc_create_new(const char *path, mode_t mode)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

int pc_tmpfile_open(const char *dir, const char *tmp, mode_t mode, int *named)
{
	*named = 0;
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	/* A file system without O_TMPFILE says EOPNOTSUPP (a kernel before
	 * 3.11 EISDIR or EINVAL): a named file, then. */
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	*named = 1;
	return pc_create_new(tmp, mode);
}

int pc_tmpfile_publish(int fd, int named, const char *tmp, const char *final)
{
	if (!named) {
		/* Named at TMP only now, and renamed at once.  Through /proc (any
		 * user); AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH) without it. */
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (unlink(tmp) < 0 && errno != ENOENT)
			return -1;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0 &&
		    linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) < 0)
			return -1;
	}
	if (rename(tmp, final) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int pc_write_file_atomic(const char *dir, const char *name, const void *data, size_t len)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *final = xasprintf("%s/%s", dir, name);
	int named = 0, fd = pc_tmpfile_open(dir, tmp, 0644, &named), rc = 0;
	if (fd < 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "create %s", named ? tmp : dir);
	for (const char *p = data; rc == 0 && len > 0;) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "write %s", tmp);
		else {
			p += n;
			len -= (size_t)n;
		}
	}
	if (rc == 0 && pc_tmpfile_publish(fd, named, tmp, final) < 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "rename %s to %s", tmp, final);
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", final);
	if (rc < 0 && fd >= 0 && named)
		unlink(tmp); /* a full or failing disk leaves no half file */
	free(tmp);
	free(final);
	return rc;
}

void pc_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int pc_is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int pc_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The words of a split as they are found: V holds N of them, with room
 * for CAP pointers, one kept for the NULL that ends it. */
struct words {
	char **v;
	size_t n, cap;
};

static void words_init(struct words *w)
{
	w->n = 0;
	w->cap = 4;
	w->v = xmalloc(w->cap * sizeof(*w->v));
}

/* WORD (malloc'd) taken onto the end. */
static void words_add(struct words *w, char *word)
{
	if (w->n + 2 > w->cap) {
		w->cap *= 2;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = word;
}

/* The NULL-terminated vector, its count in *N (when N is given). */
static char **words_end(struct words *w, size_t *n)
{
	w->v[w->n] = NULL;
	if (n)
		*n = w->n;
	return w->v;
}

/* S split at any byte of SEPS. */
static char **split_at(const char *s, const char *seps, size_t *n)
{
	struct words words;
	words_init(&words);
	const char *p = s ? s : "";
	for (;;) {
		p += strspn(p, seps);
		if (!*p)
			break;
		const char *start = p;
		p += strcspn(p, seps);
		words_add(&words, xstrndup(start, (size_t)(p - start)));
	}
	return words_end(&words, n);
}

char **pc_split_words(const char *s, size_t *n)
{
	return split_at(s, " \t,", n);
}

char **pc_split_blanks(const char *s, size_t *n)
{
	return split_at(s, " \t", n);
}

void pc_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* Split S on the bytes of SEPS, with '...' and "..." quoting: NULL on an
 * unterminated quote. */
static char **split_quoted(const char *s, const char *seps, size_t *n)
{
	struct words words;
	words_init(&words);
	char *word = xmalloc(strlen(s ? s : "") + 1);
	const char *p = s ? s : "";
	for (;;) {
		while (*p && strchr(seps, *p))
			p++;
		if (!*p)
			break;
		size_t w = 0;
		while (*p && !strchr(seps, *p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q)
					word[w++] = *p++;
				if (*p != q) {
					pc_strv_free(words_end(&words, NULL));
					free(word);
					return NULL;
				}
				p++;
			} else {
				word[w++] = *p++;
			}
		}
		word[w] = '\0';
		words_add(&words, xstrdup(word));
	}
	free(word);
	return words_end(&words, n);
}

char **pc_split_args(const char *s, size_t *n)
{
	return split_quoted(s, " \t\n", n);
}

char **pc_split_list(const char *s, size_t *n)
{
	return split_quoted(s, " \t,", n);
}

int pc_path_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len)
		return pc_fail(PC_ERR_INPUT, "path too long: %s/%s", dir, name);
	return 0;
}

int pc_check_interrupted(void)
{
	if (pc_interrupted)
		return pc_fail(PC_ERR_RUN, "interrupted");
	return 0;
}

static int crash_signal(int sig)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP };
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		if (sig == crash[i])
			return 1;
	return 0;
}

enum pc_errclass pc_killed_class(int sig)
{
	return crash_signal(sig) ? PC_ERR_RUN : PC_ERR_ENV;
}

const char *pc_killed_why(int sig)
{
	return crash_signal(sig) ? "it crashed" : "sent from outside powercut (the OOM killer, "
		"an admin's kill?)";
}

/* PID's parent from /proc/PID/stat (after the ')' that ends its name);
 * -1 when it is gone or unreadable. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *end = strrchr(buf, ')');
	int ppid;
	if (!end || sscanf(end + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

void pc_run_test_hook(const char *var, const char *const *args)
{
	const char *prog = getenv(var);
	if (!prog || !*prog || !args[0])
		return;
	size_t n = 0;
	while (args[n])
		n++;
	char **argv = xcalloc(n + 2, sizeof(*argv));
	argv[0] = (char *)prog;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	char *out = NULL;
	int status = 0;
	if (pc_run(argv, &out, &status) < 0 || status != 0)
		pc_warn("%s: %s failed (status %d): %s", var, prog, status, out ? out : "");
	free(out);
	free(argv);
}

int pc_each_process(int (*fn)(pid_t pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		if (*end || v <= 0 || v > INT_MAX)
			continue;
		if (fn((pid_t)v, arg))
			break;
	}
	closedir(d);
	return 0;
}

/* Every process with its parent, for pc_descendants. */
struct process_tree {
	pid_t (*pairs)[2];
	size_t n, cap;
};

static int add_to_tree(pid_t pid, void *arg)
{
	struct process_tree *t = arg;
	pid_t ppid = parent_of(pid);
	if (ppid <= 0)
		return 0;
	if (t->n == t->cap)
		t->pairs = xrealloc(t->pairs, (t->cap *= 2) * sizeof(*t->pairs));
	t->pairs[t->n][0] = pid;
	t->pairs[t->n++][1] = ppid;
	return 0;
}

size_t pc_descendants(pid_t pid, pid_t *out, size_t cap)
{
	/* the kernel may lack /proc/PID/task/TID/children: scan every process */
	struct process_tree t = { .cap = 256 };
	t.pairs = xmalloc(t.cap * sizeof(*t.pairs));
	(void)pc_each_process(add_to_tree, &t); /* no /proc: no descendants known */
	/* PID's children, then those of each one found, in turn */
	size_t n = 0;
	for (size_t i = 0; i < t.n && n < cap; i++)
		if (t.pairs[i][1] == pid)
			out[n++] = t.pairs[i][0];
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < t.n && n < cap; i++)
			if (t.pairs[i][1] == out[k])
				out[n++] = t.pairs[i][0];
	free(t.pairs);
	return n;
}
