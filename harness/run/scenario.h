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
#include <stdio.h>
#include "fs/durability.h"
#include "device/backend.h"
#include "run/optalt.h"
#include "workload/workload_fio.h"

enum pc_expect { PC_EXPECT_INTACT, PC_EXPECT_LOSS, PC_EXPECT_ANY };

/* How the image is stored on the filesystem: one tree with the whiteouts
 * applied (flat), or containerd's overlayfs snapshotter layout, one folder
 * per layer committed one by one (snapshots). */
enum pc_layout { PC_LAYOUT_FLAT, PC_LAYOUT_SNAPSHOTS };

/* A list of values of one enumerated key (fs, modes): indices into the
 * owning module's name table, in the order given, each at most once. */
#define PC_CHOICE_MAX 16
struct pc_choice_list {
	unsigned n;
	unsigned v[PC_CHOICE_MAX];
};

enum pc_write_cache { PC_WRITE_CACHE_DURABLE, PC_WRITE_CACHE_VOLATILE };

/* What the case writes: container image layers, or an fio job file. */
enum pc_workload { PC_WORKLOAD_IMAGE, PC_WORKLOAD_FIO };

/* The typed value of every scenario key for one group, [global] and the
 * defaults applied.  scenario_keys.c has the table that fills it: one row
 * per key, pointing at its field here.  Enumerated values are indices into
 * the owning module's names (pc_fs_name, pc_mode_name, pc_backend_choice,
 * ...). */
struct pc_settings {
	char **images;              /* absolute paths, NULL-terminated */
	size_t nimages;
	struct pc_choice_list fs;   /* pc_fs_name */
	struct pc_choice_list modes; /* enum pc_mode */
	struct pc_alternatives mkfs_opts;  /* option matrices (optalt.h) */
	struct pc_alternatives mount_opts;
	unsigned backend;           /* pc_backend_choice */
	uint64_t device_size;       /* 0 = auto */
	uint64_t log_size;          /* dm-log-writes' log device; 0 = auto */
	unsigned repeat;
	unsigned expect[PC_MODE_COUNT]; /* enum pc_expect, per mode */
	unsigned cut;               /* enum pc_flakey_mode */
	unsigned layout;            /* enum pc_layout */
	unsigned write_cache;       /* enum pc_write_cache */
	unsigned crash_points;
	unsigned crash_subsets;
	unsigned retries;           /* attempts.h */
	char **known;               /* known-failures files (known.h), absolute */
	size_t nknown;
	char *description;
	char *workload;             /* "image" or "fio FILE" (workload_fio.h) */
	char *cut_at;               /* "end", "Ns", "P%" (pc_cut_at_parse) */
	unsigned expect_all;        /* 0: not set, else 1 + enum pc_expect */
	unsigned probe;             /* 0 no, 1 yes */
	unsigned tool_timeout;      /* seconds an external tool may run; 0: no limit */
};

struct pc_case {
	char *id;          /* "GROUP/FS/MODE[/rN]" unique in the scenario */
	char *group;
	char *fs;
	char *mkfs_opts;   /* "" if none */
	char *mount_opts;  /* "" if none */
	char *backend;     /* fuse, dm, auto */
	/* backend = auto narrowed when the scenario was read to a backend
	 * that can do what the group asks ("auto: fuse, chosen for
	 * write_cache = volatile ..."): results.json's backend_why; else NULL. */
	char *backend_why;
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
	/* Every key of the case's group (owned by the scenario): a new key's
	 * consumer reads its field here. */
	const struct pc_settings *settings;
	enum pc_workload workload;
	char *fio_job;     /* workload = fio: absolute path of the checked job file */
	char *fio_job_text; /* its bytes as checked: fio runs a copy of these */
	size_t fio_job_len;
	struct pc_fio_job *fio_jobs; /* its jobs (sections), as checked */
	size_t nfio_jobs;
	uint64_t fio_bytes; /* the jobs' sizes summed; 0 if not plain counts */
	uint64_t fio_room;  /* what the jobs' files take on the device (pc_fio_jobfile.total_room) */
	struct pc_cut_at cut_at; /* end, or during an fio job */
	int probe;         /* probe = yes: measure the device first (results "device") */
};

struct pc_scenario {
	char *path;
	char *name;        /* basename without .ini */
	struct pc_case *cases;
	size_t ncases;
	struct pc_settings **groups; /* each group's settings, for the cases */
	size_t ngroups;
};

/* Parse PATH.  Errors name file, line and key (class INPUT). */
int pc_scenario_load(const char *path, struct pc_scenario *sc);
/* The folder of case ID below the results' cases/: the id with '/' and ' '
 * as '_' (two cases never share one: pc_scenario_load refuses that). */
void pc_case_folder(const char *id, char *out, size_t len);
/* Keep only cases whose id matches the fnmatch(3) PATTERN. */
void pc_scenario_filter(struct pc_scenario *sc, const char *pattern);
/* Keep every Nth case starting with the Kth (1-based): shards 1/N..N/N
 * split a scenario between N machines, each case in exactly one. */
void pc_scenario_shard(struct pc_scenario *sc, unsigned k, unsigned n);
/* "K/N" -> k, n; -1 (class INPUT) unless 1 <= K <= N <= 100000. */
int pc_parse_shard(const char *s, unsigned *k, unsigned *n);
void pc_scenario_free(struct pc_scenario *sc);

/* Print every scenario key: its values, default and help (`powercut help
 * keys`), or with BRIEF only the names on a few lines (`run --help`). */
void pc_scenario_keys_print(FILE *f, int brief);
/* The name of the I-th key a scenario may set (expect_MODE once per mode);
 * NULL past the end. */
const char *pc_scenario_key_name(size_t i, char *buf, size_t len);

/* What case C runs on that results.json does not give field by field: the
 * scenario keys without PC_KEY_NOT_SETTINGS, "key=value" words in the key
 * table's order, each value escaped as a name ("crash_points=0
 * crash_subsets=0 cut_at=end device_size=auto log_size=auto").  compare
 * counts a difference as a setup change: a scenario edited under the same
 * name (crash_points = 10 -> 0) no longer checks what it did.  malloc'd. */
char *pc_case_settings(const struct pc_case *c);
/* Is NAME a key of pc_case_settings' words (a scenario key without
 * PC_KEY_NOT_SETTINGS)?  results.json's "settings" from a newer powercut
 * may hold one this build does not know. */
int pc_settings_key_known(const char *name);

const char *pc_expect_name(enum pc_expect e);
const char *pc_layout_name(enum pc_layout l);
/* "4G", "512M", "1048576" -> bytes (K, M, G, T: powers of 1024;
 * util/size.h's pc_size_suffixes_binary); -1 on bad input. */
int pc_parse_size(const char *s, uint64_t *out);

#endif
