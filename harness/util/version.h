/* version.h - powercut's version: `powercut --version`, and results.json's
 * "powercut" (merge-results refuses shards of different versions, compare
 * says when its sides differ).  Raise it with every release. */
#ifndef PC_VERSION_H
#define PC_VERSION_H

#define PC_VERSION "0.1.0"

#endif
