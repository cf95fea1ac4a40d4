/* strbuf.c - see strbuf.h. */
#include "util/strbuf.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for N more bytes and the NUL. */
static void reserve(struct pc_strbuf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
}

void pc_strbuf_add(struct pc_strbuf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void pc_strbuf_puts(struct pc_strbuf *b, const char *s)
{
	pc_strbuf_add(b, s, strlen(s));
}

void pc_strbuf_printf(struct pc_strbuf *b, const char *fmt, ...)
{
	reserve(b, 128);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort(); /* only for a bad format, which the compiler checks */
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void pc_strbuf_reset(struct pc_strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

char *pc_strbuf_release(struct pc_strbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	*b = (struct pc_strbuf)PC_STRBUF_INIT;
	return s;
}

void pc_strbuf_free(struct pc_strbuf *b)
{
	free(b->s);
	*b = (struct pc_strbuf)PC_STRBUF_INIT;
}
