/* fs.h - mkfs, probe, mount, unmount and fsck for ext4, xfs, btrfs. */
#ifndef PC_FS_H
#define PC_FS_H

#include <stddef.h>

#include "fs/fsopts.h"

/* CLEAN: the check ran to its end and found nothing; ERRORS: it found
 * errors; SKIPPED: it could not run, or did not end on its own (not
 * found, killed, past tool_timeout, interrupted); FAILED: it ended on its
 * own but says it did not check the filesystem (e2fsck's operational
 * error, an exit status the tool does not document, exit 0 without the
 * line a finished check prints).  Neither of the last two is a clean
 * result; results.json names both "skipped". */
enum pc_fsck_result { PC_FSCK_CLEAN, PC_FSCK_ERRORS, PC_FSCK_SKIPPED, PC_FSCK_FAILED };

/* The I-th filesystem powercut knows (ext4, xfs, btrfs); NULL past the end. */
const char *pc_fs_name(unsigned i);
/* The I-th program a case on FSTYPE runs, as pc_fs_mkfs and pc_fs_fsck
 * name it (0: its mkfs, mkfs.xfs; 1: its read-only check, xfs_repair);
 * NULL past the last, or for a filesystem powercut does not know. */
const char *pc_fs_tool(const char *fstype, unsigned i);
/* What a failing tool said, on one line: its first and its last line
 * ("FIRST ... LAST"), as the three mkfs tools put their reason first
 * (mkfs.xfs, then its usage; mkfs.btrfs, then its banner) or last (mke2fs,
 * after its banner).  A usage text after the reason (a line starting
 * "Usage:") is left out.  Caller frees. */
char *pc_fs_tool_message(const char *out);
/* Does kernel log line MSG begin as another filesystem driver's lines do
 * ("XFS ..." when FSTYPE is ext4), or another's journal layer ("JBD2: ..."
 * when FSTYPE is xfs)?  0 for FSTYPE's own driver, a line of
 * no filesystem driver, or an unknown FSTYPE. */
int pc_fs_other_driver_line(const char *fstype, const char *msg);
/* Does LIST (the text of /proc/filesystems: "nodev\tproc", "\text4", a line
 * each) name filesystem TYPE? */
int pc_fs_listed(const char *list, const char *type);
/* Does the running kernel know filesystem TYPE now (/proc/filesystems)?
 * 1 yes, 0 no, -1 the list cannot be read. */
int pc_fs_kernel_has(const char *type);
/* WHY: the running kernel lacks filesystem TYPE, naming its CONFIG_
 * option and module (for an environment error). */
void pc_fs_missing_why(const char *type, char *why, size_t len);
/* mkfs FSTYPE [opts] DEV, then confirm the type with libblkid.  0; -1 when
 * mkfs could not run or failed, or made an ext4 that panics on errors or
 * holds default mount options (mke2fs.conf's doing: class ENV), or made an
 * ext4 without a journal that OPTS did not ask for (pc_fs_ext4_check_journal:
 * INPUT or ENV); -2 (class INPUT) when it succeeded but
 * OPTS left another filesystem, or none, on DEV. */
int pc_fs_mkfs(const char *fstype, const char *opts, const char *dev);
/* Does the ext4 superblock on DEV (a device or an image file) say errors =
 * panic?  1 yes, 0 no, -1 it cannot be read. */
int pc_fs_ext4_panics(const char *dev);
/* Has the ext4 on DEV (a device or an image file) a journal?  1 yes, 0 no,
 * -1 its superblock cannot be read. */
int pc_fs_ext4_has_journal(const char *dev);
/* An ext4 on DEV without a journal that OPTS (mkfs_opts) did not ask for
 * (-O ^has_journal): -1, class INPUT when it is too small for one (under
 * 2048 blocks), else ENV (mke2fs.conf's doing); 0 otherwise. */
int pc_fs_ext4_check_journal(const char *dev, const char *opts);
/* The default mount options in the ext4 superblock on DEV (mke2fs.conf's
 * default_mntopts, applied at every mount and not shown in mountinfo)
 * beyond acl, user_xattr and journal_data_ordered, which change nothing a
 * case tests: 1 with their names in NAMES (e2p's, ','-separated), 0 none,
 * -1 it cannot be read. */
int pc_fs_ext4_default_mntopts(const char *dev, char *names, size_t len);
/* Probe DEV with libblkid; out receives TYPE or "" when none. */
int pc_fs_probe(const char *dev, char *out, size_t len);
/* mount(2) with the options string split into MS_* flags and data.  On
 * failure errno is the reason (EBUSY: the device is still held). */
int pc_fs_mount(const char *dev, const char *dir, const char *fstype,
		const char *opts);
/* Does DEV mount with no options at all (then unmounted again)?  1 yes,
 * 0 the kernel refuses it (EINVAL) even so, -1 something else failed.  Tells which is to blame when a fresh filesystem's
 * mount with options is refused: the options, or what mkfs made. */
int pc_fs_mounts_bare(const char *dev, const char *dir, const char *fstype);
/* The options of the filesystem mounted at DIR as the kernel shows them
 * in /proc/self/mountinfo: the mount's (VFS: "rw,relatime") and its
 * superblock's ("rw,data=journal,commit=5").  0, or -1 (nothing printed)
 * when DIR is not a mount point or a field does not fit. */
int pc_fs_mounted_options(const char *dir, char *vfs, size_t vlen, char *fs, size_t flen);
/* Did the kernel apply mount_opts OPTS to the FSTYPE mounted at DIR, as
 * /proc/self/mountinfo shows it (mountcheck.h)?  0, or -1 said: an option
 * it accepted and did not apply (class INPUT: the case would test another
 * configuration than asked), or mountinfo that could not be read (RUN: the
 * options were not checked). */
int pc_fs_check_mount_applied(const char *dir, const char *fstype, const char *opts);
int pc_fs_umount(const char *dir);
/* Wait (up to 10 s) until nothing holds DEV: after an unmount, a copy of
 * the mount in another mount namespace keeps the filesystem alive (and
 * writing).  -1 if it is still held, class ENV (the machine's doing),
 * naming the processes that have it open, else the mounts of it in other
 * mount namespaces (a process of each and the mount point, from
 * /proc/PID/mountinfo); it was class RUN, and said "after its filesystem
 * was unmounted" before mkfs too. */
int pc_fs_wait_released(const char *dev);
/* The processes other than this one with block device DEV open, "pid N
 * (comm), ..." (the first few) into OUT; how many.  0 when none (or DEV is
 * no block device). */
int pc_fs_device_openers(const char *dev, char *out, size_t len);
/* 1 if something holds block device DEV exclusively now (a mount, or a
 * process that opened it O_EXCL), else 0. */
int pc_fs_device_held(const char *dev);
/* The same for the processes using the filesystem mounted at DIR: their
 * current folder, root or an open file is on it. */
int pc_fs_mount_users(const char *dir, char *out, size_t len);
/* What FSTYPE's read-only check says by its exit STATUS (below 128) and
 * OUTPUT on DEV: e2fsck's status bits 1, 2 or 4 are errors found, 8, 16
 * or 32 alone (operational error, usage, cancelled) a check not made;
 * xfs_repair -n's and btrfs check's 1 is errors found when the output
 * shows the check ran to its end or names the damage that stopped it
 * (else FAILED: both exit 1 when they could not check); 0 is clean only
 * with the text a finished check prints (and, for btrfs check, without a
 * metadata block that failed its checksum or generation: errors, though
 * it read the other copy); any other status is FAILED.
 * WHY says why when FAILED (else ""). */
enum pc_fsck_result pc_fs_fsck_judge(const char *fstype, const char *dev, int status,
				     const char *output, char *why, size_t len);
/* Does fsck's OUTPUT say it left the journal's changes unreplayed (e2fsck
 * -n's "skipping journal recovery", xfs_repair -n's "valuable metadata
 * changes in a log")?  Then it checked the filesystem without them: one
 * whose mount after the cut failed (everything since mkfs may be in the
 * journal), or whose journal the kernel aborted on an error.  1 or 0. */
int pc_fs_fsck_unreplayed(const char *fstype, const char *output);
/* Read-only check; *output receives what the tool printed (or NULL).
 * SKIPPED or FAILED (with a message) when it did not check the
 * filesystem: never a clean result. */
enum pc_fsck_result pc_fs_fsck(const char *fstype, const char *dev,
			       char **output);

#endif
