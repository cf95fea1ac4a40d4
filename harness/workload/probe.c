/* probe.c - measure a device with fio; see probe.h.
 *
 * One fio run per target, three jobs one after the other (stonewall):
 * a sequential 1 MiB O_DIRECT write of PROBE_SIZE, 4 KiB O_DIRECT random
 * writes for a second, and 4 KiB buffered writes each followed by fsync
 * for a second.  These are powercut's own jobs, not a user's: time_based
 * is right here (no crash check reads them back).
 */
#include "workload/probe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload/fio_output.h"
#include "util/util.h"
#include "workload/workload_fio.h"

#define PROBE_SIZE "64m"

static double num(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_number(v) ? json_number_value(v) : 0;
}

static json_t *job_named(json_t *doc, const char *name)
{
	size_t i;
	json_t *job;
	json_array_foreach(json_object_get(doc, "jobs"), i, job) {
		const char *n = json_string_value(json_object_get(job, "jobname"));
		if (n && !strcmp(n, name))
			return job;
	}
	return NULL;
}

static int figures(json_t *doc, const char *json, struct pc_probe_figures *f)
{
	json_t *seq = job_named(doc, "seq"), *rnd = job_named(doc, "rand"),
	       *fs = job_named(doc, "fsync");
	if (!seq || !rnd || !fs)
		return pc_fail(PC_ERR_RUN, "%s: fio's report lacks a probe job", json);
	f->seq_write_mbs = num(seq, "write", "bw_bytes") / 1e6;
	f->randwrite_iops = num(rnd, "write", "iops");
	json_t *rt = json_object_get(fs, "job_runtime");
	double ms = json_is_number(rt) ? json_number_value(rt) : 0;
	f->fsyncs_per_s = ms > 0 ? num(fs, "sync", "total_ios") / (ms / 1000.0) : 0;
	if (f->seq_write_mbs <= 0 || f->randwrite_iops <= 0 || f->fsyncs_per_s <= 0)
		return pc_fail(PC_ERR_RUN, "%s: a probe job did no I/O", json);
	return 0;
}

static int probe_one(const char *target, const char *outdir, const char *label,
		     struct pc_probe_figures *f)
{
	char json[PATH_MAX], err[PATH_MAX], name[64];
	snprintf(name, sizeof(name), "probe-%s.json", label);
	if (pc_path_join(json, sizeof(json), outdir, name) < 0)
		return -1;
	snprintf(name, sizeof(name), "probe-%s.stderr", label);
	if (pc_path_join(err, sizeof(err), outdir, name) < 0)
		return -1;
	char *file = xasprintf("--filename=%s", target);
	char *argv[] = {
		"fio", "--output-format=json", file, "--ioengine=psync", "--size=" PROBE_SIZE,
		"--name=seq", "--rw=write", "--bs=1m", "--direct=1",
		"--name=rand", "--stonewall", "--rw=randwrite", "--bs=4k", "--direct=1",
		"--time_based", "--runtime=1",
		"--name=fsync", "--stonewall", "--rw=write", "--bs=4k", "--fsync=1",
		"--time_based", "--runtime=1",
		NULL,
	};
	int status = pc_fio_exec(argv, outdir, json, err);
	free(file);
	if (status < 0)
		return -1;
	if (status != 0) {
		char line[512];
		pc_fio_last_line(err, line, sizeof(line));
		return pc_fail(PC_ERR_RUN, "probe of %s: fio exited with %d: %s", target, status,
			       line[0] ? line : "(nothing on its standard error)");
	}
	size_t len = 0;
	char *text = pc_read_file(json, &len);
	json_t *doc = text ? pc_fio_json_last(text, len, NULL) : NULL;
	free(text);
	if (!doc)
		return pc_fail(PC_ERR_RUN, "%s: no JSON report from fio", json);
	int rc = figures(doc, json, f);
	json_decref(doc);
	return rc;
}

int pc_probe_run(const char *devpath, const char *workdir, const char *outdir,
		 struct pc_probe *out)
{
	memset(out, 0, sizeof(*out));
	char scratch[PATH_MAX];
	if (pc_path_join(scratch, sizeof(scratch), workdir, "probe-scratch.img") < 0)
		return -1;
	int rc = probe_one(devpath, outdir, "device", &out->flakey);
	if (rc == 0)
		rc = probe_one(scratch, outdir, "backing", &out->backing);
	if (unlink(scratch) < 0 && errno != ENOENT && rc == 0)
		rc = pc_fail_errno(PC_ERR_RUN, errno, "remove %s", scratch);
	out->done = rc == 0;
	return rc;
}
