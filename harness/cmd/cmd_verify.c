/* cmd_verify.c - `powercut verify MANIFEST DIR [--json]`: check any tree
 * against a manifest, e.g. after a real plug-pull test on hardware. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cmd/commands.h"
#include "image/manifest.h"
#include "util/util.h"
#include "check/verify.h"
#include "util/escape.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut verify MANIFEST DIR [--json] [--jobs N]\n\n"
		   "Check the tree under DIR against MANIFEST (from `powercut manifest`,\n"
		   "`powercut unpack -m` or a run's results) and print each difference on\n"
		   "its own line,\n\n"
		   "  KIND PATH: DETAIL\n\n"
		   "KIND is one of missing, size, content, type, mode, owner, xattr, link,\n"
		   "rdev, hardlink, extra; PATH is escaped as in the manifest.  A summary\n"
		   "line follows.  Symlinks are never followed out of DIR.  On overlayfs\n"
		   "(a container's rootfs) link counts are not compared.\n\n"
		   "  --json      print one JSON object instead: {\"intact\", \"lost\",\n"
		   "              \"checked\", \"findings\": {KIND: COUNT}, \"details\":\n"
		   "              [{\"kind\", \"path\", \"detail\"}]}\n"
		   "  --jobs N    check N entries at once (threads; default 16, 1 to 256;\n"
		   "              1: one at a time); the output is the same for any N\n"
		   "  -h, --help  this text\n\n"
		   "Needs root: it reads every file whatever its mode, and trusted.*\n"
		   "xattrs (invisible to other users, so unexpected ones would go\n"
		   "unseen).\n\n"
		   "exit status: 0 intact, 1 differences found, 2 usage or input error\n"
		   "(unreadable manifest, missing DIR) or any other error, 3 not root, an\n"
		   "access the system refused or no /proc: no verdict.\n");
}

static void print_text(const struct pc_verify_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		char *path = pc_esc_text(r->findings[i].path);
		char *detail = pc_esc_text(r->findings[i].detail);
		printf("%s %s: %s\n", pc_finding_name(r->findings[i].kind), path, detail);
		free(path);
		free(detail);
	}
	if (r->nfindings == 0) {
		printf("summary: intact, %zu entries checked\n", r->checked);
		return;
	}
	char kinds[512];
	pc_finding_counts_text(r->counts, kinds, sizeof(kinds));
	printf("summary: %zu of %zu entries lost, %zu findings (%s)\n", r->lost, r->checked,
	       r->nfindings, kinds);
}

static int print_json(const struct pc_verify_result *r)
{
	json_t *counts = json_object();
	for (int k = 0; k < PC_F_NKINDS; k++)
		if (r->counts[k])
			json_object_set_new(counts, pc_finding_name((enum pc_finding_kind)k),
					    json_integer((json_int_t)r->counts[k]));
	json_t *details = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(details,
				      json_pack("{s:s, s:o, s:o}", "kind",
						pc_finding_name(r->findings[i].kind), "path",
						pc_esc_json(r->findings[i].path), "detail",
						pc_esc_json(r->findings[i].detail)));
	json_t *o = json_pack("{s:b, s:I, s:I, s:o, s:o}", "intact", r->nfindings == 0, "lost",
			      (json_int_t)r->lost, "checked", (json_int_t)r->checked, "findings",
			      counts, "details", details);
	int rc = 0;
	if (!o || json_dumpf(o, stdout, JSON_INDENT(2)) < 0 || printf("\n") < 0)
		rc = pc_fail(PC_ERR_RUN, "verify: cannot write the JSON report");
	json_decref(o);
	return rc;
}

#define OVERLAYFS_MAGIC 0x794c7630 /* linux/magic.h OVERLAYFS_SUPER_MAGIC */

/* DIR is on overlayfs (a runtime's rootfs mount, containerd's snapshots
 * mounted): checked as such a view is (pc_verify_view), since a file of a
 * lower layer keeps the link count its hidden names gave it, and a
 * whiteout may be listed without resolving.  Said on stderr. */
static int on_overlayfs(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) < 0 || (unsigned long)sf.f_type != OVERLAYFS_MAGIC)
		return 0;
	fprintf(stderr, "powercut: %s is on overlayfs: link counts are not compared (a lower "
			"layer's file keeps the links of names a whiteout hid)\n", dir);
	return 1;
}

/* --jobs N: 1 to 256 checking threads. */
static int set_jobs(const struct cmd_line *cl, const char *arg, void *dest)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);
	if (!*arg || *end || arg[0] == '-' || n < 1 || n > 256)
		return cmd_usage_error(cl->usage, cl->name, "--jobs: expected 1 to 256");
	*(unsigned *)dest = (unsigned)n;
	return PC_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	int json = 0;
	const struct cmd_opt opts[] = {
		{ "json", 0, no_argument, &json, NULL },
		{ "jobs", 0, required_argument, &pc_verify_workers, set_jobs },
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "verify", usage, opts, 2, 2, "expected MANIFEST and DIR" };
	int first, parsed = cmd_parse(&cl, argc, argv, &first);
	if (parsed != CMD_GO_ON)
		return parsed;
	int rc;
	if ((rc = cmd_ready()) != PC_EXIT_OK)
		return rc;
	const char *mpath = argv[first], *dir = argv[first + 1];
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		pc_fail(PC_ERR_INPUT, "verify: %s is not a folder", dir);
		return PC_EXIT_USAGE;
	}
	struct pc_manifest *m = pc_manifest_load(mpath);
	if (!m)
		return PC_EXIT_USAGE;
	struct pc_verify_result r;
	memset(&r, 0, sizeof(r));
	rc = on_overlayfs(dir) ? pc_verify_view(m, dir, &r) : pc_verify_tree(m, dir, &r);
	pc_manifest_free(m);
	if (rc < 0) /* no verdict: privilege or /proc missing (3), any other error 2 */
		return pc_exit_for_error(PC_EXIT_USAGE);
	if (json)
		rc = print_json(&r);
	else
		print_text(&r);
	if (fflush(stdout) != 0)
		rc = pc_fail(PC_ERR_RUN, "verify: cannot write standard output");
	int code = rc < 0 ? PC_EXIT_USAGE : r.nfindings ? PC_EXIT_FAIL : PC_EXIT_OK;
	pc_verify_result_free(&r);
	return code;
}
