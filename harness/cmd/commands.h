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

/* Shared by the commands (cmd_common.c).  USAGE prints a command's help. */
/* -h (ASKED): the help on standard output, PC_EXIT_OK; an unknown option
 * (getopt has said which): the help on standard error, PC_EXIT_USAGE. */
int cmd_usage(void (*usage)(FILE *f), int asked);
/* "powercut CMD: MESSAGE", a blank line and the help, on standard error;
 * returns PC_EXIT_USAGE. */
int cmd_usage_error(void (*usage)(FILE *f), const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
