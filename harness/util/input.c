/* input.c - see input.h.
 *
 * The line reader is hand-written rather than getline(3): getline grows its
 * buffer to the length of the line, so a newline-free input (/dev/zero)
 * takes all memory before the caller can look at it, and it cannot say
 * whether a line held a NUL byte without a second pass.
 */
#include "util/input.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define READ_CHUNK 65536

const char *pc_input_file_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

static int refuse_kind(const char *what, const char *path, mode_t mode)
{
	return pc_fail(PC_ERR_INPUT, "%s %s: is %s, not a regular file", what, path,
		       pc_input_file_kind(mode));
}

/* The kernel's own filesystems, whose "files" are made as they are read:
 * their sizes are made up (0, 4096, /proc/kcore's 128 TiB), some reads
 * block until the kernel has something to say and take what they read
 * from every other reader (/proc/kmsg, tracefs's trace_pipe), and
 * /proc/self/pagemap reads as zeros.  None holds an image, a scenario or
 * a manifest. */
static const struct { unsigned long magic; const char *name; } pseudo_fs[] = {
	{ PROC_SUPER_MAGIC, "procfs" },       { SYSFS_MAGIC, "sysfs" },
	{ DEBUGFS_MAGIC, "debugfs" },         { TRACEFS_MAGIC, "tracefs" },
	{ SECURITYFS_MAGIC, "securityfs" },   { CGROUP_SUPER_MAGIC, "cgroupfs" },
	{ CGROUP2_SUPER_MAGIC, "cgroup2" },   { BPF_FS_MAGIC, "bpffs" },
	{ 0x62656570UL, "configfs" },         { EFIVARFS_MAGIC, "efivarfs" },
	{ PSTOREFS_MAGIC, "pstore" },         { SELINUX_MAGIC, "selinuxfs" },
	{ SMACK_MAGIC, "smackfs" },           { 0x65735543UL, "fusectl" },
	{ BINFMTFS_MAGIC, "binfmt_misc" },    { NSFS_MAGIC, "nsfs" },
};

const char *pc_input_pseudo_fs(const char *path, int fd)
{
	struct statfs sf;
	if ((fd >= 0 ? fstatfs(fd, &sf) : statfs(path, &sf)) < 0)
		return NULL; /* the open or read that follows says why */
	for (size_t i = 0; i < sizeof(pseudo_fs) / sizeof(pseudo_fs[0]); i++)
		if ((unsigned long)sf.f_type == pseudo_fs[i].magic)
			return pseudo_fs[i].name;
	return NULL;
}

int pc_input_check_fs(const char *what, const char *path, int fd)
{
	const char *fs = pc_input_pseudo_fs(path, fd);
	if (fs)
		return pc_fail(PC_ERR_INPUT, "%s %s: " PC_PSEUDO_FS_WHY, what, path, fs);
	return 0;
}

int pc_input_check_regular(const char *what, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return pc_fail_errno(PC_ERR_INPUT, errno, "%s %s", what, path);
	if (!S_ISREG(st.st_mode))
		return refuse_kind(what, path, st.st_mode);
	return pc_input_check_fs(what, path, -1);
}

int pc_input_open(const char *what, const char *path)
{
	/* Checked before opening: opening some devices has effects (a tape
	 * rewinds); checked again on the descriptor against a swap. */
	if (pc_input_check_regular(what, path) < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_INPUT, errno, "open %s %s", what, path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_INPUT, err, "stat %s %s", what, path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse_kind(what, path, st.st_mode);
	}
	if (pc_input_check_fs(what, path, fd) < 0) {
		close(fd);
		return -1;
	}
	/* Regular files never block; clear the flag all the same. */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

void pc_lines_init_fd(struct pc_lines *r, int fd, const char *path, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->path = path;
	r->max = max;
	r->buf = xmalloc(READ_CHUNK);
	r->linecap = max < 256 ? max + 1 : 256;
	r->line = xmalloc(r->linecap);
}

int pc_lines_open(struct pc_lines *r, const char *what, const char *path, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	int fd = pc_input_open(what, path);
	if (fd < 0)
		return -1;
	pc_lines_init_fd(r, fd, path, max);
	r->own_fd = 1;
	return 0;
}

void pc_lines_close(struct pc_lines *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->line);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Refill the read buffer: 1 with bytes, 0 at the end, -1 on error. */
static int fill(struct pc_lines *r)
{
	if (r->eof)
		return 0;
	for (;;) {
		ssize_t n = read(r->fd, r->buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pc_fail_errno(PC_ERR_RUN, errno, "%s:%lu: read failed", r->path,
					     r->lineno + 1);
		r->bufpos = 0;
		r->buflen = (size_t)n;
		if (n == 0)
			r->eof = 1;
		return n > 0;
	}
}

/* Append N bytes to the current line, within the limit. */
static int append(struct pc_lines *r, size_t *used, const char *p, size_t n)
{
	if (*used + n > r->max)
		return pc_fail(PC_ERR_INPUT, "%s:%lu: line longer than %zu bytes", r->path,
			       r->lineno, r->max);
	if (*used + n + 1 > r->linecap) {
		size_t cap = r->linecap;
		while (cap < *used + n + 1)
			cap *= 2;
		if (cap > r->max + 1)
			cap = r->max + 1;
		r->line = xrealloc(r->line, cap);
		r->linecap = cap;
	}
	memcpy(r->line + *used, p, n);
	*used += n;
	return 0;
}

int pc_lines_next(struct pc_lines *r, char **line, size_t *len)
{
	size_t used = 0;
	int any = 0;
	r->lineno++;
	for (;;) {
		if (r->bufpos == r->buflen) {
			int rc = fill(r);
			if (rc < 0)
				return -1;
			if (rc == 0)
				break;
		}
		const char *start = r->buf + r->bufpos;
		size_t avail = r->buflen - r->bufpos;
		const char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		any = 1;
		if (append(r, &used, start, take) < 0)
			return -1;
		r->bufpos += take + (nl != NULL);
		if (nl)
			break;
	}
	if (!any) {
		r->lineno--;
		return 0;
	}
	r->line[used] = '\0';
	if (memchr(r->line, '\0', used))
		return pc_fail(PC_ERR_INPUT, "%s:%lu: NUL byte in line", r->path, r->lineno);
	*line = r->line;
	*len = used;
	return 1;
}

char *pc_input_read_fd(int fd, const char *what, const char *path, size_t max, size_t *len)
{
	size_t used = 0, cap = max < 4096 ? max + 1 : 4096;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (used == cap) {
			if (cap > max)
				break; /* read one byte past the limit: too large */
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pc_fail_errno(PC_ERR_RUN, errno, "read %s %s", what, path);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		pc_fail(PC_ERR_INPUT, "%s %s: larger than powercut's limit of %zu bytes", what,
			path, max);
		free(buf);
		return NULL;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}

char *pc_input_read_small(const char *what, const char *path, size_t max, size_t *len)
{
	int fd = pc_input_open(what, path);
	if (fd < 0)
		return NULL;
	size_t used;
	char *buf = pc_input_read_fd(fd, what, path, max, &used);
	close(fd);
	if (buf && memchr(buf, '\0', used)) {
		size_t at = (size_t)((char *)memchr(buf, '\0', used) - buf);
		unsigned long lineno = 1;
		for (size_t i = 0; i < at; i++)
			lineno += buf[i] == '\n';
		pc_fail(PC_ERR_INPUT, "%s:%lu: NUL byte in line", path, lineno);
		free(buf);
		return NULL;
	}
	if (buf && len)
		*len = used;
	return buf;
}

int pc_input_vfail_at(const char *file, unsigned line, const char *key, const char *fmt,
		      va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (key)
		return pc_fail(PC_ERR_INPUT, "%s:%u: %s: %s", file, line, key, msg);
	return pc_fail(PC_ERR_INPUT, "%s:%u: %s", file, line, msg);
}

const char *pc_ini_section_name(const char *line, size_t *len)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return NULL;
	const char *end = strchr(line + 1, ']');
	if (!end)
		return NULL;
	*len = (size_t)(end - line - 1);
	return line + 1;
}

const char *pc_ini_colon_key(const char *line, size_t *len)
{
	if (!strncmp(line, "\xEF\xBB\xBF", 3))
		line += 3;  /* inih skips a UTF-8 BOM */
	while (isspace((unsigned char)*line))
		line++;
	if (!*line || strchr(";#[", *line))
		return NULL;
	/* inih's find_chars_or_comment(start, "=:"): the first '=' or ':',
	 * unless an inline comment (a ';' after a blank) comes first. */
	for (const char *c = line; *c; c++) {
		if (*c == '=' || (*c == ';' && c > line && isspace((unsigned char)c[-1])))
			return NULL;
		if (*c == ':') {
			const char *e = c;
			while (e > line && isspace((unsigned char)e[-1]))
				e--;
			*len = (size_t)(e - line);
			return line;
		}
	}
	return NULL;
}

void pc_ini_configure(int max_line, int allow_no_value)
{
	ini_use_stack = false;
	ini_initial_alloc = max_line;
	ini_max_line = max_line;
	ini_allow_realloc = false;
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	ini_allow_no_value = allow_no_value != 0;
}
