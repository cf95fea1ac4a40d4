/* escape.h - one escaping rule for everything powercut shows or writes.
 *
 * Names (archive paths, link targets, xattr names) and messages carry bytes
 * from untrusted archives and scenarios.  Every output goes through one of
 * these functions, one per target format; all return a new string (never
 * NULL) that the caller frees.
 *
 * The rule (the manifest's): a byte that may not appear is written %XX
 * (uppercase hex).
 *
 *  - A name (pc_esc_name) keeps only the bytes 0x21..0x7e but '%', '=' and
 *    '\\': it is one token that never splits a line or a column, and it
 *    unescapes to the exact bytes (as in manifest.txt).
 *  - Text (pc_esc_text: messages, reasons, scenario paths) keeps printable
 *    ASCII, the space, and valid UTF-8 characters, except those that can
 *    move the cursor, change the terminal or reorder or split the line:
 *    C0 and C1 controls, DEL, non-characters (U+FFFE, U+FFFF, U+FDD0..FDEF,
 *    ...), bidi controls and the line/paragraph separators.  Those, and
 *    every byte that is not valid UTF-8, become %XX.  '%' itself is kept:
 *    text is for reading; names inside it are escaped as names first.
 *  - A block (pc_esc_block: tool output) is text that keeps its newlines.
 *  - Markdown cells (pc_esc_md) are text with '|', '`', '<', '>', '&', '*',
 *    '[', ']' and '\\' also written %XX, so a cell cannot end early or
 *    become markup: a tag, an entity ("&amp;" would show as "&"), emphasis
 *    (the '*' would vanish), a link or a backslash escape.  '_' is kept (case
 *    ids hold it, and GitHub does not emphasise inside a word).
 *  - XML (pc_esc_xml) is text (or a block) with &, <, >, " and ' as
 *    entities; what remains is valid XML 1.0 character data.
 *  - JSON (pc_esc_json) is text as a jansson string (always valid UTF-8, so
 *    jansson never refuses it and the document keeps every field).
 */
#ifndef PC_ESCAPE_H
#define PC_ESCAPE_H

#include <jansson.h>

char *pc_esc_name(const char *s);
char *pc_esc_text(const char *s);
char *pc_esc_block(const char *s);
char *pc_esc_md(const char *s);
/* ATTR: for an attribute value (newline and tab as character references);
 * else character data, where MULTILINE keeps newlines. */
char *pc_esc_xml(const char *s, int attr, int multiline);
/* A new jansson string of pc_esc_text(S); never NULL (aborts on OOM). */
json_t *pc_esc_json(const char *s);
/* A name as a JSON string: pc_esc_name(S). */
json_t *pc_esc_json_name(const char *s);

#endif
