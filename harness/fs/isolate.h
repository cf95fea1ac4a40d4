/* isolate.h - run mkfs, mount, fsck and the unpack process where they can
 * reach no device but the case's own.
 *
 * A scenario is untrusted input, and an option can name a device in many
 * spellings (-Jdevice=LABEL=L, logdev=, device=, journal_path=, UUID=, a
 * path through /proc/1/root ...).  fs.c keeps a blocklist for a clear early
 * error; this module is the guarantee: the tool runs in a private mount
 * namespace (and PID namespace) whose /dev is a fresh tmpfs holding only the
 * case's block device node (at its usual path) and null, zero, full, random,
 * urandom; every other mount is nodev, /sys is read-only, /proc is the new
 * PID namespace's own and /run (blkid cache, udev database) is empty; the
 * host's mounts other than the root, the system folders (/usr, /etc,
 * /lib ...) and those on the way to the tool run (pc_run_isolated) are
 * detached, so that no other run's filesystem is pinned.
 */
#ifndef PC_ISOLATE_H
#define PC_ISOLATE_H

/* In a child between fork and exec (pc_run_setup): enter the isolation for
 * block device DEV.  Forks once more (PID 1 of the new PID namespace is the
 * tool); the intermediate process waits and exits with the tool's status
 * and never returns.  Returns 0 in the process that should exec, or -errno
 * with *what naming the step that failed.  Not async-signal-safe beyond
 * what a single-threaded child may do. */
int pc_isolate_tool(const char *dev, const char **what);

/* pc_run for a tool that must only see block device DEV, with PATH and
 * LC_ALL=C as its whole environment. */
int pc_run_isolated(char *const argv[], const char *dev, char **output, int *status);

/* mount(2) DEV on DIR in an isolated child, then move the mount into our
 * own namespace.  0, or -1 with errno (the mount's or the isolation's) and
 * *what naming the step ("mount" for mount(2) itself). */
int pc_mount_isolated(const char *dev, const char *dir, const char *fstype,
		      unsigned long flags, const char *data, const char **what);

/* For the unpack process before it chroots into TARGET: a private mount
 * namespace holding only the mounts on the way to TARGET (and TARGET's),
 * every one nodev, so no device node (one in the image included) can be
 * opened.  0 or -errno with *what set. */
int pc_isolate_nodev(const char *target, const char **what);

/* Whether the tools can be isolated here: in a chroot whose root folder
 * is not a mount point, no mount namespace can be made private.  0, or -1
 * said why (class ENV), CMD naming the command. */
int pc_isolate_ready(const char *cmd);

#endif
