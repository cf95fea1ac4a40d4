#!/usr/bin/env bash
# Crash points under the kernel being qualified (issue 14), in one VM boot
# under Debian's kernel:
#   - backend = dm: dm-log-writes between dm-flakey and the device logs the
#     workload; ext4 and xfs: every point mounts and is fsck-clean, the last
#     (the commit record's flush) is committed and intact, the points before
#     it are not committed; the commit's return is marked in the log and
#     the point at its flush holds the record; the mode's return too, and
#     the points from it on are held to its promise;
#   - backend = fuse: the fuse device works in the guest (vm-run loads fuse),
#     with its own write log;
#   - the two backends agree (scripts/agreement.sh, the small version of
#     scenarios/agreement.ini);
#   - crash_subsets on the dm log (the same replay);
#   - a log device far too small for the workload: the kernel stops logging,
#     and the case is an error, never a pass;
#   - then, in the same boot, dm_log_writes unloaded (and modprobe unable to
#     bring it back): crash_points on dm is an environment error (exit 3),
#     and no dm device is left behind.
# A small image (the sample's third layer) keeps it to a few minutes under
# TCG.  PC_SKIP_VM=1 makes run.sh skip it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

# The guest sees the results folder at the same path; its /tmp is a tmpfs.
out=$(mktemp -d "$TOP/results/test-vm-logwrites.XXXXXX")
trap 'rm -rf "$out"; cleanup_tmp' EXIT
cat >"$out/lw.ini" <<EOF
[global]
image = $TOP/images/sample/layer3.tar.zst
device_size = 512M
crash_points = 4
modes = syncfs

[dm]
backend = dm
fs = ext4 xfs
crash_subsets = 1

[fuse]
backend = fuse
fs = ext4 xfs
# the same settings as [dm]: agreement.sh pairs only cases that differ in
# their backend alone
crash_subsets = 1

[smalllog]
backend = dm
fs = ext4
log_size = 2M
EOF
cat >"$out/nolw.ini" <<EOF
[global]
image = $TOP/images/sample/layer3.tar.zst
device_size = 256M
crash_points = 2
modes = syncfs

[nolw]
backend = dm
fs = ext4
EOF
# The guest's modprobe finds nothing for the guest's kernel in the host's
# /lib/modules, unless the host runs that very kernel: a modprobe that
# always fails makes the missing target certain.
cat >"$out/guest.sh" <<'GUEST'
out=$1
./powercut run "$out/lw.ini" -o "$out/res"
rc=$?
mkdir -p /tmp/nomodprobe
printf '#!/bin/sh\nexit 1\n' >/tmp/nomodprobe/modprobe
chmod +x /tmp/nomodprobe/modprobe
if rmmod dm_log_writes; then
	PATH=/tmp/nomodprobe:$PATH ./powercut run "$out/nolw.ini" -o "$out/res/nolw" \
		>"$out/res/nolw.out" 2>&1
	echo $? >"$out/res/nolw.rc"
	ls /sys/class/block | grep '^dm-' >"$out/res/nolw.dm" || true
fi
exit $rc
GUEST

rc=0
scripts/vm-run --debian-kernel --timeout 1800 --results "$out/res" -- \
	bash "$out/guest.sh" "$out" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
tr -d '\r' <"$TMP/stdout" | grep -E '^\||^- ' || true
# The small log's case is an error, so the run exits 1.
if [ "$rc" -ne 1 ]; then
	cat "$TMP/stderr"
	tail -n 40 "$out/res/vm-console.log" 2>/dev/null || true
	fail "vm-run exited $rc, expected 1 (one case must be an error)"
fi
res=$out/res
[ -s "$res/results.json" ] || fail "no results.json from the guest"
kernel=$(jq -r .kernel "$res/results.json")
[ "$kernel" != "$(uname -r)" ] || fail "ran under the host's kernel"

for id in dm/ext4/syncfs dm/xfs/syncfs fuse/ext4/syncfs fuse/xfs/syncfs; do
	want=${id%%/*}
	[ "$(case_field "$res" "$id" .backend)" = "$want" ] || fail "$id: backend is not $want"
	[ "$(case_field "$res" "$id" .verdict)" = pass ] || fail "$id: verdict $(case_field "$res" "$id" .verdict): $(case_field "$res" "$id" .reason)"
	[ "$(case_field "$res" "$id" .committed)" = true ] || fail "$id: commit record lost"
	n=$(case_field "$res" "$id" '.crash_points.points | length')
	[ "$n" -ge 2 ] || fail "$id: only $n crash points checked"
	bad=$(case_field "$res" "$id" '[.crash_points.points[] | select(.mounted != true or .fsck != "clean")] | length')
	[ "$bad" -eq 0 ] || fail "$id: $bad crash points did not mount or were not fsck-clean"
	last=$(case_field "$res" "$id" '.crash_points.points[-1] | "\(.committed) \(.lost)"')
	[ "$last" = "true 0" ] || fail "$id: the last point (the commit record's flush) is '$last', not committed and intact"
	before=$(case_field "$res" "$id" '[.crash_points.points[:-1][] | select(.committed)] | length')
	[ "$before" -eq 0 ] || fail "$id: $before points before the commit record's flush hold the commit record"
	# The commit's mark (dm: 'powercut-commit' in the log) gives a point,
	# and every point from it on holds the record.
	at=$(case_field "$res" "$id" .crash_points.commit_returned_after_flush)
	[ "$at" != null ] || fail "$id: the commit's return was not marked in the write log"
	[ "$(case_field "$res" "$id" "[.crash_points.points[] | select(.flush == $at and .after_commit and .committed)] | length")" -eq 1 ] ||
		fail "$id: no committed point at the commit's flush $at"
	# So does the mode's ('powercut-mode'): from the workload's first state
	# after it on, every point is held to syncfs's promise, and intact.
	m=$(case_field "$res" "$id" .crash_points.mode_returned_after_flush)
	[ "$m" != null ] && [ "$m" -le "$at" ] || fail "$id: the mode's return ($m) was not marked before the commit's"
	from=$(case_field "$res" "$id" .crash_points.workload_from_flush)
	first=$(( m >= from ? m : from ))
	[ "$(case_field "$res" "$id" "[.crash_points.points[] | select(.flush == $first and .mode_promised and .lost == 0)] | length")" -eq 1 ] ||
		fail "$id: no intact point held to the mode's promise at flush $first"
	[ "$(case_field "$res" "$id" "[.crash_points.points[] | select((.flush >= $m) != .mode_promised or .problem)] | length")" -eq 0 ] ||
		fail "$id: a point after the mode's flush $m is not held to its promise, or has a problem"
done

# crash_subsets ran on the dm log too.
subsets=$(case_field "$res" dm/ext4/syncfs '[.crash_points.points[].subsets] | add')
[ "${subsets:-0}" -ge 1 ] || fail "dm/ext4/syncfs: no crash subsets were checked"

# The two backends agree, pair by pair (smalllog has no partner: not paired).
scripts/agreement.sh "$res" fuse dm >"$TMP/agree" || { cat "$TMP/agree"; fail "the backends disagree"; }
cat "$TMP/agree"
grep -q '2 pairs, 2 agree' "$TMP/agree" || fail "agreement did not pair ext4 and xfs"

id=smalllog/ext4/syncfs
[ "$(case_field "$res" "$id" .verdict)" = error ] || fail "$id: a full log gave verdict $(case_field "$res" "$id" .verdict), not error"
case_field "$res" "$id" .reason | grep -q 'filled up or failed' ||
	fail "$id: the reason does not say the log was incomplete: $(case_field "$res" "$id" .reason)"
# Without the log-writes target: an environment error, nothing left.
[ -f "$res/nolw.rc" ] || fail "the guest could not unload dm_log_writes"
[ "$(cat "$res/nolw.rc")" = 3 ] ||
	{ cat "$res/nolw.out"; fail "crash_points on dm without dm-log-writes exited $(cat "$res/nolw.rc"), expected 3"; }
id=nolw/ext4/syncfs
[ "$(case_field "$res/nolw" "$id" .verdict)" = error ] || fail "$id: verdict is not error"
case_field "$res/nolw" "$id" .reason | grep -q 'no log-writes target (CONFIG_DM_LOG_WRITES' ||
	fail "$id: the reason does not name the missing target: $(case_field "$res/nolw" "$id" .reason)"
[ -f "$res/nolw.dm" ] && [ ! -s "$res/nolw.dm" ] || fail "dm devices left in the guest: $(cat "$res/nolw.dm" 2>/dev/null)"
# Nothing of the run left in the guest is checked by powercut's own
# teardown; on the host, nothing of ours may remain.
assert_no_leftovers
pass
