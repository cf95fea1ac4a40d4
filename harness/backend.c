/* backend.c - backend names and selection (see backend.h). */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "util.h"

const char *pc_flakey_mode_name(enum pc_flakey_mode m)
{
	switch (m) {
	case PC_FLAKEY_ALLOW: return "allow";
	case PC_FLAKEY_DROP: return "drop";
	case PC_FLAKEY_ERROR: return "error";
	}
	return "?";
}

/* Every backend, in the order scenario help lists them. */
static const struct pc_backend_ops *const registry[] = { &pc_backend_fuse, &pc_backend_dm };
#define NBACKENDS (sizeof(registry) / sizeof(registry[0]))

const char *pc_backend_choice(unsigned i)
{
	if (i < NBACKENDS)
		return registry[i]->name;
	return i == NBACKENDS ? "auto" : NULL;
}

/* Does the running kernel have device-mapper (built in or loaded)?  It
 * registers the misc device "device-mapper". */
static int kernel_has_dm(void)
{
	FILE *f = fopen("/proc/misc", "re");
	if (!f)
		return 0;
	char line[256];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char name[128];
		found = sscanf(line, "%*d %127s", name) == 1 && !strcmp(name, "device-mapper");
	}
	fclose(f);
	return found;
}

static int use(const struct pc_backend_ops *ops, const struct pc_backend_ops **out,
	       char *why, size_t whylen)
{
	char reason[256];
	if (ops->probe(reason, sizeof(reason)) < 0) {
		snprintf(why, whylen, "backend %s cannot work here: %s", ops->name, reason);
		return pc_fail(PC_ERR_ENV, "%s", why);
	}
	snprintf(why, whylen, "%s requested", ops->name);
	*out = ops;
	return 0;
}

static int select_auto(const struct pc_backend_ops **out, char *why, size_t whylen)
{
	char reason[256], dm_no[300], fuse_reason[256];
	if (!kernel_has_dm()) {
		snprintf(dm_no, sizeof(dm_no), "no device-mapper in this kernel (/proc/misc)");
	} else if (pc_backend_dm.probe(reason, sizeof(reason)) == 0) {
		snprintf(why, whylen, "auto: device-mapper present, using dm");
		*out = &pc_backend_dm;
		return 0;
	} else {
		snprintf(dm_no, sizeof(dm_no), "dm unusable (%s)", reason);
	}
	if (pc_backend_fuse.probe(fuse_reason, sizeof(fuse_reason)) == 0) {
		snprintf(why, whylen, "auto: %s, using fuse", dm_no);
		*out = &pc_backend_fuse;
		return 0;
	}
	snprintf(why, whylen, "auto: no usable backend: dm: %s; fuse: %s", dm_no, fuse_reason);
	return pc_fail(PC_ERR_ENV, "%s", why);
}

int pc_backend_select(const char *name, const struct pc_backend_ops **out,
		      char *why, size_t whylen)
{
	*out = NULL;
	if (!name || !strcmp(name, "auto"))
		return select_auto(out, why, whylen);
	if (!strcmp(name, "fuse"))
		return use(&pc_backend_fuse, out, why, whylen);
	if (!strcmp(name, "dm"))
		return use(&pc_backend_dm, out, why, whylen);
	snprintf(why, whylen, "unknown backend '%s' (expected fuse, dm or auto)", name);
	return pc_fail(PC_ERR_INPUT, "%s", why);
}
