/* fio_job.h - fio job files for `workload = fio FILE`.
 *
 * A job file is read twice.  libinih (through a counting line reader) gives
 * every option with its section and line, so that powercut can refuse the
 * options that would make a crash check meaningless and say FILE:LINE; then
 * `fio --parse-only` confirms that fio itself understands every option
 * (fio is the authority on its own syntax: an option we do not know is
 * checked by it, never guessed at by us).
 */
#ifndef PC_FIO_JOB_H
#define PC_FIO_JOB_H

#include <stddef.h>
#include <stdint.h>

/* One job (a section other than [global]). */
struct pc_fio_job {
	char *name;
	unsigned line;       /* of its [section] header */
	uint64_t size;       /* bytes (its own or [global]'s size); 0 if not a plain count */
	/* Writes fio may count complete before they are durable: with
	 * fsync=N or fdatasync=N (and no sync=1) the last N + iodepth - 1
	 * writes before a mid-run cut may be acknowledged and not yet synced;
	 * 0 for O_SYNC/O_DSYNC jobs and jobs that never sync. */
	unsigned unsynced;
};

struct pc_fio_jobfile {
	char *path;          /* absolute */
	struct pc_fio_job *jobs;
	size_t njobs;
	/* Sum of the jobs' sizes (what cut_at = P% is a fraction of); 0 when
	 * a size is not a plain byte count (e.g. "50%" or "$mb_memory") or a job
	 * sets kb_base. */
	uint64_t total_bytes;
};

/* Read and check the job file at PATH (shown as SHOWN in messages).  A
 * refused option or a malformed file: -1, class INPUT, message
 * "SHOWN:LINE: OPTION: why".  Does not run fio. */
int pc_fio_job_load(const char *path, const char *shown, struct pc_fio_jobfile *out);
/* Check the text TEXT as a job file (unit tests; SHOWN names it). */
int pc_fio_job_parse_string(const char *text, const char *shown, struct pc_fio_jobfile *out);
void pc_fio_job_free(struct pc_fio_jobfile *jf);

/* The scenario key workload: "image" (0) or "fio FILE" (1: FILE, relative
 * to DIR, loaded and checked into JF, and accepted by fio --parse-only).
 * -1 with the reason in WHY (a refused job file has printed its own
 * FILE:LINE message already). */
int pc_fio_workload_parse(const char *value, const char *dir, struct pc_fio_jobfile *jf,
			  char *why, size_t len);

/* `fio --parse-only PATH`: 0 when fio accepts the file; -1 with fio's own
 * message (class INPUT), or class ENV when fio cannot be run. */
int pc_fio_job_fio_accepts(const char *path, const char *shown);

/* fio's size syntax for plain counts, with fio's default kb_base=1024:
 * digits with an optional k/m/g/t/p suffix, optionally followed by "i", "b"
 * or "ib" (util/size.h's pc_size_suffixes_fio: "ib" means powers of 1000,
 * as in fio); -1 for anything else. */
int pc_fio_parse_size(const char *s, uint64_t *out);

#endif
