/* test_scenario.c - scenario parsing, inheritance, expansion, errors, filter. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/durability.h"
#include "fs/fsopts.h"
#include "run/scenario.h"
#include "run/scenario_keys.h"
#include "unit.h"
#include "util/strbuf.h"
#include "util/util.h"

static char *tmp;      /* test folder */
static char *tmpreal;  /* its realpath, as image paths are made absolute */

static int setup(void)
{
	tmp = unit_tmpdir();
	tmpreal = realpath(tmp, NULL);
	if (!tmpreal)
		return -1;
	char *sub = xasprintf("%s/sub", tmp);
	int rc = pc_mkdir_p(sub, 0755);
	free(sub);
	/* Layer files only need to exist for the parser. */
	const char *files[] = { "layer1.tar", "sub/layer2.tar.zst", "other.tar", "a.tar" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++) {
		char *p = xasprintf("%s/%s", tmp, files[i]);
		rc = pc_write_file(p, "x", 1, 0);
		free(p);
	}
	return rc;
}

static int teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
	free(tmpreal);
	return 0;
}

/* Write TEXT to NAME in the test folder; returns the malloc'd path. */
static char *write_ini(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", tmp, name);
	CU_ASSERT_FATAL(pc_write_file(p, text, strlen(text), 0) == 0);
	return p;
}

/* Load PATH with stderr captured; returns rc and the captured text. */
static int load_capture(const char *path, struct pc_scenario *sc, char **err)
{
	char *errpath = xasprintf("%s/stderr.txt", tmp);
	int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	CU_ASSERT_FATAL(saved >= 0);
	CU_ASSERT_FATAL(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	close(fd);
	pc_last_errclass = PC_ERR_NONE;
	int rc = pc_scenario_load(path, sc);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	*err = pc_read_file(errpath, NULL);
	CU_ASSERT_FATAL(*err != NULL);
	free(errpath);
	return rc;
}

/* Write NAME with TEXT and load it, which must succeed with N cases. */
static void load_ok(const char *name, const char *text, struct pc_scenario *sc, size_t n)
{
	char *path = write_ini(name, text);
	char *err;
	CU_ASSERT_EQUAL_FATAL(load_capture(path, sc, &err), 0);
	free(err);
	free(path);
	CU_ASSERT_EQUAL_FATAL(sc->ncases, n);
}

static const char multi_ini[] =
	"; a scenario with two groups\n"
	"[global]\n"
	"image = layer1.tar, sub/layer2.tar.zst\n"
	"fs = ext4\n"
	"modes = none syncfs\n"
	"mount_opts = noatime\n"
	"\n"
	"[quick]\n"
	"description = every mode on two filesystems\n"
	"fs = ext4 xfs\n"
	"modes = none,syncfs,fsync\n"
	"expect_none = loss\n"
	"\n"
	"[rep]\n"
	"  image = other.tar\n"
	"modes = fsync\n"
	"repeat = 2\n"
	"backend = fuse\n"
	"device_size = 2G\n"
	"cut = error\n"
	"mkfs_opts = -b 4096 -O ^has_journal\n";

static void test_multi_group(void)
{
	char *path = write_ini("multi.ini", multi_ini);
	struct pc_scenario sc;
	char *err;
	int rc = load_capture(path, &sc, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	CU_ASSERT_STRING_EQUAL(sc.name, "multi");
	CU_ASSERT_STRING_EQUAL(sc.path, path);
	static const char *const ids[] = {
		"quick/ext4/none", "quick/ext4/syncfs", "quick/ext4/fsync",
		"quick/xfs/none", "quick/xfs/syncfs", "quick/xfs/fsync",
		"rep/ext4/fsync/r1", "rep/ext4/fsync/r2",
	};
	CU_ASSERT_EQUAL_FATAL(sc.ncases, 8);
	for (size_t i = 0; i < 8; i++)
		CU_ASSERT_STRING_EQUAL(sc.cases[i].id, ids[i]);

	char *l1 = xasprintf("%s/layer1.tar", tmpreal);
	char *l2 = xasprintf("%s/sub/layer2.tar.zst", tmpreal);
	char *other = xasprintf("%s/other.tar", tmpreal);

	const struct pc_case *q = &sc.cases[3]; /* quick/xfs/none */
	CU_ASSERT_STRING_EQUAL(q->group, "quick");
	CU_ASSERT_STRING_EQUAL(q->fs, "xfs");
	CU_ASSERT_EQUAL(q->mode, PC_MODE_NONE);
	CU_ASSERT_EQUAL(q->expect, PC_EXPECT_LOSS);
	CU_ASSERT_STRING_EQUAL(q->mount_opts, "noatime");  /* inherited */
	CU_ASSERT_STRING_EQUAL(q->mkfs_opts, "");
	CU_ASSERT_STRING_EQUAL(q->backend, "auto");
	CU_ASSERT_EQUAL(q->device_size, 0);
	CU_ASSERT_EQUAL(q->cut, PC_FLAKEY_DROP);
	CU_ASSERT_EQUAL(q->repeat, 1);
	CU_ASSERT_EQUAL(q->repeats, 1);
	CU_ASSERT_EQUAL_FATAL(q->nimages, 2);
	CU_ASSERT_STRING_EQUAL(q->images[0], l1);
	CU_ASSERT_STRING_EQUAL(q->images[1], l2);
	CU_ASSERT_PTR_NULL(q->images[2]);
	CU_ASSERT_EQUAL(sc.cases[1].expect, PC_EXPECT_INTACT); /* syncfs default */
	CU_ASSERT_EQUAL(sc.cases[2].expect, PC_EXPECT_INTACT); /* fsync default */

	const struct pc_case *r = &sc.cases[7]; /* rep/ext4/fsync/r2 */
	CU_ASSERT_STRING_EQUAL(r->group, "rep");
	CU_ASSERT_STRING_EQUAL(r->fs, "ext4");  /* inherited */
	CU_ASSERT_EQUAL(r->mode, PC_MODE_FSYNC);
	CU_ASSERT_EQUAL(r->expect, PC_EXPECT_INTACT);
	CU_ASSERT_STRING_EQUAL(r->mkfs_opts, "-b 4096 -O ^has_journal");
	CU_ASSERT_STRING_EQUAL(r->mount_opts, "noatime");
	CU_ASSERT_STRING_EQUAL(r->backend, "fuse");
	CU_ASSERT_EQUAL(r->device_size, 2ULL << 30);
	CU_ASSERT_EQUAL(r->cut, PC_FLAKEY_ERROR);
	CU_ASSERT_EQUAL(r->repeat, 2);
	CU_ASSERT_EQUAL(r->repeats, 2);
	CU_ASSERT_EQUAL_FATAL(r->nimages, 1);
	CU_ASSERT_STRING_EQUAL(r->images[0], other);
	CU_ASSERT_EQUAL(sc.cases[6].repeat, 1);

	free(l1);
	free(l2);
	free(other);
	pc_scenario_free(&sc);
	CU_ASSERT_EQUAL(sc.ncases, 0);
	free(path);
}

/* Write a small fio job file, job.fio, in the test folder. */
static void write_job(void)
{
	free(write_ini("job.fio", "[global]\nioengine=psync\nbs=4k\nsize=64k\nverify=crc32c\n"
			 "[job]\nrw=write\n"));
}

/* cut_at: end, or a plain decimal number with s or %; what strtod reads
 * besides (hex, exponents) is refused with FILE:LINE: cut_at. */
static void test_cut_at_values(void)
{
	write_job();
	static const struct { const char *v; int ok; } values[] = {
		{ "end", 1 }, { "3s", 1 }, { "2.5s", 1 }, { "50%", 1 }, { "12.5%", 1 },
		{ "0x10s", 0 }, { "0x1p4%", 0 }, { "1e-300s", 0 }, { "1e3s", 0 }, { "1E3s", 0 },
		{ "3.s", 0 }, { ".5s", 0 }, { "+3s", 0 }, { "3 s", 0 }, { "infs", 0 }, { "0s", 0 },
		{ "100%", 0 }, { "3", 0 },
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *text = xasprintf("[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = %s\n",
				       values[i].v);
		char *path = write_ini("cutat.ini", text);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		char *where = xasprintf("%s:4: cut_at: '", path);
		int ok = values[i].ok ? rc == 0 && sc.ncases == 1
				      : rc == -1 && pc_last_errclass == PC_ERR_INPUT && strstr(err, where);
		if (!ok)
			fprintf(stderr, "\n  cut_at = '%s': rc %d, message: %s", values[i].v, rc, err);
		CU_ASSERT(ok);
		if (rc == 0)
			pc_scenario_free(&sc);
		free(where);
		free(err);
		free(path);
		free(text);
	}
}

/* With a mid-run cut no durability mode runs: modes other than none are
 * refused (FILE:LINE: modes), none and the default are accepted, and
 * cut_at = end takes any mode. */
static void test_midrun_modes(void)
{
	write_job();
	static const struct { const char *text, *where; size_t ncases; } cases[] = {
		{ "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 50%\nmodes = none fsync sfr\n",
		  ":5: modes: [g]: 'fsync' with cut_at = 50%", 0 },
		{ "[global]\nmodes = syncfs\n[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 2s\n",
		  ":2: modes: [g]: 'syncfs'", 0 },
		{ "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 50%\nmodes = none\n", NULL, 1 },
		{ "[g]\nworkload = fio job.fio\nfs = ext4 xfs\ncut_at = 3s\n", NULL, 2 },
		{ "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = end\nmodes = none fsync\n", NULL, 2 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = write_ini("midrun.ini", cases[i].text);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		char *where = cases[i].where ? xasprintf("%s%s", path, cases[i].where) : NULL;
		int ok = where ? rc == -1 && pc_last_errclass == PC_ERR_INPUT && strstr(err, where)
			       : rc == 0 && sc.ncases == cases[i].ncases;
		if (!ok)
			fprintf(stderr, "\n  case %zu: rc %d, message: %s", i, rc, err);
		CU_ASSERT(ok);
		if (rc == 0)
			pc_scenario_free(&sc);
		free(where);
		free(err);
		free(path);
	}
}

/* device_size = auto with workload = fio is what the jobs' files take on
 * the device (fio allocates or lays out each file from 0 to its offset
 * plus its size, whatever size says: filesize=1g with size=4m filled the
 * 512 MiB auto device, ENOSPC in every case); a job file that does not
 * tell it (size=50%) needs device_size, and files too big for
 * any auto device are refused. */
static void test_fio_auto_device(void)
{
	static const struct { const char *job, *ini, *where; uint64_t room; } cases[] = {
		{ "[j]\nrw=randwrite\nsize=4m\nfilesize=1g\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\n", NULL, 1ULL << 30 },
		{ "[j]\nrw=randwrite\nsize=4m\noffset=1g\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\n", NULL,
		  (1ULL << 30) + (4ULL << 20) },
		{ "[global]\nsize=50%\n[j]\nrw=randwrite\nfilesize=1g\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\n",
		  ":1: [g]: device_size = auto needs to know what the fio jobs' files take", 0 },
		{ "[global]\nsize=50%\n[j]\nrw=randwrite\nfilesize=1g\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\ndevice_size = 4G\n", NULL, 0 },
		/* kb_base=1000: fio's 1g is 10^9 bytes */
		{ "[global]\nkb_base=1000\n[j]\nrw=randwrite\nsize=1g\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\n", NULL, 1000000000 },
		{ "[j]\nrw=randwrite\nsize=4m\nfilesize=600t\nverify=crc32c\nsync=1\n",
		  "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 1s\n",
		  ":1: [g]: device_size = auto: the fio jobs' files take more than half", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		free(write_ini("job.fio", cases[i].job));
		char *path = write_ini("auto.ini", cases[i].ini);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		char *where = cases[i].where ? xasprintf("%s%s", path, cases[i].where) : NULL;
		int ok = where ? rc == -1 && pc_last_errclass == PC_ERR_INPUT && strstr(err, where)
			       : rc == 0 && sc.ncases == 1 && sc.cases[0].fio_room == cases[i].room;
		if (!ok)
			fprintf(stderr, "\n  case %zu: rc %d, room %llu, message: %s", i, rc,
				rc == 0 ? (unsigned long long)sc.cases[0].fio_room : 0ULL, err);
		CU_ASSERT(ok);
		if (rc == 0)
			pc_scenario_free(&sc);
		free(where);
		free(err);
		free(path);
	}
	/* cut_at = P% with a job whose size is not a plain count names the
	 * job and its line (it named only the scenario's group) */
	free(write_ini("job.fio", "[a]\nrw=randwrite\nsize=1m\nverify=crc32c\nsync=1\n[b]\n"
			   "rw=randwrite\nsize=50%\nfilesize=1m\nverify=crc32c\nsync=1\n"));
	char *path = write_ini("auto.ini", "[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 50%\n"
				 "device_size = 64M\n");
	struct pc_scenario sc;
	char *err;
	CU_ASSERT(load_capture(path, &sc, &err) == -1 && pc_last_errclass == PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: [g]: cut_at = P% needs every job's size"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "job.fio:6: job [b]: its size"));
	free(err);
	free(path);
}

/* Every line that sets workload or cut_at is checked, a [global] value
 * that every group overrides too; a bad workload is named as such (not as
 * a missing image); a key set in a group that none of its cases reads (an
 * image beside workload = fio, expect_MODE for a mode the group does not
 * run) is refused at its line; the same keys in [global] are defaults. */
static void test_keys_read(void)
{
	write_job();
	/* WHERE and ALSO in the message; a refusal unless WARNS (then the
	 * scenario loads, with NCASES cases, and warns of the line). */
	static const struct {
		const char *text, *where, *also;
		size_t ncases;
		int warns;
	} cases[] = {
		{ "[global]\nimage = a.tar\nfs = ext4\nmodes = none\ncut_at = banana\n[g]\n"
		  "cut_at = end\n", ":5: cut_at", "'banana' is not end", 0, 0 },
		{ "[global]\nimage = a.tar\nfs = ext4\nmodes = none\nworkload = fio nothere.fio\n"
		  "[g]\nworkload = image\n", ":5: workload", "nothere.fio: No such file", 0, 0 },
		{ "[g]\nfs = ext4\nworkload = FIO job.fio\n", ":3: workload",
		  "'FIO job.fio' is not image or fio FILE", 0, 0 },
		{ "[g]\nfs = ext4\nworkload = fio .\n", ":3: workload", "not a regular file", 0, 0 },
		/* set where no case reads them: loaded, the line warned of */
		{ "[g]\nfs = ext4\nimage = a.tar\nworkload = fio job.fio\n", ":3: image",
		  "[g] runs workload = fio", 1, 1 },
		{ "[global]\nworkload = fio job.fio\n[g]\nfs = ext4\nimage = a.tar\n", ":5: image",
		  "[g] runs workload = fio", 1, 1 },
		{ "[global]\nimage = a.tar\nfs = ext4\n[g]\nmodes = none syncfs\n"
		  "expect_fsync = loss\n", ":6: expect_fsync",
		  "[g] does not run mode fsync (modes = none syncfs)", 2, 1 },
		{ "[g]\nfs = ext4\nworkload = fio job.fio\nexpect_syncfs = intact\n",
		  ":4: expect_syncfs", "does not run mode syncfs (modes = none)", 1, 1 },
		{ "[global]\nimage = a.tar\nfs = ext4\nmodes = none\nexpect_fsync = loss\n",
		  ":5: expect_fsync", "[global] does not run mode fsync", 1, 1 },
		{ "[global]\nimage = a.tar\nfs = ext4\n[g]\nmodes = none fsync\nexpect = loss\n"
		  "expect_none = any\nexpect_fsync = intact\n", ":6: expect",
		  "every mode [g] runs (none fsync) has its own expect_MODE", 2, 1 },
		/* defaults in [global] that a group does not use */
		{ "[global]\nimage = a.tar\nexpect_fsync = loss\ncut_at = end\n[g]\nfs = ext4\n"
		  "workload = fio job.fio\nexpect = any\n[h]\nfs = ext4\nmodes = syncfs\n", NULL,
		  NULL, 2, 0 },
		/* a fio group that says nothing of what survives passes anything */
		{ "[global]\nfs = ext4\n[g]\nworkload = fio job.fio\n", ":3: expect",
		  "[g] runs workload = fio with mode none and sets no expect", 1, 1 },
		{ "[global]\nimage = a.tar\nfs = ext4\n[g]\nmodes = none fsync\nexpect = loss\n"
		  "expect_fsync = intact\n", NULL, NULL, 2, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = write_ini("read.ini", cases[i].text);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		char *where = cases[i].where ? xasprintf("%s%s: ", path, cases[i].where) : NULL;
		int said = where && strstr(err, where) && strstr(err, cases[i].also);
		int ok = where && !cases[i].warns
				 ? rc == -1 && pc_last_errclass == PC_ERR_INPUT && said
				 : rc == 0 && sc.ncases == cases[i].ncases &&
					   (!where || (said && strstr(err, "warning: ")));
		if (!where && err[0])
			ok = 0; /* nothing to warn of */
		if (!ok)
			fprintf(stderr, "\n  case %zu: rc %d, message: %s", i, rc, err);
		CU_ASSERT(ok);
		if (rc == 0)
			pc_scenario_free(&sc);
		free(where);
		free(err);
		free(path);
	}
}

/* Section names are looked up in a table, not compared with every one
 * before (a 1 MiB file of 100,000 headers took minutes to refuse; no
 * timing here, for valgrind's sake): many groups load, and a name given again after thousands is still named with
 * the line it was first given on. */
static void test_many_groups(void)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	pc_strbuf_printf(&b, "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n");
	for (unsigned i = 0; i < 5000; i++)
		pc_strbuf_printf(&b, "[g%u]\n", i);
	char *text = pc_strbuf_release(&b);
	struct pc_scenario sc;
	load_ok("many.ini", text, &sc, 5000);
	CU_ASSERT_STRING_EQUAL(sc.cases[4999].id, "g4999/ext4/none");
	pc_scenario_free(&sc);
	char *dup = xasprintf("%s[g7]\n", text);
	char *path = write_ini("many.ini", dup);
	char *err;
	CU_ASSERT_EQUAL(load_capture(path, &sc, &err), -1);
	char *where = xasprintf("%s:5005: section [g7] appears twice (first on line 12)", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	free(where);
	free(err);
	free(path);
	free(dup);
	free(text);
}

/* A job file named by many groups is checked by fio once: a wrapper fio
 * first in PATH counts the runs (fio --parse-only, --showcmd and its
 * set-up run: 3).  A group refused on powercut's own reading (cut_at, a
 * job file too big for device_size = auto) runs no fio: fio's set-up of a
 * 600T file's random map took minutes and 12 GB before the refusal. */
static void test_job_checked_once(void)
{
	write_job();
	char *bin = xasprintf("%s/bin", tmp), *log = xasprintf("%s/fio-runs", tmp);
	CU_ASSERT_FATAL(pc_mkdir_p(bin, 0755) == 0);
	const char *old = getenv("PATH");
	char *saved = xstrdup(old ? old : "/usr/bin:/bin");
	char *script = xasprintf("#!/bin/sh\necho run >> '%s'\nPATH='%s' exec fio \"$@\"\n", log,
				 saved);
	char *wrapper = xasprintf("%s/fio", bin);
	CU_ASSERT_FATAL(pc_write_file(wrapper, script, strlen(script), 0) == 0);
	CU_ASSERT_FATAL(chmod(wrapper, 0755) == 0);
	char *path = xasprintf("%s:%s", bin, saved);
	setenv("PATH", path, 1);
	struct pc_scenario sc;
	load_ok("jobs.ini", "[global]\nfs = ext4\nworkload = fio job.fio\n[a]\n[b]\ncut_at = 50%\n"
		"[c]\nmodes = none fsync\n", &sc, 4);
	setenv("PATH", saved, 1);
	CU_ASSERT_STRING_EQUAL(sc.cases[3].fio_job_text, sc.cases[0].fio_job_text);
	CU_ASSERT_EQUAL(sc.cases[1].cut_at.kind, PC_CUT_AT_PERCENT);
	pc_scenario_free(&sc);
	size_t len = 0;
	char *runs = pc_read_file(log, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(runs);
	CU_ASSERT_STRING_EQUAL(runs, "run\nrun\nrun\n");
	free(runs);
	unlink(log);
	free(write_ini("big.fio", "[j]\nrw=randwrite\nsize=4m\nfilesize=600t\nverify=crc32c\n"
			 "sync=1\n"));
	static const char *const refused[] = {
		"[g]\nworkload = fio job.fio\nfs = ext4\ncut_at = 0x10s\n",
		"[g]\nworkload = fio big.fio\nfs = ext4\ncut_at = 1s\n",
	};
	setenv("PATH", path, 1);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *ini = write_ini("refused.ini", refused[i]);
		char *err;
		CU_ASSERT_EQUAL(load_capture(ini, &sc, &err), -1);
		CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, ini));
		CU_ASSERT_EQUAL(access(log, F_OK), -1); /* fio not run */
		unlink(log);
		free(err);
		free(ini);
	}
	setenv("PATH", saved, 1);
	unlink(wrapper);
	free(path);
	free(wrapper);
	free(script);
	free(saved);
	free(log);
	free(bin);
}

/* A section line may end in blanks and a comment. */
static void test_section_comment(void)
{
	struct pc_scenario sc;
	load_ok("comment.ini", "[global] \t\r\nimage = a.tar\nfs = ext4\nmodes = none\n"
		"[g]  ; the first group\n[h]\t;\n", &sc, 2);
	CU_ASSERT_STRING_EQUAL(sc.cases[1].id, "h/ext4/none");
	pc_scenario_free(&sc);
}

/* As an editor on Windows saves it: a BOM, CRLF line endings, a last line
 * without its newline; the CRs are line ends, in no value. */
static void test_crlf_file(void)
{
	struct pc_scenario sc;
	load_ok("crlf.ini", "\xEF\xBB\xBF[global]\r\nimage = a.tar\r\nmodes = none fsync\r\n"
		"[g]\r\nfs = ext4\r\nmkfs_opts = -b 4096\r\r\nexpect_none = loss\r", &sc, 2);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].id, "g/ext4/none");
	CU_ASSERT_STRING_EQUAL(sc.cases[0].mkfs_opts, "-b 4096");
	CU_ASSERT_EQUAL(sc.cases[0].expect, PC_EXPECT_LOSS);
	CU_ASSERT_EQUAL(sc.cases[1].mode, PC_MODE_FSYNC);
	pc_scenario_free(&sc);
}

static void test_global_only(void)
{
	struct pc_scenario sc;
	load_ok("solo.ini", "[global]\nimage = a.tar\nfs = btrfs\nmodes = fsync none\nrepeat = 3\n",
		&sc, 6);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].id, "default/btrfs/fsync/r1");
	CU_ASSERT_STRING_EQUAL(sc.cases[2].id, "default/btrfs/fsync/r3");
	CU_ASSERT_STRING_EQUAL(sc.cases[3].id, "default/btrfs/none/r1");
	CU_ASSERT_STRING_EQUAL(sc.cases[3].group, "default");
	CU_ASSERT_EQUAL(sc.cases[3].expect, PC_EXPECT_ANY);
	CU_ASSERT_EQUAL(sc.cases[3].layout, PC_LAYOUT_FLAT);
	pc_scenario_free(&sc);
}

static void test_layout(void)
{
	struct pc_scenario sc;
	load_ok("layout.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
			      "layout = snapshots\n[inherits]\n[own]\nlayout = flat\n", &sc, 2);
	CU_ASSERT_EQUAL(sc.cases[0].layout, PC_LAYOUT_SNAPSHOTS);
	CU_ASSERT_EQUAL(sc.cases[1].layout, PC_LAYOUT_FLAT);
	CU_ASSERT_STRING_EQUAL(pc_layout_name(sc.cases[0].layout), "snapshots");
	pc_scenario_free(&sc);
}

/* A case's settings: the keys results.json gives no field of, as the case
 * has them (inherited, defaulted); not the keys that judge it (expect,
 * retries), name it (repeat) or that results.json gives one by one. */
static void test_case_settings(void)
{
	struct pc_scenario sc;
	load_ok("settings.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
				"crash_points = 3\nretries = 2\nexpect = any\n[inherits]\n"
				"[own]\ndevice_size = 1G\ncrash_points = 0\nmount_opts = noatime\n", &sc, 2);
	char *a = pc_case_settings(&sc.cases[0]), *b = pc_case_settings(&sc.cases[1]);
	CU_ASSERT_STRING_EQUAL(a, "device_size=auto log_size=auto crash_points=3 crash_subsets=0 cut_at=end");
	CU_ASSERT_STRING_EQUAL(b, "device_size=1073741824 log_size=auto crash_points=0 crash_subsets=0 cut_at=end");
	free(a);
	free(b);
	pc_scenario_free(&sc);
}

static void test_write_cache(void)
{
	struct pc_scenario sc;
	load_ok("cache.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = fsync\n"
			     "write_cache = volatile\n[inherits]\n[own]\nwrite_cache = durable\n"
			     "backend = auto\n[pinned]\nbackend = fuse\n", &sc, 3);
	/* Only the fuse device models the cache: auto is pinned to it. */
	CU_ASSERT(sc.cases[0].volatile_cache == 1);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].backend, "fuse");
	CU_ASSERT(sc.cases[1].volatile_cache == 0);
	CU_ASSERT_STRING_EQUAL(sc.cases[1].backend, "auto");
	CU_ASSERT(sc.cases[2].volatile_cache == 1);
	CU_ASSERT_STRING_EQUAL(sc.cases[2].backend, "fuse");
	CU_ASSERT_EQUAL(sc.cases[0].crash_points, 0);
	/* results.json says why: auto narrowed, not "fuse requested" */
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc.cases[0].backend_why);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].backend_why,
			       "auto: fuse, chosen for write_cache = volatile (a backend that can do it)");
	CU_ASSERT_PTR_NULL(sc.cases[1].backend_why);
	CU_ASSERT_PTR_NULL(sc.cases[2].backend_why);
	pc_scenario_free(&sc);

	load_ok("logsize.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = fsync\n"
			       "crash_points = 2\nlog_size = 64M\n[g]\n", &sc, 1);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].backend, "dm");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc.cases[0].backend_why);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].backend_why,
			       "auto: dm, chosen for crash_points and log_size (a backend that can do it)");
	pc_scenario_free(&sc);

	load_ok("points.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = fsync\n"
			      "crash_points = 12\n[g]\ncrash_subsets = 3\n[h]\ncrash_points = 0\n",
		&sc, 2);
	CU_ASSERT_EQUAL(sc.cases[0].crash_points, 12);
	CU_ASSERT_EQUAL(sc.cases[0].crash_subsets, 3);
	CU_ASSERT_EQUAL(sc.cases[1].crash_subsets, 0);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].backend, "fuse"); /* the log needs fuse */
	CU_ASSERT_EQUAL(sc.cases[1].crash_points, 0);
	CU_ASSERT_STRING_EQUAL(sc.cases[1].backend, "auto");
	pc_scenario_free(&sc);
}

/* GOT is REL below the scenario's folder, made absolute as a scenario's
 * image paths are (tmpreal). */
static void image_is(const char *got, const char *rel)
{
	char *want = xasprintf("%s/%s", tmpreal, rel);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(want);
}

static void test_image_specs(void)
{
	char *oci = xasprintf("%s/oci", tmp);
	CU_ASSERT_FATAL(pc_mkdir_p(oci, 0755) == 0);
	char *path = write_ini("oci.ini",
			       "[g]\nimage = oci:v1.2 a.tar oci\nfs = ext4\nmodes = none\n");
	struct pc_scenario sc;
	char *err;
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	CU_ASSERT_EQUAL_FATAL(sc.ncases, 1);
	CU_ASSERT_EQUAL_FATAL(sc.cases[0].nimages, 3);
	image_is(sc.cases[0].images[0], "oci:v1.2");
	image_is(sc.cases[0].images[2], "oci");
	pc_scenario_free(&sc);
	free(err);
	free(path);

	/* Archives take tags too (docker-save, oci-archive); a docker tag holds
	 * colons and slashes, so the split is at the first ':' whose left side
	 * exists. */
	path = write_ini("oci.ini", "[g]\nimage = a.tar:repo/name:v1 oci:x:y\nfs = ext4\n"
				    "modes = none\n");
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	CU_ASSERT_EQUAL_FATAL(sc.cases[0].nimages, 2);
	image_is(sc.cases[0].images[0], "a.tar:repo/name:v1");
	image_is(sc.cases[0].images[1], "oci:x:y");
	pc_scenario_free(&sc);
	free(err);
	free(path);

	/* A name with blanks or a comma is quoted; it could not be named
	 * before (split in two: 'my' and 'image.tar' missing, or two other
	 * files read). */
	char *spaced = xasprintf("%s/my image,v2.tar", tmp);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(spaced, "x", 1, 0), 0);
	path = write_ini("q.ini", "[g]\nimage = \"my image,v2.tar\", 'my image,v2.tar:t' a.tar\n"
				  "fs = ext4\nmodes = none\n");
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	CU_ASSERT_EQUAL_FATAL(sc.cases[0].nimages, 3);
	image_is(sc.cases[0].images[0], "my image,v2.tar");
	image_is(sc.cases[0].images[1], "my image,v2.tar:t");
	pc_scenario_free(&sc);
	free(err);
	free(path);
	unlink(spaced);
	free(spaced);

	/* A tag on something that does not exist is still missing. */
	path = write_ini("oci.ini", "[g]\nimage = nooci:v1\n");
	CU_ASSERT_EQUAL(load_capture(path, &sc, &err), -1);
	char *want = xasprintf("%s:2: image: ", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nooci:v1"));
	free(want);
	free(err);
	free(path);
	free(oci);
}

struct bad_case {
	const char *what;
	const char *text;
	const char *where;  /* expected after "PATH": ":LINE: KEY" */
	const char *also;   /* another expected substring, or NULL */
};

/* Option matrices: the product of the alternatives, ids with a segment per
 * key that has alternatives, escaping of |, slugs. */
static void test_option_matrix(void)
{
	struct pc_scenario sc = { 0 };
	load_ok("matrix.ini",
		"[global]\nimage = a.tar\nmodes = none syncfs\n"
		"[j]\nfs = ext4\nmount_opts = data=ordered | data=writeback |data=ordered,commit=60\n"
		"[k]\nfs = ext4 xfs\nmkfs_opts = | -L k\nmount_opts = a\\|b | c\n"
		"[one]\nfs = ext4\nmount_opts = noatime\n",
		&sc, 6 + 2 * 2 * 2 * 2 + 2);
	CU_ASSERT_STRING_EQUAL(sc.cases[0].id, "j/ext4/mount=data=ordered/none");
	CU_ASSERT_STRING_EQUAL(sc.cases[0].mount_opts, "data=ordered");
	CU_ASSERT_STRING_EQUAL(sc.cases[3].id, "j/ext4/mount=data=writeback/syncfs");
	CU_ASSERT_STRING_EQUAL(sc.cases[5].id, "j/ext4/mount=data=ordered,commit=60/syncfs");
	CU_ASSERT_STRING_EQUAL(sc.cases[5].mount_opts, "data=ordered,commit=60");
	/* [k]: fs, then mkfs, then mount, then mode. */
	CU_ASSERT_STRING_EQUAL(sc.cases[6].id, "k/ext4/mkfs=default/mount=a_b~0eab8a0a/none");
	CU_ASSERT_STRING_EQUAL(sc.cases[6].mkfs_opts, "");
	CU_ASSERT_STRING_EQUAL(sc.cases[6].mount_opts, "a|b");
	CU_ASSERT_STRING_EQUAL(sc.cases[9].id, "k/ext4/mkfs=default/mount=c/syncfs");
	CU_ASSERT_STRING_EQUAL(sc.cases[10].id, "k/ext4/mkfs=-L_k/mount=a_b~0eab8a0a/none");
	CU_ASSERT_STRING_EQUAL(sc.cases[10].mkfs_opts, "-L k");
	CU_ASSERT_STRING_EQUAL(sc.cases[14].id, "k/xfs/mkfs=default/mount=a_b~0eab8a0a/none");
	/* One alternative: no segment, ids as before. */
	CU_ASSERT_STRING_EQUAL(sc.cases[22].id, "one/ext4/none");
	CU_ASSERT_STRING_EQUAL(sc.cases[22].mount_opts, "noatime");
	pc_scenario_free(&sc);

	char *s1 = pc_option_slug("data=ordered,commit=60");
	char *s2 = pc_option_slug("x/../../etc");
	char *s3 = pc_option_slug("a-very-long-option-list=1,another-long-option=2,third=3");
	char *s4 = pc_option_slug("");
	CU_ASSERT_STRING_EQUAL(s1, "data=ordered,commit=60");
	CU_ASSERT_PTR_NULL(strchr(s2, '/')); /* never a path */
	CU_ASSERT_PTR_NOT_NULL(strchr(s2, '~'));
	CU_ASSERT(strlen(s3) == 32 + 9 && s3[32] == '~');
	CU_ASSERT_STRING_EQUAL(s4, "default");
	free(s1);
	free(s2);
	free(s3);
	free(s4);
}

static const struct bad_case bad[] = {
	{ "unknown key", "[global]\nimage = a.tar\nbogus = 1\n", ":3: bogus", NULL },
	{ "mount alternative twice", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[g]\nmount_opts = noatime | noatime\n", ":6: mount_opts", "given twice" },
	{ "mkfs alternatives with one id", "[global]\nimage = a.tar\nfs = ext4\n"
	  "modes = none\n[g]\nmkfs_opts = -b 4096 | -b_4096\n", ":6: mkfs_opts", "same id" },
	{ "mkfs alternatives apart only in blanks", "[global]\nimage = a.tar\nfs = ext4\n"
	  "modes = none\n[g]\nmkfs_opts = -b 4096 | -b  4096\n", ":6: mkfs_opts",
	  "the alternatives '-b 4096' and '-b  4096' differ only in blanks" },
	{ "mkfs alternatives apart only in a tab", "[global]\nimage = a.tar\nfs = ext4\n"
	  "modes = none\n[g]\nmkfs_opts = -b\t4096 | -b 4096\n", ":6: mkfs_opts",
	  "differ only in blanks" },
	{ "mount alternatives apart only in blanks", "[global]\nimage = a.tar\nfs = ext4\n"
	  "modes = none\n[g]\nmount_opts = noatime | noatime,  nodev | noatime, nodev\n",
	  ":6: mount_opts", "'noatime,  nodev' and 'noatime, nodev' differ only in blanks" },
	{ "colon as separator", "[g]\nfs: ext4\n", ":2: fs",
	  "':' between key and value: write fs = ..." },
	{ "colon before an equals sign", "[global]\nimage = a.tar\nmodes : none\nfs = ext4\n",
	  ":3: modes", "write modes = ..." },
	{ "fio job path with an unquoted blank", "[g]\nfs = ext4\nworkload = fio a b.fio\n",
	  ":3: workload", "one job file, quoted when its path holds blanks or commas" },
	{ "fio job path with an unterminated quote", "[g]\nfs = ext4\nworkload = fio \"a b.fio\n",
	  ":3: workload", "unterminated quote" },
	{ "bad fs", "[g]\nfs = ext4 zfs\n", ":2: fs", "zfs" },
	{ "fs twice", "[g]\nfs = ext4,ext4\n", ":2: fs", "twice" },
	{ "groups apart only in case", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[Data-1]\n[data-1]\n", ":6:", "differs from [Data-1] (line 5) only in case" },
	{ "empty fs", "[g]\nfs =\n", ":2: fs", NULL },
	{ "bad mode", "[g]\nmodes = none sometimes\n", ":2: modes", "sometimes" },
	{ "bad expect", "[g]\nexpect_syncfs = maybe\n", ":2: expect_syncfs", "maybe" },
	{ "expect of unknown mode", "[g]\nexpect_osync = loss\n", ":2: expect_osync", NULL },
	{ "bad size", "[g]\ndevice_size = 12Q\n", ":2: device_size", "12Q" },
	{ "zero size", "[g]\ndevice_size = 0\n", ":2: device_size", NULL },
	{ "one-byte size", "[g]\ndevice_size = 1\n", ":2: device_size", "1M to 1024T" },
	{ "size not of sectors", "[g]\ndevice_size = 1000000\n", ":2: device_size", "multiple of 512" },
	{ "size too big", "[g]\ndevice_size = 2048T\n", ":2: device_size", "'2048T'" },
	{ "size overflow", "[g]\ndevice_size = 99999999999T\n", ":2: device_size", NULL },
	{ "bad repeat", "[g]\n\nrepeat = 0\n", ":3: repeat", NULL },
	{ "bad backend", "[g]\nbackend = qemu\n", ":2: backend", "qemu" },
	{ "bad cut", "[g]\ncut = half\n", ":2: cut", "half" },
	{ "bad layout", "[g]\nlayout = stacked\n", ":2: layout", "stacked" },
	{ "bad write_cache", "[g]\nwrite_cache = on\n", ":2: write_cache", "'on'" },
	{ "bad crash_points", "[g]\ncrash_points = 1001\n", ":2: crash_points", "1001" },
	{ "negative crash_points", "[g]\ncrash_points = -1\n", ":2: crash_points", NULL },
	{ "bad crash_subsets", "[g]\ncrash_subsets = 101\n", ":2: crash_subsets", "101" },
	{ "subsets without points", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[g]\ncrash_subsets = 2\n", ":5: [g]", "crash_subsets needs crash_points" },
	{ "log_size without points", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[g]\nlog_size = 64M\n", ":5: [g]", "log_size needs crash_points" },
	{ "log_size without dm", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "backend = fuse\ncrash_points = 3\n[g]\nlog_size = 64M\n", ":7: [g]",
	  "log_size needs backend = dm" },
	{ "crash points with snapshots", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "layout = snapshots\n[g]\ncrash_points = 3\n", ":6: [g]", "layout = flat only" },
	{ "volatile cache on dm", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "backend = dm\n[g]\nwrite_cache = volatile\n", ":6: [g]", "needs backend = fuse" },
	{ "mkfs_opts naming a device", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[bad]\nmkfs_opts = -J device=/dev/loop0\n", ":6: mkfs_opts", "another device" },
	{ "mkfs_opts in [global] naming a file", "[global]\nimage = a.tar\nfs = ext4\n"
	  "mkfs_opts = -L lbl | -l x\nmodes = none\n[g]\nfs = xfs\n[h]\n", ":4: mkfs_opts",
	  "'-l' names another device or file (mkfs.ext4" },
	/* mke2fs's -b 4096 in [global], inherited by an xfs group: mkfs.xfs
	 * refused it ("unknown option -b 4096") only as each case ran. */
	{ "mke2fs block size for xfs", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "mkfs_opts = -b 4096\n[e]\n[x]\nfs = xfs\n", ":5: mkfs_opts",
	  "'4096' (-b) is no sub-option: mkfs.xfs's -b takes" },
	{ "xfs file option", "[global]\nimage = a.tar\nfs = ext4 xfs\nmodes = none\n"
	  "mkfs_opts = -r file=1,name=pc-rt,size=16m\n", ":5: mkfs_opts", "name=pc-rt" },
	{ "mount_opts naming a device", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[bad]\nmount_opts = noatime | journal_path=/dev/loop0\n", ":6: mount_opts",
	  "journal_path" },
	{ "missing image", "[g]\n\nimage = a.tar nothere.tar\n", ":3: image", "nothere.tar" },
	{ "layer: without a path", "[g]\nimage = layer:\n", ":2: image", "a folder; layer: names" },
	{ "unterminated quote", "[g]\nimage = a.tar \"my image.tar\n", ":2: image",
	  "unterminated quote" },
	{ "layer: naming a folder", "[g]\nimage = layer:.\n", ":2: image", "a folder; layer: names" },
	{ "key outside section", "fs = ext4\n[g]\n", ":1: fs", "outside" },
	{ "group without fs", "[global]\nimage = a.tar\nmodes = none\n\n[nofs]\n",
	  ":5: [nofs]: fs", NULL },
	{ "global alone without modes", "[global]\nimage = a.tar\nfs = xfs\n",
	  ":1: [global]: modes", NULL },
	{ "duplicate section", "[a]\nfs = ext4\n[b]\n[a]\n", ":4:", "[a]" },
	{ "duplicate key", "[a]\nfs = ext4\nfs = xfs\n", ":3: fs", "line 2" },
	{ "syntax error", "[g]\nfs = ext4\nthis is not a key\n", ":3:", "syntax" },
	{ "no key", "[g]\nfs = ext4\n = drop\n", ":3: a line with no key", NULL },
	{ "bad section name", "[a/b]\n", ":1:", "a/b" },
	{ "global in capitals", "[GLOBAL]\nimage = a.tar\nfs = ext4\nmodes = none\nmount_opts = noatime\n"
	  "[g]\n", ":1:", "only [global], in lower case" },
	{ "text after a section", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[g] fs = btrfs\n", ":5:", "text after ']'" },
	{ "comment without a blank", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "[g];x\n", ":5:", "';x'" },
	{ "no sections", "; nothing\n", ": no sections", NULL },
	/* A refused combination is on the group's line; it says where each
	 * of its keys was set, [global] included. */
	{ "combination from [global]", "[global]\nimage = a.tar\ncrash_subsets = 2\nmodes = none\n"
	  "[g]\nfs = ext4\n", ":5: [g]", "crash_subsets needs crash_points (keys: crash_subsets, "
	  "line 3 in [global])" },
	{ "combination over two sections", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "layout = snapshots\n[g]\n\ncrash_points = 2\n", ":6: [g]", "works with layout = flat "
	  "only (keys: crash_points, line 8; layout, line 5 in [global])" },
	/* Keys and values are matched as written: FS = EXT4 says so. */
	{ "key in capitals", "[global]\nimage = a.tar\nmodes = none\nFS = ext4\n", ":4: FS",
	  "keys are lower case: fs" },
	{ "list value in capitals", "[global]\nimage = a.tar\nmodes = none\nfs = ext4 XFS\n",
	  ":4: fs", "unknown value 'XFS' (expected one or more of ext4, xfs, btrfs; values are "
	  "lower case: xfs)" },
	{ "value in capitals", "[global]\nimage = a.tar\nmodes = none\nfs = ext4\n"
	  "backend = Fuse\n", ":5: backend", "values are lower case: fuse" },
	/* libinih's continuation lines are off: the error names the key the
	 * line seems to continue, not just "syntax error". */
	{ "continuation line", "[global]\nimage = a.tar\nmodes = none\n[g]\nfs = ext4\n  xfs\n",
	  ":6: fs", "does not continue the value of fs (line 5)" },
	{ "continuation line with '='", "[global]\nimage = a.tar\nmodes = none\n[g]\nfs = ext4\n"
	  "mount_opts = noatime,\n    data=journal\n", ":7: data",
	  "does not continue the value of mount_opts (line 6)" },
	/* CR line endings: one line, which inih read as [global] followed by
	 * text ("text after ']'"); a CR inside a value reached mkfs. */
	/* A BOM is skipped at the file's start only: inside (two files
	 * joined), invisible, it made "fs: unknown key". */
	{ "BOM inside the file", "[global]\nimage = a.tar\nmodes = none\n\xEF\xBB\xBF" "fs = ext4\n",
	  ":4:", "byte order mark (bytes EF BB BF, invisible) inside the file" },
	{ "BOM in a value", "[global]\nimage = a.tar\nmodes = none\nfs = \xEF\xBB\xBF" "ext4\n",
	  ":4: fs", "byte order mark" },
	{ "CR line endings", "[global]\rimage = a.tar\rfs = ext4\rmodes = none\r", ":1:",
	  "carriage return (CR) inside the line" },
	{ "CR inside a value", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "mkfs_opts = -b\r4096\n", ":5: mkfs_opts", "carriage return (CR) inside the line" },
	/* Two cases that would share one results folder need a blank in an
	 * alternative followed by "mount=": an operand of mkfs (refused) or a
	 * blank inside a mount option (refused); check_case_folders stays as
	 * the guard. */
	{ "two cases, one folder", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n[g]\n"
	  "mkfs_opts = -L a mount=b | -L a\nmount_opts = c | b mount=c\n", ":6: mkfs_opts",
	  "'mount=b' is not an option of mkfs.ext4" },
	{ "group of too many cases", "[global]\nimage = a.tar\nfs = ext4 xfs\nmodes = none\n"
	  "[g]\nrepeat = 50001\n", ":5: [g]", "the group makes more than 100000 cases" },
	{ "scenario of too many cases", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
	  "repeat = 60000\n[a]\n[b]\n", ":7: [b]",
	  "the scenario makes more than 100000 cases (60000 before this group, 60000 in it)" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = write_ini("bad.ini", bad[i].text);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		char *where = xasprintf("%s%s", path, bad[i].where);
		int ok = rc == -1 && pc_last_errclass == PC_ERR_INPUT && sc.ncases == 0 &&
			 strstr(err, where) && (!bad[i].also || strstr(err, bad[i].also));
		if (!ok)
			fprintf(stderr, "\n  case '%s': rc %d, message: %s", bad[i].what, rc, err);
		CU_ASSERT(ok);
		free(where);
		free(err);
		free(path);
	}
}

static char *host_has_label(const char *tag, const char *value)
{
	return !strcmp(tag, "LABEL") && !strcmp(value, "cloudimg-rootfs") ? xstrdup("/dev/vda1")
									      : NULL;
}

/* A label a device of the host has already (a cloud image's root, which
 * its fstab mounts by LABEL=) is refused when the scenario is read, in any
 * alternative, with the line of mkfs_opts; another label is not. */
static void test_host_label_refused(void)
{
	char *(*saved)(const char *, const char *) = pc_fs_host_tag;
	pc_fs_host_tag = host_has_label;
	char *path = write_ini("label.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
					    "[g]\nmkfs_opts = -L data | -L cloudimg-rootfs\n");
	struct pc_scenario sc;
	char *err;
	int rc = load_capture(path, &sc, &err);
	char *where = xasprintf("%s:6: mkfs_opts: '-L cloudimg-rootfs': a block device of this "
				"host (/dev/vda1) already has LABEL=cloudimg-rootfs", path);
	CU_ASSERT(rc == -1 && pc_last_errclass == PC_ERR_INPUT && sc.ncases == 0);
	if (!strstr(err, where))
		fprintf(stderr, "\n  rc %d, message: %s", rc, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	free(where);
	free(err);
	free(path);
	struct pc_scenario ok = { 0 };
	load_ok("label2.ini", "[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
			      "[g]\nmkfs_opts = -L data | -L cloudimg-rootfs2\n", &ok, 2);
	pc_scenario_free(&ok);
	pc_fs_host_tag = saved;
}

/* A job file's path is read as image's and known's are: quoted when it
 * holds blanks or commas, the quotes not part of it. */
static void test_fio_quoted(void)
{
	write_job();
	free(write_ini("a b.fio", "[global]\nioengine=psync\nbs=4k\nsize=64k\nverify=crc32c\n"
			 "[job]\nrw=write\n"));
	static const char *const texts[] = {
		"[g]\nfs = ext4\nexpect = any\nworkload = fio \"a b.fio\"\n",
		"[g]\nfs = ext4\nexpect = any\nworkload = fio 'a b.fio'\n",
		"[g]\nfs = ext4\nexpect = any\nworkload = fio\t'job.fio'\n",
		"[g]\nfs = ext4\nexpect = any\nworkload = fio job.fio\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *path = write_ini("quoted.ini", texts[i]);
		struct pc_scenario sc;
		char *err;
		int rc = load_capture(path, &sc, &err);
		int ok = rc == 0 && sc.ncases == 1 && !err[0];
		if (!ok)
			fprintf(stderr, "\n  text %zu: rc %d, message: %s", i, rc, err);
		CU_ASSERT(ok);
		if (rc == 0)
			pc_scenario_free(&sc);
		free(err);
		free(path);
	}
}

/* ':' is no separator; a ':' in a comment or after the '=' is text. */
static void test_colon_in_values(void)
{
	struct pc_scenario sc = { 0 };
	load_ok("colon.ini",
		"; note: a comment\n[global]\nimage = a.tar\nfs = ext4\nmodes = none\n"
		"# also: a comment\n[g]\ndescription = time: now ; and: this\n"
		"mount_opts = context=\"system_u:object_r:tmp_t:s0\"\n",
		&sc, 1);
	pc_scenario_free(&sc);
}

/* Alternatives apart in their quoted text are two: the blanks inside the
 * quotes are the option's. */
static void test_matrix_quoted_blanks(void)
{
	struct pc_scenario sc = { 0 };
	load_ok("qblanks.ini",
		"[g]\nimage = a.tar\nfs = ext4\nmodes = none\nmkfs_opts = -L \"a b\" | -L \"a  b\"\n",
		&sc, 2);
	pc_scenario_free(&sc);
}

static void test_long_line(void)
{
	size_t n = 9000;
	char *text = xmalloc(n + 64);
	strcpy(text, "[g]\nmkfs_opts = -L ");
	size_t used = strlen(text);
	memset(text + used, 'x', n);
	strcpy(text + used + n, "\n");
	char *path = write_ini("long.ini", text);
	struct pc_scenario sc;
	char *err;
	CU_ASSERT_EQUAL(load_capture(path, &sc, &err), -1);
	char *where = xasprintf("%s:2:", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer"));
	free(where);
	free(err);
	free(path);

	/* A long line under the limit is read whole. */
	memset(text + used, 'y', 3000);
	strcpy(text + used + 3000, "\nimage = a.tar\nfs = ext4\nmodes = none\n");
	path = write_ini("long.ini", text);
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	CU_ASSERT_EQUAL_FATAL(sc.ncases, 1);
	CU_ASSERT_EQUAL(strlen(sc.cases[0].mkfs_opts), 3003);
	pc_scenario_free(&sc);
	free(err);
	free(path);
	free(text);

	/* The limit is the same with CRLF line endings: the CR is part of
	 * the line's end, not of its 8192 bytes. */
	for (size_t len = 8192; len <= 8193; len++) {
		struct pc_strbuf b = { 0 };
		pc_strbuf_puts(&b, "[g]\r\nimage = a.tar\r\nfs = ext4\r\nmodes = none\r\n");
		pc_strbuf_puts(&b, "description = ");
		for (size_t i = strlen("description = "); i < len; i++)
			pc_strbuf_puts(&b, "d");
		pc_strbuf_puts(&b, "\r\n");
		char *body = pc_strbuf_release(&b);
		path = write_ini("crlf-long.ini", body);
		int rc = load_capture(path, &sc, &err);
		CU_ASSERT_EQUAL(rc, len == 8192 ? 0 : -1);
		if (rc == 0)
			pc_scenario_free(&sc);
		else
			CU_ASSERT_PTR_NOT_NULL(strstr(err, ":5: line longer than 8192 bytes"));
		free(err);
		free(path);
		free(body);
	}
}

static void test_missing_file(void)
{
	struct pc_scenario sc;
	char *err;
	char *path = xasprintf("%s/absent.ini", tmp);
	CU_ASSERT_EQUAL(load_capture(path, &sc, &err), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "absent.ini"));
	free(err);
	free(path);
}

static size_t filtered(const char *pattern, const char *first)
{
	char *path = write_ini("multi.ini", multi_ini);
	struct pc_scenario sc;
	char *err;
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	free(err);
	free(path);
	pc_scenario_filter(&sc, pattern);
	size_t n = sc.ncases;
	if (first && n > 0)
		CU_ASSERT_STRING_EQUAL(sc.cases[0].id, first);
	pc_scenario_free(&sc);
	return n;
}

static void test_filter(void)
{
	CU_ASSERT_EQUAL(filtered("quick/*/none", "quick/ext4/none"), 2);
	CU_ASSERT_EQUAL(filtered("*fsync*", "quick/ext4/fsync"), 4);
	CU_ASSERT_EQUAL(filtered("rep/*", "rep/ext4/fsync/r1"), 2);
	CU_ASSERT_EQUAL(filtered("*/r2", "rep/ext4/fsync/r2"), 1);
	CU_ASSERT_EQUAL(filtered("nothing", NULL), 0);
	CU_ASSERT_EQUAL(filtered(NULL, "quick/ext4/none"), 8);
}

/* The ids of shard K of N (multi.ini has 8 cases). */
static char *shard_ids(unsigned k, unsigned n)
{
	char *path = write_ini("multi.ini", multi_ini);
	struct pc_scenario sc;
	char *err;
	CU_ASSERT_EQUAL_FATAL(load_capture(path, &sc, &err), 0);
	free(err);
	free(path);
	pc_scenario_shard(&sc, k, n);
	char *ids = xstrdup("");
	for (size_t i = 0; i < sc.ncases; i++) {
		char *more = xasprintf("%s%s ", ids, sc.cases[i].id);
		free(ids);
		ids = more;
	}
	pc_scenario_free(&sc);
	return ids;
}

static void test_shard(void)
{
	char *all = shard_ids(1, 1);
	/* Three shards: every case in exactly one, in file order within each. */
	char *a = shard_ids(1, 3), *b = shard_ids(2, 3), *c = shard_ids(3, 3);
	CU_ASSERT_STRING_EQUAL(a, "quick/ext4/none quick/xfs/none rep/ext4/fsync/r1 ");
	CU_ASSERT_STRING_EQUAL(b, "quick/ext4/syncfs quick/xfs/syncfs rep/ext4/fsync/r2 ");
	CU_ASSERT_STRING_EQUAL(c, "quick/ext4/fsync quick/xfs/fsync ");
	size_t words = 0;
	for (const char *p = all; *p; p++)
		words += *p == ' ';
	CU_ASSERT_EQUAL(words, 8);
	char *empty = shard_ids(9, 9);
	CU_ASSERT_STRING_EQUAL(empty, "");
	free(all);
	free(a);
	free(b);
	free(c);
	free(empty);

	unsigned k = 0, n = 0;
	CU_ASSERT(pc_parse_shard("2/4", &k, &n) == 0 && k == 2 && n == 4);
	CU_ASSERT(pc_parse_shard("1/1", &k, &n) == 0 && k == 1 && n == 1);
	static const char *const bad_shards[] = { "0/2", "3/2", "2", "2/", "/2", "2/4x", "a/b",
						  "1/0", "-1/2", "1/100001", "", " 1/2", "+1/2",
						  "1/ 2", "1/+2", "1/2 " };
	for (size_t i = 0; i < sizeof(bad_shards) / sizeof(bad_shards[0]); i++) {
		pc_last_errclass = PC_ERR_NONE;
		CU_ASSERT(pc_parse_shard(bad_shards[i], &k, &n) == -1);
		CU_ASSERT(pc_last_errclass == PC_ERR_INPUT);
	}
}

static void test_parse_size(void)
{
	static const struct { const char *s; int rc; uint64_t v; } t[] = {
		{ "1048576", 0, 1048576 },
		{ "100K", 0, 102400 },
		{ "512M", 0, 512ULL << 20 },
		{ "4G", 0, 4ULL << 30 },
		{ "4g", 0, 4ULL << 30 },
		{ "1T", 0, 1ULL << 40 },
		{ "0", 0, 0 },
		{ "", -1, 0 },
		{ "G", -1, 0 },
		{ "-1", -1, 0 },
		{ " 4G", -1, 0 },
		{ "4GB", -1, 0 },
		{ "4 G", -1, 0 },
		{ "1.5G", -1, 0 },
		{ "16777216T", -1, 0 },          /* 2^64: overflows */
		{ "99999999999999999999", -1, 0 }, /* beyond unsigned long long */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int rc = pc_parse_size(t[i].s, &v);
		CU_ASSERT_EQUAL(rc, t[i].rc);
		if (t[i].rc == 0)
			CU_ASSERT_EQUAL(v, t[i].v);
		if (rc != t[i].rc)
			fprintf(stderr, "\n  pc_parse_size(\"%s\") = %d\n", t[i].s, rc);
	}
	CU_ASSERT_STRING_EQUAL(pc_expect_name(PC_EXPECT_INTACT), "intact");
	CU_ASSERT_STRING_EQUAL(pc_expect_name(PC_EXPECT_LOSS), "loss");
	CU_ASSERT_STRING_EQUAL(pc_expect_name(PC_EXPECT_ANY), "any");
}


/* Load a file holding exactly LEN bytes of TEXT (NULs included). */
static int load_bytes(const char *name, const char *text, size_t len, struct pc_scenario *sc,
		      char **err, char **path)
{
	*path = xasprintf("%s/%s", tmp, name);
	CU_ASSERT_FATAL(pc_write_file(*path, text, len, 0) == 0);
	return load_capture(*path, sc, err);
}

/* A NUL byte would end the line for inih: "fs = ext4<NUL>xfs" must not
 * run ext4 alone. */
static void test_nul_byte(void)
{
	static const char text[] = "[global]\nimage = a.tar\nfs = ext4\0xfs\nmodes = none\n";
	struct pc_scenario sc;
	char *err, *path;
	CU_ASSERT_EQUAL(load_bytes("nul.ini", text, sizeof(text) - 1, &sc, &err, &path), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	char *where = xasprintf("%s:3: fs: NUL byte in line", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	free(where);
	free(err);
	free(path);

	static const char inkey[] = "[global]\nim\0age = a.tar\n";
	CU_ASSERT_EQUAL(load_bytes("nul.ini", inkey, sizeof(inkey) - 1, &sc, &err, &path), -1);
	where = xasprintf("%s:2: NUL byte", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	free(where);
	free(err);
	free(path);
}

/* /dev/zero and a FIFO are refused at once (no endless read, no block). */
static void test_not_regular(void)
{
	struct pc_scenario sc;
	char *err;
	CU_ASSERT_EQUAL(load_capture("/dev/zero", &sc, &err), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "scenario /dev/zero: is a character device, not a regular file"));
	free(err);

	char *fifo = xasprintf("%s/fifo.ini", tmp);
	CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
	CU_ASSERT_EQUAL(load_capture(fifo, &sc, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a FIFO, not a regular file"));
	free(err);
	unlink(fifo);
	free(fifo);
}

/* A file over 1 MiB is refused, even of short lines. */
static void test_too_large(void)
{
	size_t n = 1024 * 1024 + 1;
	char *text = xmalloc(n);
	memset(text, '\n', n);
	memcpy(text, "[g]\n", 4);
	struct pc_scenario sc;
	char *err, *path;
	CU_ASSERT_EQUAL(load_bytes("big.ini", text, n, &sc, &err, &path), -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger than 1048576 bytes"));
	free(err);
	free(path);
	free(text);
}

/* expect_MODE exists for every mode of durability.c, its default follows
 * whether the mode promises durability, and each can be set. */
static void test_expect_per_mode(void)
{
	char *modes = xstrdup(""), *sets = xstrdup("");
	for (int m = 0; m < PC_MODE_COUNT; m++) {
		char *a = xasprintf("%s %s", modes, pc_mode_name((enum pc_mode)m));
		char *b = xasprintf("%sexpect_%s = loss\n", sets, pc_mode_name((enum pc_mode)m));
		free(modes);
		free(sets);
		modes = a;
		sets = b;
	}
	char *text = xasprintf("[global]\nimage = a.tar\nfs = ext4\nmodes =%s\n[dflt]\n[set]\n%s",
			       modes, sets);
	struct pc_scenario sc;
	load_ok("modes.ini", text, &sc, 2 * PC_MODE_COUNT);
	for (size_t i = 0; i < sc.ncases; i++) {
		const struct pc_case *c = &sc.cases[i];
		enum pc_expect want = !strcmp(c->group, "set") ? PC_EXPECT_LOSS
				      : pc_mode_promises_durability(c->mode) ? PC_EXPECT_INTACT
				      : PC_EXPECT_ANY;
		CU_ASSERT_EQUAL(c->expect, want);
		CU_ASSERT_EQUAL(c->settings->expect[c->mode], (unsigned)want);
	}
	pc_scenario_free(&sc);
	free(text);
	free(modes);
	free(sets);
}

/* expect and expect_MODE: a group's key beats [global]'s; within one
 * section expect_MODE beats expect (in either order in the file). */
static void test_expect_precedence(void)
{
	static const char text[] =
		"[global]\nimage = a.tar\nfs = ext4\nmodes = none syncfs fsync\n"
		"expect = loss\nexpect_fsync = any\n"
		"[g]\nexpect_syncfs = intact\n"
		"[h]\nexpect_fsync = intact\nexpect = any\n"
		"[i]\n"
		"[j]\nexpect_none = intact\n";
	static const struct { const char *id; enum pc_expect want; } cases[] = {
		{ "g/ext4/none", PC_EXPECT_LOSS }, { "g/ext4/syncfs", PC_EXPECT_INTACT },
		{ "g/ext4/fsync", PC_EXPECT_ANY },
		{ "h/ext4/none", PC_EXPECT_ANY }, { "h/ext4/syncfs", PC_EXPECT_ANY },
		{ "h/ext4/fsync", PC_EXPECT_INTACT },
		{ "i/ext4/none", PC_EXPECT_LOSS }, { "i/ext4/syncfs", PC_EXPECT_LOSS },
		{ "i/ext4/fsync", PC_EXPECT_ANY },
		{ "j/ext4/none", PC_EXPECT_INTACT }, { "j/ext4/syncfs", PC_EXPECT_LOSS },
		{ "j/ext4/fsync", PC_EXPECT_ANY },
	};
	struct pc_scenario sc;
	load_ok("precedence.ini", text, &sc, sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sc.ncases; i++) {
		CU_ASSERT_STRING_EQUAL(sc.cases[i].id, cases[i].id);
		if (sc.cases[i].expect != cases[i].want)
			fprintf(stderr, "\n  %s: expect %s, want %s", sc.cases[i].id,
				pc_expect_name(sc.cases[i].expect), pc_expect_name(cases[i].want));
		CU_ASSERT_EQUAL(sc.cases[i].expect, cases[i].want);
	}
	pc_scenario_free(&sc);
}

/* The text of FILE (relative to the source tree, where `make unit` runs). */
static char *source_file(const char *file)
{
	char *text = pc_read_file(file, NULL);
	if (!text)
		fprintf(stderr, "\n  %s: run the unit tests from the source tree\n", file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	return text;
}

/* The part of TEXT from the line starting with FROM to the next line
 * starting with UNTIL (or the end). */
static char *section_of(const char *text, const char *from, const char *until)
{
	const char *a = strstr(text, from);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	const char *b = strstr(a + strlen(from), until);
	return b ? strndup(a, (size_t)(b - a)) : xstrdup(a);
}

/* Every key is documented in powercut.1, README.md and scenarios/README.md,
 * and each key their lists name exists: the docs cannot drift from the table. */
static void test_keys_documented(void)
{
	char *man = source_file("powercut.1");
	char *readme = source_file("README.md");
	char *sreadme = source_file("scenarios/README.md");
	char *man_keys = section_of(man, "\n.SH SCENARIO FILES", "\n.SH ");
	char *readme_keys = section_of(readme, "\n## Scenarios", "\n## ");
	char *sreadme_keys = section_of(sreadme, "\n## Keys", "\n### ");
	char name[64];
	for (size_t i = 0; pc_scenario_key_name(i, name, sizeof(name)); i++) {
		char *m = xasprintf("\n.BI \"%s = \"", name);
		char *t = xasprintf("| `%s` |", name);
		char *r = xasprintf("`%s`", name);
		if (!strstr(man_keys, m) || !strstr(sreadme_keys, t) || !strstr(readme_keys, r))
			fprintf(stderr, "\n  key %s: missing from powercut.1, scenarios/README.md "
				"or README.md", name);
		CU_ASSERT_PTR_NOT_NULL(strstr(man_keys, m));
		CU_ASSERT_PTR_NOT_NULL(strstr(sreadme_keys, t));
		CU_ASSERT_PTR_NOT_NULL(strstr(readme_keys, r));
		free(m);
		free(t);
		free(r);
	}
	/* The other way: every key the man page and the table describe. */
	for (const char *p = man_keys; (p = strstr(p, "\n.BI \"")); p++) {
		const char *k = p + 6, *eq = strstr(k, " = \"");
		const char *nl = strchr(k, '\n');
		if (!eq || (nl && nl < eq))
			continue;
		char *key = strndup(k, (size_t)(eq - k));
		if (pc_key_lookup(key) < 0)
			fprintf(stderr, "\n  powercut.1 describes '%s', not a key", key);
		CU_ASSERT(pc_key_lookup(key) >= 0);
		free(key);
	}
	for (const char *p = sreadme_keys; (p = strstr(p, "\n| `")); p++) {
		const char *k = p + 4, *end = strchr(k, '`');
		char *key = strndup(k, (size_t)(end - k));
		if (pc_key_lookup(key) < 0)
			fprintf(stderr, "\n  scenarios/README.md describes '%s', not a key", key);
		CU_ASSERT(pc_key_lookup(key) >= 0);
		free(key);
	}
	free(man_keys);
	free(readme_keys);
	free(sreadme_keys);
	free(man);
	free(readme);
	free(sreadme);
}

/* Every key is in the help, with a default or "Required". */
static void test_keys_help(void)
{
	char *path = xasprintf("%s/keys.txt", tmp);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pc_scenario_keys_print(f, 0);
	fclose(f);
	char *help = pc_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(help);
	char name[64];
	for (size_t i = 0; pc_scenario_key_name(i, name, sizeof(name)); i++) {
		char *line = xasprintf("%s%s = ", i ? "\n" : "", name);
		CU_ASSERT_PTR_NOT_NULL(strstr(help, line));
		free(line);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(help, "backend = dm | fuse | auto\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(help, "expect_syncfs = intact | loss | any\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(help, "Default: intact."));
	/* image and modes are required of an image workload only: a fio
	 * group needs neither (modes is then none).  "Required." alone said
	 * a fio scenario needs them. */
	const char *const image_only[] = { "\nimage = ", "\nmodes = " };
	char *lines = xasprintf("\n%s", help); /* each key's line after a newline */
	for (size_t i = 0; i < 2; i++) {
		const char *at = strstr(lines, image_only[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		const char *end = at + 1; /* to the next key's line */
		while ((end = strchr(end, '\n')) && end[1] == ' ')
			end++;
		char *entry = strndup(at, end ? (size_t)(end + 1 - at) : strlen(at));
		const char *want = "    Required, but not with workload = fio.\n";
		if (!strstr(entry, want))
			fprintf(stderr, "\n  help keys: no '%s' in%s", want, entry);
		CU_ASSERT_PTR_NOT_NULL(strstr(entry, want));
		free(entry);
	}
	free(lines);
	free(help);
	free(path);
}

void register_scenario_tests(void)
{
	CU_pSuite s = CU_add_suite("scenario", setup, teardown);
	CU_add_test(s, "multi-group expansion and inheritance", test_multi_group);
	CU_add_test(s, "a case's settings (results.json)", test_case_settings);
	CU_add_test(s, "only [global] is the group 'default'", test_global_only);
	CU_add_test(s, "image specs: OCI folder and FOLDER:TAG", test_image_specs);
	CU_add_test(s, "layout: default flat, inherited, overridden", test_layout);
	CU_add_test(s, "shard K/N: a partition in file order", test_shard);
	CU_add_test(s, "write_cache, crash_points: inherited, overridden, pin fuse",
		    test_write_cache);
	CU_add_test(s, "errors name file, line and key", test_errors);
	CU_add_test(s, "a label the host has already is refused", test_host_label_refused);
	CU_add_test(s, "a section line may end in a comment", test_section_comment);
	CU_add_test(s, "cut_at: plain decimal numbers only", test_cut_at_values);
	CU_add_test(s, "keys: every value checked, one set unread warned of", test_keys_read);
	CU_add_test(s, "5,000 groups, a name given twice", test_many_groups);
	CU_add_test(s, "a job file of many groups checked once", test_job_checked_once);
	CU_add_test(s, "a mid-run cut takes modes = none only", test_midrun_modes);
	CU_add_test(s, "device_size = auto with fio sizes the jobs' files", test_fio_auto_device);
	CU_add_test(s, "expect: the group beats [global], expect_MODE beats expect",
		    test_expect_precedence);
	CU_add_test(s, "workload = fio: a quoted job file path", test_fio_quoted);
	CU_add_test(s, "':' in a comment or a value is text", test_colon_in_values);
	CU_add_test(s, "matrix: blanks inside quotes tell alternatives apart",
		    test_matrix_quoted_blanks);
	CU_add_test(s, "long lines", test_long_line);
	CU_add_test(s, "missing scenario file", test_missing_file);
	CU_add_test(s, "filter", test_filter);
	CU_add_test(s, "sizes", test_parse_size);
	CU_add_test(s, "a NUL byte is an error naming file, line and key", test_nul_byte);
	CU_add_test(s, "only regular files are read", test_not_regular);
	CU_add_test(s, "files over 1 MiB are refused", test_too_large);
	CU_add_test(s, "BOM, CRLF line endings, no final newline", test_crlf_file);
	CU_add_test(s, "expect_MODE for every mode, default from the mode", test_expect_per_mode);
	CU_add_test(s, "every key documented, every documented key exists", test_keys_documented);
	CU_add_test(s, "help lists every key", test_keys_help);
	CU_add_test(s, "option matrices: product, ids, escaping", test_option_matrix);
}
