#!/usr/bin/env bash
# --keep leaves each case's work folder (the backing image) for inspection:
# torn down (nothing mounted or attached), unregistered, and so left alone
# by `powercut cleanup`.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

rc=0
pc_run scenarios/default.ini --filter '*/syncfs' --keep -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "powercut run --keep exited $rc"; }
kept=$(sed -n 's/^powercut: kept the work folder \([^ ]*\).*/\1/p' "$TMP/e")
[ -n "$kept" ] && [ -d "$kept" ] || { cat "$TMP/e"; fail "no kept work folder reported"; }
[ -s "$kept/case-0/backing.img" ] || fail "the backing image was not kept"
# The kept image holds the filesystem as it was after the power cut.
[ "$(blkid -o value -s TYPE "$kept/case-0/backing.img")" = ext4 ] || fail "kept image is not ext4"
if grep -qF "$kept" /proc/self/mountinfo; then fail "something is still mounted below $kept"; fi
loops=$(losetup -a)
if grep -qF "$kept" <<<"$loops"; then fail "a loop device is still attached below $kept"; fi
if grep -rqsF "$kept" /run/powercut/; then fail "the kept folder is still registered"; fi
"$POWERCUT" cleanup > /dev/null || fail "cleanup failed"
[ -s "$kept/case-0/backing.img" ] || fail "cleanup removed a kept folder"
rm -rf --one-file-system "$kept"
# With crash points the fuse device's write log is kept too, for replaying
# a point by hand.
printf '[p]\nimage = %s\nfs = ext4\nmodes = syncfs\ndevice_size = 256M\ncrash_points = 1\n' \
	"$TOP/images/sample/layer3.tar.zst" > "$TMP/p.ini"
rc=0
pc_run "$TMP/p.ini" --keep -o "$TMP/out2" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "powercut run --keep with crash points exited $rc"; }
kept=$(sed -n 's/^powercut: kept the work folder \([^ ]*\).*/\1/p' "$TMP/e")
[ -s "$kept/case-0/fuse.log" ] || fail "the fuse device's write log was not kept"
rm -rf --one-file-system "$kept"
assert_no_leftovers
pass
