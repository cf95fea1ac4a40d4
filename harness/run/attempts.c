/* attempts.c - retries, known failures and the kernel log around the
 * runner's crash cycle; see attempts.h. */
#include "run/attempts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "check/failure.h"
#include "check/verdict.h"

int pc_parse_retries(const char *s, int *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *s < '0' || *s > '9' || *end || errno || v > PC_MAX_RETRIES)
		return pc_fail(PC_ERR_INPUT, "retries '%s': expected a number from 0 to %d", s,
			       PC_MAX_RETRIES);
	*out = (int)v;
	return 0;
}

/* "CASE:REST" in environment variable NAME, for case ID: REST, or NULL. */
const char *pc_test_hook(const char *name, const char *id)
{
	const char *v = getenv(name);
	if (!v)
		return NULL;
	/* Case ids hold no ':'; TEXT of the kmsg hook may: split at the first. */
	const char *colon = strchr(v, ':');
	if (!colon || strlen(id) != (size_t)(colon - v) || strncmp(v, id, strlen(id)))
		return NULL;
	return colon + 1;
}

static int hook_fails_attempt(const char *id, size_t attempt)
{
	const char *n = pc_test_hook(PC_TEST_FAIL_ATTEMPTS_ENV, id);
	return n && attempt <= strtoul(n, NULL, 10);
}

/* Before the second attempt: what the first left in cases/CASE goes to
 * cases/CASE/try-1, so that every attempt has a folder of its own. */
static int move_first_attempt(const char *dir)
{
	char *try1 = xasprintf("%s/try-1", dir);
	int rc = mkdir(try1, 0755) < 0 ? pc_fail_errno(PC_ERR_RUN, errno, "mkdir %s", try1) : 0;
	DIR *d = rc == 0 ? opendir(dir) : NULL;
	if (rc == 0 && !d)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "open %s", dir);
	struct dirent *e;
	while (d && rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strncmp(e->d_name, "try-", 4))
			continue;
		char *to = xasprintf("try-1/%s", e->d_name);
		if (renameat(dirfd(d), e->d_name, dirfd(d), to) < 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "move %s/%s to %s", dir, e->d_name, try1);
		free(to);
	}
	if (d)
		closedir(d);
	free(try1);
	return rc;
}

static enum pc_errclass one_attempt(pc_attempt_fn fn, const struct pc_case *c,
				    const struct pc_run_opts *o, const char *runwork,
				    unsigned index, struct pc_case_result *r)
{
	struct pc_kmsg k = { .fd = -1 };
	memset(&r->km, 0, sizeof(r->km));
	if (pc_kmsg_begin(&k) < 0) {
		r->c = c;
		r->backend = c->backend;
		r->fsck = PC_FSCK_SKIPPED;
		r->verdict = PC_VERDICT_ERROR;
		r->signal_first = (int)pc_interrupted;
		snprintf(r->reason, sizeof(r->reason), "cannot read the kernel log (/dev/kmsg)");
		return PC_ERR_ENV;
	}
	r->km.inject = pc_test_hook(PC_TEST_KMSG_ENV, c->id);
	r->km.fs = c->fs;
	enum pc_errclass cls = fn(c, o, runwork, index, r);
	char *log = xasprintf("%s/kernel.log", r->case_dir);
	int log_rc = pc_mkdir_p(r->case_dir, 0755);
	if (log_rc == 0)
		log_rc = pc_kmsg_end(&k, log, c->cut, &r->km);
	else
		pc_kmsg_abort(&k);
	free(log);
	pc_verdict_kernel(r, log_rc);
	if (pc_verdict_host_failed(r) && cls < PC_ERR_ENV)
		cls = PC_ERR_ENV; /* the host failed the device: exit status 3 */
	return cls;
}

static void keep_attempt(struct pc_case_result *r)
{
	r->attempts = xrealloc(r->attempts, (r->nattempts + 1) * sizeof(*r->attempts));
	struct pc_attempt *a = &r->attempts[r->nattempts++];
	a->verdict = r->verdict;
	snprintf(a->reason, sizeof(a->reason), "%s", r->reason);
	a->total = r->t.total;
	snprintf(a->dir, sizeof(a->dir), "%s", r->case_dir);
	r->attempts_failed += r->verdict != PC_VERDICT_PASS;
}

/* Clear R for the next attempt, keeping what spans attempts. */
static void reset_for_retry(struct pc_case_result *r)
{
	struct pc_attempt *attempts = r->attempts;
	size_t n = r->nattempts, failed = r->attempts_failed;
	pc_case_result_release(r);
	memset(r, 0, sizeof(*r));
	r->attempts = attempts;
	r->nattempts = n;
	r->attempts_failed = failed;
}

/* The first entry, of --known's files then the scenario's known files of
 * C's group, for C's id and KERNEL that covers FAILURES (0: any entry of
 * the case; known.h's pc_known_match). */
static const struct pc_known_entry *known_entry(const struct pc_case *c,
						const struct pc_run_opts *o, const char *kernel,
						unsigned failures)
{
	const struct pc_known_entry *e = pc_known_match(o->known, c->id, kernel, failures);
	for (size_t i = 0; !e && c->settings && i < c->settings->nknown; i++)
		e = pc_known_match(pc_known_files_get(o->scenario_known, c->settings->known[i]),
				   c->id, kernel, failures);
	return e;
}

/* R's error kind, from CLS, the class of the attempt that gave its
 * verdict: a case stopped by a signal is interrupted whatever its error
 * (the signal ended its phase early), else the class's exit status.  A
 * signal that came after the case's error did not stop it: its kind is
 * the error's (an environment error whose teardown a ^C met was recorded
 * "interrupted").  Nor does a signal make the host's own failure, seen
 * independently of it, any less the host's: a backing file that no
 * longer reads back from the work folder's disk, a work folder full
 * (the kernel's word): environment, the reason says so. */
static void note_error_kind(struct pc_case_result *r, enum pc_errclass cls)
{
	r->error_kind = PC_EK_UNKNOWN;
	r->error_exit = 0;
	if (r->verdict != PC_VERDICT_ERROR)
		return;
	int host = r->backing_unreadable || r->km.nospace[0];
	if (r->signal_first && !host) {
		r->error_kind = PC_EK_INTERRUPTED;
		r->error_exit = 128 + r->signal_first;
		return;
	}
	if (host)
		cls = PC_ERR_ENV;
	r->error_kind = cls == PC_ERR_ENV ? PC_EK_ENV : cls == PC_ERR_INPUT ? PC_EK_INPUT : PC_EK_CASE;
	r->error_exit = cls == PC_ERR_ENV ? PC_EXIT_ENV : cls == PC_ERR_INPUT ? PC_EXIT_USAGE
		      : PC_EXIT_FAIL;
}

enum pc_errclass pc_attempts_run(pc_attempt_fn fn, const struct pc_case *c,
				 const struct pc_run_opts *o, const char *runwork,
				 unsigned index, struct pc_case_result *r, const char *kernel)
{
	/* Any entry of the case: it expects a failure (a pass is an
	 * unexpected one), though maybe not the one the case shows. */
	const struct pc_known_entry *known = known_entry(c, o, kernel, 0), *covering = NULL;
	unsigned seen = 0;
	unsigned retries = o->retries >= 0 ? (unsigned)o->retries
			 : c->settings ? c->settings->retries : 0;
	char base[sizeof(r->case_dir)];
	snprintf(base, sizeof(base), "%s", r->case_dir);
	enum pc_errclass worst = PC_ERR_NONE, last = PC_ERR_NONE;
	for (size_t attempt = 1;; attempt++) {
		enum pc_errclass cls = one_attempt(fn, c, o, runwork, index, r);
		if (cls > worst)
			worst = cls;
		last = cls;
		r->failures = pc_verdict_failures(r);
		if (r->verdict == PC_VERDICT_PASS && hook_fails_attempt(c->id, attempt)) {
			r->verdict = PC_VERDICT_FAIL;
			r->failures = PC_FAILURE_BIT(PC_FAILURE_TEST_HOOK);
			snprintf(r->reason, sizeof(r->reason), "failed by the test hook %s",
				 PC_TEST_FAIL_ATTEMPTS_ENV);
		}
		keep_attempt(r);
		/* Every attempt's kinds: a failure an entry does not cover,
		 * followed by one it does, is not known (fsck errors, then a loss
		 * on the retry, was "known" for an entry written for the loss). */
		seen |= r->failures;
		covering = r->verdict == PC_VERDICT_FAIL ? known_entry(c, o, kernel, seen) : NULL;
		/* A known failure is not retried: it is expected to fail (a
		 * failure of other kinds than its entry names is not known, and is
		 * retried as any other).  Nor is a case stopped by a signal, or by
		 * the environment or its input (they would fail the same way
		 * again). */
		if (r->verdict == PC_VERDICT_PASS || covering || attempt > retries || pc_interrupted ||
		    cls == PC_ERR_ENV || cls == PC_ERR_INPUT)
			break;
		if (attempt == 1) {
			char *try1 = xasprintf("%s/try-1", base);
			int moved = strlen(try1) < sizeof(r->attempts[0].dir) && move_first_attempt(base) == 0;
			if (moved)
				memcpy(r->attempts[0].dir, try1, strlen(try1) + 1);
			free(try1);
			if (!moved)
				break;
		}
		char next[sizeof(r->case_dir)];
		if (snprintf(next, sizeof(next), "%s/try-%zu", base, attempt + 1) >= (int)sizeof(next)) {
			pc_fail(PC_ERR_INPUT, "%s/try-%zu: path too long", base, attempt + 1);
			break;
		}
		reset_for_retry(r);
		memcpy(r->case_dir, next, sizeof(next));
	}
	int verdicts[r->nattempts];
	for (size_t i = 0; i < r->nattempts; i++)
		verdicts[i] = (int)r->attempts[i].verdict;
	if (r->verdict == PC_VERDICT_FAIL)
		r->failures = seen;
	note_error_kind(r, last);
	r->known = covering ? covering : known;
	/* An entry covers a failure of its kinds, and expects one when the
	 * case passed; a failure of other kinds is a failure, and one that
	 * passed on a retry after it is flaky, not an unexpected pass (an
	 * error stays an error, pc_outcome_of). */
	int expected = covering || (known && r->verdict == PC_VERDICT_ERROR) ||
		       (known && r->verdict == PC_VERDICT_PASS && r->attempts_failed == 0);
	r->outcome = pc_outcome_of(verdicts, r->nattempts, expected);
	return worst;
}
