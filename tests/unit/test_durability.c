/* test_durability.c - mode names, fsync counts over a known tree, errors. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durability.h"
#include "unit.h"
#include "util.h"

static void test_mode_names(void)
{
	enum pc_mode m = PC_MODE_COUNT;
	for (int i = 0; i < PC_MODE_COUNT; i++) {
		CU_ASSERT_EQUAL(pc_mode_parse(pc_mode_name((enum pc_mode)i), &m), 0);
		CU_ASSERT_EQUAL(m, (enum pc_mode)i);
	}
	CU_ASSERT_STRING_EQUAL(pc_mode_name(PC_MODE_SYNCFS), "syncfs");
	m = PC_MODE_FSYNC;
	CU_ASSERT_EQUAL(pc_mode_parse("fsync-all", &m), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_EQUAL(pc_mode_parse("", &m), -1);
	CU_ASSERT_EQUAL(pc_mode_parse("SYNCFS", &m), -1);
	CU_ASSERT_EQUAL(m, PC_MODE_FSYNC); /* untouched on error */
}

static void make_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, "data\n", 5, 0), 0);
	free(p);
}

static void make_dir(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
}

/* Names of the IN_OPEN events queued on the inotify fd, as "|a|b|". */
static char *opened_names(int ifd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	char *names = xstrdup("|");
	ssize_t n;
	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if ((ev->mask & IN_OPEN) && ev->len) {
				char *more = xasprintf("%s%s|", names, ev->name);
				free(names);
				names = more;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return names;
}

/* root/{a, d/{b, e/, link -> OUTSIDE/target, fifo}}: 2 files + 3 dirs.  The
 * symlink points outside the tree, so following it would open (and fsync)
 * OUTSIDE/target; the fifo must not be opened at all. */
static void test_fsync_counts(void)
{
	char *root = unit_tmpdir(), *outside = unit_tmpdir();
	make_file(root, "a");
	make_dir(root, "d");
	make_file(root, "d/b");
	make_dir(root, "d/e");
	make_file(outside, "target");
	char *link = xasprintf("%s/d/link", root), *target = xasprintf("%s/target", outside);
	char *fifo = xasprintf("%s/d/fifo", root), *d = xasprintf("%s/d", root);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0644), 0);

	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CU_ASSERT_FATAL(ifd >= 0);
	CU_ASSERT(inotify_add_watch(ifd, d, IN_OPEN) >= 0);
	CU_ASSERT(inotify_add_watch(ifd, outside, IN_OPEN) >= 0);

	struct pc_sync_stats st = { 99, 99 };
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_FSYNC, root, &st), 0);
	CU_ASSERT_EQUAL(st.fsyncs, 5);
	CU_ASSERT_EQUAL(st.syncfs, 0);
	char *names = opened_names(ifd);
	close(ifd);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "|b|"));   /* the watch works */
	CU_ASSERT_PTR_NULL(strstr(names, "|fifo|"));
	CU_ASSERT_PTR_NULL(strstr(names, "|link|"));
	CU_ASSERT_PTR_NULL(strstr(names, "|target|")); /* link not followed */
	free(names);

	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_SYNCFS, root, &st), 0);
	CU_ASSERT_EQUAL(st.syncfs, 1);
	CU_ASSERT_EQUAL(st.fsyncs, 0);
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_NONE, root, &st), 0);
	CU_ASSERT_EQUAL(st.syncfs + st.fsyncs, 0);

	free(link);
	free(target);
	free(fifo);
	free(d);
	unit_rmtree(root);
	unit_rmtree(outside);
	free(root);
	free(outside);
}

static void test_missing_root(void)
{
	char *root = unit_tmpdir();
	char *gone = xasprintf("%s/does-not-exist", root);
	struct pc_sync_stats st;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_SYNCFS, gone, &st), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	CU_ASSERT_EQUAL(st.syncfs, 0);
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_FSYNC, gone, &st), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	/* none touches nothing, so it cannot fail */
	CU_ASSERT_EQUAL(pc_durability_apply(PC_MODE_NONE, gone, &st), 0);
	free(gone);
	unit_rmtree(root);
	free(root);
}

void register_durability_tests(void)
{
	CU_pSuite s = CU_add_suite("durability", NULL, NULL);
	CU_add_test(s, "mode names", test_mode_names);
	CU_add_test(s, "fsync counts, no symlink or fifo opened", test_fsync_counts);
	CU_add_test(s, "missing root", test_missing_root);
}
