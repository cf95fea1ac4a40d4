/* compare.c - two results folders compared; see compare.h. */
#include "report/compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/results_reader.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "util/util.h"
#include "workload/workload_fio.h"

static const char *const class_names[PC_CMP_NCLASSES] = {
	"regression", "new failing", "fixed", "still failing", "flaky", "known", "unexpected pass",
	"unchanged", "new", "removed", "environment error", "interrupted", "checked again",
};

const char *pc_cmp_class_name(enum pc_cmp_class c)
{
	return c < PC_CMP_NCLASSES ? class_names[c] : "?";
}

/* ---- reading results.json (results_reader.c) ------------------------ */

/* "g/ext4/none/r2" with repeats > 1 -> "g/ext4/none". */
static char *case_key(const struct pc_res_case *c)
{
	if (c->repeats > 1 && c->has_repeat) {
		char suffix[32];
		snprintf(suffix, sizeof(suffix), "/r%lld", c->repeat);
		size_t n = strlen(c->id), s = strlen(suffix);
		if (n > s && !strcmp(c->id + n - s, suffix))
			return xstrndup(c->id, n - s);
	}
	return xstrdup(c->id);
}

/* What compare keeps of case IN (its strings move over). */
static void take_case(struct pc_res_case *in, struct pc_cmp_case *c)
{
	c->key = case_key(in);
	c->id = in->id;
	c->reason = in->reason;
	c->flaky_rate = in->flaky_rate;
	c->expect = in->expect;
	c->mounted = in->mounted;
	c->legacy = in->legacy;
	c->settings_unknown = in->settings_unknown;
	in->id = in->reason = in->flaky_rate = in->expect = in->mounted = NULL;
	in->settings_unknown = NULL;
	c->outcome = in->outcome;
	c->failures = in->failures;
	c->error_kind = in->error_kind;
	c->error_exit = in->error_exit;
	c->lost = in->lost;
	c->point_lost = in->point_lost;
	memcpy(c->t, in->t, sizeof(c->t));
	memcpy(c->io, in->io, sizeof(c->io));
	for (size_t k = 0; k < PC_RES_NSETUP; k++) {
		c->setup[k] = in->setup[k];
		in->setup[k] = NULL;
	}
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct pc_cmp_case *)a)->id, ((const struct pc_cmp_case *)b)->id);
}

int pc_cmp_load(const char *dir, struct pc_cmp_side *s)
{
	memset(s, 0, sizeof(*s));
	struct stat st; /* compare's own word for a side that is not there */
	if (stat(dir, &st) < 0)
		return pc_fail_errno(PC_ERR_INPUT, errno, "compare: %s", dir);
	if (S_ISDIR(st.st_mode)) {
		/* scripts/qualify's folder holds one results folder per kernel. */
		char *rj = xasprintf("%s/results.json", dir), *qj = xasprintf("%s/qualify.json", dir);
		struct stat x;
		int qualify = stat(rj, &x) < 0 && errno == ENOENT && stat(qj, &x) == 0;
		free(rj);
		free(qj);
		if (qualify)
			return pc_fail(PC_ERR_INPUT, "compare: %s is a scripts/qualify folder (one results "
				       "folder per kernel): compare a kernel's folder, %s/LABEL", dir, dir);
	}
	struct pc_results r;
	int rc = pc_results_load(dir, &r);
	if (rc == 0) {
		s->v = xcalloc(r.n ? r.n : 1, sizeof(*s->v));
		for (; s->n < r.n; s->n++)
			take_case(&r.v[s->n], &s->v[s->n]);
		qsort(s->v, s->n, sizeof(*s->v), by_id);
	}
	s->path = r.path;
	s->kernel = r.kernel;
	/* By file name: each machine has its own checkout (as merge-results). */
	if (r.scenario) {
		const char *slash = strrchr(r.scenario, '/');
		s->scenario = xstrdup(slash ? slash + 1 : r.scenario);
	}
	s->planned = r.planned;
	s->shard_k = r.shard_k;
	s->shard_n = r.shard_n;
	memcpy(s->content_sha256, r.content_sha256, sizeof(s->content_sha256));
	s->ignored = r.ignored;
	s->nignored = r.nignored;
	r.ignored = NULL;
	r.nignored = 0;
	s->version = r.version;
	s->options = r.options;
	s->options_shown = r.options_shown;
	s->started = r.started;
	s->finished = r.finished;
	r.path = r.kernel = r.version = r.options = r.options_shown = r.started = r.finished = NULL;
	pc_results_free(&r);
	return rc;
}

void pc_cmp_side_free(struct pc_cmp_side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].key);
		free(s->v[i].reason);
		free(s->v[i].expect);
		free(s->v[i].flaky_rate);
		free(s->v[i].mounted);
		free(s->v[i].settings_unknown);
		for (size_t k = 0; k < PC_RES_NSETUP; k++)
			free(s->v[i].setup[k]);
	}
	free(s->v);
	free(s->path);
	free(s->kernel);
	free(s->scenario);
	free(s->version);
	free(s->started);
	free(s->finished);
	free(s->options);
	free(s->options_shown);
	for (size_t i = 0; i < s->nignored; i++)
		free(s->ignored[i]);
	free(s->ignored);
	memset(s, 0, sizeof(*s));
}

/* ---- classification --------------------------------------------------- */

static int passed(int o)
{
	return o == PC_OUT_PASS || o == PC_OUT_XPASS;
}

enum pc_cmp_class pc_cmp_classify(int base, int new, int known)
{
	if (new < 0)
		return PC_CMP_REMOVED;
	/* A known entry covers a failure, never an error: an error is a case
	 * whose checks did not run, so it cannot show the known failure. */
	if (new == PC_OUT_KNOWN || (known && new == PC_OUT_FAIL))
		return PC_CMP_KNOWN;
	if (new == PC_OUT_XPASS || (known && new == PC_OUT_PASS))
		return PC_CMP_XPASS;
	/* A failure no entry covers, of a case BASE did not have, is as much
	 * news as a regression: nothing vouched for it (a case added to the
	 * scenario would otherwise fail every night with exit 0). */
	if (new == PC_OUT_FLAKY) /* in NEW only too: flaky fails without --flaky-ok */
		return PC_CMP_FLAKY;
	if (base < 0)
		return new == PC_OUT_FAIL || new == PC_OUT_ERROR ? PC_CMP_NEW_FAILING : PC_CMP_NEW;
	if (passed(new))
		return passed(base) ? PC_CMP_UNCHANGED : PC_CMP_FIXED;
	/* A case BASE ran (whatever it found) that errs in NEW is no longer
	 * checked: worse, not "still failing". */
	if (new == PC_OUT_ERROR && base != PC_OUT_ERROR)
		return PC_CMP_REGRESSION;
	/* A failure (a loss, fsck errors) of a case that erred in BASE: BASE
	 * never checked it, so nothing vouched for it, as for a case only NEW
	 * has (as "still failing" it was exit 0: a loss found the first night
	 * the case could run went unreported). */
	if (new == PC_OUT_FAIL && base == PC_OUT_ERROR)
		return PC_CMP_NEW_FAILING;
	/* Flaky in BASE passed in the end; known in BASE was a failure an
	 * entry accepted.  Failing every attempt, or with no entry covering
	 * it any more (removed, its kernel condition no longer holds), is
	 * worse, not "still failing". */
	if (passed(base) || base == PC_OUT_FLAKY || base == PC_OUT_KNOWN)
		return PC_CMP_REGRESSION;
	return PC_CMP_STILL_FAILING;
}

/* Did a case of outcome O, error kind K, go unchecked for the host or a
 * signal? */
static int unchecked(int o, enum pc_error_kind k)
{
	return o == PC_OUT_ERROR && (k == PC_EK_ENV || k == PC_EK_INTERRUPTED);
}

enum pc_cmp_class pc_cmp_classify_kind(int base, int new, int known, enum pc_error_kind base_kind,
				       enum pc_error_kind new_kind)
{
	enum pc_cmp_class c = pc_cmp_classify(base, new, known);
	/* BASE never checked it (the host failed it, or a signal stopped
	 * it): passing now is no fix of the filesystem's, and an error of
	 * NEW's own is news, not "still failing". */
	if (unchecked(base, base_kind) && c == PC_CMP_FIXED)
		return PC_CMP_CHECKED_AGAIN;
	if (unchecked(base, base_kind) && c == PC_CMP_STILL_FAILING && !unchecked(new, new_kind))
		return PC_CMP_NEW_FAILING;
	if (new != PC_OUT_ERROR)
		return c;
	/* What a host that failed it, or a signal, stopped checked nothing:
	 * not the filesystem's regression, and never a pass. */
	if (new_kind == PC_EK_ENV)
		return PC_CMP_ENV_ERROR;
	if (new_kind == PC_EK_INTERRUPTED)
		return PC_CMP_INTERRUPTED;
	return c;
}

/* ---- performance ------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The cases of a side grouped by key: their indices sorted by key (then
 * id), so that a key's repeats are one range found by binary search.
 * Scanning every case per key made compare quadratic: 10000 cases took
 * minutes. */
struct key_index {
	const struct pc_cmp_side *side;
	size_t *ord;
};

static int by_key(const void *a, const void *b, void *side)
{
	const struct pc_cmp_side *s = side;
	const struct pc_cmp_case *x = &s->v[*(const size_t *)a];
	const struct pc_cmp_case *y = &s->v[*(const size_t *)b];
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->id, y->id);
}

static void key_index_make(struct key_index *ix, const struct pc_cmp_side *side)
{
	ix->side = side;
	ix->ord = xcalloc(side->n ? side->n : 1, sizeof(*ix->ord));
	for (size_t i = 0; i < side->n; i++)
		ix->ord[i] = i;
	qsort_r(ix->ord, side->n, sizeof(*ix->ord), by_key, (void *)side);
}

/* The range [*LO, *HI) of ix->ord whose cases have KEY (empty if none). */
static void key_range(const struct key_index *ix, const char *key, size_t *lo, size_t *hi)
{
	size_t a = 0, b = ix->side->n;
	while (a < b) { /* first >= key */
		size_t m = a + (b - a) / 2;
		if (strcmp(ix->side->v[ix->ord[m]].key, key) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = ix->side->n;
	while (a < b) { /* first > key */
		size_t m = a + (b - a) / 2;
		if (strcmp(ix->side->v[ix->ord[m]].key, key) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

/* Median of the values >= 0 of field K (in t, or io when IO) over the
 * cases ord[LO..HI) of IX; -1 if none.  A case that erred stopped
 * part-way (mkfs refused: 0.05 s): its time is not the cycle's and does
 * not count. */
static double median(const struct key_index *ix, size_t lo, size_t hi, int io, size_t k)
{
	double *v = xcalloc(hi > lo ? hi - lo : 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct pc_cmp_case *c = &ix->side->v[ix->ord[i]];
		if (c->outcome == PC_OUT_ERROR)
			continue;
		double x = io ? c->io[k] : c->t[k];
		if (x >= 0)
			v[n++] = x;
	}
	double m = -1;
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return m;
}

/* NEW/BASE, or -1 (not comparable) when BASE is 0 or absent, NEW absent,
 * or the quotient overflows (a base of 5e-324 s): JSON has no infinity,
 * and jansson would drop the key. */
static double ratio(double base, double new)
{
	double q = base > 0 && new >= 0 ? new / base : -1;
	return isfinite(q) ? q : -1;
}

/* The perf entry of KEY, once per key (DONE marks NEW's keys seen, by
 * their first place in NEW's index); each case of the key on either side
 * gets its index in perf. */
static void add_perf(struct pc_cmp_report *r, const struct key_index *bx,
		     const struct key_index *nx, const char *key, unsigned char *done)
{
	size_t blo, bhi, nlo, nhi;
	key_range(nx, key, &nlo, &nhi);
	if (nlo == nhi || done[nlo])
		return;
	done[nlo] = 1;
	key_range(bx, key, &blo, &bhi);
	if (blo == bhi)
		return;
	struct pc_cmp_perf *p = &r->perf[r->nperf];
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->nbase = bhi - blo;
	p->nnew = nhi - nlo;
	for (size_t k = 0; k < PC_CMP_NPHASES; k++)
		p->time_ratio[k] = ratio(median(bx, blo, bhi, 0, k), median(nx, nlo, nhi, 0, k));
	for (size_t k = 0; k < PC_CMP_NIO; k++)
		p->io_ratio[k] = ratio(median(bx, blo, bhi, 1, k), median(nx, nlo, nhi, 1, k));
	p->base_total = median(bx, blo, bhi, 0, PC_CMP_NPHASES - 1);
	p->new_total = median(nx, nlo, nhi, 0, PC_CMP_NPHASES - 1);
	double total = p->time_ratio[PC_CMP_NPHASES - 1];
	p->slowdown = total >= 0 && total > r->o->threshold;
	r->slowdowns += (size_t)p->slowdown;
	for (size_t i = blo; i < bhi; i++)
		r->base.v[bx->ord[i]].perf = (long)r->nperf;
	for (size_t i = nlo; i < nhi; i++)
		r->new.v[nx->ord[i]].perf = (long)r->nperf;
	r->nperf++;
}

/* ---- the comparison --------------------------------------------------- */

static const struct pc_cmp_case *find(const struct pc_cmp_side *s, const char *id)
{
	struct pc_cmp_case want = { .id = (char *)id };
	return bsearch(&want, s->v, s->n, sizeof(*s->v), by_id);
}

/* The value of KEY in settings words "k1=v1 k2=v2" (a copy), NULL when
 * absent. */
static char *settings_value(const char *settings, const char *key)
{
	size_t n;
	char **words = pc_split_words(settings, &n), *v = NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i < n && !v; i++)
		if (!strncmp(words[i], key, klen) && words[i][klen] == '=')
			v = xstrdup(words[i] + klen + 1);
	pc_strv_free(words);
	return v;
}

/* Do A and B, values of settings key KEY, say the same?  cut_at by its
 * meaning: the scenario's words ("50.0%") against what older results
 * recorded ("50%", results_reader.c's legacy settings). */
static int same_setting(const char *key, const char *a, const char *b)
{
	struct pc_cut_at x, y;
	if (!strcmp(key, "cut_at") && pc_cut_at_parse(a, &x) == 0 && pc_cut_at_parse(b, &y) == 0)
		return x.kind == y.kind && x.value == y.value;
	return !strcmp(a, b);
}

/* Is KEY among the words of LIST (keys a side's results could not
 * record, "device_size log_size")? */
static int listed_key(const char *list, const char *key)
{
	size_t n;
	int found = 0;
	char **keys = pc_split_words(list, &n);
	for (size_t i = 0; i < n && !found; i++)
		found = !strcmp(keys[i], key);
	pc_strv_free(keys);
	return found;
}

/* Append to B (when not NULL) the keys among UNKNOWN (the keys one
 * side's results could not record) that the other side gives, in its
 * settings words SETTINGS, or could not record either (OTHER_UNKNOWN:
 * two old runs, neither saying it), "log_size"; return how many. */
static size_t unknown_keys(struct pc_strbuf *b, const char *settings, const char *other_unknown,
			   const char *unknown)
{
	size_t n, count = 0;
	char **keys = pc_split_words(unknown, &n);
	for (size_t i = 0; i < n; i++) {
		char *v = settings_value(settings, keys[i]);
		if (v || listed_key(other_unknown, keys[i])) {
			count++;
			if (b) {
				char *mk = pc_esc_md(keys[i]);
				pc_strbuf_printf(b, "%s%s", b->len ? ", " : "", mk);
				free(mk);
			}
		}
		free(v);
	}
	pc_strv_free(keys);
	return count;
}

/* Append to B (when not NULL) each key that the settings words FROM and TO
 * both give with different values, "crash_points '10' -> '0'" (each word
 * through ESC); return how many.  A key only one side has (added by a
 * later powercut) does not count, as a field only one side has does not. */
static size_t settings_diff(struct pc_strbuf *b, const char *from, const char *to,
			    char *(*esc)(const char *))
{
	size_t n, changed = 0;
	char **words = pc_split_words(from, &n);
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(words[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *z = settings_value(to, words[i]);
		if (z && !same_setting(words[i], eq + 1, z)) {
			changed++;
			if (b) {
				char *mk = esc(words[i]), *ma = esc(eq + 1), *mz = esc(z);
				pc_strbuf_printf(b, "%s%s '%s' -> '%s'", b->len ? ", " : "", mk, ma, mz);
				free(mk);
				free(ma);
				free(mz);
			}
		}
		free(z);
	}
	pc_strv_free(words);
	return changed;
}

unsigned pc_cmp_setup_diff(char *const *a, char *const *b)
{
	unsigned bits = 0;
	for (size_t k = 0; k < PC_RES_NSETUP; k++)
		if (a[k] && b[k] &&
		    (!strcmp(pc_res_setup[k], "settings") ? settings_diff(NULL, a[k], b[k], pc_esc_md) > 0
		     : strcmp(a[k], b[k]) != 0))
			bits |= 1u << k;
	return bits;
}

char *pc_cmp_setup_change(char *const *a, char *const *b, unsigned bits, char *(*esc)(const char *))
{
	if (!bits)
		return NULL;
	struct pc_strbuf t = PC_STRBUF_INIT;
	for (size_t k = 0; k < PC_RES_NSETUP; k++) {
		if (!(bits & (1u << k)))
			continue;
		if (!strcmp(pc_res_setup[k], "settings")) {
			settings_diff(&t, a[k], b[k], esc);
			continue;
		}
		char *from = esc(a[k]), *to = esc(b[k]);
		pc_strbuf_printf(&t, "%s%s '%s' -> '%s'", t.len ? ", " : "", pc_res_setup[k], from, to);
		free(from);
		free(to);
	}
	return pc_strbuf_release(&t);
}

/* The setup fields that both sides give and that differ (results written
 * before a field existed do not count as a change). */
static unsigned setup_diff(const struct pc_cmp_case *b, const struct pc_cmp_case *n)
{
	return b && n ? pc_cmp_setup_diff(b->setup, n->setup) : 0;
}

/* How a case is judged is not what it ran on (not a setup field), but a
 * NEW that passes only because its expectation was loosened from BASE's
 * intact (expect_fsync = any, say) while it lost entries, at the cut or
 * at a crash point holding the commit record, is a loss BASE would have
 * failed: a regression, not "unchanged" or "fixed".  So is one that
 * passed in the end as "unexpected pass" (a known entry covers it) or
 * "flaky" (exit 0 with --flaky-ok): a loss 0 -> 7 went through as either. */
static int hides_loss(const struct pc_cmp_row *row)
{
	const struct pc_cmp_case *b = row->base, *n = row->new;
	return n && (n->outcome == PC_OUT_PASS || n->outcome == PC_OUT_XPASS ||
		     n->outcome == PC_OUT_FLAKY) && b &&
	       b->expect && !strcmp(b->expect, "intact") && n->expect &&
	       strcmp(n->expect, "intact") && (n->lost > 0 || n->point_lost > 0);
}

/* Does side C lack tested_sha256 (setup field K) because it was written
 * before the field existed? */
static int lacks_tested(const struct pc_cmp_setup_side *c, size_t k)
{
	return !c->setup[k] && c->legacy;
}

unsigned pc_cmp_setup_unknown(const struct pc_cmp_setup_side *b, const struct pc_cmp_setup_side *n)
{
	unsigned bits = 0;
	for (size_t k = 0; k < PC_RES_NSETUP; k++) {
		const char *f = pc_res_setup[k];
		if (!strcmp(f, "tested_sha256") && (lacks_tested(b, k) || lacks_tested(n, k)) &&
		    !b->erred && !n->erred)
			bits |= 1u << k;
		if (!strcmp(f, "settings") && b->setup[k] && n->setup[k] &&
		    (unknown_keys(NULL, n->setup[k], n->settings_unknown, b->settings_unknown) ||
		     unknown_keys(NULL, b->setup[k], b->settings_unknown, n->settings_unknown)))
			bits |= 1u << k;
	}
	return bits;
}

static struct pc_cmp_setup_side side_of(const struct pc_cmp_case *c)
{
	return (struct pc_cmp_setup_side){ .setup = c->setup, .legacy = c->legacy,
					   .settings_unknown = c->settings_unknown,
					   .erred = c->outcome == PC_OUT_ERROR };
}

/* The setup fields whose change the sides cannot tell (bit K for
 * pc_res_setup[K]): tested_sha256 that a side written before the field
 * lacks, or both do (two old runs: neither says what it tested), unless a
 * side erred (it checked nothing, and may never have reached its commit);
 * and the settings keys that a side's results could not record while the
 * other side gives them, or could not record either. */
static unsigned setup_unknown(const struct pc_cmp_case *b, const struct pc_cmp_case *n)
{
	if (!b || !n)
		return 0;
	struct pc_cmp_setup_side bs = side_of(b), ns = side_of(n);
	return pc_cmp_setup_unknown(&bs, &ns);
}

static void add_row(struct pc_cmp_report *r, const struct pc_cmp_case *b, const struct pc_cmp_case *n)
{
	struct pc_cmp_row *row = &r->rows[r->nrows++];
	row->base = b;
	row->new = n;
	row->setup_changed = setup_diff(b, n);
	r->setup_changed += row->setup_changed != 0;
	/* Not known where it did not change as far as both sides tell. */
	row->setup_unknown = row->setup_changed ? 0 : setup_unknown(b, n);
	r->setup_unknown += row->setup_unknown != 0;
	/* Not a setup change: kernels show their own defaults among the
	 * options, so this differs across kernels for the same scenario.  A
	 * note, for the option a kernel took and another ignores. */
	row->mounted_changed = b && n && b->mounted && n->mounted && strcmp(b->mounted, n->mounted);
	r->mounted_changed += row->mounted_changed;
	/* A failure is covered by an entry that names each kind it showed
	 * (one older results do not list: only fails=any covers it); a pass
	 * by any entry of its id (an unexpected pass). */
	row->known = n ? pc_known_match(r->o->known, n->id, r->new.kernel,
					n->outcome == PC_OUT_FAIL ? n->failures : 0) : NULL;
	row->cls = pc_cmp_classify_kind(b ? (int)b->outcome : -1, n ? (int)n->outcome : -1,
					row->known != NULL, b ? b->error_kind : PC_EK_UNKNOWN,
					n ? n->error_kind : PC_EK_UNKNOWN);
	if (hides_loss(row)) {
		row->cls = PC_CMP_REGRESSION;
		row->hidden_loss = 1;
	}
	r->counts[row->cls]++;
}

void pc_cmp_run(struct pc_cmp_report *r, const struct pc_cmp_opts *o)
{
	r->o = o;
	r->rows = xcalloc(r->base.n + r->new.n + 1, sizeof(*r->rows));
	for (size_t i = 0; i < r->new.n; i++)
		add_row(r, find(&r->base, r->new.v[i].id), &r->new.v[i]);
	for (size_t i = 0; i < r->base.n; i++)
		if (!find(&r->new, r->base.v[i].id))
			add_row(r, &r->base.v[i], NULL);
	struct key_index bx, nx;
	key_index_make(&bx, &r->base);
	key_index_make(&nx, &r->new);
	unsigned char *done = xcalloc(r->new.n ? r->new.n : 1, 1);
	r->perf = xcalloc(r->new.n ? r->new.n : 1, sizeof(*r->perf));
	for (size_t i = 0; i < r->base.n; i++)
		r->base.v[i].perf = -1;
	for (size_t i = 0; i < r->new.n; i++)
		r->new.v[i].perf = -1;
	for (size_t i = 0; i < r->new.n; i++)
		add_perf(r, &bx, &nx, r->new.v[i].key, done);
	free(done);
	free(bx.ord);
	free(nx.ord);
}

void pc_cmp_report_free(struct pc_cmp_report *r)
{
	pc_cmp_side_free(&r->base);
	pc_cmp_side_free(&r->new);
	free(r->rows);
	free(r->perf);
	r->rows = NULL;
	r->perf = NULL;
}

/* NEW's run planned cases it has no result for. */
static int unfinished(const struct pc_cmp_side *s)
{
	return s->planned > (long long)s->n;
}

int pc_cmp_same_run(const struct pc_cmp_report *r)
{
	return r->base.content_sha256[0] && !strcmp(r->base.content_sha256, r->new.content_sha256);
}

/* S is one shard of a sharded run, not the shards merged: the other
 * shards' cases are not in it. */
static int one_shard(const struct pc_cmp_side *s)
{
	return s->shard_n > 1;
}

int pc_cmp_coverage_lost(const struct pc_cmp_report *r)
{
	return r->new.n == 0 || unfinished(&r->new) || one_shard(&r->new) ||
	       r->counts[PC_CMP_INTERRUPTED] ||
	       (pc_cmp_same_run(r) && !r->o->allow_same_run) ||
	       (r->counts[PC_CMP_REMOVED] && !r->o->allow_removed) ||
	       ((r->setup_changed || r->setup_unknown) && !r->o->allow_setup_change);
}

int pc_cmp_exit(const struct pc_cmp_report *r)
{
	if (r->counts[PC_CMP_REGRESSION] || r->counts[PC_CMP_NEW_FAILING] || pc_cmp_coverage_lost(r))
		return 1;
	if (r->counts[PC_CMP_FLAKY] && !r->o->flaky_ok)
		return 1;
	if (r->slowdowns && r->o->fail_on_slowdown)
		return 1;
	/* Nothing checked got worse, but the host failed some of NEW's
	 * cases: not a pass, and not the filesystem's regression. */
	if (r->counts[PC_CMP_ENV_ERROR])
		return PC_EXIT_ENV;
	return 0;
}

/* ---- output ----------------------------------------------------------- */

static void outcome_text(const struct pc_cmp_case *c, char *out, size_t len)
{
	if (!c)
		snprintf(out, len, "-");
	else if (c->outcome == PC_OUT_ERROR)
		snprintf(out, len, "error (%s)", c->error_kind == PC_EK_UNKNOWN ? "kind not recorded"
			 : pc_error_kind_name(c->error_kind));
	else if (c->flaky_rate)
		snprintf(out, len, "%s %s", pc_outcome_name(c->outcome), c->flaky_rate);
	else
		snprintf(out, len, "%s", pc_outcome_name(c->outcome));
}

static void lost_text(const struct pc_cmp_case *c, char *out, size_t len)
{
	if (!c || c->lost < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%lld", c->lost);
}

static void ratio_text(double x, char *out, size_t len)
{
	if (x < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.2f", x);
}

static const struct pc_cmp_perf *perf_of(const struct pc_cmp_report *r, const struct pc_cmp_case *c)
{
	return c->perf >= 0 ? &r->perf[c->perf] : NULL;
}

/* Rows listed case by case (unchanged ones are only counted, unless their
 * setup changed). */
static int listed(const struct pc_cmp_row *row)
{
	return row->cls != PC_CMP_UNCHANGED || row->setup_changed || row->setup_unknown;
}

char *pc_cmp_setup_unknown_text(const struct pc_cmp_setup_side *bs,
				const struct pc_cmp_setup_side *n, unsigned bits,
				const char *bname, const char *nname)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	for (int side = 0; side < 2; side++) {
		const struct pc_cmp_setup_side *lacks = side ? n : bs, *has = side ? bs : n;
		struct pc_strbuf f = PC_STRBUF_INIT;
		for (size_t k = 0; k < PC_RES_NSETUP; k++) {
			if (!(bits & (1u << k)))
				continue;
			if (!strcmp(pc_res_setup[k], "tested_sha256") && !lacks->setup[k])
				pc_strbuf_printf(&f, "%stested_sha256", f.len ? ", " : "");
			if (!strcmp(pc_res_setup[k], "settings") && lacks->settings_unknown &&
			    unknown_keys(NULL, has->setup[k], has->settings_unknown,
					 lacks->settings_unknown)) {
				pc_strbuf_printf(&f, "%s", f.len ? ", " : "");
				unknown_keys(&f, has->setup[k], has->settings_unknown,
					     lacks->settings_unknown);
			}
		}
		if (f.len)
			pc_strbuf_printf(&b, "%snot recorded in %s (an older powercut's results): %s",
					 b.len ? "; " : "", side ? nname : bname, f.s);
		pc_strbuf_free(&f);
	}
	return pc_strbuf_release(&b);
}

/* "not recorded in BASE (older powercut): tested_sha256, settings
 * log_size": what ROW's sides do not both tell. */
static char *setup_unknown_text(const struct pc_cmp_row *row)
{
	struct pc_cmp_setup_side bs = side_of(row->base), ns = side_of(row->new);
	return pc_cmp_setup_unknown_text(&bs, &ns, row->setup_unknown, "BASE", "NEW");
}

/* "mount_opts '' -> 'noatime', cut 'drop' -> 'error'": the fields of ROW
 * whose setup changed, their values markdown-escaped (of "settings", each
 * key that changed); NULL when none did. */
static char *setup_text(const struct pc_cmp_row *row)
{
	if (row->setup_unknown)
		return setup_unknown_text(row);
	if (!row->setup_changed)
		return NULL;
	return pc_cmp_setup_change(row->base->setup, row->new->setup, row->setup_changed, pc_esc_md);
}

/* Why a hidden loss is a regression; NULL for any other row. */
static char *hidden_loss_text(const struct pc_cmp_row *row)
{
	if (!row->hidden_loss)
		return NULL;
	if (row->new->lost > 0)
		return xasprintf("%lld entries lost, passed only under expect = %s; BASE expected "
				 "intact", row->new->lost, row->new->expect);
	return xasprintf("%lld entries lost at a crash point with the commit record, passed "
			 "only under expect = %s; BASE expected intact", row->new->point_lost,
			 row->new->expect);
}

/* The cases the kernel mounted with other options than in BASE: a note
 * (the first few), not a change of the exit status. */
#define MD_MOUNTED_MAX 10

static void md_mounted(const struct pc_cmp_report *r, FILE *f)
{
	if (!r->mounted_changed)
		return;
	/* A blank line first: right after the table, markdown took the note
	 * for one more row of it (GFM), or joined it to "No case changed". */
	fprintf(f, "\n**%zu case%s mounted with other options than in BASE**, as the kernel "
		   "applied them (/proc/self/mountinfo; kernels show their own defaults too): "
		   "an option one kernel honours and another ignores shows here.\n\n",
		r->mounted_changed, r->mounted_changed == 1 ? "" : "s");
	size_t shown = 0;
	for (size_t i = 0; i < r->nrows && shown < MD_MOUNTED_MAX; i++) {
		const struct pc_cmp_row *row = &r->rows[i];
		if (!row->mounted_changed)
			continue;
		char *id = pc_esc_md(row->new->id), *b = pc_esc_md(row->base->mounted);
		char *n = pc_esc_md(row->new->mounted);
		fprintf(f, "* %s: `%s` -> `%s`\n", id, b, n);
		free(id);
		free(b);
		free(n);
		shown++;
	}
	if (r->mounted_changed > shown)
		fprintf(f, "* ... and %zu more (compare --json lists them all)\n",
			r->mounted_changed - shown);
	fputs("\n", f);
}

/* Why a "checked again" row is no fix. */
static const char *checked_again_text(const struct pc_cmp_row *row)
{
	return row->base->error_kind == PC_EK_ENV
		? "BASE erred for the environment (the host, not the filesystem: not checked); "
		  "NEW checked it: passes, no fix of the filesystem's"
		: "BASE was interrupted (not checked); NEW checked it: passes, no fix of the "
		  "filesystem's";
}

static void md_rows(const struct pc_cmp_report *r, FILE *f)
{
	int any = 0;
	/* Worst first: the order of enum pc_cmp_class. */
	for (int cls = 0; cls < PC_CMP_NCLASSES; cls++) {
		for (size_t i = 0; i < r->nrows; i++) {
			const struct pc_cmp_row *row = &r->rows[i];
			if ((int)row->cls != cls || !listed(row))
				continue;
			if (!any)
				fputs("| case | change | base | new | lost base -> new | why |\n"
				      "|---|---|---|---|---:|---|\n", f);
			any = 1;
			const struct pc_cmp_case *c = row->new ? row->new : row->base;
			char b[64], n[64], lb[32], ln[32];
			outcome_text(row->base, b, sizeof(b));
			outcome_text(row->new, n, sizeof(n));
			lost_text(row->base, lb, sizeof(lb));
			lost_text(row->new, ln, sizeof(ln));
			char *hidden = hidden_loss_text(row);
			const char *why = hidden ? hidden : row->known ? row->known->reason
					: row->cls == PC_CMP_CHECKED_AGAIN ? checked_again_text(row)
					: row->new && row->new->reason ? row->new->reason : "";
			char *id = pc_esc_md(c->id), *w = pc_esc_md(why), *setup = setup_text(row);
			free(hidden);
			fprintf(f, "| %s | **%s**%s | %s | %s | %s -> %s | %s%s%s |\n", id,
				pc_cmp_class_name(row->cls), row->setup_changed ? ", **setup changed**"
				: row->setup_unknown ? ", **setup unknown**" : "", b, n,
				lb, ln, w, setup && *w ? "; " : "", setup ? setup : "");
			free(id);
			free(w);
			free(setup);
		}
	}
	if (!any)
		fputs("No case changed its outcome.\n", f);
}

/* One line per slowdown: the medians, the phases that grew beyond the
 * threshold, and the write-side I/O ratios (JSON has every ratio). */
static void md_slowdowns(const struct pc_cmp_report *r, FILE *f)
{
	if (!r->slowdowns)
		return;
	fprintf(f, "\n### Slowdowns (median total time NEW/BASE above %.2f)\n\n"
		   "| case | base s | new s | NEW/BASE | phases above %.2f | wios, wbytes, flushes |\n"
		   "|---|---:|---:|---:|---|---|\n", r->o->threshold, r->o->threshold);
	for (size_t i = 0; i < r->nperf; i++) {
		const struct pc_cmp_perf *p = &r->perf[i];
		if (!p->slowdown)
			continue;
		char *key = pc_esc_md(p->key);
		fprintf(f, "| %s | %.2f | %.2f | %.2f |", key, p->base_total, p->new_total,
			p->time_ratio[PC_CMP_NPHASES - 1]);
		free(key);
		const char *sep = " ";
		for (size_t k = 0; k + 1 < PC_CMP_NPHASES; k++) {
			if (p->time_ratio[k] > r->o->threshold) {
				fprintf(f, "%s%s %.2f", sep, pc_res_phases[k], p->time_ratio[k]);
				sep = ", ";
			}
		}
		char a[32], b[32], c[32];
		ratio_text(p->io_ratio[0], a, sizeof(a));
		ratio_text(p->io_ratio[1], b, sizeof(b));
		ratio_text(p->io_ratio[4], c, sizeof(c));
		fprintf(f, " | %s, %s, %s |\n", a, b, c);
	}
}

int pc_cmp_kernel_differs(const struct pc_cmp_report *r)
{
	return strcmp(r->base.kernel, r->new.kernel) != 0;
}

int pc_cmp_base_after_new(const struct pc_cmp_report *r)
{
	if (!r->base.started || !r->new.started)
		return -1;
	return strcmp(r->base.started, r->new.started) > 0;
}

int pc_cmp_scenario_differs(const struct pc_cmp_report *r)
{
	return r->base.scenario && r->new.scenario && strcmp(r->base.scenario, r->new.scenario);
}

int pc_cmp_version_differs(const struct pc_cmp_report *r)
{
	const char *b = r->base.version, *n = r->new.version;
	if (!b && !n)
		return -1;
	return !b || !n || strcmp(b, n);
}

int pc_cmp_options_differ(const struct pc_cmp_report *r)
{
	if (!r->base.options || !r->new.options)
		return -1;
	return strcmp(r->base.options, r->new.options) != 0;
}

/* What the markdown says of the sides' options: different (a verdict may
 * have changed because of them), or not known; nothing when the same. */
static void md_options(const struct pc_cmp_report *r, FILE *f)
{
	int differ = pc_cmp_options_differ(r);
	if (differ == 0)
		return;
	if (differ < 0) {
		const char *which = !r->base.options && !r->new.options ? "Neither BASE nor NEW records"
				    : !r->base.options ? "BASE does not record" : "NEW does not record";
		fprintf(f, "**%s the run's options that change verdicts** (results of an older "
			   "powercut: --known files, --retries, --flaky-ok, --tool-timeout): whether a "
			   "verdict changed because of them is not known.\n\n", which);
		return;
	}
	char *bo = pc_esc_md(r->base.options_shown), *no = pc_esc_md(r->new.options_shown);
	fprintf(f, "**BASE and NEW ran with different options that change verdicts** (BASE: %s; "
		   "NEW: %s): a verdict may have changed because of them, not of the kernel or "
		   "the filesystem.\n\n", bo, no);
	free(bo);
	free(no);
}

/* The fields of side S (named WHICH) this powercut does not know: said,
 * as they were ignored. */
static void md_ignored(const struct pc_cmp_side *s, const char *which, FILE *f)
{
	char *names = pc_results_ignored_text(s->ignored, s->nignored, pc_esc_md);
	if (!names)
		return;
	fprintf(f, "**%s holds fields this powercut does not know** (a newer powercut's: %s), "
		   "ignored: results format %d says they change no verdict's meaning (a field that "
		   "does raises the format, and is refused).\n\n", which, names, PC_RESULTS_FORMAT);
	free(names);
}

/* NEW's cases that erred and do not record what kind of error (results of
 * an older powercut). */
static size_t kind_unrecorded(const struct pc_cmp_side *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].outcome == PC_OUT_ERROR && s->v[i].error_kind == PC_EK_UNKNOWN;
	return n;
}

static const char *plural(size_t n, const char *one, const char *more)
{
	return n == 1 ? one : more;
}

/* Above the table: NEW's cases that erred for the environment or were
 * interrupted (not checked: neither a regression nor a pass), and those
 * whose kind of error is not recorded (compared as before). */
static void md_error_kinds(const struct pc_cmp_report *r, FILE *f)
{
	size_t env = r->counts[PC_CMP_ENV_ERROR], intr = r->counts[PC_CMP_INTERRUPTED];
	size_t unrec = kind_unrecorded(&r->new);
	if (env)
		fprintf(f, "**%zu %s of NEW erred for the environment** (the host, not the filesystem: "
			   "its work folder's disk failed the device, a fuse server was killed, a tool "
			   "timed out or is missing, a kernel feature, no room; each row says which): "
			   "not checked, so neither a regression nor a pass: exit 3 when nothing else "
			   "is worse (run NEW again on a sound host).\n\n", env, plural(env, "case", "cases"));
	if (intr)
		fprintf(f, "**%zu %s of NEW %s interrupted** (its run was stopped by a signal): not "
			   "checked, coverage lost.\n\n", intr, plural(intr, "case", "cases"),
			plural(intr, "was", "were"));
	if (unrec)
		fprintf(f, "**%zu %s of NEW erred without recording what kind of error** (results of "
			   "an older powercut): whether the host or the case caused %s is not known; "
			   "compared by outcome, as a case error.\n\n", unrec,
			plural(unrec, "case", "cases"), plural(unrec, "it", "them"));
}

/* "- base: `PATH` (kernel `K`, N cases, started T)": when each side ran,
 * so a reader sees the order without opening the files. */
static void md_side_line(FILE *f, const char *label, const struct pc_cmp_side *s)
{
	char *p = pc_esc_md(s->path), *k = pc_esc_md(s->kernel);
	fprintf(f, "- %s: `%s` (kernel `%s`, %zu %s", label, p, k, s->n, plural(s->n, "case", "cases"));
	if (s->started) {
		char *t = pc_esc_md(s->started);
		fprintf(f, ", started %s", t);
		free(t);
	} else {
		fputs(", start not recorded", f);
	}
	fputs(")\n", f);
	free(p);
	free(k);
}

void pc_cmp_markdown(const struct pc_cmp_report *r, FILE *f)
{
	int rc = pc_cmp_exit(r);
	fprintf(f, "## powercut compare: %s\n\n",
		rc == PC_EXIT_ENV ? "**not checked: environment error in NEW**"
		: rc ? "**worse**" : "no regression");
	md_side_line(f, "base", &r->base);
	md_side_line(f, "new", &r->new);
	fputs("- ", f);
	for (int c = 0; c < PC_CMP_NCLASSES; c++)
		fprintf(f, "%s%zu %s", c ? ", " : "", r->counts[c], pc_cmp_class_name((enum pc_cmp_class)c));
	fprintf(f, ", %zu slowdown%s (time > %.2fx), %zu setup changed, %zu setup unknown\n\n",
		r->slowdowns, r->slowdowns == 1 ? "" : "s", r->o->threshold, r->setup_changed,
		r->setup_unknown);
	if (pc_cmp_same_run(r))
		fprintf(f, "**BASE and NEW are one run** (their results.json hold the same results, "
			   "sha256 %.12s: the same folder twice, or a copy): nothing was checked that "
			   "BASE had not%s.\n\n", r->new.content_sha256,
			r->o->allow_same_run ? " (--allow-same-run: accepted)"
					     : " (coverage lost; --allow-same-run accepts it)");
	if (pc_cmp_base_after_new(r) == 1) {
		char *bs = pc_esc_md(r->base.started), *ns = pc_esc_md(r->new.started);
		fprintf(f, "**BASE ran after NEW** (BASE started %s, NEW %s): are they given the "
			   "wrong way round (`compare BASE NEW`, the older first)?  A regression would "
			   "read as fixed.\n\n", bs, ns);
		free(bs);
		free(ns);
	}
	if (pc_cmp_kernel_differs(r)) {
		char *bk2 = pc_esc_md(r->base.kernel), *nk2 = pc_esc_md(r->new.kernel);
		fprintf(f, "**BASE and NEW ran different kernels** (`%s`, `%s`): a change may be the "
			   "kernel's (what a qualification compares; in a nightly, a runner whose kernel "
			   "was updated).\n\n", bk2, nk2);
		free(bk2);
		free(nk2);
	}
	if (pc_cmp_scenario_differs(r)) {
		char *bs = pc_esc_md(r->base.scenario), *ns = pc_esc_md(r->new.scenario);
		fprintf(f, "**BASE and NEW ran different scenario files** (`%s`, `%s`): cases are "
			   "matched by id only.\n\n", bs, ns);
		free(bs);
		free(ns);
	}
	if (pc_cmp_version_differs(r) < 0)
		fputs("**Neither BASE nor NEW records the powercut version that wrote it** (results "
		      "of an older powercut): whether one version wrote both is not known; a change "
		      "may be powercut's own.\n\n", f);
	if (pc_cmp_version_differs(r) > 0) {
		char *bv = pc_esc_md(r->base.version ? r->base.version : "older, not recorded");
		char *nv = pc_esc_md(r->new.version ? r->new.version : "older, not recorded");
		fprintf(f, "**BASE and NEW were written by different powercut versions** (%s, %s): "
			   "a change may be powercut's own.\n\n", bv, nv);
		free(bv);
		free(nv);
	}
	md_error_kinds(r, f);
	md_options(r, f);
	md_ignored(&r->base, "BASE", f);
	md_ignored(&r->new, "NEW", f);
	if (r->new.n == 0)
		fputs("**NEW has no case: nothing was checked.**\n\n", f);
	for (int side = 0; side < 2; side++) {
		const struct pc_cmp_side *s = side ? &r->new : &r->base;
		if (one_shard(s))
			fprintf(f, "**%s is shard %lld/%lld of its run, not the shards merged** (the "
				   "other shards' cases are not in it%s; scripts/merge-results.sh "
				   "merges them).\n\n", side ? "NEW" : "BASE", s->shard_k, s->shard_n,
				side ? ": not checked, coverage lost even with --allow-removed" : "");
	}
	if (r->new.n && unfinished(&r->new))
		fprintf(f, "**NEW has %zu of the %lld cases its run planned** (interrupted, or "
			   "merged without a shard: coverage lost).\n\n", r->new.n, r->new.planned);
	if (r->new.n && r->counts[PC_CMP_REMOVED] && !r->o->allow_removed)
		fprintf(f, "**%zu case%s of BASE did not run in NEW** (removed: coverage lost; "
			   "--allow-removed accepts it).\n\n", r->counts[PC_CMP_REMOVED],
			r->counts[PC_CMP_REMOVED] == 1 ? "" : "s");
	if (r->setup_changed && !r->o->allow_setup_change)
		fprintf(f, "**%zu case%s ran on another setup than in BASE** (not checked as BASE "
			   "checked %s: coverage lost; --allow-setup-change accepts it).\n\n",
			r->setup_changed, r->setup_changed == 1 ? "" : "s",
			r->setup_changed == 1 ? "it" : "them");
	if (r->setup_unknown && !r->o->allow_setup_change)
		fprintf(f, "**%zu case%s: one side does not record what %s ran on** (results of an "
			   "older powercut: what the case tested, tested_sha256, or a scenario key): "
			   "compare cannot tell whether %s checked what BASE checked (coverage lost; "
			   "--allow-setup-change accepts it).\n\n", r->setup_unknown,
			r->setup_unknown == 1 ? "" : "s", r->setup_unknown == 1 ? "it" : "they",
			r->setup_unknown == 1 ? "it" : "they");
	md_rows(r, f);
	md_mounted(r, f);
	md_slowdowns(r, f);
}

static json_t *ratios_json(const double *v, const char *const *names, size_t n)
{
	json_t *o = json_object();
	for (size_t k = 0; k < n; k++)
		json_object_set_new(o, names[k], v[k] < 0 ? json_null() : json_real(v[k]));
	return o;
}

static json_t *side_json(const struct pc_cmp_side *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "results", pc_esc_json(s->path));
	json_object_set_new(o, "kernel", pc_esc_json(s->kernel));
	json_object_set_new(o, "scenario", s->scenario ? pc_esc_json(s->scenario) : json_null());
	json_object_set_new(o, "powercut", s->version ? pc_esc_json(s->version) : json_null());
	json_object_set_new(o, "options",
			    s->options_shown ? pc_esc_json(s->options_shown) : json_null());
	json_object_set_new(o, "started", s->started ? json_string(s->started) : json_null());
	json_object_set_new(o, "finished", s->finished ? json_string(s->finished) : json_null());
	json_object_set_new(o, "cases", json_integer((json_int_t)s->n));
	json_object_set_new(o, "planned", s->planned >= 0 ? json_integer(s->planned) : json_null());
	json_object_set_new(o, "shard", s->shard_n ? json_pack("{sIsI}", "k", (json_int_t)s->shard_k,
							     "n", (json_int_t)s->shard_n)
						   : json_null());
	json_object_set_new(o, "content_sha256", json_string(s->content_sha256));
	json_t *ignored = json_array();
	for (size_t i = 0; i < s->nignored; i++)
		json_array_append_new(ignored, pc_esc_json(s->ignored[i]));
	json_object_set_new(o, "ignored_fields", ignored);
	return o;
}

static void case_side_json(json_t *o, const char *prefix, const struct pc_cmp_case *c)
{
	char key[64];
	snprintf(key, sizeof(key), "%s_outcome", prefix);
	json_object_set_new(o, key, c ? pc_esc_json(pc_outcome_name(c->outcome)) : json_null());
	snprintf(key, sizeof(key), "%s_lost", prefix);
	json_object_set_new(o, key, c && c->lost >= 0 ? json_integer(c->lost) : json_null());
	if (c && c->flaky_rate) {
		snprintf(key, sizeof(key), "%s_flaky_rate", prefix);
		json_object_set_new(o, key, pc_esc_json(c->flaky_rate));
	}
	if (c && c->reason && *c->reason) {
		snprintf(key, sizeof(key), "%s_reason", prefix);
		json_object_set_new(o, key, pc_esc_json(c->reason));
	}
	/* An error's kind and the exit status it maps to; null: not
	 * recorded (an older powercut's results). */
	if (c && c->outcome == PC_OUT_ERROR) {
		int known = c->error_kind != PC_EK_UNKNOWN;
		snprintf(key, sizeof(key), "%s_error_class", prefix);
		json_object_set_new(o, key, known ? json_string(pc_error_kind_name(c->error_kind))
						  : json_null());
		snprintf(key, sizeof(key), "%s_error_exit", prefix);
		json_object_set_new(o, key, known ? json_integer(c->error_exit) : json_null());
	}
}

json_t *pc_cmp_json(const struct pc_cmp_report *r)
{
	json_t *root = json_object();
	json_object_set_new(root, "base", side_json(&r->base));
	json_object_set_new(root, "new", side_json(&r->new));
	json_object_set_new(root, "time_threshold", json_real(r->o->threshold));
	json_t *sum = json_object();
	for (int c = 0; c < PC_CMP_NCLASSES; c++)
		json_object_set_new(sum, pc_cmp_class_name((enum pc_cmp_class)c),
				    json_integer((json_int_t)r->counts[c]));
	json_object_set_new(sum, "slowdown", json_integer((json_int_t)r->slowdowns));
	json_object_set_new(sum, "setup changed", json_integer((json_int_t)r->setup_changed));
	json_object_set_new(sum, "setup unknown", json_integer((json_int_t)r->setup_unknown));
	json_object_set_new(sum, "mounted changed", json_integer((json_int_t)r->mounted_changed));
	json_object_set_new(root, "summary", sum);
	json_t *cases = json_array();
	for (size_t i = 0; i < r->nrows; i++) {
		const struct pc_cmp_row *row = &r->rows[i];
		const struct pc_cmp_case *c = row->new ? row->new : row->base;
		json_t *o = json_object();
		json_object_set_new(o, "id", pc_esc_json(c->id));
		json_object_set_new(o, "change", pc_esc_json(pc_cmp_class_name(row->cls)));
		case_side_json(o, "base", row->base);
		case_side_json(o, "new", row->new);
		if (row->mounted_changed)
			json_object_set_new(o, "mounted", json_pack("[oo]", pc_esc_json(row->base->mounted),
								    pc_esc_json(row->new->mounted)));
		if (row->setup_changed) {
			json_t *changed = json_object();
			for (size_t k = 0; k < PC_RES_NSETUP; k++)
				if (row->setup_changed & (1u << k))
					json_object_set_new(changed, pc_res_setup[k],
							    json_pack("[oo]", pc_esc_json(row->base->setup[k]),
								      pc_esc_json(row->new->setup[k])));
			json_object_set_new(o, "setup_changed", changed);
		}
		if (row->setup_unknown) {
			char *why = setup_unknown_text(row);
			json_object_set_new(o, "setup_unknown", pc_esc_json(why));
			free(why);
		}
		char *hidden = hidden_loss_text(row);
		if (hidden)
			json_object_set_new(o, "hidden_loss", pc_esc_json(hidden));
		free(hidden);
		if (row->known) {
			json_object_set_new(o, "known_reason", pc_esc_json(row->known->reason));
			char *where = xasprintf("%s:%u", row->known->file, row->known->line);
			json_object_set_new(o, "known_where", pc_esc_json(where));
			free(where);
		}
		const struct pc_cmp_perf *p = perf_of(r, c);
		json_object_set_new(o, "slowdown", json_boolean(p && p->slowdown));
		json_array_append_new(cases, o);
	}
	json_object_set_new(root, "cases", cases);
	json_t *perf = json_array();
	for (size_t i = 0; i < r->nperf; i++) {
		const struct pc_cmp_perf *p = &r->perf[i];
		json_t *o = json_object();
		json_object_set_new(o, "key", pc_esc_json(p->key));
		json_object_set_new(o, "base_repeats", json_integer((json_int_t)p->nbase));
		json_object_set_new(o, "new_repeats", json_integer((json_int_t)p->nnew));
		/* -1: no repeat of that side counts (every one erred) */
		json_object_set_new(o, "base_total_s",
				    p->base_total < 0 ? json_null() : json_real(p->base_total));
		json_object_set_new(o, "new_total_s",
				    p->new_total < 0 ? json_null() : json_real(p->new_total));
		json_object_set_new(o, "time_ratio", ratios_json(p->time_ratio, pc_res_phases, PC_CMP_NPHASES));
		json_object_set_new(o, "io_ratio", ratios_json(p->io_ratio, pc_res_io, PC_CMP_NIO));
		json_object_set_new(o, "slowdown", json_boolean(p->slowdown));
		json_array_append_new(perf, o);
	}
	json_object_set_new(root, "perf", perf);
	json_object_set_new(root, "coverage_lost", json_boolean(pc_cmp_coverage_lost(r)));
	json_object_set_new(root, "same_run", json_boolean(pc_cmp_same_run(r)));
	json_object_set_new(root, "kernel_differs", json_boolean(pc_cmp_kernel_differs(r)));
	int after = pc_cmp_base_after_new(r);
	json_object_set_new(root, "base_after_new", after < 0 ? json_null() : json_boolean(after));
	json_object_set_new(root, "scenario_differs", json_boolean(pc_cmp_scenario_differs(r)));
	int vd = pc_cmp_version_differs(r);
	json_object_set_new(root, "version_differs", vd < 0 ? json_null() : json_boolean(vd));
	int differ = pc_cmp_options_differ(r);
	json_object_set_new(root, "options_differ", differ < 0 ? json_null() : json_boolean(differ));
	json_object_set_new(root, "exit", json_integer(pc_cmp_exit(r)));
	return root;
}
