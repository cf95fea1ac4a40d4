#!/usr/bin/env bash
# A job file name that fits under fio's set-up check at load (a short
# temporary folder) but not under the case's fio folder (run --workdir):
# fio 3.33 builds each file's path in a PATH_MAX buffer (filesetup.c
# add_file, sprintf) and was killed by signal 6 (Aborted) in every case,
# after mkfs.  The run (and run --list) is refused (exit 2) before its
# results folder or any device is made, naming the job, the folder and
# PATH_MAX.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

seg=$(printf 'b%.0s' $(seq 255))
name=$(for i in $(seq 15); do printf '%s/' "$seg"; done; printf 'c%.0s' $(seq 200))
[ "${#name}" -eq 4040 ] || fail "name of ${#name} bytes"
wd="$TMP/work-$(printf 'w%.0s' $(seq 60))"
mkdir "$wd"
printf '[j]\nrw=write\nsize=1m\nverify=crc32c\nsync=1\nfilename=%s\n' "$name" > "$TMP/j.fio"
printf '[global]\nbackend = fuse\n[g]\nworkload = fio j.fio\nfs = ext4\nexpect = intact\n' \
	> "$TMP/long.ini"
# fio's set-up check (fio works in '.' there) takes the name, and so does
# the run under a short work folder (/var/tmp: its fio folder is 38 bytes)
"$POWERCUT" run --workdir /var/tmp "$TMP/long.ini" --list > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "refused at load"; }
# fio's set-up check below a long TMPDIR: fio takes the name in '.', and
# its folders are removed from there (they were left in TMPDIR, a warning
# 'File name too long' for each, and the check passed)
# (more than 4096 - 3840: the job's folders are 15 x 256 bytes)
td="$TMP/$(printf 't%.0s' $(seq 200))/$(printf 'u%.0s' $(seq 200))"
mkdir -p "$td"
TMPDIR=$td "$POWERCUT" run --workdir /var/tmp "$TMP/long.ini" --list > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "refused at load with TMPDIR $td"; }
[ "$(cat "$TMP/o")" = g/ext4/none ] && [ ! -s "$TMP/e" ] ||
	{ cat "$TMP/o" "$TMP/e"; fail "run --list with a long TMPDIR: not the case alone, or a warning"; }
[ -z "$(ls -A "$td")" ] || fail "the set-up check left $(ls -A "$td" | head -c 200) in TMPDIR"
# computed from the fio folder the run would have under --workdir: refused
# by run --list (it was exit 0) and by the run before its results folder is
# made (it was made, and each case refused)
for list in --list ""; do
	rc=0
	sync
	"$POWERCUT" run --workdir "$wd" "$TMP/long.ini" -o "$TMP/out" $list > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/o" "$TMP/e"; fail "run ${list:-without --list}: exit $rc, expected 2"; }
	grep -q "\[j\] names a file of 4040 bytes: under the fio folder $wd/powercut.XXXXXX/case-0/mnt/fio (1[0-9][0-9] bytes) its path would be past PATH_MAX" "$TMP/e" ||
		{ cat "$TMP/e"; fail "the reason does not name the job, the file's length, the folder and PATH_MAX"; }
	[ ! -e "$TMP/out" ] || fail "run ${list:-without --list} made its results folder $TMP/out"
done
! grep -q 'killed by signal' "$TMP/e" "$TMP/o" || fail "fio ran"
[ -z "$(ls -A "$wd")" ] || fail "left in the work folder: $(ls -A "$wd")"
assert_no_leftovers
pass
