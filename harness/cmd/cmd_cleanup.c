/* cmd_cleanup.c - `powercut cleanup`: undo what killed runs left behind. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "run/state.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut cleanup [-v]\n\n"
		   "Remove what runs that were killed left behind: their mounts, loop\n"
		   "devices, dm devices, fuse servers and work folders.  Only runs registered\n"
		   "in " PC_STATE_DIR " whose process is gone are touched; running ones are\n"
		   "left alone.  Prints each object it removes.\n\n"
		   "  -v, --verbose  also say what was left alone and why\n"
		   "  -h, --help     this text\n\n"
		   "exit status: 0 done (or nothing to do), 2 usage, 3 not root or something\n"
		   "could not be removed.\n");
}

int cmd_cleanup(int argc, char **argv)
{
	int verbose = 0, first;
	/* One line per object removed, written as it goes: a cleanup killed
	 * part-way, its output in a file or a pipe, still says what it had
	 * already removed (block-buffered, the lines went with the process). */
	if (setvbuf(stdout, NULL, _IOLBF, 0) != 0)
		pc_warn("cleanup: cannot line-buffer standard output; its lines may come late");
	const struct cmd_opt opts[] = {
		{ "verbose", 'v', no_argument, &verbose, NULL },
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "cleanup", usage, opts, 0, 0, NULL };
	int rc = cmd_parse(&cl, argc, argv, &first);
	if (rc != CMD_GO_ON)
		return rc;
	if ((rc = cmd_ready()) != PC_EXIT_OK)
		return rc;
	int n = pc_state_cleanup(verbose ? 2 : 1);
	fflush(stdout);
	if (n < 0) {
		pc_fail(PC_ERR_ENV, "cleanup: some objects could not be removed (see above)");
		return PC_EXIT_ENV;
	}
	printf(n ? "cleanup: removed %d object%s\n" : "cleanup: nothing to clean up\n", n,
	       n == 1 ? "" : "s");
	return PC_EXIT_OK;
}
