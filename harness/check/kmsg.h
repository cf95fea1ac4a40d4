/* kmsg.h - the kernel log of one case, and the rule that fails a case on
 * it (as xfstests' _check_dmesg does).
 *
 * At the start of a case /dev/kmsg is opened and positioned at its end
 * (SEEK_END); at the end every record since is read without blocking,
 * written to cases/CASE/kernel.log ("[seconds] <level> message"), and
 * scanned.  A line with WARNING:, BUG:, Oops, Call Trace, a lockdep report,
 * a hung task, a general protection fault, UBSAN, or a filesystem error or
 * corruption (EXT4-fs error, XFS (...): Corruption / Internal error,
 * BTRFS error, BTRFS critical) fails the case with a `kernel` finding
 * naming the first such line, except:
 *
 *  - a line that names a block device that is not the case's own (other
 *    runs share the machine's kernel log): ignored, counted as foreign.
 *    Device names are reused (loop0 is another run's before this case
 *    attaches it and after it lets go), so the case writes a marker line
 *    to the log when it takes its devices and when it releases them
 *    ("powercut[PID]: case devices loop0 held #N" / "... released #N", at
 *    debug level), and only lines between the two count as about its
 *    devices.  Each device has its own window: the fuse backend swaps its
 *    loop device for another after the cut, so the first one is released
 *    and the second one held in the middle of the case;
 *  - under cut = error, a line about the case's own device that reports the
 *    write errors the cut causes (the built-in list pc_kmsg_allowed shows).
 *
 * JBD2's lines of a damaged journal (its recovery, fs/jbd2/recovery.c: a
 * checksum that does not match, a corrupted journal superblock, a pass
 * that ended elsewhere than the one before; not its I/O or memory errors)
 * name no device: ext4 names it in the line it prints when the journal
 * then fails to load ("EXT4-fs (loop3): error loading journal", "...
 * Could not load journal inode"), and the next such line tells whose
 * journal it was (other EXT4-fs lines, another run's mount, do not): the case's own device fails the case with the JBD2 line, any other
 * device's is foreign, and a JBD2 line of another filesystem's case (xfs,
 * btrfs) is foreign.  A JBD2 line that names a device ("loop3-8") is
 * judged as other lines are.
 *
 * And one line is not about the filesystem at all: the block layer's
 * "critical space allocation error, dev loop3" on the case's own device
 * means the device itself answered ENOSPC: the file system holding the
 * backing file (the work folder) is full.  Whatever the case found then is
 * the host's doing, not the filesystem's: it is kept in `nospace` and makes
 * the case an environment error (verdict.c).  So does, outside cut =
 * error, a request the case's device failed ("I/O error, dev loop3",
 * "critical medium error, dev loop3", "Buffer I/O error on dev loop3"):
 * nothing but the cut fails a request on purpose, so the backing file
 * failed it (the work folder's disk or file system, a fuse server gone);
 * kept in `hostio`.  Under cut = error such lines are the cut's (allowed):
 * a backing file failing there is not told apart.
 *
 * A line that names no device (WARNING, BUG, Oops ...) cannot be told
 * apart from another process's: it fails the case.  The kernel log is the
 * machine's (the guest's under scripts/vm-run). */
#ifndef PC_KMSG_H
#define PC_KMSG_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "device/backend.h"

#define PC_KMSG_MAX_DEVS 6

struct pc_kmsg {
	int fd;          /* /dev/kmsg, -1 when closed */
};

struct pc_kmsg_result {
	int checked;                       /* the log was read to the end */
	char devs[PC_KMSG_MAX_DEVS][32];   /* the case's devices ("loop3", "dm-1") */
	dev_t devnums[PC_KMSG_MAX_DEVS];
	size_t ndevs;
	/* Per device: the marker lines written when the case took it and let
	 * it go (empty: not yet), whether the case holds it now (writing),
	 * and whether the scan is between its two markers (reading). */
	char held[PC_KMSG_MAX_DEVS][128], released[PC_KMSG_MAX_DEVS][128];
	int holding[PC_KMSG_MAX_DEVS];
	int in_window[PC_KMSG_MAX_DEVS];
	char point_dev[32];                /* a crash point's device, between its markers */
	int point_in_window;
	int no_markers;                    /* a marker could not be written */
	const char *inject;                /* test hook text (attempts.h), or NULL */
	const char *fs;                    /* the case's filesystem ("ext4"), or NULL:
					    * another filesystem's own line that names
					    * no device ("EXT4-fs error: 898 callbacks
					    * suppressed" in an xfs case) is not the
					    * case's */
	size_t lines, foreign, allowed, lost; /* lost: records overrun (EPIPE) */
	char error[512];                   /* the first line that fails the case */
	char nospace[512];                 /* the first "no room under the device" line */
	char hostio[512];                  /* the first "device failed a request" line
					    * the cut did not cause */
	/* The first line of JBD2's journal recovery reporting a damaged
	 * journal ("JBD2: Invalid checksum recovering ...") that named no
	 * device, until ext4's next journal load failure ("EXT4-fs (loop3):
	 * error loading journal") tells whose journal it was; empty if none */
	char journal_damage[256];
	char said[256];                    /* the first warning or error about the case's
					    * devices that does not fail it ("can't mount
					    * with ...", "V4 format not supported"): an
					    * error verdict's reason quotes it */
	char why_unchecked[256];
};

/* Open /dev/kmsg at its end.  -1 (class ENV) if it cannot be. */
int pc_kmsg_begin(struct pc_kmsg *k);
/* The kernel's name of block device DEV (M:m), for filtering; 0 ignored.
 * Call for each device right after it is made, then pc_kmsg_hold. */
void pc_kmsg_note_device(struct pc_kmsg_result *r, dev_t dev);
/* Write the "held" marker for the devices noted since the last call. */
void pc_kmsg_hold(struct pc_kmsg_result *r);
/* Write the "released" marker for DEV alone: the case let it go (it may be
 * another run's from now on) while it holds others.  0 ignored. */
void pc_kmsg_drop_device(struct pc_kmsg_result *r, dev_t dev);
/* The test hook's line (attempts.h), if set: call while the case still
 * holds its devices.  Written after they are gone, it named a loop device
 * another run may already hold, and failed that run's case. */
void pc_kmsg_test_inject(struct pc_kmsg_result *r);
/* Write the "released" marker, once the devices are gone. */
void pc_kmsg_release_devices(struct pc_kmsg_result *r);
/* A crash point's loop device DEVPATH ("/dev/loop5") is the case's from
 * now until pc_kmsg_point_release: marker lines around it, as for the
 * case's own devices. */
void pc_kmsg_point_hold(struct pc_kmsg_result *r, const char *devpath);
void pc_kmsg_point_release(struct pc_kmsg_result *r);
/* The window a marker line MSG opens or closes (one of the case's
 * devices, a crash point's); any other line changes nothing.  For the
 * reader, and tests. */
void pc_kmsg_window(struct pc_kmsg_result *r, const char *msg);
/* Take one record ("PRI,SEQ,USEC,FLAGS;MESSAGE\n"; MESSAGE may be
 * rewritten), write it to LOG (when not NULL) and judge it into R.
 * Exposed for the unit tests. */
void pc_kmsg_take_record(char *rec, FILE *log, enum pc_flakey_mode cut,
			 struct pc_kmsg_result *r);
/* Read what was logged since pc_kmsg_begin, save it to PATH (when not
 * NULL), judge it (CUT: the case's cut mode) into R, close K.  -1 if the
 * log could not be read or saved (R->checked stays 0). */
int pc_kmsg_end(struct pc_kmsg *k, const char *path, enum pc_flakey_mode cut,
		struct pc_kmsg_result *r);
/* Close without reading (a case that stopped early still calls end). */
void pc_kmsg_abort(struct pc_kmsg *k);
/* Whether the log shows the case's device failing because of the host
 * (nospace, hostio): whatever the case found is then no verdict. */
int pc_kmsg_host_failed(const struct pc_kmsg_result *r);

/* The rule on one message (without its "[time] <level>" prefix): 0 fine,
 * 1 fails the case, 2 foreign device, 3 allowed (expected under the cut), 4 the
 * case's device found no room in its backing store, 5 a journal-damage line
 * that names no device (ext4's next journal load failure tells whose: see
 * above; pc_kmsg_take_record ties them), 6 the case's device failed a
 * request the cut did not (its backing store's error).
 * Exposed for the unit tests. */
enum pc_kmsg_class { PC_KMSG_FINE, PC_KMSG_BAD, PC_KMSG_FOREIGN, PC_KMSG_ALLOWED,
		     PC_KMSG_NOSPACE, PC_KMSG_UNTIED, PC_KMSG_HOSTIO };
enum pc_kmsg_class pc_kmsg_classify(const char *msg, const struct pc_kmsg_result *r,
				    enum pc_flakey_mode cut);
/* Keep MSG (kernel log level LEVEL, classified CLS) as R->said when it is
 * the first warning or error about the case's devices that does not count
 * against the case. */
void pc_kmsg_note_said(struct pc_kmsg_result *r, unsigned level, const char *msg,
		       enum pc_kmsg_class cls);

#endif
