#!/usr/bin/env bash
# A work folder whose path holds ':' (run --workdir): fio reads its
# --directory as a ':' list of folders, so the fio job's folder on the
# filesystem under test would be two folders, the first one outside it.
# The run (and run --list) is refused (exit 2) before it starts, naming
# the folder; it was 'fio exited with 1 ... failed parsing directory=...'
# after mkfs.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

mkdir "$TMP/w:x"
printf '[j]\nrw=randwrite\nsize=1m\nverify=crc32c\nsync=1\n' > "$TMP/j.fio"
printf '[global]\nbackend = fuse\n[g]\nworkload = fio j.fio\nfs = ext4\nexpect = intact\n' \
	> "$TMP/colon.ini"
rc=0
sync
"$POWERCUT" run --workdir "$TMP/w:x" "$TMP/colon.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 2"; }
grep -q "holds a ':', which fio reads as a list of folders" "$TMP/e" ||
	{ cat "$TMP/e"; fail "the reason does not name the ':'"; }
! grep -q 'failed parsing directory' "$TMP/e" || fail "fio ran"
[ -z "$(ls -A "$TMP/w:x")" ] || fail "left in the work folder: $(ls -A "$TMP/w:x")"
# refused before the run starts, and by run --list (which took it)
[ ! -e "$TMP/out" ] || fail "the results folder $TMP/out was made"
rc=0
"$POWERCUT" run --list --workdir "$TMP/w:x" "$TMP/colon.ini" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "holds a ':', which fio reads as a list of folders" "$TMP/e" ||
	{ cat "$TMP/o" "$TMP/e"; fail "run --list: exit $rc, expected 2 naming the ':'"; }
assert_no_leftovers
pass
