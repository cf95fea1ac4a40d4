/* tools.c - the programs a run's cases need, looked for up front. */
#include "run/tools.h"

#include <stdlib.h>
#include <string.h>

#include "fs/fs.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "util/util.h"

/* Cases named in a message; the rest are counted. */
#define TOOLS_CASES_SHOWN 5

static const char *const tool_role[] = { "mkfs", "read-only check" };

static int on_fs(const struct pc_case *c, const void *fstype)
{
	return strcmp(c->fs, fstype) == 0;
}

/* fio runs the case's workload, or measures its device (probe = yes). */
static int runs_fio(const struct pc_case *c, const void *unused)
{
	(void)unused;
	return c->workload == PC_WORKLOAD_FIO || c->probe;
}

/* The cases for which WANTS(case, ARG), "a, b, c (and 7 more)"; NULL when
 * none.  Caller frees. */
static char *cases_that(const struct pc_scenario *sc,
			int (*wants)(const struct pc_case *, const void *), const void *arg)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < sc->ncases; i++) {
		if (!wants(&sc->cases[i], arg))
			continue;
		if (n < TOOLS_CASES_SHOWN) {
			char *id = pc_esc_text(sc->cases[i].id);
			pc_strbuf_printf(&b, "%s%s", n ? ", " : "", id);
			free(id);
		}
		n++;
	}
	if (n == 0)
		return NULL;
	if (n > TOOLS_CASES_SHOWN)
		pc_strbuf_printf(&b, " (and %zu more)", n - TOOLS_CASES_SHOWN);
	return pc_strbuf_release(&b);
}

int pc_tools_check(const struct pc_scenario *sc)
{
	int rc = 0;
	const char *fstype;
	for (unsigned f = 0; (fstype = pc_fs_name(f)); f++) {
		char *ids = NULL;
		const char *tool;
		for (unsigned t = 0; (tool = pc_fs_tool(fstype, t)); t++) {
			if (pc_have_program(tool))
				continue;
			if (!ids && !(ids = cases_that(sc, on_fs, fstype)))
				break; /* no case on FSTYPE: its tools are not needed */
			char hint[128];
			rc = pc_fail(PC_ERR_ENV, "%s: not found in PATH (%s): %s's %s, needed by "
				     "%s; no case was run", tool,
				     pc_install_hint(tool, hint, sizeof(hint)), fstype,
				     tool_role[t], ids);
		}
		free(ids);
	}
	if (!pc_have_program("fio")) {
		char *ids = cases_that(sc, runs_fio, NULL);
		char hint[128];
		if (ids)
			rc = pc_fail(PC_ERR_ENV, "fio: not found in PATH (%s): the fio workload or "
				     "probe = yes, needed by %s; no case was run",
				     pc_install_hint("fio", hint, sizeof(hint)), ids);
		free(ids);
	}
	return rc;
}
