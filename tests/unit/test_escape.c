/* test_escape.c - every output format's escaping against every class of
 * hostile name: control characters, invalid UTF-8, non-characters, C1 and
 * bidi controls, newlines, '%', quotes and markup. */
#include <CUnit/CUnit.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/escape.h"
#include "util/mountinfo.h"
#include "image/manifest.h"
#include "util/util.h"

static const char *const hostile[] = {
	"/abs\xef\xbf\xbf\x1b]0;pwned\x07\nname", /* issue 13 #5 */
	"ctl\x01\x08\t\r\x7f" "end",
	"bad\xff\xfe utf8 \xc0\xaf overlong \xed\xa0\x80 surrogate \xe2\x82 cut",
	"nonchar \xef\xbf\xbe \xef\xbf\xbf \xef\xb7\x90 \xf0\x9f\xbf\xbf \xf4\x8f\xbf\xbf",
	"c1 \xc2\x9b" "31m \xc2\x85 bidi \xe2\x80\xae txt \xe2\x80\xa8 sep",
	"line1\nline2\n",
	"100% %s %n %0A",
	"quotes \" ' ` and <tag> & |pipe| \\ =",
	"",
};

/* Decode one UTF-8 character (strict); 0 if invalid. */
static size_t utf8_char(const unsigned char *p, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	unsigned v = p[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	*cp = v;
	return v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0 : n;
}

/* Valid UTF-8 with no control character (but newline if ALLOW_NL), no
 * non-character, no C1, bidi control or line separator. */
static int safe_text(const char *s, int allow_nl)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		size_t n = utf8_char(p, &cp);
		if (n == 0)
			return 0;
		if ((cp < 0x20 && !(allow_nl && cp == '\n')) || cp == 0x7F)
			return 0;
		if ((cp >= 0x80 && cp <= 0x9F) || (cp & 0xFFFE) == 0xFFFE ||
		    (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp >= 0x202A && cp <= 0x202E) || cp == 0x2028)
			return 0;
		p += n;
	}
	return 1;
}

static void test_text(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *t = pc_esc_text(hostile[i]);
		CU_ASSERT(safe_text(t, 0));
		CU_ASSERT_PTR_NULL(strchr(t, '\n'));
		char *b = pc_esc_block(hostile[i]);
		CU_ASSERT(safe_text(b, 1));
		/* A block keeps exactly the newlines it had. */
		size_t nl_in = 0, nl_out = 0;
		for (const char *p = hostile[i]; *p; p++)
			nl_in += *p == '\n';
		for (const char *p = b; *p; p++)
			nl_out += *p == '\n';
		CU_ASSERT_EQUAL(nl_in, nl_out);
		free(t);
		free(b);
	}
	char *t = pc_esc_text(hostile[0]);
	CU_ASSERT_STRING_EQUAL(t, "/abs%EF%BF%BF%1B]0;pwned%07%0Aname");
	free(t);
	/* Printable text, valid UTF-8 and '%' stay as they are. */
	t = pc_esc_text("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac 100% <ok>");
	CU_ASSERT_STRING_EQUAL(t, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac 100% <ok>");
	free(t);
	t = pc_esc_text(NULL);
	CU_ASSERT_STRING_EQUAL(t, "");
	free(t);
}

/* Names: one token of 0x21..0x7e that unescapes to the exact bytes. */
static void test_name(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *e = pc_esc_name(hostile[i]);
		for (const unsigned char *p = (const unsigned char *)e; *p; p++)
			CU_ASSERT(*p >= 0x21 && *p <= 0x7e);
		size_t n;
		unsigned char *u = pc_unescape(e, &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(u);
		CU_ASSERT_EQUAL(n, strlen(hostile[i]));
		CU_ASSERT(memcmp(u, hostile[i], n) == 0);
		free(u);
		free(e);
	}
	char *e = pc_esc_name("a b%=\\");
	CU_ASSERT_STRING_EQUAL(e, "a%20b%25%3D%5C");
	free(e);
}

static void test_markdown(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *m = pc_esc_md(hostile[i]);
		CU_ASSERT(safe_text(m, 0));
		CU_ASSERT_PTR_NULL(strpbrk(m, "|`<>\n"));
		free(m);
	}
	char *m = pc_esc_md("a|b");
	CU_ASSERT_STRING_EQUAL(m, "a%7Cb");
	free(m);
	/* what a renderer would turn into something else: an entity, emphasis,
	 * a link, a backslash escape; a group name's '_' stays */
	m = pc_esc_md("x&amp;y *a* [l](u) \\* g_1/ext4/none");
	CU_ASSERT_STRING_EQUAL(m, "x%26amp;y %2Aa%2A %5Bl%5D(u) %5C%2A g_1/ext4/none");
	free(m);
}

/* Only characters XML 1.0 allows, and markup only as entities. */
static int xml_ok(const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		size_t n = utf8_char(p, &cp);
		if (n == 0)
			return 0;
		int allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
			      (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
		if (!allowed || cp == '<' || cp == '>' || cp == '"' || cp == '\'')
			return 0;
		if (attr && (cp == '\n' || cp == '\t'))
			return 0;
		if (cp == '&') {
			static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
							    "&apos;", "&#10;" };
			int ok = 0;
			for (size_t k = 0; k < 6; k++)
				ok |= strncmp((const char *)p, ents[k], strlen(ents[k])) == 0;
			if (!ok)
				return 0;
		}
		p += n;
	}
	return 1;
}

static void test_xml(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *a = pc_esc_xml(hostile[i], 1, 0);
		char *d = pc_esc_xml(hostile[i], 0, 1);
		CU_ASSERT(xml_ok(a, 1));
		CU_ASSERT(xml_ok(d, 0));
		free(a);
		free(d);
	}
	char *a = pc_esc_xml("a<b&\"c'\nd\xef\xbf\xbe", 1, 0);
	CU_ASSERT_STRING_EQUAL(a, "a&lt;b&amp;&quot;c&apos;&#10;d%EF%BF%BE");
	free(a);
	a = pc_esc_xml("x\ny", 0, 0);
	CU_ASSERT_STRING_EQUAL(a, "x%0Ay");
	free(a);
}

/* jansson refuses invalid UTF-8 (json_string returns NULL, and the field
 * would silently vanish): the escaped string always goes in, and a dumped
 * document loads back with it. */
static void test_json(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		json_t *o = json_object();
		json_object_set_new(o, "t", pc_esc_json(hostile[i]));
		json_object_set_new(o, "n", pc_esc_json_name(hostile[i]));
		char *dump = json_dumps(o, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
		json_error_t err;
		json_t *back = json_loads(dump, 0, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(back);
		char *t = pc_esc_text(hostile[i]), *n = pc_esc_name(hostile[i]);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(back, "t")), t);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(back, "n")), n);
		free(t);
		free(n);
		free(dump);
		json_decref(back);
		json_decref(o);
	}
}

/* Messages (pc_fail and friends) are text-escaped before they reach the
 * terminal or a case's reason. */
static void test_messages(void)
{
	char msg[256];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	pc_fail(PC_ERR_INPUT, "entry %s refused", hostile[0]);
	CU_ASSERT_STRING_EQUAL(msg, "entry /abs%EF%BF%BF%1B]0;pwned%07%0Aname refused");
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
}

/* mountinfo's \ooo for space, tab, newline and backslash, both ways; a
 * backslash not followed by three octal digits (the first 0-3) is kept. */
static void test_mountinfo(void)
{
	const char *path = "/mnt/a b\tc\\d\ne";
	char *esc = pc_mountinfo_escape(path);
	CU_ASSERT_STRING_EQUAL(esc, "/mnt/a\\040b\\011c\\134d\\012e");
	pc_mountinfo_unescape(esc);
	CU_ASSERT_STRING_EQUAL(esc, path);
	free(esc);
	char odd[] = "x\\777\\04\\";
	pc_mountinfo_unescape(odd);
	CU_ASSERT_STRING_EQUAL(odd, "x\\777\\04\\");
}

void register_escape_tests(void)
{
	CU_pSuite s = CU_add_suite("escape", NULL, NULL);
	CU_add_test(s, "text and blocks", test_text);
	CU_add_test(s, "names round-trip", test_name);
	CU_add_test(s, "markdown cells", test_markdown);
	CU_add_test(s, "mountinfo paths", test_mountinfo);
	CU_add_test(s, "XML 1.0", test_xml);
	CU_add_test(s, "JSON", test_json);
	CU_add_test(s, "messages", test_messages);
}
