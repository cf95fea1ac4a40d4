#!/usr/bin/env bash
# A filesystem that refuses POSIX ACLs (btrfs mounted noacl answers
# EOPNOTSUPP, and libarchive then reports success) makes the case an error
# naming the entry and the ACL: the check of those ACLs cannot run.  It used
# to pass the unpack and report the never-written ACLs as lost by the cut
# (a fail in fsync mode; a pass for expect = loss).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

"$TOP/images/mkfixtures" edge "$TMP/img" >/dev/null
cat > "$TMP/noacl.ini" <<INI
[global]
image = $TMP/img/layer1.tar $TMP/img/layer2.tar.gz $TMP/img/layer3.tar.zst
backend = fuse

[noacl]
fs = btrfs
mount_opts = noacl
modes = fsync none
expect = loss
INI
run_scenario 3 "$TMP/noacl.ini"
for id in noacl/btrfs/fsync noacl/btrfs/none; do
	[ "$(case_field "$out" "$id" .verdict)" = error ] || fail "$id: verdict not error"
	reason=$(case_field "$out" "$id" .reason)
	grep -qE "entry acl/[a-z]+: POSIX ACL system.posix_acl_(access|default) not stored by the filesystem \(mounted noacl\?\): Operation not supported" <<<"$reason" ||
		fail "$id: reason does not name the ACL refused: $reason"
done
assert_no_leftovers
pass
