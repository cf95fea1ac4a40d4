/* mkimage.c - deterministic test images: `mkimage MODE DIR`.
 *
 * Every layer is a pax tar (xattrs, long names and big ids need it) written
 * with libarchive.  Nothing depends on the clock, the environment or rand():
 * fixed mtimes, no gzip timestamp, and a seeded xorshift generator of our
 * own, so the same command writes the same bytes every time.
 *
 * Modes are listed in the table at the end; add new ones there (and to
 * images/README.md).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/util.h"

#define MTIME 1700000000 /* 2023-11-14, for every entry */
#define KIB 1024u
#define MIB (1024u * 1024u)

/* ---- deterministic randomness ------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* xorshift64* (Marsaglia / Vigna) */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static uint32_t rnd_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rnd(r) % n);
}

static uint32_t rnd_between(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rnd_below(r, hi - lo + 1);
}

static const char *const syllables[] = {
	"ac", "al", "ar", "ba", "be", "ca", "co", "da", "de", "el", "en", "fa", "fi", "ga",
	"ge", "ha", "in", "io", "ka", "la", "le", "li", "lo", "ma", "me", "mi", "na", "ne",
	"no", "or", "pa", "pe", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te",
	"ti", "to", "un", "ur", "va", "ve", "xa", "zo",
};
#define NSYL (sizeof(syllables) / sizeof(syllables[0]))

/* A pronounceable word of 2-4 syllables into buf. */
static const char *word(struct rng *r, char *buf, size_t len)
{
	unsigned n = rnd_between(r, 2, 4);
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		strncat(buf, syllables[rnd_below(r, NSYL)], len - strlen(buf) - 1);
	return buf;
}

/* File contents: text (words, compresses well) or "binary" (runs of random
 * bytes and repeated patterns, compresses about 2:1, like executables). */
static void fill(struct rng *r, unsigned char *buf, size_t n, int text)
{
	size_t i = 0;
	while (i < n) {
		if (text) {
			char w[16];
			word(r, w, sizeof(w));
			size_t k = strlen(w);
			for (size_t j = 0; j < k && i < n; j++)
				buf[i++] = (unsigned char)w[j];
			if (i < n)
				buf[i++] = rnd_below(r, 8) ? ' ' : '\n';
		} else if (rnd_below(r, 2)) {
			uint64_t v = rnd(r);
			for (int j = 0; j < 8 && i < n; j++, v >>= 8)
				buf[i++] = (unsigned char)v;
		} else {
			unsigned char b = (unsigned char)rnd(r);
			for (int j = 0; j < 16 && i < n; j++)
				buf[i++] = b;
		}
	}
}

/* ---- layer writing ------------------------------------------------------ */

enum compression { C_NONE, C_GZIP, C_ZSTD };

struct layer {
	struct archive *a;
	char *path;
	struct rng *r;
	unsigned long entries;
	uint64_t bytes;
};

static void die_archive(struct layer *l, const char *what)
{
	fprintf(stderr, "mkimage: %s: %s: %s\n", l->path, what, archive_error_string(l->a));
	exit(1);
}

static void layer_open(struct layer *l, const char *dir, const char *name,
		       enum compression c, struct rng *r)
{
	memset(l, 0, sizeof(*l));
	l->path = xasprintf("%s/%s", dir, name);
	l->r = r;
	l->a = archive_write_new();
	if (!l->a) {
		fprintf(stderr, "mkimage: out of memory\n");
		exit(1);
	}
	if (archive_write_set_format_pax(l->a) != ARCHIVE_OK)
		die_archive(l, "pax format");
	if (c == C_GZIP) {
		if (archive_write_add_filter_gzip(l->a) != ARCHIVE_OK ||
		    /* no mtime in the gzip header: same bytes every run */
		    archive_write_set_filter_option(l->a, "gzip", "timestamp", NULL) != ARCHIVE_OK)
			die_archive(l, "gzip");
	} else if (c == C_ZSTD) {
		if (archive_write_add_filter_zstd(l->a) != ARCHIVE_OK)
			die_archive(l, "zstd");
	}
	if (archive_write_open_filename(l->a, l->path) != ARCHIVE_OK)
		die_archive(l, "create");
}

static void layer_close(struct layer *l)
{
	if (archive_write_close(l->a) != ARCHIVE_OK)
		die_archive(l, "close");
	archive_write_free(l->a);
	printf("mkimage: %s: %lu entries, %llu bytes of file data\n", l->path, l->entries,
	       (unsigned long long)l->bytes);
	free(l->path);
}

struct attrs {
	unsigned mode;
	unsigned uid, gid;
	const char *xname, *xvalue; /* one xattr, optional */
};

static struct archive_entry *new_entry(const char *path, unsigned type,
				       const struct attrs *at)
{
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		fprintf(stderr, "mkimage: out of memory\n");
		exit(1);
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, at->mode);
	archive_entry_set_uid(e, at->uid);
	archive_entry_set_gid(e, at->gid);
	archive_entry_set_mtime(e, MTIME, 0);
	if (at->xname)
		archive_entry_xattr_add_entry(e, at->xname, at->xvalue, strlen(at->xvalue));
	return e;
}

static void put(struct layer *l, struct archive_entry *e)
{
	if (archive_write_header(l->a, e) != ARCHIVE_OK)
		die_archive(l, archive_entry_pathname(e));
	l->entries++;
}

static const struct attrs DIR755 = { 0755, 0, 0, NULL, NULL };
static const struct attrs FILE644 = { 0644, 0, 0, NULL, NULL };
static const struct attrs EXEC755 = { 0755, 0, 0, NULL, NULL };

static void add_dir(struct layer *l, const char *path, const struct attrs *at)
{
	struct archive_entry *e = new_entry(path, AE_IFDIR, at);
	put(l, e);
	archive_entry_free(e);
}

/* A regular file of SIZE generated bytes (TEXT: words). */
static void add_file(struct layer *l, const char *path, const struct attrs *at, size_t size,
		     int text)
{
	struct archive_entry *e = new_entry(path, AE_IFREG, at);
	archive_entry_set_size(e, (la_int64_t)size);
	put(l, e);
	static unsigned char buf[256 * KIB];
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		fill(l->r, buf, n, text);
		if (archive_write_data(l->a, buf, n) != (la_ssize_t)n)
			die_archive(l, path);
		done += n;
	}
	l->bytes += size;
	archive_entry_free(e);
}

static void add_text(struct layer *l, const char *path, const struct attrs *at,
		     const char *content)
{
	struct archive_entry *e = new_entry(path, AE_IFREG, at);
	size_t n = strlen(content);
	archive_entry_set_size(e, (la_int64_t)n);
	put(l, e);
	if (n && archive_write_data(l->a, content, n) != (la_ssize_t)n)
		die_archive(l, path);
	l->bytes += n;
	archive_entry_free(e);
}

static void add_symlink(struct layer *l, const char *path, const char *target)
{
	static const struct attrs at = { 0777, 0, 0, NULL, NULL };
	struct archive_entry *e = new_entry(path, AE_IFLNK, &at);
	archive_entry_set_symlink(e, target);
	put(l, e);
	archive_entry_free(e);
}

/* AT: the target's attributes, which a builder's hardlink header repeats
 * (the runtimes apply the link's, libarchive keeps the target's). */
static void add_hardlink(struct layer *l, const char *path, const char *target,
			 const struct attrs *at)
{
	struct archive_entry *e = new_entry(path, AE_IFREG, at);
	archive_entry_set_hardlink(e, target);
	archive_entry_set_size(e, 0);
	put(l, e);
	archive_entry_free(e);
}

/* OCI whiteout: DIR/.wh.NAME deletes DIR/NAME of lower layers. */
static void add_whiteout(struct layer *l, const char *dir, const char *name)
{
	char *p = xasprintf("%s/.wh.%s", dir, name);
	add_text(l, p, &FILE644, "");
	free(p);
}

/* OCI opaque whiteout: hides everything lower layers put in DIR. */
static void add_opaque(struct layer *l, const char *dir)
{
	char *p = xasprintf("%s/.wh..wh..opq", dir);
	add_text(l, p, &FILE644, "");
	free(p);
}

/* Many small files (0-16 KiB, most under 4 KiB), now and then a medium one. */
static size_t small_size(struct rng *r)
{
	return rnd_below(r, 10) < 7 ? rnd_below(r, 4 * KIB) : rnd_between(r, 4 * KIB, 16 * KIB);
}

static size_t medium_size(struct rng *r)
{
	return rnd_between(r, 64 * KIB, 1 * MIB);
}

/* ---- the sample image --------------------------------------------------- */

#define NPKG 300

struct sample {
	struct rng r;
	char pkg[NPKG][24]; /* package names, used for doc and dpkg files */
};

/* Files of a package under a few trees. */
static void sample_packages(struct layer *l, struct sample *s)
{
	char path[512];
	for (unsigned i = 0; i < NPKG; i++) {
		char w[16];
		snprintf(s->pkg[i], sizeof(s->pkg[i]), "%s%u", word(&s->r, w, sizeof(w)), i);
		const char *p = s->pkg[i];
		snprintf(path, sizeof(path), "usr/share/doc/%s", p);
		add_dir(l, path, &DIR755);
		snprintf(path, sizeof(path), "usr/share/doc/%s/copyright", p);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
		snprintf(path, sizeof(path), "usr/share/doc/%s/changelog.Debian.gz", p);
		add_file(l, path, &FILE644, small_size(&s->r), 0);
		snprintf(path, sizeof(path), "var/lib/dpkg/info/%s.list", p);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
		snprintf(path, sizeof(path), "var/lib/dpkg/info/%s.md5sums", p);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
	}
}

static void sample_layer1(struct layer *l, struct sample *s)
{
	static const char *const dirs[] = {
		"etc", "etc/alternatives", "etc/default", "etc/ssl", "etc/ssl/certs", "usr",
		"usr/bin", "usr/sbin", "usr/lib", "usr/lib/x86_64-linux-gnu",
		"usr/lib/python3", "usr/lib/python3/dist-packages", "usr/include",
		"usr/share", "usr/share/doc", "usr/share/locale", "usr/share/data",
		"var", "var/lib", "var/lib/dpkg", "var/lib/dpkg/info", "var/cache",
		"var/cache/apt", "var/log", "home", "root", "opt",
	};
	char path[512], w[16];
	add_dir(l, ".", &DIR755);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		add_dir(l, dirs[i], &DIR755);
	add_dir(l, "tmp", &(struct attrs){ 01777, 0, 0, NULL, NULL });
	add_dir(l, "home/user", &(struct attrs){ 0750, 1000, 1000, NULL, NULL });
	add_symlink(l, "bin", "usr/bin");
	add_symlink(l, "sbin", "usr/sbin");
	add_symlink(l, "lib", "usr/lib");

	add_text(l, "etc/os-release", &FILE644, "PRETTY_NAME=\"powercut sample 1\"\nID=sample\n");
	add_text(l, "etc/hostname", &FILE644, "sample\n");
	for (unsigned i = 0; i < 150; i++) {
		snprintf(path, sizeof(path), "etc/%s%u.conf", word(&s->r, w, sizeof(w)), i);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
	}
	for (unsigned i = 0; i < 120; i++) {
		snprintf(path, sizeof(path), "etc/ssl/certs/ca-%u.pem", i);
		add_file(l, path, &FILE644, rnd_between(&s->r, 1200, 2400), 1);
	}

	/* Executables: small ones, some medium; setuid, other owners, xattrs. */
	for (unsigned i = 0; i < 260; i++) {
		struct attrs at = EXEC755;
		if (i % 37 == 0)
			at.mode = 04755;
		if (i % 23 == 0) {
			at.xname = "user.mime_type";
			at.xvalue = "application/x-executable";
		}
		snprintf(path, sizeof(path), "usr/bin/%s%u", word(&s->r, w, sizeof(w)), i);
		add_file(l, path, &at, i % 20 == 0 ? medium_size(&s->r) : small_size(&s->r), 0);
	}
	for (unsigned i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "usr/sbin/%s%u", word(&s->r, w, sizeof(w)), i);
		add_file(l, path, &(struct attrs){ 0700, 0, 0, NULL, NULL }, small_size(&s->r), 0);
	}
	/* Hardlinks: within one directory and across directories. */
	add_file(l, "usr/bin/perl5.36.0", &EXEC755, 300 * KIB, 0);
	add_hardlink(l, "usr/bin/perl", "usr/bin/perl5.36.0", &EXEC755);
	add_file(l, "usr/bin/python3.11", &EXEC755, 700 * KIB, 0);
	add_hardlink(l, "usr/lib/python3/python3.11-hardlink", "usr/bin/python3.11", &EXEC755);
	add_hardlink(l, "usr/sbin/python3-admin", "usr/bin/python3.11", &EXEC755);
	add_file(l, "usr/bin/gzip", &EXEC755, 90 * KIB, 0);
	add_hardlink(l, "usr/bin/gunzip", "usr/bin/gzip", &EXEC755);
	add_hardlink(l, "usr/bin/zcat", "usr/bin/gzip", &EXEC755);
	/* Symlinks, relative and absolute. */
	add_file(l, "usr/bin/vim.basic", &EXEC755, 900 * KIB, 0);
	add_symlink(l, "etc/alternatives/editor", "/usr/bin/vim.basic");
	add_symlink(l, "usr/bin/editor", "/etc/alternatives/editor");
	add_symlink(l, "usr/bin/vi", "vim.basic");
	add_symlink(l, "usr/bin/python3", "python3.11");

	/* Shared libraries with their soname links. */
	for (unsigned i = 0; i < 200; i++) {
		char real[512], link[512];
		const char *n = word(&s->r, w, sizeof(w));
		snprintf(real, sizeof(real), "usr/lib/x86_64-linux-gnu/lib%s.so.%u.%u.0", n, i % 5,
			 i % 7);
		snprintf(link, sizeof(link), "usr/lib/x86_64-linux-gnu/lib%s.so.%u", n, i % 5);
		add_file(l, real, &FILE644, i % 15 == 0 ? medium_size(&s->r) : small_size(&s->r) * 4,
			 0);
		add_symlink(l, link, strrchr(real, '/') + 1);
	}
	add_file(l, "usr/lib/x86_64-linux-gnu/libLLVM-15.so.1", &FILE644, 6 * MIB + 123, 0);
	add_file(l, "usr/share/data/model.bin",
		 &(struct attrs){ 0644, 0, 0, "user.checksum", "model-v1" }, 5 * MIB, 0);

	/* Python modules, headers, locales: the many small files. */
	for (unsigned d = 0; d < 40; d++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "usr/lib/python3/dist-packages/%s%u",
			 word(&s->r, w, sizeof(w)), d);
		add_dir(l, dir, &DIR755);
		for (unsigned i = 0; i < 22; i++) {
			snprintf(path, sizeof(path), "%s/%s%u.py", dir, word(&s->r, w, sizeof(w)), i);
			add_file(l, path, &FILE644, small_size(&s->r), 1);
		}
	}
	for (unsigned i = 0; i < 250; i++) {
		snprintf(path, sizeof(path), "usr/include/%s%u.h", word(&s->r, w, sizeof(w)), i);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
	}
	for (unsigned d = 0; d < 25; d++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "usr/share/locale/l%02u", d);
		add_dir(l, dir, &DIR755);
		snprintf(path, sizeof(path), "%s/LC_MESSAGES", dir);
		add_dir(l, path, &DIR755);
		for (unsigned i = 0; i < 6; i++) {
			snprintf(path, sizeof(path), "%s/LC_MESSAGES/dom%u.mo", dir, i);
			add_file(l, path, &FILE644, small_size(&s->r), 0);
		}
	}
	sample_packages(l, s);
	for (unsigned i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "var/cache/apt/pkgcache-%u.bin", i);
		add_file(l, path, &FILE644, small_size(&s->r), 0);
	}
	add_dir(l, "var/cache/apt/archives", &DIR755);
	add_file(l, "var/cache/apt/archives/lock", &FILE644, 0, 0);
	/* A user's files: other owner, large id (pax), long path. */
	add_file(l, "home/user/notes.txt", &(struct attrs){ 0640, 1000, 1000, NULL, NULL },
		 3 * KIB, 1);
	add_file(l, "home/user/big-id.dat", &(struct attrs){ 0600, 3000000000u, 3000000001u,
							       NULL, NULL }, 2 * KIB, 0);
	add_dir(l, "home/user/a-directory-with-a-rather-long-name-to-need-pax-headers",
		&(struct attrs){ 0750, 1000, 1000, NULL, NULL });
	add_file(l, "home/user/a-directory-with-a-rather-long-name-to-need-pax-headers/"
		 "and-a-file-whose-name-is-also-long-enough-to-pass-the-ustar-limit.txt",
		 &(struct attrs){ 0640, 1000, 1000, "user.comment", "long path" }, 1 * KIB, 1);
}

/* Layer 2: an application, whiteouts, an opaque directory, replacements. */
static void sample_layer2(struct layer *l, struct sample *s)
{
	char path[512], w[16];
	add_dir(l, "opt/app", &DIR755);
	add_dir(l, "opt/app/node_modules", &DIR755);
	for (unsigned d = 0; d < 30; d++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "opt/app/node_modules/%s%u", word(&s->r, w, sizeof(w)), d);
		add_dir(l, dir, &DIR755);
		snprintf(path, sizeof(path), "%s/lib", dir);
		add_dir(l, path, &DIR755);
		for (unsigned i = 0; i < 22; i++) {
			snprintf(path, sizeof(path), "%s/lib/%s%u.js", dir, word(&s->r, w, sizeof(w)), i);
			add_file(l, path, &FILE644, small_size(&s->r), 1);
		}
		snprintf(path, sizeof(path), "%s/package.json", dir);
		add_file(l, path, &FILE644, rnd_between(&s->r, 300, 2000), 1);
	}
	for (unsigned i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "opt/app/assets-%u.bin", i);
		add_file(l, path, &FILE644, medium_size(&s->r), 0);
	}
	static const struct attrs server = { 0755, 1000, 1000, "user.mime_type",
					     "application/x-executable" };
	add_file(l, "opt/app/server", &server, 900 * KIB, 0);
	add_hardlink(l, "opt/app/server-hardlink", "opt/app/server", &server);
	add_symlink(l, "usr/bin/app", "/opt/app/server");

	/* Replaced files. */
	add_text(l, "etc/os-release", &FILE644, "PRETTY_NAME=\"powercut sample 2\"\nID=sample\n"
						"VERSION_ID=2\n");
	add_text(l, "etc/app.conf", &FILE644, "listen = 0.0.0.0:8080\nworkers = 4\n");

	/* Whiteouts: single files, a whole package's doc dir, a hardlink. */
	for (unsigned i = 0; i < NPKG; i += 10) {
		snprintf(path, sizeof(path), "usr/share/doc/%s", s->pkg[i]);
		add_whiteout(l, path, "changelog.Debian.gz");
	}
	add_whiteout(l, "usr/share/doc", s->pkg[5]);
	add_whiteout(l, "usr/share/doc", s->pkg[15]);
	add_whiteout(l, "usr/bin", "zcat");
	add_whiteout(l, "usr/lib/python3", "python3.11-hardlink");

	/* Opaque var/cache/apt: entries of this layer before and after the
	 * marker stay, everything from layer 1 goes. */
	add_file(l, "var/cache/apt/srcpkgcache.bin", &FILE644, 40 * KIB, 0);
	add_opaque(l, "var/cache/apt");
	for (unsigned i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "var/cache/apt/pkgcache-new-%u.bin", i);
		add_file(l, path, &FILE644, small_size(&s->r), 0);
	}
	/* Written through the lib -> usr/lib symlink of layer 1. */
	add_file(l, "lib/x86_64-linux-gnu/libapp.so.1", &FILE644, 120 * KIB, 0);
}

/* Layer 3 (zstd): updates on top. */
static void sample_layer3(struct layer *l, struct sample *s)
{
	char path[512], w[16];
	add_file(l, "usr/share/data/model.bin",
		 &(struct attrs){ 0644, 0, 0, "user.checksum", "model-v2" }, 4 * MIB + 77, 0);
	add_dir(l, "usr/local", &DIR755);
	add_dir(l, "usr/local/bin", &DIR755);
	for (unsigned i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "usr/local/bin/%s%u", word(&s->r, w, sizeof(w)), i);
		add_file(l, path, &EXEC755, small_size(&s->r), 0);
	}
	add_dir(l, "opt/app/patches", &DIR755);
	for (unsigned i = 0; i < 90; i++) {
		snprintf(path, sizeof(path), "opt/app/patches/%04u.patch", i);
		add_file(l, path, &FILE644, small_size(&s->r), 1);
	}
	add_text(l, "etc/hostname", &FILE644, "sample-3\n");
	add_whiteout(l, "opt/app", "assets-3.bin");
	add_whiteout(l, "etc", "app.conf");
	/* A file replaced by a symlink, a symlink by a file. */
	add_symlink(l, "opt/app/assets-4.bin", "assets-5.bin");
	add_text(l, "usr/bin/vi", &EXEC755, "#!/bin/sh\nexec vim.basic \"$@\"\n");
}

static int mode_sample(const char *dir)
{
	struct sample *s = xcalloc(1, sizeof(*s));
	s->r.s = 0x9E3779B97F4A7C15ULL;
	struct layer l;
	layer_open(&l, dir, "layer1.tar.gz", C_GZIP, &s->r);
	sample_layer1(&l, s);
	layer_close(&l);
	layer_open(&l, dir, "layer2.tar.gz", C_GZIP, &s->r);
	sample_layer2(&l, s);
	layer_close(&l);
	layer_open(&l, dir, "layer3.tar.zst", C_ZSTD, &s->r);
	sample_layer3(&l, s);
	layer_close(&l);
	free(s);
	return 0;
}

/* ---- many entries: how cost grows ---------------------------------------- */

#define MANY_DIRS 300u
#define MANY_PER_DIR 1000u

/* many.tar.gz: 300,000 small files (0-511 bytes) in 300 folders of 1000,
 * for measuring a case's time and memory per entry (README "How cost
 * grows"). */
static int mode_many(const char *dir)
{
	struct rng r = { 0x2545F4914F6CDD1DULL };
	struct layer l;
	layer_open(&l, dir, "many.tar.gz", C_GZIP, &r);
	char path[64];
	for (unsigned d = 0; d < MANY_DIRS; d++) {
		snprintf(path, sizeof(path), "d%03u", d);
		add_dir(&l, path, &DIR755);
		for (unsigned f = 0; f < MANY_PER_DIR; f++) {
			snprintf(path, sizeof(path), "d%03u/f%04u", d, f);
			add_file(&l, path, &FILE644, rnd_below(&r, 512), 1);
		}
	}
	layer_close(&l);
	return 0;
}

/* ---- the malicious layers ----------------------------------------------- */

static int mode_evil(const char *dir)
{
	struct rng r = { 0x2545F4914F6CDD1DULL };
	struct layer l;

	layer_open(&l, dir, "dotdot.tar", C_NONE, &r);
	add_text(&l, "../escape", &FILE644, "escaped\n");
	layer_close(&l);

	layer_open(&l, dir, "absolute.tar", C_NONE, &r);
	add_text(&l, "/tmp/escape-abs", &FILE644, "escaped\n");
	layer_close(&l);

	layer_open(&l, dir, "symlink-escape.tar", C_NONE, &r);
	add_symlink(&l, "link", "../../../../../tmp");
	add_text(&l, "link/escaped", &FILE644, "escaped\n");
	layer_close(&l);

	layer_open(&l, dir, "hardlink-escape.tar", C_NONE, &r);
	add_hardlink(&l, "passwd", "../../etc/passwd", &FILE644);
	layer_close(&l);

	/* Legitimate: absolute symlinks resolve inside the image root. */
	layer_open(&l, dir, "symlink-abs-ok.tar", C_NONE, &r);
	add_symlink(&l, "lib", "/usr/lib");
	add_text(&l, "lib/libok.so", &FILE644, "ok\n");
	layer_close(&l);

	unsigned char junk[8192];
	fill(&r, junk, sizeof(junk), 0);
	char *p = xasprintf("%s/not-an-archive.tar", dir);
	if (pc_write_file(p, junk, sizeof(junk), 0) < 0)
		exit(1);
	printf("mkimage: %s: %zu random bytes\n", p, sizeof(junk));
	free(p);
	return 0;
}

/* ---- modes -------------------------------------------------------------- */

static const struct mode {
	const char *name;
	int (*run)(const char *dir);
	const char *what;
} modes[] = {
	{ "sample", mode_sample,
	  "layer1.tar.gz layer2.tar.gz layer3.tar.zst: ~4000 files, ~50 MB, hardlinks, "
	  "symlinks, xattrs, whiteouts, an opaque dir" },
	{ "many", mode_many, "many.tar.gz: 300,000 small files in 300 folders (cost per entry)" },
	{ "evil", mode_evil,
	  "one small malicious layer per attack, plus a legitimate absolute symlink and "
	  "a file that is not an archive" },
};

static void usage(void)
{
	fprintf(stderr, "usage: mkimage MODE DIR\nmodes:\n");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(stderr, "  %-8s %s\n", modes[i].name, modes[i].what);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		usage();
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(argv[1], modes[i].name) != 0)
			continue;
		if (pc_mkdir_p(argv[2], 0755) < 0)
			return 1;
		return modes[i].run(argv[2]) < 0 ? 1 : 0;
	}
	fprintf(stderr, "mkimage: unknown mode %s\n", argv[1]);
	usage();
	return 2;
}
