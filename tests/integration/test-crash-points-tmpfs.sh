#!/usr/bin/env bash
# crash_points with the work folder on a tmpfs (a CI runner's /tmp): tmpfs
# has no FALLOC_FL_ZERO_RANGE, so the fuse device's write-zeroes request
# failed (EOPNOTSUPP: the kernel then writes the zeroes itself), yet the
# server had logged it first, and the crash point's replay of it failed the
# case: "error: replay a discard: Operation not supported", exit 1.  The
# server now logs a discard or zero range once done, so the points are
# checked and the case passes.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
mount -t tmpfs -o size=1g,mode=0755 pc-it-work "$WORK"
trap 'umount "$WORK" 2> /dev/null || true; cleanup_tmp' EXIT
cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = syncfs
device_size = 256M
crash_points = 3
INI
rc=0
pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 0"; }
assert_case_ok "$TMP/out" default/ext4/syncfs
[ "$(jq '.cases[0].crash_points.points | length' "$TMP/out/results.json")" -eq 3 ] ||
	fail "no crash point was checked: $(jq -c '.cases[0].crash_points' "$TMP/out/results.json")"
# The tmpfs is a mount below $TMP: see what is left in it, then let it go.
[ -z "$(ls -A "$WORK")" ] || fail "left in the work folder: $(ls -A "$WORK")"
umount "$WORK"
assert_no_leftovers
pass
