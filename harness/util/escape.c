/* escape.c - see escape.h.
 *
 * Written by hand: jansson escapes only for JSON, libxml2 would be a new
 * dependency for a dozen lines, and neither knows what a terminal must not
 * see. */
#include "util/escape.h"
#include "image/manifest.h"
#include "util/strbuf.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sb_hex(struct pc_strbuf *b, unsigned char c)
{
	pc_strbuf_printf(b, "%%%02X", c);
}

/* Length of the valid UTF-8 sequence at P (no overlong forms, no
 * surrogates, nothing above U+10FFFF), its code point in *CP; 0 if the
 * bytes are not one. */
static size_t utf8_seq(const unsigned char *p, unsigned *cp)
{
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	unsigned v = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		v = v << 6 | (p[i] & 0x3F);
	*cp = v;
	return n;
}

/* Characters text may not carry as they are (besides ASCII controls). */
static int unsafe_char(unsigned cp)
{
	if (cp >= 0x80 && cp <= 0x9F)
		return 1; /* C1 controls: CSI, OSC, ... on some terminals */
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return 1; /* non-characters; U+FFFE/U+FFFF are not XML */
	if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 1; /* bidi controls reorder what the reader sees */
	if (cp == 0x2028 || cp == 0x2029 || cp == 0x85)
		return 1; /* line and paragraph separators */
	return 0;
}

enum { KEEP_NL = 1, MARKDOWN = 2 };

static char *text_rule(const char *s, unsigned flags)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp;
		size_t n = utf8_seq(p, &cp);
		int bad = n == 0 || (cp < 0x20 && !(cp == '\n' && (flags & KEEP_NL))) ||
			  cp == 0x7F || unsafe_char(cp) ||
			  ((flags & MARKDOWN) && cp < 0x80 && strchr("|`<>&*[]\\", (int)cp));
		if (n == 0)
			n = 1;
		if (bad)
			for (size_t i = 0; i < n; i++)
				sb_hex(&b, p[i]);
		else
			pc_strbuf_add(&b, (const char *)p, n);
		p += n;
	}
	return pc_strbuf_release(&b);
}

char *pc_esc_name(const char *s)
{
	s = s ? s : "";
	return pc_escape((const unsigned char *)s, strlen(s));
}

char *pc_esc_text(const char *s)
{
	return text_rule(s, 0);
}

char *pc_esc_block(const char *s)
{
	return text_rule(s, KEEP_NL);
}

char *pc_esc_md(const char *s)
{
	return text_rule(s, MARKDOWN);
}

char *pc_esc_xml(const char *s, int attr, int multiline)
{
	char *t = text_rule(s, attr || multiline ? KEEP_NL : 0);
	struct pc_strbuf b = PC_STRBUF_INIT;
	for (const char *p = t; *p; p++) {
		switch (*p) {
		case '&': pc_strbuf_puts(&b, "&amp;"); break;
		case '<': pc_strbuf_puts(&b, "&lt;"); break;
		case '>': pc_strbuf_puts(&b, "&gt;"); break;
		case '"': pc_strbuf_puts(&b, "&quot;"); break;
		case '\'': pc_strbuf_puts(&b, "&apos;"); break;
		case '\n': pc_strbuf_puts(&b, attr ? "&#10;" : "\n"); break;
		default: pc_strbuf_add(&b, p, 1);
		}
	}
	free(t);
	return pc_strbuf_release(&b);
}

static json_t *json_or_abort(json_t *j)
{
	if (!j) {
		/* The string is valid UTF-8 by construction: only memory
		 * exhaustion gets here. */
		fprintf(stderr, "powercut: jansson: out of memory\n");
		abort();
	}
	return j;
}

json_t *pc_esc_json(const char *s)
{
	char *t = pc_esc_text(s);
	json_t *j = json_string(t);
	free(t);
	return json_or_abort(j);
}

json_t *pc_esc_json_name(const char *s)
{
	char *t = pc_esc_name(s);
	json_t *j = json_string(t);
	free(t);
	return json_or_abort(j);
}
