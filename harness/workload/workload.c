/* workload.c - the workload table. */
#include "workload/workload.h"

#include <string.h>

/* Indexed by enum pc_workload (scenario.h). */
static const struct pc_workload_ops *const workloads[] = {
	[PC_WORKLOAD_IMAGE] = &pc_workload_image,
	[PC_WORKLOAD_FIO] = &pc_workload_fio,
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

const struct pc_workload_ops *pc_workload_find(const char *name)
{
	for (size_t i = 0; i < NWORKLOADS; i++)
		if (!strcmp(workloads[i]->name, name))
			return workloads[i];
	return NULL;
}

const struct pc_workload_ops *pc_workload_of(const struct pc_case *c)
{
	if ((unsigned)c->workload < NWORKLOADS && workloads[c->workload])
		return workloads[c->workload];
	return &pc_workload_image; /* unreachable: the scenario parser knows the names */
}

void pc_workloads_run_end(void)
{
	for (size_t i = 0; i < NWORKLOADS; i++)
		if (workloads[i]->run_end)
			workloads[i]->run_end();
}
