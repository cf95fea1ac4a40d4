/* known.c - known-failures files; see known.h. */
#include "check/known.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/failure.h"
#include "util/digest.h"
#include "util/input.h"
#include "util/util.h"

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
		pc_fail(PC_ERR_INPUT, "%s:%u: no reason: write it after '#' (PATTERN [fails=KIND] [kernel<X.Y] # why)",
			file, lineno);
		goto out;
	}
	e.reason = trimmed(hash + 1, strlen(hash + 1));
	if (!*e.reason) {
		pc_fail(PC_ERR_INPUT, "%s:%u: empty reason after '#'", file, lineno);
		goto out;
	}
	size_t nwords;
	/* On blanks only: case ids of option matrices hold commas
	 * (g/ext4/mount=data=ordered,commit=60/fsync), and so does fails=. */
	char **words = pc_split_blanks(spec, &nwords);
	/* "kernel<6.2 # why" has no pattern: read as one, it would match no
	 * case id, and the entry would never apply. */
	struct pc_kcond probe;
	if ((!strncmp(words[0], "kernel", 6) && pc_kcond_parse(words[0], &probe) == 0) ||
	    !strncmp(words[0], "fails=", 6)) {
		pc_fail(PC_ERR_INPUT, "%s:%u: no case-id pattern before the %s '%s' "
			"(PATTERN [fails=KIND] [kernel<X.Y] # why)", file, lineno,
			words[0][0] == 'f' ? "failure kinds" : "kernel condition", words[0]);
		pc_strv_free(words);
		goto out;
	}
	e.pattern = xstrdup(words[0]);
	e.conds = xcalloc(nwords, sizeof(*e.conds));
	e.fails = PC_FAILURE_BIT(PC_FAILURE_LOSS);
	for (size_t i = 1; i < nwords; i++) {
		if (!strncmp(words[i], "fails=", 6)) {
			const char *why = e.fails_given ? "given twice"
					: pc_failure_parse_list(words[i] + 6, &e.fails) < 0
					? "not a list of failure kinds" : NULL;
			if (why) {
				pc_fail(PC_ERR_INPUT, "%s:%u: '%s': %s (fails=KIND[,KIND...], kinds: "
					"unmountable fsck commit overlay loss no-loss point-unmountable "
					"point-fsck point-commit point-loss kernel test-hook, or any)",
					file, lineno, words[i], why);
				pc_strv_free(words);
				goto out;
			}
			e.fails_given = 1;
			continue;
		}
		if (pc_kcond_parse(words[i], &e.conds[e.nconds]) < 0) {
			pc_fail(PC_ERR_INPUT,
				"%s:%u: '%s' is not a kernel condition (kernel<6.2, kernel>=6.1.0-50; "
				"operators < <= > >= == !=) or fails=KIND[,KIND...]", file, lineno, words[i]);
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

/* The SHA-256 of what FD holds from its start, as hex into HEX; then FD
 * is back at its start.  -1 with a message (class RUN) on a read error. */
static int hash_fd(int fd, const char *path, char hex[65])
{
	struct pc_digest d;
	if (pc_digest_init(&d, PC_SHA256) < 0)
		return -1;
	char buf[65536];
	ssize_t got;
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			pc_fail(PC_ERR_RUN, "read known-failures file %s: %s", path, strerror(errno));
			pc_digest_free(&d);
			return -1;
		}
		pc_digest_update(&d, buf, (size_t)got);
	}
	pc_digest_final_hex(&d, hex);
	pc_digest_free(&d);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return pc_fail(PC_ERR_RUN, "rewind known-failures file %s: %s", path, strerror(errno));
	return 0;
}

/* PATH made absolute against the working folder, as given otherwise (its
 * links are not resolved: a run in another root opens it by this name). */
static int absolute(const char *path, char **out)
{
	if (path[0] == '/') {
		*out = xstrdup(path);
		return 0;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return pc_fail(PC_ERR_RUN, "known-failures file %s: the working folder: %s", path,
			       strerror(errno));
	*out = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return 0;
}

int pc_known_load(const char *path, struct pc_known *k)
{
	struct pc_lines in;
	if (pc_lines_open(&in, "known-failures file", path, PC_MAX_TEXT_LINE) < 0)
		return -1;
	struct pc_known_source src = { 0 };
	if (absolute(path, &src.path) < 0 || hash_fd(in.fd, path, src.sha256) < 0) {
		free(src.path);
		pc_lines_close(&in);
		return -1;
	}
	char *line;
	size_t len;
	int rc, got;
	while ((got = pc_lines_next(&in, &line, &len)) == 1) {
		/* A UTF-8 byte order mark (editors on Windows write one) is not
		 * part of the first pattern, which would then never match; the
		 * scenario reader skips it the same way. */
		if (in.lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
			line += 3;
		if ((rc = pc_known_parse_line(k, path, (unsigned)in.lineno, line)) < 0)
			break;
	}
	rc = got < 0 ? -1 : got == 1 ? rc : 0;
	pc_lines_close(&in);
	k->files = xrealloc(k->files, (k->nfiles + 1) * sizeof(*k->files));
	k->files[k->nfiles++] = src;
	return rc;
}

int pc_known_covers(const struct pc_known_entry *e, unsigned failures)
{
	return failures && (failures & ~e->fails) == 0;
}

const struct pc_known_entry *pc_known_match(const struct pc_known *k, const char *case_id,
					    const char *kernel, unsigned failures)
{
	for (size_t i = 0; k && i < k->n; i++) {
		const struct pc_known_entry *e = &k->v[i];
		if (fnmatch(e->pattern, case_id, 0) != 0 ||
		    (failures && !pc_known_covers(e, failures)))
			continue;
		size_t c = 0;
		while (c < e->nconds && pc_kcond_holds(&e->conds[c], kernel))
			c++;
		if (c == e->nconds)
			return e;
	}
	return NULL;
}

size_t pc_known_warn_unmatched(const struct pc_known *k, const char *const *ids, size_t n,
			       const char *what)
{
	size_t warned = 0;
	for (size_t i = 0; k && i < k->n; i++) {
		const struct pc_known_entry *e = &k->v[i];
		size_t c = 0;
		while (c < n && fnmatch(e->pattern, ids[c], 0) != 0)
			c++;
		if (c < n)
			continue;
		/* pc_warn escapes the whole message (escape.h) */
		pc_warn("%s:%u: known failure '%s' matches no case of %s", e->file, e->line,
			e->pattern, what);
		warned++;
	}
	return warned;
}

void pc_known_free(struct pc_known *k)
{
	for (size_t i = 0; i < k->n; i++)
		entry_free(&k->v[i]);
	free(k->v);
	k->v = NULL;
	k->n = 0;
	for (size_t i = 0; i < k->nfiles; i++)
		free(k->files[i].path);
	free(k->files);
	k->files = NULL;
	k->nfiles = 0;
}

int pc_known_files_add(struct pc_known_files *f, const char *path)
{
	if (pc_known_files_get(f, path))
		return 0;
	struct pc_known k = { 0 };
	if (pc_known_load(path, &k) < 0) {
		pc_known_free(&k);
		return -1;
	}
	f->paths = xrealloc(f->paths, (f->n + 1) * sizeof(*f->paths));
	f->lists = xrealloc(f->lists, (f->n + 1) * sizeof(*f->lists));
	f->paths[f->n] = xstrdup(path);
	f->lists[f->n++] = k;
	return 0;
}

const struct pc_known *pc_known_files_get(const struct pc_known_files *f, const char *path)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (!strcmp(f->paths[i], path))
			return &f->lists[i];
	return NULL;
}

void pc_known_files_free(struct pc_known_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->paths[i]);
		pc_known_free(&f->lists[i]);
	}
	free(f->paths);
	free(f->lists);
	memset(f, 0, sizeof(*f));
}
