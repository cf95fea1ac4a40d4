/* kmsg.c - a case's kernel log and its verdict rule; see kmsg.h.
 *
 * /dev/kmsg hands out one record per read(2):
 *     "PRI,SEQ,USEC,FLAGS[,...];MESSAGE\n" then " KEY=VALUE\n" lines.
 * A reader that falls behind the ring buffer gets EPIPE once and then
 * continues with the oldest record still there: we note the gap. */
#include "check/kmsg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs/fs.h"
#include "util/util.h"

/* Lines that fail a case (substrings, as _check_dmesg greps). */
static const char *const bad_lines[] = {
	"WARNING:", "BUG:", "kernel BUG at", "Oops", "Call Trace",
	"general protection fault", "UBSAN:",
	/* lockdep */
	"possible circular locking dependency", "possible recursive locking",
	"inconsistent lock state", "DEBUG_LOCKS_WARN_ON", "lockdep",
	/* hung task */
	"blocked for more than",
	/* filesystems */
	"EXT4-fs error", "BTRFS error", "BTRFS critical", "BTRFS: error",
};

/* Lines that hold a bad line's words but are notices, not faults: the
 * kernel's banner for the ignored `mand` mount option (fs/namespace.c
 * warn_mandlock, once per boot, whoever mounted with it) says "WARNING:". */
static const char *const notice_lines[] = {
	"WARNING: The mand mount option has been deprecated",
};

/* Under cut = error, what a filesystem or the block layer says about the
 * write errors the cut causes on the case's own device: allowed. */
static const char *const cut_error_allowed[] = {
	"I/O error", "IO failure", "errs: wr",
	"Detected aborted journal", "Couldn't clean up the journal", "Aborting journal",
	"Transaction aborted", "writeback error", "lost async page write",
	"error writing primary super block", "Corruption of in-memory data",
};

int pc_kmsg_begin(struct pc_kmsg *k)
{
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return pc_fail_errno(PC_ERR_ENV, errno, "kernel log: open /dev/kmsg");
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int err = errno;
		close(k->fd);
		k->fd = -1;
		return pc_fail_errno(PC_ERR_ENV, err, "kernel log: seek to the end of /dev/kmsg");
	}
	return 0;
}

void pc_kmsg_abort(struct pc_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

void pc_kmsg_note_device(struct pc_kmsg_result *r, dev_t dev)
{
	if (dev == 0 || r->ndevs >= PC_KMSG_MAX_DEVS)
		return;
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	for (size_t i = 0; i < r->ndevs; i++)
		if (!strcmp(r->devs[i], base) && (r->holding[i] || !r->released[i][0]))
			return;
	if (strlen(base) >= sizeof(r->devs[0]))
		return;
	r->devnums[r->ndevs] = dev;
	memcpy(r->devs[r->ndevs++], base, strlen(base) + 1);
}

/* A line at debug level in the kernel log.  Written with a newline so the
 * kernel closes the record at once (readers see it). */
static int mark(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	char *rec = xasprintf("<7>%s\n", line);
	int ok = fd >= 0 && write(fd, rec, strlen(rec)) == (ssize_t)strlen(rec);
	if (!ok)
		pc_warn("kernel log: cannot write a marker to /dev/kmsg (%s): every line naming "
			"the case's devices counts as the case's", strerror(errno));
	free(rec);
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* One marker line naming the devices WHICH selects, copied into OUT[i]
 * (held or released) of each. */
static void marker(struct pc_kmsg_result *r, const int *which, const char *what,
		   char (*out)[128])
{
	static unsigned serial;
	char names[PC_KMSG_MAX_DEVS * 33] = "", line[128];
	size_t n = 0;
	for (size_t i = 0; i < r->ndevs; i++) {
		if (!which[i])
			continue;
		strcat(names, " ");
		strcat(names, r->devs[i]);
		n++;
	}
	if (!n)
		return;
	snprintf(line, sizeof(line), "powercut[%ld]: case devices%s %s #%u", (long)getpid(),
		 names, what, ++serial);
	for (size_t i = 0; i < r->ndevs; i++)
		if (which[i])
			memcpy(out[i], line, sizeof(line));
	/* Without markers (kernel.printk_devkmsg = off) the window is the
	 * whole case: lines about the device before it was ours count too. */
	if (mark(line) < 0)
		r->no_markers = 1;
}

void pc_kmsg_hold(struct pc_kmsg_result *r)
{
	int which[PC_KMSG_MAX_DEVS] = { 0 };
	for (size_t i = 0; i < r->ndevs; i++)
		which[i] = !r->held[i][0];
	marker(r, which, "held", r->held);
	for (size_t i = 0; i < r->ndevs; i++)
		r->holding[i] |= which[i];
}

void pc_kmsg_drop_device(struct pc_kmsg_result *r, dev_t dev)
{
	int which[PC_KMSG_MAX_DEVS] = { 0 };
	for (size_t i = 0; dev && i < r->ndevs; i++)
		which[i] = r->holding[i] && r->devnums[i] == dev;
	marker(r, which, "released", r->released);
	for (size_t i = 0; i < r->ndevs; i++)
		r->holding[i] &= !which[i];
}

/* The first device the case still holds, or NULL. */
static const char *held_device(const struct pc_kmsg_result *r)
{
	for (size_t i = 0; i < r->ndevs; i++)
		if (r->holding[i])
			return r->devs[i];
	return NULL;
}

/* The test hook's line (attempts.h), "{dev}" replaced. */
static void inject(const struct pc_kmsg_result *r)
{
	const char *text = r->inject, *at = strstr(text, "{dev}");
	char *line = at ? xasprintf("%.*s%s%s", (int)(at - text), text, held_device(r), at + 5)
			: xstrdup(text);
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	char *rec = xasprintf("%s\n", line);
	if (fd < 0 || write(fd, rec, strlen(rec)) < 0)
		pc_warn("test hook: cannot write to /dev/kmsg: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(rec);
	free(line);
}

void pc_kmsg_test_inject(struct pc_kmsg_result *r)
{
	if (held_device(r) && r->inject)
		inject(r);
}

void pc_kmsg_release_devices(struct pc_kmsg_result *r)
{
	marker(r, r->holding, "released", r->released);
	memset(r->holding, 0, sizeof(r->holding));
}

#define POINT_MARK "crash point device"

/* "powercut[PID]: crash point device " */
static void point_prefix(char *out, size_t len)
{
	snprintf(out, len, "powercut[%ld]: " POINT_MARK " ", (long)getpid());
}

static void point_marker(struct pc_kmsg_result *r, const char *dev, const char *what)
{
	static unsigned serial;
	char prefix[64];
	point_prefix(prefix, sizeof(prefix));
	char *line = xasprintf("%s%s %s #%u", prefix, dev, what, ++serial);
	if (mark(line) < 0)
		r->no_markers = 1;
	free(line);
}

void pc_kmsg_point_hold(struct pc_kmsg_result *r, const char *devpath)
{
	const char *base = strrchr(devpath, '/');
	base = base ? base + 1 : devpath;
	if (strlen(base) >= sizeof(r->point_dev))
		return;
	snprintf(r->point_dev, sizeof(r->point_dev), "%s", base);
	point_marker(r, r->point_dev, "held");
}

void pc_kmsg_point_release(struct pc_kmsg_result *r)
{
	if (r->point_dev[0])
		point_marker(r, r->point_dev, "released");
	r->point_dev[0] = '\0';
}

/* A crash point's marker, "loop5 held #3" after the prefix: that device
 * is the case's until its release. */
static void point_window(struct pc_kmsg_result *r, const char *dev)
{
	size_t n = strcspn(dev, " ");
	const char *what = dev + n + (dev[n] == ' ');
	if (n == 0 || n >= sizeof(r->point_dev))
		return;
	memcpy(r->point_dev, dev, n);
	r->point_dev[n] = '\0';
	r->point_in_window = !strncmp(what, "held ", 5);
}

void pc_kmsg_window(struct pc_kmsg_result *r, const char *msg)
{
	for (size_t i = 0; i < r->ndevs; i++) {
		if (r->no_markers || (r->held[i][0] && !strcmp(msg, r->held[i])))
			r->in_window[i] = 1;
		else if (r->released[i][0] && !strcmp(msg, r->released[i]))
			r->in_window[i] = 0;
	}
	char prefix[64];
	point_prefix(prefix, sizeof(prefix));
	if (!strncmp(msg, prefix, strlen(prefix)))
		point_window(r, msg + strlen(prefix));
}

/* Does NAME occur in MSG as a device word ("loop3" in "dev loop3," or
 * "loop3-8", not in "loop31")? */
static int names_device(const char *msg, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = strstr(msg, name); p; p = strstr(p + 1, name)) {
		int before = p == msg || !isalnum((unsigned char)p[-1]);
		int after = !isalnum((unsigned char)p[len]);
		if (before && after)
			return 1;
	}
	return 0;
}

/* Does the word at W (LEN bytes) look like a block device name? */
static int device_word(const char *w, size_t len)
{
	static const char *const digit_prefixes[] = { "loop", "dm-", "md", "nbd", "mmcblk", "nvme" };
	static const char *const letter_prefixes[] = { "sd", "vd", "xvd", "hd" };
	for (size_t i = 0; i < sizeof(digit_prefixes) / sizeof(digit_prefixes[0]); i++) {
		size_t pl = strlen(digit_prefixes[i]);
		if (len > pl && !strncmp(w, digit_prefixes[i], pl) && isdigit((unsigned char)w[pl]))
			return 1;
	}
	for (size_t i = 0; i < sizeof(letter_prefixes) / sizeof(letter_prefixes[0]); i++) {
		size_t pl = strlen(letter_prefixes[i]);
		if (len > pl && len <= pl + 3 && !strncmp(w, letter_prefixes[i], pl)) {
			size_t k = pl;
			while (k < len && islower((unsigned char)w[k]))
				k++;
			while (k < len && isdigit((unsigned char)w[k]))
				k++;
			if (k == len)
				return 1;
		}
	}
	return 0;
}

static int names_any_device(const char *msg)
{
	const char *p = msg;
	while (*p) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		const char *w = p;
		/* "dm-3" keeps its dash; "loop0-8" (a jbd2 name) ends at it. */
		while (*p && (isalnum((unsigned char)*p) || (*p == '-' && p - w == 2 && !strncmp(w, "dm", 2))))
			p++;
		if (p > w && device_word(w, (size_t)(p - w)))
			return 1;
	}
	return 0;
}

static int has_any(const char *msg, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(msg, v[i]))
			return 1;
	return 0;
}

/* Damage the filesystems report below their error level: btrfs warns of
 * a metadata block whose checksum or generation is wrong and, with a good
 * copy (DUP metadata), repairs it and says so at info level, so that
 * neither the verify nor fsck sees it: a write it relied on was lost or
 * torn, which no cut may do to a block the committed tree points to.
 * XFS's verifiers say "Metadata corruption detected" or "Metadata CRC
 * error detected" (lower case, beside the "Corruption" of a shutdown). */
static const char *const btrfs_damage[] = {
	"checksum verify failed", "parent transid verify failed", "bad tree block",
	"read error corrected", "csum failed",
};
static const char *const xfs_damage[] = {
	"Corruption", "Internal error", "Metadata corruption", "Metadata CRC error",
};

/* JBD2's words for a damaged journal (fs/jbd2/recovery.c and journal.c,
 * Linux 6.x): checksums of a descriptor, data, commit block or the journal
 * superblock that do not match, an offset past the journal, a journal
 * block that does not map, passes that ended at different transactions.
 * Not "IO error ... recovering", "Failed to read block" (the device's
 * errors), "Out of memory" or "recovery failed" (the outcome, whose cause
 * has its own line). */
static const char *const jbd2_damage[] = {
	"JBD2: Invalid checksum recovering", "JBD2: Invalid checksum found in transaction",
	"JBD2: corrupted journal superblock", "JBD2: journal checksum error",
	"JBD2: bad block at offset", "JBD2: recovery pass",
};

static int is_journal_damage(const char *msg)
{
	return has_any(msg, jbd2_damage, sizeof(jbd2_damage) / sizeof(jbd2_damage[0]));
}

/* ext4's line when it could not load a journal (fs/ext4/super.c), the one
 * that names the device of JBD2's lines before it: "EXT4-fs (loop3): error
 * loading journal", "... Could not load journal inode".  Not any EXT4-fs
 * line naming a device: another run's mount may come between. */
static int journal_load_failed(const char *msg)
{
	return !strncmp(msg, "EXT4-fs (", 9) && names_any_device(msg) &&
	       (strstr(msg, "error loading journal") || strstr(msg, "Could not load journal"));
}

static int is_bad(const char *msg)
{
	if (has_any(msg, notice_lines, sizeof(notice_lines) / sizeof(notice_lines[0])))
		return 0;
	if (has_any(msg, bad_lines, sizeof(bad_lines) / sizeof(bad_lines[0])))
		return 1;
	if (!strncmp(msg, "BTRFS ", 6))
		return has_any(msg, btrfs_damage, sizeof(btrfs_damage) / sizeof(btrfs_damage[0]));
	return !strncmp(msg, "XFS (", 5) &&
	       has_any(msg, xfs_damage, sizeof(xfs_damage) / sizeof(xfs_damage[0]));
}

/* Does MSG give -NUM as a number: "error -5", "errno=-5", "ret=-5", "(-5)",
 * or btrfs's "failed to run delayed ref ...: -5"?  Not "-50" for -5. */
static int mentions_errno(const char *msg, const char *num)
{
	size_t n = strlen(num);
	for (const char *p = strstr(msg, "-"); p; p = strstr(p + 1, "-")) {
		if (p > msg && strchr(" :=(", p[-1]) && !strncmp(p + 1, num, n) &&
		    !(p[1 + n] >= '0' && p[1 + n] <= '9'))
			return 1;
	}
	return 0;
}

/* The cut's errors under cut = error: EIO (-5), and EROFS (-30), what a
 * filesystem the cut's EIO forced read-only says of the writes it still
 * had (btrfs: "failed to run delalloc range ...: -30").  A case mounts
 * read-write (mount_opts = ro is refused), so only an abort makes it
 * read-only, and the line of whatever caused the abort is judged itself. */
static int mentions_cut_errno(const char *msg)
{
	return mentions_errno(msg, "5") || mentions_errno(msg, "30");
}

/* Does MSG name one of the case's devices, inside its window? */
static int about_case_device(const char *msg, const struct pc_kmsg_result *r)
{
	int ours = r->point_in_window && names_device(msg, r->point_dev);
	for (size_t i = 0; i < r->ndevs && !ours; i++)
		ours = r->in_window[i] && names_device(msg, r->devs[i]);
	return ours;
}

/* The block layer's words for BLK_STS_NOSPC: the device answered ENOSPC. */
#define NOSPACE_LINE "critical space allocation error"

/* The block layer's and the buffer cache's words for a request the device
 * failed (blk_errors[]: BLK_STS_IOERR, _MEDIUM, _TARGET).  Outside cut =
 * error nothing of powercut fails a request on purpose (a dropped write
 * succeeds), so on the case's device they are the backing file's: the
 * disk or file system holding the work folder, or a fuse server gone. */
static const char *const device_error_lines[] = {
	"I/O error, dev ", "critical medium error, dev ", "critical target error, dev ",
	"Buffer I/O error on dev ",
};

/* A line of the case's device failing a request that the cut did not fail
 * (see device_error_lines). */
static int is_host_io_error(const char *msg, enum pc_flakey_mode cut)
{
	return cut != PC_FLAKEY_ERROR &&
	       has_any(msg, device_error_lines, sizeof(device_error_lines) / sizeof(device_error_lines[0]));
}

enum pc_kmsg_class pc_kmsg_classify(const char *msg, const struct pc_kmsg_result *r,
				    enum pc_flakey_mode cut)
{
	int nospace = strstr(msg, NOSPACE_LINE) != NULL;
	int hostio = !nospace && is_host_io_error(msg, cut);
	int journal = !nospace && !hostio && is_journal_damage(msg);
	if (!nospace && !hostio && !journal && !is_bad(msg))
		return PC_KMSG_FINE;
	int ours = about_case_device(msg, r);
	if (hostio) /* another device's failing is no news of the case's */
		return ours ? PC_KMSG_HOSTIO : names_any_device(msg) ? PC_KMSG_FOREIGN : PC_KMSG_FINE;
	if (journal && !ours && !names_any_device(msg))
		return pc_fs_other_driver_line(r->fs, msg) ? PC_KMSG_FOREIGN : PC_KMSG_UNTIED;
	if (nospace)
		return ours ? PC_KMSG_NOSPACE : names_any_device(msg) ? PC_KMSG_FOREIGN : PC_KMSG_FINE;
	/* another filesystem driver's line is some other mount's, even naming
	 * no device ("EXT4-fs error: 898 callbacks suppressed", xfs case) */
	if (!ours && (names_any_device(msg) || pc_fs_other_driver_line(r->fs, msg)))
		return PC_KMSG_FOREIGN;
	if (ours && cut == PC_FLAKEY_ERROR &&
	    (mentions_cut_errno(msg) ||
	     has_any(msg, cut_error_allowed, sizeof(cut_error_allowed) / sizeof(cut_error_allowed[0]))))
		return PC_KMSG_ALLOWED;
	return PC_KMSG_BAD;
}

void pc_kmsg_note_said(struct pc_kmsg_result *r, unsigned level, const char *msg,
		       enum pc_kmsg_class cls)
{
	if (!r->said[0] && cls == PC_KMSG_FINE && level <= 4 && about_case_device(msg, r))
		snprintf(r->said, sizeof(r->said), "%s", msg);
}

/* One record: "PRI,SEQ,USEC,FLAGS;MESSAGE\n[ KEY=VALUE\n...]".  Writes
 * "[   12.345678] <4> MESSAGE" to LOG and judges MESSAGE. */
void pc_kmsg_take_record(char *rec, FILE *log, enum pc_flakey_mode cut, struct pc_kmsg_result *r)
{
	char *semi = strchr(rec, ';');
	if (!semi)
		return;
	*semi = '\0';
	char *msg = semi + 1;
	char *nl = strchr(msg, '\n');
	if (nl)
		*nl = '\0';
	unsigned long pri = 0, usec = 0;
	unsigned long long seq = 0;
	if (sscanf(rec, "%lu,%llu,%lu", &pri, &seq, &usec) < 3)
		return;
	r->lines++;
	pc_kmsg_window(r, msg);
	enum pc_kmsg_class cls = pc_kmsg_classify(msg, r, cut);
	int tied = 0; /* MSG names the device of the journal damage held */
	if (cls == PC_KMSG_UNTIED) {
		if (!r->journal_damage[0])
			snprintf(r->journal_damage, sizeof(r->journal_damage), "%s", msg);
	} else if (r->journal_damage[0] && journal_load_failed(msg)) {
		tied = about_case_device(msg, r);
		if (tied && !r->error[0])
			snprintf(r->error, sizeof(r->error), "%.250s (then %.250s)",
				 r->journal_damage, msg);
		else if (!tied)
			r->foreign++;
		r->journal_damage[0] = '\0';
	}
	pc_kmsg_note_said(r, (unsigned)(pri & 7), msg, cls);
	const char *mark = cls == PC_KMSG_FOREIGN ? " (other device)"
			 : cls == PC_KMSG_ALLOWED ? " (expected under cut = error)"
			 : cls == PC_KMSG_UNTIED ? " (journal damage: whose, ext4's next journal "
						   "load failure tells)"
			 : tied ? " (the damaged journal's device: the case's)" : "";
	if (log)
		fprintf(log, "[%5lu.%06lu] <%lu> %s%s\n", usec / 1000000, usec % 1000000, pri & 7,
			msg, cls == PC_KMSG_BAD ? "" : mark);
	if (cls == PC_KMSG_FOREIGN)
		r->foreign++;
	else if (cls == PC_KMSG_ALLOWED)
		r->allowed++;
	else if (cls == PC_KMSG_BAD && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", msg);
	else if (cls == PC_KMSG_NOSPACE && !r->nospace[0])
		snprintf(r->nospace, sizeof(r->nospace), "%s", msg);
	else if (cls == PC_KMSG_HOSTIO && !r->hostio[0])
		snprintf(r->hostio, sizeof(r->hostio), "%s", msg);
}

int pc_kmsg_host_failed(const struct pc_kmsg_result *r)
{
	return r->nospace[0] || r->hostio[0];
}

/* The saved log holds every line of the case's time, other users' and
 * devices' too: readable by others only where the kernel lets them read
 * its log (kernel.dmesg_restrict 0); if that cannot be read, not. */
static mode_t saved_log_mode(void)
{
	char c = '1';
	int fd = open("/proc/sys/kernel/dmesg_restrict", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '1';
		close(fd);
	}
	return c == '0' ? 0644 : 0600;
}

/* PATH made afresh (pc_create_new) for the saved log; NULL with errno. */
static FILE *create_saved_log(const char *path)
{
	int fd = pc_create_new(path, saved_log_mode());
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !f) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return f;
}

int pc_kmsg_end(struct pc_kmsg *k, const char *path, enum pc_flakey_mode cut,
		struct pc_kmsg_result *r)
{
	if (k->fd < 0) {
		snprintf(r->why_unchecked, sizeof(r->why_unchecked), "/dev/kmsg was not open");
		return pc_fail(PC_ERR_RUN, "kernel log: /dev/kmsg was not open");
	}
	FILE *log = NULL;
	if (path && !(log = create_saved_log(path))) {
		int err = errno;
		pc_kmsg_abort(k);
		snprintf(r->why_unchecked, sizeof(r->why_unchecked), "cannot write %s", path);
		return pc_fail_errno(PC_ERR_RUN, err, "kernel log: create %s", path);
	}
	/* A record is at most about 8 KiB with its dictionary. */
	char buf[8192 + 1];
	int rc = 0;
	for (;;) {
		ssize_t n = read(k->fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			pc_kmsg_take_record(buf, log, cut, r);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) { /* overrun: records lost, read on */
			r->lost++;
			if (log)
				fputs("[ ... kernel log records lost: the ring buffer wrapped ... ]\n", log);
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			break;
		rc = pc_fail_errno(PC_ERR_RUN, errno, "kernel log: read /dev/kmsg");
		snprintf(r->why_unchecked, sizeof(r->why_unchecked), "read /dev/kmsg: %s",
			 strerror(errno));
		break;
	}
	pc_kmsg_abort(k);
	/* no journal load failure named the damaged journal's device: not the
	 * case's, whose mount would have said it ("error loading journal") */
	if (r->journal_damage[0]) {
		r->foreign++;
		r->journal_damage[0] = '\0';
	}
	if (log && fclose(log) != 0 && rc == 0) {
		rc = pc_fail_errno(PC_ERR_RUN, errno, "kernel log: write %s", path);
		snprintf(r->why_unchecked, sizeof(r->why_unchecked), "cannot write %s", path);
	}
	if (rc == 0)
		r->checked = 1;
	return rc;
}
