/* dm.h - dm-flakey devices left behind by dead runs.
 *
 * The backend itself is pc_backend_dm (backend.h); its table strings and
 * device names are in dmtable.h.  backend_dm.c also defines state.h's
 * pc_state_teardown_dm hook (devices whose loop device is backed below a
 * work folder).
 */
#ifndef PC_DM_H
#define PC_DM_H

/* Remove every dm device whose UUID has powercut's prefix and whose
 * creating process (pid and start time, from the UUID) is gone.  Returns
 * how many were removed, -1 if some could not be (message printed).  0
 * without doing anything when the kernel has no device-mapper.  verbose:
 * print "removed dm device NAME (UUID)" for each. */
int pc_dm_remove_dead(int verbose);

#endif
