/* fio_job.c - read and check fio job files; see fio_job.h.
 *
 * Why libinih and not fio's own `--showcmd`: fio prints the options it
 * read, but not where; a refusal must name FILE:LINE.  libinih reads the
 * INI-like syntax fio uses ([section], key=value, bare keys, ; and #
 * comments) and our line reader counts lines, as scenario.c does.  fio
 * itself then confirms the file with --parse-only (pc_fio_job_fio_accepts),
 * so an option we do not know is still checked by the program that runs it.
 *
 * What the crash check needs (fio 3.33; docs/design.md, "Workloads: fio"): every block
 * written at most once per run, written by one job only, read back by the
 * verify pass in the same order and at the same place, with fio's block
 * header and checksum, and nothing read or written outside the filesystem
 * under test.  The rules below refuse each option that breaks one of these.
 */
#include "workload/fio_job.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/input.h"
#include "util/size.h"
#include "util/util.h"

#define MAX_LINE 4096

struct option_line {
	char *key, *value;    /* value "" for a bare key */
	unsigned line;
};

struct section {
	char *name;
	unsigned line;
	struct option_line *opts;
	size_t nopts;
};

struct parser {
	const char *shown;
	FILE *f;
	unsigned lineno;
	struct section *sections;
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

int pc_fio_parse_size(const char *s, uint64_t *out)
{
	return pc_size_parse(s, pc_size_suffixes_fio, out);
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
	"sha256", "sha512", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "xxhash", NULL,
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
	return NULL;
}

/* fio splits filename= on ':' (a '\:' is a literal colon). */
static const char *check_filename(const char *v)
{
	const char *start = v;
	for (const char *p = v;; p++) {
		if (*p == '\\' && p[1] == ':') {
			p++;
			continue;
		}
		if (*p == ':' || *p == '\0') {
			const char *why = check_one_name(start, (size_t)(p - start));
			if (why)
				return why;
			if (*p == '\0')
				return NULL;
			start = p + 1;
		}
	}
}

static const char *check_distribution(const char *v)
{
	if (!strcmp(v, "random"))
		return NULL;
	return "a non-uniform distribution can pick a block again; use random_distribution=random";
}

static const char *check_zonemode(const char *v)
{
	if (!strcmp(v, "none"))
		return NULL;
	return "zones can be reset and written again";
}

static const char *const OWNED = "powercut sets it: the write pass runs with do_verify=0 "
				 "and verify_state_save=1, the check after the cut with "
				 "verify_only, verify_state_load=1, continue_on_error=verify "
				 "and number_ios from the write pass";

static const struct rule rules[] = {
	{ "time_based", R_TRUE, "fio would keep writing until the clock stops, writing "
	  "blocks again after they were verified", NULL },
	{ "norandommap", R_TRUE, "a block can be written twice, so a later write can replace "
	  "one the check expects", NULL },
	{ "randrepeat", R_FALSE, "the verify pass would pick other random offsets than the "
	  "write pass", NULL },
	{ "loops", R_ABOVE_1, "every loop writes the blocks again", NULL },
	{ "io_size|io_limit", R_ANY, "fio wraps around and writes blocks again when it exceeds "
	  "size; set size only", NULL },
	{ "fill_device|fill_fs", R_TRUE, "writes until the filesystem is full; set size", NULL },
	{ "numjobs", R_ABOVE_1, "give each job its own section: the check bounds each job by "
	  "its own count of completed writes", NULL },
	{ "group_reporting", R_TRUE, "merges the per-job counts the check reads", NULL },
	{ "do_verify|verify_only|verify_state_save|verify_state_load|number_ios|"
	  "continue_on_error|ignore_error", R_ANY, NULL, NULL },
	{ "verify_fatal", R_TRUE, "the check would stop at the first bad block", NULL },
	{ "experimental_verify", R_TRUE, "it verifies without the saved state the check "
	  "depends on", NULL },
	{ "unlink|unlink_each_loop", R_TRUE, "the files are deleted when the job ends: "
	  "nothing is left to verify", NULL },
	{ "create_only", R_TRUE, "nothing would be written", NULL },
	{ "file_append", R_TRUE, "the verify pass would read from the file's new end", NULL },
	{ "directory", R_ANY, "powercut sets the directory, a folder on the filesystem under "
	  "test; name files relative to it", NULL },
	{ "opendir", R_ANY, "adds files from a folder that may be outside the filesystem "
	  "under test", NULL },
	{ "trim_percentage|trim_backlog|trim_backlog_batch|trim_verify_zero", R_ANY,
	  "trims discard blocks the check expects", NULL },
	{ "write_iolog|read_iolog|write_bw_log|write_lat_log|write_iops_log|write_hist_log|"
	  "merge_blktrace_file|replay_redirect", R_ANY, "reads or writes a path outside the "
	  "filesystem under test", NULL },
	{ "exec_prerun|exec_postrun", R_ANY, "runs a command (as root)", NULL },
	{ "ioscheduler|cgroup", R_ANY, "changes the host's settings", NULL },
	{ "rw|readwrite", R_VALUE, NULL, check_rw },
	{ "ioengine", R_VALUE, NULL, check_engine },
	{ "verify", R_VALUE, NULL, check_verify },
	{ "filename|filename_format", R_VALUE, NULL, check_filename },
	{ "random_distribution", R_VALUE, NULL, check_distribution },
	{ "zonemode", R_VALUE, NULL, check_zonemode },
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

/* NULL when KEY=VALUE is fine, else why it is refused. */
static const char *refusal(const char *key, const char *value)
{
	if (strstr(value, "${"))
		return "an environment variable: fio would expand it, powercut cannot check it";
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
		}
	}
	return NULL;
}

/* ---- reading ----------------------------------------------------------- */

static struct section *add_section(struct parser *p, const char *name, size_t len)
{
	p->sections = xrealloc(p->sections, (p->nsections + 1) * sizeof(*p->sections));
	struct section *s = &p->sections[p->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = xmalloc(len + 1);
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->line = p->lineno;
	return s;
}

/* Register a [section] header on this line; fio, like inih, takes the name
 * up to the first ']'.  Two jobs of one name would share their files. */
static int note_section(struct parser *p, const char *line)
{
	size_t len;
	const char *name = pc_ini_section_name(line, &len);
	if (!name)
		return 0;
	for (size_t i = 0; i < p->nsections; i++)
		if (strlen(p->sections[i].name) == len && !strncmp(p->sections[i].name, name, len))
			return job_error(p, p->lineno, NULL, "section [%.*s] appears twice (first on "
					 "line %u): the two jobs would write the same files",
					 (int)len, name, p->sections[i].line);
	if (len == 0)
		return job_error(p, p->lineno, NULL, "an empty section name");
	add_section(p, name, len);
	return 0;
}

/* One physical line per call, at most NUM - 2 bytes and its newline: a
 * bounded read (getline(3) would grow to the length of a newline-free
 * input).  The bytes consumed, counted by the stream position, tell a NUL
 * byte from the end of the string. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	if (p->failed)
		return NULL;
	errno = 0;
	long before = ftell(p->f);
	if (!fgets(str, num, p->f)) {
		if (ferror(p->f))
			job_error(p, p->lineno + 1, NULL, "read failed: %s", strerror(errno ? errno : EIO));
		return NULL;
	}
	p->lineno++;
	size_t n = strlen(str);
	long after = ftell(p->f);
	if (before >= 0 && after >= 0 && (size_t)(after - before) != n) {
		job_error(p, p->lineno, NULL, "a NUL byte in the job file");
		return NULL;
	}
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->f)) {
		job_error(p, p->lineno, NULL, "line longer than %d characters", num - 2);
		return NULL;
	}
	if (note_section(p, str) < 0)
		return NULL;
	return str;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parser *p = user;
	if (p->failed)
		return 0;
	if (!value && !strncasecmp(key, "include", 7) && (key[7] == ' ' || key[7] == '\t')) {
		job_error(p, p->lineno, "include", "powercut checks one job file; put the included "
			  "options into it");
		return 0;
	}
	if (p->nsections == 0 || strcmp(p->sections[p->nsections - 1].name, section)) {
		job_error(p, p->lineno, key, "an option before any [section]");
		return 0;
	}
	const char *v = value ? value : "";
	if (!*key) {
		job_error(p, p->lineno, NULL, "a value without an option name");
		return 0;
	}
	const char *why = refusal(key, v);
	if (why) {
		if (*v)
			job_error(p, p->lineno, key, "'%s' refused: %s", v, why);
		else
			job_error(p, p->lineno, key, "refused: %s", why);
		return 0;
	}
	struct section *s = &p->sections[p->nsections - 1];
	s->opts = xrealloc(s->opts, (s->nopts + 1) * sizeof(*s->opts));
	s->opts[s->nopts++] = (struct option_line){ xstrdup(key), xstrdup(v), p->lineno };
	return 1;
}

/* ---- per job ------------------------------------------------------------- */

static const struct option_line *find_opt(const struct section *s, const char *names)
{
	if (!s)
		return NULL;
	struct rule r = { .names = names };
	const struct option_line *found = NULL;
	for (size_t i = 0; i < s->nopts; i++)
		if (rule_names(&r, s->opts[i].key))
			found = &s->opts[i]; /* the last one counts, as in fio */
	return found;
}

/* The job's own value, else [global]'s. */
static const struct option_line *effective(const struct section *job,
					   const struct section *global, const char *names)
{
	const struct option_line *o = find_opt(job, names);
	return o ? o : find_opt(global, names);
}

/* A whole number option of the job (else [global]), or DEF. */
static unsigned long number(const struct section *job, const struct section *global,
			    const char *names, unsigned long def)
{
	const struct option_line *o = effective(job, global, names);
	if (!o)
		return def;
	char *end;
	errno = 0;
	unsigned long n = strtoul(o->value, &end, 10);
	return (end == o->value || *end || errno) ? def : n;
}

/* See struct pc_fio_job.unsynced. */
static unsigned unsynced_tail(const struct section *job, const struct section *global)
{
	const struct option_line *sync = effective(job, global, "sync");
	if (sync && (!strcmp(sync->value, "1") || !strcmp(sync->value, "sync") ||
		     !strcmp(sync->value, "dsync")))
		return 0;
	unsigned long every = number(job, global, "fsync", 0);
	unsigned long data = number(job, global, "fdatasync", 0);
	if (data > every)
		every = data;
	if (!every)
		return 0;
	unsigned long depth = number(job, global, "iodepth", 1);
	unsigned long tail = every + (depth ? depth : 1) - 1;
	return tail > 1000000 ? 1000000 : (unsigned)tail;
}

static int check_jobs(struct parser *p, struct pc_fio_jobfile *out)
{
	const struct section *global = NULL;
	for (size_t i = 0; i < p->nsections; i++)
		if (!strcmp(p->sections[i].name, "global"))
			global = &p->sections[i];
	out->total_bytes = 0;
	int sizes_known = 1;
	for (size_t i = 0; i < p->nsections; i++) {
		const struct section *s = &p->sections[i];
		if (s == global)
			continue;
		static const struct { const char *names, *why; } needed[] = {
			{ "rw|readwrite", "fio's default is rw=read; set rw=write or rw=randwrite" },
			{ "verify", "powercut judges with fio's verifier: set verify=crc32c (or another "
				    "checksum)" },
			{ "size", "set the job's size (in bytes, e.g. 64m)" },
		};
		for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++)
			if (!effective(s, global, needed[k].names))
				return job_error(p, s->line, NULL, "[%s]: %s is not set: %s", s->name,
						 needed[k].names, needed[k].why);
		/* Two jobs on one explicit file would overwrite each other's blocks. */
		const struct option_line *fn = effective(s, global, "filename");
		for (size_t j = 0; fn && j < i; j++) {
			const struct section *t = &p->sections[j];
			const struct option_line *other = t == global ? NULL : effective(t, global, "filename");
			if (other && !strcmp(other->value, fn->value))
				return job_error(p, s->line, "filename", "[%s] and [%s] write the same "
						 "file '%s': each would overwrite blocks the other's check "
						 "expects", t->name, s->name, fn->value);
		}
		out->jobs = xrealloc(out->jobs, (out->njobs + 1) * sizeof(*out->jobs));
		struct pc_fio_job *j = &out->jobs[out->njobs++];
		memset(j, 0, sizeof(*j));
		j->name = xstrdup(s->name);
		j->line = s->line;
		j->unsynced = unsynced_tail(s, global);
		/* kb_base changes what every suffix means, and only for the
		 * options fio parses after it: not counted. */
		if (effective(s, global, "kb_base") ||
		    pc_fio_parse_size(effective(s, global, "size")->value, &j->size) < 0 || !j->size)
			sizes_known = 0;
		else
			out->total_bytes += j->size;
	}
	if (!sizes_known)
		out->total_bytes = 0;
	if (out->njobs == 0)
		return job_error(p, p->lineno, NULL, "no job: add a [section] besides [global]");
	return 0;
}

static void parser_free(struct parser *p)
{
	for (size_t i = 0; i < p->nsections; i++) {
		for (size_t k = 0; k < p->sections[i].nopts; k++) {
			free(p->sections[i].opts[k].key);
			free(p->sections[i].opts[k].value);
		}
		free(p->sections[i].opts);
		free(p->sections[i].name);
	}
	free(p->sections);
}

static int parse_stream(FILE *f, const char *shown, struct pc_fio_jobfile *out)
{
	struct parser p = { .shown = shown, .f = f };
	pc_ini_configure(MAX_LINE, 1); /* bare keys are fio booleans */
	int rc = ini_parse_stream(read_line, &p, handler, &p);
	pc_ini_configure(MAX_LINE, 0);
	if (!p.failed && rc == -2)
		rc = pc_fail(PC_ERR_RUN, "%s: out of memory parsing", shown);
	else if (!p.failed && rc != 0)
		rc = job_error(&p, (unsigned)rc, NULL, "syntax error: expected [section], key=value, "
			       "a bare key or a ; comment");
	else if (p.failed)
		rc = -1;
	else
		rc = check_jobs(&p, out);
	parser_free(&p);
	return rc;
}

int pc_fio_job_parse_string(const char *text, const char *shown, struct pc_fio_jobfile *out)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	if (!f)
		return pc_fail_errno(PC_ERR_RUN, errno, "fmemopen");
	int rc = parse_stream(f, shown, out);
	fclose(f);
	out->path = xstrdup(shown);
	if (rc < 0)
		pc_fio_job_free(out);
	return rc;
}

int pc_fio_job_load(const char *path, const char *shown, struct pc_fio_jobfile *out)
{
	memset(out, 0, sizeof(*out));
	char *abs = realpath(path, NULL);
	if (!abs)
		return pc_fail_errno(PC_ERR_INPUT, errno, "fio job file %s", shown);
	/* A regular file only: a FIFO would block, /dev/zero never end. */
	int fd = pc_input_open("fio job file", abs);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");
	if (!f) {
		int err = errno;
		if (fd >= 0) {
			close(fd);
			pc_fail_errno(PC_ERR_RUN, err, "fdopen fio job file %s", shown);
		}
		free(abs);
		return -1;
	}
	int rc = parse_stream(f, shown, out);
	fclose(f);
	out->path = abs;
	if (rc < 0)
		pc_fio_job_free(out);
	return rc;
}

void pc_fio_job_free(struct pc_fio_jobfile *jf)
{
	for (size_t i = 0; i < jf->njobs; i++)
		free(jf->jobs[i].name);
	free(jf->jobs);
	free(jf->path);
	memset(jf, 0, sizeof(*jf));
}

int pc_fio_job_fio_accepts(const char *path, const char *shown)
{
	char *argv[] = { "fio", "--parse-only", (char *)path, NULL };
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
	return rc;
}

int pc_fio_workload_parse(const char *value, const char *dir, struct pc_fio_jobfile *jf,
			  char *why, size_t len)
{
	memset(jf, 0, sizeof(*jf));
	if (!strcmp(value, "image"))
		return 0;
	if (strncmp(value, "fio", 3) || (value[3] != ' ' && value[3] != '\t')) {
		snprintf(why, len, "'%s' is not image or fio FILE", value);
		return -1;
	}
	const char *file = value + 4;
	while (*file == ' ' || *file == '\t')
		file++;
	if (!*file) {
		snprintf(why, len, "fio needs a job file: workload = fio FILE");
		return -1;
	}
	char *joined = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
	int rc = pc_fio_job_load(joined, joined, jf);
	if (rc == 0 && pc_fio_job_fio_accepts(jf->path, joined) < 0) {
		pc_fio_job_free(jf);
		rc = -1;
	}
	free(joined);
	if (rc < 0) {
		snprintf(why, len, "fio job file %s refused (see above)", file);
		return -1;
	}
	return 1;
}
