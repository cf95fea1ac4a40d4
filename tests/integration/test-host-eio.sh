#!/usr/bin/env bash
# The disk holding the work folder goes bad: the backing file answers EIO
# (eiofs.c, a FUSE passthrough under --workdir, fails the reads of
# backing.img from one open on).  The case's device then fails requests,
# and what the filesystem under test shows of that (entries unreadable, a
# mount refused) is the host's doing: an environment error naming it (exit
# 3), never a pass (mode none expecting loss) nor a fail.  The kernel's
# line is in the reason when the log kept it (ten block-layer errors in
# 5 s); the backing file read back after the case says it either way.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

eiofs_build

cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none syncfs
device_size = 256M
expect_none = loss
INI

# One case (MODE) with the Nth and later opens of backing.img failing
# their reads or writes (OP) after AFTER bytes: exit 3, the case an error
# naming it.
check_case() { # NAME MODE N OP AFTER
	local id=default/ext4/$2
	start_eiofs backing.img "$3" "$4" "$5"
	rc=0
	pc_run "$TMP/s.ini" -f "$id" -o "$TMP/out-$1" > "$TMP/o" 2> "$TMP/e" || rc=$?
	stop_eiofs
	[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "$1: exit $rc, expected 3"; }
	[ "$(case_field "$TMP/out-$1" "$id" .verdict)" = error ] ||
		fail "$1: verdict $(case_field "$TMP/out-$1" "$id" .verdict), expected error"
	case_field "$TMP/out-$1" "$id" .reason |
		grep -Eq "^the device failed (a request because its backing file did: the disk or file system holding the work folder failed it \(kernel: .*error.* dev loop|under the case: (its backing file no longer reads back \(read .*/backing.img: Input/output error\)|the fuse server could not write the device's files in .*/case-0 \([0-9]+ requests? failed, the first with Input/output error\)): the disk or file system holding the work folder fail)" ||
		fail "$1: reason: $(case_field "$TMP/out-$1" "$id" .reason)"
	assert_no_leftovers
}
# A work folder on a file system that maps no file shared (a FUSE one
# serving with direct_io, as sshfs -o direct_io): the fuse device's control
# file cannot be mapped.  Exit 1 before, "mmap ...: No such device".
start_eiofs fuse.ctl 0 read 0
rc=0
pc_run "$TMP/s.ini" -f default/ext4/none -o "$TMP/out-mmap" > "$TMP/o" 2> "$TMP/e" || rc=$?
stop_eiofs
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "mmap: exit $rc, expected 3"; }
grep -q "the work folder's file system cannot map a file shared (No such device).*--workdir" "$TMP/e" ||
	fail "mmap: message: $(cat "$TMP/e")"
assert_no_leftovers
# The second open is the fuse server's (the first made the file): mkfs's
# reads fail (exit 1 before).
check_case mkfs none 2 read 0
# The third open is the plain loop device the fuse backend attaches after
# the cut.  From its first read the remount is refused: the case failed,
# "the filesystem does not mount after the cut" (exit 1), before the fix.
check_case remount none 3 read 0
# After 20 MB the verify's reads of syncfs's files fail, and fsck's (exit
# 1 before the fix: an error of the case's own).
check_case verify syncfs 3 read 20000000
# The fuse server's writes fail after 20 MB, under syncfs's unpack: the
# server counts what the host failed, whatever the kernel log kept (before,
# 'syncfs ...: Input/output error', exit 1, or nothing to show it was the
# host once the log had suppressed the lines).
check_case write syncfs 2 write 20000000
pass
