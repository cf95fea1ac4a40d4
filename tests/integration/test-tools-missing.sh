#!/usr/bin/env bash
# A filesystem's mkfs or read-only check missing from PATH is found when the
# run starts (named with its Debian package: "xfs_repair: not found" did not
# say that xfsprogs brings it), for the filesystems the selected cases use: exit 3 naming the
# program and the cases, before a results folder, a work folder or a case
# (it was found at each case's fsck step, after its mkfs and workload).
# run --list needs no tool; cases of other filesystems still run.
source "$(dirname "$0")/lib.sh"
cd "$TMP"

# PATH as the caller's, without xfs_repair: every program of every PATH
# folder linked into one folder (the first of a name wins, as for execvp).
mkdir "$TMP/path"
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
	[ -d "$d" ] || continue
	for p in "$d"/*; do
		name=${p##*/}
		[ "$name" != xfs_repair ] && [ -x "$p" ] && [ ! -e "$TMP/path/$name" ] || continue
		ln -s "$p" "$TMP/path/$name"
	done
done
command -v xfs_repair > /dev/null || fail "xfs_repair is not installed here"
[ ! -e "$TMP/path/xfs_repair" ] && [ -e "$TMP/path/mkfs.xfs" ] || fail "the PATH folder is wrong"

cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
fs = ext4, xfs
modes = none, syncfs
device_size = 512M
INI
rc=0
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "xfs_repair missing: exit $rc, expected 3"; }
grep -q "xfs_repair: not found in PATH (install Debian package xfsprogs, or run scripts/install-deps.sh): xfs's read-only check, needed by default/xfs/none, default/xfs/syncfs; no case was run" "$TMP/e" ||
	{ cat "$TMP/e"; fail "the message does not name the tool, its package and the cases"; }
if grep -q "default/ext4" "$TMP/e"; then fail "the ext4 cases were named"; fi
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "more than the one message"; }
[ ! -e "$TMP/out" ] || fail "a results folder was made"
[ -z "$(ls -A "$WORK")" ] || fail "a work folder was made"

# run --list runs no tool.
PATH="$TMP/path" "$POWERCUT" run --list "$TMP/s.ini" > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "run --list failed without xfs_repair"; }
[ "$(wc -l < "$TMP/o")" -eq 4 ] || fail "run --list: $(cat "$TMP/o")"

# Only the selected cases count: the ext4 ones run without xfs_repair.
rc=0
sync
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" -f 'default/ext4/syncfs' "$TMP/s.ini" \
	-o "$TMP/ext4" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "ext4 only, xfs_repair missing: exit $rc, expected 0"; }
[ "$(jq -r '.cases[0].outcome' "$TMP/ext4/results.json")" = pass ] || fail "the ext4 case did not pass"

# fio, for the cases that run it: probe = yes measures the device with fio,
# found when the run starts (it was found after the case built its device).
rm "$TMP/path/fio"
command -v fio > /dev/null || fail "fio is not installed here"
cat > "$TMP/p.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
fs = ext4
modes = none, syncfs
device_size = 512M
[plain]
[probed]
probe = yes
INI
rc=0
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" "$TMP/p.ini" -o "$TMP/pout" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "fio missing, probe = yes: exit $rc, expected 3"; }
grep -q "^powercut: fio: not found in PATH (install Debian package fio, or run scripts/install-deps.sh): the fio workload or probe = yes, needed by probed/ext4/none, probed/ext4/syncfs; no case was run$" "$TMP/e" ||
	{ cat "$TMP/e"; fail "the message does not name fio and the probed cases"; }
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "more than the one message"; }
[ ! -e "$TMP/pout" ] || fail "a results folder was made"
[ -z "$(ls -A "$WORK")" ] || fail "a work folder was made"
# the cases that do not run fio still run without it
rc=0
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" -f 'plain/ext4/none' "$TMP/p.ini" \
	-o "$TMP/plain" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "no probe, fio missing: exit $rc, expected 0"; }

# A fio workload: fio checks the job file when the scenario is read, and
# says it is not there.
printf '[j]\nrw=randwrite\nsize=8m\nverify=crc32c\nsync=1\n' > "$TMP/j.fio"
printf '[global]\nbackend = fuse\nmodes = none\n[g]\nworkload = fio j.fio\nfs = ext4\n' > "$TMP/f.ini"
rc=0
PATH="$TMP/path" "$POWERCUT" run --list "$TMP/f.ini" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "fio missing, fio workload: exit $rc, expected 3"; }
if ! grep -q "^powercut: fio: not found (install Debian package fio, or run scripts/install-deps.sh)$" "$TMP/e" ||
	! grep -q "workload: fio job file j.fio could not be checked: fio could not run" "$TMP/e"; then
	cat "$TMP/e"
	fail "no clear word that fio is missing"
fi

# powercut probe: before it builds a device.
rc=0
PATH="$TMP/path" "$POWERCUT" probe -b fuse -w "$WORK" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "fio missing, powercut probe: exit $rc, expected 3"; }
grep -q "^powercut: fio: not found in PATH (install Debian package fio, or run scripts/install-deps.sh): powercut probe measures the device with it; nothing was measured$" "$TMP/e" ||
	{ cat "$TMP/e"; fail "powercut probe: no clear word that fio is missing"; }
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "powercut probe: more than the one message"; }
[ -z "$(ls -A "$WORK")" ] || fail "powercut probe: a work folder was made"
assert_no_leftovers
pass
