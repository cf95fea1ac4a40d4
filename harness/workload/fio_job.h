/* fio_job.h - fio job files for `workload = fio FILE`.
 *
 * A job file is read twice.  powercut's own reader follows fio's parser
 * line by line (fio 3.33, init.c and parse.c: a line is cut at its first
 * ';' or '#', a line starting with "include" is an include, a section name
 * is taken up to its first ']', "key=value" is split at the first '='), so
 * that every refusal names FILE:LINE: OPTION; what it cannot read exactly
 * as fio does is refused.  Then fio itself: `fio --parse-only` must accept
 * the file, and `fio --showcmd` (the options as fio read them, after its
 * ${VAR} and $keyword substitutions) must show the same sections and
 * options; the rules are applied to that view too, and any difference
 * between the two readings is a refusal.
 */
#ifndef PC_FIO_JOB_H
#define PC_FIO_JOB_H

#include <stddef.h>
#include <stdint.h>

/* How a job makes its writes durable. */
enum pc_fio_sync {
	PC_FIO_SYNC_NEVER,   /* no sync=1, fsync= or fdatasync= */
	PC_FIO_SYNC_EACH,    /* sync=1 (O_SYNC) or dsync: durable when complete */
	PC_FIO_SYNC_EVERY,   /* fsync=N or fdatasync=N: every N writes */
};

/* One job (a section other than [global]). */
struct pc_fio_job {
	char *name;
	unsigned line;       /* of its [section] header */
	/* Of the next section's header ([global] included): the job's
	 * section ends there; 0 when it is the last. */
	unsigned end_line;
	uint64_t size;       /* bytes (its own or [global]'s size); 0 if not a plain count */
	/* io_size (io_limit): the bytes fio writes within SIZE; 0 when unset
	 * (a value that is not a plain count at most SIZE is refused). */
	uint64_t io_limit;
	/* What it writes run whole: SIZE, or its files' room (nrfiles x
	 * filesize) when smaller; 0 with SIZE 0. */
	uint64_t bytes;
	/* The most its files take on the device: each file's offset plus
	 * its size (filesize, else SIZE over the files), which fio allocates
	 * (fallocate) or lays out from 0 whatever SIZE says; 0 when size,
	 * filesize or offset is not a plain count. */
	uint64_t room;
	/* Writes fio may count complete before they are durable: with
	 * fsync=N or fdatasync=N (and no sync=1) the last N + iodepth - 1
	 * (iodepth 1 with an engine that completes each write as it submits
	 * it: sync, psync, pvsync, pvsync2)
	 * writes before a mid-run cut may be acknowledged and not yet synced;
	 * 0 for O_SYNC/O_DSYNC jobs and jobs that never sync.  The same writes
	 * may be unsynced when the job ends (cut_at = end, mode none), unless
	 * it syncs at its end (SYNC_AT_END). */
	unsigned unsynced;
	enum pc_fio_sync syncs;
	unsigned long sync_every; /* SYNC_EVERY: N */
	int sync_at_end;     /* end_fsync or fsync_on_close */
	unsigned depth;      /* iodepth (1 unless set) */
	/* The least the job writes when fio runs it to its end: its size (or
	 * nrfiles x filesize when smaller), less one block per file (fio
	 * leaves out the part of a file's share that is not a whole block).
	 * A job that wrote less was ended early (runtime=,
	 * steadystate...).  0 with EXTENT_UNKNOWN (and the option's line in
	 * EXTENT_LINE, or the job's) when the job file cannot tell it. */
	uint64_t extent;
	const char *extent_unknown;
	unsigned extent_line;
	/* Why a mid-run cut cannot be judged for this job (NULL when it can),
	 * and the line of the option that makes it so.  After a mid-run cut
	 * fio's saved state tells the completed writes from those in flight
	 * only among the last iodepth blocks its check reads, so the check
	 * must read them in the order they were written; fio 3.33 reads them
	 * sorted by file and offset instead when the job has no random map
	 * (random_generator=lfsr) or is sequential over files taken in turn
	 * (rw=write, several files, file_service_type other than sequential),
	 * and then checked, and counted lost, an O_SYNC write still in flight
	 * at the cut. */
	const char *midrun_unsafe;
	unsigned midrun_line;
	/* The job's files (relative to the directory, as fio names them) and
	 * where fio's block header lies in them, for powercut's own reading
	 * of the headers after fio's check (fio_headers.h): one every
	 * HDR_INTERVAL bytes from HDR_FIRST (offset=), HDR_AT bytes in
	 * (verify_offset); HDR_INTERVAL 0 when the job file does not tell
	 * them (bssplit, bs=R,W, bs_unaligned, an offset that is
	 * not a plain count): not read then.  HDR_SEEDED: each write's
	 * header has a random seed of its own (no verify_pattern).
	 * HDR_BLOCK: the biggest write block (bs, the top of bsrange): a
	 * write bigger than HDR_INTERVAL has a header in each interval. */
	char **files;
	size_t nfiles;
	/* The longest of its file names as fio takes them (a filename= name
	 * as written, filename_format expanded): fio builds each file's path
	 * below its folder in a PATH_MAX buffer. */
	size_t longest_name;
	uint64_t hdr_interval, hdr_first, hdr_at, hdr_block;
	int hdr_seeded;
};

/* An option line as powercut read it (fio's reading: see above). */
struct pc_fio_opt {
	char *key;
	char *value;         /* NULL for a bare key ("norandommap") */
	unsigned line;
	/* fio's kb_base when it reads the value: 1024 or 1000, 0 when the
	 * job file sets one powercut does not know (its sizes then unknown) */
	unsigned kb_base;
};

/* A [section]: a job, or [global] (anywhere, and more than once: it
 * applies to the jobs below it). */
struct pc_fio_section {
	char *name;
	unsigned line;
	struct pc_fio_opt *opts;
	size_t nopts;
};

struct pc_fio_jobfile {
	char *path;          /* absolute */
	struct pc_fio_job *jobs;
	size_t njobs;
	/* Every section in file order, for the comparison with fio's own
	 * reading (pc_fio_job_check_showcmd). */
	struct pc_fio_section *sections;
	size_t nsections;
	/* Sum of what the jobs write run whole (their BYTES: what cut_at = P%
	 * is a fraction of); 0 when
	 * a size is not a plain byte count (e.g. "50%" or "$mb_memory"; read
	 * with the kb_base fio reads it with, see pc_fio_opt). */
	uint64_t total_bytes;
	/* Sum of the jobs' ROOM (what device_size = auto is sized for); 0
	 * when one's is not known. */
	uint64_t total_room;
	/* The file's bytes as checked (pc_fio_job_load): fio is only ever run
	 * on a copy of them (in memory for the check, job.fio in the case
	 * folder for the run), so the file changing after
	 * the check changes nothing. */
	char *text;
	size_t len;
};

/* Read and check the job file at PATH (shown as SHOWN in messages).  A
 * refused option or a malformed file: -1, class INPUT, message
 * "SHOWN:LINE: OPTION: why".  Does not run fio. */
int pc_fio_job_load(const char *path, const char *shown, struct pc_fio_jobfile *out);
/* Check the text TEXT as a job file (unit tests; SHOWN names it). */
int pc_fio_job_parse_string(const char *text, const char *shown, struct pc_fio_jobfile *out);
void pc_fio_job_free(struct pc_fio_jobfile *jf);
/* The job file TEXT (LEN bytes, as checked, with the NJOBS JOBS read from
 * it) with the lines LINES[i] ("key=value\n"...) added at the end of the
 * section of job i: what the verify pass runs.  *OUTLEN its length. */
char *pc_fio_job_with_lines(const char *text, size_t len, const struct pc_fio_job *jobs,
			    size_t njobs, const char *const *lines, size_t *outlen);
/* A copy of JF's jobs (names included), and freeing one. */
struct pc_fio_job *pc_fio_jobs_copy(const struct pc_fio_jobfile *jf);
void pc_fio_jobs_free(struct pc_fio_job *jobs, size_t n);

/* The job file of the scenario key workload, "fio FILE": 1 and FILE in
 * *FILE (malloc'd; quoted as image's and known's paths are, the quotes
 * removed), 0 for "image" (*FILE NULL), -1 with the reason in WHY. */
int pc_fio_workload_file(const char *value, char **file, char *why, size_t len);

/* The scenario key workload: "image" (0) or "fio FILE" (1: FILE, relative
 * to DIR, loaded and checked into JF by powercut's own reading; fio is not
 * run: see pc_fio_workload_check).  -1 with the reason in WHY (a refused
 * job file has printed its own FILE:LINE message already). */
int pc_fio_workload_parse(const char *value, const char *dir, struct pc_fio_jobfile *jf,
			  char *why, size_t len);

/* fio's own checks (pc_fio_job_fio_accepts) of JF, which
 * pc_fio_workload_parse loaded from VALUE and DIR: 0, or -1 with the
 * reason in WHY (fio's message printed already); the class is ENV when
 * fio could not run.  Separate so that a scenario refused on powercut's
 * reading alone does not wait for fio (its set-up of a 600T file's random
 * map took minutes and 12 GB). */
int pc_fio_workload_check(const char *value, const char *dir, const struct pc_fio_jobfile *jf,
			  char *why, size_t len);

/* `fio --parse-only` on JF's file, then `fio --showcmd` compared with JF
 * (pc_fio_job_check_showcmd): 0 when fio accepts the file and reads it as
 * powercut did; -1 with fio's own message or the difference (class INPUT),
 * or class ENV when fio cannot be run. */
int pc_fio_job_fio_accepts(const struct pc_fio_jobfile *jf, const char *shown);

/* Compare OUT, what `fio --showcmd` printed on its standard output for
 * JF's file ("fio --opt=value ... --name=JOB --opt ..."), with JF: the same
 * sections in the same order, the same options in each (fio prints an
 * option's canonical name and sorts them; a value holding $pagesize,
 * $mb_memory or $ncpus is printed expanded), and the refusal rules hold
 * for fio's view as well.  0, or -1 (class INPUT) with
 * "SHOWN:LINE: OPTION: why". */
int pc_fio_job_check_showcmd(const struct pc_fio_jobfile *jf, const char *shown, const char *out);

/* 1 when KEY (an option name or alias, any case) has a row in the option
 * table, accepted or refused; 0 when a job file using it would be refused as
 * "not an option powercut accepts". */
int pc_fio_option_has_row(const char *key);

/* fio's size syntax for plain counts, with fio's default kb_base=1024:
 * digits with an optional k/m/g/t/p suffix, optionally followed by "i", "b"
 * or "ib" (util/size.h's pc_size_suffixes_fio: "ib" means powers of 1000,
 * as in fio); -1 for anything else. */
int pc_fio_parse_size(const char *s, uint64_t *out);

#endif
