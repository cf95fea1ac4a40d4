/* cmd_common.c - what every command does the same way with its command line
 * (see commands.h). */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd/commands.h"
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
	return PC_EXIT_OK;
}

int cmd_usage(void (*usage)(FILE *f), int asked)
{
	usage(asked ? stdout : stderr);
	return asked ? PC_EXIT_OK : PC_EXIT_USAGE;
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
