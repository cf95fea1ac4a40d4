/* cmd_unpack.c - `powercut unpack IMAGE... DIR [-m MANIFEST]`: apply an
 * image's layers onto a folder, as a run does, and keep the manifest. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cmd/commands.h"
#include "util/escape.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/unpack.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut unpack IMAGE... DIR [-m MANIFEST] [--platform P]\n\n"
		   "Apply the layers of IMAGE (layer tarballs or layer:FILE, an OCI layout\n"
		   "DIR or DIR:TAG, an oci-archive, a docker-archive / docker-save tar, a\n"
		   "skopeo dir: folder) in order onto DIR (created if missing; it must be\n"
		   "empty, and only root or the user who ran sudo may own it, the folders\n"
		   "above it and any symlink on its path), honouring OCI whiteouts, exactly\n"
		   "as `powercut run` does, but with no device, durability mode or power cut.\n"
		   "Needs root (owners, devices, trusted.* xattrs; extraction runs chrooted\n"
		   "into DIR).\n\n"
		   "  -m, --manifest FILE  save the manifest of the unpacked tree to FILE,\n"
		   "                       for `powercut verify FILE DIR` later\n"
		   "  --platform P         choose among the platforms of an index\n"
		   "  -h, --help           this text\n\n"
		   "exit status: 0 done, 1 DIR's file system refused an entry of the\n"
		   "image, 2 usage or input error (-m naming a folder, a DIR path through\n"
		   "a file included), 3 not root, a missing kernel feature, DIR's file\n"
		   "system full, read-only or failing (I/O error), or -m FILE that cannot\n"
		   "be written.\n");
}

/* DIR must hold nothing yet: the unpack removes whatever is in the way of
 * an image entry (as a later layer replaces an earlier one), which in a
 * folder of the user's would be their files; and what it did not write
 * would be mixed into the tree.  GNU tar refuses the first case too. */
static int refuse_nonempty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return pc_fail_errno(PC_ERR_INPUT, errno, "open folder %s", dir);
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")))
		;
	int err = errno;
	char *first = de ? pc_esc_text(de->d_name) : NULL;
	closedir(d);
	int rc = 0;
	if (first)
		rc = pc_fail(PC_ERR_INPUT, "%s is not empty (it holds %s): the unpack would remove "
			     "what is in the way of the image's entries; give a new or empty folder",
			     dir, first);
	else if (err)
		rc = pc_fail_errno(PC_ERR_RUN, err, "read folder %s", dir);
	free(first);
	return rc;
}

/* The unpack enters DIR by path (chdir, then chroot): a user who can
 * rename DIR (theirs, or in a folder of theirs) or re-point a symlink of
 * theirs on its path could have root write the image, setuid files and
 * device nodes included, into another empty folder, or keep root's tree
 * in a folder they own.  As for a run's results folder (outdir.c). */
static int refuse_exposed(const char *dir)
{
	return pc_refuse_exposed_folder("", dir, "they could swap it for a symlink before the "
					"unpack enters it and have root write the image "
					"elsewhere");
}

/* -m FILE is looked at before anything is unpacked: a folder, or a name
 * in a folder that is not there, is a usage error (exit 2) with DIR left
 * as it was, not a failed unpack (exit 1) after the work is done.  Other
 * files are kept: -m /dev/stdout and -m >(gzip >m.gz) write there. */
static int check_manifest_out(const char *path)
{
	struct stat st;
	if (pc_output_check(path) < 0) /* another user's name for a file of root's */
		return -1;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return pc_fail(PC_ERR_INPUT, "manifest %s: is a folder; -m names the file "
				       "to write", path);
		return 0;
	}
	if (errno != ENOENT)
		return pc_fail_errno(PC_ERR_INPUT, errno, "manifest %s", path);
	char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		strcpy(parent, ".");
	else if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	int rc = 0;
	if (stat(parent, &st) < 0)
		rc = pc_fail_errno(PC_ERR_INPUT, errno, "manifest %s: its folder %s", path, parent);
	else if (!S_ISDIR(st.st_mode))
		rc = pc_fail(PC_ERR_INPUT, "manifest %s: %s is not a folder", path, parent);
	free(parent);
	return rc;
}

/* A failure on DIR for the host's reason: its file system full (ENOSPC,
 * EDQUOT), read-only or failing (EIO).  That is the machine's (exit 3), as
 * a full results or work folder is; 1 is left for DIR's file system
 * refusing what the image holds (a device number XFS cannot keep). */
static int unpack_exit(void)
{
	int e = pc_last_fail_errno;
	if (pc_last_errclass == PC_ERR_RUN &&
	    (e == ENOSPC || e == EDQUOT || e == EROFS || e == EIO))
		return PC_EXIT_ENV;
	return pc_exit_for_error(PC_EXIT_FAIL);
}

/* DIR made with its parents.  A DIR path that cannot name a folder (through
 * a file, a link loop, a name too long) is the argument's fault: exit 2,
 * not 1 as if the image had failed to unpack. */
static int make_dir(const char *dir)
{
	if (pc_mkdir_p(dir, 0755) == 0)
		return 0;
	int e = pc_last_fail_errno;
	if (e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG)
		pc_last_errclass = PC_ERR_INPUT;
	return -1;
}

/* DIR on a read-only file system: said at once (the disk writer's own
 * message was "Failed to create dir 'etc': No such file or directory"). */
static int refuse_read_only(const char *dir)
{
	struct statvfs sv;
	if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return pc_fail_errno(PC_ERR_ENV, EROFS, "unpack into %s", dir);
	return 0;
}

int cmd_unpack(int argc, char **argv)
{
	const char *platform = NULL, *mout = NULL;
	const struct cmd_opt opts[] = {
		{ "manifest", 'm', required_argument, &mout, cmd_set_nonempty },
		CMD_OPT_PLATFORM(&platform),
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "unpack", usage, opts, 2, -1, "expected IMAGE... and DIR" };
	int first, rc = cmd_parse(&cl, argc, argv, &first);
	if (rc != CMD_GO_ON)
		return rc;
	if ((rc = cmd_ready()) != PC_EXIT_OK)
		return rc;
	if (mout && check_manifest_out(mout) < 0)
		return PC_EXIT_USAGE;
	/* The image first: one that cannot be read leaves no DIR behind. */
	struct pc_image img;
	rc = cmd_image_open(argv + first, argc - first - 1, platform, &img);
	if (rc != PC_EXIT_OK)
		return rc;
	const char *dir = argv[argc - 1];
	struct stat before;
	int made = lstat(dir, &before) < 0;
	if (make_dir(dir) < 0 || refuse_exposed(dir) < 0 || refuse_nonempty(dir) < 0 ||
	    refuse_read_only(dir) < 0) {
		if (made)
			rmdir(dir); /* no empty DIR of ours left behind */
		pc_image_close(&img);
		return unpack_exit();
	}
	const char **paths = pc_image_layer_paths(&img);
	struct pc_manifest *m = NULL;
	struct pc_unpack_stats st;
	memset(&st, 0, sizeof(st));
	rc = pc_unpack_layers(paths, img.nlayers, dir, &m, &st, NULL, NULL);
	if (rc == 0 && mout)
		rc = pc_manifest_save(m, mout);
	if (rc == 0) {
		char *shown = pc_esc_text(dir);
		printf("unpacked %zu layers into %s: %" PRIu64 " entries, %" PRIu64
		       " bytes, %" PRIu64 " whiteouts\n",
		       img.nlayers, shown, st.entries, st.bytes, st.whiteouts);
		free(shown);
	}
	pc_manifest_free(m);
	free(paths);
	pc_image_close(&img);
	return rc == 0 ? PC_EXIT_OK : unpack_exit();
}
