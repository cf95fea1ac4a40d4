/* verify.h - compare a tree on disk with a manifest, classifying each
 * difference.  Never follows a symlink out of the tree: every lookup goes
 * through openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS). */
#ifndef PC_VERIFY_H
#define PC_VERIFY_H

#include <stddef.h>
#include "image/manifest.h"

enum pc_finding_kind {
	PC_F_MISSING,
	PC_F_SIZE,
	PC_F_CONTENT,
	PC_F_TYPE,
	PC_F_MODE,
	PC_F_OWNER,
	PC_F_XATTR,
	PC_F_LINK,
	PC_F_RDEV,
	PC_F_HARDLINK,
	PC_F_EXTRA,
	PC_F_FIO_VERIFY, /* workload = fio: a block fio's verifier rejected */
	PC_F_NKINDS
};

struct pc_finding {
	enum pc_finding_kind kind;
	char *path;    /* escaped as in the manifest format */
	char *detail;  /* e.g. "size 0, expected 4096" */
};

struct pc_verify_result {
	size_t counts[PC_F_NKINDS];
	size_t lost;       /* manifest entries with at least one finding */
	size_t checked;    /* manifest entries checked */
	struct pc_finding *findings;
	size_t nfindings;
};

/* Names used in results.json and by `powercut verify`: "missing", "size",
 * "content", "type", "mode", "owner", "xattr", "link", "rdev", "hardlink",
 * "extra", "fio-verify". */
const char *pc_finding_name(enum pc_finding_kind k);
/* "size 4106, missing 2": the kinds that occur in COUNTS, in kind order
 * (the summary line of `verify` and summary.md). */
void pc_finding_counts_text(const size_t counts[PC_F_NKINDS], char *out, size_t len);

/* Threads that check entries (open, stat, hash) at once: verify waits on
 * the device, one read at a time per thread.  Findings come out in the same
 * order whatever the number.  1: no threads. */
#define PC_VERIFY_WORKERS 16
extern unsigned pc_verify_workers;

/* Check every entry of M under ROOT, and report entries under ROOT that are
 * not in M as extra.  Differences are findings, not errors: returns 0 when
 * the check ran (whatever it found), -1 if ROOT cannot be opened or the
 * run was interrupted (pc_interrupted). */
int pc_verify_tree(struct pc_manifest *m, const char *root,
		   struct pc_verify_result *out);
/* The same for an overlay mount's view: its link counts also count names it
 * does not show (a lower file keeps the links a whiteout hid), so they are
 * not compared (which entries share an inode still is); and a whiteout
 * device it lists but does not resolve (in a folder only one layer holds)
 * is not an extra entry. */
int pc_verify_view(struct pc_manifest *m, const char *root,
		   struct pc_verify_result *out);
/* pc_verify_tree after a cut, where ROOT itself may be lost: gone (a device
 * that lost all it was sent since its mkfs), no longer a folder, or not
 * openable (EIO, EUCLEAN, ...).  That is every entry of M missing, saying
 * why (a loss, as any other), not an error of the run; a reason of the
 * machine's (ENOMEM, EMFILE, ENFILE) stays one. */
int pc_verify_tree_after_cut(struct pc_manifest *m, const char *root,
			     struct pc_verify_result *out);
void pc_verify_result_free(struct pc_verify_result *r);

/* Write R's findings to PATH, one `KIND PATH: DETAIL` line each (text
 * escaped, util/escape.h): findings.txt and a crash point's.  0 or -1. */
int pc_findings_save(const struct pc_verify_result *r, const char *path);

#endif
