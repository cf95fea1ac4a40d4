/* results_reader.h - the one reader of a results folder's results.json,
 * for every command that reads results back (compare, report).
 *
 * Read strictly (jansson): every field a reader below promises is checked,
 * and a field that is missing or of the wrong type, an unknown verdict or
 * outcome, or a case id twice is an error (class INPUT) naming the file and
 * the field ("FILE: cases[I].FIELD: why").  Fields only some consumers need
 * (fs, mode, case_dir, ...) are read when present; a consumer that needs
 * one says so with pc_results_bad. */
#ifndef PC_RESULTS_READER_H
#define PC_RESULTS_READER_H

#include <jansson.h>
#include <stddef.h>

#include "run/outcome.h"
#include "util/digest.h"

enum { PC_RES_NPHASES = 9, PC_RES_NIO = 5, PC_RES_NSETUP = 10 };

/* results.json's "format": what report.c writes and this reader reads.
 * Raise it when a field changes meaning or is removed, or when a field is
 * added that changes what a verdict, an outcome or a setup means (an older
 * reader, which ignores fields it does not know, would misread the file);
 * a purely informative field does not need it.  A file of a newer format
 * is refused, not misread.  Files without it were written before it
 * existed and read as format 1. */
#define PC_RESULTS_FORMAT 1
/* timings_s's phases, "mkfs" ... "crash_points", "total" (the last). */
extern const char *const pc_res_phases[PC_RES_NPHASES];
/* io's counters: "wios", "wbytes", "rios", "rbytes", "flushes". */
extern const char *const pc_res_io[PC_RES_NIO];
/* What a case ran on, besides its id: "mkfs_opts", "mount_opts", "backend",
 * "cut", "write_cache", "layout", "workload", "settings" (the scenario's
 * other keys that shape the test, "crash_points=0 ... log_size=auto":
 * scenario.h's pc_case_settings; for a file older than it, from its
 * "device_size" and "crash_points" fields), "tested_sha256" (what the
 * case tested: its commit record's digest, 64 lowercase hex digits; a tag
 * that moved or another platform changes it), "images" (the layers' file
 * names, space-separated: each machine has its own paths).  Not "expect":
 * how a case is judged is not what it ran on. */
extern const char *const pc_res_setup[PC_RES_NSETUP];
#define PC_RES_TOTAL (PC_RES_NPHASES - 1)

struct pc_res_case {
	char *id;                 /* not empty */
	char *fs, *mode;          /* NULL when absent */
	enum pc_outcome verdict;  /* pass, fail or error */
	enum pc_outcome outcome;  /* the verdict when absent (older results) */
	/* "failures": the kinds of failure of a case whose verdict is fail
	 * (failure.h's bits); PC_FAILURE_UNKNOWN's bit when the file does not
	 * list them (written before they were); 0 for a pass or an error. */
	unsigned failures;
	char *reason, *flaky_rate, *case_dir;   /* NULL when absent */
	/* verdict error: "error_class" (outcome.h), PC_EK_UNKNOWN when the
	 * file does not record it (an older powercut's) or the case did not
	 * err; "error_exit", the exit status the kind maps to, 0 then.  A
	 * class this build does not know (a newer powercut's) is read by its
	 * exit status, the documented contract. */
	enum pc_error_kind error_kind;
	int error_exit;
	char *expect;             /* "intact", "loss" or "any"; NULL when absent */
	long long lost;           /* -1: not measured (commit record lost, error) */
	long long point_lost;     /* the most entries a crash point with the commit
				   * record lost; 0 when none did or no points */
	/* The files its crash points left in the case folder (the points'
	 * "findings", "fsck_log" and "subset_fsck_log":
	 * crash-point-K-findings.txt, crash-point-K[-subset-S]-fsck.log), in
	 * the file's order. */
	char **point_files;
	size_t npoint_files;
	double t[PC_RES_NPHASES]; /* seconds, < 0: absent; total is always there */
	double io[PC_RES_NIO];    /* < 0: absent */
	char *setup[PC_RES_NSETUP];   /* NULL when absent */
	/* Written before "settings" existed (2026-12-01 21:08): its settings
	 * were read from the fields such files have, and its tested_sha256,
	 * absent, is not known (the field came at 18:11 that day). */
	int legacy;
	/* The settings keys such a file does not tell ("log_size" of a case
	 * that ran crash points on dm, "device_size" without the field),
	 * space-separated; NULL when none. */
	char *settings_unknown;
	char *mounted;            /* "VFS; FS": the options the kernel applied; NULL absent */
	long long repeats;        /* 0 when absent */
	long long repeat;         /* with has_repeat */
	int has_repeat;
};

struct pc_results {
	char *path;               /* the results.json read */
	char *kernel;
	char *scenario;           /* NULL when absent */
	char *version;            /* "powercut": the version that ran; NULL when absent */
	/* "started", "finished": when the run started and ended, ISO 8601 UTC
	 * "YYYY-MM-DDTHH:MM:SSZ" (strcmp orders them); NULL when absent
	 * (written before they were, or finished of a killed run). */
	char *started, *finished;
	long long planned;        /* the cases the run was to check; -1: absent */
	/* "shard" {k, n}: run --shard K/N (1/1 unsharded); 0/0 when absent
	 * (older, or merged by scripts/merge-results.sh, which writes none). */
	long long shard_k, shard_n;
	/* "options", the run's options that change verdicts: OPTIONS compares
	 * them ("known=SHA256,... scenario_known=... retries=N|- flaky_ok=0|1
	 * tool_timeout=S|-": the known files by content, '-' the scenario's
	 * own), OPTIONS_SHOWN says them ("--known k.txt (sha256 0123456789ab)
	 * --retries 2 ..." or "none").  Both NULL when absent: written before
	 * results recorded them, the options are not known. */
	char *options, *options_shown;
	/* The SHA-256 (hex) of the file's JSON content in one canonical form
	 * (keys sorted, numbers by value): one run's results, or a copy of them
	 * however re-indented (jq), have the same; two runs never do (their
	 * timings differ).  compare
	 * tells a run compared with itself by it.  Empty until read. */
	char content_sha256[2 * PC_SHA256_LEN + 1];
	/* The fields no powercut this build knows of wrote ("name" at the
	 * top, "cases[].name" in a case, "cases[].io.name" inside), object
	 * by object in the reader's order (results_reader.c's known_objects),
	 * each object's in the file's order, each once, as the file has them
	 * (escape them to show them).  A newer powercut's:
	 * read as informative and ignored (a field that changes a verdict's
	 * meaning raises "format"), and said by compare and report, not
	 * silently. */
	char **ignored;
	size_t nignored;
	struct pc_res_case *v;    /* in the file's order */
	size_t n;
};

/* Read PATH: a results folder (PATH/results.json) or a results.json file.
 * -1 with the error reported (class INPUT); R is then empty (free it all
 * the same). */
int pc_results_load(const char *path, struct pc_results *r);
void pc_results_free(struct pc_results *r);

/* OPTS, a results.json's "options" (report.c writes it), as OPTIONS_SHOWN
 * says them ("--known k.txt (sha256 0123456789ab) --retries 2", "none"):
 * for summary.md, in the words the report and compare use.  New string,
 * or NULL with the error reported (naming FILE) when not understood. */
char *pc_results_options_shown(const char *file, json_t *opts);

/* IGNORED[0..N) (pc_results.ignored) said "a, cases[].b", each name
 * through ESC (pc_esc_md, pc_esc_text, ...).  New string; NULL when N is 0. */
char *pc_results_ignored_text(char *const *ignored, size_t n, char *(*esc)(const char *));

/* Report case I's FIELD of R as not understood (WHY), the reader's way;
 * I == (size_t)-1 for a top-level field.  Returns -1. */
int pc_results_bad(const struct pc_results *r, size_t i, const char *field, const char *why);

#endif
