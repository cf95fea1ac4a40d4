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
		{ "xfs", "-dname=/x" }, { "btrfs", "--force=/dev/sda" }, { "ext4", "-U /x" },
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
		/* a label or mke2fs's last-mounted folder is text mkfs never opens */
		{ "ext4", "-L a/b" }, { "ext4", "-M /var/lib/containerd" }, { "ext4", "-qL/x" },
		{ "xfs", "-L a/b" }, { "btrfs", "--label=a/b" }, { "btrfs", "-L /x" },
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

/* mkfs_opts read as the mkfs's getopt (getopt_long for mkfs.btrfs) reads
 * them, checked against what the real tools (e2fsprogs 1.47.0, xfsprogs
 * 6.1.0, btrfs-progs 6.2) do with each: an operand became the device to
 * format (the case's device then mke2fs's blocks count or a second btrfs
 * device: an error per case, not at load), an option's value was taken for
 * an option ("-L -d" is the label "-d", refused), and options after which
 * no filesystem is on the device (-n, -V, -N, --help, -O list-all, mke2fs
 * -S and -E offset=) made every case err with exit 1. */
static void test_mkfs_opts_as_getopt(void)
{
	static const struct { const char *fs, *opts, *why; } bad[] = {
		{ "ext4", "x", "'x' is not an option of mkfs.ext4 nor an option's value" },
		{ "btrfs", "victim", "would take it for the device to format" },
		{ "ext4", "-- -d", "'-d' is not an option of mkfs.ext4 (it follows '--')" },
		{ "xfs", "-b size=4096 # block size", "'#' starts a comment only at the start" },
		{ "ext4", "''", "'' is not an option" },
		{ "ext4", "-", "'-' is not an option" },
		{ "ext4", "-b 4096 -L", "'-L' takes a value and is the last argument" },
		{ "btrfs", "--label", "'--label' takes a value and is the last argument" },
		{ "ext4", "-n", "no new ext4 filesystem" }, { "ext4", "-qV", "no new ext4" },
		{ "ext4", "-S", "no new ext4" }, { "xfs", "-N", "no new xfs" },
		{ "xfs", "-V", "no new xfs" }, { "btrfs", "-V", "no new btrfs" },
		{ "btrfs", "--version", "no new btrfs" }, { "btrfs", "--he", "no new btrfs" },
		{ "btrfs", "-O list-all", "lists the features" },
		{ "btrfs", "--features=quota,list-all", "lists the features" },
		{ "btrfs", "-Rlist-all", "lists the features" },
		{ "ext4", "-E offset=4096", "'offset=4096' (-E)" },
		{ "ext4", "-Elazy_itable_init=0,offset=1", "'offset=1' (-E)" },
		{ "btrfs", "-qepanic", "-e is not an option of mkfs.btrfs" },
		{ "xfs", "-E lazy_itable_init=0", "'-E' is not an option of mkfs.xfs" },
		{ "ext4", "-fK", "-f is not an option of mkfs.ext4" },
		{ "ext4", "-q:", "-: is not an option" },
		{ "ext4", "--version", "which takes no long options" },
		{ "xfs", "--label=x", "which takes no long options" },
		{ "btrfs", "--no", "the start of more than one" },
		{ "btrfs", "--s 4096", "the start of more than one" },
		/* what mkfs refuses on the case's device whatever it holds:
		 * each case erred at its mkfs, after the cases before it ran
		 * (btrfs-progs 6.2: "the option --shrink must be used with
		 * --rootdir"; xfsprogs 6.1.0: 'specified "-d file" on a block
		 * device') */
		{ "btrfs", "--shrink", "'--shrink': mkfs.btrfs takes it only with --rootdir" },
		{ "btrfs", "-f --sh", "'--sh': mkfs.btrfs takes it only with --rootdir" },
		{ "xfs", "-d file", "'file' (-d): mkfs.xfs puts the data section in a regular file" },
		{ "xfs", "-dfile,size=256m", "'file' (-d)" },
		{ "xfs", "-d agcount=4 -d file", "'file' (-d)" },
		/* mke2fs 1.47.0 exits 0 and leaves a jbd journal device: each
		 * case erred after its mkfs ("libblkid finds jbd there") */
		{ "ext4", "-O journal_dev", "'journal_dev' (-O): mke2fs makes the device an external" },
		/* sub-option lists (getsubopt): mkfs refused these only when
		 * each case ran, "unknown option -b 4096" (xfsprogs 6.1.0),
		 * "Bad option(s) specified: 4096" (mke2fs 1.47.0) */
		{ "xfs", "-b 4096", "'4096' (-b) is no sub-option: mkfs.xfs's -b takes" },
		{ "xfs", "-i512", "'512' (-i) is no sub-option" },
		{ "xfs", "-b Size=4096", "'Size=4096' (-b)" },
		{ "xfs", "-m ,crc=1", "'' (-m)" },
		{ "xfs", "-d agcount=4,=2", "'=2' (-d)" },
		{ "ext4", "-E 4096", "'4096' (-E) is no sub-option: mkfs.ext4's -E takes" },
		{ "ext4", "-b 4096 -Ohas_journal,journal_dev", "'journal_dev' (-O)" },
	};
	static const struct { const char *fs, *opts; } good[] = {
		{ "ext4", "-L -d" }, { "xfs", "-L -p" }, { "btrfs", "-L -r" }, { "btrfs", "--label -r" },
		{ "btrfs", "--label=--rootdir" }, { "ext4", "-Ld" }, { "btrfs", "--c xxhash" },
		{ "btrfs", "--csum=xxhash --nodi" }, { "ext4", "-E offsetx=1" },
		{ "xfs", "-L file" }, { "xfs", "-d su=64k,sw=2" }, { "xfs", "-d filex" },
		{ "ext4", "-L offset=1" }, { "btrfs", "-L list-all" }, { "ext4", "-e continue" },
		{ "ext4", "-E lazy_itable_init=0 -O ^has_journal -b 4096 -J size=4" },
		{ "xfs", "-d agcount=2 -l size=16m -i sparse=1 -m reflink=1 -fK" },
		{ "ext4", "-L journal_dev -O journal_devx" },
		{ "xfs", "-b size=4096 -m crc=1, -l internal,lazy-count=1,size=64m -n ftype=1 "
			 "-i projid32bit=1" },
		{ "ext4", "-b 4096 -E lazy_itable_init=0,root_owner=0:0 -L 4096" },
	};
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		int rc = pc_fs_check_mkfs_opts(bad[i].fs, bad[i].opts, why, sizeof(why));
		if (rc == 0 || !strstr(why, bad[i].why))
			fprintf(stderr, "\n  %s mkfs_opts '%s': %d '%s'", bad[i].fs, bad[i].opts, rc, why);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].why));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why[0] = '\0';
		int rc = pc_fs_check_mkfs_opts(good[i].fs, good[i].opts, why, sizeof(why));
		if (rc != 0)
			fprintf(stderr, "\n  %s mkfs_opts '%s' refused: %s", good[i].fs, good[i].opts, why);
		CU_ASSERT_EQUAL(rc, 0);
	}
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

/* Options that leave the journal unreplayed on a read-write mount: xfs
 * (norecovery) and btrfs (norecovery, nologreplay, rescue=nologreplay or
 * all) refuse them without ro, so every case erred at its first mount,
 * after the cases before it ran; ext4 (norecovery, noload) mounts a fresh
 * filesystem without its journal and refuses the mount after the cut when
 * the journal needs recovery: a false "does not mount after the cut". */
static void test_mount_opts_no_replay(void)
{
	const char *bad[] = { "norecovery", "noatime,norecovery", "noload", "nologreplay",
			      "rescue=nologreplay", "rescue=usebackuproot:all", "rescue=all" };
	const char *good[] = { "norecoveryx", "noloadx", "rescueX=all", "usebackuprootx" };
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(bad[i], why, sizeof(why)), -1);
		if (!strstr(why, "would not replay its journal"))
			fprintf(stderr, "\n  mount_opts '%s': '%s'", bad[i], why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "would not replay its journal"));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(good[i], why, sizeof(why)), 0);
}

/* btrfs's rescue options make it mount what it would refuse: an older
 * tree root (usebackuproot, which also drops the log tree), damaged roots
 * or checksums ignored.  After the cut they hide the damage a case must
 * report ("does not mount after the cut" became a pass on an older root);
 * the ignore* ones, which Linux 6.18 takes only read-only, erred every case
 * at its first mount ("the kernel refuses these mount options"). */
static void test_mount_opts_rescue(void)
{
	const char *bad[] = { "rescue=usebackuproot", "usebackuproot", "noatime,recovery",
			      "rescue=ignorebadroots", "rescue=ibadroots", "rescue=ignoredatacsums",
			      "rescue=idatacsums", "rescue=ignoremetacsums",
			      "rescue=ignoresuperflags", "rescue=usebackuproot:idatacsums",
			      "compress=zstd,rescue=ignorebadroots" };
	const char *good[] = { "compress=zstd", "norecovery_x", "recoveryx", "x_rescue=1" };
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(bad[i], why, sizeof(why)), -1);
		if (!strstr(why, "hide"))
			fprintf(stderr, "\n  mount_opts '%s': '%s'", bad[i], why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "hide"));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(good[i], why, sizeof(why)), 0);
	/* btrfs clear_cache rebuilds the free space cache or tree at every
	 * mount, the one after the cut too: damage to it is gone before fsck */
	const char *rebuild[] = { "clear_cache", "space_cache=v2,clear_cache" };
	for (size_t i = 0; i < sizeof(rebuild) / sizeof(rebuild[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(rebuild[i], why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "hide"));
	}
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
		/* mount(8) as root, util-linux 2.38 (findmnt after mount -o): user
		 * and users are nosuid,nodev,noexec, owner and group nosuid,nodev,
		 * a later option wins; X-mount.mkdir and uhelper= never reach the
		 * kernel (they did: EINVAL, every case an error) */
		{ "user", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "exec,user", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "user,exec", MS_NOSUID | MS_NODEV, NULL },
		{ "owner,suid", MS_NODEV, NULL },
		{ "group,nouser,nousers,noowner,nogroup", MS_NOSUID | MS_NODEV, NULL },
		{ "X-mount.mkdir,uhelper=udisks2,commit=5", 0, "commit=5" },
		/* a ',' inside "..." splits nothing (mount(8), the kernel's LSM
		 * options); blanks around an option are cut off */
		{ "context=\"system_u:object_r:tmp_t:s0:c1,c2\",noatime",
		  MS_NOATIME, "context=\"system_u:object_r:tmp_t:s0:c1,c2\"" },
		{ "commit=5 , noatime ,\tdata=journal", MS_NOATIME, "commit=5,data=journal" },
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

/* Options mount(8) acts on itself (a loop device, another mount program,
 * dm-verity) cannot be honoured by mount(2): refused when the scenario is
 * read, as are source= (the device to mount) and a blank inside an option
 * (an inline '#' comment); each was handed to the kernel, which refused
 * it in every case.  ext4's sb= mounted, and failed every case. */
static void test_mount_opts_mount8_only(void)
{
	static const struct { const char *opts, *why; } bad[] = {
		{ "loop", "loop device" }, { "noatime,loop=/dev/loop7", "loop device" },
		{ "offset=4096", "loop device" }, { "sizelimit=1m", "loop device" },
		{ "encryption=aes", "loop device" }, { "helper=udisks2", "another mount program" },
		{ "verity.hashdevice=x", "dm-verity" }, { "source=x", "another device" },
		{ "noatime # fast", "holds a blank" }, { "context=\"a b\"", "holds a blank" },
		/* a fresh ext4 mounted sb=8193 (1 KiB blocks: its first backup),
		 * one file written and unmounted, fails e2fsck -fn, no cut needed */
		{ "sb=131072", "backup superblock" }, { "noatime,sb=8193", "backup superblock" },
		/* the whole value quoted, as INI files often do: the kernel
		 * was handed "noatime,nodev" as one option name */
		{ "\"noatime,nodev\"", "a quote before its '='" }, { "'noatime'", "a quote before" },
		/* accepted by ext4 and not applied: the cases passed */
		{ "abort", "only on a remount" }, { "noatime,abort", "only on a remount" },
		{ "remount", "an operation on a mount" }, { "noatime,bind", "an operation on a mount" },
		{ "rprivate", "an operation on a mount" }, { "move", "an operation on a mount" },
		{ "oldalloc", "no longer has" }, { "reservation", "no longer has" },
		{ "noreservation", "no longer has" }, { "nocheck", "no longer has" },
		{ "check=none", "no longer has" }, { "journal=1", "no longer has" },
	};
	static const char *const good[] = { "loopy", "offsetx=1", "noatime , nodev", "user_xattr",
					    "sbx=1", "aborts", "orlov", "journal_checksum",
					    "checkpoint=x", "context=\"system_u:object_r:tmp_t:s0:c1,c2\"" };
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(bad[i].opts, why, sizeof(why)), -1);
		if (!strstr(why, bad[i].why))
			fprintf(stderr, "\n  mount_opts '%s': '%s'", bad[i].opts, why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].why));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(pc_fs_check_mount_opts(good[i], why, sizeof(why)), 0);
	/* 4096 bytes for the filesystem: the kernel would see 4095 of them */
	char *longest = xmalloc(4097);
	memset(longest, 'x', 4096);
	longest[4096] = '\0';
	why[0] = '\0';
	CU_ASSERT_EQUAL(pc_fs_check_mount_opts(longest, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "drops the rest silently"));
	longest[4095] = '\0';
	CU_ASSERT_EQUAL(pc_fs_check_mount_opts(longest, why, sizeof(why)), 0);
	free(longest);
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

/* mkfs.ext4 -q -F IMG with CONFIG as mke2fs's configuration file (written
 * into DIR); 0 when mkfs ran and exited 0. */
static int mkfs_ext4_configured(const char *dir, const char *img, const char *config)
{
	char *conf = xasprintf("%s/mke2fs.conf", dir);
	FILE *f = fopen(conf, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(config, f);
	fclose(f);
	char *argv[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", (char *)img, NULL };
	int status = -1;
	CU_ASSERT_FATAL(setenv("MKE2FS_CONFIG", conf, 1) == 0);
	int rc = pc_run(argv, NULL, &status);
	unsetenv("MKE2FS_CONFIG");
	free(conf);
	return rc == 0 && status == 0 ? 0 : -1;
}

/* mke2fs's configuration sets the errors behaviour too, where no scenario
 * check sees it: "errors = panic" in the file $MKE2FS_CONFIG names (or
 * /etc/mke2fs.conf) made a filesystem that panics on the errors the cut
 * causes.  pc_fs_mkfs reads it back from the superblock. */
static void test_ext4_panics_from_config(void)
{
	char *dir = unit_tmpdir();
	char *img = make_file(dir, "img", 64 << 20, "");
	CU_ASSERT_EQUAL(mkfs_ext4_configured(dir, img, "[defaults]\n\terrors = panic\n"), 0);
	CU_ASSERT_EQUAL(pc_fs_ext4_panics(img), 1);
	char *argv[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", img, NULL };
	int status = -1;
	CU_ASSERT(pc_run(argv, NULL, &status) == 0 && status == 0);
	CU_ASSERT_EQUAL(pc_fs_ext4_panics(img), 0);
	char *none = xasprintf("%s/none", dir);
	CU_ASSERT_EQUAL(pc_fs_ext4_panics(none), -1);
	free(none);
	free(img);
	unit_rmtree(dir);
	free(dir);
}

/* An ext4 without a journal nobody asked for: too small for one (under
 * 2048 blocks: device_size = 1M) is the scenario's error, one that had room
 * (mke2fs.conf's features = ^has_journal) the machine's; asked for with
 * mkfs_opts = -O ^has_journal, none. */
static void test_ext4_journal_left_out(void)
{
	char *dir = unit_tmpdir();
	char *img = make_file(dir, "img", 16 << 20, "");
	char *tiny = make_file(dir, "tiny", 1 << 20, "");
	CU_ASSERT_EQUAL(mkfs_ext4_configured(dir, img,
					     "[fs_types]\n\text4 = {\n\t\tfeatures = ^has_journal,extent\n\t}\n"),
			0);
	CU_ASSERT_EQUAL(pc_fs_ext4_has_journal(img), 0);
	char *argv[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", img, NULL };
	int status = -1;
	char msg[1024] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_fs_ext4_check_journal(img, ""), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_ENV);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "mke2fs.conf's doing"));
	CU_ASSERT_EQUAL(pc_fs_ext4_check_journal(img, "-O ^has_journal"), 0);
	char *small[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", tiny, NULL };
	CU_ASSERT(pc_run(small, NULL, &status) == 0 && status == 0);
	msg[0] = '\0';
	pc_last_errclass = PC_ERR_NONE;
	CU_ASSERT_EQUAL(pc_fs_ext4_check_journal(tiny, NULL), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "a larger device_size gives it one"));
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT(pc_run(argv, NULL, &status) == 0 && status == 0);
	CU_ASSERT_EQUAL(pc_fs_ext4_check_journal(img, ""), 0);
	free(tiny);
	free(img);
	unit_rmtree(dir);
	free(dir);
}

/* mke2fs.conf's default_mntopts go into the superblock and apply at every
 * mount, and ext4 does not show them in /proc/self/mountinfo (it shows
 * what differs from them): with "nobarrier,journal_data" every case
 * mounted data=journal without barriers, and results.json's mounted said
 * "rw,nodioread_nolock,nodelalloc". */
static void test_ext4_default_mntopts_from_config(void)
{
	char *dir = unit_tmpdir();
	char *img = make_file(dir, "img", 64 << 20, "");
	char *argv[] = { (char *)"mkfs.ext4", (char *)"-q", (char *)"-F", img, NULL };
	int status = -1;
	char names[256] = "";
	CU_ASSERT_EQUAL(mkfs_ext4_configured(dir, img,
					     "[defaults]\n\tdefault_mntopts = acl,user_xattr,nobarrier,journal_data\n"),
			0);
	CU_ASSERT_EQUAL(pc_fs_ext4_default_mntopts(img, names, sizeof(names)), 1);
	CU_ASSERT_STRING_EQUAL(names, "journal_data,nobarrier");
	/* acl,user_xattr (mke2fs's own default) change nothing a case tests */
	CU_ASSERT_EQUAL(mkfs_ext4_configured(dir, img,
					     "[defaults]\n\tdefault_mntopts = acl,user_xattr,journal_data_ordered\n"),
			0);
	CU_ASSERT_EQUAL(pc_fs_ext4_default_mntopts(img, names, sizeof(names)), 0);
	CU_ASSERT(pc_run(argv, NULL, &status) == 0 && status == 0);
	CU_ASSERT_EQUAL(pc_fs_ext4_default_mntopts(img, names, sizeof(names)), 0);
	char *none = xasprintf("%s/none", dir);
	CU_ASSERT_EQUAL(pc_fs_ext4_default_mntopts(none, names, sizeof(names)), -1);
	free(none);
	free(img);
	unit_rmtree(dir);
	free(dir);
}

/* The host as the fake lookup below sees it: a UUID and two labels some
 * block device of it has (the one of a cloud image's root among them). */
#define HOST_UUID "0b7c6a2e-5d41-4c3e-9f0a-1e2d3c4b5a69"
static int host_lookups;
static char *fake_host_tag(const char *tag, const char *value)
{
	host_lookups++;
	if ((!strcmp(tag, "UUID") && !strcmp(value, HOST_UUID)) ||
	    (!strcmp(tag, "LABEL") &&
	     (!strcmp(value, "cloudimg-rootfs") || !strcmp(value, "sixteen-bytes-ab"))))
		return xstrdup("/dev/vda");
	return NULL;
}

/* A UUID or label mkfs_opts sets that a device of the host has already is
 * refused when the scenario is read (the check without the host's tags,
 * the one each mkfs runs, takes it), in every spelling of each mkfs; other
 * ones, and mke2fs -U clear|null|random|time, are not. */
static void test_mkfs_host_tags(void)
{
	static const struct { const char *fs, *opts; } bad[] = {
		{ "ext4", "-U " HOST_UUID }, { "ext4", "-U0B7C6A2E-5D41-4C3E-9F0A-1E2D3C4B5A69" },
		{ "ext4", "-L cloudimg-rootfs" }, { "ext4", "-qLcloudimg-rootfs" },
		{ "ext4", "-L sixteen-bytes-abcdef" }, /* mke2fs keeps 16 bytes */
		{ "ext4", "-U random -L cloudimg-rootfs" },
		{ "xfs", "-m crc=1,uuid=" HOST_UUID }, { "xfs", "-muuid=" HOST_UUID },
		{ "xfs", "-L cloudimg-rootfs" },
		{ "btrfs", "-U " HOST_UUID }, { "btrfs", "--uuid=" HOST_UUID },
		{ "btrfs", "--uu " HOST_UUID }, { "btrfs", "--label cloudimg-rootfs" },
		{ "btrfs", "-f -Lcloudimg-rootfs" },
	};
	static const struct { const char *fs, *opts; } good[] = {
		{ "ext4", "-U random" }, { "ext4", "-U clear" }, { "ext4", "-U null" },
		{ "ext4", "-U time" }, { "ext4", "-U 0b7c6a2e-5d41-4c3e-9f0a-1e2d3c4b5a6a" },
		{ "ext4", "-L data" }, { "ext4", "-L cloudimg-rootfs2" },
		{ "xfs", "-m crc=1 -L data" },
		{ "xfs", "-m uuid=0b7c6a2e-5d41-4c3e-9f0a-1e2d3c4b5a6a" },
		{ "btrfs", "-L sixteen-bytes-abcdef" }, /* mkfs.btrfs keeps it whole */
		{ "btrfs", "--label=data -U 0b7c6a2e-5d41-4c3e-9f0a-1e2d3c4b5a6a" },
		{ "ext4", "-b 4096" },
	};
	char *(*saved)(const char *, const char *) = pc_fs_host_tag;
	pc_fs_host_tag = fake_host_tag;
	char why[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(pc_fs_check_mkfs_opts(bad[i].fs, bad[i].opts, why, sizeof(why)), 0);
		int rc = pc_fs_check_mkfs_host_tags(bad[i].fs, bad[i].opts, why, sizeof(why));
		int ok = rc == -1 &&
			 strstr(why, "a block device of this host (/dev/vda) already has");
		if (!ok)
			fprintf(stderr, "\n  %s '%s': rc %d, %s", bad[i].fs, bad[i].opts, rc, why);
		CU_ASSERT(ok);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why[0] = '\0';
		int rc = pc_fs_check_mkfs_host_tags(good[i].fs, good[i].opts, why, sizeof(why));
		if (rc != 0)
			fprintf(stderr, "\n  %s '%s': %s", good[i].fs, good[i].opts, why);
		CU_ASSERT_EQUAL(rc, 0);
	}
	/* The message says which option, what the host has, and why. */
	CU_ASSERT_EQUAL(pc_fs_check_mkfs_host_tags("ext4", "-b 4096 -U " HOST_UUID, why,
						   sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "'-U " HOST_UUID "': a block device of this host "
					   "(/dev/vda) already has UUID=" HOST_UUID "; "));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "/dev/disk/by-uuid"));
	/* Nothing is looked up without a UUID or label. */
	host_lookups = 0;
	CU_ASSERT_EQUAL(pc_fs_check_mkfs_host_tags("ext4", "-b 4096 -O ^has_journal", why,
						   sizeof(why)), 0);
	CU_ASSERT_EQUAL(host_lookups, 0);
	pc_fs_host_tag = saved;
}

static void test_mount_refuses_other_devices(void)
{
	char *dir = unit_tmpdir();
	char msg[512];
	pc_messages_quiet = 1;
	pc_capture_errors(msg, sizeof(msg));
	const char *bad[] = { "logdev=/dev/null", "noatime,device=/dev/null",
			      "journal_path=/dev/null", "rtdev=/dev/null", "source=/dev/null" };
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

/* What the three checks print at their end (e2fsprogs 1.47.0, xfsprogs
 * 6.1.0, btrfs-progs 6.2: Debian 12). */
static const char E2FSCK_CLEAN[] =
	"e2fsck 1.47.0 (5-Feb-2023)\nPass 1: Checking inodes, blocks, and sizes\n"
	"Pass 5: Checking group summary information\n"
	"/dev/loop0: 11/32768 files (0.0% non-contiguous), 6353/131072 blocks\n";
static const char E2FSCK_ERRORS[] =
	"e2fsck 1.47.0 (5-Feb-2023)\nPass 4: Checking reference counts\n"
	"Inode 75 ref count is 5, should be 1.  Fix? no\n\n"
	"/dev/loop1: ********** WARNING: Filesystem still has errors **********\n\n"
	"/dev/loop1: 3942/32768 files (0.1% non-contiguous), 19716/131072 blocks\n";
static const char E2FSCK_NO_SB[] =
	"e2fsck 1.47.0 (5-Feb-2023)\next2fs_open2: Bad magic number in super-block\n"
	"e2fsck: Superblock invalid, trying backup blocks...\n"
	"e2fsck: Bad magic number in super-block while trying to open /dev/loop0\n";
static const char XFS_CLEAN[] =
	"Phase 1 - find and verify superblock...\nPhase 7 - verify link counts...\n"
	"No modify flag set, skipping filesystem flush and exiting.\n";
static const char BTRFS_CLEAN[] =
	"Opening filesystem to check...\nChecking filesystem on /dev/loop0\n"
	"[7/7] checking quota groups skipped (not enabled on this FS)\n"
	"found 147456 bytes used, no error found\ntotal csum bytes: 0\n";

static enum pc_fsck_result judge(const char *fs, int status, const char *out, char *why)
{
	return pc_fs_fsck_judge(fs, "/dev/loop0", status, out, why, 512);
}

/* A check that ran to its end and found damage: xfs_repair -n prints its
 * last line, then exits 1 as something warned (fs_is_dirty); btrfs check
 * prints "error(s) found" in its summary line, then exits 1. */
static const char XFS_ERRORS[] =
	"Phase 1 - find and verify superblock...\nPhase 3 - for each AG...\n"
	"entry \"f\" in shortform directory 128 references free inode 131\n"
	"would have junked entry \"f\" in directory inode 128\n"
	"Phase 7 - verify link counts...\n"
	"No modify flag set, skipping filesystem flush and exiting.\n";
static const char BTRFS_ERRORS[] =
	"Opening filesystem to check...\nChecking filesystem on /dev/loop0\n"
	"[4/7] checking fs roots\nroot 5 inode 257 errors 1, no inode item\n"
	"ERROR: errors found in fs roots\n"
	"found 147456 bytes used, error(s) found\ntotal csum bytes: 0\n";

/* fsck's exit status read as each tool documents it: a check that did not
 * run to its end is never clean, and one that could not check is not
 * "errors" (corruption claimed).  Before, status 0 was clean and any other
 * "errors": e2fsck's operational error (8) failed the case for corruption,
 * and a check that printed nothing and exited 0 passed it. */
static void test_fsck_status(void)
{
	char why[512];
	CU_ASSERT_EQUAL(judge("ext4", 0, E2FSCK_CLEAN, why), PC_FSCK_CLEAN);
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_EQUAL(judge("xfs", 0, XFS_CLEAN, why), PC_FSCK_CLEAN);
	CU_ASSERT_EQUAL(judge("btrfs", 0, BTRFS_CLEAN, why), PC_FSCK_CLEAN);
	CU_ASSERT_EQUAL(judge("btrfs", 0, "found 1 bytes used err is 0\n", why), PC_FSCK_CLEAN);
	/* btrfs check read a metadata block's other copy and exits 0: one
	 * copy of a block the committed tree points to is damaged (one
	 * mirror's leaf overwritten after the cut) */
	static const char btrfs_mirror[] =
		"Opening filesystem to check...\nChecking filesystem on /dev/loop0\n"
		"[2/7] checking extents\n"
		"checksum verify failed on 31129600 wanted 0xe3ab4b15 found 0x27fd55f1\n"
		"[3/7] checking free space tree\n"
		"found 11304960 bytes used, no error found\n";
	CU_ASSERT_EQUAL(judge("btrfs", 0, btrfs_mirror, why), PC_FSCK_ERRORS);
	CU_ASSERT_EQUAL(judge("btrfs", 0, "parent transid verify failed on 30408704 wanted 9 found 7\n"
				  "found 1 bytes used, no error found\n", why), PC_FSCK_ERRORS);
	/* a journal the check did not replay: it checked a filesystem
	 * without the journal's changes (an ext4 whose journal was damaged
	 * after the cut: e2fsck -fn, status 0, 11 files); said, for the
	 * reason of a filesystem that did not mount */
	static const char e2fsck_unreplayed[] =
		"e2fsck 1.47.0 (5-Feb-2023)\n"
		"Warning: skipping journal recovery because doing a read-only filesystem check.\n"
		"Pass 1: Checking inodes, blocks, and sizes\n"
		"/dev/loop0: 11/32768 files (45.5% non-contiguous), 6353/131072 blocks\n";
	CU_ASSERT(pc_fs_fsck_unreplayed("ext4", e2fsck_unreplayed));
	CU_ASSERT(!pc_fs_fsck_unreplayed("ext4", E2FSCK_CLEAN));
	CU_ASSERT(!pc_fs_fsck_unreplayed("ext4", NULL));
	CU_ASSERT(pc_fs_fsck_unreplayed("xfs", "Phase 2 - using internal log\n        - zero log...\n"
					"ALERT: The filesystem has valuable metadata changes in a log "
					"which is being\nignored because the -n option was used.\n"));
	CU_ASSERT(!pc_fs_fsck_unreplayed("xfs", XFS_CLEAN));
	CU_ASSERT(!pc_fs_fsck_unreplayed("btrfs", e2fsck_unreplayed));
	/* the same words from another tool are its own business */
	CU_ASSERT_EQUAL(judge("ext4", 0, "checksum verify failed on 1\n/dev/loop0: 11/32768 files "
				  "(0.0% non-contiguous), 6353/131072 blocks\n", why), PC_FSCK_CLEAN);
	/* e2fsck: 1 and 2 (corrected: with -n, found), 4 (left), 12 (found,
	 * then could not go on) are errors */
	for (int st = 1; st < 64; st++)
		if (st & 7) {
			CU_ASSERT_EQUAL(judge("ext4", st, E2FSCK_ERRORS, why), PC_FSCK_ERRORS);
		}
	/* 8, 16, 32 alone: the check was not made */
	CU_ASSERT_EQUAL(judge("ext4", 8, E2FSCK_NO_SB, why), PC_FSCK_FAILED);
	CU_ASSERT_STRING_EQUAL(why, "e2fsck -fn on /dev/loop0 ended with status 8 (an operational "
				    "error): e2fsck 1.47.0 (5-Feb-2023) ... e2fsck: Bad magic number "
				    "in super-block while trying to open /dev/loop0: the filesystem "
				    "was not checked");
	CU_ASSERT_EQUAL(judge("ext4", 16, "Usage: e2fsck\n", why), PC_FSCK_FAILED);
	CU_ASSERT(strstr(why, "status 16 (a usage or syntax error)") != NULL);
	CU_ASSERT_EQUAL(judge("ext4", 32, "", why), PC_FSCK_FAILED);
	CU_ASSERT_STRING_EQUAL(why, "e2fsck -fn on /dev/loop0 ended with status 32 (cancelled): "
				    "the filesystem was not checked");
	CU_ASSERT_EQUAL(judge("ext4", 64, E2FSCK_ERRORS, why), PC_FSCK_FAILED);
	CU_ASSERT(strstr(why, "status 64 (a status it does not document)") != NULL);
	/* xfs_repair -n and btrfs check: 1 is errors, nothing else is known */
	CU_ASSERT_EQUAL(judge("xfs", 1, XFS_ERRORS, why), PC_FSCK_ERRORS);
	CU_ASSERT_EQUAL(judge("btrfs", 1, BTRFS_ERRORS, why), PC_FSCK_ERRORS);
	CU_ASSERT_EQUAL(judge("xfs", 2, XFS_CLEAN, why), PC_FSCK_FAILED);
	CU_ASSERT(strstr(why, "xfs_repair -n on /dev/loop0 ended with status 2 (a status it does "
			      "not document): Phase 1") != NULL);
	CU_ASSERT_EQUAL(judge("btrfs", 8, "", why), PC_FSCK_FAILED);
	CU_ASSERT(strstr(why, "btrfs check --readonly on /dev/loop0 ended with status 8") != NULL);
	/* exit 0 without what a finished check prints: not checked */
	CU_ASSERT_EQUAL(judge("ext4", 0, "", why), PC_FSCK_FAILED);
	CU_ASSERT_STRING_EQUAL(why, "e2fsck -fn on /dev/loop0 exited 0 but its output lacks its "
				    "summary line (FILES files (N% non-contiguous), BLOCKS blocks): "
				    "the check did not run to its end");
	CU_ASSERT_EQUAL(judge("ext4", 0, NULL, why), PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("ext4", 0, "Pass 1: Checking inodes, blocks, and sizes\n", why),
			PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("xfs", 0, "Phase 1 - find and verify superblock...\n", why),
			PC_FSCK_FAILED);
	CU_ASSERT(strstr(why, "No modify flag set, skipping filesystem flush and exiting.") != NULL);
	CU_ASSERT_EQUAL(judge("btrfs", 0, "Opening filesystem to check...\n", why), PC_FSCK_FAILED);
	/* one tool's end line does not make another's */
	CU_ASSERT_EQUAL(judge("xfs", 0, E2FSCK_CLEAN, why), PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("ext4", 0, BTRFS_CLEAN, why), PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("zfs", 0, E2FSCK_CLEAN, why), PC_FSCK_FAILED);
}

/* xfs_repair -n and btrfs check exit 1 both when they found damage and
 * when they could not check (device busy or mounted, no such device, no
 * memory, no filesystem there): what they print tells them apart
 * (xfsprogs 6.1.0: every exit(1) before the end of main skips its last
 * line; btrfs-progs 6.2: cmd_check's early exits skip its summary line).
 * Before, any 1 was "fsck found errors": a case whose check never ran
 * failed for corruption. */
static void test_fsck_status_one(void)
{
	char why[512];
	/* xfs_repair: the device mounted (libxfs_init fails) */
	CU_ASSERT_EQUAL(judge("xfs", 1, "xfs_repair: /dev/loop0 contains a mounted and writable "
				  "filesystem\n\nfatal error -- couldn't initialize XFS library\n",
				  why), PC_FSCK_FAILED);
	CU_ASSERT_STRING_EQUAL(why, "xfs_repair -n on /dev/loop0 ended with status 1 before the end "
				    "of its check (its output lacks its last line (No modify flag "
				    "set, skipping filesystem flush and exiting.) and names no damage "
				    "found): xfs_repair: /dev/loop0 contains a mounted and writable "
				    "filesystem ... fatal error -- couldn't initialize XFS library: "
				    "the filesystem was not checked");
	CU_ASSERT_EQUAL(judge("xfs", 1, "xfs_repair: cannot open /dev/loop0: Device or resource "
				  "busy\n", why), PC_FSCK_FAILED);
	/* a fatal error (no memory) in the middle of its phases */
	CU_ASSERT_EQUAL(judge("xfs", 1, "Phase 1 - find and verify superblock...\n"
				  "Phase 6 - check inode connectivity...\n\nfatal error -- "
				  "malloc failed in longform_dir2_entry_check (4096 bytes)\n", why),
			PC_FSCK_FAILED);
	/* no xfs there at all: not checked, as e2fsck's "Bad magic number" */
	CU_ASSERT_EQUAL(judge("xfs", 1, "Phase 1 - find and verify superblock...\n"
				  "bad primary superblock - bad magic number !!!\n\n"
				  "attempting to find secondary superblock...\n"
				  "...Sorry, could not find valid secondary superblock\nExiting now.\n",
				  why), PC_FSCK_FAILED);
	/* cut off: output that stops in a phase */
	CU_ASSERT_EQUAL(judge("xfs", 1, "Phase 1 - find and verify superblock...\n", why),
			PC_FSCK_FAILED);
	/* a damaged primary superblock, a good secondary: phase 1 stops
	 * under -n, having found the damage */
	CU_ASSERT_EQUAL(judge("xfs", 1, "Phase 1 - find and verify superblock...\n"
				  "bad primary superblock - bad magic number !!!\n\n"
				  "attempting to find secondary superblock...\n"
				  ".found candidate secondary superblock...\n"
				  "verified secondary superblock...\n"
				  "Primary superblock would have been modified.\n"
				  "Cannot proceed further in no_modify mode.\nExiting now.\n", why),
			PC_FSCK_ERRORS);
	/* btrfs check: mounted, no such device, no btrfs there */
	CU_ASSERT_EQUAL(judge("btrfs", 1, "Opening filesystem to check...\nERROR: /dev/loop0 is "
				  "currently mounted, use --force if you really intend to check "
				  "the filesystem\n", why), PC_FSCK_FAILED);
	CU_ASSERT_STRING_EQUAL(why, "btrfs check --readonly on /dev/loop0 ended with status 1 before "
				    "the end of its check (its output lacks its summary line (found N "
				    "bytes used, error(s) found) and names no damage found): Opening "
				    "filesystem to check... ... ERROR: /dev/loop0 is currently mounted, "
				    "use --force if you really intend to check the filesystem: the "
				    "filesystem was not checked");
	CU_ASSERT_EQUAL(judge("btrfs", 1, "Opening filesystem to check...\nERROR: mount check: "
				  "cannot open /dev/loop0: No such file or directory\nERROR: could "
				  "not check mount status: No such file or directory\n", why),
			PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("btrfs", 1, "Opening filesystem to check...\nNo valid Btrfs found on "
				  "/dev/loop0\nERROR: cannot open file system\n", why), PC_FSCK_FAILED);
	/* cut off before its summary line */
	CU_ASSERT_EQUAL(judge("btrfs", 1, "ERROR: errors found in fs roots\n", why), PC_FSCK_FAILED);
	/* it could not open the filesystem because a tree block is damaged:
	 * the damage is found */
	CU_ASSERT_EQUAL(judge("btrfs", 1, "Opening filesystem to check...\nparent transid verify "
				  "failed on 30408704 wanted 9 found 7\nERROR: could not setup extent "
				  "tree\nERROR: cannot open file system\n", why), PC_FSCK_ERRORS);
	CU_ASSERT_EQUAL(judge("btrfs", 1, "Opening filesystem to check...\nChecking filesystem on "
				  "/dev/loop0\nERROR: critical roots corrupted, unable to check the "
				  "filesystem\n", why), PC_FSCK_ERRORS);
	/* the words of another tool do not count */
	CU_ASSERT_EQUAL(judge("xfs", 1, BTRFS_ERRORS, why), PC_FSCK_FAILED);
	CU_ASSERT_EQUAL(judge("btrfs", 1, XFS_ERRORS, why), PC_FSCK_FAILED);
}

void register_fs_tests(void)
{
	CU_pSuite s = CU_add_suite("fs", NULL, NULL);
	CU_add_test(s, "mkfs_opts naming files or devices are refused", test_mkfs_refuses_other_files);
	CU_add_test(s, "mount_opts naming devices are refused", test_mount_refuses_other_devices);
	CU_add_test(s, "a UUID or label the host has already is refused", test_mkfs_host_tags);
	CU_add_test(s, "a failing mkfs is named by its first and last line", test_tool_message);
	CU_add_test(s, "mkfs_opts mean the same in any current folder", test_mkfs_opts_ignore_cwd);
	CU_add_test(s, "mkfs_opts are read as getopt reads them", test_mkfs_opts_as_getopt);
	CU_add_test(s, "a read-only mount_opts is refused", test_mount_opts_read_only_refused);
	CU_add_test(s, "mount_opts that skip the journal's replay are refused",
		    test_mount_opts_no_replay);
	CU_add_test(s, "btrfs's rescue mount_opts are refused", test_mount_opts_rescue);
	CU_add_test(s, "mount_opts are split as mount(8) splits them", test_mount_opts_parse);
	CU_add_test(s, "panic on a filesystem error is refused", test_panic_on_error_refused);
	CU_add_test(s, "an ext4 mke2fs.conf made panic is seen", test_ext4_panics_from_config);
	CU_add_test(s, "an ext4 made without a journal is refused", test_ext4_journal_left_out);
	CU_add_test(s, "default mount options mke2fs.conf put in an ext4 are seen",
		    test_ext4_default_mntopts_from_config);
	CU_add_test(s, "mount_opts mount(8) acts on are refused", test_mount_opts_mount8_only);
	CU_add_test(s, "a filesystem the kernel lists", test_listed);
	CU_add_test(s, "a filesystem the kernel lacks names its option and module", test_missing_why);
	CU_add_test(s, "fsck's exit status is read as each tool documents it", test_fsck_status);
	CU_add_test(s, "fsck status 1: errors found or not checked, by its output", test_fsck_status_one);
}
