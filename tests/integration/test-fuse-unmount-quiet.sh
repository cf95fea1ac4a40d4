#!/usr/bin/env bash
# The fuse mount is unmounted lazily when a loop device still holds its
# file (here: the test holds the cut device open past the case's end, as a
# prober such as udev's blkid may); the connection then ends a moment later.
# The fuse server waits for that end before libfuse's own unmount, which
# otherwise printed "fuse: failed to unmount DIR: Invalid argument" on the
# run's stderr (2 runs in 70 in the wild), and still calls it (it frees
# libfuse's copy of the mount point: skipping it leaked, caught by ASan).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\nfs = ext4\nmodes = syncfs\ndevice_size = 256M\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/s.ini"

# Hold the loop device over the fuse file open until the fuse mount has left
# mountinfo (the runner's lazy unmount), then half a second more.
hold_device() {
	local dev="" mnt="" _
	for _ in $(seq 1 6000); do
		dev=$(losetup -a | grep -F "$WORK/" | grep -F "/fuse/disk" | head -n 1 | cut -d: -f1 || true)
		[ -n "$dev" ] && break
		sleep 0.01
	done
	[ -n "$dev" ] || { echo "no loop device over the fuse file" > "$TMP/hold"; return; }
	exec 9< "$dev"
	mnt=$(awk -v p="$WORK/" 'index($5, p) == 1 && / - fuse/ {print $5}' /proc/self/mountinfo | head -n 1 || true)
	while [ -n "$mnt" ] && awk -v m="$mnt" '$5 == m' /proc/self/mountinfo | grep -q .; do
		sleep 0.01
	done
	sleep 0.5
	exec 9<&-
	echo "held $dev" > "$TMP/hold"
}
hold_device &
holder=$!
rc=0
pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
wait "$holder"
grep -q "^held /dev/loop" "$TMP/hold" || fail "the test did not hold the device: $(cat "$TMP/hold")"
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "exit $rc, expected 0"; }
! grep -q "failed to unmount" "$TMP/e" || { cat "$TMP/e"; fail "libfuse's unmount complained"; }
assert_case_ok "$TMP/out" default/ext4/syncfs
assert_no_leftovers
pass
