#!/usr/bin/env bash
# `powercut cleanup` after a SIGKILLed run (fuse backend): a running run is
# left alone; once it is killed, cleanup removes its mount, loop device,
# FUSE mount and server, work folder and registration, and nothing else.
# Run on its own with `bash tests/integration/test-cleanup.sh` after `make`.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

slow_fsync_layer

# What is left of the run whose work folder is $1, one word per object.
leftovers() {
	local wd=$1 out=""
	out+=$(awk -v wd="$wd" 'index($5, wd) == 1 { printf " mount:%s", $5 }' /proc/self/mountinfo)
	for f in /sys/block/loop*/loop/backing_file; do
		[ -e "$f" ] || continue
		case "$(cat "$f" 2>/dev/null)" in "$wd"/*) out+=" loop:$f" ;; esac
	done
	for p in $(pgrep -f -- "__fuse-server.*$wd" || true); do out+=" server:$p"; done
	[ -e "$wd" ] && out+=" folder:$wd"
	echo "$out"
}

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

# A live run is not touched.
"$POWERCUT" cleanup -v > "$TMP/live.out" 2>&1 || { cat "$TMP/live.out"; fail "cleanup failed while a run was live"; }
grep -q "left $wd alone" "$TMP/live.out" || { cat "$TMP/live.out"; fail "cleanup did not report leaving the live run alone"; }
grep -q " $wd/[^ ]*/mnt " /proc/self/mountinfo || fail "cleanup unmounted a live run"
[ -e "$reg" ] || fail "cleanup removed a live run's registration"
kill -0 "$pid" 2>/dev/null || fail "the run died after cleanup touched it"

# Power cut for the harness itself.
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
before=$(leftovers "$wd")
# The loop device under the case's filesystem: once the FUSE mount is gone
# its backing file no longer shows below $wd, so check it by name.
loopdev=$(awk -v wd="$wd" 'index($5, wd) == 1 && $0 ~ / - ext4 \/dev\/loop/ { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 2); exit } }' /proc/self/mountinfo)
[ -n "$loopdev" ] || fail "no ext4 on a loop device below $wd"
loopsys=/sys/block/${loopdev#/dev/}/loop/backing_file
[ -e "$loopsys" ] || fail "$loopdev is not attached before cleanup"
case "$before" in *mount:*) ;; *) fail "a SIGKILLed run left no mount: the test proves nothing ($before)" ;; esac
[ -e "$reg" ] || fail "a SIGKILLed run left no registration"

# Under strace: each line is written as its object goes (line-buffered),
# so a cleanup killed part-way still says what it removed; block-buffered
# into a file, every line went out in one write at the end.
strace -qq -e trace=write -e signal=none -s 4096 -o "$TMP/cleanup.strace" \
	"$POWERCUT" cleanup > "$TMP/cleanup.out" 2>&1 || { cat "$TMP/cleanup.out"; fail "cleanup exited $?"; }
grep '^write(1, "' "$TMP/cleanup.strace" | grep -F "unmounted $wd/" | grep -qF "removed $wd\\n" &&
	{ cat "$TMP/cleanup.strace"; fail "cleanup wrote what it unmounted only with its last lines (not line-buffered)"; }
grep -q '^write(1, ' "$TMP/cleanup.strace" || { cat "$TMP/cleanup.strace"; fail "strace saw no write of cleanup's"; }
grep -q "unmounted $wd/" "$TMP/cleanup.out" || { cat "$TMP/cleanup.out"; fail "cleanup did not say what it unmounted"; }
grep -q "removed $wd" "$TMP/cleanup.out" || { cat "$TMP/cleanup.out"; fail "cleanup did not say it removed $wd"; }
after=$(leftovers "$wd")
[ -z "$after" ] || { cat "$TMP/cleanup.out"; fail "left behind after cleanup:$after (before:$before)"; }
[ ! -e "$reg" ] || fail "registration $reg left"
[ ! -e "$loopsys" ] || fail "$loopdev still attached to $(cat "$loopsys" 2>/dev/null) after cleanup"
assert_no_leftovers

# Nothing left to do for that run; the command stays well-behaved.
"$POWERCUT" cleanup > "$TMP/again.out" 2>&1 || fail "second cleanup failed"
! grep -q "$wd" "$TMP/again.out" || fail "second cleanup touched $wd again"
out=$("$POWERCUT" cleanup --help)
grep -q "usage: powercut cleanup" <<<"$out" || fail "cleanup --help"
rc=0
"$POWERCUT" cleanup --bogus > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "cleanup --bogus exited $rc, expected 2"
pass
