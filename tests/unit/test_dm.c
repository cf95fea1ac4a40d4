/* test_dm.c - dm-flakey table strings, device identities, and the dm
 * backend's probe/cleanup on whatever kernel runs the tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/backend.h"
#include "device/dmtable.h"
#include "run/state.h"
#include "unit.h"
#include "util/util.h"

static void test_params_per_mode(void)
{
	char out[128];
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_ALLOW, "7:3", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "7:3 0 180 0");
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_DROP, "7:3", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "7:3 0 0 180 1 drop_writes");
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_ERROR, "/dev/loop3", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/dev/loop3 0 0 180 1 error_writes");
}

static void test_bad_input(void)
{
	char out[128], small[12];
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_ALLOW, "", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_ALLOW, NULL, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_DROP, "7:0 1", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_DROP, "7:0\n", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(pc_dmtable_params((enum pc_flakey_mode)42, "7:0", out, sizeof(out)), -1);
	/* "7:0 0 180 0" is 11 chars: fits in 12, the drop table does not */
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_ALLOW, "7:0", small, sizeof(small)), 0);
	CU_ASSERT_EQUAL(pc_dmtable_params(PC_FLAKEY_DROP, "7:0", small, sizeof(small)), -1);
}

/* What the kernel reports back (6.1 adds a feature count to allow). */
static void test_matches_kernel_readback(void)
{
	CU_ASSERT_TRUE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:0", "7:0 0 180 0 0 "));
	CU_ASSERT_TRUE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:0", "7:0 0 180 0"));
	CU_ASSERT_TRUE(pc_dmtable_matches(PC_FLAKEY_DROP, "7:0", "7:0 0 0 180 1 drop_writes "));
	CU_ASSERT_TRUE(pc_dmtable_matches(PC_FLAKEY_ERROR, "7:0", "7:0 0 0 180 1 error_writes"));
	/* 6.12 (Debian's 6.12.117+deb12) on the allow table, loaded without
	 * features: the implicit error_reads error_writes never act while the
	 * down interval is 0 (every dm case was an error there) */
	CU_ASSERT_TRUE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "253:0", "253:0 0 180 0 2 error_reads error_writes"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:0", "7:0 0 180 0 1 drop_writes"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ERROR, "7:0", "7:0 0 180 0 2 error_reads error_writes"));
	/* the wrong mode, device or intervals */
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_DROP, "7:0", "7:0 0 180 0 0 "));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:0", "7:0 0 0 180 1 drop_writes"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ERROR, "7:0", "7:0 0 0 180 1 drop_writes"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_DROP, "7:0", "7:0 0 0 180 0"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:1", "7:10 0 180 0 0"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:1", "7:1 0 1800 0"));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "7:1", NULL));
	CU_ASSERT_FALSE(pc_dmtable_matches(PC_FLAKEY_ALLOW, "", " 0 180 0"));
}

/* The live table read back: ours only as one flakey target of the right
 * size over our device; another's table (dmsetup reload, remove --force's
 * error table, a second target) is not. */
static void test_live_table_is_ours(void)
{
	CU_ASSERT_TRUE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "flakey", 0, 131072,
					  "7:0 0 180 0 0 ", 1));
	CU_ASSERT_TRUE(pc_dmtable_live_is(PC_FLAKEY_DROP, "7:0", 131072, "flakey", 0, 131072,
					  "7:0 0 0 180 1 drop_writes", 1));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "error", 0, 131072,
					   "", 1));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, NULL, 0, 0, NULL, 0));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "linear", 0, 131072,
					   "7:0 0", 1));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "flakey", 0, 65536,
					   "7:0 0 180 0", 2));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "flakey", 0, 65536,
					   "7:0 0 180 0", 1));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_ALLOW, "7:0", 131072, "flakey", 8, 131072,
					   "7:0 0 180 0", 1));
	CU_ASSERT_FALSE(pc_dmtable_live_is(PC_FLAKEY_DROP, "7:0", 131072, "flakey", 0, 131072,
					   "7:0 0 180 0", 1));
}

static void test_identity_round_trip(void)
{
	char name[128], uuid[129];
	CU_ASSERT_EQUAL(pc_dm_name(4242, 7, name, sizeof(name)), 0);
	CU_ASSERT_STRING_EQUAL(name, "pc-4242-7");
	CU_ASSERT_EQUAL(pc_dm_uuid(4242, 123456789ULL, 7, uuid, sizeof(uuid)), 0);
	CU_ASSERT_STRING_EQUAL(uuid, "POWERCUT-4242.123456789-7");
	CU_ASSERT_EQUAL(strncmp(uuid, PC_DM_UUID_PREFIX, strlen(PC_DM_UUID_PREFIX)), 0);
	pid_t pid = 0;
	unsigned long long start = 0;
	CU_ASSERT_EQUAL(pc_dm_identity_parse(name, uuid, &pid, &start), 0);
	CU_ASSERT_EQUAL(pid, 4242);
	CU_ASSERT_EQUAL(start, 123456789ULL);
	char tiny[8];
	CU_ASSERT_EQUAL(pc_dm_uuid(4242, 1, 0, tiny, sizeof(tiny)), -1);
}

static void test_foreign_uuids(void)
{
	pid_t pid;
	unsigned long long start;
	const char *bad[] = {
		"", "LVM-abcdef", "CRYPT-LUKS2-abc", "POWERCUT-", "POWERCUT-12",
		"POWERCUT-12.34", "POWERCUT-12.34-", "POWERCUT-12.34-5x", "POWERCUT-x.34-5",
		"POWERCUT-0.34-5", "POWERCUT-99999999999.1-0", "powercut-12.34-5",
		"POWERCUT--12.34-5",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL_FATAL(pc_dm_identity_parse("pc-12-5", bad[i], &pid, &start), -1);
	CU_ASSERT_EQUAL(pc_dm_identity_parse("pc-12-5", NULL, &pid, &start), -1);
	/* Our UUID's form under a name that is not its own: someone else's
	 * device (a forged UUID), never a dead run's to remove. */
	const char *names[] = { "decoy", "pc-12-6", "pc-13-5", "pc-12-5x", "pc-012-5", "", NULL };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CU_ASSERT_EQUAL_FATAL(pc_dm_identity_parse(names[i], "POWERCUT-12.34-5", &pid, &start),
				      -1);
	CU_ASSERT_EQUAL(pc_dm_identity_parse("pc-12-5", "POWERCUT-12.34-5", &pid, &start), 0);
	CU_ASSERT_EQUAL(pid, 12);
	CU_ASSERT_EQUAL(start, 34ULL);
}

static int kernel_has_dm(void)
{
	char *misc = pc_read_file("/proc/misc", NULL);
	int has = misc && strstr(misc, " device-mapper\n");
	free(misc);
	return has;
}

/* On a kernel without device-mapper the backend says so and cleanup does
 * nothing; with it (the VM), root can use it and there is nothing of ours
 * left behind by dead runs. */
static void test_probe_and_cleanup_here(void)
{
	char why[256] = "";
	int rc = pc_backend_dm.probe(why, sizeof(why));
	if (!kernel_has_dm()) {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "device-mapper"));
		CU_ASSERT_EQUAL(pc_backend_dm.remove_dead(0), 0);
		CU_ASSERT_EQUAL(pc_backend_dm.teardown_below("/var/tmp", 0), 0);
	} else if (geteuid() == 0) {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT(pc_backend_dm.remove_dead(0) >= 0);
	} else {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "root"));
	}
}

void register_dm_tests(void)
{
	CU_pSuite s = CU_add_suite("dm", NULL, NULL);
	CU_add_test(s, "table params per mode", test_params_per_mode);
	CU_add_test(s, "bad device, mode or buffer", test_bad_input);
	CU_add_test(s, "kernel table read-back", test_matches_kernel_readback);
	CU_add_test(s, "live table is ours", test_live_table_is_ours);
	CU_add_test(s, "name and UUID round trip", test_identity_round_trip);
	CU_add_test(s, "foreign UUIDs are not ours", test_foreign_uuids);
	CU_add_test(s, "probe and cleanup on this kernel", test_probe_and_cleanup_here);
}
