/* test_state.c - the run registry and cleanup (needs root: it mounts). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/loop.h"
#include "run/state.h"
#include "unit.h"
#include "util/util.h"

/* A registry of our own (pc_state_use_dir), so that other processes'
 * cleanups on this machine neither take our fake dead runs nor trip over
 * them. */
static char reg_dir[64];

static int state_suite_init(void)
{
	snprintf(reg_dir, sizeof(reg_dir), "/tmp/pc-unit-registry.XXXXXX");
	if (!mkdtemp(reg_dir))
		return -1;
	pc_state_use_dir(reg_dir);
	return 0;
}

static int state_suite_clean(void)
{
	pc_state_use_dir(NULL);
	unit_rmtree(reg_dir);
	return 0;
}

/* Number of mounts at or below DIR. */
static int mounts_under(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[4096], mp[4096];
	size_t n = strlen(dir);
	int count = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && !strncmp(mp, dir, n) &&
		    (mp[n] == '\0' || mp[n] == '/'))
			count++;
	fclose(f);
	return count;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A pid that certainly belonged to a process that is now gone. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(0);
	CU_ASSERT_FATAL(waitpid(pid, NULL, 0) == pid);
	return pid;
}

/* What a SIGKILLed run leaves: a work folder under TMP and its
 * registration under a dead pid.  REG receives the registration path. */
static char *fake_dead_run(const char *tmp, char *reg, size_t reglen)
{
	char *wd = xasprintf("%s/powercut.XXXXXX", tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(wd));
	snprintf(reg, reglen, "%s/%d", reg_dir, (int)dead_pid());
	char *text = xasprintf("%s\n", wd);
	CU_ASSERT_FATAL(pc_write_file(reg, text, strlen(text), 0) == 0);
	free(text);
	return wd;
}

static void mount_tmpfs(const char *dir)
{
	CU_ASSERT_FATAL(pc_mkdir_p(dir, 0700) == 0);
	CU_ASSERT_FATAL(mount("pc-unit", dir, "tmpfs", 0, "size=1m") == 0);
}

/* Our registration file for WD ("" if none). */
static void find_registration(const char *wd, char *out, size_t len)
{
	out[0] = '\0';
	char path[256];
	for (int i = 0; i < 10; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), "%s/%d", reg_dir, (int)getpid());
		else
			snprintf(path, sizeof(path), "%s/%d.%d", reg_dir, (int)getpid(), i);
		char *text = exists(path) ? pc_read_file(path, NULL) : NULL;
		if (text && !strncmp(text, wd, strlen(wd)) && text[strlen(wd)] == '\n')
			snprintf(out, len, "%s", path);
		free(text);
	}
}

static void test_begin_end(void)
{
	char *tmp = unit_tmpdir();
	char wd[4096], reg[256];
	CU_ASSERT_FATAL(pc_state_begin(tmp, wd, sizeof(wd)) == 0);
	CU_ASSERT(!strncmp(wd, tmp, strlen(tmp)));
	CU_ASSERT(strstr(wd, "/powercut.") != NULL);
	CU_ASSERT(exists(wd));
	find_registration(wd, reg, sizeof(reg));
	CU_ASSERT_FATAL(reg[0] != '\0');
	char *text = pc_read_file(reg, NULL);
	char *want = xasprintf("%s\n", wd);
	CU_ASSERT(text && !strcmp(text, want)); /* the path and nothing else */
	free(text);
	free(want);

	/* Case output inside is removed with the folder. */
	char *sub = xasprintf("%s/case/x", wd);
	CU_ASSERT(pc_mkdir_p(sub, 0700) == 0);
	free(sub);
	sub = xasprintf("%s/case/x/file", wd);
	CU_ASSERT(pc_write_file(sub, "x", 1, 0) == 0);
	free(sub);
	CU_ASSERT(pc_state_end(wd) == 0);
	CU_ASSERT(!exists(wd));
	CU_ASSERT(!exists(reg));
	unit_rmtree(tmp);
	free(tmp);
}

/* Set or clear FILE's immutable flag (chattr +i): 0 when done. */
static int immutable(const char *file, int on)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC), flags = 0, rc = -1;
	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A work folder that does not all go (here a file made immutable in it):
 * pc_state_end says so (-1) and keeps the registration for `powercut
 * cleanup`, which the run's exit status then reflects; it said nothing to
 * its caller, and a run whose folder stayed ended as a clean one. */
static void test_end_says_leftovers(void)
{
	char *tmp = unit_tmpdir();
	char wd[4096], reg[256];
	CU_ASSERT_FATAL(pc_state_begin(tmp, wd, sizeof(wd)) == 0);
	char *file = xasprintf("%s/case/stuck", wd);
	CU_ASSERT_FATAL(pc_mkdir_p(file, 0700) == 0);
	CU_ASSERT_FATAL(rmdir(file) == 0);
	CU_ASSERT_FATAL(pc_write_file(file, "x", 1, 0) == 0);
	CU_ASSERT_FATAL(immutable(file, 1) == 0);
	pc_messages_quiet = 1;
	CU_ASSERT(pc_state_end(wd) == -1);
	pc_messages_quiet = 0;
	CU_ASSERT(exists(file));
	find_registration(wd, reg, sizeof(reg));
	CU_ASSERT(reg[0] != '\0');
	CU_ASSERT(immutable(file, 0) == 0);
	CU_ASSERT(pc_state_end(wd) == 0);
	CU_ASSERT(!exists(wd));
	CU_ASSERT(!exists(reg));
	free(file);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_end_keeps_mounted_folder(void)
{
	char *tmp = unit_tmpdir();
	char wd[4096], reg[256];
	CU_ASSERT_FATAL(pc_state_begin(tmp, wd, sizeof(wd)) == 0);
	char *mnt = xasprintf("%s/case/mnt", wd);
	mount_tmpfs(mnt);
	pc_messages_quiet = 1;
	CU_ASSERT(pc_state_end(wd) == -1);
	pc_messages_quiet = 0;
	/* Still mounted: left for cleanup, registration kept. */
	CU_ASSERT(exists(wd));
	find_registration(wd, reg, sizeof(reg));
	CU_ASSERT(reg[0] != '\0');
	CU_ASSERT(pc_state_teardown_dir(wd, 0) == 1);
	CU_ASSERT(mounts_under(wd) == 0);
	CU_ASSERT(pc_state_end(wd) == 0);
	CU_ASSERT(!exists(wd));
	free(mnt);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_record_pid(void)
{
	char *tmp = unit_tmpdir();
	CU_ASSERT_FATAL(pc_state_record_pid(tmp, "fuse", getpid()) == 0);
	char *path = xasprintf("%s/fuse.pid", tmp);
	char *text = pc_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	long pid = 0;
	unsigned long long start = 0;
	CU_ASSERT(sscanf(text, "%ld %llu", &pid, &start) == 2);
	CU_ASSERT(pid == getpid());
	CU_ASSERT(start > 0);
	free(text);
	free(path);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_cleanup_unmounts_dead_run(void)
{
	char *tmp = unit_tmpdir();
	char reg[256];
	char *wd = fake_dead_run(tmp, reg, sizeof(reg));
	char *outer = xasprintf("%s/case/mnt", wd);
	char *inner = xasprintf("%s/case/mnt/inner", wd);
	mount_tmpfs(outer);
	mount_tmpfs(inner); /* must go first: deepest first */
	char *file = xasprintf("%s/data", inner);
	CU_ASSERT(pc_write_file(file, "hello", 5, 0) == 0);
	CU_ASSERT(mounts_under(wd) == 2);

	int n = pc_state_cleanup(0);
	CU_ASSERT(n >= 4); /* two mounts, the folder, the registration */
	CU_ASSERT(mounts_under(wd) == 0);
	CU_ASSERT(!exists(wd));
	CU_ASSERT(!exists(reg));
	if (mounts_under(wd)) { /* never leave mounts behind */
		umount2(inner, MNT_DETACH);
		umount2(outer, MNT_DETACH);
	}
	free(file);
	free(inner);
	free(outer);
	free(wd);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_cleanup_leaves_live_run(void)
{
	char *tmp = unit_tmpdir();
	char wd[4096], reg[256];
	CU_ASSERT_FATAL(pc_state_begin(tmp, wd, sizeof(wd)) == 0);
	char *mnt = xasprintf("%s/case/mnt", wd);
	mount_tmpfs(mnt);

	CU_ASSERT(pc_state_cleanup(0) >= 0);
	CU_ASSERT(mounts_under(wd) == 1);
	CU_ASSERT(exists(wd));
	find_registration(wd, reg, sizeof(reg));
	CU_ASSERT(reg[0] != '\0');

	CU_ASSERT(pc_state_teardown_dir(wd, 0) == 1);
	pc_state_end(wd);
	CU_ASSERT(!exists(wd));
	free(mnt);
	unit_rmtree(tmp);
	free(tmp);
}

/* A registration whose pid is alive but was reused by another process (one
 * that started after the registration was written) belongs to a dead run. */
static void test_cleanup_reused_registration_pid(void)
{
	char *tmp = unit_tmpdir();
	char *wd = xasprintf("%s/powercut.XXXXXX", tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(wd));
	char *reg = xasprintf("%s/%d.999", reg_dir, (int)getpid());
	char *text = xasprintf("%s\n", wd);
	CU_ASSERT_FATAL(pc_write_file(reg, text, strlen(text), 0) == 0);
	struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	CU_ASSERT_FATAL(utimensat(AT_FDCWD, reg, old, 0) == 0);
	CU_ASSERT(pc_state_cleanup(0) >= 2);
	CU_ASSERT(!exists(wd));
	CU_ASSERT(!exists(reg));
	free(text);
	free(reg);
	free(wd);
	unit_rmtree(tmp);
	free(tmp);
}

/* A registration naming something that is not a work folder: the folder
 * and its mount are not touched, the registration stays, and cleanup
 * fails (it must never say it cleaned up while leaving things behind). */
static void test_cleanup_ignores_implausible_folder(void)
{
	char *tmp = unit_tmpdir();
	char *mnt = xasprintf("%s/mnt", tmp);
	mount_tmpfs(mnt);
	char *reg = xasprintf("%s/%d", reg_dir, (int)dead_pid());
	char *text = xasprintf("%s\n", tmp);
	CU_ASSERT_FATAL(pc_write_file(reg, text, strlen(text), 0) == 0);
	char msg[1024] = "";
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT(pc_state_cleanup(0) == -1);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a powercut work folder"));
	CU_ASSERT(exists(reg));
	CU_ASSERT(mounts_under(tmp) == 1);
	CU_ASSERT(umount2(mnt, 0) == 0);
	unlink(reg);
	free(text);
	free(reg);
	free(mnt);
	unit_rmtree(tmp);
	free(tmp);
}

/* A registration whose work folder is gone, and whose name another user
 * took meanwhile (any user can make names in /var/tmp): a symlink to some
 * folder, or a folder of theirs.  Cleanup tears neither down (it would
 * unmount below the symlink's target, stop the processes its *.pid files
 * name, remove their files), keeps the registration and fails. */
static void test_cleanup_spares_folder_not_its_own(void)
{
	char *tmp = unit_tmpdir();
	char *target = xasprintf("%s/target", tmp), *mnt = xasprintf("%s/target/mnt", tmp);
	mount_tmpfs(mnt);
	char reg[256];
	char *wd = fake_dead_run(tmp, reg, sizeof(reg));
	CU_ASSERT_FATAL(rmdir(wd) == 0);
	CU_ASSERT_FATAL(symlink(target, wd) == 0);
	char msg[1024] = "";
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT(pc_state_cleanup(0) == -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is a symlink"));
	CU_ASSERT(mounts_under(target) == 1);
	CU_ASSERT(exists(wd) && exists(reg));

	/* A folder of another user's, with a file of theirs in it. */
	CU_ASSERT_FATAL(unlink(wd) == 0);
	CU_ASSERT_FATAL(mkdir(wd, 0755) == 0);
	char *file = xasprintf("%s/theirs", wd);
	CU_ASSERT_FATAL(pc_write_file(file, "x", 1, 0) == 0);
	CU_ASSERT_FATAL(chown(wd, 12345, 12345) == 0);
	msg[0] = '\0';
	CU_ASSERT(pc_state_cleanup(0) == -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "owned by uid 12345"));
	CU_ASSERT(exists(file) && exists(reg));
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;

	if (mounts_under(target))
		CU_ASSERT(umount2(mnt, 0) == 0);
	unlink(reg);
	free(file);
	free(wd);
	free(mnt);
	free(target);
	unit_rmtree(tmp);
	free(tmp);
}

/* Issue 13 #11: a newline (or any control character) in the work folder
 * base is refused before anything is made or registered; a registration
 * is read back as the whole path, never cut at an inner newline. */
static void test_begin_refuses_control_chars(void)
{
	char *tmp = unit_tmpdir();
	const char *names[] = { "a\nb", "tab\there", "esc\033]0;x\a" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *base = xasprintf("%s/%s", tmp, names[i]);
		CU_ASSERT_FATAL(mkdir(base, 0700) == 0);
		char wd[4096] = "", msg[512] = "";
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT(pc_state_begin(base, wd, sizeof(wd)) == -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "control character"));
		CU_ASSERT_PTR_NULL(strchr(msg, '\n')); /* shown escaped */
		char reg[256];
		find_registration(tmp, reg, sizeof(reg));
		CU_ASSERT_STRING_EQUAL(reg, "");
		CU_ASSERT(rmdir(base) == 0); /* empty: no work folder made */
		free(base);
	}
	/* Through a symlink to such a folder, too. */
	char *bad = xasprintf("%s/x\ny", tmp), *link = xasprintf("%s/link", tmp);
	CU_ASSERT_FATAL(mkdir(bad, 0700) == 0 && symlink(bad, link) == 0);
	char wd[4096];
	pc_messages_quiet = 1;
	CU_ASSERT(pc_state_begin(link, wd, sizeof(wd)) == -1);
	pc_messages_quiet = 0;
	free(bad);
	free(link);
	unit_rmtree(tmp);
	free(tmp);
}

/* A work folder base others can write to and that is not sticky is refused
 * (exit 2), as is one below such a folder: they could move the run's work
 * folder away and put backing.img -> /dev/sda in its place before the loop
 * device or the fuse server opens it.  A sticky base (/var/tmp) is fine. */
static void test_begin_refuses_exposed_base(void)
{
	char *tmp = unit_tmpdir();
	char *open_dir = xasprintf("%s/open", tmp), *below = xasprintf("%s/open/sub", tmp);
	CU_ASSERT_FATAL(pc_mkdir_p(below, 0755) == 0);
	/* a group that is not the owner's private group: its members are others */
	CU_ASSERT_FATAL(chown(open_dir, 0, 12345) == 0);
	const mode_t modes[] = { 0777, 0775, 01777 };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CU_ASSERT_FATAL(chmod(open_dir, modes[i]) == 0);
		const char *bases[] = { open_dir, below };
		for (size_t j = 0; j < 2; j++) {
			char wd[4096] = "", msg[1024] = "";
			pc_messages_quiet = 1;
			pc_capture_errors(msg, sizeof(msg));
			pc_last_errclass = PC_ERR_NONE;
			int rc = pc_state_begin(bases[j], wd, sizeof(wd));
			pc_capture_errors(NULL, 0);
			pc_messages_quiet = 0;
			if (modes[i] & 01000) {
				CU_ASSERT_EQUAL(rc, 0);
				if (rc == 0)
					pc_state_end(wd);
				continue;
			}
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
			CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not sticky"));
			char reg[256];
			find_registration(tmp, reg, sizeof(reg));
			CU_ASSERT_STRING_EQUAL(reg, "");
		}
	}
	CU_ASSERT(rmdir(below) == 0); /* no work folder made */
	free(open_dir);
	free(below);
	unit_rmtree(tmp);
	free(tmp);
}

static pid_t spawn_sleeper(int exec_sleep)
{
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (exec_sleep)
			execl("/bin/sleep", "sleep", "60", (char *)NULL);
		for (;;)
			pause();
	}
	return pid;
}

/* 1 if PID (our child) is still running; reaps it if it ended. */
static int child_alive(pid_t pid, int *status)
{
	for (int i = 0; i < 50; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		usleep(10000);
	}
	return 1;
}

/* A process whose argv[1] is "__fuse-server" but whose executable is not
 * ours: sh running a script of that name from DIR, waiting on a pipe (no
 * child process that could outlive it).  *hold keeps the pipe open. */
static pid_t spawn_fake_server(const char *dir, int *hold)
{
	char *script = xasprintf("%s/__fuse-server", dir);
	CU_ASSERT_FATAL(pc_write_file(script, "read line\n", 10, 0) == 0);
	free(script);
	int p[2];
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		dup2(p[0], STDIN_FILENO);
		close(p[1]);
		if (chdir(dir) == 0)
			execl("/bin/sh", "sh", "__fuse-server", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*hold = p[1];
	return pid;
}

/* Under valgrind a forked child's /proc/PID/exe is valgrind's, not ours. */
static int under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");
	return pre && strstr(pre, "vgpreload");
}

static void test_cleanup_stops_recorded_server(void)
{
	char *tmp = unit_tmpdir();
	char reg[256];
	char *wd = fake_dead_run(tmp, reg, sizeof(reg));
	char *casedir = xasprintf("%s/case", wd);
	CU_ASSERT_FATAL(mkdir(casedir, 0700) == 0);
	/* A fork of this process: same executable, as a server would be. */
	pid_t ours = spawn_sleeper(0);
	/* A server by its command line. */
	int hold;
	pid_t named = spawn_fake_server(tmp, &hold);
	/* Not ours: another executable that happens to have a recorded pid. */
	pid_t other = spawn_sleeper(1);
	usleep(100000); /* let the execs happen */
	CU_ASSERT(pc_state_record_pid(casedir, "fuse", ours) == 0);
	CU_ASSERT(pc_state_record_pid(casedir, "named", named) == 0);
	CU_ASSERT(pc_state_record_pid(casedir, "other", other) == 0);

	CU_ASSERT(pc_state_cleanup(0) >= (under_valgrind() ? 3 : 4));
	int status = 0;
	if (!under_valgrind()) {
		CU_ASSERT(!child_alive(ours, &status));
		CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	}
	CU_ASSERT(!child_alive(named, &status));
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CU_ASSERT(child_alive(other, &status));
	CU_ASSERT(!exists(wd));
	CU_ASSERT(!exists(reg));

	close(hold);
	kill(ours, SIGKILL);
	kill(named, SIGKILL);
	kill(other, SIGKILL);
	waitpid(ours, NULL, 0);
	waitpid(named, NULL, 0);
	waitpid(other, NULL, 0);
	free(casedir);
	free(wd);
	unit_rmtree(tmp);
	free(tmp);
}

/* A recorded pid whose start time does not match is a reused pid. */
static void test_teardown_spares_reused_pid(void)
{
	char *tmp = unit_tmpdir();
	pid_t child = spawn_sleeper(0);
	char *pidfile = xasprintf("%s/fuse.pid", tmp);
	char *text = xasprintf("%d 1\n", (int)child);
	CU_ASSERT(pc_write_file(pidfile, text, strlen(text), 0) == 0);
	CU_ASSERT(pc_state_teardown_dir(tmp, 0) == 0);
	int status;
	CU_ASSERT(child_alive(child, &status));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	free(text);
	free(pidfile);
	unit_rmtree(tmp);
	free(tmp);
}

/* A filesystem on a loop device backed below the folder: unmounting it is
 * the last close, and the loop device goes with it (autoclear). */
static void test_teardown_loop_stack(void)
{
	if (!pc_have_program("mkfs.ext4")) {
		CU_FAIL("mkfs.ext4 missing");
		return;
	}
	char *tmp = unit_tmpdir();
	char *img = xasprintf("%s/backing.img", tmp);
	char *mnt = xasprintf("%s/mnt", tmp);
	int fd = open(img, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, 32 << 20) == 0);
	close(fd);
	struct pc_loop lo;
	CU_ASSERT_FATAL(pc_loop_attach(img, 0, &lo) == 0);
	char backing[4096];
	CU_ASSERT(pc_loop_backing_file(lo.path, backing, sizeof(backing)) == 0);
	CU_ASSERT_STRING_EQUAL(backing, img);
	char *argv[] = { "mkfs.ext4", "-q", "-F", lo.path, NULL };
	char *out = NULL;
	int st = -1;
	CU_ASSERT(pc_run(argv, &out, &st) == 0 && st == 0);
	free(out);
	CU_ASSERT_FATAL(mkdir(mnt, 0700) == 0);
	CU_ASSERT_FATAL(mount(lo.path, mnt, "ext4", 0, NULL) == 0);
	/* The run is "killed": its descriptor goes, the mount stays. */
	close(lo.fd);
	CU_ASSERT(pc_loop_backing_file(lo.path, backing, sizeof(backing)) == 0);
	CU_ASSERT_STRING_EQUAL(backing, img);

	CU_ASSERT(pc_state_teardown_dir(tmp, 0) >= 1);
	CU_ASSERT(mounts_under(tmp) == 0);
	CU_ASSERT(pc_loop_backing_file(lo.path, backing, sizeof(backing)) == 0);
	CU_ASSERT_STRING_EQUAL(backing, "");
	if (mounts_under(tmp))
		umount2(mnt, MNT_DETACH);
	free(img);
	free(mnt);
	unit_rmtree(tmp);
	free(tmp);
}

/* A dead run's loop device that another process still holds open (a tool
 * of the run stuck in the kernel): detaching only marks it autoclear, and
 * cleanup must fail and keep the registration, not say it is done; once
 * the holder closed it, a second cleanup finishes.  Before, the first
 * cleanup said "detached", removed the folder and the registration, and
 * the device stayed attached to the deleted backing file. */
static void test_cleanup_held_loop(void)
{
	char *tmp = unit_tmpdir();
	char reg[256];
	char *wd = fake_dead_run(tmp, reg, sizeof(reg));
	char *img = xasprintf("%s/backing.img", wd);
	int fd = open(img, O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, 1 << 20) == 0);
	close(fd);
	struct pc_loop lo; /* lo.fd: the holder */
	CU_ASSERT_FATAL(pc_loop_attach(img, 0, &lo) == 0);

	CU_ASSERT(pc_state_cleanup(0) < 0);
	CU_ASSERT(exists(reg));
	char backing[4096];
	CU_ASSERT(pc_loop_backing_file(lo.path, backing, sizeof(backing)) == 0);
	CU_ASSERT(backing[0] != '\0');

	close(lo.fd); /* the holder ends: autoclear detaches it */
	CU_ASSERT(pc_state_cleanup(0) >= 2);
	CU_ASSERT(!exists(reg));
	CU_ASSERT(!exists(wd));
	CU_ASSERT(pc_loop_backing_file(lo.path, backing, sizeof(backing)) == 0);
	CU_ASSERT_STRING_EQUAL(backing, "");
	free(img);
	free(wd);
	unit_rmtree(tmp);
	free(tmp);
}

/* A run starting while a dead run's registration is there says so (what
 * that run left holds loop devices and room until cleanup); a live run's
 * registration is not stale. */
static void test_warn_stale(void)
{
	char *tmp = unit_tmpdir();
	CU_ASSERT_EQUAL(pc_state_warn_stale(), 0);
	char reg[256];
	char *wd = fake_dead_run(tmp, reg, sizeof(reg));
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_state_warn_stale(), 1);
	pc_messages_quiet = 0;
	CU_ASSERT(pc_state_cleanup(0) >= 2);
	CU_ASSERT_EQUAL(pc_state_warn_stale(), 0);
	char live[PATH_MAX];
	CU_ASSERT_FATAL(pc_state_begin(tmp, live, sizeof(live)) == 0);
	CU_ASSERT_EQUAL(pc_state_warn_stale(), 0);
	pc_state_end(live);
	free(wd);
	unit_rmtree(tmp);
	free(tmp);
}

/* merge-results.sh's .OUT.merge.XXXXXX, registered by a merge now dead:
 * removed with its registration, and only removed (no teardown: a *.pid
 * file among the copied case folders names no process of the merge's,
 * and the process it names is not stopped).  A name that is not one
 * (no leading dot, no OUT) is left alone, as any implausible one. */
static void test_cleanup_dead_merge(void)
{
	char *tmp = unit_tmpdir();
	char *stage = xasprintf("%s/.out.merge.XXXXXX", tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(stage));
	char *casedir = xasprintf("%s/cases/c", stage);
	CU_ASSERT_FATAL(pc_mkdir_p(casedir, 0755) == 0);
	pid_t ours = spawn_sleeper(0); /* the executable of this process */
	usleep(100000);
	CU_ASSERT(pc_state_record_pid(casedir, "fuse", ours) == 0);
	char *reg = xasprintf("%s/%d", reg_dir, (int)dead_pid());
	char *text = xasprintf("%s\n", stage);
	CU_ASSERT_FATAL(pc_write_file(reg, text, strlen(text), 0) == 0);
	CU_ASSERT(pc_state_cleanup(0) >= 2); /* the folder, the registration */
	CU_ASSERT(!exists(stage));
	CU_ASSERT(!exists(reg));
	int status = 0;
	CU_ASSERT(child_alive(ours, &status));
	kill(ours, SIGKILL);
	waitpid(ours, NULL, 0);
	static const char *const not_merges[] = { "out.merge.abcdef", ".merge.abcdef",
						  ".out.merge.abcdefg" };
	for (size_t i = 0; i < sizeof(not_merges) / sizeof(*not_merges); i++) {
		char *dir = xasprintf("%s/%s", tmp, not_merges[i]);
		CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
		char *r = xasprintf("%s/%d", reg_dir, (int)dead_pid());
		char *t = xasprintf("%s\n", dir);
		CU_ASSERT_FATAL(pc_write_file(r, t, strlen(t), 0) == 0);
		pc_messages_quiet = 1;
		CU_ASSERT(pc_state_cleanup(0) == -1);
		pc_messages_quiet = 0;
		CU_ASSERT(exists(dir));
		CU_ASSERT(exists(r));
		unlink(r);
		free(t);
		free(r);
		free(dir);
	}
	free(text);
	free(reg);
	free(casedir);
	free(stage);
	unit_rmtree(tmp);
	free(tmp);
}

void register_state_tests(void)
{
	CU_pSuite s = CU_add_suite("state", state_suite_init, state_suite_clean);
	CU_add_test(s, "begin and end", test_begin_end);
	CU_add_test(s, "end keeps a mounted folder", test_end_keeps_mounted_folder);
	CU_add_test(s, "end says what stayed", test_end_says_leftovers);
	CU_add_test(s, "record pid", test_record_pid);
	CU_add_test(s, "cleanup unmounts a dead run", test_cleanup_unmounts_dead_run);
	CU_add_test(s, "cleanup leaves a live run", test_cleanup_leaves_live_run);
	CU_add_test(s, "cleanup: reused registration pid", test_cleanup_reused_registration_pid);
	CU_add_test(s, "cleanup ignores implausible folder", test_cleanup_ignores_implausible_folder);
	CU_add_test(s, "cleanup spares a folder not its own", test_cleanup_spares_folder_not_its_own);
	CU_add_test(s, "begin refuses control characters", test_begin_refuses_control_chars);
	CU_add_test(s, "begin refuses a base others can write to", test_begin_refuses_exposed_base);
	CU_add_test(s, "cleanup stops recorded server", test_cleanup_stops_recorded_server);
	CU_add_test(s, "teardown spares a reused pid", test_teardown_spares_reused_pid);
	CU_add_test(s, "teardown of a loop stack", test_teardown_loop_stack);
	CU_add_test(s, "cleanup of a loop device held open", test_cleanup_held_loop);
	CU_add_test(s, "a dead run's registration is reported", test_warn_stale);
	CU_add_test(s, "cleanup removes a dead merge's folder, only that", test_cleanup_dead_merge);
}
