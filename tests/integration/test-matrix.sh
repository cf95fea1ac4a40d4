#!/usr/bin/env bash
# Option matrices (issue 12): mount_opts alternatives make one case each,
# with the alternative in the case id, in --list, in results.json, and
# really applied: an alternative the kernel refuses fails only its own
# cases.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
layer="$TOP/images/sample/layer3.tar.zst"

cat >"$TMP/matrix.ini" <<EOF
[global]
image = $layer
device_size = 512M
modes = none syncfs
expect_none = any

[journal]
fs = ext4
mount_opts = data=ordered | data=journal
EOF

ids=$("$POWERCUT" run --list "$TMP/matrix.ini")
want="journal/ext4/mount=data=ordered/none
journal/ext4/mount=data=ordered/syncfs
journal/ext4/mount=data=journal/none
journal/ext4/mount=data=journal/syncfs"
[ "$ids" = "$want" ] || fail "--list printed:
$ids"

run_scenario 0 "$TMP/matrix.ini"
for id in $want; do
	[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id did not pass"
	[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
done
for opt in data=ordered data=journal; do
	got=$(case_field "$out" "journal/ext4/mount=$opt/syncfs" .mount_opts)
	[ "$got" = "$opt" ] || fail "mount=$opt case ran with mount_opts '$got'"
	lost=$(case_field "$out" "journal/ext4/mount=$opt/syncfs" .lost)
	[ "$lost" -eq 0 ] || fail "mount=$opt/syncfs lost $lost entries"
done
# What the kernel mounted, as /proc/self/mountinfo shows it: the option
# asked for is in effect (an option it accepts and ignores shows here too).
case_field "$out" journal/ext4/mount=data=journal/syncfs .mounted.fs | grep -q '\(^\|,\)data=journal\(,\|$\)' ||
	fail "mount=data=journal: results.json's mounted.fs lacks data=journal"
case_field "$out" journal/ext4/mount=data=ordered/syncfs .mounted.vfs | grep -q '^rw' ||
	fail "results.json's mounted.vfs is not the mount's options"
grep -q 'journal/ext4/mount=data=journal/syncfs' "$TMP/stdout" || fail "the table lacks the alternative's id"

# An alternative the kernel refuses: only its own case is an error.
cat >"$TMP/bad.ini" <<EOF
[global]
image = $layer
device_size = 512M
modes = syncfs

[opts]
fs = ext4
mount_opts = noatime | no_such_option_xyz
EOF
rc=0
pc_run "$TMP/bad.ini" -o "$TMP/bad" >"$TMP/bad.out" 2>&1 || rc=$?
# The options are to blame (the filesystem mounts without them): the
# scenario's error, exit 2.
[ "$rc" -eq 2 ] || { cat "$TMP/bad.out"; fail "a refused mount option exited $rc, expected 2"; }
grep -q "mount /dev/[a-z0-9]* (ext4, options 'no_such_option_xyz'): Invalid argument; the kernel refuses these mount options (the ext4 mounts without them)" \
	"$TMP/bad.out" || { cat "$TMP/bad.out"; fail "the refused option's reason does not say the options are to blame"; }
[ "$(case_field "$TMP/bad" opts/ext4/mount=noatime/syncfs .verdict)" = pass ] ||
	fail "the good alternative did not pass"
[ "$(case_field "$TMP/bad" opts/ext4/mount=no_such_option_xyz/syncfs .verdict)" = error ] ||
	fail "the refused alternative is not an error"
case_field "$TMP/bad" opts/ext4/mount=no_such_option_xyz/syncfs .reason | grep -q no_such_option_xyz ||
	fail "the error does not name the refused option"

# Options the kernel accepts and does not apply: ext4 ignores
# dioread_nolock with data=journal (mountinfo: nodioread_nolock), btrfs drops
# nodatacow for a later compress.  Both cases passed, for a configuration
# they did not test; each is now an error naming the option (exit 2), and
# the options that were applied still pass.
cat >"$TMP/ignored.ini" <<EOF
[global]
image = $layer
device_size = 512M
modes = fsync

[e4]
fs = ext4
mount_opts = data=journal | data=journal,dioread_nolock

[bt]
fs = btrfs
mount_opts = nodatacow | nodatacow,compress=zstd
EOF
rc=0
pc_run "$TMP/ignored.ini" -o "$TMP/ignored" >"$TMP/ignored.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/ignored.out"; fail "options the kernel did not apply exited $rc, expected 2"; }
for id in e4/ext4/mount=data=journal/fsync bt/btrfs/mount=nodatacow/fsync; do
	[ "$(case_field "$TMP/ignored" "$id" .verdict)" = pass ] ||
		fail "$id: $(case_field "$TMP/ignored" "$id" .verdict): $(case_field "$TMP/ignored" "$id" .reason)"
done
id=e4/ext4/mount=data=journal,dioread_nolock/fsync
[ "$(case_field "$TMP/ignored" "$id" .verdict)" = error ] || fail "$id: not an error"
case_field "$TMP/ignored" "$id" .reason |
	grep -q "'dioread_nolock': the ext4 was mounted with 'nodioread_nolock' instead" ||
	fail "$id: the reason does not name the option: $(case_field "$TMP/ignored" "$id" .reason)"
id=bt/btrfs/mount=nodatacow,compress=zstd/fsync
[ "$(case_field "$TMP/ignored" "$id" .verdict)" = error ] || fail "$id: not an error"
case_field "$TMP/ignored" "$id" .reason | grep -q "'nodatacow': the btrfs was mounted without it" ||
	fail "$id: the reason does not name the option: $(case_field "$TMP/ignored" "$id" .reason)"
case_field "$TMP/ignored" "$id" .mounted.fs | grep -q 'compress=zstd' ||
	fail "$id: results.json's mounted.fs is not what the kernel mounted"
assert_no_leftovers

# A filesystem this kernel cannot mount as mkfs made it (XFS V4 without
# CONFIG_XFS_SUPPORT_V4) is a missing kernel feature, exit 3, with or
# without mount options: it was exit 1 without them and 2 with them, as if
# the options were wrong.  Skipped on a kernel that mounts V4.
cat >"$TMP/v4.ini" <<EOF
[global]
image = $layer
device_size = 512M
modes = syncfs
fs = xfs
mkfs_opts = -m crc=0

[bare]
[opts]
mount_opts = noatime,logbsize=64k
EOF
rc=0
pc_run "$TMP/v4.ini" -o "$TMP/v4" >"$TMP/v4.out" 2>&1 || rc=$?
if [ "$(case_field "$TMP/v4" bare/xfs/syncfs .verdict)" = pass ]; then
	echo "  (this kernel mounts XFS V4: the missing-feature check is skipped)"
else
	[ "$rc" -eq 3 ] || { cat "$TMP/v4.out"; fail "XFS V4 on a kernel without it exited $rc, expected 3"; }
	for id in bare/xfs/syncfs opts/xfs/syncfs; do
		case_field "$TMP/v4" "$id" .reason |
			grep -q "this kernel cannot mount the xfs that mkfs.xfs -m crc=0 made, even without mount options (a feature it lacks)" ||
			fail "$id: the reason does not blame the kernel: $(case_field "$TMP/v4" "$id" .reason)"
	done
fi
assert_no_leftovers

# Duplicated alternatives are an input error naming file, line and key.
printf '[global]\nimage = %s\nfs = ext4\nmodes = none\n[g]\nmount_opts = noatime | noatime\n' "$layer" >"$TMP/dup.ini"
rc=0
"$POWERCUT" run --list "$TMP/dup.ini" >/dev/null 2>"$TMP/dup.err" || rc=$?
[ "$rc" -eq 2 ] || fail "duplicate alternatives exited $rc, expected 2"
grep -q 'dup.ini:6.*mount_opts.*twice' "$TMP/dup.err" || fail "duplicate alternatives: $(cat "$TMP/dup.err")"
assert_no_leftovers
pass
