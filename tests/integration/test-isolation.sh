#!/usr/bin/env bash
# Issue 13 #1: a scenario cannot make mkfs (or mount, or fsck) write to a
# device other than the case's own.  Another loop device holds an ext4
# external journal labelled L; `-Jdevice=LABEL=L` (the joined spelling) must
# be refused as an input error when the scenario is read (FILE:LINE: KEY,
# before any case runs: no results folder), and that device must not change;
# so must its label and UUID given to the case's filesystem.  (That the
# private /dev stops it even past the blocklist is shown by the unit test
# "isolate", which calls the isolation directly.)
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

# The other device lives outside $TMP: the leftover check looks there.
jdir=$(mktemp -d /tmp/pc-it-journal.XXXXXX)
jdev=
detach_journal() {
	[ -z "$jdev" ] || losetup -d "$jdev" 2>/dev/null || true
	rm -rf "$jdir"
	cleanup_tmp
}
trap detach_journal EXIT

truncate -s 16M "$jdir/journal.img"
jdev=$(losetup -f --show "$jdir/journal.img")
label="pcj$$"
mke2fs -q -F -O journal_dev -b 4096 -L "$label" "$jdev"
before=$(sha256sum < "$jdev")

for opt in "-Jdevice=LABEL=$label" "-qJdevice=LABEL=$label" "-J size=4,device=LABEL=$label"; do
	cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none
device_size = 256M
mkfs_opts = -b 4096 $opt
INI
	rc=0
	pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "'$opt': exit $rc, expected 2"; }
	grep -q "s.ini:6: mkfs_opts: .*names another device or file" "$TMP/e" ||
		{ cat "$TMP/e"; fail "'$opt': the error does not say where and why"; }
	[ ! -e "$TMP/out/results.json" ] || fail "'$opt': a case ran"
	[ "$(sha256sum < "$jdev")" = "$before" ] || fail "'$opt': the journal device changed"
	rm -rf "$TMP/out"
	assert_no_leftovers
done

# The case's filesystem may not take a UUID or label another device of the
# host has (here the journal device's): while a case runs, what finds a
# filesystem by UUID or label (/dev/disk/by-*, mount LABEL=, btrfs's device
# registry) could take the case's device for it.  Refused when the scenario
# is read, in each mkfs's spelling; a label of its own is not.
juuid=$(blkid -p -s UUID -o value "$jdev")
[ -n "$juuid" ] || fail "blkid shows no UUID on the journal device $jdev"
for fo in "ext4|-L $label" "ext4|-U ${juuid^^}" "xfs|-m crc=1,uuid=$juuid" "btrfs|--uuid=$juuid" \
	  "btrfs|-L $label"; do
	printf '[global]\nimage = %s\nfs = %s\nmodes = none\nmkfs_opts = %s\n' \
		"$SAMPLE_IMAGE" "${fo%%|*}" "${fo#*|}" > "$TMP/tag.ini"
	rc=0
	"$POWERCUT" run --list "$TMP/tag.ini" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "'$fo' (the journal device's): exit $rc, expected 2"; }
	grep -q "tag.ini:5: mkfs_opts: .*a block device of this host ($jdev) already has" "$TMP/e" ||
		{ cat "$TMP/e"; fail "'$fo': the error does not say which device has it"; }
done
printf '[global]\nimage = %s\nfs = ext4\nmodes = none\nmkfs_opts = -L %s-2 -U random\n' \
	"$SAMPLE_IMAGE" "$label" > "$TMP/tag.ini"
"$POWERCUT" run --list "$TMP/tag.ini" > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "a label no device has, -U random: refused"; }

# A bare name is not looked up in powercut's current folder (the scenario
# means the same wherever powercut is started): "-b 4096 -L results" stays
# valid in a folder holding files of those names, and the name of a file
# there as an operand (mkfs.btrfs would format it as a second device) is
# refused when the scenario is read; the file is untouched.  (mkfs given
# such a name past the check cannot find it, its current folder being
# empty: the unit test "isolate".)
mkdir "$TMP/cwd"
truncate -s 256M "$TMP/cwd/victim"
echo precious | dd of="$TMP/cwd/victim" conv=notrunc status=none
touch "$TMP/cwd/4096" "$TMP/cwd/results"
printf '[global]\nimage = %s\nfs = ext4\nmodes = none\nmkfs_opts = -b 4096 -L results\n' \
	"$SAMPLE_IMAGE" > "$TMP/cwd/names.ini"
(cd "$TMP/cwd" && "$POWERCUT" run names.ini --list > "$TMP/o" 2> "$TMP/e") ||
	{ cat "$TMP/e"; fail "'-b 4096 -L results' refused in a folder holding 4096 and results"; }
printf '[global]\nimage = %s\nfs = btrfs\nmodes = none\ndevice_size = 256M\nmkfs_opts = victim\n' \
	"$SAMPLE_IMAGE" > "$TMP/cwd/victim.ini"
rc=0
(cd "$TMP/cwd" && "$POWERCUT" run --workdir "$WORK" victim.ini -o "$TMP/out-victim" > "$TMP/o" 2> "$TMP/e") || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "mkfs_opts = victim: exit $rc, expected 2"; }
grep -q "victim.ini:6: mkfs_opts: 'victim' is not an option of mkfs.btrfs" "$TMP/e" ||
	{ cat "$TMP/e"; fail "mkfs_opts = victim: unclear error"; }
[ ! -e "$TMP/out-victim/results.json" ] || fail "mkfs_opts = victim: a case ran"
[ "$(head -c 8 "$TMP/cwd/victim")" = precious ] || fail "mkfs.btrfs wrote to the file named in mkfs_opts"
assert_no_leftovers
pass
