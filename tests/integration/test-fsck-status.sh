#!/usr/bin/env bash
# fsck's exit status is read as each tool documents it, and a check that did
# not run to its end never passes.  Before, any status but 0 was "fsck found
# errors" and 0 was clean: e2fsck's operational error (status 8: it could
# not check) failed a case for corruption with an empty fsck.log, and a
# check that printed nothing and exited 0 (a stub /sbin/e2fsck, a wrapper
# that lost the tool) passed every case.  Now each is an error naming the
# tool, its status and what it said, fsck "skipped", its output kept in
# fsck.log and junit.xml; a filesystem that does not mount after the cut
# still fails when e2fsck cannot check it (status 8: no superblock).  (An
# e2fsck out of memory or processes is the machine's: test-tool-exhausted.)
source "$(dirname "$0")/lib.sh"
cd "$TOP"

require_sample_image
fake_scripted_tools e2fsck xfs_repair btrfs
printf '8\ne2fsck 1.47.0 (5-Feb-2023)\ne2fsck: Device or resource busy while trying to open /dev/loopX\n' \
	> "$TMP/do-e2fsck-1"
printf '0\n' > "$TMP/do-e2fsck-2"
printf '8\ne2fsck: Bad magic number in super-block while trying to open /dev/loopX\n' \
	> "$TMP/do-e2fsck-3"
printf '2\nPhase 1 - find and verify superblock...\n' > "$TMP/do-xfs_repair-1"
printf '0\nOpening filesystem to check...\n' > "$TMP/do-btrfs-1"
# Status 1 that is no finding: each tool could not open the device (as
# xfsprogs 6.1.0 and btrfs-progs 6.2 say it); before, "fsck found errors".
printf '1\nxfs_repair: /dev/loopX contains a mounted and writable filesystem\n\nfatal error -- couldn'"'"'t initialize XFS library\n' \
	> "$TMP/do-xfs_repair-2"
printf '1\nOpening filesystem to check...\nERROR: /dev/loopX is currently mounted, use --force if you really intend to check the filesystem\n' \
	> "$TMP/do-btrfs-2"

cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
backend = fuse
device_size = 512M
modes = syncfs

[a]
fs = ext4
[b]
fs = ext4
[c]
fs = xfs
[d]
fs = btrfs
[e]
fs = xfs
[g]
fs = btrfs
[u]
fs = ext4
INI
export POWERCUT_TEST_WIPE_AFTER_CUT=u/ext4/syncfs:1048576
sync
rc=0
PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" || rc=$?
unset POWERCUT_TEST_WIPE_AFTER_CUT
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 1"; }
for n in 1 2 3; do [ -d "$TMP/ran-e2fsck-$n" ] || fail "e2fsck's run $n never came"; done
f() { case_field "$TMP/out" "$1" "$2"; }
check_error() { # ID REASON-PATTERN LOG-TEXT
	local id=$1
	[ "$(f "$id" .verdict)" = error ] || fail "$id: verdict $(f "$id" .verdict): $(f "$id" .reason)"
	[ "$(f "$id" .fsck)" = skipped ] || fail "$id: fsck $(f "$id" .fsck), expected skipped"
	[[ $(f "$id" .reason) == $2 ]] || fail "$id: reason '$(f "$id" .reason)'"
	local log="$TMP/out/cases/$(echo "$id" | tr / _)/fsck.log"
	[ -f "$log" ] && grep -qF -- "$3" "$log" || fail "$id: fsck.log does not keep the tool's output"
}
check_error a/ext4/syncfs \
	"e2fsck -fn on /dev/"*" ended with status 8 (an operational error): e2fsck 1.47.0 (5-Feb-2023) ... e2fsck: Device or resource busy"*": the filesystem was not checked" \
	"Device or resource busy"
grep -q "Device or resource busy while trying to open" "$TMP/out/junit.xml" ||
	fail "junit.xml does not show what the fsck that did not check said"
[ "$(f b/ext4/syncfs .verdict)" = error ] && [ "$(f b/ext4/syncfs .fsck)" = skipped ] ||
	fail "b/ext4/syncfs: a silent e2fsck exiting 0: $(f b/ext4/syncfs .verdict), fsck $(f b/ext4/syncfs .fsck)"
[[ $(f b/ext4/syncfs .reason) == "e2fsck -fn on /dev/"*" exited 0 but its output lacks its summary line"*": the check did not run to its end" ]] ||
	fail "b/ext4/syncfs: reason '$(f b/ext4/syncfs .reason)'"
check_error c/xfs/syncfs \
	"xfs_repair -n on /dev/"*" ended with status 2 (a status it does not document): Phase 1 - find and verify superblock...: the filesystem was not checked" \
	"Phase 1"
check_error d/btrfs/syncfs \
	"btrfs check --readonly on /dev/"*" exited 0 but its output lacks its summary line (found N bytes used, no error found): the check did not run to its end" \
	"Opening filesystem"
check_error e/xfs/syncfs \
	"xfs_repair -n on /dev/"*" ended with status 1 before the end of its check (its output lacks its last line (No modify flag set, skipping filesystem flush and exiting.) and names no damage found): xfs_repair: /dev/loopX contains a mounted and writable filesystem ... fatal error -- couldn't initialize XFS library: the filesystem was not checked" \
	"couldn't initialize XFS library"
check_error g/btrfs/syncfs \
	"btrfs check --readonly on /dev/"*" ended with status 1 before the end of its check (its output lacks its summary line (found N bytes used, error(s) found) and names no damage found): Opening filesystem to check... ... ERROR: /dev/loopX is currently mounted, use --force if you really intend to check the filesystem: the filesystem was not checked" \
	"is currently mounted"
# Does not mount, and e2fsck finds no superblock to check: still a failure.
id=u/ext4/syncfs
[ "$(f $id .verdict)" = fail ] || fail "$id: verdict $(f $id .verdict): $(f $id .reason)"
[[ $(f $id .reason) == "the filesystem does not mount after the cut: "*"; fsck: it did not check it (see fsck.log)"* ]] ||
	fail "$id: reason '$(f $id .reason)'"
grep -q "Bad magic number" "$TMP/out/cases/u_ext4_syncfs/fsck.log" || fail "$id: fsck.log not kept"
"$POWERCUT" report --check "$TMP/out" > /dev/null || fail "powercut's own reader refuses the results"
assert_no_leftovers
pass
