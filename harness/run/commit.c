/* commit.c - see commit.h.
 *
 * Record format (text, one key=value a line, in this order):
 *
 *   case=ID
 *   mode=NAME
 *   manifest_sha256=64 lowercase hex digits
 *   entries=DECIMAL
 *   layer=DECIMAL        (only for a layer of the snapshots layout)
 *   end=1
 *
 * Durable create: the record is written under a temporary name, fsync'd,
 * renamed over DIR/powercut-commit, and then DIR is fsync'd.  The file's
 * fsync makes its data and inode durable, but the name that reaches it is
 * an entry in DIR: only the fsync of DIR makes the rename durable.  Because
 * rename(2) is atomic, after a crash DIR holds either no record or the
 * complete one; the "end=1" line is the second defence, for filesystems or
 * devices that tear the write anyway: a record without it is not a commit.
 */
#include "run/commit.h"
#include "run/result.h"
#include "util/digest.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TMP_NAME "." PC_COMMIT_NAME ".tmp"
#define RECORD_MAX 4096

static int valid_value(const char *s)
{
	return s[0] != '\0' && !strpbrk(s, "\n\r");
}

static int write_all(int fd, const char *buf, size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "write %s", what);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(int dirfd, const char *dir)
{
	if (fsync(dirfd) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "fsync directory %s", dir);
	return 0;
}

/* Write the record to TMP_NAME in DIRFD and fsync it. */
static int write_tmp(int dirfd, const char *dir, const char *text)
{
	char *what = xasprintf("%s/%s", dir, TMP_NAME);
	int rc = -1;
	int fd = openat(dirfd, TMP_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "create %s", what);
		goto out;
	}
	if (write_all(fd, text, strlen(text), what) < 0)
		goto close;
	if (fsync(fd) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "fsync %s", what);
		goto close;
	}
	rc = 0;
close:
	if (close(fd) < 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "close %s", what);
out:
	free(what);
	return rc;
}

void pc_commit_build(struct pc_commit *rec, struct pc_manifest *m, const char *case_id,
		     const char *mode, unsigned layer)
{
	unsigned char digest[32];
	pc_manifest_digest(m, digest);
	pc_commit_build_digest(rec, digest, pc_manifest_count(m), case_id, mode, layer);
}

void pc_commit_build_digest(struct pc_commit *rec, const unsigned char digest[32],
			    unsigned long long entries, const char *case_id, const char *mode,
			    unsigned layer)
{
	memset(rec, 0, sizeof(*rec));
	pc_hex(digest, 32, rec->manifest_sha256);
	snprintf(rec->case_id, sizeof(rec->case_id), "%s", case_id);
	snprintf(rec->mode, sizeof(rec->mode), "%s", mode);
	rec->entries = entries;
	rec->layer = layer;
}

void pc_commit_note_tested(struct pc_case_result *r, const struct pc_commit *rec)
{
	if (!r->tested_sha256[0]) {
		memcpy(r->tested_sha256, rec->manifest_sha256, sizeof(r->tested_sha256));
		return;
	}
	char *both = xasprintf("%s %s", r->tested_sha256, rec->manifest_sha256);
	unsigned char md[PC_SHA256_LEN];
	pc_sha256(both, strlen(both), md);
	pc_hex(md, PC_SHA256_LEN, r->tested_sha256);
	free(both);
}

int pc_commit_write(const char *dir, const struct pc_commit *c)
{
	if (!valid_value(c->case_id) || !valid_value(c->mode) ||
	    strlen(c->manifest_sha256) != 64)
		return pc_fail(PC_ERR_RUN, "commit record for %s: empty or multi-line field", dir);
	char layer[32] = "";
	if (c->layer)
		snprintf(layer, sizeof(layer), "layer=%u\n", c->layer);
	char *text = xasprintf("case=%s\nmode=%s\nmanifest_sha256=%s\nentries=%llu\n%send=1\n",
			       c->case_id, c->mode, c->manifest_sha256, c->entries, layer);
	int rc = -1;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "open directory %s", dir);
		goto out;
	}
	if (write_tmp(dirfd, dir, text) < 0)
		goto close;
	if (renameat(dirfd, TMP_NAME, dirfd, PC_COMMIT_NAME) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "rename %s/%s to %s", dir, TMP_NAME, PC_COMMIT_NAME);
		goto close;
	}
	rc = fsync_dir(dirfd, dir);
close:
	close(dirfd);
out:
	free(text);
	return rc;
}

static int copy_field(char *dst, size_t cap, const char *val)
{
	size_t n = strlen(val);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, val, n + 1);
	return 0;
}

static int parse_entries(const char *val, unsigned long long *out)
{
	if (!*val || *val < '0' || *val > '9')
		return -1;
	char *end;
	errno = 0;
	*out = strtoull(val, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static int parse_layer(const char *val, unsigned *out)
{
	unsigned long long v;
	if (parse_entries(val, &v) < 0 || v == 0 || v > 1000000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Parse the record text; 0 when complete and well-formed.  The keys must
 * come in the written order, each once, with end=1 last; layer is
 * optional. */
static int parse_record(char *text, struct pc_commit *c)
{
	static const char *const keys[] = { "case", "mode", "manifest_sha256", "entries",
					    "layer", "end" };
	size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	char *p = text;
	for (size_t i = 0; i < nkeys; i++) {
		if (i == 4 && strncmp(p, "layer=", 6) != 0)
			continue; /* no layer line */
		char *nl = strchr(p, '\n');
		if (!nl)
			return -1; /* torn: the line never finished */
		*nl = '\0';
		char *eq = strchr(p, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		const char *val = eq + 1;
		if (strcmp(p, keys[i]))
			return -1;
		int bad = 0;
		switch (i) {
		case 0: bad = copy_field(c->case_id, sizeof(c->case_id), val); break;
		case 1: bad = copy_field(c->mode, sizeof(c->mode), val); break;
		case 2:
			bad = strlen(val) != 64 || !pc_is_lower_hex(val, 64) ||
			      copy_field(c->manifest_sha256, sizeof(c->manifest_sha256), val);
			break;
		case 3: bad = parse_entries(val, &c->entries); break;
		case 4: bad = parse_layer(val, &c->layer); break;
		case 5: bad = strcmp(val, "1") != 0; break;
		}
		if (bad)
			return -1;
		p = nl + 1;
	}
	return *p == '\0' ? 0 : -1;
}

/* Read at most RECORD_MAX bytes of the record; NULL (with a warning) when
 * it cannot be read. */
static char *read_record(int dirfd, const char *dir)
{
	int fd = openat(dirfd, PC_COMMIT_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			pc_warn("open %s/%s: %s", dir, PC_COMMIT_NAME, strerror(errno));
		return NULL;
	}
	char *buf = xmalloc(RECORD_MAX + 1);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, RECORD_MAX - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pc_warn("read %s/%s: %s", dir, PC_COMMIT_NAME, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0 || used + (size_t)n == RECORD_MAX) {
			used += (size_t)n;
			break;
		}
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	/* An embedded NUL (e.g. a zero-filled block) makes the text shorter
	 * than the file and so fails the parse: not a commit. */
	if (strlen(buf) != used)
		buf[0] = '\0';
	return buf;
}

int pc_commit_read(const char *dir, struct pc_commit *c)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "open directory %s", dir);
	char *text = read_record(dirfd, dir);
	close(dirfd);
	if (!text)
		return 0;
	struct pc_commit tmp;
	memset(&tmp, 0, sizeof(tmp));
	int ok = parse_record(text, &tmp) == 0;
	free(text);
	if (!ok)
		return 0;
	*c = tmp;
	return 1;
}
