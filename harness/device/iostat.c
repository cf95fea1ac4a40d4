/* iostat.c - see iostat.h.
 *
 * /sys/dev/block/M:m/stat (Documentation/block/stat.rst) holds decimal
 * counters separated by spaces: 11 fields on old kernels, 15 with discards
 * (4.18), 17 with flushes (5.5).  Sectors are always 512 bytes, whatever
 * the device's block size.
 */
#include "device/iostat.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define FIELDS_MIN 11
#define FIELDS_MAX 32
enum {
	F_READ_IOS = 0,
	F_READ_SECTORS = 2,
	F_WRITE_IOS = 4,
	F_WRITE_SECTORS = 6,
	F_FLUSH_IOS = 15,
};

/* Split TEXT into at most FIELDS_MAX decimal counters; -1 on anything else. */
static int parse_fields(const char *text, uint64_t *v, size_t *n)
{
	const char *p = text;
	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			return 0;
		if (*p < '0' || *p > '9' || *n == FIELDS_MAX)
			return -1;
		char *end;
		errno = 0;
		unsigned long long x = strtoull(p, &end, 10);
		if (errno || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
			return -1;
		v[(*n)++] = x;
		p = end;
	}
}

/* WHAT names the source in error messages. */
static int parse_named(const char *text, struct pc_iostat *st, const char *what)
{
	uint64_t v[FIELDS_MAX];
	size_t n;
	if (parse_fields(text, v, &n) < 0)
		return pc_fail(PC_ERR_RUN, "%s: not a list of decimal counters", what);
	if (n < FIELDS_MIN)
		return pc_fail(PC_ERR_RUN, "%s: %zu fields, expected at least %d",
			       what, n, FIELDS_MIN);
	st->rios = v[F_READ_IOS];
	st->rbytes = v[F_READ_SECTORS] * 512;
	st->wios = v[F_WRITE_IOS];
	st->wbytes = v[F_WRITE_SECTORS] * 512;
	st->flushes = n > F_FLUSH_IOS ? v[F_FLUSH_IOS] : 0;
	return 0;
}

int pc_iostat_parse(const char *text, struct pc_iostat *st)
{
	return parse_named(text, st, "block device stat");
}

int pc_iostat_read(dev_t dev, struct pc_iostat *st)
{
	char path[64];
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/stat", major(dev), minor(dev));
	char *text = pc_read_file(path, NULL); /* names the path on failure */
	if (!text)
		return -1;
	int rc = parse_named(text, st, path);
	free(text);
	return rc;
}

/* Counters only grow while a device exists; a device recreated between the
 * two reads restarts at zero, so clamp rather than wrap. */
static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void pc_iostat_sub(const struct pc_iostat *after, const struct pc_iostat *before,
		   struct pc_iostat *out)
{
	out->rios = sub0(after->rios, before->rios);
	out->rbytes = sub0(after->rbytes, before->rbytes);
	out->wios = sub0(after->wios, before->wios);
	out->wbytes = sub0(after->wbytes, before->wbytes);
	out->flushes = sub0(after->flushes, before->flushes);
}
