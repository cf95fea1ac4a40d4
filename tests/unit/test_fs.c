/* test_fs.c - mkfs and mount options from a scenario may not point at other
 * devices or files (a scenario is untrusted input). */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fs/fs.h"
#include "unit.h"
#include "util/util.h"

/* A sparse file of SIZE bytes starting with MARK. */
static char *make_file(const char *dir, const char *name, off_t size, const char *mark)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ftruncate(fd, size) == 0);
	CU_ASSERT(pwrite(fd, mark, strlen(mark), 0) == (ssize_t)strlen(mark));
	close(fd);
	return path;
}

static int starts_with(const char *path, const char *mark)
{
	char buf[64] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, strlen(mark));
	close(fd);
	return n == (ssize_t)strlen(mark) && !memcmp(buf, mark, strlen(mark));
}

/* mkfs.btrfs formats every device named on its command line: a file named
 * in mkfs_opts must be refused before mkfs runs, and stay untouched. */
static void test_mkfs_refuses_other_files(void)
{
	/* scripts/install-deps.sh installs btrfs-progs: missing is a failure,
	 * not a skip (the ext4 checks below run either way). */
	int have_btrfs = pc_have_program("mkfs.btrfs");
	if (!have_btrfs)
		fprintf(stderr, "\n  mkfs.btrfs not found: run scripts/install-deps.sh");
	CU_ASSERT(have_btrfs);
	char *dir = unit_tmpdir();
	char *victim = make_file(dir, "victim", 256 << 20, "precious");
	char *dev = make_file(dir, "dev", 256 << 20, "");
	char msg[512];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	pc_last_errclass = PC_ERR_NONE;
	if (have_btrfs) {
		CU_ASSERT_EQUAL(pc_fs_mkfs("btrfs", victim, dev), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "another device or file"));
		CU_ASSERT(starts_with(victim, "precious"));
	}

	const char *bad[] = { "-J device=LABEL=x", "-l logdev=x", "-z undo", "-d /etc",
			      "-Jdevice=LABEL=x", "-qJdevice=UUID=x", "-llogdev=x",
			      "-r rtdev=x", "-Jsize=4,device=LABEL=x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_mkfs("ext4", bad[i], dev), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i][1] == 'z' ? "undo" : "another device"));
	}
	/* Sub-options and options naming a file, per mkfs (mkfs.xfs creates
	 * -r file=1,name=NAME in its current folder). */
	static const struct { const char *fs, *opts; } bad_fs[] = {
		{ "xfs", "-r file=1,name=pc-rt,size=16m" }, { "xfs", "-l file=1,name=pc-log" },
		{ "xfs", "-d name=pc-data" }, { "xfs", "-rname=pc-rt" }, { "xfs", "-p proto" },
		{ "xfs", "-c options=cfg" }, { "xfs", "-r size=16m,file" },
		{ "btrfs", "-r tree" }, { "btrfs", "--rootdir tree" }, { "btrfs", "--rootdir=tree" },
		{ "btrfs", "--root tree" }, { "btrfs", "-Kr tree" },
		{ "ext4", "-E root_owner=0:0,name=x" }, { "ext4", "-d rootdir" }, { "ext4", "-qd x" },
		{ "ext4", "-l badblocks" }, { "ext4", "-dtree" },
	};
	for (size_t i = 0; i < sizeof(bad_fs) / sizeof(bad_fs[0]); i++) {
		char why[512] = "";
		if (pc_fs_check_mkfs_opts(bad_fs[i].fs, bad_fs[i].opts, why, sizeof(why)) == 0)
			fprintf(stderr, "\n  %s mkfs_opts '%s' accepted", bad_fs[i].fs, bad_fs[i].opts);
		CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts(bad_fs[i].fs, bad_fs[i].opts, why, sizeof(why)),
				-1);
		CU_ASSERT(why[0] != '\0');
	}
	/* What is not a file stays allowed (the letters of one mkfs name
	 * files in another's, after an option taking an argument they are
	 * its value). */
	static const struct { const char *fs, *opts; } good_fs[] = {
		{ "xfs", "-d agcount=4 -l size=16m -r extsize=64k -m crc=1" },
		{ "xfs", "-L dlabel -n ftype=1" }, { "ext4", "-b 1024 -O ^has_journal -E lazy_itable_init=0" },
		{ "ext4", "-c -L label -Ldata" }, { "ext4", "-J size=4" }, { "btrfs", "-d single -m dup" },
		{ "btrfs", "-L rootdir -O ^no-holes --nodesize 16k" }, { "ext4", "" },
	};
	for (size_t i = 0; i < sizeof(good_fs) / sizeof(good_fs[0]); i++) {
		char why[512] = "";
		int rc = pc_fs_check_mkfs_opts(good_fs[i].fs, good_fs[i].opts, why, sizeof(why));
		if (rc != 0)
			fprintf(stderr, "\n  %s mkfs_opts '%s' refused: %s", good_fs[i].fs,
				good_fs[i].opts, why);
		CU_ASSERT_EQUAL(rc, 0);
	}
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	free(victim);
	free(dev);
	unit_rmtree(dir);
	free(dir);
}

/* A bare name in mkfs_opts means the same wherever powercut was started:
 * files named 4096 and results in the current folder do not make
 * "-b 4096 -L results" a file option (the tool's own current folder is
 * empty: see the isolate suite). */
static void test_mkfs_opts_ignore_cwd(void)
{
	char *dir = unit_tmpdir(), *here = getcwd(NULL, 0);
	free(make_file(dir, "4096", 0, ""));
	free(make_file(dir, "results", 0, ""));
	CU_ASSERT_FATAL(chdir(dir) == 0);
	char why[512] = "";
	CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts("ext4", "-b 4096 -L results", why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts("btrfs", "-L results", why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts("btrfs", "./results", why, sizeof(why)), -1);
	CU_ASSERT(chdir(here) == 0);
	free(here);
	unit_rmtree(dir);
	free(dir);
}

/* Every case writes: a mount option set that ends read-only is refused
 * when the scenario is read, not left to fail each case. */
static void test_mount_opts_read_only_refused(void)
{
	const char *bad[] = { "ro", "noatime,ro", "rw,ro", " ro" };
	const char *good[] = { "ro,rw", "noatime", "", "errors=remount-ro" };
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(bad[i], why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "read-only"));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(good[i], why, sizeof(why)), 0);
}

/* mount_opts split as mount(8) splits them: its generic options become
 * flags (nosymfollow, iversion and mand were handed to ext4 as data, which
 * it refused: a false error for options mount(8) takes), the ones it keeps
 * to itself (fstab's nofail, x-systemd....) never reach the kernel. */
static void test_mount_opts_parse(void)
{
	const struct {
		const char *opts;
		unsigned long flags;
		const char *data;
	} cases[] = {
		{ "nosymfollow", MS_NOSYMFOLLOW, NULL },
		{ "nosymfollow,symfollow", 0, NULL },
		{ "iversion,data=journal", MS_I_VERSION, "data=journal" },
		{ "iversion,noiversion", 0, NULL },
		{ "nomand", 0, NULL },
		{ "mand", MS_MANDLOCK, NULL },
		{ "strictatime,nostrictatime", 0, NULL },
		{ "defaults,noatime,nofail,_netdev,x-systemd.device-timeout=5s,commit=5",
		  MS_NOATIME, "commit=5" },
		{ "noauto,comment=x-gvfs-show,auto", 0, NULL },
		{ "rw,ro,rw, sync,", MS_SYNCHRONOUS, NULL },
		{ "commit=5,,commit=60", 0, "commit=5,commit=60" },
		{ "auto_da_alloc,nofail_x", 0, "auto_da_alloc,nofail_x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long flags = 1234;
		char *data = (char *)"unset";
		pc_fs_mount_opts_parse(cases[i].opts, &flags, &data);
		CU_ASSERT_EQUAL(flags, cases[i].flags);
		if (cases[i].data) {
			CU_ASSERT_STRING_EQUAL(data ? data : "(null)", cases[i].data);
		} else {
			CU_ASSERT_PTR_NULL(data);
		}
		free(data);
	}
}

/* The cut makes filesystem errors on purpose: a setting that panics on
 * one would take the machine down (ext4 errors=panic, mke2fs -e panic,
 * btrfs fatal_errors=panic). */
static void test_panic_on_error_refused(void)
{
	const char *bad_mount[] = { "errors=panic", "noatime,errors=panic", "fatal_errors=panic" };
	const char *good_mount[] = { "errors=remount-ro", "errors=continue", "fatal_errors=bug" };
	const struct { const char *fs, *opts; } bad_mkfs[] = {
		{ "ext4", "-e panic" }, { "ext4", "-epanic" }, { "ext4", "-q -e panic" },
		{ "ext4", "-qe panic" }, { "ext4", "-qepanic" },
		{ "ext4", "-E mount_opts=errors=panic" }, { "ext4", "-Emount_opts=errors=panic" },
		{ "ext4", "-E lazy_itable_init=0,mount_opts=errors=panic" },
	};
	const struct { const char *fs, *opts; } good_mkfs[] = {
		{ "ext4", "-e remount-ro" }, { "ext4", "-e continue" }, { "ext4", "-L panic" },
		{ "ext4", "-Lpanic" }, { "btrfs", "-L panic" },
	};
	char why[512];
	for (size_t i = 0; i < sizeof(bad_mount) / sizeof(bad_mount[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(bad_mount[i], why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "panic the kernel"));
	}
	for (size_t i = 0; i < sizeof(good_mount) / sizeof(good_mount[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(good_mount[i], why, sizeof(why)), 0);
	for (size_t i = 0; i < sizeof(bad_mkfs) / sizeof(bad_mkfs[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts(bad_mkfs[i].fs, bad_mkfs[i].opts, why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "panic the kernel"));
	}
	for (size_t i = 0; i < sizeof(good_mkfs) / sizeof(good_mkfs[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts(good_mkfs[i].fs, good_mkfs[i].opts, why, sizeof(why)), 0);
}

static void test_mount_refuses_other_devices(void)
{
	char *dir = unit_tmpdir();
	char msg[512];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	const char *bad[] = { "logdev=/dev/null", "noatime,device=/dev/null",
			      "journal_path=/dev/null", "rtdev=/dev/null" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_mount("/dev/null", dir, "xfs", bad[i]), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, "another device or file"));
	}
	pc_capture_errors(NULL, 0);
	pc_messages_quiet = 0;
	pc_last_errclass = PC_ERR_NONE;
	unit_rmtree(dir);
	free(dir);
}

/* A failing mkfs is named by its reason, wherever the tool prints it. */
static void test_tool_message(void)
{
	static const struct { const char *out, *want; } v[] = {
		{ "Filesystem must be larger than 300MB.\nUsage: mkfs.xfs\n/* blocksize */\t\t[-b "
		  "size=num]\n<value> is xxx (512 byte blocks).\n",
		  "Filesystem must be larger than 300MB." },
		/* mkfs.xfs -n ftype=0 (xfsprogs 6.1): was "... <value> is xxx (512 byte blocks)." */
		{ "Directory ftype field always enabled on CRC enabled filesystems\nUsage: mkfs.xfs\n"
		  "/* blocksize */\t\t[-b size=num]\n<value> is xxx (512 byte blocks).\n",
		  "Directory ftype field always enabled on CRC enabled filesystems" },
		{ "log size 512 blocks too small, minimum size is 1368 blocks\nmore\nusage: x\ny\n",
		  "log size 512 blocks too small, minimum size is 1368 blocks ... more" },
		{ "Usage: mkfs.xfs\n/* blocksize */\n", "Usage: mkfs.xfs ... /* blocksize */" },
		{ "ERROR: 'x' is too small to make a usable filesystem\nERROR: minimum size for each "
		  "btrfs device is 114294784\nbtrfs-progs v6.2\nSee http://btrfs.wiki.kernel.org for "
		  "more information.\n\n",
		  "ERROR: 'x' is too small to make a usable filesystem ... See "
		  "http://btrfs.wiki.kernel.org for more information." },
		{ "mke2fs 1.47.0 (5-Feb-2023)\nmkfs.ext4: invalid block size - 3\n",
		  "mke2fs 1.47.0 (5-Feb-2023) ... mkfs.ext4: invalid block size - 3" },
		{ "one line\n", "one line" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *m = pc_fs_tool_message(v[i].out);
		CU_ASSERT_STRING_EQUAL(m, v[i].want);
		free(m);
	}
}

/* /proc/filesystems names a filesystem after a tab, "nodev" or nothing
 * before it: a kernel without xfs (a VM's initramfs without its module)
 * must not be taken for one that has it, nor xfs for a prefix of it. */
static void test_listed(void)
{
	const char *list = "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlay\n\tbtrfs";
	CU_ASSERT(pc_fs_listed(list, "ext4"));
	CU_ASSERT(pc_fs_listed(list, "overlay"));
	CU_ASSERT(pc_fs_listed(list, "btrfs")); /* the last line, no newline */
	CU_ASSERT(!pc_fs_listed(list, "xfs"));
	CU_ASSERT(!pc_fs_listed(list, "ext"));
	CU_ASSERT(!pc_fs_listed(list, "ext4x"));
	CU_ASSERT(!pc_fs_listed(list, "nodev"));
	CU_ASSERT(!pc_fs_listed("", "ext4"));
	/* The running kernel has the one powercut's own /proc is. */
	CU_ASSERT(pc_fs_kernel_has("proc") == 1);
	CU_ASSERT(pc_fs_kernel_has("no-such-fs") == 0);
}

/* A kernel without the filesystem: the reason names the CONFIG_ option
 * and the module a kernel developer has to add, in few enough characters
 * for a qualify cell (160) after "mount /dev/loopN: ". */
static void test_missing_why(void)
{
	char why[256];
	pc_fs_missing_why("xfs", why, sizeof(why));
	CU_ASSERT_STRING_EQUAL(why, "the running kernel has no xfs filesystem (not in /proc/filesystems: "
				    "built without CONFIG_XFS_FS, or its module xfs is missing)");
	pc_fs_missing_why("overlay", why, sizeof(why));
	CU_ASSERT(strstr(why, "CONFIG_OVERLAY_FS, or its module overlay ") != NULL);
	pc_fs_missing_why("btrfs", why, sizeof(why));
	CU_ASSERT(strlen("mount /dev/loop12: ") + strlen(why) <= 160);
}

void register_fs_tests(void)
{
	CU_pSuite s = CU_add_suite("fs", NULL, NULL);
	CU_add_test(s, "mkfs_opts naming files or devices are refused", test_mkfs_refuses_other_files);
	CU_add_test(s, "mount_opts naming devices are refused", test_mount_refuses_other_devices);
	CU_add_test(s, "a failing mkfs is named by its first and last line", test_tool_message);
	CU_add_test(s, "mkfs_opts mean the same in any current folder", test_mkfs_opts_ignore_cwd);
	CU_add_test(s, "a read-only mount_opts is refused", test_mount_opts_read_only_refused);
	CU_add_test(s, "mount_opts are split as mount(8) splits them", test_mount_opts_parse);
	CU_add_test(s, "panic on a filesystem error is refused", test_panic_on_error_refused);
	CU_add_test(s, "a filesystem the kernel lists", test_listed);
	CU_add_test(s, "a filesystem the kernel lacks names its option and module", test_missing_why);
}
