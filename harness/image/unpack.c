/* unpack.c - see unpack.h: the unpacking process.  The parent opens the
 * layers, forks a child and waits; the child isolates itself (nodev mount
 * namespace, chroot into the target), walks the layers writing every entry
 * (unpack_walk.c) and passes back the manifest it built (a temporary file,
 * pc_manifest_pass: the XXH3-128 digests, when asked for, go along) and
 * its stats and first error message (shared memory, struct child_report);
 * its exit status carries the error class.
 */
#include "image/layer_reader.h"
#include "image/unpack_int.h"
#include "fs/fsync_queue.h"
#include "fs/isolate.h"
#include "util/sanitizer.h"
#include "util/util.h"

#include <archive.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exit codes of the unpacking child: the parent maps them to error classes. */
enum { CHILD_OK = 0, CHILD_INPUT = 10, CHILD_RUN = 11, CHILD_ENV = 12 };

/* Shared with the child: what it reports besides its exit status. */
struct child_report {
	struct pc_unpack_stats st;
	char msg[1024]; /* its first error message */
	int err;        /* the errno behind it, or 0 */
};

static int child_exit_code(void)
{
	switch (pc_last_errclass) {
	case PC_ERR_INPUT: return CHILD_INPUT;
	case PC_ERR_ENV: return CHILD_ENV;
	default: return CHILD_RUN;
	}
}

static int fsync_while_writing;

void pc_unpack_fsync_while_writing(int on)
{
	fsync_while_writing = on;
}

/* What the unpacking child does: every layer flat, or one layer in the
 * overlay form. */
struct job {
	struct archive **ars;
	const char *const *layers;
	size_t n;
	int overlay;
	unsigned index;                 /* overlay: the layer's number */
	const struct pc_manifest *lower; /* overlay: the merged view below */
	struct pc_manifest *known;      /* the digests, from a scan (see unpack.h) */
	unsigned digests;               /* without KNOWN: PC_HASH_* to compute */
	pc_unpack_progress_fn progress;
	void *arg;
};

/* M was written without hashing: its files' digests are KNOWN's, provided
 * the two agree on everything else. */
static int take_known_digests(struct pc_manifest *m, struct pc_manifest *known)
{
	char *path = NULL;
	if (pc_manifest_take_digests(m, known, &path) == 0)
		return 0;
	int rc = pc_fail(PC_ERR_INPUT, "unpack: the tree written differs from the scan of the same "
			 "layers at %s (did a layer change during the run?)", path);
	free(path);
	return rc;
}

/* The manifest the child built, written to MFD for the parent, with the
 * XXH3-128 digests if computed (pc_manifest_pass: no text to format here
 * nor to parse there). */
static int pass_manifest(struct pc_manifest *m, int mfd)
{
	FILE *f = fdopen(mfd, "w");
	int rc = 0;
	/* pc_fail, not pc_fail_errno: an ENOSPC here is the temporary
	 * folder's, never the target's (runner.c names device_size for
	 * that). */
	if (!f || pc_manifest_pass(m, f) < 0)
		rc = pc_fail(PC_ERR_RUN, "unpack: passing the manifest on: %s", strerror(errno));
	if (f && fclose(f) != 0 && rc == 0)
		rc = pc_fail(PC_ERR_RUN, "unpack: passing the manifest on: %s", strerror(errno));
	return rc;
}

static int child_main(const struct job *job, const char *target, int mfd,
		      struct child_report *rep)
{
	/* The parent prints our first error, once. */
	pc_messages_quiet = 1;
	pc_capture_errors(rep->msg, sizeof(rep->msg));
	/* No device node, the image's included, can be opened from here. */
	const char *step = NULL;
	int r = pc_isolate_nodev(target, &step);
	if (r < 0)
		return pc_fail_errno(PC_ERR_ENV, -r, "unpack into %s: %s", target, step);
	if (chdir(target) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "unpack: cannot enter %s", target);
	pc_sanitizer_before_chroot();
	if (chroot(".") < 0)
		return pc_fail_errno(errno == EPERM ? PC_ERR_ENV : PC_ERR_RUN, errno,
				     "unpack: chroot into %s (root needed)", target);
	if (chdir("/") < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "unpack: chdir / in %s", target);
	umask(022); /* parents archive_write_disk creates itself get 0755 */
	pc_layer_reader_threads(); /* decompress on a thread while we write */

	struct walk w;
	if (unpack_walk_init(&w, job->known ? 0 : job->digests) < 0)
		return -1;
	w.progress = job->progress;
	w.arg = job->arg;
	w.next_progress = PROGRESS_STEP;
	if (fsync_while_writing && !(w.fsyncq = pc_fsync_queue_start(0))) {
		unpack_walk_done(&w);
		return -1;
	}
	int rc;
	if (job->overlay) {
		w.overlay = 1;
		w.lower = job->lower;
		rc = unpack_walk_one(&w, job->ars[0], job->layers[0], job->index, 1);
		w.st.entries = pc_manifest_count(w.m);
	} else {
		rc = unpack_walk_layers(&w, job->ars, job->layers, job->n, 1);
	}
	/* Every fsync handed over has returned before the parent goes on. */
	if (pc_fsync_queue_finish(w.fsyncq, &w.st.early_fsyncs) < 0 && rc == 0)
		rc = -1;
	w.fsyncq = NULL;
	if (rc == 0) {
		rep->st = w.st;
		rc = job->known ? take_known_digests(w.m, job->known) : pass_manifest(w.m, mfd);
	}
	unpack_walk_done(&w);
	return rc;
}

/* Only an interruption (the runner's SIGINT/SIGTERM/SIGHUP handlers, which
 * do not restart system calls) ends the wait with EINTR: the unpack is then
 * abandoned at once rather than finished first, which may take minutes. */
static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return pc_fail_errno(PC_ERR_RUN, errno, "waiting for the unpack process");
		kill(pid, SIGKILL);
	}
	return 0;
}

/* Map the child's end to our error convention; the child only captured its
 * message, so it is printed here, once. */
static int child_result(int status, const char *target, const struct child_report *rep)
{
	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);
		if (code == CHILD_OK)
			return 0;
		enum pc_errclass cls = code == CHILD_INPUT ? PC_ERR_INPUT
				     : code == CHILD_ENV  ? PC_ERR_ENV
							  : PC_ERR_RUN;
		if (rep->msg[0])
			return pc_fail_cause(cls, rep->err, "%s", rep->msg);
		return pc_fail(cls, "unpacking into %s failed (exit %d)", target, code);
	}
	/* wait_child's SIGKILL on an interruption: the case was interrupted,
	 * and "killed by signal 9" would read as the OOM killer's doing. */
	if (pc_interrupted)
		return pc_check_interrupted();
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return pc_fail(pc_killed_class(sig), "unpacking into %s: the unpack process was killed by "
		       "signal %d (%s), %s", target, sig, strsignal(sig), pc_killed_why(sig));
}

/* The manifest the child passed in MF (pass_manifest); with DIGESTS
 * holding PC_HASH_XXH3, every regular file's XXH3-128 came along. */
static struct pc_manifest *read_manifest(FILE *mf, unsigned digests)
{
	/* The child wrote through a duplicate of our descriptor: the offset
	 * is at its end. */
	if (fseek(mf, 0, SEEK_SET) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: reading the manifest back");
		return NULL;
	}
	struct pc_manifest *m = pc_manifest_take_passed(mf);
	if (!m || !(digests & PC_HASH_XXH3))
		return m;
	size_t n;
	struct pc_entry *const *v = pc_manifest_sorted(m, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i]->type == PC_FT_REG && !v[i]->has_xxh3) {
			pc_fail(PC_ERR_RUN, "unpack: the unpack process passed no xxh3-128 digest "
				"for a file");
			pc_manifest_free(m);
			return NULL;
		}
	return m;
}

/* Run JOB in a child chrooted into TARGET; *out receives the manifest it
 * built. */
static int run_job(struct job *job, const char *target, struct pc_manifest **out,
		   struct pc_unpack_stats *st)
{
	struct archive **ars = xcalloc(job->n, sizeof(*ars));
	if (unpack_open_layers(job->layers, job->n, ars) < 0) {
		free(ars);
		return -1;
	}
	job->ars = ars;
	int rc = -1;
	FILE *mf = tmpfile(); /* the child writes the manifest here */
	struct child_report *rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!mf) {
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: temporary file for the manifest");
		goto out;
	}
	if (rep == MAP_FAILED) {
		rep = NULL;
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: shared memory");
		goto out;
	}
	memset(rep, 0, sizeof(*rep));
	if (job->known) {
		/* sorted once here, for every child's comparison */
		size_t n;
		pc_manifest_sorted(job->known, &n);
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "unpack: fork");
		goto out;
	}
	if (pid == 0) {
		/* Never outlive a killed parent: cleanup must be able to unmount. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(CHILD_RUN);
		/* The runner's handlers only set a flag this process never reads:
		 * a terminal's ^C must end the unpack. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		int r = child_main(job, target, dup(fileno(mf)), rep);
		int code = r < 0 ? child_exit_code() : CHILD_OK;
		rep->err = pc_captured_errno();
		/* Free before _exit so leak checkers see a clean child. */
		unpack_close_layers(ars, job->n);
		free(ars);
		pc_sanitizer_leak_check();
		_exit(code);
	}
	int status;
	if (wait_child(pid, &status) < 0 || child_result(status, target, rep) < 0)
		goto out;
	/* With KNOWN, the child compared what it wrote with it: the result is
	 * KNOWN itself, nothing to read back. */
	struct pc_manifest *m = job->known ? pc_manifest_copy(job->known)
					   : read_manifest(mf, job->digests);
	if (!m)
		goto out;
	*out = m;
	if (st)
		*st = rep->st;
	rc = 0;
out:
	if (mf)
		fclose(mf);
	if (rep)
		munmap(rep, sizeof(*rep));
	unpack_close_layers(ars, job->n);
	free(ars);
	return rc;
}

int pc_unpack_layers(const char *const *layers, size_t n, const char *target,
		     struct pc_manifest **out, struct pc_unpack_stats *st,
		     pc_unpack_progress_fn progress, void *arg)
{
	return pc_unpack_layers_digests(layers, n, PC_HASH_SHA256, target, out, st, progress,
					arg);
}

int pc_unpack_layers_digests(const char *const *layers, size_t n, unsigned digests,
			     const char *target, struct pc_manifest **out,
			     struct pc_unpack_stats *st, pc_unpack_progress_fn progress,
			     void *arg)
{
	struct job job = { .layers = layers, .n = n, .digests = digests, .progress = progress,
			   .arg = arg };
	return run_job(&job, target, out, st);
}

int pc_unpack_layers_known(const char *const *layers, size_t n, const char *target,
			   struct pc_manifest *known, struct pc_manifest **out,
			   struct pc_unpack_stats *st, pc_unpack_progress_fn progress, void *arg)
{
	struct job job = { .layers = layers, .n = n, .known = known, .progress = progress,
			   .arg = arg };
	return run_job(&job, target, out, st);
}

int pc_unpack_layer_overlay(const char *layer, unsigned index, const struct pc_manifest *lower,
			    const char *target, struct pc_manifest **out,
			    struct pc_unpack_stats *st, pc_unpack_progress_fn progress, void *arg)
{
	const char *layers[1] = { layer };
	struct job job = { .layers = layers, .n = 1, .overlay = 1, .index = index,
			   .lower = lower, .digests = PC_HASH_SHA256, .progress = progress,
			   .arg = arg };
	return run_job(&job, target, out, st);
}
