/* kver.c - kernel release order; see kver.h.  Written by hand: libc has
 * strverscmp, but it compares "6.1.0-56" and "6.1.0-rc3" as plain strings
 * past the first difference and knows nothing of pre-releases. */
#include "check/kver.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pc_kver_parse(const char *s, struct pc_kver *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = s;
	while (out->n < PC_KVER_FIELDS && isdigit((unsigned char)*p)) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (errno == ERANGE)
			return -1;
		out->f[out->n++] = v;
		p = end;
		if ((*p == '.' || *p == '-') && isdigit((unsigned char)p[1]))
			p++;
		else
			break;
	}
	if (out->n == 0)
		return -1;
	const char *rc = p;
	if ((*rc == '-' || *rc == '.' || *rc == '~') && !strncmp(rc + 1, "rc", 2))
		rc++;
	if (!strncmp(rc, "rc", 2)) { /* 6.2-rc3 or 6.2rc3 */
		out->prerelease = 1;
		p = rc + 2;
		if (isdigit((unsigned char)*p)) {
			char *end;
			errno = 0;
			out->rc = strtoul(p, &end, 10);
			if (errno == ERANGE)
				return -1;
			p = end;
		}
	}
	out->flavour = (size_t)(p - s);
	return 0;
}

int pc_kver_cmp(const struct pc_kver *a, const struct pc_kver *b)
{
	for (unsigned i = 0; i < PC_KVER_FIELDS; i++) {
		unsigned long x = i < a->n ? a->f[i] : 0, y = i < b->n ? b->f[i] : 0;
		if (x != y)
			return x < y ? -1 : 1;
	}
	if (a->prerelease != b->prerelease)
		return b->prerelease - a->prerelease;
	/* -rc3 before -rc10 */
	return a->rc == b->rc ? 0 : a->rc < b->rc ? -1 : 1;
}

int pc_kcond_parse(const char *s, struct pc_kcond *out)
{
	static const struct {
		const char *text;
		enum pc_kop op;
	} ops[] = { /* two-character operators first */
		{ "<=", PC_KOP_LE }, { ">=", PC_KOP_GE }, { "==", PC_KOP_EQ }, { "!=", PC_KOP_NE },
		{ "<", PC_KOP_LT }, { ">", PC_KOP_GT }, { "=", PC_KOP_EQ },
	};
	if (strncmp(s, "kernel", 6))
		return -1;
	s += 6;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].text);
		if (strncmp(s, ops[i].text, len))
			continue;
		out->op = ops[i].op;
		const char *v = s + len;
		/* The whole rest must be a release: no trailing junk is guessed at. */
		for (const char *q = v; *q; q++)
			if (!isalnum((unsigned char)*q) && !strchr(".-+~_", *q))
				return -1;
		if (pc_kver_parse(v, &out->v) < 0)
			return -1;
		const char *f = v + out->v.flavour;
		size_t n = strlen(f);
		/* "6.1.0-57-" or "6.1.0-57-rt-" would match no release's flavour. */
		if (n > PC_KVER_FLAVOUR || (n && strchr(".-~_", f[n - 1])))
			return -1;
		memcpy(out->flavour, f, n + 1);
		return 0;
	}
	return -1;
}

/* Is FLAVOUR (a condition's) the release's flavour HAS, or its start up to
 * a '-' ("-rt" of "-rt-amd64", not of "-rtx-amd64")?  None names any. */
static int flavour_names(const char *flavour, const char *has)
{
	size_t n = strlen(flavour);
	return !n || (!strncmp(has, flavour, n) && (has[n] == '\0' || has[n] == '-'));
}

int pc_kcond_holds(const struct pc_kcond *c, const char *release)
{
	struct pc_kver k;
	if (!release || pc_kver_parse(release, &k) < 0)
		return 0;
	int d = pc_kver_cmp(&k, &c->v);
	if (!flavour_names(c->flavour, release + k.flavour))
		return c->op == PC_KOP_NE;
	switch (c->op) {
	case PC_KOP_LT: return d < 0;
	case PC_KOP_LE: return d <= 0;
	case PC_KOP_GT: return d > 0;
	case PC_KOP_GE: return d >= 0;
	case PC_KOP_EQ: return d == 0;
	case PC_KOP_NE: return d != 0;
	}
	return 0;
}
