/* test_util.c - the error class to exit code mapping every command uses. */
#include <CUnit/CUnit.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "fs/durability.h"
#include "image/manifest.h"
#include "fs/fs.h"
#include "util/util.h"
#include "check/verify.h"

static void test_exit_for_error(void)
{
	static const enum pc_exit run_errors[] = { PC_EXIT_FAIL, PC_EXIT_USAGE };
	for (size_t i = 0; i < 2; i++) {
		enum pc_exit run = run_errors[i];
		pc_last_errclass = PC_ERR_ENV;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), PC_EXIT_ENV);
		pc_last_errclass = PC_ERR_INPUT;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), PC_EXIT_USAGE);
		pc_last_errclass = PC_ERR_RUN;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), run);
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_exit_for_error(run), run);
	}
	/* The class comes from the last pc_fail. */
	pc_messages_quiet = 1;
	pc_fail(PC_ERR_ENV, "test");
	CU_ASSERT_EQUAL(pc_exit_for_error(PC_EXIT_FAIL), PC_EXIT_ENV);
	pc_fail(PC_ERR_RUN, "test");
	CU_ASSERT_EQUAL(pc_exit_for_error(PC_EXIT_FAIL), PC_EXIT_FAIL);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
}

/* A pending SIGINT/SIGTERM stops the long loops at once, so teardown is
 * not kept waiting by an fsync walk or a verify over a big tree. */
static void test_interrupt_stops_loops(void)
{
	char *dir = unit_tmpdir();
	char *sub = xasprintf("%s/d", dir), *file = xasprintf("%s/d/f", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(file, "x", 1, 0), 0);
	struct pc_manifest *m = pc_manifest_new();
	pc_manifest_put(m, "d")->type = PC_FT_DIR;

	pc_messages_quiet = 1;
	pc_interrupted = SIGINT;
	struct pc_sync_stats st = { 0 };
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_FSYNC, dir, &st), -1);
	CU_ASSERT_EQUAL(st.fsyncs, 0);
	struct pc_verify_result vr;
	CU_ASSERT_EQUAL(pc_verify_tree(m, dir, &vr), -1);
	CU_ASSERT_EQUAL(vr.checked, 0);
	pc_verify_result_free(&vr);
	pc_interrupted = 0;
	pc_messages_quiet = 0;

	/* Without the flag the same calls run. */
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_FSYNC, dir, &st), 0);
	CU_ASSERT_EQUAL(st.fsyncs, 3);
	CU_ASSERT_EQUAL(pc_verify_tree(m, dir, &vr), 0);
	CU_ASSERT_EQUAL(vr.checked, 1);
	pc_verify_result_free(&vr);
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(file);
	free(sub);
	free(dir);
}

/* xstrndup stops at N or at the string's end, whichever comes first. */
/* The errno behind the captured (first) message: a relayed one keeps its
 * cause without repeating its text; a later error does not change it. */
static void test_captured_errno(void)
{
	char buf[256];
	int quiet = pc_messages_quiet;
	pc_messages_quiet = 1;
	pc_capture_errors(buf, sizeof(buf));
	CU_ASSERT_EQUAL(pc_captured_errno(), 0);
	pc_fail_errno(PC_ERR_RUN, ENOSPC, "writing x");
	pc_fail_errno(PC_ERR_RUN, EIO, "later");
	CU_ASSERT_EQUAL(pc_captured_errno(), ENOSPC);
	CU_ASSERT_STRING_EQUAL(buf, "writing x: No space left on device");
	pc_capture_clear_cause();
	CU_ASSERT_EQUAL(pc_captured_errno(), 0);
	pc_capture_errors(buf, sizeof(buf));
	pc_fail_cause(PC_ERR_RUN, ENOSPC, "relayed: %s", "No space left on device");
	CU_ASSERT_EQUAL(pc_captured_errno(), ENOSPC);
	CU_ASSERT_STRING_EQUAL(buf, "relayed: No space left on device");
	pc_capture_errors(buf, sizeof(buf));
	pc_fail(PC_ERR_RUN, "no cause");
	CU_ASSERT_EQUAL(pc_captured_errno(), 0);
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(pc_captured_errno(), 0);
	pc_messages_quiet = quiet;
}

/* A message longer than the case's reason loses its middle, not its end:
 * an archive's name can be a megabyte and the cause comes last (it used
 * to be cut at 2 KiB, leaving only "entry a/a/a/a..."). */
static void test_long_message_keeps_its_end(void)
{
	char buf[128];
	pc_fit_middle(buf, sizeof(buf), "short");
	CU_ASSERT_STRING_EQUAL(buf, "short");
	char *name = xmalloc(1000001);
	memset(name, 'a', 1000000);
	name[1000000] = '\0';
	int quiet = pc_messages_quiet;
	pc_messages_quiet = 1;
	pc_capture_errors(buf, sizeof(buf));
	pc_fail_errno(PC_ERR_INPUT, ENOSPC, "entry %s: too deep", name);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = quiet;
	CU_ASSERT_EQUAL(strlen(buf), sizeof(buf) - 1);
	CU_ASSERT_NSTRING_EQUAL(buf, "entry aaaa", 10);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, " (...) "));
	const char *end = ": too deep: No space left on device";
	CU_ASSERT_STRING_EQUAL(buf + strlen(buf) - strlen(end), end);
	/* a UTF-8 character is never split: "é" is 2 bytes */
	for (size_t i = 0; i + 1 < 1000; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[1000] = '\0';
	for (size_t len = 20; len < 30; len++) {
		pc_fit_middle(buf, len, name);
		char *mark = strstr(buf, " (...) ");
		CU_ASSERT_PTR_NOT_NULL_FATAL(mark);
		CU_ASSERT_EQUAL((mark - buf) % 2, 0);
		CU_ASSERT_EQUAL(strlen(mark + 7) % 2, 0);
		CU_ASSERT(strlen(buf) < len);
	}
	free(name);
}

static void test_xstrndup(void)
{
	char *a = xstrndup("abcdef", 3);
	CU_ASSERT_STRING_EQUAL(a, "abc");
	char *b = xstrndup("ab", 10);
	CU_ASSERT_STRING_EQUAL(b, "ab");
	char *c = xstrndup("abc", 0);
	CU_ASSERT_STRING_EQUAL(c, "");
	free(a);
	free(b);
	free(c);
}

/* rm -rf: the tree goes, a symlink's target outside it stays, a missing
 * path is success under every policy. */
static void test_rmtree_policy(void)
{
	char *dir = unit_tmpdir();
	char *tree = xasprintf("%s/tree", dir), *sub = xasprintf("%s/tree/a/b", dir);
	char *keep = xasprintf("%s/keep", dir), *link = xasprintf("%s/tree/a/out", dir);
	char *file = xasprintf("%s/tree/a/b/f", dir);
	CU_ASSERT_EQUAL_FATAL(pc_mkdir_p(sub, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(file, "x", 1, 0), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(keep, "k", 1, 0), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(keep, link), 0);
	CU_ASSERT_EQUAL(pc_rmtree_policy(tree, PC_RM_ALL), 0);
	struct stat st;
	CU_ASSERT(lstat(tree, &st) < 0 && errno == ENOENT);
	CU_ASSERT_EQUAL(lstat(keep, &st), 0);
	CU_ASSERT_EQUAL(pc_rmtree_policy(tree, PC_RM_STOP), 0);
	CU_ASSERT_EQUAL(pc_rmtree_policy(tree, PC_RM_WARN), 0);
	CU_ASSERT_EQUAL(pc_rmtree(tree), 0);
	free(tree);
	free(sub);
	free(keep);
	free(link);
	free(file);
	unit_rmtree(dir);
	free(dir);
}

/* A chain of DEPTH folders of 40-byte names below DIR/NAME, a file and a
 * symlink to OUTSIDE in each, made one folder descriptor at a time: its
 * paths go far past PATH_MAX.  0 when made. */
static int make_deep(const char *dir, const char *name, int depth, const char *outside)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || mkdirat(fd, name, 0755) < 0)
		return -1;
	const char *comp = name;
	for (int i = 0; i <= depth; i++) {
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY);
		close(fd);
		if (next < 0)
			return -1;
		fd = next;
		int f = openat(fd, "file", O_WRONLY | O_CREAT, 0644);
		if (f < 0 || write(f, "x", 1) != 1 || close(f) < 0 ||
		    symlinkat(outside, fd, "out") < 0)
			return -1;
		comp = "dddddddddddddddddddddddddddddddddddddddd";
		if (i < depth && mkdirat(fd, comp, 0755) < 0)
			return -1;
	}
	close(fd);
	return 0;
}

/* A tree 300 folders deep (12,000 bytes of path, more than PATH_MAX and
 * than the descriptors the walk holds) goes under every policy; what its
 * symlinks point to stays.  nftw looked the paths up whole: past PATH_MAX
 * it failed (ENAMETOOLONG), and PC_RM_WARN said success with the tree
 * still there. */
static void test_rmtree_deep(void)
{
	char *dir = unit_tmpdir();
	char *tree = xasprintf("%s/tree", dir), *keep = xasprintf("%s/keep", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(keep, 0755), 0);
	enum pc_rm_policy policies[] = { PC_RM_ALL, PC_RM_STOP, PC_RM_WARN };
	for (size_t i = 0; i < sizeof(policies) / sizeof(*policies); i++) {
		CU_ASSERT_EQUAL_FATAL(make_deep(dir, "tree", 300, keep), 0);
		CU_ASSERT_EQUAL(pc_rmtree_policy(tree, policies[i]), 0);
		struct stat st;
		CU_ASSERT(lstat(tree, &st) < 0 && errno == ENOENT);
		CU_ASSERT(lstat(keep, &st) == 0 && S_ISDIR(st.st_mode));
	}
	free(tree);
	free(keep);
	unit_rmtree(dir);
	free(dir);
}

/* The bind-mount test's folders: fixed buffers and a static pointer, so
 * that its forked child, which ends with _exit, leaks nothing under
 * valgrind (make unit-valgrind). */
static char *bind_dir;
static char bind_tree[PATH_MAX], bind_precious[PATH_MAX], bind_m[PATH_MAX], bind_f[PATH_MAX];

/* In a mount namespace of its own, bind_precious (a folder of the same
 * filesystem, with a file) bind-mounted on bind_tree/deep/m: removing
 * bind_tree under POLICY leaves the mount and the file; 0 when the outcome
 * is EXPECT_RC with EXPECT_ERRNO, else a code that says which check
 * failed. */
static int rm_bind_child(enum pc_rm_policy policy, int expect_rc, int expect_errno)
{
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (mount(bind_precious, bind_m, "none", MS_BIND, NULL) < 0)
		return 11;
	pc_messages_quiet = 1;
	int rc = pc_rmtree_policy(bind_tree, policy);
	int e = errno;
	struct stat st;
	if (rc != expect_rc || (rc < 0 && e != expect_errno))
		return 12;
	if (lstat(bind_f, &st) < 0)
		return 13; /* the bind mount was entered: the file outside is gone */
	if (umount2(bind_m, MNT_DETACH) < 0)
		return 14;
	return 0;
}

/* A folder mounted inside the tree (a bind mount of the same filesystem:
 * the same device number, which nftw's FTW_MOUNT does not tell apart) is
 * never entered: what is there stays, and the removal says the tree did
 * not all go (PC_RM_ALL: ENOTEMPTY; PC_RM_STOP: EXDEV). */
static void test_rmtree_bind_mount(void)
{
	bind_dir = unit_tmpdir();
	snprintf(bind_tree, sizeof(bind_tree), "%s/tree", bind_dir);
	snprintf(bind_precious, sizeof(bind_precious), "%s/precious", bind_dir);
	snprintf(bind_m, sizeof(bind_m), "%s/tree/deep/m", bind_dir);
	snprintf(bind_f, sizeof(bind_f), "%s/precious/f", bind_dir);
	CU_ASSERT_EQUAL_FATAL(pc_mkdir_p(bind_precious, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(bind_f, "keep", 4, 0), 0);
	static const struct { enum pc_rm_policy p; int rc, e; } cases[] = {
		{ PC_RM_ALL, -1, ENOTEMPTY }, { PC_RM_STOP, -1, EXDEV }, { PC_RM_WARN, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		CU_ASSERT_EQUAL_FATAL(pc_mkdir_p(bind_m, 0755), 0);
		pid_t pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0)
			_exit(rm_bind_child(cases[i].p, cases[i].rc, cases[i].e));
		int status = 0;
		CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
		CU_ASSERT(WIFEXITED(status));
		CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
		struct stat st;
		CU_ASSERT_EQUAL(lstat(bind_f, &st), 0);
		CU_ASSERT_EQUAL(pc_rmtree_policy(bind_tree, PC_RM_ALL), 0);
	}
	unit_rmtree(bind_dir);
	free(bind_dir);
	bind_dir = NULL;
}

/* A symlink planted at the temporary name (.NAME.tmp in a results folder)
 * never redirects the write: the file it points to keeps its contents, and
 * NAME ends up a regular file holding the data. */
static void test_atomic_write_no_follow(void)
{
	char *dir = unit_tmpdir();
	char *victim = xasprintf("%s/victim", dir), *tmp = xasprintf("%s/.out.tmp", dir);
	char *out = xasprintf("%s/out", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(victim, "precious", 8, 0), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(victim, tmp), 0);
	CU_ASSERT_EQUAL(pc_write_file_atomic(dir, "out", "report", 6), 0);
	char buf[16] = "";
	FILE *f = fopen(victim, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fread(buf, 1, sizeof(buf) - 1, f), 8);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "precious");
	struct stat st;
	CU_ASSERT(lstat(out, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
	CU_ASSERT(lstat(tmp, &st) < 0 && errno == ENOENT);
	/* A folder in the way is an error, and it stays. */
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0755), 0);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_write_file_atomic(dir, "out", "x", 1), -1);
	pc_messages_quiet = 0;
	CU_ASSERT(lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode));
	free(victim);
	free(tmp);
	free(out);
	unit_rmtree(dir);
	free(dir);
}

/* A child that forks a grandchild in a session of its own (as fio's job
 * processes are): both are found, and nothing else. */
/* A missing program is named with the Debian package that brings it, for
 * every filesystem's mkfs and read-only check and for fio ("xfs_repair:
 * not found" did not say that xfsprogs holds it). */
static void test_install_hint(void)
{
	char buf[128];
	CU_ASSERT_STRING_EQUAL(pc_install_hint("xfs_repair", buf, sizeof(buf)),
			       "install Debian package xfsprogs, or run scripts/install-deps.sh");
	CU_ASSERT_STRING_EQUAL(pc_install_hint("fio", buf, sizeof(buf)),
			       "install Debian package fio, or run scripts/install-deps.sh");
	CU_ASSERT_STRING_EQUAL(pc_install_hint("frobnicate", buf, sizeof(buf)),
			       "install it, or run scripts/install-deps.sh");
	CU_ASSERT_PTR_NULL(pc_program_package("frobnicate"));
	const char *fstype, *tool;
	for (unsigned f = 0; (fstype = pc_fs_name(f)); f++)
		for (unsigned t = 0; (tool = pc_fs_tool(fstype, t)); t++)
			CU_ASSERT_PTR_NOT_NULL(pc_program_package(tool));
}

static void test_descendants(void)
{
	int ready[2];
	CU_ASSERT_FATAL(pipe(ready) == 0);
	pid_t child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (child == 0) {
		close(ready[0]);
		pid_t grand = fork();
		if (grand == 0) {
			setsid();
			for (;;)
				pause();
		}
		if (write(ready[1], &grand, sizeof(grand)) != sizeof(grand))
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	pid_t grand = 0;
	CU_ASSERT_EQUAL(read(ready[0], &grand, sizeof(grand)), (ssize_t)sizeof(grand));
	close(ready[0]);
	pid_t found[8];
	size_t n = pc_descendants(child, found, 8);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(n >= 1 && found[0] == grand);
	n = pc_descendants(getpid(), found, 8);
	int has_child = 0, has_grand = 0;
	for (size_t i = 0; i < n; i++) {
		has_child |= found[i] == child;
		has_grand |= found[i] == grand;
	}
	CU_ASSERT(has_child && has_grand);
	CU_ASSERT_EQUAL(pc_descendants(getpid(), found, 1), 1); /* at most CAP */
	if (grand > 0)
		kill(grand, SIGKILL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* pc_each_process visits every process, this one and init among them,
 * and stops as soon as the callback says so. */
struct visits {
	int self, init, calls, stop_after;
};

static int visit(pid_t pid, void *arg)
{
	struct visits *v = arg;
	v->calls++;
	v->self |= pid == getpid();
	v->init |= pid == 1;
	return v->stop_after && v->calls >= v->stop_after;
}

static void test_each_process(void)
{
	struct visits all = { 0 };
	CU_ASSERT_EQUAL(pc_each_process(visit, &all), 0);
	CU_ASSERT(all.self && all.init);
	CU_ASSERT(all.calls >= 2);
	struct visits two = { .stop_after = 2 };
	CU_ASSERT_EQUAL(pc_each_process(visit, &two), 0);
	CU_ASSERT_EQUAL(two.calls, 2);
}

/* An output file a user names (-m, -o) may sit in a folder others share
 * (/tmp): pc_open_output never writes through another user's symlink,
 * into a file of theirs, or into a file with other hard links (each may be
 * a name for /etc/shadow); a new file, a file of ours and a symlink of
 * ours (/dev/stdout) are written. */
/* A case stopped by a limit of the machine's says which one to raise; a
 * long reason loses its middle, never that advice; other errors are left
 * alone. */
static void test_note_exhausted(void)
{
	char why[256] = "fork for mkfs.ext4: Resource temporarily unavailable";
	CU_ASSERT_EQUAL(pc_note_exhausted(why, sizeof(why), EAGAIN), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "unavailable; out of processes or threads"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "or RLIMIT_NPROC"));
	char again[sizeof(why)];
	memcpy(again, why, sizeof(why));
	CU_ASSERT_EQUAL(pc_note_exhausted(why, sizeof(why), EAGAIN), 1);
	CU_ASSERT_STRING_EQUAL(why, again); /* said once */

	char lng[96];
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	CU_ASSERT_EQUAL(pc_note_exhausted(lng, sizeof(lng), ENFILE), 1);
	CU_ASSERT_EQUAL(strlen(lng), sizeof(lng) - 1);
	size_t n = strlen(lng), t = strlen("(sysctl fs.file-max)");
	CU_ASSERT(n > t && strcmp(lng + n - t, "(sysctl fs.file-max)") == 0);
	CU_ASSERT(lng[0] == 'x');

	char emfile[256] = "pipe for mkfs.ext4: Too many open files";
	CU_ASSERT_EQUAL(pc_note_exhausted(emfile, sizeof(emfile), EMFILE), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(emfile, "ran out of file descriptors (RLIMIT_NOFILE "));
	char mem[256] = "";
	CU_ASSERT_EQUAL(pc_note_exhausted(mem, sizeof(mem), ENOMEM), 1);
	CU_ASSERT_EQUAL(strncmp(mem, "out of memory", 13), 0);

	char other[64] = "open x: Input/output error";
	CU_ASSERT_EQUAL(pc_note_exhausted(other, sizeof(other), EIO), 0);
	CU_ASSERT_EQUAL(pc_note_exhausted(other, sizeof(other), ENOSPC), 0);
	CU_ASSERT_EQUAL(pc_note_exhausted(other, sizeof(other), 0), 0);
	CU_ASSERT_STRING_EQUAL(other, "open x: Input/output error");
}

static void test_open_output(void)
{
	char *dir = unit_tmpdir();
	char *precious = xasprintf("%s/precious", dir), *out = xasprintf("%s/out", dir);
	CU_ASSERT_FATAL(pc_write_file(precious, "keep", 4, 0) == 0);
	pc_messages_quiet = 1;
	FILE *f = pc_open_output(out); /* new */
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f)
		fclose(f);
	f = pc_open_output(out); /* ours: truncated and written */
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f)
		fclose(f);
	CU_ASSERT(unlink(out) == 0);
	CU_ASSERT(symlink(precious, out) == 0); /* a symlink of ours */
	f = pc_open_output(out);
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f)
		fclose(f);
	CU_ASSERT(pc_write_file(precious, "keep", 4, 0) == 0);
	CU_ASSERT(lchown(out, 12345, 12345) == 0); /* theirs */
	CU_ASSERT_PTR_NULL(pc_open_output(out));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT(unlink(out) == 0);
	CU_ASSERT(link(precious, out) == 0); /* a second name of root's file */
	CU_ASSERT_PTR_NULL(pc_open_output(out));
	CU_ASSERT(unlink(out) == 0);
	CU_ASSERT(pc_write_file(out, "x", 1, 0) == 0);
	CU_ASSERT(chown(out, 12345, 12345) == 0); /* a file of theirs */
	CU_ASSERT_PTR_NULL(pc_open_output(out));
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	char *text = pc_read_file(precious, NULL);
	CU_ASSERT_STRING_EQUAL(text ? text : "", "keep");
	free(text);
	free(out);
	free(precious);
	unit_rmtree(dir);
	free(dir);
}

/* A process killed from outside (the OOM killer's SIGKILL, a kill) is the
 * machine's doing; one that crashed, the case's. */
static void test_killed_class(void)
{
	const int outside[] = { SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGPIPE };
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		CU_ASSERT_EQUAL(pc_killed_class(outside[i]), PC_ERR_ENV);
		CU_ASSERT_PTR_NOT_NULL(strstr(pc_killed_why(outside[i]), "outside powercut"));
	}
	const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP };
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++) {
		CU_ASSERT_EQUAL(pc_killed_class(crash[i]), PC_ERR_RUN);
		CU_ASSERT_STRING_EQUAL(pc_killed_why(crash[i]), "it crashed");
	}
}

/* V, the COUNT words a split gave, joined with '|' (for comparing). */
static char *joined(char **v, size_t count)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_PTR_NULL(v[count]);
	char *s = xstrdup("");
	for (size_t i = 0; i < count; i++) {
		char *t = xasprintf("%s%s%s", s, i ? "|" : "", v[i]);
		free(s);
		s = t;
	}
	pc_strv_free(v);
	return s;
}

/* The four splits: their separators, their quoting, and a vector that
 * grows past its first room. */
static void test_split(void)
{
	size_t n = 99;
	char **v = pc_split_words(" a,b\tc  d,,e f g h i ", &n);
	CU_ASSERT_EQUAL(n, 9);
	char *s = joined(v, n);
	CU_ASSERT_STRING_EQUAL(s, "a|b|c|d|e|f|g|h|i");
	free(s);
	v = pc_split_blanks("x=1,y=2\tz a b c d e", &n);
	CU_ASSERT_EQUAL(n, 7);
	s = joined(v, n);
	CU_ASSERT_STRING_EQUAL(s, "x=1,y=2|z|a|b|c|d|e");
	free(s);
	v = pc_split_words(NULL, &n);
	CU_ASSERT_EQUAL(n, 0);
	free(joined(v, n));
	v = pc_split_args("-E 'a b' -O\n\"^x,y\" 1 2 3 4", &n);
	CU_ASSERT_EQUAL(n, 8);
	s = joined(v, n);
	CU_ASSERT_STRING_EQUAL(s, "-E|a b|-O|^x,y|1|2|3|4");
	free(s);
	v = pc_split_list("a,'b c',\"d,e\" f g h", &n);
	CU_ASSERT_EQUAL(n, 6);
	s = joined(v, n);
	CU_ASSERT_STRING_EQUAL(s, "a|b c|d,e|f|g|h");
	free(s);
	v = pc_split_list("", &n);
	CU_ASSERT_EQUAL(n, 0);
	free(joined(v, n));
	CU_ASSERT_PTR_NULL(pc_split_args("a b c d e 'f", &n));
	CU_ASSERT_PTR_NULL(pc_split_list("\"a", NULL));
}

void register_util_tests(void)
{
	CU_pSuite s = CU_add_suite("util", NULL, NULL);
	CU_add_test(s, "error class to exit code", test_exit_for_error);
	CU_add_test(s, "xstrndup", test_xstrndup);
	CU_add_test(s, "a long message keeps its end", test_long_message_keeps_its_end);
	CU_add_test(s, "the errno behind the captured message", test_captured_errno);
	CU_add_test(s, "rm -rf policies", test_rmtree_policy);
	CU_add_test(s, "rm -rf past PATH_MAX", test_rmtree_deep);
	CU_add_test(s, "rm -rf never enters a bind mount", test_rmtree_bind_mount);
	CU_add_test(s, "an atomic write never follows a symlink at its temporary name",
		    test_atomic_write_no_follow);
	CU_add_test(s, "an interrupt stops the long loops", test_interrupt_stops_loops);
	CU_add_test(s, "the processes below a process", test_descendants);
	CU_add_test(s, "every process, until told to stop", test_each_process);
	CU_add_test(s, "a missing program is named with its Debian package", test_install_hint);
	CU_add_test(s, "an output file is never another user's name", test_open_output);
	CU_add_test(s, "a case stopped by a limit says which to raise", test_note_exhausted);
	CU_add_test(s, "a process killed from outside is the machine's, a crash the case's",
		    test_killed_class);
	CU_add_test(s, "words split at their separators, quotes kept together", test_split);
}
