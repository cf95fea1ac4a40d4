/* scenario.c - INI scenario files (libinih); see scenario.h.
 *
 * Parsing happens in two steps.  First every section is read into a
 * `struct settings` (values checked as they are read, so an error can name
 * the file, the line and the key).  Then each group is completed with the
 * values of [global] and expanded into cases: for each group in file order,
 * for each fs, for each mode, for each repeat.
 *
 * libinih does not pass line numbers to the handler (Debian builds it with
 * INI_HANDLER_LINENO 0), so we feed it through our own reader, which hands it
 * one physical line at a time and counts them.  The reader also sees the
 * section headers, which the handler does not: that is how empty sections
 * and duplicate section names are caught.
 */
#include "scenario.h"

#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* Longest line we accept; libinih's default buffer is only 200 bytes, which
 * a list of image paths easily exceeds. */
#define MAX_LINE 8192
#define MAX_REPEAT 100000

/* inih keeps section names in a 50-byte buffer; longer names would be cut. */
#define MAX_GROUP_NAME 48

/* One bit per key, so that a section records which keys it set. */
enum key_bit {
	K_IMAGE = 1 << 0,
	K_FS = 1 << 1,
	K_MKFS_OPTS = 1 << 2,
	K_MOUNT_OPTS = 1 << 3,
	K_MODES = 1 << 4,
	K_BACKEND = 1 << 5,
	K_DEVICE_SIZE = 1 << 6,
	K_REPEAT = 1 << 7,
	K_EXPECT_NONE = 1 << 8,
	K_EXPECT_SYNCFS = 1 << 9,
	K_EXPECT_FSYNC = 1 << 10,
	K_CUT = 1 << 11,
	K_DESCRIPTION = 1 << 12,
	K_LAYOUT = 1 << 13,
	K_WRITE_CACHE = 1 << 14,
	K_CRASH_POINTS = 1 << 15,
	K_CRASH_SUBSETS = 1 << 16,
	K_NBITS = 17
};

/* What one section says; only the fields whose bit is in `set` count. */
struct settings {
	char *name;
	unsigned line;              /* line of the [section] header */
	unsigned set;               /* enum key_bit */
	unsigned key_line[K_NBITS];      /* line where each key was set */
	char **images;
	size_t nimages;
	char **fs;
	size_t nfs;
	char *mkfs_opts, *mount_opts, *backend;
	enum pc_mode modes[PC_MODE_COUNT];
	size_t nmodes;
	uint64_t device_size;
	unsigned repeat;
	enum pc_expect expect[PC_MODE_COUNT];
	enum pc_flakey_mode cut;
	enum pc_layout layout;
	int volatile_cache;
	unsigned crash_points;
	unsigned crash_subsets;
};

struct parser {
	const char *path;           /* as given: used in messages */
	char *dir;                  /* absolute folder of the scenario file */
	FILE *f;
	char *buf;                  /* getline buffer */
	size_t bufcap;
	unsigned lineno;            /* line being parsed */
	struct settings *sections;  /* in file order; [global] included */
	size_t nsections;
	int failed;                 /* an error was reported: stop */
};

static const char *const fs_names[] = { "ext4", "xfs", "btrfs" };
static const char *const backend_names[] = { "fuse", "dm", "auto" };
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
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end != '\0')
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* ---- errors ---------------------------------------------------------- */

static int key_error(struct parser *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE: KEY: message" (class INPUT); stops the parse. */
static int key_error(struct parser *p, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->failed = 1;
	if (key)
		return pc_fail(PC_ERR_INPUT, "%s:%u: %s: %s", p->path, p->lineno, key, msg);
	return pc_fail(PC_ERR_INPUT, "%s:%u: %s", p->path, p->lineno, msg);
}

/* ---- values ---------------------------------------------------------- */

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* Like pc_mode_parse, without its message: ours names file, line and key. */
static int mode_lookup(const char *s, enum pc_mode *m)
{
	for (int i = 0; i < PC_MODE_COUNT; i++)
		if (!strcmp(pc_mode_name((enum pc_mode)i), s)) {
			*m = (enum pc_mode)i;
			return 0;
		}
	return -1;
}

static int list_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Resolve an image spec against the scenario's folder and make it absolute.
 * A spec is a layer archive, a docker-save archive or oci-archive, an OCI
 * layout folder, or "PATH:TAG" (see image.h); what it names must exist.
 * A spec that does not exist as a whole is split as image.c splits it: at
 * the first ':' whose left side exists (a docker tag such as
 * "repo/name:latest" holds colons and slashes itself). */
static char *resolve_image(struct parser *p, const char *key, const char *spec)
{
	char *joined = spec[0] == '/' ? xstrdup(spec) : xasprintf("%s/%s", p->dir, spec);
	char *abs = realpath(joined, NULL);
	int err = errno;
	for (const char *colon = strchr(spec, ':'); !abs && colon; colon = strchr(colon + 1, ':')) {
		if (colon == spec || !colon[1])
			continue;
		char *left = spec[0] == '/' ? xasprintf("%.*s", (int)(colon - spec), spec)
					    : xasprintf("%s/%.*s", p->dir, (int)(colon - spec), spec);
		char *path = realpath(left, NULL);
		if (path)
			abs = xasprintf("%s:%s", path, colon + 1);
		free(path);
		free(left);
	}
	if (!abs)
		key_error(p, key, "%s: %s", joined, strerror(err));
	free(joined);
	return abs;
}

static int set_images(struct parser *p, struct settings *s, const char *key,
		      const char *value)
{
	size_t n;
	char **words = pc_split_words(value, &n);
	if (n == 0) {
		pc_strv_free(words);
		return key_error(p, key, "empty list; name one or more layer archives or an OCI layout");
	}
	char **abs = xcalloc(n + 1, sizeof(*abs));
	for (size_t i = 0; i < n; i++) {
		abs[i] = resolve_image(p, key, words[i]);
		if (!abs[i]) {
			pc_strv_free(abs);
			pc_strv_free(words);
			return -1;
		}
	}
	pc_strv_free(words);
	s->images = abs;
	s->nimages = n;
	return 0;
}

static int set_fs(struct parser *p, struct settings *s, const char *key,
		  const char *value)
{
	size_t n;
	char **words = pc_split_words(value, &n);
	int rc = 0;
	if (n == 0)
		rc = key_error(p, key, "empty list; expected one or more of ext4, xfs, btrfs");
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (name_index(fs_names, 3, words[i]) < 0)
			rc = key_error(p, key, "unknown filesystem '%s' (expected ext4, xfs or btrfs)",
				       words[i]);
		else if (list_has(words, i, words[i]))
			rc = key_error(p, key, "'%s' is listed twice", words[i]);
	}
	if (rc < 0) {
		pc_strv_free(words);
		return -1;
	}
	s->fs = words;
	s->nfs = n;
	return 0;
}

static int set_modes(struct parser *p, struct settings *s, const char *key,
		     const char *value)
{
	size_t n;
	char **words = pc_split_words(value, &n);
	enum pc_mode modes[PC_MODE_COUNT];
	size_t nmodes = 0;
	int rc = 0;
	if (n == 0)
		rc = key_error(p, key, "empty list; expected one or more of none, syncfs, fsync");
	for (size_t i = 0; i < n && rc == 0; i++) {
		enum pc_mode m;
		if (mode_lookup(words[i], &m) < 0)
			rc = key_error(p, key, "unknown mode '%s' (expected none, syncfs or fsync)",
				       words[i]);
		else if (list_has(words, i, words[i]))
			rc = key_error(p, key, "'%s' is listed twice", words[i]);
		else
			modes[nmodes++] = m;
	}
	pc_strv_free(words);
	if (rc == 0) {
		memcpy(s->modes, modes, nmodes * sizeof(modes[0]));
		s->nmodes = nmodes;
	}
	return rc;
}

/* A whole number from MIN to MAX (digits only), or a key error. */
static int parse_count(struct parser *p, const char *key, const char *value, unsigned long min,
		       unsigned long max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end || errno || n < min || n > max)
		return key_error(p, key, "'%s' is not a whole number from %lu to %lu", value, min,
				 max);
	*out = (unsigned)n;
	return 0;
}

static int set_repeat(struct parser *p, struct settings *s, const char *key,
		      const char *value)
{
	return parse_count(p, key, value, 1, MAX_REPEAT, &s->repeat);
}

static int set_device_size(struct parser *p, struct settings *s, const char *key,
			   const char *value)
{
	if (!strcmp(value, "auto")) {
		s->device_size = 0;
		return 0;
	}
	uint64_t v;
	if (pc_parse_size(value, &v) < 0 || v == 0)
		return key_error(p, key, "'%s' is not a size (like 4G, 512M, 1048576) or auto",
				 value);
	s->device_size = v;
	return 0;
}

static int set_expect(struct parser *p, struct settings *s, const char *key,
		      const char *value)
{
	enum pc_mode m;
	if (mode_lookup(key + strlen("expect_"), &m) < 0)
		return key_error(p, key, "unknown key");
	int i = name_index(expect_names, 3, value);
	if (i < 0)
		return key_error(p, key, "'%s' is not one of intact, loss, any", value);
	s->expect[m] = (enum pc_expect)i;
	return 0;
}

static int set_mkfs_opts(struct parser *p, struct settings *s, const char *key,
			 const char *value)
{
	(void)p;
	(void)key;
	s->mkfs_opts = xstrdup(value);
	return 0;
}

static int set_mount_opts(struct parser *p, struct settings *s, const char *key,
			  const char *value)
{
	(void)p;
	(void)key;
	s->mount_opts = xstrdup(value);
	return 0;
}

static int set_backend(struct parser *p, struct settings *s, const char *key,
		       const char *value)
{
	if (name_index(backend_names, 3, value) < 0)
		return key_error(p, key, "'%s' is not one of fuse, dm, auto", value);
	s->backend = xstrdup(value);
	return 0;
}

static int set_cut(struct parser *p, struct settings *s, const char *key,
		   const char *value)
{
	if (!strcmp(value, "drop"))
		s->cut = PC_FLAKEY_DROP;
	else if (!strcmp(value, "error"))
		s->cut = PC_FLAKEY_ERROR;
	else
		return key_error(p, key, "'%s' is not one of drop, error", value);
	return 0;
}

static int set_layout(struct parser *p, struct settings *s, const char *key,
		      const char *value)
{
	int i = name_index(layout_names, 2, value);
	if (i < 0)
		return key_error(p, key, "'%s' is not one of flat, snapshots", value);
	s->layout = (enum pc_layout)i;
	return 0;
}

static int set_write_cache(struct parser *p, struct settings *s, const char *key,
			   const char *value)
{
	if (!strcmp(value, "durable"))
		s->volatile_cache = 0;
	else if (!strcmp(value, "volatile"))
		s->volatile_cache = 1;
	else
		return key_error(p, key, "'%s' is not one of durable, volatile", value);
	return 0;
}

static int set_crash_points(struct parser *p, struct settings *s, const char *key,
			    const char *value)
{
	return parse_count(p, key, value, 0, 1000, &s->crash_points);
}

static int set_crash_subsets(struct parser *p, struct settings *s, const char *key,
			     const char *value)
{
	return parse_count(p, key, value, 0, 100, &s->crash_subsets);
}

static int set_description(struct parser *p, struct settings *s, const char *key,
			   const char *value)
{
	(void)p;
	(void)s;
	(void)key;
	(void)value;
	return 0;
}

static const struct key_def {
	const char *name;
	unsigned bit;
	int (*set)(struct parser *p, struct settings *s, const char *key,
		   const char *value);
} keys[] = {
	{ "image", K_IMAGE, set_images },
	{ "fs", K_FS, set_fs },
	{ "mkfs_opts", K_MKFS_OPTS, set_mkfs_opts },
	{ "mount_opts", K_MOUNT_OPTS, set_mount_opts },
	{ "modes", K_MODES, set_modes },
	{ "backend", K_BACKEND, set_backend },
	{ "device_size", K_DEVICE_SIZE, set_device_size },
	{ "repeat", K_REPEAT, set_repeat },
	{ "expect_none", K_EXPECT_NONE, set_expect },
	{ "expect_syncfs", K_EXPECT_SYNCFS, set_expect },
	{ "expect_fsync", K_EXPECT_FSYNC, set_expect },
	{ "cut", K_CUT, set_cut },
	{ "description", K_DESCRIPTION, set_description },
	{ "layout", K_LAYOUT, set_layout },
	{ "write_cache", K_WRITE_CACHE, set_write_cache },
	{ "crash_points", K_CRASH_POINTS, set_crash_points },
	{ "crash_subsets", K_CRASH_SUBSETS, set_crash_subsets },
};

static unsigned bit_index(unsigned bit)
{
	return (unsigned)__builtin_ctz(bit);
}

/* ---- libinih callbacks ----------------------------------------------- */

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
	struct settings *s = &p->sections[p->nsections - 1];
	const struct key_def *def = NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, key))
			def = &keys[i];
	if (!def) {
		key_error(p, key, "unknown key (the keys are listed in powercut(1), SCENARIO FILES)");
		return 0;
	}
	unsigned idx = bit_index(def->bit);
	/* A key given twice in one section is a mistake, not an override. */
	if (s->set & def->bit) {
		key_error(p, key, "set twice in [%s] (first on line %u)", s->name, s->key_line[idx]);
		return 0;
	}
	if (def->set(p, s, key, value) < 0)
		return 0;
	s->set |= def->bit;
	s->key_line[idx] = p->lineno;
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
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return 0;
	const char *end = strchr(line + 1, ']');
	if (!end)
		return 0;
	char *name = xstrndup(line + 1, (size_t)(end - line - 1));
	if (!valid_group_name(name)) {
		key_error(p, NULL, "section name [%s] must be 1 to %d letters, digits, '.', '_' or '-'",
			  name, MAX_GROUP_NAME);
		free(name);
		return -1;
	}
	for (size_t i = 0; i < p->nsections; i++) {
		if (!strcmp(p->sections[i].name, name)) {
			key_error(p, NULL, "section [%s] appears twice (first on line %u)",
				  name, p->sections[i].line);
			free(name);
			return -1;
		}
	}
	p->sections = xrealloc(p->sections, (p->nsections + 1) * sizeof(*p->sections));
	struct settings *s = &p->sections[p->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->line = p->lineno;
	return 0;
}

/* An fgets-like reader for ini_parse_stream: one physical line per call,
 * counted, so that the handler knows the line it is called for. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	if (p->failed)
		return NULL;
	errno = 0;
	ssize_t n = getline(&p->buf, &p->bufcap, p->f);
	if (n < 0) {
		if (ferror(p->f)) {
			p->lineno++;
			key_error(p, NULL, "read failed: %s", strerror(errno ? errno : EIO));
		}
		return NULL;
	}
	p->lineno++;
	if (n > num - 1) {
		/* fgets would split it, and inih would parse the pieces. */
		key_error(p, NULL, "line longer than %d characters", num - 2);
		return NULL;
	}
	memcpy(str, p->buf, (size_t)n + 1);
	if (note_section(p, str) < 0)
		return NULL;
	return str;
}

/* ---- groups and cases ------------------------------------------------ */

static void settings_free(struct settings *s)
{
	free(s->name);
	pc_strv_free(s->images);
	pc_strv_free(s->fs);
	free(s->mkfs_opts);
	free(s->mount_opts);
	free(s->backend);
}

/* The value of a group: its own if set, else [global]'s if set. */
static const struct settings *pick(const struct settings *g,
				   const struct settings *global, unsigned bit)
{
	if (g->set & bit)
		return g;
	if (global && (global->set & bit))
		return global;
	return NULL;
}

static char **strv_dup(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void add_case(struct pc_scenario *sc, struct pc_case *c)
{
	sc->cases = xrealloc(sc->cases, (sc->ncases + 1) * sizeof(*sc->cases));
	sc->cases[sc->ncases++] = *c;
}

/* Expand group G (NAME is its name in case ids) into cases. */
static int expand_group(struct parser *p, const struct settings *g,
			const struct settings *global, const char *name,
			struct pc_scenario *sc)
{
	static const struct { unsigned bit; const char *key; } required[] = {
		{ K_IMAGE, "image" }, { K_FS, "fs" }, { K_MODES, "modes" },
	};
	for (size_t i = 0; i < 3; i++)
		if (!pick(g, global, required[i].bit)) {
			p->failed = 1;
			return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: %s: not set; set it in the group or in [global]",
				       p->path, g->line, g->name, required[i].key);
		}
	const struct settings *img = pick(g, global, K_IMAGE);
	const struct settings *fs = pick(g, global, K_FS);
	const struct settings *modes = pick(g, global, K_MODES);
	const struct settings *s;
	const char *mkfs_opts = (s = pick(g, global, K_MKFS_OPTS)) ? s->mkfs_opts : "";
	const char *mount_opts = (s = pick(g, global, K_MOUNT_OPTS)) ? s->mount_opts : "";
	const char *backend = (s = pick(g, global, K_BACKEND)) ? s->backend : "auto";
	uint64_t device_size = (s = pick(g, global, K_DEVICE_SIZE)) ? s->device_size : 0;
	unsigned repeats = (s = pick(g, global, K_REPEAT)) ? s->repeat : 1;
	enum pc_flakey_mode cut = (s = pick(g, global, K_CUT)) ? s->cut : PC_FLAKEY_DROP;
	enum pc_layout layout = (s = pick(g, global, K_LAYOUT)) ? s->layout : PC_LAYOUT_FLAT;
	int volatile_cache = (s = pick(g, global, K_WRITE_CACHE)) ? s->volatile_cache : 0;
	unsigned crash_points = (s = pick(g, global, K_CRASH_POINTS)) ? s->crash_points : 0;
	unsigned crash_subsets = (s = pick(g, global, K_CRASH_SUBSETS)) ? s->crash_subsets : 0;
	if (crash_subsets && !crash_points) {
		p->failed = 1;
		return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: crash_subsets needs crash_points",
			       p->path, g->line, g->name);
	}
	if (crash_points && layout == PC_LAYOUT_SNAPSHOTS) {
		p->failed = 1;
		return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: crash_points works with layout = flat only",
			       p->path, g->line, g->name);
	}
	if (volatile_cache || crash_points) {
		/* Only the fuse device models a write cache and logs writes;
		 * auto must not pick dm. */
		if (!strcmp(backend, "dm")) {
			p->failed = 1;
			return pc_fail(PC_ERR_INPUT, "%s:%u: [%s]: %s needs backend = fuse "
				       "(dm-flakey has no write cache and no write log)",
				       p->path, g->line, g->name,
				       volatile_cache ? "write_cache = volatile" : "crash_points");
		}
		backend = "fuse";
	}
	enum pc_expect expect[PC_MODE_COUNT];
	for (int m = 0; m < PC_MODE_COUNT; m++) {
		/* expect_<mode> bits follow the order of enum pc_mode. */
		s = pick(g, global, K_EXPECT_NONE << m);
		expect[m] = s ? s->expect[m] : m == PC_MODE_NONE ? PC_EXPECT_ANY : PC_EXPECT_INTACT;
	}

	for (size_t f = 0; f < fs->nfs; f++)
		for (size_t m = 0; m < modes->nmodes; m++)
			for (unsigned r = 1; r <= repeats; r++) {
				enum pc_mode mode = modes->modes[m];
				struct pc_case c = {
					.group = xstrdup(name),
					.fs = xstrdup(fs->fs[f]),
					.mkfs_opts = xstrdup(mkfs_opts),
					.mount_opts = xstrdup(mount_opts),
					.backend = xstrdup(backend),
					.mode = mode,
					.expect = expect[mode],
					.cut = cut,
					.repeat = r,
					.repeats = repeats,
					.images = strv_dup(img->images, img->nimages),
					.nimages = img->nimages,
					.device_size = device_size,
					.layout = layout,
					.volatile_cache = volatile_cache,
					.crash_points = crash_points,
					.crash_subsets = crash_subsets,
				};
				c.id = repeats > 1
					? xasprintf("%s/%s/%s/r%u", name, fs->fs[f], pc_mode_name(mode), r)
					: xasprintf("%s/%s/%s", name, fs->fs[f], pc_mode_name(mode));
				add_case(sc, &c);
			}
	return 0;
}

static int expand(struct parser *p, struct pc_scenario *sc)
{
	const struct settings *global = NULL;
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
		return expand_group(p, global, NULL, "default", sc);
	for (size_t i = 0; i < p->nsections; i++) {
		const struct settings *g = &p->sections[i];
		if (g != global && expand_group(p, g, global, g->name, sc) < 0)
			return -1;
	}
	return 0;
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

static int parse_file(struct parser *p)
{
	char *abs = realpath(p->path, NULL);
	if (!abs)
		return pc_fail_errno(PC_ERR_INPUT, errno, "scenario %s", p->path);
	char *slash = strrchr(abs, '/');
	p->dir = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
	free(abs);
	p->f = fopen(p->path, "re");
	if (!p->f)
		return pc_fail_errno(PC_ERR_INPUT, errno, "open scenario %s", p->path);

	/* Process-wide libinih settings (Debian's build reads them at run
	 * time): a heap line buffer of our size, as the reader enforces; no
	 * continuation lines, so an indented key is a key; stop at the first
	 * error so that the message printed is the first one. */
	ini_use_stack = false;
	ini_initial_alloc = MAX_LINE;
	ini_max_line = MAX_LINE;
	ini_allow_realloc = false;
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;

	int rc = ini_parse_stream(read_line, p, handler, p);
	fclose(p->f);
	p->f = NULL;
	if (p->failed)
		return -1;
	if (rc == -2)
		return pc_fail(PC_ERR_RUN, "%s: out of memory parsing", p->path);
	if (rc != 0) {
		p->lineno = (unsigned)rc;
		return key_error(p, NULL, "syntax error: expected [section], key = value or a ; comment");
	}
	return 0;
}

int pc_scenario_load(const char *path, struct pc_scenario *sc)
{
	struct parser p = { .path = path };
	memset(sc, 0, sizeof(*sc));
	int rc = parse_file(&p);
	if (rc == 0) {
		sc->path = xstrdup(path);
		sc->name = scenario_name(path);
		rc = expand(&p, sc);
	}
	for (size_t i = 0; i < p.nsections; i++)
		settings_free(&p.sections[i]);
	free(p.sections);
	free(p.buf);
	free(p.dir);
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
	pc_strv_free(c->images);
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
	free(sc->path);
	free(sc->name);
	memset(sc, 0, sizeof(*sc));
}
