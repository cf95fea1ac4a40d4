/* paxxattr.h - an entry's xattrs as pax records say them twice.
 *
 * libarchive's pax writer (bsdtar) stores each xattr twice: as a
 * LIBARCHIVE.xattr.NAME record (NAME %-escaped, the value in base64) and
 * as a SCHILY.xattr.NAME record (the value as it is).  libarchive's reader
 * applies both kinds; the runtimes (containerd, Docker and containers/storage
 * through Go's archive/tar) read only SCHILY.xattr.  The records of an
 * entry that has LIBARCHIVE.xattr ones must therefore say the same xattrs,
 * or the tree powercut tests is not the one a runtime unpacks.
 */
#ifndef PC_PAXXATTR_H
#define PC_PAXXATTR_H

#include <stddef.h>

/* Do the LIBARCHIVE.xattr and SCHILY.xattr records among the pax records
 * REC (N bytes) disagree: a name only one kind gives (decoded), or one
 * name with two values?  Then 1, the xattr's name in NAME (CAP bytes) and
 * what is wrong with it in *WHY.  0 if they agree, or if there are no
 * LIBARCHIVE.xattr records; malformed records are left to libarchive's own
 * checks. */
int pc_pax_xattrs_disagree(const char *rec, size_t n, char *name, size_t cap, const char **why);

#endif
