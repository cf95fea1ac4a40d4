/* fuzz_escape.c - every escaping function (escape.h) on any bytes: text
 * never carries a control byte or invalid UTF-8, names round-trip, XML has
 * only XML 1.0 characters and no raw markup. */
#include "fuzz_common.h"
#include "util/escape.h"
#include "image/manifest.h"

static int bad_text(const char *s, int allow_nl)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(allow_nl && *p == '\n')) || *p == 0x7f)
			return 1;
	/* Valid UTF-8 is what jansson accepts. */
	json_t *j = json_string(s);
	if (!j)
		return 1;
	json_decref(j);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	size_t n = strlen(s);

	char *t = pc_esc_text(s), *b = pc_esc_block(s), *md = pc_esc_md(s);
	if (bad_text(t, 0) || bad_text(b, 1) || bad_text(md, 0) || strpbrk(md, "|`<>"))
		abort();
	char *x = pc_esc_xml(s, 1, 0);
	if (bad_text(x, 0) || strpbrk(x, "<>\"'"))
		abort();
	/* U+FFFE and U+FFFF are not XML characters. */
	if (memmem(x, strlen(x), "\xef\xbf\xbe", 3) || memmem(x, strlen(x), "\xef\xbf\xbf", 3))
		abort();
	char *name = pc_esc_name(s);
	size_t un;
	unsigned char *u = pc_unescape(name, &un);
	if (!u || un != n || memcmp(u, s, n) != 0)
		abort();
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			abort();
	json_decref(pc_esc_json(s));
	free(u);
	free(name);
	free(x);
	free(t);
	free(b);
	free(md);
	free(s);
	return 0;
}
