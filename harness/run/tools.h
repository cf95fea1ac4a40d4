/* tools.h - the programs a run's cases need, looked for before any case
 * runs: a missing fsck found only at each case's fsck step (after mkfs and
 * the workload) costs a whole case per case, for the same error. */
#ifndef PC_TOOLS_H
#define PC_TOOLS_H

#include "run/scenario.h"

/* Every case's mkfs and read-only check (pc_fs_tool), looked for in PATH
 * as they are run (pc_have_program), and fio for the cases with a fio
 * workload or probe = yes.  0 when all are there; -1 (class
 * ENV) after one message per missing program naming it and the cases
 * that need it. */
int pc_tools_check(const struct pc_scenario *sc);

#endif
