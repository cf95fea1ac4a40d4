/* fcaps.h - file capabilities (the security.capability xattr) as the
 * kernel takes and returns them.
 *
 * setxattr takes a revision 2 value (20 bytes) or a revision 3 one (24
 * bytes: the same plus the uid that is root for it), anything else is
 * EINVAL.  Read back by root in the initial user namespace, a revision 3
 * value whose root uid is 0 is returned in revision 2 form (the kernel's
 * cap_inode_getsecurity), so that is what the disk shows and what the
 * manifest must record.
 */
#ifndef PC_FCAPS_H
#define PC_FCAPS_H

#include <stddef.h>

#define PC_FCAPS_XATTR "security.capability"
#define PC_FCAPS_MAX 24

/* Would the kernel take V (N bytes) as a file capability? */
int pc_fcaps_valid(const void *v, size_t n);

/* What getxattr returns once the valid capability V (N bytes) is set:
 * written to OUT (PC_FCAPS_MAX bytes), its size returned. */
size_t pc_fcaps_as_read(const void *v, size_t n, unsigned char *out);

#endif
