/* commands.h - one file per subcommand (cmd_*.c), as git does. Each returns
 * a process exit code (enum pc_exit). */
#ifndef PC_COMMANDS_H
#define PC_COMMANDS_H

#include <stdio.h>

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_manifest(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
int cmd_probe(int argc, char **argv);
/* Internal: the userspace flakey device server (backend fuse). */
int cmd_fuse_server(int argc, char **argv);

/* What a command needs before it acts, carried by its row in the command
 * table (main.c), as git.c's RUN_SETUP | NEED_WORK_TREE.  A command checks
 * them with cmd_ready() once it has parsed its arguments and is about to
 * act: a bad option is a usage error (2) for anyone, --help and answers
 * that touch nothing (run --list) need no privilege. */
enum cmd_needs {
	CMD_NEEDS_ROOT = 1 << 0, /* euid 0: loop devices, mounts, owners */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;  /* NULL: internal, not listed */
	unsigned needs;       /* enum cmd_needs */
	const char *why_root; /* CMD_NEEDS_ROOT: what it does that needs root */
};

/* Run command C with its arguments (argv[0] is its name); while it runs,
 * cmd_ready() checks C's needs.  Returns C's exit code. */
int cmd_dispatch(const struct command *c, int argc, char **argv);
/* The running command's needs, checked in one place: PC_EXIT_OK, or the
 * failed one reported ("NAME: must be root (WHY)") and its exit code
 * (PC_EXIT_ENV). */
int cmd_ready(void);

/* Shared by the commands (cmd_common.c).  USAGE prints a command's help. */
/* -h (ASKED): the help on standard output, PC_EXIT_OK; an unknown option
 * (getopt has said which): the help on standard error, PC_EXIT_USAGE. */
int cmd_usage(void (*usage)(FILE *f), int asked);
/* "powercut CMD: MESSAGE", a blank line and the help, on standard error;
 * returns PC_EXIT_USAGE. */
int cmd_usage_error(void (*usage)(FILE *f), const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
