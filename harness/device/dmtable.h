/* dmtable.h - dm-flakey tables and powercut's dm device identities.
 *
 * Pure string functions (no device-mapper calls), so they can be unit
 * tested anywhere.  The tables are xfstests' (common/dmflakey):
 *   allow  0 N flakey DEV 0 180 0                    (always up)
 *   drop   0 N flakey DEV 0 0 180 1 drop_writes      (always down, writes vanish)
 *   error  0 N flakey DEV 0 0 180 1 error_writes     (always down, writes get EIO)
 * where N is the size in 512-byte sectors and DEV is "MAJ:MIN" or a path.
 */
#ifndef PC_DMTABLE_H
#define PC_DMTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "device/backend.h"

#define PC_DM_TARGET "flakey"
/* Every dm device powercut makes has a UUID starting with this. */
#define PC_DM_UUID_PREFIX "POWERCUT-"

/* The target parameters for MODE ("DEV 0 180 0", ...), as
 * dm_task_add_target takes them.  -1 (class RUN) if DEV is empty or holds
 * white space, or OUT is too small. */
int pc_dmtable_params(enum pc_flakey_mode mode, const char *dev, char *out, size_t len);

/* Does PARAMS, the flakey parameters the kernel reports back for a live
 * table (DM_DEVICE_TABLE), say MODE over DEV?  The kernel adds fields of its
 * own (6.1 prints "DEV 0 180 0 0" for allow, 6.12 "DEV 0 180 0 2 error_reads
 * error_writes", features that never act in a table that is never down), so
 * this compares the device, offset and intervals, and which of drop_writes /
 * error_writes is set (for allow: that drop_writes is not).
 * 1 yes, 0 no. */
int pc_dmtable_matches(enum pc_flakey_mode mode, const char *dev, const char *params);

/* Is the live table the kernel reports for a device powercut made (its
 * first target TYPE START LENGTH PARAMS; TARGETS: how many it has) the
 * one-target flakey table for MODE over DEV, SECTORS long?  1 yes, 0 no
 * (someone else loaded another: a dmsetup reload, or a dmsetup remove
 * --force, which swaps in an error table). */
int pc_dmtable_live_is(enum pc_flakey_mode mode, const char *dev, uint64_t sectors,
		       const char *type, uint64_t start, uint64_t length, const char *params,
		       int targets);

/* Device identity: name "pc-<pid>-<n>", UUID
 * "POWERCUT-<pid>.<start>-<n>" where start is the process's start time in
 * clock ticks (/proc/<pid>/stat field 22), so that a reused pid is not
 * mistaken for the run that made the device. */
int pc_dm_name(pid_t pid, unsigned n, char *out, size_t len);
int pc_dm_uuid(pid_t pid, unsigned long long start, unsigned n, char *out, size_t len);
/* Parse the identity of a device made by pc_dm_name and pc_dm_uuid: 0
 * and the owner's pid and start time; -1 (nothing printed) if it is not
 * one of ours: a UUID not of pc_dm_uuid's form, or a NAME that is not the
 * one pc_dm_name gives its pid and number (a device someone made with a
 * UUID of our prefix, "POWERCUT-1.1-0", is not taken for a dead run's). */
int pc_dm_identity_parse(const char *name, const char *uuid, pid_t *pid,
			 unsigned long long *start);

#endif
