#!/usr/bin/env bash
# Three `powercut cleanup` at once (CI jobs on one machine each run one)
# after three SIGKILLed runs: every cleanup exits 0 and together they leave
# nothing.  Before, the cleanups raced on the same dead runs and one of
# them said "open /run/powercut/N: No such file or directory ... some
# objects could not be removed" (exit 3) of what another had removed.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = fsync\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"

pids=()
for i in 1 2 3; do
	"$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out$i" > "$TMP/run$i" 2>&1 &
	pids+=($!)
done
# Power cut for the harness once every case has mounted its filesystem.
for _ in $(seq 1 600); do
	[ "$(grep -c " $WORK/[^ ]*/mnt " /proc/self/mountinfo)" -ge 3 ] && break
	sleep 0.05
done
[ "$(grep -c " $WORK/[^ ]*/mnt " /proc/self/mountinfo)" -ge 3 ] || fail "the three cases never mounted"
kill -KILL "${pids[@]}"
wait "${pids[@]}" 2> /dev/null || true
[ -n "$(ls -A "$WORK")" ] || fail "the killed runs left nothing: the test proves nothing"

cpids=()
for i in 1 2 3; do
	"$POWERCUT" cleanup > "$TMP/cleanup$i" 2>&1 &
	cpids+=($!)
done
for i in 1 2 3; do
	rc=0
	wait "${cpids[$((i - 1))]}" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$TMP/cleanup$i"; fail "cleanup $i (of 3 at once) exited $rc"; }
done
assert_no_leftovers
pass
