/* test_mountcheck.c - mount_opts against what /proc/self/mountinfo shows.
 * The shown strings are what Linux 6.18 showed for a fresh filesystem
 * mounted with the asked options (fuse backend and plain loop devices). */
#include <stdio.h>
#include <string.h>

#include "fs/mountcheck.h"
#include "mountcheck_seen.h"
#include "unit.h"

struct seen {
	const char *fs, *asked, *shown, *named; /* named: what the reason must quote */
};

#define BTRFS_TAIL "discard=async,space_cache=v2,subvolid=5,subvol=/"
#define XFS_TAIL "inode64,logbufs=8,logbsize=32k,noquota"

/* Options the kernel accepted and did not apply: each case passed for
 * another configuration than asked (ext4 data=journal,dioread_nolock and
 * btrfs nodatacow,compress=zstd were seen passing on fuse). */
static void test_not_applied(void)
{
	const struct seen bad[] = {
		{ "ext4", "data=journal,dioread_nolock", "rw,nodioread_nolock,nodelalloc,data=journal",
		  "'dioread_nolock'" },
		{ "btrfs", "nodatacow,compress=zstd", "rw,compress=zstd:3," BTRFS_TAIL, "'nodatacow'" },
		{ "btrfs", "compress=zstd,nodatacow", "rw,nodatasum,nodatacow," BTRFS_TAIL,
		  "'compress=zstd'" },
		{ "btrfs", "compress-force=lzo,nodatacow", "rw,nodatasum,nodatacow," BTRFS_TAIL,
		  "'compress-force=lzo'" },
		{ "xfs", "dax=always", "rw,dax=never," XFS_TAIL, "'dax=never'" },
		{ "xfs", "dax", "rw,dax=never," XFS_TAIL, "'dax'" },
		{ "xfs", "logbsize=256k", "rw," XFS_TAIL, "'logbsize=32k'" },
		{ "xfs", "inode32", "rw," XFS_TAIL, "'inode64'" },
		{ "xfs", "wsync", "rw," XFS_TAIL, "without it" },
		{ "ext4", "barrier=0", "rw", "'barrier=0'" },
		{ "ext4", "noatime,nodelalloc", "rw", "'nodelalloc'" },
		{ "ext4", "commit=60", "rw,commit=5", "'commit=5'" },
		{ "btrfs", "ssd", "rw,nossd," BTRFS_TAIL, "'nossd'" },
		{ "btrfs", "notreelog", "rw," BTRFS_TAIL, "'notreelog'" },
		{ "btrfs", "discard=sync", "rw,space_cache=v2,subvolid=5,subvol=/", "'discard=sync'" },
		{ "btrfs", "compress=zstd:20", "rw,compress=zstd:15," BTRFS_TAIL, "'compress=zstd:15'" },
		/* taken and ignored, with a line in the kernel log only */
		{ "ext4", "nobh", "rw", "'nobh'" },
		{ "ext4", "data=writeback,bh", "rw,data=writeback", "'bh'" },
		{ "ext4", "inlinecrypt", "rw", "'inlinecrypt'" },
	};
	char why[1024];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		int rc = pc_fs_check_applied(bad[i].fs, bad[i].asked, bad[i].shown, why, sizeof(why));
		if (rc != -1 || !strstr(why, bad[i].named) || !strstr(why, "did not apply"))
			fprintf(stderr, "\n  %s '%s' shown '%s': rc %d, '%s'", bad[i].fs, bad[i].asked,
				bad[i].shown, rc, why);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].named));
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "did not apply"));
	}
}

/* Options applied, as each filesystem spells them, defaults it hides, and
 * options a later one overrides on purpose. */
static void test_applied(void)
{
	const struct seen good[] = {
		{ "ext4", "", "rw", NULL },
		{ "ext4", NULL, "rw", NULL },
		{ "ext4", "noatime,lazytime", "rw", NULL },
		{ "ext4", "barrier=0", "rw,nobarrier", NULL },
		{ "ext4", "nobarrier", "rw,nobarrier", NULL },
		{ "ext4", "barrier=1", "rw", NULL },
		{ "ext4", "barrier", "rw", NULL },
		{ "ext4", "data=ordered", "rw,data=ordered", NULL },
		{ "ext4", "data=ordered", "rw", NULL },
		{ "ext4", "data=writeback", "rw,data=writeback", NULL },
		{ "ext4", "commit=60", "rw,commit=60", NULL },
		{ "ext4", "commit=5", "rw", NULL },
		{ "ext4", "dioread_nolock", "rw", NULL },
		{ "ext4", "journal_checksum,journal_async_commit,data=writeback",
		  "rw,journal_async_commit,data=writeback", NULL },
		{ "ext4", "auto_da_alloc=0", "rw,noauto_da_alloc", NULL },
		{ "ext4", "errors=continue", "rw", NULL },
		{ "ext4", "data=writeback,data=journal", "rw,nodioread_nolock,nodelalloc,data=journal",
		  NULL },
		{ "ext4", "context=\"system_u:object_r:tmp_t:s0:c0,c1\"", "rw", NULL },
		{ "ext4", "nodelalloc,delalloc", "rw", NULL },
		/* dioread_lock is nodioread_nolock: the last of the two applies */
		{ "ext4", "dioread_nolock,dioread_lock", "rw,nodioread_nolock", NULL },
		{ "ext4", "dioread_lock,dioread_nolock", "rw", NULL },
		{ "xfs", "logbsize=256k,logbufs=8", "rw,inode64,logbufs=8,logbsize=256k,noquota", NULL },
		{ "xfs", "logbsize=262144", "rw,inode64,logbufs=8,logbsize=256k,noquota", NULL },
		{ "xfs", "allocsize=1m", "rw,inode64,allocsize=1024k," XFS_TAIL, NULL },
		{ "xfs", "wsync", "rw,wsync," XFS_TAIL, NULL },
		{ "xfs", "inode32", "rw,inode32,logbufs=8,logbsize=32k,noquota", NULL },
		{ "xfs", "inode32,inode64", "rw," XFS_TAIL, NULL },
		{ "xfs", "dax=never", "rw,dax=never," XFS_TAIL, NULL },
		{ "xfs", "dax=inode", "rw," XFS_TAIL, NULL },
		{ "ext4", "dax=inode", "rw,dax=inode", NULL },
		{ "btrfs", "compress=zstd:3", "rw,compress=zstd:3," BTRFS_TAIL, NULL },
		{ "btrfs", "compress=zstd", "rw,compress=zstd:3," BTRFS_TAIL, NULL },
		{ "btrfs", "compress", "rw,compress=zlib:3," BTRFS_TAIL, NULL },
		{ "btrfs", "compress=lzo", "rw,compress=lzo," BTRFS_TAIL, NULL },
		{ "btrfs", "compress-force=zstd", "rw,compress-force=zstd:3," BTRFS_TAIL, NULL },
		{ "btrfs", "compress=no", "rw," BTRFS_TAIL, NULL },
		{ "btrfs", "compress=zstd,compress-force=lzo", "rw,compress-force=lzo," BTRFS_TAIL,
		  NULL },
		{ "btrfs", "nodatacow", "rw,nodatasum,nodatacow," BTRFS_TAIL, NULL },
		{ "btrfs", "nodatacow,datacow", "rw," BTRFS_TAIL, NULL },
		{ "btrfs", "commit=60,flushoncommit", "rw,flushoncommit,discard=async,space_cache=v2,"
		  "commit=60,subvolid=5,subvol=/", NULL },
		{ "btrfs", "commit=30", "rw," BTRFS_TAIL, NULL },
		{ "btrfs", "discard=sync", "rw,discard,space_cache=v2,subvolid=5,subvol=/", NULL },
		{ "btrfs", "nodiscard", "rw,space_cache=v2,subvolid=5,subvol=/", NULL },
		{ "btrfs", "space_cache=v2,ssd,nobarrier", "rw,nobarrier,ssd," BTRFS_TAIL, NULL },
		{ "btrfs", "subvol=/", "rw," BTRFS_TAIL, NULL },
		{ "btrfs", "max_inline=2048,thread_pool=4", "rw," BTRFS_TAIL, NULL },
	};
	char why[1024];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why[0] = '\0';
		int rc = pc_fs_check_applied(good[i].fs, good[i].asked, good[i].shown, why, sizeof(why));
		if (rc != 0)
			fprintf(stderr, "\n  %s '%s' shown '%s': '%s'", good[i].fs,
				good[i].asked ? good[i].asked : "(null)", good[i].shown, why);
		CU_ASSERT_EQUAL(rc, 0);
	}
}

/* Every option the tables judge, and every default they leave alone, as
 * 6.1, 6.12 and 6.18 showed it (mountcheck_seen.h): the check errs for
 * exactly the ones the kernel did not apply, on each kernel. */
static void test_kernels_seen(void)
{
	char why[1024];
	for (size_t i = 0; i < sizeof(mountinfo_seen) / sizeof(mountinfo_seen[0]); i++) {
		const struct mountinfo_seen *m = &mountinfo_seen[i];
		why[0] = '\0';
		int rc = pc_fs_check_applied(m->fs, m->asked, m->shown, why, sizeof(why));
		if (rc != (m->not_applied ? -1 : 0))
			fprintf(stderr, "\n  %s %s (mkfs '%s') '%s' shown '%s': rc %d, '%s'", m->kernels,
				m->fs, m->mkfs, m->asked, m->shown, rc, why);
		CU_ASSERT_EQUAL(rc, m->not_applied ? -1 : 0);
	}
}

void register_mountcheck_tests(void)
{
	CU_pSuite s = CU_add_suite("mountcheck", NULL, NULL);
	CU_add_test(s, "an option the kernel did not apply is an error", test_not_applied);
	CU_add_test(s, "options applied, hidden defaults and overrides pass", test_applied);
	CU_add_test(s, "what 6.1, 6.12 and 6.18 showed is judged right", test_kernels_seen);
}
