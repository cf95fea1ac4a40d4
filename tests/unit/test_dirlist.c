/* test_dirlist.c - one directory's regular files and directories, as the
 * sync walks (durability.c, psync.c) read them. */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/dirlist.h"
#include "unit.h"
#include "util/util.h"

static void touch(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	free(p);
}

static const struct pc_dir_entry *find(const struct pc_dir_entry *v, size_t n,
				       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void test_files_and_dirs(void)
{
	char *dir = unit_tmpdir();
	touch(dir, "a");
	touch(dir, "b c");
	char *sub = xasprintf("%s/sub", dir), *link = xasprintf("%s/link", dir),
	     *dlink = xasprintf("%s/dlink", dir), *fifo = xasprintf("%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	touch(sub, "inner"); /* not listed: only the directory's own names */
	CU_ASSERT_EQUAL(symlink("a", link), 0);
	CU_ASSERT_EQUAL(symlink("sub", dlink), 0);
	CU_ASSERT_EQUAL(mkfifo(fifo, 0600), 0);

	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	struct pc_dir_entry *v = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL_FATAL(pc_dir_list(fd, dir, &v, &n), 0);
	/* Files and directories only; no ".", "..", symlinks (to a file or a
	 * directory: never followed) or fifos. */
	CU_ASSERT_EQUAL(n, 3);
	const struct pc_dir_entry *e;
	CU_ASSERT((e = find(v, n, "a")) && e->type == DT_REG);
	CU_ASSERT((e = find(v, n, "b c")) && e->type == DT_REG);
	CU_ASSERT((e = find(v, n, "sub")) && e->type == DT_DIR);
	CU_ASSERT_PTR_NULL(find(v, n, "link"));
	CU_ASSERT_PTR_NULL(find(v, n, "dlink"));
	CU_ASSERT_PTR_NULL(find(v, n, "fifo"));
	pc_dir_list_free(v, n);
	/* The caller's descriptor stays open. */
	struct stat st;
	CU_ASSERT_EQUAL(fstat(fd, &st), 0);
	close(fd);

	/* An empty directory: no names, no error. */
	fd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	char *inner = xasprintf("%s/inner", sub);
	CU_ASSERT_EQUAL(unlink(inner), 0);
	v = NULL;
	n = 99;
	CU_ASSERT_EQUAL(pc_dir_list(fd, sub, &v, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	pc_dir_list_free(v, n);
	close(fd);

	free(inner);
	free(sub);
	free(link);
	free(dlink);
	free(fifo);
	unit_rmtree(dir);
	free(dir);
}

/* A descriptor that is not a directory's is an error, not an empty list. */
static void test_not_a_directory(void)
{
	char *dir = unit_tmpdir();
	touch(dir, "f");
	char *f = xasprintf("%s/f", dir);
	int fd = open(f, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	struct pc_dir_entry *v = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL(pc_dir_list(fd, f, &v, &n), -1);
	CU_ASSERT_EQUAL(pc_dir_list(-1, f, &v, &n), -1);
	close(fd);
	free(f);
	unit_rmtree(dir);
	free(dir);
}

void register_dirlist_tests(void)
{
	CU_pSuite s = CU_add_suite("dirlist", NULL, NULL);
	CU_add_test(s, "files and directories, nothing else", test_files_and_dirs);
	CU_add_test(s, "not a directory", test_not_a_directory);
}
