/* junit.c - junit.xml; see junit.h.
 *
 * Written by hand: CUnit's JUnit writer is broken in Debian's CUnit 2.1-3
 * and tied to CUnit's own registry, and the format needs nothing but
 * escaping (escape.h). */
#include "report/junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/util.h"

/* How many findings a failure lists. */
#define FIRST_FINDINGS 20

static void xml(FILE *f, const char *s, int attr)
{
	char *x = pc_esc_xml(s ? s : "", attr, 1);
	fputs(x, f);
	free(x);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	xml(f, value, 1);
	fputs("\"/>\n", f);
}

/* Append WORD to the space-separated list LIST unless it is there. */
static void add_word(char **list, const char *word)
{
	const char *w = word && *word ? word : "(none)";
	size_t n;
	char **words = pc_split_words(*list, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(words[i], w)) {
			pc_strv_free(words);
			return;
		}
	pc_strv_free(words);
	char *next = **list ? xasprintf("%s %s", *list, w) : xstrdup(w);
	free(*list);
	*list = next;
}

/* Values with white space (mount options "a b"?  never: they are comma
 * separated, but mkfs_opts are argument lists) are kept whole: one
 * distinct value per case, joined by " | ". */
static void add_value(char **list, const char *value)
{
	const char *v = value && *value ? value : "(none)";
	for (const char *p = *list; p && *p;) {
		const char *end = strstr(p, " | ");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == strlen(v) && !strncmp(p, v, len))
			return;
		p = end ? end + 3 : NULL;
	}
	char *next = **list ? xasprintf("%s | %s", *list, v) : xstrdup(v);
	free(*list);
	*list = next;
}

static void suite_properties(FILE *f, const struct pc_run_report *r, const char *group)
{
	char *fs = xstrdup(""), *mkfs = xstrdup(""), *mount = xstrdup(""), *backend = xstrdup("");
	char *cut = xstrdup(""), *cache = xstrdup("");
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		if (strcmp(res->c->group, group))
			continue;
		add_word(&fs, res->c->fs);
		add_value(&mkfs, res->c->mkfs_opts);
		add_value(&mount, res->c->mount_opts);
		add_word(&backend, res->backend ? res->backend : res->c->backend);
		add_word(&cut, res->c->cut == PC_FLAKEY_ERROR ? "error" : "drop");
		add_word(&cache, res->c->volatile_cache ? "volatile" : "durable");
	}
	char host[256] = "?";
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "?");
	char cpus[32], mem[64] = "?";
	snprintf(cpus, sizeof(cpus), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	struct sysinfo si;
	if (sysinfo(&si) == 0)
		snprintf(mem, sizeof(mem), "%llu MiB",
			 (unsigned long long)si.totalram * si.mem_unit / (1024 * 1024));
	fputs("    <properties>\n", f);
	property(f, "kernel", r->kernel);
	property(f, "scenario", r->scenario);
	property(f, "fs", fs);
	property(f, "mkfs_opts", mkfs);
	property(f, "mount_opts", mount);
	property(f, "backend", backend);
	property(f, "cut", cut);
	property(f, "write_cache", cache);
	property(f, "hostname", host);
	property(f, "cpus", cpus);
	property(f, "memory", mem);
	fputs("    </properties>\n", f);
	free(fs);
	free(mkfs);
	free(mount);
	free(backend);
	free(cut);
	free(cache);
}

/* Where the first crash point whose loss is a finding keeps them
 * (crashpoints.c): a case failing at a point has none at the cut. */
static void point_findings(FILE *f, const struct pc_case_result *res)
{
	for (size_t i = 0; i < res->cp.n; i++) {
		const struct pc_crash_point *pt = &res->cp.v[i];
		if (!pt->findings[0])
			continue;
		fprintf(f, "crash point at flush %llu: its findings in ", (unsigned long long)pt->flush);
		xml(f, res->case_dir[0] ? res->case_dir : "the case folder", 0);
		fputc('/', f);
		xml(f, pt->findings, 0);
		fputc('\n', f);
		return;
	}
}

/* The failure text: reason, first findings (the cut's; a crash point's
 * file), first kernel-log error. */
static void failure_text(FILE *f, const struct pc_case_result *res)
{
	xml(f, res->reason, 0);
	fputc('\n', f);
	for (size_t i = 0; i < res->vr.nfindings && i < FIRST_FINDINGS; i++) {
		const struct pc_finding *fd = &res->vr.findings[i];
		xml(f, pc_finding_name(fd->kind), 0);
		fputc(' ', f);
		xml(f, fd->path ? fd->path : "?", 0);
		if (fd->detail && *fd->detail) {
			fputs(": ", f);
			xml(f, fd->detail, 0);
		}
		fputc('\n', f);
	}
	if (res->vr.nfindings > FIRST_FINDINGS) {
		fprintf(f, "... and %zu more findings, in ", res->vr.nfindings - FIRST_FINDINGS);
		xml(f, res->case_dir[0] ? res->case_dir : "the case folder", 0);
		fputs("/findings.txt\n", f);
	}
	point_findings(f, res);
	if (res->km.error[0]) {
		fputs("kernel log: ", f);
		xml(f, res->km.error, 0);
		fputs(" (kernel.log)\n", f);
	}
}

/* <TAG message=... type=...>TEXT</TAG> for an earlier attempt. */
static void attempt_element(FILE *f, const char *tag, const struct pc_attempt *a, size_t k)
{
	fprintf(f, "      <%s message=\"", tag);
	xml(f, a->reason[0] ? a->reason : pc_verdict_name(a->verdict), 1);
	fprintf(f, "\" type=\"%s\">\n        <stackTrace>attempt %zu: ", pc_verdict_name(a->verdict), k);
	xml(f, a->reason, 0);
	fputs(" (", f);
	xml(f, a->dir, 0);
	fputs(")</stackTrace>\n", f);
	fprintf(f, "      </%s>\n", tag);
}

/* The row of this case in the results table. */
static void system_out(FILE *f, const struct pc_run_report *r, const struct pc_case_result *res)
{
	struct pc_run_report one = *r;
	one.results = (struct pc_case_result *)res;
	one.nresults = 1;
	char *buf;
	size_t len;
	FILE *m = xopen_memstream(&buf, &len);
	pc_report_table(&one, m);
	if (res->outcome == PC_OUT_XPASS && res->known)
		fprintf(m, "\nunexpected pass: %s:%u expects a failure (%s)\n", res->known->file,
			res->known->line, res->known->reason);
	if (res->fsck != PC_FSCK_CLEAN && res->fsck_output && *res->fsck_output)
		fprintf(m, "\nfsck:\n%s", res->fsck_output);
	fclose(m);
	fputs("      <system-out>", f);
	xml(f, buf, 0);
	fputs("</system-out>\n", f);
	free(buf);
}

static void testcase(FILE *f, const struct pc_run_report *r, const struct pc_case_result *res)
{
	const struct pc_case *c = res->c;
	fputs("    <testcase classname=\"", f);
	xml(f, c->group, 1);
	fputs("\" name=\"", f);
	xml(f, c->id, 1);
	fprintf(f, "\" time=\"%.3f\">\n", res->t.total);
	int failed = res->verdict != PC_VERDICT_PASS;
	if (res->outcome == PC_OUT_KNOWN) {
		fputs("      <skipped type=\"known\" message=\"known failure: ", f);
		xml(f, res->known ? res->known->reason : "", 1);
		fputs("\">", f);
		if (res->known) {
			xml(f, res->known->file, 0);
			fprintf(f, ":%u: ", res->known->line);
			xml(f, res->known->pattern, 0);
			fputc('\n', f);
		}
		failure_text(f, res);
		fputs("</skipped>\n", f);
	} else if (failed && res->verdict == PC_VERDICT_ERROR) {
		/* <error>: the check did not run to its end (JUnit's "an
		 * unanticipated problem", not a failed assertion), its type the
		 * kind of error (results.json "error_class"): a CI tells the host's
		 * doing (type="environment") from the case's and from a loss
		 * (<failure>).  The message and text say it too: GitLab shows
		 * neither the type nor the message, Jenkins the message. */
		int kind = res->error_kind != PC_EK_UNKNOWN;
		const char *type = kind ? pc_error_kind_name(res->error_kind) : "error";
		fputs("      <error message=\"", f);
		if (kind)
			fprintf(f, "%s error: ", type);
		xml(f, res->reason[0] ? res->reason : pc_verdict_name(res->verdict), 1);
		fprintf(f, "\" type=\"%s\">", type);
		if (kind) {
			fprintf(f, "%s error: ", type);
			xml(f, pc_error_kind_meaning(res->error_kind), 0);
			fputc('\n', f);
		}
		failure_text(f, res);
		fputs("</error>\n", f);
	} else if (failed) {
		fputs("      <failure message=\"", f);
		xml(f, res->reason[0] ? res->reason : pc_verdict_name(res->verdict), 1);
		fprintf(f, "\" type=\"%s\">", pc_verdict_name(res->verdict));
		failure_text(f, res);
		fputs("</failure>\n", f);
	}
	/* Earlier attempts: flaky (the last passed) or reruns of a failure. */
	for (size_t k = 0; k + 1 < res->nattempts; k++) {
		const struct pc_attempt *a = &res->attempts[k];
		int err = a->verdict == PC_VERDICT_ERROR;
		const char *tag = failed ? (err ? "rerunError" : "rerunFailure")
				: (err ? "flakyError" : "flakyFailure");
		attempt_element(f, tag, a, k + 1);
	}
	system_out(f, r, res);
	fputs("    </testcase>\n", f);
}

/* A planned case the run never reached: an error, "not run" (no time, no
 * row: it has no result). */
static void testcase_not_run(FILE *f, const struct pc_case *c)
{
	fputs("    <testcase classname=\"", f);
	xml(f, c->group, 1);
	fputs("\" name=\"", f);
	xml(f, c->id, 1);
	fputs("\" time=\"0.000\">\n      <error message=\"not run: the run ended before this "
	      "case (interrupted): not checked\" type=\"not run\"/>\n    </testcase>\n", f);
}

static size_t unrun_in_group(const struct pc_run_report *r, const char *group)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nunrun; i++)
		n += !strcmp(r->unrun[i].group, group);
	return n;
}

static void testsuite(FILE *f, const struct pc_run_report *r, const char *group)
{
	size_t unrun = unrun_in_group(r, group);
	size_t tests = unrun, failures = 0, errors = unrun, skipped = 0;
	double total = 0;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct pc_case_result *res = &r->results[i];
		if (strcmp(res->c->group, group))
			continue;
		tests++;
		failures += res->outcome == PC_OUT_FAIL;
		errors += res->outcome == PC_OUT_ERROR;
		skipped += res->outcome == PC_OUT_KNOWN;
		total += res->t.total;
	}
	fputs("  <testsuite name=\"", f);
	xml(f, group, 1);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		tests, failures, errors, skipped, total);
	suite_properties(f, r, group);
	for (size_t i = 0; i < r->nresults; i++)
		if (!strcmp(r->results[i].c->group, group))
			testcase(f, r, &r->results[i]);
	for (size_t i = 0; i < r->nunrun; i++)
		if (!strcmp(r->unrun[i].group, group))
			testcase_not_run(f, &r->unrun[i]);
	fputs("  </testsuite>\n", f);
}

/* The group of the I-th case: the results first, then the unrun cases. */
static const char *group_at(const struct pc_run_report *r, size_t i)
{
	return i < r->nresults ? r->results[i].c->group : r->unrun[i - r->nresults].group;
}

int pc_junit_write(const struct pc_run_report *r, const char *dir)
{
	char *buf;
	size_t len;
	FILE *f = xopen_memstream(&buf, &len);
	size_t failures = 0, errors = r->nunrun, skipped = 0;
	double total = 0;
	for (size_t i = 0; i < r->nresults; i++) {
		failures += r->results[i].outcome == PC_OUT_FAIL;
		errors += r->results[i].outcome == PC_OUT_ERROR;
		skipped += r->results[i].outcome == PC_OUT_KNOWN;
		total += r->results[i].t.total;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"powercut\" "
		   "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		r->nresults + r->nunrun, failures, errors, skipped, total);
	/* One suite per group, in the order groups first appear (in the
	 * results, then in the cases not reached). */
	for (size_t i = 0; i < r->nresults + r->nunrun; i++) {
		const char *group = group_at(r, i);
		size_t k = 0;
		while (k < i && strcmp(group_at(r, k), group))
			k++;
		if (k == i)
			testsuite(f, r, group);
	}
	fputs("</testsuites>\n", f);
	fclose(f);
	int rc = pc_write_file_atomic(dir, "junit.xml", buf, len);
	free(buf);
	return rc;
}
