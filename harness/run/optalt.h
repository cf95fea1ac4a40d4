/* optalt.h - option matrices: alternatives of mkfs_opts and mount_opts.
 *
 *   mount_opts = data=ordered | data=writeback | data=ordered,commit=60
 *
 * is three alternatives; each case of the group is run once per
 * alternative (and per mkfs_opts alternative: the product).  A literal `|`
 * inside an option is written `\|`.  White space around an alternative is
 * not part of it; an empty alternative means no options.
 *
 * Each alternative has a slug for case ids: short, stable and safe as a
 * file name.  Letters, digits and . _ + = , - are kept, a space becomes
 * `_`, every other byte becomes `_` too; an empty alternative is
 * `default`.  When a byte other than a space had to be replaced or the text
 * is longer than 40 bytes, the slug is cut to 32 bytes and `~` and 8 hex
 * digits of the alternative's SHA-256 are added.  Two alternatives whose
 * slugs are the same anyway are refused, as are two that differ only in
 * the blanks outside quotes ("-b 4096" and "-b  4096": one set of
 * options, two identical cases).
 */
#ifndef PC_OPTALT_H
#define PC_OPTALT_H

#include <stddef.h>

struct pc_alternatives {
	char **v;      /* the alternatives, as given to mkfs/mount */
	char **slug;   /* their slugs, for case ids */
	size_t n;      /* at least 1 once parsed */
};

/* Split VALUE into OUT (replacing what it held).  0, or -1 with the
 * reason in why (nothing printed): an alternative given twice (blanks
 * outside quotes aside), or two whose slugs collide. */
int pc_alternatives_parse(const char *value, struct pc_alternatives *out, char *why,
			  size_t whylen);
void pc_alternatives_free(struct pc_alternatives *a);
/* The slug of one alternative (malloc'd). */
char *pc_option_slug(const char *alt);

#endif
