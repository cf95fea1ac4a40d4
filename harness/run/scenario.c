/* scenario.c - INI scenario files (libinih); see scenario.h.
 *
 * Parsing happens in two steps.  First every section records the text of
 * each key it sets (checked by the key's setter as it is read, so an error
 * names the file, the line and the key).  Then each group's typed settings
 * are made, key by key, from the group's text, else [global]'s, else the
 * key's default (scenario_keys.c has the keys), and the group is expanded
 * into cases: for each group in file order, for each fs, for each mode, for
 * each repeat.
 *
 * The file is read whole under input.h's limits: a regular file, bounded
 * in size and line length; a NUL byte is an error (inih would silently cut
 * the line there).
 *
 * libinih does not pass line numbers to the handler (Debian builds it with
 * INI_HANDLER_LINENO 0), so we feed it through our own reader, which hands it
 * one physical line at a time and counts them.  The reader also sees the
 * section headers, which the handler does not: that is how empty sections,
 * duplicate section names and text after a header's ']' (which inih
 * ignores) are caught, and so is "key: value", which inih reads as
 * "key = value" (undocumented syntax, refused: pc_ini_colon_key).
 */
#include "run/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ini.h>
#include <limits.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fs.h"
#include "util/input.h"
#include "util/size.h"
#include "run/scenario_keys.h"
#include "workload/fio_job.h"
#include "util/util.h"

/* inih's line buffer: the longest line (input.h) with its CR, LF and NUL.
 * libinih's default is only 200 bytes, which a list of image paths easily
 * exceeds. */
#define MAX_LINE (PC_MAX_TEXT_LINE + 3)

/* inih keeps section names in a 50-byte buffer; longer names would be cut. */
#define MAX_GROUP_NAME 48

/* What one section says: the text of each key it sets, as written (checked
 * when read, typed when the groups are expanded). */
struct section {
	char *name;
	char *folded;               /* name in lower case: the names table's key */
	unsigned line;              /* line of the [section] header */
	char **value;               /* per key slot; NULL: not set here */
	unsigned *key_line;         /* per key slot: where it was set */
};

struct parser {
	const char *path;           /* as given: used in messages */
	char *dir;                  /* absolute folder of the scenario file */
	char *text;                 /* the whole file */
	size_t len, pos;            /* its length; where the next line starts */
	unsigned lineno;            /* line being parsed */
	const char *line;           /* its text in p->text (not NUL-terminated) */
	size_t line_len;            /* its length, newline included */
	char *last_key;             /* the last key read, as written; NULL: none yet */
	unsigned last_key_line;     /* its line */
	size_t nslots;              /* pc_key_nslots() */
	struct section *sections;   /* in file order; [global] included */
	size_t nsections;
	/* Section name -> index in sections: a file of 1 MiB holds up to
	 * 260,000 headers, and comparing each with all before it took
	 * minutes. */
	struct hsearch_data names;
	int names_made;
	/* fio job files checked so far, by the workload value naming them:
	 * many groups of one job file run fio's two checks once, not once a
	 * group (a quarter second each: 100 groups took 47 s to list). */
	struct checked_job **jobs;
	size_t njobs;
	int failed;                 /* an error was reported: stop */
};

struct checked_job {
	char *value;                /* "fio FILE" as written */
	struct pc_fio_jobfile jf;
	int fio_accepts;            /* fio's checks: 0 not run yet, 1 passed */
};

static const char *const expect_names[] = {
	[PC_EXPECT_INTACT] = "intact",
	[PC_EXPECT_LOSS] = "loss",
	[PC_EXPECT_ANY] = "any",
};

static const char *const layout_names[] = {
	[PC_LAYOUT_FLAT] = "flat",
	[PC_LAYOUT_SNAPSHOTS] = "snapshots",
};

const char *pc_layout_name(enum pc_layout l)
{
	if ((unsigned)l < sizeof(layout_names) / sizeof(layout_names[0]))
		return layout_names[l];
	return "?";
}

const char *pc_expect_name(enum pc_expect e)
{
	if ((unsigned)e < sizeof(expect_names) / sizeof(expect_names[0]))
		return expect_names[e];
	return "?";
}

int pc_parse_size(const char *s, uint64_t *out)
{
	return pc_size_parse(s, pc_size_suffixes_binary, out);
}

/* ---- errors ---------------------------------------------------------- */

static int key_error(struct parser *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE: KEY: message" (class INPUT); stops the parse. */
static int key_error(struct parser *p, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pc_input_vfail_at(p->path, p->lineno, key, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return rc;
}

static void key_warning(struct parser *p, unsigned line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "FILE:LINE: KEY: message" as a warning: the scenario still loads. */
static void key_warning(struct parser *p, unsigned line, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pc_warn("%s:%u: %s: %s", p->path, line, key, msg);
}

/* ---- libinih callbacks ----------------------------------------------- */

/* Does the line being parsed start with a blank, after a key of section S
 * (the current one; NULL: any)?  In libinih's syntax such a line continues
 * that key's value; scenarios are read without continuation lines (inih
 * would join the pieces with a newline, which no key takes), so it is an
 * error, which should name the key it seems to continue. */
static int continues_key(const struct parser *p, const struct section *s)
{
	if (!p->line || !p->line_len || (p->line[0] != ' ' && p->line[0] != '\t'))
		return 0;
	return p->last_key && (!s || p->last_key_line > s->line);
}

/* "; a line starting with a blank does not continue the value of KEY (line
 * N): ..." when the line being parsed looks like a continuation, else "". */
static void continuation_hint(const struct parser *p, const struct section *s, char *out,
			      size_t len)
{
	out[0] = '\0';
	if (continues_key(p, s))
		snprintf(out, len, "; a line starting with a blank does not continue the value "
			 "of %s (line %u): write the whole value on one line", p->last_key,
			 p->last_key_line);
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parser *p = user;
	if (p->failed)
		return 0;
	/* The reader registered every header it passed; if inih's current
	 * section is not the last one registered, the key precedes them all. */
	if (p->nsections == 0 || strcmp(p->sections[p->nsections - 1].name, section)) {
		key_error(p, key, "key outside any section; put it under [global] or a [group]");
		return 0;
	}
	struct section *s = &p->sections[p->nsections - 1];
	if (!*key) {
		key_error(p, NULL, "a line with no key: nothing before '=' (expected key = value)");
		return 0;
	}
	long slot = pc_key_lookup(key);
	if (slot < 0) {
		char hint[160], name[64];
		continuation_hint(p, s, hint, sizeof(hint));
		/* FS = ext4: keys are matched as written. */
		for (size_t i = 0; !hint[0] && pc_scenario_key_name(i, name, sizeof(name)); i++)
			if (!strcasecmp(name, key))
				snprintf(hint, sizeof(hint), "; keys are lower case: %s", name);
		key_error(p, key, "unknown key (powercut help keys lists them; powercut(1), "
			  "SCENARIO FILES, describes them)%s", hint);
		return 0;
	}
	/* A key given twice in one section is a mistake, not an override. */
	if (s->value[slot]) {
		key_error(p, key, "set twice in [%s] (first on line %u)", s->name, s->key_line[slot]);
		return 0;
	}
	/* Checked now, so that the first error in the file is the one shown;
	 * typed again for each group that inherits it (expand_group). */
	struct pc_settings scratch = { 0 };
	char why[PATH_MAX + 256];
	int rc = pc_key_set((size_t)slot, &scratch, value, p->dir, why, sizeof(why));
	pc_settings_free(&scratch);
	if (rc < 0) {
		key_error(p, key, "%s", why);
		return 0;
	}
	s->value[slot] = xstrdup(value);
	s->key_line[slot] = p->lineno;
	free(p->last_key);
	p->last_key = xstrdup(key);
	p->last_key_line = p->lineno;
	return 1;
}

static int valid_group_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MAX_GROUP_NAME)
		return 0;
	for (const char *c = name; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '_' && *c != '-' && *c != '.')
			return 0;
	return strcmp(name, ".") && strcmp(name, "..");
}

/* Register a [section] header seen on the current line (inih's rules: the
 * name is what lies between '[' and the first ']').  A header without ']'
 * is left to inih, which reports it as a syntax error. */
static int note_section(struct parser *p, const char *line)
{
	if (p->lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
		line += 3;  /* inih skips a UTF-8 BOM */
	size_t len;
	const char *start = pc_ini_section_name(line, &len);
	if (!start)
		return 0;
	/* inih ignores what follows ']': "[g] fs = btrfs" would be the
	 * section g with no key.  Only blanks, then nothing or a comment
	 * (a ';' after a blank), may follow. */
	const char *after = start + len + 1, *rest = after + strspn(after, " \t\r\n");
	if (*rest && !(*rest == ';' && rest > after)) {
		size_t n = strcspn(rest, "\r\n");
		key_error(p, NULL, "text after ']' on a section line: '%.*s' (put each key = value "
			  "on a line of its own)", (int)(n > 64 ? 64 : n), rest);
		return -1;
	}
	char *name = xstrndup(start, len);
	if (!valid_group_name(name)) {
		key_error(p, NULL, "section name [%s] must be 1 to %d letters, digits, '.', '_' or '-'",
			  name, MAX_GROUP_NAME);
		free(name);
		return -1;
	}
	/* [Global] would be a group of its own, its keys inherited by none. */
	if (strcmp(name, "global") && !strcasecmp(name, "global")) {
		key_error(p, NULL, "section [%s]: only [global], in lower case, holds defaults for "
			  "the groups; name a group otherwise", name);
		free(name);
		return -1;
	}
	/* Looked up in lower case: groups [g] and [G] would write their cases
	 * to folders that are one on a case-insensitive filesystem (results
	 * unpacked on macOS or Windows, a casefolded folder). */
	char *folded = xstrdup(name);
	for (char *c = folded; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	ENTRY want = { .key = folded }, *seen = NULL;
	if (hsearch_r(want, FIND, &seen, &p->names) && seen) {
		const struct section *first = &p->sections[(uintptr_t)seen->data];
		if (!strcmp(first->name, name))
			key_error(p, NULL, "section [%s] appears twice (first on line %u)", name,
				  first->line);
		else
			key_error(p, NULL, "section [%s] differs from [%s] (line %u) only in case: "
				  "their case folders would be one on a case-insensitive filesystem "
				  "(results unpacked on macOS or Windows); name them apart", name,
				  first->name, first->line);
		free(name);
		free(folded);
		return -1;
	}
	want.data = (void *)(uintptr_t)p->nsections;
	/* Sized for every header the file can hold (parse_file). */
	if (!hsearch_r(want, ENTER, &seen, &p->names)) {
		key_error(p, NULL, "section [%s]: out of memory", name);
		free(name);
		free(folded);
		return -1;
	}
	p->sections = xrealloc(p->sections, (p->nsections + 1) * sizeof(*p->sections));
	struct section *s = &p->sections[p->nsections++];
	s->name = name;
	s->folded = folded;
	s->line = p->lineno;
	s->value = xcalloc(p->nslots, sizeof(*s->value));
	s->key_line = xcalloc(p->nslots, sizeof(*s->key_line));
	return 0;
}

/* "FILE:LINE: KEY: WHAT" for a line holding a byte it must not at offset
 * AT: the key is what precedes '=' if that comes before AT (a NUL byte:
 * inih would stop reading the line there and take what precedes as the
 * value; a carriage return: see read_line). */
static void byte_error(struct parser *p, const char *line, size_t at, const char *what)
{
	const char *eq = memchr(line, '=', at);
	if (!eq) {
		key_error(p, NULL, "%s", what);
		return;
	}
	size_t b = 0, e = (size_t)(eq - line);
	while (b < e && (line[b] == ' ' || line[b] == '\t'))
		b++;
	while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t'))
		e--;
	char *key = xstrndup(line + b, e - b);
	key_error(p, key, "%s", what);
	free(key);
}

/* The offset of a carriage return inside the N bytes of LINE, not among
 * the CRs and LF that end it (CRLF line endings are read as LF), or -1. */
static long inner_cr(const char *line, size_t n)
{
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	const char *cr = memchr(line, '\r', n);
	return cr ? (long)(cr - line) : -1;
}

/* The offset of a UTF-8 byte order mark (U+FEFF, invisible) inside the N
 * bytes of LINE, or -1; the one that starts the file (FIRST) is inih's to
 * skip. */
static long inner_bom(const char *line, size_t n, int first)
{
	size_t from = first && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3) ? 3 : 0;
	const char *bom = memmem(line + from, n - from, "\xEF\xBB\xBF", 3);
	return bom ? (long)(bom - line) : -1;
}

/* An fgets-like reader for ini_parse_stream over the file's text: one
 * physical line per call, counted, so that the handler knows the line it is
 * called for. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	if (p->failed || p->pos >= p->len)
		return NULL;
	const char *line = p->text + p->pos;
	const char *nl = memchr(line, '\n', p->len - p->pos);
	size_t n = nl ? (size_t)(nl - line) + 1 : p->len - p->pos;
	p->pos += n;
	p->lineno++;
	p->line = line;
	p->line_len = n;
	const char *nul = memchr(line, '\0', n);
	if (nul) {
		byte_error(p, line, (size_t)(nul - line), "NUL byte in line");
		return NULL;
	}
	/* inih ends lines at LF only: a file with CR line endings (classic
	 * Mac OS) would be one line, read as a section header followed by
	 * text, and a CR inside a value would reach mkfs or mount as part of
	 * an option. */
	long cr = inner_cr(line, n);
	if (cr >= 0) {
		byte_error(p, line, (size_t)cr, "carriage return (CR) inside the line: lines end with "
			   "LF or CRLF (a file saved with CR line endings, as classic Mac OS wrote "
			   "them, is one line); save it with LF line endings");
		return NULL;
	}
	/* Two files joined (cat a.ini b.ini), each saved with a BOM: the
	 * second one's, invisible, would be part of a key ("fs: unknown
	 * key") or a value. */
	long bom = inner_bom(line, n, p->lineno == 1);
	if (bom >= 0) {
		byte_error(p, line, (size_t)bom, "a UTF-8 byte order mark (bytes EF BB BF, "
			   "invisible) inside the file: only the file's first bytes may be one (two "
			   "files joined, each saved with its own?); remove it");
		return NULL;
	}
	/* The line's bytes, its end (LF or CRLF) excluded. */
	size_t body = n - (line[n - 1] == '\n');
	if (body && line[n - 1] == '\n' && line[body - 1] == '\r')
		body--;
	if (body > PC_MAX_TEXT_LINE || n > (size_t)num - 1) {
		/* fgets would split it, and inih would parse the pieces. */
		key_error(p, NULL, "line longer than %u bytes", PC_MAX_TEXT_LINE);
		return NULL;
	}
	memcpy(str, line, n);
	str[n] = '\0';
	if (note_section(p, str) < 0)
		return NULL;
	/* Only '=' is documented; a root tool reading others' scenarios has
	 * no syntax beside it. */
	size_t keylen;
	const char *key = pc_ini_colon_key(str, &keylen);
	if (key) {
		char *k = xstrndup(key, keylen);
		key_error(p, keylen ? k : NULL, "':' between key and value: write %s = ... "
			  "(a scenario separates them with '=' only)", keylen ? k : "KEY");
		free(k);
		return NULL;
	}
	return str;
}

/* ---- groups and cases ------------------------------------------------ */

static void section_free(struct parser *p, struct section *s)
{
	free(s->name);
	free(s->folded);
	for (size_t i = 0; i < p->nslots; i++)
		free(s->value[i]);
	free(s->value);
	free(s->key_line);
}

static char **strv_dup(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* Where group G's expect_MODE (slot I) comes from; *SLOT receives the slot
 * whose text applies (I, or ALL: the key expect).  The group's expect_MODE,
 * else the group's expect, else [global]'s expect_MODE, else [global]'s
 * expect; NULL: the mode's default.  A group's key beats [global]'s, and
 * within one section the mode's own key beats the one for every mode. */
static const struct section *expect_from(const struct section *g, const struct section *global,
					 size_t i, size_t all, size_t *slot)
{
	const struct section *order[] = { g, global };
	for (size_t o = 0; o < 2; o++) {
		if (!order[o])
			continue;
		*slot = order[o]->value[i] ? i : all;
		if (order[o]->value[*slot])
			return order[o];
	}
	*slot = i;
	return NULL;
}

/* The typed settings of group G: for each key, G's value, else [global]'s,
 * else the default; a required key without a value is an error. */
static int group_settings(struct parser *p, const struct section *g,
			  const struct section *global, struct pc_settings *out)
{
	char name[64], why[PATH_MAX + 256];
	unsigned mode;
	/* An fio group needs no image, and its modes default to none. */
	long w = pc_key_lookup("workload");
	const char *wv = w < 0 ? NULL : g->value[w] ? g->value[w]
			 : global && global->value[w] ? global->value[w] : NULL;
	int fio = wv && !strncmp(wv, "fio", 3);
	long all = pc_key_lookup("expect");
	for (size_t i = 0; i < p->nslots; i++) {
		const struct pc_key *k = pc_key_slot(i, &mode, name, sizeof(name));
		size_t src = i; /* the slot whose text applies */
		const struct section *from;
		if ((k->flags & PC_KEY_PER_MODE) && !strcmp(k->name, "expect") && all >= 0)
			from = expect_from(g, global, i, (size_t)all, &src);
		else
			from = g->value[i] ? g : global && global->value[i] ? global : NULL;
		const char *value = from ? from->value[src] : pc_key_default(i);
		if (!value && (k->flags & PC_KEY_REQUIRED) && !(fio && (k->flags & PC_KEY_IMAGE_ONLY))) {
			p->failed = 1;
			return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: %s: not set; set it in the group or in [global]",
				       p->path, g->line, g->name, name);
		}
		if (!value)
			continue;
		p->lineno = from ? from->key_line[src] : g->line;
		if (pc_key_set(i, out, value, p->dir, why, sizeof(why)) < 0)
			return key_error(p, src == i ? name : "expect", "%s", why);
	}
	return 0;
}

/* The backend capabilities a group's settings need. */
static unsigned needed_caps(const struct pc_settings *s)
{
	return (s->write_cache == PC_WRITE_CACHE_VOLATILE ? PC_BACKEND_VOLATILE_CACHE : 0) |
	       (s->crash_points ? PC_BACKEND_WRITE_LOG : 0) |
	       (s->log_size ? PC_BACKEND_LOG_SIZE : 0);
}

/* The section that gives group G the key KEY: G, else [global], else NULL
 * (the default). */
static const struct section *key_from(const struct section *g, const struct section *global,
				      const char *key)
{
	long i = pc_key_lookup(key);
	if (i < 0)
		return NULL;
	return g->value[i] ? g : global && global->value[i] ? global : NULL;
}

/* The line of KEY's value for group G (its header's if KEY has its default). */
static unsigned key_line(const struct section *g, const struct section *global, const char *key)
{
	const struct section *from = key_from(g, global, key);
	return from ? from->key_line[pc_key_lookup(key)] : g->line;
}

/* " (keys: KEY, line N in [global]; ...)" for the keys of KEYS (space-separated)
 * that group G or [global] sets: where a refused combination comes from,
 * its message being on the group's line.  "" when each has its default. */
static void key_origins(const struct section *g, const struct section *global, const char *keys,
			char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	char *list = xstrdup(keys), *save = NULL;
	for (char *k = strtok_r(list, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		const struct section *from = key_from(g, global, k);
		if (!from)
			continue;
		int n = snprintf(out + used, len > used ? len - used : 0, "%s%s, line %u%s",
				 used ? "; " : " (keys: ", k, from->key_line[pc_key_lookup(k)],
				 from == g ? "" : " in [global]");
		if (n > 0)
			used += (size_t)n;
	}
	if (used && used + 1 < len)
		strcat(out, ")");
	free(list);
}

/* mkfs_opts for each of the group's filesystems and mount_opts, every
 * alternative, as fs.c checks them before it runs mkfs or mount: a
 * scenario is checked completely before any case runs, and the error names
 * the line of the key. */
static int check_fs_options(struct parser *p, const struct section *g,
			    const struct section *global, const struct pc_settings *s)
{
	char why[512];
	for (size_t a = 0; a < s->mkfs_opts.n; a++)
		for (unsigned f = 0; f < s->fs.n; f++)
			if (pc_fs_check_mkfs_host_tags(pc_fs_name(s->fs.v[f]), s->mkfs_opts.v[a],
						       why, sizeof(why)) < 0) {
				p->lineno = key_line(g, global, "mkfs_opts");
				return key_error(p, "mkfs_opts", "%s", why);
			}
	for (size_t a = 0; a < s->mount_opts.n; a++)
		if (pc_fs_check_mount_opts(s->mount_opts.v[a], why, sizeof(why)) < 0) {
			p->lineno = key_line(g, global, "mount_opts");
			return key_error(p, "mount_opts", "%s", why);
		}
	return 0;
}

/* What needs which backend capability (needed_caps). */
static const struct { unsigned cap; const char *key, *lacks; } uses[] = {
	{ PC_BACKEND_VOLATILE_CACHE, "write_cache = volatile", "no volatile write cache" },
	{ PC_BACKEND_WRITE_LOG, "crash_points", "no write log" },
	{ PC_BACKEND_LOG_SIZE, "log_size", "no log device to size" },
};

/* "write_cache = volatile and crash_points": the keys asking for CAPS. */
static void keys_needing(unsigned caps, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (caps & uses[i].cap)
			used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
						 used ? " and " : "", uses[i].key);
}

/* Checks between keys, on a group's settings. */
static int check_group(struct parser *p, const struct section *g, const struct section *global,
			const struct pc_settings *s)
{
	const struct pc_backend_ops *b = pc_backend_find(pc_backend_choice(s->backend));
	char problem[256] = "";
	const char *keys = NULL; /* the keys the problem is about */
	if (s->crash_subsets && !s->crash_points) {
		snprintf(problem, sizeof(problem), "crash_subsets needs crash_points");
		keys = "crash_subsets";
	} else if (s->log_size && !s->crash_points) {
		/* Alone it would only make auto pick dm, for a log nothing writes. */
		snprintf(problem, sizeof(problem), "log_size needs crash_points (it sizes the "
			 "log of dm-log-writes, which only crash points use)");
		keys = "log_size";
	} else if (s->crash_points && s->layout == PC_LAYOUT_SNAPSHOTS) {
		snprintf(problem, sizeof(problem), "crash_points works with layout = flat only");
		keys = "crash_points layout";
	}
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]) && !problem[0]; i++) {
		if (!b || !(needed_caps(s) & uses[i].cap) || (b->caps & uses[i].cap))
			continue;
		char names[128];
		pc_backend_names_with(uses[i].cap, names, sizeof(names));
		snprintf(problem, sizeof(problem), "%s needs backend = %s (backend %s has %s)",
			 uses[i].key, names, b->name, uses[i].lacks);
		keys = uses[i].cap == PC_BACKEND_VOLATILE_CACHE ? "write_cache backend"
		       : uses[i].cap == PC_BACKEND_WRITE_LOG ? "crash_points backend"
		       : "log_size backend";
	}
	/* auto: some backend must have every capability asked for. */
	if (!problem[0] && !b && needed_caps(s) && !pc_backend_with(needed_caps(s))) {
		size_t n = (size_t)snprintf(problem, sizeof(problem), "no backend can do all of");
		for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
			if (needed_caps(s) & uses[i].cap)
				n += (size_t)snprintf(problem + n, sizeof(problem) - n, " %s;",
						      uses[i].key);
		problem[n - 1] = '\0';
		keys = "write_cache crash_points log_size";
	}
	if (!problem[0])
		return 0;
	char where[256];
	key_origins(g, global, keys, where, sizeof(where));
	p->failed = 1;
	return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: %s%s", p->path, g->line, g->name, problem, where);
}

/* workload = fio: the checked job file and cut_at into the case. */
static void fio_case(struct pc_case *c, const struct pc_fio_jobfile *jf)
{
	c->workload = PC_WORKLOAD_FIO;
	c->fio_job = xstrdup(jf->path);
	c->fio_job_text = xmalloc(jf->len + 1);
	memcpy(c->fio_job_text, jf->text, jf->len);
	c->fio_job_text[jf->len] = '\0';
	c->fio_job_len = jf->len;
	c->fio_jobs = pc_fio_jobs_copy(jf);
	c->nfio_jobs = jf->njobs;
	c->fio_bytes = jf->total_bytes;
	c->fio_room = jf->total_room;
}

/* cut_at = end: a job that fio ended early (runtime=, steadystate) must not
 * pass for the whole job, so each job's least extent must be known
 * (pc_fio_job.extent).  -1 (class INPUT) when one's is not. */
static int extent_unknown(struct parser *p, const struct section *g,
			  const struct pc_fio_jobfile *jf)
{
	for (size_t i = 0; i < jf->njobs; i++) {
		const struct pc_fio_job *j = &jf->jobs[i];
		if (!j->extent_unknown)
			continue;
		pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: cut_at = end needs to know how much each fio "
			"job writes when it runs to its end, to tell a job fio ended early "
			"(runtime=, steadystate) from a whole one; %s:%u: job [%s]: %s; write the job "
			"with plain counts, or cut it mid-run (cut_at = Ns or P%%)", p->path, g->line, g->name,
			jf->path, j->extent_line, j->name, j->extent_unknown);
		p->failed = 1;
		return -1;
	}
	return 0;
}

/* cut_at = P% is a fraction of the bytes the jobs write (total_bytes):
 * -1 (class INPUT), naming the job and its line, when a job's size is not
 * a plain byte count. */
static int size_unknown(struct parser *p, const struct section *g,
			const struct pc_fio_jobfile *jf)
{
	for (size_t i = 0; i < jf->njobs && !jf->total_bytes; i++) {
		const struct pc_fio_job *j = &jf->jobs[i];
		if (j->size)
			continue;
		pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: cut_at = P%% needs every job's size as a plain "
			"byte count (e.g. size=64m); %s:%u: job [%s]: its size (or, without one, its "
			"files' filesize less their offset) is not one; write it as one, or cut it "
			"at a time (cut_at = Ns)", p->path, g->line, g->name, jf->path,
			j->line, j->name);
		p->failed = 1;
		return -1;
	}
	if (jf->total_bytes)
		return 0;
	p->failed = 1;
	return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: cut_at = P%% needs every job's size as a plain "
		       "byte count (e.g. size=64m)", p->path, g->line, g->name);
}

/* cut_at = Ns or P%: fio's check must read each job's blocks in the order
 * it wrote them (pc_fio_job.midrun_unsafe).  -1 (class INPUT) when one
 * job's are read in another order. */
static int midrun_unsafe(struct parser *p, const struct section *g, const char *cut_at,
			 const struct pc_fio_jobfile *jf)
{
	for (size_t i = 0; i < jf->njobs; i++) {
		const struct pc_fio_job *j = &jf->jobs[i];
		if (!j->midrun_unsafe)
			continue;
		pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: cut_at = %s cuts the fio job in its middle, which "
			"fio's check after the cut can judge only when it reads the blocks in the "
			"order they were written; %s:%u: job [%s]: %s; or cut it at its end (cut_at "
			"= end)", p->path, g->line, g->name, cut_at, jf->path, j->midrun_line, j->name,
			j->midrun_unsafe);
		p->failed = 1;
		return -1;
	}
	return 0;
}

/* pc_fio_workload_parse, once per workload value in a load: 0 (image), 1
 * (fio: *JF the checked file, owned by P) or -1. */
static int workload_parse(struct parser *p, const char *value, const struct pc_fio_jobfile **jf,
			  char *why, size_t len)
{
	*jf = NULL;
	for (size_t i = 0; i < p->njobs; i++)
		if (!strcmp(p->jobs[i]->value, value)) {
			*jf = &p->jobs[i]->jf;
			return 1;
		}
	struct checked_job *j = xcalloc(1, sizeof(*j));
	int fio = pc_fio_workload_parse(value, p->dir, &j->jf, why, len);
	if (fio <= 0) {
		free(j);
		return fio;
	}
	j->value = xstrdup(value);
	p->jobs = xrealloc(p->jobs, (p->njobs + 1) * sizeof(*p->jobs));
	p->jobs[p->njobs++] = j;
	*jf = &j->jf;
	return 1;
}

/* fio's checks (pc_fio_workload_check) of the job file of VALUE, which
 * workload_parse took: run once per load; a refusal is the workload
 * line's error, as workload_parse's are. */
static int fio_accepts(struct parser *p, const struct section *g,
		       const struct section *global, const char *value)
{
	struct checked_job *j = NULL;
	for (size_t i = 0; i < p->njobs && !j; i++)
		if (!strcmp(p->jobs[i]->value, value))
			j = p->jobs[i];
	if (!j)
		return pc_fail(PC_ERR_INPUT, "%s: workload '%s' was not read", p->path, value);
	if (j->fio_accepts)
		return 0;
	char why[PATH_MAX + 256];
	long w = pc_key_lookup("workload");
	const struct section *from = g->value[w] ? g : global && global->value[w] ? global : g;
	p->lineno = from->value[w] ? from->key_line[w] : g->line;
	if (pc_fio_workload_check(value, p->dir, &j->jf, why, sizeof(why)) < 0) {
		if (pc_last_errclass == PC_ERR_ENV) {
			/* fio missing or failing is the machine's fault: exit 3, not 2 */
			p->failed = 1;
			return pc_fail(PC_ERR_ENV, "%s:%u: workload: %s", p->path, p->lineno, why);
		}
		return key_error(p, "workload", "%s", why);
	}
	j->fio_accepts = 1;
	return 0;
}

/* The workload keys of group G: the job file checked (its refusals name
 * the job file's FILE:LINE), cut_at parsed, combinations refused.  Returns
 * 0 (image), 1 (fio, *JF the checked file) or -1. */
static int group_workload(struct parser *p, const struct section *g,
			  const struct section *global, struct pc_settings *s,
			  const struct pc_fio_jobfile **jfp, struct pc_cut_at *at)
{
	char why[PATH_MAX + 256];
	long w = pc_key_lookup("workload"), c = pc_key_lookup("cut_at");
	const struct section *from = g->value[w] ? g : global && global->value[w] ? global : g;
	p->lineno = from->value[w] ? from->key_line[w] : g->line;
	int fio = workload_parse(p, s->workload, jfp, why, sizeof(why));
	const struct pc_fio_jobfile *jf = *jfp;
	if (fio < 0 && pc_last_errclass == PC_ERR_ENV) {
		/* fio missing or failing is the machine's fault: exit 3, not 2 */
		p->failed = 1;
		return pc_fail(PC_ERR_ENV, "%s:%u: workload: %s", p->path, p->lineno, why);
	}
	if (fio < 0)
		return key_error(p, "workload", "%s", why);
	from = g->value[c] ? g : global && global->value[c] ? global : g;
	p->lineno = from->value[c] ? from->key_line[c] : g->line;
	/* The key's check (scenario_keys.c) took only what this parses. */
	if (pc_cut_at_parse(s->cut_at, at) < 0)
		return key_error(p, "cut_at", "'%s' is not end, Ns or P%%", s->cut_at);
	const char *problem = NULL, *keys = "workload";
	if (!fio && at->kind != PC_CUT_AT_END) {
		problem = "cut_at = Ns or P% needs workload = fio (an image is cut after its commit)";
		keys = "cut_at workload";
	} else if (fio && s->crash_points) {
		problem = "crash_points works with workload = image only";
		keys = "crash_points workload";
	} else if (fio && s->layout == PC_LAYOUT_SNAPSHOTS) {
		problem = "layout = snapshots works with workload = image only";
		keys = "layout workload";
	} else if (fio && !s->device_size && !jf->total_room) {
		problem = "device_size = auto needs to know what the fio jobs' files take on the "
			  "device: every job's size, filesize and offset as plain byte counts (e.g. "
			  "size=64m); set device_size";
		keys = "device_size workload";
	} else if (fio && !s->device_size && jf->total_room > (UINT64_C(1) << 49) - (128u << 20)) {
		problem = "device_size = auto: the fio jobs' files take more than half of the "
			  "largest device (1024T), and the auto device is twice their bytes plus "
			  "256 MiB";
		keys = "device_size workload";
	}
	if (problem) {
		char where[256];
		key_origins(g, global, keys, where, sizeof(where));
		p->failed = 1;
		return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: %s%s", p->path, g->line, g->name, problem,
			       where);
	}
	if (fio && at->kind == PC_CUT_AT_PERCENT && size_unknown(p, g, jf) < 0)
		return -1;
	if (fio && at->kind == PC_CUT_AT_END && extent_unknown(p, g, jf) < 0)
		return -1;
	if (fio && at->kind != PC_CUT_AT_END && midrun_unsafe(p, g, s->cut_at, jf) < 0)
		return -1;
	/* A mid-run cut comes before any durability mode could run: a mode
	 * other than none would only label a case that runs what none runs. */
	for (unsigned m = 0; fio && at->kind != PC_CUT_AT_END && m < s->modes.n; m++) {
		if (s->modes.v[m] == PC_MODE_NONE)
			continue;
		p->lineno = key_line(g, global, "modes");
		return key_error(p, "modes", "[%s]: '%s' with cut_at = %s: a mid-run cut comes "
				 "before any durability mode runs, so modes must be none (the default "
				 "for workload = fio); the job's own syncs are what is tested",
				 g->name, pc_mode_name((enum pc_mode)s->modes.v[m]), s->cut_at);
	}
	/* fio's own checks last, once per job file: a group refused on
	 * powercut's reading above is told so without waiting for fio (whose
	 * set-up of a 600T file's random map took minutes and 12 GB). */
	if (fio && fio_accepts(p, g, global, s->workload) < 0)
		return -1;
	if (fio && s->modes.n == 0) {
		s->modes.n = 1;
		s->modes.v[0] = PC_MODE_NONE;
	}
	return fio;
}

/* A key set in group G's own section that none of its cases reads (an
 * image beside workload = fio, expect_MODE for a mode the group does not
 * run, expect beside an expect_MODE for every mode it runs) is most likely
 * a mistake: a typo in modes, a line left over.  Its meaning is clear
 * (it changes nothing), so the scenario loads, with a warning naming the
 * line; [global] sets defaults, which a group may leave unused. */
static void warn_unread(struct parser *p, const struct section *g,
			const struct pc_settings *s, int fio)
{
	long img = pc_key_lookup("image");
	if (fio && g->value[img])
		key_warning(p, g->key_line[img], "image", "[%s] runs workload = fio, which writes "
			    "no image: no case reads it", g->name);
	char runs[256] = "";
	size_t used = 0;
	for (unsigned m = 0; m < s->modes.n; m++)
		used += (size_t)snprintf(runs + used, used < sizeof(runs) ? sizeof(runs) - used : 0,
					 "%s%s", m ? " " : "", pc_mode_name((enum pc_mode)s->modes.v[m]));
	unsigned own = 0;
	for (unsigned mode = 0; mode < PC_MODE_COUNT; mode++) {
		char name[64];
		snprintf(name, sizeof(name), "expect_%s", pc_mode_name((enum pc_mode)mode));
		long i = pc_key_lookup(name);
		int runs_mode = 0;
		for (unsigned m = 0; m < s->modes.n; m++)
			runs_mode |= s->modes.v[m] == mode;
		if (i < 0 || !g->value[i])
			continue;
		if (runs_mode)
			own++;
		else
			key_warning(p, g->key_line[i], name, "[%s] does not run mode %s (modes = "
				    "%s): no case reads it", g->name,
				    pc_mode_name((enum pc_mode)mode), runs);
	}
	long all = pc_key_lookup("expect");
	if (g->value[all] && s->modes.n && own == s->modes.n)
		key_warning(p, g->key_line[all], "expect", "every mode [%s] runs (%s) has its own "
			    "expect_MODE in the section: no case reads it", g->name, runs);
}

/* A fio group cut with mode none and no expect anywhere passes whatever
 * fio's check finds: expect_none's default is any (a mode that syncs
 * nothing may lose anything), and powercut cannot tell from the job file
 * alone which of its writes were promised durable (fsync=N leaves N-1
 * open; direct=1 leaves the device's cache).  Said, not refused: any is a
 * valid answer, and fsck and the mount are still judged. */
static void warn_fio_unjudged(struct parser *p, const struct section *g,
			      const struct section *global, const struct pc_settings *s, int fio)
{
	int runs_none = 0;
	for (unsigned m = 0; m < s->modes.n; m++)
		runs_none |= s->modes.v[m] == PC_MODE_NONE;
	if (!fio || !runs_none)
		return;
	long e = pc_key_lookup("expect"), en = pc_key_lookup("expect_none");
	const struct section *where[] = { g, global };
	for (size_t i = 0; i < 2; i++)
		if (where[i] && (where[i]->value[e] || where[i]->value[en]))
			return;
	key_warning(p, g->line, "expect", "[%s] runs workload = fio with mode none and sets no "
		    "expect: the default, any, passes whatever fio's check finds (fsck and the "
		    "mount are still judged); say expect = intact if the job's completed writes "
		    "must survive (sync=1, fsync=1, ...), or expect = any", g->name);
}

/* More is surely a mistake (a matrix multiplied out by accident), in a
 * group or in the whole scenario (many groups, each under the limit, would
 * otherwise take gigabytes before the first case runs). */
#define MAX_GROUP_CASES 100000u
#define MAX_SCENARIO_CASES 100000u

/* Which case of a group: its group's settings and one index per axis of
 * the matrix (fs, mkfs_opts, mount_opts alternatives, mode, repeat). */
struct case_pick {
	const char *name;
	const struct pc_settings *s;
	const char *backend;
	const char *backend_why; /* auto narrowed by the group's keys, else NULL */
	const struct pc_fio_jobfile *jf; /* workload = fio, else NULL */
	const struct pc_cut_at *cut_at;
	size_t fs, mkfs, mount, mode;
	unsigned repeat;
};

/* The id GROUP/FS[/mkfs=SLUG][/mount=SLUG]/MODE[/rN]: an option segment
 * only where its key has alternatives, so one-option scenarios keep their
 * ids. */
static char *case_id(const struct case_pick *k, const char *fs, enum pc_mode mode)
{
	const struct pc_settings *s = k->s;
	char *mkfs = s->mkfs_opts.n > 1 ? xasprintf("/mkfs=%s", s->mkfs_opts.slug[k->mkfs])
					: xstrdup("");
	char *mount = s->mount_opts.n > 1 ? xasprintf("/mount=%s", s->mount_opts.slug[k->mount])
					  : xstrdup("");
	char *rep = s->repeat > 1 ? xasprintf("/r%u", k->repeat) : xstrdup("");
	char *id = xasprintf("%s/%s%s%s/%s%s", k->name, fs, mkfs, mount, pc_mode_name(mode), rep);
	free(mkfs);
	free(mount);
	free(rep);
	return id;
}

static void make_case(struct pc_case *c, const struct case_pick *k)
{
	const struct pc_settings *s = k->s;
	enum pc_mode mode = (enum pc_mode)s->modes.v[k->mode];
	const char *fs = pc_fs_name(s->fs.v[k->fs]);
	*c = (struct pc_case){
		.group = xstrdup(k->name),
		.fs = xstrdup(fs),
		.mkfs_opts = xstrdup(s->mkfs_opts.v[k->mkfs]),
		.mount_opts = xstrdup(s->mount_opts.v[k->mount]),
		.backend = xstrdup(k->backend),
		.backend_why = k->backend_why ? xstrdup(k->backend_why) : NULL,
		.mode = mode,
		.expect = (enum pc_expect)s->expect[mode],
		.cut = (enum pc_flakey_mode)s->cut,
		.repeat = k->repeat,
		.repeats = s->repeat,
		.images = strv_dup(s->images, s->nimages),
		.nimages = s->nimages,
		.device_size = s->device_size,
		.layout = (enum pc_layout)s->layout,
		.volatile_cache = s->write_cache == PC_WRITE_CACHE_VOLATILE,
		.crash_points = s->crash_points,
		.crash_subsets = s->crash_subsets,
		.settings = s,
		.cut_at = *k->cut_at,
		.probe = (int)s->probe,
	};
	if (k->jf)
		fio_case(c, k->jf);
	c->id = case_id(k, fs, mode);
}

/* Expand group G (NAME is its name in case ids) into cases. */
static int expand_group(struct parser *p, const struct section *g,
			const struct section *global, const char *name,
			struct pc_scenario *sc)
{
	struct pc_settings *s = xcalloc(1, sizeof(*s));
	sc->groups = xrealloc(sc->groups, (sc->ngroups + 1) * sizeof(*sc->groups));
	sc->groups[sc->ngroups++] = s;
	const struct pc_fio_jobfile *jf = NULL;
	struct pc_cut_at cut_at;
	int fio;
	if (group_settings(p, g, global, s) < 0 || check_group(p, g, global, s) < 0 ||
	    check_fs_options(p, g, global, s) < 0 ||
	    (fio = group_workload(p, g, global, s, &jf, &cut_at)) < 0)
		return -1;
	warn_unread(p, g, s, fio);
	warn_fio_unjudged(p, g, global, s, fio);
	/* auto picks only a backend that can do what is asked (check_group
	 * made sure there is one). */
	const char *backend = pc_backend_choice(s->backend);
	char why[256] = "";
	if (needed_caps(s) && !pc_backend_find(backend)) {
		backend = pc_backend_with(needed_caps(s))->name;
		char keys[128];
		keys_needing(needed_caps(s), keys, sizeof(keys));
		snprintf(why, sizeof(why), "auto: %s, chosen for %s (a backend that can do it)",
			 backend, keys);
	}
	/* The matrix, fs outermost and repeat innermost, as one count. */
	size_t axes[] = { s->fs.n, s->mkfs_opts.n, s->mount_opts.n, s->modes.n, s->repeat };
	size_t total = 1;
	for (size_t a = 0; a < sizeof(axes) / sizeof(axes[0]); a++) {
		if (axes[a] && total > MAX_GROUP_CASES / axes[a]) {
			p->failed = 1;
			return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: the group makes more than %u cases",
				       p->path, g->line, g->name, MAX_GROUP_CASES);
		}
		total *= axes[a];
	}
	if (total > MAX_SCENARIO_CASES - sc->ncases) {
		p->failed = 1;
		return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: the scenario makes more than %u cases "
			       "(%zu before this group, %zu in it)", p->path, g->line, g->name,
			       MAX_SCENARIO_CASES, sc->ncases, total);
	}
	/* Room for the whole group at once: growing by one case at a time
	 * copies the array again and again (quadratic under valgrind, whose
	 * realloc always copies). */
	sc->cases = xrealloc(sc->cases, (sc->ncases + total) * sizeof(*sc->cases));
	for (size_t i = 0; i < total; i++) {
		size_t rest = i;
		struct case_pick k = { name, s, backend, why[0] ? why : NULL, fio ? jf : NULL,
				       &cut_at, 0, 0, 0, 0, 0 };
		k.repeat = (unsigned)(rest % s->repeat) + 1;
		rest /= s->repeat;
		k.mode = rest % s->modes.n;
		rest /= s->modes.n;
		k.mount = rest % s->mount_opts.n;
		rest /= s->mount_opts.n;
		k.mkfs = rest % s->mkfs_opts.n;
		k.fs = rest / s->mkfs_opts.n;
		make_case(&sc->cases[sc->ncases++], &k);
	}
	return 0;
}

void pc_case_folder(const char *id, char *out, size_t len)
{
	size_t n = 0;
	for (const char *c = id; *c && n + 1 < len; c++)
		out[n++] = (*c == '/' || *c == ' ') ? '_' : *c;
	if (len)
		out[n] = '\0';
}

struct folder {
	char *name;
	size_t i; /* the case */
};

static int folder_cmp(const void *a, const void *b)
{
	const struct folder *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Two case ids that differ only where the folder name has '_' ("a b" in a
 * matrix alternative, '/' between segments) would write one results folder:
 * refused, naming both. */
static int check_case_folders(struct parser *p, const struct pc_scenario *sc)
{
	struct folder *f = xcalloc(sc->ncases ? sc->ncases : 1, sizeof(*f));
	for (size_t i = 0; i < sc->ncases; i++) {
		size_t len = strlen(sc->cases[i].id) + 1;
		f[i].name = xmalloc(len);
		pc_case_folder(sc->cases[i].id, f[i].name, len);
		f[i].i = i;
	}
	qsort(f, sc->ncases, sizeof(*f), folder_cmp);
	int rc = 0;
	for (size_t i = 1; i < sc->ncases && rc == 0; i++) {
		if (strcmp(f[i - 1].name, f[i].name))
			continue;
		p->failed = 1;
		rc = pc_fail(PC_ERR_INPUT, "%s: cases %s and %s would share the results folder "
			     "cases/%s; change an alternative of mkfs_opts or mount_opts",
			     p->path, sc->cases[f[i - 1].i].id, sc->cases[f[i].i].id, f[i].name);
	}
	for (size_t i = 0; i < sc->ncases; i++)
		free(f[i].name);
	free(f);
	return rc;
}

static int expand(struct parser *p, struct pc_scenario *sc)
{
	const struct section *global = NULL;
	size_t ngroups = 0;
	for (size_t i = 0; i < p->nsections; i++) {
		if (!strcmp(p->sections[i].name, "global"))
			global = &p->sections[i];
		else
			ngroups++;
	}
	if (p->nsections == 0) {
		p->failed = 1;
		return pc_fail(PC_ERR_INPUT, "%s: no sections; a scenario needs [global] or a [group]",
			       p->path);
	}
	if (ngroups == 0)
		return expand_group(p, global, NULL, "default", sc) < 0 ? -1
		       : check_case_folders(p, sc);
	for (size_t i = 0; i < p->nsections; i++) {
		const struct section *g = &p->sections[i];
		if (g != global && expand_group(p, g, global, g->name, sc) < 0)
			return -1;
	}
	return check_case_folders(p, sc);
}

static char *scenario_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	return xstrndup(base, n);
}

/* The whole file into p->text: a regular file (pc_input_open: a FIFO or
 * /dev/zero would block or never end) of at most PC_MAX_SMALL_FILE bytes.
 * Read whole rather than with pc_lines, so that a NUL byte is reported
 * with the key of its line. */
static int read_scenario(struct parser *p)
{
	int fd = pc_input_open("scenario", p->path);
	if (fd < 0)
		return -1;
	/* One byte past the limit tells "exactly the limit" from more;
	 * st_size is not trusted (a file in /proc says 0, a file may grow). */
	p->text = xmalloc(PC_MAX_SMALL_FILE + 1);
	ssize_t n = pc_pread_full(fd, p->text, PC_MAX_SMALL_FILE + 1, 0);
	int e = errno;
	close(fd);
	if (n < 0)
		return pc_fail_errno(PC_ERR_INPUT, e, "read scenario %s", p->path);
	if ((size_t)n > PC_MAX_SMALL_FILE)
		return pc_fail(PC_ERR_INPUT, "scenario %s: larger than %u bytes", p->path,
			       PC_MAX_SMALL_FILE);
	p->len = (size_t)n;
	return 0;
}

static int parse_file(struct parser *p)
{
	char *abs = realpath(p->path, NULL);
	if (!abs)
		return pc_fail_errno(PC_ERR_INPUT, errno, "scenario %s", p->path);
	char *slash = strrchr(abs, '/');
	p->dir = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
	free(abs);
	if (read_scenario(p) < 0)
		return -1;
	/* A header takes 3 bytes at least ("[a]"), and one more for its
	 * newline but the last: room for all, and a quarter to spare. */
	if (!hcreate_r(p->len / 2 + 64, &p->names))
		return pc_fail_errno(PC_ERR_RUN, errno, "%s: section names", p->path);
	p->names_made = 1;

	pc_ini_configure(MAX_LINE, 0);

	int rc = ini_parse_stream(read_line, p, handler, p);
	if (p->failed)
		return -1;
	if (rc == -2)
		return pc_fail(PC_ERR_RUN, "%s: out of memory parsing", p->path);
	if (rc != 0) {
		p->lineno = (unsigned)rc;
		/* inih stops at the first error: p->line is line rc. */
		if (continues_key(p, p->nsections ? &p->sections[p->nsections - 1] : NULL))
			return key_error(p, p->last_key, "a line starting with a blank does not "
					 "continue the value of %s (line %u): a scenario has no "
					 "continuation lines; write the whole value on line %u",
					 p->last_key, p->last_key_line, p->last_key_line);
		return key_error(p, NULL, "syntax error: expected [section], key = value or a ; comment");
	}
	return 0;
}

int pc_scenario_load(const char *path, struct pc_scenario *sc)
{
	struct parser p = { .path = path, .nslots = pc_key_nslots() };
	memset(sc, 0, sizeof(*sc));
	int rc = parse_file(&p);
	if (rc == 0) {
		sc->path = xstrdup(path);
		sc->name = scenario_name(path);
		rc = expand(&p, sc);
	}
	if (p.names_made)
		hdestroy_r(&p.names); /* the keys are the sections' names */
	for (size_t i = 0; i < p.njobs; i++) {
		pc_fio_job_free(&p.jobs[i]->jf);
		free(p.jobs[i]->value);
		free(p.jobs[i]);
	}
	free(p.jobs);
	for (size_t i = 0; i < p.nsections; i++)
		section_free(&p, &p.sections[i]);
	free(p.sections);
	free(p.text);
	free(p.dir);
	free(p.last_key);
	if (rc < 0)
		pc_scenario_free(sc);
	return rc;
}

static void case_free(struct pc_case *c)
{
	free(c->id);
	free(c->group);
	free(c->fs);
	free(c->mkfs_opts);
	free(c->mount_opts);
	free(c->backend);
	free(c->backend_why);
	pc_strv_free(c->images);
	free(c->fio_job);
	free(c->fio_job_text);
	pc_fio_jobs_free(c->fio_jobs, c->nfio_jobs);
}

void pc_scenario_filter(struct pc_scenario *sc, const char *pattern)
{
	if (!pattern)
		return;
	size_t kept = 0;
	for (size_t i = 0; i < sc->ncases; i++) {
		/* No FNM_PATHNAME: '*' also matches '/', so "*fsync*" works. */
		if (fnmatch(pattern, sc->cases[i].id, 0) == 0)
			sc->cases[kept++] = sc->cases[i];
		else
			case_free(&sc->cases[i]);
	}
	sc->ncases = kept;
}

void pc_scenario_shard(struct pc_scenario *sc, unsigned k, unsigned n)
{
	size_t kept = 0;
	for (size_t i = 0; i < sc->ncases; i++) {
		if (i % n == k - 1)
			sc->cases[kept++] = sc->cases[i];
		else
			case_free(&sc->cases[i]);
	}
	sc->ncases = kept;
}

int pc_parse_shard(const char *s, unsigned *k, unsigned *n)
{
	/* Digits, '/', digits: strtoul alone would take " 1/2", "+1/2" and
	 * "1/ 2" (and refuse "1/2 "). */
	if (strspn(s, "0123456789/") != strlen(s))
		goto bad;
	char *end;
	errno = 0;
	unsigned long a = strtoul(s, &end, 10);
	if (end == s || *end != '/' || errno)
		goto bad;
	const char *rest = end + 1;
	unsigned long b = strtoul(rest, &end, 10);
	if (end == rest || *end || errno || a < 1 || b < 1 || a > b || b > 100000)
		goto bad;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
bad:
	return pc_fail(PC_ERR_INPUT, "bad shard '%s' (expected K/N with 1 <= K <= N, e.g. 2/4)", s);
}

void pc_scenario_free(struct pc_scenario *sc)
{
	for (size_t i = 0; i < sc->ncases; i++)
		case_free(&sc->cases[i]);
	free(sc->cases);
	for (size_t i = 0; i < sc->ngroups; i++) {
		pc_settings_free(sc->groups[i]);
		free(sc->groups[i]);
	}
	free(sc->groups);
	free(sc->path);
	free(sc->name);
	memset(sc, 0, sizeof(*sc));
}
