/* optalt.c - option matrices (see optalt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/optalt.h"
#include "util/digest.h"
#include "util/util.h"

#define SLUG_MAX 40   /* longer texts are cut and hashed */
#define SLUG_KEEP 32

static int slug_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._+=,-", c) != NULL;
}

char *pc_option_slug(const char *alt)
{
	size_t len = strlen(alt);
	if (len == 0)
		return xstrdup("default");
	char *s = xmalloc(len + 1);
	int replaced = 0;
	for (size_t i = 0; i < len; i++) {
		int space = alt[i] == ' ', ok = slug_char((unsigned char)alt[i]);
		s[i] = ok ? alt[i] : '_';
		replaced |= !ok && !space;
	}
	s[len] = '\0';
	if (!replaced && len <= SLUG_MAX)
		return s;
	unsigned char md[PC_SHA256_LEN];
	pc_sha256(alt, len, md);
	if (len > SLUG_KEEP)
		s[SLUG_KEEP] = '\0';
	char *out = xasprintf("%s~%02x%02x%02x%02x", s, md[0], md[1], md[2], md[3]);
	free(s);
	return out;
}

/* The next alternative from *P (up to an unescaped `|`), unescaped and
 * trimmed; *P moves past it.  NULL at the end. */
static char *next_alternative(const char **p, int *more)
{
	const char *s = *p;
	char *out = xmalloc(strlen(s) + 1);
	size_t n = 0;
	*more = 0;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == '|') {
			out[n++] = '|';
			s++;
		} else if (*s == '|') {
			*more = 1;
			s++;
			break;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	*p = s;
	char *b = out, *e = out + n;
	while (*b == ' ' || *b == '\t')
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	memmove(out, b, (size_t)(e - b) + 1);
	return out;
}

/* ALT with each run of blanks outside '...' and "..." made one space:
 * mkfs and mount read "-b  4096" as "-b 4096". */
static char *blanks_folded(const char *alt)
{
	char *out = xmalloc(strlen(alt) + 1), quote = 0;
	size_t n = 0;
	for (const char *c = alt; *c; c++) {
		if (quote) {
			quote = *c == quote ? 0 : quote;
		} else if (*c == '\'' || *c == '"') {
			quote = *c;
		} else if (*c == ' ' || *c == '\t') {
			if (n == 0 || out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		out[n++] = *c;
	}
	out[n] = '\0';
	return out;
}

int pc_alternatives_parse(const char *value, struct pc_alternatives *out, char *why,
			  size_t whylen)
{
	struct pc_alternatives a = { 0 };
	const char *p = value;
	int more = 1;
	while (more) {
		char *alt = next_alternative(&p, &more);
		char *slug = pc_option_slug(alt), *folded = blanks_folded(alt);
		for (size_t i = 0; i < a.n; i++) {
			char *other = blanks_folded(a.v[i]);
			int same = !strcmp(other, folded);
			free(other);
			if (same && !strcmp(a.v[i], alt))
				snprintf(why, whylen, "the alternative '%s' is given twice", alt);
			else if (same)
				snprintf(why, whylen, "the alternatives '%s' and '%s' differ only in "
					 "blanks: one set of options, two cases; give it once", a.v[i],
					 alt);
			else if (!strcmp(a.slug[i], slug))
				snprintf(why, whylen, "the alternative '%s' has the same id as '%s' (%s)",
					 alt, a.v[i], slug);
			else
				continue;
			free(alt);
			free(slug);
			free(folded);
			pc_alternatives_free(&a);
			return -1;
		}
		free(folded);
		a.v = xrealloc(a.v, (a.n + 1) * sizeof(*a.v));
		a.slug = xrealloc(a.slug, (a.n + 1) * sizeof(*a.slug));
		a.v[a.n] = alt;
		a.slug[a.n++] = slug;
	}
	pc_alternatives_free(out);
	*out = a;
	return 0;
}

void pc_alternatives_free(struct pc_alternatives *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i]);
		free(a->slug[i]);
	}
	free(a->v);
	free(a->slug);
	memset(a, 0, sizeof(*a));
}
