/* backend_dm.c - placeholder until the dm-flakey backend lands (issue 3). */
#include <stdio.h>

#include "backend.h"
#include "util.h"

static int dm_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the dm backend is not built yet");
	return -1;
}

static int dm_create(struct pc_backend *b, uint64_t size)
{
	(void)b;
	(void)size;
	return pc_fail(PC_ERR_ENV, "backend dm: not implemented");
}

static int dm_set_mode(struct pc_backend *b, enum pc_flakey_mode mode)
{
	(void)b;
	(void)mode;
	return pc_fail(PC_ERR_ENV, "backend dm: not implemented");
}

static void dm_destroy(struct pc_backend *b)
{
	(void)b;
}

const struct pc_backend_ops pc_backend_dm = {
	.name = "dm",
	.probe = dm_probe,
	.create = dm_create,
	.set_mode = dm_set_mode,
	.destroy = dm_destroy,
};
