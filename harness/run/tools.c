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

/* The cases on FSTYPE, "a, b, c (and 7 more)"; NULL when none.  Caller frees. */
static char *cases_on(const struct pc_scenario *sc, const char *fstype)
{
	struct pc_strbuf b = PC_STRBUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < sc->ncases; i++) {
		if (strcmp(sc->cases[i].fs, fstype) != 0)
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
			if (!ids && !(ids = cases_on(sc, fstype)))
				break; /* no case on FSTYPE: its tools are not needed */
			rc = pc_fail(PC_ERR_ENV, "%s: not found in PATH (install it, or run "
				     "scripts/install-deps.sh): %s's %s, needed by %s; no case was run",
				     tool, fstype, tool_role[t], ids);
		}
		free(ids);
	}
	return rc;
}
