/* fsopts.h - mkfs_opts and mount_opts: checked as mkfs and mount(8) read
 * them, and mount options split for mount(2). */
#ifndef PC_FSOPTS_H
#define PC_FSOPTS_H

#include <stddef.h>

/* Why a filesystem that panics on an error is refused: the cut makes
 * errors on purpose (cut = error fails every write, which aborts ext4's
 * journal), and finding corruption is the point of a case, so such a
 * setting would take the machine down instead of reporting a verdict. */
#define PC_FS_PANIC_WHY "a filesystem error would panic the kernel, and the cut causes " \
			"errors on purpose (cut = error, a corrupt crash point), taking the " \
			"machine down instead of reporting a verdict"

/* Check mkfs_opts OPTS for FSTYPE, and mount_opts OPTS, as pc_fs_mkfs and
 * pc_fs_mount do before they run anything: an option naming another
 * device or a file is refused.  0, or -1 with the reason in WHY (nothing
 * printed: the scenario reader adds FILE:LINE: KEY). */
int pc_fs_check_mkfs_opts(const char *fstype, const char *opts, char *why, size_t len);
int pc_fs_check_mount_opts(const char *opts, char *why, size_t len);
/* pc_fs_check_mkfs_opts, and a UUID or label OPTS sets (mke2fs -U, -L;
 * mkfs.xfs -m uuid=, -L; mkfs.btrfs -U, -L and their long forms) that a
 * block device of the host already has is refused too: while a case runs
 * its device would have it as well, and what finds a filesystem by UUID or
 * label (udev's /dev/disk/by-*, mount UUID=, the kernel's btrfs registry)
 * could take the case's device for the host's.  Done when the scenario is
 * read, not at each mkfs (the run's own devices would count then). */
int pc_fs_check_mkfs_host_tags(const char *fstype, const char *opts, char *why, size_t len);
/* Which block device of the host has TAG ("UUID" or "LABEL") = VALUE: a
 * description naming it (the caller frees it), or NULL.  By default
 * pc_fs_host_tag_probe: a mounted btrfs of that UUID in /sys/fs/btrfs,
 * then every block device probed by libblkid (the host's blkid cache file
 * neither read nor written); a device powercut cannot open is not seen.
 * Tests replace it. */
extern char *(*pc_fs_host_tag)(const char *tag, const char *value);
char *pc_fs_host_tag_probe(const char *tag, const char *value);
/* OPTS split as mount(8) does: the generic options into MS_* flags (the
 * last of ro/rw and the like wins), the options mount(8) keeps to itself
 * (nofail, x-..., ...) dropped, the rest into *DATA for the filesystem,
 * joined by ',' (NULL if none; the caller frees it). */
void pc_fs_mount_opts_parse(const char *opts, unsigned long *flags, char **data);
/* The next option of *P, split at a ',' outside "..." as mount(8) and the
 * kernel's LSM options split them (context="a,b" is one option), blanks
 * around it cut off; NULL at the end (the caller frees it). */
char *pc_fs_next_mount_option(const char **p);

#endif
