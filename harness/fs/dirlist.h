/* dirlist.h - the regular files and directories of one directory, for the
 * walks that sync a tree (durability.c's modes, psync.c's pool). */
#ifndef PC_DIRLIST_H
#define PC_DIRLIST_H

#include <stddef.h>

struct pc_dir_entry {
	char *name;
	unsigned char type; /* DT_REG or DT_DIR, never following a symlink */
};

/* The regular files and directories of the directory open as FD (which
 * stays open; PATH names it in messages), in readdir order, without "."
 * and "..".  Other types (symlinks, devices, fifos, sockets) are left out:
 * a walk reaches them only through their parent.  The stream is closed
 * before returning, so a walk holds one descriptor per directory, never
 * two.  0 with *OUT (free with pc_dir_list_free) and *NOUT, or -1 with a
 * message. */
int pc_dir_list(int fd, const char *path, struct pc_dir_entry **out, size_t *nout);
void pc_dir_list_free(struct pc_dir_entry *v, size_t n);

#endif
