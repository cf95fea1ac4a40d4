/* cmd_compare.c - `powercut compare BASE NEW [--json] [--time-threshold X]
 * [--fail-on-slowdown] [--known FILE] [--flaky-ok] [--allow-removed]
 * [--allow-setup-change] [--allow-same-run]` (compare.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "report/compare.h"
#include "check/known.h"
#include "util/size.h"
#include "util/util.h"

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: powercut compare BASE NEW [options]\n\n"
		"What changed from the results folder BASE (the last good run) to NEW:\n"
		"per case, regression (pass -> fail), new failing (only in NEW, fails),\n"
		"fixed, still failing, flaky, known, unexpected pass, new or removed\n"
		"cases, environment error and interrupted (NEW did not check it: the host\n"
		"failed it, or a signal stopped it), checked again (BASE did not check\n"
		"it, NEW passes: no fix); per case (medians over repeats)\n"
		"each phase's time and I/O counter as NEW/BASE ratios, and slowdowns.\n"
		"BASE and NEW are folders holding results.json (merged shard folders too,\n"
		"see scripts/merge-results.sh) or results.json files; when both record\n"
		"when they started and BASE started after NEW (given the wrong way\n"
		"round?), a line above the table says so.  Markdown on\n"
		"standard output, fit for a CI comment.\n\n"
		"options:\n"
		"      --json               JSON instead of markdown\n"
		"      --time-threshold X   a case whose median total time NEW/BASE exceeds X\n"
		"                           is a slowdown (default 1.25)\n"
		"      --fail-on-slowdown   slowdowns count as regressions (exit 1)\n"
		"      --known FILE         known failures (as run --known): a covered failure\n"
		"                           is 'known', a covered pass 'unexpected pass'\n"
		"                           (may be given more than once)\n"
		"      --flaky-ok           flaky cases in NEW do not make the exit status 1\n"
		"      --allow-removed      cases of BASE missing from NEW do not make the exit\n"
		"                           status 1 (cases dropped from the scenario on purpose)\n"
		"      --allow-setup-change cases whose setup changed (mkfs or mount options,\n"
		"                           backend, cut, write cache, image files, ...) do not\n"
		"                           make the exit status 1 (changed on purpose), nor\n"
		"                           do cases whose setup BASE or NEW does not record\n"
		"                           (an older powercut's results: setup unknown)\n"
		"      --allow-same-run     BASE and NEW holding the same results (one run\n"
		"                           given twice, or a copy of it) does not make the\n"
		"                           exit status 1 (seeding the first last good run)\n"
		"  -h, --help               this help\n\n"
		"Exit: 0 no regression, 1 regressions (a pass or flaky case that fails or\n"
		"errs, a known one no entry covers any more, a case that ran in BASE and\n"
		"errs in NEW for its own reason or its input, one BASE expected intact that passes in NEW only under a\n"
		"looser expect while it lost entries), new failing cases (only in NEW, not known), lost coverage (a case of BASE missing from NEW\n"
		"without --allow-removed, a case on another setup, or whose setup a side does\n"
		"not record, without\n"
		"--allow-setup-change, NEW with fewer cases than its run planned, one shard\n"
		"of a sharded run not merged, without any case, a case of NEW interrupted,\n"
		"or the same run as BASE\n"
		"without --allow-same-run), flaky cases, or slowdowns\n"
		"with --fail-on-slowdown; 2 usage or input error (a results.json not\n"
		"understood); 3 cases of NEW erred for the environment (results.json\n"
		"error_class: the host failed them; not checked, no regression, no pass)\n"
		"and nothing else is worse, or the report could not be written.\n");
}

/* --time-threshold X: a ratio from 1 to 1000. */
static int set_threshold(const struct cmd_line *cl, const char *s, void *dest)
{
	(void)cl;
	/* A plain decimal: strtod alone also takes " 2", "0x10" and "1e3". */
	double v = strtod(s, NULL);
	if (!pc_decimal_prefix(s) || s[pc_decimal_prefix(s)] || !(v >= 1.0) || v > 1000.0) {
		pc_fail(PC_ERR_INPUT, "compare: --time-threshold '%s': expected a number "
			"from 1 to 1000 (1.25: 25%% slower)", s);
		return PC_EXIT_USAGE;
	}
	*(double *)dest = v;
	return PC_EXIT_OK;
}

/* Known-failures entries that match no case of NEW. */
static void warn_unmatched_known(const struct pc_known *known, const struct pc_cmp_side *new)
{
	const char **ids = xcalloc(new->n ? new->n : 1, sizeof(*ids));
	for (size_t i = 0; i < new->n; i++)
		ids[i] = new->v[i].id;
	char *what = xasprintf("NEW (%s)", new->path);
	pc_known_warn_unmatched(known, ids, new->n, what);
	free(what);
	free(ids);
}

int cmd_compare(int argc, char **argv)
{
	struct pc_cmp_opts o = { .threshold = 1.25 };
	struct pc_known known = { 0 };
	int json = 0;
	const struct cmd_opt opts[] = {
		{ "json", 0, no_argument, &json, NULL },
		{ "time-threshold", 0, required_argument, &o.threshold, set_threshold },
		{ "fail-on-slowdown", 0, no_argument, &o.fail_on_slowdown, NULL },
		{ "allow-removed", 0, no_argument, &o.allow_removed, NULL },
		{ "allow-setup-change", 0, no_argument, &o.allow_setup_change, NULL },
		{ "allow-same-run", 0, no_argument, &o.allow_same_run, NULL },
		CMD_OPT_KNOWN(&known),
		CMD_OPT_FLAKY_OK(&o.flaky_ok),
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "compare", compare_usage, opts, 2, 2, "expected BASE and NEW" };
	int first, parsed = cmd_parse(&cl, argc, argv, &first);
	if (parsed != CMD_GO_ON) {
		pc_known_free(&known);
		return parsed;
	}
	o.known = &known;
	struct pc_cmp_report r = { 0 };
	if (pc_cmp_load(argv[first], &r.base) < 0 || pc_cmp_load(argv[first + 1], &r.new) < 0) {
		pc_cmp_report_free(&r);
		pc_known_free(&known);
		return PC_EXIT_USAGE;
	}
	warn_unmatched_known(&known, &r.new);
	pc_cmp_run(&r, &o);
	if (json) {
		json_t *j = pc_cmp_json(&r);
		char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		json_decref(j);
		if (text)
			printf("%s\n", text);
		free(text);
	} else {
		pc_cmp_markdown(&r, stdout);
	}
	int rc = pc_cmp_exit(&r);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = pc_fail(PC_ERR_ENV, "compare: cannot write the report") < 0 ? PC_EXIT_ENV : rc;
	pc_cmp_report_free(&r);
	pc_known_free(&known);
	return rc;
}
