#!/usr/bin/env bash
# `powercut verify` on overlayfs (a container's rootfs, containerd's or
# Docker's layers mounted): a lower layer's file keeps the link count of
# names an upper whiteout hid, so link counts are not compared there (a
# false "hardlink" finding on every image that removed one name of a
# pair, as Docker and containerd mount it); anything else still is.
# Needs root (overlay mount, whiteout device).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"
mnt="$TMP/mnt"
cleanup_mount() {
	mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
	cleanup_tmp
}
trap cleanup_mount EXIT

# Layer 1: a and its hardlink b, d/x; layer 2 removes b and makes d opaque
# with d/y, as docker build writes them.
mkdir -p "$TMP/l1/d" "$TMP/l2/d"
echo hl > "$TMP/l1/a" && ln "$TMP/l1/a" "$TMP/l1/b" && echo x > "$TMP/l1/d/x"
: > "$TMP/l2/.wh.b" && : > "$TMP/l2/d/.wh..wh..opq" && echo y > "$TMP/l2/d/y"
tar --numeric-owner -C "$TMP/l1" -cf "$TMP/l1.tar" . && tar --numeric-owner -C "$TMP/l2" -cf "$TMP/l2.tar" .
"$POWERCUT" manifest "$TMP/l1.tar" "$TMP/l2.tar" -o "$TMP/m" || fail "manifest"

# The layers as the overlayfs snapshotter stores them, mounted.
"$POWERCUT" unpack "$TMP/l1.tar" "$TMP/lower" > /dev/null || fail "unpack layer 1"
mkdir -p "$TMP/upper/d" "$mnt"
mknod "$TMP/upper/b" c 0 0
setfattr -n trusted.overlay.opaque -v y "$TMP/upper/d"
echo y > "$TMP/upper/d/y"
chmod 0755 "$TMP/upper" "$TMP/upper/d"
mount -t overlay -o "ro,lowerdir=$TMP/upper:$TMP/lower" pc-it-overlay "$mnt" || fail "cannot mount overlay"
[ "$(stat -c %h "$mnt/a")" -eq 2 ] || fail "the overlay shows a with $(stat -c %h "$mnt/a") links: the test proves nothing"

rc=0
"$POWERCUT" verify "$TMP/m" "$mnt" > "$TMP/out" 2> "$TMP/err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/out" >&2; fail "verify on the overlay exited $rc, expected 0 (intact)"; }
grep -q "is on overlayfs: link counts are not compared" "$TMP/err" || fail "verify did not say it checked an overlay"
echo "  overlay view: $(tail -1 "$TMP/out")"

# Other differences are still found there.
umount "$mnt"
echo changed > "$TMP/upper/d/y"
mount -t overlay -o "ro,lowerdir=$TMP/upper:$TMP/lower" pc-it-overlay "$mnt" || fail "cannot mount overlay"
rc=0
"$POWERCUT" verify "$TMP/m" "$mnt" > "$TMP/out" 2> /dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "verify of a changed file on the overlay exited $rc, expected 1"
grep -qE '^(size|content) d/y:' "$TMP/out" || { cat "$TMP/out" >&2; fail "the changed d/y was not reported"; }
umount "$mnt"

# A plain folder is still held to link counts: a name outside the tree
# linking to a.
mkdir "$TMP/plain" && cp -a "$TMP/lower/." "$TMP/plain/" && rm "$TMP/plain/b" "$TMP/plain/d/x"
echo y > "$TMP/plain/d/y" && ln "$TMP/plain/a" "$TMP/outside"
rc=0
"$POWERCUT" verify "$TMP/m" "$TMP/plain" > "$TMP/out" 2> /dev/null || rc=$?
[ "$rc" -eq 1 ] && grep -q '^hardlink a: link count 2' "$TMP/out" || { cat "$TMP/out" >&2; fail "a plain folder's extra link was not reported (exit $rc)"; }
pass
