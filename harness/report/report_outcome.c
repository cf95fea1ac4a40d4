/* report_outcome.c - the outcome fields of a case in results.json and the
 * table: attempts and flaky rate, the known-failures entry, the kernel log
 * (attempts.h, outcome.h). */
#include "report/report_outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/failure.h"
#include "util/escape.h"
#include "util/util.h"

static json_t *jstr(const char *s)
{
	return pc_esc_json(s ? s : "");
}

void pc_outcome_word(const struct pc_case_result *r, char *out, size_t len)
{
	if (r->outcome == PC_OUT_ERROR && r->error_kind != PC_EK_UNKNOWN)
		snprintf(out, len, "error (%s)", pc_error_kind_name(r->error_kind));
	else
		snprintf(out, len, "%s", pc_outcome_name(r->outcome));
}

void pc_outcome_cell(const struct pc_case_result *r, char *out, size_t len)
{
	char word[64];
	pc_outcome_word(r, word, sizeof(word));
	if (r->outcome == PC_OUT_FLAKY || (r->nattempts > 1 && r->outcome != PC_OUT_PASS))
		snprintf(out, len, "%s %zu/%zu", word, r->attempts_failed, r->nattempts);
	else
		snprintf(out, len, "%s", word);
}

void pc_outcome_json(json_t *o, const struct pc_case_result *r)
{
	json_object_set_new(o, "outcome", jstr(pc_outcome_name(r->outcome)));
	json_t *tries = json_array();
	for (size_t i = 0; i < r->nattempts; i++) {
		const struct pc_attempt *a = &r->attempts[i];
		json_t *ja = json_object();
		json_object_set_new(ja, "try", json_integer((json_int_t)i + 1));
		json_object_set_new(ja, "verdict", jstr(pc_verdict_name(a->verdict)));
		json_object_set_new(ja, "reason", jstr(a->reason));
		json_object_set_new(ja, "time_s", json_real((double)(long long)(a->total * 1000 + 0.5) / 1000));
		json_object_set_new(ja, "dir", jstr(a->dir));
		json_array_append_new(tries, ja);
	}
	json_object_set_new(o, "attempts", tries);
	json_object_set_new(o, "attempts_failed", json_integer((json_int_t)r->attempts_failed));
	if (r->outcome == PC_OUT_FLAKY) {
		char rate[64];
		snprintf(rate, sizeof(rate), "%zu/%zu", r->attempts_failed, r->nattempts);
		json_object_set_new(o, "flaky_rate", jstr(rate));
	}
	/* The kinds of failure its attempts showed (failure.h): what a
	 * known-failures entry must name to cover it. */
	if (r->failures) {
		json_t *fl = json_array();
		for (int kind = 0; kind < PC_FAILURE_NKINDS; kind++)
			if (r->failures & PC_FAILURE_BIT(kind))
				json_array_append_new(fl, jstr(pc_failure_name((enum pc_failure_kind)kind)));
		json_object_set_new(o, "failures", fl);
	}
	if (r->known) {
		json_t *k = json_object();
		char fails[256];
		pc_failure_format(r->known->fails, ",", fails, sizeof(fails));
		json_object_set_new(k, "pattern", jstr(r->known->pattern));
		json_object_set_new(k, "fails", jstr(fails));
		/* false: the entry names other kinds than the case showed (or the
		 * case erred): it did not cover it */
		json_object_set_new(k, "covered", json_boolean(r->outcome == PC_OUT_KNOWN ||
							      r->outcome == PC_OUT_XPASS));
		json_object_set_new(k, "reason", jstr(r->known->reason));
		char *where = xasprintf("%s:%u", r->known->file, r->known->line);
		json_object_set_new(k, "where", jstr(where));
		free(where);
		json_object_set_new(o, "known", k);
	}
	const struct pc_kmsg_result *km = &r->km;
	json_t *k = json_object();
	json_object_set_new(k, "checked", json_boolean(km->checked));
	if (!km->checked)
		json_object_set_new(k, "why_not", jstr(km->why_unchecked));
	json_t *devs = json_array();
	for (size_t i = 0; i < km->ndevs; i++)
		json_array_append_new(devs, jstr(km->devs[i]));
	json_object_set_new(k, "devices", devs);
	/* Which lines counted as about the devices (kmsg.h). */
	json_object_set_new(k, "device_window", jstr(km->no_markers ? "whole case"
						      : "between markers"));
	json_object_set_new(k, "lines", json_integer((json_int_t)km->lines));
	json_object_set_new(k, "other_devices", json_integer((json_int_t)km->foreign));
	json_object_set_new(k, "allowed", json_integer((json_int_t)km->allowed));
	json_object_set_new(k, "lost_records", json_integer((json_int_t)km->lost));
	if (km->error[0])
		json_object_set_new(k, "error", jstr(km->error));
	json_object_set_new(o, "kernel_log", k);
}

void pc_outcome_line(const struct pc_case_result *r, FILE *f)
{
	if (r->known) {
		char *file = pc_esc_md(r->known->file), *reason = pc_esc_md(r->known->reason);
		const char *what = r->outcome == PC_OUT_XPASS ? "expected to fail by"
				 : r->outcome == PC_OUT_ERROR ? "an error is not covered by known failure"
				 : r->outcome == PC_OUT_KNOWN ? "known failure"
				 : "not covered by known failure";
		fprintf(f, " (%s %s:%u: %s", what, file, r->known->line, reason);
		if (r->outcome == PC_OUT_FAIL || r->outcome == PC_OUT_FLAKY) {
			/* which kinds the entry expects, and which the case showed */
			char want[256], got[256];
			pc_failure_format(r->known->fails, ",", want, sizeof(want));
			pc_failure_format(r->failures ? r->failures
					  : r->nattempts ? PC_FAILURE_BIT(PC_FAILURE_UNKNOWN) : 0,
					  ",", got, sizeof(got));
			fprintf(f, "; it expects fails=%s, the case showed %s", want,
				r->outcome == PC_OUT_FLAKY ? "another failure before it passed" : got);
		}
		fputc(')', f);
		free(file);
		free(reason);
	}
	if (r->nattempts > 1)
		fprintf(f, " (failed %zu of %zu attempts)", r->attempts_failed, r->nattempts);
}
