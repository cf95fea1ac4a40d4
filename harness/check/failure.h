/* failure.h - the kinds of failure a case can show (README.md, Known
 * failures; results.json "failures").
 *
 * A failing case may show several at once (fsck errors and a loss); its
 * verdict's reason names the first by verdict.h's order, and the set names
 * them all.  A known-failures entry names the kinds it expects
 * (`fails=loss,fsck`, known.h) and covers a failure only when every kind
 * the case showed is one of them: an entry written for a loss does not
 * cover a new fsck corruption, a filesystem that no longer mounts or a
 * kernel warning in the same case. */
#ifndef PC_FAILURE_H
#define PC_FAILURE_H

#include <stddef.h>

enum pc_failure_kind {
	PC_FAILURE_UNMOUNTABLE,      /* the filesystem does not mount after the cut */
	PC_FAILURE_FSCK,             /* fsck found errors after the cut */
	PC_FAILURE_COMMIT,           /* an fsync'd commit record did not survive */
	PC_FAILURE_OVERLAY,          /* snapshots: the merged view was not verified */
	PC_FAILURE_LOSS,             /* expect intact: entries or fio blocks not intact */
	PC_FAILURE_NO_LOSS,          /* expect loss: nothing was lost */
	PC_FAILURE_POINT_UNMOUNTABLE, /* a crash point (or subset) does not mount */
	PC_FAILURE_POINT_FSCK,       /* fsck found errors at a crash point */
	PC_FAILURE_POINT_COMMIT,     /* a crash point lacks a commit record it must hold */
	PC_FAILURE_POINT_LOSS,       /* a crash point lost what was promised */
	PC_FAILURE_KERNEL,           /* a kernel-log line that fails the case */
	PC_FAILURE_TEST_HOOK,        /* POWERCUT_TEST_FAIL_ATTEMPTS (tests only) */
	/* Not a kind a case shows: results.json written before "failures"
	 * existed does not say which kinds its failure had.  Only fails=any
	 * covers it. */
	PC_FAILURE_UNKNOWN,
	PC_FAILURE_NKINDS
};

#define PC_FAILURE_BIT(k) (1u << (k))
/* fails=any: every kind, the unknown one too. */
#define PC_FAILURE_ANY ((1u << PC_FAILURE_NKINDS) - 1)

/* "unmountable", "fsck", "commit", "overlay", "loss", "no-loss",
 * "point-unmountable", "point-fsck", "point-commit", "point-loss",
 * "kernel", "test-hook", "unknown". */
const char *pc_failure_name(enum pc_failure_kind k);
/* The kind named S (not "unknown"), or -1. */
int pc_failure_lookup(const char *s);
/* "loss,fsck" (or "any") -> a set of PC_FAILURE_BIT; -1 on a word that is
 * no kind, an empty word or an empty list. */
int pc_failure_parse_list(const char *s, unsigned *out);
/* The kinds of SET in enum order, joined by SEP ("any" for
 * PC_FAILURE_ANY), into OUT. */
void pc_failure_format(unsigned set, const char *sep, char *out, size_t len);

#endif
