/* backend.c - backend names and selection (see backend.h). */
#include <stdio.h>
#include <string.h>

#include "device/backend.h"
#include "util/util.h"

const char *pc_flakey_mode_name(enum pc_flakey_mode m)
{
	switch (m) {
	case PC_FLAKEY_ALLOW: return "allow";
	case PC_FLAKEY_DROP: return "drop";
	case PC_FLAKEY_ERROR: return "error";
	}
	return "?";
}

int pc_backend_power_on(struct pc_backend *b)
{
	if (b->ops->power_on)
		return b->ops->power_on(b);
	return b->ops->set_mode(b, PC_FLAKEY_ALLOW);
}

/* The registry, in the order `auto` tries them: dm-flakey is the kernel's
 * own and needs no server, so it goes first where it works. */
const struct pc_backend_ops *const pc_backends[] = { &pc_backend_dm, &pc_backend_fuse, NULL };

const char *pc_backend_choice(unsigned i)
{
	for (unsigned n = 0; pc_backends[n]; n++)
		if (n == i)
			return pc_backends[n]->name;
	for (unsigned n = 0;; n++)
		if (!pc_backends[n])
			return i == n ? "auto" : NULL;
}

const struct pc_backend_ops *pc_backend_find(const char *name)
{
	for (size_t i = 0; pc_backends[i]; i++)
		if (!strcmp(pc_backends[i]->name, name))
			return pc_backends[i];
	return NULL;
}

/* A scenario is read before anything knows whether device-mapper will
 * work where it runs: prefer a backend that does not need it. */
const struct pc_backend_ops *pc_backend_with(unsigned caps)
{
	for (int portable = 1; portable >= 0; portable--)
		for (size_t i = 0; pc_backends[i]; i++)
			if ((pc_backends[i]->caps & caps) == caps &&
			    !portable == !!(pc_backends[i]->caps & PC_BACKEND_NEEDS_DM))
				return pc_backends[i];
	return NULL;
}

void pc_backend_names_with(unsigned caps, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; pc_backends[i]; i++)
		if ((pc_backends[i]->caps & caps) == caps)
			used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
						 used ? " or " : "", pc_backends[i]->name);
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

/* Append ", " or "; " and the text to BUF. */
static void add(char *buf, size_t len, const char *sep, const char *fmt, const char *a,
		const char *b)
{
	size_t used = strlen(buf);
	if (used)
		used += (size_t)snprintf(buf + used, len - used, "%s", sep);
	if (used < len)
		snprintf(buf + used, len - used, fmt, a, b);
}

/* The first backend of the registry that can work here. */
static int select_auto(const struct pc_backend_ops **out, char *why, size_t whylen)
{
	char skipped[512] = "", all[512] = "";
	int have_dm = kernel_has_dm();
	for (size_t i = 0; pc_backends[i]; i++) {
		const struct pc_backend_ops *b = pc_backends[i];
		char reason[256];
		if ((b->caps & PC_BACKEND_NEEDS_DM) && !have_dm) {
			snprintf(reason, sizeof(reason), "no device-mapper in this kernel (/proc/misc)");
			add(skipped, sizeof(skipped), ", ", "%s%s", reason, "");
		} else if (b->probe(reason, sizeof(reason)) == 0) {
			if (skipped[0])
				snprintf(why, whylen, "auto: %s, using %s", skipped, b->name);
			else if (b->caps & PC_BACKEND_NEEDS_DM)
				snprintf(why, whylen, "auto: device-mapper present, using %s", b->name);
			else
				snprintf(why, whylen, "auto: using %s", b->name);
			*out = b;
			return 0;
		} else {
			add(skipped, sizeof(skipped), ", ", "%s unusable (%s)", b->name, reason);
		}
		add(all, sizeof(all), "; ", "%s: %s", b->name, reason);
	}
	snprintf(why, whylen, "auto: no usable backend: %s", all);
	return pc_fail(PC_ERR_ENV, "%s", why);
}

int pc_backend_select(const char *name, const struct pc_backend_ops **out,
		      char *why, size_t whylen)
{
	*out = NULL;
	if (!name || !strcmp(name, "auto"))
		return select_auto(out, why, whylen);
	const struct pc_backend_ops *ops = pc_backend_find(name);
	if (ops)
		return use(ops, out, why, whylen);
	char names[128] = "";
	for (size_t i = 0; pc_backends[i]; i++)
		add(names, sizeof(names), ", ", "%s%s", pc_backends[i]->name, "");
	snprintf(why, whylen, "unknown backend '%s' (expected %s or auto)", name, names);
	return pc_fail(PC_ERR_INPUT, "%s", why);
}
