/* known.h - known-failures files (`run --known FILE`, scenario key
 * `known = FILE`, `compare --known FILE`), like xfstests' exclude files.
 *
 * One entry per line:
 *
 *     PATTERN [fails=KIND,...] [kernel<6.2] [kernel>=6.1.0-50] # reason, mandatory
 *
 * PATTERN is an fnmatch(3) pattern on case ids (no white space in it: '?'
 * matches a space); every kernel condition given must hold (kver.h);
 * fails= names the kinds of failure the entry expects (failure.h: loss,
 * fsck, unmountable, ..., or any), at most once; an entry without it, as
 * every file written before it existed, expects a loss only (fails=loss):
 * a case of its pattern that fails another way (fsck errors, a filesystem
 * that does not mount, a kernel warning) is not covered.  The reason
 * after '#' must not be empty.  Blank lines and lines that start
 * with '#' are comments.  Any other line is an error naming FILE:LINE;
 * the file is read with input.h's limits (regular file, PC_MAX_TEXT_LINE). */
#ifndef PC_KNOWN_H
#define PC_KNOWN_H

#include <stddef.h>
#include "check/kver.h"

struct pc_known_entry {
	char *pattern;
	struct pc_kcond *conds;
	size_t nconds;
	unsigned fails;  /* the kinds of failure it covers (failure.h's bits) */
	int fails_given; /* fails= was written (else fails is loss) */
	char *reason;
	char *file;      /* where it was read, for messages */
	unsigned line;
};

/* A file read into a list: where, and what it held (a run's results
 * record them, so that runs judged by different entries are told apart). */
struct pc_known_source {
	char *path;    /* absolute, as given (links not resolved) */
	char sha256[65]; /* of its bytes as read, lowercase hex */
};

struct pc_known {
	struct pc_known_entry *v;
	size_t n;
	struct pc_known_source *files; /* the files read into it, in order */
	size_t nfiles;
};

/* Read PATH and append its entries to K, and PATH (absolute) with the
 * SHA-256 of its bytes to K's files.  -1 with "PATH:LINE: why" (class
 * INPUT) on the first bad line, or when PATH is not a readable regular
 * file; K then holds what came before. */
int pc_known_load(const char *path, struct pc_known *k);
/* One line (without its newline) of FILE; 0 also for a comment. */
int pc_known_parse_line(struct pc_known *k, const char *file, unsigned lineno, const char *line);
/* The first entry whose pattern matches CASE_ID, whose conditions hold
 * for the kernel release KERNEL and, when FAILURES is not 0, that covers
 * every kind of failure in FAILURES (failure.h's bits: what the case
 * showed); NULL if none.  FAILURES 0 asks for any entry of the case (a
 * pass: an unexpected one; an error, which no entry covers). */
const struct pc_known_entry *pc_known_match(const struct pc_known *k, const char *case_id,
					    const char *kernel, unsigned failures);
/* Does entry E cover a failure of the kinds FAILURES (not 0)? */
int pc_known_covers(const struct pc_known_entry *e, unsigned failures);
/* Warn ("FILE:LINE: 'PATTERN' matches no case ...", on stderr) about each
 * entry of K whose pattern matches none of the case ids IDS[0..n), kernel
 * conditions aside: a typo, or a case the scenario no longer has, would
 * otherwise go unnoticed forever (an entry that matches a passing case is
 * already reported as 'unexpected pass').  WHAT names the set of ids.
 * How many entries were warned about. */
size_t pc_known_warn_unmatched(const struct pc_known *k, const char *const *ids, size_t n,
			       const char *what);
void pc_known_free(struct pc_known *k);

/* Known-failures files by path, each read once (the scenario's `known`
 * keys name them per group). */
struct pc_known_files {
	char **paths;
	struct pc_known *lists;
	size_t n;
};

/* Read PATH unless already read: 0, or -1 as pc_known_load. */
int pc_known_files_add(struct pc_known_files *f, const char *path);
/* The entries read from PATH, or NULL. */
const struct pc_known *pc_known_files_get(const struct pc_known_files *f, const char *path);
void pc_known_files_free(struct pc_known_files *f);

#endif
