/* test_cmd.c - the commands' one command-line parser (cmd/cmd_common.c):
 * option rows, --help, usage errors, operand counts, checked values. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "unit.h"
#include "util/util.h"

static void quiet_usage(FILE *f)
{
	(void)f;
}

static int set_even(const struct cmd_line *cl, const char *arg, void *dest)
{
	(void)cl;
	int v = arg[0] - '0';
	if (v % 2)
		return PC_EXIT_USAGE;
	*(int *)dest = v;
	return PC_EXIT_OK;
}

struct parsed {
	int flag, even;
	const char *out, *platform, *dir;
};

/* Parse the words of ARGS (space-separated, at most 15) as a command line;
 * the answer of cmd_parse and *FIRST. */
static int parse(const char *args, struct parsed *p, int min, int max, int *first)
{
	static char buf[256];
	char *argv[16];
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", args);
	for (char *w = strtok(buf, " "); w && argc < 15; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	memset(p, 0, sizeof(*p));
	const struct cmd_opt opts[] = {
		{ "flag", 'f', no_argument, &p->flag, NULL },
		{ "output", 'o', required_argument, &p->out, NULL },
		{ "even", 0, required_argument, &p->even, set_even },
		{ "dir", 'd', required_argument, &p->dir, cmd_set_nonempty },
		CMD_OPT_PLATFORM(&p->platform),
		CMD_OPT_END,
	};
	const struct cmd_line cl = { "test", quiet_usage, opts, min, max, "operands" };
	*first = -1;
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w"); /* getopt's and the usage messages */
	int rc = cmd_parse(&cl, argc, argv, first);
	fclose(stderr);
	stderr = saved;
	return rc;
}

static void test_options(void)
{
	struct parsed p;
	int first;
	CU_ASSERT_EQUAL(parse("test -f a --output=x --even 4 b --platform linux/arm64", &p, 0, -1,
			      &first), CMD_GO_ON);
	CU_ASSERT_EQUAL(p.flag, 1);
	CU_ASSERT_STRING_EQUAL(p.out ? p.out : "", "x");
	CU_ASSERT_EQUAL(p.even, 4);
	CU_ASSERT_STRING_EQUAL(p.platform ? p.platform : "", "linux/arm64");
	/* getopt_long moves the operands to the end, in their order. */
	CU_ASSERT_EQUAL(first, 7);
	CU_ASSERT_EQUAL(parse("test -fox", &p, 0, 0, &first), CMD_GO_ON);
	CU_ASSERT_EQUAL(p.flag, 1);
	CU_ASSERT_STRING_EQUAL(p.out ? p.out : "", "x");
	CU_ASSERT_EQUAL(first, 2);
}

static void test_help_and_errors(void)
{
	struct parsed p;
	int first;
	/* --help is an answer (0), never CMD_GO_ON: the command must not act. */
	CU_ASSERT_EQUAL(parse("test --help a", &p, 1, 1, &first), PC_EXIT_OK);
	CU_ASSERT_EQUAL(parse("test -h", &p, 1, 1, &first), PC_EXIT_OK);
	CU_ASSERT_EQUAL(first, -1);
	CU_ASSERT_EQUAL(parse("test --nope a", &p, 1, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test -o", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test --even 3", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(p.even, 0);
	/* An empty path is a usage error, not a default (run -o '', --workdir ''). */
	CU_ASSERT_EQUAL(parse("test --dir=", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_PTR_NULL(p.dir);
	CU_ASSERT_EQUAL(parse("test -dy", &p, 0, 1, &first), CMD_GO_ON);
	CU_ASSERT_STRING_EQUAL(p.dir ? p.dir : "", "y");
	CU_ASSERT_EQUAL(parse("test --dir=x -dy", &p, 0, 1, &first), PC_EXIT_USAGE);
	/* --platform is read when given, image or no image: empty or not
	 * OS/ARCH[/VARIANT] is a usage error, never ignored. */
	CU_ASSERT_EQUAL(parse("test --platform=", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test --platform bogus", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_PTR_NULL(p.platform);
	CU_ASSERT_EQUAL(parse("test --platform linux/arm/v7/x", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test --platform linux/arm/v7", &p, 0, 1, &first), CMD_GO_ON);
	/* A value given twice would be one of them, silently: refused; a flag
	 * given twice is the flag. */
	CU_ASSERT_EQUAL(parse("test -o a --output=b", &p, 0, 1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test --platform linux/amd64 --platform linux/arm64", &p, 0, 1, &first),
			PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test -f -f --flag", &p, 0, 1, &first), CMD_GO_ON);
	/* Operand counts. */
	CU_ASSERT_EQUAL(parse("test", &p, 1, -1, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test a b c", &p, 1, 2, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test a", &p, 0, 0, &first), PC_EXIT_USAGE);
	CU_ASSERT_EQUAL(parse("test a b", &p, 2, 2, &first), CMD_GO_ON);
	CU_ASSERT_EQUAL(first, 1);
}

/* Outside a dispatch, and for a command without needs, cmd_ready passes. */
static int noop(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_ready();
}

static void test_ready(void)
{
	CU_ASSERT_EQUAL(cmd_ready(), PC_EXIT_OK);
	const struct command plain = { "plain", noop, NULL, 0, NULL };
	char *argv[] = { "plain", NULL };
	CU_ASSERT_EQUAL(cmd_dispatch(&plain, 1, argv), PC_EXIT_OK);
}

void register_cmd_tests(void)
{
	CU_pSuite s = CU_add_suite("cmd", NULL, NULL);
	CU_add_test(s, "option rows: flags, values, checked values, operands", test_options);
	CU_add_test(s, "--help, unknown options, bad values, operand counts", test_help_and_errors);
	CU_add_test(s, "cmd_ready outside a dispatch and without needs", test_ready);
}
