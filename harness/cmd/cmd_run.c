/* cmd_run.c - `powercut run SCENARIO [-o DIR] [--keep] [--filter PATTERN]
 * [--shard K/N] [--list]`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/attempts.h"
#include "cmd/commands.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "check/known.h"
#include "image/image.h"
#include "run/outdir.h"
#include "run/tools.h"
#include "run/result.h"
#include "run/runner.h"
#include "run/scenario.h"
#include "run/state.h"
#include "util/util.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: powercut run SCENARIO [options]\n\n"
		"Run every case of SCENARIO (an INI file): make a flakey device, mkfs,\n"
		"mount, unpack the image, apply the durability mode, write and fsync a\n"
		"commit record, cut the power, remount, verify every entry against the\n"
		"manifest and fsck.  Needs root.\n\n"
		"options:\n"
		"  -o, --output DIR     results folder (default results/DATE-TIME-SCENARIO, or\n"
		"                       with -2, -3 ... when that exists); locked for the run;\n"
		"                       one holding a run's results is refused (exit 2)\n"
		"  -f, --filter PATTERN run only cases whose id matches (fnmatch, e.g. '*/ext4/*')\n"
		"  -s, --shard K/N      run only shard K of N: every Nth case from the Kth\n"
		"                       (after --filter), to split a scenario between machines\n"
		"  -l, --list           print the ids of the cases that would run, and exit;\n"
		"                       -w and -o are checked as a run checks them (exit 2),\n"
		"                       the machine (root, tools) is not\n"
		"      --list-inputs    print the files the run reads, 'KIND PATH' a line (KIND:\n"
		"                       scenario, image, fio-job, known; PATH absolute, as a\n"
		"                       name: bytes outside '!'..'~' and %%, =, \\ as %%XX), and exit;\n"
		"                       the scenario and --known are checked, the other\n"
		"                       options are not (they may name another machine's folders)\n"
		"  -k, --keep           keep each case's work folder (backing image) for inspection\n"
		"  -w, --workdir DIR    where backing files go (default /var/tmp); needs room;\n"
		"                       no control characters in the path\n"
		"      --platform OS/ARCH  platform to pick from a multi-platform OCI image\n"
		"      --known FILE     known failures (PATTERN [fails=KIND,...] [kernel<X.Y] # reason\n"
		"                       per line; no fails=: a loss only): a failure of those kinds\n"
		"                       is 'known' and does not fail the run;\n"
		"                       a matching pass is reported as 'unexpected pass';\n"
		"                       may be given more than once\n"
		"      --retries N      run a failing case again up to N times (overrides the\n"
		"                       scenario's retries); fail-then-pass is 'flaky'\n"
		"      --flaky-ok       flaky cases do not fail the run (exit 0)\n"
		"      --tool-timeout S kill mkfs, fsck or an fio pass still running after S\n"
		"                       seconds (overrides the scenario's tool_timeout, default\n"
		"                       1800; 0: no limit); its case is an error (exit 3)\n"
		"  -h, --help           this help\n\n"
		"Output: DIR/results.json, DIR/junit.xml, DIR/summary.md (the table is\n"
		"also printed), DIR/cases/CASE/{manifest.txt,findings.txt,fsck.log,kernel.log}\n"
		"(retried cases: DIR/cases/CASE/try-K/ per attempt).\n"
		"Exit: 0 every case met its expectation, 1 some did not, 2 usage,\n"
		"scenario or input error, 3 environment error, 128+N on signal N.\n\n"
		"Scenario keys ('powercut help keys' describes them):\n");
	pc_scenario_keys_print(f, 1);
}

/* What the run was to check, for its reports. */
struct plan {
	const struct pc_scenario *sc;
	unsigned shard_k, shard_n;
	size_t matched;
	const char *outdir;
	double last_end, last_cost; /* the last write_so_far's: when it ended, what it took */
	char started[32];           /* pc_run_report's */
};

static void plan_fill(struct pc_run_report *rep, const struct plan *p)
{
	rep->planned = p->sc->ncases;
	rep->shard_k = p->shard_k;
	rep->shard_n = p->shard_n;
	rep->scenario_cases = p->matched;
	/* Cases run in the scenario's order: those after the results were not reached. */
	rep->unrun = p->sc->cases + rep->nresults;
	rep->nunrun = p->sc->ncases - rep->nresults;
	memcpy(rep->started, p->started, sizeof(rep->started));
}

/* A rewrite of the reports at most every 20 times what the last one took
 * (and 1 s): each holds every case so far, so rewriting after every case of
 * a 10,000-case matrix (20 MB of results.json) would cost more than its
 * cases.  A kill loses at most the cases since, which then read "not run". */
#define SO_FAR_COST_SHARE 20
#define SO_FAR_MIN_GAP_S 1.0

/* Before the first case and after each: the reports as they stand, the
 * cases still to come "not run", so that a SIGKILLed run (no handler runs)
 * leaves what it checked and never a pass for what it did not.  Quietly:
 * the write at the end says what could not be written.  The write before
 * the first case is no reason to skip the one after it. */
static void write_so_far(struct pc_run_report *rep, void *arg)
{
	struct plan *p = arg;
	double start = pc_now(), gap = SO_FAR_COST_SHARE * p->last_cost;
	if (p->last_end > 0 && start - p->last_end < (gap > SO_FAR_MIN_GAP_S ? gap : SO_FAR_MIN_GAP_S))
		return;
	plan_fill(rep, p);
	int quiet = pc_messages_quiet;
	enum pc_errclass cls = pc_last_errclass;
	pc_messages_quiet = 1;
	pc_report_write(rep, p->outdir);
	pc_messages_quiet = quiet;
	pc_last_errclass = cls;
	if (rep->nresults == 0)
		return;
	p->last_end = pc_now();
	p->last_cost = p->last_end - start;
}

static char *default_outdir(const struct pc_scenario *sc)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* A folder name is at most 255 bytes (NAME_MAX): a scenario file of a
	 * long name would otherwise make the run an environment error. */
	return xasprintf("results/%s-%.200s", stamp, sc->name);
}

/* --retries N (the scenario's retries overridden). */
static int set_retries(const struct cmd_line *cl, const char *arg, void *dest)
{
	(void)cl;
	return pc_parse_retries(arg, dest) < 0 ? PC_EXIT_USAGE : PC_EXIT_OK;
}

/* --tool-timeout SECONDS (the scenario's tool_timeout overridden): the
 * range of the scenario key. */
static int set_tool_timeout(const struct cmd_line *cl, const char *arg, void *dest)
{
	(void)cl;
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || v > PC_MAX_TOOL_TIMEOUT) {
		pc_fail(PC_ERR_INPUT, "--tool-timeout '%s': expected seconds, 0 (no limit) to %d",
			arg, PC_MAX_TOOL_TIMEOUT);
		return PC_EXIT_USAGE;
	}
	*(long *)dest = (long)v;
	return PC_EXIT_OK;
}

/* Print "KIND PATH" unless printed before (SEEN, N so far). */
static void input_line(const char *kind, const char *path, char ***seen, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*seen)[i], path))
			return;
	*seen = xrealloc(*seen, (*n + 1) * sizeof(**seen));
	(*seen)[(*n)++] = xstrdup(path);
	char *esc = pc_esc_name(path);
	printf("%s %s\n", kind, esc);
	free(esc);
}

/* run --list-inputs: every file the whole scenario names (--filter and
 * --shard aside: a run reads them all), and the --known files.  For
 * scripts/vm-run, which refuses before the boot those a guest would not
 * see. */
static int list_inputs(const struct pc_scenario *sc, const struct pc_known *known)
{
	char **seen = NULL;
	size_t n = 0;
	char *abs = realpath(sc->path, NULL);
	if (!abs) {
		pc_fail_errno(PC_ERR_INPUT, errno, "scenario %s", sc->path);
		return PC_EXIT_USAGE;
	}
	input_line("scenario", abs, &seen, &n);
	free(abs);
	for (size_t g = 0; g < sc->ngroups; g++) {
		const struct pc_settings *s = sc->groups[g];
		for (size_t i = 0; i < s->nimages; i++) {
			struct pc_image_spec spec;
			pc_image_spec_parse(s->images[i], "/", &spec);
			input_line("image", spec.path, &seen, &n);
			pc_image_spec_free(&spec);
		}
		for (size_t i = 0; i < s->nknown; i++)
			input_line("known", s->known[i], &seen, &n);
	}
	for (size_t i = 0; i < sc->ncases; i++)
		if (sc->cases[i].fio_job)
			input_line("fio-job", sc->cases[i].fio_job, &seen, &n);
	for (size_t i = 0; i < known->nfiles; i++)
		input_line("known", known->files[i].path, &seen, &n);
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return cmd_stdout_done("run --list-inputs", PC_EXIT_OK);
}

/* Does case C's group read the known-failures file PATH (its `known`)? */
static int reads_known(const struct pc_case *c, const char *path)
{
	for (size_t i = 0; c->settings && i < c->settings->nknown; i++)
		if (!strcmp(c->settings->known[i], path))
			return 1;
	return 0;
}

/* Warn about each entry of the scenario's known-failures file FILE that
 * matches none of the cases it applies to: those of the groups naming it
 * (an entry for another group's case would never cover that case). */
static void warn_unmatched_file(const struct pc_scenario *sc, const char *file,
				const struct pc_known *list, const char **ids)
{
	struct pc_strbuf groups = PC_STRBUF_INIT;
	size_t n = 0, ngroups = 0;
	for (size_t i = 0; i < sc->ncases; i++) {
		if (!reads_known(&sc->cases[i], file))
			continue;
		/* a group's cases are next to each other */
		if (n == 0 || strcmp(sc->cases[i].group, sc->cases[i - 1].group) ||
		    !reads_known(&sc->cases[i - 1], file)) {
			if (ngroups < 5)
				pc_strbuf_printf(&groups, " [%s]", sc->cases[i].group);
			else if (ngroups == 5)
				pc_strbuf_printf(&groups, " ...");
			ngroups++;
		}
		ids[n++] = sc->cases[i].id;
	}
	char *g = pc_strbuf_release(&groups);
	char *what = n == sc->ncases
		     ? xasprintf("scenario %s", sc->path)
		     : xasprintf("the groups of scenario %s that name it:%s", sc->path, g ? g : "");
	pc_known_warn_unmatched(list, ids, n, what);
	free(what);
	free(g);
}

/* Known-failures entries that match no case they could cover (before
 * --filter and --shard, which leave cases out on purpose): --known's
 * against the whole scenario, a scenario's file against its groups. */
static void warn_unmatched_known(const struct pc_scenario *sc, const struct pc_known *known,
				 const struct pc_known_files *files)
{
	const char **ids = xcalloc(sc->ncases ? sc->ncases : 1, sizeof(*ids));
	for (size_t i = 0; i < sc->ncases; i++)
		ids[i] = sc->cases[i].id;
	char *what = xasprintf("scenario %s", sc->path);
	pc_known_warn_unmatched(known, ids, sc->ncases, what);
	free(what);
	for (size_t f = 0; f < files->n; f++)
		warn_unmatched_file(sc, files->paths[f], &files->lists[f], ids);
	free(ids);
}

/* What a run reads before its first case, and the cases it selected. */
struct run_inputs {
	const char *path; /* the SCENARIO argument */
	struct pc_scenario sc;
	int loaded;
	struct pc_known known; /* --known's */
	struct pc_known_files scenario_known; /* the groups' `known` files */
	size_t matched; /* cases matching --filter, before --shard */
	unsigned shard_k, shard_n;
};

static void run_inputs_free(struct run_inputs *in)
{
	if (in->loaded)
		pc_scenario_free(&in->sc);
	pc_known_free(&in->known);
	pc_known_files_free(&in->scenario_known);
}

/* The scenario and the known-failures files its groups name, all read
 * before any case runs; an exit status when they cannot be, else 0. */
static int load_inputs(struct run_inputs *in)
{
	if (pc_scenario_load(in->path, &in->sc) < 0)
		return pc_exit_for_error(PC_EXIT_USAGE);
	in->loaded = 1;
	for (size_t g = 0; g < in->sc.ngroups; g++)
		for (size_t i = 0; i < in->sc.groups[g]->nknown; i++)
			if (pc_known_files_add(&in->scenario_known, in->sc.groups[g]->known[i]) < 0)
				return PC_EXIT_USAGE;
	return 0;
}

/* --filter then --shard; no case matching the filter is a usage error. */
static int select_cases(struct run_inputs *in, const char *filter)
{
	warn_unmatched_known(&in->sc, &in->known, &in->scenario_known);
	if (filter)
		pc_scenario_filter(&in->sc, filter);
	in->matched = in->sc.ncases;
	pc_scenario_shard(&in->sc, in->shard_k, in->shard_n);
	if (in->matched == 0) {
		pc_fail(PC_ERR_INPUT, "run %s: no case matches '%s'", in->path, filter ? filter : "*");
		return PC_EXIT_USAGE;
	}
	return 0;
}

/* The folders the run would be given, checked as the run checks them:
 * the work folder base, each case's paths below it, and with OUTDIR -o
 * (the run checks it as it locks it, after the tools). */
static int check_folders(const struct run_inputs *in, const struct pc_run_opts *o, int outdir)
{
	if (pc_state_check_base(o->workbase) < 0)
		return PC_EXIT_USAGE;
	/* A case that could not work below the folders the run gives it
	 * (a fio job's names past PATH_MAX there) is refused now, not in
	 * each case after the results folder is made. */
	if (pc_runner_check_paths(&in->sc, o->workbase) < 0 ||
	    (outdir && o->outdir && pc_outdir_check(o->outdir) < 0))
		return pc_exit_for_error(PC_EXIT_USAGE);
	return 0;
}

/* --list answers for the command as given: the folders a run refuses
 * before it starts (the input's mistakes, exit 2) are refused here too,
 * where `run --list -w /nonexistent` listed the cases (exit 0) that the
 * run refused.  The machine (root, tools) is the run's.  A shard may be
 * empty: that is an answer, not an error. */
static int list_cases(const struct run_inputs *in, const struct pc_run_opts *o)
{
	int rc = check_folders(in, o, 1);
	if (rc)
		return rc;
	for (size_t i = 0; i < in->sc.ncases; i++)
		printf("%s\n", in->sc.cases[i].id);
	return cmd_stdout_done("run --list", PC_EXIT_OK);
}

/* Test-only hook: POWERCUT_TEST_LOCKED=PROGRAM is run with the results
 * folder once it is made and locked, before the runner starts: a test
 * sends the run a signal there. */
static void locked_test_hook(const char *outdir)
{
	const char *args[] = { outdir, NULL };
	pc_run_test_hook("POWERCUT_TEST_LOCKED", args);
}

/* Runs the selected cases into the results folder, locked for the run,
 * and writes the report and the table; the run's exit status. */
static int run_cases(struct run_inputs *in, struct pc_run_opts *o)
{
	/* From here on a signal is caught (the folder made is removed), not
	 * the end of powercut with the folder's lock left in it. */
	pc_runner_catch_signals();
	struct pc_outdir od;
	char *base = o->outdir ? NULL : default_outdir(&in->sc);
	int locked = base ? pc_outdir_lock_new(base, &od) : pc_outdir_lock(o->outdir, &od);
	free(base);
	if (locked < 0)
		return pc_exit_for_error(PC_EXIT_ENV);
	o->outdir = od.path;
	locked_test_hook(o->outdir);

	struct pc_run_report rep;
	struct plan plan = { .sc = &in->sc, .shard_k = in->shard_k, .shard_n = in->shard_n,
			     .matched = in->matched, .outdir = o->outdir };
	pc_utc_stamp(plan.started, sizeof(plan.started));
	o->case_done = write_so_far;
	o->case_done_arg = &plan;
	int rc = pc_runner_run(&in->sc, o, &rep);
	plan_fill(&rep, &plan);
	pc_utc_stamp(rep.finished, sizeof(rep.finished));
	if (rep.nresults > 0) {
		int written = pc_report_write(&rep, o->outdir);
		pc_report_table(&rep, stdout);
		if (written == 0) {
			/* The default folder is named after the scenario file. */
			char *shown = pc_esc_text(o->outdir);
			printf("\nresults: %s\n", shown);
			free(shown);
		} else {
			pc_fail(PC_ERR_ENV, "the results could not be written to %s", o->outdir);
			if (rc < 128)
				rc = PC_EXIT_ENV;
		}
	}
	/* No case ran (the work folder could not be made): the results
	 * folder holds nothing, and is no run's. */
	if (rep.nresults > 0)
		pc_outdir_unlock(&od);
	else
		pc_outdir_discard(&od);
	pc_run_report_free(&rep);
	/* The table and the "results: DIR" line a script reads: lost (stdout
	 * on a full disk, closed) is exit 3 as for inspect and run --list,
	 * unless the run already exits non-zero (that says more). */
	return cmd_stdout_done("run", rc);
}

/* After the inputs are read: the listing asked for, or the checks a run
 * makes before its results folder exists, then the run. */
static int run_inputs(struct run_inputs *in, struct pc_run_opts *o, const char *filter,
		      int list, int list_in)
{
	if (list_in)
		return list_inputs(&in->sc, &in->known);
	int rc = select_cases(in, filter);
	if (rc)
		return rc;
	if (list)
		return list_cases(in, o);
	if (in->sc.ncases == 0) {
		/* More shards than cases: this machine has nothing to do. */
		fprintf(stderr, "powercut: run %s: shard %u/%u holds none of the %zu cases\n",
			in->path, in->shard_k, in->shard_n, in->matched);
		return PC_EXIT_OK;
	}
	if ((rc = check_folders(in, o, 0)))
		return rc;
	/* Before the results folder is made: a missing fsck would otherwise
	 * be found at each case's fsck step, after its mkfs and workload. */
	if (pc_tools_check(&in->sc) < 0)
		return PC_EXIT_ENV;
	return run_cases(in, o);
}

static int run_command(int argc, char **argv)
{
	struct pc_run_opts o = { .workbase = "/var/tmp", .retries = -1,
				  .tool_timeout = -1 };
	const char *filter = NULL, *shard = NULL;
	struct run_inputs in = { .shard_k = 1, .shard_n = 1 };
	int list = 0, list_in = 0;
	const struct cmd_opt opts[] = {
		{ "output", 'o', required_argument, &o.outdir, cmd_set_nonempty },
		{ "filter", 'f', required_argument, &filter, NULL },
		{ "keep", 'k', no_argument, &o.keep, NULL },
		{ "workdir", 'w', required_argument, &o.workbase, cmd_set_nonempty },
		CMD_OPT_PLATFORM(&o.platform),
		{ "shard", 's', required_argument, &shard, NULL },
		{ "list", 'l', no_argument, &list, NULL },
		{ "list-inputs", 0, no_argument, &list_in, NULL },
		CMD_OPT_KNOWN(&in.known),
		{ "retries", 0, required_argument, &o.retries, set_retries },
		CMD_OPT_FLAKY_OK(&o.flaky_ok),
		{ "tool-timeout", 0, required_argument, &o.tool_timeout, set_tool_timeout },
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "run", run_usage, opts, 1, 1, "expected one SCENARIO file" };
	int first, rc = cmd_parse(&cl, argc, argv, &first);
	if (rc == CMD_GO_ON && shard && pc_parse_shard(shard, &in.shard_k, &in.shard_n) < 0)
		rc = PC_EXIT_USAGE;
	/* A run needs root before it reads its inputs: read as another user,
	 * an image root could read is "Permission denied", an input's error
	 * (exit 2) that is not one.  --list and --list-inputs need no root. */
	if (rc == CMD_GO_ON && !list && !list_in && (rc = cmd_ready()) == PC_EXIT_OK)
		rc = CMD_GO_ON;
	if (rc == CMD_GO_ON) {
		in.path = argv[first];
		o.known = &in.known;
		o.scenario_known = &in.scenario_known;
		rc = load_inputs(&in);
		if (rc == 0)
			rc = run_inputs(&in, &o, filter, list, list_in);
	}
	run_inputs_free(&in);
	return rc;
}

/* A signal caught before the runner (pc_runner_catch_ignored) may make a
 * start-up step fail (the fio job check's fio is killed): the exit status
 * is the signal's all the same. */
int cmd_run(int argc, char **argv)
{
	pc_runner_catch_ignored();
	int rc = run_command(argc, argv);
	if (pc_interrupted && rc < 128)
		rc = 128 + pc_interrupted;
	return rc;
}
