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

/* AE's raw system.posix_acl_access / _default xattrs, as umoci and the
 * Go image writers put them in SCHILY.xattr records, turned into AE's ACL
 * entries as if they had come in SCHILY.acl records, and dropped from its
 * xattrs: libarchive's disk writer skips raw ACL xattrs, and this way the
 * disk and the manifest get them like any other ACL.  The runtimes setxattr
 * the value, then chmod to the header's mode, which sets user::, other::
 * and the mask (group:: when there is none) from the mode bits: the access
 * entries are taken that way.  0 on success (nothing to do included); -1
 * with *name and *why (static strings, "is ..." or "has ...") for a value
 * the kernel would refuse, a default ACL on anything but a folder, or ACL
 * records given as well that give the kernel another value (GNU tar
 * --acls --xattrs writes both: taken, as the records, when they agree). */
int pc_acl_take_raw_xattrs(struct archive_entry *ae, const char **name, const char **why);

/* NULL if AE's ACLs (SCHILY.acl records, or raw ones taken above) are what
 * the kernel accepts, the way extraction applies them (libacl, ids as
 * numbers: no name lookup), else why not ("is ..."), with *name the ACL's
 * xattr. */
const char *pc_acl_unstorable(struct archive_entry *ae, const char **name);

/* The access ACL the kernel gives an entry created in a folder whose
 * default ACL is DFLT (the kernel's xattr value, SIZE bytes), once the
 * runtime has chmod'ed the entry to MODE (containerd's open or mkdir, then
 * chown, setxattr, chmod): DFLT's entries, with user::, mask:: and other::
 * taken from MODE.  A malloc'd value in *out and its size, or 0 with *out
 * NULL when the kernel stores none (DFLT has no mask::, so the mode bits say
 * it all) or DFLT is not a valid value. */
size_t pc_acl_inherited(const void *dflt, size_t size, mode_t mode, unsigned char **out);

#endif
