/* fio_output.h - what fio says, read back: its JSON reports (jansson) and
 * its verifier's complaints on stderr, as powercut findings. */
#ifndef PC_FIO_OUTPUT_H
#define PC_FIO_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "check/verify.h"

/* One job of a JSON report. */
struct pc_fio_stats {
	uint64_t write_ios, write_bytes;  /* write.total_ios, write.io_bytes */
	uint64_t read_ios, read_bytes;
	uint64_t total_err;               /* total_err */
	int error;                        /* error (errno of the first error) */
	/* The report gives them (as counts: integers, not negative):
	 * write.total_ios and write.io_bytes; read.total_ios and read.io_bytes;
	 * error.  A count it does not give reads as 0. */
	int has_write, has_read, has_error;
};

/* The last complete JSON document in BUF (fio --output-format=json with
 * --status-interval writes one per interval, and the final report last);
 * lines that are not JSON (fio's own messages) are skipped.  *END (may be
 * NULL) receives the offset just past it, for reading a growing file.
 * NULL when there is none. */
json_t *pc_fio_json_last(const char *buf, size_t len, size_t *end);
/* Sum of write.io_bytes over the report's jobs. */
uint64_t pc_fio_json_write_bytes(json_t *report);
/* The job named NAME: 0, or -1 when the report has no such job (no message). */
int pc_fio_json_job(json_t *report, const char *name, struct pc_fio_stats *out);

/* The first line of fio's stderr TEXT that says a job died of a signal
 * ("fio: pid=N, got signal=7"), copied into OUT; 1, or 0 when none. */
int pc_fio_signal_line(const char *text, char *out, size_t len);

/* Every line of fio's verify-pass stderr that names a bad block ("... at
 * file F offset O, length L ...") becomes a finding of kind fio-verify,
 * path "F@O" (F without the DIR/ prefix fio prints), detail "bad header
 * (...)" or "crc (...)"; each counts as one lost block.  Returns how many
 * were added to VR. */
size_t pc_fio_verify_findings(const char *text, const char *dir, struct pc_verify_result *vr);

/* What fio's saved state (--verify_state_save: local-JOB-N-verify.state,
 * struct verify_state_hdr and thread_io_list of fio 3.33, version 3,
 * little-endian) says of a job at the trigger. */
struct pc_fio_state {
	uint64_t no_comps;  /* completions kept (the last iodepth per open file) */
	uint32_t depth;     /* the job's iodepth */
	uint32_t nofiles;   /* its files: 0 once it has ended (fio freed them) */
	uint64_t numberio;  /* writes it had issued */
};
/* STATE's LEN bytes: 0, or -1 (no message) when it is not a version 3
 * state of at least one job. */
int pc_fio_state_parse(const void *state, size_t len, struct pc_fio_state *out);

#endif
