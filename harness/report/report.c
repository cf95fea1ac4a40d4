/* report.c - results.json, junit.xml and summary.md; see result.h.
 *
 * Each file is built in memory and then written to a temporary name and
 * renamed, so a reader never sees half a file.
 */
#include "run/result.h"
#include "util/escape.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/verdict.h"
#include "fs/durability.h"
#include "report/jsonout.h"
#include "report/junit.h"
#include "report/results_reader.h"
#include "report/report_outcome.h"
#include "run/runner.h"
#include "util/util.h"
#include "util/version.h"
#include "workload/workload.h"

/* How many findings junit.xml and results.json list per case. */
#define FIRST_FINDINGS 20

const char *pc_verdict_name(enum pc_verdict v)
{
	switch (v) {
	case PC_VERDICT_PASS: return "pass";
	case PC_VERDICT_FAIL: return "fail";
	case PC_VERDICT_ERROR: return "error";
	}
	return "?";
}

/* Did the verification run?  Not for a case that erred, nor for one whose
 * filesystem did not mount after the cut: its "lost" and "checked" are
 * null in results.json, never a reassuring 0. */
static int verified(const struct pc_case_result *res)
{
	return res->verdict != PC_VERDICT_ERROR && !res->unmountable[0];
}

/* Is the loss one against the promise: the commit record came back (or,
 * after a mid-run fio cut, fio's saved state is the promise)?  The table
 * shows the loss only then. */
static int loss_against_promise(const struct pc_case_result *res)
{
	return verified(res) && (res->committed || res->fio.midrun);
}

const char *pc_fsck_name(enum pc_fsck_result f)
{
	switch (f) {
	case PC_FSCK_CLEAN: return "clean";
	case PC_FSCK_ERRORS: return "errors";
	case PC_FSCK_SKIPPED: return "skipped";
	case PC_FSCK_FAILED: return "skipped"; /* ended, but did not check */
	}
	return "?";
}

static const char *cut_name(enum pc_flakey_mode m)
{
	return m == PC_FLAKEY_ERROR ? "error" : "drop";
}

/* ---- results.json ---------------------------------------------------- */

static void put_str(json_t *o, const char *key, const char *value)
{
	json_object_set_new(o, key, pc_esc_json(value));
}

static void put_int(json_t *o, const char *key, uint64_t value)
{
	json_object_set_new(o, key, json_integer((json_int_t)value));
}

/* Seconds, rounded to the millisecond so that the JSON reads 5.45, not
 * 5.4500000000000002. */
static void put_secs(json_t *o, const char *key, double value)
{
	/* Times are never negative; this avoids needing libm for round(). */
	double ms = value > 0 ? (double)(int64_t)(value * 1000.0 + 0.5) : 0.0;
	json_object_set_new(o, key, json_real(ms / 1000.0));
}

static json_t *counts_json(const size_t counts[PC_F_NKINDS])
{
	json_t *o = json_object();
	for (int k = 0; k < PC_F_NKINDS; k++)
		put_int(o, pc_finding_name((enum pc_finding_kind)k), counts[k]);
	return o;
}

/* For the modules that describe their own fields (jsonout.h). */
void pc_json_put_str(json_t *o, const char *key, const char *value)
{
	put_str(o, key, value);
}

void pc_json_put_int(json_t *o, const char *key, uint64_t value)
{
	put_int(o, key, value);
}

void pc_json_put_secs(json_t *o, const char *key, double value)
{
	put_secs(o, key, value);
}

json_t *pc_json_counts(const size_t counts[PC_F_NKINDS])
{
	return counts_json(counts);
}

/* crash_points: the log, and each point's state and checks. */
static void crash_points_json(json_t *o, const struct pc_case_result *res)
{
	json_t *cp = json_object();
	put_int(cp, "asked", res->c->crash_points);
	put_int(cp, "subsets_per_point", res->c->crash_subsets);
	put_int(cp, "flushes", res->cp.flushes);
	put_int(cp, "workload_from_flush", res->cp.first_flush + 1);
	if (res->cp.mode_marked) /* every point from this flush on: what the mode promised */
		put_int(cp, "mode_returned_after_flush", res->cp.mode_flush);
	if (res->cp.commit_marked) /* every point from this flush on must hold the record */
		put_int(cp, "commit_returned_after_flush", res->cp.commit_flush);
	put_int(cp, "log_bytes", res->cp.log_bytes);
	json_t *points = json_array();
	for (size_t i = 0; i < res->cp.n; i++) {
		const struct pc_crash_point *pt = &res->cp.v[i];
		json_t *jp = json_object();
		put_int(jp, "flush", pt->flush);
		json_object_set_new(jp, "mounted", json_boolean(pt->mounted));
		if (!pt->mounted)
			put_str(jp, "mount_error", pt->mount_error);
		json_object_set_new(jp, "after_mode", json_boolean(pt->after_mode));
		json_object_set_new(jp, "mode_promised", json_boolean(pt->mode_promised));
		json_object_set_new(jp, "after_commit", json_boolean(pt->after_commit));
		json_object_set_new(jp, "committed", json_boolean(pt->committed));
		if (pt->committed || pt->mode_promised) {
			put_int(jp, "checked", pt->checked);
			put_int(jp, "lost", pt->lost);
		}
		if (pt->promised) { /* inside the mode's pass: its per-file promises */
			put_int(jp, "sync_promised", pt->promised);
			put_int(jp, "sync_lost", pt->promise_lost);
		}
		put_str(jp, "fsck", pc_fsck_name(pt->fsck));
		if (pt->fsck_log[0]) /* in the case folder */
			put_str(jp, "fsck_log", pt->fsck_log);
		char why[512];
		const char *problem = pc_verdict_crash_point(pt, res->c->expect == PC_EXPECT_INTACT,
							     pc_mode_name(res->c->mode), why,
							     sizeof(why));
		if (problem) /* the point itself; its subsets say theirs below */
			put_str(jp, "problem", problem);
		if (pt->findings[0]) /* in the case folder */
			put_str(jp, "findings", pt->findings);
		if (res->c->crash_subsets) {
			put_int(jp, "subsets", pt->subsets);
			put_int(jp, "subsets_bad", pt->subsets_bad);
			put_int(jp, "next_epoch_writes", pt->next_writes);
			if (pt->subsets_bad)
				put_str(jp, "subset_problem", pt->subset_problem);
			if (pt->subset_fsck_log[0]) /* in the case folder */
				put_str(jp, "subset_fsck_log", pt->subset_fsck_log);
		}
		json_array_append_new(points, jp);
	}
	json_object_set_new(cp, "points", points);
	json_object_set_new(o, "crash_points", cp);
}

/* probe = yes: the device's limits, flakey device and backing file. */
static json_t *figures_json(const struct pc_probe_figures *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "seq_write_mbs", json_real((double)(int64_t)(f->seq_write_mbs * 10 + 0.5) / 10));
	json_object_set_new(o, "randwrite_4k_iops", json_integer((json_int_t)(f->randwrite_iops + 0.5)));
	json_object_set_new(o, "fsyncs_per_s", json_integer((json_int_t)(f->fsyncs_per_s + 0.5)));
	return o;
}

static void device_json(json_t *o, const struct pc_case_result *res)
{
	json_t *d = json_object();
	json_object_set_new(d, "measured", json_boolean(res->device.done));
	if (res->device.done) {
		json_object_set_new(d, "flakey", figures_json(&res->device.flakey));
		json_object_set_new(d, "backing", figures_json(&res->device.backing));
	}
	json_object_set_new(o, "device", d);
}

/* Write throughput of the workload as a fraction of the device's
 * sequential write speed (summary.md, probe = yes). */
static void device_lines(const struct pc_run_report *r, FILE *f)
{
	int header = 0;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		if (!res->device.done)
			continue;
		if (!header)
			fputs("\n## Device (probe = yes)\n\n", f);
		header = 1;
		char *id = pc_esc_md(res->c->id);
		const struct pc_probe_figures *d = &res->device.flakey, *b = &res->device.backing;
		double mbs = res->t.unpack > 0 ? (double)res->bytes / 1e6 / res->t.unpack : 0;
		fprintf(f, "- %s: %s %.1f MB/s = %.0f%% of the device's sequential write "
			   "(%.1f MB/s, %.0f 4k IOPS, %.0f fsyncs/s; backing file %.1f MB/s, "
			   "%.0f IOPS, %.0f fsyncs/s)\n", id,
			res->c->workload == PC_WORKLOAD_FIO ? "fio writes" : "unpack", mbs,
			d->seq_write_mbs > 0 ? 100.0 * mbs / d->seq_write_mbs : 0, d->seq_write_mbs,
			d->randwrite_iops, d->fsyncs_per_s, b->seq_write_mbs, b->randwrite_iops,
			b->fsyncs_per_s);
		free(id);
	}
}

/* The first FIRST_FINDINGS findings of VR, each with its kind, path and
 * detail. */
static json_t *first_findings_json(const struct pc_verify_result *vr)
{
	json_t *first = json_array();
	for (size_t i = 0; i < vr->nfindings && i < FIRST_FINDINGS; i++) {
		const struct pc_finding *fd = &vr->findings[i];
		json_t *jf = json_object();
		put_str(jf, "kind", pc_finding_name(fd->kind));
		put_str(jf, "path", fd->path);
		put_str(jf, "detail", fd->detail);
		json_array_append_new(first, jf);
	}
	return first;
}

/* How long each step of the case took, in seconds. */
static json_t *timings_json(const struct pc_case_result *res)
{
	json_t *t = json_object();
	put_secs(t, "mkfs", res->t.mkfs);
	put_secs(t, "unpack", res->t.unpack);
	put_secs(t, "sync", res->t.sync);
	put_secs(t, "commit", res->t.commit);
	put_secs(t, "remount", res->t.remount);
	put_secs(t, "verify", res->t.verify);
	put_secs(t, "fsck", res->t.fsck);
	if (res->c->crash_points)
		put_secs(t, "crash_points", res->t.crash_points);
	put_secs(t, "total", res->t.total);
	return t;
}

/* The I/O the device under test saw over unpack, sync and commit. */
static json_t *io_json(const struct pc_case_result *res)
{
	json_t *io = json_object();
	put_int(io, "wios", res->io.wios);
	put_int(io, "wbytes", res->io.wbytes);
	put_int(io, "rios", res->io.rios);
	put_int(io, "rbytes", res->io.rbytes);
	put_int(io, "flushes", res->io.flushes);
	return io;
}

static json_t *case_json(const struct pc_case_result *res)
{
	const struct pc_case *c = res->c;
	json_t *o = json_object();
	put_str(o, "id", c->id);
	put_str(o, "group", c->group);
	put_str(o, "fs", c->fs);
	put_str(o, "mkfs_opts", c->mkfs_opts);
	put_str(o, "mount_opts", c->mount_opts);
	if (res->unmountable[0])
		put_str(o, "unmountable", res->unmountable);
	if (res->mounted_fs[0]) {
		json_t *m = json_object();
		put_str(m, "vfs", res->mounted_vfs);
		put_str(m, "fs", res->mounted_fs);
		json_object_set_new(o, "mounted", m);
	}
	put_str(o, "backend", res->backend ? res->backend : c->backend);
	put_str(o, "backend_why", res->backend_why);
	put_str(o, "mode", pc_mode_name(c->mode));
	put_int(o, "repeat", c->repeat);
	put_int(o, "repeats", c->repeats);
	put_str(o, "cut", cut_name(c->cut));
	put_str(o, "layout", pc_layout_name(c->layout));
	put_str(o, "workload", pc_workload_of(c)->name);
	/* With cut = error: what the filesystem said when its writes failed. */
	if (res->cut_syncfs[0])
		put_str(o, "cut_syncfs", res->cut_syncfs);
	if (res->cut_umount[0])
		put_str(o, "cut_umount", res->cut_umount);
	if (res->tested_sha256[0])
		put_str(o, "tested_sha256", res->tested_sha256);
	/* The case's other scenario keys (scenario.h): a scenario edited
	 * under the same name is a setup change in compare.  A case built by
	 * hand (the unit tests) has no settings. */
	if (c->settings) {
		char *settings = pc_case_settings(c);
		put_str(o, "settings", settings);
		free(settings);
	}
	put_str(o, "write_cache", c->volatile_cache ? "volatile" : "durable");
	if (c->volatile_cache) {
		put_int(o, "cache_lost_blocks", res->cache_lost_blocks);
		put_int(o, "cache_lost_bytes", res->cache_lost_bytes);
	}
	json_t *images = json_array();
	for (size_t i = 0; i < c->nimages; i++) {
		json_array_append_new(images, pc_esc_json(c->images[i]));
	}
	json_object_set_new(o, "images", images);
	put_int(o, "device_size", c->device_size);
	put_str(o, "expect", pc_expect_name(c->expect));
	json_object_set_new(o, "committed", json_boolean(res->committed));
	put_str(o, "verdict", pc_verdict_name(res->verdict));
	put_str(o, "reason", res->reason);
	/* What kind of error, for the readers (compare, report, qualify):
	 * informative to an older one, which ignores it (format 1). */
	if (res->verdict == PC_VERDICT_ERROR && res->error_kind != PC_EK_UNKNOWN) {
		put_str(o, "error_class", pc_error_kind_name(res->error_kind));
		put_int(o, "error_exit", res->error_exit);
	}
	pc_outcome_json(o, res);
	if (verified(res)) {
		put_int(o, "lost", res->vr.lost);
		put_int(o, "checked", res->vr.checked);
	} else {
		json_object_set_new(o, "lost", json_null());
		json_object_set_new(o, "checked", json_null());
	}

	json_object_set_new(o, "findings", counts_json(res->vr.counts));
	json_object_set_new(o, "first_findings", first_findings_json(&res->vr));
	const struct pc_workload_ops *w = pc_workload_of(c);
	if (w->describe)
		w->describe(o, res);
	if (c->crash_points)
		crash_points_json(o, res);
	if (c->probe)
		device_json(o, res);

	put_str(o, "fsck", pc_fsck_name(res->fsck));
	json_object_set_new(o, "timings_s", timings_json(res));
	json_object_set_new(o, "io", io_json(res));
	put_int(o, "entries", res->entries);
	put_int(o, "bytes", res->bytes);
	put_int(o, "fsyncs", res->fsyncs);
	put_str(o, "case_dir", res->case_dir);
	return o;
}

/* [{"path": ..., "sha256": ...}, ...] for the known-failures files of K
 * (NULL: none). */
static json_t *known_files_json(const struct pc_known *const *k, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; k[i] && f < k[i]->nfiles; f++) {
			json_t *o = json_object();
			put_str(o, "path", k[i]->files[f].path);
			put_str(o, "sha256", k[i]->files[f].sha256);
			json_array_append_new(a, o);
		}
	return a;
}

/* "options": what the run was told that changes verdicts (README,
 * results.json): merge-results refuses shards that differ there, compare
 * says so.  null: the scenario's own (retries, tool_timeout). */
static json_t *options_json(const struct pc_run_opts *o)
{
	json_t *j = json_object();
	const struct pc_known *cl = o->known;
	json_object_set_new(j, "known", known_files_json(&cl, 1));
	size_t n = o->scenario_known ? o->scenario_known->n : 0;
	const struct pc_known **sk = xcalloc(n ? n : 1, sizeof(*sk));
	for (size_t i = 0; i < n; i++)
		sk[i] = &o->scenario_known->lists[i];
	json_object_set_new(j, "scenario_known", known_files_json(sk, n));
	free(sk);
	json_object_set_new(j, "retries", o->retries < 0 ? json_null() : json_integer(o->retries));
	json_object_set_new(j, "flaky_ok", json_boolean(o->flaky_ok));
	json_object_set_new(j, "tool_timeout",
			    o->tool_timeout < 0 ? json_null() : json_integer(o->tool_timeout));
	return j;
}

static int write_json(const struct pc_run_report *r, const char *dir)
{
	json_t *root = json_object();
	put_int(root, "format", PC_RESULTS_FORMAT);
	put_str(root, "powercut", pc_version);
	put_str(root, "scenario", r->scenario);
	put_str(root, "kernel", r->kernel);
	put_int(root, "planned", r->planned);
	if (r->started[0])
		put_str(root, "started", r->started);
	if (r->finished[0])
		put_str(root, "finished", r->finished);
	json_object_set_new(root, "shard", json_pack("{sIsIsI}", "k", (json_int_t)r->shard_k,
						     "n", (json_int_t)r->shard_n, "scenario_cases",
						     (json_int_t)r->scenario_cases));
	if (r->opts)
		json_object_set_new(root, "options", options_json(r->opts));
	json_t *cases = json_array();
	for (size_t i = 0; i < r->nresults; i++)
		json_array_append_new(cases, case_json(&r->results[i]));
	json_object_set_new(root, "cases", cases);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (!text)
		return pc_fail(PC_ERR_RUN, "%s/results.json: cannot serialise the results", dir);
	size_t len = strlen(text);
	/* json_dumps leaves out the final newline. */
	char *withnl = xasprintf("%s\n", text);
	free(text);
	int rc = pc_write_file_atomic(dir, "results.json", withnl, len + 1);
	free(withnl);
	return rc;
}

/* What "lost" and "checked" count for RES. */
static const char *loss_unit(const struct pc_case_result *res)
{
	/* fio: blocks, and after a mid-run cut nothing was committed */
	if (res->c->workload == PC_WORKLOAD_FIO)
		return "blocks fio saw written";
	/* each entry is checked in its layer folder and in the merged view,
	 * so the counts can exceed the image's entries */
	if (res->c->layout == PC_LAYOUT_SNAPSHOTS)
		return "entry checks (layer folders and merged view)";
	return "committed entries";
}

/* ---- the table ------------------------------------------------------- */

enum { NCOLS = 16 };

static const char *const headers[NCOLS] = {
	"case", "fs", "mode", "backend", "time s", "WIOS", "WBytes", "RIOS",
	"RBytes", "flushes", "fsyncs", "entries", "lost", "expect", "fsck", "verdict",
};
/* Numbers are right-aligned. */
static const int numeric[NCOLS] = { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 };

/* A text cell, escaped for markdown (escape.h); cut at 159 bytes, never
 * inside an escape or a UTF-8 character. */
static void text_cell(char cell[160], const char *s)
{
	char *e = pc_esc_md(s);
	size_t n = strlen(e);
	if (n > 159) {
		n = 159;
		while (n > 0 && ((unsigned char)e[n] & 0xC0) == 0x80)
			n--; /* back to the start of a character */
		for (size_t k = n >= 2 ? n - 2 : 0; k < n; k++)
			if (e[k] == '%')
				n = k; /* not inside %XX */
	}
	memcpy(cell, e, n);
	cell[n] = '\0';
	free(e);
}

static void row_cells(const struct pc_case_result *res, char cells[NCOLS][160])
{
	const struct pc_case *c = res->c;
	text_cell(cells[0], c->id);
	text_cell(cells[1], c->fs);
	snprintf(cells[2], 160, "%s", pc_mode_name(c->mode));
	text_cell(cells[3], res->backend ? res->backend : c->backend);
	snprintf(cells[4], 160, "%.2f", res->t.total);
	snprintf(cells[5], 160, "%llu", (unsigned long long)res->io.wios);
	snprintf(cells[6], 160, "%llu", (unsigned long long)res->io.wbytes);
	snprintf(cells[7], 160, "%llu", (unsigned long long)res->io.rios);
	snprintf(cells[8], 160, "%llu", (unsigned long long)res->io.rbytes);
	snprintf(cells[9], 160, "%llu", (unsigned long long)res->io.flushes);
	snprintf(cells[10], 160, "%llu", (unsigned long long)res->fsyncs);
	snprintf(cells[11], 160, "%llu", (unsigned long long)res->entries);
	if (!loss_against_promise(res))
		snprintf(cells[12], 160, "-");
	else
		snprintf(cells[12], 160, "%zu", res->vr.lost);
	snprintf(cells[13], 160, "%s", pc_expect_name(c->expect));
	snprintf(cells[14], 160, "%s", pc_fsck_name(res->fsck));
	pc_outcome_cell(res, cells[15], 160);
}


static void print_row(FILE *f, char cells[NCOLS][160], const size_t width[NCOLS])
{
	fputc('|', f);
	for (int i = 0; i < NCOLS; i++) {
		int w = (int)width[i];
		if (numeric[i])
			fprintf(f, " %*s |", w, cells[i]);
		else
			fprintf(f, " %-*s |", w, cells[i]);
	}
	fputc('\n', f);
}

/* What the crash points of the passing cases showed (a failing case's
 * reason already names its first bad point). */
static void crash_points_lines(const struct pc_run_report *r, FILE *f)
{
	int first = 1;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		if (!res->c->crash_points || res->verdict != PC_VERDICT_PASS)
			continue;
		if (first)
			fputc('\n', f);
		first = 0;
		size_t committed = 0, subsets = 0, promised = 0, in_pass = 0;
		for (size_t k = 0; k < res->cp.n; k++) {
			committed += (size_t)res->cp.v[k].committed;
			subsets += res->cp.v[k].subsets;
			promised += (size_t)res->cp.v[k].mode_promised;
			in_pass += res->cp.v[k].promised > 0;
		}
		char more[64] = "", mode[96] = "", pass[96] = "";
		if (subsets)
			snprintf(more, sizeof(more), " (and %zu partial states)", subsets);
		if (promised)
			snprintf(mode, sizeof(mode), "; %zu after %s returned, intact", promised,
				 pc_mode_name(res->c->mode));
		const char *backend = res->backend ? res->backend : res->c->backend;
		int per_file = res->c->mode != PC_MODE_NONE && res->c->mode != PC_MODE_SYNCFS;
		if (in_pass) /* inside the pass: what its syncs had promised so far */
			snprintf(pass, sizeof(pass), "; %zu inside %s's pass, every synced entry kept",
				 in_pass, pc_mode_name(res->c->mode));
		else if (per_file && backend && !strcmp(backend, "dm"))
			/* No point lies inside the pass on dm (no log mark per
			 * fsync): say so, rather than let silence pass for it. */
			snprintf(pass, sizeof(pass), "; inside %s's pass: not checked on dm",
				 pc_mode_name(res->c->mode));
		char *id = pc_esc_md(res->c->id);
		fprintf(f, "- %s: %zu crash points%s at flushes %llu..%llu of %llu: all mount, fsck "
			   "clean%s; %zu with the commit record%s\n",
			id, res->cp.n, more, (unsigned long long)res->cp.v[0].flush,
			(unsigned long long)res->cp.v[res->cp.n - 1].flush,
			(unsigned long long)res->cp.flushes, mode, committed, pass);
		free(id);
	}
}

void pc_report_table(const struct pc_run_report *r, FILE *f)
{
	size_t width[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		width[i] = strlen(headers[i]) > 3 ? strlen(headers[i]) : 3;
	char (*cells)[NCOLS][160] = xcalloc(r->nresults ? r->nresults : 1, sizeof(*cells));
	for (size_t row = 0; row < r->nresults; row++) {
		row_cells(&r->results[row], cells[row]);
		for (int i = 0; i < NCOLS; i++)
			if (strlen(cells[row][i]) > width[i])
				width[i] = strlen(cells[row][i]);
	}
	char head[NCOLS][160];
	for (int i = 0; i < NCOLS; i++)
		snprintf(head[i], sizeof(head[i]), "%s", headers[i]);
	print_row(f, head, width);
	fputc('|', f);
	for (int i = 0; i < NCOLS; i++) {
		fputc(' ', f);
		for (size_t k = 0; k + 1 < width[i]; k++)
			fputc('-', f);
		fputs(numeric[i] ? ": |" : "- |", f);
	}
	fputc('\n', f);
	for (size_t row = 0; row < r->nresults; row++)
		print_row(f, cells[row], width);
	free(cells);

	int first = 1;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		/* A mid-run fio cut has no commit record: fio's state is the promise. */
		int lost = loss_against_promise(res) && res->vr.lost;
		if (res->verdict == PC_VERDICT_PASS && !lost && res->outcome == PC_OUT_PASS)
			continue;
		if (first)
			fputc('\n', f);
		first = 0;
		char *id = pc_esc_md(res->c->id);
		if (res->verdict == PC_VERDICT_PASS) {
			/* A loss that was expected: say what was lost. */
			char kinds[256];
			pc_finding_counts_text(res->vr.counts, kinds, sizeof(kinds));
			fprintf(f, "- %s: %s", id, pc_outcome_name(res->outcome));
			if (lost)
				fprintf(f, ": %zu of %zu %s lost as expected (%s)", res->vr.lost,
					res->vr.checked, loss_unit(res), kinds);
			pc_outcome_line(res, f);
			fputc('\n', f);
			free(id);
			continue;
		}
		char *reason = pc_esc_md(res->reason[0] ? res->reason : "no reason recorded");
		char word[64];
		pc_outcome_word(res, word, sizeof(word));
		fprintf(f, "- %s: %s: %s", id, word, reason);
		if (res->c->workload == PC_WORKLOAD_FIO && res->vr.nfindings) {
			/* fio's verdict in its own words: the first bad block. */
			const struct pc_finding *fd = &res->vr.findings[0];
			char *text = xasprintf("%s %s: %s", pc_finding_name(fd->kind),
					       fd->path ? fd->path : "?", fd->detail ? fd->detail : "");
			char *esc = pc_esc_md(text);
			fprintf(f, " (first: %s; all in findings.txt)", esc);
			free(esc);
			free(text);
		}
		pc_outcome_line(res, f);
		fputc('\n', f);
		free(reason);
		free(id);
	}
	crash_points_lines(r, f);
}

/* ---- summary.md ------------------------------------------------------ */

static void timings_table(const struct pc_run_report *r, FILE *f)
{
	fputs("| case | mkfs | unpack | sync | commit | remount | verify | fsck | total |\n"
	      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		char *id = pc_esc_md(res->c->id);
		fprintf(f, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
			id, res->t.mkfs, res->t.unpack, res->t.sync, res->t.commit,
			res->t.remount, res->t.verify, res->t.fsck, res->t.total);
		free(id);
	}
}

/* "- options: `--known k.txt (sha256 0123456789ab) --retries 2`": what the
 * run was told that changes verdicts (a known or flaky outcome is read
 * against them), in the words of the HTML report and compare. */
static void summary_options(const struct pc_run_report *r, FILE *f)
{
	if (!r->opts)
		return;
	json_t *o = options_json(r->opts);
	char *shown = pc_results_options_shown("summary.md", o);
	json_decref(o);
	if (!shown) { /* cannot be: options_json writes what the reader reads */
		fputs("- options: **not known** (powercut could not read its own options)\n", f);
		return;
	}
	char *esc = pc_esc_md(shown);
	if (!strcmp(shown, "none"))
		fputs("- options: none\n", f);
	else
		fprintf(f, "- options: `%s`\n", esc);
	free(esc);
	free(shown);
}

/* The erring cases of R whose kind is K (outcome error). */
static size_t counts_of_kind(const struct pc_run_report *r, enum pc_error_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nresults; i++)
		n += r->results[i].outcome == PC_OUT_ERROR && r->results[i].error_kind == k;
	return n;
}

/* " (1 case, 2 environment)": the kinds of R's errors, "" when none. */
static void error_kinds_text(const struct pc_run_report *r, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int k = 0; k < PC_EK_N; k++) {
		size_t n = counts_of_kind(r, (enum pc_error_kind)k);
		if (!n)
			continue;
		int w = snprintf(out + used, len - used, "%s%zu %s", used ? ", " : " (", n,
				 k == PC_EK_UNKNOWN ? "kind not recorded"
				 : pc_error_kind_name((enum pc_error_kind)k));
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (used && used + 2 <= len)
		memcpy(out + used, ")", 2);
}

/* The results files that could not be written, and the errno of the
 * first failure (ENOSPC, EDQUOT: the results folder is full). */
struct lost_files {
	const char *names[3];
	size_t n;
	int err;
};

/* "- **results not written: ...**" for summary.md, or NULL when L is
 * empty. */
static char *lost_note(const struct pc_run_report *r, const struct lost_files *l)
{
	if (!l || !l->n)
		return NULL;
	int full = l->err == ENOSPC || l->err == EDQUOT;
	char names[64] = "";
	for (size_t i = 0; i < l->n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? (i + 1 == l->n ? " and " : ", ") : "", l->names[i]);
	/* what was written holds the results (compare reads results.json) */
	static const char *const all[] = { "results.json", "junit.xml" };
	char kept[64] = "";
	for (size_t k = 0; k < sizeof(all) / sizeof(*all); k++) {
		int lost = 0;
		for (size_t i = 0; i < l->n; i++)
			lost |= !strcmp(l->names[i], all[k]);
		if (!lost)
			snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
				 kept[0] ? " and " : "", all[k]);
	}
	return xasprintf("- **results not written: %s** (%s): %s could not be written when %zu "
			 "of the %zu cases this run planned had run (powercut run prints its table "
			 "on standard output, and exits 3)%s%s%s%s\n\n",
			 full ? "the results folder is full" : "the results folder failed a write",
			 l->err ? strerror(l->err) : "see the run's messages", names, r->nresults,
			 r->planned > r->nresults ? r->planned : r->nresults,
			 kept[0] ? "; " : "", kept, kept[0] ? " hold them" : "",
			 full ? "; free space there, or give the run another -o" : "");
}

static int write_summary(const struct pc_run_report *r, const char *dir,
			 const struct lost_files *lost)
{
	size_t counts[PC_OUT_N] = { 0 };
	for (size_t i = 0; i < r->nresults; i++)
		counts[r->results[i].outcome]++;
	char *buf;
	size_t len;
	FILE *f = xopen_memstream(&buf, &len);
	char *scenario = pc_esc_md(r->scenario);
	char *kernel = pc_esc_md(r->kernel);
	fprintf(f, "# powercut results\n\n- scenario: `%s`\n- kernel: `%s`\n", scenario, kernel);
	summary_options(r, f);
	char *note = lost_note(r, lost);
	if (note)
		fputs(note, f);
	free(note);
	char kinds[160];
	error_kinds_text(r, kinds, sizeof(kinds));
	fprintf(f, "- cases: %zu (%zu pass, %zu fail, %zu error%s, %zu flaky, %zu known, "
		   "%zu unexpected pass)\n\n",
		r->nresults, counts[PC_OUT_PASS], counts[PC_OUT_FAIL],
		counts[PC_OUT_ERROR], kinds, counts[PC_OUT_FLAKY], counts[PC_OUT_KNOWN],
		counts[PC_OUT_XPASS]);
	if (counts_of_kind(r, PC_EK_ENV))
		fprintf(f, "- **%zu %s erred for the environment** (the host failed %s, not the "
			   "filesystem: its work folder's disk, a killed fuse server, a tool timed "
			   "out or missing, a kernel feature, no room): not checked, neither a "
			   "failure nor a pass; run again on a sound host\n\n",
			counts_of_kind(r, PC_EK_ENV), counts_of_kind(r, PC_EK_ENV) == 1 ? "case" : "cases",
			counts_of_kind(r, PC_EK_ENV) == 1 ? "it" : "them");
	/* An interrupted run: the cases it did not reach are in no count. */
	if (r->planned > r->nresults && !(lost && lost->n))
		fprintf(f, "- **not run: %zu of the %zu cases this run planned** (interrupted): "
			   "not checked\n\n", r->planned - r->nresults, r->planned);
	free(scenario);
	free(kernel);
	pc_report_table(r, f);
	fputs("\nI/O counters are the flakey device's, over unpack, sync and commit.\n"
	      "\n## Phase times (seconds)\n\n", f);
	timings_table(r, f);
	device_lines(r, f);
	fclose(f);
	int rc = pc_write_file_atomic(dir, "summary.md", buf, len);
	free(buf);
	return rc;
}

static void note_lost(struct lost_files *l, const char *name)
{
	if (!l->n)
		l->err = pc_last_fail_errno;
	l->names[l->n++] = name;
}

/* Some results files of DIR could not be written (L): an earlier write's
 * (before the first case, or some cases back: "not run", "interrupted")
 * would be taken for this run's results.  Those of results.json and
 * junit.xml are removed (a reader finds none, rather than a false one);
 * summary.md says what happened, in place of the old one when no new file
 * fits (the folder full: its blocks are freed first). */
static void results_lost(const struct pc_run_report *r, const char *dir, struct lost_files *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->names[i], "summary.md"))
			continue;
		char *path = xasprintf("%s/%s", dir, l->names[i]);
		if (unlink(path) < 0 && errno != ENOENT)
			pc_warn("remove %s (an earlier write's, not this run's results): %s", path,
				strerror(errno));
		free(path);
	}
	char *note = lost_note(r, l);
	char *scenario = pc_esc_md(r->scenario), *kernel = pc_esc_md(r->kernel);
	char *head = xasprintf("# powercut results\n\n- scenario: `%s`\n- kernel: `%s`\n%s",
			       scenario, kernel, note);
	free(scenario);
	free(kernel);
	free(note);
	/* The whole summary with the note, if it fits now; else the note
	 * alone, written over the old summary.md (its blocks freed first).
	 * Quietly: what could not be written was said already. */
	int quiet = pc_messages_quiet;
	enum pc_errclass cls = pc_last_errclass;
	pc_messages_quiet = 1;
	if (write_summary(r, dir, l) < 0) {
		char *path = xasprintf("%s/summary.md", dir);
		if (pc_write_file(path, head, strlen(head), 0) < 0) {
			pc_messages_quiet = quiet;
			pc_warn("%s could not be written either: what it holds is not this run's "
				"results", path);
		}
		free(path);
	}
	pc_messages_quiet = quiet;
	pc_last_errclass = cls;
	free(head);
}

int pc_report_write(const struct pc_run_report *r, const char *dir)
{
	if (pc_mkdir_p(dir, 0755) < 0)
		return -1;
	/* Write the others even if one fails: each is useful on its own. */
	struct lost_files lost = { .n = 0 };
	if (write_json(r, dir) < 0)
		note_lost(&lost, "results.json");
	if (pc_junit_write(r, dir) < 0)
		note_lost(&lost, "junit.xml");
	if (write_summary(r, dir, NULL) < 0)
		note_lost(&lost, "summary.md");
	if (lost.n)
		results_lost(r, dir, &lost);
	return lost.n ? -1 : 0;
}
