/* probe.h - the device's physical limits, measured with fio: the yardstick
 * every timing in a report is read against (`powercut probe`, scenario key
 * probe = yes, results.json "device"). */
#ifndef PC_PROBE_H
#define PC_PROBE_H

/* What one target sustained. */
struct pc_probe_figures {
	double seq_write_mbs;   /* 1 MiB O_DIRECT writes, MB/s (10^6 bytes) */
	double randwrite_iops;  /* 4 KiB O_DIRECT random writes at queue depth 1 */
	double fsyncs_per_s;    /* 4 KiB writes, each followed by fsync(2) */
};

struct pc_probe {
	int done;
	struct pc_probe_figures flakey;   /* the flakey block device */
	struct pc_probe_figures backing;  /* a file beside its backing file */
};

/* Measure DEVPATH (its content is overwritten: before mkfs only) and a
 * scratch file in WORKDIR (on the filesystem holding the backing file,
 * removed afterwards).  fio's reports go to OUTDIR/probe-{device,backing}.json
 * and .stderr.  0, or -1 (message printed). */
int pc_probe_run(const char *devpath, const char *workdir, const char *outdir,
		 struct pc_probe *out);

#endif
