/* test_backend.c - backend selection and the fuse flakey device (root). */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/backend.h"
#include "cmd/commands.h"
#include "device/fuse_flakey.h"
#include "device/loop.h"
#include "unit.h"
#include "util/util.h"

/* The fuse backend starts its server as `/proc/self/exe __fuse-server ...`.
 * Here /proc/self/exe is this test program, so it must serve too: glibc
 * passes argc/argv to constructors, which run before CUnit's main. */
__attribute__((constructor)) static void maybe_fuse_server(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc > 1 && !strcmp(argv[1], "__fuse-server"))
		exit(cmd_fuse_server(argc - 1, argv + 1));
}

static int proc_misc_has_dm(void)
{
	char *misc = pc_read_file("/proc/misc", NULL);
	int has = misc && strstr(misc, " device-mapper\n");
	free(misc);
	return has;
}

static void test_mode_names(void)
{
	CU_ASSERT_STRING_EQUAL(pc_flakey_mode_name(PC_FLAKEY_ALLOW), "allow");
	CU_ASSERT_STRING_EQUAL(pc_flakey_mode_name(PC_FLAKEY_DROP), "drop");
	CU_ASSERT_STRING_EQUAL(pc_flakey_mode_name(PC_FLAKEY_ERROR), "error");
}

static void test_select_fuse(void)
{
	const struct pc_backend_ops *ops = NULL;
	char why[256], probe_why[256];
	int usable = pc_backend_fuse.probe(probe_why, sizeof(probe_why)) == 0;
	pc_last_errclass = PC_ERR_NONE;
	int rc = pc_backend_select("fuse", &ops, why, sizeof(why));
	if (usable) {
		CU_ASSERT(rc == 0);
		CU_ASSERT_PTR_EQUAL(ops, &pc_backend_fuse);
	} else {
		CU_ASSERT(rc == -1);
		CU_ASSERT(pc_last_errclass == PC_ERR_ENV);
		CU_ASSERT(strstr(why, "fuse") != NULL);
	}
}

static void test_select_auto(void)
{
	const struct pc_backend_ops *ops = NULL;
	char why[256], tmp[256];
	int rc = pc_backend_select("auto", &ops, why, sizeof(why));
	int dm = proc_misc_has_dm() && pc_backend_dm.probe(tmp, sizeof(tmp)) == 0;
	int fuse = pc_backend_fuse.probe(tmp, sizeof(tmp)) == 0;
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "auto"));
	if (dm) {
		CU_ASSERT(rc == 0 && ops == &pc_backend_dm);
	} else if (fuse) {
		CU_ASSERT(rc == 0 && ops == &pc_backend_fuse);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "using fuse"));
		if (!proc_misc_has_dm())
			CU_ASSERT_STRING_EQUAL(why, "auto: no device-mapper in this kernel "
						    "(/proc/misc), using fuse");
	} else {
		CU_ASSERT(rc == -1 && ops == NULL);
	}
	/* No name means auto. */
	const struct pc_backend_ops *ops2 = NULL;
	CU_ASSERT(pc_backend_select(NULL, &ops2, tmp, sizeof(tmp)) == rc);
	CU_ASSERT_PTR_EQUAL(ops2, ops);
}

static void test_select_dm(void)
{
	const struct pc_backend_ops *ops = NULL;
	char why[256], probe_why[256];
	int usable = pc_backend_dm.probe(probe_why, sizeof(probe_why)) == 0;
	pc_last_errclass = PC_ERR_NONE;
	int rc = pc_backend_select("dm", &ops, why, sizeof(why));
	CU_ASSERT(rc == (usable ? 0 : -1));
	if (!usable) {
		CU_ASSERT(pc_last_errclass == PC_ERR_ENV);
		/* The reason itself is the probe's (it may vary between calls). */
		CU_ASSERT(!strncmp(why, "backend dm cannot work here: ", 29) && strlen(why) > 29);
	}
}

static void test_select_unknown(void)
{
	const struct pc_backend_ops *ops = &pc_backend_fuse;
	char why[256];
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT(pc_backend_select("zfs", &ops, why, sizeof(why)) == -1);
	CU_ASSERT(pc_last_errclass == PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(ops);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "'zfs'"));
	CU_ASSERT(pc_backend_select("", &ops, why, sizeof(why)) == -1);
	CU_ASSERT(pc_backend_select("FUSE", &ops, why, sizeof(why)) == -1);
}

#define BLK 4096

/* O_DIRECT needs an aligned buffer. */
static unsigned char *block_buf(void)
{
	unsigned char *buf = aligned_alloc(BLK, BLK);
	if (!buf)
		abort();
	return buf;
}

static void fill(unsigned char *buf, int c)
{
	memset(buf, c, BLK);
}

static int dev_write(int fd, unsigned char *buf, off_t off)
{
	return pwrite(fd, buf, BLK, off) == BLK ? 0 : -errno;
}

static int block_is(int fd, off_t off, int c)
{
	unsigned char *buf = block_buf();
	int ok = pread(fd, buf, BLK, off) == BLK;
	for (int i = 0; ok && i < BLK; i++)
		ok = buf[i] == c;
	free(buf);
	return ok;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n == 0;
}

/* A 16 MiB fuse device with its work folder TMP: create's result. */
static int fuse_device(struct pc_backend *b, const char *tmp)
{
	memset(b, 0, sizeof(*b));
	b->ops = &pc_backend_fuse;
	snprintf(b->workdir, sizeof(b->workdir), "%s", tmp);
	return b->ops->create(b, 16 << 20);
}

/* Block-level semantics of the three modes, through the loop device with
 * O_DIRECT so that every write and flush reaches the server. */
static void test_fuse_device_modes(void)
{
	char *tmp = unit_tmpdir();
	struct pc_backend b;
	CU_ASSERT_FATAL(fuse_device(&b, tmp) == 0);

	struct stat st;
	CU_ASSERT(stat(b.devpath, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == b.devnum);
	char *backing = xasprintf("%s/" PC_BACKING_FILE, tmp);
	char *pidfile = xasprintf("%s/fuse.pid", tmp);
	char *text = pc_read_file(pidfile, NULL);
	pid_t server = text ? (pid_t)atol(text) : 0;
	free(text);
	CU_ASSERT(server > 0 && kill(server, 0) == 0);
	CU_ASSERT(b.mode == PC_FLAKEY_ALLOW);

	unsigned char *buf = block_buf();
	int fd = open(b.devpath, O_RDWR | O_DIRECT | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	fill(buf, 'A');
	CU_ASSERT(dev_write(fd, buf, 0) == 0);
	CU_ASSERT(fsync(fd) == 0);

	CU_ASSERT(b.ops->set_mode(&b, PC_FLAKEY_DROP) == 0);
	CU_ASSERT(b.mode == PC_FLAKEY_DROP);
	fill(buf, 'B');
	CU_ASSERT(dev_write(fd, buf, BLK) == 0); /* dropped, but "succeeds" */
	CU_ASSERT(fsync(fd) == 0);

	CU_ASSERT(b.ops->set_mode(&b, PC_FLAKEY_ERROR) == 0);
	fill(buf, 'C');
	CU_ASSERT(dev_write(fd, buf, 2 * BLK) == -EIO);
	CU_ASSERT(block_is(fd, 0, 'A')); /* reads pass in every mode */

	CU_ASSERT(b.ops->set_mode(&b, PC_FLAKEY_ALLOW) == 0);
	CU_ASSERT(block_is(fd, 0, 'A'));
	CU_ASSERT(block_is(fd, BLK, 0));
	CU_ASSERT(block_is(fd, 2 * BLK, 0));
	close(fd);

	int bfd = open(backing, O_RDONLY | O_CLOEXEC);
	CU_ASSERT(bfd >= 0 && block_is(bfd, 0, 'A') && block_is(bfd, BLK, 0));
	if (bfd >= 0)
		close(bfd);

	struct pc_fuse_counters c;
	CU_ASSERT_FATAL(pc_backend_fuse_counters(&b, &c) == 0);
	CU_ASSERT(c.writes.seen >= 3);
	CU_ASSERT(c.writes.dropped >= 1);
	CU_ASSERT(c.writes.failed >= 1);
	CU_ASSERT(c.bytes.dropped >= BLK && c.bytes.failed >= BLK);
	CU_ASSERT(c.flushes.seen >= 2 && c.flushes.dropped >= 1);

	char lo[PATH_MAX];
	snprintf(lo, sizeof(lo), "%s", b.devpath);
	b.ops->destroy(&b);
	char loop_backing[4096];
	CU_ASSERT(pc_loop_backing_file(lo, loop_backing, sizeof(loop_backing)) == 0);
	CU_ASSERT_STRING_EQUAL(loop_backing, "");
	CU_ASSERT(kill(server, 0) < 0 && errno == ESRCH);
	CU_ASSERT(dir_is_empty(tmp));
	CU_ASSERT_PTR_NULL(b.priv);
	b.ops->destroy(&b); /* idempotent */

	free(buf);
	free(pidfile);
	free(backing);
	unit_rmtree(tmp);
	free(tmp);
}

/* Is any loop device attached to FILE (even if deleted since: the kernel
 * then adds " (deleted)")?  1 yes, 0 no. */
static int loop_on(const char *file)
{
	DIR *d = opendir("/sys/block");
	if (!d)
		return 1;
	struct dirent *de;
	int found = 0;
	while (!found && (de = readdir(d))) {
		char dev[300], backing[PATH_MAX];
		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		found = pc_loop_backing_file(dev, backing, sizeof(backing)) == 0 &&
			!strncmp(backing, file, strlen(file));
	}
	closedir(d);
	return found;
}

/* The kernel may finish a detach after the last close returns. */
static int no_loop_on_soon(const char *file)
{
	for (int i = 0; i < 500; i++) {
		if (!loop_on(file))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Power on after a cut: the device becomes a plain loop device over the
 * backing file, holding exactly what survived; writes pass and land there;
 * the old device is detached and destroy leaves nothing. */
static void test_fuse_power_on(void)
{
	char *tmp = unit_tmpdir();
	struct pc_backend b;
	CU_ASSERT_FATAL(fuse_device(&b, tmp) == 0);
	char *backing = xasprintf("%s/" PC_BACKING_FILE, tmp);
	unsigned char *buf = block_buf();

	/* Never cut: powering on changes nothing. */
	char before[PATH_MAX];
	snprintf(before, sizeof(before), "%s", b.devpath);
	CU_ASSERT(pc_backend_power_on(&b) == 0);
	CU_ASSERT_STRING_EQUAL(b.devpath, before);

	int fd = open(b.devpath, O_RDWR | O_DIRECT | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	fill(buf, 'A');
	CU_ASSERT(dev_write(fd, buf, 0) == 0);
	CU_ASSERT(fsync(fd) == 0);
	CU_ASSERT(b.ops->set_mode(&b, PC_FLAKEY_DROP) == 0);
	fill(buf, 'B');
	CU_ASSERT(dev_write(fd, buf, BLK) == 0); /* lost */
	close(fd);

	CU_ASSERT(pc_backend_power_on(&b) == 0);
	CU_ASSERT(b.mode == PC_FLAKEY_ALLOW);
	char lo_backing[PATH_MAX];
	CU_ASSERT(pc_loop_backing_file(b.devpath, lo_backing, sizeof(lo_backing)) == 0);
	CU_ASSERT_STRING_EQUAL(lo_backing, backing);
	/* The flakey device is gone (its number may be the new one's). */
	char *disk = xasprintf("%s/fuse/" PC_FUSE_DISK_NAME, tmp);
	CU_ASSERT(no_loop_on_soon(disk));
	free(disk);
	struct stat st;
	CU_ASSERT(stat(b.devpath, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == b.devnum);

	fd = open(b.devpath, O_RDWR | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(block_is(fd, 0, 'A'));
	CU_ASSERT(block_is(fd, BLK, 0));
	fill(buf, 'C');
	CU_ASSERT(dev_write(fd, buf, 2 * BLK) == 0);
	CU_ASSERT(fsync(fd) == 0);
	close(fd);
	int bfd = open(backing, O_RDONLY | O_CLOEXEC);
	CU_ASSERT(bfd >= 0 && block_is(bfd, 2 * BLK, 'C'));
	if (bfd >= 0)
		close(bfd);

	b.ops->destroy(&b);
	CU_ASSERT(no_loop_on_soon(backing));
	CU_ASSERT(dir_is_empty(tmp));
	free(buf);
	free(backing);
	unit_rmtree(tmp);
	free(tmp);
}

static struct pc_backend *volatile_device(const char *tmp)
{
	struct pc_backend *b = xcalloc(1, sizeof(*b));
	b->ops = &pc_backend_fuse;
	b->volatile_cache = 1;
	snprintf(b->workdir, sizeof(b->workdir), "%s", tmp);
	if (b->ops->create(b, 16 << 20) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

/* The volatile write cache: a cut rolls back exactly the blocks written
 * since the last flush, every time. */
static void test_fuse_volatile_cache(void)
{
	char *tmp = unit_tmpdir();
	struct pc_backend *b = volatile_device(tmp);
	CU_ASSERT_FATAL(b != NULL);
	char *undo = xasprintf("%s/fuse.undo", tmp);
	struct stat st;
	CU_ASSERT(stat(undo, &st) == 0 && S_ISREG(st.st_mode));
	unsigned char *buf = block_buf();
	int fd = open(b->devpath, O_RDWR | O_DIRECT | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);

	fill(buf, 'A');
	CU_ASSERT(dev_write(fd, buf, 0) == 0);
	CU_ASSERT(dev_write(fd, buf, BLK) == 0);
	CU_ASSERT(fsync(fd) == 0); /* blocks 0 and 1 are durable */
	CU_ASSERT(stat(undo, &st) == 0 && st.st_size == 0);
	fill(buf, 'B');
	CU_ASSERT(dev_write(fd, buf, BLK) == 0);
	CU_ASSERT(dev_write(fd, buf, 2 * BLK) == 0);
	fill(buf, 'E'); /* a second write to block 1: its flushed content stays saved */
	CU_ASSERT(dev_write(fd, buf, BLK) == 0);
	/* Half a block: the whole 4 KiB block around it is saved. */
	fill(buf, 'D');
	CU_ASSERT(pwrite(fd, buf, 512, 3 * BLK + 512) == 512);
	CU_ASSERT(block_is(fd, BLK, 'E')); /* reads see the cache before the cut */

	CU_ASSERT(b->ops->set_mode(b, PC_FLAKEY_DROP) == 0);
	CU_ASSERT_EQUAL(b->cache_lost_blocks, 3);
	CU_ASSERT_EQUAL(b->cache_lost_bytes, 3 * BLK);
	CU_ASSERT(stat(undo, &st) == 0 && st.st_size == 0);
	CU_ASSERT(b->ops->set_mode(b, PC_FLAKEY_ALLOW) == 0);
	CU_ASSERT(block_is(fd, 0, 'A'));
	CU_ASSERT(block_is(fd, BLK, 'A'));
	CU_ASSERT(block_is(fd, 2 * BLK, 0));
	CU_ASSERT(block_is(fd, 3 * BLK, 0));

	/* A second cut starts from the first one's state, not a stale record
	 * of which blocks were saved. */
	fill(buf, 'F');
	CU_ASSERT(dev_write(fd, buf, 2 * BLK) == 0);
	CU_ASSERT(b->ops->set_mode(b, PC_FLAKEY_ERROR) == 0);
	CU_ASSERT_EQUAL(b->cache_lost_blocks, 1);
	CU_ASSERT(b->ops->set_mode(b, PC_FLAKEY_ALLOW) == 0);
	CU_ASSERT(block_is(fd, 2 * BLK, 0));

	/* Flushed before the cut: nothing to lose. */
	fill(buf, 'G');
	CU_ASSERT(dev_write(fd, buf, 4 * BLK) == 0);
	CU_ASSERT(fsync(fd) == 0);
	CU_ASSERT(b->ops->set_mode(b, PC_FLAKEY_DROP) == 0);
	CU_ASSERT_EQUAL(b->cache_lost_blocks, 0);
	CU_ASSERT(block_is(fd, 4 * BLK, 'G'));
	close(fd);

	b->ops->destroy(b);
	CU_ASSERT(dir_is_empty(tmp));
	free(b);
	free(buf);
	free(undo);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_dm_refuses_volatile_cache(void)
{
	struct pc_backend b;
	memset(&b, 0, sizeof(b));
	b.ops = &pc_backend_dm;
	b.volatile_cache = 1;
	snprintf(b.workdir, sizeof(b.workdir), "/nonexistent");
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT(b.ops->create(&b, 16 << 20) == -1);
	CU_ASSERT(pc_last_errclass == PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(b.priv);
}

static void test_fuse_create_no_space(void)
{
	char *tmp = unit_tmpdir();
	struct pc_backend b;
	memset(&b, 0, sizeof(b));
	b.ops = &pc_backend_fuse;
	snprintf(b.workdir, sizeof(b.workdir), "%s", tmp);
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT(b.ops->create(&b, 1ull << 60) == -1);
	CU_ASSERT(pc_last_errclass == PC_ERR_ENV);
	CU_ASSERT_PTR_NULL(b.priv);
	CU_ASSERT(b.devpath[0] == '\0');
	CU_ASSERT(dir_is_empty(tmp));
	b.ops->destroy(&b);
	unit_rmtree(tmp);
	free(tmp);
}

/* The registry: every backend found by its name, listed as a scenario
 * value before "auto", and its capabilities as the runner relies on them. */
static void test_registry(void)
{
	size_t n = 0;
	for (; pc_backends[n]; n++) {
		CU_ASSERT_PTR_EQUAL(pc_backend_find(pc_backends[n]->name), pc_backends[n]);
		CU_ASSERT_STRING_EQUAL(pc_backend_choice((unsigned)n), pc_backends[n]->name);
		CU_ASSERT_PTR_NOT_NULL(pc_backends[n]->probe);
		CU_ASSERT_PTR_NOT_NULL(pc_backends[n]->create);
		CU_ASSERT_PTR_NOT_NULL(pc_backends[n]->set_mode);
		CU_ASSERT_PTR_NOT_NULL(pc_backends[n]->destroy);
	}
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(pc_backend_choice((unsigned)n), "auto");
	CU_ASSERT_PTR_NULL(pc_backend_choice((unsigned)n + 1));
	CU_ASSERT_PTR_NULL(pc_backend_find("auto"));
	CU_ASSERT_PTR_NULL(pc_backend_find("zfs"));
	CU_ASSERT_EQUAL(pc_backend_fuse.caps, PC_BACKEND_VOLATILE_CACHE | PC_BACKEND_WRITE_LOG);
	CU_ASSERT_EQUAL(pc_backend_dm.caps,
			PC_BACKEND_NEEDS_DM | PC_BACKEND_WRITE_LOG | PC_BACKEND_LOG_SIZE);
	/* Both log writes; a scenario-time choice prefers the one that needs
	 * no device-mapper. */
	CU_ASSERT_PTR_EQUAL(pc_backend_with(PC_BACKEND_WRITE_LOG), &pc_backend_fuse);
	CU_ASSERT_PTR_EQUAL(pc_backend_with(PC_BACKEND_NEEDS_DM), &pc_backend_dm);
	CU_ASSERT_PTR_EQUAL(pc_backend_with(PC_BACKEND_LOG_SIZE), &pc_backend_dm);
	CU_ASSERT_PTR_NULL(pc_backend_with(PC_BACKEND_NEEDS_DM | PC_BACKEND_VOLATILE_CACHE));
	char names[64];
	pc_backend_names_with(PC_BACKEND_VOLATILE_CACHE, names, sizeof(names));
	CU_ASSERT_STRING_EQUAL(names, "fuse");
	pc_backend_names_with(0, names, sizeof(names));
	CU_ASSERT_STRING_EQUAL(names, "dm or fuse");
	/* Cleanup ops: dm sweeps its devices, fuse needs nothing beyond
	 * state.c's generic teardown. */
	CU_ASSERT_PTR_NOT_NULL(pc_backend_dm.teardown_below);
	CU_ASSERT_PTR_NOT_NULL(pc_backend_dm.remove_dead);
	CU_ASSERT_PTR_NULL(pc_backend_fuse.teardown_below);
	/* Both keep a write log: both mark it and finish it. */
	CU_ASSERT_PTR_NOT_NULL(pc_backend_fuse.log_mark);
	CU_ASSERT_PTR_NOT_NULL(pc_backend_fuse.log_finish);
	CU_ASSERT_PTR_NOT_NULL(pc_backend_dm.log_mark);
	CU_ASSERT_PTR_NOT_NULL(pc_backend_dm.log_finish);
}

void register_backend_tests(void)
{
	CU_pSuite s = CU_add_suite("backend", NULL, NULL);
	CU_add_test(s, "mode names", test_mode_names);
	CU_add_test(s, "registry: names, choices, capabilities", test_registry);
	CU_add_test(s, "select fuse", test_select_fuse);
	CU_add_test(s, "select auto", test_select_auto);
	CU_add_test(s, "select dm", test_select_dm);
	CU_add_test(s, "select unknown", test_select_unknown);
	CU_add_test(s, "fuse device modes", test_fuse_device_modes);
	CU_add_test(s, "fuse create without space", test_fuse_create_no_space);
	CU_add_test(s, "fuse power on after a cut", test_fuse_power_on);
	CU_add_test(s, "fuse volatile write cache", test_fuse_volatile_cache);
	CU_add_test(s, "dm refuses a volatile cache", test_dm_refuses_volatile_cache);
}
