#!/usr/bin/env bash
# SIGTERM to the runner alone while a long unpack runs in its child: the
# unpack is abandoned at once (not finished first), teardown, exit 143,
# the case's reason "interrupted".
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# 6 GiB of zeros: a 200 KB layer that takes well over 10 s to unpack.
# Made without reading 6 GiB (tar | zstd took 10 s and more): the file's
# tar header, one zstd frame of 64 MiB of zeros 96 times over (a zstd
# stream is any number of frames), then the archive's two zero blocks.
python3 -c 'import sys, tarfile
t = tarfile.TarInfo("big")
t.size, t.mode = 6 << 30, 0o644
sys.stdout.buffer.write(t.tobuf(tarfile.GNU_FORMAT))' | zstd -q > "$TMP/big.tar.zst"
head -c 64M /dev/zero | zstd -q -1 > "$TMP/64m.zst"
for _ in $(seq 96); do cat "$TMP/64m.zst"; done >> "$TMP/big.tar.zst"
head -c 1024 /dev/zero | zstd -q >> "$TMP/big.tar.zst"
printf '[global]\nimage = %s\nfs = ext4\nmodes = none\ndevice_size = 8G\n' \
	"$TMP/big.tar.zst" > "$TMP/s.ini"
"$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" &
pid=$!
for _ in $(seq 1 600); do
	compgen -G "$WORK/powercut.*/case-0/mnt/rootfs/big" > /dev/null && break
	sleep 0.05
done
compgen -G "$WORK/powercut.*/case-0/mnt/rootfs/big" > /dev/null || fail "the unpack never started"
start=$(date +%s)
kill -s TERM "$pid"
rc=0
wait "$pid" || rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" -eq 143 ] || { cat "$TMP/e"; fail "exit $rc, expected 143"; }
[ "$took" -le 5 ] || fail "exit took $took s after SIGTERM: the unpack was finished first"
# The case was interrupted; before, its reason was "unpacking into ...:
# process killed by signal 9", the SIGKILL powercut sent its own unpack
# process, which reads as the OOM killer's.
reason=$(jq -r '.cases[0].reason' "$TMP/out/results.json")
[ "$reason" = interrupted ] || fail "the case's reason is '$reason', expected 'interrupted'"
assert_no_leftovers

# The unpack process itself SIGKILLed (the OOM killer): the case is an
# error saying so, the machine's doing (exit 3; it was 1), as a tool's.
"$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out2" > "$TMP/o" 2> "$TMP/e" &
pid=$!
child=""
for _ in $(seq 1 600); do
	for p in $(ps -o pid= --ppid "$pid"); do
		case $(readlink "/proc/$p/root" 2> /dev/null) in "$WORK"/*/rootfs) child=$p ;; esac
	done
	[ -n "$child" ] && compgen -G "$WORK/powercut.*/case-0/mnt/rootfs/big" > /dev/null && break
	sleep 0.05
done
[ -n "$child" ] || fail "no unpack process (chrooted in the case's rootfs) found"
kill -KILL "$child"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "unpack process killed: exit $rc, expected 3"; }
reason=$(jq -r '.cases[0].reason' "$TMP/out2/results.json")
case "$reason" in
*"the unpack process was killed by signal 9 (Killed), sent from outside powercut"*) ;;
*) fail "unpack process killed: the reason is '$reason'" ;;
esac
assert_no_leftovers
pass
