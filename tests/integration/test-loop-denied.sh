#!/usr/bin/env bash
# Loop devices that cannot be opened (a container's device cgroup denies
# them, or /dev is mounted nodev) while /dev/loop-control works: the run
# must stop with exit 3 naming the device and what to give the run, never
# exit 1 as if the case itself had failed ("open /dev/loop0: Operation not
# permitted" was exit 1), and leave nothing.  The test builds such a /dev
# in a mount namespace of its own: a nodev tmpfs holding the loop nodes
# powercut makes, with the real loop-control, fuse, kmsg and the character
# devices bound in.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"
cat > "$TMP/nodev.sh" <<'SH'
set -e
keep=$1; shift
for n in null zero full random urandom fuse kmsg loop-control; do
	touch "$keep/$n"
	mount --bind "/dev/$n" "$keep/$n"
done
mount -t tmpfs -o nodev,mode=0755 pc-it-nodev /dev
for n in null zero full random urandom fuse kmsg loop-control; do
	touch "/dev/$n"
	mount --bind "$keep/$n" "/dev/$n"
done
ln -s /proc/self/fd /dev/fd
exec "$@"
SH
mkdir "$TMP/keep"
rc=0
unshare -m --propagation private bash "$TMP/nodev.sh" "$TMP/keep" \
	"$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3"; }
[ "$(case_field "$TMP/out" g/ext4/syncfs .verdict)" = error ] || fail "the case is not an error"
reason=$(case_field "$TMP/out" g/ext4/syncfs .reason)
echo "$reason" | grep -qE "^open /dev/loop[0-9]+ \(loop devices cannot be opened here: .*\): Permission denied$" ||
	fail "the reason does not say what to do: $reason"
assert_no_leftovers
pass
