/* cmd_manifest.c - `powercut manifest IMAGE... [-o FILE] [--mtree]`: the
 * expected state of an unpacked image, in powercut's manifest format or as
 * an mtree(5) specification. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/mtree.h"
#include "image/unpack.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut manifest IMAGE... [-o FILE] [--mtree] [--platform P]\n\n"
		   "Write the expected manifest of IMAGE (layer tarballs or layer:FILE,\n"
		   "an OCI layout DIR or DIR:TAG, an oci-archive, a docker-archive /\n"
		   "docker-save tar, a skopeo dir: folder; see `powercut inspect`): one\n"
		   "line per path of the final tree, whiteouts applied, with type, mode,\n"
		   "owner, size, sha256, symlink target, device numbers, xattrs and\n"
		   "hardlink groups.  Nothing is written to disk but the output; no\n"
		   "privilege is needed.\n\n"
		   "  -o, --output FILE  write to FILE instead of standard output\n"
		   "  --mtree            write an mtree(5) specification instead (libarchive's\n"
		   "                     writer: type, mode, uid, gid, size, link, sha256,\n"
		   "                     device).  mtree cannot express xattrs nor hardlink\n"
		   "                     groups; see the README.\n"
		   "  --platform P       choose among the platforms of an index\n"
		   "  -h, --help         this text\n\n"
		   "exit status: 0 done, 2 usage or input error, 3 environment error.\n");
}

/* The mtree rendering of M to the file OUT, or to standard output. */
static int write_mtree(struct pc_manifest *m, const char *const *layers, size_t n,
		       const char *out)
{
	if (!out)
		return pc_mtree_write(m, layers, n, stdout, "standard output");
	FILE *f = pc_open_output(out);
	if (!f)
		return -1;
	int rc = pc_mtree_write(m, layers, n, f, out);
	if (fclose(f) != 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_ENV, errno, "write %s", out);
	return rc;
}

int cmd_manifest(int argc, char **argv)
{
	const char *platform = NULL, *out = NULL;
	int mtree = 0;
	const struct cmd_opt opts[] = {
		{ "output", 'o', required_argument, &out, cmd_set_nonempty },
		{ "mtree", 0, no_argument, &mtree, NULL },
		CMD_OPT_PLATFORM(&platform),
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "manifest", usage, opts, 1, -1, "no IMAGE given" };
	struct pc_image img;
	int rc = cmd_parse_image(&cl, argc, argv, &platform, &img);
	if (rc != CMD_GO_ON)
		return rc;
	const char **paths = pc_image_layer_paths(&img);
	struct pc_manifest *m = NULL;
	uint64_t total = 0;
	rc = pc_image_scan(paths, img.nlayers, &m, &total);
	if (rc == 0 && mtree) {
		rc = write_mtree(m, paths, img.nlayers, out);
	} else if (rc == 0 && out) {
		rc = pc_manifest_save(m, out);
	} else if (rc == 0) {
		rc = pc_manifest_write(m, stdout);
		if (rc == 0 && fflush(stdout) != 0)
			rc = pc_fail_errno(PC_ERR_ENV, errno, "write standard output");
	}
	pc_manifest_free(m);
	free(paths);
	pc_image_close(&img);
	return rc == 0 ? PC_EXIT_OK : pc_exit_for_error(PC_EXIT_USAGE);
}
