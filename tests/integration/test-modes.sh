#!/usr/bin/env bash
# The parallel per-file durability modes (pfsync, fdatasync, sfr, ofsync)
# get the crash cycle fsync gets: on ext4, xfs and btrfs, with the sample
# image's layers 2 and 3 (966 entries: a hardlink, a symlink, xattrs,
# whiteouts, one layer over another; all three made the twelve cases take
# minutes) and a file whose path is 5,038 bytes on top (below a default
# ACL: the folders made past PATH_MAX take ACLs from it), each must come
# back intact after the cut (commit record there, fsck clean, nothing
# lost), having made one fsync or fdatasync call per regular file and
# folder of the manifest and one for the root; ofsync one more per regular
# file the unpack wrote (every layer's, counted from the layers themselves).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
require_sample_image
LAYERS="$TOP/images/sample/layer2.tar.gz $TOP/images/sample/layer3.tar.zst"
make -s images/mkfixtures >/dev/null || fail "cannot build mkfixtures"
./images/mkfixtures longpath "$TMP/img" >/dev/null || fail "mkfixtures longpath failed"

modes="pfsync fdatasync sfr ofsync"
cat > "$TMP/modes.ini" <<INI
[global]
image = $LAYERS $TMP/img/longpath-acl.tar
fs = ext4 xfs btrfs

[modes]
modes = $modes
INI
run_scenario 0 "$TMP/modes.ini"
[ "$(jq '.cases | length' "$out/results.json")" -eq 12 ] || fail "expected 12 cases"
# Regular files in the layers (not hardlinks, not whiteouts): what ofsync's
# unpack fsyncs as it writes them, but for paths too long for one open
# (PATH_MAX: the long path's file), which only the pass reaches.
written=$(for l in $LAYERS "$TMP/img/longpath-acl.tar"; do tar -tvf "$l" 2>/dev/null; done |
	awk '$1 ~ /^-/ && length($NF) < 4096 { print $NF }' | grep -vc '\(^\|/\)\.wh\.')
[ "$written" -gt 800 ] || fail "cannot count the regular files of the layers ($written)"

for fs in ext4 xfs btrfs; do
	for mode in $modes; do
		id=modes/$fs/$mode
		assert_case_ok "$out" "$id" "" 900
		[ "$(case_field "$out" "$id" .lost)" -eq 0 ] || fail "$id: lost entries"
		[ "$(case_field "$out" "$id" .mode)" = "$mode" ] || fail "$id: mode not reported"
		dir=$(case_field "$out" "$id" .case_dir)
		want=$(grep -Ec ' type=(reg|dir) ' "$dir/manifest.txt")
		# The root is synced as every folder is; these layers, unlike the
		# sample's first, have no "./" entry, so the manifest does not list it.
		! grep -q '^\. ' "$dir/manifest.txt" || fail "$id: the manifest lists the root"
		want=$((want + 1))
		[ "$mode" != ofsync ] || want=$((want + written))
		got=$(case_field "$out" "$id" .fsyncs)
		[ "$got" -eq "$want" ] || fail "$id: $got fsyncs, expected $want (files + folders)"
	done
done
assert_no_leftovers
pass
