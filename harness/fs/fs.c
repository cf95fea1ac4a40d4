/* fs.c - mkfs, probe, mount, unmount and fsck for the filesystems under test. */
#include "fs/fs.h"

#include <blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs/isolate.h"
#include "fs/mountcheck.h"
#include "util/escape.h"
#include "util/mountinfo.h"
#include "util/util.h"

struct fs_tools {
	const char *type;
	const char *mkfs;          /* mkfs program */
	const char *mkfs_force[3]; /* options always passed to mkfs */
	const char *fsck[4];       /* read-only check, device appended */
	/* Text only a check that ran to its end prints (a clean one too):
	 * exit 0 without it is no clean result. */
	const char *fsck_done[3];
	const char *fsck_done_what; /* what that text is, for a message */
	/* Damage the check reports and still exits 0 for: btrfs check reads
	 * a metadata block's other copy (DUP) when one fails its checksum or
	 * generation, and says "no error found". */
	const char *fsck_damage[4];
	/* Text only a check that found damage prints, for a tool whose exit
	 * 1 also ends a check that could not be made (device mounted or
	 * busy, no such device, no memory, no filesystem there): its 1 is
	 * errors found only with one of these, or one of fsck_damage. */
	const char *fsck_found[3];
	const char *fsck_found_what; /* what the first is, for a message */
	/* Said when the journal holds changes the read-only check leaves
	 * unreplayed: what it then checks is not the filesystem the kernel
	 * would mount (pc_fs_fsck_unreplayed). */
	const char *fsck_unreplayed;
	/* Its exit status is a sum of bits (e2fsck(8)); else 0 clean, 1
	 * errors found, and nothing else documented (xfs_repair -n, btrfs
	 * check). */
	int fsck_bits;
	/* How the kernel's driver begins its lines ("EXT4-fs error ...") */
	const char *kmsg_prefix;
	/* ... and the journal layer it uses, if one of its own ("JBD2: ..."),
	 * NULL if none */
	const char *journal_kmsg_prefix;
};

/* What each filesystem's mkfs_opts may hold is fsopts.c's table. */
static const struct fs_tools fs_table[] = {
	/* e2fsck's summary line, "DEV: 11/65536 files (0.0% non-contiguous),
	 * 12955/262144 blocks"; xfs_repair -n's last line; btrfs check's
	 * "found N bytes used, no error found" (before btrfs-progs 4.5:
	 * "found N bytes used err is 0").
	 * Damage found: xfs_repair -n prints its last line whatever it found
	 * and exits 1 once anything warned (xfsprogs 6.1.0, fs_is_dirty);
	 * every exit(1) before it (libxfs_init, do_error, no superblock) skips
	 * it, but for phase 1's "Primary superblock would have been
	 * modified", under -n: the superblock is damaged.  btrfs check says
	 * "error(s) found" in its summary line; its early exits skip it, but
	 * for "critical roots corrupted" (btrfs-progs 6.2, cmd_check). */
	{ "ext4", "mkfs.ext4", { "-F", "-q", NULL }, { "e2fsck", "-fn", NULL },
	  { "% non-contiguous), ", NULL },
	  "its summary line (FILES files (N% non-contiguous), BLOCKS blocks)", { NULL },
	  { NULL }, NULL, "skipping journal recovery", 1, "EXT4-fs", "JBD2" },
	{ "xfs", "mkfs.xfs", { "-f", "-q", NULL }, { "xfs_repair", "-n", NULL },
	  { "No modify flag set, skipping filesystem flush and exiting.", NULL },
	  "its last line (No modify flag set, skipping filesystem flush and exiting.)", { NULL },
	  { "No modify flag set, skipping filesystem flush and exiting.",
	    "Primary superblock would have been modified.", NULL },
	  "its last line (No modify flag set, skipping filesystem flush and exiting.)",
	  "valuable metadata changes in a log", 0, "XFS", NULL },
	{ "btrfs", "mkfs.btrfs", { "-f", "-q", NULL }, { "btrfs", "check", "--readonly", NULL },
	  { "bytes used, no error found", "bytes used err is 0", NULL },
	  "its summary line (found N bytes used, no error found)",
	  { "checksum verify failed on", "parent transid verify failed on", "bad tree block", NULL },
	  { "bytes used, error(s) found", "critical roots corrupted, unable to check the filesystem",
	    NULL },
	  "its summary line (found N bytes used, error(s) found)", NULL, 0, "BTRFS", NULL },
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
	for (size_t i = 0; i < sizeof(fs_table) / sizeof(fs_table[0]); i++) {
		const char *prefix = fs_table[i].journal_kmsg_prefix;
		size_t n = prefix ? strlen(prefix) : 0;
		if (n && !strncmp(msg, prefix, n) && msg[n] && strchr(" (:", msg[n]))
			return !own->journal_kmsg_prefix || strcmp(prefix, own->journal_kmsg_prefix);
	}
	return 0;
}

const char *pc_fs_name(unsigned i)
{
	return i < sizeof(fs_table) / sizeof(fs_table[0]) ? fs_table[i].type : NULL;
}

const char *pc_fs_tool(const char *fstype, unsigned i)
{
	const struct fs_tools *t = fstype ? fs_lookup(fstype) : NULL;
	if (!t)
		return NULL;
	return i == 0 ? t->mkfs : i == 1 ? t->fsck[0] : NULL;
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

/* N bytes at offset OFF of DEV's ext4 superblock (which starts at byte
 * 1024) into B: 0, or -1 when they cannot be read. */
static int ext4_super_bytes(const char *dev, off_t off, unsigned char *b, size_t n)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t got = pc_pread_full(fd, b, n, 1024 + off);
	close(fd);
	return got == (ssize_t)n ? 0 : -1;
}

int pc_fs_ext4_panics(const char *dev)
{
	unsigned char b[2];
	if (ext4_super_bytes(dev, 0x3C, b, sizeof(b)) < 0)
		return -1;
	return (b[0] | b[1] << 8) == 3; /* EXT4_ERRORS_PANIC, little-endian */
}

int pc_fs_ext4_has_journal(const char *dev)
{
	unsigned char b[1];
	if (ext4_super_bytes(dev, 0x5C, b, sizeof(b)) < 0)
		return -1;
	return (b[0] & 0x4) != 0; /* s_feature_compat's EXT3_FEATURE_COMPAT_HAS_JOURNAL */
}

/* s_default_mount_opts' bits (Linux's EXT4_DEFM_*) and e2p's names for
 * them; the journalling mode is two bits together. */
static const struct {
	unsigned mask, value;
	const char *name;
} ext4_defm[] = {
	{ 0x0001, 0x0001, "debug" },	      { 0x0002, 0x0002, "bsdgroups" },
	{ 0x0010, 0x0010, "uid16" },	      { 0x0060, 0x0020, "journal_data" },
	{ 0x0060, 0x0060, "journal_data_writeback" },
	{ 0x0100, 0x0100, "nobarrier" },      { 0x0200, 0x0200, "block_validity" },
	{ 0x0400, 0x0400, "discard" },	      { 0x0800, 0x0800, "nodelalloc" },
};
/* user_xattr, acl, journal_data_ordered: mke2fs's own defaults */
#define EXT4_DEFM_HARMLESS 0x004cu

int pc_fs_ext4_default_mntopts(const char *dev, char *names, size_t len)
{
	unsigned char b[4];
	if (ext4_super_bytes(dev, 0x100, b, sizeof(b)) < 0)
		return -1;
	unsigned v = b[0] | b[1] << 8 | (unsigned)b[2] << 16 | (unsigned)b[3] << 24;
	unsigned rest = v & ~(EXT4_DEFM_HARMLESS | 0x0060u);
	size_t used = 0;
	names[0] = '\0';
	for (size_t i = 0; i < sizeof(ext4_defm) / sizeof(ext4_defm[0]); i++) {
		if ((v & ext4_defm[i].mask) != ext4_defm[i].value)
			continue;
		rest &= ~ext4_defm[i].mask;
		used += (size_t)snprintf(names + used, used < len ? len - used : 0, "%s%s",
					 used ? "," : "", ext4_defm[i].name);
	}
	if (rest)
		used += (size_t)snprintf(names + used, used < len ? len - used : 0, "%s0x%x",
					 used ? "," : "", rest);
	return used ? 1 : 0;
}

/* The superblock mkfs.ext4 wrote on DEV could not be read: errno says why
 * (EIO when the reader set none). */
static int superblock_unread(const char *dev)
{
	return pc_fail_errno(PC_ERR_RUN, errno ? errno : EIO, "read the superblock mkfs.ext4 "
			     "wrote on %s", dev);
}

/* Default mount options mke2fs's configuration put in the superblock
 * (default_mntopts): every mount applies them, and ext4 leaves them out of
 * /proc/self/mountinfo, so a case would test them unseen and unasked. */
static int refuse_ext4_default_mntopts(const char *dev)
{
	char names[256];
	int found = pc_fs_ext4_default_mntopts(dev, names, sizeof(names));
	if (found < 0)
		return superblock_unread(dev);
	if (found)
		return pc_fail(PC_ERR_ENV, "mkfs.ext4 made a filesystem on %s whose superblock holds "
			       "the default mount options %s (from mke2fs.conf: /etc/mke2fs.conf or "
			       "the file $MKE2FS_CONFIG names, default_mntopts): every mount would "
			       "apply them, unasked by the scenario and unseen in "
			       "/proc/self/mountinfo, so a case would test another configuration "
			       "than its mount_opts", dev, names);
	return 0;
}

/* The errors behaviour mke2fs wrote is not only mkfs_opts' -e: its
 * configuration sets it too ("errors = panic" in /etc/mke2fs.conf, in the
 * file $MKE2FS_CONFIG names, or in the usage type -T picks), which the
 * scenario check cannot see.  Read back from what mkfs made. */
static int refuse_ext4_panic(const char *dev)
{
	int panics = pc_fs_ext4_panics(dev);
	if (panics < 0)
		return superblock_unread(dev);
	if (panics)
		return pc_fail(PC_ERR_ENV, "mkfs.ext4 made a filesystem on %s whose superblock says "
			       "errors=panic (from mke2fs.conf: /etc/mke2fs.conf or the file "
			       "$MKE2FS_CONFIG names): %s", dev, PC_FS_PANIC_WHY);
	return 0;
}

/* mke2fs leaves the journal out of a filesystem under 2048 blocks, with a
 * line on its output ("Filesystem too small for a journal") and exit 0:
 * device_size = 1M made an ext4 without one, whose cases then failed
 * (fsck errors after the cut, exit 1) for a configuration the scenario did
 * not ask for.  Unless mkfs_opts asked for it (-O ^has_journal), the
 * scenario's error (the caller adds the device's size); on a larger
 * filesystem mke2fs.conf's (features = ^has_journal), the machine's. */
int pc_fs_ext4_check_journal(const char *dev, const char *opts)
{
	int has = pc_fs_ext4_has_journal(dev);
	unsigned char lo[4], hi[4], incompat[1];
	if (has < 0 || ext4_super_bytes(dev, 0x04, lo, sizeof(lo)) < 0 ||
	    ext4_super_bytes(dev, 0x60, incompat, sizeof(incompat)) < 0 ||
	    ext4_super_bytes(dev, 0x150, hi, sizeof(hi)) < 0)
		return superblock_unread(dev);
	if (has || (opts && strstr(opts, "^has_journal")))
		return 0;
	uint64_t blocks = lo[0] | lo[1] << 8 | (uint64_t)lo[2] << 16 | (uint64_t)lo[3] << 24;
	if (incompat[0] & 0x80) /* INCOMPAT_64BIT: s_blocks_count_hi counts */
		blocks |= (uint64_t)(hi[0] | hi[1] << 8 | (uint64_t)hi[2] << 16 |
				     (uint64_t)hi[3] << 24) << 32;
	if (blocks >= 2048)
		return pc_fail(PC_ERR_ENV, "mkfs.ext4 made an ext4 without a journal on %s (%llu "
			       "blocks, room for one), which the scenario did not ask for: "
			       "mke2fs.conf's doing (/etc/mke2fs.conf: features = ^has_journal), so "
			       "every case would test ext4 without its journal", dev,
			       (unsigned long long)blocks);
	return pc_fail(PC_ERR_INPUT, "mkfs.ext4 made an ext4 without a journal on %s (%llu "
		       "blocks; mke2fs leaves it out of a filesystem under 2048: \"Filesystem too "
		       "small for a journal\"), which the scenario did not ask for (mkfs_opts = -O "
		       "^has_journal would): a larger device_size gives it one", dev,
		       (unsigned long long)blocks);
}

/* A tool that ended with status 128 or more (128+N: killed by signal N,
 * the OOM killer's SIGKILL, a stray kill; e2fsck's 128 is a shared library
 * error): what it found or made says nothing of the filesystem or of the
 * options: the case is an error, never a verdict.  Killed from outside,
 * the machine's (class ENV, exit 3, as a killed fuse server; it was RUN,
 * exit 1); crashed, the case's (pc_killed_class). */
static int tool_killed(const char *tool, const char *dev, int status, const char *what)
{
	if (status > 128 && status < 128 + NSIG)
		return pc_fail(pc_killed_class(status - 128), "%s on %s was killed by signal %d "
			       "(%s), %s: %s", tool, dev, status - 128, strsignal(status - 128),
			       pc_killed_why(status - 128), what);
	return pc_fail(PC_ERR_RUN, "%s on %s ended with status %d: %s", tool, dev, status, what);
}

/* The errno whose words a tool's output OUT holds when it ran out of
 * memory, descriptors or processes (a limit of the machine's, which the
 * runner names: pc_note_exhausted), or 0. */
static int tool_exhausted(const char *out)
{
	static const int errs[] = { ENOMEM, EMFILE, ENFILE, EAGAIN };
	for (size_t i = 0; out && i < sizeof(errs) / sizeof(errs[0]); i++)
		if (strstr(out, strerror(errs[i])))
			return errs[i];
	return 0;
}

static int held_by_openers(const char *dev, const char *what);
static void held_without_openers(const char *dev, char *out, size_t len);

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
	int status = 0, rc = pc_fs_wait_released(dev);
	if (rc == 0)
		rc = pc_run_isolated((char *const *)argv, dev, &out, &status);
	if (rc == 0 && status >= 128) /* a signal: the machine's, not the scenario's */
		rc = tool_killed(t->mkfs, dev, status, "the device was not made");
	/* Refused because another process took the device meanwhile ("is
	 * apparently in use by the system"): not the options' doing. */
	if (rc == 0 && status != 0 && pc_fs_device_held(dev)) {
		char *msg = pc_fs_tool_message(out);
		char what[512];
		snprintf(what, sizeof(what), "%s on %s failed (exit %d): %s", t->mkfs, dev, status,
			 msg);
		free(msg);
		if (held_by_openers(dev, what) == 0) {
			char holder[1536];
			held_without_openers(dev, holder, sizeof(holder));
			pc_fail(PC_ERR_ENV, "%s: %s is held exclusively by something else on the "
				"machine, no process that has it open: %s", what, dev, holder);
		}
		rc = -1;
	}
	if (rc == 0 && status != 0) {
		char *msg = pc_fs_tool_message(out);
		/* An I/O error is the device's (its fuse server died, the disk
		 * under the work folder failed), never the options': not exit 2. */
		int eio = out && strstr(out, strerror(EIO)), short_of = tool_exhausted(out);
		rc = pc_fail_cause(eio || short_of ? PC_ERR_RUN : PC_ERR_INPUT, short_of,
			     "%s%s%s on %s failed (exit %d): %s%s",
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
	if (!strcmp(found, fstype))
		return strcmp(fstype, "ext4") ? 0
		       : refuse_ext4_panic(dev) < 0 || refuse_ext4_default_mntopts(dev) < 0 ? -1
		       : pc_fs_ext4_check_journal(dev, opts);
	/* With options, they are what made it so (mke2fs -t ext2, -o hurd or
	 * -O journal_dev; an option the load check does not know that writes
	 * nothing): the scenario's error, not a failed case. */
	if (opts && *opts) {
		if (found[0])
			pc_fail(PC_ERR_INPUT, "mkfs.%s %s on %s exited 0, but libblkid finds %s there, "
				"not %s: mkfs_opts made another filesystem", fstype, opts, dev, found,
				fstype);
		else
			pc_fail(PC_ERR_INPUT, "mkfs.%s %s on %s exited 0, but libblkid finds no "
				"filesystem there: mkfs_opts made none, or put it where nothing mounts "
				"it", fstype, opts, dev);
		return -2;
	}
	return pc_fail(PC_ERR_RUN, "mkfs: %s on %s but libblkid finds '%s'", fstype,
		       dev, found[0] ? found : "no filesystem");
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

#define RELEASE_WAIT_MS 10000
#define OPENERS_NAMED 3

/* What a process uses that we look for: block device DEV open (BLK), or
 * a file on the filesystem whose st_dev is DEV (its current folder, its
 * root, an open file). */
struct use {
	dev_t dev;
	int blk;
};

static int uses(const char *path, const struct use *u)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0;
	return u->blk ? S_ISBLK(st.st_mode) && st.st_rdev == u->dev : st.st_dev == u->dev;
}

/* Whether process PID uses U. */
static int proc_uses(pid_t pid, const struct use *u)
{
	char fds[64], fd[PATH_MAX];
	if (!u->blk) {
		snprintf(fd, sizeof(fd), "/proc/%d/cwd", (int)pid);
		if (uses(fd, u))
			return 1;
		snprintf(fd, sizeof(fd), "/proc/%d/root", (int)pid);
		if (uses(fd, u))
			return 1;
	}
	snprintf(fds, sizeof(fds), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(fds);
	if (!d)
		return 0; /* gone, or a kernel thread */
	int found = 0;
	struct dirent *de;
	while (!found && (de = readdir(d)))
		found = de->d_name[0] != '.' &&
			snprintf(fd, sizeof(fd), "%s/%s", fds, de->d_name) < (int)sizeof(fd) &&
			uses(fd, u);
	closedir(d);
	return found;
}

/* /proc/PID/comm without its newline, "?" when gone. */
static void proc_comm(pid_t pid, char *comm, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	char *c = pc_read_file(path, NULL);
	snprintf(comm, len, "%s", c ? c : "?");
	comm[strcspn(comm, "\n")] = '\0';
	free(c);
}

/* Processes found so far, "pid N (comm)[ at WHERE], ..." into OUT up to
 * OPENERS_NAMED of them. */
struct named {
	char *out;
	size_t len, used;
	int n;
};

static void name_process(struct named *s, pid_t pid, const char *where)
{
	if (s->n++ >= OPENERS_NAMED)
		return;
	char comm[64];
	proc_comm(pid, comm, sizeof(comm));
	char *shown = where ? pc_esc_text(where) : NULL;
	s->used += (size_t)snprintf(s->out + s->used, s->used < s->len ? s->len - s->used : 0,
				    "%spid %d (%s)%s%s", s->n > 1 ? ", " : "", (int)pid, comm,
				    shown ? " at " : "", shown ? shown : "");
	free(shown);
}

/* " and N more" after the ones named. */
static int named_end(struct named *s)
{
	if (s->n > OPENERS_NAMED)
		snprintf(s->out + s->used, s->used < s->len ? s->len - s->used : 0, " and %d more",
			 s->n - OPENERS_NAMED);
	return s->n;
}

struct users {
	const struct use *use;
	struct named named;
};

static int add_user(pid_t pid, void *arg)
{
	struct users *s = arg;
	if (pid != getpid() && proc_uses(pid, s->use))
		name_process(&s->named, pid, NULL);
	return 0;
}

/* The processes but this one that use U, "pid N (comm), ..." into OUT. */
static int processes_using(const struct use *u, char *out, size_t len)
{
	out[0] = '\0';
	struct users s = { .use = u, .named = { .out = out, .len = len } };
	(void)pc_each_process(add_user, &s); /* no /proc: no user known */
	return named_end(&s.named);
}

/* The mount point of the first mount of device WANT ("MAJ:MIN") in
 * mountinfo text MI, unescaped; NULL when none.  Caller frees. */
static char *mountinfo_mount_of(char *mi, const char *want)
{
	for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		char *f[5];
		int n = 0;
		for (char *fs = NULL, *t = strtok_r(line, " ", &fs); t && n < 5;
		     t = strtok_r(NULL, " ", &fs))
			f[n++] = t;
		if (n == 5 && !strcmp(f[2], want)) {
			pc_mountinfo_unescape(f[4]);
			return xstrdup(f[4]);
		}
	}
	return NULL;
}

/* The mount namespaces looked at so far (ours first), and DEV's mounts
 * found in them. */
struct elsewhere {
	char want[32]; /* "MAJ:MIN" */
	char **seen;
	size_t nseen;
	struct named named;
};

static int add_mount_elsewhere(pid_t pid, void *arg)
{
	struct elsewhere *s = arg;
	char path[64], ns[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	ssize_t l = readlink(path, ns, sizeof(ns) - 1);
	if (l < 0)
		return 0; /* gone, or a kernel thread */
	ns[l] = '\0';
	for (size_t i = 0; i < s->nseen; i++)
		if (!strcmp(s->seen[i], ns))
			return 0;
	s->seen = xrealloc(s->seen, (s->nseen + 1) * sizeof(*s->seen));
	s->seen[s->nseen++] = xstrdup(ns);
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	char *mi = pc_read_file(path, NULL);
	char *mp = mi ? mountinfo_mount_of(mi, s->want) : NULL;
	free(mi);
	if (mp)
		name_process(&s->named, pid, mp);
	free(mp);
	return 0;
}

/* Block device DEV mounted in mount namespaces other than ours, as
 * /proc/PID/mountinfo shows: "pid N (comm) at MOUNTPOINT, ..." (one
 * process of each namespace, the first few) into OUT; how many
 * namespaces.  Such a mount holds the device with no process having it
 * open, which pc_fs_device_openers cannot see. */
static int mounts_elsewhere(dev_t dev, char *out, size_t len)
{
	out[0] = '\0';
	char self[64];
	ssize_t sl = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	if (sl < 0)
		return 0;
	self[sl] = '\0';
	struct elsewhere s = { .named = { .out = out, .len = len } };
	snprintf(s.want, sizeof(s.want), "%u:%u", major(dev), minor(dev));
	s.seen = xmalloc(sizeof(*s.seen));
	s.seen[s.nseen++] = xstrdup(self);
	(void)pc_each_process(add_mount_elsewhere, &s); /* no /proc: none known */
	for (size_t i = 0; i < s.nseen; i++)
		free(s.seen[i]);
	free(s.seen);
	return named_end(&s.named);
}

/* What holds DEV exclusively when no process has it open, into OUT. */
static void held_without_openers(const char *dev, char *out, size_t len)
{
	struct stat st;
	char where[1024];
	if (stat(dev, &st) == 0 && S_ISBLK(st.st_mode) &&
	    mounts_elsewhere(st.st_rdev, where, sizeof(where)) > 0)
		snprintf(out, len, "it is mounted in another mount namespace: %s", where);
	else
		snprintf(out, len, "by no mount that a process's /proc/PID/mountinfo shows either: "
			 "a mount in a namespace no process is in (kept by a bind mount of its "
			 "ns/mnt file), or a kernel user (device-mapper, md, swap: /sys/class/block/"
			 "%s/holders)", strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev);
}

int pc_fs_device_openers(const char *dev, char *out, size_t len)
{
	out[0] = '\0';
	struct stat st;
	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	const struct use u = { .dev = st.st_rdev, .blk = 1 };
	return processes_using(&u, out, len);
}

int pc_fs_mount_users(const char *dir, char *out, size_t len)
{
	out[0] = '\0';
	struct stat st;
	if (stat(dir, &st) < 0)
		return 0;
	const struct use u = { .dev = st.st_dev, .blk = 0 };
	return processes_using(&u, out, len);
}

int pc_fs_device_held(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return errno == EBUSY;
	close(fd);
	return 0;
}

/* DEV is held exclusively by what we did not make: say who, if a process
 * has it open (class ENV: the machine's doing, not the case's).  0 when no
 * process does (a mount, perhaps in another namespace, holds it). */
static int held_by_openers(const char *dev, const char *what)
{
	char who[512];
	if (pc_fs_device_openers(dev, who, sizeof(who)) <= 0)
		return 0;
	return pc_fail(PC_ERR_ENV, "%s: %s is in use by another process, %s (it holds the "
		       "device open exclusively): something on the machine took the case's "
		       "device, so the case cannot go on", what, dev, who);
}

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
		if (waited >= RELEASE_WAIT_MS && held_by_openers(dev, "wait for the device") < 0)
			return -1;
		/* Not the case's doing: the machine's (class ENV).  Before
		 * mkfs or the first mount nothing of ours was ever mounted. */
		if (waited >= RELEASE_WAIT_MS) {
			char why[1536];
			held_without_openers(dev, why, sizeof(why));
			return pc_fail(PC_ERR_ENV, "%s is still held exclusively after %d s, by no "
				       "process that has it open: %s; while it is, the case cannot "
				       "make, mount, cut or check its filesystem", dev,
				       RELEASE_WAIT_MS / 1000, why);
		}
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

void pc_fs_missing_why(const char *type, char *why, size_t len)
{
	/* ext4, xfs, btrfs and overlay: the option is CONFIG_<TYPE>_FS and
	 * the module is named after the type. */
	char upper[32];
	size_t i = 0;
	for (; type[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)toupper((unsigned char)type[i]);
	upper[i] = '\0';
	snprintf(why, len, "the running kernel has no %s filesystem (not in /proc/filesystems: "
		 "built without CONFIG_%s_FS, or its module %s is missing)", type, upper, type);
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
	/* Test-only hook (docs/design.md): a test takes the device here. */
	const char *hook_args[] = { dev, NULL };
	pc_run_test_hook("POWERCUT_TEST_BEFORE_MOUNT", hook_args);
	/* The messages leave out DIR: a folder of the run's work folder, gone
	 * when the reason is read, and a third of a qualify table's cell. */
	if (pc_mount_isolated(dev, dir, fstype, flags, data, &step) < 0) {
		int e = errno;
		if (strcmp(step, "mount") != 0)
			rc = pc_fail_errno(PC_ERR_ENV, e, "mount %s on %s (%s): %s", dev, dir, fstype,
					   step);
		else if (e == ENODEV && pc_fs_kernel_has(fstype) == 0) {
			/* A kernel built without it, or whose module is missing
			 * (a VM's initramfs, a -cloud flavour): the environment,
			 * not the filesystem, and said so ("No such device" alone
			 * names nothing). */
			char missing[256];
			pc_fs_missing_why(fstype, missing, sizeof(missing));
			rc = pc_fail(PC_ERR_ENV, "mount %s: %s", dev, missing);
		} else if (e == EINVAL && opts && *opts)
			/* Not the scenario's error by itself: the same options
			 * mounted this filesystem before a cut, or a feature mkfs
			 * set is what the kernel lacks (pc_fs_mounts_bare). */
			rc = pc_fail_errno(PC_ERR_RUN, e, "mount %s (%s, options '%s')", dev,
					   fstype, opts);
		else if (e == EBUSY && held_by_openers(dev, "mount") < 0)
			rc = -1; /* taken since pc_fs_wait_released: named, class ENV */
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

int pc_fs_mounted_options(const char *dir, char *vfs, size_t vlen, char *fs, size_t flen)
{
	/* mountinfo names the mount point with every link resolved */
	char real[PATH_MAX];
	struct pc_mount_top t;
	if (!realpath(dir, real) || pc_mount_top(real, &t) <= 0)
		return -1;
	int rc = strlen(t.vfs_opts) < vlen && strlen(t.super_opts) < flen ? 0 : -1;
	if (rc == 0) {
		snprintf(vfs, vlen, "%s", t.vfs_opts);
		snprintf(fs, flen, "%s", t.super_opts);
	}
	pc_mount_top_free(&t);
	return rc;
}

int pc_fs_check_mount_applied(const char *dir, const char *fstype, const char *opts)
{
	char real[PATH_MAX];
	struct pc_mount_top t;
	if (!realpath(dir, real))
		return pc_fail_errno(PC_ERR_RUN, errno, "resolve %s to check its mount options", dir);
	int found = pc_mount_top(real, &t);
	if (found <= 0)
		return pc_fail(PC_ERR_RUN, "%s: %s, so the mount options were not checked", real,
			       found ? "/proc/self/mountinfo could not be read"
				     : "no mount there in /proc/self/mountinfo");
	char why[2048];
	int rc = pc_fs_check_applied(fstype, opts, t.super_opts, why, sizeof(why));
	pc_mount_top_free(&t);
	return rc < 0 ? pc_fail(PC_ERR_INPUT, "mount_opts: %s", why) : 0;
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

/* "e2fsck -fn": the check's command, without the device. */
static void fsck_command(const struct fs_tools *t, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; t->fsck[i] && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", t->fsck[i]);
}

/* e2fsck(8)'s bits that say the check could not be made, in their words. */
static const char *e2fsck_not_checked(int status)
{
	if (status & 8)
		return "an operational error";
	if (status & 16)
		return "a usage or syntax error";
	if (status & 32)
		return "cancelled";
	return NULL;
}

static int any_of(const char *const *texts, const char *out)
{
	for (size_t i = 0; texts[i]; i++)
		if (strstr(out, texts[i]))
			return 1;
	return 0;
}

/* Its status 1 (xfs_repair -n, btrfs check): errors found, or a check
 * that ended before it could find any (WHY says so). */
static enum pc_fsck_result fsck_one(const struct fs_tools *t, const char *cmd, const char *dev,
				    const char *out, char *why, size_t len)
{
	if (any_of(t->fsck_found, out) || any_of(t->fsck_damage, out))
		return PC_FSCK_ERRORS;
	char *msg = pc_fs_tool_message(out);
	snprintf(why, len, "%s on %s ended with status 1 before the end of its check (its output "
		 "lacks %s and names no damage found)%s%s: the filesystem was not checked", cmd,
		 dev, t->fsck_found_what, *msg ? ": " : "", msg);
	free(msg);
	return PC_FSCK_FAILED;
}

enum pc_fsck_result pc_fs_fsck_judge(const char *fstype, const char *dev, int status,
				     const char *output, char *why, size_t len)
{
	why[0] = '\0';
	const struct fs_tools *t = fs_lookup(fstype);
	if (!t) {
		snprintf(why, len, "fsck: unsupported filesystem '%s'", fstype);
		return PC_FSCK_FAILED;
	}
	const char *out = output ? output : "";
	char cmd[64];
	fsck_command(t, cmd, sizeof(cmd));
	/* e2fsck: 1 and 2 are errors it corrected (which -n never does, so it
	 * found them), 4 errors left: found, whatever else it says (12: it
	 * found errors, then could not go on). */
	if (t->fsck_bits && status > 0 && status < 64 && (status & 7))
		return PC_FSCK_ERRORS;
	if (!t->fsck_bits && status == 1)
		return fsck_one(t, cmd, dev, out, why, len);
	if (status == 0) {
		if (!any_of(t->fsck_done, out)) {
			snprintf(why, len, "%s on %s exited 0 but its output lacks %s: the check "
				 "did not run to its end", cmd, dev, t->fsck_done_what);
			return PC_FSCK_FAILED;
		}
		return any_of(t->fsck_damage, out) ? PC_FSCK_ERRORS : PC_FSCK_CLEAN;
	}
	char *msg = pc_fs_tool_message(out);
	const char *what = t->fsck_bits && status < 64 ? e2fsck_not_checked(status) : NULL;
	snprintf(why, len, "%s on %s ended with status %d (%s)%s%s: the filesystem was not checked",
		 cmd, dev, status, what ? what : "a status it does not document", *msg ? ": " : "",
		 msg);
	free(msg);
	return PC_FSCK_FAILED;
}

int pc_fs_fsck_unreplayed(const char *fstype, const char *output)
{
	const struct fs_tools *t = fstype ? fs_lookup(fstype) : NULL;
	return t && t->fsck_unreplayed && output && strstr(output, t->fsck_unreplayed);
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
	char why[1024];
	enum pc_fsck_result res = pc_fs_fsck_judge(fstype, dev, status, *output, why, sizeof(why));
	if (res == PC_FSCK_FAILED)
		pc_fail_cause(PC_ERR_RUN, tool_exhausted(*output), "%s", why);
	return res;
}
