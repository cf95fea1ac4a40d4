/* dmtable.c - dm-flakey table strings and dm device identities (dmtable.h). */
#include "device/dmtable.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Up/down intervals in seconds.  flakey is up while
 * (now - start) % (up + down) < up, so up=0 means always down and down=0
 * always up. */
#define FLAKEY_INTERVAL "180"

static int fits(int n, size_t len)
{
	return n >= 0 && (size_t)n < len;
}

static int valid_dev(const char *dev)
{
	if (!dev || !*dev)
		return 0;
	for (const char *p = dev; *p; p++)
		if (isspace((unsigned char)*p))
			return 0;
	return 1;
}

int pc_dmtable_params(enum pc_flakey_mode mode, const char *dev, char *out, size_t len)
{
	if (!valid_dev(dev))
		return pc_fail(PC_ERR_RUN, "dm-flakey table: bad underlying device '%s'",
			       dev ? dev : "(null)");
	int n;
	switch (mode) {
	case PC_FLAKEY_ALLOW:
		n = snprintf(out, len, "%s 0 " FLAKEY_INTERVAL " 0", dev);
		break;
	case PC_FLAKEY_DROP:
		n = snprintf(out, len, "%s 0 0 " FLAKEY_INTERVAL " 1 drop_writes", dev);
		break;
	case PC_FLAKEY_ERROR:
		n = snprintf(out, len, "%s 0 0 " FLAKEY_INTERVAL " 1 error_writes", dev);
		break;
	default:
		return pc_fail(PC_ERR_RUN, "dm-flakey table: unknown mode %d", (int)mode);
	}
	if (!fits(n, len))
		return pc_fail(PC_ERR_RUN, "dm-flakey table for %s: longer than %zu bytes", dev, len);
	return 0;
}

int pc_dmtable_matches(enum pc_flakey_mode mode, const char *dev, const char *params)
{
	char want[256];
	if (!params || !valid_dev(dev))
		return 0;
	/* dev, offset, up, down as we load them */
	const char *up_down = mode == PC_FLAKEY_ALLOW ? "0 " FLAKEY_INTERVAL " 0"
						      : "0 0 " FLAKEY_INTERVAL;
	int n = snprintf(want, sizeof(want), "%s %s", dev, up_down);
	if (!fits(n, sizeof(want)) || strncmp(params, want, (size_t)n) ||
	    (params[n] != '\0' && params[n] != ' '))
		return 0;
	int drop = 0, error = 0;
	char *copy = xstrdup(params + n), *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		drop |= !strcmp(t, "drop_writes");
		error |= !strcmp(t, "error_writes");
	}
	free(copy);
	/* A dm-flakey with the error_reads feature (6.12's, not 6.1's) gives
	 * a table loaded without features error_reads and error_writes, and
	 * says so ("DEV 0 180 0 2 error_reads error_writes" for our allow
	 * table): they act only while the device is down, and the allow
	 * table (down interval 0) never is. */
	if (mode == PC_FLAKEY_ALLOW)
		return !drop;
	return drop == (mode == PC_FLAKEY_DROP) && error == (mode == PC_FLAKEY_ERROR);
}

int pc_dmtable_live_is(enum pc_flakey_mode mode, const char *dev, uint64_t sectors,
		       const char *type, uint64_t start, uint64_t length, const char *params,
		       int targets)
{
	return targets == 1 && type && !strcmp(type, PC_DM_TARGET) && start == 0 &&
	       length == sectors && pc_dmtable_matches(mode, dev, params);
}

int pc_dm_name(pid_t pid, unsigned n, char *out, size_t len)
{
	int w = snprintf(out, len, "pc-%ld-%u", (long)pid, n);
	if (!fits(w, len))
		return pc_fail(PC_ERR_RUN, "dm device name: longer than %zu bytes", len);
	return 0;
}

int pc_dm_uuid(pid_t pid, unsigned long long start, unsigned n, char *out, size_t len)
{
	int w = snprintf(out, len, PC_DM_UUID_PREFIX "%ld.%llu-%u", (long)pid, start, n);
	if (!fits(w, len))
		return pc_fail(PC_ERR_RUN, "dm device UUID: longer than %zu bytes", len);
	return 0;
}

/* A run of decimal digits at *p, advanced past it; -1 if none or too big. */
static int parse_digits(const char **p, unsigned long long *v)
{
	if (!isdigit((unsigned char)**p))
		return -1;
	char *end;
	errno = 0;
	*v = strtoull(*p, &end, 10);
	if (errno)
		return -1;
	*p = end;
	return 0;
}

int pc_dm_identity_parse(const char *name, const char *uuid, pid_t *pid,
			 unsigned long long *start)
{
	size_t plen = strlen(PC_DM_UUID_PREFIX);
	if (!name || !uuid || strncmp(uuid, PC_DM_UUID_PREFIX, plen))
		return -1;
	const char *p = uuid + plen;
	unsigned long long vpid, vstart, vn;
	if (parse_digits(&p, &vpid) < 0 || *p++ != '.' || parse_digits(&p, &vstart) < 0 ||
	    *p++ != '-' || parse_digits(&p, &vn) < 0 || *p != '\0')
		return -1;
	if (vpid == 0 || vpid > INT32_MAX || vn > UINT_MAX)
		return -1;
	char expect[64];
	if (snprintf(expect, sizeof(expect), "pc-%llu-%llu", vpid, vn) >= (int)sizeof(expect) ||
	    strcmp(name, expect))
		return -1;
	*pid = (pid_t)vpid;
	*start = vstart;
	return 0;
}
