/* failure.c - see failure.h. */
#include "check/failure.h"

#include <stdio.h>
#include <string.h>

static const char *const names[PC_FAILURE_NKINDS] = {
	"unmountable", "fsck", "commit", "overlay", "loss", "no-loss", "point-unmountable",
	"point-fsck", "point-commit", "point-loss", "kernel", "test-hook", "unknown",
};

const char *pc_failure_name(enum pc_failure_kind k)
{
	return k < PC_FAILURE_NKINDS ? names[k] : "?";
}

int pc_failure_lookup(const char *s)
{
	for (int k = 0; k < PC_FAILURE_UNKNOWN; k++)
		if (!strcmp(s, names[k]))
			return k;
	return -1;
}

int pc_failure_parse_list(const char *s, unsigned *out)
{
	if (!strcmp(s, "any")) {
		*out = PC_FAILURE_ANY;
		return 0;
	}
	unsigned set = 0;
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char word[32];
		if (len == 0 || len >= sizeof(word))
			return -1;
		memcpy(word, p, len);
		word[len] = '\0';
		int k = pc_failure_lookup(word);
		if (k < 0)
			return -1;
		set |= PC_FAILURE_BIT(k);
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = set;
	return 0;
}

void pc_failure_format(unsigned set, const char *sep, char *out, size_t len)
{
	size_t used = 0;
	if (len)
		out[0] = '\0';
	if (set == PC_FAILURE_ANY) {
		snprintf(out, len, "any");
		return;
	}
	for (int k = 0; k < PC_FAILURE_NKINDS; k++) {
		if (!(set & PC_FAILURE_BIT(k)))
			continue;
		int n = snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? sep : "",
				 names[k]);
		if (n > 0)
			used += (size_t)n;
	}
}
