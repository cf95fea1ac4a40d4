#!/usr/bin/env bash
# `powercut cleanup` never detaches a loop device that is no longer the dead
# run's.  Unmounting the run's filesystem lets its loop device go (autoclear),
# and another program may attach its own file to the same /dev/loopN at once:
# cleanup then asked for a detach by name and took that program's device away.
# The test hook POWERCUT_TEST_UNMOUNTED runs between cleanup's unmounts and its
# loop detaches; here it attaches a decoy file to the run's loop device if it
# can (as a program calling `losetup` then would), else to any free one.  The
# decoy must stay attached, its bytes unchanged, and the run's things gone.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

decoy="$TMP/decoy.img"
head -c 4M /dev/urandom > "$decoy"
decoy_sum=$(sha256sum < "$decoy")
# Our own decoy loop devices, detached however the test ends.
detach_decoys() {
	local dev
	for dev in $(losetup -j "$decoy" | cut -d: -f1); do losetup -d "$dev" || true; done
}
trap 'detach_decoys; cleanup_tmp' EXIT

cat > "$TMP/hook" <<SH
#!/usr/bin/env bash
# The loop devices cleanup still means to detach: take the first for the decoy.
echo "\$@" > "$TMP/hook-args"
losetup "/dev/\$1" "$decoy" 2> /dev/null && { echo "\$1" > "$TMP/decoy-on"; exit 0; }
losetup -f --show "$decoy" > "$TMP/decoy-on"
SH
chmod 700 "$TMP/hook"

slow_fsync_layer

# Not pc_run: $! must be powercut's own pid (its registration's name).
"$POWERCUT" run "$TMP/one.ini" --workdir "$WORK" -o "$TMP/out" > "$TMP/run.out" 2>&1 &
pid=$!
reg=/run/powercut/$pid
wd=""
for _ in $(seq 1 400); do
	[ -z "$wd" ] && [ -s "$reg" ] && wd=$(head -n 1 "$reg")
	[ -n "$wd" ] && grep -q " $wd/[^ ]*/mnt " /proc/self/mountinfo && break
	kill -0 "$pid" 2>/dev/null || { cat "$TMP/run.out"; fail "the run ended before its case mounted"; }
	sleep 0.05
done
[ -n "$wd" ] || fail "run $pid never registered in /run/powercut"
grep -q " $wd/[^ ]*/mnt " /proc/self/mountinfo || fail "the case never mounted"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
loopdev=$(awk -v wd="$wd" 'index($5, wd) == 1 && $0 ~ / - ext4 \/dev\/loop/ { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 2); exit } }' /proc/self/mountinfo)
[ -n "$loopdev" ] || fail "no ext4 on a loop device below $wd: the test proves nothing"

rc=0
POWERCUT_TEST_UNMOUNTED="$TMP/hook" "$POWERCUT" cleanup > "$TMP/cleanup.out" 2>&1 || rc=$?
cat "$TMP/cleanup.out"
grep -q "unmounted $wd/" "$TMP/cleanup.out" ||
	fail "our cleanup did not unmount $wd (another cleanup on the machine took the run first?): the test proves nothing"
[ "$(cat "$TMP/hook-args" 2>/dev/null)" = "${loopdev#/dev/}" ] ||
	fail "the hook was given '$(cat "$TMP/hook-args" 2>/dev/null)', expected ${loopdev#/dev/}"
on=$(cat "$TMP/decoy-on" 2>/dev/null || true)
[ -n "$on" ] || fail "the hook could not attach the decoy"
echo "decoy attached to $on (the run's device was $loopdev)"
[ -n "$(losetup -j "$decoy")" ] || fail "cleanup detached the decoy's loop device ($on), not the run's"
[ "$rc" -eq 0 ] || fail "cleanup exited $rc"
[ "$(sha256sum < "$decoy")" = "$decoy_sum" ] || fail "the decoy's bytes changed"
backing=$(cat "/sys/block/${loopdev#/dev/}/loop/backing_file" 2>/dev/null || true)
case "$backing" in "$decoy" | "") ;; *) fail "$loopdev still attached to $backing after cleanup" ;; esac
[ ! -e "$reg" ] || fail "registration $reg left"
detach_decoys
assert_no_leftovers
pass
