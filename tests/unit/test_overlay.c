/* test_overlay.c - the overlay form of unpack (layout = snapshots): layer
 * folders with whiteout devices and opaque xattrs, their manifests, the
 * merged model, and a real read-only overlay mount of the layer folders
 * checked against the image's flat manifest. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/manifest.h"
#include "tarfix.h"
#include "unit.h"
#include "image/unpack.h"
#include "util/util.h"
#include "check/verify.h"

#define N(v) (sizeof(v) / sizeof((v)[0]))

static const struct member lower_layer[] = {
	{ 'd', "usr", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'd', "usr/lib", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "usr/lib/libc.so", 0644, "libc", 0, 0, NULL, NULL, 0 },
	{ 'l', "lib", 0777, "usr/lib", 0, 0, NULL, NULL, 0 },
	/* a folder with unusual attributes that the upper layer writes into
	 * without listing it */
	{ 'd', "srv", 0750, NULL, 5, 6, "user.tag", "lower", 0 },
	{ 'f', "srv/keep", 0600, "keep", 5, 6, NULL, NULL, 0 },
	{ 'd', "etc", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "etc/gone", 0644, "to be deleted", 0, 0, NULL, NULL, 0 },
	{ 'f', "etc/stays", 0644, "stays", 0, 0, NULL, NULL, 0 },
	{ 'd', "cache", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "cache/old1", 0644, "old", 0, 0, NULL, NULL, 0 },
	{ 'd', "cache/sub", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "cache/sub/old2", 0644, "old", 0, 0, NULL, NULL, 0 },
	{ 'f', "bin-a", 0755, "binary", 0, 0, NULL, NULL, 0 },
	{ 'h', "bin-b", 0755, "bin-a", 0, 0, NULL, NULL, 0 },
};

static const struct member upper_layer[] = {
	{ 'f', "etc/.wh.gone", 0644, NULL, 7, 8, NULL, NULL, 0 },
	{ 'd', "cache", 0700, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "cache/new-before", 0644, "new", 0, 0, NULL, NULL, 0 },
	{ 'f', "cache/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "cache/new-after", 0644, "new", 0, 0, NULL, NULL, 0 },
	/* through the lower layer's symlink: lands in usr/lib */
	{ 'f', "lib/libapp.so", 0644, "app", 0, 0, NULL, NULL, 0 },
	{ 'f', "srv/new", 0644, "srv", 0, 0, NULL, NULL, 0 },
	/* a hardlink within the layer */
	{ 'f', "opt-a", 0644, "opt", 0, 0, NULL, NULL, 0 },
	{ 'h', "opt-b", 0644, "opt-a", 0, 0, NULL, NULL, 0 },
	/* a whiteout of something no layer below has */
	{ 'f', ".wh.never-there", 0644, NULL, 0, 0, NULL, NULL, 0 },
};

struct fixture {
	char *dir, *l0, *l1, *fs1, *fs2;
	struct pc_manifest *m0, *m1;
};

static void fixture_free(struct fixture *f)
{
	pc_manifest_free(f->m0);
	pc_manifest_free(f->m1);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f->l0);
	free(f->l1);
	free(f->fs1);
	free(f->fs2);
}

/* Both layers in the overlay form; returns the merged model in *merged. */
static void unpack_both(struct fixture *f, struct pc_manifest **merged)
{
	memset(f, 0, sizeof(*f));
	f->dir = unit_tmpdir();
	f->l0 = xasprintf("%s/l0.tar", f->dir);
	f->l1 = xasprintf("%s/l1.tar", f->dir);
	f->fs1 = xasprintf("%s/1", f->dir);
	f->fs2 = xasprintf("%s/2", f->dir);
	write_tar(f->l0, lower_layer, N(lower_layer), 0);
	write_tar(f->l1, upper_layer, N(upper_layer), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(f->fs1, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(f->fs2, 0755), 0);
	struct pc_unpack_stats st = { 0 };
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(f->l0, 0, NULL, f->fs1, &f->m0, &st,
						      NULL, NULL), 0);
	*merged = pc_manifest_new();
	pc_overlay_merge(*merged, f->m0, 0);
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(f->l1, 1, *merged, f->fs2, &f->m1, &st,
						      NULL, NULL), 0);
	CU_ASSERT_EQUAL(st.whiteouts, 3);
	CU_ASSERT_EQUAL(st.entries, pc_manifest_count(f->m1));
	pc_overlay_merge(*merged, f->m1, 1);
}

static char *at(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* ROOT holds what M says; VIEW: ROOT is an overlay mount, checked as a run
 * checks its merged view (pc_verify_view). */
static void assert_intact_as(struct pc_manifest *m, const char *root, int view)
{
	struct pc_verify_result vr;
	CU_ASSERT_EQUAL_FATAL((view ? pc_verify_view : pc_verify_tree)(m, root, &vr), 0);
	CU_ASSERT_EQUAL(vr.nfindings, 0);
	for (size_t i = 0; i < vr.nfindings; i++)
		fprintf(stderr, "\n  %s: %s %s: %s", root, pc_finding_name(vr.findings[i].kind),
			vr.findings[i].path, vr.findings[i].detail);
	CU_ASSERT_EQUAL(vr.checked, pc_manifest_count(m));
	pc_verify_result_free(&vr);
}

static void assert_intact(struct pc_manifest *m, const char *root)
{
	assert_intact_as(m, root, 0);
}

static void test_layer_folders(void)
{
	struct fixture f;
	struct pc_manifest *merged;
	unpack_both(&f, &merged);

	/* the whiteout: a 0:0 character device, mode 0, owned as the entry */
	char *p = at(f.fs2, "etc/gone");
	struct stat st;
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	CU_ASSERT(S_ISCHR(st.st_mode));
	CU_ASSERT_EQUAL(st.st_rdev, makedev(0, 0));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0);
	CU_ASSERT_EQUAL(st.st_uid, 7);
	CU_ASSERT_EQUAL(st.st_gid, 8);
	free(p);
	struct pc_entry *e = pc_manifest_get(f.m1, "etc/gone");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->type, PC_FT_CHR);
	CU_ASSERT_EQUAL(e->rdev_major, 0);
	CU_ASSERT_EQUAL(e->rdev_minor, 0);
	CU_ASSERT_EQUAL(e->mode, 0);
	CU_ASSERT_PTR_NULL(pc_manifest_get(f.m1, "etc/.wh.gone"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(f.m1, "never-there"));
	/* the lower layer is untouched */
	CU_ASSERT_EQUAL(pc_manifest_get(f.m0, "etc/gone")->type, PC_FT_REG);

	/* the opaque folder: the xattr on disk and in the manifest, and the
	 * layer's own files before and after the marker stay */
	p = at(f.fs2, "cache");
	char val[8];
	CU_ASSERT_EQUAL(getxattr(p, "trusted.overlay.opaque", val, sizeof(val)), 1);
	CU_ASSERT_EQUAL(val[0], 'y');
	free(p);
	e = pc_manifest_get(f.m1, "cache");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode, 0700);
	CU_ASSERT_EQUAL_FATAL(e->nxattrs, 1);
	CU_ASSERT_STRING_EQUAL(e->xattrs[0].name, "trusted.overlay.opaque");
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(f.m1, "cache/new-before"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(f.m1, "cache/new-after"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(f.m1, "cache/.wh..wh..opq"));

	/* through the lower symlink: in usr/lib of the upper folder, no lib */
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(f.m1, "usr/lib/libapp.so"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(f.m1, "lib"));
	p = at(f.fs2, "lib");
	CU_ASSERT_NOT_EQUAL(lstat(p, &st), 0);
	free(p);

	/* a parent the layer does not list copies the lower folder */
	e = pc_manifest_get(f.m1, "srv");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode, 0750);
	CU_ASSERT_EQUAL(e->uid, 5);
	CU_ASSERT_EQUAL(e->gid, 6);
	CU_ASSERT_EQUAL_FATAL(e->nxattrs, 1);
	CU_ASSERT_STRING_EQUAL(e->xattrs[0].name, "user.tag");
	CU_ASSERT_PTR_NULL(pc_manifest_get(f.m1, "srv/keep"));

	/* hardlinks within the layer */
	CU_ASSERT_NOT_EQUAL(pc_manifest_get(f.m1, "opt-b")->hardlink_group, 0);
	CU_ASSERT_EQUAL(pc_manifest_get(f.m1, "opt-b")->hardlink_group,
			pc_manifest_get(f.m1, "opt-a")->hardlink_group);

	/* each folder matches its own manifest, the whiteout and xattr too */
	assert_intact(f.m0, f.fs1);
	assert_intact(f.m1, f.fs2);
	/* and a missing opaque xattr is a finding */
	p = at(f.fs2, "cache");
	CU_ASSERT_EQUAL(removexattr(p, "trusted.overlay.opaque"), 0);
	free(p);
	struct pc_verify_result vr;
	CU_ASSERT_EQUAL(pc_verify_tree(f.m1, f.fs2, &vr), 0);
	CU_ASSERT_EQUAL(vr.counts[PC_F_XATTR], 1);
	CU_ASSERT_EQUAL(vr.lost, 1);
	pc_verify_result_free(&vr);

	pc_manifest_free(merged);
	fixture_free(&f);
}

/* A read-only overlay of UPPER over LOWER, mounted in DIR/merged, shows
 * what M says. */
static void assert_overlay_shows(struct pc_manifest *m, const char *dir, const char *upper,
				 const char *lower)
{
	char *mnt = at(dir, "merged");
	CU_ASSERT_EQUAL_FATAL(mkdir(mnt, 0755), 0);
	char *opts = xasprintf("lowerdir=%s:%s", upper, lower);
	if (mount("overlay", mnt, "overlay", MS_RDONLY, opts) < 0) {
		/* A check that did not run fails: the unit tests run as root
		 * on a kernel with overlayfs, as the runs themselves need. */
		fprintf(stderr, "\n  overlay mount: %s (needs root and overlayfs)", strerror(errno));
		CU_FAIL("overlay mount failed: the merged view was not checked");
	} else {
		assert_intact_as(m, mnt, 1);
		CU_ASSERT_EQUAL(umount(mnt), 0);
	}
	free(opts);
	free(mnt);
}

/* Does the I-th of V (N entries) share its hardlink group with another? */
static int linked(struct pc_entry *const *v, size_t n, size_t i)
{
	for (size_t j = 0; v[i]->hardlink_group && j < n; j++)
		if (j != i && v[j]->hardlink_group == v[i]->hardlink_group)
			return 1;
	return 0;
}

/* Entries compared field by field; hardlink groups by partition, not id
 * (a group left with one name, its other names whited out, is none: the
 * manifest file does not write it). */
static void assert_same_entries(struct pc_manifest *a, struct pc_manifest *b)
{
	size_t na, nb;
	struct pc_entry *const *va = pc_manifest_sorted(a, &na);
	struct pc_entry *const *vb = pc_manifest_sorted(b, &nb);
	CU_ASSERT_EQUAL_FATAL(na, nb);
	for (size_t i = 0; i < na; i++) {
		const struct pc_entry *x = va[i], *y = vb[i];
		CU_ASSERT_STRING_EQUAL(x->path, y->path);
		CU_ASSERT_EQUAL(x->type, y->type);
		CU_ASSERT_EQUAL(x->mode, y->mode);
		CU_ASSERT_EQUAL(x->uid, y->uid);
		CU_ASSERT_EQUAL(x->gid, y->gid);
		CU_ASSERT_EQUAL(x->size, y->size);
		CU_ASSERT_EQUAL(memcmp(x->sha256, y->sha256, 32), 0);
		CU_ASSERT_EQUAL(x->nxattrs, y->nxattrs);
		CU_ASSERT_EQUAL(linked(va, na, i), linked(vb, nb, i));
		for (size_t j = 0; j < na; j++)
			CU_ASSERT_EQUAL(j != i && x->hardlink_group &&
					x->hardlink_group == va[j]->hardlink_group,
					j != i && y->hardlink_group &&
					y->hardlink_group == vb[j]->hardlink_group);
	}
}

static void test_merged_view(void)
{
	struct fixture f;
	struct pc_manifest *merged;
	unpack_both(&f, &merged);

	/* the model of the merged view is the image's flat manifest */
	const char *layers[] = { f.l0, f.l1 };
	struct pc_manifest *flat = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 2, &flat, NULL), 0);
	CU_ASSERT_PTR_NULL(pc_manifest_get(flat, "etc/gone"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(flat, "cache/old1"));
	assert_same_entries(merged, flat);

	/* and so is what overlayfs shows */
	assert_overlay_shows(flat, f.dir, f.fs2, f.fs1);
	pc_manifest_free(flat);
	pc_manifest_free(merged);
	fixture_free(&f);
}

static void test_hardlink_to_lower_refused(void)
{
	static const struct member upper[] = {
		{ 'h', "bin-c", 0755, "bin-a", 0, 0, NULL, NULL, 0 },
	};
	struct fixture f;
	struct pc_manifest *merged;
	unpack_both(&f, &merged);
	char *l2 = at(f.dir, "l2.tar");
	char *fs3 = at(f.dir, "3");
	write_tar(l2, upper, N(upper), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs3, 0755), 0);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL(pc_unpack_layer_overlay(l2, 2, merged, fs3, &m, NULL, NULL, NULL), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(m);
	free(l2);
	free(fs3);
	pc_manifest_free(merged);
	fixture_free(&f);
}

/* LOWER then UPPER, unpacked flat and in the overlay form: the flat tree,
 * the merged model and a real overlay mount of the layer folders must all
 * match the scan's manifest.  *flat_out (if given) receives that manifest. */
static void tars_agree(char *dir, char *l0, char *l1, struct pc_manifest **flat_out);

static void layouts_agree(const struct member *lower, size_t nlower, const struct member *upper,
			  size_t nupper, struct pc_manifest **flat_out)
{
	char *dir = unit_tmpdir();
	char *l0 = at(dir, "l0.tar"), *l1 = at(dir, "l1.tar");
	write_tar(l0, lower, nlower, 0);
	write_tar(l1, upper, nupper, 0);
	tars_agree(dir, l0, l1, flat_out);
}

/* The same for the layer tarballs L0 and L1 in DIR (all three freed); each
 * layer folder also holds what its manifest says. */
static void tars_agree(char *dir, char *l0, char *l1, struct pc_manifest **flat_out)
{
	char *fs1 = at(dir, "1"), *fs2 = at(dir, "2"), *root = at(dir, "flat");
	const char *layers[] = { l0, l1 };
	struct pc_manifest *flat = NULL, *unpacked = NULL, *m0 = NULL, *m1 = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_image_scan(layers, 2, &flat, NULL), 0);

	/* flat: the tree is what the manifest says */
	CU_ASSERT_EQUAL_FATAL(mkdir(root, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layers(layers, 2, root, &unpacked, NULL, NULL, NULL), 0);
	assert_same_entries(unpacked, flat);
	assert_intact(flat, root);

	/* overlay form: the merged model and overlayfs show the same */
	CU_ASSERT_EQUAL_FATAL(mkdir(fs1, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs2, 0755), 0);
	struct pc_manifest *merged = pc_manifest_new();
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(l0, 0, NULL, fs1, &m0, NULL, NULL, NULL), 0);
	pc_overlay_merge(merged, m0, 0);
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(l1, 1, merged, fs2, &m1, NULL, NULL, NULL), 0);
	pc_overlay_merge(merged, m1, 1);
	assert_same_entries(merged, flat);
	assert_intact(m0, fs1);
	assert_intact(m1, fs2);
	assert_overlay_shows(flat, dir, fs2, fs1);
	pc_manifest_free(merged);
	pc_manifest_free(m0);
	pc_manifest_free(m1);
	pc_manifest_free(unpacked);
	if (flat_out)
		*flat_out = flat;
	else
		pc_manifest_free(flat);
	unit_rmtree(dir);
	free(dir);
	free(l0);
	free(l1);
	free(fs1);
	free(fs2);
	free(root);
}

/* A whiteout hides what the layers below wrote, never what its own layer
 * wrote (OCI image spec), in either order of the entries. */
static void test_whiteout_same_layer(void)
{
	static const struct member lower[] = {
		{ 'd', "after", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "after/old", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'd', "before", 0750, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "before/old", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'f', "file", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'd', "again", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "again/old", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'd', "listed", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "listed/old", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'd', "listed/sub", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "listed/sub/old", 0644, "old", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		/* the layer's own entry first, then the whiteout of its folder */
		{ 'f', "after/new", 0644, "new", 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.after", 0644, NULL, 0, 0, NULL, NULL, 0 },
		/* the whiteout first: the folder is made again, holding only new */
		{ 'f', ".wh.before", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "before/new", 0644, "new", 0, 0, NULL, NULL, 0 },
		/* a file of this layer, then a whiteout of it: it stays */
		{ 'f', "file", 0600, "new", 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.file", 0644, NULL, 0, 0, NULL, NULL, 0 },
		/* the whiteout, then the folder listed again */
		{ 'f', ".wh.again", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "again", 0711, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "again/new", 0644, "new", 0, 0, NULL, NULL, 0 },
		/* the folder listed again, then its whiteout: the folder stays,
		 * what the layers below have in it goes (it stayed in the flat
		 * form, where the overlay form made the folder opaque) */
		{ 'd', "listed", 0711, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.listed", 0644, NULL, 0, 0, NULL, NULL, 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "again/old"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "again/new"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "after/new"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "after/old"));
	CU_ASSERT_PTR_NOT_NULL(pc_manifest_get(m, "before/new"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "before/old"));
	struct pc_entry *e = pc_manifest_get(m, "file");
	CU_ASSERT(e && e->mode == 0600);
	e = pc_manifest_get(m, "listed");
	CU_ASSERT(e && e->type == PC_FT_DIR && e->mode == 0711);
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "listed/old"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "listed/sub"));
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "listed/sub/old"));
	pc_manifest_free(m);
}

/* A folder listed again by an upper layer has the upper entry's xattrs
 * only, on disk as in the manifest. */
static void test_folder_listed_again(void)
{
	static const struct member lower[] = {
		{ 'd', "d", 0755, NULL, 0, 0, "user.a", "1", 0 },
		{ 'f', "d/f", 0644, "f", 0, 0, NULL, NULL, 0 },
		{ 'd', "e", 0755, NULL, 0, 0, "user.a", "1", 0 },
	};
	static const struct member upper[] = {
		{ 'd', "d", 0711, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "e", 0755, NULL, 0, 0, "user.b", "2", 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	struct pc_entry *d = pc_manifest_get(m, "d"), *e = pc_manifest_get(m, "e");
	CU_ASSERT(d && d->nxattrs == 0 && d->mode == 0711);
	CU_ASSERT(e && e->nxattrs == 1 && !strcmp(e->xattrs[0].name, "user.b"));
	pc_manifest_free(m);
}

/* Folders a layer makes without listing them below a set-group-ID folder
 * take its group, as the kernel gives it to containerd's mkdir, but not the
 * bit, which containerd's chmod 0755 clears: in the layer that lists the
 * folder (whose own mode libarchive sets only at the end) and in a layer
 * above, in both layouts. */
static void test_setgid_parents(void)
{
	static const struct member lower[] = {
		{ 'd', "sg", 02775, NULL, 0, 50, NULL, NULL, 0 },
		{ 'f', "sg/same/deep/f", 0644, "f", 0, 7, NULL, NULL, 0 },
		{ 'f', "top/sub/f", 0644, "f", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'f', "sg/up/f", 0644, "g", 0, 8, NULL, NULL, 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	static const char *const setgid[] = { "sg/same", "sg/up" };
	for (size_t i = 0; i < N(setgid); i++) {
		struct pc_entry *e = pc_manifest_get(m, setgid[i]);
		CU_ASSERT(e && e->mode == 0755 && e->uid == 0 && e->gid == 50);
	}
	/* made in sg/same once its bit was cleared (mkparent goes top down) */
	struct pc_entry *t = pc_manifest_get(m, "sg/same/deep");
	CU_ASSERT(t && t->mode == 0755 && t->gid == 0);
	t = pc_manifest_get(m, "top/sub");
	CU_ASSERT(t && t->mode == 0755 && t->gid == 0);
	pc_manifest_free(m);
}

/* A whiteout or an opaque marker in a folder no layer has: containerd's
 * mkparent (and Docker's and podman's implied directories) make the folder
 * before looking at the marker, in the first layer too, so the tree holds
 * it, 0755 as any parent no entry lists.  (It was missing from the flat
 * tree and the scan, and the overlay form made it above the first layer
 * only: the merged view showed a folder the image manifest did not have.) */
static void test_marker_parents_made(void)
{
	static const struct member lower[] = {
		{ 'f', "first/.wh.gone", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "firstopq/in/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "sg", 02775, NULL, 0, 50, NULL, NULL, 0 },
		{ 'f', "a/x", 0644, "x", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'f', "n/.wh.x", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "m/k/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "sg/q/.wh.z", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "a/.wh.x", 0644, NULL, 0, 0, NULL, NULL, 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	static const char *const made[] = { "first", "firstopq", "firstopq/in", "n", "m", "m/k",
					    "a" };
	for (size_t i = 0; i < N(made); i++) {
		struct pc_entry *e = m ? pc_manifest_get(m, made[i]) : NULL;
		CU_ASSERT(e && e->type == PC_FT_DIR && e->mode == 0755 && e->gid == 0);
	}
	struct pc_entry *q = m ? pc_manifest_get(m, "sg/q") : NULL;
	CU_ASSERT(q && q->mode == 0755 && q->gid == 50);
	CU_ASSERT(m && !pc_manifest_get(m, "a/x"));
	pc_manifest_free(m);
}

/* Probes of unusual but valid layers, both layouts and the scan agreeing:
 * a folder whited out and made again as a symlink that an opaque marker
 * and a file below it go through (they land in the target), a file made a
 * folder, a whiteout of one of two hardlinked names (the other stays). */
static void test_replaced_parents(void)
{
	static const struct member lower[] = {
		{ 'f', "d/e/x", 0644, "x", 0, 0, NULL, NULL, 0 },
		{ 'f', "t/e/old", 0644, "old", 0, 0, NULL, NULL, 0 },
		{ 'f', "f", 0644, "file", 0, 0, NULL, NULL, 0 },
		{ 'f', "h1", 0644, "hh", 0, 0, NULL, NULL, 0 },
		{ 'h', "h2", 0644, "h1", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'f', ".wh.d", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'l', "d", 0777, "t", 0, 0, NULL, NULL, 0 },
		{ 'f', "d/e/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/e/y", 0644, "y", 0, 0, NULL, NULL, 0 },
		{ 'd', "f", 0750, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "f/in", 0644, "in", 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.h1", 0644, NULL, 0, 0, NULL, NULL, 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	CU_ASSERT(m && pc_manifest_get(m, "t/e/y") && !pc_manifest_get(m, "t/e/old"));
	struct pc_entry *d = m ? pc_manifest_get(m, "d") : NULL;
	CU_ASSERT(d && d->type == PC_FT_SYMLINK && !pc_manifest_get(m, "d/e/x"));
	struct pc_entry *f = m ? pc_manifest_get(m, "f") : NULL;
	CU_ASSERT(f && f->type == PC_FT_DIR && pc_manifest_get(m, "f/in"));
	CU_ASSERT(m && !pc_manifest_get(m, "h1") && pc_manifest_get(m, "h2"));
	pc_manifest_free(m);
}

/* The root folder as a lower layer lists it ("./"), with an upper layer
 * that does not: overlayfs shows the upper layer folder's root, which must
 * then carry the lower root's mode, owner and xattrs, as any parent folder
 * a layer does not list. */
static void test_root_listed_below(void)
{
	static const struct member lower[] = {
		{ 'd', ".", 0750, NULL, 5, 6, "user.tag", "root", 0 },
		{ 'f', "a", 0644, "a", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'f', "b", 0644, "b", 0, 0, NULL, NULL, 0 },
	};
	struct pc_manifest *m = NULL;
	layouts_agree(lower, N(lower), upper, N(upper), &m);
	struct pc_entry *r = pc_manifest_get(m, ".");
	CU_ASSERT(r && r->mode == 0750 && r->uid == 5 && r->gid == 6 && r->nxattrs == 1);
	pc_manifest_free(m);

	/* listed again above: that entry's attributes, and its xattrs only */
	static const struct member again[] = {
		{ 'f', "b", 0644, "b", 0, 0, NULL, NULL, 0 },
		{ 'd', ".", 0711, NULL, 7, 8, NULL, NULL, 0 },
	};
	layouts_agree(lower, N(lower), again, N(again), &m);
	r = pc_manifest_get(m, ".");
	CU_ASSERT(r && r->mode == 0711 && r->uid == 7 && r->nxattrs == 0);
	pc_manifest_free(m);
}

/* What overlayfs takes for its own metadata cannot be stored in a layer
 * folder and still show through the merged view: refused as input (the
 * flat form keeps it). */
static void test_overlay_metadata_refused(void)
{
	static const struct member dev[] = {
		{ 'c', "dev0", 0600, "0:0", 0, 0, NULL, NULL, 0 },
	};
	static const struct member xattr[] = {
		{ 'd', "keep", 0755, NULL, 0, 0, "trusted.overlay.opaque", "y", 0 },
	};
	static const struct member redirect[] = {
		{ 'f', "f", 0644, "f", 0, 0, "trusted.overlay.redirect", "/x", 0 },
	};
	const struct { const struct member *v; const char *what; } cases[] = {
		{ dev, "0:0 character device" },
		{ xattr, "trusted.overlay.opaque" },
		{ redirect, "trusted.overlay.redirect" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *dir = unit_tmpdir();
		char *l = at(dir, "l.tar"), *fs = at(dir, "1"), *flat = at(dir, "flat");
		write_tar(l, cases[i].v, 1, 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(fs, 0755), 0);
		struct pc_manifest *m = NULL;
		CU_ASSERT_EQUAL(pc_unpack_layer_overlay(l, 0, NULL, fs, &m, NULL, NULL, NULL), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NULL(m);
		if (m)
			fprintf(stderr, "\n  %s: not refused", cases[i].what);
		pc_manifest_free(m);
		const char *layers[] = { l };
		CU_ASSERT_EQUAL_FATAL(mkdir(flat, 0755), 0);
		CU_ASSERT_EQUAL(pc_unpack_layers(layers, 1, flat, &m, NULL, NULL, NULL), 0);
		pc_manifest_free(m);
		unit_rmtree(dir);
		free(dir);
		free(l);
		free(fs);
		free(flat);
	}
}

/* Whiteouts overlayfs lists in a folder that only one layer holds (a
 * whiteout of nothing, one below the layer's own opaque folder, one below
 * a folder the layer made again over a whiteout): the name does not
 * resolve, and is not an extra entry of the merged view.  The first layer's
 * whiteouts hide nothing and make no device (as containerd unpacks it). */
static void test_whiteouts_of_nothing(void)
{
	static const struct member lower[] = {
		{ 'd', "o", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "o/z", 0644, "z", 0, 0, NULL, NULL, 0 },
		{ 'd', "d", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/k", 0644, "k", 0, 0, NULL, NULL, 0 },
		{ 'f', "d/.wh.ghost", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "w", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "w/z", 0644, "z", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'd', "n", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "n/k", 0644, "k", 0, 0, NULL, NULL, 0 },
		{ 'f', "n/.wh.nothing", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "o/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "o/.wh.z", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "o/y", 0644, "y", 0, 0, NULL, NULL, 0 },
		{ 'f', ".wh.w", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'd', "w", 0700, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "w/.wh.z", 0644, NULL, 0, 0, NULL, NULL, 0 },
	};
	layouts_agree(lower, N(lower), upper, N(upper), NULL);

	char *dir = unit_tmpdir();
	char *l = at(dir, "l.tar"), *fs = at(dir, "1"), *ghost = at(fs, "d/ghost"),
	     *d = at(fs, "d");
	write_tar(l, lower, N(lower), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs, 0755), 0);
	struct pc_manifest *m = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(l, 0, NULL, fs, &m, NULL, NULL, NULL), 0);
	struct stat st;
	CU_ASSERT(lstat(ghost, &st) < 0 && errno == ENOENT);
	CU_ASSERT(lgetxattr(d, "trusted.overlay.opaque", NULL, 0) < 0 && errno == ENODATA);
	CU_ASSERT_PTR_NULL(pc_manifest_get(m, "d/ghost"));
	pc_manifest_free(m);
	unit_rmtree(dir);
	free(dir);
	free(l);
	free(fs);
	free(ghost);
	free(d);
}

/* An opaque marker on the root folder above the first layer: overlayfs
 * ignores it on a layer's root, so the merged view would show the layers
 * below; refused as input (the first layer's hides nothing). */
static void test_root_opaque_refused(void)
{
	static const struct member lower[] = {
		{ 'f', "a", 0644, "a", 0, 0, NULL, NULL, 0 },
	};
	static const struct member upper[] = {
		{ 'f', ".wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "b", 0644, "b", 0, 0, NULL, NULL, 0 },
	};
	char *dir = unit_tmpdir();
	char *l0 = at(dir, "l0.tar"), *l1 = at(dir, "l1.tar"), *fs1 = at(dir, "1"),
	     *fs2 = at(dir, "2");
	write_tar(l0, lower, N(lower), 0);
	write_tar(l1, upper, N(upper), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs1, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs2, 0755), 0);
	struct pc_manifest *merged = pc_manifest_new(), *m0 = NULL, *m1 = NULL;
	CU_ASSERT_EQUAL_FATAL(pc_unpack_layer_overlay(l0, 0, NULL, fs1, &m0, NULL, NULL, NULL), 0);
	pc_overlay_merge(merged, m0, 0);
	CU_ASSERT_EQUAL(pc_unpack_layer_overlay(l1, 1, merged, fs2, &m1, NULL, NULL, NULL), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NULL(m1);
	pc_manifest_free(m1);
	/* the same marker in the first layer: nothing to hide, nothing made */
	unit_rmtree(fs1);
	CU_ASSERT_EQUAL_FATAL(mkdir(fs1, 0755), 0);
	pc_manifest_free(m0);
	m0 = NULL;
	CU_ASSERT_EQUAL(pc_unpack_layer_overlay(l1, 0, NULL, fs1, &m0, NULL, NULL, NULL), 0);
	CU_ASSERT(lgetxattr(fs1, "trusted.overlay.opaque", NULL, 0) < 0 && errno == ENODATA);
	pc_manifest_free(m0);
	pc_manifest_free(merged);
	unit_rmtree(dir);
	free(dir);
	free(l0);
	free(l1);
	free(fs1);
	free(fs2);
}

/* A folder the upper layer writes into without listing it is copied up
 * with the lower folder's default ACL; what the layer then creates below it
 * (files, folders, parents, whiteout devices, a folder over a whiteout)
 * inherits from it as it does in the flat layout's folder, and nothing
 * more: the layer folders, the merged view and the flat tree agree. */
static void test_copied_up_default_acl(void)
{
	char *dir = unit_tmpdir();
	char *l0 = at(dir, "l0.tar"), *l1 = at(dir, "l1.tar");
	struct archive *a = archive_write_new();
	CU_ASSERT_FATAL(a && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
			archive_write_open_filename(a, l0) == ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "d/");
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0775);
	CU_ASSERT(archive_entry_acl_from_text(e, "user::rwx,user:1234:rwx,group::r-x,"
					      "mask::rwx,other::r-x",
					      ARCHIVE_ENTRY_ACL_TYPE_DEFAULT) == ARCHIVE_OK);
	CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	/* a folder below it, which inherits in the same layer */
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "d/k/");
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	const char *files[] = { "d/x", "d/y" };
	for (size_t i = 0; i < N(files); i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, files[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 1);
		CU_ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
		CU_ASSERT(archive_write_data(a, "x", 1) == 1);
	}
	archive_entry_free(e);
	archive_write_free(a);
	static const struct member upper[] = {
		{ 'f', "d/f", 0640, "f", 0, 0, NULL, NULL, 0 },
		{ 'd', "d/sub", 0750, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/new/g", 0644, "g", 0, 0, NULL, NULL, 0 },
		{ 'f', "d/.wh.x", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/.wh.y", 0644, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "d/y/in", 0644, "in", 0, 0, NULL, NULL, 0 },
		/* listed again with no ACL: keeps none, though the layer
		 * folder's mkdir of it inherits from the copied-up d */
		{ 'd', "d/k", 0711, NULL, 0, 0, NULL, NULL, 0 },
	};
	write_tar(l1, upper, N(upper), 0);
	struct pc_manifest *flat = NULL;
	tars_agree(dir, l0, l1, &flat);
	/* the kernel's inheritance, as containerd's open, mkdir and chmod
	 * leave it: a file and folders of the upper layer have an access ACL
	 * naming user 1234, the folders the default ACL too */
	static const char *const inherit[] = { "d/f", "d/sub", "d/new", "d/new/g", "d/y",
					       "d/y/in" };
	for (size_t i = 0; i < N(inherit); i++) {
		struct pc_entry *x = pc_manifest_get(flat, inherit[i]);
		int acc = 0, dfl = 0;
		for (size_t k = 0; x && k < x->nxattrs; k++) {
			acc |= !strcmp(x->xattrs[k].name, "system.posix_acl_access");
			dfl |= !strcmp(x->xattrs[k].name, "system.posix_acl_default");
		}
		CU_ASSERT(x && acc && dfl == (x->type == PC_FT_DIR));
	}
	struct pc_entry *k = pc_manifest_get(flat, "d/k");
	CU_ASSERT(k && k->nxattrs == 0 && k->mode == 0711);
	pc_manifest_free(flat);
}

void register_overlay_tests(void)
{
	CU_pSuite s = CU_add_suite("overlay", NULL, NULL);
	CU_add_test(s, "layer folders: whiteout devices, opaque xattr, manifests",
		    test_layer_folders);
	CU_add_test(s, "merged model and overlay mount match the flat manifest",
		    test_merged_view);
	CU_add_test(s, "hardlink to a lower layer refused", test_hardlink_to_lower_refused);
	CU_add_test(s, "whiteout in the layer that wrote below it, both orders",
		    test_whiteout_same_layer);
	CU_add_test(s, "folder listed again: the upper entry's xattrs only",
		    test_folder_listed_again);
	CU_add_test(s, "root folder listed by a lower layer only", test_root_listed_below);
	CU_add_test(s, "folders made below a set-group-ID folder take its group",
		    test_setgid_parents);
	CU_add_test(s, "a whiteout or opaque marker makes its folder, as in the runtimes",
		    test_marker_parents_made);
	CU_add_test(s, "replaced parents, opaque through a symlink, whiteout of a hardlink",
		    test_replaced_parents);
	CU_add_test(s, "0:0 devices and trusted.overlay.* xattrs refused",
		    test_overlay_metadata_refused);
	CU_add_test(s, "whiteouts overlayfs lists but does not resolve; none in the first layer",
		    test_whiteouts_of_nothing);
	CU_add_test(s, "an opaque root folder above the first layer is refused",
		    test_root_opaque_refused);
	CU_add_test(s, "a copied-up default ACL: what is made below it inherits as in flat",
		    test_copied_up_default_acl);
}
