/* fsopts.c - mkfs_opts and mount_opts read as mkfs and mount(8) read them:
 * what is refused (another device or file, no filesystem left, a panic on
 * errors, an option mount(8) acts on itself) and how mount options split
 * into MS_* flags and the filesystem's data. */
#include "fs/fsopts.h"

#include <blkid.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "util/util.h"

/* A long option of a mkfs that reads them with getopt_long (mkfs.btrfs):
 * its name, whether it takes a value, what getopt_long returns for it (its
 * short option's letter, or from 256 up for one without: two names with
 * one value are one option) and whether it makes mkfs write no filesystem
 * (--help). */
struct mkfs_long {
	const char *name;
	int has_arg;
	int val;
	int writes_nothing;
	const char *refused; /* why it is refused, or NULL */
};

/* mkfs.btrfs --shrink: it fails without --rootdir, which powercut refuses
 * (btrfs-progs 6.2, mkfs/main.c). */
#define SHRINK_WHY "mkfs.btrfs takes it only with --rootdir (a folder copied in), which " \
		   "powercut refuses, and fails without it (\"the option --shrink must be used " \
		   "with --rootdir\")"

/* A sub-option of one mkfs option that is refused, and why. */
struct mkfs_refused_sub {
	char letter;
	const char *key;
	const char *why;
};

/* How one filesystem's mkfs reads its arguments. */
struct mkfs_grammar {
	const char *type;
	/* mkfs's short option that sets the superblock's behaviour on errors
	 * (mke2fs -e), or 0 */
	char mkfs_errors_opt;
	/* mkfs's short options as its getopt string (which take an argument),
	 * those among them that name a file or folder to read or write, and
	 * its long options that do (getopt_long takes any unique prefix). */
	const char *mkfs_optstring;
	const char *mkfs_file_opts;
	const char *mkfs_file_long[2];
	/* Its short options after which no new filesystem is on the device:
	 * a dry run, the version, mke2fs -S (superblock and group descriptors
	 * only, a rescue tool: what it leaves does not mount). */
	const char *mkfs_writes_nothing;
	/* Its long options (getopt_long), NULL-named end; NULL: getopt only. */
	const struct mkfs_long *mkfs_long;
	/* Sub-options refused in an option's value ({0} ends). */
	struct mkfs_refused_sub mkfs_refused[3];
	/* Its short options whose value is text kept in the superblock and
	 * never opened (a label, mke2fs -M's last-mounted folder): a '/' in
	 * it names no file. */
	const char *mkfs_text_opts;
	/* The option that sets the filesystem's UUID (its sub-option key if
	 * it is one: mkfs.xfs -m uuid=), the one that sets its label, and the
	 * longest label the mkfs keeps (0: it refuses a longer one; mke2fs
	 * cuts it to 16 bytes with a warning). */
	char mkfs_uuid_opt;
	const char *mkfs_uuid_key;
	char mkfs_label_opt;
	size_t mkfs_label_max;
	/* Its short options whose value is a list of sub-options, NAME or
	 * NAME=VALUE separated by ',' (getsubopt): mkfs.xfs -b size=4096,
	 * mke2fs -E stride=4. */
	const char *mkfs_subopt_opts;
};

/* mkfs.btrfs's long options (btrfs-progs 6.2, mkfs/main.c). */
static const struct mkfs_long btrfs_long[] = {
	{ "byte-count", 1, 'b', 0, NULL },   { "checksum", 1, 256, 0, NULL },
	{ "csum", 1, 256, 0, NULL },         { "data", 1, 'd', 0, NULL },
	{ "features", 1, 'O', 0, NULL },     { "force", 0, 'f', 0, NULL },
	{ "help", 0, 257, 1, NULL },         { "label", 1, 'L', 0, NULL },
	{ "leafsize", 1, 'l', 0, NULL },     { "metadata", 1, 'm', 0, NULL },
	{ "mixed", 0, 'M', 0, NULL },        { "nodesize", 1, 'n', 0, NULL },
	{ "nodiscard", 0, 'K', 0, NULL },    { "quiet", 0, 'q', 0, NULL },
	{ "rootdir", 1, 'r', 0, NULL },      { "runtime-features", 1, 'R', 0, NULL },
	{ "sectorsize", 1, 's', 0, NULL },   { "shrink", 0, 258, 0, SHRINK_WHY },
	{ "uuid", 1, 'U', 0, NULL },         { "verbose", 0, 'v', 0, NULL },
	{ "version", 0, 'V', 0, NULL },      { NULL, 0, 0, 0, NULL },
};

/* The file options: mke2fs -d (a folder or tarball copied in), -l (a bad
 * blocks list), -z (an undo file); mkfs.xfs -p (a protofile), -c (a config
 * file: options=FILE); mkfs.btrfs -r / --rootdir (a folder copied in).
 * Checked against e2fsprogs 1.47.0, xfsprogs 6.1.0 and btrfs-progs 6.2. */
static const struct mkfs_grammar mkfs_grammars[] = {
	{ "ext4", 'e', "b:cd:e:g:i:jl:m:no:qr:s:t:vC:DE:FG:I:J:KL:M:N:O:R:ST:U:Vz:", "dlz", { NULL },
	  "nSV", NULL,
	  { { 'E', "offset", "mke2fs puts the filesystem that many bytes into the device, where "
	      "nothing mounts it" },
	    { 'O', "journal_dev", "mke2fs makes the device an external journal, not a filesystem, "
	      "so no case could mount it" } }, "LM", 'U', NULL, 'L', 16, "E" },
	{ "xfs", 0, "b:c:d:i:l:L:m:n:KNp:qr:s:CfV", "pc", { NULL }, "NV", NULL,
	  { { 'd', "file", "mkfs.xfs puts the data section in a regular file, and refuses that on "
	      "a block device such as the case's ('specified \"-d file\" on a block device')" },
	    { 0, NULL, NULL } }, "L", 'm', "uuid", 'L', 0, "bdilmnrs" },
	{ "btrfs", 0, "A:b:fl:n:s:m:d:L:R:O:r:U:VvMKq", "r", { "rootdir", NULL }, "V", btrfs_long,
	  { { 'O', "list-all", "mkfs.btrfs lists the features and writes nothing" },
	    { 'R', "list-all", "mkfs.btrfs lists the features and writes nothing" } }, "L", 'U',
	  NULL, 'L', 0, "" },
};

static const struct mkfs_grammar *grammar_lookup(const char *type)
{
	for (size_t i = 0; i < sizeof(mkfs_grammars) / sizeof(mkfs_grammars[0]); i++)
		if (!strcmp(mkfs_grammars[i].type, type))
			return &mkfs_grammars[i];
	return NULL;
}


/* Option keys that name another device for the filesystem to write to:
 * mkfs.xfs -l logdev= / -r rtdev=, mke2fs -J device=, and the mount options
 * logdev=, rtdev= (xfs), device= (btrfs), journal_path=, journal_dev= (ext4),
 * source= (the VFS's own key for the device to mount). */
static const char *const device_keys[] = {
	"logdev", "rtdev", "device", "journal_path", "journal_dev", "source", NULL,
};

/* mkfs sub-options that name a file: mkfs.xfs -d / -l / -r name=FILE (with
 * file=1: a regular file, created if missing, in the tool's current folder
 * when relative) and -c options=FILE (a config file). */
static const char *const mkfs_file_keys[] = { "name", "file", "options", NULL };

static int in_list(const char *const *list, const char *s, size_t len)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && !strncmp(s, list[i], len))
			return 1;
	return 0;
}

/* A scenario is untrusted input, and powercut only ever writes to the
 * case's own device: refuse an option that points mkfs or mount at another
 * device or file.  WORD is one mkfs operand or option value of filesystem
 * T (T NULL: one mount option); its pieces are split at ',' and '='.  For
 * mkfs any piece that is a path (holds '/') is refused too.  A bare name is
 * not looked up: the tool runs in an empty, read-only current folder of its
 * own (isolate.c), so it names nothing there, while looking it up in
 * powercut's current folder would make "-b 4096" or "-L results" valid or
 * not depending on where powercut was started.  0, or -1 with the reason
 * in WHY (nothing printed). */
static int check_option(const struct mkfs_grammar *t, const char *word, char *why, size_t whylen)
{
	int is_mkfs = t != NULL;
	for (const char *p = word; *p;) {
		size_t len = strcspn(p, ",=");
		char *piece = xstrndup(p, len);
		/* A sub-option's key: first in the word or after a ','. */
		int is_key = p == word || p[-1] == ',';
		int bad = (p[len] == '=' && in_list(device_keys, p, len)) ||
			  (is_mkfs && is_key && p != word && in_list(mkfs_file_keys, p, len)) ||
			  (is_mkfs && p[len] == '=' && in_list(mkfs_file_keys, p, len)) ||
			  (is_mkfs && strchr(piece, '/'));
		free(piece);
		if (bad)
			return pc_why(why, whylen, "'%s' names another device or file; "
					 "powercut writes only to the case's own device", word);
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

#define WRITES_NOTHING_WHY "after it no new %s filesystem is on the device (a dry run, a " \
			   "version or help text, or mke2fs -S's rewrite of the superblock " \
			   "alone), so the case would have nothing to test"

/* Long option NAME (up to '=' or its end) of T's mkfs as getopt_long finds
 * it: the exact name, else the one option all names it begins are (a
 * unique prefix; --csum and --checksum are one).  NULL: unknown or
 * ambiguous. */
static const struct mkfs_long *long_option(const struct mkfs_grammar *t, const char *name)
{
	size_t n = strcspn(name, "=");
	const struct mkfs_long *found = NULL;
	for (const struct mkfs_long *l = t->mkfs_long; l && l->name && n; l++) {
		if (strncmp(l->name, name, n))
			continue;
		if (strlen(l->name) == n)
			return l;
		if (found && (found->val != l->val || found->has_arg != l->has_arg))
			return NULL;
		found = l;
	}
	return found;
}

static int file_option_refused(const struct mkfs_grammar *t, const char *word, char *why, size_t len)
{
	return pc_why(why, len, "'%s' names another device or file (mkfs.%s reads or writes the "
		      "file or folder it names); powercut writes only to the case's own device",
		      word, t->type);
}

/* The first item of the sub-option list VALUE whose name is no
 * sub-option's (every one is lower-case letters, digits, '_' and '-', starting
 * with a letter): "4096" in mkfs.xfs -b 4096, which mkfs refuses ("unknown
 * option -b 4096") only when each case runs.  *N gets its length; NULL:
 * none (a ',' that ends the list, "crc=1,", mkfs takes: no item follows
 * it).  mkfs.xfs -l lazy-count=1 holds a '-'. */
static const char *bad_subopt(const char *value, size_t *n)
{
	for (const char *p = value; *p;) {
		*n = strcspn(p, ",");
		size_t k = strcspn(p, ",=");
		int ok = k > 0 && islower((unsigned char)p[0]);
		for (size_t i = 1; ok && i < k; i++)
			ok = islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) || p[i] == '_' ||
			     p[i] == '-';
		if (!ok)
			return p;
		p += *n;
		if (*p)
			p++;
	}
	return NULL;
}

/* Short option LETTER (or long option LO) of T's mkfs with VALUE (NULL if
 * it takes none), WORD the argument it came in: refused if it reads or
 * writes a file, leaves no filesystem, panics on errors, or VALUE has a
 * refused sub-option. */
static int check_mkfs_option(const struct mkfs_grammar *t, char letter, const struct mkfs_long *lo,
			     const char *value, const char *word, char *why, size_t len)
{
	if (letter == 'z') /* mke2fs's undo file; the others have no -z */
		return pc_why(why, len, "'%s': an undo file is written outside the case's device; "
			      "refused", word);
	if (letter && strchr(t->mkfs_file_opts, letter))
		return file_option_refused(t, word, why, len);
	if ((letter && strchr(t->mkfs_writes_nothing, letter)) || (lo && lo->writes_nothing))
		return pc_why(why, len, "'%s': " WRITES_NOTHING_WHY, word, t->type);
	if (lo && lo->refused)
		return pc_why(why, len, "'%s': %s", word, lo->refused);
	if (letter && letter == t->mkfs_errors_opt && value && !strcmp(value, "panic"))
		return pc_why(why, len, "'%s' (errors behaviour panic): %s", word, PC_FS_PANIC_WHY);
	size_t badlen;
	const char *bad = letter && value && strchr(t->mkfs_subopt_opts, letter)
			  ? bad_subopt(value, &badlen) : NULL;
	if (bad)
		return pc_why(why, len, "'%.*s' (-%c) is no sub-option: mkfs.%s's -%c takes a list of "
			      "NAME or NAME=VALUE separated by ',' (%s), which mkfs.%s would refuse "
			      "when each case runs", (int)badlen, bad, letter, t->type, letter,
			      letter == 'E' ? "-E stride=4" : letter == 'b' ? "-b size=4096"
			      : "-d agcount=4", t->type);
	for (const struct mkfs_refused_sub *r = t->mkfs_refused; value && r->letter; r++) {
		if (r->letter != letter)
			continue;
		for (const char *p = value; *p;) {
			size_t n = strcspn(p, ",");
			size_t k = strcspn(p, ",=");
			if (k == strlen(r->key) && !strncmp(p, r->key, k))
				return pc_why(why, len, "'%.*s' (-%c): %s", (int)n, p, letter, r->why);
			p += n;
			if (*p)
				p++;
		}
	}
	return 0;
}

/* Is V a UUID as mkfs takes it (uuid_parse: 8-4-4-4-12 hex digits)? */
static int uuid_shaped(const char *v)
{
	if (strlen(v) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? v[i] != '-' : !isxdigit((unsigned char)v[i]))
			return 0;
	}
	return 1;
}

char *pc_fs_host_tag_probe(const char *tag, const char *value)
{
	/* The kernel's btrfs registry of mounted filesystems: seen even
	 * where the host's devices cannot be opened (a container). */
	if (!strcmp(tag, "UUID") && uuid_shaped(value)) {
		char *sys = xasprintf("/sys/fs/btrfs/%s", value);
		if (access(sys, F_OK) == 0) {
			char *where = xasprintf("a mounted btrfs, %s", sys);
			free(sys);
			return where;
		}
		free(sys);
	}
	/* Every block device probed afresh, with a cache read from and
	 * written to /dev/null: the host's /run/blkid/blkid.tab is left
	 * alone, and no stale entry of it counts. */
	blkid_cache cache;
	if (blkid_get_cache(&cache, "/dev/null") < 0)
		return xstrdup("unknown: libblkid could not start, so powercut cannot tell");
	blkid_probe_all(cache);
	blkid_dev dev = blkid_find_dev_with_tag(cache, tag, value);
	char *where = dev ? xstrdup(blkid_dev_devname(dev)) : NULL;
	blkid_put_cache(cache);
	return where;
}

char *(*pc_fs_host_tag)(const char *tag, const char *value) = pc_fs_host_tag_probe;

/* TAG (UUID or LABEL) = VALUE, set by WORD of T's mkfs: refused if a block
 * device of the host carries it already. */
static int host_tag_refused(const struct mkfs_grammar *t, const char *tag, const char *value,
			    const char *word, char *why, size_t len)
{
	char *v = xstrdup(value);
	if (!strcmp(tag, "UUID")) {
		/* mke2fs -U clear|null|random|time: no UUID of the host's */
		static const char *const special[] = { "clear", "null", "random", "time", NULL };
		if (t->mkfs_uuid_opt == 'U' && in_list(special, v, strlen(v))) {
			free(v);
			return 0;
		}
		for (char *c = v; *c; c++) /* blkid shows it in lower case */
			*c = (char)tolower((unsigned char)*c);
	} else if (t->mkfs_label_max && strlen(v) > t->mkfs_label_max) {
		v[t->mkfs_label_max] = '\0'; /* mke2fs keeps the first 16 bytes */
	}
	char *where = *v ? pc_fs_host_tag(tag, v) : NULL;
	int rc = 0;
	/* the option with its value, if that is the next argument */
	char *shown = strstr(word, value) ? xstrdup(word) : xasprintf("%s %s", word, value);
	if (where)
		rc = pc_why(why, len, "'%s': a block device of this host (%s) already has %s=%s; "
			    "while a case runs its device would have it too, and what finds a "
			    "filesystem by %s (/dev/disk/by-%s, mount %s=..., fstab, the kernel's "
			    "btrfs device registry) could take the case's device for the host's "
			    "filesystem: choose another %s", shown, where, tag, v,
			    !strcmp(tag, "UUID") ? "UUID" : "label",
			    !strcmp(tag, "UUID") ? "uuid" : "label", tag,
			    !strcmp(tag, "UUID") ? "UUID" : "label");
	free(shown);
	free(where);
	free(v);
	return rc;
}

/* The UUID and label WORD (LETTER with VALUE) of T's mkfs sets, each
 * checked against the host's (host_tag_refused). */
static int check_host_tags(const struct mkfs_grammar *t, char letter, const char *value,
			   const char *word, char *why, size_t len)
{
	if (!letter || !value)
		return 0;
	if (letter == t->mkfs_label_opt)
		return host_tag_refused(t, "LABEL", value, word, why, len);
	if (letter != t->mkfs_uuid_opt)
		return 0;
	if (!t->mkfs_uuid_key)
		return host_tag_refused(t, "UUID", value, word, why, len);
	size_t klen = strlen(t->mkfs_uuid_key);
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, ",");
		if (n > klen && p[klen] == '=' && !strncmp(p, t->mkfs_uuid_key, klen)) {
			char *u = xstrndup(p + klen + 1, n - klen - 1);
			int rc = host_tag_refused(t, "UUID", u, word, why, len);
			free(u);
			if (rc < 0)
				return rc;
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* ARG, neither an option nor an option's value: getopt leaves it to mkfs
 * as an operand, which it takes for the device to format (mke2fs: then
 * powercut's device would be its blocks count; mkfs.btrfs: a second
 * device). */
static int operand_refused(const struct mkfs_grammar *t, const char *arg, int after_dashes,
			   char *why, size_t len)
{
	return pc_why(why, len, "'%s' is not an option of mkfs.%s%s: mkfs would take it for the "
		      "device to format, and powercut names the case's own device itself%s", arg,
		      t->type, after_dashes ? " (it follows '--')" : " nor an option's value",
		      arg[0] == '#' ? " ('#' starts a comment only at the start of a line; a "
				      "comment after a value is ' ; ...')" : "");
}

/* One argument ARGS[*I] of T's mkfs that begins with '-' and is not "--",
 * read as getopt(_long) reads it: bundled letters, a value joined or in
 * the next argument (*I then moves past it). */
static int check_mkfs_word(const struct mkfs_grammar *t, char **args, size_t n, size_t *i,
			   int host, char *why, size_t len)
{
	const char *w = args[*i], *value = NULL;
	char letter = 0;
	const struct mkfs_long *lo = NULL;
	int takes_value = 0;
	if (w[1] == '-') {
		/* Any prefix of a long option that names a file, ambiguous or
		 * not ("--r" is --rootdir or --runtime-features). */
		const char *name = w + 2;
		size_t k = strcspn(name, "=");
		for (size_t f = 0; k && t->mkfs_file_long[f]; f++)
			if (k <= strlen(t->mkfs_file_long[f]) && !strncmp(name, t->mkfs_file_long[f], k))
				return file_option_refused(t, w, why, len);
		lo = t->mkfs_long ? long_option(t, name) : NULL;
		if (!lo)
			return pc_why(why, len, "'%s' is not an option of mkfs.%s%s", w, t->type,
				      t->mkfs_long ? " (or is the start of more than one)"
						   : ", which takes no long options");
		letter = lo->val < 256 ? (char)lo->val : 0;
		value = name[k] == '=' ? name + k + 1 : NULL;
		takes_value = lo->has_arg && !value;
	} else {
		for (const char *c = w + 1; *c; c++) {
			const char *o = strchr(t->mkfs_optstring, *c);
			if ((!o || *c == ':') && !w[2])
				return pc_why(why, len, "'%s' is not an option of mkfs.%s", w, t->type);
			if (!o || *c == ':')
				return pc_why(why, len, "'%s': -%c is not an option of mkfs.%s", w, *c,
					      t->type);
			if (o[1] == ':') {
				letter = *c;
				value = c[1] ? c + 1 : NULL;
				takes_value = !c[1];
				break;
			}
			/* a letter without a value: checked as it comes */
			if (check_mkfs_option(t, *c, NULL, NULL, w, why, len) < 0)
				return -1;
		}
	}
	if (takes_value) {
		if (*i + 1 == n)
			return pc_why(why, len, "'%s' takes a value and is the last argument: mkfs.%s "
				      "would take the case's device for it", w, t->type);
		value = args[++*i];
	}
	int is_text = letter && strchr(t->mkfs_text_opts, letter);
	if (value && !is_text && check_option(t, value, why, len) < 0)
		return -1;
	if ((letter || lo) && check_mkfs_option(t, letter, lo, value, w, why, len) < 0)
		return -1;
	return host ? check_host_tags(t, letter, value, w, why, len) : 0;
}

static int check_mkfs_opts(const char *fstype, const char *opts, int host, char *why, size_t len)
{
	const struct mkfs_grammar *t = grammar_lookup(fstype);
	if (!t)
		return pc_why(why, len, "unsupported filesystem '%s'", fstype);
	size_t nopts = 0;
	char **extra = pc_split_args(opts ? opts : "", &nopts);
	if (!extra)
		return pc_why(why, len, "unterminated quote in '%s'", opts);
	int rc = 0, dashes = 0;
	/* Read as getopt reads it (GNU getopt takes options after operands
	 * too): an option's value is not an option ("-L -d" is the label
	 * "-d"), and "--" ends the options. */
	for (size_t i = 0; i < nopts && rc == 0; i++) {
		const char *w = extra[i];
		if (dashes || w[0] != '-' || !w[1])
			rc = check_option(t, w, why, len) < 0 ? -1
							      : operand_refused(t, w, dashes, why, len);
		else if (!strcmp(w, "--"))
			dashes = 1;
		else
			rc = check_mkfs_word(t, extra, nopts, &i, host, why, len);
		/* mke2fs -E mount_opts=errors=panic: default mount options kept
		 * in the superblock, applied at every mount. */
		if (rc == 0 && strstr(extra[i], "errors=panic"))
			rc = pc_why(why, len, "'%s': %s", extra[i], PC_FS_PANIC_WHY);
	}
	pc_strv_free(extra);
	return rc;
}

int pc_fs_check_mkfs_opts(const char *fstype, const char *opts, char *why, size_t len)
{
	return check_mkfs_opts(fstype, opts, 0, why, len);
}

int pc_fs_check_mkfs_host_tags(const char *fstype, const char *opts, char *why, size_t len)
{
	return check_mkfs_opts(fstype, opts, 1, why, len);
}

/* A mount option that panics on a filesystem error: ext4's errors=panic,
 * btrfs's fatal_errors=panic. */
static const char *panic_option(const char *data)
{
	static const char *const panics[] = { "errors=panic", "fatal_errors=panic", NULL };
	const char *found = NULL;
	for (const char *p = data; *p;) {
		size_t n = strcspn(p, ",");
		for (size_t i = 0; panics[i]; i++)
			if (strlen(panics[i]) == n && !strncmp(p, panics[i], n))
				found = panics[i];
		p += n;
		if (*p)
			p++;
	}
	return found;
}

struct mount_flag {
	const char *name;
	unsigned long set, clear;
};

/* The generic VFS options of mount(8) (util-linux's libmount maps the same
 * names to MS_* flags); everything else is passed to the filesystem as
 * data.  A small table, as libmount is not a project
 * dependency and these flags are stable kernel ABI. */
static const struct mount_flag mount_flags[] = {
	{ "ro", MS_RDONLY, 0 },          { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },      { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },        { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },      { "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },   { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },    { "noatime", MS_NOATIME, 0 },
	{ "atime", 0, MS_NOATIME },      { "nodiratime", MS_NODIRATIME, 0 },
	{ "diratime", 0, MS_NODIRATIME }, { "relatime", MS_RELATIME, 0 },
	{ "norelatime", 0, MS_RELATIME }, { "strictatime", MS_STRICTATIME, 0 },
	{ "lazytime", MS_LAZYTIME, 0 },  { "nolazytime", 0, MS_LAZYTIME },
	{ "silent", MS_SILENT, 0 },      { "loud", 0, MS_SILENT },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0 }, { "symfollow", 0, MS_NOSYMFOLLOW },
	{ "iversion", MS_I_VERSION, 0 }, { "noiversion", 0, MS_I_VERSION },
	/* kernels since 5.15 ignore mand, with a notice in the kernel log
	 * (not a fault: kmsg.c) */
	{ "mand", MS_MANDLOCK, 0 },      { "nomand", 0, MS_MANDLOCK },
	{ "nostrictatime", 0, MS_STRICTATIME },
	{ "defaults", 0, 0 },
	/* fstab's user options: as root, mount(8) (util-linux 2.38) mounts
	 * user and users nosuid,nodev,noexec, owner and group nosuid,nodev
	 * (a later exec, dev or suid wins); their no- forms do nothing. */
	{ "user", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "users", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "owner", MS_NOSUID | MS_NODEV, 0 }, { "group", MS_NOSUID | MS_NODEV, 0 },
	{ "nouser", 0, 0 },  { "nousers", 0, 0 }, { "noowner", 0, 0 }, { "nogroup", 0, 0 },
};

/* Options mount(8) keeps to itself and never hands the kernel: fstab's
 * auto, noauto, nofail, _netdev, comment=..., x-... and X-... (systemd's
 * and mount's own: X-mount.mkdir), umount's uhelper=.  Dropped as mount(8)
 * drops them, so that an fstab line copied into a scenario mounts the same
 * filesystem (else the kernel refuses them and the case errs). */
static int userspace_only(const char *o)
{
	static const char *const names[] = { "auto", "noauto", "nofail", "_netdev", NULL };
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(o, names[i]))
			return 1;
	return !strncmp(o, "x-", 2) || !strncmp(o, "X-", 2) || !strncmp(o, "comment=", 8) ||
	       !strncmp(o, "uhelper=", 8);
}

/* What mount(2) passes the filesystem of its data: a page, NUL-ended. */
#define MOUNT_DATA_MAX 4095

#define MOUNT8_WHY "; powercut mounts the case's device itself, with mount(2)"

/* Does mount option O leave the journal (log) unreplayed: norecovery (xfs,
 * ext4, btrfs), noload (ext4), nologreplay and rescue= with nologreplay or
 * all among its ':'-separated items (btrfs)?  xfs and btrfs take them only
 * read-only (Linux 6.18 and 6.1: "no-recovery mounts must be read-only",
 * "nologreplay must be used with ro mount option"); ext4 mounts a fresh
 * filesystem without its journal, then refuses a read-write mount whose
 * journal needs recovery ("required journal recovery suppressed and not
 * mounted read-only"). */
static int skips_replay(const char *o)
{
	static const char *const names[] = { "norecovery", "noload", "nologreplay", NULL };
	if (in_list(names, o, strlen(o)))
		return 1;
	if (strncmp(o, "rescue=", 7))
		return 0;
	static const char *const items[] = { "nologreplay", "all", NULL };
	for (const char *p = o + 7; *p;) {
		size_t n = strcspn(p, ":");
		if (in_list(items, p, n))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Is mount option O one of btrfs's rescue options: rescue= with any item
 * (usebackuproot, ignorebadroots, ignoredatacsums, ignoremetacsums,
 * ignoresuperflags and their short forms), or the older spellings
 * usebackuproot and recovery?  Each makes btrfs mount a filesystem it
 * would refuse (Linux 6.18, fs/btrfs/disk-io.c: with usebackuproot a
 * tree root that fails to read is replaced by an older backup root, and
 * the log tree is dropped), so the mount after the cut no longer says
 * whether the cut left a filesystem that mounts. */
static int rescue_option(const char *o)
{
	static const char *const names[] = { "usebackuproot", "recovery", NULL };
	return in_list(names, o, strlen(o)) || !strncmp(o, "rescue=", 7);
}

/* Why mount option O cannot be tested, or NULL.  Options mount(8) acts on
 * itself instead of handing them to the kernel: loop, offset=, sizelimit=,
 * encryption= set up a loop device over the source (at an offset: another
 * filesystem), helper= runs another mount program, verity.* set up
 * dm-verity.  And ext4's sb=N, a rescue option: the filesystem then runs
 * on a backup superblock and leaves the primary one stale, so e2fsck finds
 * errors after every case (Linux 6.18: a fresh filesystem mounted sb=8193,
 * one file written, unmounted cleanly: e2fsck -fn exits 4). */
static const char *mount_option_refused(const char *o)
{
	static const char *const loop[] = { "loop", "offset", "sizelimit", "encryption", NULL };
	size_t k = strcspn(o, "=");
	if (in_list(loop, o, k))
		return "mount(8) would set up a loop device over the case's device with it" MOUNT8_WHY;
	/* mount(8)'s operations on a mount (util-linux 2.38 libmount: MS_REMOUNT,
	 * MS_BIND, MS_MOVE, the propagation flags): handed to the filesystem as
	 * data, every case erred at its first mount */
	static const char *const ops[] = { "remount", "bind", "rbind", "move", "shared", "rshared",
					    "private", "rprivate", "slave", "rslave", "unbindable",
					    "runbindable", NULL };
	if (in_list(ops, o, strlen(o)))
		return "mount(8) takes it for an operation on a mount (a remount, a bind or move, "
		       "propagation), not an option of the filesystem" MOUNT8_WHY;
	if (k == 6 && !strncmp(o, "helper", 6))
		return "mount(8) would run another mount program with it" MOUNT8_WHY;
	if (!strncmp(o, "verity.", 7))
		return "mount(8) would set up dm-verity with it" MOUNT8_WHY;
	if (k == 2 && !strncmp(o, "sb=", 3))
		return "ext4 would run on that backup superblock (a rescue option) and leave the "
		       "primary one stale, so fsck finds errors in every case";
	if (skips_replay(o))
		return "the filesystem would not replay its journal after the cut, which is what a "
		       "case tests: xfs and btrfs refuse it on a read-write mount (every case would "
		       "err at its first mount), ext4 mounts without its journal and refuses the "
		       "mount after the cut when the journal needs recovery";
	if (rescue_option(o))
		return "a btrfs rescue option: it mounts what btrfs would otherwise refuse (an older "
		       "tree root without the log tree: usebackuproot; damaged roots or checksums "
		       "ignored, which Linux 6.18 takes only read-only), so after the cut it would "
		       "hide the damage the case is there to report";
	/* Linux 6.18, a fresh ext4 mounted abort: mountinfo shows abort and
	 * files are written and synced as without it (it aborts only on a
	 * remount).  The ext2/ext3 options ext4 takes and ignores ("Ignoring
	 * removed oldalloc option"; mountinfo shows nothing): oldalloc,
	 * reservation, noreservation, check=, nocheck, journal=N.  xfs and
	 * btrfs refuse them all. */
	static const char *const removed[] = { "oldalloc", "reservation", "noreservation",
						"nocheck", "check", "journal", NULL };
	if (!strcmp(o, "abort"))
		return "ext4 takes it only on a remount (a fresh mount shows it and writes as "
		       "without it) and xfs and btrfs refuse it, so no case would test it";
	if (in_list(removed, o, k))
		return "ext4 ignores it (an ext2/ext3 option it no longer has: \"Ignoring removed "
		       "... option\") and xfs and btrfs refuse it, so no case would test it";
	if (!strcmp(o, "clear_cache"))
		return "btrfs would rebuild its free space cache or tree at every mount, the one "
		       "after the cut too, so it would hide damage to it from the check after the "
		       "cut (a repair option, for one mount by hand)";
	return NULL;
}

char *pc_fs_next_mount_option(const char **p)
{
	const char *s = *p;
	if (!*s)
		return NULL;
	const char *e = s;
	for (int quoted = 0; *e && (quoted || *e != ','); e++)
		quoted ^= *e == '"';
	*p = *e ? e + 1 : e;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* Mount options into MS_* flags and the data string the filesystem gets
 * (NULL if none). */
void pc_fs_mount_opts_parse(const char *opts, unsigned long *flags, char **data)
{
	*flags = 0;
	*data = NULL;
	const char *p = opts ? opts : "";
	size_t cap = strlen(p) + 1, used = 0;
	char *d = xcalloc(1, cap);
	for (char *o; (o = pc_fs_next_mount_option(&p)); free(o)) {
		if (!*o)
			continue;
		const struct mount_flag *f = NULL;
		for (size_t i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++)
			if (!strcmp(mount_flags[i].name, o))
				f = &mount_flags[i];
		if (f) {
			*flags = (*flags & ~f->clear) | f->set;
			continue;
		}
		if (userspace_only(o))
			continue;
		used += (size_t)snprintf(d + used, cap - used, "%s%s", used ? "," : "", o);
	}
	if (used)
		*data = d;
	else
		free(d);
}

int pc_fs_check_mount_opts(const char *opts, char *why, size_t len)
{
	unsigned long flags;
	char *data;
	pc_fs_mount_opts_parse(opts, &flags, &data);
	int rc = data ? check_option(NULL, data, why, len) : 0;
	/* mount(2) copies one page of options and ends it with a NUL at its
	 * last byte: past 4095 bytes (the smallest page) the rest is dropped
	 * without a word ("...,commit=600" mounted with the default commit). */
	if (rc == 0 && data && strlen(data) > MOUNT_DATA_MAX)
		rc = pc_why(why, len, "the options for the filesystem take %zu bytes; mount(2) "
			    "passes it at most %d and drops the rest silently", strlen(data),
			    MOUNT_DATA_MAX);
	const char *p = data ? data : "";
	for (char *o; rc == 0 && (o = pc_fs_next_mount_option(&p)); free(o)) {
		const char *refused = mount_option_refused(o);
		if (refused)
			rc = pc_why(why, len, "'%s': %s", o, refused);
		/* No filesystem takes a blank in an option: an inline comment
		 * ("noatime # fast") the kernel would refuse in every case. */
		else if (strpbrk(o, " \t"))
			rc = pc_why(why, len, "'%s' holds a blank, which no mount option does ('#' "
				    "starts a comment only at the start of a line; a comment after a "
				    "value is ' ; ...')", o);
		/* mount(8) and the kernel read quotes in a value only
		 * (context="..."): around a name they are part of it. */
		else if (strcspn(o, "\"'") < strcspn(o, "="))
			rc = pc_why(why, len, "'%s': a quote before its '=' is part of the option's "
				    "name to mount(8) and the kernel (the value of mount_opts is not "
				    "quoted: mount_opts = noatime,nodev)", o);
	}
	const char *panic = rc == 0 && data ? panic_option(data) : NULL;
	if (panic)
		rc = pc_why(why, len, "'%s': %s", panic, PC_FS_PANIC_WHY);
	free(data);
	/* Every case writes (the workload, the commit record): a read-only
	 * mount can only end in an error, so it is the scenario's. */
	if (rc == 0 && (flags & MS_RDONLY))
		rc = pc_why(why, len, "'ro': every case writes to the filesystem (its workload "
			    "and the commit record); a read-only mount cannot run one");
	return rc;
}
