#!/usr/bin/env bash
# SIGTERM to the runner alone while a long unpack runs in its child: the
# unpack is abandoned at once (not finished first), teardown, exit 143.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# 6 GiB of zeros: a 200 KB layer that takes well over 10 s to unpack.
truncate -s 6G "$TMP/big"
tar -C "$TMP" -c big | zstd -q -1 > "$TMP/big.tar.zst"
rm "$TMP/big"
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
assert_no_leftovers
pass
