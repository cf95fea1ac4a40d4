/* workload_fio.c - run fio, cut it, verify with it; see workload_fio.h. */
#include "workload/workload_fio.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "run/commit.h"
#include "fs/durability.h"
#include "workload/fio_headers.h"
#include "workload/fio_output.h"
#include "report/jsonout.h"
#include "util/digest.h"
#include "run/progress.h"
#include "util/util.h"
#include "workload/workload.h"

/* How often powercut looks at fio while it writes, and how often fio
 * reports its progress for cut_at = P%. */
#define POLL_NS (10 * 1000 * 1000L)
#define STATUS_INTERVAL "--status-interval=100ms"
/* The trigger command fio runs (through sh, in the case folder) once it has
 * saved its state: the sign for powercut to cut. */
#define SAVED_MARK "fio-state-saved"

int pc_cut_at_parse(const char *s, struct pc_cut_at *out)
{
	if (!strcmp(s, "end")) {
		*out = (struct pc_cut_at){ PC_CUT_AT_END, 0 };
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (!strcmp(end, "s") && v <= 86400) {
		*out = (struct pc_cut_at){ PC_CUT_AT_SECONDS, v };
		return 0;
	}
	if (!strcmp(end, "%") && v < 100) {
		*out = (struct pc_cut_at){ PC_CUT_AT_PERCENT, v };
		return 0;
	}
	return -1;
}

void pc_cut_at_format(const struct pc_cut_at *c, char *out, size_t len)
{
	switch (c->kind) {
	case PC_CUT_AT_END: snprintf(out, len, "end"); break;
	case PC_CUT_AT_SECONDS: snprintf(out, len, "%gs", c->value); break;
	case PC_CUT_AT_PERCENT: snprintf(out, len, "%g%%", c->value); break;
	}
}

/* ---- processes ------------------------------------------------------------ */

/* The fio a stand-in runs (below); signals for it are passed on. */
static volatile sig_atomic_t standin_for;

static void pass_signal_on(int sig)
{
	if (standin_for > 0)
		kill(standin_for, sig);
}

/* End this process by signal SIG, as fio ended, so that the run sees a
 * fio killed ("fio was killed by signal 9"), not one that exited 137; no
 * core dump of the stand-in (fio's own, if any, is made).  A signal whose
 * default is to be ignored ends it with 128+SIG instead. */
static void die_of_signal(int sig)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, sig);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* Run ARGV as PID 1 of a PID namespace of its own, this process standing
 * in for it (the same exit status, or death by the same signal; SIGTERM,
 * SIGINT and SIGHUP passed on).
 * When fio ends, or this process dies (with powercut: its parent-death
 * signal), the kernel kills every process of the namespace: fio's job
 * processes have no parent-death signal, and one outlived a SIGKILLed run
 * by 13 minutes, found by no cleanup.  Never returns. */
static void exec_in_pid_namespace(char *const argv[])
{
	if (unshare(CLONE_NEWPID) < 0) {
		dprintf(STDERR_FILENO, "powercut: unshare a PID namespace for %s: %s%s\n", argv[0],
			strerror(errno),
			errno == EINVAL ? " (the kernel needs CONFIG_PID_NS)" : "");
		_exit(127);
	}
	/* Held until the stand-in passes them on, so none is lost between. */
	sigset_t pass, before;
	sigemptyset(&pass);
	sigaddset(&pass, SIGTERM);
	sigaddset(&pass, SIGINT);
	sigaddset(&pass, SIGHUP);
	sigprocmask(SIG_BLOCK, &pass, &before);
	pid_t child = fork();
	if (child < 0) {
		dprintf(STDERR_FILENO, "powercut: fork for %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (child == 0) {
		/* PID 1: its parent is outside, getppid() says 0; the stand-in
		 * waits for it, so it cannot be gone before this. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigprocmask(SIG_SETMASK, &before, NULL);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "powercut: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	standin_for = child;
	struct sigaction sa = { .sa_handler = pass_signal_on };
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &before, NULL);
	int ws;
	while (waitpid(child, &ws, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	if (WIFSIGNALED(ws))
		die_of_signal(WTERMSIG(ws));
	_exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 127);
}

/* fio with ARGV in folder DIR, its stdout (the JSON reports) into OUTPATH
 * and its stderr into ERRPATH.  Not --output=FILE: fio then writes its
 * error messages into the same file, in the middle of the JSON.  It dies
 * with us (PR_SET_PDEATHSIG on its stand-in, then its PID namespace): a
 * fio left running would pin the mount. */
static pid_t spawn(char *const argv[], const char *dir, const char *outpath, const char *errpath)
{
	if (!pc_have_program(argv[0])) {
		char hint[128];
		pc_fail(PC_ERR_ENV, "%s: not found (%s)", argv[0],
			pc_install_hint(argv[0], hint, sizeof(hint)));
		return -1;
	}
	int outfd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (outfd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "create %s", outpath);
		return -1;
	}
	int errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (errfd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "create %s", errpath);
		close(outfd);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(errfd);
		close(outfd);
		pc_fail_errno(PC_ERR_RUN, e, "fork for %s", argv[0]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(outfd, STDOUT_FILENO) < 0 || dup2(errfd, STDERR_FILENO) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		if (chdir(dir) < 0) {
			dprintf(STDERR_FILENO, "powercut: chdir %s: %s\n", dir, strerror(errno));
			_exit(127);
		}
		exec_in_pid_namespace(argv);
	}
	close(errfd);
	close(outfd);
	return pid;
}

static void nap(void)
{
	struct timespec ts = { 0, POLL_NS };
	nanosleep(&ts, NULL);
}

/* How long fio has to end after SIGTERM before it is killed. */
#define STOP_GRACE_NS (10 * 1000 * 1000 * 1000LL)
#define KILLED_GRACE_NS (30 * 1000 * 1000 * 1000LL)
/* fio's job processes are few (numjobs 1: one a job section). */
#define MAX_FIO_PROCS 1024

/* Stop fio and reap it (interrupted runs).  A fio that hangs (fio 3.33
 * with io_submit_mode=offload and --status-interval deadlocks, and
 * ignores SIGTERM) is killed after STOP_GRACE_NS, its job processes
 * first: they have no parent-death signal, and would keep the
 * filesystem under test busy. */
static void stop_fio(pid_t pid)
{
	kill(pid, SIGTERM);
	int ws;
	for (long long waited = 0; waited < STOP_GRACE_NS; waited += POLL_NS) {
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		nap();
	}
	pid_t jobs[MAX_FIO_PROCS];
	size_t n = pc_descendants(pid, jobs, MAX_FIO_PROCS);
	pc_warn("fio (pid %d) did not end %lld s after SIGTERM (hung?): killed, with its %zu "
		"job process(es)", (int)pid, STOP_GRACE_NS / 1000000000LL, n);
	for (size_t i = 0; i < n; i++)
		kill(jobs[i], SIGKILL);
	kill(pid, SIGKILL);
	/* A process in an uninterruptible sleep outlives SIGKILL: give up on
	 * it after a while rather than hang the run (as pc_run does). */
	for (long long waited = 0; waited < KILLED_GRACE_NS; waited += POLL_NS) {
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		nap();
	}
	pc_warn("fio (pid %d) is still there %lld s after SIGKILL, stuck in the kernel (see the "
		"kernel log): left behind", (int)pid, KILLED_GRACE_NS / 1000000000LL);
}

/* Wait for PID; its exit code (128+signal when killed), or -1 when
 * interrupted or past the tool timeout (fio stopped). */
static int wait_fio(pid_t pid)
{
	double deadline = pc_tool_deadline();
	for (;;) {
		int ws;
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		if (r < 0 && errno != EINTR)
			return pc_fail_errno(PC_ERR_RUN, errno, "wait for fio");
		if (pc_interrupted) {
			stop_fio(pid);
			return pc_check_interrupted();
		}
		if (pc_tool_deadline_passed(deadline)) {
			/* Said first: the case's reason is its first message. */
			int rc = pc_tool_timed_out("fio");
			stop_fio(pid);
			return rc;
		}
		nap();
	}
}

void pc_fio_last_line(const char *errpath, char *out, size_t len)
{
	size_t n = 0;
	char *text = pc_read_file(errpath, &n);
	out[0] = '\0';
	if (!text)
		return;
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	snprintf(out, len, "%s", nl ? nl + 1 : text);
	free(text);
}

static int path_in(char *out, const char *dir, const char *name)
{
	return pc_path_join(out, PATH_MAX, dir, name);
}

/* ---- progress (cut_at = P%) ------------------------------------------------ */

/* fio's status reports as they are appended to its JSON output. */
struct progress {
	int fd;
	char *buf;
	size_t len;
	uint64_t bytes; /* written, by the last complete report */
};

static void progress_poll(struct progress *pr, const char *path)
{
	if (pr->fd < 0) {
		pr->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (pr->fd < 0)
			return; /* not created yet */
	}
	char chunk[65536];
	ssize_t n;
	while ((n = read(pr->fd, chunk, sizeof(chunk))) > 0) {
		pr->buf = xrealloc(pr->buf, pr->len + (size_t)n + 1);
		memcpy(pr->buf + pr->len, chunk, (size_t)n);
		pr->len += (size_t)n;
	}
	size_t end = 0;
	json_t *doc = pc_fio_json_last(pr->buf, pr->len, &end);
	if (!doc)
		return;
	pr->bytes = pc_fio_json_write_bytes(doc);
	json_decref(doc);
	/* Keep only what follows the last complete report. */
	memmove(pr->buf, pr->buf + end, pr->len - end);
	pr->len -= end;
}

/* ---- the write pass ---------------------------------------------------------- */

struct write_run {
	const struct pc_fio_case *fc;
	struct pc_fio_result *res;
	char json[PATH_MAX], err[PATH_MAX], trigger[PATH_MAX], saved[PATH_MAX];
	int triggered, cut;
};

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "create %s", path);
	close(fd);
	return 0;
}

static int cut_now(struct write_run *w)
{
	if (w->fc->cut(w->fc->cut_arg) < 0)
		return -1;
	w->cut = 1;
	return 0;
}

/* One look at the running fio: trigger it once the cut point is reached,
 * cut once it has saved its state. */
static int watch(struct write_run *w, struct progress *pr, double t0)
{
	const struct pc_cut_at *at = &w->fc->cut_at;
	if (!w->triggered) {
		int reached;
		if (at->kind == PC_CUT_AT_SECONDS) {
			reached = pc_now() - t0 >= at->value;
		} else {
			progress_poll(pr, w->json);
			reached = (double)pr->bytes >= at->value / 100.0 * (double)w->fc->total_bytes;
		}
		if (reached) {
			if (touch(w->trigger) < 0)
				return -1;
			w->triggered = 1;
			w->res->cut_after_s = pc_now() - t0;
			w->res->cut_after_bytes = pr->bytes;
		}
	}
	if (w->triggered && !w->cut && access(w->saved, F_OK) == 0)
		return cut_now(w);
	return 0;
}

static int write_argv_run(struct write_run *w, char **argv)
{
	const struct pc_fio_case *fc = w->fc;
	int midrun = fc->cut_at.kind != PC_CUT_AT_END;
	pid_t pid = spawn(argv, fc->casedir, w->json, w->err);
	if (pid < 0)
		return -1;
	double t0 = pc_now(), deadline = pc_tool_deadline();
	struct progress pr = { .fd = -1 };
	int status = -1, rc = 0, sig = 0;
	for (;;) {
		int ws;
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid) {
			status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
			break;
		}
		if (r < 0 && errno != EINTR) {
			rc = pc_fail_errno(PC_ERR_RUN, errno, "wait for fio");
			stop_fio(pid);
			break;
		}
		if (pc_interrupted || (midrun && watch(w, &pr, t0) < 0)) {
			stop_fio(pid);
			rc = pc_interrupted ? pc_check_interrupted() : -1;
			break;
		}
		if (pc_tool_deadline_passed(deadline)) {
			rc = pc_tool_timed_out("fio"); /* first: the case's reason */
			stop_fio(pid);
			break;
		}
		nap();
	}
	if (pr.fd >= 0)
		close(pr.fd);
	free(pr.buf);
	if (rc < 0)
		return -1;
	char line[512];
	pc_fio_last_line(w->err, line, sizeof(line));
	if (midrun && w->triggered && !w->cut && access(w->saved, F_OK) == 0 && cut_now(w) < 0)
		return -1;
	/* Killed by a signal we did not send (the OOM killer, a kill -9)
	 * before the cut: say so, not that the job was too small. */
	if (sig && !w->cut)
		return pc_fail(pc_killed_class(sig), "fio was killed by signal %d (%s), %s, after "
			       "%.1f s, before the cut: the job did not run as written", sig,
			       strsignal(sig), pc_killed_why(sig), pc_now() - t0);
	if (midrun && !w->triggered) {
		char at[32];
		pc_cut_at_format(&fc->cut_at, at, sizeof(at));
		return pc_fail(PC_ERR_RUN, "fio ended (exit %d, after %.1f s) before cut_at = %s: "
			       "nothing was cut in the middle of the job; make the job bigger or "
			       "slower (size=, rate=) or cut earlier", status, pc_now() - t0, at);
	}
	if (midrun && !w->cut && status == 0 && !*line)
		return pc_fail(PC_ERR_RUN, "fio ended (exit 0, %.1f s after the trigger) without "
			       "saving its state: the job ended before fio acted on it (fio looks "
			       "for the trigger file at each status report, every 100 ms), so "
			       "nothing was cut in the middle of the job; cut earlier, or make the "
			       "job bigger or slower (size=, rate=)",
			       pc_now() - t0 - w->res->cut_after_s);
	if (midrun && !w->cut)
		return pc_fail(PC_ERR_RUN, "fio ended (exit %d) without saving its state after the "
			       "trigger: %s", status, *line ? line : "it printed no error");
	/* After a cut = error, fio's writes fail: its exit code says so.
	 * fio says why in words only: "io_u error on file F: No space left on
	 * device: write offset=...", F in the job folder when it is the case's
	 * filesystem that is full. */
	if (status != 0 && !w->cut) {
		int full = strstr(line, strerror(ENOSPC)) && strstr(line, fc->datadir);
		return pc_fail_cause(PC_ERR_RUN, full ? ENOSPC : 0, "fio exited with %d (see %s): %s",
				     status, w->err, line);
	}
	return 0;
}

/* -1 (class RUN) when fio's stderr in ERRPATH says a job died of a signal. */
static int fio_died(const char *errpath)
{
	char *text = pc_read_file(errpath, NULL);
	char line[512];
	int died = text && pc_fio_signal_line(text, line, sizeof(line));
	free(text);
	if (died)
		return pc_fail(PC_ERR_RUN, "a fio job died of a signal (%s: %s): what it wrote "
			       "is not what it was to write, the check cannot judge it", errpath, line);
	return 0;
}

/* Keep the final report only (the status reports came before it). */
static json_t *final_report(const char *path)
{
	size_t len = 0;
	char *text = pc_read_file(path, &len);
	if (!text)
		return NULL;
	json_t *doc = pc_fio_json_last(text, len, NULL);
	free(text);
	if (!doc) {
		pc_fail(PC_ERR_RUN, "%s: no JSON report from fio", path);
		return NULL;
	}
	return doc;
}

int pc_fio_write(const struct pc_fio_case *fc, struct pc_fio_result *res)
{
	pc_fio_result_free(res);
	memset(res, 0, sizeof(*res));
	res->used = 1;
	res->jobs = xcalloc(fc->njobs + 1, sizeof(*res->jobs));
	res->njobs = fc->njobs;
	res->midrun = fc->cut_at.kind != PC_CUT_AT_END;
	struct write_run w = { .fc = fc, .res = res };
	if (path_in(w.json, fc->casedir, "fio-write.json") < 0 ||
	    path_in(w.err, fc->casedir, "fio-write.stderr") < 0 ||
	    path_in(w.trigger, fc->casedir, "fio-trigger") < 0 ||
	    path_in(w.saved, fc->casedir, SAVED_MARK) < 0)
		return -1;
	/* Marks of an earlier run into the same results folder. */
	if ((unlink(w.trigger) < 0 && errno != ENOENT) || (unlink(w.saved) < 0 && errno != ENOENT))
		return pc_fail_errno(PC_ERR_RUN, errno, "remove the trigger files in %s", fc->casedir);

	char *aux = xasprintf("--aux-path=%s", fc->casedir);
	char *dir = xasprintf("--directory=%s", fc->datadir);
	char *trig = xasprintf("--trigger-file=%s", w.trigger);
	char *argv[16];
	size_t n = 0;
	argv[n++] = "fio";
	argv[n++] = "--output-format=json";
	argv[n++] = aux;
	argv[n++] = dir;
	argv[n++] = "--do_verify=0";
	argv[n++] = "--verify_state_save=1";
	if (res->midrun) {
		argv[n++] = trig;
		argv[n++] = "--trigger=touch " SAVED_MARK;
	}
	if (fc->cut_at.kind == PC_CUT_AT_PERCENT)
		argv[n++] = STATUS_INTERVAL;
	argv[n++] = (char *)fc->job;
	argv[n] = NULL;
	int rc = write_argv_run(&w, argv);
	free(aux);
	free(dir);
	free(trig);
	if (rc < 0)
		return -1;

	/* A job that died of a signal (fio still exits 0, its "error" 0)
	 * wrote less than it meant to: not a run the check can judge. */
	if (fio_died(w.err) < 0)
		return -1;
	json_t *doc = final_report(w.json);
	if (!doc)
		return -1;
	for (size_t i = 0; i < fc->njobs; i++) {
		struct pc_fio_stats st;
		if (pc_fio_json_job(doc, fc->jobs[i].name, &st) < 0)
			continue; /* judged by the verify pass (pc_fio_job_promise) */
		res->write_ios += st.write_ios;
		res->write_bytes += st.write_bytes;
		res->jobs[i].write_ios = st.write_ios;
		res->jobs[i].write_bytes = st.write_bytes;
	}
	/* The file then holds the final report alone. */
	rc = json_dump_file(doc, w.json, JSON_INDENT(2)) == 0
		? 0 : pc_fail(PC_ERR_RUN, "write %s", w.json);
	json_decref(doc);
	return rc;
}

/* ---- the verify pass ----------------------------------------------------------- */

/* A finding about a whole job, counting LOST blocks; DETAIL is consumed. */
static void job_finding(struct pc_verify_result *vr, const char *job, uint64_t lost, char *detail)
{
	vr->findings = xrealloc(vr->findings, (vr->nfindings + 1) * sizeof(*vr->findings));
	vr->findings[vr->nfindings++] = (struct pc_finding){ PC_F_FIO_VERIFY, xstrdup(job), detail };
	vr->counts[PC_F_FIO_VERIFY]++;
	vr->lost += lost;
}

/* What the verify pass says of checked job INDEX (PROMISED writes), from
 * its entry ST of fio's report: the blocks a missing or short file took
 * away are lost, a failure fio does not explain is an error, and it must
 * have read back what it was to check.  Its lost blocks into res->jobs. */
static int judge_job(const struct pc_fio_case *fc, size_t index, uint64_t ios,
		     const struct pc_fio_stats *st, const char *errpath,
		     struct pc_fio_result *res, struct pc_verify_result *vr)
{
	const char *job = fc->jobs[index].name;
	struct pc_fio_job_result *jr = &res->jobs[index];
	jr->lost = st->total_err;
	uint64_t checked = ios;
	if (st->error == ENOENT) {
		/* A file of the job is gone: every block it promised is lost. */
		job_finding(vr, job, ios, xasprintf("a file of the job is missing after the cut: "
						    "its %llu writes are lost",
						    (unsigned long long)ios));
		jr->lost = ios;
	} else if (st->error == EIO) {
		/* fio stops the job at a read that fails or comes back short
		 * (a file that ends early after the cut, fio prints no block
		 * for it): that block and the ones after it were promised and
		 * could not be read. */
		uint64_t rest = ios > st->read_ios ? ios - st->read_ios + 1 : 1;
		job_finding(vr, job, rest, xasprintf("a read failed or came back short after %llu of "
						     "%llu blocks (the file ends early?): the "
						     "remaining %llu count as lost",
						     (unsigned long long)(st->read_ios ? st->read_ios - 1 : 0),
						     (unsigned long long)ios, (unsigned long long)rest));
		jr->lost += rest;
	} else if (st->error && !(st->error == EILSEQ && st->total_err)) {
		/* EILSEQ (84) is how fio records a verify failure. */
		return pc_fail(PC_ERR_RUN, "fio verify of job %s failed with error %d (see %s)", job,
			       st->error, errpath);
	} else {
		unsigned window = fc->cut_at.kind != PC_CUT_AT_END && !jr->ended
					  ? 2 * fc->jobs[index].depth : 0;
		if (pc_fio_verify_coverage(job, ios, st->read_ios, window) < 0)
			return -1;
		checked = st->read_ios < ios ? st->read_ios : ios;
	}
	/* Checked: the blocks read back, or, when a short file or a missing
	 * one took blocks away, all promised (so that lost <= checked). */
	vr->checked += checked;
	jr->read_back = st->read_ios;
	jr->verified = 1;
	res->verify_ios += st->read_ios;
	res->verify_errors += st->total_err;
	res->jobs_verified++;
	return 0;
}

/* In each job's own section, not on fio's command line: a job file's
 * option wins over the command line's, and create_on_open=0 in the job
 * (accepted: in the write pass it only opens the files when the job
 * starts) made fio lay out, i.e. delete, a file shorter than its size
 * before verifying it; with allow_file_create=1 as well it made a new
 * empty one (an append log with fdatasync=1 cut at 50%: 520 of 520 blocks
 * "lost" on a correct ext4).  create_on_open=1: no layout, the file is
 * read as the cut left it.  allow_file_create=0: a file the cut took away
 * is an error (ENOENT: the job's blocks count as lost), not a new file.
 * number_ios=N: the writes the job promised (with continue_on_error fio
 * would otherwise read on past the saved state: its stop test counts good
 * reads only).  iodepth=1: after a mid-run cut fio tells the writes in
 * flight at the trigger from the completed ones by the saved state, for
 * the reads whose place among the job's writes is within the state's
 * iodepth of the last issued (verify_state_should_stop); it takes that
 * place from the reads completed so far, which with an asynchronous engine
 * trail the one being issued by up to its iodepth, so blocks in flight at
 * the cut were checked as complete (libaio, direct=1, iodepth=8, bs=4m,
 * sync=1: 1, 4 and 7 blocks "lost" in 3 of 3 cuts on ext4).  One read at a
 * time keeps the place exact; the window stays the write pass's iodepth
 * (from the state).  runtime=0: the job's runtime= bounded its writes, and
 * would stop the check of them part way (one read at a time may be slower
 * than the writes were); tool_timeout still bounds the pass. */
char *pc_fio_verify_options(uint64_t promised, int ended)
{
	static const char files[] = "create_on_open=1\nallow_file_create=0\nruntime=0\n";
	if (!promised)
		return xasprintf("%snumber_ios=1\nverify=null\n", files);
	return xasprintf("%snumber_ios=%llu\niodepth=1\n%s", files, (unsigned long long)promised,
			 ended ? "verify_state_load=0\n" : "");
}

int pc_fio_job_state(const char *path, struct pc_fio_state *out, int *ended)
{
	*ended = 0;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0; /* fio's own load then fails, as before */
	size_t len = 0;
	char *state = pc_read_file(path, &len);
	if (!state)
		return -1;
	int rc = pc_fio_state_parse(state, len, out);
	free(state);
	if (rc < 0)
		return pc_fail(PC_ERR_RUN, "%s is not a state fio 3.33 saves (version 3): which of "
			       "the job's writes had completed is not known", path);
	*ended = out->nofiles == 0 && out->numberio > 0;
	return 1;
}

/* Mid-run: what each job's saved state says (res->jobs[].ended, has_state,
 * issued, files).  fio names a job's state by its place among the jobs
 * (local-JOB-N-verify.state, N from 0). */
static int job_states(const struct pc_fio_case *fc, struct pc_fio_result *res)
{
	for (size_t i = 0; i < fc->njobs; i++) {
		char name[PATH_MAX], path[PATH_MAX];
		snprintf(name, sizeof(name), "local-%s-%zu-verify.state", fc->jobs[i].name, i);
		if (path_in(path, fc->casedir, name) < 0)
			return -1;
		struct pc_fio_job_result *jr = &res->jobs[i];
		struct pc_fio_state st;
		int rc = pc_fio_job_state(path, &st, &jr->ended);
		if (rc < 0)
			return -1;
		jr->has_state = rc;
		jr->issued = rc ? st.numberio : 0;
		jr->files = rc ? st.nofiles : 0;
	}
	return 0;
}

static int write_verify_job(const struct pc_fio_case *fc, const uint64_t *promised,
			    const struct pc_fio_result *res, const char *path)
{
	char **lines = xcalloc(fc->njobs + 1, sizeof(*lines));
	for (size_t i = 0; i < fc->njobs; i++)
		lines[i] = pc_fio_verify_options(promised[i], res->jobs[i].ended);
	size_t len = 0;
	char *text = pc_fio_job_with_lines(fc->text, fc->text_len, fc->jobs, fc->njobs,
					   (const char *const *)lines, &len);
	int rc = pc_write_file(path, text, len, 0);
	free(text);
	for (size_t i = 0; i < fc->njobs; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

/* fio --verify_only on every job at once: run alone (--section) a job is
 * fio's job 1, whatever its place in the file, and fio 3.33 then draws
 * other random offsets than in the write pass (a second randwrite job of
 * a file "lost" 303 of 356 blocks it had never written). */
static int run_verify(const struct pc_fio_case *fc, const char *job, const char *json,
		      const char *err)
{
	char *aux = xasprintf("--aux-path=%s", fc->casedir);
	char *dir = xasprintf("--directory=%s", fc->datadir);
	/* create_on_open=1 and allow_file_create=0 are in each job's section
	 * (pc_fio_verify_options).  Mid-run the saved state (local-JOB-N-verify.state in the case
	 * folder) tells fio which of the last writes it issued had completed
	 * at the trigger; at the end every write had, and without the state
	 * fio checks all of them (with it, fio 3.33 skips the last block of a
	 * job whose last completion was a sync).  verify_state_save=0: fio
	 * saves a job's state when it ends (its default), and the verify pass
	 * wrote its own over the write pass's, the evidence kept in the case
	 * folder. */
	int midrun = fc->cut_at.kind != PC_CUT_AT_END;
	char *argv[] = { "fio", "--output-format=json", aux, dir, "--verify_only",
			 "--continue_on_error=verify", "--verify_state_save=0", (char *)job,
			 midrun ? "--verify_state_load=1" : NULL, NULL };
	pid_t pid = spawn(argv, fc->casedir, json, err);
	int status = pid < 0 ? -1 : wait_fio(pid);
	free(aux);
	free(dir);
	return status;
}

int pc_fio_verify_coverage(const char *job, uint64_t promised, uint64_t read, unsigned window)
{
	if (read >= promised || promised - read <= window)
		return 0;
	return pc_fail(PC_ERR_RUN, "fio's verify of job %s read back %llu of the %llu blocks it "
		       "was to check: %llu were not checked (an option of the job changes what fio "
		       "reads back?), the check did not run whole", job, (unsigned long long)read,
		       (unsigned long long)promised, (unsigned long long)(promised - read));
}

int pc_fio_job_promise(json_t *report, const struct pc_fio_job *j, const struct pc_fio_cut *cut,
		       uint64_t *promised, uint64_t *tail)
{
	const char *job = j->name;
	int midrun = cut->midrun, mode_syncs = cut->mode_syncs;
	*promised = *tail = 0;
	struct pc_fio_stats st;
	if (pc_fio_json_job(report, job, &st) < 0)
		return pc_fail(PC_ERR_RUN, "fio's write report has no job %s: its writes were not "
			       "counted, the check of it cannot run", job);
	if (!st.has_write)
		return pc_fail(PC_ERR_RUN, "fio's write report has no write counts for job %s "
			       "(fio's statistics off, or reported under another name): the check "
			       "of it cannot run", job);
	/* An error stopped the job before it was done (with cut = drop the
	 * cut fails no write; with cut = error the writes after it fail with
	 * EIO, or EROFS once the filesystem gives up): not a job whose
	 * writes the check can bound, whatever was cut. */
	if (st.error && !(cut->errors && (st.error == EIO || st.error == EROFS)))
		return pc_fail(PC_ERR_RUN, "fio's job %s failed in the write pass with error %d "
			       "(%s; see fio-write.stderr): its writes stopped there, the check "
			       "cannot judge it", job, st.error, strerror(st.error));
	if (st.write_ios == 0 && !midrun)
		return pc_fail(PC_ERR_RUN, "fio's job %s wrote nothing (0 writes in its report, "
			       "see fio-write.stderr): there is nothing the check could find lost",
			       job);
	if (!midrun && st.write_bytes < j->extent)
		return pc_fail(PC_ERR_RUN, "fio ended job %s early: it wrote %llu bytes (%llu writes), "
			       "and run to its end it writes at least %llu (runtime=, steadystate or "
			       "an error stop a job early): with cut_at = "
			       "end the check would pass a part of the job as the whole; let the job "
			       "run whole, or cut it mid-run (cut_at = Ns or P%%)", job,
			       (unsigned long long)st.write_bytes, (unsigned long long)st.write_ios,
			       (unsigned long long)j->extent);
	uint64_t n = st.write_ios;
	if (midrun && cut->has_state) {
		/* see struct pc_fio_cut: has_state */
		if (n > cut->issued)
			n = cut->issued;
		if (cut->files > 1)
			n = n > j->depth ? n - j->depth : 0;
	}
	/* fio counts a write complete before its fsync: the last ones may not
	 * be synced yet at a mid-run cut, nor at the end of a job that does
	 * not sync then when no durability mode runs after it (fsync=3 and
	 * 2048 writes: the last 2 were lost on ext4), and are not promised. */
	int unsynced_end = midrun ? !(cut->ended && j->sync_at_end) : !mode_syncs && !j->sync_at_end;
	if (unsynced_end && j->unsynced) {
		*tail = j->unsynced < n ? j->unsynced : n;
		n -= *tail;
	}
	/* Run to its end, the job wrote, and nothing of it is promised: its
	 * check cannot run (beside another job the case passed with it
	 * unchecked).  Mid-run, a cut before its first synced write is
	 * counted in jobs_unchecked. */
	if (!midrun && n == 0) {
		*tail = 0;
		return pc_fail(PC_ERR_RUN, "every one of the %llu writes of fio's job %s came after "
			       "its last fsync (fsync/fdatasync=%lu with iodepth %u leaves up to "
			       "%u unsynced) and mode none syncs nothing after it: the check of "
			       "the job cannot run (use a smaller fsync=N, end_fsync=1 or a mode)",
			       (unsigned long long)st.write_ios, job, j->sync_every, j->depth,
			       j->unsynced);
	}
	*promised = n;
	return n > 0;
}

/* The promises of every job of the final write report DOC into PROMISED
 * (0: nothing to check); -1 when one cannot be told. */
static int promises(const struct pc_fio_case *fc, json_t *doc, struct pc_fio_result *res,
		    uint64_t *promised)
{
	for (size_t i = 0; i < fc->njobs; i++) {
		uint64_t tail;
		const struct pc_fio_job_result *jr = &res->jobs[i];
		struct pc_fio_cut cut = { res->midrun, fc->mode_syncs, fc->cut_errors, jr->ended,
					  jr->has_state, jr->issued, jr->files };
		int any = pc_fio_job_promise(doc, &fc->jobs[i], &cut, &promised[i], &tail);
		if (any < 0)
			return -1;
		res->unchecked_tail += tail;
		res->jobs[i].promised = promised[i];
		res->jobs[i].tail = tail;
		/* Mid-run: the cut came before this job had a write complete
		 * (and synced); results.json counts it. */
		res->jobs_unchecked += !any;
	}
	return 0;
}

/* Every checked job of the verify report DOC judged; the verify errors
 * fio counted beyond the messages read (FOUND) are one more finding. */
static int judge_jobs(const struct pc_fio_case *fc, json_t *doc, const uint64_t *promised,
		      int status, size_t found, const char *err, struct pc_fio_result *res,
		      struct pc_verify_result *vr)
{
	char line[512];
	pc_fio_last_line(err, line, sizeof(line));
	uint64_t total_err = 0;
	int explained = 0;
	for (size_t i = 0; i < fc->njobs; i++) {
		struct pc_fio_stats st;
		const char *job = fc->jobs[i].name;
		if (pc_fio_json_job(doc, job, &st) < 0)
			return pc_fail(PC_ERR_RUN, "fio's verify report has no job %s (exit %d, see "
				       "%s): %s", job, status, err, line);
		explained |= st.error || st.total_err;
		if (!promised[i])
			continue; /* verify=null: it checked nothing, as promised */
		if (!st.has_read || !st.has_error)
			return pc_fail(PC_ERR_RUN, "fio's verify report of job %s has no %s (see "
				       "%s): what it checked is not known", job,
				       st.has_read ? "error field" : "read counts", err);
		total_err += st.total_err;
		if (judge_job(fc, i, promised[i], &st, err, res, vr) < 0)
			return -1;
	}
	if (status != 0 && !explained)
		return pc_fail(PC_ERR_RUN, "fio verify exited with %d and no job says why (see %s): "
			       "%s", status, err, line);
	if (total_err > found) /* never a pass on a message we could not read */
		job_finding(vr, "fio", total_err - found,
			    xasprintf("%llu more verify errors that powercut could not read (see %s)",
				      (unsigned long long)(total_err - found), err));
	return 0;
}

static int finding_at(const struct pc_verify_result *vr, const char *path)
{
	for (size_t i = 0; i < vr->nfindings; i++)
		if (vr->findings[i].kind == PC_F_FIO_VERIFY && !strcmp(vr->findings[i].path, path))
			return 1;
	return 0;
}

/* powercut's own reading of fio's block headers, after fio's check
 * (fio_headers.h): a block of another job, or one write at two places of
 * a job's files, passes fio's check, which does not tie a block to its
 * file.  Each is a finding (fio-verify FILE@OFFSET) and a lost block of
 * the job whose file holds it, unless fio's check found that block bad
 * already. */
static int misplaced_blocks(const struct pc_fio_case *fc, struct pc_fio_result *res,
			    struct pc_verify_result *vr)
{
	for (size_t i = 0; i < fc->njobs && i < res->njobs; i++) {
		const struct pc_fio_job *j = &fc->jobs[i];
		struct pc_fio_job_result *jr = &res->jobs[i];
		if (!jr->verified || !jr->promised || !j->hdr_interval)
			continue;
		struct pc_fio_header_scan scan = {
			.dir = fc->datadir, .files = j->files, .nfiles = j->nfiles,
			.thread = (unsigned)(i + 1), .interval = j->hdr_interval,
			.block = j->hdr_block,
			.first = j->hdr_first, .header_at = j->hdr_at, .seeded = j->hdr_seeded,
		};
		struct pc_fio_misplaced *m = NULL;
		size_t n = 0;
		if (pc_fio_scan_headers(&scan, &m, &n) < 0)
			return -1;
		for (size_t k = 0; k < n; k++) {
			if (finding_at(vr, m[k].path))
				continue;
			vr->findings = xrealloc(vr->findings, (vr->nfindings + 1) * sizeof(*vr->findings));
			vr->findings[vr->nfindings++] = (struct pc_finding){
				PC_F_FIO_VERIFY, m[k].path, xasprintf("not its file's block: %s", m[k].detail)
			};
			m[k].path = NULL;
			vr->counts[PC_F_FIO_VERIFY]++;
			vr->lost++;
			jr->lost++;
			jr->misplaced++;
		}
		pc_fio_misplaced_free(m, n);
		jr->headers_read = 1;
	}
	return 0;
}

int pc_fio_verify(const struct pc_fio_case *fc, struct pc_fio_result *res,
		  struct pc_verify_result *vr)
{
	char path[PATH_MAX], job[PATH_MAX], json[PATH_MAX], err[PATH_MAX];
	if (path_in(path, fc->casedir, "fio-write.json") < 0 ||
	    path_in(job, fc->casedir, "verify.fio") < 0 ||
	    path_in(json, fc->casedir, "fio-verify.json") < 0 ||
	    path_in(err, fc->casedir, "fio-verify.stderr") < 0)
		return -1;
	json_t *doc = final_report(path);
	if (!doc)
		return -1;
	uint64_t *promised = xcalloc(fc->njobs + 1, sizeof(*promised));
	int rc = res->midrun ? job_states(fc, res) : 0;
	if (rc == 0)
		rc = promises(fc, doc, res, promised);
	json_decref(doc);
	if (rc == 0 && res->jobs_unchecked == fc->njobs)
		rc = pc_fail(PC_ERR_RUN, "no fio job had a write complete (and synced) before the "
			     "cut: nothing was checked; %s", res->midrun ? "cut later (cut_at)"
			     : "every write came after the job's last fsync and mode none syncs "
			       "nothing after it (use a smaller fsync=N, end_fsync=1 or a mode)");
	int status = rc < 0 ? -1 : write_verify_job(fc, promised, res, job);
	if (status == 0)
		status = run_verify(fc, job, json, err);
	if (status < 0) {
		free(promised);
		return -1;
	}
	size_t len = 0;
	char *text = pc_read_file(err, &len);
	size_t found = text ? pc_fio_verify_findings(text, fc->datadir, vr) : 0;
	char sig[512];
	int died = text && pc_fio_signal_line(text, sig, sizeof(sig));
	free(text);
	if (died) {
		free(promised);
		return pc_fail(PC_ERR_RUN, "fio verify died of a signal (see %s): %s", err, sig);
	}
	len = 0;
	text = pc_read_file(json, &len);
	doc = text ? pc_fio_json_last(text, len, NULL) : NULL;
	free(text);
	if (!doc) {
		char line[512];
		pc_fio_last_line(err, line, sizeof(line));
		free(promised);
		return pc_fail(PC_ERR_RUN, "fio verify gave no report (exit %d, see %s): %s", status,
			       err, line);
	}
	rc = judge_jobs(fc, doc, promised, status, found, err, res, vr);
	json_decref(doc);
	free(promised);
	if (rc == 0)
		rc = misplaced_blocks(fc, res, vr);
	return rc;
}

void pc_fio_result_free(struct pc_fio_result *res)
{
	free(res->jobs);
	res->jobs = NULL;
	res->njobs = 0;
}

int pc_fio_exec(char *const argv[], const char *dir, const char *outpath, const char *errpath)
{
	pid_t pid = spawn(argv, dir, outpath, errpath);
	return pid < 0 ? -1 : wait_fio(pid);
}

/* ---- test hook ------------------------------------------------------------------ */

int pc_fio_test_damage(const char *datadir)
{
	const char *spec = getenv("POWERCUT_TEST_FIO_DAMAGE");
	if (!spec || !*spec)
		return 0;
	/* FILE@OFFSET zeroes the block; FILE@OFFSET<FROM puts FROM's block at
	 * the same offset there (another file's block, which fio's check
	 * passes) */
	const char *from = strchr(spec, '<');
	const char *at = memrchr(spec, '@', from ? (size_t)(from - spec) : strlen(spec));
	char *end = NULL;
	unsigned long long off = at ? strtoull(at + 1, &end, 10) : 0;
	if (!at || at == spec || !end || end == at + 1 || *end != (from ? '<' : '\0') ||
	    (from && !from[1]) || strstr(spec, "..") || *spec == '/' || (from && from[1] == '/'))
		return pc_fail(PC_ERR_INPUT, "POWERCUT_TEST_FIO_DAMAGE=%s: expected FILE@OFFSET or "
			       "FILE@OFFSET<FROM, files relative to the fio directory", spec);
	char *file = xasprintf("%s/%.*s", datadir, (int)(at - spec), spec);
	char *source = from ? xasprintf("%s/%s", datadir, from + 1) : NULL;
	char block[4096] = { 0 };
	int rc = 0;
	if (source) {
		int sfd = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (sfd < 0 || pc_pread_full(sfd, block, sizeof(block), (off_t)off) !=
			       (ssize_t)sizeof(block))
			rc = pc_fail_errno(PC_ERR_RUN, errno ? errno : EIO, "test damage: read %s "
					   "at %llu", source, off);
		if (sfd >= 0)
			close(sfd);
	}
	int fd = rc < 0 ? -1 : open(file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (rc == 0 && (fd < 0 || pc_pwrite_all(fd, block, sizeof(block), (off_t)off) < 0 ||
			fsync(fd) < 0))
		rc = pc_fail_errno(PC_ERR_RUN, errno, "test damage of %s at %llu", file, off);
	else if (rc == 0) /* not pc_warn: that would become the case's reason */
		fprintf(stderr, "powercut: test hook: %s 4 KiB of %s at offset %llu%s%s\n",
			source ? "copied over" : "zeroed", file, off, source ? " from " : "",
			source ? source : "");
	if (fd >= 0)
		close(fd);
	free(file);
	free(source);
	return rc;
}

/* ---- workload = fio in the crash cycle (workload.h) --------------------------- */

#define MIB (1024ULL * 1024ULL)
/* Smallest devices the three mkfs accept comfortably (xfs wants 300 MiB). */
#define MIN_DEVICE_SIZE (512 * MIB)

struct fio_run {
	char fiodir[PATH_MAX];   /* the job's folder on the filesystem, mnt/fio */
	char casedir[PATH_MAX];  /* the case folder, absolute: fio's working folder */
	char job[PATH_MAX];      /* the checked bytes of the job file, copied there */
	struct pc_fio_case fc;
};

static int fio_cut(void *arg)
{
	struct pc_workload_case *w = arg;
	return w->cut(w);
}

/* The jobs' folder on the filesystem mounted at MNT, into FIODIR
 * (PATH_MAX bytes): -1 (class INPUT) when fio could not work there. */
static int fio_folder(const struct pc_case *c, const char *mnt, char *fiodir)
{
	if (pc_path_join(fiodir, PATH_MAX, mnt, "fio") < 0)
		return -1;
	/* fio splits --directory at ':' (options.c get_next_str): the job's
	 * folder would be two, the first one outside the filesystem */
	if (strchr(fiodir, ':'))
		return pc_fail(PC_ERR_INPUT, "the fio job's folder %s holds a ':', which fio reads "
			       "as a list of folders (--directory=A:B); give run --workdir a "
			       "folder whose path has no ':'", fiodir);
	/* fio builds each file's path, its folder, '/' and the name, in a
	 * PATH_MAX buffer (filesetup.c add_file, sprintf): a longer one, which
	 * fio's set-up check at load took in its temporary folder (fio there
	 * works in '.'), was fio killed by signal 6 (Aborted) in every case */
	for (size_t i = 0; i < c->nfio_jobs; i++) {
		const struct pc_fio_job *j = &c->fio_jobs[i];
		if (strlen(fiodir) + 1 + j->longest_name + 1 > PATH_MAX)
			return pc_fail(PC_ERR_INPUT, "fio job [%s] names a file of %zu bytes: under "
				       "the fio folder %s (%zu bytes) its path would be past PATH_MAX "
				       "(%d bytes with its end), which fio 3.33 does not check (it "
				       "aborts); give run --workdir a shorter folder, or the job "
				       "shorter file names", j->name, j->longest_name, fiodir,
				       strlen(fiodir), PATH_MAX);
	}
	return 0;
}

/* Before the run starts, with the mountpoint the case will have: a job
 * file whose names do not fit was refused in every case, after the run's
 * results folder was made (and `run --list` took it). */
static int fio_check_paths(const struct pc_case *c, const char *mnt)
{
	char fiodir[PATH_MAX];
	return fio_folder(c, mnt, fiodir);
}

static int fio_prepare(struct pc_workload_case *w)
{
	struct fio_run *f = xcalloc(1, sizeof(*f));
	w->priv = f;
	if (fio_folder(w->c, w->mnt, f->fiodir) < 0)
		return -1;
	if (!realpath(w->r->case_dir, f->casedir))
		return pc_fail_errno(PC_ERR_RUN, errno, "realpath %s", w->r->case_dir);
	const struct pc_case *c = w->c;
	/* fio runs the bytes the scenario check read, never the file again:
	 * a job file changed after the check changes nothing */
	if (pc_path_join(f->job, sizeof(f->job), f->casedir, "job.fio") < 0 ||
	    pc_write_file(f->job, c->fio_job_text, c->fio_job_len, 0) < 0)
		return -1;
	f->fc = (struct pc_fio_case){
		.job = f->job,
		.text = c->fio_job_text,
		.text_len = c->fio_job_len,
		.jobs = c->fio_jobs,
		.njobs = c->nfio_jobs,
		.total_bytes = c->fio_bytes,
		.cut_at = c->cut_at,
		.mode_syncs = c->mode != PC_MODE_NONE,
		.cut_errors = c->cut == PC_FLAKEY_ERROR,
		.datadir = f->fiodir,
		.casedir = f->casedir,
		.cut = fio_cut,
		.cut_arg = w,
	};
	return 0;
}

/* The jobs' files (what fio allocates or lays out, pc_fio_jobfile.total_room),
 * the filesystem's journal and metadata. */
static int fio_device_size(struct pc_workload_case *w, uint64_t *size)
{
	uint64_t room = w->c->fio_room;
	if (room > (UINT64_MAX - 256 * MIB - MIB) / 2)
		return pc_fail(PC_ERR_INPUT, "device_size = auto: the fio jobs' files take %" PRIu64
			       " bytes, too many to size a device for; set device_size", room);
	uint64_t need = 2 * room + 256 * MIB;
	need = (need + MIB - 1) / MIB * MIB;
	*size = need < MIN_DEVICE_SIZE ? MIN_DEVICE_SIZE : need;
	return 0;
}

static int fio_setup(struct pc_workload_case *w)
{
	struct fio_run *f = w->priv;
	if (mkdir(f->fiodir, 0755) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", f->fiodir);
	return 0;
}

/* What a commit at the end promises: this job file's writes. */
static int fio_commit(struct pc_workload_case *w)
{
	pc_progress_phase("commit");
	unsigned char digest[PC_SHA256_LEN];
	pc_sha256(w->c->fio_job_text, w->c->fio_job_len, digest);
	struct pc_commit rec;
	pc_commit_build_digest(&rec, digest, w->r->fio.write_ios, w->c->id,
			       pc_mode_name(w->c->mode), 0);
	pc_commit_note_tested(w->r, &rec);
	double t = pc_now();
	int rc = pc_commit_write(w->mnt, &rec);
	w->r->t.commit = pc_now() - t;
	return rc;
}

/* The job, then (cut_at = end) the durability mode on its folder and the
 * commit record, as for an image.  A mid-run cut has already happened when
 * pc_fio_write returns. */
static int fio_run(struct pc_workload_case *w)
{
	struct fio_run *f = w->priv;
	/* The job's folder is set-up, not workload: durable before fio runs,
	 * so that a cut can only take what fio wrote. */
	if (pc_fsync_dir(f->fiodir) < 0 || pc_fsync_dir(w->mnt) < 0)
		return -1;
	pc_progress_phase("fio");
	double t = pc_now();
	int rc = pc_fio_write(&f->fc, &w->r->fio);
	w->r->t.unpack = pc_now() - t;
	if (rc < 0)
		return -1;
	w->r->bytes = w->r->fio.write_bytes;
	w->r->entries = w->r->fio.write_ios;
	if (w->r->fio.midrun || pc_check_interrupted() < 0)
		return pc_check_interrupted();

	pc_progress_phase(pc_mode_name(w->c->mode));
	struct pc_sync_stats ss = { 0 };
	t = pc_now();
	rc = pc_durability_apply(w->c->mode, f->fiodir, &ss);
	w->r->t.sync = pc_now() - t;
	w->r->fsyncs = ss.fsyncs;
	if (rc < 0 || (w->mode_returned && w->mode_returned(w) < 0) || pc_check_interrupted() < 0)
		return -1;
	return fio_commit(w);
}

static int fio_verify(struct pc_workload_case *w)
{
	struct fio_run *f = w->priv;
	if (!w->r->fio.midrun) {
		struct pc_commit rec;
		int rc = pc_commit_read(w->mnt, &rec);
		if (rc < 0)
			return -1;
		w->r->committed = rc == 1;
	}
	if (pc_fio_test_damage(f->fiodir) < 0)
		return -1;
	return pc_fio_verify(&f->fc, &w->r->fio, &w->r->vr);
}

void pc_fio_syncs_describe(const struct pc_fio_job *j, char *out, size_t len)
{
	const char *end = j->sync_at_end ? " and at its end" : "";
	switch (j->syncs) {
	case PC_FIO_SYNC_EACH:
		snprintf(out, len, "each write (sync=1)");
		break;
	case PC_FIO_SYNC_EVERY:
		snprintf(out, len, "every %lu writes (fsync/fdatasync)%s", j->sync_every, end);
		break;
	case PC_FIO_SYNC_NEVER:
		snprintf(out, len, "%s", j->sync_at_end ? "at its end only (end_fsync/fsync_on_close)"
							 : "never");
		break;
	}
}

void pc_fio_unsynced_hint(const struct pc_fio_job *jobs, size_t njobs,
			  const struct pc_fio_result *fr, int mode_syncs, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < njobs && i < fr->njobs; i++) {
		const struct pc_fio_job *j = &jobs[i];
		int synced = j->syncs != PC_FIO_SYNC_NEVER ||
			     (!fr->midrun && (mode_syncs || j->sync_at_end));
		if (synced || !fr->jobs[i].lost)
			continue;
		snprintf(out, len, " (job %s syncs nothing before the cut: fio counts a write "
			 "complete before it is durable, so expect = loss or any fits it)", j->name);
		return;
	}
}

/* results.json "fio.jobs": per job what it was to write (size; least_bytes,
 * the least it writes run to its end, when known), what fio reported it
 * wrote, what was promised and what the verify pass read back and lost
 * (null when it did not run). */
static json_t *describe_jobs(const struct pc_case *c, const struct pc_fio_result *fr)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->nfio_jobs; i++) {
		const struct pc_fio_job *j = &c->fio_jobs[i];
		const struct pc_fio_job_result *jr = i < fr->njobs ? &fr->jobs[i] : NULL;
		json_t *o = json_object();
		pc_json_put_str(o, "name", j->name);
		char syncs[96];
		pc_fio_syncs_describe(j, syncs, sizeof(syncs));
		pc_json_put_str(o, "syncs", syncs);
		json_object_set_new(o, "size", j->size ? json_integer((json_int_t)j->size) : json_null());
		json_object_set_new(o, "least_bytes", j->extent_unknown ? json_null()
					: json_integer((json_int_t)j->extent));
		if (jr) {
			pc_json_put_int(o, "write_ios", jr->write_ios);
			pc_json_put_int(o, "write_bytes", jr->write_bytes);
			pc_json_put_int(o, "promised", jr->promised);
			pc_json_put_int(o, "unchecked_tail", jr->tail);
		}
		json_object_set_new(o, "read_back", jr && jr->verified
					? json_integer((json_int_t)jr->read_back) : json_null());
		json_object_set_new(o, "lost", jr && jr->verified
					? json_integer((json_int_t)jr->lost) : json_null());
		/* powercut's own reading of the headers (not when the job file
		 * does not tell where they are): blocks of another file */
		json_object_set_new(o, "misplaced", jr && jr->headers_read
					? json_integer((json_int_t)jr->misplaced) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

/* results.json "fio": the job, the cut and what fio's verifier saw. */
static void fio_describe(json_t *o, const struct pc_case_result *res)
{
	const struct pc_case *c = res->c;
	json_t *f = json_object();
	char at[32];
	pc_cut_at_format(&c->cut_at, at, sizeof(at));
	pc_json_put_str(f, "job", c->fio_job);
	pc_json_put_str(f, "cut_at", at);
	json_object_set_new(f, "mid_run", json_boolean(res->fio.midrun));
	if (res->fio.midrun) {
		pc_json_put_secs(f, "cut_after_s", res->fio.cut_after_s);
		if (c->cut_at.kind == PC_CUT_AT_PERCENT)
			pc_json_put_int(f, "cut_after_bytes", res->fio.cut_after_bytes);
	}
	pc_json_put_int(f, "job_bytes", c->fio_bytes);
	pc_json_put_int(f, "write_ios", res->fio.write_ios);
	pc_json_put_int(f, "write_bytes", res->fio.write_bytes);
	pc_json_put_int(f, "verify_ios", res->fio.verify_ios);
	pc_json_put_int(f, "verify_errors", res->fio.verify_errors);
	pc_json_put_int(f, "jobs_verified", res->fio.jobs_verified);
	pc_json_put_int(f, "jobs_unchecked", res->fio.jobs_unchecked);
	pc_json_put_int(f, "unchecked_tail", res->fio.unchecked_tail);
	json_object_set_new(f, "jobs", describe_jobs(c, &res->fio));
	json_object_set_new(o, "fio", f);
}

static void fio_release(struct pc_workload_case *w)
{
	free(w->priv);
	w->priv = NULL;
}

const struct pc_workload_ops pc_workload_fio = {
	.name = "fio",
	.check_paths = fio_check_paths,
	.prepare = fio_prepare,
	.device_size = fio_device_size,
	.setup = fio_setup,
	.run = fio_run,
	.verify = fio_verify,
	.describe = fio_describe,
	.release = fio_release,
};
