/* report_html.h - `powercut report DIR... -o report.html`: one
 * self-contained HTML page for one or more results folders (nights,
 * kernels, shards).
 *
 * Per folder: a summary (kernel, scenario, the run's options that change
 * verdicts, counts), the seed's table per filesystem (time, WIOS,
 * WBytes, RIOS, RBytes, flushes, lost per case) with links to each case's
 * findings.txt, fsck.log and kernel.log (relative to the report), and plots
 * of time, written bytes and lost entries per case.  A case's crash points'
 * files (crash-point-K-findings.txt, crash-point-K[-subset-S]-fsck.log, as
 * its results.json names them) are linked after them.  Across several folders
 * (in the order given): the trend of each case's time (a plot) and outcome
 * (a table), where each folder's kernel, scenario, powercut version and
 * options stand above its column, marked where they changed from the
 * folder before, and a case's cell is marked where its setup changed from
 * its previous cell (compare.h's setup fields): a jump in a loss count is
 * not read as the kernel's when the test changed.  Plots are drawn by gnuplot (SVG on its standard output) and
 * embedded inline: the page needs no network and no other file.
 *
 * results.json is read by results_reader.c, strictly: a field that is
 * missing or of the wrong type is an error naming the file and the field;
 * the report needs fs and mode too.
 * Everything that comes from it is escaped (escape.h) before it reaches the
 * page; what reaches gnuplot is reduced to a safe alphabet first. */
#ifndef PC_REPORT_HTML_H
#define PC_REPORT_HTML_H

#include <stddef.h>

#include "report/results_reader.h"

/* io's counters, as results_reader.h reads them (pc_res_io). */
enum { PC_RH_NIO = PC_RES_NIO };

struct pc_rh_case {
	char *id, *fs, *mode, *verdict, *outcome, *reason;
	char *backend;         /* what it ran on: dm, fuse ("" when absent) */
	char *casedir;         /* case_dir below cases/: its basename, or CASE/try-K
	                        * for a retried case ("" when absent) */
	char **point_files;    /* its crash points' files in the case folder */
	size_t npoint_files;
	long long lost;        /* -1: not measured */
	/* outcome error: what kind (results_reader.h's error_kind;
	 * PC_EK_UNKNOWN: not recorded, an older powercut's results) */
	enum pc_error_kind error_kind;
	double total;          /* seconds */
	double io[PC_RH_NIO];  /* < 0: absent */
	/* What it ran on (results_reader.h's pc_res_setup; NULL: not
	 * recorded): the history marks a cell whose setup is not its
	 * previous cell's, as compare does. */
	char *setup[PC_RES_NSETUP];
	/* results_reader.h's legacy and settings_unknown: what its results
	 * (an older powercut's) do not record; the history says a cell's
	 * setup is unknown beside its previous cell's, as compare does. */
	int legacy;
	char *settings_unknown;
};

struct pc_rh_folder {
	char *path;            /* as given (or DIR/KERNEL for a qualify folder) */
	char *kernel, *scenario;
	char *version;         /* the powercut that wrote it; NULL: not recorded */
	/* When its run started and ended (results_reader.h's); NULL: not
	 * recorded (an older powercut's, or finished of a killed run). */
	char *started, *finished;
	/* The fields of its results.json this powercut does not know (a newer
	 * one's), "started, cases[].x" unescaped; NULL: none.  Ignored, and
	 * said on the page (and by report --check on standard error). */
	char *ignored;
	long long planned;     /* the cases its run planned; -1: not recorded */
	long long shard_k, shard_n; /* run --shard K/N; N > 1: one shard, not merged */
	char content_sha256[2 * PC_SHA256_LEN + 1]; /* results_reader.h's: one run's */
	/* Its run's options that change verdicts (results_reader.h): OPTIONS
	 * to compare them, OPTIONS_SHOWN to say them; both NULL when its
	 * results do not record them. */
	char *options, *options_shown;
	struct pc_rh_case *v;  /* in the file's order */
	size_t n;
};

struct pc_rh_set {
	struct pc_rh_folder *f;
	size_t n;
	char **missing;        /* folders of a folder of results folders that hold
	                        * no results.json (a kernel that did not boot) */
	size_t nmissing;
	/* Folders given (or of a folder given) whose results could not be
	 * read: no results.json, not JSON, refused by the reader.  Their
	 * verdicts are not on the page, which names them at its top, with
	 * WHY (the message also printed); pc_rh_add returned -1 for them. */
	struct pc_rh_unread {
		char *path, *why;
	} *unread;
	size_t nunread;
	/* Folders of a folder of folders whose results do not record when
	 * they ran (an older powercut's): ordered by their names, before the
	 * others, which are in order of start.  The page says so. */
	size_t by_name;
	/* Per-folder plots are drawn for the last PLOT_LAST folders only
	 * (0: every folder's); the page says which were left out. */
	size_t plot_last;
};

/* Load PATH: a results folder, or a folder of results folders (what
 * scripts/qualify writes: one per kernel, and a folder of nights: in order
 * of their runs' start, recorded in their results.json, those that do not
 * record it first, in name order; a symlink in it to a folder also in it,
 * or to one already read, is no other night (a nightly's "latest"): it
 * is skipped; those of its folders without a results.json go to s->missing,
 * and the page names them as not checked).  -1 (class INPUT) on anything
 * not understood: PATH, or a folder of it, then goes to s->unread and the
 * others are still read (a night not read is named, never left out
 * silently, and one bad night of a year does not hide the other 364). */
int pc_rh_add(struct pc_rh_set *s, const char *path);
void pc_rh_free(struct pc_rh_set *s);

/* Reduce S to what may go into a gnuplot string: [A-Za-z0-9._=,:/+-],
 * other bytes as '?', at most 60 bytes: a longer S keeps its first 24 and
 * last 33 bytes around "...", as ids differ most at their end (mode,
 * repeat, an option's hash).  New string. */
char *pc_rh_plot_label(const char *s);

/* The labels of IDS[0..N) for one plot, each pc_rh_plot_label's, one that
 * equals an earlier one followed by "#K" (K: its 1-based place), so no two
 * cases share a label.  A new array of new strings (pc_rh_labels_free). */
char **pc_rh_plot_labels(char *const *ids, size_t n);
void pc_rh_labels_free(char **labels, size_t n);

/* Which of VALUES[0..N) a plot shows when it can show at most MAX: all
 * when N <= MAX, else the MAX highest (a tie goes to the earlier; a value
 * < 0, not measured, is lowest), always in their order in VALUES.  Their
 * indexes go to KEEP (room for MIN(N, MAX)); returns how many. */
size_t pc_rh_plot_pick(const double *values, size_t n, size_t max, size_t *keep);

/* The relative path from folder FROM to folder TO (both absolute and
 * canonical).  New string, "." when equal. */
char *pc_rh_relpath(const char *from, const char *to);

/* Refuse OUT when writing the page there would replace what a folder of S
 * holds: its results.json, junit.xml or summary.md (by path, through
 * symlinks, or the same inode), anything below its cases/, or the folder
 * itself.  0, or -1 (class INPUT) with the error reported. */
int pc_rh_check_output(const struct pc_rh_set *s, const char *out);

/* Write the page to OUT.  -1 with the error reported (class ENV when
 * gnuplot is missing or fails, else RUN). */
int pc_rh_write(const struct pc_rh_set *s, const char *out);

#endif
