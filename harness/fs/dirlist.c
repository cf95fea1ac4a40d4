/* dirlist.c - see dirlist.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/dirlist.h"
#include "util/util.h"

void pc_dir_list_free(struct pc_dir_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* DE's type without following a symlink: d_type, or lstat when the
 * filesystem does not fill it in.  DT_UNKNOWN (reported) on failure;
 * anything neither a file nor a directory is DT_LNK for the caller. */
static unsigned char type_of(int fd, const struct dirent *de, const char *path)
{
	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	struct stat sb;
	if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "stat %s/%s", path, de->d_name);
		return DT_UNKNOWN;
	}
	return S_ISREG(sb.st_mode) ? DT_REG : S_ISDIR(sb.st_mode) ? DT_DIR : DT_LNK;
}

int pc_dir_list(int fd, const char *path, struct pc_dir_entry **out, size_t *nout)
{
	/* fdopendir takes over its descriptor: read through a duplicate. */
	int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "dup descriptor of %s", path);
	DIR *d = fdopendir(dupfd);
	if (!d) {
		int e = errno;
		close(dupfd);
		return pc_fail_errno(PC_ERR_RUN, e, "opendir %s", path);
	}
	struct pc_dir_entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				rc = pc_fail_errno(PC_ERR_RUN, errno, "readdir %s", path);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		unsigned char t = type_of(fd, de, path);
		if (t == DT_UNKNOWN) {
			rc = -1;
			break;
		}
		if (t != DT_REG && t != DT_DIR)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].name = xstrdup(de->d_name);
		v[n].type = t;
		n++;
	}
	closedir(d);
	if (rc < 0) {
		pc_dir_list_free(v, n);
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}
