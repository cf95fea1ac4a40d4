/* mountinfo.h - /proc/self/mountinfo's escaping of path fields: the
 * kernel writes space, tab, newline and backslash as \ooo (show_mountinfo,
 * mangle()), and the reader of the mount on top at a path.  By hand, not
 * libmount: the readers need a field or three of a line, and the rule is
 * four characters. */
#ifndef PC_MOUNTINFO_H
#define PC_MOUNTINFO_H

/* Undo the escaping in place. */
void pc_mountinfo_unescape(char *s);
/* PATH as mountinfo writes it.  Caller frees. */
char *pc_mountinfo_escape(const char *path);

/* The mount on top at MP (a path as the kernel names it: every link
 * resolved), from its line in /proc/self/mountinfo:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - TYPE SOURCE
 * SUPEROPTS".  MP itself is never looked up (a mount whose FUSE server has
 * stopped would hang the lookup). */
struct pc_mount_top {
	char *type;       /* "ext4", "fuse.flakey" */
	char *vfs_opts;   /* the mount's: "rw,relatime" */
	char *super_opts; /* its superblock's: "rw,data=journal" */
};
/* 1 found (T filled; pc_mount_top_free), 0 nothing is mounted at MP, -1
 * mountinfo could not be read (nothing printed). */
int pc_mount_top(const char *mp, struct pc_mount_top *t);
void pc_mount_top_free(struct pc_mount_top *t);

#endif
