#!/usr/bin/env bash
# crash_points on the fuse device, per-file promises inside the mode's
# pass: every fsync (fdatasync) of a file or folder a per-file mode makes
# is noted with the device's flush count when it returned, and a point
# before the mode's return keeps what those that had returned promised (an
# fsync'd entry intact if there, an entry of an fsync'd folder there).
# With three points one falls inside the pass.
#
# POWERCUT_TEST_FSYNC_EARLY makes the first file the walk reaches "return"
# from its fsync without one (its content taken away, unsynced) and puts
# it back synced after the walk, before the mode returns: the cut, the
# mode's point and the committed state find the tree intact; only a point
# inside the pass can see the file as the fsync that did nothing left it,
# and the case must fail there, naming the file.  (The first file: the
# walk's order is the folders' on-disk order, which differs run to run.)
# Without the hook the same cases pass on ext4, xfs and btrfs.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
cat > "$TMP/early.ini" <<INI
[h]
image = $SMALL_IMAGE
fs = ext4
modes = pfsync
crash_points = 3
INI
POWERCUT_TEST_FSYNC_EARLY='h/ext4/pfsync:*' run_scenario 1 "$TMP/early.ini"
id=h/ext4/pfsync
f() { case_field "$out" "$id" "$1"; }
[ "$(f .committed)" = true ] && [ "$(f .lost)" -eq 0 ] && [ "$(f .fsck)" = clean ] ||
	fail "$id: the cut itself lost something: the hook did not set up the case"
[ "$(f '[.crash_points.points[] | select(.mode_promised) | .lost == 0] | all')" = true ] ||
	fail "$id: a point after the mode returned lost entries: the hook's late fsync did not reach it"
bad=$(f '[.crash_points.points[] | select(.problem)][0]')
[ "$(jq -r '(.after_mode | not) and .sync_promised > 0 and .sync_lost == 1' <<<"$bad")" = true ] ||
	fail "$id: the first bad point is not one inside the pass with one promise broken: $bad"
re="^inside the durability mode pfsync's pass, 1 of the [0-9]* entries its syncs had promised are not intact: [a-z]* ([^ ]*) \\(.*\\), though its fsync had returned \\(by flush [0-9]*\\)$"
problem=$(jq -r .problem <<<"$bad")
[[ $problem =~ $re ]] || fail "$id: the point's problem does not name a file and its fsync: $bad"
early=${BASH_REMATCH[1]}
grep -q "^$early type=reg " "$out/cases/h_ext4_pfsync/manifest.txt" ||
	fail "$id: $early, named by the point, is not a regular file of the image"
at=$(jq -r .flush <<<"$bad")
grep -q "^- $id: fail: crash point at flush $at of [0-9]*: inside the durability mode pfsync's pass.* $early " \
	"$TMP/stdout" || fail "$id: the summary does not name the point and the file"
pf="$out/cases/h_ext4_pfsync/$(jq -r .findings <<<"$bad")"
grep -q " $early:" "$pf" && ! grep -v " $early:" "$pf" ||
	fail "$id: $pf does not hold the file's findings only"

# No hook: ext4 (three per-file modes), xfs and btrfs pass, and their
# points inside the pass checked what had been promised by then.
cat > "$TMP/ok.ini" <<INI
[global]
image = $SMALL_IMAGE
crash_points = 3

[e]
fs = ext4
modes = fsync pfsync fdatasync

[x]
fs = xfs
modes = pfsync

[b]
fs = btrfs
modes = pfsync
INI
run_scenario 0 "$TMP/ok.ini"
for id in e/ext4/fsync e/ext4/pfsync e/ext4/fdatasync x/xfs/pfsync b/btrfs/pfsync; do
	f() { case_field "$out" "$id" "$1"; }
	assert_case_ok "$out" "$id" "" "$SMALL_IMAGE_MIN"
	m=$(f .crash_points.mode_returned_after_flush)
	[ "$(f "[.crash_points.points[] | select(.flush < $m and .sync_promised > 0 and .sync_lost == 0)] | length")" -ge 1 ] ||
		fail "$id: no point inside the pass checked the syncs' promises"
	[ "$(f '[.crash_points.points[] | select(.mode_promised and .sync_promised)] | length')" -eq 0 ] ||
		fail "$id: a point after the mode's return counted as inside its pass"
	grep -q "^- $id: .*; [1-9][0-9]* inside $(f .mode)'s pass, every synced entry kept$" "$TMP/stdout" ||
		fail "$id: the summary does not count the point inside the pass"
done
assert_no_leftovers
pass
