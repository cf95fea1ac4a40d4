#!/usr/bin/env bash
# A filesystem that does not mount after the cut is the worst a cut can do:
# the case fails (it was an error, "not checked", which a known-failures
# entry could not cover and qualify showed as a machine fault), with the
# mount's and the kernel's words and fsck's verdict; nothing is verified
# (lost and checked null, never a reassuring 0), whatever the mode
# expects; the other cases run on; nothing is left behind.  The device is
# made unmountable by the test hook POWERCUT_TEST_WIPE_AFTER_CUT (its
# first MiB zeroed after the cut, before the remount).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

require_sample_image
cat > "$TMP/wipe.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
backend = fuse
device_size = 512M

[w]
fs = ext4 xfs
modes = none syncfs
INI
export POWERCUT_TEST_WIPE_AFTER_CUT=w/xfs/none:1048576
run_scenario 1 "$TMP/wipe.ini"
unset POWERCUT_TEST_WIPE_AFTER_CUT
id=w/xfs/none
f() { case_field "$out" "$id" "$1"; }
[ "$(f .verdict)" = fail ] || fail "$id: verdict $(f .verdict): $(f .reason)"
f .reason | grep -q '^the filesystem does not mount after the cut: mount .*(xfs).*; fsck: ' ||
	fail "$id: reason: $(f .reason)"
[ "$(f .unmountable)" != null ] || fail "$id: no unmountable field"
[ "$(f .lost)" = null ] && [ "$(f .checked)" = null ] || fail "$id: lost $(f .lost), checked $(f .checked): nothing was verified"
[ "$(f .fsck)" = errors ] || [ "$(f .fsck)" = clean ] || fail "$id: fsck $(f .fsck): fsck must run"
# expect_none = any does not excuse it
[ "$(f .expect)" = any ] || fail "$id: expect $(f .expect)"
for other in w/ext4/none w/ext4/syncfs w/xfs/syncfs; do
	[ "$(case_field "$out" "$other" .verdict)" = pass ] ||
		fail "$other: $(case_field "$out" "$other" .reason)"
done
grep -q 'does not mount after the cut' "$out/summary.md" || fail "summary.md does not say it"
"$POWERCUT" report --check "$out" > /dev/null || fail "powercut's own reader refuses the results"
assert_no_leftovers
pass
