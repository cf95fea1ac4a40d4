/* commands.h - one file per subcommand (cmd_*.c), as git does. Each returns
 * a process exit code (enum pc_exit). */
#ifndef PC_COMMANDS_H
#define PC_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_manifest(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
/* Internal: the userspace flakey device server (backend fuse). */
int cmd_fuse_server(int argc, char **argv);

#endif
