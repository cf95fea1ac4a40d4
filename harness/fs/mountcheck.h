/* mountcheck.h - is what the kernel mounted what mount_opts asked for?
 * A filesystem may accept an option and not apply it (ext4
 * data=journal,dioread_nolock mounts nodioread_nolock; btrfs
 * nodatacow,compress=zstd mounts without nodatacow; xfs dax=always on a
 * device without DAX mounts dax=never): a case would then test another
 * configuration than the one asked, and its verdict would be taken for
 * the asked one. */
#ifndef PC_MOUNTCHECK_H
#define PC_MOUNTCHECK_H

#include <stddef.h>

/* ASKED: mount_opts as the scenario gives them; SHOWN: the superblock's
 * options in /proc/self/mountinfo after the mount ("rw,data=journal").  An
 * asked filesystem option (the last of its kind: a later one of the same
 * name, or its "no" form, overrides it) is not applied when SHOWN has it
 * with another value or in its opposite form, or when it is one FSTYPE
 * always shows once applied and SHOWN lacks it.  An option the kernel
 * hides as a default is not judged (commit=5 on ext4).  0, or -1 with WHY
 * naming the option and what was mounted instead (nothing printed). */
int pc_fs_check_applied(const char *fstype, const char *asked, const char *shown, char *why,
			size_t len);

#endif
