/* promises.c - see promises.h. */
#include "check/promises.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_rec(const void *a, const void *b, void *log)
{
	const struct pc_synclog_rec *x = *(const struct pc_synclog_rec *const *)a;
	const struct pc_synclog_rec *y = *(const struct pc_synclog_rec *const *)b;
	return strcmp(pc_synclog_path(log, x), pc_synclog_path(log, y));
}

/* The sync of PATH that had returned, or NULL. */
static const struct pc_synclog_rec *synced(const struct pc_promise_set *ps, const char *path)
{
	size_t lo = 0, hi = ps->ndone;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, pc_synclog_path(ps->log, ps->done[mid]));
		if (c == 0)
			return ps->done[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* PATH's folder ("." for a top-level name; malloc'd: a path has no
 * length limit), or NULL for the root, which has none here. */
static char *parent_of(const char *path)
{
	if (!strcmp(path, "."))
		return NULL;
	const char *slash = strrchr(path, '/');
	return slash ? xasprintf("%.*s", (int)(slash - path), path) : xstrdup(".");
}

/* The folder's fsync that had returned, for an entry of PATH, or NULL. */
static const struct pc_synclog_rec *parent_synced(const struct pc_promise_set *ps,
						  const char *path)
{
	char *parent = parent_of(path);
	const struct pc_synclog_rec *r = parent ? synced(ps, parent) : NULL;
	free(parent);
	return r && r->kind == PC_SYNCLOG_DIR_FSYNC ? r : NULL;
}

size_t pc_promises_at(struct pc_manifest *m, const struct pc_synclog *log, uint64_t k,
		      struct pc_promise_set *out)
{
	memset(out, 0, sizeof(*out));
	out->log = log;
	out->image = m;
	out->subset = pc_manifest_new();
	size_t n;
	const struct pc_synclog_rec *v = pc_synclog_records(log, &n);
	out->done = xcalloc(n ? n : 1, sizeof(*out->done));
	/* Noted in the order of their counts: those by K are a prefix. */
	for (size_t i = 0; i < n && v[i].flush <= k; i++)
		out->done[out->ndone++] = &v[i];
	qsort_r(out->done, out->ndone, sizeof(*out->done), cmp_rec, (void *)log);
	/* A path noted twice (never, today): the later note stands; both
	 * sort together, and the search finds one of them. */
	size_t ne;
	struct pc_entry *const *e = pc_manifest_sorted(m, &ne);
	for (size_t i = 0; i < ne && out->ndone; i++) {
		if (!synced(out, e[i]->path) && !parent_synced(out, e[i]->path))
			continue;
		struct pc_entry *c = pc_manifest_put(out->subset, e[i]->path);
		pc_entry_copy_fields(c, e[i]);
		c->hardlink_group = 0; /* the other names are not promised */
	}
	return pc_manifest_count(out->subset);
}

/* Does finding F of entry E (PATH) break a promise?  MISSING: the paths
 * found missing so far (findings come in path order: a folder before
 * what is in it). */
static int breaks(const struct pc_promise_set *ps, const char *path, const struct pc_entry *e,
		  const struct pc_finding *f, const struct pc_manifest *missing)
{
	if (f->kind == PC_F_HARDLINK)
		return 0;
	if (f->kind == PC_F_EXTRA) /* an entry the image has is not promised yet */
		return !pc_manifest_get(ps->image, path) && parent_synced(ps, path);
	if (f->kind == PC_F_MISSING) {
		if (!parent_synced(ps, path))
			return 0;
		/* Its folder is gone too: its own name was not promised. */
		char *parent = parent_of(path);
		int gone = pc_manifest_get(missing, parent) != NULL;
		free(parent);
		return !gone;
	}
	const struct pc_synclog_rec *r = synced(ps, path);
	if (r && r->kind == PC_SYNCLOG_FILE_FDATASYNC)
		return f->kind == PC_F_SIZE || f->kind == PC_F_CONTENT || f->kind == PC_F_TYPE;
	if (!r && e && (e->type == PC_FT_REG || e->type == PC_FT_DIR))
		return 0; /* only its name is durable */
	return 1;
}

static void add(struct pc_verify_result *out, const struct pc_finding *f)
{
	out->findings = xrealloc(out->findings, (out->nfindings + 1) * sizeof(*out->findings));
	out->findings[out->nfindings++] = (struct pc_finding){
		.kind = f->kind, .path = xstrdup(f->path), .detail = xstrdup(f->detail),
	};
	out->counts[f->kind]++;
}

static const char *sync_name(const struct pc_synclog_rec *r)
{
	return r->kind == PC_SYNCLOG_FILE_FDATASYNC ? "fdatasync" : "fsync";
}

static void describe(const struct pc_promise_set *ps, const char *path,
		     const struct pc_finding *f, char *why, size_t len)
{
	const struct pc_synclog_rec *self = synced(ps, path);
	const struct pc_synclog_rec *dir = parent_synced(ps, path);
	if (f->kind == PC_F_MISSING || !self) {
		char *parent = parent_of(path);
		char *ep = pc_escape((const unsigned char *)(parent ? parent : "."),
				     strlen(parent ? parent : "."));
		snprintf(why, len, "%s %s (%s), though the fsync of its folder %s had returned "
			 "(by flush %llu)", pc_finding_name(f->kind), f->path, f->detail, ep,
			 dir ? (unsigned long long)dir->flush : 0ull);
		free(ep);
		free(parent);
	} else {
		snprintf(why, len, "%s %s (%s), though its %s had returned (by flush %llu)",
			 pc_finding_name(f->kind), f->path, f->detail, sync_name(self),
			 (unsigned long long)self->flush);
	}
}

void pc_promises_judge(const struct pc_promise_set *ps, const struct pc_verify_result *vr,
		       struct pc_verify_result *losses, char *why, size_t len)
{
	memset(losses, 0, sizeof(*losses));
	struct pc_manifest *missing = pc_manifest_new();
	why[0] = '\0';
	const char *last = NULL;
	for (size_t i = 0; i < vr->nfindings; i++) {
		const struct pc_finding *f = &vr->findings[i];
		size_t n;
		char *path = (char *)pc_unescape(f->path, &n);
		if (!path)
			continue; /* verify escapes every path it reports */
		const struct pc_entry *e = pc_manifest_get(ps->subset, path);
		if (f->kind == PC_F_MISSING)
			pc_manifest_put(missing, path);
		/* An extra is in no manifest: judged by its folder's sync. */
		if ((e || f->kind == PC_F_EXTRA) && breaks(ps, path, e, f, missing)) {
			if (!why[0])
				describe(ps, path, f, why, len);
			add(losses, f);
			if (!last || strcmp(last, f->path))
				losses->lost++;
			last = losses->findings[losses->nfindings - 1].path;
		}
		free(path);
	}
	losses->checked = vr->checked;
	pc_manifest_free(missing);
}

void pc_promises_free(struct pc_promise_set *ps)
{
	pc_manifest_free(ps->subset);
	free(ps->done);
	memset(ps, 0, sizeof(*ps));
}
