/* size.h - sizes written as a number and a unit suffix ("64m", "4G"), one
 * parser for every grammar: a grammar is a table of the suffixes it takes.
 */
#ifndef PC_SIZE_H
#define PC_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* One accepted suffix (matched without regard to case) and its multiplier.
 * A table ends with a row whose suffix is NULL. */
struct pc_size_suffix {
	const char *suffix;
	uint64_t mult;
};

/* Scenario keys and --size: K, M, G, T, powers of 1024; nothing else. */
extern const struct pc_size_suffix pc_size_suffixes_binary[];

/* fio job files with fio's default kb_base=1024 (fio 3.x's
 * __get_mult_bytes): k, kb and ki are powers of 1024 on K, M, G, T, P;
 * kib is a power of 1000 (fio's "compatibility mode": IEC spellings mean
 * powers of 10).  pc_size_suffixes_fio_kb1000 is kb_base=1000: k, kb, ki
 * powers of 1000, kib powers of 1024. */
extern const struct pc_size_suffix pc_size_suffixes_fio[];
extern const struct pc_size_suffix pc_size_suffixes_fio_kb1000[];

/* Parse S: decimal digits (nothing before them, not even a sign or a
 * space), then nothing or one suffix of TABLE exactly.  0 with *OUT set, or
 * -1 (nothing printed, *OUT untouched) for anything else: an empty string,
 * a fraction, an unknown suffix, trailing text, or a value beyond 2^64-1. */
int pc_size_parse(const char *s, const struct pc_size_suffix *table, uint64_t *out);

/* The length of the plain decimal number S starts with (digits, then
 * optionally '.' and digits: "2", "2.5"), 0 if it starts with none.  For
 * values read with strtod, which also takes " 2", "+2", "0x10", "1e3",
 * "inf" and "nan". */
size_t pc_decimal_prefix(const char *s);

/* V as a scenario writes it: with the largest of K, M, G, T (powers of
 * 1024) that divides it, else in bytes (1048576 -> "1M", 1536 -> "1536"). */
void pc_size_text(unsigned long long v, char *out, size_t len);

#endif
