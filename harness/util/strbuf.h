/* strbuf.h - a growable string: text built piece by piece (escaped names,
 * manifest lines), always NUL-terminated, allocation failures handled as
 * xmalloc does.
 */
#ifndef PC_STRBUF_H
#define PC_STRBUF_H

#include <stddef.h>

struct pc_strbuf {
	char *s;    /* NULL until something is added */
	size_t len; /* bytes in s, without the NUL */
	size_t cap;
};

#define PC_STRBUF_INIT { NULL, 0, 0 }

void pc_strbuf_add(struct pc_strbuf *b, const void *p, size_t n);
void pc_strbuf_puts(struct pc_strbuf *b, const char *s);
void pc_strbuf_printf(struct pc_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empty again, keeping the memory for the next text. */
void pc_strbuf_reset(struct pc_strbuf *b);
/* The text (malloc'd; "" when nothing was added), the buffer left empty. */
char *pc_strbuf_release(struct pc_strbuf *b);
void pc_strbuf_free(struct pc_strbuf *b);

#endif
