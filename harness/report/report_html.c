/* report_html.c - the HTML report of results folders; see report_html.h. */
#include "report/report_html.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/compare.h"
#include "report/results_reader.h"
#include "util/escape.h"
#include "util/input.h"
#include "util/util.h"

/* ---- reading results.json (results_reader.c) ------------------------ */

/* A copy of S, "" for NULL. */
static char *or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

/* The last component of the path from S up to END (exclusive). */
static const char *last_component(const char *s, const char *end)
{
	const char *p = end;
	while (p > s && p[-1] != '/')
		p--;
	return p;
}

/* "try-K": the folder of one attempt of a retried case (attempts.h). */
static int is_try_folder(const char *s)
{
	/* strlen first: GCC 12 under -fsanitize warns that strncmp on a
	 * possibly empty S "evaluates to nonzero" (-Wstring-compare). */
	if (strlen(s) < 5 || memcmp(s, "try-", 4))
		return 0;
	for (s += 4; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Case IN's setup field NAME (pc_res_setup's), or NULL when absent. */
static const char *setup_field(const struct pc_res_case *in, const char *name)
{
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		if (!strcmp(pc_res_setup[k], name))
			return in->setup[k];
	return NULL;
}

/* What the report keeps of case I of R; the report also needs fs, mode
 * and a case folder's name. */
static int take_case(const struct pc_results *r, size_t i, struct pc_rh_case *c)
{
	const struct pc_res_case *in = &r->v[i];
	c->id = xstrdup(in->id);
	c->fs = or_empty(in->fs);
	c->mode = or_empty(in->mode);
	c->verdict = xstrdup(pc_outcome_name(in->verdict));
	c->outcome = xstrdup(pc_outcome_name(in->outcome));
	c->reason = or_empty(in->reason);
	c->backend = or_empty(setup_field(in, "backend"));
	c->lost = in->lost;
	c->error_kind = in->error_kind;
	c->total = in->t[PC_RES_TOTAL];
	memcpy(c->io, in->io, sizeof(c->io));
	if (!in->fs)
		return pc_results_bad(r, i, "fs", "missing");
	if (!in->mode)
		return pc_results_bad(r, i, "mode", "missing");
	/* Only the case folder's name is used: the run may have been made on
	 * another machine (shards), the folder is found next to results.json. */
	const char *case_dir = in->case_dir ? in->case_dir : "";
	const char *base = last_component(case_dir, case_dir + strlen(case_dir));
	/* A retried case's files are in its last attempt's cases/CASE/try-K. */
	if (is_try_folder(base) && base > case_dir + 1) {
		const char *parent = last_component(case_dir, base - 1);
		if (*parent == '/' || !strncmp(parent, "./", 2) || !strncmp(parent, "../", 3))
			return pc_results_bad(r, i, "case_dir", "not a case folder");
		base = parent;
	}
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		return pc_results_bad(r, i, "case_dir", "not a case folder");
	c->casedir = xstrdup(base);
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		c->setup[k] = in->setup[k] ? xstrdup(in->setup[k]) : NULL;
	c->legacy = in->legacy;
	c->settings_unknown = in->settings_unknown ? xstrdup(in->settings_unknown) : NULL;
	c->point_files = xcalloc(in->npoint_files ? in->npoint_files : 1, sizeof(*c->point_files));
	for (size_t k = 0; k < in->npoint_files; k++)
		c->point_files[k] = xstrdup(in->point_files[k]);
	c->npoint_files = in->npoint_files;
	return 0;
}

static void case_free(struct pc_rh_case *c)
{
	free(c->id);
	free(c->fs);
	free(c->mode);
	free(c->verdict);
	free(c->outcome);
	free(c->reason);
	free(c->backend);
	free(c->casedir);
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		free(c->setup[k]);
	free(c->settings_unknown);
	for (size_t k = 0; k < c->npoint_files; k++)
		free(c->point_files[k]);
	free(c->point_files);
}

static int load_folder(const char *dir, struct pc_rh_folder *f)
{
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(dir);
	struct pc_results r;
	int rc = pc_results_load(dir, &r);
	if (rc == 0) {
		f->v = xcalloc(r.n ? r.n : 1, sizeof(*f->v));
		for (; rc == 0 && f->n < r.n; f->n++)
			rc = take_case(&r, f->n, &f->v[f->n]);
	}
	f->kernel = or_empty(r.kernel);
	f->scenario = or_empty(r.scenario);
	f->planned = r.planned;
	memcpy(f->content_sha256, r.content_sha256, sizeof(f->content_sha256));
	f->shard_k = r.shard_k;
	f->shard_n = r.shard_n;
	f->version = r.version;
	f->started = r.started;
	f->finished = r.finished;
	r.started = r.finished = NULL;
	f->ignored = pc_results_ignored_text(r.ignored, r.nignored, xstrdup);
	f->options = r.options;
	f->options_shown = r.options_shown;
	r.version = r.options = r.options_shown = NULL;
	pc_results_free(&r);
	return rc;
}

static void folder_free(struct pc_rh_folder *f)
{
	for (size_t i = 0; i < f->n; i++)
		case_free(&f->v[i]);
	free(f->v);
	free(f->path);
	free(f->kernel);
	free(f->scenario);
	free(f->version);
	free(f->started);
	free(f->finished);
	free(f->ignored);
	free(f->options);
	free(f->options_shown);
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR not read, for WHY: named on the page and kept from its -o. */
static int add_unread(struct pc_rh_set *s, const char *dir, const char *why)
{
	s->unread = xrealloc(s->unread, (s->nunread + 1) * sizeof(*s->unread));
	s->unread[s->nunread].path = xstrdup(dir);
	s->unread[s->nunread++].why = xstrdup(why);
	return -1;
}

/* The capture in force before keep_messages, which give_back restores. */
struct kept_capture {
	char *buf;
	size_t len;
	int err;
};

/* A reader's messages from here to give_back are printed as ever and also
 * kept in WHY (LEN bytes), to name on the page what was not read. */
static void keep_messages(struct kept_capture *old, char *why, size_t len)
{
	pc_capture_current(&old->buf, &old->len, &old->err);
	pc_capture_errors(why, len);
}

static void give_back(const struct kept_capture *old)
{
	pc_capture_resume(old->buf, old->len, old->err);
}

static int push(struct pc_rh_set *s, const char *dir)
{
	s->f = xrealloc(s->f, (s->n + 1) * sizeof(*s->f));
	char why[1024];
	struct kept_capture old;
	keep_messages(&old, why, sizeof(why));
	int rc = load_folder(dir, &s->f[s->n]);
	give_back(&old);
	if (rc < 0) {
		folder_free(&s->f[s->n]);
		return add_unread(s, dir, why);
	}
	s->n++;
	return 0;
}

static int only_dirs(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void add_missing(struct pc_rh_set *s, char *what)
{
	s->missing = xrealloc(s->missing, (s->nmissing + 1) * sizeof(*s->missing));
	s->missing[s->nmissing++] = what;
}

/* QFILE (a qualify.json) not understood, WHY (FIELD: what), named as a
 * folder not read is: -1. */
static int qualify_bad(struct pc_rh_set *s, const char *qfile, const char *why)
{
	pc_fail(PC_ERR_INPUT, "report: %s: %s", qfile, why);
	return add_unread(s, qfile, why);
}

/* The kernels of scripts/qualify's PATH/qualify.json whose column has no
 * folder at all (a kernel that did not boot never made one), with what
 * qualify said of them.  Read strictly, as every scripts/qualify since the
 * first (2026-11-30) wrote it: {"kernels": [{"column", "status",
 * "message"}, ...], ...} (other keys are not read).  A file not understood
 * is named (-1): the kernels it names are not known, and taking it for
 * one naming none left a kernel that did not boot off the page, silently.
 * A column no folder name (qualify's labels never hold '/') is not
 * understood either. */
static int qualify_missing(struct pc_rh_set *s, const char *path)
{
	char *q = xasprintf("%s/qualify.json", path), *why = NULL;
	size_t len = 0;
	if (!is_file(q)) {
		free(q);
		return 0;
	}
	char msg[1024];
	struct kept_capture old;
	keep_messages(&old, msg, sizeof(msg));
	char *text = pc_input_read_small("qualify file", q, 64u << 20, &len);
	give_back(&old);
	if (!text) {
		add_unread(s, q, msg);
		free(q);
		return -1;
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	json_t *kernels = json_object_get(root, "kernels");
	if (!root)
		why = xasprintf("line %d: not JSON: %s", jerr.line, jerr.text);
	else if (!json_is_object(root))
		why = xstrdup("(top): not an object");
	else if (!json_is_array(kernels))
		why = xasprintf("kernels: %s", kernels ? "not an array" : "missing");
	size_t i;
	json_t *k;
	json_array_foreach(kernels, i, k) {
		if (why)
			break;
		json_t *jc = json_object_get(k, "column"), *js = json_object_get(k, "status"),
		       *jm = json_object_get(k, "message");
		const char *col = json_string_value(jc);
		if (!json_is_object(k))
			why = xasprintf("kernels[%zu]: not an object", i);
		else if (!col)
			why = xasprintf("kernels[%zu].column: %s", i, jc ? "not a string" : "missing");
		else if (!*col || strchr(col, '/') || !strcmp(col, ".") || !strcmp(col, "..")) {
			char *e = pc_esc_text(col);
			why = xasprintf("kernels[%zu].column: '%s' is not a folder name", i, e);
			free(e);
		} else if (js && !json_is_string(js))
			why = xasprintf("kernels[%zu].status: not a string", i);
		else if (jm && !json_is_string(jm))
			why = xasprintf("kernels[%zu].message: not a string", i);
	}
	size_t before = s->nmissing;
	json_array_foreach(kernels, i, k) {
		if (why)
			break;
		const char *col = json_string_value(json_object_get(k, "column"));
		const char *status = json_string_value(json_object_get(k, "status"));
		const char *m = json_string_value(json_object_get(k, "message"));
		char *dir = xasprintf("%s/%s", path, col);
		if (!is_dir(dir))
			add_missing(s, xasprintf("%s: %s%s%s", dir, status ? status : "no results",
						 m && *m ? ": " : "", m ? m : ""));
		free(dir);
	}
	json_decref(root);
	int rc = 0;
	if (why) {
		while (s->nmissing > before)
			free(s->missing[--s->nmissing]);
		rc = qualify_bad(s, q, why);
		free(why);
	}
	free(q);
	return rc;
}

/* One entry of a folder of folders: its realpath (NULL when not resolved)
 * and whether it is a symlink, each found once. */
struct sub_entry {
	char *real;
	int link;
};

/* Entry I of E[0..N) (one folder's, in name order) is a symlink to a
 * folder read anyway: another entry that is no symlink, an earlier symlink
 * entry, or a folder of S already read (before FIRST).  A nightly's
 * "latest" is no other night. */
static int another_link(const struct pc_rh_set *s, size_t first, const struct sub_entry *e,
			int n, int i)
{
	if (!e[i].link || !e[i].real)
		return 0;
	for (int j = 0; j < n; j++)
		if (j != i && e[j].real && !strcmp(e[i].real, e[j].real) && (j < i || !e[j].link))
			return 1;
	for (size_t k = 0; k < first; k++) {
		char *real = realpath(s->f[k].path, NULL);
		int same = real && !strcmp(real, e[i].real);
		free(real);
		if (same)
			return 1;
	}
	return 0;
}

/* Folders without a start first (an older powercut's), in name order,
 * then the others by start (ISO 8601 UTC: strcmp orders them), a tie by
 * name. */
static int by_start(const void *a, const void *b)
{
	const struct pc_rh_folder *x = a, *y = b;
	if (!x->started != !y->started)
		return x->started ? 1 : -1;
	int c = x->started ? strcmp(x->started, y->started) : 0;
	return c ? c : strcmp(x->path, y->path);
}

/* The folders S->f[FIRST..) of one folder of folders, read in name order:
 * in order of their runs' start. */
static void order_by_start(struct pc_rh_set *s, size_t first)
{
	qsort(s->f + first, s->n - first, sizeof(*s->f), by_start);
	for (size_t k = first; k < s->n && !s->f[k].started; k++)
		s->by_name++;
}

int pc_rh_add(struct pc_rh_set *s, const char *path)
{
	char *rj = xasprintf("%s/results.json", path);
	int single = is_file(rj);
	free(rj);
	if (single)
		return push(s, path);
	/* A qualify folder: one results folder per kernel. */
	struct dirent **names;
	int n = scandir(path, &names, only_dirs, alphasort);
	if (n < 0) {
		char why[512];
		snprintf(why, sizeof(why), "not a results folder nor a folder of them: %s", strerror(errno));
		pc_fail(PC_ERR_INPUT, "report: %s: %s", path, why);
		return add_unread(s, path, why);
	}
	int rc = 0, found = 0;
	size_t missing_before = s->nmissing, first = s->n;
	struct sub_entry *e = xcalloc(n ? (size_t)n : 1, sizeof(*e));
	for (int i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", path, names[i]->d_name);
		struct stat st;
		e[i].real = realpath(sub, NULL);
		e[i].link = lstat(sub, &st) == 0 && S_ISLNK(st.st_mode);
		free(sub);
	}
	for (int i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", path, names[i]->d_name);
		if (another_link(s, first, e, n, i)) {
			found++;   /* the folder it names is read */
			free(sub);
			free(names[i]);
			continue;
		}
		char *subrj = xasprintf("%s/results.json", sub);
		if (is_file(subrj)) {
			found++;
			if (push(s, sub) < 0)
				rc = -1;   /* named; the others are still read */
		} else if (is_dir(sub)) {
			/* A kernel whose run wrote nothing (did not boot, timed
			 * out, could not start): not checked, which the page says
			 * rather than leaving the kernel out. */
			add_missing(s, sub);
			sub = NULL;
		}
		free(subrj);
		free(sub);
		free(names[i]);
	}
	for (int i = 0; i < n; i++)
		free(e[i].real);
	free(e);
	free(names);
	/* A qualify folder's columns are kernels, in name order as its table;
	 * a folder of nights is a history. */
	char *qj = xasprintf("%s/qualify.json", path);
	if (!is_file(qj))
		order_by_start(s, first);
	free(qj);
	if (qualify_missing(s, path) < 0)
		rc = -1;   /* named; the kernels' folders are still read */
	if (!found) {
		/* A results folder that lost its results.json (its cases/ is no
		 * kernel's folder), or no results folder at all. */
		while (s->nmissing > missing_before)
			free(s->missing[--s->nmissing]);
		const char *why = "no results.json in it nor in its folders";
		pc_fail(PC_ERR_INPUT, "report: %s: %s", path, why);
		rc = add_unread(s, path, why);
	}
	return rc;
}

/* OUT canonical: its realpath when it exists, else its folder's realpath
 * and its name.  NULL when its folder does not exist (writing will say). */
static char *canonical_out(const char *out)
{
	char *real = realpath(out, NULL);
	if (real)
		return real;
	const char *slash = strrchr(out, '/');
	char *dir = slash ? xstrndup(out, slash == out ? 1 : (size_t)(slash - out)) : xstrdup(".");
	const char *name = slash ? slash + 1 : out;
	char *rdir = realpath(dir, NULL);
	free(dir);
	if (!rdir)
		return NULL;
	char *canon = !strcmp(rdir, "/") ? xasprintf("/%s", name) : xasprintf("%s/%s", rdir, name);
	free(rdir);
	return canon;
}

/* The files of a results folder the page must never replace. */
static const char *const results_files[] = { "results.json", "junit.xml", "summary.md", NULL };

/* Why writing CANON would replace part of
 * results folder DIR (canonical), or NULL. */
static const char *clobbers(const char *canon, const char *dir)
{
	size_t n = strlen(dir);
	if (!strcmp(canon, dir))
		return "the results folder";
	if (strncmp(canon, dir, n) || canon[n] != '/')
		return NULL;
	if (!strncmp(canon + n + 1, "cases/", 6))
		return "a file of the results folder's cases";
	for (size_t i = 0; results_files[i]; i++)
		if (!strcmp(canon + n + 1, results_files[i]))
			return results_files[i];
	return NULL;
}

/* Whether CANON is the qualify.json beside results folder DIR (canonical):
 * scripts/qualify's folder holds one results folder per kernel and the
 * qualify.json the page reads for the kernels that wrote none. */
static int clobbers_qualify(const char *canon, const char *dir)
{
	const char *slash = strrchr(dir, '/');
	size_t n = slash ? (size_t)(slash - dir) : 0;
	return !strncmp(canon, dir, n) && !strcmp(canon + n, "/qualify.json");
}

int pc_rh_check_output(const struct pc_rh_set *s, const char *out)
{
	if (!*out)
		return pc_fail(PC_ERR_INPUT, "report: -o: empty path");
	/* The page is renamed over OUT: /dev/stdout (a symlink) or /dev/null
	 * would be replaced by a regular file for every user of the machine. */
	struct stat lst;
	if (lstat(out, &lst) == 0 && !S_ISREG(lst.st_mode))
		return pc_fail(PC_ERR_INPUT, "report: -o %s is %s, not a regular file: the page is "
			       "written to %s.tmp and renamed over it; give the path of a file",
			       out, pc_input_file_kind(lst.st_mode), out);
	/* The folder it goes in: not there or no folder is the input's
	 * mistake, said before any work (a failing create is the machine's). */
	char *outdir = xstrdup(out), *slash = strrchr(outdir, '/');
	if (slash) {
		slash[slash == outdir] = '\0';
		struct stat dst;
		int r = stat(outdir, &dst);
		if (r < 0 && (errno == ENOENT || errno == ENOTDIR))
			r = pc_fail_errno(PC_ERR_INPUT, errno, "report: -o %s: its folder %s", out,
					  outdir);
		else if (r == 0 && !S_ISDIR(dst.st_mode))
			r = pc_fail(PC_ERR_INPUT, "report: -o %s: its folder %s is %s, not a folder",
				    out, outdir, S_ISREG(dst.st_mode) ? "a regular file"
							      : pc_input_file_kind(dst.st_mode));
		else
			r = 0;
		if (r < 0) {
			free(outdir);
			return -1;
		}
	}
	free(outdir);
	char *canon = canonical_out(out);
	struct stat ost;
	int exists = stat(out, &ost) == 0;
	int rc = 0;
	/* The folders not read too: the page would replace a results.json the
	 * reader refused (truncated by a full disk) that someone may mend. */
	for (size_t i = 0; i < s->n + s->nunread && rc == 0; i++) {
		const char *given = i < s->n ? s->f[i].path : s->unread[i - s->n].path;
		char *dir = realpath(given, NULL);
		if (!dir)
			continue;
		const char *what = canon ? clobbers(canon, dir) : NULL;
		if (!what && canon && clobbers_qualify(canon, dir))
			what = "the qualify.json of the folder that holds it";
		/* The same file under another name (a hard link, a bind mount). */
		for (size_t k = 0; !what && exists && results_files[k]; k++) {
			char *p = xasprintf("%s/%s", dir, results_files[k]);
			struct stat st;
			if (stat(p, &st) == 0 && st.st_dev == ost.st_dev && st.st_ino == ost.st_ino)
				what = results_files[k];
			free(p);
		}
		if (what)
			rc = pc_fail(PC_ERR_INPUT, "report: -o %s would replace %s of %s, which the "
				     "report reads; write the page elsewhere (e.g. %s/report.html)",
				     out, what, given, given);
		free(dir);
	}
	free(canon);
	return rc;
}

void pc_rh_free(struct pc_rh_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		folder_free(&s->f[i]);
	free(s->f);
	for (size_t i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->missing);
	for (size_t i = 0; i < s->nunread; i++) {
		free(s->unread[i].path);
		free(s->unread[i].why);
	}
	free(s->unread);
	memset(s, 0, sizeof(*s));
}

/* ---- small helpers ---------------------------------------------------- */

static char plot_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._=,:/+-", c)) ? (char)c : '?';
}

enum { LABEL_MAX = 60, LABEL_HEAD = 24, LABEL_TAIL = LABEL_MAX - LABEL_HEAD - 3 };

char *pc_rh_plot_label(const char *s)
{
	size_t n = strlen(s);
	char *o = xcalloc(LABEL_MAX + 1, 1);
	if (n <= LABEL_MAX) {
		for (size_t i = 0; i < n; i++)
			o[i] = plot_char((unsigned char)s[i]);
		return o;
	}
	/* Cut in the middle: two cases of one option matrix differ at the
	 * end (/none and /syncfs, /r1 and /r2), and a cut end made them one. */
	for (size_t i = 0; i < LABEL_HEAD; i++)
		o[i] = plot_char((unsigned char)s[i]);
	memcpy(o + LABEL_HEAD, "...", 3);
	for (size_t i = 0; i < LABEL_TAIL; i++)
		o[LABEL_HEAD + 3 + i] = plot_char((unsigned char)s[n - LABEL_TAIL + i]);
	return o;
}

char **pc_rh_plot_labels(char *const *ids, size_t n)
{
	char **l = xcalloc(n ? n : 1, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		l[i] = pc_rh_plot_label(ids[i]);
		/* A label an earlier case has (their ids differ where it was cut,
		 * or only in bytes shown as '?'): made its own by its place. */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(l[i], l[j])) {
				char *u = xasprintf("%s#%zu", l[i], i + 1);
				free(l[i]);
				l[i] = u;
				break;
			}
	}
	return l;
}

void pc_rh_labels_free(char **labels, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
}

static int by_value_desc(const void *a, const void *b, void *values)
{
	const double *v = values;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = v[i] < 0 ? -1 : v[i], y = v[j] < 0 ? -1 : v[j];
	if (x != y)
		return x > y ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int by_index(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	return i < j ? -1 : i > j;
}

size_t pc_rh_plot_pick(const double *values, size_t n, size_t max, size_t *keep)
{
	if (n <= max) {
		for (size_t i = 0; i < n; i++)
			keep[i] = i;
		return n;
	}
	size_t *order = xcalloc(n, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_value_desc, (void *)values);
	memcpy(keep, order, max * sizeof(*keep));
	free(order);
	qsort(keep, max, sizeof(*keep), by_index);
	return max;
}

char *pc_rh_relpath(const char *from, const char *to)
{
	/* The longest common prefix that ends on a component boundary. */
	size_t i = 0, common = 0;
	while (from[i] && from[i] == to[i]) {
		i++;
		if (from[i - 1] == '/')
			common = i;
	}
	if (!from[i] && (!to[i] || to[i] == '/'))
		common = i;
	else if (!to[i] && from[i] == '/')
		common = i;
	char *o = xstrdup("");
	const char *rest = from + common;
	while (*rest == '/')
		rest++;
	for (const char *p = rest; *p;) {   /* one "../" per component of FROM left */
		char *n = xasprintf("%s../", o);
		free(o);
		o = n;
		p = strchr(p, '/');
		if (!p)
			break;
		while (*p == '/')
			p++;
	}
	const char *tail = to + common;
	while (*tail == '/')
		tail++;
	char *n = xasprintf("%s%s", o, tail);
	free(o);
	size_t len = strlen(n);
	if (len && n[len - 1] == '/')
		n[len - 1] = 0;
	if (!*n) {
		free(n);
		n = xstrdup(".");
	}
	return n;
}

/* A path component as a URL path segment: percent-encoding is the URL's
 * own escape (escape.h has none for it); the result is then escaped as an
 * XML attribute like everything else. */
static char *url_segment(const char *s)
{
	size_t n = strlen(s);
	char *o = xcalloc(3 * n + 1, 1), *p = o;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("._-~=,+", c))
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	return o;
}

/* A relative path ("../a/b") URL-encoded segment by segment. */
static char *url_path(const char *rel)
{
	char *o = xstrdup(""), *copy = xstrdup(rel), *save = NULL;
	for (char *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		char *e = url_segment(seg);
		char *n = xasprintf("%s%s%s", o, *o ? "/" : "", e);
		free(e);
		free(o);
		o = n;
	}
	free(copy);
	return o;
}

static void put_text(FILE *f, const char *s)
{
	char *e = pc_esc_xml(s, 0, 0);
	fputs(e, f);
	free(e);
}

static void put_attr(FILE *f, const char *s)
{
	char *e = pc_esc_xml(s, 1, 0);
	fputs(e, f);
	free(e);
}

/* ---- gnuplot ------------------------------------------------------------ */

/* Every plot of the page is drawn by one gnuplot: one process per plot
 * (three per folder and the history's) cost about 30 ms each, most of a
 * report over a year of nights (365 folders: 35 s, 1,096 gnuplots).  The
 * page is written to BODY; where a plot goes, its offset in BODY is kept
 * and its script appended to SCRIPT, each after a `reset` (no setting of
 * one plot carries into the next) and followed by a line printing
 * PLOT_END to gnuplot's standard output, after the plot's SVG document:
 * the page is then put together from BODY and that output, a plot at a
 * time, neither held in memory whole. */
struct plotq {
	FILE *script;
	off_t *at;     /* where in the page each plot goes */
	size_t n;
};

/* A line no plot's SVG holds: labels are pc_rh_plot_label's (no space,
 * no '@') and titles fixed. */
#define PLOT_END "@@ powercut plot end @@"

/* Queue SCRIPT's plot, to go at BODY's current offset. */
static int plot_queue(struct plotq *q, FILE *body, const char *script)
{
	off_t at = ftello(body);
	if (at < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "report: the page's temporary file");
	if (!q->script && !(q->script = tmpfile()))
		return pc_fail_errno(PC_ERR_RUN, errno, "report: cannot set up gnuplot's files");
	q->at = xrealloc(q->at, (q->n + 1) * sizeof(*q->at));
	q->at[q->n++] = at;
	fprintf(q->script, "reset\n%s\nset print '-'\nprint '%s'\n", script, PLOT_END);
	return 0;
}

static void plotq_free(struct plotq *q)
{
	if (q->script)
		fclose(q->script);
	free(q->at);
	memset(q, 0, sizeof(*q));
}

/* Run gnuplot on Q's script, its standard output going to a temporary
 * file (returned, at its start), so no pipe can fill and block either
 * side.  NULL with the error reported. */
static FILE *gnuplot_run(struct plotq *q)
{
	FILE *out = tmpfile(), *err = tmpfile();
	if (!out || !err) {
		pc_fail_errno(PC_ERR_RUN, errno, "report: cannot set up gnuplot's files");
		goto fail;
	}
	if (fflush(q->script) != 0 || ferror(q->script) || fseeko(q->script, 0, SEEK_SET) < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "report: writing gnuplot's script");
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		pc_fail_errno(PC_ERR_RUN, errno, "report: fork");
		goto fail;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);   /* gnuplot as it would run on its own */
		if (dup2(fileno(q->script), 0) < 0 || dup2(fileno(out), 1) < 0 ||
		    dup2(fileno(err), 2) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			pc_fail_errno(PC_ERR_RUN, errno, "report: waiting for gnuplot");
			goto fail;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char msg[512] = "";
		rewind(err);
		size_t m = fread(msg, 1, sizeof(msg) - 1, err);
		msg[m] = 0;
		char *e = pc_esc_text(msg);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			pc_fail(PC_ERR_ENV, "report: gnuplot is not installed (Debian package gnuplot-nox)");
		else
			pc_fail(PC_ERR_ENV, "report: gnuplot failed (status %d): %s", status, e);
		free(e);
		goto fail;
	}
	fclose(err);
	rewind(out);
	return out;
fail:
	if (out)
		fclose(out);
	if (err)
		fclose(err);
	return NULL;
}

/* Copy BODY's bytes up to offset UNTIL (-1: its end), from where it
 * stands, to F. */
static int copy_body(FILE *f, FILE *body, off_t until)
{
	char buf[65536];
	off_t at = ftello(body);
	if (at < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "report: the page's temporary file");
	while (until < 0 || at < until) {
		size_t want = until < 0 || (size_t)(until - at) > sizeof(buf) ? sizeof(buf)
									: (size_t)(until - at);
		size_t got = fread(buf, 1, want, body);
		if (got == 0 && until < 0 && !ferror(body))
			break;
		if (got == 0 || fwrite(buf, 1, got, f) != got)
			return pc_fail_errno(PC_ERR_RUN, ferror(body) ? errno : EIO,
					     "report: copying the page from its temporary file");
		at += (off_t)got;
	}
	return 0;
}

/* Copy one plot's SVG element from gnuplot's output OUT (the XML prolog
 * before "<svg" dropped) up to its PLOT_END line. */
static int copy_svg(FILE *f, FILE *out, char **line, size_t *cap)
{
	int in_svg = 0;
	ssize_t len;
	while ((len = getline(line, cap, out)) >= 0) {
		if (!strcmp(*line, PLOT_END "\n")) {
			if (!in_svg)
				return pc_fail(PC_ERR_ENV, "report: gnuplot's output is not SVG");
			return 0;
		}
		const char *from = *line;
		if (!in_svg) {
			from = strstr(*line, "<svg");
			if (!from)
				continue;
			in_svg = 1;
		}
		fputs(from, f);
	}
	return pc_fail(PC_ERR_ENV, "report: gnuplot wrote no SVG");
}

/* The page: BODY with Q's plots in their places, to F. */
static int plots_put(FILE *f, FILE *body, struct plotq *q)
{
	if (fflush(body) != 0 || ferror(body) || fseeko(body, 0, SEEK_SET) < 0)
		return pc_fail_errno(PC_ERR_RUN, errno, "report: the page's temporary file");
	FILE *out = q->n ? gnuplot_run(q) : NULL;
	if (q->n && !out)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	for (size_t i = 0; i < q->n && rc == 0; i++) {
		rc = copy_body(f, body, q->at[i]);
		if (rc == 0)
			rc = copy_svg(f, out, &line, &cap);
	}
	free(line);
	if (out)
		fclose(out);
	return rc ? rc : copy_body(f, body, -1);
}

static int gnuplot_available(void)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path && *path ? path : "/usr/bin:/bin"), *save = NULL;
	int found = 0;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/gnuplot", d);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

/* A plot shows at most this many bars or lines: past that it is
 * unreadable, and gnuplot took a minute over 10,000 cases.  The table
 * above it lists every case. */
enum { PLOT_BARS_MAX = 60, PLOT_LINES_MAX = 20 };

static const char *const plot_head =
	"set terminal svg size %d,%d dynamic font 'sans,10' background '#ffffff'\n"
	"set termoption noenhanced\n"
	"set datafile missing '?'\n"
	"set grid ytics\n";

/* A bar per case: VALUES[i] (< 0: not measured, drawn as nothing).  No
 * case measured it: a line saying so (gnuplot refuses a plot with no
 * point). */
static int plot_bars(FILE *f, struct plotq *q, const char *title, const char *ylabel, char **labels,
		     const double *values, size_t n)
{
	size_t measured = 0;
	for (size_t i = 0; i < n; i++)
		measured += values[i] >= 0;
	if (measured == 0) {
		fprintf(f, "<p>%s: no case has this measurement.</p>\n", title);
		return 0;
	}
	size_t cap = 4096 + n * 160, len = 0;
	char *s = xcalloc(cap, 1);
	len += (size_t)snprintf(s + len, cap - len, plot_head, 360 + (int)(n < 40 ? n : 40) * 30, 380);
	len += (size_t)snprintf(s + len, cap - len,
				"set title '%s'\nset ylabel '%s'\nset yrange [0:*]\n"
				"set style fill solid 0.7 border -1\nset boxwidth 0.7\n"
				"set xtics rotate by -40 left nomirror\nset bmargin 12\n$d << EOD\n",
				title, ylabel);
	char **l = pc_rh_plot_labels(labels, n);
	for (size_t i = 0; i < n; i++) {
		if (values[i] < 0)
			len += (size_t)snprintf(s + len, cap - len, "%zu ? \"%s\"\n", i, l[i]);
		else
			len += (size_t)snprintf(s + len, cap - len, "%zu %.6g \"%s\"\n", i, values[i], l[i]);
	}
	pc_rh_labels_free(l, n);
	snprintf(s + len, cap - len, "EOD\nplot $d using 1:2:xtic(3) with boxes notitle lc rgb '#4a7ebb'\n");
	int rc = plot_queue(q, f, s);
	free(s);
	return rc;
}

/* ---- the page -------------------------------------------------------------- */

static const char *const css =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse;margin:0.5em 0 1.5em}"
	"th,td{border:1px solid #bbb;padding:2px 6px;text-align:right;font-size:90%}"
	"th{background:#eee}td.l,th.l{text-align:left}"
	".pass{background:#d9f2d9}.fail{background:#f7d0d0}.error{background:#f5e3b3}"
	".flaky,.known,.unexpected{background:#e0e0f7}.notchecked{background:#ddd}"
	".changed{outline:2px solid #c60;font-weight:bold}td .changed{outline:none;color:#a40}"
	"svg{max-width:100%;height:auto;display:block;margin:0.5em 0}"
	"code{font-size:90%}";

static const char *outcome_class(const char *o)
{
	if (!strcmp(o, "pass") || !strcmp(o, "fail") || !strcmp(o, "error") || !strcmp(o, "flaky") ||
	    !strcmp(o, "known"))
		return o;
	return "unexpected";
}

/* Case C's outcome cell opened ("<td class=\"EXTRA CLASS\">outcome"): an
 * error says its kind, "error (environment)", and one the host failed or
 * a signal stopped is grey, not checked rather than the case's error;
 * "error (kind not recorded)" for an older powercut's results. */
static void put_outcome(FILE *f, const struct pc_rh_case *c, const char *extra)
{
	int error = !strcmp(c->outcome, "error");
	int unchecked = error && (c->error_kind == PC_EK_ENV || c->error_kind == PC_EK_INTERRUPTED);
	fprintf(f, "<td class=\"%s%s\">", extra, unchecked ? "notchecked" : outcome_class(c->outcome));
	put_text(f, c->outcome);
	if (error) {
		fputs(" (", f);
		put_text(f, c->error_kind == PC_EK_UNKNOWN ? "kind not recorded"
			    : pc_error_kind_name(c->error_kind));
		fputs(")", f);
	}
}

static void put_num(FILE *f, double v, const char *fmt)
{
	if (v < 0)
		fputs("<td>-</td>", f);
	else {
		fputs("<td>", f);
		fprintf(f, fmt, v);
		fputs("</td>", f);
	}
}

/* A link to DIR/cases/CASE/NAME when that file is there. */
static void put_link(FILE *f, const struct pc_rh_folder *fo, const char *rel,
		     const struct pc_rh_case *c, const char *name)
{
	char *file = xasprintf("%s/cases/%s/%s", fo->path, c->casedir, name);
	if (*c->casedir && is_file(file)) {
		char *target = xasprintf("%s/cases/%s/%s", rel, c->casedir, name);
		char *url = url_path(target);
		fputs("<a href=\"", f);
		put_attr(f, url);
		fputs("\">", f);
		put_text(f, name);
		fputs("</a> ", f);
		free(url);
		free(target);
	}
	free(file);
}

/* " Its errors: 2 environment (...), 1 case." by kind, when it has any. */
static void put_error_kinds(FILE *f, const struct pc_rh_folder *fo)
{
	size_t kinds[PC_EK_N] = { 0 }, errors = 0;
	for (size_t i = 0; i < fo->n; i++)
		if (!strcmp(fo->v[i].outcome, "error")) {
			kinds[fo->v[i].error_kind]++;
			errors++;
		}
	if (!errors)
		return;
	fputs(" Its errors:", f);
	const char *sep = " ";
	for (int k = PC_EK_CASE; k < PC_EK_N; k++) {
		if (!kinds[k])
			continue;
		fprintf(f, "%s%zu %s", sep, kinds[k], pc_error_kind_name((enum pc_error_kind)k));
		if (k == PC_EK_ENV)
			fputs(" (<strong>the host failed them: not checked</strong>, not the "
			      "filesystem's failure)", f);
		sep = ", ";
	}
	if (kinds[PC_EK_UNKNOWN])
		fprintf(f, "%s%zu of a kind not recorded (results of an older powercut)", sep,
			kinds[PC_EK_UNKNOWN]);
	fputs(".", f);
}

/* ": N cases (P pass, F fail, ...)." by outcome, as summary.md counts them
 * (a flaky case is not a pass, a known failure not a fail), and the cases
 * its run planned that are not there. */
static void put_counts(FILE *f, const struct pc_rh_folder *fo)
{
	size_t counts[PC_OUT_N] = { 0 };
	for (size_t i = 0; i < fo->n; i++) {
		int o = pc_outcome_lookup(fo->v[i].outcome);
		if (o >= 0)
			counts[o]++;
	}
	fprintf(f, ": %zu cases (", fo->n);
	for (int o = 0; o < PC_OUT_N; o++)
		fprintf(f, "%s%zu %s", o ? ", " : "", counts[o], pc_outcome_name((enum pc_outcome)o));
	fputs(").", f);
	put_error_kinds(f, fo);
	if (fo->planned > (long long)fo->n)
		fprintf(f, " <strong>%lld of the %lld cases its run planned are not in it</strong> "
			   "(interrupted, or a shard not merged): they were not checked.",
			fo->planned - (long long)fo->n, fo->planned);
	if (fo->shard_n > 1)
		fprintf(f, " <strong>It is shard %lld/%lld of its run, not the shards merged</strong>: "
			   "the other shards' cases are not in it (scripts/merge-results.sh merges "
			   "them).", fo->shard_k, fo->shard_n);
	if (fo->planned < 0) /* one shard of several looks whole */
		fputs(" <strong>Its results do not record the cases its run planned</strong> (results "
		      "of an older powercut): whether every case it was to check is here is not "
		      "known.", f);
	fputs("</p>\n", f);
}

/* ", options <code>--known k.txt (sha256 0123456789ab) --retries 2</code>":
 * what its run was told that changes verdicts (a known or flaky outcome is
 * read against them), or that its results do not say. */
static void put_options(FILE *f, const struct pc_rh_folder *fo)
{
	if (!fo->options_shown) {
		fputs(", options not recorded (results of an older powercut: the --known files, "
		      "--retries, --flaky-ok and --tool-timeout it ran with are not known)", f);
		return;
	}
	fputs(", options <code>", f);
	put_text(f, fo->options_shown);
	fputs("</code>", f);
}

/* Above the history: folders whose runs had different options that change
 * verdicts (known files by content), or that do not all record them. */
static void options_note(FILE *f, const struct pc_rh_set *s)
{
	int unrecorded = 0, differ = 0;
	const char *first = NULL;
	for (size_t k = 0; k < s->n; k++) {
		const char *o = s->f[k].options;
		if (!o)
			unrecorded = 1;
		else if (!first)
			first = o;
		else if (strcmp(o, first))
			differ = 1;
	}
	if (differ)
		fputs("<p class=\"fail\"><b>These results folders ran with different options that "
		      "change verdicts</b> (--known files, --retries, --flaky-ok, --tool-timeout; each "
		      "folder's are under its name): a case's outcome may differ between them "
		      "because of them.</p>\n", f);
	if (unrecorded)
		fputs("<p class=\"fail\"><b>Not every results folder records the options it ran "
		      "with</b> (results of an older powercut): whether an outcome differs between "
		      "them because of them is not known.</p>\n", f);
}

/* Above the history: a folder that holds the same results as an earlier
 * one (one run given twice, or a copy): two columns that are one night. */
static void same_run_note(FILE *f, const struct pc_rh_set *s)
{
	for (size_t k = 1; k < s->n; k++)
		for (size_t j = 0; j < k; j++)
			if (!strcmp(s->f[j].content_sha256, s->f[k].content_sha256)) {
				fprintf(f, "<p class=\"fail\"><b>Folders %zu and %zu hold the same results</b> "
					   "(one run given twice, or a copy of it): their columns are one "
					   "run, not two.</p>\n", j + 1, k + 1);
				break;
			}
}

/* The section's heading and what the folder's run was: kernel, scenario,
 * options, counts, when it ran, and fields of its results.json not known. */
static void folder_head(FILE *f, const struct pc_rh_folder *fo, size_t idx)
{
	fprintf(f, "<h2 id=\"folder%zu\">", idx + 1);
	put_text(f, fo->path);
	fputs("</h2>\n<p>kernel <code>", f);
	put_text(f, fo->kernel);
	fputs("</code>", f);
	if (*fo->scenario) {
		fputs(", scenario <code>", f);
		put_text(f, fo->scenario);
		fputs("</code>", f);
	}
	put_options(f, fo);
	put_counts(f, fo);
	if (fo->started) {
		fputs("<p>started ", f);
		put_text(f, fo->started);
		if (fo->finished) {
			fputs(", finished ", f);
			put_text(f, fo->finished);
		} else {
			fputs(", end not recorded (the run was killed)", f);
		}
		fputs("</p>\n", f);
	}
	if (fo->ignored) {
		fputs("<p><b>Its results.json holds fields this powercut does not know</b> (a newer "
		      "powercut's: ", f);
		put_text(f, fo->ignored);
		fprintf(f, "), ignored: results format %d says they change no verdict's meaning.</p>\n",
			PC_RESULTS_FORMAT);
	}
}

/* Case C's row of its filesystem's table; its files linked from REL, the
 * folder as seen from the report's. */
static void case_row(FILE *f, const struct pc_rh_folder *fo, const char *rel,
		     const struct pc_rh_case *c)
{
	fputs("<tr><td class=\"l\">", f);
	put_text(f, c->id);
	fputs("</td><td class=\"l\">", f);
	put_text(f, c->mode);
	fputs("</td><td class=\"l\">", f);
	put_text(f, c->backend);
	fputs("</td>", f);
	put_outcome(f, c, "l ");
	fputs("</td>", f);
	put_num(f, c->total, "%.2f");
	put_num(f, c->io[0], "%.0f");
	put_num(f, c->io[1] < 0 ? -1 : c->io[1] / 1048576.0, "%.1f");
	put_num(f, c->io[2], "%.0f");
	put_num(f, c->io[3] < 0 ? -1 : c->io[3] / 1048576.0, "%.1f");
	put_num(f, c->io[4], "%.0f");
	put_num(f, c->lost < 0 ? -1 : (double)c->lost, "%.0f");
	fputs("<td class=\"l\">", f);
	put_link(f, fo, rel, c, "findings.txt");
	put_link(f, fo, rel, c, "fsck.log");
	put_link(f, fo, rel, c, "kernel.log");
	for (size_t k = 0; k < c->npoint_files; k++)
		put_link(f, fo, rel, c, c->point_files[k]);
	fputs("</td><td class=\"l\">", f);
	put_text(f, c->reason);
	fputs("</td></tr>\n", f);
}

/* One table per filesystem, in order of first appearance. */
static void fs_tables(FILE *f, const struct pc_rh_folder *fo, const char *rel)
{
	for (size_t i = 0; i < fo->n; i++) {
		size_t first;
		for (first = 0; first < i && strcmp(fo->v[first].fs, fo->v[i].fs); first++)
			;
		if (first < i)
			continue;
		fputs("<h3>", f);
		put_text(f, fo->v[i].fs);
		fputs("</h3>\n<table class=\"cases\"><tr><th class=\"l\">case</th><th class=\"l\">mode</th>"
		      "<th class=\"l\">backend</th><th class=\"l\">outcome</th><th>time (s)</th>"
		      "<th>WIOS</th><th>WBytes (MiB)</th><th>RIOS</th><th>RBytes (MiB)</th><th>flushes</th><th>lost</th>"
		      "<th class=\"l\">files</th><th class=\"l\">reason</th></tr>\n", f);
		for (size_t j = i; j < fo->n; j++)
			if (!strcmp(fo->v[j].fs, fo->v[i].fs))
				case_row(f, fo, rel, &fo->v[j]);
		fputs("</table>\n", f);
	}
}

/* Plots: time, written bytes and lost entries per case. */
static int folder_plots(FILE *f, struct plotq *q, const struct pc_rh_folder *fo, size_t idx)
{
	char **labels = xcalloc(fo->n, sizeof(*labels));
	double *v = xcalloc(fo->n, sizeof(*v)), *kept_v = xcalloc(fo->n, sizeof(*kept_v));
	size_t *keep = xcalloc(fo->n, sizeof(*keep));
	int rc = 0;
	for (int p = 0; p < 3 && rc == 0; p++) {
		for (size_t i = 0; i < fo->n; i++)
			v[i] = p == 0 ? fo->v[i].total :
			       p == 1 ? (fo->v[i].io[1] < 0 ? -1 : fo->v[i].io[1] / 1048576.0) :
					(double)fo->v[i].lost;
		size_t kept = pc_rh_plot_pick(v, fo->n, PLOT_BARS_MAX, keep);
		for (size_t i = 0; i < kept; i++) {
			labels[i] = fo->v[keep[i]].id;
			kept_v[i] = v[keep[i]];
		}
		static const char *const titles[3][2] = {
			{ "time per case", "seconds" },
			{ "bytes written per case", "MiB" },
			{ "entries lost per case", "entries" },
		};
		char *title = kept < fo->n ? xasprintf("%s (the %zu highest of %zu cases)", titles[p][0],
						       kept, fo->n)
					   : xstrdup(titles[p][0]);
		fprintf(f, "<div class=\"plot\" id=\"plot%zu-%d\">\n", idx + 1, p);
		rc = plot_bars(f, q, title, titles[p][1], labels, kept_v, kept);
		fputs("</div>\n", f);
		free(title);
	}
	free(labels);
	free(v);
	free(kept_v);
	free(keep);
	return rc;
}

/* Folder FO's section of the page (the IDX-th), its links relative to
 * REPORTDIR, with its plots when PLOTS. */
static int folder_section(FILE *f, struct plotq *q, const struct pc_rh_folder *fo, size_t idx,
			  const char *reportdir, int plots)
{
	char real[PATH_MAX];
	if (!realpath(fo->path, real))
		return pc_fail_errno(PC_ERR_RUN, errno, "report: %s", fo->path);
	char *rel = pc_rh_relpath(reportdir, real);
	folder_head(f, fo, idx);
	fs_tables(f, fo, rel);
	free(rel);
	if (fo->n == 0 || !plots)
		return 0;
	return folder_plots(f, q, fo, idx);
}

/* An id and where it first stands: over the folders for all_ids, in one
 * folder for a case_index.  Sorted by id, then place, lookups are a binary
 * search (a scan per cell was quadratic: 10,000 cases took seconds). */
struct id_at {
	const char *id;
	size_t at;
};

static int by_id_then_at(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->at < y->at ? -1 : x->at > y->at);
}

static int by_at(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Every case id over the folders, in order of first appearance. */
static char **all_ids(const struct pc_rh_set *s, size_t *n)
{
	size_t total = 0;
	for (size_t k = 0; k < s->n; k++)
		total += s->f[k].n;
	struct id_at *all = xcalloc(total ? total : 1, sizeof(*all));
	size_t m = 0;
	for (size_t k = 0; k < s->n; k++)
		for (size_t i = 0; i < s->f[k].n; i++, m++)
			all[m] = (struct id_at){ s->f[k].v[i].id, m };
	qsort(all, total, sizeof(*all), by_id_then_at);
	size_t firsts = 0;
	for (size_t i = 0; i < total; i++)
		if (i == 0 || strcmp(all[i].id, all[firsts - 1].id))
			all[firsts++] = all[i];
	qsort(all, firsts, sizeof(*all), by_at);
	char **ids = xcalloc(firsts ? firsts : 1, sizeof(*ids));
	for (size_t i = 0; i < firsts; i++)
		ids[i] = (char *)all[i].id;
	free(all);
	*n = firsts;
	return ids;
}

/* One folder's cases by id: its first case of an id, as a scan found it. */
struct case_index {
	const struct pc_rh_folder *fo;
	struct id_at *v;
};

static void case_index_build(struct case_index *ix, const struct pc_rh_folder *fo)
{
	ix->fo = fo;
	ix->v = xcalloc(fo->n ? fo->n : 1, sizeof(*ix->v));
	for (size_t i = 0; i < fo->n; i++)
		ix->v[i] = (struct id_at){ fo->v[i].id, i };
	qsort(ix->v, fo->n, sizeof(*ix->v), by_id_then_at);
}

static const struct pc_rh_case *find_case(const struct case_index *ix, const char *id)
{
	size_t lo = 0, hi = ix->fo->n;   /* the first entry not below ID */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->fo->n && !strcmp(ix->v[lo].id, id) ? &ix->fo->v[ix->v[lo].at] : NULL;
}

/* What folder FO says of its run for the history's head row ROW: its
 * kernel, scenario file name, powercut version or options ("not
 * recorded": results of an older powercut). */
static const char *folder_fact(const struct pc_rh_folder *fo, int row)
{
	const char *v = row == 0 ? fo->kernel : row == 1 ? fo->scenario
		      : row == 2 ? fo->version : fo->options_shown;
	return v && *v ? v : "not recorded";
}

/* The history's head: per folder its kernel, scenario, powercut version
 * and options, a cell marked "changed" where it is not the folder
 * before's (options by content, not by how they are said). */
static void trend_head(FILE *f, const struct pc_rh_set *s)
{
	static const char *const rows[] = { "kernel", "scenario", "powercut", "options" };
	for (int row = 0; row < 4; row++) {
		fputs("<tr><th class=\"l\">", f);
		put_text(f, rows[row]);
		fputs("</th>", f);
		for (size_t k = 0; k < s->n; k++) {
			const char *v = folder_fact(&s->f[k], row);
			int changed = k > 0 && (row == 3 ? !s->f[k].options != !s->f[k - 1].options ||
					(s->f[k].options && strcmp(s->f[k].options, s->f[k - 1].options))
					: strcmp(v, folder_fact(&s->f[k - 1], row)) != 0);
			fputs(changed ? "<td class=\"l changed\">changed: " : "<td class=\"l\">", f);
			put_text(f, v);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
}

static struct pc_cmp_setup_side setup_side(const struct pc_rh_case *c)
{
	return (struct pc_cmp_setup_side){ .setup = c->setup, .legacy = c->legacy,
					   .settings_unknown = c->settings_unknown,
					   .erred = !strcmp(c->outcome, "error") };
}

/* "setup unknown: not recorded in folder 1 (...): tested_sha256": a
 * cell whose setup cannot be told from its previous cell's (in folder
 * PK, this one in K; 0-based), one of them an older powercut's results;
 * compare calls it "setup unknown" (it was shown as the same setup). */
static void put_setup_unknown(FILE *f, const struct pc_rh_case *prev, size_t pk,
			      const struct pc_rh_case *c, size_t k)
{
	struct pc_cmp_setup_side a = setup_side(prev), b = setup_side(c);
	unsigned bits = pc_cmp_setup_unknown(&a, &b);
	if (!bits)
		return;
	char *an = xasprintf("folder %zu", pk + 1), *bn = xasprintf("folder %zu", k + 1);
	char *why = pc_cmp_setup_unknown_text(&a, &b, bits, an, bn);
	fputs("<br><span class=\"changed\">setup unknown: ", f);
	put_text(f, why);
	fputs("</span>", f);
	free(why);
	free(an);
	free(bn);
}

static void trend_table(FILE *f, const struct pc_rh_set *s, const struct case_index *ix,
			char *const *ids, size_t nids)
{
	fputs("<h2 id=\"trend\">History across folders</h2>\n"
	      "<p>A case's cell marked <span class=\"changed\">setup changed</span> ran on "
	      "another setup than its previous cell (mkfs or mount options, backend, cut, write "
	      "cache, layout, workload, scenario keys, the tree tested, image files); a folder's "
	      "kernel, scenario, powercut version or options marked "
	      "<span class=\"changed\">changed</span> are not the folder before's; a cell marked "
	      "<span class=\"changed\">setup unknown</span> cannot be told from its previous "
	      "cell's setup, one of them an older powercut's results that do not record it "
	      "(what it tested, a scenario key), as compare says.  An outcome "
	      "or a loss count that moved there may have moved because of that change.  An error "
	      "says its kind: <span class=\"notchecked\">environment</span> (the host failed the "
	      "case: its work folder's disk, a killed fuse server, a tool timed out or missing, a "
	      "kernel feature, no room) and <span class=\"notchecked\">interrupted</span> were "
	      "not checked, neither the filesystem's failure nor a pass; case (its own) and "
	      "input (its scenario's); kind not recorded: an older powercut's results.  A "
	      "<span class=\"notchecked\">missing</span> cell's folder holds fewer cases than its "
	      "run planned (interrupted, or a merge missing a shard): the case may be one it never "
	      "ran; <span class=\"notchecked\">not in shard K/N</span>: the folder is one shard "
	      "of its run, not merged with the others (scripts/merge-results.sh); "
	      "<code>-</code>: the folder has no such case and misses none.</p>\n"
	      "<table class=\"history\"><tr><th class=\"l\">case</th>", f);
	for (size_t k = 0; k < s->n; k++)
		fprintf(f, "<th><a href=\"#folder%zu\">%zu</a></th>", k + 1, k + 1);
	fputs("</tr>\n", f);
	trend_head(f, s);
	for (size_t i = 0; i < nids; i++) {
		fputs("<tr><td class=\"l\">", f);
		put_text(f, ids[i]);
		fputs("</td>", f);
		const struct pc_rh_case *prev = NULL;
		size_t prev_folder = 0;
		for (size_t k = 0; k < s->n; k++) {
			const struct pc_rh_case *c = find_case(&ix[k], ids[i]);
			/* A folder holding fewer cases than its run planned (an
			 * interrupted night, a merge missing a shard): which ones
			 * are not recorded, but a cell there may be one of them,
			 * not checked, never "-" as a case its scenario lacked. */
			long long short_by = s->f[k].planned - (long long)s->f[k].n;
			if (!c && short_by > 0) {
				fprintf(f, "<td class=\"notchecked\">missing (%lld planned case%s not in "
					   "its results)</td>", short_by, short_by == 1 ? "" : "s");
				continue;
			}
			/* One shard of a run, not merged: the others' cases
			 * are not in it, not cases its scenario lacked. */
			if (!c && s->f[k].shard_n > 1) {
				fprintf(f, "<td class=\"notchecked\">not in shard %lld/%lld (the others "
					   "not merged: it may be one of theirs)</td>", s->f[k].shard_k,
					s->f[k].shard_n);
				continue;
			}
			if (!c) {
				fputs("<td>-</td>", f);
				continue;
			}
			put_outcome(f, c, "");
			fprintf(f, " %.1fs", c->total);
			if (c->lost > 0)
				fprintf(f, " lost %lld", c->lost);
			char *changed = prev ? pc_cmp_setup_change(prev->setup, c->setup,
					pc_cmp_setup_diff(prev->setup, c->setup), xstrdup) : NULL;
			if (changed) {
				fputs("<br><span class=\"changed\">setup changed: ", f);
				put_text(f, changed);
				fputs("</span>", f);
				free(changed);
			} else if (prev) {
				put_setup_unknown(f, prev, prev_folder, c, k);
			}
			fputs("</td>", f);
			prev = c;
			prev_folder = k;
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* How much the time of case ID varied over the folders that have it. */
static double time_spread(const struct pc_rh_set *s, const struct case_index *ix, const char *id)
{
	double lo = 0, hi = 0;
	int seen = 0;
	for (size_t k = 0; k < s->n; k++) {
		const struct pc_rh_case *c = find_case(&ix[k], id);
		if (!c || c->total < 0)
			continue;
		lo = seen && lo < c->total ? lo : c->total;
		hi = seen && hi > c->total ? hi : c->total;
		seen = 1;
	}
	return hi - lo;
}

/* The time of each case over the folders: x = folder number, a line per
 * case; over PLOT_LINES_MAX cases, the ones whose time varied most. */
static int trend_plot(FILE *f, struct plotq *q, const struct pc_rh_set *s, const struct case_index *ix,
		      char *const *all, size_t nall)
{
	if (!nall)
		return 0;
	double *spread = xcalloc(nall, sizeof(*spread));
	size_t *keep = xcalloc(nall, sizeof(*keep));
	for (size_t i = 0; i < nall; i++)
		spread[i] = time_spread(s, ix, all[i]);
	size_t nids = pc_rh_plot_pick(spread, nall, PLOT_LINES_MAX, keep);
	char **ids = xcalloc(nids, sizeof(*ids));
	for (size_t i = 0; i < nids; i++)
		ids[i] = all[keep[i]];
	free(spread);
	free(keep);

	size_t cap = 4096 + (nids + 1) * (s->n + 1) * 24 + nids * 200, len = 0;
	char *sc = xcalloc(cap, 1);
	len += (size_t)snprintf(sc + len, cap - len, plot_head, 900, 420 + (int)(nids / 3 + 1) * 16);
	len += (size_t)snprintf(sc + len, cap - len, "set title 'time per case over the folders");
	if (nids < nall)
		len += (size_t)snprintf(sc + len, cap - len, " (the %zu of %zu cases whose time varied most)",
					nids, nall);
	len += (size_t)snprintf(sc + len, cap - len,
				"'\nset ylabel 'seconds'\n"
				"set xlabel 'folder'\nset yrange [0:*]\n%sset offsets 0.2,0.2,0,0\n"
				"set key outside below\n$d << EOD\n",
				/* a tic per folder up to 30; past that gnuplot's
				 * own (365 nights' numbers ran into one another) */
				s->n <= 30 ? "set xtics 1\n" : "");
	for (size_t k = 0; k < s->n; k++) {
		len += (size_t)snprintf(sc + len, cap - len, "%zu", k + 1);
		for (size_t i = 0; i < nids; i++) {
			const struct pc_rh_case *c = find_case(&ix[k], ids[i]);
			if (c)
				len += (size_t)snprintf(sc + len, cap - len, " %.6g", c->total);
			else
				len += (size_t)snprintf(sc + len, cap - len, " ?");
		}
		len += (size_t)snprintf(sc + len, cap - len, "\n");
	}
	len += (size_t)snprintf(sc + len, cap - len, "EOD\nplot ");
	char **l = pc_rh_plot_labels(ids, nids);
	for (size_t i = 0; i < nids; i++)
		len += (size_t)snprintf(sc + len, cap - len, "%s$d using 1:%zu with linespoints title '%s'",
					i ? ", " : "", i + 2, l[i]);
	pc_rh_labels_free(l, nids);
	snprintf(sc + len, cap - len, "\n");
	fputs("<div class=\"plot\" id=\"plot-trend\">\n", f);
	int rc = plot_queue(q, f, sc);
	fputs("</div>\n", f);
	free(sc);
	free(ids);
	return rc;
}

static int trend_section(FILE *f, struct plotq *q, const struct pc_rh_set *s)
{
	size_t nids;
	char **ids = all_ids(s, &nids);
	struct case_index *ix = xcalloc(s->n, sizeof(*ix));
	for (size_t k = 0; k < s->n; k++)
		case_index_build(&ix[k], &s->f[k]);
	trend_table(f, s, ix, ids, nids);
	int rc = trend_plot(f, q, s, ix, ids, nids);
	for (size_t k = 0; k < s->n; k++)
		free(ix[k].v);
	free(ix);
	free(ids);
	return rc;
}

/* The folder OUT is written in, as realpath(3) gives it, into REPORTDIR
 * (PATH_MAX bytes): the page's links are relative to it. */
static int report_dir(const char *out, char *reportdir)
{
	char *outcopy = xstrdup(out), *slash = strrchr(outcopy, '/');
	const char *outdir = slash ? (slash == outcopy ? "/" : (*slash = 0, outcopy)) : ".";
	int rc = 0;
	if (!realpath(outdir, reportdir))
		rc = pc_fail_errno(PC_ERR_RUN, errno, "report: %s", outdir);
	free(outcopy);
	return rc;
}

/* The page's head: its title, when it was made, and the folders it
 * shows, each linked to its section. */
static void page_head(FILE *f, const struct pc_rh_set *s)
{
	char when[64] = "";
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<title>powercut report</title>\n<style>%s</style>\n</head><body>\n"
		   "<h1>powercut report</h1>\n<p>%s, %zu results folder%s:</p>\n<ol>\n",
		css, when, s->n, s->n == 1 ? "" : "s");
	for (size_t k = 0; k < s->n; k++) {
		fprintf(f, "<li><a href=\"#folder%zu\">", k + 1);
		put_text(f, s->f[k].path);
		fputs("</a> (", f);
		if (s->f[k].started) {
			fputs("started ", f);
			put_text(f, s->f[k].started);
			fputs(", ", f);
		}
		fputs("kernel ", f);
		put_text(f, s->f[k].kernel);
		fprintf(f, ", %zu cases)</li>\n", s->f[k].n);
	}
	fputs("</ol>\n", f);
}

/* What the reader must know before the sections: folders in order of
 * name, sections without plots (the first PLOTS_FROM), and the folders
 * with no results or whose results could not be read. */
static void page_notes(FILE *f, const struct pc_rh_set *s, size_t plots_from)
{
	if (s->by_name)
		fprintf(f, "<p>%zu folder%s ordered by %s name%s, before the others: %s results do "
			   "not record when %s ran (an older powercut's); the others are in order of "
			   "their start.</p>\n", s->by_name, s->by_name == 1 ? "" : "s",
			s->by_name == 1 ? "its" : "their", s->by_name == 1 ? "" : "s",
			s->by_name == 1 ? "its" : "their", s->by_name == 1 ? "it" : "they");
	if (plots_from)
		fprintf(f, "<p>Plots per folder: for the last %zu of the %zu folders only "
			   "(<code>--plots-last</code>); the %zu before them have their tables here "
			   "without plots, and the history covers every folder.</p>\n",
			s->n - plots_from, s->n, plots_from);
	if (s->nmissing) {
		fprintf(f, "<p class=\"fail\"><b>%zu folder%s without results.json</b> (a run that "
			   "wrote nothing; of scripts/qualify, a kernel that did not boot, timed out "
			   "or could not start: qualify.md says why): not checked.</p>\n<ul>\n",
			s->nmissing, s->nmissing == 1 ? "" : "s");
		for (size_t k = 0; k < s->nmissing; k++) {
			fputs("<li>", f);
			put_text(f, s->missing[k]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (s->nunread) {
		fprintf(f, "<p class=\"fail\"><b>%zu results folder%s not read</b>: %s verdicts are "
			   "not on this page (powercut report exited 2).</p>\n<ul>\n",
			s->nunread, s->nunread == 1 ? "" : "s", s->nunread == 1 ? "its" : "their");
		for (size_t k = 0; k < s->nunread; k++) {
			fputs("<li class=\"fail\">", f);
			put_text(f, s->unread[k].path);
			fputs(": ", f);
			put_text(f, s->unread[k].why);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
}

int pc_rh_write(const struct pc_rh_set *s, const char *out)
{
	if (!gnuplot_available())
		return pc_fail(PC_ERR_ENV, "report: gnuplot is not installed (Debian package gnuplot-nox); "
			       "it draws the report's plots");
	char reportdir[PATH_MAX];
	if (report_dir(out, reportdir) < 0)
		return -1;
	char *tmp = xasprintf("%s.tmp", out);
	/* Unnamed until done: a report killed while it writes (a CI step's
	 * timeout, SIGKILL too) leaves no OUT.tmp. */
	int named = 0, fd = pc_tmpfile_open(reportdir, tmp, 0644, &named);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		pc_fail_errno(PC_ERR_RUN, errno, "report: cannot create %s", named ? tmp : reportdir);
		if (fd >= 0) {
			close(fd);
			if (named)
				unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	/* The page goes to F through BODY, where the plots are put in. */
	FILE *page = f;
	struct plotq q = { 0 };
	f = tmpfile();
	if (!f) {
		pc_fail_errno(PC_ERR_RUN, errno, "report: cannot create the page's temporary file");
		fclose(page);
		if (named)
			unlink(tmp);
		free(tmp);
		return -1;
	}
	page_head(f, s);
	size_t plots_from = s->plot_last && s->plot_last < s->n ? s->n - s->plot_last : 0;
	page_notes(f, s, plots_from);
	int rc = 0;
	if (s->n > 1) {
		options_note(f, s);
		same_run_note(f, s);
		rc = trend_section(f, &q, s);
	}
	for (size_t k = 0; k < s->n && rc == 0; k++)
		rc = folder_section(f, &q, &s->f[k], k, reportdir, k >= plots_from);
	fputs("</body></html>\n", f);
	if (rc == 0)
		rc = plots_put(page, f, &q);
	plotq_free(&q);
	fclose(f);
	f = page;
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		if (rc == 0)
			rc = pc_fail_errno(PC_ERR_RUN, errno, "report: writing %s", out);
	}
	if (rc == 0 && pc_tmpfile_publish(fileno(f), named, tmp, out) < 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "report: cannot rename %s to %s", tmp, out);
	if (fclose(f) != 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "report: writing %s", out);
	if (rc < 0 && named)
		unlink(tmp);
	free(tmp);
	return rc;
}
