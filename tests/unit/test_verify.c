/* test_verify.c - a tree and its hand-written manifest: clean gives nothing;
 * each single kind of damage gives exactly its finding; a hostile tree is
 * never read outside the root. */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <xxhash.h>

#include "image/manifest.h"
#include "unit.h"
#include "util/input.h"
#include "util/util.h"
#include "check/verify.h"

static const char HELLO[] = "hello world\n";
#define BIG_SIZE 8192

struct fixture {
	char *root;
	struct pc_manifest *m;
	struct pc_verify_result r;
};

static char *at(const struct fixture *f, const char *rel)
{
	return xasprintf("%s/%s", f->root, rel);
}

static void sha256(const void *data, size_t n, unsigned char out[32])
{
	unsigned len = 32;
	CU_ASSERT_FATAL(EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) == 1);
}

static void big_data(unsigned char *buf)
{
	for (size_t i = 0; i < BIG_SIZE; i++)
		buf[i] = (unsigned char)(i * 31 + 7);
}

static void write_at(const struct fixture *f, const char *rel, const void *data, size_t n,
		     mode_t mode)
{
	char *p = at(f, rel);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(p, data, n, 0), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(p, mode), 0);
	free(p);
}

static struct pc_entry *put(struct fixture *f, const char *path, enum pc_ftype t, mode_t mode)
{
	struct pc_entry *e = pc_manifest_put(f->m, path);
	e->type = t;
	e->mode = mode;
	e->uid = 0;
	e->gid = 0;
	return e;
}

/* Set: setup gives regular files the XXH3-128 too, as a run's scan does. */
static int fixture_fast;

static void xxh3(const void *data, size_t n, unsigned char out[16])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(data, n));
	memcpy(out, c.digest, 16);
}

static void put_file(struct fixture *f, const char *path, mode_t mode, const void *data,
		     size_t n)
{
	struct pc_entry *e = put(f, path, PC_FT_REG, mode);
	e->size = n;
	e->has_digest = 1;
	sha256(data, n, e->sha256);
	e->has_xxh3 = fixture_fast;
	if (fixture_fast)
		xxh3(data, n, e->xxh3);
}

/* The tree:
 *   .            dir 0755
 *   big          8 KiB, 0644
 *   chr          char 1,3, 0600
 *   d/           dir 0755
 *   d/g          "hello", hardlink group with h
 *   etc/         dir 0755
 *   etc/passwd   "root:x:0:0\n"
 *   f            "hello world\n" 0644, xattr user.test=abc
 *   fifo         fifo 0600
 *   h            = d/g
 *   link         -> f
 */
static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->root = unit_tmpdir();
	f->m = pc_manifest_new();
	CU_ASSERT_EQUAL_FATAL(chmod(f->root, 0755), 0);
	put(f, ".", PC_FT_DIR, 0755);

	unsigned char big[BIG_SIZE];
	big_data(big);
	write_at(f, "big", big, sizeof(big), 0644);
	put_file(f, "big", 0644, big, sizeof(big));

	char *p = at(f, "chr");
	CU_ASSERT_EQUAL_FATAL(mknod(p, S_IFCHR | 0600, makedev(1, 3)), 0);
	free(p);
	struct pc_entry *e = put(f, "chr", PC_FT_CHR, 0600);
	e->rdev_major = 1;
	e->rdev_minor = 3;

	p = at(f, "d");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
	put(f, "d", PC_FT_DIR, 0755);
	write_at(f, "d/g", "hello", 5, 0644);
	char *g = at(f, "d/g"), *h = at(f, "h");
	CU_ASSERT_EQUAL_FATAL(link(g, h), 0);
	free(g);
	free(h);
	uint64_t group = pc_manifest_new_group(f->m);
	put_file(f, "d/g", 0644, "hello", 5);
	pc_manifest_get(f->m, "d/g")->hardlink_group = group;
	put_file(f, "h", 0644, "hello", 5);
	pc_manifest_get(f->m, "h")->hardlink_group = group;

	p = at(f, "etc");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
	put(f, "etc", PC_FT_DIR, 0755);
	write_at(f, "etc/passwd", "root:x:0:0\n", 11, 0644);
	put_file(f, "etc/passwd", 0644, "root:x:0:0\n", 11);

	write_at(f, "f", HELLO, strlen(HELLO), 0644);
	p = at(f, "f");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "user.test", "abc", 3, 0), 0);
	free(p);
	put_file(f, "f", 0644, HELLO, strlen(HELLO));
	e = pc_manifest_get(f->m, "f");
	e->nxattrs = 1;
	e->xattrs = xcalloc(1, sizeof(*e->xattrs));
	e->xattrs[0].name = xstrdup("user.test");
	e->xattrs[0].value = (unsigned char *)xstrdup("abc");
	e->xattrs[0].size = 3;

	p = at(f, "fifo");
	CU_ASSERT_EQUAL_FATAL(mkfifo(p, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0600), 0);
	free(p);
	put(f, "fifo", PC_FT_FIFO, 0600);

	p = at(f, "link");
	CU_ASSERT_EQUAL_FATAL(symlink("f", p), 0);
	free(p);
	e = put(f, "link", PC_FT_SYMLINK, 0777);
	e->link = xstrdup("f");
	e->size = 1;
}

static void teardown(struct fixture *f)
{
	pc_verify_result_free(&f->r);
	pc_manifest_free(f->m);
	unit_rmtree(f->root);
	free(f->root);
}

static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Verify; also checks that no descriptor is left open, on any path. */
static void run(struct fixture *f)
{
	pc_verify_result_free(&f->r);
	int before = open_fds();
	CU_ASSERT_EQUAL_FATAL(pc_verify_tree(f->m, f->root, &f->r), 0);
	CU_ASSERT_EQUAL(open_fds(), before);
	CU_ASSERT_EQUAL(f->r.checked, pc_manifest_count(f->m));
}

static void dump(const struct pc_verify_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		fprintf(stderr, "\n  finding %s %s: %s", pc_finding_name(r->findings[i].kind),
			r->findings[i].path, r->findings[i].detail);
}

/* Exactly COUNT findings, all of KIND on PATH, and LOST entries lost. */
static void expect_only(struct fixture *f, enum pc_finding_kind kind, size_t count,
			size_t lost, const char *path, const char *detail)
{
	run(f);
	int ok = f->r.nfindings == count && f->r.counts[kind] == count && f->r.lost == lost;
	for (size_t i = 0; i < f->r.nfindings; i++)
		ok = ok && f->r.findings[i].kind == kind && !strcmp(f->r.findings[i].path, path);
	if (ok && detail && count)
		ok = !strcmp(f->r.findings[0].detail, detail);
	if (!ok) {
		fprintf(stderr, "\n  expected %zu %s on %s (%s), lost %zu; got lost %zu:", count,
			pc_finding_name(kind), path, detail ? detail : "", lost, f->r.lost);
		dump(&f->r);
	}
	CU_ASSERT(ok);
}

static void test_clean(void)
{
	struct fixture f;
	setup(&f);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	CU_ASSERT_EQUAL(f.r.lost, 0);
	CU_ASSERT_EQUAL(f.r.checked, 11);
	for (int k = 0; k < PC_F_NKINDS; k++)
		CU_ASSERT_EQUAL(f.r.counts[k], 0);
	dump(&f.r);
	teardown(&f);
}

static void test_size(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "big");
	CU_ASSERT_EQUAL_FATAL(truncate(p, 0), 0);
	free(p);
	expect_only(&f, PC_F_SIZE, 1, 1, "big", "size 0, expected 8192");
	teardown(&f);
}

/* One byte flipped in big: a content finding saying the SHA-256 of what
 * is there and the one expected, whichever digest verify compared (FAST:
 * the entries carry XXH3-128, a run's scan's, and that is compared). */
static void content_flip(int fast)
{
	struct fixture f;
	fixture_fast = fast;
	setup(&f);
	fixture_fast = 0;
	char *p = at(&f, "big");
	int fd = open(p, O_WRONLY);
	CU_ASSERT_FATAL(fd >= 0);
	unsigned char big[BIG_SIZE];
	big_data(big);
	unsigned char flipped = big[5000] ^ 0x01;
	CU_ASSERT_EQUAL(pwrite(fd, &flipped, 1, 5000), 1);
	close(fd);
	free(p);
	big[5000] = flipped;
	unsigned char got[32], want[32];
	sha256(big, sizeof(big), got);
	big_data(big);
	sha256(big, sizeof(big), want);
	char gothex[65], wanthex[65];
	pc_hex(got, 32, gothex);
	pc_hex(want, 32, wanthex);
	char *detail = xasprintf("sha256 %s, expected %s", gothex, wanthex);
	expect_only(&f, PC_F_CONTENT, 1, 1, "big", detail);
	free(detail);
	teardown(&f);
}

static void test_content(void)
{
	content_flip(0);
}

static void test_content_fast(void)
{
	content_flip(1);
}

/* Entries with XXH3-128: the clean tree passes, and that digest is the one
 * compared: a wrong SHA-256 beside a right XXH3-128 is not read (the
 * finding it would give is absent); a wrong XXH3-128 beside a right
 * SHA-256 (what a file changed between verify's two reads shows) is still
 * a content finding, with the XXH3-128 values. */
static void test_fast_compared(void)
{
	struct fixture f;
	fixture_fast = 1;
	setup(&f);
	fixture_fast = 0;
	run(&f);
	dump(&f.r);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);

	struct pc_entry *e = pc_manifest_get(f.m, "etc/passwd");
	CU_ASSERT_FATAL(e != NULL);
	e->sha256[0] ^= 1;
	run(&f);
	dump(&f.r);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	e->sha256[0] ^= 1;

	e->xxh3[15] ^= 1;
	expect_only(&f, PC_F_CONTENT, 1, 1, "etc/passwd", NULL);
	CU_ASSERT_PTR_NOT_NULL(f.r.nfindings ? strstr(f.r.findings[0].detail, "xxh3-128 ") : NULL);
	CU_ASSERT_PTR_NOT_NULL(f.r.nfindings ? strstr(f.r.findings[0].detail, "second read")
				      : NULL);
	teardown(&f);
}

/* A sparse file: data at both ends, a big hole between, written with
 * pwrite so the hole is never allocated; its digest is computed here from
 * the pattern and zeros, not by reading the file. */
#define SPARSE_HEAD 5000
#define SPARSE_TAIL 7000
#define SPARSE_HOLE (96ULL * 1024 * 1024 + 3000)

static void sparse_pattern(unsigned char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 131 + seed);
}

/* Write REL with SPARSE_HEAD bytes, the hole, then SPARSE_TAIL bytes, or,
 * without a tail, the hole up to the end (ftruncate); its manifest entry
 * gets the digest of those bytes. */
static uint64_t put_sparse(struct fixture *f, const char *rel, int tail)
{
	unsigned char head[SPARSE_HEAD], end[SPARSE_TAIL];
	sparse_pattern(head, sizeof(head), 7);
	sparse_pattern(end, sizeof(end), 11);
	uint64_t size = SPARSE_HEAD + SPARSE_HOLE + (tail ? SPARSE_TAIL : 0);
	char *p = at(f, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	free(p);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, head, sizeof(head), 0), (ssize_t)sizeof(head));
	if (tail) {
		CU_ASSERT_EQUAL(pwrite(fd, end, sizeof(end), SPARSE_HEAD + SPARSE_HOLE),
				(ssize_t)sizeof(end));
	} else {
		CU_ASSERT_EQUAL(ftruncate(fd, (off_t)size), 0);
	}
	struct stat st;
	CU_ASSERT_EQUAL_FATAL(fstat(fd, &st), 0);
	/* The hole must really be one, or the test would not test it. */
	CU_ASSERT_EQUAL((uint64_t)st.st_size, size);
	CU_ASSERT((uint64_t)st.st_blocks * 512 < 1024 * 1024);
	CU_ASSERT(lseek(fd, SPARSE_HEAD + 4096, SEEK_DATA) != SPARSE_HEAD + 4096);
	close(fd);

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	CU_ASSERT_FATAL(ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1);
	EVP_DigestUpdate(ctx, head, sizeof(head));
	static const unsigned char zero[64 * 1024];
	for (uint64_t left = SPARSE_HOLE; left > 0;) {
		size_t n = left < sizeof(zero) ? (size_t)left : sizeof(zero);
		EVP_DigestUpdate(ctx, zero, n);
		left -= n;
	}
	if (tail)
		EVP_DigestUpdate(ctx, end, sizeof(end));
	struct pc_entry *e = put(f, rel, PC_FT_REG, 0644);
	e->size = size;
	e->has_digest = 1;
	unsigned len = 32;
	CU_ASSERT_EQUAL(EVP_DigestFinal_ex(ctx, e->sha256, &len), 1);
	EVP_MD_CTX_free(ctx);
	if (fixture_fast) {
		XXH3_state_t *x = XXH3_createState();
		CU_ASSERT_FATAL(x && XXH3_128bits_reset(x) == XXH_OK);
		XXH3_128bits_update(x, head, sizeof(head));
		for (uint64_t left = SPARSE_HOLE; left > 0;) {
			size_t n = left < sizeof(zero) ? (size_t)left : sizeof(zero);
			XXH3_128bits_update(x, zero, n);
			left -= n;
		}
		if (tail)
			XXH3_128bits_update(x, end, sizeof(end));
		XXH128_canonical_t c;
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(x));
		memcpy(e->xxh3, c.digest, 16);
		e->has_xxh3 = 1;
		XXH3_freeState(x);
	}
	return size;
}

static void sparse_flip(int fast)
{
	struct fixture f;
	fixture_fast = fast;
	setup(&f);
	put_sparse(&f, "sparse", 1);
	put_sparse(&f, "sparse-tail-hole", 0);
	fixture_fast = 0;
	run(&f);
	dump(&f.r);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);

	/* One byte flipped in the second data extent. */
	char *p = at(&f, "sparse");
	int fd = open(p, O_RDWR);
	free(p);
	CU_ASSERT_FATAL(fd >= 0);
	off_t off = SPARSE_HEAD + SPARSE_HOLE + SPARSE_TAIL / 2;
	unsigned char b;
	CU_ASSERT_EQUAL(pread(fd, &b, 1, off), 1);
	b ^= 0x01;
	CU_ASSERT_EQUAL(pwrite(fd, &b, 1, off), 1);
	close(fd);
	expect_only(&f, PC_F_CONTENT, 1, 1, "sparse", NULL);
	CU_ASSERT_PTR_NOT_NULL(f.r.nfindings ? strstr(f.r.findings[0].detail, "sha256 ") : NULL);
	teardown(&f);
}

static void test_sparse(void)
{
	sparse_flip(0);
}

static void test_sparse_fast(void)
{
	sparse_flip(1);
}

static void test_mode(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "f");
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0600), 0);
	free(p);
	expect_only(&f, PC_F_MODE, 1, 1, "f", "mode 0600, expected 0644");
	teardown(&f);
}

static void test_owner(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "f");
	CU_ASSERT_EQUAL_FATAL(lchown(p, 1000, 0), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0644), 0); /* chown may clear bits */
	free(p);
	expect_only(&f, PC_F_OWNER, 1, 1, "f", "uid 1000, expected 0");
	p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(lchown(p, 0, 1000), 0);
	free(p);
	run(&f);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_OWNER], 2);
	CU_ASSERT_EQUAL(f.r.nfindings, 2);
	CU_ASSERT_EQUAL(f.r.lost, 2);
	teardown(&f);
}

static void test_xattr(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "f");
	CU_ASSERT_EQUAL_FATAL(removexattr(p, "user.test"), 0);
	expect_only(&f, PC_F_XATTR, 1, 1, "f", "xattr user.test missing");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "user.test", "abd", 3, 0), 0);
	expect_only(&f, PC_F_XATTR, 1, 1, "f", "xattr user.test=616264, expected 616263");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "user.test", "abc", 3, 0), 0);
	free(p);
	/* present on disk, not in the manifest: reported for user.*,
	 * trusted.*, ACLs and file capabilities, not for the security.*
	 * labels the system adds */
	p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "security.powercut", "1", 1, 0), 0);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	CU_ASSERT_EQUAL_FATAL(removexattr(p, "security.powercut"), 0);
	/* XFS lists an ACL under its own trusted.* names too */
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "trusted.SGI_ACL_FILE", "1", 1, 0), 0);
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "trusted.SGI_ACL_DEFAULT", "1", 1, 0), 0);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	CU_ASSERT_EQUAL_FATAL(removexattr(p, "trusted.SGI_ACL_FILE"), 0);
	CU_ASSERT_EQUAL_FATAL(removexattr(p, "trusted.SGI_ACL_DEFAULT"), 0);
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "trusted.overlay.opaque", "y", 1, 0), 0);
	expect_only(&f, PC_F_XATTR, 1, 1, "d", "xattr trusted.overlay.opaque unexpected");
	CU_ASSERT_EQUAL_FATAL(removexattr(p, "trusted.overlay.opaque"), 0);
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "user.new one", "1", 1, 0), 0);
	free(p);
	expect_only(&f, PC_F_XATTR, 1, 1, "d", "xattr user.new%20one unexpected");
	CU_ASSERT_EQUAL_FATAL(removexattr(p = at(&f, "d"), "user.new one"), 0);
	free(p);
	/* a regular file's are read through the descriptor its content was
	 * hashed from, a folder's through /proc: both ways find the same */
	CU_ASSERT_EQUAL_FATAL(setxattr(p = at(&f, "f"), "user.extra", "1", 1, 0), 0);
	free(p);
	expect_only(&f, PC_F_XATTR, 1, 1, "f", "xattr user.extra unexpected");
	CU_ASSERT_EQUAL_FATAL(removexattr(p = at(&f, "f"), "user.extra"), 0);
	/* a capability the image did not give (revision 2, CAP_NET_RAW) */
	struct vfs_cap_data cap = { .magic_etc = VFS_CAP_REVISION_2 };
	cap.data[0].permitted = 1u << CAP_NET_RAW;
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "security.capability", &cap, sizeof(cap), 0), 0);
	free(p);
	expect_only(&f, PC_F_XATTR, 1, 1, "f", "xattr security.capability unexpected");
	teardown(&f);
}

static void test_link(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "link");
	CU_ASSERT_EQUAL_FATAL(unlink(p), 0);
	CU_ASSERT_EQUAL_FATAL(symlink("big", p), 0);
	free(p);
	expect_only(&f, PC_F_LINK, 1, 1, "link", "link big, expected f");
	/* a symlink's mode is not compared: Linux always shows 0777 */
	pc_manifest_get(f.m, "link")->mode = 0755;
	expect_only(&f, PC_F_LINK, 1, 1, "link", "link big, expected f");
	teardown(&f);
}

static void test_hardlink(void)
{
	struct fixture f;
	setup(&f);
	/* copy + replace: same content, mode and owner, another inode */
	write_at(&f, "h.tmp", "hello", 5, 0644);
	char *tmp = at(&f, "h.tmp"), *h = at(&f, "h");
	CU_ASSERT_EQUAL_FATAL(rename(tmp, h), 0);
	free(tmp);
	free(h);
	expect_only(&f, PC_F_HARDLINK, 1, 1, "h", "not the same inode as d/g");
	teardown(&f);
}

/* Two files of the manifest, not hardlinks of each other, on one inode:
 * the second is reported, and the first's link count is above its own. */
static void test_hardlink_shared(void)
{
	struct fixture f;
	setup(&f);
	write_at(&f, "s1", "same", 4, 0644);
	put_file(&f, "s1", 0644, "same", 4);
	put_file(&f, "s2", 0644, "same", 4);
	char *s1 = at(&f, "s1"), *s2 = at(&f, "s2");
	CU_ASSERT_EQUAL_FATAL(link(s1, s2), 0);
	free(s1);
	free(s2);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 2);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_HARDLINK], 2);
	CU_ASSERT_EQUAL(f.r.lost, 2);
	if (f.r.nfindings == 2) {
		CU_ASSERT_STRING_EQUAL(f.r.findings[0].path, "s1");
		CU_ASSERT_STRING_EQUAL(f.r.findings[0].detail, "link count 2, expected 1");
		CU_ASSERT_STRING_EQUAL(f.r.findings[1].path, "s2");
		CU_ASSERT_STRING_EQUAL(f.r.findings[1].detail,
				       "same inode as s1, which the manifest does not link it to");
	} else {
		dump(&f.r);
	}
	teardown(&f);
}

/* A name outside the tree links to a file and to a hardlink group: their
 * link counts are above what the manifest gives them.  A view (an overlay,
 * whose lower files keep the links a whiteout hid) does not compare them. */
static void test_nlink(void)
{
	struct fixture f;
	setup(&f);
	char *in = at(&f, "f"), *out = xasprintf("%s.outside", f.root);
	CU_ASSERT_EQUAL_FATAL(link(in, out), 0);
	expect_only(&f, PC_F_HARDLINK, 1, 1, "f", "link count 2, expected 1");
	pc_verify_result_free(&f.r);
	CU_ASSERT_EQUAL(pc_verify_view(f.m, f.root, &f.r), 0);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	CU_ASSERT_EQUAL_FATAL(unlink(out), 0);
	free(in);

	in = at(&f, "h");
	CU_ASSERT_EQUAL_FATAL(link(in, out), 0);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 2);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_HARDLINK], 2);
	if (f.r.nfindings == 2) {
		CU_ASSERT_STRING_EQUAL(f.r.findings[0].path, "d/g");
		CU_ASSERT_STRING_EQUAL(f.r.findings[0].detail, "link count 3, expected 2");
		CU_ASSERT_STRING_EQUAL(f.r.findings[1].path, "h");
	}
	CU_ASSERT_EQUAL_FATAL(unlink(out), 0);
	free(in);
	free(out);
	teardown(&f);
}

/* Extras deeper than any manifest entry can be: the walk reports the
 * folders down to PC_MAX_PATH_DEPTH and the one there that holds more,
 * not what is below it (each finding holds its whole path: a chain 100,000
 * deep took 10 GB and 392 s), and climbs back out to report the rest. */
static int has_finding(const struct pc_verify_result *r, enum pc_finding_kind k,
		       const char *path, const char *detail_part);

static void test_extra_too_deep(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "a");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	CU_ASSERT_FATAL(fd >= 0);
	for (unsigned i = 1; i < PC_MAX_PATH_DEPTH + 100; i++) {
		if (i == 3)
			CU_ASSERT_EQUAL(close(openat(fd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
		CU_ASSERT_EQUAL_FATAL(mkdirat(fd, "d", 0755), 0);
		int next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
		CU_ASSERT_FATAL(fd >= 0);
	}
	close(fd);
	write_at(&f, "b", "b", 1, 0644);
	p = at(&f, "c");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
	write_at(&f, "c/e", "e", 1, 0644); /* c and e: after or before a */
	run(&f);
	/* a and its 1,023 folders d, a/d/d/f, the note at the limit, b, c, c/e */
	CU_ASSERT_EQUAL(f.r.counts[PC_F_EXTRA], PC_MAX_PATH_DEPTH + 5);
	CU_ASSERT_EQUAL(f.r.lost, 0);
	char *deepest = xstrdup("a");
	for (unsigned i = 1; i < PC_MAX_PATH_DEPTH; i++) {
		char *q = xasprintf("%s/d", deepest);
		free(deepest);
		deepest = q;
	}
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, deepest, "directory not in the manifest"));
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, deepest, "holds 1 entries more than"));
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, "a/d/d/f", NULL));
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, "b", NULL));
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, "c/e", NULL));
	free(deepest);
	teardown(&f);
}

static void test_extra(void)
{
	struct fixture f;
	setup(&f);
	write_at(&f, "d/new file", "x", 1, 0644);
	expect_only(&f, PC_F_EXTRA, 1, 0, "d/new%20file", NULL);
	/* an extra directory and what is in it are all reported */
	char *p = at(&f, "x");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	free(p);
	write_at(&f, "x/y", "y", 1, 0644);
	run(&f);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_EXTRA], 3);
	CU_ASSERT_EQUAL(f.r.nfindings, 3);
	CU_ASSERT_EQUAL(f.r.lost, 0);
	if (f.r.nfindings == 3) { /* sorted by path */
		CU_ASSERT_STRING_EQUAL(f.r.findings[1].path, "x");
		CU_ASSERT_STRING_EQUAL(f.r.findings[2].path, "x/y");
	}
	teardown(&f);
}

/* This thread and those it starts lose root's power to read any folder. */
static int drop_dac_override(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Run pc_verify_tree on F in a child that PREPARE (run there first) set up,
 * quietly; the child's exit: 0 verify failed (no verdict: the callers drop
 * what findings it had), 1 it gave a verdict (findings dumped), 2 PREPARE
 * failed. */
static int verify_in_child(struct fixture *f, int (*prepare)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (prepare() < 0)
			_exit(2);
		pc_messages_quiet = 1;
		/* the parent's findings, copied by fork: freed, not overwritten
		 * (under valgrind a leak is the child's failing exit) */
		pc_verify_result_free(&f->r);
		int rc = pc_verify_tree(f->m, f->root, &f->r);
		if (rc == 0) {
			fprintf(stderr, "\n  verify returned %d:", rc);
			dump(&f->r);
			_exit(1);
		}
		pc_verify_result_free(&f->r);
		_exit(0);
	}
	int st;
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 3;
}

/* A folder root may not list (without CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH, as in a container or a user namespace): the extras
 * below it cannot be looked for, and that says nothing of the filesystem:
 * an error, not a pass; it was a 'content' finding of the folder, a loss. */
static void test_unlistable(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0311), 0);
	free(p);
	pc_manifest_get(f.m, "d")->mode = 0311;
	CU_ASSERT_EQUAL(verify_in_child(&f, drop_dac_override), 0);
	teardown(&f);
}

/* A file root may not read (the same loss of capabilities): its content
 * was not checked, an error; it was a 'content' finding, "cannot open:
 * Permission denied", a loss the filesystem never had. */
static void test_unreadable(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "etc/passwd");
	CU_ASSERT_EQUAL_FATAL(chown(p, 1234, 1234), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0600), 0);
	free(p);
	struct pc_entry *e = pc_manifest_get(f.m, "etc/passwd");
	e->uid = e->gid = 1234;
	e->mode = 0600;
	run(&f); /* with every capability: intact */
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	CU_ASSERT_EQUAL(verify_in_child(&f, drop_dac_override), 0);
	teardown(&f);
}

/* This process without /proc (a private mount namespace where it is
 * unmounted, as in a container that does not mount it). */
static int without_proc(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return umount2("/proc", MNT_DETACH);
}

/* Without /proc the xattrs of folders, symlinks and devices cannot be
 * read (through /proc/self/fd): an error before any entry; every folder
 * and symlink was an 'xattr' finding ("cannot list xattrs"), a loss. */
static void test_no_proc(void)
{
	struct fixture f;
	setup(&f);
	CU_ASSERT_EQUAL(verify_in_child(&f, without_proc), 0);
	teardown(&f);
}

/* This thread and those it starts lose CAP_SYS_ADMIN (as in a container
 * with Docker's default capabilities). */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

/* This process in a user namespace of its own (every capability there,
 * none in the initial one). */
static int in_user_ns(void)
{
	return unshare(CLONE_NEWUSER);
}

/* Where the kernel hides trusted.* xattrs (no CAP_SYS_ADMIN, a user
 * namespace), an unexpected trusted.overlay.opaque was not seen and an
 * intact verdict came out: now an error, no verdict. */
static void test_trusted_hidden(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "trusted.overlay.opaque", "y", 1, 0), 0);
	free(p);
	run(&f); /* with every capability: found */
	CU_ASSERT_EQUAL(f.r.counts[PC_F_XATTR], 1);
	CU_ASSERT_EQUAL(f.r.nfindings, 1);
	CU_ASSERT_EQUAL(verify_in_child(&f, drop_sys_admin), 0);
	CU_ASSERT_EQUAL(verify_in_child(&f, in_user_ns), 0);
	teardown(&f);
}

/* A kernel built without CONFIG_USER_NS: its /proc has no uid_map, and
 * the only user namespace is the initial one.  Shown to this process by a
 * /proc of its own: a tmpfs with self/status and the real self/fd (verify
 * reads xattrs through it), the real one kept at a folder of the fixture. */
static const char *proc_keep;

static int proc_without_uid_map(void)
{
	char fd_dir[PATH_MAX];
	snprintf(fd_dir, sizeof(fd_dir), "%s/%d/fd", proc_keep, (int)getpid());
	/* A type for every mount: the kernel ignores it for MS_BIND and
	 * MS_PRIVATE, valgrind does not (a NULL one is its error). */
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mkdir(proc_keep, 0700) < 0 || mount("/proc", proc_keep, "none", MS_BIND, NULL) < 0 ||
	    mount("none", "/proc", "tmpfs", 0, "mode=0755") < 0 || mkdir("/proc/self", 0755) < 0 ||
	    mkdir("/proc/self/fd", 0755) < 0 ||
	    mount(fd_dir, "/proc/self/fd", "none", MS_BIND, NULL) < 0)
		return -1;
	int fd = open("/proc/self/status", O_WRONLY | O_CREAT | O_EXCL, 0444);
	return fd < 0 ? -1 : close(fd);
}

/* Such a kernel of our own made every case an error ("this process is in
 * a user namespace"): now the xattr is checked and found. */
static void test_trusted_no_user_ns_kernel(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(setxattr(p, "trusted.overlay.opaque", "y", 1, 0), 0);
	free(p);
	char *keep = xasprintf("%s.proc", f.root);
	proc_keep = keep;
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (proc_without_uid_map() < 0) {
			fprintf(stderr, "\n  a /proc without uid_map: %s\n", strerror(errno));
			_exit(2);
		}
		pc_verify_result_free(&f.r);
		int rc = pc_verify_tree(f.m, f.root, &f.r);
		size_t nfindings = f.r.nfindings;
		int found = f.r.counts[PC_F_XATTR] == 1 && nfindings == 1;
		pc_verify_result_free(&f.r);
		if (rc != 0 || !found) {
			fprintf(stderr, "\n  verify returned %d, %zu findings\n", rc, nfindings);
			_exit(1);
		}
		_exit(0);
	}
	int st;
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "\n  the child: wait status %#x\n", st);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(rmdir(keep), 0); /* the mounts went with the child's namespace */
	free(keep);
	teardown(&f);
}

/* Where mount_inside mounts a tmpfs (in a mount namespace of its own). */
static const char *mount_target;

static int mount_inside(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return mount("none", mount_target, "tmpfs", 0, "mode=0755");
}

/* Another filesystem mounted inside the tree, on a manifest folder or on
 * a new one: the entries there are not the tree's; verify went into it (a
 * mounted /proc or a hung FUSE server would have been walked): now an
 * error, no verdict. */
static void test_mount_inside(void)
{
	struct fixture f;
	setup(&f);
	char *d = at(&f, "etc"), *x = at(&f, "x");
	CU_ASSERT_EQUAL_FATAL(mkdir(x, 0755), 0);
	mount_target = d; /* a manifest folder: etc/passwd is not seen */
	CU_ASSERT_EQUAL(verify_in_child(&f, mount_inside), 0);
	mount_target = x; /* a folder the manifest does not have */
	CU_ASSERT_EQUAL(verify_in_child(&f, mount_inside), 0);
	CU_ASSERT_EQUAL(rmdir(x), 0);
	free(d);
	free(x);
	teardown(&f);
}

static void test_missing(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "f");
	CU_ASSERT_EQUAL_FATAL(unlink(p), 0);
	free(p);
	expect_only(&f, PC_F_MISSING, 1, 1, "f", "not found");
	teardown(&f);

	/* a missing directory: it and everything below it are lost; the
	 * hardlink group's first present member becomes h (no finding) */
	setup(&f);
	p = at(&f, "d/g");
	CU_ASSERT_EQUAL_FATAL(unlink(p), 0);
	free(p);
	p = at(&f, "d");
	CU_ASSERT_EQUAL_FATAL(rmdir(p), 0);
	free(p);
	run(&f);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_MISSING], 2);
	CU_ASSERT_EQUAL(f.r.nfindings, 2);
	CU_ASSERT_EQUAL(f.r.lost, 2);
	teardown(&f);
}

static void test_type(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "f");
	CU_ASSERT_EQUAL_FATAL(unlink(p), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0700), 0); /* other mode too: not reported */
	free(p);
	expect_only(&f, PC_F_TYPE, 1, 1, "f", "type dir, expected reg");
	teardown(&f);
}

static void test_rdev(void)
{
	struct fixture f;
	setup(&f);
	char *p = at(&f, "chr");
	CU_ASSERT_EQUAL_FATAL(unlink(p), 0);
	CU_ASSERT_EQUAL_FATAL(mknod(p, S_IFCHR | 0600, makedev(1, 5)), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(p, 0600), 0);
	free(p);
	expect_only(&f, PC_F_RDEV, 1, 1, "chr", "rdev 1,5, expected 1,3");
	teardown(&f);
}

/* Replace etc/ with a symlink to DEST; DEST/passwd holds exactly the content
 * the manifest expects, so following the link would hide the damage. */
static void hostile(const char *dest, int watch)
{
	struct fixture f;
	setup(&f);
	char *pw = at(&f, "etc/passwd"), *etc = at(&f, "etc");
	CU_ASSERT_EQUAL_FATAL(unlink(pw), 0);
	CU_ASSERT_EQUAL_FATAL(rmdir(etc), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(dest, etc), 0);
	free(pw);
	free(etc);

	int ifd = -1;
	if (watch) {
		ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		CU_ASSERT_FATAL(ifd >= 0);
		CU_ASSERT(inotify_add_watch(ifd, dest, IN_OPEN | IN_ACCESS) >= 0);
	}
	run(&f);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_TYPE], 1);    /* etc: symlink, expected dir */
	CU_ASSERT_EQUAL(f.r.counts[PC_F_MISSING], 1); /* etc/passwd */
	CU_ASSERT_EQUAL(f.r.nfindings, 2);
	CU_ASSERT_EQUAL(f.r.lost, 2);
	int found = 0;
	for (size_t i = 0; i < f.r.nfindings; i++)
		if (f.r.findings[i].kind == PC_F_MISSING &&
		    !strcmp(f.r.findings[i].path, "etc/passwd") &&
		    strstr(f.r.findings[i].detail, "symlink"))
			found = 1;
	CU_ASSERT(found);
	if (!found)
		dump(&f.r);
	if (watch) {
		char buf[4096];
		ssize_t n = read(ifd, buf, sizeof(buf));
		CU_ASSERT(n < 0); /* no event: nothing under DEST was opened */
		close(ifd);
	}
	teardown(&f);
}

static void test_hostile(void)
{
	char *outside = unit_tmpdir();
	char *pw = xasprintf("%s/passwd", outside);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(pw, "root:x:0:0\n", 11, 0), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(pw, 0644), 0);
	hostile(outside, 1);
	hostile("/etc", 0);
	/* a relative escape: etc -> ../.. */
	hostile("../..", 0);
	free(pw);
	unit_rmtree(outside);
	free(outside);
}

static void test_bad_root(void)
{
	struct pc_manifest *m = pc_manifest_new();
	struct pc_verify_result r;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_verify_tree(m, "/nonexistent/powercut-root", &r), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_RUN);
	CU_ASSERT_EQUAL(r.nfindings, 0);
	pc_verify_result_free(&r);
	pc_manifest_free(m);
	CU_ASSERT_STRING_EQUAL(pc_finding_name(PC_F_HARDLINK), "hardlink");
	CU_ASSERT_STRING_EQUAL(pc_finding_name(PC_F_EXTRA), "extra");
}

/* The runner's answer to a root folder that did not survive the cut. */
/* A file the manifest has no digest for: verify refuses to run (its
 * content would go unchecked), it does not pass. */
static void test_no_digest(void)
{
	struct fixture f;
	setup(&f);
	pc_manifest_get(f.m, "etc/passwd")->has_digest = 0;
	CU_ASSERT_EQUAL(pc_verify_tree(f.m, f.root, &f.r), -1);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	teardown(&f);
}

/* Out of descriptors: the machine could not check, which says nothing of
 * the filesystem: an error, never a "missing" or "content" finding. */
static void test_machine_error(void)
{
	struct fixture f;
	setup(&f);
	struct rlimit old;
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_NOFILE, &old), 0);
	int first_free = dup(0);
	CU_ASSERT_FATAL(first_free >= 0);
	close(first_free);
	for (unsigned workers = 1; workers <= 16; workers += 15) {
		pc_verify_workers = workers;
		/* the root and one lookup: the first file's content cannot open */
		struct rlimit low = { .rlim_cur = (rlim_t)first_free + 2, .rlim_max = old.rlim_max };
		CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
		pc_messages_quiet = 1;
		int rc = pc_verify_tree(f.m, f.root, &f.r);
		pc_messages_quiet = 0;
		CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &old), 0);
		CU_ASSERT_EQUAL(rc, -1);
		for (size_t i = 0; i < f.r.nfindings; i++) {
			CU_ASSERT_NOT_EQUAL(f.r.findings[i].kind, PC_F_MISSING);
			CU_ASSERT_NOT_EQUAL(f.r.findings[i].kind, PC_F_CONTENT);
		}
		pc_verify_result_free(&f.r);
	}
	pc_verify_workers = PC_VERIFY_WORKERS;
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	teardown(&f);
}

/* After a cut: a root folder that is gone, or is no longer a folder, is
 * every entry missing (a loss), not an error of the run. */
static void test_all_missing(void)
{
	struct pc_manifest *m = pc_manifest_new();
	pc_manifest_put(m, "b");
	pc_manifest_put(m, "a");
	pc_manifest_put(m, "a/c");
	char *dir = unit_tmpdir(), *root = xasprintf("%s/rootfs", dir);
	static const char *const why[] = { "root folder is gone", "root folder is now a reg",
					   "root folder is now a symlink" };
	for (int k = 0; k < 3; k++) {
		if (k == 1)
			CU_ASSERT_EQUAL_FATAL(pc_write_file(root, "x", 1, 0), 0);
		if (k == 2) {
			CU_ASSERT_EQUAL_FATAL(unlink(root), 0);
			CU_ASSERT_EQUAL_FATAL(symlink(".", root), 0);
		}
		struct pc_verify_result r;
		CU_ASSERT_EQUAL_FATAL(pc_verify_tree_after_cut(m, root, &r), 0);
		CU_ASSERT_EQUAL(r.checked, 3);
		CU_ASSERT_EQUAL(r.lost, 3);
		CU_ASSERT_EQUAL_FATAL(r.nfindings, 3);
		CU_ASSERT_EQUAL(r.counts[PC_F_MISSING], 3);
		CU_ASSERT_STRING_EQUAL(r.findings[0].path, "a");
		CU_ASSERT_STRING_EQUAL(r.findings[2].path, "b");
		CU_ASSERT_PTR_NOT_NULL(strstr(r.findings[1].detail, why[k]));
		pc_verify_result_free(&r);
	}
	unit_rmtree(dir);
	free(root);
	free(dir);
	pc_manifest_free(m);
}

/* ---- paths longer than PATH_MAX ----------------------------------------- */

#define DEEP_LEVELS 20
#define DEEP_COMP 250 /* 20 levels of 250 bytes: the file's path is ~5,040 */

/* rm -rf NAME under DIRFD through descriptors only (nftw cannot go past
 * PATH_MAX). */
static void rm_at(int parent, const char *name)
{
	if (unlinkat(parent, name, 0) == 0)
		return;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	CU_ASSERT_FATAL(d != NULL);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rm_at(dirfd(d), de->d_name);
	closedir(d);
	CU_ASSERT_EQUAL(unlinkat(parent, name, AT_REMOVEDIR), 0);
}

/* The component of level I (0-based), DEEP_COMP bytes. */
static char *deep_comp(int i)
{
	char *c = xmalloc(DEEP_COMP + 1);
	memset(c, 'a' + i % 26, DEEP_COMP);
	c[0] = (char)('0' + i / 10 % 10);
	c[1] = (char)('0' + i % 10);
	c[2] = 'x';
	c[DEEP_COMP] = '\0';
	return c;
}

/* DEEP_LEVELS nested directories below ROOT and a file "hello world\n" at
 * the bottom, all in the manifest; returns the file's path. */
static char *make_deep(struct fixture *f)
{
	int dirfd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(dirfd >= 0);
	char *path = NULL;
	for (int i = 0; i < DEEP_LEVELS; i++) {
		char *c = deep_comp(i);
		CU_ASSERT_EQUAL_FATAL(mkdirat(dirfd, c, 0755), 0);
		CU_ASSERT_EQUAL_FATAL(fchmodat(dirfd, c, 0755, 0), 0);
		int sub = openat(dirfd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CU_ASSERT_FATAL(sub >= 0);
		close(dirfd);
		dirfd = sub;
		char *p = path ? xasprintf("%s/%s", path, c) : xstrdup(c);
		free(path);
		free(c);
		path = p;
		put(f, path, PC_FT_DIR, 0755);
	}
	int fd = openat(dirfd, "file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, HELLO, strlen(HELLO)), (ssize_t)strlen(HELLO));
	CU_ASSERT_EQUAL_FATAL(fchmod(fd, 0644), 0);
	close(fd);
	close(dirfd);
	char *file = xasprintf("%s/file", path);
	free(path);
	CU_ASSERT_FATAL(strlen(file) > PATH_MAX);
	put_file(f, file, 0644, HELLO, strlen(HELLO));
	return file;
}

/* Open level LEVEL's parent directory (level LEVEL-1), by descriptors. */
static int open_level_parent(const struct fixture *f, int level)
{
	int dirfd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < level; i++) {
		char *c = deep_comp(i);
		int sub = openat(dirfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		CU_ASSERT_FATAL(sub >= 0);
		free(c);
		close(dirfd);
		dirfd = sub;
	}
	return dirfd;
}

static void deep_teardown(struct fixture *f)
{
	int rootfd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *c = deep_comp(0);
	rm_at(rootfd, c);
	free(c);
	close(rootfd);
	teardown(f);
}

static int has_finding(const struct pc_verify_result *r, enum pc_finding_kind k,
		       const char *path, const char *detail_part)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == k && !strcmp(r->findings[i].path, path) &&
		    (!detail_part || strstr(r->findings[i].detail, detail_part)))
			return 1;
	return 0;
}

/* A tar can hold a path of 5,000 bytes; the kernel looks up at most
 * PATH_MAX at once.  Intact is intact, and damage past PATH_MAX is still
 * seen, including a symlinked directory that must not be followed. */
static void test_long_path(void)
{
	struct fixture f;
	setup(&f);
	char *file = make_deep(&f);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 0);
	if (f.r.nfindings)
		dump(&f.r);

	/* one byte of the deep file changed */
	int dirfd = open_level_parent(&f, DEEP_LEVELS);
	int fd = openat(dirfd, "file", O_WRONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, "J", 1, 0), 1);
	close(fd);
	close(dirfd);
	run(&f);
	CU_ASSERT_EQUAL(f.r.nfindings, 1);
	CU_ASSERT(has_finding(&f.r, PC_F_CONTENT, file, "sha256"));
	deep_teardown(&f);
	free(file);

	/* level 18 (past PATH_MAX) moved aside and replaced by a symlink to it:
	 * the symlink is a type finding, what is below it missing (never
	 * followed), the moved copy extra */
	setup(&f);
	file = make_deep(&f);
	dirfd = open_level_parent(&f, 18);
	char *c = deep_comp(18);
	CU_ASSERT_EQUAL_FATAL(renameat(dirfd, c, dirfd, "moved"), 0);
	CU_ASSERT_EQUAL_FATAL(symlinkat("moved", dirfd, c), 0);
	close(dirfd);
	run(&f);
	char *sl = xstrdup(file);
	*strstr(sl, c) = '\0'; /* the prefix up to level 18 */
	char *lvl18 = xasprintf("%s%s", sl, c), *moved = xasprintf("%smoved", sl);
	CU_ASSERT(has_finding(&f.r, PC_F_TYPE, lvl18, "symlink"));
	CU_ASSERT(has_finding(&f.r, PC_F_MISSING, file, "symlink"));
	CU_ASSERT(has_finding(&f.r, PC_F_EXTRA, moved, NULL));
	CU_ASSERT_EQUAL(f.r.counts[PC_F_TYPE], 1);
	CU_ASSERT_EQUAL(f.r.counts[PC_F_MISSING], 2); /* level 19 and the file */
	CU_ASSERT_EQUAL(f.r.counts[PC_F_EXTRA], 3);   /* moved, its level 19, its file */
	CU_ASSERT_EQUAL(f.r.lost, 3);
	if (f.r.nfindings != 6)
		dump(&f.r);
	free(c);
	free(sl);
	free(lvl18);
	free(moved);
	deep_teardown(&f);
	free(file);
}

/* ---- parallel checks: the same findings in the same order ----------------- */

#define MANY_DIRS 50 /* over 4096 entries: the ring of slots wraps */
#define MANY_FILES 100

/* MANY_DIRS x MANY_FILES files, damaged in several ways at several places,
 * with hardlink pairs whose first member is sometimes gone: verify with 1
 * worker and with 16 (several times) must give identical findings, in
 * manifest order (entries) then path order (extras). */
static void test_parallel_order(void)
{
	struct fixture f;
	setup(&f);
	char body[64];
	for (int d = 0; d < MANY_DIRS; d++) {
		char dir[32];
		snprintf(dir, sizeof(dir), "m%02d", d);
		char *p = at(&f, dir);
		CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
		CU_ASSERT_EQUAL_FATAL(chmod(p, 0755), 0);
		free(p);
		put(&f, dir, PC_FT_DIR, 0755);
		uint64_t group = 0;
		for (int i = 0; i < MANY_FILES; i++) {
			char rel[64];
			snprintf(rel, sizeof(rel), "%s/f%03d", dir, i);
			int len = snprintf(body, sizeof(body), "file %d of %d\n", i, d);
			write_at(&f, rel, body, (size_t)len, 0644);
			put_file(&f, rel, 0644, body, (size_t)len);
			if (i % 10 == 1) { /* a hardlink pair: f001 = f002, ... */
				group = pc_manifest_new_group(f.m);
				pc_manifest_get(f.m, rel)->hardlink_group = group;
			} else if (i % 10 == 2) {
				char first[64];
				snprintf(first, sizeof(first), "%s/f%03d", dir, i - 1);
				char *a = at(&f, first), *b = at(&f, rel);
				CU_ASSERT_EQUAL_FATAL(unlink(b), 0);
				CU_ASSERT_EQUAL_FATAL(link(a, b), 0);
				free(a);
				free(b);
				struct pc_entry *e = pc_manifest_get(f.m, rel);
				e->hardlink_group = group;
				e->size = pc_manifest_get(f.m, first)->size;
				memcpy(e->sha256, pc_manifest_get(f.m, first)->sha256, 32);
			}
		}
	}
	/* the damage, once every file and link exists */
	for (int d = 0; d < MANY_DIRS; d++) {
		for (int i = 0; i < MANY_FILES; i++) {
			char rel[64];
			snprintf(rel, sizeof(rel), "m%02d/f%03d", d, i);
			int k = d * MANY_FILES + i;
			char *p2 = at(&f, rel);
			if (k % 7 == 3 && i % 10 != 1 && i % 10 != 2) {
				CU_ASSERT_EQUAL(truncate(p2, 1), 0); /* size */
			} else if (k % 11 == 5) {
				CU_ASSERT_EQUAL(chmod(p2, 0600), 0); /* mode */
			} else if (k % 13 == 1) {
				CU_ASSERT_EQUAL(unlink(p2), 0); /* missing, or a group's first gone */
			} else if (k % 17 == 2) {
				FILE *fp = fopen(p2, "r+");
				CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
				fputc('X', fp); /* content, same size */
				fclose(fp);
			} else if (k % 19 == 0) {
				char *x = xasprintf("%s.extra", p2);
				CU_ASSERT_EQUAL(pc_write_file(x, "x", 1, 0), 0);
				free(x);
			}
			free(p2);
		}
	}
	pc_verify_workers = 1;
	run(&f);
	struct pc_verify_result one = f.r;
	memset(&f.r, 0, sizeof(f.r));
	CU_ASSERT(one.nfindings > 200);
	CU_ASSERT(one.counts[PC_F_SIZE] > 0 && one.counts[PC_F_MODE] > 0 &&
		  one.counts[PC_F_MISSING] > 0 && one.counts[PC_F_CONTENT] > 0 &&
		  one.counts[PC_F_EXTRA] > 0);
	/* entries in manifest (byte) order, then the extras in path order */
	size_t first_extra = one.nfindings - one.counts[PC_F_EXTRA];
	for (size_t i = 1; i < one.nfindings; i++)
		if (i != first_extra)
			CU_ASSERT(strcmp(one.findings[i - 1].path, one.findings[i].path) <= 0);
	for (int round = 0; round < 3; round++) {
		pc_verify_workers = 16;
		run(&f);
		int same = f.r.nfindings == one.nfindings && f.r.lost == one.lost &&
			   !memcmp(f.r.counts, one.counts, sizeof(one.counts));
		for (size_t i = 0; same && i < one.nfindings; i++)
			same = f.r.findings[i].kind == one.findings[i].kind &&
			       !strcmp(f.r.findings[i].path, one.findings[i].path) &&
			       !strcmp(f.r.findings[i].detail, one.findings[i].detail);
		CU_ASSERT(same);
		if (!same)
			dump(&f.r);
	}
	pc_verify_workers = PC_VERIFY_WORKERS;
	pc_verify_result_free(&one);
	teardown(&f);
}

/* The kinds that occur, in kind order, as the summaries print them. */
static void test_counts_text(void)
{
	size_t counts[PC_F_NKINDS] = { 0 };
	char out[256];
	pc_finding_counts_text(counts, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "");
	counts[PC_F_SIZE] = 4106;
	counts[PC_F_MISSING] = 2;
	pc_finding_counts_text(counts, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "missing 2, size 4106");
}

void register_verify_tests(void)
{
	CU_pSuite s = CU_add_suite("verify", NULL, NULL);
	CU_add_test(s, "finding counts as text", test_counts_text);
	CU_add_test(s, "clean tree", test_clean);
	CU_add_test(s, "truncated file: size", test_size);
	CU_add_test(s, "one byte flipped: content", test_content);
	CU_add_test(s, "one byte flipped, XXH3-128 compared: content, sha256 message",
		    test_content_fast);
	CU_add_test(s, "XXH3-128 is what is compared when the entry has it", test_fast_compared);
	CU_add_test(s, "sparse file: holes hashed as zeros, flip in 2nd extent", test_sparse);
	CU_add_test(s, "the same, XXH3-128 compared", test_sparse_fast);
	CU_add_test(s, "chmod: mode", test_mode);
	CU_add_test(s, "chown: owner", test_owner);
	CU_add_test(s, "xattr removed, changed, added", test_xattr);
	CU_add_test(s, "symlink retargeted: link", test_link);
	CU_add_test(s, "hardlink broken by copy+replace", test_hardlink);
	CU_add_test(s, "two files become one inode: hardlink", test_hardlink_shared);
	CU_add_test(s, "a link from outside: link count", test_nlink);
	CU_add_test(s, "added file: extra", test_extra);
	CU_add_test(s, "extras deeper than any entry: not walked, noted", test_extra_too_deep);
	CU_add_test(s, "a folder root may not list: an error, not a finding", test_unlistable);
	CU_add_test(s, "a file root may not read: an error, not a finding", test_unreadable);
	CU_add_test(s, "no /proc: an error, not xattr findings", test_no_proc);
	CU_add_test(s, "trusted.* hidden (no CAP_SYS_ADMIN, a user namespace): an error",
		    test_trusted_hidden);
	CU_add_test(s, "trusted.* on a kernel without user namespaces (no uid_map): checked",
		    test_trusted_no_user_ns_kernel);
	CU_add_test(s, "another filesystem mounted inside the tree: an error", test_mount_inside);
	CU_add_test(s, "removed file and dir: missing", test_missing);
	CU_add_test(s, "file replaced by dir: type", test_type);
	CU_add_test(s, "char device rdev", test_rdev);
	CU_add_test(s, "hostile symlinked directory", test_hostile);
	CU_add_test(s, "unopenable root", test_bad_root);
	CU_add_test(s, "a file without a digest: an error, not a pass", test_no_digest);
	CU_add_test(s, "out of descriptors: an error, not a finding", test_machine_error);
	CU_add_test(s, "root gone or not a folder after a cut: every entry missing", test_all_missing);
	CU_add_test(s, "paths longer than PATH_MAX", test_long_path);
	CU_add_test(s, "16 workers: the same findings in the same order", test_parallel_order);
}
