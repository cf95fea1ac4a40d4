#!/usr/bin/env bash
# Failures give a clear error, a teardown and the documented exit status.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
sample="$TOP/images/sample/layer1.tar.gz"

expect_exit() { # expect_exit CODE PATTERN -- command...
	local want=$1 pattern=$2 rc=0
	shift 3
	"$@" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/e"; fail "'$*' exited $rc, expected $want"; }
	grep -qE -- "$pattern" "$TMP/e" || { cat "$TMP/e"; fail "'$*': stderr lacks /$pattern/"; }
	assert_no_leftovers
}

scenario() { # scenario NAME BODY
	printf '%s\n' "$2" > "$TMP/$1.ini"
	echo "$TMP/$1.ini"
}

# Usage and scenario errors: 2, naming file, line and key.
expect_exit 2 'usage' -- "$POWERCUT" run
s=$(scenario badkey "[global]
image = $sample
fs = ext4
modes = none
colour = blue")
expect_exit 2 "badkey.ini:5.*colour" -- pc_run "$s"

# Scenario input limits (issue 13 #8-#10): a device or FIFO is refused at
# once, a NUL byte names file, line and key, an out-of-range value is refused
# at load with file, line and key, before any results folder is made.
expect_exit 2 "scenario /dev/zero: is a character device, not a regular file" -- \
	timeout 20 "$POWERCUT" run --list /dev/zero
mkfifo "$TMP/fifo.ini"
expect_exit 2 "fifo.ini: is a FIFO, not a regular file" -- timeout 20 "$POWERCUT" run --list "$TMP/fifo.ini"
printf '[global]\nimage = %s\nfs = ext4\0xfs\nmodes = none\n' "$sample" > "$TMP/nul.ini"
expect_exit 2 "nul.ini:3: fs: NUL byte in line" -- pc_run "$TMP/nul.ini" -o "$TMP/nul-out"
[ ! -e "$TMP/nul-out" ] || fail "NUL byte: a results folder was made"
s=$(scenario tiny "[global]
image = $sample
fs = ext4
modes = none
device_size = 1")
expect_exit 2 "tiny.ini:5: device_size: '1' is not auto or a size from 1M to 1024T" -- "$POWERCUT" run --list "$s"
expect_exit 2 "tiny.ini:5: device_size" -- pc_run "$s" -o "$TMP/tiny-out"
[ ! -e "$TMP/tiny-out" ] || fail "device_size = 1: a results folder was made"
s=$(scenario missing "[global]
image = /nonexistent/layer.tar
fs = ext4
modes = none")
expect_exit 2 "missing.ini:2.*/nonexistent/layer.tar" -- pc_run "$s"

# Not an archive: input error, 2.
head -c 65536 /dev/urandom > "$TMP/junk.tar"
s=$(scenario junk "[global]
image = $TMP/junk.tar
fs = ext4
modes = none
device_size = 256M")
expect_exit 2 "junk.tar" -- pc_run "$s" -o "$TMP/junk-out"
[ "$(jq -r '.cases[0].verdict' "$TMP/junk-out/results.json")" = error ] || fail "junk: verdict not error"

# A device bigger than the free space: environment, 3.
s=$(scenario huge "[global]
image = $sample
fs = ext4
modes = none
device_size = 1000T")
expect_exit 3 "free|space|room" -- pc_run "$s" -o "$TMP/huge-out"

# ENOSPC during unpack: the case is an error, exit 1, and it says so,
# naming the setting that sized the device (in the reason too).
s=$(scenario small "[global]
image = $TOP/images/sample/layer1.tar.gz $TOP/images/sample/layer2.tar.gz
fs = ext4
modes = none
device_size = 24M")
expect_exit 1 "No space left on device" -- pc_run "$s" -o "$TMP/small-out"
grep -q "filled its device: device_size = 24M is too small" "$TMP/o" || fail "ENOSPC: device_size not named in the summary"
[ "$(jq -r '.cases[0].verdict' "$TMP/small-out/results.json")" = error ] || fail "ENOSPC: verdict not error"
jq -r '.cases[0].reason' "$TMP/small-out/results.json" | grep -q "No space left on device; the ext4 filesystem filled its device: device_size = 24M" ||
	fail "ENOSPC: the reason does not name device_size"
# mkfs refusing a device too small for it: the reason names device_size.
s=$(scenario xfsmin "[global]
image = $sample
fs = xfs
modes = none
device_size = 299M")
expect_exit 2 "mkfs.xfs on /dev/[a-z0-9]+ failed .*must be larger than 300MB" -- pc_run "$s" -o "$TMP/xfsmin-out"
grep -q "mkfs.xfs was given device_size = 299M" "$TMP/o" || fail "xfs too small: device_size not named"
# mkfs_opts after which mkfs exits 0 but another filesystem is on the
# device (mke2fs -t ext2), or none: the options' error (exit 2), not a
# failed case (it was exit 1), and the reason names them.
s=$(scenario mkfsother "[global]
image = $sample
fs = ext4
modes = none
device_size = 256M
mkfs_opts = -t ext2")
expect_exit 2 "mkfs.ext4 -t ext2 on /dev/[a-z0-9]+ exited 0, but libblkid finds ext2 there, not ext4" -- \
	pc_run "$s" -o "$TMP/mkfsother-out"
# mke2fs's configuration sets the errors behaviour where no scenario check
# sees it: an ext4 that would panic on the errors the cut causes is refused
# after mkfs, before any mount (the machine's configuration: exit 3).  The
# machine's /etc/mke2fs.conf is replaced in a mount namespace of the test's
# own.  errors=continue in mount_opts keeps the kernel from panicking should
# that check ever miss.
printf '[defaults]\n\terrors = panic\n[fs_types]\n\text4 = {\n\t\tfeatures = has_journal,extent,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize\n\t}\n' \
	> "$TMP/panic.conf"
s=$(scenario panicconf "[global]
image = $sample
fs = ext4
modes = none
device_size = 256M
mount_opts = errors=continue")
expect_exit 3 "mkfs.ext4 made a filesystem on /dev/[a-z0-9]+ whose superblock says errors=panic" -- \
	unshare -m sh -c 'mount --bind "$1" /etc/mke2fs.conf && shift && exec "$@"' sh "$TMP/panic.conf" \
	"$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/panicconf-out"
[ "$(jq -r '.cases[0].verdict' "$TMP/panicconf-out/results.json")" = error ] || fail "errors=panic from mke2fs.conf: verdict not error"
# The operator's environment does not reach the tools: MKE2FS_CONFIG naming
# the same configuration changes nothing (mkfs and fsck see PATH and
# LC_ALL=C alone), so the case runs and passes.
env MKE2FS_CONFIG="$TMP/panic.conf" E2FSCK_CONFIG=/nonexistent \
	"$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/panicenv-out" > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "MKE2FS_CONFIG in the environment: the run exited $?, expected 0"; }
assert_no_leftovers
[ "$(jq -r '.cases[0].verdict' "$TMP/panicenv-out/results.json")" = pass ] || fail "MKE2FS_CONFIG reached mkfs"
# mke2fs.conf's default_mntopts go into the superblock: every mount applies
# them and ext4 leaves them out of mountinfo, so with nobarrier,journal_data
# every case ran data=journal without barriers, unasked and unseen (it
# passed, results.json's mounted saying rw,nodioread_nolock,nodelalloc).
# The machine's configuration: exit 3, before any mount.
printf '[defaults]\n\tdefault_mntopts = acl,user_xattr,nobarrier,journal_data\n[fs_types]\n\text4 = {\n\t\tfeatures = has_journal,extent,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize\n\t}\n' \
	> "$TMP/mntopts.conf"
s=$(scenario mntoptsconf "[global]
image = $sample
fs = ext4
modes = none
device_size = 256M")
expect_exit 3 "mkfs.ext4 made a filesystem on /dev/[a-z0-9]+ whose superblock holds the default mount options journal_data,nobarrier" -- \
	unshare -m sh -c 'mount --bind "$1" /etc/mke2fs.conf && shift && exec "$@"' sh "$TMP/mntopts.conf" \
	"$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/mntoptsconf-out"
[ "$(jq -r '.cases[0].verdict' "$TMP/mntoptsconf-out/results.json")" = error ] ||
	fail "default_mntopts from mke2fs.conf: verdict not error"
assert_no_leftovers
# Read as getopt reads them, when the scenario is read: a word that is no
# option (an inline '#' comment) would be the device mkfs formats, -n
# writes nothing.
s=$(scenario operand "[global]
image = $sample
fs = ext4
modes = none
mkfs_opts = -b 4096 # block size")
expect_exit 2 "operand.ini:5: mkfs_opts: '#' is not an option of mkfs.ext4" -- "$POWERCUT" run --list "$s"
# mke2fs's -b 4096 in [global], inherited by an xfs group: refused when
# the scenario is read (before, the ext4 case ran and every xfs case erred
# at its mkfs, "unknown option -b 4096").
s=$(scenario xfsblock "[global]
image = $sample
fs = ext4
modes = none
device_size = 512M
mkfs_opts = -b 4096
[e]
[x]
fs = xfs")
expect_exit 2 "xfsblock.ini:6: mkfs_opts: '4096' \\(-b\\) is no sub-option: mkfs.xfs's -b takes" -- \
	pc_run "$s" -o "$TMP/out-xfsblock"
[ ! -e "$TMP/out-xfsblock" ] || fail "mkfs_opts = -b 4096 for xfs: a case ran"
# An indented line continues no value, and a CR inside a line (a file
# saved with CR line endings) is no line end: both refused, naming the key.
s=$(scenario continued "[global]
image = $sample
modes = none
fs = ext4
  xfs")
expect_exit 2 "continued.ini:5: fs: a line starting with a blank does not continue the value of fs \\(line 4\\)" -- \
	"$POWERCUT" run --list "$s"
printf '[global]\r\nimage = %s\r\nfs = ext4\r\nmodes = none\r\nmkfs_opts = -b\r4096\r\n' "$sample" > "$TMP/cr.ini"
expect_exit 2 "cr.ini:5: mkfs_opts: carriage return \\(CR\\) inside the line" -- "$POWERCUT" run --list "$TMP/cr.ini"
s=$(scenario dryrun "[global]
image = $sample
fs = ext4
modes = none
mkfs_opts = -q -n")
expect_exit 2 "dryrun.ini:5: mkfs_opts: '-n': after it no new ext4 filesystem is on the device" -- \
	"$POWERCUT" run --list "$s"
# A device number XFS cannot encode (ext4 and btrfs can): the case errs
# saying which number and why, not a bare "Can't create: Invalid argument".
python3 - "$TMP/bigdev.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo("bigdev"); i.type = tarfile.CHRTYPE; i.devmajor, i.devminor = 4095, 1048575
    t.addfile(i)
PY
s=$(scenario xfsdev "[global]
image = bigdev.tar
fs = xfs
modes = none")
expect_exit 1 "writing bigdev: the filesystem refuses device number 4095:1048575 .*XFS holds" -- \
	pc_run "$s" -o "$TMP/xfsdev-out"
# The same from fio's own words.
printf '[w]\nrw=write\nbs=64k\nsize=64m\nverify=crc32c\nend_fsync=1\n' > "$TMP/big.fio"
s=$(scenario fiosmall "[global]
fs = ext4
workload = fio big.fio
device_size = 16M")
expect_exit 1 "No space left on device" -- pc_run "$s" -o "$TMP/fiosmall-out"
grep -q "filled its device: device_size = 16M is too small" "$TMP/o" || fail "fio ENOSPC: device_size not named"

# A missing mkfs tool: environment, 3.
s=$(scenario nomkfs "[global]
image = $sample
fs = ext4
modes = none")
expect_exit 3 "mkfs.ext4: not found" -- env PATH=/usr/bin:/bin "$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/nomkfs-out"

# An fsck that cannot run is an error, never a pass: environment, 3,
# found before any case runs (test-tools-missing has the details).
mkdir -p "$TMP/mkfs-only"
ln -s "$(command -v mkfs.ext4)" "$TMP/mkfs-only/mkfs.ext4"
expect_exit 3 "e2fsck: not found.*no case was run" -- env PATH="$TMP/mkfs-only:/usr/bin:/bin" "$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/nofsck-out"
[ ! -e "$TMP/nofsck-out" ] || fail "no fsck: a results folder was left for a run that ran nothing"

# A missing kernel feature: no device-mapper here (skipped where there is one).
if ! grep -q device-mapper /proc/misc; then
	s=$(scenario nodm "[global]
image = $sample
fs = ext4
modes = none
backend = dm")
	expect_exit 3 "device-mapper|dm" -- pc_run "$s" -o "$TMP/nodm-out"
fi

# --list and --shard K/N: the shards of a scenario partition its cases.
"$POWERCUT" run --list scenarios/matrix.ini > "$TMP/all"
[ "$(wc -l < "$TMP/all")" -eq 9 ] || fail "--list: $(wc -l < "$TMP/all") cases in matrix.ini, expected 9"
: > "$TMP/shards"
for k in 1 2 3 4; do
	"$POWERCUT" run --list --shard "$k/4" scenarios/matrix.ini >> "$TMP/shards"
done
sort "$TMP/all" > "$TMP/all.sorted"
sort "$TMP/shards" > "$TMP/shards.sorted"
cmp -s "$TMP/all.sorted" "$TMP/shards.sorted" || fail "--shard K/4: the shards do not partition the cases"
"$POWERCUT" run -l -f '*/xfs/*' -s 2/2 scenarios/matrix.ini > "$TMP/one"
[ "$(cat "$TMP/one")" = matrix/xfs/syncfs ] || fail "--filter then --shard: got $(cat "$TMP/one")"
expect_exit 2 "bad shard '0/3'" -- "$POWERCUT" run --shard 0/3 scenarios/matrix.ini
expect_exit 2 "no case matches 'nope'" -- "$POWERCUT" run --list -f nope scenarios/matrix.ini
# More shards than cases: nothing to do here, and that is not an error.
expect_exit 0 "shard 10/10 holds none of the 9 cases" -- pc_run --shard 10/10 scenarios/matrix.ini

# Not root: environment, 3.
chmod 755 "$TMP"
s=$(scenario user "[global]
image = $sample
fs = ext4
modes = none")
chmod 644 "$s"
expect_exit 3 "root" -- run_as_nobody "$POWERCUT" run --workdir "$WORK" "$s" -o "$TMP/user-out"
pass
