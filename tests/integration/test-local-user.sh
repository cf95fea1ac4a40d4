#!/usr/bin/env bash
# Another local user on the machine where root runs powercut: a symlink of
# theirs on the -o path (in /tmp, sticky: theirs to re-point during the
# run) or a folder of theirs above the results folder or the work folder
# base is refused (exit 2) before anything is written; nothing lands where
# their symlink pointed.  The same symlink is fine when that user is the one
# who ran sudo (SUDO_UID).  The scripts' check (folder-check.sh) agrees,
# and agreement.sh's temporary file is not at a name they can guess.  A
# case's kernel.log is theirs to read only if the kernel log is.  unpack
# refuses a DIR of theirs as run refuses such an -o, and an output file
# (manifest -o, unpack -m) is never a name they planted for a file of root's.
# A PATH entry of theirs is not looked in.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

user="pcla$$"
link="/tmp/pc-it-link.$$"
remove_user() {
	rm -f "$link"
	rm -rf --one-file-system "/tmp/pc-it-rootfs.$$"
	rm -f "/tmp/pc-it-manifest.$$"
	userdel "$user" 2>/dev/null || true
	cleanup_tmp
}
trap remove_user EXIT
useradd -M -d /nonexistent -s /usr/sbin/nologin "$user" || fail "useradd $user"
uid=$(id -u "$user")

cat > "$TMP/one.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none
device_size = 256M
expect_none = loss
INI

victim="$TMP/victim" home="$TMP/home"
mkdir -m 0755 "$victim" "$home"
chown "$user:" "$home"
chmod 0711 "$TMP" # the user may pass through it, as through /home
runuser -u "$user" -- ln -s "$victim" "$link" || fail "the user could not make $link"

refused() { # WHAT GREP ARGS...
	local what=$1 pattern=$2 rc=0
	shift 2
	pc_run "$TMP/one.ini" "$@" > "$TMP/out" 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/err"; fail "$what: exit $rc, expected 2"; }
	grep -qF -- "$pattern" "$TMP/err" || { cat "$TMP/err"; fail "$what: no '$pattern' in the message"; }
	[ -z "$(ls -A "$victim")" ] || fail "$what: written where the user's symlink points: $(ls -A "$victim")"
}

# 1. -o through the user's symlink in /tmp
refused "-o through their symlink" "$link is a symlink owned by uid $uid" -o "$link"
refused "-o below their symlink" "$link is a symlink owned by uid $uid" -o "$link/res"
# 2. -o in a folder of theirs (they rename it away and put theirs there)
refused "-o in their folder" "$home is owned by uid $uid" -o "$home/res"
[ ! -e "$home/res" ] || fail "-o in their folder: $home/res was left"
# 3. the work folder base theirs (they could put backing.img -> /dev/sda in)
rc=0
"$POWERCUT" run --workdir "$home" "$TMP/one.ini" -o "$TMP/res3" > "$TMP/out" 2> "$TMP/err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/err"; fail "--workdir in their folder: exit $rc, expected 2"; }
grep -qF "is owned by uid $uid" "$TMP/err" || { cat "$TMP/err"; fail "--workdir: the message does not say whose"; }
[ -z "$(ls -A "$home")" ] || fail "--workdir in their folder: $(ls -A "$home") made there"
# 4. the user who ran sudo is trusted with their own symlink
SUDO_UID=$uid pc_run "$TMP/one.ini" -o "$link" > "$TMP/out" 2> "$TMP/err" ||
	{ cat "$TMP/err"; fail "SUDO_UID's own symlink refused"; }
assert_case_ok "$victim" default/ext4/none
# The case's kernel.log holds every kernel line of its time (other users'
# processes, other devices): others may read it only where they may read
# the kernel log (kernel.dmesg_restrict = 0).
klog="$victim/cases/default_ext4_none/kernel.log"
[ -s "$klog" ] || fail "no $klog"
if [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then
	runuser -u "$user" -- cat "$klog" > /dev/null 2>&1 &&
		fail "the user reads $klog (mode $(stat -c %a "$klog")) though dmesg_restrict = 1"
else
	runuser -u "$user" -- cat "$klog" > /dev/null || fail "the user cannot read $klog, dmesg_restrict = 0"
fi
# 5. the scripts' check (scripts/folder-check.sh, as merge-results.sh,
# qualify and vm-run use it) refuses the same paths
for out in "$link/m" "$home/m"; do
	rc=0
	scripts/merge-results.sh "$out" "$victim" > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -qE "is (a symlink )?owned by uid $uid" "$TMP/err" ||
		{ cat "$TMP/err"; fail "merge-results.sh into $out: exit $rc, expected 2"; }
done
[ ! -e "$victim/m" ] && [ ! -e "$home/m" ] || fail "merge-results.sh wrote through the user's path"
# 6. unpack into a folder of theirs (theirs to swap for a symlink before
# the unpack enters it) or through a symlink of theirs: refused, nothing
# written
rootfs="/tmp/pc-it-rootfs.$$"
runuser -u "$user" -- mkdir "$rootfs" || fail "the user could not make $rootfs"
for target in "$rootfs" "$link"; do
	rc=0
	# shellcheck disable=SC2086 # the sample image is a list of layers
	"$POWERCUT" unpack $SAMPLE_IMAGE "$target" > "$TMP/out" 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -qE "is (a symlink )?owned by uid $uid|others can write to it \(owner uid $uid" "$TMP/err" ||
		{ cat "$TMP/err"; fail "unpack into $target: exit $rc, expected 2"; }
	[ ! -e "$target/bin" ] && [ ! -e "$target/etc" ] || fail "unpack into $target wrote the image there"
done
rmdir "$rootfs"
# 7. PATH (kept by sudo -E, or a CI job's) naming a folder of theirs: their
# mkfs.ext4 there must not run as root; the entry is left out, with a warning
runuser -u "$user" -- mkdir "$home/bin"
printf '#!/bin/sh\ntouch %s/theirs-ran\nexec /sbin/mkfs.ext4 "$@"\n' "$TMP" > "$TMP/fake"
runuser -u "$user" -- install -m 0755 /dev/stdin "$home/bin/mkfs.ext4" < "$TMP/fake"
PATH="$home/bin:$PATH" pc_run "$TMP/one.ini" -o "$TMP/res9" > "$TMP/out" 2> "$TMP/err" ||
	{ cat "$TMP/err"; fail "run with their folder in PATH failed"; }
[ ! -e "$TMP/theirs-ran" ] || fail "the user's mkfs.ext4 in PATH ran as root"
grep -qF "PATH: left out $home/bin" "$TMP/err" || { cat "$TMP/err"; fail "no warning about $home/bin in PATH"; }
# 8. an output file named in /tmp (manifest -o, --mtree, unpack -m) where
# the user planted a symlink to a file of root's, or a hard link of it
# (the same filesystem as /tmp here): refused, the file untouched
out="/tmp/pc-it-manifest.$$"
echo precious > "$TMP/precious"
for how in symlink hardlink; do
	rm -f "$out"
	if [ "$how" = symlink ]; then
		runuser -u "$user" -- ln -s "$TMP/precious" "$out"
	elif ! ln "$TMP/precious" "$out" 2>/dev/null; then
		continue # /tmp on another filesystem: no hard link to make
	fi
	for cmd in "manifest -o" "manifest --mtree -o"; do
		rc=0
		# shellcheck disable=SC2086 # the sample image is a list of layers
		"$POWERCUT" $cmd "$out" $SAMPLE_IMAGE > /dev/null 2> "$TMP/err" || rc=$?
		[ "$rc" -eq 2 ] || { cat "$TMP/err"; fail "$cmd through a $how of theirs: exit $rc, expected 2"; }
	done
	rc=0
	# shellcheck disable=SC2086
	"$POWERCUT" unpack -m "$out" $SAMPLE_IMAGE "$TMP/unpacked-$how" > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/err"; fail "unpack -m through a $how of theirs: exit $rc, expected 2"; }
	[ "$(cat "$TMP/precious")" = precious ] || fail "root's file was overwritten through a $how in /tmp"
done
rm -f "$out"
# 9. agreement.sh's temporary file: at a name the user can guess
# (/tmp/agreement.PID) they plant a symlink to a file of root's, which the
# script's jq output would overwrite.
echo precious > "$TMP/precious"
env -u TMPDIR bash -c 'runuser -u "$1" -- ln -s "$2" "/tmp/agreement.$$" &&
	exec scripts/agreement.sh "$3" a b' _ "$user" "$TMP/precious" "$victim" > /dev/null 2>&1 || true
find /tmp -maxdepth 1 -name 'agreement.*' -user "$user" -delete
[ "$(cat "$TMP/precious")" = precious ] || fail "agreement.sh wrote through the user's symlink in /tmp"
assert_no_leftovers
pass
