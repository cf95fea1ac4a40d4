/* fs.c - mkfs, probe, mount, unmount and fsck for the filesystems under test. */
#include "fs/fs.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/isolate.h"
#include "util/mountinfo.h"
#include "util/util.h"

struct fs_tools {
	const char *type;
	/* mkfs's short option that sets the superblock's behaviour on errors
	 * (mke2fs -e), or 0 */
	char mkfs_errors_opt;
	const char *mkfs;          /* mkfs program */
	const char *mkfs_force[3]; /* options always passed to mkfs */
	const char *fsck[4];       /* read-only check, device appended */
	/* mkfs's short options as its getopt string (which take an argument),
	 * those among them that name a file or folder to read or write, and
	 * its long options that do (getopt_long takes any unique prefix). */
	const char *mkfs_optstring;
	const char *mkfs_file_opts;
	const char *mkfs_file_long[2];
	/* How the kernel's driver begins its lines ("EXT4-fs error ...") */
	const char *kmsg_prefix;
};

/* The file options: mke2fs -d (a folder or tarball copied in), -l (a bad
 * blocks list), -z (an undo file); mkfs.xfs -p (a protofile), -c (a config
 * file: options=FILE); mkfs.btrfs -r / --rootdir (a folder copied in). */
static const struct fs_tools fs_table[] = {
	{ "ext4", 'e', "mkfs.ext4", { "-F", "-q", NULL }, { "e2fsck", "-fn", NULL },
	  "b:cd:e:g:i:jl:m:no:qr:s:t:vC:DE:FG:I:J:KL:M:N:O:R:ST:U:Vz:", "dlz", { NULL }, "EXT4-fs" },
	{ "xfs", 0, "mkfs.xfs", { "-f", "-q", NULL }, { "xfs_repair", "-n", NULL },
	  "b:c:d:i:l:L:m:n:KNp:qr:s:CfV", "pc", { NULL }, "XFS" },
	{ "btrfs", 0, "mkfs.btrfs", { "-f", "-q", NULL }, { "btrfs", "check", "--readonly", NULL },
	  "A:b:fl:n:s:m:d:L:R:O:r:U:VvMKq", "r", { "rootdir", NULL }, "BTRFS" },
};

static const struct fs_tools *fs_lookup(const char *type)
{
	for (size_t i = 0; i < sizeof(fs_table) / sizeof(fs_table[0]); i++)
		if (!strcmp(fs_table[i].type, type))
			return &fs_table[i];
	return NULL;
}

int pc_fs_other_driver_line(const char *fstype, const char *msg)
{
	const struct fs_tools *own = fstype ? fs_lookup(fstype) : NULL;
	if (!own)
		return 0;
	for (size_t i = 0; i < sizeof(fs_table) / sizeof(fs_table[0]); i++) {
		const char *prefix = fs_table[i].kmsg_prefix;
		size_t n = strlen(prefix);
		if (!strncmp(msg, prefix, n) && msg[n] && strchr(" (:", msg[n]))
			return strcmp(prefix, own->kmsg_prefix) != 0;
	}
	return 0;
}

const char *pc_fs_name(unsigned i)
{
	return i < sizeof(fs_table) / sizeof(fs_table[0]) ? fs_table[i].type : NULL;
}

/* Trailing newlines and blanks of S cut off, in place. */
static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The tool's usage text, printed after its complaint (mkfs.xfs does so
 * for a bad value): where it starts in T, or NULL. */
static char *usage_text(char *t)
{
	for (char *line = t; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncasecmp(line, "usage:", 6))
			return line;
	return NULL;
}

char *pc_fs_tool_message(const char *out)
{
	char *t = xstrdup(out ? out : "");
	/* Its last line is the usage's ("<value> is xxx (512 byte blocks)."),
	 * which says nothing of what failed: cut it off, unless nothing
	 * came before it. */
	char *usage = usage_text(t);
	if (usage && usage != t)
		*usage = '\0';
	trim_end(t);
	char *first = t;
	while (*first == '\n' || *first == ' ')
		first++;
	char *nl = strchr(first, '\n');
	if (!nl) {
		char *m = xstrdup(first);
		free(t);
		return m;
	}
	*nl = '\0';
	trim_end(first);
	char *last = strrchr(nl + 1, '\n');
	last = last ? last + 1 : nl + 1;
	char *m = xasprintf("%s ... %s", first, last);
	free(t);
	return m;
}

/* Option keys that name another device for the filesystem to write to:
 * mkfs.xfs -l logdev= / -r rtdev=, mke2fs -J device=, and the mount options
 * logdev=, rtdev= (xfs), device= (btrfs), journal_path=, journal_dev= (ext4). */
static const char *const device_keys[] = {
	"logdev", "rtdev", "device", "journal_path", "journal_dev", NULL,
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

/* A short option joined to its value, letters bundled or not:
 * "-Jdevice", "-qJdevice", "-llogdev", "-rname". */
static int is_joined_key(const char *const *list, const char *s, size_t len)
{
	if (len < 2 || s[0] != '-' || s[1] == '-')
		return 0;
	for (size_t i = 0; list[i]; i++) {
		size_t k = strlen(list[i]);
		if (len > k && !strncmp(s + len - k, list[i], k))
			return 1;
	}
	return 0;
}

/* WORD is (or bundles) one of T's mkfs options that name a file or folder:
 * "-d", "-qd", "-dDIR", "--rootdir", "--root=DIR".  Scanned as getopt
 * does: the letters up to the first that takes an argument. */
static int is_file_option(const struct fs_tools *t, const char *word)
{
	if (word[0] != '-' || !word[1])
		return 0;
	if (word[1] == '-') {
		const char *name = word + 2;
		size_t n = strcspn(name, "=");
		for (size_t i = 0; n && t->mkfs_file_long[i]; i++)
			if (n <= strlen(t->mkfs_file_long[i]) && !strncmp(name, t->mkfs_file_long[i], n))
				return 1;
		return 0;
	}
	for (const char *c = word + 1; *c && *c != ':'; c++) {
		if (strchr(t->mkfs_file_opts, *c))
			return 1;
		const char *o = strchr(t->mkfs_optstring, *c);
		if (o && o[1] == ':')
			return 0; /* the rest of the word is its argument */
	}
	return 0;
}

/* A scenario is untrusted input, and powercut only ever writes to the
 * case's own device: refuse an option that points mkfs or mount at another
 * device or file.  WORD is one mkfs argument of filesystem T (T NULL: one
 * mount option); its pieces are split at ',' and '='.  For mkfs any piece
 * that is a path (holds '/') is refused too: mkfs.btrfs formats every
 * device named on its command line.  A bare name is not looked up: the tool
 * runs in an empty, read-only current folder of its own (isolate.c), so it
 * names nothing there, while looking it up in powercut's current folder
 * would make "-b 4096" or "-L results" valid or not depending on where
 * powercut was started.  0, or -1 with the reason in WHY (nothing printed). */
static int check_option(const struct fs_tools *t, const char *word, char *why, size_t whylen)
{
	int is_mkfs = t != NULL;
	if (is_mkfs && !strncmp(word, "-z", 2))
		return pc_why(why, whylen, "'%s': an undo file is written outside the "
				 "case's device; refused", word);
	if (is_mkfs && is_file_option(t, word))
		return pc_why(why, whylen, "'%s' names another device or file (mkfs.%s reads "
				 "or writes the file or folder it names); powercut writes only to "
				 "the case's own device", word, t->type);
	for (const char *p = word; *p;) {
		size_t len = strcspn(p, ",=");
		char *piece = xstrndup(p, len);
		/* A sub-option's key: first in the word or after a ','. */
		int is_key = p == word || p[-1] == ',';
		int bad = (p[len] == '=' && in_list(device_keys, p, len)) ||
			  (is_mkfs && p == word && p[len] == '=' &&
			   (is_joined_key(device_keys, p, len) || is_joined_key(mkfs_file_keys, p, len))) ||
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

/* Why a filesystem that panics on an error is refused: the cut makes
 * errors on purpose (cut = error fails every write, which aborts ext4's
 * journal), and finding corruption is the point of a case, so such a
 * setting would take the machine down instead of reporting a verdict. */
#define PANIC_WHY "a filesystem error would panic the kernel, and the cut causes errors on " \
		  "purpose (cut = error, a corrupt crash point), taking the machine down " \
		  "instead of reporting a verdict"

/* ARGS[I] with T's errors option set to panic ("-e panic", "-epanic",
 * "-qe panic"): the letters scanned as getopt does. */
static int sets_panic(const struct fs_tools *t, char **args, size_t n, size_t i)
{
	const char *w = args[i];
	if (!t->mkfs_errors_opt || w[0] != '-' || w[1] == '-')
		return 0;
	for (const char *c = w + 1; *c; c++) {
		const char *o = strchr(t->mkfs_optstring, *c);
		if (!o || *c == ':' || o[1] != ':')
			continue;
		const char *arg = c[1] ? c + 1 : i + 1 < n ? args[i + 1] : "";
		return *c == t->mkfs_errors_opt && !strcmp(arg, "panic");
	}
	return 0;
}

int pc_fs_check_mkfs_opts(const char *fstype, const char *opts, char *why, size_t len)
{
	const struct fs_tools *t = fs_lookup(fstype);
	if (!t)
		return pc_why(why, len, "unsupported filesystem '%s'", fstype);
	size_t nopts = 0;
	char **extra = pc_split_args(opts ? opts : "", &nopts);
	if (!extra)
		return pc_why(why, len, "unterminated quote in '%s'", opts);
	int rc = 0;
	for (size_t i = 0; i < nopts && rc == 0; i++) {
		rc = check_option(t, extra[i], why, len);
		if (rc == 0 && sets_panic(t, extra, nopts, i))
			rc = pc_why(why, len, "'%s' (errors behaviour panic): %s", extra[i], PANIC_WHY);
		/* mke2fs -E mount_opts=errors=panic: default mount options kept
		 * in the superblock, applied at every mount. */
		else if (rc == 0 && strstr(extra[i], "errors=panic"))
			rc = pc_why(why, len, "'%s': %s", extra[i], PANIC_WHY);
	}
	pc_strv_free(extra);
	return rc;
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

/* A tool that ended with status 128 or more (128+N: killed by signal N,
 * the OOM killer's SIGKILL, a stray kill; e2fsck's 128 is a shared library
 * error): what it found or made says nothing of the filesystem or of the
 * options.  Class RUN: the case is an error, never a verdict. */
static int tool_killed(const char *tool, const char *dev, int status, const char *what)
{
	if (status > 128 && status < 128 + NSIG)
		return pc_fail(PC_ERR_RUN, "%s on %s was killed by signal %d (%s): %s", tool, dev,
			       status - 128, strsignal(status - 128), what);
	return pc_fail(PC_ERR_RUN, "%s on %s ended with status %d: %s", tool, dev, status, what);
}

int pc_fs_mkfs(const char *fstype, const char *opts, const char *dev)
{
	const struct fs_tools *t = fs_lookup(fstype);
	if (!t)
		return pc_fail(PC_ERR_INPUT, "mkfs: unsupported filesystem '%s'", fstype);
	/* Checked when the scenario was read (scenario.c); again here, for
	 * every other caller. */
	char why[512];
	if (pc_fs_check_mkfs_opts(fstype, opts, why, sizeof(why)) < 0)
		return pc_fail(PC_ERR_INPUT, "mkfs_opts: %s", why);
	size_t nopts = 0;
	char **extra = pc_split_args(opts ? opts : "", &nopts);

	const char **argv = xcalloc(nopts + 6, sizeof(*argv));
	size_t a = 0;
	argv[a++] = t->mkfs;
	for (size_t i = 0; t->mkfs_force[i]; i++)
		argv[a++] = t->mkfs_force[i];
	for (size_t i = 0; i < nopts; i++)
		argv[a++] = extra[i];
	argv[a++] = dev;
	argv[a] = NULL;

	char *out = NULL;
	int status = 0, rc = pc_run_isolated((char *const *)argv, dev, &out, &status);
	if (rc == 0 && status >= 128) /* a signal: the machine's, not the scenario's */
		rc = tool_killed(t->mkfs, dev, status, "the device was not made");
	if (rc == 0 && status != 0) {
		char *msg = pc_fs_tool_message(out);
		/* An I/O error is the device's (its fuse server died, the disk
		 * under the work folder failed), never the options': not exit 2. */
		int eio = out && strstr(out, strerror(EIO));
		rc = pc_fail(eio ? PC_ERR_RUN : PC_ERR_INPUT, "%s%s%s on %s failed (exit %d): %s%s",
			     t->mkfs, opts && *opts ? " " : "", opts ? opts : "", dev, status, msg,
			     eio ? " (the device failed under it)" : "");
		free(msg);
	}
	free(out);
	free(argv);
	pc_strv_free(extra);
	if (rc < 0)
		return -1;

	char found[32];
	if (pc_fs_probe(dev, found, sizeof(found)) < 0)
		return -1;
	if (strcmp(found, fstype))
		return pc_fail(PC_ERR_RUN, "mkfs: %s on %s but libblkid finds '%s'", fstype,
			       dev, found[0] ? found : "no filesystem");
	return 0;
}

int pc_fs_probe(const char *dev, char *out, size_t len)
{
	out[0] = '\0';
	blkid_probe pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return pc_fail_errno(PC_ERR_RUN, errno ? errno : EIO, "blkid probe %s", dev);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	int rc = blkid_do_safeprobe(pr);
	if (rc == 0) {
		const char *type = NULL;
		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type)
			snprintf(out, len, "%s", type);
	} else if (rc == -2) {
		blkid_free_probe(pr);
		return pc_fail(PC_ERR_RUN, "blkid probe %s: ambiguous signatures", dev);
	} else if (rc < 0) {
		blkid_free_probe(pr);
		return pc_fail(PC_ERR_RUN, "blkid probe %s failed", dev);
	}
	blkid_free_probe(pr);
	return 0;
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
};

/* Options mount(8) keeps to itself and never hands the kernel: fstab's
 * auto, noauto, nofail, _netdev, comment=... and x-... (systemd's and
 * other helpers').  Dropped as mount(8) drops them, so that an fstab line
 * copied into a scenario mounts the same filesystem (else the kernel
 * refuses them and the case errs). */
static int userspace_only(const char *o)
{
	static const char *const names[] = { "auto", "noauto", "nofail", "_netdev", NULL };
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(o, names[i]))
			return 1;
	return !strncmp(o, "x-", 2) || !strncmp(o, "comment=", 8);
}

/* Mount options into MS_* flags and the data string the filesystem gets
 * (NULL if none). */
void pc_fs_mount_opts_parse(const char *opts, unsigned long *flags, char **data)
{
	*flags = 0;
	*data = NULL;
	char *copy = xstrdup(opts ? opts : "");
	size_t cap = strlen(copy) + 1, used = 0;
	char *d = xcalloc(1, cap);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		while (*o == ' ')
			o++;
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
	free(copy);
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
	const char *panic = rc == 0 && data ? panic_option(data) : NULL;
	if (panic)
		rc = pc_why(why, len, "'%s': %s", panic, PANIC_WHY);
	free(data);
	/* Every case writes (the workload, the commit record): a read-only
	 * mount can only end in an error, so it is the scenario's. */
	if (rc == 0 && (flags & MS_RDONLY))
		rc = pc_why(why, len, "'ro': every case writes to the filesystem (its workload "
			    "and the commit record); a read-only mount cannot run one");
	return rc;
}

#define RELEASE_WAIT_MS 10000

/* A filesystem is gone only when nothing holds its device: a copy of its
 * mount in another mount namespace (one made while it was mounted, by a
 * tool's isolation here or by any process on the machine) keeps it alive
 * after our unmount, and mounting it again would return the live, cached
 * filesystem instead of reading the device after the cut.  Wait until the
 * device can be opened exclusively; an error, never a false verdict. */
int pc_fs_wait_released(const char *dev)
{
	for (int waited = 0;; waited += 20) {
		int fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != EBUSY)
			return pc_fail_errno(PC_ERR_RUN, errno, "open %s", dev);
		if (waited >= RELEASE_WAIT_MS)
			return pc_fail(PC_ERR_RUN, "%s is still in use %d s after its filesystem was "
				       "unmounted: another mount namespace holds a copy of the mount, "
				       "so the filesystem was never cut", dev, RELEASE_WAIT_MS / 1000);
		usleep(20000);
	}
}

int pc_fs_listed(const char *list, const char *type)
{
	size_t n = strlen(type);
	for (const char *l = list; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		const char *tab = memchr(l, '\t', len);
		if (tab && (size_t)(l + len - tab - 1) == n && !memcmp(tab + 1, type, n))
			return 1;
		l = end ? end + 1 : NULL;
	}
	return 0;
}

int pc_fs_kernel_has(const char *type)
{
	char *list = pc_read_file("/proc/filesystems", NULL);
	if (!list)
		return -1;
	int has = pc_fs_listed(list, type);
	free(list);
	return has;
}

int pc_fs_mount(const char *dev, const char *dir, const char *fstype, const char *opts)
{
	unsigned long flags;
	char *data;
	char why[512];
	if (pc_fs_check_mount_opts(opts, why, sizeof(why)) < 0)
		return pc_fail(PC_ERR_INPUT, "mount_opts: %s", why);
	pc_fs_mount_opts_parse(opts, &flags, &data);
	if (pc_fs_wait_released(dev) < 0) {
		free(data);
		errno = EBUSY;
		return -1;
	}
	int rc = 0;
	const char *step = NULL;
	/* The messages leave out DIR: a folder of the run's work folder, gone
	 * when the reason is read, and a third of a qualify table's cell. */
	if (pc_mount_isolated(dev, dir, fstype, flags, data, &step) < 0) {
		int e = errno;
		if (strcmp(step, "mount") != 0)
			rc = pc_fail_errno(PC_ERR_ENV, e, "mount %s on %s (%s): %s", dev, dir, fstype,
					   step);
		else if (e == ENODEV && pc_fs_kernel_has(fstype) == 0)
			/* A kernel built without it, or whose module is missing
			 * (a VM's initramfs, a -cloud flavour): the environment,
			 * not the filesystem, and said so ("No such device" alone
			 * names nothing). */
			rc = pc_fail(PC_ERR_ENV, "mount %s on %s: the running kernel has no %s "
				     "filesystem (not in /proc/filesystems: built without it, or "
				     "its module is missing)", dev, dir, fstype);
		else if (e == EINVAL && opts && *opts)
			/* Not the scenario's error by itself: the same options
			 * mounted this filesystem before a cut, or a feature mkfs
			 * set is what the kernel lacks (pc_fs_mounts_bare). */
			rc = pc_fail_errno(PC_ERR_RUN, e, "mount %s (%s, options '%s')", dev,
					   fstype, opts);
		else
			rc = pc_fail_errno(e == EPERM ? PC_ERR_ENV : PC_ERR_RUN, e,
					   "mount %s (%s)", dev, fstype);
		errno = e; /* for a caller that tells its reasons apart */
	}
	free(data);
	return rc;
}

int pc_fs_mounts_bare(const char *dev, const char *dir, const char *fstype)
{
	const char *step = NULL;
	if (pc_mount_isolated(dev, dir, fstype, 0, NULL, &step) < 0)
		return errno == EINVAL && step && !strcmp(step, "mount") ? 0 : -1;
	return pc_fs_umount(dir) < 0 ? -1 : 1;
}

/* LINE split at blanks, in place, into at most MAX fields F: how many. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(line, " \n", &save); t && n < max;
	     t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	return n;
}

int pc_fs_mounted_options(const char *dir, char *vfs, size_t vlen, char *fs, size_t flen)
{
	/* mountinfo names the mount point with every link resolved */
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return -1;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	char *want = pc_mountinfo_escape(real), *line = NULL;
	size_t cap = 0;
	int rc = -1;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - TYPE SOURCE
	 * SUPEROPTS": the last line for DIR is the mount on top. */
	while (getline(&line, &cap, f) > 0) {
		char *v[64];
		size_t n = split_fields(line, v, 64), dash = 6;
		while (dash < n && strcmp(v[dash], "-"))
			dash++;
		if (n < 6 || dash + 3 >= n || strcmp(v[4], want))
			continue;
		rc = strlen(v[5]) < vlen && strlen(v[dash + 3]) < flen ? 0 : -1;
		if (rc == 0) {
			snprintf(vfs, vlen, "%s", v[5]);
			snprintf(fs, flen, "%s", v[dash + 3]);
		}
	}
	free(line);
	free(want);
	fclose(f);
	return rc;
}

int pc_fs_umount(const char *dir)
{
	/* Busy right after a child exits is possible; retry briefly. */
	for (int i = 0; i < 50; i++) {
		if (umount2(dir, 0) == 0)
			return 0;
		if (errno != EBUSY)
			return pc_fail_errno(PC_ERR_RUN, errno, "umount %s", dir);
		usleep(100 * 1000);
	}
	return pc_fail_errno(PC_ERR_RUN, EBUSY, "umount %s", dir);
}

enum pc_fsck_result pc_fs_fsck(const char *fstype, const char *dev, char **output)
{
	*output = NULL;
	const struct fs_tools *t = fs_lookup(fstype);
	if (!t) {
		pc_fail(PC_ERR_INPUT, "fsck: unsupported filesystem '%s'", fstype);
		return PC_FSCK_SKIPPED;
	}
	const char *argv[8];
	size_t a = 0;
	for (size_t i = 0; t->fsck[i]; i++)
		argv[a++] = t->fsck[i];
	argv[a++] = dev;
	argv[a] = NULL;
	int status = 0;
	if (pc_fs_wait_released(dev) < 0) /* said why */
		return PC_FSCK_SKIPPED;
	if (pc_run_isolated((char *const *)argv, dev, output, &status) < 0)
		return PC_FSCK_SKIPPED;
	if (status >= 128) {
		tool_killed(t->fsck[0], dev, status, "the check did not run to its end");
		return PC_FSCK_SKIPPED;
	}
	return status == 0 ? PC_FSCK_CLEAN : PC_FSCK_ERRORS;
}
