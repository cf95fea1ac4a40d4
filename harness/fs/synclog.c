/* synclog.c - see synclog.h. */
#include "fs/synclog.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pc_synclog {
	pthread_mutex_t mu;
	uint64_t (*now)(void *arg);
	void *arg;
	char *root;
	size_t rootlen;
	struct pc_synclog_rec *v;
	size_t n, cap;
	char *arena;             /* NUL-terminated relative paths */
	size_t used, size;
	char *early;             /* the test hook's relative path, or NULL */
	char *early_data;        /* its content, taken away until the end */
	size_t early_len;
	char *early_full;        /* once taken: its path as the walk named it */
	int early_err;           /* taking its content failed: errno */
	size_t unclocked;        /* notes whose flush count could not be read */
	enum pc_synclog_kind early_kind;
};

struct pc_synclog *pc_synclog_new(uint64_t (*now)(void *arg), void *arg)
{
	struct pc_synclog *l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	l->now = now;
	l->arg = arg;
	return l;
}

void pc_synclog_free(struct pc_synclog *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l->root);
	free(l->v);
	free(l->arena);
	free(l->early);
	free(l->early_data);
	free(l->early_full);
	free(l);
}

void pc_synclog_set_root(struct pc_synclog *l, const char *root)
{
	if (!l)
		return;
	free(l->root);
	l->root = xstrdup(root);
	l->rootlen = strlen(root);
	while (l->rootlen > 1 && l->root[l->rootlen - 1] == '/')
		l->root[--l->rootlen] = '\0';
}

/* DIR "/" NAME relative to the root, into OUT (malloc'd); NULL if it lies
 * outside. */
static char *relative(const struct pc_synclog *l, const char *dir, const char *name)
{
	if (!l->root || strncmp(dir, l->root, l->rootlen) != 0)
		return NULL;
	const char *rest = dir + l->rootlen;
	if (*rest && *rest != '/')
		return NULL; /* /a/bc is not below /a/b */
	while (*rest == '/')
		rest++;
	if (!*rest)
		return xstrdup(name ? name : ".");
	return name ? xasprintf("%s/%s", rest, name) : xstrdup(rest);
}

static void note_rel(struct pc_synclog *l, const char *rel, enum pc_synclog_kind kind)
{
	size_t len = strlen(rel) + 1;
	pthread_mutex_lock(&l->mu);
	/* Read under the lock: records stay in the order of their counts. */
	uint64_t flush = l->now(l->arg);
	if (flush == UINT64_MAX)
		l->unclocked++;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	if (l->used + len > l->size) {
		l->size = l->size ? 2 * l->size : 64 * 1024;
		while (l->used + len > l->size)
			l->size *= 2;
		l->arena = xrealloc(l->arena, l->size);
	}
	memcpy(l->arena + l->used, rel, len);
	l->v[l->n++] = (struct pc_synclog_rec){ .flush = flush, .path = (uint32_t)l->used,
						.kind = kind };
	l->used += len;
	pthread_mutex_unlock(&l->mu);
}

void pc_synclog_note_in(struct pc_synclog *l, const char *dir, const char *name,
			enum pc_synclog_kind kind)
{
	if (!l)
		return;
	char *rel = relative(l, dir, name);
	if (rel)
		note_rel(l, rel, kind);
	free(rel);
}

void pc_synclog_note(struct pc_synclog *l, const char *path, enum pc_synclog_kind kind)
{
	pc_synclog_note_in(l, path, NULL, kind);
}

const struct pc_synclog_rec *pc_synclog_records(const struct pc_synclog *l, size_t *n)
{
	*n = l ? l->n : 0;
	return l ? l->v : NULL;
}

size_t pc_synclog_unclocked(const struct pc_synclog *l)
{
	return l ? l->unclocked : 0;
}

const char *pc_synclog_path(const struct pc_synclog *l, const struct pc_synclog_rec *r)
{
	return l->arena + r->path;
}

void pc_synclog_set_early(struct pc_synclog *l, const char *rel)
{
	if (l && rel)
		l->early = xstrdup(rel);
}

/* Can "*" take FULL?  A file with content and one name only: taking an
 * empty file's content takes nothing (the case would pass, the test
 * fail), and a hard link's content is also its other names', whose own
 * syncs had returned before (the point would blame them, not it). */
static int takes_something(const char *full)
{
	struct stat sb;
	return lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	       sb.st_nlink == 1;
}

/* Is REL (of KIND, FULL on disk) the early one, not taken yet? (lock
 * held) */
static int is_early(const struct pc_synclog *l, const char *rel, const char *full,
		    enum pc_synclog_kind kind)
{
	if (l->early_full || kind == PC_SYNCLOG_DIR_FSYNC)
		return 0;
	if (!strcmp(l->early, "*"))
		return takes_something(full);
	return !strcmp(rel, l->early);
}

/* Take FULL's content away, unsynced, until pc_synclog_finish_early: a
 * state in between holds the file as a sync that did nothing left it,
 * whatever the kernel wrote back of it before.  Errors are kept for
 * finish (a worker cannot report). */
static void take_content(struct pc_synclog *l, const char *full)
{
	l->early_data = pc_read_file(full, &l->early_len);
	if (!l->early_data)
		l->early_err = errno ? errno : EIO;
	else if (truncate(full, 0) < 0)
		l->early_err = errno;
}

int pc_synclog_take_early(struct pc_synclog *l, const char *dir, const char *name,
			  enum pc_synclog_kind kind)
{
	if (!l || !l->early) /* set before the walk's threads start */
		return 0;
	char *rel = relative(l, dir, name);
	char *full = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	int hit = 0;
	pthread_mutex_lock(&l->mu); /* workers ask concurrently */
	if (rel && is_early(l, rel, full, kind)) {
		hit = 1;
		l->early_full = full;
		full = NULL;
		l->early_kind = kind;
		take_content(l, l->early_full);
	}
	pthread_mutex_unlock(&l->mu);
	free(full);
	if (hit)
		note_rel(l, rel, kind);
	free(rel);
	return hit;
}

int pc_synclog_finish_early(struct pc_synclog *l)
{
	if (!l || !l->early)
		return 0;
	if (!l->early_full)
		return pc_fail(PC_ERR_RUN, "POWERCUT_TEST_FSYNC_EARLY: the walk met no regular "
			       "file %s", l->early);
	if (l->early_err)
		return pc_fail_errno(PC_ERR_RUN, l->early_err, "POWERCUT_TEST_FSYNC_EARLY: take "
				     "the content of %s", l->early_full);
	int fd = open(l->early_full, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open %s (test hook's late sync)",
				     l->early_full);
	int rc = pc_pwrite_all(fd, l->early_data, l->early_len, 0);
	if (rc == 0)
		rc = l->early_kind == PC_SYNCLOG_FILE_FDATASYNC ? fdatasync(fd) : fsync(fd);
	int e = errno;
	close(fd);
	if (rc < 0)
		return pc_fail_errno(PC_ERR_RUN, e, "sync %s (test hook's late sync)", l->early_full);
	return 0;
}
