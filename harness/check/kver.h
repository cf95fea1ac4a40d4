/* kver.h - kernel release comparison ("6.1.0-56-amd64" < "6.18.0") and
 * the conditions of a known-failures file ("kernel<6.2", "kernel>=6.1.0-50").
 *
 * A release is read as its leading numeric fields, separated by '.' or '-',
 * up to the first field that is not a number: 6.1.0-56-amd64 -> 6 1 0 56,
 * 6.18.0 -> 6 18 0, 6.2.0-rc3 -> 6 2 0 (pre-release).  Fields compare as
 * numbers (18 > 2), a missing field counts as 0 (6.1 == 6.1.0), and at equal
 * fields a pre-release (a first non-numeric field starting with "rc") sorts
 * before the release, and pre-releases by their number (-rc3 before -rc10).
 * Anything after that is the flavour ("-amd64", "-rt-amd64", "+deb13-amd64",
 * "+"): it takes no part in the order.  This is the order of Debian's and
 * upstream's kernel releases; it is not dpkg's full algorithm (nothing here
 * needs epochs or tildes).
 *
 * A condition that names no flavour ("kernel>=6.1.0-50") holds for every
 * flavour of the release; one that names a flavour holds only for releases
 * of that flavour: "kernel==6.1.0-57-rt" and "kernel==6.1.0-57-rt-amd64" hold
 * for 6.1.0-57-rt-amd64 (the PREEMPT_RT kernel, a different kernel) and not
 * for 6.1.0-57-amd64, "kernel==6.1.0-57-amd64" the other way round.  The
 * flavour named must be the release's whole flavour or its start up to a
 * '-'. */
#ifndef PC_KVER_H
#define PC_KVER_H

#include <stddef.h>

#define PC_KVER_FIELDS 8
#define PC_KVER_FLAVOUR 64 /* longest flavour a condition may name */

struct pc_kver {
	unsigned long f[PC_KVER_FIELDS];
	unsigned n;       /* numeric fields read (>= 1 when valid) */
	int prerelease;   /* -rcN */
	unsigned long rc; /* N of -rcN (0 when absent) */
	size_t flavour;   /* offset of the flavour in the parsed string */
};

enum pc_kop { PC_KOP_LT, PC_KOP_LE, PC_KOP_GT, PC_KOP_GE, PC_KOP_EQ, PC_KOP_NE };

struct pc_kcond {
	enum pc_kop op;
	struct pc_kver v;
	char flavour[PC_KVER_FLAVOUR + 1]; /* "" = any flavour */
};

/* Parse a release; -1 (no message) unless it starts with a number. */
int pc_kver_parse(const char *s, struct pc_kver *out);
/* <0, 0, >0 as strcmp. */
int pc_kver_cmp(const struct pc_kver *a, const struct pc_kver *b);
/* "kernel<6.2" -> a condition; -1 (no message) if it is not one (among
 * them a flavour longer than PC_KVER_FLAVOUR or ending in a separator). */
int pc_kcond_parse(const char *s, struct pc_kcond *out);
/* Does the running (or recorded) release RELEASE meet C?  An unreadable
 * release meets no condition; with a flavour, != holds for a release of
 * another flavour and the other operators do not. */
int pc_kcond_holds(const struct pc_kcond *c, const char *release);

#endif
