/* fuzz_fiojob.c - the fio job file reader (pc_fio_job_load) on any bytes,
 * and for what it accepts, the job file the verify pass runs
 * (pc_fio_job_with_lines) and the copy of its jobs.  No crash, leak or
 * undefined behaviour; nothing beyond that is checked. */
#include "fuzz_common.h"
#include "workload/fio_job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("job.fio", data, size);
	struct pc_fio_jobfile jf;
	if (pc_fio_job_load(path, "job.fio", &jf) < 0) {
		pc_fio_job_free(&jf);
		return 0;
	}
	const char **lines = calloc(jf.njobs ? jf.njobs : 1, sizeof(*lines));
	for (size_t i = 0; i < jf.njobs; i++)
		lines[i] = "verify_only=1\nverify_state_load=1\n";
	size_t len;
	free(pc_fio_job_with_lines(jf.text, jf.len, jf.jobs, jf.njobs, lines, &len));
	free(lines);
	pc_fio_jobs_free(pc_fio_jobs_copy(&jf), jf.njobs);
	pc_fio_job_free(&jf);
	return 0;
}
