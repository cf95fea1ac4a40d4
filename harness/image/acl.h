/* acl.h - an archive entry's POSIX ACLs as the disk will hold them.
 *
 * libarchive applies a tar's ACLs (SCHILY.acl.access / .default) through
 * libacl; the kernel then keeps them in the xattrs system.posix_acl_access
 * and system.posix_acl_default, in its own binary form, and an access ACL
 * with a mask entry sets the file's group mode bits to the mask.  The
 * manifest records those xattrs so that verify compares them like any
 * other, with no second code path.
 */
#ifndef PC_ACL_H
#define PC_ACL_H

#include <stddef.h>
#include <sys/types.h>

struct archive_entry;

#define PC_ACL_ACCESS_XATTR "system.posix_acl_access"
#define PC_ACL_DEFAULT_XATTR "system.posix_acl_default"

/* The value the kernel's xattr will hold once AE's access ACL (is_default
 * 0) or default ACL (1) is applied: a malloc'd buffer in *out and its size,
 * or 0 with *out NULL when the kernel stores none (no ACL, or an access ACL
 * of the three base entries only, which the mode bits say already).
 * *mask receives the mask entry's permission bits (0-7), or -1 if none. */
size_t pc_acl_xattr(struct archive_entry *ae, int is_default, unsigned char **out,
		    int *mask);

#endif
