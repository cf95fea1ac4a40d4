#!/usr/bin/env bash
# The file system holding the work folder fills up during a case (another
# run, another job): the device answers ENOSPC, and the block layer logs
# "critical space allocation error, dev loopN".  What the case then shows
# (entries lost, a failed fsync, fsck errors) is the host's doing, not the
# filesystem's: the case is an error naming the cause and the run exits 3,
# never a pass (mode none expecting loss) nor a fail.  The kernel line is
# injected with the test hook POWERCUT_TEST_KMSG, so the test is
# deterministic; filling a tmpfs under a live run does the same by hand.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none syncfs
device_size = 256M
expect_none = loss
INI
export POWERCUT_TEST_KMSG='default/ext4/none:<3>critical space allocation error, dev {dev}, sector 8 op 0x1:(WRITE) flags 0x0 phys_seg 1 prio class 2'
rc=0
pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
unset POWERCUT_TEST_KMSG
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "exit $rc, expected 3"; }
[ "$(case_field "$TMP/out" default/ext4/none .verdict)" = error ] ||
	fail "none: verdict $(case_field "$TMP/out" default/ext4/none .verdict), expected error"
case_field "$TMP/out" default/ext4/none .reason | grep -q "the file system holding the work folder is full (kernel: critical space allocation error, dev loop" ||
	fail "none: reason: $(case_field "$TMP/out" default/ext4/none .reason)"
# The other case, whose device never ran out of room, keeps its verdict.
assert_case_ok "$TMP/out" default/ext4/syncfs
# Another device's line (another run's) is not ours.
export POWERCUT_TEST_KMSG='default/ext4/none:<3>critical space allocation error, dev loop99999, sector 8'
rc=0
pc_run "$TMP/s.ini" -o "$TMP/out2" > "$TMP/o" 2> "$TMP/e" || rc=$?
unset POWERCUT_TEST_KMSG
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "another device's line: exit $rc, expected 0"; }
assert_no_leftovers
pass
