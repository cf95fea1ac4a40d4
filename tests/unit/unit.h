/* unit.h - each tests/unit/test_*.c defines a register function listed in
 * run-unit.c; a suite per module. */
#ifndef PC_UNIT_H
#define PC_UNIT_H

#include <CUnit/CUnit.h>

/* Make a fresh temporary folder (under /tmp) for a test; caller frees. */
char *unit_tmpdir(void);
/* rm -rf DIR (no symlink following). */
void unit_rmtree(const char *dir);

#endif
