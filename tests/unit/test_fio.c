/* test_fio.c - fio job-file checks (fio_job.c) and fio's output read back
 * as findings (fio_output.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "workload/fio_headers.h"
#include "workload/fio_job.h"
#include "workload/fio_output.h"
#include "unit.h"
#include "util/input.h"
#include "util/util.h"
#include "workload/workload_fio.h"

static const char *const good_job =
	"; a database-like random overwrite\n"
	"[global]\n"
	"ioengine=psync\n"
	"bs=4k\n"
	"size=16m\n"
	"verify=crc32c\n"
	"\n"
	"[rw-sync]\n"
	"rw=randwrite\n"
	"sync=1\n"
	"[log]\n"
	"rw=write\n"
	"size=1m\n"
	"fdatasync=1\n"
	"filename=log/a.log\n";

static void test_good_job(void)
{
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(good_job, "t.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.njobs, 2);
	CU_ASSERT_STRING_EQUAL(jf.jobs[0].name, "rw-sync");
	CU_ASSERT_EQUAL(jf.jobs[0].line, 8);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 16ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[1].size, 1ULL << 20);
	CU_ASSERT_EQUAL(jf.total_bytes, 17ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[0].unsynced, 0);  /* sync=1: durable when complete */
	CU_ASSERT_EQUAL(jf.jobs[1].unsynced, 1);  /* fdatasync=1, iodepth 1 */
	CU_ASSERT_EQUAL(jf.jobs[0].syncs, PC_FIO_SYNC_EACH);
	CU_ASSERT_EQUAL(jf.jobs[1].syncs, PC_FIO_SYNC_EVERY);
	CU_ASSERT_EQUAL(jf.jobs[1].sync_every, 1);
	char words[96];
	pc_fio_syncs_describe(&jf.jobs[0], words, sizeof(words));
	CU_ASSERT_STRING_EQUAL(words, "each write (sync=1)");
	pc_fio_syncs_describe(&jf.jobs[1], words, sizeof(words));
	CU_ASSERT_STRING_EQUAL(words, "every 1 writes (fsync/fdatasync)");
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nsize=1m\nverify=md5\n"
						"end_fsync=1\n", "t.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].syncs, PC_FIO_SYNC_NEVER);
	CU_ASSERT_EQUAL(jf.jobs[0].sync_at_end, 1);
	pc_fio_syncs_describe(&jf.jobs[0], words, sizeof(words));
	CU_ASSERT_STRING_EQUAL(words, "at its end only (end_fsync/fsync_on_close)");
	pc_fio_job_free(&jf);
	/* both: fio syncs at every multiple of each, so at most the smaller
	 * count goes unsynced (the larger left synced writes unchecked) */
	static const char *const both[] = { "fsync=2\nfdatasync=3\n", "fdatasync=2\nfsync=3\n",
					     "fsync=0\nfdatasync=2\n", "fsync=2\nfdatasync=0\n" };
	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[j]\nrw=write\nsize=1m\nverify=md5\n%s", both[i]);
		CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "t.fio", &jf) == 0);
		CU_ASSERT_EQUAL(jf.jobs[0].sync_every, 2);
		CU_ASSERT_EQUAL(jf.jobs[0].unsynced, 2);
		pc_fio_job_free(&jf);
	}
	/* iodepth counts only for an engine that keeps several writes in
	 * flight: psync (fio's default) writes and fsyncs in turn whatever
	 * iodepth says, and an iodepth-wide tail left fsynced writes
	 * unchecked */
	static const struct { const char *opts; unsigned unsynced; } depths[] = {
		{ "iodepth=16\n", 1 }, { "ioengine=psync\niodepth=16\n", 1 },
		{ "ioengine=pvsync2\niodepth=8\n", 1 }, { "ioengine=sync\niodepth=4\n", 1 },
		{ "ioengine=vsync\niodepth=4\n", 4 }, { "ioengine=libaio\niodepth=8\n", 8 },
		{ "ioengine=io_uring\n", 1 },
	};
	for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[j]\nrw=write\nsize=1m\nverify=md5\nfsync=1\n%s",
			 depths[i].opts);
		CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "t.fio", &jf) == 0);
		CU_ASSERT_EQUAL(jf.jobs[0].unsynced, depths[i].unsynced);
		pc_fio_job_free(&jf);
	}
}

/* The verify pass's job file: the checked bytes, and each job's lines at
 * the end of its own section (a last line without its newline too). */
static void test_with_lines(void)
{
	const char *text = "[global]\nbs=4k\n[a]\nrw=write\n\n[b]\nrw=randwrite ; x\n[c]\nsize=1m";
	struct pc_fio_job jobs[3] = { { .name = "a", .line = 3, .end_line = 6 },
				      { .name = "b", .line = 6, .end_line = 8 },
				      { .name = "c", .line = 8 } };
	const char *lines[3] = { "number_ios=5\n", "number_ios=1\nverify=null\n", "number_ios=9\n" };
	size_t len = 0;
	char *out = pc_fio_job_with_lines(text, strlen(text), jobs, 3, lines, &len);
	CU_ASSERT_STRING_EQUAL(out, "[global]\nbs=4k\n[a]\nrw=write\n\nnumber_ios=5\n[b]\n"
			       "rw=randwrite ; x\nnumber_ios=1\nverify=null\n[c]\nsize=1m\n"
			       "number_ios=9\n");
	CU_ASSERT_EQUAL(len, strlen(out));
	free(out);
	/* a [global] between two jobs is not the first job's: its lines go
	 * before it (in the [global] they were the next job's defaults) */
	const char *later = "[a]\nrw=write\n[global]\nbs=8k\n[b]\nrw=write\n";
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[a]\nrw=write\nsize=1m\nverify=md5\n"
						"[global]\nbs=8k\nverify=md5\nsize=1m\n[b]\n"
						"rw=write\n", "t.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].end_line, 5);
	CU_ASSERT_EQUAL(jf.jobs[1].end_line, 0);
	pc_fio_job_free(&jf);
	struct pc_fio_job two[2] = { { .name = "a", .line = 1, .end_line = 3 },
				     { .name = "b", .line = 5 } };
	const char *mine[2] = { "number_ios=5\n", "number_ios=6\n" };
	out = pc_fio_job_with_lines(later, strlen(later), two, 2, mine, &len);
	CU_ASSERT_STRING_EQUAL(out, "[a]\nrw=write\nnumber_ios=5\n[global]\nbs=8k\n[b]\n"
			       "rw=write\nnumber_ios=6\n");
	free(out);
	/* what each job gets: its promise, read back one block at a time (an
	 * asynchronous engine's reads in flight made fio's saved state check
	 * the wrong blocks), or nothing to check; the files read as the cut
	 * left them, in the job's own section (create_on_open=0 in the job
	 * file made fio delete a file shorter than its size) */
#define FILES "create_on_open=1\nallow_file_create=0\nruntime=0\n"
	char *opts = pc_fio_verify_options(5, 0);
	CU_ASSERT_STRING_EQUAL(opts, FILES "number_ios=5\niodepth=1\n");
	free(opts);
	opts = pc_fio_verify_options(0, 0);
	CU_ASSERT_STRING_EQUAL(opts, FILES "number_ios=1\nverify=null\n");
	free(opts);
	/* a job that had ended before a mid-run cut: checked without the
	 * state, which fio saved after freeing its files (no completions) */
	opts = pc_fio_verify_options(256, 1);
	CU_ASSERT_STRING_EQUAL(opts, FILES "number_ios=256\niodepth=1\nverify_state_load=0\n");
	free(opts);
#undef FILES
}

/* A state fio 3.33 saved (--verify_state_save) at the trigger: HDR then
 * the job's no_comps, depth, nofiles, numberio, little-endian. */
static size_t make_state(unsigned char *b, uint64_t version, uint64_t comps, uint32_t depth,
			 uint32_t files, uint64_t numberio)
{
	memset(b, 0, 256);
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(version >> (8 * i));
		b[24 + i] = (unsigned char)(comps >> (8 * i));
		b[40 + i] = (unsigned char)(numberio >> (8 * i));
	}
	for (int i = 0; i < 4; i++) {
		b[32 + i] = (unsigned char)(depth >> (8 * i));
		b[36 + i] = (unsigned char)(files >> (8 * i));
	}
	return 256;
}

static void test_saved_state(void)
{
	unsigned char b[256];
	struct pc_fio_state st;
	size_t n = make_state(b, 3, 1, 1, 1, 270);
	CU_ASSERT_EQUAL(pc_fio_state_parse(b, n, &st), 0);
	CU_ASSERT_EQUAL(st.no_comps, 1);
	CU_ASSERT_EQUAL(st.depth, 1);
	CU_ASSERT_EQUAL(st.nofiles, 1);
	CU_ASSERT_EQUAL(st.numberio, 270);
	make_state(b, 0x100000003ULL, 0, 1, 0, 256);
	CU_ASSERT_EQUAL(pc_fio_state_parse(b, n, &st), -1);
	CU_ASSERT_EQUAL(pc_fio_state_parse(b, 40, &st), -1);

	/* ended: no files left, writes issued; running: files; not started:
	 * no writes */
	char dir[] = "/tmp/pc-state-XXXXXX";
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	char path[512];
	snprintf(path, sizeof(path), "%s/local-a-0-verify.state", dir);
	int ended = -1;
	CU_ASSERT_EQUAL(pc_fio_job_state(path, &st, &ended), 0); /* none: fio's load decides */
	CU_ASSERT_EQUAL(ended, 0);
	make_state(b, 3, 0, 1, 0, 256);
	CU_ASSERT_EQUAL(pc_write_file(path, (char *)b, n, 0), 0);
	CU_ASSERT_EQUAL(pc_fio_job_state(path, &st, &ended), 1);
	CU_ASSERT_EQUAL(ended, 1);
	make_state(b, 3, 1, 1, 1, 270);
	CU_ASSERT_EQUAL(pc_write_file(path, (char *)b, n, 0), 0);
	CU_ASSERT_EQUAL(pc_fio_job_state(path, &st, &ended), 1);
	CU_ASSERT_EQUAL(ended, 0);
	CU_ASSERT_EQUAL(st.numberio, 270);
	make_state(b, 3, 0, 1, 1, 0);
	CU_ASSERT_EQUAL(pc_write_file(path, (char *)b, n, 0), 0);
	CU_ASSERT_EQUAL(pc_fio_job_state(path, &st, &ended), 1);
	CU_ASSERT_EQUAL(ended, 0);
	make_state(b, 2, 0, 1, 0, 256);
	CU_ASSERT_EQUAL(pc_write_file(path, (char *)b, n, 0), 0);
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_fio_job_state(path, &st, &ended), -1);
	pc_messages_quiet = 0;
	unlink(path);
	rmdir(dir);
}

/* A case that lost blocks: the verdict says when a job that lost some
 * made nothing durable before the cut. */
static void test_unsynced_hint(void)
{
	struct pc_fio_job jobs[2] = {
		{ .name = "s", .syncs = PC_FIO_SYNC_EACH },
		{ .name = "b", .syncs = PC_FIO_SYNC_NEVER, .sync_at_end = 1 },
	};
	struct pc_fio_job_result jr[2] = { { .lost = 0 }, { .lost = 5 } };
	struct pc_fio_result fr = { .midrun = 1, .jobs = jr, .njobs = 2 };
	char hint[256];
	pc_fio_unsynced_hint(jobs, 2, &fr, 0, hint, sizeof(hint));
	CU_ASSERT_PTR_NOT_NULL(strstr(hint, "job b syncs nothing before the cut"));
	fr.midrun = 0; /* at the end its end_fsync made it durable */
	pc_fio_unsynced_hint(jobs, 2, &fr, 0, hint, sizeof(hint));
	CU_ASSERT_STRING_EQUAL(hint, "");
	jobs[1].sync_at_end = 0;
	pc_fio_unsynced_hint(jobs, 2, &fr, 0, hint, sizeof(hint));
	CU_ASSERT_PTR_NOT_NULL(strstr(hint, "job b"));
	pc_fio_unsynced_hint(jobs, 2, &fr, 1, hint, sizeof(hint)); /* mode fsync ran */
	CU_ASSERT_STRING_EQUAL(hint, "");
	jr[1].lost = 0; /* the one that lost syncs each write: a real loss */
	jr[0].lost = 3;
	fr.midrun = 1;
	pc_fio_unsynced_hint(jobs, 2, &fr, 0, hint, sizeof(hint));
	CU_ASSERT_STRING_EQUAL(hint, "");
}

/* TEXT must be refused, with a message holding every one of WANT (the
 * option and FILE:LINE). */
static void refused(const char *text, const char *want1, const char *want2)
{
	char msg[2048] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	struct pc_fio_jobfile jf;
	int rc = pc_fio_job_parse_string(text, "j.fio", &jf);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	if (!strstr(msg, want1) || (want2 && !strstr(msg, want2))) {
		fprintf(stderr, "\nwanted '%s' and '%s' in: %s\n", want1, want2 ? want2 : "", msg);
		CU_FAIL("message does not name the option and the place");
	}
	if (rc == 0)
		pc_fio_job_free(&jf);
}

#define JOB "[j]\nrw=randwrite\nsize=1m\nverify=crc32c\n"

static void test_refused_options(void)
{
	refused(JOB "time_based\n", "j.fio:5: time_based", "writing blocks again");
	refused(JOB "time_based=1\n", "j.fio:5: time_based", NULL);
	refused(JOB "norandommap\n", "j.fio:5: norandommap", NULL);
	refused(JOB "norandommap=yes\n", "norandommap", NULL);
	/* do_verify=0: the job asks not to be checked, which is all powercut
	 * does with it */
	refused(JOB "do_verify=0\n", "j.fio:5: do_verify", "the check could not run");
	refused("[global]\ndo_verify=false\n" JOB, "j.fio:2: do_verify", "fio not to verify");
	refused(JOB "do_verify=1\n", "j.fio:5: do_verify", "powercut sets it");
	refused(JOB "loops=2\n", "j.fio:5: loops", "every loop");
	/* options that leave blocks unchecked or written twice */
	refused(JOB "verify_backlog=16\n", "j.fio:5: verify_backlog", "only part");
	refused(JOB "verify_backlog_batch=4\n", "j.fio:5: verify_backlog_batch", NULL);
	refused(JOB "blockalign=8k\n", "j.fio:5: blockalign", "random map");
	refused(JOB "ba=4k\n", "j.fio:5: ba", NULL);
	refused(JOB "percentage_random=50\n", "j.fio:5: percentage_random", "numberio");
	refused(JOB "percentage_random=100,50\n", "percentage_random", NULL);
	refused(JOB "ramp_time=1\n", "j.fio:5: ramp_time", "unchecked");
	/* fio 3.33 matches a choice up to its first ',' or ':': it draws
	 * lfsr's offsets for these, which the mid-run check must know */
	refused(JOB "random_generator=lfsr:1\n", "j.fio:5: random_generator", "lfsr");
	refused(JOB "random_generator=lfsr,x\n", "j.fio:5: random_generator", NULL);
	refused("[global]\nrandom_generator=tausworthe:2\n" JOB, "j.fio:2: random_generator",
		NULL);
	/* fio reads 1k as 1024 writes between fsyncs: the unsynced tail is
	 * counted from these, so only digits */
	refused(JOB "fsync=1k\n", "j.fio:5: fsync", "plain number");
	refused(JOB "fdatasync=0x10\n", "j.fio:5: fdatasync", "plain number");
	refused(JOB "iodepth=$ncpus\n", "j.fio:5: iodepth", "plain number");
	refused(JOB "fsync\n", "j.fio:5: fsync", "plain number");
	refused(JOB "numjobs=0\n", "j.fio:5: numjobs", "does not run");
	refused(JOB "numjobs=2\n", "j.fio:5: numjobs", "its own section");
	/* the verify pass runs every job at once: one must not end the others */
	refused(JOB "exitall\n[k]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:5: exitall",
		"ends the others");
	refused("[global]\nexitall_on_error=1\n" JOB "[k]\nrw=write\nsize=1m\nverify=md5\n",
		"j.fio:2: exitall_on_error", "2 jobs");
	/* fio reports a group of jobs as one entry: the second job's counts
	 * are merged away */
	refused("[global]\ngroup_reporting\n" JOB "[k]\nrw=write\nsize=1m\nverify=md5\n",
		"j.fio:2: group_reporting", "2 jobs");
	/* fio 3.33 takes any exitall line as exitall (exitall=0 above two
	 * jobs ended the second after 13 writes) */
	refused("[global]\nexitall=0\n" JOB "[k]\nrw=write\nsize=1m\nverify=md5\n",
		"j.fio:2: exitall", "whatever its value");
	refused(JOB "[k]\nrw=write\nsize=1m\nverify=md5\n[global]\nexitall=0\n",
		"j.fio:10: exitall", "2 jobs");
	/* group_reporting as each job takes it: a job's own 1 merges it into
	 * the group of the job above (fio 3.33 reported one entry) */
	refused(JOB "[k]\nrw=write\nsize=1m\nverify=md5\ngroup_reporting\n",
		"j.fio:9: group_reporting", "[k]");
	refused("[global]\ngroup_reporting\n" JOB "group_reporting=0\n[k]\nrw=write\nsize=1m\n"
		"verify=md5\n", "j.fio:2: group_reporting", "[k]");
	/* a file with less room than a block: fio 3.33 writes nothing to it
	 * (exit 0, 0 writes), and the case was an error (exit 1) after mkfs */
	refused(JOB "nrfiles=2\nbs=1m\n", "j.fio:5: nrfiles", "2 files gets 524288 bytes");
	refused("[j]\nrw=write\nverify=md5\nsize=8k\nnrfiles=3\n", "j.fio:5: nrfiles",
		"2730 bytes");
	refused(JOB "filename=x:y\nsize=4k\n", "j.fio:6: size", "2048 bytes");
	refused(JOB "filesize=2k\nnrfiles=2\n", "j.fio:5: filesize", "2048 bytes");
	refused("[j]\nrw=write\nverify=md5\nfilesize=6k\noffset=4k\n", "j.fio:5: offset",
		"2048 bytes");
	refused("[j]\nrw=write\nverify=md5\nfilesize=4k\noffset=4k\n", "j.fio:5: offset",
		"0 bytes");
	/* fsync=N syncs the file of the next I/O, not the one written */
	refused(JOB "nrfiles=2\nfsync=1\n", "j.fio:6: fsync", "2 files");
	refused(JOB "filename=a:b:c\nfdatasync=4\n", "j.fio:6: fdatasync", "3 files");
	refused("[global]\nfsync=2\nnr_files=4\n" JOB, "j.fio:2: fsync", "[j]");
	refused(JOB "loops=x\n", "loops", NULL);
	refused(JOB "filename=/etc/passwd\n", "j.fio:5: filename", "absolute");
	refused(JOB "filename=a:../../x\n", "filename", "'..'");
	refused(JOB "filename_format=/tmp/$jobname\n", "filename_format", NULL);
	refused(JOB "directory=/tmp\n", "j.fio:5: directory", NULL);
	refused(JOB "verify=null\n", "verify", "checksum");
	refused(JOB "verify=pattern\n", "verify", "header");
	refused(JOB "unlink=1\n", "unlink", "deleted");
	refused(JOB "io_limit=4m\n", "io_limit", NULL);
	/* at most the job's size it only ends the job early (below); not
	 * a plain count, or the size unknown: refused */
	refused(JOB "io_size=50%\n", "j.fio:5: io_size", NULL);
	refused("[j]\nrw=randwrite\nsize=50%\nverify=crc32c\nio_size=1m\n", "j.fio:5: io_size", NULL);
	refused(JOB "randrepeat=0\n", "randrepeat", NULL);
	refused(JOB "numjobs=2\n", "numjobs", NULL);
	refused(JOB "rw=randrw\n", "j.fio:5: rw", NULL);
	refused(JOB "readwrite=write:-4k\n", "readwrite", "offset modifier");
	refused(JOB "ioengine=exec\n", "ioengine", NULL);
	refused(JOB "exec_prerun=rm -rf /\n", "exec_prerun", NULL);
	refused(JOB "write_iolog=/etc/x\n", "write_iolog", NULL);
	refused(JOB "random_distribution=zipf:1.2\n", "random_distribution", NULL);
	/* a non-uniform file choice rewrites a full file (fio 3.33: 1822
	 * writes into one file of 512 blocks) */
	refused(JOB "nrfiles=4\nfile_service_type=zipf\n", "j.fio:6: file_service_type",
		"non-uniform");
	refused(JOB "nrfiles=2\nfile_service_type=gauss:0.5\n", "file_service_type", NULL);
	refused("[global]\nfile_service_type=pareto\n" JOB, "j.fio:2: file_service_type", NULL);
	/* fio reads the choice up to a ',': not a skewed choice, and not taken */
	refused(JOB "nrfiles=2\nfile_service_type=sequential,x\n",
		"j.fio:6: file_service_type: 'sequential,x' refused: fio reads the choice before the ','",
		NULL);
	refused(JOB "nrfiles=2\nfile_service_type=random,4\n", "drops what follows it", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=zipf,1.2\n", "file_service_type", "non-uniform");
	/* what follows a ':' is read with atoi (fio 3.33 str_fst_cb): a count
	 * of I/Os per file for random and roundrobin; sequential ignores it
	 * (__get_next_file stays on its file), 0 (or no digits) wraps the
	 * count to 2^32 - 1 I/Os on the first file chosen, and what follows the
	 * digits is dropped: none of it is what the user wrote */
	refused(JOB "nrfiles=2\nfile_service_type=sequential:x\n",
		"j.fio:6: file_service_type: 'sequential:x' refused: fio ignores what follows "
		"'sequential:'", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=sequential:8\n", "fio ignores what follows",
		"finishes one file before the next");
	refused(JOB "nrfiles=2\nfile_service_type=random:x\n",
		"j.fio:6: file_service_type: 'random:x' refused: fio reads the ':N' of random and "
		"roundrobin with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=random:0\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=roundrobin:\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=roundrobin:8x\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=random:-1\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=random:4:2\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=random:1234567890\n", "with atoi", NULL);
	refused(JOB "nrfiles=2\nfile_service_type=sequentially\n",
		"j.fio:6: file_service_type: 'sequentially' refused: not a choice of file",
		"random, roundrobin or sequential");
	refused(JOB "trim_percentage=10\n", "trim_percentage", NULL);
	refused(JOB "zonesize=64k\n", "j.fio:5: zonesize", "strided zones");
	refused(JOB "io_submit_mode=offload\n", "j.fio:5: io_submit_mode", "hangs");
	/* fio reads "size= 64k" as 64 bytes: the blank is not skipped */
	refused(JOB "size = 64k\n", "j.fio:5: size", "blank after '='");
	refused(JOB "rw=\twrite\n", "j.fio:5: rw", "blank after '='");
	/* of the file's size when opened: not the same in the verify pass */
	refused(JOB "offset=50%\n", "j.fio:5: offset", "percentage");
	refused("[global]\nfileoffset=10%\n" JOB, "j.fio:2: fileoffset", NULL);
	/* fio's verify pass reads back only part with fewer files open */
	refused(JOB "nrfiles=4\nopenfiles=1\n", "j.fio:6: openfiles", "4 files");
	refused(JOB "filename=a:b:c\nopenfiles=2\n", "j.fio:6: openfiles", "3 files");
	refused(JOB "nrfiles=2\nopenfiles=x\n", "j.fio:6: openfiles", NULL);
	/* fio makes the folder of a filename= list's first name only */
	refused(JOB "filename=a:sub/b\n", "j.fio:5: filename", "'sub/b'");
	refused(JOB "filename=x/a:y/b\n", "j.fio:5: filename", "'y/b'");
	refused(JOB "filename=sub/a:subx/b\n", "j.fio:5: filename", "'subx/b'");
	refused(JOB "size=${SIZE}\n", "j.fio:5: ", "environment");
	refused(JOB "verify_state_save=1\n", "verify_state_save", NULL);
	refused(JOB "continue_on_error=none\n", "continue_on_error", NULL);
	refused(JOB "file_append=1\n", "file_append", NULL);
	refused(JOB "Time_Based\n", "Time_Based", NULL);
	refused("include other.fio\n" JOB, "j.fio:1: include", NULL);
	/* fio 3.33's own verify fails every block of these: the header moved
	 * by verify_offset over its own place (sha256: 104 bytes) or past the
	 * interval (crc32c: 44 bytes), sha512 with under 128 bytes of data */
	refused(JOB "bs=16k\nverify=sha256\nverify_offset=64\n", "j.fio:7: verify_offset",
		"verify_offset 104 to 16280");
	refused(JOB "verify_offset=4053\n", "j.fio:5: verify_offset", "44 to 4052");
	refused("[global]\nverify_offset=981\n" JOB "verify_interval=1k\n",
		"j.fio:2: verify_offset", "(1024 bytes)");
	refused(JOB "bsrange=4k-12k\nverify_offset=4053\n", "j.fio:6: verify_offset", NULL);
	refused(JOB "verify=crc7\nverify_offset=40\n", "j.fio:6: verify_offset", "41 to");
	/* fio 3.33's sha512 compares 128 bytes of data, no digest: a block
	 * changed in its middle passed */
	refused(JOB "verify=sha512\n", "j.fio:5: verify", "not a digest");
	/* the interval cannot be told: refused, naming the option that hides it */
	refused(JOB "bssplit=4k/50:8k/50\nverify_offset=100\n", "j.fio:6: verify_offset",
		"line 5 (bssplit");
	refused(JOB "verify=md5\nbs=4k,8k\nverify_offset=100\n", "j.fio:7: verify_offset",
		"line 6 (bs=4k,8k)");
}

static void test_refused_structure(void)
{
	refused("[j]\nsize=1m\nverify=crc32c\n", "j.fio:1", "rw");
	refused("[j]\nrw=write\nsize=1m\n", "j.fio:1", "verify is not set");
	/* neither size nor filesize: fio 3.33 fails, "you need to specify size=" */
	refused("[j]\nrw=write\nverify=md5\n", "j.fio:1", "size is not set");
	refused("[global]\nrw=write\n", "no job", NULL);
	refused("rw=write\n[j]\n", "j.fio:1: not a fio job file", "before the first [section]");
	/* fio refuses a byte order mark too: saying so, not "not a job file" */
	refused("\xef\xbb\xbf[j]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1:", "byte order mark");
	refused("\xef\xbb\xbf; c\n[j]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1:",
		"byte order mark");
	/* a file that is no job file: its first line is not printed */
	char msg[512] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	struct pc_fio_jobfile jf;
	CU_ASSERT_EQUAL(pc_fio_job_parse_string("root:$6$secret:19000:0:::\n", "shadow", &jf), -1);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "shadow:1: not a fio job file"));
	CU_ASSERT_PTR_NULL(strstr(msg, "secret"));
	refused(JOB "[j]\nrw=write\n", "j.fio:5", "appears twice");
	refused("[global]\nfilename=f\n" JOB "[k]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:7: filename",
		"same file");
	/* however the two names are spelled: ./x, x/, a filename= list, a
	 * job's default name, filename_format; and one job's file twice */
	refused(JOB "filename=x\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=.//x\n",
		"j.fio:10: filename: [j] and [k] write the same file 'x'", NULL);
	/* a name ending in '/' or '/.' is a folder to fio, not the file
	 * without it: filename=x/ made the folder x and failed every case
	 * after mkfs ('func=unlink, error=Is a directory') */
	refused(JOB "filename=x/\n", "j.fio:5: filename", "names a folder, not a file");
	refused(JOB "filename=a:x/.\n", "j.fio:5: filename", "names a folder, not a file");
	refused(JOB "filename_format=$jobname/\n", "j.fio:5: filename_format",
		"names a folder, not a file");
	refused(JOB "filename_format=x/$clientuid\n", "j.fio:5: filename_format: 'x/$clientuid' "
		"refused: fio makes it 'x/'", "names a folder, not a file");
	refused(JOB "filename=x\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=y:x\n",
		"[j] and [k] write the same file 'x'", NULL);
	refused(JOB "filename=k.0.0\n[k]\nrw=write\nsize=1m\nverify=md5\n",
		"j.fio:6: [j] and [k] write the same file 'k.0.0'", NULL);
	refused(JOB "filename_format=$jobname\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=j\n",
		"same file 'j'", NULL);
	/* fio matches the format's keywords in any case (strcasestr) */
	refused(JOB "filename_format=$JOBNAME.x\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=j.x\n",
		"same file 'j.x'", NULL);
	refused(JOB "filename_format=$JobName.$FileNum\nnrfiles=2\n[k]\nrw=write\nsize=1m\n"
		"verify=md5\nfilename=j.1\n", "same file 'j.1'", NULL);
	refused(JOB "filename_format=same\nnrfiles=2\n", "j.fio:5: filename_format: [j] writes "
		"the file 'same' twice", NULL);
	/* fio replaces each keyword in turn, all of its occurrences, then the
	 * next keyword in what that left (init.c make_filename): job [um]'s
	 * $filen$jobname is $filenum, then its file 0 */
	refused("[um]\nrw=write\nsize=1m\nverify=md5\nfilename_format=$filen$jobname\n"
		"[k]\nrw=write\nsize=1m\nverify=md5\nfilename=0\n",
		"[um] and [k] write the same file '0'", NULL);
	/* $clientuid is "" when fio runs locally: .$clientuid. is '..', and
	 * fio wrote /tmp/x on the host from a format of 30 of them */
	refused(JOB "filename_format=.$clientuid./x\n", "j.fio:5: filename_format: "
		"'.$clientuid./x' refused: fio makes it '../x'", "'..'");
	refused(JOB "filename_format=a/.$CLIENTUID.\n", "j.fio:5: filename_format", "'..'");
	refused(JOB "filename=a:./a\n", "[j] writes the file 'a' twice", NULL);
	/* filename= lines add files, they do not replace them (fio 3.33
	 * options.c str_filename_cb), and a job starts with the files of the
	 * [global]s above it: filename=a then filename=b wrote a and b, and
	 * [global] filename=g with the job's filename=b wrote g and b */
	refused("[global]\nfilename=shared\n[j]\nrw=write\nsize=1m\nverify=md5\nfilename=x\n"
		"[k]\nrw=write\nsize=1m\nverify=md5\nfilename=y\n",
		"[j] and [k] write the same file 'shared'", NULL);
	refused(JOB "filename=a\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=a\nfilename=b\n",
		"[j] and [k] write the same file 'a'", NULL);
	refused(JOB "filename=a\nfilename=b\nfsync=1\n", "j.fio:7: fsync", "with 2 files");
	refused(JOB "filename=a\nfilename=b\nfilename=c\nopenfiles=2\n", "openfiles",
		"with 3 files");
	refused(JOB "filename=a\nfilename=sub/b\n", "folder fio does not create", NULL);
	/* fio makes the folders of a job's first file only, whatever names
	 * it: d$filenum/x with nrfiles=2 failed when the job ran ("No such
	 * file or directory" for d1/x) after the scenario was accepted */
	refused(JOB "nrfiles=2\nfilename_format=d$filenum/x\n", "j.fio:6: filename_format",
		"folder fio does not create");
	/* a file of one job that is a folder of another's: fio 3.33 failed
	 * every case after mkfs ('Not a directory' or 'Is a directory'),
	 * whichever job comes first; "x-z" sorts between "x" and "x/y" */
	refused(JOB "filename=x\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=x/y\n",
		"j.fio:10: filename: [k] writes 'x/y' inside 'x', which [j] writes as a file", NULL);
	refused(JOB "filename=x/y\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=.//x\n",
		"j.fio:5: filename: [j] writes 'x/y' inside 'x', which [k] writes as a file", NULL);
	refused(JOB "filename=x\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename=x-z\n"
		"[l]\nrw=write\nsize=1m\nverify=md5\nfilename=x/d/y\n",
		"[l] writes 'x/d/y' inside 'x', which [j] writes as a file", NULL);
	refused("[global]\nrw=write\nsize=1m\nverify=md5\nfilename_format=$jobname/$filenum\n"
		"[a]\n[b]\nfilename=a\n",
		"j.fio:6: filename_format: [a] writes 'a/0' inside 'a', which [b] writes as a file",
		NULL);
	refused(JOB "[k]\nrw=write\nsize=1m\nverify=md5\nfilename_format=j.0.0/$jobname\n",
		"[k] writes 'j.0.0/k' inside 'j.0.0', which [j] writes as a file", NULL);
	refused(JOB "filename=.\n", "j.fio:5: filename", "the directory itself");
	refused(JOB "nrfiles=$ncpus\n", "j.fio:5: nrfiles", "plain count");
	refused(JOB "= x\n", "j.fio:5", "without an option name");
	refused(JOB "[broken\n", "j.fio:5", "section header");
}

/* fio reads a job file otherwise than an INI reader: every line is cut at
 * its first ';' or '#', any line starting with "include" is an include,
 * ${VAR} is expanded anywhere, a section name is a path.  The check reads
 * it as fio does (probe findings 1-5, 8). */
static void test_read_as_fio_reads(void)
{
	/* 1: include, in all the forms fio takes */
	refused(JOB "include=/abs/evil.fio\n", "j.fio:5: include", "include");
	refused(JOB "include:/abs/evil.fio\n", "j.fio:5: include", NULL);
	refused(JOB "includeX/abs/evil.fio\n", "j.fio:5: include", NULL);
	refused(JOB "  include evil.fio ; comment\n", "j.fio:5: include", NULL);
	refused("include evil.fio\n" JOB, "j.fio:1: include", NULL);
	/* 2: ${VAR} in a key, and $keywords outside a number */
	refused(JOB "exec_pre${UNSET}run=touch /tmp/x\n", "j.fio:5: ", "environment");
	refused(JOB "${K}=1\n", "j.fio:5: ", "environment");
	refused(JOB "exec_pre$ncpusrun=x\n", "j.fio:5: ", "not an option name");
	refused(JOB "filename=a$ncpus/../../x\n", "j.fio:5: filename", "$ncpus");
	refused(JOB "time_based=$ncpus\n", "j.fio:5: time_based", NULL);
	refused(JOB "loops=($ncpus)\n", "j.fio:5: loops", NULL);
	/* fio hands a value with a keyword to `sh -c "echo 'VALUE' | bc"` */
	refused(JOB "bs=$ncpus'`touch /tmp/x`'\n", "j.fio:5: bs", "shell");
	refused(JOB "bs=$ncpus+while(1)1\n", "j.fio:5: bs", "bc");
	refused(JOB "bs=2^$ncpus\n", "j.fio:5: bs", NULL);
	refused(JOB "size=$mb_memorym\n", "j.fio:5: size", NULL);
	/* 3: section names are paths */
	refused("[../../../tmp/x/j]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "'/'");
	refused("[a/b]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "letters, digits");
	refused("[..]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "start with '.'");
	refused("[.hidden]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", NULL);
	refused("[j k]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", NULL);
	refused("[j] x\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "alone on its line");
	refused("[a#b]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "section header");
	refused("[globalx]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:1", "[global]");
	/* name= in a job: fio reports it and names its state so, its files
	 * after the section */
	refused(JOB "name=../../x\n", "j.fio:5: name", "[section]");
	refused(JOB "name=k\n", "j.fio:5: name", "its files after the [section]");
	/* 4: a file for the I/O buffers */
	refused(JOB "mem=mmap:/tmp/buf\n", "j.fio:5: mem", "I/O buffers");
	refused(JOB "iomem=mmapshared:/tmp/buf\n", "j.fio:5: iomem", NULL);
	refused(JOB "mem=mmaphuge:/huge/f\n", "j.fio:5: mem", NULL);
	/* 5: cut at the first ';' or '#', as fio does */
	refused(JOB "norandommap#x\n", "j.fio:5: norandommap", "written twice");
	refused(JOB "time_based;x\n", "j.fio:5: time_based", NULL);
	refused(JOB "unlink;\n", "j.fio:5: unlink", NULL);
	refused(JOB "loops=2#=1\n", "j.fio:5: loops", NULL);
	/* 6: options that take the write counts out of fio's report */
	refused(JOB "stats=0\n", "j.fio:5: stats", "write counts");
	refused(JOB "unified_rw_reporting=mixed\n", "j.fio:5: unified_rw_reporting", NULL);
	refused(JOB "unified_rw_reporting=both\n", "unified_rw_reporting", NULL);
	refused(JOB "profile=tiobench\n", "j.fio:5: profile", NULL);
	/* controls and what could not be compared with fio's reading */
	refused(JOB "description=a\001b\n", "j.fio:5", "control character");
	refused(JOB "description=a --b\n", "j.fio:5: description", "' --'");
	/* 8: a long job name, and the limit */
	char text[512];
	snprintf(text, sizeof(text), "[%0101d]\nrw=write\nsize=1m\nverify=md5\n", 1);
	refused(text, "j.fio:1", "longer than 100");
}

static void test_long_job_name(void)
{
	/* libinih cut section names at 50 characters: the first option of
	 * the job was "an option before any [section]" (finding 8). */
	char name[101], text[512];
	memset(name, 'j', 100);
	name[100] = '\0';
	snprintf(text, sizeof(text), "[global]\nsize=64k\nverify=crc32c\n[%s]\nrw=write\n", name);
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "l.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.njobs, 1);
	CU_ASSERT_STRING_EQUAL(jf.jobs[0].name, name);
	pc_fio_job_free(&jf);
}

/* fio --showcmd's view of TEXT (canned OUT) must be refused with WANT1
 * and WANT2 in the message, or accepted when WANT1 is NULL. */
static void showcmd(const char *text, const char *out, const char *want1, const char *want2)
{
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "j.fio", &jf) == 0);
	char msg[2048] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	int rc = pc_fio_job_check_showcmd(&jf, "j.fio", out);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	pc_fio_job_free(&jf);
	if (!want1) {
		if (rc != 0)
			fprintf(stderr, "\nrefused: %s\n", msg);
		CU_ASSERT_EQUAL(rc, 0);
		return;
	}
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	if (!strstr(msg, want1) || (want2 && !strstr(msg, want2))) {
		fprintf(stderr, "\nwanted '%s' and '%s' in: %s\n", want1, want2 ? want2 : "", msg);
		CU_FAIL("showcmd difference not refused as it should be");
	}
}

static void test_showcmd(void)
{
	static const char *const text =
		"[global]\nioengine=psync\nsize=64k\nbs=$pagesize\nverify=crc32c\n"
		"[j]\nreadwrite=randwrite\nnorandommap=0\noffset=$ncpus\n[k]\nrw=write\n";
	/* fio 3.33's output: canonical names, sorted, keywords expanded */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=2 --name=k --rw=write \n", NULL, NULL);
	/* fio prints description's value between double quotes, and no
	 * other: the line is read as it is (it was refused as "read
	 * otherwise": fio's examples ssd-steadystate.fio) */
	static const char *const described =
		"[j]\ndescription=Random write steady state phase\nrw=write\nsize=1m\n"
		"verify=md5\n[k]\ndescription=\"quoted\"\nrw=write\nsize=1m\nverify=md5\n";
	showcmd(described, "fio --name=j --description=\"Random write steady state phase\" "
		"--rw=write --size=1m --verify=md5 --name=k --description=\"\"quoted\"\" --rw=write "
		"--size=1m --verify=md5 \n", NULL, NULL);
	showcmd(described, "fio --name=j --description=\"Random write\" "
		"--rw=write --size=1m --verify=md5 --name=k --description=\"\"quoted\"\" --rw=write "
		"--size=1m --verify=md5 \n", "j.fio:2: description", "otherwise");
	/* an option fio read that no line has (an include, a line cut
	 * otherwise): refused */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=2 --exec_prerun=x --name=k --rw=write \n",
		"j.fio:6", "exec_prerun");
	/* a value read otherwise (an environment variable) */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=null --name=j "
		"--rw=randwrite --norandommap=0 --offset=2 --name=k --rw=write \n",
		"j.fio:5: verify", "otherwise");
	/* a key read otherwise */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap --offset=2 --name=k --rw=write \n",
		"j.fio:8: norandommap", NULL);
	/* the rules hold for fio's view: a keyword that became a percentage */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=50% --name=k --rw=write \n",
		"j.fio:9: offset", "percentage");
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=/etc/x --name=k --rw=write \n",
		"j.fio:9: offset", "otherwise");
	/* another job name, a job more, a job less */
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=../j "
		"--rw=randwrite --norandommap=0 --offset=2 --name=k --rw=write \n",
		"j.fio:6", "[j]");
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=2 --name=k --rw=write --name=x \n",
		"j.fio:10", "job 'x'");
	showcmd(text, "fio --ioengine=psync --size=64k --bs=4096 --verify=crc32c --name=j "
		"--rw=randwrite --norandommap=0 --offset=2 \n", "j.fio:10", "[k]");
	/* [global]s after a job and name= in [global], as fio 3.33 printed
	 * them: each [global] prints the options of all [global]s so far */
	static const char *const later =
		"[global]\nname=foo\nverify=crc32c\n[global]\nsize=64k\n[a]\nrw=randwrite\n"
		"[global]\nname=bar\nfilename_format=$jobname.x\n[b]\nrw=write\n";
	showcmd(later, "fio --name=foo --verify=crc32c --name=foo --verify=crc32c --size=64k "
		"--name=a --rw=randwrite --name=foo --verify=crc32c --size=64k --name=bar "
		"--filename_format=$jobname.x --name=b --rw=write \n", NULL, NULL);
	/* a [global]'s option fio does not print again for the next one */
	showcmd(later, "fio --name=foo --verify=crc32c --name=foo --verify=crc32c --size=64k "
		"--name=a --rw=randwrite --name=foo --size=64k --name=bar "
		"--filename_format=$jobname.x --name=b --rw=write \n", "j.fio:3: verify", "otherwise");
	/* an option more in a [global] after a job */
	showcmd(later, "fio --name=foo --verify=crc32c --name=foo --verify=crc32c --size=64k "
		"--name=a --rw=randwrite --name=foo --verify=crc32c --size=64k --name=bar "
		"--filename_format=$jobname.x --sync=1 --name=b --rw=write \n", "j.fio:8", "sync");
	/* --name=foo of [global] read as a job's name= would be refused */
	showcmd(later, "fio --name=foo --verify=crc32c --name=foo --verify=crc32c --size=64k "
		"--name=a --rw=randwrite --name=x --verify=crc32c --size=64k --name=bar "
		"--filename_format=$jobname.x --name=b --rw=write \n", "j.fio:2: name", "otherwise");
	showcmd(text, "not fio\n", "j.fio", "cannot read");
	showcmd(text, "fio --a\nfio --b\n", "j.fio", "cannot read");
}

/* A [global]'s value that every job below it sets otherwise is no job's
 * (fio's examples: tiobench's and waitfor's [global] numjobs=4, a
 * [global] rw=randread above write jobs): refused only when a job takes
 * it.  filename= adds files rather than replacing them (refused whatever
 * the job says), and what is refused whatever its value is refused in
 * [global] too. */
static const char *const overridden =
	"[global]\nrw=randread\nnumjobs=4\ntime_based\nverify=crc32c\nsize=1m\n"
	"[j]\nrw=randwrite\nnumjobs=1\ntime_based=0\n[global]\nnumjobs=2\n[global]\n"
	"numjobs=1\n[k]\nrw=write\ntime_based=0\n[global]\nrw=read\nnumjobs=8\n";

static void test_global_overridden(void)
{
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(overridden, "o.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.njobs, 2);
	pc_fio_job_free(&jf);
	/* fio 3.33's --showcmd of it */
	showcmd(overridden, "fio --rw=randread --numjobs=4 --time_based --verify=crc32c --size=1m "
		"--name=j --rw=randwrite --numjobs=1 --time_based=0 --rw=randread --numjobs=4 "
		"--time_based --verify=crc32c --size=1m --numjobs=2 --rw=randread --numjobs=4 "
		"--time_based --verify=crc32c --size=1m --numjobs=2 --numjobs=1 --name=k "
		"--rw=write --time_based=0 --rw=randread --numjobs=4 --time_based --verify=crc32c "
		"--size=1m --numjobs=2 --numjobs=1 --rw=read --numjobs=8 \n", NULL, NULL);
	/* a job below that takes it: refused, at the [global]'s line */
	refused("[global]\nnumjobs=4\nverify=crc32c\nsize=1m\n[j]\nrw=write\nnumjobs=1\n"
		"[k]\nrw=write\n", "j.fio:2: numjobs", "'4' refused");
	refused("[global]\nrw=randread\nverify=crc32c\nsize=1m\n[j]\nrw=write\n[global]\n"
		"numjobs=1\n[k]\n", "j.fio:2: rw", "'randread' refused");
	refused("[global]\ntime_based\nverify=crc32c\nsize=1m\n[j]\nrw=write\n"
		"time_based=0\n[k]\nrw=write\n", "j.fio:2: time_based", "refused");
	/* the job's filename= adds to the [global]'s */
	refused("[global]\nfilename=/etc/x\nverify=crc32c\nsize=1m\n[j]\nrw=write\n"
		"filename=a\n", "j.fio:2: filename", "absolute");
	/* a file fio reads as it reads the line, [global] or not (a FIFO
	 * hangs it) */
	refused("[global]\nbuffer_pattern='/tmp/fifo'\nverify=crc32c\nsize=1m\n[j]\nrw=write\n"
		"buffer_pattern=0x55\n", "j.fio:2: buffer_pattern", "single quotes");
	refused("[global]\nioengine=external:/tmp/x.so\nverify=crc32c\nsize=1m\n[j]\nrw=write\n"
		"ioengine=psync\n", "j.fio:2: ioengine", NULL);
	/* refused whatever the value */
	refused("[global]\ndirectory=/x\nverify=crc32c\nsize=1m\n[j]\nrw=write\n"
		"directory=y\n", "j.fio:2: directory", NULL);
}

/* [global] anywhere, as fio reads it: its options are added to the
 * defaults each job below it starts from (init.c get_new_job copies
 * def_thread), a later [global]'s value over an earlier one's; the jobs
 * above it keep theirs.  name= in [global] names no job (each job's
 * section sets its name). */
static void test_global_anywhere(void)
{
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(
		"[global]\nverify=crc32c\nbs=4k\n[a]\nrw=randwrite\nsize=1m\n"
		"[global]\nbs=8k\nsync=1\nname=ignored\n[global]\nsize=4m\n[b]\nrw=write\n"
		"[c]\nrw=write\nsize=2m\nsync=0\nfsync=2\n[global]\n", "g.fio", &jf) == 0);
	CU_ASSERT_EQUAL_FATAL(jf.njobs, 3);
	CU_ASSERT_STRING_EQUAL(jf.jobs[0].name, "a");
	CU_ASSERT_STRING_EQUAL(jf.jobs[1].name, "b");
	CU_ASSERT_STRING_EQUAL(jf.jobs[2].name, "c");
	/* a: the first [global] only (4k blocks, no sync) */
	CU_ASSERT_EQUAL(jf.jobs[0].size, 1ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[0].syncs, PC_FIO_SYNC_NEVER);
	CU_ASSERT_EQUAL(jf.jobs[0].extent, (1ULL << 20) - 4096);
	/* b: all three, the later bs=8k over 4k */
	CU_ASSERT_EQUAL(jf.jobs[1].size, 4ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[1].syncs, PC_FIO_SYNC_EACH);
	CU_ASSERT_EQUAL(jf.jobs[1].extent, (4ULL << 20) - 8192);
	/* c: its own options over the [global]s' */
	CU_ASSERT_EQUAL(jf.jobs[2].size, 2ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[2].syncs, PC_FIO_SYNC_EVERY);
	CU_ASSERT_EQUAL(jf.total_bytes, 7ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[0].end_line, 7);
	CU_ASSERT_EQUAL(jf.jobs[1].end_line, 15);
	CU_ASSERT_EQUAL(jf.jobs[2].end_line, 20);
	pc_fio_job_free(&jf);
	/* the rules see what a job takes from a later [global]: a's check
	 * would not, b's must */
	refused("[a]\nrw=write\nsize=1m\nverify=md5\n[global]\nnrfiles=2\nfsync=1\n"
		"[b]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:7: fsync", "[b]");
	refused("[a]\nrw=write\nsize=1m\nverify=md5\n[global]\nfilename=a.0.0\n"
		"[b]\nrw=write\nsize=1m\nverify=md5\n", "filename", "[a] and [b] write the same");
	/* a job needs its options from the [global]s above it, not below */
	refused("[a]\nrw=write\nsize=1m\n[global]\nverify=md5\n[b]\nrw=write\nsize=1m\n",
		"j.fio:1", "[a]: verify is not set");
	/* [global] twice in a row */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nverify=md5\n[global]\nsize=1m\n"
						"[j]\nrw=write\n", "g.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 1ULL << 20);
	pc_fio_job_free(&jf);
	/* a job waits for a job above it, whatever [global]s lie between */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[a]\nrw=write\nsize=1m\nverify=md5\n[global]\n"
						"bs=8k\n[b]\nrw=write\nsize=1m\nverify=md5\n"
						"wait_for=a\n", "g.fio", &jf) == 0);
	pc_fio_job_free(&jf);
	refused("[global]\nwait_for=global\n" JOB, "wait_for", "no job above it");
}

/* fio 3.33's block header (verify.h struct verify_header) at B for the
 * block at OFFSET of an interval of LEN bytes, written by job THREAD as
 * its write NUMBERIO with SEED. */
static void put_header(unsigned char *b, uint64_t offset, uint32_t len, unsigned thread,
		       unsigned numberio, uint64_t seed)
{
	memset(b, 0, 40);
	b[0] = 0xca;
	b[1] = 0xac;
	b[2] = 3; /* crc32c */
	for (int i = 0; i < 4; i++)
		b[4 + i] = (unsigned char)(len >> (8 * i));
	for (int i = 0; i < 8; i++) {
		b[8 + i] = (unsigned char)(seed >> (8 * i));
		b[16 + i] = (unsigned char)(offset >> (8 * i));
	}
	b[32] = (unsigned char)thread;
	b[33] = (unsigned char)(thread >> 8);
	b[34] = (unsigned char)numberio;
	b[35] = (unsigned char)(numberio >> 8);
	uint32_t crc = pc_fio_crc32c(b, 36);
	for (int i = 0; i < 4; i++)
		b[36 + i] = (unsigned char)(crc >> (8 * i));
}

/* fio's verifier does not tie a block to its file (its header names none,
 * and --verify_only skips numberio and takes the seed from the block):
 * another job's block, or a write of the job at two places, passed it.
 * powercut's reading of the headers finds them. */
static void test_headers(void)
{
	/* fio's crc32c_sw: no final xor */
	CU_ASSERT_EQUAL(pc_fio_crc32c("123456789", 9), 0x1cf96d7cu);
	char dir[] = "/tmp/pc-unit-fiohdr.XXXXXX";
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	enum { BS = 4096, BLOCKS = 8 };
	unsigned char *a = calloc(BLOCKS, BS), *b = calloc(BLOCKS, BS);
	CU_ASSERT_FATAL(a && b);
	/* job 1 wrote every block of a.0.0 and of b.0.0 once */
	for (unsigned k = 0; k < BLOCKS; k++) {
		put_header(a + k * BS, k * BS, BS, 1, k, 1000 + k);
		put_header(b + k * BS, k * BS, BS, 1, BLOCKS + k, 2000 + k);
	}
	char *files[] = { "a.0.0", "sub/b.0.0" };
	char *pa = xasprintf("%s/a.0.0", dir), *sub = xasprintf("%s/sub", dir);
	char *pb = xasprintf("%s/sub/b.0.0", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	struct pc_fio_header_scan scan = { .dir = dir, .files = files, .nfiles = 2, .thread = 1,
					   .interval = BS, .seeded = 1 };
	struct pc_fio_misplaced *m = NULL;
	size_t n = 99;
	/* intact: nothing */
	CU_ASSERT_FATAL(pc_write_file(pa, a, BLOCKS * BS, 0) == 0);
	CU_ASSERT_FATAL(pc_write_file(pb, b, BLOCKS * BS, 0) == 0);
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&scan, &m, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	pc_fio_misplaced_free(m, n);
	/* b's block 2 shows a's block 2 (same offset: fio's check passes it),
	 * a's block 5 another job's, a's block 6 a broken header (fio's own
	 * finding), b shorter (fio's too) */
	memcpy(b + 2 * BS, a + 2 * BS, BS);
	put_header(a + 5 * BS, 5 * BS, BS, 2, 5, 3005);
	a[6 * BS + 33] ^= 1;
	CU_ASSERT_FATAL(pc_write_file(pa, a, BLOCKS * BS, 0) == 0);
	CU_ASSERT_FATAL(pc_write_file(pb, b, 4 * BS, 0) == 0);
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&scan, &m, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(m[0].path, "a.0.0@20480");
	CU_ASSERT_PTR_NOT_NULL(strstr(m[0].detail, "block of job 2"));
	CU_ASSERT_STRING_EQUAL(m[1].path, "sub/b.0.0@8192");
	CU_ASSERT_PTR_NOT_NULL(strstr(m[1].detail, "same write (numberio 2) as a.0.0@8192"));
	pc_fio_misplaced_free(m, n);
	/* with verify_pattern fio draws no seed per write: a write at two
	 * places is not told (another job's still is) */
	scan.seeded = 0;
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&scan, &m, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	pc_fio_misplaced_free(m, n);
	/* the header where verify_offset moved it, from offset= on */
	memset(a, 0, BLOCKS * BS);
	for (unsigned k = 0; k < 4; k++)
		put_header(a + k * BS + 64, 8192 + k * BS, BS, k == 3 ? 7 : 1, k, 10 + k);
	CU_ASSERT_FATAL(pc_write_file(pa, a, 8192, 0) == 0);
	FILE *f = fopen(pa, "r+");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(fseek(f, 8192, SEEK_SET) == 0 && fwrite(a, 1, 4 * BS, f) == 4 * BS);
	fclose(f);
	struct pc_fio_header_scan moved = { .dir = dir, .files = files, .nfiles = 1, .thread = 1,
					    .interval = BS, .first = 8192, .header_at = 64,
					    .seeded = 1 };
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&moved, &m, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(m[0].path, "a.0.0@20480");
	pc_fio_misplaced_free(m, n);
	/* a write bigger than the verify interval (bs=16k verify_interval=4k,
	 * bsrange=4k-16k) has a header in each of its intervals, all with its
	 * seed and numberio: one write at one place, not four (every block of
	 * such a job was "not its file's block", 768 of 256 lost on ext4 with
	 * no loss at all); the same write again beyond its span is */
	memset(a, 0, BLOCKS * BS);
	for (unsigned k = 0; k < BLOCKS; k++)
		put_header(a + k * BS, k * BS, BS, 1, k / 4, 50 + k / 4);
	CU_ASSERT_FATAL(pc_write_file(pa, a, BLOCKS * BS, 0) == 0);
	struct pc_fio_header_scan big = { .dir = dir, .files = files, .nfiles = 1, .thread = 1,
					  .interval = BS, .block = 4 * BS, .seeded = 1 };
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&big, &m, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	pc_fio_misplaced_free(m, n);
	/* an interval of write 1 (blocks 4-7) holds an interval of write 0
	 * (its header's offset that of its new place: fio's check passes it) */
	put_header(a + 5 * BS, 5 * BS, BS, 1, 0, 50);
	CU_ASSERT_FATAL(pc_write_file(pa, a, BLOCKS * BS, 0) == 0);
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&big, &m, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(m[0].path, "a.0.0@20480");
	CU_ASSERT_PTR_NOT_NULL(strstr(m[0].detail, "same write (numberio 0) as a.0.0@0"));
	pc_fio_misplaced_free(m, n);
	/* a file the cut took away is fio's finding */
	CU_ASSERT_FATAL(unlink(pa) == 0);
	CU_ASSERT_EQUAL(pc_fio_scan_headers(&moved, &m, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	pc_fio_misplaced_free(m, n);
	unlink(pb);
	rmdir(sub);
	rmdir(dir);
	free(pa);
	free(pb);
	free(sub);
	free(a);
	free(b);
	/* the job file tells where the headers are, or says it cannot */
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nverify=md5\nsize=1m\n[j]\nrw=write\n"
						"bs=16k\nverify_interval=4k\nverify_offset=512\n"
						"offset=64k\nnrfiles=2\n[k]\nrw=write\nbssplit=4k/50:8k/50\n"
						"[l]\nrw=write\nbsrange=4k-12k\nverify_pattern=0xaa\n",
						"t.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_interval, 4096);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_block, 16384);
	CU_ASSERT_EQUAL(jf.jobs[2].hdr_block, 12288);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_first, 65536);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_at, 512);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_seeded, 1);
	CU_ASSERT_EQUAL_FATAL(jf.jobs[0].nfiles, 2);
	CU_ASSERT_STRING_EQUAL(jf.jobs[0].files[1], "j.0.1");
	CU_ASSERT_EQUAL(jf.jobs[1].hdr_interval, 0);
	CU_ASSERT_EQUAL(jf.jobs[2].hdr_interval, 4096);
	CU_ASSERT_EQUAL(jf.jobs[2].hdr_seeded, 0);
	struct pc_fio_job *copy = pc_fio_jobs_copy(&jf);
	CU_ASSERT_STRING_EQUAL(copy[0].files[0], "j.0.0");
	pc_fio_jobs_free(copy, jf.njobs);
	pc_fio_job_free(&jf);
}

/* The job file's options are an allowlist: an option in no row of the
 * table is refused by name, and every option fio 3.33 has is in a row. */
static void test_allowlist(void)
{
	/* profile options fio 3.33 takes in any job (tiobench's threads, dir,
	 * act's load) and does nothing with without the profile; a misspelt
	 * or a newer fio's option */
	refused(JOB "threads=4\n", "j.fio:5: threads: '4' refused", "not an option powercut "
		"accepts");
	refused(JOB "dir=/tmp\n", "j.fio:5: dir", "not an option");
	refused(JOB "load=1\n", "j.fio:5: load", "not an option");
	refused(JOB "verify_policy=fsynced\n", "j.fio:5: verify_policy", "another fio version");
	refused(JOB "nfs_url=nfs://h/x\n", "j.fio:5: nfs_url", "not an option");
	refused(JOB "foo\n", "j.fio:5: foo: refused: not an option", NULL);
	/* closed gaps of the old deny list */
	refused(JOB "softrandommap=1\n", "j.fio:5: softrandommap", "without its random map");
	refused(JOB "uncached=1\n", "j.fio:5: uncached", "RWF_ATOMIC");
	refused(JOB "uid=1000\n", "j.fio:5: uid", "another user");
	refused(JOB "gid=1000\n", "j.fio:5: gid", "another group");
	/* fio pins lockmem per job, up to all but 128 MiB of the machine's RAM */
	refused(JOB "lockmem=1t\n", "j.fio:5: lockmem", "RAM");
	refused(JOB "allow_mounted_write=1\n", "j.fio:5: allow_mounted_write", "block device");
	refused(JOB "zonerange=1m\n", "j.fio:5: zonerange", "zonemode=none");
	refused(JOB "zoneskip=1m\n", "j.fio:5: zoneskip", NULL);
	refused(JOB "read_iolog_chunked=1\n", "j.fio:5: read_iolog_chunked", "read_iolog");
	refused(JOB "replay_redirect=/dev/sda\n", "j.fio:5: replay_redirect", "outside");
	refused(JOB "percentage_sequential=50\n", "j.fio:5: percentage_sequential",
		"deprecated");
	refused(JOB "verifysort=0\n", "j.fio:5: verifysort", "deprecated");
	refused(JOB "cgroup_weight=100\n", "j.fio:5: cgroup_weight", "host");
	/* fio reads a file named between single quotes into the pattern (a
	 * FIFO hung fio --parse-only) */
	refused(JOB "verify_pattern='/etc/hostname'\n", "j.fio:5: verify_pattern", "as root");
	refused(JOB "buffer_pattern=0x00'/dev/stdin'\n", "j.fio:5: buffer_pattern", "FIFO");
	/* fio --parse-only passes these, the run fails (fio's examples
	 * waitfor.fio, xnvme-zoned.fio once trimmed to write jobs) */
	refused(JOB "allow_file_create=0\n", "j.fio:5: allow_file_create", "new and empty");
	refused("[global]\nwait_for=j\n" JOB, "j.fio:2: wait_for", "[j]: a job cannot wait");
	/* a typo: fio finds no such job, does not wait, starts it at once */
	refused(JOB "[k]\nrw=write\nsize=1m\nverify=md5\nwait_for=jj\n", "j.fio:9: wait_for",
		"[k]: waits for 'jj', which is no job above it");
	/* a job further down: fio looks among the jobs before ("waitee job k
	 * unknown" when it runs) */
	refused(JOB "wait_for=k\n[k]\nrw=write\nsize=1m\nverify=md5\n", "j.fio:5: wait_for",
		"[j]: waits for 'k', which is no job above it");
	refused(JOB "verify_dump=1\n", "j.fio:5: verify_dump", "fills the results'");
	refused(JOB "cmd_type=nvme\n", "j.fio:5: cmd_type", "io_uring_cmd");
	refused(JOB "write_hist_log=/etc/x\n", "j.fio:5: write_hist_log", "log file");
	refused(JOB "ioengine=external:/tmp/x.so\n", "j.fio:5: ioengine", "not one of");
	refused(JOB "filename_format=../$jobname\n", "j.fio:5: filename_format", "'..'");
	/* fio draws each file's size in the range, and the check takes the
	 * size of a file it finds in the range: one shorter after the cut was
	 * read at other offsets (47 of 74 blocks "lost" with no cut at all) */
	/* fio reads a boolean's leading digits: end_fsync=1k synced at the
	 * end, and powercut read no end sync (the tail went unchecked) */
	refused(JOB "end_fsync=1k\n", "j.fio:5: end_fsync", "give it as 0 or 1");
	refused(JOB "fsync_on_close=1.5\n", "j.fio:5: fsync_on_close", "give it as 0 or 1");
	refused(JOB "filesize=1m-8m\n", "j.fio:5: filesize", "a range of file sizes");
	/* fio reads a value up to its first ',' or ':': O_DSYNC, read as no
	 * sync */
	refused(JOB "sync=dsync:x\n", "j.fio:5: sync", "none, 0, sync, 1 or dsync");
	refused(JOB "sync=1,0\n", "j.fio:5: sync", "none, 0, sync, 1 or dsync");
	/* fio names the file "2" on a machine of 2 CPUs: a job with
	 * filename=2 beside it wrote the same file, unseen */
	refused(JOB "filename=$ncpus\n", "j.fio:5: filename", "this machine's numbers");
	refused(JOB "filename_format=$pagesize\n", "j.fio:5: filename_format", "machine's");
	refused(JOB "sync=$ncpus/$ncpus\n", "j.fio:5: sync", "machine's");
	refused(JOB "filesize=1m:8m\n", "j.fio:5: filesize", "a range of file sizes");
	refused(JOB "filesize=1m,8m\n", "j.fio:5: filesize", "a range of file sizes");
	/* fio 3.33: options.c's options and aliases, then the engines' (--enghelp) */
	static const char *const names[] = {
		"description", "name", "wait_for", "filename", "directory",
		"filename_format", "unique_filename", "lockfile", "opendir", "rw",
		"readwrite", "rw_sequencer", "ioengine", "iodepth", "iodepth_batch",
		"iodepth_batch_submit", "iodepth_batch_complete_min",
		"iodepth_batch_complete", "iodepth_batch_complete_max", "iodepth_low",
		"serialize_overlap", "io_submit_mode", "size", "io_size", "io_limit",
		"fill_device", "fill_fs", "filesize", "file_append", "offset",
		"fileoffset", "offset_align", "offset_increment", "number_ios", "bs",
		"blocksize", "ba", "blockalign", "bsrange", "blocksize_range", "bssplit",
		"bs_unaligned", "blocksize_unaligned", "bs_is_seq_rand", "randrepeat",
		"randseed", "norandommap", "softrandommap", "random_generator",
		"random_distribution", "percentage_random", "percentage_sequential",
		"allrandrepeat", "nrfiles", "nr_files", "openfiles", "file_service_type",
		"fallocate", "fadvise_hint", "fsync", "fdatasync", "write_barrier",
		"sync_file_range", "direct", "atomic", "buffered", "overwrite", "loops",
		"numjobs", "startdelay", "runtime", "timeout", "time_based", "verify_only",
		"ramp_time", "clocksource", "mem", "iomem", "iomem_align", "mem_align",
		"verify", "do_verify", "verifysort", "verifysort_nr", "verify_interval",
		"verify_offset", "verify_pattern", "verify_fatal", "verify_dump",
		"verify_async", "verify_backlog", "verify_backlog_batch",
		"verify_async_cpus", "experimental_verify", "verify_state_load",
		"verify_state_save", "trim_percentage", "trim_verify_zero", "trim_backlog",
		"trim_backlog_batch", "write_iolog", "read_iolog", "read_iolog_chunked",
		"replay_no_stall", "replay_redirect", "replay_scale", "replay_align",
		"replay_time_scale", "replay_skip", "merge_blktrace_file",
		"merge_blktrace_scalars", "merge_blktrace_iters", "exec_prerun",
		"exec_postrun", "ioscheduler", "zonemode", "zonesize", "zonecapacity",
		"zonerange", "zoneskip", "read_beyond_wp", "max_open_zones",
		"job_max_open_zones", "ignore_zone_limits", "zone_reset_threshold",
		"zone_reset_frequency", "lockmem", "rwmixread", "rwmixwrite", "rwmixcycle",
		"nice", "prio", "prioclass", "thinktime", "thinktime_spin",
		"thinktime_blocks", "thinktime_blocks_type", "thinktime_iotime", "rate",
		"rate_min", "ratemin", "rate_iops", "rate_iops_min", "rate_process",
		"rate_cycle", "ratecycle", "rate_ignore_thinktime", "max_latency",
		"latency_target", "latency_window", "latency_percentile", "latency_run",
		"invalidate", "sync", "write_hint", "create_serialize", "create_fsync",
		"create_on_open", "create_only", "allow_file_create",
		"allow_mounted_write", "pre_read", "cpumask", "cpus_allowed",
		"cpus_allowed_policy", "numa_cpu_nodes", "numa_mem_policy", "gpu_dev_id",
		"end_fsync", "fsync_on_close", "unlink", "unlink_each_loop", "exitall",
		"exit_what", "exitall_on_error", "stonewall", "wait_for_previous",
		"new_group", "thread", "per_job_logs", "write_bw_log", "write_lat_log",
		"write_iops_log", "log_entries", "log_avg_msec", "log_hist_msec",
		"log_hist_coarseness", "write_hist_log", "log_max_value", "log_offset",
		"log_prio", "log_compression", "log_compression_cpus",
		"log_store_compressed", "log_unix_epoch", "log_alternate_epoch",
		"log_alternate_epoch_clock_id", "block_error_percentiles", "bwavgtime",
		"iopsavgtime", "group_reporting", "stats", "zero_buffers",
		"refill_buffers", "scramble_buffers", "buffer_pattern",
		"buffer_compress_percentage", "buffer_compress_chunk", "dedupe_percentage",
		"dedupe_global", "dedupe_mode", "dedupe_working_set_percentage",
		"clat_percentiles", "lat_percentiles", "slat_percentiles",
		"percentile_list", "significant_figures", "disk_util", "gtod_reduce",
		"disable_lat", "disable_clat", "disable_slat", "disable_bw_measurement",
		"disable_bw", "gtod_cpu", "unified_rw_reporting", "continue_on_error",
		"ignore_error", "error_dump", "profile", "cgroup", "cgroup_nodelete",
		"cgroup_weight", "uid", "gid", "kb_base", "unit_base", "hugepage-size",
		"flow_id", "flow", "flow_watermark", "flow_sleep", "steadystate", "ss",
		"steadystate_duration", "ss_dur", "steadystate_ramp_time", "ss_ramp",
		"hipri", "hipri_percentage", "uncached", "nowait", "userspace_reap",
		"cmdprio_percentage", "cmdprio_class", "cmdprio", "cmdprio_bssplit",
		"fixedbufs", "registerfiles", "sqthread_poll", "sqthread_poll_cpu",
		"nonvectored", "force_async", "cmd_type",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char text[256], msg[2048] = "";
		snprintf(text, sizeof(text), JOB "%s=1\n", names[i]);
		pc_capture_errors(msg, sizeof(msg));
		pc_messages_quiet = 1;
		struct pc_fio_jobfile jf;
		int rc = pc_fio_job_parse_string(text, "j.fio", &jf);
		pc_messages_quiet = 0;
		pc_capture_errors(NULL, 0);
		if (rc == 0)
			pc_fio_job_free(&jf);
		if (strstr(msg, "not an option powercut accepts")) {
			fprintf(stderr, "\nfio 3.33's option %s is in no row: %s\n", names[i], msg);
			CU_FAIL("an option of fio 3.33 without a row in the table");
		}
	}
}

static void test_options_fine(void)
{
	/* Options that look near a refused one but are fine. */
	static const char *const fine[] = {
		JOB "norandommap=0\n", JOB "loops=1\n", JOB "numjobs=1\n", JOB "randrepeat=1\n",
		JOB "unlink=0\n", JOB "filename=sub/file\\:x\n", JOB "verify=md5\n",
		JOB "overwrite=1\n", JOB "ioengine=libaio\ndirect=1\niodepth=1\n",
		JOB "fsync=1\nend_fsync=1\n", JOB "time_based=0\n",
		JOB "size =64k ; a comment\n", JOB "bs=4k # a comment\n", JOB "; include x\n",
		JOB "# include x\n", JOB "mem=mmap\n", JOB "iomem=mmapshared\n", JOB "mem=malloc\n",
		JOB "size=$mb_memory\n", JOB "bs=($pagesize*2)\n", JOB "iodepth=16\nfsync=08\n",
		JOB "filename_format=$jobname.$jobnum.$filenum\n", JOB "stats=1\n",
		JOB "unified_rw_reporting=none\n", "[global]\nrw=write\n[A-b_c.1]\nsize=1m\nverify=md5\n",
		"[GLOBAL]\nrw=write\nsize=1m\nverify=md5\n", JOB "\t norandommap=0\r\n",
		JOB "percentage_random=100\n", JOB "verify_backlog=0\n", JOB "ramp_time=0\n",
		/* one job: nothing else for it to end */
		JOB "exitall\n", "[global]\nexitall_on_error=1\n" JOB,
		/* one job: its group's entry is its own (fio's examples set it) */
		"[global]\ngroup_reporting\n" JOB, JOB "group_reporting=1\n",
		"[global]\nexitall_on_error=0\n" JOB "[k]\nrw=write\nsize=1m\nverify=md5\n",
		/* group_reporting every job sets to 0, or below every job: fio
		 * 3.33 reported each job on its own */
		"[global]\ngroup_reporting\n" JOB "group_reporting=0\n[k]\nrw=write\nsize=1m\n"
		"verify=md5\ngroup_reporting=0\n",
		JOB "[k]\nrw=write\nsize=1m\nverify=md5\n[global]\ngroup_reporting\n",
		/* each file holds a block: fio writes one to each (8192 bytes
		 * of size=12k, nrfiles=2), or the smallest of a range */
		"[j]\nrw=write\nverify=md5\nsize=12k\nnrfiles=2\n",
		"[j]\nrw=randwrite\nverify=md5\nsize=4k\nnrfiles=2\nbsrange=2k-8k\n",
		"[j]\nrw=write\nverify=md5\nfilesize=8k\noffset=4k\n",
		/* left to fio's own set-up check, which refuses them */
		JOB "bs=2m\n", JOB "filesize=4k\noffset=8k\n",
		/* several files: each write synced on its own, or only at the end */
		JOB "nrfiles=2\nsync=1\nfsync=1\n", JOB "nrfiles=2\nend_fsync=1\n",
		JOB "filename=a:b\nfsync_on_close=1\nfsync=0\n", JOB "nrfiles=1\nfsync=1\n",
		JOB "offset=64k\n", JOB "nrfiles=4\nopenfiles=4\n", JOB "nrfiles=4\nopenfiles=0\n",
		JOB "openfiles=1\n", JOB "io_submit_mode=inline\n", JOB "filename=sub/b\n", JOB "filename=sub/b:a\n",
		JOB "filename=sub/a:sub/b\n", JOB "filename=s/t/a:s/b:c\n",
		JOB "nrfiles=2\nfile_service_type=random:4\n", JOB "file_service_type=roundrobin\n",
		JOB "nrfiles=2\nfile_service_type=roundrobin:1\n",
		JOB "nrfiles=2\nfile_service_type=random:999999999\n",
		JOB "nrfiles=2\nfile_service_type=sequential\n",
		/* the verify header fits each interval */
		JOB "verify_offset=4052\n", JOB "verify_offset=44\n",
		JOB "verify_interval=1024\nverify_offset=980\n",
		JOB "bs=16k\nverify=sha256\nverify_offset=104\n", JOB "bssplit=4k/50:8k/50\n",
		JOB "verify=sha3-512\nbs=256\n",
		/* checked: neither where fio writes nor what the check sees */
		JOB "verify_async=2\n", JOB "rw_sequencer=sequential\n", JOB "offset_increment=1m\n",
		JOB "dedupe_percentage=50\nbuffer_compress_percentage=50\n", JOB "refill_buffers\n",
		JOB "ioengine=io_uring\nfixedbufs\nsqthread_poll=1\n", JOB "thread\n",
		JOB "uncached=0\n", JOB "softrandommap=0\n", JOB "sync_file_range=write:8\n",
		JOB "description=a job\n", JOB "verify_pattern=0xdeadbeef\n", JOB "verify_dump=0\n",
		JOB "buffer_pattern=\"abc\"\n", JOB "[k]\nrw=write\nsize=1m\nverify=md5\nwait_for=j\n", JOB "verify_pattern=0xff00\n",
	};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		struct pc_fio_jobfile jf;
		int rc = pc_fio_job_parse_string(fine[i], "f.fio", &jf);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc == 0)
			pc_fio_job_free(&jf);
		else
			fprintf(stderr, "\nrefused: %s\n", fine[i]);
	}
}

/* The least a job writes run to its end (pc_fio_job.extent): its size,
 * or nrfiles x filesize when smaller, less a block per file; unknown when
 * a block size, size or file size is not one plain count. */
static void extent_at(const char *opts, uint64_t want, const char *unknown, unsigned line)
{
	char *text = xasprintf("[global]\nverify=md5\n[j]\nrw=randwrite\n%s", opts);
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "e.fio", &jf) == 0);
	const struct pc_fio_job *j = &jf.jobs[0];
	if (unknown) {
		CU_ASSERT(j->extent_unknown && strstr(j->extent_unknown, unknown));
		CU_ASSERT_EQUAL(j->extent_line, line);
	} else {
		CU_ASSERT_PTR_NULL(j->extent_unknown);
		CU_ASSERT_EQUAL(j->extent, want);
	}
	if (j->extent != want || (unknown != NULL) != (j->extent_unknown != NULL) ||
	    (unknown && (j->extent_line != line || !strstr(j->extent_unknown, unknown))))
		fprintf(stderr, "\nextent of %s: %llu, line %u, %s\n", opts,
			(unsigned long long)j->extent, j->extent_line,
			j->extent_unknown ? j->extent_unknown : "known");
	pc_fio_job_free(&jf);
	free(text);
}

static void extent(const char *opts, uint64_t want, const char *unknown)
{
	extent_at(opts, want, unknown, 6);
}

static void test_extent(void)
{
	/* what fio 3.33 wrote, run to the end, is at least the extent */
	extent("size=8m\nbs=4k\n", 8384512, NULL);                   /* 8388608 */
	extent("size=10k\nbs=4k\n", 6144, NULL);                     /* 8192 */
	extent("size=8m\nbs=4k\nnrfiles=3\n", 8376320, NULL);        /* 8380416 */
	extent("size=8m\nbs=4k\nfilesize=1m\n", 1044480, NULL);      /* 1048576 */
	extent("size=1m\nbs=4k\nfilesize=3m\n", 1044480, NULL);      /* 1048576 */
	extent("size=8m\nbsrange=4k-12k\n", 8376320, NULL);          /* 8388608 */
	/* fio's other range separator: bsrange=4k:12k is 4k-12k */
	extent("size=8m\nbsrange=4k:12k\n", 8376320, NULL);
	extent("size=8m\nblocksize_range=4k:12k\n", 8376320, NULL);
	extent("size=8m\nfilename=a:b\n", 8380416, NULL);            /* default bs 4k */
	/* a filename= list is the job's files, whatever nrfiles says (fio
	 * 3.33 adds nrfiles' names only without one): 2 files of 1m, 2097152
	 * bytes written, and the job was "ended early" for the 4 of nrfiles */
	extent("size=8m\nfilesize=1m\nfilename=a:b\nnrfiles=4\n", 2088960, NULL);
	extent("size=8m\nnrfiles=4\nfilesize=1m\nfilename=a:b\n", 2088960, NULL);
	extent("size=8m\nfilesize=1m\nfilename=a:b:c\nnrfiles=1\n", 3133440, NULL);
	extent("size=8m\nfilesize=1m\nfilename=a\nfilename=b\n", 2088960, NULL);
	extent("size=4k\nbs=4k\n", 0, NULL);
	extent_at("size=50%\n", 0, "size", 5);
	extent("size=1m\nbssplit=4k/50:8k/50\n", 0, "block size");
	extent("size=1m\nbs=4k,8k\n", 0, "block size");     /* fio wrote 797 of 1024 */
	extent("size=1m\nfilesize=$pagesize*256\n", 0, "filesize");
	extent("size=1m\noffset=4k\nfilesize=1m\n", 0, "offset");
	/* kb_base=1000: 1m is 10^6 bytes, less a block of fio's default 4096 */
	extent("size=1m\nkb_base=1000\n", 995904, NULL);
	extent_at("size=4m\nbsrange=4k-16k\nbs_unaligned=1\n", 0, "bs_unaligned", 7);
	extent("size=4m\nblocksize_unaligned\n", 0, "bs_unaligned");
	extent("size=4m\nbs_unaligned=0\n", 4190208, NULL);
	/* fio 3.33's vsync at iodepth 8 wrote all 524288 bytes of size=512k
	 * and reported 495616: the whole job was "ended early" */
	extent_at("size=512k\nioengine=vsync\niodepth=8\n", 0, "vsync", 7);
	extent_at("size=512k\niodepth=8\nioengine=vsync\n", 0, "vsync", 7);
	extent("size=512k\nioengine=vsync\niodepth=1\n", 520192, NULL);
	extent("size=512k\nioengine=psync\niodepth=8\n", 520192, NULL);
	/* io_size below size: fio writes io_size bytes within size, then
	 * ends the job (it was refused, "wraps around ... when it exceeds
	 * size") */
	extent("size=8m\nio_size=2m\n", 2093056, NULL);
	extent("size=8m\nio_limit=8m\n", 8384512, NULL);
	extent("size=8m\nnrfiles=2\nio_size=2m\n", 2088960, NULL);
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=8m\nio_size=2m\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 8ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[0].io_limit, 2ULL << 20);
	CU_ASSERT_EQUAL(jf.total_bytes, 2ULL << 20);
	CU_ASSERT_EQUAL(jf.total_room, 8ULL << 20);
	pc_fio_job_free(&jf);
	/* the [global]'s io_size, read once for the job */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nio_limit=1m\n[j]\nrw=write\n"
						"verify=md5\nsize=8m\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].io_limit, 1ULL << 20);
	CU_ASSERT_EQUAL(jf.total_bytes, 1ULL << 20);
	pc_fio_job_free(&jf);
}

/* A filename= list as fio 3.33 splits it (options.c get_next_str): at
 * each ':' not after a '\', the '\' of a "\:" dropped.  NAMES the list as
 * written, WANT the files ('|' between them), LONGEST the longest name as
 * written. */
static void split_as(const char *names, const char *want, size_t longest)
{
	char *text = xasprintf("[j]\nrw=randwrite\nsize=1m\nverify=md5\nfilename=%s\n", names);
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "s.fio", &jf) == 0);
	const struct pc_fio_job *j = &jf.jobs[0];
	char got[256] = "";
	for (size_t i = 0; i < j->nfiles; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "|" : "",
			 j->files[i]);
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT_EQUAL(j->longest_name, longest);
	if (strcmp(got, want) || j->longest_name != longest)
		fprintf(stderr, "\nfilename=%s: '%s' (longest %zu)\n", names, got, j->longest_name);
	pc_fio_job_free(&jf);
	free(text);
}

/* The file of job [j] with filename_format=FORMAT (as written in the job
 * file): WANT. */
static void format_files(const char *format, const char *want)
{
	char *text = xasprintf("[j]\nrw=randwrite\nsize=1m\nverify=md5\nfilename_format=%s\n",
			       format);
	struct pc_fio_jobfile jf;
	int rc = pc_fio_job_parse_string(text, "f.fio", &jf);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0) {
		int ok = jf.jobs[0].nfiles == 1 && !strcmp(jf.jobs[0].files[0], want);
		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\nfilename_format=%s: '%s', wanted '%s'\n", format,
				jf.jobs[0].nfiles ? jf.jobs[0].files[0] : "", want);
		pc_fio_job_free(&jf);
	} else {
		fprintf(stderr, "\nfilename_format=%s refused\n", format);
	}
	free(text);
}

static void test_filename_split(void)
{
	split_as("a", "a", 1);
	split_as("a:b", "a|b", 1);
	split_as("a\\:b:c", "a:b|c", 4);          /* an escaped colon is the name's */
	split_as("a\\:", "a:", 3);                /* at the end too */
	split_as("\\:a", ":a", 3);
	split_as("a\\\\:b", "a\\:b", 5);          /* "\\:" is '\' then an escaped ':' */
	split_as("a\\b:c\\", "a\\b|c\\", 3);      /* a '\' before anything else stays */
	split_as("d/x\\:1:d/y", "d/x:1|d/y", 6);
	/* the count of a list (3 files here) is what its checks use */
	refused(JOB "filename=a\\:b:c:d\nfdatasync=4\n", "j.fio:6: fdatasync", "3 files");
	extent("size=8m\nfilesize=1m\nfilename=a\\:b:c\n", 2088960, NULL);
	extent("size=8m\nfilesize=1m\nfilename=a\\:b\\:c\n", 1044480, NULL);
	/* empty names fio would skip or stop at are refused: a list is read
	 * as written or not at all */
	refused(JOB "filename=a::b\n", "j.fio:5: filename", "empty file name");
	refused(JOB "filename=a:\n", "j.fio:5: filename", "empty file name");
	refused(JOB "filename=:a\n", "j.fio:5: filename", "empty file name");
	refused(JOB "filename=\n", "j.fio:5: filename", "empty file name");
	refused(JOB "filename=a\\::\n", "j.fio:5: filename", "empty file name");
	/* filename_format is one name, taken as written: fio 3.33 neither
	 * splits it nor drops a '\' (init.c make_filename; filename_format=a\:b
	 * wrote the file 'a\:b', c:d the file 'c:d').  It was read as a list:
	 * 'a\:b' was the file 'a:b' (its headers never read: no such file),
	 * and a::b refused as holding an empty name. */
	format_files("a\\:b", "a\\:b");
	format_files("c:d", "c:d");
	format_files("a::b", "a::b");
	format_files("$jobname:", "j:");
	/* so filename=a\\:b (fio drops one '\') is the same file */
	refused(JOB "filename=a\\\\:b\n[k]\nrw=write\nsize=1m\nverify=md5\nfilename_format=a\\:b\n",
		"same file", NULL);
	/* each name is checked, the escaped colon's too */
	refused(JOB "filename=a\\:b:/x\n", "j.fio:5: filename", "absolute");
	refused(JOB "filename=a:..\\:x/../../y\n", "j.fio:5: filename", "'..'");
}

/* Whether a mid-run cut can be judged (pc_fio_job.midrun_unsafe): fio's
 * check reads the blocks sorted by file and offset, not in the order they
 * were written, with random_generator=lfsr and with rw=write over files
 * taken in turn. */
static void midrun(const char *opts, const char *unsafe, unsigned line)
{
	char *text = xasprintf("[global]\nverify=md5\nsize=1m\n[j]\n%s", opts);
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string(text, "m.fio", &jf) == 0);
	const struct pc_fio_job *j = &jf.jobs[0];
	int ok = unsafe ? j->midrun_unsafe && strstr(j->midrun_unsafe, unsafe) &&
			  j->midrun_line == line
			: !j->midrun_unsafe;
	CU_ASSERT(ok);
	if (!ok)
		fprintf(stderr, "\nmid-run of %s: line %u, %s\n", opts, j->midrun_line,
			j->midrun_unsafe ? j->midrun_unsafe : "fine");
	pc_fio_job_free(&jf);
	free(text);
}

static void test_midrun_order(void)
{
	midrun("rw=randwrite\nsync=1\n", NULL, 0);
	midrun("rw=randwrite\nrandom_generator=lfsr\n", "lfsr", 6);
	midrun("rw=randwrite\nrandom_generator=tausworthe64\n", NULL, 0);
	midrun("rw=randwrite\nrandom_generator=tausworthe\n", NULL, 0);
	midrun("rw=write\nrandom_generator=lfsr\n", NULL, 0);
	midrun("rw=write\n", NULL, 0);
	midrun("rw=write\nnrfiles=2\n", "several files", 6);
	midrun("rw=write\nfilename=a:b\n", "several files", 6);
	midrun("readwrite=write\nnrfiles=2\nfile_service_type=roundrobin\n", "several files", 7);
	midrun("rw=write\nnrfiles=2\nfile_service_type=random\n", "several files", 7);
	midrun("rw=write\nnrfiles=2\nfile_service_type=sequential\n", NULL, 0);
	midrun("rw=randwrite\nnrfiles=2\n", NULL, 0);
	/* out-of-order completions: asynchronous engines at iodepth > 1 */
	midrun("rw=randwrite\nioengine=libaio\niodepth=8\n", "asynchronous engine", 7);
	midrun("ioengine=io_uring\nrw=randwrite\niodepth=2\n", "asynchronous engine", 7);
	midrun("rw=randwrite\niodepth=4\nioengine=posixaio\n", "asynchronous engine", 7);
	midrun("rw=randwrite\nioengine=libaio\niodepth=1\n", NULL, 0);
	midrun("rw=randwrite\nioengine=psync\niodepth=8\n", NULL, 0);
}

static void test_sizes(void)
{
	uint64_t v;
	struct pc_fio_jobfile jf0;
	CU_ASSERT(pc_fio_parse_size("4096", &v) == 0 && v == 4096);
	CU_ASSERT(pc_fio_parse_size("16m", &v) == 0 && v == 16ULL << 20);
	/* fio 3.x with its default kb_base=1024 reads "GiB" as 10^9 (and
	 * "Gi", "GB" as 2^30): a job's size counts as fio counts it. */
	CU_ASSERT(pc_fio_parse_size("1GiB", &v) == 0 && v == 1000000000ULL);
	CU_ASSERT(pc_fio_parse_size("1Gi", &v) == 0 && v == 1ULL << 30);
	CU_ASSERT(pc_fio_parse_size("64KB", &v) == 0 && v == 64ULL << 10);
	CU_ASSERT(pc_fio_parse_size("50%", &v) < 0);
	CU_ASSERT(pc_fio_parse_size("$mb_memory", &v) < 0);
	CU_ASSERT(pc_fio_parse_size("1x", &v) < 0);
	/* fio 3.33 reads "0x..." as hex digits, a suffix not one of them
	 * (0x10k: 16 bytes; 0x1000b: 65547): size=0x10000 with bs=0x1000
	 * wrote 16 blocks of 4096 */
	CU_ASSERT(pc_fio_parse_size("0x1000", &v) == 0 && v == 4096);
	CU_ASSERT(pc_fio_parse_size("0X1000b", &v) == 0 && v == 65547);
	CU_ASSERT(pc_fio_parse_size("0x10k", &v) < 0);
	CU_ASSERT(pc_fio_parse_size("0x", &v) < 0);
	CU_ASSERT(pc_fio_parse_size("0x8000000000000000", &v) < 0);
	CU_ASSERT(pc_fio_parse_size("0x7fffffffffffffff", &v) == 0 && v == 0x7fffffffffffffffULL);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=0x10000\n"
						"bs=0x1000\n", "s.fio", &jf0) == 0);
	CU_ASSERT_EQUAL(jf0.jobs[0].size, 65536);
	CU_ASSERT_EQUAL(jf0.total_bytes, 65536);
	CU_ASSERT_EQUAL(jf0.jobs[0].hdr_block, 4096);
	CU_ASSERT_PTR_NULL(jf0.jobs[0].extent_unknown);
	pc_fio_job_free(&jf0);
	/* A size fio understands but we cannot count: total unknown. */
	struct pc_fio_jobfile jf;
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=50%\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 0);
	pc_fio_job_free(&jf);
	/* kb_base changes what the suffixes mean, as fio 3.33 reads them: a
	 * section's options with its own kb_base (fio parses it first,
	 * wherever it stands), else with the [global]s' above it.  fio wrote
	 * 64000 bytes of [global] kb_base=1000 and a job's size=64k, bs=4k
	 * (16 writes of 4000), a file of 65536 of [global] size=64k and a
	 * job's bs=4k below kb_base=1000, and 15 writes of 4096 under a
	 * [global] kb_base=1000 with the job's own kb_base=1024. */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nkb_base=1000\n[j]\nrw=write\n"
						"verify=md5\nsize=64m\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 64000000);
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nkb_base=1000\n[j]\nrw=write\n"
						"verify=md5\nsize=64k\nbs=4k\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 64000);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_block, 4000);
	CU_ASSERT_EQUAL(jf.jobs[0].extent, 60000);
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nsize=64k\n[j]\nrw=write\nverify=md5\n"
						"bs=4k\nkb_base=1000\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 65536);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_block, 4000);
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nkb_base=1000\n[global]\nsize=64k\n[j]\n"
						"rw=write\nverify=md5\nbs=4k\nkb_base=1024\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 64000);
	CU_ASSERT_EQUAL(jf.jobs[0].hdr_block, 4096);
	pc_fio_job_free(&jf);
	/* a kb_base fio does not take: its sizes are not counted */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=64k\n"
						"kb_base=2000\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 0);
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=64m\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 64ULL << 20);
	pc_fio_job_free(&jf);
	/* what the jobs write run whole: nrfiles x filesize when smaller than
	 * size (fio wrote 4 MiB of size=32m filesize=4m, and cut_at = 50%
	 * waited for 16 MiB: "fio ended before cut_at"), a filename= list's
	 * files whatever nrfiles says */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=32m\n"
						"filesize=4m\n[k]\nrw=write\nverify=md5\n"
						"size=8m\nfilesize=1m\nfilename=a:b\nnrfiles=4\n"
						"[l]\nrw=write\nverify=md5\nsize=1m\nfilesize=3m\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 7ULL << 20);
	pc_fio_job_free(&jf);
	/* what the jobs' files take on the device (the auto device's size):
	 * fio makes each file its offset plus its size (filesize, else size
	 * over the files) and allocates or lays it out from 0, whatever size
	 * says: filesize=1g with size=4m filled a 512 MiB auto device
	 * (ENOSPC, the case an error), as did offset=1g */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=randwrite\nverify=md5\nsize=4m\n"
						"filesize=1g\n[k]\nrw=write\nverify=md5\n"
						"size=4m\noffset=1g\n[l]\nrw=write\nverify=md5\n"
						"size=8m\nfilename=a:b\noffset=1m\n"
						"[m]\nrw=write\nverify=md5\nsize=32m\nnrfiles=4\n"
						"filesize=1m\noffset=64k\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].room, 1ULL << 30);
	CU_ASSERT_EQUAL(jf.jobs[1].room, (1ULL << 30) + (4ULL << 20));
	CU_ASSERT_EQUAL(jf.jobs[2].room, 10ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[3].room, 4 * ((1ULL << 20) + (64ULL << 10)));
	CU_ASSERT_EQUAL(jf.total_room, (1ULL << 30) + (1ULL << 30) + (4ULL << 20) +
				       (10ULL << 20) + 4 * ((1ULL << 20) + (64ULL << 10)));
	pc_fio_job_free(&jf);
	/* not counted when a size is not a plain count: the auto device
	 * cannot be sized (the scenario then needs device_size) */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nsize=50%\n"
						"filesize=1g\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_room, 0);
	pc_fio_job_free(&jf);
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nkb_base=1000\n[j]\nrw=write\n"
						"verify=md5\nsize=1g\n", "s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.total_room, 1000000000);
	pc_fio_job_free(&jf);
	/* no size, a filesize: fio 3.33 writes each file's filesize less its
	 * offset (filesetup.c setup_files: size is then the files' total),
	 * as fio's own examples/waitfor.fio does: it wrote 4194304 bytes of
	 * [j], 2097152 of [k], 983040 of [l], 3145728 of [m]; powercut
	 * refused them all, "size is not set" */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[global]\nfilesize=4m\n[j]\nrw=write\nverify=md5\n"
						"[k]\nrw=write\nverify=md5\nnrfiles=2\n"
						"filesize=1m\n[l]\nrw=write\nverify=md5\n"
						"filesize=1m\noffset=64k\n[m]\nrw=randwrite\n"
						"verify=md5\nfilesize=1m\nfilename=a:b:c\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL_FATAL(jf.njobs, 4);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 4ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[1].size, 2ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[2].size, (1ULL << 20) - (64ULL << 10));
	CU_ASSERT_EQUAL(jf.jobs[3].size, 3ULL << 20);
	CU_ASSERT_EQUAL(jf.total_bytes, (9ULL << 20) + (1ULL << 20) - (64ULL << 10));
	CU_ASSERT_EQUAL(jf.jobs[0].room, 4ULL << 20);
	CU_ASSERT_EQUAL(jf.jobs[3].room, 3ULL << 20);
	CU_ASSERT(jf.jobs[2].room >= 1ULL << 20);
	CU_ASSERT(jf.total_room >= 10ULL << 20);
	CU_ASSERT_PTR_NULL(jf.jobs[0].extent_unknown);
	CU_ASSERT_EQUAL(jf.jobs[0].extent, (4ULL << 20) - 4096);
	CU_ASSERT_EQUAL(jf.jobs[3].extent, (3ULL << 20) - 3 * 4096);
	pc_fio_job_free(&jf);
	/* a filesize powercut cannot count: the job's size is not known */
	CU_ASSERT_FATAL(pc_fio_job_parse_string("[j]\nrw=write\nverify=md5\nfilesize=$pagesize*256\n",
						"s.fio", &jf) == 0);
	CU_ASSERT_EQUAL(jf.jobs[0].size, 0);
	CU_ASSERT_EQUAL(jf.total_bytes, 0);
	CU_ASSERT_EQUAL(jf.total_room, 0);
	pc_fio_job_free(&jf);
}

/* Verify-pass stderr as fio 3.33 printed it for three damaged blocks. */
static const char *const verify_stderr =
	"crc32c: verify failed at file /m/fio/rw-sync.0.0 offset 65536, length 4096 (requested block: offset=65536, length=4096, flags=88)\n"
	"       Expected CRC: 56da3f41\n"
	"       Received CRC: f658b0a1\n"
	"verify: bad header offset 241664, wanted 327680 at file /m/fio/rw-sync.0.0 offset 327680, length 4096 (requested block: offset=327680, length=4096)\n"
	"verify: bad magic header 0, wanted acca at file /m/fio/sub/x.0.0 offset 57344, length 4096 (requested block: offset=57344, length=4096)\n"
	"fio: pid=1234, err=84/file:io_u.c:2150, func=io_u_sync_complete, error=Invalid or incomplete multibyte or wide character\n";

static void test_verify_findings(void)
{
	struct pc_verify_result vr;
	memset(&vr, 0, sizeof(vr));
	CU_ASSERT_EQUAL(pc_fio_verify_findings(verify_stderr, "/m/fio", &vr), 3);
	CU_ASSERT_EQUAL(vr.nfindings, 3);
	CU_ASSERT_EQUAL(vr.lost, 3);
	CU_ASSERT_EQUAL(vr.counts[PC_F_FIO_VERIFY], 3);
	CU_ASSERT_STRING_EQUAL(pc_finding_name(PC_F_FIO_VERIFY), "fio-verify");
	CU_ASSERT_STRING_EQUAL(vr.findings[0].path, "rw-sync.0.0@65536");
	CU_ASSERT_STRING_EQUAL(vr.findings[0].detail, "crc (crc32c: verify failed)");
	CU_ASSERT_STRING_EQUAL(vr.findings[1].path, "rw-sync.0.0@327680");
	CU_ASSERT_STRING_EQUAL(vr.findings[1].detail,
			       "bad header (bad header offset 241664, wanted 327680)");
	CU_ASSERT_STRING_EQUAL(vr.findings[2].path, "sub/x.0.0@57344");
	CU_ASSERT_STRING_EQUAL(vr.findings[2].detail,
			       "bad header (bad magic header 0, wanted acca)");
	pc_verify_result_free(&vr);
	memset(&vr, 0, sizeof(vr));
	CU_ASSERT_EQUAL(pc_fio_verify_findings("fio: some other complaint\n\n", "/m", &vr), 0);
	CU_ASSERT_EQUAL(vr.lost, 0);
}

static void test_json(void)
{
	/* Two status reports and the final one, with a message between. */
	const char *text =
		"{\"jobs\":[{\"jobname\":\"a\",\"write\":{\"io_bytes\":4096,\"total_ios\":1}}]}\n"
		"fio: a message\n"
		"{\"jobs\":[{\"jobname\":\"a\",\"write\":{\"io_bytes\":8192,\"total_ios\":2}},"
		"{\"jobname\":\"b\",\"write\":{\"io_bytes\":4096,\"total_ios\":1},"
		"\"read\":{\"io_bytes\":4096,\"total_ios\":1},\"total_err\":3,\"error\":84}]}\n"
		"{\"jobs\":[{\"jobname\":\"a\",\"wri";
	size_t end = 0;
	json_t *doc = pc_fio_json_last(text, strlen(text), &end);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(pc_fio_json_write_bytes(doc), 12288);
	CU_ASSERT(end > 0 && text[end] == '\n');
	struct pc_fio_stats st;
	CU_ASSERT_EQUAL(pc_fio_json_job(doc, "b", &st), 0);
	CU_ASSERT_EQUAL(st.write_ios, 1);
	CU_ASSERT_EQUAL(st.read_ios, 1);
	CU_ASSERT_EQUAL(st.total_err, 3);
	CU_ASSERT_EQUAL(st.error, 84);
	CU_ASSERT(st.has_write && st.has_read && st.has_error);
	CU_ASSERT_EQUAL(pc_fio_json_job(doc, "c", &st), -1);
	json_decref(doc);
	CU_ASSERT_PTR_NULL(pc_fio_json_last("not json\n", 9, NULL));
}

/* A count that is missing, negative or not an integer is not read as 0:
 * the report does not give it (a verify report without read counts
 * passed a case that had checked nothing). */
static void test_json_counts(void)
{
	static const struct { const char *job; int write, read, error; } cases[] = {
		{ "{\"jobname\":\"j\",\"error\":0,\"write\":{\"total_ios\":1,\"io_bytes\":4096},"
		  "\"read\":{\"total_ios\":0,\"io_bytes\":0}}", 1, 1, 1 },
		{ "{\"jobname\":\"j\",\"error\":84,\"write\":{\"total_ios\":1}}", 0, 0, 1 },
		{ "{\"jobname\":\"j\",\"error\":\"84\",\"write\":{\"total_ios\":1,"
		  "\"io_bytes\":\"4096\"},\"read\":{\"total_ios\":-1,\"io_bytes\":0}}", 0, 0, 0 },
		{ "{\"jobname\":\"j\",\"error\":-5,\"write\":{\"total_ios\":1.5,\"io_bytes\":1},"
		  "\"read\":{\"total_ios\":2,\"io_bytes\":8192}}", 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = xasprintf("{\"jobs\":[%s]}", cases[i].job);
		json_t *doc = json_loads(text, 0, NULL);
		free(text);
		CU_ASSERT_FATAL(doc != NULL);
		struct pc_fio_stats st;
		CU_ASSERT_EQUAL(pc_fio_json_job(doc, "j", &st), 0);
		CU_ASSERT_EQUAL(st.has_write, cases[i].write);
		CU_ASSERT_EQUAL(st.has_read, cases[i].read);
		CU_ASSERT_EQUAL(st.has_error, cases[i].error);
		json_decref(doc);
	}
}

/* The verify pass must read back what it was to check: at the end all of
 * it, mid-run all but the last writes in flight at the trigger. */
static void test_verify_coverage(void)
{
	char msg[1024] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	CU_ASSERT_EQUAL(pc_fio_verify_coverage("j", 256, 256, 0), 0);
	CU_ASSERT_EQUAL(pc_fio_verify_coverage("j", 256, 300, 0), 0);
	CU_ASSERT_EQUAL(pc_fio_verify_coverage("j", 1066, 1065, 2), 0);
	CU_ASSERT_EQUAL(pc_fio_verify_coverage("j", 256, 255, 0), -1);
	/* verify_backlog=16: fio read half of the blocks */
	CU_ASSERT_EQUAL(pc_fio_verify_coverage("j", 256, 128, 2), -1);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "read back 255 of the 256 blocks"));
}

/* pc_fio_job_promise of job J on the report TEXT: RC, and (rc >= 0) the
 * writes promised and the tail. */
static void promise_job(const char *text, const struct pc_fio_job *j, int midrun, int mode_syncs,
			int cut_errors, int want_rc, uint64_t want_promised, uint64_t want_tail,
			const char *want_msg)
{
	json_t *doc = json_loads(text, 0, NULL);
	CU_ASSERT_FATAL(doc != NULL);
	char msg[2048] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	uint64_t promised = 99, tail = 99;
	struct pc_fio_cut cut = { .midrun = midrun, .mode_syncs = mode_syncs, .errors = cut_errors };
	int rc = pc_fio_job_promise(doc, j, &cut, &promised, &tail);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	json_decref(doc);
	CU_ASSERT_EQUAL(rc, want_rc);
	if (rc >= 0) {
		CU_ASSERT_EQUAL(promised, want_promised);
		CU_ASSERT_EQUAL(tail, want_tail);
	}
	if (want_msg && !strstr(msg, want_msg)) {
		fprintf(stderr, "\nwanted '%s' in: %s\n", want_msg, msg);
		CU_FAIL("promise: wrong message");
	}
}

/* The same for a job of that name, UNSYNCED and EXTENT, cut_at = end
 * followed by a durability mode that syncs. */
static void promise_extent(const char *text, const char *job, int midrun, unsigned unsynced,
			   uint64_t extent, int want_rc, uint64_t want_promised,
			   uint64_t want_tail, const char *want_msg)
{
	struct pc_fio_job j = { .name = (char *)job, .unsynced = unsynced, .depth = 1,
				.extent = extent };
	promise_job(text, &j, midrun, 1, 0, want_rc, want_promised, want_tail, want_msg);
}

static void promise(const char *text, const char *job, int midrun, unsigned unsynced, int want_rc,
		    uint64_t want_promised, uint64_t want_tail, const char *want_msg)
{
	promise_extent(text, job, midrun, unsynced, 0, want_rc, want_promised, want_tail, want_msg);
}

/* A job with no write counts, or none written, is a check that did not
 * run: an error, never "nothing promised" (probe findings 6 and 7). */
static void test_promise(void)
{
	const char *plain = "{\"jobs\":[{\"jobname\":\"j\",\"write\":{\"total_ios\":10,"
			    "\"io_bytes\":40960}}]}";
	promise(plain, "j", 0, 0, 1, 10, 0, NULL);
	promise(plain, "j", 1, 3, 1, 7, 3, NULL);
	promise(plain, "j", 1, 20, 0, 0, 10, NULL); /* all in the unsynced tail */
	/* stats=0: the job is not named in the report */
	promise("{\"jobs\":[{\"jobname\":null,\"write\":{\"total_ios\":0}}]}", "j", 0, 0, -1,
		0, 0, "no job j");
	/* unified_rw_reporting=mixed: no write counts */
	promise("{\"jobs\":[{\"jobname\":\"j\",\"mixed\":{\"total_ios\":32}}]}", "j", 0, 0,
		-1, 0, 0, "no write counts");
	promise("{\"jobs\":[{\"jobname\":\"j\",\"mixed\":{\"total_ios\":32}}]}", "j", 1, 0,
		-1, 0, 0, "no write counts");
	/* killed by a signal, or wrote nothing, and cut at the end */
	const char *none = "{\"jobs\":[{\"jobname\":\"j\",\"error\":0,\"write\":"
			   "{\"total_ios\":0,\"io_bytes\":0}}]}";
	promise(none, "j", 0, 0, -1, 0, 0, "wrote nothing");
	/* mid-run: a job the cut came before (a stonewalled one) */
	promise(none, "j", 1, 0, 0, 0, 0, NULL);
	/* cut_at = end: fio ended the job early (runtime=1 wrote 1 MiB of an
	 * 8 MiB job); mid-run that is what was written before the cut */
	const char *part = "{\"jobs\":[{\"jobname\":\"j\",\"error\":0,\"write\":"
			   "{\"total_ios\":256,\"io_bytes\":1048576}}]}";
	promise_extent(part, "j", 0, 0, 8384512, -1, 0, 0, "fio ended job j early: it wrote "
		       "1048576 bytes (256 writes), and run to its end it writes at least 8384512");
	promise_extent(part, "j", 0, 0, 1048576, 1, 256, 0, NULL);
	promise_extent(part, "j", 1, 0, 8384512, 1, 256, 0, NULL);
	/* cut_at = end, mode none: fsync=3 left the last writes unsynced
	 * (2048 writes: the last 2 were lost on ext4), unless the job syncs at
	 * its end (end_fsync) or a durability mode ran after it */
	struct pc_fio_job every3 = { .name = "j", .unsynced = 3, .depth = 1, .syncs = PC_FIO_SYNC_EVERY,
				     .sync_every = 3 };
	promise_job(part, &every3, 0, 0, 0, 1, 253, 3, NULL);
	promise_job(part, &every3, 0, 1, 0, 1, 256, 0, NULL);
	every3.sync_at_end = 1;
	promise_job(part, &every3, 0, 0, 0, 1, 256, 0, NULL);
	promise_job(part, &every3, 1, 0, 0, 1, 253, 3, NULL);
	/* cut_at = end, mode none, every write of the job in its unsynced
	 * tail (fsync=100000, 1024 writes): the check of it did not run.  It
	 * was an error alone, but beside another job the case passed with it
	 * unchecked */
	every3.sync_at_end = 0;
	const char *three = "{\"jobs\":[{\"jobname\":\"j\",\"error\":0,\"write\":"
			    "{\"total_ios\":3,\"io_bytes\":12288}}]}";
	promise_job(three, &every3, 0, 0, 0, -1, 0, 0, "every one of the 3 writes of fio's job j");
	promise_job(three, &every3, 0, 1, 0, 1, 3, 0, NULL);
	promise_job(three, &every3, 1, 0, 0, 0, 0, 3, NULL);
	every3.sync_at_end = 1;
	/* mid-run, but the job had ended before the cut, its end_fsync done:
	 * nothing of it is unsynced; without end_fsync its tail still is */
	json_t *doc = json_loads(part, 0, NULL);
	uint64_t promised = 0, tail = 0;
	struct pc_fio_cut ended = { .midrun = 1, .ended = 1 };
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &every3, &ended, &promised, &tail), 1);
	CU_ASSERT_EQUAL(promised, 256);
	CU_ASSERT_EQUAL(tail, 0);
	every3.sync_at_end = 0;
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &every3, &ended, &promised, &tail), 1);
	CU_ASSERT_EQUAL(promised, 253);
	CU_ASSERT_EQUAL(tail, 3);
	/* mid-run, from the saved state: no more than the writes issued at
	 * the trigger (the report counts later ones too), and with several
	 * files the last iodepth of them left out (fio's state lists offset
	 * 0 of a file not yet written as complete: j.0.37@0, issued after the
	 * trigger, was checked and "lost" on a correct ext4) */
	struct pc_fio_job plain1 = { .name = "j", .depth = 1 };
	struct pc_fio_cut state = { .midrun = 1, .has_state = 1, .issued = 250, .files = 1 };
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &plain1, &state, &promised, &tail), 1);
	CU_ASSERT_EQUAL(promised, 250);
	state.files = 64;
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &plain1, &state, &promised, &tail), 1);
	CU_ASSERT_EQUAL(promised, 249);
	state.issued = 300;
	state.files = 1;
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &plain1, &state, &promised, &tail), 1);
	CU_ASSERT_EQUAL(promised, 256);
	state.issued = 1;
	state.files = 2;
	CU_ASSERT_EQUAL(pc_fio_job_promise(doc, &plain1, &state, &promised, &tail), 0);
	CU_ASSERT_EQUAL(promised, 0);
	json_decref(doc);
	/* a job an error stopped (max_latency: ETIMEDOUT) is no job the check
	 * can bound; with cut = error, EIO and EROFS are the cut's */
	const char *failed = "{\"jobs\":[{\"jobname\":\"j\",\"error\":110,\"write\":"
			     "{\"total_ios\":1,\"io_bytes\":4096}}]}";
	const char *eio = "{\"jobs\":[{\"jobname\":\"j\",\"error\":5,\"write\":"
			  "{\"total_ios\":1,\"io_bytes\":4096}}]}";
	struct pc_fio_job one = { .name = "j", .depth = 1 };
	promise_job(failed, &one, 1, 0, 0, -1, 0, 0, "job j failed in the write pass with error 110");
	promise_job(failed, &one, 1, 0, 1, -1, 0, 0, "error 110");
	promise_job(eio, &one, 1, 0, 0, -1, 0, 0, "error 5");
	promise_job(eio, &one, 1, 0, 1, 1, 1, 0, NULL);

	char line[512];
	CU_ASSERT_EQUAL(pc_fio_signal_line("fio: some line\nfio: pid=12, got signal=7\nmore\n", line,
					   sizeof(line)), 1);
	CU_ASSERT_STRING_EQUAL(line, "fio: pid=12, got signal=7");
	CU_ASSERT_EQUAL(pc_fio_signal_line("fio: all fine\n", line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(pc_fio_signal_line(NULL, line, sizeof(line)), 0);
}

/* A job file is read under the input limits: a regular file only (a FIFO
 * would block, /dev/zero never end), bounded lines, no NUL byte. */
static void load_refused(const char *path, const char *want)
{
	char msg[2048] = "";
	pc_capture_errors(msg, sizeof(msg));
	pc_messages_quiet = 1;
	pc_last_errclass = PC_ERR_NONE;
	struct pc_fio_jobfile jf;
	int rc = pc_fio_job_load(path, "j.fio", &jf);
	pc_messages_quiet = 0;
	pc_capture_errors(NULL, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(pc_last_errclass, PC_ERR_INPUT);
	if (!strstr(msg, want)) {
		fprintf(stderr, "\nwanted '%s' in: %s\n", want, msg);
		CU_FAIL("job file input not refused as it should be");
	}
	if (rc == 0)
		pc_fio_job_free(&jf);
	pc_last_errclass = PC_ERR_NONE;
}

static void test_job_file_inputs(void)
{
	load_refused("/dev/zero", "is a character device");
	char *dir = unit_tmpdir();
	char *fifo = xasprintf("%s/fifo", dir), *nul = xasprintf("%s/nul.fio", dir);
	char *lng = xasprintf("%s/long.fio", dir);
	CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
	load_refused(fifo, "is a FIFO");
	static const char with_nul[] = "[j]\nrw=randwrite\0x\nsize=1m\nverify=crc32c\n";
	CU_ASSERT_FATAL(pc_write_file(nul, with_nul, sizeof(with_nul) - 1, 0) == 0);
	load_refused(nul, "j.fio:2: a NUL byte");
	size_t n = 100000;
	char *text = xmalloc(n + 1);
	memset(text, 'x', n);
	memcpy(text, "[j]\nrw=", 7);
	text[n] = '\0';
	CU_ASSERT_FATAL(pc_write_file(lng, text, n, 0) == 0);
	load_refused(lng, "j.fio:2: line longer than");
	free(text);
	/* Over the small-file limit, in short lines. */
	char *big = xasprintf("%s/big.fio", dir);
	n = PC_MAX_SMALL_FILE + 1;
	text = xmalloc(n);
	memset(text, '\n', n);
	memcpy(text, "[j]\n", 4);
	CU_ASSERT_FATAL(pc_write_file(big, text, n, 0) == 0);
	load_refused(big, "larger than powercut's limit of 1048576 bytes");
	free(text);
	free(big);
	unit_rmtree(dir);
	free(fifo);
	free(nul);
	free(lng);
	free(dir);
}

static void test_cut_at(void)
{
	struct pc_cut_at c;
	char buf[32];
	CU_ASSERT(pc_cut_at_parse("end", &c) == 0 && c.kind == PC_CUT_AT_END);
	CU_ASSERT(pc_cut_at_parse("3s", &c) == 0 && c.kind == PC_CUT_AT_SECONDS && c.value == 3);
	CU_ASSERT(pc_cut_at_parse("2.5s", &c) == 0 && c.value == 2.5);
	CU_ASSERT(pc_cut_at_parse("40%", &c) == 0 && c.kind == PC_CUT_AT_PERCENT && c.value == 40);
	pc_cut_at_format(&c, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "40%");
	static const char *const bad[] = { "", "0s", "0%", "100%", "150%", "3", "s", "-1s",
					   "3 s", "1e9s", "nan%", "END", "3ms" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pc_cut_at_parse(bad[i], &c) == 0)
			fprintf(stderr, "\ncut_at '%s' accepted\n", bad[i]);
		CU_ASSERT_EQUAL(pc_cut_at_parse(bad[i], &c), -1);
	}
}

/* Every option of the installed fio has a row in the option table
 * (accepted or refused, with the reason): a newer fio's new options need
 * one before powercut runs them.  fio --cmdhelp=all lists each as
 * "  NAME   : description" under its category's heading. */
static void test_every_fio_option_has_row(void)
{
	FILE *f = popen("fio --cmdhelp=all 2>&1", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[1024];
	int options = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");
		size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz_-");
		const char *after = p + len + strspn(p + len, " ");
		if (len == 0 || len >= 64 || *after != ':')
			continue;
		char name[64];
		memcpy(name, p, len);
		name[len] = '\0';
		options++;
		if (!pc_fio_option_has_row(name))
			fprintf(stderr, "fio's option %s has no row in powercut's table\n", name);
		CU_ASSERT(pc_fio_option_has_row(name));
	}
	CU_ASSERT_EQUAL(pclose(f), 0);
	CU_ASSERT(options > 150);
	CU_ASSERT(!pc_fio_option_has_row("no_such_option"));
	CU_ASSERT(pc_fio_option_has_row("RW"));
}

void register_fio_tests(void)
{
	CU_pSuite s = CU_add_suite("fio", NULL, NULL);
	CU_add_test(s, "a good job file", test_good_job);
	CU_add_test(s, "fio's saved state: jobs that had ended", test_saved_state);
	CU_add_test(s, "job files under the input limits", test_job_file_inputs);
	CU_add_test(s, "refused options name FILE:LINE", test_refused_options);
	CU_add_test(s, "refused structure", test_refused_structure);
	CU_add_test(s, "options that are fine", test_options_fine);
	CU_add_test(s, "the options are an allowlist", test_allowlist);
	CU_add_test(s, "read as fio reads", test_read_as_fio_reads);
	CU_add_test(s, "a long job name", test_long_job_name);
	CU_add_test(s, "fio's own reading (--showcmd)", test_showcmd);
	CU_add_test(s, "[global] anywhere, name= in [global]", test_global_anywhere);
	CU_add_test(s, "a [global]'s value every job below overrides", test_global_overridden);
	CU_add_test(s, "fio's block headers: another file's block", test_headers);
	CU_add_test(s, "sizes", test_sizes);
	CU_add_test(s, "how much a job writes run to its end", test_extent);
	CU_add_test(s, "a filename= list split as fio splits it", test_filename_split);
	CU_add_test(s, "mid-run cuts need the check to read in write order", test_midrun_order);
	CU_add_test(s, "verify messages become findings", test_verify_findings);
	CU_add_test(s, "JSON reports", test_json);
	CU_add_test(s, "JSON counts that are not counts", test_json_counts);
	CU_add_test(s, "the verify pass reads back what it checks", test_verify_coverage);
	CU_add_test(s, "a job with nothing counted is an error", test_promise);
	CU_add_test(s, "the verdict says when a job syncs nothing", test_unsynced_hint);
	CU_add_test(s, "the verify pass's job file", test_with_lines);
	CU_add_test(s, "cut_at values", test_cut_at);
	CU_add_test(s, "every option of the installed fio has a row", test_every_fio_option_has_row);
}
