#!/usr/bin/env bash
# crash_points = N: the fuse device logs every write and flush; after the
# case, the log is replayed and the device as it was right after N flushes
# of the workload is mounted and checked.  Every point must mount and be
# fsck-clean; the last one (the commit record's flush) must hold the commit
# record and the image as the mode promised: intact for syncfs and fsync,
# with the same loss as the cut for none.  That last point proves the
# replay: a log replayed wrongly would not rebuild a committed, intact tree.
# The flush the commit record's fsync returned after is always a point, and
# every state from it on must hold the record: a commit that returned
# before a flush made its record durable (nobarrier, with a shim's flush
# from syncfs before it) fails there, though the cut finds it intact.
# With crash_subsets, each point is also checked with random halves of the
# next epoch's writes landed; ext4 without a journal must be caught there
# (a test that can fail: the checker does find damage).  From the flush the
# durability mode returned after, every state of a mode that promises the
# tree must hold it intact, before the commit as after: a mode that claims
# success early (POWERCUT_TEST_MODE_LATE) fails at a point before the
# commit, though the cut and the committed state find everything.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
cat > "$TMP/points.ini" <<INI
[global]
image = $SAMPLE_IMAGE
crash_points = 4

[p]
fs = ext4
modes = none fsync

[x]
fs = xfs
modes = syncfs
crash_subsets = 2
INI

run_scenario 0 "$TMP/points.ini"

for id in p/ext4/none p/ext4/fsync x/xfs/syncfs; do
	f() { case_field "$out" "$id" "$1"; }
	assert_case_ok "$out" "$id"
	[ "$(f .backend)" = fuse ] || fail "$id: not on the fuse device"
	n=$(f '.crash_points.points | length')
	flushes=$(f .crash_points.flushes)
	from=$(f .crash_points.workload_from_flush)
	[ "$n" -ge 1 ] && [ "$n" -le 4 ] || fail "$id: $n crash points, expected 1 to 4"
	[ "$(f '[.crash_points.points[] | select(.mounted and .fsck == "clean")] | length')" -eq "$n" ] ||
		fail "$id: a crash point did not mount or was not fsck-clean"
	[ "$(f '[.crash_points.points[].flush] | . == (sort | unique)')" = true ] ||
		fail "$id: crash points not in ascending order"
	[ "$(f '.crash_points.points[0].flush')" -ge "$from" ] || fail "$id: a point before the workload"
	[ "$(f '.crash_points.points[-1].flush')" -eq "$flushes" ] || fail "$id: last point is not the last flush"
	[ "$(f '.crash_points.points[-1].committed')" = true ] ||
		fail "$id: the replayed log did not rebuild the commit record"
	# The flush the commit returned after is a point, and from it on every
	# point holds the record.
	at=$(f .crash_points.commit_returned_after_flush)
	[ "$(f "[.crash_points.points[] | select(.flush == $at)] | length")" -eq 1 ] ||
		fail "$id: no point at the commit's flush $at"
	[ "$(f "[.crash_points.points[] | select((.flush >= $at) != .after_commit or (.after_commit and (.committed | not)))] | length")" -eq 0 ] ||
		fail "$id: a point after the commit's flush $at is not marked so, or lacks the record"
	[ "$(f .timings_s.crash_points)" != null ] || fail "$id: crash point time not reported"
	grep -q "^- $id: $n crash points.* at flushes .* all mount, fsck clean" "$TMP/stdout" ||
		fail "$id: no crash point line in the summary"
done
# The first state of the workload after the mode returned is a point; from
# it on, every point of a mode that promises the tree is held to it (and
# is intact), the commit record or not; none promises nothing.
for id in p/ext4/fsync x/xfs/syncfs; do
	f() { case_field "$out" "$id" "$1"; }
	m=$(f .crash_points.mode_returned_after_flush)
	from=$(f .crash_points.workload_from_flush)
	[ "$m" != null ] && [ "$m" -le "$(f .crash_points.commit_returned_after_flush)" ] ||
		fail "$id: the mode's return ($m) is not marked before the commit's"
	first=$(( m >= from ? m : from ))
	[ "$(f "[.crash_points.points[] | select(.flush == $first and .mode_promised)] | length")" -eq 1 ] ||
		fail "$id: no point held to the mode's promise at flush $first"
	[ "$(f "[.crash_points.points[] | select((.flush >= $m) != .mode_promised or (.mode_promised and .lost != 0))] | length")" -eq 0 ] ||
		fail "$id: a point after the mode's flush $m is not held to its promise, or lost entries"
	grep -q "^- $id: .* after $(f .mode) returned, intact; 1 with the commit record" "$TMP/stdout" ||
		fail "$id: the summary does not count the points held to the mode's promise"
done
[ "$(case_field "$out" p/ext4/none '[.crash_points.points[] | select(.mode_promised)] | length')" -eq 0 ] ||
	fail "none: a point held to a promise mode none does not make"
# fsync has thousands of flushes: all four points are distinct.
[ "$(case_field "$out" p/ext4/fsync '.crash_points.points | length')" -eq 4 ] || fail "fsync: not 4 points"
for id in p/ext4/fsync x/xfs/syncfs; do
	[ "$(case_field "$out" "$id" '.crash_points.points[-1].lost')" -eq 0 ] ||
		fail "$id: the last crash point lost entries"
done
# Subsets ran past every xfs point with writes before its next flush, on
# real writes; past a point with none (the last, as a rule) a subset would
# be the point again: none ran.
id=x/xfs/syncfs
[ "$(case_field "$out" "$id" '[.crash_points.points[] | select(.next_epoch_writes > 0) | .subsets == 2] | all')" = true ] ||
	fail "$id: not 2 subsets past a point with writes after it"
[ "$(case_field "$out" "$id" '[.crash_points.points[] | select(.next_epoch_writes == 0) | .subsets] | add // 0')" -eq 0 ] ||
	fail "$id: subsets past a point with no write before the next flush (the point itself again)"
[ "$(case_field "$out" "$id" '.crash_points.points[-1].next_epoch_writes')" -eq 0 ] ||
	fail "$id: writes after the last flush: the case checks no empty epoch"
[ "$(case_field "$out" "$id" '[.crash_points.points[].next_epoch_writes] | add')" -gt 0 ] ||
	fail "$id: no write after any point: the subsets checked nothing new"
[ "$(case_field "$out" "$id" '[.crash_points.points[].subsets_bad] | add')" -eq 0 ] ||
	fail "$id: a partial state is damaged"
grep -q "^- $id: [0-9]* crash points (and [0-9]* partial states)" "$TMP/stdout" ||
	fail "$id: the summary does not count the partial states"

# none: whatever the cut lost was not on the device at the commit's flush
# either, so the replayed commit point loses data too.  (Not necessarily
# the same count: writes may reach the device between the commit's flush
# and the cut.  How much none loses depends on when the kernel wrote back,
# which a busy machine makes early: the relation is tested, not an amount.)
if [ "$(case_field "$out" p/ext4/none .lost)" -gt 0 ]; then
	[ "$(case_field "$out" p/ext4/none '.crash_points.points[-1].lost')" -gt 0 ] ||
		fail "none: the cut lost data but the last crash point lost nothing"
fi

# ext4 without a journal has no crash consistency: some crash point or
# partial state must fail fsck (the case fails anyway: so does the cut).
cat > "$TMP/nojournal.ini" <<INI
[nojournal]
image = $SAMPLE_IMAGE
fs = ext4
mkfs_opts = -O ^has_journal
modes = syncfs
crash_points = 3
crash_subsets = 2
INI
run_scenario 1 "$TMP/nojournal.ini"
bad=$(case_field "$out" nojournal/ext4/syncfs \
	'[.crash_points.points[] | select(.fsck == "errors" or .subsets_bad > 0)] | length')
[ "$bad" -gt 0 ] || fail "nojournal: no crash point or partial state failed fsck"
# What fsck said of each state it did not find clean is kept beside
# fsck.log, named in results.json and in the reason: before, it was thrown
# away, and "crash point at flush K of N: fsck found errors" was all a
# user had of a state that the cut itself did not show.
logs=$(case_field "$out" nojournal/ext4/syncfs 	'[.crash_points.points[] | select(.fsck == "errors") | .fsck_log] | .[]')
for l in $logs; do
	[[ $l =~ ^crash-point-[0-9]+-fsck\.log$ ]] || fail "nojournal: point fsck_log '$l'"
	grep -q "Pass 1" "$out/cases/nojournal_ext4_syncfs/$l" || fail "nojournal: $l does not hold fsck's output"
done
[ "$(case_field "$out" nojournal/ext4/syncfs \
	'[.crash_points.points[] | select(.fsck == "errors" and .fsck_log == null)] | length')" -eq 0 ] ||
	fail "nojournal: a point with fsck errors names no fsck_log"
for p in $(case_field "$out" nojournal/ext4/syncfs \
	'.crash_points.points[] | select(.subsets_bad > 0) | .subset_problem' | grep -o 'crash-point-[0-9]*-subset-[0-9]*-fsck\.log' || true); do
	[ -s "$out/cases/nojournal_ext4_syncfs/$p" ] || fail "nojournal: $p named but not there"
done
# ... and named in its own field too (the report links it from there).
[ "$(case_field "$out" nojournal/ext4/syncfs '[.crash_points.points[] | select(.subsets_bad > 0) |
	select(([.subset_problem | scan("crash-point-[0-9]+-subset-[0-9]+-fsck\\.log")] | .[0]) !=
	.subset_fsck_log)] | length')" -eq 0 ] || fail "nojournal: subset_fsck_log is not the log subset_problem names"
reason=$(case_field "$out" nojournal/ext4/syncfs .reason)
if [[ $reason =~ ^crash\ point\ at\ flush\ [0-9]+\ of\ [0-9]+:\ fsck\ found\ errors ]]; then
	[[ $reason =~ "fsck found errors (see crash-point-"[0-9]+"-fsck.log)" ]] ||
		fail "nojournal: reason '$reason' does not name the point's fsck log"
fi
# A commit whose fsync returns before any flush made the record durable
# must fail at the crash points although the cut (durable cache: what was
# written survives) finds everything: ext4 mounted nobarrier, with one
# flush from syncfs (the shim) before the commit.  Every state from that
# flush on lacks the record whose fsync had returned.
cc -shared -fPIC -o "$TMP/syncfs-flush.so" "$TOP/tests/integration/syncfs-flush.c" -ldl ||
	fail "cannot build the syncfs-flush shim"
# (This case and the two late ones below unpack the small image: what
# they test is when the record and the tree became durable, not the
# unpack.)
cat > "$TMP/liar.ini" <<INI
[liar]
image = $SMALL_IMAGE
fs = ext4
mount_opts = nobarrier
modes = syncfs
crash_points = 2
INI
LD_PRELOAD="$TMP/syncfs-flush.so" run_scenario 1 "$TMP/liar.ini"
id=liar/ext4/syncfs
f() { case_field "$out" "$id" "$1"; }
[ "$(f .committed)" = true ] && [ "$(f .lost)" -eq 0 ] ||
	fail "$id: the cut itself lost something: the shim did not set up the case"
at=$(f .crash_points.commit_returned_after_flush)
[ "$at" -ge "$(f .crash_points.workload_from_flush)" ] ||
	fail "$id: the commit returned before the shim's flush ($at)"
[ "$(f "[.crash_points.points[] | select(.flush == $at and .after_commit and (.committed | not))] | length")" -eq 1 ] ||
	fail "$id: the point at the commit's flush $at is not checked, or holds the record"
grep -q "^- $id: fail: crash point at flush $at of [0-9]*: the commit record's fsync had returned, but the record is not there" \
	"$TMP/stdout" || fail "$id: the summary does not name the point and why"
# A mode that returns before its promise holds, whose tree only the
# commit's fsync (here: the mode's own work, done after it claimed success,
# through the test hook) makes durable: the cut and the committed state
# find it intact, the states between the mode's return and the commit's
# flush do not, and the case fails there, naming the point and the mode.
cat > "$TMP/late.ini" <<INI
[late]
image = $SMALL_IMAGE
fs = ext4
modes = syncfs
crash_points = 3
INI
POWERCUT_TEST_MODE_LATE=late/ext4/syncfs:1 run_scenario 1 "$TMP/late.ini"
id=late/ext4/syncfs
[ "$(f .committed)" = true ] && [ "$(f .lost)" -eq 0 ] && [ "$(f .fsck)" = clean ] ||
	fail "$id: the cut itself lost something: the hook did not set up the case"
[ "$(f '.crash_points.points[-1] | .committed and .lost == 0')" = true ] ||
	fail "$id: the committed state is not intact: the mode's late work did not reach it"
bad=$(f '[.crash_points.points[] | select(.problem)][0]')
[ "$(jq -r '.mode_promised and (.after_commit | not) and .lost > 0' <<<"$bad")" = true ] ||
	fail "$id: the first bad point is not a loss before the commit held to the mode's promise: $bad"
at=$(jq -r .flush <<<"$bad")
# Which entries it lost, beside the case's findings.txt.
[ "$(jq -r .findings <<<"$bad")" = "crash-point-$at-findings.txt" ] ||
	fail "$id: the point does not name its findings file: $bad"
pf="$out/cases/late_ext4_syncfs/crash-point-$at-findings.txt"
[ "$(wc -l <"$pf")" -ge "$(jq -r .lost <<<"$bad")" ] ||
	fail "$id: $pf does not hold a finding for each lost entry"
grep -Eq '^(missing|size|content) ' "$pf" || fail "$id: $pf holds no missing, size or content finding"
[ "$(ls "$out/cases/late_ext4_syncfs" | grep -c '^crash-point-')" -eq 1 ] ||
	fail "$id: more than the first lossy point's findings were saved"
grep -q "^- $id: fail: crash point at flush $at of [0-9]*: the durability mode syncfs had returned, but [0-9]* of [0-9]* entries are not intact: a loss against the mode's promise, before the commit record was durable" \
	"$TMP/stdout" || fail "$id: the summary does not name the point and the mode's promise"
# Without the hook the same case passes: the rule holds a sound mode to
# nothing it does not keep.
run_scenario 0 "$TMP/late.ini"
assert_case_ok "$out" late/ext4/syncfs "" "$SMALL_IMAGE_MIN"
assert_no_leftovers
pass
