/* test_manifest.c - the manifest map, its text format and path rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/input.h"
#include "image/manifest.h"
#include "unit.h"
#include "util/util.h"

static void test_escape_round_trip(void)
{
	const unsigned char raw[] = "a b\t%=\\\xff\xc3(\x01z";
	size_t rawlen = sizeof(raw) - 1;
	char *e = pc_escape(raw, rawlen);
	CU_ASSERT_STRING_EQUAL(e, "a%20b%09%25%3D%5C%FF%C3(%01z");
	size_t n = 0;
	unsigned char *u = pc_unescape(e, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(n, rawlen);
	CU_ASSERT(memcmp(u, raw, rawlen) == 0);
	free(u);
	free(e);

	/* Embedded NUL survives too. */
	const unsigned char withnul[] = { 'x', 0, 'y' };
	e = pc_escape(withnul, 3);
	CU_ASSERT_STRING_EQUAL(e, "x%00y");
	u = pc_unescape(e, &n);
	CU_ASSERT(u && n == 3 && memcmp(u, withnul, 3) == 0);
	free(u);
	free(e);

	CU_ASSERT_PTR_NULL(pc_unescape("bad%G1", NULL));
	CU_ASSERT_PTR_NULL(pc_unescape("short%4", NULL));
	CU_ASSERT_PTR_NULL(pc_unescape("tail%", NULL));
	CU_ASSERT_PTR_NULL(pc_unescape("raw space", NULL));
	CU_ASSERT_PTR_NULL(pc_unescape("raw=eq", NULL));
}

static void check_norm(const char *raw, const char *want)
{
	char *got = pc_path_normalize(raw);
	if (want) {
		CU_ASSERT_PTR_NOT_NULL(got);
		if (got)
			CU_ASSERT_STRING_EQUAL(got, want);
	} else {
		CU_ASSERT_PTR_NULL(got);
	}
	free(got);
}

static void test_normalize(void)
{
	check_norm("./a//b/", "a/b");
	check_norm("./", ".");
	check_norm(".", ".");
	check_norm("a/./b/.", "a/b");
	check_norm("..a/b..", "..a/b..");
	check_norm("/etc/passwd", NULL);
	check_norm("a/../b", NULL);
	check_norm("..", NULL);
	check_norm("./../x", NULL);
}

static struct pc_entry *add(struct pc_manifest *m, const char *path, enum pc_ftype t,
			    unsigned layer)
{
	struct pc_entry *e = pc_manifest_put(m, path);
	e->type = t;
	e->mode = t == PC_FT_DIR ? 0755 : 0644;
	e->layer = layer;
	return e;
}

static struct pc_manifest *sample(void)
{
	struct pc_manifest *m = pc_manifest_new();
	add(m, ".", PC_FT_DIR, 0);
	add(m, "dir", PC_FT_DIR, 0);
	struct pc_entry *e = add(m, "dir/file with space", PC_FT_REG, 0);
	e->size = 5;
	e->has_digest = 1;
	memset(e->sha256, 0xab, 32);
	e->uid = 1000;
	e->gid = 4294967295u;
	e->mode = 04755;
	e->hardlink_group = 77;
	e = add(m, "dir/hard", PC_FT_REG, 0);
	e->size = 5;
	e->has_digest = 1;
	memset(e->sha256, 0xab, 32);
	e->hardlink_group = 77;
	e = add(m, "lonely", PC_FT_REG, 0);
	e->has_digest = 1;
	e->hardlink_group = 5; /* a group of one is not written */
	e = add(m, "d\xff\xfe-bin", PC_FT_SYMLINK, 0);
	e->link = xstrdup("../x y");
	e->size = strlen(e->link);
	e->mode = 0777;
	e = add(m, "dev/null", PC_FT_CHR, 0);
	e->rdev_major = 1;
	e->rdev_minor = 3;
	e = add(m, "dev/sda", PC_FT_BLK, 0);
	e->rdev_major = 8;
	e = add(m, "fifo", PC_FT_FIFO, 0);
	e->nxattrs = 2;
	e->xattrs = xcalloc(2, sizeof(*e->xattrs));
	e->xattrs[0].name = xstrdup("user.a b");
	e->xattrs[0].value = (unsigned char *)xstrdup("v\x01");
	e->xattrs[0].size = 2;
	e->xattrs[1].name = xstrdup("user.empty");
	e->xattrs[1].value = NULL;
	e->xattrs[1].size = 0;
	add(m, "sock", PC_FT_SOCK, 0);
	return m;
}

static char *to_text(struct pc_manifest *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(pc_manifest_write(m, f) == 0);
	fclose(f);
	return buf;
}

/* A copy writes the same text and shares nothing with the original. */
static void test_copy(void)
{
	struct pc_manifest *m = sample();
	struct pc_manifest *c = pc_manifest_copy(m);
	char *a = to_text(m), *b = to_text(c);
	CU_ASSERT_STRING_EQUAL(a, b);
	struct pc_entry *e = pc_manifest_get(c, "fifo");
	CU_ASSERT_FATAL(e && e->nxattrs == 2);
	CU_ASSERT(e->xattrs != pc_manifest_get(m, "fifo")->xattrs);
	e->xattrs[0].value[0] = 'w';
	pc_manifest_remove(c, "dev/null");
	pc_manifest_put(c, "new")->type = PC_FT_DIR;
	char *a2 = to_text(m);
	CU_ASSERT_STRING_EQUAL(a, a2);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(c, "new"));
	CU_ASSERT_EQUAL(pc_manifest_count(c), pc_manifest_count(m));
	free(a);
	free(a2);
	free(b);
	pc_manifest_free(c);
	pc_manifest_free(m);
}

static void test_text_format(void)
{
	struct pc_manifest *m = sample();
	char *t = to_text(m);
	const char *want =
		"#powercut-manifest 2\n"
		". type=dir mode=0755 uid=0 gid=0\n"
		"dev/null type=char mode=0644 uid=0 gid=0 rdev=1,3\n"
		"dev/sda type=block mode=0644 uid=0 gid=0 rdev=8,0\n"
		"dir type=dir mode=0755 uid=0 gid=0\n"
		"dir/file%20with%20space type=reg mode=4755 uid=1000 gid=4294967295 size=5 "
		"sha256=abababababababababababababababababababababababababababababababab "
		"nlink-group=1\n"
		"dir/hard type=reg mode=0644 uid=0 gid=0 size=5 "
		"sha256=abababababababababababababababababababababababababababababababab "
		"nlink-group=1\n"
		"d%FF%FE-bin type=symlink mode=0777 uid=0 gid=0 size=6 link=../x%20y\n"
		"fifo type=fifo mode=0644 uid=0 gid=0 xattr.user.a%20b=7601 xattr.user.empty=\n"
		"lonely type=reg mode=0644 uid=0 gid=0 size=0 "
		"sha256=0000000000000000000000000000000000000000000000000000000000000000\n"
		"sock type=socket mode=0644 uid=0 gid=0\n";
	/* Then the trailer: the entry count and the sha256 of all before it. */
	unsigned char d[32];
	unsigned int dlen = 32;
	char hex[65];
	CU_ASSERT_FATAL(EVP_Digest(want, strlen(want), d, &dlen, EVP_sha256(), NULL));
	pc_hex(d, 32, hex);
	char *full = xasprintf("%s#end entries=10 sha256=%s\n", want, hex);
	CU_ASSERT_STRING_EQUAL(t, full);
	free(full);
	free(t);
	pc_manifest_free(m);
}

static void test_save_load_round_trip(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/m.txt", dir);
	struct pc_manifest *m = sample();
	CU_ASSERT_EQUAL_FATAL(pc_manifest_save(m, path), 0);
	struct pc_manifest *l = pc_manifest_load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(pc_manifest_count(l), pc_manifest_count(m));
	char *a = to_text(m), *b = to_text(l);
	CU_ASSERT_STRING_EQUAL(a, b);
	unsigned char da[32], db[32];
	pc_manifest_digest(m, da);
	pc_manifest_digest(l, db);
	CU_ASSERT(memcmp(da, db, 32) == 0);

	struct pc_entry *e = pc_manifest_get(l, "d\xff\xfe-bin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->link, "../x y");
	e = pc_manifest_get(l, "fifo");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(e->nxattrs, 2);
	CU_ASSERT_STRING_EQUAL(e->xattrs[0].name, "user.a b");
	CU_ASSERT(e->xattrs[0].size == 2 && memcmp(e->xattrs[0].value, "v\x01", 2) == 0);
	e = pc_manifest_get(l, "dir/file with space");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(e->has_digest && e->sha256[31] == 0xab && e->mode == 04755);
	CU_ASSERT(e->hardlink_group != 0 &&
		  e->hardlink_group == pc_manifest_get(l, "dir/hard")->hardlink_group);
	CU_ASSERT_EQUAL(pc_manifest_get(l, "lonely")->hardlink_group, 0);

	/* The digest is of the text: a change of one field changes it. */
	pc_manifest_get(l, "sock")->uid = 1;
	pc_manifest_digest(l, db);
	CU_ASSERT(memcmp(da, db, 32) != 0);

	free(a);
	free(b);
	pc_manifest_free(m);
	pc_manifest_free(l);
	unlink(path);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* M through pc_manifest_pass into a buffer (*len bytes). */
static char *passed(struct pc_manifest *m, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(pc_manifest_pass(m, f), 0);
	fclose(f);
	return buf;
}

/* The manifest pc_manifest_take_passed reads from BUF, or NULL (class RUN). */
static struct pc_manifest *taken(const char *buf, size_t len)
{
	FILE *f = fmemopen((void *)buf, len, "r");
	CU_ASSERT_FATAL(f != NULL);
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	struct pc_manifest *m = pc_manifest_take_passed(f);
	pc_messages_quiet = 0;
	if (!m)
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	pc_last_errclass = PC_ERR_NONE;
	fclose(f);
	return m;
}

/* The unpacking child's manifest reaches the parent by pc_manifest_pass, no
 * longer as text: what the parent gets must be what the text's save and
 * load gave it, field by field (has_digest of a file, canonical hardlink
 * groups, a symlink's empty target), plus the XXH3-128 digests. */
static void test_pass_is_text_round_trip(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/m.txt", dir);
	struct pc_manifest *m = sample();
	struct pc_entry *e = pc_manifest_get(m, "lonely");
	e->has_xxh3 = 1;
	memset(e->xxh3, 0x5a, 16);
	e->layer = 3;
	e->digest_ticket = 9;
	e = add(m, "nodigest", PC_FT_REG, 0);  /* the text writes zeros: has_digest */
	e->size = 3;
	e = add(m, "dangling", PC_FT_SYMLINK, 0); /* NULL target: written as "" */
	e = add(m, "dir/x", PC_FT_DIR, 0);
	e->size = 12; /* not written for a folder */
	e->rdev_major = 4;
	CU_ASSERT_EQUAL_FATAL(pc_manifest_save(m, path), 0);
	struct pc_manifest *l = pc_manifest_load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	size_t len;
	char *buf = passed(m, &len);
	struct pc_manifest *p = taken(buf, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	char *a = to_text(l), *b = to_text(p);
	CU_ASSERT_STRING_EQUAL(a, b);
	size_t nl, np;
	struct pc_entry *const *vl = pc_manifest_sorted(l, &nl);
	struct pc_entry *const *vp = pc_manifest_sorted(p, &np);
	CU_ASSERT_EQUAL_FATAL(nl, np);
	for (size_t i = 0; i < nl; i++) {
		const struct pc_entry *x = vl[i], *y = vp[i];
		CU_ASSERT_STRING_EQUAL(x->path, y->path);
		CU_ASSERT_PTR_EQUAL(pc_manifest_get(p, x->path), y); /* the table finds it */
		CU_ASSERT(x->type == y->type && x->mode == y->mode && x->uid == y->uid &&
			  x->gid == y->gid && x->size == y->size && x->has_digest == y->has_digest &&
			  !memcmp(x->sha256, y->sha256, 32) && x->rdev_major == y->rdev_major &&
			  x->rdev_minor == y->rdev_minor && x->hardlink_group == y->hardlink_group &&
			  y->layer == 0 && y->digest_ticket == 0 && x->nxattrs == y->nxattrs);
		CU_ASSERT((!x->link && !y->link) || (x->link && y->link && !strcmp(x->link, y->link)));
		for (size_t k = 0; k < x->nxattrs && k < y->nxattrs; k++)
			CU_ASSERT(!strcmp(x->xattrs[k].name, y->xattrs[k].name) &&
				  x->xattrs[k].size == y->xattrs[k].size &&
				  (!x->xattrs[k].size ||
				   !memcmp(x->xattrs[k].value, y->xattrs[k].value, x->xattrs[k].size)));
		/* only the pass carries XXH3-128 */
		CU_ASSERT_EQUAL(y->has_xxh3, !strcmp(y->path, "lonely"));
	}
	e = pc_manifest_get(p, "lonely");
	CU_ASSERT(e && e->xxh3[0] == 0x5a && e->xxh3[15] == 0x5a);
	/* new groups do not collide with the ones passed */
	CU_ASSERT(pc_manifest_new_group(p) > pc_manifest_get(p, "dir/hard")->hardlink_group);
	/* and the table takes more entries */
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof(name), "more/%d", i);
		add(p, name, PC_FT_DIR, 0);
	}
	CU_ASSERT_EQUAL(pc_manifest_count(p), nl + 200);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(p, "fifo"));

	/* an empty manifest too */
	struct pc_manifest *z = pc_manifest_new(), *zt;
	free(buf);
	buf = passed(z, &len);
	CU_ASSERT_PTR_NOT_NULL(zt = taken(buf, len));
	CU_ASSERT(zt && pc_manifest_count(zt) == 0);
	pc_manifest_free(z);
	pc_manifest_free(zt);

	free(a);
	free(b);
	free(buf);
	pc_manifest_free(m);
	pc_manifest_free(l);
	pc_manifest_free(p);
	unlink(path);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* The child read untrusted archives: what it passes is checked as the text
 * was.  Truncated anywhere, longer, out of order, a path twice, a path not
 * normalised: refused, class RUN. */
static void test_pass_rejects(void)
{
	struct pc_manifest *m = sample();
	add(m, "zzzzzzzz1", PC_FT_DIR, 0);
	add(m, "zzzzzzzz2", PC_FT_DIR, 0);
	size_t len;
	char *buf = passed(m, &len);
	struct pc_manifest *p = taken(buf, len);
	CU_ASSERT_PTR_NOT_NULL(p);
	pc_manifest_free(p);
	for (size_t cut = 0; cut < len; cut++) {
		p = taken(buf, cut);
		if (p)
			fprintf(stderr, "accepted a pass cut at %zu of %zu bytes\n", cut, len);
		CU_ASSERT_PTR_NULL(p);
		pc_manifest_free(p);
	}
	char *longer = xmalloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 'x';
	CU_ASSERT_PTR_NULL(taken(longer, len + 1));
	free(longer);
	/* a header claiming far more entries than follow: truncated, and no
	 * memory taken for what it claims (fuzz_manifest found the abort) */
	uint64_t count, huge = UINT64_MAX / 2;
	memcpy(&count, buf + 8, sizeof(count));
	memcpy(buf + 8, &huge, sizeof(huge));
	CU_ASSERT_PTR_NULL(taken(buf, len));
	memcpy(buf + 8, &count, sizeof(count));
	CU_ASSERT_EQUAL(count, pc_manifest_count(m));
	char *at = memmem(buf, len, "zzzzzzzz1", 9);
	CU_ASSERT_FATAL(at != NULL);
	at[8] = '3'; /* ...3 before ...2 */
	CU_ASSERT_PTR_NULL(taken(buf, len));
	at[8] = '2'; /* the same path twice */
	CU_ASSERT_PTR_NULL(taken(buf, len));
	at[8] = '1';
	at = memmem(buf, len, "dir/hard", 8);
	CU_ASSERT_FATAL(at != NULL);
	memcpy(at, "dir//ard", 8); /* sorts where it was, not normalised */
	CU_ASSERT_PTR_NULL(taken(buf, len));
	free(buf);
	pc_manifest_free(m);

	/* an entry whose text line would be over the limit is not passed */
	m = pc_manifest_new();
	struct pc_entry *e = add(m, "big", PC_FT_DIR, 0);
	size_t n = PC_MAX_MANIFEST_LINE / 2 + 1;
	e->nxattrs = 1;
	e->xattrs = xcalloc(1, sizeof(*e->xattrs));
	e->xattrs[0].name = xstrdup("user.big");
	e->xattrs[0].value = xcalloc(1, n);
	e->xattrs[0].size = n;
	buf = NULL;
	FILE *f = open_memstream(&buf, &len);
	char msg[256];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(pc_manifest_pass(m, f), -1);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "entry big: its manifest line would be"));
	pc_last_errclass = PC_ERR_NONE;
	fclose(f);
	free(buf);
	pc_manifest_free(m);
}

/* pc_manifest_take_digests compares fields, no longer formatted lines: it
 * must find a difference exactly where the text would show one. */
static void mut_mode(struct pc_entry *e) { e->mode ^= 02; }
static void mut_mode_high(struct pc_entry *e) { e->mode |= 010000; } /* not written */
static void mut_uid(struct pc_entry *e) { e->uid++; }
static void mut_gid(struct pc_entry *e) { e->gid--; }
static void mut_size(struct pc_entry *e) { e->size++; }
static void mut_type(struct pc_entry *e) { e->type = PC_FT_FIFO; }
static void mut_rdev(struct pc_entry *e) { e->rdev_minor++; }
static void mut_link(struct pc_entry *e) { free(e->link); e->link = xstrdup("../x z"); }
static void mut_link_empty(struct pc_entry *e) { free(e->link); e->link = xstrdup(""); }
static void mut_xattr_value(struct pc_entry *e) { e->xattrs[0].value[1] ^= 1; }
static void mut_xattr_name(struct pc_entry *e) { e->xattrs[1].name[5] = 'E'; }
static void mut_xattr_size(struct pc_entry *e) { e->xattrs[0].size = 1; }
static void mut_group_id(struct pc_entry *e) { e->hardlink_group = 1234; }

static void test_take_digests_fields(void)
{
	static const struct {
		const char *path;
		void (*mut)(struct pc_entry *);
		int differs;
		const char *at; /* where it is found, if not at PATH */
	} cases[] = {
		{ "sock", NULL, 0, NULL },
		{ "dir", mut_mode, 1, NULL },
		{ "dir", mut_mode_high, 0, NULL },
		{ "sock", mut_uid, 1, NULL },
		{ "fifo", mut_gid, 1, NULL },
		{ "lonely", mut_size, 1, NULL },
		{ "dir", mut_size, 0, NULL },            /* a folder's size is not written */
		{ "d\xff\xfe-bin", mut_size, 1, NULL },  /* a symlink's is */
		{ "sock", mut_type, 1, NULL },
		{ "dev/null", mut_rdev, 1, NULL },
		{ "fifo", mut_rdev, 0, NULL },           /* rdev only for devices */
		{ "d\xff\xfe-bin", mut_link, 1, NULL },
		{ "nolink", mut_link_empty, 0, NULL },   /* NULL and "" both write "link=" */
		{ "fifo", mut_xattr_value, 1, NULL },
		{ "fifo", mut_xattr_name, 1, NULL },
		{ "fifo", mut_xattr_size, 1, NULL },
		{ "lonely", mut_group_id, 0, NULL },     /* another group of one: not written */
		/* leaves its group, so the file it shared it with, first, is alone */
		{ "dir/hard", mut_group_id, 1, "dir/file with space" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_manifest *known = sample();
		struct pc_entry *nl = add(known, "nolink", PC_FT_SYMLINK, 0);
		nl->size = 0;
		struct pc_entry *d = pc_manifest_get(known, "dir/hard");
		d->has_xxh3 = 1;
		memset(d->xxh3, 7, 16);
		struct pc_manifest *m = pc_manifest_copy(known);
		struct pc_entry *e = pc_manifest_get(m, "dir/hard");
		memset(e->sha256, 0, 32);
		e->has_digest = 0;
		e->has_xxh3 = 0;
		memset(e->xxh3, 0, 16);
		if (cases[i].mut)
			cases[i].mut(pc_manifest_get(m, cases[i].path));
		char *where = NULL;
		int rc = pc_manifest_take_digests(m, known, &where);
		char *a = to_text(m), *b = to_text(known);
		int text_differs = strcmp(a, b) != 0;
		if (rc != (cases[i].differs ? -1 : 0) || text_differs != cases[i].differs)
			fprintf(stderr, "case %zu (%s): rc %d, text differs %d\n", i,
				cases[i].path, rc, text_differs);
		CU_ASSERT_EQUAL(rc, cases[i].differs ? -1 : 0);
		CU_ASSERT_EQUAL(text_differs, cases[i].differs);
		if (rc == 0) {
			e = pc_manifest_get(m, "dir/hard");
			CU_ASSERT(e->has_digest && e->sha256[0] == 0xab && e->has_xxh3 &&
				  e->xxh3[15] == 7);
			CU_ASSERT_PTR_NULL(where);
		} else {
			const char *at_ = cases[i].at ? cases[i].at : cases[i].path;
			char *want = pc_escape((const unsigned char *)at_, strlen(at_));
			CU_ASSERT(where && !strcmp(where, want));
			free(want);
		}
		free(where);
		free(a);
		free(b);
		pc_manifest_free(m);
		pc_manifest_free(known);
	}
}

static void expect_reject(const char *dir, const char *body, const char *why)
{
	char *path = xasprintf("%s/bad.txt", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, body, strlen(body), 0), 0);
	pc_last_errclass = PC_ERR_NONE;
	char buf[512];
	pc_capture_errors(buf, sizeof(buf));
	struct pc_manifest *m = pc_manifest_load(path);
	pc_capture_errors(NULL, 0);
	if (m) {
		fprintf(stderr, "accepted a manifest with %s\n", why);
		pc_manifest_free(m);
	}
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	/* FILE:LINE at the start of the message; the bad line is line 3. */
	char *where = xasprintf("%s:3: ", path);
	if (strstr(body, "#powercut") == body)
		CU_ASSERT(strncmp(buf, where, strlen(where)) == 0);
	free(where);
	free(path);
}

static void test_load_rejects(void)
{
	char *dir = unit_tmpdir();
	const char *ok = "#powercut-manifest 2\n. type=dir mode=0755 uid=0 gid=0\n";
	const char *bad[][2] = {
		{ "a type=regular mode=0644 uid=0 gid=0\n", "bad type" },
		{ "a type=dir mode=0955 uid=0 gid=0\n", "bad mode" },
		{ "a type=dir mode=0755 uid=-1 gid=0\n", "negative uid" },
		{ "a type=dir mode=0755 uid=4294967296 gid=0\n", "uid overflow" },
		{ "a type=dir mode=0755 uid=0\n", "missing gid" },
		{ "a type=reg mode=0644 uid=0 gid=0 size=1\n", "missing sha256" },
		{ "a type=reg mode=0644 uid=0 gid=0 size=1 sha256=abcd\n", "short sha256" },
		{ "a type=symlink mode=0777 uid=0 gid=0 size=1\n", "missing link" },
		{ "a type=char mode=0600 uid=0 gid=0 rdev=1\n", "bad rdev" },
		{ "a type=dir mode=0755 uid=0 gid=0 color=red\n", "unknown field" },
		{ "a type=dir mode=0755 uid=0 gid=0 mode=0700\n", "duplicate field" },
		/* a repeated string field: refused before it overwrites (and leaks)
		 * the first (found by fuzz_manifest) */
		{ "l type=symlink mode=0777 uid=0 gid=0 size=1 link=a link=b\n", "duplicate field" },
		{ "a type=dir mode=0755 uid=0 gid=0 link=x\n", "link on a dir" },
		{ "a type=dir mode=0755 uid=0 gid=0 xattr.user.x=zz\n", "bad xattr hex" },
		{ "a%G0 type=dir mode=0755 uid=0 gid=0\n", "bad escape" },
		{ "a/../b type=dir mode=0755 uid=0 gid=0\n", "dotdot path" },
		{ "/abs type=dir mode=0755 uid=0 gid=0\n", "absolute path" },
		{ "./a type=dir mode=0755 uid=0 gid=0\n", "unnormalised path" },
		{ ". type=dir mode=0755 uid=0 gid=0\n", "duplicate path" },
		{ "\n", "empty line" },
		{ "a type=dir mode=0755 uid=0 gid=0 nlink-group=0\n", "group 0" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *body = xasprintf("%s%s", ok, bad[i][0]);
		expect_reject(dir, body, bad[i][1]);
		free(body);
	}
	expect_reject(dir, "powercut manifest\n", "no header");
	expect_reject(dir, "", "empty file");
	unit_rmtree(dir);
	free(dir);
}

/* Load TEXT from a file: the manifest, or NULL with the message in MSG. */
static struct pc_manifest *load_text(const char *dir, const char *text, size_t len,
				     char *msg, size_t msglen)
{
	char *path = xasprintf("%s/m.txt", dir);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, text, len, 0), 0);
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(msg, msglen);
	struct pc_manifest *m = pc_manifest_load(path);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	free(path);
	return m;
}

/* The manifest carries its own end: truncated anywhere, a line altered or
 * removed, the trailer missing or followed by more text, it is an input
 * error that says so, never a shorter list of entries. */
static void test_trailer(void)
{
	char *dir = unit_tmpdir();
	struct pc_manifest *m = sample();
	add(m, "#end", PC_FT_DIR, 0); /* a legal name that looks like the trailer */
	char *t = to_text(m);
	size_t len = strlen(t);
	char msg[512];

	struct pc_manifest *l = load_text(dir, t, len, msg, sizeof(msg));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(pc_manifest_count(l), pc_manifest_count(m));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(l, "#end"));
	pc_manifest_free(l);

	/* Cut at every line end before the trailer, and mid-line. */
	char *trailer = strstr(t, "\n#end entries=") + 1;
	size_t cuts = 0;
	for (size_t cut = 1; cut < (size_t)(trailer - t); cut++) {
		if (t[cut - 1] != '\n' && cut % 7)
			continue;
		cuts++;
		CU_ASSERT_PTR_NULL(load_text(dir, t, cut, msg, sizeof(msg)));
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	}
	CU_ASSERT(cuts > 12);
	/* Without the trailer: "truncated". */
	CU_ASSERT_PTR_NULL(load_text(dir, t, (size_t)(trailer - t), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "manifest truncated"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);

	/* One field changed, still a valid line: the digest says so. */
	char *alt = xstrdup(t);
	char *p = strstr(alt, "uid=1000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[4] = '2';
	CU_ASSERT_PTR_NULL(load_text(dir, alt, len, msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "manifest altered"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	free(alt);

	/* A whole line removed: the count says so. */
	alt = xstrdup(t);
	p = strstr(alt, "\nsock ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	char *eol = strchr(p + 1, '\n');
	memmove(p + 1, eol + 1, strlen(eol + 1) + 1);
	CU_ASSERT_PTR_NULL(load_text(dir, alt, strlen(alt), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "the trailer says 11 entries but 10 precede it"));
	free(alt);

	/* Text after the trailer. */
	char *more = xasprintf("%sdir/x type=dir mode=0755 uid=0 gid=0\n", t);
	CU_ASSERT_PTR_NULL(load_text(dir, more, strlen(more), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "text after the end trailer"));
	free(more);

	/* A damaged trailer. */
	alt = xstrdup(t);
	p = strstr(alt, "\n#end entries=") + 1;
	strcpy(strstr(p, "sha256=") + 7, "xyz\n");
	CU_ASSERT_PTR_NULL(load_text(dir, alt, strlen(alt), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bad end trailer"));
	free(alt);

	/* Format 1 (no trailer) is refused with a way out. */
	const char *v1 = "#powercut-manifest 1\n. type=dir mode=0755 uid=0 gid=0\n";
	CU_ASSERT_PTR_NULL(load_text(dir, v1, strlen(v1), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "manifest format 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "powercut manifest IMAGE -o FILE"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);

	/* A newer format (a newer powercut's manifest) is said to be one, not
	 * "not a powercut manifest"; a header that only starts alike is not. */
	const char *v3 = "#powercut-manifest 3\n. type=dir mode=0755 uid=0 gid=0\n";
	CU_ASSERT_PTR_NULL(load_text(dir, v3, strlen(v3), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, ":1: manifest format 3 is newer than this powercut reads (2)"));
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	const char *vx = "#powercut-manifest 3x\n. type=dir mode=0755 uid=0 gid=0\n";
	CU_ASSERT_PTR_NULL(load_text(dir, vx, strlen(vx), msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a powercut manifest"));

	free(t);
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(dir);
}

/* An entry whose line would be over the reader's limit is refused when
 * written (class INPUT), so no manifest powercut writes fails to load. */
static void test_line_limit_on_write(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_entry *e = add(m, "big", PC_FT_DIR, 0);
	size_t n = PC_MAX_MANIFEST_LINE / 2 + 1; /* hex doubles it */
	e->nxattrs = 1;
	e->xattrs = xcalloc(1, sizeof(*e->xattrs));
	e->xattrs[0].name = xstrdup("user.big");
	e->xattrs[0].value = xcalloc(1, n);
	e->xattrs[0].size = n;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char msg[256];
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	pc_capture_errors(msg, sizeof(msg));
	CU_ASSERT_EQUAL(pc_manifest_write(m, f), -1);
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "entry big: its manifest line would be"));
	pc_last_errclass = PC_ERR_NONE;
	fclose(f);
	free(buf);
	pc_manifest_free(m);
}

static void test_remove_subtree(void)
{
	struct pc_manifest *m = pc_manifest_new();
	add(m, ".", PC_FT_DIR, 0);
	add(m, "a", PC_FT_DIR, 0);
	add(m, "a/b", PC_FT_DIR, 0);
	add(m, "a/b/c", PC_FT_REG, 0);
	add(m, "a/x", PC_FT_REG, 0);
	add(m, "ab", PC_FT_REG, 0);
	add(m, "a.b", PC_FT_REG, 0);
	/* Enough entries to force collisions and growth. */
	for (int i = 0; i < 500; i++) {
		char p[32];
		snprintf(p, sizeof(p), "z/%d", i);
		add(m, p, PC_FT_REG, 0);
	}
	add(m, "z", PC_FT_DIR, 0);
	CU_ASSERT_EQUAL(pc_manifest_count(m), 508);
	pc_manifest_remove(m, "a");
	CU_ASSERT_EQUAL(pc_manifest_count(m), 504);
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "a"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "a/b/c"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "ab"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "a.b"));
	/* Single removals keep every other entry reachable. */
	for (int i = 0; i < 500; i += 2) {
		char p[32];
		snprintf(p, sizeof(p), "z/%d", i);
		pc_manifest_remove(m, p);
	}
	CU_ASSERT_EQUAL(pc_manifest_count(m), 254);
	int reachable = 1;
	for (int i = 0; i < 500; i++) {
		char p[32];
		snprintf(p, sizeof(p), "z/%d", i);
		if ((pc_manifest_get(m, p) != NULL) != (i % 2 == 1))
			reachable = 0;
	}
	CU_ASSERT(reachable);
	size_t n;
	struct pc_entry *const *v = pc_manifest_sorted(m, &n);
	CU_ASSERT_EQUAL(n, 254);
	int sorted = 1;
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1]->path, v[i]->path) >= 0)
			sorted = 0;
	CU_ASSERT(sorted);
	CU_ASSERT_STRING_EQUAL(v[0]->path, ".");
	pc_manifest_remove(m, "missing"); /* no-op */
	CU_ASSERT_EQUAL(pc_manifest_count(m), 254);
	pc_manifest_free(m);
}

static void test_opaque_keeps_same_layer(void)
{
	struct pc_manifest *m = pc_manifest_new();
	add(m, "d", PC_FT_DIR, 0);
	add(m, "d/old", PC_FT_REG, 0);
	add(m, "d/sub", PC_FT_DIR, 1);
	add(m, "d/sub/older", PC_FT_REG, 1);
	add(m, "d/new", PC_FT_REG, 2);   /* same layer as the opaque marker */
	add(m, "d/later", PC_FT_REG, 3);
	add(m, "d/keep", PC_FT_DIR, 0);       /* older dir holding a newer file */
	add(m, "d/keep/deep", PC_FT_DIR, 1);
	add(m, "d/keep/deep/new", PC_FT_REG, 2);
	add(m, "d/keep/deep/old", PC_FT_REG, 1);
	add(m, "dx", PC_FT_REG, 0);
	pc_manifest_remove_children_below_layer(m, "d", 2);
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/keep"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/keep/deep"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/keep/deep/new"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "d/keep/deep/old"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "d/old"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "d/sub"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "d/sub/older"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/new"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "d/later"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "dx"));
	CU_ASSERT_EQUAL(pc_manifest_count(m), 7);
	pc_manifest_free(m);
}

static void test_put_resets(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_entry *e = add(m, "l", PC_FT_SYMLINK, 3);
	e->link = xstrdup("t");
	e->size = 1;
	struct pc_entry *f = pc_manifest_put(m, "l");
	CU_ASSERT_PTR_EQUAL(e, f);
	CU_ASSERT_STRING_EQUAL(f->path, "l");
	CU_ASSERT_PTR_NULL(f->link);
	CU_ASSERT_EQUAL(f->size, 0);
	CU_ASSERT_EQUAL(f->layer, 0);
	CU_ASSERT_EQUAL(pc_manifest_count(m), 1);
	uint64_t g1 = pc_manifest_new_group(m), g2 = pc_manifest_new_group(m);
	CU_ASSERT(g1 != 0 && g2 != 0 && g1 != g2);
	pc_manifest_free(m);
}

static void test_ftype_names(void)
{
	for (int t = PC_FT_REG; t <= PC_FT_SOCK; t++) {
		enum pc_ftype back;
		CU_ASSERT_EQUAL(pc_ftype_parse(pc_ftype_name((enum pc_ftype)t), &back), 0);
		CU_ASSERT_EQUAL((int)back, t);
	}
	enum pc_ftype x;
	CU_ASSERT_EQUAL(pc_ftype_parse("file", &x), -1);
}

void register_manifest_tests(void)
{
	CU_pSuite s = CU_add_suite("manifest", NULL, NULL);
	CU_add_test(s, "escape round trip", test_escape_round_trip);
	CU_add_test(s, "path normalize", test_normalize);
	CU_add_test(s, "text format", test_text_format);
	CU_add_test(s, "copy", test_copy);
	CU_add_test(s, "save/load round trip", test_save_load_round_trip);
	CU_add_test(s, "load rejects bad lines", test_load_rejects);
	CU_add_test(s, "pass to the parent = save and load", test_pass_is_text_round_trip);
	CU_add_test(s, "pass to the parent: what is refused", test_pass_rejects);
	CU_add_test(s, "take_digests: a difference where the text has one", test_take_digests_fields);
	CU_add_test(s, "the trailer: truncated, altered, missing", test_trailer);
	CU_add_test(s, "a line over the limit is refused when written", test_line_limit_on_write);
	CU_add_test(s, "remove subtree", test_remove_subtree);
	CU_add_test(s, "opaque keeps same-layer entries", test_opaque_keeps_same_layer);
	CU_add_test(s, "put resets", test_put_resets);
	CU_add_test(s, "ftype names", test_ftype_names);
}
