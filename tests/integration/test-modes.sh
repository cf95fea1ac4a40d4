#!/usr/bin/env bash
# The parallel per-file durability modes (pfsync, fdatasync, sfr) get the
# crash cycle fsync gets: on ext4, xfs and btrfs, with the sample image and
# a file whose path is 5,038 bytes on top, each must come back intact after
# the cut (commit record there, fsck clean, nothing lost), having made one
# fsync or fdatasync call per regular file and folder of the manifest.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
require_sample_image
make -s images/mkfixtures >/dev/null || fail "cannot build mkfixtures"
./images/mkfixtures longpath "$TMP/img" >/dev/null || fail "mkfixtures longpath failed"

modes="pfsync fdatasync sfr"
cat > "$TMP/modes.ini" <<INI
[global]
image = $SAMPLE_IMAGE $TMP/img/longpath.tar
fs = ext4 xfs btrfs

[modes]
modes = $modes
INI
run_scenario 0 "$TMP/modes.ini"
[ "$(jq '.cases | length' "$out/results.json")" -eq 9 ] || fail "expected 9 cases"

for fs in ext4 xfs btrfs; do
	for mode in $modes; do
		id=modes/$fs/$mode
		assert_case_ok "$out" "$id"
		[ "$(case_field "$out" "$id" .lost)" -eq 0 ] || fail "$id: lost entries"
		[ "$(case_field "$out" "$id" .mode)" = "$mode" ] || fail "$id: mode not reported"
		dir=$(case_field "$out" "$id" .case_dir)
		want=$(grep -Ec ' type=(reg|dir) ' "$dir/manifest.txt")
		got=$(case_field "$out" "$id" .fsyncs)
		[ "$got" -eq "$want" ] || fail "$id: $got fsyncs, expected $want (files + folders)"
	done
done
assert_no_leftovers
pass
