/* main.c - `powercut COMMAND ...` dispatch. */
#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd/commands.h"
#include "run/scenario.h"
#include "util/escape.h"
#include "util/util.h"
#include "util/version.h"

static const struct command commands[] = {
	{ "run", cmd_run, "run every case of a scenario: unpack, commit, cut power, verify",
	  CMD_NEEDS_ROOT | CMD_NEEDS_PRIVATE_MOUNTS, "it attaches loop devices and mounts filesystems" },
	{ "compare", cmd_compare, "what changed between two results folders (nightly vs last good)", 0, NULL },
	{ "report", cmd_report, "one HTML page with tables and plots of results folders", 0, NULL },
	{ "cleanup", cmd_cleanup, "remove mounts, loop/dm devices and servers left by killed runs",
	  CMD_NEEDS_ROOT, "it unmounts and detaches devices" },
	{ "inspect", cmd_inspect, "show the layers an image resolves to: sizes, entries, digests", 0, NULL },
	{ "manifest", cmd_manifest, "write the expected manifest of an image (or an mtree spec)", 0, NULL },
	{ "unpack", cmd_unpack, "apply an image's layers onto a folder and save its manifest",
	  CMD_NEEDS_ROOT | CMD_NEEDS_PRIVATE_MOUNTS, "owners, device nodes and trusted.* xattrs; it chroots" },
	{ "verify", cmd_verify, "check a tree against a manifest; one line per difference",
	  CMD_NEEDS_ROOT, "it reads every file whatever its mode, and trusted.* xattrs" },
	{ "probe", cmd_probe, "measure a flakey device with fio: MB/s, 4k IOPS, fsyncs/s",
	  CMD_NEEDS_ROOT | CMD_NEEDS_PRIVATE_MOUNTS, "it attaches a loop device" },
	{ "__fuse-server", cmd_fuse_server, NULL, 0, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut COMMAND [ARGS]\n\n"
		   "powercut unpacks container image layers onto a flakey block device,\n"
		   "applies a durability mode, commits, cuts the power, remounts and\n"
		   "verifies every file against the manifest.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].summary)
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'powercut COMMAND --help' describes a command, 'powercut help keys' the\n"
		   "scenario keys; man powercut has it all.\n"
		   "exit status: 0 every case met its expectation, 1 some did not,\n"
		   "2 usage/scenario/input error, 3 environment error, 128+N signal N.\n");
}

/* `powercut help keys` and `powercut help COMMAND` (as COMMAND --help);
 * anything else is a usage error, not the general text with exit 0. */
static int help_topic(int n, char **words)
{
	if (n == 1 && !strcmp(words[0], "keys")) {
		pc_scenario_keys_print(stdout, 0);
		return cmd_stdout_done("help keys", PC_EXIT_OK);
	}
	for (size_t i = 0; n == 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(words[0], commands[i].name)) {
			char *args[] = { words[0], "--help", NULL };
			return cmd_dispatch(&commands[i], 2, args);
		}
	if (n == 1) {
		char *shown = pc_esc_text(words[0]);
		fprintf(stderr, "powercut help: no help on '%s' (keys or a command)\n\n", shown);
		free(shown);
	} else
		fprintf(stderr, "powercut help: one topic (keys or a command), not %d\n\n", n);
	usage(stderr);
	return PC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* Archive names are UTF-8 (pax) or raw bytes; in the C locale libarchive
	 * warns that it cannot convert them.  C.UTF-8 keeps the bytes as they are. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	/* The fsync walk and verify hold a descriptor per directory level:
	 * deep trees need more than the usual soft limit of 1024. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	if (argc < 2) {
		usage(stderr);
		return PC_EXIT_USAGE;
	}
	const char *name = argv[1];
	int help = !strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help");
	if (help && argc > 2) /* powercut --help run is powercut help run */
		return help_topic(argc - 2, argv + 2);
	if (help) {
		usage(stdout);
		return cmd_stdout_done("--help", PC_EXIT_OK);
	}
	if (!strcmp(name, "--version") && argc > 2) {
		char *shown = pc_esc_text(argv[2]);
		fprintf(stderr, "powercut: --version takes no argument, not '%s'\n\n", shown);
		free(shown);
		usage(stderr);
		return PC_EXIT_USAGE;
	}
	if (!strcmp(name, "--version")) {
		printf("powercut %s\n", pc_version);
		return cmd_stdout_done("--version", PC_EXIT_OK);
	}
	pc_sanitize_path();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return cmd_dispatch(&commands[i], argc - 1, argv + 1);
	char *shown = pc_esc_text(name);
	fprintf(stderr, "powercut: unknown command '%s'\n\n", shown);
	free(shown);
	usage(stderr);
	return PC_EXIT_USAGE;
}
