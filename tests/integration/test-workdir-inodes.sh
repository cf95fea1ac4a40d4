#!/usr/bin/env bash
# A work folder on a file system with room but no inode left (a small
# tmpfs, a volume full of small files): whichever of the case's own files
# cannot be made (backing.img, fuse.ctl, the fuse folder, fuse.pid), the
# case is an error saying the work folder's file system is out of inodes
# and what to do, the run exits 3, and nothing is left.  Before, it was
# exit 1 ("create .../backing.img: No space left on device"), as if the
# case itself had failed to run.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"
mkdir "$TMP/wd"
trap 'umount "$TMP/wd" 2> /dev/null || true; cleanup_tmp' EXIT
for n in 4 5 6 7; do
	mount -t tmpfs -o size=600m,nr_inodes=$n,mode=0700 pc-it-inodes "$TMP/wd"
	rc=0
	"$POWERCUT" run --workdir "$TMP/wd" "$TMP/one.ini" -o "$TMP/out$n" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "$n inodes: exit $rc, expected 3"; }
	reason=$(case_field "$TMP/out$n" g/ext4/syncfs .reason)
	echo "$reason" | grep -qE "^(create|mkdir) $TMP/wd/powercut\.[^ ]*: No space left on device \(the file system holding the work folder is full or out of inodes: free some, or use another --workdir\)$" ||
		fail "$n inodes: the reason does not say the work folder is out of inodes: $reason"
	left=$(ls -A "$TMP/wd")
	[ -z "$left" ] || fail "$n inodes: left in the work folder: $left"
	! losetup -a | grep -qF "$TMP/wd/" || fail "$n inodes: a loop device is left"
	! grep -qF " $TMP/wd/" /proc/self/mountinfo || fail "$n inodes: a mount is left"
	umount "$TMP/wd"
done
assert_no_leftovers
pass
