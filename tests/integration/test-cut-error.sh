#!/usr/bin/env bash
# cut = error: after the commit every write fails with EIO.  The run records
# what syncfs and the unmount reported; none still loses, syncfs does not,
# and the filesystems come back clean.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

cat > "$TMP/cut-error.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz $TOP/images/sample/layer2.tar.gz $TOP/images/sample/layer3.tar.zst
cut = error
expect_none = loss

[err]
fs = ext4 xfs
modes = none syncfs
INI
run_scenario 0 "$TMP/cut-error.ini"
for fs in ext4 xfs; do
	for mode in none syncfs; do
		id="err/$fs/$mode"
		[ "$(case_field "$out" "$id" .cut)" = error ] || fail "$id: cut not recorded as error"
		[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id: verdict not pass"
		[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
		[ -n "$(case_field "$out" "$id" '.cut_umount // empty')" ] || fail "$id: unmount result not recorded"
	done
	# none left dirty data behind: writing it back must have failed.
	[ "$(case_field "$out" "err/$fs/none" .cut_syncfs)" = "Input/output error" ] ||
		fail "$fs/none: syncfs after the cut did not report EIO"
	[ "$(case_field "$out" "err/$fs/none" .lost)" -gt 0 ] || fail "$fs/none: nothing lost"
	[ "$(case_field "$out" "err/$fs/syncfs" .lost)" -eq 0 ] || fail "$fs/syncfs: entries lost"
done
assert_no_leftovers
pass
