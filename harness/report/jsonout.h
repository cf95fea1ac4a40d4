/* jsonout.h - the results.json field writers report.c uses, for the
 * modules that describe their own fields (layouts, workloads). */
#ifndef PC_JSONOUT_H
#define PC_JSONOUT_H

#include <jansson.h>
#include <stdint.h>
#include "check/verify.h"

/* VALUE made valid UTF-8 (bad bytes become '?'), as every string there. */
void pc_json_put_str(json_t *o, const char *key, const char *value);
void pc_json_put_int(json_t *o, const char *key, uint64_t value);
/* Seconds, rounded to the millisecond. */
void pc_json_put_secs(json_t *o, const char *key, double value);
/* { "KIND": count, ... } for every finding kind. */
json_t *pc_json_counts(const size_t counts[PC_F_NKINDS]);

#endif
