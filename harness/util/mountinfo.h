/* mountinfo.h - /proc/self/mountinfo's escaping of path fields: the
 * kernel writes space, tab, newline and backslash as \ooo (show_mountinfo,
 * mangle()).  By hand, not libmount: three readers need one field each,
 * and the rule is four characters. */
#ifndef PC_MOUNTINFO_H
#define PC_MOUNTINFO_H

/* Undo the escaping in place. */
void pc_mountinfo_unescape(char *s);
/* PATH as mountinfo writes it.  Caller frees. */
char *pc_mountinfo_escape(const char *path);

#endif
