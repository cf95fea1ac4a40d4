/* manifest.c - see manifest.h.
 *
 * Entries live in a hand-rolled open-addressing hash table (linear probing,
 * FNV-1a): none of the libraries we use (libarchive, jansson, libcrypto, ...)
 * offers a general string-keyed hash table, and hsearch(3) cannot delete.
 * Lookups happen for every archive entry and every whiteout, so a sorted
 * array alone would make unpacking quadratic.  The sorted view is built on
 * demand and cached until the next insertion or removal.
 */
#include "image/manifest.h"
#include "util/digest.h"
#include "util/input.h"
#include "util/strbuf.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct pc_manifest {
	struct pc_entry **slots; /* NULL: empty */
	/* tags[i]: the upper half of slots[i]'s path hash, so that a probe
	 * compares strings (two cache misses: entry, path) only on a match */
	uint32_t *tags;
	size_t cap;              /* power of two */
	size_t count;
	struct pc_entry **sorted;
	int sorted_valid;
	uint64_t next_group;
};

#define MANIFEST_HEADER "#powercut-manifest 2"
#define MANIFEST_HEADER_V1 "#powercut-manifest 1"
#define MANIFEST_TRAILER "#end"

/* ---- hash table ---------------------------------------------------------- */

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct pc_manifest *pc_manifest_new(void)
{
	struct pc_manifest *m = xcalloc(1, sizeof(*m));
	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->tags = xcalloc(m->cap, sizeof(*m->tags));
	m->next_group = 1;
	return m;
}

/* Free what an entry owns besides its path. */
static void entry_clear(struct pc_entry *e)
{
	free(e->link);
	for (size_t i = 0; i < e->nxattrs; i++) {
		free(e->xattrs[i].name);
		free(e->xattrs[i].value);
	}
	free(e->xattrs);
	char *path = e->path;
	memset(e, 0, sizeof(*e));
	e->path = path;
}

static void entry_free(struct pc_entry *e)
{
	entry_clear(e);
	free(e->path);
	free(e);
}

void pc_manifest_free(struct pc_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i])
			entry_free(m->slots[i]);
	free(m->slots);
	free(m->tags);
	free(m->sorted);
	free(m);
}

static uint32_t tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* Slot holding PATH (hash H), or the empty slot where it would go. */
static size_t find_slot_h(const struct pc_manifest *m, const char *path, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;
	uint32_t t = tag_of(h);
	while (m->slots[i] && (m->tags[i] != t || strcmp(m->slots[i]->path, path) != 0))
		i = (i + 1) & mask;
	return i;
}

static size_t find_slot(const struct pc_manifest *m, const char *path)
{
	return find_slot_h(m, path, hash_path(path));
}

/* The table again at M->cap slots, from the entries of OLD (OLDCAP slots). */
static void rehash(struct pc_manifest *m, struct pc_entry **old, uint32_t *oldtags,
		   size_t oldcap)
{
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->tags = xcalloc(m->cap, sizeof(*m->tags));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i]) {
			uint64_t h = hash_path(old[i]->path);
			size_t j = find_slot_h(m, old[i]->path, h);
			m->slots[j] = old[i];
			m->tags[j] = tag_of(h);
		}
	free(old);
	free(oldtags);
}

static void grow(struct pc_manifest *m)
{
	size_t oldcap = m->cap;
	m->cap *= 2;
	rehash(m, m->slots, m->tags, oldcap);
}

struct pc_entry *pc_manifest_put(struct pc_manifest *m, const char *path)
{
	uint64_t h = hash_path(path);
	size_t i = find_slot_h(m, path, h);
	if (m->slots[i]) {
		entry_clear(m->slots[i]);
		return m->slots[i];
	}
	if ((m->count + 1) * 4 > m->cap * 3) { /* keep load below 3/4 */
		grow(m);
		i = find_slot_h(m, path, h);
	}
	struct pc_entry *e = xcalloc(1, sizeof(*e));
	e->path = xstrdup(path);
	m->slots[i] = e;
	m->tags[i] = tag_of(h);
	m->count++;
	m->sorted_valid = 0;
	return e;
}

struct pc_entry *pc_manifest_get(const struct pc_manifest *m, const char *path)
{
	return m->slots[find_slot(m, path)];
}

/* Delete slot I with backward-shift deletion (no tombstones). */
static void delete_slot(struct pc_manifest *m, size_t i)
{
	size_t mask = m->cap - 1;
	entry_free(m->slots[i]);
	m->slots[i] = NULL;
	m->count--;
	m->sorted_valid = 0;
	for (size_t j = (i + 1) & mask; m->slots[j]; j = (j + 1) & mask) {
		size_t home = (size_t)hash_path(m->slots[j]->path) & mask;
		/* Move j into the hole unless its home lies cyclically in (i, j]. */
		int stays = (i < j) ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		m->slots[i] = m->slots[j];
		m->tags[i] = m->tags[j];
		m->slots[j] = NULL;
		i = j;
	}
}

/* True if PATH is strictly below DIR ("." is the root). */
static int is_below(const char *path, const char *dir)
{
	if (strcmp(dir, ".") == 0)
		return strcmp(path, ".") != 0;
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
	return x < y ? -1 : x > y;
}

/* Drop every entry below DIR (and DIR itself if SELF) except those in KEEP
 * (sorted pointers), then rebuild the table: cheaper and simpler than
 * shifting after each of many deletions. */
static void remove_subtree(struct pc_manifest *m, const char *dir, int self,
			   struct pc_entry **keep, size_t nkeep)
{
	size_t removed = 0;
	for (size_t i = 0; i < m->cap; i++) {
		struct pc_entry *e = m->slots[i];
		if (!e)
			continue;
		if (!is_below(e->path, dir) && !(self && strcmp(e->path, dir) == 0))
			continue;
		if (nkeep && bsearch(&e, keep, nkeep, sizeof(*keep), cmp_ptr))
			continue;
		entry_free(e);
		m->slots[i] = NULL;
		removed++;
	}
	if (!removed)
		return;
	m->count -= removed;
	m->sorted_valid = 0;
	rehash(m, m->slots, m->tags, m->cap);
}

void pc_manifest_remove(struct pc_manifest *m, const char *path)
{
	size_t i = find_slot(m, path);
	struct pc_entry *e = m->slots[i];
	/* A non-directory has nothing below it: the common case stays O(1). */
	if (e && e->type != PC_FT_DIR) {
		delete_slot(m, i);
		return;
	}
	remove_subtree(m, path, 1, NULL, 0);
}

/* Entries of LAYER or above stay, and so do their ancestor directories (an
 * older directory that holds a newer entry cannot vanish from the tree). */
int pc_manifest_has_below_from_layer(const struct pc_manifest *m, const char *dir,
				     unsigned layer)
{
	for (size_t i = 0; i < m->cap; i++) {
		const struct pc_entry *e = m->slots[i];
		if (e && e->layer >= layer && is_below(e->path, dir))
			return 1;
	}
	return 0;
}

void pc_manifest_remove_children_below_layer(struct pc_manifest *m,
					     const char *dir, unsigned layer)
{
	struct pc_entry **keep = NULL;
	size_t nkeep = 0, cap = 0;
	for (size_t i = 0; i < m->cap; i++) {
		struct pc_entry *e = m->slots[i];
		if (!e || !is_below(e->path, dir) || e->layer < layer)
			continue;
		char *p = xstrdup(e->path);
		for (;;) {
			struct pc_entry *a = pc_manifest_get(m, p);
			if (a) {
				if (nkeep == cap) {
					cap = cap ? 2 * cap : 16;
					keep = xrealloc(keep, cap * sizeof(*keep));
				}
				keep[nkeep++] = a;
			}
			char *slash = strrchr(p, '/');
			if (!slash)
				break;
			*slash = '\0';
			if (!is_below(p, dir))
				break;
		}
		free(p);
	}
	if (nkeep)
		qsort(keep, nkeep, sizeof(*keep), cmp_ptr);
	remove_subtree(m, dir, 0, keep, nkeep);
	free(keep);
}

size_t pc_manifest_count(const struct pc_manifest *m)
{
	return m->count;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pc_entry *x = *(struct pc_entry *const *)a;
	const struct pc_entry *y = *(struct pc_entry *const *)b;
	return strcmp(x->path, y->path); /* compares as unsigned char */
}

struct pc_entry *const *pc_manifest_sorted(struct pc_manifest *m, size_t *n)
{
	if (!m->sorted_valid) {
		free(m->sorted);
		m->sorted = xcalloc(m->count, sizeof(*m->sorted));
		size_t k = 0;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i])
				m->sorted[k++] = m->slots[i];
		qsort(m->sorted, k, sizeof(*m->sorted), cmp_entry);
		m->sorted_valid = 1;
	}
	*n = m->count;
	return m->sorted;
}

void pc_entry_copy_fields(struct pc_entry *dst, const struct pc_entry *src)
{
	char *keep = dst->path;
	*dst = *src;
	dst->path = keep;
	dst->link = src->link ? xstrdup(src->link) : NULL;
	dst->xattrs = src->nxattrs ? xcalloc(src->nxattrs, sizeof(*dst->xattrs)) : NULL;
	for (size_t i = 0; i < src->nxattrs; i++) {
		dst->xattrs[i].name = xstrdup(src->xattrs[i].name);
		dst->xattrs[i].size = src->xattrs[i].size;
		dst->xattrs[i].value = xmalloc(src->xattrs[i].size ? src->xattrs[i].size : 1);
		if (src->xattrs[i].size)
			memcpy(dst->xattrs[i].value, src->xattrs[i].value, src->xattrs[i].size);
	}
}

static struct pc_entry *entry_copy(const struct pc_entry *e)
{
	struct pc_entry *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(e->path);
	pc_entry_copy_fields(c, e);
	return c;
}

struct pc_manifest *pc_manifest_copy(const struct pc_manifest *m)
{
	struct pc_manifest *c = xcalloc(1, sizeof(*c));
	c->cap = m->cap;
	c->count = m->count;
	c->next_group = m->next_group;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	c->tags = xcalloc(c->cap, sizeof(*c->tags));
	memcpy(c->tags, m->tags, c->cap * sizeof(*c->tags));
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i])
			c->slots[i] = entry_copy(m->slots[i]);
	return c;
}

uint64_t pc_manifest_new_group(struct pc_manifest *m)
{
	return m->next_group++;
}

/* ---- names, escaping, paths ---------------------------------------------- */

static const char *const ftype_names[] = {
	[PC_FT_REG] = "reg",     [PC_FT_DIR] = "dir",   [PC_FT_SYMLINK] = "symlink",
	[PC_FT_CHR] = "char",    [PC_FT_BLK] = "block", [PC_FT_FIFO] = "fifo",
	[PC_FT_SOCK] = "socket",
};

const char *pc_ftype_name(enum pc_ftype t)
{
	if ((unsigned)t < sizeof(ftype_names) / sizeof(ftype_names[0]))
		return ftype_names[t];
	return "unknown";
}

int pc_ftype_parse(const char *s, enum pc_ftype *t)
{
	for (size_t i = 0; i < sizeof(ftype_names) / sizeof(ftype_names[0]); i++) {
		if (strcmp(s, ftype_names[i]) == 0) {
			*t = (enum pc_ftype)i;
			return 0;
		}
	}
	return -1;
}

static int must_escape(unsigned char c)
{
	return c < 0x21 || c > 0x7e || c == '%' || c == '=' || c == '\\';
}

char *pc_escape(const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * n + 1), *p = out;
	for (size_t i = 0; i < n; i++) {
		if (must_escape(s[i])) {
			*p++ = '%';
			*p++ = hex[s[i] >> 4];
			*p++ = hex[s[i] & 15];
		} else {
			*p++ = (char)s[i];
		}
	}
	*p = '\0';
	return out;
}

unsigned char *pc_unescape(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	unsigned char *out = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			/* pc_hex_value('\0') < 0 stops at the end of the string */
			int hi = pc_hex_value(s[i + 1]);
			int lo = hi >= 0 ? pc_hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				goto bad;
			out[k++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (must_escape(c)) {
			goto bad; /* a byte that should have been escaped */
		} else {
			out[k++] = c;
		}
	}
	out[k] = '\0';
	if (n)
		*n = k;
	return out;
bad:
	free(out);
	return NULL;
}

char *pc_path_normalize(const char *raw)
{
	if (raw[0] == '/')
		return NULL;
	size_t len = strlen(raw);
	char *out = xmalloc(len + 2);
	size_t k = 0;
	const char *p = raw;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			return NULL;
		}
		if (clen > 0 && !(clen == 1 && p[0] == '.')) {
			if (k)
				out[k++] = '/';
			memcpy(out + k, p, clen);
			k += clen;
		}
		p += clen;
		if (*p == '/')
			p++;
	}
	if (k == 0)
		out[k++] = '.';
	out[k] = '\0';
	return out;
}

/* ---- writing -------------------------------------------------------------- */

/* Hardlink groups are renumbered 1, 2, ... in path order and groups left with
 * a single member are dropped, so the text (and its digest) depends only on
 * the tree, not on the order ids were handed out. */
struct group_map {
	uint64_t *from, *to;
	size_t *members;
	size_t n;
};

static size_t group_index(struct group_map *g, uint64_t id)
{
	for (size_t i = 0; i < g->n; i++) /* groups are few */
		if (g->from[i] == id)
			return i;
	return SIZE_MAX;
}

static void group_map_build(struct group_map *g, struct pc_entry *const *v, size_t n)
{
	memset(g, 0, sizeof(*g));
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = v[i]->hardlink_group;
		if (!id)
			continue;
		size_t k = group_index(g, id);
		if (k == SIZE_MAX) {
			if (g->n == cap) {
				cap = cap ? 2 * cap : 16;
				g->from = xrealloc(g->from, cap * sizeof(*g->from));
				g->to = xrealloc(g->to, cap * sizeof(*g->to));
				g->members = xrealloc(g->members, cap * sizeof(*g->members));
			}
			k = g->n++;
			g->from[k] = id;
			g->members[k] = 0;
		}
		g->members[k]++;
	}
	uint64_t next = 1;
	for (size_t k = 0; k < g->n; k++)
		g->to[k] = g->members[k] > 1 ? next++ : 0;
}

static void group_map_free(struct group_map *g)
{
	free(g->from);
	free(g->to);
	free(g->members);
}

/* One line of text being built (a pc_strbuf): entries are formatted here,
 * measured against the line limit, hashed, then written. */
static void line_escaped(struct pc_strbuf *l, const char *s, size_t n)
{
	char *e = pc_escape((const unsigned char *)s, n);
	pc_strbuf_add(l, e, strlen(e));
	free(e);
}

static void format_entry(struct pc_strbuf *l, const struct pc_entry *e, uint64_t group)
{
	static const char hexdig[] = "0123456789abcdef";
	char hex[65];
	line_escaped(l, e->path, strlen(e->path));
	pc_strbuf_printf(l, " type=%s mode=%04o uid=%" PRIu32 " gid=%" PRIu32,
		    pc_ftype_name(e->type), (unsigned)(e->mode & 07777), e->uid, e->gid);
	switch (e->type) {
	case PC_FT_REG:
		pc_hex(e->sha256, 32, hex);
		pc_strbuf_printf(l, " size=%" PRIu64 " sha256=%s", e->size, hex);
		break;
	case PC_FT_SYMLINK:
		pc_strbuf_printf(l, " size=%" PRIu64 " link=", e->size);
		line_escaped(l, e->link ? e->link : "", e->link ? strlen(e->link) : 0);
		break;
	case PC_FT_CHR:
	case PC_FT_BLK:
		pc_strbuf_printf(l, " rdev=%" PRIu32 ",%" PRIu32, e->rdev_major, e->rdev_minor);
		break;
	default:
		break;
	}
	if (group)
		pc_strbuf_printf(l, " nlink-group=%" PRIu64, group);
	for (size_t i = 0; i < e->nxattrs; i++) {
		pc_strbuf_add(l, " xattr.", 7);
		line_escaped(l, e->xattrs[i].name, strlen(e->xattrs[i].name));
		pc_strbuf_add(l, "=", 1);
		for (size_t b = 0; b < e->xattrs[i].size; b++) {
			char two[2] = { hexdig[e->xattrs[i].value[b] >> 4],
					hexdig[e->xattrs[i].value[b] & 15] };
			pc_strbuf_add(l, two, 2);
		}
	}
}

/* The text: header, entries, then the trailer with the entry count and the
 * sha256 of everything before it.  CHECK_LIMIT: refuse (class INPUT) an
 * entry whose line would be longer than a reader accepts, so that powercut
 * never writes a manifest it cannot read back. */
/* NAME: what F writes to, for the message of a failed write. */
static int write_text(struct pc_manifest *m, FILE *f, int check_limit, const char *name)
{
	size_t n;
	struct pc_entry *const *v = pc_manifest_sorted(m, &n);
	struct group_map g;
	group_map_build(&g, v, n);
	struct pc_digest ctx;
	if (pc_digest_init(&ctx, PC_SHA256) < 0)
		abort(); /* a manifest without its trailer's digest is no manifest */
	struct pc_strbuf l = PC_STRBUF_INIT;
	int rc = 0;
	pc_strbuf_add(&l, MANIFEST_HEADER "\n", strlen(MANIFEST_HEADER) + 1);
	for (size_t i = 0; rc == 0 && i <= n; i++) {
		pc_digest_update(&ctx, l.s, l.len);
		fwrite(l.s, 1, l.len, f);
		if (i == n)
			break;
		pc_strbuf_reset(&l);
		uint64_t group = 0;
		if (v[i]->hardlink_group)
			group = g.to[group_index(&g, v[i]->hardlink_group)];
		format_entry(&l, v[i], group);
		if (check_limit && l.len > PC_MAX_MANIFEST_LINE) {
			char *shown = pc_escape((const unsigned char *)v[i]->path,
						strlen(v[i]->path));
			rc = pc_fail(PC_ERR_INPUT, "entry %s: its manifest line would be %zu bytes, "
				     "over powercut's limit of %u", shown, l.len,
				     PC_MAX_MANIFEST_LINE);
			free(shown);
		}
		pc_strbuf_add(&l, "\n", 1);
	}
	char hex[2 * PC_SHA256_LEN + 1];
	pc_digest_final_hex(&ctx, hex);
	pc_digest_free(&ctx);
	pc_strbuf_free(&l);
	group_map_free(&g);
	if (rc < 0)
		return -1;
	fprintf(f, MANIFEST_TRAILER " entries=%zu sha256=%s\n", n, hex);
	if (fflush(f) != 0 || ferror(f))
		return pc_fail_errno(PC_ERR_ENV, errno, "writing manifest%s%s", *name ? " " : "",
				     name);
	return 0;
}

/* Would X (hardlink group GX as written) and Y (GY) write the same line
 * (format_entry), their paths and sha256 aside?  Field by field, without
 * formatting either: every field the line holds, and only those. */
static int same_line(const struct pc_entry *x, uint64_t gx, const struct pc_entry *y,
		     uint64_t gy)
{
	if (x->type != y->type || (x->mode & 07777) != (y->mode & 07777) || x->uid != y->uid ||
	    x->gid != y->gid || gx != gy || x->nxattrs != y->nxattrs)
		return 0;
	switch (x->type) {
	case PC_FT_REG:
		if (x->size != y->size)
			return 0;
		break;
	case PC_FT_SYMLINK:
		if (x->size != y->size || strcmp(x->link ? x->link : "", y->link ? y->link : ""))
			return 0;
		break;
	case PC_FT_CHR:
	case PC_FT_BLK:
		if (x->rdev_major != y->rdev_major || x->rdev_minor != y->rdev_minor)
			return 0;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < x->nxattrs; i++) {
		const struct pc_xattr *a = &x->xattrs[i], *b = &y->xattrs[i];
		if (strcmp(a->name, b->name) || a->size != b->size ||
		    (a->size && memcmp(a->value, b->value, a->size)))
			return 0;
	}
	return 1;
}

static uint64_t group_of(struct group_map *g, const struct pc_entry *e)
{
	return e->hardlink_group ? g->to[group_index(g, e->hardlink_group)] : 0;
}

static const char *first_path(struct pc_entry *const *v, size_t n, size_t i,
			      struct pc_entry *const *u, size_t k)
{
	if (i >= n)
		return u[i]->path;
	if (i >= k)
		return v[i]->path;
	return strcmp(v[i]->path, u[i]->path) < 0 ? v[i]->path : u[i]->path;
}

int pc_manifest_take_digests(struct pc_manifest *m, struct pc_manifest *known, char **where)
{
	*where = NULL;
	size_t n, k;
	struct pc_entry *const *v = pc_manifest_sorted(m, &n);
	struct pc_entry *const *u = pc_manifest_sorted(known, &k);
	struct group_map gv, gu;
	group_map_build(&gv, v, n);
	group_map_build(&gu, u, k);
	const char *differs = NULL;
	for (size_t i = 0; !differs && (i < n || i < k); i++) {
		if (i >= n || i >= k || strcmp(v[i]->path, u[i]->path)) {
			differs = first_path(v, n, i, u, k);
			break;
		}
		if (v[i]->type == PC_FT_REG && u[i]->type == PC_FT_REG) {
			memcpy(v[i]->sha256, u[i]->sha256, sizeof(v[i]->sha256));
			v[i]->has_digest = u[i]->has_digest;
			memcpy(v[i]->xxh3, u[i]->xxh3, sizeof(v[i]->xxh3));
			v[i]->has_xxh3 = u[i]->has_xxh3;
		}
		if (!same_line(v[i], group_of(&gv, v[i]), u[i], group_of(&gu, u[i])))
			differs = v[i]->path;
	}
	if (differs)
		*where = pc_escape((const unsigned char *)differs, strlen(differs));
	group_map_free(&gv);
	group_map_free(&gu);
	return differs ? -1 : 0;
}

int pc_manifest_write(struct pc_manifest *m, FILE *f)
{
	return write_text(m, f, 1, f == stdout ? "(standard output)" : "");
}

/* As pc_manifest_write, the message naming PATH. */
static int write_named(struct pc_manifest *m, FILE *f, const char *path)
{
	return write_text(m, f, 1, path);
}

int pc_manifest_save(struct pc_manifest *m, const char *path)
{
	FILE *f = pc_open_output(path);
	if (!f)
		return -1;
	int rc = write_named(m, f, path);
	if (fclose(f) != 0 && rc == 0)
		rc = pc_fail_errno(PC_ERR_ENV, errno, "writing manifest %s", path);
	if (rc < 0)
		pc_fail(PC_ERR_ENV, "manifest %s not saved", path);
	return rc;
}

void pc_manifest_digest(struct pc_manifest *m, unsigned char out[32])
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || write_text(m, f, 0, "") < 0 || fclose(f) != 0) {
		/* Only memory exhaustion gets here; a wrong digest would be a
		 * silent lie, so stop. */
		fprintf(stderr, "powercut: cannot compute the manifest digest\n");
		abort();
	}
	pc_sha256(buf, len, out);
	free(buf);
}

/* ---- passing between processes ------------------------------------------ */

/* The unpacking child hands its manifest to the parent in this form: the
 * fields the text holds, fixed-size, then the strings, in path order.  No
 * formatting, escaping, digest of the text, parsing or sorting on either
 * side (the text form cost the child a tenth of its instructions and the
 * parent all of its own).  Both ends are the same binary, so the layout is
 * native; the reader still checks what the text loader checks, the child
 * having read untrusted archives. */
#define PASS_MAGIC "pcpass1\n"
#define PASS_END "pcpass.\n"
#define PASS_NOLINK UINT32_MAX

struct pass_rec {
	uint64_t size, group;
	uint32_t type, mode, uid, gid, rdev_major, rdev_minor;
	uint32_t path_len, link_len, nxattrs, has_xxh3;
	unsigned char sha256[32], xxh3[16];
};

/* At least the length of E's text line (pc_escape at most triples a byte). */
static size_t line_bound(const struct pc_entry *e)
{
	size_t b = 256 + 3 * strlen(e->path) + (e->link ? 3 * strlen(e->link) : 0);
	for (size_t i = 0; i < e->nxattrs; i++)
		b += 8 + 3 * strlen(e->xattrs[i].name) + 2 * e->xattrs[i].size;
	return b;
}

int pc_manifest_pass(struct pc_manifest *m, FILE *f)
{
	size_t n;
	struct pc_entry *const *v = pc_manifest_sorted(m, &n);
	struct group_map g;
	group_map_build(&g, v, n);
	struct pc_strbuf l = PC_STRBUF_INIT;
	uint64_t count = n;
	int rc = 0;
	fwrite(PASS_MAGIC, 1, 8, f);
	fwrite(&count, sizeof(count), 1, f);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct pc_entry *e = v[i];
		uint64_t group = e->hardlink_group ? g.to[group_index(&g, e->hardlink_group)] : 0;
		/* The same refusal as the text's (write_text): never hand on a
		 * manifest that could not be saved and read back. */
		if (line_bound(e) > PC_MAX_MANIFEST_LINE) {
			pc_strbuf_reset(&l);
			format_entry(&l, e, group);
			if (l.len > PC_MAX_MANIFEST_LINE) {
				char *shown = pc_escape((const unsigned char *)e->path,
							strlen(e->path));
				rc = pc_fail(PC_ERR_INPUT, "entry %s: its manifest line would be %zu "
					     "bytes, over powercut's limit of %u", shown, l.len,
					     PC_MAX_MANIFEST_LINE);
				free(shown);
				break;
			}
		}
		struct pass_rec r;
		memset(&r, 0, sizeof(r));
		r.type = e->type;
		r.mode = e->mode & 07777;
		r.uid = e->uid;
		r.gid = e->gid;
		r.group = group;
		r.path_len = (uint32_t)strlen(e->path);
		r.link_len = PASS_NOLINK;
		r.nxattrs = (uint32_t)e->nxattrs;
		switch (e->type) {
		case PC_FT_REG:
			r.size = e->size;
			memcpy(r.sha256, e->sha256, 32);
			r.has_xxh3 = e->has_xxh3 != 0;
			if (e->has_xxh3)
				memcpy(r.xxh3, e->xxh3, sizeof(r.xxh3));
			break;
		case PC_FT_SYMLINK:
			r.size = e->size;
			r.link_len = e->link ? (uint32_t)strlen(e->link) : 0;
			break;
		case PC_FT_CHR:
		case PC_FT_BLK:
			r.rdev_major = e->rdev_major;
			r.rdev_minor = e->rdev_minor;
			break;
		default:
			break;
		}
		fwrite(&r, sizeof(r), 1, f);
		fwrite(e->path, 1, r.path_len, f);
		if (r.link_len != PASS_NOLINK && r.link_len)
			fwrite(e->link, 1, r.link_len, f);
		for (size_t x = 0; x < e->nxattrs; x++) {
			uint32_t sz[2] = { (uint32_t)strlen(e->xattrs[x].name),
					   (uint32_t)e->xattrs[x].size };
			fwrite(sz, sizeof(sz), 1, f);
			fwrite(e->xattrs[x].name, 1, sz[0], f);
			if (sz[1]) /* an empty value may be NULL */
				fwrite(e->xattrs[x].value, 1, sz[1], f);
		}
	}
	pc_strbuf_free(&l);
	group_map_free(&g);
	if (rc < 0)
		return -1;
	fwrite(PASS_END, 1, 8, f);
	/* errno says why; the caller names the file */
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

static int cmp_xattr(const void *a, const void *b);

/* LEN bytes of F as a NUL-free C string, or NULL. */
static char *pass_string(FILE *f, uint32_t len)
{
	if (len > PC_MAX_MANIFEST_LINE)
		return NULL;
	char *s = xmalloc((size_t)len + 1);
	if (fread(s, 1, len, f) != len || memchr(s, '\0', len)) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

/* Room for N entries without growing. */
static void reserve(struct pc_manifest *m, size_t n)
{
	size_t cap = m->cap;
	while ((n + 1) * 4 > cap * 3)
		cap *= 2;
	if (cap == m->cap)
		return;
	size_t oldcap = m->cap;
	m->cap = cap;
	rehash(m, m->slots, m->tags, oldcap);
}

static int pass_err(const char *what, const char *path)
{
	char *shown = path ? pc_escape((const unsigned char *)path, strlen(path)) : NULL;
	pc_fail(PC_ERR_RUN, "the manifest from the unpack process is unreadable: %s%s%s", what,
		shown ? " at " : "", shown ? shown : "");
	free(shown);
	return -1;
}

/* One entry of F after PREV (NULL: the first) into M. */
static int pass_entry(FILE *f, struct pc_manifest *m, const char *prev, struct pc_entry **out)
{
	struct pass_rec r;
	if (fread(&r, sizeof(r), 1, f) != 1)
		return pass_err("truncated", prev);
	char *path = r.path_len ? pass_string(f, r.path_len) : NULL;
	if (!path)
		return pass_err("a bad path after", prev);
	char *norm = pc_path_normalize(path);
	int ok = norm && strcmp(norm, path) == 0;
	free(norm);
	/* Strictly increasing: no path twice, and the order is the sorted view. */
	if (!ok || (prev && strcmp(prev, path) >= 0) || r.type >= sizeof(ftype_names) / sizeof(ftype_names[0]) ||
	    r.mode > 07777 || (r.link_len != PASS_NOLINK) != (r.type == PC_FT_SYMLINK) ||
	    r.nxattrs > PC_MAX_MANIFEST_LINE / 8) {
		int rc = pass_err(ok ? "an entry out of order or with bad fields"
				     : "a path not normalised", path);
		free(path);
		return rc;
	}
	struct pc_entry *e = pc_manifest_put(m, path);
	free(path);
	e->type = (enum pc_ftype)r.type;
	e->mode = (mode_t)r.mode;
	e->uid = r.uid;
	e->gid = r.gid;
	e->hardlink_group = r.group;
	if (r.group >= m->next_group)
		m->next_group = r.group + 1;
	switch (e->type) {
	case PC_FT_REG: /* the text always holds a file's sha256 */
		e->size = r.size;
		e->has_digest = 1;
		memcpy(e->sha256, r.sha256, 32);
		e->has_xxh3 = r.has_xxh3 != 0;
		if (e->has_xxh3)
			memcpy(e->xxh3, r.xxh3, sizeof(e->xxh3));
		break;
	case PC_FT_SYMLINK:
		e->size = r.size;
		if (!(e->link = r.link_len ? pass_string(f, r.link_len) : xstrdup("")))
			return pass_err("a bad symlink target", e->path);
		break;
	case PC_FT_CHR:
	case PC_FT_BLK:
		e->rdev_major = r.rdev_major;
		e->rdev_minor = r.rdev_minor;
		break;
	default:
		break;
	}
	if (r.nxattrs)
		e->xattrs = xcalloc(r.nxattrs, sizeof(*e->xattrs));
	for (uint32_t x = 0; x < r.nxattrs; x++) {
		uint32_t sz[2];
		if (fread(sz, sizeof(sz), 1, f) != 1 || !sz[0] || sz[1] > PC_MAX_MANIFEST_LINE)
			return pass_err("a bad xattr", e->path);
		char *name = pass_string(f, sz[0]);
		unsigned char *value = xmalloc(sz[1] ? sz[1] : 1);
		if (!name || fread(value, 1, sz[1], f) != sz[1]) {
			free(name);
			free(value);
			return pass_err("a bad xattr", e->path);
		}
		e->xattrs[e->nxattrs++] = (struct pc_xattr){ name, value, sz[1] };
	}
	if (e->nxattrs > 1)
		qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), cmp_xattr);
	for (size_t i = 1; i < e->nxattrs; i++)
		if (strcmp(e->xattrs[i - 1].name, e->xattrs[i].name) == 0)
			return pass_err("an xattr twice", e->path);
	*out = e;
	return 0;
}

struct pc_manifest *pc_manifest_take_passed(FILE *f)
{
	char magic[8];
	uint64_t count;
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, PASS_MAGIC, 8) ||
	    fread(&count, sizeof(count), 1, f) != 1) {
		pass_err("no header", NULL);
		return NULL;
	}
	/* COUNT is the writer's word: memory grows with the entries read,
	 * not with what it claims. */
	size_t ahead = count < (1u << 20) ? (size_t)count : (1u << 20), cap = ahead ? ahead : 1;
	struct pc_manifest *m = pc_manifest_new();
	reserve(m, ahead);
	struct pc_entry **sorted = xcalloc(cap, sizeof(*sorted));
	const char *prev = NULL;
	int rc = 0;
	for (uint64_t i = 0; rc == 0 && i < count; i++) {
		if (i == cap) {
			cap *= 2;
			sorted = xrealloc(sorted, cap * sizeof(*sorted));
		}
		rc = pass_entry(f, m, prev, &sorted[i]);
		if (rc == 0)
			prev = sorted[i]->path;
	}
	if (rc == 0 && (fread(magic, 1, 8, f) != 8 || memcmp(magic, PASS_END, 8) ||
			fgetc(f) != EOF))
		rc = pass_err("no end, or more after it", NULL);
	if (rc < 0) {
		free(sorted);
		pc_manifest_free(m);
		return NULL;
	}
	free(m->sorted);
	m->sorted = sorted;
	m->sorted_valid = 1;
	return m;
}

/* ---- loading -------------------------------------------------------------- */

struct loader {
	const char *file;
	unsigned long line;
};

static int load_err(const struct loader *L, const char *what, const char *arg)
{
	return pc_fail(PC_ERR_INPUT, "%s:%lu: %s%s%s", L->file, L->line, what,
		       arg ? ": " : "", arg ? arg : "");
}

static int parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	if (parse_u64(s, 10, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_hex(const char *s, unsigned char **out, size_t *n)
{
	size_t len = strlen(s);
	if (len % 2)
		return -1;
	unsigned char *v = xmalloc(len / 2 + 1);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = pc_hex_value(s[2 * i]), lo = pc_hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(v);
			return -1;
		}
		v[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = v;
	*n = len / 2;
	return 0;
}

/* An escaped string that must decode to a NUL-free C string. */
static char *unescape_str(const char *s)
{
	size_t n;
	unsigned char *u = pc_unescape(s, &n);
	if (u && memchr(u, '\0', n)) {
		free(u);
		return NULL;
	}
	return (char *)u;
}

static int cmp_xattr(const void *a, const void *b)
{
	return strcmp(((const struct pc_xattr *)a)->name, ((const struct pc_xattr *)b)->name);
}

enum { SEEN_TYPE = 1, SEEN_MODE = 2, SEEN_UID = 4, SEEN_GID = 8, SEEN_SIZE = 16,
       SEEN_SHA = 32, SEEN_LINK = 64, SEEN_RDEV = 128, SEEN_GROUP = 256 };

/* The SEEN_ bit of a field that may appear once; 0 for the others. */
static unsigned field_bit(const char *key)
{
	static const struct { const char *key; unsigned bit; } once[] = {
		{ "type", SEEN_TYPE }, { "mode", SEEN_MODE }, { "uid", SEEN_UID },
		{ "gid", SEEN_GID }, { "size", SEEN_SIZE }, { "sha256", SEEN_SHA },
		{ "link", SEEN_LINK }, { "rdev", SEEN_RDEV }, { "nlink-group", SEEN_GROUP },
	};
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (strcmp(key, once[i].key) == 0)
			return once[i].bit;
	return 0;
}

static int parse_field(const struct loader *L, struct pc_entry *e, char *tok, unsigned *seen)
{
	char *eq = strchr(tok, '=');
	if (!eq)
		return load_err(L, "field without '='", tok);
	*eq = '\0';
	const char *key = tok, *val = eq + 1;
	/* A repeated field is refused before its value is parsed: parsing it
	 * would overwrite (and leak) what the first one set. */
	if (*seen & field_bit(key)) {
		*eq = '=';
		return load_err(L, "duplicate field", tok);
	}
	unsigned bit = 0;
	uint64_t v;
	int bad = 0;
	if (strcmp(key, "type") == 0) {
		bit = SEEN_TYPE;
		bad = pc_ftype_parse(val, &e->type) < 0;
	} else if (strcmp(key, "mode") == 0) {
		bit = SEEN_MODE;
		bad = parse_u64(val, 8, 07777, &v) < 0;
		e->mode = (mode_t)v;
	} else if (strcmp(key, "uid") == 0) {
		bit = SEEN_UID;
		bad = parse_u32(val, &e->uid) < 0;
	} else if (strcmp(key, "gid") == 0) {
		bit = SEEN_GID;
		bad = parse_u32(val, &e->gid) < 0;
	} else if (strcmp(key, "size") == 0) {
		bit = SEEN_SIZE;
		bad = parse_u64(val, 10, UINT64_MAX, &e->size) < 0;
	} else if (strcmp(key, "sha256") == 0) {
		unsigned char *d;
		size_t n;
		bit = SEEN_SHA;
		bad = parse_hex(val, &d, &n) < 0;
		if (!bad) {
			bad = n != 32;
			if (!bad)
				memcpy(e->sha256, d, 32);
			free(d);
		}
		e->has_digest = !bad;
	} else if (strcmp(key, "link") == 0) {
		bit = SEEN_LINK;
		e->link = unescape_str(val);
		bad = e->link == NULL;
	} else if (strcmp(key, "rdev") == 0) {
		char *comma = strchr(val, ',');
		bit = SEEN_RDEV;
		bad = !comma;
		if (!bad) {
			*comma = '\0';
			bad = parse_u32(val, &e->rdev_major) < 0 ||
			      parse_u32(comma + 1, &e->rdev_minor) < 0;
			*comma = ',';
		}
	} else if (strcmp(key, "nlink-group") == 0) {
		bit = SEEN_GROUP;
		bad = parse_u64(val, 10, UINT64_MAX, &e->hardlink_group) < 0 ||
		      e->hardlink_group == 0;
	} else if (strncmp(key, "xattr.", 6) == 0) {
		char *name = unescape_str(key + 6);
		unsigned char *value = NULL;
		size_t n = 0;
		if (!name || !name[0] || parse_hex(val, &value, &n) < 0) {
			free(name);
			*eq = '=';
			return load_err(L, "bad xattr", tok);
		}
		e->xattrs = xrealloc(e->xattrs, (e->nxattrs + 1) * sizeof(*e->xattrs));
		e->xattrs[e->nxattrs++] = (struct pc_xattr){ name, value, n };
		return 0;
	} else {
		return load_err(L, "unknown field", key);
	}
	*eq = '=';
	if (bad)
		return load_err(L, "bad value", tok);
	*seen |= bit;
	return 0;
}

/* Fields each type requires, and those it must not have. */
static int check_fields(const struct loader *L, const struct pc_entry *e, unsigned seen)
{
	unsigned need = SEEN_TYPE | SEEN_MODE | SEEN_UID | SEEN_GID, allow = need | SEEN_GROUP;
	switch (e->type) {
	case PC_FT_REG:
		need |= SEEN_SIZE | SEEN_SHA;
		break;
	case PC_FT_SYMLINK:
		need |= SEEN_SIZE | SEEN_LINK;
		break;
	case PC_FT_CHR:
	case PC_FT_BLK:
		need |= SEEN_RDEV;
		break;
	default:
		break;
	}
	allow |= need;
	static const char *const field_names[] = { "type", "mode", "uid", "gid", "size",
						   "sha256", "link", "rdev" };
	for (unsigned b = 0; b < sizeof(field_names) / sizeof(field_names[0]); b++)
		if ((need & (1u << b)) && !(seen & (1u << b)))
			return load_err(L, "missing field", field_names[b]);
	if (seen & ~allow)
		return load_err(L, "field not valid for this type", pc_ftype_name(e->type));
	for (size_t i = 1; i < e->nxattrs; i++)
		if (strcmp(e->xattrs[i - 1].name, e->xattrs[i].name) == 0)
			return load_err(L, "duplicate xattr", e->xattrs[i].name);
	return 0;
}

static int parse_line(const struct loader *L, struct pc_manifest *m, char *line)
{
	char *save = NULL;
	char *tok = strtok_r(line, " ", &save);
	if (!tok)
		return load_err(L, "empty line", NULL);
	char *path = unescape_str(tok);
	if (!path)
		return load_err(L, "bad escape in path", tok);
	char *norm = pc_path_normalize(path);
	int ok = norm && strcmp(norm, path) == 0;
	free(norm);
	if (!ok) {
		free(path);
		return load_err(L, "path is not normalised or not relative", tok);
	}
	if (pc_manifest_get(m, path)) {
		free(path);
		return load_err(L, "duplicate path", tok);
	}
	struct pc_entry *e = pc_manifest_put(m, path);
	free(path);
	unsigned seen = 0;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL)
		if (parse_field(L, e, tok, &seen) < 0)
			return -1;
	if (e->nxattrs > 1)
		qsort(e->xattrs, e->nxattrs, sizeof(*e->xattrs), cmp_xattr);
	if (check_fields(L, e, seen) < 0)
		return -1;
	if (e->hardlink_group >= m->next_group)
		m->next_group = e->hardlink_group + 1;
	return 0;
}

/* An entry line is "PATH type=...", and an entry "#end" (a legal name) is
 * "#end type=...": the trailer is told apart by its first field. */
static int is_trailer(const char *line)
{
	return strncmp(line, MANIFEST_TRAILER " entries=", strlen(MANIFEST_TRAILER " entries=")) == 0;
}

/* "#end entries=N sha256=HEX": does it match what was read before it? */
static int check_trailer(const struct loader *L, const char *line, size_t entries,
			 struct pc_digest *ctx)
{
	unsigned long long n;
	char hexwant[65];
	int used = 0;
	if (sscanf(line, MANIFEST_TRAILER " entries=%llu sha256=%64[0-9a-f]%n", &n, hexwant,
		   &used) != 2 || line[used] != '\0' || strlen(hexwant) != 64)
		return load_err(L, "bad end trailer (expected \"" MANIFEST_TRAILER
			       " entries=N sha256=HEX\")", line);
	char hexgot[2 * PC_SHA256_LEN + 1];
	pc_digest_final_hex(ctx, hexgot);
	if (n != entries) {
		char what[128];
		snprintf(what, sizeof(what), "the trailer says %llu entries but %zu precede it",
			 n, entries);
		return load_err(L, "manifest altered or truncated", what);
	}
	if (strcmp(hexgot, hexwant) != 0)
		return load_err(L, "manifest altered: the sha256 of the text before the trailer "
			       "does not match the trailer's", NULL);
	return 0;
}

static int check_header(const struct loader *L, const char *line)
{
	if (strcmp(line, MANIFEST_HEADER) == 0)
		return 0;
	if (strcmp(line, MANIFEST_HEADER_V1) == 0)
		return load_err(L, "manifest format 1 (no end trailer, so a truncated file "
			       "cannot be told from a complete one) is no longer read: write it "
			       "again with `powercut manifest IMAGE -o FILE`", NULL);
	/* A newer powercut's format: said as such (its entries may mean what
	 * this build would misread), not as no manifest at all. */
	const char *prefix = "#powercut-manifest ";
	uint64_t format;
	if (strncmp(line, prefix, strlen(prefix)) == 0 &&
	    parse_u64(line + strlen(prefix), 10, UINT32_MAX, &format) == 0 && format > 2) {
		char why[128];
		snprintf(why, sizeof(why), "manifest format %llu is newer than this powercut reads "
			 "(2): use a newer powercut", (unsigned long long)format);
		return load_err(L, why, NULL);
	}
	return load_err(L, "not a powercut manifest (expected header \"" MANIFEST_HEADER "\")",
			NULL);
}

struct pc_manifest *pc_manifest_load(const char *path)
{
	struct pc_lines r;
	if (pc_lines_open(&r, "manifest", path, PC_MAX_MANIFEST_LINE) < 0)
		return NULL;
	struct pc_digest ctx;
	if (pc_digest_init(&ctx, PC_SHA256) < 0) {
		pc_lines_close(&r);
		return NULL;
	}
	struct pc_manifest *m = pc_manifest_new();
	struct loader L = { path, 0 };
	char *line;
	size_t len;
	int rc = 0, got, ended = 0;
	while (rc == 0 && (got = pc_lines_next(&r, &line, &len)) != 0) {
		L.line = r.lineno;
		if (got < 0)
			rc = -1;
		else if (ended)
			rc = load_err(&L, "text after the end trailer", NULL);
		else if (L.line > 1 && is_trailer(line)) {
			rc = check_trailer(&L, line, pc_manifest_count(m), &ctx);
			ended = 1;
		} else {
			pc_digest_update(&ctx, line, len);
			pc_digest_update(&ctx, "\n", 1);
			rc = L.line == 1 ? check_header(&L, line) : parse_line(&L, m, line);
		}
	}
	if (rc == 0 && L.line == 0)
		rc = pc_fail(PC_ERR_INPUT, "%s:1: empty file, not a powercut manifest", path);
	else if (rc == 0 && !ended)
		rc = pc_fail(PC_ERR_INPUT, "%s:%lu: manifest truncated: it ends without its "
			     "\"" MANIFEST_TRAILER " entries=N sha256=HEX\" trailer", path, L.line);
	pc_digest_free(&ctx);
	pc_lines_close(&r);
	if (rc < 0) {
		pc_manifest_free(m);
		return NULL;
	}
	return m;
}
