#!/usr/bin/env bash
# Another process takes the case's device (opens it O_EXCL) in the moment
# between powercut's wait for the device to be free and its mount after
# the cut.  The mount then fails EBUSY: that was a case error (exit 1)
# naming nobody; it is the machine's doing, an error naming the process
# (exit 3).  The test hook POWERCUT_TEST_BEFORE_MOUNT runs a program with
# the device just before each mount(2): on the second mount (the remount
# after the cut) it starts a holder and waits until it holds the device.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
tiny_layer_scenario

cat > "$TMP/holder.py" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
PY
cat > "$TMP/hook" <<SH
#!/usr/bin/env bash
n=1
while ! mkdir "$TMP/mount-\$n" 2> /dev/null; do n=\$((n + 1)); done
[ "\$n" -eq 2 ] || exit 0
setsid python3 "$TMP/holder.py" "\$1" "$TMP/holder.pid" < /dev/null > /dev/null 2>&1 &
for _ in \$(seq 1 600); do [ -s "$TMP/holder.pid" ] && exit 0; sleep 0.05; done
exit 1
SH
chmod 755 "$TMP/hook"
stop_holder() { [ ! -s "$TMP/holder.pid" ] || kill "$(cat "$TMP/holder.pid")" 2> /dev/null || true; }
trap 'stop_holder; cleanup_tmp' EXIT

rc=0
POWERCUT_TEST_BEFORE_MOUNT="$TMP/hook" pc_run "$TMP/one.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ -s "$TMP/holder.pid" ] || { cat "$TMP/o" "$TMP/e"; fail "the hook never took the device at the remount"; }
holder=$(cat "$TMP/holder.pid")
stop_holder
for _ in $(seq 1 200); do kill -0 "$holder" 2> /dev/null || break; sleep 0.05; done
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3 (the environment)"; }
[ "$(jq -r '.cases[0] | "\(.verdict) \(.error_class)"' "$TMP/out/results.json")" = "error environment" ] ||
	fail "$(jq -c '.cases[0] | [.verdict, .error_class, .reason]' "$TMP/out/results.json")"
reason=$(jq -r '.cases[0].reason' "$TMP/out/results.json")
case "$reason" in
*"mount: "*"is in use by another process, pid $holder (python3)"*) ;;
*) fail "the reason does not name the process that took the device: $reason" ;;
esac
# The loop device goes once the holder lets go (autoclear).
for _ in $(seq 1 200); do losetup -a | grep -qF "$WORK/" || break; sleep 0.05; done
assert_no_leftovers
pass
