/* progress.h - one status line on a terminal; silent otherwise.
 *
 *   [1/6 done, ETA 2m10s] default/ext4/syncfs: unpack 45% of 120.3 MiB
 *
 * cases done of the total, an ETA for the run from the cases done so far,
 * the current case and phase, and while unpacking the share of the image's
 * bytes written (when its size is known, else the bytes written). */
#ifndef PC_PROGRESS_H
#define PC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

void pc_progress_init(void);  /* enabled iff stderr is a terminal */
void pc_progress_case(unsigned i, unsigned n, const char *case_id);
void pc_progress_phase(const char *phase);
void pc_progress_bytes(uint64_t bytes, void *unused);
/* The image's file bytes for the current case (0: unknown); reset by
 * pc_progress_case. */
void pc_progress_total(uint64_t bytes);
/* The line as it would be drawn NOW (for tests): into out. */
void pc_progress_format(char *out, size_t len, double now);
void pc_progress_clear(void);

#endif
