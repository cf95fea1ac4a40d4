#!/usr/bin/env bash
# A tool found in a PATH folder on a mount of its own (~/bin on /home, a
# tmpfs /tmp as on Debian 13) is the one that runs.  mkfs and fsck run in a
# private mount namespace where the host's mounts other than the system
# folders are detached: the folder was gone there, and the system's
# mkfs.ext4 and e2fsck ran instead, unsaid (the run passed with tools it
# was not given).  Now the mounts on the way to the tool found stay.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

bin="$TMP/bin-mount"
mkdir "$bin"
mount -t tmpfs -o mode=0755,size=1m pc-it-bin "$bin"
trap 'umount "$bin" 2>/dev/null || true; cleanup_tmp' EXIT
# each marks its run in its own folder (the only place sure to be there
# for it) and runs the real tool
for tool in mkfs.ext4 e2fsck; do
	printf '#!/bin/sh\ntouch "%s/ran-%s"\nexec %s "$@"\n' "$bin" "$tool" "$(command -v "$tool")" > "$bin/$tool"
	chmod 0755 "$bin/$tool"
done
printf '[global]\nimage = %s\nbackend = fuse\nmodes = syncfs\n[g]\nfs = ext4\n' \
	"$TOP/images/sample/layer3.tar.zst" > "$TMP/s.ini"
rc=0
PATH="$bin:$PATH" pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 0"; }
for tool in mkfs.ext4 e2fsck; do
	[ -e "$bin/ran-$tool" ] || fail "$tool of PATH's first folder ($bin, a mount of its own) did not run"
done
umount "$bin"
assert_no_leftovers
pass
