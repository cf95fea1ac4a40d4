/* cmd_common.c - what every command does the same way with its command line
 * (see commands.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check/known.h"
#include "cmd/commands.h"
#include "fs/isolate.h"
#include "image/image.h"
#include "util/util.h"

/* The command main.c dispatched to; NULL outside a dispatch (unit tests). */
static const struct command *running;

int cmd_dispatch(const struct command *c, int argc, char **argv)
{
	running = c;
	int rc = c->fn(argc, argv);
	running = NULL;
	return rc;
}

int cmd_ready(void)
{
	if (!running)
		return PC_EXIT_OK;
	if ((running->needs & CMD_NEEDS_ROOT) && geteuid() != 0) {
		pc_fail(PC_ERR_ENV, "%s: must be root (%s)", running->name, running->why_root);
		return PC_EXIT_ENV;
	}
	if ((running->needs & CMD_NEEDS_PRIVATE_MOUNTS) && pc_isolate_ready(running->name) < 0)
		return PC_EXIT_ENV;
	return PC_EXIT_OK;
}

int cmd_stdout_done(const char *cmd, int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	int err = errno;
	if (rc != PC_EXIT_OK)
		return rc; /* the error said already is the one that counts */
	if (err)
		pc_fail_errno(PC_ERR_ENV, err, "%s: cannot write standard output", cmd);
	else
		pc_fail(PC_ERR_ENV, "%s: cannot write standard output", cmd);
	return PC_EXIT_ENV;
}

int cmd_usage(void (*usage)(FILE *f), int asked)
{
	usage(asked ? stdout : stderr);
	return asked ? cmd_stdout_done("--help", PC_EXIT_OK) : PC_EXIT_USAGE;
}

int cmd_usage_error(void (*usage)(FILE *f), const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "powercut %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n\n");
	va_end(ap);
	return cmd_usage(usage, 0);
}

/* getopt_long's value for option row I: its short name, or past every
 * char for a long option only. */
static int opt_val(const struct cmd_opt *o, size_t i)
{
	return o->short_name ? o->short_name : 256 + (int)i;
}

int cmd_set_nonempty(const struct cmd_line *cl, const char *arg, void *dest)
{
	if (!*arg) {
		const char *name = "?";
		for (const struct cmd_opt *o = cl->opts; o->name; o++)
			if (o->dest == dest)
				name = o->name;
		return cmd_usage_error(cl->usage, cl->name, "--%s: empty value", name);
	}
	*(const char **)dest = arg;
	return PC_EXIT_OK;
}

int cmd_set_platform(const struct cmd_line *cl, const char *arg, void *dest)
{
	int rc = cmd_set_nonempty(cl, arg, dest);
	if (rc == PC_EXIT_OK && pc_platform_check(arg) < 0) {
		*(const char **)dest = NULL;
		rc = PC_EXIT_USAGE;
	}
	return rc;
}

int cmd_add_known(const struct cmd_line *cl, const char *arg, void *dest)
{
	if (!*arg)
		return cmd_usage_error(cl->usage, cl->name, "--known: empty value");
	return pc_known_load(arg, dest) < 0 ? PC_EXIT_USAGE : PC_EXIT_OK;
}

static int apply_opt(const struct cmd_line *cl, const struct cmd_opt *o, const char *arg)
{
	if (o->set)
		return o->set(cl, arg, o->dest);
	if (o->has_arg == no_argument)
		*(int *)o->dest = 1;
	else
		*(const char **)o->dest = arg;
	return PC_EXIT_OK;
}

/* A value given twice (--shard 1/4 --shard 2/4, -o a -o b) would be one of
 * them, silently: refused, as a scenario key given twice is.  --known adds
 * a file each time; a flag given twice is still the flag. */
static int once_only(const struct cmd_opt *o)
{
	return o->has_arg != no_argument && o->set != cmd_add_known;
}

int cmd_parse(const struct cmd_line *cl, int argc, char **argv, int *first)
{
	size_t n = 0;
	while (cl->opts[n].name)
		n++;
	/* The table as getopt_long wants it: the rows, then --help. */
	struct option *longopts = xcalloc(n + 2, sizeof(*longopts));
	char *shortopts = xcalloc(2 * n + 2, 1), *s = shortopts;
	for (size_t i = 0; i < n; i++) {
		const struct cmd_opt *o = &cl->opts[i];
		longopts[i] = (struct option){ o->name, o->has_arg, NULL, opt_val(o, i) };
		if (o->short_name) {
			*s++ = (char)o->short_name;
			if (o->has_arg == required_argument)
				*s++ = ':';
		}
	}
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	*s = 'h';

	int rc = CMD_GO_ON, opt;
	unsigned char *seen = xcalloc(n + 1, 1);
	/* getopt names argv[0] in its messages: "powercut run: unrecognized
	 * option", as the other usage errors say, not "run: ...". */
	char *name0 = argc > 0 ? argv[0] : NULL, *prog = xasprintf("powercut %s", cl->name);
	if (argc > 0)
		argv[0] = prog;
	optind = 0; /* glibc: start afresh, whatever an earlier parse left */
	while (rc == CMD_GO_ON && (opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		size_t i = 0;
		while (i < n && opt_val(&cl->opts[i], i) != opt)
			i++;
		if (opt == 'h' || i == n) /* -h, or '?': getopt has said what is wrong */
			rc = cmd_usage(cl->usage, opt == 'h');
		else if (seen[i]++ && once_only(&cl->opts[i]))
			rc = cmd_usage_error(cl->usage, cl->name, "--%s given twice (the second: '%s'): "
					     "give it once", cl->opts[i].name, optarg);
		else if ((rc = apply_opt(cl, &cl->opts[i], optarg)) == PC_EXIT_OK)
			rc = CMD_GO_ON;
	}
	if (argc > 0)
		argv[0] = name0;
	free(prog);
	free(seen);
	free(longopts);
	free(shortopts);
	if (rc != CMD_GO_ON)
		return rc;
	int operands = argc - optind;
	if (cl->max_operands == 0 && operands > 0)
		return cmd_usage_error(cl->usage, cl->name, "unexpected argument '%s'", argv[optind]);
	if (operands < cl->min_operands || (cl->max_operands >= 0 && operands > cl->max_operands))
		return cmd_usage_error(cl->usage, cl->name, "%s", cl->operands_error);
	*first = optind;
	return CMD_GO_ON;
}

int cmd_image_open(char **images, int n, const char *platform, struct pc_image *img)
{
	if (pc_image_open((const char *const *)images, (size_t)n, platform, NULL, img) < 0)
		return pc_exit_for_error(PC_EXIT_USAGE);
	return PC_EXIT_OK;
}

int cmd_parse_image(const struct cmd_line *cl, int argc, char **argv, const char *const *platform,
		    struct pc_image *img)
{
	int first, rc = cmd_parse(cl, argc, argv, &first);
	if (rc != CMD_GO_ON)
		return rc;
	rc = cmd_image_open(argv + first, argc - first, *platform, img);
	return rc == PC_EXIT_OK ? CMD_GO_ON : rc;
}
