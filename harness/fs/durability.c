/* durability.c - see durability.h.
 *
 * The fsync mode walks the tree with openat() relative to each directory's
 * descriptor, so a path is never resolved twice from ROOT and a symlink is
 * never followed (O_NOFOLLOW everywhere).  A directory's names are read and
 * its stream closed before descending, so at most one directory stream is
 * open at a time whatever the depth; the directory's own descriptor stays
 * open for the fsync that follows its children (bottom-up: a directory entry
 * is made durable after the inode it names).
 */
#include "fs/dirlist.h"
#include "fs/durability.h"
#include "fs/synclog.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int do_syncfs(const char *root, struct pc_sync_stats *st);
static int do_fsync_tree(const char *root, struct pc_sync_stats *st);

static int do_nothing(const char *root, struct pc_sync_stats *st)
{
	(void)root;
	(void)st;
	return 0;
}

/* The modes: adding one is a file with its function plus a row here (and
 * its enum value, which orders expect_<mode> and the tables). */
static const struct mode_row {
	const char *name;
	int (*apply)(const char *root, struct pc_sync_stats *st);
	const char *summary;
	int while_unpacking; /* fsync each file as the unpack writes it, too */
} modes[PC_MODE_COUNT] = {
	[PC_MODE_NONE] = { "none", do_nothing, "nothing: the kernel writes back when it likes" },
	[PC_MODE_SYNCFS] = { "syncfs", do_syncfs, "one syncfs(2) on the filesystem" },
	[PC_MODE_FSYNC] = { "fsync", do_fsync_tree,
			    "fsync(2) every file and folder, bottom-up, one at a time" },
	[PC_MODE_PFSYNC] = { "pfsync", pc_mode_pfsync,
			     "what fsync does, by a pool of 64 threads" },
	[PC_MODE_FDATASYNC] = { "fdatasync", pc_mode_fdatasync,
				"fdatasync(2) every file, fsync(2) every folder, in parallel" },
	[PC_MODE_SFR] = { "sfr", pc_mode_sfr,
			  "sync_file_range(WRITE) every file, then pfsync" },
	[PC_MODE_OFSYNC] = { "ofsync", pc_mode_pfsync,
			     "fsync(2) every file as the unpack writes it (64 threads), then pfsync",
			     .while_unpacking = 1 },
};

const char *pc_mode_name(enum pc_mode m)
{
	if ((unsigned)m >= PC_MODE_COUNT)
		return "?";
	return modes[m].name;
}

const char *pc_mode_summary(enum pc_mode m)
{
	if ((unsigned)m >= PC_MODE_COUNT)
		return "?";
	return modes[m].summary;
}

int pc_mode_promises_durability(enum pc_mode m)
{
	return m != PC_MODE_NONE;
}

int pc_mode_fsyncs_while_unpacking(enum pc_mode m)
{
	return (unsigned)m < PC_MODE_COUNT && modes[m].while_unpacking;
}

int pc_mode_parse(const char *s, enum pc_mode *m)
{
	for (unsigned i = 0; i < PC_MODE_COUNT; i++) {
		if (s && !strcmp(s, modes[i].name)) {
			*m = (enum pc_mode)i;
			return 0;
		}
	}
	char list[256] = "";
	for (unsigned i = 0; i < PC_MODE_COUNT; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", modes[i].name);
	return pc_fail(PC_ERR_INPUT, "unknown durability mode '%s' (expected one of %s)",
		       s ? s : "", list);
}

static int do_syncfs(const char *root, struct pc_sync_stats *st)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s for syncfs", root);
	if (syncfs(fd) < 0) {
		int e = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_RUN, e, "syncfs %s", root);
	}
	close(fd);
	st->syncfs++;
	return 0;
}

static int fsync_fd(int fd, const char *path, int dir, struct pc_sync_stats *st)
{
	enum pc_synclog_kind kind = dir ? PC_SYNCLOG_DIR_FSYNC : PC_SYNCLOG_FILE_FSYNC;
	if (pc_synclog_take_early(st->log, path, NULL, kind))
		return 0; /* the test hook: synced after the walk */
	if (fsync(fd) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fsync %s", path);
	st->fsyncs++;
	pc_synclog_note(st->log, path, kind);
	return 0;
}

static int fsync_dir_tree(int dirfd, const char *path, struct pc_sync_stats *st);

static int fsync_child(int dirfd, const char *dirpath, const struct pc_dir_entry *de,
		       struct pc_sync_stats *st)
{
	if (pc_check_interrupted() < 0)
		return -1;
	char *path = xasprintf("%s/%s", dirpath, de->name);
	/* O_NONBLOCK: should the name have been replaced by a fifo since
	 * readdir, the open must not hang (the type check below refuses it). */
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	if (de->type == DT_DIR)
		flags |= O_DIRECTORY;
	int rc = -1;
	int fd = openat(dirfd, de->name, flags);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "open %s for fsync", path);
		goto out;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "stat %s", path);
	} else if (de->type == DT_DIR) {
		rc = fsync_dir_tree(fd, path, st);
	} else if (!S_ISREG(sb.st_mode)) {
		pc_fail(PC_ERR_RUN, "fsync %s: no longer a regular file", path);
	} else {
		rc = fsync_fd(fd, path, 0, st);
	}
	close(fd);
out:
	free(path);
	return rc;
}

/* fsync everything below the directory DIRFD, then the directory itself. */
static int fsync_dir_tree(int dirfd, const char *path, struct pc_sync_stats *st)
{
	struct pc_dir_entry *v = NULL;
	size_t n = 0;
	if (pc_dir_list(dirfd, path, &v, &n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fsync_child(dirfd, path, &v[i], st);
	pc_dir_list_free(v, n);
	if (rc == 0)
		rc = fsync_fd(dirfd, path, 1, st);
	return rc;
}

static int do_fsync_tree(const char *root, struct pc_sync_stats *st)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s for fsync", root);
	int rc = fsync_dir_tree(fd, root, st);
	close(fd);
	return rc;
}

int pc_durability_apply(enum pc_mode m, const char *root, struct pc_sync_stats *st)
{
	return pc_durability_apply_noted(m, root, st, NULL);
}

int pc_durability_apply_noted(enum pc_mode m, const char *root, struct pc_sync_stats *st,
			      struct pc_synclog *log)
{
	struct pc_sync_stats local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	st->log = log;
	pc_synclog_set_root(log, root);
	if ((unsigned)m >= PC_MODE_COUNT)
		return pc_fail(PC_ERR_INPUT, "unknown durability mode %d", (int)m);
	return modes[m].apply(root, st);
}
