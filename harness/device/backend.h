/* backend.h - flakey block devices.
 *
 * A backend turns a backing file into a block device whose writes can be
 * passed (allow), silently discarded (drop) or failed with EIO (error) at
 * run time.  The runner only sees this interface: fuse (userspace server +
 * loop device) and dm (dm-flakey over a loop device) implement it.
 */
#ifndef PC_BACKEND_H
#define PC_BACKEND_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pc_flakey_mode {
	PC_FLAKEY_ALLOW,
	PC_FLAKEY_DROP,
	PC_FLAKEY_ERROR,
};

struct pc_backend;

/* The moments the runner marks in a write log (crash points): the
 * workload starts (its flushes are the ones crash points pick from), the
 * durability mode returns (every state after that must hold what the mode
 * promised, commit record or not), and the workload's promise is made (its
 * commit record's fsync returned: every state after that must hold the
 * record). */
enum pc_log_mark {
	PC_LOG_MARK_WORKLOAD,
	PC_LOG_MARK_MODE,
	PC_LOG_MARK_COMMIT,
	PC_LOG_MARKS
};

/* What a backend can do beyond passing, dropping and failing writes. */
enum pc_backend_caps {
	PC_BACKEND_VOLATILE_CACHE = 1 << 0, /* models a volatile write cache */
	PC_BACKEND_WRITE_LOG = 1 << 1,      /* records a write log (crash points) */
	PC_BACKEND_NEEDS_DM = 1 << 2,       /* needs device-mapper in the kernel */
	PC_BACKEND_LOG_SIZE = 1 << 3,       /* the write log has a fixed-size device */
};

/* Every backend's backing file, in its work folder: the runner reads it
 * back after a case in trouble (runner.c), by this name. */
#define PC_BACKING_FILE "backing.img"

struct pc_backend_ops {
	const char *name;
	unsigned caps;            /* enum pc_backend_caps */
	/* Can this backend work here?  0 yes; -1 no, with the reason written
	 * into why (nothing printed). */
	int (*probe)(char *why, size_t whylen);
	/* Build the device over a new sparse backing file of SIZE bytes in
	 * b->workdir.  On success b->devpath and b->devnum name the block
	 * device the filesystem goes on, in allow mode.  On failure everything
	 * built so far is torn down. */
	int (*create)(struct pc_backend *b, uint64_t size);
	int (*set_mode)(struct pc_backend *b, enum pc_flakey_mode mode);
	/* The power comes back after the run's last cut, the filesystem
	 * unmounted: writes pass for good and set_mode is not called again.
	 * May give the device a new, faster path (b->devpath, b->devnum):
	 * nothing may hold the old one open.  NULL: set_mode(allow). */
	int (*power_on)(struct pc_backend *b);
	/* Tear down; idempotent; safe after a failed or partial create. */
	void (*destroy)(struct pc_backend *b);
	/* `powercut cleanup` and teardown, for what state.c's generic teardown
	 * (mounts, loop devices, recorded processes) does not cover; NULL when
	 * there is nothing more.  Remove what this backend made for the run
	 * whose work folder is WORKDIR: how many objects, -1 on error. */
	int (*teardown_below)(const char *workdir, int verbose);
	/* Remove what dead runs left whose work folder is already gone. */
	int (*remove_dead)(int verbose);
	/* With write_log, before the first cut: note in the log that WHICH
	 * happens now. */
	int (*log_mark)(struct pc_backend *b, enum pc_log_mark which);
	/* With write_log, after the case (filesystem unmounted): make
	 * b->log_path the write log up to the first cut, in the fuse format
	 * (fuselog.h), and b->log_flushes[M] the flushes in it before each
	 * mark M made.  May take the device down (destroy still follows). */
	int (*log_finish)(struct pc_backend *b);
};

struct pc_backend {
	const struct pc_backend_ops *ops;
	char workdir[PATH_MAX];   /* the case's scratch folder, already made */
	char devpath[PATH_MAX];   /* e.g. /dev/loop3 or /dev/mapper/pc-... */
	dev_t devnum;             /* for /sys/dev/block/M:m/stat */
	dev_t flush_devnum;       /* where flushes are counted, if not devnum:
				     bio-based dm does not count them, the loop
				     device beneath it does; 0 = devnum */
	/* More devices of the case, for the kernel log's judging (dm with a
	 * write log: the log-writes device and its log's loop device); 0 none. */
	dev_t more_devnums[2];
	enum pc_flakey_mode mode;
	int keep_backing;         /* destroy leaves the backing file (--keep) */
	/* Model a volatile write cache (fuse only; create fails elsewhere):
	 * at the cut, every block written since the device's last flush goes
	 * back to what it held at that flush. */
	int volatile_cache;
	uint64_t cache_lost_blocks; /* rolled back by the cut (set by set_mode) */
	uint64_t cache_lost_bytes;
	/* Record a write log up to the first cut, for crash points (fuse: its
	 * own log; dm: dm-log-writes, converted by log_finish):
	 * create sets log_path to it (fuselog.h has the format). */
	int write_log;
	char log_path[PATH_MAX];
	uint64_t log_size;        /* dm: size of the log device; 0 = auto */
	/* Flushes in the write log before each mark (set by log_mark or
	 * log_finish); log_marked[M]: mark M was made. */
	uint64_t log_flushes[PC_LOG_MARKS];
	int log_marked[PC_LOG_MARKS];
	/* Set by destroy: how the machine failed the device during the case
	 * (fuse: its server killed, or its writes to the backing file
	 * failing), "" if it did not.  Whatever the case found is then no
	 * verdict. */
	char failed[512];
	void *priv;
};

extern const struct pc_backend_ops pc_backend_fuse;
extern const struct pc_backend_ops pc_backend_dm;

/* Every backend, in the order `auto` tries them; NULL-terminated.  A new
 * backend is its own file (its ops) plus a row here (backend.c). */
extern const struct pc_backend_ops *const pc_backends[];
/* The backend called NAME, or NULL. */
const struct pc_backend_ops *pc_backend_find(const char *name);
/* The first backend (in pc_backends order, those that need no
 * device-mapper first) with every capability in CAPS, or NULL. */
const struct pc_backend_ops *pc_backend_with(unsigned caps);
/* Names of the backends with every capability in CAPS, joined by " or ". */
void pc_backend_names_with(unsigned caps, char *out, size_t len);

const char *pc_flakey_mode_name(enum pc_flakey_mode m);

/* B's power_on, or set_mode(allow) for a backend without one. */
int pc_backend_power_on(struct pc_backend *b);

/* The I-th value a scenario's backend key takes: each backend's name (in
 * pc_backends order), then "auto"; NULL past the end. */
const char *pc_backend_choice(unsigned i);

/* Resolve a scenario's backend name (fuse, dm, auto) to an implementation
 * usable here.  why receives a sentence saying why this one was picked
 * (for auto) or why it cannot work.  -1 (class ENV) if unusable. */
int pc_backend_select(const char *name, const struct pc_backend_ops **out,
		      char *why, size_t whylen);

#endif
