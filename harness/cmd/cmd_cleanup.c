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
		   "exit status: 0 done (or nothing to do), 2 usage, 3 something could not\n"
		   "be removed.\n");
}

int cmd_cleanup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int verbose = 1, opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = 2;
			break;
		case 'h':
		default:
			return cmd_usage(usage, opt == 'h');
		}
	}
	if (optind != argc)
		return cmd_usage_error(usage, "cleanup", "unexpected argument '%s'", argv[optind]);
	int ready = cmd_ready();
	if (ready != PC_EXIT_OK)
		return ready;
	int n = pc_state_cleanup(verbose);
	fflush(stdout);
	if (n < 0) {
		pc_fail(PC_ERR_ENV, "cleanup: some objects could not be removed (see above)");
		return PC_EXIT_ENV;
	}
	printf(n ? "cleanup: removed %d object%s\n" : "cleanup: nothing to clean up\n", n,
	       n == 1 ? "" : "s");
	return PC_EXIT_OK;
}
