/* scenario.h - INI scenario files (libinih).
 *
 * [global] holds defaults; every other section is a case group inheriting
 * them.  A group with fs = ext4 xfs and modes = none syncfs fsync and
 * repeat = 2 yields 2*3*2 = 12 cases.  A file with only [global] is one
 * group named "default".
 */
#ifndef PC_SCENARIO_H
#define PC_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "durability.h"
#include "backend.h"

enum pc_expect { PC_EXPECT_INTACT, PC_EXPECT_LOSS, PC_EXPECT_ANY };

/* How the image is stored on the filesystem: one tree with the whiteouts
 * applied (flat), or containerd's overlayfs snapshotter layout, one folder
 * per layer committed one by one (snapshots). */
enum pc_layout { PC_LAYOUT_FLAT, PC_LAYOUT_SNAPSHOTS };

struct pc_case {
	char *id;          /* "GROUP/FS/MODE[/rN]" unique in the scenario */
	char *group;
	char *fs;
	char *mkfs_opts;   /* "" if none */
	char *mount_opts;  /* "" if none */
	char *backend;     /* fuse, dm, auto */
	enum pc_mode mode;
	enum pc_expect expect;
	enum pc_flakey_mode cut; /* PC_FLAKEY_DROP (default) or _ERROR */
	unsigned repeat;   /* 1-based index */
	unsigned repeats;  /* total */
	char **images;     /* absolute paths, NULL-terminated */
	size_t nimages;
	uint64_t device_size; /* bytes; 0 = auto */
	enum pc_layout layout;
	int volatile_cache; /* write_cache = volatile: unflushed writes die at the cut */
	unsigned crash_points; /* flushes of the write log to check as well (0: none) */
	unsigned crash_subsets; /* random partial epochs checked past each point */
};

struct pc_scenario {
	char *path;
	char *name;        /* basename without .ini */
	struct pc_case *cases;
	size_t ncases;
};

/* Parse PATH.  Errors name file, line and key (class INPUT). */
int pc_scenario_load(const char *path, struct pc_scenario *sc);
/* Keep only cases whose id matches the fnmatch(3) PATTERN. */
void pc_scenario_filter(struct pc_scenario *sc, const char *pattern);
/* Keep every Nth case starting with the Kth (1-based): shards 1/N..N/N
 * split a scenario between N machines, each case in exactly one. */
void pc_scenario_shard(struct pc_scenario *sc, unsigned k, unsigned n);
/* "K/N" -> k, n; -1 (class INPUT) unless 1 <= K <= N <= 100000. */
int pc_parse_shard(const char *s, unsigned *k, unsigned *n);
void pc_scenario_free(struct pc_scenario *sc);

const char *pc_expect_name(enum pc_expect e);
const char *pc_layout_name(enum pc_layout l);
/* "4G", "512M", "1048576" -> bytes; -1 on bad input. */
int pc_parse_size(const char *s, uint64_t *out);

#endif
