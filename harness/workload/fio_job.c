/* fio_job.c - read and check fio job files; see fio_job.h.
 *
 * Why not libinih: fio does not read an INI file as libinih does.  fio cuts
 * every line at its first ';' or '#' (libinih only at " ;"), reads every
 * line starting with "include" as an include, takes a section name up to
 * its first ']' whatever its length (libinih stops at 50 characters), treats
 * every section whose name starts with "global" as [global], and expands
 * ${VAR} anywhere on a line, keys included.  A job file read differently
 * from fio was a job file checked for options fio never saw.  So the reader
 * below follows fio's own (init.c __parse_jobs_ini, parse.c strip_blank_end,
 * options.c option_dup_subs in fio 3.33), refuses what it cannot read
 * exactly as fio does, and fio's own view (--showcmd) is checked against it
 * (pc_fio_job_check_showcmd).
 *
 * What the crash check needs (fio 3.33; docs/design.md, "Workloads: fio"): every block
 * written at most once per run, written by one job only, read back by the
 * verify pass in the same order and at the same place, with fio's block
 * header and checksum, and nothing read or written outside the filesystem
 * under test.  The rules below refuse each option that breaks one of these.
 */
#include "workload/fio_job.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "run/state.h"
#include "util/input.h"
#include "util/size.h"
#include "util/util.h"

#define MAX_LINE 4096

/* Longest job name: fio keeps 127 characters of it in its report
 * (FIO_JOBNAME_SIZE), which the check finds the job by; 100 leaves room. */
#define MAX_JOB_NAME 100

struct parser {
	const char *shown;
	FILE *f;
	unsigned lineno;
	struct pc_fio_section *sections;
	size_t nsections;
	int failed;
};

static int job_error(struct parser *p, unsigned line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "SHOWN:LINE: KEY: message" (class INPUT); stops the parse. */
static int job_error(struct parser *p, unsigned line, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pc_input_vfail_at(p->shown, line, key, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return rc;
}

/* ---- values ---------------------------------------------------------- */

/* fio 3.33 (parse.c str_to_decimal) reads a value holding "0x" as hex;
 * a suffix after the digits is then not one ("0x10k" is 16 bytes, and
 * "0x1000b" 65547: b is a digit), so only digits are taken: size=0x10000
 * and bs=0x1000 wrote 16 blocks of 4096.  Up to fio's strtoll limit. */
static int parse_hex(const char *s, uint64_t *out)
{
	const char *digits = s + 2;
	if (!*digits || digits[strspn(digits, "0123456789abcdefABCDEF")])
		return -1;
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, 16);
	if (errno || v > LLONG_MAX)
		return -1;
	*out = v;
	return 0;
}

/* S as fio reads a size with kb_base KB (1024, 1000; 0: unknown, -1). */
static int size_kb(const char *s, unsigned kb, uint64_t *out)
{
	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex(s, out);
	if (kb != 1024 && kb != 1000)
		return -1;
	return pc_size_parse(s, kb == 1000 ? pc_size_suffixes_fio_kb1000 : pc_size_suffixes_fio,
			     out);
}

int pc_fio_parse_size(const char *s, uint64_t *out)
{
	return size_kb(s, 1024, out);
}

/* Option O's value as a size, with the kb_base fio reads it with. */
static int opt_size(const struct pc_fio_opt *o, uint64_t *out)
{
	return size_kb(o->value ? o->value : "", o->kb_base, out);
}

/* fio's booleans: a bare key is true; true/yes/on and false/no/off; else a
 * number.  -1 when it is none of these. */
static int parse_bool(const char *v)
{
	if (!*v || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		return 0;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 0);
	if (end == v || *end || errno)
		return -1;
	return n != 0;
}

/* ---- rules ----------------------------------------------------------- */

enum rule_kind {
	R_FINE,        /* accepted (what the job checks below read of it aside) */
	R_ANY,       /* refused whatever its value */
	R_TRUE,      /* refused when true (or not a boolean) */
	R_FALSE,     /* refused when false (or not a boolean) */
	R_ABOVE_1,   /* refused when above 1 (or not a number) */
	R_VALUE,     /* value checked by a function */
};

struct rule {
	const char *names;   /* the option and its fio aliases, '|'-separated */
	enum rule_kind kind;
	const char *why;
	/* R_VALUE: NULL when the value is fine, else why it is refused. */
	const char *(*check)(const char *value);
};

static const char *const write_modes[] = { "write", "randwrite", NULL };
/* Engines that write the job's files through the kernel's file I/O paths. */
static const char *const engines[] = {
	"sync", "psync", "vsync", "pvsync", "pvsync2", "libaio", "io_uring", "posixaio", NULL,
};
/* verify= values that put fio's header (magic, offset, length, seed) and a
 * checksum into every block. */
static const char *const checksums[] = {
	"md5", "crc64", "crc32c", "crc32c-intel", "crc32", "crc16", "crc7", "sha1",
	"sha256", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "xxhash", NULL,
};

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static const char *check_rw(const char *v)
{
	if (in_list(write_modes, v))
		return NULL;
	if (strchr(v, ':'))
		return "an offset modifier (rw=...:N) can move back over blocks already written; "
		       "use plain write or randwrite";
	return "powercut checks write jobs (rw=write or rw=randwrite): reads have nothing to "
	       "verify, trims and mixed jobs discard or rewrite verified blocks";
}

static const char *check_engine(const char *v)
{
	if (in_list(engines, v))
		return NULL;
	return "not one of the engines that write files through the kernel (sync, psync, "
	       "vsync, pvsync, pvsync2, libaio, io_uring, posixaio)";
}

static const char *check_verify(const char *v)
{
	if (in_list(checksums, v))
		return NULL;
	/* fio 3.33 (verify.c verify_io_u_sha512) has no sha512 final step and
	 * compares the context's 128-byte buffer, raw data of the block's
	 * first and last 128 bytes, instead of a digest: 32 bytes changed in
	 * the middle of a 4 KiB block passed its verify. */
	if (!strcmp(v, "sha512"))
		return "fio 3.33's sha512 check compares 128 bytes of the block's data, not a "
		       "digest of it (a block changed in its middle passes); use sha256, sha3-512, "
		       "crc32c or another checksum";
	if (!strcmp(v, "pattern"))
		return "verify=pattern has no block header: a block written elsewhere or never "
		       "written would pass; use a checksum such as crc32c";
	return "not a checksum with fio's block header (e.g. crc32c, md5, sha256); without one "
	       "the check cannot tell a lost block from a good one";
}

/* One name of a filename= list: relative, below the directory. */
static const char *check_one_name(const char *name, size_t len)
{
	if (len == 0)
		return "an empty file name";
	if (name[0] == '/')
		return "an absolute path: the job's files must be on the filesystem under test "
		       "(powercut sets the directory; give names relative to it)";
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && name[j] != '/')
			j++;
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.')
			return "a '..' component leads out of the directory under test";
		i = j + 1;
	}
	/* fio takes the name as it is: x/ (or x/.) made the folder x and
	 * failed every case after mkfs ('func=unlink, error=Is a directory') */
	if (name[len - 1] == '/' || (len > 1 && name[len - 1] == '.' && name[len - 2] == '/'))
		return "it names a folder, not a file (it ends with '/' or '/.'): fio makes the "
		       "folder, then fails on it with 'Is a directory'";
	return NULL;
}

/* The end of the first name of the filename= list V: its first ':' not
 * after a '\' (fio 3.33 options.c get_next_str: "\:" is a colon of the
 * name, its '\' dropped; "\\:" is a '\' and an escaped colon), or V's
 * end.  The next name starts after it when it is a ':'.  An empty name
 * (a leading, doubled or trailing ':'), which fio skips or stops at, is
 * left to the callers: check_filename refuses it. */
static const char *name_end(const char *v)
{
	while (*v && *v != ':')
		v += (*v == '\\' && v[1] == ':') ? 2 : 1;
	return v;
}

/* fio splits filename= on ':' (name_end). */
static const char *check_filename(const char *v)
{
	for (;;) {
		const char *end = name_end(v);
		const char *why = check_one_name(v, (size_t)(end - v));
		if (why)
			return why;
		if (!*end)
			return NULL;
		v = end + 1;
	}
}

/* filename_format is one name: fio 3.33 neither splits it at ':' nor
 * drops the '\' of a "\:" (init.c make_filename; filename_format=a\:b
 * wrote the file 'a\:b').  Expanded, it is checked again (add_files_of). */
static const char *check_format(const char *v)
{
	return check_one_name(v, strlen(v));
}

/* random_generator: read by job_order.  fio 3.33 takes a choice's value up
 * to its first ',' (else ':') and ignores the rest (parse.c opt_len), so
 * random_generator=lfsr:1 or lfsr,x drew lfsr's offsets while powercut took
 * the job for a random-map one: its mid-run check read the blocks sorted by
 * offset and counted an O_SYNC write in flight at the cut lost.  Only the
 * bare names, which powercut reads as fio does. */
static const char *check_generator(const char *v)
{
	static const char *const generators[] = { "tausworthe", "lfsr", "tausworthe64", NULL };
	if (in_list(generators, v))
		return NULL;
	return "give the generator's name alone (tausworthe, tausworthe64 or lfsr): fio 3.33 "
	       "ignores what follows a ',' or ':' (it draws lfsr's offsets for 'lfsr:1'), "
	       "and powercut reads the name to tell how fio's check orders the blocks";
}

static const char *check_distribution(const char *v)
{
	if (!strcmp(v, "random"))
		return NULL;
	return "a non-uniform distribution can pick a block again; use random_distribution=random";
}

/* file_service_type: fio 3.33 resets a file that is full under a
 * non-uniform choice (zipf, pareto, gauss, normal: set_io_u_file calls
 * fio_file_reset) and writes its blocks again: nrfiles=4, zipf, 2048
 * writes put 1822 into one file of 512 blocks.  fio's check after the cut
 * (verify_only) does not tell one write of a block from another (it skips
 * numberio and takes the seed from the block's own header), so an older
 * version of a block surviving a lost later write would pass. */
/* What follows random, roundrobin or sequential (REST: "" or ":..."): fio
 * 3.33's str_fst_cb reads it with atoi as the I/Os a file gets before the
 * next is chosen, and __get_next_file then counts down file_service_nr - 1,
 * unsigned: 0 (no digits, "x") or a negative count keeps each file it picks
 * for about 2^32 I/Os, until that file is done, and what follows the digits
 * is dropped (fio 3.33, write_iolog of nrfiles=2: random:0 and roundrobin:x
 * write 32 blocks to one file, then 32 to the other; random:8x is random:8;
 * sequential:8 is sequential).  sequential never
 * reads the count: it finishes one file before the next whatever it says. */
static const char *check_file_service_count(const char *choice, const char *rest)
{
	if (!*rest)
		return NULL;
	if (!strcmp(choice, "sequential"))
		return "fio ignores what follows 'sequential:' (it finishes one file before the "
		       "next whatever the count says), which powercut does not take as meant; "
		       "give sequential alone";
	const char *digits = rest + 1;
	size_t n = strspn(digits, "0123456789");
	if (n && n == strlen(digits) && n <= 9 && strspn(digits, "0") < n)
		return NULL;
	return "fio reads the ':N' of random and roundrobin with atoi, as the I/Os a file gets "
	       "before the next: no digits, 0 or a negative count keep each file it picks for about "
	       "2^32 I/Os (until that file is done: one file after the other), and what follows "
	       "the digits is dropped; give N as a count from 1 (at most 9 digits)";
}

static const char *check_file_service(const char *v)
{
	static const char *const uniform[] = { "random", "roundrobin", "sequential", NULL };
	static const char *const skewed[] = { "zipf", "pareto", "gauss", "normal", NULL };
	/* fio matches the choice up to a ',' or else a ':' (parse.c opt_len) */
	size_t n = strcspn(v, ",:");
	for (size_t i = 0; skewed[i]; i++)
		if (strlen(skewed[i]) == n && !strncmp(v, skewed[i], n))
			return "a non-uniform choice of file (zipf, pareto, gauss, normal) makes fio "
			       "write a full file again from its start, and its check after the cut "
			       "cannot tell an older write of a block from the last one; use random, "
			       "roundrobin or sequential";
	for (size_t i = 0; uniform[i]; i++)
		if (strlen(uniform[i]) == n && !strncmp(v, uniform[i], n))
			return v[n] == ',' ? "fio reads the choice before the ',' and drops what "
					     "follows it, which powercut does not take as meant; give "
					     "random, roundrobin or sequential, with :N (files "
					     "switched every N I/Os, random and roundrobin) if at all"
					   : check_file_service_count(uniform[i], v + n);
	return "not a choice of file powercut takes: give random, roundrobin or sequential, "
	       "with :N (files switched every N I/Os, random and roundrobin) if at all";
}

/* fsync=, fdatasync=, iodepth=: how many writes before a mid-run cut may be
 * complete and not yet synced (pc_fio_job.unsynced) is counted from them,
 * so they must be read exactly as fio reads them: digits only.  fio also
 * takes "1k" (1024), "0x10" or "$ncpus", which powercut would misread. */
static const char *check_plain_count(const char *v)
{
	if (*v && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 9)
		return NULL;
	return "give it as a plain number (digits): powercut counts from it the writes a "
	       "mid-run cut may catch complete and not yet synced";
}

/* end_fsync=, fsync_on_close=: whether a job's last writes were synced is
 * read from them (pc_fio_job.sync_at_end), so they must be read as fio
 * reads them.  fio 3.33 reads a boolean's leading number (sscanf "%u":
 * "1k", "1.5" and "1abc" are 1, and it fsyncs at the end), which
 * parse_bool cannot read: the job's unsynced tail was then left out of
 * the check although fio had synced it. */
static const char *check_plain_bool(const char *v)
{
	if (parse_bool(v) >= 0)
		return NULL;
	return "give it as 0 or 1: powercut reads from it whether the job's last writes "
	       "were synced, and fio reads this value by its leading digits";
}

/* sync=: whether every write is durable when it completes is read from it
 * (pc_fio_job.syncs), so one of fio's values exactly.  fio 3.33 matches a
 * value up to its first ',' or ':' (parse.c opt_len): sync=dsync:x opened
 * the file O_DSYNC, which powercut read as no sync (with fsync=N too, it
 * left the last N writes, durable, out of the check). */
static const char *check_sync(const char *v)
{
	static const char *const values[] = { "none", "0", "sync", "1", "dsync", NULL };
	if (in_list(values, v))
		return NULL;
	return "give it as none, 0, sync, 1 or dsync: powercut reads from it whether each "
	       "write is durable when it completes (fio reads 'dsync:x' as dsync)";
}

/* numjobs: 1 (the default) only. */
static const char *check_numjobs(const char *v)
{
	if (!strcmp(v, "1"))
		return NULL;
	if (!strcmp(v, "0"))
		return "a job with numjobs=0 does not run (fio 3.33 then fails: 'failed to setup "
		       "shm segment'); remove the section";
	return "give each job its own section: the check bounds each job by its own count of "
	       "completed writes";
}

/* percentage_random: 100 (for every direction: "100,100") or nothing. */
static const char *check_random_share(const char *v)
{
	for (const char *c = v; *c;) {
		if (strncmp(c, "100", 3) || (c[3] && c[3] != ','))
			return "a sequential share in a random job writes blocks the random part "
			       "writes again (fio's own verify then fails: bad header numberio)";
		c += 3;
		if (*c == ',')
			c++;
	}
	return NULL;
}

/* filesize=A-B (or A:B, A,B: fio's separators of an option's two values):
 * fio draws each file's size in the range at random, and when a file
 * exists with a size in the range it takes that size instead (filesetup.c
 * setup_files).  After a mid-run cut a file that grows with its writes
 * (fallocate=none or keep, create_on_open=1, or a size the cut took away)
 * is shorter than drawn, so the check draws other random offsets than the
 * write pass did: randwrite, filesize=1m-8m, fallocate=none, sync=1 read
 * 47 of 74 blocks never written, with no cut at all. */
static const char *check_filesize(const char *v)
{
	if (!strpbrk(v, "-:,"))
		return NULL;
	return "a range of file sizes: fio draws each file's size at random, and its check "
	       "after the cut takes a file's size as it finds it when it lies in the range, "
	       "so a file shorter after the cut is checked at other offsets than were written; "
	       "give one size";
}

/* offset=P%: of the file's size when fio opens it, which is not the same
 * in the write pass (no file yet) as in the verify pass (the file written):
 * on ext4 the verify pass of offset=50% read half the blocks elsewhere. */
static const char *check_offset(const char *v)
{
	if (!strchr(v, '%'))
		return NULL;
	return "a percentage is of the file's size when fio opens it, which differs between "
	       "the write pass (no file yet) and the check after the cut (the file written), "
	       "so the check reads other blocks than were written; give it in bytes";
}

/* io_submit_mode=offload: fio 3.33 deadlocks with --status-interval or
 * --trigger-file, which powercut gives it (seen with libaio, iodepth=8:
 * no write for minutes, SIGTERM ignored). */
static const char *check_submit_mode(const char *v)
{
	if (!strcmp(v, "inline"))
		return NULL;
	return "fio 3.33 hangs with it under the --status-interval and --trigger-file powercut "
	       "runs it with; use inline (the default)";
}

static const char *check_zonemode(const char *v)
{
	if (!strcmp(v, "none"))
		return NULL;
	return "zones can be reset and written again";
}

/* mem=/iomem=: mmap, mmaphuge and mmapshared take an optional ":FILE",
 * which fio creates and writes, as root, wherever it points. */
static const char *check_mem(const char *v)
{
	if (!strchr(v, ':'))
		return NULL;
	return "a file for fio's I/O buffers, which fio creates wherever the path points: "
	       "use the form without a path (mmap, mmapshared, mmaphuge) or malloc";
}

/* buffer_pattern=, verify_pattern=: fio 3.33 (lib/pattern.c parse_file)
 * reads a part between single quotes as a file name and fills the
 * pattern with the file's first bytes: verify_pattern='/etc/hostname' was
 * opened by fio --parse-only, as root, and a FIFO there hung it. */
static const char *check_pattern(const char *v)
{
	if (!strchr(v, '\''))
		return NULL;
	return "a part between single quotes is a file fio reads the pattern from, as root, "
	       "outside the filesystem under test (a FIFO there hangs fio); give the pattern "
	       "as a number (0x...) or a \"string\"";
}

static const char *check_unified(const char *v)
{
	if (!strcmp(v, "none") || !strcmp(v, "0"))
		return NULL;
	return "fio's report would count the writes under another name (mixed), and the check "
	       "reads the job's write counts";
}

static const char *const OWNED = "powercut sets it: the write pass runs with do_verify=0 "
				 "and verify_state_save=1, the check after the cut with "
				 "verify_only, verify_state_load=1, continue_on_error=verify "
				 "and number_ios from the write pass";
static const char *const OUTSIDE = "reads or writes a path outside the filesystem under test";
static const char *const LOG = "writes a log file wherever its name points, outside the "
			       "filesystem under test (fio's report is kept in the case folder)";
static const char *const IOLOG = "belongs to replaying an I/O log (read_iolog), which is "
				 "refused: the job would not write what its lines say";
static const char *const HOST = "changes the host's settings, not only the job's";
static const char *const ZONES = "zones are for zoned devices and strided jobs; powercut "
				 "checks plain write and randwrite jobs (zonemode=none)";
static const char *const TRIMS = "trims discard blocks the check expects";
static const char *const OLD = "fio 3.33 ignores it (deprecated): the job would not do what "
			       "the line says";
static const char *const REPORT = "merges or drops the per-job write counts in fio's report, "
				  "which the check reads";

/* do_verify: powercut sets it (OWNED); do_verify=0 is what a job asks when
 * it is not to be checked, which is all powercut does with it. */
static const char *check_do_verify(const char *v)
{
	if (parse_bool(v) == 0)
		return "the job asks fio not to verify its writes, and powercut's check is fio's "
		       "verify (fio --verify_only after the cut): the check could not run as the "
		       "job asks; drop the line (powercut runs the write pass with do_verify=0 "
		       "and verifies after the cut)";
	return OWNED;
}

/* Every option powercut accepts is a row here: the table is an allowlist,
 * and an option that is in no row (a misspelling, an option of another
 * fio version, an engine's option powercut has not checked) is refused by
 * name (refusal).  One row per option, with fio's aliases; R_FINE rows are
 * options checked to change neither where fio writes nor what the check
 * can see (some are read again per job below: size, bs, nrfiles, sync,
 * fsync...).  fio 3.33's options (options.c, fio --cmdhelp=all) and the
 * options of the engines in ENGINES (fio --enghelp=ENGINE). */
static const struct rule rules[] = {
	/* ---- the job, its files and where they are */
	{ "description", R_FINE, NULL, NULL },
	/* in [global] it names no job: fio names each job after its section
	 * (init.c get_new_job), so it is accepted there (read_option) */
	{ "name", R_ANY, "fio would report the job and save its state under this name but "
	  "name its files after the [section] (NAME.0.0): powercut knows a job by one name, "
	  "its section's; rename the section instead", NULL },
	{ "wait_for", R_FINE, NULL, NULL },          /* not its own job: check_wait_for */
	{ "filename", R_VALUE, NULL, check_filename },
	{ "filename_format", R_VALUE, NULL, check_format },
	{ "directory", R_ANY, "powercut sets the directory, a folder on the filesystem under "
	  "test; name files relative to it", NULL },
	{ "opendir", R_ANY, "adds files from a folder that may be outside the filesystem "
	  "under test", NULL },
	{ "unique_filename", R_FINE, NULL, NULL },
	{ "lockfile", R_FINE, NULL, NULL },
	{ "nrfiles|nr_files", R_FINE, NULL, NULL },
	{ "openfiles", R_FINE, NULL, NULL },
	{ "file_service_type", R_VALUE, NULL, check_file_service },
	{ "size", R_FINE, NULL, NULL },
	{ "filesize", R_VALUE, NULL, check_filesize },
	/* at most the job's size, a plain count: check_io_size */
	{ "io_size|io_limit", R_FINE, NULL, NULL },
	{ "fill_device|fill_fs", R_TRUE, "writes until the filesystem is full; set size", NULL },
	{ "file_append", R_TRUE, "the verify pass would read from the file's new end", NULL },
	{ "offset|fileoffset", R_VALUE, NULL, check_offset },
	/* multiplied by the job's number among numjobs copies, and numjobs
	 * is 1: no effect */
	{ "offset_increment", R_FINE, NULL, NULL },
	{ "offset_align", R_FINE, NULL, NULL },
	{ "fallocate", R_FINE, NULL, NULL },
	{ "fadvise_hint", R_FINE, NULL, NULL },
	{ "create_serialize", R_FINE, NULL, NULL },
	{ "create_fsync", R_FINE, NULL, NULL },
	{ "create_on_open", R_FINE, NULL, NULL },
	{ "create_only", R_TRUE, "nothing would be written", NULL },
	{ "allow_file_create", R_FALSE, "the job's directory is new and empty in every case: "
	  "fio could not create the job's files and fails when it runs", NULL },
	{ "allow_mounted_write", R_TRUE, "lets fio write to a mounted block device; the job's "
	  "files are on the filesystem under test", NULL },
	{ "pre_read", R_FINE, NULL, NULL },
	{ "invalidate", R_FINE, NULL, NULL },
	{ "unlink", R_TRUE, "the files are deleted when the job ends: nothing is left to "
	  "verify", NULL },
	{ "unlink_each_loop", R_TRUE, "the files are deleted when the job ends: nothing is "
	  "left to verify", NULL },
	/* ---- what it writes, and in what order */
	{ "rw|readwrite", R_VALUE, NULL, check_rw },
	/* it orders the offsets of rw=...:N, which is refused */
	{ "rw_sequencer", R_FINE, NULL, NULL },
	{ "rwmixread", R_FINE, NULL, NULL },
	{ "rwmixwrite", R_FINE, NULL, NULL },
	{ "rwmixcycle", R_ANY, OLD, NULL },
	{ "bs|blocksize", R_FINE, NULL, NULL },
	{ "bsrange|blocksize_range", R_FINE, NULL, NULL },
	{ "bssplit", R_FINE, NULL, NULL },
	{ "bs_unaligned|blocksize_unaligned", R_FINE, NULL, NULL },
	{ "bs_is_seq_rand", R_FINE, NULL, NULL },
	{ "blockalign|ba", R_ANY, "fio turns its random map off with it, and blocks are "
	  "written twice", NULL },
	{ "randrepeat", R_FALSE, "the verify pass would pick other random offsets than the "
	  "write pass", NULL },
	{ "allrandrepeat", R_FINE, NULL, NULL },
	{ "randseed", R_FINE, NULL, NULL },
	{ "norandommap", R_TRUE, "a block can be written twice, so a later write can replace "
	  "one the check expects", NULL },
	{ "softrandommap", R_TRUE, "fio goes on without its random map when it cannot "
	  "allocate one, and blocks are then written twice", NULL },
	{ "random_generator", R_VALUE, NULL, check_generator },
	{ "random_distribution", R_VALUE, NULL, check_distribution },
	{ "percentage_random", R_VALUE, NULL, check_random_share },
	{ "percentage_sequential", R_ANY, OLD, NULL },
	{ "loops", R_ABOVE_1, "every loop writes the blocks again", NULL },
	{ "numjobs", R_VALUE, NULL, check_numjobs },
	{ "number_ios", R_ANY, NULL, NULL },
	{ "time_based", R_TRUE, "fio would keep writing until the clock stops, writing "
	  "blocks again after they were verified", NULL },
	{ "runtime|timeout", R_FINE, NULL, NULL },
	{ "startdelay", R_FINE, NULL, NULL },
	{ "ramp_time", R_TRUE, "fio leaves the writes of the ramp out of its counts, and the "
	  "last writes before the cut would go unchecked", NULL },
	{ "steadystate|ss", R_FINE, NULL, NULL },
	{ "steadystate_duration|ss_dur", R_FINE, NULL, NULL },
	{ "steadystate_ramp_time|ss_ramp", R_FINE, NULL, NULL },
	{ "overwrite", R_FINE, NULL, NULL },
	{ "trim_percentage", R_ANY, TRIMS, NULL },
	{ "trim_verify_zero", R_ANY, TRIMS, NULL },
	{ "trim_backlog", R_ANY, TRIMS, NULL },
	{ "trim_backlog_batch", R_ANY, TRIMS, NULL },
	/* ---- the engine and how it submits */
	{ "ioengine", R_VALUE, NULL, check_engine },
	{ "iodepth", R_VALUE, NULL, check_plain_count },
	{ "iodepth_batch|iodepth_batch_submit", R_FINE, NULL, NULL },
	{ "iodepth_batch_complete_min|iodepth_batch_complete", R_FINE, NULL, NULL },
	{ "iodepth_batch_complete_max", R_FINE, NULL, NULL },
	{ "iodepth_low", R_FINE, NULL, NULL },
	{ "serialize_overlap", R_FINE, NULL, NULL },
	{ "io_submit_mode", R_VALUE, NULL, check_submit_mode },
	{ "direct", R_FINE, NULL, NULL },
	{ "buffered", R_FINE, NULL, NULL },
	/* O_DIRECT and a flag the kernel ignores (fio 3.33's FIO_O_ATOMIC) */
	{ "atomic", R_FINE, NULL, NULL },
	{ "sync", R_VALUE, NULL, check_sync },
	{ "fsync", R_VALUE, NULL, check_plain_count },
	{ "fdatasync", R_VALUE, NULL, check_plain_count },
	/* promises nothing: sync_file_range does not flush the device's
	 * cache nor the file's metadata, and the job counts as never syncing */
	{ "sync_file_range", R_FINE, NULL, NULL },
	{ "write_barrier", R_FINE, NULL, NULL },
	{ "end_fsync", R_VALUE, NULL, check_plain_bool },
	{ "fsync_on_close", R_VALUE, NULL, check_plain_bool },
	{ "write_hint", R_FINE, NULL, NULL },
	{ "mem|iomem", R_VALUE, NULL, check_mem },
	{ "iomem_align|mem_align", R_FINE, NULL, NULL },
	{ "hugepage-size", R_FINE, NULL, NULL },
	/* fio pins it per job with mlock, as root beyond any RLIMIT_MEMLOCK,
	 * bounded only by all but 128 MiB of the machine's RAM (memory.c);
	 * the set-up check at `run --list` pins it too */
	{ "lockmem", R_ANY, "fio pins that much memory per job (as root, up to all but 128 MiB "
	  "of the machine's RAM: lockmem=1t does), leaving the host's other processes "
	  "without memory", NULL },
	/* the engines' own options (fio --enghelp) */
	{ "hipri", R_FINE, NULL, NULL },
	{ "hipri_percentage", R_FINE, NULL, NULL },
	/* fio 3.33 sets 0x40 for it, which kernels since 6.11 read as
	 * RWF_ATOMIC (its RWF_UNCACHED never reached the kernel): pwritev2
	 * failed with EOPNOTSUPP on 6.18 */
	{ "uncached", R_TRUE, "fio 3.33 passes the flag 0x40 for it, which kernels since 6.11 "
	  "read as RWF_ATOMIC (an atomic write), not uncached", NULL },
	{ "nowait", R_FINE, NULL, NULL },
	{ "userspace_reap", R_FINE, NULL, NULL },
	{ "cmdprio_percentage", R_FINE, NULL, NULL },
	{ "cmdprio_class", R_FINE, NULL, NULL },
	{ "cmdprio", R_FINE, NULL, NULL },
	{ "cmdprio_bssplit", R_FINE, NULL, NULL },
	{ "fixedbufs", R_FINE, NULL, NULL },
	{ "registerfiles", R_FINE, NULL, NULL },
	{ "sqthread_poll", R_FINE, NULL, NULL },
	{ "sqthread_poll_cpu", R_FINE, NULL, NULL },
	{ "nonvectored", R_FINE, NULL, NULL },
	{ "force_async", R_FINE, NULL, NULL },
	{ "cmd_type", R_ANY, "an option of the io_uring_cmd engine (NVMe passthrough), which "
	  "is refused", NULL },
	/* ---- the data and its check */
	{ "verify", R_VALUE, NULL, check_verify },
	{ "do_verify", R_VALUE, NULL, check_do_verify },
	{ "verify_only", R_ANY, NULL, NULL },
	{ "verify_state_save", R_ANY, NULL, NULL },
	{ "verify_state_load", R_ANY, NULL, NULL },
	{ "continue_on_error", R_ANY, NULL, NULL },
	{ "ignore_error", R_ANY, NULL, NULL },
	{ "verify_interval", R_FINE, NULL, NULL },
	{ "verify_offset", R_FINE, NULL, NULL },
	/* the block keeps its header and checksum */
	{ "verify_pattern", R_VALUE, NULL, check_pattern },
	{ "verify_fatal", R_TRUE, "the check would stop at the first bad block", NULL },
	/* seen: j.0.0.8192.hdr_fail in the case folder, fio's working directory */
	{ "verify_dump", R_TRUE, "fio writes each bad block to a file of its own in the case "
	  "folder (the results): a job that loses most of its blocks fills the results' "
	  "filesystem; the findings already name each bad block", NULL },
	/* the same findings with verify_only (checked: 4 bad blocks, 4 reported) */
	{ "verify_async", R_FINE, NULL, NULL },
	{ "verify_async_cpus", R_FINE, NULL, NULL },
	{ "verify_backlog", R_TRUE, "fio counts the backlog's reads among the I/Os of the "
	  "verify pass, which then reads back only part of the blocks (128 of 256)", NULL },
	{ "verify_backlog_batch", R_TRUE, "fio counts the backlog's reads among the I/Os of "
	  "the verify pass, which then reads back only part of the blocks (128 of 256)", NULL },
	{ "experimental_verify", R_TRUE, "it verifies without the saved state the check "
	  "depends on", NULL },
	{ "verifysort", R_ANY, OLD, NULL },
	{ "verifysort_nr", R_ANY, OLD, NULL },
	/* the write buffers: with verify= fio fills each block with its
	 * header, checksum and random data (or verify_pattern) over these */
	{ "zero_buffers", R_FINE, NULL, NULL },
	{ "refill_buffers", R_FINE, NULL, NULL },
	{ "scramble_buffers", R_FINE, NULL, NULL },
	{ "buffer_pattern", R_VALUE, NULL, check_pattern },
	{ "buffer_compress_percentage", R_FINE, NULL, NULL },
	{ "buffer_compress_chunk", R_FINE, NULL, NULL },
	{ "dedupe_percentage", R_FINE, NULL, NULL },
	{ "dedupe_mode", R_FINE, NULL, NULL },
	{ "dedupe_working_set_percentage", R_FINE, NULL, NULL },
	{ "dedupe_global", R_FINE, NULL, NULL },
	{ "kb_base", R_FINE, NULL, NULL },
	{ "unit_base", R_FINE, NULL, NULL },
	/* ---- zones */
	{ "zonemode", R_VALUE, NULL, check_zonemode },
	/* fio 3.33 turns zonemode to strided for it (init.c fixup_options),
	 * and with zonemode=none refuses to run, but only when the job runs:
	 * fio --parse-only passes it */
	{ "zonesize", R_ANY, "with it fio writes in strided zones (part of each zonerange, "
	  "then skips), or with zonemode=none refuses to run; powercut checks plain write "
	  "and randwrite jobs", NULL },
	{ "zonecapacity", R_ANY, ZONES, NULL },
	{ "zonerange", R_ANY, ZONES, NULL },
	{ "zoneskip", R_ANY, ZONES, NULL },
	{ "read_beyond_wp", R_ANY, ZONES, NULL },
	{ "max_open_zones", R_ANY, ZONES, NULL },
	{ "job_max_open_zones", R_ANY, ZONES, NULL },
	{ "ignore_zone_limits", R_ANY, ZONES, NULL },
	{ "zone_reset_threshold", R_ANY, ZONES, NULL },
	{ "zone_reset_frequency", R_ANY, ZONES, NULL },
	/* ---- pace */
	{ "thinktime", R_FINE, NULL, NULL },
	{ "thinktime_spin", R_FINE, NULL, NULL },
	{ "thinktime_blocks", R_FINE, NULL, NULL },
	{ "thinktime_blocks_type", R_FINE, NULL, NULL },
	{ "thinktime_iotime", R_FINE, NULL, NULL },
	{ "rate", R_FINE, NULL, NULL },
	{ "rate_min|ratemin", R_FINE, NULL, NULL },
	{ "rate_iops", R_FINE, NULL, NULL },
	{ "rate_iops_min", R_FINE, NULL, NULL },
	{ "rate_process", R_FINE, NULL, NULL },
	{ "rate_cycle|ratecycle", R_FINE, NULL, NULL },
	{ "rate_ignore_thinktime", R_FINE, NULL, NULL },
	{ "max_latency", R_FINE, NULL, NULL },
	{ "latency_target", R_FINE, NULL, NULL },
	{ "latency_window", R_FINE, NULL, NULL },
	{ "latency_percentile", R_FINE, NULL, NULL },
	{ "latency_run", R_FINE, NULL, NULL },
	{ "flow_id", R_FINE, NULL, NULL },
	{ "flow", R_FINE, NULL, NULL },
	{ "flow_sleep", R_FINE, NULL, NULL },
	{ "flow_watermark", R_ANY, OLD, NULL },
	/* ---- jobs together */
	{ "stonewall|wait_for_previous", R_FINE, NULL, NULL },
	{ "new_group", R_FINE, NULL, NULL },
	{ "exitall", R_FINE, NULL, NULL },             /* several jobs: check_exitall */
	{ "exitall_on_error", R_FINE, NULL, NULL },    /* several jobs: check_exitall */
	{ "exit_what", R_FINE, NULL, NULL },
	{ "thread", R_FINE, NULL, NULL },
	{ "profile", R_ANY, "a built-in profile adds jobs and options the check does not see",
	  NULL },
	/* ---- the process */
	{ "nice", R_FINE, NULL, NULL },
	{ "prio", R_FINE, NULL, NULL },
	{ "prioclass", R_FINE, NULL, NULL },
	{ "cpumask", R_FINE, NULL, NULL },
	{ "cpus_allowed", R_FINE, NULL, NULL },
	{ "cpus_allowed_policy", R_FINE, NULL, NULL },
	{ "numa_cpu_nodes", R_FINE, NULL, NULL },
	{ "numa_mem_policy", R_FINE, NULL, NULL },
	{ "gpu_dev_id", R_FINE, NULL, NULL },
	{ "clocksource", R_FINE, NULL, NULL },
	{ "gtod_reduce", R_FINE, NULL, NULL },
	{ "gtod_cpu", R_FINE, NULL, NULL },
	{ "uid", R_ANY, "fio would run the job as another user, who may not write the job's "
	  "files or the state the check reads", NULL },
	{ "gid", R_ANY, "fio would run the job as another group, which may not write the "
	  "job's files or the state the check reads", NULL },
	{ "cgroup", R_ANY, HOST, NULL },
	{ "cgroup_nodelete", R_ANY, HOST, NULL },
	{ "cgroup_weight", R_ANY, HOST, NULL },
	{ "ioscheduler", R_ANY, HOST, NULL },
	{ "exec_prerun", R_ANY, "runs a command (as root)", NULL },
	{ "exec_postrun", R_ANY, "runs a command (as root)", NULL },
	/* ---- logs and replay */
	{ "write_iolog", R_ANY, OUTSIDE, NULL },
	{ "read_iolog", R_ANY, OUTSIDE, NULL },
	{ "read_iolog_chunked", R_ANY, IOLOG, NULL },
	{ "replay_no_stall", R_ANY, IOLOG, NULL },
	{ "replay_redirect", R_ANY, OUTSIDE, NULL },
	{ "replay_scale", R_ANY, IOLOG, NULL },
	{ "replay_align", R_ANY, IOLOG, NULL },
	{ "replay_time_scale", R_ANY, IOLOG, NULL },
	{ "replay_skip", R_ANY, IOLOG, NULL },
	{ "merge_blktrace_file", R_ANY, OUTSIDE, NULL },
	{ "merge_blktrace_scalars", R_ANY, IOLOG, NULL },
	{ "merge_blktrace_iters", R_ANY, IOLOG, NULL },
	{ "write_bw_log", R_ANY, LOG, NULL },
	{ "write_lat_log", R_ANY, LOG, NULL },
	{ "write_iops_log", R_ANY, LOG, NULL },
	{ "write_hist_log", R_ANY, LOG, NULL },
	/* the settings of the logs above: nothing without them */
	{ "per_job_logs", R_FINE, NULL, NULL },
	{ "log_entries", R_FINE, NULL, NULL },
	{ "log_avg_msec", R_FINE, NULL, NULL },
	{ "log_hist_msec", R_FINE, NULL, NULL },
	{ "log_hist_coarseness", R_FINE, NULL, NULL },
	{ "log_max_value", R_FINE, NULL, NULL },
	{ "log_offset", R_FINE, NULL, NULL },
	{ "log_prio", R_FINE, NULL, NULL },
	{ "log_compression", R_FINE, NULL, NULL },
	{ "log_compression_cpus", R_FINE, NULL, NULL },
	{ "log_store_compressed", R_FINE, NULL, NULL },
	{ "log_unix_epoch", R_FINE, NULL, NULL },
	{ "log_alternate_epoch", R_FINE, NULL, NULL },
	{ "log_alternate_epoch_clock_id", R_FINE, NULL, NULL },
	{ "bwavgtime", R_FINE, NULL, NULL },
	{ "iopsavgtime", R_FINE, NULL, NULL },
	/* ---- the report */
	/* one entry per group in fio's report: with one job, the job's own
	 * (several jobs: check_exitall) */
	{ "group_reporting", R_FINE, NULL, NULL },
	{ "stats", R_FALSE, "without statistics fio's report has no write counts, which the "
	  "check reads", NULL },
	{ "unified_rw_reporting", R_VALUE, NULL, check_unified },
	{ "clat_percentiles", R_FINE, NULL, NULL },
	{ "lat_percentiles", R_FINE, NULL, NULL },
	{ "slat_percentiles", R_FINE, NULL, NULL },
	{ "percentile_list", R_FINE, NULL, NULL },
	{ "significant_figures", R_FINE, NULL, NULL },
	{ "block_error_percentiles", R_FINE, NULL, NULL },
	{ "disk_util", R_FINE, NULL, NULL },
	{ "disable_lat", R_FINE, NULL, NULL },
	{ "disable_clat", R_FINE, NULL, NULL },
	{ "disable_slat", R_FINE, NULL, NULL },
	{ "disable_bw_measurement|disable_bw", R_FINE, NULL, NULL },
	{ "error_dump", R_FINE, NULL, NULL },
};

static int rule_names(const struct rule *r, const char *key)
{
	size_t n = strlen(key);
	for (const char *s = r->names; *s;) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		if (len == n && !strncasecmp(s, key, n))
			return 1;
		s += len + (bar ? 1 : 0);
	}
	return 0;
}

int pc_fio_option_has_row(const char *key)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rule_names(&rules[i], key))
			return 1;
	return 0;
}

static const char *const UNKNOWN = "not an option powercut accepts: it accepts only the "
				   "fio 3.33 options it has checked (powercut.1, SCENARIO FILES, "
				   "workload); a misspelling, an option of another fio version or "
				   "of an engine powercut refuses";

/* NULL when KEY=VALUE is fine, else why it is refused: an option in no
 * row of the table too. */
static const char *refusal(const char *key, const char *value)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		if (!rule_names(r, key))
			continue;
		const char *why = r->why ? r->why : OWNED;
		switch (r->kind) {
		case R_ANY:
			return why;
		case R_TRUE:
			return parse_bool(value) != 0 ? why : NULL;
		case R_FALSE:
			return parse_bool(value) != 1 ? why : NULL;
		case R_ABOVE_1: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(value, &end, 10);
			return (end == value || *end || errno || n > 1) ? why : NULL;
		}
		case R_VALUE:
			return r->check(value);
		case R_FINE:
			return NULL;
		}
	}
	return UNKNOWN;
}

/* The row of KEY (an option name or alias), NULL when it has none. */
static const struct rule *rule_of(const char *key)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rule_names(&rules[i], key))
			return &rules[i];
	return NULL;
}

/* A refused value of KEY in a [global] that is a job's only when the job
 * takes it (a value the job sets otherwise replaces it): refused then, by
 * check_global_values, rather than where it is read.  Not filename=,
 * whose lines add files to the job's rather than replace them, nor the
 * options whose value names a file fio acts on as it reads the line,
 * [global] or not (a pattern 'FILE' is read then: a FIFO hangs fio; an
 * external engine's path, a buffer file), nor what is refused whatever
 * its value (R_ANY). */
static int refused_if_taken(const char *key)
{
	static const struct rule where_read = {
		.names = "filename|ioengine|mem|iomem|buffer_pattern|verify_pattern"
	};
	const struct rule *r = rule_of(key);
	return r && r->kind != R_ANY && r->kind != R_FINE && !rule_names(&where_read, key);
}

/* ---- reading ----------------------------------------------------------- */

static int is_global(const struct pc_fio_section *s)
{
	return !strcmp(s->name, "global");
}

/* name= in [global] names no job: every job's section sets its name after
 * fio copied the defaults (init.c get_new_job), so it does nothing. */
static int inert_in_global(const struct pc_fio_section *s, const char *key)
{
	return is_global(s) && !strcasecmp(key, "name");
}

/* fio's $keywords (options.c fio_keywords): replaced anywhere in an option
 * line, which fio then evaluates as arithmetic. */
static const char *const keywords[] = { "$pagesize", "$mb_memory", "$ncpus", NULL };

static const char *keyword_at(const char *s)
{
	for (size_t i = 0; keywords[i]; i++)
		if (!strncmp(s, keywords[i], strlen(keywords[i])))
			return keywords[i];
	return NULL;
}

static int has_keyword(const char *s)
{
	for (const char *d = strchr(s, '$'); d; d = strchr(d + 1, '$'))
		if (keyword_at(d))
			return 1;
	return 0;
}

/* What an arithmetic expression may hold besides keywords. */
static int arithmetic_char(char c)
{
	return (c >= '0' && c <= '9') || (c && strchr(".+-*/%() ", c));
}

/* A value with a $keyword must be nothing but an arithmetic expression of
 * numbers and keywords.  fio 3.33 substitutes the keywords and hands the
 * whole value to bc through a shell, as root: `sh -c "echo 'VALUE' | bc"`
 * (options.c bc_calc; seen with strace).  So no quote, no letter (bc's
 * language: while(1) would hang fio) and no '^' (2^99999999 would too). */
static int plain_expression(const char *v)
{
	for (const char *c = v; *c;) {
		const char *kw = *c == '$' ? keyword_at(c) : NULL;
		if (kw) {
			c += strlen(kw);
			continue;
		}
		if (!arithmetic_char(*c))
			return 0;
		c++;
	}
	return 1;
}

/* fio's is_empty_or_comment: blank, or ';' / '#' as the first character
 * that is neither a space nor a control character. */
static int empty_or_comment(const char *line)
{
	for (const char *c = line; *c; c++) {
		if (*c == ';' || *c == '#')
			return 1;
		if (!isspace((unsigned char)*c) && !iscntrl((unsigned char)*c))
			return 0;
	}
	return 1;
}

/* fio's strip_blank_front and strip_blank_end: leading spaces off, the line
 * cut at its first ';' and at its first '#', trailing spaces and control
 * characters off.  In place; the start. */
static char *fio_strip(char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	char *cut = strchr(line, ';');
	if (cut)
		*cut = '\0';
	cut = strchr(line, '#');
	if (cut)
		*cut = '\0';
	size_t n = strlen(line);
	while (n > 0 && (isspace((unsigned char)line[n - 1]) || iscntrl((unsigned char)line[n - 1])))
		line[--n] = '\0';
	return line;
}

static int job_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* NULL when NAME (of LEN bytes) is a job name powercut accepts, else why
 * not.  fio names a job's files NAME.0.0 under the directory (unless
 * filename= is set), so the name is a path: only letters, digits, '_',
 * '-' and '.', not starting with '.' or '-'. */
static const char *job_name_refusal(const char *name, size_t len)
{
	if (len == 0)
		return "an empty section name";
	if (len > MAX_JOB_NAME)
		return "a section name longer than 100 characters (fio's report keeps 127 of them, "
		       "and the check finds the job by its name)";
	for (size_t i = 0; i < len; i++)
		if (!job_name_char(name[i]))
			return "a section name may hold only letters, digits, '_', '-' and '.': fio "
			       "names the job's files after it (NAME.0.0 in the directory), so '/' "
			       "or '..' would lead out of the filesystem under test";
	if (name[0] == '.' || name[0] == '-')
		return "a section name may not start with '.' or '-' (fio names the job's files "
		       "after it)";
	if (len > 6 && !strncmp(name, "global", 6))
		return "fio reads every section whose name starts with 'global' as [global]";
	return NULL;
}

static int option_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A [section] header: TEXT is the line as fio keeps it. */
static int read_section(struct parser *p, const char *text)
{
	size_t n = strlen(text);
	if (n < 2 || text[n - 1] != ']' || memchr(text + 1, ']', n - 2))
		return job_error(p, p->lineno, NULL, "a section header must be [NAME] alone on its "
				 "line (fio takes the name up to the first ']' and ignores the rest)");
	const char *name = text + 1;
	size_t len = n - 2;
	const char *why = job_name_refusal(name, len);
	if (why)
		return job_error(p, p->lineno, NULL, "[%.*s]: %s", (int)len, name, why);
	/* [global] may come anywhere and more than once: fio adds its options
	 * to the defaults each job below it starts from (init.c get_new_job
	 * copies def_thread), so a job takes the [global]s above it, a later
	 * one's value over an earlier one's (see global_above). */
	int global = len == 6 && !strncmp(name, "global", 6);
	for (size_t i = 0; i < p->nsections && !global; i++)
		if (strlen(p->sections[i].name) == len && !strncmp(p->sections[i].name, name, len))
			return job_error(p, p->lineno, NULL, "section [%.*s] appears twice (first on "
					 "line %u): the two jobs would write the same files",
					 (int)len, name, p->sections[i].line);
	p->sections = xrealloc(p->sections, (p->nsections + 1) * sizeof(*p->sections));
	struct pc_fio_section *s = &p->sections[p->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = xmalloc(len + 1);
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->line = p->lineno;
	return 0;
}

/* An option line: TEXT is the line as fio keeps it ("key", "key=value"). */
static int read_option(struct parser *p, char *text)
{
	char *eq = strchr(text, '=');
	char *value = NULL;
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	size_t klen = strlen(text);
	while (klen > 0 && isspace((unsigned char)text[klen - 1]))
		text[--klen] = '\0';
	if (klen == 0)
		return job_error(p, p->lineno, NULL, "a value without an option name");
	/* Not quoted: a file that is no job file (a scenario can name any
	 * file) would have its first line printed, by root, into the logs. */
	if (p->nsections == 0 && p->lineno == 1 && !strncmp(text, "\xef\xbb\xbf", 3))
		return job_error(p, p->lineno, NULL, "the file starts with a UTF-8 byte order "
				 "mark, which fio reads as part of its first line (and "
				 "refuses): save it without one");
	if (p->nsections == 0)
		return job_error(p, p->lineno, NULL, "not a fio job file: a line that is not a "
				 "comment before the first [section]");
	for (size_t i = 0; i < klen; i++)
		if (!option_key_char(text[i]) || (i == 0 && text[i] == '-'))
			return job_error(p, p->lineno, NULL, "'%s' is not an option name (letters, "
					 "digits, '_' and '-')", text);
	const char *key = text;
	const char *v = value ? value : "";
	/* fio keeps the blank: "size= 64k" is 64 bytes to fio 3.33 (the
	 * suffix dropped), "rw= write" fails when the job runs */
	if (value && isspace((unsigned char)*value))
		return job_error(p, p->lineno, key, "a blank after '=': fio reads the value with it "
				 "('size = 64k' is 64 bytes to fio 3.33, its suffix dropped); write "
				 "KEY=VALUE with no blank after the '='");
	if (strstr(v, " --"))
		return job_error(p, p->lineno, key, "' --' in a value: powercut could not compare "
				 "it with fio's reading (fio --showcmd)");
	if (has_keyword(v) && !plain_expression(v))
		return job_error(p, p->lineno, key, "'%s': fio replaces $pagesize, $mb_memory and "
				 "$ncpus anywhere in a line and evaluates the value with bc through "
				 "a shell; use them only in an arithmetic expression of numbers "
				 "(digits, . + - * / %% ( ) and spaces)", v);
	/* Values powercut reads as text, not numbers: filename=$ncpus is a
	 * file named "2" on a machine of 2 CPUs, which the check of the files
	 * two jobs share compared as "$ncpus" (a job with filename=2 beside it
	 * wrote the same file), and sync=$ncpus/$ncpus is sync=1. */
	static const char *const text_options = "filename|filename_format|sync|wait_for";
	if (has_keyword(v) && rule_names(&(struct rule){ .names = text_options }, key))
		return job_error(p, p->lineno, key, "'%s': fio replaces $pagesize, $mb_memory and "
				 "$ncpus with this machine's numbers, and powercut reads this "
				 "option's value as written; give it without them", v);
	struct pc_fio_section *s = &p->sections[p->nsections - 1];
	const char *why = inert_in_global(s, key) ? NULL : refusal(key, v);
	if (why && !(is_global(s) && refused_if_taken(key))) {
		if (*v)
			return job_error(p, p->lineno, key, "'%s' refused: %s", v, why);
		return job_error(p, p->lineno, key, "refused: %s", why);
	}
	s->opts = xrealloc(s->opts, (s->nopts + 1) * sizeof(*s->opts));
	s->opts[s->nopts++] = (struct pc_fio_opt){ xstrdup(key), value ? xstrdup(value) : NULL,
						  p->lineno, 1024 };
	return 0;
}

/* One line of the file, read as fio reads it. */
static int read_job_line(struct parser *p, char *line)
{
	if (empty_or_comment(line))
		return 0;
	char *text = fio_strip(line);
	/* fio expands ${VAR} anywhere on the line, keys included. */
	if (strstr(text, "${"))
		return job_error(p, p->lineno, NULL, "an environment variable (${...}): fio would "
				 "expand it, powercut cannot check what it becomes");
	for (const char *c = text; *c; c++)
		if (iscntrl((unsigned char)*c) && *c != '\t')
			return job_error(p, p->lineno, NULL, "a control character (0x%02x)",
					 (unsigned char)*c);
	/* fio: any line starting with "include" ("include x", "include=x",
	 * "includex") includes the file named after its 8th character. */
	if (!strncasecmp(text, "include", 7))
		return job_error(p, p->lineno, "include", "fio reads every line starting with "
				 "'include' as an include of another file; powercut checks one job "
				 "file: put the included options into it");
	if (text[0] == '[')
		return read_section(p, text);
	return read_option(p, text);
}

/* One physical line at a time, at most NUM - 2 bytes and its newline: a
 * bounded read (getline(3) would grow to the length of a newline-free
 * input).  The bytes consumed, counted by the stream position, tell a NUL
 * byte from the end of the string.  1, 0 at the end, -1 refused. */
static int read_line(struct parser *p, char *str, int num)
{
	errno = 0;
	long before = ftell(p->f);
	if (!fgets(str, num, p->f)) {
		if (ferror(p->f))
			return job_error(p, p->lineno + 1, NULL, "read failed: %s",
					 strerror(errno ? errno : EIO));
		return 0;
	}
	p->lineno++;
	size_t n = strlen(str);
	long after = ftell(p->f);
	if (before >= 0 && after >= 0 && (size_t)(after - before) != n)
		return job_error(p, p->lineno, NULL, "a NUL byte in the job file");
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->f))
		return job_error(p, p->lineno, NULL, "line longer than %d characters", num - 2);
	return 1;
}

/* ---- per job ------------------------------------------------------------- */

/* An option's value, "" for a bare key. */
static const char *val(const struct pc_fio_opt *o)
{
	return o->value ? o->value : "";
}

static const struct pc_fio_opt *find_opt(const struct pc_fio_section *s, const char *names)
{
	if (!s)
		return NULL;
	struct rule r = { .names = names };
	const struct pc_fio_opt *found = NULL;
	for (size_t i = 0; i < s->nopts; i++)
		if (rule_names(&r, s->opts[i].key))
			found = &s->opts[i]; /* the last one counts, as in fio */
	return found;
}

/* The job's own value, else [global]'s. */
static const struct pc_fio_opt *effective(const struct pc_fio_section *job,
					   const struct pc_fio_section *global, const char *names)
{
	const struct pc_fio_opt *o = find_opt(job, names);
	return o ? o : find_opt(global, names);
}

/* fio's filename= lines add files, they do not replace them (fio 3.33
 * options.c str_filename_cb), and a job starts with the files of the
 * [global]s above it (init.c get_new_job, dup_files): filename=a then
 * filename=b wrote a and b, [global] filename=g and the job's filename=b
 * g and b, where powercut read the last line only (b).  The job's files
 * as one filename= value in *OUT: every line's names, GLOBAL's then
 * JOB's, joined with ':' (KEY and LINE the last line's; free VALUE);
 * 0 when the job has none. */
static int filename_list(const struct pc_fio_section *job, const struct pc_fio_section *global,
			 struct pc_fio_opt *out)
{
	struct rule r = { .names = "filename" };
	const struct pc_fio_section *from[] = { global, job };
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; from[k] && i < from[k]->nopts; i++) {
			const struct pc_fio_opt *o = &from[k]->opts[i];
			if (!rule_names(&r, o->key))
				continue;
			char *v = out->value ? xasprintf("%s:%s", out->value, val(o))
					     : xstrdup(val(o));
			free(out->value);
			out->value = v;
			out->key = o->key;
			out->line = o->line;
		}
	return out->value != NULL;
}

/* A whole number option of the job (else [global]), or DEF. */
static unsigned long number(const struct pc_fio_section *job, const struct pc_fio_section *global,
			    const char *names, unsigned long def)
{
	const struct pc_fio_opt *o = effective(job, global, names);
	if (!o)
		return def;
	char *end;
	errno = 0;
	unsigned long n = strtoul(val(o), &end, 10);
	return (end == val(o) || *end || errno) ? def : n;
}

/* A boolean option of the job (else [global]) that is set and true. */
static int is_true(const struct pc_fio_section *job, const struct pc_fio_section *global,
		   const char *names)
{
	const struct pc_fio_opt *o = effective(job, global, names);
	return o && parse_bool(val(o)) == 1;
}

/* See struct pc_fio_job: unsynced, syncs, sync_every, sync_at_end. */
static void job_syncs(struct pc_fio_job *j, const struct pc_fio_section *job,
		      const struct pc_fio_section *global)
{
	j->sync_at_end = is_true(job, global, "end_fsync") || is_true(job, global, "fsync_on_close");
	j->unsynced = 0;
	const struct pc_fio_opt *sync = effective(job, global, "sync");
	if (sync && (!strcmp(val(sync), "1") || !strcmp(val(sync), "sync") ||
		     !strcmp(val(sync), "dsync"))) {
		j->syncs = PC_FIO_SYNC_EACH;
		return;
	}
	/* With both, fio syncs at every multiple of each (fsync first, io_u.c
	 * get_rw_ddir): at most the smaller count of writes go unsynced. */
	unsigned long every = number(job, global, "fsync", 0);
	unsigned long data = number(job, global, "fdatasync", 0);
	if (data && (!every || data < every))
		every = data;
	j->syncs = every ? PC_FIO_SYNC_EVERY : PC_FIO_SYNC_NEVER;
	j->sync_every = every;
	if (!every)
		return;
	/* An engine that completes each I/O in its submit (fio 3.33's sync,
	 * psync, the default, pvsync, pvsync2) has one write in flight
	 * whatever iodepth says: psync with iodepth=16 and fsync=1 wrote and
	 * fsynced in turn, and the 15 fsynced writes an iodepth-wide tail
	 * left out went unchecked.  vsync queues up to iodepth writes. */
	static const char *const one_at_a_time[] = { "sync", "psync", "pvsync", "pvsync2", NULL };
	const struct pc_fio_opt *engine = effective(job, global, "ioengine");
	unsigned long depth = !engine || in_list(one_at_a_time, val(engine))
				      ? 1 : number(job, global, "iodepth", 1);
	unsigned long tail = every + (depth ? depth : 1) - 1;
	j->unsynced = tail > 1000000 ? 1000000 : (unsigned)tail;
}

/* fio's names of a filename= list (name_end). */
static unsigned long count_names(const char *v)
{
	unsigned long n = 1;
	for (const char *end = name_end(v); *end; end = name_end(end + 1))
		n++;
	return n;
}

/* Where a range value (bsrange=4k-16k) splits: at its '-', else at its
 * ':' (fio 3.33 parse.c, FIO_OPT_RANGE: bsrange=4k:16k is 4k-16k); NULL
 * when it has neither. */
static const char *range_sep(const char *v)
{
	const char *sep = strchr(v, '-');
	return sep ? sep : strchr(v, ':');
}

/* The biggest write block of the job (bs, or the top of bsrange: the one
 * fio reads last, the job's before [global]'s; else fio's 4k): 0 when the
 * job file does not give it as one plain count, *WHY the option then. */
static uint64_t max_block(const struct pc_fio_section *job, const struct pc_fio_section *global,
			  const struct pc_fio_opt **why)
{
	*why = effective(job, global, "bssplit");
	if (*why)
		return 0;
	const struct pc_fio_opt *o = effective(job, global, "bs|blocksize|bsrange|blocksize_range");
	if (!o)
		return 4096;
	const char *v = val(o);
	if (!strcasecmp(o->key, "bsrange") || !strcasecmp(o->key, "blocksize_range")) {
		const char *dash = range_sep(v);
		v = dash ? dash + 1 : "";
	}
	/* "bs=4k,8k": reads and writes of other sizes; fio's random map then
	 * ends a random job before its size (seen with fio 3.33) */
	uint64_t bs = 0;
	if (strchr(v, ',') || size_kb(v, o->kb_base, &bs) < 0 || !bs) {
		*why = o;
		return 0;
	}
	return bs;
}

/* A count option of the job (else [global]): 1 when unset, 0 when it is
 * not a plain positive number (*WHY the option then). */
static unsigned long count_opt(const struct pc_fio_section *job, const struct pc_fio_section *global,
			       const char *names, const struct pc_fio_opt **why)
{
	*why = effective(job, global, names);
	if (!*why)
		return 1;
	char *end;
	errno = 0;
	unsigned long n = strtoul(val(*why), &end, 10);
	return (end == val(*why) || *end || errno) ? 0 : n;
}

/* The number of files of a job: its filename= list, whatever nrfiles says
 * (fio 3.33 makes nrfiles' names only without one, init.c add_job), else
 * nrfiles (0 when not a plain count, *WHY its line then: refused in
 * add_job_files). */
static unsigned long job_files(const struct pc_fio_section *job, const struct pc_fio_section *global,
			       const struct pc_fio_opt **why)
{
	struct pc_fio_opt fn;
	*why = effective(job, global, "filename");
	if (!filename_list(job, global, &fn))
		return count_opt(job, global, "nrfiles|nr_files", why);
	unsigned long n = count_names(fn.value);
	free(fn.value);
	return n;
}

/* io_size (io_limit) into J->io_limit: fio writes that many bytes within
 * the job's size and ends the job (options.c; above size it wraps around
 * and writes blocks again).  A plain count, at most the job's size J->size
 * (known), else refused. */
static int check_io_size(struct parser *p, struct pc_fio_job *j,
			 const struct pc_fio_section *job, const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o = effective(job, global, "io_size|io_limit");
	uint64_t n = 0;
	j->io_limit = 0;
	if (!o)
		return 0;
	if (opt_size(o, &n) < 0 || !n || !j->size)
		return job_error(p, o->line, o->key, "'%s' refused: [%s]: not a plain byte count "
				 "(e.g. 64m) at most the job's size, which must be one too: fio "
				 "writes io_size bytes within the size, and above it wraps around "
				 "and writes blocks again", val(o), job->name);
	if (n > j->size)
		return job_error(p, o->line, o->key, "'%s' refused: [%s]: above the job's size "
				 "(%llu bytes) fio wraps around and writes blocks again; set size "
				 "only", val(o), job->name, (unsigned long long)j->size);
	j->io_limit = n;
	return 0;
}

static int write_blocks(const struct pc_fio_section *job, const struct pc_fio_section *global,
			uint64_t *min, uint64_t *max, const struct pc_fio_opt **why);

/* Each file of the job must hold a write block: fio 3.33 gives each file
 * its filesize less its offset, else size / its number of files, and
 * writes nothing to a file with less room than a block (size=4k,
 * nrfiles=2, bs=4k: two files of 2048 bytes, 0 writes, exit 0; filesize=6k
 * with offset=4k: "blocksize is larger than data set range", 0 writes).
 * A job that writes nothing leaves nothing to check: the case was an
 * error (exit 1) after mkfs.  Not checked when the job file does not tell
 * the sizes or the blocks as plain counts (the run still finds the job
 * wrote nothing). */
static int check_file_room(struct parser *p, const struct pc_fio_section *job,
			   const struct pc_fio_section *global)
{
	const struct pc_fio_opt *why, *o, *off;
	uint64_t min, max, room, offset = 0;
	unsigned long files = job_files(job, global, &why);
	if (!files || !write_blocks(job, global, &min, &max, &o))
		return 0;
	if ((o = effective(job, global, "filesize"))) {
		off = effective(job, global, "offset|fileoffset");
		if (opt_size(o, &room) < 0 ||
		    (off && opt_size(off, &offset) < 0))
			return 0;
		/* an offset past the file's end fio refuses itself
		 * when it sets the job up ("you need to specify valid
		 * offset=") */
		if (offset > room || room - offset >= min)
			return 0;
		if (off)
			o = off->line > o->line ? off : o;
		return job_error(p, o->line, o->key, "[%s]: each file of the job has %llu bytes "
				 "from its offset (filesize %s, offset %llu), less than its "
				 "smallest write block (%llu bytes): fio writes nothing to such a "
				 "file, and a job that writes nothing leaves nothing to check",
				 job->name, (unsigned long long)(room - offset),
				 val(effective(job, global, "filesize")), (unsigned long long)offset,
				 (unsigned long long)min);
	}
	/* one file smaller than a block fio refuses itself when it sets the
	 * job up ("size too small, must not be less than minimum block
	 * size") */
	if (files == 1 || !(o = effective(job, global, "size")) ||
	    opt_size(o, &room) < 0 || room / files >= min)
		return 0;
	if (why && why->line > o->line)
		o = why;
	return job_error(p, o->line, o->key, "[%s]: each of its %lu files gets %llu bytes (its "
			 "size, %llu, shared among them), less than its smallest write block "
			 "(%llu bytes): fio writes nothing to such a file, and a job that writes "
			 "nothing leaves nothing to check; give it a bigger size or fewer files",
			 job->name, files, (unsigned long long)(room / files),
			 (unsigned long long)room, (unsigned long long)min);
}

/* What job J writes run whole (pc_fio_job.bytes): its size, or its files'
 * room when smaller (nrfiles x filesize, filesize a plain count and no
 * offset: fio wrote 4 MiB of size=32m filesize=4m). */
static uint64_t job_bytes(const struct pc_fio_job *j, const struct pc_fio_section *job,
			  const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o;
	unsigned long files = job_files(job, global, &o);
	uint64_t fs;
	if (!j->size || !files || effective(job, global, "offset|fileoffset") ||
	    !(o = effective(job, global, "filesize")) || opt_size(o, &fs) < 0 ||
	    !fs || fs > UINT64_MAX / files || fs * files >= j->size)
		fs = j->size;
	else
		fs *= files;
	uint64_t limit = j->io_limit;
	return limit && limit < fs ? limit : fs;
}

/* A + B, B x N: UINT64_MAX (too big for any device) on overflow. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t n)
{
	return n && a > UINT64_MAX / n ? UINT64_MAX : a * n;
}

/* The job's size (pc_fio_job.size): size=, else (fio 3.33 filesetup.c
 * setup_files: size is then the files' total) each file's filesize less
 * its offset: filesize=1m with filename=a:b:c wrote 3 MiB, with offset=64k
 * 983040 bytes.  0 when one of them is not a plain count (or no room is
 * left after the offset). */
static uint64_t job_size(const struct pc_fio_section *job, const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o = effective(job, global, "size");
	uint64_t size = 0, fs = 0, offset = 0;
	if (o)
		return opt_size(o, &size) < 0 ? 0 : size;
	unsigned long files = job_files(job, global, &o);
	if (!files || !(o = effective(job, global, "filesize")) ||
	    opt_size(o, &fs) < 0 ||
	    ((o = effective(job, global, "offset|fileoffset")) &&
	     opt_size(o, &offset) < 0) ||
	    offset >= fs)
		return 0;
	return mul_sat(fs - offset, files);
}

/* See struct pc_fio_job.room.  fio 3.33 (filesetup.c setup_files) gives
 * each file the size filesize, else size / nrfiles, from its offset
 * (offset_increment is per numjobs clone: refused), extends it to offset
 * plus that size and fallocates or lays it out from 0 (extend_file):
 * filesize=1g with size=4m, or offset=1g, took a GiB of the device. */
static uint64_t job_room(const struct pc_fio_job *j, const struct pc_fio_section *job,
			 const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o;
	unsigned long files = job_files(job, global, &o);
	uint64_t offset = 0, fs = 0;
	if (!j->size || !files)
		return 0;
	if ((o = effective(job, global, "offset|fileoffset")) &&
	    opt_size(o, &offset) < 0)
		return 0;
	if ((o = effective(job, global, "filesize")) && (opt_size(o, &fs) < 0 || !fs))
		return 0;
	if (o)
		return mul_sat(add_sat(offset, fs), files);
	return add_sat(mul_sat(offset, files), j->size);
}

/* See struct pc_fio_job.extent. */
static void job_extent(struct pc_fio_job *j, const struct pc_fio_section *job,
		       const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o = effective(job, global, "size");
	j->extent_line = o ? o->line : job->line;
	if (!j->size) {
		j->extent_unknown = "size is not a plain byte count (e.g. 64m)";
		return;
	}
	/* fio 3.33, rw=randwrite or write, size=512k, ioengine=vsync,
	 * iodepth=8: all 524288 bytes written (its verify read them back),
	 * 128 writes, and its report said 495616 bytes */
	const struct pc_fio_opt *engine = effective(job, global, "ioengine");
	if (engine && !strcmp(val(engine), "vsync") && number(job, global, "iodepth", 1) > 1) {
		const struct pc_fio_opt *depth = effective(job, global, "iodepth");
		j->extent_line = depth && depth->line > engine->line ? depth->line : engine->line;
		j->extent_unknown = "fio 3.33's vsync engine at iodepth > 1 reports fewer bytes "
				    "than it wrote (size=512k, iodepth=8: 495616 of 524288), so a "
				    "whole job would read as one ended early; use iodepth=1 or "
				    "another engine";
		return;
	}
	if ((o = effective(job, global, "bs_unaligned|blocksize_unaligned")) &&
	    parse_bool(val(o)) != 0) {
		/* fio 3.33, randwrite bsrange=4k-16k size=4m: 3766593 bytes */
		j->extent_line = o->line;
		j->extent_unknown = "with bs_unaligned fio's random map ends a job before its size";
		return;
	}
	uint64_t bs = max_block(job, global, &o);
	if (!bs) {
		j->extent_line = o->line;
		j->extent_unknown = "the block size is not one plain count (bs=N or bsrange=A-B)";
		return;
	}
	uint64_t total = j->size;
	unsigned long files = job_files(job, global, &o);
	if (!files) {
		j->extent_line = o->line;
		j->extent_unknown = "nrfiles is not a plain count";
		return;
	}
	if ((o = effective(job, global, "filesize"))) {
		uint64_t fs;
		const struct pc_fio_opt *off = effective(job, global, "offset|fileoffset");
		if (opt_size(o, &fs) < 0 || !fs || off) {
			j->extent_line = off ? off->line : o->line;
			j->extent_unknown = off ? "offset with filesize: the files' room for writes "
						  "depends on both"
						: "filesize is not one plain count";
			return;
		}
		if (fs <= UINT64_MAX / files && fs * files < total)
			total = fs * files;
	}
	uint64_t limit = j->io_limit;
	if (limit && limit < total)
		total = limit;
	uint64_t slack = files <= UINT64_MAX / bs ? files * bs : UINT64_MAX;
	j->extent = total > slack ? total - slack : 0;
	j->extent_unknown = NULL;
}

/* ---- the jobs' files ----------------------------------------------------- */

/* Most file names powercut enumerates over all jobs (nrfiles). */
#define MAX_FILES 100000

struct job_file {
	char *path;           /* relative to the directory, normalized */
	const struct pc_fio_section *job;
	unsigned line;        /* of the job's option that names it, else the job's */
	const char *key;      /* that option, or NULL (fio's default name) */
};

/* NAME (LEN bytes; "\:" read as ':' when UNESCAPE, as in a filename=
 * list) as a path below the directory: no empty or "." components ("./x",
 * "x/" and "a//b" are "x", "x", "a/b"); "" when nothing is left (the
 * directory itself).  ".." was refused. */
static char *normalize(const char *name, size_t len, int unescape)
{
	char *out = xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t start = n;
		while (i < len && name[i] != '/') {
			if (unescape && name[i] == '\\' && i + 1 < len && name[i + 1] == ':')
				i++;
			out[n++] = name[i++];
		}
		i++; /* the '/' */
		if (n == start || (n - start == 1 && out[start] == '.')) {
			n = start; /* an empty or "." component */
			continue;
		}
		out[n++] = '/';
	}
	if (n > 0)
		n--; /* the last '/' */
	out[n] = '\0';
	return out;
}

/* fio's filename_format for file FILENUM of job JOB (numjobs 1): $jobname,
 * $jobnum (0), $filenum, $clientuid ("" when fio runs locally), in any
 * case, as fio 3.33 matches them (init.c make_filename, strcasestr):
 * $JOBNAME.x is the file j.x of job [j], which a job with filename=j.x
 * beside it wrote too, unseen while the check matched them in lower case
 * only.  fio takes the keywords one after the other, in that order, and
 * replaces each wherever it is in what the ones before left: job [um]'s
 * $filen$jobname is $filenum, then 0; .$clientuid. is '..' (a format of
 * 30 of them wrote /tmp/x on the host while a single pass read it as is). */
static char *expand_format(const char *fmt, const char *job, unsigned long filenum)
{
	char num[32];
	snprintf(num, sizeof(num), "%lu", filenum);
	const struct { const char *var, *value; } vars[] = {
		{ "$jobname", job }, { "$jobnum", "0" }, { "$filenum", num }, { "$clientuid", "" },
	};
	char *out = xstrdup(fmt);
	for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++) {
		size_t vlen = strlen(vars[k].var);
		for (size_t at = 0; out[at];) {
			if (strncasecmp(out + at, vars[k].var, vlen)) {
				at++;
				continue;
			}
			/* each replacement drops a '$' (no value holds one): it ends */
			char *next = xasprintf("%.*s%s%s", (int)at, out, vars[k].value,
					       out + at + vlen);
			free(out);
			out = next;
			at = 0; /* fio searches again from the start */
		}
	}
	return out;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct job_file *)a)->path, ((const struct job_file *)b)->path);
}

/* Whether the folder of PATH exists once fio made the folder of FIRST
 * (both normalized): the top directory, FIRST's folder or one above it. */
static int folder_made(const char *path, const char *first)
{
	const char *slash = strrchr(path, '/'), *fslash = strrchr(first, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	size_t flen = fslash ? (size_t)(fslash - first) : 0;
	return len == 0 || (len <= flen && !strncmp(path, first, len) &&
			    (len == flen || first[len] == '/'));
}

/* add_job_files (below) with the job's filename= list FN (NULL: none). */
static int add_files_of(struct parser *p, const struct pc_fio_section *s,
			const struct pc_fio_section *global, struct pc_fio_job *j,
			const struct pc_fio_opt *fn, struct job_file **files, size_t *n)
{
	const struct pc_fio_opt *o = NULL;
	unsigned long count = fn ? count_names(val(fn)) : count_opt(s, global, "nrfiles|nr_files", &o);
	if (!count || count > MAX_FILES || *n + count > MAX_FILES)
		return job_error(p, fn ? fn->line : o ? o->line : s->line, fn ? "filename" : "nrfiles",
				 "[%s]: powercut checks that no two files of the jobs are one: "
				 "it needs the files as a plain count, at most %d in all", s->name,
				 MAX_FILES);
	const struct pc_fio_opt *fmt = fn ? NULL : effective(s, global, "filename_format");
	*files = xrealloc(*files, (*n + count) * sizeof(**files));
	const char *v = fn ? val(fn) : NULL;
	for (unsigned long k = 0; k < count; k++) {
		struct job_file *f = &(*files)[(*n)++];
		const struct pc_fio_opt *by = fn ? fn : fmt;
		f->job = s;
		f->path = NULL; /* freed by the caller, whatever this returns */
		f->key = fn ? "filename" : fmt ? "filename_format" : NULL;
		/* an option of [global] is reported at the job it names files for */
		f->line = by && by->line > s->line ? by->line : s->line;
		if (fn) {
			const char *end = name_end(v);
			f->path = normalize(v, (size_t)(end - v), 1);
			if ((size_t)(end - v) > j->longest_name)
				j->longest_name = (size_t)(end - v);
			v = *end ? end + 1 : end;
		} else {
			char *name = expand_format(fmt ? val(fmt) : "$jobname.$jobnum.$filenum",
						   s->name, k);
			const char *why = check_one_name(name, strlen(name));
			if (why) {
				int rc = job_error(p, f->line, f->key, "'%s' refused: fio makes it "
						   "'%s': %s", fmt ? val(fmt) : "", name, why);
				free(name);
				return rc;
			}
			f->path = normalize(name, strlen(name), 0);
			if (strlen(name) > j->longest_name)
				j->longest_name = strlen(name);
			free(name);
		}
		if (!*f->path)
			return job_error(p, f->line, f->key, "[%s]: a file name that is the "
					 "directory itself", s->name);
		j->files = xrealloc(j->files, (j->nfiles + 1) * sizeof(*j->files));
		j->files[j->nfiles++] = xstrdup(f->path);
		/* fio 3.33 makes the folders of the job's first file only
		 * (filesetup.c setup_files, TD_F_DIRS_CREATED), a filename=
		 * list's or filename_format's */
		if (k > 0 && !folder_made(f->path, (*files)[*n - 1 - k].path))
			return job_error(p, f->line, f->key, "[%s]: '%s' is in a folder fio does "
					 "not create: fio 3.33 makes the folder of a job's first "
					 "file only (filename=a:sub/b, or filename_format=d$filenum/x "
					 "with nrfiles=2, fails with 'No such file or directory'); "
					 "put every file in the first one's folder", s->name, f->path);
	}
	return 0;
}

/* Add the files job S writes to FILES (*N of them): filename='s ':' list,
 * else filename_format (fio's default $jobname.$jobnum.$filenum) for each
 * of its nrfiles files.  -1 (refused) when they cannot be told. */
static int add_job_files(struct parser *p, const struct pc_fio_section *s,
			 const struct pc_fio_section *global, struct pc_fio_job *j,
			 struct job_file **files, size_t *n)
{
	struct pc_fio_opt list;
	const struct pc_fio_opt *fn = filename_list(s, global, &list) ? &list : NULL;
	int rc = add_files_of(p, s, global, j, fn, files, n);
	free(list.value);
	return rc;
}

/* A file of FILES (N of them, sorted) that another one's path has as a
 * folder ("x" and "x/y"): fio 3.33 cannot make both, and failed every
 * case after mkfs, 'Not a directory' when the file came first, 'Is a
 * directory' (unlink) when the folder did.  The file below it in *IN,
 * NULL when there is none. */
static const struct job_file *file_as_folder(const struct job_file *files, size_t n,
					     const struct job_file **in)
{
	for (size_t i = 0; i < n; i++)
		for (const char *slash = strchr(files[i].path, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			char *folder = xstrndup(files[i].path, (size_t)(slash - files[i].path));
			struct job_file key = { .path = folder };
			const struct job_file *f = bsearch(&key, files, n, sizeof(*files), file_cmp);
			free(folder);
			if (f) {
				*in = &files[i];
				return f;
			}
		}
	return NULL;
}

/* Two jobs on one file, or one job on one file twice, would overwrite
 * blocks the check expects; "x" and "./x", a filename= list, a job's
 * default file name (NAME.0.0) and filename_format all name files.  A
 * file that is another's folder is refused as well (file_as_folder). */
static int check_shared_files(struct parser *p, const struct pc_fio_section *globals,
			      struct pc_fio_jobfile *out)
{
	struct job_file *files = NULL;
	size_t n = 0, job = 0;
	int rc = 0;
	for (size_t i = 0; i < p->nsections && rc == 0; i++)
		if (!is_global(&p->sections[i]))
			rc = add_job_files(p, &p->sections[i], &globals[i], &out->jobs[job++],
					   &files, &n);
	if (rc == 0 && n > 0) { /* qsort wants a non-null array even for 0 */
		qsort(files, n, sizeof(*files), file_cmp);
		for (size_t i = 1; i < n && rc == 0; i++) {
			const struct job_file *a = &files[i - 1], *b = &files[i];
			if (strcmp(a->path, b->path))
				continue;
			if (a->job->line > b->job->line || (a->job == b->job && a->line > b->line)) {
				const struct job_file *t = a;
				a = b;
				b = t;
			}
			if (a->job == b->job)
				rc = job_error(p, b->line, b->key, "[%s] writes the file '%s' twice: "
					       "its second writes would overwrite blocks the check "
					       "expects", b->job->name, b->path);
			else
				rc = job_error(p, b->line, b->key, "[%s] and [%s] write the same file "
					       "'%s': each would overwrite blocks the other's check "
					       "expects", a->job->name, b->job->name, b->path);
		}
		const struct job_file *in = NULL, *f = rc == 0 ? file_as_folder(files, n, &in) : NULL;
		if (f)
			rc = job_error(p, in->line, in->key, "[%s] writes '%s' inside '%s', which "
				       "[%s] writes as a file: fio 3.33 fails on one of them in "
				       "every case ('Not a directory' or 'Is a directory'); name "
				       "files that are not one another's folders", in->job->name,
				       in->path, f->path, f->job->name);
	}
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
	return rc;
}

/* exitall (exitall_on_error): when one job ends (fails), fio ends the
 * others.  Harmless with one job; with several, their writes stop early
 * and, in the verify pass (every job in one fio run), their checks too.
 * fio 3.33 takes any exitall line as exitall, whatever its value and
 * wherever it stands (options.c str_exitall_cb sets the run's
 * exitall_on_terminate): [global] exitall=0 above two jobs ended the
 * second after 13 of its writes, and the case was an error (exit 1).
 * exitall_on_error keeps its value per job.
 * group_reporting: fio reports each group of jobs as one entry, under the
 * first job's name; with one job that is the job's own entry (fio's
 * examples and many job files set it), with several the other jobs'
 * write counts, which the check reads, are merged away.  It is each
 * job's own setting (its line, else the [global]s' above it): a
 * [global] group_reporting every job sets to 0, or one below the jobs,
 * merges nothing (fio 3.33 reported both jobs). */
static int check_exitall(struct parser *p, const struct pc_fio_section *globals)
{
	size_t jobs = 0;
	for (size_t i = 0; i < p->nsections; i++)
		jobs += !is_global(&p->sections[i]);
	if (jobs < 2)
		return 0;
	for (size_t i = 0; i < p->nsections; i++) {
		const struct pc_fio_opt *o = find_opt(&p->sections[i], "exitall");
		if (o)
			return job_error(p, o->line, o->key, "refused in a file of %zu jobs, whatever "
					 "its value (fio 3.33 reads exitall=0 as exitall too): one "
					 "job ending ends the others: their writes stop early, and "
					 "in the verify pass (every job in one fio run) their checks "
					 "stop with it", jobs);
		o = find_opt(&p->sections[i], "exitall_on_error");
		if (o && parse_bool(val(o)) != 0)
			return job_error(p, o->line, o->key, "refused in a file of %zu jobs: one job "
					 "failing ends the others: their writes stop early, and in "
					 "the verify pass (every job in one fio run) their checks stop "
					 "with it", jobs);
	}
	for (size_t i = 0; i < p->nsections; i++) {
		if (is_global(&p->sections[i]))
			continue;
		const struct pc_fio_opt *o = effective(&p->sections[i], &globals[i],
						       "group_reporting");
		if (o && parse_bool(val(o)) != 0)
			return job_error(p, o->line, o->key, "refused in a file of %zu jobs (job "
					 "[%s] takes it): %s", jobs, p->sections[i].name, REPORT);
	}
	return 0;
}

/* wait_for naming the job itself or no job above it (a typo, or a job
 * further down: fio 3.33 looks for the waitee among the jobs added so far,
 * init.c wait_for_ok): fio --parse-only passes them, the run fails ("a job
 * cannot wait for itself", "waitee job X unknown"), and the case was an
 * error after mkfs. */
static int check_wait_for(struct parser *p, const struct pc_fio_section *job,
			  const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o = effective(job, global, "wait_for");
	if (!o)
		return 0;
	if (!strcmp(val(o), job->name))
		return job_error(p, o->line, o->key, "[%s]: a job cannot wait for itself (fio "
				 "fails when it runs)", job->name);
	for (const struct pc_fio_section *s = p->sections; s < job; s++)
		if (!is_global(s) && !strcmp(s->name, val(o)))
			return 0;
	return job_error(p, o->line, o->key, "[%s]: waits for '%s', which is no job above it "
			 "in this file (fio looks for the job to wait for among the jobs before, "
			 "and fails when it runs)", job->name, val(o));
}

/* openfiles below the job's files: fio 3.33's verify pass then reads
 * back only part of the blocks (nrfiles=4, openfiles=1 to 3: 128 or 129
 * of 256), and with a mid-run cut it reads blocks never written. */
static int check_open_files(struct parser *p, const struct pc_fio_section *job,
			    const struct pc_fio_section *global)
{
	const struct pc_fio_opt *o = effective(job, global, "openfiles"), *why;
	unsigned long files = job_files(job, global, &why);
	if (!o || files < 2)
		return 0;
	char *end;
	errno = 0;
	unsigned long open = strtoul(val(o), &end, 10);
	if (end != val(o) && !*end && !errno && (open == 0 || open >= files))
		return 0;
	return job_error(p, o->line, o->key, "[%s]: '%s' with %lu files refused: with fewer "
			 "files open than the job has, fio's check after the cut reads back only "
			 "part of the blocks written; leave openfiles out or set it to %lu", job->name,
			 val(o), files, files);
}

/* See struct pc_fio_job.midrun_unsafe (fio 3.33: log_io_piece keeps a
 * job's writes for the check in a list in the order they were issued only
 * when the file has a random map; else in a tree sorted by file, then
 * offset). */
static void job_order(struct pc_fio_job *j, const struct pc_fio_section *job,
		      const struct pc_fio_section *global)
{
	const struct pc_fio_opt *rw = effective(job, global, "rw|readwrite");
	const char *mode = rw ? val(rw) : "";
	const struct pc_fio_opt *gen = effective(job, global, "random_generator");
	if (!strcmp(mode, "randwrite") && gen && !strcmp(val(gen), "lfsr")) {
		j->midrun_line = gen->line;
		j->midrun_unsafe = "random_generator=lfsr: fio keeps no random map with it, and its "
				   "check after the cut reads the blocks sorted by offset, not in the "
				   "order they were written, so its saved state cannot tell a write "
				   "in flight at the cut from a completed one (an O_SYNC write in "
				   "flight was counted lost); use the default random_generator";
		return;
	}
	const struct pc_fio_opt *fst = effective(job, global, "file_service_type");
	const char *service = fst ? val(fst) : "roundrobin";
	int one_by_one = !strncmp(service, "sequential", 10) &&
			 (service[10] == '\0' || service[10] == ':');
	const struct pc_fio_opt *why;
	if (strcmp(mode, "write") || job_files(job, global, &why) < 2 || one_by_one)
		return;
	const struct pc_fio_opt *o = fst ? fst : effective(job, global, "filename");
	if (!o)
		o = effective(job, global, "nrfiles|nr_files");
	j->midrun_line = o && o->line > job->line ? o->line : job->line;
	j->midrun_unsafe = "rw=write over several files taken in turn: fio's check after the cut "
			   "reads one file's blocks after the other's, not in the order they were "
			   "written, so its saved state cannot tell a write in flight at the cut "
			   "from a completed one (an O_SYNC write in flight was counted lost); use "
			   "file_service_type=sequential, one file, or rw=randwrite";
}

/* An asynchronous engine at iodepth > 1 completes writes out of order, and
 * fio's saved state keeps only the last iodepth completions: a write still
 * in flight at the cut while iodepth later ones completed lies outside the
 * window fio leaves unchecked, so its block is checked as written and counted
 * lost on a correct filesystem (libaio, direct=1, iodepth=8, O_SYNC writes,
 * cut at 50%: about 1 cut in 20 on ext4).  A check that fails a correct
 * filesystem now and then gives no verdict: refused for mid-run cuts. */
static void job_depth(struct pc_fio_job *j, const struct pc_fio_section *job,
		      const struct pc_fio_section *global)
{
	static const char *const async_engines[] = { "libaio", "io_uring", "posixaio", NULL };
	const struct pc_fio_opt *engine = effective(job, global, "ioengine");
	const struct pc_fio_opt *depth = effective(job, global, "iodepth");
	if (j->midrun_unsafe || !engine || !in_list(async_engines, val(engine)) ||
	    number(job, global, "iodepth", 1) <= 1)
		return;
	j->midrun_line = depth && depth->line > engine->line ? depth->line : engine->line;
	j->midrun_unsafe = "an asynchronous engine at iodepth > 1: writes complete out of order, "
			   "and fio's saved state keeps only the last iodepth completions, so "
			   "a write still in flight at the cut behind later completed ones is "
			   "checked as written and counted lost on a correct filesystem (about 1 "
			   "cut in 20 with libaio, iodepth=8); use iodepth=1 or a sync engine";
}

/* fsync=N/fdatasync=N sync the file the job's next I/O goes to, not the
 * one it wrote (fio 3.33, nrfiles=2, fsync=1: every fsync is of j.0.1,
 * while the first half of the writes go to j.0.0, never synced): with
 * several files the writes fio counts synced are not, and the check would
 * count them lost.  sync=1 makes each write durable on its own. */
static int check_sync_files(struct parser *p, const struct pc_fio_job *j,
			    const struct pc_fio_section *job, const struct pc_fio_section *global)
{
	if (j->syncs != PC_FIO_SYNC_EVERY)
		return 0;
	const struct pc_fio_opt *why;
	unsigned long files = job_files(job, global, &why);
	if (files < 2)
		return 0; /* 0: refused with the files (add_job_files) */
	const struct pc_fio_opt *o = effective(job, global, "fsync");
	if (!o || number(job, global, "fsync", 0) == 0)
		o = effective(job, global, "fdatasync");
	return job_error(p, o->line, o->key, "[%s]: '%s' with %lu files refused: fio syncs the "
			 "file its next I/O goes to, not the one it wrote (nrfiles=2, fsync=1: "
			 "only the second file is ever synced), so the writes it counts synced may "
			 "not be; give the job one file, or use sync=1", job->name, val(o), files);
}

/* ---- the verify header's room in a block --------------------------------- */

/* Bytes of fio 3.33's block header (struct verify_header, 40) and the
 * checksum after it (verify.h vhdr_*; verify.c __hdr_size). */
static unsigned header_size(const char *verify)
{
	static const struct { const char *name; unsigned bytes; } sums[] = {
		{ "md5", 16 }, { "crc64", 8 }, { "crc32c", 4 }, { "crc32c-intel", 4 },
		{ "crc32", 4 }, { "crc16", 2 }, { "crc7", 1 }, { "sha1", 20 },
		{ "sha256", 64 }, { "sha3-224", 28 }, { "sha3-256", 32 },
		{ "sha3-384", 48 }, { "sha3-512", 64 }, { "xxhash", 4 },
	};
	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		if (!strcmp(sums[i].name, verify))
			return 40 + sums[i].bytes;
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* fio's verify interval (init.c fixup_options): verify_interval, else the
 * smallest block when blocks vary, at most the smallest block, and the
 * blocks' gcd when it does not divide both.  0 when the job file does not
 * tell the blocks or the interval (*WHY the option then). */
static uint64_t verify_interval(const struct pc_fio_section *job,
				const struct pc_fio_section *global, const struct pc_fio_opt **why)
{
	uint64_t min, max, interval = 0;
	const struct pc_fio_opt *vi = effective(job, global, "verify_interval");
	if (!write_blocks(job, global, &min, &max, why))
		return 0;
	if (vi && opt_size(vi, &interval) < 0) {
		*why = vi;
		return 0;
	}
	*why = NULL;
	if (max != min && !interval)
		interval = min;
	if (interval > min)
		interval = min;
	if (!interval || min % interval || max % interval)
		interval = gcd(min, max);
	return interval;
}

/* See struct pc_fio_job: hdr_interval, hdr_first, hdr_at, hdr_seeded. */
static void job_headers(struct pc_fio_job *j, const struct pc_fio_section *job,
			const struct pc_fio_section *global)
{
	const struct pc_fio_opt *why, *o;
	uint64_t min;
	j->hdr_interval = verify_interval(job, global, &why);
	if (!write_blocks(job, global, &min, &j->hdr_block, &why))
		j->hdr_interval = 0;
	j->hdr_first = j->hdr_at = 0;
	j->hdr_seeded = !effective(job, global, "verify_pattern");
	if ((o = effective(job, global, "bs_unaligned|blocksize_unaligned")) &&
	    parse_bool(val(o)) != 0)
		j->hdr_interval = 0; /* a header per block, blocks anywhere */
	if ((o = effective(job, global, "offset|fileoffset")) &&
	    opt_size(o, &j->hdr_first) < 0)
		j->hdr_interval = 0;
	if ((o = effective(job, global, "verify_offset")) &&
	    opt_size(o, &j->hdr_at) < 0)
		j->hdr_interval = 0;
	if (j->hdr_at + 40 > j->hdr_interval) /* refused before: check_verify_room */
		j->hdr_interval = 0;
}

/* The job's smallest and biggest write block (bs=N or bsrange=A-B, fio's 4k
 * when unset): 0 when the job file does not give them as plain counts
 * (bssplit, bs=4k,8k), *WHY the option then. */
static int write_blocks(const struct pc_fio_section *job, const struct pc_fio_section *global,
			uint64_t *min, uint64_t *max, const struct pc_fio_opt **why)
{
	*min = *max = 4096;
	if ((*why = effective(job, global, "bssplit")))
		return 0;
	const struct pc_fio_opt *o = effective(job, global, "bs|blocksize|bsrange|blocksize_range");
	if (!o)
		return 1;
	*why = o;
	const char *v = val(o);
	if (strchr(v, ','))
		return 0;
	if (strcasecmp(o->key, "bsrange") && strcasecmp(o->key, "blocksize_range"))
		return size_kb(v, o->kb_base, min) == 0 && *min && (*max = *min);
	const char *dash = range_sep(v);
	if (!dash)
		return 0;
	char *low = xstrndup(v, (size_t)(dash - v));
	int ok = size_kb(low, o->kb_base, min) == 0 && size_kb(dash + 1, o->kb_base, max) == 0 &&
		 *min && *min <= *max;
	free(low);
	return ok;
}

/* fio's checksum must fit each verify interval: fio 3.33's own verify
 * (do_verify=1, no cut at all) fails every block of a job whose header,
 * moved by verify_offset, overlaps the header's place (sha256 with
 * verify_offset=64 < 104 bytes) or the next interval (bs=4k, crc32c,
 * verify_offset=4053 > 4096 - 44).  powercut would count each such block
 * lost on a correct filesystem, so these are refused.  The
 * interval is fio's (init.c fixup_options): verify_interval, else the
 * smallest block when blocks vary, at most the smallest block, and the
 * blocks' gcd when it does not divide both. */
static int check_verify_room(struct parser *p, const struct pc_fio_section *job,
			     const struct pc_fio_section *global)
{
	const struct pc_fio_opt *verify = effective(job, global, "verify");
	const struct pc_fio_opt *offset = effective(job, global, "verify_offset");
	unsigned head = header_size(val(verify));
	if (!head || !offset)
		return 0;
	const struct pc_fio_opt *why;
	uint64_t interval = verify_interval(job, global, &why);
	if (!interval)
		return job_error(p, offset->line, offset->key, "[%s]: '%s' refused: powercut checks "
				 "that fio's %u-byte %s header fits each verify interval, and "
				 "cannot tell the interval from line %u (%s=%s); give bs, bsrange and "
				 "verify_interval as plain counts", job->name, val(offset), head,
				 val(verify), why->line, why->key, val(why));
	uint64_t at = 0;
	if (opt_size(offset, &at) < 0 || at < head || at > interval ||
	    interval - at < head)
		return job_error(p, offset->line, offset->key, "[%s]: '%s' refused: fio's %s header "
				 "takes %u bytes, and moved by verify_offset it must stay within "
				 "the verify interval (%llu bytes) without overlapping its own place "
				 "(verify_offset %u to %llu); fio's own verify fails every block "
				 "otherwise, which the check would count lost", job->name,
				 val(offset), val(verify), head, (unsigned long long)interval, head,
				 (unsigned long long)(interval >= 2 * head ? interval - head : 0));
	return 0;
}

/* The options of the [global] sections above section IDX, in file order,
 * into OUT: the defaults fio holds when it reads that job (each [global]
 * adds its options to them, init.c get_new_job), a later [global]'s value
 * after an earlier one's, so that find_opt's last one is fio's.  The
 * options are borrowed: free only OUT->opts. */
static void global_above(const struct pc_fio_section *sections, size_t idx,
			 struct pc_fio_section *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < idx; i++) {
		const struct pc_fio_section *g = &sections[i];
		if (!is_global(g) || g->nopts == 0)
			continue;
		out->opts = xrealloc(out->opts, (out->nopts + g->nopts) * sizeof(*out->opts));
		memcpy(out->opts + out->nopts, g->opts, g->nopts * sizeof(*g->opts));
		out->nopts += g->nopts;
		out->line = g->line;
	}
}

/* Whether option O of the [global] SECTIONS[GI] is the value some job
 * below it runs with (its own or a later [global]'s replaces it). */
static int global_opt_taken(const struct pc_fio_section *sections, size_t n, size_t gi,
			    const struct pc_fio_opt *o)
{
	const struct rule *r = rule_of(o->key);
	int taken = 0;
	for (size_t k = gi + 1; r && !taken && k < n; k++) {
		if (is_global(&sections[k]))
			continue;
		struct pc_fio_section above;
		global_above(sections, k, &above);
		const struct pc_fio_opt *e = effective(&sections[k], &above, r->names);
		taken = e && e->line == o->line;
		free(above.opts);
	}
	return taken;
}

/* The refused values read_option let through in a [global]
 * (refused_if_taken): refused when a job takes one. */
static int check_global_values(struct parser *p)
{
	for (size_t gi = 0; gi < p->nsections; gi++) {
		const struct pc_fio_section *g = &p->sections[gi];
		for (size_t k = 0; is_global(g) && k < g->nopts; k++) {
			const struct pc_fio_opt *o = &g->opts[k];
			const char *why = inert_in_global(g, o->key) ? NULL : refusal(o->key, val(o));
			if (!why || !global_opt_taken(p->sections, p->nsections, gi, o))
				continue;
			if (o->value && *o->value)
				return job_error(p, o->line, o->key, "'%s' refused: %s", o->value, why);
			return job_error(p, o->line, o->key, "refused: %s", why);
		}
	}
	return 0;
}

/* Each option's kb_base (pc_fio_opt.kb_base), as fio 3.33 reads it: a
 * section's options are parsed together, kb_base first (its prio, 1, is
 * the highest: options.c), so a section's own kb_base, its last line,
 * counts for all of its values, above or below it; a section without one
 * reads them with the [global]s' above it (init.c get_new_job copies
 * their defaults), and a [global]'s becomes the default of the sections
 * below it.  kb_base=1000, size=4k: a file of 4000 bytes; 4KiB: 4096. */
static void mark_kb_base(struct parser *p)
{
	unsigned inherited = 1024;
	for (size_t i = 0; i < p->nsections; i++) {
		struct pc_fio_section *s = &p->sections[i];
		const struct pc_fio_opt *o = find_opt(s, "kb_base");
		unsigned kb = inherited;
		if (o)
			kb = !strcmp(val(o), "1000") ? 1000 : !strcmp(val(o), "1024") ? 1024 : 0;
		for (size_t k = 0; k < s->nopts; k++)
			s->opts[k].kb_base = kb;
		if (is_global(s))
			inherited = kb;
	}
}

static int check_jobs(struct parser *p, struct pc_fio_jobfile *out)
{
	if (check_global_values(p) < 0)
		return -1;
	mark_kb_base(p);
	int rc = -1;
	/* per section: for a job, the [global] options above it */
	struct pc_fio_section *globals = xcalloc(p->nsections + 1, sizeof(*globals));
	for (size_t i = 0; i < p->nsections; i++)
		if (!is_global(&p->sections[i]))
			global_above(p->sections, i, &globals[i]);
	out->total_bytes = 0;
	out->total_room = 0;
	int sizes_known = 1, rooms_known = 1;
	for (size_t i = 0; i < p->nsections; i++) {
		const struct pc_fio_section *s = &p->sections[i];
		const struct pc_fio_section *global = &globals[i];
		if (is_global(s))
			continue;
		static const struct { const char *names, *why; } needed[] = {
			{ "rw|readwrite", "fio's default is rw=read; set rw=write or rw=randwrite" },
			{ "verify", "powercut judges with fio's verifier: set verify=crc32c (or another "
				    "checksum)" },
			/* without size fio writes each file's filesize
			 * (job_size) */
			{ "size|filesize", "set the job's size (in bytes, e.g. 64m), or its "
					      "files' filesize" },
		};
		for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++)
			if (!effective(s, global, needed[k].names))
			{
				job_error(p, s->line, NULL, "[%s]: %s is not set: %s", s->name,
					  needed[k].names, needed[k].why);
				goto out;
			}
		out->jobs = xrealloc(out->jobs, (out->njobs + 1) * sizeof(*out->jobs));
		struct pc_fio_job *j = &out->jobs[out->njobs++];
		memset(j, 0, sizeof(*j));
		j->name = xstrdup(s->name);
		j->line = s->line;
		j->end_line = i + 1 < p->nsections ? p->sections[i + 1].line : 0;
		job_syncs(j, s, global);
		if (check_sync_files(p, j, s, global) < 0 || check_open_files(p, s, global) < 0 ||
		    check_verify_room(p, s, global) < 0 || check_wait_for(p, s, global) < 0)
			goto out;
		j->depth = (unsigned)number(s, global, "iodepth", 1);
		if (!j->depth)
			j->depth = 1;
		j->size = job_size(s, global);
		if (check_io_size(p, j, s, global) < 0 || check_file_room(p, s, global) < 0)
			goto out;
		if (!j->size)
			sizes_known = 0;
		j->bytes = job_bytes(j, s, global);
		out->total_bytes += j->bytes;
		j->room = job_room(j, s, global);
		rooms_known &= j->room != 0;
		out->total_room = add_sat(out->total_room, j->room);
		job_extent(j, s, global);
		job_order(j, s, global);
		job_depth(j, s, global);
		job_headers(j, s, global);
	}
	if (!sizes_known)
		out->total_bytes = 0;
	if (!rooms_known)
		out->total_room = 0;
	if (check_exitall(p, globals) < 0 || check_shared_files(p, globals, out) < 0)
		goto out;
	if (out->njobs == 0) {
		job_error(p, p->lineno, NULL, "no job: add a [section] besides [global]");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < p->nsections; i++)
		free(globals[i].opts);
	free(globals);
	return rc;
}

static void sections_free(struct pc_fio_section *sections, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sections[i].nopts; k++) {
			free(sections[i].opts[k].key);
			free(sections[i].opts[k].value);
		}
		free(sections[i].opts);
		free(sections[i].name);
	}
	free(sections);
}

static int parse_stream(FILE *f, const char *shown, struct pc_fio_jobfile *out)
{
	struct parser p = { .shown = shown, .f = f };
	char *line = xmalloc(MAX_LINE);
	int rc;
	while ((rc = read_line(&p, line, MAX_LINE)) > 0)
		if (read_job_line(&p, line) < 0) {
			rc = -1;
			break;
		}
	free(line);
	if (rc == 0)
		rc = check_jobs(&p, out);
	/* The jobfile owns the sections from here (freed with it). */
	out->sections = p.sections;
	out->nsections = p.nsections;
	return rc < 0 ? -1 : 0;
}

/* Parse TEXT[0..LEN) (NUL bytes included, which the parser reports with
 * their line) into OUT; its path is SHOWN. */
static int parse_buffer(const char *text, size_t len, const char *shown,
			struct pc_fio_jobfile *out)
{
	memset(out, 0, sizeof(*out));
	/* fmemopen of zero bytes fails with EINVAL: an empty file has no job */
	FILE *f = fmemopen((void *)(len ? text : "\n"), len ? len : 1, "r");
	if (!f)
		return pc_fail_errno(PC_ERR_RUN, errno, "fmemopen");
	int rc = parse_stream(f, shown, out);
	fclose(f);
	out->path = xstrdup(shown);
	if (rc < 0) {
		pc_fio_job_free(out);
		return rc;
	}
	out->text = xmalloc(len + 1);
	memcpy(out->text, text, len);
	out->text[len] = '\0';
	out->len = len;
	return rc;
}

int pc_fio_job_parse_string(const char *text, const char *shown, struct pc_fio_jobfile *out)
{
	return parse_buffer(text, strlen(text), shown, out);
}

int pc_fio_job_load(const char *path, const char *shown, struct pc_fio_jobfile *out)
{
	memset(out, 0, sizeof(*out));
	char *abs = realpath(path, NULL);
	if (!abs)
		return pc_fail_errno(PC_ERR_INPUT, errno, "fio job file %s", shown);
	/* A regular file only: a FIFO would block, /dev/zero never end. */
	int fd = pc_input_open("fio job file", abs);
	size_t len = 0;
	/* NUL bytes and all: the bytes checked are the bytes fio will run
	 * (see text in fio_job.h). */
	char *text = fd < 0 ? NULL : pc_input_read_fd(fd, "fio job file", shown,
						      PC_MAX_SMALL_FILE, &len);
	if (fd >= 0)
		close(fd);
	int rc = text ? parse_buffer(text, len, shown, out) : -1;
	free(text);
	if (rc < 0) {
		free(abs);
		return -1;
	}
	free(out->path);
	out->path = abs;
	return 0;
}

/* Where line LINE (1-based) of TEXT starts; LEN when there is none. */
static size_t line_start(const char *text, size_t len, unsigned line)
{
	size_t pos = 0;
	for (unsigned l = 1; l < line && pos < len; pos++)
		if (text[pos] == '\n')
			l++;
	return pos;
}

char *pc_fio_job_with_lines(const char *text, size_t len, const struct pc_fio_job *jobs,
			    size_t njobs, const char *const *lines, size_t *outlen)
{
	size_t cap = len + 2 * njobs + 1;
	for (size_t i = 0; i < njobs; i++)
		cap += strlen(lines[i]);
	char *out = xmalloc(cap);
	size_t n = 0, from = 0;
	for (size_t i = 0; i < njobs; i++) {
		/* a job's section ends where the next one starts */
		size_t end = jobs[i].end_line ? line_start(text, len, jobs[i].end_line) : len;
		memcpy(out + n, text + from, end - from);
		n += end - from;
		from = end;
		if (n > 0 && out[n - 1] != '\n')
			out[n++] = '\n';
		memcpy(out + n, lines[i], strlen(lines[i]));
		n += strlen(lines[i]);
	}
	memcpy(out + n, text + from, len - from);
	n += len - from;
	out[n] = '\0';
	*outlen = n;
	return out;
}

struct pc_fio_job *pc_fio_jobs_copy(const struct pc_fio_jobfile *jf)
{
	struct pc_fio_job *jobs = xcalloc(jf->njobs + 1, sizeof(*jobs));
	for (size_t i = 0; i < jf->njobs; i++) {
		jobs[i] = jf->jobs[i];
		jobs[i].name = xstrdup(jf->jobs[i].name);
		jobs[i].files = jf->jobs[i].nfiles ? xcalloc(jf->jobs[i].nfiles, sizeof(char *))
						   : NULL;
		for (size_t k = 0; k < jf->jobs[i].nfiles; k++)
			jobs[i].files[k] = xstrdup(jf->jobs[i].files[k]);
	}
	return jobs;
}

void pc_fio_jobs_free(struct pc_fio_job *jobs, size_t n)
{
	for (size_t i = 0; jobs && i < n; i++) {
		free(jobs[i].name);
		for (size_t k = 0; k < jobs[i].nfiles; k++)
			free(jobs[i].files[k]);
		free(jobs[i].files);
	}
	free(jobs);
}

void pc_fio_job_free(struct pc_fio_jobfile *jf)
{
	pc_fio_jobs_free(jf->jobs, jf->njobs);
	sections_free(jf->sections, jf->nsections);
	free(jf->path);
	free(jf->text);
	memset(jf, 0, sizeof(*jf));
}

/* ---- fio's own reading (fio --showcmd) ------------------------------------ */

/* fio's option aliases (fio 3.33, --cmdhelp): --showcmd prints the
 * canonical name (first) of an option given by its alias (second). */
static const char *const aliases[][2] = {
	{ "ba", "blockalign" }, { "bs", "blocksize" },
	{ "bs_unaligned", "blocksize_unaligned" }, { "bsrange", "blocksize_range" },
	{ "disable_bw_measurement", "disable_bw" }, { "fill_device", "fill_fs" },
	{ "io_size", "io_limit" }, { "iodepth_batch", "iodepth_batch_submit" },
	{ "iodepth_batch_complete_min", "iodepth_batch_complete" }, { "mem", "iomem" },
	{ "nrfiles", "nr_files" }, { "offset", "fileoffset" }, { "rate_cycle", "ratecycle" },
	{ "rate_min", "ratemin" }, { "runtime", "timeout" }, { "rw", "readwrite" },
	{ "steadystate", "ss" }, { "steadystate_duration", "ss_dur" },
	{ "steadystate_ramp_time", "ss_ramp" }, { "stonewall", "wait_for_previous" },
};

/* fio prints option NAME for the key KEY as written in the file. */
static int same_option(const char *key, const char *name)
{
	if (!strcmp(key, name))
		return 1;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(name, aliases[i][0]) && !strcmp(key, aliases[i][1]))
			return 1;
	return 0;
}

/* The value fio printed (FIO) for the value in the file (MINE); NULL for a
 * bare option.  A value with a $keyword is printed substituted and
 * evaluated: then fio's must be a plain number or expression. */
static int same_value(const char *mine, const char *fio)
{
	if (!mine || !fio)
		return !mine && !fio;
	while (isspace((unsigned char)*fio))
		fio++;
	size_t n = strlen(fio);
	while (n > 0 && isspace((unsigned char)fio[n - 1]))
		n--;
	if (strlen(mine) == n && !strncmp(mine, fio, n))
		return 1;
	if (!has_keyword(mine))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!arithmetic_char(fio[i]))
			return 0;
	return n > 0;
}

struct fio_opt {
	char *name, *value;  /* in the copy of fio's output */
	int used;
};

struct fio_view {
	char *copy;
	struct fio_opt *opts;
	size_t nopts;
};

/* fio 3.33 prints description's value, and no other, between double
 * quotes (init.c dump_opt): --description="a job".  Its value is what is
 * between them. */
static void unquote_description(struct fio_opt *o)
{
	if (strcmp(o->name, "description") || !o->value)
		return;
	size_t n = strlen(o->value);
	if (n >= 2 && o->value[0] == '"' && o->value[n - 1] == '"') {
		o->value[n - 1] = '\0';
		o->value++;
	}
}

/* Split fio's "fio --a=b --name=j --c" into options (at " --": a value
 * holding " --" was refused when the file was read).  -1 when it is not
 * one such line. */
static int split_showcmd(const char *out, struct fio_view *v)
{
	memset(v, 0, sizeof(*v));
	size_t n = strlen(out);
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	if (n < 4 || strncmp(out, "fio ", 4) || memchr(out, '\n', n))
		return -1;
	v->copy = xmalloc(n + 1);
	memcpy(v->copy, out, n);
	v->copy[n] = '\0';
	char *c = v->copy + 3;
	while (*c) {
		if (strncmp(c, " --", 3)) {
			free(v->copy);
			free(v->opts);
			memset(v, 0, sizeof(*v));
			return -1;
		}
		*c = '\0';
		char *name = c + 3;
		char *next = strstr(name, " --");
		c = next ? next : name + strlen(name);
		v->opts = xrealloc(v->opts, (v->nopts + 1) * sizeof(*v->opts));
		struct fio_opt *o = &v->opts[v->nopts++];
		o->name = name;
		o->used = 0;
		if (next)
			*next = '\0';
		char *eq = strchr(name, '=');
		o->value = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		if (next)
			*next = ' ';
	}
	/* each value ends where the next option starts: cut above */
	for (size_t i = 0; i < v->nopts; i++)
		unquote_description(&v->opts[i]);
	return 0;
}

static int showcmd_error(const char *shown, unsigned line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int showcmd_error(const char *shown, unsigned line, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pc_input_vfail_at(shown, line, key, fmt, ap);
	va_end(ap);
	return rc;
}

/* Section S's options against fio's options [FROM, TO) of V, each
 * matched to one not used yet (and marked used). */
static int match_section(const struct pc_fio_jobfile *jf, size_t idx, struct fio_view *v,
			 size_t from, size_t to, const char *shown)
{
	const struct pc_fio_section *s = &jf->sections[idx];
	for (size_t k = 0; k < s->nopts; k++) {
		const struct pc_fio_opt *o = &s->opts[k];
		size_t i;
		for (i = from; i < to; i++)
			if (!v->opts[i].used && same_option(o->key, v->opts[i].name) &&
			    same_value(o->value, v->opts[i].value))
				break;
		if (i == to)
			return showcmd_error(shown, o->line, o->key, "fio reads this line otherwise "
					     "(fio --showcmd has no such option in [%s]): refused, "
					     "powercut checks what fio runs", s->name);
		v->opts[i].used = 1;
		/* The rules on fio's view: its canonical name, its value
		 * after substitution. */
		const char *fv = v->opts[i].value ? v->opts[i].value : "";
		while (isspace((unsigned char)*fv))
			fv++;
		const char *why = inert_in_global(s, v->opts[i].name) ? NULL
								       : refusal(v->opts[i].name, fv);
		/* a [global]'s value no job takes (check_global_values) */
		if (why && is_global(s) && refused_if_taken(v->opts[i].name) &&
		    !global_opt_taken(jf->sections, jf->nsections, idx, o))
			why = NULL;
		if (why)
			return showcmd_error(shown, o->line, o->key, "fio reads it as --%s=%s: %s",
					     v->opts[i].name, fv, why);
	}
	return 0;
}

/* Every option of fio's [FROM, TO) of V matched to a line of section S. */
static int all_used(const struct pc_fio_section *s, const struct fio_view *v, size_t from,
		    size_t to, const char *shown)
{
	for (size_t i = from; i < to; i++)
		if (!v->opts[i].used)
			return showcmd_error(shown, s->line, NULL, "[%s]: fio reads an option "
					     "'--%s%s%s' that is on no line powercut read (fio "
					     "--showcmd): refused", s->name, v->opts[i].name,
					     v->opts[i].value ? "=" : "",
					     v->opts[i].value ? v->opts[i].value : "");
	return 0;
}

static int is_name(const struct fio_opt *o)
{
	return !strcmp(o->name, "name");
}

/* fio --showcmd prints the sections in file order (init.c
 * __parse_jobs_ini and dump_opt_list): a job as --name=JOB and then its
 * own options; a [global] as every option of the [global]s read so far
 * (fio's defaults, to which each [global] adds its own), the earlier
 * ones again; each section's options sorted by fio's priority.  So every
 * section is a run of options of a length powercut knows from its own
 * reading, which it matches without looking for --name (name= in a
 * [global] prints --name=X among them). */
int pc_fio_job_check_showcmd(const struct pc_fio_jobfile *jf, const char *shown, const char *out)
{
	struct fio_view v;
	if (split_showcmd(out, &v) < 0)
		return pc_fail(PC_ERR_INPUT, "%s: fio --showcmd printed something powercut cannot "
			       "read: %.200s", shown, out);
	int rc = 0;
	size_t pos = 0, defaults = 0; /* the options of the [global]s so far */
	for (size_t sec = 0; rc == 0 && sec < jf->nsections; sec++) {
		const struct pc_fio_section *s = &jf->sections[sec];
		size_t from = pos, to;
		if (is_global(s)) {
			defaults += s->nopts;
			to = from + defaults;
		} else {
			if (pos < v.nopts && !is_name(&v.opts[pos]) && sec > 0) {
				/* more options than the section above has lines */
				rc = all_used(&jf->sections[sec - 1], &v, pos, pos + 1, shown);
				break;
			}
			if (pos >= v.nopts || !v.opts[pos].value || strcmp(v.opts[pos].value, s->name)) {
				rc = showcmd_error(shown, s->line, NULL, "fio does not read the job [%s] "
						   "here (fio --showcmd has %s%s%s): refused", s->name,
						   pos >= v.nopts ? "no more jobs"
						   : is_name(&v.opts[pos]) ? "job " : "--",
						   pos < v.nopts && !is_name(&v.opts[pos])
						   ? v.opts[pos].name : "",
						   pos < v.nopts && is_name(&v.opts[pos]) && v.opts[pos].value
						   ? v.opts[pos].value : "");
				break;
			}
			from = pos + 1;
			to = from + s->nopts;
		}
		if (to > v.nopts) {
			rc = showcmd_error(shown, s->line, NULL, "[%s]: fio --showcmd has fewer "
					   "options than its lines: refused, powercut checks what fio "
					   "runs", s->name);
			break;
		}
		if (is_global(s)) {
			for (size_t g = 0; rc == 0 && g <= sec; g++)
				if (is_global(&jf->sections[g]))
					rc = match_section(jf, g, &v, from, to, shown);
		} else {
			rc = match_section(jf, sec, &v, from, to, shown);
		}
		if (rc == 0)
			rc = all_used(s, &v, from, to, shown);
		pos = to;
	}
	if (rc == 0 && pos < v.nopts) {
		unsigned line = jf->nsections ? jf->sections[jf->nsections - 1].line : 1;
		if (is_name(&v.opts[pos]))
			rc = showcmd_error(shown, line, NULL, "fio reads a job '%s' that is in no "
					   "[section] powercut read (fio --showcmd): refused",
					   v.opts[pos].value ? v.opts[pos].value : "");
		else if (jf->nsections)
			rc = all_used(&jf->sections[jf->nsections - 1], &v, pos, pos + 1, shown);
	}
	free(v.copy);
	free(v.opts);
	return rc;
}

/* In fio's child: its standard error to /dev/null, so that the output
 * read is --showcmd's line alone. */
static int quiet_stderr(void *arg, const char **what)
{
	(void)arg;
	*what = "/dev/null for fio's standard error";
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		return -errno;
	close(fd);
	return 0;
}

static int fio_reads(const struct pc_fio_jobfile *jf, const char *file, const char *shown);
static int fio_sets_up(const struct pc_fio_jobfile *jf, const char *shown);

/* TEXT (LEN bytes) in a private memory file, for fio to read as
 * /proc/self/fd/N (inherited: no CLOEXEC): nothing is left in /tmp when
 * powercut is interrupted.  The descriptor, its path in PATH; -1 (ENV). */
static int memory_copy(const char *text, size_t len, const char *shown, char *path, size_t plen)
{
	int fd = memfd_create("powercut-fio-job", 0);
	if (fd < 0)
		return pc_fail_errno(PC_ERR_ENV, errno, "memfd_create for a copy of %s", shown);
	if (pc_pwrite_all(fd, text, len, 0) < 0) {
		pc_fail_errno(PC_ERR_ENV, errno, "write a copy of %s to memory", shown);
		close(fd);
		return -1;
	}
	snprintf(path, plen, "/proc/self/fd/%d", fd);
	return fd;
}

int pc_fio_job_fio_accepts(const struct pc_fio_jobfile *jf, const char *shown)
{
	/* fio reads a private copy of the bytes checked, the ones the case
	 * will run, not the file again. */
	char path[64];
	int fd = memory_copy(jf->text, jf->len, shown, path, sizeof(path));
	if (fd < 0)
		return -1;
	int rc = fio_reads(jf, path, shown);
	close(fd);
	return rc == 0 ? fio_sets_up(jf, shown) : rc;
}

/* ---- fio's set-up, run with nothing written ------------------------------- */

/* What each job gets for the set-up check: fio's set-up phase only
 * (create_only: setup_files marks the job done, and the job's thread sets
 * itself up - engine, buffers, random map - and does no I/O), no file laid
 * out or written (create_on_open: setup_files leaves the files alone; a
 * pre_read would then fail on a file of 0 bytes that the job's real run
 * lays out first), and no wait (startdelay).  In the job's own section,
 * where they override the job file's and the [global]s'. */
#define SETUP_ONLY "create_only=1\ncreate_on_open=1\npre_read=0\nstartdelay=0\n"

/* In fio's child: into the empty folder made for it. */
static int into_folder(void *arg, const char **what)
{
	*what = "the set-up check's temporary folder";
	return chdir((const char *)arg) < 0 ? -errno : 0;
}

/* Remove the set-up check's folder DIR and the jobs' sub-folders fio made
 * in it: fio works in '.' there, so a name it takes (its own PATH_MAX
 * bound, as under the run's shorter fio folder) can be past PATH_MAX as
 * DIR/NAME below a long TMPDIR, which a walk by whole path could not
 * remove (it warned "File name too long" for each folder, left them in
 * TMPDIR, and the check passed); pc_rmtree goes by folder descriptors.
 * -1 (class ENV) when anything stays. */
static int remove_setup_folder(const char *dir)
{
	return pc_rmtree_all(dir, PC_ERR_ENV);
}

/* fio's messages in OUTPUT (terse: one "3;fio-3.33;..." line per job,
 * which are left out), on one line, at most LEN - 1 bytes into MSG. */
static void setup_messages(const char *output, char *msg, size_t len)
{
	size_t n = 0;
	msg[0] = '\0';
	for (const char *line = output; line && *line && n + 1 < len;) {
		const char *end = strchr(line, '\n');
		size_t l = end ? (size_t)(end - line) : strlen(line);
		const char *semi = memchr(line, ';', l);
		int terse = semi && semi > line && strspn(line, "0123456789") == (size_t)(semi - line);
		if (l > 0 && !terse) {
			int w = snprintf(msg + n, len - n, "%s%.*s", n ? " " : "", (int)l, line);
			n = w < 0 || (size_t)w >= len - n ? len - 1 : n + (size_t)w;
		}
		line = end ? end + 1 : NULL;
	}
}

/* fio --parse-only reads the options and stops before fio sets the jobs
 * up (init.c add_job returns early for a parse-only run: no fixup_options,
 * no engine loaded; setup_files and the job's thread never run), so a job
 * file it passes may still fail in that set-up: rate with rate_iops, a
 * size below the block size, an offset beyond a file's size, buffers in
 * huge pages the machine has not, ... - and each case failed after mkfs.
 * So fio runs its own set-up here, on the checked bytes with SETUP_ONLY
 * added to each job, in an empty temporary folder (TMPDIR or /tmp; its
 * directory, its cwd and the aux path for its state files), with
 * verify_state_save=0: nothing written but the jobs' sub-folders, all
 * removed after.  Any failure is fio's refusal of the job file; fio
 * killed by a signal is the machine's. */
/* The set-up check runs before `run` catches signals (their default
 * action ends powercut at once while it reads its scenario): one landing
 * then ended powercut with the temporary folder, and the files fio made
 * in it, left in TMPDIR.  For the check, a signal whose action is the
 * default sets pc_interrupted instead (pc_run then kills fio); once the
 * folder is removed, the default action is restored and the signal
 * raised again: powercut ends as it would have, leaving nothing. */
static const int setup_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSETUP_SIGNALS (sizeof(setup_signals) / sizeof(setup_signals[0]))

static void setup_signal_caught(int sig)
{
	pc_interrupted = sig;
}

static void setup_signals_catch(int caught[NSETUP_SIGNALS])
{
	struct sigaction sa = { 0 }, old;
	sa.sa_handler = setup_signal_caught;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSETUP_SIGNALS; i++)
		caught[i] = sigaction(setup_signals[i], NULL, &old) == 0 &&
			    old.sa_handler == SIG_DFL &&
			    sigaction(setup_signals[i], &sa, NULL) == 0;
}

static void setup_signals_restore(const int caught[NSETUP_SIGNALS])
{
	int sig = pc_interrupted;
	for (size_t i = 0; i < NSETUP_SIGNALS; i++)
		if (caught[i])
			signal(setup_signals[i], SIG_DFL);
	for (size_t i = 0; i < NSETUP_SIGNALS; i++)
		if (caught[i] && setup_signals[i] == sig)
			raise(sig);
}

static int fio_sets_up_caught(const struct pc_fio_jobfile *jf, const char *shown);

static int fio_sets_up(const struct pc_fio_jobfile *jf, const char *shown)
{
	int caught[NSETUP_SIGNALS];
	setup_signals_catch(caught);
	int rc = fio_sets_up_caught(jf, shown);
	setup_signals_restore(caught);
	return rc;
}

static int fio_sets_up_caught(const struct pc_fio_jobfile *jf, const char *shown)
{
	/* Root's only: the cases run fio as root (powercut run must be), and
	 * another user's fio fails set-ups root's passes (nice=-5, an RT
	 * prioclass, lockmem above its limit), which `run --list`, run by
	 * anyone, would refuse. */
	if (geteuid() != 0)
		return 0;
	const char **lines = xcalloc(jf->njobs + 1, sizeof(*lines));
	for (size_t i = 0; i < jf->njobs; i++)
		lines[i] = SETUP_ONLY;
	size_t len = 0;
	char *text = pc_fio_job_with_lines(jf->text, jf->len, jf->jobs, jf->njobs, lines, &len);
	free(lines);
	char path[64];
	int fd = memory_copy(text, len, shown, path, sizeof(path));
	free(text);
	if (fd < 0)
		return -1;
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char why[PATH_MAX + 128];
	int rc = 0;
	char *dir = xasprintf("%s/" PC_STATE_SETUP_PREFIX "XXXXXX", base);
	/* fio makes the jobs' sub-folders in it, as root: not in a base others
	 * could swap it out of (a sticky /tmp is fine) */
	if (access(base, F_OK) == 0 && pc_folder_exposed(base, 0, why, sizeof(why)) < 0)
		rc = pc_fail(PC_ERR_INPUT, "temporary folder %s (TMPDIR): %s: give one only root "
			     "can write to, or a sticky one such as /tmp", base, why);
	else if (!mkdtemp(dir))
		rc = pc_fail_errno(PC_ERR_ENV, errno, "create a temporary folder in %s (TMPDIR) "
				   "for fio's set-up check of %s", base, shown);
	/* Registered as a run's work folder is: killed by SIGKILL (no handler
	 * runs) during the check, the folder and fio's files in it are
	 * `powercut cleanup`'s to remove; they stayed in TMPDIR. */
	else if (pc_state_register(dir) < 0) {
		remove_setup_folder(dir);
		rc = -1;
	}
	if (rc < 0) {
		free(dir);
		close(fd);
		return rc;
	}
	/* --create_only=1 here too, for whoever reads the command line
	 * (ps, a wrapper); the job's own lines are what count */
	char *argv[] = { "fio", "--create_only=1", "--directory=.", "--aux-path=.",
			 "--verify_state_save=0",
			 "--output-format=terse", "--eta=never", path, NULL };
	char *output = NULL;
	int status = 0;
	rc = pc_run_setup(argv, into_folder, dir, &output, &status);
	close(fd);
	if (remove_setup_folder(dir) < 0) {
		if (rc == 0)
			rc = -1; /* registered still: cleanup's once we are gone */
	} else {
		pc_state_unregister(dir);
	}
	free(dir);
	if (rc == 0 && status != 0) {
		char msg[512];
		setup_messages(output ? output : "", msg, sizeof(msg));
		if (status >= 128)
			rc = pc_fail(PC_ERR_ENV, "%s: fio was killed by signal %d while it set the "
				     "jobs up (a run of fio's set-up only): %s", shown, status - 128,
				     msg);
		else
			rc = pc_fail(PC_ERR_INPUT, "%s: fio refuses it when it sets the jobs up (a "
				     "run of fio's set-up only, nothing written) (exit %d): %s",
				     shown, status, msg);
	}
	free(output);
	return rc;
}

/* fio --parse-only, then --showcmd compared with JF, on FILE. */
static int fio_reads(const struct pc_fio_jobfile *jf, const char *file, const char *shown)
{
	char *argv[] = { "fio", "--parse-only", (char *)file, NULL };
	char *output = NULL;
	int status = 0;
	if (pc_run(argv, &output, &status) < 0)
		return -1;
	int rc = 0;
	if (status != 0) {
		/* fio's first complaint, on one line. */
		char *msg = output ? output : xstrdup("");
		for (char *c = msg; *c; c++)
			if (*c == '\n')
				*c = ' ';
		rc = pc_fail(PC_ERR_INPUT, "%s: fio --parse-only refuses it (exit %d): %.300s", shown,
			     status, msg);
		output = msg;
	}
	free(output);
	if (rc < 0)
		return rc;
	/* Read whole: cut at pc_run's 64 KiB, the jobs past it (a file of 40
	 * jobs with long descriptions) were refused as missing from fio's
	 * reading.  fio prints each line of the file at most once, as
	 * ' --KEY=VALUE' (quoted) or ' --name=NAME': never 4 times its size. */
	const size_t max = 4 * (size_t)PC_MAX_SMALL_FILE;
	char *show[] = { "fio", "--showcmd", (char *)file, NULL };
	output = NULL;
	if (pc_run_capture(show, quiet_stderr, NULL, max, &output, &status) < 0)
		return -1;
	if (status != 0)
		rc = pc_fail(PC_ERR_INPUT, "%s: fio --showcmd refuses it (exit %d)", shown, status);
	else if (output && strlen(output) >= max)
		rc = pc_fail(PC_ERR_INPUT, "%s: fio --showcmd printed %zu bytes or more of its "
			     "reading of the file: more than powercut reads to compare it with its "
			     "own", shown, max);
	else
		rc = pc_fio_job_check_showcmd(jf, shown, output ? output : "");
	free(output);
	return rc;
}

int pc_fio_workload_file(const char *value, char **file, char *why, size_t len)
{
	*file = NULL;
	if (!strcmp(value, "image"))
		return 0;
	if (strncmp(value, "fio", 3) || (value[3] != ' ' && value[3] != '\t')) {
		snprintf(why, len, "'%s' is not image or fio FILE", value);
		return -1;
	}
	/* Read as image's and known's paths are (pc_split_list): quotes keep
	 * a path with blanks or commas whole and are not part of it. */
	size_t n;
	char **words = pc_split_list(value + 3, &n);
	if (!words) {
		snprintf(why, len, "unterminated quote (a job file path with blanks or commas is "
			 "quoted as '...' or \"...\")");
		return -1;
	}
	if (n != 1) {
		if (n == 0)
			snprintf(why, len, "fio needs a job file: workload = fio FILE");
		else
			snprintf(why, len, "'%s': fio takes one job file, quoted when its path holds "
				 "blanks or commas ('...' or \"...\")", value + 3 + strspn(value + 3, " \t"));
		pc_strv_free(words);
		return -1;
	}
	*file = xstrdup(words[0]);
	pc_strv_free(words);
	return 1;
}

/* Why the job file FILE (as written) was not taken, into WHY. */
static void workload_why(const char *file, char *why, size_t len)
{
	/* fio killed by a signal that stops the run: no verdict on the file. */
	snprintf(why, len, pc_interrupted ? "fio job file %s not checked: interrupted"
		 : pc_last_errclass == PC_ERR_ENV
		 ? "fio job file %s could not be checked: fio could not run (see above)"
		 : "fio job file %s refused (see above)", file);
}

int pc_fio_workload_parse(const char *value, const char *dir, struct pc_fio_jobfile *jf,
			  char *why, size_t len)
{
	memset(jf, 0, sizeof(*jf));
	char *file;
	int fio = pc_fio_workload_file(value, &file, why, len);
	if (fio <= 0)
		return fio;
	char *joined = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
	int rc = pc_fio_job_load(joined, joined, jf);
	free(joined);
	if (rc < 0)
		workload_why(file, why, len);
	free(file);
	return rc < 0 ? -1 : 1;
}

int pc_fio_workload_check(const char *value, const char *dir, const struct pc_fio_jobfile *jf,
			  char *why, size_t len)
{
	char *file;
	if (pc_fio_workload_file(value, &file, why, len) <= 0)
		return -1; /* not a value pc_fio_workload_parse took */
	char *joined = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
	int rc = pc_fio_job_fio_accepts(jf, joined);
	free(joined);
	if (rc < 0)
		workload_why(file, why, len);
	free(file);
	return rc < 0 ? -1 : 0;
}
