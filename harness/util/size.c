/* size.c - see size.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/size.h"

#define KI 1024ULL
#define K 1000ULL

const struct pc_size_suffix pc_size_suffixes_binary[] = {
	{ "k", KI }, { "m", KI * KI }, { "g", KI * KI * KI }, { "t", KI * KI * KI * KI },
	{ NULL, 0 },
};

/* Four spellings per power; BIG_K is what k, kb and ki mean, SMALL_K what
 * kib means (fio matches "kib" first, then any suffix starting with k). */
#define FIO_ROWS(letter, n, big, other)                                              \
	{ letter, n(big) }, { letter "b", n(big) }, { letter "i", n(big) },          \
	{ letter "ib", n(other) }
#define P1(b) (b)
#define P2(b) ((b) * (b))
#define P3(b) ((b) * (b) * (b))
#define P4(b) ((b) * (b) * (b) * (b))
#define P5(b) ((b) * (b) * (b) * (b) * (b))

const struct pc_size_suffix pc_size_suffixes_fio[] = {
	FIO_ROWS("k", P1, KI, K), FIO_ROWS("m", P2, KI, K), FIO_ROWS("g", P3, KI, K),
	FIO_ROWS("t", P4, KI, K), FIO_ROWS("p", P5, KI, K),
	{ NULL, 0 },
};

const struct pc_size_suffix pc_size_suffixes_fio_kb1000[] = {
	FIO_ROWS("k", P1, K, KI), FIO_ROWS("m", P2, K, KI), FIO_ROWS("g", P3, K, KI),
	FIO_ROWS("t", P4, K, KI), FIO_ROWS("p", P5, K, KI),
	{ NULL, 0 },
};

int pc_size_parse(const char *s, const struct pc_size_suffix *table, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	uint64_t mult = 1;
	if (*end) {
		const struct pc_size_suffix *row = table;
		while (row->suffix && strcasecmp(end, row->suffix))
			row++;
		if (!row->suffix)
			return -1;
		mult = row->mult;
	}
	if (v > UINT64_MAX / mult)
		return -1;
	*out = (uint64_t)v * mult;
	return 0;
}

size_t pc_decimal_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n && s[n] == '.') {
		size_t f = strspn(s + n + 1, "0123456789");
		return f ? n + 1 + f : 0;
	}
	return n;
}

void pc_size_text(unsigned long long v, char *out, size_t len)
{
	static const char suffix[] = "KMGT";
	int s = -1;
	while (s < 3 && v && v % 1024 == 0) {
		v /= 1024;
		s++;
	}
	if (s < 0)
		snprintf(out, len, "%llu", v);
	else
		snprintf(out, len, "%llu%c", v, suffix[s]);
}
