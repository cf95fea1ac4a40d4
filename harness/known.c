/* known.c - known-failures files; see known.h. */
#include "known.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void entry_free(struct pc_known_entry *e)
{
	free(e->pattern);
	free(e->conds);
	free(e->reason);
	free(e->file);
}

static char *trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	char *out = xmalloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

int pc_known_parse_line(struct pc_known *k, const char *file, unsigned lineno, const char *line)
{
	const char *hash = strchr(line, '#');
	char *spec = trimmed(line, hash ? (size_t)(hash - line) : strlen(line));
	if (!*spec) { /* blank, or a comment */
		free(spec);
		return 0;
	}
	struct pc_known_entry e = { .line = lineno };
	int rc = -1;
	if (!hash) {
		pc_fail(PC_ERR_INPUT, "%s:%u: no reason: write it after '#' (PATTERN [kernel<X.Y] # why)",
			file, lineno);
		goto out;
	}
	e.reason = trimmed(hash + 1, strlen(hash + 1));
	if (!*e.reason) {
		pc_fail(PC_ERR_INPUT, "%s:%u: empty reason after '#'", file, lineno);
		goto out;
	}
	size_t nwords;
	char **words = pc_split_words(spec, &nwords);
	e.pattern = xstrdup(words[0]);
	e.conds = xcalloc(nwords, sizeof(*e.conds));
	for (size_t i = 1; i < nwords; i++) {
		if (pc_kcond_parse(words[i], &e.conds[e.nconds]) < 0) {
			pc_fail(PC_ERR_INPUT,
				"%s:%u: '%s' is not a kernel condition (kernel<6.2, kernel>=6.1.0-50; "
				"operators < <= > >= == !=)", file, lineno, words[i]);
			pc_strv_free(words);
			goto out;
		}
		e.nconds++;
	}
	pc_strv_free(words);
	e.file = xstrdup(file);
	k->v = xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	k->v[k->n++] = e;
	memset(&e, 0, sizeof(e));
	rc = 0;
out:
	entry_free(&e);
	free(spec);
	return rc;
}

int pc_known_load(const char *path, struct pc_known *k)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_INPUT, errno, "known-failures file %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_INPUT, err, "stat %s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return pc_fail(PC_ERR_INPUT, "known-failures file %s: not a regular file", path);
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int err = errno;
		close(fd);
		return pc_fail_errno(PC_ERR_INPUT, err, "fdopen %s", path);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int rc = 0;
	errno = 0;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > PC_KNOWN_MAX_LINE)
			rc = pc_fail(PC_ERR_INPUT, "%s:%u: line longer than %d bytes", path, lineno,
				     PC_KNOWN_MAX_LINE);
		else if (memchr(line, '\0', (size_t)len))
			rc = pc_fail(PC_ERR_INPUT, "%s:%u: NUL byte in the line", path, lineno);
		else
			rc = pc_known_parse_line(k, path, lineno, line);
		errno = 0;
	}
	if (rc == 0 && ferror(f))
		rc = pc_fail_errno(PC_ERR_INPUT, errno ? errno : EIO, "read %s", path);
	free(line);
	fclose(f);
	return rc;
}

const struct pc_known_entry *pc_known_match(const struct pc_known *k, const char *case_id,
					    const char *kernel)
{
	for (size_t i = 0; k && i < k->n; i++) {
		const struct pc_known_entry *e = &k->v[i];
		if (fnmatch(e->pattern, case_id, 0) != 0)
			continue;
		size_t c = 0;
		while (c < e->nconds && pc_kcond_holds(&e->conds[c], kernel))
			c++;
		if (c == e->nconds)
			return e;
	}
	return NULL;
}

void pc_known_free(struct pc_known *k)
{
	for (size_t i = 0; i < k->n; i++)
		entry_free(&k->v[i]);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}
