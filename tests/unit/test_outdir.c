/* test_outdir.c - the results folder of a run (outdir.h). */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/outdir.h"
#include "unit.h"
#include "util/util.h"

/* A folder that holds another run's results is refused (exit 2), and what
 * it holds is left as it was; a new or empty folder is taken. */
static void test_refuses_finished_run(void)
{
	char *dir = unit_tmpdir();
	struct pc_outdir od;
	char *fresh = xasprintf("%s/new/sub", dir);
	CU_ASSERT_EQUAL(pc_outdir_lock(fresh, &od), 0);
	pc_outdir_unlock(&od);
	CU_ASSERT_EQUAL(pc_outdir_lock(fresh, &od), 0); /* empty still: taken again */
	pc_outdir_unlock(&od);
	static const char *const outputs[] = { "results.json", "junit.xml", "summary.md", "cases" };
	pc_messages_quiet = 1;
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		char *run = xasprintf("%s/run%zu", dir, i);
		char *file = xasprintf("%s/%s", run, outputs[i]);
		CU_ASSERT_EQUAL(pc_mkdir_p(run, 0755), 0);
		int made = !strcmp(outputs[i], "cases") ? mkdir(file, 0755)
							: pc_write_file(file, "old", 3, 0);
		CU_ASSERT_EQUAL(made, 0);
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_outdir_lock(run, &od), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_EQUAL(od.lock_fd, -1);
		struct stat st;
		char *lock = xasprintf("%s/%s", run, PC_OUTDIR_LOCK);
		CU_ASSERT(lstat(lock, &st) < 0); /* no lock left behind */
		CU_ASSERT(lstat(file, &st) == 0);
		free(lock);
		free(file);
		free(run);
	}
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_outdir_lock("", &od), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	free(fresh);
	unit_rmtree(dir);
	free(dir);
}

/* LOCK of DIR: the error class (PC_ERR_NONE when taken), no lock left. */
static enum pc_errclass lock_class(const char *dir)
{
	struct pc_outdir od;
	pc_last_errclass = PC_ERR_NONE;
	if (pc_outdir_lock(dir, &od) == 0) {
		pc_outdir_unlock(&od);
		return PC_ERR_NONE;
	}
	char *lock = xasprintf("%s/%s", dir, PC_OUTDIR_LOCK);
	struct stat st;
	CU_ASSERT(lstat(lock, &st) < 0);
	free(lock);
	return pc_last_errclass == PC_ERR_NONE ? PC_ERR_RUN : pc_last_errclass;
}

/* A results folder others can write to is refused (exit 2): they could
 * rename cases/ away during the run and put cases/CASE/fsck.log -> FILE in
 * its place, and root would overwrite FILE.  So is one below a folder
 * others can write to that is not sticky; /tmp-like sticky parents and the
 * folder of the user who ran sudo are fine. */
static void test_refuses_folder_others_write(void)
{
	char *dir = unit_tmpdir();
	char *open_dir = xasprintf("%s/open", dir);
	char *below = xasprintf("%s/sub", open_dir);
	char *user = xasprintf("%s/user", dir);
	CU_ASSERT_EQUAL(pc_mkdir_p(below, 0755), 0);
	CU_ASSERT_EQUAL(mkdir(user, 0755), 0);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(chmod(open_dir, 0777), 0);
	CU_ASSERT_EQUAL(lock_class(open_dir), PC_ERR_INPUT);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_INPUT);
	struct pc_outdir od;
	char *fresh = xasprintf("%s/new", open_dir);
	CU_ASSERT_EQUAL(pc_outdir_lock_new(fresh, &od), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	struct stat st;
	CU_ASSERT(lstat(fresh, &st) < 0); /* the folder it made is gone */
	char *given = xasprintf("%s/given/sub", open_dir), *given_top = xasprintf("%s/given", open_dir);
	CU_ASSERT_EQUAL(lock_class(given), PC_ERR_INPUT);
	CU_ASSERT(lstat(given_top, &st) < 0); /* -o's too, and the one above it */
	/* refused before anything is made there: not even for a moment (a
	 * folder made and removed would change the folder's mtime) */
	const struct timespec old[2] = { { 946684800, 0 }, { 946684800, 0 } };
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, open_dir, old, 0), 0);
	CU_ASSERT_EQUAL(lock_class(given), PC_ERR_INPUT);
	CU_ASSERT_EQUAL(pc_outdir_lock_new(fresh, &od), -1);
	CU_ASSERT(stat(open_dir, &st) == 0 && st.st_mtim.tv_sec == 946684800);
	free(given_top);
	free(given);
	CU_ASSERT_EQUAL(chmod(open_dir, 01777), 0);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_NONE);
	/* group-writable: refused for a group others may be in, not for the
	 * owner's private group (root's, here: no member, no other user with
	 * it as primary group, as on Debian) */
	CU_ASSERT_EQUAL(chmod(open_dir, 0775), 0);
	CU_ASSERT_EQUAL(chown(open_dir, 0, 12345), 0);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_INPUT);
	CU_ASSERT_EQUAL(chown(open_dir, 0, 0), 0);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_NONE);
	CU_ASSERT_EQUAL(chmod(open_dir, 0777), 0);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_INPUT);
	CU_ASSERT_EQUAL(chown(user, 12345, 12345), 0);
	CU_ASSERT_EQUAL(lock_class(user), PC_ERR_INPUT);
	setenv("SUDO_UID", "12345", 1);
	CU_ASSERT_EQUAL(lock_class(user), PC_ERR_NONE);
	CU_ASSERT_EQUAL(chmod(user, 0775), 0);
	CU_ASSERT_EQUAL(lock_class(user), PC_ERR_INPUT);
	unsetenv("SUDO_UID");
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	free(fresh);
	free(user);
	free(below);
	free(open_dir);
	unit_rmtree(dir);
	free(dir);
}

/* Another user who owns a folder above the results folder, or a symlink
 * on the path given, can move it away or point it elsewhere during the
 * run (a symlink of theirs in /tmp, sticky, is theirs to replace): refused
 * (exit 2), unless that user is the one who ran sudo. */
static void test_refuses_path_others_own(void)
{
	char *dir = unit_tmpdir();
	char *theirs = xasprintf("%s/theirs", dir), *below = xasprintf("%s/theirs/sub", dir);
	char *real = xasprintf("%s/real", dir), *link = xasprintf("%s/link", dir);
	CU_ASSERT_EQUAL(pc_mkdir_p(below, 0755), 0);
	CU_ASSERT_EQUAL(mkdir(real, 0755), 0);
	CU_ASSERT_EQUAL(symlink(real, link), 0);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_NONE);
	CU_ASSERT_EQUAL(lock_class(link), PC_ERR_NONE); /* root's symlink */
	CU_ASSERT_EQUAL(chown(theirs, 12345, 12345), 0);
	CU_ASSERT_EQUAL(lchown(link, 12345, 12345), 0);
	char msg[1024] = "";
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "owned by uid 12345"));
	msg[0] = '\0';
	CU_ASSERT_EQUAL(lock_class(link), PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "a symlink owned by uid 12345"));
	char *through = xasprintf("%s/new", link); /* made below the symlink */
	CU_ASSERT_EQUAL(lock_class(through), PC_ERR_INPUT);
	pc_capture_errors(NULL, 0);
	setenv("SUDO_UID", "12345", 1);
	CU_ASSERT_EQUAL(lock_class(below), PC_ERR_NONE);
	CU_ASSERT_EQUAL(lock_class(link), PC_ERR_NONE);
	unsetenv("SUDO_UID");
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	free(through);
	free(link);
	free(real);
	free(below);
	free(theirs);
	unit_rmtree(dir);
	free(dir);
}

/* A run that wrote nothing removes the folders its lock made, and only
 * those: a folder that was there stays, with what it holds. */
/* -o naming a symlink to a folder that is not there is the input's
 * mistake, said so; nothing is made through it (it was exit 3, "cannot
 * write in it (out/.powercut.lock)"). */
static void test_dangling_symlink(void)
{
	char *dir = unit_tmpdir();
	char *link = xasprintf("%s/out", dir), *target = xasprintf("%s/target", dir);
	CU_ASSERT_EQUAL(symlink(target, link), 0);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(lock_class(link), PC_ERR_INPUT);
	pc_messages_quiet = 0;
	struct stat st;
	CU_ASSERT(lstat(target, &st) < 0);
	CU_ASSERT_EQUAL(mkdir(target, 0755), 0);
	CU_ASSERT_EQUAL(lock_class(link), PC_ERR_NONE); /* ours: followed */
	free(target);
	free(link);
	unit_rmtree(dir);
	free(dir);
}

/* A lock file that is no lock file a run leaves (a symlink, a folder, a
 * file with another hard link) is the input's (exit 2), named, and the
 * file it names is not written; a SIGKILLed run's plain one is taken. */
static void test_odd_lock_file(void)
{
	char *dir = unit_tmpdir();
	char *out = xasprintf("%s/out", dir), *lock = xasprintf("%s/out/%s", dir, PC_OUTDIR_LOCK);
	char *target = xasprintf("%s/target", dir);
	CU_ASSERT_EQUAL(mkdir(out, 0755), 0);
	CU_ASSERT_EQUAL(pc_write_file(target, "keep", 4, 0), 0);
	for (int kind = 0; kind < 4; kind++) {
		int made = kind == 0 ? symlink(target, lock) : kind == 1 ? symlink("/nowhere", lock)
			 : kind == 2 ? mkdir(lock, 0755) : link(target, lock);
		CU_ASSERT_EQUAL_FATAL(made, 0);
		char msg[1024] = "";
		pc_messages_quiet = 1;
		pc_capture_errors(msg, sizeof(msg));
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_outdir_check(out), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		struct pc_outdir od;
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT_EQUAL(pc_outdir_lock(out, &od), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		pc_capture_errors(NULL, 0);
		pc_messages_quiet = 0;
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, lock));
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, kind < 2 ? "a symlink to " : kind == 2 ? "a folder"
					      : "other hard links"));
		char *text = pc_read_file(target, NULL);
		CU_ASSERT(text && !strcmp(text, "keep"));
		free(text);
		CU_ASSERT_EQUAL(kind == 2 ? rmdir(lock) : unlink(lock), 0);
	}
	CU_ASSERT_EQUAL(pc_write_file(lock, "123\n", 4, 0), 0); /* a killed run's */
	CU_ASSERT_EQUAL(pc_outdir_check(out), 0);
	CU_ASSERT_EQUAL(lock_class(out), PC_ERR_NONE);
	pc_last_errclass = PC_ERR_NONE;
	free(target);
	free(lock);
	free(out);
	unit_rmtree(dir);
	free(dir);
}

static void test_discard(void)
{
	char *dir = unit_tmpdir();
	struct pc_outdir od;
	struct stat st;
	char *top = xasprintf("%s/a", dir), *deep = xasprintf("%s/a/b/c", dir);
	CU_ASSERT_EQUAL(pc_outdir_lock(deep, &od), 0);
	pc_outdir_discard(&od);
	CU_ASSERT(lstat(top, &st) < 0);
	CU_ASSERT(lstat(dir, &st) == 0);
	CU_ASSERT_EQUAL(pc_mkdir_p(top, 0755), 0); /* there before: a/ stays */
	CU_ASSERT_EQUAL(pc_outdir_lock(deep, &od), 0);
	pc_outdir_discard(&od);
	CU_ASSERT(lstat(top, &st) == 0);
	char *b = xasprintf("%s/b", top);
	CU_ASSERT(lstat(b, &st) < 0);
	CU_ASSERT_EQUAL(pc_outdir_lock(top, &od), 0); /* the folder itself was there */
	pc_outdir_discard(&od);
	CU_ASSERT(lstat(top, &st) == 0 && S_ISDIR(st.st_mode));
	char *lock = xasprintf("%s/%s", top, PC_OUTDIR_LOCK);
	CU_ASSERT(lstat(lock, &st) < 0);
	/* New folders: BASE, then BASE-2 beside it; each discard removes its own. */
	char *base = xasprintf("%s/r/run", dir), *r = xasprintf("%s/r", dir);
	struct pc_outdir od2;
	CU_ASSERT_EQUAL(pc_outdir_lock_new(base, &od), 0);
	CU_ASSERT_EQUAL(pc_outdir_lock_new(base, &od2), 0);
	char *second = xasprintf("%s-2", base);
	CU_ASSERT(od2.path && !strcmp(od2.path, second));
	pc_outdir_discard(&od2);
	CU_ASSERT(lstat(second, &st) < 0);
	CU_ASSERT(lstat(base, &st) == 0);
	pc_outdir_discard(&od);
	CU_ASSERT(lstat(r, &st) < 0); /* r/ was made for it: gone too */
	/* Something written in it since: left as it is. */
	CU_ASSERT_EQUAL(pc_outdir_lock(deep, &od), 0);
	char *file = xasprintf("%s/x", deep);
	CU_ASSERT_EQUAL(pc_write_file(file, "x", 1, 0), 0);
	pc_outdir_discard(&od);
	CU_ASSERT(lstat(file, &st) == 0);
	free(file);
	free(second);
	free(r);
	free(base);
	free(lock);
	free(b);
	free(deep);
	free(top);
	unit_rmtree(dir);
	free(dir);
}

void register_outdir_tests(void)
{
	CU_pSuite s = CU_add_suite("outdir", NULL, NULL);
	CU_add_test(s, "a folder holding a run's results is refused", test_refuses_finished_run);
	CU_add_test(s, "a folder others can write to is refused", test_refuses_folder_others_write);
	CU_add_test(s, "refuses a path others own", test_refuses_path_others_own);
	CU_add_test(s, "a symlink to nothing is said so", test_dangling_symlink);
	CU_add_test(s, "a run that wrote nothing removes the folders it made", test_discard);
	CU_add_test(s, "a lock file that is no run's is refused", test_odd_lock_file);
}
