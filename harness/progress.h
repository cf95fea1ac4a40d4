/* progress.h - one status line on a terminal; silent otherwise. */
#ifndef PC_PROGRESS_H
#define PC_PROGRESS_H

#include <stdint.h>

void pc_progress_init(void);  /* enabled iff stderr is a terminal */
void pc_progress_case(unsigned i, unsigned n, const char *case_id);
void pc_progress_phase(const char *phase);
void pc_progress_bytes(uint64_t bytes, void *unused);
void pc_progress_clear(void);

#endif
