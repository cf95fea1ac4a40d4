/* commands.h - one file per subcommand (cmd_*.c), as git does. Each returns
 * a process exit code (enum pc_exit). */
#ifndef PC_COMMANDS_H
#define PC_COMMANDS_H

#include <getopt.h>
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
	/* It runs tools in private mount namespaces (fs/isolate.h): not in a
	 * chroot whose root folder is no mount point. */
	CMD_NEEDS_PRIVATE_MOUNTS = 1 << 1,
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

/* ---- the command line, parsed one way (cmd_common.c) ---------------------- */

struct cmd_line;

/* One option of a command: a row of its option table.  Without SET, a
 * flag sets *(int *)DEST to 1 and an option with an argument stores it in
 * *(const char **)DEST.  With SET, SET checks and stores the argument and
 * returns PC_EXIT_OK, or the exit code to stop with once it has said why. */
struct cmd_opt {
	const char *name; /* --NAME */
	int short_name;   /* -X, or 0: a long option only */
	int has_arg;      /* no_argument or required_argument */
	void *dest;
	int (*set)(const struct cmd_line *cl, const char *arg, void *dest);
};
/* RC, or PC_EXIT_ENV (3) naming CMD when what was printed on standard
 * output could not be written (a full disk, a closed descriptor): a
 * script reading inspect's table or run --list's ids would otherwise get
 * nothing, with exit 0. */
int cmd_stdout_done(const char *cmd, int rc);
#define CMD_OPT_END { NULL, 0, 0, NULL, NULL }
/* A `set` for a path or name option whose value may not be empty (-o '',
 * --workdir ''): a usage error naming the option, never a silent default
 * or an error from mkdir. */
int cmd_set_nonempty(const struct cmd_line *cl, const char *arg, void *dest);
/* --platform OS/ARCH[/VARIANT], for the commands that open an image:
 * checked when given (exit 2), whether or not the image is an index. */
int cmd_set_platform(const struct cmd_line *cl, const char *arg, void *dest);
#define CMD_OPT_PLATFORM(dest) { "platform", 0, required_argument, (dest), cmd_set_platform }
/* --known FILE and --flaky-ok, for the commands that judge outcomes (run,
 * compare): files of known failures (each --known adds its entries to the
 * struct pc_known DEST, read at once: exit 2 on a bad line), and flaky
 * cases not failing. */
int cmd_add_known(const struct cmd_line *cl, const char *arg, void *dest);
#define CMD_OPT_KNOWN(dest) { "known", 0, required_argument, (dest), cmd_add_known }
#define CMD_OPT_FLAKY_OK(dest) { "flaky-ok", 0, no_argument, (dest), NULL }

/* A command's command line: its options and how many operands it takes. */
struct cmd_line {
	const char *name;             /* "unpack": "powercut unpack: MESSAGE" */
	void (*usage)(FILE *f);       /* the command's help */
	const struct cmd_opt *opts;   /* ends with CMD_OPT_END; -h/--help is added */
	int min_operands;
	int max_operands;             /* -1: no limit */
	const char *operands_error;   /* when their count is wrong (with no operand
				       * allowed: "unexpected argument 'X'") */
};

/* cmd_parse's answer when the command goes on (exit codes are >= 0). */
#define CMD_GO_ON (-1)
/* Parse ARGV (ARGV[0] is the command's name) with getopt_long against CL:
 * CMD_GO_ON with *FIRST the index of the first operand, or the exit code
 * the command returns at once: 0 after -h (the help on standard output), 2
 * after an unknown option or a wrong operand count (the message and the
 * help on standard error), or what an option's SET returned. */
int cmd_parse(const struct cmd_line *cl, int argc, char **argv, int *first);

struct pc_image;
/* The IMAGE... operands IMAGES[0..N) with --platform PLATFORM (NULL: the
 * host's), opened as one image: PC_EXIT_OK, or the error reported and the
 * exit code (2 for an image not understood). */
int cmd_image_open(char **images, int n, const char *platform, struct pc_image *img);
/* The command line of a command whose operands are IMAGE... and nothing
 * else (inspect, manifest): cmd_parse, then cmd_image_open of every operand
 * with the --platform the options stored in *PLATFORM.  CMD_GO_ON with IMG
 * open, or the exit code the command returns at once. */
int cmd_parse_image(const struct cmd_line *cl, int argc, char **argv, const char *const *platform,
		    struct pc_image *img);

/* Shared by the commands (cmd_common.c).  USAGE prints a command's help. */
/* -h (ASKED): the help on standard output, PC_EXIT_OK; an unknown option
 * (getopt has said which): the help on standard error, PC_EXIT_USAGE. */
int cmd_usage(void (*usage)(FILE *f), int asked);
/* "powercut CMD: MESSAGE", a blank line and the help, on standard error;
 * returns PC_EXIT_USAGE. */
int cmd_usage_error(void (*usage)(FILE *f), const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
