/* report_outcome.h - how results.json, junit.xml and the table show a
 * case's outcome (outcome.h): attempts, known entry, kernel log. */
#ifndef PC_REPORT_OUTCOME_H
#define PC_REPORT_OUTCOME_H

#include <jansson.h>
#include <stdio.h>
#include "run/result.h"

/* "outcome", "attempts", "attempts_failed", "flaky_rate", "known",
 * "kernel_log" into the case object O. */
void pc_outcome_json(json_t *o, const struct pc_case_result *r);
/* The outcome in a word, an error with its kind (results.json
 * "error_class"): "pass", "fail", "error (environment)". */
void pc_outcome_word(const struct pc_case_result *r, char *out, size_t len);
/* The table's outcome cell: "pass", "flaky 2/3", "known", "fail 3/3",
 * "error (environment)", "error (case) 2/2". */
void pc_outcome_cell(const struct pc_case_result *r, char *out, size_t len);
/* " (known failure FILE:LINE: reason) (failed F of N attempts)"; for an
 * unexpected pass " (expected to fail by FILE:LINE: reason)". */
void pc_outcome_line(const struct pc_case_result *r, FILE *f);

#endif
