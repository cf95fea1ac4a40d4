/* test_isolate.c - mkfs, mount and fsck see no device but the case's own,
 * whatever the options say (the blocklist in fs.c is bypassed here: these
 * call the isolation directly). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs/fs.h"
#include "fs/isolate.h"
#include "device/loop.h"
#include "unit.h"
#include "util/util.h"

#define DEV_SIZE (16 << 20)

/* The whole device's bytes (DEV_SIZE). */
static unsigned char *read_dev(const char *path)
{
	unsigned char *buf = xmalloc(DEV_SIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pc_pread_full(fd, buf, DEV_SIZE, 0) == DEV_SIZE);
	close(fd);
	return buf;
}

static void attach(const char *dir, const char *name, struct pc_loop *lo)
{
	char *file = xasprintf("%s/%s", dir, name);
	CU_ASSERT_FATAL(pc_backing_file_create(file, DEV_SIZE) == 0);
	CU_ASSERT_FATAL(pc_loop_attach(file, 0, lo) == 0);
	free(file);
}

static int run(const char *const *argv, int isolated, const char *dev, char **out)
{
	int status = -1;
	int rc = isolated ? pc_run_isolated((char *const *)argv, dev, out, &status)
			  : pc_run((char *const *)argv, out, &status);
	return rc < 0 ? -1 : status;
}

/* Issue 13 #1: a case's mkfs attaching an external journal found by label
 * on another device.  Isolated, mke2fs cannot find it and the journal
 * device is untouched; the same command run as before rewrites it (which
 * shows the reproduction is real). */
static void test_mkfs_cannot_reach_journal_device(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop jdev, cdev;
	attach(dir, "journal", &jdev);
	attach(dir, "case", &cdev);
	char label[16];
	snprintf(label, sizeof(label), "pcj%d", (int)getpid());
	const char *mkjournal[] = { "mke2fs", "-q", "-F", "-O", "journal_dev", "-b", "4096",
				    "-L", label, jdev.path, NULL };
	CU_ASSERT_FATAL(run(mkjournal, 0, NULL, NULL) == 0);
	unsigned char *before = read_dev(jdev.path);

	char *opt = xasprintf("-Jdevice=LABEL=%s", label);
	const char *mkfs[] = { "mkfs.ext4", "-F", "-q", "-b", "4096", opt, cdev.path, NULL };
	char *out = NULL;
	CU_ASSERT(run(mkfs, 1, cdev.path, &out) != 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, label));
	free(out);
	unsigned char *after = read_dev(jdev.path);
	CU_ASSERT(memcmp(before, after, DEV_SIZE) == 0);
	free(after);

	/* What the namespace prevents. */
	CU_ASSERT(run(mkfs, 0, NULL, NULL) == 0);
	after = read_dev(jdev.path);
	CU_ASSERT(memcmp(before, after, DEV_SIZE) != 0);
	free(after);

	free(before);
	free(opt);
	pc_loop_detach(&cdev);
	pc_loop_detach(&jdev);
	unit_rmtree(dir);
	free(dir);
}

/* What an isolated tool sees: in /dev, through /proc/1/root, in /run. */
static void test_isolated_view(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop cdev;
	attach(dir, "case", &cdev);
	const char *name = cdev.path + strlen("/dev/");
	const char *sh[] = { "sh", "-c",
			     "echo $(ls -A /dev) $(ls -A /proc/1/root/dev) \"|$(ls -A /run)\"",
			     NULL };
	char *out = NULL;
	CU_ASSERT(run(sh, 1, cdev.path, &out) == 0);
	/* echo joins with single spaces */
	char *got = out ? out : xstrdup("");
	size_t n = strlen(got);
	while (n && got[n - 1] == '\n')
		got[--n] = '\0';
	char *expect = xasprintf(".pc-cwd fd full %s null random urandom zero .pc-cwd fd full %s "
				 "null random urandom zero |", name, name);
	CU_ASSERT_STRING_EQUAL(got, expect);
	free(got);
	free(expect);

	/* No new device nodes either. */
	const char *mk[] = { "mknod", "/dev/other", "b", "7", "0", NULL };
	char *mkout = NULL;
	CU_ASSERT(run(mk, 1, cdev.path, &mkout) != 0);
	free(mkout);
	pc_loop_detach(&cdev);
	unit_rmtree(dir);
	free(dir);
}

/* unshare(CLONE_NEWPID) fails with EINVAL, as on a kernel built without
 * CONFIG_PID_NS (a seccomp filter of this process; everything else runs). */
static int refuse_pid_namespaces(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWPID, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* A kernel built without PID namespaces (one of our own, from
 * scripts/build-kernel.sh --disable PID_NS): every case's mkfs failed with
 * "unshare a PID namespace: Invalid argument"; the step now names the
 * kernel option. */
static void test_no_pid_namespaces(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop cdev;
	attach(dir, "case", &cdev);
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		const char *what = "";
		if (refuse_pid_namespaces() < 0)
			_exit(2);
		int rc = pc_isolate_tool(cdev.path, &what);
		_exit(rc == -EINVAL && strstr(what, "CONFIG_PID_NS") ? 0 : 1);
	}
	int st;
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pc_loop_detach(&cdev);
	unit_rmtree(dir);
	free(dir);
}

/* An isolated tool's current folder is an empty, read-only folder of its
 * own: a relative name (mkfs.xfs -r file=1,name=NAME) creates nothing in
 * the folder powercut runs in. */
static void test_isolated_cwd(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop cdev;
	attach(dir, "case", &cdev);
	char *here = getcwd(NULL, 0);
	CU_ASSERT_FATAL(here != NULL);
	CU_ASSERT_FATAL(chdir(dir) == 0);
	const char *sh[] = { "sh", "-c", "pwd; echo \"|$(ls -A)|\"; touch pc-escape && echo made",
			     NULL };
	char *out = NULL;
	CU_ASSERT(run(sh, 1, cdev.path, &out) != 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "/dev/.pc-cwd\n||\n"));
	CU_ASSERT_PTR_NULL(out ? strstr(out, "made") : NULL);
	struct stat st;
	CU_ASSERT(lstat("pc-escape", &st) < 0 && errno == ENOENT);
	free(out);
	CU_ASSERT(chdir(here) == 0);
	free(here);
	pc_loop_detach(&cdev);
	unit_rmtree(dir);
	free(dir);
}

/* An isolated tool's environment is PATH and LC_ALL=C alone: an
 * operator's MKE2FS_CONFIG (another mke2fs.conf) or E2FSCK_CONFIG would
 * change what mkfs makes or how fsck judges, unseen in results.json. */
static void test_isolated_environment(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop cdev;
	attach(dir, "case", &cdev);
	CU_ASSERT_FATAL(setenv("MKE2FS_CONFIG", "/nonexistent/mke2fs.conf", 1) == 0);
	CU_ASSERT_FATAL(setenv("E2FSCK_CONFIG", "/nonexistent/e2fsck.conf", 1) == 0);
	const char *env[] = { "env", NULL };
	char *out = NULL;
	CU_ASSERT_EQUAL(run(env, 1, cdev.path, &out), 0);
	/* the folder env was found in first: the one the host's PATH gave */
	char *found = pc_find_program("env");
	CU_ASSERT_FATAL(found != NULL);
	*strrchr(found, '/') = '\0';
	char *want = xasprintf("PATH=%s:%s\nLC_ALL=C\n", found, getenv("PATH"));
	free(found);
	CU_ASSERT_STRING_EQUAL(out ? out : "", want);
	free(want);
	free(out);
	unsetenv("MKE2FS_CONFIG");
	unsetenv("E2FSCK_CONFIG");
	pc_loop_detach(&cdev);
	unit_rmtree(dir);
	free(dir);
}

/* mke2fs leaves the journal out of a filesystem under 2048 blocks and
 * exits 0: device_size = 1M made an ext4 without one, and its cases failed
 * (fsck errors after the cut, exit 1) for a configuration nobody asked
 * for.  Now the scenario's error, naming why; unless mkfs_opts asked. */
static void test_mkfs_ext4_without_journal(void)
{
	char *dir = unit_tmpdir(), *file = xasprintf("%s/small", dir);
	struct pc_loop cdev;
	CU_ASSERT_FATAL(pc_backing_file_create(file, 1 << 20) == 0);
	CU_ASSERT_FATAL(pc_loop_attach(file, 0, &cdev) == 0);
	char msg[1024] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_fs_mkfs("ext4", "", cdev.path), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "made an ext4 without a journal"));
	CU_ASSERT_EQUAL(pc_fs_ext4_has_journal(cdev.path), 0);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(pc_fs_mkfs("ext4", "-O ^has_journal", cdev.path), 0);
	pc_loop_detach(&cdev);
	/* 16 MiB has room for one */
	attach(dir, "case", &cdev);
	CU_ASSERT_EQUAL(pc_fs_mkfs("ext4", "", cdev.path), 0);
	CU_ASSERT_EQUAL(pc_fs_ext4_has_journal(cdev.path), 1);
	pc_loop_detach(&cdev);
	CU_ASSERT_EQUAL(pc_fs_ext4_has_journal(file), 0);
	char *none = xasprintf("%s/none", dir);
	CU_ASSERT_EQUAL(pc_fs_ext4_has_journal(none), -1);
	free(none);
	free(file);
	unit_rmtree(dir);
	free(dir);
}

/* The isolated mount lands in our namespace with its options. */
static void test_isolated_mount(void)
{
	char *dir = unit_tmpdir();
	struct pc_loop cdev;
	attach(dir, "case", &cdev);
	char *mnt = xasprintf("%s/mnt", dir);
	CU_ASSERT_FATAL(mkdir(mnt, 0755) == 0);
	CU_ASSERT_FATAL(pc_fs_mkfs("ext4", "", cdev.path) == 0);
	CU_ASSERT_FATAL(pc_fs_mount(cdev.path, mnt, "ext4", "noatime,nodelalloc") == 0);
	char *probe = xasprintf("%s/probe", mnt);
	CU_ASSERT(pc_write_file(probe, "x", 1, 1) == 0);
	char *info = pc_read_file("/proc/self/mountinfo", NULL);
	char *line = info ? strstr(info, mnt) : NULL;
	CU_ASSERT_PTR_NOT_NULL(line && strstr(line, "noatime"));
	free(info);
	CU_ASSERT(pc_fs_umount(mnt) == 0);
	CU_ASSERT(access(probe, F_OK) < 0);
	/* Nothing holds the filesystem any more (no namespace kept a copy):
	 * the next mount must read the device afresh, as after a power cut. */
	int ex = open(cdev.path, O_RDONLY | O_EXCL | O_CLOEXEC);
	CU_ASSERT(ex >= 0);
	if (ex >= 0)
		close(ex);
	CU_ASSERT_FATAL(pc_fs_mount(cdev.path, mnt, "ext4", NULL) == 0);
	CU_ASSERT(access(probe, F_OK) == 0);
	CU_ASSERT(pc_fs_umount(mnt) == 0);
	char *fsck_out = NULL;
	CU_ASSERT(pc_fs_fsck("ext4", cdev.path, &fsck_out) == PC_FSCK_CLEAN);
	free(fsck_out);
	free(probe);
	free(mnt);
	pc_loop_detach(&cdev);
	unit_rmtree(dir);
	free(dir);
}

/* The unpack process's view: no device node opens. */
static void test_nodev_view(void)
{
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		const char *what;
		if (pc_isolate_nodev("/dev", &what) < 0)
			_exit(2);
		int fd = open("/dev/null", O_WRONLY);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	int ws;
	CU_ASSERT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	int fd = open("/dev/null", O_WRONLY);
	CU_ASSERT(fd >= 0); /* ours is unchanged */
	if (fd >= 0)
		close(fd);
}

void register_isolate_tests(void)
{
	CU_pSuite s = CU_add_suite("isolate", NULL, NULL);
	CU_add_test(s, "mkfs cannot reach a journal device by label (#1)",
		    test_mkfs_cannot_reach_journal_device);
	CU_add_test(s, "an isolated tool sees only the case's device", test_isolated_view);
	CU_add_test(s, "an isolated mount lands in our namespace", test_isolated_mount);
	CU_add_test(s, "an ext4 mke2fs made without a journal is refused",
		    test_mkfs_ext4_without_journal);
	CU_add_test(s, "an isolated tool's environment is PATH and LC_ALL=C",
		    test_isolated_environment);
	CU_add_test(s, "an isolated tool's current folder is empty and read-only",
		    test_isolated_cwd);
	CU_add_test(s, "the unpack process can open no device node", test_nodev_view);
	CU_add_test(s, "a kernel without PID namespaces is named (CONFIG_PID_NS)",
		    test_no_pid_namespaces);
}
