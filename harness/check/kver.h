/* kver.h - kernel release comparison ("6.1.0-56-amd64" < "6.18.0") and
 * the conditions of a known-failures file ("kernel<6.2", "kernel>=6.1.0-50").
 *
 * A release is read as its leading numeric fields, separated by '.' or '-',
 * up to the first field that is not a number: 6.1.0-56-amd64 -> 6 1 0 56,
 * 6.18.0 -> 6 18 0, 6.2.0-rc3 -> 6 2 0 (pre-release).  Fields compare as
 * numbers (18 > 2), a missing field counts as 0 (6.1 == 6.1.0), and at equal
 * fields a pre-release (a first non-numeric field starting with "rc") sorts
 * before the release, and pre-releases by their number (-rc3 before -rc10).
 * Anything after that (flavour "-amd64", "+deb12") is
 * not compared.  This is the order of Debian's and upstream's kernel
 * releases; it is not dpkg's full algorithm (nothing here needs epochs or
 * tildes). */
#ifndef PC_KVER_H
#define PC_KVER_H

#define PC_KVER_FIELDS 8

struct pc_kver {
	unsigned long f[PC_KVER_FIELDS];
	unsigned n;       /* numeric fields read (>= 1 when valid) */
	int prerelease;   /* -rcN */
	unsigned long rc; /* N of -rcN (0 when absent) */
};

enum pc_kop { PC_KOP_LT, PC_KOP_LE, PC_KOP_GT, PC_KOP_GE, PC_KOP_EQ, PC_KOP_NE };

struct pc_kcond {
	enum pc_kop op;
	struct pc_kver v;
};

/* Parse a release; -1 (no message) unless it starts with a number. */
int pc_kver_parse(const char *s, struct pc_kver *out);
/* <0, 0, >0 as strcmp. */
int pc_kver_cmp(const struct pc_kver *a, const struct pc_kver *b);
/* "kernel<6.2" -> a condition; -1 (no message) if it is not one. */
int pc_kcond_parse(const char *s, struct pc_kcond *out);
/* Does the running (or recorded) release RELEASE meet C?  An unreadable
 * release meets no condition. */
int pc_kcond_holds(const struct pc_kcond *c, const char *release);

#endif
