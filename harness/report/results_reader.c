/* results_reader.c - results.json read back; see results_reader.h. */
#include "report/results_reader.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check/failure.h"
#include "device/backend.h"
#include "fs/durability.h"
#include "fs/fs.h"
#include "run/scenario.h"
#include "util/input.h"
#include "workload/workload.h"
#include "workload/workload_fio.h"
#include "util/strbuf.h"
#include "util/util.h"

const char *const pc_res_phases[PC_RES_NPHASES] = {
	"mkfs", "unpack", "sync", "commit", "remount", "verify", "fsck", "crash_points", "total",
};
const char *const pc_res_io[PC_RES_NIO] = { "wios", "wbytes", "rios", "rbytes", "flushes" };
const char *const pc_res_setup[PC_RES_NSETUP] = {
	"mkfs_opts", "mount_opts", "backend", "cut", "write_cache", "layout", "workload",
	"settings", "tested_sha256", "images",
};

/* The largest results.json read (a run of 100000 cases is ~300 MB less). */
#define MAX_RESULTS_BYTES (256u << 20)

int pc_results_bad(const struct pc_results *r, size_t i, const char *field, const char *why)
{
	if (i == (size_t)-1)
		return pc_fail(PC_ERR_INPUT, "%s: %s: %s", r->path, field, why);
	return pc_fail(PC_ERR_INPUT, "%s: cases[%zu].%s: %s", r->path, i, field, why);
}

/* A string field: a copy in *OUT, NULL when absent and not REQUIRED. */
static int get_str(const struct pc_results *r, size_t i, json_t *o, const char *field,
		   int required, char **out)
{
	json_t *v = json_object_get(o, field);
	*out = NULL;
	if (!v)
		return required ? pc_results_bad(r, i, field, "missing") : 0;
	if (!json_is_string(v))
		return pc_results_bad(r, i, field, "not a string");
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* The largest time or counter read: 2^53, the last integer a double holds
 * exactly (104 million days, 8 PiB).  Above it a value is no measurement
 * (1.7e308 in a hand-edited file made gnuplot fail and report exit 3). */
#define MAX_MEASURE 9007199254740992.0

/* An object of numbers from 0 to MAX_MEASURE: the NAMES present go into OUT
 * (absent: -1).  REQUIRE names one that must be there. */
static int get_numbers(const struct pc_results *r, size_t i, json_t *o, const char *field,
		       const char *const *names, size_t n, const char *require, double *out)
{
	json_t *obj = json_object_get(o, field);
	if (!obj)
		return pc_results_bad(r, i, field, "missing");
	if (!json_is_object(obj))
		return pc_results_bad(r, i, field, "not an object");
	for (size_t k = 0; k < n; k++) {
		json_t *v = json_object_get(obj, names[k]);
		out[k] = -1;
		const char *why = !v ? (require && !strcmp(require, names[k]) ? "missing" : NULL)
			: !json_is_number(v) || !(json_number_value(v) >= 0) ||
			  json_number_value(v) > MAX_MEASURE ? "not a number from 0 to 2^53"
			: NULL;
		if (why) {
			char *f = xasprintf("%s.%s", field, names[k]);
			pc_results_bad(r, i, f, why);
			free(f);
			return -1;
		}
		if (v)
			out[k] = json_number_value(v);
	}
	return 0;
}


/* Does outcome *OC agree with the last attempt's verdict V?  pass, flaky
 * and unexpected pass end in a pass; fail and known in a fail; error in an
 * error.  known with an error (written by older runs, which let a known
 * entry cover a case that could not run) is read as the error it is. */
static int outcome_of_verdict(int *oc, int v)
{
	switch (*oc) {
	case PC_OUT_PASS:
	case PC_OUT_FLAKY:
	case PC_OUT_XPASS:
		return v == PC_OUT_PASS ? 0 : -1;
	case PC_OUT_FAIL:
		return v == PC_OUT_FAIL ? 0 : -1;
	case PC_OUT_ERROR:
		return v == PC_OUT_ERROR ? 0 : -1;
	case PC_OUT_KNOWN:
		if (v == PC_OUT_ERROR)
			*oc = PC_OUT_ERROR;
		return v == PC_OUT_PASS ? -1 : 0;
	default:
		return -1;
	}
}

/* "images": an array of paths, kept as their file names joined by spaces;
 * NULL when absent. */
static int get_images(const struct pc_results *r, size_t i, json_t *o, char **out)
{
	json_t *a = json_object_get(o, "images");
	*out = NULL;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return pc_results_bad(r, i, "images", "not an array");
	size_t k;
	json_t *v;
	struct pc_strbuf b = PC_STRBUF_INIT;
	json_array_foreach(a, k, v) {
		if (!json_is_string(v)) {
			pc_strbuf_free(&b);
			return pc_results_bad(r, i, "images", "not an array of strings");
		}
		const char *path = json_string_value(v), *slash = strrchr(path, '/');
		pc_strbuf_printf(&b, "%s%s", k ? " " : "", slash ? slash + 1 : path);
	}
	*out = pc_strbuf_release(&b);
	return 0;
}

/* An integer >= 0 of object O (*OUT, 1 returned), absent (0), or of
 * another type (refused, -1). */
static int get_count(const struct pc_results *r, size_t i, json_t *o, const char *field,
		     const char *name, long long *out)
{
	json_t *v = json_object_get(o, name);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return pc_results_bad(r, i, field, "not an integer >= 0");
	*out = json_integer_value(v);
	return 1;
}

/* "settings" of results written before it existed (before 2026-12-01
 * 21:08), from the fields those files do have, in the words powercut
 * writes now: "device_size" (0: auto); the "crash_points" object, written
 * whenever the scenario asked for crash points ("asked",
 * "subsets_per_point", the latter since crash_subsets existed), so a case
 * without one ran none and no subsets (crash_subsets needs crash_points);
 * cut_at, "fio"."cut_at" (normalised: "50%"), and "end" without a "fio"
 * object (only fio is cut mid-run); log_size "auto" where it had no use
 * (no crash points, or a backend other than dm: only dm-log-writes' log
 * has a size).  Without this an old BASE that ran crash_points = 10 and a
 * NEW that runs none compared as the same test, "unchanged".  What the
 * file cannot tell (log_size of crash points on dm, device_size when the
 * field is missing) is named in *UNKNOWN, so that compare says so rather
 * than call it unchanged. */
static int legacy_settings(const struct pc_results *r, size_t i, json_t *o, char **out,
			   char **unknown)
{
	struct pc_strbuf b = PC_STRBUF_INIT, u = PC_STRBUF_INIT;
	long long size, points = 0, subsets = 0;
	int has = get_count(r, i, o, "device_size", "device_size", &size);
	if (has < 0)
		return -1;
	if (has && size)
		pc_strbuf_printf(&b, "device_size=%lld", size);
	else if (has)
		pc_strbuf_printf(&b, "device_size=auto");
	else
		pc_strbuf_printf(&u, "device_size");
	json_t *cp = json_object_get(o, "crash_points"), *fio = json_object_get(o, "fio");
	json_t *cut_at = json_object_get(fio, "cut_at");
	const char *why = cp && !json_is_object(cp) ? "crash_points"
			: fio && !json_is_object(fio) ? "fio" : NULL;
	if (why) {
		pc_strbuf_free(&b);
		pc_strbuf_free(&u);
		return pc_results_bad(r, i, why, "not an object");
	}
	if (cp && (get_count(r, i, cp, "crash_points.asked", "asked", &points) < 0 ||
		   get_count(r, i, cp, "crash_points.subsets_per_point", "subsets_per_point",
			     &subsets) < 0)) {
		pc_strbuf_free(&b);
		pc_strbuf_free(&u);
		return -1;
	}
	char at[32] = "end";
	struct pc_cut_at cut;
	if (cut_at && (!json_is_string(cut_at) || pc_cut_at_parse(json_string_value(cut_at), &cut) < 0)) {
		pc_strbuf_free(&b);
		pc_strbuf_free(&u);
		return pc_results_bad(r, i, "fio.cut_at", "not end, Ns or P%");
	}
	if (cut_at)
		pc_cut_at_format(&cut, at, sizeof(at));
	const char *backend = json_string_value(json_object_get(o, "backend"));
	pc_strbuf_printf(&b, "%scrash_points=%lld crash_subsets=%lld", b.len ? " " : "", points,
			 subsets);
	if (fio && !cut_at) /* every powercut wrote it with "fio": not said */
		pc_strbuf_printf(&u, "%scut_at", u.len ? " " : "");
	else
		pc_strbuf_printf(&b, " cut_at=%s", at);
	if (!points || (backend && strcmp(backend, "dm")))
		pc_strbuf_printf(&b, " log_size=auto");
	else
		pc_strbuf_printf(&u, "%slog_size", u.len ? " " : "");
	*out = pc_strbuf_release(&b);
	*unknown = u.len ? pc_strbuf_release(&u) : (pc_strbuf_free(&u), NULL);
	return 0;
}

/* "settings" as a powercut wrote it: KEY=VALUE words, each KEY one this
 * build's scenario keys give (pc_settings_key_known).  A key a newer
 * powercut added is not understood: a value of it on one side only would
 * not count as a change (compare's settings_diff), so two runs that set
 * it differently could be compared as the same test. */
static int check_settings(const struct pc_results *r, size_t i, const char *settings)
{
	size_t n;
	int rc = 0;
	char **words = pc_split_words(settings, &n);
	for (size_t k = 0; k < n && rc == 0; k++) {
		char *eq = strchr(words[k], '=');
		if (!eq || eq == words[k]) {
			rc = pc_results_bad(r, i, "settings", "not KEY=VALUE words");
			break;
		}
		*eq = '\0';
		if (!pc_settings_key_known(words[k])) {
			char *why = xasprintf("'%s' is not a scenario key this powercut knows (results "
					      "of a newer powercut?)", words[k]);
			rc = pc_results_bad(r, i, "settings", why);
			free(why);
		}
	}
	pc_strv_free(words);
	return rc;
}

/* The setup fields (pc_res_setup) present in O. */
static int get_setup(const struct pc_results *r, size_t i, json_t *o, struct pc_res_case *c)
{
	char **setup = c->setup;
	for (size_t k = 0; k + 1 < PC_RES_NSETUP; k++)
		if (get_str(r, i, o, pc_res_setup[k], 0, &setup[k]) < 0)
			return -1;
	size_t settings = PC_RES_NSETUP - 3;
	c->legacy = !setup[settings];
	if (c->legacy && legacy_settings(r, i, o, &setup[settings], &c->settings_unknown) < 0)
		return -1;
	if (!c->legacy && check_settings(r, i, setup[settings]) < 0)
		return -1;
	const char *tested = setup[PC_RES_NSETUP - 2];
	if (tested && (strlen(tested) != 64 || strspn(tested, "0123456789abcdef") != 64))
		return pc_results_bad(r, i, "tested_sha256", "not 64 lowercase hex digits");
	return get_images(r, i, o, &setup[PC_RES_NSETUP - 1]);
}

/* "mounted": {"vfs": "...", "fs": "..."}, the options the kernel applied
 * (absent in older results and where the first mount failed). */
static int get_mounted(const struct pc_results *r, size_t i, json_t *o, char **out)
{
	json_t *m = json_object_get(o, "mounted");
	if (!m)
		return 0;
	json_t *vfs = json_object_get(m, "vfs"), *fs = json_object_get(m, "fs");
	if (!json_is_object(m) || !json_is_string(vfs) || !json_is_string(fs)) {
		pc_results_bad(r, i, "mounted", "not {\"vfs\": text, \"fs\": text}");
		return -1;
	}
	*out = xasprintf("%s; %s", json_string_value(vfs), json_string_value(fs));
	return 0;
}

/* "crash_points": the most entries a point holding the commit record
 * lost (its "lost", which only a point verified has: every point holding
 * the record is).  Under expect = intact such a point fails the case;
 * under a looser expect it passes, and compare must see the loss as it
 * sees the cut's (hidden loss). */
static int get_point_lost(const struct pc_results *r, size_t i, json_t *o, long long *out)
{
	*out = 0;
	json_t *cp = json_object_get(o, "crash_points");
	if (!cp)
		return 0;
	json_t *pts = json_object_get(cp, "points");
	if (!json_is_object(cp) || !json_is_array(pts))
		return pc_results_bad(r, i, "crash_points", "not an object with a points array");
	size_t k;
	json_t *pt;
	json_array_foreach(pts, k, pt) {
		json_t *lost = json_object_get(pt, "lost"), *committed = json_object_get(pt, "committed");
		if (!json_is_object(pt) || (lost && (!json_is_integer(lost) ||
						     json_integer_value(lost) < 0)))
			return pc_results_bad(r, i, "crash_points",
					      "a point's lost is not an integer >= 0");
		if (!json_is_true(committed))
			continue;
		if (!lost)
			return pc_results_bad(r, i, "crash_points", "a point with the commit "
					      "record has no lost: it was verified");
		if (json_integer_value(lost) > *out)
			*out = json_integer_value(lost);
	}
	return 0;
}

/* A crash point's file NAME: one in the case folder, as crashpoints.c
 * names them ("crash-point-..."), never a path that leads elsewhere. */
static int point_file_name(const char *name)
{
	return !strncmp(name, "crash-point-", 12) && !strchr(name, '/');
}

/* "crash_points": each point's "findings", "fsck_log" and
 * "subset_fsck_log" (absent when the point kept none), into
 * C->point_files. */
static int get_point_files(const struct pc_results *r, size_t i, json_t *o, struct pc_res_case *c)
{
	json_t *pts = json_object_get(json_object_get(o, "crash_points"), "points");
	size_t k;
	json_t *pt;
	json_array_foreach(pts, k, pt) { /* checked to be an array: get_point_lost */
		static const char *const fields[] = { "findings", "fsck_log", "subset_fsck_log" };
		for (size_t f = 0; f < 3; f++) {
			json_t *v = json_object_get(pt, fields[f]);
			if (!v)
				continue;
			const char *name = json_string_value(v);
			if (!name || !point_file_name(name)) {
				char *field = xasprintf("crash_points.points[%zu].%s", k, fields[f]);
				pc_results_bad(r, i, field, "not the name of a crash point's file "
					       "(crash-point-...) in the case folder");
				free(field);
				return -1;
			}
			c->point_files = xrealloc(c->point_files, (c->npoint_files + 1) *
						  sizeof(*c->point_files));
			c->point_files[c->npoint_files++] = xstrdup(name);
		}
	}
	return 0;
}

/* "fsck" (absent in files that never had it): a case whose fsck did not
 * run ("skipped") is an error, never a pass or a fail (verdict.c; a
 * powercut before 2026-11-30 16:00 passed such a case), but for one whose
 * filesystem did not mount after the cut ("unmountable"), which never
 * passes; fsck errors always fail.  A file that says otherwise is refused,
 * not read as a pass whose filesystem nobody checked. */
static int check_fsck(const struct pc_results *r, size_t i, json_t *o, int verdict)
{
	json_t *f = json_object_get(o, "fsck");
	if (!f)
		return 0;
	const char *s = json_string_value(f);
	if (!s || (strcmp(s, "clean") && strcmp(s, "errors") && strcmp(s, "skipped")))
		return pc_results_bad(r, i, "fsck", "not clean, errors or skipped");
	/* ... but a filesystem that does not mount after the cut fails
	 * whatever its fsck made of it (e2fsck finds no superblock). */
	int unmountable = json_is_string(json_object_get(o, "unmountable"));
	if ((!strcmp(s, "skipped") && verdict != PC_OUT_ERROR &&
	     !(unmountable && verdict != PC_OUT_PASS)) ||
	    (!strcmp(s, "errors") && verdict == PC_OUT_PASS)) {
		char *why = xasprintf("'%s' with verdict '%s': %s", s, pc_outcome_name(verdict),
				      !strcmp(s, "skipped") ? "a case whose fsck did not run is an error"
				      : "fsck errors always fail");
		pc_results_bad(r, i, "fsck", why);
		free(why);
		return -1;
	}
	return 0;
}

/* "flaky_rate": "F/N", F of N attempts failed before the last passed
 * (1 <= F < N); written with outcome flaky, and only then (report_outcome.c).
 * A rate on another outcome, or one that is no rate ("9/2"), is a file
 * edited by hand: compare and qualify would show what never ran.  (A
 * flaky case without one is read: it is shown without a rate.) */
static int check_flaky_rate(const struct pc_results *r, size_t i, const struct pc_res_case *c)
{
	if (!c->flaky_rate)
		return 0;
	if (c->outcome != PC_OUT_FLAKY)
		return pc_results_bad(r, i, "flaky_rate", "given, but the outcome is not flaky");
	unsigned long long f, n;
	char tail;
	if (strspn(c->flaky_rate, "0123456789/") != strlen(c->flaky_rate) ||
	    sscanf(c->flaky_rate, "%llu/%llu%c", &f, &n, &tail) != 2 || f < 1 || f >= n)
		return pc_results_bad(r, i, "flaky_rate", "not F/N with 1 <= F < N");
	return 0;
}

/* "failures": the kinds of failure (failure.h) of a case that failed, an
 * array of their names; written with verdict fail, and only then.  A
 * failing case without it was written before it existed: its kinds are
 * unknown, which only a known-failures entry with fails=any covers. */
static int get_failures(const struct pc_results *r, size_t i, json_t *o, int verdict,
			unsigned *out)
{
	json_t *a = json_object_get(o, "failures");
	*out = 0;
	if (!a) {
		if (verdict == PC_OUT_FAIL)
			*out = PC_FAILURE_BIT(PC_FAILURE_UNKNOWN);
		return 0;
	}
	if (verdict != PC_OUT_FAIL)
		return pc_results_bad(r, i, "failures", "given, but the verdict is not fail");
	size_t k;
	json_t *v;
	json_array_foreach(a, k, v) {
		int kind = json_is_string(v) ? pc_failure_lookup(json_string_value(v)) : -1;
		if (kind < 0)
			return pc_results_bad(r, i, "failures", "not a list of failure kinds "
					      "(unmountable, fsck, commit, loss, ...)");
		*out |= PC_FAILURE_BIT(kind);
	}
	if (!json_is_array(a) || !*out)
		return pc_results_bad(r, i, "failures", "not a non-empty array of failure kinds");
	return 0;
}

/* Is NAME one of the names powercut writes in FIELD (the owning modules'
 * tables: fs.c, durability.c, backend.c, scenario.c, workload.c)?  A
 * name added by a newer powercut (a mode, a filesystem, a backend) is not
 * understood here: read as a name it merely resembles, or as nothing in
 * particular, its cases compared as what this build checks.  A field
 * that holds no name (mount_opts, settings, ...): any value. */
static int known_name(const char *field, const char *name)
{
	if (!strcmp(field, "fs")) {
		for (unsigned k = 0; pc_fs_name(k); k++)
			if (!strcmp(pc_fs_name(k), name))
				return 1;
		return 0;
	}
	if (!strcmp(field, "mode")) {
		for (unsigned k = 0; k < PC_MODE_COUNT; k++)
			if (!strcmp(pc_mode_name((enum pc_mode)k), name))
				return 1;
		return 0;
	}
	if (!strcmp(field, "backend")) { /* fuse, dm, or auto: it erred before one was chosen */
		for (unsigned k = 0; pc_backend_choice(k); k++)
			if (!strcmp(pc_backend_choice(k), name))
				return 1;
		return 0;
	}
	if (!strcmp(field, "cut"))
		return !strcmp(name, pc_flakey_mode_name(PC_FLAKEY_DROP)) ||
		       !strcmp(name, pc_flakey_mode_name(PC_FLAKEY_ERROR));
	if (!strcmp(field, "layout"))
		return !strcmp(name, pc_layout_name(PC_LAYOUT_FLAT)) ||
		       !strcmp(name, pc_layout_name(PC_LAYOUT_SNAPSHOTS));
	if (!strcmp(field, "write_cache")) /* report.c's words */
		return !strcmp(name, "durable") || !strcmp(name, "volatile");
	if (!strcmp(field, "workload"))
		return pc_workload_find(name) != NULL;
	return 1;
}

/* Field FIELD of case C, when present, a name this powercut knows
 * (known_name): 0, or -1 with the case's error said. */
static int check_name(const struct pc_results *r, size_t i, const char *field, const char *value)
{
	if (!value || known_name(field, value))
		return 0;
	char *why = xasprintf("'%s' is not a %s this powercut knows (results of a newer "
			      "powercut?)", value, field);
	pc_results_bad(r, i, field, why);
	free(why);
	return -1;
}

/* The named fields of case C: fs, mode, and the setup fields known_name
 * knows names of (it takes any value of the others). */
static int check_names(const struct pc_results *r, size_t i, const struct pc_res_case *c)
{
	if (check_name(r, i, "fs", c->fs) < 0 || check_name(r, i, "mode", c->mode) < 0)
		return -1;
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		if (check_name(r, i, pc_res_setup[k], c->setup[k]) < 0)
			return -1;
	return 0;
}

/* "error_class" and "error_exit" of case C (verdict V), written together
 * for a case that erred (report.c): the kind, by its name or, for a name
 * this build does not know (a newer powercut's), by its exit status;
 * a name whose exit is not its own, or either on a case that did not err,
 * is a file edited by hand.  Neither: not recorded (older). */
static int get_error_kind(const struct pc_results *r, size_t i, json_t *o, int v,
			  struct pc_res_case *c)
{
	json_t *cls = json_object_get(o, "error_class"), *ex = json_object_get(o, "error_exit");
	c->error_kind = PC_EK_UNKNOWN;
	c->error_exit = 0;
	if (!cls && !ex)
		return 0;
	if (v != PC_OUT_ERROR)
		return pc_results_bad(r, i, cls ? "error_class" : "error_exit",
				      "given, but the verdict is not error");
	if (!json_is_string(cls))
		return pc_results_bad(r, i, "error_class", cls ? "not a string" : "missing");
	long long exit = json_is_integer(ex) ? json_integer_value(ex) : -1;
	int by_exit = pc_error_kind_of_exit(exit);
	if (by_exit < 0)
		return pc_results_bad(r, i, "error_exit", ex ? "not 1, 2, 3 or 129 to 255" : "missing");
	int named = pc_error_kind_lookup(json_string_value(cls));
	if (named >= 0 && named != by_exit) {
		char *why = xasprintf("'%s' with error_exit %lld", json_string_value(cls), exit);
		pc_results_bad(r, i, "error_class", why);
		free(why);
		return -1;
	}
	c->error_kind = (enum pc_error_kind)by_exit;
	c->error_exit = (int)exit;
	return 0;
}

static int load_case(const struct pc_results *r, size_t i, json_t *o, struct pc_res_case *c)
{
	if (!json_is_object(o))
		return pc_results_bad(r, i, "", "not an object");
	char *verdict = NULL, *outcome = NULL;
	int rc = -1;
	if (get_str(r, i, o, "id", 1, &c->id) < 0 || get_str(r, i, o, "verdict", 1, &verdict) < 0 ||
	    get_str(r, i, o, "outcome", 0, &outcome) < 0 ||
	    get_str(r, i, o, "reason", 0, &c->reason) < 0 ||
	    get_str(r, i, o, "flaky_rate", 0, &c->flaky_rate) < 0 ||
	    get_str(r, i, o, "fs", 0, &c->fs) < 0 || get_str(r, i, o, "mode", 0, &c->mode) < 0 ||
	    get_str(r, i, o, "case_dir", 0, &c->case_dir) < 0 || get_setup(r, i, o, c) < 0 ||
	    get_str(r, i, o, "expect", 0, &c->expect) < 0 || check_names(r, i, c) < 0)
		goto out;
	if (c->expect && strcmp(c->expect, "intact") && strcmp(c->expect, "loss") &&
	    strcmp(c->expect, "any")) {
		pc_results_bad(r, i, "expect", "not intact, loss or any");
		goto out;
	}
	if (!*c->id) {
		pc_results_bad(r, i, "id", "empty");
		goto out;
	}
	int v = pc_outcome_lookup(verdict);
	if (v != PC_OUT_PASS && v != PC_OUT_FAIL && v != PC_OUT_ERROR) {
		pc_results_bad(r, i, "verdict", "not pass, fail or error");
		goto out;
	}
	c->verdict = (enum pc_outcome)v;
	/* Results written before outcomes existed: the verdict is the outcome. */
	int oc = outcome ? pc_outcome_lookup(outcome) : v;
	if (oc < 0) {
		pc_results_bad(r, i, "outcome", "not pass, fail, error, flaky, known or unexpected pass");
		goto out;
	}
	if (outcome_of_verdict(&oc, v) < 0) {
		char *why = xasprintf("'%s' with verdict '%s'", outcome, verdict);
		pc_results_bad(r, i, "outcome", why);
		free(why);
		goto out;
	}
	c->outcome = (enum pc_outcome)oc;
	if (get_error_kind(r, i, o, v, c) < 0)
		goto out;
	if (get_failures(r, i, o, v, &c->failures) < 0 || get_mounted(r, i, o, &c->mounted) < 0)
		goto out;
	if (check_fsck(r, i, o, v) < 0 || check_flaky_rate(r, i, c) < 0)
		goto out;
	json_t *lost = json_object_get(o, "lost"), *committed = json_object_get(o, "committed");
	/* null: the loss was not measured (an error, no commit record). */
	if (!json_is_null(lost) && (!json_is_integer(lost) || json_integer_value(lost) < 0)) {
		pc_results_bad(r, i, "lost", lost ? "not an integer >= 0 or null" : "missing");
		goto out;
	}
	if (!json_is_boolean(committed)) {
		pc_results_bad(r, i, "committed", committed ? "not true or false" : "missing");
		goto out;
	}
	/* After a mid-run fio cut there is no commit record: fio's saved state
	 * is the promise, and the loss was measured against it. */
	json_t *midrun = json_object_get(json_object_get(o, "fio"), "mid_run");
	int promised = json_is_true(committed) || json_is_true(midrun);
	/* Only a case that erred has no count (report.c): a pass or a fail
	 * measured against its promise with lost null hid what it lost
	 * (compare's hidden loss, the table).  A lost commit record's count
	 * is not read (some runs of 2026-12-01 wrote null there). */
	/* A filesystem that did not mount after the cut: a failure, nothing
	 * verified (report.c). */
	json_t *unmountable = json_object_get(o, "unmountable");
	if (unmountable && (!json_is_string(unmountable) || !json_string_length(unmountable) ||
			    v == PC_OUT_PASS || !json_is_null(lost))) {
		pc_results_bad(r, i, "unmountable", "not a reason, or on a case that passed or "
			       "has a loss count");
		goto out;
	}
	if (json_is_null(lost) && promised && v != PC_OUT_ERROR && !unmountable) {
		pc_results_bad(r, i, "lost", "null, but only a case that erred has no count");
		goto out;
	}
	c->lost = json_is_integer(lost) && promised && v != PC_OUT_ERROR
		  ? json_integer_value(lost) : -1;
	/* A pass under expect = intact lost nothing (verdict.c): one that says
	 * it lost entries is a file edited by hand, not read as a pass. */
	if (v == PC_OUT_PASS && c->expect && !strcmp(c->expect, "intact") && c->lost > 0) {
		pc_results_bad(r, i, "lost", "entries lost in a pass under expect intact");
		goto out;
	}
	if (get_point_lost(r, i, o, &c->point_lost) < 0 || get_point_files(r, i, o, c) < 0)
		goto out;
	if (get_numbers(r, i, o, "timings_s", pc_res_phases, PC_RES_NPHASES, "total", c->t) < 0 ||
	    get_numbers(r, i, o, "io", pc_res_io, PC_RES_NIO, NULL, c->io) < 0)
		goto out;
	/* repeat and repeats are read as compare always did: not checked. */
	json_t *rep = json_object_get(o, "repeats"), *r1 = json_object_get(o, "repeat");
	c->repeats = json_is_integer(rep) ? json_integer_value(rep) : 0;
	c->has_repeat = json_is_integer(r1);
	c->repeat = c->has_repeat ? json_integer_value(r1) : 0;
	rc = 0;
out:
	free(verdict);
	free(outcome);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	return strcmp((*(struct pc_res_case *const *)a)->id, (*(struct pc_res_case *const *)b)->id);
}

/* A case id twice is an error: the cases sorted by id, neighbours compared. */
static int check_unique(const struct pc_results *r)
{
	struct pc_res_case **sorted = xcalloc(r->n ? r->n : 1, sizeof(*sorted));
	for (size_t i = 0; i < r->n; i++)
		sorted[i] = &r->v[i];
	qsort(sorted, r->n, sizeof(*sorted), by_id);
	int rc = 0;
	for (size_t i = 1; i < r->n && rc == 0; i++)
		if (!strcmp(sorted[i - 1]->id, sorted[i]->id))
			rc = pc_fail(PC_ERR_INPUT, "%s: case %s appears twice", r->path, sorted[i]->id);
	free(sorted);
	return rc;
}

/* options.FIELD, the known-failures files [{"path", "sha256"}, ...]: their
 * digests into KEY, "NAME (sha256 HEX12)" into SHOWN after OPT. */
static int load_known_files(const struct pc_results *r, json_t *opts, const char *field,
			    const char *opt, struct pc_strbuf *key, struct pc_strbuf *shown)
{
	char where[64];
	snprintf(where, sizeof(where), "options.%s", field);
	json_t *a = json_object_get(opts, field);
	if (!json_is_array(a))
		return pc_results_bad(r, (size_t)-1, where, a ? "not an array" : "missing");
	pc_strbuf_printf(key, "%s=", field);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *f = json_array_get(a, i);
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *sum = json_string_value(json_object_get(f, "sha256"));
		if (!json_is_object(f) || !path || !sum || strlen(sum) != 64 ||
		    strspn(sum, "0123456789abcdef") != 64)
			return pc_results_bad(r, (size_t)-1, where,
					      "not a list of {\"path\": string, \"sha256\": 64 lowercase hex digits}");
		const char *slash = strrchr(path, '/');
		pc_strbuf_printf(key, "%s%s", i ? "," : "", sum);
		pc_strbuf_printf(shown, "%s%s%s (sha256 %.12s)", shown->len ? " " : "", opt,
				 slash ? slash + 1 : path, sum);
	}
	pc_strbuf_printf(key, " ");
	return 0;
}

/* options.FIELD: a count >= 0, or null (the scenario's own: -1). */
static int load_opt_count(const struct pc_results *r, json_t *opts, const char *field,
			  long long *out)
{
	json_t *v = json_object_get(opts, field);
	if (json_is_null(v)) {
		*out = -1;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		char where[64];
		snprintf(where, sizeof(where), "options.%s", field);
		return pc_results_bad(r, (size_t)-1, where,
				      v ? "not an integer >= 0 nor null" : "missing");
	}
	*out = json_integer_value(v);
	return 0;
}

/* "options" OPTS (report.c's options_json) into R's options and
 * options_shown. */
static int load_options_of(struct pc_results *r, json_t *opts)
{
	if (!json_is_object(opts))
		return pc_results_bad(r, (size_t)-1, "options", "not an object");
	/* Every option that changes verdicts is compared: one this powercut
	 * does not know (a newer powercut's) would be left out, and two runs
	 * that differ in it said to have run with the same options. */
	static const char *const names[] = { "known", "scenario_known", "retries", "flaky_ok",
					     "tool_timeout" };
	const char *name;
	json_t *val;
	json_object_foreach(opts, name, val) {
		size_t k = 0;
		while (k < sizeof(names) / sizeof(names[0]) && strcmp(names[k], name))
			k++;
		if (k == sizeof(names) / sizeof(names[0])) {
			char *where = xasprintf("options.%s", name);
			pc_results_bad(r, (size_t)-1, where, "an option this powercut does not know "
				       "(results of a newer powercut?): whether it changed a verdict "
				       "cannot be told");
			free(where);
			return -1;
		}
	}
	struct pc_strbuf key = PC_STRBUF_INIT, shown = PC_STRBUF_INIT;
	long long retries, timeout;
	json_t *flaky = json_object_get(opts, "flaky_ok");
	int rc = load_known_files(r, opts, "known", "--known ", &key, &shown);
	if (rc == 0)
		rc = load_known_files(r, opts, "scenario_known", "known = ", &key, &shown);
	if (rc == 0)
		rc = load_opt_count(r, opts, "retries", &retries);
	if (rc == 0)
		rc = load_opt_count(r, opts, "tool_timeout", &timeout);
	if (rc == 0 && !json_is_boolean(flaky))
		rc = pc_results_bad(r, (size_t)-1, "options.flaky_ok", flaky ? "not true or false" : "missing");
	if (rc == 0) {
		if (retries >= 0) {
			pc_strbuf_printf(&key, "retries=%lld ", retries);
			pc_strbuf_printf(&shown, "%s--retries %lld", shown.len ? " " : "", retries);
		} else {
			pc_strbuf_printf(&key, "retries=- ");
		}
		pc_strbuf_printf(&key, "flaky_ok=%d ", json_is_true(flaky));
		if (json_is_true(flaky))
			pc_strbuf_printf(&shown, "%s--flaky-ok", shown.len ? " " : "");
		if (timeout >= 0) {
			pc_strbuf_printf(&key, "tool_timeout=%lld", timeout);
			pc_strbuf_printf(&shown, "%s--tool-timeout %lld", shown.len ? " " : "", timeout);
		} else {
			pc_strbuf_printf(&key, "tool_timeout=-");
		}
	}
	r->options = pc_strbuf_release(&key);
	r->options_shown = pc_strbuf_release(&shown);
	if (rc == 0 && !*r->options_shown) {
		free(r->options_shown);
		r->options_shown = xstrdup("none");
	}
	if (rc < 0) {
		free(r->options);
		free(r->options_shown);
		r->options = r->options_shown = NULL;
	}
	return rc;
}

/* "options", when present. */
static int load_options(struct pc_results *r, json_t *root)
{
	json_t *opts = json_object_get(root, "options");
	return opts ? load_options_of(r, opts) : 0;
}

char *pc_results_options_shown(const char *file, json_t *opts)
{
	struct pc_results r = { .path = (char *)file };
	char *shown = NULL;
	if (load_options_of(&r, opts) == 0) {
		shown = r.options_shown;
		r.options_shown = NULL;
	}
	free(r.options);
	free(r.options_shown);
	return shown;
}

/* The fields some powercut wrote (every version's, as they are read or
 * kept for people), in strcmp order for the reader of the code (the
 * lookup does not rely on it): at the top (with
 * scripts/merge-results.sh's "shards") and in a case.  A field a newer
 * powercut adds goes here with it. */
static const char *const top_fields[] = {
	"cases", "finished", "format", "kernel", "options", "planned", "powercut", "scenario", "shard",
	"shards", "started",
};
static const char *const case_fields[] = {
	"attempts", "attempts_failed", "backend", "backend_why", "bytes", "cache_lost_blocks",
	"cache_lost_bytes", "case_dir", "checked", "committed", "crash_points", "cut",
	"cut_syncfs", "cut_umount", "device", "device_size", "entries", "error_class", "error_exit",
	"expect", "failures",
	"findings", "fio", "first_findings", "flaky_rate", "fs", "fsck", "fsyncs", "group", "id",
	"images", "io", "kernel_log", "known", "layers", "layers_committed", "layout", "lost",
	"mkfs_opts", "mode", "mount_opts", "mounted", "outcome", "overlay", "reason", "repeat",
	"repeats", "settings", "tested_sha256", "timings_s", "unmountable", "verdict",
	"workload", "write_cache",
};

/* The keys of the objects inside that are read by their keys (timings_s'
 * phases, io's counters, mounted, shard, crash_points), every one some powercut wrote
 * there (the same since the first), in strcmp order: a key a newer one
 * adds there is said as a field of its own ("cases[].timings_s.trim"). */
static const char *const timing_keys[] = {
	"commit", "crash_points", "fsck", "mkfs", "remount", "sync", "total", "unpack", "verify",
};
static const char *const io_keys[] = { "flushes", "rbytes", "rios", "wbytes", "wios" };
static const char *const mounted_keys[] = { "fs", "vfs" };
static const char *const shard_keys[] = { "k", "n", "scenario_cases" };
/* crash_points and each of its points: every key report.c wrote there
 * since crash points came (2026-11-28 07:14). */
static const char *const crash_keys[] = {
	"asked", "commit_returned_after_flush", "flushes", "log_bytes",
	"mode_returned_after_flush", "points", "subsets_per_point", "workload_from_flush",
};
static const char *const point_keys[] = {
	"after_commit", "after_mode", "checked", "committed", "findings", "flush", "fsck",
	"fsck_log", "lost", "mode_promised", "mount_error", "mounted", "next_epoch_writes",
	"problem", "subset_fsck_log", "subset_problem", "subsets", "subsets_bad", "sync_lost",
	"sync_promised",
};
/* findings (a count per kind: verify.c's names), each of first_findings,
 * and the case's kernel_log, known, fio, each of fio's jobs and each attempt:
 * every key report.c, report_outcome.c and workload_fio.c wrote there
 * since each came. */
static const char *const finding_keys[] = {
	"content", "extra", "fio-verify", "hardlink", "link", "missing", "mode", "owner", "rdev",
	"size", "type", "xattr",
};
static const char *const first_finding_keys[] = { "detail", "kind", "path" };
static const char *const kernel_log_keys[] = {
	"allowed", "checked", "device_window", "devices", "error", "lines", "lost_records",
	"other_devices", "why_not",
};
static const char *const known_keys[] = { "covered", "fails", "pattern", "reason", "where" };
static const char *const fio_keys[] = {
	"cut_after_bytes", "cut_after_s", "cut_at", "job", "job_bytes", "jobs", "jobs_unchecked",
	"jobs_verified", "mid_run", "unchecked_tail", "verify_errors", "verify_ios", "write_bytes",
	"write_ios",
};
static const char *const fio_job_keys[] = {
	"least_bytes", "lost", "misplaced", "name", "promised", "read_back", "size", "syncs",
	"unchecked_tail", "write_bytes", "write_ios",
};
static const char *const attempt_keys[] = { "dir", "reason", "time_s", "try", "verdict" };
/* layout = snapshots' layers and overlay (since 2026-11-28), probe = yes's
 * device and its two sets of figures (since 2026-11-30). */
static const char *const layer_keys[] = {
	"checked", "committed", "dir", "entries", "findings", "layer", "lost",
};
static const char *const overlay_keys[] = { "checked", "findings", "lost", "verified", "why_not" };
static const char *const device_keys[] = { "backing", "flakey", "measured" };
static const char *const figure_keys[] = { "fsyncs_per_s", "randwrite_4k_iops", "seq_write_mbs" };
#define NKEYS(a) (sizeof(a) / sizeof(*(a)))

/* The objects of a results.json whose keys the reader knows, by their
 * path ("" the top, "a.b" key b of object a, "a[]" each element of array
 * a), and those keys: one not among them is a newer powercut's, ignored
 * and said as PATH.KEY ("cases[].timings_s.trim").  The ignored are listed
 * in this order, each object's in the file's order. */
static const struct known_object {
	const char *path;
	const char *const *keys;
	size_t n;
} known_objects[] = {
#define KNOWN(path, keys) { path, keys, NKEYS(keys) }
	KNOWN("", top_fields),
	KNOWN("shard", shard_keys),
	KNOWN("cases[]", case_fields),
	KNOWN("cases[].timings_s", timing_keys),
	KNOWN("cases[].io", io_keys),
	KNOWN("cases[].mounted", mounted_keys),
	KNOWN("cases[].crash_points", crash_keys),
	KNOWN("cases[].crash_points.points[]", point_keys),
	KNOWN("cases[].findings", finding_keys),
	KNOWN("cases[].first_findings[]", first_finding_keys),
	KNOWN("cases[].kernel_log", kernel_log_keys),
	KNOWN("cases[].known", known_keys),
	KNOWN("cases[].fio", fio_keys),
	KNOWN("cases[].fio.jobs[]", fio_job_keys),
	KNOWN("cases[].attempts[]", attempt_keys),
	KNOWN("cases[].layers[]", layer_keys),
	KNOWN("cases[].layers[].findings", finding_keys),
	KNOWN("cases[].overlay", overlay_keys),
	KNOWN("cases[].overlay.findings", finding_keys),
	KNOWN("cases[].device", device_keys),
	KNOWN("cases[].device.flakey", figure_keys),
	KNOWN("cases[].device.backing", figure_keys),
#undef KNOWN
};

/* How a case's field is named among the ignored ones. */
#define CASE_PREFIX "cases[]."

/* Does K know KEY?  A plain scan: the lists are short, and a list put
 * out of order by hand must not make a known key look unknown (as a
 * bsearch would). */
static int known_key(const struct known_object *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->keys[i], key))
			return 1;
	return 0;
}

/* Add to R's ignored each key of object O that K does not know, as
 * K's path + "." + key, once. */
static void note_unknown(struct pc_results *r, json_t *o, const struct known_object *k)
{
	const char *key;
	json_t *v;
	if (!json_is_object(o))
		return;
	json_object_foreach(o, key, v) {
		if (known_key(k, key))
			continue;
		char *name = xasprintf("%s%s%s", k->path, *k->path ? "." : "", key);
		size_t i;
		for (i = 0; i < r->nignored && strcmp(r->ignored[i], name); i++)
			;
		if (i < r->nignored) {
			free(name);
			continue;
		}
		r->ignored = xrealloc(r->ignored, (r->nignored + 1) * sizeof(*r->ignored));
		r->ignored[r->nignored++] = name;
	}
}

/* note_unknown for every object at PATH (what is left of K's path) below
 * O: its first component, an object's key or each element of an array
 * ("name[]"), then the rest.  What is missing or of another type holds
 * nothing (the loading checks types). */
static void note_unknown_at(struct pc_results *r, json_t *o, const char *path,
			    const struct known_object *k)
{
	if (!*path) {
		note_unknown(r, o, k);
		return;
	}
	size_t len = strcspn(path, ".");
	const char *rest = path[len] ? path + len + 1 : "";
	int each = len > 2 && !strncmp(path + len - 2, "[]", 2);
	json_t *v = json_object_getn(o, path, each ? len - 2 : len);
	if (!each) {
		note_unknown_at(r, v, rest, k);
		return;
	}
	for (size_t i = 0; i < json_array_size(v); i++)
		note_unknown_at(r, json_array_get(v, i), rest, k);
}

/* R's ignored: the fields of ROOT no powercut this build knows of wrote. */
static void find_ignored(struct pc_results *r, json_t *root)
{
	for (size_t i = 0; i < NKEYS(known_objects); i++)
		note_unknown_at(r, root, known_objects[i].path, &known_objects[i]);
}

char *pc_results_ignored_text(char *const *ignored, size_t n, char *(*esc)(const char *))
{
	if (!n)
		return NULL;
	struct pc_strbuf b = PC_STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		/* "cases[]." is the reader's own: only the file's key is escaped */
		int in_case = !strncmp(ignored[i], CASE_PREFIX, strlen(CASE_PREFIX));
		char *e = esc(ignored[i] + (in_case ? strlen(CASE_PREFIX) : 0));
		pc_strbuf_printf(&b, "%s%s%s", i ? ", " : "", in_case ? CASE_PREFIX : "", e);
		free(e);
	}
	return pc_strbuf_release(&b);
}

/* FIELD of ROOT, when present: a time as report.c writes it, ISO 8601
 * UTC "YYYY-MM-DDTHH:MM:SSZ", a real date (strcmp then orders times). */
static int get_time(const struct pc_results *r, json_t *root, const char *field, char **out)
{
	if (get_str(r, (size_t)-1, root, field, 0, out) < 0)
		return -1;
	if (!*out)
		return 0;
	struct tm tm = { 0 };
	const char *end = strlen(*out) == 20 ? strptime(*out, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end) {
		free(*out);
		*out = NULL;
		return pc_results_bad(r, (size_t)-1, field,
				      "not a time as YYYY-MM-DDTHH:MM:SSZ (ISO 8601, UTC)");
	}
	return 0;
}

/* "shard" {k, n, scenario_cases}, when present: 1 <= k <= n. */
static int load_shard(struct pc_results *r, json_t *shard)
{
	if (!shard)
		return 0;
	json_t *k = json_object_get(shard, "k"), *n = json_object_get(shard, "n");
	if (!json_is_object(shard) || !json_is_integer(k) || !json_is_integer(n) ||
	    json_integer_value(k) < 1 || json_integer_value(k) > json_integer_value(n))
		return pc_results_bad(r, (size_t)-1, "shard", "not {k, n} with 1 <= k <= n");
	r->shard_k = json_integer_value(k);
	r->shard_n = json_integer_value(n);
	return 0;
}

static int load_root(struct pc_results *r, json_t *root)
{
	json_t *cases = json_object_get(root, "cases");
	if (!json_is_object(root))
		return pc_results_bad(r, (size_t)-1, "(top)", "not an object");
	json_t *format = json_object_get(root, "format");
	if (format && (!json_is_integer(format) || json_integer_value(format) < 1))
		return pc_results_bad(r, (size_t)-1, "format", "not an integer >= 1");
	if (format && json_integer_value(format) > PC_RESULTS_FORMAT) {
		char *why = xasprintf("%lld is newer than this powercut reads (%d): use a newer powercut",
				      (long long)json_integer_value(format), PC_RESULTS_FORMAT);
		pc_results_bad(r, (size_t)-1, "format", why);
		free(why);
		return -1;
	}
	if (get_str(r, (size_t)-1, root, "kernel", 1, &r->kernel) < 0 ||
	    get_str(r, (size_t)-1, root, "scenario", 0, &r->scenario) < 0 ||
	    get_str(r, (size_t)-1, root, "powercut", 0, &r->version) < 0 ||
	    get_time(r, root, "started", &r->started) < 0 ||
	    get_time(r, root, "finished", &r->finished) < 0 ||
	    load_options(r, root) < 0)
		return -1;
	if (!json_is_array(cases))
		return pc_results_bad(r, (size_t)-1, "cases", cases ? "not an array" : "missing");
	size_t n = json_array_size(cases);
	/* planned: written since runs record what they were to check (an
	 * interrupted run, a merge missing a shard, has fewer cases). */
	json_t *planned = json_object_get(root, "planned");
	r->planned = -1;
	if (planned) {
		if (!json_is_integer(planned) || json_integer_value(planned) < 0)
			return pc_results_bad(r, (size_t)-1, "planned", "not an integer >= 0");
		if ((size_t)json_integer_value(planned) < n)
			return pc_results_bad(r, (size_t)-1, "planned", "fewer than the cases");
		r->planned = json_integer_value(planned);
	}
	if (load_shard(r, json_object_get(root, "shard")) < 0)
		return -1;
	r->v = xcalloc(n ? n : 1, sizeof(*r->v));
	for (; r->n < n; r->n++)
		if (load_case(r, r->n, json_array_get(cases, r->n), &r->v[r->n]) < 0) {
			r->n++; /* freed with the others */
			return -1;
		}
	find_ignored(r, root);
	return check_unique(r);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A number by its value as jq keeps it: jq holds every number as a double
 * (it writes 0.0 as 0, and 2^53 + 1 as 2^53), so a whole number within
 * 2^53 is digested as an integer and any other as its double. */
static void digest_number(struct pc_digest *d, double x)
{
	char buf[64];
	if (x > -MAX_MEASURE && x < MAX_MEASURE && x == (double)(long long)x)
		snprintf(buf, sizeof(buf), "n%lld;", (long long)x);
	else
		snprintf(buf, sizeof(buf), "n%.17g;", x);
	pc_digest_update(d, buf, strlen(buf));
}

/* Feed V to D in one canonical form: object keys sorted, strings with
 * their length, a number by its value (digest_number).  Not
 * json_dumps(JSON_SORT_KEYS): that writes 0.0 and 0, or an integer and
 * the double jq made of it, differently, and would hold the whole text.
 * jansson bounds the nesting (2048), so the recursion is bounded. */
static void digest_json(struct pc_digest *d, const json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), k = 0;
		const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
		const char *key;
		json_t *val;
		json_object_foreach((json_t *)v, key, val)
			keys[k++] = key;
		qsort(keys, n, sizeof(*keys), by_str);
		pc_digest_update(d, "{", 1);
		for (k = 0; k < n; k++) {
			snprintf(buf, sizeof(buf), "%zu:", strlen(keys[k]));
			pc_digest_update(d, buf, strlen(buf));
			pc_digest_update(d, keys[k], strlen(keys[k]));
			digest_json(d, json_object_get(v, keys[k]));
		}
		pc_digest_update(d, "}", 1);
		free(keys);
		return;
	}
	case JSON_ARRAY:
		pc_digest_update(d, "[", 1);
		for (size_t i = 0; i < json_array_size(v); i++)
			digest_json(d, json_array_get(v, i));
		pc_digest_update(d, "]", 1);
		return;
	case JSON_STRING:
		snprintf(buf, sizeof(buf), "s%zu:", json_string_length(v));
		pc_digest_update(d, buf, strlen(buf));
		pc_digest_update(d, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
	case JSON_REAL:
		digest_number(d, json_number_value(v));
		return;
	case JSON_TRUE:
		snprintf(buf, sizeof(buf), "t");
		break;
	case JSON_FALSE:
		snprintf(buf, sizeof(buf), "f");
		break;
	case JSON_NULL:
		snprintf(buf, sizeof(buf), "z");
		break;
	}
	pc_digest_update(d, buf, strlen(buf));
}

/* R's content_sha256 from ROOT, in digest_json's canonical form. */
static int content_digest(struct pc_results *r, const json_t *root)
{
	struct pc_digest d;
	if (pc_digest_init(&d, PC_SHA256) < 0)
		return -1;
	digest_json(&d, root);
	pc_digest_final_hex(&d, r->content_sha256);
	pc_digest_free(&d);
	return 0;
}

int pc_results_load(const char *path, struct pc_results *r)
{
	memset(r, 0, sizeof(*r));
	r->planned = -1;
	struct stat st;
	if (stat(path, &st) < 0)
		return pc_fail_errno(PC_ERR_INPUT, errno, "%s", path);
	r->path = S_ISDIR(st.st_mode) ? xasprintf("%s/results.json", path) : xstrdup(path);
	size_t len;
	char *text = pc_input_read_small("results file", r->path, MAX_RESULTS_BYTES, &len);
	if (!text)
		return -1;
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	free(text);
	if (!root)
		return pc_fail(PC_ERR_INPUT, "%s:%d: not JSON: %s", r->path, err.line, err.text);
	int rc = load_root(r, root);
	if (rc == 0)
		rc = content_digest(r, root);
	json_decref(root);
	return rc;
}

void pc_results_free(struct pc_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct pc_res_case *c = &r->v[i];
		free(c->id);
		free(c->fs);
		free(c->mode);
		free(c->reason);
		free(c->flaky_rate);
		free(c->case_dir);
		free(c->expect);
		free(c->mounted);
		free(c->settings_unknown);
		for (size_t k = 0; k < c->npoint_files; k++)
			free(c->point_files[k]);
		free(c->point_files);
		for (size_t k = 0; k < PC_RES_NSETUP; k++)
			free(c->setup[k]);
	}
	free(r->v);
	free(r->path);
	free(r->kernel);
	free(r->scenario);
	free(r->version);
	free(r->started);
	free(r->finished);
	free(r->options);
	free(r->options_shown);
	for (size_t i = 0; i < r->nignored; i++)
		free(r->ignored[i]);
	free(r->ignored);
	memset(r, 0, sizeof(*r));
}
