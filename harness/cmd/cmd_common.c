/* cmd_common.c - what every command does the same way with its command line
 * (see commands.h). */
#include <stdarg.h>
#include <stdio.h>

#include "cmd/commands.h"
#include "util/util.h"

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
