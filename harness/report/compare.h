/* compare.h - `powercut compare BASE NEW`: what changed between two
 * results folders (a nightly run against the last good one).
 *
 * Per case id: the outcome change (outcome.h) classified as
 *
 *   regression       passed in BASE (pass, unexpected pass, or flaky: it
 *                    passed in the end), fails (fail, error) in NEW; or was
 *                    known in BASE and fails in NEW with no entry covering
 *                    it; or ran in BASE (not error) and errs in NEW
 *   new failing      in NEW only, and fails or errs there (no known entry
 *                    covers it), or erred in BASE and fails in NEW:
 *                    nothing in BASE vouched for it
 *   fixed            failed (fail, error, known, flaky) in BASE, passes in NEW
 *   still failing    failed in both, or erred in both (not flaky or known
 *                    in BASE)
 *   flaky            flaky in NEW, in BASE or not (fails the comparison
 *                    unless --flaky-ok)
 *   known            fails (verdict fail, not error) in NEW and a known-failures
 *                    entry covers it (NEW's own `known` outcome, or
 *                    compare --known)
 *   unexpected pass  a known-failures entry covers it but it passed
 *   unchanged        passed in both
 *   new, removed     in one side only; a removed case did not run in NEW:
 *                    coverage lost, exit 1 unless --allow-removed (as is a
 *                    NEW without any case, or with fewer cases than its
 *                    run planned: interrupted, or merged without a shard)
 *   environment error  errs in NEW for the environment (results.json
 *                    "error_class": the host failed its device, a tool
 *                    timed out or is missing, a kernel feature, no room):
 *                    not checked, so neither a regression of the
 *                    filesystem nor a pass: exit 3 when nothing else is
 *                    worse (a regression, lost coverage: 1, the
 *                    filesystem's news first; the rows say the rest)
 *   interrupted      errs in NEW because its run was stopped by a signal:
 *                    not checked, coverage lost (exit 1), as the cases the
 *                    run never reached
 *   checked again    erred in BASE for the environment or was interrupted
 *                    there (not checked), passes in NEW: not "fixed", as
 *                    the filesystem never failed it (exit 0); one that
 *                    errs in NEW for its own reason is "new failing"
 *
 * A case erring in NEW for its own reason or its input, or whose results
 * do not record the kind (an older powercut's), is classified by outcome
 * as before (a regression when BASE ran it); the rows say the kind.
 *
 * A case on both sides whose setup differs (mkfs or mount options, backend,
 * cut, write cache, layout, workload, the scenario's other keys that shape
 * the test ("settings", key by key), what it tested, image files: what results.json says
 * the case ran on besides its id) was not checked the way BASE checked
 * it: its row says which fields changed, and it is lost coverage too, exit
 * 1 unless --allow-setup-change.  So is one whose setup one side does
 * not tell (results of an older powercut: no tested_sha256, a settings key
 * it could not record): compare says it does not know, rather than call
 * the case unchanged.
 *
 * and per case key (the id without its /rN repeat suffix) the median over
 * repeats of each phase's time and I/O counter, as NEW/BASE ratios; a key
 * whose total time ratio exceeds the threshold is a slowdown (a
 * regression only with --fail-on-slowdown).
 *
 * results.json is read by results_reader.c, strictly: a field that is
 * missing or of the wrong type, an unknown verdict or outcome, a case id
 * twice: error. */
#ifndef PC_COMPARE_H
#define PC_COMPARE_H

#include <jansson.h>
#include <stdio.h>
#include "check/known.h"
#include "report/results_reader.h"
#include "run/outcome.h"

/* The phases and I/O counters of results_reader.h (pc_res_phases, pc_res_io). */
enum { PC_CMP_NPHASES = PC_RES_NPHASES, PC_CMP_NIO = PC_RES_NIO };

struct pc_cmp_case {
	char *id;
	char *key;             /* id without "/rN" */
	enum pc_outcome outcome;
	unsigned failures;     /* results_reader.h's pc_res_case.failures */
	enum pc_error_kind error_kind; /* ... and error_kind, error_exit */
	int error_exit;
	char *reason;
	char *flaky_rate;      /* "2/3" or NULL */
	char *expect;          /* "intact", "loss", "any" or NULL (absent) */
	long long lost;        /* -1: not measured (commit record lost, error) */
	long long point_lost;  /* the most a crash point with the record lost */
	double t[PC_CMP_NPHASES];   /* < 0: absent */
	double io[PC_CMP_NIO];
	char *setup[PC_RES_NSETUP]; /* results_reader.h's pc_res_setup; NULL: absent */
	int legacy;            /* results_reader.h's pc_res_case.legacy */
	char *settings_unknown; /* ... and settings_unknown */
	char *mounted;         /* the options the kernel applied ("VFS; FS"); NULL: absent */
	long perf;             /* its key's entry in the report's perf, -1: none */
};

struct pc_cmp_side {
	char *path;            /* the results.json read */
	char *kernel;
	char *scenario;        /* the scenario file's name (not its path); NULL: absent */
	char *version;         /* the powercut that ran it; NULL: absent (older) */
	/* When the run started and ended (results_reader.h's); NULL: absent
	 * (older, or the end of a killed run). */
	char *started, *finished;
	/* The run's options that change verdicts (results_reader.h's
	 * pc_results.options and options_shown); NULL: absent (older). */
	char *options, *options_shown;
	long long planned;     /* cases the run was to check; -1: not recorded */
	long long shard_k, shard_n; /* run --shard K/N; N > 1: one shard, not merged */
	char content_sha256[2 * PC_SHA256_LEN + 1]; /* results_reader.h's: one run's */
	char **ignored;        /* results_reader.h's: fields no powercut this build */
	size_t nignored;       /* knows of wrote (a newer one's), ignored */
	struct pc_cmp_case *v;
	size_t n;
};

enum pc_cmp_class {
	PC_CMP_REGRESSION, PC_CMP_NEW_FAILING, PC_CMP_FIXED, PC_CMP_STILL_FAILING, PC_CMP_FLAKY, PC_CMP_KNOWN,
	PC_CMP_XPASS, PC_CMP_UNCHANGED, PC_CMP_NEW, PC_CMP_REMOVED, PC_CMP_ENV_ERROR,
	PC_CMP_INTERRUPTED, PC_CMP_CHECKED_AGAIN, PC_CMP_NCLASSES
};

struct pc_cmp_row {
	const struct pc_cmp_case *base, *new;   /* NULL when absent */
	enum pc_cmp_class cls;
	const struct pc_known_entry *known;     /* compare --known's entry */
	unsigned setup_changed;                 /* bit K: pc_res_setup[K] differs */
	/* bit K: whether pc_res_setup[K] differs is not known, one side (an
	 * older powercut's results) not telling it: tested_sha256, or a key
	 * of settings the other side gives */
	unsigned setup_unknown;
	int hidden_loss;        /* NEW passed only by a looser expect than BASE's intact */
	int mounted_changed;    /* the kernel applied other mount options than in BASE */
};

struct pc_cmp_perf {
	const char *key;
	size_t nbase, nnew;                     /* repeats on each side */
	double time_ratio[PC_CMP_NPHASES];      /* < 0: not comparable */
	double io_ratio[PC_CMP_NIO];
	double base_total, new_total;           /* medians, seconds */
	int slowdown;
};

struct pc_cmp_opts {
	double threshold;      /* slowdown: total NEW/BASE above this */
	int fail_on_slowdown;
	int flaky_ok;
	int allow_removed;     /* removed cases do not make the exit status 1 */
	int allow_setup_change; /* nor do cases whose setup changed */
	int allow_same_run;    /* nor does NEW holding BASE's very results */
	const struct pc_known *known;
};

struct pc_cmp_report {
	struct pc_cmp_side base, new;
	struct pc_cmp_row *rows;
	size_t nrows;
	struct pc_cmp_perf *perf;
	size_t nperf;
	size_t counts[PC_CMP_NCLASSES];
	size_t slowdowns;
	size_t setup_changed;  /* rows whose setup differs between the sides */
	size_t setup_unknown;  /* rows (setup not changed) where one side does not tell */
	size_t mounted_changed; /* rows mounted with other options (a note) */
	const struct pc_cmp_opts *o;
};

/* Read DIR/results.json (or DIR itself when it is a file) strictly.
 * -1 (class INPUT) with "PATH: cases[3].verdict: ..." on anything not
 * understood. */
int pc_cmp_load(const char *dir, struct pc_cmp_side *s);
void pc_cmp_side_free(struct pc_cmp_side *s);

/* The class of one case from its outcomes; BASE or NEW may be -1 (absent).
 * KNOWN: a known-failures entry of compare covers it. */
enum pc_cmp_class pc_cmp_classify(int base, int new, int known);
/* As pc_cmp_classify, the error kinds (outcome.h) counted: a NEW that
 * errs for the environment or was interrupted has a class of its own
 * (not a regression, not a pass); a BASE that did (not checked) and a NEW
 * that passes is "checked again", not "fixed", and a NEW erring for
 * another reason is "new failing", not "still failing".  Any other kind,
 * or one not recorded, changes nothing. */
enum pc_cmp_class pc_cmp_classify_kind(int base, int new, int known, enum pc_error_kind base_kind,
				       enum pc_error_kind new_kind);
const char *pc_cmp_class_name(enum pc_cmp_class c);

/* What a side of a comparison (a case of compare, a cell of report's
 * history) says of its setup: results_reader.h's setup, legacy and
 * settings_unknown, and whether it erred (it checked nothing). */
struct pc_cmp_setup_side {
	char *const *setup;
	int legacy;
	const char *settings_unknown;
	int erred;
};
/* The setup fields (bit K: pc_res_setup[K]) whose change sides B and N
 * cannot tell, one of them (an older powercut's results) not recording
 * them: tested_sha256 (unless a side erred), a settings key. */
unsigned pc_cmp_setup_unknown(const struct pc_cmp_setup_side *b, const struct pc_cmp_setup_side *n);
/* "not recorded in BNAME (an older powercut's results): tested_sha256"
 * for those BITS (malloc'd; settings keys markdown-escaped). */
char *pc_cmp_setup_unknown_text(const struct pc_cmp_setup_side *b,
				const struct pc_cmp_setup_side *n, unsigned bits,
				const char *bname, const char *nname);

/* The setup fields (bit K: pc_res_setup[K]) that setups A and B (arrays
 * of PC_RES_NSETUP, NULL: not recorded) both give and that differ; of
 * "settings", a key both give with another value.  A field only one side
 * has (written before it existed) is no change. */
unsigned pc_cmp_setup_diff(char *const *a, char *const *b);
/* "mount_opts '' -> 'nobarrier', crash_points '10' -> '0'": the BITS
 * fields (pc_cmp_setup_diff's) from A to B, every value through ESC
 * (pc_esc_md for markdown); NULL when BITS is 0. */
char *pc_cmp_setup_change(char *const *a, char *const *b, unsigned bits, char *(*esc)(const char *));

/* Compare loaded sides (R owns them afterwards). */
void pc_cmp_run(struct pc_cmp_report *r, const struct pc_cmp_opts *o);
void pc_cmp_report_free(struct pc_cmp_report *r);
/* Did NEW lose coverage: a case of it interrupted (not checked; one
 * erring for the environment is counted apart, exit 3), a case of BASE
 * missing (unless allow_removed), a
 * case run on another setup than in BASE (unless allow_setup_change), fewer
 * cases than NEW planned (interrupted, a shard not merged), NEW one shard
 * K/N (N > 1) of its run, not merged (whatever allow_removed: the other
 * shards' cases were not dropped), no case at all, or NEW the same run as
 * BASE (unless allow_same_run)? */
int pc_cmp_coverage_lost(const struct pc_cmp_report *r);
/* Do BASE and NEW hold the same results (one run given twice, or a copy
 * of it: results.json's content is identical)?  Nothing was checked that
 * BASE had not: a nightly comparing a run with itself is no pass (coverage
 * lost, unless allow_same_run: seeding the first last good run). */
int pc_cmp_same_run(const struct pc_cmp_report *r);
/* Did the sides run different kernels (uname -r, compared whole: 6.1.0-57
 * and 6.1.0-57-rt differ)?  Said above the table, not a change of the
 * exit status: comparing kernels is what a qualification does. */
int pc_cmp_kernel_differs(const struct pc_cmp_report *r);
/* Did BASE start after NEW (both record when they started)?  The sides
 * given the wrong way round would read a regression as fixed: said above
 * the table, the exit status unchanged.  -1: not known. */
int pc_cmp_base_after_new(const struct pc_cmp_report *r);
/* Did the sides run scenario files of different names (both recorded)?
 * Said above the table and in the JSON; each case is still compared by id
 * (its setup fields tell a changed case). */
int pc_cmp_scenario_differs(const struct pc_cmp_report *r);
/* Did different powercut versions write the sides (a side that does not
 * say is older than the field, so it differs from one that does)?  1
 * yes, 0 no, -1 not known: neither side says (two builds older than the
 * field are not known to be one). */
int pc_cmp_version_differs(const struct pc_cmp_report *r);
/* Did the sides run with different options that change verdicts (--known
 * files by content, --retries, --flaky-ok, --tool-timeout, the scenario's
 * known files)?  1 yes, 0 no, -1 not known (a side older than the field). */
int pc_cmp_options_differ(const struct pc_cmp_report *r);
/* 0 nothing got worse, 1 regressions, coverage lost (or flaky, or slowdowns
 * when asked), else 3 when a case of NEW erred for the environment (not
 * checked: not a pass, and not the filesystem's regression). */
int pc_cmp_exit(const struct pc_cmp_report *r);
void pc_cmp_markdown(const struct pc_cmp_report *r, FILE *f);
json_t *pc_cmp_json(const struct pc_cmp_report *r);

#endif
