/* cmd_probe.c - `powercut probe`: the flakey device's physical limits. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "device/backend.h"
#include "cmd/commands.h"
#include "workload/probe.h"
#include "run/scenario.h"
#include "run/state.h"
#include "util/util.h"

#define DEFAULT_SIZE (512ULL << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut probe [-b fuse|dm|auto] [-s SIZE] [-w DIR]\n\n"
		   "Build a flakey device as a run would and measure it with short fio jobs:\n"
		   "sequential 1 MiB O_DIRECT writes (MB/s), 4 KiB O_DIRECT random writes at\n"
		   "queue depth 1 (IOPS) and 4 KiB writes each followed by fsync(2) (fsyncs/s);\n"
		   "then the same on a scratch file beside the device's backing file.  The\n"
		   "device's figures are the floor every timing of a run is read against\n"
		   "(scenario key probe = yes records them per case in results.json).\n\n"
		   "  -b, --backend NAME  fuse, dm or auto (default auto)\n"
		   "  -s, --size SIZE     the device's size (default 512M; 64M to 1024T)\n"
		   "  -w, --workdir DIR   where the backing file goes (default /var/tmp)\n"
		   "  -h, --help          this text\n\n"
		   "exit status: 0 measured, 2 usage, 3 environment (not root, no fio, no\n"
		   "backend), 1 a measurement failed.\n");
}

static void print_row(const char *what, const struct pc_probe_figures *f)
{
	printf("%-22s %14.1f %18.0f %10.0f\n", what, f->seq_write_mbs, f->randwrite_iops,
	       f->fsyncs_per_s);
}

static int measure(const char *backend, uint64_t size, const char *runwork)
{
	struct pc_backend dev = { 0 };
	char why[256];
	if (pc_backend_select(backend, &dev.ops, why, sizeof(why)) < 0)
		return -1;
	if (pc_path_join(dev.workdir, sizeof(dev.workdir), runwork, "probe") < 0 ||
	    pc_mkdir_p(dev.workdir, 0755) < 0)
		return -1;
	int rc = dev.ops->create(&dev, size);
	struct pc_probe pr;
	char devpath[PATH_MAX];
	snprintf(devpath, sizeof(devpath), "%s", dev.devpath);
	if (rc == 0)
		rc = pc_probe_run(devpath, dev.workdir, dev.workdir, &pr);
	dev.ops->destroy(&dev);
	pc_state_teardown_dir(dev.workdir, 0);
	if (rc < 0)
		return -1;
	printf("device %s (%s: %s)\n\n", devpath, dev.ops->name, why);
	printf("%-22s %14s %18s %10s\n", "", "seq write MB/s", "4k randwrite IOPS", "fsyncs/s");
	char label[64];
	snprintf(label, sizeof(label), "flakey device (%s)", dev.ops->name);
	print_row(label, &pr.flakey);
	print_row("backing file's fs", &pr.backing);
	return 0;
}

/* -b NAME: fuse, dm or auto. */
static int set_backend(const struct cmd_line *cl, const char *arg, void *dest)
{
	if (strcmp(arg, "fuse") && strcmp(arg, "dm") && strcmp(arg, "auto"))
		return cmd_usage_error(cl->usage, cl->name, "bad backend '%s'", arg);
	*(const char **)dest = arg;
	return PC_EXIT_OK;
}

/* -s SIZE: 64M to 1024T (the largest device_size a scenario takes), a
 * multiple of 512. */
static int set_size(const struct cmd_line *cl, const char *arg, void *dest)
{
	uint64_t *size = dest;
	if (pc_parse_size(arg, size) < 0 || *size < (64ULL << 20) ||
	    *size > (1024ULL << 40) || *size % 512)
		return cmd_usage_error(cl->usage, cl->name, "bad size '%s' (64M to 1024T, "
				       "a multiple of 512)", arg);
	return PC_EXIT_OK;
}

int cmd_probe(int argc, char **argv)
{
	const char *backend = "auto", *workbase = "/var/tmp";
	uint64_t size = DEFAULT_SIZE;
	const struct cmd_opt opts[] = {
		{ "backend", 'b', required_argument, &backend, set_backend },
		{ "size", 's', required_argument, &size, set_size },
		{ "workdir", 'w', required_argument, &workbase, cmd_set_nonempty },
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "probe", usage, opts, 0, 0, NULL };
	int first, rc = cmd_parse(&cl, argc, argv, &first);
	if (rc != CMD_GO_ON)
		return rc;
	if ((rc = cmd_ready()) != PC_EXIT_OK)
		return rc;
	if (pc_state_check_base(workbase) < 0)
		return PC_EXIT_USAGE;
	/* Before a device is built for it. */
	if (!pc_have_program("fio")) {
		char hint[128];
		pc_fail(PC_ERR_ENV, "fio: not found in PATH (%s): powercut probe measures the "
			"device with it; nothing was measured",
			pc_install_hint("fio", hint, sizeof(hint)));
		return PC_EXIT_ENV;
	}
	char runwork[PATH_MAX];
	if (pc_state_begin(workbase, runwork, sizeof(runwork)) < 0)
		return PC_EXIT_ENV;
	pc_last_errclass = PC_ERR_NONE;
	rc = measure(backend, size, runwork);
	if (pc_state_end(runwork) < 0 && rc == 0)
		return PC_EXIT_ENV;
	if (rc < 0)
		return pc_exit_for_error(PC_EXIT_FAIL);
	return PC_EXIT_OK;
}
