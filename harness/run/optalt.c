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

int pc_alternatives_parse(const char *value, struct pc_alternatives *out, char *why,
			  size_t whylen)
{
	struct pc_alternatives a = { 0 };
	const char *p = value;
	int more = 1;
	while (more) {
		char *alt = next_alternative(&p, &more);
		char *slug = pc_option_slug(alt);
		for (size_t i = 0; i < a.n; i++) {
			const char *clash = !strcmp(a.v[i], alt) ? "is given twice"
					    : !strcmp(a.slug[i], slug) ? "has the same id as"
					    : NULL;
			if (!clash)
				continue;
			if (clash[0] == 'i')
				snprintf(why, whylen, "the alternative '%s' %s", alt, clash);
			else
				snprintf(why, whylen, "the alternative '%s' %s '%s' (%s)", alt, clash,
					 a.v[i], slug);
			free(alt);
			free(slug);
			pc_alternatives_free(&a);
			return -1;
		}
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
