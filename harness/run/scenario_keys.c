/* scenario_keys.c - the scenario key table and its generic setters; see
 * scenario_keys.h.
 *
 * Adding a key:
 *   1. a field in struct pc_settings (scenario.h);
 *   2. one row in `keys` below: name, type, offsetof the field, allowed
 *      values from the owning module's name function (never retyped here),
 *      limits, default as it would be written in a file, help;
 *   3. its consumer reads case->settings->FIELD;
 *   4. its entry in powercut.1 (SCENARIO FILES) and scenarios/README.md
 *      (test_scenario.c fails until both list it).
 * A type this table lacks is one setter in `setters` plus its help text in
 * describe_values.
 */
#include "run/scenario_keys.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "device/backend.h"
#include "fs/durability.h"
#include "fs/fs.h"
#include "image/image.h"
#include "util/escape.h"
#include "util/size.h"
#include "util/strbuf.h"
#include "util/util.h"
#include "workload/fio_job.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define TIB (1024ULL * 1024ULL * MIB)

/* ---- allowed values, from their owners ------------------------------- */

static const char *mode_choice(unsigned i)
{
	return i < PC_MODE_COUNT ? pc_mode_name((enum pc_mode)i) : NULL;
}

static const char *expect_choice(unsigned i)
{
	return i <= PC_EXPECT_ANY ? pc_expect_name((enum pc_expect)i) : NULL;
}

static const char *layout_choice(unsigned i)
{
	return i <= PC_LAYOUT_SNAPSHOTS ? pc_layout_name((enum pc_layout)i) : NULL;
}

static const char *cut_choice(unsigned i)
{
	return i <= PC_FLAKEY_ERROR ? pc_flakey_mode_name((enum pc_flakey_mode)i) : NULL;
}

/* expect (one value for every mode): index 0 is "not set" (refused as a
 * value: min = 1), 1 + enum pc_expect otherwise. */
static const char *expect_all_choice(unsigned i)
{
	return i == 0 ? "-" : expect_choice(i - 1);
}

static const char *probe_choice(unsigned i)
{
	static const char *const names[] = { "no", "yes" };
	return i < 2 ? names[i] : NULL;
}

static const char *write_cache_choice(unsigned i)
{
	static const char *const names[] = {
		[PC_WRITE_CACHE_DURABLE] = "durable",
		[PC_WRITE_CACHE_VOLATILE] = "volatile",
	};
	return i < sizeof(names) / sizeof(names[0]) ? names[i] : NULL;
}

/* A mode that promises durability must keep the tree; one that does not
 * may lose it. */
static const char *expect_default(unsigned mode)
{
	return pc_mode_promises_durability((enum pc_mode)mode) ? "intact" : "any";
}

/* Resolve an image spec against the scenario's folder and make it absolute,
 * by image.c's one rule for specs (pc_image_spec_parse): what it names must
 * exist and be a regular file or a folder. */
static char *resolve_image(const char *dir, const char *spec, char *why, size_t len)
{
	char *msg = NULL;
	char *abs = pc_image_spec_absolute(spec, dir, &msg);
	if (!abs)
		snprintf(why, len, "%s", msg);
	free(msg);
	return abs;
}

/* FILE (relative to the scenario's folder DIR) as an absolute path, if it
 * is a regular file; else NULL, and why in WHY ("WHAT PATH: ..."). */
static char *regular_file_in(const char *dir, const char *file, const char *what, char *why,
			     size_t len)
{
	char *abs = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
	struct stat st;
	int bad = stat(abs, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : -1;
	if (!bad)
		return abs;
	pc_why(why, len, "%s %s: %s", what, abs, bad > 0 ? strerror(bad) : "not a regular file");
	free(abs);
	return NULL;
}

/* A known-failures file: absolute, and a regular file (read when the run
 * starts, known.h). */
static char *resolve_known(const char *dir, const char *word, char *why, size_t len)
{
	return regular_file_in(dir, word, "known-failures file", why, len);
}

/* workload: image, or fio and a job file that exists as a regular file
 * (the group that runs it reads and checks it whole: fio_job.h). */
static int check_workload(const char *value, const char *dir, char *why, size_t len)
{
	char *file;
	int fio = pc_fio_workload_file(value, &file, why, len);
	if (fio <= 0)
		return fio;
	char *abs = regular_file_in(dir, file, "fio job file", why, len);
	int found = abs != NULL;
	free(abs);
	free(file);
	return found ? 0 : -1;
}

/* cut_at as documented: end, or digits with an optional fraction ("2.5")
 * followed by s or %, in range.  pc_cut_at_parse reads the number with
 * strtod, which also takes 0x10, 0x1p4, 1e3 and 1e-300. */
static int check_cut_at(const char *value, const char *dir, char *why, size_t len)
{
	(void)dir;
	struct pc_cut_at at;
	size_t n = pc_decimal_prefix(value);
	int plain = !strcmp(value, "end") ||
		    (n && (value[n] == 's' || value[n] == '%') && value[n + 1] == '\0');
	if (plain && pc_cut_at_parse(value, &at) == 0)
		return 0;
	return pc_why(why, len, "'%s' is not end, Ns (seconds, e.g. 3s or 2.5s, at most 86400) "
		      "or P%% (0 < P < 100, e.g. 50%% or 12.5%%): a plain decimal number", value);
}

/* ---- the table -------------------------------------------------------- */

#define FIELD(f) offsetof(struct pc_settings, f)
/* A number macro as the text of a default. */
#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

static const struct pc_key keys[] = {
	{ .name = "image", .type = PC_KEY_PATHS, .offset = FIELD(images),
	  .count_offset = FIELD(nimages), .resolve = resolve_image,
	  .flags = PC_KEY_NOT_SETTINGS | PC_KEY_REQUIRED | PC_KEY_IMAGE_ONLY,
	  .meta = "SPEC ...",
	  .help = "The image: layer archives applied in order (layer:FILE forces a "
		  "layer), an OCI layout or skopeo dir: folder (FOLDER[:TAG]), or an "
		  "oci-archive or docker-archive / docker-save tar (FILE[:TAG]); relative to "
		  "the scenario's folder; each must be a regular file or folder; quote a path "
		  "holding blanks or commas ('my image.tar' or \"my image.tar\")" },
	{ .name = "fs", .type = PC_KEY_ENUM_LIST, .offset = FIELD(fs), .choice = pc_fs_name,
	  .flags = PC_KEY_NOT_SETTINGS | PC_KEY_REQUIRED, .help = "The filesystems to test" },
	{ .name = "modes", .type = PC_KEY_ENUM_LIST, .offset = FIELD(modes), .choice = mode_choice,
	  .flags = PC_KEY_NOT_SETTINGS | PC_KEY_REQUIRED | PC_KEY_IMAGE_ONLY,
	  .help = "Durability modes applied after the unpack: none, one syncfs(2), fsync(2) "
		  "of every file and folder (fsync; by 64 threads: pfsync), fdatasync(2) of "
		  "files and fsync(2) of folders (fdatasync), sync_file_range(2) then pfsync "
		  "(sfr), or fsync(2) of each file as the unpack writes it, then pfsync (ofsync)" },
	{ .name = "mkfs_opts", .type = PC_KEY_ALTERNATIVES, .offset = FIELD(mkfs_opts), .def = "",
	  .meta = "OPTIONS [| OPTIONS ...]",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Extra arguments for mkfs.FS, split on white space ('...' and \"...\" quote) "
		  "and read as its getopt reads them; a word that is no option nor an option's "
		  "value, an option mkfs.FS lacks, arguments naming a file or another device and "
		  "options after which no new filesystem is on the device (-n, -V, -N, --help, "
		  "mke2fs -S, -E offset= and -O journal_dev) are refused. Alternatives "
		  "separated by | (\\| for a literal |) make a matrix: one case each; two that "
		  "differ only in blanks outside quotes are refused" },
	{ .name = "mount_opts", .type = PC_KEY_ALTERNATIVES, .offset = FIELD(mount_opts),
	  .def = "", .meta = "OPTIONS [| OPTIONS ...]",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Mount options as for mount -o, split at commas outside \"...\" as mount(8) "
		  "splits them; options naming another device (source= too), ro, errors=panic, "
		  "what mount(8) acts on itself (loop, offset=, sizelimit=, encryption=, helper=, "
		  "verity.*, remount, bind, move, propagation), ext4's sb= (fsck would fail every case), options that skip the "
		  "journal's replay (norecovery, noload, nologreplay), btrfs's rescue options "
		  "(rescue=, usebackuproot) and clear_cache (they would hide damage after the "
		  "cut), ext4's abort and the ext2/ext3 options it ignores (oldalloc, "
		  "reservation, noreservation, check=, nocheck, journal=) and an "
		  "option holding a blank, or a quote before its '=', are refused. An option "
		  "the kernel accepts and does not apply (as /proc/self/mountinfo shows after the "
		  "first mount) makes the case an error. "
		  "Alternatives separated by | (\\| for a literal |) make a matrix: one case "
		  "each; two that differ only in blanks outside quotes are refused" },
	{ .name = "backend", .type = PC_KEY_ENUM, .offset = FIELD(backend),
	  .choice = pc_backend_choice, .def = "auto",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "The flakey device; auto picks dm where device-mapper works, else fuse" },
	{ .name = "device_size", .type = PC_KEY_SIZE, .offset = FIELD(device_size),
	  .min = MIB, .max = 1024 * TIB, .step = 512, .special = "auto", .def = "auto",
	  .help = "The device's size; auto: twice the image's bytes and 8 KiB per entry "
		  "(2 x (bytes + 8 KiB x entries)) plus 256 MiB, at least 512 MiB; with "
		  "workload = fio, twice what the jobs' files take (offset plus filesize, or size "
		  "over the files, each) plus 256 MiB; a job file that does not tell it (size=50%) "
		  "needs device_size; an ext4 under 2048 blocks (2 MiB, or 8 MiB with "
		  "-b 4096) mke2fs makes without a journal: an error unless mkfs_opts = -O "
		  "^has_journal" },
	{ .name = "log_size", .type = PC_KEY_SIZE, .offset = FIELD(log_size),
	  .min = MIB, .max = 1024 * TIB, .step = 512, .special = "auto", .def = "auto",
	  .help = "backend = dm with crash_points: the size of dm-log-writes' log device; "
		  "auto: twice the device plus 64 MiB (sparse). A log that fills up is an error" },
	{ .name = "repeat", .type = PC_KEY_COUNT, .offset = FIELD(repeat), .min = 1, .max = 100000,
	  .def = "1", .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Run each case N times (ids end in /r1, /r2, ...)" },
	{ .name = "expect", .type = PC_KEY_ENUM, .offset = FIELD(expect), .choice = expect_choice,
	  .def_for = expect_default, .flags = PC_KEY_NOT_SETTINGS | PC_KEY_PER_MODE,
	  .help = "What a case of that mode must show after the cut: no entry lost or extra "
		  "(intact), at least one lost (loss), or either (any)" },
	{ .name = "cut", .type = PC_KEY_ENUM, .offset = FIELD(cut), .choice = cut_choice,
	  .min = PC_FLAKEY_DROP, .def = "drop",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "What the device does with writes after the cut: discard them (a power "
		  "failure) or fail them with EIO (a dying disk)" },
	{ .name = "write_cache", .type = PC_KEY_ENUM, .offset = FIELD(write_cache),
	  .choice = write_cache_choice, .def = "durable",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Volatile: writes never flushed are lost at the cut (fuse backend only)" },
	{ .name = "crash_points", .type = PC_KEY_COUNT, .offset = FIELD(crash_points),
	  .min = 0, .max = 1000, .def = "0",
	  .help = "Also check the device as it was right after N flushes of the workload "
		  "(layout = flat, workload = image; from the fuse device's write log, or "
		  "dm-log-writes' with backend = dm)" },
	{ .name = "crash_subsets", .type = PC_KEY_COUNT, .offset = FIELD(crash_subsets),
	  .min = 0, .max = 100, .def = "0",
	  .help = "With crash_points: N more states past each point, a random half of the "
		  "next epoch's writes landed" },
	{ .name = "layout", .type = PC_KEY_ENUM, .offset = FIELD(layout), .choice = layout_choice,
	  .def = "flat",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "One tree with whiteouts applied (flat) or containerd's overlayfs "
		  "snapshotter layout, one folder per layer (snapshots)" },
	{ .name = "retries", .type = PC_KEY_COUNT, .offset = FIELD(retries),
	  .min = 0, .max = 100, .def = "0",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Run a failing case again up to N times; one that fails, then passes is "
		  "flaky (run --retries overrides)" },
	{ .name = "known", .type = PC_KEY_PATHS, .offset = FIELD(known),
	  .count_offset = FIELD(nknown), .resolve = resolve_known, .meta = "FILE ...",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Known-failures files (PATTERN [fails=KIND,...] [kernel<X.Y] # reason per line; "
		  "without fails= an entry covers a loss only), relative to "
		  "the scenario's folder (quoted when they hold blanks or commas), for the "
		  "group's cases: a matching failure is known, a matching pass an unexpected "
		  "pass" },
	{ .name = "description", .type = PC_KEY_TEXT, .offset = FIELD(description),
	  .meta = "TEXT", .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Free text, ignored" },
	{ .name = "workload", .type = PC_KEY_TEXT, .offset = FIELD(workload), .def = "image",
	  .meta = "image | fio FILE", .check = check_workload,
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "What the case writes: the image, or the fio job file FILE (relative to the "
		  "scenario's folder; quote a path holding blanks or commas, 'my job.fio' or "
		  "\"my job.fio\"), checked when the scenario is read; image and modes are "
		  "then not needed (modes defaults to none)" },
	{ .name = "cut_at", .type = PC_KEY_TEXT, .offset = FIELD(cut_at), .def = "end",
	  .meta = "end | Ns | P%", .check = check_cut_at,
	  .help = "workload = fio: cut after the job, its durability mode and commit record "
		  "(end), N seconds after fio started, or once fio has written P% of its jobs' "
		  "bytes" },
	{ .name = "expect", .type = PC_KEY_ENUM, .offset = FIELD(expect_all),
	  .choice = expect_all_choice, .min = 1,
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "expect_MODE for every mode at once; an expect_MODE in the same section, "
		  "or any expect key in the group over [global], wins" },
	{ .name = "probe", .type = PC_KEY_ENUM, .offset = FIELD(probe), .choice = probe_choice,
	  .def = "no",
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Measure the device first with a short fio job (results.json device)" },
	{ .name = "tool_timeout", .type = PC_KEY_COUNT, .offset = FIELD(tool_timeout),
	  .min = 0, .max = PC_MAX_TOOL_TIMEOUT, .def = TEXT_OF(PC_TOOL_TIMEOUT_DEFAULT),
	  /* how long to wait, not what is tested */
	  .flags = PC_KEY_NOT_SETTINGS,
	  .help = "Seconds one run of an external tool (mkfs, fsck, fio's write or verify "
		  "pass) may take; one still running is killed and its case is an error "
		  "(exit 3); 0: no limit (run --tool-timeout overrides)" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* ---- slots ------------------------------------------------------------ */

static unsigned width(const struct pc_key *k)
{
	return k->flags & PC_KEY_PER_MODE ? PC_MODE_COUNT : 1;
}

size_t pc_key_nslots(void)
{
	size_t n = 0;
	for (size_t r = 0; r < NKEYS; r++)
		n += width(&keys[r]);
	return n;
}

const struct pc_key *pc_key_slot(size_t i, unsigned *mode, char *name, size_t len)
{
	for (size_t r = 0; r < NKEYS; r++) {
		const struct pc_key *k = &keys[r];
		if (i >= width(k)) {
			i -= width(k);
			continue;
		}
		*mode = (unsigned)i;
		if (k->flags & PC_KEY_PER_MODE)
			snprintf(name, len, "%s_%s", k->name, pc_mode_name((enum pc_mode)i));
		else
			snprintf(name, len, "%s", k->name);
		return k;
	}
	return NULL;
}

/* Without formatting each slot's name: it runs for every key of every
 * group, and a scenario may hold 100,000 groups. */
long pc_key_lookup(const char *name)
{
	size_t slot = 0;
	for (size_t r = 0; r < NKEYS; slot += width(&keys[r]), r++) {
		const struct pc_key *k = &keys[r];
		size_t n = strlen(k->name);
		if (!(k->flags & PC_KEY_PER_MODE)) {
			if (!strcmp(name, k->name))
				return (long)slot;
			continue;
		}
		if (strncmp(name, k->name, n) || name[n] != '_')
			continue;
		for (unsigned m = 0; m < PC_MODE_COUNT; m++)
			if (!strcmp(name + n + 1, pc_mode_name((enum pc_mode)m)))
				return (long)(slot + m);
	}
	return -1;
}

const char *pc_key_default(size_t i)
{
	char buf[64];
	unsigned mode;
	const struct pc_key *k = pc_key_slot(i, &mode, buf, sizeof(buf));
	if (!k)
		return NULL;
	return k->def_for ? k->def_for(mode) : k->def;
}

const char *pc_scenario_key_name(size_t i, char *buf, size_t len)
{
	unsigned mode;
	return pc_key_slot(i, &mode, buf, len) ? buf : NULL;
}

/* ---- value descriptions (help and errors) ----------------------------- */

static unsigned choice_first(const struct pc_key *k)
{
	return (unsigned)k->min;
}

static int choice_in_range(const struct pc_key *k, unsigned i)
{
	return i >= k->min && (!k->max || i <= k->max) && k->choice(i);
}

/* "a, b, c" (SEP ", ") or "a | b | c" (SEP " | "). */
static void choices(const struct pc_key *k, const char *sep, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = choice_first(k); choice_in_range(k, i); i++)
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
					 used ? sep : "", k->choice(i));
}

/* How a value of K is written: "fuse | dm | auto", "N (1 to 100000)". */
static void describe_values(const struct pc_key *k, char *out, size_t len)
{
	char list[256], lo[32], hi[32];
	switch (k->type) {
	case PC_KEY_TEXT:
	case PC_KEY_PATHS:
	case PC_KEY_ALTERNATIVES:
		snprintf(out, len, "%s", k->meta);
		break;
	case PC_KEY_ENUM:
		choices(k, " | ", out, len);
		break;
	case PC_KEY_ENUM_LIST:
		choices(k, ", ", list, sizeof(list));
		snprintf(out, len, "LIST of %s", list);
		break;
	case PC_KEY_SIZE:
		pc_size_text(k->min, lo, sizeof(lo));
		pc_size_text(k->max, hi, sizeof(hi));
		snprintf(out, len, "SIZE (%s to %s, a multiple of %llu; K, M, G, T: powers of 1024)%s%s",
			 lo, hi, k->step, k->special ? " | " : "", k->special ? k->special : "");
		break;
	case PC_KEY_COUNT:
		snprintf(out, len, "N (%llu to %llu)", k->min, k->max);
		break;
	}
}

/* ---- generic setters -------------------------------------------------- */

static void *field(const struct pc_key *k, unsigned mode, struct pc_settings *s)
{
	char *base = (char *)s + k->offset;
	if (k->flags & PC_KEY_PER_MODE)
		base += mode * sizeof(unsigned);
	return base;
}

struct set_args {
	const struct pc_key *k;
	struct pc_settings *s;
	void *field;
	const char *value;
	const char *dir;
	char *why;
	size_t whylen;
};

static int set_text(const struct set_args *a)
{
	if (a->k->check && a->k->check(a->value, a->dir, a->why, a->whylen) < 0)
		return -1;
	char **f = a->field;
	free(*f);
	*f = xstrdup(a->value);
	return 0;
}

static int set_alternatives(const struct set_args *a)
{
	return pc_alternatives_parse(a->value, a->field, a->why, a->whylen);
}

static int set_paths(const struct set_args *a)
{
	size_t n;
	/* Quotes keep a path with blanks or commas whole. */
	char **words = pc_split_list(a->value, &n);
	if (!words)
		return pc_why(a->why, a->whylen, "unterminated quote (a path with blanks or commas "
			      "is quoted as '...' or \"...\")");
	if (n == 0) {
		pc_strv_free(words);
		return pc_why(a->why, a->whylen, "empty list; expected %s", a->k->meta);
	}
	char **abs = xcalloc(n + 1, sizeof(*abs));
	for (size_t i = 0; i < n; i++) {
		abs[i] = a->k->resolve(a->dir, words[i], a->why, a->whylen);
		if (!abs[i]) {
			pc_strv_free(abs);
			pc_strv_free(words);
			return -1;
		}
	}
	pc_strv_free(words);
	char ***f = a->field;
	pc_strv_free(*f);
	*f = abs;
	*(size_t *)((char *)a->s + a->k->count_offset) = n;
	return 0;
}

static int choice_index(const struct pc_key *k, const char *s)
{
	for (unsigned i = choice_first(k); choice_in_range(k, i); i++)
		if (!strcmp(k->choice(i), s))
			return (int)i;
	return -1;
}

/* "; values are lower case: ext4" when S is a choice of K but for its
 * case (FS = EXT4), else "". */
static const char *case_hint(const struct pc_key *k, const char *s, char *out, size_t len)
{
	out[0] = '\0';
	for (unsigned i = choice_first(k); choice_in_range(k, i); i++)
		if (!strcasecmp(k->choice(i), s)) {
			snprintf(out, len, "; values are lower case: %s", k->choice(i));
			break;
		}
	return out;
}

static int set_enum(const struct set_args *a)
{
	int i = choice_index(a->k, a->value);
	if (i < 0) {
		char list[256], hint[64];
		choices(a->k, ", ", list, sizeof(list));
		return pc_why(a->why, a->whylen, "'%s' is not one of %s%s", a->value, list,
			      case_hint(a->k, a->value, hint, sizeof(hint)));
	}
	*(unsigned *)a->field = (unsigned)i;
	return 0;
}

static int set_enum_list(const struct set_args *a)
{
	char list[256];
	choices(a->k, ", ", list, sizeof(list));
	size_t n;
	char **words = pc_split_words(a->value, &n);
	struct pc_choice_list out = { 0 };
	int rc = 0;
	if (n == 0)
		rc = pc_why(a->why, a->whylen, "empty list; expected one or more of %s", list);
	for (size_t w = 0; w < n && rc == 0; w++) {
		int i = choice_index(a->k, words[w]);
		if (i < 0) {
			char hint[64];
			rc = pc_why(a->why, a->whylen, "unknown value '%s' (expected one or more of %s%s)",
				      words[w], list, case_hint(a->k, words[w], hint, sizeof(hint)));
			break;
		}
		for (unsigned j = 0; j < out.n; j++)
			if (out.v[j] == (unsigned)i)
				rc = pc_why(a->why, a->whylen, "'%s' is listed twice", words[w]);
		/* Each value once, so a list is never longer than the choices. */
		if (rc == 0 && out.n == PC_CHOICE_MAX)
			rc = pc_why(a->why, a->whylen, "more than %d values", PC_CHOICE_MAX);
		if (rc == 0)
			out.v[out.n++] = (unsigned)i;
	}
	pc_strv_free(words);
	if (rc == 0)
		*(struct pc_choice_list *)a->field = out;
	return rc;
}

static int set_size(const struct set_args *a)
{
	const struct pc_key *k = a->k;
	uint64_t v;
	if (k->special && !strcmp(a->value, k->special)) {
		*(uint64_t *)a->field = 0;
		return 0;
	}
	char lo[32], hi[32];
	pc_size_text(k->min, lo, sizeof(lo));
	pc_size_text(k->max, hi, sizeof(hi));
	if (pc_parse_size(a->value, &v) < 0 || v < k->min || v > k->max ||
	    (k->step && v % k->step))
		return pc_why(a->why, a->whylen, "'%s' is not %s%sa size from %s to %s, a multiple "
				"of %llu (K, M, G, T: powers of 1024)", a->value,
				k->special ? k->special : "", k->special ? " or " : "", lo, hi, k->step);
	*(uint64_t *)a->field = v;
	return 0;
}

static int set_count(const struct set_args *a)
{
	const struct pc_key *k = a->k;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(a->value, &end, 10);
	if (a->value[0] < '0' || a->value[0] > '9' || *end || errno || n < k->min || n > k->max)
		return pc_why(a->why, a->whylen, "'%s' is not a whole number from %llu to %llu",
				a->value, k->min, k->max);
	*(unsigned *)a->field = (unsigned)n;
	return 0;
}

static int (*const setters[])(const struct set_args *a) = {
	[PC_KEY_TEXT] = set_text,
	[PC_KEY_PATHS] = set_paths,
	[PC_KEY_ENUM] = set_enum,
	[PC_KEY_ENUM_LIST] = set_enum_list,
	[PC_KEY_SIZE] = set_size,
	[PC_KEY_COUNT] = set_count,
	[PC_KEY_ALTERNATIVES] = set_alternatives,
};

int pc_key_set(size_t i, struct pc_settings *s, const char *value, const char *dir,
	       char *why, size_t whylen)
{
	char name[64];
	unsigned mode;
	const struct pc_key *k = pc_key_slot(i, &mode, name, sizeof(name));
	if (!k)
		return pc_why(why, whylen, "unknown key");
	struct set_args a = { k, s, field(k, mode, s), value, dir, why, whylen };
	return setters[k->type](&a);
}

void pc_settings_free(struct pc_settings *s)
{
	for (size_t r = 0; r < NKEYS; r++) {
		const struct pc_key *k = &keys[r];
		void *f = (char *)s + k->offset;
		if (k->type == PC_KEY_TEXT)
			free(*(char **)f);
		else if (k->type == PC_KEY_PATHS)
			pc_strv_free(*(char ***)f);
		else if (k->type == PC_KEY_ALTERNATIVES)
			pc_alternatives_free(f);
	}
	memset(s, 0, sizeof(*s));
}

/* ---- help --------------------------------------------------------------- */

/* TEXT and a full stop, indented by 4, in lines of at most 78 columns. */
static void print_wrapped(FILE *f, const char *text)
{
	size_t col = 0;
	for (const char *w = text; *w;) {
		size_t n = strcspn(w, " ");
		if (col && col + 1 + n > 78) {
			fputc('\n', f);
			col = 0;
		}
		col += (size_t)fprintf(f, "%s%.*s", col ? " " : "    ", (int)n, w);
		w += n;
		w += strspn(w, " ");
	}
	fputs(".\n", f);
}

void pc_scenario_keys_print(FILE *f, int brief)
{
	char name[64], values[320];
	unsigned mode;
	size_t col = 0;
	for (size_t i = 0; pc_key_slot(i, &mode, name, sizeof(name)); i++) {
		if (brief) {
			if (col + strlen(name) + 1 > 72) {
				fputc('\n', f);
				col = 0;
			}
			col += (size_t)fprintf(f, "%s%s", col ? " " : "  ", name);
			continue;
		}
		const struct pc_key *k = pc_key_slot(i, &mode, name, sizeof(name));
		describe_values(k, values, sizeof(values));
		const char *def = pc_key_default(i);
		fprintf(f, "%s = %s\n", name, values);
		print_wrapped(f, k->help);
		if (k->flags & PC_KEY_REQUIRED)
			fprintf(f, "    Required%s.\n",
				k->flags & PC_KEY_IMAGE_ONLY ? ", but not with workload = fio" : "");
		else if (def)
			fprintf(f, "    Default: %s.\n", *def ? def : "none");
	}
	if (brief && col)
		fputc('\n', f);
}

/* ---- a case's settings (results.json "settings") ------------------------ */

/* Slot K's value in S as written in a file: sizes in bytes (0: the special
 * word), lists space-joined, paths by file name (each machine has its own). */
static void value_text(const struct pc_key *k, unsigned mode, const struct pc_settings *s,
		       struct pc_strbuf *b)
{
	const void *f = field(k, mode, (struct pc_settings *)s);
	switch (k->type) {
	case PC_KEY_TEXT: {
		const char *t = *(char *const *)f;
		pc_strbuf_printf(b, "%s", t ? t : "");
		break;
	}
	case PC_KEY_PATHS:
		for (char *const *p = *(char **const *)f; p && *p; p++) {
			const char *slash = strrchr(*p, '/');
			pc_strbuf_printf(b, "%s%s", p == *(char **const *)f ? "" : " ",
					 slash ? slash + 1 : *p);
		}
		break;
	case PC_KEY_ENUM: {
		const char *name = k->choice(*(const unsigned *)f);
		pc_strbuf_printf(b, "%s", name ? name : "?");
		break;
	}
	case PC_KEY_ENUM_LIST: {
		const struct pc_choice_list *l = f;
		for (unsigned i = 0; i < l->n; i++)
			pc_strbuf_printf(b, "%s%s", i ? " " : "", k->choice(l->v[i]));
		break;
	}
	case PC_KEY_SIZE: {
		uint64_t v = *(const uint64_t *)f;
		if (!v && k->special)
			pc_strbuf_printf(b, "%s", k->special);
		else
			pc_strbuf_printf(b, "%llu", (unsigned long long)v);
		break;
	}
	case PC_KEY_COUNT:
		pc_strbuf_printf(b, "%u", *(const unsigned *)f);
		break;
	case PC_KEY_ALTERNATIVES: {
		const struct pc_alternatives *a = f;
		for (size_t i = 0; i < a->n; i++)
			pc_strbuf_printf(b, "%s%s", i ? " | " : "", a->v[i]);
		break;
	}
	}
}

int pc_settings_key_known(const char *name)
{
	char buf[64];
	unsigned mode;
	const struct pc_key *k;
	for (size_t i = 0; (k = pc_key_slot(i, &mode, buf, sizeof(buf))); i++)
		if (!(k->flags & PC_KEY_NOT_SETTINGS) && !strcmp(buf, name))
			return 1;
	return 0;
}

char *pc_case_settings(const struct pc_case *c)
{
	struct pc_strbuf out = PC_STRBUF_INIT;
	char name[64];
	unsigned mode;
	const struct pc_key *k;
	for (size_t i = 0; (k = pc_key_slot(i, &mode, name, sizeof(name))); i++) {
		if (k->flags & PC_KEY_NOT_SETTINGS)
			continue;
		struct pc_strbuf v = PC_STRBUF_INIT;
		value_text(k, mode, c->settings, &v);
		char *raw = pc_strbuf_release(&v);
		char *word = pc_esc_name(raw);
		pc_strbuf_printf(&out, "%s%s=%s", out.len ? " " : "", name, word);
		free(word);
		free(raw);
	}
	return pc_strbuf_release(&out);
}
