/* version.h - powercut's version: `powercut --version`, and results.json's
 * "powercut" (merge-results refuses shards of different versions, compare
 * says when its sides differ).  Raise it with every release. */
#ifndef PC_VERSION_H
#define PC_VERSION_H

#define PC_VERSION "0.1.0"
/* PC_VERSION "+" the commit built (git describe --always --dirty; "unknown"
 * outside a git checkout): what --version prints and results.json's
 * "powercut" records.  Defined in build_id.c, which make writes. */
extern const char pc_version[];

#endif
