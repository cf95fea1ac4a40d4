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
# The same for real: the work folder (a tmpfs) filled up just before the
# case's first mount (POWERCUT_TEST_BEFORE_MOUNT), with the write log of
# crash points on: exit 3, the case an error blaming the host, and the fuse
# server's warning names the log file, once (it said "write log: No space
# left on device" for every request, naming no file).
mkdir "$TMP/wt"
mount -t tmpfs -o size=260m,mode=0755 pc-it-work "$TMP/wt"
trap 'umount "$TMP/wt" 2> /dev/null || true; cleanup_tmp' EXIT
cat > "$TMP/fill.sh" <<SH
#!/bin/sh
[ -e "$TMP/wt/filler" ] || dd if=/dev/zero of="$TMP/wt/filler" bs=4M > /dev/null 2>&1
exit 0
SH
chmod +x "$TMP/fill.sh"
cat > "$TMP/cp.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = syncfs
device_size = 256M
crash_points = 2
INI
rc=0
POWERCUT_TEST_BEFORE_MOUNT="$TMP/fill.sh" "$POWERCUT" run --workdir "$TMP/wt" "$TMP/cp.ini" \
	-o "$TMP/out3" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "work folder filled up: exit $rc, expected 3"; }
[ "$(case_field "$TMP/out3" default/ext4/syncfs .verdict)" = error ] ||
	fail "filled up: verdict $(case_field "$TMP/out3" default/ext4/syncfs .verdict), expected error"
# The reason says the host's disk is full, not that it "failed" the write.
reason=$(case_field "$TMP/out3" default/ext4/syncfs .reason)
grep -q "the first with No space left on device): the file system holding the work folder is full" <<<"$reason" &&
	! grep -q "failed it" <<<"$reason" || fail "filled up: reason: $reason"
n=$(grep -c "warning: fuse server: write the log $TMP/wt/powercut.*/case-0/fuse.log: No space left on device" "$TMP/e" || true)
[ "$n" -eq 1 ] || { cat "$TMP/e"; fail "filled up: $n warnings naming the log, expected 1"; }
grep -q "fuse server: write log:" "$TMP/e" && { cat "$TMP/e"; fail "filled up: a warning names no file"; }
rm "$TMP/wt/filler"
[ -z "$(ls -A "$TMP/wt")" ] || fail "filled up: left in the work folder: $(ls -A "$TMP/wt")"
umount "$TMP/wt"
assert_no_leftovers
pass
