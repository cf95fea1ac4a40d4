/* mountcheck.c - mount_opts against the options the kernel shows for the
 * mounted filesystem (/proc/self/mountinfo): an option it accepted and did
 * not apply is found, so that no case passes for a configuration it did not
 * test.  What each filesystem shows was read on Linux 6.18 (fresh ext4,
 * xfs and btrfs, one option at a time), and again on Debian's 6.1.0-57 and
 * 6.12.117+deb12 (vm-run, loop and dm-flakey devices): every table entry
 * below shows the same on the three.  What differs is left unjudged: xfs
 * shows attr2 on 6.1 and 6.12 and not on 6.18, and ikeep once applied on
 * 6.1 and 6.12 while 6.18 takes it (deprecated) and shows nothing; btrfs
 * shows discard=async by default since 6.2 (not on 6.1), and thread_pool=
 * on 6.1 and 6.12 but not on 6.18.  Some defaults depend on how the
 * filesystem was made, not on the kernel: see ext4_shown and spellings. */
#include "fs/mountcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fsopts.h"
#include "util/size.h"
#include "util/util.h"

/* Options a filesystem shows in another spelling than the one it takes;
 * an empty SHOWN: it shows nothing for it, so it is not judged (btrfs
 * compress=no is the default). */
static const struct {
	const char *fs, *asked, *shown;
} spellings[] = {
	{ "ext4", "barrier=0", "nobarrier" },
	{ "ext4", "barrier=1", "barrier" },
	{ "ext4", "auto_da_alloc=0", "noauto_da_alloc" },
	{ "ext4", "auto_da_alloc=1", "auto_da_alloc" },
	{ "ext4", "dax", "dax=always" },
	{ "ext4", "dioread_lock", "nodioread_nolock" },
	{ "xfs", "dax", "dax=always" },
	{ "btrfs", "discard=sync", "discard" },
	{ "btrfs", "compress", "compress=zlib" },
	{ "btrfs", "compress-force", "compress-force=zlib" },
	{ "btrfs", "compress=no", "" },
	{ "btrfs", "compress=none", "" },
	/* the v1 free space cache is shown as space_cache (a filesystem
	 * made with -R ^free-space-tree; 6.1, 6.12 and 6.18 alike) */
	{ "btrfs", "space_cache=v1", "space_cache" },
};

/* Options each filesystem shows whenever it applies them (a trailing '='
 * stands for any value): one asked and not shown was not applied.  ext4's
 * nobh and bh are among them: Linux 6.18 takes them and ignores them
 * ("Ignoring removed nobh option"), as it does inlinecrypt without inline
 * encryption support ("inline encryption not supported").  Not ext4's
 * nojournal_checksum: it is shown only where journal checksums are the
 * default (metadata_csum); a filesystem made with -O ^metadata_csum or
 * ^has_journal hides it as its default, on 6.1 as on 6.18, so it is judged
 * by what undoes it (journal_checksum or journal_async_commit shown).  Nor
 * nodioread_nolock: 6.1 makes dioread_nolock the default only where the
 * block size is the page size and hides nodioread_nolock on a filesystem
 * of 1 KiB blocks (mkfs_opts -b 1024), which 6.12 and 6.18 show. */
static const char *const ext4_shown[] = {
	"nobarrier", "data=journal", "data=writeback", "nodelalloc", "noauto_da_alloc",
	"journal_async_commit", "discard", "nombcache", "noinit_itable", "noblock_validity",
	"dax=", "no_prefetch_block_bitmaps",
	"inlinecrypt", "nobh", "bh", NULL,
};
static const char *const xfs_shown[] = {
	"wsync", "inode32", "noalign", "swalloc", "largeio", "nouuid", "discard", "grpid",
	"filestreams", "logbsize=", "logbufs=", "allocsize=", "dax=always", "dax=never", NULL,
};
static const char *const btrfs_shown[] = {
	"nobarrier", "notreelog", "nodatasum", "nodatacow", "flushoncommit", "ssd", "nossd",
	"ssd_spread", "discard", "discard=async", "autodefrag", "degraded", "skip_balance",
	"noacl", "enospc_debug", "user_subvol_rm_allowed", "compress=", "compress-force=",
	"space_cache=v2", NULL,
};
static const struct {
	const char *fs;
	const char *const *opts;
} always_shown[] = { { "ext4", ext4_shown }, { "xfs", xfs_shown }, { "btrfs", btrfs_shown } };

/* Two flags that undo each other and are not X and noX. */
static const char *const opposites[][2] = { { "inode32", "inode64" } };

/* An asked flag of FS that a shown one undoes without being its opposite
 * (ext4 journal_async_commit turns journal checksums back on). */
static const struct {
	const char *fs, *asked, *shown;
} undone_by[] = { { "ext4", "nojournal_checksum", "journal_async_commit" } };

/* Options not judged: the LSM's (shown by the LSM, quoted its own way)
 * and btrfs subvol= (shown as a path from the top: subvol=x as /x). */
static int not_judged(const char *o, size_t k)
{
	static const char *const names[] = { "context", "fscontext", "defcontext", "rootcontext",
					      "seclabel", "subvol", NULL };
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == k && !strncmp(o, names[i], k))
			return 1;
	return 0;
}

/* Option O of FS as the filesystem shows it (a new string). */
static char *shown_spelling(const char *fs, const char *o)
{
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
		if (!strcmp(spellings[i].fs, fs) && !strcmp(spellings[i].asked, o))
			return xstrdup(spellings[i].shown);
	return xstrdup(o);
}

/* What O sets, so that a later option setting the same overrides it: its
 * name without a leading "no" (nodatacow and datacow), one of a pair
 * (inode32 and inode64), compress-force as compress. */
static char *setting(const char *o)
{
	size_t k = strcspn(o, "=");
	for (size_t i = 0; i < sizeof(opposites) / sizeof(opposites[0]); i++)
		for (int j = 0; j < 2; j++)
			if (strlen(opposites[i][j]) == k && !strncmp(o, opposites[i][j], k))
				return xstrdup(opposites[i][0]);
	if (k == 14 && !strncmp(o, "compress-force", 14))
		return xstrdup("compress");
	if (k > 2 && !strncmp(o, "no", 2))
		return xstrndup(o + 2, k - 2);
	return xstrndup(o, k);
}

/* Shown value S is asked value A: the same text, A with the level the
 * filesystem filled in (btrfs compress=zstd as zstd:3), or the same size
 * (xfs allocsize=1m as 1024k, logbsize=262144 as 256k). */
static int same_value(const char *a, const char *s)
{
	size_t n = strlen(a);
	if (!strcmp(a, s) || (!strncmp(a, s, n) && s[n] == ':' && !strchr(a, ':')))
		return 1;
	uint64_t x, y;
	return pc_size_parse(a, pc_size_suffixes_binary, &x) == 0 &&
	       pc_size_parse(s, pc_size_suffixes_binary, &y) == 0 && x == y;
}

/* Shown flag B of FS undoes asked flag A: X and noX, a pair of opposites,
 * or one of undone_by. */
static int opposite(const char *fs, const char *a, const char *b)
{
	for (size_t i = 0; i < sizeof(undone_by) / sizeof(undone_by[0]); i++)
		if (!strcmp(undone_by[i].fs, fs) && !strcmp(undone_by[i].asked, a) &&
		    !strcmp(undone_by[i].shown, b))
			return 1;
	if ((!strncmp(b, "no", 2) && !strcmp(b + 2, a)) || (!strncmp(a, "no", 2) && !strcmp(a + 2, b)))
		return 1;
	for (size_t i = 0; i < sizeof(opposites) / sizeof(opposites[0]); i++)
		if ((!strcmp(a, opposites[i][0]) && !strcmp(b, opposites[i][1])) ||
		    (!strcmp(a, opposites[i][1]) && !strcmp(b, opposites[i][0])))
			return 1;
	return 0;
}

/* FS shows O (as it spells it) whenever it applies it. */
static int shows_when_applied(const char *fs, const char *o)
{
	size_t k = strcspn(o, "=");
	for (size_t i = 0; i < sizeof(always_shown) / sizeof(always_shown[0]); i++) {
		if (strcmp(always_shown[i].fs, fs))
			continue;
		for (const char *const *p = always_shown[i].opts; *p; p++) {
			size_t n = strlen(*p);
			if (!strcmp(*p, o) || (n == k + 1 && (*p)[k] == '=' && !strncmp(*p, o, n)))
				return 1;
		}
	}
	return 0;
}

#define NOT_APPLIED "the kernel accepted the option and did not apply it, so the case would " \
		    "test another configuration than the one asked"

/* Asked option ASKED (as FS shows it: O) against the shown options SEEN. */
static int judge(const char *fs, const char *asked, const char *o, char **seen, size_t nseen,
		 const char *shown, char *why, size_t len)
{
	size_t k = strcspn(o, "=");
	if (!*o || not_judged(o, k))
		return 0;
	for (size_t i = 0; i < nseen; i++) {
		const char *s = seen[i];
		if (strcspn(s, "=") != k || strncmp(s, o, k))
			continue;
		if (!strcmp(s, o) || (o[k] && s[k] && same_value(o + k + 1, s + k + 1)))
			return 0;
		return pc_why(why, len, "'%s': the %s was mounted with '%s' instead "
			      "(/proc/self/mountinfo): " NOT_APPLIED, asked, fs, s);
	}
	for (size_t i = 0; i < nseen && !o[k]; i++)
		if (opposite(fs, o, seen[i]))
			return pc_why(why, len, "'%s': the %s was mounted with '%s' instead "
				      "(/proc/self/mountinfo): " NOT_APPLIED, asked, fs, seen[i]);
	if (shows_when_applied(fs, o))
		return pc_why(why, len, "'%s': the %s was mounted without it (/proc/self/mountinfo "
			      "shows '%s', and the %s shows this option whenever it applies it): "
			      "a later or conflicting option, or a feature the device lacks; "
			      NOT_APPLIED, asked, fs, shown, fs);
	return 0;
}

/* The options of S, split as mount(8) splits them (pc_fs_next_mount_option:
 * at ',' outside "...", so an LSM's context="a,b" is one), empty ones left
 * out: a NULL-ended vector, *N of them. */
static char **mount_options(const char *s, size_t *n)
{
	size_t cap = 2;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	char **v = xcalloc(cap, sizeof(*v));
	*n = 0;
	for (char *o; (o = pc_fs_next_mount_option(&s));) {
		if (*o)
			v[(*n)++] = o;
		else
			free(o);
	}
	return v;
}

int pc_fs_check_applied(const char *fstype, const char *asked, const char *shown, char *why,
			size_t len)
{
	unsigned long flags;
	char *data;
	pc_fs_mount_opts_parse(asked, &flags, &data);
	if (!data)
		return 0;
	size_t nasked = 0, nseen = 0;
	char **raw = mount_options(data, &nasked);
	char **canon = xcalloc(nasked + 1, sizeof(*canon));
	for (size_t i = 0; i < nasked; i++)
		canon[i] = shown_spelling(fstype, raw[i]);
	char **seen = mount_options(shown ? shown : "", &nseen);
	int rc = 0;
	for (size_t i = 0; i < nasked && rc == 0; i++) {
		/* the last of what sets one thing is what applies */
		char *what = setting(canon[i]);
		int later = 0;
		for (size_t j = i + 1; j < nasked && !later; j++) {
			char *other = setting(canon[j]);
			later = *canon[j] && !strcmp(what, other);
			free(other);
		}
		free(what);
		if (!later)
			rc = judge(fstype, raw[i], canon[i], seen, nseen, shown ? shown : "", why, len);
	}
	pc_strv_free(raw);
	pc_strv_free(canon);
	pc_strv_free(seen);
	free(data);
	return rc;
}
