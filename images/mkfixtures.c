/* mkfixtures.c - deterministic test images (fixed times, own seeded PRNG):
 *
 *   mkfixtures edge DIR                  the edge-case image, 3 layers
 *   mkfixtures smallfiles DIR            ~30,000 small files, 3 layers
 *   mkfixtures producers DIR             a small 3-layer image every image
 *                                        tool reproduces faithfully (no
 *                                        sparse files, devices or odd names)
 *   mkfixtures longpath DIR              layers with a file's path 5,038 bytes
 *   mkfixtures estargz OUT LAYER         LAYER rewritten eStargz-shaped
 *   mkfixtures oci DIR LAYER...          an OCI image layout of the layers
 *   mkfixtures docker-save FILE LAYER... a legacy docker-save archive
 *   mkfixtures docker-save-oci FILE LAYER...  Docker 25+'s OCI-based one
 *
 * Every output is byte-for-byte the same on every run.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <locale.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/util.h"

#define MTIME 1700000000
#define IO_CHUNK (1u << 20)

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "mkfixtures: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* ---- PRNG: splitmix64, so the fixtures never depend on libc's rand ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(rng() >> 56);
}

/* Text-like content (compresses like source files do). */
static void rng_text(char *p, size_t n)
{
	static const char *const words[] = {
		"import", "def", "return", "self", "tensor", "shape", "float32", "layer",
		"None", "if", "else", "for", "in", "range", "class", "module", "weights",
		"numpy", "as", "np", "grad", "=", "(", ")", ":", "0", "1", "x", "y",
	};
	size_t i = 0;
	while (i < n) {
		const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
		for (; *w && i < n; w++)
			p[i++] = *w;
		if (i < n)
			p[i++] = rng() % 8 ? ' ' : '\n';
	}
}

/* ---- tar writing ---------------------------------------------------------- */

enum comp { COMP_NONE, COMP_GZIP, COMP_ZSTD };

static struct archive *tar_create(const char *path, enum comp comp)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax(a);
	if (comp == COMP_GZIP) {
		archive_write_add_filter_gzip(a);
		/* No timestamp in the gzip header: same bytes on every run. */
		archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
		archive_write_set_filter_option(a, "gzip", "compression-level", "1");
	} else if (comp == COMP_ZSTD) {
		archive_write_add_filter_zstd(a);
	}
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		die("create %s: %s", path, archive_error_string(a));
	return a;
}

static void tar_close(struct archive *a, const char *path)
{
	if (archive_write_close(a) != ARCHIVE_OK)
		die("finish %s: %s", path, archive_error_string(a));
	archive_write_free(a);
}

struct ent {
	const char *path;
	unsigned type; /* AE_IF* */
	unsigned mode;
	uint32_t uid, gid;
	const void *data;
	size_t len;
	const char *link;     /* symlink target */
	const char *hardlink; /* tar hardlink to this member */
	unsigned major, minor;
	const char *const *xattrs; /* NAME, VALUE, NAME, VALUE, ..., NULL */
	size_t xlen0;              /* length of the first value if binary (else strlen) */
	const char *acl_access, *acl_default; /* POSIX ACLs in text form */
};

static struct archive_entry *ent_new(const struct ent *x)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_copy_pathname(e, x->path);
	archive_entry_set_filetype(e, x->type);
	archive_entry_set_perm(e, x->mode);
	archive_entry_set_uid(e, x->uid);
	archive_entry_set_gid(e, x->gid);
	archive_entry_set_mtime(e, MTIME, 0);
	if (x->link)
		archive_entry_copy_symlink(e, x->link);
	if (x->hardlink) {
		archive_entry_copy_hardlink(e, x->hardlink);
		archive_entry_set_size(e, 0);
	} else if (x->type == AE_IFREG) {
		archive_entry_set_size(e, (la_int64_t)x->len);
	}
	if (x->type == AE_IFCHR || x->type == AE_IFBLK)
		archive_entry_set_rdev(e, makedev(x->major, x->minor));
	for (size_t i = 0; x->xattrs && x->xattrs[i]; i += 2) {
		size_t len = i == 0 && x->xlen0 ? x->xlen0 : strlen(x->xattrs[i + 1]);
		archive_entry_xattr_add_entry(e, x->xattrs[i], x->xattrs[i + 1], len);
	}
	if (x->acl_access &&
	    archive_entry_acl_from_text(e, x->acl_access, ARCHIVE_ENTRY_ACL_TYPE_ACCESS) != ARCHIVE_OK)
		die("%s: bad access ACL %s", x->path, x->acl_access);
	if (x->acl_default &&
	    archive_entry_acl_from_text(e, x->acl_default, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT) != ARCHIVE_OK)
		die("%s: bad default ACL %s", x->path, x->acl_default);
	return e;
}

static void put(struct archive *a, const struct ent *x)
{
	struct archive_entry *e = ent_new(x);
	/* A name that is not UTF-8 gives ARCHIVE_WARN: pax then stores it as
	 * binary (hdrcharset=BINARY), which is what we want. */
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		die("write %s: %s", x->path, archive_error_string(a));
	if (x->len && !x->hardlink && archive_write_data(a, x->data, x->len) != (la_ssize_t)x->len)
		die("write data of %s: %s", x->path, archive_error_string(a));
	archive_entry_free(e);
}

static void put_dir(struct archive *a, const char *path, unsigned mode, uint32_t uid, uint32_t gid)
{
	put(a, &(struct ent){ .path = path, .type = AE_IFDIR, .mode = mode, .uid = uid, .gid = gid });
}

static void put_file(struct archive *a, const char *path, unsigned mode, const void *data,
		     size_t len)
{
	put(a, &(struct ent){ .path = path, .type = AE_IFREG, .mode = mode, .data = data, .len = len });
}

static void put_random(struct archive *a, const char *path, unsigned mode, size_t len)
{
	unsigned char *buf = xmalloc(len);
	rng_fill(buf, len);
	put_file(a, path, mode, buf, len);
	free(buf);
}

static void put_symlink(struct archive *a, const char *path, const char *target)
{
	put(a, &(struct ent){ .path = path, .type = AE_IFLNK, .mode = 0777, .link = target });
}

/* MODE: the target's, which a builder's hardlink header repeats (the
 * runtimes apply the link's, libarchive keeps the target's). */
static void put_hardlink(struct archive *a, const char *path, const char *target, unsigned mode)
{
	put(a, &(struct ent){ .path = path, .type = AE_IFREG, .mode = mode, .hardlink = target });
}

static void put_whiteout(struct archive *a, const char *dir, const char *name)
{
	char *p = *dir ? xasprintf("%s/.wh.%s", dir, name) : xasprintf(".wh.%s", name);
	put_file(a, p, 0644, NULL, 0);
	free(p);
}

/* A sparse file: data segments of SEG bytes at OFFS[0..n), holes between.
 * The pax writer takes the whole logical stream and skips the holes, so the
 * archive stays small whatever the apparent size. */
static void put_sparse(struct archive *a, const char *path, uint64_t size, const uint64_t *offs,
		       size_t n, size_t seg)
{
	struct ent x = { .path = path, .type = AE_IFREG, .mode = 0644 };
	struct archive_entry *e = ent_new(&x);
	archive_entry_set_size(e, (la_int64_t)size);
	for (size_t i = 0; i < n; i++)
		archive_entry_sparse_add_entry(e, (la_int64_t)offs[i], (la_int64_t)seg);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		die("write %s: %s", path, archive_error_string(a));
	unsigned char *data = xmalloc(seg), *zero = xcalloc(1, IO_CHUNK);
	uint64_t pos = 0;
	for (size_t i = 0; i <= n; i++) {
		uint64_t end = i < n ? offs[i] : size;
		while (pos < end) {
			size_t k = end - pos > IO_CHUNK ? IO_CHUNK : (size_t)(end - pos);
			if (archive_write_data(a, zero, k) != (la_ssize_t)k)
				die("write hole of %s: %s", path, archive_error_string(a));
			pos += k;
		}
		if (i < n) {
			rng_fill(data, seg);
			if (archive_write_data(a, data, seg) != (la_ssize_t)seg)
				die("write data of %s: %s", path, archive_error_string(a));
			pos += seg;
		}
	}
	free(data);
	free(zero);
	archive_entry_free(e);
}

static char *path_join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void ensure_dir(const char *dir)
{
	if (pc_mkdir_p(dir, 0755) < 0)
		exit(1);
}

/* ---- edge: every kind of entry the unpacker and verifier must handle ------ */

#define DEEP 100

/* "deep/l00/l01/.../lNN" for the first N+1 levels. */
static char *deep_path(int levels)
{
	char *p = xstrdup("deep");
	for (int i = 0; i < levels; i++) {
		char *q = xasprintf("%s/l%02d", p, i);
		free(p);
		p = q;
	}
	return p;
}

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void edge_layer1(struct archive *a)
{
	static const unsigned char capability[20] = {
		/* vfs_cap_data v2: cap_net_bind_service permitted + effective */
		0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const char *const user_x[] = { "user.comment", "edge fixture", "user.mime_type",
					       "text/plain", NULL };
	static const char *const cap_x[] = { "security.capability", (const char *)capability, NULL };
	static const char *const trusted_x[] = { "trusted.powercut", "layer-1", NULL };
	static const char *const dir_x[] = { "user.dirattr", "on a folder", NULL };
	static const char *const mixed_x[] = { "user.a", "1", "user.b", "", "trusted.t", "t", NULL };

	put_dir(a, "etc", 0755, 0, 0);
	put_file(a, "etc/hostname", 0644, "powercut-edge\n", 14);
	put_dir(a, "usr", 0755, 0, 0);
	put_dir(a, "usr/bin", 0755, 0, 0);
	put_dir(a, "usr/lib", 0755, 0, 0);
	put_random(a, "usr/lib/libedge.so.1", 0644, 30000);
	put_symlink(a, "lib", "usr/lib");

	/* Hardlinks across folders: one group of three. */
	put_dir(a, "data", 0755, 0, 0);
	put_dir(a, "data/a", 0755, 0, 0);
	put_dir(a, "other", 0755, 0, 0);
	put_dir(a, "other/dir", 0700, 0, 0);
	put_random(a, "data/a/original", 0644, 12345);
	put_hardlink(a, "other/dir/link-to-original", "data/a/original", 0644);
	put_hardlink(a, "data/a/second-link", "data/a/original", 0644);
	put_random(a, "data/file1", 0644, 5000);
	put_random(a, "data/file2", 0640, 70000);
	put_random(a, "data/to-delete", 0644, 100);
	put_random(a, "data/to-recreate", 0644, 200);
	put_dir(a, "data/dir-to-delete", 0755, 0, 0);
	put_random(a, "data/dir-to-delete/child", 0644, 10);

	/* Symlinks: dangling, absolute, relative, to a folder, long target. */
	put_dir(a, "links", 0755, 0, 0);
	put_symlink(a, "links/dangling", "does/not/exist");
	put_symlink(a, "links/absolute", "/etc/hostname");
	put_symlink(a, "links/relative", "../data/file1");
	put_symlink(a, "links/to-dir", "../usr/lib");
	char *longt = repeat('t', 300);
	put_symlink(a, "links/long-target", longt);
	free(longt);

	/* Special files. */
	put_dir(a, "special", 0755, 0, 0);
	put(a, &(struct ent){ .path = "special/fifo", .type = AE_IFIFO, .mode = 0644 });
	put(a, &(struct ent){ .path = "special/null", .type = AE_IFCHR, .mode = 0666, .major = 1,
			      .minor = 3 });
	put(a, &(struct ent){ .path = "special/tty64", .type = AE_IFCHR, .mode = 0620, .gid = 5,
			      .major = 4, .minor = 64 });
	put(a, &(struct ent){ .path = "special/loop7", .type = AE_IFBLK, .mode = 0660, .gid = 6,
			      .major = 7, .minor = 7 });

	/* setuid, setgid, sticky. */
	put(a, &(struct ent){ .path = "usr/bin/suid", .type = AE_IFREG, .mode = 04755,
			      .data = "#!/bin/true\n", .len = 12 });
	put(a, &(struct ent){ .path = "usr/bin/sgid", .type = AE_IFREG, .mode = 02755, .gid = 50,
			      .data = "#!/bin/true\n", .len = 12 });
	put(a, &(struct ent){ .path = "usr/bin/suid-user", .type = AE_IFREG, .mode = 06750,
			      .uid = 1000, .gid = 1000, .data = "#!/bin/false\n", .len = 13 });
	put(a, &(struct ent){ .path = "usr/bin/sticky-file", .type = AE_IFREG, .mode = 01755,
			      .data = "x", .len = 1 });
	put_dir(a, "tmp", 01777, 0, 0);
	put_dir(a, "shared", 03775, 0, 100);

	/* xattrs. */
	put_dir(a, "xattr", 0755, 0, 0);
	put(a, &(struct ent){ .path = "xattr/user", .type = AE_IFREG, .mode = 0644, .data = "u\n",
			      .len = 2, .xattrs = user_x });
	put(a, &(struct ent){ .path = "xattr/cap", .type = AE_IFREG, .mode = 0755, .data = "c\n",
			      .len = 2, .xattrs = cap_x, .xlen0 = sizeof(capability) });
	put(a, &(struct ent){ .path = "xattr/trusted", .type = AE_IFREG, .mode = 0644,
			      .data = "t\n", .len = 2, .xattrs = trusted_x });
	/* A hardlink shares its source's xattrs (one inode). */
	put_hardlink(a, "xattr/trusted-link", "xattr/trusted", 0644);
	put(a, &(struct ent){ .path = "xattr/mixed", .type = AE_IFREG, .mode = 0644, .xattrs = mixed_x });
	put(a, &(struct ent){ .path = "xattr/dir", .type = AE_IFDIR, .mode = 0755, .xattrs = dir_x });

	/* POSIX ACLs: on disk they are system.posix_acl_* xattrs, and the
	 * mask becomes the group mode bits (0640 here shows as 0660). */
	put_dir(a, "acl", 0755, 0, 0);
	put(a, &(struct ent){ .path = "acl/file", .type = AE_IFREG, .mode = 0640, .data = "a\n",
			      .len = 2,
			      .acl_access = "user::rw-,user:1234:rw-,group::r--,group:4321:r--,"
					    "mask::rw-,other::---" });
	put(a, &(struct ent){ .path = "acl/dir", .type = AE_IFDIR, .mode = 0755,
			      .acl_access = "user::rwx,group::r-x,group:4321:rwx,mask::rwx,other::r-x",
			      .acl_default = "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r-x" });

	/* Empty files and folders, sparse files, one over 4 GiB. */
	put_dir(a, "empty", 0755, 0, 0);
	put_file(a, "empty/e1", 0644, NULL, 0);
	put_file(a, "empty/e2", 0600, NULL, 0);
	put_dir(a, "empty/dir", 0755, 0, 0);
	put_dir(a, "sparse", 0755, 0, 0);
	static const uint64_t holes[] = { 0, 512 * 1024 };
	put_sparse(a, "sparse/holes", 1 << 20, holes, 2, 4096);
	const uint64_t big = (4ULL << 30) + 3 * 4096;
	const uint64_t bigoffs[] = { 0, 2ULL << 30, big - 4096 };
	put_sparse(a, "sparse/over-4GiB", big, bigoffs, 3, 4096);

	/* Long paths (pax), long names, names that are not UTF-8. */
	char *pa = repeat('a', 120), *pb = repeat('b', 120), *pc = repeat('c', 100);
	char *d1 = xasprintf("long/%s", pa), *d2 = xasprintf("%s/%s", d1, pb),
	     *d3 = xasprintf("%s/%s", d2, pc), *lf = xasprintf("%s/file-with-a-long-path", d3);
	put_dir(a, "long", 0755, 0, 0);
	put_dir(a, d1, 0755, 0, 0);
	put_dir(a, d2, 0755, 0, 0);
	put_dir(a, d3, 0755, 0, 0);
	put_random(a, lf, 0644, 333);
	free(pa), free(pb), free(pc), free(d1), free(d2), free(d3), free(lf);
	char *n250 = repeat('n', 250), *ln = xasprintf("names/%s", n250);
	put_dir(a, "names", 0755, 0, 0);
	put_random(a, ln, 0644, 10);
	free(n250), free(ln);
	put_random(a, "names/latin1-\xe9t\xe9", 0644, 11);
	put_random(a, "names/\xff\xfe-not-utf8", 0644, 12);
	put_random(a, "names/with space", 0644, 13);
	put_random(a, "names/percent%41=equals", 0644, 14);
	put_random(a, "names/new\nline", 0644, 15);
	put_random(a, "names/tab\tand\\backslash", 0644, 16);
	put_random(a, "names/utf8-\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac", 0644, 17);

	/* Owners above 65535 (and above ustar's 2097151). */
	put_dir(a, "owners", 0755, 70000, 70000);
	put(a, &(struct ent){ .path = "owners/big", .type = AE_IFREG, .mode = 0644, .uid = 100000,
			      .gid = 100001, .data = "b", .len = 1 });
	put(a, &(struct ent){ .path = "owners/huge", .type = AE_IFREG, .mode = 0644,
			      .uid = 3000000000u, .gid = 4000000000u, .data = "h", .len = 1 });

	/* A deep tree. */
	for (int i = 0; i <= DEEP; i++) {
		char *p = deep_path(i);
		put_dir(a, p, 0755, 0, 0);
		free(p);
	}
	char *leaf = deep_path(DEEP), *lp = path_join(leaf, "leaf");
	put_random(a, lp, 0644, 99);
	free(leaf), free(lp);

	/* What the later layers delete, replace and make opaque. */
	put_dir(a, "opaque", 0755, 0, 0);
	put_random(a, "opaque/old1", 0644, 20);
	put_dir(a, "opaque/sub", 0755, 0, 0);
	put_random(a, "opaque/sub/old2", 0644, 21);
	put_dir(a, "replace", 0755, 0, 0);
	put_dir(a, "replace/dir", 0755, 0, 0);
	put_random(a, "replace/dir/inner", 0644, 22);
	put_random(a, "replace/file", 0644, 23);
	put_symlink(a, "replace/link", "../etc/hostname");
}

static void edge_layer2(struct archive *a)
{
	static const char *const user_x2[] = { "user.comment", "changed in layer 2", NULL };

	put_dir(a, "etc", 0750, 0, 0); /* metadata change only */
	put_dir(a, "data", 0755, 0, 0);
	put_whiteout(a, "data", "to-delete");
	put_whiteout(a, "data", "dir-to-delete");
	put_whiteout(a, "data", "to-recreate");
	put_random(a, "data/to-recreate", 0600, 201);
	put(a, &(struct ent){ .path = "data/file2", .type = AE_IFREG, .mode = 0644, .uid = 33,
			      .gid = 33, .data = "rewritten\n", .len = 10 });
	put_random(a, "data/l2-a", 0644, 4000);
	put_hardlink(a, "data/l2-b", "data/l2-a", 0644);

	/* Type changes: folder -> file (with a whiteout, the folder is not
	 * empty), file -> folder and symlink -> file (without). */
	put_dir(a, "replace", 0755, 0, 0);
	put_whiteout(a, "replace", "dir");
	put_random(a, "replace/dir", 0644, 24);
	put_dir(a, "replace/file", 0711, 0, 0);
	put_random(a, "replace/file/child", 0644, 25);
	put_random(a, "replace/link", 0644, 26);

	/* Opaque folder: its lower contents vanish, new ones appear. */
	put_dir(a, "opaque", 0755, 0, 0);
	put_file(a, "opaque/.wh..wh..opq", 0644, NULL, 0);
	put_random(a, "opaque/new1", 0644, 27);
	put_dir(a, "opaque/sub", 0755, 0, 0);
	put_random(a, "opaque/sub/new2", 0644, 28);

	put(a, &(struct ent){ .path = "usr/bin/suid", .type = AE_IFREG, .mode = 0755,
			      .data = "#!/bin/true\n", .len = 12 }); /* setuid dropped */
	put_whiteout(a, "empty", "e1");
	put(a, &(struct ent){ .path = "xattr/user", .type = AE_IFREG, .mode = 0644, .data = "u2\n",
			      .len = 3, .xattrs = user_x2 });
}

static void edge_layer3(struct archive *a)
{
	put_whiteout(a, "other/dir", "link-to-original");
	put_whiteout(a, "links", "dangling");
	put_symlink(a, "links/dangling", "still/dangling");
	char *d49 = deep_path(50), *after = path_join(d49, "after-delete");
	put_whiteout(a, d49, "l50");
	put_random(a, after, 0644, 50);
	free(d49), free(after);
	put_random(a, "new-in-layer3", 0644, 3333);
}

static void make_edge(const char *dir)
{
	ensure_dir(dir);
	/* In a UTF-8 locale the pax writer stores UTF-8 names as plain "path"
	 * records, as GNU tar and image builders do (readers in the C locale
	 * then get ARCHIVE_WARN), and only the names that are not UTF-8 with
	 * hdrcharset=BINARY. */
	setlocale(LC_CTYPE, "C.UTF-8");
	rng_state = 0xed6e;
	static const struct {
		const char *name;
		enum comp comp;
		void (*fn)(struct archive *);
	} layers[] = {
		{ "layer1.tar", COMP_NONE, edge_layer1 },
		{ "layer2.tar.gz", COMP_GZIP, edge_layer2 },
		{ "layer3.tar.zst", COMP_ZSTD, edge_layer3 },
	};
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(dir, layers[i].name);
		struct archive *a = tar_create(p, layers[i].comp);
		layers[i].fn(a);
		tar_close(a, p);
		printf("%s\n", p);
		free(p);
	}
}

/* ---- producers: small, plain, for skopeo / umoci round trips ------------- */

/* Only what every producer keeps byte for byte: skopeo's zstd:chunked
 * converter (1.9) rewrites a PAX sparse file's data without its map, so the
 * edge image cannot serve as the common fixture. */
static void producers_layer1(struct archive *a)
{
	put_dir(a, "etc", 0755, 0, 0);
	put_file(a, "etc/os-release", 0644, "ID=powercut\nVERSION_ID=1\n", 25);
	put_dir(a, "usr", 0755, 0, 0);
	put_dir(a, "usr/bin", 0755, 0, 0);
	put_random(a, "usr/bin/tool", 0755, 70000);
	put_hardlink(a, "usr/bin/tool-alias", "usr/bin/tool", 0755);
	put_symlink(a, "bin", "usr/bin");
	put_dir(a, "usr/share", 0755, 0, 0);
	put_dir(a, "usr/share/doc", 0755, 0, 0);
	for (int i = 0; i < 40; i++) {
		char *p = xasprintf("usr/share/doc/file-%02d.txt", i);
		put_random(a, p, 0644, (size_t)(i * 97 % 3000));
		free(p);
	}
	put_dir(a, "var", 0755, 0, 0);
	put_dir(a, "var/cache", 0755, 0, 0);
	put_random(a, "var/cache/old", 0644, 100);
	put_dir(a, "home", 0755, 0, 0);
	put_dir(a, "home/user", 0700, 1000, 1000);
	put_random(a, "home/user/.profile", 0644, 300);
}

static void producers_layer2(struct archive *a)
{
	put_dir(a, "etc", 0755, 0, 0);
	put_file(a, "etc/os-release", 0644, "ID=powercut\nVERSION_ID=2\n", 25);
	put_dir(a, "usr", 0755, 0, 0);
	put_dir(a, "usr/share", 0755, 0, 0);
	put_dir(a, "usr/share/doc", 0755, 0, 0);
	put_whiteout(a, "usr/share/doc", "file-07.txt");
	put_dir(a, "var", 0755, 0, 0);
	put_dir(a, "var/cache", 0755, 0, 0);
	put_file(a, "var/cache/.wh..wh..opq", 0644, NULL, 0);
	put_random(a, "var/cache/new", 0644, 200);
	put_dir(a, "opt", 0755, 0, 0);
	put_dir(a, "opt/app", 0755, 0, 0);
	put_random(a, "opt/app/server", 0755, 120000);
}

static void producers_layer3(struct archive *a)
{
	put_dir(a, "opt", 0755, 0, 0);
	put_dir(a, "opt/app", 0755, 0, 0);
	put_random(a, "opt/app/config.json", 0644, 512);
	put_symlink(a, "opt/app/current", "/opt/app/server");
}

static void make_producers(const char *dir)
{
	ensure_dir(dir);
	rng_state = 0x9d0c;
	static const struct {
		const char *name;
		enum comp comp;
		void (*fn)(struct archive *);
	} layers[] = {
		{ "layer1.tar", COMP_NONE, producers_layer1 },
		{ "layer2.tar.gz", COMP_GZIP, producers_layer2 },
		{ "layer3.tar.zst", COMP_ZSTD, producers_layer3 },
	};
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(dir, layers[i].name);
		struct archive *a = tar_create(p, layers[i].comp);
		layers[i].fn(a);
		tar_close(a, p);
		printf("%s\n", p);
		free(p);
	}
}

/* ---- smallfiles: ~30,000 files of 0-8 KiB, like a Python ML image ------- */

static size_t small_size(void)
{
	unsigned r = (unsigned)(rng() % 100);
	if (r < 5)
		return 0;
	if (r < 65)
		return 1024 + rng() % 1024;
	if (r < 90)
		return 2048 + rng() % 2048;
	return 4096 + rng() % 4097;
}

static void make_smallfiles(const char *dir)
{
	ensure_dir(dir);
	rng_state = 0x5a11f11e5;
	char *buf = xmalloc(8193);
	for (int l = 0; l < 3; l++) {
		char name[64];
		snprintf(name, sizeof(name), "layer%d.tar.gz", l + 1);
		char *p = path_join(dir, name);
		struct archive *a = tar_create(p, COMP_GZIP);
		put_dir(a, "site-packages", 0755, 0, 0);
		if (l == 2) /* a few deletions of lower files, as pip upgrades do */
			for (int k = 0; k < 50; k++) {
				char d[64], f[32];
				snprintf(d, sizeof(d), "site-packages/pkg%03d/mod%02d", k, k % 10);
				snprintf(f, sizeof(f), "file%02d.py", k % 10);
				put_whiteout(a, d, f);
			}
		for (int pkg = 0; pkg < 100; pkg++) {
			char d[64];
			snprintf(d, sizeof(d), "site-packages/pkg%03d", pkg + 100 * l);
			put_dir(a, d, 0755, 0, 0);
			for (int mod = 0; mod < 10; mod++) {
				char m[96];
				snprintf(m, sizeof(m), "%s/mod%02d", d, mod);
				put_dir(a, m, 0755, 0, 0);
				for (int f = 0; f < 10; f++) {
					char fp[128];
					snprintf(fp, sizeof(fp), "%s/file%02d.py", m, f);
					size_t len = small_size();
					rng_text(buf, len);
					put_file(a, fp, f == 9 ? 0755 : 0644, buf, len);
				}
			}
			/* A few symlinks and hardlinks, as packages have. */
			char sl[96], hl[96], src[96];
			snprintf(sl, sizeof(sl), "%s/mod00/current.py", d);
			put_symlink(a, sl, "file00.py");
			if (pkg % 10 == 0) {
				snprintf(hl, sizeof(hl), "%s/mod01/copy.py", d);
				snprintf(src, sizeof(src), "%s/mod01/file00.py", d);
				put_hardlink(a, hl, src, 0644);
			}
		}
		tar_close(a, p);
		printf("%s\n", p);
		free(p);
	}
	free(buf);
}

/* ---- longpath: a file whose path is 5,038 bytes -------------------------- */

#define LONGPATH_LEN 5038

/* One layer, NAME in DIR: below long/, 20 directories of 240-byte names
 * (not archive members: created as parents, as tar and runtimes do) hold
 * a file whose whole path is LONGPATH_LEN bytes and a second file; a
 * lookup of the whole path at once fails (PATH_MAX is 4096).  No symlink
 * or directory member that deep: libarchive's writer cannot finish those
 * (it sets their owner and times by a path it cannot reach).  With MID,
 * the first 16 of the 20 directories are members (their paths stay below
 * PATH_MAX), the 16th one as MID says (its path and type are set here):
 * the unlisted ones below it are made in it past PATH_MAX and take after
 * it (a set-group-ID bit, a default ACL), and a whiteout below it makes
 * one more such folder beside them. */
static void longpath_tar(const char *dir, const char *name, struct ent *mid)
{
	char *p = path_join(dir, name);
	struct archive *a = tar_create(p, COMP_NONE);
	put_dir(a, "long", 0755, 0, 0);
	char *deep = xstrdup("long");
	for (int i = 0; i < 20; i++) {
		char *c = repeat((char)('a' + i), 240);
		char *q = xasprintf("%s/%02d%s", deep, i, c);
		free(c);
		free(deep);
		deep = q;
		if (mid && i < 15) {
			put_dir(a, deep, 0755, 0, 0);
		} else if (mid && i == 15) {
			mid->path = deep;
			mid->type = AE_IFDIR;
			put(a, mid);
			/* a whiteout in a folder no layer has: the folder is
			 * made (past PATH_MAX), as a parent no entry lists */
			char *z = repeat('z', 240);
			char *wdir = xasprintf("%s/16%s", deep, z);
			put_whiteout(a, wdir, "gone");
			free(wdir);
			free(z);
		}
	}
	size_t used = strlen(deep) + 1; /* the '/' before the file name */
	char *fname = repeat('f', LONGPATH_LEN - used);
	char *file = xasprintf("%s/%s", deep, fname);
	if (strlen(file) != LONGPATH_LEN)
		die("longpath: %zu bytes, not %d", strlen(file), LONGPATH_LEN);
	put_file(a, file, 0644, "at the bottom\n", 14);
	char *other = path_join(deep, "other");
	put_random(a, other, 0600, 70000);
	tar_close(a, p);
	printf("%s\n", p);
	free(p);
	free(deep);
	free(fname);
	free(file);
	free(other);
}

/* longpath.tar as above; longpath-sgid.tar with a set-group-ID folder and
 * longpath-acl.tar with a default ACL on a folder a little short of
 * PATH_MAX, the folders made below it past PATH_MAX. */
static void make_longpath(const char *dir)
{
	ensure_dir(dir);
	longpath_tar(dir, "longpath.tar", NULL);
	longpath_tar(dir, "longpath-sgid.tar", &(struct ent){ .mode = 02775, .gid = 50 });
	longpath_tar(dir, "longpath-acl.tar",
		     &(struct ent){ .mode = 0755, .acl_default = "user::rwx,user:1234:rwx,"
								 "group::r-x,mask::rwx,other::r-x" });
}

/* ---- blobs and JSON for image layouts ------------------------------------- */

static char *sha256_hex_buf(const void *p, size_t n)
{
	unsigned char md[32];
	char hex[65];
	unsigned int len;
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1)
		die("sha256 failed");
	pc_hex(md, 32, hex);
	return xstrdup(hex);
}

/* Deterministic JSON text. */
static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		die("json_dumps failed");
	return s;
}

/* A layer's facts: compressed digest and size, diff_id, media type. */
struct layer_info {
	const char *path;
	char *hex;      /* sha256 of the file */
	uint64_t size;
	char *diff_hex; /* sha256 of the uncompressed tar */
	uint64_t diff_size;
	const char *media_type;
	char *tar_copy; /* uncompressed copy (docker-save), or NULL */
};

static const char *media_type_of(const char *path)
{
	unsigned char b[4] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	if (read(fd, b, 4) < 0)
		die("read %s: %s", path, strerror(errno));
	close(fd);
	if (b[0] == 0x1f && b[1] == 0x8b)
		return "application/vnd.oci.image.layer.v1.tar+gzip";
	if (b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return "application/vnd.oci.image.layer.v1.tar+zstd";
	return "application/vnd.oci.image.layer.v1.tar";
}

static void hash_update_fd_copy(EVP_MD_CTX *ctx, int in, int out, const char *what, uint64_t *n)
{
	char *buf = xmalloc(IO_CHUNK);
	for (;;) {
		ssize_t r = read(in, buf, IO_CHUNK);
		if (r < 0)
			die("read %s: %s", what, strerror(errno));
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		if (out >= 0 && write(out, buf, (size_t)r) != r)
			die("write copy of %s: %s", what, strerror(errno));
		*n += (uint64_t)r;
	}
	free(buf);
}

static char *ctx_hex(EVP_MD_CTX *ctx)
{
	unsigned char md[32];
	char hex[65];
	unsigned int len;
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	pc_hex(md, 32, hex);
	return xstrdup(hex);
}

/* Digest the file; copy it to COPY_TO when given. */
static void file_digest(const char *path, const char *copy_to, char **hex, uint64_t *size)
{
	int in = open(path, O_RDONLY);
	if (in < 0)
		die("open %s: %s", path, strerror(errno));
	int out = copy_to ? open(copy_to, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
	if (copy_to && out < 0)
		die("create %s: %s", copy_to, strerror(errno));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	*size = 0;
	hash_update_fd_copy(ctx, in, out, path, size);
	close(in);
	if (out >= 0 && close(out) < 0)
		die("close %s: %s", copy_to, strerror(errno));
	*hex = ctx_hex(ctx);
}

/* Decompress PATH (libarchive's raw format with every filter), hashing, and
 * keep the uncompressed tar in TAR_OUT when given. */
static void diff_digest(struct layer_info *li, const char *tar_out)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	if (archive_read_open_filename(a, li->path, 64 * 1024) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		die("read %s: %s", li->path, archive_error_string(a));
	int out = tar_out ? open(tar_out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
	if (tar_out && out < 0)
		die("create %s: %s", tar_out, strerror(errno));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	char *buf = xmalloc(IO_CHUNK);
	li->diff_size = 0;
	for (;;) {
		la_ssize_t r = archive_read_data(a, buf, IO_CHUNK);
		if (r < 0)
			die("decompress %s: %s", li->path, archive_error_string(a));
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		if (out >= 0 && write(out, buf, (size_t)r) != r)
			die("write %s: %s", tar_out, strerror(errno));
		li->diff_size += (uint64_t)r;
	}
	free(buf);
	if (out >= 0 && close(out) < 0)
		die("close %s: %s", tar_out, strerror(errno));
	archive_read_free(a);
	li->diff_hex = ctx_hex(ctx);
}

static json_t *descriptor(const char *media_type, const char *hex, uint64_t size)
{
	char *digest = xasprintf("sha256:%s", hex);
	json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest,
			      "size", (json_int_t)size);
	free(digest);
	return d;
}

/* ---- oci: an image layout with tags, platforms and nested indexes -------- */

struct blobdir {
	const char *dir; /* .../blobs/sha256 */
};

/* Write TEXT as a blob; returns its hex digest. */
static char *put_blob(const struct blobdir *b, const char *text, uint64_t *size)
{
	char *hex = sha256_hex_buf(text, strlen(text));
	char *p = path_join(b->dir, hex);
	if (pc_write_file(p, text, strlen(text), 0) < 0)
		exit(1);
	free(p);
	*size = strlen(text);
	return hex;
}

static json_t *config_json(const char *arch, const char *variant, struct layer_info *li, size_t n)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++) {
		char *id = xasprintf("sha256:%s", li[i].diff_hex);
		json_array_append_new(ids, json_string(id));
		free(id);
	}
	json_t *c = json_pack("{s:s, s:s, s:s, s:{s:[s]}, s:{s:s, s:o}}", "architecture", arch,
			      "os", "linux", "created", "2023-11-14T22:13:20Z", "config", "Cmd",
			      "/bin/sh", "rootfs", "type", "layers", "diff_ids", ids);
	if (variant)
		json_object_set_new(c, "variant", json_string(variant));
	return c;
}

/* An image manifest over LI[0..n) for ARCH; returns its descriptor. */
static json_t *image_manifest(const struct blobdir *b, const char *arch, const char *variant,
			      struct layer_info *li, size_t n)
{
	json_t *cfg = config_json(arch, variant, li, n);
	char *ctext = json_text(cfg);
	uint64_t csize;
	char *chex = put_blob(b, ctext, &csize);
	json_t *layers = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(layers, descriptor(li[i].media_type, li[i].hex, li[i].size));
	json_t *m = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType",
			      "application/vnd.oci.image.manifest.v1+json", "config",
			      descriptor("application/vnd.oci.image.config.v1+json", chex, csize),
			      "layers", layers);
	char *mtext = json_text(m);
	uint64_t msize;
	char *mhex = put_blob(b, mtext, &msize);
	json_t *d = descriptor("application/vnd.oci.image.manifest.v1+json", mhex, msize);
	free(mtext), free(mhex), free(ctext), free(chex);
	json_decref(m);
	json_decref(cfg);
	return d;
}

static void with_platform(json_t *d, const char *arch, const char *variant)
{
	json_t *p = json_pack("{s:s, s:s}", "os", "linux", "architecture", arch);
	if (variant)
		json_object_set_new(p, "variant", json_string(variant));
	json_object_set_new(d, "platform", p);
}

static void with_ref(json_t *d, const char *ref)
{
	json_object_set_new(d, "annotations",
			    json_pack("{s:s}", "org.opencontainers.image.ref.name", ref));
}

static json_t *index_blob(const struct blobdir *b, json_t *manifests)
{
	json_t *idx = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType",
				"application/vnd.oci.image.index.v1+json", "manifests", manifests);
	char *text = json_text(idx);
	uint64_t size;
	char *hex = put_blob(b, text, &size);
	json_t *d = descriptor("application/vnd.oci.image.index.v1+json", hex, size);
	free(text), free(hex);
	json_decref(idx);
	return d;
}

static void write_json_file(const char *path, json_t *j)
{
	char *text = json_text(j);
	if (pc_write_file(path, text, strlen(text), 0) < 0)
		exit(1);
	free(text);
}

/* Layout:
 *   index.json: "latest" -> amd64 manifest (all layers, no platform field,
 *               as skopeo writes it);
 *               "multi"  -> index { linux/amd64 manifest,
 *                                   nested index { linux/arm64/v8 manifest
 *                                                  (first layer only) } }. */
static void make_oci(const char *dir, char **paths, size_t n)
{
	char *blobs = xasprintf("%s/blobs/sha256", dir);
	ensure_dir(blobs);
	struct blobdir b = { blobs };
	struct layer_info *li = xcalloc(n, sizeof(*li));
	for (size_t i = 0; i < n; i++) {
		li[i].path = paths[i];
		li[i].media_type = media_type_of(paths[i]);
		char *tmp = path_join(blobs, "tmp-layer");
		file_digest(paths[i], tmp, &li[i].hex, &li[i].size);
		char *final = path_join(blobs, li[i].hex);
		if (rename(tmp, final) < 0)
			die("rename %s: %s", tmp, strerror(errno));
		free(tmp), free(final);
		diff_digest(&li[i], NULL);
	}
	json_t *amd64 = image_manifest(&b, "amd64", NULL, li, n);
	json_t *arm64 = image_manifest(&b, "arm64", "v8", li, 1);
	with_platform(arm64, "arm64", "v8");
	json_t *inner = index_blob(&b, json_pack("[o]", arm64));
	json_t *amd64p = json_deep_copy(amd64);
	with_platform(amd64p, "amd64", NULL);
	json_t *multi = index_blob(&b, json_pack("[o, o]", amd64p, inner));
	with_ref(multi, "multi");
	with_ref(amd64, "latest");
	json_t *top = json_pack("{s:i, s:s, s:[o, o]}", "schemaVersion", 2, "mediaType",
				"application/vnd.oci.image.index.v1+json", "manifests", amd64, multi);
	char *ip = path_join(dir, "index.json"), *lp = path_join(dir, "oci-layout");
	write_json_file(ip, top);
	json_t *layout = json_pack("{s:s}", "imageLayoutVersion", "1.0.0");
	write_json_file(lp, layout);
	json_decref(layout);
	json_decref(top);
	free(ip), free(lp);
	for (size_t i = 0; i < n; i++)
		free(li[i].hex), free(li[i].diff_hex);
	free(li);
	free(blobs);
	printf("%s\n", dir);
}

/* ---- estargz: a layer as eStargz writes it ---------------------------------- */

/* DATA[0..len) as one gzip member, appended to OUT (libarchive's raw
 * format: the data of one entry, through the gzip filter). */
static void gzip_member(FILE *out, const void *data, size_t len, const char *what)
{
	size_t cap = len + len / 8 + 1024, used = 0;
	char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_raw(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
		die("gzip %s: %s", what, archive_error_string(a));
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len) ||
	    archive_write_close(a) != ARCHIVE_OK)
		die("gzip %s: %s", what, archive_error_string(a));
	archive_entry_free(e);
	archive_write_free(a);
	if (fwrite(buf, 1, used, out) != used)
		die("write %s: %s", what, strerror(errno));
	free(buf);
}

/* The layer's entries re-written as a pax tar in memory, with the
 * no-prefetch landmark first and the TOC `stargz.index.json` last (listing
 * every other entry, as the eStargz specification asks); *toc_off gets the
 * offset of the TOC's tar header. */
static char *estargz_tar(const char *layer, size_t *len, size_t *toc_off)
{
	struct archive *in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	if (archive_read_open_filename(in, layer, 64 * 1024) != ARCHIVE_OK)
		die("open %s: %s", layer, archive_error_string(in));
	size_t cap = 64u << 20;
	char *buf = xmalloc(cap);
	struct archive *out = archive_write_new();
	archive_write_set_format_pax(out);
	archive_write_set_bytes_per_block(out, 0); /* unbuffered: offsets are exact */
	if (archive_write_open_memory(out, buf, cap, len) != ARCHIVE_OK)
		die("tar in memory: %s", archive_error_string(out));
	json_t *entries = json_array();
	put_file(out, ".no.prefetch.landmark", 0644, "\xf", 1);
	json_array_append_new(entries, json_pack("{s:s, s:s, s:i, s:i}", "name",
						 ".no.prefetch.landmark", "type", "reg", "size", 1,
						 "mode", 0644));
	struct archive_entry *e;
	int r;
	char *data = xmalloc(IO_CHUNK);
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (archive_write_header(out, e) < ARCHIVE_WARN)
			die("write %s: %s", archive_entry_pathname(e), archive_error_string(out));
		la_ssize_t n;
		while ((n = archive_read_data(in, data, IO_CHUNK)) > 0)
			if (archive_write_data(out, data, (size_t)n) != n)
				die("write %s: %s", archive_entry_pathname(e), archive_error_string(out));
		if (n < 0)
			die("read %s: %s", layer, archive_error_string(in));
		unsigned t = archive_entry_filetype(e);
		const char *type = archive_entry_hardlink(e) ? "hardlink" : t == AE_IFDIR ? "dir"
				   : t == AE_IFLNK ? "symlink" : "reg";
		json_t *j = json_pack("{s:s, s:s, s:I, s:i}", "name", archive_entry_pathname(e),
				      "type", type, "size", (json_int_t)archive_entry_size(e), "mode",
				      (int)archive_entry_perm(e));
		const char *link = archive_entry_hardlink(e) ? archive_entry_hardlink(e)
							     : archive_entry_symlink(e);
		if (link)
			json_object_set_new(j, "linkName", json_string(link));
		json_array_append_new(entries, j);
	}
	if (r != ARCHIVE_EOF)
		die("read %s: %s", layer, archive_error_string(in));
	free(data);
	archive_read_free(in);
	*toc_off = (size_t)archive_filter_bytes(out, -1);
	json_t *toc = json_pack("{s:i, s:o}", "version", 1, "entries", entries);
	char *text = json_text(toc);
	put_file(out, "stargz.index.json", 0644, text, strlen(text));
	free(text);
	json_decref(toc);
	if (archive_write_close(out) != ARCHIVE_OK)
		die("tar in memory: %s", archive_error_string(out));
	archive_write_free(out);
	return buf;
}

/* eStargz-shaped: the entries, then the TOC as its own gzip member, then the
 * 51-byte footer whose extra field holds the TOC member's offset.  (Real
 * writers also give each regular file its own gzip member for lazy pulling;
 * a full reader does not see the difference.) */
static void make_estargz(const char *outpath, const char *layer)
{
	size_t len, toc_off;
	char *tar = estargz_tar(layer, &len, &toc_off);
	FILE *out = fopen(outpath, "wb");
	if (!out)
		die("create %s: %s", outpath, strerror(errno));
	gzip_member(out, tar, toc_off, outpath);
	long toc_gz = ftell(out);
	gzip_member(out, tar + toc_off, len - toc_off, outpath);
	unsigned char footer[51] = { 0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 26, 0, 'S', 'G', 22, 0 };
	char extra[23];
	snprintf(extra, sizeof(extra), "%016lxSTARGZ", (unsigned long)toc_gz);
	memcpy(footer + 16, extra, 22);
	static const unsigned char empty_deflate[5] = { 1, 0, 0, 0xff, 0xff };
	memcpy(footer + 38, empty_deflate, 5); /* then CRC32 and ISIZE of nothing: zeros */
	if (fwrite(footer, 1, sizeof(footer), out) != sizeof(footer) || fclose(out) != 0)
		die("write %s: %s", outpath, strerror(errno));
	free(tar);
	printf("%s\n", outpath);
}

/* ---- docker-save archives ---------------------------------------------------- */

static void put_member(struct archive *a, const char *name, const void *data, size_t len)
{
	put_file(a, name, 0644, data, len);
}

static void put_member_file(struct archive *a, const char *name, const char *src, uint64_t size)
{
	struct ent x = { .path = name, .type = AE_IFREG, .mode = 0644 };
	struct archive_entry *e = ent_new(&x);
	archive_entry_set_size(e, (la_int64_t)size);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		die("write %s: %s", name, archive_error_string(a));
	int fd = open(src, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", src, strerror(errno));
	char *buf = xmalloc(IO_CHUNK);
	for (;;) {
		ssize_t r = read(fd, buf, IO_CHUNK);
		if (r < 0)
			die("read %s: %s", src, strerror(errno));
		if (r == 0)
			break;
		if (archive_write_data(a, buf, (size_t)r) != r)
			die("write %s: %s", name, archive_error_string(a));
	}
	free(buf);
	close(fd);
	archive_entry_free(e);
}

static void put_member_json(struct archive *a, const char *name, json_t *j)
{
	char *text = json_text(j);
	put_member(a, name, text, strlen(text));
	free(text);
}

/* Layers are stored uncompressed, as docker save does; a layer identical to
 * an earlier one becomes a symlink to it (legacy) or shares its blob. */
static void make_docker_save(const char *file, char **paths, size_t n, int oci)
{
	struct layer_info *li = xcalloc(n, sizeof(*li));
	for (size_t i = 0; i < n; i++) {
		li[i].path = paths[i];
		li[i].tar_copy = xasprintf("%s.layer%zu.tmp", file, i);
		diff_digest(&li[i], li[i].tar_copy);
		li[i].hex = xstrdup(li[i].diff_hex);
		li[i].size = li[i].diff_size;
		li[i].media_type = "application/vnd.oci.image.layer.v1.tar";
	}
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, file) != ARCHIVE_OK)
		die("create %s: %s", file, archive_error_string(a));
	json_t *cfg = config_json("amd64", NULL, li, n);
	char *ctext = json_text(cfg);
	char *chex = sha256_hex_buf(ctext, strlen(ctext));
	json_t *layers = json_array();
	char **ids = xcalloc(n, sizeof(*ids));
	const char *prev_id = NULL;
	if (oci)
		put_dir(a, "blobs", 0755, 0, 0), put_dir(a, "blobs/sha256", 0755, 0, 0);
	for (size_t i = 0; i < n; i++) {
		size_t first = i;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(li[k].hex, li[i].hex)) {
				first = k;
				break;
			}
		if (oci) {
			char *name = xasprintf("blobs/sha256/%s", li[i].hex);
			if (first == i)
				put_member_file(a, name, li[i].tar_copy, li[i].size);
			json_array_append_new(layers, json_string(name));
			free(name);
			continue;
		}
		/* Legacy: <id>/{VERSION,json,layer.tar}; the id chains the parents. */
		char *seed = xasprintf("%s %s %zu", prev_id ? prev_id : "", li[i].hex, i);
		char *id = sha256_hex_buf(seed, strlen(seed));
		free(seed);
		char *d = xasprintf("%s", id), *v = xasprintf("%s/VERSION", id),
		     *js = xasprintf("%s/json", id), *lt = xasprintf("%s/layer.tar", id);
		put_dir(a, d, 0755, 0, 0);
		put_member(a, v, "1.0", 3);
		json_t *lj = json_pack("{s:s}", "id", id);
		if (prev_id)
			json_object_set_new(lj, "parent", json_string(prev_id));
		put_member_json(a, js, lj);
		json_decref(lj);
		if (first == i) {
			put_member_file(a, lt, li[i].tar_copy, li[i].size);
		} else {
			char *target = xasprintf("../%s/layer.tar", ids[first]);
			put_symlink(a, lt, target);
			free(target);
		}
		json_array_append_new(layers, json_string(lt));
		free(d), free(v), free(js), free(lt);
		ids[i] = id;
		prev_id = id;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	char *cname = oci ? xasprintf("blobs/sha256/%s", chex) : xasprintf("%s.json", chex);
	put_member(a, cname, ctext, strlen(ctext));
	if (oci) {
		/* Docker 25+ also writes the manifest and an index. */
		json_t *ls = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(ls, descriptor(li[i].media_type, li[i].hex, li[i].size));
		json_t *m = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType",
				      "application/vnd.oci.image.manifest.v1+json", "config",
				      descriptor("application/vnd.oci.image.config.v1+json", chex,
						 strlen(ctext)),
				      "layers", ls);
		char *mtext = json_text(m);
		char *mhex = sha256_hex_buf(mtext, strlen(mtext));
		char *mname = xasprintf("blobs/sha256/%s", mhex);
		put_member(a, mname, mtext, strlen(mtext));
		json_t *md = descriptor("application/vnd.oci.image.manifest.v1+json", mhex,
					strlen(mtext));
		with_ref(md, "latest");
		json_object_set_new(json_object_get(md, "annotations"), "io.containerd.image.name",
				    json_string("docker.io/powercut/fixture:latest"));
		json_t *idx = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType",
					"application/vnd.oci.image.index.v1+json", "manifests", md);
		put_member_json(a, "index.json", idx);
		json_t *layout = json_pack("{s:s}", "imageLayoutVersion", "1.0.0");
		put_member_json(a, "oci-layout", layout);
		json_decref(layout);
		json_decref(idx);
		json_decref(m);
		free(mtext), free(mhex), free(mname);
	}
	json_t *manifest = json_pack("[{s:s, s:[s], s:o}]", "Config", cname, "RepoTags",
				     "powercut/fixture:latest", "Layers", layers);
	put_member_json(a, "manifest.json", manifest);
	json_decref(manifest);
	if (archive_write_close(a) != ARCHIVE_OK)
		die("finish %s: %s", file, archive_error_string(a));
	archive_write_free(a);
	for (size_t i = 0; i < n; i++) {
		unlink(li[i].tar_copy);
		free(li[i].tar_copy), free(li[i].hex), free(li[i].diff_hex);
	}
	free(li);
	free(cname), free(ctext), free(chex);
	json_decref(cfg);
	printf("%s\n", file);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mkfixtures edge DIR\n"
		   "       mkfixtures smallfiles DIR\n"
		   "       mkfixtures producers DIR\n"
		   "       mkfixtures longpath DIR\n"
		   "       mkfixtures estargz OUT LAYER\n"
		   "       mkfixtures oci DIR LAYER...\n"
		   "       mkfixtures docker-save FILE LAYER...\n"
		   "       mkfixtures docker-save-oci FILE LAYER...\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "edge"))
		make_edge(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "smallfiles"))
		make_smallfiles(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "producers"))
		make_producers(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "longpath"))
		make_longpath(argv[2]);
	else if (argc == 4 && !strcmp(argv[1], "estargz"))
		make_estargz(argv[2], argv[3]);
	else if (argc >= 4 && !strcmp(argv[1], "oci"))
		make_oci(argv[2], argv + 3, (size_t)(argc - 3));
	else if (argc >= 4 && !strcmp(argv[1], "docker-save"))
		make_docker_save(argv[2], argv + 3, (size_t)(argc - 3), 0);
	else if (argc >= 4 && !strcmp(argv[1], "docker-save-oci"))
		make_docker_save(argv[2], argv + 3, (size_t)(argc - 3), 1);
	else {
		usage(stderr);
		return 2;
	}
	return 0;
}
