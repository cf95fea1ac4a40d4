/* paxxattr.c - an entry's xattrs as pax records say them twice (paxxattr.h). */
#include "image/paxxattr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char lib_prefix[] = "LIBARCHIVE.xattr.";
static const char schily_prefix[] = "SCHILY.xattr.";

struct xrec {
	int lib;            /* a LIBARCHIVE.xattr record, else SCHILY.xattr */
	char *name, *value; /* as libarchive applies them */
	size_t name_len, value_len;
};

/* NAME (N bytes) %-decoded as libarchive's url_decode does it: "%XX" is a
 * byte, a '%' before anything else is itself; the name ends at a NUL. */
static char *url_decode(const char *s, size_t n, size_t *len)
{
	char *out = xmalloc(n + 1), *d = out;
	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n ? pc_hex_value(s[i + 1]) : -1;
		int lo = i + 2 < n ? pc_hex_value(s[i + 2]) : -1;
		if (s[i] == '%' && hi >= 0 && lo >= 0) {
			*d++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*d++ = s[i];
		}
	}
	*d = '\0';
	*len = strlen(out);
	return out;
}

static int b64(char c)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

/* V (N bytes) base64-decoded as libarchive's base64_decode does it: up to
 * the first '=' or '_' (padding) or NUL, other bytes out of the alphabet
 * skipped, a last group of one character dropped. */
static char *base64_decode(const char *v, size_t n, size_t *len)
{
	char *out = xmalloc(n / 4 * 3 + 3), *d = out;
	uint32_t acc = 0;
	int group = 0;
	for (size_t i = 0; i < n && v[i] != '=' && v[i] != '_' && v[i] != '\0'; i++) {
		int x = b64(v[i]);
		if (x < 0)
			continue;
		acc = acc << 6 | (uint32_t)x;
		if (++group == 4) {
			*d++ = (char)(acc >> 16);
			*d++ = (char)(acc >> 8);
			*d++ = (char)acc;
			acc = 0;
			group = 0;
		}
	}
	if (group >= 2) {
		acc <<= 6 * (4 - group);
		*d++ = (char)(acc >> 16);
		if (group == 3)
			*d++ = (char)(acc >> 8);
	}
	*len = (size_t)(d - out);
	return out;
}

/* The xattr records among the pax records REC (N bytes) into *OUT (their
 * count returned); parsing stops at a malformed record. */
static size_t parse(const char *rec, size_t n, struct xrec **out)
{
	size_t count = 0, cap = 0;
	*out = NULL;
	while (n > 0) {
		char *end;
		unsigned long l = strtoul(rec, &end, 10);
		if (end == rec || *end != ' ' || l > n || l < (size_t)(end - rec) + 2)
			break;
		const char *kv = end + 1, *stop = rec + l - 1; /* at the '\n' */
		const char *eq = memchr(kv, '=', (size_t)(stop - kv));
		size_t lp = sizeof(lib_prefix) - 1, sp = sizeof(schily_prefix) - 1;
		int lib = eq && (size_t)(eq - kv) > lp && !memcmp(kv, lib_prefix, lp);
		int schily = eq && (size_t)(eq - kv) >= sp && !memcmp(kv, schily_prefix, sp);
		if (lib || schily) {
			if (count == cap) {
				cap = cap ? 2 * cap : 8;
				*out = xrealloc(*out, cap * sizeof(**out));
			}
			struct xrec *x = &(*out)[count++];
			const char *name = kv + (lib ? lp : sp), *value = eq + 1;
			x->lib = lib;
			if (lib) {
				x->name = url_decode(name, (size_t)(eq - name), &x->name_len);
				x->value = base64_decode(value, (size_t)(stop - value), &x->value_len);
			} else {
				x->name_len = strnlen(name, (size_t)(eq - name));
				x->name = xstrndup(name, x->name_len);
				x->value_len = (size_t)(stop - value);
				x->value = xmalloc(x->value_len + 1);
				memcpy(x->value, value, x->value_len);
			}
		}
		rec += l;
		n -= l;
	}
	return count;
}

/* The last record of the other kind than X with X's name (Go's reader
 * keeps the last of a key given twice), or NULL. */
static const struct xrec *other(const struct xrec *v, size_t n, const struct xrec *x)
{
	const struct xrec *found = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].lib != x->lib && v[i].name_len == x->name_len &&
		    !memcmp(v[i].name, x->name, x->name_len))
			found = &v[i];
	return found;
}

int pc_pax_xattrs_disagree(const char *rec, size_t n, char *name, size_t cap, const char **why)
{
	struct xrec *v;
	size_t count = parse(rec, n, &v);
	int any_lib = 0, rc = 0;
	for (size_t i = 0; i < count; i++)
		any_lib |= v[i].lib;
	for (size_t i = 0; any_lib && !rc && i < count; i++) {
		const struct xrec *o = other(v, count, &v[i]);
		if (!o && v[i].lib)
			*why = "is given only as a LIBARCHIVE.xattr record: libarchive would set "
			       "it, the runtimes read only SCHILY.xattr records and would not";
		else if (!o)
			*why = "is given as a SCHILY.xattr record but not as a LIBARCHIVE.xattr "
			       "one, while the entry's other xattrs are given as both: the records "
			       "do not say one set of xattrs";
		else if (o->value_len != v[i].value_len ||
			 memcmp(o->value, v[i].value, v[i].value_len))
			*why = "has different values in its LIBARCHIVE.xattr and SCHILY.xattr "
			       "records: libarchive would apply both, the runtimes only the "
			       "SCHILY.xattr one";
		else
			continue;
		snprintf(name, cap, "%.*s", (int)v[i].name_len, v[i].name);
		rc = 1;
	}
	for (size_t i = 0; i < count; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	return rc;
}
