/* cmd_report.c - `powercut report DIR... -o report.html` (report_html.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "report/report_html.h"
#include "util/escape.h"
#include "util/util.h"

static void report_usage(FILE *f)
{
	fprintf(f,
		"usage: powercut report DIR... -o REPORT.html\n"
		"       powercut report --check DIR...\n\n"
		"One self-contained HTML page for one or more results folders (nights,\n"
		"kernels, shards merged by scripts/merge-results.sh), in the order given:\n"
		"per folder the table of each filesystem (time, WIOS, WBytes, RIOS, RBytes,\n"
		"flushes, lost per case, with links to each case's findings.txt, fsck.log\n"
		"and kernel.log) and plots of time, bytes written and entries lost per\n"
		"case; across several folders the history of each case's outcome and time.\n"
		"A DIR written by scripts/qualify (one results folder per kernel) counts\n"
		"as its folders in name order; a folder of nights (one results folder\n"
		"each) as its folders in the order their runs started (results.json's\n"
		"started; older results, which lack it, first, by name), a symlink in it\n"
		"to a folder read anyway (a nightly's 'latest') skipped.\n"
		"A folder that cannot be read is named (each of them, on\n"
		"stderr and at the top of the page, written with the others: exit 2).\n"
		"Plots are drawn by gnuplot (Debian package gnuplot-nox) as\n"
		"SVG inside the page: viewing it needs no network and no other file.\n\n"
		"options:\n"
		"  -o, --output FILE   the page to write (required without --check)\n"
		"      --check         read every folder as the page would (strictly: a\n"
		"                      results.json not understood is exit 2) and write\n"
		"                      nothing; scripts/qualify and merge-results.sh\n"
		"                      check their inputs with it\n"
		"      --plots-last N  per-folder plots for the last N folders only (default\n"
		"                      30; 'all': every folder's): a year of nights' plots\n"
		"                      made a 19 MB page; every folder's table and the\n"
		"                      history are kept, and the page says what was left out\n"
		"  -h, --help          this help\n\n"
		"The page may not replace a folder's results.json, junit.xml, summary.md\n"
		"or anything under its cases/, a qualify folder's qualify.json, nor\n"
		"anything but a regular file (it is\n"
		"renamed over FILE: /dev/stdout would be replaced) (exit 2).\n\n"
		"Exit: 0 written (--check: every folder understood), 2 usage or input\n"
		"error (a results.json not understood: the page is written without it\n"
		"when another folder could be read; -o naming one of the inputs, or\n"
		"whose folder is not there or is a file),\n"
		"3 gnuplot missing or failing, or the page could not be written.\n");
}

/* --plots-last N|all: N >= 1, 0 for all. */
static int set_plots_last(const struct cmd_line *cl, const char *arg, void *dest)
{
	size_t *n = dest;
	if (!strcmp(arg, "all")) {
		*n = 0;
		return PC_EXIT_OK;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || *arg == '+' || v < 1 || v > 1000000000ULL)
		return cmd_usage_error(cl->usage, cl->name, "--plots-last: expected a number of folders "
				       "from 1 or 'all', not '%s'", arg);
	*n = (size_t)v;
	return PC_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *out = NULL;
	int check = 0;
	size_t plot_last = 30;
	const struct cmd_opt opts[] = {
		{ "output", 'o', required_argument, &out, cmd_set_nonempty },
		{ "check", 0, no_argument, &check, NULL },
		{ "plots-last", 0, required_argument, &plot_last, set_plots_last },
		CMD_OPT_END,
	};
	/* Operands are counted below, once -o is known to be there. */
	const struct cmd_line cl = { "report", report_usage, opts, 0, -1, NULL };
	int first, parsed = cmd_parse(&cl, argc, argv, &first);
	if (parsed != CMD_GO_ON)
		return parsed;
	if (check && out)
		return cmd_usage_error(report_usage, "report", "--check writes nothing: no -o");
	if (!out && !check)
		return cmd_usage_error(report_usage, "report", "expected -o REPORT.html");
	if (first == argc)
		return cmd_usage_error(report_usage, "report", "expected at least one results folder");
	/* Every folder is read, the bad ones too: each is named (not only
	 * the first of a year of nights), and the page names them. */
	struct pc_rh_set set = { .plot_last = plot_last };
	int unread = 0;
	for (int i = first; i < argc; i++)
		if (pc_rh_add(&set, argv[i]) < 0)
			unread = 1;
	if (unread && (check || set.n == 0)) {
		if (!check)
			pc_fail(PC_ERR_INPUT, "report: no results folder could be read; no page written");
		pc_rh_free(&set);
		return PC_EXIT_USAGE;
	}
	if (check) {
		for (size_t k = 0; k < set.n; k++)
			if (set.f[k].ignored) {
				char *where = pc_esc_text(set.f[k].path), *what = pc_esc_text(set.f[k].ignored);
				pc_warn("%s: fields this powercut does not know (a newer powercut's), "
					"ignored as results format %d says they change no verdict's "
					"meaning: %s", where, PC_RESULTS_FORMAT, what);
				free(where);
				free(what);
			}
		pc_rh_free(&set);
		return PC_EXIT_OK;
	}
	if (pc_rh_check_output(&set, out) < 0) {
		pc_rh_free(&set);
		return PC_EXIT_USAGE;
	}
	int rc = pc_rh_write(&set, out) < 0 ? PC_EXIT_ENV : PC_EXIT_OK;
	if (rc == PC_EXIT_OK && unread)
		rc = set.nunread == 1 ?
		     pc_fail(PC_ERR_INPUT, "report: %s written without the results folder above, "
			     "which could not be read (named at its top)", out) < 0 ? PC_EXIT_USAGE : 0 :
		     pc_fail(PC_ERR_INPUT, "report: %s written without the %zu results folders "
			     "above, which could not be read (named at its top)", out,
			     set.nunread) < 0 ? PC_EXIT_USAGE : 0;
	pc_rh_free(&set);
	return rc;
}
