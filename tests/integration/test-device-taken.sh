#!/usr/bin/env bash
# Another process takes the case's device (opens it O_EXCL, as a second
# mkfs, a mount or a partitioning tool would) just as mkfs starts: mkfs.ext4
# refuses it ("apparently in use by the system").  That was read as the
# scenario's mkfs_opts (exit 2, "mkfs.ext4 was given device_size = ..."); it
# is the machine's doing: an error naming the process (exit 3), and nothing
# is left behind.  A fake mkfs.ext4 waits for the test to take the device,
# then runs the real one: no timing involved.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"
command -v python3 > /dev/null || fail "python3 is needed to hold the device"

real_mkfs=$(command -v mkfs.ext4)
mkdir -p "$TMP/bin"
cat > "$TMP/bin/mkfs.ext4" <<SH
#!/usr/bin/env bash
touch "$TMP/mkfs-started"
for _ in \$(seq 1 6000); do [ -e "$TMP/mkfs-go" ] && break; sleep 0.05; done
exec "$real_mkfs" "\$@"
SH
chmod 755 "$TMP/bin/mkfs.ext4"

tiny_layer_scenario

PATH="$TMP/bin:$PATH" "$POWERCUT" run "$TMP/one.ini" --workdir "$WORK" -o "$TMP/out" > "$TMP/run.out" 2>&1 &
pid=$!
holder=""
stop_holder() { [ -z "$holder" ] || kill "$holder" 2> /dev/null || true; }
trap 'stop_holder; cleanup_tmp' EXIT
for _ in $(seq 1 1200); do
	[ -e "$TMP/mkfs-started" ] && break
	kill -0 "$pid" 2> /dev/null || { cat "$TMP/run.out"; fail "the run ended before its mkfs"; }
	sleep 0.05
done
[ -e "$TMP/mkfs-started" ] || fail "the fake mkfs.ext4 never ran"
dev=$(losetup -a | grep -F "$WORK/" | cut -d: -f1)
[ -n "$dev" ] && [ -b "$dev" ] || fail "no loop device of the run found ($dev)"
python3 - "$dev" "$TMP/holder.pid" <<'PY' &
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
PY
holder=$!
for _ in $(seq 1 600); do [ -s "$TMP/holder.pid" ] && break; sleep 0.05; done
[ -s "$TMP/holder.pid" ] || fail "the holder could not open $dev exclusively"
touch "$TMP/mkfs-go"
rc=0
wait "$pid" || rc=$?
stop_holder
wait "$holder" 2> /dev/null || true
holder=""
cat "$TMP/run.out"
[ "$rc" -eq 3 ] || fail "exit $rc, expected 3 (the environment)"
reason=$(case_field "$TMP/out" "default/ext4/fsync" .reason 2>/dev/null || jq -r '.cases[0].reason' "$TMP/out/results.json")
verdict=$(jq -r '.cases[0].verdict' "$TMP/out/results.json")
[ "$verdict" = error ] || fail "verdict $verdict, expected error"
case "$reason" in
*"in use by another process, pid $(cat "$TMP/holder.pid") (python3)"*) ;;
*) fail "the reason does not name the process holding the device: $reason" ;;
esac
case "$reason" in *device_size*) fail "the reason blames device_size: $reason" ;; esac
assert_no_leftovers
pass
