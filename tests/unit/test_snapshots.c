/* test_snapshots.c - layout = snapshots after the cut: what a damaged layer
 * folder does to the verdict.  The layout writes three layers into a plain
 * folder (no device: the damage stands in for the cut), one thing is
 * damaged, and verify must report it in the layer folder and, where
 * overlayfs shows it, in the merged view. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check/verdict.h"
#include "check/verify.h"
#include "run/scenario.h"
#include "tarfix.h"
#include "unit.h"
#include "util/util.h"
#include "workload/layout.h"

#define N(v) (sizeof(v) / sizeof((v)[0]))

static const struct member layer1[] = {
	{ 'd', "d", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "d/a", 0644, "deleted above", 0, 0, NULL, NULL, 0 },
	{ 'd', "e", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "e/old", 0644, "hidden by the opaque folder above", 0, 0, NULL, NULL, 0 },
	{ 'd', "keep", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "keep/k", 0644, NULL, 0, 0, NULL, NULL, 9000 },
};
static const struct member layer2[] = {
	{ 'f', "d/.wh.a", 0644, NULL, 0, 0, NULL, NULL, 0 },
	{ 'd', "e", 0755, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "e/.wh..wh..opq", 0644, NULL, 0, 0, NULL, NULL, 0 },
	{ 'f', "e/new", 0644, "new", 0, 0, NULL, NULL, 0 },
};
static const struct member layer3[] = {
	{ 'f', "l3", 0644, "three", 0, 0, NULL, NULL, 0 },
};

struct outcome {
	struct pc_case_result r;
	size_t layer_lost[3];
};

/* Write LAYERS as the layout does into DIR/MNTNAME, run DAMAGE (a shell
 * command in that folder), verify and judge with expect = intact. */
static void run_layers(const char *dir, const char *mntname, char *const *layers, size_t n,
		       const char *damage, struct outcome *o)
{
	char *mnt = xasprintf("%s/%s", dir, mntname), *work = xasprintf("%s/work", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(mnt, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(work, 0755), 0);
	static struct pc_case c;
	memset(&c, 0, sizeof(c));
	c.id = "snap/ext4/none";
	c.mode = PC_MODE_NONE;
	c.expect = PC_EXPECT_INTACT;
	c.layout = PC_LAYOUT_SNAPSHOTS;
	memset(o, 0, sizeof(*o));
	o->r.c = &c;
	snprintf(o->r.case_dir, sizeof(o->r.case_dir), "%s", work);
	struct pc_layout_job j = { .c = &c, .r = &o->r, .mnt = mnt, .work = work,
				   .layers = (const char *const *)layers, .nlayers = n };
	const struct pc_layout_ops *ops = &pc_layout_snapshots;
	CU_ASSERT_EQUAL_FATAL(ops->setup(&j), 0);
	CU_ASSERT_EQUAL_FATAL(ops->write(&j), 0);
	char *cmd = xasprintf("cd '%s' && %s", mnt, damage);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(cmd);
	CU_ASSERT_EQUAL(ops->verify(&j), 0);
	ops->release(&j);
	o->r.fsck = PC_FSCK_CLEAN;
	pc_verdict_judge(&o->r);
	for (size_t i = 0; i < o->r.nlayers && i < 3; i++)
		o->layer_lost[i] = o->r.layers[i].v.lost;
	pc_manifest_free(j.manifest);
	free(mnt);
	free(work);
}

/* The three layers above, damaged by DAMAGE. */
static void run_damaged(const char *damage, struct outcome *o)
{
	char *dir = unit_tmpdir();
	char *l[3];
	const struct member *v[3] = { layer1, layer2, layer3 };
	size_t nv[3] = { N(layer1), N(layer2), N(layer3) };
	for (int i = 0; i < 3; i++) {
		l[i] = xasprintf("%s/l%d.tar", dir, i + 1);
		write_tar(l[i], v[i], nv[i], 0);
	}
	run_layers(dir, "mnt", l, 3, damage, o);
	for (int i = 0; i < 3; i++)
		free(l[i]);
	unit_rmtree(dir);
	free(dir);
}

static int has_finding(const struct pc_case_result *r, enum pc_finding_kind k, const char *path)
{
	for (size_t i = 0; i < r->vr.nfindings; i++)
		if (r->vr.findings[i].kind == k && !strcmp(r->vr.findings[i].path, path))
			return 1;
	return 0;
}

static void outcome_free(struct outcome *o)
{
	pc_verify_result_free(&o->r.vr);
	free(o->r.layers);
}

static void test_intact(void)
{
	struct outcome o;
	run_damaged("true", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_PASS);
	CU_ASSERT(o.r.committed && o.r.overlay_verified);
	CU_ASSERT_EQUAL(o.r.vr.nfindings, 0);
	outcome_free(&o);
}

/* A file of a layer lost its data: in its layer folder and the merged view. */
static void test_file_lost(void)
{
	struct outcome o;
	run_damaged("truncate -s 0 snapshots/1/fs/keep/k", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_SIZE, "snapshots/1/fs/keep/k"));
	CU_ASSERT(has_finding(&o.r, PC_F_SIZE, "merged/keep/k"));
	CU_ASSERT_EQUAL(o.layer_lost[0], 1);
	outcome_free(&o);
}

/* A lost whiteout device: missing in its layer, the deleted file back in
 * the merged view. */
static void test_whiteout_lost(void)
{
	struct outcome o;
	run_damaged("rm snapshots/2/fs/d/a", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/d/a"));
	CU_ASSERT(has_finding(&o.r, PC_F_EXTRA, "merged/d/a"));
	CU_ASSERT_EQUAL(o.layer_lost[1], 1);
	outcome_free(&o);
}

/* A lost opaque xattr: reported on its folder, the hidden lower file back
 * in the merged view. */
static void test_opaque_lost(void)
{
	struct outcome o;
	run_damaged("setfattr -x trusted.overlay.opaque snapshots/2/fs/e", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_XATTR, "snapshots/2/fs/e"));
	CU_ASSERT(has_finding(&o.r, PC_F_EXTRA, "merged/e/old"));
	outcome_free(&o);
}

/* An opaque marker a layer folder did not have: the merged view of this
 * image is the same (d/a is whited out anyway), but the snapshot is not
 * what was committed, and any image stacked on it would lose the lower d. */
static void test_opaque_added(void)
{
	struct outcome o;
	run_damaged("setfattr -n trusted.overlay.opaque -v y snapshots/2/fs/d", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_XATTR, "snapshots/2/fs/d"));
	CU_ASSERT_EQUAL(o.layer_lost[1], 1);
	outcome_free(&o);
}

/* A layer folder gone while its commit record survived: every entry of the
 * layer is missing (a loss, not an error), and the merged view, which
 * cannot be mounted as containerd would, is not verified. */
static void test_layer_folder_lost(void)
{
	struct outcome o;
	run_damaged("rm -rf snapshots/2/fs", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(o.r.committed);
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/e/new"));
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/d/a"));
	CU_ASSERT(o.layer_lost[1] >= 4);
	CU_ASSERT(!o.r.overlay_verified);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.r.reason, "snapshots/2/fs"));
	outcome_free(&o);
}

/* A layer folder that is a file after the cut: a loss, as a folder gone
 * is, not an error of the case. */
static void test_layer_folder_replaced(void)
{
	struct outcome o;
	run_damaged("rm -rf snapshots/2/fs && echo x > snapshots/2/fs", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/e/new"));
	CU_ASSERT(o.layer_lost[1] >= 4);
	CU_ASSERT(!o.r.overlay_verified);
	outcome_free(&o);
}

/* Whether any finding's path or detail holds TEXT. */
static int any_finding_has(const struct pc_case_result *r, const char *text)
{
	for (size_t i = 0; i < r->vr.nfindings; i++)
		if (strstr(r->vr.findings[i].path, text) || strstr(r->vr.findings[i].detail, text))
			return 1;
	return 0;
}

/* A layer folder that became a symlink to /etc after its commit: every
 * entry of the layer missing, and the merged view not mounted through it
 * (it was: overlayfs took the host's /etc as the layer, and verify walked
 * it, 1,400 'extra' entries named after the host's files). */
static void test_layer_folder_symlink_out(void)
{
	struct outcome o;
	run_damaged("rm -rf snapshots/2/fs && ln -s /etc snapshots/2/fs", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/e/new"));
	CU_ASSERT(!o.r.overlay_verified);
	CU_ASSERT_EQUAL(o.r.vr.counts[PC_F_EXTRA], 0);
	CU_ASSERT(!any_finding_has(&o.r, "merged/"));
	outcome_free(&o);
}

/* A layer folder that is a symlink to a folder of the same filesystem:
 * not the layer folder either; the merged view is not mounted through it. */
static void test_layer_folder_symlink_in(void)
{
	struct outcome o;
	run_damaged("mv snapshots/2/fs snapshots/2/moved && ln -s moved snapshots/2/fs", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(has_finding(&o.r, PC_F_MISSING, "snapshots/2/fs/e/new"));
	CU_ASSERT(!o.r.overlay_verified);
	outcome_free(&o);
}

/* A snapshot folder (the one holding the commit record) moved out of the
 * filesystem and a symlink left in its place: its record and layer were
 * read through the symlink and the case passed.  Now its record is not
 * there: the layer is not committed, a fail. */
static void test_snapshot_folder_symlink(void)
{
	char *elsewhere = unit_tmpdir();
	char *damage = xasprintf("rmdir '%s' && mv snapshots/2 '%s' && ln -s '%s' snapshots/2",
				 elsewhere, elsewhere, elsewhere);
	struct outcome o;
	run_damaged(damage, &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(!o.r.committed);
	CU_ASSERT_EQUAL(o.r.layers_committed, 2);
	CU_ASSERT(!o.r.overlay_verified);
	outcome_free(&o);
	free(damage);
	unit_rmtree(elsewhere);
	free(elsewhere);
}

/* A snapshot folder that is a file after the cut: its record is not there,
 * a fail, not an error of the case ("open directory ...: Not a
 * directory"). */
static void test_snapshot_folder_replaced(void)
{
	struct outcome o;
	run_damaged("rm -rf snapshots/2 && echo x > snapshots/2", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_FAIL);
	CU_ASSERT(!o.r.committed);
	CU_ASSERT_EQUAL(o.r.layers_committed, 2);
	outcome_free(&o);
}

/* 100 layers (Docker allows 127) below a long folder whose name holds the
 * ':' and ',' of the overlay option syntax: the merged view is mounted and
 * verified (the lowerdir option, with absolute paths, outgrew the page
 * mount(2) takes at about 80 layers). */
static void test_many_layers(void)
{
	enum { NL = 100 };
	char *dir = unit_tmpdir();
	char *l[NL];
	for (int i = 0; i < NL; i++) {
		char name[16], data[16];
		snprintf(name, sizeof(name), "f%03d", i);
		snprintf(data, sizeof(data), "%d", i);
		const struct member m[] = { { 'f', name, 0644, data, 0, 0, NULL, NULL, 0 } };
		l[i] = xasprintf("%s/l%03d.tar", dir, i);
		write_tar(l[i], m, 1, 0);
	}
	char mntname[200];
	memset(mntname, 'm', sizeof(mntname) - 1);
	mntname[sizeof(mntname) - 1] = '\0';
	memcpy(mntname, "a:b,c\\d", 8);
	struct outcome o;
	run_layers(dir, mntname, l, NL, "true", &o);
	CU_ASSERT_EQUAL(o.r.verdict, PC_VERDICT_PASS);
	CU_ASSERT(o.r.overlay_verified);
	CU_ASSERT_EQUAL(o.r.overlay.checked, NL);
	if (o.r.verdict != PC_VERDICT_PASS)
		fprintf(stderr, "\n  %s", o.r.reason);
	outcome_free(&o);
	for (int i = 0; i < NL; i++)
		free(l[i]);
	unit_rmtree(dir);
	free(dir);
}

void register_snapshots_tests(void)
{
	CU_pSuite s = CU_add_suite("snapshots", NULL, NULL);
	CU_add_test(s, "intact layer folders and merged view pass", test_intact);
	CU_add_test(s, "a file lost in a layer folder", test_file_lost);
	CU_add_test(s, "a lost whiteout device brings the deleted file back", test_whiteout_lost);
	CU_add_test(s, "a lost opaque xattr brings the hidden files back", test_opaque_lost);
	CU_add_test(s, "an opaque marker added to a layer folder", test_opaque_added);
	CU_add_test(s, "a layer folder lost after its commit: every entry missing",
		    test_layer_folder_lost);
	CU_add_test(s, "a layer folder replaced by a file after its commit",
		    test_layer_folder_replaced);
	CU_add_test(s, "a layer folder now a symlink out of the filesystem",
		    test_layer_folder_symlink_out);
	CU_add_test(s, "a layer folder now a symlink within the filesystem",
		    test_layer_folder_symlink_in);
	CU_add_test(s, "a snapshot folder now a symlink to a copy elsewhere",
		    test_snapshot_folder_symlink);
	CU_add_test(s, "a snapshot folder replaced by a file", test_snapshot_folder_replaced);
	CU_add_test(s, "100 layers below a folder named with ':' and ','", test_many_layers);
}
