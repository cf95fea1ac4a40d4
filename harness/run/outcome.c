/* outcome.c - see outcome.h. */
#include "run/outcome.h"

#include <string.h>

static const char *const names[PC_OUT_N] = {
	"pass", "fail", "error", "flaky", "known", "unexpected pass",
};

const char *pc_outcome_name(enum pc_outcome o)
{
	return o < PC_OUT_N ? names[o] : "?";
}

int pc_outcome_lookup(const char *s)
{
	for (int i = 0; i < PC_OUT_N; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int pc_outcome_fails(enum pc_outcome o, int flaky_ok)
{
	switch (o) {
	case PC_OUT_FAIL:
	case PC_OUT_ERROR:
		return 1;
	case PC_OUT_FLAKY:
		return !flaky_ok;
	default:
		return 0;
	}
}

enum pc_outcome pc_outcome_of(const int *verdicts, size_t n, int known)
{
	if (n == 0)
		return PC_OUT_ERROR; /* nothing ran: never a pass */
	int last = verdicts[n - 1];
	/* A known entry covers a failure, never an error: a case that could
	 * not run (mkfs refused, no room, ...) did not show the known failure. */
	if (known && last != 2)
		return last == 0 ? PC_OUT_XPASS : PC_OUT_KNOWN;
	if (last != 0)
		return last == 2 ? PC_OUT_ERROR : PC_OUT_FAIL;
	return n > 1 ? PC_OUT_FLAKY : PC_OUT_PASS;
}

static const char *const kind_names[PC_EK_N] = {
	"unknown", "case", "input", "environment", "interrupted",
};

const char *pc_error_kind_name(enum pc_error_kind k)
{
	return k < PC_EK_N ? kind_names[k] : "?";
}

const char *pc_error_kind_meaning(enum pc_error_kind k)
{
	switch (k) {
	case PC_EK_CASE: return "the case's own (exit status 1)";
	case PC_EK_INPUT: return "the scenario or the options asked what cannot be done here "
				 "(exit status 2)";
	case PC_EK_ENV: return "the host failed the case, not the filesystem: not checked, neither "
			       "a failure nor a pass (exit status 3: run it again on a sound host)";
	case PC_EK_INTERRUPTED: return "a signal stopped the run: not checked";
	case PC_EK_UNKNOWN:
	case PC_EK_N: break;
	}
	return "what kind of error is not recorded";
}

int pc_error_kind_lookup(const char *s)
{
	for (int i = PC_EK_CASE; i < PC_EK_N; i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

int pc_error_kind_of_exit(long long exit)
{
	switch (exit) {
	case 1: return PC_EK_CASE;
	case 2: return PC_EK_INPUT;
	case 3: return PC_EK_ENV;
	default: return exit > 128 && exit < 256 ? PC_EK_INTERRUPTED : -1;
	}
}
