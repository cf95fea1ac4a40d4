#!/usr/bin/env bash
# mkfs or fsck that ran out of memory or processes (a memory or pids cgroup
# limit: e2fsck's "Resource temporarily unavailable while retrying to read
# bitmaps" was seen under pids.max 16) tells nothing of the filesystem nor
# of the scenario: the case is an error naming the limit to raise, the run
# exits 3.  Before, mkfs's was taken for the scenario's mkfs_opts (exit 2)
# and fsck's for an error of the case (exit 1), neither saying what to do.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
fake_scripted_tools mkfs.ext4 e2fsck
printf '1\nmke2fs 1.47.0 (5-Feb-2023)\nmkfs.ext4: Cannot allocate memory while setting up superblock\n' \
	> "$TMP/do-mkfs.ext4-1"
printf '8\ne2fsck 1.47.0 (5-Feb-2023)\ne2fsck: Resource temporarily unavailable while retrying to read bitmaps for /dev/loopX\ne2fsck: aborted\n' \
	> "$TMP/do-e2fsck-1"
cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
backend = fuse
device_size = 256M
modes = syncfs
fs = ext4
[m]
[f]
INI
rc=0
PATH="$TMP/bin:$PATH" pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3"; }
[ -d "$TMP/ran-e2fsck-1" ] || fail "the fake e2fsck never ran"
for id in m/ext4/syncfs f/ext4/syncfs; do
	[ "$(case_field "$TMP/out" $id .verdict)" = error ] || fail "$id: not an error"
done
reason=$(case_field "$TMP/out" m/ext4/syncfs .reason)
[[ $reason == "mkfs.ext4 on /dev/"*"failed (exit 1): "*"Cannot allocate memory while setting up superblock; out of memory: raise the memory limit"* ]] ||
	fail "m: reason '$reason'"
reason=$(case_field "$TMP/out" f/ext4/syncfs .reason)
[[ $reason == "e2fsck -fn on /dev/"*" ended with status 8 (an operational error): "*"the filesystem was not checked; out of processes or threads: raise the pids cgroup limit"* ]] ||
	fail "f: reason '$reason'"
assert_no_leftovers
pass
